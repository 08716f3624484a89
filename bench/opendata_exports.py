"""Measure the open-data exports: size, time and peak Python memory at growing sizes.

Numbers, not pass/fail: `.venv/bin/python bench/opendata_exports.py`. Uses a throwaway
SQLite file unless TRACKER_BENCH_DATABASE_URL is set (an empty, migratable database).
Peak memory is tracemalloc's peak of Python allocations while one export is read chunk by
chunk and thrown away (as a client downloading it would), above what was allocated before.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, timedelta

import flask_migrate
from sqlalchemy import delete

from config import TestConfig
from tracker import create_app
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.opendata.models import DataSnapshot
from tracker.opendata.snapshots import take_snapshot
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

SIZES = (1_000, 5_000)
REPEAT = 3
URLS = ("/data/pakta.csv", "/data/pakta.xlsx", "/data/temuan.csv", "/data/temuan.xlsx")


def _fill(n: int, now) -> None:  # type: ignore[no-untyped-def]
    session = db.session
    for model in (DataSnapshot, Finding, Pact, Agency, Regency):
        session.execute(delete(model))
    zones = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak")
    regencies = [
        Regency(slug=f"kab-{i}", name=f"Kabupaten Bench {i}", province="Provinsi", timezone=tz,
                created_at=now)
        for i, tz in enumerate(zones)
    ]  # fmt: skip
    session.add_all(regencies)
    session.flush()
    agencies = [
        Agency(regency_id=r.id, slug=f"opd-{j}", kind="dinas", created_at=now,
               name=f"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {j}")
        for r in regencies
        for j in range(25)
    ]  # fmt: skip
    session.add_all(agencies)
    session.flush()
    for i in range(n):
        agency = agencies[i % len(agencies)]
        pact = Pact(
            agency_id=agency.id,
            signatory_name=f"Dr. H. Muhammad Abdurrahman Syafi'i, S.Sos., M.Si. {i}",
            signatory_title="Kepala Dinas Penanaman Modal dan PTSP",
            signed_on=date(2024, 1, 1) + timedelta(days=i % 700),
            pledge="Memperbaiki seluruh temuan Ombudsman dalam tiga bulan atau mengundurkan diri.",
            created_at=now,
        )
        session.add(pact)
        session.flush()
        for k in range(3):
            closed = (i + k) % 4 == 0
            session.add(
                Finding(
                    agency_id=agency.id, pact_id=pact.id, category=FindingCategory.INPUT,
                    code="IN-RAMP", title=f"Belum tersedia ramp dan toilet ramah disabilitas {k}",
                    status=FindingStatus.CLOSED if closed else FindingStatus.OPEN,
                    closed_at=now if closed else None, created_at=now,
                )
            )  # fmt: skip
    session.commit()


def _download(client, url: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Read the answer chunk by chunk without keeping it; return (bytes, chunks)."""
    response = client.get(url, buffered=False)
    assert response.status_code == 200, response.status_code
    size = chunks = 0
    for chunk in response.response:
        size += len(chunk)
        chunks += 1
    response.close()
    return size, chunks


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def _peak(fn) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def main() -> None:
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig, DATABASE_URL=url or f"sqlite:///{tmp}/bench.sqlite3")
        app.config["UPLOAD_FOLDER"] = f"{tmp}/uploads"
        with app.app_context():
            flask_migrate.upgrade()
            now = app.extensions["tracker.clock"].now()
            client = app.test_client()
            print(f"database: {db.engine.dialect.name}; time: median of {REPEAT} runs")
            print(f"{'pacts':>6} {'export':<18} {'rows':>6} {'bytes':>10} {'chunks':>7} "
                  f"{'ms':>8} {'peak MiB':>9}")  # fmt: skip
            for n in SIZES:
                _fill(n, now)
                for export in URLS:
                    size, chunks = _download(client, export)
                    ms = _timed(lambda u=export: _download(client, u))
                    peak = _peak(lambda u=export: _download(client, u))
                    rows = n if "pakta" in export else 3 * n
                    print(f"{n:>6} {export:<18} {rows:>6} {size:>10} {chunks:>7} {ms:>8.0f} "
                          f"{peak / 2**20:>9.2f}")  # fmt: skip
                start = time.perf_counter()
                take_snapshot(db.session, as_of=date(2024, 1, 1), now=now)
                seconds = time.perf_counter() - start
                db.session.rollback()
                peak = _peak(lambda: take_snapshot(db.session, as_of=date(2024, 1, 1), now=now))
                db.session.rollback()
                print(f"{n:>6} {'snapshot (4 files)':<18} {'':>6} {'':>10} {'':>7} "
                      f"{seconds * 1000:>8.0f} {peak / 2**20:>9.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
