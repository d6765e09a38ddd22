"""How one printed signer line splits into name and affiliation (scrapers.text)."""

from __future__ import annotations

import pytest

from scrapers.text import split_name_affiliation, strip_list_marker


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
