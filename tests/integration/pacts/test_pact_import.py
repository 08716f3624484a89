"""The regency's pacts with their findings from a spreadsheet: preview, then all or nothing.

Through /staf/pakta/impor and POST /api/v1/pacts/import: a file is previewed pact by pact, its
new pacts recorded with their findings (audited as on the form), the same file twice changes
nothing, export then import changes nothing, and every malformed file stores nothing."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import api_token
from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page
from tests.integration.workflow import snapshot
from tracker.audit.models import AuditEvent
from tracker.findings.models import Finding
from tracker.pacts.models import Pact

PAGE = "/staf/pakta/impor"
TABLES = ("pacts", "findings", "audit_events")
HEADER = (
    "reference,agency,signatory_title,signatory_name,signed_on,pledge,finding_title,"
    "finding_category"
)


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode()


def good_file() -> bytes:
    """Two pacts of dinsos (two findings, then none) and one of dukcapil (one finding)."""
    return csv_file(
        "800/12/2019,dinsos,Kepala Dinas Sosial,Budi,2019-01-10,Kami berjanji,Tanpa papan,input",
        "800/12/2019,dinsos,Kepala Dinas Sosial,Budi,2019-01-10,Kami berjanji,Tanpa SOP,process",
        "800/13/2019,dinsos,Kepala Dinas Sosial,,,Kami berjanji lagi,,",
        "470/1/2019,dukcapil,Kepala Dinas,Sari,05/02/2019,Kami siap,Tanpa kotak saran,pengaduan",
    )


def xlsx_file(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client: FlaskClient, data: bytes, name: str = "pakta.csv", lang: str = ""):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        PAGE + lang,
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def outcomes(page: str) -> dict[int, str]:
    return {
        int(line): outcome
        for line, outcome in re.findall(r'data-line="(\d+)" data-outcome="(\w+)"', page)
    }


def commit(client: FlaskClient, preview_page: str):  # type: ignore[no-untyped-def]
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_page)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview_page)
    assert token and csrf, "the preview offers no save button"
    return client.post(
        f"{PAGE}/simpan", data={"csrf_token": csrf.group(1), "token": token.group(1)}
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_file_is_previewed_then_recorded_and_the_second_time_changes_nothing(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = snapshot(session, TABLES)
    page = upload(client, good_file()).get_data(as_text=True)
    assert outcomes(page) == {2: "new", 4: "new", 5: "new"}
    assert snapshot(session, TABLES) == before, "a preview writes nothing"
    response = commit(client, page)
    assert response.status_code == 302
    pacts = {p.reference: p for p in session.scalars(select(Pact))}
    assert set(pacts) == {"800/12/2019", "800/13/2019", "470/1/2019"}
    first = pacts["800/12/2019"]
    assert first.agency_id == office.a.id and first.signed_on == date(2019, 1, 10)
    assert first.signatory_name == "Budi" and first.period_months == 3
    assert [(f.title, f.category.value) for f in first.findings] == [
        ("Tanpa papan", "input"),
        ("Tanpa SOP", "process"),
    ]
    assert pacts["800/13/2019"].signed_on is None and not pacts["800/13/2019"].findings
    assert pacts["470/1/2019"].signed_on == date(2019, 2, 5)
    assert pacts["470/1/2019"].findings[0].category.value == "complaints"
    # Audited as on the form, and the import itself once.
    actions = [a for (a,) in session.execute(select(AuditEvent.action))]
    assert actions.count("pact.recorded") == 3
    assert actions.count("finding.recorded") == 3
    assert actions.count("pact.imported") == 1
    # The same file again: every pact unchanged, nothing to save, nothing written.
    after = snapshot(session, TABLES)
    again = upload(client, good_file()).get_data(as_text=True)
    assert outcomes(again) == {2: "unchanged", 4: "unchanged", 5: "unchanged"}
    assert 'name="token"' not in again
    assert snapshot(session, TABLES) == after


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(
    app: Flask, session: Session, office: Office, fmt: str
) -> None:
    client = client_of(app, office.admin_x)
    commit(client, upload(client, good_file()).get_data(as_text=True))
    exported = client.get(f"{PAGE}/ekspor.{fmt}")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    before = snapshot(session, TABLES)
    page = upload(client, exported.data, f"x.{fmt}").get_data(as_text=True)
    assert set(outcomes(page).values()) == {"unchanged"}
    assert len(outcomes(page)) == 3
    assert snapshot(session, TABLES) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_filled_in_is_recorded(
    app: Flask, session: Session, office: Office, fmt: str
) -> None:
    client = client_of(app, office.admin_x)
    template = client.get(f"{PAGE}/templat.{fmt}")
    assert template.status_code == 200
    # The template as downloaded: every row skipped, nothing to save.
    page = upload(client, template.data, f"t.{fmt}").get_data(as_text=True)
    assert set(outcomes(page).values()) == {"skipped"}
    # Indonesian headers, an Excel date, a decimal-free month count: read as the English ones.
    data = xlsx_file(
        [
            ["Nomor Pakta", "OPD", "Jabatan", "Tanggal", "Jangka Waktu", "Janji", "Temuan",
             "Kategori"],
            ["P-1", office.a.name, "Kepala", date(2019, 3, 1), 6.0, "Janji", "Antrean", "Proses"],
        ]
    )  # fmt: skip
    page = upload(client, data, "isi.xlsx").get_data(as_text=True)
    assert outcomes(page) == {2: "new"}
    commit(client, page)
    pact = session.scalars(select(Pact)).one()
    assert (pact.signed_on, pact.period_months, pact.findings[0].category.value) == (
        date(2019, 3, 1),
        6,
        "process",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "neither an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "neither an Excel workbook"),
        (b"warna,umur\nmerah,40\n", "not a pacts spreadsheet"),
        (
            csv_file(
                "P-1,dinsos,Kepala,,,Janji,,",
                header="reference,agency,signatory_title,signatory_name,signed_on,x,y,z",
            ),
            "The column “pledge” is missing",
        ),
        (csv_file("P-1,atlantis,Kepala,,,Janji,Temuan,input"), "no agency “atlantis”"),
        (csv_file("P-1,dinsos,Kepala,,31/02/2019,Janji,Temuan,input"), "not a date"),
        (csv_file("P-1,dinsos,Kepala,,2030-01-01,Janji,Temuan,input"), "cannot be in the future"),
        (
            csv_file(
                "P-1,dinsos,Kepala,,,Janji,Temuan,input", "P-1,dinsos,Kepala,,,Janji,Temuan,input"
            ),
            "the same finding twice",
        ),
        (
            csv_file(
                "P-1,dinsos,Kepala,,,Janji,Temuan,input", "P-1,dinsos,Sekretaris,,,Janji,Lain,input"
            ),
            "differs from the pact",
        ),
        (csv_file("P-1,dinsos,Kepala,,,Janji,Temuan,warna"), "not a category"),
        (csv_file(",dinsos,Kepala,,,Janji,Temuan,input"), "needs its reference"),
        (csv_file("P-1,dinsos,,,,Janji,Temuan,input"), "title is required"),
    ],
)
def test_a_malformed_file_is_refused_with_its_reason_and_stores_nothing(
    app: Flask, session: Session, office: Office, upload_folder: Path, data: bytes, reason: str
) -> None:
    client = client_of(app, office.admin_x)
    # A good pact beside the bad one: it is not recorded either.
    if data.startswith(b"reference"):
        data += b"OK-1,dukcapil,Kepala,,,Janji,Temuan baik,input\n"
    before = snapshot(session, TABLES)
    response = upload(client, data, "pakta.xlsx", lang="?lang=en")
    page = response.get_data(as_text=True).replace("&#34;", '"')
    assert response.status_code in (200, 422), page[:500]
    assert reason in page, page
    assert 'name="token"' not in page
    if response.status_code == 200:
        assert 'data-outcome="error"' in page
    assert snapshot(session, TABLES) == before
    assert not (upload_folder / "imports").exists() or not any(
        (upload_folder / "imports").rglob("*")
    )


def test_a_recorded_pact_with_other_values_is_refused(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    commit(client, upload(client, good_file()).get_data(as_text=True))
    before = snapshot(session, TABLES)
    changed = good_file().replace(b"Tanpa SOP", b"Tanpa SOP pelayanan")
    page = upload(client, changed, lang="?lang=en").get_data(as_text=True)
    assert outcomes(page)[2] == "error"
    assert "recorded with other values (findings)" in page
    assert snapshot(session, TABLES) == before


def test_an_upload_over_the_size_limit_is_refused_on_the_upload_page(
    app: Flask, session: Session, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_of(app, office.admin_x)
    token = re.search(  # type: ignore[union-attr]
        r'name="csrf_token" type="hidden" value="([^"]+)"', read_page(client, PAGE)
    ).group(1)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 4096)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8192)
    before = snapshot(session, TABLES)
    for size in (5000, 20_000):
        line = "P-1,dinsos,Kepala,,,Janji,Temuan,input"
        data = csv_file(*([line] * (size // len(line))))
        response = client.post(
            PAGE,
            data={"csrf_token": token, "file": (io.BytesIO(data), "besar.csv")},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 413
        assert 'id="file-error"' in page, "the refusal is shown beside the file field"
        assert 'enctype="multipart/form-data"' in page
    assert snapshot(session, TABLES) == before


def test_a_forged_or_moved_preview_saves_nothing(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    page = upload(client, good_file()).get_data(as_text=True)
    forged = page.replace(
        'name="token" type="hidden" value="', 'name="token" type="hidden" value="x'
    )
    assert commit(client, forged).status_code == 302
    assert count(session, Pact) == 0
    # Another admin's session cannot use this preview.
    other = client_of(app, office.admin_y)
    assert commit(other, page).status_code in (302, 400, 403)
    assert count(session, Pact) == 0
    # Someone records one of the file's pacts between the preview and the save: nothing saved.
    fresh = client_of(app, office.admin_x)
    one = upload(fresh, csv_file(good_file().decode().splitlines()[4])).get_data(as_text=True)
    assert commit(fresh, one).status_code == 302
    moved = commit(client, page)
    assert moved.status_code == 409
    assert outcomes(moved.get_data(as_text=True))[5] == "unchanged"
    assert count(session, Pact) == 1


@pytest.mark.parametrize("persona", ["observer_x", "opd_a", "superadmin"])
def test_others_cannot_import_or_export(
    app: Flask, session: Session, office: Office, persona: str
) -> None:
    client = client_of(app, office.user(persona))
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/ekspor.csv").status_code == 403
    assert client.get(f"{PAGE}/templat.xlsx").status_code == 403


def test_another_regencys_admin_imports_only_into_their_own(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_y)
    page = upload(client, good_file(), lang="?lang=en").get_data(as_text=True)
    # kab-y's admin: dinsos and dukcapil are not agencies of their regency.
    assert set(outcomes(page).values()) == {"error"}
    assert count(session, Pact) == 0


# --- the API ---------------------------------------------------------------------------------


def api_import(client: FlaskClient, token: str | None, data: bytes, query: str = "", **form: str):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        f"/api/v1/pacts/import{query}",
        data={"file": (io.BytesIO(data), "pakta.csv"), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_the_api_previews_then_commits(
    client: FlaskClient, session: Session, office: Office
) -> None:
    token = api_token(session, office.admin_x, office.now)
    before = snapshot(session, TABLES)
    preview = api_import(client, token, good_file(), "?preview=true")
    assert preview.status_code == 200
    body = preview.get_json()
    assert (body["committed"], body["counts"]["new"], body["findings"]) == (False, 3, 3)
    assert snapshot(session, TABLES) == before
    done = api_import(client, token, good_file())
    assert done.status_code == 200
    body = done.get_json()
    assert body["committed"] is True
    assert all(p["pact_id"] for p in body["pacts"])
    assert count(session, Pact) == 3 and count(session, Finding) == 3
    again = api_import(client, token, good_file()).get_json()
    assert again["committed"] is False and again["counts"]["unchanged"] == 3


def test_the_api_refuses_a_file_with_errors_with_every_pact(
    client: FlaskClient, session: Session, office: Office
) -> None:
    token = api_token(session, office.admin_x, office.now)
    data = good_file() + b"P-9,dinsos,Kepala,,2019-13-01,Janji,Temuan,input\n"
    response = api_import(client, token, data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["counts"]["error"] == 1 and body["counts"]["new"] == 3
    refused = [p for p in body["pacts"] if p["outcome"] == "error"]
    assert "row 6: signed_on" in refused[0]["errors"]
    assert count(session, Pact) == 0


@pytest.mark.parametrize("persona", ["observer_x", "opd_a", "superadmin", "admin_y"])
def test_the_api_refuses_other_accounts(
    client: FlaskClient, session: Session, office: Office, persona: str
) -> None:
    token = api_token(session, office.user(persona), office.now)
    response = api_import(client, token, good_file(), regency=office.x.slug)
    assert response.status_code == 403
    assert count(session, Pact) == 0
