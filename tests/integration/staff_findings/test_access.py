"""Who sees which finding, file and form; everyone else is refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import make_user
from tests.integration.staff_findings.conftest import (
    World,
    client_for,
    page,
    png_bytes,
    review,
    section,
    stored_files,
    submit,
    upload,
)
from tracker.findings.models import Evidence

FORMS = ('id="evidence-form"', 'id="submit-form"', 'id="review-form"')


def _with_evidence(app: Flask, session: Session, world: World) -> tuple[FlaskClient, Evidence]:
    opd = client_for(app, world.opd_a)
    assert upload(opd, world.ramp.id, png_bytes()).status_code == 302
    return opd, session.execute(select(Evidence)).scalar_one()


def test_evidence_downloads_as_an_attachment_with_its_stored_type_and_nosniff(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    _opd, evidence = _with_evidence(app, session, world)
    for user in (world.opd_a, world.admin, world.observer):
        response = client_for(app, user).get(f"/staf/temuan/bukti/{evidence.id}")
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="bukti-{evidence.id}.png"'
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == stored_files(upload_folder)[0].read_bytes()
        response.close()


def test_anonymous_visitors_are_sent_to_the_login_page_for_a_file(
    app: Flask, client: FlaskClient, session: Session, world: World, upload_folder: Path
) -> None:
    _opd, evidence = _with_evidence(app, session, world)
    response = client.get(f"/staf/temuan/bukti/{evidence.id}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_another_agencys_staff_get_404_for_the_finding_and_its_file(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    _opd, evidence = _with_evidence(app, session, world)
    other = client_for(app, world.opd_b)
    assert other.get(f"/staf/temuan/{world.ramp.id}").status_code == 404
    assert other.get(f"/staf/temuan/bukti/{evidence.id}").status_code == 404
    assert other.get(f"/staf/temuan/{world.ramp.id + 999}").status_code == 404
    assert other.get(f"/staf/temuan/bukti/{evidence.id + 999}").status_code == 404
    token = page(other, "/staf/opd")[1]
    response = other.post(f"/staf/temuan/{world.ramp.id}/ajukan", data={"csrf_token": token})
    assert response.status_code == 404


def test_observer_reads_the_regencys_findings_but_gets_no_forms_and_403_on_posts(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    opd, evidence = _with_evidence(app, session, world)
    assert submit(opd, world.ramp.id).status_code == 302
    observer = client_for(app, world.observer)

    html, token = page(observer, f"/staf/temuan/{world.ramp.id}")

    assert world.ramp.title in html and f'data-evidence-id="{evidence.id}"' in html
    assert not any(form in html for form in FORMS)
    base = f"/staf/temuan/{world.ramp.id}"
    assert observer.post(f"{base}/ajukan", data={"csrf_token": token}).status_code == 403
    assert review(observer, world.ramp.id, "approve").status_code == 403
    response = upload(observer, world.play_corner.id, png_bytes())
    assert response.status_code == 403
    assert len(stored_files(upload_folder)) == 1
    assert page(observer, f"/staf/temuan/{world.ramp.id}")[0].count("data-evidence-id=") == 1


def test_a_reviewer_of_the_findings_own_agency_gets_no_review_form_and_403(
    app: Flask, session: Session, world: World, now: datetime, upload_folder: Path
) -> None:
    opd, _evidence = _with_evidence(app, session, world)
    assert submit(opd, world.ramp.id).status_code == 302
    insider = make_user(
        session, role="admin", regency=world.regency, agency=world.agency_a, now=now
    )
    reviewer = client_for(app, insider)

    html, _ = page(reviewer, f"/staf/temuan/{world.ramp.id}")
    assert 'id="review-form"' not in html
    assert review(reviewer, world.ramp.id, "approve").status_code == 403
    # Another admin of the regency may decide.
    other_admin = client_for(app, world.admin)
    assert 'id="review-form"' in page(other_admin, f"/staf/temuan/{world.ramp.id}")[0]
    assert review(other_admin, world.ramp.id, "return", "Pegangan belum ada").status_code == 302


def test_agency_staff_get_the_upload_and_submit_forms_but_no_review_form(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    opd, _evidence = _with_evidence(app, session, world)
    html, _ = page(opd, f"/staf/temuan/{world.ramp.id}")
    assert 'id="evidence-form"' in html and 'id="submit-form"' in html
    assert 'id="review-form"' not in html
    assert review(opd, world.ramp.id, "approve").status_code == 403


def test_internal_review_comments_are_hidden_from_the_agency(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    opd, _evidence = _with_evidence(app, session, world)
    assert submit(opd, world.ramp.id).status_code == 302
    admin = client_for(app, world.admin)
    comment = "Catatan internal untuk Inspektorat: kontraktor sama dengan tahun lalu."
    # A return needs a comment the agency can read; an approval may carry an internal one.
    assert review(admin, world.ramp.id, "return", comment, internal=True).status_code == 422
    assert review(admin, world.ramp.id, "approve", comment, internal=True).status_code == 302

    assert comment in section(page(admin, f"/staf/temuan/{world.ramp.id}")[0], "reviews")
    assert comment in page(client_for(app, world.observer), f"/staf/temuan/{world.ramp.id}")[0]
    html, _ = page(opd, f"/staf/temuan/{world.ramp.id}")
    assert comment not in html
    assert comment not in page(opd, "/staf/opd")[0]
