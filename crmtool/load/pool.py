"""Work on many files at once, spread over the machine's cores: the one process pool.

Reading a large repository is where crmtool spends its time (parsing YAML, laying it out),
and the work on one file never depends on another. Processes, not threads: the YAML walk and
the rules are Python and hold the GIL. A small batch is done in this process, because
starting workers costs more than it saves.

The work is a *job*: a callable object run once per item. It is handed to each worker when
the pool starts (inherited under fork, pickled otherwise: a job rebuilds heavy state such as
compiled schemas in `__setstate__`), and its `start()` runs there first. Loading, the check
and `fmt` each bring their own job; the pool is the same.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from contextlib import contextmanager
from itertools import islice
from typing import Callable, Iterator, Protocol, Sequence, TypeVar

PARALLEL_FROM = 2000
"""Fewer items than this are done in one process (measured: a pool costs ~0.1 s to start)."""

CHUNK = 1024
AHEAD = 4
"""Chunks per worker handed out before the caller has taken the results of the first: enough
that no worker waits, few enough that results do not pile up in memory when the caller is
the slower side (the index writes every record to SQLite: with `Pool.imap`, which hands out
everything at once, a whole build of 100,000 people held most of its records in the queue)."""

Item = TypeVar("Item")
Result = TypeVar("Result", covariant=True)


class Job(Protocol[Result]):
    """What a worker does to one item; `start` prepares a worker process (its language).

    A job whose garbage has no reference cycles (libyaml's plain dicts and lists) runs its
    workers without the cyclic garbage collector, which then only costs time; a job that
    makes cycles (ruamel's round-trip nodes point back at their parents) sets `cyclic = True`
    and keeps it: without it, every file's nodes stay in memory until the worker ends."""

    def start(self) -> None: ...

    def __call__(self, item, /) -> Result: ...


_worker: dict = {}


def map_each(items: Sequence, job: Job[Result], progress: Callable[[int], None] | None = None) -> Iterator[Result]:
    """`job(item)` for every item, in the order of `items`; `progress` hears how many are done."""
    jobs = workers()
    if jobs < 2 or len(items) < PARALLEL_FROM:
        for item in items:
            yield job(item)
            if progress:
                progress(1)
        return
    chunks = (items[i:i + CHUNK] for i in range(0, len(items), CHUNK))
    with multiprocessing.get_context(start_method()).Pool(jobs, initializer=_start, initargs=(job,)) as pool:
        pending = deque(pool.apply_async(_run_chunk, (chunk,)) for chunk in islice(chunks, jobs * AHEAD))
        while pending:
            results = pending.popleft().get()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.apply_async(_run_chunk, (following,)))
            yield from results
            if progress:
                progress(len(results))


def _start(job: Job) -> None:
    if not getattr(job, "cyclic", False):
        gc.disable()  # see `without_gc`: such a worker's garbage is freed by reference counting
    job.start()
    _worker["job"] = job


def _run_chunk(items: Sequence) -> list:
    job = _worker["job"]
    return [job(item) for item in items]


def start_method() -> str | None:
    """fork (quick: a worker inherits the job) from a process with one thread; spawn from one
    with more (the workspace's server answers in threads): a forked child gets every lock as
    another thread held it at that moment, and one held then is never released there — found
    as a workspace page that hung for good while its pool's workers waited on such a lock."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def workers() -> int:
    """How many processes to use: the cores this process may run on (CRMTOOL_JOBS overrides)."""
    wanted = os.environ.get("CRMTOOL_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def without_gc():
    """Python's cycle collector off for the duration.

    Loaded records are plain dicts, lists and strings without reference cycles, so the
    collector finds nothing in them, yet it walks the whole growing model again and again
    while a large repository loads: measured at 100,000 people, a quarter of the time of the
    loading phase. Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
