"""Forms of the agency pages: record an agency (OPD) of the admin's regency."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

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
