"""Follower mail end to end: through the outbox and the delivery worker to a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.followers.models import Follower
from tracker.followers.services import sweep_followers
from tracker.notifications.delivery import DeliverySettings, deliver_pending

ADDRESS = "jurnalis@contoh.id"


class _Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        self.messages.append(cast(EmailMessage, message_from_bytes(raw, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _deliver(app: Flask, session: Session, port: int, now: datetime) -> None:
    settings = DeliverySettings.from_config({**app.config, "MAIL_SERVER": "127.0.0.1"})
    settings = DeliverySettings(**{**settings.__dict__, "port": port, "timeout": 5.0})
    with app.app_context():
        deliver_pending(session, settings=settings, now=now, worker_id="test-follow")


def test_follower_mail_reaches_the_inbox_with_unsubscribe_headers_and_one_click_works(
    app: Flask,
    client: FlaskClient,
    session: Session,
    clock: FixedClock,
    inbox: tuple[_Inbox, int],
) -> None:
    handler, port = inbox
    regency = make_regency(session, now=clock.now())
    agency = make_agency(session, regency=regency, now=clock.now())
    pact = make_pact(session, agency=agency, now=clock.now(), signed_on=date(2019, 2, 1))
    session.commit()

    client.post(f"/pakta/{pact.id}/ikuti", data={"email": ADDRESS, "website": ""})
    client.post(f"/pakta/{pact.id}/ikuti", data={"email": ADDRESS, "website": ""})
    _deliver(app, session, port, clock.now())
    assert len(handler.messages) == 1
    confirmation = handler.messages[0]
    assert confirmation["To"] == ADDRESS
    assert confirmation["X-Pantau-Kind"] == "follow-confirm"
    assert confirmation["X-Pantau-Pact"] == str(pact.id)
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = confirmation.get_body(("plain",))
    assert text is not None
    confirm_url = next(
        line for line in text.get_content().splitlines() if "/ikuti/konfirmasi/" in line
    )
    assert client.post(confirm_url.removeprefix(app.config["BASE_URL"])).status_code == 200

    # Overdue on 2 May 2019 (Makassar): the sweep records one status mail, delivery sends it.
    clock.set(datetime.fromisoformat("2019-05-02T09:00:00+08:00"))
    with app.app_context():
        assert sweep_followers(session, clock.now()) == 1
    session.commit()
    _deliver(app, session, port, clock.now())
    assert len(handler.messages) == 2
    status_mail = handler.messages[1]
    assert status_mail["X-Pantau-Kind"] == "follow-status"
    assert "Melewati tenggat" in status_mail["Subject"]
    header = status_mail["List-Unsubscribe"]
    assert header.startswith("<" + app.config["BASE_URL"] + "/ikuti/berhenti/")

    # The mail client's one-click POST, then another change (fulfilled late): nothing arrives.
    path = header.strip("<>").removeprefix(app.config["BASE_URL"])
    response = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    session.expire_all()
    assert session.scalars(select(Follower)).one().unsubscribed_at is not None
    clock.set(datetime.fromisoformat("2019-06-02T09:00:00+08:00"))
    for finding in session.scalars(select(Finding).where(Finding.pact_id == pact.id)):
        finding.status, finding.closed_at = FindingStatus.CLOSED, clock.now()
    session.commit()
    with app.app_context():
        assert sweep_followers(session, clock.now()) == 0
    session.commit()
    _deliver(app, session, port, clock.now())
    assert len(handler.messages) == 2
