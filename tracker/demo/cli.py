"""``flask --app tracker demo ...``: load the demo data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.clock import get_clock
from tracker.demo.services import load_demo
from tracker.extensions import db_session

demo = AppGroup("demo", help="Demo data from the seed articles.")


@demo.command("load")
def load() -> None:
    """Load the five seed regencies and the demo pacts (idempotent)."""
    report = load_demo(db_session(), now=get_clock().now())
    db_session().commit()
    click.echo(report.summary())
