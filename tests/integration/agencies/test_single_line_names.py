"""A name that calendars, CSV files and mail headers print stays on one line."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tracker.agencies import services as agencies
from tracker.errors import Invalid
from tracker.regencies import services as regencies

BREAKS = ["Dinas\nUji", "Dinas\r\nUji", "Dinas\rUji", "Dinas\tUji", "Dinas\x00Uji",
          "Dinas\u2028Uji", "Dinas\x85Uji"]  # fmt: skip


@pytest.mark.parametrize("name", BREAKS, ids=repr)
def test_an_agency_name_with_a_line_break_or_control_character_is_refused(
    session: Session, office: Office, now: datetime, name: str
) -> None:
    with pytest.raises(Invalid) as refused:
        agencies.create_agency(
            session, actor=office.admin_x, regency_slug=office.x.slug, slug="dinas-uji",
            name=name, kind="dinas", head_name="Kepala\nUji", now=now,
        )  # fmt: skip
    assert set(refused.value.fields) == {"name", "head_name"}
    with pytest.raises(Invalid) as refused:
        agencies.update_agency(
            session, actor=office.admin_x, agency_id=office.a.id, name=name, kind="dinas",
            head_name=None, head_email=None, now=now,
        )  # fmt: skip
    assert set(refused.value.fields) == {"name"}


@pytest.mark.parametrize("name", BREAKS, ids=repr)
def test_a_regency_name_with_a_line_break_is_refused(
    session: Session, office: Office, now: datetime, name: str
) -> None:
    with pytest.raises(Invalid) as refused:
        regencies.create_regency(
            session, actor=office.superadmin, slug="kab-baris", name=name,
            province="Nusa\nTenggara Barat", timezone="Asia/Makassar", now=now,
        )  # fmt: skip
    assert set(refused.value.fields) == {"name", "province"}


def test_a_name_in_any_script_with_its_joiners_is_taken(
    session: Session, office: Office, now: datetime
) -> None:
    agency = agencies.create_agency(
        session, actor=office.admin_x, regency_slug=office.x.slug, slug="dinas-aksara",
        name="Dinas Aksara ꦗꦮ\u200d Sasak — Bima", kind="dinas", now=now,
    )  # fmt: skip
    assert agency.name == "Dinas Aksara ꦗꦮ\u200d Sasak — Bima"
