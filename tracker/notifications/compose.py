"""Render the missing notices of one pact, or one regency's digest, and add them to the outbox.

The sweep decides what is missing; this module decides who hears of it (``recipients``), in
which languages, with which words (``templates/email/<kind>/``) and, for an escalation, with
which letter attached (``report``). It flushes; the sweep's savepoint around each pact or
digest keeps a fault in one from leaving it half-written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications import monthly
from tracker.notifications.models import NoticeKind, Notification
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.notifications.recipients import Audience, Directory
from tracker.notifications.render import absolute_url, render_notice
from tracker.notifications.report import (
    OpenFinding,
    attachment_name,
    escalation_pdf,
    load_escalation_report,
    open_findings,
)
from tracker.notifications.rules import ESCALATION_KINDS, DueNotice, language_key
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency

_RUNG_OF_KIND = {kind.value: rung for rung, kind in ESCALATION_KINDS.items()}
# Key suffix of the copy for readers without an account when a group mixes them with staff.
PUBLIC_COPY = "public"

# Renders an escalation letter in one language: (PDF bytes, file name).
Attach = Callable[[str], tuple[bytes, str]]


@dataclass
class Pass:
    """The state of one sweep: what was read once and is shared by every pact."""

    session: Session
    now: datetime
    regencies: dict[int, Regency]
    languages: tuple[str, ...]
    due_soon_days: int
    # Notices left unwritten because nobody is addressed (the next sweep asks again).
    without_recipients: int = 0
    _directory: Directory | None = None

    @property
    def directory(self) -> Directory:
        """Return who can be told, read only when something is missing."""
        # Most sweeps find everything recorded and never need it.
        if self._directory is None:
            self._directory = Directory.load(self.session, languages=self.languages)
        return self._directory


@dataclass(frozen=True)
class _Waiting:
    """A finding waiting for verification, as the digest lists it."""

    id: int
    title: str
    agency_name: str
    submitted_on: date | None
    days_waiting: int


def _addressed(audience: Audience) -> bool:
    """Tell whether an audience has someone in "to", not only people in copy."""
    return any(r.role == "to" for recipients in audience.values() for r in recipients)


def _write(
    state: Pass,
    *,
    due: DueNotice,
    regency: Regency,
    audience: Audience,
    context: dict[str, Any],
    pact_id: int | None,
    attachment: Attach | None = None,
) -> Counter[str]:
    """Render ``due`` once per language group and kind of reader (staff or without an account,
    see :func:`copies`) and add each copy to the outbox.

    Nothing is written (and the next sweep tries again) when nobody is addressed: copies
    alone would record the notice as told.
    """
    written: Counter[str] = Counter()
    if not _addressed(audience):
        state.without_recipients += 1
        return written
    for lang, recipients in audience.items():
        pdf: tuple[bytes, str] | None = attachment(lang) if attachment else None
        for key, public, copy in copies(language_key(due.key, lang), recipients):
            rendered = render_notice(due.kind, lang, context, public=public)
            row = enqueue(
                state.session,
                Notice(
                    key=key,
                    kind=due.kind.value,
                    regency_id=regency.id,
                    recipients=copy,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    pact_id=pact_id,
                    due_on=due.due_on,
                    lang=lang,
                    attachment=pdf[0] if pdf else None,
                    attachment_name=pdf[1] if pdf else None,
                ),
                now=state.now,
                webhook=bool(regency.webhook_url),
            )
            if row is not None:
                written[due.kind.value] += 1
    return written


def copies(key: str, recipients: list[Recipient]) -> list[tuple[str, bool, list[Recipient]]]:
    """Split one language group into the copies it is sent as: (key, public links, recipients).

    Account holders get staff links; people without an account (an agency head, a ladder
    contact) get a copy whose every link goes to a public page, never to /staf/ behind the
    login form. The first copy keeps ``key``, the key the sweep looks up (both copies are
    written in one savepoint); the public copy of a mixed group is ``key:public``.
    """
    staff = [r for r in recipients if r.account]
    public = [r for r in recipients if not r.account]
    if not staff or not public:
        return [(key, not staff, recipients)]
    return [(key, False, staff), (f"{key}:{PUBLIC_COPY}", True, public)]


def write_pact(
    state: Pass, row: PactRow, regency_id: int, missing: list[DueNotice]
) -> Counter[str]:
    """Render and record the missing notices of one pact, in their order (lowest rung first)."""
    regency = state.regencies[regency_id]
    tz = row.regency_timezone
    findings: list[OpenFinding] = open_findings(state.session, pact_id=row.id, tz=tz)
    base = {
        "regency_name": row.regency_name,
        "pact": row,
        "today": local_today(state.now, ZoneInfo(tz)),
        "findings": findings,
    }
    written: Counter[str] = Counter()
    for due in missing:
        attach: Attach | None = None
        if due.kind is NoticeKind.FULFILLED:
            rungs = _rungs_sent(state.session, row.id)
            audience = state.directory.fulfilment(regency_id, row.agency_id, rungs)
            context = {
                **base,
                "closed_on": due.due_on,
                "late": row.status is PactStatus.FULFILLED_LATE,
            }
        elif due.kind.value in _RUNG_OF_KIND:
            rung = _RUNG_OF_KIND[due.kind.value]
            audience = state.directory.escalation(regency_id, row.agency_id, rung)
            if not _addressed(audience):
                # Checked before the report and its PDF are made: with nobody to tell, the
                # rung stays unwritten and every sweep asks again, so this must stay cheap.
                state.without_recipients += 1
                continue
            context = {**base, "rung": rung, "days_overdue": -(row.days_left or 0)}
            attach = _escalation_letter(state, row, rung, findings)
        else:
            audience = state.directory.reminder(row.agency_id)
            context = {**base, "offset": due.step, "days_left": row.days_left}
        written += _write(
            state,
            due=due,
            regency=regency,
            audience=audience,
            context=context,
            pact_id=row.id,
            attachment=attach,
        )
    return written


def _escalation_letter(state: Pass, row: PactRow, rung: int, findings: list[OpenFinding]) -> Attach:
    """Read the letter of a rung now, and return how to print it in each language."""
    # The history is read before this rung's copies are written: "sent before".
    letter = load_escalation_report(
        state.session,
        pact=row,
        rung=rung,
        now=state.now,
        pact_url=absolute_url("pacts.detail", pact_id=row.id),
        findings=findings,
    )

    def attach(lang: str) -> tuple[bytes, str]:
        with force_locale(lang):
            data = escalation_pdf(letter, generated_at=state.now)
        return data, attachment_name(row.id, rung)

    return attach


def _rungs_sent(session: Session, pact_id: int) -> list[int]:
    kinds = session.scalars(
        select(Notification.kind)
        .where(Notification.pact_id == pact_id, Notification.kind.in_(list(_RUNG_OF_KIND)))
        .distinct()
    )
    return [_RUNG_OF_KIND[k] for k in kinds]


def write_digest(
    state: Pass, regency: Regency, due: DueNotice, rows: list[PactRow]
) -> Counter[str]:
    """Render and record a regency's weekly digest."""
    audience = state.directory.digest(regency.id)
    if not audience:
        state.without_recipients += 1
        return Counter()
    zone = ZoneInfo(regency.timezone)
    today = local_today(state.now, zone)
    overdue = sorted(
        (r for r in rows if r.status is PactStatus.OVERDUE), key=lambda r: (r.days_left, r.id)
    )
    due_soon = sorted(
        (r for r in rows if r.status is PactStatus.DUE_SOON), key=lambda r: (r.days_left, r.id)
    )
    waiting = []
    for r in state.session.execute(
        select(Finding.id, Finding.title, Finding.submitted_at, Agency.name.label("agency_name"))
        .join(Agency, Finding.agency_id == Agency.id)
        .where(Agency.regency_id == regency.id, Finding.status == FindingStatus.SUBMITTED)
        .order_by(Finding.submitted_at, Finding.id)
    ):
        submitted_on = local_today(r.submitted_at, zone) if r.submitted_at else None
        waiting.append(
            _Waiting(
                id=r.id,
                title=r.title,
                agency_name=r.agency_name,
                submitted_on=submitted_on,
                days_waiting=(today - submitted_on).days if submitted_on else 0,
            )
        )
    context = {
        "regency_name": regency.name,
        "monday": due.due_on,
        "today": today,
        "overdue": overdue,
        "due_soon": due_soon,
        "due_soon_days": state.due_soon_days,
        "waiting": waiting,
    }
    attach: Attach | None = None
    if monthly.is_first_digest_of_month(due.due_on):
        context["monthly_report"] = True
        attach = _monthly_report(state, regency)
    return _write(
        state,
        due=due,
        regency=regency,
        audience=audience,
        context=context,
        pact_id=None,
        attachment=attach,
    )


def _monthly_report(state: Pass, regency: Regency) -> Attach:
    """Read the regency's monthly figures now, and return how to print them in each language."""
    figures = monthly.load_monthly_figures(
        state.session, regency_id=regency.id, now=state.now, due_soon_days=state.due_soon_days
    )

    def attach(lang: str) -> tuple[bytes, str]:
        with force_locale(lang):
            data = monthly.monthly_pdf(figures, generated_at=state.now)
        return data, monthly.attachment_name(figures.today)

    return attach
