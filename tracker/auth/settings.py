"""How logins are slowed down and how long sessions last (LOGIN_*, SESSION_* settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class LoginSettings:
    """The login slow-down and the session lifetimes (from the app's configuration)."""

    # Attempts on one address string that pass in a row; then one more per interval.
    free_attempts: int = 5
    attempt_interval: timedelta = timedelta(minutes=10)
    # A login session ends after this long without a request, and after max_age whatever.
    idle: timedelta = timedelta(hours=2)
    max_age: timedelta = timedelta(hours=12)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginSettings:
        """Read the ``LOGIN_*`` and ``SESSION_*`` keys of a Flask config."""
        return cls(
            free_attempts=max(1, int(config["LOGIN_FREE_ATTEMPTS"])),
            attempt_interval=timedelta(seconds=int(config["LOGIN_ATTEMPT_INTERVAL_SECONDS"])),
            idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
            max_age=timedelta(hours=int(config["SESSION_MAX_HOURS"])),
        )


def login_settings() -> LoginSettings:
    """Return the login settings of the current app."""
    return LoginSettings.from_config(current_app.config)
