"""Public copies of published files (evidence, a decision's document), metadata removed.

Photos are decoded and encoded again with Pillow: only the pixels survive, so EXIF (camera,
owner, GPS position, time), XMP, IPTC, ICC profiles, PNG text chunks and JPEG comments are
gone. The photo is first turned upright from its EXIF orientation, which would otherwise be
lost with the EXIF block.

PDFs are rewritten with pypdf without the document information dictionary (author, creator,
producer, dates) and without XMP metadata streams (document and page level). What a PDF
shows on its pages (text, embedded pictures and their own metadata, attachments) is served
as published: the regent's office publishes a PDF knowing its content.

A copy is made once, when the file is published (``make_public_copy``, in the publishing
transaction: it takes its name when that commits), never on a visitor's request: converting a
large photo takes seconds and hundreds of megabytes, and a visitor must not be able to make the
server do it, let alone many times at once. Copies live beside the stored files under
``public/<recipe>/``, named after the SHA-256 of the original: each original is converted once
per recipe. After a recipe change (or a restore without them) ``flask --app tracker
evidence-public-copies`` makes the missing ones; until then such a file answers 404.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from sqlalchemy.orm import Session

from tracker.errors import Invalid, NotFound
from tracker.storage import DEFAULT_MAX_PIXELS, JPEG, PDF, PNG, FileStore, existing

log = logging.getLogger(__name__)

# Bump when the conversion changes, so cached copies are made again.
# v2: a PDF's copy holds its pages only (v1 kept orphaned XMP, scripts and attachments).
# v3: nor a page's own XMP stream or annotations (v2 wrote them as orphaned objects).
# v4: nor a script, an action or an attached file anywhere a page's objects reach.
RECIPE = "v4"
# What a page, or anything it refers to, may carry that names its maker or acts on its own:
# metadata, private data, actions on opening and closing, annotations (links, attached files,
# form fields), scripts, embedded files, launch and URI actions.
_KEYS_DROPPED = frozenset(
    {
        "/Metadata", "/PieceInfo", "/AA", "/Annots", "/OpenAction", "/JS", "/JavaScript",
        "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMedia", "/Launch", "/URI", "/A",
        "/Names", "/AcroForm", "/XFA",
    }
)  # fmt: skip
JPEG_QUALITY = 88


@dataclass(frozen=True)
class PublicCopy:
    """Bytes safe to serve, their type and their ETag."""

    data: bytes
    content_type: str
    etag: str

    @property
    def extension(self) -> str:
        """Return the file name extension of the copy."""
        return {JPEG: "jpg", PNG: "png", PDF: "pdf"}[self.content_type]


def reencode_image(
    data: bytes, content_type: str, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> bytes:
    """Return the image's pixels encoded again, without any metadata; raise ValueError.

    An image of more than ``max_pixels`` (uploads are refused past it; a file stored before
    that check, or edited by hand, may claim more), or larger than Pillow's own bomb limit,
    is refused before its pixels are decoded: a few hundred bytes of PNG can claim billions,
    and decoding them would take gigabytes of memory.
    """
    try:
        with warnings.catch_warnings():
            # Pillow only warns between one and two times the limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.size[0] * source.size[1] > max_pixels:
                    raise Image.DecompressionBombError("more pixels than a photo needs")
                image = ImageOps.exif_transpose(source)
                pixels = Image.new(image.mode, image.size)
                # A fresh image holds no info dict: none of the original's metadata rides along.
                pixels.frombytes(image.tobytes())
                if image.mode == "P":
                    pixels.putpalette(image.getpalette() or [])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError("an image too large to decode") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError("not a readable image") from exc
    out = io.BytesIO()
    if content_type == PNG:
        pixels.save(out, "PNG", optimize=True)
    else:
        if pixels.mode not in ("RGB", "L"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _scrub(node: Any, seen: set[int]) -> None:
    """Drop ``_KEYS_DROPPED`` from every dictionary reachable from ``node`` (in place)."""
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, DictionaryObject):
        for key in list(node.keys()):
            if key in _KEYS_DROPPED:
                del node[NameObject(key)]
            elif key != "/Parent":  # the page tree: the writer makes its own
                _scrub(node.raw_get(key), seen)
    elif isinstance(node, ArrayObject):
        for item in node:
            _scrub(item, seen)


def strip_pdf(data: bytes) -> bytes:
    """Return the PDF's pages alone: no document information, XMP, scripts or attached files.

    A new document takes the pages over, so only what a page refers to is written: the
    catalogue's /Metadata, /OpenAction, /Names (JavaScript, embedded files) and /AcroForm stay
    behind, orphaned objects included. Raise ValueError for what is not a readable PDF.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("encrypted PDF")
        writer = PdfWriter()
        for source in reader.pages:
            # Dropped before the page is taken over: what it no longer refers to is not copied
            # (deleted after, a page's XMP stream was still written as an orphaned object).
            _scrub(source, set())
            writer.add_page(source)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, KeyError, TypeError) as exc:
        raise ValueError("not a readable PDF") from exc
    return out.getvalue()


def _convert(data: bytes, content_type: str, max_pixels: int) -> bytes:
    if content_type in (JPEG, PNG):
        return reencode_image(data, content_type, max_pixels=max_pixels)
    if content_type == PDF:
        return strip_pdf(data)
    raise ValueError(f"no public copy for {content_type}")


def public_etag(sha256: str) -> str:
    """Return the ETag of the public copy of the original with this SHA-256.

    The copy is a function of the original and the recipe, so the tag is known without
    reading (let alone hashing) the copy: a revalidation costs no file access.
    """
    return f"{sha256}-{RECIPE}"


def copy_path(store: FileStore, *, sha256: str, content_type: str) -> Path:
    """Where the public copy of the original with this SHA-256 lives (made or not)."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise NotFound(_l("No such file."))
    return store.root / "public" / RECIPE / f"{sha256}.{content_type.split('/')[1]}"


def make_public_copy(
    store: FileStore,
    *,
    storage_key: str,
    sha256: str,
    content_type: str,
    session: Session | None = None,
    field: str | None = None,
) -> bool:
    """Make the metadata-free copy of a file being published, unless it exists; return
    whether one was made. With ``session`` it takes its name when that transaction commits.

    Raise Invalid for a file that cannot be converted: better not published than published
    with its metadata.
    """
    target = copy_path(store, sha256=sha256, content_type=content_type)
    if existing(target).is_file():
        return False
    try:
        copy = _convert(store.read(storage_key), content_type, store.max_pixels)
    except (ValueError, NotFound):
        raise Invalid(
            _l(
                "This file cannot be published: it is not a readable photo or PDF, or too large "
                "to convert. Ask the agency for another file."
            ),
            fields={field: _l("cannot be converted for the public page")} if field else None,
        ) from None
    store.put(target, [copy], session=session)
    return True


def read_public_copy(store: FileStore, *, sha256: str, content_type: str) -> PublicCopy:
    """Return a published file's copy, made when it was published; NotFound when there is none.

    Nothing is converted here (see the module's docstring).
    """
    path = existing(copy_path(store, sha256=sha256, content_type=content_type))
    if not path.is_file():
        log.warning(
            "no public copy of %s: run `flask --app tracker evidence-public-copies`", sha256
        )
        raise NotFound(_l("This file cannot be shown publicly."))
    return PublicCopy(path.read_bytes(), content_type, public_etag(sha256))
