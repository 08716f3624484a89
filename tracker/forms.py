"""The base of every HTML form: WTForms' own messages in the visitor's language."""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, gettext
from flask_wtf import FlaskForm

from tracker.i18n import N_


class _BabelTranslations:
    """Route WTForms' messages through our catalogue (WTForms ships no Indonesian)."""

    def gettext(self, string: str) -> str:
        return str(gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Translate only: WTForms fills in %(max)d and the like itself (Flask-Babel's ngettext
        # would format with "num" alone and fail on those names).
        return str(get_translations().ngettext(singular, plural, n))


class Form(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form (CSRF on) whose built-in messages are translated."""

    class Meta:
        def get_translations(self, form: Any) -> _BabelTranslations:
            return _BabelTranslations()


# WTForms' and Flask-WTF's built-in messages that our forms can show, for the catalogue.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Not a valid choice."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Invalid email address."),
    N_("Field must be at least %(min)d characters long."),
    N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Field must be equal to %(other_name)s."),
    N_("The CSRF token is missing."),
    N_("The CSRF token is invalid."),
    N_("The CSRF token has expired."),
    N_("The CSRF tokens do not match."),
)
