"""Server-rendered SVG charts: geometry computed here, drawn by a template. No JavaScript needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from sigap.analytics.selectors import DayCount


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    n: int
    label: str


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str


def _nice_max(value: int) -> int:
    if value <= 4:
        return 4
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return -(-value // step) * step
    return value


def bar_chart(
    days: list[DayCount],
    *,
    plot_w: int = 640,
    plot_h: int = 160,
    left: int = 34,
    right: int = 18,
    bottom: int = 22,
    top: int = 8,
    label_every: int = 7,
) -> dict:
    """Bars for reports per day (or per week: a ``DayCount`` per week's first day, ``label_every=1``), with y
    ticks and a date label every ``label_every`` bars, the last one labelled."""
    step = max(6, plot_w // max(1, len(days)))
    bar_w, gap = max(4, round(step * 0.75)), step - max(4, round(step * 0.75))
    top_value = _nice_max(max((d.n for d in days), default=0))
    bars, labels = [], []
    for i, d in enumerate(days):
        h = plot_h * d.n / top_value if top_value else 0
        x = left + i * (bar_w + gap)
        bars.append(Bar(x=x, y=top + plot_h - h, w=bar_w, h=h, n=d.n, label=date_format(d.day, "j M")))
        if (len(days) - 1 - i) % label_every == 0:
            labels.append(Tick(pos=x + bar_w / 2, text=date_format(d.day, "j/n")))
    y_ticks = [Tick(pos=top + plot_h - plot_h * f, text=str(round(top_value * f))) for f in (0, 0.5, 1)]
    width = left + len(days) * (bar_w + gap) + right
    return {
        "bars": bars,
        "x_labels": labels,
        "y_ticks": y_ticks,
        "width": width,
        "height": top + plot_h + bottom,
        "axis_y": top + plot_h,
        "left": left,
        "label_y": top + plot_h + 16,
        "total": sum(d.n for d in days),
        "peak": max((d.n for d in days), default=0),
    }
