"""Forms of a regency's notification settings: a rung contact, the webhook address."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import Form

RUNG_LABELS: dict[int, LazyString] = {
    1: _l("Rung 1 — 1 day overdue (Inspektorat and others)"),
    2: _l("Rung 2 — 14 days overdue (Sekda)"),
    3: _l("Rung 3 — 30 days overdue (Bupati)"),
}

LANGUAGE_CHOICES = [
    SelectChoice("id", _l("Indonesian")),
    SelectChoice("en", _l("English")),
]


class ContactForm(Form):
    """A person on a rung of the escalation ladder; the service checks every value."""

    rung = SelectField(
        _l("Rung"),
        choices=[SelectChoice(str(n), label) for n, label in RUNG_LABELS.items()],
        default="1",
        # A forged rung reaches the service, which names the problem beside the field.
        validate_choice=False,
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(
        _l("Position"),
        validators=[Optional(), Length(max=200)],
        description=_l("E.g. Inspektur, Sekretaris Daerah, Bupati."),
    )
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    locale = SelectField(
        _l("Language of the notices"),
        choices=LANGUAGE_CHOICES,
        default="id",
        validate_choice=False,
    )


class WebhookForm(Form):
    """The address of the regency's relay (a WhatsApp or SMS gateway); blank removes it."""

    url = StringField(
        _l("Webhook address"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Every notice is also POSTed there as JSON, signed with HMAC-SHA256. "
            "Leave it empty to send by email only."
        ),
    )
