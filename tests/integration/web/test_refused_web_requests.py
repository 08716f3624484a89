"""A refused web request changes nothing: each bad input, the database before and after."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.auth_helpers import form_token, login
from tests.integration.office import Office
from tests.integration.workflow import Steps, record, snapshot
from tracker.auth.models import User


@dataclass
class Scene:
    app: Flask
    admin: User
    opd: User
    opd_other: User
    observer: User
    pact_id: int
    open_finding: int
    submitted_finding: int
    agency_id: int


@pytest.fixture
def scene(app: Flask, session: Session, now: datetime, office: Office, steps: Steps) -> Scene:
    pact = record(session, actor=office.admin_x, agency_id=office.a.id, titles=["Ramp", "SOP"],
                  signatory_name="Kepala", signed_on=now.date(), now=now)  # fmt: skip
    submitted = pact.findings[1]
    steps.send(office.opd_a, [submitted])
    session.commit()
    return Scene(
        app=app,
        admin=office.admin_x,
        opd=office.opd_a,
        opd_other=office.opd_b,
        observer=office.observer_x,
        pact_id=pact.id,
        open_finding=pact.findings[0].id,
        submitted_finding=submitted.id,
        agency_id=office.a.id,
    )


def _as(scene: Scene, user: User) -> tuple[FlaskClient, str]:
    client = scene.app.test_client()
    login(client, user)
    return client, form_token(client.get("/akun/kata-sandi").get_data(as_text=True))


def _post(client: FlaskClient, url: str, data: dict[str, object]) -> int:
    response = client.post(url, data=data, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    status = response.status_code
    response.close()
    return status


# Each bad request: who sends it, where, with what (the CSRF token is added unless the data
# says csrf_token=None), and the answers that count as a clear refusal.
PACT = {
    "signatory_title": "Kepala", "signed_on": "2019-03-01", "period_months": "3",
    "pledge": "Janji", "findings-0-title": "Temuan", "findings-0-category": "input",
}  # fmt: skip


def _file(data: bytes, name: str) -> tuple[io.BytesIO, str]:
    return (io.BytesIO(data), name)


BAD_REQUESTS: list[tuple[str, str, str, dict[str, object], set[int]]] = [
    ("pact-without-title-and-pledge", "admin", "/staf/pakta/baru",
     {**PACT, "signatory_title": "", "pledge": ""}, {400, 422}),
    ("pact-signed-in-the-future", "admin", "/staf/pakta/baru",
     {**PACT, "signed_on": "2030-01-01"}, {422}),
    ("pact-period-of-99-months", "admin", "/staf/pakta/baru",
     {**PACT, "period_months": "99"}, {400, 422}),
    ("pact-finding-without-dimension", "admin", "/staf/pakta/baru",
     {**PACT, "findings-0-category": ""}, {422}),
    ("pact-scan-that-is-html", "admin", "/staf/pakta/baru",
     {**PACT, "scan": "HTML"}, {422}),
    ("pact-by-observer", "observer", "/staf/pakta/baru", dict(PACT), {403}),
    ("extend-to-an-earlier-date", "admin", "/staf/pakta/{pact}/perpanjang",
     {"new_deadline": "2019-01-01", "reason": "x"}, {422}),
    ("withdraw-without-reason", "admin", "/staf/pakta/{pact}/batalkan", {"reason": ""}, {422}),
    ("withdraw-by-agency-staff", "opd", "/staf/pakta/{pact}/batalkan", {"reason": "x"}, {403}),
    ("evidence-that-is-html", "opd", "/staf/temuan/{open}/bukti",
     {"caption": "Foto", "file": "HTML"}, {422}),
    ("evidence-with-a-traversal-name-and-no-caption", "opd", "/staf/temuan/{open}/bukti",
     {"caption": "", "file": "PNG ../../x.png"}, {422}),
    ("evidence-without-csrf-token", "opd", "/staf/temuan/{open}/bukti",
     {"caption": "Foto", "file": "PNG foto.png", "csrf_token": None}, {400}),
    ("evidence-by-another-agency", "opd_other", "/staf/temuan/{open}/bukti",
     {"caption": "x", "file": "PNG f.png"}, {404}),
    ("submit-without-evidence", "opd", "/staf/temuan/{open}/ajukan", {}, {302}),
    ("return-without-comment", "admin", "/staf/temuan/{submitted}/verifikasi",
     {"decision": "return", "comment": ""}, {422}),
    ("approve-by-observer", "observer", "/staf/temuan/{submitted}/verifikasi",
     {"decision": "approve"}, {403}),
    ("approve-an-open-finding", "admin", "/staf/temuan/{open}/verifikasi",
     {"decision": "approve"}, {302}),
]  # fmt: skip


def _materialise(scene: Scene, data: dict[str, object], token: str) -> dict[str, object]:
    out: dict[str, object] = {"csrf_token": token, "agency_id": str(scene.agency_id)}
    for key, value in data.items():
        if value is None:
            out.pop(key, None)
        elif value == "HTML":
            out[key] = _file(b"<html><script>alert(1)</script></html>", "x.pdf")
        elif isinstance(value, str) and value.startswith("PNG "):
            out[key] = _file(png(), value[4:])
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    ("who", "url", "data", "statuses"),
    [pytest.param(who, url, data, st, id=name) for name, who, url, data, st in BAD_REQUESTS],
)
def test_a_refused_request_leaves_the_database_as_it_was(
    scene: Scene,
    session: Session,
    who: str,
    url: str,
    data: dict[str, object],
    statuses: set[int],
) -> None:
    client, token = _as(scene, getattr(scene, who))
    target = url.format(
        pact=scene.pact_id, open=scene.open_finding, submitted=scene.submitted_finding
    )
    before = snapshot(session)
    status = _post(client, target, _materialise(scene, data, token))
    assert status in statuses
    session.expire_all()
    assert snapshot(session) == before


def test_an_oversize_upload_is_refused_with_413_and_stores_nothing(
    scene: Scene, session: Session
) -> None:
    limit = scene.app.config["MAX_CONTENT_LENGTH"]
    scene.app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        client, token = _as(scene, scene.opd)
        before = snapshot(session)
        status = _post(
            client,
            f"/staf/temuan/{scene.open_finding}/bukti",
            {"csrf_token": token, "caption": "x", "file": (io.BytesIO(b"\xff" * 10_000), "a.png")},
        )
        assert status == 413
        assert snapshot(session) == before
    finally:
        scene.app.config["MAX_CONTENT_LENGTH"] = limit
