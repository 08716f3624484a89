"""POST /api/v1/pacts/import: the regency's pacts with their findings from a spreadsheet.

Multipart: ``file`` (XLSX or CSV, the format of tracker.pacts.imports), and optionally
``regency`` (its slug: it must be the account's own). The regent's office of a regency only.
``?preview=true`` answers every pact's outcome and writes nothing; without it the new pacts are
recorded all or nothing, in one transaction. A file with refused rows answers 422
problem+json whose ``pacts`` give each pact's outcome and reasons.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.api.imports import english, preview_flag, refused, uploaded_file
from tracker.clock import get_clock
from tracker.errors import Forbidden, Invalid
from tracker.extensions import db_session
from tracker.pacts import imports
from tracker.regencies.models import Regency
from tracker.spreadsheets import stash
from tracker.web.step import unit_of_work


def _pact_json(row: imports.PactPreview) -> dict[str, Any]:
    item: dict[str, Any] = {
        "line": row.line,
        "lines": row.lines,
        "reference": row.reference,
        "agency": row.agency,
        "agency_id": row.agency_id,
        "outcome": row.outcome.value,
        "findings": row.findings,
        "pact_id": row.pact_id,
    }
    if row.errors:
        item["errors"] = {name: english(reason) for name, reason in row.errors.items()}
    return item


def preview_json(preview: imports.ImportPreview, *, committed: bool) -> dict[str, Any]:
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
        "pacts": [_pact_json(row) for row in preview.rows],
    }


def _regency_id() -> int:
    actor = api_actor()
    slug = request.form.get("regency") or request.args.get("regency")
    if slug:
        regency = db_session().scalars(select(Regency).where(Regency.slug == slug)).one_or_none()
        if regency is None:
            raise Invalid(
                _l("There is no regency “%(slug)s”.", slug=slug),
                fields={"regency": _l("unknown regency")},
            )
        return regency.id
    if actor.regency_id is None:
        raise Forbidden(_l("Only the regent's office of this regency records its pacts."))
    return actor.regency_id


@bp.post("/pacts/import")
@token_required
def import_pacts() -> ResponseReturnValue:
    """Import pacts with their findings from a spreadsheet (multipart: file); ?preview=true."""
    preview_only = preview_flag()
    data = uploaded_file()
    args: dict[str, Any] = {
        "actor": api_actor(),
        "regency_id": _regency_id(),
        "data": data,
        "now": get_clock().now(),
        "max_bytes": stash.max_bytes(),
    }
    if preview_only:
        # Reads only: nothing to commit, and the request's transaction is rolled back.
        result = imports.preview_import(db_session(), **args)
        return jsonify(preview_json(result, committed=False))
    try:
        with unit_of_work():
            done = imports.commit_import(db_session(), **args)
    except imports.ImportHasErrors as exc:
        return refused(exc, preview_json(exc.preview, committed=False))
    return jsonify(preview_json(done, committed=done.changes_anything))
