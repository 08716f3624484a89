"""Schema of issue 14, national scale: each pact keeps the facts its lists filter and order by.

Pacts get their deadline in force, their finding counts, the local day their last finding was
closed and their standing (running, undated, fulfilled, fulfilled late, withdrawn, decided, not
recorded), kept by tracker.pacts.stored from then on; existing pacts are filled here from their
rows. Two indexes serve the lists: (standing, deadline) for a status filter (a running pact is on
track, due soon or overdue by its deadline against its regency's today), (signed_on, id) for the
newest-first order and the year filter.

Revision ID: 0013
Revises: 0012
"""

from collections import defaultdict
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from tracker.pacts.rules import PactOutcome, effective_deadline, pact_standing

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

STANDINGS = (
    "running", "undated", "fulfilled", "fulfilled_late", "withdrawn", "decided", "not_recorded",
)  # fmt: skip

pacts = sa.table(
    "pacts",
    sa.column("id", sa.Integer),
    sa.column("agency_id", sa.Integer),
    sa.column("signed_on", sa.Date),
    sa.column("period_months", sa.Integer),
    sa.column("withdrawn_at", sa.DateTime),
    sa.column("outcome", sa.String),
    sa.column("current_deadline_on", sa.Date),
    sa.column("findings_total", sa.Integer),
    sa.column("findings_closed", sa.Integer),
    sa.column("findings_unresolvable", sa.Integer),
    sa.column("last_closed_on", sa.Date),
    sa.column("standing", sa.String),
)
agencies = sa.table("agencies", sa.column("id", sa.Integer), sa.column("regency_id", sa.Integer))
regencies = sa.table("regencies", sa.column("id", sa.Integer), sa.column("timezone", sa.String))
findings = sa.table(
    "findings",
    sa.column("pact_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("closed_at", sa.DateTime),
)
extensions = sa.table(
    "pact_extensions", sa.column("pact_id", sa.Integer), sa.column("new_deadline_on", sa.Date)
)


def upgrade():
    # Plain ADD COLUMNs, not a batch: SQLite would copy the table, and its foreign keys refuse
    # to drop a pacts table that findings point at (SQLite takes the CHECK inline).
    op.add_column("pacts", sa.Column("current_deadline_on", sa.Date(), nullable=True))
    for name in ("findings_total", "findings_closed", "findings_unresolvable"):
        op.add_column("pacts", sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.add_column("pacts", sa.Column("last_closed_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # Alembic leaves out the CHECK of an added column on SQLite; SQLite takes it inline.
        allowed = ", ".join(f"'{v}'" for v in STANDINGS)
        op.execute(
            "ALTER TABLE pacts ADD COLUMN standing VARCHAR(32) DEFAULT 'running' NOT NULL"
            f" CONSTRAINT ck_pacts_standing CHECK (standing IN ({allowed}))"
        )
    else:
        op.add_column(
            "pacts",
            sa.Column(
                "standing",
                sa.Enum(*STANDINGS, name="standing", native_enum=False, create_constraint=True,
                        length=32),
                server_default="running",
                nullable=False,
            ),
        )  # fmt: skip
    op.create_index(
        "ix_pacts_standing_current_deadline_on", "pacts", ["standing", "current_deadline_on"]
    )
    op.create_index("ix_pacts_signed_on_id", "pacts", ["signed_on", "id"])
    _fill()


def _fill():
    """Compute every existing pact's stored facts from its rows, as tracker.pacts.stored does."""
    bind = op.get_bind()
    closed = findings.c.status == "closed"
    counts = {
        r.pact_id: r
        for r in bind.execute(
            sa.select(
                findings.c.pact_id,
                sa.func.count().label("total"),
                sa.func.sum(sa.case((closed, 1), else_=0)).label("closed"),
                sa.func.sum(sa.case((findings.c.status == "unresolvable", 1), else_=0)).label(
                    "unresolvable"
                ),
                sa.func.max(sa.case((closed, findings.c.closed_at))).label("last_closed_at"),
            )
            .where(findings.c.pact_id.is_not(None))
            .group_by(findings.c.pact_id)
        )
    }
    extended = defaultdict(lambda: None)
    for pact_id, new in bind.execute(sa.select(extensions.c.pact_id, extensions.c.new_deadline_on)):
        extended[pact_id] = max(new, extended[pact_id] or new)
    values = []
    for p in bind.execute(
        sa.select(
            pacts.c.id, pacts.c.signed_on, pacts.c.period_months, pacts.c.withdrawn_at,
            pacts.c.outcome, regencies.c.timezone,
        )
        .join(agencies, agencies.c.id == pacts.c.agency_id)
        .join(regencies, regencies.c.id == agencies.c.regency_id)
    ):  # fmt: skip
        c = counts.get(p.id)
        total = int(c.total) if c else 0
        done = int(c.closed or 0) if c else 0
        unresolvable = int(c.unresolvable or 0) if c else 0
        last_at = c.last_closed_at if c else None
        if isinstance(last_at, str):  # SQLite hands back text from an aggregate
            last_at = sa.DateTime().result_processor(bind.dialect, None)(last_at)
        last_on = (
            last_at.replace(tzinfo=UTC).astimezone(ZoneInfo(p.timezone)).date() if last_at else None
        )
        deadline_on = effective_deadline(p.signed_on, p.period_months, extended[p.id])
        standing = pact_standing(
            deadline_on=deadline_on, findings_total=total,
            findings_open=total - done - unresolvable, last_closed_on=last_on,
            withdrawn=p.withdrawn_at is not None,
            outcome=PactOutcome(p.outcome) if p.outcome else None,
        )  # fmt: skip
        values.append(
            {
                "pid": p.id, "deadline": deadline_on, "total": total, "done": done,
                "unresolvable": unresolvable, "last_on": last_on, "standing": standing.value,
            }
        )  # fmt: skip
    if values:
        bind.execute(
            pacts.update()
            .where(pacts.c.id == sa.bindparam("pid"))
            .values(
                current_deadline_on=sa.bindparam("deadline"),
                findings_total=sa.bindparam("total"),
                findings_closed=sa.bindparam("done"),
                findings_unresolvable=sa.bindparam("unresolvable"),
                last_closed_on=sa.bindparam("last_on"),
                standing=sa.bindparam("standing"),
            ),
            values,
        )


def downgrade():
    # The CHECK constraint of the enum column goes first: SQLite's batch copy keeps it.
    with op.batch_alter_table("pacts") as batch:
        batch.drop_constraint(op.f("ck_pacts_standing"), type_="check")
    with op.batch_alter_table("pacts") as batch:
        batch.drop_index("ix_pacts_signed_on_id")
        batch.drop_index("ix_pacts_standing_current_deadline_on")
        batch.drop_column("standing")
        batch.drop_column("last_closed_on")
        for name in ("findings_unresolvable", "findings_closed", "findings_total"):
            batch.drop_column(name)
        batch.drop_column("current_deadline_on")
