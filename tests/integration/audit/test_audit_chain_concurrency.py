"""Writers of one regency append to its audit chain at the same moment, with real commits: the
chain head's row lock queues them, so the chain never forks and no link is lost (SQLite,
PostgreSQL and MariaDB alike; .ci/run repeats it on the servers)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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


@pytest.fixture
def regency_id(app: Flask) -> Iterator[int]:
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        regency = Regency(
            slug=f"rantai-{uuid.uuid4().hex[:8]}", name="Kabupaten Rantai", province="Uji",
            timezone="Asia/Makassar", created_at=TEST_NOW,
        )  # fmt: skip
        session.add(regency)
        session.commit()
        found = regency.id
    try:
        yield found
    finally:
        with Session(engine) as session:
            session.execute(delete(AuditEvent).where(AuditEvent.chain_id == found))
            session.execute(delete(AuditChainHead).where(AuditChainHead.chain_id == found))
            session.execute(delete(Regency).where(Regency.id == found))
            session.commit()


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
