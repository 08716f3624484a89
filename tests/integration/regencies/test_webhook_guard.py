"""A webhook address that leads inside the server's network is refused when it is saved."""

from __future__ import annotations

import socket

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import form_token
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian
from tracker.regencies.models import Regency

PAGE_X = "/staf/pengaturan/notifikasi/kab-x"
REFUSAL = (
    "an address on the internet: not this server, a private network or a cloud metadata address"
)


def _save(client: FlaskClient, url: str) -> tuple[int, str]:
    token = form_token(client.get(PAGE_X).get_data(as_text=True))
    response = client.post(f"{PAGE_X}/webhook", data={"csrf_token": token, "url": url})
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://0x7f000001/",
        "http://2130706433/", "http://127.1:5000/", "http://localhost:22/",
        "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/",
        "http://10.0.0.5:8080/hook", "https://192.168.1.1/", "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]:8080/", "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0:80/",
        "http://relay/", "http://100.100.100.200/",
    ],
)  # fmt: skip
def test_an_inner_webhook_address_is_refused_beside_the_field_in_indonesian(
    app: Flask, session: Session, office: Office, url: str
) -> None:
    client = client_of(app, office.admin_x)
    status, page = _save(client, url)
    assert status == 422
    assert error_beside(page, "url") == in_indonesian(app, REFUSAL)
    session.expire_all()
    regency = session.get_one(Regency, office.x.id)
    assert (regency.webhook_url, regency.webhook_secret) == (None, None)


def test_a_name_that_resolves_inside_is_refused_and_one_that_resolves_outside_is_saved(
    app: Flask, session: Session, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {
        "relay.kab-x.example": ["10.9.8.7"],
        "wa.kab-x.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    }

    def resolve(host, port, *args):  # type: ignore[no-untyped-def]
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    # DNS is the world's edge: the test answers for it.
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    client = client_of(app, office.admin_x)
    status, page = _save(client, "https://relay.kab-x.example/hook")
    assert status == 422 and error_beside(page, "url") == in_indonesian(app, REFUSAL)
    status, _ = _save(client, "https://wa.kab-x.example/hook")
    assert status == 302
    session.expire_all()
    assert session.get_one(Regency, office.x.id).webhook_url == "https://wa.kab-x.example/hook"


def test_the_operator_may_allow_the_regencys_own_network(
    app: Flask, session: Session, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16")
    client = client_of(app, office.admin_x)
    assert _save(client, "http://10.20.0.9:8080/hook")[0] == 302
    assert _save(client, "http://10.21.0.9:8080/hook")[0] == 422
    session.expire_all()
    assert session.get_one(Regency, office.x.id).webhook_url == "http://10.20.0.9:8080/hook"
