"""Schema of issue 13, part F (notices, letters, phone pages): empty until that part needs a change.

Revision ID: 0012
Revises: 0011
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
