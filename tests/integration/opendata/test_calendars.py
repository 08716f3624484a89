"""iCalendar feeds of deadlines: calendar apps accept them and update an event on extension."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from icalendar import Calendar
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.opendata.conftest import DEADLINE, DataWorld, record
from tracker.clock import FixedClock
from tracker.pacts import services as pact_services
from tracker.pacts.models import Pact


def events(client: FlaskClient, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    if "lang=" not in url:
        assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.get_data())
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return [
        {
            "uid": str(e["UID"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "sequence": int(e["SEQUENCE"]),
            "stamp": e.decoded("DTSTAMP"),
            "modified": e.decoded("LAST-MODIFIED"),
            "summary": str(e["SUMMARY"]),
            "url": str(e["URL"]),
            "status": str(e["STATUS"]),
            "description": str(e["DESCRIPTION"]),
        }
        for e in calendar.walk("VEVENT")
    ]


def test_a_pact_calendar_has_one_all_day_event_on_the_deadline(
    app: Flask, client: FlaskClient, world: DataWorld
) -> None:
    [event] = events(client, f"/pakta/{world.pact.id}.ics")

    assert event["uid"] == f"pakta-{world.pact.id}@127.0.0.1"
    assert event["start"] == DEADLINE and not isinstance(event["start"], datetime)
    assert event["end"] == DEADLINE + timedelta(days=1)
    assert event["sequence"] == 0
    with app.test_request_context(), force_locale("id"):
        # "Tenggat pakta: <agency>" once the Indonesian catalogue is compiled.
        assert event["summary"] == gettext("Pact deadline: %(agency)s", agency=world.a.name)
    [english] = events(client, f"/pakta/{world.pact.id}.ics?lang=en")
    assert english["summary"] == f"Pact deadline: {world.a.name}"
    assert event["url"] == f"http://127.0.0.1:5000/pakta/{world.pact.id}"
    assert event["status"] == "CONFIRMED"
    assert event["stamp"] == event["modified"] == world.now
    assert "Ahmad Uji" in str(event["description"])


def test_an_extension_moves_the_event_under_the_same_uid_with_a_higher_sequence(
    client: FlaskClient, world: DataWorld
) -> None:
    [before] = events(client, f"/pakta/{world.pact.id}.ics")
    later = world.now + timedelta(days=2)
    for n, days in enumerate((30, 45), start=1):
        pact_services.extend_pact(
            world.session, actor=world.admin_x, pact_id=world.pact.id,
            new_deadline_on=DEADLINE + timedelta(days=days), reason=f"Alasan {n}", now=later,
        )  # fmt: skip
    world.session.commit()

    [after] = events(client, f"/pakta/{world.pact.id}.ics")

    assert after["uid"] == before["uid"]
    assert after["start"] == DEADLINE + timedelta(days=45)
    assert after["sequence"] == 2
    assert after["modified"] == after["stamp"] == later
    [english] = events(client, f"/pakta/{world.pact.id}.ics?lang=en")
    assert "Original deadline: Apr 8, 2019" in str(english["description"])


def test_a_withdrawn_pact_is_cancelled_not_silently_dropped(
    client: FlaskClient, world: DataWorld
) -> None:
    pact_services.withdraw_pact(
        world.session, actor=world.admin_x, pact_id=world.pact.id, reason="Salah catat",
        now=world.now + timedelta(hours=1),
    )  # fmt: skip
    world.session.commit()

    [event] = events(client, f"/pakta/{world.pact.id}.ics")

    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 1, "higher than the last published version, so apps accept it"


def test_a_regency_calendar_lists_its_pacts_with_a_deadline(
    client: FlaskClient, world: DataWorld
) -> None:
    s, admin = world.session, world.admin_x
    undated = record(s, actor=admin, agency=world.a, now=world.now, signed_on=None)
    second = record(s, actor=admin, agency=world.a, now=world.now, signed_on=date(2018, 11, 30))

    found = events(client, "/kabupaten/kab-data-x/tenggat.ics")

    uids = {e["uid"] for e in found}
    assert uids == {f"pakta-{world.pact.id}@127.0.0.1", f"pakta-{second.id}@127.0.0.1"}
    assert f"pakta-{undated.id}@127.0.0.1" not in uids
    assert {e["start"] for e in found} == {DEADLINE, date(2019, 2, 28)}
    assert client.get("/kabupaten/tidak-ada/tenggat.ics").status_code == 404


def test_calendars_answer_304_and_unknown_pacts_404(client: FlaskClient, world: DataWorld) -> None:
    first = client.get("/kabupaten/kab-data-y/tenggat.ics")
    again = client.get(
        "/kabupaten/kab-data-y/tenggat.ics", headers={"If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert client.get("/pakta/999999.ics").status_code == 404
    assert first.get_data().count(b"BEGIN:VEVENT") == 1
    assert world.now.tzinfo is not None and world.now.utcoffset() == UTC.utcoffset(None)


def test_an_event_reads_the_same_until_its_sequence_moves(
    client: FlaskClient, world: DataWorld, clock: FixedClock
) -> None:
    # Calendar apps keep an event whose SEQUENCE did not move: a status or a count of closed
    # findings in it would stay stale there, so the event only links to the live page.
    url = f"/pakta/{world.pact.id}.ics?lang=en"
    before = client.get(url).get_data()
    assert client.get(f"/api/v1/pacts/{world.pact.id}").get_json()["status"] != "overdue"

    clock.advance(timedelta(days=60))

    assert client.get(f"/api/v1/pacts/{world.pact.id}").get_json()["status"] == "overdue"
    assert client.get(url).get_data() == before
    [event] = events(client, url)
    assert event["sequence"] == 0
    assert f"http://127.0.0.1:5000/pakta/{world.pact.id}" in str(event["description"])
    assert "Status and findings today" in str(event["description"])


@contextmanager
def pact_removed_before_versions_are_read(session: Session, pact_id: int) -> Iterator[list[str]]:
    """Delete a pact right before a calendar reads the pacts' versions, as a second writer."""
    fired: list[str] = []

    def remove(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fired and "max(pact_extensions.created_at)" in statement:
            fired.append(statement)
            # The id is an integer of our own, not input.
            conn.connection.cursor().execute(f"DELETE FROM pacts WHERE id = {pact_id}")

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", remove)
    try:
        yield fired
    finally:
        event.remove(bind, "before_cursor_execute", remove)


@pytest.fixture
def gone(session: Session, world: DataWorld) -> Pact:
    """A pact of agency A that the tests delete while its calendar is being read."""
    signed_on = date(2019, 1, 20)
    pact = make_pact(session, agency=world.a, now=world.now, signed_on=signed_on, findings=0)
    session.commit()
    return pact


def test_a_pact_gone_between_the_calendars_two_reads_is_left_out_not_a_500(
    client: FlaskClient, session: Session, world: DataWorld, gone: Pact
) -> None:
    with pact_removed_before_versions_are_read(session, gone.id) as fired:
        found = events(client, "/kabupaten/kab-data-x/tenggat.ics")
    assert fired, "the versions were never read"
    assert {e["uid"] for e in found} == {f"pakta-{world.pact.id}@127.0.0.1"}


def test_a_pact_gone_between_its_calendars_two_reads_is_a_404_not_a_500(
    client: FlaskClient, session: Session, gone: Pact
) -> None:
    with pact_removed_before_versions_are_read(session, gone.id) as fired:
        response = client.get(f"/pakta/{gone.id}.ics")
    assert fired, "the versions were never read"
    assert response.status_code == 404
