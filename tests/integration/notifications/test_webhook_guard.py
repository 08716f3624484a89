"""A webhook is checked again when sent, goes to the address checked, and tells no port scan."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_regency
from tests.integration.notifications.delivery_helpers import add_notice, settings_for
from tracker import netguard
from tracker.netguard import Destination, parse_networks
from tracker.notifications import webhook
from tracker.notifications.delivery import deliver_pending
from tracker.notifications.models import Notification

SECRET = "rahasia-relay-wa-0123456789abcdef"


@dataclass
class Relay:
    """A real HTTP server on loopback that records the Host header of each POST."""

    port: int = 0
    hosts: list[str] = field(default_factory=list)


@pytest.fixture
def relay() -> Iterator[Relay]:
    state = Relay()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            state.hosts.append(self.headers["Host"])
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _notice(session: Session, now: datetime, url: str) -> Notification:
    regency = make_regency(session, now=now)
    # Written straight into the row, as if saved before the check existed (or by hand).
    regency.webhook_url, regency.webhook_secret = url, SECRET
    session.flush()
    return add_notice(session, regency_id=regency.id, now=now, webhook=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]", "0x7f000001", "localhost"])
def test_a_stored_inner_address_is_refused_when_sending_and_nothing_reaches_it(
    session: Session, now: datetime, relay: Relay, host: str
) -> None:
    row = _notice(session, now, f"http://{host}:{relay.port}/pantau")

    report = deliver_pending(session, settings=settings_for(None), now=now, worker_id="w1")

    assert relay.hosts == [] and report.webhooks_retrying == 1
    session.refresh(row)
    assert row.webhook_error == webhook.REFUSED_ADDRESS


def test_the_outbox_says_the_relay_could_not_be_reached_never_why(
    session: Session, now: datetime
) -> None:
    # A closed port and an open one that is not HTTP would read differently in a raw error.
    closed = _notice(session, now, f"http://127.0.0.1:{_free_port()}/pantau")
    loopback = parse_networks("127.0.0.0/8")

    deliver_pending(
        session, settings=settings_for(None, webhook_allowed_networks=loopback), now=now,
        worker_id="w1",
    )  # fmt: skip

    session.refresh(closed)
    assert closed.webhook_error == webhook.UNREACHABLE
    assert "refused" not in closed.webhook_error.lower() and "errno" not in closed.webhook_error


def test_the_request_goes_to_the_address_that_was_checked(
    session: Session, now: datetime, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNS answer that changes after the check (rebinding) is never asked for."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    asked: list[str] = []

    def resolve(host, port, *args):  # type: ignore[no-untyped-def]
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    # DNS is the world's edge: the test answers for it, first with the allowed loopback.
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    row = _notice(session, now, f"http://relay.kab-uji.example:{relay.port}/pantau")
    loopback = parse_networks("127.0.0.1/32")

    report = deliver_pending(
        session, settings=settings_for(None, webhook_allowed_networks=loopback), now=now,
        worker_id="w1",
    )  # fmt: skip

    assert report.webhooks_sent == 1
    # Resolved once; connected to 127.0.0.1 under the configured name (TLS would check it).
    assert asked == ["relay.kab-uji.example"]
    assert relay.hosts == [f"relay.kab-uji.example:{relay.port}"]
    session.refresh(row)
    assert row.webhook_state == "sent"


def test_a_name_that_now_resolves_inside_is_refused_when_sending(
    session: Session, now: datetime, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host, port, *args):  # type: ignore[no-untyped-def]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    row = _notice(session, now, f"http://relay.kab-uji.example:{relay.port}/pantau")

    deliver_pending(session, settings=settings_for(None), now=now, worker_id="w1")

    assert relay.hosts == []
    session.refresh(row)
    assert row.webhook_error == webhook.REFUSED_ADDRESS


def test_https_checks_the_certificate_against_the_name_while_connecting_to_the_address(
    tmp_path: Path,
) -> None:
    if shutil.which("openssl") is None:  # pragma: no cover - Debian has it
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "relay.pem", tmp_path / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=relay.kab-uji.example",
         "-addext", "subjectAltName=DNS:relay.kab-uji.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            hosts.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    trusting = ssl.create_default_context(cafile=str(cert))
    try:
        named = Destination("https", "relay.kab-uji.example", port, "/hook", ("127.0.0.1",))
        assert netguard.post(named, body=b"{}", headers={}, timeout=5, context=trusting) == 200
        assert hosts == [f"relay.kab-uji.example:{port}"]
        # The same address under another name: the certificate does not name it.
        other = Destination("https", "other.kab-uji.example", port, "/hook", ("127.0.0.1",))
        with pytest.raises(OSError, match="could be reached") as refused:
            netguard.post(other, body=b"{}", headers={}, timeout=5, context=trusting)
        assert isinstance(refused.value.__cause__, ssl.SSLCertVerificationError)
        assert len(hosts) == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
