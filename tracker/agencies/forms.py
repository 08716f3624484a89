"""Forms of the agency pages: record or change an agency (OPD) of the admin's regency."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import Form


class AgencyForm(Form):
    """An agency as the regent's office records it; the service checks slug and kind."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for addresses (slug)"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lowercase letters, digits and hyphens, e.g. dinas-sosial."),
    )
    kind = StringField(
        _l("Kind"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("Pick a suggestion or type another kind."),
    )
    head_name = StringField(
        _l("Name of the agency head"),
        validators=[Optional(), Length(max=200)],
        description=_l("The Kepala OPD, copied on reminders, escalations and fulfilment notices."),
    )
    head_email = EmailField(
        _l("Email of the agency head"),
        validators=[Optional(), Length(max=254)],
        description=_l("Never shown on public pages."),
    )


class AgencyEditForm(AgencyForm):
    """Change an agency; its slug stays, because addresses and the API name it."""

    slug = None
