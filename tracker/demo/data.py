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
KSB_2018_SOURCE = (
    "Hasil Penilaian Kepatuhan Standar Pelayanan Publik Ombudsman RI 2018 (sumber publik): "
    "nilai 57,69, zona kuning, peringkat 128 dari 199"
)
ASSESSMENTS = (
    ("sumbawa-barat", 2018, "57.69", KSB_2018_SOURCE),
    ("solok-selatan", 2021, "64.80", "Diskominfo Solok Selatan, 22 Februari 2023"),
    ("solok-selatan", 2022, "78.34", "Diskominfo Solok Selatan, 22 Februari 2023"),
    ("paser", 2023, "81.22", "Nomorsatukaltim, 7 September 2024"),
)
# The published rank of a regency's result: (regency slug, year) -> (rank, regencies ranked).
ASSESSMENT_RANKS = {("sumbawa-barat", 2018): (128, 199)}
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
# The Ombudsman NTB's notes "in general" on the seven dinas: notes of the regency's 2018
# assessment, not findings of each agency (DOMAIN.md section 2.2).
KSB_NOTES_YEAR = 2018
KSB_NOTES_APPLY_TO = (
    "Secara umum, tujuh dinas yang memberikan pelayanan langsung kepada masyarakat: DPMP-PTSP, "
    "Dikpora, Dinas Sosial, Lingkungan Hidup, Perhubungan, Nakertrans dan Dukcapil"
)
KSB_NOTES = (
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


# The regency-wide commitments the seed articles report. Fields say only what each article
# says: a day it does not give is None ("date not recorded"), a signatory it does not name is
# left out.
@dataclass(frozen=True)
class CommitmentSeed:
    regency: str
    kind: str
    title: str
    signed_on: str | None
    source: str
    signed_year: int | None = None
    place: str | None = None
    parties: str | None = None
    signatories: str | None = None
    commitments: str | None = None
    note: str | None = None
    target_kind: str | None = None
    target_year: int | None = None


SOLSEL_SOURCE = "Diskominfo Solok Selatan, 22 Februari 2023"
BARSEL_SOURCE = (
    'Berita "Pemkab Barsel Komitmen Tingkatkan Pelayanan Publik di Barsel" [tampetu], 22 Maret 2018'
)
PASER_SOURCE = "Nomorsatukaltim, 7 September 2024"
BABAR_SOURCE = (
    "Swakarya.com: Sekda Bangka Barat Langsung Fasilitasi Pendampingan Penilaian Kepatuhan "
    "oleh Ombudsman Babel, Juni 2021"
)

COMMITMENTS = (
    CommitmentSeed(
        "solok-selatan", "regency_pact", "Pakta Integritas Kepatuhan Pelayanan Publik",
        "2023-02-07", SOLSEL_SOURCE,
        place="Kantor Ombudsman RI Perwakilan Sumatera Barat, Padang",
        parties="Pemerintah Kabupaten Solok Selatan",
        signatories="Bupati Solok Selatan, H. Khairunas",
        commitments=(
            "Terus meningkatkan perolehan hasil penilaian kepatuhan standar pelayanan publik "
            "pada tahun berikutnya\n"
            "Melakukan perbaikan hingga penyempurnaan penyelenggaraan pelayanan publik dalam "
            "rangka mewujudkan pelayanan publik yang prima"
        ),
        note=(
            "Ditandatangani saat Bupati menerima penghargaan Kepatuhan Penyelenggaraan Pelayanan "
            "Publik Kualitas Tinggi (Zona Hijau) untuk penilaian 2022. Bupati: \"Dari dulunya "
            "kami dapatkan nilai merah, menjadi kuning, dan sekarang ... menjadi hijau\" "
            "(tahun nilai merah tidak disebutkan)."
        ),
        target_kind="improve", target_year=2023,
    ),
    CommitmentSeed(
        "barito-selatan", "mou",
        "MoU Peningkatan Kualitas Pelayanan Publik dan Pencegahan Maladministrasi",
        "2018-03-22", BARSEL_SOURCE,
        place="Aula Serbaguna Kantor Bupati Barito Selatan, Buntok",
        parties=(
            "Ombudsman Republik Indonesia Perwakilan Kalimantan Tengah\n"
            "Pemerintah Kabupaten Barito Selatan"
        ),
        signatories=(
            "Wakil Bupati Barito Selatan, Satya Titiek Atyani Djoedir\n"
            "Satuan Organisasi Perangkat Daerah (SOPD) Kabupaten Barito Selatan: kegiatan "
            "melibatkan hampir seluruh SOPD"
        ),
        commitments=(
            "Melaksanakan pelayanan publik sesuai Undang-Undang Nomor 25 Tahun 2009\n"
            "Keterbukaan dan kejelasan informasi pelayanan kepada masyarakat\n"
            "Mencegah maladministrasi, pungli dan suap dalam proses pelayanan publik\n"
            "Pendampingan oleh ORI Kalimantan Tengah untuk perbaikan pelayanan publik seluruh SOPD"
        ),
        note=(
            "Tindak lanjut MoU antara Ombudsman RI dan pemerintah kabupaten dan kota se-"
            "Kalimantan Tengah yang ditandatangani 19 Oktober 2017 di Aula Eka Pakat, Kantor "
            "Gubernur Kalimantan Tengah. Hadir Ketua ORI Wilayah Kalimantan Tengah, Thoeseng TT "
            "Asang."
        ),
    ),
    CommitmentSeed(
        "paser", "cooperation",
        "Kerja sama penilaian kepatuhan penyelenggaraan pelayanan publik dengan Ombudsman RI",
        None, PASER_SOURCE, signed_year=2024,
        parties="Pemerintah Kabupaten Paser\nOmbudsman Republik Indonesia",
        commitments=(
            "Kolaborasi dengan Ombudsman RI terkait penilaian kepatuhan penyelenggaraan "
            "pelayanan publik\n"
            "Menindaklanjuti langsung di daerah: tiap OPD terkait dikoordinasikan"
        ),
        note=(
            "Tanggal penandatanganan tidak disebutkan; diberitakan Sabtu, 7 September 2024. "
            "Saat penandatanganan, Ketua Ombudsman RI Mokhammad Najih meminta dukungan langsung "
            "kepala daerah dan kepala OPD. OPD yang akan dinilai: DPMPTSP, Disdukcapil, "
            "Disdikbud, Dinkes, Dinas Sosial, Puskesmas Senaken dan Puskesmas Kuaro."
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class EventSeed:
    regency: str
    kind: str
    title: str
    happened_on: str | None
    description: str
    source: str
    happened_year: int | None = None


EVENTS = (
    EventSeed(
        "bangka-barat", "mentoring",
        "Pendampingan penilaian kepatuhan 2021 oleh Ombudsman RI Perwakilan Kepulauan Bangka "
        "Belitung",
        "2021-06-03",
        "Tim Pendampingan Program Survei Penilaian Kepatuhan 2021 mendampingi seluruh OPD yang "
        "akan dinilai, difasilitasi Sekda Muhammad Sholeh dan Asisten III Ir. Herzon: evaluasi "
        "layanan dan memastikan informasi standar pelayanan publik sampai ke pelaksana teknis. "
        "Menurut artikel, Bangka Barat tiga tahun berturut-turut berpredikat zona kuning (tahun-"
        "tahunnya tidak disebutkan).",
        BABAR_SOURCE,
    ),
    EventSeed(
        "bangka-barat", "coordination", "Grup WhatsApp koordinasi dengan Ombudsman Babel", None,
        "Sebelum kunjungan pendampingan, komunikasi Pemkab Bangka Barat dengan tim Ombudsman "
        "berlangsung melalui grup WhatsApp (disampaikan Asisten III Ir. Herzon). Tanggal "
        "dibentuknya tidak disebutkan.",
        BABAR_SOURCE,
    ),
)  # fmt: skip
