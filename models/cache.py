"""The read cache: a per-process LRU of query answers, keyed by the letter's data version.

``data_version`` changes whenever a change to the signer data commits (``models.generation``);
the answers about one letter are cached under that letter's version, which the changes to
other letters leave alone. Answers cached under an old version are never served again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from models import generation

T = TypeVar("T")
CACHE_SIZE = 512


class DataVersion:
    """The signer data's version as one session sees it: equal while nothing changed.

    ``of_letter`` gives one letter's version, read on first use and then kept, so take the
    ``DataVersion`` before the reads it guards: what is cached under it is at least that new."""

    __slots__ = ("token", "session", "letters")

    def __init__(self, token: tuple[Any, ...], session: Session) -> None:
        self.token, self.session = token, session
        self.letters: dict[int, Hashable | None] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataVersion) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def of_letter(self, letter_id: int) -> Hashable | None:
        """Letter ``letter_id``'s version (``generation.letter_current``); None: cannot tell."""
        if letter_id not in self.letters:
            found = generation.letter_current(self.session, letter_id)
            self.letters[letter_id] = None if found is None else ("letter-data", letter_id,
                                                                  *found)
        return self.letters[letter_id]


def data_version(session: Session) -> DataVersion | None:
    """The version of the signer data, which any committed change to it moves; None: cannot
    tell.

    ``models.generation``: the database counts committed changes to signatures, their
    events, facets and people, whoever made them; a poll that finds a page unchanged, the
    poll log and snapshots do not move it, so cached compositions outlive them.
    """
    found = generation.current(session)
    return None if found is None else DataVersion(("signer-data", *found), session)


class LruCache:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict[Hashable, Any](), threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


READ_CACHE = LruCache(CACHE_SIZE)


def cached(version: Hashable | None, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered per process under (``version``, ``key``); no version: no cache.

    A ``DataVersion`` stands for the version of the letter ``key[1]`` (keys are (what,
    letter id, ...)). Values must be immutable: every caller gets the same object."""
    if isinstance(version, DataVersion):
        version = version.of_letter(key[1])
    if version is None:
        return compute()
    found = READ_CACHE.get((version, *key))
    if found is None:
        found = compute()
        READ_CACHE.put((version, *key), found)
    return found
