"""``flask --app tracker snapshot``: take the weekly open-data snapshot by hand."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from tracker.clock import get_clock
from tracker.opendata.snapshots import SNAPSHOT_TIMEZONE, take_snapshot, week_of
from tracker.web.cli import command_step


@click.command("snapshot")
@with_appcontext
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help=f"The snapshot's date (YYYY-MM-DD); only this week's Monday in {SNAPSHOT_TIMEZONE} "
    "is accepted, which is also the default.",
)
def snapshot(as_of: str | None) -> None:
    """Take the weekly snapshot of the public data (nothing happens if it already exists)."""
    now = get_clock().now()
    day = week_of(now)
    if as_of is not None:
        try:
            asked = date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--as-of") from None
        if asked != day:
            # A snapshot holds the data as it is now: any other date would label today's data
            # as that day's, and a story citing it "as of" that date would cite wrong figures.
            raise click.BadParameter(
                f"a snapshot holds the data as it is now, so its date can only be this week's "
                f"Monday, {day.isoformat()} ({SNAPSHOT_TIMEZONE}); leave --as-of out",
                param_hint="--as-of",
            )
    with command_step() as session:
        taken = take_snapshot(session, as_of=day, now=now)
    if taken is None:
        click.echo(f"A snapshot as of {day.isoformat()} already exists; nothing was written.")
        return
    click.echo(
        f"Snapshot as of {day.isoformat()} taken: manifest.json SHA-256 {taken.manifest_sha256}"
    )
    for entry in taken.manifest["files"]:
        click.echo(f"  {entry['name']:<14} {entry['bytes']:>10} bytes  {entry['sha256']}")


COMMANDS = (snapshot,)
