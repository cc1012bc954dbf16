"""Seeded synthetic register microdata for the table benchmarks (``test_bench_table.py``), Parquet and CSV.

One row is one report of a firm (an establishment in a year, say): ``firm_id`` (int64, about ten rows per
firm), ``year`` (10 levels), ``region`` (20 Swedish counties, UTF-8 names), ``industry`` (80 NACE divisions
such as ``C10``), ``turnover`` (float64, whole kronor), and two columns a table does not need
(``employees``, ``wage_bill``): real register files are wide, and a reader should only pay for what it uses.

What makes it look like a business register:

- firm sizes are log-normal: each firm has at least one row and the other rows are drawn in proportion to
  its size, so a few firms have hundreds of rows and many have one or two;
- industries are Zipf-distributed (exponent 1.1; the heaviest is about 100 times the lightest) and regions
  mildly so (0.8), over a seeded order of the levels: the table has large cells and many small ones;
- a firm keeps its region (92 %) and industry (97 %) in most rows and spans several years (entry years
  spread over the panel), so a firm contributes to several cells and often several rows to one cell;
- turnover is log-normal around a firm-level scale tied to its size (heavy-tailed: cells dominated by one
  or two firms exist), rounded to whole kronor; about 1 in 10,000 values is missing (null) and 1 in 10,000
  is negative (credit notes). Whole numbers keep every tool's sums exact (far below 2**53), so tools can be
  compared cell by cell whatever their summation order;
- rows are stacked year by year (annual files appended), in random order within a year.

``generate`` is vectorised NumPy (20M rows in seconds). ``ensure_microdata`` writes Parquet (zstd, row
groups of 1M rows) and CSV once per (rows, seed, format version) into a cache folder and reuses them; a
JSON file next to them holds counts only (rows, firms, nulls, negatives, bytes), never values.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "BY", "COLUMNS", "FORMAT", "INDUSTRIES", "REGIONS", "UNIT", "VALUE", "YEARS", "MicrodataSet",
    "ensure_microdata", "generate", "write",
]

#: Bump when the generator or the written files change: it is part of the cached files' names.
FORMAT = 1

BY = ("region", "industry", "year")
VALUE = "turnover"
UNIT = "firm_id"
#: File column order; a table needs BY + VALUE (+ UNIT).
COLUMNS = ("firm_id", "year", "region", "industry", "employees", "turnover", "wage_bill")

#: 20 of Sweden's 21 counties (län), non-ASCII names included: labels are UTF-8 in both files.
REGIONS: tuple[str, ...] = (
    "Stockholm", "Uppsala", "Södermanland", "Östergötland", "Jönköping", "Kronoberg", "Kalmar", "Blekinge",
    "Skåne", "Halland", "Västra Götaland", "Värmland", "Örebro", "Västmanland", "Dalarna", "Gävleborg",
    "Västernorrland", "Jämtland", "Västerbotten", "Norrbotten",
)

# NACE Rev. 2 divisions by section (letter, first, last); a letter in front keeps CSV readers from
# inferring the codes as integers (which would drop the leading zero of "01").
_NACE_SECTIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43), ("G", 45, 47),
    ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68), ("M", 69, 75), ("N", 77, 82),
    ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96),
)
#: 80 NACE divisions (A01 … R93).
INDUSTRIES: tuple[str, ...] = tuple(f"{s}{d:02d}" for s, lo, hi in _NACE_SECTIONS for d in range(lo, hi + 1))[:80]
YEARS: tuple[int, ...] = tuple(range(2014, 2024))

ROWS_PER_FIRM = 10
REGION_ZIPF = 0.8
INDUSTRY_ZIPF = 1.1
#: Share of a firm's rows in its home region / home industry (the rest: another level, drawn by weight).
STAY_REGION = 0.92
STAY_INDUSTRY = 0.97
NULL_SHARE = 1e-4
NEGATIVE_SHARE = 1e-4
ROW_GROUP_ROWS = 1_000_000


def _zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Zipf weights 1/k**exponent over a seeded permutation of ``n`` levels, normalised to sum 1."""
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    w = w[rng.permutation(n)]
    return w / w.sum()


def _draw(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """``size`` level codes drawn with probabilities ``p`` (inverse CDF: faster than ``rng.choice`` with p)."""
    cdf = np.cumsum(p)
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.uint32)


def _labels(levels: tuple[str, ...], codes: np.ndarray, name: str) -> pl.Series:
    # Gathering from a small String series stays in Rust; an object array of 20M Python str would not.
    return pl.Series(name, levels, dtype=pl.String).gather(pl.Series(codes, dtype=pl.UInt32))


def generate(rows: int, seed: int) -> pl.DataFrame:
    """``rows`` rows of synthetic register microdata (columns ``COLUMNS``), the same for the same arguments.

    ``max(1, rows // ROWS_PER_FIRM)`` distinct firms, each with at least one row. Vectorised: 20M rows take
    about ten seconds and a few GB of memory.
    """
    if rows < 1:
        raise ValueError(f"rows must be positive, got {rows}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, rows, FORMAT]))
    n_firms = max(1, rows // ROWS_PER_FIRM)
    region_p = _zipf_weights(len(REGIONS), REGION_ZIPF, rng)
    industry_p = _zipf_weights(len(INDUSTRIES), INDUSTRY_ZIPF, rng)

    # Firms: size, home region and industry, entry year and turnover scale. The three small codes are
    # packed into one int32 so that rows fetch them with one random gather (20M random gathers cost ~0.7 s).
    size = rng.lognormal(0.0, 1.0, n_firms)
    home = (_draw(rng, region_p, n_firms) | _draw(rng, industry_p, n_firms) << 8).astype(np.int32)
    # 60 % of the firms exist before the panel starts; the others enter in a later year.
    entry = np.where(rng.random(n_firms) < 0.6, 0, rng.integers(0, len(YEARS), n_firms)).astype(np.int32)
    home |= entry << 16
    scale = (12.0 + 0.8 * np.log(size) + 1.2 * rng.standard_normal(n_firms)).astype(np.float32)

    # Rows: every firm once, the other rows in proportion to firm size (a multinomial, then shuffled).
    per_firm = rng.multinomial(rows - n_firms, size / size.sum()) + 1
    firm = np.repeat(np.arange(n_firms, dtype=np.int32), per_firm)
    rng.shuffle(firm)
    packed = home[firm]
    first = packed >> 16
    offset = (rng.random(rows, dtype=np.float32) * (len(YEARS) - first)).astype(np.int32)
    year = np.minimum(first + offset, len(YEARS) - 1).astype(np.uint8)  # the minimum guards float32 rounding
    # Stack the years (annual files appended), random order within a year: a stable (radix) sort of uint8.
    order = np.argsort(year, kind="stable")
    firm, packed, year = firm[order], packed[order], year[order]
    del order, first, offset

    region = (packed & 0xFF).astype(np.uint32)
    moved = np.flatnonzero(rng.random(rows, dtype=np.float32) >= STAY_REGION)
    region[moved] = _draw(rng, region_p, moved.size)
    industry = ((packed >> 8) & 0xFF).astype(np.uint32)
    reclassified = np.flatnonzero(rng.random(rows, dtype=np.float32) >= STAY_INDUSTRY)
    industry[reclassified] = _draw(rng, industry_p, reclassified.size)
    del packed

    turnover = np.rint(np.exp(scale[firm].astype(np.float64) + 0.5 * rng.standard_normal(rows)))
    negative = np.flatnonzero(rng.random(rows, dtype=np.float32) < NEGATIVE_SHARE)
    turnover[negative] = -turnover[negative]
    missing = np.flatnonzero(rng.random(rows, dtype=np.float32) < NULL_SHARE)
    employees = np.maximum(1, np.rint(turnover / 1.5e6 * rng.lognormal(0.0, 0.5, rows))).astype(np.int32)
    wage_bill = np.rint(np.abs(turnover) * rng.uniform(0.1, 0.6, rows))
    # Unique, sparse ids without a permutation: distinct multiples of a stride plus a scrambled offset below it.
    stride = 4099
    firm_id = 10**10 + firm.astype(np.int64) * stride + (firm.astype(np.int64) * 2654435761) % stride

    return pl.DataFrame([
        pl.Series("firm_id", firm_id, dtype=pl.Int64),
        pl.Series("year", np.asarray(YEARS, dtype=np.int32)[year], dtype=pl.Int32),
        _labels(REGIONS, region, "region"),
        _labels(INDUSTRIES, industry, "industry"),
        pl.Series("employees", employees, dtype=pl.Int32),
        # A missing value is a null in Parquet and an empty field in CSV, as exported registers have it.
        pl.Series("turnover", turnover, dtype=pl.Float64).scatter(missing, None),
        pl.Series("wage_bill", wage_bill, dtype=pl.Float64),
    ])


def write(df: pl.DataFrame, parquet: Path, csv: Path) -> None:
    """Write ``df`` as Parquet (zstd, row groups of ``ROW_GROUP_ROWS``) and as CSV (comma, header, UTF-8).

    Each file is written to a temporary name first and renamed, so an interrupted run leaves no half file.
    """
    for path in (parquet, csv):
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        if path is parquet:
            df.write_parquet(tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS, statistics=True)
        else:
            df.write_csv(tmp)
        tmp.replace(path)


@dataclass(frozen=True)
class MicrodataSet:
    """One generated dataset on disk: the same rows as Parquet and as CSV, and counts about them."""

    rows: int
    seed: int
    parquet: Path
    csv: Path
    meta: dict[str, Any]

    def path(self, fmt: str) -> Path:
        """The file of format ``fmt`` ("parquet" or "csv")."""
        if fmt == "parquet":
            return self.parquet
        if fmt == "csv":
            return self.csv
        raise ValueError(f"unknown format {fmt!r}: expected 'parquet' or 'csv'")


def _stem(rows: int, seed: int) -> str:
    return f"table-microdata-{rows}rows-seed{seed}-v{FORMAT}"


def ensure_microdata(rows: int, seed: int, root: Path) -> MicrodataSet:
    """The dataset of ``rows`` rows and ``seed`` in ``root``: generated and written once, then reused.

    Reuse needs both files and a meta file whose recorded byte sizes match the files.
    """
    root.mkdir(parents=True, exist_ok=True)
    stem = _stem(rows, seed)
    parquet, csv, meta_path = root / f"{stem}.parquet", root / f"{stem}.csv", root / f"{stem}.json"
    if parquet.is_file() and csv.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("parquet_bytes") == parquet.stat().st_size and meta.get("csv_bytes") == csv.stat().st_size:
            return MicrodataSet(rows, seed, parquet, csv, meta)
    t0 = time.perf_counter()
    df = generate(rows, seed)
    t1 = time.perf_counter()
    write(df, parquet, csv)
    meta = {
        "format": FORMAT, "rows": rows, "seed": seed,
        "firms": int(df["firm_id"].n_unique()),
        "nonempty_cells": int(df.select(pl.struct(*BY).n_unique()).item()),
        "null_values": int(df[VALUE].null_count()),
        "negative_values": int((df[VALUE] < 0).sum()),
        "parquet_bytes": parquet.stat().st_size, "csv_bytes": csv.stat().st_size,
        "generate_seconds": round(t1 - t0, 2), "write_seconds": round(time.perf_counter() - t1, 2),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return MicrodataSet(rows, seed, parquet, csv, meta)
