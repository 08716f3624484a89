"""Forms of the account pages: create or change an account, issue an API token."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.agencies.models import Agency
from tracker.auth.models import UserRole
from tracker.forms import Form
from tracker.regencies.models import Regency

LANGUAGE_CHOICES = [
    SelectChoice("id", _l("Indonesian")),
    SelectChoice("en", _l("English")),
]

ROLE_LABELS: dict[UserRole, LazyString] = {
    UserRole.ADMIN: _l("Regent's office (admin)"),
    UserRole.OBSERVER: _l("Observer (reads only)"),
    UserRole.OPD: _l("Agency staff (OPD)"),
    UserRole.SUPERADMIN: _l("Superadmin"),
}


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

    def offer(
        self,
        *,
        roles: Sequence[UserRole],
        regencies: Sequence[Regency],
        agencies: Sequence[Agency],
        any_regency: bool,
    ) -> AccountForm:
        """Fill the choices: roles, regencies and agencies the creator may pick."""
        self.role.choices = [SelectChoice(r.value, str(ROLE_LABELS[r])) for r in roles]
        none = [SelectChoice("", str(_l("— none (superadmin) —")))] if any_regency else []
        self.regency.choices = none + [SelectChoice(r.slug, r.name) for r in regencies]
        # Agencies grouped by their regency, after a "no agency" option outside any group.
        self.agency.choices = [SelectChoice("", str(_l("— no agency —")))] + [
            SelectChoice(str(a.id), a.name, optgroup=a.regency.name) for a in agencies
        ]
        return self


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
