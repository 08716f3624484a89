"""The public copy of a PDF (public_copies.strip_pdf): the pages only, nothing of who made it."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from tracker.public_copies import strip_pdf

MARK = "Budi Santoso, Dinas Uji"
# The name as any part of a PDF writes it (the Info dictionary escapes the comma).
NAME = b"Budi Santoso"
XMP = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{MARK}</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def _leaky_pdf() -> bytes:
    """A one-page PDF that names its author four ways and runs a script when opened."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": MARK, "/Creator": MARK})
    xmp = DecodedStreamObject()
    xmp.set_data(XMP.encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    script = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('dibuka');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.add_attachment("catatan.txt", MARK.encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_fixture_carries_every_leak_the_copy_must_drop() -> None:
    original = _leaky_pdf()
    reader = PdfReader(io.BytesIO(original))
    assert reader.metadata is not None and reader.metadata.author == MARK
    assert reader.xmp_metadata is not None
    assert b"/JavaScript" in original and b"/EmbeddedFile" in original
    assert original.count(NAME) >= 3  # Info, XMP and the attachment


def test_the_public_copy_keeps_the_pages_and_none_of_the_metadata_scripts_or_files() -> None:
    copy = strip_pdf(_leaky_pdf())
    assert NAME not in copy
    for key in (b"/Metadata", b"/JavaScript", b"/OpenAction", b"/EmbeddedFile", b"/Names"):
        assert key not in copy, key
    reader = PdfReader(io.BytesIO(copy))
    assert len(reader.pages) == 1
    assert not reader.metadata and reader.xmp_metadata is None
