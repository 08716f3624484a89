"""The outbox is searched by subject, recipient or agency and sorted by any column."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.integration.notifications.test_outbox_pages import Outbox, _client, _rows, outbox

__all__ = ["outbox"]  # the fixture, shared with the outbox pages' tests


def test_the_outbox_finds_a_notice_by_recipient_subject_or_agency(
    app: Flask, outbox: Outbox
) -> None:
    client = _client(app, outbox.admin_x)
    page = client.get("/staf/kotak-keluar/?q=INSPEKTUR%40kab-ob-x").get_data(as_text=True)
    assert _rows(page) == [outbox.failed.id]
    # A recipient's name, whatever the case.
    assert _rows(client.get("/staf/kotak-keluar/?q=staf+opd").get_data(as_text=True)) == [
        outbox.sent.id
    ]
    # The pact's agency; another regency's notice is never found.
    agency = outbox.pact_x2.agency.name.lower()
    assert _rows(client.get(f"/staf/kotak-keluar/?q={agency}").get_data(as_text=True)) == [
        outbox.sent.id
    ]
    assert _rows(client.get("/staf/kotak-keluar/?q=rahasia").get_data(as_text=True)) == []
    # The search narrows the other filters' list and is kept by them.
    page = client.get("/staf/kotak-keluar/?q=subjek&state=failed").get_data(as_text=True)
    assert _rows(page) == [outbox.failed.id]
    assert 'value="subjek"' in page


def test_the_outbox_sorts_by_each_column_both_ways(app: Flask, outbox: Outbox) -> None:
    client = _client(app, outbox.admin_x)
    newest_first = _rows(client.get("/staf/kotak-keluar/").get_data(as_text=True))
    assert newest_first[-1] == outbox.sent.id
    oldest_first = _rows(client.get("/staf/kotak-keluar/?sort=created&dir=asc").get_data(True))
    assert oldest_first == list(reversed(newest_first))
    by_attempts = _rows(client.get("/staf/kotak-keluar/?sort=attempts&dir=desc").get_data(True))
    assert by_attempts[0] == outbox.failed.id
    # Never sent: last in both directions.
    assert _rows(client.get("/staf/kotak-keluar/?sort=sent").get_data(True))[0] == outbox.sent.id
    assert _rows(client.get("/staf/kotak-keluar/?sort=sent&dir=desc").get_data(True))[0] == (
        outbox.sent.id
    )
    page = client.get("/staf/kotak-keluar/?sort=kind&state=&q=subjek").get_data(as_text=True)
    header = re.search(r'<th[^>]*data-sort-key="kind"[^>]*>.*?</th>', page, re.S)
    assert header is not None and 'aria-sort="ascending"' in header.group(0)
    link = html.unescape(header.group(0))
    assert "dir=desc" in link and "q=subjek" in link
    response = client.get("/staf/kotak-keluar/?sort=body_html")
    assert response.status_code == 400 and "body_html" in response.get_data(as_text=True)
