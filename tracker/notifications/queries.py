"""Read models of the outbox: the list an admin filters, and one notice with its recipients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.errors import NotFound
from tracker.notifications.models import NoticeKind, Notification, NotificationState
from tracker.pacts.models import Pact
from tracker.pagination import Page
from tracker.readmodels import from_row
from tracker.regencies.models import Regency
from tracker.sorting import Sort, matches, ordered

# Follower mail carries a member of the public's address and the secret links that confirm or
# end their subscription: it stays in the table for delivery, but no staff page ever shows it.
HIDDEN_FROM_STAFF: frozenset[str] = frozenset(
    {NoticeKind.FOLLOW_CONFIRM.value, NoticeKind.FOLLOW_STATUS.value}
)
# The kinds the outbox pages list and offer as a filter.
STAFF_KINDS: tuple[NoticeKind, ...] = tuple(k for k in NoticeKind if k not in HIDDEN_FROM_STAFF)


def staff_visible() -> ColumnElement[bool]:
    """Return the condition every outbox read by staff carries: no follower mail."""
    return Notification.kind.not_in(HIDDEN_FROM_STAFF)


@dataclass(frozen=True)
class OutboxFilter:
    """What the outbox list is narrowed to; None means "any"."""

    kind: str | None = None
    state: NotificationState | None = None
    pact_id: int | None = None
    regency_id: int | None = None
    # Words the subject, the recipients' addresses and names or the pact's agency contain.
    q: str | None = None


@dataclass(frozen=True)
class RecipientRow:
    """One address of a notice with its own delivery state."""

    email: str
    name: str
    role: str
    state: str
    error: str | None


@dataclass(frozen=True)
class OutboxRow:
    """A notice as the outbox list shows it; times in the regency's zone."""

    id: int
    kind: str
    state: NotificationState
    regency_id: int
    regency_name: str
    pact_id: int | None
    agency_name: str | None
    subject: str
    lang: str
    recipients: list[RecipientRow]
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    has_attachment: bool


@dataclass(frozen=True)
class NoticeDetail:
    """One notice with everything the outbox detail page shows."""

    row: OutboxRow
    key: str
    message_id: str
    due_on: date | None
    body_text: str
    body_html: str | None
    attachment_name: str | None
    unsubscribe_url: str | None
    next_attempt_at: datetime | None
    webhook_state: str | None
    webhook_attempts: int
    webhook_error: str | None


def _recipients(value: Any) -> list[RecipientRow]:
    """Read the recipients JSON defensively: an odd entry is shown, never a crash."""
    rows = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        error = item.get("error")
        rows.append(
            RecipientRow(
                email=str(item.get("email") or ""),
                name=str(item.get("name") or ""),
                role=str(item.get("role") or "to"),
                state=str(item.get("state") or "pending"),
                error=str(error) if error else None,
            )
        )
    return rows


def _local(instant: datetime | None, zone: ZoneInfo) -> datetime | None:
    return instant.astimezone(zone) if instant is not None else None


# The list never loads bodies or attachments: only what a row shows.
_LIST_COLUMNS = (
    Notification.id,
    Notification.kind,
    Notification.state,
    Notification.regency_id,
    Regency.name.label("regency_name"),
    Regency.timezone,
    Notification.pact_id,
    Agency.name.label("agency_name"),
    Notification.subject,
    Notification.lang,
    Notification.recipients,
    Notification.attempts,
    Notification.last_error,
    Notification.created_at,
    Notification.sent_at,
    Notification.attachment_name,
)


def _base(columns: tuple[Any, ...], scope: ColumnElement[bool]) -> Select[Any]:
    return (
        select(*columns)
        .join(Regency, Regency.id == Notification.regency_id)
        .outerjoin(Pact, Pact.id == Notification.pact_id)
        .outerjoin(Agency, Agency.id == Pact.agency_id)
        .where(scope)
    )


def _row(r: Any) -> OutboxRow:
    zone = ZoneInfo(r.timezone)
    return from_row(
        OutboxRow,
        r,
        state=NotificationState(r.state),
        recipients=_recipients(r.recipients),
        created_at=r.created_at.astimezone(zone),
        sent_at=_local(r.sent_at, zone),
        has_attachment=r.attachment_name is not None,
    )


def regency_scope(regency_id: int | None) -> ColumnElement[bool]:
    """Return the condition limiting the outbox to one regency (None: every regency)."""
    return true() if regency_id is None else Notification.regency_id == regency_id


# The columns the outbox sorts by (the default: the newest first).
OUTBOX_SORTS = ("created", "regency", "kind", "pact", "state", "attempts", "sent")


def page_outbox(
    session: Session,
    *,
    scope_regency_id: int | None,
    filters: OutboxFilter,
    page: int,
    per_page: int,
    sort: Sort | None = None,
) -> Page[OutboxRow]:
    """One page of the outbox, newest first (or by ``sort``, OUTBOX_SORTS), limited to a
    regency (None: the whole install)."""
    conditions = [regency_scope(scope_regency_id), staff_visible()]
    if filters.kind:
        conditions.append(Notification.kind == filters.kind)
    if filters.state is not None:
        conditions.append(Notification.state == filters.state)
    if filters.pact_id is not None:
        conditions.append(Notification.pact_id == filters.pact_id)
    if filters.regency_id is not None:
        conditions.append(Notification.regency_id == filters.regency_id)
    if filters.q:
        conditions.append(
            matches(
                filters.q,
                Notification.subject,
                Notification.recipients,
                func.coalesce(Agency.name, ""),
            )
        )
    condition = conditions[0]
    for extra in conditions[1:]:
        condition = condition & extra
    total = session.execute(
        select(func.count()).select_from(_base((Notification.id,), condition).subquery())
    ).scalar_one()
    stmt = ordered(
        _base(_LIST_COLUMNS, condition),
        sort or Sort("created", descending=True, chosen=False),
        {
            "created": Notification.created_at,
            "regency": func.lower(Regency.name),
            "kind": Notification.kind,
            "pact": Notification.pact_id,
            "state": Notification.state,
            "attempts": Notification.attempts,
            "sent": Notification.sent_at,
        },
        tie=Notification.id,
    )
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return Page([_row(r) for r in rows], page, per_page, total)


def find_notice_regency(session: Session, notification_id: int) -> int | None:
    """Return the regency of a notice staff may see, or None (no such notice, or follower mail)."""
    return session.scalar(
        select(Notification.regency_id).where(Notification.id == notification_id, staff_visible())
    )


def get_notice(session: Session, *, notification_id: int) -> NoticeDetail:
    """Return one notice for the detail page; raise NotFound when it does not exist.

    The caller has checked who may read the notice's regency.
    """
    columns = (
        *_LIST_COLUMNS,
        Notification.key,
        Notification.message_id,
        Notification.due_on,
        Notification.body_text,
        Notification.body_html,
        Notification.unsubscribe_url,
        Notification.next_attempt_at,
        Notification.webhook_state,
        Notification.webhook_attempts,
        Notification.webhook_error,
    )
    r = session.execute(
        _base(columns, (Notification.id == notification_id) & staff_visible())
    ).one_or_none()
    if r is None:
        raise NotFound(_l("There is no such notice."))
    return from_row(
        NoticeDetail,
        r,
        row=_row(r),
        next_attempt_at=_local(r.next_attempt_at, ZoneInfo(r.timezone)),
    )


def get_attachment(session: Session, *, notification_id: int) -> tuple[str, bytes]:
    """Return the PDF attached to a notice (name, bytes); NotFound when it has none."""
    found = session.execute(
        select(Notification.attachment_name, Notification.attachment).where(
            Notification.id == notification_id, staff_visible()
        )
    ).one_or_none()
    if found is None or found[1] is None:
        raise NotFound(_l("This notice has no attachment."))
    return str(found[0] or f"lampiran-{notification_id}.pdf"), bytes(found[1])
