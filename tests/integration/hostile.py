"""What a refused request must leave as it was: every row of every table that holds a record.

The login bookkeeping (a session's last use, the login slow-down and rate-limit counters, the
scheduler's lock) moves with any request, refused or not, and is left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.integration.workflow import snapshot
from tracker.db import Base

BOOKKEEPING = frozenset(
    {"login_sessions", "login_throttles", "rate_limit_counters", "scheduler_locks"}
)
RECORD_TABLES = tuple(sorted(set(Base.metadata.tables) - BOOKKEEPING))


def records(session: Session) -> dict[str, list[Any]]:
    """Every row of every record table, as the test's transaction sees them."""
    session.expire_all()
    return snapshot(session, RECORD_TABLES)
