"""The ``html`` adapter: any web page holding a signer list, with CSS selectors or none (auto).

Parsing goes through lxml directly (scrapers/html_document.py), never a BeautifulSoup tree, which
costs many times the parse on a long list; the goal is a whole parse within twice a bare lxml
pass (bench/parse.py, figures in bench/RESULTS.md).

AUTO mode picks the largest group of repeated sibling elements (same tag and class under one
parent: li, tr, card divs, cite runs) whose text looks like names; a letter's own short list of
demands reads as sentences and loses. Template markup (``{{ x }}``, ``{% x %}``) is never a
signer.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any
from urllib.parse import urljoin

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from scrapers import embedded
from scrapers.base import ScrapeResult, Signer, register
from scrapers.errors import NoSignersFound, ParseError
from scrapers.html_document import html_encoding, page_title, parse_document, text_of
from scrapers.text import (
    NUMBER,
    StatedCount,
    best_count,
    collapse_ws,
    find_count,
    has_template_markup,
    is_placeholder,
    lead_count,
    longest_run,
    looks_like_name,
    parse_int,
    split_name_affiliation,
    stated_counts,
    strip_list_marker,
    strip_name_label,
    strip_template_markup,
)

_ITEM_TAGS_SKIPPED = frozenset(
    "script style meta link br hr option input head title td th col a span img svg path "
    "source button label select textarea noscript template thead tfoot caption colgroup".split()
)
_BLOCK_TAGS = frozenset("h1 h2 h3 h4 h5 h6 p div dt dd address section header".split())
_SIDE_TAGS = frozenset({"nav", "header", "footer", "form", "menu", "aside"})
_QUOTE_TAGS = frozenset({"blockquote"})
_SAMPLE_SIZE = 40
_MIN_LINE_RUN = 3
_NAME_PARTICLES = frozenset("de da del della der di du la le van von y bin al el".split())
_GROUPING_SAMPLE = 200
_MIN_NAME_SHARE = 0.6
_HINT_WORDS = (b"signat", b"signe", b"supporter")
# Read near the ends of the page only: a full scan per word costs more than it finds.
_FOREIGN_HINT_WORDS = (b"firma", b"unterz", b"unterschr", b"podpis", b"ondertek", b"handtek",
                       "подпис".encode())
_FOREIGN_HINT_SPAN = 64 * 1024
_MAX_HINTS_PER_WORD = 40
_HINT_WINDOW = 300
_MIN_INLINE_ITEMS = 10
_INLINE_MAX_WORDS = 10
_JOINING_WORDS = frozenset("de du des d' of from at for la le les von van di da del".split())
_INLINE_NAME_SHARE = 0.8
_LINE_NUMBER = re.compile(r"(\d{1,5})[.)]\s")
_DONATION = re.compile(rb"(?i)\bdonat(?:ions?|ing)\b|\bdonors?\b")
_SIGNING = re.compile(rb"(?i)\bsign|signat|undersign|endors|pledg|petition|open letter|sincerely")
_SIGNER_HEADER = re.compile(r"\b(?:supporters?|signers?|signator(?:y|ies)|signatures|"
                            r"endorsers?|names?)\b", re.I)
# Leads are near the top: a list's own paragraphs further down never lead the page.
_LEAD_ELEMENTS = 40
_TAG = re.compile(r"<[^>]*>")
_HIDDEN_TEXT = re.compile(
    r"<(script|style)\b.*?(?:</\1\s*>|\Z)"
    r"|\A(?:(?!<(?:script|style)\b).)*?</(?:script|style)\s*>", re.I | re.S
)
_TEXT = etree.tostring
_AFFILIATION_EDGES = " ,;:-\u2013\u2014"
_CONTAINER_TAGS = (
    "ol", "ul", "table", "tbody", "thead", "div", "section", "article", "main", "p", "dl",
    "blockquote", "td", "figure", "aside", "footer", "span", "center", "font", "body",
)
_SAMPLE_CHILDREN = etree.XPath("./*[(position() - 1) mod $step = 0]")
_LIST_NAMING = re.compile(r"signer|signator|signature|signee|endorse|supporter", re.I)
_NOT_THE_LIST = re.compile(
    r"form|sign-?the|sign-?up|button|btn|count|total|input|field|modal|"
    r"\b(?:ad|ads|adbox|banner|promo|cta)\b", re.I
)
_DECLARED_DEPTH = 4
_WHOLE_LIST_NAMING = re.compile(
    r"signers|signatories|signatures|signees|endorsers|endorsements|supporters|"
    r"(?:signer|signatory|signature|endorser|supporter)[-_]?list", re.I)
_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_NAV_SHARE = 0.8
_SHORT_LINE_WORDS = 14
_DASHED = re.compile(r" [-\u2013\u2014] ")
# "ActorDon": a lower-case letter run into a capital, where two lines lost the <br> between
_GLUED_WORDS = re.compile(r"[^\W\d_A-Z](?=[A-Z][a-z])")
_CARD_CHILDREN = 12
_MIN_GRID_COLUMNS = 3
_NAME_CLASS = re.compile(r"(?:^|[\s_-])(?:full-?)?name(?:$|[\s_-])", re.I)
# '<p class="h3">': a paragraph styled as a heading (Bootstrap and kin) heads its card too.
_HEADING_CLASS = re.compile(r"(?:^|\s)h[1-6](?:$|\s)")
_DETAIL_CLASS = re.compile(r"affiliation|organi[sz]ation|institution|title|role|position", re.I)
_SECTION_TITLE = re.compile(r"signat|signer|supporter|endorse", re.I)
_DECLARED_BONUS = 3.0


@dataclass(slots=True)
class _Group:
    """Repeated sibling elements under one parent (same tag and class): a candidate list."""

    parent: etree._Element
    tag: str
    css_class: str | None
    size: int
    sample: list[etree._Element]
    complete: bool
    score: float = 0.0

    def items(self) -> list[etree._Element]:
        """Every item of the group, in document order."""
        if self.complete:
            return self.sample
        css_class = self.css_class
        return [c for c in self.parent.iterchildren(self.tag) if c.get("class") == css_class]


# --- AUTO: find the signer list ------------------------------------------------------------


def find_signer_groups(root: etree._Element) -> list[_Group]:
    """The best-scoring groups of repeated name-like siblings, in document order; [] if none.

    One list is often printed as several: "Organizations" and "Individuals" under their own
    headings, or one table per region. Groups alike (same item and container markup) in
    sibling containers are one list, scored together.
    """
    families: dict[tuple[Any, ...], list[_Group]] = {}
    declared: dict[tuple[str, str | None], list[_Group]] = {}
    for group in _candidate_groups(root):
        group.score = _score_group(group)
        if group.score > 0:
            families.setdefault(_family_key(group), []).append(group)
            if group.tag in ("li", "tr") and group.size >= 2 and _declared_list(group):
                declared.setdefault((group.tag, group.css_class), []).append(group)
    # A one-item list belongs to the list that quotations cut it from, never stands alone.
    whole = [family for family in families.values()
             if any(group.size >= 2 or not _lone_list_item(group) for group in family)]
    # Alike lists the markup names as signers ("signatures-institutional", "...-individuals")
    # are one list however deep their blocks nest them.
    return max(whole + _cousin_families(whole) + list(declared.values()), key=_family_score,
               default=[])


def _cousin_families(families: list[list[_Group]]) -> list[list[_Group]]:
    """Alike lists in alike sibling containers (one list per column of a grid) as one."""
    cousins: dict[tuple[Any, ...], list[list[_Group]]] = {}
    for family in families:
        above = family[0].parent.getparent()
        top = above.getparent() if above is not None else None
        if top is not None:
            first = family[0]
            key = (top, above.tag, above.get("class"), first.parent.tag,
                   first.parent.get("class"), first.tag, first.css_class)
            cousins.setdefault(key, []).append(family)
    return [[group for family in alike for group in family]
            for alike in cousins.values() if len(alike) > 1]


def _lone_list_item(group: _Group) -> bool:
    return group.size == 1 and group.tag == "li"


def _family_key(group: _Group) -> tuple[Any, ...]:
    parent = group.parent
    above = parent.getparent()
    return (parent if above is None else above, parent.tag, parent.get("class"), group.tag,
            group.css_class)


def _family_score(groups: list[_Group]) -> float:
    return sum(group.score for group in groups)


def _candidate_groups(root: etree._Element) -> Iterable[_Group]:
    for parent in root.iter(*_CONTAINER_TAGS):
        total = len(parent)
        lone = total == 1 and (parent.tag in ("ul", "ol")
                               or _names_a_whole_list(parent, parent[0].get("class")))
        if total < 2 and not lone:
            continue
        complete = total <= _GROUPING_SAMPLE
        # Long lists are grouped on a spread sample; the winner's items are fetched in C later.
        children = list(parent) if complete else _SAMPLE_CHILDREN(
            parent, step=total // _GROUPING_SAMPLE
        )
        groups: dict[tuple[str, str | None], list[etree._Element]] = {}
        for child in children:
            tag = child.tag
            if isinstance(tag, str) and tag not in _ITEM_TAGS_SKIPPED:
                groups.setdefault((tag, child.get("class")), []).append(child)
        for (tag, css_class), items in groups.items():
            size = len(items) if complete else round(total * len(items) / len(children))
            if tag in _HEADING_TAGS or tag in ("html", "body"):
                continue  # headings title the sections of a page; they are not its list
            # A lone item is a signer's card; a lone list holds its own items' group; a lone
            # list item may continue a list cut by a quotation.
            if size >= 2 or tag == "li" or (len(items[0]) <= _CARD_CHILDREN
                                            and _names_a_whole_list(parent, css_class)):
                yield _Group(parent, tag, css_class, size, items, complete)


def _score_group(group: _Group) -> float:
    if _under(group.parent, _SIDE_TAGS) or all(map(_headings_only, group.sample[:5])):
        return 0.0
    if _declared_list(group):
        # Placeholders and empty items are not evidence that the list holds anyone.
        held = any(_signer_from_item(item) is not None for item in group.sample[:_SAMPLE_SIZE])
        return group.size * _DECLARED_BONUS if held else 0.0
    if (group.size < 2 and not _lone_list_item(group)) or _navigation(group.sample):
        return 0.0
    lines = group.tag in ("p", "div") and not _has_blocks(group.sample[:5])
    if lines and not _keep_line_run(group):
        return 0.0
    sample = _spread_sample(group.sample)
    # Empty items and template markup are neither signers nor evidence against the group.
    signers = [s for s in map(_signer_from_item, sample) if s is not None]
    named = [s for s in signers if looks_like_name(s.name)]
    share = len(named) / len(signers) if signers else 0.0
    if share < _MIN_NAME_SHARE:
        return 0.0
    # An empty item holds nobody: a row of category grids, two of them empty, is one card.
    score = group.size * share * len(signers) / len(sample)
    if any(_find_cite(item) is not None for item in sample[:5]):
        score *= 1.5
    if group.tag not in ("li", "tr", "cite"):
        score *= 0.8
    if _under(group.parent, _QUOTE_TAGS):
        score *= 0.5  # a quoted list (key messages, demands) is rarely the signers
    return score


def _names_a_whole_list(parent: etree._Element, css_class: str | None) -> bool:
    """A lone item under a container named as a list of signers ("signatory-list")."""
    said = f"{css_class or ''} {parent.get('class') or ''} {parent.get('id') or ''}"
    return bool(_WHOLE_LIST_NAMING.search(said))


def _navigation(items: list[etree._Element]) -> bool:
    """Items that are each one link into the same site: a menu, not signers.

    A link around a card (a heading and its text) opens the signer's own page; it is no menu.
    """
    sample = [item for item in items[:_SAMPLE_SIZE] if text_of(item)]
    local = 0
    for item in sample:
        links = list(item.iter("a"))
        if len(links) == 1 and text_of(links[0]) == text_of(item) and not _has_blocks(links):
            href = (links[0].get("href") or "").strip()
            local += not href.startswith(("http:", "https:", "//", "mailto:"))
    return bool(sample) and local >= _NAV_SHARE * len(sample)


def _under(element: etree._Element, tags: frozenset[str]) -> bool:
    """Is the element, or one of its ancestors, one of ``tags``?"""
    return element.tag in tags or any(node.tag in tags for node in element.iterancestors())


def _declared_list(group: _Group) -> bool:
    """Does the markup say the group is the signer list (class or id "signatories" and kin)?

    Such a list is kept whole even when its items do not read as names (organisations, odd
    text); a sign-up form or a counter named the same is not the list.
    """
    names = [group.css_class or ""]
    node: etree._Element | None = group.parent
    for _ in range(_DECLARED_DEPTH):
        if node is None or node.tag in ("body", "html", "form"):
            break
        names += [node.get("class") or "", node.get("id") or ""]
        node = node.getparent()
    said = " ".join(names)
    return bool(_LIST_NAMING.search(said)) and not _NOT_THE_LIST.search(said)


def _headings_only(item: etree._Element) -> bool:
    """A block of nothing but headings ("PIONEERS" over a tier of donors) titles a section."""
    if item.tag in ("li", "tr") or (item.text or "").strip():
        return False  # a list item of headings is a signer's card
    seen = False
    for child in item:
        if isinstance(child.tag, str) and child.tag != "br":
            if child.tag not in _HEADING_TAGS:
                return False  # stops at the first: a list item's children are not headings
            seen = True
    return seen


def _has_blocks(items: list[etree._Element]) -> bool:
    """Do the items hold headings, paragraphs or divisions (inside a link around a card too)?"""
    return any(node.tag in _BLOCK_TAGS for item in items for node in item.iterdescendants())


def _keep_line_run(group: _Group) -> bool:
    """Narrow a run of paragraphs to its signer lines; False when prose is all it holds.

    Signers' paragraphs often follow the letter's own under one parent, after "Signed,".
    """
    if not group.complete:
        sample = _spread_sample(group.sample)
        return sum(map(_is_signer_line, map(text_of, sample))) >= _MIN_NAME_SHARE * len(sample)
    run = longest_run(group.sample, lambda item: _is_signer_line(text_of(item)))
    if len(run) < _MIN_LINE_RUN:
        return False
    group.sample, group.size = run, len(run)
    return True


def _is_signer_line(text: str) -> bool:
    """True for "Name, role text ..." (a marker allowed): a name-shaped head, not a sentence."""
    name, affiliation = split_name_affiliation(text)
    if affiliation is None and _SECTION_TITLE.search(name):
        return False  # "Some Early Signatories" heads the lines; it is not one of them
    words = name.split()
    if not 2 <= len(words) <= 6 or name.endswith(":") or any(ch.isdigit() for ch in name):
        return False
    return all(word[0].isupper() or word in _NAME_PARTICLES for word in words)


def _spread_sample(items: list[etree._Element]) -> list[etree._Element]:
    step = max(1, len(items) // _SAMPLE_SIZE)
    return items[::step][:_SAMPLE_SIZE]


@dataclass(slots=True)
class _LineBlock:
    """A block read as signer lines: split at its <br>s, or (paragraphs) between commas."""

    block: etree._Element
    lines: list[str]
    score: float


def find_line_block(root: etree._Element) -> _LineBlock | None:
    """The block with the most <br>-separated signer lines, or None."""
    parents: dict[etree._Element, int] = {}
    for br in root.iter("br"):
        parent = br.getparent()
        parents[parent] = parents.get(parent, 0) + 1
    best: _LineBlock | None = None
    numbered: list[tuple[etree._Element, list[str], tuple[int, int]]] = []
    for block, breaks in parents.items():
        lines = _br_lines(block)
        if (span := _numbering(lines)) is not None:
            numbered.append((block, lines, span))
        if breaks < _MIN_LINE_RUN - 1:
            continue
        run = _signer_span(lines)
        score = len(run) * 0.8 * _side_weight(block)
        if len(run) >= _MIN_LINE_RUN and (best is None or score > best.score):
            best = _LineBlock(block, run, score)
    chain = _longest_numbered_chain(numbered)
    if chain is not None and (best is None or chain.score > best.score):
        return chain
    return best


def find_inline_list(root: etree._Element) -> _LineBlock | None:
    """The paragraphs ("A, <b>B</b>, C, ...") under one parent holding the most names, or None."""
    found: dict[etree._Element, list[str]] = {}
    for paragraph in root.iter("p"):
        text = text_of(paragraph)
        if text.count(",") < _MIN_INLINE_ITEMS - 1 or _under(paragraph, _SIDE_TAGS):
            continue
        items = _inline_items(paragraph)
        if any(len(item.split()) > _INLINE_MAX_WORDS for item in items):
            continue  # a sentence among them: prose that names people ("including A, B, C")
        named = sum(looks_like_name(item) for item in items)
        if len(items) >= _MIN_INLINE_ITEMS and named >= _INLINE_NAME_SHARE * len(items):
            found.setdefault(paragraph.getparent(), []).extend(items)
    if not found:
        return None
    parent, items = max(found.items(), key=lambda entry: len(entry[1]))
    return _LineBlock(parent, items, float(len(items)))


def _inline_items(paragraph: etree._Element) -> list[str]:
    """The paragraph's comma-separated items; an element is one item whatever its commas
    hold, and a part that starts with a preposition ("de Globtopus") belongs to the one
    before (a lower-case handle such as "jynxeez" is a name of its own)."""
    parts = [(piece, False) for piece in (paragraph.text or "").split(",")]
    for child in paragraph:
        if isinstance(child.tag, str) and child.tag not in ("br", "script", "style"):
            parts.append((text_of(child), True))
        parts += [(piece, False) for piece in (child.tail or "").split(",")]
    items: list[str] = []
    for text, whole in parts:
        item = collapse_ws(text).strip(" .;:")
        if not item:
            continue
        if not whole and items and item.split(" ", 1)[0] in _JOINING_WORDS:
            items[-1] = f"{items[-1]}, {item}"
        else:
            items.append(item)
    return items


def _side_weight(block: etree._Element) -> float:
    return 0.2 if _under(block, _SIDE_TAGS) else 1.0


def _numbering(lines: list[str]) -> tuple[int, int] | None:
    """(first, last) when every line opens with its number ("12. Name"), counting up by one."""
    numbers = [int(match.group(1)) if (match := _LINE_NUMBER.match(line)) else None
               for line in lines]
    if len(numbers) < 2 or None in numbers:
        return None
    if any(b != a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return None
    return numbers[0], numbers[-1]


def _longest_numbered_chain(
    numbered: list[tuple[etree._Element, list[str], tuple[int, int]]],
) -> _LineBlock | None:
    """Numbered blocks whose numbering runs on from one to the next ("Global" 1-12,
    "Regional" 13-21, ...) are one list; the longest such chain, from 1, or None."""
    chains: list[tuple[etree._Element, list[str], int]] = []
    for block, lines, (first, last) in numbered:
        if chains and first == chains[-1][2] + 1:
            head, held, _ = chains[-1]
            chains[-1] = (head, held + lines, last)
        elif first == 1:
            chains.append((block, list(lines), last))
    if not chains:
        return None
    head, lines, _ = max(chains, key=lambda chain: len(chain[1]))
    if len(lines) < _MIN_LINE_RUN:
        return None
    return _LineBlock(head, lines, len(lines) * _side_weight(head))


def _signer_span(lines: list[str]) -> list[str]:
    """The lines from the first signer line to the last, when most of them are signer lines.

    A short line between them ("Mark Lynas writer UK") is a signer whose role has no comma; a
    long sentence is not. Otherwise the longest unbroken run of signer lines.
    """
    marks = [i for i, line in enumerate(lines) if _is_signer_line(line)]
    if marks and len(marks) >= _MIN_NAME_SHARE * (marks[-1] + 1 - marks[0]):
        marked, end = set(marks), marks[-1] + 1
        if all(map(_short_line, lines[end:])):
            end = len(lines)  # the block ends on its list: short names after the last line too
        span = [line for i, line in enumerate(lines[marks[0] : end], marks[0])
                if i in marked or _short_line(line)]
        return _unjoined(span)
    return longest_run(lines, _is_signer_line)


def _short_line(line: str) -> bool:
    """A line short enough to be a signer whose line reads oddly ("Ubulibri", "BDS Italia")."""
    return len(line.split()) <= _SHORT_LINE_WORDS and not line.endswith(":")


def _unjoined(lines: list[str]) -> list[str]:
    """Lines of "Name - role" with the ones a lost <br> ran together split in two."""
    if sum(len(_DASHED.split(line)) == 2 for line in lines) < _MIN_NAME_SHARE * len(lines):
        return lines
    return [part for line in lines for part in _two_signers(line)]


def _two_signers(line: str) -> list[str]:
    """'Ann Lee - ActorBo Diaz - priest' or 'Ann Lee - retired teacher Bo Diaz - nurse':
    two signer lines run together, as two; any other line as it is."""
    parts = _DASHED.split(line)
    if len(parts) != 3:
        return [line]
    middle = parts[1]
    glued = _GLUED_WORDS.search(middle)
    cut = glued.start() + 1 if glued else _trailing_name_start(middle)
    if cut <= 0:
        return [line]
    first = f"{parts[0]} - {middle[:cut].rstrip()}"
    second = f"{middle[cut:].lstrip()} - {parts[2]}"
    return [first, second] if _is_signer_line(second) else [line]


def _trailing_name_start(text: str) -> int:
    """Where two or three capitalised words that end ``text`` begin, after a lower-case word
    ("... dello spettacolo Maria Antonietta Marasco"); 0 when it does not end so."""
    words = text.split()
    count = 0
    while count < min(3, len(words) - 1) and words[-1 - count][:1].isupper():
        count += 1
    if count < 2 or not words[-1 - count][:1].islower():
        return 0
    return len(text) - len(" ".join(words[-count:]))


def _br_lines(block: etree._Element) -> list[str]:
    """The block's text split at its <br>s; a newline in the source is a space, as rendered."""
    parts = [block.text or ""]
    for child in block:
        if child.tag == "br":
            parts.append("\0")
        elif isinstance(child.tag, str) and child.tag not in ("script", "style"):
            parts.append(_TEXT(child, method="text", encoding=str, with_tail=False))
        parts.append(child.tail or "")
    lines = (collapse_ws(line) for line in "".join(parts).split("\0"))
    return [line for line in lines if line]


# --- one item -> one Signer ------------------------------------------------------------------


def signers_from_items(items: Iterable[etree._Element]) -> list[Signer]:
    """Signers of a list's items, skipping empty ones and template markup.

    The common ``<li><cite>Name</cite>, Affiliation</li>`` shape is handled inline: this loop
    runs once per signer and dominates the parse of a long list.
    """
    signers = []
    append = signers.append
    for item in items:
        first = item[0] if len(item) == 1 else None
        if first is None or first.tag != "cite" or len(first) or (item.text or "").strip():
            signer = _signer_from_item(item)
            if signer is not None:
                append(signer)
            continue
        name = " ".join((first.text or "").split())
        tail = " ".join((first.tail or "").split())
        raw = f"{name}{tail}" if tail[:1] in (",", ";", "") else f"{name} {tail}"
        if not name or "{" in raw and has_template_markup(raw):
            continue
        append(Signer(raw=raw, name=name, affiliation=tail.strip(_AFFILIATION_EDGES) or None))
    return signers


def _signer_from_item(item: etree._Element) -> Signer | None:
    """The signer an item prints, or None for empty items and template markup."""
    if item.tag == "tr":
        return _signer_from_row(item)
    raw = text_of(item)
    if not raw or ("{" in raw and has_template_markup(raw)):
        return None
    if is_placeholder(raw) or _page_anchor(item, raw):
        return None
    cite = item if item.tag == "cite" else _find_cite(item)
    if cite is None:
        cite = _leading_emphasis(item)
    if cite is not None:
        return _signer_from_cite(item, cite, raw)
    labelled = _labelled_name(item)
    if labelled is not None:
        return _signer_from_labels(item, labelled, raw)
    if any(child.tag in _BLOCK_TAGS for child in item):
        return _signer_from_card(item, raw)
    typed = item.text if len(item) == 0 else None  # as typed: a tab between fields kept
    return _signer_from_line(raw, typed if typed and "\t" in typed else raw)


def _page_anchor(item: etree._Element, raw: str) -> bool:
    """An item that is one link to a place on the same page ("Top of page"): no signer."""
    links = list(item.iter("a")) if len(item) else []
    return (len(links) == 1 and (links[0].get("href") or "").startswith("#")
            and text_of(links[0]) == raw)


def _signer_from_line(line: str, typed: str | None = None) -> Signer:
    """A signer line; ``typed``: the same line as the page typed it (tabs between fields)."""
    name, affiliation = split_name_affiliation(typed or line)
    return Signer(raw=line, name=name, affiliation=affiliation)


def _labelled_name(item: etree._Element) -> etree._Element | None:
    """The element a card marks as the name: class "signatory-name" and kin, else a heading."""
    if len(item) == 0:
        return None
    for element in item.iterdescendants():
        if isinstance(element.tag, str) and _NAME_CLASS.search(element.get("class") or ""):
            return element
    return next((e for e in item.iterdescendants() if e.tag in _HEADING_TAGS
                 or _HEADING_CLASS.search(e.get("class") or "")), None)


def _signer_from_labels(item: etree._Element, named: etree._Element, raw: str) -> Signer | None:
    name = strip_name_label(text_of(named))
    if not name or _SECTION_TITLE.search(name):
        return None  # "Founding Signatories": a heading over the list, not one of it
    detail = next((e for e in item.iterdescendants() if isinstance(e.tag, str)
                   and _DETAIL_CLASS.search(e.get("class") or "")), None)
    if detail is not None:
        affiliation = text_of(detail)
    else:  # the card's other text, as a card without labels gives it
        affiliation = raw.replace(name, "", 1).strip(_AFFILIATION_EDGES)
    return Signer(raw=raw, name=name, affiliation=affiliation or None)


def _signer_from_card(item: etree._Element, raw: str) -> Signer | None:
    """A card (heading, paragraphs): the first block's text is the name, the rest affiliation."""
    parts = [collapse_ws(item.text or "")]
    for child in item:
        parts += [text_of(child), collapse_ws(child.tail or "")]
    parts = [part for part in parts if part]
    if not parts:
        return None
    affiliation = ", ".join(parts[1:]).strip(_AFFILIATION_EDGES) or None
    return Signer(raw=" ".join(parts), name=parts[0], affiliation=affiliation)


def _group_signers(group: _Group) -> list[Signer]:
    items = group.items()
    if group.tag == "tr" and _cells_are_signers(group.parent, items):
        return [Signer(raw=text, name=text) for row in items for text in _cell_texts(row)]
    if group.tag == "tr" and (starts := _side_by_side(group.parent)):
        # Each group of columns is one list: the House's names, then the Senate's.
        found = (_column_group_signer(row, start, starts[1] - starts[0])
                 for start in starts for row in items)
        return [signer for signer in found if signer is not None]
    return signers_from_items(items)


def _side_by_side(table: etree._Element) -> list[int]:
    """Where each group of columns starts when the header names signers in several; else [].

    "Supporters in the House | Twitter | Supporters in the Senate | Twitter": two lists, one
    signer per group of columns in every row.
    """
    table = _table_of(table)
    header = next((row for row in table.iter("tr") if row.find("td") is None), None)
    if header is None:
        return []
    named = [i for i, cell in enumerate(header) if _SIGNER_HEADER.search(text_of(cell))]
    if len(named) < 2:
        return []
    width = named[1] - named[0]
    steps = {b - a for a, b in zip(named, named[1:], strict=False)}
    return named if steps == {width} and named[0] < width else []


def _column_group_signer(row: etree._Element, start: int, width: int) -> Signer | None:
    """The signer in one group of a row's columns ("Rep. Name (R-CA)", "@handle"), or None."""
    if row.find("td") is None:
        return None  # the header row
    cells = [text_of(cell) for cell in row if cell.tag in ("td", "th")][start : start + width]
    texts = [text for text in cells if text]
    if not cells or not cells[0] or has_template_markup(" ".join(texts)):
        return None
    name, aside = split_name_affiliation(texts[0])
    affiliation = ", ".join(part for part in (aside, *texts[1:]) if part) or None
    return Signer(raw=", ".join(texts), name=name, affiliation=affiliation)


def _cells_are_signers(table: etree._Element, rows: list[etree._Element]) -> bool:
    """A grid of names: no header text, three or more cells a row, each cell one named link."""
    table = _table_of(table)
    if any(text_of(th) for th in table.iter("th")):
        return False
    sample = _spread_sample(rows)
    wide = [row for row in sample if len(_cell_texts(row)) >= _MIN_GRID_COLUMNS]
    if len(wide) < _MIN_NAME_SHARE * len(sample):
        return False
    return all(_one_named_link(cell) for row in wide for cell in row.iter("td") if text_of(cell))


def _table_of(rows_parent: etree._Element) -> etree._Element:
    """The table of rows under a table or a tbody (a tbody's header is in the thead)."""
    if rows_parent.tag == "table":
        return rows_parent
    return next(rows_parent.iterancestors("table"), rows_parent)


def _cell_texts(row: etree._Element) -> list[str]:
    return [text for cell in row.iter("td") if (text := text_of(cell))]


def _one_named_link(cell: etree._Element) -> bool:
    links = list(cell.iter("a"))
    return len(links) == 1 and text_of(links[0]) == text_of(cell) and looks_like_name(
        text_of(cell))


def _leading_emphasis(item: etree._Element) -> etree._Element | None:
    """'<strong>Name</strong> - affiliation, with, commas': the bold lead is the name."""
    if len(item) and item[0].tag in ("strong", "b") and not (item.text or "").strip():
        return item[0]
    return None


def _find_cite(item: etree._Element) -> etree._Element | None:
    if len(item) and item[0].tag == "cite":
        return item[0]
    return next(item.iter("cite"), None)


def _signer_from_cite(item: etree._Element, cite: etree._Element, raw: str) -> Signer:
    name = " ".join((cite.text or "").split()) if not len(cite) else text_of(cite)
    if item is cite:
        rest = collapse_ws(cite.tail or "")
        raw = f"{name}{rest}" if rest.startswith(",") else collapse_ws(f"{name} {rest}")
    elif raw.startswith(name):
        rest = raw[len(name) :]
    else:
        rest = raw.replace(name, "", 1)
    return Signer(raw=raw, name=name or raw, affiliation=rest.strip(_AFFILIATION_EDGES) or None)


def _signer_from_row(row: etree._Element) -> Signer | None:
    cells = [text_of(cell) for cell in row if cell.tag in ("td", "th")]
    if row.find("th") is not None and row.find("td") is None:
        return None
    cells = [cell for cell in cells if cell]
    while cells and cells[0].rstrip(".").isdigit():
        cells = cells[1:]
    if not cells or has_template_markup(" ".join(cells)):
        return None
    affiliation = cells[1] if len(cells) > 1 else None
    return Signer(raw=", ".join(cells), name=cells[0], affiliation=affiliation)


def _unmarked(signers: list[Signer]) -> list[Signer]:
    """The signers with list markers ("— ", "12. ") off their names; raw stays as printed."""
    return [
        replace(s, name=bare) if (bare := strip_list_marker(s.name)) != s.name and bare else s
        for s in signers
    ]


# --- selectors mode --------------------------------------------------------------------------


def compile_selector(css: str, option: str) -> CSSSelector:
    """A compiled CSS selector; ParseError names the option and the bad selector."""
    try:
        return CSSSelector(css, translator="html")
    except (SelectorError, SyntaxError, etree.XPathError) as exc:
        raise ParseError(f"invalid CSS selector in {option}: {css!r} ({exc})") from exc


def _selected_signers(
    root: etree._Element, options: Mapping[str, Any]
) -> tuple[list[Signer], str | None]:
    items = compile_selector(options["selector"], "selector")(root)
    name_sel = _optional_selector(options, "name_selector")
    details_sel = _optional_selector(options, "details_selector")
    if name_sel is None and details_sel is None:
        signers = signers_from_items(items)
    else:
        signers = [
            _refine(signer, item, name_sel, details_sel)
            for item in items
            if (signer := _signer_from_item(item)) is not None
        ]
    if not items:
        return signers, None
    first = items[0]
    parent = first.getparent() if first.getparent() is not None else first
    return signers, structure_fingerprint(parent, first.tag, first.get("class"))


def _optional_selector(options: Mapping[str, Any], key: str) -> CSSSelector | None:
    css = options.get(key)
    return compile_selector(css, key) if css else None


def _refine(
    signer: Signer,
    item: etree._Element,
    name_sel: CSSSelector | None,
    details_sel: CSSSelector | None,
) -> Signer:
    name, affiliation = signer.name, signer.affiliation
    if name_sel is not None:
        found = name_sel(item)
        name = text_of(found[0]) if found else name
    if details_sel is not None:
        found = details_sel(item)
        affiliation = text_of(found[0]) if found else None
    return Signer(raw=signer.raw, name=name, affiliation=affiliation)


# --- count, title, next page, fingerprint ----------------------------------------------------


def find_headline_count(body: bytes, encoding: str) -> StatedCount | None:
    """The count the page states about its signers (anywhere in the visible text), or None.

    Works on the page's bytes around each hint word rather than on the tree: an XPath search of
    every text node costs more than the whole parse on a long list (bench/parse.py).
    """
    if encoding.startswith("utf-16"):
        body, encoding = body.decode(encoding, "replace").encode("utf-8"), "utf-8"
    lowered = body.lower()  # bytes.lower() changes ASCII letters only: offsets stay put
    hidden = _script_spans(lowered)
    visible = [at for at in _hint_positions(lowered) if not _inside(at, hidden)]
    found: list[StatedCount] = []
    for start, end in _merged_windows(visible):
        window = body[start:end].decode(encoding, "replace")
        found += [replace(c, at=start + c.at) for c in stated_counts(_visible_text(window))]
    return best_count(found)


def thanks_donors(body: bytes) -> bool:
    """A page that thanks donors and never speaks of signing: its names gave money, not names."""
    return _SIGNING.search(body) is None and _DONATION.search(body) is not None


def lead_count_of(root: etree._Element) -> StatedCount | None:
    """The count the page's title, headings or opening paragraphs lead with, or None."""
    leads = islice(root.iter("title", "h1", "h2", "p"), _LEAD_ELEMENTS)
    found = (lead_count(text_of(element)) for element in leads)
    return next((count for count in found if count is not None), None)


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= at < end for start, end in spans)


def _merged_windows(positions: list[int]) -> list[tuple[int, int]]:
    """The windows around sorted hint positions, overlapping ones joined into one."""
    windows: list[tuple[int, int]] = []
    for at in positions:
        start, end = max(0, at - _HINT_WINDOW), at + _HINT_WINDOW
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _hint_positions(lowered: bytes) -> list[int]:
    """Offsets of the hint words at word starts: the first and the last ones of each word.

    A long list can print 'signed' on every row; the stated count sits above or below it.
    """
    positions: set[int] = set()
    for word in _HINT_WORDS:
        first = _word_starts(lowered, word, lowered.find, 1)
        positions.update(first)
        if len(first) == _MAX_HINTS_PER_WORD:
            positions.update(_word_starts(lowered, word, lowered.rfind, -1))
    tail = max(_FOREIGN_HINT_SPAN, len(lowered) - _FOREIGN_HINT_SPAN)
    for word in _FOREIGN_HINT_WORDS:
        for start, end in ((0, _FOREIGN_HINT_SPAN), (tail, len(lowered))):
            at = lowered.find(word, start, end)
            if at >= 0 and not lowered[at - 1 : at].isalpha():
                positions.add(at)
    return sorted(positions)


def _word_starts(lowered: bytes, word: bytes, find: Any, direction: int) -> list[int]:
    found: list[int] = []
    at = find(word)
    while at >= 0 and len(found) < _MAX_HINTS_PER_WORD:
        if not lowered[at - 1 : at].isalpha():
            found.append(at)
        at = find(word, at + 1) if direction > 0 else (find(word, 0, at) if at else -1)
    return found


def _script_spans(lowered: bytes) -> list[tuple[int, int]]:
    spans = []
    for opening, closing in ((b"<script", b"</script"), (b"<style", b"</style")):
        at = lowered.find(opening)
        while at >= 0:
            end = lowered.find(closing, at)
            end = len(lowered) if end < 0 else end
            spans.append((at, end))
            at = lowered.find(opening, end)
    return spans


def _visible_text(html_text: str) -> str:
    """Text of an HTML fragment cut anywhere: partial tags at both ends dropped, tags removed."""
    html_text = _HIDDEN_TEXT.sub(" ", html_text)
    close, open_ = html_text.find(">"), html_text.find("<")
    if close >= 0 and (open_ < 0 or close < open_):
        html_text = html_text[close + 1 :]
    if html_text.rfind("<") > html_text.rfind(">"):
        html_text = html_text[: html_text.rfind("<")]
    return strip_template_markup(html.unescape(_TAG.sub(" ", html_text)))


def selected_count(root: etree._Element, options: Mapping[str, Any]) -> int | None:
    """The count read from ``count_selector`` (with ``count_pattern``, one group), or None."""
    found = compile_selector(options["count_selector"], "count_selector")(root)
    if not found:
        return None
    text = text_of(found[0])
    pattern = options.get("count_pattern")
    if pattern:
        match = _compile_pattern(pattern).search(text)
        return parse_int(match.group(1)) if match else None
    return find_count(text) or _first_number(text)


def _compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ParseError(f"invalid count_pattern {pattern!r}: {exc}") from exc
    if compiled.groups < 1:
        raise ParseError(f"count_pattern {pattern!r} needs one group around the number")
    return compiled


def _first_number(text: str) -> int | None:
    match = re.search(NUMBER, text)
    return parse_int(match.group(0)) if match else None


def next_page_url(root: etree._Element, url: str) -> str | None:
    """The absolute URL of rel=next (link or a), or None."""
    hrefs = [
        link.get("href", "").strip()
        for link in root.iter("a", "link")
        if "next" in link.get("rel", "").lower().split()
        and link.get("href", "").strip()
    ]
    return urljoin(url, hrefs[0]) if hrefs else None


def structure_fingerprint(container: etree._Element, item_tag: str, item_class: str | None) -> str:
    """A short hash of the container's tag/class path and the item shape, not of its content."""
    steps = []
    node: etree._Element | None = container
    while node is not None:
        classes = ".".join(sorted((node.get("class") or "").split()))
        steps.append(f"{node.tag}.{classes}" if classes else str(node.tag))
        node = node.getparent()
    shape = "/".join(reversed(steps)) + f">{item_tag}.{item_class or ''}"
    return hashlib.sha256(shape.encode()).hexdigest()[:16]


# --- the adapter -----------------------------------------------------------------------------


class HtmlAdapter:
    """Signer lists on web pages, by CSS selectors or found automatically."""

    name = "html"

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float:
        head = body[:2048].lower()
        looks_html = any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<div"))
        if content_type and "html" in content_type.lower():
            return 0.6
        if content_type and not looks_html:
            return 0.0
        if looks_html or b"<li" in body[:65536].lower():
            return 0.4 if looks_html else 0.2
        return 0.05 if url.lower().endswith((".html", ".htm")) else 0.0

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult:
        encoding = html_encoding(body)  # sniffing decodes the whole body: once per parse
        root = parse_document(body, encoding)
        signers, fingerprint = self._signers(root, options)
        if signers and not options.get("selector") and thanks_donors(body):
            signers, fingerprint = [], None
        count, at_least = self._count(root, body, encoding, options)
        result = ScrapeResult(
            kind=self.name,
            title=page_title(root),
            reported_count=count,
            reported_count_at_least=at_least,
            signers=tuple(signers),
            has_list=bool(signers),
            next_page_url=next_page_url(root, url),
            fingerprint=fingerprint,
        )
        if not any(options.get(key) for key in ("selector", "count_selector", "count_pattern")):
            result = embedded.with_embedded_state(result, root)
        if result.reported_count is None and not result.signers:
            raise NoSignersFound("no signer list and no stated count on the page", url=url)
        return result

    def _signers(
        self, root: etree._Element, options: Mapping[str, Any]
    ) -> tuple[list[Signer], str | None]:
        if options.get("selector"):
            signers, fingerprint = _selected_signers(root, options)
            return _unmarked(signers), fingerprint
        groups, block = find_signer_groups(root), find_line_block(root)
        inline = find_inline_list(root)
        best = max(_family_score(groups), block.score if block is not None else 0.0)
        if inline is not None and inline.score > best:
            fingerprint = structure_fingerprint(inline.block, "p", None)
            return [_signer_from_line(item) for item in inline.lines], fingerprint
        if block is not None and (not groups or block.score > _family_score(groups)):
            fingerprint = structure_fingerprint(block.block, "br", None)
            return _unmarked([_signer_from_line(line) for line in block.lines]), fingerprint
        if not groups:
            return [], None
        signers = [signer for group in groups for signer in _group_signers(group)]
        first = groups[0]
        fingerprint = structure_fingerprint(first.parent, first.tag, first.css_class)
        return _unmarked(signers), fingerprint

    def _count(
        self, root: etree._Element, body: bytes, encoding: str, options: Mapping[str, Any]
    ) -> tuple[int | None, bool]:
        if options.get("count_selector"):
            return selected_count(root, options), False
        if options.get("count_pattern"):
            match = _compile_pattern(options["count_pattern"]).search(text_of(root))
            return (parse_int(match.group(1)) if match else None), False
        stated = find_headline_count(body, encoding) or lead_count_of(root)
        return (stated.value, stated.at_least) if stated else (None, False)


HTML = register(HtmlAdapter())
