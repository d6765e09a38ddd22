"""name_key, split_name and clean_display_name on real and tricky names."""

from __future__ import annotations

import pytest

from enrich.names import NAME_KEY_VERSION, clean_display_name, name_key, split_name


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("Jill Wine-Banks", "jill wine banks"),
        ("Jill Wine Banks", "jill wine banks"),
        ("Hon. Jill Wine-Banks", "jill wine banks"),
        ("Mimi Rocah (ret.)", "mimi rocah"),
        ("Dr. José María Álvarez, Jr.", "jose maria alvarez"),
        ("Frank J. Figliuzzi", "frank j figliuzzi"),
        ("John Smith, J.D.", "john smith"),
        ("Prof. Jane Roe, Ph.D.", "jane roe"),
        ("O'Brien-Smith III", "obrien smith"),
        ('Adrien "PulkoMandy" Destugues', "adrien destugues"),
        ("1. Alexandre Dulaunoy", "alexandre dulaunoy"),
        ("  RENATO   MARIOTTI ", "renato mariotti"),
        ("Síle Ekaterin Aman", "sile ekaterin aman"),
    ],
)
def test_name_key_normalises_variants(printed: str, key: str) -> None:
    assert name_key(printed) == key


def test_name_key_keeps_one_word_even_if_it_is_a_title() -> None:
    assert name_key("Judge") == "judge"
    assert name_key("Cedric O") == "cedric o"


def test_name_key_version_is_pinned() -> None:
    # The tracker stores keys: changing the rules must bump the version deliberately.
    assert NAME_KEY_VERSION == 1


def test_split_name_keeps_particles_and_accents() -> None:
    parts = split_name("Molly de Blanc")
    assert (parts.first, parts.last) == ("Molly", "de Blanc")
    parts = split_name("Dr. José María Álvarez, Jr.")
    assert (parts.title, parts.first, parts.middle, parts.last, parts.suffix) == (
        "Dr.", "José", "María", "Álvarez", "Jr."
    )
    assert split_name("Otto von Bismarck III").last == "von Bismarck"
    assert split_name('Adrien "PulkoMandy" Destugues').nickname == "PulkoMandy"


def test_clean_display_name_removes_markup_controls_and_bidi() -> None:
    assert clean_display_name("<cite>Camille Francois</cite>") == "Camille Francois"
    assert clean_display_name("Eve\u202e\x00 Smith &amp; co") == "Eve Smith & co"
    assert clean_display_name("- 1. Alexandre Dulaunoy ,") == "Alexandre Dulaunoy"
    assert clean_display_name("50 Cent") == "50 Cent"
