"""Poll intervals as people write them."""

from __future__ import annotations

import pytest

from tracker.intervals import format_interval, parse_interval


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h30m", 5400),
                                               ("2d", 172800), ("600", 600), (" 1 h ", 3600)])
def test_parse_interval_reads_common_spellings(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15x", "m15", "1h-", "9" * 5000])
def test_parse_interval_refuses_with_a_readable_message(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)


def test_format_interval_round_trips() -> None:
    for seconds in (60, 900, 5400, 86400, 90061):
        assert parse_interval(format_interval(seconds)) == seconds
