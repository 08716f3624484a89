"""Integration fixtures shared by the capabilities' tests.

``demo``: the demo data; ``upload_folder`` and ``store``: files of the test's own; ``office``:
two regencies with their agencies and staff (tests/integration/office.py); ``pact``: agency A's
pact with two open findings, due soon; ``recorded``: the same agency's pact as the regent's
office records it through the service; ``steps``: the follow-up through the services
(tests/integration/workflow.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office, make_office
from tests.integration.workflow import SIGNED_ON, Recorded, Steps, record_ramp_pact
from tracker.clock import FixedClock
from tracker.demo.services import DemoReport, load_demo
from tracker.pacts.models import Pact
from tracker.storage import FileStore


@pytest.fixture
def demo(app: Flask, session: Session, now: datetime) -> DemoReport:
    """Load the demo data (rolled back after the test; its photos go to the app's uploads)."""
    with app.app_context():
        return load_demo(session, now=now)


@pytest.fixture
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Store uploads in a fresh folder for the test; the app's setting comes back afterwards."""
    folder = tmp_path / "uploads"
    original = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = original


@pytest.fixture
def store(upload_folder: Path) -> FileStore:
    """The test's own file store, for services called directly (1 MiB a file)."""
    return FileStore(upload_folder, max_bytes=1024 * 1024)


@pytest.fixture
def office(session: Session, now: datetime, upload_folder: Path) -> Office:
    """Regency X (agencies A and B), regency Y (agency C) and one account per role."""
    return make_office(session, now=now)


@pytest.fixture
def pact(session: Session, now: datetime, office: Office) -> Pact:
    """Agency A's pact, signed on 8 January 2019 (deadline 8 April: due soon), two open findings."""
    return make_pact(session, agency=office.a, now=now, signed_on=SIGNED_ON, findings=2)


@pytest.fixture
def steps(session: Session, store: FileStore, clock: FixedClock) -> Steps:
    """The follow-up steps through the services, at the clock's time, with the test's store."""
    return Steps(session, store, clock)


@pytest.fixture
def recorded(session: Session, now: datetime, office: Office) -> Recorded:
    """Agency A's pact recorded by admin X: signed 1 March 2019, a ramp and a play corner."""
    return record_ramp_pact(session, actor=office.admin_x, agency_id=office.a.id, now=now)
