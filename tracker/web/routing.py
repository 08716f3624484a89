"""URL converters: every <int:...> in a URL is a database id."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# The largest id a 32-bit INTEGER column holds (PostgreSQL and MariaDB refuse more).
MAX_ID = 2_147_483_647


def up_to(limit: int) -> str:
    """Return a regular expression matching exactly the decimal numbers 0..``limit``."""
    digits = str(limit)
    shorter = f"[0-9]{{1,{len(digits) - 1}}}" if len(digits) > 1 else None
    parts = [shorter] if shorter else []
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        low = "1" if i == 0 and len(digits) > 1 else "0"
        if int(digit) > int(low):
            tail = f"[0-9]{{{rest}}}" if rest else ""
            parts.append(f"{digits[:i]}[{low}-{int(digit) - 1}]{tail}")
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """<int:...> that never matches a number no id column can hold.

    The bound is in the pattern itself, not only in the conversion: Werkzeug checks a rule's
    method before converting, so a too-large id on a path that also has a PATCH rule would
    otherwise answer 405 instead of 404.
    """

    regex = up_to(MAX_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
