"""Every role has its names in one table, and a recorded role value finds them."""

from __future__ import annotations

import pytest

from tracker import labels
from tracker.auth.models import UserRole


def test_every_role_has_a_name_on_each_kind_of_page() -> None:
    assert set(labels.ROLE) == set(UserRole)


@pytest.mark.parametrize(
    ("recorded", "timeline", "public"),
    [
        pytest.param("admin", "Regent's office", "Regent's office", id="admin"),
        pytest.param("opd", "Agency staff", "Agency (OPD)", id="opd"),
        pytest.param("superadmin", "Superadmin", "Pantau Pakta administrator", id="superadmin"),
        pytest.param("ghost", "ghost", "System", id="unknown-value"),
    ],
)
def test_a_recorded_role_is_named_for_staff_and_for_the_public(
    recorded: str, timeline: str, public: str
) -> None:
    assert str(labels.role_in_timeline(recorded)) == timeline
    assert str(labels.public_role(recorded)) == public


def test_an_event_without_an_actor_is_the_systems_on_the_portal() -> None:
    assert str(labels.public_role(None)) == "System"
