"""The regent's office's dashboard: what it shows for a known set of pacts, where each number
leads, who may act on it, and the agencies' league table (on the regency page too)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.findings.forms import page, section
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page
from tracker.audit.services import record
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.notifications.rules import escalation_key
from tracker.pacts.models import Pact
from tracker.pacts.rules import deadline


class World:
    """Regency X: two overdue pacts (one escalated to rung 2), one due soon, one on track, one
    fulfilled with three closed findings; regency Y: one overdue pact that must never show."""

    def __init__(self, session: Session, office: Office, now: datetime) -> None:
        # TEST_NOW is 25 March 2019 in WITA.
        self.late = make_pact(session, agency=office.a, now=now, signed_on=date(2018, 11, 1))
        self.later = make_pact(session, agency=office.b, now=now, signed_on=date(2018, 12, 10))
        self.soon = make_pact(session, agency=office.a, now=now, signed_on=date(2018, 12, 30))
        self.running = make_pact(session, agency=office.b, now=now, signed_on=date(2019, 3, 1))
        closed = [now - timedelta(days=d) for d in (40, 30, 20)]
        self.done = make_pact(
            session, agency=office.a, now=now, signed_on=date(2018, 10, 1), closed_at=closed
        )
        self.elsewhere = make_pact(session, agency=office.c, now=now, signed_on=date(2018, 11, 1))
        self.soon.findings[0].status = FindingStatus.SUBMITTED
        self.soon.findings[0].submitted_at = now - timedelta(days=3)
        self.soon.findings[1].category = FindingCategory.PROCESS
        self.elsewhere.findings[0].status = FindingStatus.SUBMITTED
        self.elsewhere.findings[0].submitted_at = now - timedelta(days=9)
        session.flush()
        on = deadline(date(2018, 11, 1), 3)
        for rung in (1, 2):
            enqueue(
                session,
                Notice(
                    key=escalation_key(rung, self.late.id, on) + ":id",
                    kind=f"escalation-{rung}",
                    regency_id=office.x.id,
                    pact_id=self.late.id,
                    recipients=[Recipient("inspektur@kab-x.example")],
                    subject="Eskalasi",
                    body_text="Eskalasi",
                ),
                now=now,
            )
        session.commit()


def _world(session: Session, office: Office, now: datetime) -> World:
    return World(session, office, now)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-pact-id="(\d+)"', html)


def _links(html: str) -> list[tuple[str, str]]:
    """Every link of the form <a ... href="URL">N</a> or (N): its address and number."""
    found = re.findall(r'<a(?: class="count")? href="([^"]+)">\(?([\d.]+)\)?</a>', html)
    return [(html_lib.unescape(url), n.replace(".", "")) for url, n in found]


def _listed(browser: FlaskClient, url: str) -> int:
    """How many items the list behind ``url`` holds."""
    body = page(browser, url)[0]
    if url.startswith("/staf/temuan/verifikasi"):
        return len(re.findall(r'<tr data-finding-id="\d+">', body))
    if url.startswith("/staf/temuan/"):
        return int(re.search(r'data-count="(\d+)"', body).group(1))  # type: ignore[union-attr]
    return len(_rows(body))


def test_dashboard_shows_overdue_with_rungs_due_soon_queue_and_findings(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    w = _world(session, office, now)
    html, _ = page(client_of(app, office.admin_x), "/staf/")

    overdue = section(html, "overdue")
    assert _rows(overdue) == [str(w.late.id), str(w.later.id)], "longest overdue first"
    # Deadlines 1 Feb and 10 Mar 2019: 52 and 15 days overdue on 25 March.
    assert re.findall(r'data-days-overdue="(\d+)"', overdue) == ["52", "15"]
    assert re.findall(r'data-rung="(\d)"', overdue) == ["2", "0"]
    assert "Sekda" in overdue
    assert _rows(section(html, "due-soon")) == [str(w.soon.id)]
    queue = section(html, "queue")
    assert re.findall(r'<tr data-finding-id="(\d+)">', queue) == [str(w.soon.findings[0].id)]
    assert re.findall(r'data-waiting-days="(\d+)"', queue) == ["3"]
    matrix = section(html, "findings")
    cell = re.search(
        r'<tr data-category="process">.*?data-status="open"><a [^>]*>(\d+)</a>', matrix, re.S
    )
    assert cell is not None and cell.group(1) == "1"
    assert office.c.name not in html, "another regency never shows"
    assert str(w.elsewhere.id) not in re.findall(r'data-pact-id="(\d+)"', html)
    history = section(html, "history")
    assert "<svg" in history and "<script" not in html

    def on(day: str) -> dict[str, str]:
        row = re.search(rf'<tr data-on="{day}">(.*?)</tr>', history, re.S)
        assert row is not None, day
        counts = re.findall(r'data-status="([a-z_]+)">(\d+)<', row.group(1))
        return {k: v for k, v in counts if v != "0"}

    # 28 February: A's November pact and the October one (a finding still open) are overdue,
    # B's December pact is due in 10 days, A's late-December pact runs; March's is not signed.
    assert on("2019-02-28") == {"overdue": "2", "due_soon": "1", "on_track": "1"}
    # Today: the October pact's last finding closed on 5 March, after its 1 January deadline.
    assert on("2019-03-25") == {
        "overdue": "2",
        "due_soon": "1",
        "on_track": "1",
        "fulfilled_late": "1",
    }


def test_every_number_leads_to_a_list_of_as_many(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    _world(session, office, now)
    for persona in ("admin_x", "observer_x"):
        browser = client_of(app, office.user(persona))
        html, _ = page(browser, "/staf/")
        links = _links(html)
        assert len(links) > 20
        for url, n in links:
            assert _listed(browser, url) == int(n), (persona, url)


def test_superadmin_sees_every_regency_or_picks_one_with_the_same_counts_behind(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    w = _world(session, office, now)
    browser = client_of(app, office.superadmin)
    everywhere, _ = page(browser, "/staf/")
    assert str(w.elsewhere.id) in _rows(section(everywhere, "overdue"))
    picked, _ = page(browser, f"/staf/?regency={office.x.slug}")
    assert str(w.elsewhere.id) not in _rows(section(picked, "overdue"))
    for html in (everywhere, picked):
        for url, n in _links(html):
            assert _listed(browser, url) == int(n), url
    assert "data-action=" not in picked, "a superadmin verifies and extends nothing"


def test_observers_read_but_get_no_action_buttons(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    _world(session, office, now)
    admin, _ = page(client_of(app, office.admin_x), "/staf/")
    observer, _ = page(client_of(app, office.observer_x), "/staf/")
    assert {"record-pact", "settle", "verify"} <= set(re.findall(r'data-action="([^"]+)"', admin))
    assert "data-action=" not in observer
    assert _rows(section(observer, "overdue")) == _rows(section(admin, "overdue"))


def test_opd_staff_are_sent_to_their_own_page_and_other_regencies_stay_out(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    _world(session, office, now)
    answer = client_of(app, office.opd_a).get("/staf/")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/staf/opd")
    assert client_of(app, office.admin_y).get(f"/staf/?regency={office.x.slug}").status_code == 404
    html, _ = page(client_of(app, office.admin_y), "/staf/")
    assert office.a.name not in html and office.b.name not in html


def test_league_table_ranks_by_open_findings_and_says_too_few_to_rank(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    _world(session, office, now)
    for url in ("/staf/", f"/kabupaten/{office.x.slug}"):
        browser = client_of(app, office.admin_x if url == "/staf/" else None)
        html = read_page(browser, url)
        league = section(html, "league" if url == "/staf/" else "peringkat")
        ranks = dict(re.findall(r'data-agency-id="(\d+)" data-rank="(\d*)"', league))
        # A: 4 open of 7 findings, 3 closed; B: 4 open of 4. Both ranked, A after B? No:
        # equal open findings, then the longer overdue (A, 52 days) first.
        assert ranks == {str(office.a.id): "1", str(office.b.id): "2"}
        medians = dict(re.findall(r'data-agency-id="(\d+)".*?data-median="([^"]*)"', league, re.S))
        assert medians[str(office.a.id)] != "" and medians[str(office.b.id)] == ""
        assert "too few to rank" in league or "terlalu sedikit" in league
        assert office.c.name not in league
        assert "4" in league and "7" in league
    # Two closed findings only: no median for A any more.
    closed = session.query(Finding).filter(Finding.status == FindingStatus.CLOSED).first()
    assert closed is not None
    closed.status = FindingStatus.IN_PROGRESS
    closed.closed_at = None
    # No service takes a closing back; this stands for one, so it leaves an audit event too
    # (the public pages' data version, and the page kept under it, move with the trail).
    record(
        session, actor=None, action="finding.corrected", target_type="finding",
        target_id=closed.id, regency_id=office.x.id, pact_id=closed.pact_id, at=now,
    )  # fmt: skip
    session.commit()
    html = read_page(client_of(app, None), f"/kabupaten/{office.x.slug}")
    league = section(html, "peringkat")
    medians = dict(re.findall(r'data-agency-id="(\d+)".*?data-median="([^"]*)"', league, re.S))
    assert medians[str(office.a.id)] == ""


def test_league_table_ranks_no_agency_with_fewer_than_three_findings(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    make_pact(session, agency=office.a, now=now, signed_on=date(2018, 11, 1), findings=2)
    make_pact(session, agency=office.b, now=now, signed_on=date(2018, 11, 1), findings=3)
    session.commit()
    html = read_page(client_of(app, None), f"/kabupaten/{office.x.slug}")
    league = section(html, "peringkat")
    ranks = dict(re.findall(r'data-agency-id="(\d+)" data-rank="(\d*)"', league))
    assert ranks == {str(office.b.id): "1", str(office.a.id): ""}


def test_demo_pacts_in_the_league_are_said_to_be_demo(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    pact = make_pact(session, agency=office.a, now=now, signed_on=date(2018, 11, 1), findings=3)
    session.get_one(Pact, pact.id).is_demo = True
    session.commit()
    html = read_page(client_of(app, None), f"/kabupaten/{office.x.slug}")
    league = section(html, "peringkat")
    assert 'class="demo-note"' in league and 'class="badge demo"' in league
