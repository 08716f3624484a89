"""When a notice is due and what its idempotency key is: pure functions, no session, no clock.

Every notice falls due at 08:00 on a day of the regency's own calendar:

- reminders 30, 14, 7 and 1 days before the deadline in force (after any extension);
- escalation rungs 1, 14 and 30 days after it, while the pact is still unfulfilled;
- the fulfilment notice when the last finding closes;
- the weekly digest on Mondays.

A notice whose day is closed (Saturday, Sunday, a holiday or cuti bersama in ``closed``, the
holiday calendar's days) goes out at 08:00 on the next working day instead; its key does not
change (``tracker.workdays.rules``). Without a calendar (``closed`` None) every day is open.

The sweep asks these functions what is due at ``now`` and records each answer once, under its
key (the database's unique constraint is what enforces "once"). The deadline is part of the
reminder and escalation keys, so an extended pact is reminded against its new date. Delivery
asks :func:`backoff` how long a notice that could not be sent waits before its next try.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.notifications.models import NoticeKind
from tracker.workdays.rules import send_at

# Local hour at which every reminder, rung and digest falls due.
NOTICE_TIME = time(8, 0)
# Days before the deadline on which a reminder falls due.
REMINDER_OFFSETS: tuple[int, ...] = (30, 14, 7, 1)
# Rung -> days after the deadline (1 day: admins and Inspektorat; 14: Sekda; 30: Bupati).
ESCALATION_RUNGS: dict[int, int] = {1: 1, 2: 14, 3: 30}
DEFAULT_LANGUAGE = "id"

REMINDER_KINDS: dict[int, NoticeKind] = {
    30: NoticeKind.REMINDER_30D,
    14: NoticeKind.REMINDER_14D,
    7: NoticeKind.REMINDER_7D,
    1: NoticeKind.REMINDER_1D,
}
ESCALATION_KINDS: dict[int, NoticeKind] = {
    1: NoticeKind.ESCALATION_1,
    2: NoticeKind.ESCALATION_2,
    3: NoticeKind.ESCALATION_3,
}


@dataclass(frozen=True)
class DueNotice:
    """A notice that is due: its kind, its key (without language suffix) and when it fell due.

    ``due_on`` is the regency-local day the notice is about; ``due_at`` the instant (UTC) it
    fell due. ``step`` is the reminder's offset in days or the escalation rung, else None.
    """

    kind: NoticeKind
    key: str
    due_on: date
    due_at: datetime
    step: int | None = None


@dataclass(frozen=True)
class PactFacts:
    """What the rules need to know about one pact (all instants aware, dates regency-local)."""

    pact_id: int
    timezone: str
    deadline_on: date | None
    recorded_at: datetime
    findings_total: int
    findings_open: int
    last_closed_at: datetime | None = None
    withdrawn: bool = False
    # The outcome is recorded (the regent's decision, or that no source reports the end): the
    # pact has ended, so nobody is reminded of its deadline or told it is late.
    outcome_recorded: bool = False
    # The closed days of the calendar (holidays, cuti bersama): notices wait for a working day.
    closed: frozenset[date] | None = None

    @property
    def fulfilled(self) -> bool:
        """Tell whether every finding is closed (a pact without findings is never fulfilled)."""
        return self.findings_total > 0 and self.findings_open == 0


def moment(day: date, tz: str | ZoneInfo) -> datetime:
    """Return 08:00 on ``day`` in zone ``tz``, as an aware UTC instant."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return datetime.combine(day, NOTICE_TIME, tzinfo=zone).astimezone(UTC)


def working_moment(
    day: date, tz: str | ZoneInfo, closed: Collection[date] | None = None
) -> datetime:
    """Return when a notice about ``day`` goes out: 08:00 that day, or, when the office is
    closed that day, 08:00 on the next working day. ``closed`` None: no calendar, every day
    is open (the working-day rule is off)."""
    at = moment(day, tz)
    return at if closed is None else send_at(at, tz, closed)


def _local_today(now: datetime, zone: ZoneInfo) -> date:
    if now.tzinfo is None:
        raise ValueError("the notice rules need a time-zone aware instant")
    return now.astimezone(zone).date()


def reminder_key(offset: int, pact_id: int, deadline_on: date) -> str:
    """Return the key of the reminder ``offset`` days before ``deadline_on``."""
    return f"reminder-{offset}d:pact:{pact_id}:{deadline_on.isoformat()}"


def escalation_key(rung: int, pact_id: int, deadline_on: date) -> str:
    """Return the key of escalation rung ``rung`` for the missed ``deadline_on``."""
    return f"escalation-{rung}:pact:{pact_id}:{deadline_on.isoformat()}"


def fulfilment_key(pact_id: int) -> str:
    """Return the key of a pact's fulfilment notice (a pact is fulfilled once)."""
    return f"fulfilled:pact:{pact_id}"


def digest_key(regency_id: int, monday: date) -> str:
    """Return the key of a regency's digest for the week starting ``monday``."""
    return f"digest:regency:{regency_id}:{monday.isoformat()}"


def language_key(key: str, lang: str) -> str:
    """Return the key of one language group's copy: Indonesian keeps the plain key."""
    return key if lang == DEFAULT_LANGUAGE else f"{key}:{lang}"


def reminder_due(
    *,
    pact_id: int,
    deadline_on: date | None,
    tz: str,
    now: datetime,
    unfulfilled: bool,
    closed: Collection[date] | None = None,
) -> DueNotice | None:
    """Return the reminder due at ``now``: the most recent one whose moment has passed.

    After downtime only that most recent reminder is due, never the ones it supersedes (a pact
    seven days from its deadline is not told it has thirty days left). A pact recorded late gets
    the most recent one too, and its text gives the days actually left. Nothing once the
    deadline day is over, for a fulfilled or withdrawn pact (``unfulfilled`` false), or without
    a deadline. A reminder whose day is closed goes out on the next working day, unless that
    is after the deadline day.
    """
    if deadline_on is None or not unfulfilled:
        return None
    zone = ZoneInfo(tz)
    if _local_today(now, zone) > deadline_on:
        return None
    for offset in sorted(REMINDER_OFFSETS):
        day = deadline_on - timedelta(days=offset)
        at = working_moment(day, zone, closed)
        if at <= now:
            return DueNotice(
                kind=REMINDER_KINDS[offset],
                key=reminder_key(offset, pact_id, deadline_on),
                due_on=day,
                due_at=at,
                step=offset,
            )
    return None


def escalations_due(
    *,
    pact_id: int,
    deadline_on: date | None,
    tz: str,
    now: datetime,
    recorded_at: datetime,
    unfulfilled: bool,
    closed: Collection[date] | None = None,
) -> list[DueNotice]:
    """Return the escalation rungs due at ``now``, lowest first.

    Rung 1 falls due at 08:00 local on the first day past the deadline, rung 2 on the 14th,
    rung 3 on the 30th, while the pact is unfulfilled (``unfulfilled``: not withdrawn and not
    every finding closed; a pact without findings is judged on its deadline alone, as its
    status is). A rung missed during downtime is still sent: each rung once.

    Decision: rungs that fell due *before the pact was recorded* in the system
    (``recorded_at``: ``Pact.created_at``; the sweep also makes it no earlier than the
    regency's row, since an import may date a pact at its signing, nor than the outbox's first
    notice, when notices were switched on) are collapsed to the highest of them. A pact imported
    long overdue (the 2019 Sumbawa Barat pacts) gets its current rung once, not three letters at
    once; rungs that fall due after recording are all sent.
    """
    if deadline_on is None or not unfulfilled:
        return []
    zone = ZoneInfo(tz)
    if _local_today(now, zone) <= deadline_on:
        return []
    due: list[DueNotice] = []
    for rung, days in sorted(ESCALATION_RUNGS.items()):
        day = deadline_on + timedelta(days=days)
        at = working_moment(day, zone, closed)
        if at <= now:
            due.append(
                DueNotice(
                    kind=ESCALATION_KINDS[rung],
                    key=escalation_key(rung, pact_id, deadline_on),
                    due_on=day,
                    due_at=at,
                    step=rung,
                )
            )
    before = [n for n in due if n.due_at < recorded_at]
    after = [n for n in due if n.due_at >= recorded_at]
    return before[-1:] + after


def fulfilment_due(
    *,
    pact_id: int,
    fulfilled: bool,
    withdrawn: bool,
    last_closed_at: datetime | None,
    recorded_at: datetime,
    tz: str,
    closed: Collection[date] | None = None,
) -> DueNotice | None:
    """Return the fulfilment notice once the last finding has closed, else None.

    It falls due when the last finding closed, or at 08:00 on the next working day when that
    was on a closed day (``due_for_pact`` leaves it out until then).

    Only a closing the system saw happen counts: a pact recorded with every finding already
    closed (an import of history) was never open here, so nobody is told it just closed.
    """
    if withdrawn or not fulfilled or last_closed_at is None or last_closed_at < recorded_at:
        return None
    return DueNotice(
        kind=NoticeKind.FULFILLED,
        key=fulfilment_key(pact_id),
        due_on=_local_today(last_closed_at, ZoneInfo(tz)),
        due_at=last_closed_at if closed is None else send_at(last_closed_at, tz, closed),
    )


def digest_due(
    *,
    regency_id: int,
    tz: str,
    now: datetime,
    since: datetime | None = None,
    closed: Collection[date] | None = None,
) -> DueNotice | None:
    """Return the digest of the most recent Monday 08:00 local that has passed.

    A closed Monday's digest goes out at 08:00 on the next working day.

    After downtime only that Monday's digest is due. A Monday before ``since`` (when the
    regency was recorded) is not: a new regency's first digest is the next Monday's.
    """
    zone = ZoneInfo(tz)
    today = _local_today(now, zone)
    monday = today - timedelta(days=today.weekday())
    at = working_moment(monday, zone, closed)
    if at > now:
        monday -= timedelta(days=7)
        at = working_moment(monday, zone, closed)
        if at > now:
            # A long closure pushed last week's digest past now too: this week's supersedes it.
            return None
    if since is not None and at < since:
        return None
    return DueNotice(
        kind=NoticeKind.DIGEST, key=digest_key(regency_id, monday), due_on=monday, due_at=at
    )


def due_for_pact(facts: PactFacts, now: datetime) -> list[DueNotice]:
    """Return every notice due for one pact at ``now``: reminder, rungs, fulfilment.

    Nothing for a withdrawn pact or one whose outcome is recorded: a decided pact is the
    regent's business done, and a pact whose end no source reports is never a breach.
    """
    if facts.withdrawn or facts.outcome_recorded:
        return []
    unfulfilled = not facts.fulfilled
    due: list[DueNotice] = []
    reminder = reminder_due(
        pact_id=facts.pact_id,
        deadline_on=facts.deadline_on,
        tz=facts.timezone,
        now=now,
        unfulfilled=unfulfilled,
        closed=facts.closed,
    )
    if reminder is not None:
        due.append(reminder)
    due.extend(
        escalations_due(
            pact_id=facts.pact_id,
            deadline_on=facts.deadline_on,
            tz=facts.timezone,
            now=now,
            recorded_at=facts.recorded_at,
            unfulfilled=unfulfilled,
            closed=facts.closed,
        )
    )
    fulfilment = fulfilment_due(
        pact_id=facts.pact_id,
        fulfilled=facts.fulfilled,
        withdrawn=facts.withdrawn,
        last_closed_at=facts.last_closed_at,
        recorded_at=facts.recorded_at,
        tz=facts.timezone,
        closed=facts.closed,
    )
    if fulfilment is not None and fulfilment.due_at <= now:
        due.append(fulfilment)
    return due


def backoff(attempts: int, *, base_seconds: int, max_seconds: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` failed ones (doubling, capped)."""
    exponent = max(attempts - 1, 0)
    # Past 2**20 the cap has long been reached; stop before the number grows silly.
    seconds = base_seconds * 2 ** min(exponent, 20)
    return timedelta(seconds=min(seconds, max_seconds))
