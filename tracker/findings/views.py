"""Staff pages of findings: evidence, submission, verification."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("findings", __name__)
