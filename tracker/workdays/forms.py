"""The form of a closed day in the holiday calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.forms import Form
from tracker.workdays.models import HolidayKind

KIND_LABELS = {
    HolidayKind.HOLIDAY: _l("National holiday"),
    HolidayKind.CUTI_BERSAMA: _l("Cuti bersama (collective leave)"),
}


class HolidayForm(Form):
    """A day offices are closed, with its name and the decree it comes from."""

    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=HolidayKind.HOLIDAY.value,
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("E.g. Hari Raya Idul Fitri 1448 H."),
    )
    source = StringField(
        _l("Source"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The decree that sets the day, e.g. SKB 3 Menteri 2027."),
    )
