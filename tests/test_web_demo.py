"""The bundled real demo letters as a newcomer sees them."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(runner) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0


def test_demo_index_shows_real_counts_and_paused(client, demo) -> None:
    body = client.get("/").get_data(as_text=True)
    for count in ("3,080", "1,662", "6,078,985", "935"):
        assert count in body
    assert body.count("status-paused") == 5


def test_demo_letter_without_stated_total_says_names_listed(client, demo) -> None:
    body = client.get("/letters/rms-open-letter-2021").get_data(as_text=True)
    assert "3,080 names listed</strong> (the page states no total)" in body
    uk = client.get("/letters/uk-petition-241584-revoke-article-50").get_data(as_text=True)
    assert "6,078,985 signatures</strong>" in uk


def test_demo_discharge_petition_party_composition(client, demo) -> None:
    """Real: the 215 signers of the 2025 House discharge petition, by their printed party."""
    data = client.get("/api/v1/letters/us-house-discharge-petition-9-2025/composition"
                      "?facet=signer_party").get_json()["data"]
    assert (data["denominator"], data["known"], data["unknown"]) == (215, 215, 0)
    assert {v["value"]: v["signers"] for v in data["values"]} == {"Democratic": 211,
                                                                  "Republican": 4}


def test_demo_on_a_database_never_migrated_sets_it_up_first(tmp_path) -> None:
    from app import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "TESTING": True,
                      "SECRET_KEY": "test"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "rms-open-letter-2021: 8 real snapshots" in result.output
