"""Poll intervals as people write them: 90s, 15m, 1h, 2d, 1h30m."""

from __future__ import annotations

import re

MIN_INTERVAL_S = 60
MAX_INTERVAL_S = 30 * 24 * 3600
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)\s*([smhd])")


def parse_interval(text: str) -> int:
    """Seconds in ``text``; ValueError with a readable message when it is not an interval."""
    cleaned = text.strip().lower().replace(" ", "")
    if len(cleaned) > 32:
        raise ValueError("an interval is at most 32 characters (try 90s, 15m, 1h or 1d)")
    if cleaned.isdigit():
        cleaned += "s"
    parts = _PART.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"{text!r} is not an interval (try 90s, 15m, 1h or 1d)")
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        raise ValueError(f"{text!r} is outside 1m..30d")
    return seconds


def format_interval(seconds: int) -> str:
    """The shortest exact spelling: 900 -> 15m, 5400 -> 1h30m."""
    out = []
    for unit in ("d", "h", "m", "s"):
        count, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if count:
            out.append(f"{count}{unit}")
    return "".join(out) or "0s"
