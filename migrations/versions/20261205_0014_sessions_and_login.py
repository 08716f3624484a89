"""Schema of issue 15, sessions and login (failure counters, token revocation, TOTP): empty until that part needs a change.

Revision ID: 0014
Revises: 0013
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
