"""Atom feeds of public status changes: valid Atom, stable ids, newest first, nothing private."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.integration.opendata.conftest import DEADLINE, DataWorld
from tracker.audit.services import record as audit
from tracker.clock import FixedClock
from tracker.findings import services as finding_services
from tracker.pacts import services as pact_services
from tracker.storage import FileStore

NS = {"atom": "http://www.w3.org/2005/Atom"}
ATOM = "{http://www.w3.org/2005/Atom}"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def parse(client: FlaskClient, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    if "lang=" not in url:
        # Only a visitor who changes language gets a cookie.
        assert "Set-Cookie" not in response.headers
    return ET.fromstring(response.get_data())  # noqa: S314 - our own feed, parsed to check it


def entries(feed: ET.Element) -> list[dict[str, str]]:
    result = []
    for entry in feed.findall("atom:entry", NS):
        result.append(
            {
                "id": entry.findtext("atom:id", "", NS),
                "title": entry.findtext("atom:title", "", NS),
                "updated": entry.findtext("atom:updated", "", NS),
                "summary": entry.findtext("atom:summary", "", NS),
                "link": entry.find("atom:link", NS).get("href", ""),  # type: ignore[union-attr]
                "category": entry.find("atom:category", NS).get("term", ""),  # type: ignore[union-attr]
            }
        )
    return result


def story(world: DataWorld, clock: FixedClock, tmp_store: FileStore) -> None:
    """Extend X's pact, work a finding through a return and an approval, withdraw Y's pact."""
    s = world.session
    finding = world.pact.findings[0]
    clock.advance(timedelta(hours=1))
    pact_services.extend_pact(
        s, actor=world.admin_x, pact_id=world.pact.id,
        new_deadline_on=DEADLINE + timedelta(days=30), reason="Menunggu anggaran perubahan",
        now=clock.now(),
    )  # fmt: skip
    for verdict, comment, hour in (("return", "Foto kurang jelas", 2), ("approve", None, 4)):
        clock.advance(timedelta(hours=hour))
        finding_services.add_evidence(
            s, actor=world.opd_a, finding_id=finding.id, data=PNG, caption="Foto ramp baru",
            store=tmp_store, now=clock.now(),
        )  # fmt: skip
        finding_services.submit_finding(
            s, actor=world.opd_a, finding_id=finding.id, now=clock.now(), note="CATATAN-OPD-RAHASIA"
        )
        clock.advance(timedelta(minutes=30))
        finding_services.review_finding(
            s, actor=world.admin_x, finding_id=finding.id, decision=verdict, comment=comment,
            now=clock.now(),
        )  # fmt: skip
    clock.advance(timedelta(hours=1))
    pact_services.withdraw_pact(
        s, actor=world.admin_y, pact_id=world.other.id, reason="OPD digabung", now=clock.now()
    )
    s.commit()


def test_the_feed_lists_public_status_changes_newest_first(
    client: FlaskClient, world: DataWorld, clock: FixedClock, tmp_path: object
) -> None:
    story(world, clock, FileStore(tmp_path / "uploads", max_bytes=1 << 20))  # type: ignore[operator]

    feed = parse(client, "/feed.atom?lang=en")
    items = entries(feed)

    assert feed.tag == ATOM + "feed"
    assert feed.findtext("atom:id", "", NS) == "http://127.0.0.1:5000/feed.atom"
    assert feed.findtext("atom:updated", "", NS) == items[0]["updated"]
    assert [i["category"] for i in items] == [
        "pact.withdrawn",
        "finding.approved",
        "finding.submitted",
        "finding.returned",
        "finding.submitted",
        "pact.extended",
        "pact.recorded",
        "pact.recorded",
    ]
    assert [i["updated"] for i in items] == sorted((i["updated"] for i in items), reverse=True)
    assert items[0]["title"].startswith("Pact withdrawn: ")
    assert "OPD digabung" in items[0]["summary"]
    assert items[0]["link"] == f"http://127.0.0.1:5000/pakta/{world.other.id}"
    assert "Belum ada ramp" in items[1]["title"]
    extended = items[5]
    assert "Menunggu anggaran perubahan" in extended["summary"]
    assert "from Apr 8, 2019 to May 8, 2019" in extended["summary"]


def test_the_feed_shows_no_account_note_or_internal_comment(
    client: FlaskClient, world: DataWorld, clock: FixedClock, tmp_path: object
) -> None:
    story(world, clock, FileStore(tmp_path / "uploads", max_bytes=1 << 20))  # type: ignore[operator]

    text = client.get("/feed.atom").get_data(as_text=True)

    for private in (
        world.admin_x.email,
        world.admin_x.name,
        world.opd_a.email,
        "CATATAN-OPD-RAHASIA",
        "Foto kurang jelas",  # the reviewer's comment on the return
        "Foto ramp baru",  # an evidence caption (evidence is private by default)
        "Pengguna",  # the test accounts' names
    ):
        assert private not in text, private


def test_entry_ids_are_stable_tag_uris(client: FlaskClient, world: DataWorld) -> None:
    first = entries(parse(client, "/feed.atom"))
    pact_services.withdraw_pact(
        world.session, actor=world.admin_x, pact_id=world.pact.id, reason="Salah catat",
        now=world.now + timedelta(minutes=5),
    )  # fmt: skip
    world.session.commit()
    second = entries(parse(client, "/feed.atom"))

    assert all(e["id"].startswith("tag:127.0.0.1,2019-03-25:pantau-pakta/event/") for e in first)
    assert [e["id"] for e in second[1:]] == [e["id"] for e in first]
    assert len({e["id"] for e in second}) == len(second)


def test_a_regency_feed_shows_only_that_regency(client: FlaskClient, world: DataWorld) -> None:
    feed = parse(client, "/kabupaten/kab-data-y/feed.atom")

    items = entries(feed)
    assert [i["link"] for i in items] == [f"http://127.0.0.1:5000/pakta/{world.other.id}"]
    assert feed.findtext("atom:title", "", NS).endswith(world.y.name)
    assert client.get("/kabupaten/tidak-ada/feed.atom").status_code == 404


def test_the_feed_is_indonesian_by_default(client: FlaskClient, world: DataWorld) -> None:
    feed = parse(client, "/feed.atom")

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "id"
    assert entries(feed)[0]["title"].startswith("Pakta dicatat")


def test_the_feed_keeps_the_newest_hundred_and_answers_304(
    client: FlaskClient, session: Session, world: DataWorld
) -> None:
    for n in range(110):
        audit(
            session, actor=None, action="pact.extended", target_type="pact",
            target_id=world.pact.id, regency_id=world.x.id, pact_id=world.pact.id,
            at=world.now + timedelta(minutes=n), changes={"from": "2019-04-08", "to": "2019-05-08"},
        )  # fmt: skip
    session.commit()

    response = client.get("/feed.atom")
    items = entries(ET.fromstring(response.get_data()))  # noqa: S314 - our own feed
    again = client.get("/feed.atom", headers={"If-None-Match": response.headers["ETag"]})

    assert len(items) == 100
    assert items[0]["updated"].startswith("2019-03-25T02:49")  # the 110th, newest
    assert again.status_code == 304
