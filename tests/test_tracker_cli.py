"""`signwatch preview`, `poll`, `backfill` and `demo` as a user runs them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models import Letter, Snapshot
from tests.tracking import FIXTURES, serve_first_rms

UK = FIXTURES / "uk_petition_241584_evilneuro_gitscrape"


@pytest.fixture
def served_letter(httpserver) -> str:
    return serve_first_rms(httpserver)


def test_preview_json_prints_the_documented_keys(runner, session, served_letter) -> None:
    result = runner.invoke(args=["preview", served_letter, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"kind", "url", "title", "reported_count", "listed_count", "signers"} <= set(doc)
    assert (doc["kind"], doc["reported_count"], doc["listed_count"]) == ("markdown", None, 220)
    assert doc["signers"][0]["name"] == "Molly de Blanc"
    assert session.scalar(select(func.count()).select_from(Letter)) == 0


def test_preview_refused_address_is_one_clear_line(app, runner) -> None:
    app.config["ALLOW_PRIVATE_URLS"] = False
    result = runner.invoke(args=["preview", "http://127.0.0.1:9/x"])
    assert result.exit_code == 1
    assert "disallowed_url" in result.output


def test_poll_named_letter_prints_one_line(runner, served_letter) -> None:
    runner.invoke(args=["letters", "add", served_letter, "--slug", "rms"])
    result = runner.invoke(args=["poll", "rms"])
    assert result.exit_code == 0, result.output
    assert "rms: - stated, 220 listed" in result.output
    assert "[first]" in result.output


def test_poll_enriches_new_signers(runner, session, served_letter) -> None:
    from models import Facet, Signature

    runner.invoke(args=["letters", "add", served_letter, "--slug", "rms"])
    assert runner.invoke(args=["poll", "rms"]).exit_code == 0
    enriched = session.scalar(select(func.count(func.distinct(Facet.signature_id))))
    signers = session.scalar(select(func.count()).select_from(Signature))
    assert 0 < enriched <= signers == 220


def test_poll_unknown_slug_fails(runner) -> None:
    result = runner.invoke(args=["poll", "nope"])
    assert result.exit_code == 1
    assert "no letter named nope" in result.output


def test_backfill_sorts_captures_and_records_each(runner, session) -> None:
    runner.invoke(args=["letters", "add", "https://petition.parliament.uk/petitions/241584.json",
                        "--slug", "brexit", "--kind", "uk-parliament"])
    later = f"{UK / '241584-data_latest__20190324T053609.json'}@2019-03-24T05:36:09Z"
    earlier = f"{UK / '241584-data_latest__20190323T170209.json'}@2019-03-23T17:02:09Z"
    result = runner.invoke(args=["backfill", "brexit", later, earlier])
    assert result.exit_code == 0, result.output
    counts = session.scalars(select(Snapshot.reported_count)
                             .order_by(Snapshot.observed_at)).all()
    assert counts == [4456315, 4795757]


def test_backfill_directory_reads_times_from_names(runner, session, tmp_path) -> None:
    captures = tmp_path / "captures"
    captures.mkdir()
    for name in ("241584-data_latest__20190323T170209.json",
                 "241584-data_latest__20190325T190619.json"):
        (captures / name).write_bytes((UK / name).read_bytes())
    runner.invoke(args=["letters", "add", "https://petition.parliament.uk/petitions/241584.json",
                        "--slug", "brexit"])
    result = runner.invoke(args=["backfill", "brexit", str(captures)])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Snapshot)) == 2


def test_backfill_refuses_times_before_history(runner) -> None:
    runner.invoke(args=["letters", "add", "https://example.org/p.json", "--slug", "p"])
    path = UK / "241584-data_latest__20190324T053609.json"
    assert runner.invoke(args=["backfill", "p", f"{path}@2019-03-24T05:36:09Z"]).exit_code == 0
    again = runner.invoke(args=["backfill", "p", f"{path}@2019-03-20T00:00:00Z"])
    assert again.exit_code == 1
    assert "is not after the letter's newest snapshot" in again.output


@pytest.mark.parametrize("arg", ["nofile.json@2020-01-01T00:00:00", "x.json", "{}@yesterday"])
def test_backfill_bad_capture_is_refused(runner, arg, tmp_path) -> None:
    runner.invoke(args=["letters", "add", "https://example.org/p", "--slug", "p"])
    result = runner.invoke(args=["backfill", "p", arg.format(tmp_path)])
    assert result.exit_code == 1


def test_demo_loads_real_letters_once(runner, session) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "rms-open-letter-2021: 8 real snapshots" in first.output
    latest = dict(session.execute(
        select(Letter.slug, func.max(Snapshot.reported_count)).join(Snapshot)
        .group_by(Letter.slug)).all())
    assert latest["uk-petition-241584-revoke-article-50"] == 6078985
    assert latest["mozilla-ai-safety-openness-2023"] == 1662
    assert latest["uc-socscihum-faculty-letter-2026"] == 935
    assert "loaded already" in runner.invoke(args=["demo"]).output
