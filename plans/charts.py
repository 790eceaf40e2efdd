"""Server-side SVG charts: no JavaScript library, no CDN; the page's CSS (static/css/plans.css) colours them."""

from __future__ import annotations

import datetime as dt
import math

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from welfare.common.dates import days_in_year

from .dashboard import Trend

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 26


def _n(value: float) -> str:
    return f"{value:.1f}"


def _nice_ceiling(value: float) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return max(1, math.ceil(step * power))
    return math.ceil(value)


def trend_svg(trend: Trend, *, year: int, today: dt.date, title: str) -> SafeString:
    """A line chart of one metric over the plan year: the actual to date against the target's pace.

    Flow metrics: the cumulative actual against a straight line from 0 on 1 January to the target on
    31 December. Stock metrics: the month-end level against a flat target line.
    """
    start, days = dt.date(year, 1, 1), days_in_year(year)
    top = _nice_ceiling(max([trend.target, *(v for _d, v in trend.points)]) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * min(max((day - start).days + 1, 0), days) / days

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = [format_html('<svg class="trend" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', WIDTH, HEIGHT, title, title)]
    for value in (0, top / 2, top):
        parts.append(format_html(
            '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT, _n(y(value)), WIDTH - RIGHT, _n(y(value)), LEFT - 4, _n(y(value) + 4), f"{value:,.0f}"))
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        parts.append(format_html('<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                                 _n(x(first) + plot_w / 24), HEIGHT - 8, month))
    if trend.stock:
        pace = f"{LEFT},{y(trend.target):.1f} {WIDTH - RIGHT},{y(trend.target):.1f}"
    else:
        pace = f"{LEFT},{y(0):.1f} {WIDTH - RIGHT},{y(trend.target):.1f}"
    parts.append(format_html('<polyline class="pace" points="{}"/>', pace))
    if start <= today <= dt.date(year, 12, 31):
        parts.append(format_html('<line class="today" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                                 _n(x(today)), TOP, _n(x(today)), HEIGHT - BOTTOM))
    points = ([] if trend.stock else [(LEFT, y(0))]) + [(x(day), y(value)) for day, value in trend.points]
    if points:
        parts.append(format_html('<polyline class="actual" points="{}"/>',
                                 " ".join(f"{px:.1f},{py:.1f}" for px, py in points)))
        for day, value in trend.points:
            parts.append(format_html('<circle class="actual" cx="{}" cy="{}" r="2.5"><title>{}: {}</title>'
                                     '</circle>', _n(x(day)), _n(y(value)), day.strftime("%Y-%m-%d"), f"{value:,}"))
    parts.append("</svg>")
    # Every part above is a constant or came through format_html, which escaped its values.
    return mark_safe("".join(parts))  # noqa: S308


def before_after_svg(rows: list[tuple[str, float, float]], *, scale_max: float, title: str) -> SafeString:
    """Paired horizontal bars, one pair per row: the mean before (``bar before``) and after (``bar after``) on an
    axis from 0 to ``scale_max`` (the instrument's highest score). Rows are (label, mean before, mean after)."""
    label_h, bar_h, gap = 14, 10, 8
    left, right = 4, 44
    row_h = label_h + 2 * bar_h + gap
    height = max(row_h * len(rows), row_h) + 4
    plot_w = WIDTH - left - right
    top = scale_max if scale_max > 0 else 1

    def w(value: float) -> float:
        return plot_w * min(max(value, 0), top) / top

    parts = [format_html('<svg class="before-after" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', WIDTH, height, title, title)]
    for i, (label, before, after) in enumerate(rows):
        y0 = i * row_h
        parts.append(format_html('<text class="axis" x="{}" y="{}">{}</text>', left, y0 + 11, label))
        for j, (css, value) in enumerate((("before", before), ("after", after))):
            y = y0 + label_h + j * bar_h
            parts.append(format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
                '<text class="axis" x="{}" y="{}">{}</text>',
                css, left, y, _n(w(value)), bar_h - 2, f"{value:.1f}", _n(left + w(value) + 3), y + 8,
                f"{value:.1f}"))
    parts.append("</svg>")
    # Every part above is a constant or came through format_html, which escaped its values.
    return mark_safe("".join(parts))  # noqa: S308
