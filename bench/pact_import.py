"""Measure the pact spreadsheet import: 2,000 pacts with 30,000 findings, previewed and committed.

Numbers, not pass/fail: `.venv/bin/python bench/pact_import.py`. Uses a throwaway SQLite file
unless TRACKER_BENCH_DATABASE_URL is set (an empty, migratable database). One regency with 40
agencies; 2,000 pacts of 15 findings each, one row per finding (30,000 rows), every pact
column filled (title, name, date, pledge, sanction, witnesses, source) and a description per
finding.

Rows: the file is built (XLSX, CSV); previewed through the service (all new); committed through
the unit of work (all new: 2,000 record_pact calls, 32,000 audit events), counting the
database transactions that commit (the standard: one); previewed and committed again (all
unchanged: nothing written); previewed through POST /api/v1/pacts/import?preview=true.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import time
from datetime import date, timedelta

import flask_migrate
from sqlalchemy import event, func, select

from config import TestConfig
from tracker import create_app
from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.auth.services import issue_token
from tracker.extensions import db
from tracker.findings.models import Finding
from tracker.pacts import imports
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency
from tracker.spreadsheets import sheets
from tracker.web.step import unit_of_work

PACTS = 2_000
FINDINGS = 15
AGENCIES = 40
CATEGORIES = ("input", "process", "output", "complaints")


def _records(agencies: list[Agency]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(PACTS):
        agency = agencies[n % len(agencies)]
        pact = {
            "regency": "kab-bench", "agency": agency.slug, "reference": f"800/{n:05d}/2024",
            "signatory_title": "Kepala Dinas", "signatory_name": f"Pejabat {n}",
            "signed_on": date(2024, 1, 2) + timedelta(days=n % 300), "period_months": 3,
            "pledge": "Kami berjanji memperbaiki seluruh temuan penilaian kepatuhan.",
            "sanction": "Teguran tertulis", "witnesses": "Inspektorat",
            "source": "Laporan hasil penilaian 2023",
        }  # fmt: skip
        for f in range(FINDINGS):
            rows.append(
                {**pact, "finding_title": f"Temuan {f + 1}: standar pelayanan belum dipajang",
                 "finding_category": CATEGORIES[f % 4],
                 "finding_description": "Dilihat saat kunjungan; belum ada papan informasi."}
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
        app.config["MAX_UPLOAD_BYTES"] = 64 << 20
        app.config["MAX_CONTENT_LENGTH"] = 65 << 20
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
                Agency(regency_id=regency.id, slug=f"opd-{i:02d}", kind="dinas", created_at=now,
                       name=f"Dinas Pelayanan {i:02d}")
                for i in range(AGENCIES)
            ]  # fmt: skip
            session.add_all(agencies)
            admin = create_user(
                session, actor=None, email="admin@bench.go.id", name="Admin", role="admin",
                password=secrets.token_urlsafe(16), now=now, regency_slug=regency.slug,
            )  # fmt: skip
            token = issue_token(session, actor=None, owner=admin, now=now).plaintext
            session.commit()
            records = _records(agencies)
            built = {}
            for kind, write in (("xlsx", sheets.write_xlsx), ("csv", sheets.write_csv)):
                seconds, data = _seconds(lambda w=write: w(imports.FORMAT, records))
                built[kind] = data
                print(f"build {kind}: {len(data) / 1024:.0f} KiB in {seconds:.2f} s")
            args = {"actor": admin, "regency_id": regency.id, "now": now, "max_bytes": 64 << 20}
            print(f"database: {db.engine.dialect.name}; {PACTS:,} pacts, {len(records):,} rows")
            for kind in ("xlsx", "csv"):
                seconds, preview = _seconds(
                    lambda k=kind: imports.preview_import(session, data=built[k], **args)
                )
                print(f"preview {kind} (all new): {seconds:.2f} s {preview.counts}, "
                      f"{preview.findings:,} findings")  # fmt: skip
                session.rollback()
            commits: list[int] = []
            event.listen(db.engine, "commit", lambda conn: commits.append(1))

            def commit(kind: str) -> imports.ImportPreview:
                with unit_of_work(session):
                    return imports.commit_import(session, data=built[kind], **args)

            seconds, done = _seconds(lambda: commit("xlsx"))
            pacts = session.scalar(select(func.count()).select_from(Pact))
            findings = session.scalar(select(func.count()).select_from(Finding))
            print(f"commit xlsx (all new): {seconds:.2f} s {done.counts}; {len(commits)} "
                  f"transaction committed; {pacts:,} pacts, {findings:,} findings")  # fmt: skip
            commits.clear()
            for kind in ("xlsx", "csv"):
                seconds, preview = _seconds(
                    lambda k=kind: imports.preview_import(session, data=built[k], **args)
                )
                print(f"preview {kind} again (unchanged): {seconds:.2f} s {preview.counts}")
                session.rollback()
            seconds, done = _seconds(lambda: commit("csv"))
            print(f"commit csv again (nothing written): {seconds:.2f} s {done.counts}")
            session.rollback()
        client = app.test_client()
        for kind in ("xlsx", "csv"):
            start = time.perf_counter()
            response = client.post(
                "/api/v1/pacts/import?preview=true",
                data={"file": (io.BytesIO(built[kind]), f"pakta.{kind}")},
                headers={"Authorization": f"Bearer {token}"},
                content_type="multipart/form-data",
            )
            seconds = time.perf_counter() - start
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            print(f"API preview {kind}: {seconds:.2f} s, {len(response.data) / 1024:.0f} KiB"
                  f" {response.get_json()['counts']}")  # fmt: skip


if __name__ == "__main__":
    main()
