"""``flask --app tracker evidence-previews``: make the previews of evidence uploaded before them."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.findings.previews import backfill_previews
from tracker.storage import get_file_store
from tracker.web.cli import command_step


@click.command("evidence-previews")
@with_appcontext
def evidence_previews() -> None:
    """Make and store the missing previews of evidence photos and PDFs (safe to run again)."""
    with command_step() as session:
        made, failed = backfill_previews(session, store=get_file_store())
    click.echo(f"Previews made: {made}; files without a preview: {failed}.")


COMMANDS = (evidence_previews,)
