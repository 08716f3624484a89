"""The audit trail is a chain per regency: each event holds the hash of the one before it, so
an edited, removed or inserted row shows, and `flask audit verify` names the first broken link."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.workflow import Recorded
from tracker.audit.chain import GENESIS, head_before, verify
from tracker.audit.models import AuditChainHead, AuditEvent
from tracker.audit.services import record
from tracker.clock import FixedClock
from tracker.pacts import services as pact_services


def _chain(session: Session, chain_id: int) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.execute(
            select(AuditEvent).where(AuditEvent.chain_id == chain_id).order_by(AuditEvent.chain_seq)
        ).scalars()
    )


def _verify(runner: FlaskCliRunner, slug: str) -> tuple[int, str]:
    result = runner.invoke(args=["audit", "verify", "--regency", slug])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_every_event_of_a_regency_links_to_the_one_before_it(
    runner: FlaskCliRunner, session: Session, office: Office, recorded: Recorded
) -> None:
    events = _chain(session, office.x.id)
    assert len(events) >= 3  # the accounts, the pact, its findings
    assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in events}) == len(events)
    # Regency Y's events make a chain of their own.
    assert all(e.regency_id == office.x.id for e in events)
    assert _chain(session, office.y.id)[0].prev_hash == GENESIS
    head = session.get_one(AuditChainHead, office.x.id)
    assert (head.length, head.last_hash) == (len(events), events[-1].hash)
    code, output = _verify(runner, office.x.slug)
    assert code == 0, output
    assert f"{len(events)} events, intact; head {events[-1].hash}" in output


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"changes": {"title": "Sudah selesai"}}, id="changes"),
        pytest.param({"action": "finding.approved"}, id="action"),
        pytest.param({"at": "shift"}, id="instant"),
        pytest.param({"actor_role": "admin"}, id="actor-role"),
    ],
)
def test_a_row_edited_in_the_database_is_named_as_the_first_broken_link(
    runner: FlaskCliRunner,
    session: Session,
    office: Office,
    recorded: Recorded,
    tamper: dict[str, object],
) -> None:
    events = _chain(session, office.x.id)
    victim = events[len(events) // 2]
    values = dict(tamper)
    if values.get("at") == "shift":
        values["at"] = victim.at - timedelta(days=3)
    session.execute(update(AuditEvent).where(AuditEvent.id == victim.id).values(**values))
    session.commit()

    code, output = _verify(runner, office.x.slug)

    assert code == 1
    assert f"BROKEN at link {victim.chain_seq} (event id {victim.id})" in output
    assert "does not match its hash" in output
    # The other regency's chain is not touched by it.
    assert _verify(runner, office.y.slug)[0] == 0


def test_a_removed_event_is_reported(
    runner: FlaskCliRunner, session: Session, office: Office, recorded: Recorded
) -> None:
    events = _chain(session, office.x.id)
    middle = events[1]
    session.execute(delete(AuditEvent).where(AuditEvent.id == middle.id))
    session.commit()
    code, output = _verify(runner, office.x.slug)
    assert code == 1 and f"BROKEN at link {middle.chain_seq}" in output and "missing" in output


def test_removing_the_last_events_shows_against_the_head(
    runner: FlaskCliRunner, session: Session, office: Office, recorded: Recorded
) -> None:
    last = _chain(session, office.x.id)[-1]
    session.execute(delete(AuditEvent).where(AuditEvent.id == last.id))
    session.commit()
    code, output = _verify(runner, office.x.slug)
    assert code == 1 and f"BROKEN at link {last.chain_seq} (no event)" in output


def test_a_rolled_back_savepoint_leaves_the_chain_whole(
    session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    def undone() -> None:
        with session.begin_nested():
            record(session, actor=office.admin_x, action="pact.corrected", target_type="pact",
                   target_id=recorded.pact.id, regency_id=office.x.id, at=now)  # fmt: skip
            session.flush()
            raise RuntimeError("undone")

    with pytest.raises(RuntimeError):
        undone()
    record(session, actor=office.admin_x, action="pact.corrected", target_type="pact",
           target_id=recorded.pact.id, regency_id=office.x.id, at=now)  # fmt: skip
    session.commit()
    [state] = verify(session, chain_id=office.x.id)
    assert state.first_break is None


def test_the_public_pact_page_shows_the_chains_head_as_the_day_began(
    app: Flask,
    client: FlaskClient,
    session: Session,
    office: Office,
    recorded: Recorded,
    clock: FixedClock,
    now: datetime,
) -> None:
    url = f"/pakta/{recorded.pact.id}"
    # Everything so far was recorded today: no head of the day yet.
    assert 'id="rantai-audit"' not in client.get(url).get_data(as_text=True)
    clock.set(now + timedelta(days=1))
    page = client.get(url).get_data(as_text=True)
    head = _chain(session, office.x.id)[-1]
    assert 'id="rantai-audit"' in page and head.hash in page
    # A change made later that day leaves the cited value as it was until the next midnight.
    pact_services.extend_pact(
        session, actor=office.admin_x, pact_id=recorded.pact.id,
        new_deadline_on=recorded.pact.original_deadline_on + timedelta(days=10),  # type: ignore[operator]
        reason="Anggaran belum turun", now=clock.now(),
    )  # fmt: skip
    session.commit()
    again = client.get(url).get_data(as_text=True)
    assert head.hash in again
    newest = _chain(session, office.x.id)[-1]
    assert newest.hash != head.hash and newest.hash not in again
    assert head_before(session, chain_id=office.x.id, before=clock.now()) is not None
