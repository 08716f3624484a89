"""What the list endpoints of API v1 share: the page size and the regency filter."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from tracker.api.params import Paging
from tracker.errors import BadFilter
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency

# What a filter naming a regency checks beyond its form.
KNOWN_REGENCY = {"regency": "the slug of a regency that exists (GET /regencies lists them)"}


def per_page(query: Paging) -> int:
    """The page size asked for, or the configured one."""
    return query.per_page or int(current_app.config["PAGE_SIZE"])


def regency_filter(slug: str | None) -> Regency | None:
    """Return the regency a filter names (None: no filter); BadFilter for an unknown one."""
    if not slug:
        return None
    regency = find_regency(db_session(), slug)
    if regency is None:
        raise BadFilter(
            _l("There is no regency %(slug)s; GET /api/v1/regencies lists them.", slug=repr(slug)),
            fields={"regency": _l("unknown regency slug")},
        )
    return regency
