"""``flask --app tracker users ...``: accounts and API tokens from the operator's command line.

The command line is a trusted edge (``actor=None`` in the services): it opens the unit of work,
calls the same services as the pages, commits, and turns a DomainError into a message on
standard error and exit code 1. Output is English, like the rest of the operator's CLI.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.auth import second_factor, services
from tracker.auth.models import User, UserRole
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency
from tracker.web.cli import command_step

users = AppGroup("users", help="Staff accounts and their API tokens.")

_ROLES = ", ".join(role.value for role in UserRole)


def _read_password() -> str:
    """Read the new password: the first line of a pipe, or typed twice without echo."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException("Expected the password on the first line of standard input.")
        return line.rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _when(instant: datetime | None) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if instant else "-"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Lay out rows in columns as wide as their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in (headers, *rows)
    )


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {_ROLES}.")
@click.option("--regency", "regency_slug", help="Slug of the account's regency.")
@click.option("--agency", "agency_slug", help="Slug of the account's agency (OPD accounts).")
@click.option("--name", default="", help="Display name (default: the part before the @).")
def create(
    email: str, role: str, regency_slug: str | None, agency_slug: str | None, name: str
) -> None:
    """Create an account; the password comes from standard input or a hidden prompt."""
    password = _read_password()
    with command_step() as session:
        user = create_user(
            session,
            actor=None,
            email=email,
            name=name,
            role=role,
            password=password,
            now=get_clock().now(),
            regency_slug=regency_slug,
            agency_slug=agency_slug,
        )
    click.echo(f"Created account {user.id} ({user.role.value}): {user.email}")


@users.command("token")
@click.argument("email")
@click.option("--label", default=None, help="What the token is for, shown in the token list.")
def token(email: str, label: str | None) -> None:
    """Issue a bearer token for the API and print it (it is shown only this once)."""
    with command_step() as session:
        owner = services.find_user(session, email=email)
        issued = services.issue_token(
            session, actor=None, owner=owner, now=get_clock().now(), label=label
        )
    # The token alone on standard output, so that a script can capture it.
    click.echo(issued.plaintext)
    click.echo(
        f"Token {issued.token.id} for {owner.email}: shown once, only its hash is stored.",
        err=True,
    )


@users.command("tokens")
@click.argument("email")
def tokens(email: str) -> None:
    """List an account's API tokens, newest first."""
    with command_step() as session:
        owner = services.find_user(session, email=email)
        found = services.list_tokens(session, actor=None, owner=owner)
        rows = [
            (
                str(t.id),
                t.prefix,
                t.label or "-",
                _when(t.created_at),
                _when(t.last_used_at),
                _when(t.revoked_at),
            )
            for t in found
        ]
    if not rows:
        click.echo(f"{owner.email} has no API tokens.")
        return
    click.echo(_table(("id", "prefix", "label", "created", "last used", "revoked"), rows))


@users.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke an API token at once."""
    with command_step() as session:
        services.revoke_token(session, actor=None, token_id=token_id, now=get_clock().now())
    click.echo(f"Token {token_id} revoked.")


@users.command("second-factor-off")
@click.argument("email")
def second_factor_off(email: str) -> None:
    """Turn off an account's two-step login (its owner lost the phone); they log in again."""
    with command_step() as session:
        owner = services.find_user(session, email=email)
        second_factor.reset(session, owner=owner, now=get_clock().now())
    click.echo(f"Two-step login turned off for {owner.email}.")


@users.command("list")
@click.option("--regency", "regency_slug", help="Only the accounts of this regency.")
def list_users(regency_slug: str | None) -> None:
    """List accounts: id, email, role, regency, agency, active."""
    session = db_session()
    # The operator sees every account; the web pages scope theirs through auth.policy.
    regency_of_user, agency_of_user = aliased(Regency), aliased(Agency)
    stmt = (
        select(User, regency_of_user.slug, agency_of_user.slug)
        .outerjoin(regency_of_user, User.regency_id == regency_of_user.id)
        .outerjoin(agency_of_user, User.agency_id == agency_of_user.id)
        .order_by(User.id)
    )
    if regency_slug:
        regency = find_regency(session, regency_slug)
        if regency is None:
            raise click.ClickException(f"There is no regency {regency_slug!r}.")
        stmt = stmt.where(User.regency_id == regency.id)
    rows = [
        (
            str(user.id),
            user.email,
            user.role.value,
            user_regency or "-",
            user_agency or "-",
            "yes" if user.is_active else "no",
        )
        for user, user_regency, user_agency in session.execute(stmt)
    ]
    if not rows:
        click.echo("No accounts.")
        return
    click.echo(_table(("id", "email", "role", "regency", "agency", "active"), rows))


COMMANDS = (users,)
