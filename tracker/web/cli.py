"""The step of a CLI command: one unit of work, a DomainError as a message and exit code 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import click
from flask_babel import force_locale
from sqlalchemy.orm import Session

from tracker.errors import DomainError
from tracker.web.step import unit_of_work


def describe(error: DomainError) -> str:
    """Render a domain error: the reason, then one line per bad field."""
    lines = [str(error.detail)]
    lines += [f"  {name}: {reason}" for name, reason in error.fields.items()]
    return "\n".join(lines)


@contextmanager
def command_step(*, messages_in: str | None = "en") -> Iterator[Session]:
    """Yield the session; commit when the block succeeds, roll back and exit 1 on a DomainError.

    Messages are English (``messages_in``): the pages' locale selector reads the request, and a
    command has none (a DomainError translates its message as soon as it is raised). None keeps
    the app's default language, for commands that write text users read (the demo).
    """
    with force_locale(messages_in) if messages_in else nullcontext():
        try:
            with unit_of_work() as session:
                yield session
        except DomainError as error:
            raise click.ClickException(describe(error)) from None
