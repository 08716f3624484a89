"""Generate a country of invented regencies, agencies, pacts and findings, marked demo everywhere.

``flask --app tracker demo generate --regencies N --agencies-per-regency M --findings-per-pact K``
fills a database for load tests and demonstrations at national size: 600 × 10 × 15 gives 6,000
pacts and 90,000 findings. Everything it writes is invented and says so: regencies are named
"Kabupaten Rekaan NNN (contoh)", agencies, pacts, assessments and unit results carry ``is_demo``,
texts start with "(Contoh rekaan)", people are "... Contoh", addresses end in ".demo" and links in
".invalid" (reserved names that reach nobody).

Unlike ``demo load`` (a handful of records, each written through the services by the demo
accounts), this writes rows in bulk with SQLAlchemy Core, a chunk of regencies at a time, so the
national size loads in minutes: its rows are shaped as the services shape them (the same columns,
audit events with the same actions and keys), but no service checks them one by one. It adds no
account. The same seed and clock give the same records (the ids aside): each regency draws from
its own random generator, whatever the chunk size.

The pacts are signed over the last fifteen months before each regency's local today, so their
deadlines fall across the whole year and every status shows: running, due soon, overdue,
fulfilled in time or late, extended, withdrawn, decided by the regent, outcome not recorded,
undated. Regencies spread over the four Indonesian zones in about the country's proportions
(WIB Asia/Jakarta and Asia/Pontianak, WITA Asia/Makassar, WIT Asia/Jayapura). Evidence is a link
row without a file. Each regency has assessments for its last four assessed years (2020 had
none), with its sampled units' results.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.rules import AssessmentResult
from tracker.audit.chain import link_rows
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.clock import local_today
from tracker.demo import data
from tracker.demo.accounts import has_real_accounts
from tracker.errors import Conflict
from tracker.findings.catalogue import CATALOGUE
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import EvidenceKind, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import PactOutcome, deadline
from tracker.pacts.stored import stored_values
from tracker.regencies.models import EscalationContact, Regency

SLUG_PREFIX = "rekaan-"
DEMO_TEXT = "(Contoh rekaan)"
# The zones in about the country's proportions (552 local governments: some 62 % WIB, 27 % WITA,
# 11 % WIT), in an order that gives every zone to the first four regencies.
ZONE_CYCLE = (
    "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak",
    "Asia/Jakarta", "Asia/Makassar", "Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar",
    "Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar", "Asia/Jakarta", "Asia/Jayapura",
    "Asia/Jakarta", "Asia/Makassar", "Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar",
    "Asia/Jakarta",
)  # fmt: skip
REGENCIES_PER_PROVINCE = 15
# The units an assessment samples first (DOMAIN.md section 3), then other agencies.
_AGENCIES = (
    ("disdukcapil", "dinas", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("dpmptsp", "dinas", "Dinas Penanaman Modal dan PTSP"),
    ("disdik", "dinas", "Dinas Pendidikan"),
    ("dinkes", "dinas", "Dinas Kesehatan"),
    ("dinsos", "dinas", "Dinas Sosial"),
    ("puskesmas-kota", "puskesmas", "Puskesmas Kota"),
    ("puskesmas-desa", "puskesmas", "Puskesmas Desa"),
    ("rsud", "rsud", "Rumah Sakit Umum Daerah"),
    ("dishub", "dinas", "Dinas Perhubungan"),
    ("dlh", "dinas", "Dinas Lingkungan Hidup"),
    ("disnaker", "dinas", "Dinas Tenaga Kerja"),
    ("dpupr", "dinas", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("bapenda", "badan", "Badan Pendapatan Daerah"),
    ("kecamatan-kota", "kecamatan", "Kecamatan Kota"),
    ("upt-pasar", "upt", "UPT Pasar"),
)
_FIRST_NAMES = (
    "Rina", "Agus", "Dewi", "Yusuf", "Maria", "Hendra", "Lina", "Sari", "Yanti", "Rudi", "Budi",
    "Siti", "Made", "Nyoman", "Fransiska", "Arif", "Wayan", "Ratna", "Johan", "Fitri",
)  # fmt: skip
_OUTCOMES = (
    PactOutcome.FULFILLED,
    PactOutcome.REPRIMAND,
    PactOutcome.REPLACED,
    PactOutcome.RESIGNED,
    PactOutcome.OTHER,
)
# Weights of a finding's status in a pact still being worked on.
_PARTIAL = (
    (FindingStatus.CLOSED, 45),
    (FindingStatus.SUBMITTED, 8),
    (FindingStatus.IN_PROGRESS, 10),
    (FindingStatus.RETURNED, 4),
    (FindingStatus.UNRESOLVABLE, 2),
    (FindingStatus.OPEN, 31),
)
# The four weighted dimensions of 2022 onward (DOMAIN.md section 3): their maximum scores.
_DIMENSIONS = (
    ("input_score", Decimal("21.85")),
    ("process_score", Decimal("32.37")),
    ("output_score", Decimal("24.24")),
    ("complaints_score", Decimal("21.54")),
)
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Size:
    """How much to generate."""

    regencies: int
    agencies_per_regency: int
    findings_per_pact: int
    seed: int = 1


@dataclass
class GenerateReport:
    """What a generation wrote, by table, and how long it took."""

    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        """Say what was written, in one line."""
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.rows.items()))
        return f"Generated invented demo data: {parts} in {self.seconds:.1f} s."


def regency_slug(index: int) -> str:
    """Return the slug of the ``index``-th generated regency (from 1)."""
    return f"{SLUG_PREFIX}{index:03d}"


def _at(day: date, tz: ZoneInfo, hour: int, now: datetime) -> datetime:
    """Return an instant in office hours of a local day, never after ``now``."""
    return min(datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC), now)


def _between(rng: random.Random, first: date, last: date) -> date:
    """Return a day from ``first`` to ``last`` (both included; ``first`` if the range is empty)."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass
class _Chunk:
    """The rows of a few regencies, inserted table by table; ids come back from RETURNING."""

    session: Session
    rows: Counter[str]

    def insert(self, table: Table, values: Sequence[dict[str, Any]], *, ids: bool) -> list[int]:
        """Insert ``values`` into ``table`` in one executemany; return their ids, in order."""
        if not values:
            return []
        self.rows[str(table.name)] += len(values)
        if not ids:
            self.session.execute(insert(table), values)
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.execute(stmt, values).scalars())


class _Generator:
    """One generation: plans each regency from its own random generator, then writes it."""

    def __init__(self, session: Session, size: Size, now: datetime) -> None:
        self.session, self.size, self.now = session, size, now
        self.report = GenerateReport()
        with force_locale("id"):
            # Titles as a regent's office writes them: in Indonesian, from the catalogue.
            self.catalogue = [(e.code, e.category, _(e.title)) for e in CATALOGUE]

    def regency_rows(self, index: int) -> dict[str, Any]:
        tz = ZONE_CYCLE[(index - 1) % len(ZONE_CYCLE)]
        kind = "Kota" if index % 5 == 0 else "Kabupaten"
        province = (index - 1) // REGENCIES_PER_PROVINCE + 1
        return {
            "slug": regency_slug(index),
            "name": f"{kind} Rekaan {index:03d} (contoh)",
            "province": f"Provinsi Rekaan {province:02d} (contoh)",
            "timezone": tz,
            "created_at": self.now - timedelta(days=500),
        }

    def run(self, chunk_size: int) -> GenerateReport:
        n = self.size.regencies
        for start in range(1, n + 1, chunk_size):
            self.write(list(range(start, min(n, start + chunk_size - 1) + 1)))
        return self.report

    def write(self, indexes: list[int]) -> None:
        """Write the regencies ``indexes`` with everything that belongs to them."""
        chunk = _Chunk(self.session, self.report.rows)
        regencies = [self.regency_rows(i) for i in indexes]
        regency_ids = chunk.insert(Regency.__table__, regencies, ids=True)  # type: ignore[arg-type]
        plans = [
            _RegencyPlan(self, index, rid, values)
            for index, rid, values in zip(indexes, regency_ids, regencies, strict=True)
        ]
        chunk.insert(
            EscalationContact.__table__,  # type: ignore[arg-type]
            [row for p in plans for row in p.ladder()],
            ids=False,
        )
        agency_rows = [row for p in plans for row in p.agencies()]
        agency_ids = iter(chunk.insert(Agency.__table__, agency_rows, ids=True))  # type: ignore[arg-type]
        for p in plans:
            p.agency_ids = [next(agency_ids) for _ in range(self.size.agencies_per_regency)]
        chunk.insert(
            Assessment.__table__,  # type: ignore[arg-type]
            [row for p in plans for row in p.assessments()],
            ids=False,
        )
        chunk.insert(
            UnitResult.__table__,  # type: ignore[arg-type]
            [row for p in plans for row in p.unit_results()],
            ids=False,
        )
        pacts = [pact for p in plans for pact in p.pacts()]
        for pact in pacts:
            pact.row["agency_id"] = pact.agency_id
        pact_ids = chunk.insert(Pact.__table__, [p.row for p in pacts], ids=True)  # type: ignore[arg-type]
        for pact, pact_id in zip(pacts, pact_ids, strict=True):
            pact.id = pact_id
        chunk.insert(
            PactExtension.__table__,  # type: ignore[arg-type]
            [row for p in pacts for row in p.extension_rows()],
            ids=False,
        )
        findings = [f for p in pacts for f in p.findings]
        finding_ids = chunk.insert(
            Finding.__table__,  # type: ignore[arg-type]
            [f.row(f.pact) for f in findings],
            ids=True,
        )
        for finding, finding_id in zip(findings, finding_ids, strict=True):
            finding.id = finding_id
        worked = [f for f in findings if f.evidence is not None]
        evidence_ids = chunk.insert(
            Evidence.__table__,  # type: ignore[arg-type]
            [f.evidence_row() for f in worked],
            ids=True,
        )
        for finding, evidence_id in zip(worked, evidence_ids, strict=True):
            finding.evidence_id = evidence_id
        events = [e for p in pacts for e in p.audit_rows()]
        events.sort(key=lambda e: e["at"])
        # Each a link of its regency's chain, as record() makes every other event.
        link_rows(self.session, events)
        chunk.insert(AuditEvent.__table__, events, ids=False)  # type: ignore[arg-type]


@dataclass
class _FindingPlan:
    pact: _PactPlan
    code: str
    category: Any
    title: str
    status: FindingStatus
    created_at: datetime
    # The agency's evidence link: when it was added (None: no evidence), and whether published.
    evidence: datetime | None = None
    public: bool = False
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    unresolvable_reason: str | None = None
    id: int = 0
    evidence_id: int = 0

    def row(self, pact: _PactPlan) -> dict[str, Any]:
        unresolvable = self.status is FindingStatus.UNRESOLVABLE
        return {
            "agency_id": pact.agency_id,
            "pact_id": pact.id,
            "category": self.category,
            "code": self.code,
            "title": self.title,
            "description": None,
            "status": self.status,
            "submitted_at": self.submitted_at,
            "closed_at": self.decided_at if self.status is FindingStatus.CLOSED else None,
            "unresolvable_at": self.decided_at if unresolvable else None,
            "unresolvable_reason": self.unresolvable_reason,
            "created_at": self.created_at,
        }

    def evidence_row(self) -> dict[str, Any]:
        p = self.pact
        return {
            "finding_id": self.id,
            "kind": EvidenceKind.LINK,
            "caption": f"{DEMO_TEXT} Tautan bukti perbaikan: {self.title}"[:300],
            "url": f"https://bukti.contoh.invalid/{p.regency_slug}/{p.agency_slug}/{self.code}",
            "is_public": self.public,
            "uploaded_at": self.evidence,
        }

    def events(self, event: Any) -> Iterator[dict[str, Any]]:
        yield event("admin", "finding.recorded", self.created_at, self)
        if self.evidence is not None:
            changes = {
                "evidence_id": self.evidence_id,
                "kind": EvidenceKind.LINK.value,
                "status": {"from": "open", "to": "in_progress"},
            }
            yield event("opd", "evidence.added", self.evidence, self, changes)
        if self.submitted_at is not None:
            status = {"from": "in_progress", "to": "submitted"}
            yield event("opd", "finding.submitted", self.submitted_at, self, {"status": status})
        if self.decided_at is None:
            return
        if self.status is FindingStatus.CLOSED:
            status = {"from": "submitted", "to": "closed"}
            yield event("admin", "finding.approved", self.decided_at, self, {"status": status})
        elif self.status is FindingStatus.RETURNED:
            status = {"from": "submitted", "to": "returned"}
            yield event("admin", "finding.returned", self.decided_at, self, {"status": status})
        elif self.status is FindingStatus.UNRESOLVABLE:
            changes = {"reason": self.unresolvable_reason, "status": {"to": "unresolvable"}}
            yield event("admin", "finding.unresolvable", self.decided_at, self, changes)


@dataclass
class _PactPlan:
    regency: _RegencyPlan
    agency_index: int
    row: dict[str, Any]
    findings: list[_FindingPlan] = field(default_factory=list)
    extension: tuple[date, date, datetime, str] | None = None
    id: int = 0

    @property
    def agency_id(self) -> int:
        return self.regency.agency_ids[self.agency_index]

    @property
    def agency_slug(self) -> str:
        return _AGENCIES[self.agency_index % len(_AGENCIES)][0] + self.regency.suffix(
            self.agency_index
        )

    @property
    def regency_slug(self) -> str:
        return str(self.regency.values["slug"])

    def extension_rows(self) -> list[dict[str, Any]]:
        if self.extension is None:
            return []
        previous, new, at, reason = self.extension
        return [
            {
                "pact_id": self.id,
                "previous_deadline_on": previous,
                "new_deadline_on": new,
                "reason": reason,
                "created_at": at,
                "created_by_id": None,
            }
        ]

    def audit_rows(self) -> list[dict[str, Any]]:
        regency_id = self.regency.regency_id

        def event(
            role: str,
            action: str,
            at: datetime,
            target: _FindingPlan | None = None,
            changes: dict[str, Any] | None = None,
        ) -> dict[str, Any]:
            return {
                "at": at,
                "actor_id": None,
                "actor_role": role,
                "regency_id": regency_id,
                "action": action,
                "target_type": "finding" if target else "pact",
                "target_id": target.id if target else self.id,
                "pact_id": self.id,
                "changes": changes,
            }

        row = self.row
        rows = [
            event(
                "admin", "pact.recorded", row["created_at"], None,
                {"agency_id": self.agency_id, "signed_on": row["signed_on"],
                 "period_months": row["period_months"], "findings": len(self.findings),
                 "scan_sha256": None, "generated": True},
            )
        ]  # fmt: skip
        for finding in self.findings:
            rows.extend(finding.events(event))
        if self.extension is not None:
            previous, new, at, reason = self.extension
            changes = {"from": previous, "to": new, "reason": reason}
            rows.append(event("admin", "pact.extended", at, None, changes))
        if row["withdrawn_at"] is not None:
            changes = {"reason": row["withdrawal_reason"]}
            rows.append(event("admin", "pact.withdrawn", row["withdrawn_at"], None, changes))
        if row["outcome"] is not None:
            after = {
                "outcome": row["outcome"].value,
                "outcome_on": row["outcome_on"],
                "note": row["outcome_note"],
                "document_sha256": None,
            }
            rows.append(
                event(
                    "admin", "pact.outcome_recorded", row["outcome_recorded_at"], None,
                    {"before": None, "after": after},
                )
            )  # fmt: skip
        return rows


class _RegencyPlan:
    """One regency's invented records, drawn from its own random generator."""

    def __init__(self, gen: _Generator, index: int, regency_id: int, values: dict[str, Any]):
        self.gen, self.index, self.regency_id, self.values = gen, index, regency_id, values
        # Invented data, never a secret: a seeded generator is what makes it repeatable.
        self.rng = random.Random(f"{gen.size.seed}:{index}")  # noqa: S311
        self.tz = ZoneInfo(str(values["timezone"]))
        self.today = local_today(gen.now, self.tz)
        self.agency_ids: list[int] = []

    def suffix(self, j: int) -> str:
        """Agencies past the list's end repeat its kinds, numbered."""
        return "" if j < len(_AGENCIES) else f"-{j // len(_AGENCIES) + 1}"

    def ladder(self) -> list[dict[str, Any]]:
        name = str(self.values["name"])
        return [
            {
                "regency_id": self.regency_id,
                "rung": rung,
                "name": person,
                "title": f"{title} {name}",
                "email": f"{mailbox}@{self.values['slug']}.demo",
                "locale": "id",
                "created_at": self.values["created_at"],
            }
            for rung, person, title, mailbox in data.DEMO_LADDER
        ]

    def agencies(self) -> list[dict[str, Any]]:
        rows = []
        for j in range(self.gen.size.agencies_per_regency):
            slug, kind, name = _AGENCIES[j % len(_AGENCIES)]
            suffix = self.suffix(j)
            rows.append(
                {
                    "regency_id": self.regency_id,
                    "slug": slug + suffix,
                    "name": f"{name}{suffix.replace('-', ' ')} (contoh)",
                    "kind": kind,
                    "is_demo": True,
                    "head_name": f"Kepala {name}{suffix.replace('-', ' ')} (contoh)",
                    "head_email": f"kepala-{slug}{suffix}@{self.values['slug']}.demo",
                    "created_at": self.values["created_at"],
                }
            )
        return rows

    def _years(self) -> list[int]:
        """The last four assessed years before this one (2020 had no assessment)."""
        years = [y for y in range(self.today.year - 1, 2014, -1) if y != 2020]
        return years[:4]

    def _unit_count(self, year: int) -> int:
        return min(4 if year <= 2021 else 7, len(self.agency_ids))

    def _unit_score(self, year: int, base: float) -> dict[str, Any]:
        if year < 2022:
            score = Decimal(str(max(0.0, min(100.0, self.rng.gauss(base, 9))))).quantize(TWO)
            return {"score": score}
        share = max(0.05, min(1.0, self.rng.gauss(base / 100, 0.1)))
        dims = {
            name: (top * Decimal(str(max(0.0, min(1.0, self.rng.gauss(share, 0.08)))))).quantize(
                TWO, ROUND_HALF_UP
            )
            for name, top in _DIMENSIONS
        }
        return {"score": sum(dims.values(), Decimal("0.00")), **dims}

    def assessments(self) -> list[dict[str, Any]]:
        self.units: list[dict[str, Any]] = []
        rows = []
        base = self.rng.uniform(45, 88)
        for year in sorted(self._years()):
            recorded = datetime.combine(date(year + 1, 1, 20), time(10), tzinfo=self.tz)
            common: dict[str, Any] = {
                "regency_id": self.regency_id,
                "year": year,
                "zone": None,
                "source": data.DEMO_SOURCE,
                "is_demo": True,
                "created_at": min(recorded.astimezone(UTC), self.gen.now),
            }
            base = max(20.0, min(97.0, base + self.rng.gauss(2, 5)))
            # Before 2021 only some regencies were surveyed each year (DOMAIN.md section 2.1).
            if year < 2021 and self.rng.random() < 0.2:
                rows.append({**common, "result": AssessmentResult.NOT_ASSESSED, "score": None})
                continue
            units = [self._unit_score(year, base) for _ in range(self._unit_count(year))]
            for agency_id, unit in zip(self.agency_ids, units, strict=False):
                self.units.append(
                    {
                        "agency_id": agency_id,
                        "year": year,
                        "result": AssessmentResult.SCORED,
                        "zone": None,
                        "source": data.DEMO_SOURCE,
                        "is_demo": True,
                        "created_at": common["created_at"],
                        **unit,
                    }
                )
            # The regency's score is the plain mean of its units' (Maluku Tenggara 2023).
            scores = [u["score"] for u in units] or [Decimal(str(base)).quantize(TWO)]
            mean = (sum(scores, Decimal(0)) / len(scores)).quantize(TWO, ROUND_HALF_UP)
            rows.append({**common, "result": AssessmentResult.SCORED, "score": mean})
        return rows

    def unit_results(self) -> list[dict[str, Any]]:
        return self.units

    def pacts(self) -> list[_PactPlan]:
        return [self._pact(j) for j in range(self.gen.size.agencies_per_regency)]

    def _pact(self, j: int) -> _PactPlan:
        rng, tz, today, now = self.rng, self.tz, self.today, self.gen.now
        _, _, agency_name = _AGENCIES[j % len(_AGENCIES)]
        undated = rng.random() < 0.01
        signed_on = None if undated else today - timedelta(days=rng.randint(1, 450))
        period = 6 if rng.random() < 0.05 else 3
        created_at = _at(signed_on, tz, 9, now) if signed_on else now - timedelta(days=30)
        row: dict[str, Any] = {
            "agency_id": None,
            "reference": f"rekaan-{j + 1:03d}",
            "signatory_name": f"{rng.choice(_FIRST_NAMES)} Contoh",
            "signatory_title": f"Kepala {agency_name}",
            "signed_on": signed_on,
            "period_months": period,
            "pledge": data.DEMO_PLEDGE,
            "sanction": data.DEMO_SANCTION,
            "witnesses": f"{DEMO_TEXT} Bupati, Sekretaris Daerah, Ombudsman, wartawan",
            "withdrawn_at": None,
            "withdrawal_reason": None,
            "source": data.DEMO_SOURCE,
            "outcome": None,
            "outcome_on": None,
            "outcome_note": None,
            "outcome_recorded_at": None,
            "is_demo": True,
            "created_at": created_at,
        }
        plan = _PactPlan(self, j, row)
        due = deadline(signed_on, period) if signed_on else None
        roll = rng.random()
        if signed_on and due and roll < 0.03 and (today - signed_on).days > 20:
            withdrawn_on = _between(rng, signed_on + timedelta(days=7), min(today, due))
            row["withdrawn_at"] = _at(withdrawn_on, tz, 11, now)
            row["withdrawal_reason"] = f"{DEMO_TEXT} OPD digabung dalam restrukturisasi."
        elif due and roll < 0.07 and (today - due).days > 7:
            outcome_on = _between(rng, due + timedelta(days=1), min(today, due + timedelta(60)))
            row["outcome"] = rng.choice(_OUTCOMES)
            row["outcome_on"] = outcome_on
            row["outcome_note"] = f"{DEMO_TEXT} Keputusan Bupati atas pakta ini."
            row["outcome_recorded_at"] = _at(outcome_on, tz, 13, now)
        elif due and roll < 0.09 and today > due:
            row["outcome"] = PactOutcome.NOT_RECORDED
            row["outcome_recorded_at"] = created_at
        elif due and roll < 0.17 and today >= due - timedelta(days=5):
            new = due + timedelta(days=rng.randint(30, 75))
            reason = f"{DEMO_TEXT} Perbaikan menunggu anggaran perubahan."
            plan.extension = (due, new, _at(due - timedelta(days=5), tz, 10, now), reason)
            due = new
        plan.findings = self._findings(plan, signed_on, due, created_at)
        # The facts tracker.pacts.stored keeps for pacts the services write.
        closed = [f for f in plan.findings if f.status is FindingStatus.CLOSED]
        last = max((f.decided_at for f in closed if f.decided_at), default=None)
        row.update(
            stored_values(
                signed_on=signed_on,
                period_months=period,
                extended_to=plan.extension[1] if plan.extension else None,
                withdrawn=row["withdrawn_at"] is not None,
                outcome=row["outcome"],
                total=len(plan.findings),
                closed=len(closed),
                unresolvable=sum(f.status is FindingStatus.UNRESOLVABLE for f in plan.findings),
                last_closed_on=local_today(last, tz) if last else None,
            )
        )
        return plan

    def _findings(
        self, plan: _PactPlan, signed_on: date | None, due: date | None, created_at: datetime
    ) -> list[_FindingPlan]:
        rng, tz, today, now = self.rng, self.tz, self.today, self.gen.now
        k = self.gen.size.findings_per_pact
        picked = rng.sample(self.gen.catalogue, min(k, len(self.gen.catalogue)))
        while len(picked) < k:
            picked.append(rng.choice(self.gen.catalogue))
        start = signed_on or (today - timedelta(days=30))
        passed = due is not None and today > due
        complete = rng.random() < (0.45 if passed else 0.12)
        late = rng.random() < 0.25
        statuses = [s for s, _ in _PARTIAL]
        weights = [w for _, w in _PARTIAL]
        findings = []
        for code, category, title in picked:
            f = _FindingPlan(plan, code, category, title, FindingStatus.OPEN, created_at)
            status = FindingStatus.CLOSED if complete else rng.choices(statuses, weights)[0]
            first = start + timedelta(days=3)
            if first >= today:
                findings.append(f)  # signed days ago: nothing done yet
                continue
            if status is FindingStatus.CLOSED:
                if due is not None and late and complete:
                    day = _between(rng, due + timedelta(days=1), min(today, due + timedelta(60)))
                elif due is not None:
                    day = _between(rng, first, min(today, due))
                else:
                    day = _between(rng, first, today)
                day = max(day, first)
                f.decided_at = _at(day, tz, 14, now)
                f.submitted_at = _at(day - timedelta(days=rng.randint(1, 3)), tz, 10, now)
                f.submitted_at = max(f.submitted_at, created_at)
                f.public = rng.random() < 0.3
            elif status in (FindingStatus.SUBMITTED, FindingStatus.RETURNED):
                day = _between(rng, max(first, today - timedelta(days=20)), today)
                f.submitted_at = max(_at(day, tz, 10, now), created_at)
                if status is FindingStatus.RETURNED:
                    f.decided_at = _at(min(today, day + timedelta(days=2)), tz, 15, now)
            elif status is FindingStatus.UNRESOLVABLE:
                f.decided_at = _at(_between(rng, first, today), tz, 11, now)
                f.unresolvable_reason = f"{DEMO_TEXT} Menunggu anggaran perubahan (APBD-P)."
            f.status = status
            if status not in (FindingStatus.OPEN, FindingStatus.UNRESOLVABLE):
                sent = f.submitted_at or _at(_between(rng, first, today), tz, 9, now)
                f.evidence = max(created_at, sent - timedelta(hours=2))
            findings.append(f)
        return findings


def generate(
    session: Session, *, size: Size, now: datetime, chunk_size: int = 20
) -> GenerateReport:
    """Write an invented country of ``size`` in bulk, ``chunk_size`` regencies at a time; flush.

    Refused (Conflict) on an install with real accounts (it is no demo) or one that already
    holds generated regencies (generate into an empty database, or drop it first).
    """
    if has_real_accounts(session):
        raise Conflict("This install has real accounts: invented data is never added to it.")
    taken = session.execute(
        select(Regency.slug).where(Regency.slug.like(f"{SLUG_PREFIX}%")).limit(1)
    ).first()
    if taken is not None:
        raise Conflict(
            f"This database already holds generated regencies ({taken.slug}): generate into an"
            " empty database."
        )
    report = _Generator(session, size, now).run(chunk_size)
    # One event for the whole generation: the public pages' ETags move with it.
    record(
        session, actor=None, action="demo.generated", target_type="install", target_id=0,
        regency_id=None, at=now,
        changes={"regencies": size.regencies, "agencies_per_regency": size.agencies_per_regency,
                 "findings_per_pact": size.findings_per_pact, "seed": size.seed},
    )  # fmt: skip
    session.flush()
    return report
