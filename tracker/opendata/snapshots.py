"""Weekly, dated, checksummed snapshots of the public data.

A snapshot is labelled with the Monday of its week in Asia/Jakarta (WIB): one install may
span UTC+7 to UTC+9, and one weekly cut for all of it is simpler to cite than one per zone.
It is taken on the first sweep of the week (from Monday 00:00 WIB); ``taken_at`` in the
manifest says exactly when, and statuses are derived at that instant.

Files: ``pakta.json``, ``pakta.csv``, ``temuan.json``, ``temuan.csv`` (the same records as the
exports on /data), ``manifest.json`` (each data file's name, SHA-256 and size) and
``SHA256SUMS`` (the data files and the manifest, for ``sha256sum -c``). They are written once
to the file store under random keys, named when the row commits, and never rewritten;
``DataSnapshot.manifest_sha256`` is the SHA-256 of manifest.json as served, so a silent edit of
any file is detectable later.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.clock import local_today
from tracker.opendata.exports import (
    FINDING_FIELDS,
    PACT_FIELDS,
    Field,
    csv_chunks,
    json_chunks,
)
from tracker.opendata.models import DataSnapshot
from tracker.opendata.queries import ExportFilter, finding_records, pact_records
from tracker.settings import due_soon_days
from tracker.storage import FileStore, StoredFile, get_file_store

SNAPSHOT_TIMEZONE = "Asia/Jakarta"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
# Werkzeug adds "; charset=utf-8" to the text types when it serves them.
CONTENT_TYPES = {".json": "application/json", ".csv": "text/csv", SUMS: "text/plain"}


def content_type_of(name: str) -> str:
    """Return the media type a snapshot file is served as."""
    for suffix, content_type in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return content_type
    return "application/octet-stream"


def week_of(now: datetime, tz: str = SNAPSHOT_TIMEZONE) -> date:
    """Return the Monday (in ``tz``) of the week that contains ``now``."""
    today = local_today(now, ZoneInfo(tz))
    return today - timedelta(days=today.weekday())


def find_snapshot(session: Session, as_of: date) -> DataSnapshot | None:
    """Return the snapshot of a date, or None."""
    return session.execute(
        select(DataSnapshot).where(DataSnapshot.as_of == as_of)
    ).scalar_one_or_none()


def list_snapshots(session: Session) -> list[DataSnapshot]:
    """List every snapshot, newest first."""
    return list(session.execute(select(DataSnapshot).order_by(DataSnapshot.as_of.desc())).scalars())


def take_due_snapshot(session: Session, now: datetime) -> DataSnapshot | None:
    """Take this week's snapshot unless it exists; return it, or None if there was nothing to do."""
    return take_snapshot(session, as_of=week_of(now), now=now)


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in record.items()}


def _spooled(
    records: Iterable[dict[str, Any]], spool: IO[bytes]
) -> Callable[[], Iterator[dict[str, Any]]]:
    """Read the records from the database once, into a spool file; return a way to re-read them.

    Both files of a dataset come from this one read, so the JSON and the CSV always agree.
    """
    for record in records:
        spool.write(json.dumps(_jsonable(record), ensure_ascii=False).encode() + b"\n")

    def replay() -> Iterator[dict[str, Any]]:
        spool.seek(0)
        for line in spool:
            yield json.loads(line)

    return replay


def _write_dataset(
    store: FileStore,
    session: Session,
    stem: str,
    fields: tuple[Field, ...],
    records: Iterable[dict[str, Any]],
) -> dict[str, StoredFile]:
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        replay = _spooled(records, spool)
        return {
            f"{stem}.json": store.write_stream(
                json_chunks(replay()), content_type="application/json", session=session
            ),
            f"{stem}.csv": store.write_stream(
                csv_chunks(fields, replay()), content_type=content_type_of(".csv"), session=session
            ),
        }


def _remove(store: FileStore, files: Iterable[StoredFile]) -> None:
    for stored in files:
        store.path(stored.key).unlink(missing_ok=True)


def take_snapshot(
    session: Session, *, as_of: date, now: datetime, store: FileStore | None = None
) -> DataSnapshot | None:
    """Write the public data as files with a manifest, labelled ``as_of``; None if it exists.

    The files are written for the session's transaction, under pending names (see
    ``tracker.storage.FileStore``): they take their names when it commits, and a rollback (or a
    failed COMMIT) removes them, so no file outlives a snapshot row that never was. Two callers
    at once write their files, but the unique ``as_of`` lets one row in: the other removes its
    files and returns None.
    """
    if find_snapshot(session, as_of) is not None:
        return None
    store = store or get_file_store()
    base_url = str(current_app.config["BASE_URL"])
    everything = ExportFilter()
    files = _write_dataset(
        store,
        session,
        "pakta",
        PACT_FIELDS,
        pact_records(
            session,
            now=now,
            base_url=base_url,
            due_soon_days=due_soon_days(),
        ),
    )
    files |= _write_dataset(
        store,
        session,
        "temuan",
        FINDING_FIELDS,
        finding_records(session, export_filter=everything, base_url=base_url),
    )
    manifest_body = {
        "dataset": "Pantau Pakta",
        "as_of": as_of.isoformat(),
        "taken_at": now.isoformat(),
        "timezone": SNAPSHOT_TIMEZONE,
        "source": f"{base_url.rstrip('/')}/data/snapshot/{as_of.isoformat()}/",
        "licence": LICENCE,
        "files": [
            {"name": name, "sha256": stored.sha256, "bytes": stored.size_bytes}
            for name, stored in files.items()
        ],
    }
    manifest_bytes = (json.dumps(manifest_body, ensure_ascii=False, indent=2) + "\n").encode()
    files[MANIFEST] = store.write_stream(
        [manifest_bytes], content_type="application/json", session=session
    )
    sums = "".join(f"{stored.sha256}  {name}\n" for name, stored in files.items())
    files[SUMS] = store.write_stream(
        [sums.encode()], content_type=content_type_of(SUMS), session=session
    )
    snapshot = DataSnapshot(
        as_of=as_of,
        manifest={
            "as_of": as_of.isoformat(),
            "files": [
                {
                    "name": name,
                    "sha256": stored.sha256,
                    "bytes": stored.size_bytes,
                    "storage_key": stored.key,
                }
                for name, stored in files.items()
            ],
        },
        manifest_sha256=files[MANIFEST].sha256,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(snapshot)
    except IntegrityError:
        # Another sweep took this week's snapshot first: keep theirs, drop our copies.
        _remove(store, files.values())
        return None
    return snapshot


def snapshot_file(snapshot: DataSnapshot, name: str) -> dict[str, Any] | None:
    """Return the manifest entry of one of the snapshot's files, or None."""
    for entry in snapshot.manifest.get("files", []):
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    return None
