"""The login limit per client address (Flask-Limiter), on a storage every worker shares.

Flask-Limiter keeps its counters in the storage named by ``RATELIMIT_STORAGE_URI``: Redis
(``redis://...``, with the redis package installed) or, by default, this database through
``DatabaseStorage`` (scheme ``tracker+database://``). The in-memory storage counts per process,
so several gunicorn workers would each allow the whole limit: the app allows it only in
development and tests (tracker.app).

The counters follow the real time, not the app's clock: a limit against a flood of requests
must expire even in a demo whose clock stands still (``TRACKER_FROZEN_NOW``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from datetime import UTC, datetime, timedelta
from typing import cast

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits.storage import Storage
from sqlalchemy import Connection, Engine, Table, delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from tracker.auth.models import RateLimitCounter
from tracker.db import insert_unless_present
from tracker.extensions import db

log = logging.getLogger(__name__)

DATABASE_STORAGE_URI = "tracker+database://"
# Windows expired this long ago are deleted when a new window starts (the table stays small).
_KEEP_EXPIRED = timedelta(days=1)


def client_address() -> str:
    """Return the client's address as the limit counts it: an IPv6 client by its /64 network
    (one household or server holds a whole /64), an IPv4 one by itself.

    Behind a reverse proxy, the address is the proxy's unless ``PROXY_COUNT`` says how many
    proxies to trust for X-Forwarded-For (tracker.app wraps the app in Werkzeug's ProxyFix).
    """
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


EXTENSION = "tracker.login_limiter"
_warned: set[str] = set()


def behind_an_unknown_proxy() -> bool:
    """Tell whether the request came through a reverse proxy the app was not told of.

    With PROXY_COUNT 0 and an X-Forwarded-For header from a loopback or private address,
    every visitor would share the proxy's address, and one guesser would shut the login for
    everyone: the per-address limit is skipped then (the per-address-string slow-down still
    holds), and the log says once what to set.
    """
    if int(current_app.config.get("PROXY_COUNT") or 0) > 0:
        return False
    if "X-Forwarded-For" not in request.headers:
        return False
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if not (peer.is_loopback or peer.is_private):
        return False
    if str(peer) not in _warned:
        _warned.add(str(peer))
        log.warning(
            "Requests come through a proxy at %s (X-Forwarded-For) but TRACKER_PROXY_COUNT is 0: "
            "the login limit per client address is off. Set TRACKER_PROXY_COUNT=1 behind nginx.",
            peer,
        )
    return True


def bind_limiter(app: Flask) -> Limiter:
    """Create the app's own Flask-Limiter (its RATELIMIT_* keys, set by tracker.app) and bind it.

    One per app, not one per process: the storage and the switch are the limiter's, and two
    apps (the test suite builds many) must not share them.
    """
    limiter = Limiter(key_func=client_address)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter


def app_limiter(app: Flask) -> Limiter:
    """Return the app's limiter (tests reset its counters)."""
    limiter = app.extensions[EXTENSION]
    assert isinstance(limiter, Limiter)  # noqa: S101 - set by bind_limiter
    return limiter


def _wall_now() -> datetime:
    # The real time on purpose (module docstring); Flask-Limiter compares with time.time().
    return datetime.now(UTC)  # noqa: TID251


def seconds_until(instant: float) -> int:
    """Return the whole seconds from now to a Unix time (at least 1), for Retry-After."""
    return max(1, math.ceil(instant - _wall_now().timestamp()))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Flask-Limiter's fixed-window counters in the ``rate_limit_counters`` table.

    Each change is its own short transaction on its own connection, committed at once: a
    counter is not part of the request's work, and it must count even when that work fails.
    """

    STORAGE_SCHEME = ["tracker+database"]  # noqa: RUF012 - as limits declares it

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        engine: Engine | None = None,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._bound = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def _engine(self) -> Engine:
        # The app's engine, looked up inside the request (the storage is built before it).
        return self._bound if self._bound is not None else db.engine

    def _writing(self) -> Connection:
        # On SQLite, take the write lock first (tracker.app's "begin" hook): a transaction
        # that reads, then writes, would fail at once while another worker writes.
        return self._engine().connect().execution_options(sqlite_begin="IMMEDIATE")

    @property
    def _table(self) -> Table:
        return cast(Table, RateLimitCounter.__table__)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's window (a new one if it expired); return the count."""
        now, hashed, table = _wall_now(), _hash(key), self._table
        with self._writing() as connection, connection.begin():
            insert_unless_present(
                connection,
                table,
                {"key_hash": hashed, "count": 0, "expires_at": now},
                key="key_hash",
            )
            counted, expires_at = connection.execute(
                select(table.c.count, table.c.expires_at)
                .where(table.c.key_hash == hashed)
                .with_for_update()
            ).one()
            if expires_at <= now:
                count, expires_at = amount, now + timedelta(seconds=expiry)
                connection.execute(delete(table).where(table.c.expires_at < now - _KEEP_EXPIRED))
            else:
                count = int(counted) + amount
            connection.execute(
                update(table)
                .where(table.c.key_hash == hashed)
                .values(count=count, expires_at=expires_at)
            )
        return int(count)

    def _window(self, key: str) -> tuple[int, datetime] | None:
        table = self._table
        with self._engine().connect() as connection:
            row = connection.execute(
                select(table.c.count, table.c.expires_at).where(table.c.key_hash == _hash(key))
            ).one_or_none()
        if row is None:
            return None
        counted, expires_at = row
        return None if expires_at <= _wall_now() else (int(counted), expires_at)

    def get(self, key: str) -> int:
        """Return the count of the key's current window (0 when none is open)."""
        window = self._window(key)
        return window[0] if window else 0

    def get_expiry(self, key: str) -> float:
        """Return when the key's window ends (now when none is open), as a Unix time."""
        window = self._window(key)
        return (window[1] if window else _wall_now()).timestamp()

    def check(self) -> bool:
        """Tell whether the database answers."""
        try:
            with self._engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every window; return how many there were."""
        table = self._table
        with self._writing() as connection, connection.begin():
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            connection.execute(delete(table))
        return int(count)

    def clear(self, key: str) -> None:
        """Forget the key's window."""
        table = self._table
        with self._writing() as connection, connection.begin():
            connection.execute(delete(table).where(table.c.key_hash == _hash(key)))
