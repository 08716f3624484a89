"""A deadline that falls on a closed day is flagged on the staff and the public pact page."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page

FLAG = 'class="deadline-closed"'


def test_a_deadline_on_idul_fitri_or_a_sunday_is_flagged_and_a_weekday_is_not(
    app: Flask, session: Session, office: Office
) -> None:
    # Signed 5 March 2019: the deadline is 5 June 2019, Idul Fitri 1440 H.
    lebaran = make_pact(session, agency=office.a, now=office.now, signed_on=date(2019, 3, 5))
    # Signed 9 March 2019: the deadline is Sunday 9 June 2019.
    sunday = make_pact(session, agency=office.a, now=office.now, signed_on=date(2019, 3, 9))
    # Signed 11 March 2019: the deadline is Tuesday 11 June 2019, a working day.
    weekday = make_pact(session, agency=office.a, now=office.now, signed_on=date(2019, 3, 11))
    session.commit()
    assert (lebaran.deadline_on, sunday.deadline_on) == (date(2019, 6, 5), date(2019, 6, 9))
    public = app.test_client()
    staff = client_of(app, office.admin_x)
    for client, path in ((public, "/pakta/{}?lang=en"), (staff, "/staf/pakta/{}?lang=en")):
        page = read_page(client, path.format(lebaran.id))
        assert FLAG in page and "Idul Fitri 1440 H" in page, path
        page = read_page(client, path.format(sunday.id))
        assert FLAG in page and "offices are closed (Sunday)" in page, path
        assert FLAG not in read_page(client, path.format(weekday.id)), path
