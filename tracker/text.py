"""Text that must stay on one line: names that calendars, CSV, mail headers and PDFs print.

A name typed or imported with a line break or another control character breaks the line-based
formats that print it (an iCalendar content line, a mail header) and can forge a second line.
Services refuse such a value in a single-line field with ``SINGLE_LINE``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from tracker.errors import Message

# Control characters (C0, DEL, C1: CR, LF, TAB, NUL...) and the Unicode line and paragraph
# separators. Format characters (a zero-width joiner) belong to some scripts' spelling.
_BREAKING = frozenset({"Cc", "Zl", "Zp"})

SINGLE_LINE = _l("one line, without tabs or other control characters")
# A list typed one name a line (a commitment's parties and signatories).
ONE_PER_LINE = _l("one name a line, without tabs or other control characters")


def is_single_line(value: str | None) -> bool:
    """Whether ``value`` holds no line break or other control character."""
    return not any(unicodedata.category(ch) in _BREAKING for ch in value or "")


def check_single_line(errors: dict[str, Message], values: Mapping[str, str | None]) -> None:
    """Put ``SINGLE_LINE`` in ``errors`` for each field of ``values`` that breaks its line.

    A field that already has an error (required, too long) keeps that one: one reason a field.
    """
    for field, value in values.items():
        if field not in errors and not is_single_line(value):
            errors[field] = SINGLE_LINE


def check_one_per_line(errors: dict[str, Message], values: Mapping[str, str | None]) -> None:
    """Put ``ONE_PER_LINE`` in ``errors`` for each list of ``values`` (one name a line, line
    feeds between them) whose lines hold another control character (a tab, a lone CR, NUL)."""
    for field, value in values.items():
        lines = (value or "").split("\n")
        if field not in errors and not all(is_single_line(line) for line in lines):
            errors[field] = ONE_PER_LINE
