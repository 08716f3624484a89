"""An app on a SQLite file of its own, migrated, and served on loopback by a threaded server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from time import monotonic, sleep
from typing import Any

import flask_migrate
from flask import Flask
from werkzeug.serving import make_server

from config import TestConfig
from tracker import create_app
from tracker.extensions import db


def sqlite_app(folder: Path, file_name: str = "tracker.sqlite3", **overrides: Any) -> Flask:
    """Return the app on a migrated SQLite file in ``folder``, on the suite's frozen clock."""
    # FROZEN_NOW given here too: a TRACKER_FROZEN_NOW in the environment must not move the clock.
    app = create_app(
        TestConfig,
        DATABASE_URL="sqlite:///" + str(folder / file_name),
        FROZEN_NOW=TestConfig.FROZEN_NOW,
        **overrides,
    )
    app.instance_path = str(folder / "instance")
    with app.app_context():
        flask_migrate.upgrade()
    return app


@contextmanager
def serving(app: Flask, name: str) -> Iterator[int]:
    """Serve ``app`` on 127.0.0.1 in a thread; yield the port; stop and close the pool after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            # Close the pooled SQLite connections now, not at garbage collection.
            db.engine.dispose()


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    """Call ``check`` every tenth of a second until it holds; fail after ``timeout`` seconds."""
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        if check():
            return
        sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
