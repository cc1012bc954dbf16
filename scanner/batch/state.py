"""The nightly batch's memory: one SQLite database (the standard library's ``sqlite3``, WAL mode).

Per file on disk: its path, size, mtime, ctime and inode (the *stat key*), its content hash, the hash of the
configuration and the tool version it was scanned with, and its results (the file's :class:`FileResult`
and, for an archive, its members', as JSON). Approvals (``sdcscan approve``) live here too, and only here:
a checker's acceptance of one finding, bound to the content hash of the file it is in.

Safety of the history:

- A second batch on the same state is refused while one runs: an exclusive ``flock`` on ``STATE.lock``
  beside the database, which the kernel releases when the holding process ends, even by SIGKILL (no stale
  lock to clean up). The lock file names the holder (pid, host, start) for the message.
- Every finished file is committed in its own transaction. In WAL mode with ``synchronous=NORMAL`` a
  committed transaction survives the process being killed at any moment (an operating-system crash or a
  power cut may lose the last few; the next run then scans those files again).
- A file that is not an SQLite database, a database of another application, a schema newer than this
  version, or one that fails SQLite's ``quick_check`` is a :class:`StateError` with a clear message, never
  a silent fresh start. Only a path that does not exist yet starts a new state.

SQLite's WAL needs the database on a local file system (its shared memory does not work over NFS); the
batch servers' workers never open it, only the machine that runs ``sdcscan batch``.

This module imports only the standard library and :mod:`scanner.findings` / :mod:`scanner.masking`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import getpass
import json
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner import masking
from scanner.findings import Acceptance, FileResult, Finding, Location, Severity, Verdict

__all__ = [
    "SCHEMA_VERSION",
    "Approval",
    "StatKey",
    "State",
    "StateBusy",
    "StateError",
    "StoredFile",
    "current_user",
    "results_from_json",
    "results_to_json",
]

SCHEMA_VERSION = 1
"""Bump (and write a migration) when a table changes."""

APPLICATION_ID = 0x53444353  # "SDCS": SQLite's header field for the application that owns the file
_MARKER = "sdcscan-batch-state"
#: ``meta`` keys of each folder's cross-file findings (a JSON object: absolute path -> findings)
_LINKED = "linked:"

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY,          -- absolute path of the file on disk
    root TEXT NOT NULL,             -- the ROOT argument it was found under (absolute)
    project TEXT NOT NULL,          -- the project folder, relative to root
    relpath TEXT NOT NULL,          -- the path shown in reports (relative to root)
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    hash TEXT,                      -- blake3:<hex> (blake2b: before 2026-12); NULL when the bytes could not be read
    config_hash TEXT NOT NULL,      -- '' when the result must not be reused (the worker died)
    tool_version TEXT NOT NULL,
    verdict TEXT NOT NULL,          -- as scanned, before approvals
    result TEXT NOT NULL,           -- JSON list of FileResult (the file, then an archive's members)
    scanned_at TEXT NOT NULL,
    run_id INTEGER
);
CREATE INDEX files_project ON files (root, project);
CREATE TABLE findings (
    path TEXT NOT NULL REFERENCES files (path) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    rule TEXT NOT NULL
);
CREATE INDEX findings_fingerprint ON findings (fingerprint);
CREATE INDEX findings_path ON findings (path);
CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    file_hash TEXT NOT NULL,        -- the content the approval holds for: a changed file fails again
    path TEXT NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (fingerprint, file_hash)
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    user TEXT NOT NULL,
    status TEXT NOT NULL,           -- running, finished (a run killed stays 'running')
    summary TEXT
);
"""

_TABLES = {"schema_version", "meta", "files", "findings", "approvals", "runs"}


class StateError(Exception):
    """The state database cannot be used: not a database, another application's, corrupt, too new."""


class StateBusy(StateError):
    """Another batch holds the state's lock."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_user() -> str:
    """The login name of the person running the command (``getpass``), else ``uid:<n>``."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (a container)
        return f"uid:{os.getuid()}"


# --- results as JSON ------------------------------------------------------------------------------------


def _finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule, "name": f.name, "severity": int(f.severity),
        "location": {"path": loc.path, "line": loc.line, "row": loc.row, "column": loc.column, "sheet": loc.sheet,
                     "cell": None if loc.cell is None else [list(p) for p in loc.cell], "member": loc.member},
        "message": f.message, "evidence": f.evidence.text, "fingerprint": f.fingerprint,
    }


def _finding_from(d: dict[str, Any]) -> Finding:
    loc = d["location"]
    cell = None if loc["cell"] is None else tuple((str(k), str(v)) for k, v in loc["cell"])
    location = Location(loc["path"], loc["line"], loc["row"], loc["column"], loc["sheet"], cell, loc["member"])
    # The evidence text was masked when the finding was made; masking.evidence re-masks it (idempotent), so
    # a tampered state cannot put an unmasked number into a report either.
    return Finding(d["rule"], d["name"], Severity(d["severity"]), location, d["message"],
                   masking.evidence(d["evidence"]), d["fingerprint"])


def results_to_json(results: Sequence[FileResult]) -> str:
    """The results of one file on disk (its own, then an archive's members') as compact JSON.

    Acceptances are not stored with results: they are applied when a report is built.
    """
    return json.dumps([{
        "path": r.path, "kind": r.kind, "bytes": r.bytes, "seconds": r.seconds, "hash": r.hash,
        "members_verdict": None if r.members_verdict is None else r.members_verdict.value,
        "findings": [_finding_dict(f) for f in r.findings],
    } for r in results], ensure_ascii=False, separators=(",", ":"))


def results_from_json(text: str) -> list[FileResult]:
    """The inverse of :func:`results_to_json`."""
    out = []
    for d in json.loads(text):
        mv = d["members_verdict"]
        out.append(FileResult(d["path"], d["kind"], d["bytes"], tuple(_finding_from(f) for f in d["findings"]),
                              d["seconds"], d["hash"], None if mv is None else Verdict(mv)))
    return out


# --- rows -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatKey:
    """What ``stat`` says about a file: when all of it is unchanged, the file is not read again.

    ``ctime_ns`` is in the key although the issue names size, mtime and inode: a file's owner can set its
    mtime back (``touch -d``, ``os.utime``) after changing it, but not its ctime, which the kernel sets on
    every change.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> StatKey:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file's row in the state (its results are loaded only when asked for)."""

    path: str
    project: str
    relpath: str
    stat: StatKey
    hash: str | None
    config_hash: str
    tool_version: str
    verdict: str


@dataclass(frozen=True, slots=True)
class Approval:
    """One stored approval."""

    fingerprint: str
    file_hash: str
    path: str
    rule: str
    reason: str
    who: str
    at: str

    @property
    def acceptance(self) -> Acceptance:
        return Acceptance(self.who, self.at, self.reason)


# --- the database ---------------------------------------------------------------------------------------


class State:
    """An open state database. Use :meth:`open` (with ``lock=True`` for a batch run) and close it."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path = path
        self._conn = conn
        self._lock_fd = lock_fd

    # -- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, lock: bool = False) -> State:
        """Open (or, when ``create`` and the path does not exist, create) the state at ``path``.

        ``lock`` takes the batch lock first and raises :class:`StateBusy` when another process holds it.
        Raises :class:`StateError` for anything that is not a usable sdcscan state.
        """
        path = Path(path)
        lock_fd = _take_lock(path) if lock else None
        try:
            exists = path.exists()
            if not exists and not create:
                raise StateError(f"{path}: no such state database")
            if exists and not path.is_file():
                raise StateError(f"{path}: not a file")
            if exists and path.stat().st_size == 0:
                raise StateError(f"{path}: the file is empty, not an sdcscan state database (a new state is only "
                                 "started at a path that does not exist: remove the empty file to start one)")
            if not exists:
                # Private from the first byte (SQLite gives its -wal and -shm files the same mode): the state
                # holds every project's findings.
                path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            conn = _connect(path)
            try:
                if exists:
                    _check(conn, path)
                else:
                    _create(conn)
            except BaseException:
                conn.close()
                if not exists:  # a state half made by this call is not a state: the next run starts afresh
                    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
                raise
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        return cls(path, conn, lock_fd)

    def close(self) -> None:
        """Close the database and release the lock."""
        self._conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------------------

    def start_run(self) -> tuple[int, list[int]]:
        """Record a new run; return its id and the ids of earlier runs that never finished (killed)."""
        with self._conn:
            unfinished = [r[0] for r in self._conn.execute("SELECT id FROM runs WHERE status = 'running'")]
            self._conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = self._conn.execute(
                "INSERT INTO runs (started_at, host, pid, user, status) VALUES (?, ?, ?, ?, 'running')",
                (_now(), socket.gethostname(), os.getpid(), current_user()))
        return int(cur.lastrowid or 0), unfinished

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self._conn:
            self._conn.execute("UPDATE runs SET status = 'finished', finished_at = ?, summary = ? WHERE id = ?",
                               (_now(), json.dumps(summary, ensure_ascii=False), run_id))

    # -- files -----------------------------------------------------------------------------------------

    def files_under(self, root: str, project: str) -> dict[str, StoredFile]:
        """The stored rows of one project, by absolute path."""
        rows = self._conn.execute(
            "SELECT path, project, relpath, size, mtime_ns, ctime_ns, inode, hash, config_hash, tool_version, "
            "verdict FROM files WHERE root = ? AND project = ?", (root, project))
        return {r[0]: StoredFile(r[0], r[1], r[2], StatKey(r[3], r[4], r[5], r[6]), r[7], r[8], r[9], r[10])
                for r in rows}

    def projects_under(self, root: str) -> set[str]:
        """The projects with stored files under ``root``."""
        return {r[0] for r in self._conn.execute("SELECT DISTINCT project FROM files WHERE root = ?", (root,))}

    def results(self, paths: Iterable[str]) -> dict[str, list[FileResult]]:
        """The stored results of ``paths`` (absolute), by path."""
        out: dict[str, list[FileResult]] = {}
        for chunk in _chunks(list(paths), 500):
            marks = ",".join("?" * len(chunk))
            for path, text in self._conn.execute(f"SELECT path, result FROM files WHERE path IN ({marks})", chunk):
                out[path] = results_from_json(text)
        return out

    def put(self, *, path: str, root: str, project: str, relpath: str, stat: StatKey, results: Sequence[FileResult],
            config_hash: str, tool_version: str, run_id: int) -> None:
        """Store one file's results (replacing its row and findings) and commit."""
        own = results[0]
        with self._conn:
            self._conn.execute("DELETE FROM findings WHERE path = ?", (path,))
            self._conn.execute(
                "INSERT OR REPLACE INTO files (path, root, project, relpath, size, mtime_ns, ctime_ns, inode, hash, "
                "config_hash, tool_version, verdict, result, scanned_at, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, root, project, relpath, stat.size, stat.mtime_ns, stat.ctime_ns, stat.inode, own.hash,
                 config_hash, tool_version, own.verdict.value, results_to_json(results), _now(), run_id))
            self._conn.executemany("INSERT INTO findings (path, fingerprint, rule) VALUES (?, ?, ?)",
                                   [(path, f.fingerprint, f.rule) for r in results for f in r.findings])

    def touch(self, path: str, stat: StatKey) -> None:
        """The file's stat changed but its content did not: store the new stat key and commit."""
        with self._conn:
            self._conn.execute("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ? WHERE path = ?",
                               (stat.size, stat.mtime_ns, stat.ctime_ns, stat.inode, path))

    def forget(self, paths: Iterable[str]) -> int:
        """Remove deleted files (and their findings); return how many rows went. Approvals stay: they are
        bound to a content hash, and a file that comes back unchanged is still approved."""
        n = 0
        with self._conn:
            for chunk in _chunks(list(paths), 500):
                marks = ",".join("?" * len(chunk))
                self._conn.execute(f"DELETE FROM findings WHERE path IN ({marks})", chunk)
                n += self._conn.execute(f"DELETE FROM files WHERE path IN ({marks})", chunk).rowcount
        return n

    # -- findings across the files of a folder (scanner.delivery) --------------------------------------

    def linked(self, paths: Iterable[str]) -> dict[str, list[Finding]]:
        """The stored cross-file findings of ``paths`` (absolute), by path (see :meth:`set_linked`)."""
        wanted = set(paths)
        out: dict[str, list[Finding]] = {}
        folders = {str(Path(p).parent) for p in wanted}
        for chunk in _chunks(sorted(folders), 500):
            keys = [_LINKED + f for f in chunk]
            marks = ",".join("?" * len(keys))
            for (value,) in self._conn.execute(f"SELECT value FROM meta WHERE key IN ({marks})", keys):
                for path, found in json.loads(value).items():
                    if path in wanted:
                        out[path] = [_finding_from(d) for d in found]
        return out

    def set_linked(self, folder: str, found: dict[str, Sequence[Finding]]) -> None:
        """Replace the cross-file findings of one folder's files (their fingerprints go into ``findings`` too,
        so that ``sdcscan approve`` finds them) and commit. They are kept apart from each file's own result:
        a file's row is reused while the folder's other files change, and then the folder is linked again."""
        key = _LINKED + folder
        with self._conn:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            for path, old in (json.loads(row[0]).items() if row else ()):
                self._conn.executemany("DELETE FROM findings WHERE path = ? AND fingerprint = ?",
                                       [(path, d["fingerprint"]) for d in old])
            kept = {path: [_finding_dict(f) for f in fs] for path, fs in found.items() if fs}
            if kept:
                self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   (key, json.dumps(kept, ensure_ascii=False)))
            else:
                self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            known = {r[0] for r in self._conn.execute(
                f"SELECT path FROM files WHERE path IN ({','.join('?' * len(kept))})", list(kept))} if kept else set()
            self._conn.executemany("INSERT INTO findings (path, fingerprint, rule) VALUES (?, ?, ?)",
                                   [(path, f["fingerprint"], f["rule"]) for path, fs in kept.items()
                                    if path in known for f in fs])

    def count_files(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM files").fetchone()[0])

    # -- approvals -------------------------------------------------------------------------------------

    def locate(self, fingerprint: str) -> list[tuple[str, str, str | None]]:
        """Where a finding with ``fingerprint`` is in the stored results: (path, rule, file hash) rows."""
        rows = self._conn.execute(
            "SELECT DISTINCT f.path, f.rule, files.hash FROM findings AS f JOIN files ON files.path = f.path "
            "WHERE f.fingerprint = ? ORDER BY f.path", (fingerprint,))
        return [(r[0], r[1], r[2]) for r in rows]

    def approve(self, fingerprint: str, *, reason: str, who: str | None = None) -> list[Approval]:
        """Accept the finding ``fingerprint`` for the current content of the file(s) it is in.

        Raises :class:`StateError` when no stored result has that finding, or its file's bytes were never
        read (nothing to bind the approval to).
        """
        reason = reason.strip()
        if not reason:
            raise StateError("an approval needs a reason")
        where = self.locate(fingerprint)
        if not where:
            raise StateError(f"no finding with fingerprint {fingerprint} in {self.path} (fingerprints are in the "
                             "batch's reports; the file must have been scanned by a batch on this state)")
        unread = [p for p, _, h in where if h is None]
        if unread:
            raise StateError(f"finding {fingerprint} is in a file whose content could not be read ({unread[0]}): "
                             "there is no content to bind the approval to")
        who = who or current_user()
        at = _now()
        out = []
        with self._conn:
            for path, rule, file_hash in where:
                assert file_hash is not None
                self._conn.execute(
                    "INSERT OR REPLACE INTO approvals (fingerprint, file_hash, path, rule, reason, who, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (fingerprint, file_hash, path, rule, reason, who, at))
                out.append(Approval(fingerprint, file_hash, path, rule, reason, who, at))
        return out

    def approvals(self) -> dict[tuple[str, str], Approval]:
        """Every approval by (fingerprint, file hash)."""
        rows = self._conn.execute("SELECT fingerprint, file_hash, path, rule, reason, who, at FROM approvals")
        return {(r[0], r[1]): Approval(*r) for r in rows}


def _chunks(items: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level="DEFERRED")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
    except sqlite3.Error as exc:
        raise StateError(f"{path}: cannot open the state database ({exc})") from None


def _create(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with conn:
        conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                         [("application", _MARKER), ("created_at", _now())])


def _check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse anything but an intact sdcscan state of a schema this version knows."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StateError(f"{path}: not an sdcscan state database, or a corrupt one ({exc}); refusing to start a "
                         "new state over it (move it away to start afresh)") from None
    if app_id != APPLICATION_ID or not tables >= _TABLES:
        raise StateError(f"{path}: an SQLite database of another application, not an sdcscan state; refusing to "
                         "use it (point --state at a new path)")
    try:
        marker = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StateError(f"{path}: the state database is corrupt ({exc}); restore it from a backup or move it "
                         "away to start afresh") from None
    if marker is None or marker[0] != _MARKER:
        raise StateError(f"{path}: an SQLite database of another application, not an sdcscan state")
    if ok != "ok":
        raise StateError(f"{path}: the state database is corrupt (quick_check: {ok}); restore it from a backup or "
                         "move it away to start afresh")
    if len(versions) != 1:
        raise StateError(f"{path}: the state database is corrupt (schema_version holds {len(versions)} rows)")
    if versions[0] > SCHEMA_VERSION:
        raise StateError(f"{path}: written by a newer sdcscan (state schema {versions[0]}, this version reads "
                         f"{SCHEMA_VERSION}); upgrade sdcscan")
    if versions[0] < SCHEMA_VERSION:  # pragma: no cover - there is no older schema yet
        raise StateError(f"{path}: state schema {versions[0]} has no migration to {SCHEMA_VERSION}")
    conn.execute("PRAGMA synchronous = NORMAL")


def _take_lock(path: Path) -> int:
    """An exclusive, non-blocking ``flock`` on ``<state>.lock``; the holder's pid and host are written in it."""
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = ""
        with contextlib.suppress(OSError):
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StateBusy(f"another sdcscan batch is running on {path} ({holder or 'holder unknown'}); refusing "
                            "to start a second one on the same state") from None
        raise StateError(f"{lock_path}: cannot lock ({exc.strerror})") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {_now()}\n".encode(), 0)
    return fd
