"""Uploaded files (evidence, pact scans): type decided by content, stored under random names."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import filetype  # type: ignore[import-untyped]
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from tracker.errors import Invalid, NotFound, TooLarge

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
IMAGES = frozenset({JPEG, PNG})
EVIDENCE_TYPES = frozenset({JPEG, PNG, PDF})
_KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class StoredFile:
    """What the database keeps about a stored file."""

    key: str
    sha256: str
    size_bytes: int
    content_type: str


def sniff(data: bytes) -> str | None:
    """Return the MIME type the bytes really are (JPEG, PNG or PDF), whatever the name says."""
    kind = filetype.guess(data[:8192])
    mime: str | None = kind.mime if kind else None
    if mime in IMAGES:
        try:
            # A real image, not just a magic number in front of something else; one that
            # claims more pixels than Pillow's bomb limit is refused, never decoded.
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            return None
    return mime


class FileStore:
    """A folder outside any static path; files are named by a random key, never by the client."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def save(self, data: bytes, *, allowed: Collection[str], field: str = "file") -> StoredFile:
        """Check size and content type, then write the bytes; raise TooLarge or Invalid."""
        if len(data) > self.max_bytes:
            raise TooLarge(
                _l("The file is larger than %(mb)s MB.", mb=self.max_bytes // (1024 * 1024)),
                fields={field: _l("larger than %(mb)s MB", mb=self.max_bytes // (1024 * 1024))},
            )
        if not data:
            raise Invalid(_l("The file is empty."), fields={field: _l("empty file")})
        content_type = sniff(data)
        if content_type is None or content_type not in allowed:
            raise Invalid(
                _l("Only JPEG or PNG photos and PDF documents are accepted."),
                fields={field: _l("not a JPEG, PNG or PDF file")},
            )
        key = secrets.token_hex(16)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return StoredFile(key, hashlib.sha256(data).hexdigest(), len(data), content_type)

    def write_stream(self, chunks: Iterable[bytes], *, content_type: str) -> StoredFile:
        """Store bytes the app generated itself (no upload checks), hashing them as they stream."""
        key = secrets.token_hex(16)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        digest, size = hashlib.sha256(), 0
        with temporary.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        os.replace(temporary, target)
        return StoredFile(key, digest.hexdigest(), size, content_type)

    def path(self, key: str) -> Path:
        """Return where a key's file lives; refuse anything that is not a key we made."""
        if not _KEY.match(key):
            raise NotFound(_l("No such file."))
        return self.root / key[:2] / key

    def read(self, key: str) -> bytes:
        """Return a stored file's bytes."""
        path = self.path(key)
        if not path.is_file():
            raise NotFound(_l("No such file."))
        return path.read_bytes()


def get_file_store() -> FileStore:
    """Return the file store of the current application."""
    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return FileStore(Path(root), max_bytes=int(current_app.config["MAX_UPLOAD_BYTES"]))
