"""A fault in one pact (here a broken template, as after a bad deploy) does not stop the others."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, rows, run_sweep
from tracker.clock import FixedClock


@pytest.fixture
def broken_reminder_7d(app: Flask) -> Iterator[Callable[[], None]]:
    """Deploy a 7-day reminder body that fails while rendering; yield the repair."""
    original = app.jinja_env.loader

    def repair() -> None:
        app.jinja_env.loader = original
        app.jinja_env.cache.clear()  # type: ignore[union-attr]

    broken = DictLoader({"email/reminder-7d/body.txt": "{{ pact.no_such_field.title }}"})
    app.jinja_env.loader = ChoiceLoader([broken, original])  # type: ignore[list-item]
    app.jinja_env.cache.clear()  # type: ignore[union-attr]
    try:
        yield repair
    finally:
        repair()


def test_a_pact_whose_notice_fails_to_render_is_logged_and_the_others_are_written(
    app: Flask,
    session: Session,
    clock: FixedClock,
    broken_reminder_7d: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    other = make_agency(session, regency=office.regency, now=recorded)
    # Deadlines 28 Feb (7 days away: broken template), 7 Mar (14 days away), 21 Jan (overdue).
    broken = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2024, 11, 30))
    fine = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2024, 12, 7))
    late = make_pact(session, agency=other, now=recorded, signed_on=date(2024, 10, 21))
    now = local("2025-02-21T08:00:00+08:00")

    with caplog.at_level(logging.ERROR, logger="tracker.notifications.sweep"):
        report = run_sweep(app, session, now)

    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"pact {broken.id}: UndefinedError")
    assert any(f"pact {broken.id}" in r.getMessage() for r in caplog.records)
    written = {n.key for n in rows(session, regency=office.regency)}
    assert f"reminder-14d:pact:{fine.id}:2025-03-07" in written
    # Its rungs 1-3 all fell due before the first notice: the current one only.
    assert f"escalation-3:pact:{late.id}:2025-01-21" in written
    # Nothing half-written for the broken pact: its savepoint was rolled back whole.
    assert not [k for k in written if f":pact:{broken.id}:" in k]
    assert report.created["reminder-14d"] == 2  # Indonesian and English copies

    # Once the template is repaired, the next sweep writes what was missed.
    broken_reminder_7d()
    again = run_sweep(app, session, local("2025-02-21T09:00:00+08:00"))
    assert again.errors == []
    assert again.created == {"reminder-7d": 2}
    assert f"reminder-7d:pact:{broken.id}:2025-02-28" in {
        n.key for n in rows(session, regency=office.regency)
    }
