"""PostgreSQL reads the pact lists without a sequential scan of pacts and without findings.

Each list statement the portal and the API send (a page of pacts filtered by regency, agency,
status, signing year, and the home page's counts and deadlines) is explained with sequential
scans made as expensive as PostgreSQL allows: a ``Seq Scan`` on pacts left in a plan means no
index can serve it, and no plan touches findings (each pact keeps its counts). The plans on the
national data set, where the sizes make the planner's choice meaningful, are in the README.
Runs when TRACKER_TEST_DATABASE_URL is PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tests.conftest import external_database_url
from tracker.agencies.models import Agency
from tracker.demo.generator import Size, generate
from tracker.pacts.queries import deadline_extremes, page_pacts, status_counts
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency

pytestmark = pytest.mark.skipif(
    not (external_database_url() or "").startswith("postgres"),
    reason="query plans are checked on PostgreSQL (TRACKER_TEST_DATABASE_URL)",
)
DUE_SOON = 14


@contextmanager
def _captured(session: Session) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _plans(session: Session, read: Callable[[], object]) -> list[str]:
    with _captured(session) as seen:
        read()
    connection = session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    raw = connection.connection.driver_connection
    plans = []
    for statement, parameters in seen:
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    connection.execute(text("SET LOCAL enable_seqscan = on"))
    return plans


def test_pact_lists_read_pacts_and_findings_by_index(
    app: Flask, session: Session, now: datetime
) -> None:
    with app.app_context():
        generate(session, size=Size(12, 4, 3, seed=2), now=now)
    session.execute(text("ANALYZE"))
    regency_id = session.scalars(select(Regency.id).where(Regency.slug == "rekaan-006")).one()
    agency_id = session.scalars(select(Agency.id).where(Agency.regency_id == regency_id)).first()

    def page(**criteria: Any) -> Callable[[], object]:
        return lambda: page_pacts(
            session, now=now, page=2, per_page=5, due_soon_days=DUE_SOON, **criteria
        )

    reads: dict[str, Callable[[], object]] = {
        "every pact": page(),
        "a regency": page(regency_id=regency_id),
        "an agency": page(agency_id=agency_id),
        "a signing year": page(signed_year=now.year - 1),
        **{f"status {s.value}": page(status=s) for s in PactStatus},
        "a regency's overdue": page(regency_id=regency_id, status=PactStatus.OVERDUE),
        "home counts": lambda: status_counts(session, now=now, due_soon_days=DUE_SOON),
        "home deadlines": lambda: deadline_extremes(
            session, now=now, due_soon_days=DUE_SOON, limit=5
        ),
    }
    for name, read in reads.items():
        for plan in _plans(session, read):
            assert "Seq Scan on pacts" not in plan, (name, plan)
            # The lists read no finding at all: each pact keeps its counts.
            assert " on findings" not in plan, (name, plan)


def test_a_page_of_the_newest_pacts_stops_after_its_rows(
    app: Flask, session: Session, now: datetime
) -> None:
    """The default order is read from ix_pacts_newest_first: no sort of the whole country."""
    with app.app_context():
        generate(session, size=Size(12, 4, 3, seed=2), now=now)
    session.execute(text("ANALYZE"))
    read = lambda: page_pacts(session, now=now, page=2, per_page=5, due_soon_days=DUE_SOON)  # noqa: E731
    listing = [p for p in _plans(session, read) if "LIMIT" in p.upper() or "Limit" in p]
    assert listing, "a page is read with a LIMIT"
    for plan in listing:
        assert "ix_pacts_newest_first" in plan, plan
        assert "Sort" not in plan, plan
