"""The declarative base, its naming convention, and the column types every model shares."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Enum,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, registry
from sqlalchemy.types import TypeDecorator

# Named constraints so that migrations are the same on SQLite, PostgreSQL and MariaDB.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as naive UTC and always returned time-zone aware (UTC)."""

    # MariaDB's DATETIME drops fractions of a second unless asked for them.
    impl = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a time-zone aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class JSONText(TypeDecorator[Any]):
    """JSON in a TEXT column: the same on every database (MariaDB reflects JSON as text)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)


def text_enum(enum: type[StrEnum], name: str) -> Enum:
    """Store an enum as short text with a CHECK constraint, identically on every database."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# String lengths are explicit everywhere: MariaDB needs them and they document the data.
Str32 = Annotated[str, mapped_column(String(32))]
Str64 = Annotated[str, mapped_column(String(64))]
Str120 = Annotated[str, mapped_column(String(120))]
Str200 = Annotated[str, mapped_column(String(200))]
Str300 = Annotated[str, mapped_column(String(300))]
Str500 = Annotated[str, mapped_column(String(500))]


class Base(DeclarativeBase):
    """Base class of every model; Flask-SQLAlchemy shares its metadata."""

    # One registry carrying the type map: Flask-SQLAlchemy copies it onto db.Model.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: JSONText()},
    )


# Bodies and attachments that may outgrow MariaDB's 64 KB TEXT/BLOB (a digest, a PDF report).
LONG_TEXT = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
LONG_BLOB = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


def insert_unless_present(
    executor: Session | Connection, table: Table, values: dict[str, Any], *, key: str
) -> None:
    """Insert a row unless one with the same unique ``key`` exists, without an error either way.

    Two transactions racing to create the same row both go on (the second waits for the
    first); the caller then locks the row (``SELECT ... FOR UPDATE``) to change it. On MariaDB
    the duplicate is locked for writing at once: a plain duplicate-key refusal would leave a
    shared lock that two racers could each try to upgrade (a deadlock).
    """
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    dialect = bind.dialect.name
    if dialect == "postgresql":
        executor.execute(postgresql.insert(table).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        executor.execute(sqlite.insert(table).values(values).on_conflict_do_nothing())
    else:
        insert = mysql.insert(table).values(values)
        executor.execute(insert.on_duplicate_key_update({key: insert.inserted[key]}))


def refresh_statistics(session: Session) -> None:
    """Let the database's planner see the rows a bulk load just wrote (ANALYZE).

    Autovacuum would do it on PostgreSQL within minutes; until then the planner takes 6,000
    pacts for a few hundred and sorts every one of them for a page of 50. MariaDB's InnoDB
    recalculates its statistics itself once a tenth of a table changed, and its ANALYZE TABLE
    would commit the transaction it runs in: nothing to do there.
    """
    if session.get_bind().dialect.name in ("postgresql", "sqlite"):
        session.execute(text("ANALYZE"))
