"""`make bench` in miniature, so it cannot rot: tiny invented data, a fraction of a second a URL.

The real run (PostgreSQL, 600 regencies, seconds a URL) is `make bench`; this one runs the same
code on SQLite files of its own: generation through the command, gunicorn with 2 workers, the
load from a separate process, nginx in front when it is installed, the CSV, the sweep, the
import through the API and the memory count. Skipped on the server databases (.ci/run repeats
the integration tests there): it never uses the suite's database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import national
from tests.conftest import external_database_url


@pytest.mark.skipif(
    external_database_url() is not None, reason="the smoke bench runs on SQLite files only"
)
def test_the_bench_measures_every_page_against_the_baseline(tmp_path: Path) -> None:
    results = tmp_path / "results"
    out = national.main(["--smoke", "--sqlite", str(tmp_path / "db"), "--results", str(results)])

    pages = out["datasets"]["national"]["pages"]
    expected = {"B ping", "home", "home ?status=overdue", "regency", "pact", "API list"}
    assert expected | {"304 pact", "pact, 16 connections"} <= set(pages)
    for name in expected:
        assert set(pages[name]["statuses"]) == {"200"}, (name, pages[name])
        assert pages[name]["requests"] > 0 and pages[name]["p95_ms"] > 0
    assert set(pages["304 pact"]["statuses"]) == {"304"}
    assert pages["B ping"]["ratio_to_B"] == 1.0
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        proxied = pages["pact via nginx"]
        assert set(proxied["statuses"]) == {"200"}
        # A burst on one page reaches the app once; nginx answers the rest from its cache.
        assert proxied["reached_app"] == 1
    extra = out["datasets"]["national"]
    assert extra["csv"]["status"] == 200 and extra["csv"]["bytes"] > 0
    assert "Sweep at" in extra["sweep"]["first"]["summary"]
    assert extra["import"]["commit"]["status"] == 200
    assert extra["import"]["commit"]["counts"]["new"] == 2
    assert extra["rss"]["requests"] == 200
    assert {t["target"] for t in out["targets"]} >= {"sweep < 30 s", "CSV complete < 10 s"}
    [written] = results.glob("*-smoke.json")
    assert json.loads(written.read_text())["datasets"]["national"]["pages"]["B ping"]
