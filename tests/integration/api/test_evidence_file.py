"""Evidence through the API: each record's download_url serves the original file, with its
SHA-256 in Repr-Digest, to a token that may read the finding (the staff page's policy)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.builders import png
from tests.integration.api.conftest import PROBLEM, Api


def _download_path(api: Api, who: str = "opd_a") -> tuple[int, str]:
    finding_id = api.record_pact()["findings"][0]["id"]
    uploaded = api.upload(finding_id, who=who)
    assert uploaded.status_code == 201, uploaded.get_json()
    url: str = uploaded.get_json()["download_url"]
    return finding_id, url.split("/api/v1", 1)[1]


@pytest.mark.parametrize("who", ["opd_a", "admin_x", "observer_x", "superadmin"])
def test_the_original_comes_back_with_its_digest(api: Api, who: str) -> None:
    finding_id, path = _download_path(api)
    response = api("GET", path, who)
    assert response.status_code == 200
    original = png("white")
    assert response.get_data() == original
    assert response.mimetype == "image/png"
    digest = hashlib.sha256(original).digest()
    assert response.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert response.headers["ETag"].strip('"') == digest.hex()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The record the finding lists names the same file.
    (listed,) = api("GET", f"/findings/{finding_id}", who).get_json()["evidence"]
    assert listed["sha256"] == digest.hex() and path in listed["download_url"]
    response.close()


@pytest.mark.parametrize(
    ("who", "status"),
    [("opd_b", 404), ("admin_y", 404), (None, 401)],
)
def test_others_get_nothing(api: Api, who: str | None, status: int) -> None:
    _, path = _download_path(api)
    response = api("GET", path, who)
    assert response.status_code == status
    assert response.mimetype == PROBLEM


def test_unknown_evidence_is_not_found(api: Api) -> None:
    assert api("GET", "/evidence/999999/file", "superadmin").status_code == 404
