"""The nightly batch: every project folder, incrementally, on local processes or a Dask cluster.

``run_batch(roots, config, state_path, reports_dir)`` walks each project folder (by default each folder
directly under a root), compares every file with the state database (:mod:`scanner.batch.state`) and reads only
what changed:

- size, mtime, ctime and inode unchanged, and the same configuration and tool version: the stored result
  is used, the file is not opened;
- the stat changed but the content hash did not (a ``touch``, a copy back): the file is read once to hash
  it, and not scanned again;
- otherwise the file is scanned by the same engine as ``sdcscan scan`` (:func:`scanner.api.scan_entry`),
  the content hash taken on the scan's read (a file of up to 8 KiB is hashed on discovery's read).

A change of rules, profile, fingerprint key or tool version makes the configuration hash differ, and every
file is scanned again (the conservative reading of "rescans what it affects": no rule is assumed not to
depend on an option). Each file's result is committed as it finishes, so a run killed at any moment loses
nothing finished and the next run goes on from there.

Files are scanned by an executor: worker processes on this machine (default), in this process
(``serial``), or Dask distributed (``local:N`` starts a LocalCluster of N worker processes on 127.0.0.1;
``tcp://host:port`` or ``tls://host:port`` uses a running scheduler whose workers see the same file
system). A worker that dies while scanning a file (a crash, the OOM killer) gets the file retried once; a
second death makes the file a FIL001 review ("the worker died"), and the run goes on. A file whose worker
died, and a file whose bytes could not be read, is scanned again on the next run.

Symbolic links below a project are not followed (they are FIL001 review entries): a link in one project's
folder must not bring another project's files, or anything else, into its report.

Reports: ``DIR/<project>/report.json`` (and the other ``formats``) with a configurable mode and group,
and ``DIR/summary.json`` across projects. Approvals (``sdcscan approve``) come only from the state
database: a finding accepted for the file's current content is marked ``accepted`` and no longer counts
towards the verdict or the exit code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import grp
import hashlib
import hmac
import json
import logging
import os
import re
import stat as stat_mod
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, TextIO

from scanner import __version__, masking
from scanner.api import analyse_table, scan_entry
from scanner.batch.executors import (
    BatchError,
    Failure,
    FileTask,
    Job,
    ScanFn,
    make_executor,
    scan_task,
)
from scanner.batch.state import Approval, State, StateError, StatKey, StoredFile
from scanner.delivery import delivery_findings, with_findings
from scanner.discover import DiscoveredFile, FileKind
from scanner.discover.walk import error_text, exclude_pattern, excluded
from scanner.findings import FileResult, ScanResult, Severity, Verdict, verdict_for, worst_verdict

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.reporters import Format


log = logging.getLogger(__name__)

#: What a file's report is called in DIR/<project>/ for each format (another format: report.<format>).
REPORT_NAMES = {"json": "report.json", "sarif": "report.sarif", "html": "report.html", "acro": "results.json",
                "console": "report.txt"}





def report_name(fmt: Format | str) -> str:
    """The file name of a project's report in format ``fmt``."""
    value = str(getattr(fmt, "value", fmt))
    return REPORT_NAMES.get(value, f"report.{value}")


def config_hash(config: Config, key: bytes) -> str:
    """What a stored result depends on besides the content and the tool version: the effective rule
    configuration (not where it was read from) and the fingerprint key (an id derived from it, never the
    key: fingerprints in stored results are keyed with it)."""
    settings = config.as_dict()
    settings.pop("sources", None)
    key_id = hmac.new(key, b"sdcscan batch state: fingerprint key id", hashlib.sha256).hexdigest()
    text = json.dumps({"config": settings, "key": key_id}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- progress -------------------------------------------------------------------------------------------


class BatchProgress(Protocol):
    """Receives the progress of the files that are read (the stored results of the others are instant)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def stop(self) -> None: ...


class LogProgress:
    """A log line every ``interval`` seconds (for cron): files done, files/s, MB/s, time remaining."""

    def __init__(self, out: TextIO | None = None, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out
        self.interval = interval
        self.clock = clock
        self.files = self.total_files = self.bytes = self.total_bytes = 0
        self.started = self.last = 0.0

    def start(self, files: int, total_bytes: int) -> None:
        self.total_files, self.total_bytes = files, total_bytes
        self.started = self.last = self.clock()
        self._write(f"sdcscan: batch: {files} files to read ({total_bytes / 1e6:,.1f} MB)")

    def advance(self, nbytes: int) -> None:
        self.files += 1
        self.bytes += nbytes
        now = self.clock()
        if now - self.last >= self.interval:
            self.last = now
            self._write(self.line(now))

    def line(self, now: float, *, done: bool = False) -> str:
        """``1200/10000 files, 35.2 files/s, 1.2 MB/s, about 4 min remaining``."""
        elapsed = max(now - self.started, 1e-9)
        rate = self.files / elapsed
        head = (f"sdcscan: batch: {self.files}/{self.total_files} files, {rate:.1f} files/s, "
                f"{self.bytes / 1e6 / elapsed:.1f} MB/s")
        if done:
            return f"{head}, done in {_duration(elapsed)}"
        if rate <= 0:
            return f"{head}, time remaining unknown"
        return f"{head}, about {_duration((self.total_files - self.files) / rate)} remaining"

    def stop(self) -> None:
        if self.total_files:
            self._write(self.line(self.clock(), done=True))

    def _write(self, text: str) -> None:
        out = self.out if self.out is not None else sys.stderr
        out.write(text + "\n")
        out.flush()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# --- walking a project ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """A file found under a project: a regular file with its stat key, or an entry with an error."""

    path: str
    relpath: str
    stat: StatKey | None
    error: str | None = None


def _walk(directory: Path, relpath: str, below: str, rx: re.Pattern[str] | None,
          ancestors: tuple[tuple[int, int], ...]) -> Iterator[_Found]:
    """Every file under ``directory``: ``stat`` only, nothing is opened. Symlinks are not followed."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _Found(str(directory), relpath, None, error_text(exc))
        return
    for entry in entries:
        rel = f"{relpath}/{entry.name}"
        sub = f"{below}/{entry.name}" if below else entry.name
        if excluded(rx, rel, sub, entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            yield _Found(entry.path, rel, None, error_text(exc))
            continue
        if stat_mod.S_ISLNK(st.st_mode):
            broken = not os.path.exists(entry.path)
            yield _Found(entry.path, rel, None, "broken symlink" if broken else "not a regular file")
        elif stat_mod.S_ISDIR(st.st_mode):
            dev_ino = (st.st_dev, st.st_ino)
            if dev_ino in ancestors:  # a bind mount looping back
                yield _Found(entry.path, rel, None, "symlink loop")
            else:
                yield from _walk(Path(entry.path), rel, sub, rx, (*ancestors, dev_ino))
        elif stat_mod.S_ISREG(st.st_mode):
            yield _Found(entry.path, rel, StatKey.of(st))
        else:
            yield _Found(entry.path, rel, None, "not a regular file")  # FIFO, socket, device: never opened


@dataclass(frozen=True, slots=True)
class _Project:
    root: Path  # absolute, as given (symlinks kept)
    name: str  # relative to root, POSIX
    path: Path

    @property
    def root_key(self) -> str:
        return str(self.root)


def _projects(roots: Sequence[Path], glob: str, rx: re.Pattern[str] | None) -> list[_Project]:
    out: list[_Project] = []
    seen: dict[str, Path] = {}
    for root in roots:
        found = 0
        for path in sorted(root.glob(glob)):
            name = path.relative_to(root).as_posix()
            if not path.is_dir() or excluded(rx, name, name, path.name):
                continue
            if any(part.startswith(".") for part in name.split("/")) and not glob.startswith("."):
                continue  # .snapshot, .Trash: not projects unless the glob asks for hidden folders
            if name in seen:
                raise BatchError(f"project {name} is under two roots ({seen[name]} and {root}): its reports would "
                                 "collide in the reports folder")
            seen[name] = root
            out.append(_Project(root, name, path))
            found += 1
        if not found:
            log.warning("no project folders matching %r under %s", glob, root)
        loose = sum(1 for p in root.iterdir() if not p.is_dir()) if glob == "*" else 0
        if loose:
            log.warning("%d files directly under %s belong to no project and are not scanned", loose, root)
    return out


# --- the run --------------------------------------------------------------------------------------------


@dataclass
class ProjectSummary:
    """One project's line in the summary."""

    root: str
    project: str
    files: int = 0
    passed: int = 0
    review: int = 0
    fail: int = 0
    accepted: int = 0  # findings accepted by a checker
    new: int = 0  # files not in the state before this run
    changed: int = 0  # files whose content changed since the last run
    deleted: int = 0  # files in the state that are gone
    scanned: int = 0  # files scanned in this run
    rehashed: int = 0  # files read to hash them, content unchanged
    reused: int = 0  # files not read: the stored result
    reports: list[str] = field(default_factory=list)
    worst: Severity | None = None  # of findings not accepted

    def as_dict(self) -> dict[str, Any]:
        return {"root": self.root, "project": self.project, "files": self.files, "pass": self.passed,
                "review": self.review, "fail": self.fail, "accepted": self.accepted, "new": self.new,
                "changed": self.changed, "deleted": self.deleted, "scanned": self.scanned,
                "rehashed": self.rehashed, "reused": self.reused, "reports": self.reports}


_TOTAL_KEYS = ("files", "pass", "review", "fail", "accepted", "new", "changed", "deleted", "scanned", "rehashed",
               "reused")


@dataclass
class BatchSummary:
    """What a batch did, per project and in total."""

    projects: list[ProjectSummary]
    seconds: float
    bytes_read: int
    run_id: int
    interrupted_runs: list[int]
    errors: list[str] = field(default_factory=list)

    @property
    def worst(self) -> Severity | None:
        """The highest severity among findings not accepted, over every project (the exit code)."""
        return max((p.worst for p in self.projects if p.worst is not None), default=None)

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(_TOTAL_KEYS, 0)
        for p in self.projects:
            d = p.as_dict()
            for k in _TOTAL_KEYS:
                out[k] += d[k]
        return out

    def as_dict(self) -> dict[str, Any]:
        """``summary.json``: counts only, no finding (it is read by operations, not by the projects)."""
        return {"schema_version": 1, "tool": {"name": "sdcscan", "version": __version__}, "run": self.run_id,
                "seconds": round(self.seconds, 3), "bytes_read": self.bytes_read,
                "interrupted_runs": self.interrupted_runs, "totals": self.totals(),
                "projects": [p.as_dict() for p in self.projects], "errors": self.errors}

    def table(self) -> str:
        """The summary as a fixed-width table (for the console and the cron mail)."""
        cols = ("project", "files", "pass", "review", "fail", "accepted", "new", "changed", "deleted", "scanned")
        rows = [[p.project, *(str(p.as_dict()[c]) for c in cols[1:])] for p in self.projects]
        totals = self.totals()
        rows.append(["total", *(str(totals[c]) for c in cols[1:])])
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
        fmt = "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
        lines = [fmt.format(*cols), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*r) for r in rows[:-1]]
        lines += [fmt.format(*("-" * w for w in widths)), fmt.format(*rows[-1])]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class ReportPermissions:
    """File mode of the reports (directories get x where the mode has r) and their group: a name, a gid,
    or a template with ``{project}`` (the project folder's name) for one group per project."""

    mode: int = 0o640
    group: str | None = None

    def gid(self, project: str) -> int | None:
        if self.group is None:
            return None
        name = self.group.replace("{project}", project.rsplit("/", 1)[-1])
        if name.isdigit():
            return int(name)
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            raise BatchError(f"--report-group: no group named {name!r} (project {project})") from None

    @property
    def dir_mode(self) -> int:
        return self.mode | ((self.mode & 0o444) >> 2)


def _inside(child: Path, parent: Path) -> bool:
    return child.resolve().is_relative_to(parent.resolve())


def _check_places(roots: Sequence[Path], state_path: Path, reports_dir: Path) -> None:
    for root in roots:
        if not root.is_dir():
            raise BatchError(f"{root}: not a folder (a batch root is a folder of project folders)")
        if _inside(reports_dir, root) or _inside(root, reports_dir):
            raise BatchError(f"refusing to write reports to {reports_dir}: it is inside the scanned root {root} or "
                             "holds it (the scanner never writes into what it scans)")
        if _inside(state_path, root):
            raise BatchError(f"refusing to keep the state {state_path} inside the scanned root {root}: whoever can "
                             "write there could change results and approvals")


def _failure_results(task: FileTask, reason: str, job: Job) -> tuple[FileResult, ...]:
    entry = DiscoveredFile(Path(task.path), task.relpath, FileKind.BINARY, 0, reason)
    return tuple(scan_entry(entry, job.config, job.key, threads=1))


def run_batch(
    roots: Sequence[Path | str],
    config: Config,
    state_path: Path | str,
    reports_dir: Path | str,
    projects_glob: str = "*",
    scheduler: str | None = None,
    *,
    jobs: int | None = None,
    formats: Sequence[Format] | None = None,
    permissions: ReportPermissions | None = None,
    exclude: Sequence[str] = (),
    progress: BatchProgress | None = None,
    scan_fn: ScanFn = scan_task,
) -> BatchSummary:
    """Scan every project folder under ``roots`` incrementally; write each project's reports and
    ``summary.json`` into ``reports_dir``; return the summary.

    ``scheduler``: None (worker processes here, ``jobs`` of them, default one per core), ``"serial"`` (this
    process), ``"local:N"`` (a Dask LocalCluster of N workers on 127.0.0.1) or a Dask scheduler address.
    ``formats``: report formats (default JSON). ``scan_fn``: what each worker runs per file (a module-level
    function: it is sent to other processes).

    Raises :class:`BatchError` for an unusable setup and :class:`~scanner.batch.state.StateError` for a state that
    cannot be used (another run holds it, corrupt, foreign).
    """
    from scanner.reporters import Format

    started = time.perf_counter()
    root_paths = [Path(os.path.abspath(os.fspath(r))) for r in roots]
    state_path = Path(state_path)
    reports = Path(reports_dir)
    formats = list(formats) if formats else [Format.JSON]
    permissions = permissions or ReportPermissions()
    _check_places(root_paths, state_path, reports)
    rx = exclude_pattern(exclude)
    projects = _projects(root_paths, projects_glob, rx)
    if not projects:
        raise BatchError("no project folders found to scan")
    gids = {p.name: permissions.gid(p.name) for p in projects}  # a missing group is an error before any work
    key = masking.fingerprint_key()
    job = Job(config, key, threads=1)
    chash = config_hash(config, key)

    with State.open(state_path, lock=True) as state:
        run_id, interrupted = state.start_run()
        if interrupted:
            log.warning("run(s) %s on this state did not finish (killed?): their finished files were kept",
                        ", ".join(map(str, interrupted)))
        summaries: dict[str, ProjectSummary] = {}
        # folders whose files changed, came or went: their tables are linked again (scanner.delivery)
        dirty: set[str] = set()
        tasks: list[FileTask] = []
        where: dict[str, tuple[_Project, _Found, StoredFile | None]] = {}
        total_bytes = 0
        for project in projects:
            summary = summaries[project.name] = ProjectSummary(project.root_key, project.name)
            stored = state.files_under(project.root_key, project.name)
            top = project.path.stat()
            found = list(_walk(project.path, project.name, "", rx, ((top.st_dev, top.st_ino),)))
            seen = set()
            for f in found:
                seen.add(f.path)
                old = stored.get(f.path)
                if old is None:
                    summary.new += 1
                reusable = (old is not None and old.config_hash == chash and old.tool_version == __version__
                            and old.hash is not None)
                if f.error is not None:
                    results = _failure_results(FileTask(f.path, f.relpath), f.error, job)
                    state.put(path=f.path, root=project.root_key, project=project.name, relpath=f.relpath,
                              stat=StatKey(0, 0, 0, 0), results=results, config_hash="", tool_version=__version__,
                              run_id=run_id)
                    if old is not None and old.hash is not None:
                        summary.changed += 1
                    summary.scanned += 1
                    continue
                assert f.stat is not None
                if reusable and old is not None and old.stat == f.stat:
                    summary.reused += 1
                    continue
                tasks.append(FileTask(f.path, f.relpath, old.hash if reusable and old is not None else None))
                where[f.path] = (project, f, old)
                total_bytes += f.stat.size
            gone = [p for p in stored if p not in seen]
            if gone and not (len(found) == 1 and found[0].error and found[0].relpath == project.name):
                summary.deleted += state.forget(gone)
                dirty.update(str(Path(p).parent) for p in gone)
        # Projects under a scanned root whose folder is gone: their files are deleted too.
        wanted = {(p.root_key, p.name) for p in projects}
        for root in root_paths:
            for name in state.projects_under(str(root)) - {n for r, n in wanted if r == str(root)}:
                if not (root / name).is_dir():
                    n = state.forget(list(state.files_under(str(root), name)))
                    log.info("project %s is gone: %d files left the state", name, n)

        bytes_read = 0
        if tasks:
            if progress is not None:
                progress.start(len(tasks), total_bytes)
            executor = make_executor(scheduler, job, scan_fn, jobs)
            try:
                for task, outcome in executor.run(tasks):
                    project, f, old = where[task.path]
                    assert f.stat is not None
                    summary = summaries[project.name]
                    bytes_read += f.stat.size
                    if isinstance(outcome, Failure):
                        results, chash_used = _failure_results(task, outcome.reason, job), ""
                    elif outcome.tool_version != __version__:
                        raise BatchError(f"a worker runs sdcscan {outcome.tool_version}, this batch "
                                         f"{__version__}: install the same version on every worker")
                    elif outcome.results is None:  # the content is unchanged: keep the stored result
                        state.touch(task.path, f.stat)
                        summary.rehashed += 1
                        if progress is not None:
                            progress.advance(f.stat.size)
                        continue
                    else:
                        results, chash_used = outcome.results, chash
                        # a file whose bytes could not be read is read again next time
                        if results[0].hash is None:
                            chash_used = ""
                    state.put(path=task.path, root=project.root_key, project=project.name, relpath=task.relpath,
                              stat=f.stat, results=results, config_hash=chash_used, tool_version=__version__,
                              run_id=run_id)
                    dirty.add(str(Path(task.path).parent))
                    summary.scanned += 1
                    if old is not None and old.hash != results[0].hash:
                        summary.changed += 1
                    if progress is not None:
                        progress.advance(f.stat.size)
            finally:
                executor.close()
                if progress is not None:
                    progress.stop()

        for project in projects:
            _link_folders(state, project, dirty, config, job.key)
        approvals = state.approvals()
        reports.mkdir(parents=True, exist_ok=True, mode=0o711)
        errors: list[str] = []
        for project in projects:
            summary = summaries[project.name]
            stored = state.files_under(project.root_key, project.name)
            loaded = state.results(stored)
            for path, extra in state.linked(loaded).items():
                loaded[path] = [with_findings(loaded[path][0], extra), *loaded[path][1:]]
            files: list[FileResult] = []
            for path in loaded:
                marked, n_accepted = apply_approvals(loaded[path], approvals)
                summary.accepted += n_accepted
                files.extend(marked)
                _count(summary, marked[0])  # a project counts its files on disk (an archive's members are
                # in its report)
            files.sort(key=lambda r: r.path)  # stable: an archive's members stay in archive order after it
            result = ScanResult(__version__, config.profile.name, tuple(files), sum(f.seconds for f in files))
            summary.worst = result.worst()
            try:
                summary.reports = _write_reports(result, reports / project.name, formats, permissions,
                                                 gids[project.name])
            except OSError as exc:
                errors.append(f"cannot write the reports of {project.name}: {exc.strerror or type(exc).__name__}")
        batch = BatchSummary(list(summaries.values()), time.perf_counter() - started, bytes_read, run_id,
                             interrupted, errors)
        try:
            _write_file(reports / "summary.json", json.dumps(batch.as_dict(), indent=2, ensure_ascii=False) + "\n",
                        permissions.mode, None)
        except OSError as exc:
            batch.errors.append(f"cannot write summary.json: {exc.strerror or type(exc).__name__}")
        state.finish_run(run_id, batch.as_dict())
    return batch


def _link_folders(state: State, project: _Project, dirty: set[str], config: Config, key: bytes) -> None:
    """Link the tables of the project's folders whose files changed (:mod:`scanner.delivery`) and store the
    findings across files. A folder nothing changed in keeps the findings stored for it, so a rerun over an
    unchanged tree reads no file."""
    stored = state.files_under(project.root_key, project.name)
    by_folder: dict[str, list[str]] = {}
    for path in stored:
        folder = str(Path(path).parent)
        if folder in dirty:
            by_folder.setdefault(folder, []).append(path)
    for folder, paths in sorted(by_folder.items()):
        own = {path: results[0] for path, results in state.results(paths).items()}
        entries = []
        for path, result in own.items():
            try:
                entries.append(DiscoveredFile(Path(path), result.path, FileKind(result.kind), result.bytes))
            except ValueError:
                continue  # a kind this version does not know: not a table it links
        found = delivery_findings(entries, list(own.values()), config, key, analyse_table)
        by_relpath = {result.path: path for path, result in own.items()}
        state.set_linked(folder, {by_relpath[rel]: fs for rel, fs in found.items() if rel in by_relpath})
    for folder in dirty - set(by_folder):
        if Path(folder).is_relative_to(project.path):
            state.set_linked(folder, {})  # (every file of the folder went)


def _count(summary: ProjectSummary, file: FileResult) -> None:
    summary.files += 1
    verdict = file.verdict
    if verdict is Verdict.PASS:
        summary.passed += 1
    elif verdict is Verdict.REVIEW:
        summary.review += 1
    else:
        summary.fail += 1


def apply_approvals(results: Sequence[FileResult], approvals: dict[tuple[str, str], Approval]
                    ) -> tuple[list[FileResult], int]:
    """One file's results with the findings a checker accepted for its current content marked; the
    verdicts of archives recomputed from their members'. Returns the results and how many were accepted."""
    disk_hash = results[0].hash if results else None
    if disk_hash is None or not approvals:
        return list(results), 0
    n = 0
    marked: list[FileResult] = []
    for r in results:
        findings = []
        for f in r.findings:
            approval = approvals.get((f.fingerprint, disk_hash))
            if approval is not None:
                n += 1
                # The message says it too, for report formats that do not show the ``accepted`` field yet.
                f = dataclasses.replace(f, accepted=approval.acceptance, message=(
                    f"{f.message} Accepted by {approval.who} on {_day(approval.at)}: {approval.reason}"))
            findings.append(f)
        marked.append(dataclasses.replace(r, findings=tuple(findings)))
    if not n:
        return marked, 0
    out = []
    for r in marked:
        if r.members_verdict is not None:
            below = [m for m in marked if m.path.startswith(r.path + "!")]
            r = dataclasses.replace(r, members_verdict=worst_verdict(*(verdict_for(m.findings) for m in below)))
        out.append(r)
    return out, n


def _day(iso: str) -> str:
    """``4 Dec 2026``: a date written ``2026-12-04`` would be masked in reports as a run of digits."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b %Y')}"


def _write_reports(result: ScanResult, directory: Path, formats: Iterable[Format], permissions: ReportPermissions,
                   gid: int | None) -> list[str]:
    import io

    from scanner.reporters import render

    directory.mkdir(parents=True, exist_ok=True)
    # Applied every run: a changed --report-mode or --report-group takes effect on existing folders too.
    if gid is not None:
        os.chown(directory, -1, gid)
    os.chmod(directory, permissions.dir_mode)
    written = []
    for fmt in formats:
        buffer = io.StringIO()
        render(result, fmt, buffer, color=False, verbose=True)
        target = directory / report_name(fmt)
        _write_file(target, buffer.getvalue(), permissions.mode, gid)
        written.append(str(target))
    return written


def _write_file(path: Path, text: str, mode: int, gid: int | None) -> None:
    """Write ``text`` to ``path`` atomically, with ``mode`` and group ``gid`` set before any byte is in it
    (the temporary file is created 0600, so it is never readable by anyone else on the way)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        f: IO[str]
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if gid is not None:
                os.fchown(f.fileno(), -1, gid)
            os.fchmod(f.fileno(), mode)
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def approve(state_path: Path | str, fingerprint: str, reason: str, who: str | None = None) -> list[Approval]:
    """Accept a finding (``sdcscan approve``) in the state at ``state_path``; see :meth:`State.approve`."""
    fingerprint = fingerprint.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", fingerprint):
        raise StateError(f"{fingerprint!r} is not a fingerprint (hex digits, as in the reports)")
    with State.open(state_path, create=False) as state:
        return state.approve(fingerprint, reason=reason, who=who)
