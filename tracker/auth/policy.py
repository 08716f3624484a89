"""Who may do what: pure ``can_*`` decisions and query scopes, used by views, API and services.

Roles (DOMAIN.md section 1): a superadmin manages regencies and accounts and may read
everything; an admin (Bagian Organisasi, Inspektorat) runs one regency; an observer (Ombudsman,
Inspektorat) reads one regency and changes nothing; an OPD account sees and changes only its
own agency. A reviewer never verifies a finding of an agency they belong to.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, select, true

from tracker.agencies.models import Agency
from tracker.auth.models import User, UserRole
from tracker.errors import Forbidden
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus, can_mark_unresolvable, is_submittable
from tracker.pacts.models import Pact

_ADMIN, _OBSERVER, _OPD, _SUPER = (
    UserRole.ADMIN,
    UserRole.OBSERVER,
    UserRole.OPD,
    UserRole.SUPERADMIN,
)


def _role(user: User | None) -> UserRole | None:
    """Return the role of an active account; None for anonymous or deactivated ones."""
    return user.role if user is not None and user.is_active else None


def is_admin_of(user: User | None, regency_id: int) -> bool:
    """Tell whether ``user`` runs the regency (role admin there)."""
    return _role(user) is _ADMIN and user is not None and user.regency_id == regency_id


# --- staff areas (the pages a role opens; each object is still checked by its service) -----


def is_regency_admin(user: User | None) -> bool:
    """Tell whether the user is the regent's office (admin) of some regency."""
    return _role(user) is _ADMIN and user is not None and user.regency_id is not None


def can_open_regency_overview(user: User | None) -> bool:
    """Open the regent's office overview and the verification queue: admins and observers."""
    return _role(user) in (_ADMIN, _OBSERVER)


def can_download_monthly_report(user: User | None) -> bool:
    """Download the monthly report for the regent: whoever reads the dashboard (admins and
    observers their regency's, a superadmin any regency's or every regency's)."""
    return _role(user) in (_ADMIN, _OBSERVER, _SUPER)


def can_open_agency_overview(user: User | None) -> bool:
    """Open an agency's own overview: OPD accounts."""
    return _role(user) is _OPD


def can_read_regency_lists(user: User | None) -> bool:
    """Open the lists of a whole regency (agencies, outbox): admins, observers, superadmins."""
    return _role(user) in (_ADMIN, _OBSERVER, _SUPER)


def can_administer(user: User | None) -> bool:
    """Open the account and notification-settings pages: admins and superadmins."""
    return _role(user) in (_ADMIN, _SUPER)


def sees_every_regency(user: User | None) -> bool:
    """Tell whether the user's lists span every regency (a superadmin's)."""
    return _role(user) is _SUPER


# --- reading -------------------------------------------------------------------------------


def can_view_regency(user: User | None, regency_id: int) -> bool:
    """Read the staff pages of a whole regency (all its agencies)."""
    role = _role(user)
    if role is _SUPER:
        return True
    return role in (_ADMIN, _OBSERVER) and user is not None and user.regency_id == regency_id


def can_view_agency(user: User | None, agency: Agency) -> bool:
    """Read an agency's pacts, findings, evidence and timeline."""
    if can_view_regency(user, agency.regency_id):
        return True
    return _role(user) is _OPD and user is not None and user.agency_id == agency.id


def agencies_visible_to(user: User) -> ColumnElement[bool]:
    """Return a condition on Agency selecting what ``user`` may read."""
    if not user.is_active:
        return false()
    if user.role is _SUPER:
        return true()
    if user.role in (_ADMIN, _OBSERVER) and user.regency_id is not None:
        return Agency.regency_id == user.regency_id
    if user.role is _OPD and user.agency_id is not None:
        return Agency.id == user.agency_id
    return false()


def pacts_visible_to(user: User) -> ColumnElement[bool]:
    """Return a condition on Pact selecting what ``user`` may read."""
    return Pact.agency_id.in_(select(Agency.id).where(agencies_visible_to(user)))


def own_regency(user: User | None) -> int:
    """Return the regency whose whole lists ``user`` reads (an admin's or an observer's).

    Raise Forbidden for an account that reads no whole regency (a superadmin, an OPD account).
    """
    if user is not None and user.regency_id is not None and _role(user) in (_ADMIN, _OBSERVER):
        return user.regency_id
    raise Forbidden(_l("This account belongs to no regency."))


def own_agency(user: User | None) -> int:
    """Return the agency an OPD account works for; raise Forbidden for any other account."""
    if user is not None and user.agency_id is not None and _role(user) is _OPD:
        return user.agency_id
    raise Forbidden(_l("This account belongs to no agency."))


def regency_scope(user: User | None) -> int | None:
    """Return the regency a regency-wide list shows ``user``; None: every regency (superadmin).

    Raise Forbidden, like ``own_regency``, for an account that reads no whole regency.
    """
    return None if sees_every_regency(user) else own_regency(user)


def admins_of(regency_id: int) -> ColumnElement[bool]:
    """Return a condition on User selecting the active regent's office accounts of a regency."""
    return (User.regency_id == regency_id) & (User.role == _ADMIN) & User.is_active


# --- who is told (the notices' audience) ---------------------------------------------------

# The accounts notices go to: the regent's office (its regency's notices) and OPD staff (their
# agency's reminders).
NOTICE_ROLES = (_ADMIN, _OPD)


def notice_scope(
    role: UserRole, regency_id: int | None, agency_id: int | None
) -> tuple[str, int] | None:
    """Return whose notices an active account gets: ("regency", id), ("agency", id) or None."""
    if role is _ADMIN and regency_id is not None:
        return ("regency", regency_id)
    if role is _OPD and agency_id is not None:
        return ("agency", agency_id)
    return None


# --- the regent's office -------------------------------------------------------------------


def can_manage_regencies(user: User | None) -> bool:
    """Create regencies (tenants)."""
    return _role(user) is _SUPER


def can_manage_accounts(user: User | None, regency_id: int | None) -> bool:
    """Create or change accounts of a regency (None: accounts without a regency)."""
    if can_manage_regencies(user):
        return True
    return regency_id is not None and is_admin_of(user, regency_id)


def can_manage_agencies(user: User | None, regency_id: int) -> bool:
    """Record agencies of a regency."""
    return is_admin_of(user, regency_id)


def can_record_pacts(user: User | None) -> bool:
    """Open the form that records a signed pact: the regent's office of a regency."""
    return is_regency_admin(user)


def can_record_pact(user: User | None, agency: Agency) -> bool:
    """Record a signed pact (and its findings) for an agency."""
    return is_admin_of(user, agency.regency_id)


def can_change_pact(user: User | None, agency: Agency) -> bool:
    """Extend or withdraw a pact of an agency."""
    return is_admin_of(user, agency.regency_id)


def can_decide_pact(user: User | None, agency: Agency) -> bool:
    """Record, correct or clear the regent's decision on a pact of an agency (its outcome).

    The regent's office of the agency's regency, or a superadmin; never an observer or OPD staff.
    """
    return _role(user) is _SUPER or is_admin_of(user, agency.regency_id)


def can_correct_pact(user: User | None, agency: Agency) -> bool:
    """Correct a typo in a pact of an agency (signatory, signing date, pledge...), with a reason.

    The regent's office of the agency's regency, whatever the pact's state: a record must stay
    true even once the pact is settled. Never an observer, OPD staff or a superadmin.
    """
    return is_admin_of(user, agency.regency_id)


def can_add_findings(user: User | None, agency: Agency) -> bool:
    """Add findings to a signed pact of an agency (the service refuses a settled pact)."""
    return is_admin_of(user, agency.regency_id)


def can_reinstate_pact(user: User | None, agency: Agency) -> bool:
    """Undo the withdrawal of a pact of an agency, with a reason."""
    return is_admin_of(user, agency.regency_id)


def can_correct_finding(user: User | None, agency: Agency) -> bool:
    """Correct a finding's title, description or dimension, with a reason.

    Like verification, never by an admin who is on the agency's own staff: the wording of a
    finding is what the agency is held to.
    """
    return can_review_finding(user, agency)


def can_review_finding(user: User | None, agency: Agency) -> bool:
    """Verify (approve or return) a finding of ``agency``: never one's own agency."""
    return is_admin_of(user, agency.regency_id) and user is not None and user.agency_id != agency.id


def can_declare_unresolvable(user: User | None, agency: Agency) -> bool:
    """Declare a finding of ``agency`` impossible to follow up (SIPTL's "tidak dapat
    ditindaklanjuti"), or take that back: those who verify its findings, never its own staff."""
    return can_review_finding(user, agency)


def can_declare_unresolvable_now(user: User | None, finding: Finding) -> bool:
    """Declare the finding impossible to follow up now: a verifier, while it is not closed."""
    return can_declare_unresolvable(user, finding.agency) and can_mark_unresolvable(finding.status)


def can_reopen_now(user: User | None, finding: Finding) -> bool:
    """Take back "cannot be followed up" now: a verifier, while the finding is in that state."""
    return (
        can_declare_unresolvable(user, finding.agency)
        and finding.status is FindingStatus.UNRESOLVABLE
    )


def can_read_internal_comments(user: User | None, agency: Agency) -> bool:
    """Read reviewer comments marked internal: the regent's office, observers, superadmin."""
    return can_view_regency(user, agency.regency_id)


def can_publish_evidence(user: User | None, agency: Agency) -> bool:
    """Publish a finding's evidence on the public portal."""
    return is_admin_of(user, agency.regency_id)


# --- assessments and their schemes ----------------------------------------------------------


def can_record_assessments(user: User | None, regency_id: int) -> bool:
    """Record or correct a regency's assessment results: its admins, or a superadmin."""
    return _role(user) is _SUPER or is_admin_of(user, regency_id)


def can_open_assessments(user: User | None) -> bool:
    """Open the staff pages of assessment results: a regency's admins, or a superadmin."""
    return _role(user) is _SUPER or is_regency_admin(user)


def can_edit_schemes(user: User | None) -> bool:
    """Change the assessment schemes (bands, years, provisional flag): a superadmin only."""
    return _role(user) is _SUPER


def can_edit_holidays(user: User | None) -> bool:
    """Add, correct or remove days of the holiday calendar: a superadmin only."""
    return _role(user) is _SUPER


def can_read_holidays(user: User | None) -> bool:
    """Open the holiday calendar page: anyone signed in to the staff side."""
    return _role(user) is not None


# --- OPD staff -----------------------------------------------------------------------------


def can_work_on_finding(user: User | None, agency: Agency) -> bool:
    """Upload evidence to, and submit, a finding of ``agency`` (its own staff only)."""
    return _role(user) is _OPD and user is not None and user.agency_id == agency.id


def can_add_evidence(user: User | None, finding: Finding) -> bool:
    """Add evidence: own agency's staff, while the finding is not closed or awaiting review."""
    return can_work_on_finding(user, finding.agency) and finding.status not in (
        FindingStatus.CLOSED,
        FindingStatus.SUBMITTED,
        FindingStatus.UNRESOLVABLE,
    )


def can_submit_finding(user: User | None, finding: Finding) -> bool:
    """Send the finding to review now: own agency's staff, with evidence, from an open status."""
    return can_work_on_finding(user, finding.agency) and is_submittable(
        finding.status, bool(finding.evidence)
    )


def can_review_now(user: User | None, finding: Finding) -> bool:
    """Decide on the finding now: a reviewer of its regency, while it awaits review."""
    return can_review_finding(user, finding.agency) and finding.status is FindingStatus.SUBMITTED


# --- notices (the outbox) and the regency's notification settings -------------------------


def can_view_outbox(user: User | None, regency_id: int) -> bool:
    """Read the outbox of a regency: its admins and observers, and a superadmin."""
    return can_view_regency(user, regency_id)


def can_retry_notice(user: User | None, regency_id: int) -> bool:
    """Put a failed notice of a regency back in the queue: its admins, or a superadmin."""
    return _role(user) is _SUPER or is_admin_of(user, regency_id)


def can_manage_notification_settings(user: User | None, regency_id: int) -> bool:
    """Change a regency's escalation ladder and webhook: its admins, or a superadmin."""
    return _role(user) is _SUPER or is_admin_of(user, regency_id)


# --- regency-wide commitments (regency pacts, MoUs, cooperation agreements) and events -----


def can_open_commitments(user: User | None) -> bool:
    """Open the staff list of commitments and events: admins, observers and superadmins."""
    return can_read_regency_lists(user)


def can_record_commitments(user: User | None, regency_id: int) -> bool:
    """Record and correct a regency's commitments and events: its admins, or a superadmin."""
    return _role(user) is _SUPER or is_admin_of(user, regency_id)


def can_record_any_commitments(user: User | None) -> bool:
    """Open the forms that record commitments and events: an admin of a regency, a superadmin."""
    return _role(user) is _SUPER or is_regency_admin(user)


# --- accounts ------------------------------------------------------------------------------


def landing_endpoint(user: User | None) -> str:
    """Return the page (endpoint) an account starts on: its own agency, the regencies, or the
    regent's office overview."""
    if can_open_agency_overview(user):
        return "dashboard.opd"
    if sees_every_regency(user):
        return "regencies.index"
    return "dashboard.home"


def can_change_account(user: User | None, account: User) -> bool:
    """Change an account's name and notice language: its owner, or whoever manages its accounts."""
    if _role(user) is not None and user is not None and user.id == account.id:
        return True
    return can_manage_accounts(user, account.regency_id)


def roles_grantable_by(user: User | None) -> tuple[UserRole, ...]:
    """Return the roles ``user`` may give a new account, the most frequent first.

    A superadmin gives any role (a regency's first admin first); a regency admin the roles of
    its own regency (agency staff first); anyone else none.
    """
    if can_manage_regencies(user):
        return (_ADMIN, _OBSERVER, _OPD, _SUPER)
    if is_regency_admin(user):
        return (_OPD, _OBSERVER, _ADMIN)
    return ()


def can_create_account(user: User | None, role: UserRole, regency_id: int | None) -> bool:
    """Create an account of ``role`` in a regency (None: an account of no regency)."""
    return can_manage_accounts(user, regency_id) and role in roles_grantable_by(user)


def role_has_no_regency(role: UserRole) -> bool:
    """Tell whether accounts of ``role`` belong to no regency (superadmins)."""
    return role is _SUPER


def role_needs_regency(role: UserRole) -> bool:
    """Tell whether accounts of ``role`` must belong to a regency (admins and observers)."""
    return role in (_ADMIN, _OBSERVER)


def role_needs_agency(role: UserRole) -> bool:
    """Tell whether accounts of ``role`` must belong to an agency (OPD staff)."""
    return role is _OPD


def can_use_second_factor(user: User | None) -> bool:
    """Turn on a second login step (a code from an authenticator app): admins and superadmins,
    whose accounts change other people's records and accounts."""
    return _role(user) in (_ADMIN, _SUPER)


# --- tokens --------------------------------------------------------------------------------


def can_manage_tokens(user: User | None, owner: User) -> bool:
    """List, create and revoke API tokens of ``owner``: the owner or a superadmin."""
    role = _role(user)
    return role is _SUPER or (role is not None and user is not None and user.id == owner.id)
