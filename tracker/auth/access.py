"""Typed access decorators for staff views (Flask-Login ships no type hints)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import flask_login
from flask import abort

from tracker.auth.models import User

F = TypeVar("F", bound=Callable[..., Any])


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page."""
    return cast(F, flask_login.login_required(view))


def current_actor() -> User:
    """Return the logged-in account (only inside a view behind login_required)."""
    user = flask_login.current_user
    if not isinstance(user, User):
        abort(401)
    return user


def requires(check: Callable[[User], bool]) -> Callable[[F], F]:
    """Log in first, then refuse (403) anyone the policy's ``check`` turns away.

    ``check`` is a function of ``tracker.auth.policy`` that opens a staff area
    (``policy.can_record_pacts``); the service behind the page still decides each object.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not check(current_actor()):
                abort(403)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapper))

    return decorate
