"""The unit of work: the one place a request, a command or a job commits its change.

Every door (form views, JSON endpoints, CLI commands) runs its service call inside
``unit_of_work()``: the block's work is committed when it succeeds and rolled back when anything
is raised, a failed COMMIT included, so no connection goes back to the pool inside a
transaction. Inside a request, a commit anywhere else is refused (``CommitOutsideStep``): a view
that skips the step cannot write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db_session

_ALLOWED = "tracker.commit_allowed"


class CommitOutsideStep(RuntimeError):
    """A request tried to commit without going through ``unit_of_work``."""


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def begin_for_writing(session: Session) -> None:
    """On SQLite, begin the session's next transaction holding the write lock (BEGIN IMMEDIATE).

    A SQLite transaction that reads and then writes is refused at once ("database is locked")
    when another connection wrote meanwhile: waiting cannot help it, so the busy timeout is not
    even tried. Taking the write lock first makes concurrent writers queue for up to the busy
    timeout instead. Nothing changes on PostgreSQL and MariaDB, or inside an open transaction.
    """
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


@contextmanager
def unit_of_work(session: Session | None = None, *, writes: bool = True) -> Iterator[Session]:
    """Yield the session; commit when the block succeeds, roll back when anything is raised.

    With ``writes`` (the default), a transaction that the block opens takes SQLite's write lock
    first (see ``begin_for_writing``).
    """
    session = session if session is not None else db_session()
    if writes:
        begin_for_writing(session)
    try:
        yield session
        session.info[_ALLOWED] = True
        try:
            session.commit()
        finally:
            session.info.pop(_ALLOWED, None)
    except BaseException:
        session.rollback()
        raise


def _refuse_stray_commit(session: Session) -> None:
    # Releasing a SAVEPOINT (begin_nested) is a step inside the unit of work, not its commit.
    if session.in_nested_transaction():
        return
    if has_request_context() and not session.info.get(_ALLOWED):
        raise CommitOutsideStep(
            "A request commits only through tracker.web.step.unit_of_work (the request step)."
        )


def install_commit_guard() -> None:
    """Refuse, inside a request, any commit that does not come from ``unit_of_work``."""
    if not event.contains(Session, "before_commit", _refuse_stray_commit):
        event.listen(Session, "before_commit", _refuse_stray_commit)


def begin_unsafe_requests_for_writing() -> None:
    """Before a POST (any unsafe method) reads anything, take SQLite's write lock for it.

    The request's transaction then holds the lock from its first read (the logged-in user, the
    object to change) to the step's commit, so concurrent writers queue instead of failing.
    """
    if request.method not in _SAFE_METHODS:
        begin_for_writing(db_session())
