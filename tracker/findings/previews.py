"""Small previews of evidence files, so that a reviewer sees a photo or a PDF without downloading.

A photo is turned upright (its EXIF orientation), shrunk to at most PREVIEW_PX on its longer
side and written as a JPEG with no metadata at all; a PDF's first page is rendered by PDFium
(pypdfium2) the same way, and its pages are counted with pypdf. A file that cannot be previewed
gets none: the page then shows a plain file icon with the size, never an error.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import NotFound
from tracker.findings.models import Evidence
from tracker.storage import EVIDENCE_TYPES, IMAGES, JPEG, PDF, FileStore

PREVIEW_PX = 320
PREVIEW_QUALITY = 70
PREVIEW_TYPE = JPEG
# A first page is rendered at most this large before shrinking (a poster-sized page stays cheap).
_MAX_RENDER_PX = 1200


@dataclass(frozen=True)
class Preview:
    """A preview's JPEG bytes (None when the file gives none) and a PDF's page count."""

    data: bytes | None
    page_count: int | None = None


def _to_jpeg(image: Image.Image) -> bytes:
    image.thumbnail((PREVIEW_PX, PREVIEW_PX))
    if image.mode != "RGB":
        # Transparent PNGs on white, as a page shows them.
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes none of the original's metadata.
    image.save(out, "JPEG", quality=PREVIEW_QUALITY, optimize=True)
    return out.getvalue()


def photo_preview(data: bytes) -> bytes | None:
    """Return an upright, metadata-free JPEG thumbnail of a photo, None if it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                upright = ImageOps.exif_transpose(source)
                upright.load()
                return _to_jpeg(upright)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None


def pdf_page_count(data: bytes) -> int | None:
    """Count a PDF's pages with pypdf, None for what it cannot read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        return len(reader.pages)
    except (PyPdfError, OSError, KeyError, TypeError, ValueError):
        return None


def pdf_preview(data: bytes) -> bytes | None:
    """Render a PDF's first page as a JPEG thumbnail with PDFium, None if it cannot."""
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a dependency; without it PDFs show an icon
        return None
    try:
        document = pdfium.PdfDocument(data)
        try:
            if len(document) == 0:
                return None
            page = document[0]
            width, height = page.get_size()
            longest = max(width, height, 1.0)
            scale = min(_MAX_RENDER_PX / longest, 2.0)
            image = page.render(scale=scale).to_pil()
            return _to_jpeg(image)
        finally:
            document.close()
    except (pdfium.PdfiumError, ValueError, OSError):
        return None


def make_preview(data: bytes, content_type: str) -> Preview:
    """Return the preview of an evidence file of the stored type."""
    if content_type in IMAGES:
        return Preview(photo_preview(data))
    if content_type == PDF:
        return Preview(pdf_preview(data), pdf_page_count(data))
    return Preview(None)


def store_preview(
    store: FileStore, data: bytes, content_type: str, *, session: Session | None = None
) -> tuple[str | None, int | None]:
    """Make and store a file's preview beside it; return its key (None: none) and page count.

    With ``session``, the preview takes its name when that transaction commits.
    """
    preview = make_preview(data, content_type)
    if preview.data is None:
        return None, preview.page_count
    stored = store.write_stream([preview.data], content_type=PREVIEW_TYPE, session=session)
    return stored.key, preview.page_count


def backfill_previews(session: Session, *, store: FileStore) -> tuple[int, int]:
    """Make the missing previews of stored photos and PDFs; return (made, without a preview).

    Files uploaded before previews existed, or whose preview file was lost. A file that gives
    no preview (unreadable, or gone from the store) is counted and left as it is.
    """
    made = failed = 0
    pending = session.execute(
        select(Evidence).where(
            Evidence.storage_key.is_not(None),
            Evidence.content_type.in_(sorted(EVIDENCE_TYPES)),
            Evidence.preview_key.is_(None),
        )
    ).scalars()
    for evidence in pending:
        if evidence.storage_key is None or evidence.content_type is None:  # pragma: no cover
            continue  # the query selects neither
        try:
            data = store.read(evidence.storage_key)
        except NotFound:
            failed += 1
            continue
        key, pages = store_preview(store, data, evidence.content_type, session=session)
        evidence.page_count = pages
        if key is None:
            failed += 1
        else:
            evidence.preview_key = key
            made += 1
    session.flush()
    return made, failed
