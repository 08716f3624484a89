"""The head of a regency's audit chain as the day began: a value a journalist can cite all day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit.chain import DailyHead
from tracker.audit.models import AuditEvent
from tracker.clock import local_today
from tracker.regencies.models import Regency


def daily_audit_head(
    session: Session, *, regency_slug: str, tz: str, now: datetime
) -> tuple[DailyHead, datetime] | None:
    """Return the regency chain's last link before its local midnight, and that midnight.

    The same all day (the page's ETag changes with the day anyway), so it can be cited;
    None while the chain has no event from before today. One statement.
    """
    zone = ZoneInfo(tz)
    midnight = datetime.combine(local_today(now, zone), time(), tzinfo=zone)
    row = session.execute(
        select(AuditEvent.chain_id, AuditEvent.chain_seq, AuditEvent.hash, AuditEvent.at)
        .join(Regency, Regency.id == AuditEvent.chain_id)
        .where(Regency.slug == regency_slug, AuditEvent.at < midnight)
        .order_by(AuditEvent.chain_seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return DailyHead(row.chain_id, row.chain_seq, row.hash, row.at), midnight
