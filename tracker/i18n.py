"""Locale selection and translation helpers (Indonesian first, English second)."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_request_context, request, session
from flask_babel import format_date


def N_(message: str) -> str:  # noqa: N802 - the conventional name for a no-op marker
    """Mark a string for extraction without translating it now."""
    return message


def select_locale() -> str:
    """Pick the locale: ?lang, then the visitor's saved choice, then (if enabled) the browser's.

    The browser's Accept-Language is off by default: office computers in Indonesia mostly run an
    English OS, and a link shared by a journalist should open in the language of the site.
    """
    languages: tuple[str, ...] = tuple(current_app.config["LANGUAGES"])
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        # Commands and scheduled jobs: the default, unless they force a locale themselves.
        return default
    asked = request.args.get("lang")
    if asked in languages:
        # Only a visitor who changes language gets a cookie.
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    saved = session.get("lang")
    if saved in languages:
        return str(saved)
    if current_app.config["LOCALE_FROM_BROWSER"]:
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return default


def format_day(value: date | None, style: str = "medium") -> str:
    """Format a local date in the current language, or an em dash when there is none."""
    if value is None:
        return "—"
    return str(format_date(value, style))
