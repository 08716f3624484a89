"""POST /api/v1/assessments/import: a year's results from a spreadsheet, previewed or committed.

Multipart: ``file`` (XLSX or CSV, the format of tracker.assessments.spreadsheets) and
``regency`` (its slug; an admin may leave it out: their own). ``?preview=true`` answers every
row's outcome and writes nothing; without it the file is saved all or nothing. A file with
refused rows answers 422 problem+json whose ``rows`` give each row's outcome and reasons.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from sqlalchemy import select

from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.inputs import AssessmentImportUpload, Preview
from tracker.api.outputs import respond
from tracker.api.reading import read_form, read_query
from tracker.api.spec import MULTIPART, Answer, operation
from tracker.assessments import imports
from tracker.clock import get_clock
from tracker.errors import Invalid, Message
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.spreadsheets import imports as shared
from tracker.web.errors import PROBLEM_BASE, PROBLEM_MEDIA, InvalidParam
from tracker.web.step import unit_of_work

M = Any


def english(message: Message) -> str:
    """A message in English, as the API answers."""
    with force_locale("en"):
        return str(message)


def _row(row: imports.RowPreview) -> out.ImportRow:
    changes = None
    if row.outcome in (imports.Outcome.NEW, imports.Outcome.CHANGED):
        changes = {c.name: [shared.show(c.old), shared.show(c.new)] for c in row.changes}
    errors = {name: english(why) for name, why in row.errors.items()} or None
    return out.ImportRow(
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
    answers=(Answer(200, out.AssessmentImport, "Every row's outcome, and whether it was saved"),),
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
    problems={422: (out.Problem, out.AssessmentImportRefused)},
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
        return respond(out.AssessmentImport(**preview_fields(result, committed=False)))
    try:
        with unit_of_work():
            done = imports.commit_import(db_session(), **args)
    except imports.ImportHasErrors as exc:
        body = preview_fields(exc.preview, committed=False)
        return refused(exc, out.AssessmentImportRefused, body)
    return respond(out.AssessmentImport(**preview_fields(done, committed=done.changes_anything)))
