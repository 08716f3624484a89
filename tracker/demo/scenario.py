"""What the demo's pacts lived through: the seed pacts as reported, invented ones for each status.

A plan says what happened, and on which local day; ``demo.history`` makes it happen through the
services. The invented pacts are dated relative to each regency's today, so every status shows
whenever the demo is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tracker.demo import data
from tracker.findings.rules import FindingCategory
from tracker.pacts.rules import PactOutcome, deadline


@dataclass(frozen=True)
class FindingPlan:
    """A finding of a pact: open, sent for verification two days ago, or approved on a day."""

    code: str
    title: str
    # None: the category the finding catalogue gives the code.
    category: FindingCategory | None = None
    submitted: bool = False
    closed_on: date | None = None

    @property
    def worked_on(self) -> bool:
        """Tell whether the agency sent evidence for this finding (its OPD account did)."""
        return self.submitted or self.closed_on is not None


@dataclass(frozen=True)
class PactPlan:
    """A pact as signed, its findings, and what the regent's office did to it afterwards."""

    regency: str
    agency: str
    reference: str
    signatory_name: str | None
    signatory_title: str
    signed_on: date | None
    findings: tuple[FindingPlan, ...]
    pledge: str = data.DEMO_PLEDGE
    sanction: str = data.DEMO_SANCTION
    witnesses: str | None = None
    source: str = data.DEMO_SOURCE
    is_demo: bool = True
    extended_to: date | None = None
    extension_reason: str | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None
    # The recorded outcome: the regent's decision on a day, or NOT_RECORDED (no day) for a
    # pact whose source reports no end.
    outcome: PactOutcome | None = None
    outcome_on: date | None = None
    outcome_note: str | None = None


def seed_pacts() -> list[PactPlan]:
    """Describe the seven Sumbawa Barat pacts of 8 January 2019, as the article reports them.

    The article gives the Ombudsman's notes only "in general" (they are notes of the regency's
    assessment, ``data.KSB_NOTES``), not findings of each agency, and says nothing of how the
    pacts ended: no findings, and the outcome is "not recorded".
    """
    signed = PactPlan(
        "sumbawa-barat", "", data.KSB_REFERENCE, None, "", date.fromisoformat(data.KSB_SIGNED_ON),
        (), pledge=data.KSB_PLEDGE, sanction=data.KSB_SANCTION,
        witnesses=data.KSB_WITNESSES, source=data.KSB_SOURCE, is_demo=False,
        outcome=PactOutcome.NOT_RECORDED,
    )  # fmt: skip
    return [
        replace(signed, agency=agency, signatory_title=title, signatory_name=name)
        for agency, (title, name) in data.KSB_SIGNATORIES.items()
    ]


def _open(code: str, title: str) -> FindingPlan:
    return FindingPlan(code, title)


def _sent(code: str, title: str) -> FindingPlan:
    return FindingPlan(code, title, submitted=True)


def _closed(code: str, title: str, on: date) -> FindingPlan:
    return FindingPlan(code, title, closed_on=on)


def demo_pacts(today_in: Mapping[str, date]) -> list[PactPlan]:
    """Describe the invented pacts, one or more for each status, relative to local today."""
    paser, barsel = today_in["paser"], today_in["barito-selatan"]
    solsel, babar = today_in["solok-selatan"], today_in["bangka-barat"]
    days, months = timedelta(days=1), relativedelta(months=1)
    extended_signed = paser - 100 * days
    fulfilled_signed = solsel - 5 * months
    late_signed = babar - 6 * months
    return [
        PactPlan(
            "paser", "disdukcapil", "demo-on-track", "Rina Contoh", "Kepala Disdukcapil",
            paser - 20 * days,
            (
                _closed("IN-FAC-PRIORITY", "Belum ada loket dan kursi prioritas", paser - 3 * days),
                _open("PR-INFO-TIME", "Jangka waktu penyelesaian belum dipajang"),
                _open("CO-LAPOR", "Belum terhubung dengan SP4N-LAPOR!"),
            ),
        ),
        PactPlan(
            "paser", "dinkes", "demo-due-soon", "Agus Contoh", "Kepala Dinas Kesehatan",
            paser + 10 * days - 3 * months,
            (
                _sent("IN-FAC-LACTATION", "Belum ada ruang laktasi"),
                _open("PR-INFO-COST", "Informasi biaya/gratis belum dipajang"),
            ),
        ),
        PactPlan(
            "paser", "dpmptsp", "demo-extended", "Dewi Contoh", "Kepala DPMPTSP", extended_signed,
            (
                _open("IN-FAC-RAMP", "Belum ada bidang miring (ramp) di pintu masuk"),
                _closed(
                    "PR-MAKLUMAT", "Maklumat pelayanan belum ditandatangani",
                    extended_signed + 30 * days,
                ),
            ),
            extended_to=paser + 30 * days,
            extension_reason="(Contoh rekaan) Pembangunan ramp menunggu anggaran perubahan.",
        ),
        PactPlan(
            "barito-selatan", "dpmptsp", "demo-overdue", "Yusuf Contoh", "Kepala DPMPTSP",
            barsel - 4 * months,
            (
                _open("IN-FAC-PLAY", "Belum ada pojok bermain anak"),
                _sent("PR-INFO-SOP", "SOP layanan belum dipajang"),
                _closed("CO-REGISTER", "Belum ada buku register pengaduan", barsel - 3 * months),
            ),
        ),
        PactPlan(
            "barito-selatan", "dinkes", "demo-undated", "Maria Contoh", "Kepala Dinas Kesehatan",
            None, (_open("IN-FAC-TOILET", "Belum ada toilet ramah disabilitas"),),
        ),
        PactPlan(
            "solok-selatan", "dinsos", "demo-fulfilled", "Hendra Contoh", "Kepala Dinas Sosial",
            fulfilled_signed,
            (
                _closed(
                    "IN-FAC-WHEELCHAIR", "Belum tersedia kursi roda", fulfilled_signed + 40 * days
                ),
                _closed(
                    "PR-ONLINE", "Informasi layanan belum dipublikasikan daring",
                    fulfilled_signed + 75 * days,
                ),
            ),
        ),
        PactPlan(
            "bangka-barat", "disdukcapil", "demo-fulfilled-late", "Lina Contoh",
            "Kepala Disdukcapil", late_signed,
            (
                _closed(
                    "IN-STAFF-ID", "Petugas belum memakai tanda pengenal", late_signed + 20 * days
                ),
                _closed(
                    "CO-SOP", "Belum ada SK dan SOP pengelolaan pengaduan",
                    deadline(late_signed, 3) + 12 * days,
                ),
            ),
        ),
        PactPlan(
            "paser", "dinsos", "demo-decided", "Sari Contoh", "Kepala Dinas Sosial",
            paser - 5 * months,
            (_open("PR-INFO-REQUIREMENTS", "Persyaratan layanan belum dipajang"),),
            outcome=PactOutcome.REPRIMAND, outcome_on=paser - 15 * days,
            outcome_note="(Contoh rekaan) Teguran tertulis dari Bupati.",
        ),
        PactPlan(
            "solok-selatan", "dinkes", "demo-not-recorded", "Yanti Contoh",
            "Kepala Dinas Kesehatan", solsel - 14 * months,
            (_open("IN-FAC-SAFETY", "Belum ada alat pemadam kebakaran"),),
            outcome=PactOutcome.NOT_RECORDED,
        ),
        PactPlan(
            "bangka-barat", "dinsos", "demo-withdrawn", "Rudi Contoh", "Kepala Dinas Sosial",
            babar - 2 * months, (_open("IN-FAC-WAITING", "Ruang tunggu belum layak"),),
            withdrawn_on=babar - 10 * days,
            withdrawal_reason="(Contoh rekaan) OPD digabung dalam restrukturisasi.",
        ),
    ]  # fmt: skip


def working_agencies(plans: list[PactPlan]) -> set[tuple[str, str]]:
    """Return the (regency, agency) slugs whose staff sent evidence for some finding."""
    return {(p.regency, p.agency) for p in plans if any(f.worked_on for f in p.findings)}
