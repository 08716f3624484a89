"""The dashboard's chart of pact statuses over time: inline SVG drawn on the server, no script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from tracker.dashboard.queries import MonthStatus
from tracker.pacts.rules import PactStatus

INK = "#1f2328"
GRID = "#d0d7de"
# One fill per status, each with enough contrast against white; the legend and the table
# beside the chart give the same numbers, so nothing depends on telling the colours apart.
STATUS_FILL: dict[PactStatus, str] = {
    PactStatus.ON_TRACK: "#0969da",
    PactStatus.DUE_SOON: "#b58100",
    PactStatus.OVERDUE: "#cf222e",
    PactStatus.FULFILLED: "#1a7f37",
    PactStatus.FULFILLED_LATE: "#4d8b31",
    PactStatus.WITHDRAWN: "#6e7781",
    PactStatus.DECIDED: "#8250df",
    PactStatus.NOT_RECORDED: "#424a53",
    PactStatus.UNDATED: "#953800",
}


def status_chart(
    months: Sequence[MonthStatus],
    *,
    labels: Mapping[PactStatus, str],
    month_labels: Sequence[str],
    title: str,
    description: str,
    chart_id: str,
) -> Markup:
    """Draw one stacked bar per month end: how many pacts had each status then.

    ``labels`` names each status and ``month_labels`` each bar, in the page's language.
    """
    if not months:
        return Markup("")
    shown = [s for s in PactStatus if any(m.counts.get(s, 0) for m in months)]
    peak = max((m.total for m in months), default=0) or 1
    bar_w, left, top, plot_h, bottom = 26, 34, 12, 150, 24
    width = left + bar_w * len(months) + 8
    legend_y = top + plot_h + bottom + 6
    height = legend_y + 18 * len(shown) + 4
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in (0, peak):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{INK}">{tick}</text>'
        )
    for i, (month, label) in enumerate(zip(months, month_labels, strict=True)):
        x = left + i * bar_w + 4
        y = float(top + plot_h)
        for status in shown:
            n = month.counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar_w - 8}" height="{h:.1f}" '
                f'fill="{STATUS_FILL[status]}"><title>{escape(label)}: '
                f"{escape(labels[status])} {n}</title></rect>"
            )
        parts.append(
            f'<text x="{x + (bar_w - 8) / 2:.1f}" y="{top + plot_h + 16}" font-size="10" '
            f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    for j, status in enumerate(shown):
        y = legend_y + 18 * j
        parts.append(
            f'<rect x="{left}" y="{y}" width="12" height="12" fill="{STATUS_FILL[status]}"/>'
            f'<text x="{left + 18}" y="{y + 10}" font-size="11" fill="{INK}">'
            f"{escape(labels[status])}</text>"
        )
    parts.append("</svg>")
    # Every text above went through escape(); the rest are numbers and fixed colours.
    return Markup("".join(parts))  # noqa: S704
