"""The home page of a national install shows a bounded set of regency cards, never all of them."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tracker.demo.generator import Size, generate
from tracker.portal.queries.home import HOME_CARDS


def test_a_country_shows_the_regencies_most_overdue_and_offers_every_one(
    app: Flask, client: FlaskClient, session: Session, now: datetime
) -> None:
    with app.app_context():
        generate(session, size=Size(HOME_CARDS + 6, 2, 2, seed=4), now=now)

    html = client.get("/").get_data(as_text=True)

    cards = re.findall(r'<li class="card" data-regency="([^"]+)"', html)
    assert len(cards) == HOME_CARDS
    assert f'data-cards-shown="{HOME_CARDS}"' in html
    offered = re.findall(r'<option value="(rekaan-\d+)"', html)
    assert len(offered) == HOME_CARDS + 6
