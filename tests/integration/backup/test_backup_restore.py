"""A backup taken while the app keeps writing restores into a new install whole: every table's
rows as the manifest counts them, every file with its SHA-256, every audit chain intact (a
backup torn between two writes would break a chain). SQLite here; .ci/run repeats it with
PostgreSQL and MariaDB as the source (the target is always a fresh SQLite install)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from config import TestConfig
from tests.builders import make_agency, png
from tests.conftest import TEST_NOW
from tests.integration.auth_helpers import make_user
from tests.integration.notifications.delivery_helpers import committed_regency
from tests.integration.workflow import record_ramp_pact
from tracker import create_app
from tracker.audit.chain import verify
from tracker.auth.models import User
from tracker.backup.services import backed_up_tables, take_backup
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.findings import services as findings
from tracker.findings.models import Evidence, Finding, Review
from tracker.regencies.models import Regency
from tracker.storage import FileStore
from tracker.web.step import unit_of_work

pytestmark = pytest.mark.committing


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def world(app: Flask, upload_folder: Path) -> Iterator[dict[str, int]]:
    """A committed regency with a pact, an agency's account and published evidence."""
    with committed_regency(app, TEST_NOW) as regency_id:
        with app.app_context():
            engine = db.engine
        store = FileStore(upload_folder, max_bytes=1 << 20)
        with app.app_context(), Session(engine) as session, unit_of_work(session):
            regency = session.get_one(Regency, regency_id)
            agency = make_agency(session, regency=regency, now=TEST_NOW)
            admin = make_user(session, role="admin", regency=regency, now=TEST_NOW)
            opd = make_user(session, role="opd", agency=agency, now=TEST_NOW)
            recorded = record_ramp_pact(session, actor=admin, agency_id=agency.id, now=TEST_NOW)
            evidence = findings.add_evidence(
                session, actor=opd, finding_id=recorded.ramp.id, data=png(), caption="Ramp",
                store=store, now=TEST_NOW,
            )  # fmt: skip
            session.flush()
            findings.set_evidence_public(
                session, actor=admin, evidence_id=evidence.id, public=True, store=store,
                now=TEST_NOW,
            )  # fmt: skip
            ids = {"regency": regency_id, "opd": opd.id, "finding": recorded.ramp.id}
        try:
            yield ids
        finally:
            with Session(engine) as session:
                pact = select(Finding.pact_id).where(Finding.id == ids["finding"])
                same_pact = select(Finding.id).where(Finding.pact_id.in_(pact))
                session.execute(delete(Evidence).where(Evidence.finding_id.in_(same_pact)))
                session.execute(delete(Review).where(Review.finding_id.in_(same_pact)))
                session.commit()


class Writer(threading.Thread):
    """The agency keeps uploading evidence (a file, a preview, a row, an audit link) meanwhile."""

    def __init__(self, app: Flask, store: FileStore, ids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.app, self.store, self.ids = app, store, ids
        self.done = 0
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def run(self) -> None:
        with self.app.app_context():
            engine = db.engine
            while not self.stop.is_set():
                try:
                    with Session(engine) as session, unit_of_work(session):
                        findings.add_evidence(
                            session, actor=session.get_one(User, self.ids["opd"]),
                            finding_id=self.ids["finding"], data=png(),
                            caption=f"Foto {self.done}",
                            store=self.store, now=TEST_NOW + timedelta(seconds=self.done),
                        )  # fmt: skip
                    self.done += 1
                except Exception as exc:
                    self.errors.append(exc)
                    return

    def wait_for(self, writes: int) -> None:
        for _ in range(600):
            if self.done >= writes or self.errors:
                return
            self.stop.wait(0.05)


def test_a_backup_taken_while_writing_restores_whole_into_a_new_install(
    app: Flask, world: dict[str, int], upload_folder: Path, tmp_path: Path
) -> None:
    store = FileStore(upload_folder, max_bytes=1 << 20)
    writer = Writer(app, store, world)
    writer.start()
    try:
        writer.wait_for(2)
        with app.app_context():
            report = take_backup(db.engine, store=store, target=tmp_path / "bk", now=TEST_NOW)
        writer.wait_for(writer.done + 2)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.errors == []
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["missing"] == [] and report.files == len(manifest["files"]) > 0

    target = create_app(
        TestConfig,
        DATABASE_URL="sqlite:///" + str(tmp_path / "restored.sqlite3"),
        UPLOAD_FOLDER=str(tmp_path / "restored-uploads"),
    )
    target.instance_path = str(tmp_path / "restored-instance")
    with target.app_context():
        flask_migrate.upgrade()
    runner = target.test_cli_runner()
    result = runner.invoke(args=["restore", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output

    with target.app_context():
        session = db.session
        # Every table holds what the manifest counted.
        for table in backed_up_tables():
            count = session.execute(select(func.count()).select_from(table)).scalar_one()
            assert count == report.rows[table.name], table.name
        # Every file arrived with its hash, the same as the source's.
        restored = Path(target.config["UPLOAD_FOLDER"])
        for entry in manifest["files"]:
            assert _sha(restored / entry["path"]) == entry["sha256"], entry["path"]
            assert _sha(upload_folder / entry["path"]) == entry["sha256"], entry["path"]
        # Each evidence row of the snapshot has its file, and no more rows than files.
        evidence = session.execute(select(Evidence).where(Evidence.finding_id == world["finding"]))
        rows = list(evidence.scalars())
        assert 3 <= len(rows) < 1 + writer.done  # the snapshot fell between two uploads
        for row in rows:
            assert _sha(restored / row.storage_key[:2] / row.storage_key) == row.sha256
        # The snapshot holds whole transactions: the regency's chain is intact.
        [state] = verify(session, chain_id=world["regency"])
        assert state.first_break is None
        assert not list(restored.rglob("*.pending"))
        session.remove()

    # A second restore is refused: the install is no longer empty.
    again = runner.invoke(args=["restore", str(tmp_path / "bk")])
    assert again.exit_code == 1 and "not empty" in again.output
    with target.app_context():
        db.engine.dispose()


def test_a_damaged_backup_is_refused_before_anything_is_written(
    app: Flask, world: dict[str, int], upload_folder: Path, tmp_path: Path
) -> None:
    store = FileStore(upload_folder, max_bytes=1 << 20)
    with app.app_context():
        take_backup(db.engine, store=store, target=tmp_path / "bk", now=TEST_NOW)
    evidence = next((tmp_path / "bk" / "db").glob("*-evidence.jsonl"))
    evidence.write_text(evidence.read_text().replace("Ramp", "Ramq"))
    target = create_app(
        TestConfig,
        DATABASE_URL="sqlite:///" + str(tmp_path / "restored.sqlite3"),
        UPLOAD_FOLDER=str(tmp_path / "restored-uploads"),
    )
    target.instance_path = str(tmp_path / "restored-instance")
    with target.app_context():
        flask_migrate.upgrade()
    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "bk")])
    assert result.exit_code == 1 and "does not match its SHA-256" in result.output
    with target.app_context():
        assert db.session.execute(select(func.count(Regency.id))).scalar_one() == 0
        db.session.remove()
        db.engine.dispose()
    # And a backup never overwrites: the folder must be new.
    with app.app_context(), pytest.raises(Conflict, match="exists already"):
        take_backup(db.engine, store=store, target=tmp_path / "bk", now=TEST_NOW)
