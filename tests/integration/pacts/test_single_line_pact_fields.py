"""A signatory's name and title and a finding's title stay on one line, whichever door they come
through: the pact form and its correction, and a spreadsheet import (a cell typed with Alt+Enter
in Excel, a quoted CSV cell). The refusal says so beside the field or on the row; nothing is
stored. The API's refusal is in tests/integration/api/test_single_line_api.py."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office
from tests.integration.pacts.test_pact_import import csv_file, outcomes, upload, xlsx_file
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form, refused_page
from tests.integration.workflow import SIGNED_ON, snapshot
from tracker.audit.models import AuditEvent
from tracker.findings.models import Finding
from tracker.pacts.models import Pact

TABLES = (Pact, Finding, AuditEvent)
# NUL is refused before any form reads the request (tracker.web.errors: a 400 page).
BREAKS = ["Budi\nSantoso", "Budi\r\nSantoso", "Budi\rSantoso", "Budi\tSantoso",
          "Budi\u2028Santoso", "Budi\x85Santoso", "Budi\x1bSantoso"]  # fmt: skip
ONE_LINE = "one line, without tabs or other control characters"


def pact_form(office: Office, **fields: str) -> dict[str, str]:
    return {
        "agency_id": str(office.a.id),
        "signatory_name": "Hj. Nurhayati",
        "signatory_title": "Kepala Dinas Sosial",
        "signed_on": "2019-01-08",
        "period_months": "3",
        "pledge": "Memperbaiki semua temuan dalam tiga bulan.",
        "findings-0-title": "SOP pelayanan tidak dipajang",
        "findings-0-category": "process",
        **fields,
    }


@pytest.mark.parametrize("value", BREAKS, ids=repr)
def test_the_pact_form_refuses_a_name_title_or_finding_title_on_two_lines(
    app: Flask, session: Session, office: Office, value: str
) -> None:
    client = client_of(app, office.admin_x)
    page = refused_page(
        session,
        TABLES,
        422,
        lambda: post_form(
            client,
            "/staf/pakta/baru",
            pact_form(
                office,
                signatory_name=value,
                signatory_title=f"Kepala {value}",
                **{"findings-0-title": f"Temuan {value}"},
            ),
        ),
    )
    expected = in_indonesian(app, ONE_LINE)
    for field in ("signatory_name", "signatory_title", "findings-0-title"):
        assert error_beside(page, field) == expected, field


def test_a_correction_refuses_a_name_on_two_lines_and_keeps_the_pact(
    app: Flask, session: Session, office: Office
) -> None:
    pact = make_pact(session, agency=office.a, now=office.now, signed_on=SIGNED_ON)
    session.commit()
    client = client_of(app, office.admin_x)
    url = f"/staf/pakta/{pact.id}/koreksi"
    page = refused_page(
        session,
        TABLES,
        422,
        lambda: post_form(
            client,
            url,
            {
                "signatory_name": "Nama\r\nBcc: penyusup@jahat.invalid",
                "signatory_title": "Kepala Dinas Uji",
                "signed_on": SIGNED_ON.isoformat(),
                "pledge": pact.pledge,
                "reason": "Salah ketik",
            },
        ),
    )
    assert error_beside(page, "signatory_name") == in_indonesian(app, ONE_LINE)
    session.refresh(pact)
    assert pact.signatory_name == "Nama Uji"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_import_row_with_a_name_on_two_lines_is_an_error_on_that_row(
    app: Flask, session: Session, office: Office, fmt: str
) -> None:
    rows = [
        ["reference", "agency", "signatory_title", "signatory_name", "signed_on", "pledge",
         "finding_title", "finding_category"],
        ["800/12/2019", "dinsos", "Kepala Dinas Sosial", "Budi\nSantoso", "2019-01-10",
         "Kami berjanji", "Tanpa papan\tinformasi", "input"],
        ["470/1/2019", "dukcapil", "Kepala Dinas", "Sari", "2019-02-05", "Kami siap",
         "Tanpa kotak saran", "complaints"],
    ]  # fmt: skip
    if fmt == "xlsx":
        data, name = xlsx_file(rows), "pakta.xlsx"
    else:
        quoted = [",".join(f'"{cell}"' for cell in row) for row in rows]
        data, name = csv_file(*quoted[1:], header=quoted[0]), "pakta.csv"
    client = client_of(app, office.admin_x)
    before = snapshot(session, ("pacts", "findings", "audit_events"))
    page = upload(client, data, name).get_data(as_text=True)
    # The first pact's row (a CSV row is numbered by the line it ends on) is refused alone.
    first, second = sorted(outcomes(page))
    assert outcomes(page) == {first: "error", second: "new"}
    expected = re.escape(in_indonesian(app, ONE_LINE))
    assert re.search(rf"row {first}: signatory_name\W.*?{expected}", page, re.S), page
    assert re.search(rf"row {first}: finding_title\W.*?{expected}", page, re.S)
    # An error on any row saves nothing: there is no save button.
    assert 'name="token"' not in page
    assert snapshot(session, ("pacts", "findings", "audit_events")) == before
