"""The overlap between letters (issue 18): API, page, person page, exports, editors' merges
and splits, hostile names."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask

from models import Roster, RosterEntry, RosterMatch, editing
from models.db import session_factory
from tests.overlaps import AT, make_letter, person_of, post_list, signature_of

HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'


@pytest.fixture
def three(app: Flask) -> dict[str, int]:
    """Three letters: 2016 (5 people), 2020 (4, 3 of them from 2016), 2024 (3)."""
    return {
        "l2016": make_letter(app, "l2016", [
            "Jane Q. Doe; former AUSA", "Elie Honig; former AUSA", "Mimi Rocah",
            "Frank Figliuzzi", "Solo Person"]),
        "l2020": make_letter(app, "l2020", [
            "DOE, Jane; Trial Attorney", "Elie Honig", "Mimi Rocah (ret.)", "New Person"]),
        "l2024": make_letter(app, "l2024", [
            "Jane Doe (former AUSA)", "New Person", "Jane R. Doe"]),
    }


def _pair(client, letters: str) -> dict:
    body = client.get(f"/api/v1/overlap?letters={letters}").get_json()["data"]
    return body["pairs"][0]


def test_overlap_api_counts_shared_and_only(client, three) -> None:
    pair = _pair(client, "l2016,l2020")
    assert (pair["signers_a"], pair["signers_b"], pair["shared"]) == (5, 4, 3)
    assert (pair["only_a"], pair["only_b"]) == (2, 1)
    assert pair["share_of_a"] == pytest.approx(0.6)
    assert pair["share_of_b"] == pytest.approx(0.75)


def test_overlap_person_key_joins_printed_styles_not_other_initials(client, three) -> None:
    # "Jane Q. Doe", "DOE, Jane" and "Jane Doe (former AUSA)" are one person; "Jane R. Doe"
    # disagrees on the initial and stays apart, listed as a candidate.
    assert _pair(client, "l2016,l2024")["shared"] == 1
    page = client.get("/overlap?letters=l2016,l2024").get_data(as_text=True)
    assert "Possibly the same person" in page and "Jane R. Doe" in page


def test_overlap_api_regions_for_three_letters(client, three) -> None:
    body = client.get("/api/v1/overlap?letters=l2016,l2020,l2024").get_json()["data"]
    regions = {tuple(r["letters"]): r["signers"] for r in body["regions"]}
    assert regions[("l2016", "l2020", "l2024")] == 1  # Jane Doe
    assert regions[("l2016", "l2020")] == 2            # Honig, Rocah
    assert regions[("l2020", "l2024")] == 1            # New Person
    assert regions[("l2024",)] == 1                    # Jane R. Doe
    assert sum(regions.values()) == 7


def test_overlap_api_shared_people_paged_with_roles(client, three) -> None:
    body = client.get("/api/v1/overlap/shared?letters=l2016,l2020&per_page=2").get_json()
    assert body["meta"]["total"] == 3
    assert [p["name"] for p in body["data"]] == ["Elie Honig", "Jane Q. Doe"]
    roles = body["data"][1]["signatures"]
    assert roles["l2016"][0]["role"] == "former AUSA"
    assert roles["l2020"][0]["role"] == "Trial Attorney"
    assert body["links"]["next"] is not None


def test_overlap_api_as_of_sees_the_lists_then(app: Flask, client, three) -> None:
    post_list(app, "l2020", ["Elie Honig", "New Person"], AT + timedelta(days=1))
    assert _pair(client, "l2016,l2020")["shared"] == 1
    before = client.get("/api/v1/overlap?letters=l2016,l2020&as_of=2020-02-17T20:00:00Z")
    assert before.get_json()["data"]["pairs"][0]["shared"] == 3


def test_overlap_api_unknown_letter_is_404(client, three) -> None:
    response = client.get("/api/v1/overlap?letters=l2016,nope")
    assert response.status_code == 404
    assert "nope" in response.get_json()["error"]["message"]


def test_overlap_api_nul_in_a_slug_is_an_unknown_letter(client, three) -> None:
    # schemathesis found it: PostgreSQL refused the NUL in the slug's query (a 500)
    response = client.get("/api/v1/overlap?letters=%00&as_of=2000-01-01T00%3A00%3A00Z")
    assert response.status_code == 404
    assert client.get("/letters/a%00b").status_code == 404


def test_overlap_editor_merge_and_split_change_counts(app: Flask, client, three) -> None:
    figliuzzi = person_of(app, "l2016", "Frank Figliuzzi")
    newcomer = person_of(app, "l2020", "New Person")
    with session_factory(app)() as session, session.begin():
        editing.merge_people(session, newcomer, figliuzzi, user_id=None, now=AT)
    assert _pair(client, "l2016,l2020")["shared"] == 4
    honig = person_of(app, "l2016", "Elie Honig")
    with session_factory(app)() as session, session.begin():
        editing.split_person(session, honig, [signature_of(app, "l2020", "Elie Honig")],
                             user_id=None, now=AT)
    assert _pair(client, "l2016,l2020")["shared"] == 3
    # The split stays split when the letter is read again.
    post_list(app, "l2020", ["DOE, Jane", "Elie Honig", "Mimi Rocah (ret.)", "New Person"],
              AT + timedelta(hours=1))
    assert _pair(client, "l2016,l2020")["shared"] == 3


def test_overlap_page_matrix_and_shared_list(client, three) -> None:
    page = client.get("/overlap?letters=l2016,l2020,l2024&pair=l2016,l2020")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="overlap-matrix"' in html and "60.0%" in html and "75.0%" in html
    assert 'id="overlap-venn"' in html
    assert "On both L2016 and L2020: 3" in html and "Trial Attorney" in html


def test_overlap_page_bad_pair_is_400(client, three) -> None:
    assert client.get("/overlap?letters=l2016,l2020&pair=l2016,l2024").status_code == 400


def _csv(client, path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(path).get_data(as_text=True))))


def test_overlap_csv_one_row_per_pair(client, three) -> None:
    rows = _csv(client, "/overlap.csv?letters=l2016,l2020,l2024")
    assert rows[0][:7] == ["letter_a", "letter_b", "title_a", "title_b", "signers_a",
                           "signers_b", "shared"]
    assert [r[:2] + r[6:7] for r in rows[1:]] == [
        ["l2016", "l2020", "3"], ["l2016", "l2024", "1"], ["l2020", "l2024", "2"]]


def test_overlap_shared_csv_a_column_per_letter(client, three) -> None:
    rows = _csv(client, "/shared.csv?letters=l2016,l2020,l2024")
    assert rows[0] == ["person_id", "name", "l2016", "l2020", "l2024"]
    jane = next(r for r in rows if r[1] == "Jane Q. Doe")
    assert jane[2:] == ["2020-02-17T19:05:00Z"] * 3
    newcomer = next(r for r in rows if r[1] == "New Person")
    assert newcomer[2] == ""
    assert len(rows) == 5  # header, Jane, Honig, Rocah, New Person


def test_overlap_hostile_name_safe_everywhere(app: Flask, client) -> None:
    make_letter(app, "a", [HOSTILE, "Plain Person"])
    make_letter(app, "b", [HOSTILE])
    page = client.get("/overlap?letters=a,b&pair=a,b").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    rows = _csv(client, "/shared.csv?letters=a,b")
    assert rows[1][1].startswith("'=HYPERLINK")
    assert _csv(client, "/overlap.csv?letters=a,b")[1][0] == "a"
    person = client.get(f"/people/{person_of(app, 'a', HOSTILE)}").get_data(as_text=True)
    assert "<script>alert(1)" not in person


def test_overlap_person_page_lists_every_letter(app: Flask, client, three) -> None:
    page = client.get(f"/people/{person_of(app, 'l2016', 'Jane Q. Doe')}")
    html = page.get_data(as_text=True)
    for title in ("L2016", "L2020", "L2024"):
        assert f">{title}</a>" in html
    assert "DOE, Jane; Trial Attorney" in html and "/letters/l2020" in html
    assert "/overlap?letters=l2016,l2020,l2024" in html


def test_overlap_person_page_404(client) -> None:
    assert client.get("/people/999").status_code == 404


def test_overlap_letter_page_links_letters_in_common(client, three) -> None:
    html = client.get("/letters/l2016").get_data(as_text=True)
    assert "Letters with the most signers in common" in html
    assert html.index(">L2020</a>: 3") < html.index(">L2024</a>: 1")
    assert "/overlap?letters=l2016,l2020&amp;pair=l2016,l2020#shared" in html


def test_overlap_link_persons_adopts_initials_so_later_disagreement_shows(app: Flask) -> None:
    make_letter(app, "first", ["Jane Doe"])
    make_letter(app, "second", ["Jane Q. Doe"])
    make_letter(app, "third", ["Jane R. Doe", "Doe, Jane Q."])
    jane = person_of(app, "first", "Jane Doe")
    assert person_of(app, "second", "Jane Q. Doe") == jane
    assert person_of(app, "third", "Doe, Jane Q.") == jane
    assert person_of(app, "third", "Jane R. Doe") != jane


def test_overlap_link_persons_by_key_when_no_name_key_matches(app: Flask) -> None:
    make_letter(app, "first", ["Jane Q. Doe"])
    make_letter(app, "second", ["DOE, Jane"])  # no person has the name key "doe jane"
    assert person_of(app, "second", "DOE, Jane") == person_of(app, "first", "Jane Q. Doe")


def _roster_link(app: Flask, statuses: tuple[str, str], *people: int) -> None:
    with session_factory(app)() as session, session.begin():
        roster = Roster(name="analysts", imported_at=AT, columns=["name"])
        roster.entries = [RosterEntry(line_no=2, name="Elie Honig", name_key="elie honig",
                                      attributes={})]
        session.add(roster)
        session.flush()
        session.add_all([RosterMatch(roster_entry_id=roster.entries[0].id, person_id=person,
                                     score=90.0, status=status)
                         for person, status in zip(people, statuses, strict=True)])


@pytest.mark.parametrize(("second", "shared"), [("confirmed", 1), ("pending", 0)])
def test_overlap_roster_links_join_people_pending_never(app: Flask, client, second: str,
                                                        shared: int) -> None:
    make_letter(app, "a", ["Elie Honig; former AUSA", "Only A"])
    make_letter(app, "b", ["E. Honig; CNN", "Only B"])
    first, other = person_of(app, "a", "Elie Honig"), person_of(app, "b", "E. Honig")
    assert first != other
    _roster_link(app, ("auto", second), first, other)
    pair = _pair(client, "a,b")
    assert (pair["signers_a"], pair["signers_b"], pair["shared"]) == (2, 2, shared)
    body = client.get("/api/v1/overlap/shared?letters=a,b").get_json()
    assert [p["name"] for p in body["data"]] == ["Elie Honig"] * shared
    html = client.get(f"/people/{other}").get_data(as_text=True)
    assert ("/letters/a" in html) is bool(shared)


def test_overlap_roster_linked_people_on_one_letter_count_once(app: Flask, client) -> None:
    make_letter(app, "a", ["Elie Honig", "E. Honig", "Someone"])
    make_letter(app, "b", ["E. Honig"])
    make_letter(app, "c", ["Someone"])
    _roster_link(app, ("auto", "confirmed"), person_of(app, "a", "Elie Honig"),
                 person_of(app, "a", "E. Honig"))
    body = client.get("/api/v1/overlap?letters=a,b,c").get_json()["data"]
    assert [letter["signers"] for letter in body["letters"]] == [2, 1, 1]
    regions = {tuple(r["letters"]): r["signers"] for r in body["regions"]}
    assert regions == {("a", "b"): 1, ("a", "c"): 1}
