"""Domain errors: raised by services and queries, rendered by each edge in its own way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from flask_babel import LazyString

# Messages are lazy strings with English ids: pages show them in the visitor's language, the API
# in English (see tracker.web).
Message: TypeAlias = str | LazyString


class DomainError(Exception):
    """A request the domain refuses, with a reason a user can read.

    A kind of refusal names its HTTP status, its problem type's slug and its English title in
    the class line: ``class Conflict(DomainError, status=409, slug="conflict", title="Conflict")``.
    """

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init_subclass__(
        cls, *, status: int | None = None, slug: str | None = None, title: str | None = None
    ) -> None:
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if slug is not None:
            cls.slug = slug
        if title is not None:
            cls.title = title

    def __init__(self, detail: Message, *, fields: Mapping[str, Message] | None = None) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.fields: dict[str, Message] = dict(fields or {})


class Invalid(DomainError, status=422, slug="invalid", title="Invalid input"):
    """Input that fails validation; ``fields`` names each bad field and why."""


class BadFilter(DomainError, status=400, slug="bad-filter", title="Bad filter"):
    """A list filter or page parameter that cannot be used."""


class NotFound(DomainError, status=404, slug="not-found", title="Not found"):
    """The object does not exist, or its existence must not leak."""


class Forbidden(DomainError, status=403, slug="forbidden", title="Forbidden"):
    """The actor may not do this to this object."""


class Conflict(DomainError, status=409, slug="conflict", title="Conflict"):
    """The object is not in a state that allows the change."""


class TooLarge(DomainError, status=413, slug="too-large", title="Upload too large"):
    """An upload over the configured size limit."""


class StorageFailed(TooLarge, status=507, slug="storage-failed", title="Insufficient storage"):
    """The server could not store a file (its disk is full or failing); nothing was recorded.

    A kind of TooLarge (the file did not fit), so every upload form shows it beside its file
    field as it shows the size limit.
    """


class Unauthorized(DomainError, status=401, slug="unauthorized", title="Unauthorized"):
    """No valid credentials (a missing, wrong or revoked token)."""
