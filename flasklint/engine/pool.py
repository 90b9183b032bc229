"""The process pool: work items in order, crash isolation, and the cyclic GC policy of a run.

Work items are picklable objects with two methods: ``run(config)`` gives
the item's result and ``crashed()`` the result that stands for an item
whose worker process died. :func:`in_pool` runs them in ``jobs``
processes, or here when that does not pay off. :func:`forked` runs one
piece of work in a forked child beside this process (the engine uses it
for discovery beside the cache load, and for half of the project rules).
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Optional, Protocol

from ..config import Config

#: Below this many items a process pool costs more than it saves.
POOL_THRESHOLD = 40
#: The cyclic GC collects the young generations once per this many items.
COLLECT_EVERY = 100

_WORKER_CONFIG: Optional[Config] = None


class WorkItem(Protocol):
    """One unit of work for the pool."""

    def run(self, config: Config) -> object:
        """Return the item's result; never raises."""

    def crashed(self) -> object:
        """Return the result standing for an item whose worker process died."""


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: the GC policy of a run and of every worker.

    A run builds millions of small, acyclic objects (facts, findings, cache
    entries); each automatic collection walks all of them again, which made
    loading a warm cache three times slower. Reference counting still frees
    everything; :func:`run_items` collects the young generations every
    :data:`COLLECT_EVERY` items for the few cycles parsing leaves.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_items(
    items: Sequence[WorkItem], config: Optional[Config] = None, progress: Optional[Callable[[int], None]] = None
) -> list:
    """Return the results of ``items``, run one after the other in this process.

    A worker process passes no ``config``: it uses the one :func:`_init_worker` kept.
    """
    config = config or _WORKER_CONFIG
    assert config is not None
    results = []
    with cyclic_gc_paused():
        for number, item in enumerate(items, start=1):
            results.append(item.run(config))
            if progress:
                progress(1)
            if number % COLLECT_EVERY == 0:
                gc.collect(1)
    return results


def _init_worker(config: Config) -> None:
    """Remember the configuration in a worker process, which leaves Ctrl-C to the main one.

    Ctrl-C reaches every process of the terminal's group: a worker that took
    it would print a traceback; the main process ends the run instead.
    """
    global _WORKER_CONFIG
    _WORKER_CONFIG = config
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _isolate(items: Sequence[WorkItem], config: Config) -> list:
    """Run each item of a chunk whose worker died in a pool of its own, to find the culprit."""
    results = []
    for item in items:
        try:
            with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(config,)) as pool:
                results.extend(pool.submit(run_items, [item]).result())
        except BrokenProcessPool:
            results.append(item.crashed())
    return results


def in_pool(
    items: Sequence[WorkItem], config: Config, jobs: int, progress: Optional[Callable[[int], None]] = None
) -> list:
    """Return the results of ``items`` in order, one per item, run in ``jobs`` processes.

    A chunk whose worker dies is rerun item by item, and ``item.crashed()``
    stands for the item that killed it. Small inputs and ``jobs <= 1`` run
    here, in this process. ``progress(count)`` hears about finished items.
    """
    if jobs <= 1 or len(items) < POOL_THRESHOLD:
        return run_items(items, config, progress)
    size = max(1, min(32, len(items) // (jobs * 8)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    done: dict[int, list] = {}
    broken: list[int] = []
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        pending = {}

        def submit(number: int, chunk: Sequence[WorkItem]) -> None:
            try:
                pending[pool.submit(run_items, chunk)] = number
            except BrokenProcessPool:  # a worker died since the last answer
                broken.append(number)

        queue = iter(enumerate(chunks))
        for number, chunk in itertools.islice(queue, jobs * 4):
            submit(number, chunk)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                number = pending.pop(future)
                try:
                    done[number] = future.result()
                except BrokenProcessPool:
                    broken.append(number)
                if progress:
                    progress(len(chunks[number]))
                if not broken:
                    for following, chunk in itertools.islice(queue, 1):
                        submit(following, chunk)
        broken.extend(number for number, _ in queue)
    for number in broken:
        done[number] = _isolate(chunks[number], config)
    return [result for number in range(len(chunks)) for result in done[number]]


def can_fork(jobs: int) -> bool:
    """Return whether work may go to a forked child: ``jobs > 1``, on Linux, with no other thread running."""
    return jobs > 1 and sys.platform == "linux" and threading.active_count() == 1


def forked(work: Callable[[], object]) -> Callable[[], Optional[object]]:
    """Start ``work()`` in a forked child; return a function that waits for its result.

    The child inherits everything, so only the result is pickled, down a
    pipe. The waiting function returns None when the child failed in any way
    (``work`` raised, the child died, the result would not pickle): callers
    then do the work themselves, so the outcome is always that of one process.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _send_to_parent(write_end, work)
    os.close(write_end)

    def result() -> Optional[object]:
        with os.fdopen(read_end, "rb") as stream:
            payload = stream.read()
        os.waitpid(child, 0)
        try:
            return pickle.loads(payload)[0]
        except Exception:  # nothing, or half a message
            return None

    return result


def _send_to_parent(write_end: int, work: Callable[[], object]) -> None:
    """In a forked child: send ``(work(),)`` pickled down the pipe (nothing on failure) and exit."""
    payload = b""
    try:
        payload = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        pass
    finally:
        try:
            with os.fdopen(write_end, "wb") as stream:
                stream.write(payload)
        finally:
            os._exit(0)
