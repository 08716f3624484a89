"""Measure the pact list (query + derived status) and the home page at growing sizes.

Numbers, not pass/fail: run with `make bench`. Uses a throwaway SQLite file unless
TRACKER_BENCH_DATABASE_URL is set (an empty, migratable database).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta

import flask_migrate
from sqlalchemy import delete, func, select

from config import TestConfig
from tracker import create_app
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.models import Pact
from tracker.pacts.queries import list_pacts
from tracker.regencies.models import Regency

SIZES = (100, 1_000, 5_000)
REPEAT = 5


def _fill(n: int, now) -> None:  # type: ignore[no-untyped-def]
    session = db.session
    for model in (Finding, Pact, Agency, Regency):
        session.execute(delete(model))
    regencies = [
        Regency(slug=f"kab-{i}", name=f"Kab {i}", province="P", timezone=tz, created_at=now)
        for i, tz in enumerate(("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak"))
    ]
    session.add_all(regencies)
    session.flush()
    agencies = [
        Agency(regency_id=r.id, slug=f"opd-{j}", name=f"OPD {j}", kind="dinas", created_at=now)
        for r in regencies
        for j in range(25)
    ]
    session.add_all(agencies)
    session.flush()
    for i in range(n):
        agency = agencies[i % len(agencies)]
        pact = Pact(
            agency_id=agency.id,
            signatory_title="Kepala",
            signed_on=date(2024, 1, 1) + timedelta(days=i % 700),
            pledge="x",
            created_at=now,
        )
        session.add(pact)
        session.flush()
        for k in range(3):
            session.add(
                Finding(
                    agency_id=agency.id,
                    pact_id=pact.id,
                    category=FindingCategory.INPUT,
                    title=f"T{k}",
                    status=FindingStatus.CLOSED if (i + k) % 4 == 0 else FindingStatus.OPEN,
                    closed_at=now if (i + k) % 4 == 0 else None,
                    created_at=now,
                )
            )
    session.commit()


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig, DATABASE_URL=url or f"sqlite:///{tmp}/bench.sqlite3")
        with app.app_context():
            flask_migrate.upgrade()
            now = app.extensions["tracker.clock"].now()
            client = app.test_client()
            print(f"database: {db.engine.dialect.name}; median of {REPEAT} runs")
            header = ("pacts", "list_pacts ms", "GET / ms", "GET /api/v1/pacts ms")
            print(f"{header[0]:>7} {header[1]:>14} {header[2]:>10} {header[3]:>21}")
            for n in SIZES:
                _fill(n, now)
                q = _timed(lambda: list_pacts(db.session, now=now, due_soon_days=14))
                page = _timed(lambda: client.get("/"))
                api = _timed(lambda: client.get("/api/v1/pacts"))
                print(f"{n:>7} {q:>14.1f} {page:>10.1f} {api:>21.1f}")
            # The other public pages at the largest size (the fill's last regency, its first
            # agency, its newest pact): each reads a fixed number of statements.
            pact_id = db.session.execute(select(func.max(Pact.id))).scalar_one()
            agency_id = db.session.execute(select(func.min(Agency.id))).scalar_one()
            print(f"public pages with {SIZES[-1]} pacts:")
            for url in ("/kabupaten/kab-0", "/kabupaten/kab-0?status=overdue",
                        f"/opd/{agency_id}", f"/pakta/{pact_id}"):  # fmt: skip
                print(f"  GET {url:<34} {_timed(lambda u=url: client.get(u)):>7.1f} ms")


if __name__ == "__main__":
    main()
