"""The number of SQL statements per public page does not grow with pacts, findings or events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from tests.builders import extend_pact, make_agency, make_pact, make_regency
from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, UnitResult
from tracker.audit.services import record
from tracker.extensions import db
from tracker.findings.models import Evidence
from tracker.findings.rules import EvidenceKind
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency


class StatementCounter:
    """Count the statements a request sends to the database (savepoints aside)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The test's savepoints (each request's session opens and drops one) are not the page's.
        if "SAVEPOINT" not in statement.upper():
            self.statements.append(statement)

    def get(self, client: FlaskClient, url: str, **kwargs: Any) -> tuple[int, int]:
        """Request ``url``; return (status, number of statements)."""
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._before)
        try:
            response = client.get(url, **kwargs)
        finally:
            event.remove(self.engine, "before_cursor_execute", self._before)
        return response.status_code, len(self.statements)


@pytest.fixture
def counter(app: Flask) -> StatementCounter:
    with app.app_context():
        engine = db.engine
    return StatementCounter(engine)


def _pact(session: Session, agency: Agency, now: datetime, signed_on: date, findings: int) -> Pact:
    """A pact with findings, a published link per finding, an extension and its audit trail."""
    pact = make_pact(session, agency=agency, now=now, signed_on=signed_on, findings=findings)
    record(
        session, actor=None, action="pact.recorded", target_type="pact", target_id=pact.id,
        regency_id=agency.regency_id, pact_id=pact.id, at=now,
    )  # fmt: skip
    for finding in pact.findings:
        session.add(
            Evidence(
                finding_id=finding.id, kind=EvidenceKind.LINK, caption="Foto di media sosial",
                url="https://example.org/foto", is_public=True, uploaded_at=now,
            )
        )  # fmt: skip
        for action in ("finding.recorded", "finding.submitted", "finding.returned"):
            record(
                session, actor=None, action=action, target_type="finding", target_id=finding.id,
                regency_id=agency.regency_id, pact_id=pact.id, at=now,
            )  # fmt: skip
    extend_pact(session, pact=pact, to=signed_on + timedelta(days=200), now=now)
    return pact


Small = tuple[Regency, Agency, Pact]


@pytest.fixture
def small(session: Session, now: datetime) -> Small:
    """One regency with one agency and one pact of three findings."""
    regency = make_regency(session, now=now, slug="kab-hitung")
    agency = make_agency(session, regency=regency, now=now)
    pact = _pact(session, agency, now, date(2019, 1, 8), findings=3)
    session.commit()
    return regency, agency, pact


def _pages(regency: Regency, agency: Agency, pact: Pact) -> dict[str, str]:
    return {
        "home": "/",
        "home, filtered": f"/?regency={regency.slug}&status=on_track",
        "regency": f"/kabupaten/{regency.slug}",
        "regency, filtered": f"/kabupaten/{regency.slug}?status=overdue&year=2019",
        "agency": f"/opd/{agency.id}",
        "pact": f"/pakta/{pact.id}",
    }


def test_statements_per_page_are_the_same_for_1_and_200_pacts(
    client: FlaskClient, session: Session, now: datetime, counter: StatementCounter
) -> None:
    regency = make_regency(session, now=now, slug="kab-hitung")
    agencies = [make_agency(session, regency=regency, now=now) for _ in range(10)]
    first = _pact(session, agencies[0], now, date(2019, 1, 8), findings=1)
    session.add(Assessment(regency_id=regency.id, year=2022, score=Decimal("70"), created_at=now))
    session.add(
        UnitResult(agency_id=agencies[0].id, year=2022, score=Decimal("80"), created_at=now)
    )
    session.commit()
    small = {
        name: counter.get(client, url) for name, url in _pages(regency, agencies[0], first).items()
    }

    for i in range(199):
        _pact(session, agencies[i % 10], now, date(2018, 1, 1) + timedelta(days=3 * i), findings=3)
    big = _pact(session, agencies[0], now, date(2019, 2, 1), findings=30)
    for year in range(2015, 2025):
        if year != 2022:
            session.add(
                Assessment(regency_id=regency.id, year=year, score=Decimal("60"), created_at=now)
            )
            session.add(
                UnitResult(agency_id=agencies[0].id, year=year, score=Decimal("65"), created_at=now)
            )
    # A second regency, so the home page has more of everything too.
    other = make_regency(session, now=now)
    _pact(session, make_agency(session, regency=other, now=now), now, date(2019, 1, 8), findings=2)
    session.commit()
    large = {
        name: counter.get(client, url) for name, url in _pages(regency, agencies[0], big).items()
    }

    print("\nstatements per page (1 pact -> 201 pacts):")
    for name in small:
        print(f"  {name:<18} {small[name][1]:>3} -> {large[name][1]:>3}")
    for name in small:
        assert small[name][0] == large[name][0] == 200, name
    assert {n: c for n, (_, c) in small.items()} == {n: c for n, (_, c) in large.items()}
    # A fixed, small budget: one statement for the data version, then the page's own reads
    # (the regency page's league table reads its agencies with their findings in one; the
    # holiday calendar is one more where a page counts working days or flags a closed day; the
    # pact page one more for its regency's audit chain head as the day began).
    budget = {"pact": 12}
    assert all(count <= budget.get(name, 11) for name, (_, count) in large.items()), large


def test_a_304_costs_one_statement(
    client: FlaskClient, small: Small, counter: StatementCounter
) -> None:
    regency, agency, pact = small
    for url in _pages(regency, agency, pact).values():
        etag = client.get(url).headers["ETag"]
        status, statements = counter.get(client, url, headers={"If-None-Match": etag})
        assert status == 304, url
        # Only the data version is read: nothing is rendered.
        assert statements == 1, (url, counter.statements)


def test_the_data_version_reads_only_the_highest_ids(
    client: FlaskClient, session: Session, small: Small, counter: StatementCounter
) -> None:
    # Every public request reads it: a count or a sum would scan a whole table each time.
    pact = small[2]
    url = f"/pakta/{pact.id}"
    etag = client.get(url).headers["ETag"]
    assert counter.get(client, url, headers={"If-None-Match": etag}) == (304, 1)
    statement = counter.statements[0]
    assert "max(" in statement.lower()
    assert "count(" not in statement.lower() and "sum(" not in statement.lower(), statement
    if session.get_bind().dialect.name == "sqlite":
        plan = [row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + statement))]
        assert [step for step in plan if step.startswith("SCAN ") and "CONSTANT" not in step] == []
