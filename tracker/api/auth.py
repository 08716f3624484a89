"""Bearer tokens for API v1: the only credential the API accepts (never a session cookie)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request
from flask_babel import lazy_gettext as _l

from tracker.auth.models import User
from tracker.auth.services import user_for_token
from tracker.clock import get_clock
from tracker.errors import Unauthorized
from tracker.web.step import unit_of_work

F = TypeVar("F", bound=Callable[..., Any])


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if not header:
        raise Unauthorized(_l("Send an API token in the header 'Authorization: Bearer <token>'."))
    if scheme.lower() != "bearer" or not value.strip() or " " in value.strip():
        raise Unauthorized(_l("The Authorization header must read 'Bearer <token>'."))
    return value.strip()


def token_required(view: F) -> F:
    """Resolve the caller from its bearer token or answer 401; the token's use is noted."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # The token's last use is its own unit of work: a refused request below rolls back
        # only its own work.
        with unit_of_work() as session:
            user = user_for_token(session, plaintext=_bearer(), now=get_clock().now())
            if user is None:
                raise Unauthorized(_l("The API token is unknown or revoked."))
        g.api_actor = user
        return view(*args, **kwargs)

    return cast(F, wrapper)


def api_actor() -> User:
    """Return the caller of a view behind token_required."""
    user = g.get("api_actor")
    if not isinstance(user, User):
        raise Unauthorized(_l("The API token is unknown or revoked."))
    return user
