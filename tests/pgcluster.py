"""A private PostgreSQL cluster for one test: initdb and pg_ctl into a temporary folder.

For the tests that stop or restart the server: the machine's shared PostgreSQL (5432) serves
other tests at the same time and must never be restarted. The cluster listens on loopback on a
free port, trusts local connections, and is stopped and removed afterwards. Run as root, the
server runs as the ``postgres`` user (PostgreSQL refuses to run as root), in a folder that user
owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from time import monotonic

from tests.smtp import free_port

BIN = Path(os.environ.get("TRACKER_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def missing() -> str | None:
    """Return why a private cluster cannot be made here, or None when it can."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (BIN / tool).is_file():
            return f"no PostgreSQL server binaries ({BIN / tool} is absent; TRACKER_TEST_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run the server as"
    return None


class Cluster:
    """A running private cluster; ``url`` reaches its ``postgres`` database as ``postgres``."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self._as_owner, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr}\n{log}")

    def _pg_ctl(self, action: str, *options: str) -> None:
        server = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(BIN / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.log), "-w",
            "-t", "30", "-o", server, *options,
        )  # fmt: skip

    def init(self) -> None:
        """Create the cluster's files (no fsync: throwaway data)."""
        self._run(
            str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._pg_ctl("start")

    def restart(self) -> float:
        """``pg_ctl restart -m fast`` (sessions cut, shutdown checkpoint); return its seconds."""
        began = monotonic()
        self._pg_ctl("restart", "-m", "fast")
        return monotonic() - began

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``), if it runs."""
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """Make, start, yield, then stop and remove a private cluster."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    folder.chmod(0o700)
    cluster = Cluster(folder, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
