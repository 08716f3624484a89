"""Through the API a signatory's name and title, a finding's title and an evidence caption stay
on one line: a line break, tab or other control character is a 422 naming each field with the
forms' reason, nothing is stored, and the OpenAPI document says so (the pattern a client can
check before sending)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.api.conftest import Api
from tracker.audit.models import AuditEvent
from tracker.findings.models import Evidence, Finding
from tracker.pacts.models import Pact

ONE_LINE = "one line, without tabs or other control characters"
BREAKS = ["Budi\nSantoso", "Budi\r\nSantoso", "Budi\tSantoso", "Budi\u2028Santoso",
          "Budi\x85Santoso", "Budi\x7fSantoso"]  # fmt: skip


def _refused(response: TestResponse) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return {p["name"]: p["reason"] for p in response.get_json()["invalid_params"]}


def _counts(session: Session) -> list[int]:
    session.expire_all()
    return [
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Pact, Finding, Evidence, AuditEvent)
    ]


@pytest.mark.parametrize("value", BREAKS, ids=repr)
def test_a_pact_with_a_name_title_or_finding_title_on_two_lines_is_a_422(
    api: Api, session: Session, value: str
) -> None:
    before = _counts(session)
    body = api.pact_body(
        signatory_name=value,
        signatory_title=f"Kepala {value}",
        findings=[{"title": f"Temuan {value}", "category": "input"}],
    )
    fields = _refused(api("POST", "/pacts", "admin_x", json=body))
    assert fields == {
        "signatory_name": ONE_LINE,
        "signatory_title": ONE_LINE,
        "findings[0].title": ONE_LINE,
    }
    assert _counts(session) == before


def test_corrections_and_captions_on_two_lines_are_422_and_change_nothing(
    api: Api, session: Session
) -> None:
    pact = api.record_pact()
    finding_id = pact["findings"][0]["id"]
    before = _counts(session)
    correction: dict[str, Any] = {"signatory_name": "Nama\r\nBcc: x@jahat.invalid", "reason": "R"}
    assert _refused(api("PATCH", f"/pacts/{pact['id']}", "admin_x", json=correction)) == {
        "signatory_name": ONE_LINE
    }
    retitled = {"title": "Judul\nbaru", "reason": "Salah ketik"}
    assert _refused(api("PATCH", f"/findings/{finding_id}", "admin_x", json=retitled)) == {
        "title": ONE_LINE
    }
    assert _refused(api.upload(finding_id, caption="Foto\tperbaikan")) == {"caption": ONE_LINE}
    assert _counts(session) == before
    assert api("GET", f"/pacts/{pact['id']}").get_json()["signatory_name"] == "H. Abdul Muis"


def test_the_document_publishes_the_one_line_pattern(api: Api) -> None:
    document = api("GET", "/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def pattern(schema: str, field: str) -> str:
        prop = schemas[schema]["properties"][field]
        for option in prop.get("anyOf", [prop]):
            if option.get("type") == "string":
                return str(option["pattern"])
        raise AssertionError(f"{schema}.{field} is no string")

    for schema, field in [
        ("PactInput", "signatory_name"),
        ("PactInput", "signatory_title"),
        ("PactCorrection", "signatory_name"),
        ("FindingInput", "title"),
        ("FindingCorrection", "title"),
    ]:
        expression = re.compile(pattern(schema, field))
        assert expression.search("Hj. Nurhayati, S.Sos."), (schema, field)
        assert not expression.search("Hj. Nurhayati\nS.Sos."), (schema, field)
        assert not expression.search("Hj.\tNurhayati"), (schema, field)
