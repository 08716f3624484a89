"""A pact signed on 2024-11-30 in Asia/Makassar, swept every hour from signing to 40 days late,
on the working days of the seeded holiday calendar."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import (
    addresses,
    listing,
    local,
    make_office,
    mondays,
    one_copy,
    rows,
    walk,
)
from tracker.clock import FixedClock
from tracker.pacts.rules import deadline
from tracker.workdays.rules import next_working_day
from tracker.workdays.services import closed_days

SIGNED = date(2024, 11, 30)


def test_hourly_sweeps_from_signing_to_40_days_late_write_each_notice_once_at_08_on_a_working_day(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    clock.set(start)
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED, findings=3)
    due = deadline(SIGNED, 3)
    assert due == date(2025, 2, 28)  # 30 November + 3 months, clamped to February's end
    end = local("2025-04-09T23:00:00+08:00")  # 40 days past the deadline
    assert (end.date() - due).days == 40

    sweeps = 0
    errors: list[str] = []
    for report in walk(app, session, clock, start=start, end=end):
        sweeps += 1
        errors += report.errors
    assert errors == []
    assert sweeps == int((end - start).total_seconds() // 3600) + 1

    written = rows(session, regency=office.regency)
    # (kind, local day written, language). A notice falling on a closed day waits for 08:00 on
    # the next working day: the 30-day reminder (29 January, Imlek) for Thursday 30 January,
    # rung 1 (Saturday 1 March) for Monday 3 March, rung 3 (Sunday 30 March, in the Nyepi and
    # Idul Fitri closure of 28 March to 7 April) for Tuesday 8 April.
    expected_pact = [
        ("reminder-30d", "2025-01-30", "id"),
        ("reminder-30d", "2025-01-30", "en"),
        ("reminder-14d", "2025-02-14", "id"),
        ("reminder-14d", "2025-02-14", "en"),
        ("reminder-7d", "2025-02-21", "id"),
        ("reminder-7d", "2025-02-21", "en"),
        ("reminder-1d", "2025-02-27", "id"),
        ("reminder-1d", "2025-02-27", "en"),
        ("escalation-1", "2025-03-03", "id"),
        ("escalation-2", "2025-03-14", "id"),
        ("escalation-2", "2025-03-14", "en"),
        ("escalation-3", "2025-04-08", "id"),
    ]
    # Every Monday's digest, on the Monday when it is a working day; that of 27 January (Isra
    # Mi'raj, then Imlek) on Thursday 30 January; those of 31 March and 7 April (Idul Fitri)
    # would both go out on 8 April, where the later one stands for both.
    written_on = {date(2025, 1, 27): "2025-01-30", date(2025, 4, 7): "2025-04-08"}
    expected_digests = [
        ("digest", written_on.get(monday, monday.isoformat()), "id")
        for monday in mondays(date(2024, 12, 2), date(2025, 4, 7))
        if monday != date(2025, 3, 31)
    ]
    # One row per notice and language (a notice reaching staff and people without an account
    # is two copies of the same notice, written together).
    got = listing(one_copy(written), office.zone)
    print("\nTimeline notices (kind, local day, language):")
    for line in sorted(got, key=lambda item: (item[1], item[0], item[2])):
        print("  ", *line)
    assert [n for n in got if n[0] != "digest"] == expected_pact
    assert [n for n in got if n[0] == "digest"] == expected_digests
    assert len(expected_digests) == 18

    # Each written at the first hourly sweep of its moment: 08:00 local, on the day it is about
    # or, when that day is closed, on the first working day after it (the day it is about is
    # kept: the digest of 7 April is that week's).
    closed = closed_days(session)
    assert {n.due_on for n in written if n.kind == "digest"} >= {
        date(2025, 1, 27),
        date(2025, 4, 7),
    }
    for notice in written:
        written_at = notice.created_at.astimezone(office.zone)
        assert (written_at.hour, written_at.minute) == (8, 0), notice.key
        assert written_at.date() == next_working_day(notice.due_on, closed), notice.key
    # Each once: the keys are unique and carry the deadline in force.
    keys = [n.key for n in written]
    assert len(keys) == len(set(keys))
    assert f"reminder-14d:pact:{pact.id}:2025-02-28" in keys
    assert f"reminder-14d:pact:{pact.id}:2025-02-28:en" in keys
    assert f"escalation-2:pact:{pact.id}:2025-02-28:en" in keys

    by_key = {n.key: n for n in written}
    # The OPD account's copy, and apart the head's (no account: public links).
    reminder = by_key[f"reminder-7d:pact:{pact.id}:2025-02-28"]
    assert addresses(reminder) == {office.opd.email}
    head_copy = by_key[f"reminder-7d:pact:{pact.id}:2025-02-28:public"]
    assert addresses(head_copy) == {"kepala.dinas@uji.go.id"}
    assert addresses(by_key[f"reminder-7d:pact:{pact.id}:2025-02-28:en"]) == {office.opd_en.email}
    first = by_key[f"escalation-1:pact:{pact.id}:2025-02-28"]
    assert addresses(first) == {office.admin.email}
    first_public = by_key[f"escalation-1:pact:{pact.id}:2025-02-28:public"]
    assert addresses(first_public, "to") == {office.contacts[1].email}
    assert addresses(first_public, "cc") == {"kepala.dinas@uji.go.id"}
    for copy in (first, first_public):
        assert copy.attachment is not None and copy.attachment.startswith(b"%PDF")
    second_en = by_key[f"escalation-2:pact:{pact.id}:2025-02-28:en"]
    assert addresses(second_en) == {office.contacts[2].email}
    assert addresses(by_key[f"escalation-3:pact:{pact.id}:2025-02-28"], "to") == {
        office.contacts[3].email
    }
    # A sweep after the walk finds nothing left to write.
    clock.advance(timedelta(days=1))
    assert all(report.total == 0 for report in walk(app, session, clock, start=end, end=end))
