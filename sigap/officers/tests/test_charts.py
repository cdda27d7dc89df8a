"""The dashboard's server-rendered bar chart (``sigap.officers.charts``): the geometry, the y scale rounded up to a
readable maximum, a date label about once a week ending on the last day. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sigap.analytics.selectors import DayCount
from sigap.officers.charts import _nice_max, bar_chart


def days(*counts: int) -> list[DayCount]:
    start = date(2026, 11, 1)
    return [DayCount(day=start + timedelta(days=i), n=n) for i, n in enumerate(counts)]


@pytest.mark.parametrize(
    ("peak", "top"),
    [(0, 4), (3, 4), (4, 4), (5, 5), (7, 10), (19, 20), (21, 30), (99, 100), (101, 150), (30_000, 30_000)],
)
def test_the_scale_is_rounded_up_to_a_readable_maximum(peak, top):
    assert _nice_max(peak) == top


def test_bars_are_drawn_from_the_axis_up_in_proportion_to_the_scale():
    chart = bar_chart(days(0, 2, 4), plot_w=300, plot_h=100, left=10, top=5)
    bars = chart["bars"]
    assert [b.n for b in bars] == [0, 2, 4]
    assert [b.h for b in bars] == [0, 50, 100]  # the scale's top is 4
    assert all(b.y + b.h == chart["axis_y"] == 105 for b in bars)
    assert bars[0].x == 10 and bars[1].x - bars[0].x == bars[2].x - bars[1].x == 100
    assert (chart["total"], chart["peak"]) == (6, 4)
    assert [t.text for t in chart["y_ticks"]] == ["0", "2", "4"]


def test_a_date_label_every_seventh_day_counted_back_from_the_last():
    chart = bar_chart(days(*[1] * 15))
    labelled = [t.text for t in chart["x_labels"]]
    assert labelled == ["1/11", "8/11", "15/11"]


def test_an_empty_period_draws_an_empty_chart():
    chart = bar_chart([])
    assert chart["bars"] == [] and chart["total"] == 0 and chart["peak"] == 0
    assert chart["width"] == 34 + 18 and chart["height"] == 8 + 160 + 22
