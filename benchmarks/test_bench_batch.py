"""The nightly batch over a generated tree of project folders (group ``batch``; issue 13).

The tree: ``SDCSCAN_BENCH_BATCH_FILES`` small files (default 10,000) in ``SDCSCAN_BENCH_BATCH_PROJECTS``
project folders (default 200); under ``--benchmark-disable`` 100 files in 10 projects
(``SDCSCAN_BENCH_BATCH_SMOKE_FILES`` / ``..._SMOKE_PROJECTS``). Each project holds what a register project
exports: aggregate tables (CSV, some with a small cell), tables with a person-number column, notes, a
program and a log. It is written once into the benchmark cache (``SDCSCAN_BENCH_DIR``), never into the
repository, and only read afterwards, except for the ten files the ``changed`` test rewrites (back and forth
between two contents, so every round changes them).

- ``first_run[processes]`` / ``first_run[local:2]``: an empty state, every file scanned; worker processes on
  this machine (one per core) against a 2-worker Dask LocalCluster on 127.0.0.1 (files/s). Worker start-up
  is inside the timing: a nightly run pays it too.
- ``unchanged``: the same tree again: a ``stat`` per file, no file opened (target: under 2 s for 10,000).
- ``changed``: ten files rewritten, then a run (worker start-up included, as at night).

The summary (printed at the end of the module) gives seconds, files/s and MB/s per test, the driver's peak
RSS and the largest worker's (``ru_maxrss`` of this process and of its finished children), and the load
average before the run.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import benchmarks_disabled, cache_dir

from scanner.batch import run_batch
from scanner.config import load_config

pytestmark = pytest.mark.benchmark(group="batch")

#: Bump when the generator changes: it is part of the cached tree's name.
FORMAT = 1
SEED = 20240613
_RESULTS: dict[str, dict[str, Any]] = {}


def _sizes(config: pytest.Config) -> tuple[int, int]:
    if benchmarks_disabled(config):
        return (int(os.environ.get("SDCSCAN_BENCH_BATCH_SMOKE_FILES", 100)),
                int(os.environ.get("SDCSCAN_BENCH_BATCH_SMOKE_PROJECTS", 10)))
    return (int(os.environ.get("SDCSCAN_BENCH_BATCH_FILES", 10_000)),
            int(os.environ.get("SDCSCAN_BENCH_BATCH_PROJECTS", 200)))


def _luhn(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _pnr(rng: random.Random) -> str:
    born = f"{rng.randrange(40, 99):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    payload = f"{born}{rng.randrange(1000):03d}"
    return payload + _luhn(payload)


def _file(rng: random.Random, i: int) -> tuple[str, str]:
    """One file of a project: (name, content). About 1 in 10 fails, most pass."""
    kind = i % 10
    regions = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
    if kind in (0, 1, 2, 3, 4):  # an aggregate table that passes
        rows = "".join(f"{r};{y};{rng.randrange(50, 5000)}\n" for r in regions for y in range(2018, 2023))
        return f"tab_{i:03d}.csv", "region;aar;antal\n" + rows
    if kind == 5:  # a table with a small cell
        rows = "".join(f"{r};{rng.randrange(50, 900) if j else rng.randrange(1, 3)}\n" for j, r in enumerate(regions))
        return f"small_{i:03d}.csv", "region;antal\n" + rows
    if kind == 6:  # microdata with a person-number column
        rows = "".join(f"{_pnr(rng)};{rng.randrange(1, 99)};{rng.randrange(100, 900) * 1000}\n" for _ in range(30))
        return f"udtraek_{i:03d}.csv", "pnr;alder;indkomst\n" + rows
    if kind == 7:  # a note
        return f"note_{i:03d}.md", (f"# Analysis {i}\n\nThe model was estimated on {rng.randrange(10, 99)} thousand "
                                    "persons; see the tables for the results by region.\n")
    if kind == 8:  # a program
        return f"prog_{i:03d}.R", ("library(dplyr)\nd <- readRDS('bef.rds')\nt <- d %>% group_by(region) %>% "
                                   f"summarise(n = n())\nwrite.csv(t, 'tab_{i:03d}.csv')\n")
    return f"run_{i:03d}.log", "".join(f"NOTE: step {j} used {rng.random():.2f} seconds.\n" for j in range(20))


def ensure_tree(files: int, projects: int) -> Path:
    """The tree in the benchmark cache, generated on first use (written beside, then renamed into place)."""
    root = cache_dir() / f"batch-tree-{files}f-{projects}p-seed{SEED}-v{FORMAT}"
    if root.is_dir():
        return root
    tmp = root.with_name(root.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    rng = random.Random(SEED)
    per = files // projects
    for p in range(projects):
        folder = tmp / f"P{p:04d}"
        folder.mkdir(parents=True)
        count = per + (1 if p < files - per * projects else 0)
        for i in range(count):
            name, text = _file(rng, i)
            (folder / name).write_text(text, encoding="utf-8")
    tmp.rename(root)
    return root


@dataclass
class _Tree:
    root: Path
    files: int
    bytes: int
    work: Path
    warm: bool = False

    @property
    def state(self) -> Path:
        return self.work / "state.sqlite"

    @property
    def reports(self) -> Path:
        return self.work / "reports"

    def reset(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.warm = False

    def run(self, scheduler: str | None = None) -> Any:
        return run_batch([self.root], load_config(), self.state, self.reports, scheduler=scheduler)

    def ensure_warm(self) -> None:
        if not self.warm:
            self.reset()
            self.run()
            self.warm = True


@pytest.fixture(scope="module")
def tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    files, projects = _sizes(request.config)
    root = ensure_tree(files, projects)
    paths = [p for p in root.rglob("*") if p.is_file()]
    t = _Tree(root, len(paths), sum(p.stat().st_size for p in paths), tmp_path_factory.mktemp("batch-bench"))
    t.reset()
    load = os.getloadavg()[0]
    yield t
    # Module teardown runs under output capture: write past it, as ``capsys.disabled()`` does.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        _print_summary(request, t, load)


def _timed(name: str, t: _Tree, fn: Any, files: int, nbytes: int) -> Any:
    started = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - started
    entry = _RESULTS.setdefault(name, {"seconds": []})
    entry["seconds"].append(seconds)
    entry.update(files=files, bytes=nbytes)
    return out


@pytest.mark.parametrize("scheduler", [None, "local:2"], ids=["processes", "local:2"])
def test_first_run(benchmark: Any, tree: _Tree, scheduler: str | None) -> None:
    if scheduler is not None:
        pytest.importorskip("distributed", reason="Dask distributed is not installed")
    name = f"first_run[{scheduler or 'processes'}]"
    summary = benchmark.pedantic(lambda: _timed(name, tree, lambda: tree.run(scheduler), tree.files, tree.bytes),
                                 setup=tree.reset, rounds=1, iterations=1)
    totals = summary.totals()
    assert totals["files"] == tree.files and totals["scanned"] == tree.files
    assert totals["fail"] >= tree.files // 10  # the small cells and person numbers were found
    tree.warm = True
    _RESULTS[name]["totals"] = totals
    benchmark.extra_info.update(files=tree.files, bytes=tree.bytes)


def test_unchanged(benchmark: Any, tree: _Tree) -> None:
    tree.ensure_warm()
    summary = benchmark.pedantic(lambda: _timed("unchanged", tree, tree.run, tree.files, 0), rounds=3, iterations=1)
    assert summary.totals()["reused"] == tree.files and summary.totals()["scanned"] == 0
    benchmark.extra_info.update(files=tree.files)


_EXTRA_ROW = "Nordjylland;2099;777\n"


def _ten(tree: _Tree) -> list[Path]:
    return sorted(tree.root.glob("P*/tab_000.csv"))[:10]


def _change_ten(tree: _Tree) -> None:
    """Add a row to ten tables, or take it away again: every round changes them."""
    for path in _ten(tree):
        text = path.read_text(encoding="utf-8")
        text = text[: -len(_EXTRA_ROW)] if text.endswith(_EXTRA_ROW) else text + _EXTRA_ROW
        path.write_text(text, encoding="utf-8")


def test_changed(benchmark: Any, tree: _Tree) -> None:
    tree.ensure_warm()
    n = len(_ten(tree))
    summary = benchmark.pedantic(lambda: _timed("changed_10", tree, tree.run, n, 0),
                                 setup=lambda: _change_ten(tree), rounds=3, iterations=1)
    assert summary.totals()["scanned"] == n and summary.totals()["changed"] == n
    assert summary.totals()["reused"] == tree.files - n
    benchmark.extra_info.update(files=tree.files)


def _print_summary(request: pytest.FixtureRequest, t: _Tree, load: float) -> None:
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not _RESULTS:
        return
    tr.write_sep("=", "batch summary")
    tr.write_line(f"tree {t.root}: {t.files:,} files, {t.bytes / 1e6:,.1f} MB")
    timed = not benchmarks_disabled(request.config)
    for name, entry in _RESULTS.items():
        best = min(entry["seconds"])
        rate = f"{entry['files'] / best:,.0f} files/s" if entry["files"] else ""
        mbs = f", {entry['bytes'] / 1e6 / best:,.2f} MB/s" if entry["bytes"] else ""
        target = "  (target < 2 s: " + ("met)" if best < 2 else "NOT met)") if name == "unchanged" else ""
        note = "" if timed else "  (smoke run: not a measurement)"
        tr.write_line(f"  {name:<22} {best:8.2f} s (best of {len(entry['seconds'])})  {rate}{mbs}{target}{note}")
    first = {k: v for k, v in _RESULTS.items() if k.startswith("first_run")}
    if len(first) == 2:
        a, b = (min(v["seconds"]) for v in first.values())
        tr.write_line(f"  local:2 LocalCluster vs processes: {a / b:.2f}x the files/s")
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tr.write_line(f"  peak RSS: this process (the driver, with pytest) {self_kb / 1024:,.0f} MB; largest finished "
                  f"child (a worker) {child_kb / 1024:,.0f} MB")
    tr.write_line(f"  load average (1 min) before the run: {load:.2f} on {os.cpu_count()} CPUs"
                  + ("  <- other work was running: figures are not clean" if load > 0.5 else ""))
