"""The webhook copy: a signed JSON POST to a real local HTTP server, retried until it lands."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import perf_counter
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.notifications.delivery_helpers import add_notice, settings_for
from tests.smtp import HangingServer, SmtpServer
from tracker.netguard import parse_networks
from tracker.notifications import webhook
from tracker.notifications.delivery import DeliverySettings, deliver_pending
from tracker.notifications.models import NotificationState
from tracker.regencies.models import Regency

SECRET = "rahasia-relay-wa-0123456789abcdef"
# The test relay listens on loopback, which only the operator's allow-list lets a webhook reach.
LOOPBACK = parse_networks("127.0.0.1/32")


def _relay_settings(target: Any | None, /, **overrides: Any) -> DeliverySettings:
    return settings_for(target, webhook_allowed_networks=LOOPBACK, **overrides)


@dataclass
class Relay:
    """A regency's relay: a real HTTP server that records each POST and answers ``status``."""

    status: int = 204
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def relay() -> Iterator[Relay]:
    state = Relay()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/pantau"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _regency(session: Session, now: datetime, url: str, secret: str | None = SECRET) -> Regency:
    regency = make_regency(session, now=now)
    regency.webhook_url = url
    regency.webhook_secret = secret
    session.flush()
    return regency


def test_each_notice_is_posted_signed_to_the_regency_relay(
    session: Session, now: datetime, relay: Relay, smtp: SmtpServer
) -> None:
    regency = _regency(session, now, relay.url)
    agency = make_agency(session, regency=regency, now=now)
    pact = make_pact(session, agency=agency, now=now, signed_on=now.date())
    row = add_notice(
        session, regency_id=regency.id, now=now, pact_id=pact.id, kind="reminder-1d", webhook=True
    )

    report = deliver_pending(session, settings=_relay_settings(smtp), now=now, worker_id="w1")

    assert (report.sent, report.webhooks_sent) == (1, 1)
    [(headers, body)] = relay.posts
    assert headers["content-type"] == "application/json; charset=utf-8"
    timestamp = headers["x-pantau-timestamp"]
    assert timestamp == str(int(now.timestamp()))
    # The receiver's side, from the documented format alone (not the module's own verify):
    # "sha256=" + hex HMAC-SHA256 keyed with the secret, of "<timestamp>.<raw body>".
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["x-pantau-signature"] == "sha256=" + expected.hexdigest()
    assert webhook.verify(SECRET, timestamp, body, headers["x-pantau-signature"])
    assert not webhook.verify("another secret", timestamp, body, headers["x-pantau-signature"])
    assert not webhook.verify(
        SECRET, str(int(now.timestamp()) + 1), body, headers["x-pantau-signature"]
    )
    assert headers["x-pantau-kind"] == "reminder-1d"
    assert headers["x-pantau-delivery"] == row.message_id
    document = json.loads(body)
    assert document["kind"] == "reminder-1d"
    assert document["pact_id"] == pact.id
    assert document["message_id"] == row.message_id
    assert document["regency"]["slug"] == regency.slug
    assert document["subject"] == row.subject and document["text"] == row.body_text
    assert {r["email"] for r in document["recipients"]} == {
        "kepala@dinas.uji.go.id",
        "admin@setda.uji.go.id",
    }
    session.refresh(row)
    assert row.webhook_state == "sent" and row.webhook_attempts == 1
    assert row.webhook_error is None


def test_the_relay_gets_its_copy_even_when_mail_is_not_configured(
    session: Session, now: datetime, relay: Relay
) -> None:
    regency = _regency(session, now, relay.url)
    row = add_notice(session, regency_id=regency.id, now=now, webhook=True)

    report = deliver_pending(session, settings=_relay_settings(None), now=now, worker_id="w1")

    assert report.mail_disabled and report.webhooks_sent == 1 and len(relay.posts) == 1
    session.refresh(row)
    assert row.state is NotificationState.PENDING and row.attempts == 0
    assert row.webhook_state == "sent"
    again = deliver_pending(session, settings=_relay_settings(None), now=now, worker_id="w1")
    assert again.claimed == 0 and len(relay.posts) == 1


def test_a_failing_relay_is_retried_with_backoff_until_it_answers(
    session: Session, now: datetime, relay: Relay
) -> None:
    relay.status = 503
    regency = _regency(session, now, relay.url)
    row = add_notice(session, regency_id=regency.id, now=now, webhook=True)

    first = deliver_pending(session, settings=_relay_settings(None), now=now, worker_id="w1")

    assert first.webhooks_retrying == 1
    session.refresh(row)
    assert row.webhook_state == "pending" and row.webhook_attempts == 1
    assert row.webhook_error is not None and row.webhook_error.startswith("HTTP 503")
    assert row.next_attempt_at == now + timedelta(seconds=60)
    assert (
        deliver_pending(session, settings=_relay_settings(None), now=now, worker_id="w1").claimed
        == 0
    )

    relay.status = 200
    later = now + timedelta(seconds=60)
    deliver_pending(session, settings=_relay_settings(None), now=later, worker_id="w1")

    session.refresh(row)
    assert row.webhook_state == "sent" and row.webhook_attempts == 2
    assert len(relay.posts) == 2
    # The same delivery id both times: the relay can drop the repeat.
    assert relay.posts[0][0]["x-pantau-delivery"] == relay.posts[1][0]["x-pantau-delivery"]


def test_a_relay_that_never_answers_times_out_and_the_mail_still_goes(
    session: Session, now: datetime, smtp: SmtpServer
) -> None:
    with HangingServer() as hanging:
        regency = _regency(session, now, f"http://127.0.0.1:{hanging.port}/relay")
        row = add_notice(session, regency_id=regency.id, now=now, webhook=True)
        started = perf_counter()

        report = deliver_pending(
            session, settings=_relay_settings(smtp, webhook_timeout=1.0), now=now, worker_id="w1"
        )

        assert perf_counter() - started < 4
    assert (report.sent, report.webhooks_retrying) == (1, 1)
    session.refresh(row)
    assert row.state is NotificationState.SENT
    assert row.webhook_state == "pending"
    # The outbox says it could not reach the relay, never how (a timeout, a refusal).
    assert row.webhook_error == webhook.UNREACHABLE


def test_a_webhook_without_a_secret_is_not_sent_unsigned(
    session: Session, now: datetime, relay: Relay
) -> None:
    regency = _regency(session, now, relay.url, secret=None)
    row = add_notice(session, regency_id=regency.id, now=now, webhook=True)

    deliver_pending(session, settings=_relay_settings(None), now=now, worker_id="w1")

    assert relay.posts == []
    session.refresh(row)
    assert row.webhook_state == "pending"
    assert row.webhook_error == "the regency's webhook has no secret to sign with"


def test_a_webhook_fails_for_good_after_the_retry_budget(
    session: Session, now: datetime, relay: Relay
) -> None:
    relay.status = 500
    regency = _regency(session, now, relay.url)
    row = add_notice(session, regency_id=regency.id, now=now, webhook=True)
    settings = _relay_settings(None, max_attempts=2)

    deliver_pending(session, settings=settings, now=now, worker_id="w1")
    deliver_pending(session, settings=settings, now=now + timedelta(minutes=1), worker_id="w1")

    session.refresh(row)
    assert row.webhook_state == "failed" and row.webhook_attempts == 2
    assert len(relay.posts) == 2
