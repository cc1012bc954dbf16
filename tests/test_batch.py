"""``sdcscan batch`` and ``sdcscan approve``: incremental runs over project folders, the state's history
across kills, the executors (this process, worker processes, a Dask LocalCluster on 127.0.0.1) giving the
same results, a worker that dies, approvals, reports and their permissions, progress lines."""

from __future__ import annotations

import builtins
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from scanner import api
from scanner.batch import (
    WORKER_DIED,
    BatchError,
    FileOutcome,
    FileTask,
    Job,
    LogProgress,
    ReportPermissions,
    run_batch,
    scan_task,
)
from scanner.batch.state import State, StateBusy, StateError
from scanner.config import load_config
from scanner.findings import Verdict
from tests.conftest import REPO, corpus_root

SMALL_CELL = "kom;antal\nAarhus;1\nOdense;20\nAalborg;30\n"
SAFE = "region,antal\nNord,100\nSyd,200\n"


def make_tree(root: Path) -> Path:
    """Two projects: p1 fails (a small cell), p2 passes (a note and a safe table in a subfolder)."""
    (root / "p1").mkdir(parents=True)
    (root / "p2" / "sub").mkdir(parents=True)
    (root / "p1" / "t.csv").write_text(SMALL_CELL, encoding="utf-8")
    (root / "p1" / "ok.csv").write_text(SAFE, encoding="utf-8")
    (root / "p2" / "note.txt").write_text("Results of the 2023 model, see tables.\n", encoding="utf-8")
    (root / "p2" / "sub" / "ok.csv").write_text(SAFE, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "root")


def batch(tmp_path: Path, root: Path, scheduler: str | None = "serial", **kw: Any) -> Any:
    config = kw.pop("config", None) or load_config()
    return run_batch([root], config, tmp_path / "state.sqlite", tmp_path / "reports", scheduler=scheduler, **kw)


def report(tmp_path: Path, project: str) -> dict[str, Any]:
    return json.loads((tmp_path / "reports" / project / "report.json").read_text(encoding="utf-8"))


def by_path(rep: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in rep["files"]}


def comparable(rep: dict[str, Any]) -> dict[str, Any]:
    """A report without its timings."""
    rep = json.loads(json.dumps(rep))
    rep["summary"]["seconds"] = 0
    for f in rep["files"]:
        f["seconds"] = 0
    return rep


def project_line(summary: Any, name: str) -> dict[str, Any]:
    return next(p.as_dict() for p in summary.projects if p.project == name)


# --- incremental runs ------------------------------------------------------------------------------------


def test_first_run_scans_every_project_like_scan_does(tmp_path: Path, tree: Path) -> None:
    summary = batch(tmp_path, tree)
    assert [p.project for p in summary.projects] == ["p1", "p2"]
    assert project_line(summary, "p1") | {"reports": None} == {
        "root": str(tree), "project": "p1", "files": 2, "pass": 1, "review": 0, "fail": 1, "accepted": 0, "new": 2,
        "changed": 0, "deleted": 0, "scanned": 2, "rehashed": 0, "reused": 0, "reports": None}
    p1 = by_path(report(tmp_path, "p1"))
    assert p1["p1/t.csv"]["verdict"] == "fail"
    assert [f["rule"] for f in p1["p1/t.csv"]["findings"]] == ["TAB001"]
    assert set(by_path(report(tmp_path, "p2"))) == {"p2/note.txt", "p2/sub/ok.csv"}  # no p1 file in p2's report
    # The same report as `sdcscan scan ROOT/p1` gives (paths, findings, fingerprints, hashes).
    from scanner.reporters.json import to_dict

    for name in ("p1", "p2"):
        assert comparable(report(tmp_path, name)) == comparable(to_dict(api.scan([tree / name], jobs=1)))
    summary_json = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary_json["totals"]["files"] == 4 and summary_json["totals"]["fail"] == 1
    assert "findings" not in json.dumps(summary_json)  # counts only: operations read it, not the projects


def test_unchanged_rerun_opens_no_scanned_file_and_writes_the_same_reports(
        tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch(tmp_path, tree)
    first = {p: (tmp_path / "reports" / p / "report.json").read_bytes() for p in ("p1", "p2")}
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(file) if isinstance(file, (str, os.PathLike)) else "")
        return real_open(file, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    calls: list[str] = []

    def counting(task: FileTask, job: Job) -> FileOutcome:
        calls.append(task.relpath)
        return scan_task(task, job)

    summary = batch(tmp_path, tree, scan_fn=counting)
    monkeypatch.undo()
    assert calls == []
    assert [p for p in opened if p.startswith(str(tree))] == []
    assert summary.totals()["reused"] == 4 and summary.totals()["scanned"] == 0
    assert summary.totals()["new"] == 0 and summary.totals()["changed"] == 0
    for p, data in first.items():
        assert (tmp_path / "reports" / p / "report.json").read_bytes() == data


def test_changed_file_is_rescanned_and_the_rest_reused(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    (tree / "p1" / "t.csv").write_text(SAFE, encoding="utf-8")
    summary = batch(tmp_path, tree)
    p1 = project_line(summary, "p1")
    assert (p1["scanned"], p1["changed"], p1["reused"], p1["fail"]) == (1, 1, 1, 0)
    assert project_line(summary, "p2")["reused"] == 2
    assert by_path(report(tmp_path, "p1"))["p1/t.csv"]["verdict"] == "pass"


def test_touched_file_is_hashed_not_rescanned(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    os.utime(tree / "p1" / "t.csv")  # a new mtime, the same bytes
    calls: list[str] = []

    def counting(task: FileTask, job: Job) -> FileOutcome:
        outcome = scan_task(task, job)
        calls.append(f"{task.relpath}:{'scanned' if outcome.results else 'same'}")
        return outcome

    summary = batch(tmp_path, tree, scan_fn=counting)
    assert calls == ["p1/t.csv:same"]
    assert project_line(summary, "p1")["rehashed"] == 1 and project_line(summary, "p1")["changed"] == 0
    calls.clear()
    batch(tmp_path, tree, scan_fn=counting)  # the new stat was stored: nothing is read now
    assert calls == []


def test_content_changed_with_mtime_set_back_is_still_rescanned(tmp_path: Path, tree: Path) -> None:
    # A researcher edits a scanned file in place (same size, same inode) and sets its mtime back: the ctime,
    # which no user can set, gives it away.
    target = tree / "p1" / "ok.csv"
    batch(tmp_path, tree)
    before = target.stat()
    time.sleep(0.02)
    with open(target, "r+b") as f:
        f.write(b"region,antal\nNord,1\nSyd,20000\n")  # as long as SAFE
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    summary = batch(tmp_path, tree)
    assert project_line(summary, "p1")["scanned"] == 1
    assert by_path(report(tmp_path, "p1"))["p1/ok.csv"]["verdict"] == "fail"


def test_config_change_rescans_and_same_config_again_reuses(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    summary = batch(tmp_path, tree, config=load_config(profile="acro"))  # threshold 10
    assert summary.totals()["scanned"] == 4 and summary.totals()["reused"] == 0
    rep = report(tmp_path, "p1")
    assert rep["profile"] == "acro"
    summary = batch(tmp_path, tree, config=load_config(profile="acro"))
    assert summary.totals()["reused"] == 4
    summary = batch(tmp_path, tree, config=load_config(ignore=["TAB001"]))
    assert summary.totals()["scanned"] == 4
    assert by_path(report(tmp_path, "p1"))["p1/t.csv"]["verdict"] == "pass"


def test_fingerprint_key_change_rescans(tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch(tmp_path, tree)
    old = by_path(report(tmp_path, "p1"))["p1/t.csv"]["findings"][0]["fingerprint"]
    monkeypatch.setenv("SDCSCAN_FINGERPRINT_KEY", "ffeeddccbbaa99887766554433221100")
    summary = batch(tmp_path, tree)
    assert summary.totals()["scanned"] == 4
    assert by_path(report(tmp_path, "p1"))["p1/t.csv"]["findings"][0]["fingerprint"] != old


def test_deleted_files_and_projects_leave_the_state(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    (tree / "p1" / "t.csv").unlink()
    summary = batch(tmp_path, tree)
    assert project_line(summary, "p1")["deleted"] == 1
    assert set(by_path(report(tmp_path, "p1"))) == {"p1/ok.csv"}
    for f in (tree / "p2" / "sub" / "ok.csv", tree / "p2" / "note.txt"):
        f.unlink()
    (tree / "p2" / "sub").rmdir()
    (tree / "p2").rmdir()
    batch(tmp_path, tree)
    with State.open(tmp_path / "state.sqlite") as state:
        assert state.count_files() == 1
        assert state.projects_under(str(tree)) == {"p1"}


def test_projects_glob_and_exclude(tmp_path: Path, tree: Path) -> None:
    (tree / "scratch").mkdir()
    (tree / "scratch" / "x.csv").write_text(SMALL_CELL, encoding="utf-8")
    (tree / ".snapshot").mkdir()
    (tree / ".snapshot" / "x.csv").write_text(SMALL_CELL, encoding="utf-8")
    summary = batch(tmp_path, tree, projects_glob="p*", exclude=["sub"])
    assert [p.project for p in summary.projects] == ["p1", "p2"]
    assert set(by_path(report(tmp_path, "p2"))) == {"p2/note.txt"}
    summary = batch(tmp_path, tree)  # every folder but the hidden one is a project
    assert [p.project for p in summary.projects] == ["p1", "p2", "scratch"]


def test_symlinks_in_a_project_are_not_followed(tmp_path: Path, tree: Path) -> None:
    # p2 links to p1's table: p1's content must not appear in p2's report (a FIL001 review instead).
    (tree / "p2" / "theirs.csv").symlink_to(tree / "p1" / "t.csv")
    (tree / "p2" / "everything").symlink_to(tree / "p1")
    batch(tmp_path, tree)
    p2 = by_path(report(tmp_path, "p2"))
    for name in ("p2/theirs.csv", "p2/everything"):
        assert p2[name]["verdict"] == "review"
        assert [f["rule"] for f in p2[name]["findings"]] == ["FIL001"]
        assert "not a regular file" in p2[name]["findings"][0]["message"]
    assert not any(f["rule"] == "TAB001" for f in report(tmp_path, "p2")["files"] for f in f["findings"])


# --- places, permissions, refusals ---------------------------------------------------------------------


def test_reports_or_state_inside_a_root_are_refused(tmp_path: Path, tree: Path) -> None:
    config = load_config()
    with pytest.raises(BatchError, match="inside the scanned root"):
        run_batch([tree], config, tmp_path / "s.sqlite", tree / "p1" / "reports", scheduler="serial")
    with pytest.raises(BatchError, match="inside the scanned root"):
        run_batch([tree / "p1"], config, tmp_path / "s.sqlite", tree, scheduler="serial")
    with pytest.raises(BatchError, match="state"):
        run_batch([tree], config, tree / "p1" / "s.sqlite", tmp_path / "reports", scheduler="serial")
    assert not (tree / "p1" / "reports").exists() and not (tree / "p1" / "s.sqlite").exists()


def test_report_mode_and_group(tmp_path: Path, tree: Path) -> None:
    import grp

    group = grp.getgrgid(os.getgid()).gr_name
    batch(tmp_path, tree, permissions=ReportPermissions(0o640, group))
    rep = tmp_path / "reports" / "p1" / "report.json"
    assert stat.S_IMODE(rep.stat().st_mode) == 0o640
    assert stat.S_IMODE(rep.parent.stat().st_mode) == 0o750
    assert rep.stat().st_gid == os.getgid()
    batch(tmp_path, tree, permissions=ReportPermissions(0o600))  # a new mode applies to existing reports
    assert stat.S_IMODE(rep.stat().st_mode) == 0o600
    assert stat.S_IMODE(rep.parent.stat().st_mode) == 0o700


def test_a_missing_project_group_stops_the_batch_before_any_work(tmp_path: Path, tree: Path) -> None:
    with pytest.raises(BatchError, match="no group named 'sdcscan-nonexistent-p1'"):
        batch(tmp_path, tree, permissions=ReportPermissions(0o640, "sdcscan-nonexistent-{project}"))
    assert not (tmp_path / "state.sqlite").exists() and not (tmp_path / "reports").exists()


def test_a_second_batch_on_the_same_state_is_refused(tmp_path: Path, tree: Path) -> None:
    holder = State.open(tmp_path / "state.sqlite", lock=True)
    try:
        with pytest.raises(StateBusy, match="another sdcscan batch is running"):
            batch(tmp_path, tree)
        proc = cli("batch", str(tree), "--state", str(tmp_path / "state.sqlite"), "--reports",
                   str(tmp_path / "reports"), "--scheduler", "serial")
        assert proc.returncode == 2
        assert "another sdcscan batch is running" in proc.stderr
    finally:
        holder.close()
    batch(tmp_path, tree)


def test_a_corrupt_state_is_an_error_not_a_fresh_start(tmp_path: Path, tree: Path) -> None:
    state = tmp_path / "state.sqlite"
    state.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    before = state.read_bytes()
    with pytest.raises(StateError):
        batch(tmp_path, tree)
    assert state.read_bytes() == before
    proc = cli("batch", str(tree), "--state", str(state), "--reports", str(tmp_path / "reports"), "--scheduler",
               "serial")
    assert proc.returncode == 2 and "state" in proc.stderr
    assert state.read_bytes() == before


# --- approvals -----------------------------------------------------------------------------------------


def test_approved_finding_is_accepted_until_the_file_changes(tmp_path: Path, tree: Path) -> None:
    summary = batch(tmp_path, tree)
    assert summary.worst is not None
    [finding] = by_path(report(tmp_path, "p1"))["p1/t.csv"]["findings"]
    proc = cli("approve", finding["fingerprint"], "--reason", "Aarhus figure is published by DST",
               "--state", str(tmp_path / "state.sqlite"))
    assert proc.returncode == 0, proc.stderr
    assert "TAB001" in proc.stdout and "accepted" in proc.stdout

    summary = batch(tmp_path, tree)
    assert summary.worst is None  # exit code 0: nothing left that fails
    assert project_line(summary, "p1")["accepted"] == 1 and project_line(summary, "p1")["fail"] == 0
    entry = by_path(report(tmp_path, "p1"))["p1/t.csv"]
    assert entry["verdict"] == "pass"
    [accepted] = entry["findings"]
    assert accepted["fingerprint"] == finding["fingerprint"] and accepted["severity"] == "block"
    assert "Accepted by" in accepted["message"] and "published by DST" in accepted["message"]
    assert accepted["accepted"]["reason"] == "Aarhus figure is published by DST" and accepted["accepted"]["who"]
    with sqlite3.connect(tmp_path / "state.sqlite") as conn:
        who, at = conn.execute("SELECT who, at FROM approvals").fetchone()
    assert who and at

    # The file changes (same small cell, one more row): the approval no longer holds.
    (tree / "p1" / "t.csv").write_text(SMALL_CELL + "Vejle;40\n", encoding="utf-8")
    summary = batch(tmp_path, tree)
    assert project_line(summary, "p1")["fail"] == 1 and project_line(summary, "p1")["accepted"] == 0
    assert by_path(report(tmp_path, "p1"))["p1/t.csv"]["verdict"] == "fail"


def test_nothing_in_the_scanned_folder_approves(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    [finding] = by_path(report(tmp_path, "p1"))["p1/t.csv"]["findings"]
    # What a researcher could write into their own folder: a baseline, an approvals file, a copy of a state.
    (tree / "p1" / ".sdcscan-approvals.json").write_text(json.dumps({finding["fingerprint"]: "ok"}))
    proc = cli("approve", finding["fingerprint"], "--reason", "mine", "--state", str(tmp_path / "other.sqlite"))
    assert proc.returncode == 2  # an approval needs the batch's own state, where the finding is
    batch(tmp_path, tree)
    assert by_path(report(tmp_path, "p1"))["p1/t.csv"]["verdict"] == "fail"


def test_approve_unknown_fingerprint_is_an_error(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path, tree)
    state = str(tmp_path / "state.sqlite")
    proc = cli("approve", "0123456789abcdef0123456789abcdef", "--reason", "x", "--state", state)
    assert proc.returncode == 2 and "no finding with fingerprint" in proc.stderr
    proc = cli("approve", "not-a-fingerprint", "--reason", "x", "--state", state)
    assert proc.returncode == 2 and "not a fingerprint" in proc.stderr


# --- the command line ----------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=600, check=False)


def test_cli_batch_exit_codes_summary_and_formats(tmp_path: Path, tree: Path) -> None:
    common = ("--state", str(tmp_path / "state.sqlite"), "--reports", str(tmp_path / "reports"))
    proc = cli("batch", str(tree), *common, "--scheduler", "serial", "--report-mode", "0600")
    assert proc.returncode == 1, proc.stderr  # p1 fails
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["project", "files", "pass", "review", "fail", "accepted", "new", "changed",
                                "deleted", "scanned"]
    assert lines[2].split() == ["p1", "2", "1", "0", "1", "0", "2", "0", "0", "2"]
    assert lines[-1].split()[:5] == ["total", "4", "3", "0", "1"]
    assert "files to read" in proc.stderr  # not a terminal: log lines, not a bar
    assert stat.S_IMODE((tmp_path / "reports" / "p1" / "report.json").stat().st_mode) == 0o600
    proc = cli("batch", str(tree), *common, "--scheduler", "serial", "--exit-zero", "-q")
    assert proc.returncode == 0 and proc.stderr == ""
    proc = cli("batch", str(tree), *common, "--scheduler", "serial", "--fail-on", "block", "--ignore", "TAB")
    assert proc.returncode == 0, proc.stdout
    proc = cli("batch", str(tree), *common, "--formats", "json,pdf")
    assert proc.returncode == 2 and "unknown report format 'pdf'" in proc.stderr
    proc = cli("batch", str(tree), *common, "--report-mode", "0666")
    assert proc.returncode == 2 and "writable by everyone" in proc.stderr
    proc = cli("batch", str(tree), *common, "--scheduler", "ftp://x")
    assert proc.returncode == 2 and "--scheduler" in proc.stderr


def test_log_progress_lines() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = LogProgress(out, interval=60, clock=lambda: now[0])
    progress.start(100, 200_000_000)
    for _ in range(10):
        now[0] += 3.0
        progress.advance(2_000_000)
    assert out.getvalue().splitlines()[1:] == []  # 30 s: no line yet
    now[0] += 30.0
    progress.advance(2_000_000)
    line = out.getvalue().splitlines()[-1]
    assert line == "sdcscan: batch: 11/100 files, 0.2 files/s, 0.4 MB/s, about 8 min remaining"
    progress.stop()
    assert out.getvalue().splitlines()[-1].endswith("done in 60 s")


# --- executors ------------------------------------------------------------------------------------------


def _die_on_boom(task: FileTask, job: Job) -> FileOutcome:
    """Test-only scan function: the worker process dies on any file named ``boom.csv`` (and notes each try)."""
    if task.relpath.endswith("boom.csv"):
        with open(os.environ["SDCSCAN_TEST_ATTEMPTS"], "a") as f:
            f.write(f"{os.getpid()}\n")
        os._exit(3)
    return scan_task(task, job)


def _all_reports(tmp_path: Path, projects: tuple[str, ...] = ("p1", "p2")) -> dict[str, Any]:
    return {p: comparable(report(tmp_path, p)) for p in projects}


def test_worker_processes_give_the_same_results_as_serial(tmp_path: Path, tree: Path) -> None:
    batch(tmp_path / "serial", tree)
    batch(tmp_path / "processes", tree, scheduler=None, jobs=2)
    assert _all_reports(tmp_path / "processes") == _all_reports(tmp_path / "serial")


def test_a_dying_worker_process_is_retried_once_then_fil001(tmp_path: Path, tree: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "p1" / "boom.csv").write_text(SAFE, encoding="utf-8")
    attempts = tmp_path / "attempts.txt"
    monkeypatch.setenv("SDCSCAN_TEST_ATTEMPTS", str(attempts))
    summary = batch(tmp_path, tree, scheduler=None, jobs=2, scan_fn=_die_on_boom)
    assert len(attempts.read_text().split()) == 2  # tried, retried once, given up
    p1 = by_path(report(tmp_path, "p1"))
    assert p1["p1/boom.csv"]["verdict"] == "review"
    [died] = p1["p1/boom.csv"]["findings"]
    assert died["rule"] == "FIL001" and WORKER_DIED in died["message"]
    assert p1["p1/t.csv"]["verdict"] == "fail" and p1["p1/ok.csv"]["verdict"] == "pass"  # the run went on
    assert summary.totals()["files"] == 5
    # The next run scans it again (the death was not the file's verdict).
    attempts.unlink()
    batch(tmp_path, tree)
    assert by_path(report(tmp_path, "p1"))["p1/boom.csv"]["verdict"] == "pass"


def _dask_or_skip() -> None:
    pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install 'sdcscan[distributed]')")


def test_local_cluster_gives_the_same_results_and_survives_a_dying_worker(
        tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dask_or_skip()
    import socket

    batch(tmp_path / "serial", tree)
    # (Dask's default HTTP port taken, as by another cluster on a shared batch server: the local cluster starts
    # all the same, its scheduler's HTTP server on a free port)
    taken = socket.socket()
    try:
        taken.bind(("0.0.0.0", 8787))
        taken.listen()
    except OSError:
        pass  # (already taken by something else: the same test)
    try:
        batch(tmp_path / "dask", tree, scheduler="local:2")
    finally:
        taken.close()
    assert _all_reports(tmp_path / "dask") == _all_reports(tmp_path / "serial")

    (tree / "p2" / "boom.csv").write_text(SAFE, encoding="utf-8")
    attempts = tmp_path / "attempts.txt"
    monkeypatch.setenv("SDCSCAN_TEST_ATTEMPTS", str(attempts))
    summary = batch(tmp_path / "dask", tree, scheduler="local:2", scan_fn=_die_on_boom)
    assert len(attempts.read_text().split()) == 2  # retried once (allowed-failures 1), then given up
    p2 = by_path(report(tmp_path / "dask", "p2"))
    assert [f["rule"] for f in p2["p2/boom.csv"]["findings"]] == ["FIL001"]
    assert WORKER_DIED in p2["p2/boom.csv"]["findings"][0]["message"]
    assert project_line(summary, "p2")["scanned"] == 1 and project_line(summary, "p2")["reused"] == 2


def test_missing_dask_is_a_clear_error(tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    (tree / "p1" / "new.csv").write_text(SAFE, encoding="utf-8")
    with pytest.raises(BatchError, match=r"pip install 'sdcscan\[distributed\]'"):
        batch(tmp_path, tree, scheduler="local:2")


# --- killed halfway ------------------------------------------------------------------------------------

_RUN = """
import sys
from scanner.batch import run_batch
from scanner.config import load_config
run_batch([sys.argv[1]], load_config(), sys.argv[2], sys.argv[3], jobs=1)
"""


def _committed(state: Path) -> set[str]:
    if not state.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as conn:
            return {r[0] for r in conn.execute("SELECT path FROM files")}
    except sqlite3.Error:
        return set()


def test_sigkill_halfway_loses_nothing_finished_and_the_next_run_resumes(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for p in range(4):
        (root / f"p{p}").mkdir(parents=True)
        for i in range(30):
            rows = "".join(f"K{j};{(i * 7 + j) % 40 + 1}\n" for j in range(12))
            (root / f"p{p}" / f"t{i:02d}.csv").write_text("kom;antal\n" + rows, encoding="utf-8")
    state, reports = tmp_path / "state.sqlite", tmp_path / "reports"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", _RUN, str(root), str(state), str(reports)], env=env,
                            start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(_committed(state)) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its worker process
    proc.wait()
    done = _committed(state)
    assert 10 <= len(done) < 120, "the run was not killed halfway"

    with State.open(state) as st:  # intact after the kill (quick_check), and not locked
        stored = st.results(done)
    calls: list[str] = []

    def counting(task: FileTask, job: Job) -> FileOutcome:
        calls.append(task.path)
        return scan_task(task, job)

    summary = run_batch([root], load_config(), state, reports, scheduler="serial", scan_fn=counting)
    assert summary.interrupted_runs == [1]
    assert summary.totals()["reused"] == len(done)
    assert summary.totals()["scanned"] == 120 - len(done)
    assert not set(calls) & done  # nothing finished was scanned again
    with State.open(state) as st:
        assert st.results(done) == stored
    # And the results are those of a run that was never killed.
    fresh = tmp_path / "fresh"
    run_batch([root], load_config(), fresh / "state.sqlite", fresh / "reports", scheduler="serial")
    for p in range(4):
        assert comparable(report(tmp_path, f"p{p}")) == comparable(report(fresh, f"p{p}"))


# --- the real-world corpus -----------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_folders_as_projects_match_scan(tmp_path: Path) -> None:
    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    from scanner.reporters.json import to_dict

    summary = run_batch([root], load_config(), tmp_path / "state.sqlite", tmp_path / "reports", "[cl]*",
                        scheduler="serial")
    names = [p.project for p in summary.projects]
    assert names == ["csv", "logs"]
    for name in names:
        assert comparable(report(tmp_path, name)) == comparable(to_dict(api.scan([root / name], jobs=1)))
    again = run_batch([root], load_config(), tmp_path / "state.sqlite", tmp_path / "reports", "[cl]*",
                      scheduler="serial")
    assert again.totals()["scanned"] == 0 and again.totals()["reused"] == summary.totals()["files"]
    assert {p.project: (p.passed, p.review, p.fail) for p in again.projects} == \
           {p.project: (p.passed, p.review, p.fail) for p in summary.projects}
    assert Verdict.FAIL.value in json.dumps(report(tmp_path, "csv"))


def test_a_cell_another_file_of_the_folder_gives_away_and_the_next_nights(tmp_path: Path) -> None:
    # project p1's delivery: totals by region beside the table by region and sex with ".." (2 men)
    root = tmp_path / "root"
    folder = root / "p1" / "levering"
    folder.mkdir(parents=True)
    (folder / "tab1_region.csv").write_text("Region;Antal\nNord;61\nSyd;198\nØst;305\n", encoding="utf-8")
    (folder / "tab2_region_koen.csv").write_text("Region;Mænd;Kvinder\nNord;..;59\nSyd;97;101\nØst;150;155\n",
                                                 encoding="utf-8")
    batch(tmp_path, root)
    files = by_path(report(tmp_path, "p1"))
    assert files["p1/levering/tab2_region_koen.csv"]["verdict"] == "fail"
    # (the totals file completes the cell: safe alone, held for a person beside the other)
    assert files["p1/levering/tab1_region.csv"]["verdict"] == "review"
    first = comparable(report(tmp_path, "p1"))
    # the next night, nothing changed: the stored findings across files are reported again, no file is read
    summary = batch(tmp_path, root)
    assert summary.totals()["scanned"] == 0
    assert comparable(report(tmp_path, "p1")) == first
    # the totals file goes: the suppressed cell is safe again
    (folder / "tab1_region.csv").unlink()
    batch(tmp_path, root)
    assert by_path(report(tmp_path, "p1"))["p1/levering/tab2_region_koen.csv"]["verdict"] == "pass"
    # it comes back as it was: both are held again, the totals file for review
    (folder / "tab1_region.csv").write_text("Region;Antal\nNord;61\nSyd;198\nØst;305\n", encoding="utf-8")
    batch(tmp_path, root)
    assert by_path(report(tmp_path, "p1"))["p1/levering/tab1_region.csv"]["verdict"] == "review"
    # it comes back changed to another population's totals: no margin of the table
    (folder / "tab1_region.csv").write_text("Region;Antal\nNord;64\nSyd;190\nØst;301\n", encoding="utf-8")
    batch(tmp_path, root)
    assert by_path(report(tmp_path, "p1"))["p1/levering/tab2_region_koen.csv"]["verdict"] == "pass"
