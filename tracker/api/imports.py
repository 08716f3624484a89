"""POST /api/v1/assessments/import: a year's results from a spreadsheet, previewed or committed.

Multipart: ``file`` (XLSX or CSV, the format of tracker.assessments.spreadsheets) and
``regency`` (its slug; an admin may leave it out: their own). ``?preview=true`` answers every
row's outcome and writes nothing; without it the file is saved all or nothing. A file with
refused rows answers 422 problem+json whose ``rows`` give each row's outcome and reasons.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.assessments import imports
from tracker.clock import get_clock
from tracker.errors import BadFilter, Invalid, Message
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.spreadsheets import imports as shared
from tracker.web.errors import problem
from tracker.web.step import unit_of_work

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


def _plain(value: Any) -> Any:
    return shared.show(value)


def english(message: Message) -> str:
    """A message in English, as the API answers."""
    with force_locale("en"):
        return str(message)


def _row_json(row: imports.RowPreview) -> dict[str, Any]:
    item: dict[str, Any] = {
        "line": row.line,
        "agency": row.agency,
        "agency_id": row.agency_id,
        "outcome": row.outcome.value,
    }
    if row.outcome in (imports.Outcome.NEW, imports.Outcome.CHANGED):
        item["changes"] = {c.name: [_plain(c.old), _plain(c.new)] for c in row.changes}
    if row.errors:
        item["errors"] = {name: english(reason) for name, reason in row.errors.items()}
    return item


def preview_json(preview: imports.ImportPreview, *, committed: bool) -> dict[str, Any]:
    """The per-row outcomes of a file, as the API answers them."""
    return {
        "regency": preview.regency.slug,
        "year": preview.year,
        "format": preview.kind,
        "sha256": preview.sha256,
        "committed": committed,
        "counts": preview.counts,
        "ignored_columns": list(preview.ignored_columns),
        "rows": [_row_json(row) for row in preview.rows],
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
        raise Invalid(
            _l("Name the regency (its slug) in the field 'regency'."),
            fields={"regency": _l("required")},
        )
    return actor.regency_id


@bp.post("/assessments/import")
@token_required
def import_assessments() -> ResponseReturnValue:
    """Import a year's results from a spreadsheet (multipart: file, regency); ?preview=true."""
    preview_only = preview_flag()
    data = uploaded_file()
    regency_id = _regency_id(request.form.get("regency") or request.args.get("regency"))
    args: dict[str, Any] = {
        "actor": api_actor(),
        "regency_id": regency_id,
        "data": data,
        "now": get_clock().now(),
        "max_bytes": int(current_app.config["MAX_UPLOAD_BYTES"]),
    }
    if preview_only:
        # Reads only: nothing to commit, and the request's transaction is rolled back.
        result = imports.preview_import(db_session(), **args)
        return jsonify(preview_json(result, committed=False))
    try:
        with unit_of_work():
            done = imports.commit_import(db_session(), **args)
    except imports.ImportHasErrors as exc:
        return _refused(exc)
    return jsonify(preview_json(done, committed=done.changes_anything))


def _refused(exc: imports.ImportHasErrors) -> Response:
    return refused(exc, preview_json(exc.preview, committed=False))


def refused(exc: shared.ImportHasErrors, body: dict[str, Any]) -> Response:
    """A file with refused rows: 422 problem+json, with ``body`` (every row's outcome)."""
    with force_locale("en"):
        detail = str(exc.detail)
        fields = {name: str(reason) for name, reason in exc.fields.items()}
    response = problem(exc.status, exc.title, detail, slug=exc.slug, fields=fields)
    answer: dict[str, Any] = dict(response.get_json() or {})
    answer.update(body)
    response.set_data(current_app.json.dumps(answer))
    return response


def preview_flag() -> bool:
    """Read ``?preview=`` (true or false; absent: false)."""
    flag = request.args.get("preview", "false").strip().lower()
    if flag not in _TRUE + _FALSE:
        raise BadFilter(_l("preview is true or false"))
    return flag in _TRUE


def uploaded_file() -> bytes:
    """Return the multipart field ``file``'s bytes (its name is ignored: the bytes decide)."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(
            _l("Send the spreadsheet as the multipart field 'file'."),
            fields={"file": _l("required: an XLSX or CSV file")},
        )
    data: bytes = upload.read()
    return data
