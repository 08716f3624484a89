"""Real mail servers for the tests: aiosmtpd on a free local port, and one that never answers.

``SmtpServer`` collects every message it accepts (parsed, with its envelope) and can refuse
chosen recipients, permanently (550) or for now (450). ``HangingServer`` accepts TCP
connections and never says a word, like a firewall that swallows packets halfway. Both are
context managers; ``settings()`` gives the Flask config keys that point the app at them.
"""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Received:
    """One accepted message: the envelope and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        """Return the Message-ID header."""
        return str(self.message["Message-ID"])


@dataclass
class _Handler:
    """aiosmtpd handler: refuse chosen recipients, keep the rest."""

    messages: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._handler = _Handler()
        self._controller: Controller | None = None

    # --- control --------------------------------------------------------------------------

    def start(self) -> SmtpServer:
        """Start listening (again, after stop())."""
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening; what was received is kept."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def refuse(self, address: str, answer: str = "550 5.1.1 No such mailbox here") -> None:
        """Refuse ``address`` at RCPT TO with ``answer`` (a 4xx answer means: try later)."""
        self._handler.refuse[address.lower()] = answer

    def accept_all(self) -> None:
        """Stop refusing anyone."""
        self._handler.refuse.clear()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Return the Flask config keys that send mail here."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, **extra}

    # --- what arrived ---------------------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        """Return the accepted messages, oldest first."""
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def sessions(self) -> int:
        """Return how many SMTP sessions (EHLO greetings) the server saw."""
        return self._handler.sessions

    def message_ids(self) -> list[str]:
        """Return the Message-ID of every accepted message (repeats included)."""
        return [m.message_id for m in self.messages]

    def clear(self) -> None:
        """Forget what arrived so far."""
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.sessions = 0


class HangingServer:
    """Accepts connections on 127.0.0.1 and never answers (nor closes) until stopped."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((self.host, 0))
        # Listening before the thread starts: a client never finds the port closed.
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port: int = self._socket.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def __enter__(self) -> HangingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._socket.close()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Return the Flask config keys that send mail here."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, **extra}
