"""Staff pages for a year's results as a spreadsheet: template, export, upload, preview, commit.

Between the preview and the commit the uploaded file waits in the shared stash
(tracker/spreadsheets/stash.py): the preview page's form carries only a signed token, and the
commit reads the file again and checks everything again.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.validators import DataRequired

from tracker.agencies.models import Agency
from tracker.assessments import imports
from tracker.assessments import spreadsheets as sheets
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.services import load_regency_for_assessments
from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock, local_today
from tracker.errors import Invalid, NotFound, TooLarge
from tracker.extensions import db_session
from tracker.forms import Form
from tracker.regencies.models import Regency
from tracker.spreadsheets import sheets as generic
from tracker.spreadsheets import stash
from tracker.web.forms import flash_done, show_errors
from tracker.web.step import unit_of_work
from tracker.web.uploads import mark_too_large, on_too_large

bp = Blueprint("assessment_files", __name__)

# What the file picker offers; the server still decides the kind by the bytes themselves.
ACCEPTED = generic.ACCEPTED
_SALT = "assessment-import"


class UploadForm(Form):
    """A results spreadsheet (XLSX or CSV) for one regency and one year."""

    file = FileField(_l("Spreadsheet (XLSX or CSV)"), validators=[FileRequired()])


class CommitForm(Form):
    """Save the file of the preview: only a signed token, never the values themselves."""

    token = HiddenField(validators=[DataRequired()])


def _token(key: str, preview: imports.ImportPreview) -> str:
    return stash.sign(
        _SALT,
        key=key,
        data_sha256=preview.sha256,
        user_id=current_actor().id,
        regency_id=preview.regency.id,
        fingerprint=preview.fingerprint,
    )


# --- pages ----------------------------------------------------------------------------------


def _max_bytes() -> int:
    return stash.max_bytes()


def _regency(slug: str) -> Regency:
    """The regency of the URL, if the user records its results (404 / 403 otherwise)."""
    session = db_session()
    regency = session.scalars(select(Regency).where(Regency.slug == slug)).one_or_none()
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=slug))
    return load_regency_for_assessments(session, actor=current_actor(), regency_id=regency.id)


def _years(regency: Regency) -> list[int]:
    """Years to offer: last year and this one, and every year with a recorded result."""
    session = db_session()
    today = local_today(get_clock().now(), ZoneInfo(regency.timezone))
    recorded = set(
        session.scalars(select(Assessment.year).where(Assessment.regency_id == regency.id))
    ) | set(
        session.scalars(
            select(UnitResult.year)
            .join(Agency, UnitResult.agency_id == Agency.id)
            .where(Agency.regency_id == regency.id)
        )
    )
    return sorted(recorded | {today.year - 1, today.year}, reverse=True)


def _index(regency: Regency, form: UploadForm, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "assessments/files.html",
            regency=regency,
            years=_years(regency),
            form=form,
            columns=sheets.COLUMNS,
            accepted=ACCEPTED,
            max_mb=_max_bytes() // (1024 * 1024),
        ),
        status,
    )


@bp.get("/<slug>/impor")
@requires(policy.can_open_assessments)
def index(slug: str) -> ResponseReturnValue:
    """The format, the template and the export of each year, and the upload form."""
    return _index(_regency(slug), UploadForm(formdata=None))


def _too_large() -> ResponseReturnValue:
    # Flask refused the body before the view ran: the upload page says so beside the field.
    form = mark_too_large(UploadForm(formdata=None), "file")
    return _index(_regency(str((request.view_args or {}).get("slug", ""))), form, 413)


on_too_large(bp, _too_large)


def _render_preview(
    preview: imports.ImportPreview, token: str | None, status: int = 200
) -> ResponseReturnValue:
    form = CommitForm(formdata=None)
    form.token.data = token
    return (
        render_template(
            "assessments/import_preview.html",
            preview=preview,
            form=form,
            can_commit=token is not None,
            outcomes=imports.Outcome,
        ),
        status,
    )


def _stash_and_render(
    preview: imports.ImportPreview, data: bytes, status: int = 200, key: str | None = None
) -> ResponseReturnValue:
    token = None
    if not preview.has_errors and preview.changes_anything:
        if key is None:
            key = stash.keep(data)
        token = _token(key, preview)
    return _render_preview(preview, token, status)


@bp.post("/<slug>/impor")
@requires(policy.can_open_assessments)
def preview(slug: str) -> ResponseReturnValue:
    """Read an uploaded file and show every row's outcome; nothing is saved."""
    regency = _regency(slug)
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(regency, form, 422)
    data = form.file.data.read()
    try:
        result = imports.preview_import(
            db_session(),
            actor=current_actor(),
            regency_id=regency.id,
            data=data,
            now=get_clock().now(),
            max_bytes=_max_bytes(),
        )
    except (Invalid, TooLarge) as exc:
        show_errors(form, exc)
        return _index(regency, form, exc.status)
    return _stash_and_render(result, data)


@bp.post("/<slug>/impor/simpan")
@requires(policy.can_open_assessments)
def commit(slug: str) -> ResponseReturnValue:
    """Save the previewed file, all or nothing."""
    regency = _regency(slug)
    form = CommitForm()
    stashed = (
        stash.take(_SALT, form.token.data or "", user_id=current_actor().id)
        if form.validate_on_submit()
        else None
    )
    if stashed is None:
        flash(str(_l("The preview has expired: upload the file again.")), "error")
        return redirect(url_for(".index", slug=regency.slug))
    if stashed.regency_id != regency.id:
        abort(404)
    data = stashed.data
    regency_id = regency.id
    try:
        with unit_of_work():
            done = imports.commit_import(
                db_session(),
                actor=current_actor(),
                regency_id=regency_id,
                data=data,
                now=get_clock().now(),
                max_bytes=_max_bytes(),
                expected=stashed.fingerprint,
            )
    except imports.ImportMoved as exc:
        flash(str(exc.detail), "error")
        return _stash_and_render(exc.preview, data, 409, key=stashed.key)
    except imports.ImportHasErrors as exc:
        flash(str(exc.detail), "error")
        return _render_preview(exc.preview, None, 422)
    stash.drop(stashed.key)
    flash_done(
        _l(
            "Saved the %(year)s results: %(new)s new, %(changed)s changed, %(unchanged)s "
            "unchanged.",
            year=done.year,
            new=done.count(imports.Outcome.NEW),
            changed=done.count(imports.Outcome.CHANGED),
            unchanged=done.count(imports.Outcome.UNCHANGED),
        )
    )
    return redirect(url_for(".index", slug=done.regency.slug))


def _download(regency: Regency, year: int, fmt: str, records: Any, stem: str) -> Response:
    if fmt == sheets.XLSX:
        body = sheets.write_xlsx(records, help_rows=imports.help_rows())
        mimetype = sheets.XLSX_MIME
    else:
        body = sheets.write_csv(records)
        mimetype = "text/csv"
    response = Response(body, mimetype=mimetype)
    if fmt == sheets.CSV:
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"{stem}-{regency.slug}-{year}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<slug>/<int:year>/templat.<any(xlsx, csv):fmt>")
@requires(policy.can_open_assessments)
def template(slug: str, year: int, fmt: str) -> Response:
    """The template of a year: the regency's row and one row per agency, to fill in."""
    regency = _regency(slug)
    records = list(imports.template_records(db_session(), regency=regency, year=year))
    return _download(regency, year, fmt, records, "templat-penilaian")


@bp.get("/<slug>/<int:year>/ekspor.<any(xlsx, csv):fmt>")
@requires(policy.can_open_assessments)
def export(slug: str, year: int, fmt: str) -> Response:
    """The recorded results of a year, in the import's format (export then import: unchanged)."""
    regency = _regency(slug)
    records = list(imports.export_records(db_session(), regency=regency, year=year))
    return _download(regency, year, fmt, records, "penilaian")
