"""``flask --app tracker audit verify``: recompute every link of the audit chains.

Exits 0 when every chain holds, 1 at the first broken link of any chain (each broken chain
is named with its first break: the place, the event's id, and what does not match).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.audit.chain import NATIONAL, verify
from tracker.extensions import db_session
from tracker.regencies.models import Regency


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@click.option("--regency", "slug", default=None, help="Verify this regency's chain only.")
@with_appcontext
def verify_command(slug: str | None) -> None:
    """Recompute every audit event's hash and link; exit 1 at a broken link."""
    session = db_session()
    names: dict[int, str] = {
        row.id: row.name for row in session.execute(select(Regency.id, Regency.name))
    }
    chain_id: int | None = None
    if slug is not None:
        found = session.execute(select(Regency.id).where(Regency.slug == slug)).scalar()
        if found is None:
            raise click.ClickException(f"No regency {slug!r}.")
        chain_id = found
    states = verify(session, chain_id=chain_id)
    session.rollback()  # a read: nothing to keep open
    broken = 0
    for state in states:
        name = "no regency" if state.chain_id == NATIONAL else names.get(state.chain_id, "?")
        label = f"chain {state.chain_id} ({name})"
        if state.first_break is None:
            click.echo(f"{label}: {state.length} events, intact; head {state.head_hash}")
            continue
        broken += 1
        where = state.first_break
        event = f"event id {where.event_id}" if where.event_id is not None else "no event"
        click.echo(f"{label}: BROKEN at link {where.chain_seq} ({event}): {where.reason}")
    if broken:
        click.echo(f"{broken} of {len(states)} chains broken.", err=True)
        raise SystemExit(1)
    click.echo(f"All {len(states)} chains intact.")


COMMANDS = (audit,)
