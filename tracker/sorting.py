"""Sorting and searching of lists: ``sort``/``dir`` against a whitelist, ``q`` as typed.

Pages and the API read the same parameters; a bad value is a BadFilter (400 with a reason on
pages, problem+json in the API). Every order ends with the row's id, so equal keys keep one
stable order from page to page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ColumnElement, Select, String, and_, func, literal, or_
from sqlalchemy.ext.compiler import compiles

from tracker.errors import BadFilter

T = TypeVar("T")

ASC, DESC = "asc", "desc"
# A search longer than this is no search anybody typed.
MAX_QUERY = 100


@dataclass(frozen=True)
class Sort:
    """A list's order: a whitelisted key and a direction."""

    key: str
    descending: bool
    # Whether the visitor asked for it (False: the list's default order).
    chosen: bool = True
    # Set on a page with two sortable tables: the second reads ``<prefix>sort``/``<prefix>dir``.
    prefix: str = ""

    @property
    def dir(self) -> str:
        """Return the direction as the ``dir`` parameter writes it."""
        return DESC if self.descending else ASC

    @property
    def key_param(self) -> str:
        """Return the name of the query parameter holding the key (``sort``)."""
        return f"{self.prefix}sort"

    @property
    def dir_param(self) -> str:
        """Return the name of the query parameter holding the direction (``dir``)."""
        return f"{self.prefix}dir"

    def args(self) -> dict[str, str]:
        """Return the query parameters that ask for this order (none for the default)."""
        if not self.chosen:
            return {}
        return {self.key_param: self.key, self.dir_param: self.dir}


def parse_sort(
    args: Mapping[str, str],
    *,
    allowed: Sequence[str],
    default: str,
    descending: bool = False,
    prefix: str = "",
) -> Sort:
    """Read ``sort`` and ``dir``; raise BadFilter naming the parameter when either is unknown.

    ``prefix`` names the parameters of a page's second sortable table (``esort``, ``edir``).
    """
    key_param, dir_param = f"{prefix}sort", f"{prefix}dir"
    key = args.get(key_param) or ""
    direction = args.get(dir_param) or ""
    if key and key not in allowed:
        raise BadFilter(
            _l(
                "The list cannot be sorted by %(key)s; sort it by one of: %(keys)s.",
                key=key[:40],
                keys=", ".join(allowed),
            ),
            fields={key_param: _l("one of: %(keys)s", keys=", ".join(allowed))},
        )
    if direction and direction not in (ASC, DESC):
        raise BadFilter(
            _l("The sort direction must be asc or desc."),
            fields={dir_param: _l("asc or desc")},
        )
    if not key:
        chosen = bool(direction)
        return Sort(default, direction == DESC if direction else descending, chosen, prefix)
    return Sort(key, direction == DESC, True, prefix)


def parse_query(value: str | None) -> str | None:
    """Read a ``q`` search: trimmed, None when blank; raise BadFilter when too long."""
    text = " ".join((value or "").split())
    if len(text) > MAX_QUERY:
        raise BadFilter(
            _l("The search must be at most %(n)s characters.", n=MAX_QUERY),
            fields={"q": _l("at most %(n)s characters", n=MAX_QUERY)},
        )
    return text or None


def _escaped(text: str) -> str:
    # "!" escapes: a backslash means different things in MariaDB's and PostgreSQL's literals.
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


class _Contains(ColumnElement[bool]):
    """lower(column) LIKE '%word%': the same answer on SQLite, PostgreSQL and MariaDB."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: Any, pattern: str) -> None:
        self.column = func.lower(column)
        self.pattern = literal(pattern, String())


@compiles(_Contains)
def _contains(element: _Contains, compiler: Any, **kw: Any) -> str:
    column, pattern = (
        compiler.process(element.column, **kw),
        compiler.process(element.pattern, **kw),
    )
    return f"{column} LIKE {pattern} ESCAPE '!'"


@compiles(_Contains, "mysql")
@compiles(_Contains, "mariadb")
def _contains_binary(element: _Contains, compiler: Any, **kw: Any) -> str:
    # MariaDB's unicode_ci collation would also equate "a" and "á": compare the folded bytes.
    column, pattern = (
        compiler.process(element.column, **kw),
        compiler.process(element.pattern, **kw),
    )
    return f"{column} LIKE {pattern} COLLATE utf8mb4_bin ESCAPE '!'"


def like(column: Any, word: str) -> ColumnElement[bool]:
    """Match rows whose ``column`` contains ``word``, whatever the case (``%`` and ``_`` literal).

    SQLite's lower() is Python's (tracker.app registers it; its own folds ASCII only),
    PostgreSQL's folds every letter and MariaDB compares the folded text byte for byte, so a
    search finds the same rows on all three; accents are kept ("aminah" is not "áminah").
    """
    return _Contains(column, f"%{_escaped(word.lower())}%")


def matches(
    text: str,
    *columns: Any,
    also: Callable[[str], ColumnElement[bool]] | None = None,
) -> ColumnElement[bool]:
    """Match rows where every word of ``text`` is in one of ``columns`` (or ``also(word)``)."""
    clauses = []
    for word in text.split():
        either = [like(c, word) for c in columns]
        if also is not None:
            either.append(also(word))
        clauses.append(or_(*either))
    return and_(*clauses)


def ordered(
    stmt: Select[Any],
    sort: Sort,
    columns: Mapping[str, Any | Sequence[Any]],
    *,
    tie: Any,
    then: Mapping[str, Sequence[Any]] | None = None,
) -> Select[Any]:
    """Order ``stmt`` by the column(s) ``columns[sort.key]`` names, then by ``tie`` (the row's id).

    Unknown (NULL) values come last in both directions, on every database (SQLite and MariaDB
    put NULL first, PostgreSQL last). A text column is best given as ``func.lower(column)``:
    the three databases' collations do not agree on case. ``then[sort.key]`` are clauses
    ordering rows of equal keys, whatever the direction, before the tie.
    """
    chosen = columns[sort.key]
    keys: list[Any] = list(chosen) if isinstance(chosen, list | tuple) else [chosen]
    clauses: list[Any] = []
    for column in keys:
        clauses += [column.is_(None), column.desc() if sort.descending else column.asc()]
    clauses += list((then or {}).get(sort.key, ()))
    clauses.append(tie.desc() if sort.descending else tie.asc())
    return stmt.order_by(None).order_by(*clauses)


def sort_rows(
    rows: Sequence[T],
    sort: Sort,
    keys: Mapping[str, Callable[[T], Any]],
    *,
    tie: Callable[[T], Any],
) -> list[T]:
    """Sort read rows in Python by a derived key (unknown values last), then by ``tie``.

    Used where the key is derived from the regency's local date (deadline, days left, status)
    and so cannot be an ORDER BY.
    """
    key = keys[sort.key]
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    known.sort(key=tie)
    known.sort(key=key, reverse=sort.descending)
    unknown.sort(key=tie)
    return known + unknown
