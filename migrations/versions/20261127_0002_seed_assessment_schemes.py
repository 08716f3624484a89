"""Seed the assessment schemes and bands of DOMAIN.md section 3.

Revision ID: 0002
Revises: 0001
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# A snapshot of the data as of this revision; later edits belong to an admin or a new revision.
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

THREE_ZONES = [
    ("81.00", "100.00", "green", None, "kepatuhan tinggi"),
    ("51.00", "80.99", "yellow", None, "kepatuhan sedang"),
    ("0.00", "50.99", "red", None, "kepatuhan rendah"),
]
FIVE_GRADES = [
    ("88.00", "100.00", "green", "A", "kualitas tertinggi"),
    ("78.00", "87.99", "green", "B", "kualitas tinggi"),
    ("54.00", "77.99", "yellow", "C", "kualitas sedang"),
    ("32.00", "53.99", "red", "D", "kualitas rendah"),
    ("0.00", "31.99", "red", "E", "kualitas terendah"),
]
SCHEMES = [
    (1, "Penilaian Kepatuhan 2015–2019", 2015, 2019, False, THREE_ZONES),
    (2, "Penilaian Kepatuhan 2021", 2021, 2021, False, THREE_ZONES),
    (3, "Penilaian Kepatuhan 2022–2024", 2022, 2024, False, FIVE_GRADES),
    (4, "Opini Ombudsman 2025– (provisional)", 2025, None, True, FIVE_GRADES),
]


def upgrade():
    op.bulk_insert(
        schemes,
        [
            {"id": i, "name": n, "first_year": f, "last_year": last, "is_provisional": p}
            for i, n, f, last, p, _ in SCHEMES
        ],
    )
    op.bulk_insert(
        bands,
        [
            {
                "scheme_id": i,
                "min_score": Decimal(lo),
                "max_score": Decimal(hi),
                "zone": zone,
                "grade": grade,
                "label": label,
            }
            for i, *_, scheme_bands in SCHEMES
            for lo, hi, zone, grade, label in scheme_bands
        ],
    )
    # PostgreSQL's sequence must move past the explicit ids.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('assessment_schemes', 'id'), "
            "(SELECT MAX(id) FROM assessment_schemes))"
        )


def downgrade():
    ids = [s[0] for s in SCHEMES]
    op.execute(bands.delete().where(bands.c.scheme_id.in_(ids)))
    op.execute(schemes.delete().where(schemes.c.id.in_(ids)))
