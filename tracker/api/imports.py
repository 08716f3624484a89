"""POST /api/v1/assessments/import: a year's results from a spreadsheet, previewed or committed.

Multipart: ``file`` (XLSX or CSV, the format of tracker.assessments.spreadsheets) and
``regency`` (its slug; an admin may leave it out: their own). ``?preview=true`` answers every
row's outcome and writes nothing; without it the file is saved all or nothing. A file with
refused rows answers 422 problem+json whose ``rows`` give each row's outcome and reasons.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Response, current_app
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field
from sqlalchemy import select

from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.fields import Output, Url
from tracker.api.outputs import respond
from tracker.api.params import AssessmentImportUpload, Preview
from tracker.api.reading import read_form, read_query
from tracker.api.spec import MULTIPART, Answer, operation
from tracker.assessments import imports
from tracker.clock import get_clock
from tracker.errors import Invalid, Message
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.spreadsheets import imports as shared
from tracker.spreadsheets.imports import Outcome as ImportOutcome
from tracker.web.errors import PROBLEM_BASE, PROBLEM_MEDIA, InvalidParam
from tracker.web.step import unit_of_work

M = Any
ImportFormat = Literal["xlsx", "csv"]


def _absent(value: object) -> bool:
    return value is None


class ImportRow(Output):
    """One row of an assessment file and what committing it does (or did)."""

    line: int = Field(description="The row's line in the file (the header is line 1)")
    agency: str | None = Field(description="The agency's name; null: the regency's own row")
    agency_id: int | None
    outcome: ImportOutcome
    changes: dict[str, Annotated[list[Any], Field(min_length=2, max_length=2)]] | None = Field(
        None,
        exclude_if=_absent,
        description="new or changed rows: each field as [recorded, in the file]; scores as"
        " two-place strings",
    )
    errors: dict[str, str] | None = Field(
        None, exclude_if=_absent, description="error rows: each column and why"
    )


class AssessmentImport(Output):
    """Every row's outcome of an assessment file, and whether anything was saved."""

    regency: str
    year: int | None
    format: ImportFormat
    sha256: str
    committed: bool = Field(description="Whether this request saved anything")
    counts: dict[str, int]
    ignored_columns: list[str]
    rows: list[ImportRow]


class PactImportRow(Output):
    """One pact of a pact file (its rows) and what committing it does (or did)."""

    line: int = Field(description="The pact's first row in the file (header: line 1)")
    lines: list[int] = Field(description="Every row of the pact")
    reference: str | None = Field(description="The pact's document number")
    agency: str | None = Field(description="The agency's name (as found, or as given)")
    agency_id: int | None
    outcome: ImportOutcome = Field(description="new, unchanged, skipped or error")
    findings: int = Field(description="How many findings the file gives the pact")
    pact_id: int | None = Field(
        description="The recorded pact: an unchanged one, or a new one once committed"
    )
    errors: dict[str, str] | None = Field(
        None, exclude_if=_absent, description="error pacts: 'row <line>: <column>' and why"
    )


class PactImport(Output):
    """Every pact's outcome of a pact file, and whether anything was saved."""

    regency: str
    format: ImportFormat
    sha256: str
    committed: bool = Field(description="Whether this request saved anything")
    rows: int = Field(description="The file's data rows")
    counts: dict[str, int] = Field(
        description="Pacts by outcome (changed: always 0, a recorded pact is corrected on its page)"
    )
    findings: int = Field(description="The findings of the new pacts")
    ignored_columns: list[str]
    pacts: list[PactImportRow]


class RefusedImport(Output):
    """A file with refused rows: a problem (RFC 9457) whose rows say why; nothing was saved."""

    type: Url
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    invalid_params: list[InvalidParam] = Field(description="'row <line>: <column>' and why")


class AssessmentImportRefused(RefusedImport, AssessmentImport):
    """An assessment file with refused rows: every row's outcome, nothing saved."""


class PactImportRefused(RefusedImport, PactImport):
    """A pact file with refused rows: every pact's outcome, nothing saved."""


def english(message: Message) -> str:
    """A message in English, as the API answers."""
    with force_locale("en"):
        return str(message)


def _row(row: imports.RowPreview) -> ImportRow:
    changes = None
    if row.outcome in (imports.Outcome.NEW, imports.Outcome.CHANGED):
        changes = {c.name: [shared.show(c.old), shared.show(c.new)] for c in row.changes}
    errors = {name: english(why) for name, why in row.errors.items()} or None
    return ImportRow(
        line=row.line,
        agency=row.agency,
        agency_id=row.agency_id,
        outcome=row.outcome,
        changes=changes,
        errors=errors,
    )


def preview_fields(preview: imports.ImportPreview, *, committed: bool) -> dict[str, Any]:
    """The per-row outcomes of a file, as the API answers them."""
    return {
        "regency": preview.regency.slug,
        "year": preview.year,
        "format": preview.kind,
        "sha256": preview.sha256,
        "committed": committed,
        "counts": preview.counts,
        "ignored_columns": list(preview.ignored_columns),
        "rows": [_row(row) for row in preview.rows],
    }


def refused(exc: shared.ImportHasErrors, kind: type[BaseModel], body: dict[str, Any]) -> Response:
    """A file with refused rows: 422 problem+json with every row's outcome (``kind``)."""
    answer = kind(
        type=PROBLEM_BASE + exc.slug,
        title=exc.title,
        status=exc.status,
        detail=english(exc.detail),
        invalid_params=[
            InvalidParam(name=name, reason=english(why)) for name, why in exc.fields.items()
        ],
        **body,
    )
    return Response(answer.model_dump_json(), status=exc.status, mimetype=PROBLEM_MEDIA)


def read_upload(model: type[M]) -> M:
    """Read a spreadsheet upload's form; 422 without the file."""
    parsed = read_form(model)
    if parsed.errors:
        refusal = _l("Send the spreadsheet as the multipart field 'file'.")
        raise Invalid(refusal, fields=parsed.errors)
    return parsed.value


def _regency_id(slug: str | None) -> int:
    if slug:
        regency = db_session().scalars(select(Regency).where(Regency.slug == slug)).one_or_none()
        if regency is None:
            raise Invalid(
                _l("There is no regency “%(slug)s”.", slug=slug),
                fields={"regency": _l("unknown regency")},
            )
        return regency.id
    actor = api_actor()
    if actor.regency_id is None:
        raise Invalid(
            _l("Name the regency (its slug) in the field 'regency'."),
            fields={"regency": _l("required")},
        )
    return actor.regency_id


SHEET = "a readable XLSX or CSV file in the template's format, within the upload limit"


@operation(
    "POST",
    "/assessments/import",
    operation_id="importAssessments",
    summary="Import a year's results of a regency and its agencies from a spreadsheet (admin of"
    " the regency): every row's outcome (new, changed, unchanged, skipped, error); with"
    " preview=true nothing is written, otherwise all rows are saved or, if any row has an error,"
    " none. The same file twice changes nothing.",
    tag="assessments",
    answers=(Answer(200, AssessmentImport, "Every row's outcome, and whether it was saved"),),
    refusals=(403, 422),
    body=AssessmentImportUpload,
    media=MULTIPART,
    query=Preview,
    token=True,
    rules={
        "file": SHEET,
        "regency": "the slug of a regency that exists; required of an account of no regency",
        "row *": "each row's cells, as the file's rows say (nothing is saved)",
    },
    problems={422: (out.Problem, AssessmentImportRefused)},
)
def import_assessments() -> ResponseReturnValue:
    preview_only = read_query(Preview).preview
    upload = read_upload(AssessmentImportUpload)
    args: dict[str, Any] = {
        "actor": api_actor(),
        "regency_id": _regency_id(upload.regency),
        "data": upload.file,
        "now": get_clock().now(),
        "max_bytes": int(current_app.config["MAX_UPLOAD_BYTES"]),
    }
    if preview_only:
        # Reads only: nothing to commit, and the request's transaction is rolled back.
        result = imports.preview_import(db_session(), **args)
        return respond(AssessmentImport(**preview_fields(result, committed=False)))
    try:
        with unit_of_work():
            done = imports.commit_import(db_session(), **args)
    except imports.ImportHasErrors as exc:
        body = preview_fields(exc.preview, committed=False)
        return refused(exc, AssessmentImportRefused, body)
    return respond(AssessmentImport(**preview_fields(done, committed=done.changes_anything)))
