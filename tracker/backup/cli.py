"""``flask --app tracker backup PATH`` and ``flask --app tracker restore PATH``.

The backup runs while the app serves and writes (one read transaction, see
tracker.backup.services); the restore goes into a new, empty install, in one transaction.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.backup.services import restore_backup, take_backup
from tracker.clock import get_clock
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.storage import get_file_store
from tracker.web.caching import pages
from tracker.web.cli import command_step, describe


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Write a consistent backup of the database and the stored files into the new folder PATH."""
    try:
        report = take_backup(db.engine, store=get_file_store(), target=path, now=get_clock().now())
    except DomainError as error:
        raise click.ClickException(describe(error)) from None
    rows = sum(report.rows.values())
    click.echo(
        f"Backup of schema revision {report.revision} in {report.path}: {rows} rows in "
        f"{len(report.rows)} tables, {report.files} files ({report.file_bytes} bytes)."
    )
    click.echo(f"manifest.json SHA-256: {report.manifest_sha256}")
    if report.missing:
        click.echo(
            f"{len(report.missing)} files that rows point to are missing from the upload "
            f"folder (listed in the manifest), e.g. {report.missing[0]}",
            err=True,
        )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore(path: Path) -> None:
    """Bring the backup in PATH into this install, which must be new and empty."""
    with command_step() as session:
        report = restore_backup(session, store=get_file_store(), source=path)
    # Pages kept in a shared store (PAGE_CACHE=redis://) were rendered from other rows, whose
    # newest ids the restored data may repeat: none of them may be served again.
    pages.clear()
    click.echo(
        f"Restored schema revision {report.revision}: {sum(report.rows.values())} rows in "
        f"{len(report.rows)} tables, {report.files} files."
    )


COMMANDS = (backup, restore)
