"""Filter forms of the public pages (GET, so without CSRF)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from tracker import labels
from tracker.errors import BadFilter
from tracker.forms import Form
from tracker.pacts.rules import PactStatus
from tracker.pagination import parse_year


class NamedRegency(Protocol):
    """Anything with a regency's slug and name (a public summary will do)."""

    @property
    def slug(self) -> str: ...

    @property
    def name(self) -> str: ...


def _search_field() -> StringField:
    return StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Agency, signatory, pledge or a finding's title."),
    )


def _status_choices() -> list[tuple[str, object]]:
    return [("", _l("All statuses"))] + [
        (status.value, label) for status, label in labels.PACT_STATUS.items()
    ]


class PactFilterForm(Form):
    """Search the pact list; filter it by regency and status."""

    class Meta:
        csrf = False

    q = _search_field()
    regency = SelectField(_l("Regency"), default="", validate_choice=True)
    status = SelectField(_l("Status"), default="", validate_choice=True)

    @classmethod
    def build(cls, args: MultiDict[str, str], regencies: Sequence[NamedRegency]) -> PactFilterForm:
        """Bind the query string and offer the regencies and statuses that exist."""
        form = cls(formdata=args)
        form.regency.choices = [("", _l("All regencies"))] + [(r.slug, r.name) for r in regencies]
        form.status.choices = _status_choices()
        return form


class RegencyFilterForm(Form):
    """Search a regency's pacts; filter them by status and signing year."""

    class Meta:
        csrf = False

    q = _search_field()
    status = SelectField(_l("Status"), default="", validate_choice=True)
    year = SelectField(
        _l("Year signed"),
        default="",
        validate_choice=True,
        invalid_choice_message=_l("Choose a year from the list (four digits)."),
    )

    @classmethod
    def build(cls, args: MultiDict[str, str], years: Sequence[int]) -> RegencyFilterForm:
        """Bind the query string; offer the statuses and the years in which pacts were signed."""
        form = cls(formdata=args)
        form.status.choices = _status_choices()
        offered = {str(y) for y in years}
        try:
            asked = parse_year(args.get("year"))
        except BadFilter:
            asked = None  # not offered, so the form says which years it takes
        if asked is not None:
            # A well-formed year without pacts is an empty list, not an error.
            offered.add(str(asked))
        form.year.choices = [("", _l("All years"))] + [
            (y, y) for y in sorted(offered, reverse=True)
        ]
        return form

    @property
    def status_value(self) -> PactStatus | None:
        """Return the chosen status, or None for all."""
        return PactStatus(self.status.data) if self.status.data else None

    @property
    def year_value(self) -> int | None:
        """Return the chosen signing year, or None for all."""
        return int(self.year.data) if self.year.data else None
