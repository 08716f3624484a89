"""Load the demo data idempotently: natural keys decide what is already there."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, UnitResult
from tracker.audit.services import record
from tracker.auth.models import User, UserRole
from tracker.auth.services import hash_password
from tracker.clock import local_today
from tracker.demo import data
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import deadline
from tracker.regencies.models import EscalationContact, Regency

Spec = tuple[str, FindingCategory, str, FindingStatus, date | None]


@dataclass(frozen=True)
class DemoPact:
    """An invented pact dated relative to the regency's today, so every status shows."""

    regency: str
    agency: str
    reference: str
    signatory_name: str
    signatory_title: str
    signed_on: date | None
    findings: tuple[Spec, ...]
    extended_to: date | None = None
    extension_reason: str | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    """A demo login (DEMO ONLY: its email ends in ".demo", its password is data.DEMO_PASSWORD)."""

    email: str
    role: UserRole
    regency: str | None = None
    agency: str | None = None


@dataclass
class DemoReport:
    """What a load added (a second load adds nothing), and the demo accounts to try."""

    added: Counter[str] = field(default_factory=Counter)
    accounts: list[DemoAccount] = field(default_factory=list)
    # True when the install already has real accounts: then no demo login is created.
    accounts_refused: bool = False

    def summary(self) -> str:
        """Say what was added, in one line."""
        if not self.added:
            return "Demo data already present: nothing added."
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.added.items()))
        return f"Demo data loaded: {parts}."


def _at(day: date, tz: ZoneInfo, hour: int = 10) -> datetime:
    """Return an instant on a local day (demo events happen in office hours)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


_OPEN, _SUBMITTED, _CLOSED = FindingStatus.OPEN, FindingStatus.SUBMITTED, FindingStatus.CLOSED
_IN, _PR, _CO = FindingCategory.INPUT, FindingCategory.PROCESS, FindingCategory.COMPLAINTS


def demo_pacts(today_in: dict[str, date]) -> list[DemoPact]:
    """Describe the invented pacts, one or more for each status, relative to local today."""
    paser, barsel = today_in["paser"], today_in["barito-selatan"]
    solsel, babar = today_in["solok-selatan"], today_in["bangka-barat"]
    months = relativedelta(months=3)

    due_soon_signed = paser + timedelta(days=10) - months
    extended_signed = paser - timedelta(days=100)
    fulfilled_signed = solsel - relativedelta(months=5)
    late_signed = babar - relativedelta(months=6)
    late_deadline = deadline(late_signed, 3)
    return [
        DemoPact(
            "paser",
            "disdukcapil",
            "demo-on-track",
            "Rina Contoh",
            "Kepala Disdukcapil",
            paser - timedelta(days=20),
            (
                (
                    "IN-FAC-PRIORITY",
                    _IN,
                    "Belum ada loket dan kursi prioritas",
                    _CLOSED,
                    paser - timedelta(days=3),
                ),
                ("PR-INFO-TIME", _PR, "Jangka waktu penyelesaian belum dipajang", _OPEN, None),
                ("CO-LAPOR", _CO, "Belum terhubung dengan SP4N-LAPOR!", _OPEN, None),
            ),
        ),
        DemoPact(
            "paser",
            "dinkes",
            "demo-due-soon",
            "Agus Contoh",
            "Kepala Dinas Kesehatan",
            due_soon_signed,
            (
                ("IN-FAC-LACTATION", _IN, "Belum ada ruang laktasi", _SUBMITTED, None),
                ("PR-INFO-COST", _PR, "Informasi biaya/gratis belum dipajang", _OPEN, None),
            ),
        ),
        DemoPact(
            "paser",
            "dpmptsp",
            "demo-extended",
            "Dewi Contoh",
            "Kepala DPMPTSP",
            extended_signed,
            (
                ("IN-FAC-RAMP", _IN, "Belum ada bidang miring (ramp) di pintu masuk", _OPEN, None),
                (
                    "PR-MAKLUMAT",
                    _PR,
                    "Maklumat pelayanan belum ditandatangani",
                    _CLOSED,
                    extended_signed + timedelta(days=30),
                ),
            ),
            extended_to=paser + timedelta(days=30),
            extension_reason="(Contoh rekaan) Pembangunan ramp menunggu anggaran perubahan.",
        ),
        DemoPact(
            "barito-selatan",
            "dpmptsp",
            "demo-overdue",
            "Yusuf Contoh",
            "Kepala DPMPTSP",
            barsel - relativedelta(months=4),
            (
                ("IN-FAC-PLAY", _IN, "Belum ada pojok bermain anak", _OPEN, None),
                ("PR-INFO-SOP", _PR, "SOP layanan belum dipajang", _SUBMITTED, None),
                (
                    "CO-REGISTER",
                    _CO,
                    "Belum ada buku register pengaduan",
                    _CLOSED,
                    barsel - relativedelta(months=3),
                ),
            ),
        ),
        DemoPact(
            "barito-selatan",
            "dinkes",
            "demo-undated",
            "Maria Contoh",
            "Kepala Dinas Kesehatan",
            None,
            (("IN-FAC-TOILET", _IN, "Belum ada toilet ramah disabilitas", _OPEN, None),),
        ),
        DemoPact(
            "solok-selatan",
            "dinsos",
            "demo-fulfilled",
            "Hendra Contoh",
            "Kepala Dinas Sosial",
            fulfilled_signed,
            (
                (
                    "IN-FAC-WHEELCHAIR",
                    _IN,
                    "Belum tersedia kursi roda",
                    _CLOSED,
                    fulfilled_signed + timedelta(days=40),
                ),
                (
                    "PR-ONLINE",
                    _PR,
                    "Informasi layanan belum dipublikasikan daring",
                    _CLOSED,
                    fulfilled_signed + timedelta(days=75),
                ),
            ),
        ),
        DemoPact(
            "bangka-barat",
            "disdukcapil",
            "demo-fulfilled-late",
            "Lina Contoh",
            "Kepala Disdukcapil",
            late_signed,
            (
                (
                    "IN-STAFF-ID",
                    _IN,
                    "Petugas belum memakai tanda pengenal",
                    _CLOSED,
                    late_signed + timedelta(days=20),
                ),
                (
                    "CO-SOP",
                    _CO,
                    "Belum ada SK dan SOP pengelolaan pengaduan",
                    _CLOSED,
                    late_deadline + timedelta(days=12),
                ),
            ),
        ),
        DemoPact(
            "bangka-barat",
            "dinsos",
            "demo-withdrawn",
            "Rudi Contoh",
            "Kepala Dinas Sosial",
            babar - relativedelta(months=2),
            (("IN-FAC-WAITING", _IN, "Ruang tunggu belum layak", _OPEN, None),),
            withdrawn_on=babar - timedelta(days=10),
            withdrawal_reason="(Contoh rekaan) OPD digabung dalam restrukturisasi.",
        ),
    ]


def demo_accounts() -> list[DemoAccount]:
    """Describe the demo logins: a superadmin, and per regency an admin, an observer and an OPD.

    The OPD account belongs to the regency's first seed agency by slug, so that the choice does
    not change when someone adds agencies later.
    """
    accounts = [DemoAccount(data.DEMO_SUPERADMIN_EMAIL, UserRole.SUPERADMIN)]
    for seed in data.REGENCIES:
        first = min(a.slug for a in seed.agencies)
        accounts += [
            DemoAccount(f"admin@{seed.slug}.demo", UserRole.ADMIN, seed.slug),
            DemoAccount(f"observer@{seed.slug}.demo", UserRole.OBSERVER, seed.slug),
            DemoAccount(f"opd-{first}@{seed.slug}.demo", UserRole.OPD, seed.slug, first),
        ]
    return accounts


@cache
def _demo_password_hash() -> str:
    # One (slow, salted) hash per process serves every demo account: they share the password
    # anyway, and the test suite loads the demo for many tests.
    return hash_password(data.DEMO_PASSWORD)


def _get_or_add_accounts(
    session: Session,
    regencies: dict[str, Regency],
    agencies: dict[tuple[str, str], Agency],
    now: datetime,
    report: DemoReport,
) -> None:
    accounts = demo_accounts()
    emails = [a.email for a in accounts]
    # An install with real accounts is not a demo: never add known passwords to it.
    real = session.execute(
        select(User.id).where(~func.lower(User.email).like("%.demo")).limit(1)
    ).first()
    if real is not None:
        report.accounts_refused = True
        return
    existing = set(
        session.execute(
            select(func.lower(User.email)).where(func.lower(User.email).in_(emails))
        ).scalars()
    )
    for account in accounts:
        report.accounts.append(account)
        if account.email in existing:
            continue
        regency = regencies[account.regency] if account.regency else None
        agency = (
            agencies[(account.regency, account.agency)]
            if account.regency and account.agency
            else None
        )
        what = agency.name if agency else (regency.name if regency else "Pantau Pakta")
        session.add(
            User(
                email=account.email,
                name=f"{account.role.value.capitalize()} (demo) {what}",
                password_hash=_demo_password_hash(),
                role=account.role,
                regency_id=regency.id if regency else None,
                agency_id=agency.id if agency else None,
                created_at=now,
            )
        )
        report.added["accounts"] += 1
    session.flush()


def _get_or_add_regencies(
    session: Session, now: datetime, report: DemoReport
) -> dict[str, Regency]:
    existing = {r.slug: r for r in session.execute(select(Regency)).scalars()}
    for seed in data.REGENCIES:
        if seed.slug not in existing:
            regency = Regency(
                slug=seed.slug,
                name=seed.name,
                province=seed.province,
                timezone=seed.timezone,
                created_at=now,
            )
            session.add(regency)
            existing[seed.slug] = regency
            report.added["regencies"] += 1
    session.flush()
    return existing


def _get_or_add_agencies(
    session: Session, regencies: dict[str, Regency], now: datetime, report: DemoReport
) -> dict[tuple[str, str], Agency]:
    by_id = {r.id: slug for slug, r in regencies.items()}
    existing = {
        (by_id[a.regency_id], a.slug): a
        for a in session.execute(select(Agency)).scalars()
        if a.regency_id in by_id
    }
    for seed in data.REGENCIES:
        for a in seed.agencies:
            if (seed.slug, a.slug) not in existing:
                agency = Agency(
                    regency_id=regencies[seed.slug].id,
                    slug=a.slug,
                    name=a.name,
                    kind=a.kind,
                    is_demo=a.is_demo,
                    created_at=now,
                )
                session.add(agency)
                existing[(seed.slug, a.slug)] = agency
                report.added["agencies"] += 1
    session.flush()
    return existing


def _add_heads_and_ladders(
    session: Session,
    regencies: dict[str, Regency],
    agencies: dict[tuple[str, str], Agency],
    now: datetime,
    report: DemoReport,
) -> None:
    """Give seed agencies an invented head and each regency an invented escalation ladder.

    Only where nothing is set yet: a head someone typed, or a ladder someone edited, stays.
    """
    for seed in data.REGENCIES:
        for a in seed.agencies:
            agency = agencies[(seed.slug, a.slug)]
            if agency.head_name is None and agency.head_email is None:
                agency.head_name, agency.head_email = data.demo_agency_head(seed.slug, a)
                report.added["agency heads"] += 1
    with_ladder = set(session.execute(select(EscalationContact.regency_id).distinct()).scalars())
    for seed in data.REGENCIES:
        regency = regencies[seed.slug]
        if regency.id in with_ladder:
            continue
        for rung, name, title, mailbox in data.DEMO_LADDER:
            session.add(
                EscalationContact(
                    regency_id=regency.id,
                    rung=rung,
                    name=name,
                    title=f"{title} {seed.name.removeprefix('Kabupaten ')}",
                    email=f"{mailbox}@{seed.slug}.demo",
                    locale="id",
                    created_at=now,
                )
            )
            report.added["escalation contacts"] += 1
    session.flush()


def _add_scores(
    session: Session,
    regencies: dict[str, Regency],
    agencies: dict[tuple[str, str], Agency],
    now: datetime,
    report: DemoReport,
) -> None:
    have = set(session.execute(select(Assessment.regency_id, Assessment.year)))
    for slug, year, score, source in data.ASSESSMENTS:
        if (regencies[slug].id, year) not in have:
            session.add(
                Assessment(
                    regency_id=regencies[slug].id,
                    year=year,
                    score=Decimal(score),
                    source=source,
                    created_at=now,
                )
            )
            report.added["assessments"] += 1
    have_units = set(session.execute(select(UnitResult.agency_id, UnitResult.year)))
    for slug, agency_slug, year, score, source in data.UNIT_RESULTS:
        agency = agencies[(slug, agency_slug)]
        if (agency.id, year) not in have_units:
            session.add(
                UnitResult(
                    agency_id=agency.id,
                    year=year,
                    score=Decimal(score),
                    source=source,
                    created_at=now,
                )
            )
            report.added["unit results"] += 1


def _add_pact(
    session: Session,
    *,
    agency: Agency,
    tz: ZoneInfo,
    now: datetime,
    reference: str,
    signatory_name: str | None,
    signatory_title: str,
    signed_on: date | None,
    pledge: str,
    sanction: str,
    witnesses: str | None,
    source: str,
    is_demo: bool,
    findings: tuple[Spec, ...],
    report: DemoReport,
) -> Pact | None:
    found = session.execute(
        select(Pact.id).where(Pact.agency_id == agency.id, Pact.reference == reference)
    ).first()
    if found is not None:
        return None
    created = _at(signed_on, tz) if signed_on else now
    pact = Pact(
        agency_id=agency.id,
        reference=reference,
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        signed_on=signed_on,
        pledge=pledge,
        sanction=sanction,
        witnesses=witnesses,
        source=source,
        is_demo=is_demo,
        created_at=min(created, now),
    )
    session.add(pact)
    session.flush()
    for code, category, title, status, closed_on in findings:
        session.add(
            Finding(
                agency_id=agency.id,
                pact_id=pact.id,
                category=category,
                code=code,
                title=title,
                status=status,
                closed_at=_at(closed_on, tz, 14) if closed_on else None,
                submitted_at=now - timedelta(days=2) if status is _SUBMITTED else None,
                created_at=pact.created_at,
            )
        )
        report.added["findings"] += 1
    report.added["pacts"] += 1
    return pact


def _record_history(session: Session, pact: Pact, now: datetime) -> None:
    """Write the public history of a loaded pact to the audit trail, as if it had been kept here.

    The events carry no actor (an import); their times are those of the records, never after
    ``now``. Without them the public timeline and the Atom feed of the demo would be empty.
    """
    regency_id = pact.agency.regency_id

    def event(action: str, target: str, target_id: int, at: datetime, **changes: object) -> None:
        record(
            session, actor=None, action=action, target_type=target, target_id=target_id,
            regency_id=regency_id, pact_id=pact.id, at=min(at, now), changes=dict(changes) or None,
        )  # fmt: skip

    event(
        "pact.recorded", "pact", pact.id, pact.created_at,
        agency_id=pact.agency_id, signed_on=pact.signed_on, period_months=pact.period_months,
        findings=len(pact.findings),
    )  # fmt: skip
    for finding in pact.findings:
        if finding.submitted_at is not None:
            event(
                "finding.submitted", "finding", finding.id, finding.submitted_at,
                status={"from": FindingStatus.IN_PROGRESS.value, "to": finding.status.value},
            )  # fmt: skip
        if finding.closed_at is not None:
            event(
                "finding.approved", "finding", finding.id, finding.closed_at,
                status={"from": FindingStatus.SUBMITTED.value, "to": finding.status.value},
            )  # fmt: skip
    for extension in pact.extensions:
        event(
            "pact.extended", "pact", pact.id, extension.created_at,
            **{"from": extension.previous_deadline_on, "to": extension.new_deadline_on},
            reason=extension.reason,
        )  # fmt: skip
    if pact.withdrawn_at is not None:
        event("pact.withdrawn", "pact", pact.id, pact.withdrawn_at, reason=pact.withdrawal_reason)


def load_demo(session: Session, *, now: datetime) -> DemoReport:
    """Add whatever demo records are missing; flush, never commit."""
    report = DemoReport()
    regencies = _get_or_add_regencies(session, now, report)
    agencies = _get_or_add_agencies(session, regencies, now, report)
    _add_scores(session, regencies, agencies, now, report)
    _add_heads_and_ladders(session, regencies, agencies, now, report)
    _get_or_add_accounts(session, regencies, agencies, now, report)

    added: list[Pact] = []
    ksb_tz = ZoneInfo(regencies["sumbawa-barat"].timezone)
    ksb_findings = tuple((c, cat, t, _OPEN, None) for c, cat, t in data.KSB_FINDINGS)
    for agency_slug, (title, name) in data.KSB_SIGNATORIES.items():
        ksb_pact = _add_pact(
            session,
            agency=agencies[("sumbawa-barat", agency_slug)],
            tz=ksb_tz,
            now=now,
            reference=data.KSB_REFERENCE,
            signatory_name=name,
            signatory_title=title,
            signed_on=date.fromisoformat(data.KSB_SIGNED_ON),
            pledge=data.KSB_PLEDGE,
            sanction=data.KSB_SANCTION,
            witnesses=data.KSB_WITNESSES,
            source=data.KSB_SOURCE,
            is_demo=False,
            findings=ksb_findings,
            report=report,
        )
        if ksb_pact is not None:
            added.append(ksb_pact)

    today_in = {slug: local_today(now, ZoneInfo(r.timezone)) for slug, r in regencies.items()}
    for spec in demo_pacts(today_in):
        tz = ZoneInfo(regencies[spec.regency].timezone)
        pact = _add_pact(
            session,
            agency=agencies[(spec.regency, spec.agency)],
            tz=tz,
            now=now,
            reference=spec.reference,
            signatory_name=spec.signatory_name,
            signatory_title=spec.signatory_title,
            signed_on=spec.signed_on,
            pledge=data.DEMO_PLEDGE,
            sanction=data.DEMO_SANCTION,
            witnesses=None,
            source=data.DEMO_SOURCE,
            is_demo=True,
            findings=spec.findings,
            report=report,
        )
        if pact is None:
            continue
        added.append(pact)
        if spec.extended_to and spec.extension_reason and pact.original_deadline_on:
            session.add(
                PactExtension(
                    pact_id=pact.id,
                    previous_deadline_on=pact.original_deadline_on,
                    new_deadline_on=spec.extended_to,
                    reason=spec.extension_reason,
                    created_at=_at(pact.original_deadline_on - timedelta(days=5), tz),
                )
            )
        if spec.withdrawn_on and spec.withdrawal_reason:
            pact.withdrawn_at = _at(spec.withdrawn_on, tz)
            pact.withdrawal_reason = spec.withdrawal_reason
    session.flush()
    for pact in added:
        session.refresh(pact)
        _record_history(session, pact, now)
    session.flush()
    if report.added:
        record(
            session,
            actor=None,
            action="demo.loaded",
            target_type="install",
            target_id=0,
            regency_id=None,
            at=now,
            changes=dict(report.added),
        )
        session.flush()
    return report
