r"""The ``markdown`` adapter: letters kept as Markdown or plain text, signers as list items.

Which lists are signers: every list item after a signature marker ("Signed,", "## Signatories",
"Signers:", "The undersigned") when the letter has one; otherwise the runs of list items, or of
lines the author ended with hard breaks, that mostly look like names (a list of bare links only
on a page about signing, which a page named "supporters.md" is by its name). A letter's own
lists before the marker (demands, references) are not.

Tables (GitHub-flavoured, with or without outer pipes: ``Name | Title | Org`` over
``--- | :---: | ---``, ``\|`` for a pipe inside a cell) are read by one reader. The name is
the column headed Name, Signatory, Signer, Signee or Full name, else the first; every cell is
kept in ``extra`` under its header, and Title/Role/Position and Affiliation/Organization-like
columns fill role and affiliation. A table is a signer list when it has such a name header,
follows the signature marker, or (when no table does) its first column mostly holds names; a
table of demands or dates loses to a signer table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scrapers.adapters.json_api import file_stem, find_people_list, signers_from
from scrapers.adapters.yaml_data import load_yaml
from scrapers.base import ScrapeResult, Signer, register
from scrapers.errors import NoSignersFound, ParseError
from scrapers.text import (
    COUNT_HINT,
    collapse_ws,
    decode_body,
    find_count,
    has_template_markup,
    is_cjk_sentence,
    is_placeholder,
    longest_run,
    looks_like_name,
    looks_like_proper_name,
    split_name_affiliation,
    strip_list_marker,
)

_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,6}[.)])\s+(\S.*)$")
_SIGNATURE_MARKER = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]*\s*(?:signed|signatories|signatures|signers|signees|"
    r"(?:we,?\s+)?the\s+undersigned|co-?signed|list\s+of\s+signatories|"
    r"(?:yours\s+)?(?:sincerely|faithfully|respectfully))\b[^.]{0,40}$",
    re.I,
)
_HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$")
_SUBHEADING = re.compile(r"^\s*(#{2,6})\s+(.+?)\s*#*\s*$")
# "**Platform**: value" or "**Platform:** value"
_FIELD_LINE = re.compile(r"^\s*(?:\*\*|__)[^*_\n]{1,40}(?::(?:\*\*|__)|(?:\*\*|__)\s*:)\s*\S")
_FRONT_TITLE = re.compile(r"""^title:\s*["']?(.*?)["']?\s*$""", re.M)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_MIN_NAME_SHARE = 0.6
_MIN_UNMARKED_PARAGRAPHS = 5
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)[^*_]+\1\s*$")
# "---", "***", "___" (spaced or not): a rule between sections, never a signer line
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
# "**Matthew Cullum**, VP of Engineering, ...": a paragraph that opens on a bolded name
_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)([^*_]+)(?:\*\*|__)\s*[,(\u2013\u2014-]")
# "*Maintainer*", "_(your name)_": a table's example row names its signer in italics
_ITALIC_CELL = re.compile(r"^\s*([*_])(?!\1)[^*_]+\1\s*$")
# A list of nothing but links, on a page that never speaks of signing, links to things
# (statements, resources), not to signers.
_BARE_LINK = re.compile(r"\[[^\]]+\]\([^)\s]+\)")
_SIGNING_WORDS = re.compile(r"\bsign|undersigned|endors|pledge", re.I)
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s")
# A page named as the list ("supporters.md", "SIGNATORIES.md", "signataires.md", in the
# languages letters are most often printed in) speaks of signing by its name.
_LIST_PAGE = re.compile(r"signator|signer|signature|supporter|endorse|"
                        r"signatair|firmant|firmatari|unterzeichn|ondertekenaar", re.I)
# "[Paul Kay (PK)](https://...)": an item that is one link names its signer by the link text.
_WHOLE_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
_DEFINITION = re.compile(r"^[^,(:]{1,40}:\s")
# "<br>", a Markdown "\" or kramdown's "\\" at the end of a line
_HARD_BREAK = re.compile(r"\s*(?:<br\s*/?>|\\{1,2})\s*$", re.I)
_TRAILING_EMPHASIS = re.compile(r"^([^*_]+?)\s+([*_])([^*_]+)\2$")
_NOT_NAME_CELL = re.compile(r"[`/@\d]")
_NUMBER_HEADER = re.compile(r"#|№|n[or]?\.?|n°|num(?:ber)?", re.I)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_NAME_HEADER = re.compile(r"^(?:full\s+)?(?:name|signator(?:y|ies)|signers?|signees?)s?$", re.I)
# A table of organisations names them under one of these when it has no name column.
_ORG_NAME_HEADER = re.compile(r"^(?:organi[sz]ations?|projects?|compan(?:y|ies)|groups?)$", re.I)
_HEADER_PARTS = re.compile(r"\s*/\s*")
# A section heading that names its table the signers, in English or Chinese ("签署者").
_SIGNER_HEADING = re.compile(
    r"\b(?:signatories|signers|signees|signatures)\b|签署者|签署人|签名者|联署人|署名者", re.I)
_ROLE_HEADER = re.compile(r"^(?:title|role|position|job\s+title)s?$", re.I)
_AFFILIATION_HEADER = re.compile(
    r"^(?:org|organi[sz]ation|affiliation|institution|company|employer|university)s?$", re.I
)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) of a Jekyll-style document; front matter is '' when absent."""
    if not text.startswith("---"):
        return "", text
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    return "", text


def markdown_title(front_matter: str, body: str) -> str | None:
    """The front matter's ``title:``, else the first level-one heading."""
    match = _FRONT_TITLE.search(front_matter)
    if match and match.group(1).strip():
        return match.group(1).strip()
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            return plain_text(heading.group(1))
    return None


def plain_text(markdown: str) -> str:
    """Markdown inline markup removed: links to their text, emphasis marks dropped."""
    return collapse_ws(_EMPHASIS.sub("", _MD_LINK.sub(r"\1", markdown)))


def list_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of list items as (line index of the first item, item texts); prose ends a run."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        item = _LIST_ITEM.match(line)
        if item:
            if not current:
                runs.append((index, current))
            current.append(strip_list_marker(line.strip()))
        elif line.strip() and not line.lstrip().startswith("<!--"):
            current = []
    return [(start, items) for start, items in runs if items]


def signature_marker(lines: list[str]) -> int | None:
    """Index of the first line that announces the signatures, or None."""
    return next((i for i, line in enumerate(lines) if _SIGNATURE_MARKER.match(line)), None)


def signer_items(lines: list[str], marker: int | None, named_list: bool = False) -> list[str]:
    """The list items that are signers (see the module docstring for the rule); ``marker``:
    the line announcing them (``signature_marker``; -1 when the page's title does);
    ``named_list``: the page's own name says it is the list ("supporters.md")."""
    if marker is not None:
        section = lines[marker + 1 :]
        runs = [run for run in list_runs(section) + line_runs(section) + paragraph_runs(section)
                if _may_sign(section, run)]
        named = [items for _, items in sorted(runs) if _name_share(items) >= _MIN_NAME_SHARE]
        after = named or [items for start, items in list_runs(section)
                          if _may_sign(section, (start, items))]
        if after:
            return [item for items in after for item in items]
    speaks_of_signing = named_list or any(_SIGNING_WORDS.search(line) for line in lines)
    kept = [items for _, items in sorted(list_runs(lines) + broken_runs(lines))
            if _name_share(items, looks_like_proper_name) >= _MIN_NAME_SHARE
            and (speaks_of_signing or not all(map(_BARE_LINK.fullmatch, items)))]
    if speaks_of_signing and not kept:
        # A long run of "Name, Title, Institution" paragraphs on a page about signing is its
        # signers even when no "Signed" line announces them ("With urgency,").
        kept = [items for _, items in paragraph_runs(lines)
                if len(items) >= _MIN_UNMARKED_PARAGRAPHS]
    if named_list and not kept:
        kept = [lone_names(lines)]
    return [item for items in kept for item in items]


def lone_names(lines: list[str]) -> list[str]:
    """The bare names or single links that close the page, one a line ("Fabien Lamarque",
    "[zowiegong](https://github.com/zowiegong)"): on a page named as the list, the signers
    appended to it, even one."""
    closing: list[str] = []
    for line in reversed(lines):
        text = _HARD_BREAK.sub("", line.strip())
        if not text:
            continue
        if not (_plain_line(line) and _lone_name(text)):
            break
        closing.insert(0, text)
    return closing


def _lone_name(text: str) -> bool:
    if "|" in text or _DEFINITION.match(text) or _SIGNING_WORDS.search(text):
        return False
    link = _WHOLE_LINK.fullmatch(text)
    return looks_like_name(plain_text(link.group(1))) if link else looks_like_proper_name(text)


def heading_records(lines: list[str]) -> list[str]:
    """Headings of one level each over ``**Field**: value`` lines: one signer per heading."""
    runs: list[list[str]] = [[]]
    level = 0
    for index, line in enumerate(lines):
        heading = _SUBHEADING.match(line)
        if not heading:
            continue
        depth, record = len(heading.group(1)), _opens_record(lines, index + 1)
        if not (record and depth == level):
            runs.append([])
        if record:
            runs[-1].append(heading.group(2))
        level = depth if record else 0
    named = [run for run in runs if len(run) >= 2 and _name_share(run) >= _MIN_NAME_SHARE]
    return [text for run in named for text in run]


def _opens_record(lines: list[str], start: int) -> bool:
    """Do two or more ``**Field**: value`` lines follow at once, before any other text?"""
    block = [line for line in lines[start : start + 12] if line.strip()]
    fields = 0
    for line in block:
        if not _FIELD_LINE.match(line):
            break
        fields += 1
    return fields >= 2


def _introduced_elsewhere(lines: list[str], start: int) -> bool:
    """Does a prose line ending in ':' ("Ways to sign:") introduce the run at ``start``?"""
    before = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
    return before.endswith(":") and not _SIGNATURE_MARKER.match(before)


def line_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of two or more consecutive plain lines (one signer per line, ``<br>`` ends)."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for index, line in enumerate(lines + [""]):
        plain = line.strip() and not (_LIST_ITEM.match(line) or line.lstrip().startswith(
            ("#", "<!--", "{:", "|", ">")) or _LINK_DEFINITION.match(line)
            or _THEMATIC_BREAK.match(line))
        if plain:
            current.append(_HARD_BREAK.sub("", line.strip()))
            continue
        if len(current) >= 2:
            runs.append((index - len(current), current))
        current = []
    return runs


def broken_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Line runs whose lines the author ended with a hard break ("<br>", "\\"), the last one
    aside: a list set line by line, never prose wrapped at the margin."""
    return [(start, items) for start, items in line_runs(lines)
            if all(_HARD_BREAK.search(line) for line in lines[start : start + len(items) - 1])]


def broken_names(lines: list[str]) -> list[str]:
    """The lines of the hard-broken runs that mostly hold names ("IGDORE \\", "BITSS \\")."""
    return [item for _, items in broken_runs(lines)
            if _name_share(items, looks_like_proper_name) >= _MIN_NAME_SHARE for item in items]


def paragraph_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of one-line paragraphs (a blank line between signers) that read as signer lines."""
    runs: list[tuple[int, list[str]]] = []
    current: list[tuple[int, str]] = []
    for index, line in enumerate(lines + ["#"]):
        if not line.strip():
            continue
        alone = _plain_line(line) and not (lines[index + 1 : index + 2] or [""])[0].strip()
        if alone and (not current or current[-1][0] < index - 1):
            current.append((index, _HARD_BREAK.sub("", line.strip())))
            continue
        named = longest_run(current, _names_someone)
        if len(named) >= 2 or (named and _bold_named(named[0][1])
                               and _after_blank(lines, named[0][0])):
            runs.append((named[0][0], [text for _, text in named]))
        current = []
    return runs


def _after_blank(lines: list[str], index: int) -> bool:
    """Does the line at ``index`` open a paragraph (not end a block of lines)?"""
    return index == 0 or not lines[index - 1].strip()


def _bold_named(line: str) -> bool:
    """Does the line open on a bolded full name ("**Jane Doe**, Title")? It is a signer line
    even alone, where one plain paragraph could be any sentence."""
    bold = _BOLD_LEAD.match(line)
    return bool(bold) and len(bold.group(1).split()) >= 2 and looks_like_proper_name(
        bold.group(1).strip())


def _plain_line(line: str) -> bool:
    """A paragraph line: not a list item, heading, comment, table, fence, quotation or a bold
    line alone (which heads what follows, as "**Endnotes**" does)."""
    return bool(line.strip()) and not (_LIST_ITEM.match(line) or line.lstrip().startswith(
        ("#", "<!--", "{:", "|", "```", ">")) or _LINK_DEFINITION.match(line)
        or _BOLD_LINE.match(line) or _THEMATIC_BREAK.match(line))


def _may_sign(section: list[str], run: tuple[int, list[str]]) -> bool:
    """Can this run after the marker be its signers: not introduced as something else, and
    not all rules stated in sentences?"""
    return not _introduced_elsewhere(section, run[0]) and not all(map(_is_sentence, run[1]))


def _is_sentence(item: str) -> bool:
    """'The RFC text governs; signatures do not modify requirements.': a rule, not a signer."""
    text = plain_text(item)
    return (len(item.split()) > 3 and text.endswith((".", "!", "?"))) or is_cjk_sentence(text)


def _names_someone(entry: tuple[int, str]) -> bool:
    return looks_like_proper_name(split_name_affiliation(plain_text(entry[1]))[0])


def _name_share(items: list[str], is_name: Any = looks_like_name) -> float:
    texts = [plain_text(item) for item in items]
    # "IAB: Internet Architecture Board" defines a term; it names nobody.
    names = [split_name_affiliation(text)[0] for text in texts if not _DEFINITION.match(text)]
    return sum(map(is_name, names)) / len(items)


def signer_from_item(item: str) -> Signer | None:
    """'Name (Affiliation, role)' -> Signer; None for template markup or an empty item."""
    raw = collapse_ws(item)
    if not raw or has_template_markup(raw) or is_placeholder(raw):
        return None
    link = _WHOLE_LINK.fullmatch(raw)
    if link and "," not in link.group(1):
        return Signer(raw=raw, name=plain_text(link.group(1)))
    emphasised = _TRAILING_EMPHASIS.match(raw)
    if emphasised:  # "Name *role*": the emphasis sets the role apart
        return Signer(raw=raw, name=plain_text(emphasised.group(1)),
                      affiliation=plain_text(emphasised.group(3)) or None)
    text = plain_text(raw) if _may_hold_markup(raw) else raw  # raw is plain text already
    name, affiliation = split_name_affiliation(text)
    if _NAME_HEADER.match(name):  # "Name — Affiliation — Date": the entry format, not a signer
        return None
    return Signer(raw=raw, name=name or raw, affiliation=affiliation)


def table_cells(line: str) -> list[str]:
    """The cells of one table row, outer pipes optional, ``\\|`` kept as a literal pipe."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(row)]


def _is_delimiter(line: str, width: int) -> bool:
    if "|" not in line or "-" not in line:
        return False
    cells = table_cells(line)
    return len(cells) == width and all(_DELIMITER_CELL.match(cell) for cell in cells)


def tables(lines: list[str]) -> list[tuple[int, list[str], list[list[str]]]]:
    """(header line index, header cells, body rows) of each table; a row without "|" ends one."""
    found = []
    index = 0
    while index < len(lines) - 1:
        header = table_cells(lines[index]) if "|" in lines[index] else []
        if len(header) > 1 and _is_delimiter(lines[index + 1], len(header)):
            rows, end = _table_rows(lines, index + 2)
            found.append((index, header, rows))
            index = end
        else:
            index += 1
    return found


def _table_rows(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    rows, index = [], start
    while index < len(lines) and "|" in lines[index] and lines[index].strip():
        rows.append(table_cells(lines[index]))
        index += 1
    return rows, index


def _column(header: list[str], pattern: re.Pattern[str]) -> int | None:
    return next((i for i, cell in enumerate(header) if pattern.match(plain_text(cell))), None)


def _name_column(header: list[str]) -> int | None:
    """The column of names: headed Name ("Name / Handle"), else Organisation or Project."""
    for pattern in (_NAME_HEADER, _ORG_NAME_HEADER):
        for index, cell in enumerate(header):
            if any(pattern.match(part) for part in _HEADER_PARTS.split(plain_text(cell))):
                return index
    return None


def _signer_table_strength(start: int, header: list[str], rows: list[list[str]],
                           marker: int | None, heading: str = "") -> int:
    """3: under its own heading naming signers ("## 二、签署者", "## Signers"); 2: headed by a
    name column or after the marker; 1: first column mostly names; 0: not."""
    if not rows:
        return 0
    if _SIGNER_HEADING.search(heading):
        return 3
    if _name_column(header) is not None or (marker is not None and start > marker):
        return 2
    first = _first_text_column(header)
    names = sum(_cell_is_name(row[first]) for row in rows if len(row) > first)
    return int(names >= _MIN_NAME_SHARE * len(rows))


def _first_text_column(header: list[str]) -> int:
    """0, or 1 when the first column numbers the rows ("#", "No.", "№")."""
    return int(bool(header) and _NUMBER_HEADER.fullmatch(plain_text(header[0])) is not None)


def _cell_is_name(cell: str) -> bool:
    """A first-column cell that reads as a person's name: code spans, paths, dates are not."""
    return not _NOT_NAME_CELL.search(cell) and looks_like_name(plain_text(cell))


def signer_from_row(header: list[str], row: list[str]) -> Signer | None:
    """A table row as a Signer: name from the name column, the other cells by header."""
    cells = [plain_text(cell) for cell in row[: len(header)]]
    cells += [""] * (len(header) - len(cells))
    column = _name_column(header)
    at = column if column is not None else _first_text_column(header)
    name = cells[at]
    if not name or has_template_markup(name) or any(map(is_placeholder, cells)):
        return None
    if _ITALIC_CELL.match(row[at]):  # the template's example row, set in italics
        return None
    labels = [plain_text(cell) or f"column {i + 1}" for i, cell in enumerate(header)]
    role, affiliation = (_cell(header, cells, pattern)
                         for pattern in (_ROLE_HEADER, _AFFILIATION_HEADER))
    raw = ", ".join(cell for cell in cells if cell)
    return Signer(raw=raw, name=name, role=role, affiliation=affiliation,
                  extra={label: cell for label, cell in zip(labels, cells, strict=True) if cell})


def _cell(header: list[str], cells: list[str], pattern: re.Pattern[str]) -> str | None:
    column = _column(header, pattern)
    return (cells[column] or None) if column is not None else None


def _heading_above(lines: list[str], start: int) -> str:
    """The text of the nearest heading above line ``start`` (a level-two or deeper one), or ''."""
    for line in reversed(lines[:start]):
        heading = _SUBHEADING.match(line)
        if heading:
            return plain_text(heading.group(2))
    return ""


def table_signers(lines: list[str], marker: int | None) -> list[Signer]:
    """Signers of the tables most clearly signer lists (``marker``: ``signature_marker``):
    a name header beats names alone."""
    found = [(_signer_table_strength(start, header, rows, marker, _heading_above(lines, start)),
              header, rows)
             for start, header, rows in tables(lines)]
    best = max((strength for strength, _, _ in found), default=0)
    return [signer
            for strength, header, rows in found if best and strength == best
            for signer in (signer_from_row(header, row) for row in rows) if signer]


def front_matter_signers(front_matter: str) -> tuple[Signer, ...]:
    """Signers a page keeps in its YAML front matter (``signatories:`` entries), if any."""
    if "\n" not in front_matter.strip():
        return ()
    try:
        document = load_yaml(front_matter.encode())
    except ParseError:
        return ()  # front matter that is not YAML is the page's business, not a list
    people = find_people_list(document) if isinstance(document, dict) else None
    return tuple(map(_role_off_name, signers_from(people, {}))) if people else ()


def _role_off_name(signer: Signer) -> Signer:
    """'Imri Talgam - Pianist' given as a name: the name, and the role as the affiliation."""
    if signer.affiliation:
        return signer
    name, affiliation = split_name_affiliation(signer.name)
    return Signer(raw=signer.raw, name=name, affiliation=affiliation)


def _may_hold_markup(text: str) -> bool:
    """Whether ``plain_text`` could change ``text`` beyond collapsing its whitespace."""
    return "[" in text or "*" in text or "_" in text or "`" in text


def prose_count(lines: list[str], titled: bool = False) -> int | None:
    """A count stated in the letter's prose ('1,140 people have signed'), or None; on a page
    titled Signatories (``titled``) every line speaks of them ('**0** total')."""
    for line in lines:
        if (titled or COUNT_HINT.search(line)) and not _LIST_ITEM.match(line):
            count = find_count(plain_text(line), zero_is_stated=True)
            if count is not None:
                return count
    return None


class MarkdownAdapter:
    """Letters written in Markdown or plain text."""

    name = "markdown"

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float:
        ctype = (content_type or "").lower()
        if "markdown" in ctype:
            return 0.8
        if url.lower().split("?")[0].endswith((".md", ".markdown", ".txt")):
            return 0.7
        head = body[:4096]
        if b"<html" in head.lower() or (ctype and "text/plain" not in ctype):
            return 0.0
        list_lines = len(re.findall(rb"(?m)^ {0,3}(?:[-*+]|\d+\.) \S", body[:65536]))
        return 0.45 if head.startswith(b"---") or list_lines >= 5 else 0.1

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult:
        if b"\x00" in body[:4096]:
            raise ParseError("binary data, not a Markdown letter", url=url)
        front, text = split_front_matter(decode_body(body).replace("\r\n", "\n"))
        lines = text.split("\n")
        title = markdown_title(front, text)
        titled = bool(title and _SIGNATURE_MARKER.match(title))
        marker = signature_marker(lines)
        table = tuple(table_signers(lines, marker))
        marker = -1 if titled else marker
        # Beside a table of signers, unmarked bullets explain it; they sign nothing, where
        # names set line by line ("Partner Initiatives": "IGDORE \\", ...) sign beside it.
        named_list = _LIST_PAGE.search(file_stem(url)) is not None
        items = heading_records(lines) or (signer_items(lines, marker, named_list)
                                           if marker is not None or not table
                                           else broken_names(lines))
        signers = tuple(s for s in map(signer_from_item, items) if s is not None) + table
        if not signers:
            signers = front_matter_signers(front)
        count = prose_count(lines, titled)
        if count is None and not signers:
            raise NoSignersFound("no signer list and no stated count in the text", url=url)
        return ScrapeResult(
            kind=self.name,
            title=title,
            reported_count=count,
            signers=signers,
            has_list=bool(signers),
        )


MARKDOWN = register(MarkdownAdapter())
