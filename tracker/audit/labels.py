"""Translated labels of audit action keys, for timelines (the keys stay stable English)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.labels import label_or_key

ACTIONS: dict[str, LazyString] = {
    "pact.recorded": _l("Pact recorded"),
    "pact.extended": _l("Deadline extended"),
    "pact.withdrawn": _l("Pact withdrawn"),
    "pact.outcome_recorded": _l("Outcome recorded"),
    "pact.outcome_cleared": _l("Recorded outcome cleared"),
    "finding.recorded": _l("Finding recorded"),
    "finding.added": _l("Finding added after signing"),
    "finding.corrected": _l("Finding corrected"),
    "pact.corrected": _l("Pact corrected"),
    "pact.reinstated": _l("Withdrawal undone"),
    "evidence.added": _l("Evidence added"),
    "evidence.published": _l("Evidence published"),
    "evidence.unpublished": _l("Evidence taken off the public page"),
    "finding.submitted": _l("Sent for verification"),
    "finding.approved": _l("Verified and closed"),
    "finding.returned": _l("Returned to the agency"),
    "finding.unresolvable": _l("Declared impossible to follow up"),
    "finding.reopened": _l("Reopened: can be followed up again"),
    "regency.created": _l("Regency added"),
    "agency.created": _l("Agency recorded"),
    "user.created": _l("Account created"),
    "user.password_changed": _l("Password changed"),
    "token.issued": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "agency.changed": _l("Agency changed"),
    "user.changed": _l("Account changed"),
    "escalation_contact.added": _l("Escalation contact added"),
    "escalation_contact.removed": _l("Escalation contact removed"),
    "regency.webhook_changed": _l("Webhook changed"),
    "regency.webhook_secret_generated": _l("Webhook secret renewed"),
    "follower.requested": _l("Follow requested"),
    "follower.requested_again": _l("Follow requested again"),
    "follower.confirmed": _l("Follow confirmed"),
    "follower.unsubscribed": _l("Unsubscribed"),
    "notification.retried": _l("Notice sent again"),
    "assessment.recorded": _l("Assessment recorded"),
    "assessment.corrected": _l("Assessment corrected"),
    "assessment.imported": _l("Assessment results imported from a spreadsheet"),
    "pact.imported": _l("Pacts imported from a spreadsheet"),
    "unit_result.recorded": _l("Unit result recorded"),
    "unit_result.corrected": _l("Unit result corrected"),
    "unit_result.removed": _l("Unit result removed"),
    "scheme.added": _l("Assessment scheme added"),
    "scheme.changed": _l("Assessment scheme changed"),
    "commitment.recorded": _l("Commitment recorded"),
    "commitment.corrected": _l("Commitment corrected"),
    "regency_event.recorded": _l("Event recorded"),
    "regency_event.corrected": _l("Event corrected"),
}


def action_label(action: str) -> str:
    """Return the label of an action key in the page's language (the key itself if unknown)."""
    return label_or_key(ACTIONS, action)
