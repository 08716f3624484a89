"""The unit of work: the one place a request, a command or a job commits its change.

Every door (form views, JSON endpoints, CLI commands) runs its service call inside
``unit_of_work()``: the block's work is committed when it succeeds and rolled back when anything
is raised, a failed COMMIT included, so no connection goes back to the pool inside a
transaction. Inside a request, a commit anywhere else is refused (``CommitOutsideStep``): a view
that skips the step cannot write.

What must happen only once the change is committed (a stored file taking its final name) or
only if it is not (the file removed) is registered with ``after_commit`` / ``after_rollback``:
the session runs it right after its COMMIT, or after the ROLLBACK of the transaction (or the
SAVEPOINT) it was registered in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from tracker.extensions import db_session

log = logging.getLogger(__name__)

_ALLOWED = "tracker.commit_allowed"
_HOOKS = "tracker.after_commit_hooks"


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


Hook = Callable[[], object]


def _register(
    session: Session | scoped_session[Session], on_commit: Hook | None, on_rollback: Hook | None
) -> None:
    # Flask-SQLAlchemy's db.session is a scoped_session, which does not proxy the transaction
    # getters: the hooks belong to the Session it stands for.
    if isinstance(session, scoped_session):
        session = session()
    # The innermost transaction: a SAVEPOINT rolled back takes its own hooks' files with it.
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        transaction = session.begin()
    session.info.setdefault(_HOOKS, []).append((transaction, on_commit, on_rollback))


def after_commit(
    session: Session | scoped_session[Session], hook: Hook, *, or_else: Hook | None = None
) -> None:
    """Run ``hook`` once the session's transaction commits, ``or_else`` if it is rolled back."""
    _register(session, hook, or_else)


def after_rollback(session: Session | scoped_session[Session], hook: Hook) -> None:
    """Run ``hook`` if the session's current transaction (or SAVEPOINT) is rolled back."""
    _register(session, None, hook)


def _run(hooks: list[Hook]) -> None:
    for hook in hooks:
        try:
            hook()
        except Exception:
            # The transaction's outcome stands; what a hook left undone a sweep finishes.
            log.exception("an after-commit or after-rollback hook failed")


def _on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: its hooks wait for the real COMMIT
    pending = session.info.pop(_HOOKS, [])
    root = session.get_transaction()
    committed = [entry for entry in pending if root is not None and _inside(entry[0], root)]
    # Hooks of an earlier transaction that ended without a rollback event (a closed session).
    stale = [entry for entry in pending if entry not in committed]
    _run([on_rollback for _, _, on_rollback in stale if on_rollback is not None])
    _run([on_commit for _, on_commit, _ in committed if on_commit is not None])


def _inside(transaction: SessionTransaction, ended: SessionTransaction) -> bool:
    current: SessionTransaction | None = transaction
    while current is not None:
        if current is ended:
            return True
        current = current.parent
    return False


def _on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_HOOKS)
    if not pending:
        return
    undone = [entry for entry in pending if _inside(entry[0], previous_transaction)]
    session.info[_HOOKS] = [entry for entry in pending if entry not in undone]
    _run([on_rollback for _, _, on_rollback in undone if on_rollback is not None])


def install_commit_guard() -> None:
    """Refuse, inside a request, any commit that does not come from ``unit_of_work``.

    Also install the after-commit and after-rollback hooks (``after_commit``).
    """
    if not event.contains(Session, "before_commit", _refuse_stray_commit):
        event.listen(Session, "before_commit", _refuse_stray_commit)
    if not event.contains(Session, "after_commit", _on_commit):
        event.listen(Session, "after_commit", _on_commit)
    if not event.contains(Session, "after_soft_rollback", _on_rollback):
        event.listen(Session, "after_soft_rollback", _on_rollback)


def begin_unsafe_requests_for_writing() -> None:
    """Before a POST (any unsafe method) reads anything, take SQLite's write lock for it.

    The request's transaction then holds the lock from its first read (the logged-in user, the
    object to change) to the step's commit, so concurrent writers queue instead of failing.
    """
    if request.method not in _SAFE_METHODS:
        begin_for_writing(db_session())
