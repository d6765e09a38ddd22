"""parse_page(kind="auto") on every real fixture of /work/shared/checks/expected.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.detect import detect_kind, parse_page
from scrapers.errors import NoSignersFound, ParseError, UnknownKind

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_TYPES = {
    ".html": "text/html",
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
}

# (path under tests/, listed or None when the source lists no names, reported or None, kind)
EXPECTED = [
    ("rms_open_letter_2021_gitsnapshots/index.md__0050__8c732e0c21.md", 220, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__0200__5b2c32bf3d.md", 936, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__0500__ed6bb9d22a.md", 1151, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__1000__5d6099d3c8.md", 1509, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__1500__985c8e162b.md", 1848, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__2000__6342bb770e.md", 2228, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__2500__24fa4e3c43.md", 2572, None, "markdown"),
    ("rms_open_letter_2021_gitsnapshots/index.md__2827__9cc2b97da2.md", 3080, None, "markdown"),
    ("mozilla_ai_safety_openness_statement_2023_html/letter_index.html__be2e90aba2.html",
     62, 62, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/letter_index.html__bf2643aa0a.html",
     158, 158, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/letter_index.html__2c79c63e17.html",
     377, 377, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/letter_index.html__afff38aaac.html",
     1567, 1567, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/letter_index.html__66761c2839.html",
     1662, 1662, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/"
     "ai-safety_signatures_index.html__10c62c5a58.html", 1821, 1821, "html"),
    ("mozilla_ai_safety_openness_statement_2023_html/economists_index.html__0fb50a0127.html",
     30, None, "html"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__8c2750ad4f.csv", 316, 316, "csv"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__c5781126b5.csv", 528, 528, "csv"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__6f12d70a82.csv", 627, 627, "csv"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__2bbaaa551a.csv", 741, 741, "csv"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__d5232e31c4.csv", 889, 889, "csv"),
    ("uc_faculty_open_letters_2026_csv/socscihum_table__7b18858dd8.csv", 935, 935, "csv"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-20190313-2214.json",
     None, 7346, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-20190320-2033.json",
     None, 100000, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190323T170209.json",
     None, 4456315, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190324T053609.json",
     None, 4795757, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190325T190619.json",
     None, 5574996, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190328T235103.json",
     None, 5952891, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190403T050658.json",
     None, 6054972, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190408T113656.json",
     None, 6069851, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190413T210620.json",
     None, 6076307, "uk-parliament"),
    ("uk_petition_241584_evilneuro_gitscrape/241584-data_latest__20190422T123702.json",
     None, 6078985, "uk-parliament"),
    ("changeorg_bethechange_fixtures_2016/test_petition.html", None, 279890, "change-org"),
    ("us_house_discharge_petition_9_2025/actual-215-signatures.csv", 215, None, "csv"),
]


def _parse_fixture(relative: str):
    path = FIXTURES / relative
    return parse_page(path.read_bytes(), path.as_uri(), CONTENT_TYPES[path.suffix])


@pytest.mark.parametrize(
    ("relative", "listed", "reported", "kind"),
    EXPECTED,
    ids=[Path(case[0]).name for case in EXPECTED],
)
def test_parse_page_auto_matches_expected_figures(relative, listed, reported, kind):
    result = _parse_fixture(relative)
    assert result.kind == kind
    assert result.reported_count == reported
    assert (result.listed_count if result.has_list else None) == listed


def test_parse_page_expected_cases_cover_the_shared_check_list():
    assert len(EXPECTED) == 33


def test_detect_kind_prefers_url_hints():
    body = (FIXTURES / "uk_petition_241584_evilneuro_gitscrape/241584-20190313-2214.json")
    url = "https://petition.parliament.uk/petitions/241584.json"
    assert detect_kind(body.read_bytes(), url, "application/json") == "uk-parliament"
    assert detect_kind(b"name\nAda\nGrace\n", "https://example.org/s.csv", None) == "csv"
    assert detect_kind(b"- Ada\n- Grace\n", "https://example.org/letter.md", None) == "markdown"


def test_detect_kind_sniffs_content_without_hints():
    html = b"<!doctype html><html><body><ol><li>Ada</li></ol></body></html>"
    assert detect_kind(html, "https://example.org/", None) == "html"
    assert detect_kind(b'{"signature_count": 3}', "https://example.org/api", None) == "json"


def test_detect_kind_raises_unknown_kind_for_nothing_recognisable():
    with pytest.raises(UnknownKind):
        detect_kind(b"", "https://example.org/", "image/png")


def test_parse_page_with_explicit_kind_uses_that_adapter():
    result = parse_page(b"<ul><li>Ada Lovelace</li><li>Grace Hopper</li></ul>",
                        "https://example.org/", "text/plain", kind="html")
    assert result.kind == "html"
    assert [s.name for s in result.signers] == ["Ada Lovelace", "Grace Hopper"]


def test_parse_page_unknown_explicit_kind_raises_unknown_kind():
    with pytest.raises(UnknownKind, match="known: auto"):
        parse_page(b"x", "https://example.org/", None, kind="nope")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/html"),
        (b"", None),
        (bytes(range(256)) * 64, None),
        (bytes(range(256)) * 64, "text/html"),
        (b"\x00\x01\x02garbage\xff\xfe" * 1000, "application/json"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, "text/csv"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, "text/markdown"),
    ],
    ids=["empty-html", "empty-untyped", "binary", "binary-as-html", "garbage-json",
         "png-as-csv", "png-as-markdown"],
)
def test_parse_page_hostile_bytes_raise_parse_error(body, content_type):
    with pytest.raises(ParseError):
        parse_page(body, "https://example.org/x", content_type)


def test_parse_page_two_megabyte_line_is_handled():
    body = b"<html><body><p>" + b"a" * 2_000_000 + b"</p></body></html>"
    with pytest.raises(NoSignersFound):
        parse_page(body, "https://example.org/", "text/html")
    csv_body = b"name\n" + b"x" * 2_000_000 + b"\n"
    with pytest.raises(ParseError, match="unreadable CSV: field larger"):
        parse_page(csv_body, "https://example.org/s.csv", "text/csv")
    markdown_body = b"Signed,\n\n- " + b"y" * 2_000_000 + b"\n- Ada Lovelace\n"
    result = parse_page(markdown_body, "https://example.org/l.md", "text/markdown")
    assert result.listed_count == 2


def test_parse_page_deeply_nested_html_gives_a_sane_result():
    body = b"<div>" * 5000 + b"<ul><li>Ada Lovelace</li><li>Grace Hopper</li></ul>" + (
        b"</div>" * 5000
    )
    try:
        result = parse_page(body, "https://example.org/", "text/html")
    except ParseError:
        return  # a clear refusal is acceptable
    assert [s.name for s in result.signers] == ["Ada Lovelace", "Grace Hopper"]
