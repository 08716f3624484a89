"""Published evidence is served to anyone, re-encoded without metadata; the rest is a 404."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.integration.portal.public_world import MARK, PublicWorld
from tracker.errors import Invalid
from tracker.findings import services as finding_services
from tracker.findings.models import Evidence
from tracker.public_copies import RECIPE
from tracker.storage import FileStore


def _stored(upload_folder: Path, evidence: Evidence) -> Path:
    return FileStore(upload_folder, max_bytes=1).path(evidence.storage_key or "")


def _original(upload_folder: Path, key: str | None) -> bytes:
    assert key is not None
    return FileStore(upload_folder, max_bytes=1).read(key)


def test_published_photo_is_served_without_exif_gps_or_comment(
    client: FlaskClient, world: PublicWorld, upload_folder: Path
) -> None:
    original = _original(upload_folder, world.published_photo.storage_key)
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the fixture has no GPS"
    response = client.get(f"/bukti/{world.published_photo.id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline;")
    served = response.get_data()
    assert MARK.encode() not in served
    with Image.open(io.BytesIO(served)) as image:
        exif = image.getexif()
        assert len(exif) == 0 and not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert "comment" not in image.info and "exif" not in image.info
        assert "icc_profile" not in image.info
        # The original said "rotate 90°" (orientation 6): the copy is already upright.
        assert image.size == (24, 32)


def test_published_png_loses_its_text_chunks(client: FlaskClient, world: PublicWorld) -> None:
    served = client.get(f"/bukti/{world.published_png.id}").get_data()
    assert MARK.encode() not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.format == "PNG" and image.size == (20, 10)
        assert not getattr(image, "text", {})


def test_published_pdf_is_served_without_its_author_and_as_a_download(
    client: FlaskClient, world: PublicWorld, upload_folder: Path
) -> None:
    assert MARK.encode() in _original(upload_folder, world.published_pdf.storage_key)
    response = client.get(f"/bukti/{world.published_pdf.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    served = response.get_data()
    assert MARK.encode() not in served
    reader = PdfReader(io.BytesIO(served))
    assert len(reader.pages) == 1
    assert not reader.metadata and reader.xmp_metadata is None


def test_unpublished_evidence_is_a_404_for_everyone(
    client: FlaskClient, world: PublicWorld
) -> None:
    for evidence_id in (world.private_photo.id, 999_999):
        response = client.get(f"/bukti/{evidence_id}")
        assert response.status_code == 404
        assert MARK not in response.get_data(as_text=True)


def test_the_copy_made_at_publishing_is_revalidated_each_time_by_the_originals_hash(
    client: FlaskClient, world: PublicWorld, upload_folder: Path
) -> None:
    url = f"/bukti/{world.published_photo.id}"
    # Made when the regent's office published it, before any visitor came.
    cached = list((upload_folder / "public").rglob("*.jpeg"))
    assert [p.name for p in cached] == [f"{world.published_photo.sha256}.jpeg"]
    first = client.get(url)
    second = client.get(url)
    assert second.get_data() == first.get_data() == cached[0].read_bytes()
    etag = first.headers["ETag"]
    # The copy is made from the original by the recipe: both name it.
    assert etag == f'"{world.published_photo.sha256}-{RECIPE}"' == second.headers["ETag"]
    # Kept by caches, but asked about each time: taken off the public page, it is gone at once
    # (no day-long max-age).
    assert first.cache_control.public and first.cache_control.no_cache
    assert first.cache_control.max_age is None
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Set-Cookie" not in first.headers


def test_revalidating_a_photo_reads_no_file(
    client: FlaskClient, world: PublicWorld, upload_folder: Path
) -> None:
    url = f"/bukti/{world.published_photo.id}"
    etag = client.get(url).headers["ETag"]
    # Take every file away: a 304 that still answers read neither the copy nor the original.
    for path in [
        *(upload_folder / "public").rglob("*.jpeg"),
        _stored(upload_folder, world.published_photo),
    ]:
        path.unlink()
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.cache_control.no_cache
    assert client.get(url).status_code == 404, "without the files, nothing new is served"


def test_unpublishing_stops_serving_even_a_cached_copy(
    client: FlaskClient, session: Session, world: PublicWorld
) -> None:
    url = f"/bukti/{world.published_photo.id}"
    response = client.get(url)
    assert response.status_code == 200
    world.published_photo.is_public = False
    session.commit()
    assert client.get(url).status_code == 404
    # A browser or proxy that kept it must ask again, and is told it is gone.
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 404


def test_a_visitor_never_makes_the_server_convert_a_file(
    client: FlaskClient, world: PublicWorld, upload_folder: Path
) -> None:
    # The copy is missing (a new recipe, a restore without it): a 404, not a conversion.
    for path in (upload_folder / "public").rglob("*.png"):
        path.unlink()
    response = client.get(f"/bukti/{world.published_png.id}")
    assert response.status_code == 404
    assert not list((upload_folder / "public").rglob("*.png"))


def _png_claiming(width: int, height: int) -> bytes:
    """Return a small PNG whose header claims the given size (its pixel data is one byte)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"broken" + MARK.encode(), id="damaged"),
        # Past twice Pillow's limit: it refuses to open the file.
        pytest.param(_png_claiming(100_000, 100_000), id="ten-gigapixels"),
        # Over the 40 megapixel cap (a file stored before the cap, or edited by hand).
        pytest.param(_png_claiming(9_400, 9_400), id="eighty-eight-megapixels"),
    ],
)
def test_a_file_that_cannot_be_converted_cannot_be_published(
    session: Session, world: PublicWorld, upload_folder: Path, content: bytes
) -> None:
    private = world.private_photo
    _stored(upload_folder, private).write_bytes(content)
    with pytest.raises(Invalid, match="cannot be published"):
        finding_services.set_evidence_public(
            session, actor=world.admin, evidence_id=private.id, public=True,
            store=FileStore(upload_folder, max_bytes=1 << 20), now=world.pact.created_at,
        )  # fmt: skip
    assert not private.is_public
    assert not list((upload_folder / "public").rglob(f"{private.sha256}*"))
