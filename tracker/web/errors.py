"""Errors at the edge: problem+json under /api/, the layout's error pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.errors import DomainError

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://pantau-pakta.invalid/problems/"


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
    503: _l("The database is busy"),
}

# How long a client is asked to wait when the database stayed busy past its timeout.
BUSY_RETRY_AFTER_SECONDS = 5
# SQLite's words, PostgreSQL's lock_not_available, MariaDB's lock wait timeout.
_BUSY_MESSAGES = ("database is locked", "database is busy")
_BUSY_SQLSTATES = {"55P03"}
_BUSY_MYSQL_CODES = {1205}


def database_busy(error: BaseException) -> bool:
    """Tell whether an error says the database stayed busy (locked) past its wait."""
    if not isinstance(error, OperationalError):
        return False
    orig: Any = error.orig
    if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int) and args[0] in _BUSY_MYSQL_CODES:
        return True
    return any(words in str(orig).lower() for words in _BUSY_MESSAGES)


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
        if isinstance(error.response, Response):
            # An exception that carries its own answer (the login limit's form with 429).
            return error.response
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
        if database_busy(error):
            # Not a bug: writers queued past the busy timeout. Nothing was written (the step
            # rolled back); the client may simply try again.
            log.warning("Database busy on %s %s: %s", request.method, request.path, error)
            detail = str(_l("The database is busy. Try again in a few seconds."))
            answer: Response | tuple[str, int] = (
                problem(503, "Service unavailable", detail, slug="database-busy")
                if _wants_problem()
                else _render_error_page(503, detail)
            )
            response = current_app.make_response(answer)
            response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
            return response
        log.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        if _wants_problem():
            return problem(
                500, "Internal error", InternalServerError.description, slug="internal-error"
            )
        return _render_error_page(500)
