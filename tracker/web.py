"""What every page and API response shares: error rendering and template helpers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response as BaseResponse

from tracker import labels
from tracker.errors import DomainError, Invalid
from tracker.extensions import db_session

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://pantau-pakta.invalid/problems/"
# The largest id a 32-bit INTEGER column holds (PostgreSQL and MariaDB refuse more).
MAX_ID = 2_147_483_647


class BoundedIntConverter(IntegerConverter):
    """<int:...> that never matches a number no id column can hold."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters() -> Response | tuple[str, int] | None:
    """Refuse text containing NUL anywhere in the input: no database stores it the same way."""
    texts: list[Any] = [request.path, *request.args.values(), *request.form.values()]
    if request.is_json:
        texts.append(request.get_json(silent=True))
    if any(_has_nul(t) for t in texts):
        detail = str(_l("The request contains a NUL character, which no text may contain."))
        if _wants_problem():
            return problem(400, "Bad request", detail, slug="nul-character")
        return _render_error_page(400, detail)
    return None


def problem(
    status: int, title: str, detail: str, *, slug: str, fields: dict[str, str] | None = None
) -> Response:
    """Build an RFC 9457 application/problem+json response."""
    from flask import json

    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if fields:
        body["invalid_params"] = [{"name": k, "reason": v} for k, v in fields.items()]
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


_PAGE_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    500: _l("Something went wrong on our side"),
}


def _render_error_page(status: int, detail: str | None = None) -> tuple[str, int]:
    title = _PAGE_TITLES.get(status, _PAGE_TITLES[400 if status < 500 else 500])
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    """Pages get the layout; /api/ gets problem+json; nothing leaks a stack trace."""
    app.before_request(refuse_nul_characters)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response | tuple[str, int]:
        if _wants_problem():
            with force_locale("en"):
                detail = str(error.detail)
                fields = {name: str(reason) for name, reason in error.fields.items()}
            return problem(error.status, error.title, detail, slug=error.slug, fields=fields)
        return _render_error_page(error.status, str(error.detail))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if _wants_problem():
            slug = (error.name or "error").lower().replace(" ", "-")
            return problem(status, error.name, error.description or "", slug=slug)
        if status == 413:
            # Flask refused the body before any view ran: say what the limit is.
            limit_mb = int(current_app.config["MAX_UPLOAD_BYTES"]) // (1024 * 1024)
            return _render_error_page(
                status, str(_l("Files of up to %(mb)s MB are accepted.", mb=limit_mb))
            )
        return _render_error_page(status)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | tuple[str, int]:
        log.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        if _wants_problem():
            return problem(
                500, "Internal error", InternalServerError.description, slug="internal-error"
            )
        return _render_error_page(500)


def show_errors(form: Any, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's field errors beside the form's fields; the rest above the form.

    ``aliases`` maps a service's field name to the form's where they differ.
    """
    for name, reason in error.fields.items():
        field = getattr(form, (aliases or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(reason)]
        else:
            form.form_errors.append(str(reason))
    if not error.fields:
        form.form_errors.append(str(error.detail))


def flash_done(message: object) -> None:
    """Tell the user, on the next page, that what they asked for was done."""
    flash(str(message), "success")


T = TypeVar("T")


def apply_form(
    form: Any,
    change: Callable[[], T],
    *,
    done: Callable[[T], object],
    to: str,
    shown: tuple[type[DomainError], ...] = (Invalid,),
    aliases: dict[str, str] | None = None,
) -> tuple[BaseResponse | None, int]:
    """Run a staff form's submission: validate, change, commit, say so, and redirect to ``to``.

    Returns ``(redirect, 302)`` once the change is committed. Otherwise ``(None, status)``
    for the caller to render the form again: 200 when nothing was submitted, 400 when the
    form is invalid, or a refusal's status with its messages beside the fields when the
    service raised one of ``shown``. Any other domain error is rolled back and goes on to
    the error pages.
    """
    if not form.validate_on_submit():
        return None, 400 if form.is_submitted() else 200
    try:
        result = change()
    except DomainError as exc:
        db_session().rollback()
        if not isinstance(exc, shown):
            raise
        show_errors(form, exc, aliases)
        return None, exc.status
    db_session().commit()
    flash_done(done(result))
    return redirect(to), 302


def url_with(**changes: Any) -> str:
    """Return the current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    endpoint = request.endpoint or "portal.home"
    if request.method != "GET":
        # A page rendered by a POST (a form with errors) has no GET of its own at this URL:
        # link to the page the form was on, or home.
        adapter = current_app.url_map.bind("")
        referrer = urlsplit(request.referrer or "")
        try:
            if referrer.netloc not in ("", request.host):
                raise NotFound
            endpoint, matched = adapter.match(referrer.path or "/", method="GET")
        except HTTPException:
            endpoint, matched = "portal.home", {}
        values = {**matched, **{k: v for k, v in changes.items() if v is not None}}
    return url_for(endpoint, **values)


def format_day(value: date | None, style: str = "medium") -> str:
    """Format a local date in the page's language, or an em dash when there is none."""
    if value is None:
        return "—"
    return str(format_date(value, style))


def register_template_helpers(app: Flask) -> None:
    """Expose labels, formatting and the language switch to every template."""
    from tracker.auth import policy

    app.jinja_env.globals.update(
        policy=policy,
        labels=labels,
        url_with=url_with,
        current_locale=lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        languages=app.config["LANGUAGES"],
    )
    app.jinja_env.filters["day"] = format_day
    # Keep the order the serializers chose (id first), not alphabetical.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
