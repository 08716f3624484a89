"""Security headers on every response: every GET route of the URL map, with sample ids, for an
anonymous visitor and for staff; refused hosts; absolute URLs from BASE_URL; HSTS in production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import login
from tests.integration.policy import test_route_policy as route_policy
from tests.integration.policy.test_route_policy import World, _routes
from tests.live import sqlite_app
from tracker.extensions import db
from tracker.web.security import PAGE_POLICY, PDF_POLICY

# The route-policy walk's world: an office, a pact with a submitted finding, evidence, tokens.
world = route_policy.world

# Responses that carry a stricter policy of their own (a published file, shown sandboxed).
OWN_POLICY = {"portal.evidence_file", "notifications.notice_body"}


def _problems(endpoint: str, response: TestResponse, *, personal: bool) -> list[str]:
    headers = response.headers
    found = []
    policy = headers.get("Content-Security-Policy", "")
    if endpoint in OWN_POLICY and response.status_code == 200:
        # A sandbox: a document of no origin that runs nothing and fetches nothing of ours.
        if "sandbox" not in policy or "default-src 'none'" not in policy or "script-src" in policy:
            found.append(f"Content-Security-Policy {policy!r}")
    else:
        expected = PDF_POLICY if response.mimetype == "application/pdf" else PAGE_POLICY
        if policy != expected or "unsafe-inline" in policy or "unsafe-eval" in policy:
            found.append(f"Content-Security-Policy {policy!r}")
        if headers.get("X-Frame-Options") != "DENY":
            found.append("no X-Frame-Options: DENY")
    if headers.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if not headers.get("Referrer-Policy"):
        found.append("no Referrer-Policy")
    if "Strict-Transport-Security" in headers:
        found.append("HSTS outside the production configuration")
    control = response.cache_control
    if personal and not control.no_store and not (control.private and (control.max_age or 0)):
        found.append(f"authenticated answer without no-store: {headers.get('Cache-Control')!r}")
    if control.public and personal:
        found.append("a personal answer marked public")
    return found


def _walk(app: Flask, client: FlaskClient, world: World, token: str | None) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for endpoint, method, _rule in _routes(app):
        if method != "GET":
            continue
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        with app.test_request_context():
            url = url_for(endpoint, **{k: world.values[k] for k in rule.arguments})
        headers = {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}
        response = client.get(url, headers=headers)
        shared = endpoint in ("static", "favicon")
        personal = not shared and (
            bool(headers) or (token is not None and not url.startswith("/api/"))
        )
        found = _problems(endpoint, response, personal=personal)
        if found:
            problems[f"{url} ({endpoint}, {response.status_code})"] = found
        response.close()
    return problems


def test_every_get_route_carries_the_security_headers_for_an_anonymous_visitor(
    app: Flask, client: FlaskClient, world: World
) -> None:
    assert _walk(app, client, world, None) == {}


@pytest.mark.parametrize("persona", ["opd_a", "admin_x", "observer_x", "superadmin"])
def test_every_get_route_carries_the_security_headers_and_no_store_for_staff(
    app: Flask, client: FlaskClient, world: World, persona: str
) -> None:
    login(client, world.users[persona])
    assert _walk(app, client, world, world.tokens[persona]) == {}


def test_public_pages_stay_cacheable_for_anonymous_visitors(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.cache_control.public and response.headers.get("ETag")


@pytest.mark.parametrize("url", ["/", "/masuk", "/api/v1/pacts", "/staf/"])
def test_a_request_naming_another_host_is_refused(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Host": "penipu.example"})
    assert response.status_code == 400
    assert "penipu.example" not in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


HOST_REFUSED_ID = (
    "Server ini tidak melayani nama host tersebut. Buka situs ini di alamatnya sendiri"
)
HOST_REFUSED_EN = "This server does not answer to that host name. Open the site at its own address"


@pytest.mark.parametrize(
    ("method", "url", "language"),
    [
        ("GET", "/", "id"),
        ("GET", "/?lang=en", "en"),
        ("POST", "/masuk", "en"),
        ("GET", "/static/no-such-file.css", "id"),
        ("GET", "/halaman-yang-tidak-ada", "en"),
    ],
    ids=["home", "english-visitor", "login-post", "static-file", "unknown-page"],
)
def test_a_page_asked_under_another_host_says_so_in_indonesian_then_english(
    app: Flask, client: FlaskClient, method: str, url: str, language: str
) -> None:
    headers = {"Host": "penipu.example", "Accept-Language": language}
    response = client.open(url, method=method, headers=headers)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("400 Permintaan tidak dapat dipahami\n")
    assert "400 The request could not be understood" in text
    # Indonesian first, English second, both pointing to the install's own address.
    assert 0 < text.index(HOST_REFUSED_ID) < text.index(HOST_REFUSED_EN)
    assert text.count(app.config["BASE_URL"]) == 2
    assert "penipu.example" not in text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_api_asked_under_another_host_answers_problem_json(
    app: Flask, client: FlaskClient, method: str
) -> None:
    response = client.open("/api/v1/pacts", method=method, headers={"Host": "penipu.example"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["type"].endswith("/unknown-host")
    assert body["detail"].startswith(HOST_REFUSED_EN)
    assert app.config["BASE_URL"] in body["detail"]
    assert "penipu.example" not in response.get_data(as_text=True)


def test_the_loopback_names_are_allowed_for_a_loopback_base_url(client: FlaskClient) -> None:
    for host in ("localhost", "127.0.0.1:5000", "localhost:8080"):
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_absolute_urls_come_from_the_base_url_not_the_host_header(
    app: Flask, client: FlaskClient
) -> None:
    base = app.config["BASE_URL"]
    with app.test_request_context("/", base_url="http://localhost:8080"):
        assert url_for("portal.pact", pact_id=7, _external=True) == f"{base}/pakta/7"
        assert url_for("portal.home") == "/"
    # The API's next page, asked for under another allowed name.
    body = client.get("/api/v1/pacts?per_page=1", headers={"Host": "localhost:8080"}).get_json()
    assert body["next"] is None or body["next"].startswith(f"{base}/api/v1/pacts")


@pytest.fixture
def production_app(tmp_path: Path) -> Iterator[Flask]:
    app = sqlite_app(tmp_path, PRODUCTION=True, BASE_URL="https://pakta.kab-uji.go.id")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_production_configuration_sends_hsts_and_answers_only_its_own_host(
    production_app: Flask,
) -> None:
    client = production_app.test_client()
    page = client.get("/", base_url="https://pakta.kab-uji.go.id")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/", base_url="https://localhost").status_code == 400
    assert client.get("/", base_url="https://pakta.kab-uji.go.id.penipu.example").status_code == 400
