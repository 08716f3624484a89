"""Public copies of published evidence files, with their metadata removed.

Photos are decoded and encoded again with Pillow: only the pixels survive, so EXIF (camera,
owner, GPS position, time), XMP, IPTC, ICC profiles, PNG text chunks and JPEG comments are
gone. The photo is first turned upright from its EXIF orientation, which would otherwise be
lost with the EXIF block.

PDFs are rewritten with pypdf without the document information dictionary (author, creator,
producer, dates) and without XMP metadata streams (document and page level). What a PDF
shows on its pages (text, embedded pictures and their own metadata, attachments) is served
as published: the regent's office publishes a PDF knowing its content.

Copies are cached beside the stored files, named after the SHA-256 of the original and the
recipe version, so each original is converted once per recipe.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from tracker.errors import NotFound
from tracker.storage import JPEG, PDF, PNG, FileStore

# Bump when the conversion changes, so cached copies are made again.
# v2: a PDF's copy holds its pages only (v1 kept orphaned XMP, scripts and attachments).
# v3: nor a page's own XMP stream or annotations (v2 wrote them as orphaned objects).
RECIPE = "v3"
# What a page may carry that names its maker or acts on its own: metadata, private data,
# actions on opening and closing, annotations (links, attached files, form fields).
_PAGE_KEYS_DROPPED = ("/Metadata", "/PieceInfo", "/AA", "/Annots")
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


def reencode_image(data: bytes, content_type: str) -> bytes:
    """Return the image's pixels encoded again, without any metadata; raise ValueError.

    An image larger than Pillow's ``MAX_IMAGE_PIXELS`` (about 89 megapixels; a few hundred
    bytes of PNG can claim billions) is refused before its pixels are decoded: a photo of a
    finding is far smaller, and decoding such a one would take gigabytes of memory.
    """
    try:
        with warnings.catch_warnings():
            # Pillow only warns between one and two times the limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
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
            for key in _PAGE_KEYS_DROPPED:
                if key in source:
                    del source[NameObject(key)]
            writer.add_page(source)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, KeyError, TypeError) as exc:
        raise ValueError("not a readable PDF") from exc
    return out.getvalue()


def _convert(data: bytes, content_type: str) -> bytes:
    if content_type in (JPEG, PNG):
        return reencode_image(data, content_type)
    if content_type == PDF:
        return strip_pdf(data)
    raise ValueError(f"no public copy for {content_type}")


def public_etag(sha256: str) -> str:
    """Return the ETag of the public copy of the original with this SHA-256.

    The copy is a function of the original and the recipe, so the tag is known without
    reading (let alone hashing) the copy: a revalidation costs no file access.
    """
    return f"{sha256}-{RECIPE}"


def public_copy(
    store: FileStore, *, storage_key: str, sha256: str | None, content_type: str
) -> PublicCopy:
    """Return the metadata-free copy of a stored file, converting and caching it on first use.

    A file that cannot be converted is not served at all (NotFound): better no copy than
    the original with its metadata.
    """
    cache: Path | None = None
    if sha256:
        cache = store.root / "public" / RECIPE / f"{sha256}.{content_type.split('/')[1]}"
        if cache.is_file():
            return PublicCopy(cache.read_bytes(), content_type, public_etag(sha256))
    try:
        copy = _convert(store.read(storage_key), content_type)
    except ValueError:
        raise NotFound(_l("This file cannot be shown publicly.")) from None
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: two visitors converting at once never see half a file.
        temporary = cache.with_name(f"{cache.name}.{secrets.token_hex(4)}.part")
        temporary.write_bytes(copy)
        os.replace(temporary, cache)
    # An original stored without its hash (none is, today) is tagged by the copy's own.
    etag = public_etag(sha256) if sha256 else hashlib.sha256(copy).hexdigest()
    return PublicCopy(copy, content_type, etag)
