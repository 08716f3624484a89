"""The scheduler sweeps pending files itself: shortly after it starts, then daily.

`flask --app tracker scheduler` runs on a SQLite file of its own with an upload folder holding
what interrupted saves leave: a stale pending file no row points to (a save whose transaction
never committed) and a young one (a transaction that may still be open). The scheduler's job
removes the first and leaves the second, as `flask --app tracker files-sweep` does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from time import monotonic, sleep

import pytest
from flask import Flask

from tests.conftest import REPO_ROOT, external_database_url
from tests.live import sqlite_app
from tracker.clock import SystemClock
from tracker.extensions import db
from tracker.scheduling import schedule_of
from tracker.storage import PENDING

pytestmark = [
    pytest.mark.committing,
    pytest.mark.skipif(
        external_database_url() is not None,
        reason="files on disk, the same on every database: the SQLite run covers it",
    ),
]


@pytest.fixture
def store_app(tmp_path: Path) -> Iterator[Flask]:
    app = sqlite_app(tmp_path, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _pending(folder: Path, key: str, age_seconds: float) -> Path:
    path = folder / key[:2] / (key + PENDING)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a file")
    # File times are wall-clock times; so is the scheduler's clock here (nothing is frozen).
    when = SystemClock().now().timestamp() - age_seconds
    os.utime(path, (when, when))
    return path


def test_the_scheduler_removes_a_stale_pending_file_at_start_and_leaves_a_young_one(
    store_app: Flask, tmp_path: Path
) -> None:
    job = next(j for j in schedule_of(store_app).jobs if j.command == "files-sweep")
    assert store_app.config[job.every] == 24 * 60 * 60  # then daily
    uploads = tmp_path / "uploads"
    stale = _pending(uploads, "ab" + "0" * 30, age_seconds=2 * 60 * 60)
    young = _pending(uploads, "cd" + "1" * 30, age_seconds=60)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=str(store_app.config["SQLALCHEMY_DATABASE_URI"]),
        TRACKER_SECRET_KEY="files-sweep-job-test-secret-key-0123456789",
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        TRACKER_UPLOAD_FOLDER=str(uploads),
    )
    log_path = tmp_path / "scheduler.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "scheduler"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = monotonic() + 60
        while stale.exists() and monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            sleep(0.2)
        assert not stale.exists(), log_path.read_text()
        assert young.exists()
        summary = "findings.files_sweep: Pending files renamed: 0; removed: 1; left (younger): 1."
        while summary not in log_path.read_text() and monotonic() < deadline:
            sleep(0.1)
        assert summary in log_path.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0, log_path.read_text()
