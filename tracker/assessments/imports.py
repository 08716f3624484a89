"""Import and export of a regency's results for one year, as a spreadsheet (see spreadsheets).

``preview_import`` reads a file and tells, row by row, what committing it would do: new,
changed (and what changes), unchanged, skipped (a template row left blank) or an error with
its reason; it writes nothing. ``commit_import`` reads the same file again and saves every new
or changed row through ``save_regency_result`` / ``save_unit_result``, all or nothing: a file
with any error saves no row. The checks are the services' own (``check_regency_values``,
``check_unit_values``), so a preview says what the save will do; saving the same values writes
nothing, so the same file imported twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments import spreadsheets as sheets
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.rules import DIMENSIONS, AssessmentResult, classify
from tracker.assessments.services import (
    Change,
    Values,
    check_regency_values,
    check_unit_values,
    load_regency_for_assessments,
    save_regency_result,
    save_unit_result,
    scheme_specs,
)
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.errors import Message
from tracker.regencies.models import Regency
from tracker.spreadsheets import imports as shared
from tracker.spreadsheets import sheets as generic
from tracker.spreadsheets.imports import FieldChange, ImportHasErrors, Outcome

__all__ = ["FieldChange", "ImportHasErrors", "ImportMoved", "Outcome"]

# The words a file may use for the kind of result, besides the keys (DOMAIN.md: Indonesian
# sources say "tidak dinilai" for a year the regency was not surveyed).
RESULT_WORDS: dict[str, AssessmentResult] = {
    "scored": AssessmentResult.SCORED,
    "score": AssessmentResult.SCORED,
    "dinilai": AssessmentResult.SCORED,
    "nilai": AssessmentResult.SCORED,
    "zone only": AssessmentResult.ZONE_ONLY,
    "zona saja": AssessmentResult.ZONE_ONLY,
    "hanya zona": AssessmentResult.ZONE_ONLY,
    "not assessed": AssessmentResult.NOT_ASSESSED,
    "tidak dinilai": AssessmentResult.NOT_ASSESSED,
    "tidak ada penilaian": AssessmentResult.NOT_ASSESSED,
}
# How the export writes each kind (and the template's drop-down offers).
RESULT_NAMES: dict[AssessmentResult, str] = {
    AssessmentResult.SCORED: "scored",
    AssessmentResult.ZONE_ONLY: "zone only",
    AssessmentResult.NOT_ASSESSED: "not assessed",
}
# Columns that, left out of a file, keep what is recorded (see spreadsheets).
KEPT_WHEN_ABSENT = ("rank", "rank_of", *DIMENSIONS, "source", "note")
REGENCY_ONLY = ("rank", "rank_of", "note")


@dataclass
class RowPreview:
    """One row of the file and what committing it would do."""

    line: int
    # The agency's name, or None for the regency's own row.
    agency: str | None
    agency_id: int | None
    outcome: Outcome
    changes: list[FieldChange] = field(default_factory=list)
    errors: dict[str, Message] = field(default_factory=dict)
    # What the save service is called with when committing (the checked cells, as text).
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPreview:
    """A file read against the records: every row's outcome, and whether it may be committed."""

    regency: Regency
    year: int | None
    kind: str
    sha256: str
    rows: list[RowPreview]
    ignored_columns: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        """Return how many rows have ``outcome``."""
        return shared.count(self.rows, outcome)

    @property
    def counts(self) -> dict[str, int]:
        """Rows by outcome, every outcome named."""
        return shared.counts(self.rows)

    @property
    def has_errors(self) -> bool:
        """Tell whether any row is refused (then nothing may be committed)."""
        return any(row.outcome is Outcome.ERROR for row in self.rows)

    @property
    def changes_anything(self) -> bool:
        """Tell whether committing would write anything."""
        return any(row.outcome in (Outcome.NEW, Outcome.CHANGED) for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """A digest of what committing would do: it differs once the records have moved on."""
        return shared.fingerprint(self.rows)


class ImportMoved(shared.ImportMoved):
    """The results of the year changed between the preview and the commit: nothing is saved."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            preview,
            _l(
                "The results of this year changed since the preview. Nothing was saved: check "
                "the new preview and save again."
            ),
        )


_show = shared.show


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


_Agencies = shared.AgencyIndex


def read_sheet(data: bytes, *, max_bytes: int) -> sheets.RawSheet:
    """Read an uploaded file; raise TooLarge or Invalid (naming the file) when it cannot be used."""
    return shared.read_sheet(data, sheets.FORMAT, max_bytes=max_bytes)


def _file_year(sheet: sheets.RawSheet) -> int | None:
    for row in sheet.rows:
        try:
            return sheets.whole_number(row.cells.get("year"))
        except sheets.CellError:
            continue
    return None


def preview_import(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    data: bytes,
    now: datetime,
    max_bytes: int,
) -> ImportPreview:
    """Read a file of one year's results and tell what committing it would do; write nothing.

    Raise Forbidden for an account that does not record this regency's results, TooLarge or
    Invalid for a file that cannot be read (not a spreadsheet, a missing column, no rows).
    """
    regency = load_regency_for_assessments(session, actor=actor, regency_id=regency_id)
    sheet = read_sheet(data, max_bytes=max_bytes)
    year = _file_year(sheet)
    schemes = scheme_specs(session)
    this_year = local_today(now, ZoneInfo(regency.timezone)).year
    agencies = list(session.scalars(select(Agency).where(Agency.regency_id == regency.id)))
    index = _Agencies(agencies)
    existing_units: dict[int, UnitResult] = {}
    existing_regency: Assessment | None = None
    if year is not None:
        units = session.scalars(
            select(UnitResult)
            .join(Agency, UnitResult.agency_id == Agency.id)
            .where(Agency.regency_id == regency.id, UnitResult.year == year)
        )
        existing_units = {u.agency_id: u for u in units}
        existing_regency = session.scalars(
            select(Assessment).where(Assessment.regency_id == regency.id, Assessment.year == year)
        ).one_or_none()
    regency_names = {_normal(regency.slug), _normal(regency.name)}
    seen: dict[int | None, int] = {}
    rows: list[RowPreview] = []
    for raw in sheet.rows:
        rows.append(
            _preview_row(
                raw,
                sheet=sheet,
                year=year,
                index=index,
                regency_names=regency_names,
                seen=seen,
                existing_units=existing_units,
                existing_regency=existing_regency,
                schemes=schemes,
                this_year=this_year,
            )
        )
    return ImportPreview(
        regency=regency,
        year=year,
        kind=sheet.kind,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        ignored_columns=sheet.ignored,
    )


def _preview_row(
    raw: sheets.RawRow,
    *,
    sheet: sheets.RawSheet,
    year: int | None,
    index: _Agencies[Agency],
    regency_names: set[str],
    seen: dict[int | None, int],
    existing_units: dict[int, UnitResult],
    existing_regency: Assessment | None,
    schemes: Any,
    this_year: int,
) -> RowPreview:
    cells = raw.cells
    errors: dict[str, Message] = {}
    # The cells as text, the scores as the number Excel shows.
    values: dict[str, Any] = {}
    for name in sheets.COLUMN_NAMES:
        value = cells.get(name)
        if value is None:
            values[name] = None
            continue
        try:
            if name in sheets.SCORE_COLUMNS:
                values[name] = sheets.number_text(value)
            elif name in ("year", "rank", "rank_of"):
                values[name] = str(sheets.whole_number(value))
            else:
                values[name] = sheets.text(value)
        except sheets.CellError as exc:
            errors[name] = exc.reason
            values[name] = None
    row_year: int | None = int(values["year"]) if values["year"] is not None else None
    if "year" not in errors and row_year is None:
        errors["year"] = _l("the year is missing")
    elif row_year is not None and year is not None and row_year != year:
        errors["year"] = _l(
            "a file holds the results of one year: %(year)s, as on its first rows", year=year
        )
    if values["regency"] is not None and _normal(values["regency"]) not in regency_names:
        errors["regency"] = _l(
            "this file is for “%(name)s”, not for this regency", name=values["regency"]
        )
    agency: Agency | None = None
    if values["agency"] is not None:
        found = index.find(values["agency"])
        if isinstance(found, Agency):
            agency = found
        else:
            errors["agency"] = found
    key = agency.id if agency is not None else None
    if "agency" not in errors:
        if key in seen:
            errors["agency"] = _l(
                "a second row for the same result (first on row %(line)s)", line=seen[key]
            )
        else:
            seen[key] = raw.line
    label = agency.name if agency is not None else None
    result_text = values["result"]
    result: AssessmentResult | None = None
    if result_text is not None:
        result = RESULT_WORDS.get(sheets.words(result_text)) or RESULT_WORDS.get(
            sheets.words(result_text).replace("_", " ")
        )
        if result is None:
            errors["result"] = _l(
                "“%(given)s” is not a result: scored, zone only or not assessed (dinilai, zona"
                " saja, tidak dinilai)",
                given=result_text,
            )
    existing: Assessment | UnitResult | None
    if values["agency"] is None:
        existing = existing_regency
        for name in DIMENSIONS:
            if values[name] is not None:
                errors[name] = _l("dimension scores belong on an agency's row")
    else:
        existing = existing_units.get(agency.id) if agency is not None else None
        for name in REGENCY_ONLY:
            if values[name] is not None:
                errors[name] = _l("only on the regency's own row (the row without an agency)")
    details = [
        n for n in (*KEPT_WHEN_ABSENT, "result", "score", "zone") if values.get(n) is not None
    ]
    if not details and not errors:
        return RowPreview(raw.line, label, key, Outcome.SKIPPED)
    # A column the file leaves out keeps what is recorded.
    for name in KEPT_WHEN_ABSENT:
        if name not in sheet.columns and existing is not None and hasattr(existing, name):
            recorded = getattr(existing, name)
            values[name] = _show(recorded) if recorded is not None else None
    checked_values: Values
    if values["agency"] is None:
        args = {
            "year": row_year, "result": result, "score": values["score"], "zone": values["zone"],
            "rank": values["rank"], "rank_of": values["rank_of"], "note": values["note"],
            "source": values["source"],
        }  # fmt: skip
        _, checked_values, check_errors = check_regency_values(
            row_year, result, values["score"], values["zone"],
            rank=values["rank"], rank_of=values["rank_of"], note=values["note"],
            source=values["source"], schemes=schemes, this_year=this_year,
        )  # fmt: skip
    else:
        dims = tuple(values[name] for name in DIMENSIONS)
        args = {
            "year": row_year, "result": result, "score": values["score"], "zone": values["zone"],
            **dict(zip(DIMENSIONS, dims, strict=True)), "source": values["source"],
        }  # fmt: skip
        _, checked_values, check_errors = check_unit_values(
            row_year, result, values["score"], values["zone"], dimensions=dims,
            source=values["source"], schemes=schemes, this_year=this_year,
        )  # fmt: skip
    for name, reason in check_errors.items():
        errors.setdefault(name, reason)
    if errors:
        return RowPreview(raw.line, label or values["agency"], key, Outcome.ERROR, errors=errors)
    if existing is None:
        changes = [FieldChange(n, None, v) for n, v in checked_values.items() if v is not None]
        return RowPreview(raw.line, label, key, Outcome.NEW, changes=changes, args=args)
    changes = []
    for name, new in checked_values.items():
        old = getattr(existing, name)
        same = (
            (Decimal(old) == Decimal(new))
            if isinstance(old, Decimal) and new is not None
            else old == new
        )
        if not same:
            changes.append(FieldChange(name, old, new))
    outcome = Outcome.CHANGED if changes else Outcome.UNCHANGED
    return RowPreview(raw.line, label, key, outcome, changes=changes, args=args)


def commit_import(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    data: bytes,
    now: datetime,
    max_bytes: int,
    expected: str | None = None,
) -> ImportPreview:
    """Save every new or changed row of the file, all or nothing; return what was done.

    Raise ImportHasErrors (nothing saved) when any row is refused, and ImportMoved when
    ``expected`` (the fingerprint of the preview the user saw) no longer matches the records.
    """
    preview = preview_import(
        session, actor=actor, regency_id=regency_id, data=data, now=now, max_bytes=max_bytes
    )
    if preview.has_errors:
        raise ImportHasErrors(preview)
    if expected is not None and expected != preview.fingerprint:
        raise ImportMoved(preview)
    # Read once for the whole file, not once a row.
    schemes = scheme_specs(session)
    for row in preview.rows:
        if row.outcome not in (Outcome.NEW, Outcome.CHANGED):
            continue
        if row.agency_id is None:
            done = save_regency_result(
                session, actor=actor, regency_id=regency_id, now=now, schemes=schemes, **row.args
            )
        else:
            done = save_unit_result(
                session,
                actor=actor,
                agency_id=row.agency_id,
                now=now,
                schemes=schemes,
                **row.args,
            )
        if done is Change.UNCHANGED:
            # The preview and the service read the same checks: this would be a bug.
            raise RuntimeError(f"row {row.line}: the preview and the save disagree")
    if preview.changes_anything:
        record(
            session,
            actor=actor,
            action="assessment.imported",
            target_type="regency",
            target_id=regency_id,
            regency_id=regency_id,
            at=now,
            changes={
                "year": preview.year,
                "sha256": preview.sha256,
                "new": preview.count(Outcome.NEW),
                "changed": preview.count(Outcome.CHANGED),
                "unchanged": preview.count(Outcome.UNCHANGED),
            },
        )
        session.flush()
    return preview


# --- export and template ----------------------------------------------------------------------


def export_records(session: Session, *, regency: Regency, year: int) -> Iterator[dict[str, Any]]:
    """Yield the recorded results of ``regency`` in ``year`` as rows of the format.

    The regency's own row first, then its agencies by name. A scored row also gives the zone
    its score lands in (the import checks it and stores nothing of it), so the file reads well.
    """
    schemes = scheme_specs(session)
    own = session.scalars(
        select(Assessment).where(Assessment.regency_id == regency.id, Assessment.year == year)
    ).one_or_none()

    def zone_of(result: Assessment | UnitResult) -> str | None:
        if result.score is not None:
            band = classify(result.score, year, schemes)
            return band.zone.value if band else None
        return result.zone.value if result.zone else None

    if own is not None:
        yield {
            "year": year, "regency": regency.slug, "agency": None,
            "result": RESULT_NAMES[own.result], "score": own.score, "zone": zone_of(own),
            "rank": own.rank, "rank_of": own.rank_of, "source": own.source, "note": own.note,
        }  # fmt: skip
    units = session.execute(
        select(UnitResult, Agency)
        .join(Agency, UnitResult.agency_id == Agency.id)
        .where(Agency.regency_id == regency.id, UnitResult.year == year)
        .order_by(Agency.name, Agency.id)
    )
    for unit, agency in units:
        yield {
            "year": year, "regency": regency.slug, "agency": agency.slug,
            "result": RESULT_NAMES[unit.result], "score": unit.score, "zone": zone_of(unit),
            **{name: getattr(unit, name) for name in DIMENSIONS}, "source": unit.source,
        }  # fmt: skip


def template_records(session: Session, *, regency: Regency, year: int) -> Iterator[dict[str, Any]]:
    """Yield the template's rows: the regency's own, then one per agency, to be filled in."""
    yield {"year": year, "regency": regency.slug, "agency": None}
    agencies = session.scalars(
        select(Agency).where(Agency.regency_id == regency.id).order_by(Agency.name, Agency.id)
    )
    for agency in agencies:
        yield {"year": year, "regency": regency.slug, "agency": agency.slug}


def help_rows() -> list[tuple[str, str]]:
    """The template's second sheet: what each column holds, in the reader's language."""
    return generic.help_rows(
        sheets.FORMAT,
        (
            _l(
                "One row per result: the regency's own row has no agency; each agency's row "
                "names it."
            ),
            _l("A row left blank after year and agency is skipped."),
            _l("A column left out keeps what is recorded (rank, dimension scores, source, note)."),
            _l("Rows the file does not list are not changed. One year per file."),
        ),
    )
