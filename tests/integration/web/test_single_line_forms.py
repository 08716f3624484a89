"""Names that letters, mail headers, calendars and the timeline print on one line are refused
with a line break, a tab or another control character, beside the field, on every staff form
that takes one: a finding's title and an evidence caption, a commitment's title and place (its
parties and signatories one name a line), an event's title, an account's name, an escalation
contact's name and title, a holiday's name and source. Nothing is written."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact, png
from tests.integration.hostile import records
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form
from tests.integration.workflow import SIGNED_ON

ONE_LINE = "one line, without tabs or other control characters"
ONE_PER_LINE = "one name a line, without tabs or other control characters"


@dataclass(frozen=True)
class Case:
    """A form: who posts it, where, its valid fields, and the fields given a ``bad`` value."""

    persona: str
    url: Callable[[Office, int], str]
    fields: dict[str, Any]
    bad: dict[str, str]
    page: Callable[[Office, int], str] | None = None
    multipart: bool = False


CASES = {
    "finding-correction": Case(
        "admin_x",
        lambda o, finding: f"/staf/temuan/{finding}/koreksi",
        {"title": "Judul", "category": "input", "description": "", "reason": "Salah ketik"},
        {"title": ONE_LINE},
    ),
    "evidence-caption": Case(
        "opd_a",
        lambda o, finding: f"/staf/temuan/{finding}/bukti",
        {"caption": "Foto"},
        {"caption": ONE_LINE},
        page=lambda o, finding: f"/staf/temuan/{finding}",
        multipart=True,
    ),
    "commitment": Case(
        "admin_x",
        lambda o, _: "/staf/komitmen/baru",
        {
            "kind": "mou",
            "title": "MoU",
            "place": "Padang",
            "parties": "Pemkab\nOmbudsman",
            "regency_id": "{regency}",
        },
        {"title": ONE_LINE, "place": ONE_LINE, "signatories": ONE_PER_LINE},
    ),
    "event": Case(
        "admin_x",
        lambda o, _: "/staf/komitmen/kegiatan/baru",
        {
            "kind": "mentoring",
            "title": "Pendampingan",
            "happened_on": "2019-03-01",
            "regency_id": "{regency}",
        },
        {"title": ONE_LINE},
    ),
    "new-account": Case(
        "admin_x",
        lambda o, _: "/staf/akun/baru",
        {
            "email": "baru@uji.go.id",
            "role": "opd",
            "regency": "kab-x",
            "locale": "id",
            "password": "kata-sandi-baru-123",
        },
        {"name": ONE_LINE},
    ),
    "account-name": Case(
        "admin_x",
        lambda o, _: f"/staf/akun/{o.opd_a.id}/ubah",
        {"locale": "id"},
        {"name": ONE_LINE},
    ),
    "escalation-contact": Case(
        "admin_x",
        lambda o, _: f"/staf/pengaturan/notifikasi/{o.x.slug}/kontak",
        {"rung": "2", "email": "sekda@uji.go.id", "locale": "id"},
        {"name": ONE_LINE, "title": ONE_LINE},
        page=lambda o, _: f"/staf/pengaturan/notifikasi/{o.x.slug}",
    ),
    "holiday": Case(
        "superadmin",
        lambda o, _: "/staf/hari-libur/",
        {"day": "2027-03-10", "kind": "holiday"},
        {"name": ONE_LINE, "source": ONE_LINE},
    ),
}
BREAKS = ["Baris\nkedua", "Baris\r\nkedua", "Baris\tkedua", "Baris\u2029kedua", "Baris\x1bkedua"]


@pytest.mark.parametrize("value", BREAKS, ids=repr)
@pytest.mark.parametrize("name", list(CASES))
def test_a_name_on_two_lines_is_refused_beside_its_field_and_nothing_is_written(
    app: Flask, session: Session, office: Office, name: str, value: str
) -> None:
    case = CASES[name]
    pact = make_pact(session, agency=office.a, now=office.now, signed_on=SIGNED_ON, findings=1)
    session.commit()
    finding = pact.findings[0].id
    client = client_of(app, office.user(case.persona))
    data: dict[str, Any] = {
        k: str(office.x.id) if v == "{regency}" else v for k, v in case.fields.items()
    }
    for field, reason in case.bad.items():
        # A list field keeps its line feeds between names: the tab or CR inside one is refused.
        data[field] = value.replace("\n", "\t") if reason == ONE_PER_LINE else value
    if case.multipart:
        data["file"] = (io.BytesIO(png()), "foto.png")
    before = records(session)
    response = post_form(
        client,
        case.url(office, finding),
        data,
        form=case.page(office, finding) if case.page else None,
        content_type="multipart/form-data" if case.multipart else None,
    )
    assert 400 <= response.status_code < 500, response.status_code
    page = response.get_data(as_text=True)
    for field, reason in case.bad.items():
        assert error_beside(page, field) == in_indonesian(app, reason), (field, page[:3000])
    assert records(session) == before
