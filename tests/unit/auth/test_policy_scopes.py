"""The scopes the policy hands to regency-wide lists: one regency, every regency, or a refusal."""

from __future__ import annotations

import pytest

import tracker.models  # noqa: F401 - every mapper, so that an account can be built
from tracker.auth import policy
from tracker.auth.models import User, UserRole
from tracker.errors import Forbidden


def _user(role: UserRole, *, regency_id: int | None = None, agency_id: int | None = None) -> User:
    return User(role=role, regency_id=regency_id, agency_id=agency_id, is_active=True)


def test_a_superadmin_reads_every_regency() -> None:
    assert policy.regency_scope(_user(UserRole.SUPERADMIN)) is None


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.OBSERVER])
def test_the_regents_office_and_observers_read_their_own_regency(role: UserRole) -> None:
    user = _user(role, regency_id=7)
    assert policy.regency_scope(user) == policy.own_regency(user) == 7


@pytest.mark.parametrize(
    "user",
    [
        _user(UserRole.OPD, regency_id=7, agency_id=3),
        _user(UserRole.ADMIN),
        User(role=UserRole.ADMIN, regency_id=7, is_active=False),
        None,
    ],
    ids=["opd", "admin-without-regency", "deactivated", "anonymous"],
)
def test_anyone_else_reads_no_regency_list(user: User | None) -> None:
    with pytest.raises(Forbidden):
        policy.regency_scope(user)


def test_a_superadmin_has_no_own_regency() -> None:
    with pytest.raises(Forbidden):
        policy.own_regency(_user(UserRole.SUPERADMIN))


def test_only_an_opd_account_has_an_own_agency() -> None:
    assert policy.own_agency(_user(UserRole.OPD, regency_id=7, agency_id=3)) == 3
    for user in (_user(UserRole.ADMIN, regency_id=7, agency_id=3), _user(UserRole.OPD), None):
        with pytest.raises(Forbidden):
            policy.own_agency(user)
