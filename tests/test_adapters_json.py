"""The json, uk-parliament and change-org adapters on real captured responses and pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.adapters.change_org import CHANGE_ORG
from scrapers.adapters.json_api import JSON, resolve
from scrapers.adapters.uk_parliament import UK_PARLIAMENT
from scrapers.errors import NoSignersFound, ParseError

FIXTURES = Path(__file__).parent / "fixtures"
UK = FIXTURES / "uk_petition_241584_evilneuro_gitscrape"
CHANGE = FIXTURES / "changeorg_bethechange_fixtures_2016"
WTP = FIXTURES / "wethepeople_api_v1_yoni" / "petitions.json"
UK_URL = "https://petition.parliament.uk/petitions/241584.json"


def test_uk_parliament_full_layout_breakdowns_and_meta():
    body = (UK / "241584-data_latest__20190422T123702.json").read_bytes()
    result = UK_PARLIAMENT.parse(body, UK_URL, {})
    assert result.reported_count == 6078985
    assert len(result.breakdowns["country"]) == 232
    assert len(result.breakdowns["constituency"]) == 650
    assert result.breakdowns["constituency"]["Edinburgh East"] == 19510
    assert result.has_list is False and result.signers == ()
    assert result.title == "Revoke Article 50 and remain in the EU."
    assert result.meta["state"] == "open"
    assert result.meta["opened_at"] == "2019-02-20T10:25:02.393Z"
    assert result.meta["petition_id"] == 241584


def test_uk_parliament_abridged_layout_has_no_breakdowns():
    result = UK_PARLIAMENT.parse((UK / "241584-20190313-2214.json").read_bytes(), UK_URL, {})
    assert (result.reported_count, dict(result.breakdowns)) == (7346, {})
    assert result.meta["updated_at"] == "2019-03-13T23:56:46.733Z"


def test_uk_parliament_rejects_other_json():
    with pytest.raises(ParseError):
        UK_PARLIAMENT.parse(b'{"results": []}', UK_URL, {})


def test_change_org_page_supporters():
    result = CHANGE_ORG.parse((CHANGE / "test_petition.html").read_bytes(), "https://x/", {})
    assert result.reported_count == 279890
    assert result.title == (
        "President Barack Obama: Sharanda Jones does not deserve to die in prison")
    assert result.has_list is False


def test_change_org_visible_count_when_no_embedded_json():
    page = b"<html><title>Change.org</title><p><strong>1.234</strong> supporters</p></html>"
    assert CHANGE_ORG.parse(page, "https://www.change.org/p/x", {}).reported_count == 1234


def test_json_change_org_petition_api_count():
    result = JSON.parse((CHANGE / "petition.json").read_bytes(), "https://api/x", {})
    assert result.reported_count == 269882
    assert result.has_list is False
    assert result.title == "Congress: Pass the ABLE Act"


def test_json_change_org_endorsements_list_people():
    result = JSON.parse((CHANGE / "endorsements.json").read_bytes(), "https://api/x", {})
    assert result.listed_count == 41
    assert result.reported_count == 41
    gates = result.signers[0]
    assert (gates.name, gates.affiliation) == (
        "Bill Gates", "Co-chair, Bill and Melinda Gates Foundation")


def test_json_we_the_people_many_petitions_as_breakdown():
    result = JSON.parse(WTP.read_bytes(), "https://api.whitehouse.gov/v1/petitions.json", {})
    assert result.reported_count is None
    assert len(result.breakdowns["petitions"]) == 100
    assert result.breakdowns["petitions"][
        "Lower the precedence of the new Distinguished Warfare Medal"] == resolve(
        __import__("json").loads(WTP.read_bytes()), 'results[0]."signature count"')[0]


def test_json_count_path_with_quoted_key_and_index():
    result = JSON.parse(WTP.read_bytes(), "https://x/", {
        "count_path": 'results[0]."signature count"'})
    assert result.reported_count == resolve(
        __import__("json").loads(WTP.read_bytes()), 'results[*]."signature count"')[0]


def test_json_list_path_name_and_affiliation_fields():
    body = b'{"data": {"total": "1,002", "people": [{"n": "Ada", "org": {"x": "Engines"}}]}}'
    options = {"count_path": "data.total", "list_path": "data.people[*]", "name_field": "n",
               "affiliation_field": "org.x"}
    result = JSON.parse(body, "https://x/", options)
    assert result.reported_count == 1002
    assert [(s.name, s.affiliation) for s in result.signers] == [("Ada", "Engines")]


def test_json_auto_obvious_count_key_and_signers_list():
    body = b'{"meta": {"signature_count": 7}, "signatures": [{"name": "Ada Lovelace"}]}'
    result = JSON.parse(body, "https://x/", {})
    assert (result.reported_count, result.signers[0].name) == (7, "Ada Lovelace")


def test_json_tags_with_names_are_not_signers():
    body = b'{"count": 3, "tags": [{"name": "prison reform"}, {"name": "justice"}]}'
    result = JSON.parse(body, "https://x/", {})
    assert (result.reported_count, result.has_list) == (3, False)


def test_json_without_count_or_people_raises_no_signers_found():
    with pytest.raises(NoSignersFound):
        JSON.parse(b'{"hello": "world"}', "https://x/", {})


def test_json_invalid_raises_parse_error():
    with pytest.raises(ParseError, match="not JSON"):
        JSON.parse(b"{nope", "https://x/", {})


def test_json_an_object_keyed_by_numbers_is_a_list_of_signers():
    # SYNTHETIC, shaped like a PHP export of a letter's signatories ({"1": {...}, "2": {...}}).
    body = (b'{"1": {"name": "Revd Ann Lee", "org": "Vicar, St Mark\\u2019s"},'
            b' "2": {"name": "Mr Bo Diaz", "org": "Elder, Grace Church"}}')
    result = JSON.parse(body, "https://letters.example/signatories.json", {})
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Revd Ann Lee", "Vicar, St Mark\u2019s"), ("Mr Bo Diaz", "Elder, Grace Church")]
    # Keyed by numbers or not, tags with names are still no signers.
    tags = b'{"count": 2, "tags": {"1": {"name": "housing"}, "2": {"name": "transport"}}}'
    assert JSON.parse(tags, "https://x/", {}).has_list is False


def test_json_one_signer_file_in_a_signers_folder_is_one_signer():
    body = json.dumps({"name": "Bo Stern", "link": "https://example.org/bo"}).encode()
    assert [s.name for s in JSON.parse(body, "https://example.org/signers/bo.json", {}).signers] \
        == ["Bo Stern"]
