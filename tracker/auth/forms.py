"""Login and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.auth.rules import MIN_PASSWORD_LENGTH
from tracker.forms import Form


class LoginForm(Form):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(Form):
    """The current password, and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords do not match.")),
        ],
    )
    # On by default: whoever learnt the old password may have made a token with it.
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"), default=True)


class LoginCodeForm(Form):
    """The code of the second login step."""

    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=12)])


class SecondFactorForm(Form):
    """Turn the second login step on or off: the password and a code from the app."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=12)])
