"""Count the attempts a notice itself failed apart from those an SMTP outage defeated.

Only ``failures`` spends the retry budget, so a notice that waited out a long outage is not
failed by its first refusal afterwards. Existing rows: every attempt not recorded as an
outage counts as a failure.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OUTAGE_PREFIX = "SMTP server unavailable: "


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
    notifications = sa.table(
        "notifications",
        sa.column("attempts", sa.Integer()),
        sa.column("failures", sa.Integer()),
        sa.column("last_error", sa.Text()),
    )
    op.execute(
        notifications.update()
        .where(
            sa.or_(
                notifications.c.last_error.is_(None),
                ~notifications.c.last_error.like(OUTAGE_PREFIX + "%"),
            )
        )
        .values(failures=notifications.c.attempts)
    )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("failures")
