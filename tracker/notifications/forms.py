"""Forms of the outbox pages: the list's filter, and the labels of kinds and states."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from tracker.forms import Form, IntegerField
from tracker.labels import label_or_key
from tracker.notifications.models import NoticeKind, NotificationState
from tracker.notifications.queries import STAFF_KINDS
from tracker.regencies.models import Regency
from tracker.web.routing import MAX_ID

KIND_LABELS: dict[str, LazyString] = {
    NoticeKind.REMINDER_30D: _l("Reminder, 30 days before"),
    NoticeKind.REMINDER_14D: _l("Reminder, 14 days before"),
    NoticeKind.REMINDER_7D: _l("Reminder, 7 days before"),
    NoticeKind.REMINDER_1D: _l("Reminder, 1 day before"),
    NoticeKind.ESCALATION_1: _l("Escalation, rung 1 (Inspektorat)"),
    NoticeKind.ESCALATION_2: _l("Escalation, rung 2 (Sekda)"),
    NoticeKind.ESCALATION_3: _l("Escalation, rung 3 (Bupati)"),
    NoticeKind.FULFILLED: _l("Pact fulfilled"),
    NoticeKind.DIGEST: _l("Weekly digest"),
    NoticeKind.FOLLOW_CONFIRM: _l("Follower: confirm address"),
    NoticeKind.FOLLOW_STATUS: _l("Follower: status change"),
    NoticeKind.FINDINGS_SUBMITTED: _l("Findings submitted (gathered per hour)"),
    NoticeKind.FINDING_RETURNED: _l("Finding returned to the agency"),
    NoticeKind.FINDING_APPROVED: _l("Finding approved"),
}

STATE_LABELS: dict[str, LazyString] = {
    NotificationState.PENDING: _l("Pending"),
    NotificationState.SENT: _l("Sent"),
    NotificationState.FAILED: _l("Failed"),
}

# A recipient's own state inside a notice, and the webhook copy's state.
RECIPIENT_STATE_LABELS: dict[str, LazyString] = {
    "pending": _l("Pending"),
    "sent": _l("Sent"),
    "refused": _l("Refused by the mail server"),
    "failed": _l("Failed"),
}


def kind_label(kind: str) -> str:
    """Return the label of a notice kind (the kind itself when it is not known)."""
    return label_or_key(KIND_LABELS, kind)


class OutboxFilterForm(Form):
    """Search the outbox; narrow it by kind, state, pact and (for a superadmin) regency."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("The subject, a recipient's address or name, or the pact's agency."),
    )
    kind = SelectField(_l("Kind"), default="", validate_choice=True)
    state = SelectField(_l("State"), default="", validate_choice=True)
    pact = IntegerField(
        _l("Pact number"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ID)],
    )
    regency = SelectField(_l("Regency"), default="", validate_choice=True)

    def offer(self, regencies: Sequence[Regency]) -> OutboxFilterForm:
        """Fill the choices; the regency choice only when several regencies are readable."""
        self.kind.choices = [SelectChoice("", str(_l("All kinds")))] + [
            SelectChoice(k.value, str(KIND_LABELS[k])) for k in STAFF_KINDS
        ]
        self.state.choices = [SelectChoice("", str(_l("All states")))] + [
            SelectChoice(s.value, str(STATE_LABELS[s])) for s in NotificationState
        ]
        self.regency.choices = [SelectChoice("", str(_l("All regencies")))] + [
            SelectChoice(r.slug, r.name) for r in regencies
        ]
        return self
