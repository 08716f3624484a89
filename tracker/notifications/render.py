"""Render a notice from its templates (``templates/email/<kind>/``) in one recipient language.

Each kind has ``subject.txt``, ``body.txt`` and ``body.html``. Templates receive plain data
(dates already in the regency's local calendar) and ``url(endpoint, **values)``, which builds
absolute links from ``BASE_URL`` and the app's own URL map, so a renamed route cannot leave a
stale link in a mail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

# Where the pages behind the login live.
STAFF_PREFIX = "/staf/"


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


def public_url(context: Mapping[str, Any]) -> Callable[..., str]:
    """Return ``url(endpoint, **values)`` for a reader without an account: a staff page becomes
    its public counterpart (a pact's, or a finding's place on it); any other staff page is an
    error, so a template can never send such a reader to the login form."""

    def url(endpoint: str, **values: Any) -> str:
        link = absolute_url(endpoint, **values)
        path = link.removeprefix(str(current_app.config["BASE_URL"]).rstrip("/"))
        if not path.startswith(STAFF_PREFIX):
            return link
        if endpoint == "pacts.detail":
            return absolute_url("portal.pact", pact_id=values["pact_id"])
        pact = context.get("pact")
        if endpoint == "findings.detail" and pact is not None:
            anchor = f"#temuan-{values['finding_id']}"
            return absolute_url("portal.pact", pact_id=pact.id) + anchor
        raise ValueError(f"{endpoint} is a staff page with no public counterpart")

    return url


def render_notice(
    kind: str, lang: str, context: Mapping[str, Any], *, public: bool = False
) -> Rendered:
    """Render the subject, text and HTML bodies of ``kind`` in language ``lang``.

    ``public``: for readers without an account, every link goes to a public page.
    """
    folder = f"email/{kind}"
    url = public_url(context) if public else absolute_url
    values = {"url": url, "kind": kind, "lang": lang, "public": public, **context}
    with force_locale(lang):
        # One line, no control characters: a subject is a mail header.
        subject = " ".join(render_template(f"{folder}/subject.txt", **values).split())
        values["subject"] = subject
        text = render_template(f"{folder}/body.txt", **values)
        html = render_template(f"{folder}/body.html", **values)
    return Rendered(subject=subject, text=text.strip() + "\n", html=html)
