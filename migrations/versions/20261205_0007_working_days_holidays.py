"""Schema of issue 13, part E (working days): the holiday calendar, seeded for 2018-2025.

``holidays`` holds the days offices are closed besides weekends: national holidays and cuti
bersama, each with the decree it comes from. The seed (tracker/workdays/catalogue.py, which says
why it stops there) covers 2018-2025; later years are added on /staf/hari-libur.

Revision ID: 0007
Revises: 0006
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from tracker.workdays.catalogue import HOLIDAYS

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS = ("holiday", "cuti_bersama")
SEEDED_AT = datetime(2026, 12, 5, tzinfo=UTC).replace(tzinfo=None)


def upgrade():
    table = op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_holidays_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )
    op.bulk_insert(
        table,
        [
            {"day": day, "kind": kind, "name": name, "source": source, "created_at": SEEDED_AT}
            for day, kind, name, source in HOLIDAYS
        ],
    )


def downgrade():
    op.drop_table("holidays")
