"""Cell statistics of a table built from microdata: counts, distinct units, totals and the top two contributions.

``sdcscan table`` turns the ``--by`` columns into one dense ``int64`` cell code per row (-1: the row is
excluded) and streams batches of codes, values (``float64``, NaN = missing) and unit ids (``int64``, any
value) into the accumulators below. What the disclosure rules need per cell:

- ``count`` and ``units`` for the threshold rule (small cells),
- ``total``, ``top1`` and ``top2`` for the (n, k) dominance rule ((top1 + top2) / total > k) and the p %
  rule (total - top1 - top2 < p * top1),
- ``nvalid`` and ``negative`` so the caller can tell an empty or sign-mixed cell from a real total.

Two modes:

Per row (:class:`RowAccumulator`)
    every row is a contributor. One pass keeps count, sum and the top two per cell; partial states of
    chunks merge associatively (:func:`row_merge`), so threads and batches split the rows anywhere.

Per unit (:class:`UnitAccumulator`)
    a unit (person, firm) with several rows in a cell is *one* contributor with the sum of its values: a
    firm split into establishments must not escape the dominance rule. Rows are first reduced to
    (cell, unit) pairs (:func:`reduce_pairs`); reduced pairs re-reduce (merging batches, or margins after
    the caller maps pair cells to margin cells) and :func:`pair_stats` turns them into cell statistics.

The plain-Python specification is ``tests/reference/cells.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from kernels._jit import helper, kernel

__all__ = [
    "CellStats",
    "RowAccumulator",
    "UnitAccumulator",
    "add_codes",
    "cell_histogram",
    "copy_blocks",
    "first_miss",
    "merge_pairs",
    "move_pairs",
    "pair_stats",
    "reduce_pairs",
    "reduce_rows",
    "remap_pairs",
    "remap_stats",
    "row_count",
    "row_merge",
    "row_update",
    "used_slots",
]

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
T = TypeVar("T")

# Modes of reduce_rows: what a row of its input is.
_PAIRS = 0  # an already reduced pair: sums, rows, nvalid and negative are given
_RAW = 1  # a raw row with a value: rows = 1, nvalid = value is not NaN, negative = value < 0
_RAW_COUNT = 2  # a raw row without a value (count-only table)

#: Below this many rows per thread, splitting a batch costs more (thread start, a second partial state)
#: than it saves.
_MIN_ROWS_PER_THREAD = 1 << 16

#: UnitAccumulator compacts its pending pairs when they exceed twice the size after the last compaction,
#: but not before there are this many (tiny batches would otherwise compact on every update).
_MIN_COMPACT = 1 << 20


@dataclass(slots=True, eq=False)
class CellStats:
    """Statistics per cell: plain NumPy arrays of length ``ncells``.

    A *contribution* is one row's value (per-row mode) or one unit's sum of its non-NaN values within the
    cell (per-unit mode). ``eq=False``: arrays do not compare to one bool; compare the fields.
    """

    count: np.ndarray  #: int64: rows in the cell (rows with a NaN value count too)
    units: np.ndarray  #: int64: distinct units (per-row mode: == count)
    nvalid: np.ndarray  #: int64: contributions with a value (per-unit mode: units with >= 1 non-NaN row)
    negative: np.ndarray  #: int64: rows with a value < 0 (raw rows, before summing per unit)
    total: np.ndarray  #: float64: sum of the non-NaN values (0.0 for none)
    top1: np.ndarray  #: float64: largest contribution, NaN when nvalid == 0
    top2: np.ndarray  #: float64: second largest contribution, NaN when nvalid < 2 (ties: top1 == top2)

    @property
    def ncells(self) -> int:
        """The number of cells."""
        return int(self.count.shape[0])


# --- small helpers inlined into the hot loops ------------------------------------------------------------


# Helpers take and return scalars only. An inlined helper that takes arrays still increments and
# decrements their reference counts on every call: measured here, a top-2 update written as
# ``_insert_top(top1, top2, c, v)`` made the per-row pass 6x slower (0.49 s instead of 0.077 s for 20M
# rows) and the per-unit reduction 5x slower.


@helper
def _top2(t1: float, t2: float, v: float) -> tuple[float, float]:
    """The top two of (t1 >= t2) and ``v``: a tie with t1 becomes t2. Callers test ``v > t2`` first,
    which is rarely true after the first rows of a cell, so the usual case is one compare and no store."""
    if v > t1:
        return v, t1
    if v > t2:
        return t1, v
    return t1, t2


@helper
def _hash(u: int) -> int:
    """A 32-bit mix of a 64-bit unit id.

    Every product is of a value below 2**32 and a constant below 2**31, so nothing overflows int64 and
    the function gives the same result compiled and as plain Python (where NumPy would warn on
    overflow). ``hi`` is mixed before it meets ``lo`` so that ids such as ``a * (2**32 + 1)`` do not all
    land in one slot.
    """
    lo = u & 0xFFFFFFFF
    hi = (u >> 32) & 0xFFFFFFFF
    h = lo ^ ((hi * 0x5BD1E995) & 0xFFFFFFFF)
    h ^= h >> 16
    h = (h * 0x7FEB352D) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x5BD1E995) & 0xFFFFFFFF
    h ^= h >> 16
    return h


# --- per-row kernels --------------------------------------------------------------------------------------


@kernel
def row_update(codes: np.ndarray, values: np.ndarray, count: np.ndarray, nvalid: np.ndarray,
               negative: np.ndarray, total: np.ndarray, top1: np.ndarray, top2: np.ndarray) -> int:
    """Add rows to a per-row partial state in place (``top1``/``top2`` start at -inf, the rest at 0).

    Rows with code -1 are skipped. Returns -1, or the index of the first code outside [-1, ncells): the
    state then holds the rows before it and must be discarded.
    """
    ncells = count.shape[0]
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0 or c >= ncells:
            if c == -1:
                continue
            return i
        count[c] += 1
        v = values[i]
        if v != v:  # NaN: the row counts, its value does not
            continue
        nvalid[c] += 1
        if v < 0:
            negative[c] += 1
        total[c] += v
        if v > top2[c]:
            top1[c], top2[c] = _top2(top1[c], top2[c], v)
    return -1


@kernel
def row_count(codes: np.ndarray, count: np.ndarray) -> int:
    """Count rows per cell in place (a table without a value column); returns as :func:`row_update`."""
    ncells = count.shape[0]
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0 or c >= ncells:
            if c == -1:
                continue
            return i
        count[c] += 1
    return -1


@kernel
def row_merge(count: np.ndarray, nvalid: np.ndarray, negative: np.ndarray, total: np.ndarray, top1: np.ndarray,
              top2: np.ndarray, count_b: np.ndarray, nvalid_b: np.ndarray, negative_b: np.ndarray,
              total_b: np.ndarray, top1_b: np.ndarray, top2_b: np.ndarray) -> None:
    """Merge partial state b into the first (in place). Both use -inf for an absent top value, and
    inserting -inf never changes a top two, so b's tops go in whether present or not."""
    for c in range(count.shape[0]):
        count[c] += count_b[c]
        nvalid[c] += nvalid_b[c]
        negative[c] += negative_b[c]
        total[c] += total_b[c]
        t1, t2 = _top2(top1[c], top2[c], top1_b[c])
        top1[c], top2[c] = _top2(t1, t2, top2_b[c])


@kernel
def _remap(mapping: np.ndarray, count: np.ndarray, units: np.ndarray, nvalid: np.ndarray, negative: np.ndarray,
           total: np.ndarray, top1: np.ndarray, top2: np.ndarray, o_count: np.ndarray, o_units: np.ndarray,
           o_nvalid: np.ndarray, o_negative: np.ndarray, o_total: np.ndarray, o_top1: np.ndarray,
           o_top2: np.ndarray, present: np.ndarray) -> int:
    """Add each source cell's statistics to its target cell; -1 or the first source with a bad target."""
    ntarget = o_count.shape[0]
    for s in range(mapping.shape[0]):
        t = mapping[s]
        if t < 0 or t >= ntarget:
            if t == -1:
                continue
            return s
        o_count[t] += count[s]
        o_units[t] += units[s]
        o_nvalid[t] += nvalid[s]
        o_negative[t] += negative[s]
        o_total[t] += total[s]
        v = top1[s]
        if v == v:
            present[t] += 1
            o_top1[t], o_top2[t] = _top2(o_top1[t], o_top2[t], v)
        v = top2[s]
        if v == v:
            present[t] += 1
            o_top1[t], o_top2[t] = _top2(o_top1[t], o_top2[t], v)
    return -1


# --- cell codes -------------------------------------------------------------------------------------------


@kernel
def add_codes(cell: np.ndarray, idx: np.ndarray, lut: np.ndarray, offset: int, stride: int) -> int:
    """Add one dimension to the rows' cell codes in place: a row's level code is ``lut[idx[i] - offset]``
    (-1 when that slot is outside ``lut`` or holds -1: a missing value), its cell code grows by code x
    ``stride``; a row whose code is -1, or already excluded (cell -1), is excluded. Returns the rows
    newly excluded. One pass per dimension over the raw indices (Parquet dictionary indices, small
    integers with ``offset``), instead of gathering each dimension's codes into an array of its own."""
    excluded = 0
    size = lut.shape[0]
    for i in range(cell.shape[0]):
        c = cell[i]
        if c < 0:
            continue
        j = idx[i] - offset
        k = lut[j] if 0 <= j < size else -1
        if k < 0:
            cell[i] = -1
            excluded += 1
        else:
            cell[i] = c + k * stride
    return excluded


@kernel
def used_slots(idx: np.ndarray, size: int) -> np.ndarray:
    """Which of ``size`` slots the indices use (indices outside ``[0, size)`` are ignored): the labels of a
    batch's dictionary that its rows have, in one pass over the indices as they are (no widening copy, as
    ``np.bincount`` makes of 32-bit indices)."""
    used = np.zeros(size, dtype=np.bool_)
    for i in range(idx.shape[0]):
        j = idx[i]
        if 0 <= j < size:
            used[j] = True
    return used


@kernel
def first_miss(idx: np.ndarray, lut: np.ndarray, offset: int) -> int:
    """The first row whose ``lut[idx[i] - offset]`` is outside ``lut`` or -1 (a value with no code yet),
    or -1: whether a batch brings levels not seen before, without gathering its codes."""
    size = lut.shape[0]
    for i in range(idx.shape[0]):
        j = idx[i] - offset
        if j < 0 or j >= size or lut[j] < 0:
            return i
    return -1


# --- per-unit kernels -------------------------------------------------------------------------------------


@kernel
def cell_histogram(cells: np.ndarray, ncells: int) -> tuple[np.ndarray, int, bool]:
    """Rows per cell (code -1 skipped); -1 or the index of the first code outside [-1, ncells); and
    whether the codes are in ascending order (then the rows need no sorting by cell)."""
    hist = np.zeros(ncells, dtype=np.int64)
    ascending = True
    prev = -1
    for i in range(cells.shape[0]):
        c = cells[i]
        if c < 0 or c >= ncells:
            if c == -1:
                if prev > -1:
                    ascending = False
                continue
            return hist, i, False
        if c < prev:
            ascending = False
        prev = c
        hist[c] += 1
    return hist, -1, ascending


@kernel
def copy_blocks(starts: np.ndarray, ends: np.ndarray, block_cells: np.ndarray, units: np.ndarray, sums: np.ndarray,
                rows: np.ndarray, nvalid: np.ndarray, negative: np.ndarray, o_cells: np.ndarray, o_units: np.ndarray,
                o_sums: np.ndarray, o_rows: np.ndarray, o_nvalid: np.ndarray, o_negative: np.ndarray) -> int:
    """Copy the pairs ``[starts[b], ends[b])`` of every block ``b``, in block order, to the front of ``o_*``,
    their cell set to ``block_cells[b]``; returns the pairs written. Each block is read and written in
    sequence (a pair buffer reordered block by block, not pair by pair). The outputs must hold the sum of
    the blocks' lengths: the kernel trusts it, as Numba does not check bounds."""
    p = 0
    for b in range(starts.shape[0]):
        c = block_cells[b]
        for i in range(starts[b], ends[b]):
            o_cells[p] = c
            o_units[p] = units[i]
            o_sums[p] = sums[i]
            o_rows[p] = rows[i]
            o_nvalid[p] = nvalid[i]
            o_negative[p] = negative[i]
            p += 1
    return p


@helper
def _table_size(rows: int) -> int:
    """The smallest power of two >= 2 * rows: a load factor <= 1/2 keeps linear probing short."""
    size = 2
    while size < 2 * rows:
        size *= 2
    return size


@kernel
def reduce_rows(cells: np.ndarray, units: np.ndarray, values: np.ndarray, rows: np.ndarray, nvalid: np.ndarray,
                negative: np.ndarray, mode: int, hist: np.ndarray, rec: np.ndarray, o_cells: np.ndarray,
                o_units: np.ndarray, o_sums: np.ndarray, o_rows: np.ndarray, o_nvalid: np.ndarray,
                o_negative: np.ndarray, out: int) -> int:
    """Reduce rows in any order to one pair per (cell, unit), grouped by ascending cell; returns the number m
    of pairs, written to ``o_*[out:out + m]``.

    ``mode`` 0: the rows are pairs (``values`` are sums, NaN skipped; ``rows``, ``nvalid`` and
    ``negative`` add up); 1: raw rows (``rows``, ``nvalid``, ``negative`` unused, may be empty); 2: raw
    rows without values (``values`` unused too). ``hist`` must be :func:`cell_histogram` of ``cells``,
    ``rec`` an int64 scratch buffer of at least ``5 * hist.sum()`` entries (2 in modes 1 and 2), the
    outputs must hold ``out + hist.sum()`` entries: the kernel trusts these sizes, as Numba does not
    check bounds.

    How: a counting sort of the rows by cell (prefix sum of the histogram, scatter), then per cell an
    open-addressing hash table on the unit ids of that cell's rows (a power of two >= twice the rows,
    linear probing, one scratch buffer for all cells). When the design was chosen this measured 3-6x
    faster than one global hash table or a sort by (cell, unit): each cell's table is small and stays in
    cache.
    """
    ncells = hist.shape[0]
    offs = np.zeros(ncells + 1, dtype=np.int64)
    biggest = 0
    for c in range(ncells):
        h = hist[c]
        offs[c + 1] = offs[c] + h
        if h > biggest:
            biggest = h
    pos = offs[:ncells].copy()
    # The sorted rows are records (unit, value bits[, rows, nvalid, negative]) in one buffer: the scatter
    # then writes one stream per cell instead of two to five, and keeps fewer cache lines open.
    width = 5 if mode == _PAIRS else 2
    recf = rec.view(np.float64)
    for i in range(cells.shape[0]):
        c = cells[i]
        if c < 0 or c >= ncells:  # -1 (or a code the caller did not check)
            continue
        p = pos[c] * width
        pos[c] += 1
        rec[p] = units[i]
        if mode != _RAW_COUNT:
            recf[p + 1] = values[i]
        if mode == _PAIRS:
            rec[p + 2] = rows[i]
            rec[p + 3] = nvalid[i]
            rec[p + 4] = negative[i]

    table = np.empty(_table_size(biggest), dtype=np.int64)
    m = out
    for c in range(ncells):
        a = offs[c]
        b = offs[c + 1]
        if b == a:
            continue
        mask = 0
        if b - a > 1:  # a cell of one row (most cells of a fine table) needs no table
            size = _table_size(b - a)
            mask = size - 1
            table[:size] = -1
        last_u = 0
        last_j = -1
        for r in range(a, b):
            p = r * width
            u = rec[p]
            # Registers are often sorted by unit: a run of one unit's rows skips the lookup.
            if last_j >= 0 and u == last_u:
                j = last_j
            elif mask == 0:
                j = -1
            else:
                # Written out here and in merge_pairs, not in a helper: see _top2 on helpers with arrays.
                s = _hash(u) & mask
                while True:
                    j = table[s]
                    if j < 0:
                        table[s] = m
                        break
                    if o_units[j] == u:
                        break
                    s = (s + 1) & mask
            if j < 0:  # a new pair: set, not add, so the outputs need no zeroing and are written once
                j = m
                m += 1
                o_cells[j] = c
                o_units[j] = u
                o_sums[j] = 0.0
                o_rows[j] = 0
                o_nvalid[j] = 0
                o_negative[j] = 0
            last_u = u
            last_j = j
            if mode == _PAIRS:
                v = recf[p + 1]
                if v == v:
                    o_sums[j] += v
                o_rows[j] += rec[p + 2]
                o_nvalid[j] += rec[p + 3]
                o_negative[j] += rec[p + 4]
            elif mode == _RAW:
                v = recf[p + 1]
                o_rows[j] += 1
                if v == v:
                    o_sums[j] += v
                    o_nvalid[j] += 1
                    if v < 0:
                        o_negative[j] += 1
            else:
                o_rows[j] += 1
    return m - out


@kernel
def merge_pairs(cells: np.ndarray, units: np.ndarray, sums: np.ndarray, rows: np.ndarray, nvalid: np.ndarray,
                negative: np.ndarray, starts: np.ndarray, ends: np.ndarray, unique: bool, o_cells: np.ndarray,
                o_units: np.ndarray, o_sums: np.ndarray, o_rows: np.ndarray, o_nvalid: np.ndarray,
                o_negative: np.ndarray, out: int) -> int:
    """Reduce pairs held in parts, part q being ``[starts[q], ends[q])`` in ascending cell order (no -1);
    returns the number m of pairs, written to ``o_*[out:out + m]`` (room for all input rows needed).

    A k-way merge by cell: each cell's rows are read part by part, in order, so nothing is sorted or
    scattered. ``unique``: within a part each (cell, unit) occurs at most once (the parts come from this
    module), so a cell found in one part only is copied without a table.
    """
    nparts = starts.shape[0]
    cur = starts.copy()
    seg = np.empty(nparts, dtype=np.int64)
    table = np.empty(1024, dtype=np.int64)
    m = out
    while True:
        c = -1
        for q in range(nparts):
            if cur[q] < ends[q] and (c < 0 or cells[cur[q]] < c):
                c = cells[cur[q]]
        if c < 0:
            break
        total = 0
        found = 0
        for q in range(nparts):
            e = cur[q]
            while e < ends[q] and cells[e] == c:
                e += 1
            seg[q] = e
            if e > cur[q]:
                total += e - cur[q]
                found += 1
        mask = 0
        if total > 1 and not (unique and found == 1):
            size = _table_size(total)
            if size > table.shape[0]:
                table = np.empty(size, dtype=np.int64)
            mask = size - 1
            table[:size] = -1
        last_u = 0
        last_j = -1
        for q in range(nparts):
            for p in range(cur[q], seg[q]):
                u = units[p]
                if last_j >= 0 and u == last_u:
                    j = last_j
                elif mask == 0:
                    j = -1
                else:
                    s = _hash(u) & mask
                    while True:
                        j = table[s]
                        if j < 0:
                            table[s] = m
                            break
                        if o_units[j] == u:
                            break
                        s = (s + 1) & mask
                v = sums[p]
                if v != v:
                    v = 0.0
                if j < 0:
                    j = m
                    m += 1
                    o_cells[j] = c
                    o_units[j] = u
                    o_sums[j] = v
                    o_rows[j] = rows[p]
                    o_nvalid[j] = nvalid[p]
                    o_negative[j] = negative[p]
                else:
                    o_sums[j] += v
                    o_rows[j] += rows[p]
                    o_nvalid[j] += nvalid[p]
                    o_negative[j] += negative[p]
                last_u = u
                last_j = j
            cur[q] = seg[q]
    return m - out


@kernel
def move_pairs(o_cells: np.ndarray, o_units: np.ndarray, o_sums: np.ndarray, o_rows: np.ndarray,
               o_nvalid: np.ndarray, o_negative: np.ndarray, src: int, dst: int, n: int) -> None:
    """Move n pairs from ``src`` down to ``dst`` <= src (closes the gap between two threads' outputs)."""
    for k in range(n):
        o_cells[dst + k] = o_cells[src + k]
        o_units[dst + k] = o_units[src + k]
        o_sums[dst + k] = o_sums[src + k]
        o_rows[dst + k] = o_rows[src + k]
        o_nvalid[dst + k] = o_nvalid[src + k]
        o_negative[dst + k] = o_negative[src + k]


@kernel
def _pair_stats(cells: np.ndarray, sums: np.ndarray, rows: np.ndarray, nvalid: np.ndarray, negative: np.ndarray,
                count: np.ndarray, units: np.ndarray, o_nvalid: np.ndarray, o_negative: np.ndarray,
                total: np.ndarray, top1: np.ndarray, top2: np.ndarray) -> int:
    """Cell statistics of reduced pairs (tops start at -inf); -1 or the index of the first bad cell."""
    ncells = count.shape[0]
    for i in range(cells.shape[0]):
        c = cells[i]
        if c < 0 or c >= ncells:
            if c == -1:
                continue
            return i
        count[c] += rows[i]
        units[c] += 1
        o_negative[c] += negative[i]
        if nvalid[i] > 0:
            o_nvalid[c] += 1
            v = sums[i]
            total[c] += v
            if v > top2[c]:
                top1[c], top2[c] = _top2(top1[c], top2[c], v)
    return -1


# --- Python API -------------------------------------------------------------------------------------------


def _codes(a: np.ndarray, name: str) -> np.ndarray:
    """``a`` as a contiguous int64 array (one compiled specialisation per kernel)."""
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got {a.ndim} dimensions")
    if a.dtype.kind not in "iub":
        raise TypeError(f"{name} must hold integers, got {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.int64)


def _floats(a: np.ndarray, name: str, n: int) -> np.ndarray:
    a = np.asarray(a)
    if a.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {a.shape}")
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold numbers, got {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.float64)


def _same_length(a: np.ndarray, name: str, n: int) -> np.ndarray:
    a = _codes(a, name)
    if a.shape[0] != n:
        raise ValueError(f"{name} has {a.shape[0]} rows, expected {n}")
    return a


def _check_ncells(ncells: int) -> int:
    ncells = int(ncells)
    if ncells < 0:
        raise ValueError(f"ncells must be >= 0, got {ncells}")
    return ncells


def _bad_code(where: str, index: int, ncells: int) -> ValueError:
    # The position only: the code is derived from key values, which stay out of messages.
    return ValueError(f"{where}: cell code at position {index} is outside [-1, {ncells})")


def _threads(threads: int) -> int:
    threads = int(threads)
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    return threads


def _run(fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]:
    """``fn(*job)`` for every job, on threads when there is more than one (the kernels release the GIL)."""
    if len(jobs) == 1:
        return [fn(*jobs[0])]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(lambda job: fn(*job), jobs))


def _row_bounds(n: int, threads: int) -> list[int]:
    """Split n rows into up to ``threads`` contiguous chunks of at least _MIN_ROWS_PER_THREAD rows."""
    parts = max(1, min(threads, n // _MIN_ROWS_PER_THREAD))
    return [n * k // parts for k in range(parts + 1)]


def _cell_bounds(hist: np.ndarray, threads: int) -> list[int]:
    """Split the cells into up to ``threads`` contiguous ranges holding about equal numbers of rows."""
    ncells = hist.shape[0]
    n = int(hist.sum())
    parts = max(1, min(threads, n // _MIN_ROWS_PER_THREAD))
    if parts == 1 or ncells < 2:
        return [0, ncells]
    cum = np.cumsum(hist)
    cuts = np.searchsorted(cum, [n * k // parts for k in range(1, parts)], side="left") + 1
    bounds = sorted({0, ncells, *(min(int(b), ncells) for b in cuts)})
    return bounds


def _empty_state(ncells: int) -> list[np.ndarray]:
    """A per-row partial state: count, nvalid, negative, total, top1, top2."""
    return [np.zeros(ncells, np.int64), np.zeros(ncells, np.int64), np.zeros(ncells, np.int64),
            np.zeros(ncells, np.float64), np.full(ncells, -np.inf), np.full(ncells, -np.inf)]


def _with_nan_tops(count: np.ndarray, units: np.ndarray, nvalid: np.ndarray, negative: np.ndarray,
                   total: np.ndarray, top1: np.ndarray, top2: np.ndarray, present: np.ndarray) -> CellStats:
    """CellStats from a state whose absent tops are -inf; ``present`` counts the values seen."""
    return CellStats(count=count, units=units, nvalid=nvalid, negative=negative, total=total,
                     top1=np.where(present > 0, top1, np.nan), top2=np.where(present > 1, top2, np.nan))


class RowAccumulator:
    """Per-row cell statistics over a stream of batches: every row is one contribution.

    Each of ``threads`` threads adds its chunk of a batch into its own partial state; :meth:`finalize`
    merges them. Memory: ``threads`` states of 48 bytes per cell.
    """

    def __init__(self, ncells: int, *, threads: int = 1) -> None:
        """An accumulator for cells ``0 .. ncells-1``."""
        self.ncells = _check_ncells(ncells)
        self.threads = _threads(threads)
        self._states = [_empty_state(self.ncells) for _ in range(self.threads)]
        self._broken = False

    def update(self, codes: np.ndarray, values: np.ndarray | None) -> None:
        """Add a batch: ``codes`` int64 (-1 = row excluded), ``values`` float64 (NaN = missing) or None
        (count only: the batch adds to count and units, not to the value statistics).

        Raises ValueError for a code outside [-1, ncells); the accumulator cannot be used after that.
        """
        self._usable()
        codes = _codes(codes, "codes")
        n = codes.shape[0]
        vals = None if values is None else _floats(values, "values", n)
        bounds = _row_bounds(n, self.threads)
        if vals is None:
            jobs = [(codes[a:b], self._states[k][0]) for k, (a, b) in enumerate(itertools.pairwise(bounds))]
            bad = _run(row_count, jobs)
        else:
            jobs = [(codes[a:b], vals[a:b], *self._states[k]) for k, (a, b) in enumerate(itertools.pairwise(bounds))]
            bad = _run(row_update, jobs)
        for k, b in enumerate(bad):
            if b >= 0:
                self._broken = True
                raise _bad_code("RowAccumulator.update", bounds[k] + b, self.ncells)

    def finalize(self) -> CellStats:
        """The statistics of all rows so far (the accumulator can go on taking batches)."""
        self._usable()
        merged = [a.copy() for a in self._states[0]]
        for other in self._states[1:]:
            row_merge(*merged, *other)
        count, nvalid, negative, total, top1, top2 = merged
        return _with_nan_tops(count, count.copy(), nvalid, negative, total, top1, top2, nvalid)

    def _usable(self) -> None:
        if self._broken:
            raise RuntimeError("RowAccumulator is unusable after an out-of-range cell code")


def _no_pairs() -> Pairs:
    e = np.empty(0, np.int64)
    return e, e.copy(), np.empty(0, np.float64), e.copy(), e.copy(), e.copy()


def _alloc_pairs(capacity: int) -> list[np.ndarray]:
    return [np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.float64),
            np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int64)]


class _PairBuffer:
    """Pairs grouped by cell in parts (each part ascending by cell), in two buffers reused from one batch
    and one compaction to the next.

    Why buffers and not fresh arrays: on the test machine, touching freshly allocated memory cost 0.4 to
    4 s per GB (the kernel zeroes each page, and transparent huge pages compact memory), more than the
    reduction itself; a first version that concatenated and trimmed fresh arrays spent 80 % of its time
    there. So batches are reduced straight into the buffer, a compaction merges into the spare buffer and
    the two swap. Capacity is allocated generously (twice what is needed): pages never written cost
    nothing, while every growth copies the pairs into fresh pages.
    """

    def __init__(self, ncells: int, threads: int) -> None:
        self.ncells = ncells
        self.threads = threads
        self.arrays: list[np.ndarray] = _alloc_pairs(0)
        self.n = 0  # pairs in use at the start of ``arrays``
        self.parts: list[tuple[int, int]] = []  # (start, end) of each part, ascending cell order within
        self.unique = True  # no (cell, unit) repeats within a part
        self.reusable = True  # ``arrays`` may be overwritten once replaced (not the caller's, not handed out)
        self.spare: list[np.ndarray] = _alloc_pairs(0)
        self.scratch: list[np.ndarray] = []
        self.headroom = True  # more batches will come: leave room to grow after a compaction

    @classmethod
    def of_sorted(cls, pairs: Pairs, start: int, ncells: int, threads: int) -> _PairBuffer:
        """The caller's pairs, ascending by cell from ``start`` on (rows before it are cell -1), as one
        part that may repeat a (cell, unit); they are read, never written."""
        buf = cls(ncells, threads)
        buf.arrays = list(pairs)
        buf.n = pairs[0].shape[0]
        buf.parts = [(start, buf.n)] if buf.n > start else []
        buf.unique = False
        buf.reusable = False
        buf.headroom = False
        return buf

    def _retire(self, arrays: list[np.ndarray], reusable: bool) -> None:
        """Keep buffers that are no longer current as the spare when they may be written and are bigger."""
        if reusable and arrays[0].shape[0] > self.spare[0].shape[0]:
            self.spare = arrays

    def _reserve(self, extra: int) -> None:
        """Room for ``extra`` more pairs after the ones in use."""
        need = self.n + extra
        capacity = self.arrays[0].shape[0]
        if need <= capacity:
            return
        if self.spare[0].shape[0] >= need:
            bigger, self.spare = self.spare, _alloc_pairs(0)
        else:
            bigger = _alloc_pairs(max(need, 2 * capacity))
        for new, old in zip(bigger, self.arrays, strict=True):
            new[: self.n] = old[: self.n]
        old, reusable = self.arrays, self.reusable
        self.arrays, self.reusable = bigger, True
        self._retire(old, reusable)

    def add_rows(self, cells: np.ndarray, units: np.ndarray, values: np.ndarray, rows: np.ndarray,
                 nvalid: np.ndarray, negative: np.ndarray, mode: int, where: str) -> None:
        """Reduce rows in any order and append them as one part per thread (chunks of the rows).

        Every chunk's codes are checked before anything is written, so a ValueError leaves the buffer as
        it was.
        """
        bounds = _row_bounds(cells.shape[0], self.threads)
        chunks = list(itertools.pairwise(bounds))
        hists = _run(lambda a, b: cell_histogram(cells[a:b], self.ncells), chunks)
        for (a, _b), (_hist, bad, _asc) in zip(chunks, hists, strict=True):
            if bad >= 0:
                raise _bad_code(where, a + int(bad), self.ncells)
        sizes = [int(h.sum()) for h, _bad, _asc in hists]
        self._reserve(sum(sizes))
        width = 5 if mode == _PAIRS else 2
        while len(self.scratch) < len(chunks):
            self.scratch.append(np.empty(0, np.int64))
        for k, size in enumerate(sizes):
            if self.scratch[k].shape[0] < width * size:
                self.scratch[k] = np.empty(width * size, np.int64)
        outs = [self.n + sum(sizes[:k]) for k in range(len(chunks))]

        def reduce(k: int) -> int:
            a, b = chunks[k]
            sl = slice(a, b)
            return int(reduce_rows(cells[sl], units[sl], values[sl] if mode != _RAW_COUNT else values,
                                   rows[sl] if mode == _PAIRS else rows, nvalid[sl] if mode == _PAIRS else nvalid,
                                   negative[sl] if mode == _PAIRS else negative, mode, hists[k][0], self.scratch[k],
                                   *self.arrays, outs[k]))

        counts = _run(reduce, [(k,) for k in range(len(chunks))])
        self._append(outs, counts)

    def _append(self, outs: list[int], counts: list[int]) -> None:
        """Record parts written at ``outs`` (each ``counts`` long), moving them down to close the gaps."""
        for out, m in zip(outs, counts, strict=True):
            if m == 0:
                continue
            if out != self.n:
                move_pairs(*self.arrays, out, self.n, m)
            self.parts.append((self.n, self.n + m))
            self.n += m

    def compact(self) -> None:
        """Merge all parts into one part of distinct (cell, unit) pairs (a k-way merge by cell; with
        threads, each thread merges a range of cells of about equal numbers of pairs)."""
        if not self.parts or (len(self.parts) == 1 and self.unique):
            self.unique = True
            return
        size = sum(e - s for s, e in self.parts)
        dest, self.spare = self.spare, _alloc_pairs(0)
        if dest[0].shape[0] < size:
            # Room to grow until the next compaction (at about twice the pairs after this one).
            dest = _alloc_pairs(2 * size if self.headroom else size)
        cells = self.arrays[0]
        ranges: list[tuple[int, int]] = [(0, self.ncells)]
        if self.threads > 1 and size >= 2 * _MIN_ROWS_PER_THREAD:
            hist = np.zeros(self.ncells, np.int64)
            for s, e in self.parts:
                hist += cell_histogram(cells[s:e], self.ncells)[0]
            ranges = list(itertools.pairwise(_cell_bounds(hist, self.threads)))
        jobs = []
        out = 0
        for lo, hi in ranges:
            starts = np.array([s + np.searchsorted(cells[s:e], lo) for s, e in self.parts], dtype=np.int64)
            ends = np.array([s + np.searchsorted(cells[s:e], hi) for s, e in self.parts], dtype=np.int64)
            jobs.append((starts, ends, out))
            out += int((ends - starts).sum())
        counts = _run(lambda st, en, o: int(merge_pairs(*self.arrays, st, en, self.unique, *dest, o)), jobs)
        old, reusable = self.arrays, self.reusable
        self.arrays, self.reusable = dest, True
        self._retire(old, reusable)
        self.n = 0
        self.parts = []
        self.unique = True
        self._append([o for _s, _e, o in jobs], counts)
        if len(self.parts) > 1:  # the threads' ranges are one part now: cells ascend across them
            self.parts = [(0, self.n)]

    def pairs(self, *, keep: bool) -> Pairs:
        """The pairs of a compacted buffer. ``keep``: the buffer goes on being used, so the result is a
        read-only view that later compactions must not overwrite; otherwise the views are the caller's."""
        self.compact()
        if not self.parts:
            return _no_pairs()
        s, e = self.parts[0]
        views = tuple(a[s:e] for a in self.arrays)
        if keep:
            self.reusable = False
            for v in views:
                v.flags.writeable = False
        elif e - s < self.arrays[0].shape[0] // 2:
            views = tuple(v.copy() for v in views)  # a view would keep a buffer mostly empty alive
        return views  # type: ignore[return-value]


def reduce_pairs(cells: np.ndarray, units: np.ndarray, values: np.ndarray, rows: np.ndarray, nvalid: np.ndarray,
                 negative: np.ndarray, ncells: int, *, threads: int = 1) -> Pairs:
    """Group rows by (cell, unit): returns ``(cells, units, sums, rows, nvalid, negative)``, one entry per pair.

    ``sums`` adds the non-NaN ``values``; ``rows``, ``nvalid`` and ``negative`` add up (int64). Raw rows
    go in with ``rows=1``, ``nvalid=~isnan(values)``, ``negative=values < 0``; reduced pairs go in as they
    came out, so the function merges batches and, after the caller maps pair cells to margin cells, builds
    margins. The output is grouped by cell, cells ascending (units within a cell in no set order); cells
    of -1 are dropped; a cell outside [-1, ncells) raises ValueError. Input already in ascending cell
    order (such as concatenated outputs of disjoint cell ranges) is merged without sorting.
    """
    ncells = _check_ncells(ncells)
    threads = _threads(threads)
    cells = _codes(cells, "cells")
    n = cells.shape[0]
    units = _same_length(units, "units", n)
    values = _floats(values, "values", n)
    rows = _same_length(rows, "rows", n)
    nvalid = _same_length(nvalid, "nvalid", n)
    negative = _same_length(negative, "negative", n)
    _hist, bad, ascending = cell_histogram(cells, ncells)
    if bad >= 0:
        raise _bad_code("reduce_pairs", int(bad), ncells)
    if ascending:
        start = int(np.searchsorted(cells, 0))  # rows of cell -1 come first
        buf = _PairBuffer.of_sorted((cells, units, values, rows, nvalid, negative), start, ncells, threads)
    else:
        buf = _PairBuffer(ncells, threads)
        buf.headroom = False
        buf.add_rows(cells, units, values, rows, nvalid, negative, _PAIRS, "reduce_pairs")
    return buf.pairs(keep=False)


def remap_pairs(pairs: Pairs, mapping: np.ndarray, ncells: int) -> Pairs:
    """Distinct (cell, unit) pairs, as :func:`reduce_pairs` gives them, with their cells mapped by
    ``mapping`` (old cell -> new cell in [-1, ncells)) and grouped by ascending new cell again.

    When the mapping is one-to-one on the cells the pairs use, distinct pairs stay distinct and only their
    order changes: whole blocks of pairs are moved (:func:`copy_blocks`) instead of :func:`reduce_pairs`' hash
    tables,
    about 10x less work for the layout change at the end of a per-unit table. A mapping that merges cells
    (a margin) goes through :func:`reduce_pairs`. Pairs mapped to -1 are dropped.
    """
    ncells = _check_ncells(ncells)
    mapping = np.asarray(mapping, dtype=np.int64)
    old_hist, bad, ascending = cell_histogram(_codes(pairs[0], "cells"), mapping.shape[0])
    if bad >= 0:
        raise ValueError("remap_pairs: a pair's cell is outside the mapping")
    used = np.flatnonzero(old_hist)
    targets = mapping[used]
    if (targets >= ncells).any():
        raise _bad_code("remap_pairs", int(np.flatnonzero(mapping[pairs[0]] >= ncells)[0]), ncells)
    kept = targets >= 0
    if not ascending or np.unique(targets[kept]).size != int(kept.sum()):
        # cells merge (their units must be merged too), or the pairs are not grouped by cell
        return reduce_pairs(mapping[pairs[0]], *pairs[1:], ncells)
    # The pairs of each old cell are one block (pairs[0] ascends): blocks in order of their new cell.
    offsets = np.concatenate(([0], np.cumsum(old_hist)))
    if (pairs[0] < 0).any():
        offsets += int(np.searchsorted(pairs[0], 0))  # pairs of cell -1 come first; they are left out
    used, targets = used[kept], targets[kept]
    order = np.argsort(targets, kind="stable")
    blocks = used[order]
    starts, ends = offsets[blocks], offsets[blocks + 1]
    out = _alloc_pairs(int((ends - starts).sum()))
    copy_blocks(starts, ends, targets[order], *pairs[1:], *out)
    return tuple(out)  # type: ignore[return-value]


def pair_stats(cells: np.ndarray, sums: np.ndarray, rows: np.ndarray, nvalid: np.ndarray, negative: np.ndarray,
               ncells: int) -> CellStats:
    """Per-unit cell statistics from reduced pairs (each (cell, unit) at most once, as :func:`reduce_pairs`
    gives them): count = sum of rows, units = pairs, nvalid = pairs with nvalid > 0, negative = sum of
    negative, total = sum of those pairs' sums, top1/top2 over those pairs' sums."""
    ncells = _check_ncells(ncells)
    cells = _codes(cells, "cells")
    n = cells.shape[0]
    sums = _floats(sums, "sums", n)
    rows = _same_length(rows, "rows", n)
    nvalid = _same_length(nvalid, "nvalid", n)
    negative = _same_length(negative, "negative", n)
    count, units, o_nvalid, o_negative, total, top1, top2 = (
        np.zeros(ncells, np.int64), np.zeros(ncells, np.int64), np.zeros(ncells, np.int64),
        np.zeros(ncells, np.int64), np.zeros(ncells, np.float64), np.full(ncells, -np.inf), np.full(ncells, -np.inf))
    bad = _pair_stats(cells, sums, rows, nvalid, negative, count, units, o_nvalid, o_negative, total, top1, top2)
    if bad >= 0:
        raise _bad_code("pair_stats", int(bad), ncells)
    return _with_nan_tops(count, units, o_nvalid, o_negative, total, top1, top2, o_nvalid)


class UnitAccumulator:
    """Per-unit cell statistics over a stream of batches: a unit's rows in a cell are one contribution.

    Memory is bounded by the number of distinct (cell, unit) pairs: each batch is reduced to its pairs
    (``threads`` chunks of it side by side) and appended to a buffer of pending pairs, which is merged
    (compacted) when it exceeds about twice the size after the last compaction, so the work per row stays
    constant whether pairs repeat across batches or not. The buffer and its spare for compaction take
    48 bytes per pair each, up to about twice the distinct pairs plus a batch.
    """

    def __init__(self, ncells: int, *, threads: int = 1) -> None:
        """An accumulator for cells ``0 .. ncells-1``."""
        self.ncells = _check_ncells(ncells)
        self.threads = _threads(threads)
        self._buf = _PairBuffer(self.ncells, self.threads)
        self._compacted = 0  # pairs after the last compaction

    def update(self, codes: np.ndarray, units: np.ndarray, values: np.ndarray | None) -> None:
        """Add a batch: ``codes`` int64 (-1 = row excluded), ``units`` int64 ids, ``values`` float64 (NaN =
        missing) or None (count only). Raises ValueError for a code outside [-1, ncells) (nothing of the
        batch is added then)."""
        codes = _codes(codes, "codes")
        n = codes.shape[0]
        units = _same_length(units, "units", n)
        empty_i = np.empty(0, np.int64)
        if values is None:
            mode, vals = _RAW_COUNT, np.empty(0, np.float64)
        else:
            mode, vals = _RAW, _floats(values, "values", n)
        self._buf.add_rows(codes, units, vals, empty_i, empty_i, empty_i, mode, "UnitAccumulator.update")
        if self._buf.n > max(2 * self._compacted, _MIN_COMPACT):
            self._compact()

    def pairs(self) -> Pairs:
        """The fully reduced pairs so far: ``(cells, units, sums, rows, nvalid, negative)`` grouped by cell,
        cells ascending (read-only views: later updates do not change them)."""
        self._compact()
        return self._buf.pairs(keep=True)

    def finalize(self) -> CellStats:
        """The statistics of all rows so far (the accumulator can go on taking batches)."""
        cells, _units, sums, rows, nvalid, negative = self.pairs()
        return pair_stats(cells, sums, rows, nvalid, negative, self.ncells)

    def _compact(self) -> None:
        self._buf.compact()
        self._compacted = self._buf.n


def remap_stats(stats: CellStats, mapping: np.ndarray, ntarget: int) -> CellStats:
    """Per-row statistics of target cells (margins) from those of source cells.

    ``mapping[s]`` is source cell s's target (-1: dropped). count, units, nvalid, negative and total add
    up; top1/top2 are the two largest of the sources' top values (NaN = absent). Valid for per-row
    statistics only: per-unit ``units`` do not add up (a unit may be in several sources), and a unit's
    contribution to a margin is the sum over the sources, not one of them; build per-unit margins with
    :func:`reduce_pairs` on remapped pairs instead.
    """
    ntarget = _check_ncells(ntarget)
    mapping = _codes(mapping, "mapping")
    if mapping.shape[0] != stats.ncells:
        raise ValueError(f"mapping has {mapping.shape[0]} entries for {stats.ncells} cells")
    out = _empty_state(ntarget)
    count, nvalid, negative, total, top1, top2 = out
    units = np.zeros(ntarget, np.int64)
    present = np.zeros(ntarget, np.int64)
    src = [np.ascontiguousarray(a, dtype=d) for a, d in (
        (stats.count, np.int64), (stats.units, np.int64), (stats.nvalid, np.int64), (stats.negative, np.int64),
        (stats.total, np.float64), (stats.top1, np.float64), (stats.top2, np.float64))]
    bad = _remap(mapping, *src, count, units, nvalid, negative, total, top1, top2, present)
    if bad >= 0:
        raise ValueError(f"remap_stats: target of source cell {bad} is outside [-1, {ntarget})")
    return _with_nan_tops(count, units, nvalid, negative, total, top1, top2, present)
