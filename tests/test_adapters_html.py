"""The html adapter on the real Mozilla letter pages and on small generated pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.adapters.html_page import HTML
from scrapers.errors import NoSignersFound, ParseError
from scrapers.text import find_count

MOZILLA = Path(__file__).parent / "fixtures" / "mozilla_ai_safety_openness_statement_2023_html"
URL = "https://open.mozilla.org/letter/"


def _parse(name: str, **options):
    return HTML.parse((MOZILLA / name).read_bytes(), URL, options)


def test_html_first_and_last_signers_of_a_snapshot():
    result = _parse("letter_index.html__be2e90aba2.html")
    first, last = result.signers[0], result.signers[-1]
    assert (first.name, first.affiliation) == ("Camille Francois", "Columbia University")
    assert (last.name, last.affiliation) == ("Merouane Debbah", "Khalifah University")
    assert result.title == "Joint Statement on AI Safety and Openness"


def test_html_cite_splits_name_and_affiliation_keeping_commas_in_affiliation():
    signers = _parse("letter_index.html__be2e90aba2.html").signers
    ressa = next(s for s in signers if s.name == "Maria Ressa")
    assert ressa.affiliation == "Rappler, Nobel Peace Prize Laureate"
    assert ressa.raw == "Maria Ressa, Rappler, Nobel Peace Prize Laureate"


def test_html_letter_demands_list_is_not_signers():
    signers = _parse("letter_index.html__be2e90aba2.html").signers
    assert not any(s.raw.startswith("Accelerating the understanding") for s in signers)
    assert len(signers) == 62


def test_html_template_markup_is_never_a_signer():
    result = _parse("letter_index.html__66761c2839.html")
    assert all("{{" not in s.raw and "{%" not in s.raw for s in result.signers)
    page = (
        b"<h1>Letter</h1><ol class='s'><li>{{ signer.name }}</li>"
        b"<li><cite>Ada Lovelace</cite>, Analytical Engines</li>"
        b"<li><cite>Grace Hopper</cite>, US Navy</li>{% for s in rest %}<li>{{ s }}</li>"
        b"{% endfor %}</ol>"
    )
    names = [s.name for s in HTML.parse(page, URL, {}).signers]
    assert names == ["Ada Lovelace", "Grace Hopper"]


def test_html_strong_count_before_signatories_is_reported():
    result = _parse("ai-safety_signatures_index.html__10c62c5a58.html")
    assert result.reported_count == 1821
    assert result.signers[-1].name == "Marco Castelluccio"


def test_html_fingerprint_ignores_new_signers_and_changes_with_structure():
    old = _parse("letter_index.html__afff38aaac.html").fingerprint
    new = _parse("letter_index.html__66761c2839.html").fingerprint
    redesign = _parse("ai-safety_signatures_index.html__10c62c5a58.html").fingerprint
    assert old == new
    assert redesign != old


def test_html_selectors_mode_reads_items_name_and_count():
    result = _parse(
        "letter_index.html__bf2643aa0a.html",
        selector="section#signatures ol > li",
        name_selector="cite",
        count_selector="aside.c-signature-count",
    )
    assert result.listed_count == 158
    assert result.reported_count == 158
    assert result.signers[1].name == "Mark Surman"


def test_html_count_pattern_with_one_group():
    page = b"<p>Total so far: 1.140 (verified)</p><ul><li>Ada</li><li>Bob</li></ul>"
    result = HTML.parse(page, URL, {"count_selector": "p", "count_pattern": r"far: ([\d.]+)"})
    assert result.reported_count == 1140


@pytest.mark.parametrize("option", ["selector", "name_selector", "count_selector"])
def test_html_invalid_selector_raises_parse_error_naming_it(option):
    options = {"selector": "li", option: "li[[["}
    with pytest.raises(ParseError, match=f"invalid CSS selector in {option}"):
        _parse("letter_index.html__be2e90aba2.html", **options)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1,140 signatures", 1140),
        ("Signed by 2,043 people", 2043),
        ("279,890 supporters", 279890),
        ("Signatures: 1 140", 1140),
        ("Signatures: 1\u00a0140", 1140),
        ("1\u2009140 signatures", 1140),
        ("1\u202f140 signatories", 1140),
        ("1.140 Unterschriften signatures", 1140),
        ("1821 signatories", 1821),
        ("5,000 signatures needed", None),
        ("As signatories to this letter", None),
    ],
)
def test_find_count_reads_locale_separated_counts(text, count):
    assert find_count(text) == count


def test_html_count_split_across_tags_with_nbsp():
    page = "<p><strong>1&nbsp;140</strong> signatures</p><ul><li>A B</li><li>C D</li></ul>"
    assert HTML.parse(page.encode(), URL, {}).reported_count == 1140


def test_html_table_rows_and_card_grid_are_found():
    table = (
        b"<table><tr><th>Name</th><th>Org</th></tr><tr><td>1</td><td>Ada Lovelace</td>"
        b"<td>Engines Ltd</td></tr><tr><td>2</td><td>Grace Hopper</td><td>Navy</td></tr>"
        b"<tr><td>3</td><td>Alan Turing</td><td>NPL</td></tr></table>"
    )
    rows = HTML.parse(table, URL, {}).signers
    assert [(s.name, s.affiliation) for s in rows][0] == ("Ada Lovelace", "Engines Ltd")
    assert len(rows) == 3
    cards = b"".join(
        b'<div class="card"><h3>%s</h3><p>Org</p></div>' % n.encode()
        for n in ("Ada Lovelace", "Grace Hopper", "Alan Turing")
    )
    nav = b"<nav><ul><li>Home</li><li>About</li><li>Sign</li><li>Press</li></ul></nav>"
    result = HTML.parse(b"<body>" + nav + b"<div class='grid'>" + cards + b"</div></body>",
                        URL, {})
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Ada Lovelace", "Org"),
        ("Grace Hopper", "Org"),
        ("Alan Turing", "Org"),
    ]


def test_html_li_with_parenthesised_affiliation():
    page = b"<ul><li>Ada Lovelace (Analytical Society)</li><li>Grace Hopper, US Navy</li></ul>"
    signers = HTML.parse(page, URL, {}).signers
    assert [(s.name, s.affiliation) for s in signers] == [
        ("Ada Lovelace", "Analytical Society"),
        ("Grace Hopper", "US Navy"),
    ]


def test_html_next_page_url_is_absolute():
    page = b'<head><link rel="next" href="?page=2"></head><ul><li>A B</li><li>C D</li></ul>'
    assert HTML.parse(page, URL, {}).next_page_url == "https://open.mozilla.org/letter/?page=2"
    page = b'<ul><li>A B</li><li>C D</li></ul><a rel="nofollow next" href="/p/3">more</a>'
    assert HTML.parse(page, URL, {}).next_page_url == "https://open.mozilla.org/p/3"


def test_html_title_prefers_og_title():
    page = (b'<head><title>Site | Letter</title><meta property="og:title" content="Letter">'
            b"</head><ul><li>A B</li><li>C D</li></ul>")
    assert HTML.parse(page, URL, {}).title == "Letter"


def test_html_page_without_list_or_count_raises_no_signers_found():
    page = b"<html><body><h1>About us</h1><p>We make things.</p></body></html>"
    with pytest.raises(NoSignersFound):
        HTML.parse(page, URL, {})


def test_html_count_without_list_is_reported_with_has_list_false():
    result = HTML.parse(b"<p>Already 3,456 people have signed.</p>", URL, {})
    assert (result.reported_count, result.has_list, result.signers) == (3456, False, ())
