"""Fixtures of the workflow service tests: a small world and a file store of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import make_user
from tests.integration.services.helpers import SIGNED_ON, World
from tracker.clock import FixedClock
from tracker.storage import FileStore


@pytest.fixture
def world(session: Session, clock: FixedClock) -> World:
    now = clock.now()
    x = make_regency(session, now=now, timezone="Asia/Makassar")
    y = make_regency(session, now=now, timezone="Asia/Jakarta")
    a = make_agency(session, regency=x, now=now)
    b = make_agency(session, regency=x, now=now)
    return World(
        session=session,
        now=now,
        x=x,
        y=y,
        a=a,
        b=b,
        admin_x=make_user(session, role="admin", regency=x, now=now),
        opd_a=make_user(session, role="opd", agency=a, now=now),
        pact=make_pact(session, agency=a, now=now, signed_on=SIGNED_ON, findings=2),
    )


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    """A file store of its own for each test."""
    return FileStore(tmp_path / "uploads", max_bytes=1024 * 1024)
