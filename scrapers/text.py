"""Text helpers shared by the adapters: decoding, whitespace, template markup, counts, names.

All pure functions on strings or bytes; none of them raises on odd input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def sniff_encoding(body: bytes) -> str:
    """The encoding to read ``body`` with: a BOM, else utf-8 if it decodes, else cp1252."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_body(body: bytes) -> str:
    """Bytes to text with utf-8 / utf-8-sig / cp1252 fallback; never raises."""
    encoding = sniff_encoding(body)
    # cp1252 leaves five bytes undefined; 'replace' keeps a stray one from failing the page.
    return body.decode(encoding, errors="replace")


def collapse_ws(text: str) -> str:
    """Every run of whitespace (NBSP and thin spaces included) as one space, ends stripped."""
    return " ".join(text.split())


TEMPLATE_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def has_template_markup(text: str) -> bool:
    """True when the text holds Jinja/Nunjucks/Liquid markup such as ``{{ x }}`` or ``{% x %}``."""
    return "{" in text and TEMPLATE_MARKUP.search(text) is not None


def strip_template_markup(text: str) -> str:
    """The text with template tags removed and whitespace collapsed."""
    return collapse_ws(TEMPLATE_MARKUP.sub(" ", text))


# A count as pages print it: 1140, 1,140, 1.140, 1 140 (space, NBSP, narrow NBSP, thin space).
_SEP = "[,.'\u00a0\u202f\u2009 ]"
NUMBER = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d+"
_NOUN = r"(?:signatures?|signatories|signatory|signers?|signees?|supporters?|endorsers?)"
_PEOPLE = r"(?:people|persons|names|individuals)"
# The same nouns in the languages letters are most often printed in.
_FOREIGN_NOUN = (r"(?:signataires?|firmantes?|firmas?|firmatari[oe]?|firme|assinaturas?|"
                 r"unterzeichner(?:innen)?|unterschriften|ondertekenaars|handtekeningen|"
                 r"podpis(?:y|ów)|podpisů|подписей|подписи)")
_NOT_GOAL = r"(?!\s*(?:needed|required|goal|to\s+go|more))"
# "more than" and kin, in the languages letters are most often printed in
_MORE_THAN = (r"more\s+than|over|at\s+least|upwards\s+of|plus\s+de|más\s+de|mehr\s+als|über|"
              r"oltre|più\s+di")
_LOWER_BOUND = re.compile(rf"(?:{_MORE_THAN})\s*$", re.I)
_GOAL_BEFORE = re.compile(r"(?:\bof|\bgoal|\btarget|\breach|\bneeds?|/)\s*:?\s*$", re.I)
# (pattern, strength): a phrase clearly about signatures outranks one about supporters or a total.
_COUNT_PATTERNS = (
    (re.compile(rf"({NUMBER})\+?\s*(?:[\w-]+\s+)?(?:signatures?|signatories|signatory|signers?|"
                rf"signees?|{_FOREIGN_NOUN})\b{_NOT_GOAL}", re.I), 4),
    (re.compile(rf"({NUMBER})\+?\s+(?:[\w-]+\s+){{0,4}}(?:have\s+|has\s+)?(?:now\s+)?"
                rf"(?:signed|endorsed)\b", re.I), 4),
    (re.compile(rf"\bsigned\s+by\s+(?:more\s+than\s+|over\s+|at\s+least\s+)?({NUMBER})", re.I), 3),
    # "the 56 delegates who risked their lives by signing": a count of people who signed
    (re.compile(rf"({NUMBER})\+?\s+[^\W\d]+\s+who\s+(?:[\w'-]+\s+){{0,6}}?(?:have\s+)?"
                rf"sign(?:ed|ing)?\b", re.I), 3),
    (re.compile(rf"({NUMBER})\+?\s*(?:[\w-]+\s+)?(?:supporters?|endorsers?)\b{_NOT_GOAL}",
                re.I), 2),
    (re.compile(rf"\b(?:{_NOUN}|total)\s*:?\s*({NUMBER})(?!\s*%)(?!\s*(?:goal|needed))", re.I), 1),
    (re.compile(rf"({NUMBER})\s+total\b", re.I), 1),
)


@dataclass(frozen=True, slots=True)
class StatedCount:
    """A count a text states: its value, how clearly the phrase is about signers, where it is."""

    value: int
    strength: int
    at: int
    at_least: bool = False


def parse_int(number_text: str) -> int | None:
    """'1,140', '1.140', '1 140' -> 1140; None for text without digits."""
    digits = re.sub(r"\D", "", number_text)
    return int(digits) if digits else None


def stated_counts(text: str, *, zero_is_stated: bool = False) -> list[StatedCount]:
    """Every count the text states about signers; goals, years and a placeholder 0 left out.

    ``zero_is_stated``: a 0 is the count itself, in text no script fills in (Markdown).
    """
    found = []
    for pattern, strength in _COUNT_PATTERNS:
        for match in pattern.finditer(text):
            count = _stated(text, match, strength, zero_is_stated)
            if count is not None:
                found.append(count)
    return found


def _stated(text: str, match: re.Match[str], strength: int,
            zero_is_stated: bool) -> StatedCount | None:
    printed = match.group(1)
    value = parse_int(printed)
    before = text[max(0, match.start(1) - 24) : match.start(1)]
    if value is None or (value == 0 and not zero_is_stated) or _GOAL_BEFORE.search(before):
        return None
    if len(printed) == 4 and 1900 <= value <= 2100:
        return None  # a year ("signed in 2020"), not a count
    at_least = bool(_LOWER_BOUND.search(before) or match.group(0).lower().find("than") > 0
                    or text[match.end(1) : match.end(1) + 1] == "+")
    return StatedCount(value, strength, match.start(1), at_least)


def best_count(counts: list[StatedCount]) -> StatedCount | None:
    """The clearest stated count: the strongest phrase, the first one among equals."""
    return min(counts, key=lambda c: (-c.strength, c.at), default=None)


def find_count(text: str, *, zero_is_stated: bool = False) -> int | None:
    """The headline count stated in a short text ('Signed by 2,043 people'), or None."""
    best = best_count(stated_counts(text, zero_is_stated=zero_is_stated))
    return best.value if best else None


# A news lead or headline that opens on its count: "Over 200 Organizations From 67 Countries
# Say", "More than 170 former heads of state ..., today called on ... in an open letter".
_LEAD = re.compile(rf"^\W{{0,3}}(?:(?:{_MORE_THAN}|nearly|almost|près\s+de)\s+)?"
                   rf"({NUMBER})\+?\s+[^\W\d]", re.I)
_LEAD_SENTENCE_END = re.compile(r"[.!?:;](?:\s|$)")
_LEAD_VERB = re.compile(r"\b(?:says?|said|call(?:s|ed)?|urge[sd]?|demand(?:s|ed)?|tell|told|"
                        r"ask(?:s|ed)?|warn(?:s|ed)?|write|wrote|sign(?:s|ed)?|join(?:s|ed)?|"
                        r"appeal(?:s|ed)?|open\s+letter|petition|"
                        # the same in French, Spanish, German, Italian
                        r"appell?ent|signent|demandent|exigent|piden|exigen|firman|fordern|"
                        r"rufen|chiedono|firmano|lettre\s+ouverte|carta\s+abierta|"
                        r"offener\s+brief|lettera\s+aperta)\b", re.I)


def lead_count(text: str) -> StatedCount | None:
    """The count a headline or lead sentence opens on, when it says who spoke; else None."""
    match = _LEAD.match(text)
    if match is None:
        return None
    end = _LEAD_SENTENCE_END.search(text, match.end())
    sentence = text[match.end() : end.end() if end else len(text)]
    if not _LEAD_VERB.search(sentence):
        return None
    return _stated(text, match, 0, zero_is_stated=False)


COUNT_HINT = re.compile(
    r"signat|signer|signed|supporter|firma|unterz|unterschr|podpis|ondertek|подпис", re.I)

# A list marker before a name: dashes and bullets, or numbering such as "12." "12)" "(12)".
_LIST_MARKER = re.compile(
    r"^(?:[-*+>#\u2010-\u2015\u2022\u2023\u2043\u00b7\u25aa\u25cf\u25e6\u2219]+"
    r"\s*|(?:\d{1,6}[.)]|\(\d{1,6}\))\s+)(?=\S)"
)
_MARKER_STARTS = frozenset("-*+>#(\u2010\u2011\u2012\u2013\u2014\u2015\u2022\u2023\u2043\u00b7"
                           "\u25aa\u25cf\u25e6\u2219")


def strip_list_marker(text: str) -> str:
    """The text without a leading list marker ("— Name", "• Name", "12. Name", "(12) Name")."""
    if not text or not (text[0] in _MARKER_STARTS or text[0].isdigit()):
        return text
    # "12.5%" and "3M" are not numbering: a digit marker needs a dot or paren, then a space.
    return _LIST_MARKER.sub("", text, count=1)


_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d.", "esq."}
_DASH_SPLIT = re.compile(r"\s+[-\u2013\u2014|\u00b7\u2022]\s+")


_NAME_LABEL = re.compile(r"^(?:(?:signatory|signer|signee|full)\s+)?name\s*:\s*(?=\S)", re.I)


def strip_name_label(text: str) -> str:
    """'Signatory Name: Jason K.' -> 'Jason K.': a form's label printed before the name."""
    return _NAME_LABEL.sub("", text, count=1) if ":" in text[:24] else text


# An office printed before a legislator's name is their role, not part of the name
# ("MEP Manon AUBRY", "Rep. Darrell Issa"); honorifics such as "Dr." stay as printed.
_OFFICE = re.compile(r"^(?:MEPs?|MPs?|MSP|MLA|Rep\.|Sen\.|Cllr\.?|Councillor|(?:State\s+)?Senator|"
                     r"Representative|Congress(?:wo)?man|Assembly(?:member|man|woman)|"
                     r"(?:Lt\.\s+)?Governor|Mayor|Supervisor|Judge|Hon\.|Honorable|"
                     r"Council\s?(?:member|man|woman)|Commissioner)\s+(?=[^\W\d_])")


def strip_office(text: str) -> str:
    """'MEP Manon AUBRY ...' -> 'Manon AUBRY ...'; 'Judge Hon. Ellen Chaitin' -> 'Ellen ...'."""
    return _OFFICE.sub("", _OFFICE.sub("", text, count=1), count=1)


_CONTACT = re.compile(r"\s*<[^<>\s@]+@[^<>\s]+>")


# A tab between two fields on one line (a spreadsheet pasted into a page), a dash beside it
# or not; a tab after a line break only indents.
_TAB_FIELD = re.compile(r"(?<=\S)[ \t]*\t[ \t]*(?:[-\u2013\u2014|\u00b7\u2022][ \t]*)?(?=\S)")


def split_name_affiliation(text: str) -> tuple[str, str | None]:
    """'Name (Affiliation)', 'Name, Affiliation' or 'Name - Affiliation' -> (name, affiliation).

    A tab the page typed between name and role ends the name whatever the name holds
    ('RôM - Evidence Based Bonne Humeur<TAB>-<TAB>Vulgarisation').
    """
    if "\t" in text and (tab := _TAB_FIELD.search(text)):
        return _bare_name(text[: tab.start()]), _clean_part(collapse_ws(text[tab.end() :]))
    text = _bare_name(text)
    contact = _CONTACT.search(text)
    if contact and contact.start() > 0:  # "jade <jade@example.org>": the address is no name
        text = text[: contact.start()] + text[contact.end() :]
    paren = text.find("(")
    comma = _first_real_comma(text)
    dash = _DASH_SPLIT.search(text)
    dash_at = dash.start() if dash else -1
    surname_end = _capital_surname_end(text)
    # The first separator ends the name: "Name - role (Country)", "Name · Org (x) · date".
    first = min((at for at in (paren, comma, dash_at, surname_end) if at > 0), default=0)
    if not first:
        return text, None
    if first == surname_end:
        return text[:surname_end], _clean_part(text[surname_end:])
    if first == dash_at and dash is not None:
        return text[:dash_at].strip(), _clean_part(text[dash.end() :])
    if first == paren:
        return _split_paren(text, paren)
    return text[:comma].strip(), _clean_part(text[comma + 1 :])


def _bare_name(text: str) -> str:
    """The text with what is printed before a name off: list marker, decoration, label, office."""
    return strip_office(strip_name_label(strip_decoration(strip_list_marker(collapse_ws(text)))))


def strip_decoration(text: str) -> str:
    """'👤 CHRIS CONEN' -> 'CHRIS CONEN': pictographs and symbols before a name adorn it."""
    start = 0
    while start < len(text) and (text[start].isspace() or _is_ornament(text[start])):
        start += 1
    return text[start:] if start < len(text) else text


def _is_ornament(char: str) -> bool:
    # So: pictographs and dingbats; Sk: modifiers (skin tones); Cf/Mn: ZWJ, variation selectors
    return unicodedata.category(char) in ("So", "Sk", "Cf", "Mn")


def _capital_surname_end(text: str) -> int:
    """Where 'Manon AUBRY The Left group' ends its name: a surname in capitals ends it; else 0.

    One to three given names (capitalised, not all capitals), then the surname in capitals,
    then two words or more: European lists print names this way with nothing between name and
    group ("Gemini CLI Instance" is one name: one word after the capitals).
    """
    words = text.split(" ")
    for index in range(1, min(4, len(words) - 2)):
        if not _is_given_name(words[index - 1]):
            return 0
        if _is_capital_surname(words[index]):
            end = index + 1
            while end < len(words) - 2 and _is_capital_surname(words[end]):
                end += 1
            return len(" ".join(words[:end]))
    return 0


def _is_given_name(word: str) -> bool:
    return word[:1].isupper() and any(ch.islower() for ch in word[1:])


def _is_capital_surname(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and word.isupper() and _SURNAME.fullmatch(word) is not None


def _split_paren(text: str, paren: int) -> tuple[str, str | None]:
    close = text.find(")", paren)
    if close > paren and _is_nickname(text[:paren], text[paren + 1 : close], text[close + 1 :]):
        rest, affiliation = split_name_affiliation(text[close + 1 :])
        return f"{text[: close + 1]} {rest}", affiliation
    if close > paren and _qualifies_mononym(text[:paren], text[paren + 1 : close],
                                            text[close + 1 :]):
        return text[: close + 1], _clean_part(text[close + 1 :])
    close = text.rfind(")")
    inside = text[paren + 1 : close] if close > paren else text[paren + 1 :]
    after = text[close + 1 :] if close > paren else ""
    joint = ", " if after.lstrip()[:1] in (",", ";") else " "  # "(MIT), Professor" keeps its comma
    affiliation = _clean_part(joint.join(part for part in (inside, after.strip(" ,;")) if part))
    return text[:paren].strip(), affiliation


_SURNAME = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019.-])*", re.U)


def _qualifies_mononym(before: str, inside: str, after: str) -> bool:
    """'Claude (Anthropic), Digital Entity': a one-word name, a capitalised aside, then the
    line's own affiliation after a comma; the aside tells which Claude, it affiliates no one."""
    words = inside.split()
    return (len(before.split()) == 1 and after.lstrip().startswith(",")
            and 1 <= len(words) <= 3 and all(word[:1].isupper() for word in words))


def _is_nickname(before: str, inside: str, after: str) -> bool:
    """'Yacob (Kobi) Cohen-Arazi': one given name, a one-word aside, then the surname."""
    surname = after.split(None, 1)[0].rstrip(",;") if after.strip() else ""
    aside = inside.strip("\"'“”")
    return (len(before.split()) == 1 and aside.isalpha() and not aside.isupper()
            and after[:1] == " " and surname[:1].isupper()
            and _SURNAME.fullmatch(surname) is not None)


def _first_real_comma(text: str) -> int:
    """Index of the first comma that is not followed by a name suffix such as 'Jr.'; -1 if none."""
    start = 0
    while (comma := text.find(",", start)) >= 0:
        after = text[comma + 1 :].strip().split(" ", 1)[0].lower().rstrip(",")
        if after not in _NAME_SUFFIXES:
            return comma
        start = comma + 1
    return -1


def _clean_part(text: str) -> str | None:
    cleaned = text.strip(" ,;:-\u2013\u2014")
    return cleaned or None


_PLACEHOLDER = re.compile(
    r"\byour[\s_-]*(?:full[\s_-]*)?name\b|\bexample[\s_-]+(?:name|inc\b|org\b|corp|company|"
    r"person|signer|user)|\bexample\.(?:com|org|net)\b|@(?:example|your[\w-]*)\b|\byyyy-mm-dd\b|"
    r"\bbe\s+the\s+first\s+to\s+sign\b|\bfirst[\s_-]+last\b|\bname\s+surname\b|"
    r"\badd\s+your\s+(?:name|signature)\b|\bname\s+here|"
    # "your name" in the languages letters are most often printed in ("Ajoutez votre nom ici")
    r"\b(?:votre|ton|tu|su|ihr|dein|il\s+tuo|seu|jouw|uw)\s+(?:nom|nombre|name|nome|naam)\b|"
    r"\b(?:organi[sz]ation|company|institution|group)[\s_-]+name\b|"
    r"^\W*loading\b[^.\u2026]{0,40}(?:\.{2,}|\u2026)\W*$|"
    r"[(<\[]\s*your\s[^()<>\[\]]*[)>\]]",
    re.I,
)
_CONNECTORS = frozenset(
    "of for the and & de da del della der di du la le van von y e et und bin al el at in on"
    .split())


def longest_run(items: list[T], keep: Callable[[T], bool]) -> list[T]:
    """The longest run of consecutive items that ``keep`` accepts (the first among equals)."""
    best: list[T] = []
    current: list[T] = []
    for item in items:
        current = [*current, item] if keep(item) else []
        if len(current) > len(best):
            best = current
    return best


def is_placeholder(text: str) -> bool:
    """A template's stand-in for a signer ("Your Name", "Example Inc.", "Be the first to sign")."""
    return bool(_PLACEHOLDER.search(text))


def looks_like_proper_name(name: str) -> bool:
    """A name-shaped text whose words are capitalised ("Electronic Frontier Foundation").

    Stricter than looks_like_name: a list with no signature marker holds demands and advice
    as often as names, and those read as sentences in lower case.
    """
    words = name.split()
    return looks_like_name(name) and len(words) <= 8 and all(
        not word[0].islower() or word.lower() in _CONNECTORS
        for word in words)


_SENTENCE_END = re.compile(r"[.!?:]\s*$")
# Chinese and Japanese write no spaces: a whole sentence is one "word"; its full stop,
# exclamation or question mark says it is one.
_CJK_SENTENCE_MARK = re.compile(r"[\u3002\uff01\uff1f]")
# A name opens on a letter, or on digits run into letters ("3M", "350.org", "37signals").
_WORD = re.compile(r"[^\W\d_]|\d+[.]?[^\W\d_]", re.U)


def looks_like_name(name: str) -> bool:
    """True for a short, name-shaped text; False for sentences, numbers and template markup."""
    if not 2 <= len(name) <= 80 or has_template_markup(name):
        return False
    words = name.split()
    if not 1 <= len(words) <= 8 or not _WORD.match(name.lstrip("(\"'\u201c\u2018@")):
        return False
    return not ((len(words) > 3 and _SENTENCE_END.search(name)) or is_cjk_sentence(name))


def is_cjk_sentence(text: str) -> bool:
    """'在本表添加一行。': a Chinese or Japanese sentence (its 。！？), never a name."""
    return _CJK_SENTENCE_MARK.search(text) is not None
