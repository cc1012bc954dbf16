"""`sdcscan scan` of CSV exports, whole process, against what a user would run instead (group ``scan``;
see benchmarks/README.md).

- **Large CSV**: ``sdcscan scan big.csv`` (every rule of the default profile: table analysis, every value
  of every column through the identifier kernels, the raw-byte identifier scan, the content hash) against
  ``polars.read_csv`` of the same file in a fresh interpreter (reading it, nothing else: the floor a user
  would compare with). Rows of a register extract: region, sex, age, year, income and a count, 5M rows
  (about 110 MB; ``SDCSCAN_BENCH_SCAN_ROWS``; 50k under ``--benchmark-disable``).
- **Many small tables**: ``sdcscan scan DIR -j 1`` over 1,000 small published tables (region by sex, counts;
  ``SDCSCAN_BENCH_SCAN_FILES``; 20 under ``--benchmark-disable``), reported as milliseconds per file after
  the start-up of one process (measured on a folder of one file and subtracted).
- **Peak memory**: the resident peak of ``sdcscan scan`` on the large CSV and on one of twice its rows, and
  its anonymous part (sampled every 5 ms from /proc: what the scanner allocates; the rest is the page cache
  of the mapped file, which the kernel reclaims): a flat anonymous peak does not grow with the file.

Every command runs once, in a fresh process, after an untimed run that fills Numba's cache and the page
cache; ``-s`` prints the ratios, which also go into ``extra_info``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, benchmarks_disabled, cache_dir

pytestmark = pytest.mark.benchmark(group="scan")

#: Bump when the generators change: part of the cached files' names.
FORMAT = 1
_TIMES: dict[str, float] = {}
_PEAKS: dict[str, int] = {}
_ANON: dict[str, int] = {}
_REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")


def _rows(config: pytest.Config) -> int:
    if benchmarks_disabled(config):
        return 50_000
    return int(os.environ.get("SDCSCAN_BENCH_SCAN_ROWS", 5_000_000))


def _files(config: pytest.Config) -> int:
    if benchmarks_disabled(config):
        return 20
    return int(os.environ.get("SDCSCAN_BENCH_SCAN_FILES", 1000))


def _big_csv(rows: int) -> Path:
    import numpy as np
    import polars as pl

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scan-{rows}-v{FORMAT}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(20240601)
    frame = pl.DataFrame({
        "region": rng.integers(1, 6, rows),
        "kon": rng.choice(["K", "M"], rows),
        "alder": rng.integers(16, 100, rows),
        "aar": rng.integers(2015, 2024, rows),
        "indkomst": rng.integers(0, 2_000_000, rows),
        "antal": rng.integers(1, 50, rows),
    })
    tmp = path.with_suffix(".part")
    frame.write_csv(tmp)
    tmp.rename(path)
    return path


def _small_dir(files: int) -> Path:
    folder = cache_dir() / f"scan-small-{files}-v{FORMAT}"
    if folder.exists():
        return folder
    tmp = folder.with_name(folder.name + ".part")
    tmp.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240601)
    for i in range(files):
        cells = [f"{r};{k};{rng.randint(3, 900)}" for r in _REGIONS for k in ("Mænd", "Kvinder")]
        lines = ["region;koen;antal", *cells]
        (tmp / f"tabel_{i:05d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(folder)
    return folder


def _sdcscan(*args: str) -> list[str]:
    return [sys.executable, "-m", "scanner.cli", "scan", *args, "--quiet", "--exit-zero", "--no-progress",
            "--format", "json", "-o", os.devnull]


# Runs ``cmd`` and samples its anonymous resident memory (RssAnon: heap, Arrow and NumPy buffers; not the
# page cache of a mapped file, which ru_maxrss counts and the kernel reclaims) every 5 ms.
_PROBE = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
anon = 0
while p.poll() is None:
    try:
        with open(f"/proc/{p.pid}/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    anon = max(anon, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.005)
assert p.returncode == 0, p.returncode
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, anon)
"""


def _run(cmd: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak resident KiB and peak anonymous KiB (0 where /proc is missing) of ``cmd`` in a
    fresh process."""
    out = subprocess.run([sys.executable, "-c", _PROBE, *cmd], capture_output=True, text=True, check=True,
                         cwd=REPO, timeout=3600)
    seconds, peak, anon = out.stdout.split()
    return float(seconds), int(peak), int(anon)


def _once(benchmark: Any, name: str, cmd: list[str]) -> None:
    _run(cmd)  # untimed: Numba's cache and the page cache

    def timed() -> None:
        _TIMES[name], _PEAKS[name], _ANON[name] = _run(cmd)

    benchmark.pedantic(timed, rounds=1, iterations=1, warmup_rounds=0)
    benchmark.extra_info["seconds"] = _TIMES[name]
    benchmark.extra_info["peak_kib"] = _PEAKS[name]
    benchmark.extra_info["peak_anonymous_kib"] = _ANON[name]


@pytest.fixture(scope="module")
def big(request: pytest.FixtureRequest) -> Path:
    return _big_csv(_rows(request.config))


@pytest.fixture(scope="module")
def small(request: pytest.FixtureRequest) -> Path:
    return _small_dir(_files(request.config))


def test_polars_read_csv(benchmark: Any, big: Path) -> None:
    _once(benchmark, "polars.read_csv", [sys.executable, "-c",
                                         f"import polars as pl; assert pl.read_csv({str(big)!r}).height > 0"])


def test_sdcscan_large_csv(benchmark: Any, big: Path) -> None:
    _once(benchmark, "sdcscan scan", _sdcscan(str(big)))


def test_sdcscan_large_csv_twice_the_rows(benchmark: Any, request: pytest.FixtureRequest) -> None:
    bigger = _big_csv(2 * _rows(request.config))
    _once(benchmark, "sdcscan scan, 2x rows", _sdcscan(str(bigger)))


def test_sdcscan_one_small_file(benchmark: Any, small: Path) -> None:
    """Start-up and one file: subtracted from the next to give the cost of a file."""
    one = cache_dir() / f"scan-small-one-v{FORMAT}"
    one.mkdir(parents=True, exist_ok=True)
    first = sorted(small.iterdir())[0]
    (one / first.name).write_bytes(first.read_bytes())
    _once(benchmark, "sdcscan scan, 1 small file", _sdcscan(str(one), "-j", "1"))


def test_sdcscan_small_files(benchmark: Any, small: Path) -> None:
    _once(benchmark, "sdcscan scan, small files", _sdcscan(str(small), "-j", "1"))


def test_ratios(benchmark: Any, big: Path, small: Path) -> None:
    """Print each command's time, the ratio to polars and the per-file cost (``-s``)."""
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    floor = _TIMES.get("polars.read_csv")
    if not floor or "sdcscan scan" not in _TIMES:
        pytest.skip("the large-CSV commands did not run")
    ratio = _TIMES["sdcscan scan"] / floor
    benchmark.extra_info["large_csv_ratio"] = ratio
    lines = [f"\n{big.name}: {big.stat().st_size / 1e6:.1f} MB",
             f"  polars.read_csv        {floor:7.2f} s   peak {_PEAKS['polars.read_csv'] / 1024:7.0f} MiB",
             f"  sdcscan scan           {_TIMES['sdcscan scan']:7.2f} s   peak "
             f"{_PEAKS['sdcscan scan'] / 1024:7.0f} MiB (anonymous {_ANON['sdcscan scan'] / 1024:5.0f} MiB)   "
             f"{ratio:5.2f}x polars"]
    if "sdcscan scan, 2x rows" in _TIMES:
        lines.append(f"  sdcscan scan, 2x rows  {_TIMES['sdcscan scan, 2x rows']:7.2f} s   peak "
                     f"{_PEAKS['sdcscan scan, 2x rows'] / 1024:7.0f} MiB (anonymous "
                     f"{_ANON['sdcscan scan, 2x rows'] / 1024:5.0f} MiB)")
    if "sdcscan scan, small files" in _TIMES and "sdcscan scan, 1 small file" in _TIMES:
        files = sum(1 for _ in small.iterdir())
        per_file = (_TIMES["sdcscan scan, small files"] - _TIMES["sdcscan scan, 1 small file"]) / max(files - 1, 1)
        benchmark.extra_info["ms_per_small_file"] = per_file * 1000
        lines.append(f"  {files} small tables: {per_file * 1000:.1f} ms a file after start-up "
                     f"(start-up and one file: {_TIMES['sdcscan scan, 1 small file']:.2f} s)")
    print("\n".join(lines))
