"""Schema of issue 13, part B (verification at a glance): a preview beside each evidence file.

Evidence gets the storage key of its small JPEG preview (a photo's thumbnail, a PDF's first
page) and a PDF's page count. Both stay empty for links and for files made before this
revision until `flask evidence previews` makes them (the page makes a missing one on the fly).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("preview_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("page_count", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("page_count")
        batch.drop_column("preview_key")
