"""``flask --app tracker sweep`` and ``flask --app tracker scheduler``."""

from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.clock import get_clock, parse_instant
from tracker.extensions import db_session
from tracker.notifications import jobs
from tracker.notifications.scheduler import run_foreground


@click.command("sweep")
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="Sweep as of this instant (with its UTC offset), e.g. 2019-04-09T08:00:00+08:00.",
)
@with_appcontext
def sweep_command(now_text: str | None) -> None:
    """Record the notices due now in the outbox, then send what is due (one pass each).

    ``--now`` is the instant the sweep is run as of (a replay or backfill); mail is always
    sent on the real clock, so its Date, its sent time and its delivery claims are true.
    """
    try:
        now = parse_instant(now_text) if now_text else get_clock().now()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    session = db_session()
    click.echo(f"as of {now.isoformat(timespec='seconds')}")
    click.echo(jobs.run_sweep(session, now).summary())
    report = jobs.run_delivery(session, config=current_app.config)
    click.echo(report.summary())


@click.command("scheduler")
@click.option(
    "--no-wait",
    is_flag=True,
    help="Exit with status 1 when another scheduler holds the lock, instead of waiting.",
)
@with_appcontext
def scheduler_command(no_wait: bool) -> None:
    """Run the scheduler in the foreground: sweep every 5 minutes, deliver every minute."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run at INFO; our jobs say what they did themselves.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    status = run_foreground(app, wait=not no_wait, say=lambda text: click.echo(text, err=True))
    sys.exit(status)


COMMANDS = (sweep_command, scheduler_command)
