"""Forms of the pact pages: record a pact with its findings, extend, withdraw, filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import wtforms
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker import labels
from tracker.agencies.models import Agency
from tracker.findings.catalogue import CATALOGUE
from tracker.findings.rules import FindingLimit
from tracker.forms import Form, IntegerField, _BabelTranslations
from tracker.pacts.rules import DEFAULT_PERIOD_MONTHS, PactLimit

# Rows the new-pact form shows at first; "Add another finding" adds one more each time, up to
# MAX_FINDING_ROWS, as many as a pact may carry (PactLimit.FINDINGS).
FINDING_ROWS = 3
MAX_FINDING_ROWS = PactLimit.FINDINGS


class _RowMeta:
    def get_translations(self, form: Any) -> _BabelTranslations:
        return _BabelTranslations()


class FindingRowForm(wtforms.Form):  # type: ignore[misc]
    """One finding on the pact form: from the catalogue, or written freely."""

    Meta = _RowMeta

    code = SelectField(_l("From the catalogue"), default="", validate_choice=False)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=FindingLimit.TITLE)])
    category = SelectField(_l("Dimension"), default="", validate_choice=False)
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=FindingLimit.DESCRIPTION)]
    )

    def is_empty(self) -> bool:
        """Tell whether the row was left blank (blank rows are ignored)."""
        return not (self.code.data or (self.title.data or "").strip())


def catalogue_choices() -> dict[str, list[tuple[str, str]]]:
    """The catalogue grouped by dimension, in the page's language (optgroups)."""
    groups: dict[str, list[tuple[str, str]]] = {str(_l("Write my own")): [("", "—")]}
    for entry in CATALOGUE:
        group = str(labels.FINDING_CATEGORY[entry.category])
        groups.setdefault(group, []).append((entry.code, gettext(entry.title)))
    return groups


class PactForm(Form):
    """A signed pact as the regent's office records it."""

    agency_id = SelectField(_l("Agency (OPD)"), coerce=int, validators=[DataRequired()])
    signatory_name = StringField(
        _l("Signatory's name"), validators=[Optional(), Length(max=PactLimit.SIGNATORY_NAME)]
    )
    signatory_title = StringField(
        _l("Signatory's title"), validators=[DataRequired(), Length(max=PactLimit.SIGNATORY_TITLE)]
    )
    signed_on = DateField(
        _l("Signing date"),
        validators=[Optional()],
        description=_l("The regency's local date. Leave empty only if it is unknown."),
    )
    period_months = IntegerField(
        _l("Period (months)"),
        default=DEFAULT_PERIOD_MONTHS,
        validators=[DataRequired(), NumberRange(min=1, max=PactLimit.PERIOD_MONTHS)],
    )
    witnesses = StringField(
        _l("Witnesses"),
        validators=[Optional(), Length(max=PactLimit.WITNESSES)],
        description=_l("E.g. the regent, the Sekda, the Ombudsman office, journalists."),
    )
    pledge = TextAreaField(_l("Pledge"), validators=[DataRequired(), Length(max=PactLimit.PLEDGE)])
    sanction = StringField(
        _l("Sanction"),
        validators=[Optional(), Length(max=PactLimit.SANCTION)],
        description=_l("E.g. resign if the findings are not fixed in time."),
    )
    scan = FileField(
        _l("Scan of the signed paper (PDF, optional)"),
        description=_l("A PDF document; the server checks the file's content."),
    )
    outcome_not_recorded = BooleanField(
        _l("Outcome not recorded"),
        description=_l(
            "For a pact entered from the past whose end no source reports (only once its"
            " deadline has passed): it is never called overdue and gets no reminder."
        ),
    )
    findings = FieldList(
        FormField(FindingRowForm), min_entries=FINDING_ROWS, max_entries=MAX_FINDING_ROWS
    )
    # The target (optional): what the pact promises of the agency's assessment of a year.
    target_kind = SelectField(
        _l("Target of the next assessment"),
        default="",
        validate_choice=False,
        description=_l("Optional: a zone, a grade, a score, or a better result than before."),
    )
    target_value = StringField(
        _l("Target value"),
        validators=[Optional(), Length(max=8)],
        description=_l(
            "A zone (green, yellow, red), a grade (A to E) or a score; none for a better result."
        ),
    )
    target_year = StringField(
        _l("Assessment year of the target"), validators=[Optional(), Length(max=4)]
    )

    def offer(self, agencies: Sequence[Agency]) -> PactForm:
        """Fill the choices: the admin's agencies, the catalogue and the dimensions."""
        self.agency_id.choices = [(a.id, a.name) for a in agencies]
        self.target_kind.choices = [("", "—")] + [
            (k.value, str(t)) for k, t in labels.TARGET_KIND.items()
        ]
        offer_finding_rows(self)
        return self


def add_finding_row(form: Any) -> bool:
    """Give the form's findings one more blank row; False when it has the most rows allowed."""
    if len(form.findings) >= MAX_FINDING_ROWS:
        return False
    form.findings.append_entry()
    return True


def offer_finding_rows(form: Any) -> None:
    """Fill the choices of every finding row: the catalogue and the dimensions."""
    categories = [("", "—")] + [(c.value, str(t)) for c, t in labels.FINDING_CATEGORY.items()]
    groups = catalogue_choices()
    # What finding-rows.js fills in as a catalogue entry is picked, in the page's language.
    form.catalogue_map = {
        entry.code: {"title": gettext(entry.title), "category": entry.category.value}
        for entry in CATALOGUE
    }
    for row in form.findings:
        row.form.code.choices = groups
        row.form.category.choices = categories


class AddFindingsForm(Form):
    """Findings added to a signed pact (one forgotten when it was recorded)."""

    findings = FieldList(FormField(FindingRowForm), min_entries=1, max_entries=MAX_FINDING_ROWS)

    def offer(self) -> AddFindingsForm:
        """Fill the choices of the rows."""
        offer_finding_rows(self)
        return self


class CorrectPactForm(Form):
    """A pact's fields as recorded, to correct a typo, with the reason (public)."""

    signatory_name = StringField(
        _l("Signatory's name"), validators=[Optional(), Length(max=PactLimit.SIGNATORY_NAME)]
    )
    signatory_title = StringField(
        _l("Signatory's title"), validators=[DataRequired(), Length(max=PactLimit.SIGNATORY_TITLE)]
    )
    signed_on = DateField(
        _l("Signing date"),
        validators=[Optional()],
        description=_l(
            "The regency's local date. Correcting it moves the deadline derived from it (the"
            " signing date plus the period); refused once the deadline has been extended."
        ),
    )
    witnesses = StringField(
        _l("Witnesses"), validators=[Optional(), Length(max=PactLimit.WITNESSES)]
    )
    pledge = TextAreaField(_l("Pledge"), validators=[DataRequired(), Length(max=PactLimit.PLEDGE)])
    sanction = StringField(_l("Sanction"), validators=[Optional(), Length(max=PactLimit.SANCTION)])
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(), Length(max=PactLimit.REASON)],
        description=_l(
            "Public: the pact's public timeline says that it was corrected, which fields, and why."
        ),
    )


class ReinstateForm(Form):
    """Why a withdrawal is undone."""

    reason = TextAreaField(
        _l("Reason for undoing the withdrawal"),
        validators=[DataRequired(), Length(max=PactLimit.REASON)],
        description=_l("Public, like the reason for the withdrawal."),
    )


class ExtendForm(Form):
    """A later deadline and why."""

    new_deadline = DateField(_l("New deadline"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=PactLimit.REASON)])


class WithdrawForm(Form):
    """Why the pact is withdrawn."""

    reason = TextAreaField(
        _l("Reason for withdrawal"), validators=[DataRequired(), Length(max=PactLimit.REASON)]
    )
    confirm = BooleanField(
        _l("Yes, withdraw this pact: no reminder or escalation is sent for it any more."),
        validators=[DataRequired(_l("Tick the box to confirm the withdrawal."))],
    )


class OutcomeForm(Form):
    """The regent's decision on a pact, or that no source reports how it ended."""

    kind = SelectField(_l("The regent's decision"), validators=[DataRequired()])
    decided_on = DateField(
        _l("Date of the decision"),
        validators=[Optional()],
        description=_l("The regency's local date. Not for 'extended' or 'outcome not recorded'."),
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=PactLimit.REASON)],
        description=_l("Public. Required for 'other decision'."),
    )
    document = FileField(
        _l("The decision's document (PDF, optional)"),
        description=_l(
            "Public, served without its metadata. Leave empty to keep the current document."
        ),
    )
    new_deadline = DateField(
        _l("New deadline"),
        validators=[Optional()],
        description=_l("Only for 'extended'."),
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        validators=[Optional(), Length(max=PactLimit.REASON)],
        description=_l("Only for 'extended'."),
    )

    def offer(self, choices: Sequence[tuple[str, str]]) -> OutcomeForm:
        """Fill the choices of the decision (services.OUTCOME_CHOICES with their labels)."""
        self.kind.choices = [("", "—"), *choices]
        return self


class ClearOutcomeForm(Form):
    """Confirm that a recorded outcome was a mistake (CSRF only)."""


class PactFilterForm(Form):
    """Filter the staff list of pacts."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Agency, signatory, pledge or a finding's title."),
    )
    agency = SelectField(_l("Agency (OPD)"), default="", validate_choice=True)
    status = SelectField(_l("Status"), default="", validate_choice=True)
