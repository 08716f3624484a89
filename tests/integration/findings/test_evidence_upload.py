"""Evidence uploads: the type comes from the bytes, names from nowhere, sizes are capped."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import pdf, png
from tests.integration.auth_helpers import form_token
from tests.integration.findings.forms import page, post_multipart, section, stored_files, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.findings.models import Evidence


def _evidence_count(session: Session) -> int:
    session.expire_all()
    return session.execute(select(func.count(Evidence.id))).scalar_one()


def test_html_named_png_is_refused_beside_the_file_field_and_nothing_is_stored(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)
    fake = b"<!doctype html><html><script>alert('x')</script></html>"

    response = upload(opd, recorded.ramp.id, fake, filename="foto-ramp.png", caption="Foto ramp")

    assert response.status_code == 422
    form = section(response.get_data(as_text=True), "evidence-form")
    assert 'id="file-error"' in form
    assert 'value="Foto ramp"' in form, "the caption is kept for the next try"
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0


def test_a_real_pdf_is_accepted_and_listed_as_a_pdf(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    opd = client_of(app, office.opd_a)
    document = pdf()

    response = upload(opd, recorded.ramp.id, document, filename="sk.pdf", caption="SK tim")

    assert response.status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    assert evidence.content_type == "application/pdf" and evidence.kind.value == "pdf"
    assert evidence.size_bytes == len(document)
    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    row = html.split(f'data-evidence-id="{evidence.id}"', 1)[1].split("</tr>", 1)[0]
    assert "SK tim" in row and evidence.sha256 in row
    assert f'href="/staf/temuan/bukti/{evidence.id}"' in row


def test_a_file_name_with_dot_dot_has_no_effect_on_where_the_file_goes(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)

    response = upload(opd, recorded.ramp.id, png(), filename="../../x.png")

    assert response.status_code == 302
    evidence = session.execute(select(Evidence)).scalar_one()
    files = stored_files(upload_folder)
    # The photo and its preview, each under a random key of its own.
    assert sorted(f.name for f in files) == sorted([evidence.storage_key, evidence.preview_key])
    for stored in files:
        assert stored.is_relative_to(upload_folder)
        assert len(stored.name) == 32 and stored.parent.name == stored.name[:2]
    assert not list(upload_folder.parent.parent.rglob("x.png"))
    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    assert "x.png" not in html
    with opd.get(f"/staf/temuan/bukti/{evidence.id}") as download:
        assert download.headers["Content-Disposition"] == (
            f'attachment; filename="bukti-{evidence.id}.png"'
        )


def test_an_upload_over_the_request_limit_is_refused_beside_the_field_and_nothing_is_stored(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)
    _html, token = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * app.config["MAX_CONTENT_LENGTH"]

    response = post_multipart(
        opd,
        f"/staf/temuan/{recorded.ramp.id}/bukti",
        {"csrf_token": token, "caption": "Besar", "file": (io.BytesIO(too_big), "b.png")},
    )

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    # The finding's own page, the evidence form kept, the limit said beside the file field.
    assert 'id="file-error"' in html and "melebihi 10 MB" in html
    assert f'action="/staf/temuan/{recorded.ramp.id}/bukti"' in html
    assert "Ukuran berkas melebihi 10 MB." in html
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0


def test_a_file_just_over_the_size_limit_is_refused_beside_the_field(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)
    just_over = b"\x89PNG\r\n\x1a\n" + b"\0" * app.config["MAX_UPLOAD_BYTES"]

    response = upload(opd, recorded.ramp.id, just_over)

    assert response.status_code == 413
    assert 'id="file-error"' in section(response.get_data(as_text=True), "evidence-form")
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0


def test_an_upload_without_a_csrf_token_is_refused_and_nothing_is_stored(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)

    response = opd.post(
        f"/staf/temuan/{recorded.ramp.id}/bukti",
        data={"caption": "Foto", "file": (io.BytesIO(png()), "foto.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0
    # The same request with the token goes through: the refusal was the missing token.
    token = form_token(page(opd, f"/staf/temuan/{recorded.ramp.id}")[0])
    response = opd.post(
        f"/staf/temuan/{recorded.ramp.id}/bukti",
        data={"csrf_token": token, "caption": "Foto", "file": (io.BytesIO(png()), "f.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    import struct
    import zlib

    data = bytearray(png())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_an_image_claiming_billions_of_pixels_is_refused_beside_the_field_not_a_500(
    app: Flask, session: Session, office: Office, recorded: Recorded, upload_folder: Path
) -> None:
    opd = client_of(app, office.opd_a)
    for size in (20_000, 60_000):  # 400 MP (Pillow's warning range) and 3.6 GP (its error)
        response = upload(opd, recorded.ramp.id, _png_claiming(size, size), filename="bom.png")
        assert response.status_code == 422
        assert 'id="file-error"' in section(response.get_data(as_text=True), "evidence-form")
    assert stored_files(upload_folder) == []
    assert _evidence_count(session) == 0
