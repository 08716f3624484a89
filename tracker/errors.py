"""Domain errors: raised by services and queries, rendered by each edge in its own way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from flask_babel import LazyString

# Messages are lazy strings with English ids: pages show them in the visitor's language, the API
# in English (see tracker.web).
Message: TypeAlias = str | LazyString


class DomainError(Exception):
    """A request the domain refuses, with a reason a user can read."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: Message, *, fields: Mapping[str, Message] | None = None) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.fields: dict[str, Message] = dict(fields or {})


class Invalid(DomainError):
    """Input that fails validation; ``fields`` names each bad field and why."""

    status = 422
    slug = "invalid"
    title = "Invalid input"


class BadFilter(DomainError):
    """A list filter or page parameter that cannot be used."""

    status = 400
    slug = "bad-filter"
    title = "Bad filter"


class NotFound(DomainError):
    """The object does not exist, or its existence must not leak."""

    status = 404
    slug = "not-found"
    title = "Not found"


class Forbidden(DomainError):
    """The actor may not do this to this object."""

    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Conflict(DomainError):
    """The object is not in a state that allows the change."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class TooLarge(DomainError):
    """An upload over the configured size limit."""

    status = 413
    slug = "too-large"
    title = "Upload too large"


class Unauthorized(DomainError):
    """No valid credentials (a missing, wrong or revoked token)."""

    status = 401
    slug = "unauthorized"
    title = "Unauthorized"
