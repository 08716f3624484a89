"""Fixtures of the public page tests: an upload folder of the test's own, a recorded regency."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.integration.portal.public_world import PublicWorld, build_world


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Point the app's file store at a folder of this test's own."""
    folder = tmp_path / "uploads"
    previous = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = previous


@pytest.fixture
def world(session: Session, now: datetime, uploads: Path) -> PublicWorld:
    """A regency whose pacts went through recording, evidence, review, extension, withdrawal."""
    return build_world(session, now=now, uploads=uploads)
