"""Scanning a large SAS log: the LOG/COD/TAB rules on top of the identifier scan (group ``logs``; see
benchmarks/README.md).

The log is what a SAS batch job on a register project writes: numbered source lines of DATA steps and
procedures (with conditions on years, ages and codes, ``in (...)`` lists of codes), NOTE lines with their
indented continuations, MPRINT lines of macros; every 64 MiB a planted ``if lopnr = ... then delete;``
(COD001) and a small PROC PRINT listing of persons routed to the log (LOG001). It is written once into the
benchmark cache, about ``SDCSCAN_BENCH_LOG_MB`` MiB (default 1024; ``SDCSCAN_BENCH_LOG_SMOKE_MB``, default 16,
under ``--benchmark-disable``).

- ``identifiers``: ``scanner.api.scan_file`` with ``--select PID``: discovery's classification, the content
  hash and the identifier scan (the baseline of issue 11).
- ``log_rules``: ``scan_file`` with every rule: the same, plus the log reader (the ``kernels.logscan`` pass, the
  printed tables and echoed code) and the LOG, COD, TAB, MIC and EXT rules.
- ``overhead``: both alternately, three times each (machine load drifts), medians of wall-clock and process
  CPU seconds and the ratio; the target of issue 11 is at most 1.5 (wall-clock). Printed with ``-s``.

Numba compiles before any timing (an untimed run on a small file).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import benchmarks_disabled, cache_dir

pytestmark = pytest.mark.benchmark(group="logs")

#: Bump when the generator changes: it is part of the cached file's name.
FORMAT = 2
MiB = 1 << 20
PLANT_EVERY = 64 * MiB
_TIMES: dict[str, list[tuple[float, float]]] = {}


def _size_mb(config: pytest.Config) -> int:
    if benchmarks_disabled(config):
        return int(os.environ.get("SDCSCAN_BENCH_LOG_SMOKE_MB", 16))
    return int(os.environ.get("SDCSCAN_BENCH_LOG_MB", 1024))


_DATASETS = ("bef", "ind", "uddf", "lpr_adm", "dodsaarsag", "akm", "ras")


def _step(rng: random.Random, line: int) -> tuple[str, int]:
    """One DATA step and one procedure with their NOTE lines, as SAS writes them (source lines numbered)."""
    out: list[str] = []

    def src(text: str) -> None:
        nonlocal line
        out.append(f"{line:<11d}{text}\n")
        line += 1

    ds = rng.choice(_DATASETS)
    year = rng.randrange(2000, 2023)
    n = rng.randrange(10**5, 10**7)
    src(f"data work.{ds}_{year};")
    src(f"  set proj.{ds}{year}(keep=pnr koen alder kom aarsindk);")
    src(f"  if alder >= {rng.choice((16, 18, 25, 30))} and koen in (1, 2);")
    src(f"  where kom in ({', '.join(str(rng.randrange(101, 860)) for _ in range(rng.randrange(2, 6)))});")
    src(f"  indk_k = round(aarsindk / 1000, {rng.choice((1, 10, 100))});")
    src("run;")
    out.append("\n")
    out.append(f"NOTE: There were {n} observations read from the data set PROJ.{ds.upper()}{year}.\n")
    out.append("      WHERE kom in (101, 147, 751);\n")
    out.append(f"NOTE: The data set WORK.{ds.upper()}_{year} has {n - rng.randrange(n // 2)} observations and 6 "
               "variables.\n")
    out.append("NOTE: DATA statement used (Total process time):\n")
    out.append(f"      real time           {rng.random() * 10:.2f} seconds\n")
    out.append(f"      cpu time            {rng.random() * 5:.2f} seconds\n\n")
    out.append(f"MPRINT(AGG):   proc means data=work.{ds}_{year} noprint nway;\n")
    out.append("MPRINT(AGG):   class kom koen;\n")
    out.append(f"MPRINT(AGG):   output out=work.m_{ds}_{year} n=n mean=gns;\n")
    out.append("MPRINT(AGG):   run;\n\n")
    out.append(f"NOTE: There were {n} observations read from the data set WORK.{ds.upper()}_{year}.\n")
    out.append(f"NOTE: The data set WORK.M_{ds.upper()}_{year} has {rng.randrange(50, 400)} observations and 5 "
               "variables.\n")
    out.append("NOTE: PROCEDURE MEANS used (Total process time):\n")
    out.append(f"      real time           {rng.random():.2f} seconds\n\n")
    return "".join(out), line


def _planted(rng: random.Random, line: int) -> tuple[str, int]:
    """A hard-coded key in a condition and a PROC PRINT of persons routed to the log (proc printto)."""
    out = [f"{line:<11d}  if lopnr = {rng.randrange(1000, 9999)} then delete;\n",
           f"{line + 1:<11d}proc print data=work.x(obs=5); var lopnr alder koen; run;\n\n",
           "                          The SAS System\n\n", "    Obs    lopnr    alder    koen\n\n"]
    for i in range(1, 6):
        out.append(f"      {i}    {rng.randrange(10000, 99999)}       {rng.randrange(18, 90)}      {'MK'[i % 2]}\n")
    out.append("\nNOTE: There were 5 observations read from the data set WORK.X.\n\n")
    return "".join(out), line + 2


def _generate(path: Path, size: int, seed: int = 20240611) -> int:
    """Write about ``size`` bytes of SAS log to ``path``; return the number of planted places."""
    rng = random.Random(seed)
    tmp = path.with_suffix(".part")
    written = 0
    planted = 0
    line = 1
    next_plant = PLANT_EVERY // 2
    with open(tmp, "w", encoding="latin-1", newline="\n") as fh:
        fh.write("1                                        The SAS System           10:21 Monday, March 4, 2024\n\n"
                 "NOTE: Copyright (c) 2016 by SAS Institute Inc., Cary, NC, USA.\n")
        while written < size:
            parts = []
            for _ in range(500):
                text, line = _step(rng, line)
                parts.append(text)
            chunk = "".join(parts)
            if written + len(chunk) >= next_plant:
                text, line = _planted(rng, line)
                chunk += text
                planted += 1
                next_plant += PLANT_EVERY
            fh.write(chunk)
            written += len(chunk)
    tmp.rename(path)
    path.with_suffix(".planted").write_text(str(planted), encoding="utf-8")
    return planted


@pytest.fixture(scope="module")
def sas_log(request: pytest.FixtureRequest) -> tuple[Path, int]:
    mb = _size_mb(request.config)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"sas-log-{mb}mb-v{FORMAT}.log"
    if not path.exists() or not path.with_suffix(".planted").exists():
        _generate(path, mb * MiB)
    return path, int(path.with_suffix(".planted").read_text(encoding="utf-8"))


def _scan(path: Path, select: list[str] | None) -> Any:
    from scanner import api
    from scanner.config import load_config
    from scanner.discover import discover

    [entry] = list(discover([path]))
    return api.scan_file(entry, load_config(select=select), b"k" * 32)


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compile (or load) every kernel on a small log, outside the timing."""
    small = tmp_path_factory.mktemp("warm") / "warm.log"
    _generate(small, 64 * 1024, seed=1)
    _scan(small, None)


def _timed(name: str, path: Path, select: list[str] | None) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = _scan(path, select)
    _TIMES.setdefault(name, []).append((time.perf_counter() - wall, time.process_time() - cpu))
    return result


def test_identifiers(benchmark: Any, sas_log: tuple[Path, int], warmed: None) -> None:
    path, _ = sas_log
    result = benchmark.pedantic(lambda: _scan(path, ["PID"]), rounds=3, iterations=1, warmup_rounds=0)
    benchmark.extra_info["bytes"] = path.stat().st_size
    assert not [f for f in result.findings if f.rule != "PID001"], [f.rule for f in result.findings]


def test_log_rules(benchmark: Any, sas_log: tuple[Path, int], warmed: None) -> None:
    path, planted = sas_log
    result = benchmark.pedantic(lambda: _scan(path, None), rounds=3, iterations=1, warmup_rounds=0)
    benchmark.extra_info["bytes"] = path.stat().st_size
    rules = [f.rule for f in result.findings]
    assert rules.count("COD001") == planted and rules.count("LOG001") == planted, sorted(set(rules))
    assert "FIL001" not in rules


def test_overhead(benchmark: Any, sas_log: tuple[Path, int], warmed: None) -> None:
    """The LOG/COD rules' cost over the identifier scan alone, alternating runs (load drifts)."""
    path, _ = sas_log

    def alternate() -> None:
        for _ in range(3):
            _timed("identifiers", path, ["PID"])
            _timed("log_rules", path, None)

    benchmark.pedantic(alternate, rounds=1, iterations=1)
    base = statistics.median(w for w, _ in _TIMES["identifiers"])
    full = statistics.median(w for w, _ in _TIMES["log_rules"])
    base_cpu = statistics.median(c for _, c in _TIMES["identifiers"])
    full_cpu = statistics.median(c for _, c in _TIMES["log_rules"])
    size = path.stat().st_size
    benchmark.extra_info.update(bytes=size, identifiers_s=base, log_rules_s=full, ratio=full / base,
                                identifiers_cpu_s=base_cpu, log_rules_cpu_s=full_cpu, load=os.getloadavg()[0])
    print(f"\nSAS log {path.name}: {size / 1e6:.0f} MB, load average {os.getloadavg()[0]:.2f}\n"
          f"  identifiers only   {base:7.2f} s wall  {base_cpu:7.2f} s CPU   {size / base / 1e9:5.2f} GB/s\n"
          f"  with LOG/COD rules {full:7.2f} s wall  {full_cpu:7.2f} s CPU   {size / full / 1e9:5.2f} GB/s\n"
          f"  ratio              {full / base:7.2f} wall      {full_cpu / base_cpu:7.2f} CPU   (target: at most 1.50)")
