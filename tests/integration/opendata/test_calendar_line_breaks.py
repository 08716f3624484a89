"""A line break in a stored name (typed before names were checked, or imported) never breaks
a calendar: both calendars answer with the name escaped on its one content line."""

from __future__ import annotations

from flask.testing import FlaskClient
from icalendar import Calendar

from tests.integration.opendata.conftest import DataWorld


def test_cr_and_lf_in_agency_and_regency_names_are_escaped_in_both_calendars(
    client: FlaskClient, world: DataWorld
) -> None:
    world.a.name = "Dinas\r\nUji\rBaris"
    world.a.regency.name = "Kabupaten\nData X"
    world.session.commit()

    for url in (f"/pakta/{world.pact.id}.ics", f"/kabupaten/{world.a.regency.slug}/tenggat.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data()
        # Every line ends with CRLF, and none holds a bare CR or LF.
        for line in body.split(b"\r\n"):
            assert b"\r" not in line and b"\n" not in line, (url, line)
        calendar = Calendar.from_ical(body)
        [event] = calendar.walk("VEVENT")
        assert "Dinas\nUji\nBaris" in str(event["SUMMARY"]), url
        if "kabupaten" in url:
            # Escaped as TEXT (icalendar reads an X- property back raw).
            assert b"X-WR-CALNAME:Tenggat pakta: Kabupaten\\nData X\r\n" in body
