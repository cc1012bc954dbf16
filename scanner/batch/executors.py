"""How a batch scans files: what a worker does with one file, and the executors that run workers
(in this process, local spawn processes, or Dask distributed), with a dead worker's file retried once."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Protocol

from scanner import __version__
from scanner.api import scan_entry
from scanner.discover import discover
from scanner.findings import FileResult
from scanner.sources import hash_file

if TYPE_CHECKING:
    from scanner.config import Config


log = logging.getLogger(__name__)
WORKER_DIED = "the worker process scanning it died twice (a crash or the out-of-memory killer)"

class BatchError(Exception):
    """The batch as a whole cannot run (bad arguments, reports inside a scanned root, no projects...)."""


# --- what a worker does with one file ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Job:
    """What every file of a run is scanned with (sent to each worker once)."""

    config: Config
    key: bytes
    threads: int = 1


@dataclass(frozen=True, slots=True)
class FileTask:
    """One file to read: its absolute ``path``, the ``relpath`` reports show, and ``known_hash``, the content
    hash of its stored result when that result could be reused (then an unchanged hash means no scan)."""

    path: str
    relpath: str
    known_hash: str | None = None


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What a worker sends back: the content hash and, unless the content was unchanged, the results."""

    hash: str | None
    results: tuple[FileResult, ...] | None
    tool_version: str = __version__


def scan_task(task: FileTask, job: Job) -> FileOutcome:
    """Classify, hash and (unless the hash is ``task.known_hash``) scan one file; never raises for a
    problem with the file itself. Runs in a worker: everything it needs is in its arguments."""
    from scanner import formats

    found = list(discover([task.path], follow_symlinks=False))
    entry = dataclasses.replace(found[0], relpath=task.relpath)
    container = entry.error is None and formats.container_reader_for(entry.kind) is not None
    digest = entry.hash  # a file of at most 8 KiB was hashed on discovery's read of its head
    if entry.error is None and digest is None and (not container or task.known_hash is not None):
        # One hashing pass; a file that is not an archive keeps the hash, so the scan does not hash it again
        # (an archive's reader hashes it on its own pass).
        with contextlib.suppress(OSError):  # the reader meets the same error and reports it (FIL001)
            digest = hash_file(entry.path)
        if not container:
            entry = dataclasses.replace(entry, hash=digest)
    if task.known_hash is not None and digest == task.known_hash:
        return FileOutcome(digest, None)
    results = scan_entry(entry, job.config, job.key, threads=job.threads)
    return FileOutcome(results[0].hash, tuple(results))


@dataclass(frozen=True, slots=True)
class Failure:
    """A file whose worker died (twice) or raised: it becomes a FIL001 review."""

    reason: str


ScanFn = Callable[[FileTask, Job], FileOutcome]


# --- executors ------------------------------------------------------------------------------------------


class _Executor(Protocol):
    def run(self, tasks: Sequence[FileTask]) -> Iterator[tuple[FileTask, FileOutcome | Failure]]: ...

    def close(self) -> None: ...


class _SerialExecutor:
    """In this process, one file after another (no isolation: a crash of a reader ends the run)."""

    def __init__(self, job: Job, scan_fn: ScanFn) -> None:
        self.job = job
        self.scan_fn = scan_fn

    def run(self, tasks: Sequence[FileTask]) -> Iterator[tuple[FileTask, FileOutcome | Failure]]:
        for task in tasks:
            try:
                yield task, self.scan_fn(task, self.job)
            except Exception as exc:  # fail closed for this file
                yield task, Failure(f"internal error in the batch ({type(exc).__name__})")

    def close(self) -> None:
        pass


def _worker_main(conn: Connection, job: Job, scan_fn: ScanFn) -> None:
    """A local worker process: scan the tasks sent over ``conn`` until told to stop or the pipe closes."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the batch is gone (killed): stop
            return
        if task is None:
            return
        try:
            reply: FileOutcome | Failure = scan_fn(task, job)
        except Exception as exc:  # a bug, not a file problem: the batch retries once, then FIL001
            reply = Failure(f"internal error in the worker ({type(exc).__name__})")
        try:
            conn.send(reply)
        except OSError:  # the batch is gone
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: FileTask | None = None


class _LocalExecutor:
    """Worker processes on this machine, one file at a time each, so the file a dead worker held is known:
    it is retried once (on a fresh worker), then reported as FIL001."""

    def __init__(self, job: Job, scan_fn: ScanFn, jobs: int) -> None:
        # spawn, not fork: polars and numba start threads, and a forked child of a threaded parent can
        # deadlock on a lock some thread held at fork time.
        self.ctx = get_context("spawn")
        self.job = job
        self.scan_fn = scan_fn
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        ours, theirs = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(theirs, self.job, self.scan_fn), daemon=True,
                                name="sdcscan-batch-worker")
        proc.start()
        theirs.close()
        return _Worker(proc, ours)

    def _drop(self, w: _Worker) -> None:
        w.conn.close()
        w.process.join(1)
        self.workers.remove(w)

    def run(self, tasks: Sequence[FileTask]) -> Iterator[tuple[FileTask, FileOutcome | Failure]]:
        pending: deque[FileTask] = deque(tasks)
        tries: dict[str, int] = {}
        while True:
            for w in [w for w in self.workers if w.task is None and not w.process.is_alive()]:
                self._drop(w)
            while len(self.workers) < min(self.jobs, len(pending)):
                self.workers.append(self._start())
            for w in self.workers:
                if w.task is None and pending:
                    task = pending.popleft()
                    try:
                        w.conn.send(task)
                        w.task = task
                    except OSError:  # died while idle: the task waits for the next worker
                        pending.appendleft(task)
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                if pending:
                    continue
                return
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for w in busy:
                if w.conn not in ready and w.process.sentinel not in ready:
                    continue
                task = w.task
                assert task is not None
                reply: FileOutcome | Failure | None = None
                try:
                    if w.conn.poll():
                        reply = w.conn.recv()
                except (EOFError, OSError):
                    reply = None
                if isinstance(reply, FileOutcome):
                    w.task = None
                    yield task, reply
                    continue
                if reply is None:  # the worker died holding ``task``; a fresh one takes its place
                    log.warning("a worker process died while scanning %s", task.relpath)
                    self._drop(w)
                    failure = Failure(WORKER_DIED)
                else:
                    w.task = None
                    failure = reply
                tries[task.path] = tries.get(task.path, 0) + 1
                if tries[task.path] < 2:
                    pending.appendleft(task)  # retried once
                else:
                    yield task, failure

    def close(self) -> None:
        for w in self.workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        for w in self.workers:
            w.process.join(5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1)
            w.conn.close()
        self.workers = []


class _DaskExecutor:
    """Dask distributed: a LocalCluster on 127.0.0.1 (``local:N``) or a running scheduler's address.

    A task whose worker dies is rescheduled by the scheduler until it has killed
    ``distributed.scheduler.allowed-failures`` workers (set to 1 for our LocalCluster: retried once);
    then it errs with KilledWorker and the file gets FIL001. ``retries=1`` retries a task that raised.
    """

    def __init__(self, job: Job, scan_fn: ScanFn, address: str) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise BatchError("--scheduler needs Dask distributed, which is not installed: "
                             "pip install 'sdcscan[distributed]'") from None
        self.job = job
        self.scan_fn = scan_fn
        self.cluster: Any = None
        if address.startswith("local:"):
            try:
                n = int(address.removeprefix("local:"))
            except ValueError:
                raise BatchError(f"--scheduler {address}: expected local:N with N a number of workers") from None
            if n < 1:
                raise BatchError(f"--scheduler {address}: at least one worker")
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                # Loopback only, worker processes (not threads: the engine holds the GIL in places).
                # (no dashboard; the scheduler's HTTP server, which it starts all the same, on a free port: its
                # default 8787 may be taken by another cluster on the machine, which Dask reports as a warning)
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                            dashboard_address=None, silence_logs=logging.ERROR,
                                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise BatchError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})") from None

    def run(self, tasks: Sequence[FileTask]) -> Iterator[tuple[FileTask, FileOutcome | Failure]]:
        from distributed import KilledWorker, as_completed

        if not tasks:
            return
        job = self.client.scatter(self.job, broadcast=True, hash=False)
        run = uuid.uuid4().hex[:12]
        keys = [f"sdcscan-{run}-{i}" for i in range(len(tasks))]
        futures = self.client.map(self.scan_fn, list(tasks), job=job, key=keys, retries=1, pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        pending = as_completed(futures)
        del futures  # as_completed holds each future until it is yielded; it is released once handled
        for fut in pending:
            task = by_key.pop(fut.key)
            try:
                reply: FileOutcome | Failure = fut.result()
            except KilledWorker:
                log.warning("workers died while scanning %s", task.relpath)
                reply = Failure(WORKER_DIED)
            except Exception as exc:
                reply = Failure(f"internal error in the worker ({type(exc).__name__})")
            fut.release()
            yield task, reply

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(scheduler: str | None, job: Job, scan_fn: ScanFn, jobs: int | None) -> _Executor:
    if scheduler in (None, "", "local", "processes"):
        return _LocalExecutor(job, scan_fn, jobs or os.cpu_count() or 1)
    if scheduler == "serial":
        return _SerialExecutor(job, scan_fn)
    if scheduler.startswith(("local:", "tcp://", "tls://")):
        return _DaskExecutor(job, scan_fn, scheduler)
    raise BatchError(f"--scheduler {scheduler!r}: expected local:N, tcp://HOST:PORT, tls://HOST:PORT or serial")


