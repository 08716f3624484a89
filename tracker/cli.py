"""Register the commands of ``flask --app tracker``: each capability lists its own.

A capability with commands names them in its ``cli.py`` as ``COMMANDS``; the app factory hands
over the ``cli`` modules of its capabilities (``tracker.app.CAPABILITIES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from flask import Flask


def register(app: Flask, modules: Iterable[ModuleType]) -> None:
    """Attach every capability's ``COMMANDS`` to the app's CLI."""
    for module in modules:
        for command in module.COMMANDS:
            app.cli.add_command(command)
