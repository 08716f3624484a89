"""What every spreadsheet import shares: outcomes, the size check, refusals, fingerprints.

An import reads a file against the records and tells, row by row, what committing it would
do (``Outcome``); it writes nothing. Its commit reads the same file again and saves through
the capability's own services, all or nothing: a file with any error saves no row
(``ImportHasErrors``), and a preview the records moved past saves nothing either
(``ImportMoved``, decided by comparing the ``fingerprint`` of the outcomes shown).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar, cast

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.errors import Conflict, Invalid, Message, TooLarge
from tracker.spreadsheets import sheets


class Outcome(StrEnum):
    """What committing a row would do (or did)."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    ERROR = "error"


WRITES = (Outcome.NEW, Outcome.CHANGED)


@dataclass(frozen=True)
class FieldChange:
    """One value a row changes: the column, what is recorded and what the file says."""

    name: str
    old: Any
    new: Any


def show(value: Any) -> Any:
    """Return a value as plain JSON: decimals and dates as text, enums as their value."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


class PreviewRow(Protocol):
    """What a preview's row tells: its line, outcome, changes and errors."""

    line: int
    outcome: Outcome
    changes: list[FieldChange]
    errors: dict[str, Message]


def count(rows: Iterable[PreviewRow], outcome: Outcome) -> int:
    """Return how many rows have ``outcome``."""
    return sum(1 for row in rows if row.outcome is outcome)


def counts(rows: Sequence[PreviewRow]) -> dict[str, int]:
    """Rows by outcome, every outcome named."""
    return {outcome.value: count(rows, outcome) for outcome in Outcome}


def fingerprint(rows: Iterable[PreviewRow]) -> str:
    """A digest of what committing would do: it differs once the records have moved on."""
    plain = [
        [row.line, row.outcome.value, [[c.name, show(c.old), show(c.new)] for c in row.changes]]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(plain).encode()).hexdigest()


def normal(text: str) -> str:
    """Return a name as it is matched: spaces collapsed, case ignored."""
    return re.sub(r"\s+", " ", text).strip().casefold()


# An agency (anything with a slug and a name): this layer knows no table.
N = TypeVar("N")


class AgencyIndex(Generic[N]):
    """A regency's agencies by slug and by name, case and spaces ignored."""

    def __init__(self, agencies: Iterable[N]) -> None:
        self.by_slug: dict[str, N] = {}
        self.by_name: dict[str, list[N]] = {}
        for agency in agencies:
            named: Any = agency
            self.by_slug[normal(named.slug)] = agency
            self.by_name.setdefault(normal(named.name), []).append(agency)

    def find(self, given: str) -> N | Message:
        """Return the agency a cell names, or why none is."""
        key = normal(given)
        agency = self.by_slug.get(key)
        if agency is not None:
            return agency
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        if named:
            return _l(
                "several agencies are named “%(name)s”: give the short name (%(slugs)s)",
                name=given,
                slugs=", ".join(str(cast(Any, a).slug) for a in named),
            )
        return _l("no agency “%(name)s” in this regency (by short name or name)", name=given)


def check_size(data: bytes, max_bytes: int) -> None:
    """Raise TooLarge (naming the file) for a file over ``max_bytes``."""
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise TooLarge(
            _l("The file is larger than %(mb)s MB.", mb=mb),
            fields={"file": _l("larger than %(mb)s MB", mb=mb)},
        )


def read_sheet(data: bytes, fmt: sheets.SheetFormat, *, max_bytes: int) -> sheets.RawSheet:
    """Read an uploaded file; raise TooLarge or Invalid (naming the file) when it cannot be used."""
    check_size(data, max_bytes)
    try:
        sheet = fmt.read(data)
    except sheets.NotASpreadsheet as exc:
        raise Invalid(exc.reason, fields={"file": exc.reason}) from None
    if sheet.problems:
        detail: LazyString = sheet.problems[0]
        raise Invalid(
            _l(
                "The file cannot be imported: %(problems)s",
                problems="; ".join(map(str, sheet.problems)),
            ),
            fields={"file": detail},
        )
    if not sheet.rows:
        raise Invalid(_l("The file holds no rows."), fields={"file": _l("no rows")})
    return sheet


class ImportHasErrors(Invalid):
    """A file with refused rows: nothing is saved. ``preview`` says which and why."""

    def __init__(self, preview: Any) -> None:
        fields: dict[str, Message] = {}
        for row in preview.rows:
            for column, reason in row.errors.items():
                fields[f"row {row.line}: {column}"] = reason
        super().__init__(
            _l(
                "Nothing was saved: %(n)s rows of the file have errors. Correct them and upload "
                "the file again.",
                n=count(preview.rows, Outcome.ERROR),
            ),
            fields=fields,
        )
        self.preview = preview


class ImportMoved(Conflict):
    """The records changed between the preview and the commit: nothing is saved."""

    def __init__(self, preview: Any, detail: Message) -> None:
        super().__init__(detail)
        self.preview = preview
