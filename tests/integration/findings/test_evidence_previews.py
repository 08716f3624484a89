"""A reviewer sees each photo and PDF at a glance: previews made on upload, served privately."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import pdf, png
from tests.integration.findings.forms import page, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.findings.models import Evidence
from tracker.storage import FileStore


def _sideways_photo_with_exif() -> bytes:
    """A 600x200 JPEG whose EXIF says: turn me 90°, and which names its camera's owner."""
    image = Image.new("RGB", (600, 200), "red")
    # The left third blue: upright (rotated 90° clockwise), blue is at the top.
    image.paste(Image.new("RGB", (200, 200), "blue"), (0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x013B] = "Pak Rahasia"  # Artist
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_uploaded_through_the_form_gets_an_upright_thumbnail_without_exif(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    opd = client_of(app, office.opd_a)
    response = upload(opd, recorded.ramp.id, _sideways_photo_with_exif(), filename="ramp.jpg")
    assert response.status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    assert evidence.preview_key is not None and evidence.preview_key != evidence.storage_key

    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    assert f'src="/staf/temuan/bukti/{evidence.id}/pratinjau"' in html
    preview = opd.get(f"/staf/temuan/bukti/{evidence.id}/pratinjau")
    assert preview.status_code == 200
    assert preview.mimetype == "image/jpeg"
    assert "private" in preview.headers["Cache-Control"]
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Pak Rahasia" not in preview.data
    with Image.open(io.BytesIO(preview.data)) as thumb:
        assert thumb.format == "JPEG"
        assert not thumb.getexif()
        # Upright: taller than wide, at most 320 px, blue on top.
        assert thumb.size[1] == 320 and thumb.size[0] < thumb.size[1]
        top = thumb.convert("RGB").getpixel((thumb.size[0] // 2, 5))
        assert isinstance(top, tuple) and top[2] > 200 and top[0] < 60
    assert len(preview.data) < 20_000


def test_a_pdf_shows_its_first_page_its_page_count_and_size(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    opd = client_of(app, office.opd_a)
    assert upload(opd, recorded.ramp.id, pdf(), filename="sk.pdf").status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    assert evidence.page_count == 1
    html, _ = page(client_of(app, office.admin_x), f"/staf/temuan/{recorded.ramp.id}")
    row = html.split(f'data-evidence-id="{evidence.id}"', 1)[1].split("</tr>", 1)[0]
    assert "1 halaman" in row and "PDF" in row
    preview = client_of(app, office.admin_x).get(f"/staf/temuan/bukti/{evidence.id}/pratinjau")
    assert preview.status_code == 200
    with Image.open(io.BytesIO(preview.data)) as first_page:
        assert first_page.format == "JPEG" and max(first_page.size) <= 320


@pytest.mark.parametrize("persona", ["opd_b", "admin_y"])
def test_another_agency_or_regency_gets_the_same_404_as_an_unknown_id(
    app: Flask, session: Session, office: Office, recorded: Recorded, persona: str
) -> None:
    assert upload(client_of(app, office.opd_a), recorded.ramp.id, png()).status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    other = client_of(app, office.user(persona))
    refused = other.get(f"/staf/temuan/bukti/{evidence.id}/pratinjau")
    unknown = other.get("/staf/temuan/bukti/999999/pratinjau")
    assert refused.status_code == unknown.status_code == 404
    assert refused.mimetype == "text/html"
    anonymous = app.test_client().get(f"/staf/temuan/bukti/{evidence.id}/pratinjau")
    assert anonymous.status_code in (302, 401)


def test_evidence_from_before_previews_gets_one_on_the_fly_and_from_the_command(
    app: Flask, session: Session, office: Office, recorded: Recorded, store: FileStore,
    upload_folder: Path,
) -> None:  # fmt: skip
    assert upload(client_of(app, office.opd_a), recorded.ramp.id, png()).status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    evidence.preview_key = None
    session.commit()
    admin = client_of(app, office.admin_x)
    lazy = admin.get(f"/staf/temuan/bukti/{evidence.id}/pratinjau")
    assert lazy.status_code == 200 and lazy.mimetype == "image/jpeg"

    result = app.test_cli_runner().invoke(args=["evidence-previews"])
    assert result.exit_code == 0, result.output
    assert "Previews made: 1" in result.output
    session.expire_all()
    assert session.get_one(Evidence, evidence.id).preview_key is not None
    again = app.test_cli_runner().invoke(args=["evidence-previews"])
    assert "Previews made: 0" in again.output
