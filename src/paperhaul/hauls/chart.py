"""A bar chart as hand-written SVG, rendered on the server: no chart library, no script.

The same markup goes inline into a web page and into a file (`paperhaul haul stats --chart`).
It draws with presentation attributes only (no ``style`` attribute, no <style>), which the
site's Content-Security-Policy (``style-src 'self'``) allows; text takes ``currentColor``, so the
chart follows the page's light or dark colours. For screen readers it is one image
(``role="img"``) named by its <title> and described by its <desc>, which lists every value;
each bar also carries a <title>, a tooltip in browsers. Every text is XML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SLOT = 44  # horizontal room per bar
BAR = 28
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 70
PLOT_HEIGHT = 200
MIN_WIDTH = 360
BAR_COLOUR = "#3b73b9"


@dataclass(frozen=True)
class Bar:
    """One bar: ``label`` names it in full (``June 2023``), ``tick`` is its axis text, line by line."""

    label: str
    tick: tuple[str, ...]
    value: int


def nice_step(largest: int, most_ticks: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that puts at most ``most_ticks`` ticks above zero."""
    if largest <= 0:
        return 1
    power = 10 ** max(int(math.log10(largest)) - 1, 0)
    while True:
        for factor in (1, 2, 5):
            if largest <= factor * power * most_ticks:
                return factor * power
        power *= 10


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    unit: str,
    chart_id: str = "chart",
) -> str:
    """The chart as an <svg> element. ``unit`` names what is counted ("papers"), for titles and desc."""
    width = max(LEFT + SLOT * len(bars) + RIGHT, MIN_WIDTH)
    height = TOP + PLOT_HEIGHT + BOTTOM
    values = "; ".join(f"{bar.label}: {bar.value} {unit}" for bar in bars)
    desc = f"{description} {values}." if bars else f"{description} No data yet."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" '
        'font-size="12" fill="currentColor">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    if bars:
        parts += _axes(bars, width, x_label, y_label)
        parts += _bars(bars, unit)
    else:
        parts.append(
            f'<text x="{width / 2}" y="{TOP + PLOT_HEIGHT / 2}" text-anchor="middle">No data yet</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _scale(bars: Sequence[Bar]) -> tuple[int, int]:
    """The step between ticks and the value at the top of the plot."""
    step = nice_step(max(bar.value for bar in bars))
    top = max(step, math.ceil(max(bar.value for bar in bars) / step) * step)
    return step, top


def _y(value: float, top: int) -> float:
    return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top


def _axes(bars: Sequence[Bar], width: int, x_label: str, y_label: str) -> list[str]:
    step, top = _scale(bars)
    base = TOP + PLOT_HEIGHT
    parts = ['<g class="axes" aria-hidden="true">']
    for value in range(0, top + 1, step):
        y = _y(value, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:g}" x2="{width - RIGHT}" y2="{y:g}" stroke="currentColor" '
            f'stroke-opacity="{0.6 if value == 0 else 0.15}"/>'
        )
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:g}" text-anchor="end">{value}</text>')
    for index, bar in enumerate(bars):
        x = LEFT + SLOT * index + SLOT / 2
        lines = "".join(
            f'<tspan x="{x:g}" dy="{0 if n == 0 else 14}">{escape(line)}</tspan>'
            for n, line in enumerate(bar.tick)
        )
        parts.append(f'<text x="{x:g}" y="{base + 18}" text-anchor="middle">{lines}</text>')
    middle = (LEFT + width - RIGHT) / 2
    parts.append(
        f'<text x="{middle:g}" y="{base + BOTTOM - 8}" text-anchor="middle">{escape(x_label)}</text>'
    )
    mid_y = TOP + PLOT_HEIGHT / 2
    parts.append(
        f'<text x="16" y="{mid_y:g}" text-anchor="middle" transform="rotate(-90 16 {mid_y:g})">'
        f"{escape(y_label)}</text>"
    )
    parts.append("</g>")
    return parts


def _bars(bars: Sequence[Bar], unit: str) -> list[str]:
    _, top = _scale(bars)
    base = TOP + PLOT_HEIGHT
    parts = ['<g class="bars">']
    for index, bar in enumerate(bars):
        if bar.value <= 0:
            continue
        x = LEFT + SLOT * index + (SLOT - BAR) / 2
        y = _y(bar.value, top)
        parts.append(
            f'<rect class="bar" x="{x:g}" y="{y:g}" width="{BAR}" height="{base - y:g}" fill="{BAR_COLOUR}" '
            f'data-label="{escape(bar.label)}" data-value="{bar.value}">'
            f"<title>{escape(bar.label)}: {bar.value} {escape(unit)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + BAR / 2:g}" y="{y - 4:g}" text-anchor="middle" aria-hidden="true">'
            f"{bar.value}</text>"
        )
    parts.append("</g>")
    return parts
