"""Forms of the account pages: create or change an account, issue an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker import labels
from tracker.accounts.queries import AccountChoices
from tracker.forms import Form
from tracker.pagination import parse_digits
from tracker.web.routing import MAX_ID

LANGUAGE_CHOICES = [
    SelectChoice("id", _l("Indonesian")),
    SelectChoice("en", _l("English")),
]


class AccountForm(Form):
    """A new staff account; who may create which account is the service's decision.

    The selects offer only what the creator may choose, but accept any value: a forged value
    reaches the service, which refuses it.
    """

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validate_choice=False)
    regency = SelectField(_l("Regency"), validate_choice=False)
    agency = SelectField(
        _l("Agency (OPD)"),
        validate_choice=False,
        description=_l(
            "Required for agency staff. For the regent's office: the agency the person works in,"
            " whose findings they will not verify."
        ),
    )
    locale = SelectField(
        _l("Language of the notices"),
        choices=LANGUAGE_CHOICES,
        default="id",
        validate_choice=False,
        description=_l("Reminders and escalations are written to this account in this language."),
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters. Give it to the person privately."),
    )

    def offer(self, choices: AccountChoices) -> AccountForm:
        """Fill the choices: roles, regencies and agencies the creator may pick."""
        self.role.choices = [
            SelectChoice(r.value, str(labels.ROLE[r].account)) for r in choices.roles
        ]
        none = [SelectChoice("", str(_l("— none (superadmin) —")))] if choices.any_regency else []
        self.regency.choices = none + [SelectChoice(r.slug, r.name) for r in choices.regencies]
        # Agencies grouped by their regency, after a "no agency" option outside any group.
        self.agency.choices = [SelectChoice("", str(_l("— no agency —")))] + [
            SelectChoice(str(a.id), a.name, optgroup=a.regency.name) for a in choices.agencies
        ]
        return self

    def chosen_agency_id(self) -> int | None:
        """Return the id of the agency picked: None for no agency, -1 for a value that is no id.

        A value that is no id ("²", "x", beyond 32 bits) matches no agency: the service refuses it.
        """
        if not self.agency.data:
            return None
        agency_id = parse_digits(self.agency.data)
        return agency_id if agency_id is not None and agency_id <= MAX_ID else -1


class AccountEditForm(Form):
    """Change an account's name and the language of its notices."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(
        _l("Language of the notices"),
        choices=LANGUAGE_CHOICES,
        validate_choice=False,
        description=_l("Reminders and escalations are written to this account in this language."),
    )


class LanguageForm(Form):
    """The language of one's own notices."""

    locale = SelectField(
        _l("Language of my notices"),
        choices=LANGUAGE_CHOICES,
        validate_choice=False,
        description=_l(
            "Reminders, escalations and digests are written to you in this language. "
            "The language of the pages is chosen in the header."
        ),
    )


class TokenForm(Form):
    """A label for a new API token."""

    label = StringField(
        _l("Label"),
        validators=[Optional(), Length(max=120)],
        description=_l("What the token is for, e.g. the office's spreadsheet."),
    )
