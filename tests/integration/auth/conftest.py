"""Fixtures of the login and session tests."""

from __future__ import annotations

import pytest

from tests.integration.office import Office
from tracker.auth.models import User


@pytest.fixture
def admin(office: Office) -> User:
    """The admin of regency X, who logs in, out and in again in these tests."""
    return office.admin_x
