"""A fault in one pact (here a broken template, as after a bad deploy) does not stop the others."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, rows, run_sweep
from tracker.clock import FixedClock
from tracker.notifications.jobs import run_sweep as run_whole_sweep
from tracker.opendata.models import DataSnapshot


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
    # Indonesian copies for the OPD account and, apart, for the head (no account); English.
    assert report.created["reminder-14d"] == 3

    # Once the template is repaired, the next sweep writes what was missed.
    broken_reminder_7d()
    again = run_sweep(app, session, local("2025-02-21T09:00:00+08:00"))
    assert again.errors == []
    assert again.created == {"reminder-7d": 3}
    assert f"reminder-7d:pact:{broken.id}:2025-02-28" in {
        n.key for n in rows(session, regency=office.regency)
    }


def test_a_failing_followers_part_or_snapshot_does_not_cost_the_sweeps_notices(
    app: Flask,
    session: Session,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    # Deadline 7 March: the 14-day reminder falls due on Friday 21 February.
    pact = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2024, 12, 7))
    session.commit()
    # Two operator mistakes: the upload folder is a file, a follower setting is not a number.
    blocked = tmp_path / "uploads"
    blocked.write_text("not a folder")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(blocked))
    monkeypatch.setitem(app.config, "FOLLOW_MAX_PENDING_PER_ADDRESS", "many")
    now = local("2025-02-21T08:00:00+08:00")

    with app.app_context(), caplog.at_level(logging.ERROR, logger="tracker.notifications.jobs"):
        run = run_whole_sweep(session, now)

    assert [e.split(":")[0] for e in run.errors] == ["followers", "open-data snapshot"]
    assert run.result("open-data snapshot") is None and run.result("followers") is None
    assert "Failed, left for the next sweep: followers" in run.summary()
    assert len([r for r in caplog.records if "failed" in r.getMessage()]) == 2
    # The reminders of the same sweep were committed all the same.
    written = {n.key for n in rows(session, regency=office.regency)}
    assert f"reminder-14d:pact:{pact.id}:2025-03-07" in written
    week = date(2025, 2, 17)
    assert session.scalars(select(DataSnapshot).where(DataSnapshot.as_of == week)).all() == []

    # Repaired, the next sweep takes the snapshot it missed.
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "store"))
    monkeypatch.setitem(app.config, "FOLLOW_MAX_PENDING_PER_ADDRESS", 5)
    with app.app_context():
        again = run_whole_sweep(session, local("2025-02-21T08:05:00+08:00"))
    snapshot = again.result("open-data snapshot")
    assert again.errors == [] and isinstance(snapshot, DataSnapshot) and snapshot.as_of == week
