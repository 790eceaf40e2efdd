"""A small server-side SVG line chart over days (no JavaScript, no CDN): series of dated values, a few guide
lines (thresholds), and the points to highlight. The page's CSS colours it (``svg.linechart`` classes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 22


@dataclass(frozen=True)
class Point:
    at: dt.datetime | dt.date
    value: float
    flagged: bool = False  # drawn as a highlighted point (out of range)
    label: str = ""  # the point's tooltip


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]
    css: str = "s1"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _day(at: dt.datetime | dt.date) -> dt.date:
    return at.date() if isinstance(at, dt.datetime) else at


def _hours(at: dt.datetime | dt.date, start: dt.date) -> float:
    if isinstance(at, dt.datetime):
        at = at.replace(tzinfo=None)
        return (at - dt.datetime.combine(start, dt.time())).total_seconds() / 3600
    return (at - start).days * 24 + 12


def line_chart_svg(series: Sequence[Series], *, start: dt.date, end: dt.date, title: str,
                   guides: Sequence[float] = ()) -> SafeString:
    """A line per series from ``start`` to ``end`` (both days shown; datetimes are read as local wall times),
    a dashed line at each guide value, axis labels at the bottom, middle and top."""
    values = [p.value for s in series for p in s.points] + list(guides)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad
    if min((p.value for s in series for p in s.points), default=0) >= 0:
        low = max(low, 0.0)
    span_hours = max(((end - start).days + 1) * 24, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at) -> float:
        return LEFT + plot_w * min(max(_hours(at, start), 0), span_hours) / span_hours

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = [format_html('<svg class="linechart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', WIDTH, HEIGHT, title, title)]
    for value in (low, (low + high) / 2, high):
        parts.append(format_html(
            '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT, _n(y(value)), WIDTH - RIGHT, _n(y(value)), LEFT - 4, _n(y(value) + 3), f"{value:,.0f}"))
    for value in guides:
        parts.append(format_html('<line class="guide" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                                 LEFT, _n(y(value)), WIDTH - RIGHT, _n(y(value))))
    middle = start + (end - start) / 2
    for day, anchor in ((start, "start"), (middle, "middle"), (end, "end")):
        parts.append(format_html('<text class="axis" x="{}" y="{}" text-anchor="{}">{}</text>',
                                 _n(x(day) if day != end else WIDTH - RIGHT), HEIGHT - 6, anchor, f"{day:%m-%d}"))
    for s in series:
        points = sorted(s.points, key=lambda p: _hours(p.at, start))
        if len(points) > 1:
            parts.append(format_html('<polyline class="{}" points="{}"/>', s.css,
                                     " ".join(f"{x(p.at):.1f},{y(p.value):.1f}" for p in points)))
        for p in points:
            parts.append(format_html(
                '<circle class="{}{}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
                s.css, " flagged" if p.flagged else "", _n(x(p.at)), _n(y(p.value)), 3.5 if p.flagged else 2.2,
                p.label or f"{_day(p.at):%Y-%m-%d} {p.value:,g}"))
    parts.append("</svg>")
    # Every part above is a constant or came through format_html, which escaped its values.
    return mark_safe("".join(parts))  # noqa: S308
