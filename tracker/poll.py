"""One poll of one letter: fetch -> parse -> guard -> record, in one transaction.

``Poller.poll`` is the only place that joins the fetcher, the adapters, the guard and the
store. Scrape failures (the exception tree of scrapers/errors.py) are caught here, once, and
become typed outcomes in the poll log and the letter's state: never a silent zero.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from enrich.names import name_key
from enrich.roles import RoleRules
from models import history, pollstate
from models.base import utcnow
from models.bulk import chunks
from models.letters import TRUSTED, Letter, Snapshot, SnapshotPage
from models.queries import newest_snapshot
from models.rosters import Roster
from models.signers import Signature
from scrapers.base import ScrapeResult
from scrapers.detect import parse_page
from scrapers.errors import NoSignersFound, RateLimited, RenderUnavailable, SignwatchScrapeError
from scrapers.fetch import Fetcher
from scrapers.render import Renderer, scrape_rendered
from scrapers.scrape import ParsePage, Scraped, scrape
from tracker import alerts
from tracker.groupcommit import GroupCommit
from tracker.guard import Counts, GuardSettings, persisted, replaced_list, suspicion

if TYPE_CHECKING:
    from tracker.parsepool import KnownFacets, ParsePool

MAX_BACKOFF = timedelta(hours=24)
PRELOAD_MAX_AGE_S = 60.0  # a letter's URL or kind edited since is read at its next poll


@dataclass(frozen=True)
class PollSettings:
    guard: GuardSettings = field(default_factory=GuardSettings)
    poll_log_keep: int = 500
    max_pages: int = 20
    jitter: float = 0.1
    rules: RoleRules | None = None  # None: new signers get no facets (tests of the core)


@dataclass(frozen=True)
class PollResult:
    """What one poll did, for the command line and the scheduler."""

    slug: str
    outcome: str
    reported_count: int | None = None
    listed_count: int | None = None
    delta: int | None = None
    snapshot_id: int | None = None
    http_status: int | None = None
    error: str | None = None
    added: int = 0
    removed: int = 0

    def line(self) -> str:
        """One line for a terminal: slug, count, change, outcome."""
        count = "-" if self.reported_count is None else f"{self.reported_count:,}"
        listed = "-" if self.listed_count is None else f"{self.listed_count:,}"
        change = "" if not self.delta else f" ({self.delta:+,})"
        detail = f": {self.error}" if self.error else ""
        return f"{self.slug}: {count} stated, {listed} listed{change} [{self.outcome}]{detail}"


@dataclass(frozen=True)
class Page:
    """A parsed page with where it came from, ready to be recorded."""

    body: bytes
    url: str
    content_type: str | None
    sha256: str
    result: ScrapeResult | None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    empty_reason: str | None = None
    more: tuple[PageCopy, ...] = ()  # pages 2, 3, ... of a paginated list
    capture_url: str | None = None  # read from this Wayback capture of ``url``
    partial: bool = False  # a later page of the list could not be had
    known_facets: KnownFacets | None = None  # the list's facets, read beside the parse

    @property
    def pages(self) -> int:
        return 1 + len(self.more)


@dataclass(frozen=True)
class PageCopy:
    """The bytes of one more page of a list, to archive beside the first."""

    url: str
    body: bytes
    content_type: str | None
    sha256: str
    capture_url: str | None = None


class Poller:
    """Polls letters with one fetcher; safe to share between threads."""

    def __init__(self, sessions: sessionmaker[Session], fetcher: Fetcher,
                 settings: PollSettings | None = None, *,
                 clock: Callable[[], datetime] = utcnow, rng: random.Random | None = None,
                 renderer: Renderer | None = None):
        self.sessions = sessions
        self.renderer = renderer  # letters with options["render"]; None: render_unavailable
        self.engine: Engine = sessions.kw["bind"]
        self.fetcher = fetcher
        self.settings = settings or PollSettings()
        self.clock = clock
        self.rng = rng or random.Random()
        # SQLite takes one writer at a time, and a writer that finds it busy sleeps in the
        # busy handler (a millisecond and more) before trying again: this process's polls
        # queue for it on a lock instead, which hands it on the moment it is free.
        sqlite = self.engine.dialect.name == "sqlite"
        self._writing = threading.Lock() if sqlite else contextlib.nullcontext()
        self._unchanged: GroupCommit[pollstate.Unchanged, pollstate.Latest | None] = GroupCommit(
            self.engine, self._write_unchanged, self._writing if sqlite else None)
        self._preloaded: dict[int, tuple[pollstate.PollState, float]] = {}

    def poll(self, letter_id: int, *, pool: ParsePool | None = None) -> PollResult:
        """Fetch, parse, guard and record one letter; failures become a logged outcome.

        With ``pool``, the pages are parsed in its worker processes, and a list read in full
        has its signers' facets read there too."""
        state = self._state(letter_id)
        started, timer = self.clock(), time.monotonic()
        reader = pool.reader(_facets_day(state, started)) if pool is not None else None
        try:
            scraped = self._scrape(state, reader or parse_page)
        except SignwatchScrapeError as exc:
            return self._record_failure(state, exc, started, _ms_since(timer))
        if scraped.result is None:
            return self._record_unchanged(state, scraped, started, _ms_since(timer))
        page = page_from_scrape(scraped)
        if reader is not None:
            page = replace(page, known_facets=reader.known_facets(page.result))
        return self.record(state.id, page, observed_at=started, duration_ms=_ms_since(timer))

    def _scrape(self, state: pollstate.PollState, parse: ParsePage) -> Scraped:
        if not (state.options or {}).get("render"):
            return scrape(self.fetcher, state.url, kind=state.kind, options=state.options,
                          etag=state.etag, last_modified=state.last_modified,
                          last_sha256=state.content_sha256, max_pages=self.settings.max_pages,
                          parse=parse)
        if self.renderer is None:
            raise RenderUnavailable("this poller has no browser", url=state.url)
        # A script's data may change under an unchanged page: rendered, never conditional.
        return scrape_rendered(self.renderer, self.fetcher, state.url, kind=state.kind,
                               options=state.options, last_sha256=state.content_sha256)

    def preload(self, letter_ids: Sequence[int]) -> None:
        """Read the fetch state of letters about to be polled in one query (a scheduler tick).

        Each poll takes its letter's state from here if it was read in the last
        PRELOAD_MAX_AGE_S seconds, instead of a query of its own."""
        with self.engine.connect() as connection:
            rows = pollstate.poll_states(connection, letter_ids)
        loaded = time.monotonic()
        self._preloaded.update((row.id, (row, loaded)) for row in rows)

    def _state(self, letter_id: int) -> pollstate.PollState:
        found = self._preloaded.pop(letter_id, None)
        if found is not None and time.monotonic() - found[1] <= PRELOAD_MAX_AGE_S:
            row = found[0]
        else:
            with self.engine.connect() as connection:
                row = pollstate.poll_state(connection, letter_id)
        if row.pending_suspect:
            # A suspect change is confirmed by re-reading the page, not by a 304.
            return row._replace(etag=None, last_modified=None, content_sha256=None)
        return row

    def record(self, letter_id: int, page: Page, *, observed_at: datetime,
               duration_ms: int = 0) -> PollResult:
        """Store one parsed page fetched live at ``observed_at``, in one transaction."""
        with self._writing, self.sessions() as session, session.begin():
            letter = _locked_letter(session, letter_id)
            recorder = _Recorder(session, letter, page, observed_at, self.settings)
            result = recorder.run()
            if page.more and result.snapshot_id is not None:
                _archive_more_pages(session, result.snapshot_id, page, observed_at)
            if result.snapshot_id is not None and result.outcome != "unchanged":
                alerts.after_snapshot(session, result.snapshot_id, now=observed_at,
                                      window=timedelta(hours=self.settings.guard.persist_hours))
            if result.snapshot_id is None:
                self._note_failure(letter, NoSignersFound(result.error or "nothing found"),
                                   observed_at)
            else:
                self._after_success(letter, page, observed_at)
            history.write_poll_log(session, letter_id=letter.id, started_at=observed_at,
                                   duration_ms=duration_ms, outcome=result.outcome,
                                   http_status=page.http_status, error=result.error,
                                   snapshot_id=result.snapshot_id,
                                   keep=self.settings.poll_log_keep)
            return result

    def record_archived(self, letter_id: int, page: Page, *, observed_at: datetime) -> PollResult:
        """Store a saved copy of the page as seen at ``observed_at`` (backfill).

        The letter's live fetch state (validators, due time, failures) is left alone."""
        with self._writing, self.sessions() as session, session.begin():
            letter = _locked_letter(session, letter_id)
            newest = newest_snapshot(session, letter.id, statuses=(TRUSTED, "suspect"))
            if newest is not None and observed_at <= newest.observed_at:
                raise ValueError(f"{observed_at.isoformat()} is not after the letter's newest "
                                 f"snapshot ({newest.observed_at.isoformat()})")
            return self.record_archived_in(session, letter, page, observed_at=observed_at)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in a transaction of its own, taken in turn with this process's polls."""
        with self._writing, self.sessions() as session, session.begin():
            yield session

    def record_archived_in(self, session: Session, letter: Letter, page: Page, *,
                           observed_at: datetime) -> PollResult:
        """Record a saved copy inside the caller's transaction, in any time order (a rebuild
        of the letter's history replays it oldest first)."""
        result = _Recorder(session, letter, page, observed_at, self.settings).run()
        if page.more and result.snapshot_id is not None:
            _archive_more_pages(session, result.snapshot_id, page, observed_at)
        if page.result is not None and result.snapshot_id is not None:
            _learn_from_page(letter, page.result)
        return result

    def _record_unchanged(self, state: pollstate.PollState, scraped: Scraped, started: datetime,
                          duration_ms: int) -> PollResult:
        status = scraped.fetch.status_code
        next_due_at = self.clock() + self._interval(state.poll_interval_s)

        # Plain rows in Core: this is most polls, and the ORM's unit of work doubled its cost.
        # Written together with other threads' unchanged polls (tracker/groupcommit.py).
        latest = self._unchanged.run(pollstate.Unchanged(
            state.id, started, next_due_at, scraped.fetch.etag, scraped.fetch.last_modified,
            duration_ms, status))
        if latest is None:
            return PollResult(state.slug, "unchanged", http_status=status)
        return PollResult(state.slug, "unchanged", latest.reported_count, latest.listed_count,
                          delta=0, snapshot_id=latest.id)

    def _write_unchanged(self, connection: Connection, polls: Sequence[pollstate.Unchanged]
                         ) -> list[pollstate.Latest | None]:
        return pollstate.record_unchanged_many(connection, polls, self.settings.poll_log_keep)

    def _record_failure(self, state: pollstate.PollState, exc: SignwatchScrapeError,
                        started: datetime, duration_ms: int) -> PollResult:
        status = getattr(exc, "status_code", None)
        with self._writing, self.sessions() as session, session.begin():
            letter = _locked_letter(session, state.id)
            alerts.after_failure(session, letter, exc.outcome, str(exc), at=started)
            self._note_failure(letter, exc, started)
            history.write_poll_log(session, letter_id=letter.id, started_at=started,
                                   duration_ms=duration_ms, outcome=exc.outcome,
                                   http_status=status, error=str(exc),
                                   keep=self.settings.poll_log_keep)
        return PollResult(state.slug, exc.outcome, http_status=status, error=str(exc))

    def _note_failure(self, letter: Letter, exc: SignwatchScrapeError, at: datetime) -> None:
        letter.consecutive_failures += 1
        letter.last_outcome, letter.last_error = exc.outcome, str(exc)[:4000]
        letter.last_http_status = getattr(exc, "status_code", None)
        letter.last_polled_at = max(at, letter.last_polled_at or at)
        letter.next_due_at = self.clock() + self._backoff(letter, exc)

    def _after_success(self, letter: Letter, page: Page | None, at: datetime) -> None:
        letter.consecutive_failures = 0
        letter.last_error = None
        letter.last_polled_at = max(at, letter.last_polled_at or at)
        letter.next_due_at = self.clock() + self._interval(letter.poll_interval_s)
        if page is None:
            letter.last_outcome = "ok"
            return
        letter.last_outcome = "ok"
        letter.last_http_status = page.http_status
        letter.etag, letter.last_modified = page.etag, page.last_modified
        letter.content_sha256 = page.sha256
        if page.pages > 1:
            # The first page's validators say nothing of the others: read them all each time.
            letter.etag = letter.last_modified = letter.content_sha256 = None
        if page.result is not None:
            _learn_from_page(letter, page.result)

    def _interval(self, poll_interval_s: int) -> timedelta:
        spread = 1 + self.rng.uniform(-self.settings.jitter, self.settings.jitter)
        return timedelta(seconds=poll_interval_s * spread)

    def _backoff(self, letter: Letter, exc: SignwatchScrapeError) -> timedelta:
        """Exponential backoff with jitter after failures, at least any Retry-After."""
        wait = failure_backoff(letter.poll_interval_s, letter.consecutive_failures)
        wait *= self.rng.uniform(0.75, 1.0)
        if isinstance(exc, RateLimited) and exc.retry_after:
            wait = max(wait, timedelta(seconds=exc.retry_after))
        return wait


def failure_backoff(interval_s: int, failures: int) -> timedelta:
    """The wait after ``failures`` failures in a row: the interval doubled for each after the
    first, capped at MAX_BACKOFF (the interval itself after none)."""
    if failures <= 0:
        return timedelta(seconds=interval_s)
    return min(timedelta(seconds=interval_s * 2 ** min(failures - 1, 10)), MAX_BACKOFF)


def _facets_day(state: pollstate.PollState, started: datetime) -> date | None:
    """The day to read the page's facets as of, beside its parse, or None not to.

    A letter with no content hash (never read, or read again in full) may be about to
    store every signer of the page; one with a hash adds a few, read after the diff."""
    return started.date() if state.content_sha256 is None else None


def page_from_scrape(scraped: Scraped) -> Page:
    fetch = scraped.fetch
    sha = fetch.sha256 or hashlib.sha256(fetch.body).hexdigest()
    return Page(body=fetch.body, url=fetch.final_url, content_type=fetch.content_type,
                sha256=sha, result=scraped.result, http_status=fetch.status_code,
                etag=fetch.etag, last_modified=fetch.last_modified,
                empty_reason=scraped.empty_reason,
                more=tuple(PageCopy(more.final_url, more.body, more.content_type,
                                    more.sha256 or hashlib.sha256(more.body).hexdigest())
                           for more in scraped.more))


def _archive_more_pages(session: Session, snapshot_id: int, page: Page,
                        at: datetime) -> None:
    """Archive pages 2, 3, ... for a snapshot read from this very first page, once."""
    snapshot = session.get_one(Snapshot, snapshot_id)
    if snapshot.archive_sha256 != page.sha256 or snapshot.more_pages:
        return
    for number, copy in enumerate(page.more, start=2):
        history.store_archive(session, sha256=copy.sha256, body=copy.body, url=copy.url,
                              content_type=copy.content_type, now=at)
        snapshot.more_pages.append(SnapshotPage(page_no=number, archive_sha256=copy.sha256,
                                                url=copy.url, capture_url=copy.capture_url))


def _learn_from_page(letter: Letter, result: ScrapeResult) -> None:
    letter.detected_kind = result.kind
    if result.fingerprint:
        letter.fingerprint = result.fingerprint
    if result.title and letter.title == letter.url:
        letter.title = result.title[:500]


def confirm_suspect(session: Session, snapshot: Snapshot, rules: RoleRules | None, *,
                    alert: bool = True) -> None:
    """An editor confirmed a suspect snapshot: apply the list its archived pages show.

    The list is read again from the archived bytes of every page; the caller's transaction
    holds the status change and the list together, and the alerts it causes (none when a
    rebuilt history re-applies an editor's old decision: ``alert=False``)."""
    _apply_confirmed_list(session, snapshot, rules)
    if alert:
        alerts.after_snapshot(session, snapshot.id, now=utcnow())


def _apply_confirmed_list(session: Session, snapshot: Snapshot, rules: RoleRules | None) -> None:
    from scrapers.errors import ParseError

    letter = session.get_one(Letter, snapshot.letter_id)
    if snapshot.listed_count is None or snapshot.archive is None:
        return
    try:
        rows = signer_rows(parse_archived(snapshot, letter))
    except ParseError:
        rows = []  # the page showed nothing: confirming it means the list is now empty
    diff = history.apply_signer_list(session, letter, snapshot, rows)
    _replaced(snapshot, diff, "confirmed")
    if diff.added and rules is not None:
        enrich_new_signers(session, diff.added, rules, snapshot.observed_at)


def parse_archived(snapshot: Snapshot, letter: Letter) -> ScrapeResult:
    """What the snapshot's archived pages show, page 1 then 2, 3, ... as when it was read."""
    options = letter.options or {}
    first = snapshot.archive
    assert first is not None
    result = parse_page(history.archived_body(first), snapshot.source_url or letter.url,
                        first.content_type, letter.kind, options)
    signers = list(result.signers)
    for more in snapshot.more_pages:
        signers += parse_page(history.archived_body(more.archive), more.url,
                              more.archive.content_type, result.kind, options).signers
    return replace(result, signers=tuple(signers), next_page_url=None)


def stored_breakdowns(result: ScrapeResult) -> dict[str, dict[str, int]]:
    """The result's breakdowns as a snapshot stores them."""
    return {key: dict(values) for key, values in result.breakdowns.items()}


def _locked_letter(session: Session, letter_id: int) -> Letter:
    # FOR UPDATE serialises two pollers of one letter on PostgreSQL (SQLite locks the file).
    return session.scalars(select(Letter).where(Letter.id == letter_id).with_for_update()).one()


def _ms_since(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def signer_rows(result: ScrapeResult) -> list[history.SignerRow]:
    """The parsed list keyed for matching: name key plus occurrence where names repeat."""
    rows, seen = [], {}
    for position, signer in enumerate(result.signers, start=1):
        key = _key_for(signer.name, signer.raw)
        occurrence = seen[key] = seen.get(key, 0) + 1
        rows.append(history.signer_row(key, occurrence, position, signer))
    return rows


REMEMBERED_NAME_CHARS = 200


def _key_for(name: str, raw: str) -> str:
    key = (_name_key(name) if len(name) <= REMEMBERED_NAME_CHARS else name_key(name)
           ) or name_key(raw)
    return key[:300] if key else "#" + hashlib.sha256(raw.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    # Remembered (short names only, so the memo stays small): a changed poll keys every
    # signer of the page again, nearly all as before.
    return name_key(name)


def list_digest(rows: Sequence[history.SignerRow]) -> str:
    """A hash of the ordered list of signer keys: any addition, removal or move changes it."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.name_key}\x1f{row.occurrence}\n".encode())
    return digest.hexdigest()


def counts_of(snapshot: Snapshot) -> Counts:
    return Counts(snapshot.reported_count, snapshot.listed_count, snapshot.list_sha256,
                  bool(snapshot.reported_count_at_least))


def enrich_new_signers(session: Session, signature_ids: list[int], rules: RoleRules,
                       at: datetime, *, diff: history.SignerDiff | None = None,
                       known: KnownFacets | None = None) -> None:
    """Facets for new signatures, and roster matches for the people they brought.

    Given the ``diff`` that added them (``diff.added == signature_ids``), their rows and
    people come from it instead of being read back; ``known`` facets of the page's rows
    (tracker/parsepool.py) are stored as they are when read as of ``at``'s day."""
    from tracker.enrichment import write_new_signature_facets, write_signature_facets
    from tracker.rosters import match_new_persons

    if diff is None:
        write_signature_facets(session, signature_ids, rules=rules, today=at.date())
    else:
        cuts = known.cuts if known is not None and known.day == at.date() else None
        write_new_signature_facets(session, zip(signature_ids, diff.added_rows, strict=True),
                                   rules=rules, today=at.date(), known=cuts)
    if session.scalar(select(Roster.id).limit(1)) is None:
        return
    person_ids = set(diff.added_person_ids if diff is not None
                     else _person_ids(session, signature_ids))
    match_new_persons(session, sorted(pid for pid in person_ids if pid is not None))


def _person_ids(session: Session, signature_ids: list[int]) -> set[int | None]:
    person_ids: set[int | None] = set()
    for chunk in chunks(signature_ids):
        person_ids.update(session.scalars(select(Signature.person_id).where(
            Signature.id.in_(chunk))))
    return person_ids


def _replaced(snapshot: Snapshot, diff: history.SignerDiff | None, outcome: str) -> str:
    """Mark a snapshot whose list replaced the one before; its outcome says so too."""
    if diff is None:
        return outcome
    previous = diff.kept + len(diff.removed)
    current = diff.kept + len(diff.added) + len(diff.returned)
    if not replaced_list(diff.kept, previous, current):
        return outcome
    snapshot.list_replaced = True
    return "replaced"


class _Recorder:
    """Guard and store one page for one letter inside the caller's transaction."""

    def __init__(self, session: Session, letter: Letter, page: Page, at: datetime,
                 settings: PollSettings):
        self.session, self.letter, self.page, self.at = session, letter, page, at
        self.settings = settings
        result = page.result
        self.rows = signer_rows(result) if result is not None else []
        has_list = result is not None and result.has_list
        self.counts = Counts(
            result.reported_count if result else None,
            len(self.rows) if has_list else None,
            list_digest(self.rows) if has_list else None,
            bool(result and result.reported_count_at_least),
        )

    def run(self) -> PollResult:
        page = self.page
        trusted = newest_snapshot(self.session, self.letter.id)
        if trusted is None and self.counts.reported is None and not self.counts.listed:
            return PollResult(self.letter.slug, NoSignersFound.outcome,
                              http_status=page.http_status,
                              error=page.empty_reason or "the page shows no count and no list")
        reason = suspicion(counts_of(trusted) if trusted else None, self.counts,
                           self.settings.guard)
        if reason is not None:
            return self._suspect(trusted, reason)
        if trusted is not None and counts_of(trusted) == self.counts:
            history.confirm_snapshot(trusted, self.at)
            self._fill_breakdowns(trusted)
            return self._result("unchanged", trusted, None, trusted)
        return self._new_snapshot(trusted, TRUSTED)

    def _fill_breakdowns(self, snapshot: Snapshot) -> None:
        # A count first read without its breakdowns (from a site index, tracker/index.py)
        # takes them from the petition's own page when that page states the same count.
        result = self.page.result
        if not snapshot.breakdowns and result is not None and result.breakdowns:
            snapshot.breakdowns = stored_breakdowns(result)

    def _new_snapshot(self, trusted: Snapshot | None, status: str,
                      reason: str | None = None) -> PollResult:
        snapshot = self._insert_snapshot(trusted, status, reason)
        diff = None
        if status == TRUSTED and self.counts.listed is not None:
            diff = self._apply_list(snapshot)
        outcome = "suspect" if status == "suspect" else ("first" if trusted is None
                                                          else "changed")
        return self._result(_replaced(snapshot, diff, outcome), snapshot, diff, trusted,
                            error=reason)

    def _insert_snapshot(self, trusted: Snapshot | None, status: str,
                         reason: str | None) -> Snapshot:
        page, result = self.page, self.page.result
        # Archived with the snapshot that cites it: bytes that only confirm an older
        # snapshot (a page printing the time it was served) would be kept for nothing.
        history.store_archive(self.session, sha256=page.sha256, body=page.body, url=page.url,
                              content_type=page.content_type, now=self.at)
        fingerprint = result.fingerprint if result else None
        changed = bool(trusted and trusted.fingerprint and fingerprint
                       and trusted.fingerprint != fingerprint)
        snapshot = Snapshot(
            letter_id=self.letter.id, observed_at=self.at, last_confirmed_at=self.at,
            confirmations=1, reported_count=self.counts.reported,
            reported_count_at_least=self.counts.reported_at_least,
            listed_count=self.counts.listed, list_sha256=self.counts.list_sha256,
            status=status, suspect_reason=reason, fingerprint=fingerprint,
            fingerprint_changed=changed, archive_sha256=self.page.sha256,
            source_url=self.page.url, capture_url=page.capture_url, partial=page.partial,
            breakdowns=stored_breakdowns(result) if result else None,
        )
        self.session.add(snapshot)
        self.session.flush()
        return snapshot

    def _suspect(self, trusted: Snapshot | None, reason: str) -> PollResult:
        after = trusted.observed_at if trusted else None
        pending = history.pending_suspects(self.session, self.letter.id, after)
        last = pending[-1] if pending else None
        if last is None or counts_of(last) != self.counts:
            return self._new_snapshot(trusted, "suspect", reason)
        history.confirm_snapshot(last, self.at)
        if not persisted(last.confirmations, last.observed_at, last.last_confirmed_at,
                         self.settings.guard):
            return self._result("suspect", last, None, trusted, error=reason)
        last.status = TRUSTED
        diff = self._apply_list(last) if self.counts.listed is not None else None
        return self._result(_replaced(last, diff, "confirmed"), last, diff, trusted)

    def _apply_list(self, snapshot: Snapshot) -> history.SignerDiff:
        """Make the stored list equal the page's, then enrich the signers it added."""
        diff = history.apply_signer_list(self.session, self.letter, snapshot, self.rows)
        if diff.added and self.settings.rules is not None:
            enrich_new_signers(self.session, diff.added, self.settings.rules,
                               snapshot.observed_at, diff=diff, known=self.page.known_facets)
        return diff

    def _result(self, outcome: str, snapshot: Snapshot, diff: history.SignerDiff | None,
                trusted: Snapshot | None, error: str | None = None) -> PollResult:
        before = trusted.reported_count if trusted else None
        now = snapshot.reported_count
        delta = now - before if (now is not None and before is not None) else None
        if delta is None and trusted is not None and snapshot.listed_count is not None:
            delta = snapshot.listed_count - (trusted.listed_count or 0)
        return PollResult(
            self.letter.slug, outcome, snapshot.reported_count, snapshot.listed_count, delta,
            snapshot.id, self.page.http_status, error,
            added=len(diff.added) + len(diff.returned) if diff else 0,
            removed=len(diff.removed) if diff else 0,
        )
