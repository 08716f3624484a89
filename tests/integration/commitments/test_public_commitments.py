"""The seed commitments and events as the public sees them: pages, regency page, API."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.pages import read_page
from tracker.commitments.models import Commitment
from tracker.demo.services import DemoReport


def _id(session: Session, title_part: str) -> int:
    return session.execute(
        select(Commitment.id).where(Commitment.title.contains(title_part))
    ).scalar_one()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_solok_selatan_regency_pact_shows_its_signatory_place_and_a_target_awaiting_2023(
    client: FlaskClient, session: Session, seeds: DemoReport
) -> None:
    html = read_page(client, f"/komitmen/{_id(session, 'Kepatuhan Pelayanan Publik')}")
    text = _text(html)
    assert "H. Khairunas" in text
    assert "Padang" in text
    assert "7 Feb 2023" in text
    assert "Diskominfo Solok Selatan" in text
    assert 'data-target-state="awaiting"' in html
    assert "tahun berikutnya" in text
    # The legend explaining the badge is on every page; no record of this page wears it.
    assert 'class="badge demo"' not in re.sub(
        r'<p class="demo-legend".*?</p>', "", html, flags=re.S
    )


def test_paser_agreement_has_no_day_only_its_year(
    client: FlaskClient, session: Session, seeds: DemoReport
) -> None:
    html = read_page(client, f"/komitmen/{_id(session, 'Kerja sama')}")
    assert 'data-year="2024"' in html and "data-day=" not in html
    assert "Nomorsatukaltim" in html
    assert "data-target-state" not in html


def test_barito_selatan_mou_names_the_province_wide_mou_of_2017(
    client: FlaskClient, session: Session, seeds: DemoReport
) -> None:
    html = read_page(client, f"/komitmen/{_id(session, 'Pencegahan Maladministrasi')}")
    text = _text(html)
    assert "22 Mar 2018" in text
    assert "Satya Titiek Atyani Djoedir" in text
    assert "19 Oktober 2017" in text
    assert "Nomor 25 Tahun 2009" in text


def test_the_regency_page_lists_commitments_and_the_timeline_of_events(
    client: FlaskClient, seeds: DemoReport
) -> None:
    html = read_page(client, "/kabupaten/bangka-barat")
    events = re.findall(r'<li data-event="\d+" data-kind="(\w+)">(.*?)</li>', html, re.S)
    assert [kind for kind, _ in events] == ["mentoring", "coordination"]
    assert "3 Jun 2021" in events[0][1]
    assert 'data-day="not-recorded"' in events[1][1]
    html = read_page(client, "/kabupaten/solok-selatan")
    assert re.search(r'data-commitment="\d+"', html)


def test_an_unknown_commitment_is_a_404(client: FlaskClient) -> None:
    assert client.get("/komitmen/999999").status_code == 404
