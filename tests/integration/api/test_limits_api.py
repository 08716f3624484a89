"""Through the API the same refusals as on the forms: a 422 that names the field, or a 507 when
the server's disk refuses a file; never a 500, never half a write."""

from __future__ import annotations

import errno
import os
import struct
import zlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import png
from tests.integration.api.conftest import Api
from tracker.findings.models import Evidence
from tracker.pacts.models import Pact


def _fields(response: TestResponse) -> dict[str, str]:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return {p["name"]: p["reason"] for p in response.get_json().get("invalid_params", [])}


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("signed_on", ["0001-01-01", "1999-12-31"])
def test_a_pact_signed_before_2000_is_a_422_naming_the_date(
    api: Api, session: Session, signed_on: str
) -> None:
    response = api("POST", "/pacts", "admin_x", json=api.pact_body(signed_on=signed_on))
    assert response.status_code == 422
    assert _fields(response)["signed_on"] == "not before 2000-01-01"
    assert _count(session, Pact) == 0


def test_a_pact_with_more_than_100_findings_is_a_422(api: Api, session: Session) -> None:
    findings = [{"title": f"Temuan {i}", "category": "input"} for i in range(101)]
    response = api("POST", "/pacts", "admin_x", json=api.pact_body(findings=findings))
    assert response.status_code == 422
    assert "findings" in _fields(response)
    assert _count(session, Pact) == 0


def _png_claiming(width: int, height: int) -> bytes:
    data = bytearray(png())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_a_photo_over_40_megapixels_is_a_422_and_a_full_disk_a_507(
    api: Api, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pact = api.record_pact()
    finding_id = pact["findings"][0]["id"]

    response = api.upload(finding_id, data=_png_claiming(9_400, 9_400), name="besar.png")
    assert response.status_code == 422
    assert _fields(response)["file"] == "larger than 40 megapixels"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The disk is the world's edge: it refuses the bytes.
    monkeypatch.setattr(os, "fsync", full)
    response = api.upload(finding_id)
    assert response.status_code == 507
    assert response.get_json()["title"] == "Insufficient storage"
    assert _count(session, Evidence) == 0
