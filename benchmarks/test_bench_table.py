"""Building a table from register microdata: sdcscan's table engine against the tools a user would pick
(groups ``table-<rows>-<format>``; see benchmarks/README.md).

The table is turnover by region x industry x year with, per cell, the row count, the distinct units (per-unit
mode), the sum and the two largest contributions: what the small-cell, dominance and p % rules need. Per
row a contribution is one row's value; per unit (``firm_id``) it is a firm's summed value within the cell.

- ``read``: reading the columns into Arrow with polars and nothing else, the floor (mode ``row``: the four
  columns of the table; mode ``unit``: the same plus ``firm_id``).
- ``sdcscan_1thread`` / ``sdcscan_<N>threads``: ``scanner.tables.compute.compute_cells(path, spec, threads=N)``;
  ``build_table``: ``scanner.tables.build.build_table`` (margins, rules, suppression; profile ``dst``, per unit).
- ``polars``: ``scan_*().group_by().agg(len, sum, top_k(2))``, streaming engine; ``polars_sort``: the same
  with ``sort(descending=True).head(2)`` instead of ``top_k(2)`` (measured 2.5x faster here on 20M rows).
- ``duckdb``: SQL over ``read_parquet``/``read_csv`` with ``count(*)``, ``sum`` and ``max(v, 2)``.
- ``pandas``: read with the pyarrow engine, ``groupby`` for count and sum, a sort and ``cumcount`` for the
  top two (vectorised; ``nlargest`` per group is far slower); only up to 1M rows unless
  ``SDCSCAN_BENCH_PANDAS_ALL=1``.
- ``acro``: ``ACRO(suppress=False).crosstab(..., aggfunc="sum")`` on a pandas frame read before timing
  (per row only; only up to ``SDCSCAN_BENCH_ACRO_MAX_ROWS``).

Missing values: a null turnover counts as a row of its cell but not as a contribution (sum and top two skip
it); a firm whose rows in a cell are all null counts as a unit but not as a contribution. Every competitor is
written to follow that, and the correctness checks compare cell by cell: each competitor against sdcscan
(in ``test_sdcscan``, on the smallest size, outside the timing) and the competitors against each other
(``test_competitors_agree``, which needs no sdcscan).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from conftest import (
    REPO,
    TableResults,
    acro_sizes,
    benchmarks_disabled,
    pandas_sizes,
    table_extra_sizes,
    table_sizes,
)
from microdata import BY, UNIT, VALUE, MicrodataSet, generate, write

pytestmark = pytest.mark.benchmark(group="table")

FORMATS = ("parquet", "csv")
MODES = ("row", "unit")
THREADS = tuple(sorted({1, os.cpu_count() or 1}))
FAST = {"rounds": 3, "iterations": 1, "warmup_rounds": 1}
#: ACRO (tens of seconds per 100k rows, nothing to compile: warmed up on a tiny frame beforehand) and the
#: memory probe (a fresh process each time) run one round.
ONCE = {"rounds": 1, "iterations": 1, "warmup_rounds": 0}
#: Relative tolerance for sums: summation order differs between tools (the generated values are whole
#: numbers, so the sums are exact in practice).
REL_TOL = 1e-9
CELL_COLUMNS = ("count", "units", "total", "top1", "top2")


# --- parametrization ------------------------------------------------------------------------------------


def size_id(rows: int) -> str:
    """20000 -> "20k", 1000000 -> "1M", 1500000 -> "1500k"."""
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1000 == 0:
        return f"{rows // 1000}k"
    return str(rows)


def _threads_id(threads: int) -> str:
    return f"{threads}thread{'s' if threads > 1 else ''}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Datasets per test from the environment (sizes differ between the real run and the smoke run)."""
    if "table_rows" not in metafunc.fixturenames:
        return
    config = metafunc.config
    sizes, extra = table_sizes(config), table_extra_sizes(config)
    name = metafunc.function.__name__
    # The extra size exists only so that ACRO and sdcscan can be compared: Parquet, per row.
    combos = [(rows, fmt, mode) for rows in sizes for fmt in FORMATS for mode in MODES]
    extra_combos = [(rows, "parquet", "row") for rows in extra]
    if name in ("test_read", "test_sdcscan"):
        combos += extra_combos
    elif name == "test_pandas":
        combos = [c for c in combos if c[0] in pandas_sizes(config)]
    elif name == "test_acro":
        combos = [(rows, "parquet", "row") for rows in acro_sizes(config)]
    elif name == "test_build_table":
        combos = [(rows, "parquet", "unit") for rows in sizes]
    elif name == "test_sdcscan_memory":
        combos = [(max(sizes), "parquet", mode) for mode in MODES]
    elif name == "test_competitors_agree":
        combos = [(min(sizes), fmt, mode) for fmt in FORMATS for mode in MODES]
    metafunc.parametrize(("table_rows", "table_format", "table_mode"), combos,
                         ids=[f"{size_id(r)}-{f}-{m}" for r, f, m in combos])
    if "threads" in metafunc.fixturenames:
        metafunc.parametrize("threads", THREADS, ids=[_threads_id(t) for t in THREADS])


# --- normalised cells -----------------------------------------------------------------------------------
# Every tool's result becomes one polars frame: the BY columns as strings, then count, units, total, top1,
# top2 (null where a cell has fewer contributions), non-empty cells only, sorted by the BY columns.


def _cells_frame(keys: dict[str, Any], count: Any, units: Any, total: Any, top1: Any, top2: Any) -> pl.DataFrame:
    frame = pl.DataFrame({
        **{name: pl.Series(name, keys[name]).cast(pl.String) for name in BY},
        "count": pl.Series("count", count).cast(pl.Int64),
        "units": pl.Series("units", units).cast(pl.Int64),
        "total": pl.Series("total", total).cast(pl.Float64).fill_null(0.0),  # a sum of nothing is 0
        "top1": pl.Series("top1", top1).cast(pl.Float64).fill_nan(None),
        "top2": pl.Series("top2", top2).cast(pl.Float64).fill_nan(None),
    })
    return frame.filter(pl.col("count") > 0).sort(list(BY))


def _from_topk(frame: pl.DataFrame, units: str) -> pl.DataFrame:
    """A frame with BY, n, ``units``, total and a list column ``top`` (order not guaranteed, may hold nulls)."""
    top = frame["top"].list.drop_nulls().list.sort(descending=True)
    return _cells_frame({name: frame[name] for name in BY}, frame["n"], frame[units], frame["total"],
                        top.list.get(0, null_on_oob=True), top.list.get(1, null_on_oob=True))


def sdcscan_cells(stats: Any) -> pl.DataFrame:
    """sdcscan's dense per-cell arrays (C order over ``stats.labels``) as a normalised frame."""
    shape = tuple(len(levels) for levels in stats.labels)
    assert len(shape) == len(BY), f"labels has {len(shape)} dimensions, expected {len(BY)}"
    for field in CELL_COLUMNS:
        n = len(np.asarray(getattr(stats, field)))
        assert n == int(np.prod(shape)), f"stats.{field} has {n} cells, labels give {shape}"
    count = np.asarray(stats.count)
    keep = np.flatnonzero(count > 0)
    coords = np.unravel_index(keep, shape)
    keys = {name: [str(stats.labels[d][i]) for i in coords[d]] for d, name in enumerate(BY)}
    return _cells_frame(keys, count[keep], np.asarray(stats.units)[keep], np.asarray(stats.total)[keep],
                        np.asarray(stats.top1)[keep], np.asarray(stats.top2)[keep])


def assert_same_cells(expected: pl.DataFrame, actual: pl.DataFrame, who: str,
                      columns: tuple[str, ...] = CELL_COLUMNS) -> None:
    """``actual`` (from ``who``) has the cells of ``expected`` with the same ``columns``.

    Messages name cells by their labels (table margins, not protected values) and count mismatches; they
    never show a cell's figures.
    """
    keys = list(BY)
    only_expected = expected.join(actual, on=keys, how="anti")
    only_actual = actual.join(expected, on=keys, how="anti")
    assert only_expected.height == 0 and only_actual.height == 0, (
        f"{who}: {only_expected.height} cells missing, {only_actual.height} extra "
        f"(e.g. {only_expected.head(3).select(keys).rows() + only_actual.head(3).select(keys).rows()})")
    joined = expected.join(actual, on=keys, suffix="_actual")
    problems = []
    for col in columns:
        a, b = pl.col(col), pl.col(f"{col}_actual")
        if col in ("count", "units"):
            bad = a != b
        else:  # nulls must agree; values within a relative tolerance
            close = (a - b).abs() <= REL_TOL * pl.max_horizontal(a.abs(), b.abs()) + 1e-6
            bad = (a.is_null() != b.is_null()) | (a.is_not_null() & b.is_not_null() & ~close)
        wrong = joined.filter(bad)
        if wrong.height:
            problems.append(f"{col} differs in {wrong.height} of {joined.height} cells "
                            f"(e.g. {wrong.head(3).select(keys).rows()})")
    assert not problems, f"{who}: " + "; ".join(problems)


# --- the tools ------------------------------------------------------------------------------------------


def _columns(mode: str) -> list[str]:
    return [*BY, VALUE, UNIT] if mode == "unit" else [*BY, VALUE]


def run_read(path: Path, fmt: str, mode: str) -> int:
    """Read the table's columns into Arrow (polars' readers, the fastest here): the floor.

    ``CompatLevel.newest()`` hands polars' strings over as Arrow string views without a copy; the default
    level copies them into ``large_string``, which took as long again as the read (20M rows: 1.17 s
    against 0.53 s for the read alone and 0.70 s with views).
    """
    cols = _columns(mode)
    frame = pl.read_parquet(path, columns=cols) if fmt == "parquet" else pl.read_csv(path, columns=cols)
    return frame.to_arrow(compat_level=pl.CompatLevel.newest()).num_rows


def _scan(path: Path, fmt: str) -> pl.LazyFrame:
    return pl.scan_parquet(path) if fmt == "parquet" else pl.scan_csv(path)


def _top2(expr: pl.Expr, variant: str) -> pl.Expr:
    if variant == "sort":
        return expr.sort(descending=True, nulls_last=True).head(2).alias("top")
    return expr.top_k(2).alias("top")


def run_polars(path: Path, fmt: str, mode: str, variant: str = "top_k") -> pl.DataFrame:
    """The table with polars' lazy API and streaming engine; per unit, a group_by per firm first."""
    v = pl.col(VALUE)
    lf = _scan(path, fmt)
    if mode == "row":
        query = lf.group_by(BY).agg(pl.len().alias("n"), v.sum().alias("total"), _top2(v, variant))
    else:
        # A firm whose values in the cell are all null is a unit but no contribution: its sum must be null,
        # not polars' 0 for a sum of nothing.
        s = pl.col("s")
        query = (lf.group_by([*BY, UNIT]).agg(pl.len().alias("n"), pl.when(v.count() > 0).then(v.sum()).alias("s"))
                 .group_by(BY).agg(pl.col("n").sum(), pl.len().alias("units"), s.sum().alias("total"),
                                   _top2(s, variant)))
    return query.collect(engine="streaming")


def polars_cells(frame: pl.DataFrame, mode: str) -> pl.DataFrame:
    """Normalise ``run_polars``' result (per row, units = rows)."""
    return _from_topk(frame, "units" if mode == "unit" else "n")


def duckdb_query(path: Path, fmt: str, mode: str) -> str:
    """The SQL a DuckDB user writes: ``max(v, 2)`` is the list of the two largest non-null values."""
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    source = f"{reader}('{str(path).replace(chr(39), chr(39) * 2)}')"
    keys = ", ".join(BY)
    if mode == "row":
        return (f"SELECT {keys}, count(*) AS n, count(*) AS units, sum({VALUE}) AS total, max({VALUE}, 2) AS top "
                f"FROM {source} GROUP BY ALL")
    # sum() of only nulls is NULL in SQL: such a firm is counted as a unit and skipped by sum and max.
    return (f"SELECT {keys}, sum(n)::BIGINT AS n, count(*) AS units, sum(s) AS total, max(s, 2) AS top "
            f"FROM (SELECT {keys}, {UNIT}, count(*) AS n, sum({VALUE}) AS s FROM {source} GROUP BY ALL) "
            f"GROUP BY ALL")


def run_duckdb(path: Path, fmt: str, mode: str) -> Any:
    """The table with DuckDB (all cores, its default), materialised as an Arrow table."""
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")  # it draws on the terminal for queries over ~2 s
        return con.sql(duckdb_query(path, fmt, mode)).to_arrow_table()


def duckdb_cells(table: Any) -> pl.DataFrame:
    """Normalise ``run_duckdb``' result."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return _from_topk(frame, "units")


def _pandas_read(path: Path, fmt: str, mode: str) -> pd.DataFrame:
    if fmt == "parquet":
        return pd.read_parquet(path, columns=_columns(mode), engine="pyarrow")
    return pd.read_csv(path, usecols=_columns(mode), engine="pyarrow")


def run_pandas(path: Path, fmt: str, mode: str) -> pd.DataFrame:
    """The table with pandas: read (pyarrow engine), groupby; per unit, a groupby per firm first.

    The top two come from one sort by value and ``cumcount`` per cell (vectorised), not from ``nlargest``
    per group, which calls Python once per cell.
    """
    df = _pandas_read(path, fmt, mode)
    keys = list(BY)
    if mode == "row":
        out = df.groupby(keys, sort=False)[VALUE].agg(n="size", total="sum")
        out["units"] = out["n"]
        values, value = df, VALUE
    else:
        pairs = df.groupby([*keys, UNIT], sort=False)[VALUE].agg(["size", "count", "sum"])
        pairs["s"] = pairs["sum"].where(pairs["count"] > 0)  # all-null firm: a unit, not a contribution
        pairs = pairs.reset_index()
        out = pairs.groupby(keys, sort=False).agg(n=("size", "sum"), units=("size", "size"), total=("s", "sum"))
        values, value = pairs, "s"
    ranked = values[[*keys, value]].dropna(subset=[value]).sort_values(value, ascending=False)
    rank = ranked.groupby(keys, sort=False).cumcount().to_numpy()
    out["top1"] = ranked[rank == 0].set_index(keys)[value]
    out["top2"] = ranked[rank == 1].set_index(keys)[value]
    return out.reset_index()


def pandas_cells(frame: pd.DataFrame) -> pl.DataFrame:
    """Normalise ``run_pandas``' result."""
    return _cells_frame({name: frame[name].astype(str).to_numpy() for name in BY}, frame["n"].to_numpy(),
                        frame["units"].to_numpy(), frame["total"].to_numpy(), frame["top1"].to_numpy(),
                        frame["top2"].to_numpy())


@contextlib.contextmanager
def _quiet_acro() -> Iterator[Any]:
    """Import ACRO and keep it quiet: it logs every table at INFO and configures the root logger on import.

    Its own warnings (pandas deprecations inside ACRO) are not ours to fix and would be errors under the
    project's ``filterwarnings = error``; they are ignored inside this block only.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import acro

        root.handlers[:], root.level = handlers, level  # undo acro's logging.basicConfig(level=INFO)
        for name in ("acro", "acro:records", "acro:summary"):
            logging.getLogger(name).setLevel(logging.WARNING)
        with contextlib.redirect_stdout(io.StringIO()):
            yield acro


def run_acro(df: pd.DataFrame) -> pd.DataFrame:
    """ACRO's crosstab of summed turnover (its checks run too: ``suppress=False`` only keeps the values)."""
    with _quiet_acro() as acro:
        session = acro.ACRO(suppress=False)
        return session.crosstab(index=df.region, columns=[df.industry, df.year], values=df.turnover,
                                aggfunc="sum")


def acro_cells(table: pd.DataFrame) -> pl.DataFrame:
    """ACRO's table (regions x (industry, year)) as BY + total; empty cells (NaN) dropped."""
    long = table.stack(level=list(range(table.columns.nlevels)), future_stack=True).dropna()
    index = long.index.to_frame(index=False)
    return pl.DataFrame({
        **{name: pl.Series(name, index[name].astype(str).to_numpy(), dtype=pl.String) for name in BY},
        "total": pl.Series("total", long.to_numpy(), dtype=pl.Float64),
    }).sort(list(BY))


# --- sdcscan --------------------------------------------------------------------------------------------


def _spec(tabulate: ModuleType, mode: str) -> Any:
    return tabulate.TableSpec(by=BY, value=VALUE, unit=UNIT if mode == "unit" else None, stat="sum")


def run_sdcscan(tabulate: ModuleType, path: Path, mode: str, threads: int) -> Any:
    """sdcscan's per-cell statistics of the table, streamed from the file (``scanner.tables.compute.Cells``)."""
    return tabulate.compute_cells(path, _spec(tabulate, mode), threads=threads)


@pytest.fixture(scope="session")
def tabulate(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """``scanner.tables.compute``, with its kernels compiled (or loaded from the cache) outside any timing."""
    from scanner.tables import compute as module

    root = tmp_path_factory.mktemp("table-jit")
    warm = root / "warm.parquet", root / "warm.csv"
    write(generate(2000, 1), *warm)
    for path in warm:
        for mode in MODES:
            for threads in THREADS:
                run_sdcscan(module, path, mode, threads)
    return module


# --- session caches -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cells_cache() -> dict[tuple[Any, ...], pl.DataFrame]:
    """Normalised cells per (tool, rows, format, mode), shared by the benchmarks and the agreement checks."""
    return {}


def competitor_cells(cache: dict[tuple[Any, ...], pl.DataFrame], tool: str, data: MicrodataSet, fmt: str,
                     mode: str) -> pl.DataFrame:
    """One competitor's normalised cells, computed (untimed) unless a benchmark already stored them."""
    key = (tool, data.rows, fmt, mode)
    if key not in cache:
        path = data.path(fmt)
        if tool == "polars":
            cache[key] = polars_cells(run_polars(path, fmt, mode), mode)
        elif tool == "polars_sort":
            cache[key] = polars_cells(run_polars(path, fmt, mode, "sort"), mode)
        elif tool == "duckdb":
            cache[key] = duckdb_cells(run_duckdb(path, fmt, mode))
        elif tool == "pandas":
            cache[key] = pandas_cells(run_pandas(path, fmt, mode))
        elif tool == "acro":
            cache[key] = acro_cells(run_acro(pd.read_parquet(data.parquet, columns=_columns("row"))))
        else:
            raise ValueError(f"unknown competitor {tool!r}")
    return cache[key]


def _record(benchmark: Any, results: TableResults, data: MicrodataSet, fmt: str, tool: str, mode: str,
            **extra: Any) -> None:
    """File the median time and rows/s of ``tool`` on (rows, format) for the summary and the JSON output."""
    benchmark.extra_info.update(rows=data.rows, format=fmt, mode=mode, **extra)
    entry = results.setdefault((data.rows, fmt), {}).setdefault((tool, mode), {})
    entry.update(extra)
    stats = getattr(benchmark, "stats", None)
    if stats is None:  # --benchmark-disable: the function ran once, untimed
        return
    seconds = stats.stats.median
    benchmark.extra_info["rows_per_s"] = round(data.rows / seconds)
    entry.update(seconds=seconds, rows_per_s=data.rows / seconds)


def _group(benchmark: Any, rows: int, fmt: str) -> None:
    benchmark.group = f"table-{size_id(rows)}-{fmt}"


# --- benchmarks -----------------------------------------------------------------------------------------


def test_read(benchmark: Any, table_data: Callable[[int], MicrodataSet], table_results: TableResults,
              table_rows: int, table_format: str, table_mode: str) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    n = benchmark.pedantic(run_read, args=(data.path(table_format), table_format, table_mode), **FAST)
    assert n == table_rows
    _record(benchmark, table_results, data, table_format, "read", table_mode, columns=len(_columns(table_mode)))


@pytest.mark.parametrize("variant", ["top_k", "sort"])
def test_polars(benchmark: Any, table_data: Callable[[int], MicrodataSet], table_results: TableResults,
                cells_cache: dict[tuple[Any, ...], pl.DataFrame], request: pytest.FixtureRequest,
                table_rows: int, table_format: str, table_mode: str, variant: str) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    frame = benchmark.pedantic(run_polars, args=(data.path(table_format), table_format, table_mode, variant),
                               **FAST)
    tool = "polars" if variant == "top_k" else "polars_sort"
    cells = polars_cells(frame, table_mode)
    assert int(cells["count"].sum()) == table_rows
    if table_rows == min(table_sizes(request.config)):
        cells_cache[(tool, table_rows, table_format, table_mode)] = cells
    _record(benchmark, table_results, data, table_format, tool, table_mode)


def test_duckdb(benchmark: Any, table_data: Callable[[int], MicrodataSet], table_results: TableResults,
                cells_cache: dict[tuple[Any, ...], pl.DataFrame], request: pytest.FixtureRequest,
                table_rows: int, table_format: str, table_mode: str) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    table = benchmark.pedantic(run_duckdb, args=(data.path(table_format), table_format, table_mode), **FAST)
    cells = duckdb_cells(table)
    assert int(cells["count"].sum()) == table_rows
    if table_rows == min(table_sizes(request.config)):
        cells_cache[("duckdb", table_rows, table_format, table_mode)] = cells
    _record(benchmark, table_results, data, table_format, "duckdb", table_mode)


def test_pandas(benchmark: Any, table_data: Callable[[int], MicrodataSet], table_results: TableResults,
                cells_cache: dict[tuple[Any, ...], pl.DataFrame], request: pytest.FixtureRequest,
                table_rows: int, table_format: str, table_mode: str) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    frame = benchmark.pedantic(run_pandas, args=(data.path(table_format), table_format, table_mode), **FAST)
    cells = pandas_cells(frame)
    assert int(cells["count"].sum()) == table_rows
    if table_rows == min(table_sizes(request.config)):
        cells_cache[("pandas", table_rows, table_format, table_mode)] = cells
    _record(benchmark, table_results, data, table_format, "pandas", table_mode)


def test_acro(benchmark: Any, table_data: Callable[[int], MicrodataSet], table_results: TableResults,
              cells_cache: dict[tuple[Any, ...], pl.DataFrame], request: pytest.FixtureRequest, table_rows: int,
              table_format: str, table_mode: str) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    df = pd.read_parquet(data.parquet, columns=_columns("row"))  # ACRO works on a frame in memory: not timed
    if not benchmarks_disabled(request.config):
        run_acro(df.head(1000))  # imports and first-call costs outside the timing
    table = benchmark.pedantic(run_acro, args=(df,), **ONCE)
    cells = acro_cells(table)
    assert cells.height > 0
    cells_cache[("acro", table_rows, "parquet", "row")] = cells
    _record(benchmark, table_results, data, table_format, "acro", table_mode, note="data in memory, not timed")


def test_sdcscan(benchmark: Any, tabulate: ModuleType, table_data: Callable[[int], MicrodataSet],
                 table_results: TableResults, cells_cache: dict[tuple[Any, ...], pl.DataFrame],
                 request: pytest.FixtureRequest, table_rows: int, table_format: str, table_mode: str,
                 threads: int) -> None:
    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    stats = benchmark.pedantic(run_sdcscan, args=(tabulate, data.path(table_format), table_mode, threads), **FAST)
    ours = sdcscan_cells(stats)
    assert int(ours["count"].sum()) == table_rows, "the cells' row counts do not add up to the file's rows"
    _record(benchmark, table_results, data, table_format, f"sdcscan_{_threads_id(threads)}", table_mode)

    # Correctness guard, outside the timing: every competitor agrees with us cell by cell on the smallest
    # size (and ACRO, which sums per row only, on its sizes).
    config = request.config
    if threads != max(THREADS):
        return
    if table_rows == min(table_sizes(config)):
        tools = ["polars", "polars_sort", "duckdb"] + (["pandas"] if table_rows in pandas_sizes(config) else [])
        for tool in tools:
            theirs = competitor_cells(cells_cache, tool, data, table_format, table_mode)
            assert_same_cells(ours, theirs, f"{tool} vs sdcscan ({size_id(table_rows)} {table_format} {table_mode})")
    if table_rows == min(acro_sizes(config)) and (table_format, table_mode) == ("parquet", "row"):
        theirs = competitor_cells(cells_cache, "acro", data, "parquet", "row")
        assert_same_cells(ours, theirs, f"acro vs sdcscan ({size_id(table_rows)})", columns=("total",))


def test_build_table(benchmark: Any, tabulate: ModuleType, table_data: Callable[[int], MicrodataSet],
                     table_results: TableResults, table_rows: int, table_format: str, table_mode: str) -> None:
    from scanner.config import load_config
    from scanner.tables.build import build_table

    data = table_data(table_rows)
    _group(benchmark, table_rows, table_format)
    config = load_config(profile="dst")
    spec = _spec(tabulate, table_mode)
    result = benchmark.pedantic(build_table, args=(data.path(table_format), spec, config), **FAST)
    # Extended cells are in C order with each axis' margin last: the last cell is the grand total.
    assert int(result.table.stats.count[-1]) == table_rows
    suppressed = np.asarray(result.suppressed)
    _record(benchmark, table_results, data, table_format, "build_table", table_mode,
            published_cells=int(suppressed.size), primary=int((suppressed == 1).sum()),
            secondary=int((suppressed == 2).sum()))


#: Run in a fresh interpreter: peak RSS growth of one compute_cells call, after a warm-up call on a tiny file.
_MEMORY_SCRIPT = """
import json, sys, time
from pathlib import Path
from scanner.tables import compute as tabulate

def status(field):
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field + " not in /proc/self/status")

path, warm, mode, threads = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
by = tuple(sys.argv[5].split(","))
spec = tabulate.TableSpec(by=by, value=sys.argv[6], unit=sys.argv[7] if mode == "unit" else None, stat="sum")
tabulate.compute_cells(warm, spec, threads=threads)  # imports, JIT cache loads, first-call allocations
try:  # "5" resets the peak (VmHWM) to the current RSS (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")
    reset = True
except OSError:
    reset = False
before = status("VmRSS")
hwm_before = status("VmHWM")
t0 = time.perf_counter()
tabulate.compute_cells(path, spec, threads=threads)
seconds = time.perf_counter() - t0
print(json.dumps({"rss_before": before, "hwm_before": hwm_before, "peak": status("VmHWM"), "reset": reset,
                  "seconds": seconds}))
"""


def run_memory_probe(path: Path, warm: Path, mode: str, threads: int) -> dict[str, Any]:
    """Peak RSS growth of ``compute_cells`` on ``path`` in a fresh subprocess (bytes)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(path), str(warm), mode, str(threads),
                           ",".join(BY), VALUE, UNIT], capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert proc.returncode == 0, f"memory probe failed (exit {proc.returncode}): {proc.stderr[-2000:]}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # Without the reset, the peak may still be the warm-up's: growth is then measured from that peak.
    base = out["rss_before"] if out["reset"] else max(out["rss_before"], out["hwm_before"])
    out["growth"] = max(0, out["peak"] - base)
    return dict(out)


@pytest.mark.benchmark(group="table-memory")
def test_sdcscan_memory(benchmark: Any, tabulate: ModuleType, table_data: Callable[[int], MicrodataSet],
                        table_results: TableResults, tmp_path_factory: pytest.TempPathFactory, table_rows: int,
                        table_format: str, table_mode: str) -> None:
    data = table_data(table_rows)
    warm = tmp_path_factory.mktemp("table-mem") / "warm.parquet"
    write(generate(2000, 1), warm, warm.with_suffix(".csv"))
    threads = max(THREADS)
    probe = benchmark.pedantic(run_memory_probe, args=(data.parquet, warm, table_mode, threads), **ONCE)
    assert probe["peak"] > 0
    arrow_bytes = pl.read_parquet(data.parquet, columns=_columns(table_mode)).to_arrow().nbytes
    _record(benchmark, table_results, data, table_format, f"memory_{_threads_id(threads)}", table_mode,
            rss_growth=probe["growth"], arrow_bytes=arrow_bytes, reset=probe["reset"],
            probe_seconds=probe["seconds"])


def test_competitors_agree(table_data: Callable[[int], MicrodataSet], cells_cache: dict[tuple[Any, ...], pl.DataFrame],
                           request: pytest.FixtureRequest, table_rows: int, table_format: str,
                           table_mode: str) -> None:
    """polars (both variants), DuckDB and pandas give the same cells, and ACRO the same sums (not timed).

    This check needs no sdcscan: it keeps the competitors honest with each other, so that a disagreement
    with sdcscan in ``test_sdcscan`` points at one side.
    """
    data = table_data(table_rows)
    polars = competitor_cells(cells_cache, "polars", data, table_format, table_mode)
    # Not vacuous: many cells, every row in one, and per unit firms with several rows in a cell.
    assert polars.height > 100
    assert int(polars["count"].sum()) == table_rows
    if table_mode == "unit":
        assert (polars["units"] < polars["count"]).any(), "no firm has several rows in one cell"
    tools = ["polars_sort", "duckdb"] + (["pandas"] if table_rows in pandas_sizes(request.config) else [])
    for tool in tools:
        theirs = competitor_cells(cells_cache, tool, data, table_format, table_mode)
        assert_same_cells(polars, theirs, f"{tool} vs polars ({size_id(table_rows)} {table_format} {table_mode})")
    if (table_format, table_mode) == ("parquet", "row") and table_rows <= max(acro_sizes(request.config)):
        theirs = competitor_cells(cells_cache, "acro", data, "parquet", "row")
        assert_same_cells(polars, theirs, f"acro vs polars ({size_id(table_rows)})", columns=("total",))

