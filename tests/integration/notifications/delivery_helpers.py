"""Outbox rows and delivery settings for the delivery, webhook, scheduler and concurrency tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import count
from typing import Any

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.models import AuditChainHead, AuditEvent
from tracker.auth.models import User
from tracker.extensions import db
from tracker.findings.models import Finding
from tracker.notifications.delivery import DeliverySettings
from tracker.notifications.models import Notification, SchedulerLock
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.opendata.models import DataSnapshot
from tracker.pacts.models import Pact, PactExtension
from tracker.regencies.models import EscalationContact, Regency

_seq = count(1)

# A tiny but real PDF, enough to check the attachment arrives byte for byte.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_notice(
    session: Session,
    *,
    regency_id: int,
    now: datetime,
    key: str | None = None,
    kind: str = "reminder-7d",
    pact_id: int | None = None,
    recipients: list[Recipient] | None = None,
    webhook: bool = False,
    **fields: Any,
) -> Notification:
    """Write one due notice to the outbox (flushed, not committed) and return its row."""
    notice = Notice(
        key=key or f"test:{kind}:{next(_seq)}",
        kind=kind,
        regency_id=regency_id,
        pact_id=pact_id,
        recipients=recipients
        or [
            Recipient("kepala@dinas.uji.go.id", "Kepala Dinas Uji", "to"),
            Recipient("admin@setda.uji.go.id", "Bagian Organisasi", "cc"),
        ],
        subject=fields.pop("subject", "Pengingat: tenggat pakta integritas 7 hari lagi"),
        body_text=fields.pop("body_text", "Tenggat pakta integritas tinggal 7 hari."),
        body_html=fields.pop("body_html", "<p>Tenggat pakta integritas tinggal <b>7</b> hari.</p>"),
        **fields,
    )
    row = enqueue(session, notice, now=now, webhook=webhook)
    assert row is not None, "the key was already in the outbox"
    return row


def settings_for(target: Any | None, /, **overrides: Any) -> DeliverySettings:
    """Return delivery settings pointing at a test server (None: no MAIL_SERVER)."""
    config: dict[str, Any] = {"MAIL_TIMEOUT_SECONDS": 5}
    if target is not None:
        config.update(target.settings())
    settings = DeliverySettings.from_config(config)
    return DeliverySettings(**{**settings.__dict__, **overrides})


# --- committed worlds (tests marked ``committing``) --------------------------------------


@contextmanager
def committed_regency(app: Flask, now: datetime) -> Iterator[int]:
    """Commit a regency for a test that needs real commits; remove all it left behind after.

    Removed afterwards: the regency's outbox rows, audit events, agencies, pacts and findings,
    the scheduler lock, and any open-data snapshot a scheduler took meanwhile.
    """
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        regency = Regency(
            slug=f"uji-{uuid.uuid4().hex[:10]}",
            name="Kabupaten Uji Bersama",
            province="Provinsi Uji",
            timezone="Asia/Makassar",
            created_at=now,
        )
        session.add(regency)
        session.commit()
        regency_id = regency.id
        snapshots_before = set(session.scalars(select(DataSnapshot.id)))
    try:
        yield regency_id
    finally:
        with Session(engine) as session:
            agencies = select(Agency.id).where(Agency.regency_id == regency_id)
            pacts = select(Pact.id).where(Pact.agency_id.in_(agencies))
            for statement in (
                delete(Notification).where(Notification.regency_id == regency_id),
                delete(AuditEvent).where(AuditEvent.regency_id == regency_id),
                # SQLite gives a later regency the same id: its chain starts afresh.
                delete(AuditChainHead).where(AuditChainHead.chain_id == regency_id),
                delete(Finding).where(Finding.agency_id.in_(agencies)),
                delete(PactExtension).where(PactExtension.pact_id.in_(pacts)),
                delete(Pact).where(Pact.agency_id.in_(agencies)),
                delete(User).where(User.regency_id == regency_id),
                delete(Agency).where(Agency.regency_id == regency_id),
                delete(EscalationContact).where(EscalationContact.regency_id == regency_id),
                delete(Regency).where(Regency.id == regency_id),
                delete(SchedulerLock),
                delete(DataSnapshot).where(DataSnapshot.id.not_in(snapshots_before or {0})),
            ):
                session.execute(statement.execution_options(synchronize_session=False))
            session.commit()
