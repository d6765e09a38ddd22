"""One signer line as printed -> name, role, office, service years, administrations, affiliation.

Formats read (all real, from the letters Signwatch tracks):

    David Uhlmann, former Chief of the Environmental Crimes Section, served for 17 years
      under Bush II, Clinton, Bush I                       (DOJ alumni, 2018)
    Jane Doe, Assistant U.S. Attorney, Southern District of New York, 1998-2012
      (Clinton, Bush, Obama)                               (DOJ alumni, 2020)
    John Roe – Trial Attorney, Civil Rights Division (2009–2017)
    Alexandre Dulaunoy (former FSF associate member #53)  (Markdown list, 2021)
    <cite>Name</cite>, Affiliation                         (HTML list, 2023)
    Rep. Thomas Massie (R-KY)                              (party and state printed)

The name runs to the first separator (", ", " (", " – ", " - ", ": "). After it, service facts
are taken out first (``enrich.service``), then the rest is split on top-level commas and each
piece is a role (it starts with "former"/"retired" or holds a title word), an office (a
district, division, section, office...) or else an affiliation. Tabular sources (CSV rows)
go through ``parse_fields`` with their columns instead.

Input is untrusted: lines are cut to ``MAX_LINE_CHARS``, tags stripped, entities decoded,
control and bidi characters removed. Output text is plain and still needs escaping on render.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from enrich.names import clean_display_name, name_key
from enrich.service import ServiceInfo, extract_service

MAX_LINE_CHARS = 2000

_CITE = re.compile(r"<cite\b[^<>]{0,200}>(?P<name>.{0,500}?)</cite\s*>", re.IGNORECASE | re.DOTALL)
_NAME_END = re.compile(r"\s*(?:,|;|:\s|\(|\s[-–—]\s|\t)")
_SUFFIX_AFTER_NAME = re.compile(
    r"^\s*,\s*(?P<suffix>(?:Jr|Sr|II|III|IV|Esq|Ph\.?\s?D|J\.?\s?D|M\.?\s?D)\.?)(?=\s*(?:,|$|\())"
)
_PARTY_STATE = re.compile(
    r"\(\s*(?P<party>[DRI])\s*[-–]\s*(?P<state>[A-Z]{2})(?:\s*[-–]?\s*(?P<district>\d{1,2}))?\s*\)"
)
_EMPTY_PARENS = re.compile(r"\(\s*[,;]?\s*\)")
_WORD = re.compile(r"[\w'’]+")
_STRUCTURE = re.compile(r"[(),;]")
_PARENTHESIS = re.compile(r"[()]")
_ROLE_START = re.compile(
    r"^(?i:former|retired|ex-?|onetime|then|acting|interim|emeritus)\b|^[Ff]ormer\b"
)
_ROLE_WORD = re.compile(
    r"(?i:\b(?:attorneys?|prosecutors?|counsel|counsell?ors?|chief|deputy|director|judge|"
    r"justice of|magistrate|agent|solicitor|officer|assistant|secretary|chair(?:man|woman|"
    r"person)?|co-chair|president|vice|member|fellow|professor|lecturer|researcher|scientist|"
    r"engineer|developer|maintainer|founder|co-founder|ceo|cto|coo|cfo|manager|lead|leader|"
    r"head|editor|advis[eo]r|analyst|investigator|inspector|specialist|clerk|partner|student|"
    r"dean|provost|laureate|trustee|contributor|author|consultant|coordinator|administrator|"
    r"organi[sz]er|volunteer|staff|intern|paralegal|marshal|commissioner|ambassador|senator|"
    r"representative|governor|mayor|architect|designer|programmer|hacker|committer|"
    r"instructor|teacher|postdoc|lawyer|litigator|ausa|sausa|ses)\b)"
)
_OFFICE = re.compile(
    r"(?i:\b(?:office|division|section|bureau|branch|unit|department|dept\.?|circuit|"
    r"task\s+force|usao|main\s+justice)\s*$|\bdistrict\s+of\b|^u\.?s\.?\s+attorney['’]s\s+office)"
    r"|^(?:[NSEWCM]\.?\s?)?D\.?\s?[A-Z]\.?\s?[A-Z]?\.?\s?[A-Z]?\.?$"
    r"|^(?:FBI|DEA|ATF|DOJ|USMS|EOUSA|OLC|OIG|OPR|BOP|USAO)$"
)
_FILLER_WORDS = frozenset(
    "served serving worked working for from in during under between and the a an of at with "
    "total over more than nearly almost about some years year service".split()
)
_PARTIES = {
    "d": "Democratic", "dem": "Democratic", "democrat": "Democratic",
    "democratic": "Democratic", "r": "Republican", "rep": "Republican",
    "republican": "Republican", "gop": "Republican", "i": "Independent",
    "ind": "Independent", "independent": "Independent",
}


@dataclass(frozen=True)
class ParsedLine:
    """A signer line read into fields; every field is as printed except where named."""

    name: str
    role: str | None = None
    office: str | None = None
    years_served: int | None = None
    served_from: int | None = None
    served_to: int | None = None
    open_ended: bool = False  # "since 2015", "2015-", "2015-present": runs to today
    administrations_printed: tuple[str, ...] = ()  # canonical keys, e.g. ("bush43", "obama")
    administrations_ambiguous: tuple[str, ...] = ()  # printed names meaning several ("Bush")
    affiliation: str | None = None
    party: str | None = None  # the signer's own party when printed ("Democratic")
    rest: str | None = None  # everything printed after the name, cleaned
    truncated: bool = False

    @property
    def key(self) -> str:
        """``name_key`` of the name."""
        return name_key(self.name)


def normalize_party(text: str | None) -> str | None:
    """"D", "Democrat", "Democratic" -> "Democratic"; "R", "GOP" -> "Republican"; else as is."""
    folded = (text or "").strip().casefold().rstrip(".")
    if not folded:
        return None
    return _PARTIES.get(folded, " ".join((text or "").split()))


def _prepare(raw: str) -> tuple[str | None, str, bool]:
    truncated = len(raw) > MAX_LINE_CHARS
    text = raw[:MAX_LINE_CHARS]
    cited = _CITE.search(text) if "<" in text else None
    if cited:
        name = clean_display_name(cited.group("name"))
        return name, clean_display_name(text[cited.end() :]), truncated
    return None, clean_display_name(text), truncated


def _split_name(text: str) -> tuple[str, str]:
    found = _NAME_END.search(text)
    if not found:
        return text, ""
    name, rest = text[: found.start()], text[found.start() :]
    suffix = _SUFFIX_AFTER_NAME.match(rest)
    if suffix:
        name, rest = f"{name}, {suffix.group('suffix')}", rest[suffix.end() :]
    return name.strip(), rest.strip(" ,;:-–—\t")


def _top_level_pieces(text: str) -> list[str]:
    pieces = _split_outside_parentheses(text)
    return [piece for piece in (_tidy(p) for p in pieces) if piece]


def _split_outside_parentheses(text: str) -> list[str]:
    """Split on "," and ";" outside parentheses (an unmatched ")" does not count)."""
    pieces, depth, start = [], 0, 0
    for mark in _STRUCTURE.finditer(text):
        char = mark.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth <= 0:
            pieces.append(text[start : mark.start()])
            start = mark.end()
    pieces.append(text[start:])
    return pieces


def _tidy(piece: str) -> str:
    piece = " ".join(_EMPTY_PARENS.sub(" ", piece).split()).strip(" -–—:")
    piece = _unwrap(piece)
    words = _WORD.findall(piece.casefold())
    return "" if all(word in _FILLER_WORDS for word in words) else piece


def _wrapped(text: str) -> bool:
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for mark in _PARENTHESIS.finditer(text):
        depth += 1 if mark.group() == "(" else -1
        if depth == 0:
            return mark.start() == len(text) - 1
    return False


def _unwrap(text: str) -> str:
    """Drop parentheses around the whole text: "(Debian, GNOME)" -> "Debian, GNOME"."""
    while _wrapped(text):
        text = text[1:-1].strip()
    return text


def _classify(piece: str) -> str:
    if _ROLE_START.search(piece):
        return "role"
    if _OFFICE.search(piece):
        return "office"
    return "role" if _ROLE_WORD.search(piece) else "affiliation"


def _joined(pieces: list[str]) -> str | None:
    return ", ".join(pieces) if pieces else None


@lru_cache(maxsize=4096)  # once years and administrations are out, the rest repeats a lot
def _classified(text: str) -> tuple[str | None, str | None, str | None]:
    """(role, office, affiliation) read from the text left after the service facts."""
    groups: dict[str, list[str]] = {"role": [], "office": [], "affiliation": []}
    for piece in _top_level_pieces(_unwrap(text.strip())):
        groups[_classify(piece)].append(piece)
    return _joined(groups["role"]), _joined(groups["office"]), _joined(groups["affiliation"])


def _take_party(rest: str) -> tuple[str, str | None, str | None]:
    found = _PARTY_STATE.search(rest) if "(" in rest else None
    if not found:
        return rest, None, None
    office = found.group("state")
    if found.group("district"):
        office = f"{office}-{int(found.group('district')):02d}"
    remainder = rest[: found.start()] + " " + rest[found.end() :]
    return remainder, normalize_party(found.group("party")), office


def _from_service(service: ServiceInfo) -> dict[str, object]:
    return {
        "years_served": service.years_served,
        "served_from": service.served_from,
        "served_to": service.served_to,
        "open_ended": service.open_ended,
        "administrations_printed": service.administrations,
        "administrations_ambiguous": service.ambiguous_administrations,
    }


def parse_signer_line(raw: str) -> ParsedLine:
    """Read one printed signer line; never raises on any string."""
    cited_name, text, truncated = _prepare(raw or "")
    if cited_name is not None:
        name, rest = cited_name, text.strip(" ,;:-–—\t")
    else:
        name, rest = _split_name(text)
    return ParsedLine(name, *_read_rest(rest), rest or None, truncated)


@lru_cache(maxsize=4096)  # signers of one letter often print the same text after their name
def _read_rest(rest: str) -> tuple[Any, ...]:
    """The ``ParsedLine`` fields from ``role`` to ``party`` that the text after a name gives."""
    rest_wo_party, party, seat = _take_party(rest)
    service = extract_service(rest_wo_party)
    role, office, affiliation = _classified(service.remainder)
    return (role, office or seat, service.years_served, service.served_from, service.served_to,
            service.open_ended, service.administrations, service.ambiguous_administrations,
            affiliation, party)


_FIELD_ALIASES = {
    "name": ("name", "full name", "signer", "signatory", "representative", "member"),
    "role": ("title", "role", "position", "job title", "highest title"),
    "office": ("office", "dept", "department", "district", "division", "component", "unit"),
    "affiliation": (
        "affiliation", "campus", "organization", "organisation", "institution",
        "employer", "company", "state",
    ),
    "party": ("party",),
    "service": ("years", "years served", "service", "served", "administrations",
                "administration", "served under", "dates"),
}


def _folded(mapping: Mapping[str, str | None]) -> dict[str, str | None]:
    """The columns under their folded names ("Dept." -> "dept")."""
    return {_fold_column(str(k)): v for k, v in mapping.items()}


@lru_cache(maxsize=1024)
def _fold_column(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name).casefold().split())


def _field(folded: Mapping[str, str | None], kind: str) -> str | None:
    for alias in _FIELD_ALIASES[kind]:
        value = clean_display_name(str(folded.get(alias) or ""))
        if value:
            return value
    return None


def parse_fields(mapping: Mapping[str, str | None]) -> ParsedLine:
    """Read an already split row (CSV columns: Name, Title, Dept., Campus, Party...)."""
    mapping = _folded(mapping)
    service_text = _field(mapping, "service") or ""
    service = extract_service(f"({service_text})" if service_text else "")
    return ParsedLine(
        name=_field(mapping, "name") or "",
        role=_field(mapping, "role"),
        office=_field(mapping, "office"),
        affiliation=_field(mapping, "affiliation"),
        party=normalize_party(_field(mapping, "party")),
        **_from_service(service),  # type: ignore[arg-type]
    )
