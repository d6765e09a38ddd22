"""The markdown adapter on the real RMS open-letter snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.adapters.markdown import MARKDOWN
from scrapers.errors import NoSignersFound

RMS = Path(__file__).parent / "fixtures" / "rms_open_letter_2021_gitsnapshots"
URL = "https://rms-open-letter.github.io/"


def _parse(name: str):
    return MARKDOWN.parse((RMS / name).read_bytes(), URL, {})


def test_markdown_first_and_last_signers_of_the_final_snapshot():
    result = _parse("index.md__2827__9cc2b97da2.md")
    first, last = result.signers[0], result.signers[-1]
    assert (first.name, first.affiliation) == ("Molly de Blanc", "Debian Project, GNOME Foundation")
    assert first.raw == "Molly de Blanc (Debian Project, GNOME Foundation)"
    assert result.listed_count == 3080
    assert last.name == result.signers[3079].name


def test_markdown_first_snapshot_bullets_after_signed_marker():
    result = _parse("index.md__0050__8c732e0c21.md")
    assert result.signers[0].name == "Molly de Blanc"
    assert result.signers[-1].name == "Zach van Rijn"
    assert result.reported_count is None


def test_markdown_title_from_front_matter():
    result = _parse("index.md__2827__9cc2b97da2.md")
    assert result.title == (
        "An open letter to remove Richard M. Stallman from all leadership positions"
    )


def test_markdown_lists_before_the_signature_marker_are_not_signers():
    text = (
        b"# Open letter\n\nWe demand:\n\n1. That the board resigns immediately and publicly.\n"
        b"2. That the bylaws are changed.\n\n## Signatories\n\n- Ada Lovelace (Engines)\n"
        b"- Grace Hopper\n"
    )
    result = MARKDOWN.parse(text, URL, {})
    assert [s.name for s in result.signers] == ["Ada Lovelace", "Grace Hopper"]
    assert result.title == "Open letter"


def test_markdown_without_marker_keeps_name_like_lists_only():
    text = (
        b"Our demands:\n\n- Release the full report to the public without delay.\n"
        b"- Commit to an independent review of every decision made this year.\n\n"
        b"Thanks to\n\n* Ada Lovelace, Engines\n* Grace Hopper\n* Alan Turing\n"
    )
    names = [s.name for s in MARKDOWN.parse(text, URL, {}).signers]
    assert names == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]


def test_markdown_prose_count_is_reported():
    text = b"So far 1 140 people have signed.\n\nSigned,\n\n- Ada Lovelace\n"
    assert MARKDOWN.parse(text, URL, {}).reported_count == 1140


def test_markdown_text_without_list_or_count_raises_no_signers_found():
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(b"# Notes\n\nNothing to see here.\n", URL, {})
