"""The ``csv`` adapter: published spreadsheets of signers, one signer a row.

Handles a BOM or cp1252 bytes, any of , ; tab | as delimiter, a leading "Number of
signatories,N" row (the stated count), generic "column_1,..." rows above the real header, a
row-number column, and name / first+last columns. Columns with a known meaning are mapped
(title -> role, state -> location, campus or affiliation -> affiliation, department, district,
party ... into ``extra`` under a canonical key); any other column goes into ``extra`` under its
own header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapers.base import ScrapeResult, Signer, register
from scrapers.errors import NoSignersFound, ParseError
from scrapers.text import collapse_ws, decode_body, parse_int

_DELIMITERS = (",", ";", "\t", "|")
_COUNT_ROW = re.compile(
    r"(?:number|no\.?|total|count)\s+(?:of\s+)?(?:signatories|signatures|signers|names)"
    r"|^(?:signatories|signatures|signers)\s*:?$",
    re.I,
)
_HEADER_SCAN_ROWS = 10
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "signer", "signatory", "signee", "representative",
             "member", "member name", "name of signatory", "your name", "signer name",
             "nom complet", "nombre completo", "nome completo", "vollständiger name", "naam",
             "imię i nazwisko", "jméno a příjmení", "фио", "имя и фамилия"),
    "first_name": ("first name", "firstname", "first", "given name", "forename", "prénom",
                   "prenom", "nombre", "vorname", "nome", "voornaam", "imię", "imie", "jméno",
                   "jmeno", "meno", "имя"),
    "last_name": ("last name", "lastname", "last", "surname", "family name", "nom", "apellido",
                  "apellidos", "nachname", "cognome", "achternaam", "nazwisko", "příjmení",
                  "prijmeni", "priezvisko", "фамилия"),
    "role": ("title", "job title", "position", "role", "rank"),
    "department": ("department", "dept", "dept.", "division", "school", "program"),
    "affiliation": ("affiliation", "institution", "organization", "organisation", "university",
                    "employer", "company"),
    "campus": ("campus",),
    "location": ("state", "country", "location", "city", "region"),
    "state_code": ("state code",),
    "district": ("district",),
    "party": ("party",),
    "signed_date": ("signed date", "date signed", "date", "signed on"),
    "signed": ("signed",),
    "email": ("email", "e-mail"),
}
_ALIASES = {alias: key for key, aliases in _COLUMN_ALIASES.items() for alias in aliases}


_COUNT_HEADER = re.compile(r"(?:signatures?|signers?|supporters?|signature count|"
                           r"signatures count|count|total)")


def _normal_header(cell: str) -> str:
    return collapse_ws(cell.replace("_", " ")).lower().rstrip(":")


@dataclass(slots=True)
class Table:
    """A CSV read into rows, with the stated count and the header row once found."""

    rows: list[list[str]]
    reported_count: int | None = None
    header_index: int | None = None
    columns: dict[int, str] = field(default_factory=dict)


def read_rows(text: str) -> list[list[str]]:
    """Rows of the CSV with the delimiter that gives the most consistent column count."""
    sample = text[:20000].split("\n")[:30]
    delimiter = max(_DELIMITERS, key=lambda d: _delimiter_score(sample, d))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise ParseError(f"unreadable CSV: {exc}") from exc
    return [row for row in rows if any(row)]


def _delimiter_score(lines: list[str], delimiter: str) -> float:
    try:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return 0.0
    if not widths or max(widths) < 2:
        return 0.0
    most_common = max(set(widths), key=widths.count)
    return widths.count(most_common) / len(widths) * min(most_common, 10)


def find_count_row(rows: list[list[str]], pattern: str | None) -> tuple[int, int] | None:
    """(row index, count) of a leading 'Number of signatories,N' row, or None."""
    matcher = re.compile(pattern, re.I) if pattern else _COUNT_ROW
    for index, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        label = next((i for i, cell in enumerate(row) if matcher.search(cell)), None)
        if label is None:
            continue
        numbers = [parse_int(cell) for cell in row[label + 1 :] if re.fullmatch(r"[\d,. ]+", cell)]
        inline = re.search(r"(\d[\d,. ]*)\s*$", row[label])
        count = numbers[0] if numbers else parse_int(inline.group(1)) if inline else None
        if count is not None:
            return index, count
    return None


def logged_count(rows: list[list[str]]) -> int | None:
    """The latest count of a count log ("Timestamp,Signatures" then a row per reading)."""
    if len(rows) < 2:
        return None
    column = next((i for i, cell in enumerate(rows[0]) if _COUNT_HEADER.fullmatch(
        _normal_header(cell))), None)
    values = [row[column].strip() for row in rows[1:] if column is not None and len(row) > column]
    if column is None or not values or not all(re.fullmatch(r"\d[\d,. ]*", v) for v in values):
        return None
    return parse_int(values[-1])


def find_header(rows: list[list[str]], start: int, name_column: str | None) -> int | None:
    """Index of the first row naming a name column (or ``name_column``), or None."""
    wanted = _normal_header(name_column) if name_column else None
    for index in range(start, min(len(rows), start + _HEADER_SCAN_ROWS)):
        headers = [_normal_header(cell) for cell in rows[index]]
        if wanted and wanted in headers:
            return index
        keys = {_header_key(h) for h in headers}
        if not wanted and ({"name", "first_name"} & keys):
            return index
    return None


def map_columns(header: Sequence[str], name_column: str | None) -> dict[int, str]:
    """Column index -> canonical key (or the header itself when it has no known meaning)."""
    wanted = _normal_header(name_column) if name_column else None
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        normal = _normal_header(cell)
        if wanted and normal == wanted:
            columns[index] = "name"
        elif not normal or normal.isdigit() or re.fullmatch(r"column \d+|#|no\.?|row", normal):
            continue  # a row-number column
        else:
            key = _header_key(normal) or cell.strip()
            columns[index] = key if key not in columns.values() else cell.strip()
    return _family_name_column(columns)


def _header_key(normal: str) -> str | None:
    """The canonical key of a header; "first name, last name" in one cell is the name."""
    if normal in _ALIASES:
        return _ALIASES[normal]
    parts = {_ALIASES.get(part.strip()) for part in re.split(r"[,/&+]| and ", normal)}
    return "name" if parts == {"first_name", "last_name"} else None


def _family_name_column(columns: dict[int, str]) -> dict[int, str]:
    """A "name" column beside a given-name column and no surname column holds the surname."""
    keys = set(columns.values())
    if {"name", "first_name"} <= keys and "last_name" not in keys:
        return {i: "last_name" if key == "name" else key for i, key in columns.items()}
    return columns


def signer_from_row(row: Sequence[str], columns: Mapping[int, str]) -> Signer | None:
    """One row -> Signer, or None when the row has no name."""
    values = {key: row[i].strip() for i, key in columns.items() if i < len(row) and row[i].strip()}
    name = values.pop("name", "") or " ".join(
        part for part in (values.pop("first_name", ""), values.pop("last_name", "")) if part
    )
    if not name:
        return None
    raw = ", ".join(row[i].strip() for i in sorted(columns) if i < len(row) and row[i].strip())
    affiliation = values.pop("affiliation", None) or values.get("campus")
    role = values.pop("role", None)
    location = values.pop("location", None)
    return Signer(
        raw=collapse_ws(raw),
        name=collapse_ws(name),
        affiliation=affiliation,
        role=role,
        location=location,
        extra=values,
    )


def read_table(body: bytes, options: Mapping[str, Any]) -> Table:
    """Rows, stated count and header of a CSV body."""
    if b"\x00" in body[:4096]:
        raise ParseError("binary data, not a CSV")
    table = Table(rows=read_rows(decode_body(body)))
    count_row = find_count_row(table.rows, options.get("count_row_pattern"))
    start = 0
    if count_row is not None:
        start, table.reported_count = count_row[0] + 1, count_row[1]
    name_column = options.get("name_column")
    table.header_index = find_header(table.rows, start, name_column)
    if table.header_index is not None:
        table.columns = map_columns(table.rows[table.header_index], name_column)
    elif (logged := logged_count(table.rows[start:])) is not None:
        table.reported_count = logged  # a log of counts lists nobody
    elif table.rows[start:]:
        table.header_index = start - 1
        table.columns = _headerless_columns(table.rows[start])
    return table


def _headerless_columns(first_row: Sequence[str]) -> dict[int, str]:
    columns = {i: f"column_{i + 1}" for i in range(len(first_row))}
    name_index = next((i for i, cell in enumerate(first_row) if not cell.isdigit()), 0)
    columns[name_index] = "name"
    return columns


class CsvAdapter:
    """Published spreadsheets of signers."""

    name = "csv"

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float:
        ctype = (content_type or "").lower()
        if "csv" in ctype or "comma-separated" in ctype:
            return 0.8
        if url.lower().split("?")[0].endswith((".csv", ".tsv")):
            return 0.7
        if ctype and "text/plain" not in ctype:
            return 0.0
        head = body[:4096].decode("utf-8", "replace")
        if "<" in head[:200] or head.lstrip().startswith(("{", "[")):
            return 0.0
        lines = [line for line in head.split("\n")[:10] if line.strip()]
        return 0.35 if len(lines) >= 2 and _delimiter_score(lines, ",") >= 2.0 else 0.0

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult:
        table = read_table(body, options)
        first_data = (table.header_index if table.header_index is not None else -1) + 1
        rows = table.rows[first_data:] if table.columns else []
        signers = tuple(s for s in (signer_from_row(r, table.columns) for r in rows) if s)
        if table.reported_count is None and not signers:
            raise NoSignersFound("no signer rows and no stated count in the CSV", url=url)
        return ScrapeResult(
            kind=self.name,
            title=None,
            reported_count=table.reported_count,
            signers=signers,
            has_list=bool(signers),
            meta={"columns": [table.columns[i] for i in sorted(table.columns)]},
        )


CSV = register(CsvAdapter())
