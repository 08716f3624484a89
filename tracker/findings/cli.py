"""Commands over stored files: previews and public copies of evidence, and the pending-file sweep.

- ``flask --app tracker evidence-previews``: make the previews of evidence uploaded before them.
- ``flask --app tracker evidence-public-copies``: make the public copies that published files
  lack (after an upgrade that changed the recipe, or a restore without them).
- ``flask --app tracker files-sweep``: finish what an interrupted save left behind (the
  scheduler also runs it daily: ``tracker/findings/jobs.py``).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.errors import Invalid
from tracker.findings.jobs import PENDING_AGE_MINUTES, sweep_files
from tracker.findings.models import Evidence
from tracker.findings.previews import backfill_previews
from tracker.pacts.models import Pact
from tracker.public_copies import make_public_copy
from tracker.storage import PDF, get_file_store
from tracker.web.cli import command_step


@click.command("evidence-previews")
@with_appcontext
def evidence_previews() -> None:
    """Make and store the missing previews of evidence photos and PDFs (safe to run again)."""
    with command_step() as session:
        made, failed = backfill_previews(session, store=get_file_store())
    click.echo(f"Previews made: {made}; files without a preview: {failed}.")


@click.command("evidence-public-copies")
@with_appcontext
def evidence_public_copies() -> None:
    """Make the missing public copies of published evidence and decision documents."""
    store = get_file_store()
    made = present = failed = 0
    with command_step() as session:
        evidence = session.execute(
            select(Evidence.storage_key, Evidence.sha256, Evidence.content_type).where(
                Evidence.is_public.is_(True), Evidence.storage_key.is_not(None)
            )
        ).all()
        documents = session.execute(
            select(Pact.outcome_document_key, Pact.outcome_document_sha256).where(
                Pact.outcome.is_not(None), Pact.outcome_document_key.is_not(None)
            )
        ).all()
        files = [*evidence, *((key, sha, PDF) for key, sha in documents)]
        for key, sha256, content_type in files:
            if not (key and sha256 and content_type):
                failed += 1
                continue
            try:
                if make_public_copy(
                    store, storage_key=key, sha256=sha256, content_type=content_type,
                    session=session,
                ):  # fmt: skip
                    made += 1
                else:
                    present += 1
            except Invalid:
                failed += 1
    click.echo(f"Public copies made: {made}; already there: {present}; cannot be made: {failed}.")


@click.command("files-sweep")
@click.option(
    "--older-than-minutes",
    type=click.IntRange(min=1),
    default=PENDING_AGE_MINUTES,
    show_default=True,
    help="Leave younger pending files alone: their transaction may still be open.",
)
@with_appcontext
def files_sweep(older_than_minutes: int) -> None:
    """Rename the pending files a row points to (a commit whose rename was interrupted) and
    remove the others (a save that never committed). The scheduler runs it daily."""
    with command_step() as session:
        report = sweep_files(session, older_than_minutes=older_than_minutes)
    click.echo(report.summary())


COMMANDS = (evidence_previews, evidence_public_copies, files_sweep)
