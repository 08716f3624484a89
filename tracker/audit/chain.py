"""The tamper-evident audit trail: each event holds the hash of the one before it in its chain.

One chain per regency, plus chain 0 (``NATIONAL``) for events of no regency (superadmins'
accounts, the system), rather than one chain for the whole install:

- a journalist who covers a regency cites that regency's head (the public pact page shows the
  head as of the regency's last midnight, stable for a day);
- writers of different regencies never wait for each other: appending locks one head row;
- a regency's chain is verified, and could be handed over, on its own.

Appending (``append``, called by ``tracker.audit.services.record`` for every event) does not
link the event at once: it is written with a provisional place (a negative chain id of its own
connection's, so that no two transactions' provisional rows can collide), and every event of
the transaction is linked just before its COMMIT (``link_pending``, run by the session's
``before_commit``). Then the heads of all the chains the transaction wrote to are locked in
ascending chain id (``SELECT ... FOR UPDATE``: PostgreSQL and MariaDB hold the lock until the
COMMIT, so the next writer of that chain reads the head this one wrote; SQLite has one writer at
a time anyway), each event gets the next place of its chain, the head's hash as ``prev_hash``,
and its own hash over what the database holds, and the heads move. Every transaction locks heads
in the same order, so two that write to the same chains (the demo generator writes to every
regency's and the national one, a superadmin's work may write to two) queue instead of
deadlocking; and a head is locked only for the COMMIT, not for the whole transaction. A unique
(chain_id, chain_seq) constraint refuses any fork that a missing lock would allow. Events are
linked in the order they were written (their ids); a SAVEPOINT rolled back takes its events with
it before they are linked.

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
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from tracker.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
NATIONAL = 0
# session.info: this transaction's provisional chain id and the last provisional place used.
_PENDING = "tracker.audit.pending"
_CONNECTION_ID = "tracker.audit.connection_id"
# What a provisional link holds until the COMMIT links the event (never committed as such).
UNLINKED = "unlinked"


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


def _provisional_chain(session: Session) -> int:
    """Return a chain id no other open transaction uses: minus this connection's id."""
    connection = session.connection()
    known = connection.info.get(_CONNECTION_ID)  # kept with the database connection itself
    if known is None:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            known = connection.scalar(text("SELECT pg_backend_pid()"))
        elif dialect in ("mysql", "mariadb"):
            known = connection.scalar(text("SELECT CONNECTION_ID()"))
        else:  # SQLite: one writer at a time, so one provisional chain is enough.
            known = 0
        connection.info[_CONNECTION_ID] = known
    # Two connections open at once never share an id; kept within a 32-bit column.
    return -(int(known or 0) % 2_000_000_000) - 1


def _provisional_place(session: Session) -> tuple[int, int]:
    state: list[int] | None = session.info.get(_PENDING)
    if state is None:
        state = session.info[_PENDING] = [_provisional_chain(session), 0]
    state[1] += 1
    return state[0], state[1]


def append(session: Session, event: AuditEvent) -> None:
    """Give ``event`` a provisional place; it becomes the next link of its regency's chain at
    the COMMIT (``link_pending``). Call before it is added and flushed."""
    event.chain_id, event.chain_seq = _provisional_place(session)
    event.prev_hash = event.hash = UNLINKED


def link_rows(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Give audit rows written in bulk (dicts of AuditEvent's columns) their provisional places;
    they are linked at the COMMIT like every other event, in the order they are inserted."""
    for row in rows:
        chain_id, chain_seq = _provisional_place(session)
        row.update(chain_id=chain_id, chain_seq=chain_seq, prev_hash=UNLINKED, hash=UNLINKED)


def _lock(session: Session, chain_id: int) -> AuditChainHead | None:
    return session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.chain_id == chain_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def locked_head(session: Session, chain_id: int, at: datetime) -> AuditChainHead:
    """Return the head row of a chain, locked until the transaction ends (created if new)."""
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
    return head


def link_pending(session: Session) -> int:
    """Link every event this transaction wrote, locking their chains' heads in ascending id.

    Run by the session just before its COMMIT; return how many events were linked. Calling it
    earlier (a test reading its own events) is allowed, but events written after that are
    linked at the COMMIT with a second round of locks, which is no longer in one order.
    """
    state: list[int] | None = session.info.pop(_PENDING, None)
    if state is None:
        return 0
    session.flush()
    table = AuditEvent.__table__
    rows = session.execute(
        select(table).where(table.c.chain_id == state[0]).order_by(table.c.id)
    ).all()
    if not rows:
        return 0
    chains = sorted({chain_of(row.regency_id) for row in rows})
    at = rows[0].at
    known = set(
        session.scalars(select(AuditChainHead.chain_id).where(AuditChainHead.chain_id.in_(chains)))
    )
    if known != set(chains) and session.get_bind().dialect.name != "sqlite":
        # A chain's first events: its head is created under the national head's lock (chain 0,
        # first in every order), one transaction at a time. Two transactions inserting the
        # same new heads would wait on each other's duplicates, which MariaDB calls a deadlock.
        locked_head(session, NATIONAL, at)
    # The one order every transaction locks heads in: ascending chain id.
    heads = {chain_id: locked_head(session, chain_id, at) for chain_id in chains}
    links: list[dict[str, Any]] = []
    for row in rows:
        head = heads[chain_of(row.regency_id)]
        seq, prev = head.length + 1, head.last_hash
        own = event_hash(
            chain_id=head.chain_id, chain_seq=seq, prev_hash=prev, at=row.at,
            actor_id=row.actor_id, actor_role=row.actor_role, regency_id=row.regency_id,
            action=row.action, target_type=row.target_type, target_id=row.target_id,
            pact_id=row.pact_id, changes=row.changes,
        )  # fmt: skip
        links.append(
            {"id": row.id, "chain_id": head.chain_id, "chain_seq": seq, "prev_hash": prev,
             "hash": own}
        )  # fmt: skip
        head.length, head.last_hash, head.updated_at = seq, own, row.at
    # By primary key, as one executemany.
    session.execute(update(AuditEvent), links)
    # The events this session holds now say what the database says, without another UPDATE.
    for link in links:
        held = session.identity_map.get((AuditEvent, (link["id"],), None))
        if isinstance(held, AuditEvent):
            for name in ("chain_id", "chain_seq", "prev_hash", "hash"):
                set_committed_value(held, name, link[name])
    return len(links)


def _link_before_commit(session: Session) -> None:
    # A SAVEPOINT released is not the COMMIT: its events are linked with the transaction's.
    if not session.in_nested_transaction():
        link_pending(session)


def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    # The transaction ended (committed, its events linked, or rolled back, its events gone).
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


for _name, _listener in (
    ("before_commit", _link_before_commit),
    ("after_transaction_end", _forget_pending),
):
    if not sa_event.contains(Session, _name, _listener):
        sa_event.listen(Session, _name, _listener)


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
