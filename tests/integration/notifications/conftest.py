"""Fixtures for the notice tests: real SMTP servers and outbox rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.smtp import HangingServer, SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port, collecting what it accepts."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def hanging_smtp() -> Iterator[HangingServer]:
    """A server that accepts TCP connections and never answers."""
    with HangingServer() as server:
        yield server
