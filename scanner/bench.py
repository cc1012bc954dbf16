"""``sdcscan bench``: the standard workload, run on this machine, beside the tools a user would pick.

Operations run it on new server hardware and compare machines by its JSON. It generates, once per size in a
cache folder (``--dir``, default ``$XDG_CACHE_HOME/sdcscan/bench``), and reuses afterwards:

- tables: seeded register-like microdata in Parquet (firm, year, region, industry, turnover; about ten rows
  per firm), 1M and 20M rows (``--quick``: 1M); the engine is ``sdcscan table``'s streaming cell pass
  (:func:`scanner.tables.compute.compute_cells`) per row and per unit (firm); peers DuckDB and Polars compute the
  same cells (count, sum, two largest; per unit, first summed per firm);
- identifiers: a log/CSV text with person and business numbers and look-alikes, 1 GiB (``--quick``:
  32 MiB), scanned by :func:`scanner.pid_scan.scan_text_file`; peer ripgrep ``rg -c
  '[0-9]{6}[-+]?[0-9]{4}'`` (finds one shape, validates nothing);
- small files: 10,000 small tables and notes in one folder (``--quick``: 300), scanned by
  :func:`scanner.api.scan` with every rule; peer ripgrep over the folder with the same pattern.

Each measurement runs in a fresh process (``python -m scanner.bench --child``): imports and loading the
compiled kernels happen before the timing (a warm-up on a tiny input), the median of ``--repeat`` runs is
timed, and the process reports its peak resident memory. sdcscan runs at 1, 2, 4... up to all cores
(``--threads``), the peers at all cores. The table printed (and ``--json FILE``) gives throughput, the
scaling per core (throughput at t threads over t times that at one thread) and each peer's time over
sdcscan's at the most threads. Nothing here is a pass/fail: the machine's load is reported beside.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BenchConfig", "Measurement", "main_child", "run_bench"]

#: Bump when a generator changes: it is part of the cached files' names.
FORMAT = 1
SEED = 20240601
MiB = 1 << 20

BY = ("region", "industry", "year")
VALUE = "turnover"
UNIT = "firm_id"
#: The bare identifier shape ripgrep looks for (ASCII classes: ripgrep's fast engine).
RG_PATTERN = "[0-9]{6}[-+]?[0-9]{4}"
COUNTRIES = ("se", "dk", "no", "fi")

_REGIONS = ("Stockholm", "Uppsala", "Södermanland", "Östergötland", "Jönköping", "Kronoberg", "Kalmar",
            "Blekinge", "Skåne", "Halland", "Västra Götaland", "Värmland", "Örebro", "Västmanland", "Dalarna",
            "Gävleborg", "Västernorrland", "Jämtland", "Västerbotten", "Norrbotten")


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """Sizes and options of a run (``--quick`` and the size options fill it)."""

    table_rows: tuple[int, ...] = (1_000_000, 20_000_000)
    text_bytes: int = 1024 * MiB
    files: int = 10_000
    threads: tuple[int, ...] = ()
    repeat: int = 3
    peers: bool = True
    directory: Path | None = None

    @classmethod
    def quick(cls, **overrides: Any) -> BenchConfig:
        """The CI smoke run: under a minute on two cores."""
        base = {"table_rows": (1_000_000,), "text_bytes": 32 * MiB, "files": 300, "repeat": 1}
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


@dataclass(slots=True)
class Measurement:
    """One engine on one workload at one thread count."""

    workload: str
    engine: str
    threads: int
    seconds: float | None  # None: the run failed (see ``note``)
    throughput: float | None
    unit: str
    peak_rss_mb: float | None
    scaling: float | None = None
    ratio: float | None = None  # a peer's seconds over sdcscan's (at the most threads): > 1, sdcscan is faster
    note: str = ""


@dataclass(slots=True)
class _Workload:
    name: str
    kind: str  # table | text | files
    path: Path
    size: int  # rows, bytes or files
    unit: str  # of throughput
    extra: dict[str, Any] = field(default_factory=dict)


# --- workload generation ------------------------------------------------------------------------------


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sdcscan" / "bench"


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Write ``path`` once (through a temporary name, so an interrupted run leaves no half file)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink()
    return path


def _table(rows: int, seed: int = SEED) -> Any:
    """Register-like microdata: about ten rows per firm, a firm keeps its region and industry, log-normal
    turnover in whole kronor (sums are exact in every tool)."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    firms = max(rows // 10, 1)
    firm = np.sort(rng.integers(0, firms, rows)).astype(np.int64)
    rng.shuffle(firm)
    firm_region = rng.zipf(1.3, firms) % len(_REGIONS)
    firm_industry = rng.zipf(1.1, firms) % 80
    region = np.where(rng.random(rows) < 0.92, firm_region[firm], rng.integers(0, len(_REGIONS), rows))
    industry = np.where(rng.random(rows) < 0.97, firm_industry[firm], rng.integers(0, 80, rows))
    industries = [f"{chr(65 + k // 10)}{k:02d}" for k in range(80)]
    turnover = np.round(rng.lognormal(13, 1.6, rows))
    return pa.table({
        UNIT: pa.array(firm + 100_000),
        "year": pa.array(rng.integers(2015, 2025, rows).astype(np.int32)),
        "region": pa.DictionaryArray.from_arrays(pa.array(region.astype(np.int32)), pa.array(_REGIONS)),
        "industry": pa.DictionaryArray.from_arrays(pa.array(industry.astype(np.int32)), pa.array(industries)),
        VALUE: pa.array(turnover),
    })


def _write_table(rows: int, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(_table(rows), path, compression="zstd", row_group_size=1_000_000)


def _write_text(size: int, path: Path, seed: int = SEED) -> None:
    """A log/CSV text of ``size`` bytes: a pool of blocks (``scanner.synth``: log lines with person and business
    numbers in every written form, traps such as phone numbers, amounts, timestamps, hashes), each written
    rotated to a different line."""
    from scanner import synth

    rng = random.Random(seed)
    pool = []
    for k in range(8):
        text, _ = synth.document(12_000, seed + k, plant=dict.fromkeys(synth.KINDS, 4))
        pool.append(text.encode("utf-8"))
    written = 0
    with open(path, "wb") as fh:
        while written < size:
            block = pool[rng.randrange(len(pool))]
            cut = block.find(b"\n", rng.randrange(len(block))) + 1
            piece = (block[cut:] + block[:cut])[: size - written]
            fh.write(piece)
            written += len(piece)


def _write_files(count: int, folder: Path, seed: int = SEED) -> None:
    """``count`` small files: aggregate tables (some with small cells), unit-level extracts, notes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    from scanner import synth

    notes, _ = synth.document(count * 3 + 10, seed, plant=dict.fromkeys(synth.KINDS, 1))
    lines = notes.splitlines()
    for k in range(count):
        kind = k % 4
        if kind in (0, 1):
            rows = ["region;koen;antal"]
            for r in _REGIONS[: rng.randrange(3, 12)]:
                for s in ("Mænd", "Kvinder"):
                    rows.append(f"{r};{s};{rng.choice([rng.randrange(0, 5), rng.randrange(5, 5000)])}")
            text = "\n".join(rows) + "\n"
            name = f"tabel_{k:05d}.csv"
        elif kind == 2:
            rows = ["lopnr;region;alder;indkomst"]
            for _ in range(rng.randrange(5, 40)):
                rows.append(f"{rng.randrange(10**8, 10**9)};{rng.choice(_REGIONS)};{rng.randrange(18, 90)};"
                            f"{rng.randrange(0, 900_000)}")
            text = "\n".join(rows) + "\n"
            name = f"udtraek_{k:05d}.csv"
        else:
            start = rng.randrange(max(len(lines) - 30, 1))
            text = "\n".join(lines[start: start + rng.randrange(5, 30)]) + "\n"
            name = f"notat_{k:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")


def _workloads(config: BenchConfig, root: Path) -> list[_Workload]:
    out = []
    for rows in config.table_rows:
        path = _atomic(root / f"table-{rows}-v{FORMAT}.parquet", lambda p, r=rows: _write_table(r, p))
        for mode in ("row", "unit"):
            out.append(_Workload(f"table {_count(rows)} rows per {mode}", "table", path, rows, "rows/s",
                                 {"mode": mode}))
    text = _atomic(root / f"text-{config.text_bytes}-v{FORMAT}.log", lambda p: _write_text(config.text_bytes, p))
    out.append(_Workload(f"identifiers {config.text_bytes / 1e6:.0f} MB text", "text", text, config.text_bytes,
                         "GB/s"))
    files = _atomic(root / f"files-{config.files}-v{FORMAT}", lambda p: _write_files(config.files, p))
    out.append(_Workload(f"{config.files:,} small files", "files", files, config.files, "files/s"))
    return out


def _count(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


# --- one measurement, in a child process ------------------------------------------------------------------


def _timed(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _child_table(engine: str, path: Path, mode: str, threads: int, repeat: int, warm: Path) -> float:
    if engine == "sdcscan":
        from scanner.tables.compute import Stat, TableSpec, compute_cells

        spec = TableSpec(BY, value=VALUE, unit=UNIT if mode == "unit" else None, stat=Stat.SUM)
        compute_cells(warm, spec, threads=threads)
        return _timed(lambda: compute_cells(path, spec, threads=threads), repeat)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET threads TO {threads}")
        query = _duckdb_query(path, mode)
        con.sql(_duckdb_query(warm, mode)).to_arrow_table()
        return _timed(lambda: con.sql(query).to_arrow_table(), repeat)
    if engine == "polars":
        import polars as pl  # POLARS_MAX_THREADS is set by the parent

        def run(p: Path) -> Any:
            v = pl.col(VALUE)
            lf = pl.scan_parquet(p)
            if mode == "row":
                q = lf.group_by(BY).agg(pl.len().alias("n"), v.sum().alias("total"), v.top_k(2).alias("top"))
            else:
                s = pl.col("s")
                q = (lf.group_by([*BY, UNIT]).agg(pl.len().alias("n"), v.sum().alias("s"))
                     .group_by(BY).agg(pl.col("n").sum(), pl.len().alias("units"), s.sum().alias("total"),
                                       s.top_k(2).alias("top")))
            return q.collect(engine="streaming")

        run(warm)
        return _timed(lambda: run(path), repeat)
    raise ValueError(f"no table engine {engine!r}")


def _duckdb_query(path: Path, mode: str) -> str:
    source = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
    keys = ", ".join(BY)
    if mode == "row":
        return (f"SELECT {keys}, count(*) AS n, sum({VALUE}) AS total, max({VALUE}, 2) AS top "
                f"FROM {source} GROUP BY ALL")
    return (f"SELECT {keys}, sum(n)::BIGINT AS n, count(*) AS units, sum(s) AS total, max(s, 2) AS top "
            f"FROM (SELECT {keys}, {UNIT}, count(*) AS n, sum({VALUE}) AS s FROM {source} GROUP BY ALL) "
            f"GROUP BY ALL")


def _child_text(path: Path, threads: int, repeat: int, warm: Path) -> float:
    from scanner.pid_scan import scan_text_file

    scan_text_file(warm, COUNTRIES, threads=threads)
    return _timed(lambda: scan_text_file(path, COUNTRIES, threads=threads), repeat)


def _child_files(path: Path, threads: int, repeat: int, warm: Path) -> float:
    from scanner import api
    from scanner.config import load_config

    config = load_config()
    api.scan([warm], config, jobs=1)
    return _timed(lambda: api.scan([path], config, jobs=threads, parallel_min_bytes=0), repeat)


def main_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement (``spec`` from the parent) and report median seconds and peak memory."""
    os.environ["SDCSCAN_INTERPRET_BYTES"] = "0"  # the warm-up loads the compiled kernels
    path, warm = Path(spec["path"]), Path(spec["warm"])
    threads, repeat = int(spec["threads"]), int(spec["repeat"])
    if spec["kind"] == "table":
        seconds = _child_table(spec["engine"], path, spec["mode"], threads, repeat, warm)
    elif spec["kind"] == "text":
        seconds = _child_text(path, threads, repeat, warm)
    else:
        seconds = _child_files(path, threads, repeat, warm)
    return {"seconds": seconds}


#: Runs a command ``runs`` times and reports its wall times and peak memory. A process forked from this
#: (large) Python process would report our resident size as its own peak (Linux keeps the larger of the
#: pre-exec and post-exec high-water marks), so commands are started from this small interpreter instead.
_LAUNCHER = """
import json, resource, subprocess, sys, time
argv, runs = json.loads(sys.argv[1]), int(sys.argv[2])
times, out, rc = [], "", 0
for _ in range(runs):
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    times.append(time.perf_counter() - started)
    out, rc = proc.stdout[-4000:], proc.returncode
    if rc not in (0, 1):
        out = proc.stderr[-400:]
        break
print(json.dumps({"times": times, "stdout": out, "rc": rc,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _launch(argv: Sequence[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-I", "-c", _LAUNCHER, json.dumps(list(argv)), str(runs)],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True)
    got = dict(json.loads(proc.stdout))
    peak = got["maxrss_kb"] / 1024 if sys.platform != "darwin" else got["maxrss_kb"] / MiB
    got["peak_rss_mb"] = peak
    return got


def _run_child(spec: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """One sdcscan (or Python peer) measurement in a fresh process: its median seconds and peak memory."""
    got = _launch([sys.executable, "-m", "scanner.bench", "--child", json.dumps(spec)], 1, env)
    if got["rc"] != 0:
        tail = got["stdout"].strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{spec['engine']} on {spec['kind']} failed: {tail[0][:200]}")
    child = json.loads(got["stdout"].strip().splitlines()[-1])
    return {"seconds": child["seconds"], "peak_rss_mb": got["peak_rss_mb"]}


def _run_external(argv: Sequence[str], repeat: int) -> dict[str, Any]:
    """Time an external command (a peer such as ripgrep): the median of ``repeat`` runs after one that warms
    the page cache, and its peak memory."""
    got = _launch(argv, repeat + 1)
    if got["rc"] not in (0, 1):  # rg: 1 means no match
        raise RuntimeError(f"{Path(argv[0]).name} failed with exit status {got['rc']}")
    return {"seconds": statistics.median(got["times"][1:]), "peak_rss_mb": got["peak_rss_mb"]}


# --- the run ------------------------------------------------------------------------------------------


def _thread_counts(config: BenchConfig) -> list[int]:
    if config.threads:
        return sorted(set(config.threads))
    cpus = os.cpu_count() or 1
    counts, t = [], 1
    while t < cpus:
        counts.append(t)
        t *= 2
    return [*counts, cpus]


def _warm_inputs(root: Path) -> dict[str, Path]:
    """Tiny inputs of each kind: each child's warm-up (imports, kernels loaded from the cache)."""
    warm = root / f"warm-v{FORMAT}"
    table = _atomic(warm / "table.parquet", lambda p: _write_table_small(p))
    text = _atomic(warm / "text.log", lambda p: _write_text(256 << 10, p))
    files = _atomic(warm / "files", lambda p: _write_files(8, p))
    return {"table": table, "text": text, "files": files}


def _write_table_small(path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(_table(2000, SEED + 1), path)


def _peers(kind: str) -> list[str]:
    found = []
    if kind == "table":
        for mod in ("duckdb", "polars"):
            with contextlib.suppress(ImportError):
                __import__(mod)
                found.append(mod)
    elif shutil.which("rg"):
        found.append("ripgrep")
    return found


def _measure(work: _Workload, engine: str, threads: int, config: BenchConfig, warm: dict[str, Path]) -> Measurement:
    spec = {"kind": work.kind, "engine": engine, "path": str(work.path), "warm": str(warm[work.kind]),
            "threads": threads, "repeat": config.repeat, **work.extra}
    if engine == "ripgrep":
        rg = shutil.which("rg") or "rg"
        got = _run_external([rg, "--no-config", "-c", "-j", str(threads), RG_PATTERN, str(work.path)], config.repeat)
    else:
        env = {"POLARS_MAX_THREADS": str(threads)} if engine == "polars" else None
        got = _run_child(spec, env)
    seconds = max(float(got["seconds"]), 1e-9)
    throughput = work.size / seconds / (1e9 if work.unit == "GB/s" else 1)
    return Measurement(work.name, engine, threads, seconds, throughput, work.unit, got.get("peak_rss_mb"))


def run_bench(config: BenchConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Generate (or reuse) the workload, run every engine, and return the report (see the module docstring)."""
    root = config.directory or default_dir()
    root.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    say("generating the workload (once per size) in " + str(root))
    works = _workloads(config, root)
    warm = _warm_inputs(root)
    threads = _thread_counts(config)
    results: list[Measurement] = []
    for work in works:
        mine: dict[int, Measurement] = {}
        for t in threads:
            say(f"{work.name}: sdcscan, {t} thread{'s' if t > 1 else ''}")
            mine[t] = _measure(work, "sdcscan", t, config, warm)
            results.append(mine[t])
        one = mine[threads[0]]
        for t, m in mine.items():
            if m.throughput is not None and one.throughput:
                m.scaling = m.throughput / (t / threads[0] * one.throughput) if t != threads[0] else 1.0
        best = mine[threads[-1]]
        for peer in _peers(work.kind) if config.peers else []:
            say(f"{work.name}: {peer}")
            try:
                m = _measure(work, peer, threads[-1], config, warm)
            except RuntimeError as exc:
                m = Measurement(work.name, peer, threads[-1], None, None, work.unit, None, note=str(exc))
            else:
                m.ratio = m.seconds / best.seconds if m.seconds and best.seconds else None
                if peer == "ripgrep" and work.kind == "text":
                    m.note = "one shape, no validation; one thread per file"
            results.append(m)
    return {
        "schema_version": 1,
        "tool": {"name": "sdcscan", "version": _version()},
        "machine": _machine(load),
        "config": {"table_rows": list(config.table_rows), "text_bytes": config.text_bytes, "files": config.files,
                   "threads": threads, "repeat": config.repeat, "dir": str(root)},
        "results": [asdict(r) for r in results],
    }


def _version() -> str:
    from scanner import __version__

    return __version__


def _machine(load: float | None) -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for mod in ("numba", "numpy", "pyarrow", "polars", "duckdb"):
        try:
            versions[mod] = str(__import__(mod).__version__)
        except ImportError:
            versions[mod] = None
    rg = shutil.which("rg")
    if rg:
        out = subprocess.run([rg, "--version"], capture_output=True, text=True, check=False).stdout
        versions["ripgrep"] = out.split()[1] if out.split()[1:] else None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor() or None,
            "python": platform.python_version(), "memory_gb": _memory_gb(), "load_average": load,
            "versions": versions}


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1)
    except (ValueError, OSError, AttributeError):
        return None


def render(report: dict[str, Any]) -> Iterator[str]:
    """The report as a text table: throughput, scaling per core, peak memory, each peer's time over
    sdcscan's at the most threads (> 1: sdcscan is faster)."""
    m = report["machine"]
    load = "" if m["load_average"] is None else f"; load average {m['load_average']:.2f} before the run"
    yield f"sdcscan {report['tool']['version']} bench on {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}{load}"
    head = f"{'workload':<34}{'engine':<10}{'threads':>8}{'seconds':>10}{'throughput':>16}{'scaling':>9}" \
           f"{'peak MB':>9}{'peer/sdcscan':>14}"
    yield head
    yield "-" * len(head)
    for r in report["results"]:
        tp = "failed" if r["throughput"] is None else f"{_fmt(r['throughput'])} {r['unit']}"
        secs = "" if r["seconds"] is None else f"{r['seconds']:.3f}"
        yield (f"{r['workload']:<34}{r['engine']:<10}{r['threads']:>8}{secs:>10}{tp:>16}"
               f"{'' if r['scaling'] is None else format(r['scaling'], '.2f'):>9}"
               f"{'' if r['peak_rss_mb'] is None else format(r['peak_rss_mb'], '.0f'):>9}"
               f"{'' if r['ratio'] is None else format(r['ratio'], '.2f'):>14}"
               + (f"  ({r['note']})" if r["note"] else ""))


def _fmt(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.3g}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(main_child(json.loads(sys.argv[2]))))
    else:
        sys.exit("usage: python -m scanner.bench --child SPEC (the parent is `sdcscan bench`)")
