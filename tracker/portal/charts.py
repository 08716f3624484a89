"""Small charts drawn on the server as inline SVG: no script, no library, no network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from tracker.assessments.rules import Zone

# Fills with enough contrast against white for the bars, and dark text beside them.
ZONE_FILL = {Zone.GREEN: "#1a7f37", Zone.YELLOW: "#b58100", Zone.RED: "#cf222e"}
NO_ZONE_FILL = "#6e7781"
INK = "#1f2328"
GRID = "#d0d7de"


@dataclass(frozen=True)
class Bar:
    """One year's score: the label under the bar and its zone's colour."""

    label: str
    value: Decimal
    zone: Zone | None
    # The value as the page's language writes it (81,22 in Indonesian).
    value_label: str


def score_chart(bars: Sequence[Bar], *, title: str, description: str, chart_id: str) -> Markup:
    """Draw scores (0-100) as a bar per year, coloured by zone, with the value above each bar.

    The SVG is an image with a title and a description for screen readers; the page also
    shows the same numbers in a table, so nothing depends on seeing the colours.
    """
    if not bars:
        return Markup("")
    width_per_bar, left, top, bottom, plot_h = 56, 36, 20, 28, 140
    width = left + width_per_bar * len(bars) + 8
    height = top + plot_h + bottom
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in (0, 50, 100):
        y = top + plot_h - plot_h * tick / 100
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{INK}">{tick}</text>'
        )
    for i, bar in enumerate(bars):
        value = max(Decimal(0), min(Decimal(100), bar.value))
        h = float(value) / 100 * plot_h
        x = left + i * width_per_bar + 10
        y = top + plot_h - h
        fill = ZONE_FILL.get(bar.zone, NO_ZONE_FILL) if bar.zone else NO_ZONE_FILL
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="{width_per_bar - 20}" height="{h:.1f}" '
            f'fill="{fill}"/>'
            f'<text x="{x + (width_per_bar - 20) / 2:.1f}" y="{y - 4:.1f}" font-size="11" '
            f'text-anchor="middle" fill="{INK}">{escape(bar.value_label)}</text>'
            f'<text x="{x + (width_per_bar - 20) / 2:.1f}" y="{top + plot_h + 16}" '
            f'font-size="11" text-anchor="middle" fill="{INK}">{escape(bar.label)}</text>'
        )
    parts.append("</svg>")
    # Every text above went through escape(); the rest are numbers and fixed colours.
    return Markup("".join(parts))  # noqa: S704
