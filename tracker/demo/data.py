"""The demo records. Facts come from the seed articles; anything invented is flagged is_demo."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.findings.rules import FindingCategory


@dataclass(frozen=True)
class AgencySeed:
    slug: str
    name: str
    kind: str
    is_demo: bool = False


@dataclass(frozen=True)
class RegencySeed:
    slug: str
    name: str
    province: str
    timezone: str
    agencies: tuple[AgencySeed, ...]


def _agencies(table: str, *, invented: bool = False) -> tuple[AgencySeed, ...]:
    """Read a table of agencies, one a line: slug, kind and name, apart by two or more spaces."""
    rows = (re.split(r"\s{2,}", line.strip(), maxsplit=2) for line in table.strip().splitlines())
    return tuple(AgencySeed(slug, name, kind, is_demo=invented) for slug, kind, name in rows)


# The agencies the seed articles name, by regency.
_SUMBAWA_BARAT = """
dpmptsp        dinas  Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)
dikpora        dinas  Dinas Pendidikan, Pemuda dan Olahraga (Dikpora)
dinsos         dinas  Dinas Sosial
dlh            dinas  Dinas Lingkungan Hidup
dishub         dinas  Dinas Perhubungan
disnakertrans  dinas  Dinas Tenaga Kerja dan Transmigrasi (Nakertrans)
disdukcapil    dinas  Dinas Kependudukan dan Pencatatan Sipil (Dukcapil)
"""
_PASER = """
dpmptsp            dinas      Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)
disdukcapil        dinas      Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil)
disdikbud          dinas      Dinas Pendidikan dan Kebudayaan (Disdikbud)
dinkes             dinas      Dinas Kesehatan (Dinkes)
dinsos             dinas      Dinas Sosial
puskesmas-senaken  puskesmas  Puskesmas Senaken
puskesmas-kuaro    puskesmas  Puskesmas Kuaro
"""
_SOLOK_SELATAN = """
disdukcapil             dinas      Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil)
dpm-ptsp                dinas      Dinas Penanaman Modal dan PTSP (DPM-PTSP)
disdik                  dinas      Dinas Pendidikan
dinkes                  dinas      Dinas Kesehatan
dinsos                  dinas      Dinas Sosial
puskesmas-lubuk-gadang  puskesmas  Puskesmas Lubuk Gadang
puskesmas-sungai-pagu   puskesmas  Puskesmas Sungai Pagu
"""
# The articles name no agencies of these two regencies: these are invented for the demo.
_BARITO_SELATAN = """
disdukcapil  dinas  Dinas Kependudukan dan Pencatatan Sipil
dpmptsp      dinas  Dinas Penanaman Modal dan PTSP
dinkes       dinas  Dinas Kesehatan
"""
_BANGKA_BARAT = """
disdukcapil  dinas  Dinas Kependudukan dan Pencatatan Sipil
dpmptsp      dinas  Dinas Penanaman Modal dan PTSP
dinsos       dinas  Dinas Sosial
"""

REGENCIES: tuple[RegencySeed, ...] = (
    RegencySeed("sumbawa-barat", "Kabupaten Sumbawa Barat", "Nusa Tenggara Barat", "Asia/Makassar",
                _agencies(_SUMBAWA_BARAT)),
    RegencySeed("paser", "Kabupaten Paser", "Kalimantan Timur", "Asia/Makassar", _agencies(_PASER)),
    RegencySeed("barito-selatan", "Kabupaten Barito Selatan", "Kalimantan Tengah", "Asia/Pontianak",
                _agencies(_BARITO_SELATAN, invented=True)),
    RegencySeed("solok-selatan", "Kabupaten Solok Selatan", "Sumatera Barat", "Asia/Jakarta",
                _agencies(_SOLOK_SELATAN)),
    RegencySeed("bangka-barat", "Kabupaten Bangka Barat", "Kepulauan Bangka Belitung",
                "Asia/Jakarta", _agencies(_BANGKA_BARAT, invented=True)),
)  # fmt: skip

# (regency slug, year, score, source); (regency, agency slug, year, score, source)
ASSESSMENTS = (
    ("solok-selatan", 2021, "64.80", "Diskominfo Solok Selatan, 22 Februari 2023"),
    ("solok-selatan", 2022, "78.34", "Diskominfo Solok Selatan, 22 Februari 2023"),
    ("paser", 2023, "81.22", "Nomorsatukaltim, 7 September 2024"),
)
UNIT_RESULTS = (
    ("solok-selatan", "disdukcapil", 2022, "90.10", "Diskominfo Solok Selatan, 22 Februari 2023"),
    ("solok-selatan", "dpm-ptsp", 2022, "86.02", "Diskominfo Solok Selatan, 22 Februari 2023"),
)

# The Sumbawa Barat pacts of 8 January 2019 (beritalima.com).
KSB_SIGNED_ON = "2019-01-08"
KSB_REFERENCE = "ksb-2019-01-08"
KSB_SOURCE = "beritalima.com: Tujuh Kadis Teken Pakta Integritas, 8 Januari 2019"
KSB_PLEDGE = (
    "Siap memperbaiki layanan publik sesuai standar dan mencapai nilai standar penilaian "
    "Ombudsman RI Perwakilan NTB dalam tiga bulan."
)
KSB_SANCTION = "Mengundurkan diri bila dalam tiga bulan tidak mampu memperbaiki layanan."
KSB_WITNESSES = (
    "Bupati Sumbawa Barat Dr. Ir. H. W. Musyafirin, M.M.; Sekda KSB; Asisten II dan III Setda KSB; "
    "wartawan sebagai pengawas"
)
# agency slug → (signatory title, signatory name if the article gives it)
KSB_SIGNATORIES = {
    "dpmptsp": ("Kepala DPMPTSP", None),
    "dikpora": ("Kepala Dinas Dikpora", None),
    "dinsos": ("Kepala Dinas Sosial", None),
    "dlh": ("Kepala Dinas Lingkungan Hidup", None),
    "dishub": ("Kepala Dinas Perhubungan", None),
    "disnakertrans": ("Kepala Dinas Nakertrans", "Ir. H. Muslimin, M.Si."),
    "disdukcapil": ("Kepala Dinas Dukcapil", None),
}
KSB_FINDINGS = (
    ("IN-FAC-PLAY", FindingCategory.INPUT, "Belum memiliki ruang bermain untuk anak"),
    ("IN-FAC-RAMP", FindingCategory.INPUT, "Belum memiliki akses jalan untuk warga disabilitas"),
    (
        "PR-INFO-SOP",
        FindingCategory.PROCESS,
        "SOP layanan dan informasi terkait layanan belum dapat diakses masyarakat",
    ),
)

DEMO_PLEDGE = (
    "(Contoh rekaan) Memperbaiki seluruh temuan hasil penilaian kepatuhan dalam tiga bulan."
)
DEMO_SANCTION = "(Contoh rekaan) Bersedia dievaluasi dan diganti oleh Bupati."
DEMO_SOURCE = "Data contoh rekaan untuk demonstrasi, bukan fakta."

# Invented for the demo (DEMO ONLY; the ".demo" addresses reach nobody): each regency's
# escalation ladder, as (rung, name, position, mailbox of "<mailbox>@<regency slug>.demo").
DEMO_LADDER = (
    (1, "Inspektur (contoh)", "Inspektur Daerah", "inspektorat"),
    (2, "Sekretaris Daerah (contoh)", "Sekretaris Daerah", "sekda"),
    (3, "Bupati (contoh)", "Bupati", "bupati"),
)


def demo_agency_head(regency_slug: str, agency: AgencySeed) -> tuple[str, str]:
    """Return an invented head (name, email) of a seed agency, flagged "(contoh)"."""
    return f"Kepala {agency.name} (contoh)", f"kepala-{agency.slug}@{regency_slug}.demo"


# DEMO ONLY. Every demo account (its email ends in ".demo", nothing else marks it) has this one
# password, printed by `flask --app tracker demo load` for anyone trying the app. Never load the
# demo into an install that real people use.
DEMO_PASSWORD = "pantau-demo-2024"  # noqa: S105 - published on purpose, demo accounts only
DEMO_SUPERADMIN_EMAIL = "superadmin@pantau.demo"
