"""Forms of the staff pages of commitments and events: record one, correct one."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker import labels
from tracker.assessments.rules import TargetKind
from tracker.commitments.rules import CommitmentKind, CommitmentLimit, EventKind
from tracker.forms import Form, IntegerField

_ONE_A_LINE = _l("One a line.")


def _kinds(enum: Any, names: Any) -> list[tuple[str, str]]:
    return [(k.value, str(names[k])) for k in enum]


class CommitmentForm(Form):
    """A regency pact, MoU or cooperation agreement; the service checks every rule."""

    regency_id = SelectField(_l("Regency"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=CommitmentLimit.TITLE)])
    signed_on = DateField(
        _l("Signing date"),
        validators=[Optional()],
        description=_l("Leave empty when the source gives no day: it shows 'date not recorded'."),
    )
    signed_year = IntegerField(
        _l("Signing year, when the source gives no day"), validators=[Optional()]
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=CommitmentLimit.PLACE)])
    parties = TextAreaField(
        _l("Parties"),
        validators=[Optional(), Length(max=CommitmentLimit.PARTIES)],
        description=_ONE_A_LINE,
    )
    signatories = TextAreaField(
        _l("Signatories"),
        validators=[Optional(), Length(max=CommitmentLimit.SIGNATORIES)],
        description=_l("One a line, as the source names them."),
    )
    commitments = TextAreaField(
        _l("What was committed"),
        validators=[Optional(), Length(max=CommitmentLimit.TEXT)],
        description=_ONE_A_LINE,
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=CommitmentLimit.TEXT)])
    target_kind = SelectField(
        _l("Target (regency-wide pact only)"), default="", validate_choice=False
    )
    target_value = StringField(
        _l("Target value"),
        validators=[Optional(), Length(max=8)],
        description=_l("A zone (green, yellow, red), a grade (A-E) or a score; empty to improve."),
    )
    target_year = IntegerField(_l("Assessment year of the target"), validators=[Optional()])
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=500)],
        description=_l("Where this comes from, e.g. the news article and its date."),
    )

    def set_choices(self, regencies: list[tuple[int, str]]) -> None:
        """Fill the choices: the regencies the user may record for, the kinds, the targets."""
        if self.regency_id is not None:
            self.regency_id.choices = regencies
        self.kind.choices = _kinds(CommitmentKind, labels.COMMITMENT_KIND)
        self.target_kind.choices = [("", "—"), *_kinds(TargetKind, labels.TARGET_KIND)]


class CommitmentEditForm(CommitmentForm):
    """Correct a commitment; it stays with its regency."""

    regency_id = None


class EventForm(Form):
    """A mentoring visit, a coordination channel or another event of a regency."""

    regency_id = SelectField(_l("Regency"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=CommitmentLimit.TITLE)])
    happened_on = DateField(
        _l("Date"),
        validators=[Optional()],
        description=_l("Leave empty when the source gives no day: it shows 'date not recorded'."),
    )
    happened_year = IntegerField(_l("Year, when the source gives no day"), validators=[Optional()])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=CommitmentLimit.TEXT)]
    )
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=500)],
        description=_l("Where this comes from, e.g. the news article and its date."),
    )

    def set_choices(self, regencies: list[tuple[int, str]]) -> None:
        """Fill the choices: the regencies the user may record for, and the kinds."""
        if self.regency_id is not None:
            self.regency_id.choices = regencies
        self.kind.choices = _kinds(EventKind, labels.EVENT_KIND)


class EventEditForm(EventForm):
    """Correct an event; it stays with its regency."""

    regency_id = None
