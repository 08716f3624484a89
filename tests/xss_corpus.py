"""A corpus of hostile text, and the checks that every output shows it as text and nothing more.

Each payload is typed into every stored text field (tests/xss_world.py plants them through the
services); the checks here read one output each, by its format:

- HTML (staff and portal pages, a mail's HTML part): parsed as a browser would (html5lib), no
  element, attribute or link came out of the text: no script without ``src``, no ``on*``
  attribute, no ``javascript:``/``data:``/``vbscript:`` address, no ``<svg onload>`` or
  ``<img src=x>``;
- Atom: well-formed XML, every title and summary plain text, nothing but Atom elements;
- iCalendar: parsed by icalendar, one VEVENT per pact and no line the text forged;
- CSV and XLSX: no cell a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``,
  ``@``, tab or CR), no formula cell;
- PDF: no JavaScript, launch or open action anywhere;
- mail headers: no header and no recipient the text forged.

Each check also returns the text the output shows (decoded as its reader decodes it), so the
tests can say which planted values appear where: ``shown(value, text)`` compares them with
whitespace removed, since a page may wrap a long note over lines or a calendar fold it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import html5lib
import openpyxl
from defusedxml import ElementTree as SafeXml
from icalendar import Calendar
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject


@dataclass(frozen=True)
class Payload:
    """One hostile text: its short name (for test ids, slugs) and the text itself."""

    name: str
    text: str


# window.__xss is what the browser test reads: any script the text managed to run sets it.
PAYLOADS: tuple[Payload, ...] = (
    Payload("script", "<script>window.__xss=1</script>"),
    Payload("img-onerror", '"><img src=x onerror="window.__xss=1">'),
    Payload("svg-onload", "<svg onload=window.__xss=1>"),
    Payload("javascript-url", "javascript:window.__xss=1"),
    Payload("breakout", "'\"--></style></script><script>window.__xss=1</script>"),
    Payload("title-breakout", "</title><script>window.__xss=1</script>"),
    Payload("template", "{{7*7}} ${7*7} {%raw%}#{7*7}"),
    Payload("entities", "&lt;script&gt;window.__xss=1&lt;/script&gt; &amp; &#60;b&#62;"),
    Payload("markdown-link", "[klik](javascript:window.__xss=1) **tebal**"),
    Payload("rtl-override", "laporan\u202efdp.exe"),
    Payload("csv-formula", "=cmd|' /C calc'!A0"),
    Payload("csv-plus", "+cmd|' /C calc'!A0"),
    Payload("csv-minus", "-2+3+cmd|' /C calc'!A0"),
    Payload("csv-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    Payload(
        "ics-lines", "Rapat\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:palsu\r\nDTSTART:20190101"
    ),
    Payload("crlf-header", "Nama\r\nBcc: penyusup@jahat.invalid\r\nX-Disisipkan: 1"),
)

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
# Addresses a link or a resource must never have.
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """The text without any whitespace: how values are compared with what an output shows."""
    return _SPACE.sub("", text)


def shown(value: str, text: str) -> bool:
    """Whether ``value`` appears in ``text`` as it was typed (whitespace aside)."""
    return squash(value) in text


# --- HTML -------------------------------------------------------------------------------------


def _scheme(address: str) -> str:
    # Browsers drop whitespace and control characters inside a scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", address).lower()


def check_html(document: str, *, inline_styles: bool = False) -> str:
    """Fail if the markup holds anything the text could have made; return its shown text.

    The pages carry no inline script or handler (their Content-Security-Policy forbids
    both), so any script without ``src``, any ``on*`` attribute and any script address is
    text that became markup. ``inline_styles``: a mail's HTML part may style its elements.
    """
    tree = html5lib.parse(document, namespaceHTMLElements=False)
    problems: list[str] = []
    texts: list[str] = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        name = tag.rsplit("}", 1)[-1].lower()
        attributes = {str(k).rsplit("}", 1)[-1].lower(): str(v) for k, v in element.attrib.items()}
        if name == "script" and ("src" not in attributes or (element.text or "").strip()):
            problems.append(f"an inline script: {(element.text or '')[:80]!r}")
        if name in ("object", "embed", "base", "frame", "frameset", "math"):
            problems.append(f"a <{name}> element: {attributes}")
        if name == "iframe" and not (
            "sandbox" in attributes and attributes.get("src", "").startswith("/")
        ):
            problems.append(f"an <iframe> that is not the sandboxed notice: {attributes}")
        if name == "style" and not inline_styles:
            problems.append(f"a <style> element: {(element.text or '')[:80]!r}")
        if name == "img" and not attributes.get("src", "").startswith(("/", "data:image/")):
            problems.append(f"an <img> from elsewhere: {attributes}")
        for attribute, value in attributes.items():
            if attribute.startswith("on"):
                problems.append(f"<{name} {attribute}={value[:60]!r}>")
            if (
                attribute in LINK_ATTRIBUTES
                and _scheme(value).startswith(SCRIPT_SCHEMES)
                and not (name == "img" and value.startswith("data:image/"))
            ):
                problems.append(f"<{name} {attribute}={value[:60]!r}>")
            if attribute == "style" and not inline_styles:
                problems.append(f"<{name} style={value[:60]!r}>")
            if attribute == "http-equiv" and value.lower() == "refresh":
                problems.append(f"<{name} http-equiv=refresh>")
            texts.append(value)
        if name not in ("script", "style"):
            texts.append(element.text or "")
        texts.append(element.tail or "")
    assert not problems, "markup made of stored text:\n" + "\n".join(problems)
    # Text nodes joined: a note the page shows a line per paragraph still reads as typed.
    return squash(" ".join(texts))


# --- Atom -------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_TEXT = ("title", "subtitle", "summary", "content", "rights")


def check_atom(document: bytes) -> str:
    """Fail unless the feed is well-formed Atom whose texts are plain text; return its text."""
    root = SafeXml.fromstring(document)
    assert root.tag == f"{ATOM}feed", root.tag
    texts: list[str] = []
    for element in root.iter():
        assert str(element.tag).startswith(ATOM), f"a foreign element in the feed: {element.tag}"
        local = str(element.tag).removeprefix(ATOM)
        if local in ATOM_TEXT:
            # "html" or "xhtml" would make a feed reader render the text as markup.
            assert element.get("type", "text") == "text", (local, element.get("type"))
            assert len(element) == 0, f"<{local}> holds elements"
        texts.append(element.text or "")
        texts.extend(str(v) for v in element.attrib.values())
    return squash("\x00".join(texts))


# --- iCalendar --------------------------------------------------------------------------------

_CONTENT_LINE = re.compile(r"^([A-Z][A-Z0-9-]*)[;:]")


def check_calendar(document: bytes, *, events: int) -> str:
    """Fail unless the calendar has ``events`` VEVENTs and only lines it wrote; return its text.

    A content line starts with a property name; a folded line with a space (RFC 5545 3.1).
    A line break that got into a value unescaped would start a line of its own (END:VEVENT...).
    """
    text = document.decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "a bare line feed"
    lines = text.split("\r\n")
    assert lines[-1] == "", "the calendar does not end with CRLF"
    names = []
    for line in lines[:-1]:
        if line.startswith((" ", "\t")):
            continue
        match = _CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        names.append(match.group(1))
    assert names.count("BEGIN") == names.count("END")
    calendar = Calendar.from_ical(document)
    vevents = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(vevents) == events, f"{len(vevents)} events, not {events}"
    assert names.count("SUMMARY") == events, "a SUMMARY line the text forged"
    values = []
    for component in calendar.walk():
        for value in component.values():
            values.append(str(value))
    return squash("\x00".join(values))


# --- CSV and XLSX -----------------------------------------------------------------------------


def check_csv(document: bytes) -> str:
    """Fail if any cell would run as a formula in a spreadsheet; return the cells' text."""
    rows = list(csv.reader(io.StringIO(document.decode("utf-8-sig"), newline="")))
    assert rows, "an empty CSV"
    width = len(rows[0])
    cells: list[str] = []
    for number, row in enumerate(rows, start=1):
        assert len(row) == width, f"row {number} has {len(row)} cells, the header {width}"
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
                raise AssertionError(f"row {number}: a formula cell {cell[:60]!r}")
            cells.append(cell)
    return squash("\x00".join(cells))


def check_xlsx(document: bytes) -> str:
    """Fail on any formula cell, in any sheet; return the cells' text."""
    workbook = openpyxl.load_workbook(io.BytesIO(document))
    cells: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                cells.append(str(cell.value))
    return squash("\x00".join(cells))


# --- PDF --------------------------------------------------------------------------------------

# Keys that hold a script or an action run without a click, and the action types that run one.
# (An /OpenAction that is a destination array only opens a page at a zoom: fpdf2 writes one.)
ACTION_KEYS = ("/JavaScript", "/JS", "/AA", "/EmbeddedFile", "/RichMedia")
ACTION_TYPES = ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE")


def _walk(value: Any, seen: set[int]) -> Iterable[tuple[str, Any]]:
    if isinstance(value, IndirectObject):
        if value.idnum in seen:
            return
        seen.add(value.idnum)
        value = value.get_object()
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            yield str(key), item
            yield from _walk(item, seen)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, seen)


def check_pdf(document: bytes) -> str:
    """Fail on any action a reader would run (script, launch, link to a script); return text."""
    reader = PdfReader(io.BytesIO(document))
    problems = []
    for key, value in _walk(reader.trailer, set()):
        if key in ACTION_KEYS:
            problems.append(key)
        if key == "/S" and str(value) in ACTION_TYPES:
            problems.append(f"/S {value}")
        if key == "/URI" and _scheme(str(value)).startswith(SCRIPT_SCHEMES):
            problems.append(f"/URI {value}")
    assert not problems, f"actions in the PDF: {problems}"
    return squash("\x00".join(page.extract_text() for page in reader.pages))


# --- mail -------------------------------------------------------------------------------------

MAIL_HEADERS = {
    "subject",
    "from",
    "to",
    "cc",
    "date",
    "message-id",
    "auto-submitted",
    "x-pantau-kind",
    "x-pantau-pact",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}


def check_mail(message: EmailMessage, *, allowed_recipients: set[str]) -> str:
    """Fail on a header or a recipient the text forged, or markup in the HTML part; return the
    subject, the recipients' names and both parts' text."""
    names = {name.lower() for name in message}
    assert names <= MAIL_HEADERS, f"headers no mail of ours has: {names - MAIL_HEADERS}"
    texts = [str(message["Subject"])]
    for header in ("To", "Cc"):
        if message[header] is None:
            continue
        for address in message[header].addresses:
            assert address.addr_spec.lower() in allowed_recipients, (header, address)
            texts.append(address.display_name)
    for value in message.values():
        assert "\n" not in str(value).replace("\r\n ", "").replace("\n ", ""), value
    plain = message.get_body(("plain",))
    assert plain is not None
    texts.append(squash(str(plain.get_content())))
    html = message.get_body(("html",))
    if html is not None:
        texts.append(check_html(str(html.get_content()), inline_styles=True))
    return squash("\x00".join(texts))
