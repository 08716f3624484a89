"""The public sees each year as its source gives it: a score with the official label, a zone only,
"not assessed", a provisional scheme marked as such, a rank, and the notes given in general."""

from __future__ import annotations

import re
from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.office import Office
from tracker.assessments.models import AssessmentNote
from tracker.assessments.services import save_regency_result, save_unit_result
from tracker.clock import FixedClock


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str) -> dict[str, str]:
    return {y: _text(r) for y, r in re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', html, re.S)}


def test_every_kind_of_year_on_the_regency_page(
    client: FlaskClient, session: Session, office: Office, clock: FixedClock
) -> None:
    later: datetime = TEST_NOW.replace(year=2026)
    clock.set(later)

    def save(year: int, **values: object) -> None:
        arguments: dict[str, object] = {"result": None, "score": None, "zone": None}
        save_regency_result(
            session, actor=office.admin_x, regency_id=office.x.id, year=year, now=later,
            **(arguments | values),  # type: ignore[arg-type]
        )  # fmt: skip

    save(2018, score="57.69", rank=128, rank_of=199, source="Ombudsman RI")
    save(2019, zone="green")
    save(2020, result="not_assessed")
    save(2022, score="78.34")
    save(2025, score="20.00")
    session.add(
        AssessmentNote(
            regency_id=office.x.id,
            year=2018,
            text="Belum ada ruang bermain anak",
            applies_to="tujuh dinas yang menandatangani pakta",
            created_at=later,
        )
    )
    save_unit_result(
        session, actor=office.admin_x, agency_id=office.a.id, year=2025, result=None,
        score="88.00", zone=None, source=None, now=later,
    )  # fmt: skip
    session.commit()

    html = client.get(f"/kabupaten/{office.x.slug}").get_data(as_text=True)
    rows = _rows(html)
    assert "57,69" in rows["2018"] and "Kepatuhan Sedang" in rows["2018"]
    assert "peringkat 128 dari 199" in rows["2018"]
    assert "sumber tidak memberi nilai" in rows["2019"] and "Hijau" in rows["2019"]
    assert "tidak dinilai tahun ini" in rows["2020"]
    assert "B, Kualitas Tinggi Hijau" in rows["2022"] and "sementara" not in rows["2022"]
    assert "E, Kualitas Terendah Hitam sementara" in rows["2025"]
    notes = _text(html[html.index('id="notes-title"') :])
    assert "Belum ada ruang bermain anak" in notes
    assert "tujuh dinas yang menandatangani pakta" in notes

    english = client.get(f"/kabupaten/{office.x.slug}?lang=en").get_data(as_text=True)
    assert "rank 128 of 199" in _rows(english)["2018"]
    assert "provisional" in _rows(english)["2025"]
    unit = _rows(client.get(f"/opd/{office.a.id}?lang=id").get_data(as_text=True))
    assert "A, Kualitas Tertinggi Hijau sementara" in unit["2025"]
