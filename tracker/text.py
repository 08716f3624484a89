"""Text that must stay on one line: names that calendars, CSV, mail headers and PDFs print.

A name typed or imported with a line break or another control character breaks the line-based
formats that print it (an iCalendar content line, a mail header) and can forge a second line.
Services refuse such a value in a single-line field with ``SINGLE_LINE``.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

# Control characters (C0, DEL, C1: CR, LF, TAB, NUL...) and the Unicode line and paragraph
# separators. Format characters (a zero-width joiner) belong to some scripts' spelling.
_BREAKING = frozenset({"Cc", "Zl", "Zp"})

SINGLE_LINE = _l("one line, without tabs or other control characters")


def is_single_line(value: str | None) -> bool:
    """Whether ``value`` holds no line break or other control character."""
    return not any(unicodedata.category(ch) in _BREAKING for ch in value or "")
