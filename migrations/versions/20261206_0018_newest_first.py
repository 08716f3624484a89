"""The pact lists' default order as an index: a page of the newest pacts reads only its rows.

Lists show pacts newest signed first, undated last, id as the tie-breaker
(``signed_on IS NULL, signed_on DESC, id DESC``). On PostgreSQL that order could only come from
sorting every pact of the scope; this index on the same expressions gives it directly, so the
API list and the home page stop after their 50 rows at national size. SQLite takes the same
index; MariaDB has none on an expression and is left as it is.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

DIALECTS = ("postgresql", "sqlite")


def upgrade():
    if op.get_bind().dialect.name not in DIALECTS:
        return
    pacts = sa.table("pacts", sa.column("id", sa.Integer), sa.column("signed_on", sa.Date))
    op.create_index(
        "ix_pacts_newest_first",
        "pacts",
        [pacts.c.signed_on.is_(None), pacts.c.signed_on.desc(), pacts.c.id.desc()],
    )


def downgrade():
    if op.get_bind().dialect.name not in DIALECTS:
        return
    op.drop_index("ix_pacts_newest_first", table_name="pacts")
