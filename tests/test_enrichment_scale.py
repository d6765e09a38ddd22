"""Facets and composition for a GENERATED list of signers (synthetic lines, not real people).

The size is ``SIGNWATCH_SCALE_SIGNERS`` (default 3,000 so the suite stays quick); run with
100000 and ``-s`` to see the timings:

    SIGNWATCH_SCALE_SIGNERS=100000 .venv/bin/pytest -s tests/test_enrichment_scale.py
"""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from enrich.facets import facets_for_line
from enrich.lines import parse_signer_line
from enrich.names import name_key
from enrich.roles import load_rules
from models import Facet, Letter, Signature, Snapshot
from models.composition import letter_composition
from models.history import SignerRow, apply_signer_list
from tracker.enrichment import write_signature_facets

SIZE = int(os.environ.get("SIGNWATCH_SCALE_SIGNERS", "3000"))
AT = datetime(2020, 2, 16, 18, 0, tzinfo=UTC)
ROLES = ("former Assistant U.S. Attorney", "Trial Attorney", "Special Agent, FBI",
         "Deputy Assistant Attorney General", "Immigration Judge", "Paralegal",
         "Section Chief", "Senior Counsel")
OFFICES = ("Southern District of New York", "Civil Rights Division", "Tax Division",
           "District of Arizona", "Antitrust Division")
ADMINS = ("", " (Clinton, Bush II)", " (Obama)", " (Bush)", " (Obama, Trump)")


def tail(i: int) -> str:
    """The part after the name: role, office, service years, administrations (varied)."""
    start = 1975 + i % 43
    years = "" if i % 11 == 0 else f", {start}-{start + 1 + i % 13}"
    return f"{ROLES[i % len(ROLES)]}, {OFFICES[i % len(OFFICES)]}{years}{ADMINS[i % 5]}"


def generated_line(i: int) -> str:
    return f"Signer{i:06d} Generated, {tail(i)}"


def expected_counts(size: int) -> Counter:
    """(key, value) facet counts from the pure functions, each distinct tail parsed once."""
    rules, per_tail = load_rules(), Counter(tail(i) for i in range(size))
    counts: Counter = Counter()
    for text, times in per_tail.items():
        facts = facets_for_line(parse_signer_line(f"A B, {text}"), rules, AT.date())
        for key, value in {(f.key, f.value) for f in facts}:
            counts[key, value] += times
    return counts


def tracked(session) -> tuple[int, list[int]]:
    letter = Letter(slug="generated", title="generated", url="http://x/", kind="markdown")
    session.add(letter)
    session.flush()
    snapshot = Snapshot(letter_id=letter.id, observed_at=AT, last_confirmed_at=AT,
                        listed_count=SIZE)
    session.add(snapshot)
    session.flush()
    rows = [SignerRow(name_key=name_key(f"Signer{i:06d} Generated"), occurrence=1,
                      position=i + 1, name=f"Signer{i:06d} Generated", raw=generated_line(i))
            for i in range(SIZE)]
    return letter.id, apply_signer_list(session, letter, snapshot, rows).added


def test_enrichment_scale_generated_signers(session) -> None:
    letter_id, added = tracked(session)
    session.commit()
    started = time.perf_counter()
    written = write_signature_facets(session, added, rules=load_rules(), today=AT.date())
    session.commit()
    facets_s = time.perf_counter() - started
    expected = expected_counts(SIZE)
    assert written == sum(expected.values())
    stored = Counter({(k, v): n for k, v, n in session.execute(
        select(Facet.key, Facet.value, func.count()).group_by(Facet.key, Facet.value))})
    assert stored == expected
    persons = session.scalars(select(Signature.person_id).order_by(Signature.id)).all()
    session.execute(insert(Facet), [
        {"person_id": pid, "key": "media_affiliation", "value": "CNN", "source": "roster"}
        for pid in persons[::100]])
    session.commit()
    timings = {}
    for facet in ("role_category", "administration", "party", "media_affiliation"):
        started = time.perf_counter()
        found = letter_composition(session, letter_id, facet)
        timings[facet] = time.perf_counter() - started
        values = {v: n for (k, v), n in expected.items() if k == facet}
        if facet == "media_affiliation":
            values = {"CNN": len(persons[::100])}
        assert (found.total, found.counts) == (SIZE, values)
    print(f"\n{SIZE:,} generated signers: {written:,} facets written in {facets_s:.2f} s; "
          + ", ".join(f"composition {k} {v * 1000:.0f} ms" for k, v in timings.items()))
