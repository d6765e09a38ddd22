"""The yaml adapter, and the JSON reading rules it shares (scrapers.adapters.json_api)."""

from __future__ import annotations

import json

import pytest

from scrapers.adapters.json_api import JSON
from scrapers.adapters.yaml_data import YAML
from scrapers.detect import parse_page
from scrapers.errors import NoSignersFound, ParseError

URL = "https://example.org/_data/signatories.yml"
SIGNATORIES = b"""# Individual signatories, in the order they signed.
individuals:
  - name: Ada Quill
    affiliation: Example University
  - name: Bo Stern
    affiliation: Example Lab
organizations:
  - name: Example Org
"""


def test_yaml_reads_a_jekyll_data_file_of_signatories():
    result = parse_page(SIGNATORIES, URL, None, "auto")
    assert result.kind == "yaml"
    # The file is named signatories: the organisations in it signed too.
    assert [(s.name, s.affiliation) for s in result.signers] == [
        ("Ada Quill", "Example University"), ("Bo Stern", "Example Lab"), ("Example Org", None)]


def test_yaml_top_level_list_is_named_by_the_file():
    body = (b"- name: PowerDNS\n  url: https://example.org/a\n"
            b"- name: ISC\n  url: https://example.org/b\n")
    assert [s.name for s in YAML.parse(body, "https://example.org/supporters.yml", {}).signers] \
        == ["PowerDNS", "ISC"]
    with pytest.raises(NoSignersFound):
        YAML.parse(body, "https://example.org/links.yml", {})


def test_yaml_one_signer_file_in_a_signatures_folder_is_one_signer():
    body = b"name: Ada Quill\nlink: https://example.org/ada\n"
    for folder in ("_data/signed", "signatures"):
        result = parse_page(body, f"https://example.org/{folder}/ada.yaml", None, "auto")
        assert [s.name for s in result.signers] == ["Ada Quill"]


def test_yaml_refuses_python_tags_and_broken_documents():
    with pytest.raises(ParseError, match="not YAML"):
        YAML.parse(b"people: !!python/object/apply:os.system ['true']\n", URL, {})
    with pytest.raises(ParseError, match="not YAML"):
        YAML.parse(b"people: [unclosed\n", URL, {})


def test_yaml_sibling_lists_of_people_are_one_list():
    body = (b"letter:\n  sincerely:\n    - {name: Ann Lee, role: CEO}\n"
            b"  supported_by:\n    - {name: Bo Diaz, role: Director}\n")
    assert [s.name for s in YAML.parse(body, URL, {}).signers] == ["Ann Lee", "Bo Diaz"]


def test_json_anonymous_signer_with_details_is_listed():
    people = [{"name": "Ann Lee", "affiliation": "X"}] * 4 + [{"name": None, "affiliation": "Y"}]
    body = json.dumps({"count": 5, "signatories": people}).encode()
    result = JSON.parse(body, "https://example.org/api", {})
    assert result.listed_count == 5 and result.reported_count == 5
    assert (result.signers[-1].name, result.signers[-1].affiliation) == ("Anonymous", "Y")


def test_json_recent_signers_beside_the_list_are_not_counted_twice():
    people = [{"name": f"Person {n}", "date": "2026-01-01"} for n in range(6)]
    body = json.dumps({"signers": people, "recent_signers": people[:2]}).encode()
    assert JSON.parse(body, "https://example.org/api", {}).listed_count == 6


def test_yaml_file_that_is_one_list_of_titled_entries_lists_them():
    body = (b"orgs:\n# - { title: Withdrawn Ltd, website: 'https://example.org/w' }\n"
            b"- { title: Alfred's Brewery, website: 'https://example.org/a', founding: true }\n"
            b"- { title: Belgarum, website: 'https://example.org/b', founding: true }\n")
    signers = YAML.parse(body, "https://example.org/_data/orgs.yml", {}).signers
    assert [(s.name, s.affiliation) for s in signers] == [
        ("Alfred's Brewery", None), ("Belgarum", None)]


def test_yaml_titled_entries_beside_other_data_are_not_signers():
    body = (b"site: Example\nposts:\n- { title: Hello world, date: 2024-01-01 }\n"
            b"- { title: Second post, date: 2024-02-01 }\n")
    with pytest.raises(NoSignersFound):
        YAML.parse(body, "https://example.org/_data/blog.yml", {})


def test_json_every_list_under_signatories_is_signers_and_pairs_sign_as_one():
    body = json.dumps({"signatories": {
        "pairs": [{"human": {"name": "Ann Lee"}, "ai": {"name": "Helper"}, "status": "active"}],
        "humans": [],
        "ais": [{"name": "Clawd", "url": "https://example.org/c"}],
        "organizations": [{"name": "Example Intelligence", "representative": "Ann Lee"}],
    }, "counts": {"total": 3}}).encode()
    result = JSON.parse(body, "https://example.org/signatories.json", {})
    assert [s.name for s in result.signers] == [
        "Ann Lee & Helper", "Clawd", "Example Intelligence"]
    assert result.reported_count == 3


def test_json_organizations_list_outside_a_signatories_key_is_not_signers():
    body = json.dumps({"count": 2, "organizations": [{"name": "Org A"}, {"name": "Org B"}],
                       "signers": [{"name": "Ann Lee", "role": "CEO"}]}).encode()
    assert [s.name for s in JSON.parse(body, "https://example.org/api", {}).signers] == [
        "Ann Lee"]
