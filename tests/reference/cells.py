"""Plain-Python twin of ``kernels/cells.py``: the specification the cell-statistics kernels are tested against.

Written to be obviously right, not fast: dictionaries and lists, ``math.fsum`` for sums, ``sorted`` for
the top two. A row's cell code is -1 (the row is excluded) or in ``range(ncells)``; anything else is an
error. Values are floats, NaN meaning missing.

Per row (:func:`row_stats`): every row with a value is one contribution.
Per unit (:func:`unit_stats`): one unit's non-NaN values within a cell, summed, are one contribution; a
unit whose rows in a cell are all NaN is a unit of the cell but not a contribution.

For every cell:

========  ==============================================================================
count     rows in the cell (rows with a NaN value count too)
units     distinct units (per row: == count)
nvalid    contributions
negative  rows with a value < 0 (raw rows, before any summing per unit)
total     sum of all non-NaN values (0.0 for none)
top1      largest contribution, NaN when there is none
top2      second largest contribution, NaN when there are fewer than two (a tie gives top1 == top2)
========  ==============================================================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

NAN = math.nan


@dataclass
class Stats:
    """Statistics per cell, as lists of length ncells (the fields of ``kernels.cells.CellStats``)."""

    count: list[int]
    units: list[int]
    nvalid: list[int]
    negative: list[int]
    total: list[float]
    top1: list[float]
    top2: list[float]


def _check(codes: Sequence[int], ncells: int) -> None:
    for c in codes:
        if c != -1 and not 0 <= c < ncells:
            raise ValueError("cell code out of range")


def _top_two(contributions: list[float]) -> tuple[float, float]:
    ordered = sorted(contributions, reverse=True)
    top1 = ordered[0] if len(ordered) >= 1 else NAN
    top2 = ordered[1] if len(ordered) >= 2 else NAN
    return top1, top2


def _stats(ncells: int, count: list[int], units: list[int], contributions: list[list[float]],
           values: list[list[float]], negative: list[int]) -> Stats:
    """Stats from each cell's row count, unit count, contributions and non-NaN raw values."""
    tops = [_top_two(contributions[c]) for c in range(ncells)]
    return Stats(count=count, units=units, nvalid=[len(contributions[c]) for c in range(ncells)],
                 negative=negative, total=[math.fsum(values[c]) for c in range(ncells)],
                 top1=[t[0] for t in tops], top2=[t[1] for t in tops])


def row_stats(codes: Sequence[int], values: Sequence[float] | None, ncells: int) -> Stats:
    """Per-row statistics: each row with a value is a contribution. ``values`` None: counts only."""
    _check(codes, ncells)
    count = [0] * ncells
    negative = [0] * ncells
    vals: list[list[float]] = [[] for _ in range(ncells)]
    for i, c in enumerate(codes):
        if c == -1:
            continue
        count[c] += 1
        if values is None or math.isnan(values[i]):
            continue
        vals[c].append(values[i])
        if values[i] < 0:
            negative[c] += 1
    return _stats(ncells, count, list(count), vals, vals, negative)


def unit_pairs(codes: Sequence[int], units: Sequence[int], values: Sequence[float] | None,
               ncells: int) -> dict[tuple[int, int], tuple[float, int, int, int]]:
    """The rows grouped by (cell, unit): (sum of non-NaN values, rows, non-NaN rows, negative rows)."""
    _check(codes, ncells)
    groups: dict[tuple[int, int], list[float]] = {}
    rows: dict[tuple[int, int], int] = {}
    for i, c in enumerate(codes):
        if c == -1:
            continue
        key = (c, units[i])
        rows[key] = rows.get(key, 0) + 1
        groups.setdefault(key, [])
        if values is not None and not math.isnan(values[i]):
            groups[key].append(values[i])
    return {key: (math.fsum(vs), rows[key], len(vs), sum(1 for v in vs if v < 0)) for key, vs in groups.items()}


def unit_stats(codes: Sequence[int], units: Sequence[int], values: Sequence[float] | None, ncells: int) -> Stats:
    """Per-unit statistics: a unit's non-NaN values in a cell, summed, are one contribution."""
    pairs = unit_pairs(codes, units, values, ncells)
    count = [0] * ncells
    nunits = [0] * ncells
    negative = [0] * ncells
    contributions: list[list[float]] = [[] for _ in range(ncells)]
    vals: list[list[float]] = [[] for _ in range(ncells)]
    for i, c in enumerate(codes):
        if c != -1 and values is not None and not math.isnan(values[i]):
            vals[c].append(values[i])
    for (c, _unit), (total, rows, nvalid, neg) in pairs.items():
        count[c] += rows
        nunits[c] += 1
        negative[c] += neg
        if nvalid > 0:
            contributions[c].append(total)
    return _stats(ncells, count, nunits, contributions, vals, negative)


def remap(stats: Stats, mapping: Sequence[int], ntarget: int) -> Stats:
    """Per-row statistics of target cells: source cell s goes to ``mapping[s]`` (-1: dropped). Counts and
    totals add up; the top two are the two largest of the sources' non-NaN top values."""
    _check(mapping, ntarget)
    count = [0] * ntarget
    units = [0] * ntarget
    nvalid = [0] * ntarget
    negative = [0] * ntarget
    totals: list[list[float]] = [[] for _ in range(ntarget)]
    tops: list[list[float]] = [[] for _ in range(ntarget)]
    for s, t in enumerate(mapping):
        if t == -1:
            continue
        count[t] += stats.count[s]
        units[t] += stats.units[s]
        nvalid[t] += stats.nvalid[s]
        negative[t] += stats.negative[s]
        totals[t].append(stats.total[s])
        tops[t].extend(v for v in (stats.top1[s], stats.top2[s]) if not math.isnan(v))
    top = [_top_two(tops[t]) for t in range(ntarget)]
    return Stats(count=count, units=units, nvalid=nvalid, negative=negative,
                 total=[math.fsum(totals[t]) for t in range(ntarget)], top1=[t[0] for t in top],
                 top2=[t[1] for t in top])


def remap_pairs(pairs: dict[tuple[int, int], tuple[float, int, int, int]], mapping: Sequence[int]
                ) -> dict[tuple[int, int], tuple[float, int, int, int]]:
    """(cell, unit) pairs under a cell mapping: pairs that meet in one new cell add up; -1 drops a pair."""
    out: dict[tuple[int, int], tuple[float, int, int, int]] = {}
    for (c, u), (s, r, n, g) in pairs.items():
        t = mapping[c]
        if t < 0:
            continue
        s0, r0, n0, g0 = out.get((t, u), (0.0, 0, 0, 0))
        out[(t, u)] = (s0 + s, r0 + r, n0 + n, g0 + g)
    return out


def add_codes(cell: list[int], idx: Sequence[int], lut: Sequence[int], offset: int, stride: int) -> int:
    """One dimension added to the cell codes (in place): code ``lut[idx - offset]``, -1 outside ``lut`` or
    for a -1 slot, excludes the row (cell -1); returns the rows newly excluded."""
    excluded = 0
    for i, c in enumerate(cell):
        if c < 0:
            continue
        j = idx[i] - offset
        k = lut[j] if 0 <= j < len(lut) else -1
        if k < 0:
            cell[i] = -1
            excluded += 1
        else:
            cell[i] = c + k * stride
    return excluded


def first_miss(idx: Sequence[int], lut: Sequence[int], offset: int) -> int:
    """The first row with no code (outside ``lut`` or a -1 slot), or -1."""
    for i, v in enumerate(idx):
        j = v - offset
        if not 0 <= j < len(lut) or lut[j] < 0:
            return i
    return -1


def used_slots(idx: Sequence[int], size: int) -> list[bool]:
    """Which of ``size`` slots the indices use (others ignored)."""
    seen = {j for j in idx if 0 <= j < size}
    return [k in seen for k in range(size)]
