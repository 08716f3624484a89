"""The verification queue at a glance: deadlines and days left, search, sort, several approvals."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page
from tests.integration.workflow import Recorded, Steps, events_after, last_event_id
from tracker.findings.models import Finding, Review
from tracker.findings.rules import FindingStatus


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-finding-id="(\d+)"', html)]


def test_the_queue_shows_each_findings_deadline_and_days_left(
    app: Flask, office: Office, recorded: Recorded, steps: Steps
) -> None:
    steps.send(office.opd_a, [recorded.ramp])
    steps.session.commit()
    html = read_page(client_of(app, office.admin_x), "/staf/temuan/verifikasi")
    row = html.split(f'data-finding-id="{recorded.ramp.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-deadline="2019-06-01"' in row
    assert "1 Jun 2019" in row
    assert re.search(r'data-days-left="-?\d+"', row)


def test_search_and_sort_the_queue_keep_each_other(
    app: Flask, office: Office, recorded: Recorded, steps: Steps
) -> None:
    steps.send(office.opd_a, [recorded.ramp, recorded.play_corner])
    steps.session.commit()
    admin = client_of(app, office.admin_x)
    assert _ids(read_page(admin, "/staf/temuan/verifikasi?q=RAMP+kursi")) == [recorded.ramp.id]
    by_title = _ids(read_page(admin, "/staf/temuan/verifikasi?sort=finding&dir=asc"))
    assert by_title == [recorded.ramp.id, recorded.play_corner.id]  # "Belum ada r..." a < u
    desc = _ids(read_page(admin, "/staf/temuan/verifikasi?sort=finding&dir=desc"))
    assert desc == list(reversed(by_title))
    html = read_page(admin, "/staf/temuan/verifikasi?q=belum&sort=agency")
    header = re.search(r'<th[^>]*data-sort-key="agency"[^>]*>.*?</th>', html, re.S)
    assert header is not None and 'aria-sort="ascending"' in header.group(0)
    assert "q=belum" in header.group(0)
    assert admin.get("/staf/temuan/verifikasi?sort=nope").status_code == 400


def test_several_findings_are_approved_at_once_each_its_own_audited_decision(
    app: Flask, session: Session, office: Office, recorded: Recorded, steps: Steps
) -> None:
    steps.send(office.opd_a, [recorded.ramp, recorded.play_corner])
    session.commit()
    before = last_event_id(session)
    admin = client_of(app, office.admin_x)
    response = post_form(
        admin,
        "/staf/temuan/verifikasi/setujui",
        {"finding": [str(recorded.ramp.id), str(recorded.play_corner.id)], "comment": "Sesuai"},
        form="/staf/temuan/verifikasi",
    )
    assert response.status_code == 302
    session.expire_all()
    reviews = session.execute(select(Review).order_by(Review.id)).scalars().all()
    assert [(r.finding_id, r.comment) for r in reviews] == [
        (recorded.ramp.id, "Sesuai"),
        (recorded.play_corner.id, "Sesuai"),
    ]
    approved = [e for e in events_after(session, before) if e.action == "finding.approved"]
    assert len(approved) == 2
    assert all(f.status is FindingStatus.CLOSED for f in session.execute(select(Finding)).scalars())


def test_one_refused_finding_approves_none_and_says_which_and_why(
    app: Flask, session: Session, office: Office, recorded: Recorded, steps: Steps
) -> None:
    steps.send(office.opd_a, [recorded.ramp])  # the play corner was never sent
    session.commit()
    before = last_event_id(session)
    admin = client_of(app, office.admin_x)
    response = post_form(
        admin,
        "/staf/temuan/verifikasi/setujui",
        {"finding": [str(recorded.ramp.id), str(recorded.play_corner.id)], "comment": "Sesuai"},
        form="/staf/temuan/verifikasi",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'data-refused="{recorded.play_corner.id}"' in html
    assert f'data-refused="{recorded.ramp.id}"' not in html
    # The ramp stays ticked for the next try; nothing was decided.
    assert re.search(rf'value="{recorded.ramp.id}"[^>]*\s+checked', html)
    session.expire_all()
    assert session.execute(select(Review)).scalars().all() == []
    assert [
        e.action for e in events_after(session, before) if e.action.startswith("finding.")
    ] == []
    assert session.get_one(Finding, recorded.ramp.id).status is FindingStatus.SUBMITTED


def test_observers_and_other_regencies_cannot_approve_several(
    app: Flask, session: Session, office: Office, recorded: Recorded, steps: Steps
) -> None:
    steps.send(office.opd_a, [recorded.ramp])
    session.commit()
    observer = client_of(app, office.observer_x)
    html = read_page(observer, "/staf/temuan/verifikasi")
    assert 'name="finding"' not in html
    refused = observer.post("/staf/temuan/verifikasi/setujui", data={"finding": recorded.ramp.id})
    assert refused.status_code in (400, 403)
    other = client_of(app, office.admin_y)
    response = post_form(
        other, "/staf/temuan/verifikasi/setujui", {"finding": [str(recorded.ramp.id)]},
        form="/staf/temuan/verifikasi",
    )  # fmt: skip
    assert response.status_code == 422
    session.expire_all()
    assert session.get_one(Finding, recorded.ramp.id).status is FindingStatus.SUBMITTED
