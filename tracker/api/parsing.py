"""Read JSON request bodies of API v1: every bad field named at once, never a 500."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypeVar

from flask import request
from flask_babel import lazy_gettext as _l

from tracker.errors import Message
from tracker.web.routing import MAX_ID

T = TypeVar("T")


def _json_object() -> tuple[dict[str, Any], Message | None]:
    """Return the request's JSON object (an empty body counts as ``{}``), or why it is not one."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}, None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}, _l("The request body is not valid JSON.")
    if not isinstance(data, dict):
        return {}, _l("The request body must be a JSON object.")
    return data, None


class Body:
    """Typed access to the fields of a JSON object; type errors are collected, not raised."""

    def __init__(self, *, known: tuple[str, ...]) -> None:
        self.data, self.malformed = _json_object()
        self.errors: dict[str, Message] = {}
        for name in self.data:
            if name not in known:
                self.errors[name] = _l("unknown field")

    def text(self, name: str, *, required: bool = False) -> str | None:
        """Return a string field (None when absent or null)."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = _l("required")
            return None
        if not isinstance(value, str):
            self.errors[name] = _l("must be a string")
            return None
        return value

    def integer(self, name: str, *, default: int | None = None) -> int | None:
        """Return an integer field (booleans and numeric strings are refused)."""
        value = self.data.get(name)
        if value is None:
            if default is None:
                self.errors[name] = _l("required")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = _l("must be an integer")
            return default
        if not -MAX_ID <= value <= MAX_ID:
            # No id or count here fits past a 32-bit integer column.
            self.errors[name] = _l("out of range")
            return default
        return value

    def day(self, name: str, *, required: bool = False) -> date | None:
        """Return an ISO 8601 calendar date (YYYY-MM-DD)."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = _l("required, a date as YYYY-MM-DD")
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.errors[name] = _l("must be a date as YYYY-MM-DD")
        return None

    def flag(self, name: str) -> bool:
        """Return a boolean field (false when absent)."""
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.errors[name] = _l("must be true or false")
            return False
        return value
