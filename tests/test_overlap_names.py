"""person_key and middle_initials: one person across letters printed in different styles."""

from __future__ import annotations

import pytest

from enrich.names import middle_initials, name_key, person_key, uninverted


@pytest.mark.parametrize("printed", ["Jane Q. Doe", "DOE, Jane", "Jane Doe (former AUSA)",
                                     "Doe, Jane Q.", "Hon. Jane Doe, Jr.", "JANE DOE"])
def test_person_key_joins_printed_styles(printed: str) -> None:
    assert person_key(printed) == "jane doe"


@pytest.mark.parametrize(("printed", "as_is"), [
    ("John Smith, J.D.", "John Smith, J.D."),       # a suffix after the comma
    ("Smith, Jr.", "Smith, Jr."),
    ("Jane Doe, Ph.D.", "Jane Doe, Ph.D."),         # two words before the comma
    ("Doe, former AUSA", "Doe, former AUSA"),       # a role, not a first name
    ("Doe, Jane, AUSA", "Doe, Jane, AUSA"),         # two commas
    ("de la Cruz, Maria", "Maria de la Cruz"),      # particles belong to the surname
])
def test_uninverted_reads_last_first_only(printed: str, as_is: str) -> None:
    assert uninverted(printed) == as_is


def test_middle_initials_kept_apart_so_disagreement_shows() -> None:
    assert middle_initials("Jane Q. Doe") == "q"
    assert middle_initials("Doe, Jane Q.") == "q"
    assert middle_initials("Jane R. Doe") == "r"
    assert middle_initials("DOE, Jane") == ""


def test_person_key_keeps_first_and_last_initials() -> None:
    assert person_key("J. Edgar Hoover") == "j edgar hoover"
    assert person_key("Cedric O") == "cedric o"


def test_person_key_leaves_name_key_alone() -> None:
    assert name_key("Jane Q. Doe") == "jane q doe"
    assert name_key("DOE, Jane") == "doe jane"


def test_person_key_of_hostile_name_is_plain_words() -> None:
    assert person_key("<script>alert(1)</script>=HYPERLINK(\"x\")") == "alert hyperlink"
