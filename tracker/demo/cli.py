"""``flask --app tracker demo ...``: load the demo data."""

from __future__ import annotations

from time import perf_counter

import click
from flask.cli import AppGroup

from tracker.clock import get_clock
from tracker.db import refresh_statistics
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.generator import Size, generate
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


@demo.command("generate")
@click.option("--regencies", type=click.IntRange(1, 2000), required=True, help="How many.")
@click.option(
    "--agencies-per-regency", type=click.IntRange(1, 200), required=True, help="Each one pact."
)
@click.option("--findings-per-pact", type=click.IntRange(0, 100), required=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def generate_command(
    regencies: int, agencies_per_regency: int, findings_per_pact: int, seed: int
) -> None:
    """Fill an empty database with an invented country, marked demo (load tests, demos).

    Each agency signs one pact with FINDINGS_PER_PACT findings; 600 regencies x 10 agencies x
    15 findings is the national size (6,000 pacts, 90,000 findings).
    """
    size = Size(regencies, agencies_per_regency, findings_per_pact, seed)
    started = perf_counter()
    with command_step(messages_in=None) as session:
        report = generate(session, size=size, now=get_clock().now())
    with command_step(messages_in=None) as session:
        refresh_statistics(session)
    report.seconds = perf_counter() - started
    click.echo(report.summary())


COMMANDS = (demo,)
