"""Scanning a large workbook: sdcscan against the reader it uses (fastexcel) alone and against openpyxl
(group ``workbook``; see benchmarks/README.md).

The workbook holds sheets of unit records (id, region, sex, age, income, weight, a text column and a
flag: 8 columns; a million rows per sheet), written with xlsxwriter in constant-memory mode into the
benchmark cache, about ``SDCSCAN_BENCH_XLSX_MB`` MB (default 100; ``SDCSCAN_BENCH_XLSX_SMOKE_MB``, default 2, under
``--benchmark-disable``). A row of every 500th is hidden, so the structure pass has hidden rows to find.

- ``sdcscan``: ``scanner.api.scan_file`` on the file: package structure, values, table analysis, every
  TAB/MIC/PID rule, DOC rules (profile ``dst``). The rows are microdata with an ``id`` column, so a MIC
  rule must report, and DOC004 the hidden rows.
- ``fastexcel``: ``fastexcel.read_excel`` and ``load_sheet(...).to_arrow()`` of every sheet with the
  options sdcscan uses (all cells as strings): the reader alone, the floor.
- ``openpyxl``: ``load_workbook(read_only=True)`` and every cell value through ``iter_rows(values_only=True)``:
  what a Python user would write.

Each runs once (a run of the 100 MB file takes seconds to minutes); the ratios to fastexcel are printed at
the end (``-s``) and kept in ``extra_info``.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import benchmarks_disabled, cache_dir

pytestmark = pytest.mark.benchmark(group="workbook")

#: Bump when the generator changes: it is part of the cached file's name.
FORMAT = 3
#: Compressed bytes per row of the generated sheets, measured (57.4 MB for 1,048,575 rows).
BYTES_PER_ROW = 55
SHEET_ROWS = 1_000_000
REGIONS = ("Nord", "Syd", "Øst", "Vest", "Midt", "Hovedstaden", "Sjælland")

_TIMES: dict[str, float] = {}


def _size_mb(config: pytest.Config) -> int:
    if benchmarks_disabled(config):
        return int(os.environ.get("SDCSCAN_BENCH_XLSX_SMOKE_MB", 2))
    return int(os.environ.get("SDCSCAN_BENCH_XLSX_MB", 100))


def _generate(path: Path, rows: int) -> None:
    import xlsxwriter

    tmp = path.with_suffix(".part")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    rng = random.Random(20240601)
    done = 0
    while done < rows:
        # a sheet holds at most 1,048,576 rows: a 100 MB workbook needs two sheets
        ws = wb.add_worksheet(f"data{done // SHEET_ROWS + 1}")
        ws.write_row(0, 0, ["id", "region", "sex", "age", "income", "weight", "note", "flag"])
        for r in range(1, min(SHEET_ROWS, rows - done) + 1):
            if r % 500 == 0:
                ws.set_row(r, None, None, {"hidden": True})
            n = done + r
            ws.write_row(r, 0, [n, REGIONS[rng.randrange(7)], "MK"[n & 1], rng.randint(16, 99),
                                round(rng.uniform(0, 2e6), 2), rng.random(), f"case {n % 9973}", n % 3])
        done += SHEET_ROWS
    wb.close()
    tmp.rename(path)


@pytest.fixture(scope="module")
def workbook(request: pytest.FixtureRequest) -> Path:
    mb = _size_mb(request.config)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"workbook-{mb}mb-v{FORMAT}.xlsx"
    if not path.exists():
        _generate(path, mb * 1_000_000 // BYTES_PER_ROW)
    return path


def _once(benchmark: Any, name: str, func: Callable[[], Any]) -> Any:
    def timed() -> Any:
        start = time.perf_counter()
        out = func()
        _TIMES[name] = time.perf_counter() - start
        return out

    result = benchmark.pedantic(timed, rounds=1, iterations=1, warmup_rounds=0)
    benchmark.extra_info["seconds"] = _TIMES.get(name)
    return result


def test_fastexcel(benchmark: Any, workbook: Path) -> None:
    import fastexcel

    def read() -> int:
        reader = fastexcel.read_excel(str(workbook))
        cells = 0
        for i in range(len(reader.sheet_names)):
            batch = reader.load_sheet(i, header_row=None, skip_rows=0, dtypes="string",
                                      whitespace_as_null=True).to_arrow()
            cells += batch.num_rows * batch.num_columns
        return cells

    assert _once(benchmark, "fastexcel", read) > 0


def test_sdcscan(benchmark: Any, workbook: Path) -> None:
    from scanner import api
    from scanner.config import load_config
    from scanner.discover import discover

    [entry] = list(discover([workbook]))
    config = load_config()
    api.scan_file(entry, config, b"k" * 32, threads=1)  # untimed: Numba compiles the kernels (cache=True)
    result = _once(benchmark, "sdcscan", lambda: api.scan_file(entry, config, b"k" * 32))
    codes = {f.rule for f in result.findings}
    assert codes & {"MIC001", "MIC002"} and "DOC004" in codes, codes


def test_openpyxl(benchmark: Any, workbook: Path) -> None:
    import openpyxl

    def read() -> int:
        wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
        cells = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
        return cells

    assert _once(benchmark, "openpyxl", read) > 0


def test_ratios(benchmark: Any, workbook: Path) -> None:
    """Print each tool's time and its ratio to fastexcel alone (the floor)."""
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    floor = _TIMES.get("fastexcel")
    if not floor:
        pytest.skip("fastexcel did not run")
    size = workbook.stat().st_size / 1e6
    lines = [f"\nworkbook {workbook.name}: {size:.1f} MB"]
    for name in ("fastexcel", "sdcscan", "openpyxl"):
        if name in _TIMES:
            ratio = _TIMES[name] / floor
            benchmark.extra_info[f"{name}_ratio"] = ratio
            lines.append(f"  {name:10s} {_TIMES[name]:8.2f} s   {ratio:5.2f}x fastexcel")
    print("\n".join(lines))
