"""The AuditEvent table, and the head of each tamper-evident chain of events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, Str32, Str64


class AuditEvent(Base):
    """One state change: actor, action, target, what changed and when.

    Each event is a link of its regency's chain (``chain_id`` is the regency's id, 0 for events
    of no regency): it stores the hash of the event before it in that chain and its own hash over
    everything it says (tracker.audit.chain). Editing, deleting or inserting a row breaks the
    chain where it happened, which ``flask --app tracker audit verify`` reports.
    """

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("chain_id", "chain_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # Null for the system itself (demo loader, scheduler).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regencies.id"), index=True)
    # A stable English key, e.g. "pact.recorded"; the UI translates it.
    action: Mapped[Str64]
    target_type: Mapped[Str32]
    target_id: Mapped[int]
    # The pact the change belongs to (its own, or its finding's): one index serves a timeline.
    pact_id: Mapped[int | None] = mapped_column(ForeignKey("pacts.id"), index=True)
    changes: Mapped[dict[str, Any] | None]
    # The chain: which one, the place in it (1, 2, ...), the previous link's hash, its own.
    chain_id: Mapped[int]
    chain_seq: Mapped[int]
    prev_hash: Mapped[Str64]
    hash: Mapped[Str64]


class AuditChainHead(Base):
    """The last link of a chain: the row every writer of that chain locks to append."""

    __tablename__ = "audit_chain_heads"

    # A regency's id, or 0 (NATIONAL) for events of no regency; no foreign key: a chain outlives
    # nothing, but its head must not stop a test or an operator from removing a regency.
    chain_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    length: Mapped[int]
    last_hash: Mapped[Str64]
    updated_at: Mapped[datetime]
