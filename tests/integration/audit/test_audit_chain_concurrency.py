"""Writers of one regency append to its audit chain at the same moment, with real commits: the
chain head's row lock queues them, so the chain never forks and no link is lost (SQLite,
PostgreSQL and MariaDB alike; .ci/run repeats it on the servers). Two transactions writing to
two chains in opposite orders queue too, never deadlock (PostgreSQL and MariaDB)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tracker.audit.chain import verify
from tracker.audit.models import AuditChainHead, AuditEvent
from tracker.audit.services import record
from tracker.extensions import db
from tracker.regencies.models import Regency
from tracker.web.step import unit_of_work

pytestmark = pytest.mark.committing

WRITERS, EACH = 6, 10


@contextmanager
def _regencies(app: Flask, count: int) -> Iterator[list[int]]:
    """Committed regencies, removed afterwards with their chains."""
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        regencies = [
            Regency(
                slug=f"rantai-{uuid.uuid4().hex[:8]}",
                name="Kabupaten Rantai",
                province="Uji",
                timezone="Asia/Makassar",
                created_at=TEST_NOW,
            )
            for _ in range(count)
        ]
        session.add_all(regencies)
        session.commit()
        found = [regency.id for regency in regencies]
    try:
        yield found
    finally:
        with Session(engine) as session:
            session.execute(delete(AuditEvent).where(AuditEvent.chain_id.in_(found)))
            session.execute(delete(AuditChainHead).where(AuditChainHead.chain_id.in_(found)))
            session.execute(delete(Regency).where(Regency.id.in_(found)))
            session.commit()


@pytest.fixture
def regency_id(app: Flask) -> Iterator[int]:
    with _regencies(app, 1) as [found]:
        yield found


def test_parallel_writers_of_one_regency_never_fork_its_chain(app: Flask, regency_id: int) -> None:
    with app.app_context():
        engine = db.engine
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        start.wait()
        for n in range(EACH):
            with Session(engine) as session, unit_of_work(session):
                record(
                    session, actor=None, action="pact.corrected", target_type="pact",
                    target_id=writer * 100 + n, regency_id=regency_id,
                    at=TEST_NOW + timedelta(seconds=n), changes={"writer": writer, "n": n},
                )  # fmt: skip

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, range(WRITERS)))

    with Session(engine) as session:
        [state] = verify(session, chain_id=regency_id)
    assert state.first_break is None
    assert state.length == WRITERS * EACH


ROUNDS = 25


def test_two_writers_of_two_chains_in_opposite_orders_never_deadlock(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: nothing to deadlock")
    # Both have written to their first chain before either writes to its second: taking a
    # chain's lock at its first event would deadlock here in the first round.
    halfway = threading.Barrier(2, timeout=60)

    def write(chains: tuple[int, int], writer: int) -> None:
        try:
            for n in range(ROUNDS):
                with Session(engine) as session, unit_of_work(session):
                    for step, chain in enumerate(chains):
                        record(
                            session, actor=None, action="pact.corrected", target_type="pact",
                            target_id=n, regency_id=chain, at=TEST_NOW + timedelta(seconds=n),
                            changes={"writer": writer, "round": n, "step": step},
                        )  # fmt: skip
                        session.flush()
                        if step == 0:
                            halfway.wait()
        except BaseException:
            halfway.abort()  # the other writer stops waiting for this one
            raise

    with _regencies(app, 2) as (a, b), ThreadPoolExecutor(2) as pool:
        writers = [pool.submit(write, (a, b), 1), pool.submit(write, (b, a), 2)]
        # A deadlock is an error in one writer (and a broken barrier in the other).
        assert [repr(w.exception()) for w in writers] == ["None", "None"]
        with Session(engine) as session:
            states = verify(session, chain_id=a) + verify(session, chain_id=b)
        assert [(s.chain_id, s.length, s.first_break) for s in states] == [
            (a, 2 * ROUNDS, None),
            (b, 2 * ROUNDS, None),
        ]
