"""Conditional GET for public pages and feeds: ETag from the data's last change, 304 on a match.

The version is read with one cheap statement (the last audit event's id and the highest id
of the few public tables written without one, see ``data_version``) *before* anything is
rendered, so a repeat visitor costs one query. The regency-local date and the language are
part of the tag, because "overdue N days" changes at midnight and the page differs by
language.

The tag names one rendering of one address exactly, so a page rendered for one visitor is kept
under it (Flask-Caching: in each worker, or in Redis for all of them; ``PAGE_CACHE``) and
handed to the next visitor of the same address until the data change: a story that sends
thousands to one pact page renders it once per worker, whatever the size of the country.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from time import monotonic
from typing import ParamSpec, TypeVar

import flask_login
from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_caching import Cache
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tracker.assessments.models import Assessment, UnitResult
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.views import LOGIN_KEY
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.opendata.models import DataSnapshot

P = ParamSpec("P")
R = TypeVar("R")

# Public pages may be kept by browsers and proxies for a minute, then revalidated.
DEFAULT_MAX_AGE = 60

# Rendered public pages by ETag (init_page_cache); a tag holds the hour, so an hour is enough.
pages = Cache()
PAGE_SECONDS = 3600
# Headers a kept page does not repeat: each response makes its own.
_NOT_KEPT = frozenset({"set-cookie", "content-length", "date"})


def init_page_cache(app: Flask) -> None:
    """Configure where rendered public pages are kept, from ``PAGE_CACHE``.

    "memory": each worker keeps its own (at most ``PAGE_CACHE_ENTRIES``); "redis://...": one
    store for every worker, so a page is rendered once for all of them; "off": none.
    """
    setting = str(app.config.get("PAGE_CACHE") or "off").strip()
    config: dict[str, object] = {"CACHE_DEFAULT_TIMEOUT": PAGE_SECONDS}
    if setting.startswith(("redis://", "rediss://", "unix://")):
        config |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": setting,
            "CACHE_KEY_PREFIX": "pantau-pakta-page:",
            # A store that stops answering delays a page by half a second, not a minute.
            "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    elif setting == "memory":
        config |= {
            "CACHE_TYPE": "SimpleCache",
            "CACHE_THRESHOLD": int(app.config.get("PAGE_CACHE_ENTRIES", 500)),
        }
    elif setting in ("off", "0", "none", ""):
        config |= {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    else:
        raise ValueError(
            f"TRACKER_PAGE_CACHE is {setting!r}: use memory, off or a redis:// address."
        )
    app.config["PAGE_CACHE_TYPE"] = config["CACHE_TYPE"]
    pages.init_app(app, config=config)


def _kept_page(tag: str) -> Response | None:
    """Return the page rendered under ``tag`` if one is kept (a store that fails: none)."""
    if current_app.config.get("PAGE_CACHE_TYPE") == "NullCache" or "_flashes" in session:
        # A visitor with a message waiting (after following a pact) sees it rendered.
        return None
    try:
        kept = pages.get(tag)
    except Exception:
        current_app.logger.warning("The page cache could not be read", exc_info=True)
        return None
    if not kept:
        return None
    headers, body = kept
    return current_app.response_class(body, status=200, headers=headers)


def _keep_page(tag: str, response: Response) -> None:
    """Keep a public page just rendered under its tag: a whole body of a modest size only."""
    if (
        current_app.config.get("PAGE_CACHE_TYPE") == "NullCache"
        or response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
    ):
        return
    body = response.get_data()
    if len(body) > int(current_app.config.get("PAGE_CACHE_MAX_KB", 1024)) * 1024:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _NOT_KEPT]
    try:
        pages.set(tag, (headers, body))
    except Exception:
        current_app.logger.warning("The page cache could not be written", exc_info=True)


def data_version(session: Session) -> str:
    """Return a token that changes whenever any publicly visible row changes.

    Every public change goes through a service that writes an audit event in the same
    transaction (recording, extending, withdrawing a pact; submitting, reviewing a finding;
    publishing or taking back evidence; recording a regency or an agency, editing an agency;
    a demo load), so the newest audit event's id moves with each of them. Snapshots,
    assessments and unit scores are written without one (a scheduled job, an import). Each
    part is the highest primary key of its table, read from the index: no count or sum that
    scans a table on every visit. The hour in the ETag bounds how long a change outside all
    of these could stay unseen.
    """
    parts = [
        select(func.max(AuditEvent.id)).scalar_subquery(),
        select(func.max(DataSnapshot.id)).scalar_subquery(),
        select(func.max(Assessment.id)).scalar_subquery(),
        select(func.max(UnitResult.id)).scalar_subquery(),
    ]
    row = session.execute(select(*parts)).one()
    return ".".join("-" if v is None else str(v) for v in row)


# Each worker's last reading of the data version, by database: (monotonic time, version).
_versions: dict[str, tuple[float, str]] = {}


@event.listens_for(Session, "after_commit")
def _forget_versions(_session: Session) -> None:
    """A commit in this process changes the version at once; other workers' within seconds."""
    _versions.clear()


def current_version(session: Session) -> str:
    """Return the data version, read at most every DATA_VERSION_SECONDS per worker.

    A burst of visitors revalidating one page (a viral story) then costs no statement at all
    between readings; a change made by another worker is seen within those seconds, one more
    delay on top of the minute public caches may keep a page. 0 reads it on every request.
    """
    seconds = float(current_app.config.get("DATA_VERSION_SECONDS", 0))
    if seconds <= 0:
        return data_version(session)
    key = str(session.get_bind().engine.url)
    now = monotonic()
    cached = _versions.get(key)
    if cached is not None and now - cached[0] < seconds:
        return cached[1]
    version = data_version(session)
    _versions[key] = (now, version)
    return version


def etag_for(version: str, now: datetime) -> str:
    """Return the strong ETag of the current URL for a data version and instant."""
    # The UTC date is enough granularity for day counts in UTC+7..+9 only if we also
    # include the hour: a regency's midnight falls at 15:00-17:00 UTC the previous day.
    moment = now.strftime("%Y-%m-%dT%H")
    raw = "|".join([version, moment, str(get_locale()), request.full_path])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _logged_in() -> bool:
    """Tell whether a staff member is logged in: the header then shows their name and a token."""
    if LOGIN_KEY not in session:
        # Nobody logged in: loading the anonymous user would mark a language cookie as changed
        # (Flask-Login's session protection) and send it again.
        return False
    return isinstance(flask_login.current_user, User)


def _sets_cookie(response: Response) -> bool:
    """Tell whether the response will carry a cookie (the session is saved after the view)."""
    if "Set-Cookie" in response.headers:
        return True
    return current_app.session_interface.should_set_cookie(current_app, session)


def conditional(
    max_age: int = DEFAULT_MAX_AGE,
) -> Callable[[Callable[P, R]], Callable[P, Response]]:
    """Answer 304 when the visitor's ETag is current; otherwise render and tag the response.

    Only a page that is the same for everyone may be kept by shared caches. A logged-in staff
    member's page (their name, their logout form's token) is rendered every time, without an
    ETag, and marked private; so is a response that sets a cookie (``?lang=en``). A page the
    same for everyone is kept under its tag (``pages``) and not rendered again for it.
    """

    def decorate(view: Callable[P, R]) -> Callable[P, Response]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
            if _logged_in():
                response = make_response(view(*args, **kwargs))
                tag = None
            else:
                tag = etag_for(current_version(db_session()), get_clock().now())
                # Weak comparison (RFC 9110 13.1.2): a proxy that compresses the body (nginx
                # gzip) hands the tag on as W/"...", and the page is still the same.
                if request.if_none_match.contains_weak(tag):
                    response = current_app.response_class(status=304)
                else:
                    kept = _kept_page(tag)
                    response = kept or make_response(view(*args, **kwargs))
                    if kept is None and not _sets_cookie(response):
                        _keep_page(tag, response)
            if response.status_code not in (200, 304):
                return response
            if tag is not None:
                response.set_etag(tag)
            if tag is None or _sets_cookie(response):
                response.cache_control.private = True
                response.cache_control.no_cache = True
            else:
                response.cache_control.public = True
                response.cache_control.max_age = max_age
            response.vary.add("Cookie")
            if current_app.config["LOCALE_FROM_BROWSER"]:
                response.vary.add("Accept-Language")
            return response

        return wrapper

    return decorate
