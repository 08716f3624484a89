"""Schema of issue 15, audit chain and files: each audit event a link of its regency's chain.

Audit events get their chain (the regency's id, 0 for events of no regency), their place in it,
the hash of the event before and their own hash; audit_chain_heads holds each chain's last link,
the row a writer locks to append. Existing events are chained here in the order they were
written (by id), with a frozen copy of the hash (version 1 of tracker.audit.chain.event_hash: a
later change there must not change what this revision wrote; tests/migrations checks both agree).

Revision ID: 0015
Revises: 0014
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_role", sa.String),
    sa.column("regency_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("pact_id", sa.Integer),
    sa.column("changes", sa.Text),
    sa.column("chain_id", sa.Integer),
    sa.column("chain_seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
heads = sa.table(
    "audit_chain_heads",
    sa.column("chain_id", sa.Integer),
    sa.column("length", sa.Integer),
    sa.column("last_hash", sa.String),
    sa.column("updated_at", sa.DateTime),
)


def event_hash_v1(row, chain_id, chain_seq, prev_hash):
    """tracker.audit.chain.event_hash, version 1, over a row as the database holds it."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    document = {
        "v": 1,
        "chain": chain_id,
        "seq": chain_seq,
        "prev": prev_hash,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "actor_id": row.actor_id,
        "actor_role": row.actor_role,
        "regency_id": row.regency_id,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "pact_id": row.pact_id,
        "changes": json.loads(row.changes) if row.changes is not None else None,
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def upgrade():
    op.create_table(
        "audit_chain_heads",
        sa.Column("chain_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("chain_id", name=op.f("pk_audit_chain_heads")),
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("chain_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))

    connection = op.get_bind()
    state = {}  # chain -> (length, last hash, last instant)
    batch_rows = []

    def flush():
        if batch_rows:
            connection.execute(
                events.update()
                .where(events.c.id == sa.bindparam("event_id"))
                .values(
                    chain_id=sa.bindparam("c"),
                    chain_seq=sa.bindparam("s"),
                    prev_hash=sa.bindparam("p"),
                    hash=sa.bindparam("h"),
                ),
                batch_rows,
            )
            batch_rows.clear()

    # A page at a time by id (PyMySQL cannot run the updates while a streamed result is open).
    after = 0
    while True:
        rows = connection.execute(
            sa.select(events).where(events.c.id > after).order_by(events.c.id).limit(5000)
        ).all()
        if not rows:
            break
        after = rows[-1].id
        _chain(rows, state, batch_rows, flush)
    flush()
    _finish(state)


def _chain(rows, state, batch_rows, flush):
    for row in rows:
        chain_id = row.regency_id if row.regency_id is not None else 0
        length, last, _ = state.get(chain_id, (0, GENESIS, None))
        digest = event_hash_v1(row, chain_id, length + 1, last)
        state[chain_id] = (length + 1, digest, row.at)
        batch_rows.append(
            {"event_id": row.id, "c": chain_id, "s": length + 1, "p": last, "h": digest}
        )
        if len(batch_rows) >= 1000:
            flush()


def _finish(state):
    if state:
        op.bulk_insert(
            heads,
            [
                {"chain_id": chain_id, "length": length, "last_hash": last, "updated_at": at}
                for chain_id, (length, last, at) in sorted(state.items())
            ],
        )

    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("chain_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint(
            op.f("uq_audit_events_chain_id_chain_seq"), ["chain_id", "chain_seq"]
        )


def downgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_chain_id_chain_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("chain_seq")
        batch.drop_column("chain_id")
    op.drop_table("audit_chain_heads")
