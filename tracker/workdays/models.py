"""The holiday calendar: the days offices are closed besides Saturdays and Sundays."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, Str200, text_enum


class HolidayKind(StrEnum):
    """Why offices are closed on a day."""

    # Hari libur nasional (the SKB 3 Menteri of the year, or a decree for an election day).
    HOLIDAY = "holiday"
    # Cuti bersama: collective leave set by the same SKB.
    CUTI_BERSAMA = "cuti_bersama"


class Holiday(Base):
    """One closed day of the national calendar, with the decree that says so."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[HolidayKind] = mapped_column(text_enum(HolidayKind, "kind"))
    name: Mapped[Str200]
    # Where the date comes from ("SKB 3 Menteri 2024", "Keppres ..."): shown beside it.
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # None for the rows the migration seeded.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
