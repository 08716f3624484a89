"""The base of every HTML form: WTForms' own messages in the visitor's language."""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, gettext
from flask_wtf import FlaskForm
from wtforms import IntegerField as _IntegerField
from wtforms.validators import StopValidation

from tracker.i18n import N_


class _BabelTranslations:
    """Route WTForms' messages through our catalogue (WTForms ships no Indonesian)."""

    def gettext(self, string: str) -> str:
        return str(gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Translate only: WTForms fills in %(max)d and the like itself (Flask-Babel's ngettext
        # would format with "num" alone and fail on those names).
        return str(get_translations().ngettext(singular, plural, n))


# The largest whole number a form takes: an INTEGER column's on PostgreSQL, MariaDB and SQLite.
INTEGER_LIMIT = 2_147_483_647


class IntegerField(_IntegerField):  # type: ignore[misc]
    """WTForms' whole number, refusing one past ``INTEGER_LIMIT`` as not a valid one.

    A number of 400 digits is a valid Python int, but WTForms' NumberRange turns it into a float
    (an OverflowError, so a 500) and a database column cannot hold it.
    """

    data: Any
    too_large: bool = False

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.too_large = isinstance(self.data, int) and abs(self.data) > INTEGER_LIMIT
        if self.too_large:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))

    def pre_validate(self, form: Any) -> None:
        # Said why above; the validators would read the missing value as "required".
        if self.too_large:
            raise StopValidation()


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
