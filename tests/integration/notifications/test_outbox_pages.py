"""The outbox pages: the regent's office sees who was told what and when, and retries failures."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import form_token, login, make_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.notifications.models import Notification, NotificationState
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@dataclass
class Outbox:
    """Regency X (Makassar) with three notices, regency Y (Jayapura) with one; staff of both."""

    x: Regency
    y: Regency
    pact_x: Pact
    pact_x2: Pact
    pact_y: Pact
    sent: Notification
    failed: Notification
    pending: Notification
    of_y: Notification
    admin_x: User
    observer_x: User
    opd_x: User
    admin_y: User
    superadmin: User


def _notice(
    session: Session,
    *,
    key: str,
    kind: str,
    pact: Pact | None,
    regency: Regency,
    now: datetime,
    recipients: list[Recipient],
    attachment: bytes | None = None,
    body_html: str | None = None,
    webhook: bool = False,
) -> Notification:
    row = enqueue(
        session,
        Notice(
            key=key,
            kind=kind,
            regency_id=regency.id,
            pact_id=pact.id if pact else None,
            recipients=recipients,
            subject=f"Subjek {key}",
            body_text=f"Isi teks {key}\nBaris kedua.",
            body_html=body_html,
            attachment=attachment,
            attachment_name="laporan-eskalasi.pdf" if attachment else None,
            due_on=now.date(),
        ),
        now=now,
        webhook=webhook,
    )
    assert row is not None
    return row


@pytest.fixture
def outbox(session: Session, now: datetime) -> Outbox:
    x = make_regency(session, now=now, slug="kab-ob-x", timezone="Asia/Makassar")
    y = make_regency(session, now=now, slug="kab-ob-y", timezone="Asia/Jayapura")
    a = make_agency(session, regency=x, now=now, slug="dinsos")
    a2 = make_agency(session, regency=x, now=now, slug="dukcapil")
    c = make_agency(session, regency=y, now=now, slug="dinkes")
    pact_x = make_pact(session, agency=a, now=now, signed_on=date(2018, 12, 1))
    pact_x2 = make_pact(session, agency=a2, now=now, signed_on=date(2019, 1, 8))
    pact_y = make_pact(session, agency=c, now=now, signed_on=date(2019, 1, 8))
    earlier = now - timedelta(days=2)
    sent = _notice(
        session, key=f"reminder-7d:pact:{pact_x2.id}", kind="reminder-7d", pact=pact_x2,
        regency=x, now=earlier, recipients=[Recipient("opd@kab-ob-x.example", "Staf OPD")],
    )  # fmt: skip
    sent.state, sent.attempts, sent.sent_at = (
        NotificationState.SENT,
        1,
        earlier + timedelta(minutes=1),
    )
    sent.recipients = [{**sent.recipients[0], "state": "sent"}]
    failed = _notice(
        session,
        key=f"escalation-1:pact:{pact_x.id}",
        kind="escalation-1",
        pact=pact_x,
        regency=x,
        now=now - timedelta(hours=1),
        recipients=[
            Recipient("inspektur@kab-ob-x.example", "Inspektur"),
            Recipient("kepala@kab-ob-x.example", "Kepala Dinas", role="cc"),
        ],
        attachment=PDF,
        body_html='<p>Laporan <b>eskalasi</b></p><script>alert("x")</script>',
        webhook=True,
    )
    failed.state, failed.attempts = NotificationState.FAILED, 5
    failed.last_error = "SMTP 451: try again later"
    failed.recipients = [
        {**failed.recipients[0], "state": "refused", "error": "550 mailbox unavailable"},
        {**failed.recipients[1], "state": "pending"},
    ]
    failed.webhook_state, failed.webhook_attempts = "failed", 3
    failed.webhook_error = "HTTP 502"
    pending = _notice(
        session, key=f"digest:regency:{x.id}:2019-03-25", kind="digest", pact=None, regency=x,
        now=now, recipients=[Recipient("admin@kab-ob-x.example")],
    )  # fmt: skip
    of_y = _notice(
        session, key=f"reminder-14d:pact:{pact_y.id}", kind="reminder-14d", pact=pact_y,
        regency=y, now=now, recipients=[Recipient("rahasia@kab-ob-y.example")],
        attachment=PDF,
    )  # fmt: skip
    session.commit()
    return Outbox(
        x=x, y=y, pact_x=pact_x, pact_x2=pact_x2, pact_y=pact_y, sent=sent, failed=failed,
        pending=pending, of_y=of_y,
        admin_x=make_user(session, role="admin", regency=x, now=now),
        observer_x=make_user(session, role="observer", regency=x, now=now),
        opd_x=make_user(session, role="opd", agency=a, now=now),
        admin_y=make_user(session, role="admin", regency=y, now=now),
        superadmin=make_user(session, role="superadmin", now=now),
    )  # fmt: skip


def _client(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


def _rows(page: str) -> list[int]:
    """The notice ids listed on an outbox page, in order."""
    return [int(n) for n in re.findall(r'<tr data-notice-id="(\d+)"', page)]


def _id(app: Flask, message: str, **variables: object) -> str:
    with app.test_request_context(), force_locale("id"):
        return html.escape(gettext(message, **variables), quote=False)


def _error_beside(page: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page)
    return match.group(1) if match else None


@pytest.fixture
def small_pages(app: Flask) -> Iterator[None]:
    original = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 2
    yield
    app.config["PAGE_SIZE"] = original


# --- the list ----------------------------------------------------------------------------------


def test_admin_sees_every_notice_of_its_regency_newest_first_and_none_of_another(
    app: Flask, outbox: Outbox
) -> None:
    page = _client(app, outbox.admin_x).get("/staf/kotak-keluar/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert _rows(text) == [outbox.pending.id, outbox.failed.id, outbox.sent.id]
    assert "rahasia@kab-ob-y.example" not in text
    # Recipients (with the copy marked), kind, pact link, state, attempts and the last error.
    assert "inspektur@kab-ob-x.example" in text
    assert "kepala@kab-ob-x.example" in text
    assert f'href="/staf/pakta/{outbox.pact_x.id}"' in text
    assert 'data-state="failed" data-kind="escalation-1"' in text
    assert "SMTP 451: try again later" in text
    assert _id(app, "Escalation, rung 1 (Inspektorat)") in text
    assert _id(app, "Weekly digest") in text


def test_times_are_shown_in_the_regencys_own_zone(app: Flask, outbox: Outbox) -> None:
    text = _client(app, outbox.admin_x).get("/staf/kotak-keluar/").get_data(as_text=True)
    # Created at the test clock, 09:00 WITA (01:00 UTC); sent two days earlier at 09:01 WITA.
    assert 'datetime="2019-03-25T09:00:00+08:00"' in text
    assert 'datetime="2019-03-23T09:01:00+08:00"' in text
    assert "T01:00:00" not in text
    text_y = _client(app, outbox.admin_y).get("/staf/kotak-keluar/").get_data(as_text=True)
    assert 'datetime="2019-03-25T10:00:00+09:00"' in text_y


def test_observer_reads_the_outbox_and_opd_staff_and_anonymous_do_not(
    app: Flask, outbox: Outbox
) -> None:
    assert _client(app, outbox.observer_x).get("/staf/kotak-keluar/").status_code == 200
    assert _client(app, outbox.opd_x).get("/staf/kotak-keluar/").status_code == 403
    anonymous = _client(app, None).get("/staf/kotak-keluar/")
    assert anonymous.status_code == 302
    assert "/masuk" in anonymous.headers["Location"]


def test_superadmin_sees_every_regency_and_filters_by_one(app: Flask, outbox: Outbox) -> None:
    client = _client(app, outbox.superadmin)
    everything = _rows(client.get("/staf/kotak-keluar/").get_data(as_text=True))
    assert {outbox.pending.id, outbox.failed.id, outbox.sent.id, outbox.of_y.id} <= set(everything)
    only_y = client.get("/staf/kotak-keluar/?regency=kab-ob-y").get_data(as_text=True)
    assert _rows(only_y) == [outbox.of_y.id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=failed", "failed"),
        ("state=sent", "sent"),
        ("state=pending", "pending"),
        ("kind=digest", "pending"),
        ("kind=escalation-1&state=failed", "failed"),
        ("kind=reminder-30d", None),
    ],
    ids=["failed", "sent", "pending", "kind", "kind-and-state", "no-match"],
)
def test_the_list_filters_by_state_and_kind(
    app: Flask, outbox: Outbox, query: str, expected: str | None
) -> None:
    text = _client(app, outbox.admin_x).get(f"/staf/kotak-keluar/?{query}").get_data(as_text=True)
    want = [getattr(outbox, expected).id] if expected else []
    assert _rows(text) == want
    if not want:
        assert _id(app, "No notice matches this filter.") in text


def test_the_list_filters_by_pact(app: Flask, outbox: Outbox) -> None:
    client = _client(app, outbox.admin_x)
    text = client.get(f"/staf/kotak-keluar/?pact={outbox.pact_x.id}").get_data(as_text=True)
    assert _rows(text) == [outbox.failed.id]
    # Another regency's pact: nothing, not its notices.
    text = client.get(f"/staf/kotak-keluar/?pact={outbox.pact_y.id}").get_data(as_text=True)
    assert _rows(text) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=lost", "state"),
        ("kind=reminder-99d", "kind"),
        ("pact=abc", "pact"),
        ("pact=-3", "pact"),
        ("pact=99999999999999999999", "pact"),
    ],
    ids=["unknown-state", "unknown-kind", "pact-not-a-number", "negative-pact", "huge-pact"],
)  # fmt: skip
def test_a_bad_filter_is_a_400_with_the_reason_beside_the_field(
    app: Flask, outbox: Outbox, query: str, field: str
) -> None:
    response = _client(app, outbox.admin_x).get(f"/staf/kotak-keluar/?{query}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert _error_beside(text, field)
    assert _rows(text) == []


def test_a_regency_admin_cannot_widen_the_list_to_another_regency(
    app: Flask, outbox: Outbox
) -> None:
    client = _client(app, outbox.admin_x)
    text = client.get("/staf/kotak-keluar/?regency=kab-ob-y").get_data(as_text=True)
    assert outbox.of_y.id not in _rows(text)
    assert set(_rows(text)) == {outbox.pending.id, outbox.failed.id, outbox.sent.id}
    superadmin = _client(app, outbox.superadmin)
    response = superadmin.get("/staf/kotak-keluar/?regency=no-such-regency")
    assert response.status_code == 400
    assert _error_beside(response.get_data(as_text=True), "regency")


@pytest.mark.parametrize("page", ["0", "abc", "10001"])
def test_a_bad_page_number_is_a_400(app: Flask, outbox: Outbox, page: str) -> None:
    response = _client(app, outbox.admin_x).get(f"/staf/kotak-keluar/?page={page}")
    assert response.status_code == 400


def test_the_list_is_paginated(app: Flask, outbox: Outbox, small_pages: None) -> None:
    client = _client(app, outbox.admin_x)
    first = client.get("/staf/kotak-keluar/").get_data(as_text=True)
    assert _rows(first) == [outbox.pending.id, outbox.failed.id]
    assert 'rel="next" href="/staf/kotak-keluar/?page=2"' in first
    second = client.get("/staf/kotak-keluar/?page=2").get_data(as_text=True)
    assert _rows(second) == [outbox.sent.id]
    assert 'rel="prev"' in second
    filtered = client.get("/staf/kotak-keluar/?state=failed&page=1").get_data(as_text=True)
    assert 'rel="next"' not in filtered


# --- one notice --------------------------------------------------------------------------------


def test_the_detail_shows_subject_bodies_recipients_and_webhook_state(
    app: Flask, outbox: Outbox
) -> None:
    response = _client(app, outbox.admin_x).get(f"/staf/kotak-keluar/{outbox.failed.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"Subjek escalation-1:pact:{outbox.pact_x.id}" in text
    assert "Isi teks" in text and "Baris kedua." in text
    assert 'data-recipient="inspektur@kab-ob-x.example" data-state="refused"' in text
    assert "550 mailbox unavailable" in text
    assert 'data-recipient="kepala@kab-ob-x.example" data-state="pending"' in text
    assert 'data-webhook-state="failed"' in text and "HTTP 502" in text
    assert outbox.failed.message_id in html.unescape(text)
    assert f'href="/staf/kotak-keluar/{outbox.failed.id}/lampiran"' in text


def test_the_html_body_is_shown_in_a_sandbox_and_never_runs(app: Flask, outbox: Outbox) -> None:
    client = _client(app, outbox.admin_x)
    response = client.get(f"/staf/kotak-keluar/{outbox.failed.id}")
    text = response.get_data(as_text=True)
    # The mail's HTML is never markup of the page: a sandboxed frame loads it from its own URL.
    body_url = f"/staf/kotak-keluar/{outbox.failed.id}/isi"
    assert '<iframe class="notice-html" sandbox="" referrerpolicy="no-referrer"' in text
    assert f'src="{body_url}"' in text
    assert "<script>alert" not in text and "alert(" not in text
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    # Served with a policy of its own: a sandbox of no origin, no script, nothing fetched.
    body = client.get(body_url)
    assert body.mimetype == "text/html"
    policy = body.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy and "frame-ancestors 'self'" in policy
    assert body.cache_control.no_store


def test_the_escalation_pdf_downloads_as_an_attachment(app: Flask, outbox: Outbox) -> None:
    response = _client(app, outbox.observer_x).get(
        f"/staf/kotak-keluar/{outbox.failed.id}/lampiran"
    )
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "laporan-eskalasi.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A notice without a PDF has nothing to download.
    none = _client(app, outbox.admin_x).get(f"/staf/kotak-keluar/{outbox.pending.id}/lampiran")
    assert none.status_code == 404


def test_another_regencys_notice_is_not_found_and_opd_staff_are_refused(
    app: Flask, outbox: Outbox
) -> None:
    admin_x = _client(app, outbox.admin_x)
    assert admin_x.get(f"/staf/kotak-keluar/{outbox.of_y.id}").status_code == 404
    assert admin_x.get(f"/staf/kotak-keluar/{outbox.of_y.id}/lampiran").status_code == 404
    opd = _client(app, outbox.opd_x)
    assert opd.get(f"/staf/kotak-keluar/{outbox.failed.id}").status_code == 403
    assert opd.get(f"/staf/kotak-keluar/{outbox.failed.id}/lampiran").status_code == 403
    superadmin = _client(app, outbox.superadmin)
    assert superadmin.get(f"/staf/kotak-keluar/{outbox.of_y.id}").status_code == 200


@pytest.mark.parametrize("notice_id", ["0", "2147483647", "2147483648", "99999999999999999999"])
def test_ids_beyond_any_notice_are_404(app: Flask, outbox: Outbox, notice_id: str) -> None:
    client = _client(app, outbox.admin_x)
    assert client.get(f"/staf/kotak-keluar/{notice_id}").status_code == 404
    assert client.get(f"/staf/kotak-keluar/{notice_id}/lampiran").status_code == 404
    token = form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
    assert (
        client.post(f"/staf/kotak-keluar/{notice_id}/ulang", data={"csrf_token": token}).status_code
        == 404
    )


# --- retry ---------------------------------------------------------------------------------------


def _retry(client: FlaskClient, notice: Notification) -> tuple[int, str]:
    page = client.get(f"/staf/kotak-keluar/{notice.id}")
    token = form_token(page.get_data(as_text=True))
    response = client.post(f"/staf/kotak-keluar/{notice.id}/ulang", data={"csrf_token": token})
    return response.status_code, response.headers.get("Location", "")


def test_admin_sends_a_failed_notice_again_and_it_is_due_at_once(
    app: Flask, session: Session, outbox: Outbox, now: datetime
) -> None:
    client = _client(app, outbox.admin_x)
    page = client.get(f"/staf/kotak-keluar/{outbox.failed.id}").get_data(as_text=True)
    assert f'action="/staf/kotak-keluar/{outbox.failed.id}/ulang"' in page
    status, location = _retry(client, outbox.failed)
    assert (status, location) == (302, f"/staf/kotak-keluar/{outbox.failed.id}")
    shown = client.get(location).get_data(as_text=True)
    assert 'class="flash flash-success"' in shown
    session.expire_all()
    row = session.get_one(Notification, outbox.failed.id)
    assert row.state is NotificationState.PENDING
    assert row.next_attempt_at == now
    assert row.webhook_state == "pending"
    # The refused address is tried again; the audit trail says who asked for it.
    assert [r["state"] for r in row.recipients] == ["pending", "pending"]
    event = session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "notification.retried", AuditEvent.target_id == row.id
        )
    ).scalar_one()
    assert event.actor_id == outbox.admin_x.id
    # Now pending, the list shows it so and the button is gone.
    assert f'action="/staf/kotak-keluar/{row.id}/ulang"' not in shown
    listed = client.get("/staf/kotak-keluar/?state=failed").get_data(as_text=True)
    assert _rows(listed) == []


def test_a_notice_that_has_not_failed_is_not_sent_again(
    app: Flask, session: Session, outbox: Outbox
) -> None:
    client = _client(app, outbox.admin_x)
    status, location = _retry(client, outbox.sent)
    assert status == 302
    shown = client.get(location).get_data(as_text=True)
    assert 'class="flash flash-error"' in shown
    session.expire_all()
    row = session.get_one(Notification, outbox.sent.id)
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)


def test_an_observer_cannot_retry_and_sees_no_button(
    app: Flask, session: Session, outbox: Outbox
) -> None:
    client = _client(app, outbox.observer_x)
    page = client.get(f"/staf/kotak-keluar/{outbox.failed.id}").get_data(as_text=True)
    assert "/ulang" not in page
    token = form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
    response = client.post(
        f"/staf/kotak-keluar/{outbox.failed.id}/ulang", data={"csrf_token": token}
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get_one(Notification, outbox.failed.id).state is NotificationState.FAILED


def test_another_regencys_admin_cannot_retry_and_learns_nothing(
    app: Flask, session: Session, outbox: Outbox
) -> None:
    client = _client(app, outbox.admin_y)
    token = form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
    response = client.post(
        f"/staf/kotak-keluar/{outbox.failed.id}/ulang", data={"csrf_token": token}
    )
    assert response.status_code == 404
    # Without the form's token the request is refused before anything is looked up.
    assert client.post(f"/staf/kotak-keluar/{outbox.failed.id}/ulang").status_code == 400
    session.expire_all()
    assert session.get_one(Notification, outbox.failed.id).state is NotificationState.FAILED


def test_superadmin_may_retry_a_notice_of_any_regency(
    app: Flask, session: Session, outbox: Outbox
) -> None:
    status, _ = _retry(_client(app, outbox.superadmin), outbox.failed)
    assert status == 302
    session.expire_all()
    assert session.get_one(Notification, outbox.failed.id).state is NotificationState.PENDING


def test_the_staff_nav_links_the_outbox_for_readers_only(app: Flask, outbox: Outbox) -> None:
    for user in (outbox.admin_x, outbox.observer_x, outbox.superadmin):
        page = _client(app, user).get("/akun/kata-sandi").get_data(as_text=True)
        assert 'href="/staf/kotak-keluar/"' in page
    page = _client(app, outbox.opd_x).get("/akun/kata-sandi").get_data(as_text=True)
    assert 'href="/staf/kotak-keluar/"' not in page


# --- follower mail stays private ----------------------------------------------------------------


def test_follower_mail_never_shows_on_the_staff_outbox_for_any_staff_role(
    app: Flask, session: Session, outbox: Outbox, now: datetime
) -> None:
    """A follower's address and secret links must not reach staff: they could act on them."""
    public = Recipient("warga.pribadi@example.org", "")
    confirm = _notice(
        session, key=f"follow-confirm:t1:{outbox.pact_x.id}", kind="follow-confirm",
        pact=outbox.pact_x, regency=outbox.x, now=now, recipients=[public],
        body_html='<a href="http://127.0.0.1:5000/ikuti/konfirmasi/RAHASIA-KONFIRMASI">ya</a>',
    )  # fmt: skip
    status = _notice(
        session, key=f"follow-status:t1:{outbox.pact_x.id}", kind="follow-status",
        pact=outbox.pact_x, regency=outbox.x, now=now, recipients=[public], attachment=PDF,
    )  # fmt: skip
    status.state, status.attempts = NotificationState.FAILED, 48
    session.commit()
    hidden = {confirm.id, status.id}

    for user in (outbox.admin_x, outbox.observer_x, outbox.superadmin):
        client = _client(app, user)
        listed = client.get("/staf/kotak-keluar/").get_data(as_text=True)
        assert not hidden & set(_rows(listed)), user.role
        assert "warga.pribadi@example.org" not in listed
        by_pact = client.get(f"/staf/kotak-keluar/?pact={outbox.pact_x.id}")
        assert _rows(by_pact.get_data(as_text=True)) == [outbox.failed.id]
        # The follower kinds are not even offered as a filter.
        assert client.get("/staf/kotak-keluar/?kind=follow-status").status_code == 400
        for row_id in hidden:
            detail = client.get(f"/staf/kotak-keluar/{row_id}")
            assert detail.status_code == 404, user.role
            assert "RAHASIA-KONFIRMASI" not in detail.get_data(as_text=True)
            assert client.get(f"/staf/kotak-keluar/{row_id}/lampiran").status_code == 404
            token = form_token(client.get("/akun/kata-sandi").get_data(as_text=True))
            retried = client.post(f"/staf/kotak-keluar/{row_id}/ulang", data={"csrf_token": token})
            assert retried.status_code == 404, user.role

    # The rows stay in the outbox, untouched, for delivery.
    session.expire_all()
    assert session.get_one(Notification, confirm.id).state is NotificationState.PENDING
    assert session.get_one(Notification, status.id).state is NotificationState.FAILED
    assert session.get_one(Notification, status.id).attempts == 48
