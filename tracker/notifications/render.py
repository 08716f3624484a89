"""Render a notice from its templates (``templates/email/<kind>/``) in one recipient language.

Each kind has ``subject.txt``, ``body.txt`` and ``body.html``. Templates receive plain data
(dates already in the regency's local calendar) and ``url(endpoint, **values)``, which builds
absolute links from ``BASE_URL`` and the app's own URL map, so a renamed route cannot leave a
stale link in a mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale


@dataclass(frozen=True)
class Rendered:
    """A notice's subject and bodies in one language."""

    subject: str
    text: str
    html: str


def absolute_url(endpoint: str, **values: Any) -> str:
    """Return the absolute link to ``endpoint``: BASE_URL followed by the route's path."""
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    return f"{base}{path}"


def render_notice(kind: str, lang: str, context: Mapping[str, Any]) -> Rendered:
    """Render the subject, text and HTML bodies of ``kind`` in language ``lang``."""
    folder = f"email/{kind}"
    values = {"url": absolute_url, "kind": kind, "lang": lang, **context}
    with force_locale(lang):
        # One line, no control characters: a subject is a mail header.
        subject = " ".join(render_template(f"{folder}/subject.txt", **values).split())
        values["subject"] = subject
        text = render_template(f"{folder}/body.txt", **values)
        html = render_template(f"{folder}/body.html", **values)
    return Rendered(subject=subject, text=text.strip() + "\n", html=html)
