"""Staff pages of agencies: list and record them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agencies", __name__)
