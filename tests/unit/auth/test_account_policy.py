"""Who changes which account, which roles a creator may give, and where each role starts."""

from __future__ import annotations

import pytest

import tracker.models  # noqa: F401 - every mapper, so that an account can be built
from tracker.auth import policy
from tracker.auth.models import User, UserRole

ADMIN, OBSERVER, OPD, SUPER = UserRole.ADMIN, UserRole.OBSERVER, UserRole.OPD, UserRole.SUPERADMIN


def _user(
    role: UserRole,
    *,
    id: int = 1,
    regency_id: int | None = None,
    agency_id: int | None = None,
    is_active: bool = True,
) -> User:
    return User(id=id, role=role, regency_id=regency_id, agency_id=agency_id, is_active=is_active)


@pytest.mark.parametrize(
    ("user", "endpoint"),
    [
        pytest.param(_user(OPD, regency_id=7, agency_id=3), "dashboard.opd", id="opd-own-agency"),
        pytest.param(_user(SUPER), "regencies.index", id="superadmin-regencies"),
        pytest.param(_user(ADMIN, regency_id=7), "dashboard.home", id="admin-overview"),
        pytest.param(_user(OBSERVER, regency_id=7), "dashboard.home", id="observer-overview"),
    ],
)
def test_each_role_lands_on_its_own_overview(user: User, endpoint: str) -> None:
    assert policy.landing_endpoint(user) == endpoint


OPD_A = _user(OPD, id=10, regency_id=7, agency_id=3)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param(OPD_A, True, id="the-owner"),
        pytest.param(_user(ADMIN, id=2, regency_id=7), True, id="admin-of-its-regency"),
        pytest.param(_user(SUPER, id=3), True, id="superadmin"),
        pytest.param(_user(ADMIN, id=4, regency_id=8), False, id="admin-of-another-regency"),
        pytest.param(_user(OBSERVER, id=5, regency_id=7), False, id="observer-of-its-regency"),
        pytest.param(_user(OPD, id=6, regency_id=7, agency_id=3), False, id="a-colleague"),
        pytest.param(
            _user(OPD, id=10, regency_id=7, agency_id=3, is_active=False),
            False,
            id="the-owner-deactivated",
        ),
    ],
)
def test_an_account_is_changed_by_its_owner_or_whoever_manages_its_regency(
    actor: User, allowed: bool
) -> None:
    assert policy.can_change_account(actor, OPD_A) is allowed


@pytest.mark.parametrize(
    ("actor", "roles"),
    [
        pytest.param(_user(SUPER), (ADMIN, OBSERVER, OPD, SUPER), id="superadmin-any-role"),
        pytest.param(_user(ADMIN, regency_id=7), (OPD, OBSERVER, ADMIN), id="admin-no-superadmin"),
        pytest.param(_user(ADMIN), (), id="admin-without-regency"),
        pytest.param(_user(OBSERVER, regency_id=7), (), id="observer-none"),
        pytest.param(_user(OPD, regency_id=7, agency_id=3), (), id="opd-none"),
    ],
)
def test_a_creator_offers_the_roles_it_may_give_most_frequent_first(
    actor: User, roles: tuple[UserRole, ...]
) -> None:
    assert policy.roles_grantable_by(actor) == roles


@pytest.mark.parametrize(
    ("actor", "role", "regency_id", "allowed"),
    [
        pytest.param(_user(ADMIN, regency_id=7), OPD, 7, True, id="admin-own-regency"),
        pytest.param(_user(ADMIN, regency_id=7), OPD, 8, False, id="admin-other-regency"),
        pytest.param(_user(ADMIN, regency_id=7), SUPER, 7, False, id="admin-no-superadmin"),
        pytest.param(_user(SUPER), SUPER, None, True, id="superadmin-superadmin"),
        pytest.param(_user(SUPER), ADMIN, 8, True, id="superadmin-any-regency"),
        pytest.param(_user(OBSERVER, regency_id=7), OPD, 7, False, id="observer-never"),
    ],
)
def test_an_account_is_created_only_within_the_creators_reach(
    actor: User, role: UserRole, regency_id: int | None, allowed: bool
) -> None:
    assert policy.can_create_account(actor, role, regency_id) is allowed


@pytest.mark.parametrize(
    ("role", "no_regency", "needs_regency", "needs_agency"),
    [
        pytest.param(SUPER, True, False, False, id="superadmin-nowhere"),
        pytest.param(ADMIN, False, True, False, id="admin-in-a-regency"),
        pytest.param(OBSERVER, False, True, False, id="observer-in-a-regency"),
        pytest.param(OPD, False, False, True, id="opd-in-an-agency"),
    ],
)
def test_each_role_belongs_where_it_works(
    role: UserRole, no_regency: bool, needs_regency: bool, needs_agency: bool
) -> None:
    assert policy.role_has_no_regency(role) is no_regency
    assert policy.role_needs_regency(role) is needs_regency
    assert policy.role_needs_agency(role) is needs_agency


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        pytest.param(_user(ADMIN, regency_id=7), True, id="admin"),
        pytest.param(_user(SUPER), True, id="superadmin"),
        pytest.param(_user(OBSERVER, regency_id=7), False, id="observer"),
        pytest.param(_user(OPD, regency_id=7, agency_id=3), False, id="opd"),
        pytest.param(_user(ADMIN, regency_id=7, is_active=False), False, id="deactivated-admin"),
        pytest.param(None, False, id="anonymous"),
    ],
)
def test_only_admins_and_superadmins_may_turn_on_a_second_login_step(
    user: User | None, allowed: bool
) -> None:
    assert policy.can_use_second_factor(user) is allowed
