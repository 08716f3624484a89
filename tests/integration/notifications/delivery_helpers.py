"""Outbox rows and delivery settings for the delivery, webhook, scheduler and concurrency tests."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tracker.notifications.delivery import DeliverySettings
from tracker.notifications.models import Notification
from tracker.notifications.outbox import Notice, Recipient, enqueue

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
