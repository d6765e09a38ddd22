"""Signer names: the matching key, the parts, and a safe display form.

``name_key`` is stored by the tracker to match one person across polls and letters, so its
rules are part of the data format (``NAME_KEY_VERSION``; bump it and re-key when they change):

0. take ``clean_display_name`` (no tags, entities decoded, list markers and controls gone);
1. drop text in parentheses, brackets and double quotes ("Mimi Rocah (ret.)",
   'Adrien "PulkoMandy" Destugues');
2. Unicode NFKD, drop combining marks (accents), drop format and control characters, casefold;
3. delete periods and apostrophes ("J.D." -> "jd", "O'Brien" -> "obrien"); every other
   non-alphanumeric character (hyphens, commas, slashes...) becomes a space, so
   "Wine-Banks" and "Wine Banks" agree;
4. drop leading honorifics (dr, prof, hon, mr, mrs, ms, judge, ...) and trailing suffixes
   (jr, sr, ii, iii, iv, esq, phd, jd, md, ret, ...), keeping at least one word;
5. collapse whitespace.

Middle initials are kept: "Frank J. Figliuzzi" and "Frank Figliuzzi" differ in this key (a
roster entry meets the other only through fuzzy matching, where an editor confirms it); the
``person_key`` below drops them.

``person_key`` is the looser key that finds one person across letters printed in different
styles; it is stored on the person beside ``name_key`` and never replaces it: a signer whose
``name_key`` no person has joins the person of its ``person_key`` when their middle initials
agree (models.history.link_persons). On top of ``name_key`` it:

6. reads a "Last, First" name the other way round ("DOE, Jane" -> "jane doe"), when the
   part before the one comma is a surname and every word after it is capitalised;
7. drops middle initials ("Jane Q. Doe" -> "jane doe"); ``middle_initials`` keeps them, so
   that two people whose initials disagree ("Jane Q. Doe", "Jane R. Doe") are never joined.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from nameparser import HumanName

NAME_KEY_VERSION = 1
MAX_NAME_CHARS = 300

HONORIFICS = frozenset(
    "dr doctor prof professor hon honorable honourable the mr mrs ms miss mx sir dame judge "
    "rev reverend sen senator rep amb ambassador".split()
)
SUFFIXES = frozenset(
    "jr sr ii iii iv esq esquire phd jd md mba llm lld dphil cpa ret retired obe cbe mbe "
    "kc qc".split()
)

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\"[^\"]*\"|“[^”]*”")
_DELETED = re.compile(r"[.'’ʼ`]")
_NOT_WORD = re.compile(r"[^\w]+|_")
_TAG = re.compile(r"<[^<>]{0,500}>")
# Bidi controls, zero-width space and BOM: never part of a name, and a spoofing tool.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode category Cc
_LEADING_JUNK = re.compile(r"^(?:[\s\-*•·–—#>]|\d{1,6}[.)](?=\s))+")
_TRAILING_JUNK = re.compile(r"[\s,;:\-–—*•·]+$")
# First and last characters those two can match (after whitespace is collapsed), digits aside.
_JUNK_STARTS = frozenset("-*•·–—#>")
_JUNK_ENDS = frozenset(",;:-–—*•·")


_PARTICLES = frozenset("de del della der di da du la le van von st ter ten dos das".split())


@dataclass(frozen=True)
class NameParts:
    """A name split into parts as printed (accents and particles kept)."""

    title: str
    first: str
    middle: str
    last: str
    suffix: str
    nickname: str


def _strip_marks(text: str) -> str:
    if text.isascii():  # fast path: ASCII has no marks, and its only "C" characters are Cc
        return text if text.isprintable() else _CONTROL.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        ch for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "C"
    )


def _trim_titles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    return words


# The regular expressions below run only when the text holds a character they act on: most
# names hold none, and a list of 100,000 signers is keyed on every poll that changes it.
def name_key(name: str) -> str:
    """The normalised key used to match a signer across polls and letters (see module doc)."""
    text = clean_display_name(name)
    if "(" in text or "[" in text or '"' in text or "“" in text:
        text = _BRACKETED.sub(" ", text)
    text = _strip_marks(text).casefold()
    if "." in text or "'" in text or "’" in text or "ʼ" in text or "`" in text:
        text = _DELETED.sub("", text)
    words = text.split()
    if not "".join(words).isalnum():  # str.isalnum is exactly \w without "_"
        words = _NOT_WORD.sub(" ", text).split()
    return " ".join(_trim_titles(words))


def person_key(name: str) -> str:
    """The key that joins one person across letters (rules 6 and 7 of the module doc)."""
    return match_keys(name)[0]


def middle_initials(name: str) -> str:
    """The middle initials ``person_key`` drops, in order ("Jane Q. R. Doe" -> "qr")."""
    return match_keys(name)[1]


def match_keys(name: str, key: str | None = None) -> tuple[str, str]:
    """(``person_key``, ``middle_initials``) of a name, in one pass; ``key``, the name's
    ``name_key`` when the caller has it, spares keying again a name with no comma."""
    if key is None or "," in name:
        key = name_key(uninverted(clean_display_name(name)))
    if key.count(" ") < 2:  # keys are words joined by one space: two words, no middle
        return key, ""
    words = key.split()
    middle = words[1:-1]
    initials = "".join(w for w in middle if len(w) == 1)
    return " ".join([words[0], *(w for w in middle if len(w) > 1), words[-1]]), initials


def uninverted(name: str) -> str:
    """ "DOE, Jane Q." as "Jane Q. DOE"; any other name as it is."""
    if name.count(",") != 1:
        return name
    last, first = (part.split() for part in name.split(","))
    if not _surname(last) or not 1 <= len(first) <= 3:
        return name
    if not all(w[:1].isupper() for w in first) or all(_suffix(w) for w in first):
        return name
    return " ".join([*first, *last])


def _surname(words: list[str]) -> bool:
    """One word, or particles then one word ("de la Cruz")."""
    return bool(words) and len(words) <= 3 and all(
        w.casefold() in _PARTICLES for w in words[:-1])


def _suffix(word: str) -> bool:
    return _DELETED.sub("", word).casefold() in SUFFIXES


def clean_display_name(name: str) -> str:
    """The name as printed, made safe to show: no tags, controls or bidi tricks, tidy spaces."""
    text = name[: MAX_NAME_CHARS * 4]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():  # NFC and the invisible characters concern non-ASCII text only
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if not text.isprintable():  # a control character (category Cc) is never printable
        text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if text[:1] in _JUNK_STARTS or text[:1].isdecimal():
        text = _LEADING_JUNK.sub("", text)
    if text[-1:] in _JUNK_ENDS:
        text = _TRAILING_JUNK.sub("", text)
    return text[:MAX_NAME_CHARS].strip()


def split_name(name: str) -> NameParts:
    """Split a display name into title/first/middle/last/suffix/nickname with nameparser."""
    parsed = HumanName(clean_display_name(name))
    return NameParts(
        title=parsed.title,
        first=parsed.first,
        middle=parsed.middle,
        last=parsed.last,
        suffix=parsed.suffix,
        nickname=parsed.nickname,
    )
