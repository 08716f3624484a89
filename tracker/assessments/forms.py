"""Forms of the assessment pages: a year's results, a scheme's bands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker import labels
from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.rules import DIMENSIONS, Zone
from tracker.forms import Form, IntegerField, _BabelTranslations

BAND_ROWS = 6


class _RowMeta:
    def get_translations(self, form: Any) -> _BabelTranslations:
        return _BabelTranslations()


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(z.value, str(labels.ZONE[z])) for z in Zone]


def _result_choices(blank: str | None) -> list[tuple[str, str]]:
    choices = [(r.value, str(t)) for r, t in labels.ASSESSMENT_RESULT.items()]
    return ([("", blank)] if blank else []) + choices


def _text(value: object) -> str:
    return "" if value is None else str(value)


class UnitRowForm(wtforms.Form):  # type: ignore[misc]
    """One agency's (unit's) result on the year page; a blank row means not sampled."""

    Meta = _RowMeta

    agency_id = HiddenField()
    result = SelectField(_l("Result"), default="", validate_choice=False)
    score = StringField(_l("Score"), validators=[Optional(), Length(max=20)])
    zone = SelectField(_l("Zone"), default="", validate_choice=False)
    input_score = StringField(_l("Input"), validators=[Optional(), Length(max=20)])
    process_score = StringField(_l("Process"), validators=[Optional(), Length(max=20)])
    output_score = StringField(_l("Output"), validators=[Optional(), Length(max=20)])
    complaints_score = StringField(_l("Complaints"), validators=[Optional(), Length(max=20)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)])

    def is_empty(self) -> bool:
        """Tell whether nothing was entered (the unit was not sampled)."""
        values = [self.result.data, self.score.data, self.zone.data]
        values += [getattr(self, name).data for name in DIMENSIONS]
        return not any((v or "").strip() for v in values)


class YearForm(Form):
    """A regency's result for a year, and each of its agencies' results."""

    result = SelectField(_l("Result of the regency"), default="scored", validate_choice=False)
    score = StringField(
        _l("Score"),
        validators=[Optional(), Length(max=20)],
        description=_l("0 to 100 with at most two decimals, e.g. 78.34 or 78,34."),
    )
    zone = SelectField(
        _l("Zone"),
        default="",
        validate_choice=False,
        description=_l("Only when the source gives a zone and no score."),
    )
    rank = StringField(_l("Rank"), validators=[Optional(), Length(max=6)])
    rank_of = StringField(_l("of (number ranked)"), validators=[Optional(), Length(max=6)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=500)],
        description=_l("Where the result is published: a report, an article, a letter."),
    )
    units = FieldList(FormField(UnitRowForm), min_entries=0)

    def offer(
        self,
        agencies: Sequence[Agency],
        current: Assessment | None,
        unit_rows: dict[int, UnitResult],
        *,
        fill: bool,
    ) -> YearForm:
        """Add a row per agency and the choices; ``fill``: show the recorded values (a GET)."""
        self.result.choices = _result_choices(None)
        self.zone.choices = _zone_choices()
        if fill and current is not None:
            self.result.data = current.result.value
            self.score.data = _text(current.score)
            self.zone.data = current.zone.value if current.zone else ""
            self.rank.data, self.rank_of.data = _text(current.rank), _text(current.rank_of)
            self.note.data, self.source.data = current.note or "", current.source or ""
        if fill:
            while len(self.units):
                self.units.pop_entry()
            for agency in agencies:
                row = unit_rows.get(agency.id)
                data: dict[str, str] = {"agency_id": str(agency.id)}
                if row is not None:
                    data |= {
                        "result": row.result.value,
                        "score": _text(row.score),
                        "zone": row.zone.value if row.zone else "",
                        "source": row.source or "",
                    }
                    data |= {name: _text(getattr(row, name)) for name in DIMENSIONS}
                self.units.append_entry(data)
        for entry in self.units:
            entry.form.result.choices = _result_choices(str(_l("Not sampled")))
            entry.form.zone.choices = _zone_choices()
        return self


class BandRowForm(wtforms.Form):  # type: ignore[misc]
    """One band of a scheme; a blank row is ignored."""

    Meta = _RowMeta

    min_score = StringField(_l("From"), validators=[Optional(), Length(max=20)])
    max_score = StringField(_l("To"), validators=[Optional(), Length(max=20)])
    zone = SelectField(_l("Zone"), default="", validate_choice=False)
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=2)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=120)])

    def is_empty(self) -> bool:
        """Tell whether the row was left blank."""
        values = (self.min_score, self.max_score, self.zone, self.grade, self.label)
        return not any((f.data or "").strip() for f in values)


class SchemeForm(Form):
    """A scheme: its name, years, provisional flag and bands."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    first_year = IntegerField(
        _l("First year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    last_year = IntegerField(
        _l("Last year"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
        description=_l("Leave empty while the scheme is still in force."),
    )
    is_provisional = BooleanField(
        _l("Provisional"),
        description=_l("The official thresholds are not confirmed: zones are marked provisional."),
    )
    bands = FieldList(FormField(BandRowForm), min_entries=BAND_ROWS)

    def offer(self) -> SchemeForm:
        """Fill the zone choices of every band row."""
        for entry in self.bands:
            entry.form.zone.choices = _zone_choices()
        return self
