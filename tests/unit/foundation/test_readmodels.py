"""from_row: a read model built from a row whose columns carry its field names."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from tracker.readmodels import from_row


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    closed_on: str | None


def test_fields_come_from_the_row_and_extra_columns_are_ignored() -> None:
    row = SimpleNamespace(id=7, title="Antrean", closed_on=None, timezone="Asia/Makassar")
    assert from_row(Item, row) == Item(7, "Antrean", None)


def test_computed_fields_are_given_by_keyword_and_win_over_the_row() -> None:
    row = SimpleNamespace(id=7, title="Antrean", closed_on="2024-01-01")
    assert from_row(Item, row, closed_on="1 Januari 2024") == Item(7, "Antrean", "1 Januari 2024")


def test_a_field_the_row_lacks_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(AttributeError):
        from_row(Item, SimpleNamespace(id=7, title="Antrean"))
