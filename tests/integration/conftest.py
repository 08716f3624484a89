"""Integration fixtures: the demo data inside the test's rolled-back transaction."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tracker.demo.services import DemoReport, load_demo


@pytest.fixture
def demo(session: Session, now: datetime) -> DemoReport:
    """Load the demo data (rolled back after the test)."""
    return load_demo(session, now=now)
