"""Chart data: server-side downsampling, signing rates, sparkline and SVG geometry.

Downsampling keeps, per bucket of consecutive points, the first and last point and the
points where each series reaches its minimum and maximum. Every kept point is a real
observation, so a monotone count keeps its exact endpoints and the step at every bucket edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_CHART_POINTS = 2000
Point = tuple[Any, ...]


def downsample(points: Sequence[Point], max_points: int = MAX_CHART_POINTS) -> list[Point]:
    """At most ``max_points`` of ``points`` (time first, then numeric series), time order kept."""
    if len(points) <= max_points:
        return list(points)
    # Optimistic first: a monotone series keeps only two points per bucket.
    kept = _bucketed(points, max_points // 2)
    if len(kept) <= max_points:
        return kept
    return _bucketed(points, max_points // (2 + 2 * (len(points[0]) - 1)))


def _bucketed(points: Sequence[Point], buckets: int) -> list[Point]:
    series = len(points[0]) - 1
    bucket_size = math.ceil(len(points) / max(1, buckets))
    kept: list[Point] = []
    for start in range(0, len(points), bucket_size):
        bucket = points[start:start + bucket_size]
        kept.extend(bucket[i] for i in sorted(_extreme_indexes(bucket, series)))
    return kept


def _extreme_indexes(bucket: Sequence[Point], series: int) -> set[int]:
    keep = {0, len(bucket) - 1}
    for column in range(1, series + 1):
        present = [(p[column], i) for i, p in enumerate(bucket) if p[column] is not None]
        if present:
            keep.add(min(present)[1])
            keep.add(max(present)[1])
    return keep


def headline_series(points: Sequence[Point]) -> list[tuple[datetime, int]]:
    """(time, count) using the reported count, else the listed count; blanks left out."""
    pairs = ((p[0], p[1] if p[1] is not None else p[2]) for p in points)
    return [(at, count) for at, count in pairs if count is not None]


def hourly_rates(points: Sequence[tuple[datetime, int]]) -> list[tuple[datetime, float]]:
    """Signatures per hour between consecutive points, stamped at the later point."""
    rates = []
    for (t0, c0), (t1, c1) in zip(points, points[1:], strict=False):
        hours = (t1 - t0).total_seconds() / 3600
        if hours > 0:
            rates.append((t1, round((c1 - c0) / hours, 2)))
    return rates


def epoch(value: datetime) -> int:
    return int(value.timestamp())


def chart_payload(points: Sequence[Point]) -> dict[str, Any]:
    """uPlot's column arrays: [times in epoch seconds, reported, listed] plus rates."""
    rates = hourly_rates(headline_series(points))
    return {
        "x": [epoch(p[0]) for p in points],
        "reported": [p[1] for p in points],
        "listed": [p[2] for p in points],
        "rate_x": [epoch(t) for t, _ in rates],
        "rate": [r for _, r in rates],
    }


@dataclass(frozen=True)
class SvgPlot:
    """A step line fitted into a width x height box, with its axis labels."""

    width: int
    height: int
    path: str
    y_max: int
    y_min: int
    start: datetime | None
    end: datetime | None


def step_plot(points: Sequence[tuple[datetime, int]], width: int, height: int,
              pad: int = 0) -> SvgPlot:
    """The path of a step line (horizontal then vertical) through ``points``."""
    if not points:
        return SvgPlot(width, height, "", 0, 0, None, None)
    t0, t1 = epoch(points[0][0]), epoch(points[-1][0])
    lo, hi = min(c for _, c in points), max(c for _, c in points)

    def xy(at: datetime, count: int) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * ((epoch(at) - t0) / (t1 - t0) if t1 > t0 else 1.0)
        y = height - pad - (height - 2 * pad) * ((count - lo) / (hi - lo) if hi > lo else 0.5)
        return round(x, 1), round(y, 1)

    x, y = xy(*points[0])
    parts = [f"M{x},{y}"]
    for at, count in points[1:]:
        nx, ny = xy(at, count)
        parts.append(f"H{nx}V{ny}")
    return SvgPlot(width, height, "".join(parts), hi, lo, points[0][0], points[-1][0])


def sparkline_path(counts: Sequence[int], width: int = 120, height: int = 24) -> str:
    """An SVG polyline ``points`` attribute for evenly spaced counts."""
    if len(counts) < 2:
        return ""
    lo, hi = min(counts), max(counts)
    step = width / (len(counts) - 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 1 - (height - 2) * ((c - lo) / (hi - lo) if hi > lo else 0.5), 1)}"  # noqa: E501
        for i, c in enumerate(counts)
    )


def aligned_curves(series: dict[str, Sequence[tuple[datetime, int]]]
                   ) -> dict[str, list[tuple[float, int]]]:
    """Each curve as (hours since its own first observation, count)."""
    aligned = {}
    for name, points in series.items():
        if points:
            start = points[0][0]
            aligned[name] = [(round((at - start).total_seconds() / 3600, 3), count)
                             for at, count in points]
    return aligned
