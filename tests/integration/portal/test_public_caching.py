"""Public pages answer conditional GETs and set no cookie unless the visitor picks a language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import login
from tests.integration.portal.public_world import PASSWORD, PublicWorld
from tracker.clock import FixedClock
from tracker.findings import services as finding_services
from tracker.pacts import services as pact_services
from tracker.storage import FileStore


def _urls(world: PublicWorld) -> list[str]:
    return [
        "/",
        "/?regency=kab-publik&status=on_track",
        f"/kabupaten/{world.regency.slug}",
        f"/kabupaten/{world.regency.slug}?year=2019",
        f"/opd/{world.agency.id}",
        f"/pakta/{world.pact.id}",
        f"/pakta/{world.withdrawn.id}",
    ]


def _revalidated(client: FlaskClient, url: str, *, weak: bool = False) -> tuple[str, TestResponse]:
    """GET a page, then again with its ETag (made weak as a gzip proxy does): an empty 304."""
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": f"W/{etag}" if weak else etag})
    assert again.status_code == 304, url
    assert again.get_data() == b"", url
    return etag, again


def test_every_page_sends_an_etag_and_may_be_cached_for_a_minute(
    client: FlaskClient, world: PublicWorld
) -> None:
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("ETag"), url
        assert response.cache_control.public and response.cache_control.max_age == 60, url
        assert "Set-Cookie" not in response.headers, url


def test_repeat_request_with_the_etag_gets_an_empty_304(
    client: FlaskClient, world: PublicWorld
) -> None:
    for url in _urls(world):
        etag, again = _revalidated(client, url)
        assert again.headers["ETag"] == etag, url
        assert "Set-Cookie" not in again.headers, url


def test_the_etag_made_weak_by_a_compressing_proxy_still_gets_a_304(
    client: FlaskClient, world: PublicWorld
) -> None:
    # nginx's gzip turns ETag: "x" into W/"x"; the browser sends that back.
    for url in _urls(world):
        etag, _again = _revalidated(client, url, weak=True)
        assert etag.startswith('"'), url


def test_a_data_change_gives_every_page_a_new_etag(
    client: FlaskClient, session: Session, world: PublicWorld, now
) -> None:
    before = {url: client.get(url).headers["ETag"] for url in _urls(world)}
    pact_services.extend_pact(
        session, actor=world.admin, pact_id=world.pact.id,
        new_deadline_on=world.pact.deadline_on + timedelta(days=10),  # type: ignore[operator]
        reason="Cuaca buruk.", now=now,
    )  # fmt: skip
    session.commit()
    for url, etag in before.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != etag, url


def test_publishing_evidence_changes_the_etag(
    client: FlaskClient, session: Session, world: PublicWorld, now: datetime, store: FileStore
) -> None:
    url = f"/pakta/{world.pact.id}"
    etag = client.get(url).headers["ETag"]
    finding_services.set_evidence_public(
        session, actor=world.admin, evidence_id=world.published_photo.id, public=False,
        store=store, now=now,
    )  # fmt: skip
    session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert f"/bukti/{world.published_photo.id}" not in response.get_data(as_text=True)


def test_a_new_local_day_gives_a_new_etag(
    client: FlaskClient, world: PublicWorld, clock: FixedClock
) -> None:
    # "Overdue N days" changes at the regency's midnight: a cached page must not outlive it.
    url = f"/pakta/{world.pact.id}"
    etag = client.get(url).headers["ETag"]
    clock.advance(timedelta(days=1))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def _days_left(page: str) -> int:
    found = re.search(r"sisa (\d+) hari", page)
    assert found, "the page shows no countdown"
    return int(found.group(1))


def test_a_page_cached_before_the_regencys_midnight_is_not_served_after_it(
    client: FlaskClient, world: PublicWorld, clock: FixedClock
) -> None:
    # 23:30 and 00:30 in Makassar (UTC+8) fall on the same UTC date: an ETag keyed on the date
    # would keep "N days left" for hours after the regency's day changed.
    makassar = ZoneInfo("Asia/Makassar")
    url = f"/pakta/{world.pact.id}"
    clock.set(datetime(2019, 3, 25, 23, 30, tzinfo=makassar))
    before = client.get(url, headers={"Accept-Language": "id"})
    left_before = _days_left(before.get_data(as_text=True))
    clock.set(datetime(2019, 3, 26, 0, 30, tzinfo=makassar))
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert _days_left(after.get_data(as_text=True)) == left_before - 1


def test_each_language_has_its_own_etag(client: FlaskClient, world: PublicWorld) -> None:
    url = f"/pakta/{world.pact.id}"
    indonesian = client.get(url).headers["ETag"]
    english = client.get(url + "?lang=en")
    assert english.headers["ETag"] != indonesian
    assert "Cookie" in english.headers.get("Vary", "")


def test_only_changing_the_language_sets_a_cookie(client: FlaskClient, world: PublicWorld) -> None:
    url = f"/kabupaten/{world.regency.slug}"
    assert "Set-Cookie" not in client.get(url).headers
    chosen = client.get(url + "?lang=en")
    assert "Set-Cookie" in chosen.headers
    # The choice is kept; later pages do not set it again.
    later = client.get(f"/pakta/{world.pact.id}")
    assert '<html lang="en">' in later.get_data(as_text=True)
    assert "Set-Cookie" not in later.headers


def test_error_pages_are_not_tagged(client: FlaskClient, world: PublicWorld) -> None:
    for url in ("/pakta/999999", f"/kabupaten/{world.regency.slug}?year=abc", "/opd/999999"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert "ETag" not in response.headers, url
        assert "Set-Cookie" not in response.headers, url


def test_a_logged_in_visitors_page_is_private_and_never_a_304(
    client: FlaskClient, world: PublicWorld
) -> None:
    url = f"/pakta/{world.pact.id}"
    anonymous_etag = client.get(url).headers["ETag"]
    login(client, world.admin, PASSWORD)
    response = client.get(url, headers={"If-None-Match": anonymous_etag})
    # Their name and their logout form's token are in the header: no shared cache may keep it,
    # and no copy cached before the login (or of another account) may be revalidated.
    assert response.status_code == 200
    assert world.admin.name in response.get_data(as_text=True)
    assert response.cache_control.private and response.cache_control.no_cache
    assert not response.cache_control.public
    assert "ETag" not in response.headers


def test_the_response_that_sets_the_language_cookie_is_private(
    client: FlaskClient, world: PublicWorld
) -> None:
    url = f"/kabupaten/{world.regency.slug}"
    chosen = client.get(url + "?lang=en")
    assert "Set-Cookie" in chosen.headers
    assert chosen.cache_control.private and chosen.cache_control.no_cache
    assert not chosen.cache_control.public
    # Later pages carry the cookie but set none: the same for everyone with that cookie.
    later = client.get(url)
    assert "Set-Cookie" not in later.headers
    assert later.cache_control.public and "Cookie" in later.headers["Vary"]


def test_pages_vary_by_accept_language_when_the_browser_picks_the_language(
    app: Flask, client: FlaskClient, world: PublicWorld
) -> None:
    url = f"/pakta/{world.pact.id}"
    assert "Accept-Language" not in client.get(url).headers.get("Vary", "")
    app.config["LOCALE_FROM_BROWSER"] = True
    try:
        english = client.get(url, headers={"Accept-Language": "en"})
        indonesian = client.get(url, headers={"Accept-Language": "id"})
    finally:
        app.config["LOCALE_FROM_BROWSER"] = False
    assert '<html lang="en">' in english.get_data(as_text=True)
    for response in (english, indonesian):
        assert "Accept-Language" in response.headers["Vary"]
    assert english.headers["ETag"] != indonesian.headers["ETag"]
