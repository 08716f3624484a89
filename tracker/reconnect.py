"""A server database that restarts: connecting waits for it, and a lost server is recognised.

A restart of PostgreSQL or MariaDB (an upgrade, a failover, ``pg_ctl restart``) cuts every
session and refuses connections for a second or two ("Connection refused", "the database
system is shutting down", "... is starting up"). Two things follow from here:

- a connection attempt refused that way is tried again, with short pauses, for up to
  ``DATABASE_CONNECT_WAIT_SECONDS``: a request (or a scheduler job) that arrives during the
  restart waits for the server instead of failing. The pool's ``pool_pre_ping`` notices the
  pooled connections the restart killed and connects anew, through this wait.
- such a refusal counts as a disconnect, as a session cut by the server already does:
  SQLAlchemy's ``connection_invalidated`` is then set (and the pool's other connections are
  replaced), and :func:`server_unavailable` tells the web error handler to answer 503 with
  Retry-After. Only the requests whose transaction the restart cut fail.
"""

from __future__ import annotations

import logging
from time import monotonic, sleep
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError

from tracker.extensions import db

log = logging.getLogger(__name__)

# libpq's words for a server that is not (yet, or any more) accepting connections; psycopg
# gives a failed connection attempt no SQLSTATE.
_REFUSED_WORDS = (
    "connection refused",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "the database system is not yet accepting connections",
    "the database system is not accepting connections",
    "server closed the connection unexpectedly",
    "no such file or directory",  # the server's Unix socket, gone while it is down
)
# PyMySQL: can't connect (socket, TCP), lost during the handshake, server shutdown in progress.
_REFUSED_MYSQL_CODES = frozenset({2002, 2003, 2013, 1053})
# PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is "connection
# exception"; MariaDB's 1053 is a statement cut by a shutdown in progress.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
_UNAVAILABLE_MYSQL_CODES = frozenset({1053})

FIRST_PAUSE_SECONDS = 0.05
LONGEST_PAUSE_SECONDS = 0.5


def _mysql_code(error: BaseException) -> int | None:
    args = getattr(error, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def refused(error: BaseException) -> bool:
    """Tell whether a failed connection attempt means the server is not accepting connections."""
    if _mysql_code(error) in _REFUSED_MYSQL_CODES:
        return True
    text = str(error).lower()
    return any(words in text for words in _REFUSED_WORDS)


def server_unavailable(error: BaseException) -> bool:
    """Tell whether a database error says the server went away or cannot be reached (yet).

    True for a session the server cut (SQLAlchemy's disconnect detection) and for a connection
    attempt it refused (see :func:`wait_for_server`): the request may simply be tried again.
    """
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig: Any = error.orig
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    return (
        sqlstate in _UNAVAILABLE_SQLSTATES
        or sqlstate.startswith("08")
        or _mysql_code(orig) in _UNAVAILABLE_MYSQL_CODES
    )


def wait_for_server(engine: Engine, seconds: float) -> None:
    """Have ``engine`` try a refused connection again for up to ``seconds``; count it lost.

    For PostgreSQL and MariaDB; a SQLite file has no server to wait for.
    """

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
        deadline = monotonic() + seconds
        pause = FIRST_PAUSE_SECONDS
        waited = False
        while True:
            try:
                connection = dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.Error as exc:
                if not refused(exc) or monotonic() + pause > deadline:
                    raise
                if not waited:
                    log.warning("the database refuses connections (%s); waiting for it", exc)
                    waited = True
                sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
                continue
            if waited:
                log.warning("the database accepts connections again")
            return connection

    @event.listens_for(engine, "handle_error")
    def _refusal_is_a_disconnect(context: ExceptionContext) -> None:
        # A connection attempt (no connection yet) that the server refused: the same as a
        # session it cut, so the pool is refreshed and the error handler answers 503.
        if context.connection is None and refused(context.original_exception):
            context.is_disconnect = True


def close_session(_error: BaseException | None = None) -> None:
    """End the request's (or command's) session, even when the server cut its connection.

    A request that did its work, then found its connection cut by a restart, fails only at the
    ROLLBACK that ends its session: nothing is left to roll back, and its answer stands. The
    failed close leaves the session in place; the second one, on the invalidated connection,
    discards it. Registered to run before Flask-SQLAlchemy's own teardown.
    """
    try:
        db.session.remove()
    except DBAPIError as exc:
        if not server_unavailable(exc):
            raise
        log.warning("the database server cut a finished session: %s", exc.orig)
        db.session.remove()
