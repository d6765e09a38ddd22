"""`signwatch backfill SLUG --wayback [--from] [--to]` as a user runs it (#17 part A)."""

from __future__ import annotations

from sqlalchemy import func, select

from app import read_environment
from models import Snapshot
from tests.wayback import WaybackStandIn
from tracker.demo import DEMO_LETTERS
from tracker.wayback import WaybackSettings, wayback_settings

RMS = DEMO_LETTERS[0]


def serve_rms(httpserver, app) -> WaybackStandIn:
    standin = WaybackStandIn(httpserver)
    for capture in RMS.capture_list():
        standin.add_file(RMS.url, capture.at, capture.path)
    app.config["WAYBACK_URL"] = standin.base_url
    return standin


def test_backfill_wayback_prints_each_capture_and_a_summary(app, runner, session,
                                                            httpserver) -> None:
    serve_rms(httpserver, app)
    runner.invoke(args=["letters", "add", RMS.url, "--slug", "rms", "--kind", "markdown"])
    result = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("2021-03-23T21:13:11+00:00 rms: - stated, 220 listed [first]")
    assert lines[-1] == "8 captures: 8 recorded"
    assert session.scalar(select(func.count()).select_from(Snapshot)) == 8


def test_backfill_wayback_again_skips_what_it_read(app, runner, httpserver) -> None:
    serve_rms(httpserver, app)
    runner.invoke(args=["letters", "add", RMS.url, "--slug", "rms", "--kind", "markdown"])
    runner.invoke(args=["backfill", "rms", "--wayback", "--to", "20210324"])
    result = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "8 captures: 4 skipped, 4 recorded"


def test_backfill_wayback_cdx_failure_is_one_clear_line(app, runner, httpserver) -> None:
    standin = serve_rms(httpserver, app)
    standin.refuse_next.append(("/cdx/", 429, "3600"))
    runner.invoke(args=["letters", "add", RMS.url, "--slug", "rms", "--kind", "markdown"])
    result = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert result.exit_code == 1
    assert "rate_limited" in result.output and "run the same command again" in result.output


def test_backfill_needs_files_or_wayback_and_checks_its_times(runner) -> None:
    assert "give CAPTURE files, or --wayback" in runner.invoke(args=["backfill", "x"]).output
    result = runner.invoke(args=["backfill", "x", "--wayback", "--from", "15 Aug"])
    assert result.exit_code == 2 and "is not a time like 20230815" in result.output
    assert runner.invoke(args=["backfill", "x", "--wayback", "--from", "2021-03-24"]).output \
        .strip().endswith("no letter named 'x' (see: signwatch letters list)")
    result = runner.invoke(args=["backfill", "x", "f.html@2020-01-01", "--to", "2020"])
    assert "--from and --to go with --wayback" in result.output


def test_backfill_wayback_unknown_slug_fails(runner) -> None:
    result = runner.invoke(args=["backfill", "nope", "--wayback"])
    assert result.exit_code == 1 and "no letter named 'nope'" in result.output


def test_wayback_settings_come_from_signwatch_variables() -> None:
    config = read_environment({"SIGNWATCH_WAYBACK_URL": "http://127.0.0.1:8080",
                               "SIGNWATCH_WAYBACK_CAPTURES_PER_MINUTE": "30"})
    assert wayback_settings(config) == WaybackSettings("http://127.0.0.1:8080", 20, 30)
    assert wayback_settings({}) == WaybackSettings("https://web.archive.org", 20, 60)


def test_backfill_wayback_ctrl_c_keeps_what_was_read(app, runner, session, httpserver,
                                                     monkeypatch) -> None:
    import tracker.wayback

    serve_rms(httpserver, app)
    runner.invoke(args=["letters", "add", RMS.url, "--slug", "rms", "--kind", "markdown"])
    real, calls = tracker.wayback.backfill_capture, []

    def interrupted_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(tracker.wayback, "backfill_capture", interrupted_third)
    result = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert result.exit_code == 130
    assert "interrupted: what was read is kept" in result.output
    assert session.scalar(select(func.count()).select_from(Snapshot)) == 2
    monkeypatch.setattr(tracker.wayback, "backfill_capture", real)
    again = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert again.output.strip().splitlines()[-1] == "8 captures: 2 skipped, 6 recorded"
