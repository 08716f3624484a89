"""The uploaded file between an import's preview and its commit.

The file waits in the file store, under a random key in ``<upload folder>/imports`` (a day at
most). The preview page's form carries only a token signed with the app's secret (one salt
per import): the key, the file's SHA-256, the account, the regency and the fingerprint of the
outcomes shown. The commit reads the file again from the store and checks everything again;
no parsed value ever travels through the browser.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.clock import get_clock
from tracker.errors import DomainError
from tracker.storage import FileStore

PREVIEW_SECONDS = 3600
STASH_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Stashed:
    """A previewed file read back for its commit: its key, its bytes, what the token says."""

    key: str
    data: bytes
    regency_id: int
    fingerprint: str


def max_bytes() -> int:
    """The upload limit of the app (MAX_UPLOAD_BYTES)."""
    return int(current_app.config["MAX_UPLOAD_BYTES"])


def store() -> FileStore:
    """The file store of previewed uploads."""
    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return FileStore(Path(root) / "imports", max_bytes=max_bytes())


def _sweep(files: FileStore) -> None:
    """Remove files of previews nobody committed, older than a day."""
    limit = get_clock().now().timestamp() - STASH_SECONDS
    if not files.root.is_dir():
        return
    for path in files.root.glob("*/*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def keep(data: bytes) -> str:
    """Keep an uploaded file for its commit; return its random key."""
    files = store()
    _sweep(files)
    return files.write_stream([data], content_type="application/octet-stream").key


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=salt)


def sign(
    salt: str, *, key: str, data_sha256: str, user_id: int, regency_id: int, fingerprint: str
) -> str:
    """Return the token the preview page's form carries."""
    payload = {"k": key, "s": data_sha256, "u": user_id, "r": regency_id, "f": fingerprint}
    return str(_serializer(salt).dumps(payload))


def take(salt: str, token: str, *, user_id: int) -> Stashed | None:
    """Return the previewed file a token names, or None (forged, stale, another account's)."""
    try:
        payload = _serializer(salt).loads(token, max_age=PREVIEW_SECONDS)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != user_id:
        return None
    try:
        data = store().read(str(payload["k"]))
    except (DomainError, KeyError):
        return None
    if hashlib.sha256(data).hexdigest() != payload.get("s"):
        return None
    return Stashed(str(payload["k"]), data, int(payload["r"]), str(payload["f"]))


def drop(key: str) -> None:
    """Remove a committed file."""
    store().path(key).unlink(missing_ok=True)
