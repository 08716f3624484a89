"""Page numbers and page slices shared by pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l

from tracker.errors import BadFilter

T = TypeVar("T")


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


def parse_positive(value: str | None, *, name: str, default: int, maximum: int) -> int:
    """Read a page or page-size parameter; raise BadFilter naming it when it is not 1..maximum."""
    if value is None or value == "":
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        reason = _l("must be a whole number from 1 to %(maximum)s", maximum=maximum)
        raise BadFilter(
            _l("%(name)s must be a whole number from 1 to %(maximum)s", name=name, maximum=maximum),
            fields={name: reason},
        )
    return int(value)


def paginate(items: Sequence[T], *, page: int, per_page: int) -> Page[T]:
    """Slice an ordered sequence into one page."""
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), page, per_page, len(items))
