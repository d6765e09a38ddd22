"""The JSON API: letters, snapshots, signers, composition, pagination, OpenAPI, metrics."""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.mozilla import MOZILLA_SLUG

API = f"/api/v1/letters/{MOZILLA_SLUG}"


def test_api_letters_lists_count_and_status(client, mozilla) -> None:
    body = client.get("/api/v1/letters").get_json()
    assert body["meta"] == {"page": 1, "per_page": 100, "total": 1, "pages": 1}
    assert body["links"]["next"] is None and body["links"]["prev"] is None
    letter = body["data"][0]
    assert (letter["slug"], letter["count"], letter["status"]) == (MOZILLA_SLUG, 377, "ok")
    assert letter["count_as_of"] == "2023-11-02T23:09:59Z"


def test_api_letter_as_of_gives_older_count_and_citation(client, mozilla) -> None:
    data = client.get(f"{API}?as_of=2023-11-02T12:00:00Z").get_json()["data"]
    assert data["count"] == 158 and data["signer_count"] == 157
    # Cited as of its last confirmation before as_of: nothing vouches for it after that.
    assert data["citation"]["as_of"] == "2023-11-02T00:08:17Z"
    assert data["citation"]["observed_at"] == "2023-11-02T00:08:17Z"
    assert data["citation"]["archive_url"].endswith(data["citation"]["archive_sha256"])


def test_api_signers_pagination_links_walk_every_page(client, mozilla) -> None:
    url, names, pages = f"{API}/signers?per_page=100", [], 0
    while url:
        body = client.get(url).get_json()
        names += [s["name"] for s in body["data"]]
        url, pages = body["links"]["next"], pages + 1
    assert pages == 4 and len(names) == 378
    last = client.get(f"{API}/signers?per_page=100&page=4").get_json()
    assert last["links"]["prev"] == f"http://localhost{API}/signers?per_page=100&page=3"


def test_api_signers_filter_keeps_params_in_links(client, mozilla) -> None:
    body = client.get(f"{API}/signers?facet=organization:Mozilla&per_page=10").get_json()
    assert body["meta"]["total"] == 24
    assert "facet=organization:Mozilla" in body["links"]["next"]
    assert body["data"][0]["facets"] == [{"key": "organization", "value": "Mozilla",
                                          "source": "printed", "source_detail": None}]


def test_api_snapshots_are_paginated_oldest_first(client, mozilla) -> None:
    body = client.get(f"{API}/snapshots?per_page=2").get_json()
    assert [s["reported_count"] for s in body["data"]] == [62, 158]
    assert body["links"]["next"].endswith("per_page=2&page=2")


def test_api_composition_has_denominator_and_unknown(client, mozilla) -> None:
    data = client.get(f"{API}/composition?facet=organization").get_json()["data"]
    assert (data["denominator"], data["known"], data["unknown"]) == (375, 369, 6)
    assert data["values"][0] == {"value": "Mozilla", "label": "Mozilla",
                                  "signers": 24}
    old = client.get(f"{API}/composition?facet=organization&as_of=2023-11-02T12:00:00Z")
    assert old.get_json()["data"]["values"][0] == {"value": "Mozilla",
                                                       "label": "Mozilla", "signers": 12}


def test_api_errors_are_json(client, mozilla) -> None:
    response = client.get("/api/v1/letters/nope")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    assert client.get(f"{API}/signers?page=0").status_code == 400
    assert client.get(f"{API}?as_of=not-a-time").get_json()["error"]["status"] == 400


def test_openapi_describes_every_api_route(client, app) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    api_rules = {re.sub(r"<(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/api/v1/") and not rule.rule.endswith(".json")}
    assert api_rules == set(document["paths"])


def test_api_conforms_to_openapi(app, mozilla) -> None:
    """schemathesis over WSGI: every operation, 25 generated requests each, one real letter."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7  # 5 letter routes, 2 overlap routes (web/overlap.py)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:
            case.call_and_validate()

        conforms()


def test_metrics_text_parses(client, session, mozilla) -> None:
    from datetime import UTC, datetime

    from models import PollLog

    with session.begin():  # synthetic poll log: three polls of the real letter
        for duration, outcome in ((80, "unchanged"), (400, "changed"), (12000, "http_error")):
            session.add(PollLog(letter_id=mozilla, started_at=datetime(2023, 11, 3, tzinfo=UTC),
                                duration_ms=duration, outcome=outcome))
    text = client.get("/metrics").get_data(as_text=True)
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    assert samples[f'signwatch_letter_signatures{{letter="{MOZILLA_SLUG}"}}'] == 377
    assert samples[f'signwatch_polls_total{{letter="{MOZILLA_SLUG}",outcome="changed"}}'] == 1
    assert samples['signwatch_poll_duration_seconds_bucket{le="0.1"}'] == 1
    assert samples['signwatch_poll_duration_seconds_bucket{le="0.5"}'] == 2
    assert samples['signwatch_poll_duration_seconds_bucket{le="+Inf"}'] == 3
    assert samples["signwatch_poll_duration_seconds_sum"] == 12.48
