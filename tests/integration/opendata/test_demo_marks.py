"""Invented demo pacts say so in the feeds and the calendars too; the seed pacts never do."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tracker.demo.services import DemoReport

MARK = "[CONTOH rekaan]"


def test_feed_entries_of_invented_pacts_are_marked(client: FlaskClient, demo: DemoReport) -> None:
    xml = client.get("/feed.atom").get_data(as_text=True)
    titles = re.findall(r"<title>(.*?)</title>", xml)[1:]
    assert titles
    for title in titles:
        assert (MARK in title) != ("Sumbawa Barat" in title), title


def test_calendar_events_of_invented_pacts_are_marked(
    client: FlaskClient, demo: DemoReport
) -> None:
    for slug, invented in (("paser", True), ("sumbawa-barat", False)):
        ics = client.get(f"/kabupaten/{slug}/tenggat.ics").get_data(as_text=True)
        ics = ics.replace("\r\n ", "")
        summaries = re.findall(r"^SUMMARY:(.*)$", ics, re.M)
        assert summaries, slug
        assert all((MARK in s) is invented for s in summaries), (slug, summaries)
