"""Forms of the regency pages: add a regency (a tenant) with its time zone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import Form

OTHER_ZONE = "other"
# Indonesia's three zones as IANA names (Pontianak is WIB like Jakarta); any other IANA name may
# be typed, the service checks it.
INDONESIAN_ZONES = [
    SelectChoice("Asia/Jakarta", _l("Asia/Jakarta (WIB, UTC+7)")),
    SelectChoice("Asia/Pontianak", _l("Asia/Pontianak (WIB, UTC+7)")),
    SelectChoice("Asia/Makassar", _l("Asia/Makassar (WITA, UTC+8)")),
    SelectChoice("Asia/Jayapura", _l("Asia/Jayapura (WIT, UTC+9)")),
    SelectChoice(OTHER_ZONE, _l("Another zone (type it below)")),
]


class RegencyForm(Form):
    """A regency or city: names, province and time zone."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("E.g. Kabupaten Sumbawa Barat or Kota Bima."),
    )
    slug = StringField(
        _l("Short name for addresses (slug)"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lowercase letters, digits and hyphens, e.g. sumbawa-barat."),
    )
    province = StringField(_l("Province"), validators=[DataRequired(), Length(max=120)])
    timezone = SelectField(_l("Time zone"), choices=INDONESIAN_ZONES, default="Asia/Jakarta")
    other_timezone = StringField(
        _l("Other time zone"),
        validators=[Optional(), Length(max=64)],
        description=_l("An IANA name such as Asia/Makassar; only when “Another zone” is chosen."),
    )

    def chosen_timezone(self) -> str:
        """Return the zone the user picked or typed."""
        if self.timezone.data == OTHER_ZONE:
            return str(self.other_timezone.data or "")
        return str(self.timezone.data or "")

    def timezone_field_name(self) -> str:
        """Name the field where a time-zone error belongs."""
        return "other_timezone" if self.timezone.data == OTHER_ZONE else "timezone"
