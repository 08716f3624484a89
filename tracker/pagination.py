"""Page numbers and page slices shared by pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l

from tracker.errors import BadFilter

T = TypeVar("T")

# The signing or assessment years a filter accepts: every pact and score lies well inside.
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Longer runs of digits are no page, id or year (and int() refuses past 4,300 digits).
MAX_DIGITS = 18


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an ordered list."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one, even when empty)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        """Tell whether a later page exists."""
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        """Tell whether an earlier page exists."""
        return self.page > 1


def parse_digits(value: str) -> int | None:
    """Return the number a string of ASCII digits writes, or None for anything else.

    ``str.isdigit`` alone accepts "²" or "٣", which ``int`` then refuses (or reads as a number
    nobody typed on purpose); a query string parameter is ASCII digits or it is not a number.
    """
    if 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None


def parse_positive(value: str | None, *, name: str, default: int, maximum: int) -> int:
    """Read a page or page-size parameter; raise BadFilter naming it when it is not 1..maximum."""
    if value is None or value == "":
        return default
    number = parse_digits(value)
    if number is None or not 1 <= number <= maximum:
        reason = _l("must be a whole number from 1 to %(maximum)s", maximum=maximum)
        raise BadFilter(
            _l("%(name)s must be a whole number from 1 to %(maximum)s", name=name, maximum=maximum),
            fields={name: reason},
        )
    return number


def parse_year(value: str | None) -> int | None:
    """Read a ``year`` filter (None when absent); raise BadFilter unless FIRST_YEAR..LAST_YEAR."""
    if value is None or value == "":
        return None
    year = parse_digits(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        reason = _l("must be a year from %(first)s to %(last)s", first=FIRST_YEAR, last=LAST_YEAR)
        raise BadFilter(
            _l(
                "The year must be a year from %(first)s to %(last)s.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
            fields={"year": reason},
        )
    return year


def paginate(items: Sequence[T], *, page: int, per_page: int) -> Page[T]:
    """Slice an ordered sequence into one page."""
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), page, per_page, len(items))
