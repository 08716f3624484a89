"""The record, true to its sources (issue 12).

- pacts: a recorded outcome (the regent's decision, or "not recorded") and a target;
- findings: SIPTL's fourth state, "tidak dapat ditindaklanjuti", with its time and reason;
- assessments and unit results: a score, only a zone, or "not assessed"; rank; dimension scores;
- assessment_notes: notes a source gives for a regency in general, not per agency;
- commitments (regency-wide pacts, MoUs, cooperation agreements) and regency_events;
- schemes: 2013–2014 as provisional, and the black zone of the provisional 2025 scheme.

Revision ID: 0006
Revises: 0005
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FINDING_STATUSES = ("open", "in_progress", "submitted", "returned", "closed")
ZONES = ("green", "yellow", "red")
RESULT_SHAPE = (
    "(result = 'scored' AND score IS NOT NULL AND zone IS NULL)"
    " OR (result = 'zone_only' AND score IS NULL AND zone IS NOT NULL)"
    " OR (result = 'not_assessed' AND score IS NULL AND zone IS NULL)"
)
TARGET_HAS_YEAR = (
    "(target_kind IS NULL AND target_year IS NULL)"
    " OR (target_kind IS NOT NULL AND target_year IS NOT NULL)"
)
schemes = sa.table(
    "assessment_schemes",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("first_year", sa.Integer),
    sa.column("last_year", sa.Integer),
    sa.column("is_provisional", sa.Boolean),
)
bands = sa.table(
    "assessment_bands",
    sa.column("scheme_id", sa.Integer),
    sa.column("min_score", sa.Numeric(5, 2)),
    sa.column("max_score", sa.Numeric(5, 2)),
    sa.column("zone", sa.String),
    sa.column("grade", sa.String),
    sa.column("label", sa.String),
)
EARLY_SCHEME = "Penilaian Kepatuhan 2013–2014 (provisional)"
EARLY_BANDS = (
    ("81.00", "100.00", "green", None, "kepatuhan tinggi"),
    ("51.00", "80.99", "yellow", None, "kepatuhan sedang"),
    ("0.00", "50.99", "red", None, "kepatuhan rendah"),
)
OPINI_SCHEME = "Opini Ombudsman 2025– (provisional)"


def _enum_check(table, column, values):
    """Replace the CHECK constraint of a non-native enum column with one allowing ``values``."""
    name = f"ck_{table}_{column}"
    allowed = ", ".join(f"'{v}'" for v in values)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(table, recreate="always") as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), f"{column} IN ({allowed})")
    else:
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, f"{column} IN ({allowed})")


def _scheme_id(name):
    bind = op.get_bind()
    return bind.execute(sa.select(schemes.c.id).where(schemes.c.name == name)).scalar()


def upgrade():
    op.create_table(
        "assessment_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
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
            nullable=True,
        ),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("applies_to", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_assessment_notes_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_notes")),
    )
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_notes_regency_id"), ["regency_id"], unique=False
        )

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "regency_pact",
                "mou",
                "cooperation",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_year", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("parties", sa.String(length=1000), nullable=True),
        sa.Column("signatories", sa.String(length=1000), nullable=True),
        sa.Column("commitments", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "target_kind",
            sa.Enum(
                "zone",
                "grade",
                "score",
                "improve",
                name="target_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("target_value", sa.String(length=8), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "(target_kind IS NULL AND target_year IS NULL) OR (target_kind IS NOT NULL AND target_year IS NOT NULL)",
            name=op.f("ck_commitments_target_has_year"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_commitments_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_commitments_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_regency_id"), ["regency_id"], unique=False)

    op.create_table(
        "regency_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "mentoring",
                "coordination",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("happened_year", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_regency_events_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regencies.id"], name=op.f("fk_regency_events_regency_id_regencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regency_events")),
    )
    with op.batch_alter_table("regency_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_regency_events_regency_id"), ["regency_id"], unique=False
        )

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "result",
                sa.Enum(
                    "scored",
                    "zone_only",
                    "not_assessed",
                    name="result",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="scored",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "zone",
                sa.Enum(
                    "green",
                    "yellow",
                    "red",
                    "black",
                    name="zone",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("rank", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rank_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
                nullable=True,
            )
        )
        batch_op.alter_column(
            "score", existing_type=sa.NUMERIC(precision=5, scale=2), nullable=True
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"]
        )

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "unresolvable_at",
                sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("unresolvable_reason", sa.Text(), nullable=True))

    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outcome",
                sa.Enum(
                    "fulfilled",
                    "reprimand",
                    "replaced",
                    "resigned",
                    "other",
                    "not_recorded",
                    name="outcome",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("outcome_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("outcome_document_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("outcome_document_sha256", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("outcome_document_size_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("outcome_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "outcome_recorded_at",
                sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "target_kind",
                sa.Enum(
                    "zone",
                    "grade",
                    "score",
                    "improve",
                    name="target_kind",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("target_value", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("target_year", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pacts_outcome_recorded_by_id_users"),
            "users",
            ["outcome_recorded_by_id"],
            ["id"],
        )

    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "result",
                sa.Enum(
                    "scored",
                    "zone_only",
                    "not_assessed",
                    name="result",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="scored",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "zone",
                sa.Enum(
                    "green",
                    "yellow",
                    "red",
                    "black",
                    name="zone",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("input_score", sa.Numeric(precision=5, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("process_score", sa.Numeric(precision=5, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("output_score", sa.Numeric(precision=5, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("complaints_score", sa.Numeric(precision=5, scale=2), nullable=True)
        )
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
                nullable=True,
            )
        )
        batch_op.alter_column(
            "score", existing_type=sa.NUMERIC(precision=5, scale=2), nullable=True
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_unit_results_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"]
        )

    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_pacts_decision_has_date"),
            "outcome IS NULL OR outcome = 'not_recorded' OR outcome_on IS NOT NULL",
        )
        batch_op.create_check_constraint(op.f("ck_pacts_target_has_year"), TARGET_HAS_YEAR)
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_assessments_result_shape"), RESULT_SHAPE)
        batch_op.create_check_constraint(
            op.f("ck_assessments_rank_within"),
            "rank IS NULL OR (rank >= 1 AND rank_of IS NOT NULL AND rank <= rank_of)",
        )
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_unit_results_result_shape"), RESULT_SHAPE)

    _enum_check("findings", "status", (*FINDING_STATUSES, "unresolvable"))
    _enum_check("assessment_bands", "zone", (*ZONES, "black"))

    # DOMAIN.md section 3: the 2013–2014 survey ran, its exact bands unconfirmed (provisional);
    # from 2025 the lowest band is reported as a black zone (one source, 2026: provisional).
    bind = op.get_bind()
    bind.execute(
        schemes.insert().values(
            name=EARLY_SCHEME, first_year=2013, last_year=2014, is_provisional=True
        )
    )
    early = _scheme_id(EARLY_SCHEME)
    op.bulk_insert(
        bands,
        [
            {
                "scheme_id": early,
                "min_score": Decimal(lo),
                "max_score": Decimal(hi),
                "zone": zone,
                "grade": grade,
                "label": label,
            }
            for lo, hi, zone, grade, label in EARLY_BANDS
        ],
    )
    opini = _scheme_id(OPINI_SCHEME)
    if opini is not None:
        bind.execute(
            bands.update()
            .where(bands.c.scheme_id == opini, bands.c.grade == "E")
            .values(zone="black")
        )


def downgrade():
    bind = op.get_bind()
    early = _scheme_id(EARLY_SCHEME)
    if early is not None:
        bind.execute(bands.delete().where(bands.c.scheme_id == early))
        bind.execute(schemes.delete().where(schemes.c.id == early))
    bind.execute(bands.update().where(bands.c.zone == "black").values(zone="red"))
    _enum_check("assessment_bands", "zone", ZONES)
    findings = sa.table(
        "findings", sa.column("status", sa.String), sa.column("unresolvable_reason", sa.Text)
    )
    # The fourth state did not exist before this revision: such findings go back to open.
    bind.execute(findings.update().where(findings.c.status == "unresolvable").values(status="open"))
    _enum_check("findings", "status", FINDING_STATUSES)
    # Rows this revision's shapes allow and the old schema does not: a score is required.
    for name in ("assessments", "unit_results"):
        table = sa.table(name, sa.column("score", sa.Numeric(5, 2)))
        bind.execute(table.delete().where(table.c.score.is_(None)))
    # The CHECK constraints of the enum columns go first: SQLite's batch copy keeps them.
    for table, columns in (
        ("pacts", ("outcome", "target_kind")),
        ("assessments", ("result", "zone")),
        ("unit_results", ("result", "zone")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pacts_decision_has_date"), type_="check")
        batch_op.drop_constraint(op.f("ck_pacts_target_has_year"), type_="check")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_assessments_result_shape"), type_="check")
        batch_op.drop_constraint(op.f("ck_assessments_rank_within"), type_="check")
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_unit_results_result_shape"), type_="check")

    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_unit_results_recorded_by_id_users"), type_="foreignkey"
        )
        batch_op.alter_column(
            "score", existing_type=sa.NUMERIC(precision=5, scale=2), nullable=False
        )
        batch_op.drop_column("updated_at")
        batch_op.drop_column("recorded_by_id")
        batch_op.drop_column("complaints_score")
        batch_op.drop_column("output_score")
        batch_op.drop_column("process_score")
        batch_op.drop_column("input_score")
        batch_op.drop_column("zone")
        batch_op.drop_column("result")

    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pacts_outcome_recorded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("target_year")
        batch_op.drop_column("target_value")
        batch_op.drop_column("target_kind")
        batch_op.drop_column("outcome_recorded_at")
        batch_op.drop_column("outcome_recorded_by_id")
        batch_op.drop_column("outcome_document_size_bytes")
        batch_op.drop_column("outcome_document_sha256")
        batch_op.drop_column("outcome_document_key")
        batch_op.drop_column("outcome_note")
        batch_op.drop_column("outcome_on")
        batch_op.drop_column("outcome")

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("unresolvable_reason")
        batch_op.drop_column("unresolvable_at")

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assessments_recorded_by_id_users"), type_="foreignkey"
        )
        batch_op.alter_column(
            "score", existing_type=sa.NUMERIC(precision=5, scale=2), nullable=False
        )
        batch_op.drop_column("updated_at")
        batch_op.drop_column("recorded_by_id")
        batch_op.drop_column("note")
        batch_op.drop_column("rank_of")
        batch_op.drop_column("rank")
        batch_op.drop_column("zone")
        batch_op.drop_column("result")

    op.drop_table("regency_events")
    op.drop_table("commitments")
    op.drop_table("assessment_notes")
