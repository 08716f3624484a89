"""Which evidence addresses become links on the pages (findings.rules.is_web_address)."""

from __future__ import annotations

import pytest

from tracker.findings.rules import is_web_address


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        pytest.param("https://sumbawabaratkab.go.id/foto.jpg", True, id="https"),
        pytest.param("HTTP://contoh.id/sop.pdf", True, id="http-upper-case"),
        pytest.param("  https://contoh.id/  ", True, id="surrounding-spaces"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", False, id="javascript-mixed-case"),
        pytest.param("data:text/html;base64,PHNjcmlwdD4=", False, id="data"),
        pytest.param("//contoh.id/foto.jpg", False, id="scheme-relative"),
        pytest.param("ftp://contoh.id/foto.jpg", False, id="ftp"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_only_a_web_address_becomes_a_link(url: str | None, linked: bool) -> None:
    assert is_web_address(url) is linked
