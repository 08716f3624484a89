"""Strategies and settings of the property tests (hypothesis).

Dates run from 2013 (the Ombudsman's first surveys) to 2040, instants are aware and fall in
every Indonesian time zone. Every property test runs a bounded number of examples, chosen from
a seed derived from the test itself (``derandomize``), so CI and a developer's run try the same
examples, and nothing is written to a ``.hypothesis`` folder.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FIRST_DAY = date(2013, 1, 1)
LAST_DAY = date(2040, 12, 31)
# WIB (Jakarta, and Pontianak in West and Central Kalimantan), WITA, WIT.
ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


def bounded(max_examples: int, *, database: bool = False) -> settings:
    """Settings of a property test: ``max_examples``, no per-example deadline, reproducible.

    ``database``: the examples share a function-scoped database fixture (each one undoes its
    own writes inside a SAVEPOINT), which hypothesis otherwise warns about.
    """
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture] if database else [],
    )


days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
zones = st.sampled_from(ZONES)
# The clock times where a day turns and office hours start, and any other.
clock_times = st.sampled_from([time(0, 0), time(23, 59, 59), time(8, 0), time(7, 59, 59)]) | (
    st.times()
)
periods = st.integers(min_value=1, max_value=60)


def local_instant(day: date, at: time, zone: str) -> datetime:
    """Return the UTC instant of ``day`` at ``at`` in ``zone`` (Indonesia has no DST)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@st.composite
def instants(draw: st.DrawFn, *, near: date | None = None, spread: int = 60) -> datetime:
    """An aware UTC instant: any moment of 2013-2040, or within ``spread`` days of ``near``."""
    if near is None:
        day = draw(days)
    else:
        day = near + timedelta(days=draw(st.integers(min_value=-spread, max_value=spread)))
    return local_instant(day, draw(clock_times), draw(zones))


@st.composite
def closed_days(draw: st.DrawFn, *, around: date, span: int = 90) -> frozenset[date]:
    """A holiday calendar's closed days near ``around``: a few single days and one long
    closure (an Idul Fitri week with its cuti bersama)."""
    singles = draw(
        st.lists(st.integers(min_value=-span, max_value=span), max_size=12).map(
            lambda offsets: {around + timedelta(days=o) for o in offsets}
        )
    )
    start = around + timedelta(days=draw(st.integers(min_value=-span, max_value=span)))
    week = {start + timedelta(days=i) for i in range(draw(st.integers(min_value=0, max_value=9)))}
    return frozenset(singles | week)
