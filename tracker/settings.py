"""Settings the code reads from the app's configuration, each read in one place.

They are set in ``config.py`` (and the environment); requests, commands and scheduled jobs alike
ask here, inside an application context, never ``current_app.config`` themselves.
"""

from __future__ import annotations

from flask import current_app

from tracker.netguard import Network, parse_networks


def due_soon_days() -> int:
    """Return how many days before its deadline a running pact counts as due soon."""
    return int(current_app.config["DUE_SOON_DAYS"])


def webhook_allowed_networks() -> tuple[Network, ...]:
    """Return the networks a webhook may reach besides the public internet (the operator's)."""
    return parse_networks(current_app.config.get("WEBHOOK_ALLOWED_NETWORKS"))
