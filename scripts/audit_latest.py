"""Known vulnerabilities of the installed dependencies, from PyPI's project JSON API.

make audit runs pip-audit first. pip-audit asks PyPI for each release's own record
(/pypi/NAME/VERSION/json in PyPI's JSON API) or OSV; where neither answers (this workplace's
network serves PyPI's project record, /pypi/NAME/json, and nothing else) it
audits nothing, and scripts/audit.sh runs this instead.

The project record's ``vulnerabilities`` list is PyPI's (the PyPA advisory database and OSV),
but it describes the project's LATEST release only. So a dependency is audited here exactly when
the installed version is that latest release; any other is listed as not audited (upgrading it
to the latest release makes it auditable), never passed.

Usage: .venv/bin/python scripts/audit_latest.py [--required] [--skip NAME ...]
Exit status: 0 no known vulnerability in what was audited (the rest listed; with --required, 3
when something was not audited), 1 a known vulnerability, 2 PyPI did not answer at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import distributions
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# PYPI_PROJECT_JSON_URL: another server of the same records (a mirror, or a test's own).
API = os.environ.get("PYPI_PROJECT_JSON_URL", "https://pypi.org/pypi/{name}/json")
TIMEOUT_SECONDS = 30
WORKERS = 8


@dataclass
class Finding:
    """What PyPI says of one installed dependency."""

    name: str
    installed: str
    latest: str | None = None
    error: str | None = None
    vulnerabilities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def audited(self) -> bool:
        """Whether PyPI's record speaks of the installed version (it is the latest release)."""
        if self.latest is None:
            return False
        try:
            return Version(self.installed) == Version(self.latest)
        except InvalidVersion:
            return self.installed == self.latest


def installed(skip: set[str]) -> dict[str, str]:
    """Return the distributions installed in this interpreter's environment: name -> version."""
    found: dict[str, str] = {}
    for dist in distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name not in skip:
            found[name] = dist.version
    return dict(sorted(found.items()))


def ask(name: str, version: str) -> Finding:
    """Fetch the project's record and keep its latest version and vulnerabilities."""
    finding = Finding(name, version)
    url = API.format(name=name)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            record = json.load(response)
    except urllib.error.HTTPError as error:
        finding.error = f"HTTP {error.code}"
        return finding
    except (OSError, ValueError) as error:
        finding.error = f"{type(error).__name__}: {error}"
        return finding
    finding.latest = str(record.get("info", {}).get("version") or "") or None
    finding.vulnerabilities = list(record.get("vulnerabilities") or [])
    return finding


def main() -> int:
    """Audit, print the report, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--required", action="store_true", help="fail when any is not audited")
    parser.add_argument("--skip", nargs="*", default=[], help="distributions not to audit")
    args = parser.parse_args()
    wanted = installed({canonicalize_name(name) for name in args.skip})
    with ThreadPoolExecutor(WORKERS) as pool:
        findings = list(pool.map(lambda item: ask(*item), wanted.items()))

    answered = [f for f in findings if f.error is None]
    audited = [f for f in answered if f.audited]
    vulnerable = [f for f in audited if f.vulnerabilities]
    behind = [f for f in answered if not f.audited]
    failed = [f for f in findings if f.error is not None]
    print(
        f"PyPI project records: {len(audited)} of {len(findings)} dependencies audited "
        "(installed = latest release)"
    )
    for f in vulnerable:
        for vuln in f.vulnerabilities:
            fixes = ", ".join(vuln.get("fixed_in") or []) or "no fix yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            vid = vuln.get("id")
            print(f"  VULNERABLE {f.name} {f.installed}: {vid} ({aliases}) fixed in {fixes}")
    if behind:
        print("  not audited, older than the latest release (PyPI's record speaks of that one):")
        for f in behind:
            print(f"    {f.name} {f.installed} (latest {f.latest})")
    if failed:
        print("  not audited, PyPI did not answer:")
        for f in failed:
            print(f"    {f.name} {f.installed}: {f.error}")
    if not answered:
        return 2
    if vulnerable:
        print(f"{len(vulnerable)} dependencies have known vulnerabilities (above)")
        return 1
    print(f"no known vulnerability in the {len(audited)} audited")
    if args.required and (behind or failed):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
