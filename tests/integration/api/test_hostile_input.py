"""Bodies no client should send: every one a 400 or 422 with its reason, never a 500.

A lone surrogate ("\\ud800" in JSON) is no character, and the databases refuse or mangle it;
100,000 nested brackets overflow Python's own JSON reader; NUL fits in no text column. Each
JSON operation of the document meets each, and each method a path lacks answers 405 with
``Allow`` (RFC 9110).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.api.conftest import PROBLEM, Api

HOSTILE = {
    "lone-surrogate": b'{"reason": "\\ud800", "pledge": "a\\udfffb"}',
    "nested-100000": b"[" * 100_000 + b"]" * 100_000,
    "nested-in-a-field": b'{"reason": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nul-escaped": b'{"reason": "a\\u0000b"}',
    "not-utf8": b'{"reason": "\xff\xfe"}',
}


def _document(api: Api) -> dict[str, Any]:
    body: dict[str, Any] = api("GET", "/openapi.json").get_json()
    return body


def _json_operations(api: Api) -> list[tuple[str, str]]:
    return [
        (method.upper(), re.sub(r"{[a-z_]+}", "1", path))
        for path, item in _document(api)["paths"].items()
        for method, operation in item.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


@pytest.mark.parametrize("kind", HOSTILE)
def test_every_json_operation_refuses_a_hostile_body_with_a_reason(api: Api, kind: str) -> None:
    for method, url in _json_operations(api):
        response = api(
            method, url, "superadmin", data=HOSTILE[kind], content_type="application/json"
        )
        # 404: the operation's object (id 1) does not exist, which it says first.
        assert response.status_code in (400, 404, 422), (method, url, response.status_code)
        assert response.mimetype == PROBLEM
        assert response.get_json()["detail"], (method, url)


def test_the_reasons_say_what_is_wrong(api: Api) -> None:
    def detail(raw: bytes) -> str:
        response = api(
            "POST", "/regencies", "superadmin", data=raw, content_type="application/json"
        )
        assert response.status_code == 400
        text: str = response.get_json()["detail"]
        return text

    assert "lone surrogate" in detail(HOSTILE["lone-surrogate"])
    assert "nested too deeply" in detail(HOSTILE["nested-100000"])
    assert "NUL" in detail(HOSTILE["nul-escaped"])
    assert "not valid JSON" in detail(HOSTILE["not-utf8"])


def test_every_api_path_answers_405_with_allow(api: Api) -> None:
    for path, item in _document(api)["paths"].items():
        url = "/api/v1" + re.sub(r"{[a-z_]+}", "1", path)
        documented = {m.upper() for m in item}
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"} - documented):
            response = api.client.open(url, method=method)
            assert response.status_code == 405, (method, path)
            assert response.mimetype == PROBLEM
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert allowed - {"HEAD", "OPTIONS"} == documented, (method, path, allowed)
