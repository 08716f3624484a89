"""Where each character of a PDF the app makes is drawn, and which ones fall off the page.

pypdf's ``visitor_text`` gives each piece of text with the text matrix (its start point and its
scale) and the font; the advance of each character comes from the font's own metrics: the app's
PDFs are set in the vendored DejaVu Sans (``tracker/notifications/fonts``), read here with
fontTools (a dependency of fpdf2). A character is outside the printable area when its box, from
its start to its advance, crosses the margin given.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader

FONT_DIR = Path(__file__).resolve().parents[1] / "tracker" / "notifications" / "fonts"
MM = 72 / 25.4


@dataclass(frozen=True)
class Glyph:
    """One character drawn on a page, its box in points from the page's bottom-left corner."""

    page: int
    char: str
    left: float
    right: float
    baseline: float
    text: str  # the piece of text it belongs to, to name it in a failure

    def __str__(self) -> str:
        return (
            f"page {self.page}: {self.char!r} at x {self.left / MM:.1f}-{self.right / MM:.1f} mm, "
            f"y {self.baseline / MM:.1f} mm in {self.text!r}"
        )


@cache
def _metrics(bold: bool) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")))
    cmap = font.getBestCmap()
    return cmap, font["hmtx"].metrics, font["head"].unitsPerEm


def _advance(char: str, bold: bool) -> float:
    """The advance of ``char`` in text-space units of a 1-point font."""
    cmap, widths, per_em = _metrics(bold)
    glyph = cmap.get(ord(char), ".notdef")
    return widths.get(glyph, widths[".notdef"])[0] / per_em


def glyphs(pdf: bytes) -> list[Glyph]:
    """Every character drawn in ``pdf``, with its box (page numbers from 1)."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[Glyph] = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: Any,
            size: float,
            number: int = number,
        ) -> None:
            if not text or not text.strip():
                return
            base = str((font or {}).get("/BaseFont", ""))
            if "DejaVu" not in base:
                raise AssertionError(f"page {number}: text set in an unknown font {base!r}")
            bold = "Bold" in base
            scale = size * tm[0] * cm[0]
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            for char in text:
                if char in "\r\n":
                    continue
                width = _advance(char, bold) * scale
                found.append(Glyph(number, char, x, x + width, y, text.strip()))
                x += width

        page.extract_text(visitor_text=visit)
    return found


def page_size(pdf: bytes) -> tuple[float, float]:
    """The first page's width and height in points."""
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def outside(
    pdf: bytes, *, side_mm: float, top_mm: float = 10, bottom_mm: float = 10
) -> list[Glyph]:
    """The characters of ``pdf`` that cross the left or right margin, or the top or bottom one.

    Half a point of slack: a line that ends exactly at the margin is inside.
    """
    width, height = page_size(pdf)
    slack = 0.5
    low, high = side_mm * MM - slack, width - side_mm * MM + slack
    bottom, top = bottom_mm * MM - slack, height - top_mm * MM + slack
    return [
        g
        for g in glyphs(pdf)
        if g.left < low or g.right > high or g.baseline < bottom or g.baseline > top
    ]
