"""The published patterns say exactly what the services check: blank, one line, years."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import Field, TypeAdapter

from tracker.api.fields import FILLED, FILLED_LINE, LINE, _year_at_least
from tracker.text import is_single_line

BMP = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]


def _matcher(pattern: str) -> TypeAdapter[str]:
    """The pattern as the API checks it (pydantic's engine: "$" is the end, as in JSON Schema)."""
    return TypeAdapter(Annotated[str, Field(pattern=pattern)])


def _matches(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValueError:
        return False
    return True


def test_one_line_is_what_the_services_call_one_line() -> None:
    line = _matcher(LINE)
    assert [ch for ch in BMP if _matches(line, ch) != is_single_line(ch)] == []


@pytest.mark.parametrize("pattern", [FILLED, FILLED_LINE])
def test_filled_is_what_survives_strip(pattern: str) -> None:
    filled = _matcher(pattern)
    for ch in BMP:
        if ch == "\x00" or (pattern == FILLED_LINE and not is_single_line(ch)):
            continue
        assert _matches(filled, f" {ch} ") == bool(ch.strip()), repr(ch)


@pytest.mark.parametrize("first", [2000, 2013, 1999, 2099, 1000])
def test_a_year_pattern_holds_exactly_the_years_from_the_first(first: int) -> None:
    years = re.compile(_year_at_least(first))
    assert [y for y in range(1000, 10000) if years.fullmatch(str(y))] == list(range(first, 10000))
