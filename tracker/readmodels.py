"""Build read models (frozen dataclasses) from query rows whose columns carry the field names.

A query selects the columns a read model shows under its field names: a column of the main
table as it is (``Finding.title``), a column of a joined table prefixed with that table's name
(``prefixed("agency", Agency.id, Agency.name)`` gives ``agency_id`` and ``agency_name``), any
other name by ``.label``. ``from_row`` copies them and takes the fields the row does not hold
as they are (local dates, counts, nested rows) by keyword. The field list of the dataclass is
then the one place that names what the model holds.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Label
from sqlalchemy.orm import QueryableAttribute

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


@cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)


def from_row(cls: type[T], row: object, /, **computed: Any) -> T:
    """Build ``cls`` from a row: each field is the row's attribute of that name, unless computed.

    ``row`` is a query row or any object (an ORM instance, another read model). Columns the
    model has no field for are ignored; a field neither the row nor ``computed`` gives raises
    AttributeError.
    """
    values = {name: getattr(row, name) for name in _field_names(cls) if name not in computed}
    return cls(**values, **computed)


def prefixed(prefix: str, *columns: QueryableAttribute[Any]) -> list[Label[Any]]:
    """Label columns of a joined table ``<prefix>_<column>`` (``agency_name``), as fields are."""
    return [column.label(f"{prefix}_{column.key}") for column in columns]
