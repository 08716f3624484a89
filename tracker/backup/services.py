"""Take a consistent online backup of an install, and bring one back into an empty install.

A backup is a folder:

- ``db/NN-<table>.jsonl``: every row of every table, one JSON object a line, tables in
  dependency order (parents first) and rows by primary key. Values are portable: instants as
  ISO 8601 with their offset, dates ISO, decimals as strings, bytes as base64, JSON as JSON. So
  a backup of PostgreSQL restores into MariaDB or SQLite and the other way round.
- ``files/``: the stored files the rows point to (evidence, previews, scans, decision
  documents, open-data snapshots) and the public copies of published ones, by the same paths
  as in the upload folder.
- ``manifest.json``: the format, the schema revision, when, the row count and SHA-256 of each
  table's file, and the SHA-256 and size of every stored file; ``SHA256SUMS`` the same sums in
  ``sha256sum -c`` form.

Consistency while the app keeps writing: every table is read inside one read transaction
(REPEATABLE READ on PostgreSQL and MariaDB, a WAL snapshot on SQLite), so the rows are the
database as of one instant; files are never changed once written (a new file is a new key),
so copying a row's file after the snapshot copies what that row points to. Transient tables
(the scheduler's lease, rate-limit counters) are left out.

Restore checks every sum first, then refuses an instance that is not empty (any regency,
account, pact or audit event) or at another schema revision, and writes everything in one
transaction: the tables migrations seed (holidays, schemes) are replaced by the backup's, the
files are stored under pending names that take their final names at the COMMIT.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from tracker.db import Base, JSONText, UTCDateTime
from tracker.errors import Conflict, Invalid
from tracker.public_copies import RECIPE
from tracker.storage import FileStore, existing, flagged_columns, manifest_keys

FORMAT = "pantau-pakta-backup"
VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
# Runtime state, not records: a restored install takes its own lease and counts afresh.
TRANSIENT = frozenset({"scheduler_locks", "rate_limit_counters"})
# Any row here means the install is in use: a restore would mix two histories.
IN_USE = ("regencies", "users", "pacts", "audit_events")
_CHUNK = 1000
_COPY_BLOCK = 1 << 20


def backed_up_tables() -> list[Table]:
    """Every table a backup holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in TRANSIENT]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if hasattr(value, "value") and not isinstance(value, dict | list | str | int | float):
        return value.value  # an enum member: its stored value
    return value


def _decoder(column: Any) -> Any:
    if isinstance(column.type, JSONText):
        return None
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return None
    if kind is datetime:
        return datetime.fromisoformat
    if kind is date:
        return date.fromisoformat
    if kind is time:
        return time.fromisoformat
    if kind is Decimal:
        return Decimal
    if kind is bytes:
        return base64.b64decode
    return None


def _sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(_COPY_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


@dataclass
class BackupReport:
    """What a backup holds: rows per table, files, their bytes, and files rows point to but the
    store lacks (each named)."""

    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    missing: list[str] = field(default_factory=list)
    manifest_sha256: str = ""


def _snapshot(connection: Connection) -> Connection:
    """Begin the one read transaction every table is read in."""
    name = connection.dialect.name
    if name in ("postgresql", "mysql", "mariadb"):
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    connection.begin()
    if name == "postgresql":
        connection.execute(text("SET TRANSACTION READ ONLY"))
    return connection


def take_backup(engine: Engine, *, store: FileStore, target: Path, now: datetime) -> BackupReport:
    """Write a backup of the database behind ``engine`` and of ``store`` into ``target``.

    ``target`` must not exist; the backup is written beside it and renamed when complete.
    """
    if target.exists():
        raise Conflict(f"{target} exists already: a backup goes into a new folder")
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    (partial / "db").mkdir(parents=True)
    key_columns = {(c.table.name, c.name) for c in flagged_columns("file_key")}
    sha_columns = {(c.table.name, c.name) for c in flagged_columns("public_sha")}
    keys: set[str] = set()
    shas: set[str] = set()
    tables: list[dict[str, Any]] = []
    with engine.connect() as raw:
        connection = _snapshot(raw)
        revision = str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar())
        report = BackupReport(target, revision)
        for number, table in enumerate(backed_up_tables(), start=1):
            name = f"db/{number:02d}-{table.name}.jsonl"
            digest, rows = hashlib.sha256(), 0
            query = select(table).order_by(*table.primary_key.columns)
            with (partial / name).open("w", encoding="utf-8") as out:
                result = connection.execute(query.execution_options(yield_per=2000))
                for row in result.mappings():
                    line = json.dumps(
                        {k: _encode(v) for k, v in row.items()},
                        ensure_ascii=False,
                        sort_keys=True,
                        separators=(",", ":"),
                    )
                    out.write(line + "\n")
                    digest.update(line.encode() + b"\n")
                    rows += 1
                    for column, value in row.items():
                        if value and (table.name, column) in key_columns:
                            keys.add(value)
                        elif value and (table.name, column) in sha_columns:
                            shas.add(value)
                    if table.name == "data_snapshots":
                        keys.update(manifest_keys(row["manifest"]))
            report.rows[table.name] = rows
            tables.append(
                {"table": table.name, "file": name, "rows": rows, "sha256": digest.hexdigest()}
            )
        connection.rollback()
    files = _copy_files(store, partial / "files", keys, shas, report)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.isoformat(),
        "revision": revision,
        "source": engine.dialect.name,
        "tables": tables,
        "files": files,
        "missing": sorted(report.missing),
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    (partial / MANIFEST).write_bytes(manifest_bytes)
    sums = [f"{t['sha256']}  {t['file']}" for t in tables]
    sums += [f"{f['sha256']}  files/{f['path']}" for f in files]
    (partial / SUMS).write_text("\n".join(sums) + "\n", encoding="utf-8")
    os.replace(partial, target)
    report.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    return report


def _copy_files(
    store: FileStore, into: Path, keys: set[str], shas: set[str], report: BackupReport
) -> list[dict[str, Any]]:
    """Copy the files rows point to (and published copies), hashing them; return the list."""
    wanted: list[tuple[str, Path]] = []
    for key in sorted(keys):
        wanted.append((f"{key[:2]}/{key}", existing(store.root / key[:2] / key)))
    copies = store.root / "public" / RECIPE
    if copies.is_dir():
        for path in sorted(copies.iterdir()):
            stem = path.name.split(".", 1)[0]
            if stem in shas and not path.name.endswith((".pending", ".part")):
                wanted.append((f"public/{RECIPE}/{path.name}", path))
    listed: list[dict[str, Any]] = []
    for relative, source in wanted:
        if not source.is_file():
            report.missing.append(relative)
            continue
        destination = into / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with source.open("rb") as src, destination.open("wb") as out:
            while block := src.read(_COPY_BLOCK):
                digest.update(block)
                size += len(block)
                out.write(block)
        listed.append({"path": relative, "sha256": digest.hexdigest(), "bytes": size})
        report.files += 1
        report.file_bytes += size
    return listed


@dataclass
class RestoreReport:
    """What a restore brought back."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def read_manifest(source: Path) -> dict[str, Any]:
    """Read a backup's manifest and check every sum it lists; raise Invalid on any mismatch."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Invalid(f"{source} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise Invalid(f"{source} is not a backup of this format ({FORMAT} {VERSION})")
    for entry in manifest["tables"]:
        digest, _ = _sha256_of(source / entry["file"])
        if digest != entry["sha256"]:
            raise Invalid(f"{entry['file']} does not match its SHA-256 in the manifest")
    for entry in manifest["files"]:
        path = source / "files" / entry["path"]
        if not path.is_file() or _sha256_of(path) != (entry["sha256"], entry["bytes"]):
            raise Invalid(f"files/{entry['path']} does not match its SHA-256 in the manifest")
    return manifest


def _rows(path: Path, decoders: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            yield row


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(session: Session, tables: Iterable[Table]) -> None:
    """On PostgreSQL, move each id sequence past the ids restored (MariaDB and SQLite do)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        [*pk] = table.primary_key.columns
        if len(pk) != 1 or pk[0].autoincrement is False or pk[0].type.python_type is not int:
            continue
        column, name = pk[0].name, table.name
        # Names from our own metadata, never from input.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "  # noqa: S608  # nosec
            f"COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {name}"
        )
        session.execute(text(statement))


def restore_backup(session: Session, *, store: FileStore, source: Path) -> RestoreReport:
    """Bring the backup in ``source`` into this empty install (in the caller's transaction).

    Raise Invalid for a damaged or foreign backup, Conflict for an install in use or at another
    schema revision. The caller commits: the files take their final names then.
    """
    manifest = read_manifest(source)
    revision = str(session.execute(text("SELECT version_num FROM alembic_version")).scalar())
    if revision != manifest["revision"]:
        raise Conflict(
            f"The backup is of schema revision {manifest['revision']}, this install is at "
            f"{revision}: bring this install to the backup's revision first "
            "(flask --app tracker db upgrade|downgrade REVISION), restore, then upgrade."
        )
    tables = {t.name: t for t in backed_up_tables()}
    for name in IN_USE:
        if session.execute(select(func.count()).select_from(tables[name])).scalar():
            raise Conflict(
                f"This install is not empty (its {name} table has rows): restore only into a "
                "new install (flask --app tracker db upgrade on an empty database)."
            )
    listed = [entry["table"] for entry in manifest["tables"]]
    unknown = sorted(set(listed) - set(tables))
    if unknown:
        raise Invalid(f"The backup holds tables this install does not have: {unknown}")
    # What migrations seeded (holidays, schemes) gives way to what the backup holds.
    for table in reversed(backed_up_tables()):
        session.execute(delete(table))
    report = RestoreReport(revision)
    for entry in manifest["tables"]:
        table = tables[entry["table"]]
        decoders = {c.name: d for c in table.columns if (d := _decoder(c)) is not None}
        count = 0
        for chunk in _chunks(_rows(source / entry["file"], decoders)):
            session.execute(insert(table), chunk)
            count += len(chunk)
        if count != entry["rows"]:  # pragma: no cover - the sums were checked
            raise Invalid(f"{entry['file']} holds {count} rows, the manifest says {entry['rows']}")
        report.rows[table.name] = count
    _reset_sequences(session, tables.values())
    for entry in manifest["files"]:
        final = store.root / entry["path"]
        present = existing(final)
        if present.is_file():
            if _sha256_of(present)[0] != entry["sha256"]:
                raise Conflict(f"{entry['path']} exists in the upload folder with other content")
            continue
        path = source / "files" / entry["path"]
        with path.open("rb") as handle:
            store.put(final, iter(lambda: handle.read(_COPY_BLOCK), b""), session=session)
        report.files += 1
    return report
