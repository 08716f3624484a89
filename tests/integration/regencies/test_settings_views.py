"""Who is told about a regency's pacts: its escalation ladder and its webhook."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.auth_helpers import form_token
from tests.integration.office import Office
from tests.integration.pages import client_of, count_rows, error_beside, in_indonesian
from tracker.audit.models import AuditEvent
from tracker.regencies.models import EscalationContact, Regency

PAGE_X = "/staf/pengaturan/notifikasi/kab-x"


def _token(client: FlaskClient, url: str = PAGE_X) -> str:
    return form_token(client.get(url).get_data(as_text=True))


def _add(client: FlaskClient, **fields: str) -> tuple[int, str]:
    data = {"rung": "1", "name": "Inspektur Uji", "title": "Inspektur", "locale": "id"}
    data.update(fields)
    data.setdefault("email", "inspektur@kab-x.example")
    response = client.post(f"{PAGE_X}/kontak", data={"csrf_token": _token(client), **data})
    return response.status_code, response.get_data(as_text=True)


def _ladder(session: Session, regency: Regency) -> list[tuple[int, str, str | None, str, str]]:
    session.expire_all()
    return [
        (c.rung, c.name, c.title, c.email, c.locale)
        for c in session.execute(
            select(EscalationContact)
            .where(EscalationContact.regency_id == regency.id)
            .order_by(EscalationContact.rung, EscalationContact.id)
        ).scalars()
    ]


def _rung_block(page: str, rung: int) -> str:
    pattern = rf'<div class="rung" data-rung="{rung}">(.*?)</div>\s*(?=<div class="rung"|<h3)'
    match = re.search(pattern, page, re.S)
    assert match, f"rung {rung} is not on the page"
    return match.group(1)


# --- the escalation ladder -------------------------------------------------------------------


def test_admin_puts_people_on_each_rung_and_sees_them_there(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    assert _add(client, rung="1", name="Inspektur Uji", email="Inspektur@Kab-X.example")[0] == 302
    assert _add(client, rung="2", name="Sekda Uji", title="Sekretaris Daerah",
                email="sekda@kab-x.example")[0] == 302  # fmt: skip
    assert _add(client, rung="3", name="Bupati Uji", title="Bupati", email="bupati@kab-x.example",
                locale="en")[0] == 302  # fmt: skip
    assert _ladder(session, office.x) == [
        (1, "Inspektur Uji", "Inspektur", "inspektur@kab-x.example", "id"),
        (2, "Sekda Uji", "Sekretaris Daerah", "sekda@kab-x.example", "id"),
        (3, "Bupati Uji", "Bupati", "bupati@kab-x.example", "en"),
    ]
    page = client.get(PAGE_X).get_data(as_text=True)
    assert "inspektur@kab-x.example" in _rung_block(page, 1)
    assert "sekda@kab-x.example" in _rung_block(page, 2)
    assert "bupati@kab-x.example" in _rung_block(page, 3)
    # Rung 1 also names the regency's admin accounts, which get it automatically.
    assert office.admin_x.email in _rung_block(page, 1)
    events = session.execute(
        select(AuditEvent).where(AuditEvent.action == "escalation_contact.added")
    ).scalars()
    assert sorted(e.changes["rung"] for e in events if e.changes) == [1, 2, 3]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "not an email address"),
        ({"email": "a@b"}, "email", "not an email address"),
        ({"rung": "4"}, "rung", "a rung from 1 to 3"),
        ({"rung": "0"}, "rung", "a rung from 1 to 3"),
        ({"rung": "-1"}, "rung", "a rung from 1 to 3"),
        ({"rung": "abc"}, "rung", "a rung from 1 to 3"),
        ({"rung": "99999999999999999999"}, "rung", "a rung from 1 to 3"),
        ({"locale": "fr"}, "locale", "Indonesian or English"),
    ],
    ids=["bad-email", "email-without-domain", "rung-4", "rung-0", "rung-negative", "rung-text",
         "rung-huge", "unknown-language"],
)  # fmt: skip
def test_bad_contact_values_are_explained_beside_the_field_and_nothing_is_added(
    app: Flask, session: Session, office: Office, fields: dict[str, str], field: str, message: str
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, EscalationContact)
    status, page = _add(client, **fields)
    assert status == 422
    assert error_beside(page, field) == in_indonesian(app, message)
    assert count_rows(session, EscalationContact) == before


def test_missing_or_too_long_fields_are_form_errors(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    status, page = _add(client, name="", email="")
    assert status == 400
    assert error_beside(page, "name") == in_indonesian(app, "This field is required.")
    assert error_beside(page, "email") == in_indonesian(app, "This field is required.")
    status, page = _add(client, name="x" * 201)
    assert status == 400
    assert error_beside(page, "name")
    assert count_rows(session, EscalationContact) == 0


def test_the_same_person_once_per_rung_but_on_several_rungs(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    assert _add(client, rung="1")[0] == 302
    status, page = _add(client, rung="1", name="Lagi")
    assert status == 422
    assert error_beside(page, "email") == in_indonesian(app, "already on this rung")
    assert _add(client, rung="2")[0] == 302
    assert [c[0] for c in _ladder(session, office.x)] == [1, 2]


def test_admin_removes_a_person_from_the_ladder(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    _add(client, rung="2", name="Sekda Lama", email="sekda@kab-x.example")
    contact_id = session.execute(select(EscalationContact.id)).scalar_one()
    response = client.post(
        f"{PAGE_X}/kontak/{contact_id}/hapus", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 302
    assert _ladder(session, office.x) == []
    assert "sekda@kab-x.example" not in client.get(PAGE_X).get_data(as_text=True)
    assert session.execute(
        select(AuditEvent).where(AuditEvent.action == "escalation_contact.removed")
    ).scalar_one()


@pytest.mark.parametrize("contact_id", ["0", "2147483647", "2147483648", "99999999999999999999"])
def test_removing_a_contact_that_does_not_exist_is_404(
    app: Flask, office: Office, contact_id: str
) -> None:
    client = client_of(app, office.admin_x)
    response = client.post(
        f"{PAGE_X}/kontak/{contact_id}/hapus", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 404


def test_a_contact_of_another_regency_cannot_be_removed_through_ones_own_page(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    theirs = EscalationContact(
        regency_id=office.y.id, rung=3, name="Bupati Y", email="bupati@kab-y.example",
        created_at=now,
    )  # fmt: skip
    session.add(theirs)
    session.commit()
    client = client_of(app, office.admin_x)
    response = client.post(
        f"{PAGE_X}/kontak/{theirs.id}/hapus", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 404
    # And through their page, admin X is refused outright.
    response = client.post(
        f"/staf/pengaturan/notifikasi/kab-y/kontak/{theirs.id}/hapus",
        data={"csrf_token": _token(client)},
    )
    assert response.status_code == 403
    assert len(_ladder(session, office.y)) == 1


# --- the webhook -------------------------------------------------------------------------------


def _save_webhook(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.post(f"{PAGE_X}/webhook", data={"csrf_token": _token(client), "url": url})
    return response.status_code, response.get_data(as_text=True)


def _secret_on(page: str) -> str | None:
    match = re.search(r"<code[^>]*data-webhook-secret>([0-9a-f]+)</code>", page)
    return match.group(1) if match else None


def test_a_webhook_gets_a_random_secret_shown_to_the_admin_and_a_new_one_on_request(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    status, _ = _save_webhook(client, "https://gateway.kab-x.example/pantau")
    assert status == 302
    response = client.get(PAGE_X)
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret_on(response.get_data(as_text=True))
    assert secret is not None and len(secret) == 64
    session.expire_all()
    regency = session.get_one(Regency, office.x.id)
    assert (regency.webhook_url, regency.webhook_secret) == (
        "https://gateway.kab-x.example/pantau",
        secret,
    )
    # Saving the same address again keeps the secret the gateway already has.
    _save_webhook(client, "https://gateway.kab-x.example/pantau")
    assert _secret_on(client.get(PAGE_X).get_data(as_text=True)) == secret
    response = client.post(f"{PAGE_X}/webhook/rahasia", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    renewed = _secret_on(client.get(PAGE_X).get_data(as_text=True))
    assert renewed and renewed != secret
    # The audit trail records the changes, never the secret.
    events = session.execute(
        select(AuditEvent).where(AuditEvent.action.like("regency.webhook%"))
    ).scalars()
    actions = [e.action for e in events]
    assert actions.count("regency.webhook_secret_generated") == 1
    for event in session.execute(select(AuditEvent)).scalars():
        assert secret not in str(event.changes) and renewed not in str(event.changes)


def test_an_empty_address_removes_the_webhook_and_its_secret(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    _save_webhook(client, "http://gateway.kab-x.example:8080/hook")
    status, _ = _save_webhook(client, "  ")
    assert status == 302
    session.expire_all()
    regency = session.get_one(Regency, office.x.id)
    assert (regency.webhook_url, regency.webhook_secret) == (None, None)
    assert _secret_on(client.get(PAGE_X).get_data(as_text=True)) is None


def test_each_settings_form_says_what_was_done_on_the_page_it_returns_to(
    app: Flask, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    cases = [
        (f"{PAGE_X}/kontak", {"rung": "2", "name": "Sekda Uji", "email": "sekda@kab-x.example",
          "locale": "id"}, in_indonesian(app, "%(name)s has been added to rung %(rung)s.",
          name="Sekda Uji", rung=2)),
        (f"{PAGE_X}/webhook", {"url": "https://gateway.kab-x.example/pantau"},
         in_indonesian(app, "The webhook has been saved. Give its secret to the gateway.")),
        (f"{PAGE_X}/webhook", {"url": ""},
         in_indonesian(app, "The webhook has been removed: notices go by email only.")),
    ]  # fmt: skip
    for url, data, message in cases:
        response = client.post(url, data={"csrf_token": _token(client), **data})
        assert (response.status_code, response.headers["Location"]) == (302, PAGE_X), url
        page = client.get(PAGE_X).get_data(as_text=True)
        assert 'class="flash flash-success"' in page and message in page, url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://gateway.example/hook",
        "javascript:alert(1)",
        "gateway.example/hook",
        "http://",
        "https:///path-only",
        "https://user:pass@gateway.example/hook",
        "https://gateway.example:99999/hook",
        "https://gateway.example/a b",
        "https://gateway.example/" + "a" * 480,
    ],
    ids=["ftp", "javascript", "no-scheme", "no-host", "empty-host", "credentials", "bad-port",
         "space", "too-long"],
)  # fmt: skip
def test_a_webhook_address_that_is_not_http_or_https_is_refused_beside_the_field(
    app: Flask, session: Session, office: Office, url: str
) -> None:
    client = client_of(app, office.admin_x)
    status, page = _save_webhook(client, url)
    # The form refuses what it can (length: 400), the service the rest (422).
    assert status in (400, 422)
    assert error_beside(page, "url")
    session.expire_all()
    assert session.get_one(Regency, office.x.id).webhook_url is None


def test_the_webhook_secret_never_appears_on_public_pages_or_the_api(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    pact = make_pact(session, agency=office.a, now=now, signed_on=now.date())
    session.commit()
    client = client_of(app, office.admin_x)
    _save_webhook(client, "https://gateway.kab-x.example/pantau")
    secret = _secret_on(client.get(PAGE_X).get_data(as_text=True))
    assert secret
    public = app.test_client()
    for url in ("/", f"/pakta/{pact.id}", "/api/v1/regencies", "/api/v1/regencies/kab-x",
                f"/api/v1/pacts/{pact.id}"):  # fmt: skip
        body = public.get(url).get_data(as_text=True)
        assert secret not in body, url
        assert "gateway.kab-x.example" not in body, url


# --- who may ---------------------------------------------------------------------------------


def test_each_admin_reaches_its_own_settings_and_a_superadmin_picks_a_regency(
    app: Flask, office: Office
) -> None:
    admin = client_of(app, office.admin_x)
    response = admin.get("/staf/pengaturan/notifikasi/")
    assert (response.status_code, response.headers["Location"]) == (302, PAGE_X)
    superadmin = client_of(app, office.superadmin)
    picker = superadmin.get("/staf/pengaturan/notifikasi/").get_data(as_text=True)
    assert f'href="{PAGE_X}"' in picker and 'href="/staf/pengaturan/notifikasi/kab-y"' in picker
    status, _ = _add(superadmin, rung="3", name="Bupati X", email="bupati@kab-x.example")
    assert status == 302


@pytest.mark.parametrize("persona", ["admin_y", "observer_x", "opd_a"])
def test_others_may_not_open_or_change_a_regencys_settings(
    app: Flask, session: Session, office: Office, persona: str
) -> None:
    client = client_of(app, office.user(persona))
    assert client.get(PAGE_X).status_code == 403
    token = form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
    for path in ("/kontak", "/webhook", "/webhook/rahasia"):
        response = client.post(
            PAGE_X + path,
            data={"csrf_token": token, "rung": "1", "name": "X", "email": "x@kab-x.example",
                  "url": "https://evil.example/"},
        )  # fmt: skip
        assert response.status_code == 403, path
    assert count_rows(session, EscalationContact) == 0
    session.expire_all()
    assert session.get_one(Regency, office.x.id).webhook_secret is None


def test_an_unknown_regency_is_404(app: Flask, office: Office) -> None:
    client = client_of(app, office.superadmin)
    assert client.get("/staf/pengaturan/notifikasi/no-such-regency").status_code == 404
