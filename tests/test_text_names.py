"""How one printed signer line splits into name and affiliation (scrapers.text)."""

from __future__ import annotations

import pytest

from scrapers.text import (
    is_placeholder,
    looks_like_name,
    split_name_affiliation,
    strip_list_marker,
)


@pytest.mark.parametrize(
    ("line", "name", "affiliation"),
    [
        ("Jane Doe (MIT)", "Jane Doe", "MIT"),
        ("Jane Doe, Professor, MIT", "Jane Doe", "Professor, MIT"),
        ("Jane Doe - MIT", "Jane Doe", "MIT"),
        ("Martin Luther King, Jr., SCLC", "Martin Luther King, Jr.", "SCLC"),
        ("Yacob (Kobi) Cohen-Arazi", "Yacob (Kobi) Cohen-Arazi", None),
        ("Robert (\"Bob\") O'Neil, Intel", "Robert (\"Bob\") O'Neil", "Intel"),
        ("Ana (Anita) Ruiz (Oxfam)", "Ana (Anita) Ruiz", "Oxfam"),
        ("Bob (MIT) Smith", "Bob", "MIT Smith"),
        ("Madonna (Singer)", "Madonna", "Singer"),
        ("\u2014 Alma Brightwater, former AUSA", "Alma Brightwater", "former AUSA"),
    ],
)
def test_split_name_affiliation_reads_printed_lines(line, name, affiliation):
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize(
    ("text", "bare"),
    [("\u2014 Name", "Name"), ("12. Name", "Name"), ("(12) Name", "Name"),
     ("\u2022 Name", "Name"), ("Name-Hyphen", "Name-Hyphen"), ("3M Company", "3M Company")],
)
def test_strip_list_marker_takes_only_the_marker(text, bare):
    assert strip_list_marker(text) == bare


@pytest.mark.parametrize(("line", "name", "affiliation"), [
    ("MEP Manon AUBRY The Left group in the European Parliament - GUE/NGL", "Manon AUBRY",
     "The Left group in the European Parliament - GUE/NGL"),
    ("MEP Erik MARQUARDT, Group of the Greens/European Free Alliance Member", "Erik MARQUARDT",
     "Group of the Greens/European Free Alliance Member"),
    ("Jean-Luc DE LA TOUR Non-Attached Member", "Jean-Luc DE LA TOUR", "Non-Attached Member"),
    ("Rep. Darrell Issa (R-CA)", "Darrell Issa", "R-CA"),
    ("Senator Ron Wyden, Oregon", "Ron Wyden", "Oregon"),
])
def test_split_name_affiliation_offices_and_surnames_in_capitals(line, name, affiliation):
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize("line", [
    "Gemini CLI Instance",              # capitals inside a name, one word after them
    "UC Santa Cruz OSPO",               # an acronym first: no given name before it
    "Dr. Ann LEE",                      # nothing after the surname
])
def test_split_name_affiliation_leaves_capitals_inside_names(line):
    assert split_name_affiliation(line) == (line, None)


@pytest.mark.parametrize(("line", "name", "affiliation"), [
    ("Ayanna Vox · Crimson Archive (diplomatic register) · 2026-06-04", "Ayanna Vox",
     "Crimson Archive (diplomatic register) · 2026-06-04"),
    ("Gino Rossi - actor (Italy)", "Gino Rossi", "actor (Italy)"),
    ("Ann Lee - Example Org, London", "Ann Lee", "Example Org, London"),
    ("jade <jade@jade.example>", "jade", None),
    ("@ktemkin <kate@ktemk.example>", "@ktemkin", None),
])
def test_split_name_affiliation_the_first_separator_ends_the_name(line, name, affiliation):
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize(("line", "name", "affiliation"), [
    ("Dupont - Club Bonne Humeur\t-\tVulgarisateur", "Dupont - Club Bonne Humeur", "Vulgarisateur"),
    ("Lina Morel\tChercheuse en biologie", "Lina Morel", "Chercheuse en biologie"),
    ("Lina Morel, chercheuse\n\t  en biologie", "Lina Morel", "chercheuse en biologie"),
])
def test_split_name_affiliation_a_tab_between_fields_ends_the_name(line, name, affiliation):
    # The third line's tab follows a line break: it indents the wrapped text, it separates nothing.
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize(("line", "name", "affiliation"), [
    ("\U0001f464 ALMA REYES \u2014 The Founder", "ALMA REYES", "The Founder"),
    ("\u270d\ufe0f Jo Park, Editor", "Jo Park", "Editor"),
    ("\U0001f1eb\U0001f1f7 Luc Martin", "Luc Martin", None),
])
def test_split_name_affiliation_ornaments_before_a_name_come_off(line, name, affiliation):
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize(("text", "named"), [
    ("3rd Street Tenants", True), ("350.org", True), ("37signals", True),
    ("2020", False), ("12 points to consider", False),
])
def test_looks_like_name_may_open_on_digits_run_into_letters(text, named):
    assert looks_like_name(text) is named


@pytest.mark.parametrize(("text", "stand_in"), [
    ("Organization Name \u2014 Country \u2014 Website", True),
    ("Company name, city", True),
    ("Loading signers\u2026", True),
    ("Loading...", True),
    ("Loading Bay Cooperative", False),
    ("Nameless Collective", False),
])
def test_is_placeholder_format_labels_and_loading_text(text, stand_in):
    assert is_placeholder(text) is stand_in


@pytest.mark.parametrize(("text", "stand_in"), [
    ("**Nom / Organisation** *(Ajoutez votre nom ici !)*", True),
    ("Escribe tu nombre aqu\u00ed", True),
    ("Ihr Name, Organisation", True),
    ("Il tuo nome", True),
])
def test_is_placeholder_your_name_in_other_languages(text, stand_in):
    assert is_placeholder(text) is stand_in


@pytest.mark.parametrize(("line", "name", "affiliation"), [
    ("Orbit (Example Labs), Digital Entity", "Orbit (Example Labs)", "Digital Entity"),
    ("Jane Doe (MIT), Professor", "Jane Doe", "MIT, Professor"),
    ("Orbit (she/her), Oakland", "Orbit", "she/her, Oakland"),
])
def test_split_name_affiliation_an_aside_that_tells_which_one_word_name(line, name, affiliation):
    # A one-word name needs its aside to be told apart; a full name's aside is its affiliation.
    assert split_name_affiliation(line) == (name, affiliation)


@pytest.mark.parametrize(("text", "named"), [
    ("\u5728\u672c\u8868\u6dfb\u52a0\u4e00\u884c\u3002", False),   # "add a line to this table."
    ("\u613f\u610f\u7684\u8bdd\uff0c\u516c\u5f00\u58f0\u660e\u4e00\u6b21\uff01", False),
    ("\u738b\u4e1c\u7855", True),                                  # a name: no sentence mark
])
def test_looks_like_name_a_cjk_sentence_is_no_name(text, named):
    assert looks_like_name(text) is named
