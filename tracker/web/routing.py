"""URL converters: every <int:...> in a URL is a database id."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# The largest id a 32-bit INTEGER column holds (PostgreSQL and MariaDB refuse more).
MAX_ID = 2_147_483_647


class BoundedIntConverter(IntegerConverter):
    """<int:...> that never matches a number no id column can hold."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
