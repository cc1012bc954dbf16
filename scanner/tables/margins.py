"""Margins: every subset of dimensions summed over, up to the grand total (the published layout)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from scanner.tables.compute import Cells, _concat_stats, _strides

if TYPE_CHECKING:
    from kernels.cells import CellStats

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


