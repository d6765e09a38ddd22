"""Signers printed as paragraph lines or <br> lines (issue #14 point 1).

The pages are SYNTHETIC, written like the Justice Department alumni statements: the letter's
prose, then "Signed," and one signer per <p> or per <br> line with a leading dash. The names
are invented.
"""

from __future__ import annotations

import pytest

from scrapers.adapters.html_page import HTML
from scrapers.errors import NoSignersFound

URL = "https://example.org/doj-alumni-statement"
LETTER = (
    "<p>We, the undersigned, are alumni of the Department of Justice who served under both "
    "parties.</p><p>For decades, the Department has protected the rule of law, and it must "
    "continue to do so.</p><p>Dear Attorney General:</p>"
)
SIGNERS = [
    "\u2014 Alma Brightwater, former Assistant United States Attorney, District of Oregon, "
    "served for 12 years under Bush II, Clinton.",
    "\u2014 Tomas de la Vega, former Trial Attorney, Civil Rights Division, 1998-2006.",
    "\u2022 Priya Okonkwo-Hale, former Deputy Chief, Criminal Division.",
    "12. Jonah Q. Whitfield, former Special Agent, FBI, served under Obama.",
]


def _page(body: str) -> bytes:
    return f"<html><body><article>{body}</article></body></html>".encode()


def _names(body: str) -> list[str]:
    return [s.name for s in HTML.parse(_page(body), URL, {}).signers]


def test_html_lines_paragraph_run_after_the_letter():
    body = LETTER + "<p>Signed,</p>" + "".join(f"<p>{line}</p>" for line in SIGNERS)
    result = HTML.parse(_page(body), URL, {})
    assert [s.name for s in result.signers] == [
        "Alma Brightwater", "Tomas de la Vega", "Priya Okonkwo-Hale", "Jonah Q. Whitfield",
    ]
    assert result.signers[0].raw == SIGNERS[0]
    assert result.signers[0].affiliation.startswith("former Assistant United States Attorney")


def test_html_lines_br_block_of_signers():
    body = LETTER + "<p>" + "<br>".join(SIGNERS) + "</p>"
    names = _names(body)
    assert names == [
        "Alma Brightwater", "Tomas de la Vega", "Priya Okonkwo-Hale", "Jonah Q. Whitfield",
    ]


def test_html_lines_letter_text_alone_gives_no_list():
    with pytest.raises(NoSignersFound):
        HTML.parse(_page(LETTER + "<p>Thank you for your attention.</p>"), URL, {})


def test_html_lines_prose_with_br_gives_no_list():
    prose = "<p>In 2019, the office changed.<br>We wrote, again, to ask.<br>It did not reply.</p>"
    with pytest.raises(NoSignersFound):
        HTML.parse(_page(LETTER + prose), URL, {})


def test_html_lines_selector_mode_strips_markers_keeps_raw():
    body = "<div class='s'>" + "".join(f"<p>{line}</p>" for line in SIGNERS) + "</div>"
    result = HTML.parse(_page(body), URL, {"selector": "div.s p"})
    assert result.signers[0].name == "Alma Brightwater"
    assert result.signers[3].name == "Jonah Q. Whitfield"
    assert result.signers[3].raw == SIGNERS[3]


def test_html_lines_numbered_sections_running_on_are_one_list():
    global_ = "".join(f"{n}. Global Network {chr(64 + n)}<br>" for n in range(1, 4))
    regional = "".join(f"{n}. Regional Alliance {chr(64 + n)}<br>" for n in range(4, 6))
    national = "".join(f"{n}.\nNational Coalition for Health, Country {n}<br>" for n in range(6, 9))
    notes = "<p>Notes:<br>1. A footnote about patents.<br>2. Another footnote.<br>3. More.</p>"
    page = (f"<html><body>{notes}<h2>Signatories</h2>Global<p>{global_}<p>Regional"
            f"<p>{regional}<p>National<p>{national}</body></html>").encode()
    signers = HTML.parse(page, "https://example.org/letter", {}).signers
    assert len(signers) == 8
    assert signers[0].name == "Global Network A"
    assert (signers[-1].name, signers[-1].affiliation) == (
        "National Coalition for Health", "Country 8")
