"""Typed access decorators for staff views (Flask-Login ships no type hints)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import flask_login
from flask import abort

from tracker.auth.models import User, UserRole

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


def roles_required(*roles: UserRole) -> Callable[[F], F]:
    """Log in first, then refuse (403) any role not listed."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_actor().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapper))

    return decorate
