"""A second login step for admins and superadmins: a TOTP secret on the account (issue 15).

``users.totp_secret`` (base32, null: no second step), when it was turned on, and the last time
step a code was accepted for (each code is good once).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column(
                "totp_enabled_at",
                sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
