"""The second factor's TOTP secret sealed at rest: ``users.totp_secret`` (base32, in the clear)
becomes ``users.totp_secret_sealed`` (AES-256-GCM under a key derived from the configuration).

The secrets already stored are sealed on the way up and opened on the way down, with the key of
the app running the migration (``TRACKER_TOTP_KEY`` if set, else ``TRACKER_SECRET_KEY``). The
format is frozen here (it is tracker.auth.sealing's version 1), so that this revision keeps
writing what the code of its time reads. A downgrade refuses to run when a secret does not open
with the key (rather than drop it): run it with the key that sealed it, or turn that account's
second step off first (``flask --app tracker users second-factor-off EMAIL``).

Revision ID: 0017
Revises: 0016
"""

import base64
import os

import sqlalchemy as sa
from alembic import op
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Frozen copy of tracker.auth.sealing, version 1.
_INFO = b"pantau-pakta users.totp_secret_sealed v1"

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
    sa.column("totp_secret_sealed", sa.String),
)


def _key() -> bytes:
    material = str(current_app.config.get("TOTP_KEY") or current_app.config["SECRET_KEY"])
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=_INFO).derive(material.encode())


def _associated(user_id: int) -> bytes:
    return f"users.totp_secret_sealed:{user_id}".encode()


def _seal(key: bytes, secret: str, user_id: int) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), _associated(user_id))
    return "v1$" + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def _open(key: bytes, sealed: str, user_id: int) -> str:
    body = sealed.partition("$")[2]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _associated(user_id)).decode()
    except InvalidTag:
        raise RuntimeError(
            f"Revision 0017 cannot be undone: the two-step login secret of account {user_id} "
            "does not open with this TRACKER_SECRET_KEY / TRACKER_TOTP_KEY. Run it with the key "
            "that sealed it, or turn that account's second step off first "
            "(flask --app tracker users second-factor-off EMAIL)."
        ) from None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret_sealed", sa.String(length=128), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    if rows:
        key = _key()
        for user_id, secret in rows:
            connection.execute(
                users.update()
                .where(users.c.id == user_id)
                .values(totp_secret_sealed=_seal(key, secret, user_id))
            )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_secret")


def downgrade():
    connection = op.get_bind()
    sealed_rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret_sealed).where(
            users.c.totp_secret_sealed.is_not(None)
        )
    ).all()
    # Every secret opened before the table changes: MariaDB cannot roll back a column added.
    opened = []
    if sealed_rows:
        key = _key()
        opened = [(user_id, _open(key, sealed, user_id)) for user_id, sealed in sealed_rows]
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=32), nullable=True))
    for user_id, secret in opened:
        connection.execute(users.update().where(users.c.id == user_id).values(totp_secret=secret))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_secret_sealed")
