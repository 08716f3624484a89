"""GET /api/v1/commitments and /api/v1/events: the seed cases as a program reads them."""

from __future__ import annotations

from flask.testing import FlaskClient

from tracker.demo.services import DemoReport


def _items(client: FlaskClient, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json()["items"]


def test_a_regency_pact_is_never_overdue_its_target_awaits_the_2023_result(
    client: FlaskClient, seeds: DemoReport
) -> None:
    (pact,) = _items(client, "/api/v1/commitments?regency=solok-selatan")
    assert pact["kind"] == "regency_pact"
    assert pact["signed_on"] == "2023-02-07"
    assert pact["signatories"] == ["Bupati Solok Selatan, H. Khairunas"]
    assert pact["target"] == {"kind": "improve", "value": None, "year": 2023, "state": "awaiting"}
    assert pact["is_demo"] is False and pact["source"]
    assert pact["url"].endswith(f"/komitmen/{pact['id']}")
    assert "status" not in pact


def test_an_agreement_without_a_day_has_only_its_year(
    client: FlaskClient, seeds: DemoReport
) -> None:
    (paser,) = _items(client, "/api/v1/commitments?regency=paser")
    assert (paser["kind"], paser["signed_on"], paser["signed_year"]) == ("cooperation", None, 2024)
    assert paser["target"] is None
    (barsel,) = _items(client, "/api/v1/commitments?regency=barito-selatan")
    assert (barsel["kind"], barsel["signed_on"]) == ("mou", "2018-03-22")
    assert len(barsel["parties"]) == 2


def test_events_give_the_day_the_article_gives_or_none(
    client: FlaskClient, seeds: DemoReport
) -> None:
    mentoring, whatsapp = _items(client, "/api/v1/events?regency=bangka-barat")
    assert (mentoring["kind"], mentoring["happened_on"]) == ("mentoring", "2021-06-03")
    assert (whatsapp["kind"], whatsapp["happened_on"], whatsapp["happened_year"]) == (
        "coordination",
        None,
        None,
    )
    assert all(e["source"] and e["is_demo"] is False for e in (mentoring, whatsapp))


def test_items_carry_exactly_the_documented_fields(client: FlaskClient, seeds: DemoReport) -> None:
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for url, name in (("/api/v1/commitments", "Commitment"), ("/api/v1/events", "Event")):
        items = _items(client, url + "?per_page=200")
        assert len(items) == (3 if name == "Commitment" else 2)
        for item in items:
            assert set(item) == set(schemas[name]["properties"]), (name, item)


def test_an_unknown_regency_is_a_400_naming_the_filter(client: FlaskClient) -> None:
    for url in ("/api/v1/commitments?regency=atlantis", "/api/v1/events?regency=atlantis"):
        response = client.get(url)
        assert response.status_code == 400
        assert response.get_json()["invalid_params"][0]["name"] == "regency"
