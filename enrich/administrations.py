"""US presidential administrations, their dates and parties, and the periods they overlap.

Dates are calendar days. A term runs from its first day up to, not including, its successor's
first day: the transfer happens at noon on 20 January (9 August 1974 for Nixon to Ford), and
Signwatch gives the whole transition day to the incoming president. So a service period that
starts on 2009-01-20 belongs to Obama only.

Overlap rule (``administrations_for_dates``): an administration counts when the service period
shares at least ``min_days`` days (default 1) with its term. Year-only periods are expanded to
1 January of the first year through 31 December of the last one, so "2001-2008" counts Clinton
(1-19 January 2001) as well as George W. Bush; pass ``min_days=30`` for a stricter reading.
Open periods ("2015-", "since 2015") run to the ``today`` the caller passes in.

Informal names (``match_administration``): "Bush I", "Bush 41", "H.W. Bush" resolve to bush41;
"Bush II", "Bush 43", "W.", "George W. Bush" to bush43; "Trump I"/"Trump 45" and
"Trump II"/"Trump 47" to the two Trump terms. A bare "Bush" or "Trump" is ambiguous: the match
carries both candidates and ``ambiguous=True``.

Ambiguous names by the letter's own date (``as_of``, ``disambiguate_by_years``): a letter
observed on a day cannot mean an administration that began after it, so those candidates are
dropped; if one remains it is meant ("Trump" in a 2020 letter is trump45), if several remain
the printed service years decide, and otherwise the name stays ambiguous ("Bush" in a 2020
letter without years). ``resolve_administration`` without a date never guesses.

Ticket names ("Reagan-Bush", "Bush-Cheney") name the administrations of the ticket's
president: "Reagan-Bush" is reagan and bush41 (the 1981-1993 "Reagan-Bush years").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

REPUBLICAN = "Republican"
DEMOCRATIC = "Democratic"


@dataclass(frozen=True)
class Administration:
    """One presidential term (or consecutive terms) with its days and party."""

    key: str
    president: str
    party: str
    start: date
    end: date | None  # first day of the successor's term; None while ongoing
    label: str

    def contains(self, day: date) -> bool:
        """True when ``day`` falls in this administration (transition day goes to the new one)."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class AdminMatch:
    """What an informal administration name refers to."""

    text: str
    candidates: tuple[Administration, ...]
    ambiguous: bool

    @property
    def single(self) -> Administration | None:
        """The administration when exactly one is meant, else None."""
        return self.candidates[0] if len(self.candidates) == 1 and not self.ambiguous else None

    @property
    def parties(self) -> frozenset[str]:
        """Parties of all candidates (one party even when ambiguous, e.g. bare "Bush")."""
        return frozenset(admin.party for admin in self.candidates)


def _admin(key: str, president: str, party: str, start: date, end: date | None) -> Administration:
    label = f"{president} ({start.year}-{end.year if end else ''})"
    return Administration(key, president, party, start, end, label)


ADMINISTRATIONS: tuple[Administration, ...] = (
    _admin("nixon", "Richard Nixon", REPUBLICAN, date(1969, 1, 20), date(1974, 8, 9)),
    _admin("ford", "Gerald Ford", REPUBLICAN, date(1974, 8, 9), date(1977, 1, 20)),
    _admin("carter", "Jimmy Carter", DEMOCRATIC, date(1977, 1, 20), date(1981, 1, 20)),
    _admin("reagan", "Ronald Reagan", REPUBLICAN, date(1981, 1, 20), date(1989, 1, 20)),
    _admin("bush41", "George H. W. Bush", REPUBLICAN, date(1989, 1, 20), date(1993, 1, 20)),
    _admin("clinton", "Bill Clinton", DEMOCRATIC, date(1993, 1, 20), date(2001, 1, 20)),
    _admin("bush43", "George W. Bush", REPUBLICAN, date(2001, 1, 20), date(2009, 1, 20)),
    _admin("obama", "Barack Obama", DEMOCRATIC, date(2009, 1, 20), date(2017, 1, 20)),
    _admin("trump45", "Donald Trump (first term)", REPUBLICAN, date(2017, 1, 20),
           date(2021, 1, 20)),
    _admin("biden", "Joe Biden", DEMOCRATIC, date(2021, 1, 20), date(2025, 1, 20)),
    _admin("trump47", "Donald Trump (second term)", REPUBLICAN, date(2025, 1, 20), None),
)
BY_KEY: dict[str, Administration] = {admin.key: admin for admin in ADMINISTRATIONS}

# Aliases are compared after folding: accents, case, punctuation and spaces removed, and the
# words "administration(s)", "president(s)", "the" dropped.
_ALIASES: dict[str, tuple[str, ...]] = {
    "nixon": ("nixon",), "richardnixon": ("nixon",), "nixonagnew": ("nixon",),
    "ford": ("ford",), "geraldford": ("ford",),
    "carter": ("carter",), "jimmycarter": ("carter",), "cartermondale": ("carter",),
    "reagan": ("reagan",), "ronaldreagan": ("reagan",), "reaganbush": ("reagan", "bush41"),
    "bushi": ("bush41",), "bush1": ("bush41",), "bush41": ("bush41",), "hwbush": ("bush41",),
    "georgehwbush": ("bush41",), "georgebushsr": ("bush41",), "bushsr": ("bush41",),
    "bushquayle": ("bush41",), "ghwbush": ("bush41",),
    "clinton": ("clinton",), "billclinton": ("clinton",), "clintongore": ("clinton",),
    "bushii": ("bush43",), "bush2": ("bush43",), "bush43": ("bush43",), "w": ("bush43",),
    "georgewbush": ("bush43",), "gwbush": ("bush43",), "bushjr": ("bush43",),
    "bushcheney": ("bush43",), "wbush": ("bush43",),
    "obama": ("obama",), "barackobama": ("obama",), "obamabiden": ("obama",),
    "trumpi": ("trump45",), "trump1": ("trump45",), "trump45": ("trump45",),
    "trumppence": ("trump45",), "firsttrump": ("trump45",),
    "biden": ("biden",), "joebiden": ("biden",), "bidenharris": ("biden",),
    "trumpii": ("trump47",), "trump2": ("trump47",), "trump47": ("trump47",),
    "trumpvance": ("trump47",), "secondtrump": ("trump47",),
}
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "bush": ("bush41", "bush43"), "georgebush": ("bush41", "bush43"),
    "trump": ("trump45", "trump47"), "donaldtrump": ("trump45", "trump47"),
}
_FILLER = re.compile(r"\b(?:the|administrations?|admin|presidents?|presidency|term)\b")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_POSSESSIVE = re.compile(r"['’]s\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _POSSESSIVE.sub("", plain)
    return _NOT_ALNUM.sub("", _FILLER.sub(" ", plain))


@lru_cache(maxsize=4096)  # letters print the same few names over and over
def match_administration(text: str) -> AdminMatch | None:
    """Map an informal administration name to its candidates; None when not recognised."""
    folded = _fold(text[:200])
    if folded in _ALIASES:
        keys = _ALIASES[folded]
        return AdminMatch(text, tuple(BY_KEY[k] for k in keys), ambiguous=False)
    if folded in _AMBIGUOUS:
        keys = _AMBIGUOUS[folded]
        return AdminMatch(text, tuple(BY_KEY[k] for k in keys), ambiguous=True)
    return None


def resolve_administration(text: str, on: date | None = None) -> Administration | None:
    """The one administration ``text`` names (as of the day ``on``, if given), else None."""
    found = match_administration(text)
    if found is None:
        return None
    return (found if on is None else as_of(found, on)).single


def as_of(found: AdminMatch, day: date) -> AdminMatch:
    """An ambiguous ``found`` without the candidates whose term began after ``day``."""
    if not found.ambiguous:
        return found  # a name that means one thing is not second-guessed by the date
    kept = tuple(admin for admin in found.candidates if admin.start <= day)
    if len(kept) == len(found.candidates):
        return found
    return AdminMatch(found.text, kept, ambiguous=len(kept) > 1)


def administration_on(day: date) -> Administration | None:
    """The administration in office on ``day`` (None before Nixon)."""
    return next((admin for admin in ADMINISTRATIONS if admin.contains(day)), None)


def _overlap_days(admin: Administration, start: date, end: date) -> int:
    stop = end + timedelta(days=1)  # service dates are inclusive
    if admin.end is not None:
        stop = min(stop, admin.end)
    return (stop - max(start, admin.start)).days


def administrations_for_dates(
    start_date: date, end_date: date, *, min_days: int = 1
) -> tuple[Administration, ...]:
    """Administrations sharing at least ``min_days`` days with the inclusive period."""
    if end_date < start_date:
        return ()
    return tuple(
        admin
        for admin in ADMINISTRATIONS
        if _overlap_days(admin, start_date, end_date) >= max(min_days, 1)
    )


@lru_cache(maxsize=8192)
def administrations_for_years(
    start_year: int, end_year: int | None, today: date, *, min_days: int = 1
) -> tuple[Administration, ...]:
    """Administrations overlapping years start..end (1 Jan..31 Dec); open end runs to today."""
    start = date(start_year, 1, 1)
    end = today if end_year is None else min(date(end_year, 12, 31), today)
    return administrations_for_dates(start, end, min_days=min_days)


def disambiguate_by_years(
    found: AdminMatch, start_year: int | None, end_year: int | None, today: date
) -> Administration | None:
    """The one candidate begun by ``today``, else the one of those the printed years overlap."""
    found = as_of(found, today)
    if start_year is None or found.single:
        return found.single
    overlapping = set(administrations_for_years(start_year, end_year, today))
    picked = [admin for admin in found.candidates if admin in overlapping]
    return picked[0] if len(picked) == 1 else None
