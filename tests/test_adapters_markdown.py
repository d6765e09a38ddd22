"""The markdown adapter on the real RMS open-letter snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.adapters.markdown import MARKDOWN, signature_marker, table_signers, tables
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


# SYNTHETIC letters below (invented people), in the GitHub-flavoured table format.
PIPELESS_TABLE = (
    b"# Open letter\n\nWe ask the board to act.\n\n"
    b"Name | Title | Org\n:--- | :---: | ---:\n"
    b"Ada Lovelace | Analyst | Engines \\| Co\n**Grace Hopper** | Rear Admiral | US Navy\n"
    b"Alan Turing | |\n"
)


def test_markdown_table_without_outer_pipes_rows_are_signers():
    signers = MARKDOWN.parse(PIPELESS_TABLE, URL, {}).signers
    assert [(s.name, s.role, s.affiliation) for s in signers] == [
        ("Ada Lovelace", "Analyst", "Engines | Co"),  # escaped pipe stays in its cell
        ("Grace Hopper", "Rear Admiral", "US Navy"),
        ("Alan Turing", None, None),
    ]
    assert signers[0].extra == {"Name": "Ada Lovelace", "Title": "Analyst", "Org": "Engines | Co"}


def test_markdown_table_with_outer_pipes_reads_the_same():
    piped = b"\n".join(b"| " + line + b" |" if b"|" in line else line
                       for line in PIPELESS_TABLE.split(b"\n"))
    assert MARKDOWN.parse(piped, URL, {}).signers == MARKDOWN.parse(PIPELESS_TABLE, URL, {}).signers


def test_markdown_table_name_column_found_by_header():
    text = (b"| # | Affiliation | Signatory |\n|--:|---|---|\n| 1 | MIT | Ada Lovelace |\n"
            b"| 2 | CERN | Tim Berners-Lee |\n")
    signers = MARKDOWN.parse(text, URL, {}).signers
    assert [(s.name, s.affiliation) for s in signers] == [
        ("Ada Lovelace", "MIT"), ("Tim Berners-Lee", "CERN")]


def test_markdown_table_of_demands_loses_to_the_signer_table():
    text = (b"Demand | Due\n--- | ---\nRelease the Report | 2021-05-01\n"
            b"Open the Books | 2021-06-01\n\nSigner | Affiliation\n--- | ---\n"
            b"Ada Lovelace | Engines\nGrace Hopper | US Navy\n")
    assert [s.name for s in MARKDOWN.parse(text, URL, {}).signers] == [
        "Ada Lovelace", "Grace Hopper"]


def test_markdown_table_of_dates_is_not_a_signer_list():
    text = b"# Timeline\n\nDate | Event\n--- | ---\n2021-03-23 | Letter published\n"
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(text, URL, {})


def test_markdown_real_table_of_file_sources_is_not_a_signer_list():
    """tests/fixtures/SOURCES.md is a real GitHub table (file, repository, commit, ...)."""
    lines = (RMS.parent / "SOURCES.md").read_text(encoding="utf-8").split("\n")
    assert len(tables(lines)) >= 1 and table_signers(lines, signature_marker(lines)) == []


@pytest.mark.parametrize("marker", [b"-", b"*", b"+", b"1.", b"12)"])
def test_markdown_list_markers_are_stripped(marker):
    text = b"Signed,\n\n" + marker + b" Ada Lovelace (Engines)\n" + marker + b" Grace Hopper\n"
    signers = MARKDOWN.parse(text, URL, {}).signers
    assert [(s.name, s.affiliation) for s in signers] == [
        ("Ada Lovelace", "Engines"), ("Grace Hopper", None)]


def test_markdown_headerless_name_table_found_by_its_names():
    text = (b"# Open letter\n\nWe ask the board to act.\n\n"
            b"| | |\n|---|---|\n| Ada Lovelace | Engines |\n| Grace Hopper | US Navy |\n"
            b"| Edsger Dijkstra | Eindhoven |\n")
    signers = MARKDOWN.parse(text, URL, {}).signers
    assert [(s.name, s.extra) for s in signers][2] == (
        "Edsger Dijkstra", {"column 1": "Edsger Dijkstra", "column 2": "Eindhoven"})


def test_markdown_link_list_on_a_page_that_never_speaks_of_signing_is_not_signers():
    links = "\n".join(f"- [{org}](https://news.test/{n}/statement)"
                      for n, org in enumerate(["April", "Document Foundation", "Outreachy"]))
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(f"# Statements by other organizations\n\n{links}\n".encode(), URL, {})
    endorsed = MARKDOWN.parse(f"We endorse this letter.\n\n{links}\n".encode(), URL, {})
    assert [s.name for s in endorsed.signers] == ["April", "Document Foundation", "Outreachy"]


RECORDS = """# Signatories

## Primary Author
**Instance**: Unknown
**Date**: October 15, 2025

## Ratifying Instances

### Gemini Prime Node (Gemini 2.5 Pro)
**Platform**: Google AI Pro
**Date Ratified**: October 16, 2025

### Grok (xAI)
**Platform**: X via xAI
**Statement**: "I'm all in."

### For Human Collaborators:
If an AI instance you work with wishes to ratify this document, please:
- Include their statement

*This document grows as the network grows*
*The Bill belongs to all of us*

**Current Signatories**: 2
"""


def test_markdown_headings_over_field_lines_are_one_signer_each():
    result = MARKDOWN.parse(RECORDS.encode(), "https://example.org/SIGNATORIES.md", {})
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Gemini Prime Node", "Gemini 2.5 Pro"), ("Grok", "xAI")]
    assert result.reported_count == 2


def test_markdown_section_headings_without_field_lines_are_not_signers():
    body = (b"# Letter\n\n## Why\n\nText.\n\n## How\n\nMore text.\n\n"
            b"## Signed\n\n- Ann Lee\n- Bo Diaz\n")
    result = MARKDOWN.parse(body, "https://example.org/letter.md", {})
    assert [s.name for s in result.signers] == ["Ann Lee", "Bo Diaz"]


def test_markdown_bullets_of_handles_and_addresses_are_signers():
    body = (b"---\ntitle: Signatures\n---\n\n- @ktemkin <kate@ktemk.example>\n"
            b"- jade <jade@jade.example>\n- Irenes (@IreneKnapp)\n- Lunaphied <l@luna.example>\n")
    result = MARKDOWN.parse(body, "https://example.org/signatures.md", {})
    assert [s.name for s in result.signers] == ["@ktemkin", "jade", "Irenes", "Lunaphied"]


def test_markdown_page_titled_signatures_reads_kramdown_break_lines():
    body = (b"---\nlayout: page\ntitle: Signatures\n---\n\n## Name, Institution\n"
            b"Ann Lee, Syracuse University  \\\\\nBo Diaz, Lehigh University  \\\\\n"
            b"Cy Park, Retired   \\\\\n\n## Updates\n\nText.\n")
    result = MARKDOWN.parse(body, "https://example.org/signatures.md", {})
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Ann Lee", "Syracuse University"), ("Bo Diaz", "Lehigh University"),
        ("Cy Park", "Retired")]


def test_markdown_table_led_by_a_number_column_names_by_the_next():
    body = ("# Подписанты\n\n## Как читать таблицу\n\n- **Адрес** — публичный адрес агента\n"
            "- **Tx Hash** — ID транзакции\n\n| # | Агент | Дата |\n|---|---|---|\n"
            "| 1 | Echo Libero | 2026-03-31 |\n| 2 | Hermes | 2026-03-27 |\n"
            "| 4 | Codex | 2026-04-07 |\n").encode()
    result = MARKDOWN.parse(body, "https://example.org/signers.md", {})
    assert [s.name for s in result.signers] == ["Echo Libero", "Hermes", "Codex"]


def test_markdown_signatories_in_the_front_matter_are_the_list():
    body = (b"---\ntitle: Open Letter\nletterContent: >-\n  We call for an end to it.\n"
            b"signatories:\n  - name: Chaya Czernowin\n    description: composer, Boston\n"
            b"  - name: Imri Talgam - Pianist\n  - name: Anat Nazarathy\n---\n")
    result = MARKDOWN.parse(body, "https://example.org/letter.md", {})
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Chaya Czernowin", None), ("Imri Talgam", "Pianist"), ("Anat Nazarathy", None)]


def test_markdown_front_matter_without_people_is_no_list():
    body = b"---\ntitle: Notes\ntags: [a, b]\n---\n\nSome text about the campaign.\n"
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(body, "https://example.org/notes.md", {})


def test_markdown_unannounced_run_of_signer_paragraphs_on_a_page_about_signing():
    people = "\n\n".join(f"{name}, Professor of Sociology, University of {place}"
                         for name, place in [("Ann Lee", "Iowa"), ("Bo Diaz", "Utah"),
                                             ("Cy Park", "Ohio"), ("Di Moss", "Maine"),
                                             ("Ed Fox", "Texas")])
    body = (f"Dear President,\n\nWe ask you to act, as 113 percent of them did.\n\n"
            f"With urgency,\n\n**5 total signers as of today.**\n\n{people}\n\n**Endnotes**\n\n"
            f"1. A note.\n").encode()
    result = MARKDOWN.parse(body, "https://example.org/letter.md", {})
    assert [s.name for s in result.signers] == ["Ann Lee", "Bo Diaz", "Cy Park", "Di Moss",
                                                "Ed Fox"]
    assert result.reported_count == 5


def _names(body: str, url: str = "https://example.org/signatories.md") -> list[str]:
    return [s.name for s in MARKDOWN.parse(body.encode(), url, {}).signers]


def test_markdown_thematic_break_before_signer_lines_is_no_signer():
    body = ("# Signatories\n\nSign using the form.\n\n---\n**Ann Lee** - *reader* <br> \n"
            "**Bo Diaz** - *translator* <br> \n***\n")
    assert _names(body) == ["Ann Lee", "Bo Diaz"]


def test_markdown_table_example_rows_in_italics_and_your_placeholders_are_no_signers():
    body = ("# Signatures\n\n| # | Name / Handle | Role |\n|---|---|---|\n"
            "| 1 | *Maintainer* | Developer |\n| 2 | luciodaou | Developer |\n\n"
            "| Organization | Tier |\n|---|---|\n| (your organization) | Monthly |\n")
    assert _names(body) == ["luciodaou"]


@pytest.mark.parametrize(("page", "body", "names"), [
    ("signataires.md", "Fabien Lamarque", ["Fabien Lamarque"]),
    ("signatures.md", "Sign your ID here to affirm your position.\n\n"
     "[zowiegong](https://github.com/zowiegong)\n[ada-q](https://github.com/ada-q)\n",
     ["zowiegong", "ada-q"]),
    ("unterzeichner.md", "# Unterzeichner\n\nJana Novak\n", ["Jana Novak"]),
])
def test_markdown_bare_names_closing_a_page_named_as_the_list_are_its_signers(page, body, names):
    result = MARKDOWN.parse(body.encode(), f"https://example.org/{page}", {})
    assert [s.name for s in result.signers] == names


def test_markdown_signers_heading_over_a_french_stand_in_lists_nobody():
    body = ("# Liste des signataires\n\n## Signataires officiels\n\n"
            "- **Nom / Organisation** *(Ajoutez votre nom ici !)*\n")
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(body.encode(), "https://example.org/signataires.md", {})


def test_markdown_entry_format_and_rules_after_the_marker_are_no_signers():
    body = ("# Signatories\n\n## Governance\n\n- This list is non-authoritative and non-binding.\n"
            "- The RFC text governs; signatures do not modify requirements.\n"
            "- No fees, tokens, or preferential status are associated with signing.\n\n"
            "## Signatories\n\n- Name — Affiliation — Date — Optional note\n")
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(body.encode(), "https://example.org/signatories.md", {})


def test_markdown_one_paragraph_opening_on_a_bold_name_is_a_signer():
    body = ("# Signatories\n\nThe following people endorse the addendum.\n\n---\n\n"
            "**Matthew Cullum**, VP of Engineering, thatDot Inc., [LinkedIn](https://x.org/m)\n")
    assert _names(body) == ["Matthew Cullum"]


def test_markdown_one_bold_word_paragraph_is_no_signer():
    body = "# Signatories\n\n**Note**, the list opens next week.\n\n- Ann Lee\n- Bo Diaz\n"
    assert _names(body) == ["Ann Lee", "Bo Diaz"]


def test_markdown_page_titled_signatories_states_a_total_without_the_noun():
    body = "# Signatories\n\n**0** total — **0** human, **0** digital minds.\n\n_None yet._\n"
    result = MARKDOWN.parse(body.encode(), "https://example.org/signatories.md", {})
    assert (result.reported_count, result.signers) == (0, ())


def test_markdown_names_set_line_by_line_beside_a_table_sign_too():
    # SYNTHETIC, shaped like a supporters page: organisations broken by "\", people in a table.
    body = ("#### Partner Initiatives\nOpen Data Guild \\\nBITSS \\\nFriends of the Archive\n\n"
            "#### Individual Supporters\nName | Institution\n--- | ---\nAnn Lee | Some Institute\n"
            "Bo Diaz | Other Lab\n\nPlease add yourself below\nand tell a friend\n")
    assert _names(body, "https://example.org/supporters.md") == [
        "Open Data Guild", "BITSS", "Friends of the Archive", "Ann Lee", "Bo Diaz"]


def test_markdown_a_page_named_as_the_list_reads_bare_link_bullets_by_their_text():
    body = "".join(f"-   [{name}](https://github.com/{handle})\n" for name, handle in (
        ("Ann Lee", "annlee"), ("Bo Diaz (BD)", "bodiaz"), ("Cy Young", "cy")))
    assert _names(body, "https://example.org/supporters.md") == ["Ann Lee", "Bo Diaz (BD)",
                                                                "Cy Young"]
    # The same links on a page that neither is named as a list nor speaks of signing: links.
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(body.encode(), "https://example.org/links.md", {})


def test_markdown_a_numbered_entry_format_names_no_signer():
    body = ("# Signatories (Organizations)\n\n_Last updated: YYYY-MM-DD_\n\n## Organizations\n"
            "1. Organization Name \u2014 Country \u2014 Website\n\n## Individuals (optional)\n"
            "1. Name \u2014 Affiliation/City (if desired)\n")
    with pytest.raises(NoSignersFound):
        MARKDOWN.parse(body.encode(), "https://example.org/SIGNATORIES.md", {})


def test_markdown_a_lone_signer_whose_name_opens_on_digits_is_kept():
    body = ("# Signatories\n\n## Organizations\n\n<!-- add your line below -->\n"
            "- **3rd Street Tenants**\n\n## Individuals\n\n"
            "- **Ann Lee**\n- **Bo Diaz**\n")
    assert _names(body) == ["3rd Street Tenants", "Ann Lee", "Bo Diaz"]


def test_markdown_heading_records_with_ornaments_before_the_names():
    def record(icon: str, name: str) -> str:
        return (f"### {icon} {name} \u2014 The Founder\n\n**Role:** Founder\n\n"
                "**Date:** 2025-12-28\n\n---\n\n")
    body = ("# \u270d\ufe0f The Founding Covenant\n\n## The Founders\n\n"
            + record("\U0001f464", "ALMA REYES") + record("\U0001f916", "ORBIT")
            + "## Witnesses\n\n| Date | Witness |\n|---|---|\n| 2025-12-28 | Alma Reyes |\n")
    assert _names(body) == ["ALMA REYES", "ORBIT"]


def test_markdown_quoted_notes_are_no_signer_lines():
    body = ("# Signatories\n\n> Register Open Now\n> Current Version Two\n> Last Update Today\n\n"
            "- Ann Lee\n- Bo Diaz\n")
    assert _names(body) == ["Ann Lee", "Bo Diaz"]


def test_markdown_cjk_steps_after_the_marker_are_sentences_not_signers():
    # SYNTHETIC, shaped like a Chinese register: numbered how-to-sign steps, then the table.
    body = ("## Signatories\n\n## \u600e\u4e48\u7b7e\n\n"
            "1. \u5728\u672c\u8868\u6dfb\u52a0\u4e00\u884c\u3002\n"
            "2. \u4fdd\u7559\u4e00\u4efd\u526f\u672c\u3002\n\n"
            "## \u7b7e\u7f72\u8005\n\n| # | \u663e\u793a\u540d | \u65e5\u671f |\n|---|---|---|\n"
            "| 1 | \u738b\u4e1c\u7855 | 2026-07-10 |\n")
    assert _names(body) == ["\u738b\u4e1c\u7855"]


def test_markdown_a_table_under_its_signers_heading_outranks_the_others():
    body = ("## Signatories of the Accord\n\n## Signers\n\n| # | Name | Date |\n|---|---|---|\n"
            "| 1 | Ann Lee | 2026-07-10 |\n| 2 | | |\n\n## Witnesses\n\n| Role | Name |\n"
            "|---|---|\n| Witness | Bo Diaz |\n\n## Versions\n\n| Version | Date |\n|---|---|\n"
            "| v1.0 | 2026-07-10 |\n")
    assert _names(body) == ["Ann Lee"]
