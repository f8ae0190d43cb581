"""Worker processes that never outlive the run: parent-death signal, Ctrl-C left to the parent, clean stops.

Every pool the pipeline starts (tokenizer workers, LDA chains) runs :func:`init_worker` first in each worker:

* the worker asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), so
  ``kill -9`` of ``topics`` leaves no worker behind; a worker whose parent is already gone exits at once;
* it ignores SIGINT: a terminal's Ctrl-C reaches the whole process group, and only the parent reacts (one
  line, no traceback from each worker); SIGTERM is back to its default (die).

The parent side: :func:`starting_workers` holds SIGINT back while workers start (a worker inherits it
blocked until its initializer ignores it; in the parent a Ctrl-C meanwhile is raised once the workers are
up, never lost), :func:`process_pool` is a ``ProcessPoolExecutor`` that terminates its
workers on any exception (Ctrl-C, SIGTERM, an error) instead of waiting for running chains, and
:func:`stop_on_sigterm` (installed by the CLI) turns SIGTERM into :class:`Terminated`, so pools close and
temporary files are removed as after Ctrl-C.

Example
-------
>>> from concurrent.futures import ProcessPoolExecutor
>>> import multiprocessing
>>> with process_pool(2, multiprocessing.get_context("fork")) as pool:  # doctest: +SKIP
...     results = [f.result() for f in [pool.submit(pow, 2, 5)]]
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like KeyboardInterrupt (pools stop, temporary files go)."""


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit now if the parent is gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def init_worker(parent_pid: int) -> None:
    """Initializer of every worker process: die with the parent, leave Ctrl-C to it, default SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since the start is discarded here
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by starting_workers in the parent
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)


@contextlib.contextmanager
def starting_workers(spawn: bool = False) -> Iterator[None]:
    """While worker processes are created, a Ctrl-C is held back and raised when they are up, never lost.

    SIGINT is blocked in this thread, so the workers (forked or spawned from it) start with it blocked until
    their initializer ignores it; a SIGINT that the kernel hands to another thread of this process (numpy's,
    tomotopy's) is recorded by a temporary handler. ``spawn``: start multiprocessing's resource tracker first
    (it unblocks SIGINT itself when it starts)."""
    if threading.current_thread() is not threading.main_thread():  # signals are the main thread's business
        yield
        return
    if spawn:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


@contextlib.contextmanager
def process_pool(workers: int, context) -> Iterator[ProcessPoolExecutor]:
    """A ``ProcessPoolExecutor`` whose workers run :func:`init_worker`; on any exception in the block its
    worker processes are terminated (``shutdown`` alone would wait for the running tasks)."""
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                               initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def spawn_helper() -> Iterator[ProcessPoolExecutor]:
    """One spawned helper process for the block (an executor of 1, started now), terminated when the block ends
    (its results are in hand by then): work that runs beside this process's single-threaded steps
    (:mod:`topics.evaluate_async`, the names tagger). A helper that dies fails its futures (no hang).

    Spawned, not forked (a forked child's RSS would count the parent's pages again); the parent's ``__main__`` is
    swapped for an empty module while it starts, so a user's unguarded script is not re-run."""
    import types

    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(os.getpid(),))
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        try:
            with starting_workers(spawn=True):
                pool.submit(int)  # an executor starts its process at the first submit
        finally:
            sys.modules["__main__"] = main
        yield pool
    finally:
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into :class:`Terminated` in the main thread (the CLI prints one line for it)."""
    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM kills at once
        raise Terminated()

    signal.signal(signal.SIGTERM, handler)
