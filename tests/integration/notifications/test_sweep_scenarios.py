"""What the sweep writes when a pact is extended, withdrawn or fulfilled, and when it runs twice."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import extend_pact, make_pact
from tests.integration.notifications.sweep_helpers import (
    addresses,
    close_findings,
    listing,
    local,
    make_office,
    one_copy,
    rows,
    run_sweep,
    walk,
    withdraw,
)
from tracker.clock import FixedClock
from tracker.notifications.models import Notification, NotificationState
from tracker.notifications.sweep import sweep

SIGNED = date(2024, 11, 30)  # deadline 2025-02-28
TWICE_A_DAY = timedelta(hours=12)  # 08:00 and 20:00 in Makassar


def pact_rows(session: Session, pact_id: int, *, copies: bool = False) -> list[Notification]:
    """Return a pact's notices, one row per notice and language (``copies``: every copy, the
    one for readers without an account beside the staff one included)."""
    found = session.scalars(
        select(Notification).where(Notification.pact_id == pact_id).order_by(Notification.id)
    )
    return list(found) if copies else one_copy(found)


def ids_only(found: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Keep the Indonesian copies: (kind, local day)."""
    return [(kind, day) for kind, day, lang in found if lang == "id"]


def test_pact_extended_before_its_deadline_is_reminded_against_the_new_date_and_not_escalated(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T08:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    for _ in walk(
        app, session, clock, start=start, end=local("2025-02-10T08:00:00+08:00"), step=TWICE_A_DAY
    ):
        pass
    # Wednesday 26 March: its reminders fall on 24 February, 12, 19 and 25 March, working days.
    extend_pact(session, pact=pact, to=date(2025, 3, 26), now=clock.now())
    for _ in walk(
        app,
        session,
        clock,
        start=clock.now(),
        end=local("2025-03-26T20:00:00+08:00"),
        step=TWICE_A_DAY,
    ):
        pass

    found = pact_rows(session, pact.id)
    assert ids_only(listing(found, office.zone)) == [
        # Against the signed deadline, before the extension: due on 29 January (Imlek), sent on
        # the next working day.
        ("reminder-30d", "2025-01-30"),
        ("reminder-30d", "2025-02-24"),  # then against 26 March
        ("reminder-14d", "2025-03-12"),
        ("reminder-7d", "2025-03-19"),
        ("reminder-1d", "2025-03-25"),
    ]
    assert [n.key for n in found if n.lang == "id"][1:] == [
        f"reminder-{d}:pact:{pact.id}:2025-03-26" for d in ("30d", "14d", "7d", "1d")
    ]
    # The old deadline passed on 28 February and its rungs 1 and 2 on 1 and 14 March: no
    # escalation.
    assert not [n for n in found if n.kind.startswith("escalation")]
    reminder = next(n for n in found if n.key.endswith("2025-03-26") and n.lang == "id")
    assert "26 Maret 2025" in reminder.body_text


def test_withdrawn_pact_gets_nothing_more(app: Flask, session: Session, clock: FixedClock) -> None:
    # The 30-day reminder falls on 29 January (Imlek) and goes out on the next working day.
    start = local("2025-01-30T08:00:00+08:00")
    office = make_office(session, now=local("2024-11-30T09:00:00+08:00"))
    pact = make_pact(
        session, agency=office.agency, now=local("2024-11-30T09:00:00+08:00"), signed_on=SIGNED
    )
    run_sweep(app, session, start)
    assert [n.kind for n in pact_rows(session, pact.id)] == ["reminder-30d", "reminder-30d"]
    withdraw(session, pact, local("2025-02-01T10:00:00+08:00"))
    for report in walk(
        app,
        session,
        clock,
        start=local("2025-02-01T20:00:00+08:00"),
        end=local("2025-04-09T20:00:00+08:00"),
        step=TWICE_A_DAY,
    ):
        assert report.errors == []
    assert [n.kind for n in pact_rows(session, pact.id)] == ["reminder-30d", "reminder-30d"]


def test_pact_fulfilled_before_its_deadline_gets_one_fulfilment_notice_and_no_more_reminders(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    for _ in walk(
        app,
        session,
        clock,
        start=local("2025-01-29T08:00:00+08:00"),
        end=local("2025-02-16T08:00:00+08:00"),
        step=TWICE_A_DAY,
    ):
        pass
    close_findings(session, pact, local("2025-02-16T10:30:00+08:00"))
    for _ in walk(
        app,
        session,
        clock,
        start=local("2025-02-16T20:00:00+08:00"),
        end=local("2025-04-09T20:00:00+08:00"),
        step=TWICE_A_DAY,
    ):
        pass

    found = pact_rows(session, pact.id)
    assert ids_only(listing(found, office.zone)) == [
        ("reminder-30d", "2025-01-30"),  # due on 29 January (Imlek): the next working day
        ("reminder-14d", "2025-02-14"),
        ("fulfilled", "2025-02-17"),  # fulfilled on Sunday 16 February: Monday at 08:00
    ]
    fulfilled = [n for n in pact_rows(session, pact.id, copies=True) if n.kind == "fulfilled"]
    assert [n.key for n in fulfilled] == [
        f"fulfilled:pact:{pact.id}",
        f"fulfilled:pact:{pact.id}:public",
        f"fulfilled:pact:{pact.id}:en",
    ]
    assert {n.due_on for n in fulfilled} == {date(2025, 2, 16)}
    # The agency's accounts and the regency's admins; apart, the head (no account); no rung
    # was reached.
    assert addresses(fulfilled[0]) == {office.opd.email, office.admin.email}
    assert addresses(fulfilled[1]) == {"kepala.dinas@uji.go.id"}
    assert addresses(fulfilled[2]) == {office.opd_en.email}
    assert "within the deadline" in fulfilled[2].body_text


def test_fulfilment_after_escalation_also_tells_the_rungs_already_reached(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start, head_email=None)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    # Rung 1 falls on Saturday 1 March and goes out on Monday 3 March at 08:00.
    sunday = run_sweep(app, session, local("2025-03-02T09:00:00+08:00"))
    assert sunday.created == {"digest": 1}  # last Monday's, the first sweep since
    first = run_sweep(app, session, local("2025-03-03T09:00:00+08:00"))
    # In Indonesian: the staff copy and, apart, the Inspektur's; in English: the OPD account's.
    assert first.created["escalation-1"] == 3
    staff, inspektur = [
        n for n in pact_rows(session, pact.id, copies=True)
        if n.kind == "escalation-1" and n.lang == "id"
    ]  # fmt: skip
    # Without an agency head, the agency's OPD accounts are copied instead.
    assert addresses(staff, "cc") == {office.opd.email}
    assert addresses(staff, "to") == {office.admin.email}
    assert addresses(inspektur) == {office.contacts[1].email}
    en_copy = [n for n in pact_rows(session, pact.id) if n.key.endswith(":en")]
    assert [addresses(n, "cc") for n in en_copy] == [{office.opd_en.email}]

    close_findings(session, pact, local("2025-03-05T11:00:00+08:00"))
    run_sweep(app, session, local("2025-03-05T12:00:00+08:00"))
    by_key = {n.key: n for n in pact_rows(session, pact.id, copies=True)}
    assert addresses(by_key[f"fulfilled:pact:{pact.id}"]) == {office.opd.email, office.admin.email}
    assert addresses(by_key[f"fulfilled:pact:{pact.id}:public"]) == {office.contacts[1].email}
    assert "fulfilled late" in by_key[f"fulfilled:pact:{pact.id}:en"].body_text


def test_sweeping_twice_writes_the_same_rows_once(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    overdue = make_pact(session, agency=office.agency, now=recorded, signed_on=SIGNED)
    # Deadline Monday 28 April: its 14-day reminder falls on Monday 14 April.
    soon = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2025, 1, 28))
    now = local("2025-04-14T08:00:00+08:00")  # a Monday, a working day
    first = run_sweep(app, session, now)
    before = [
        (n.id, n.key, n.subject, n.body_text, n.message_id, n.state)
        for n in rows(session, regency=office.regency)
    ]
    assert first.errors == []
    assert first.total == len(before) > 0
    assert {n[1].split(":")[0] for n in before} == {
        "escalation-3",
        "reminder-14d",
        "digest",
    }
    second = run_sweep(app, session, now + timedelta(minutes=5))
    after = [
        (n.id, n.key, n.subject, n.body_text, n.message_id, n.state)
        for n in rows(session, regency=office.regency)
    ]
    assert second.total == 0
    assert second.already_recorded == second.due
    assert after == before
    assert all(n[5] is NotificationState.PENDING for n in after)
    assert overdue.id != soon.id


def test_after_downtime_every_missed_rung_is_sent_but_only_the_latest_reminder(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    pact = make_pact(session, agency=office.agency, now=recorded, signed_on=SIGNED)
    # The 30-day reminder falls on 29 January (Imlek) and goes out on 30 January; then down.
    run_sweep(app, session, local("2025-01-30T08:00:00+08:00"))
    run_sweep(app, session, local("2025-02-25T10:00:00+08:00"))  # back for a day
    # Down again; back on Saturday 5 April, in the Idul Fitri closure.
    run_sweep(app, session, local("2025-04-05T10:00:00+08:00"))
    run_sweep(app, session, local("2025-04-08T08:00:00+08:00"))  # the first working day after
    found = pact_rows(session, pact.id)
    assert ids_only(listing(found, office.zone)) == [
        ("reminder-30d", "2025-01-30"),
        ("reminder-7d", "2025-02-25"),  # not the 14-day one it superseded
        # Every missed rung, each once: those whose working-day moment has passed (3 and 14
        # March) as soon as the sweep is back; rung 3 (Sunday 30 March, in the closure) waits
        # for 08:00 on the next working day.
        ("escalation-1", "2025-04-05"),
        ("escalation-2", "2025-04-05"),
        ("escalation-3", "2025-04-08"),
    ]
    assert [n.due_on.isoformat() for n in found if n.lang == "id"] == [
        "2025-01-29",
        "2025-02-21",
        "2025-03-01",
        "2025-03-14",
        "2025-03-30",
    ]


def test_switching_notices_on_sends_an_old_overdue_pact_its_current_rung_once(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    # Recorded before the notices existed; the outbox is empty until 20 March.
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    pact = make_pact(session, agency=office.agency, now=recorded, signed_on=SIGNED)
    run_sweep(app, session, local("2025-03-20T10:00:00+08:00"))
    run_sweep(app, session, local("2025-03-30T08:00:00+08:00"))
    run_sweep(app, session, local("2025-04-08T08:00:00+08:00"))
    assert ids_only(listing(pact_rows(session, pact.id), office.zone)) == [
        ("escalation-2", "2025-03-20"),  # rungs 1 and 2 had both passed: the current one
        # After that, every rung at its moment: rung 3 falls on Sunday 30 March, in the Nyepi
        # and Idul Fitri closure, and goes out at 08:00 on the next working day.
        ("escalation-3", "2025-04-08"),
    ]


def test_a_backlog_is_written_over_several_sweeps_digests_then_oldest_first(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    pacts = [
        make_pact(session, agency=office.agency, now=recorded, signed_on=signed)
        for signed in (date(2024, 12, 5), date(2024, 12, 1), date(2024, 12, 3))
    ]
    now = local("2025-03-06T09:00:00+08:00")  # a Thursday: every pact 1-5 days overdue
    with app.app_context():
        spent = sweep(session, now, budget_seconds=0)  # out of time before the first write
        assert (spent.total, spent.deferred) == (0, 4)
        first = sweep(session, now, limit=3)
    # The regency's digest of Monday 3 March first, then the two pacts that fell due first.
    assert first.deferred == 1
    # Each rung in two copies: the admin's, and the Inspektur's and the head's (no account).
    assert first.created == {"digest": 1, "escalation-1": 4}
    written = {n.pact_id for n in rows(session, regency=office.regency)}
    assert written == {None, pacts[1].id, pacts[2].id}
    with app.app_context():
        second = sweep(session, now + timedelta(minutes=5), limit=3)
    assert (second.deferred, second.created) == (0, {"escalation-1": 2})
