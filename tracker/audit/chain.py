"""The tamper-evident audit trail: each event holds the hash of the one before it in its chain.

One chain per regency, plus chain 0 (``NATIONAL``) for events of no regency (superadmins'
accounts, the system), rather than one chain for the whole install:

- a journalist who covers a regency cites that regency's head (the public pact page shows the
  head as of the regency's last midnight, stable for a day);
- writers of different regencies never wait for each other: appending locks one head row;
- a regency's chain is verified, and could be handed over, on its own.

Appending (``append``, called by ``tracker.audit.services.record`` for every event) locks the
chain's head row (``SELECT ... FOR UPDATE``: PostgreSQL and MariaDB hold the lock until the
COMMIT, so the next writer of that chain reads the head this one wrote; SQLite has one writer
at a time anyway), gives the event the next place, the head's hash as ``prev_hash``, and its
own hash, then moves the head. A unique (chain_id, chain_seq) constraint refuses any fork
that a missing lock would allow. Heads are cached for the rest of the transaction: an import
of thousands of rows locks each head once.

An event's hash is SHA-256 over a canonical JSON of everything it says (version 1): the chain,
its place, the previous hash, the instant (UTC, microseconds), actor, role, regency, action,
target, pact and changes (as the database returns them). ``verify`` recomputes every link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from tracker.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
NATIONAL = 0
_HEADS = "tracker.audit.heads"


def chain_of(regency_id: int | None) -> int:
    """Return the chain an event of this regency (None: of none) belongs to."""
    return regency_id if regency_id is not None else NATIONAL


def canonical_changes(changes: Any) -> Any:
    """Return ``changes`` as the database gives them back (JSON with ``default=str``)."""
    if changes is None:
        return None
    return json.loads(json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str))


def event_hash(
    *,
    chain_id: int,
    chain_seq: int,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_role: str | None,
    regency_id: int | None,
    action: str,
    target_type: str,
    target_id: int,
    pact_id: int | None,
    changes: Any,
) -> str:
    """Return the hash of an event: SHA-256 of its canonical JSON (version 1)."""
    document = {
        "v": 1,
        "chain": chain_id,
        "seq": chain_seq,
        "prev": prev_hash,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "regency_id": regency_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "pact_id": pact_id,
        "changes": canonical_changes(changes),
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        chain_id=event.chain_id, chain_seq=event.chain_seq, prev_hash=event.prev_hash,
        at=event.at, actor_id=event.actor_id, actor_role=event.actor_role,
        regency_id=event.regency_id, action=event.action, target_type=event.target_type,
        target_id=event.target_id, pact_id=event.pact_id, changes=event.changes,
    )  # fmt: skip


def _forget_heads(session: Session, transaction: SessionTransaction) -> None:
    # Any transaction or SAVEPOINT that ends may have changed what a head row holds.
    session.info.pop(_HEADS, None)


if not sa_event.contains(Session, "after_transaction_end", _forget_heads):
    sa_event.listen(Session, "after_transaction_end", _forget_heads)


def _lock(session: Session, chain_id: int) -> AuditChainHead | None:
    return session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.chain_id == chain_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def locked_head(session: Session, chain_id: int, at: datetime) -> AuditChainHead:
    """Return the head row of a chain, locked until the transaction ends (created if new)."""
    heads: dict[int, AuditChainHead] = session.info.setdefault(_HEADS, {})
    if chain_id in heads:
        return heads[chain_id]
    with session.no_autoflush:
        head = _lock(session, chain_id)
        if head is None:
            # A plain insert, not a locking read of a missing row first (on MariaDB two such
            # reads take gap locks and their inserts deadlock); a concurrent first writer makes
            # ours a duplicate, and the locking read then waits for its commit.
            try:
                with session.begin_nested():
                    session.execute(
                        insert(AuditChainHead).values(
                            chain_id=chain_id, length=0, last_hash=GENESIS, updated_at=at
                        )
                    )
            except IntegrityError:
                pass
            head = _lock(session, chain_id)
    if head is None:  # pragma: no cover - inserted just above
        raise RuntimeError(f"audit chain {chain_id} has no head")
    session.info.setdefault(_HEADS, {})[chain_id] = head
    return head


def append(session: Session, event: AuditEvent) -> None:
    """Make ``event`` the next link of its regency's chain (before it is added and flushed)."""
    head = locked_head(session, chain_of(event.regency_id), event.at)
    event.chain_id = head.chain_id
    event.chain_seq = head.length + 1
    event.prev_hash = head.last_hash
    event.hash = _hash_of(event)
    head.length = event.chain_seq
    head.last_hash = event.hash
    head.updated_at = event.at


def link_rows(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Give audit rows written in bulk (dicts of AuditEvent's columns) their links, in order."""
    for row in rows:
        head = locked_head(session, chain_of(row.get("regency_id")), row["at"])
        row.update(chain_id=head.chain_id, chain_seq=head.length + 1, prev_hash=head.last_hash)
        row["hash"] = event_hash(
            chain_id=row["chain_id"], chain_seq=row["chain_seq"], prev_hash=row["prev_hash"],
            at=row["at"], actor_id=row.get("actor_id"), actor_role=row.get("actor_role"),
            regency_id=row.get("regency_id"), action=row["action"],
            target_type=row["target_type"], target_id=row["target_id"],
            pact_id=row.get("pact_id"), changes=row.get("changes"),
        )  # fmt: skip
        head.length, head.last_hash, head.updated_at = row["chain_seq"], row["hash"], row["at"]


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold, and why."""

    chain_id: int
    chain_seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainState:
    """One chain as verified: its length, its last hash, and its first break if any."""

    chain_id: int
    length: int
    head_hash: str
    first_break: Break | None


def _events(session: Session, chain_id: int | None) -> Iterator[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.chain_id, AuditEvent.chain_seq)
    if chain_id is not None:
        query = query.where(AuditEvent.chain_id == chain_id)
    yield from session.execute(query.execution_options(yield_per=2000)).scalars()


def verify(session: Session, *, chain_id: int | None = None) -> list[ChainState]:
    """Recompute every link of every chain (or of one); return each chain's state, in order."""
    heads = {
        h.chain_id: (h.length, h.last_hash)
        for h in session.execute(select(AuditChainHead)).scalars()
        if chain_id is None or h.chain_id == chain_id
    }
    states: list[ChainState] = []
    current: int | None = None
    seq, last, broken = 0, GENESIS, None

    def close() -> None:
        if current is None:
            return
        found = broken
        length, head_hash = heads.pop(current, (0, GENESIS))
        if found is None and (length, head_hash) != (seq, last):
            found = Break(
                current, seq + 1, None,
                f"the chain's head says {length} events ending in {head_hash[:12]}, the events "
                f"end at {seq} (events removed at its end, or the head edited)",
            )  # fmt: skip
        states.append(ChainState(current, seq, last, found))

    for event in _events(session, chain_id):
        if event.chain_id != current:
            close()
            current, seq, last, broken = event.chain_id, 0, GENESIS, None
        if broken is None:
            if event.chain_seq != seq + 1:
                broken = Break(
                    current, seq + 1, event.id,
                    f"event {seq + 1} is missing (the next one is {event.chain_seq}): removed",
                )  # fmt: skip
            elif event.prev_hash != last:
                broken = Break(
                    current, event.chain_seq, event.id,
                    "its link to the event before does not match: that event was changed, or "
                    "this one was put in",
                )  # fmt: skip
            elif _hash_of(event) != event.hash:
                broken = Break(
                    current, event.chain_seq, event.id,
                    "what it says does not match its hash: the event was changed",
                )  # fmt: skip
        seq, last = event.chain_seq, event.hash
    close()
    # A head whose chain has no event left at all: every event was removed.
    for lost, (length, _) in sorted(heads.items()):
        if length:
            states.append(
                ChainState(lost, 0, GENESIS, Break(lost, 1, None, "every event was removed"))
            )
    return states


@dataclass(frozen=True)
class DailyHead:
    """The last link of a chain before a day began: what a journalist can cite that day."""

    chain_id: int
    chain_seq: int
    hash: str
    at: datetime


def head_before(session: Session, *, chain_id: int, before: datetime) -> DailyHead | None:
    """Return the chain's last event recorded before ``before`` (None: none yet)."""
    row = session.execute(
        select(AuditEvent.chain_seq, AuditEvent.hash, AuditEvent.at)
        .where(AuditEvent.chain_id == chain_id, AuditEvent.at < before)
        .order_by(AuditEvent.chain_seq.desc())
        .limit(1)
    ).first()
    return DailyHead(chain_id, row.chain_seq, row.hash, row.at) if row else None
