"""Schema of issue 14 (national scale: indexes, stored status): empty until that part needs a change.

Revision ID: 0013
Revises: 0012
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
