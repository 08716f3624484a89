"""Errors at the edge: problem+json under /api/, the layout's error pages elsewhere."""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import from_json
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from tracker.errors import DomainError
from tracker.extensions import db_session
from tracker.reconnect import server_unavailable

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://pantau-pakta.invalid/problems/"
PROBLEM_MEDIA = "application/problem+json"


class InvalidParam(BaseModel):
    """A refused field or parameter, and why."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(examples=["findings[1].title"])
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem; its messages are in English."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(json_schema_extra={"format": "uri"})
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    invalid_params: list[InvalidParam] | None = Field(
        None, description="Each bad field and why (422, and 400 for a bad query parameter)"
    )


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
        # pydantic's parser: it refuses lone surrogates and stops at 200 levels of nesting,
        # where json.loads overflows Python's stack; the view refuses such a body itself.
        with suppress(ValueError):
            texts.append(from_json(request.get_data(cache=True)))
    if any(_has_nul(t) for t in texts):
        refusal = _l("The request contains a NUL character, which no text may contain.")
        if _wants_problem():
            with force_locale("en"):
                return problem(400, "Bad request", str(refusal), slug="nul-character")
        return _render_error_page(400, str(refusal))
    return None


def problem(
    status: int, title: str, detail: str, *, slug: str, fields: dict[str, str] | None = None
) -> Response:
    """Build an RFC 9457 application/problem+json response."""
    body = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        invalid_params=[InvalidParam(name=k, reason=v) for k, v in fields.items()]
        if fields
        else None,
    )
    return Response(body.model_dump_json(exclude_none=True), status=status, mimetype=PROBLEM_MEDIA)


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
_UNAVAILABLE_TITLE = _l("The database cannot be reached for a moment")
_BUSY_DETAIL = _l("The database is busy. Try again in a few seconds.")

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


def _render_error_page(
    status: int, detail: str | None = None, *, title: str | LazyString | None = None
) -> tuple[str, int]:
    title = title or _PAGE_TITLES.get(status, _PAGE_TITLES[400 if status < 500 else 500])
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def _allow(error: HTTPException, response: Response) -> Response:
    """RFC 9110 section 15.5.6: a 405 lists the methods the resource supports."""
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    return response


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
            return _allow(error, problem(status, error.name, error.description or "", slug=slug))
        if status == 405:
            return _allow(error, current_app.make_response(_render_error_page(status)))
        if status == 413:
            # Flask refused the body before any view ran: say what the limit is.
            limit_mb = int(current_app.config["MAX_UPLOAD_BYTES"]) // (1024 * 1024)
            return _render_error_page(
                status, str(_l("Files of up to %(mb)s MB are accepted.", mb=limit_mb))
            )
        return _render_error_page(status)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | tuple[str, int]:
        unavailable = server_unavailable(error)
        if unavailable or database_busy(error):
            # Not a bug: writers queued past the busy timeout, or the database server
            # restarted under the request (tracker.reconnect). Nothing was written (the step
            # rolled back); the client may simply try again.
            what = "unavailable" if unavailable else "busy"
            reason = getattr(error, "orig", error)
            log.warning("Database %s on %s %s: %s", what, request.method, request.path, reason)
            return _try_again(unavailable)
        log.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        if _wants_problem():
            return problem(
                500, "Internal error", InternalServerError.description, slug="internal-error"
            )
        return _render_error_page(500)


def _try_again(unavailable: bool) -> Response:
    """503 with Retry-After: the database was busy, or its server could not be reached."""
    with suppress(Exception):
        # The page's own reads (the logged-in user) need a session out of its failed state.
        db_session().rollback()
    if unavailable:
        title: LazyString | None = _UNAVAILABLE_TITLE
        detail = _l("The database cannot be reached for a moment. Try again in a few seconds.")
        slug = "database-unavailable"
    else:
        title, detail, slug = None, _BUSY_DETAIL, "database-busy"
    if _wants_problem():
        with force_locale("en"):
            answer = problem(503, "Service unavailable", str(detail), slug=slug)
    else:
        answer = current_app.make_response(_render_error_page(503, str(detail), title=title))
    answer.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return answer
