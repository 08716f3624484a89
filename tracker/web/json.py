"""The request step of a JSON endpoint: one service call, committed, or a problem+json refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l

from tracker.errors import DomainError, Invalid, Message
from tracker.web.step import unit_of_work

T = TypeVar("T")


class BadBody(DomainError, status=400, slug="bad-body", title="Malformed request body"):
    """A request body that is not JSON, or not a JSON object."""


class _ParseFailed(Exception):
    """Raised inside the unit of work so that a service's work on bad input is rolled back."""


def run_json(
    action: Callable[[], T],
    *,
    parse_errors: dict[str, Message],
    malformed: Message | None = None,
) -> T:
    """Run one service call as the request's unit of work and commit it.

    The service runs even when parsing failed, with neutral stand-ins for the bad values, and its
    work is then rolled back. So refusals of the caller (401, 403, 404) and of the object's state
    (409) come first, and a 422 names every bad field at once: the parser's and the service's.
    The refusals reach the error handler, which answers problem+json.
    """
    try:
        with unit_of_work():
            result = action()
            if malformed is not None or parse_errors:
                raise _ParseFailed
    except _ParseFailed:
        if malformed is not None:
            raise BadBody(malformed) from None
        raise Invalid(_l("The request has invalid fields."), fields=parse_errors) from None
    except Invalid as exc:
        if malformed is not None:
            raise BadBody(malformed) from None
        # The service saw stand-ins for the refused fields: its message may be about those.
        detail = _l("The request has invalid fields.") if parse_errors else exc.detail
        raise Invalid(detail, fields={**exc.fields, **parse_errors}) from None
    return result
