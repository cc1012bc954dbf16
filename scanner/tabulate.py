"""Tables from microdata: stream the file into the cell kernels, add margins, check and protect every cell.

``compute_cells`` is the fast path (one streaming pass, per-cell statistics); ``build_table`` adds the
margins, evaluates the TAB rules on every cell (interior and margins: both are published), suppresses
the cells that break a rule (primary) and then enough other cells that no suppressed cell can be
recomputed from what is published (secondary, proven by the LP audit in :mod:`scanner.suppression`).

Cell codes: each ``--by`` column gets a dictionary of its levels (codes in order of first appearance) and
a row's cell is the mixed-radix number of its codes. The radix of a column is a capacity that doubles when
a batch brings more levels than it holds; the statistics gathered so far are then closed as a segment and
remapped at the end, so the stream never needs a first pass to learn the levels. At the end the levels are
sorted and every segment is remapped into the final, exact layout (C order of the ``by`` columns).
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from kernels.cells import CellStats
    from scanner.config import Config

__all__ = [
    "CellFlags",
    "CellTable",
    "Cells",
    "Exported",
    "ExtendedCells",
    "Stat",
    "Suppressed",
    "TableError",
    "TableResult",
    "TableSpec",
    "build_table",
    "cells_json",
    "compute_cells",
    "extend",
    "safe_frame",
    "write_safe_table",
]

log = logging.getLogger(__name__)

#: A table with more cells than this is refused: at that size it is a listing of units, not a table,
#: and the per-cell state (about 48 bytes a cell per thread) would dominate memory.
MAX_CELLS = 1 << 22
#: Rows per batch from the loader: large enough that per-batch overhead vanishes, small enough that
#: memory stays flat (four columns of 1M rows are ~32 MB).
BATCH_ROWS = 1_000_000


class TableError(Exception):
    """The table cannot be built as asked (unknown column, wrong type, too many cells)."""


class Stat(enum.StrEnum):
    """What the published table shows per cell."""

    COUNT = "count"
    SUM = "sum"
    MEAN = "mean"


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What to tabulate: the dimensions, the measure, the unit whose contributions are summed, the stat."""

    by: tuple[str, ...]
    value: str | None = None
    unit: str | None = None
    stat: Stat = Stat.COUNT

    def __post_init__(self) -> None:
        object.__setattr__(self, "by", tuple(self.by))
        object.__setattr__(self, "stat", Stat(self.stat))
        if not self.by:
            raise TableError("at least one --by column is needed")
        if len(set(self.by)) != len(self.by):
            raise TableError("a --by column is named twice")
        if self.stat is not Stat.COUNT and self.value is None:
            raise TableError(f"--stat {self.stat.value} needs a --value column")
        for name, what in ((self.value, "--value"), (self.unit, "--unit")):
            if name is not None and name in self.by:
                raise TableError(f"{what} column {name!r} is also a --by column")
        if self.value is not None and self.value == self.unit:
            raise TableError("--value and --unit name the same column")

    @property
    def columns(self) -> list[str]:
        """The file columns the table reads, in a fixed order."""
        out = list(self.by)
        out += [c for c in (self.value, self.unit) if c is not None]
        return out

    @property
    def per_unit(self) -> bool:
        return self.unit is not None


@dataclass(slots=True)
class Cells:
    """Per-cell statistics of the interior cells (no margins), C order of ``shape``."""

    spec: TableSpec
    labels: list[list[Any]]
    stats: CellStats
    #: per-unit mode: the (cell, unit) pairs, reduced, for margins (cells, units, sums, rows, nvalid, neg)
    pairs: tuple[np.ndarray, ...] | None
    rows: int
    rows_missing_key: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(lv) for lv in self.labels)

    # Shortcuts used by benchmarks and callers that only want the arrays.
    @property
    def count(self) -> np.ndarray:
        return self.stats.count

    @property
    def units(self) -> np.ndarray:
        return self.stats.units

    @property
    def total(self) -> np.ndarray:
        return self.stats.total

    @property
    def top1(self) -> np.ndarray:
        return self.stats.top1

    @property
    def top2(self) -> np.ndarray:
        return self.stats.top2


# --- encoding -------------------------------------------------------------------------------------


class _Dimension:
    """The levels of one ``--by`` column, coded in order of first appearance."""

    __slots__ = ("_lo", "_lut", "capacity", "codes", "dtype", "levels", "name")

    def __init__(self, name: str, dtype: pl.DataType) -> None:
        self.name = name
        self.dtype = dtype
        self.levels: list[Any] = []
        self.codes: dict[Any, int] = {}
        self.capacity = 0
        # integer levels in a small range: code = _lut[value - _lo] (-1: not a level yet)
        self._lo = 0
        self._lut: np.ndarray | None = None

    def encode(self, column: pl.Series) -> np.ndarray:
        """Codes of a batch's values (int64; -1 for a missing value), learning new levels."""
        if column.dtype.is_integer() and column.dtype != pl.UInt64:
            codes = self._encode_small_ints(column)
            if codes is not None:
                return codes
        return self.encode_by_map(column)

    def encode_by_map(self, column: pl.Series) -> np.ndarray:
        """:meth:`encode` of any type by Polars' ``replace_strict`` (the tests hold the lookup to it)."""
        if column.dtype.is_float():
            column = column.fill_nan(None)
        elif column.dtype.is_temporal():
            # dates and times as their text: a SAS or SPSS date outside Python's range (year 201416 in a
            # real file) would not convert to a Python value
            column = column.cast(pl.String)
        # Map with the levels known so far first: batches rarely bring new levels, and a unique() over
        # every batch cost more than the mapping itself (measured: 0.9 s of 3.3 s for 20M rows).
        mapped = self._map(column)
        unknown = None if mapped is None else (mapped == _UNKNOWN) & column.is_not_null()
        if unknown is None or unknown.any():
            fresh = column.drop_nulls() if unknown is None else column.filter(unknown)
            for value in fresh.unique(maintain_order=True).to_list():
                if value not in self.codes:
                    self.codes[value] = len(self.levels)
                    self.levels.append(value)
            mapped = self._map(column)
        if mapped is None:
            return np.full(column.len(), -1, dtype=np.int64)
        codes = mapped.to_numpy()
        return np.where(codes < 0, np.int64(-1), codes)

    def _encode_small_ints(self, column: pl.Series) -> np.ndarray | None:
        """Integer codes by table lookup when the values span at most ``_LUT_SPAN`` (region 1-99, year,
        age), else None: an array index per row instead of a hash map per row (``replace_strict``)."""
        valid = column.is_not_null().to_numpy() if column.null_count() else None
        values = column.fill_null(0).to_numpy().astype(np.int64, copy=False) if valid is not None \
            else column.to_numpy().astype(np.int64, copy=False)
        present = values[valid] if valid is not None else values
        if present.size == 0:
            return np.full(column.len(), -1, dtype=np.int64)
        lo, hi = int(present.min()), int(present.max())
        if self._lut is not None:
            lo, hi = min(lo, self._lo), max(hi, self._lo + len(self._lut) - 1)
        if hi - lo >= _LUT_SPAN or (self._lut is None and self.levels):
            # a wide range, or levels already learnt the general way: the general way from now on
            self._lut = None
            return None
        if self._lut is None or lo != self._lo or hi - lo + 1 != len(self._lut):
            lut = np.full(hi - lo + 1, -1, dtype=np.int64)
            if self._lut is not None:
                lut[self._lo - lo: self._lo - lo + len(self._lut)] = self._lut
            self._lo, self._lut = lo, lut
        if valid is not None:
            values = np.where(valid, values, self._lo)  # a missing value indexes the table's first slot
        codes = self._lut[values - self._lo]
        unknown = codes < 0 if valid is None else (codes < 0) & valid
        if unknown.any():
            # New levels in order of first appearance, without a sort: written in reverse, the first
            # position of each value is the one that stays.
            where = np.flatnonzero(unknown)
            first = np.full(len(self._lut), len(values), dtype=np.int64)
            first[(values[where] - self._lo)[::-1]] = where[::-1]
            slots = np.flatnonzero(first < len(values))
            for slot in slots[np.argsort(first[slots], kind="stable")].tolist():
                value = slot + self._lo
                self.codes[value] = len(self.levels)
                self._lut[slot] = len(self.levels)
                self.levels.append(value)
            codes = self._lut[values - self._lo]
        if valid is not None:
            codes = np.where(valid, codes, np.int64(-1))
        return codes

    def _map(self, column: pl.Series) -> pl.Series | None:
        if not self.levels:
            return None
        # nulls, and values not among the levels, map to _UNKNOWN
        return column.replace_strict(
            pl.Series(self.levels, dtype=column.dtype),
            pl.Series(range(len(self.levels)), dtype=pl.Int64),
            default=_UNKNOWN,
            return_dtype=pl.Int64,
        )


_UNKNOWN = -2
# Integer dimensions whose values span fewer than this are coded by table lookup (8 MiB of codes at most).
_LUT_SPAN = 1 << 20


def _capacity(levels: int) -> int:
    return max(4, 1 << math.ceil(math.log2(max(levels, 1) * 2)))


def _unit_ids(column: pl.Series) -> np.ndarray:
    """The unit column as int64 ids: integers as they are, anything else by a 64-bit hash.

    A missing unit id cannot be told apart from another missing one, so all of them are one unit: fewer
    units and larger contributions, the conservative side for both the threshold and dominance rules.
    """
    dt = column.dtype
    if dt.is_integer():
        ids = column.cast(pl.Int64, wrap_numerical=True)
        if ids.null_count():
            ids = ids.fill_null(np.iinfo(np.int64).min)
        return ids.to_numpy()
    if dt.is_float():
        # SAS stores every number as a double: an integral id is the same unit whatever its type.
        values = column.fill_nan(None).to_numpy().astype(np.float64, copy=False)
        out = values.view(np.int64).copy()
        integral = np.isfinite(values) & (np.abs(values) < 2**62)
        integral &= values == np.floor(np.where(integral, values, 0.0))
        out[integral] = values[integral].astype(np.int64)
        out[np.isnan(values)] = np.iinfo(np.int64).min
        return out
    hashed = column.cast(pl.String).hash(seed=0x5DC5CA)
    return hashed.to_numpy().view(np.int64)


def _values(column: pl.Series, name: str) -> np.ndarray:
    dt = column.dtype
    if not (dt.is_numeric() or dt == pl.Boolean or dt == pl.Null):
        raise TableError(f"--value column {name!r} is not numeric ({dt})")
    return column.cast(pl.Float64).fill_null(float("nan")).to_numpy()


class _Segment:
    """Statistics gathered under one layout (one set of radix capacities)."""

    def __init__(self, capacities: list[int], per_unit: bool, threads: int) -> None:
        from kernels.cells import RowAccumulator, UnitAccumulator

        self.capacities = list(capacities)
        self.ncells = math.prod(capacities)
        self.acc: Any = (UnitAccumulator if per_unit else RowAccumulator)(self.ncells, threads=threads)


def _strides(sizes: Sequence[int]) -> np.ndarray:
    strides = np.ones(len(sizes), dtype=np.int64)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    return strides


def compute_cells(path: Path | str, spec: TableSpec, *, threads: int | None = None,
                  batch_rows: int = BATCH_ROWS, max_cells: int = MAX_CELLS) -> Cells:
    """Stream ``path`` once and return the per-cell statistics of the interior cells.

    Rows with a missing ``--by`` value are left out of the table (as pandas, Stata and ACRO do) and
    counted in ``rows_missing_key``. Raises :class:`TableError` for a bad specification and
    :class:`~scanner.loaders.base.LoadError` for a file that cannot be read.
    """
    from kernels.cells import pair_stats, reduce_pairs
    from scanner.loaders.microdata import ColumnError, open_microdata

    started = time.perf_counter()
    threads = threads or os.cpu_count() or 1
    reader = open_microdata(Path(path))
    columns = reader.columns
    absent = [name for name in spec.columns if name not in columns]
    if absent:
        raise ColumnError(absent, list(columns))
    for name in spec.by:
        if columns[name].is_nested() or columns[name] == pl.Object:
            raise TableError(f"--by column {name!r} holds lists or structures ({columns[name]}), not categories")
    dims = [_Dimension(name, columns[name]) for name in spec.by]
    segments: list[_Segment] = []
    rows = missing = 0
    for batch in reader.batches(spec.columns, batch_rows):
        n = batch.height
        if n == 0:
            continue
        rows += n
        codes = [d.encode(batch.get_column(d.name)) for d in dims]
        if not segments or any(len(d.levels) > cap for d, cap in zip(dims, segments[-1].capacities, strict=True)):
            caps = [max(_capacity(len(d.levels)), cap)
                    for d, cap in zip(dims, segments[-1].capacities if segments else [0] * len(dims), strict=True)]
            # Room to grow costs memory (48 bytes a cell per thread): drop the slack of the most
            # over-provisioned dimension until the layout fits.
            while math.prod(caps) > max_cells:
                slack = [(c / max(len(d.levels), 1), i) for i, (c, d) in enumerate(zip(caps, dims, strict=True))
                         if c > max(len(d.levels), 1)]
                if not slack:
                    raise TableError(_too_many(dims, max_cells))
                caps[max(slack)[1]] = max(len(dims[max(slack)[1]].levels), 1)
            segments.append(_Segment(caps, spec.per_unit, threads))
        seg = segments[-1]
        strides = _strides(seg.capacities)
        cell = np.zeros(n, dtype=np.int64)
        bad = np.zeros(n, dtype=bool)
        for c, s in zip(codes, strides, strict=True):
            bad |= c < 0
            cell += c * s
        cell[bad] = -1
        missing += int(bad.sum())
        values = _values(batch.get_column(spec.value), spec.value) if spec.value is not None else None
        if spec.unit is not None:
            seg.acc.update(cell, _unit_ids(batch.get_column(spec.unit)), values)
        else:
            seg.acc.update(cell, values)
    final = [sorted(d.levels) for d in dims]  # one column, one dtype: its values compare
    sizes = [len(lv) for lv in final]
    ncells = math.prod(sizes)
    if ncells > max_cells:
        raise TableError(_too_many(dims, max_cells))
    final_strides = _strides(sizes)
    position = [{v: i for i, v in enumerate(lv)} for lv in final]
    # each dimension's first-appearance code -> its sorted position
    rank = [np.array([pos[v] for v in d.levels], dtype=np.int64) for d, pos in zip(dims, position, strict=True)]
    mappings = [_segment_mapping(seg.capacities, rank, final_strides) for seg in segments]
    pairs: tuple[np.ndarray, ...] | None = None
    if not segments:
        from kernels.cells import RowAccumulator

        stats = RowAccumulator(ncells, threads=1).finalize()
    elif spec.per_unit:
        parts = [seg.acc.pairs() for seg in segments]
        if len(parts) == 1 and segments[0].capacities == sizes and np.array_equal(mappings[0], np.arange(ncells)):
            pairs = parts[0]
        else:
            cells_ = np.concatenate([m[p[0]] for m, p in zip(mappings, parts, strict=True)])
            pairs = reduce_pairs(cells_, *(np.concatenate([p[i] for p in parts]) for i in range(1, 6)), ncells)
        stats = pair_stats(pairs[0], pairs[2], pairs[3], pairs[4], pairs[5], ncells)
    else:
        stats = _merge_row_segments([seg.acc.finalize() for seg in segments], mappings, ncells)
    cells = Cells(spec, final, stats, pairs, rows, missing, time.perf_counter() - started,
                  list(reader.notes()))
    if missing:
        cells.notes.append(f"{missing:,} rows with a missing --by value are not in the table")
    log.info("tabulated %d rows into %d cells in %.2f s", rows, ncells, cells.seconds)
    return cells


def _segment_mapping(capacities: list[int], rank: list[np.ndarray], final_strides: np.ndarray) -> np.ndarray:
    """Old cell code (segment layout) -> final cell code; -1 for codes no level ever had."""
    ncells = math.prod(capacities)
    idx = np.arange(ncells, dtype=np.int64)
    out = np.zeros(ncells, dtype=np.int64)
    valid = np.ones(ncells, dtype=bool)
    for dim in range(len(capacities) - 1, -1, -1):
        code = idx % capacities[dim]
        idx //= capacities[dim]
        ok = code < len(rank[dim])
        valid &= ok
        out += np.where(ok, rank[dim][np.minimum(code, max(len(rank[dim]) - 1, 0))] if len(rank[dim]) else 0,
                        0) * final_strides[dim]
    out[~valid] = -1
    return out


def _merge_row_segments(parts: list[CellStats], mappings: list[np.ndarray], ncells: int) -> CellStats:
    from kernels.cells import remap_stats

    if len(parts) == 1:
        return remap_stats(parts[0], mappings[0], ncells)
    return remap_stats(_concat_stats(parts), np.concatenate(mappings), ncells)


_STAT_FIELDS = ("count", "units", "nvalid", "negative", "total", "top1", "top2")


def _too_many(dims: list[_Dimension], max_cells: int) -> str:
    levels = " x ".join(f"{d.name} {len(d.levels):,}" for d in dims)
    return (f"the table would have {math.prod(len(d.levels) for d in dims):,} cells ({levels}), more than "
            f"{max_cells:,}: a table that large lists units; tabulate fewer or coarser dimensions")


# --- margins --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ExtendedCells:
    """Statistics of every published cell: interior and margins, shape (L1+1, ..., Ld+1).

    Along each axis the last index is the margin (the total over that dimension), the layout
    :mod:`scanner.suppression` works on. Arrays are flat in C order of ``shape``.
    """

    cells: Cells
    stats: CellStats

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(n + 1 for n in self.cells.shape)

    def key(self, flat: int) -> tuple[Any, ...]:
        """The labels of a cell (None for a margin position), from its flat index."""
        idx = np.unravel_index(flat, self.shape)
        return tuple(None if i == len(lv) else lv[i] for i, lv in zip(idx, self.cells.labels, strict=True))

    def is_margin(self) -> np.ndarray:
        """A flat bool array: True for cells with at least one margin position."""
        grids = np.indices(self.shape).reshape(len(self.shape), -1)
        limits = np.array(self.cells.shape, dtype=np.int64)[:, None]
        return (grids == limits).any(axis=0)


def extend(cells: Cells) -> ExtendedCells:
    """Add every margin (each subset of dimensions summed over, up to the grand total).

    Per row, margins merge the interior statistics (counts and sums add, the top two of a margin are the
    top two of its cells' top twos). Per unit, a unit can span several interior cells of one margin, so
    its contributions are summed again at the margin's level from the (cell, unit) pairs: each margin is
    reduced from the already reduced pairs of a finer one (fewer pairs at every step).
    """
    from kernels.cells import pair_stats, reduce_pairs, remap_stats

    shape = cells.shape
    d = len(shape)
    ext_shape = tuple(n + 1 for n in shape)
    ntarget = math.prod(ext_shape)
    ext_strides = _strides(ext_shape)
    n_interior = math.prod(shape)
    grids = np.indices(shape).reshape(d, -1) if n_interior else np.zeros((d, 0), np.int64)
    # interior cell -> its extended index
    base = (grids * ext_strides[:, None]).sum(axis=0).astype(np.int64) if n_interior else np.zeros(0, np.int64)

    def to_margin(ext_cells: np.ndarray, dim: int) -> np.ndarray:
        coord = (ext_cells // ext_strides[dim]) % ext_shape[dim]
        return ext_cells + (shape[dim] - coord) * ext_strides[dim]

    if cells.pairs is None:
        # every subset straight from the interior: remap_stats adds the sources of each target cell
        mapping_all = [base]
        for subset in itertools.product((False, True), repeat=d):
            if not any(subset):
                continue
            m = base
            for dim in range(d):
                if subset[dim]:
                    m = to_margin(m, dim)
            mapping_all.append(m)
        source = _concat_stats([cells.stats] * len(mapping_all))
        return ExtendedCells(cells, remap_stats(source, np.concatenate(mapping_all), ntarget))
    p = cells.pairs
    level: dict[tuple[bool, ...], tuple[np.ndarray, ...]] = {
        (False,) * d: (base[p[0]], p[1], p[2], p[3], p[4], p[5]),
    }
    for subset in sorted(itertools.product((False, True), repeat=d), key=sum):
        if not any(subset):
            continue
        dim = max(i for i in range(d) if subset[i])
        parent = level[tuple(False if i == dim else s for i, s in enumerate(subset))]
        level[subset] = reduce_pairs(to_margin(parent[0], dim), *parent[1:], ntarget)
    joined = [np.concatenate([lv[i] for lv in level.values()]) for i in range(6)]
    stats = pair_stats(joined[0], joined[2], joined[3], joined[4], joined[5], ntarget)
    return ExtendedCells(cells, stats)


def _concat_stats(parts: list[CellStats]) -> CellStats:
    from kernels.cells import CellStats

    return CellStats(*(np.concatenate([getattr(p, f) for p in parts]) for f in _STAT_FIELDS))


def load_profile_check(config: Config) -> None:
    """The table engine tracks the two largest contributions: n of the (n,k) rule must be 1 or 2."""
    if config.profile.nk_n not in (1, 2):
        raise TableError(f"profile {config.profile.name!r} has nk_n = {config.profile.nk_n}; the table engine "
                         "supports the (1,k) and (2,k) dominance rules")


# --- checking ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class CellFlags:
    """What one rule found over the published cells (flat arrays over the extended table)."""

    fail: np.ndarray  # bool: the cell breaks the rule
    review: np.ndarray  # bool: the rule cannot decide (negative contributions): a person must look
    required: np.ndarray  # float64: the width the attacker's interval must keep if the cell is suppressed


@dataclass(slots=True)
class Exported:
    """A table a researcher made, matched against the recomputed cells (``--check``)."""

    path: str
    #: per extended cell: the 1-based data row of the exported table that shows it, 0 when absent
    row: np.ndarray
    #: per extended cell: shown with a suppression marker
    suppressed: np.ndarray
    #: per extended cell: the published number (NaN when absent or suppressed)
    value: np.ndarray
    #: exported rows whose key is no cell of the data (1-based data rows)
    unmatched: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def published(self) -> np.ndarray:
        return (self.row > 0) & ~self.suppressed


@dataclass(slots=True)
class CellTable:
    """The input of the TAB rules for a table built from microdata: every published cell's statistics.

    Rules store what they found in ``flags`` (by rule code); the engine suppresses from it.
    """

    ext: ExtendedCells
    path: str
    stat: Stat
    flags: dict[str, CellFlags] = field(default_factory=dict)
    exported: Exported | None = None

    @property
    def spec(self) -> TableSpec:
        return self.ext.cells.spec

    @property
    def stats(self) -> CellStats:
        return self.ext.stats

    @property
    def size(self) -> int:
        return int(self.ext.stats.count.shape[0])

    def n(self, *, units: bool = True) -> np.ndarray:
        """Observations per cell: distinct units when the table has a unit column (and ``units``), else rows."""
        return self.stats.units if (units and self.spec.per_unit) else self.stats.count

    @property
    def magnitude(self) -> bool:
        """Whether the published numbers are magnitudes (sums, means) rather than counts."""
        return self.stat is not Stat.COUNT

    def published_values(self, *, units: bool = True) -> np.ndarray:
        """The additive numbers an attacker works with: counts, or sums (a mean times its count is a sum)."""
        if self.magnitude:
            return self.stats.total.astype(np.float64)
        return self.n(units=units).astype(np.float64)

    def nonnegative(self) -> bool:
        return not self.magnitude or not bool((self.stats.negative > 0).any())

    def primary(self) -> tuple[np.ndarray, np.ndarray]:
        """The cells any rule flagged (fail or review), and the widest protection any of them demands.

        Cells whose contributions are all equal (class disclosure, TAB006) are primary whether or not
        TAB006 has reported yet: TAB004 audits the primary cells of a checked export before TAB006 runs,
        and a suppressed all-zero cell that the margins give back would tell every contributor's value.
        """
        from scanner.rules.tables import equal_contributions

        primary, required = equal_contributions(self)
        primary = primary.copy()
        for flags in self.flags.values():
            hit = flags.fail | flags.review
            primary |= hit
            required = np.maximum(required, np.where(hit, flags.required, 0.0))
        return primary, required

    def cell(self, flat: int) -> tuple[tuple[str, str], ...]:
        """The masked (dimension, label) pairs of a cell; a margin reads "Total"."""
        from scanner import masking

        return tuple((masking.mask_name(dim), "Total" if label is None else masking.mask_label(display(label)))
                     for dim, label in zip(self.spec.by, self.ext.key(flat), strict=True))


def display(value: Any) -> Any:
    """A level as a table shows it: a numeric code read as a float (SAS, CSV) prints as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- building and checking ---------------------------------------------------------------------------


class Suppressed(enum.IntEnum):
    """How a cell is published in the safe table."""

    NO = 0
    PRIMARY = 1
    SECONDARY = 2


@dataclass(slots=True)
class TableResult:
    """The outcome of ``sdcscan table``: every published cell, its rules and suppression, and findings."""

    table: CellTable
    suppressed: np.ndarray  # int8 per extended cell, a Suppressed value
    findings: tuple[Finding, ...]
    profile: str
    marker: str
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def rules(self) -> dict[str, np.ndarray]:
        """Rule code -> the cells it flags (fail or review)."""
        return {code: f.fail | f.review for code, f in self.table.flags.items()}

    @property
    def safe(self) -> bool:
        """Whether the suppressed table may be published: no finding above info remains for it."""
        from scanner.findings import Severity

        return self.table.exported is None and all(f.severity < Severity.BLOCK for f in self.findings)


if TYPE_CHECKING:
    from scanner.findings import Finding


def build_table(path: Path | str, spec: TableSpec, config: Config | None = None, *,
                threads: int | None = None, check: Path | str | None = None,
                display_path: str | None = None, check_column: str | None = None) -> TableResult:
    """Build the table of ``spec`` from the microdata at ``path``: margins, rules, suppression.

    Without ``check``: primary suppression of every cell a TAB rule flags, then secondary suppression
    proven by the LP audit; findings of suppressed cells become info (the safe table hides them).
    With ``check``: the exported table at that path is matched cell by cell against the recomputed one and
    its published cells and suppression pattern are checked (findings point at the exported file).
    """
    import dataclasses

    from scanner import masking
    from scanner.config import load_config
    from scanner.findings import Severity
    from scanner.rules.context import RuleContext
    from scanner.rules.registry import Shape, all_rules

    started = time.perf_counter()
    config = load_config() if config is None else config
    load_profile_check(config)
    cells = compute_cells(path, spec, threads=threads)
    ext = extend(cells)
    shown = display_path or Path(path).name
    table = CellTable(ext, shown, spec.stat)
    notes = list(cells.notes)
    where = shown
    if check is not None:
        table.exported = read_exported(Path(check), table, config, column=check_column)
        where = table.exported.path
        notes += table.exported.notes
    key = masking.fingerprint_key()
    findings: list[Finding] = _identifier_dimensions(table, config, key, where)
    for rule_spec in all_rules():
        if Shape.CELLS not in rule_spec.shapes:
            continue
        # Every cell rule runs, enabled or not: the cells it flags are what suppression protects, and
        # `--ignore TAB001` must not publish small cells. A rule that is not enabled reports nothing.
        settings = config.rules.get(rule_spec.code)
        if settings is None:
            continue
        ctx = RuleContext(rule_spec, settings, config.profile, where, key)
        found = list(rule_spec.func(ctx, table))
        if config.enabled(rule_spec.code):
            findings.extend(found)
        elif rule_spec.code in table.flags and check is None:
            hit = table.flags[rule_spec.code]
            if bool((hit.fail | hit.review).any()):
                notes.append(f"{rule_spec.code} is not enabled: its findings are not reported, but the cells it "
                             "flags are suppressed")
    if table.exported is not None:
        for row in table.exported.unmatched[:20]:
            notes.append(f"exported row {row} matches no cell of the data")
        suppressed = np.where(table.exported.suppressed, Suppressed.PRIMARY, Suppressed.NO).astype(np.int8)
    else:
        suppressed = _suppress(table)
        # Every cell a per-cell rule flags is suppressed (primary): the safe table hides it, so its finding
        # is information. Review findings stay (a person must judge them), as do table-wide ones (TAB005).
        findings = [dataclasses.replace(f, severity=Severity.INFO, message=f.message + " Suppressed in the safe table.")
                    if f.rule in table.flags and f.severity >= Severity.BLOCK else f for f in findings]
    findings.sort(key=lambda f: f.sort_key())
    marker = config.profile.suppression_markers[0] if config.profile.suppression_markers else ".."
    return TableResult(table, suppressed, tuple(findings), config.profile.name, marker,
                       time.perf_counter() - started, notes)


def _identifier_dimensions(table: CellTable, config: Config, key: bytes, where: str) -> list[Finding]:
    """MIC002 for a ``--by`` column named as a person, firm or address key: a table by it lists units.

    Its cells may all be large enough (five rows per person), so the cell rules would pass it; the name
    says what the labels are, and the safe table would print every one of them.
    """
    from scanner import masking
    from scanner.names import identifier_kind
    from scanner.rules.context import RuleContext
    from scanner.rules.registry import get_rule

    if not config.enabled("MIC002"):
        return []
    spec = get_rule("MIC002")
    ctx = RuleContext(spec, config.rules["MIC002"], config.profile, where, key)
    out = []
    for name, levels in zip(table.spec.by, table.ext.cells.labels, strict=True):
        kind = identifier_kind(name)
        if kind in ("register key", "direct identifier"):
            out.append(ctx.finding(
                f"--by column {masking.mask_name(name)!r} is a {kind}: a table by it lists persons or firms "
                "(microdata), whatever its cell counts.",
                masking.note(f"{kind}, {len(levels):,} levels"),
                column=name, identity="by",
            ))
    return out


def _suppress(table: CellTable) -> np.ndarray:
    """Primary suppression of every flagged cell, then secondary suppression that passes the LP audit."""
    from scanner.suppression import protect

    primary, required = table.primary()
    out = np.zeros(table.size, dtype=np.int8)
    if not primary.any():
        return out
    shape = table.ext.shape
    mask = protect(table.published_values().reshape(shape), primary.reshape(shape), required.reshape(shape),
                   nonnegative=table.nonnegative()).reshape(-1)
    out[mask] = Suppressed.SECONDARY
    out[primary] = Suppressed.PRIMARY
    return out


def published_numbers(table: CellTable) -> np.ndarray:
    """The number each cell shows: its count, sum or mean (NaN for a mean of no values)."""
    stats = table.stats
    if table.stat is Stat.SUM:
        return stats.total.astype(np.float64)
    if table.stat is Stat.MEAN:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(stats.nvalid > 0, stats.total / np.maximum(stats.nvalid, 1), np.nan)
    return table.n().astype(np.float64)


def stat_column(spec: TableSpec) -> str:
    """The name of the number column of the safe table."""
    if spec.stat is Stat.COUNT:
        return "count"
    return f"{spec.value}_{spec.stat.value}" if spec.stat is Stat.MEAN else str(spec.value)


def label_columns(table: CellTable) -> dict[str, list[str]]:
    """The ``--by`` columns of the published table as text ("Total" on margins), in C order of cells."""
    shape = table.ext.shape
    idx = np.unravel_index(np.arange(table.size), shape)
    out: dict[str, list[str]] = {}
    for dim, (name, levels) in enumerate(zip(table.spec.by, table.ext.cells.labels, strict=True)):
        text = [str(display(v)) for v in levels] + ["Total"]
        out[name] = [text[i] for i in idx[dim].tolist()]
    return out


def safe_frame(result: TableResult, *, numeric: bool = False) -> pl.DataFrame:
    """The safe table: one row per published cell, suppressed numbers replaced by the profile's marker.

    ``numeric``: keep the number column numeric (null where suppressed) and add a ``suppressed`` column
    with the marker, for typed formats (Parquet).
    """
    table = result.table
    numbers = published_numbers(table)
    hidden = result.suppressed > 0
    frame = pl.DataFrame(label_columns(table))
    name = stat_column(table.spec)
    values = pl.Series(name, numbers, dtype=pl.Float64, nan_to_null=True)
    finite = values.drop_nulls()
    if table.stat is Stat.COUNT or (table.stat is Stat.SUM and finite.len() and bool((finite == finite.round(0)).all())
                                    and bool((finite.abs() < 2**53).all())):
        values = values.cast(pl.Int64)  # whole numbers print without ".0"
    values = values.scatter(np.flatnonzero(hidden), None) if hidden.any() else values
    if numeric:
        flag = pl.Series("suppressed", [result.marker if h else None for h in hidden.tolist()], dtype=pl.String)
        return frame.with_columns(values, flag)
    text = values.cast(pl.String)
    if hidden.any():
        text = text.scatter(np.flatnonzero(hidden), result.marker)
    return frame.with_columns(text.alias(name))


def write_safe_table(result: TableResult, out: Path) -> None:
    """Write the safe table as CSV, Parquet or Excel (by the extension of ``out``)."""
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        safe_frame(result, numeric=True).write_parquet(out)
    elif suffix == ".xlsx":
        safe_frame(result).write_excel(out, worksheet="table", autofit=True)
    elif suffix in (".csv", ".txt", ""):
        safe_frame(result).write_csv(out)
    else:
        raise TableError(f"cannot write {out.name}: use .csv, .parquet or .xlsx")


def cells_json(result: TableResult) -> dict[str, Any]:
    """The per-cell result as a JSON-ready dict (schema_version 1). Labels are masked like findings."""
    from scanner import masking

    table = result.table
    stats = table.stats
    rules = result.rules
    codes = sorted(rules)
    status = {0: None, 1: "primary", 2: "secondary"}

    # Column by column (numpy to lists once; each dimension's labels masked once per level), then one
    # dict per cell: per-cell numpy indexing and masking were most of the time on large tables.
    n = table.size
    grids = np.unravel_index(np.arange(n), table.ext.shape)
    dims = []
    for dim, levels, idx in zip(table.spec.by, table.ext.cells.labels, grids, strict=True):
        shown = [None if lv is None else _json_label(masking.mask_label(display(lv)), display(lv))
                 for lv in levels] + [None]
        dims.append((dim, [shown[i] for i in idx.tolist()]))
    count = stats.count.tolist()
    units = stats.units.tolist()
    if table.spec.value is not None:
        def floats(a: np.ndarray) -> list[float | None]:
            return [None if math.isnan(x) else x for x in a.astype(np.float64).tolist()]
        total, top1, top2 = floats(stats.total), floats(stats.top1), floats(stats.top2)
    else:
        total = top1 = top2 = [None] * n
    hits = np.stack([rules[c] for c in codes]) if codes else np.zeros((0, n), dtype=bool)
    cell_rules: list[list[str]] = [[] for _ in range(n)]
    for k, code in enumerate(codes):
        for flat in np.flatnonzero(hits[k]).tolist():
            cell_rules[flat].append(code)
    suppressed = [status[x] for x in result.suppressed.tolist()]
    out_cells = [{
        "key": {dim: labels[flat] for dim, labels in dims},
        "count": count[flat],
        "units": units[flat],
        "total": total[flat],
        "top1": top1[flat],
        "top2": top2[flat],
        "rules": cell_rules[flat],
        "suppressed": suppressed[flat],
    } for flat in range(n)]
    return {
        "schema_version": 1,
        "profile": result.profile,
        "by": list(table.spec.by),
        "value": table.spec.value,
        "unit": table.spec.unit,
        "stat": table.spec.stat.value,
        "cells": out_cells,
        "findings": [_finding_json(f) for f in result.findings],
        "notes": [masking.note(n).text for n in result.notes],
    }


def _json_label(masked: str, raw: Any) -> Any:
    # keep numbers as numbers unless masking changed them
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return masked
    return raw if masked == str(raw) else masked


def _finding_json(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {"rule": f.rule, "name": f.name, "severity": f.severity.label,
            "location": {"path": loc.path, "row": loc.row,
                         "cell": {k: v for k, v in loc.cell} if loc.cell else None},
            "message": f.message, "evidence": f.evidence.text, "fingerprint": f.fingerprint}


def read_exported(path: Path, table: CellTable, config: Config, *, column: str | None = None) -> Exported:
    """Read a table a researcher exported and match its cells to the recomputed ones.

    Two layouts are read. Long: a column per ``--by`` dimension and one column of numbers (named with
    ``column``, or the only other column, or one named count, n, antal, value, total, sum, mean). Wide:
    the levels of one ``--by`` dimension are the headers (``region;M;K;I alt``), possibly with a total
    column and a total row, the other dimensions are columns (matched by name, else by their values).
    Labels match case- and whitespace-insensitively; margin labels (``Total``, ``I alt``, ``Yhteensä``,
    empty...) stand for the margin.
    """
    from scanner.loaders.base import SUPPRESSION_MARKER, LoadError
    from scanner.loaders.csv import open_csv

    try:
        source = open_csv(path)
        import pyarrow as pa

        batches = list(source.batches())
        frame = pl.from_arrow(pa.Table.from_batches(batches, schema=source.schema))
    except LoadError as exc:
        raise TableError(f"cannot read the exported table {path.name}: {exc.reason}") from None
    assert isinstance(frame, pl.DataFrame)
    frame = frame.select(pl.all().cast(pl.String, strict=False))
    by = table.spec.by
    levels = [_level_index(lv) for lv in table.ext.cells.labels]
    names = {_norm_text(c): c for c in frame.columns}
    row_cols: dict[int, str] = {d: names[_norm_text(dim)] for d, dim in enumerate(by) if _norm_text(dim) in names}
    notes: list[str] = []
    header_dim = -1
    if len(row_cols) == len(by):
        value_col = _value_column(frame, list(row_cols.values()), table, path.name, column)
        cells: list[tuple[int | None, str]] = [(None, value_col)]
    else:
        if column is not None:
            absent = ", ".join(repr(by[d]) for d in range(len(by)) if d not in row_cols)
            raise TableError(f"--check-column names the number column of a long export; {path.name} is missing "
                             f"the --by column(s) {absent}")
        header_dim, cells = _wide_headers(frame, row_cols, levels, by, path.name)
        row_cols = _wide_row_columns(frame, row_cols, header_dim, {c for _, c in cells}, levels, by, path.name)
        ignored = [c for c in frame.columns if c not in row_cols.values() and c not in {c for _, c in cells}]
        if ignored:
            notes.append(f"{len(ignored)} columns of the export match no level of {by[header_dim]!r} and were not read")
    shape = table.ext.shape
    n = table.size
    row = np.zeros(n, dtype=np.int64)
    suppressed = np.zeros(n, dtype=bool)
    value = np.full(n, np.nan)
    unmatched: list[int] = []
    markers = {m.strip() for m in config.profile.suppression_markers}
    unreadable = 0
    order = [row_cols[d] for d in sorted(row_cols)]
    dims_in_rows = sorted(row_cols)
    for i, rec in enumerate(frame.select(order + [c for _, c in cells]).iter_rows(), start=1):
        coords: list[int | None] = [None] * len(by)
        for d, label in zip(dims_in_rows, rec[: len(order)], strict=True):
            coords[d] = _match_level(label, levels[d])
        if any(coords[d] is None for d in dims_in_rows):
            unmatched.append(i)
            continue
        for (header_level, _), cell in zip(cells, rec[len(order):], strict=True):
            full = list(coords)
            if header_level is not None:
                full[header_dim] = header_level
            flat = int(np.ravel_multi_index(tuple(int(c) for c in full), shape))  # type: ignore[arg-type]
            row[flat] = i
            text = "" if cell is None else str(cell).strip()
            # an empty cell hides its number as a marker does (it publishes nothing a rule could pass)
            if not text or text in markers or SUPPRESSION_MARKER.fullmatch(text):
                suppressed[flat] = True
                continue
            try:
                value[flat] = _export_number(text)
            except ValueError:
                unreadable += 1
                suppressed[flat] = True  # not a number we can check: treated as hidden
    if unreadable:
        notes.append(f"{unreadable} exported cells are neither numbers nor suppression markers")
    if unmatched:
        notes.append(f"{len(unmatched)} exported rows match no cell of the data")
    return Exported(path.name, row, suppressed, value, unmatched, notes)


def _value_column(frame: pl.DataFrame, by_cols: list[str], table: CellTable, name: str, column: str | None) -> str:
    """The column of numbers of a long export."""
    rest = [c for c in frame.columns if c not in by_cols]
    if column is not None:
        if column not in frame.columns:
            raise TableError(f"the exported table {name} has no column {column!r}")
        return column
    wanted = {stat_column(table.spec).lower(), "count", "n", "antal", "value", "total", "sum", "mean"}
    named = [c for c in rest if c.strip().lower() in wanted]
    if len(rest) == 1:
        return rest[0]
    if len(named) == 1:
        return named[0]
    raise TableError(f"cannot tell which column of {name} holds the numbers "
                     f"({', '.join(repr(c) for c in rest)}): name it with --check-column")


def _wide_headers(frame: pl.DataFrame, row_cols: dict[int, str], levels: list[dict[str, int]],
                  by: Sequence[str], name: str) -> tuple[int, list[tuple[int | None, str]]]:
    """The dimension whose levels are the headers of a wide export, and its cells: (level, column) pairs
    (the level of a total column is the margin)."""
    free = [c for c in frame.columns if c not in row_cols.values()]
    missing = [d for d in range(len(by)) if d not in row_cols]
    matches = {d: [c for c in free if _norm_text(c) in levels[d]] for d in missing}
    best = max(len(m) for m in matches.values())
    top = [d for d in missing if len(matches[d]) == best]
    if best == 0 or len(top) > 1:
        which = ", ".join(repr(by[d]) for d in missing)
        raise TableError(f"the exported table {name} has no column for {which}, and its headers "
                         f"{'match none of its levels' if best == 0 else 'match the levels of several of them'} "
                         f"(columns: {', '.join(repr(c) for c in frame.columns)})")
    dim = top[0]
    cells: list[tuple[int | None, str]] = []
    for c in free:
        level = _match_level(c, levels[dim], blank_is_margin=False)
        if level is not None:
            cells.append((level, c))
    return dim, cells


def _wide_row_columns(frame: pl.DataFrame, row_cols: dict[int, str], header_dim: int, header_cols: set[str],
                      levels: list[dict[str, int]], by: Sequence[str], name: str) -> dict[int, str]:
    """The label columns of a wide export: those named as a dimension, and for a dimension named by no
    column the free column whose labels match its levels best (at least half of them)."""
    out = dict(row_cols)
    for d in range(len(by)):
        if d in out or d == header_dim:
            continue
        best, share = None, 0.0
        for c in frame.columns:
            if c in header_cols or c in out.values():
                continue
            labels = [v for v in frame.get_column(c).to_list() if v is not None and str(v).strip()]
            if not labels:
                continue
            hit = sum(_match_level(v, levels[d]) is not None for v in labels) / len(labels)
            if hit > share:
                best, share = c, hit
        if best is None or share < 0.5:
            raise TableError(f"the exported table {name} has no column for {by[d]!r} (columns: "
                             f"{', '.join(repr(c) for c in frame.columns)})")
        out[d] = best
    return out


def _level_index(levels: Sequence[Any]) -> dict[str, int]:
    """Normalised label -> index of a dimension's levels (the margin is ``len(levels)``)."""
    return {_norm_label(display(v)): i for i, v in enumerate(levels)}


def _match_level(label: Any, index: dict[str, int], *, blank_is_margin: bool = True) -> int | None:
    """The level a printed label stands for: a level, the margin (a margin label, or blank), or None.

    A level wins over a margin word, so a category really called "All" stays itself.
    """
    norm = _norm_label(label)
    if norm in index:
        return index[norm]
    from scanner.names import is_margin_label

    if (norm == "" and blank_is_margin) or (norm and is_margin_label(norm)):
        return len(index)
    return None


_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


def _export_number(text: str) -> float:
    """A number as an exported table prints it ("12 345", "18,5"); ValueError when it is none."""
    return float(_DIGIT_GROUP.sub("", text).replace(",", "."))


def _norm_text(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _norm_label(value: Any) -> str:
    """A label compared across files: case and runs of whitespace ignored, "2011.0" read as "2011"."""
    if value is None:
        return ""
    text = _norm_text(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and "." in text else text
