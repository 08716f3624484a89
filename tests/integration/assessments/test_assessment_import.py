"""A year's results as a spreadsheet: template, export, upload → preview → commit all or nothing.

Export then import changes nothing (XLSX and CSV); the same file twice changes nothing; every
malformed file is refused with a reason and stores nothing, through the pages and the API."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.assessments.test_assessment_pages import BOUNDARIES
from tests.integration.auth_helpers import api_token
from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page
from tests.integration.workflow import snapshot
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.queries import regency_results
from tracker.assessments.services import save_regency_result, save_unit_result
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock

LATER = TEST_NOW.replace(year=2026)
TABLES = ("assessments", "unit_results", "audit_events")
HEADER = "year,agency,result,score,zone,rank,rank_of,input_score,source,note"


@pytest.fixture(autouse=True)
def in_2026(clock: FixedClock) -> None:
    clock.set(LATER)


def page_url(office: Office) -> str:
    return f"/staf/penilaian/{office.x.slug}/impor"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode()


def xlsx_file(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client: FlaskClient, office: Office, data: bytes, name: str = "hasil.csv"):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        page_url(office),
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def outcomes(page: str) -> dict[int, str]:
    """Row number → outcome, as the preview lists them."""
    return {
        int(line): outcome
        for line, outcome in re.findall(r'data-line="(\d+)" data-outcome="(\w+)"', page)
    }


def commit(client: FlaskClient, office: Office, preview_page: str):  # type: ignore[no-untyped-def]
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_page)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview_page)
    assert token and csrf, "the preview offers no save button"
    return client.post(
        f"{page_url(office)}/simpan", data={"csrf_token": csrf.group(1), "token": token.group(1)}
    )


def record_some(session: Session, office: Office) -> None:
    """2023 as recorded by hand: the regency scored with its rank, A scored, B zone only."""
    common = {"actor": office.admin_x, "year": 2023, "now": LATER}
    save_regency_result(
        session, regency_id=office.x.id, result="scored", score="81.22", zone=None,
        rank="3", rank_of="10", note="Catatan umum: =tidak ada ruang laktasi", source="-Ombudsman",
        **common,  # type: ignore[arg-type]
    )  # fmt: skip
    save_unit_result(
        session, agency_id=office.a.id, result="scored", score="78.30", zone=None,
        input_score="20.10", process_score="30.00", output_score="20.20",
        complaints_score="8.00", source="Laporan 2023", **common,  # type: ignore[arg-type]
    )  # fmt: skip
    save_unit_result(
        session, agency_id=office.b.id, result="zone_only", score=None, zone="yellow",
        **common,  # type: ignore[arg-type]
    )  # fmt: skip
    session.commit()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(
    app: Flask, session: Session, office: Office, fmt: str
) -> None:
    record_some(session, office)
    client = client_of(app, office.admin_x)
    response = client.get(f"/staf/penilaian/{office.x.slug}/2023/ekspor.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    before = snapshot(session, TABLES)
    page = upload(client, office, response.data, f"x.{fmt}").get_data(as_text=True)
    assert outcomes(page) == {2: "unchanged", 3: "unchanged", 4: "unchanged"}
    assert "data-nothing-to-save" in page
    assert 'name="token"' not in page
    assert snapshot(session, TABLES) == before


def test_a_filled_template_is_previewed_then_saved_and_the_second_time_changes_nothing(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    template = client.get(f"/staf/penilaian/{office.x.slug}/2023/templat.xlsx")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    assert workbook.sheetnames == ["hasil", "petunjuk"]
    sheet = workbook["hasil"]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 4  # the header, the regency's row, one per agency of regency X
    # Fill in the regency's score (Excel number), A's as text with a comma, leave B blank.
    rows = {sheet.cell(row=r, column=header.index("agency") + 1).value: r for r in (2, 3, 4)}
    sheet.cell(row=rows[None], column=header.index("score") + 1).value = 78.0
    sheet.cell(row=rows[office.a.slug], column=header.index("score") + 1).value = "77,99"
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()

    page = upload(client, office, data, "isi.xlsx").get_data(as_text=True)
    assert sorted(outcomes(page).values()) == ["new", "new", "skipped"]
    assert session.execute(select(Assessment)).first() is None, "a preview writes nothing"
    done = commit(client, office, page)
    assert done.status_code == 302
    (result,) = regency_results(session, office.x.id)
    assert (result.score, result.grade) == (Decimal("78.00"), "B")
    unit = session.execute(select(UnitResult)).scalar_one()
    assert unit.score == Decimal("77.99")
    (imported,) = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.imported")
    ).all()
    assert imported.changes is not None
    assert (imported.changes["new"], imported.changes["year"]) == (2, 2023)

    before = snapshot(session, TABLES)
    again = upload(client, office, data, "isi.xlsx").get_data(as_text=True)
    assert sorted(outcomes(again).values()) == ["skipped", "unchanged", "unchanged"]
    assert snapshot(session, TABLES) == before


def test_a_change_is_shown_before_it_is_saved(app: Flask, session: Session, office: Office) -> None:
    record_some(session, office)
    client = client_of(app, office.admin_x)
    # Semicolons and decimal commas, as Excel saves a CSV with Indonesian settings.
    data = f"tahun;opd;nilai\n2023;{office.a.name.upper()};81,22\n".encode()
    page = upload(client, office, data).get_data(as_text=True)
    assert outcomes(page) == {2: "changed"}
    assert re.search(r'data-column="score"><code>score</code>: 78,30 → 81,22', page)
    assert commit(client, office, page).status_code == 302
    unit = session.get(UnitResult, session.execute(select(UnitResult.id).where(
        UnitResult.agency_id == office.a.id)).scalar_one())  # fmt: skip
    assert unit is not None
    # The columns the file left out (dimension scores, source) keep what was recorded.
    assert (unit.score, unit.input_score, unit.source) == (
        Decimal("81.22"),
        Decimal("20.10"),
        "Laporan 2023",
    )


MALFORMED = [
    pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "neither", id="a-pdf"),
    pytest.param(b"name,address\nBudi,Taliwang\n", "no column of the format", id="another-csv"),
    pytest.param(b"PK\x03\x04 broken zip", "could not be read", id="a-broken-xlsx"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither", id="a-png"),
    pytest.param(csv_file("2023,,scored", header="year,agency,result"), "“score” is missing",
                 id="a-missing-column"),
    pytest.param(csv_file("2023,,,tinggi"), "row 2", id="text-in-a-score"),
    pytest.param(csv_file("2023,dinsos,,80", "2023,DINSOS ,,81"), "first on row 2",
                 id="a-duplicate-row"),
    pytest.param(csv_file("2023,Dinas Pariwisata,,80"), "Dinas Pariwisata", id="unknown-agency"),
    pytest.param(csv_file("2023,,,78.001"), "two decimals", id="three-decimals"),
    pytest.param(csv_file("2023,,,100.01"), "0 to 100", id="over-100"),
    pytest.param(csv_file("2020,,,70"), "no assessment scheme", id="a-year-without-a-scheme"),
    pytest.param(csv_file("2023,,,70", "2022,dinsos,,70"), "one year", id="two-years"),
    pytest.param(xlsx_file([["year", "agency", "score"], [2023, None, 78.339999]]),
                 "two decimals", id="excel-number-with-six-decimals"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "reason"), MALFORMED)
def test_a_malformed_file_is_refused_with_its_reason_and_stores_nothing(
    app: Flask, session: Session, office: Office, upload_folder: Path, data: bytes, reason: str
) -> None:
    client = client_of(app, office.admin_x)
    before = snapshot(session, TABLES)
    response = client.post(
        f"{page_url(office)}?lang=en",
        data={
            "csrf_token": re.search(  # type: ignore[union-attr]
                r'name="csrf_token" type="hidden" value="([^"]+)"',
                read_page(client, page_url(office) + "?lang=en"),
            ).group(1),
            "file": (io.BytesIO(data), "hasil.xlsx"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422), page[:500]
    if response.status_code == 200:
        # A readable file with refused rows: the preview names each, and offers no save.
        assert 'data-outcome="error"' in page
        assert 'name="token"' not in page
        if reason == "row 2":
            assert 'data-line="2" data-outcome="error"' in page
        else:
            assert reason in page.replace("&#34;", '"'), page
    else:
        assert reason in page, page
    assert snapshot(session, TABLES) == before
    # Nothing is kept for a file that cannot be saved.
    assert not (upload_folder / "imports").exists() or not any(
        (upload_folder / "imports").rglob("*")
    )


def test_the_same_errors_in_indonesian(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    page = upload(client, office, csv_file("2023,Dinas Pariwisata,,80")).get_data(as_text=True)
    assert "tidak ada OPD “Dinas Pariwisata”" in page


def test_an_upload_over_the_size_limit_is_refused_on_the_upload_page(
    app: Flask, session: Session, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_of(app, office.admin_x)
    token = re.search(  # type: ignore[union-attr]
        r'name="csrf_token" type="hidden" value="([^"]+)"', read_page(client, page_url(office))
    ).group(1)
    # Small limits: the bodies stay in memory (werkzeug spools large ones to disk).
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 4096)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8192)
    before = snapshot(session, TABLES)
    # Just over the file limit (the view refuses it), then over the request limit (Flask does).
    for size in (5000, 20_000):
        data = csv_file(*(["2023,,,80"] * (size // 10)))
        response = client.post(
            page_url(office),
            data={"csrf_token": token, "file": (io.BytesIO(data), "besar.csv")},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 413
        assert 'id="file-error"' in page, "the refusal is shown beside the file field"
        assert 'enctype="multipart/form-data"' in page, "the upload form is still there"
    assert snapshot(session, TABLES) == before


def test_a_forged_or_stale_token_saves_nothing(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    page = upload(client, office, csv_file("2023,,,80")).get_data(as_text=True)
    forged = page.replace(
        'name="token" type="hidden" value="', 'name="token" type="hidden" value="x'
    )
    response = commit(client, office, forged)
    assert response.status_code == 302
    assert session.execute(select(Assessment)).first() is None
    # The records change between the preview and the save: a new preview, nothing saved.
    save_regency_result(
        session, actor=office.admin_x, regency_id=office.x.id, year=2023, result="scored",
        score="70", zone=None, now=LATER,
    )  # fmt: skip
    session.commit()
    moved = commit(client, office, page)
    assert moved.status_code == 409
    assert outcomes(moved.get_data(as_text=True)) == {2: "changed"}
    assert session.execute(select(Assessment.score)).scalar_one() == Decimal("70.00")
    # Another regency's admin cannot use the preview.
    other = client_of(app, office.admin_y)
    assert commit(other, office, page).status_code in (400, 403)
    assert session.execute(select(Assessment.score)).scalar_one() == Decimal("70.00")


@pytest.mark.parametrize("persona", ["observer_x", "opd_a", "admin_y"])
def test_others_cannot_import_or_export(
    app: Flask, session: Session, office: Office, persona: str
) -> None:
    client = client_of(app, office.user(persona))
    assert client.get(page_url(office)).status_code == 403
    assert client.get(f"/staf/penilaian/{office.x.slug}/2023/ekspor.csv").status_code == 403


# --- the API ---------------------------------------------------------------------------------


def api_import(client: FlaskClient, token: str | None, data: bytes, query: str = "", **form: str):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        f"/api/v1/assessments/import{query}",
        data={"file": (io.BytesIO(data), "hasil.csv"), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("score", "grade"), [("77.99", "C"), ("78.00", "B"), ("78,00", "B")])
def test_the_api_previews_then_commits_across_a_boundary(
    client: FlaskClient, session: Session, office: Office, score: str, grade: str
) -> None:
    token = api_token(session, office.admin_x, LATER)
    data = csv_file(f'2023,,,"{score}"')
    before = snapshot(session, TABLES)
    preview = api_import(client, token, data, "?preview=true")
    assert preview.status_code == 200
    body = preview.get_json()
    assert body["committed"] is False
    assert body["rows"] == [
        {"line": 2, "agency": None, "agency_id": None, "outcome": "new",
         "changes": {"result": [None, "scored"], "score": [None, score.replace(",", ".")]}},
    ]  # fmt: skip
    assert snapshot(session, TABLES) == before
    done = api_import(client, token, data)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["committed"] is True
    (result,) = regency_results(session, office.x.id)
    assert result.grade == grade
    again = api_import(client, token, data).get_json()
    assert again["committed"] is False
    assert again["counts"]["unchanged"] == 1


def test_the_api_refuses_a_file_with_errors_as_problem_json_with_every_row(
    client: FlaskClient, session: Session, office: Office
) -> None:
    token = api_token(session, office.admin_x, LATER)
    before = snapshot(session, TABLES)
    response = api_import(client, token, csv_file("2023,,,80", "2023,Dinas Pariwisata,,80"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert [row["outcome"] for row in body["rows"]] == ["new", "error"]
    assert "Dinas Pariwisata" in body["rows"][1]["errors"]["agency"]
    assert snapshot(session, TABLES) == before
    not_a_sheet = api_import(client, token, b"%PDF-1.4 nothing")
    assert not_a_sheet.status_code == 422
    assert not_a_sheet.mimetype == "application/problem+json"
    assert not_a_sheet.get_json()["invalid_params"][0]["name"] == "file"
    assert snapshot(session, TABLES) == before


@pytest.mark.parametrize("persona", ["observer_x", "opd_a", "admin_y"])
def test_the_api_refuses_other_accounts(
    client: FlaskClient, session: Session, office: Office, persona: str
) -> None:
    token = api_token(session, office.user(persona), LATER)
    response = api_import(client, token, csv_file("2023,,,80"), regency=office.x.slug)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert api_import(client, None, csv_file("2023,,,80")).status_code == 401


@pytest.mark.parametrize(("year", "score", "zone", "grade"), BOUNDARIES)
def test_every_boundary_through_the_import(
    client: FlaskClient, session: Session, office: Office, year: int, score: str, zone: str,
    grade: str | None,
) -> None:  # fmt: skip
    token = api_token(session, office.admin_x, LATER)
    # The score as Indonesians write it, in a semicolon CSV as Excel saves it.
    data = f"tahun;opd;nilai\n{year};;{score.replace('.', ',')}\n".encode()
    response = api_import(client, token, data)
    assert response.status_code == 200, response.get_json()
    (result,) = regency_results(session, office.x.id)
    assert (result.score, result.zone and result.zone.value, result.grade) == (
        Decimal(score),
        zone,
        grade,
    )
