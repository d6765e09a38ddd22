"""The csv adapter on the real UC faculty tables and US House discharge petition CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.adapters.csv_table import CSV
from scrapers.errors import NoSignersFound

FIXTURES = Path(__file__).parent / "fixtures"
UC = FIXTURES / "uc_faculty_open_letters_2026_csv"
HOUSE = FIXTURES / "us_house_discharge_petition_9_2025"
URL = "https://example.org/signatures.csv"


def test_csv_uc_count_row_header_and_columns():
    result = CSV.parse((UC / "socscihum_table__8c2750ad4f.csv").read_bytes(), URL, {})
    assert (result.reported_count, result.listed_count) == (316, 316)
    first, last = result.signers[0], result.signers[-1]
    assert (first.name, first.role, first.affiliation) == (
        "Gabriel Rossman", "Professor", "UC Los Angeles")
    assert first.extra == {"department": "Sociology", "campus": "UC Los Angeles"}
    assert first.raw == "Gabriel Rossman, Professor, Sociology, UC Los Angeles"
    assert last.name == "Pei-te Lien"
    assert last.extra["department"] == (
        "Political Science, Asian American Studies, Feminist Studies, and Black Studies")


def test_csv_house_215_rows_with_state_party_district():
    # SOURCES.md says 214 signers, but the file holds a header and 215 data rows (its last
    # line has no newline, so `wc -l` prints 215 for the 216 lines).
    body = (HOUSE / "actual-215-signatures.csv").read_bytes()
    assert body.count(b"\n") == 215 and not body.endswith(b"\n")
    result = CSV.parse(body, URL, {})
    assert (result.listed_count, result.reported_count) == (215, None)
    massie = result.signers[0]
    assert (massie.name, massie.location) == ("Thomas Massie", "Kentucky")
    assert massie.extra == {"district": "04", "party": "Republican",
                            "signed_date": "September 2nd 2025"}
    assert result.signers[-1].name == "Daniel S. Goldman"


def test_csv_semicolon_cp1252_first_last_and_unmapped_columns():
    body = "Spitzname;Farbe;first name;last name;Favourite\nx;y;Zoë;Müller;Tea\n".encode(
        "cp1252")
    result = CSV.parse(body, URL, {})
    signer = result.signers[0]
    assert signer.name == "Zoë Müller"
    assert signer.extra == {"Spitzname": "x", "Farbe": "y", "Favourite": "Tea"}


@pytest.mark.parametrize(
    ("header", "row", "name"),
    [
        ("Vorname;Nachname;Ort", "Zoë;Müller;Köln", "Zoë Müller"),
        ("prenom,nom,email", "Anne,Klammt,a@example.org", "Anne Klammt"),
        ('"JMÉNO, PŘÍJMENÍ",INSTITUCE', "Matěj Pejša,FF UK", "Matěj Pejša"),
        ("name,given_name,affiliation", "Hinz,Martin,Bern", "Martin Hinz"),
    ],
)
def test_csv_header_in_other_languages_and_split_names(header, row, name):
    result = CSV.parse(f"{header}\n{row}\n".encode(), URL, {})
    assert [s.name for s in result.signers] == [name]


def test_csv_options_name_column_and_count_row_pattern():
    body = b"Total signed: 12\nWho,Where\nAda Lovelace,London\nGrace Hopper,NYC\n"
    result = CSV.parse(body, URL, {"name_column": "Who", "count_row_pattern": r"total signed"})
    assert result.reported_count == 12
    assert [s.name for s in result.signers] == ["Ada Lovelace", "Grace Hopper"]


def test_csv_utf8_bom_and_count_row_without_colon():
    body = "\ufeffNumber of signatories,3\nName,Affiliation\nAda,X\n".encode()
    result = CSV.parse(body, URL, {})
    assert (result.reported_count, result.signers[0].affiliation) == (3, "X")


def test_csv_with_no_rows_raises_no_signers_found():
    with pytest.raises(NoSignersFound):
        CSV.parse(b"Name,Title\n", URL, {})


def test_csv_log_of_counts_states_the_latest_and_lists_nobody():
    body = b"Timestamp,Signatures\r\n2025-07-28 12:00:00,390101\r\n2025-07-29 12:52:49,391607\r\n"
    result = CSV.parse(body, "https://example.org/signature_count.csv", {})
    assert (result.reported_count, result.listed_count) == (391607, 0)


def test_csv_numbers_beside_names_are_not_a_count_log():
    body = b"Name,Count\r\nAnn Lee,1\r\nBo Diaz,2\r\n"
    result = CSV.parse(body, "https://example.org/signers.csv", {})
    assert [s.name for s in result.signers] == ["Ann Lee", "Bo Diaz"]
