"""Fixtures of the public page tests: a regency recorded with private markers everywhere."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.integration.portal.public_world import PublicWorld, build_world


@pytest.fixture
def world(session: Session, now: datetime, upload_folder: Path) -> PublicWorld:
    """A regency whose pacts went through recording, evidence, review, extension, withdrawal."""
    return build_world(session, now=now, uploads=upload_folder)
