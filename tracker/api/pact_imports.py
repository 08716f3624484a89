"""POST /api/v1/pacts/import: the regency's pacts with their findings from a spreadsheet.

Multipart: ``file`` (XLSX or CSV, the format of tracker.pacts.imports), and optionally
``regency`` (its slug: it must be the account's own). The regent's office of a regency only.
``?preview=true`` answers every pact's outcome and writes nothing; without it the new pacts are
recorded all or nothing, in one transaction. A file with refused rows answers 422
problem+json whose ``pacts`` give each pact's outcome and reasons.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.imports import (
    SHEET,
    PactImport,
    PactImportRefused,
    PactImportRow,
    english,
    read_upload,
    refused,
)
from tracker.api.outputs import respond
from tracker.api.params import PactImportUpload, Preview
from tracker.api.reading import read_query
from tracker.api.spec import MULTIPART, Answer, operation
from tracker.clock import get_clock
from tracker.errors import Forbidden, Invalid
from tracker.extensions import db_session
from tracker.pacts import imports
from tracker.regencies.models import Regency
from tracker.spreadsheets import stash
from tracker.web.step import unit_of_work


def _pact(row: imports.PactPreview) -> PactImportRow:
    return PactImportRow(
        line=row.line,
        lines=row.lines,
        reference=row.reference,
        agency=row.agency,
        agency_id=row.agency_id,
        outcome=row.outcome,
        findings=row.findings,
        pact_id=row.pact_id,
        errors={name: english(why) for name, why in row.errors.items()} or None,
    )


def preview_fields(preview: imports.ImportPreview, *, committed: bool) -> dict[str, Any]:
    """The per-pact outcomes of a file, as the API answers them."""
    return {
        "regency": preview.regency.slug,
        "format": preview.kind,
        "sha256": preview.sha256,
        "committed": committed,
        "rows": preview.row_count,
        "counts": preview.counts,
        "findings": preview.findings,
        "ignored_columns": list(preview.ignored_columns),
        "pacts": [_pact(row) for row in preview.rows],
    }


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
        raise Forbidden(_l("Only the regent's office of this regency records its pacts."))
    return actor.regency_id


@operation(
    "POST",
    "/pacts/import",
    operation_id="importPacts",
    summary="Import the regency's signed pacts with their findings from a spreadsheet (the"
    " regent's office of the regency): every pact's outcome (new, unchanged, skipped, error);"
    " pacts are named by agency and reference, so the same file twice changes nothing. With"
    " preview=true nothing is written; otherwise every new pact is recorded, audited, in one"
    " transaction or, if any row has an error, none.",
    tag="pacts",
    answers=(Answer(200, PactImport, "Every pact's outcome, and whether it was saved"),),
    refusals=(403, 422),
    body=PactImportUpload,
    media=MULTIPART,
    query=Preview,
    token=True,
    rules={
        "file": SHEET,
        "regency": "the slug of a regency that exists",
        "row *": "each row's cells, as the file's pacts say (nothing is saved)",
    },
    problems={422: (out.Problem, PactImportRefused)},
)
def import_pacts() -> ResponseReturnValue:
    preview_only = read_query(Preview).preview
    upload = read_upload(PactImportUpload)
    args: dict[str, Any] = {
        "actor": api_actor(),
        "regency_id": _regency_id(upload.regency),
        "data": upload.file,
        "now": get_clock().now(),
        "max_bytes": stash.max_bytes(),
    }
    if preview_only:
        # Reads only: nothing to commit, and the request's transaction is rolled back.
        result = imports.preview_import(db_session(), **args)
        return respond(PactImport(**preview_fields(result, committed=False)))
    try:
        with unit_of_work():
            done = imports.commit_import(db_session(), **args)
    except imports.ImportHasErrors as exc:
        body = preview_fields(exc.preview, committed=False)
        return refused(exc, PactImportRefused, body)
    return respond(PactImport(**preview_fields(done, committed=done.changes_anything)))
