"""The base of every HTML form: WTForms' own messages in the visitor's language."""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, gettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import IntegerField as _IntegerField
from wtforms import widgets
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


class ListSelect(widgets.Select):  # type: ignore[misc]
    """WTForms' select with its plain options written in one step, to the same HTML.

    WTForms builds each option's attributes through ``html_params``: the 600 regencies of a
    national install took 35 ms of every filtered page; written directly, about 1 ms.
    """

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return Markup(super().render_option(choice, **kwargs))  # noqa: S704 - WTForms' own
        value = choice.value
        chosen = "selected " if choice.selected else ""
        label = escape(choice.label or value)
        # Every part is escaped above: the value and the label are the only text put in.
        return Markup(f'<option {chosen}value="{escape(str(value))}">{label}</option>')  # noqa: S704


_LIST_SELECT = ListSelect()


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

        def bind_field(self, form: Any, unbound_field: Any, options: Any) -> Any:
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            if type(field.widget) is widgets.Select and not field.widget.multiple:
                field.widget = _LIST_SELECT
            return field


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
