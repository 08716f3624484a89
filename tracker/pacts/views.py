"""Staff pages of pacts: record, extend, withdraw, timeline."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pacts", __name__)
