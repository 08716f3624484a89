"""Notices to people without an account link to public pages only; staff get staff links."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.delivery_helpers import settings_for
from tests.integration.notifications.sweep_helpers import (
    close_findings,
    local,
    make_office,
    rows,
    run_sweep,
    walk,
)
from tests.integration.notifications.test_handovers import handover
from tests.smtp import SmtpServer
from tracker.clock import FixedClock
from tracker.notifications.delivery import deliver_pending
from tracker.notifications.handovers import Handover
from tracker.notifications.models import NoticeKind, Notification
from tracker.notifications.render import render_notice

SIGNED = date(2024, 11, 30)  # deadline 2025-02-28


def without_account(notice: Notification) -> bool:
    return any(r.get("account") is False for r in notice.recipients)


def test_every_notice_gives_readers_without_an_account_public_links_and_staff_staff_links(
    app: Flask, session: Session, clock: FixedClock, smtp: SmtpServer
) -> None:
    """Every kind a pact's life produces, delivered over SMTP: a notice reaching both account
    holders and people without one (agency head, ladder contacts) is sent as separate copies."""
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    for _ in walk(
        app,
        session,
        clock,
        start=start,
        # Rung 3 falls on Sunday 30 March, in the Idul Fitri closure: it goes out on 8 April.
        end=local("2025-04-08T09:00:00+08:00"),
        step=timedelta(hours=12),
    ):
        pass
    returned, approved = pact.findings[:2]
    handover(session, returned, "finding.returned", clock.now())
    handover(session, approved, "finding.approved", clock.now())
    close_findings(session, pact, clock.now())
    later = clock.now() + timedelta(hours=1)
    run_sweep(app, session, later)
    found = rows(session, regency=office.regency)
    kinds = {n.kind for n in found if without_account(n)}
    # Reminders (the agency head), every rung (ladder contacts, the head in copy), fulfilment,
    # the hand-overs (the head).
    assert kinds >= {
        "reminder-30d", "reminder-14d", "reminder-7d", "reminder-1d",
        "escalation-1", "escalation-2", "escalation-3", "fulfilled",
        "finding-returned", "finding-approved",
    }  # fmt: skip
    base = app.config["BASE_URL"].rstrip("/")
    for notice in found:
        body = notice.body_text + (notice.body_html or "")
        # No copy mixes the two kinds of reader.
        assert len({r["account"] for r in notice.recipients}) == 1, (notice.kind, notice.key)
        if without_account(notice):
            assert "/staf/" not in body, (notice.kind, notice.lang)
            assert f"{base}/pakta/{pact.id}" in body, notice.kind
        else:
            assert f"{base}/staf/" in body, notice.kind
    escalations = [n for n in found if n.kind.startswith("escalation") and without_account(n)]
    # The letter is attached: what a reader without an account needs.
    assert all(n.attachment and n.attachment_name for n in escalations)

    report = deliver_pending(session, settings=settings_for(smtp), now=later, worker_id="t")
    assert (report.sent, report.pending) == (len(found), 0)
    staff = {office.admin.email, office.opd.email, office.opd_en.email}
    public = {c.email for c in office.contacts.values()} | {office.agency.head_email or ""}
    told: dict[str, set[str]] = {"staff": set(), "public": set()}
    for received in smtp.messages:
        mail = received.message
        kind = str(mail["X-Pantau-Kind"])
        body = "".join(
            part.get_content() for part in (mail.get_body(("plain",)), mail.get_body(("html",)))
            if part is not None
        )  # fmt: skip
        to = set(received.rcpt_tos)
        if to <= public:
            assert "/staf/" not in body, (kind, to)
            assert f"{base}/pakta/{pact.id}" in body, kind
            told["public"].add(kind)
        else:
            assert to <= staff, (kind, to)  # never both kinds of reader on one mail
            assert f"{base}/staf/" in body, (kind, to)
            told["staff"].add(kind)
    # The notices that reach both kinds of reader: staff got the staff links of the same notice.
    assert told["public"] & told["staff"] >= {
        "reminder-30d", "reminder-14d", "reminder-7d", "reminder-1d",
        "escalation-1", "fulfilled", "finding-returned", "finding-approved",
    }  # fmt: skip
    # The mixed rung-1 letter goes to both copies, as it did to the one before.
    rung1 = [m.message for m in smtp.messages if m.message["X-Pantau-Kind"] == "escalation-1"]
    assert len(rung1) == 2 and all(list(m.iter_attachments()) for m in rung1)


def test_each_kind_rendered_for_readers_without_an_account_has_no_staff_link(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    """Every notice kind a pact produces, rendered public, on an extreme context."""
    start = local("2025-03-01T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    run_sweep(app, session, start)
    from tracker.notifications.report import open_findings
    from tracker.pacts.queries import get_pact

    with app.app_context():
        row = get_pact(session, pact_id=pact.id, now=start, due_soon_days=14).row
        findings = open_findings(session, pact_id=pact.id, tz="Asia/Makassar")
        base = {"regency_name": "Kab", "pact": row, "today": start.date(), "findings": findings}
        for kind in NoticeKind:
            if kind in (NoticeKind.DIGEST, NoticeKind.FOLLOW_CONFIRM, NoticeKind.FOLLOW_STATUS):
                continue  # admins only; followers' own tests (no staff page at all)
            extra = {"offset": 7, "days_left": 7, "rung": 1, "days_overdue": 3}
            extra |= {"closed_on": start.date(), "late": False}
            handover = Handover(
                event_id=1, action="finding.returned", at=start, finding_id=pact.findings[0].id,
                title="Temuan", pact_id=pact.id, agency_id=office.agency.id, agency_name="Dinas",
                regency_id=office.regency.id,
            )  # fmt: skip
            extra |= {"items": [handover], "finding": handover, "zone": office.zone}
            rendered = render_notice(kind.value, "id", {**base, **extra}, public=True)
            assert "/staf/" not in rendered.text + rendered.html, kind
