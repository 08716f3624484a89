"""Staff pages of accounts: list and create them (superadmin, regency admin), API tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)
