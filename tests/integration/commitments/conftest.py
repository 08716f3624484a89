"""``seeds``: the demo loaded late enough (December 2026) to hold every seed case of 2018-2024."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tracker.clock import FixedClock
from tracker.demo.services import DemoReport, load_demo

# 1 December 2026, 09:00 WIB: after every seed article's date.
LATE = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def seeds(app: Flask, session: Session, clock: FixedClock) -> DemoReport:
    """Load the demo data on LATE, with the app's clock set to it."""
    clock.set(LATE)
    with app.app_context():
        return load_demo(session, now=LATE)
