"""A regency's pacts with their findings, as a spreadsheet: format, preview, commit, export.

One format for the template, the export and the import (XLSX or CSV, read by the shared
machinery of tracker/spreadsheets/), **one row per finding**, the pact's columns repeated on
each of its rows (a pact without findings: one row, the finding columns empty). A pact is
named by its agency and its ``reference`` (the number of the signed document, unique within
the agency): the rows that share them are one pact, and must agree on every pact column.

Columns (English names, or the Indonesian ones in ``COLUMNS``; order free, unknown columns
ignored and named in the preview):

========================  ======================================================================
``reference``             the pact's document number (required; at most 64 characters)
``agency``                the agency's short name (slug) or name (required)
``signatory_title``       the signatory's title (required)
``signatory_name``        the signatory's name; empty when the source does not name them
``signed_on``             the signing date: an Excel date, 2024-03-05 or 05/03/2024; empty: unknown
``period_months``         months to the deadline (empty: 3)
``pledge``                what the agency head pledges (required)
``sanction``              ``witnesses``, ``source``: as on the pact form
``target_kind``           ``target_value``, ``target_year``: what the pact promises of the
                          agency's next assessment (zone, grade, score, improve)
``finding_title``         a finding's title (empty on the row of a pact without findings)
``finding_category``      input, process, output, complaints (also proses, pengaduan, …)
``finding_code``          a code of the finding catalogue (optional)
``finding_description``   the finding's description (optional)
``regency``               optional: the regency's slug or name, checked against the importer's
========================  ======================================================================

Preview then commit, all or nothing (tracker/spreadsheets/imports.py): one outcome per pact.
A pact whose reference the agency has not recorded is **new**; one recorded with the same
values and findings is **unchanged** (so the same file imported twice changes nothing); one
recorded with other values is an **error** naming them: a recorded pact is corrected on its
page, with a reason (the import never rewrites one silently). A row with nothing beyond the
agency (the template's rows) is **skipped**. The checks are ``check_pact_values``, the ones
``record_pact`` applies; the commit saves through ``record_pact``, each pact and finding audited
as on the form, and one ``pact.imported`` event names the file and its counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.agencies.models import Agency
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.errors import Forbidden, Message, NotFound
from tracker.findings.rules import FindingCategory
from tracker.pacts.models import Pact
from tracker.pacts.rules import DEFAULT_PERIOD_MONTHS
from tracker.pacts.services import FindingInput, check_pact_values, record_pact
from tracker.regencies.models import Regency
from tracker.spreadsheets import imports as shared
from tracker.spreadsheets import sheets
from tracker.spreadsheets.imports import FieldChange, ImportHasErrors, Outcome
from tracker.spreadsheets.sheets import Column

__all__ = ["FieldChange", "ImportHasErrors", "ImportMoved", "Outcome"]

REFERENCE_MAX = 64
# 30,000 findings and more: far above a regency's pacts of many years.
MAX_ROWS = 60_000

PACT_COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        ("nomor", "nomor_pakta", "no_pakta", "nomor_dokumen", "referensi"),
        _l("The pact's document number, unique within the agency; its rows share it."),
        True,
    ),
    Column(
        "agency",
        ("opd", "unit", "instansi", "perangkat_daerah"),
        _l("The agency's short name or name."),
        True,
    ),
    Column(
        "signatory_title",
        ("jabatan", "jabatan_penandatangan"),
        _l("The signatory's title."),
        True,
    ),
    Column(
        "signatory_name",
        ("nama_penandatangan", "penandatangan", "nama"),
        _l("The signatory's name; empty when the source does not name them."),
    ),
    Column(
        "signed_on",
        ("tanggal", "tanggal_tanda_tangan", "tanggal_ditandatangani", "ditandatangani"),
        _l("The signing date (2024-03-05 or 05/03/2024); empty when unknown."),
    ),
    Column(
        "period_months",
        ("jangka_waktu", "jangka_bulan", "masa_bulan"),
        _l("Months from signing to the deadline; empty: 3."),
    ),
    Column(
        "pledge", ("janji", "isi_pakta", "pernyataan"), _l("What the agency head pledges."), True
    ),
    Column("sanction", ("sanksi",), _l("The sanction the pact names.")),
    Column("witnesses", ("saksi",), _l("Who witnessed the signing.")),
    Column("source", ("sumber",), _l("Where the pact is reported (a document, an article).")),
    Column(
        "target_kind",
        ("jenis_target", "target_jenis"),
        _l("What the pact promises of the next assessment: zone, grade, score or improve."),
    ),
    Column(
        "target_value",
        ("nilai_target", "target_nilai"),
        _l("The zone, grade or score promised (empty for improve)."),
    ),
    Column(
        "target_year",
        ("tahun_target", "target_tahun"),
        _l("The assessment year of the target."),
    ),
)
FINDING_COLUMNS: tuple[Column, ...] = (
    Column(
        "finding_title",
        ("temuan", "judul_temuan"),
        _l("A finding's title; one row per finding (empty: a pact without findings)."),
    ),
    Column(
        "finding_category",
        ("kategori", "kategori_temuan"),
        _l("input, process, output or complaints (input, proses, output, pengaduan)."),
    ),
    Column(
        "finding_code",
        ("kode", "kode_temuan"),
        _l("Optional: a code of the finding catalogue."),
    ),
    Column(
        "finding_description",
        ("uraian", "uraian_temuan", "deskripsi_temuan"),
        _l("Optional: the finding's description."),
    ),
)
COLUMNS: tuple[Column, ...] = (
    *PACT_COLUMNS,
    *FINDING_COLUMNS,
    Column(
        "regency",
        ("kabupaten", "kota", "pemda"),
        _l("Optional: the regency's short name, checked against the regency imported into."),
    ),
)
# What must be the same on every row of one pact (the agency and reference name it).
PACT_VALUES = tuple(c.name for c in PACT_COLUMNS if c.name not in ("reference", "agency"))
FORMAT = sheets.SheetFormat(
    columns=COLUMNS,
    export_order=(
        "regency",
        "agency",
        "reference",
        "signatory_title",
        "signatory_name",
        "signed_on",
        "period_months",
        "pledge",
        "sanction",
        "witnesses",
        "source",
        "target_kind",
        "target_value",
        "target_year",
        "finding_title",
        "finding_category",
        "finding_code",
        "finding_description",
    ),
    sheet_name="pakta",
    not_this_format=_l(
        "The first row holds no column of the format (reference, agency, pledge): this is "
        "not a pacts spreadsheet."
    ),
    max_rows=MAX_ROWS,
    widths={
        "agency": 30,
        "reference": 22,
        "signatory_title": 30,
        "signatory_name": 26,
        "pledge": 50,
        "source": 36,
        "finding_title": 50,
        "finding_description": 50,
    },
    choices={
        "finding_category": tuple(c.value for c in FindingCategory),
        "target_kind": ("zone", "grade", "score", "improve"),
    },
)
CATEGORY_WORDS: dict[str, FindingCategory] = {
    "input": FindingCategory.INPUT,
    "masukan": FindingCategory.INPUT,
    "process": FindingCategory.PROCESS,
    "proses": FindingCategory.PROCESS,
    "output": FindingCategory.OUTPUT,
    "keluaran": FindingCategory.OUTPUT,
    "complaints": FindingCategory.COMPLAINTS,
    "complaint handling": FindingCategory.COMPLAINTS,
    "pengaduan": FindingCategory.COMPLAINTS,
    "penanganan pengaduan": FindingCategory.COMPLAINTS,
}
_FINDING_FIELDS = {
    "title": "finding_title",
    "category": "finding_category",
    "code": "finding_code",
    "description": "finding_description",
}


@dataclass
class PactPreview:
    """One pact of the file (its rows) and what committing it would do."""

    line: int
    lines: list[int]
    reference: str | None
    agency: str | None
    agency_id: int | None
    outcome: Outcome
    findings: int = 0
    pact_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    # "row <line>: <column>" → why.
    errors: dict[str, Message] = field(default_factory=dict)
    # What record_pact is called with when committing.
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPreview:
    """A file read against the records: every pact's outcome, and whether it may be committed."""

    regency: Regency
    kind: str
    sha256: str
    rows: list[PactPreview]
    row_count: int
    ignored_columns: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        """Return how many pacts have ``outcome``."""
        return shared.count(self.rows, outcome)

    @property
    def counts(self) -> dict[str, int]:
        """Pacts by outcome, every outcome named."""
        return shared.counts(self.rows)

    @property
    def findings(self) -> int:
        """How many findings committing would record."""
        return sum(p.findings for p in self.rows if p.outcome is Outcome.NEW)

    @property
    def has_errors(self) -> bool:
        """Tell whether any pact is refused (then nothing may be committed)."""
        return any(row.outcome is Outcome.ERROR for row in self.rows)

    @property
    def changes_anything(self) -> bool:
        """Tell whether committing would write anything."""
        return any(row.outcome in shared.WRITES for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """A digest of what committing would do: it differs once the records have moved on."""
        return shared.fingerprint(self.rows)


class ImportMoved(shared.ImportMoved):
    """The regency's pacts changed between the preview and the commit: nothing is saved."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            preview,
            _l(
                "The pacts changed since the preview. Nothing was saved: check the new preview "
                "and save again."
            ),
        )


def load_regency_for_import(session: Session, *, actor: User, regency_id: int) -> Regency:
    """Return the regency whose pacts the actor imports: its regent's office only."""
    regency = session.get(Regency, regency_id)
    if regency is None:
        raise NotFound(_l("There is no regency with id %(id)s.", id=regency_id))
    if not policy.is_admin_of(actor, regency_id):
        raise Forbidden(_l("Only the regent's office of this regency records its pacts."))
    return regency


# --- reading rows -----------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    errors: dict[str, Message]
    agency: Agency | None


def _cell(name: str, value: Any) -> Any:
    if name == "signed_on":
        return sheets.day(value)
    if name in ("period_months", "target_year"):
        return sheets.whole_number(value)
    if name == "finding_category":
        found = CATEGORY_WORDS.get(sheets.words(value))
        if found is None:
            raise sheets.CellError(
                _l("not a category: input, process, output or complaints (proses, pengaduan)")
            )
        return found.value
    return sheets.text(value)


def _read_row(
    raw: sheets.RawRow, *, index: shared.AgencyIndex[Agency], regency_names: set[str]
) -> _Row | None:
    values: dict[str, Any] = {}
    errors: dict[str, Message] = {}
    for name, value in raw.cells.items():
        try:
            values[name] = _cell(name, value)
        except sheets.CellError as exc:
            errors[name] = exc.reason
    if not (set(raw.cells) - {"agency", "regency"}):
        return None
    regency = values.get("regency")
    if regency is not None and shared.normal(regency) not in regency_names:
        errors["regency"] = _l("this file is for “%(name)s”, not for this regency", name=regency)
    agency: Agency | None = None
    if "agency" not in raw.cells:
        errors["agency"] = _l("the agency is missing")
    else:
        found = index.find(values["agency"])
        if isinstance(found, Agency):
            agency = found
        else:
            errors["agency"] = found
    reference = values.get("reference")
    if reference is None and "reference" not in errors:
        errors["reference"] = _l("a pact needs its reference (the signed document's number)")
    elif reference is not None and len(reference) > REFERENCE_MAX:
        errors["reference"] = _l("at most %(n)s characters", n=REFERENCE_MAX)
    return _Row(raw.line, values, errors, agency)


def _finding(values: dict[str, Any]) -> FindingInput | None:
    if not any(values.get(name) for name in _FINDING_FIELDS.values()):
        return None
    return FindingInput(
        title=values.get("finding_title") or "",
        category=values.get("finding_category"),
        code=values.get("finding_code"),
        description=values.get("finding_description"),
    )


def _pact_args(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "signatory_name": values.get("signatory_name"),
        "signatory_title": values.get("signatory_title") or "",
        "signed_on": values.get("signed_on"),
        "pledge": values.get("pledge") or "",
        "period_months": values.get("period_months") or DEFAULT_PERIOD_MONTHS,
        "sanction": values.get("sanction"),
        "witnesses": values.get("witnesses"),
        "target_kind": values.get("target_kind"),
        "target_value": values.get("target_value"),
        "target_year": values.get("target_year"),
    }


def _recorded(pact: Pact) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    values = {
        "signatory_name": pact.signatory_name,
        "signatory_title": pact.signatory_title,
        "signed_on": pact.signed_on,
        "period_months": pact.period_months,
        "pledge": pact.pledge,
        "sanction": pact.sanction,
        "witnesses": pact.witnesses,
        "source": pact.source,
        "target_kind": pact.target_kind.value if pact.target_kind else None,
        "target_value": pact.target_value,
        "target_year": pact.target_year,
    }
    findings = [
        (f.title, f.category.value, f.code, f.description)
        for f in sorted(pact.findings, key=lambda f: f.id)
    ]
    return values, findings


def _as_recorded(
    args: dict[str, Any], source: str | None, target: tuple[Any, Any, Any], findings: list[Any]
) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The values record_pact would store for ``args`` (stripped; empty text as null)."""

    def clean(value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    kind, value, year = target
    values = {
        "signatory_name": clean(args["signatory_name"]),
        "signatory_title": clean(args["signatory_title"]),
        "signed_on": args["signed_on"],
        "period_months": args["period_months"],
        "pledge": clean(args["pledge"]),
        "sanction": clean(args["sanction"]),
        "witnesses": clean(args["witnesses"]),
        "source": clean(source),
        "target_kind": kind.value if kind is not None else None,
        "target_value": value,
        "target_year": year,
    }
    rows = [(clean(f.title), f.category, clean(f.code), clean(f.description)) for f in findings]
    return values, rows


def preview_import(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    data: bytes,
    now: datetime,
    max_bytes: int,
) -> ImportPreview:
    """Read a file of pacts and tell what committing it would do, pact by pact; write nothing.

    Raise Forbidden for an account that does not record this regency's pacts, TooLarge or
    Invalid for a file that cannot be read (not a spreadsheet, a missing column, no rows).
    """
    regency = load_regency_for_import(session, actor=actor, regency_id=regency_id)
    sheet = shared.read_sheet(data, FORMAT, max_bytes=max_bytes)
    today = local_today(now, ZoneInfo(regency.timezone))
    agencies = list(session.scalars(select(Agency).where(Agency.regency_id == regency.id)))
    index = shared.AgencyIndex(agencies)
    regency_names = {shared.normal(regency.slug), shared.normal(regency.name)}
    # The rows, gathered by pact (agency and reference), in the file's order.
    groups: dict[tuple[int, str], list[_Row]] = {}
    loose: list[_Row] = []
    skipped: list[int] = []
    for raw in sheet.rows:
        row = _read_row(raw, index=index, regency_names=regency_names)
        if row is None:
            skipped.append(raw.line)
        elif row.agency is None or row.values.get("reference") is None:
            loose.append(row)
        else:
            key = (row.agency.id, shared.normal(row.values["reference"]))
            groups.setdefault(key, []).append(row)
    recorded: dict[tuple[int, str], Pact] = {}
    if groups:
        pacts = session.scalars(
            select(Pact)
            .join(Agency, Pact.agency_id == Agency.id)
            .where(Agency.regency_id == regency.id, Pact.reference.is_not(None))
            .options(selectinload(Pact.findings))
        )
        recorded = {(p.agency_id, shared.normal(p.reference or "")): p for p in pacts}
    previews: list[PactPreview] = []
    for row in loose:
        errors = {f"row {row.line}: {n}": r for n, r in row.errors.items()}
        previews.append(
            PactPreview(
                row.line, [row.line], row.values.get("reference"), row.values.get("agency"),
                None, Outcome.ERROR, errors=errors,
            )
        )  # fmt: skip
    by_id = {a.id: a for a in agencies}
    for key, rows in groups.items():
        previews.append(_preview_pact(rows, recorded.get(key), agency=by_id[key[0]], today=today))
    for line in skipped:
        previews.append(PactPreview(line, [line], None, None, None, Outcome.SKIPPED))
    previews.sort(key=lambda p: p.line)
    return ImportPreview(
        regency=regency,
        kind=sheet.kind,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=previews,
        row_count=len(sheet.rows),
        ignored_columns=sheet.ignored,
    )


def _preview_pact(
    rows: list[_Row], existing: Pact | None, *, agency: Agency, today: date
) -> PactPreview:
    first = rows[0]
    errors: dict[str, Message] = {}
    for row in rows:
        for name, reason in row.errors.items():
            errors[f"row {row.line}: {name}"] = reason
    # Every row of a pact repeats its columns: a row that says otherwise is refused.
    for row in rows[1:]:
        for name in PACT_VALUES:
            if row.values.get(name) != first.values.get(name) and name not in row.errors:
                errors[f"row {row.line}: {name}"] = _l(
                    "differs from the pact's first row (row %(line)s): one pact, one value",
                    line=first.line,
                )
    findings: list[FindingInput] = []
    finding_lines: list[int] = []
    seen: dict[str, int] = {}
    for row in rows:
        item = _finding(row.values)
        if item is None:
            if len(rows) > 1:
                errors.setdefault(
                    f"row {row.line}: finding_title",
                    _l("a pact with findings takes one finding per row: this row has none"),
                )
            continue
        title = shared.normal(item.title)
        if title and title in seen:
            errors[f"row {row.line}: finding_title"] = _l(
                "the same finding twice in this pact (first on row %(line)s)", line=seen[title]
            )
        seen.setdefault(title, row.line)
        findings.append(item)
        finding_lines.append(row.line)
    args = _pact_args(first.values)
    target, checked = check_pact_values(today=today, findings=findings, **args)
    for name, reason in checked.items():
        if name.startswith("findings["):
            number, _, attribute = name[len("findings[") :].partition("].")
            line = finding_lines[int(number)]
            column = _FINDING_FIELDS.get(attribute, "finding_title")
        else:
            line, column = first.line, name
        errors.setdefault(f"row {line}: {column}", reason)
    reference = first.values["reference"]
    label = agency.name
    lines = [row.line for row in rows]
    if errors:
        return PactPreview(
            first.line, lines, reference, label, agency.id, Outcome.ERROR,
            findings=len(findings), errors=errors,
        )  # fmt: skip
    source = first.values.get("source")
    if existing is not None:
        old_values, old_findings = _recorded(existing)
        new_values, new_findings = _as_recorded(args, source, target, findings)
        changes = [
            FieldChange(name, old_values[name], new_values[name])
            for name in old_values
            if old_values[name] != new_values[name]
        ]
        if old_findings != new_findings:
            changes.append(FieldChange("findings", len(old_findings), len(new_findings)))
        if not changes:
            return PactPreview(
                first.line, lines, reference, label, agency.id, Outcome.UNCHANGED,
                findings=len(findings), pact_id=existing.id,
            )  # fmt: skip
        names = ", ".join(c.name for c in changes)
        return PactPreview(
            first.line, lines, reference, label, agency.id, Outcome.ERROR,
            findings=len(findings), pact_id=existing.id, changes=changes,
            errors={
                f"row {first.line}: reference": _l(
                    "this pact is recorded with other values (%(names)s): correct it on its "
                    "page, with a reason",
                    names=names,
                )
            },
        )  # fmt: skip
    return PactPreview(
        first.line, lines, reference, label, agency.id, Outcome.NEW,
        findings=len(findings),
        changes=[FieldChange("findings", None, len(findings))],
        args={**args, "reference": reference, "source": source, "findings": findings},
    )  # fmt: skip


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
    """Record every new pact of the file with its findings, all or nothing; return what was done.

    Raise ImportHasErrors (nothing saved) when any pact is refused, and ImportMoved when
    ``expected`` (the fingerprint of the preview the user saw) no longer matches the records.
    The caller's unit of work commits once, for the whole file.
    """
    preview = preview_import(
        session, actor=actor, regency_id=regency_id, data=data, now=now, max_bytes=max_bytes
    )
    if preview.has_errors:
        raise ImportHasErrors(preview)
    if expected is not None and expected != preview.fingerprint:
        raise ImportMoved(preview)
    for row in preview.rows:
        if row.outcome is Outcome.NEW and row.agency_id is not None:
            pact = record_pact(session, actor=actor, agency_id=row.agency_id, now=now, **row.args)
            row.pact_id = pact.id
    if preview.changes_anything:
        record(
            session,
            actor=actor,
            action="pact.imported",
            target_type="regency",
            target_id=regency_id,
            regency_id=regency_id,
            at=now,
            changes={
                "sha256": preview.sha256,
                "new": preview.count(Outcome.NEW),
                "unchanged": preview.count(Outcome.UNCHANGED),
                "findings": preview.findings,
            },
        )
        session.flush()
    return preview


# --- export and template ----------------------------------------------------------------------


def export_records(session: Session, *, regency: Regency) -> Iterator[dict[str, Any]]:
    """Yield the regency's pacts that have a reference as rows of the format, one per finding.

    A pact recorded without a reference cannot be named by a file, so it is not exported.
    """
    pacts = session.scalars(
        select(Pact)
        .join(Agency, Pact.agency_id == Agency.id)
        .where(Agency.regency_id == regency.id, Pact.reference.is_not(None))
        .options(selectinload(Pact.findings), selectinload(Pact.agency))
        .order_by(Agency.name, Pact.reference, Pact.id)
    )
    for pact in pacts:
        values, _ = _recorded(pact)
        base = {"regency": regency.slug, "agency": pact.agency.slug, "reference": pact.reference}
        base.update(values)
        findings = sorted(pact.findings, key=lambda f: f.id)
        if not findings:
            yield base
        for finding in findings:
            yield {
                **base,
                "finding_title": finding.title,
                "finding_category": finding.category.value,
                "finding_code": finding.code,
                "finding_description": finding.description,
            }


def template_records(session: Session, *, regency: Regency) -> Iterator[dict[str, Any]]:
    """Yield the template's rows: one per agency, to be filled in (or copied, one per finding)."""
    agencies = session.scalars(
        select(Agency).where(Agency.regency_id == regency.id).order_by(Agency.name, Agency.id)
    )
    for agency in agencies:
        yield {"regency": regency.slug, "agency": agency.slug}


def help_rows() -> list[tuple[str, str]]:
    """The template's second sheet: what each column holds, in the reader's language."""
    return sheets.help_rows(
        FORMAT,
        (
            _l(
                "One row per finding: the pact's columns repeated on each of its rows; a pact "
                "without findings takes one row with the finding columns empty."
            ),
            _l("A pact is named by its agency and reference: the same file twice changes nothing."),
            _l("A row with nothing beyond the agency is skipped."),
            _l(
                "A pact already recorded with other values is refused: correct it on its page. "
                "Any error saves nothing."
            ),
        ),
    )
