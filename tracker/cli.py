"""Register the command groups of ``flask --app tracker``."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach every capability's commands to the app's CLI."""
    from tracker.accounts.cli import users
    from tracker.demo.cli import demo
    from tracker.notifications.cli import scheduler_command, sweep_command
    from tracker.opendata.cli import snapshot

    app.cli.add_command(demo)
    app.cli.add_command(snapshot)
    app.cli.add_command(users)
    app.cli.add_command(sweep_command)
    app.cli.add_command(scheduler_command)
