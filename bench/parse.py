"""Benchmark: a whole Signwatch parse of a 10,000-signer page against a bare lxml pass.

The page is GENERATED here (synthetic names and affiliations, no real people): an open letter
with surrounding text, a headline count and an <ol> of <li><cite>Name</cite>, Affiliation</li>.
Prints best-of-N times for (a) bare ``lxml.html.fromstring`` + ``//li`` text extraction,
(b) ``parse_page(kind="auto")``, (c) the html adapter with a CSS selector, and their ratios
against (a). Goal: (b) and (c) within 2.0x.

    .venv/bin/python bench/parse.py [--signers 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable

import lxml.html

from scrapers.detect import parse_page

FIRST = (
    "Ada Alan Grace Linus Margaret Dennis Barbara Ken Frances Edsger Radia Tim Hedy Claude"
).split()
LAST = (
    "Lovelace Turing Hopper Torvalds Hamilton Ritchie Liskov Thompson Allen Dijkstra Perlman "
    "Berners-Lee Lamarr Shannon Nakamura Okafor Rossi Novak Haddad Lindqvist"
).split()
PLACES = (
    "Professor of Computer Science, Department of Computer Science, University of Example",
    "Senior Research Fellow, Institute for Imaginary Studies, Faculty of Generated Data",
    "Board Member and Maintainer, Open Source Foundation of Nowhere, Working Group on Policy",
    "Independent researcher, educator and former public servant, Springfield Community Lab",
    "Principal Investigator, Synthetic Data Laboratory, School of Engineering and Design",
)
GOAL_RATIO = 2.0


def generated_page(signers: int, seed: int = 7) -> bytes:
    """A synthetic open-letter page with ``signers`` list items (generated, not real)."""
    rng = random.Random(seed)
    items = "\n".join(
        f"      <li><cite>{rng.choice(FIRST)} {rng.choice(LAST)} {i}</cite>, "
        f"{rng.choice(PLACES)}</li>"
        for i in range(signers)
    )
    letter = "\n".join(
        f"  <p>Paragraph {n} of the generated letter text. We call on everyone concerned to "
        "act in the public interest, openly and accountably.</p>"
        for n in range(12)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Generated letter</title>"
        f"</head><body><h1>Generated letter</h1>\n{letter}\n"
        "  <ul><li>First demand of the letter, stated as a full sentence.</li>"
        "<li>Second demand of the letter, stated as a full sentence.</li></ul>\n"
        f"  <p class='count'><strong>{signers:,}</strong> signatures</p>\n"
        f"  <ol class='signatures'>\n{items}\n  </ol>\n</body></html>"
    ).encode()


def bare_lxml(body: bytes) -> int:
    root = lxml.html.fromstring(body)
    return len([li.text_content() for li in root.xpath("//li")])


def signwatch_auto(body: bytes) -> int:
    return parse_page(body, "https://example.org/letter", "text/html").listed_count


def signwatch_selector(body: bytes) -> int:
    options = {"selector": "ol.signatures > li", "count_selector": "p.count"}
    result = parse_page(body, "https://example.org/letter", "text/html", "html", options)
    return result.listed_count


def best_of(run: Callable[[bytes], int], body: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()  # the same clean heap for every contender
        start = time.perf_counter()
        run(body)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    body = generated_page(args.signers)
    print(f"generated page: {args.signers:,} synthetic signers, {len(body) / 1e6:.2f} MB")
    print(f"listed: auto={signwatch_auto(body):,} selector={signwatch_selector(body):,}")
    baseline = best_of(bare_lxml, body, args.repeat)
    print(f"(a) bare lxml fromstring + //li text  {baseline * 1000:7.1f} ms  1.00x")
    for label, run in (("(b) parse_page(kind=auto)", signwatch_auto),
                       ("(c) html adapter, selector", signwatch_selector)):
        took = best_of(run, body, args.repeat)
        ratio = took / baseline
        verdict = "ok" if ratio <= GOAL_RATIO else "OVER GOAL"
        print(f"{label:37} {took * 1000:7.1f} ms  {ratio:.2f}x  ({verdict}, goal <= {GOAL_RATIO})")
    print(f"best of {args.repeat} runs each")


if __name__ == "__main__":
    main()
