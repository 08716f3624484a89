"""Who sees which finding, file and form; everyone else is refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.auth_helpers import make_user
from tests.integration.findings.forms import page, review, section, stored_files, submit, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.findings.models import Evidence

FORMS = ('id="evidence-form"', 'id="submit-form"', 'id="review-form"')


def _with_evidence(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> tuple[FlaskClient, Evidence]:
    opd = client_of(app, office.opd_a)
    assert upload(opd, recorded.ramp.id, png()).status_code == 302
    return opd, session.execute(select(Evidence)).scalar_one()


def test_evidence_downloads_as_an_attachment_with_its_stored_type_and_nosniff(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    _opd, evidence = _with_evidence(app, session, office, recorded)
    for user in (office.opd_a, office.admin_x, office.observer_x):
        response = client_of(app, user).get(f"/staf/temuan/bukti/{evidence.id}")
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="bukti-{evidence.id}.png"'
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        original = upload_folder / evidence.storage_key[:2] / evidence.storage_key
        data = response.data
        response.close()
        assert data == original.read_bytes()


def test_anonymous_visitors_are_sent_to_the_login_page_for_a_file(
    app: Flask, client: FlaskClient, session: Session, office: Office, recorded: Recorded
) -> None:
    _opd, evidence = _with_evidence(app, session, office, recorded)
    response = client.get(f"/staf/temuan/bukti/{evidence.id}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_another_agencys_staff_get_404_for_the_finding_and_its_file(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    _opd, evidence = _with_evidence(app, session, office, recorded)
    other = client_of(app, office.opd_b)
    assert other.get(f"/staf/temuan/{recorded.ramp.id}").status_code == 404
    assert other.get(f"/staf/temuan/bukti/{evidence.id}").status_code == 404
    assert other.get(f"/staf/temuan/{recorded.ramp.id + 999}").status_code == 404
    assert other.get(f"/staf/temuan/bukti/{evidence.id + 999}").status_code == 404
    token = page(other, "/staf/opd")[1]
    response = other.post(f"/staf/temuan/{recorded.ramp.id}/ajukan", data={"csrf_token": token})
    assert response.status_code == 404


def test_observer_reads_the_regencys_findings_but_gets_no_forms_and_403_on_posts(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd, evidence = _with_evidence(app, session, office, recorded)
    assert submit(opd, recorded.ramp.id).status_code == 302
    observer = client_of(app, office.observer_x)

    html, token = page(observer, f"/staf/temuan/{recorded.ramp.id}")

    assert recorded.ramp.title in html and f'data-evidence-id="{evidence.id}"' in html
    assert not any(form in html for form in FORMS)
    base = f"/staf/temuan/{recorded.ramp.id}"
    assert observer.post(f"{base}/ajukan", data={"csrf_token": token}).status_code == 403
    assert review(observer, recorded.ramp.id, "approve").status_code == 403
    response = upload(observer, recorded.play_corner.id, png())
    assert response.status_code == 403
    assert len(stored_files(upload_folder)) == 2  # the first photo and its preview
    assert page(observer, f"/staf/temuan/{recorded.ramp.id}")[0].count("data-evidence-id=") == 1


def test_a_reviewer_of_the_findings_own_agency_gets_no_review_form_and_403(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    opd, _evidence = _with_evidence(app, session, office, recorded)
    assert submit(opd, recorded.ramp.id).status_code == 302
    insider = make_user(session, role="admin", regency=office.x, agency=office.a, now=now)
    reviewer = client_of(app, insider)

    html, _ = page(reviewer, f"/staf/temuan/{recorded.ramp.id}")
    assert 'id="review-form"' not in html
    assert review(reviewer, recorded.ramp.id, "approve").status_code == 403
    # Another admin of the regency may decide.
    other_admin = client_of(app, office.admin_x)
    assert 'id="review-form"' in page(other_admin, f"/staf/temuan/{recorded.ramp.id}")[0]
    assert review(other_admin, recorded.ramp.id, "return", "Pegangan belum ada").status_code == 302


def test_agency_staff_get_the_upload_and_submit_forms_but_no_review_form(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    opd, _evidence = _with_evidence(app, session, office, recorded)
    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    assert 'id="evidence-form"' in html and 'id="submit-form"' in html
    assert 'id="review-form"' not in html
    assert review(opd, recorded.ramp.id, "approve").status_code == 403


def test_internal_review_comments_are_hidden_from_the_agency(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    opd, _evidence = _with_evidence(app, session, office, recorded)
    assert submit(opd, recorded.ramp.id).status_code == 302
    admin = client_of(app, office.admin_x)
    comment = "Catatan internal untuk Inspektorat: kontraktor sama dengan tahun lalu."
    # A return needs a comment the agency can read; an approval may carry an internal one.
    assert review(admin, recorded.ramp.id, "return", comment, internal=True).status_code == 422
    assert review(admin, recorded.ramp.id, "approve", comment, internal=True).status_code == 302

    assert comment in section(page(admin, f"/staf/temuan/{recorded.ramp.id}")[0], "reviews")
    assert comment in page(client_of(app, office.observer_x), f"/staf/temuan/{recorded.ramp.id}")[0]
    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    assert comment not in html
    assert comment not in page(opd, "/staf/opd")[0]
