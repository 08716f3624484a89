"""Create the initial schema: regencies, agencies, assessments, pacts, findings, users, audit, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=True),
        sa.Column("is_provisional", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_schemes")),
        sa.UniqueConstraint("name", name=op.f("uq_assessment_schemes_name")),
    )
    op.create_table(
        "regencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("province", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regencies")),
        sa.UniqueConstraint("slug", name=op.f("uq_regencies_slug")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_agencies_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("regency_id", "slug", name=op.f("uq_agencies_regency_id_slug")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_regency_id"), ["regency_id"], unique=False)

    op.create_table(
        "assessment_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("min_score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("max_score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column(
            "zone",
            sa.Enum(
                "green",
                "yellow",
                "red",
                name="zone",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.String(length=2), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "min_score <= max_score", name=op.f("ck_assessment_bands_min_below_max")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["assessment_schemes.id"],
            name=op.f("fk_assessment_bands_scheme_id_assessment_schemes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_bands")),
        sa.UniqueConstraint(
            "scheme_id", "min_score", name=op.f("uq_assessment_bands_scheme_id_min_score")
        ),
    )
    with op.batch_alter_table("assessment_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_bands_scheme_id"), ["scheme_id"], unique=False
        )

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_assessments_score_range")),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_assessments_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("regency_id", "year", name=op.f("uq_assessments_regency_id_year")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_regency_id"), ["regency_id"], unique=False)

    op.create_table(
        "pacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("signatory_name", sa.String(length=200), nullable=True),
        sa.Column("signatory_title", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("period_months", sa.Integer(), server_default="3", nullable=False),
        sa.Column("pledge", sa.Text(), nullable=False),
        sa.Column("sanction", sa.String(length=500), nullable=True),
        sa.Column("witnesses", sa.String(length=500), nullable=True),
        sa.Column(
            "withdrawn_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(withdrawn_at IS NULL AND withdrawal_reason IS NULL) OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name=op.f("ck_pacts_withdrawal_has_reason"),
        ),
        sa.CheckConstraint(
            "period_months >= 1 AND period_months <= 60", name=op.f("ck_pacts_period_range")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_pacts_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pacts")),
        sa.UniqueConstraint("agency_id", "reference", name=op.f("uq_pacts_agency_id_reference")),
    )
    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pacts_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "unit_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_unit_results_score_range")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_unit_results_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_results")),
        sa.UniqueConstraint("agency_id", "year", name=op.f("uq_unit_results_agency_id_year")),
    )
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_results_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "superadmin",
                "admin",
                "observer",
                "opd",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("regency_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_users_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_users_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_regency_id"), ["regency_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("regency_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_audit_events_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_regency_id"), ["regency_id"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "input",
                "process",
                "output",
                "complaints",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "submitted",
                "returned",
                "closed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "closed_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_findings_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], name=op.f("fk_findings_pact_id_pacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_pact_id"), ["pact_id"], unique=False)

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

    op.create_table(
        "pact_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("previous_deadline_on", sa.Date(), nullable=False),
        sa.Column("new_deadline_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "new_deadline_on > previous_deadline_on",
            name=op.f("ck_pact_extensions_extends_forward"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_pact_extensions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pact_id"], ["pacts.id"], name=op.f("fk_pact_extensions_pact_id_pacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_extensions")),
    )
    with op.batch_alter_table("pact_extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pact_extensions_pact_id"), ["pact_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "photo",
                "pdf",
                "link",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("content_type", sa.String(length=64), nullable=True),
        sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "uploaded_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_evidence_finding_id_findings")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "approve",
                "return",
                name="decision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("is_internal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_reviews_finding_id_findings")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_finding_id"), ["finding_id"], unique=False)


def downgrade():
    # Dropping a table drops its indexes (MariaDB refuses to drop an index a foreign key uses).
    op.drop_table("reviews")
    op.drop_table("evidence")
    op.drop_table("pact_extensions")
    op.drop_table("notifications")
    op.drop_table("findings")
    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("unit_results")
    op.drop_table("pacts")
    op.drop_table("assessments")
    op.drop_table("assessment_bands")
    op.drop_table("agencies")
    op.drop_table("regencies")
    op.drop_table("assessment_schemes")
