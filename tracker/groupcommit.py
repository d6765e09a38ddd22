"""Group commit: small write transactions from many threads, committed together.

The polls that find a page unchanged each write three short statements. Run one transaction
each, eight threads queue for SQLite's single writer (or PostgreSQL's commit flush) and each
hand-over costs a thread switch under the GIL. Here each caller queues its work; whichever
caller takes the lock first runs every queued piece in one transaction, commits, and hands
each caller its own result. A caller returns only once its work has committed, so each
poll is still whole or absent after a crash. If the shared transaction fails, every piece
is retried alone, so one bad piece fails only its own caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")


class _Slot(Generic[T]):
    def __init__(self, work: Callable[[Connection], T]) -> None:
        self.work = work
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit:
    """Runs queued ``work(connection)`` calls from many threads in shared transactions."""

    def __init__(self, engine: Engine, lock: AbstractContextManager[Any] | None = None,
                 max_batch: int = 64) -> None:
        self.engine = engine
        self.lock = lock or threading.Lock()
        self.max_batch = max_batch
        self._queue: list[_Slot[Any]] = []
        self._queue_lock = threading.Lock()

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` committed (maybe with others' work); its result or its error."""
        slot = _Slot(work)
        with self._queue_lock:
            self._queue.append(slot)
        while not slot.done:
            with self.lock:
                if not slot.done:
                    self._commit(self._take())
        return slot.outcome()

    def _take(self) -> list[_Slot[Any]]:
        with self._queue_lock:
            batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
        return batch

    def _commit(self, batch: list[_Slot[Any]]) -> None:
        try:
            with self.engine.begin() as connection:
                results = [slot.work(connection) for slot in batch]
        except Exception as exc:  # noqa: BLE001 - handed to the caller whose work it was
            if len(batch) > 1:
                for slot in batch:  # find whose work failed: each alone
                    self._commit([slot])
            else:
                batch[0].error, batch[0].done = exc, True
            return
        except BaseException as exc:  # interrupted: nobody in the batch may wait for ever
            for slot in batch:
                slot.error, slot.done = exc, True
            raise
        for slot, result in zip(batch, results, strict=True):
            slot.result, slot.done = result, True
