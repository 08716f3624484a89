"""Outbox delivery columns, escalation ladder, agency heads, webhooks, locales, followers, snapshots.

The notifications table was never written before this revision (nothing filled the outbox),
so it is recreated with its delivery columns rather than altered.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_snapshots")),
        sa.UniqueConstraint("as_of", name=op.f("uq_data_snapshots_as_of")),
    )
    op.create_table(
        "scheduler_locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column(
            "acquired_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "expires_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_locks")),
    )
    op.create_table(
        "escalation_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("rung", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=8), server_default="id", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "rung >= 1 AND rung <= 3", name=op.f("ck_escalation_contacts_rung_range")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"],
            ["regencies.id"],
            name=op.f("fk_escalation_contacts_regency_id_regencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_contacts")),
        sa.UniqueConstraint(
            "regency_id", "rung", "email", name=op.f("uq_escalation_contacts_regency_id_rung_email")
        ),
    )
    with op.batch_alter_table("escalation_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_contacts_regency_id"), ["regency_id"], unique=False
        )

    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=8), server_default="id", nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=False),
        sa.Column("unsubscribe_token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "confirm_expires_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "confirmed_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column(
            "unsubscribed_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column("last_status", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], name=op.f("fk_followers_pact_id_pacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_followers_confirm_token_hash")),
        sa.UniqueConstraint("pact_id", "email", name=op.f("uq_followers_pact_id_email")),
        sa.UniqueConstraint(
            "unsubscribe_token_hash", name=op.f("uq_followers_unsubscribe_token_hash")
        ),
    )
    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followers_pact_id"), ["pact_id"], unique=False)

    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("head_email", sa.String(length=254), nullable=True))

    op.drop_table("notifications")
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=True),
        sa.Column("follower_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("lang", sa.String(length=8), server_default="id", nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column(
            "body_text",
            sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "body_html",
            sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column(
            "attachment",
            sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=500), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column(
            "claimed_until",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("webhook_state", sa.String(length=32), nullable=True),
        sa.Column("webhook_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("webhook_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "sent_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["follower_id"], ["followers.id"], name=op.f("fk_notifications_follower_id_followers")
        ),
        sa.ForeignKeyConstraint(
            ["pact_id"], ["pacts.id"], name=op.f("fk_notifications_pact_id_pacts")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_notifications_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notifications_message_id")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_follower_id"), ["follower_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_pact_id"), ["pact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_regency_id"), ["regency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_state"), ["state"], unique=False)

    with op.batch_alter_table("regencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("webhook_secret", sa.String(length=64), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=8), server_default="id", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locale")

    with op.batch_alter_table("regencies", schema=None) as batch_op:
        batch_op.drop_column("webhook_secret")
        batch_op.drop_column("webhook_url")

    op.drop_table("notifications")
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "sent_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["pact_id"], ["pacts.id"], name=op.f("fk_notifications_pact_id_pacts")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_notifications_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_pact_id"), ["pact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_regency_id"), ["regency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_state"), ["state"], unique=False)

    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("head_email")
        batch_op.drop_column("head_name")

    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followers_pact_id"))

    op.drop_table("followers")
    with op.batch_alter_table("escalation_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_contacts_regency_id"))

    op.drop_table("escalation_contacts")
    op.drop_table("scheduler_locks")
    op.drop_table("data_snapshots")
