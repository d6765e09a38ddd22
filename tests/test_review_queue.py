"""The editors' review queue (/admin/matches) holds overlap's "possibly the same person" pairs
beside the roster matches (issue 18: "fuzzy candidates go to the existing review queue, never
counted silently"): confirm merges, reject tells the two apart for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from models import AuditLog, Person, editing
from models.db import session_factory
from models.signers import DistinctPeople
from tests.editors import csrf_token, dump_tables, make_editor, post, sign_in
from tests.overlaps import AT, make_letter, person_of, post_list

HOSTILE = '<script>alert(1)</script>'


@pytest.fixture
def doe(app: Flask) -> dict[str, int]:
    """Two letters sharing Elie Honig; Jane Q. Doe on one, Jane R. Doe on the other."""
    make_letter(app, "l2016", ["Jane Q. Doe; former AUSA", "Elie Honig"])
    make_letter(app, "l2024", ["Jane R. Doe; Trial Attorney", "Elie Honig"])
    return {"q": person_of(app, "l2016", "Jane Q. Doe"),
            "r": person_of(app, "l2024", "Jane R. Doe")}


def _shared(client) -> int:
    body = client.get("/api/v1/overlap?letters=l2016,l2024").get_json()["data"]
    return body["pairs"][0]["shared"]


def _decide(client, people: dict[str, int], decision: str):
    return post(client, f"/admin/matches/people/{people['q']}/{people['r']}/{decision}",
                form_page="/admin/matches", follow_redirects=True)


def _audit(app: Flask, action: str) -> list[AuditLog]:
    with session_factory(app)() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_review_queue_lists_pair_with_letters_and_printed_lines(editor, doe) -> None:
    page = editor.get("/admin/matches").get_data(as_text=True)
    assert "Possibly the same person" in page
    assert "Jane Q. Doe" in page and "Jane R. Doe" in page
    assert "former AUSA" in page and "Trial Attorney" in page
    assert "L2016" in page and "L2024" in page
    assert f"/admin/matches/people/{doe['q']}/{doe['r']}/confirm" in page


def test_review_queue_roster_match_shows_the_signers_letters(editor, seeds) -> None:
    page = editor.get("/admin/matches").get_data(as_text=True)
    assert "DOJ alumni statement" in page and "E. Honig, prosecutor" in page


def test_review_queue_confirm_merges_and_overlap_counts_one(app, client, doe) -> None:
    assert _shared(client) == 1
    make_editor(app)
    sign_in(client)
    page = _decide(client, doe, "confirm").get_data(as_text=True)
    assert "one person: merged" in page and "No pair of people waits" in page
    assert _shared(client) == 2
    merge = _audit(app, "person.merge")
    assert [(m.target_id, m.new_value["merged_into_id"]) for m in merge] == [(doe["r"], doe["q"])]
    assert merge[0].user_id is not None


def test_review_queue_reject_keeps_them_apart_for_good(app, client, doe) -> None:
    make_editor(app)
    sign_in(client)
    page = _decide(client, doe, "reject").get_data(as_text=True)
    assert "different people" in page and "No pair of people waits" in page
    assert _shared(client) == 1
    assert "Possibly the same person" not in client.get(
        "/overlap?letters=l2016,l2024").get_data(as_text=True)
    # Read again, the lists bring neither the pair nor a silent join back; a plain
    # "Jane Doe" could be either, so she waits beside each of them.
    post_list(app, "l2024", ["Jane R. Doe; Trial Attorney", "Elie Honig", "Jane Doe"],
              AT + timedelta(hours=1))
    assert _shared(client) == 1
    queue = client.get("/admin/matches").get_data(as_text=True)
    plain = person_of(app, "l2024", "Jane Doe")
    assert f"/people/{doe['q']}/{doe['r']}/" not in queue
    assert f"/people/{doe['q']}/{plain}/" in queue and f"/people/{doe['r']}/{plain}/" in queue
    assert [a.new_value for a in _audit(app, "person.distinct")] == [{"distinct_from": doe["r"]}]


def test_review_queue_decided_pair_is_refused_and_changes_nothing(app, editor, doe) -> None:
    _decide(editor, doe, "reject")
    before = dump_tables(app)
    for decision in ("reject", "confirm"):
        page = _decide(editor, doe, decision).get_data(as_text=True)
        assert "are not waiting for review" in page
    assert dump_tables(app) == before


def test_review_queue_refuses_people_of_different_names(app, editor, doe) -> None:
    honig = person_of(app, "l2016", "Elie Honig")
    before = dump_tables(app)
    page = post(editor, f"/admin/matches/people/{doe['q']}/{honig}/confirm",
                form_page="/admin/matches", follow_redirects=True).get_data(as_text=True)
    assert "are not waiting for review" in page
    assert dump_tables(app) == before


def test_review_queue_rejection_survives_a_later_merge(app, doe) -> None:
    with session_factory(app)() as session, session.begin():
        q = session.get(Person, doe["q"])
        twin = Person(name_key="jane q doe 2", display_name="Jane Q. Doe", created_at=AT,
                      match_key=q.match_key, middle_initials=q.middle_initials)
        session.add(twin)
        session.flush()
        editing.reject_pair(session, doe["q"], doe["r"], user_id=None, now=AT)
        editing.merge_people(session, doe["q"], twin.id, user_id=None, now=AT)
    with session_factory(app)() as session:
        from models.overlap import candidate_pairs

        assert candidate_pairs(session) == []
        assert session.scalars(select(DistinctPeople)).one().other_id == doe["r"]


def test_review_queue_needs_sign_in(app, client, doe) -> None:
    assert client.get("/admin/matches").headers["Location"].startswith("/login")
    before = dump_tables(app)
    response = client.post(f"/admin/matches/people/{doe['q']}/{doe['r']}/confirm",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert dump_tables(app) == before


def test_review_queue_needs_a_csrf_token(app, editor, doe) -> None:
    before = dump_tables(app)
    path = f"/admin/matches/people/{doe['q']}/{doe['r']}/confirm"
    assert editor.post(path).status_code == 400
    assert editor.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert dump_tables(app) == before


def test_review_queue_hostile_name_renders_escaped(app, editor) -> None:
    make_letter(app, "hostile", [f"Jane Q. Doe {HOSTILE}; {HOSTILE}",
                                 f"Jane R. Doe {HOSTILE}"])
    page = editor.get("/admin/matches").get_data(as_text=True)
    assert "/admin/matches/people/" in page  # the pair is listed
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page
