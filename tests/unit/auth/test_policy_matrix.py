"""Who may do what, decision by decision, for every kind of account (found by `make mutation`).

The route x visitor table (tests/integration/policy) asks the same questions through the pages;
this table asks tracker.auth.policy directly, so each decision is pinned for each account:
a superadmin, the regent's office of regency 7 (one of them also staff of agency 3), the
regent's office of regency 8, an observer of regency 7, OPD staff of agencies 3 and 4 (both in
regency 7), deactivated accounts, and nobody signed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import tracker.models  # noqa: F401 - every mapper, so that accounts and findings can be built
from tracker.agencies.models import Agency
from tracker.auth import policy
from tracker.auth.models import User, UserRole
from tracker.errors import Forbidden
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import FindingStatus


def _user(
    id_: int,
    role: UserRole,
    regency_id: int | None = None,
    agency_id: int | None = None,
    *,
    active: bool = True,
) -> User:
    return User(id=id_, role=role, regency_id=regency_id, agency_id=agency_id, is_active=active)


CAST: dict[str, User | None] = {
    "nobody": None,
    "super": _user(1, UserRole.SUPERADMIN),
    "admin7": _user(2, UserRole.ADMIN, 7),
    "admin7-of-agency3": _user(3, UserRole.ADMIN, 7, 3),
    "admin8": _user(4, UserRole.ADMIN, 8),
    "observer7": _user(5, UserRole.OBSERVER, 7),
    "opd3": _user(6, UserRole.OPD, 7, 3),
    "opd4": _user(7, UserRole.OPD, 7, 4),
    "super-off": _user(8, UserRole.SUPERADMIN, active=False),
    "admin7-off": _user(9, UserRole.ADMIN, 7, active=False),
    "opd3-off": _user(10, UserRole.OPD, 7, 3, active=False),
    "admin-no-regency": _user(11, UserRole.ADMIN),
    "observer-no-regency": _user(12, UserRole.OBSERVER),
}
AGENCY3 = Agency(id=3, regency_id=7, name="Dinas Kesehatan")
AGENCY9 = Agency(id=9, regency_id=8, name="Dinas Pendidikan")

ADMINS7 = {"admin7", "admin7-of-agency3"}
READERS7 = ADMINS7 | {"observer7", "super"}

# decision -> (how it is asked, who gets yes)
DECISIONS: dict[str, tuple[Callable[[User | None], bool], set[str]]] = {
    "is_admin_of 7": (lambda u: policy.is_admin_of(u, 7), ADMINS7),
    "is_admin_of 8": (lambda u: policy.is_admin_of(u, 8), {"admin8"}),
    "is_regency_admin": (policy.is_regency_admin, ADMINS7 | {"admin8"}),
    "can_open_regency_overview": (
        policy.can_open_regency_overview,
        ADMINS7 | {"admin8", "observer7", "admin-no-regency", "observer-no-regency"},
    ),
    "can_download_monthly_report": (
        policy.can_download_monthly_report,
        READERS7 | {"admin8", "admin-no-regency", "observer-no-regency"},
    ),
    "can_open_agency_overview": (policy.can_open_agency_overview, {"opd3", "opd4"}),
    "can_read_regency_lists": (
        policy.can_read_regency_lists,
        READERS7 | {"admin8", "admin-no-regency", "observer-no-regency"},
    ),
    "can_administer": (policy.can_administer, ADMINS7 | {"admin8", "super", "admin-no-regency"}),
    "sees_every_regency": (policy.sees_every_regency, {"super"}),
    "can_view_regency 7": (lambda u: policy.can_view_regency(u, 7), READERS7),
    "can_view_regency 8": (lambda u: policy.can_view_regency(u, 8), {"admin8", "super"}),
    "can_view_agency 3": (lambda u: policy.can_view_agency(u, AGENCY3), READERS7 | {"opd3"}),
    "can_view_agency 9": (lambda u: policy.can_view_agency(u, AGENCY9), {"admin8", "super"}),
    "can_manage_regencies": (policy.can_manage_regencies, {"super"}),
    "can_manage_accounts 7": (
        lambda u: policy.can_manage_accounts(u, 7),
        ADMINS7 | {"super"},
    ),
    "can_manage_accounts none": (lambda u: policy.can_manage_accounts(u, None), {"super"}),
    "can_manage_agencies 7": (lambda u: policy.can_manage_agencies(u, 7), ADMINS7),
    "can_record_pacts": (policy.can_record_pacts, ADMINS7 | {"admin8"}),
    "can_record_pact 3": (lambda u: policy.can_record_pact(u, AGENCY3), ADMINS7),
    "can_record_pact 9": (lambda u: policy.can_record_pact(u, AGENCY9), {"admin8"}),
    "can_change_pact 3": (lambda u: policy.can_change_pact(u, AGENCY3), ADMINS7),
    "can_change_pact 9": (lambda u: policy.can_change_pact(u, AGENCY9), {"admin8"}),
    "can_decide_pact 3": (lambda u: policy.can_decide_pact(u, AGENCY3), ADMINS7 | {"super"}),
    "can_decide_pact 9": (lambda u: policy.can_decide_pact(u, AGENCY9), {"admin8", "super"}),
    # Corrections of pacts (issue 13): the regent's office of the regency, whatever its staff.
    "can_correct_pact 3": (lambda u: policy.can_correct_pact(u, AGENCY3), ADMINS7),
    "can_correct_pact 9": (lambda u: policy.can_correct_pact(u, AGENCY9), {"admin8"}),
    "can_add_findings 3": (lambda u: policy.can_add_findings(u, AGENCY3), ADMINS7),
    "can_add_findings 9": (lambda u: policy.can_add_findings(u, AGENCY9), {"admin8"}),
    "can_reinstate_pact 3": (lambda u: policy.can_reinstate_pact(u, AGENCY3), ADMINS7),
    "can_reinstate_pact 9": (lambda u: policy.can_reinstate_pact(u, AGENCY9), {"admin8"}),
    # A finding's wording: never by an admin on the agency's own staff (as verification).
    "can_correct_finding 3": (lambda u: policy.can_correct_finding(u, AGENCY3), {"admin7"}),
    "can_correct_finding 9": (lambda u: policy.can_correct_finding(u, AGENCY9), {"admin8"}),
    # Never one's own agency: the admin who is staff of agency 3 does not verify it.
    "can_review_finding 3": (lambda u: policy.can_review_finding(u, AGENCY3), {"admin7"}),
    "can_review_finding 9": (lambda u: policy.can_review_finding(u, AGENCY9), {"admin8"}),
    "can_declare_unresolvable 3": (
        lambda u: policy.can_declare_unresolvable(u, AGENCY3),
        {"admin7"},
    ),
    "can_read_internal_comments 3": (
        lambda u: policy.can_read_internal_comments(u, AGENCY3),
        READERS7,
    ),
    "can_read_internal_comments 9": (
        lambda u: policy.can_read_internal_comments(u, AGENCY9),
        {"admin8", "super"},
    ),
    "can_publish_evidence 3": (lambda u: policy.can_publish_evidence(u, AGENCY3), ADMINS7),
    "can_publish_evidence 9": (lambda u: policy.can_publish_evidence(u, AGENCY9), {"admin8"}),
    "can_record_assessments 7": (
        lambda u: policy.can_record_assessments(u, 7),
        ADMINS7 | {"super"},
    ),
    "can_record_assessments 8": (
        lambda u: policy.can_record_assessments(u, 8),
        {"admin8", "super"},
    ),
    "can_open_assessments": (policy.can_open_assessments, ADMINS7 | {"admin8", "super"}),
    "can_edit_schemes": (policy.can_edit_schemes, {"super"}),
    # The holiday calendar: every active staff account reads it, a superadmin extends it.
    "can_edit_holidays": (policy.can_edit_holidays, {"super"}),
    "can_read_holidays": (
        policy.can_read_holidays,
        {n for n, u in CAST.items() if u is not None and u.is_active},
    ),
    "can_work_on_finding 3": (lambda u: policy.can_work_on_finding(u, AGENCY3), {"opd3"}),
    "can_view_outbox 7": (lambda u: policy.can_view_outbox(u, 7), READERS7),
    "can_view_outbox 8": (lambda u: policy.can_view_outbox(u, 8), {"admin8", "super"}),
    "can_retry_notice 7": (lambda u: policy.can_retry_notice(u, 7), ADMINS7 | {"super"}),
    "can_retry_notice 8": (lambda u: policy.can_retry_notice(u, 8), {"admin8", "super"}),
    "can_manage_notification_settings 7": (
        lambda u: policy.can_manage_notification_settings(u, 7),
        ADMINS7 | {"super"},
    ),
    "can_manage_notification_settings 8": (
        lambda u: policy.can_manage_notification_settings(u, 8),
        {"admin8", "super"},
    ),
    "can_open_commitments": (
        policy.can_open_commitments,
        READERS7 | {"admin8", "admin-no-regency", "observer-no-regency"},
    ),
    "can_record_commitments 7": (
        lambda u: policy.can_record_commitments(u, 7),
        ADMINS7 | {"super"},
    ),
    "can_record_commitments 8": (
        lambda u: policy.can_record_commitments(u, 8),
        {"admin8", "super"},
    ),
    "can_record_any_commitments": (
        policy.can_record_any_commitments,
        ADMINS7 | {"admin8", "super"},
    ),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_who_gets_yes(decision: str) -> None:
    ask, allowed = DECISIONS[decision]
    said_yes = {name for name, user in CAST.items() if ask(user)}
    assert said_yes == allowed


def _finding(agency: Agency, status: FindingStatus, *, evidence: int = 0) -> Finding:
    finding = Finding(agency=agency, status=status)
    finding.evidence = [Evidence() for _ in range(evidence)]
    return finding


FINDING_DECISIONS: list[tuple[str, Callable[[User | None, Finding], bool], Finding, set[str]]] = [
    (
        "declare-unresolvable-open",
        policy.can_declare_unresolvable_now,
        _finding(AGENCY3, FindingStatus.OPEN),
        {"admin7"},
    ),
    (
        "declare-unresolvable-closed",
        policy.can_declare_unresolvable_now,
        _finding(AGENCY3, FindingStatus.CLOSED),
        set(),
    ),
    (
        "reopen-unresolvable",
        policy.can_reopen_now,
        _finding(AGENCY3, FindingStatus.UNRESOLVABLE),
        {"admin7"},
    ),
    ("reopen-open", policy.can_reopen_now, _finding(AGENCY3, FindingStatus.OPEN), set()),
    (
        "evidence-in-progress",
        policy.can_add_evidence,
        _finding(AGENCY3, FindingStatus.IN_PROGRESS),
        {"opd3"},
    ),
    (
        "evidence-returned",
        policy.can_add_evidence,
        _finding(AGENCY3, FindingStatus.RETURNED),
        {"opd3"},
    ),
    ("evidence-closed", policy.can_add_evidence, _finding(AGENCY3, FindingStatus.CLOSED), set()),
    (
        "evidence-submitted",
        policy.can_add_evidence,
        _finding(AGENCY3, FindingStatus.SUBMITTED),
        set(),
    ),
    (
        "evidence-unresolvable",
        policy.can_add_evidence,
        _finding(AGENCY3, FindingStatus.UNRESOLVABLE),
        set(),
    ),
    (
        "submit-with-evidence",
        policy.can_submit_finding,
        _finding(AGENCY3, FindingStatus.IN_PROGRESS, evidence=1),
        {"opd3"},
    ),
    (
        "submit-without-evidence",
        policy.can_submit_finding,
        _finding(AGENCY3, FindingStatus.IN_PROGRESS),
        set(),
    ),
    (
        "review-submitted",
        policy.can_review_now,
        _finding(AGENCY3, FindingStatus.SUBMITTED, evidence=1),
        {"admin7"},
    ),
    (
        "review-in-progress",
        policy.can_review_now,
        _finding(AGENCY3, FindingStatus.IN_PROGRESS, evidence=1),
        set(),
    ),
]


@pytest.mark.parametrize(
    ("ask", "finding", "allowed"),
    [
        pytest.param(ask, finding, allowed, id=name)
        for name, ask, finding, allowed in FINDING_DECISIONS
    ],
)
def test_who_may_act_on_a_finding_now(
    ask: Callable[[User | None, Finding], bool], finding: Finding, allowed: set[str]
) -> None:
    assert {name for name, user in CAST.items() if ask(user, finding)} == allowed


@pytest.mark.parametrize(
    ("name", "landing"),
    [
        ("nobody", "dashboard.home"),
        ("super", "regencies.index"),
        ("super-off", "dashboard.home"),
        ("admin7", "dashboard.home"),
        ("observer7", "dashboard.home"),
        ("opd3", "dashboard.opd"),
    ],
)
def test_where_each_account_starts(name: str, landing: str) -> None:
    assert policy.landing_endpoint(CAST[name]) == landing


def test_own_regency_and_agency() -> None:
    assert policy.own_regency(CAST["admin7"]) == 7
    assert policy.own_regency(CAST["observer7"]) == 7
    assert policy.own_agency(CAST["opd3"]) == 3
    for name in ("nobody", "super", "opd3", "admin7-off", "admin-no-regency"):
        with pytest.raises(Forbidden, match=r"^This account belongs to no regency\.$"):
            policy.own_regency(CAST[name])
    for name in ("nobody", "admin7-of-agency3", "opd3-off", "super"):
        with pytest.raises(Forbidden, match=r"^This account belongs to no agency\.$"):
            policy.own_agency(CAST[name])


@pytest.mark.parametrize(
    ("role", "regency_id", "agency_id", "scope"),
    [
        (UserRole.ADMIN, 7, None, ("regency", 7)),
        (UserRole.ADMIN, 7, 3, ("regency", 7)),
        (UserRole.ADMIN, None, None, None),
        (UserRole.OPD, 7, 3, ("agency", 3)),
        (UserRole.OPD, 7, None, None),
        (UserRole.OBSERVER, 7, None, None),
        (UserRole.SUPERADMIN, None, None, None),
    ],
)
def test_whose_notices_an_account_gets(
    role: UserRole, regency_id: int | None, agency_id: int | None, scope: Any
) -> None:
    assert policy.notice_scope(role, regency_id, agency_id) == scope


def test_who_changes_an_account() -> None:
    admin7, admin8, opd3 = CAST["admin7"], CAST["admin8"], CAST["opd3"]
    assert opd3 is not None and admin8 is not None and admin7 is not None
    assert policy.can_change_account(opd3, opd3)  # its owner
    assert policy.can_change_account(admin7, opd3)  # its regency's office
    assert policy.can_change_account(CAST["super"], opd3)
    assert not policy.can_change_account(admin8, opd3)
    assert not policy.can_change_account(CAST["opd4"], opd3)
    assert not policy.can_change_account(CAST["opd3-off"], opd3)  # same id, deactivated
    assert not policy.can_change_account(None, opd3)


def test_who_manages_api_tokens() -> None:
    opd3 = CAST["opd3"]
    assert opd3 is not None
    assert {n for n, u in CAST.items() if policy.can_manage_tokens(u, opd3)} == {"super", "opd3"}


def test_which_roles_an_account_may_grant_and_where() -> None:
    super_, admin7 = CAST["super"], CAST["admin7"]
    assert policy.roles_grantable_by(super_) == (
        UserRole.ADMIN,
        UserRole.OBSERVER,
        UserRole.OPD,
        UserRole.SUPERADMIN,
    )
    assert policy.roles_grantable_by(admin7) == (UserRole.OPD, UserRole.OBSERVER, UserRole.ADMIN)
    for name in ("observer7", "opd3", "nobody", "admin-no-regency"):
        assert policy.roles_grantable_by(CAST[name]) == ()
    assert policy.can_create_account(admin7, UserRole.OPD, 7)
    assert not policy.can_create_account(admin7, UserRole.SUPERADMIN, 7)
    assert not policy.can_create_account(admin7, UserRole.OPD, 8)
    assert not policy.can_create_account(admin7, UserRole.OPD, None)
    assert policy.can_create_account(super_, UserRole.SUPERADMIN, None)
    assert not policy.can_create_account(CAST["observer7"], UserRole.OPD, 7)


@pytest.mark.parametrize(
    ("role", "no_regency", "needs_regency", "needs_agency"),
    [
        (UserRole.SUPERADMIN, True, False, False),
        (UserRole.ADMIN, False, True, False),
        (UserRole.OBSERVER, False, True, False),
        (UserRole.OPD, False, False, True),
    ],
)
def test_what_each_role_belongs_to(
    role: UserRole, no_regency: bool, needs_regency: bool, needs_agency: bool
) -> None:
    assert policy.role_has_no_regency(role) is no_regency
    assert policy.role_needs_regency(role) is needs_regency
    assert policy.role_needs_agency(role) is needs_agency


def _sql(condition: Any) -> str:
    return str(condition.compile(compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("super", "true"),
        ("admin7", "agencies.regency_id = 7"),
        ("observer7", "agencies.regency_id = 7"),
        ("opd3", "agencies.id = 3"),
        ("super-off", "false"),
        ("admin-no-regency", "false"),
        ("observer-no-regency", "false"),
        ("opd3-no-agency", "false"),
    ],
)
def test_which_agencies_a_list_shows(name: str, where: str) -> None:
    user = CAST.get(name) or _user(13, UserRole.OPD, 7)
    assert _sql(policy.agencies_visible_to(user)) == where
    pacts = _sql(policy.pacts_visible_to(user))
    assert pacts.startswith("pacts.agency_id IN (SELECT agencies.id")
    assert where in pacts


def test_the_regencys_admins_are_its_active_admin_accounts() -> None:
    assert _sql(policy.admins_of(7)) == (
        "users.regency_id = 7 AND users.role = 'admin' AND users.is_active"
    )
