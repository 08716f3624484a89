"""Weekly snapshots of the public data, checksummed so a silent edit can be detected."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, JSONText


class DataSnapshot(Base):
    """The public data as of one date: files in the file store, listed in a manifest.

    ``manifest`` is ``{"as_of", "files": [{"name", "sha256", "bytes", "storage_key"}]}``;
    ``manifest_sha256`` is the SHA-256 of the manifest file as served.
    """

    __tablename__ = "data_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(unique=True)
    # Its storage keys count as pointed to (tracker.storage.referenced, the backup).
    manifest: Mapped[dict[str, Any]] = mapped_column(JSONText(), info={"file_manifest": True})
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
