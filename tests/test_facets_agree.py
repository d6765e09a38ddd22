"""One facet rule everywhere (issue 19, item 2): the signer table, the API, the CSV and the
composition agree for a signer an editor changed and for a person merged into another.

The real Mozilla letter plus synthetic facets (no real people's attributes)."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Facet, Person, Signature, reads
from tests.mozilla import MOZILLA_SLUG, build_mozilla_letter

LETTER = f"/letters/{MOZILLA_SLUG}"


@pytest.fixture
def letter(app: Flask, session: Session) -> tuple[int, str, str]:
    """(letter id, the edited signer's name, the merged person's signer's name)."""
    with session.begin():
        letter_id = build_mozilla_letter(session).id
        edited, merged = session.scalars(select(Signature).where(
            Signature.letter_id == letter_id).order_by(Signature.position, Signature.id)
            .offset(3).limit(2))
        person = Person(name_key=merged.name_key, display_name=merged.name)
        session.add(person)
        session.flush()
        merged.person_id = person.id
        old = Person(name_key="an older record", display_name="Older record",
                     merged_into_id=person.id)
        session.add(old)
        session.flush()
        session.add_all([
            Facet(signature_id=edited.id, key="role_category", value="machine_guess",
                  source="rule"),
            Facet(signature_id=edited.id, key="role_category", value="judge",
                  source="editor", source_detail="checked"),
            Facet(person_id=old.id, key="media_affiliation", value="CNN", source="roster",
                  source_detail="analysts, line 2"),
        ])
    return letter_id, edited.name, merged.name


def _table(session: Session, letter_id: int, name: str) -> set[tuple[str, str]]:
    page = reads.signers_page(session, letter_id, reads.SignerQuery(search=name), 1, 10)
    (row,) = [row for row in page.items if row.signature.name == name]
    return {(f.key, f.value) for f in row.facets}


def _api(client, name: str) -> tuple[set[tuple[str, str]], dict]:
    body = client.get(f"/api/v1/letters/{MOZILLA_SLUG}/signers", query_string={"q": name})
    (record,) = [r for r in body.get_json()["data"] if r["name"] == name]
    return {(f["key"], f["value"]) for f in record["facets"]}, record


def _csv(client, name: str) -> dict[str, str]:
    text = client.get(f"{LETTER}/signers.csv").get_data(as_text=True)
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["name"] == name]
    return row


def test_facets_editor_value_wins_in_table_api_csv_and_composition(client, session,
                                                                   letter) -> None:
    letter_id, edited, _merged = letter
    with session.begin():
        table = _table(session, letter_id, edited)
        roles = reads.composition(session, letter_id, "role_category").counts
    api_facets, record = _api(client, edited)
    cells = _csv(client, edited)
    assert ("role_category", "judge") in table and ("role_category", "machine_guess") not in table
    assert {f for f in api_facets if f[0] == "role_category"} == {("role_category", "judge")}
    assert record["role_category"] == cells["role_category"] == "judge"
    assert cells["role_category_source"] == "editor:checked"
    assert dict(roles).get("judge") == 1 and "machine_guess" not in dict(roles)


def test_facets_merged_person_counts_in_table_api_csv_and_composition(client, session,
                                                                      letter) -> None:
    letter_id, _edited, merged = letter
    with session.begin():
        table = _table(session, letter_id, merged)
        media = reads.composition(session, letter_id, "media_affiliation").counts
    api_facets, record = _api(client, merged)
    cells = _csv(client, merged)
    assert ("media_affiliation", "CNN") in table and ("media_affiliation", "CNN") in api_facets
    assert record["media_affiliation"] == cells["media_affiliation"] == "CNN"
    assert cells["media_affiliation_source"] == "roster:analysts, line 2"
    assert dict(media) == {"CNN": 1}


def test_facets_filter_sees_only_effective_values(session, letter) -> None:
    letter_id, edited, merged = letter
    with session.begin():
        def names(key: str, value: str) -> set[str]:
            query = reads.SignerQuery(facet=(key, value))
            return {row.signature.name
                    for row in reads.signers_page(session, letter_id, query, 1, 50).items}

        assert names("role_category", "judge") == {edited}
        assert names("role_category", "machine_guess") == set()
        assert names("media_affiliation", "CNN") == {merged}


def test_facets_agree_api_cells_on_a_later_page_in_any_order(app: Flask, session: Session,
                                                             client):
    with session.begin():
        letter_id = build_mozilla_letter(session).id
        for n, signer in enumerate(session.scalars(select(Signature).where(
                Signature.letter_id == letter_id))):
            session.add(Facet(signature_id=signer.id, key="role_category",
                              value=f"role {n % 7}", source="rule"))
    body = client.get(f"/api/v1/letters/{MOZILLA_SLUG}/signers",
                      query_string={"sort": "-name", "page": 3, "per_page": 25}).get_json()
    assert len(body["data"]) == 25
    for record in body["data"]:
        listed = [f["value"] for f in record["facets"] if f["key"] == "role_category"]
        assert [record["role_category"]] == listed
