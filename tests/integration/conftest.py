"""Integration fixtures: the demo data inside the test's rolled-back transaction."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tracker.demo.services import DemoReport, load_demo


@pytest.fixture
def demo(app: Flask, session: Session, now: datetime) -> DemoReport:
    """Load the demo data (rolled back after the test; its photos go to the app's uploads)."""
    with app.app_context():
        return load_demo(session, now=now)
