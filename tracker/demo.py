"""``signwatch demo``: real example letters, backfilled from the real snapshots bundled in
tests/fixtures/ at their real times (see tests/fixtures/SOURCES.md). Nothing is invented.

The times are those the sources give: the git commit time of each saved page (a close bound on
when the page looked like that), for the UK petition the petition's own ``updated_at``, and for
the House discharge petition the commit day (its source gives the day only: 00:00 UTC).
Demo letters are paused: their live URLs are not polled unless an editor resumes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from tracker.backfill import Capture, parse_time

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


@dataclass(frozen=True)
class DemoLetter:
    slug: str
    title: str
    url: str
    kind: str
    organizer: str | None
    folder: str
    captures: tuple[tuple[str, str], ...]

    def capture_list(self) -> list[Capture]:
        return [Capture(FIXTURES / self.folder / name, parse_time(at))
                for name, at in self.captures]


DEMO_LETTERS = (
    DemoLetter(
        "rms-open-letter-2021",
        "An open letter to remove Richard M. Stallman from all leadership positions",
        "https://rms-open-letter.github.io/", "markdown", None,
        "rms_open_letter_2021_gitsnapshots",
        (("index.md__0050__8c732e0c21.md", "2021-03-23T14:13:11-07:00"),
         ("index.md__0200__5b2c32bf3d.md", "2021-03-24T10:29:16+00:00"),
         ("index.md__0500__ed6bb9d22a.md", "2021-03-24T13:53:37+00:00"),
         ("index.md__1000__5d6099d3c8.md", "2021-03-24T17:37:19+00:00"),
         ("index.md__1500__985c8e162b.md", "2021-03-24T20:23:51-05:00"),
         ("index.md__2000__6342bb770e.md", "2021-03-25T17:46:48+01:00"),
         ("index.md__2500__24fa4e3c43.md", "2021-03-26T13:16:43+02:00"),
         ("index.md__2827__9cc2b97da2.md", "2021-08-15T17:11:15-07:00")),
    ),
    DemoLetter(
        "mozilla-ai-safety-openness-2023",
        "Joint Statement on AI Safety and Openness",
        "https://open.mozilla.org/letter/", "html", "Mozilla",
        "mozilla_ai_safety_openness_statement_2023_html",
        (("letter_index.html__be2e90aba2.html", "2023-10-31T15:39:55-04:00"),
         ("letter_index.html__bf2643aa0a.html", "2023-11-01T17:08:17-07:00"),
         ("letter_index.html__2c79c63e17.html", "2023-11-02T16:09:59-07:00"),
         ("letter_index.html__afff38aaac.html", "2023-11-06T11:13:20-08:00"),
         ("letter_index.html__66761c2839.html", "2023-11-07T16:01:54-08:00")),
    ),
    DemoLetter(
        "uk-petition-241584-revoke-article-50",
        "UK Parliament petition 241584: Revoke Article 50 and remain in the EU",
        "https://petition.parliament.uk/petitions/241584.json", "uk-parliament", None,
        "uk_petition_241584_evilneuro_gitscrape",
        (("241584-20190313-2214.json", "2019-03-13T23:56:46.733Z"),
         ("241584-20190320-2033.json", "2019-03-20T20:33:35.184Z"),
         ("241584-data_latest__20190323T170209.json", "2019-03-23T17:02:09Z"),
         ("241584-data_latest__20190324T053609.json", "2019-03-24T05:36:09Z"),
         ("241584-data_latest__20190325T190619.json", "2019-03-25T19:06:19Z"),
         ("241584-data_latest__20190328T235103.json", "2019-03-28T23:51:03Z"),
         ("241584-data_latest__20190403T050658.json", "2019-04-03T05:06:58Z"),
         ("241584-data_latest__20190408T113656.json", "2019-04-08T11:36:56Z"),
         ("241584-data_latest__20190413T210620.json", "2019-04-13T21:06:20Z"),
         ("241584-data_latest__20190422T123702.json", "2019-04-22T12:37:02Z")),
    ),
    DemoLetter(
        "uc-socscihum-faculty-letter-2026",
        "UC Social Sciences, Humanities and Professional Schools faculty letter",
        "https://ucstudentsuccess.org/socscihum", "csv", None,
        "uc_faculty_open_letters_2026_csv",
        (("socscihum_table__8c2750ad4f.csv", "2026-06-14T12:35:16-07:00"),
         ("socscihum_table__c5781126b5.csv", "2026-06-16T02:28:48-07:00"),
         ("socscihum_table__6f12d70a82.csv", "2026-06-19T05:21:48-07:00"),
         ("socscihum_table__2bbaaa551a.csv", "2026-06-23T17:51:28-07:00"),
         ("socscihum_table__d5232e31c4.csv", "2026-07-01T12:41:44-07:00"),
         ("socscihum_table__7b18858dd8.csv", "2026-08-19T14:11:30-07:00")),
    ),
    DemoLetter(
        "us-house-discharge-petition-9-2025",
        "U.S. House discharge petition No. 9 (2025): signers as compiled by Epstein-Transparency",
        "https://github.com/markramm/Epstein-Transparency/blob/"
        "c2869bf7b8300391df44accd3dd5d7d6f2b4db04/data/actual-215-signatures.csv",
        "csv", None, "us_house_discharge_petition_9_2025",
        (("actual-215-signatures.csv", "2025-09-10T00:00:00Z"),),
    ),
)


def add_demo_letter(session: Session, demo: DemoLetter, now) -> int | None:
    """Add the demo letter (paused) unless its slug exists; its id, or None if present."""
    from models import queries

    if queries.letter_by_slug(session, demo.slug) is not None:
        return None
    letter = queries.add_letter(session, url=demo.url, title=demo.title, kind=demo.kind,
                                poll_interval_s=3600, now=now, slug=demo.slug,
                                organizer=demo.organizer)
    letter.active = False
    return letter.id
