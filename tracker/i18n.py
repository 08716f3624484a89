"""Locale selection and translation helpers (Indonesian first, English second)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_time, get_translations

# Indonesia's three zones by their own abbreviations, in every language (Babel gives English
# "+0800" where Indonesians read "WITA"). Pontianak keeps Jakarta's time.
ZONE_ABBREVIATIONS: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
# Scores are two-place decimals everywhere a person reads them: "81,22" / "81.22".
SCORE_FORMAT = "#,##0.00"


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


def zone_abbreviation(value: datetime | ZoneInfo | str | None) -> str:
    """Return the abbreviation of a regency's zone (WIB, WITA, WIT) for an aware instant, a zone
    or its IANA name; other zones get Babel's short name in the current language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        zone = value.tzinfo
        key = getattr(zone, "key", None)
        if key in ZONE_ABBREVIATIONS:
            return ZONE_ABBREVIATIONS[key]
        return str(format_time(value, "z", rebase=False)) if zone is not None else ""
    key = value.key if isinstance(value, ZoneInfo) else value
    return ZONE_ABBREVIATIONS.get(key, key)


def format_number(value: int | float | Decimal | None) -> str:
    """Format a count or a day count as the page's language reads it: "2.798" / "2,798"."""
    if value is None:
        return "—"
    return str(format_decimal(value))


def format_score(value: int | float | Decimal | str | None) -> str:
    """Format a score with exactly two decimals in the page's language: "81,22" / "81.22"."""
    if value is None or value == "":
        return "—"
    return str(format_decimal(Decimal(str(value)), SCORE_FORMAT))


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """Translate a plural message as flask_babel's ngettext does, with ``%(num)s`` formatted for
    the language ("2.798 hari"); for Python code (templates pass ``num=n | number``)."""
    text = get_translations().ungettext(singular, plural, num)
    return str(text % {**variables, "num": format_number(num)})


def format_local_time(value: datetime | None) -> str:
    """Format an instant already in the regency's zone: its date, time and zone ("WITA")."""
    if value is None:
        return "—"
    day = format_date(value, "medium", rebase=False)
    return f"{day} {format_time(value, 'short', rebase=False)} {zone_abbreviation(value)}".strip()
