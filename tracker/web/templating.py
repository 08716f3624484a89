"""What every template gets: labels, the language switch, links and dates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException, NotFound

from tracker import labels
from tracker.findings.rules import is_web_address
from tracker.i18n import (
    format_day,
    format_local_time,
    format_number,
    format_score,
    zone_abbreviation,
)


def url_with(**changes: Any) -> str:
    """Return the current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    endpoint = request.endpoint or "portal.home"
    if request.method != "GET":
        # A page rendered by a POST (a form with errors) has no GET of its own at this URL:
        # link to the page the form was on, or home.
        adapter = current_app.url_map.bind("")
        referrer = urlsplit(request.referrer or "")
        try:
            if referrer.netloc not in ("", request.host):
                raise NotFound
            endpoint, matched = adapter.match(referrer.path or "/", method="GET")
        except HTTPException:
            endpoint, matched = "portal.home", {}
        values = {**matched, **{k: v for k, v in changes.items() if v is not None}}
    return url_for(endpoint, **values)


def register_template_helpers(app: Flask) -> None:
    """Expose labels, formatting and the language switch to every template."""
    from tracker.auth import policy
    from tracker.pacts import rules as pact_rules

    app.jinja_env.globals.update(
        policy=policy,
        pact_rules=pact_rules,
        labels=labels,
        url_with=url_with,
        current_locale=lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        languages=app.config["LANGUAGES"],
    )
    app.jinja_env.filters["day"] = format_day
    # Numbers and times as the page's language reads them (one place for every page, mail,
    # PDF and feed text): {{ n | number }} "2.798", {{ s | score }} "81,22", {{ t | zone }}
    # "WITA", {{ t | local_time }} "5 Jan 2026 10.00 WITA". Machine outputs never use them.
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.filters["zone"] = zone_abbreviation
    app.jinja_env.filters["local_time"] = format_local_time
    # {% if e.url is web_address %}: the one rule for which evidence addresses become links.
    app.jinja_env.tests["web_address"] = is_web_address
    # Keep the order the serializers chose (id first), not alphabetical.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
