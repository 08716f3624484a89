"""Domain errors: raised by services and queries, rendered by each edge in its own way."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A request the domain refuses, with a reason a user can read."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields: dict[str, str] = dict(fields or {})


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
