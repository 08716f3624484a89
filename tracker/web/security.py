"""What every response carries and every request must name: the security headers, the Host
header the install answers to, and absolute URLs built from BASE_URL (never from the Host).

The Content-Security-Policy allows no inline script or style: scripts and styles are files
under /static (vendored, no CDN), and templates carry no ``style=""`` or ``<script>`` body.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import flask_login
from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_babel import force_locale, gettext
from werkzeug.exceptions import SecurityError

from tracker.web.errors import problem

# Pages: nothing but this site's own files; no plugin, no <base>, no framing, forms post here.
PAGE_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# A PDF shown in the browser: its viewer is a plugin the page policy's object-src 'none' would
# block (Chromium), so a PDF is only kept out of frames. Its public copy carries no script.
PDF_POLICY = "frame-ancestors 'none'"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Two years, this host and its subdomains; sent only by the production configuration.
HSTS = "max-age=63072000; includeSubDomains"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1")
# The same for everyone (stylesheet, script, icon): cached as their own views say.
_SHARED_FILES = frozenset({"static", "favicon"})


class Tracker(Flask):
    """The Flask app, whose absolute URLs start with BASE_URL.

    ``url_for(..., _external=True)`` inside a request would otherwise copy the request's Host
    header and scheme into the link (an API's ``next`` page, a share link): a forged Host would
    send the reader elsewhere, and a proxy's plain-http hop would show http://.
    """

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Build a URL; an absolute one (``_external``) from BASE_URL and the route's path."""
        if _external and has_request_context():
            path = super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _external=False, **values
            )
            return str(self.config["BASE_URL"]) + path[len(request.script_root) :]
        return super().url_for(
            endpoint,
            _anchor=_anchor,
            _method=_method,
            _scheme=_scheme,
            _external=_external,
            **values,
        )


def allowed_hosts(base_url: str, configured: str | Iterable[str] | None) -> list[str]:
    """Return the host names a request may name (Werkzeug's TRUSTED_HOSTS; ports ignored).

    ALLOWED_HOSTS when set (comma-separated; ".kab.go.id" allows every subdomain), else the
    host of BASE_URL, with the other loopback name when that is a loopback address (a
    developer's machine answers to both 127.0.0.1 and localhost).
    """
    if configured:
        names = configured.split(",") if isinstance(configured, str) else list(configured)
        return [name.strip().lower() for name in names if name.strip()]
    host = (urlsplit(base_url).hostname or "").lower()
    if host in _LOOPBACK_NAMES or _is_loopback_address(host):
        return sorted({host, *_LOOPBACK_NAMES})
    return [host]


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _authenticated() -> bool:
    """Tell whether the response answers a logged-in staff member or an API token."""
    if g.get("api_actor") is not None:
        return True
    from tracker.auth.views import LOGIN_KEY

    if LOGIN_KEY not in session:
        return False
    return bool(flask_login.current_user.is_authenticated)


def _privately_cached(response: Response) -> bool:
    # A staff image the page shows many times (an evidence preview) may stay in the
    # browser's own cache for a while; every other authenticated answer is never stored.
    control = response.cache_control
    return bool(control.private) and (control.max_age or 0) > 0


def add_security_headers(response: Response) -> Response:
    """Add the security headers; a view's own stricter values (a sandbox, no-referrer) stay."""
    headers = response.headers
    policy = PDF_POLICY if response.mimetype == "application/pdf" else PAGE_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if current_app.config.get("PRODUCTION"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    personal = request.endpoint not in _SHARED_FILES and _authenticated()
    if personal and not _privately_cached(response):
        # A staff page or an API answer to a token (a public page too, once it shows who is
        # logged in): no cache, no history, no proxy keeps it.
        control = response.cache_control
        control.no_store = True
        control.public = False
        control.max_age = None
    return response


def _unknown_host_message(url: str) -> str:
    return str(
        gettext(
            "This server does not answer to that host name. Open the site at its own address: "
            "%(url)s",
            url=url,
        )
    )


def _unknown_host(_error: SecurityError) -> Response:
    """Refuse a request naming a host the install does not answer to: 400, in both languages.

    No route was matched (Flask checks the host before routing), so no URL of the site can be
    built and the layout's error page (which links its stylesheet) cannot be rendered: pages get
    plain text, Indonesian first and English second, whatever the visitor's language; /api/ gets
    problem+json in English, like every API refusal. The host named is never echoed back, and the
    only address shown is BASE_URL's.
    """
    url = str(current_app.config["BASE_URL"])
    if request.path.startswith("/api/"):
        with force_locale("en"):
            detail = _unknown_host_message(url)
        return problem(400, "Bad request", detail, slug="unknown-host")
    paragraphs = []
    for lang in ("id", "en"):
        with force_locale(lang):
            title = gettext("The request could not be understood")
            paragraphs.append(f"400 {title}\n{_unknown_host_message(url)}\n")
    return Response("\n".join(paragraphs), status=400, mimetype="text/plain")


def register_security(app: Flask) -> None:
    """Send the security headers with every response (errors included); refuse unknown hosts."""
    app.register_error_handler(SecurityError, _unknown_host)
    app.after_request(add_security_headers)
