"""Service facts printed in free text: years served, service years, administrations.

``extract_service(text)`` finds them, and returns the text with those spans blanked so the
rest can be read as role, office and affiliation.

Administration names count only in context, so that "Ford Foundation" or a signer called
Clinton is not an administration: after "under", "during", "in the", "served with",
"administrations:"; before "administration(s)", "years", "presidency"; or as the whole content
of a parenthesis ("(Clinton, Bush, Obama)"), or as a whole comma-separated piece of two or
more names or one qualified name ("..., Trump 45 and Biden", "..., Bush II"). Names are
matched case-sensitively (proper nouns). "Reagan through Obama" and "from Carter to Clinton"
include every administration in between. A bare "Bush" or "Trump" is kept as ambiguous
text, never guessed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from enrich.administrations import ADMINISTRATIONS, match_administration

_FIRST_NAMES = r"(?:(?:Richard|Gerald|Jimmy|Ronald|Bill|William|Barack|Joe|Joseph|Donald)\s+)?"
_ADMIN_NAME = (
    r"\b(?:Reagan[-–]Bush|Bush[-–]Quayle|Bush[-–]Cheney|Clinton[-–]Gore|Obama[-–]Biden"
    r"|Biden[-–]Harris|Trump[-–]Pence|Trump[-–]Vance"
    r"|George\s+H\.?\s?W\.?\s+Bush|George\s+W\.?\s+Bush|H\.\s?W\.\s+Bush|HW\s+Bush|W\.\s+Bush"
    r"|George\s+Bush"
    r"|Bush\s?(?:II|I|41|43|Sr\.?|Jr\.?)(?![\w])|Bush"
    r"|" + _FIRST_NAMES + r"Trump\s?(?:II|I|45|47)(?![\w])"
    r"|" + _FIRST_NAMES + r"(?:Nixon|Ford|Carter|Reagan|Clinton|Obama|Biden|Trump)"
    r")(?![\w])"
)
_SEP = r"(?:\s*,\s*(?:and\s+)?|\s*;\s*|\s+and\s+|\s*&\s*|\s*/\s*|\s+(?:through|thru|to)\s+)"
_PRE = (
    r"(?i:\b(?:(?:served|serving|worked|working)\s+)?(?:under|during|in|for|with|across|"
    r"spanning|from)\s+(?:the\s+)?(?:presidents?\s+|administrations?\s+of\s+(?:presidents?\s+)?)?"
    r"|\badministrations?\s*:\s*)"
)
_POST = r"(?i:\s*(?:['’]s?\s+)?(?:administrations?|admins?|presidenc(?:y|ies)|years)\b)"
_ADMIN_SPAN = re.compile(
    rf"(?P<pre>{_PRE})?(?P<list>{_ADMIN_NAME}(?:{_SEP}{_ADMIN_NAME})*)(?P<post>{_POST})?"
)
_ADMIN_ITEM = re.compile(rf"(?P<name>{_ADMIN_NAME})(?P<sep>{_SEP})?")
_QUALIFIED = re.compile(r"\b(?:I|II|41|43|45|47|Sr\.?|Jr\.?)$|[-–]|\s\w\.?\s")
_RANGE_WORD = re.compile(r"\b(?:through|thru|to)\b", re.IGNORECASE)

# Cheap necessary conditions, checked before the costly patterns: every administration name
# holds one of these surnames (matched case-sensitively, as in _ADMIN_NAME); every year range
# holds a 19xx/20xx year; every count of years holds "year".
_ADMIN_HINT = re.compile(r"Reagan|Bush|Clinton|Obama|Biden|Trump|Nixon|Ford|Carter")
# A span runs over letters, digits, spaces, "." and ":" up to its first surname, so no span
# starts before the last other character ahead of the first surname printed.
_LAST_SPAN_BREAK = re.compile(r"(?s:.*)[^\w\s.:]")
_YEAR_HINT = re.compile(r"(?:19|20)\d\d")
_YEARS_SERVED_HINT = re.compile(r"(?i:year)")

_YEAR = r"(?:19|20)\d{2}"
_RANGE = re.compile(
    rf"(?i:\b(?:from\s+)?(?P<start>{_YEAR})\s*(?:-|–|—|to|through|thru|until)\s*"
    rf"(?P<end>{_YEAR}|\d{{2}}|present|now|today|current|date)?)(?!\d)"
)
_SINCE = re.compile(rf"(?i:\bsince\s+(?P<start>{_YEAR}))\b")
_NUMBER_WORDS = {
    w: n for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50}
_COUNT = r"\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_YEARS_SERVED = re.compile(
    rf"(?i:\b(?:(?:more|over|nearly|almost|about|some)\s+(?:than\s+)?)?(?P<n>{_COUNT})\+?"
    r"(?:\s*|-)years?\b)"
)
_OPEN_END = {"present", "now", "today", "current", "date"}


@dataclass(frozen=True)
class ServiceInfo:
    """What a line says about service, and the text left once those spans are blanked."""

    years_served: int | None
    served_from: int | None
    served_to: int | None
    open_ended: bool
    administrations: tuple[str, ...]
    ambiguous_administrations: tuple[str, ...]
    remainder: str


def _in_parentheses(text: str, start: int, end: int) -> bool:
    return text[:start].rstrip().endswith("(") and text[end:].lstrip().startswith(")")


def _whole_list_segment(text: str, span: re.Match[str]) -> bool:
    """A comma-separated piece made only of two or more names, or one qualified ("Bush II")."""
    before, after = text[: span.start()].rstrip(), text[span.end() :].lstrip()
    if not (before == "" or before.endswith((",", ";"))):
        return False
    if not (after == "" or after.startswith((",", ";", ")"))):
        return False
    names = _ADMIN_ITEM.findall(span.group("list"))
    return len(names) > 1 or bool(_QUALIFIED.search(span.group("list")))


_ORDER = {admin.key: position for position, admin in enumerate(ADMINISTRATIONS)}


def _admin_order(key: str) -> int:
    return _ORDER[key]


def _expand_range(first: str, last: str) -> list[str]:
    low, high = sorted((_admin_order(first), _admin_order(last)))
    return [admin.key for admin in ADMINISTRATIONS[low : high + 1]]


@lru_cache(maxsize=4096)  # a letter prints the same few lists of names over and over
def _read_admin_list(listed: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(administration keys, ambiguous names) of one printed list, in order."""
    keys: list[str] = []
    ambiguous: list[str] = []
    previous: str | None = None
    ranged = False
    for item in _ADMIN_ITEM.finditer(listed):
        found = match_administration(item.group("name"))
        if found is None:
            continue
        if found.ambiguous:
            ambiguous.append(" ".join(item.group("name").split()))
            previous, ranged = None, False
            continue
        current = [admin.key for admin in found.candidates]
        if ranged and previous is not None:
            current = _expand_range(previous, current[-1])
        keys.extend(current)
        previous = current[-1]
        ranged = bool(item.group("sep") and _RANGE_WORD.search(item.group("sep")))
    return tuple(keys), tuple(ambiguous)


def _take_administrations(text: str) -> tuple[str, list[str], list[str]]:
    hint = _ADMIN_HINT.search(text)
    if not hint:
        return text, [], []
    keys: list[str] = []
    ambiguous: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for span in _ADMIN_SPAN.finditer(text, _scan_start(text, hint.start())):
        has_context = span.group("pre") or span.group("post")
        if not (
            has_context
            or _in_parentheses(text, span.start(), span.end())
            or _whole_list_segment(text, span)
        ):
            continue
        listed_keys, listed_ambiguous = _read_admin_list(span.group("list"))
        keys.extend(listed_keys)
        ambiguous.extend(listed_ambiguous)
        pieces.append(text[cursor : span.start()])
        cursor = span.end()
    pieces.append(text[cursor:])
    return " ".join(pieces), list(dict.fromkeys(keys)), list(dict.fromkeys(ambiguous))


def _scan_start(text: str, first_surname: int) -> int:
    found = _LAST_SPAN_BREAK.match(text, 0, first_surname)
    return found.end() if found else 0


def _full_year(end: str, start: int) -> int:
    if len(end) == 4:
        return int(end)
    year = start // 100 * 100 + int(end)
    return year if year >= start else year + 100


def _take_years(text: str) -> tuple[str, int | None, int | None, bool]:
    if not _YEAR_HINT.search(text):
        return text, None, None, False
    found = _RANGE.search(text)
    if found and (found.group("end") or re.match(r"\s*[-–—]", text[found.end("start") :])):
        start = int(found.group("start"))
        end = (found.group("end") or "").lower()
        if not end or end in _OPEN_END:
            return _blank(text, found), start, None, True
        return _blank(text, found), start, _full_year(end, start), False
    since = _SINCE.search(text)
    if since:
        return _blank(text, since), int(since.group("start")), None, True
    return text, None, None, False


def _take_years_served(text: str) -> tuple[str, int | None]:
    if not _YEARS_SERVED_HINT.search(text):
        return text, None
    found = _YEARS_SERVED.search(text)
    if not found:
        return text, None
    count = found.group("n").lower()
    value = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    return _blank(text, found), value


def _blank(text: str, found: re.Match[str]) -> str:
    return text[: found.start()] + " " + text[found.end() :]


def extract_service(text: str) -> ServiceInfo:
    """Years served, the service period and administrations named in ``text``."""
    remainder, keys, ambiguous = _take_administrations(text)
    remainder, served_from, served_to, open_ended = _take_years(remainder)
    remainder, years_served = _take_years_served(remainder)
    if served_to is not None and served_from is not None and served_to < served_from:
        served_from, served_to = served_to, served_from
    return ServiceInfo(
        years_served=years_served,
        served_from=served_from,
        served_to=served_to,
        open_ended=open_ended,
        administrations=tuple(keys),
        ambiguous_administrations=tuple(ambiguous),
        remainder=remainder,
    )
