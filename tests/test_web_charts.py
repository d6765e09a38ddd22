"""Server-side chart data: downsampling, rates, step paths, milestones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from web.charts import chart_payload, downsample, hourly_rates, sparkline_path, step_plot
from web.pages import milestone_step, milestones

UK_HISTORY = (Path(__file__).parent / "fixtures" / "uk_petition_241584_evilneuro_gitscrape"
              / "241584-count_historical__HEAD.json")


def uk_points() -> list[tuple[datetime, int, None]]:
    """The real count history of UK petition 241584 (3,015 scraped points, 2019)."""
    rows = json.loads(UK_HISTORY.read_text())
    return [(datetime.fromisoformat(r["updated_at"]).replace(tzinfo=UTC),
             r["signature_count"], None) for r in rows]


def test_downsample_uk_petition_keeps_exact_endpoints_and_extremes() -> None:
    points = uk_points()
    assert len(points) == 3015
    kept = downsample(points, 2000)
    assert len(kept) <= 2000
    assert kept[0] == points[0] and kept[-1] == points[-1]
    assert kept[0][1] == 7346 and kept[-1][1] == 6078985
    assert all(point in points for point in kept)  # every kept point is a real observation
    assert [p[0] for p in kept] == sorted(p[0] for p in kept)
    assert max(p[1] for p in kept) == max(p[1] for p in points)


def test_downsample_monotone_series_keeps_every_bucket_edge() -> None:
    # Synthetic monotone series: 100,000 steps of +1 a minute.
    start = datetime(2020, 2, 17, tzinfo=UTC)
    points = [(start + timedelta(minutes=i), i, i) for i in range(100_000)]
    kept = downsample(points, 2000)
    assert 1900 < len(kept) <= 2000
    counts = [p[1] for p in kept]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 99_999


def test_downsample_short_series_is_unchanged() -> None:
    points = uk_points()[:10]
    assert downsample(points, 2000) == points


def test_hourly_rates_between_real_points() -> None:
    points = [(p[0], p[1]) for p in uk_points()[5:7]]
    # 87,350 at 20:01:00 -> 100,000 at 20:33:35 on 20 Mar 2019: 12,650 in 0.5431 h.
    assert hourly_rates(points) == [(points[1][0], 23294.12)]


def test_chart_payload_columns_align() -> None:
    payload = chart_payload(uk_points()[:4])
    assert payload["x"][0] == 1552521406 and payload["reported"] == [7346, 7366, 7845, 10000]
    assert len(payload["rate"]) == 2  # the first two points share a time: no rate


def test_step_plot_and_sparkline_geometry() -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    plot = step_plot([(start, 0), (start + timedelta(hours=1), 10)], 100, 50)
    assert plot.path == "M0.0,50.0H100.0V0.0"
    assert sparkline_path([1, 2]) == "0.0,23.0 120.0,1.0"


def test_milestones_mark_first_observation_past_each_thousand() -> None:
    points = [(p[0], p[1]) for p in uk_points()]
    assert milestone_step(6078985) == 100_000
    passed = milestones(points)
    assert passed[0].title == "Passed 100,000 signatures"
    assert passed[0].at == datetime(2019, 3, 20, 20, 33, 35, tzinfo=UTC)
    assert len(passed) == 60
