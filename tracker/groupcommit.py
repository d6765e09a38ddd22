"""Group commit: small write transactions from many threads, committed together.

The polls that find a page unchanged each write three short rows. Run one transaction
each, eight threads queue for SQLite's single writer (or PostgreSQL's commit flush) and each
hand-over costs a thread switch under the GIL. Here each caller queues its item; whichever
caller takes the lock first writes every queued item in one transaction (``write`` may do
that in one statement for all of them), commits, and hands each caller its own result. A
caller returns only once its item has committed, so each poll is still whole or absent after
a crash. If the shared transaction fails, every item is retried alone, so one bad item fails
only its own caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

I = TypeVar("I")  # noqa: E741 - the item type
R = TypeVar("R")

BatchWrite = Callable[[Connection, Sequence[I]], Sequence[R]]


class _Slot(Generic[I, R]):
    def __init__(self, item: I) -> None:
        self.item = item
        self.done = False
        self.result: R | None = None
        self.error: BaseException | None = None

    def finish(self, result: R | None = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True

    def outcome(self) -> R:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit(Generic[I, R]):
    """Writes items queued by many threads with ``write(connection, items)``, in shared
    transactions; ``write`` returns one result per item, in order. One batch commits at a
    time, under ``lock``."""

    def __init__(self, engine: Engine, write: BatchWrite[I, R],
                 lock: AbstractContextManager[Any] | None = None, max_batch: int = 64) -> None:
        self.engine = engine
        self.lock = lock or threading.Lock()
        self.max_batch = max_batch
        self.write = write
        self._queue: list[_Slot[I, R]] = []
        self._queue_lock = threading.Lock()

    def run(self, item: I) -> R:
        """``item`` written and committed (maybe with others' items); its result or its error."""
        slot: _Slot[I, R] = _Slot(item)
        with self._queue_lock:
            self._queue.append(slot)
        while not slot.done:
            with self.lock:
                if not slot.done:
                    self._commit(self._take())
        return slot.outcome()

    def _take(self) -> list[_Slot[I, R]]:
        with self._queue_lock:
            batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
        return batch

    def _commit(self, batch: list[_Slot[I, R]]) -> None:
        try:
            with self.engine.begin() as connection:
                results = self.write(connection, [slot.item for slot in batch])
        except Exception as exc:  # noqa: BLE001 - handed to the caller whose item it was
            if len(batch) > 1:
                for slot in batch:  # find whose item failed: each alone
                    self._commit([slot])
            else:
                batch[0].finish(error=exc)
            return
        except BaseException as exc:  # interrupted: nobody in the batch may wait for ever
            for slot in batch:
                slot.finish(error=exc)
            raise
        for slot, result in zip(batch, results, strict=True):
            slot.finish(result)
