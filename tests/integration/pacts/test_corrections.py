"""Pacts that can be corrected (issue 13): findings added after signing, typos corrected with a
reason, a withdrawal undone; each audited and said on the public timeline without a name."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.pages import (
    client_of,
    error_beside,
    in_indonesian,
    post_form,
    read_page,
    refused_page,
)
from tests.integration.workflow import Recorded, events_after
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid
from tracker.findings.models import Finding
from tracker.pacts import services
from tracker.pacts.models import Pact


def _last_event(session: Session) -> int:
    return session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalar() or 0


def _public(app: Flask, pact_id: int) -> str:
    return read_page(app.test_client(), f"/pakta/{pact_id}")


def _timeline(page: str) -> str:
    return page[page.index('id="riwayat"') :]


def test_findings_are_added_after_signing_with_the_catalogue_title_and_shown_publicly(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    admin = client_of(app, office.admin_x)
    url = f"/staf/pakta/{recorded.pact.id}"
    assert f'href="{url}/temuan-baru"' in read_page(admin, url)
    form = read_page(admin, f"{url}/temuan-baru")
    # The catalogue map the vendored script fills titles from, in Indonesian; no CDN.
    assert "data-catalogue=" in form and "/static/js/finding-rows.js" in form
    assert "http" not in re.findall(r'<script src="([^"]+)"', form)[0]
    # One row at first; "Add another finding" gives a second without JavaScript.
    assert 'name="findings-1-title"' not in form
    more = post_form(admin, f"{url}/temuan-baru", {"add_row": "1", "findings-0-title": "Satu"})
    assert more.status_code == 200
    assert 'name="findings-1-title"' in more.get_data(as_text=True)
    assert 'value="Satu"' in more.get_data(as_text=True)
    since = _last_event(session)

    done = post_form(
        admin,
        f"{url}/temuan-baru",
        {
            "findings-0-code": "PR-INFO-SOP",  # the title left empty: the catalogue's
            "findings-1-title": "Tidak ada kotak saran",
            "findings-1-category": "complaints",
        },
    )

    assert done.status_code == 302
    session.expire_all()
    titles = [f.title for f in session.get(Pact, recorded.pact.id).findings]
    sop = in_indonesian(app, "Service procedure (SOP) not shown to the public")
    assert titles[2:] == [sop, "Tidak ada kotak saran"]
    events = events_after(session, since)
    assert [e.action for e in events] == ["finding.added", "finding.added"]
    assert {e.actor_id for e in events} == {office.admin_x.id}
    public = _timeline(_public(app, recorded.pact.id))
    assert public.count(in_indonesian(app, "Finding added after signing")) == 2
    assert office.admin_x.name not in public


def test_a_pact_records_more_than_five_findings(
    app: Flask, session: Session, office: Office
) -> None:
    admin = client_of(app, office.admin_x)
    page = read_page(admin, "/staf/pakta/baru")
    rows = len(re.findall(r'name="findings-\d+-title"', page))
    data = {
        "agency_id": str(office.a.id),
        "signatory_title": "Kepala Dinas",
        "signed_on": "2019-03-01",
        "period_months": "3",
        "pledge": "Memperbaiki semua temuan.",
    }
    titles = {f"findings-{i}-title": f"Temuan {i}" for i in range(7)}
    cats = {f"findings-{i}-category": "input" for i in range(7)}
    for _ in range(7 - rows):
        grown = post_form(admin, "/staf/pakta/baru", {**data, "add_row": "1"})
        assert grown.status_code == 200
    done = post_form(admin, "/staf/pakta/baru", {**data, **titles, **cats})
    assert done.status_code == 302
    pact_id = int(done.headers["Location"].rsplit("/", 1)[-1])
    assert len(session.get(Pact, pact_id).findings) == 7


def test_a_typo_in_a_pact_is_corrected_with_a_reason_and_the_deadline_moves(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    admin = client_of(app, office.admin_x)
    url = f"/staf/pakta/{recorded.pact.id}/koreksi"
    form = read_page(admin, url)
    assert 'value="Kepala Dinas A"' in form and 'value="2019-03-01"' in form
    assert in_indonesian(app, "Reason for the correction") in form
    fields = {
        "signatory_name": "Kepala Dinas Sosial A",
        "signatory_title": "Kepala Dinas",
        "signed_on": "2019-03-04",
        "pledge": "Memperbaiki temuan dalam tiga bulan atau mengundurkan diri.",
    }
    no_reason = refused_page(session, (AuditEvent,), 422, lambda: post_form(admin, url, fields))
    assert error_beside(no_reason, "reason")
    since = _last_event(session)

    done = post_form(admin, url, {**fields, "reason": "Salah ketik nama dan tanggal"})

    assert done.status_code == 302
    session.expire_all()
    pact = session.get(Pact, recorded.pact.id)
    assert pact.signatory_name == "Kepala Dinas Sosial A"
    assert pact.deadline_on == date(2019, 6, 4)
    [event] = events_after(session, since)
    assert event.action == "pact.corrected" and event.actor_id == office.admin_x.id
    assert event.changes["fields"] == ["signatory_name", "signed_on"]
    assert event.changes["before"] == {
        "signatory_name": "Kepala Dinas A",
        "signed_on": "2019-03-01",
    }
    assert event.changes["after"]["signed_on"] == "2019-03-04"
    staff = read_page(admin, f"/staf/pakta/{pact.id}")
    assert "<del>Kepala Dinas A</del>" in staff
    public = _timeline(_public(app, pact.id))
    assert in_indonesian(app, "Pact corrected") in public
    assert "Salah ketik nama dan tanggal" in public
    assert in_indonesian(app, "signing date") in public
    assert office.admin_x.name not in public and "Kepala Dinas A<" not in public


def test_the_signing_date_is_not_corrected_under_an_extension_and_nothing_unchanged_is_saved(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    base = {"signatory_name": "Kepala Dinas A", "signatory_title": "Kepala Dinas"}
    base["pledge"] = recorded.pact.pledge
    admin = client_of(app, office.admin_x)
    url = f"/staf/pakta/{recorded.pact.id}/koreksi"
    same = refused_page(
        session,
        (AuditEvent,),
        422,
        lambda: post_form(admin, url, {**base, "signed_on": "2019-03-01", "reason": "x"}),
    )
    assert error_beside(same, "reason") == in_indonesian(app, "nothing was changed")
    services.extend_pact(
        session, actor=office.admin_x, pact_id=recorded.pact.id,
        new_deadline_on=date(2019, 7, 1), reason="Anggaran", now=now,
    )  # fmt: skip
    session.commit()
    extended = refused_page(
        session,
        (AuditEvent,),
        422,
        lambda: post_form(admin, url, {**base, "signed_on": "2019-03-04", "reason": "x"}),
    )
    assert "diperpanjang" in (error_beside(extended, "signed_on") or "")


def test_a_finding_is_corrected_whatever_its_state_and_the_public_timeline_says_so(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    admin = client_of(app, office.admin_x)
    url = f"/staf/temuan/{recorded.ramp.id}/koreksi"
    assert f'href="{url}"' in read_page(admin, f"/staf/temuan/{recorded.ramp.id}")
    since = _last_event(session)
    done = post_form(
        admin,
        url,
        {
            "title": "Belum ada bidang miring (ramp) untuk kursi roda",
            "category": "input",
            "description": "",
            "reason": "Istilah yang dipakai Ombudsman",
        },
    )
    assert done.status_code == 302
    [event] = events_after(session, since)
    assert event.action == "finding.corrected" and event.changes["fields"] == ["title"]
    assert event.changes["before"]["title"] == "Belum ada ramp untuk kursi roda"
    session.expire_all()
    assert session.get(Finding, recorded.ramp.id).title.startswith("Belum ada bidang miring")
    public = _timeline(_public(app, recorded.pact.id))
    assert in_indonesian(app, "Finding corrected") in public
    assert "Istilah yang dipakai Ombudsman" in public


def test_a_withdrawal_asks_for_confirmation_and_is_undone_with_a_reason(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    admin = client_of(app, office.admin_x)
    url = f"/staf/pakta/{recorded.pact.id}"
    unconfirmed = refused_page(
        session, (AuditEvent,), 422,
        lambda: post_form(admin, f"{url}/batalkan", {"reason": "Ganda"}, form=url),
    )  # fmt: skip
    assert error_beside(unconfirmed, "confirm") == in_indonesian(
        app, "Tick the box to confirm the withdrawal."
    )
    withdrawn = post_form(admin, f"{url}/batalkan", {"reason": "Ganda", "confirm": "y"}, form=url)
    assert withdrawn.status_code == 302
    page = read_page(admin, url)
    assert f'action="{url}/pulihkan"' in page
    # A withdrawn pact takes no new findings: said on the pact's page.
    refused = post_form(
        admin, f"{url}/temuan-baru", {"findings-0-title": "X", "findings-0-category": "input"}
    )
    assert refused.status_code == 302
    assert in_indonesian(
        app, "A withdrawn pact takes no new findings: undo the withdrawal first."
    ) in read_page(admin, url)
    since = _last_event(session)

    undone = post_form(admin, f"{url}/pulihkan", {"reason": "Bukan pakta ganda"}, form=url)

    assert undone.status_code == 302
    session.expire_all()
    pact = session.get(Pact, recorded.pact.id)
    assert pact.withdrawn_at is None and pact.withdrawal_reason is None
    [event] = events_after(session, since)
    assert event.action == "pact.reinstated"
    assert event.changes["reason"] == "Bukan pakta ganda"
    assert event.changes["withdrawal_reason"] == "Ganda"
    public = _public(app, pact.id)
    assert 'data-status="withdrawn"' not in public
    timeline = _timeline(public)
    assert in_indonesian(app, "Pact withdrawn") in timeline
    assert in_indonesian(app, "Withdrawal undone") in timeline and "Bukan pakta ganda" in timeline
    again = post_form(admin, f"{url}/pulihkan", {"reason": "x"}, form=url)
    assert again.status_code == 302
    assert in_indonesian(app, "This pact is not withdrawn: there is nothing to undo.") in read_page(
        admin, url
    )


def test_others_may_not_correct(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    pact_url = f"/staf/pakta/{recorded.pact.id}"
    finding_url = f"/staf/temuan/{recorded.ramp.id}/koreksi"
    for user, status in (
        (office.opd_a, 403),
        (office.observer_x, 403),
        (office.superadmin, 403),
        (office.admin_y, 404),
        (office.opd_b, 404),
    ):
        browser = client_of(app, user)
        for path in ("/koreksi", "/temuan-baru"):
            assert browser.get(pact_url + path).status_code == status, (user.email, path)
        assert browser.get(finding_url).status_code == status, user.email
    # An admin on agency A's own staff corrects the pact but not the wording of its findings.
    own = client_of(app, office.admin_of_a)
    assert own.get(pact_url + "/koreksi").status_code == 200
    assert own.get(finding_url).status_code == 403
    observer_page = read_page(client_of(app, office.observer_x), pact_url)
    assert "/koreksi" not in observer_page and "/temuan-baru" not in observer_page


def test_a_decided_pact_takes_no_new_findings_but_its_typos_are_corrected(
    session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    services.record_outcome(
        session, actor=office.admin_x, pact_id=recorded.pact.id, kind="reprimand",
        decided_on=date(2019, 3, 20), note="Teguran", document=None, store=None,
        new_deadline_on=None, reason="", now=now,
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.add_findings(
            session, actor=office.admin_x, pact_id=recorded.pact.id, now=now,
            findings=[services.FindingInput(title="X", category="input")],
        )  # fmt: skip
    # The signing cannot move after the regent's decision.
    with pytest.raises(Invalid) as refused:
        services.correct_pact(
            session, actor=office.admin_x, pact_id=recorded.pact.id, now=now,
            changes={"signed_on": date(2019, 3, 22)}, reason="Tanggal",
        )  # fmt: skip
    assert "signed_on" in refused.value.fields
    pact = services.correct_pact(
        session, actor=office.admin_x, pact_id=recorded.pact.id, now=now,
        changes={"sanction": "Teguran tertulis"}, reason="Sanksi terlewat",
    )  # fmt: skip
    assert pact.sanction == "Teguran tertulis"


def test_an_oversized_scan_is_refused_beside_the_field_on_the_new_pact_form(
    app: Flask, session: Session, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small request limit keeps the test client's body in memory: a body over Werkzeug's
    # spooling threshold goes to a temporary file that a refused request never closes.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8192)
    admin = client_of(app, office.admin_x)
    too_big = b"%PDF-1.4\n" + b"0" * app.config["MAX_CONTENT_LENGTH"]
    page = refused_page(
        session,
        (Pact,),
        413,
        lambda: post_form(
            admin,
            "/staf/pakta/baru",
            {"signatory_title": "Kepala", "scan": (io.BytesIO(too_big), "p.pdf")},
            content_type="multipart/form-data",
        ),
    )
    assert 'action="/staf/pakta/baru"' in page or "<form" in page
    assert error_beside(page, "scan") == in_indonesian(app, "larger than %(mb)s MB", mb=10)
