"""The staff pages of commitments and events: list, record, correct, refusals beside fields."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.integration.auth_helpers import login
from tests.integration.office import Office
from tests.integration.pages import post_form, read_page, rows_unchanged
from tracker.commitments.models import Commitment, RegencyEvent

FORM = {
    "kind": "mou",
    "title": "MoU Peningkatan Kualitas Pelayanan Publik",
    "signed_on": "2018-03-22",
    "parties": "Ombudsman RI Perwakilan\nPemerintah Kabupaten X",
    "signatories": "Wakil Bupati X",
    "commitments": "Melaksanakan UU 25/2009",
    "source": "Berita, 22 Maret 2018",
    "target_kind": "",
}


def test_an_admin_records_and_corrects_a_commitment(client: FlaskClient, office: Office) -> None:
    login(client, office.admin_x)
    html = read_page(client, "/staf/komitmen/baru")
    assert office.x.name in html and office.y.name not in html
    response = post_form(client, "/staf/komitmen/baru", {**FORM, "regency_id": office.x.id})
    assert response.status_code == 302
    found = office.session.execute(select(Commitment)).scalar_one()
    assert found.regency_id == office.x.id and found.parties.count("\n") == 1  # type: ignore[union-attr]
    listing = read_page(client, "/staf/komitmen/")
    assert f'data-commitment-id="{found.id}"' in listing
    url = f"/staf/komitmen/{found.id}/ubah"
    assert "Wakil Bupati X" in read_page(client, url)
    response = post_form(client, url, {**FORM, "signed_on": "", "signed_year": "2018"})
    assert response.status_code == 302
    office.session.refresh(found)
    assert (found.signed_on, found.signed_year) == (None, 2018)


def test_a_refused_commitment_is_explained_beside_the_field(
    client: FlaskClient, office: Office
) -> None:
    login(client, office.admin_x)
    with rows_unchanged(office.session, Commitment):
        response = post_form(
            client,
            "/staf/komitmen/baru",
            {**FORM, "regency_id": office.x.id, "target_kind": "zone", "target_year": "2019"},
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html


def test_an_admin_of_another_regency_cannot_record_for_this_one(
    client: FlaskClient, office: Office
) -> None:
    login(client, office.admin_y)
    with rows_unchanged(office.session, Commitment):
        response = post_form(client, "/staf/komitmen/baru", {**FORM, "regency_id": office.x.id})
    assert response.status_code == 403


def test_an_event_with_only_a_year(client: FlaskClient, office: Office) -> None:
    login(client, office.admin_x)
    data = {
        "regency_id": office.x.id,
        "kind": "coordination",
        "title": "Grup WhatsApp",
        "happened_year": "2019",
        "source": "Berita",
    }
    response = post_form(client, "/staf/komitmen/kegiatan/baru", data)
    assert response.status_code == 302
    event = office.session.execute(select(RegencyEvent)).scalar_one()
    assert (event.happened_on, event.happened_year) == (None, 2019)
    listing = read_page(client, "/staf/komitmen/")
    assert 'data-year="2019"' in listing
    public = read_page(client, f"/kabupaten/{office.x.slug}")
    assert "Grup WhatsApp" in public


def test_an_observer_reads_the_list_but_has_no_forms(client: FlaskClient, office: Office) -> None:
    login(client, office.observer_x)
    html = read_page(client, "/staf/komitmen/")
    assert "/staf/komitmen/baru" not in html
    assert client.get("/staf/komitmen/baru").status_code == 403
