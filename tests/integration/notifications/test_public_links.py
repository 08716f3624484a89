"""Notices to people without an account link to public pages only; staff get staff links."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import (
    close_findings,
    local,
    make_office,
    rows,
    run_sweep,
    walk,
)
from tracker.clock import FixedClock
from tracker.notifications.handovers import Handover
from tracker.notifications.models import NoticeKind, Notification
from tracker.notifications.render import render_notice

SIGNED = date(2024, 11, 30)  # deadline 2025-02-28


def without_account(notice: Notification) -> bool:
    return any(r.get("account") is False for r in notice.recipients)


def test_every_notice_reaching_someone_without_an_account_links_only_to_public_pages(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    for _ in walk(
        app,
        session,
        clock,
        start=start,
        end=local("2025-03-31T09:00:00+08:00"),
        step=timedelta(hours=12),
    ):
        pass
    close_findings(session, pact, clock.now())
    run_sweep(app, session, clock.now() + timedelta(hours=1))
    found = rows(session, regency=office.regency)
    kinds = {n.kind for n in found if without_account(n)}
    # Reminders (the agency head), every rung (ladder contacts, the head in copy), fulfilment.
    assert kinds >= {
        "reminder-30d", "reminder-14d", "reminder-7d", "reminder-1d",
        "escalation-1", "escalation-2", "escalation-3", "fulfilled",
    }  # fmt: skip
    base = app.config["BASE_URL"].rstrip("/")
    for notice in found:
        body = notice.body_text + (notice.body_html or "")
        if without_account(notice):
            assert "/staf/" not in body, (notice.kind, notice.lang)
            assert f"{base}/pakta/{pact.id}" in body, notice.kind
        elif notice.kind != "digest":
            # Only account holders on it (the English OPD account): the staff page.
            assert f"{base}/staf/pakta/{pact.id}" in body, notice.kind
    escalations = [n for n in found if n.kind.startswith("escalation") and without_account(n)]
    # The letter is attached: what a reader without an account needs.
    assert all(n.attachment and n.attachment_name for n in escalations)


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
