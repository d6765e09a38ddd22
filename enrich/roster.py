"""Rosters: CSV lists of known people with attributes, matched against signers by name.

``parse_roster_csv`` is all or nothing: the first problem raises ``RosterError`` with the line
number, and nothing is returned half-parsed. The file is UTF-8 (a BOM is fine) with a header
row holding a ``name`` column (any case); every other column is an attribute.

``match_roster`` pairs roster entries with signers:

- exact: the signer's ``name_key`` equals the entry's -> status "auto", score 100. Keys already
  absorb case, accents, honorifics, suffixes, "(ret.)" and hyphen-vs-space.
- fuzzy: ``rapidfuzz.fuzz.token_sort_ratio`` on the keys, at least ``FUZZY_THRESHOLD`` (86)
  -> status "pending", for an editor to confirm. A middle initial costs a few points
  ("frank j figliuzzi" vs "frank figliuzzi": 93.75); "Paul Butterfield" vs "Paul Butler" scores
  74 and "Frank Fig" vs "Frank Figliuzzi" 75, both below the threshold.
- blocking: an entry is compared only with signers sharing its first or its last key word, so
  100,000 signers x 100 entries is a few thousand comparisons, not ten million. A name whose
  first and last words are both misspelt is not proposed.
A signer with an exact match is not also proposed fuzzily for other entries.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from enrich.names import MAX_NAME_CHARS, clean_display_name, name_key

MAX_ROSTER_BYTES = 2_000_000
MAX_ROSTER_ROWS = 10_000
MAX_CELL_CHARS = 2_000
FUZZY_THRESHOLD = 86.0
MAX_PENDING_PER_ENTRY = 20


class RosterError(ValueError):
    """The roster file cannot be imported; the message names the line."""


@dataclass(frozen=True)
class RosterEntry:
    """One person on a roster: the name as written, its key, and the other columns."""

    line: int
    name: str
    key: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Roster:
    """A parsed roster: its columns and its entries in file order."""

    columns: tuple[str, ...]
    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True)
class RosterMatch:
    """A proposed link between a roster entry and a signer."""

    entry: RosterEntry
    signer_id: Hashable
    signer_name: str
    score: float
    status: str  # "auto" (exact key) or "pending" (fuzzy, an editor decides)
    method: str  # "exact_key" or "fuzzy"


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterError(
            f"line {line}: not UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise RosterError(f"line {line}: NUL byte; this does not look like a CSV text file")
    return text


def _header(row: list[str]) -> tuple[tuple[str, ...], int]:
    columns = tuple(" ".join(cell.split()) for cell in row)
    folded = [column.casefold() for column in columns]
    if "" in folded:
        raise RosterError(f"line 1: empty column name in position {folded.index('') + 1}")
    duplicates = sorted({c for c in folded if folded.count(c) > 1})
    if duplicates:
        raise RosterError(f"line 1: duplicate column {duplicates[0]!r}")
    if "name" not in folded:
        raise RosterError("line 1: the header needs a 'name' column")
    return columns, folded.index("name")


def _entry(row: list[str], line: int, columns: tuple[str, ...], name_at: int) -> RosterEntry:
    if len(row) != len(columns):
        raise RosterError(f"line {line}: {len(row)} fields, the header has {len(columns)}")
    if any(len(cell) > MAX_CELL_CHARS for cell in row):
        raise RosterError(f"line {line}: a field is longer than {MAX_CELL_CHARS} characters")
    name = clean_display_name(row[name_at])
    if not name or not name_key(name):
        raise RosterError(f"line {line}: empty name")
    if len(row[name_at]) > MAX_NAME_CHARS:
        raise RosterError(f"line {line}: name longer than {MAX_NAME_CHARS} characters")
    attributes = {
        column: " ".join(cell.split())
        for i, (column, cell) in enumerate(zip(columns, row, strict=True)) if i != name_at
    }
    return RosterEntry(line, name, name_key(name), attributes)


def _rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise RosterError(f"line {reader.line_num}: {exc}") from exc


def parse_roster_csv(
    data: bytes, *, max_rows: int = MAX_ROSTER_ROWS, max_bytes: int = MAX_ROSTER_BYTES
) -> Roster:
    """Parse a roster CSV completely, or raise RosterError at the first problem."""
    if len(data) > max_bytes:
        raise RosterError(f"file is {len(data):,} bytes; the limit is {max_bytes:,}")
    rows = ((line, row) for line, row in _rows(_decode(data)) if any(c.strip() for c in row))
    first = next(rows, None)
    if first is None:
        raise RosterError("line 1: the file is empty; it needs a header with a 'name' column")
    columns, name_at = _header(first[1])
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if len(entries) >= max_rows:
            raise RosterError(f"line {line}: more than {max_rows:,} rows")
        entry = _entry(row, line, columns, name_at)
        if entry.key in seen:
            raise RosterError(f"line {line}: {entry.name!r} repeats line {seen[entry.key]}")
        seen[entry.key] = line
        entries.append(entry)
    return Roster(columns, tuple(entries))


@dataclass
class _SignerIndex:
    by_key: dict[str, list[tuple[Hashable, str]]] = field(default_factory=lambda: defaultdict(list))
    by_word: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, signer_id: Hashable, name: str) -> None:
        key = name_key(name)
        if not key:
            return
        if key not in self.by_key:
            words = key.split()
            for word in {words[0], words[-1]}:
                self.by_word[word].append(key)
        self.by_key[key].append((signer_id, name))

    def candidates(self, key: str) -> list[str]:
        words = key.split()
        found = set(self.by_word.get(words[0], ())) | set(self.by_word.get(words[-1], ()))
        found.discard(key)
        return sorted(found)


def _exact(entry: RosterEntry, index: _SignerIndex) -> list[RosterMatch]:
    return [
        RosterMatch(entry, signer_id, name, 100.0, "auto", "exact_key")
        for signer_id, name in index.by_key.get(entry.key, ())
    ]


def _fuzzy(entry: RosterEntry, index: _SignerIndex, threshold: float) -> list[RosterMatch]:
    hits = process.extract(
        entry.key, index.candidates(entry.key), scorer=fuzz.token_sort_ratio,
        score_cutoff=threshold, limit=MAX_PENDING_PER_ENTRY,
    )
    return [
        RosterMatch(entry, signer_id, name, round(score, 2), "pending", "fuzzy")
        for key, score, _ in hits
        for signer_id, name in index.by_key[key]
    ]


def match_roster(
    entries: Sequence[RosterEntry] | Roster,
    signers: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = FUZZY_THRESHOLD,
) -> list[RosterMatch]:
    """Exact key matches ("auto") and fuzzy candidates above ``threshold`` ("pending")."""
    roster_entries = entries.entries if isinstance(entries, Roster) else tuple(entries)
    index = _SignerIndex()
    for signer_id, name in signers:
        index.add(signer_id, name)
    exact_keys = {entry.key for entry in roster_entries}
    matches: list[RosterMatch] = []
    for entry in roster_entries:
        matches += _exact(entry, index)
        fuzzy = _fuzzy(entry, index, threshold)
        matches += [m for m in fuzzy if name_key(m.signer_name) not in exact_keys]
    return matches
