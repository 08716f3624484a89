"""Following a pact by email: one confirmation, status mails after confirming, one-click stop."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import make_agency, make_pact, make_regency
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.followers.models import Follower
from tracker.followers.rules import token_hash
from tracker.followers.services import sweep_followers
from tracker.notifications.models import NoticeKind, Notification
from tracker.pacts.models import Pact

ADDRESS = "warga.pemantau@contoh.id"
LINK = re.compile(r"https?://\S+?(/ikuti/(?:konfirmasi|berhenti)/[A-Za-z0-9_-]+)")


@pytest.fixture
def pact(session: Session, now: datetime) -> Pact:
    """A pact in Asia/Makassar signed 1 Feb 2019: deadline 1 May 2019, on track at TEST_NOW."""
    regency = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    made = make_pact(session, agency=agency, now=now, signed_on=date(2019, 2, 1), findings=2)
    session.commit()
    return made


def _follow(client: FlaskClient, pact_id: int, email: str = ADDRESS, **extra: str) -> TestResponse:
    return client.post(f"/pakta/{pact_id}/ikuti", data={"email": email, "website": "", **extra})


def _mails(session: Session, kind: NoticeKind | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind.value)
    session.expire_all()
    return list(session.scalars(stmt))


def _links(mail: Notification) -> dict[str, str]:
    """Return the confirmation and unsubscribe paths written in a mail's text."""
    paths = LINK.findall(mail.body_text)
    return {
        "confirm": next((p for p in paths if "/konfirmasi/" in p), ""),
        "unsubscribe": next(p for p in paths if "/berhenti/" in p),
    }


def _follower(session: Session) -> Follower:
    session.expire_all()
    return session.scalars(select(Follower)).one()


def _sweep(app: Flask, session: Session, now: datetime) -> int:
    with app.app_context():
        count = sweep_followers(session, now)
    session.commit()
    return count


def _confirmed(client: FlaskClient, session: Session, pact: Pact) -> Notification:
    _follow(client, pact.id)
    mail = _mails(session, NoticeKind.FOLLOW_CONFIRM)[0]
    assert client.post(_links(mail)["confirm"]).status_code == 200
    return mail


def _close_findings(session: Session, pact: Pact, at: datetime) -> None:
    for finding in session.scalars(select(Finding).where(Finding.pact_id == pact.id)):
        finding.status = FindingStatus.CLOSED
        finding.closed_at = at
    session.commit()


def test_request_queues_one_confirmation_mail_and_answers_without_cookie(
    app: Flask, client: FlaskClient, session: Session, pact: Pact
) -> None:
    response = _follow(client, pact.id)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    mails = _mails(session)
    assert [m.kind for m in mails] == ["follow-confirm"]
    mail = mails[0]
    assert [r["email"] for r in mail.recipients] == [ADDRESS]
    assert mail.key == f"follow-confirm:{mail.follower_id}"
    assert mail.pact_id == pact.id and mail.state == "pending"
    # Delivery adds List-Unsubscribe from this absolute URL.
    base = app.config["BASE_URL"]
    assert mail.unsubscribe_url and mail.unsubscribe_url.startswith(base + "/ikuti/berhenti/")
    assert f"{base}/pakta/{pact.id}" in mail.body_text
    assert mail.body_html and _links(mail)["confirm"] in mail.body_html
    # Only digests of the secrets are stored.
    follower = _follower(session)
    confirm_secret = _links(mail)["confirm"].rsplit("/", 1)[1]
    unsubscribe_secret = _links(mail)["unsubscribe"].rsplit("/", 1)[1]
    assert follower.confirm_token_hash == token_hash(confirm_secret)
    assert follower.unsubscribe_token_hash == token_hash(unsubscribe_secret)
    assert follower.confirmed_at is None and follower.email == ADDRESS


def test_asking_again_while_a_link_is_pending_sends_nothing_and_answers_the_same(
    client: FlaskClient, session: Session, pact: Pact
) -> None:
    first = _follow(client, pact.id).get_data(as_text=True)
    again = _follow(client, pact.id, email="  Warga.Pemantau@CONTOH.id ").get_data(as_text=True)
    assert again == first
    assert len(_mails(session)) == 1
    assert len(session.scalars(select(Follower)).all()) == 1


def test_confirmation_link_shows_a_button_and_only_the_post_confirms(
    client: FlaskClient, session: Session, pact: Pact
) -> None:
    _follow(client, pact.id)
    path = _links(_mails(session)[0])["confirm"]
    page = client.get(path)
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert f'<form method="post" action="{path}">' in page.get_data(as_text=True)
    assert _follower(session).confirmed_at is None

    done = client.post(path)
    assert done.status_code == 200
    assert "Set-Cookie" not in done.headers
    follower = _follower(session)
    assert follower.confirmed_at is not None
    assert follower.last_status == "on_track"
    # A second click says it is done and changes nothing.
    assert client.post(path).status_code == 200
    assert client.get(path).status_code == 200


def test_confirmed_follower_gets_one_mail_per_status_change(
    app: Flask, client: FlaskClient, session: Session, pact: Pact, clock: FixedClock
) -> None:
    _confirmed(client, session, pact)
    assert _sweep(app, session, clock.now()) == 0

    # 20 April 2019 in Makassar: 11 days before the deadline, "due soon".
    clock.set(datetime.fromisoformat("2019-04-20T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 1
    assert _sweep(app, session, clock.now()) == 0
    status_mails = _mails(session, NoticeKind.FOLLOW_STATUS)
    assert len(status_mails) == 1
    mail = status_mails[0]
    follower = _follower(session)
    assert mail.key == f"follow-status:{follower.id}:{pact.id}:due_soon:2019-04-20"
    assert mail.due_on == date(2019, 4, 20)
    assert [r["email"] for r in mail.recipients] == [ADDRESS]
    assert "Mendekati tenggat" in mail.subject  # the follower asked in Indonesian
    assert f"/pakta/{pact.id}" in mail.body_text
    assert mail.unsubscribe_url and _links(mail)["unsubscribe"] in mail.unsubscribe_url
    assert mail.webhook_state is None  # a follower's address never goes to the webhook
    assert follower.last_status == "due_soon"

    # 2 May: overdue. Then everything closed on 3 May: fulfilled late.
    clock.set(datetime.fromisoformat("2019-05-02T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 1
    _close_findings(session, pact, clock.now())
    assert _sweep(app, session, clock.now()) == 1
    kinds = [m.key.split(":")[3] for m in _mails(session, NoticeKind.FOLLOW_STATUS)]
    assert kinds == ["due_soon", "overdue", "fulfilled_late"]


def test_an_address_that_never_confirms_gets_exactly_one_mail_whatever_the_pact_does(
    app: Flask, client: FlaskClient, session: Session, pact: Pact, clock: FixedClock
) -> None:
    _follow(client, pact.id)
    for moment in ("2019-04-20T09:00", "2019-05-02T09:00", "2019-06-01T09:00"):
        clock.set(datetime.fromisoformat(moment + ":00+08:00"))
        assert _sweep(app, session, clock.now()) == 0
    _close_findings(session, pact, clock.now())
    assert _sweep(app, session, clock.now()) == 0
    assert [m.kind for m in _mails(session)] == ["follow-confirm"]


def test_expired_confirmation_link_is_refused_and_a_new_request_sends_a_new_link(
    client: FlaskClient, session: Session, pact: Pact, clock: FixedClock, app: Flask
) -> None:
    _follow(client, pact.id)
    old_path = _links(_mails(session)[0])["confirm"]
    clock.advance(timedelta(hours=app.config["FOLLOW_CONFIRM_HOURS"]))
    for response in (client.get(old_path), client.post(old_path)):
        assert response.status_code == 410
        assert "Set-Cookie" not in response.headers
        assert f'href="/pakta/{pact.id}#follow-heading"' in response.get_data(as_text=True)
    assert _follower(session).confirmed_at is None

    _follow(client, pact.id)
    mails = _mails(session, NoticeKind.FOLLOW_CONFIRM)
    assert len(mails) == 2 and mails[1].key != mails[0].key
    new_path = _links(mails[1])["confirm"]
    assert client.get(old_path).status_code == 404  # replaced by the new link
    assert client.post(new_path).status_code == 200
    assert _follower(session).confirmed_at == clock.now()


@pytest.mark.parametrize(
    "path",
    [
        "/ikuti/konfirmasi/tidak-ada",
        "/ikuti/berhenti/tidak-ada",
        "/ikuti/konfirmasi/" + "x" * 300,
        "/ikuti/berhenti/%E2%80%8B",
    ],
    ids=["unknown-confirm", "unknown-unsubscribe", "overlong", "odd-characters"],
)
def test_unknown_links_get_a_clear_404_page(client: FlaskClient, path: str) -> None:
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers
        assert "<h1>" in response.get_data(as_text=True)


def test_unsubscribe_page_then_its_button_stops_all_mail(
    app: Flask, client: FlaskClient, session: Session, pact: Pact, clock: FixedClock
) -> None:
    mail = _confirmed(client, session, pact)
    path = _links(mail)["unsubscribe"]
    page = client.get(path)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert f'<form method="post" action="{path}">' in page.get_data(as_text=True)
    assert _follower(session).unsubscribed_at is None

    done = client.post(path)
    assert done.status_code == 200 and "Set-Cookie" not in done.headers
    assert _follower(session).unsubscribed_at == clock.now()
    clock.set(datetime.fromisoformat("2019-05-02T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 0
    assert _mails(session, NoticeKind.FOLLOW_STATUS) == []
    # The link keeps working and keeps saying so.
    assert client.post(path).status_code == 200


def test_one_click_unsubscribe_post_works_without_any_page(
    app: Flask, client: FlaskClient, session: Session, pact: Pact, clock: FixedClock
) -> None:
    mail = _confirmed(client, session, pact)
    assert mail.unsubscribe_url
    path = mail.unsubscribe_url.removeprefix(app.config["BASE_URL"])
    # RFC 8058: what a mail client sends, with no cookie and no token of ours.
    response = client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert _follower(session).unsubscribed_at is not None
    clock.set(datetime.fromisoformat("2019-05-02T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 0


def test_unsubscribing_from_the_confirmation_mail_means_never_again_for_that_pact(
    client: FlaskClient, session: Session, pact: Pact, clock: FixedClock, app: Flask
) -> None:
    _follow(client, pact.id)
    links = _links(_mails(session)[0])
    assert client.post(links["unsubscribe"]).status_code == 200
    # "This was not me": the confirmation link stops working, and asking again sends nothing.
    assert client.post(links["confirm"]).status_code == 410
    clock.advance(timedelta(hours=app.config["FOLLOW_CONFIRM_HOURS"] + 1))
    assert _follow(client, pact.id).status_code == 200
    assert len(_mails(session)) == 1


def test_a_follower_who_left_can_follow_again_with_a_new_confirmation(
    app: Flask, client: FlaskClient, session: Session, pact: Pact, clock: FixedClock
) -> None:
    mail = _confirmed(client, session, pact)
    client.post(_links(mail)["unsubscribe"])
    _follow(client, pact.id)
    mails = _mails(session, NoticeKind.FOLLOW_CONFIRM)
    assert len(mails) == 2
    # Still unsubscribed until the new link is used.
    clock.set(datetime.fromisoformat("2019-04-20T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 0
    clock.set(datetime.fromisoformat("2019-03-26T09:00:00+08:00"))
    assert client.post(_links(mails[1])["confirm"]).status_code == 200
    follower = _follower(session)
    assert follower.unsubscribed_at is None and follower.confirmed_at is not None
    clock.set(datetime.fromisoformat("2019-04-20T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("bukan-alamat", "Alamat email tidak valid."),
        ("warga@", "Alamat email tidak valid."),
        ("", None),
        ("a" * 300 + "@contoh.id", "Alamat email tidak valid."),
    ],
    ids=["no-at", "no-domain", "empty", "too-long"],
)
def test_bad_address_is_refused_with_a_message_beside_the_field(
    client: FlaskClient, session: Session, pact: Pact, email: str, message: str | None
) -> None:
    response = _follow(client, pact.id, email=email)
    assert response.status_code == 422
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert 'id="follow-email-error"' in html and 'aria-invalid="true"' in html
    if message:
        assert message in html
    assert _mails(session) == []
    assert session.scalars(select(Follower)).all() == []


def test_filled_honeypot_records_nothing_but_answers_the_same(
    client: FlaskClient, session: Session, pact: Pact
) -> None:
    bot = _follow(client, pact.id, website="http://spam.example")
    assert bot.status_code == 200
    assert session.scalars(select(Follower)).all() == []
    assert _mails(session) == []
    human = _follow(client, pact.id)
    assert human.get_data(as_text=True) == bot.get_data(as_text=True)


def test_unknown_pact_is_404_and_withdrawn_pact_is_refused(
    client: FlaskClient, session: Session, pact: Pact, now: datetime
) -> None:
    assert _follow(client, 2_000_000).status_code == 404
    pact.withdrawn_at = now
    pact.withdrawal_reason = "Diganti pakta baru"
    session.commit()
    response = _follow(client, pact.id)
    assert response.status_code == 409
    assert "Set-Cookie" not in response.headers
    assert _mails(session) == []


def test_one_address_cannot_hold_more_than_the_allowed_pending_requests(
    app: Flask, client: FlaskClient, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    limit = app.config["FOLLOW_MAX_PENDING_PER_ADDRESS"]
    pacts = [
        make_pact(session, agency=agency, now=now, signed_on=date(2019, 2, 1))
        for _ in range(limit + 2)
    ]
    session.commit()
    for each in pacts:
        assert _follow(client, each.id).status_code == 200
    assert len(_mails(session, NoticeKind.FOLLOW_CONFIRM)) == limit


def test_english_visitor_gets_english_mail(
    client: FlaskClient, session: Session, pact: Pact
) -> None:
    client.get(f"/pakta/{pact.id}?lang=en")  # the visitor picks English: that sets the cookie
    _follow(client, pact.id)
    mail = _mails(session)[0]
    assert mail.lang == "en" and _follower(session).locale == "en"
    assert mail.subject.startswith("Confirm: follow the pact of ")
    assert "On track" in mail.body_text


def test_the_address_never_reaches_the_audit_trail_or_the_pact_page(
    client: FlaskClient, session: Session, pact: Pact
) -> None:
    mail = _confirmed(client, session, pact)
    client.post(_links(mail)["unsubscribe"])
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "follower").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "follower.requested",
        "follower.confirmed",
        "follower.unsubscribed",
    ]
    assert all(e.pact_id is None and e.actor_id is None for e in events)
    assert ADDRESS not in json.dumps([e.changes for e in events])
    page = client.get(f"/pakta/{pact.id}").get_data(as_text=True)
    assert ADDRESS not in page and "warga.pemantau" not in page


def test_a_follower_whose_mail_cannot_be_rendered_does_not_stop_the_others(
    app: Flask,
    client: FlaskClient,
    session: Session,
    pact: Pact,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _confirmed(client, session, pact)
    _follow(client, pact.id, email="kedua@contoh.id")
    second = session.scalars(select(Follower).where(Follower.email == "kedua@contoh.id")).one()
    confirm = _links(_mails(session, NoticeKind.FOLLOW_CONFIRM)[1])["confirm"]
    assert client.post(confirm).status_code == 200
    first = session.scalars(select(Follower).where(Follower.email == ADDRESS)).one()
    first.locale = "zz"  # no such language: rendering its mail fails
    session.commit()
    clock.set(datetime.fromisoformat("2019-05-02T09:00:00+08:00"))
    assert _sweep(app, session, clock.now()) == 1
    assert [m.follower_id for m in _mails(session, NoticeKind.FOLLOW_STATUS)] == [second.id]
    assert f"follower {first.id}: status mail not queued" in caplog.text
    # Still owed its mail: the next sweep tries again.
    assert _follower_by_id(session, first.id).last_status == "on_track"


def _follower_by_id(session: Session, follower_id: int) -> Follower:
    session.expire_all()
    return session.get_one(Follower, follower_id)


def test_sub_addresses_share_their_mailboxs_pending_requests(
    app: Flask, client: FlaskClient, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    limit = app.config["FOLLOW_MAX_PENDING_PER_ADDRESS"]
    pacts = [
        make_pact(session, agency=agency, now=now, signed_on=date(2019, 2, 1))
        for _ in range(limit + 3)
    ]
    session.commit()
    # victim+1@, victim+2@ ... all land in victim@'s mailbox: one cap for all of them.
    addresses = ["kor_ban@uji.go.id"] + [f"kor_ban+{i}@uji.go.id" for i in range(limit + 2)]
    for each, address in zip(pacts, addresses, strict=True):
        assert _follow(client, each.id, email=address).status_code == 200
    assert len(_mails(session, NoticeKind.FOLLOW_CONFIRM)) == limit
    # Another mailbox whose name only looks alike ("_" is no wildcard) is not held back.
    assert _follow(client, pacts[0].id, email="korxban+1@uji.go.id").status_code == 200
    assert _follow(client, pacts[0].id, email="kor_banx+1@uji.go.id").status_code == 200
    assert len(_mails(session, NoticeKind.FOLLOW_CONFIRM)) == limit + 2
