"""Accuracy suite (issue #14): real letter pages read with no selector against counts taken by hand.

``.venv/bin/python -m tests.test_accuracy`` prints the score per kind and every miss.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from scrapers.base import ScrapeResult
from scrapers.detect import parse_page
from scrapers.errors import ParseError

ACCURACY = Path(__file__).parent / "fixtures" / "accuracy"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".yml": "application/yaml",
    ".yaml": "application/yaml",
}
_OUTCOMES: dict[str, list[tuple[str, bool]]] = defaultdict(list)


def load_cases() -> list[dict[str, Any]]:
    """The cases of expected.json."""
    return json.loads((ACCURACY / "expected.json").read_text(encoding="utf-8"))["cases"]


def read_case(case: dict[str, Any]) -> ScrapeResult | ParseError:
    """The auto-detected parse of a case's page, or the error that stopped it."""
    path = ACCURACY / case["path"]
    # The page's own file name (signatories.yml), as a user's URL would end.
    url = f"https://letters.example.org/{case.get('source_path', path.name)}"
    try:
        return parse_page(path.read_bytes(), url, CONTENT_TYPES.get(path.suffix), kind="auto")
    except ParseError as error:
        return error


def misses(case: dict[str, Any], result: ScrapeResult | ParseError) -> list[str]:
    """What the parse got wrong for a case, as 'field: got X, expected Y' lines."""
    if isinstance(result, ParseError):
        if case["listed"] == 0 and case.get("reported") is None:
            return []
        return [f"error: {type(result).__name__}: {result}"]
    found = [
        f"{field}: got {got!r}, expected {want!r}"
        for field, got, want in (
            ("listed", result.listed_count, case["listed"]),
            ("reported", result.reported_count, case.get("reported")),
            ("at_least", result.reported_count_at_least, case.get("reported_at_least", False)),
        )
        if got != want
    ]
    names = {signer.name for signer in result.signers}
    found += [f"name missing: {name!r}" for name in case.get("names", []) if name not in names]
    return found


def score_lines() -> list[str]:
    """One 'kind: exact/total' line per kind and per batch, then each miss with got/expected."""
    lines, missed = [], []
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_batch: dict[str, list[bool]] = defaultdict(list)
    for case in load_cases():
        wrong = misses(case, read_case(case))
        by_kind[case["kind"]].append(not wrong)
        by_batch[case.get("batch", "tuned")].append(not wrong)
        missed += [f"MISS {case['path']} [{case['kind']}]: {'; '.join(wrong)}"] if wrong else []
    for kind in sorted(by_kind):
        lines.append(f"{kind}: {sum(by_kind[kind])}/{len(by_kind[kind])}")
    total = [ok for oks in by_kind.values() for ok in oks]
    lines.append(f"all: {sum(total)}/{len(total)}")
    lines += [f"batch {name}: {sum(oks)}/{len(oks)}" for name, oks in sorted(by_batch.items())]
    return lines + missed


@pytest.fixture(scope="module")
def accuracy_report(request: pytest.FixtureRequest):
    """Prints the score per kind once the module's cases have run."""
    yield _OUTCOMES
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print("\naccuracy (exact/total):")
        for kind in sorted(_OUTCOMES):
            oks = [ok for _, ok in _OUTCOMES[kind]]
            print(f"  {kind}: {sum(oks)}/{len(oks)}")


def _as_param(case: dict[str, Any]) -> Any:
    """A case; one the parsers are known to miss runs as a strict xfail naming why."""
    marks = [pytest.mark.xfail(reason=case["known_miss"], strict=True)] if case.get(
        "known_miss") else []
    return pytest.param(case, id=case["path"], marks=marks)


@pytest.mark.parametrize("case", [_as_param(case) for case in load_cases()])
def test_accuracy_page_reads_as_counted(case: dict[str, Any], accuracy_report) -> None:
    wrong = misses(case, read_case(case))
    accuracy_report[case["kind"]].append((case["path"], not wrong))
    assert not wrong, "; ".join(wrong)


if __name__ == "__main__":
    print("\n".join(score_lines()))
