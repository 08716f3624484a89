"""The outcome of a pact (DOMAIN.md section 2.5): the regent's decision with its date, or "not
recorded" for a pact from the past whose end no source reports. Each allowed step is audited
with what it replaced; each refusal gives a reason and changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_pact, pdf, png
from tests.integration.office import Office
from tests.integration.workflow import events_after, last_event_id, refused
from tracker.clock import FixedClock, parse_instant
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tracker.pacts import queries
from tracker.pacts.models import Pact
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.pacts.services import (
    FindingInput,
    clear_outcome,
    record_outcome,
    record_pact,
    withdraw_pact,
)
from tracker.storage import FileStore

# Signed 4 June 2018: its deadline (4 September 2018) passed long before the test's 25 March 2019.
PAST = date(2018, 6, 4)


def _status(session: Session, pact: Pact, now: datetime) -> PactStatus:
    return queries.get_status(session, pact_id=pact.id, now=now, due_soon_days=14)


@pytest.fixture
def old_pact(session: Session, office: Office, now: datetime) -> Pact:
    """Agency A's pact signed 4 June 2018, two findings still open: overdue."""
    return make_pact(session, agency=office.a, now=now, signed_on=PAST)


def test_a_decision_is_recorded_audited_corrected_and_cleared(
    session: Session, office: Office, old_pact: Pact, clock: FixedClock, store: FileStore
) -> None:
    now = clock.now()
    assert _status(session, old_pact, now) is PactStatus.OVERDUE
    since = last_event_id(session)
    record_outcome(
        session, actor=office.admin_x, pact_id=old_pact.id, kind="reprimand",
        decided_on=date(2019, 3, 20), note="Teguran tertulis", document=pdf(), store=store,
        now=now,
    )  # fmt: skip
    assert _status(session, old_pact, now) is PactStatus.DECIDED
    assert old_pact.outcome is PactOutcome.REPRIMAND
    assert old_pact.outcome_document_sha256 and old_pact.outcome_document_key
    (event,) = events_after(session, since)
    assert (event.action, event.actor_id, event.pact_id) == (
        "pact.outcome_recorded",
        office.admin_x.id,
        old_pact.id,
    )
    assert event.changes is not None and event.changes["before"] is None
    assert event.changes["after"]["outcome"] == "reprimand"
    assert event.changes["after"]["note"] == "Teguran tertulis"

    # Recording again corrects it; the document stays unless a new one is given.
    since = last_event_id(session)
    record_outcome(
        session, actor=office.superadmin, pact_id=old_pact.id, kind="resigned",
        decided_on=date(2019, 3, 21), note=None, now=now,
    )  # fmt: skip
    (event,) = events_after(session, since)
    assert event.changes is not None
    assert event.changes["before"]["outcome"] == "reprimand"
    assert event.changes["after"]["outcome"] == "resigned"
    assert old_pact.outcome_document_sha256 is not None

    since = last_event_id(session)
    clear_outcome(session, actor=office.admin_x, pact_id=old_pact.id, now=now)
    (event,) = events_after(session, since)
    assert event.action == "pact.outcome_cleared"
    assert event.changes == {"before": event.changes["before"], "after": None}  # type: ignore[index]
    assert old_pact.outcome is None and old_pact.outcome_document_key is None
    assert _status(session, old_pact, now) is PactStatus.OVERDUE
    refused(
        session,
        Conflict,
        lambda: clear_outcome(session, actor=office.admin_x, pact_id=old_pact.id, now=now),
    )


def test_not_recorded_is_never_overdue_and_takes_no_date(
    session: Session, office: Office, old_pact: Pact, clock: FixedClock
) -> None:
    now = clock.now()
    decide = partial(record_outcome, session, pact_id=old_pact.id, note=None, now=now)
    error = refused(
        session,
        Invalid,
        lambda: decide(actor=office.admin_x, kind="not_recorded", decided_on=date(2019, 1, 1)),
    )
    assert "decided_on" in error.fields
    decide(actor=office.admin_x, kind="not_recorded", decided_on=None)
    assert _status(session, old_pact, now) is PactStatus.NOT_RECORDED
    row = queries.list_pacts(session, now=now, agency_id=office.a.id, due_soon_days=14)[0]
    assert row.status is PactStatus.NOT_RECORDED and row.outcome_on is None


def test_not_recorded_needs_a_deadline_that_has_passed(
    session: Session, office: Office, clock: FixedClock, now: datetime
) -> None:
    running = make_pact(session, agency=office.a, now=now, signed_on=date(2019, 3, 1))
    undated = make_pact(session, agency=office.a, now=now, signed_on=None)
    for pact in (running, undated):
        error = refused(
            session,
            Invalid,
            lambda pact=pact: record_outcome(  # type: ignore[misc]
                session,
                actor=office.admin_x,
                pact_id=pact.id,
                kind="not_recorded",
                decided_on=None,
                note=None,
                now=now,
            ),
        )
        assert "kind" in error.fields
    assert _status(session, undated, now) is PactStatus.UNDATED


@pytest.mark.parametrize(
    ("kind", "decided_on", "note", "field"),
    [
        pytest.param("reprimand", date(2019, 3, 26), None, "decided_on", id="future"),
        pytest.param("reprimand", date(2018, 6, 3), None, "decided_on", id="before-signing"),
        pytest.param("fulfilled", None, None, "decided_on", id="no-date"),
        pytest.param("other", date(2019, 3, 1), "  ", "note", id="other-without-note"),
        pytest.param("sacked", date(2019, 3, 1), None, "kind", id="unknown-kind"),
        pytest.param("reprimand", date(2019, 3, 1), "x" * 2001, "note", id="long-note"),
    ],
)
def test_a_bad_decision_is_refused_beside_its_field(
    session: Session,
    office: Office,
    old_pact: Pact,
    clock: FixedClock,
    kind: str,
    decided_on: date | None,
    note: str | None,
    field: str,
) -> None:
    error = refused(
        session,
        Invalid,
        lambda: record_outcome(
            session,
            actor=office.admin_x,
            pact_id=old_pact.id,
            kind=kind,
            decided_on=decided_on,
            note=note,
            now=clock.now(),
        ),
    )
    assert field in error.fields


def test_the_future_is_the_regency_s_local_date(
    session: Session, office: Office, old_pact: Pact, clock: FixedClock
) -> None:
    # 16:30 UTC on 25 March is 00:30 on 26 March in Makassar (WITA): the 26th is today there.
    clock.set(parse_instant("2019-03-25T16:30:00+00:00"))
    record_outcome(
        session, actor=office.admin_x, pact_id=old_pact.id, kind="fulfilled",
        decided_on=date(2019, 3, 26), note=None, now=clock.now(),
    )  # fmt: skip
    assert old_pact.outcome_on == date(2019, 3, 26)


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("observer_x", Forbidden),
        ("opd_a", Forbidden),
        ("opd_b", NotFound),
        ("admin_y", NotFound),  # another regency's pact does not even exist for it
    ],
)
def test_only_the_regent_s_office_decides(
    session: Session,
    office: Office,
    old_pact: Pact,
    clock: FixedClock,
    persona: str,
    error: type[DomainError],
) -> None:
    for change in (
        lambda: record_outcome(
            session,
            actor=office.user(persona),
            pact_id=old_pact.id,
            kind="reprimand",
            decided_on=date(2019, 3, 1),
            note=None,
            now=clock.now(),
        ),
        lambda: clear_outcome(
            session, actor=office.user(persona), pact_id=old_pact.id, now=clock.now()
        ),
    ):
        refused(session, error, change)


def test_a_withdrawn_pact_takes_no_decision(
    session: Session, office: Office, clock: FixedClock, now: datetime
) -> None:
    pact = make_pact(session, agency=office.a, now=now, signed_on=date(2019, 3, 1))
    withdraw_pact(session, actor=office.admin_x, pact_id=pact.id, reason="Ganda", now=now)
    for kind in ("reprimand", "not_recorded", "extended"):
        refused(
            session,
            Conflict,
            lambda kind=kind: record_outcome(  # type: ignore[misc]
                session,
                actor=office.admin_x,
                pact_id=pact.id,
                kind=kind,
                decided_on=date(2019, 3, 20),
                note=None,
                now=now,
            ),
        )


@pytest.mark.parametrize(
    "content", [png(), b"<html>nope</html>", b""], ids=["png", "html", "empty"]
)
def test_a_document_that_is_not_a_pdf_is_refused(
    session: Session,
    office: Office,
    old_pact: Pact,
    clock: FixedClock,
    store: FileStore,
    upload_folder: Path,
    content: bytes,
) -> None:
    with pytest.raises(Invalid) as caught:
        record_outcome(
            session, actor=office.admin_x, pact_id=old_pact.id, kind="reprimand",
            decided_on=date(2019, 3, 1), note=None, document=content or b"", store=store,
            now=clock.now(),
        )  # fmt: skip
    if content:
        assert "document" in caught.value.fields
    assert old_pact.outcome is None
    assert not [p for p in upload_folder.rglob("*") if p.is_file()]


def test_extended_goes_through_the_extension_and_replaces_a_recorded_outcome(
    session: Session, office: Office, clock: FixedClock, now: datetime
) -> None:
    pact = make_pact(session, agency=office.a, now=now, signed_on=date(2019, 1, 8))
    record_outcome(
        session, actor=office.admin_x, pact_id=pact.id, kind="reprimand",
        decided_on=date(2019, 3, 20), note=None, now=now,
    )  # fmt: skip
    since = last_event_id(session)
    record_outcome(
        session, actor=office.admin_x, pact_id=pact.id, kind="extended", decided_on=None,
        note=None, new_deadline_on=date(2019, 6, 30), reason="Anggaran perubahan", now=now,
    )  # fmt: skip
    assert [e.action for e in events_after(session, since)] == [
        "pact.outcome_cleared",
        "pact.extended",
    ]
    assert pact.outcome is None and pact.deadline_on == date(2019, 6, 30)
    assert _status(session, pact, now) is PactStatus.ON_TRACK
    # An extension without its reason is refused beside the field, and nothing changes.
    error = refused(
        session,
        Invalid,
        lambda: record_outcome(
            session,
            actor=office.admin_x,
            pact_id=pact.id,
            kind="extended",
            decided_on=None,
            note=None,
            new_deadline_on=date(2019, 7, 30),
            reason="",
            now=now,
        ),
    )
    assert "reason" in error.fields


def test_a_pact_from_the_past_is_recorded_with_its_outcome_not_recorded(
    session: Session, office: Office, clock: FixedClock, now: datetime
) -> None:
    record = partial(
        record_pact, session, actor=office.admin_x, agency_id=office.a.id,
        signatory_name=None, signatory_title="Kepala Dinas Sosial", pledge="Tiga bulan.",
        findings=[FindingInput(title="Belum ada ruang bermain anak", category="input")],
        outcome_not_recorded=True, now=now,
    )  # fmt: skip
    since = last_event_id(session)
    pact = record(signed_on=PAST)
    assert pact.outcome is PactOutcome.NOT_RECORDED and pact.outcome_on is None
    assert _status(session, pact, now) is PactStatus.NOT_RECORDED
    assert [e.action for e in events_after(session, since)] == [
        "pact.recorded",
        "finding.recorded",
        "pact.outcome_recorded",
    ]
    for signed_on in (date(2019, 3, 1), None):
        error = refused(session, Invalid, lambda signed_on=signed_on: record(signed_on=signed_on))  # type: ignore[misc]
        assert "outcome_not_recorded" in error.fields
