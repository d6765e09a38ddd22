"""Administrations: dates, informal names and which terms a service period overlaps."""

from __future__ import annotations

from datetime import date

import pytest

from enrich.administrations import (
    ADMINISTRATIONS,
    BY_KEY,
    administration_on,
    administrations_for_dates,
    administrations_for_years,
    as_of,
    disambiguate_by_years,
    match_administration,
    resolve_administration,
)

TODAY = date(2026, 3, 1)


def keys(admins) -> list[str]:
    return [admin.key for admin in admins]


def test_table_runs_nixon_to_trump_second_term_without_gaps() -> None:
    assert keys(ADMINISTRATIONS) == [
        "nixon", "ford", "carter", "reagan", "bush41", "clinton", "bush43", "obama",
        "trump45", "biden", "trump47",
    ]
    for before, after in zip(ADMINISTRATIONS, ADMINISTRATIONS[1:], strict=False):
        assert before.end == after.start
    assert BY_KEY["trump47"].start == date(2025, 1, 20) and BY_KEY["trump47"].end is None
    assert BY_KEY["ford"].start == date(1974, 8, 9)
    assert {a.party for a in ADMINISTRATIONS} == {"Republican", "Democratic"}
    assert BY_KEY["carter"].party == "Democratic" and BY_KEY["ford"].party == "Republican"


def test_inauguration_day_belongs_to_incoming_president() -> None:
    assert administration_on(date(2009, 1, 20)).key == "obama"
    assert administration_on(date(2009, 1, 19)).key == "bush43"
    assert administration_on(date(2025, 1, 20)).key == "trump47"
    assert administration_on(date(1974, 8, 9)).key == "ford"
    assert administration_on(date(1968, 12, 31)) is None


def test_dates_starting_on_inauguration_day_exclude_the_outgoing_term() -> None:
    assert keys(administrations_for_dates(date(2009, 1, 20), date(2016, 6, 1))) == ["obama"]
    assert keys(administrations_for_dates(date(2008, 6, 1), date(2009, 1, 20))) == [
        "bush43", "obama",
    ]
    assert keys(administrations_for_dates(date(2008, 6, 1), date(2009, 1, 19))) == ["bush43"]


def test_dates_crossing_several_administrations() -> None:
    found = administrations_for_dates(date(1990, 3, 1), date(2010, 2, 1))
    assert keys(found) == ["bush41", "clinton", "bush43", "obama"]


def test_years_expand_to_whole_years_and_overlap_by_one_day() -> None:
    # 2001 starts under Clinton (1-19 January): a year-only range counts him.
    assert keys(administrations_for_years(2001, 2008, TODAY)) == ["clinton", "bush43"]
    assert keys(administrations_for_years(2001, 2008, TODAY, min_days=30)) == ["bush43"]
    assert keys(administrations_for_years(2009, 2017, TODAY)) == ["bush43", "obama", "trump45"]


def test_open_year_range_runs_to_today() -> None:
    assert keys(administrations_for_years(2015, None, TODAY)) == [
        "obama", "trump45", "biden", "trump47",
    ]
    assert keys(administrations_for_years(2015, None, date(2020, 6, 1))) == ["obama", "trump45"]


def test_reversed_dates_give_nothing() -> None:
    assert administrations_for_dates(date(2010, 1, 1), date(2009, 1, 1)) == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bush I", "bush41"), ("Bush 41", "bush41"), ("H.W. Bush", "bush41"),
        ("George H. W. Bush", "bush41"), ("Bush II", "bush43"), ("Bush 43", "bush43"),
        ("W.", "bush43"), ("George W. Bush", "bush43"), ("Obama administration", "obama"),
        ("the Obama Administration", "obama"), ("Trump I", "trump45"), ("Trump 45", "trump45"),
        ("Trump II", "trump47"), ("Trump 47", "trump47"), ("Biden-Harris", "biden"),
        ("Clinton", "clinton"), ("Nixon", "nixon"), ("Carter's administration", "carter"),
    ],
)
def test_resolve_administration_informal_names(text: str, key: str) -> None:
    assert resolve_administration(text).key == key


def test_bare_bush_is_ambiguous_with_both_candidates() -> None:
    found = match_administration("Bush")
    assert found.ambiguous and keys(found.candidates) == ["bush41", "bush43"]
    assert found.parties == {"Republican"}
    assert resolve_administration("Bush") is None
    assert match_administration("Trump administration").ambiguous


def test_reagan_bush_ticket_names_both_administrations() -> None:
    found = match_administration("Reagan-Bush")
    assert not found.ambiguous and keys(found.candidates) == ["reagan", "bush41"]
    assert resolve_administration("Reagan-Bush") is None  # two, so not one


def test_unknown_name_is_none() -> None:
    assert match_administration("Lincoln") is None
    assert resolve_administration("") is None


@pytest.mark.parametrize(
    ("text", "on", "key"),
    [
        ("Trump", date(2020, 6, 1), "trump45"),  # the second term had not begun
        ("Trump administration", date(2017, 1, 20), "trump45"),  # inauguration day counts
        ("Bush", date(1995, 6, 1), "bush41"),
        ("George Bush", date(2000, 12, 31), "bush41"),
    ],
)
def test_resolve_administration_by_observation_date(text: str, on: date, key: str) -> None:
    assert resolve_administration(text, on).key == key


@pytest.mark.parametrize(
    ("text", "on"),
    [("Trump", date(2026, 3, 1)), ("Bush", date(2020, 6, 1)), ("Trump", date(2016, 11, 1))],
)
def test_resolve_administration_date_that_cannot_decide(text: str, on: date) -> None:
    assert resolve_administration(text, on) is None


def test_as_of_drops_candidates_begun_later_and_keeps_unambiguous_names() -> None:
    assert keys(as_of(match_administration("Trump"), date(2016, 11, 1)).candidates) == []
    bush = as_of(match_administration("Bush"), date(2020, 6, 1))
    assert bush.ambiguous and keys(bush.candidates) == ["bush41", "bush43"]
    # A printed "Trump 47" is not second-guessed by an earlier date.
    assert resolve_administration("Trump 47", date(2020, 6, 1)).key == "trump47"


@pytest.mark.parametrize(
    ("text", "years", "on", "key"),
    [
        ("Trump", (2005, 2021), date(2020, 6, 1), "trump45"),  # date alone decides
        ("Trump", (2017, 2019), date(2026, 3, 1), "trump45"),  # both begun: years decide
        ("Trump", (2025, None), date(2026, 3, 1), "trump47"),
        ("Bush", (2005, 2020), date(2020, 6, 1), "bush43"),
        ("Bush", (1990, 1992), date(2020, 6, 1), "bush41"),
        ("Bush", (1990, 2006), date(2020, 6, 1), None),  # years fit both
        ("Trump", (2015, None), date(2026, 3, 1), None),  # open range runs through both
    ],
)
def test_disambiguate_by_years_after_the_date(text, years, on, key) -> None:
    picked = disambiguate_by_years(match_administration(text), *years, on)
    assert (picked and picked.key) == key
