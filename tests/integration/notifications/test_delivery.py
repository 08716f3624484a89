"""Delivery over a real SMTP server: headers, recipients, refusals, retries, the retry budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import make_user
from tests.integration.notifications.delivery_helpers import PDF_BYTES, add_notice, settings_for
from tests.smtp import SmtpServer, free_port
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.notifications.delivery import OUTAGE_PREFIX, deliver_pending
from tracker.notifications.models import Notification, NotificationState
from tracker.notifications.outbox import Recipient, message_id_for
from tracker.notifications.rules import backoff
from tracker.notifications.services import retry_notice
from tracker.regencies.models import Regency

SENT, PENDING, FAILED = NotificationState.SENT, NotificationState.PENDING, NotificationState.FAILED


@pytest.fixture
def regency(session: Session, now: datetime) -> Regency:
    return make_regency(session, now=now)


def test_a_due_notice_arrives_once_with_its_headers_parts_and_attachment(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    agency = make_agency(session, regency=regency, now=now)
    pact = make_pact(session, agency=agency, now=now, signed_on=now.date())
    row = add_notice(
        session,
        regency_id=regency.id,
        now=now,
        kind="escalation-1",
        pact_id=pact.id,
        recipients=[
            Recipient("inspektur@uji.go.id", "Inspektur Daerah", "to"),
            Recipient("admin@setda.uji.go.id", "Bagian Organisasi Setda", "to"),
            Recipient("kepala@dinas.uji.go.id", "Kepala Dinas Ujiñ", "cc"),
        ],
        attachment=PDF_BYTES,
        attachment_name="eskalasi-pakta.pdf",
        unsubscribe_url="http://127.0.0.1:5000/berhenti/abc",
    )

    report = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert (report.claimed, report.sent, report.failed, report.pending) == (1, 1, 0, 0)
    [received] = smtp.messages
    mail = received.message
    assert mail["Message-ID"] == row.message_id == message_id_for(row.key)
    assert mail["X-Pantau-Kind"] == "escalation-1"
    assert mail["X-Pantau-Pact"] == str(pact.id)
    assert mail["List-Unsubscribe"] == "<http://127.0.0.1:5000/berhenti/abc>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Subject"] == row.subject
    assert [a.addr_spec for a in mail["To"].addresses] == [
        "inspektur@uji.go.id",
        "admin@setda.uji.go.id",
    ]
    assert [(a.display_name, a.addr_spec) for a in mail["Cc"].addresses] == [
        ("Kepala Dinas Ujiñ", "kepala@dinas.uji.go.id")
    ]
    assert sorted(received.rcpt_tos) == sorted(
        ["inspektur@uji.go.id", "admin@setda.uji.go.id", "kepala@dinas.uji.go.id"]
    )
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and "tinggal 7 hari" in text.get_content()
    assert html is not None and "<b>7</b>" in html.get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "eskalasi-pakta.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF_BYTES

    session.refresh(row)
    assert row.state is SENT and row.sent_at == now and row.attempts == 1
    assert {r["state"] for r in row.recipients} == {"sent"}
    assert row.claimed_by is None and row.last_error is None

    again = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")
    assert again.claimed == 0 and len(smtp.messages) == 1


def test_a_digest_has_no_pact_header_and_no_unsubscribe_header(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    add_notice(session, regency_id=regency.id, now=now, kind="digest", body_html=None)

    deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    [received] = smtp.messages
    assert received.message["X-Pantau-Kind"] == "digest"
    assert "X-Pantau-Pact" not in received.message
    assert "List-Unsubscribe" not in received.message
    assert received.message.get_content_type() == "text/plain"


def test_one_pass_uses_one_smtp_connection_per_batch(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    for _ in range(5):
        add_notice(session, regency_id=regency.id, now=now)

    one = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")
    assert one.sent == 5 and smtp.sessions == 1

    smtp.clear()
    for _ in range(5):
        add_notice(session, regency_id=regency.id, now=now)
    deliver_pending(session, settings=settings_for(smtp, batch_size=2), now=now, worker_id="w1")
    assert len(smtp.messages) == 5 and smtp.sessions == 3


class _Ticking:
    """A clock that moves a minute forward each time it is read (a slow pass, compressed)."""

    def __init__(self, start: datetime) -> None:
        self.instant = start
        self.reads = 0

    def now(self) -> datetime:
        self.reads += 1
        self.instant += timedelta(minutes=1)
        return self.instant


def test_a_long_pass_reads_the_clock_for_each_batch(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    rows = [add_notice(session, regency_id=regency.id, now=now) for _ in range(3)]
    clock = _Ticking(now)

    report = deliver_pending(
        session, settings=settings_for(smtp, batch_size=1), now=clock, worker_id="w1"
    )

    assert report.sent == 3 and smtp.sessions == 3
    dates = [m.message["Date"].datetime for m in smtp.messages]
    sent_at = []
    for row in rows:
        session.refresh(row)
        sent_at.append(row.sent_at)
    # Each batch is dated, and recorded, at its own time: later batches later, none at the start.
    assert dates == sorted(dates) and len(set(dates)) == 3 and min(dates) > now
    assert sent_at == sorted(sent_at) and len(set(sent_at)) == 3
    assert all(d < s for d, s in zip(dates, sent_at, strict=True))
    assert sent_at[-1] <= clock.instant


def test_a_notice_not_yet_due_waits(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    row = add_notice(session, regency_id=regency.id, now=now + timedelta(minutes=5))

    report = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert report.claimed == 0 and report.pending == 1 and smtp.messages == []
    assert session.get(Notification, row.id).state is PENDING  # type: ignore[union-attr]


def test_a_refused_recipient_is_recorded_and_the_others_get_the_mail(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    smtp.refuse("pensiun@uji.go.id")
    row = add_notice(
        session,
        regency_id=regency.id,
        now=now,
        recipients=[
            Recipient("pensiun@uji.go.id", "Mantan Kepala", "to"),
            Recipient("kepala@dinas.uji.go.id", "Kepala Dinas", "to"),
            Recipient("not an address", "Salah Ketik", "cc"),
        ],
    )

    report = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert report.sent == 1 and report.refused_recipients == 2
    [received] = smtp.messages
    assert received.rcpt_tos == ["kepala@dinas.uji.go.id"]
    session.refresh(row)
    assert row.state is SENT
    by_email = {r["email"]: r for r in row.recipients}
    assert by_email["kepala@dinas.uji.go.id"]["state"] == "sent"
    assert by_email["pensiun@uji.go.id"]["state"] == "refused"
    assert by_email["pensiun@uji.go.id"]["error"].startswith("550")
    assert by_email["not an address"]["state"] == "refused"
    assert "not an email address" in by_email["not an address"]["error"]


def test_a_notice_whose_every_recipient_is_refused_fails_and_the_next_one_still_goes(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    smtp.refuse("pensiun@uji.go.id")
    bad = add_notice(
        session,
        regency_id=regency.id,
        now=now,
        recipients=[Recipient("pensiun@uji.go.id", "Mantan Kepala", "to")],
    )
    good = add_notice(session, regency_id=regency.id, now=now)

    report = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert (report.sent, report.failed) == (1, 1)
    assert smtp.message_ids() == [good.message_id]
    session.refresh(bad)
    assert bad.state is FAILED and bad.attempts == 1
    assert bad.last_error is not None and "pensiun@uji.go.id: 550" in bad.last_error
    assert bad.recipients[0]["state"] == "refused"


def test_a_temporary_refusal_is_retried_later_with_the_same_message_id(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    smtp.refuse("kepala@dinas.uji.go.id", "450 4.2.1 Mailbox busy, try later")
    row = add_notice(
        session,
        regency_id=regency.id,
        now=now,
        recipients=[Recipient("kepala@dinas.uji.go.id", "Kepala Dinas", "to")],
    )

    first = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert (first.sent, first.retrying) == (0, 1)
    session.refresh(row)
    assert row.state is PENDING and row.attempts == 1
    assert row.next_attempt_at == now + timedelta(seconds=60)
    assert row.last_error is not None and "450" in row.last_error
    assert row.recipients[0]["state"] == "pending"

    smtp.accept_all()
    early = deliver_pending(
        session, settings=settings_for(smtp), now=now + timedelta(seconds=30), worker_id="w1"
    )
    assert early.claimed == 0
    later = now + timedelta(seconds=60)
    second = deliver_pending(session, settings=settings_for(smtp), now=later, worker_id="w1")

    assert second.sent == 1
    assert smtp.message_ids() == [row.message_id]
    session.refresh(row)
    assert row.state is SENT and row.attempts == 2 and row.sent_at == later


def test_a_greylisted_recipient_gets_the_mail_later_though_another_accepted_it_at_once(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    smtp.refuse("inspektur@uji.go.id", "451 4.7.1 Greylisted, please try again later")
    row = add_notice(
        session,
        regency_id=regency.id,
        now=now,
        recipients=[
            Recipient("inspektur@uji.go.id", "Inspektur Daerah", "to"),
            Recipient("kepala@dinas.uji.go.id", "Kepala Dinas", "cc"),
        ],
    )

    first = deliver_pending(session, settings=settings_for(smtp), now=now, worker_id="w1")

    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    [received] = smtp.messages
    assert received.rcpt_tos == ["kepala@dinas.uji.go.id"]
    session.refresh(row)
    assert row.state is PENDING and row.attempts == 1
    assert row.next_attempt_at == now + timedelta(seconds=60)
    by_email = {r["email"]: r for r in row.recipients}
    assert by_email["kepala@dinas.uji.go.id"]["state"] == "sent"
    assert by_email["inspektur@uji.go.id"]["state"] == "pending"
    assert by_email["inspektur@uji.go.id"]["error"].startswith("451")

    smtp.accept_all()
    later = now + timedelta(seconds=60)
    second = deliver_pending(session, settings=settings_for(smtp), now=later, worker_id="w1")

    assert second.sent == 1
    # Only the one still waiting gets it, with the same Message-ID; nobody gets it twice.
    assert [m.rcpt_tos for m in smtp.messages] == [
        ["kepala@dinas.uji.go.id"],
        ["inspektur@uji.go.id"],
    ]
    assert smtp.message_ids() == [row.message_id, row.message_id]
    session.refresh(row)
    assert row.state is SENT and row.attempts == 2 and row.sent_at == later
    assert row.last_error is None
    assert {r["state"] for r in row.recipients} == {"sent"}


def test_the_message_id_is_the_same_after_a_retry_over_an_outage(
    session: Session, now: datetime, regency: Regency
) -> None:
    port = free_port()
    down = settings_for(None, server="127.0.0.1", port=port)
    row = add_notice(session, regency_id=regency.id, now=now)

    report = deliver_pending(session, settings=down, now=now, worker_id="w1")

    assert report.outage is not None and report.retrying == 1
    session.refresh(row)
    assert row.state is PENDING and row.attempts == 1
    assert row.last_error is not None and row.last_error.startswith(OUTAGE_PREFIX)
    with SmtpServer(port=port) as smtp:
        # The server is back: the next pass sends at once, whatever the backoff said.
        deliver_pending(session, settings=down, now=now + timedelta(seconds=1), worker_id="w2")
        assert smtp.message_ids() == [row.message_id]
    session.refresh(row)
    assert row.state is SENT and row.attempts == 2


def test_without_a_mail_server_notices_stay_pending_in_the_outbox(
    session: Session, now: datetime, regency: Regency
) -> None:
    row = add_notice(session, regency_id=regency.id, now=now)

    report = deliver_pending(session, settings=settings_for(None), now=now, worker_id="w1")

    assert report.mail_disabled and report.claimed == 0 and report.pending == 1
    assert "MAIL_SERVER not set" in report.summary()
    session.refresh(row)
    assert row.state is PENDING and row.attempts == 0 and row.claimed_by is None


def test_after_its_retry_budget_a_notice_fails_and_an_admin_can_put_it_back(
    session: Session, now: datetime, regency: Regency, smtp: SmtpServer
) -> None:
    for address in ("kepala@dinas.uji.go.id", "admin@setda.uji.go.id"):
        smtp.refuse(address, "452 4.2.2 Mailbox full, try again later")
    settings = settings_for(smtp, max_attempts=3)
    row = add_notice(session, regency_id=regency.id, now=now)
    at = now
    for expected_wait in (60, 120):
        deliver_pending(session, settings=settings, now=at, worker_id="w1")
        session.refresh(row)
        assert row.state is PENDING
        assert row.next_attempt_at == at + timedelta(seconds=expected_wait)
        at = row.next_attempt_at
    deliver_pending(session, settings=settings, now=at, worker_id="w1")
    session.refresh(row)
    assert row.state is FAILED and row.attempts == 3
    assert row.last_error is not None and "452" in row.last_error

    other = make_regency(session, now=now)
    observer = make_user(session, role="observer", regency=regency, now=now)
    stranger = make_user(session, role="admin", regency=other, now=now)
    admin = make_user(session, role="admin", regency=regency, now=now)
    with pytest.raises(NotFound):
        retry_notice(session, actor=stranger, notification_id=row.id, now=at)
    with pytest.raises(Forbidden):
        retry_notice(session, actor=observer, notification_id=row.id, now=at)

    retry_notice(session, actor=admin, notification_id=row.id, now=at)
    session.commit()

    assert row.state is PENDING and row.attempts == 0 and row.next_attempt_at == at
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "notification.retried", AuditEvent.target_id == row.id
        )
    ).one()
    assert event.actor_id == admin.id and event.changes is not None
    assert event.changes["attempts"] == [3, 0]
    with pytest.raises(Conflict):
        retry_notice(session, actor=admin, notification_id=row.id, now=at)
    smtp.accept_all()
    deliver_pending(session, settings=settings, now=at, worker_id="w1")
    assert smtp.message_ids() == [row.message_id]
    session.refresh(row)
    assert row.state is SENT and row.attempts == 1


def test_an_outage_longer_than_the_retry_budget_fails_nothing_and_recovery_sends_all(
    session: Session, now: datetime, regency: Regency
) -> None:
    port = free_port()
    down = settings_for(None, server="127.0.0.1", port=port, max_attempts=3)
    rows = [add_notice(session, regency_id=regency.id, now=now) for _ in range(3)]
    at = now
    for _ in range(6):  # twice the budget, each pass when the rows are due again
        report = deliver_pending(session, settings=down, now=at, worker_id="w1")
        assert report.outage is not None and report.failed == 0
        assert report.retrying == 3
        session.refresh(rows[0])
        assert rows[0].next_attempt_at is not None
        at = rows[0].next_attempt_at
    for row in rows:
        session.refresh(row)
        assert row.state is PENDING and row.attempts == 6
        assert row.last_error is not None and row.last_error.startswith(OUTAGE_PREFIX)

    with SmtpServer(port=port) as smtp:
        report = deliver_pending(session, settings=down, now=at, worker_id="w2")
        assert sorted(smtp.message_ids()) == sorted(r.message_id for r in rows)
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    for row in rows:
        session.refresh(row)
        assert row.state is SENT and row.attempts == 7 and row.last_error is None


def test_a_notice_that_waited_out_a_long_outage_still_has_its_whole_budget_for_refusals(
    session: Session, now: datetime, regency: Regency
) -> None:
    port = free_port()
    settings = settings_for(None, server="127.0.0.1", port=port, max_attempts=3)
    row = add_notice(session, regency_id=regency.id, now=now)
    at = now
    for _ in range(6):  # an outage of twice the budget
        deliver_pending(session, settings=settings, now=at, worker_id="w1")
        session.refresh(row)
        assert row.next_attempt_at is not None
        at = row.next_attempt_at
    assert (row.attempts, row.failures) == (6, 0)

    with SmtpServer(port=port) as smtp:
        smtp.refuse("kepala@dinas.uji.go.id", "451 4.7.1 Greylisted, try later")
        smtp.refuse("admin@setda.uji.go.id", "451 4.7.1 Greylisted, try later")
        report = deliver_pending(session, settings=settings, now=at, worker_id="w2")
    # The first refusal after the outage is the first failure of the message: tried again.
    assert (report.failed, report.retrying) == (0, 1)
    session.refresh(row)
    assert row.state is PENDING and (row.attempts, row.failures) == (7, 1)


def test_a_server_that_never_answers_is_given_up_within_the_timeout(
    session: Session, now: datetime, regency: Regency, hanging_smtp: object
) -> None:
    from time import perf_counter

    row = add_notice(session, regency_id=regency.id, now=now)
    started = perf_counter()

    report = deliver_pending(
        session, settings=settings_for(hanging_smtp, timeout=1.0), now=now, worker_id="w1"
    )

    elapsed = perf_counter() - started
    assert elapsed < 3, f"the worker waited {elapsed:.1f} s on a 1 s timeout"
    assert report.outage is not None and "timed out" in report.outage
    session.refresh(row)
    assert row.state is PENDING and row.attempts == 1
    assert row.last_error is not None and row.last_error.startswith(OUTAGE_PREFIX)


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        pytest.param(1, 60, id="first-retry-after-a-minute"),
        pytest.param(2, 120, id="then-doubling"),
        pytest.param(6, 1920, id="sixth-after-32-minutes"),
        pytest.param(7, 3600, id="capped-at-an-hour"),
        pytest.param(47, 3600, id="still-hourly-near-the-budget"),
        pytest.param(10_000, 3600, id="no-overflow"),
    ],
)
def test_retries_back_off_doubling_up_to_an_hour(attempts: int, wait: int) -> None:
    assert backoff(attempts, base_seconds=60, max_seconds=3600) == timedelta(seconds=wait)
