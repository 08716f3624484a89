"""Staff pages for the regency's pacts as a spreadsheet: template, export, upload, preview, commit.

The regent's office of a regency only (/staf/pakta/impor). Between the preview and the commit
the file waits in the shared stash (tracker/spreadsheets/stash.py): the preview page's form
carries only a signed token, and the commit reads the file again and checks everything again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import HiddenField
from wtforms.validators import DataRequired

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.errors import Invalid, TooLarge
from tracker.extensions import db_session
from tracker.forms import Form
from tracker.pacts import imports
from tracker.regencies.models import Regency
from tracker.spreadsheets import sheets, stash
from tracker.web.forms import flash_done, show_errors
from tracker.web.step import unit_of_work

bp = Blueprint("pact_files", __name__)

_SALT = "pact-import"
# The preview page lists this many pacts (all of them with errors); the counts name the rest.
SHOWN = 300


class UploadForm(Form):
    """A spreadsheet of pacts with their findings (XLSX or CSV)."""

    file = FileField(_l("Spreadsheet (XLSX or CSV)"), validators=[FileRequired()])


class CommitForm(Form):
    """Save the file of the preview: only a signed token, never the values themselves."""

    token = HiddenField(validators=[DataRequired()])


def _regency() -> Regency:
    actor = current_actor()
    return imports.load_regency_for_import(
        db_session(), actor=actor, regency_id=policy.own_regency(actor)
    )


def _index(form: UploadForm, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "pacts/import.html",
            regency=_regency(),
            form=form,
            columns=imports.COLUMNS,
            accepted=sheets.ACCEPTED,
            max_mb=stash.max_bytes() // (1024 * 1024),
        ),
        status,
    )


@bp.get("/impor")
@requires(policy.can_record_pacts)
def index() -> ResponseReturnValue:
    """The format, the template and the export, and the upload form."""
    return _index(UploadForm(formdata=None))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    # Flask refused the body before the view ran: the upload page says so beside the field.
    if request.endpoint != "pact_files.preview":
        raise error
    mb = stash.max_bytes() // (1024 * 1024)
    form = UploadForm(formdata=None)
    form.file.errors = [str(_l("larger than %(mb)s MB", mb=mb))]
    form.form_errors.append(str(_l("The file is larger than %(mb)s MB.", mb=mb)))
    return _index(form, 413)


def _render_preview(
    preview: imports.ImportPreview, data: bytes, status: int = 200, key: str | None = None
) -> ResponseReturnValue:
    token = None
    if not preview.has_errors and preview.changes_anything:
        token = stash.sign(
            _SALT,
            key=key or stash.keep(data),
            data_sha256=preview.sha256,
            user_id=current_actor().id,
            regency_id=preview.regency.id,
            fingerprint=preview.fingerprint,
        )
    form = CommitForm(formdata=None)
    form.token.data = token
    shown = [p for p in preview.rows if p.outcome is imports.Outcome.ERROR]
    shown += [p for p in preview.rows if p.outcome is not imports.Outcome.ERROR][
        : max(SHOWN - len(shown), 0)
    ]
    shown.sort(key=lambda p: p.line)
    return (
        render_template(
            "pacts/import_preview.html",
            preview=preview,
            shown=shown,
            form=form,
            can_commit=token is not None,
            outcomes=imports.Outcome,
        ),
        status,
    )


@bp.post("/impor")
@requires(policy.can_record_pacts)
def preview() -> ResponseReturnValue:
    """Read an uploaded file and show every pact's outcome; nothing is saved."""
    regency = _regency()
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    data = form.file.data.read()
    try:
        result = imports.preview_import(
            db_session(),
            actor=current_actor(),
            regency_id=regency.id,
            data=data,
            now=get_clock().now(),
            max_bytes=stash.max_bytes(),
        )
    except (Invalid, TooLarge) as exc:
        show_errors(form, exc)
        return _index(form, exc.status)
    return _render_preview(result, data)


@bp.post("/impor/simpan")
@requires(policy.can_record_pacts)
def commit() -> ResponseReturnValue:
    """Record the previewed file's new pacts, all or nothing, in one transaction."""
    regency = _regency()
    form = CommitForm()
    stashed = (
        stash.take(_SALT, form.token.data or "", user_id=current_actor().id)
        if form.validate_on_submit()
        else None
    )
    if stashed is None or stashed.regency_id != regency.id:
        flash(str(_l("The preview has expired: upload the file again.")), "error")
        return redirect(url_for(".index"))
    try:
        with unit_of_work():
            done = imports.commit_import(
                db_session(),
                actor=current_actor(),
                regency_id=regency.id,
                data=stashed.data,
                now=get_clock().now(),
                max_bytes=stash.max_bytes(),
                expected=stashed.fingerprint,
            )
    except imports.ImportMoved as exc:
        flash(str(exc.detail), "error")
        return _render_preview(exc.preview, stashed.data, 409, key=stashed.key)
    except imports.ImportHasErrors as exc:
        flash(str(exc.detail), "error")
        return _render_preview(exc.preview, stashed.data, 422)
    stash.drop(stashed.key)
    flash_done(
        _l(
            "Recorded %(new)s new pacts with %(findings)s findings; %(unchanged)s were already "
            "recorded.",
            new=done.count(imports.Outcome.NEW),
            findings=done.findings,
            unchanged=done.count(imports.Outcome.UNCHANGED),
        )
    )
    return redirect(url_for("pacts.index"))


def _download(regency: Regency, fmt: str, records: Any, stem: str) -> Response:
    if fmt == sheets.XLSX:
        body = sheets.write_xlsx(imports.FORMAT, records, help_rows=imports.help_rows())
        response = Response(body, mimetype=sheets.XLSX_MIME)
    else:
        response = Response(sheets.write_csv(imports.FORMAT, records), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"{stem}-{regency.slug}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/impor/templat.<any(xlsx, csv):fmt>")
@requires(policy.can_record_pacts)
def template(fmt: str) -> Response:
    """The template: one row per agency, to fill in (one row per finding)."""
    regency = _regency()
    records = list(imports.template_records(db_session(), regency=regency))
    return _download(regency, fmt, records, "templat-pakta")


@bp.get("/impor/ekspor.<any(xlsx, csv):fmt>")
@requires(policy.can_record_pacts)
def export(fmt: str) -> Response:
    """The recorded pacts with a reference, in the import's format (imported again: unchanged)."""
    regency = _regency()
    records = list(imports.export_records(db_session(), regency=regency))
    return _download(regency, fmt, records, "pakta")
