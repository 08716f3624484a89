"""Uploaded files (evidence, pact scans): type decided by content, stored under random names."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import warnings
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import filetype  # type: ignore[import-untyped]
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from tracker.db import Base
from tracker.errors import Invalid, NotFound, StorageFailed, TooLarge
from tracker.web.step import after_commit

log = logging.getLogger(__name__)

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
IMAGES = frozenset({JPEG, PNG})
EVIDENCE_TYPES = frozenset({JPEG, PNG, PDF})
_KEY = re.compile(r"^[0-9a-f]{32}$")
PENDING = ".pending"
# A photo of a finding needs far fewer (a phone's is about 12 megapixels); decoding one costs
# 3 to 4 bytes a pixel (MAX_IMAGE_PIXELS overrides it).
DEFAULT_MAX_PIXELS = 40_000_000


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
    """A folder outside any static path; files are named by a random key, never by the client.

    A file written for a transaction (``session=``) is first stored under a pending name and
    takes its final name only once that transaction commits; a rollback removes it. So a failed
    commit leaves no file that no row points to, and a row is never committed without its file
    (the bytes are on disk before the COMMIT). A crash between the COMMIT and the rename leaves a
    pending file whose row exists: reading finds it, and ``sweep_pending`` gives it its name
    (and removes the pending files no row points to).
    """

    def __init__(self, root: Path, *, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    def check(self, data: bytes, *, allowed: Collection[str], field: str = "file") -> str:
        """Return the content type of an upload; raise TooLarge or Invalid (size, type, pixels)."""
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
        if content_type in IMAGES and pixel_count(data) > self.max_pixels:
            # A few hundred KB of PNG can claim a 9400 x 9400 canvas: gigabytes once decoded.
            megapixels = self.max_pixels // 1_000_000
            raise Invalid(
                _l(
                    "The photo is larger than %(n)s megapixels; send a smaller one "
                    "(a phone photo is about 12).",
                    n=megapixels,
                ),
                fields={field: _l("larger than %(n)s megapixels", n=megapixels)},
            )
        return content_type

    def save(
        self,
        data: bytes,
        *,
        allowed: Collection[str],
        field: str = "file",
        session: Session | None = None,
    ) -> StoredFile:
        """Check an upload (``check``), then store it; with ``session``, for that transaction."""
        content_type = self.check(data, allowed=allowed, field=field)
        return self.write_stream([data], content_type=content_type, session=session)

    def write_stream(
        self, chunks: Iterable[bytes], *, content_type: str, session: Session | None = None
    ) -> StoredFile:
        """Store bytes the app generated itself (no upload checks), hashing them as they stream.

        With ``session``, the file takes its name when that transaction commits (see the class).
        Raise StorageFailed when the disk refuses the bytes (full, read-only, failing).
        """
        key = secrets.token_hex(16)
        digest, size = self.put(self._final(key), chunks, session=session)
        return StoredFile(key, digest, size, content_type)

    def put(
        self, final: Path, chunks: Iterable[bytes], *, session: Session | None = None
    ) -> tuple[str, int]:
        """Write a file under ``final`` (inside the store); return its SHA-256 and size."""
        final.parent.mkdir(parents=True, exist_ok=True)
        pending = pending_path(final)
        temporary = pending if session is not None else final.with_name(final.name + ".part")
        digest, size = hashlib.sha256(), 0
        try:
            with temporary.open("wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                # On disk before the COMMIT that points a row at it.
                os.fsync(out.fileno())
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            log.error("could not store %s: %s", final.name, exc)
            raise StorageFailed(
                _l(
                    "The file could not be saved: the server's storage is full or failing. "
                    "Nothing was recorded; try again later or tell the administrator."
                ),
                fields={"file": _l("not saved: the server's storage is full")},
            ) from exc
        if session is None:
            os.replace(temporary, final)
        else:
            after_commit(
                session, partial(promote, final), or_else=partial(pending.unlink, missing_ok=True)
            )
        return digest.hexdigest(), size

    def _final(self, key: str) -> Path:
        if not _KEY.match(key):
            raise NotFound(_l("No such file."))
        return self.root / key[:2] / key

    def path(self, key: str) -> Path:
        """Return where a key's file lives (its pending name until renamed); refuse a bad key."""
        return existing(self._final(key))

    def read(self, key: str) -> bytes:
        """Return a stored file's bytes."""
        path = self.path(key)
        if not path.is_file():
            raise NotFound(_l("No such file."))
        return path.read_bytes()

    def pending_files(self) -> Iterator[Path]:
        """Every file still under its pending name (its transaction open, or interrupted)."""
        if self.root.is_dir():
            yield from self.root.rglob(f"*{PENDING}")


def pending_path(final: Path) -> Path:
    """The name a file has until its transaction commits."""
    return final.with_name(final.name + PENDING)


def existing(final: Path) -> Path:
    """Return ``final``, or its pending name when only that exists (committed, not renamed)."""
    if final.exists():
        return final
    pending = pending_path(final)
    return pending if pending.exists() else final


def promote(final: Path) -> None:
    """Give a pending file its final name (after its transaction committed)."""
    pending = pending_path(final)
    if pending.exists():
        os.replace(pending, final)


def pixel_count(data: bytes) -> int:
    """Return how many pixels an image's header claims (nothing is decoded); 0 if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0
    return int(width) * int(height)


def flagged_columns(flag: str) -> list[Column[Any]]:
    """Every column whose ``info`` carries ``flag``: "file_key" (a stored file's key),
    "public_sha" (the SHA-256 of an original whose public copy is served) or "file_manifest"
    (JSON listing files, each ``{"storage_key": ...}`` under ``"files"``: a data snapshot)."""
    return [
        column
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.info.get(flag)
    ]


def _present(session: Session, columns: list[Column[Any]], values: Collection[str]) -> set[str]:
    wanted, found = sorted(values), set[str]()
    for column in columns:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(session.execute(select(column).where(column.in_(chunk))).scalars())
    return found


def manifest_keys(manifest: Any) -> Iterator[str]:
    """The storage keys a "file_manifest" column's JSON lists."""
    if isinstance(manifest, dict):
        for entry in manifest.get("files", []):
            if isinstance(entry, dict) and isinstance(entry.get("storage_key"), str):
                yield entry["storage_key"]


def referenced(session: Session, names: Collection[str]) -> set[str]:
    """Return which stored file names a row points to: keys (in a key column or a manifest),
    and public copies ``<sha>.<ext>``."""
    keys = {name for name in names if _KEY.match(name)}
    copies = {name: name.split(".", 1)[0] for name in names if name not in keys}
    used = _present(session, flagged_columns("file_key"), keys)
    if keys - used:
        # Manifests are few (a snapshot a week): read them whole.
        for column in flagged_columns("file_manifest"):
            for manifest in session.execute(select(column)).scalars():
                used.update(keys.intersection(manifest_keys(manifest)))
    shas = _present(session, flagged_columns("public_sha"), set(copies.values()))
    return used | {name for name, sha in copies.items() if sha in shas}


@dataclass(frozen=True)
class SweepReport:
    """What a sweep of pending files did."""

    renamed: int
    removed: int
    kept: int

    def summary(self) -> str:
        """Return what the sweep did, for the operator."""
        return (
            f"Pending files renamed: {self.renamed}; removed: {self.removed}; "
            f"left (younger): {self.kept}."
        )


def sweep_pending(session: Session, store: FileStore, *, older_than: datetime) -> SweepReport:
    """Finish what interrupted transactions left: rename the pending files a row points to,
    remove the others. Files younger than ``older_than`` may belong to an open transaction."""
    cutoff = older_than.timestamp()
    stale = [p for p in store.pending_files() if p.stat().st_mtime < cutoff]
    names = {p.name[: -len(PENDING)] for p in stale}
    used = referenced(session, names)
    renamed = removed = 0
    for path in stale:
        final = path.with_name(path.name[: -len(PENDING)])
        if final.name in used:
            promote(final)
            renamed += 1
        else:
            path.unlink(missing_ok=True)
            removed += 1
    return SweepReport(renamed, removed, len(list(store.pending_files())))


def get_file_store() -> FileStore:
    """Return the file store of the current application."""
    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return FileStore(
        Path(root),
        max_bytes=int(current_app.config["MAX_UPLOAD_BYTES"]),
        max_pixels=int(current_app.config.get("MAX_IMAGE_PIXELS") or DEFAULT_MAX_PIXELS),
    )
