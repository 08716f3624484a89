"""Through the real sweep: notices due in Idul Fitri week or on a weekend wait for 08:00 on the
next working day, once each; the holiday calendar read is the seeded one (revision 0007)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, rows, walk
from tracker.clock import FixedClock


def test_hourly_sweeps_through_lebaran_2024_send_each_notice_at_08_on_a_working_day(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-04-05T09:00:00+08:00")
    office = make_office(session, now=start)
    # Deadline 10 May 2024 (cuti bersama): its 30-day reminder falls on 10 April (Idul Fitri),
    # its first escalation rung on Saturday 11 May.
    pact = make_pact(session, agency=office.agency, now=start, signed_on=date(2024, 2, 10))
    assert pact.deadline_on == date(2024, 5, 10)
    for _ in walk(
        app,
        session,
        clock,
        start=start,
        end=local("2024-04-17T09:00:00+08:00"),
        step=timedelta(hours=1),
    ):
        pass
    found = [
        (n.kind, n.created_at.astimezone(office.zone).isoformat(), n.lang)
        for n in rows(session, regency=office.regency)
    ]
    reminders = [f for f in found if f[0] == "reminder-30d"]
    assert {(kind, when) for kind, when, _ in reminders} == {
        ("reminder-30d", "2024-04-16T08:00:00+08:00")
    }
    # The digests of Monday 8 April and Monday 15 April (both cuti bersama) would both go out on
    # Tuesday 16 April at 08:00: the later one supersedes the earlier, one mail.
    digests = sorted({when for kind, when, _ in found if kind == "digest"})
    assert digests == ["2024-04-16T08:00:00+08:00"]
    digest_days = [n.due_on for n in rows(session, regency=office.regency) if n.kind == "digest"]
    assert set(digest_days) == {date(2024, 4, 15)}
    assert not [f for f in found if f[1] < "2024-04-16"]

    for _ in walk(
        app,
        session,
        clock,
        start=local("2024-05-10T09:00:00+08:00"),
        end=local("2024-05-13T12:00:00+08:00"),
        step=timedelta(hours=1),
    ):
        pass
    rungs = {
        n.created_at.astimezone(office.zone).isoformat()
        for n in rows(session, regency=office.regency)
        if n.kind == "escalation-1"
    }
    assert rungs == {"2024-05-13T08:00:00+08:00"}
