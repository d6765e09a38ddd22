"""Overlap between letters (models/overlap.py) against a bare person join, on SQLite.

    PYTHONPATH=. .venv/bin/python bench/overlap.py [--signers 100000] [--matrix 20]
                                                   [--matrix-signers 10000] [--repeat 5]

Generates (synthetic data, no real people: ``bench/synthetic.py`` names) in a temporary
SQLite database: two letters of N signers each sharing half of them, and M letters of K
signers drawn from one pool of people (so every pair shares some). One person in fifty is
printed "Last, First" on one letter and "First Last" on another (two person rows joined by
their match key), and one key in a hundred has two people whose middle initials disagree.
``--links`` roster entries each match (auto and confirmed) one person only on the first big
letter and one only on the second: people joined by roster links, counted as one.

Times, best of ``--repeat`` (the machine is shared; the range is shown):

(a) baseline: ``SELECT count(*)`` of the bare self-join of the two letters' signatures on
    person_id (no identities, no merges, no keys: the least SQL that answers "how many in
    both" in this database);
(b) pair: ``overlap.overlap`` of the two letters (counts per letter and shared);
(c) matrix: ``overlap.overlap`` of the M letters (every pair);
(d) shared page: the first 100 shared people of the pair with their signatures.

Prints each and its ratio to (a); goals: (b) <= 300 ms, (c) <= 1 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generated_name  # noqa: E402

GOAL_PAIR_MS = 300
GOAL_MATRIX_MS = 1000
AT = datetime(2020, 2, 17, tzinfo=UTC)


def printed(person: int, letter: int) -> str:
    """The person's name as printed on a letter: "Last, First" on odd letters for 1 in 50."""
    name = generated_name(person)
    if person % 50 == 0 and letter % 2:
        first, last = name.split()
        return f"{last}, {first}"
    return name


def generate(session: Any, signers: int, matrix: int, matrix_signers: int) -> list[int]:
    """The two big letters (ids 1 and 2) and the matrix letters; their ids."""
    from models.queries import add_letter

    letters = [add_letter(session, url=f"https://example.org/{n}", title=f"Letter {n}",
                          kind="auto", poll_interval_s=900, now=AT).id
               for n in range(2 + matrix)]
    _sign(session, letters[0], range(signers))
    _sign(session, letters[1], range(signers // 2, signers + signers // 2))
    pool = 3 * matrix_signers
    for n, letter_id in enumerate(letters[2:]):
        start = n * matrix_signers // 4
        _sign(session, letter_id, [(start + i) % pool + 10 * signers
                                   for i in range(matrix_signers)])
    _disagree(session, signers)
    return letters


def _sign(session: Any, letter_id: int, people: Any) -> None:
    from enrich.names import name_key
    from models.bulk import insert_tuples
    from models.history import link_persons, signer_row
    from models.signers import Signature

    rows = []
    for position, person in enumerate(people, start=1):
        name = printed(person, letter_id)
        rows.append(signer_row(name_key(name), 1, position, _Printed(name)))
    persons = link_persons(session, rows)
    insert_tuples(session, Signature.__table__, ("person_id", *rows[0]._fields),
                  [(persons[row.name_key], *row) for row in rows],
                  {"letter_id": letter_id, "first_seen_at": AT, "last_seen_at": AT})


class _Printed:
    def __init__(self, name: str) -> None:
        self.name = self.raw = name
        self.affiliation = self.role = self.location = self.extra = None


def _disagree(session: Any, signers: int) -> None:
    """One key in a hundred of the first letter gets a second person, other initials."""
    from sqlalchemy import insert, literal, select, update

    from models.signers import Person

    picked = (Person.id % 100 == 7) & (Person.id <= signers)
    session.execute(insert(Person).from_select(
        ["name_key", "display_name", "match_key", "middle_initials", "created_at"],
        select(Person.name_key + " r", Person.display_name, Person.match_key, literal("r"),
               Person.created_at).where(picked)))
    session.execute(update(Person).where(picked).values(middle_initials="q"))


def link_people(session: Any, signers: int, links: int) -> None:
    """Roster entries matching person n (first letter only) and N + n (second only)."""
    from models.rosters import Roster, RosterEntry, RosterMatch

    roster = Roster(name="bench", imported_at=AT, columns=["name"])
    roster.entries = [RosterEntry(line_no=n + 2, name=f"Linked {n}", name_key=f"linked {n}",
                                  attributes={}) for n in range(links)]
    session.add(roster)
    session.flush()
    session.add_all([RosterMatch(roster_entry_id=entry.id, person_id=person, score=90.0,
                                 status=status)
                     for n, entry in enumerate(roster.entries)
                     for person, status in ((n + 1, "auto"),
                                            (n + 1 + signers, "confirmed"))])


def best(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best, worst) wall time in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signers", type=int, default=100_000)
    parser.add_argument("--matrix", type=int, default=20)
    parser.add_argument("--matrix-signers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--links", type=int, default=500)
    args = parser.parse_args()

    from sqlalchemy import select, text
    from sqlalchemy.orm import Session

    from models import Base
    from models.db import make_engine
    from models.letters import Letter
    from models.overlap import overlap, shared_people

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        Base.metadata.create_all(engine)
        start = time.perf_counter()
        with Session(engine) as session, session.begin():
            ids = generate(session, args.signers, args.matrix, args.matrix_signers)
            link_people(session, args.signers, args.links)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        print(f"generated {len(ids)} letters in {time.perf_counter() - start:.1f} s "
              f"(2 x {args.signers:,} and {args.matrix} x {args.matrix_signers:,} signers, "
              f"{args.links} roster links)")
        with Session(engine) as session:
            letters = {letter.id: letter for letter in session.scalars(select(Letter))}
            pair = [letters[ids[0]], letters[ids[1]]]
            grid = [letters[i] for i in ids[2:]]
            bare = text("SELECT count(*) FROM signature a JOIN signature b "
                        "ON a.person_id = b.person_id WHERE a.letter_id = :a "
                        "AND b.letter_id = :b")
            runs = {
                "(a) baseline: bare person join": lambda: session.execute(
                    bare, {"a": ids[0], "b": ids[1]}).scalar(),
                "(b) pair overlap": lambda: overlap(session, pair),
                f"(c) {args.matrix}-letter matrix": lambda: overlap(session, grid),
                "(d) shared people, page 1": lambda: shared_people(
                    session, ids[0], ids[1], None, 1, 100),
            }
            result = overlap(session, pair).pair(ids[0], ids[1])
            print(f"pair: {result.a_count:,} and {result.b_count:,} signers, "
                  f"{result.shared:,} shared")
            report(runs, args.repeat)
        engine.dispose()


def report(runs: dict[str, Callable[[], Any]], repeat: int) -> None:
    timings = {name: best(run, repeat) for name, run in runs.items()}
    baseline = next(iter(timings.values()))[0]
    goals = {"(b)": GOAL_PAIR_MS, "(c)": GOAL_MATRIX_MS}
    for name, (fastest, slowest) in timings.items():
        goal = goals.get(name[:3])
        verdict = "" if goal is None else (
            f"  goal <= {goal} ms: {'met' if fastest <= goal else 'MISSED'}")
        print(f"{name:36} {fastest:8.1f} ms (..{slowest:.1f}) "
              f"{fastest / baseline:6.2f}x{verdict}")


if __name__ == "__main__":
    main()
