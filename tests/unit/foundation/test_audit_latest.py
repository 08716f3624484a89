"""make audit's second source, PyPI's project records (scripts/audit_latest.py): a dependency is
audited only when it is installed at the latest release those records speak of; a known
vulnerability fails; nothing answering is BLOCKED (exit 2), never a pass.

The records come from a server of the test's own on 127.0.0.1, shaped as PyPI's."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import distributions
from pathlib import Path
from typing import Any, ClassVar

import pytest
from packaging.utils import canonicalize_name

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "audit_latest.py"
VULNERABLE, BEHIND = "flask", "pyotp"
ADVISORY = {"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "fixed_in": ["99.0"]}


def _installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"] or ""): d.version for d in distributions()}


class _Records(BaseHTTPRequestHandler):
    """Answers /pypi/NAME/json as PyPI does; what each record says is the test's choice."""

    records: ClassVar[dict[str, dict[str, Any]]] = {}

    def do_GET(self) -> None:
        name = self.path.split("/")[2]
        record = self.records.get(name)
        body = json.dumps(record).encode() if record else b'{"message": "Not Found"}'
        self.send_response(200 if record else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def records() -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Records)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/pypi/{{name}}/json", _Records.records
    finally:
        server.shutdown()
        server.server_close()
        _Records.records = {}


def _audit(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    # This interpreter, the project's own script.
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--skip", "pantau-pakta", *args],
        env={"PYPI_PROJECT_JSON_URL": url, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _latest_everywhere(records: dict[str, dict[str, Any]]) -> None:
    installed = _installed()
    installed.pop("pantau-pakta", None)
    records.clear()
    records.update(
        {
            name: {"info": {"version": version}, "vulnerabilities": []}
            for name, version in installed.items()
        }
    )


def test_every_dependency_at_its_latest_release_with_no_advisory_passes(
    records: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    url, served = records
    _latest_everywhere(served)
    result = _audit(url)
    assert result.returncode == 0, result.stdout
    count = len(served)
    assert f"{count} of {count} dependencies audited" in result.stdout
    assert f"no known vulnerability in the {count} audited" in result.stdout


def test_an_advisory_on_the_installed_release_fails_naming_it(
    records: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    url, served = records
    _latest_everywhere(served)
    served[VULNERABLE]["vulnerabilities"] = [ADVISORY]
    result = _audit(url)
    assert result.returncode == 1
    version = _installed()[VULNERABLE]
    assert f"VULNERABLE {VULNERABLE} {version}: PYSEC-0000-1 (CVE-0000-1) fixed in 99.0" in (
        result.stdout
    )


def test_a_dependency_behind_its_latest_release_is_listed_not_audited(
    records: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    url, served = records
    _latest_everywhere(served)
    # The record's advisories are the latest release's: they say nothing of the one installed.
    served[BEHIND] = {"info": {"version": "999.0"}, "vulnerabilities": [ADVISORY]}
    del served[VULNERABLE]  # and one PyPI does not know
    result = _audit(url)
    assert result.returncode == 0, result.stdout
    count = len(served) + 1
    assert f"{count - 2} of {count} dependencies audited" in result.stdout
    assert f"{BEHIND} {_installed()[BEHIND]} (latest 999.0)" in result.stdout
    assert f"{VULNERABLE} {_installed()[VULNERABLE]}: HTTP 404" in result.stdout
    # Where an audit is required, what was not audited fails.
    assert _audit(url, "--required").returncode == 3


def test_nothing_answering_is_blocked_not_a_pass() -> None:
    result = _audit("http://127.0.0.1:9/pypi/{name}/json")
    assert result.returncode == 2
    assert "no known vulnerability" not in result.stdout
