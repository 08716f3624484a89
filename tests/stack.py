"""The production stack of scripts/serve-prod.sh (gunicorn with 2 workers, and the scheduler as
its own process) on a free loopback port, for the tests that drive it from outside."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.live import wait_for
from tests.smtp import free_port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def production_stack(
    database_url: str, folder: Path, secret_key: str, **settings: str
) -> Iterator[tuple[str, Path]]:
    """Run serve-prod.sh with ``settings`` (TRACKER_ variables) once gunicorn answers; yield its
    address and its log. SIGTERM at the end: it must exit 0 (the scheduler's job finished)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "GUNICORN_"))}
    env.update(
        BIN=str(Path(sys.executable).parent),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        TRACKER_DATABASE_URL=database_url,
        TRACKER_SECRET_KEY=secret_key,
        TRACKER_BASE_URL=f"http://127.0.0.1:{port}",
        TRACKER_INSTANCE_PATH=str(folder / "instance"),
        **settings,
    )
    log_path = folder / "stack.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["bash", str(REPO_ROOT / "scripts" / "serve-prod.sh")],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert process.poll() is None, log_path.read_text()
            return _answers(address + "/api/v1/ping")

        wait_for("gunicorn to answer", up)
        yield address, log_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert process.returncode == 0, log_path.read_text()[-4000:]
