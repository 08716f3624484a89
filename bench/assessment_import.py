"""Measure the assessment spreadsheet import: a 5,000-row file previewed, committed, re-imported.

Numbers, not pass/fail: `.venv/bin/python bench/assessment_import.py`. Uses a throwaway SQLite
file unless TRACKER_BENCH_DATABASE_URL is set (an empty, migratable database). One regency with
4,999 agencies, so one year's file has 5,000 rows (the regency's and one per agency); each row
has a score and, on agency rows, four dimension scores and a source.

Rows: the file is built (XLSX, CSV); previewed through the service (all new); committed (all
new: 5,000 saves with their audit events); previewed again and committed again (all unchanged:
nothing written); exported; and previewed through POST /api/v1/assessments/import?preview=true.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import tempfile
import time
from decimal import Decimal

import flask_migrate

from config import TestConfig
from tracker import create_app
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.assessments import imports
from tracker.assessments import spreadsheets as sheets
from tracker.auth.services import issue_token
from tracker.extensions import db
from tracker.regencies.models import Regency
from tracker.web.step import unit_of_work

ROWS = 5_000
YEAR = 2023


def _records(agencies: list[Agency], rng: random.Random) -> list[dict[str, object]]:
    def score() -> Decimal:
        return Decimal(rng.randint(0, 10_000)) / 100

    rows: list[dict[str, object]] = [
        {"year": YEAR, "agency": None, "result": "scored", "score": score(), "rank": 7,
         "rank_of": 199, "source": "Ombudsman RI, Penilaian Kepatuhan 2023"},
    ]  # fmt: skip
    for agency in agencies:
        rows.append(
            {"year": YEAR, "agency": agency.slug, "result": "scored", "score": score(),
             "input_score": Decimal("20.10"), "process_score": Decimal("30.02"),
             "output_score": Decimal("20.00"), "complaints_score": Decimal("10.55"),
             "source": "Laporan hasil penilaian unit layanan 2023"}
        )  # fmt: skip
    return rows


def _seconds(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig, DATABASE_URL=url or f"sqlite:///{tmp}/bench.sqlite3")
        app.config["UPLOAD_FOLDER"] = f"{tmp}/uploads"
        with app.app_context():
            flask_migrate.upgrade()
            clock = app.extensions["tracker.clock"]
            clock.set(clock.now().replace(year=2026))
            now = clock.now()
            session = db.session()
            regency = Regency(slug="kab-bench", name="Kabupaten Bench", province="P",
                              timezone="Asia/Makassar", created_at=now)  # fmt: skip
            session.add(regency)
            session.flush()
            agencies = [
                Agency(regency_id=regency.id, slug=f"opd-{i:04d}", kind="dinas", created_at=now,
                       name=f"Dinas Pelayanan Terpadu Satu Pintu {i:04d}")
                for i in range(ROWS - 1)
            ]  # fmt: skip
            session.add_all(agencies)
            admin = create_user(
                session, actor=None, email="admin@bench.go.id", name="Admin", role="admin",
                password=secrets.token_urlsafe(16), now=now, regency_slug=regency.slug,
            )  # fmt: skip
            token = issue_token(session, actor=None, owner=admin, now=now).plaintext
            session.commit()
            records = _records(agencies, random.Random(12))
            built = {}
            for kind, write in (("xlsx", sheets.write_xlsx), ("csv", sheets.write_csv)):
                seconds, data = _seconds(lambda w=write: w(records))
                built[kind] = data
                print(f"build {kind}: {len(data) / 1024:.0f} KiB in {seconds:.2f} s")
            args = {"actor": admin, "regency_id": regency.id, "now": now, "max_bytes": 10 << 20}
            print(f"database: {db.engine.dialect.name}; {ROWS:,} rows")
            for kind in ("xlsx", "csv"):
                seconds, preview = _seconds(
                    lambda k=kind: imports.preview_import(session, data=built[k], **args)
                )
                print(f"preview {kind} (all new): {seconds:.2f} s {preview.counts}")
                session.rollback()

            def commit(kind: str) -> imports.ImportPreview:
                with unit_of_work(session):
                    return imports.commit_import(session, data=built[kind], **args)

            seconds, done = _seconds(lambda: commit("xlsx"))
            print(f"commit xlsx (all new): {seconds:.2f} s {done.counts}")
            for kind in ("xlsx", "csv"):
                seconds, preview = _seconds(
                    lambda k=kind: imports.preview_import(session, data=built[k], **args)
                )
                print(f"preview {kind} again (unchanged): {seconds:.2f} s {preview.counts}")
                session.rollback()
            seconds, done = _seconds(lambda: commit("csv"))
            print(f"commit csv again (nothing written): {seconds:.2f} s {done.counts}")
            seconds, rows = _seconds(
                lambda: list(imports.export_records(session, regency=regency, year=YEAR))
            )
            seconds_x, exported = _seconds(lambda: sheets.write_xlsx(rows))
            print(f"export: {len(rows):,} rows read in {seconds:.2f} s, XLSX written in "
                  f"{seconds_x:.2f} s")  # fmt: skip
            session.rollback()
            seconds, preview = _seconds(
                lambda: imports.preview_import(session, data=exported, **args)
            )
            print(f"export → preview: {seconds:.2f} s {preview.counts}")
            session.rollback()
        client = app.test_client()
        for kind in ("xlsx", "csv"):
            start = time.perf_counter()
            response = client.post(
                "/api/v1/assessments/import?preview=true",
                data={"file": (io.BytesIO(built[kind]), f"hasil.{kind}")},
                headers={"Authorization": f"Bearer {token}"},
                content_type="multipart/form-data",
            )
            seconds = time.perf_counter() - start
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            print(f"API preview {kind}: {seconds:.2f} s, {len(response.data) / 1024:.0f} KiB"
                  f" {response.get_json()['counts']}")  # fmt: skip


if __name__ == "__main__":
    main()
