"""The ``json`` adapter: any JSON API, by dotted paths or by known layouts.

Paths: ``data.attributes.signature_count``, ``results[0]."signature count"``, ``items[*]``
(``[*]`` takes every element, ``[n]`` one; quote a key holding dots or spaces).
Without options: We the People v1 (``results[*]."signature count"``), Change.org's petition
(``displayed_signature_count``) and endorsements (``items[*].endorser.display_name``), else
the first obvious count key (``signature_count``, ``signatures``, ``count``, ``total`` ...)
and the first list of objects with a name field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from scrapers.base import ScrapeResult, Signer, register
from scrapers.errors import NoSignersFound, ParseError
from scrapers.text import collapse_ws, decode_body, parse_int

_PATH_TOKEN = re.compile(r'\[(\*|-?\d+)\]|"([^"]*)"|([^.\[\]"]+)')
_COUNT_KEYS = (
    "displayed_signature_count",
    "total_signature_count",
    "signature_count",
    "signatureCount",
    "signature count",
    "signatures_count",
    "signatures",
    "signers_count",
    "supporter_count",
    "supporters",
    "total_count",
    "count",
    "total",
)
_NAME_KEYS = ("display_name", "name", "full_name", "fullName", "signer_name", "displayName")
_AFFILIATION_KEYS = ("affiliation", "organization", "organisation", "org", "institution",
                     "title")
_PEOPLE_KEY = re.compile(r"sign|endorse|support|people|person|member|undersigned", re.I)
# Every list of named entries under "signatories": {...} signed, organisations included.
_DECLARED_KEY = re.compile(r"signator|signer|signatures|endorse|undersigned", re.I)
# Decision makers, owners and media are people-shaped but never signers.
_NOT_PEOPLE_KEY = re.compile(r"target|recipient|decision|creator|owner|user|author|tag|topic|"
                             r"media|photo|organi[sz]ation|sponsor|recent|latest|featured|top_|"
                             r"highlight", re.I)
_FIRST_NAME_KEYS = ("first_name", "firstname", "firstName", "given_name", "givenName")
_LAST_NAME_KEYS = ("last_name", "lastname", "lastName", "surname", "family_name", "familyName")
_PERSON_FIELDS = {"display_name", "full_name", "fullName", "signer_name", "endorser",
                  *_FIRST_NAME_KEYS}
# With a plain "name", one of these says the object is someone who signed, not a tag.
_SIGNER_DETAILS = {"affiliation", "organization", "organisation", "org", "institution", "role",
                   "title", "position", "company", "employer", "signed_at", "signed", "date",
                   "since", "orcid", "country", "city", "location"}
_MIN_NAMED_SHARE = 0.7
# In a file that is one list and nothing else, what an entry is called by.
_ENTRY_NAME_KEYS = ("title", "label", "organisation", "organization", "company")
ANONYMOUS = "Anonymous"
_TITLE_KEYS = ("title", "display_title", "petition_title", "action", "name")
_SEARCH_DEPTH = 4
_WILDCARD = object()


def load_json(body: bytes) -> Any:
    """The decoded JSON document; ParseError for anything else."""
    try:
        return json.loads(decode_body(body))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"not JSON: {exc}") from exc


def parse_path(path: str) -> list[Any]:
    """'a.b[*]."c d"[0]' -> ['a', 'b', WILDCARD, 'c d', 0]."""
    steps: list[Any] = []
    for index, quoted, plain in _PATH_TOKEN.findall(path):
        if index:
            steps.append(_WILDCARD if index == "*" else int(index))
        else:
            steps.append(quoted or plain.strip())
    if not steps:
        raise ParseError(f"empty JSON path {path!r}")
    return steps


def resolve(document: Any, path: str) -> list[Any]:
    """Every value at ``path`` (a wildcard fans out); [] when the path leads nowhere."""
    values = [document]
    for step in parse_path(path):
        values = list(_step(values, step))
    return values


def _step(values: Iterable[Any], step: Any) -> Iterable[Any]:
    for value in values:
        if step is _WILDCARD:
            yield from _children(value)
        elif isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value):
            yield value[step]
        elif isinstance(step, str) and isinstance(value, dict) and step in value:
            yield value[step]


def _children(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        return value
    return value.values() if isinstance(value, dict) else ()


def as_count(value: Any) -> int | None:
    """An int from a JSON number or numeric string; None otherwise (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d[\d,. ]*\s*", value):
        return parse_int(value)
    return None


def search_count(document: Any) -> tuple[str, int] | None:
    """(key, value) of the shallowest, best-ranked count key in the document, or None."""
    level = [document]
    for _ in range(_SEARCH_DEPTH):
        dicts = [v for v in level if isinstance(v, dict)]
        for key in _COUNT_KEYS:
            for candidate in dicts:
                count = as_count(candidate.get(key))
                if count is not None:
                    return key, count
        level = [child for v in dicts for child in v.values() if isinstance(child, dict)]
    return None


def find_people_list(document: Any, top_key: str = "") -> list[Any] | None:
    """The first list of people near the top, or None.

    A list counts when its key names people (signers, signatures, endorsements, people ...) or
    its objects carry a person field (display_name, full_name, first_name ...); a list of tags
    with a ``name`` is not people. ``top_key`` stands for the document's own key (the file's
    name: a top-level list in ``signatories.json``).
    """
    level: list[tuple[str, Any, bool]] = [(top_key, _as_array(document), False)]
    for _ in range(_SEARCH_DEPTH):
        found = [value for key, value, declared in level
                 if isinstance(value, list) and value and _people_like(key, value, declared)]
        if found:
            # "signed" then "supported_by": sibling lists of people are one list.
            return [item for value in found for item in value]
        level = [
            (str(child_key), _as_array(child), _DECLARED_KEY.search(key) is not None)
            for key, value, _ in level
            if isinstance(value, dict)
            for child_key, child in value.items()
            if isinstance(child, (dict, list))
        ]
    return None


def _as_array(value: Any) -> Any:
    """An object keyed "1", "2", ... (an array a PHP or Firebase export wrote as an object)
    as the list of its values; anything else as it is."""
    if isinstance(value, dict) and len(value) >= 2 and all(
            isinstance(key, str) and key.isdigit() for key in value):
        return list(value.values())
    return value


def _people_like(key: str, items: list[Any], declared: bool = False) -> bool:
    """Whether ``items`` under ``key`` are people; ``declared``: their parent key says signers."""
    sample = items[:10]
    # An anonymous signer ("name": null beside an affiliation) is one of the people.
    if sum(bool(_person_name(item)) for item in sample) < _MIN_NAMED_SHARE * len(sample):
        return False
    if declared:
        return True
    if _NOT_PEOPLE_KEY.search(key):
        return False
    if _PEOPLE_KEY.search(key):
        return True
    return all(isinstance(item, dict) and _signer_fields(_holder(item)) for item in sample)


def _signer_fields(holder: dict[str, Any]) -> bool:
    keys = holder.keys()
    return bool(_PERSON_FIELDS & keys) or ("name" in keys and bool(_SIGNER_DETAILS & keys))


def _holder(item: dict[str, Any]) -> dict[str, Any]:
    endorser = item.get("endorser")
    return endorser if isinstance(endorser, dict) else item


def _person_name(item: Any, name_field: str | None = None) -> str | None:
    if isinstance(item, str):
        return collapse_ws(item) or None
    if not isinstance(item, dict):
        return None
    if name_field:
        found = resolve(item, name_field)
        return collapse_ws(str(found[0])) if found and found[0] is not None else None
    holder = _holder(item)
    return _own_name(holder) or _joint_name(holder)


def _own_name(holder: dict[str, Any]) -> str | None:
    for key in _NAME_KEYS:
        if isinstance(holder.get(key), str) and holder[key].strip():
            return collapse_ws(holder[key])
    first = next((holder[k] for k in _FIRST_NAME_KEYS if isinstance(holder.get(k), str)), "")
    last = next((holder[k] for k in _LAST_NAME_KEYS if isinstance(holder.get(k), str)), "")
    return collapse_ws(f"{first} {last}") or None


def _joint_name(holder: dict[str, Any]) -> str | None:
    """The names one entry holds one level down ({"human": {...}, "ai": {...}} signing as one)."""
    names = [_own_name(value) for value in holder.values() if isinstance(value, dict)]
    return " & ".join(name for name in names if name) or None


def _person_affiliation(item: Any, affiliation_field: str | None,
                        name_field: str | None = None) -> str | None:
    if not isinstance(item, dict):
        return None
    if affiliation_field:
        found = resolve(item, affiliation_field)
        return collapse_ws(str(found[0])) if found and found[0] else None
    holder = _holder(item)
    for source in (holder, holder.get("additional_data")):
        if isinstance(source, dict):
            for key in _AFFILIATION_KEYS:
                if name_field and parse_path(name_field) == [key]:
                    continue  # the entry's name, not its affiliation
                value = source.get(key)
                if isinstance(value, dict):  # "organization": {"name": ..., "url": ...}
                    value = value.get("name")
                if isinstance(value, str) and value.strip():
                    return collapse_ws(value)
    return None


def _anonymous(item: Any) -> bool:
    """An object with an empty name beside other details: someone who signed unnamed."""
    if not isinstance(item, dict) or not any(key in item for key in _NAME_KEYS):
        return False
    holder = _holder(item)
    return any(isinstance(v, str) and v.strip() for k, v in holder.items() if k not in _NAME_KEYS)


def _whole_file_list(document: Any, options: Mapping[str, Any]) -> tuple[list[Any] | None,
                                                                         Mapping[str, Any]]:
    """A file that is nothing but one list of titled entries (``orgs: [{title: ...}]``)."""
    if isinstance(document, dict) and len(document) == 1:
        document = next(iter(document.values()))
    if not isinstance(document, list) or not document:
        return None, options
    for key in _ENTRY_NAME_KEYS:
        named = [item for item in document if isinstance(item, dict)
                 and isinstance(item.get(key), str) and item[key].strip()]
        if len(named) >= _MIN_NAMED_SHARE * len(document):
            return document, {**options, "name_field": f'"{key}"'}
    return None, options


# A signature kept as a file of its own in a signatures folder (_data/signed/<user>.yaml).
_SIGNED_FOLDER = re.compile(r"/(?:signed|signatures?|signatories|signers)/[^/]+$", re.I)


def _one_signer_file(document: Any, url: str) -> list[Any] | None:
    """A file in a signatures folder that is one signer's flat mapping (name, link)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not isinstance(document, dict) or not _SIGNED_FOLDER.search(path):
        return None
    flat = all(isinstance(value, str | int | float | None) for value in document.values())
    return [document] if flat and _own_name(document) else None


def signers_from(items: Iterable[Any], options: Mapping[str, Any]) -> tuple[Signer, ...]:
    """People objects (or strings) -> Signers, using name_field/affiliation_field if given."""
    signers = []
    for item in items:
        name = _person_name(item, options.get("name_field"))
        if not name and not _anonymous(item):
            continue
        name = name or ANONYMOUS
        affiliation = _person_affiliation(item, options.get("affiliation_field"),
                                          options.get("name_field"))
        raw = f"{name}, {affiliation}" if affiliation else name
        signers.append(Signer(raw=raw, name=name, affiliation=affiliation))
    return tuple(signers)


def document_title(document: Any) -> str | None:
    """A title-like string at the top level (or in data.attributes), or None."""
    for holder in (document, *resolve(document, "data.attributes")):
        if isinstance(holder, dict):
            for key in _TITLE_KEYS:
                if isinstance(holder.get(key), str) and holder[key].strip():
                    return collapse_ws(holder[key])
    return None


def we_the_people(document: Any) -> ScrapeResult | None:
    """We the People API v1: results[*]."signature count"; one petition or a breakdown of many."""
    results = resolve(document, "results")
    petitions = results[0] if results and isinstance(results[0], list) else []
    counted = [p for p in petitions if isinstance(p, dict) and "signature count" in p]
    if not counted:
        return None
    if len(counted) == 1:
        only = counted[0]
        title = only.get("title")
        return _result(title, as_count(only["signature count"]), (), has_list=False)
    by_title = {
        str(p.get("title") or p.get("id")): as_count(p["signature count"]) or 0 for p in counted
    }
    return ScrapeResult(
        kind="json",
        title=None,
        reported_count=None,
        has_list=False,
        breakdowns={"petitions": by_title},
        meta={"petitions": len(counted), "hint": "set count_path to follow one petition"},
    )


def _result(
    title: str | None, count: int | None, signers: tuple[Signer, ...], has_list: bool,
    kind: str = "json",
) -> ScrapeResult:
    return ScrapeResult(
        kind=kind, title=title, reported_count=count, signers=signers, has_list=has_list
    )


def file_stem(url: str) -> str:
    """The last path segment of ``url`` without its extension ('signatories' for .../x.yml)."""
    segment = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return segment.rsplit(".", 1)[0]


def read_document(document: Any, url: str, options: Mapping[str, Any],
                  kind: str = "json") -> ScrapeResult:
    """A decoded JSON (or YAML) document read by paths or by known layouts."""
    if options.get("count_path") or options.get("list_path"):
        result = _by_paths(document, options)
    else:
        result = we_the_people(document) or _auto(document, url, options)
    if result.reported_count is None and not result.signers and not result.breakdowns:
        raise NoSignersFound(f"no count and no list of people in the {kind.upper()}", url=url)
    return replace(result, kind=kind)


def _by_paths(document: Any, options: Mapping[str, Any]) -> ScrapeResult:
    count = None
    if options.get("count_path"):
        found = [as_count(v) for v in resolve(document, options["count_path"])]
        count = next((c for c in found if c is not None), None)
    signers: tuple[Signer, ...] = ()
    if options.get("list_path"):
        values = resolve(document, options["list_path"])
        items = values[0] if len(values) == 1 and isinstance(values[0], list) else values
        signers = signers_from(items, options)
    has_list = bool(options.get("list_path"))
    return _result(document_title(document), count, signers, has_list)


def _auto(document: Any, url: str, options: Mapping[str, Any]) -> ScrapeResult:
    found = search_count(document)
    people = find_people_list(document, file_stem(url))
    if people is None:
        people, options = _whole_file_list(document, options)
    if people is None:
        people = _one_signer_file(document, url)
    signers = signers_from(people, options) if people else ()
    count = found[1] if found else None
    return _result(document_title(document), count, signers, bool(signers))


class JsonAdapter:
    """Any JSON API: counts and people lists by path, or by known layouts."""

    name = "json"

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float:
        if content_type and "json" in content_type.lower():
            return 0.5
        start = body[:64].lstrip()
        if start.startswith((b"{", b"[")):
            return 0.4
        return 0.2 if url.lower().split("?")[0].endswith(".json") else 0.0

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult:
        return read_document(load_json(body), url, options)


JSON = register(JsonAdapter())
