"""Roster CSV import (all or nothing, line numbers) and matching against signer names.

The signer names matched here are SYNTHETIC variants of the real seed roster's names (middle
initials, accents, hyphens, honorifics), plus unrelated names that must not match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.roster import (
    FUZZY_THRESHOLD,
    RosterError,
    match_roster,
    parse_roster_csv,
)

SEED = Path(__file__).parent / "fixtures" / "seed_roster" / "media_legal_analysts_2020.csv"


@pytest.fixture
def seed_roster():
    return parse_roster_csv(SEED.read_bytes())


def test_parse_seed_roster(seed_roster) -> None:
    assert seed_roster.columns == ("name", "media_affiliation", "media_role", "note", "source")
    assert [e.name for e in seed_roster.entries] == [
        "Elie Honig", "Renato Mariotti", "Paul Butler", "Frank Figliuzzi", "Matthew Miller",
        "Jill Wine-Banks", "Nick Akerman", "Mimi Rocah",
    ]
    jill = seed_roster.entries[5]
    assert (jill.line, jill.key) == (7, "jill wine banks")
    assert jill.attributes["media_affiliation"] == "MSNBC"
    assert seed_roster.entries[6].attributes["note"] == "former Watergate prosecutor"


def test_parse_roster_accepts_bom_and_any_case_name_column() -> None:
    roster = parse_roster_csv("\ufeffName,Outlet\r\nElie Honig,CNN\r\n\r\n".encode())
    assert roster.entries[0].attributes == {"Outlet": "CNN"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,outlet\nElie Honig,CNN\nBad \xff Name,MSNBC\n", "line 3: not UTF-8"),
        (b"person,outlet\nElie Honig,CNN\n", "line 1: the header needs a 'name' column"),
        (b"name,outlet\nElie Honig,CNN\nPaul Butler\n", "line 3: 1 fields, the header has 2"),
        (b"name,outlet\nElie Honig,CNN\n ,MSNBC\n", "line 3: empty name"),
        (b"name,outlet\nElie Honig,CNN\nELIE HONIG,MSNBC\n", "line 3: 'ELIE HONIG' repeats line 2"),
        (b"name,outlet\nElie\x00 Honig,CNN\n", "line 2: NUL byte"),
        (b"name,name\nElie Honig,CNN\n", "line 1: duplicate column 'name'"),
        (b"name,\nElie Honig,CNN\n", "line 1: empty column name"),
        (b"", "line 1: the file is empty"),
        (b'name,outlet\nElie Honig,"CNN\n', "line 2: unexpected end of data"),
    ],
)
def test_parse_roster_errors_name_the_line(data: bytes, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        parse_roster_csv(data)


def test_parse_roster_limits_rows_and_size() -> None:
    data = b"name\n" + b"".join(f"Person {i}\n".encode() for i in range(11))
    with pytest.raises(RosterError, match="line 12: more than 10 rows"):
        parse_roster_csv(data, max_rows=10)
    with pytest.raises(RosterError, match="the limit is 100"):
        parse_roster_csv(data, max_bytes=100)


SIGNER_VARIANTS = [
    (1, "Elie Honig"),
    (2, "Renató Mariotti"),
    (3, "Paul Butterfield"),
    (4, "Frank J. Figliuzzi"),
    (5, "Matt Miller"),
    (6, "Jill Wine Banks"),
    (7, "Hon. Nick Akerman"),
    (8, "Mimi Rocah (ret.)"),
    (9, "Frank Fig"),
    (10, "Paul Butler"),
    (11, "Ellie Honig"),
    (12, "Jane Mariotti"),
]


def test_match_roster_exact_auto_fuzzy_pending(seed_roster) -> None:
    matches = match_roster(seed_roster, SIGNER_VARIANTS)
    found = {(m.entry.name, m.signer_id): (m.status, m.score) for m in matches}
    assert found == {
        ("Elie Honig", 1): ("auto", 100.0),
        ("Elie Honig", 11): ("pending", 95.24),
        ("Renato Mariotti", 2): ("auto", 100.0),
        ("Paul Butler", 10): ("auto", 100.0),
        ("Frank Figliuzzi", 4): ("pending", 93.75),
        ("Matthew Miller", 5): ("pending", 88.0),
        ("Jill Wine-Banks", 6): ("auto", 100.0),
        ("Nick Akerman", 7): ("auto", 100.0),
        ("Mimi Rocah", 8): ("auto", 100.0),
    }


def test_match_roster_threshold_keeps_near_misses_out(seed_roster) -> None:
    assert FUZZY_THRESHOLD == 86.0
    unrelated = [(3, "Paul Butterfield"), (9, "Frank Fig"), (12, "Jane Mariotti")]
    assert match_roster(seed_roster, unrelated) == []
    low = match_roster(seed_roster, unrelated, threshold=70)
    assert {(m.signer_id, m.status) for m in low} == {(3, "pending"), (9, "pending")}
    assert all(m.score < FUZZY_THRESHOLD for m in low)


def test_match_roster_same_person_on_several_letters(seed_roster) -> None:
    signers = [("letter-a/17", "Elie Honig"), ("letter-b/4", "ELIE HONIG")]
    matches = match_roster(seed_roster.entries[:1], signers)
    assert [(m.signer_id, m.status) for m in matches] == [
        ("letter-a/17", "auto"), ("letter-b/4", "auto"),
    ]


def test_match_roster_scales_with_blocking(seed_roster) -> None:
    # SYNTHETIC crowd: 100,000 generated names that share no word with the roster.
    crowd = [(i, f"Given{i % 997} Family{i}") for i in range(100_000)]
    crowd.append((-1, "Frank J. Figliuzzi"))
    matches = match_roster(seed_roster, crowd)
    assert [(m.signer_id, m.status) for m in matches] == [(-1, "pending")]
