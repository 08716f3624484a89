"""Schema of issue 13, part D (pacts that can be corrected): empty until that part needs a change.

Revision ID: 0009
Revises: 0008
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
