"""``flask --app tracker demo ...``: load the demo data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.clock import get_clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.web.cli import command_step

demo = AppGroup("demo", help="Demo data from the seed articles.")


@demo.command("load")
def load() -> None:
    """Load the five seed regencies, the demo pacts and the demo accounts (idempotent)."""
    with command_step(messages_in=None) as session:
        report = load_demo(session, now=get_clock().now())
    click.echo(report.summary())
    if report.accounts_refused:
        click.echo(
            "The demo's records are written by its own accounts, whose password is published,"
            " and those must never be added to an install that real people use."
        )
        return
    click.echo(
        f"DEMO ONLY accounts, every one with the password {DEMO_PASSWORD!r}"
        " (published: never load the demo into an install real people use):"
    )
    width = max(len(a.email) for a in report.accounts)
    for account in report.accounts:
        where = "/".join(part for part in (account.regency, account.agency) if part)
        click.echo(f"  {account.email.ljust(width)}  {account.role.value:<10}  {where}".rstrip())


COMMANDS = (demo,)
