"""``flask --app tracker snapshot``: take the weekly open-data snapshot by hand."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from tracker.clock import get_clock, local_today
from tracker.extensions import db_session
from tracker.opendata.snapshots import SNAPSHOT_TIMEZONE, take_snapshot, week_of


@click.command("snapshot")
@with_appcontext
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help=f"Label the snapshot with this date (YYYY-MM-DD, not in the future); default: "
    f"this week's Monday in {SNAPSHOT_TIMEZONE}.",
)
def snapshot(as_of: str | None) -> None:
    """Take the weekly snapshot of the public data (nothing happens if it already exists)."""
    now = get_clock().now()
    if as_of is None:
        day = week_of(now)
    else:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--as-of") from None
        if day > local_today(now, ZoneInfo(SNAPSHOT_TIMEZONE)):
            # A snapshot says what the data was on a date: a date to come has no data yet.
            raise click.BadParameter("the date is in the future", param_hint="--as-of")
    session = db_session()
    taken = take_snapshot(session, as_of=day, now=now)
    if taken is None:
        session.rollback()
        click.echo(f"A snapshot as of {day.isoformat()} already exists; nothing was written.")
        return
    session.commit()
    click.echo(
        f"Snapshot as of {day.isoformat()} taken: manifest.json SHA-256 {taken.manifest_sha256}"
    )
    for entry in taken.manifest["files"]:
        click.echo(f"  {entry['name']:<14} {entry['bytes']:>10} bytes  {entry['sha256']}")
