"""kernels.cells against its plain-Python specification (tests/reference/cells.py).

Counts must agree exactly; totals within a relative 1e-9 (the kernels add in another order than
``math.fsum``); top values exactly in per-row mode (each is one row's value) and within the same tolerance
in per-unit mode (each is a unit's sum). Hand-picked edge cases come first, then hypothesis: kernels
against the reference, batch splits and thread counts against one batch, re-reduction of reduced pairs
and margins built by remapping cells. The tests also pass without the JIT (``make test-nojit``).
"""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernels import cells
from kernels.cells import CellStats, RowAccumulator, UnitAccumulator, pair_stats, reduce_pairs, remap_stats
from tests.conftest import REPO
from tests.reference import cells as ref

PROPERTY = settings(max_examples=200, deadline=None)
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1
NAN = math.nan
INT_FIELDS = ("count", "units", "nvalid", "negative")

Pairs = tuple[np.ndarray, ...]


# --- helpers -----------------------------------------------------------------------------------------------


@contextmanager
def small_thresholds() -> Iterator[None]:
    """Split even tiny batches over threads and compact after every few pairs, so small inputs exercise
    the thread and compaction paths (the defaults keep them for inputs of 65k rows and 1M pairs)."""
    with mock.patch.object(cells, "_MIN_ROWS_PER_THREAD", 2), mock.patch.object(cells, "_MIN_COMPACT", 4):
        yield


def i64(xs: Sequence[int]) -> np.ndarray:
    return np.asarray(xs, dtype=np.int64)


def f64(xs: Sequence[float]) -> np.ndarray:
    return np.asarray(xs, dtype=np.float64)


def same_float(a: float, b: float, *, exact: bool) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b if exact else math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_stats(got: CellStats, want: ref.Stats, *, exact_tops: bool) -> None:
    """``got`` equals the reference: counts exactly, totals within 1e-9, tops exactly or within 1e-9."""
    ncells = len(want.count)
    for name in INT_FIELDS:
        arr = getattr(got, name)
        assert arr.dtype == np.int64 and arr.shape == (ncells,), name
        assert arr.tolist() == getattr(want, name), name
    for name in ("total", "top1", "top2"):
        arr = getattr(got, name)
        assert arr.dtype == np.float64 and arr.shape == (ncells,), name
        exact = exact_tops and name != "total"
        for c, (g, w) in enumerate(zip(arr.tolist(), getattr(want, name), strict=True)):
            assert same_float(g, w, exact=exact), (name, c, g, w)


def assert_same_stats(a: CellStats, b: CellStats) -> None:
    """Two kernel results agree: counts and tops exactly, totals within 1e-9 (summation order)."""
    for name in (*INT_FIELDS, "top1", "top2"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_allclose(a.total, b.total, rtol=1e-9, atol=1e-9)


def as_ref(stats: CellStats) -> ref.Stats:
    return ref.Stats(**{name: getattr(stats, name).tolist() for name in (*INT_FIELDS, "total", "top1", "top2")})


def pairs_dict(pairs: Pairs) -> dict[tuple[int, int], tuple[float, int, int, int]]:
    """Reduced pairs as the reference's dictionary; each (cell, unit) must occur once."""
    cells_, units, sums, rows, nvalid, negative = pairs
    out = {(int(c), int(u)): (float(s), int(r), int(n), int(g))
           for c, u, s, r, n, g in zip(cells_, units, sums, rows, nvalid, negative, strict=True)}
    assert len(out) == len(cells_), "a (cell, unit) pair occurs twice"
    return out


def assert_pairs(got: Pairs, want: dict[tuple[int, int], tuple[float, int, int, int]]) -> None:
    assert len(got) == 6
    for a, dtype in zip(got, (np.int64, np.int64, np.float64, np.int64, np.int64, np.int64), strict=True):
        assert a.dtype == dtype and a.ndim == 1 and a.shape == got[0].shape
    assert np.all(np.diff(got[0]) >= 0), "pairs are not grouped by ascending cell"
    have = pairs_dict(got)
    assert have.keys() == want.keys()
    for key, (s, r, n, g) in want.items():
        hs, hr, hn, hg = have[key]
        assert (hr, hn, hg) == (r, n, g), key
        assert math.isclose(hs, s, rel_tol=1e-9, abs_tol=1e-9), key


def raw_pairs_input(codes: Sequence[int], units: Sequence[int], values: Sequence[float]) -> Pairs:
    """Raw rows as reduce_pairs takes them: rows=1, nvalid=not NaN, negative=value < 0."""
    v = f64(values)
    return (i64(codes), i64(units), v, np.ones(len(v), np.int64), (~np.isnan(v)).astype(np.int64),
            (v < 0).astype(np.int64))


def row_kernel(codes: Sequence[int], values: Sequence[float] | None, ncells: int, *, cuts: Sequence[int] = (),
               threads: int = 1) -> CellStats:
    """RowAccumulator over the rows split at ``cuts``."""
    acc = RowAccumulator(ncells, threads=threads)
    bounds = [0, *sorted(cuts), len(codes)]
    for a, b in itertools.pairwise(bounds):
        acc.update(i64(codes[a:b]), None if values is None else f64(values[a:b]))
    return acc.finalize()


def unit_accumulator(codes: Sequence[int], units: Sequence[int], values: Sequence[float] | None, ncells: int, *,
                     cuts: Sequence[int] = (), threads: int = 1) -> UnitAccumulator:
    acc = UnitAccumulator(ncells, threads=threads)
    bounds = [0, *sorted(cuts), len(codes)]
    for a, b in itertools.pairwise(bounds):
        acc.update(i64(codes[a:b]), i64(units[a:b]), None if values is None else f64(values[a:b]))
    return acc


def unit_kernel(codes: Sequence[int], units: Sequence[int], values: Sequence[float] | None, ncells: int, *,
                cuts: Sequence[int] = (), threads: int = 1) -> CellStats:
    return unit_accumulator(codes, units, values, ncells, cuts=cuts, threads=threads).finalize()


def check_both(codes: Sequence[int], units: Sequence[int], values: Sequence[float] | None,
               ncells: int) -> tuple[CellStats, CellStats]:
    """Both modes against the reference; returns (per-row, per-unit) kernel statistics."""
    rows = row_kernel(codes, values, ncells)
    assert_stats(rows, ref.row_stats(codes, values, ncells), exact_tops=True)
    per_unit = unit_kernel(codes, units, values, ncells)
    assert_stats(per_unit, ref.unit_stats(codes, units, values, ncells), exact_tops=False)
    return rows, per_unit


# --- edge cases --------------------------------------------------------------------------------------------


def test_reference_is_what_the_docstring_says() -> None:
    """The specification itself on a small table, by hand: the kernels are held to this."""
    codes = [0, 0, 0, 1, 1, -1]
    units = [7, 7, 8, 7, 9, 7]
    values = [10.0, -4.0, 5.0, NAN, 2.0, 99.0]
    rows = ref.row_stats(codes, values, 3)
    assert (rows.count, rows.units, rows.nvalid, rows.negative) == ([3, 2, 0], [3, 2, 0], [3, 1, 0], [1, 0, 0])
    assert rows.total == [11.0, 2.0, 0.0]
    assert rows.top1[:2] == [10.0, 2.0] and rows.top2[0] == 5.0
    assert math.isnan(rows.top1[2]) and math.isnan(rows.top2[1]) and math.isnan(rows.top2[2])
    per_unit = ref.unit_stats(codes, units, values, 3)
    assert per_unit.count == [3, 2, 0]
    assert per_unit.units == [2, 2, 0]
    assert per_unit.nvalid == [2, 1, 0]  # unit 7 in cell 1 has only a NaN row: a unit, not a contribution
    assert per_unit.negative == [1, 0, 0]
    assert per_unit.total == [11.0, 2.0, 0.0]
    assert per_unit.top1[:2] == [6.0, 2.0] and per_unit.top2[0] == 5.0 and math.isnan(per_unit.top2[1])


def test_worked_example() -> None:
    codes = [0, 0, 0, 1, 1, -1]
    units = [7, 7, 8, 7, 9, 7]
    values = [10.0, -4.0, 5.0, NAN, 2.0, 99.0]
    rows, per_unit = check_both(codes, units, values, 3)
    assert rows.count.tolist() == [3, 2, 0]
    assert rows.top1[0] == 10.0 and rows.top2[0] == 5.0
    assert per_unit.units.tolist() == [2, 2, 0]
    assert per_unit.top1[0] == 6.0 and per_unit.top2[0] == 5.0  # unit 7: 10 - 4
    assert per_unit.nvalid.tolist() == [2, 1, 0]


@pytest.mark.parametrize("ncells", [0, 1, 4])
def test_empty_input(ncells: int) -> None:
    rows, per_unit = check_both([], [], [], ncells)
    for s in (rows, per_unit):
        assert s.ncells == ncells
        assert s.count.tolist() == [0] * ncells and s.total.tolist() == [0.0] * ncells
        assert np.isnan(s.top1).all() and np.isnan(s.top2).all()
    acc = UnitAccumulator(ncells)
    assert all(a.shape == (0,) for a in acc.pairs())
    assert all(a.shape == (0,) for a in reduce_pairs(*raw_pairs_input([], [], []), ncells))


def test_all_codes_excluded() -> None:
    codes = [-1] * 5
    rows, per_unit = check_both(codes, [1, 2, 3, 1, 2], [1.0, 2.0, NAN, -1.0, 5.0], 3)
    assert rows.count.tolist() == per_unit.count.tolist() == [0, 0, 0]
    assert per_unit.units.tolist() == [0, 0, 0]
    assert len(unit_accumulator(codes, [1, 2, 3, 1, 2], [1.0] * 5, 3).pairs()[0]) == 0
    assert len(reduce_pairs(*raw_pairs_input(codes, [1, 2, 3, 1, 2], [1.0] * 5), 3)[0]) == 0


def test_one_cell() -> None:
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    rows, per_unit = check_both([0] * 8, [1, 2, 1, 2, 1, 2, 1, 2], values, 1)
    assert rows.count.tolist() == [8] and rows.top1.tolist() == [9.0] and rows.top2.tolist() == [6.0]
    assert rows.total.tolist() == [31.0]
    assert per_unit.units.tolist() == [2] and per_unit.top1.tolist() == [17.0] and per_unit.top2.tolist() == [14.0]


def test_one_unit_many_rows_across_cells() -> None:
    codes = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    rows, per_unit = check_both(codes, [42] * 10, values, 3)
    assert per_unit.count.tolist() == [4, 3, 3]
    assert per_unit.units.tolist() == [1, 1, 1]
    assert per_unit.nvalid.tolist() == [1, 1, 1]
    assert per_unit.top1.tolist() == [22.0, 15.0, 18.0]
    assert np.isnan(per_unit.top2).all()  # one contributor: the cell is fully dominated
    assert rows.units.tolist() == [4, 3, 3]


def test_ties_for_top() -> None:
    rows, per_unit = check_both([0, 0, 0, 1, 1], [1, 2, 3, 1, 2], [5.0, 5.0, 3.0, 7.0, 7.0], 2)
    assert rows.top1.tolist() == [5.0, 7.0] and rows.top2.tolist() == [5.0, 7.0]
    assert per_unit.top1.tolist() == [5.0, 7.0] and per_unit.top2.tolist() == [5.0, 7.0]
    # A tie in per-unit mode made of sums: 2 + 3 and 5.
    _rows, per_unit = check_both([0, 0, 0], [1, 1, 2], [2.0, 3.0, 5.0], 1)
    assert per_unit.top1.tolist() == [5.0] and per_unit.top2.tolist() == [5.0]


def test_all_values_equal() -> None:
    rows, per_unit = check_both([0] * 6, [1, 2, 3, 4, 5, 6], [2.5] * 6, 1)
    assert rows.top1.tolist() == rows.top2.tolist() == [2.5]
    assert rows.total.tolist() == [15.0] and per_unit.nvalid.tolist() == [6]


def test_negative_values() -> None:
    codes = [0, 0, 0, 1, 1, 1]
    units = [1, 2, 3, 1, 1, 2]
    values = [-5.0, -1.0, -3.0, 10.0, -3.0, -1.0]
    rows, per_unit = check_both(codes, units, values, 2)
    assert rows.negative.tolist() == [3, 2]
    assert rows.top1.tolist() == [-1.0, 10.0] and rows.top2.tolist() == [-3.0, -1.0]
    assert rows.total.tolist() == [-9.0, 6.0]
    # Unit 1 in cell 1 sums to 7 but has a negative row: negative counts raw rows.
    assert per_unit.negative.tolist() == [3, 2]
    assert per_unit.top1.tolist() == [-1.0, 7.0] and per_unit.top2.tolist() == [-3.0, -1.0]


def test_zero_values() -> None:
    rows, per_unit = check_both([0, 0, 1], [1, 2, 1], [0.0, 0.0, -0.0], 2)
    assert rows.nvalid.tolist() == [2, 1] and rows.negative.tolist() == [0, 0]
    assert rows.top1.tolist() == [0.0, 0.0] and rows.top2[0] == 0.0 and math.isnan(rows.top2[1])
    assert per_unit.nvalid.tolist() == [2, 1]


def test_nan_values() -> None:
    codes = [0, 0, 0, 1, 1]
    values = [NAN, 4.0, NAN, NAN, NAN]
    rows, per_unit = check_both(codes, [1, 2, 3, 1, 2], values, 2)
    assert rows.count.tolist() == [3, 2] and rows.nvalid.tolist() == [1, 0]
    assert rows.total.tolist() == [4.0, 0.0]
    assert rows.top1[0] == 4.0 and math.isnan(rows.top2[0])
    # Cell 1: all NaN. Rows and units count, nothing else does.
    for s in (rows, per_unit):
        assert s.count[1] == 2 and s.nvalid[1] == 0 and s.total[1] == 0.0
        assert math.isnan(s.top1[1]) and math.isnan(s.top2[1])
    assert per_unit.units.tolist() == [3, 2]


def test_unit_with_only_nan_rows_in_a_cell() -> None:
    # Unit 5 has a value in cell 0 but only NaN rows in cell 1.
    codes = [0, 1, 1, 1, 0]
    units = [5, 5, 5, 6, 6]
    values = [3.0, NAN, NAN, 8.0, 1.0]
    _rows, per_unit = check_both(codes, units, values, 2)
    assert per_unit.units.tolist() == [2, 2]
    assert per_unit.nvalid.tolist() == [2, 1]
    assert per_unit.count.tolist() == [2, 3]
    assert per_unit.top1.tolist() == [3.0, 8.0] and math.isnan(per_unit.top2[1])
    pairs = pairs_dict(unit_accumulator(codes, units, values, 2).pairs())
    assert pairs[(1, 5)] == (0.0, 2, 0, 0)  # a sum of no values is 0.0, not NaN


@pytest.mark.parametrize("ids", [
    [I64_MIN, I64_MAX, -1, 0, 1],
    [I64_MAX, I64_MAX - 1, I64_MIN, I64_MIN + 1],
    [2**32, 0, 2**32 + 1, 1, -(2**32), -(2**32) - 1],  # equal low 32 bits
    [k * (2**32 + 1) for k in range(40)],  # high and low halves equal: cancel in a naive xor fold
    [k << 40 for k in range(-20, 20)],  # only high bits differ
], ids=["extremes", "adjacent-extremes", "same-low-half", "equal-halves", "high-bits"])
def test_unit_ids_huge_negative_and_colliding(ids: list[int]) -> None:
    # Every id twice in cell 0 (so every id is one unit with two rows) and once in cell 1.
    n = len(ids)
    codes = [0] * (2 * n) + [1] * n
    units = ids + ids[::-1] + ids
    values = [float(k % 7) - 2.0 for k in range(3 * n)]
    _rows, per_unit = check_both(codes, units, values, 2)
    assert per_unit.units.tolist() == [n, n]
    assert per_unit.count.tolist() == [2 * n, n]
    got = unit_accumulator(codes, units, values, 2).pairs()
    assert sorted(got[1][got[0] == 0].tolist()) == sorted(ids)
    assert_pairs(got, ref.unit_pairs(codes, units, values, 2))


def test_many_units_in_one_cell() -> None:
    """Thousands of units in one cell: the per-cell table grows and probes past collisions."""
    n = 5000
    units = [(k * 2654435761) % (2**61) - 2**60 for k in range(n)] * 2
    codes = [0] * (2 * n)
    values = [float(k % 13) for k in range(2 * n)]
    _rows, per_unit = check_both(codes, units, values, 1)
    assert per_unit.units.tolist() == [n]


@pytest.mark.parametrize("bad", [-2, 3, I64_MIN, I64_MAX])
def test_codes_out_of_range_raise(bad: int) -> None:
    codes = i64([0, 1, bad, 2])
    units = i64([1, 2, 3, 4])
    values = f64([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="position 2 is outside"):
        RowAccumulator(3).update(codes, values)
    with pytest.raises(ValueError, match="position 2 is outside"):
        RowAccumulator(3).update(codes, None)
    with pytest.raises(ValueError, match="position 2 is outside"):
        UnitAccumulator(3).update(codes, units, values)
    with pytest.raises(ValueError, match="position 2 is outside"):
        UnitAccumulator(3).update(codes, units, None)
    with pytest.raises(ValueError, match="position 2 is outside"):
        reduce_pairs(*raw_pairs_input(codes.tolist(), units.tolist(), values.tolist()), 3)
    with pytest.raises(ValueError, match="position 2 is outside"):
        pair_stats(codes, values, np.ones(4, np.int64), np.ones(4, np.int64), np.zeros(4, np.int64), 3)
    stats = row_kernel([0, 1, 2], [1.0, 2.0, 3.0], 3)
    with pytest.raises(ValueError, match="source cell 1"):
        remap_stats(stats, i64([0, bad, 1]), 3)


def test_bad_code_in_a_later_thread_chunk_is_found() -> None:
    codes = [0] * 20 + [5] + [1] * 9
    with small_thresholds():
        with pytest.raises(ValueError, match="position 20 is outside"):
            RowAccumulator(2, threads=2).update(i64(codes), f64([1.0] * 30))
        with pytest.raises(ValueError, match="position 20 is outside"):
            UnitAccumulator(2, threads=2).update(i64(codes), i64(range(30)), f64([1.0] * 30))


def test_unit_accumulator_unchanged_after_a_bad_batch() -> None:
    acc = UnitAccumulator(2)
    acc.update(i64([0, 1]), i64([1, 2]), f64([1.0, 2.0]))
    with pytest.raises(ValueError):
        acc.update(i64([1, 2]), i64([1, 2]), f64([5.0, 5.0]))
    acc.update(i64([1]), i64([2]), f64([3.0]))
    assert_stats(acc.finalize(), ref.unit_stats([0, 1, 1], [1, 2, 2], [1.0, 2.0, 3.0], 2), exact_tops=True)


def test_row_accumulator_refuses_use_after_a_bad_batch() -> None:
    acc = RowAccumulator(2)
    with pytest.raises(ValueError):
        acc.update(i64([0, 7]), f64([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="unusable"):
        acc.update(i64([0]), f64([1.0]))
    with pytest.raises(RuntimeError, match="unusable"):
        acc.finalize()


def test_values_none_counts_only() -> None:
    codes = [0, 0, 1, -1, 1, 1]
    units = [1, 1, 2, 3, 3, 2]
    rows, per_unit = check_both(codes, units, None, 3)
    assert rows.count.tolist() == rows.units.tolist() == [2, 3, 0]
    assert per_unit.count.tolist() == [2, 3, 0] and per_unit.units.tolist() == [1, 2, 0]
    for s in (rows, per_unit):
        assert s.nvalid.tolist() == [0, 0, 0] and s.negative.tolist() == [0, 0, 0]
        assert s.total.tolist() == [0.0, 0.0, 0.0]
        assert np.isnan(s.top1).all() and np.isnan(s.top2).all()


def test_values_none_and_values_batches_mix() -> None:
    acc = RowAccumulator(2)
    acc.update(i64([0, 1]), None)
    acc.update(i64([0, 0]), f64([2.0, 3.0]))
    s = acc.finalize()
    assert s.count.tolist() == [3, 1] and s.nvalid.tolist() == [2, 0] and s.top1[0] == 3.0


def test_input_checks() -> None:
    with pytest.raises(TypeError, match="integers"):
        RowAccumulator(2).update(np.array([0.0, 1.0]), f64([1.0, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        RowAccumulator(2).update(i64([0, 1]), f64([1.0]))
    with pytest.raises(ValueError, match="rows"):
        UnitAccumulator(2).update(i64([0, 1]), i64([1]), f64([1.0, 2.0]))
    with pytest.raises(ValueError, match="threads"):
        RowAccumulator(2, threads=0)
    with pytest.raises(ValueError, match="ncells"):
        UnitAccumulator(-1)
    with pytest.raises(ValueError, match="mapping has 2 entries"):
        remap_stats(row_kernel([0, 1, 2], [1.0, 2.0, 3.0], 3), i64([0, 1]), 2)


def test_other_integer_dtypes_are_accepted() -> None:
    acc = RowAccumulator(3)
    acc.update(np.array([0, 2, 2], dtype=np.int32), np.array([1.0, 2.0, 3.0], dtype=np.float32))
    assert acc.finalize().count.tolist() == [1, 0, 2]


def test_finalize_does_not_end_the_stream() -> None:
    row = RowAccumulator(2)
    unit = UnitAccumulator(2)
    row.update(i64([0, 1]), f64([1.0, 2.0]))
    unit.update(i64([0, 1]), i64([1, 1]), f64([1.0, 2.0]))
    first_row, first_unit = row.finalize(), unit.finalize()
    row.update(i64([0]), f64([5.0]))
    unit.update(i64([0]), i64([1]), f64([5.0]))
    assert first_row.count.tolist() == [1, 1] and first_unit.top1.tolist() == [1.0, 2.0]
    assert row.finalize().top1.tolist() == [5.0, 2.0]
    assert unit.finalize().top1.tolist() == [6.0, 2.0]


@pytest.mark.parametrize("threads", [1, 2])
def test_pairs_are_read_only_and_survive_later_compactions(threads: int) -> None:
    """pairs() hands out views of the accumulator's buffer, whose capacity is sized for rows, not pairs:
    later batches, growth and compactions (which reuse buffers) must not change the views."""
    with small_thresholds():
        acc = UnitAccumulator(3, threads=threads)
        acc.update(i64([k % 3 for k in range(200)]), i64([k % 10 for k in range(200)]), f64([1.0] * 200))
        first = acc.pairs()
        assert len(first[0]) == 30
        snapshot = [a.copy() for a in first]
        with pytest.raises(ValueError, match="read-only"):
            first[2][0] = 99.0
        for k in range(100):
            acc.update(i64([k % 3]), i64([100 + k]), f64([5.0]))
        assert len(acc.pairs()[0]) == 130
        for a, b in zip(first, snapshot, strict=True):
            np.testing.assert_array_equal(a, b)


def test_reduce_pairs_sorted_input_with_excluded_rows_first() -> None:
    # Ascending cells after a run of -1: the sorted (merge) path, which must still reduce repeats.
    codes = [-1, -1, 0, 0, 0, 2, 2]
    units = [1, 2, 1, 1, 3, 1, 1]
    values = [9.0, 9.0, 1.0, 2.0, NAN, -1.0, 4.0]
    got = reduce_pairs(*raw_pairs_input(codes, units, values), 3)
    assert got[0].tolist() == [0, 0, 2]
    assert_pairs(got, ref.unit_pairs(codes, units, values, 3))
    assert pairs_dict(got)[(2, 1)] == (3.0, 2, 2, 1)


def test_reduce_pairs_skips_nan_sums() -> None:
    got = reduce_pairs(i64([1, 0, 1]), i64([5, 5, 5]), f64([NAN, 2.0, 3.0]), i64([2, 1, 1]), i64([0, 1, 1]),
                       i64([0, 0, 1]), 2)
    assert pairs_dict(got) == {(0, 5): (2.0, 1, 1, 0), (1, 5): (3.0, 3, 1, 1)}


def test_pair_stats_by_hand() -> None:
    s = pair_stats(i64([0, 0, 0, 2]), f64([4.0, 0.0, 6.0, -2.0]), i64([2, 3, 1, 1]), i64([2, 0, 1, 1]),
                   i64([1, 0, 0, 1]), 3)
    assert s.count.tolist() == [6, 0, 1]
    assert s.units.tolist() == [3, 0, 1]
    assert s.nvalid.tolist() == [2, 0, 1]
    assert s.negative.tolist() == [1, 0, 1]
    assert s.total.tolist() == [10.0, 0.0, -2.0]
    assert s.top1.tolist()[0] == 6.0 and s.top2.tolist()[0] == 4.0 and s.top1[2] == -2.0
    assert math.isnan(s.top1[1]) and math.isnan(s.top2[2])


def test_remap_by_hand() -> None:
    stats = row_kernel([0, 0, 1, 1, 2, 3], [5.0, 1.0, 5.0, NAN, 7.0, -1.0], 4)
    # Cells 0, 1, 2 -> margin 0; cell 3 dropped.
    margin = remap_stats(stats, i64([0, 0, 0, -1]), 1)
    assert margin.count.tolist() == [5] and margin.units.tolist() == [5] and margin.nvalid.tolist() == [4]
    assert margin.total.tolist() == [18.0]
    assert margin.top1.tolist() == [7.0] and margin.top2.tolist() == [5.0]
    assert_stats(margin, ref.remap(as_ref(stats), [0, 0, 0, -1], 1), exact_tops=True)
    empty = remap_stats(stats, i64([-1, -1, -1, -1]), 2)
    assert empty.count.tolist() == [0, 0] and np.isnan(empty.top1).all()


def test_larger_input_with_default_thresholds() -> None:
    """Batches big enough for the default thread split (65k rows per thread), compared with NumPy
    computations of the same statistics (the pending pairs stay below the default compaction size, so
    the accumulator compacts once, in finalize)."""
    rng = np.random.default_rng(7)
    n, ncells = 300_000, 500
    codes = rng.integers(-1, ncells, n)
    units = rng.integers(-(2**62), 2**62, 3000)[rng.integers(0, 3000, n)]
    values = rng.choice(f64([NAN, -2.0, 0.0, 1.0, 3.0, 1e6]), n)
    one = row_kernel(codes, values, ncells)
    two = row_kernel(codes, values, ncells, cuts=[100_000], threads=2)
    assert_same_stats(one, two)
    keep = codes >= 0
    np.testing.assert_array_equal(one.count, np.bincount(codes[keep], minlength=ncells))
    valid = keep & ~np.isnan(values)
    np.testing.assert_allclose(one.total, np.bincount(codes[valid], values[valid], minlength=ncells), rtol=1e-12)
    top1 = np.full(ncells, -np.inf)
    np.maximum.at(top1, codes[valid], values[valid])
    np.testing.assert_array_equal(one.top1, top1)
    u1 = unit_kernel(codes, units, values, ncells)
    u2 = unit_kernel(codes, units, values, ncells, cuts=[150_000, 200_000], threads=2)
    np.testing.assert_array_equal(u1.count, one.count)
    for name in INT_FIELDS:
        np.testing.assert_array_equal(getattr(u1, name), getattr(u2, name), err_msg=name)
    np.testing.assert_allclose(u1.total, u2.total, rtol=1e-9)
    np.testing.assert_allclose(u1.top1, u2.top1, rtol=1e-9)
    distinct = {(int(c), int(u)) for c, u in zip(codes[keep], units[keep], strict=True)}
    assert int(u1.units.sum()) == len(distinct)


# --- properties --------------------------------------------------------------------------------------------

VALUES = [NAN, -2.5, -1.0, 0.0, 0.1, 0.2, 0.5, 1.0, 3.0, 1e6]
UNITS = [I64_MIN, -(2**32), -1, 0, 1, 2, 2**32, 2**32 + 1, 12_345_678_901, I64_MAX]


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, list[int], list[int], list[float]]:
    """ncells, codes (with -1), units (a small set, so they repeat) and values (a small set: ties)."""
    ncells = draw(st.integers(1, 6))
    n = draw(st.integers(0, 60))
    codes = draw(st.lists(st.integers(-1, ncells - 1), min_size=n, max_size=n))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=n, max_size=n))
    values = draw(st.lists(st.sampled_from(VALUES), min_size=n, max_size=n))
    return ncells, codes, units, values


cut_lists = st.lists(st.integers(0, 60), max_size=5)


@PROPERTY
@given(tables(), st.booleans())
def test_row_stats_match_reference(table: tuple[int, list[int], list[int], list[float]], count_only: bool) -> None:
    ncells, codes, _units, values = table
    vals = None if count_only else values
    assert_stats(row_kernel(codes, vals, ncells), ref.row_stats(codes, vals, ncells), exact_tops=True)


@PROPERTY
@given(tables(), st.booleans())
def test_unit_stats_match_reference(table: tuple[int, list[int], list[int], list[float]], count_only: bool) -> None:
    ncells, codes, units, values = table
    vals = None if count_only else values
    acc = unit_accumulator(codes, units, vals, ncells)
    assert_stats(acc.finalize(), ref.unit_stats(codes, units, vals, ncells), exact_tops=False)
    assert_pairs(acc.pairs(), ref.unit_pairs(codes, units, vals, ncells))


@PROPERTY
@given(tables(), cut_lists, st.sampled_from([1, 2, 3]))
def test_row_batches_and_threads_match_one_batch(table: tuple[int, list[int], list[int], list[float]],
                                                 cuts: list[int], threads: int) -> None:
    ncells, codes, _units, values = table
    cuts = [min(c, len(codes)) for c in cuts]
    one = row_kernel(codes, values, ncells)
    with small_thresholds():
        split = row_kernel(codes, values, ncells, cuts=cuts, threads=threads)
    assert_same_stats(split, one)


@PROPERTY
@given(tables(), cut_lists, st.sampled_from([1, 2, 3]))
def test_unit_batches_and_threads_match_reference(table: tuple[int, list[int], list[int], list[float]],
                                                  cuts: list[int], threads: int) -> None:
    ncells, codes, units, values = table
    cuts = [min(c, len(codes)) for c in cuts]
    with small_thresholds():
        acc = unit_accumulator(codes, units, values, ncells, cuts=cuts, threads=threads)
        stats = acc.finalize()
    assert_stats(stats, ref.unit_stats(codes, units, values, ncells), exact_tops=False)
    assert_pairs(acc.pairs(), ref.unit_pairs(codes, units, values, ncells))


@PROPERTY
@given(tables(), st.sampled_from([1, 2]), st.randoms(use_true_random=False))
def test_reduce_pairs_of_reduced_pairs_is_idempotent(table: tuple[int, list[int], list[int], list[float]],
                                                      threads: int, rnd: random.Random) -> None:
    ncells, codes, units, values = table
    want = ref.unit_pairs(codes, units, values, ncells)
    with small_thresholds():
        first = reduce_pairs(*raw_pairs_input(codes, units, values), ncells, threads=threads)
        assert_pairs(first, want)
        again = reduce_pairs(*first, ncells, threads=threads)  # ascending input: the merge path
        assert_pairs(again, want)
        order = list(range(len(first[0])))
        rnd.shuffle(order)
        shuffled = reduce_pairs(*(a[order] for a in first), ncells, threads=threads)  # the scatter path
        assert_pairs(shuffled, want)
        # Two copies of the pairs: every sum and count doubles.
        doubled = reduce_pairs(*(np.concatenate([a, a]) for a in first), ncells, threads=threads)
    assert_pairs(doubled, {k: (2 * s, 2 * r, 2 * n, 2 * g) for k, (s, r, n, g) in want.items()})


@PROPERTY
@given(tables(), st.data())
def test_remap_matches_reference_and_remapped_codes(table: tuple[int, list[int], list[int], list[float]],
                                                    data: st.DataObject) -> None:
    """Margins: remapping per-row statistics equals the reference remap, and equals per-row statistics
    of the remapped codes. Per-unit margins go through reduce_pairs of remapped pairs instead."""
    ncells, codes, units, values = table
    ntarget = data.draw(st.integers(1, 4))
    mapping = data.draw(st.lists(st.integers(-1, ntarget - 1), min_size=ncells, max_size=ncells))
    stats = row_kernel(codes, values, ncells)
    margin = remap_stats(stats, i64(mapping), ntarget)
    assert_stats(margin, ref.remap(as_ref(stats), mapping, ntarget), exact_tops=True)
    mapped_codes = [mapping[c] if c >= 0 else -1 for c in codes]
    assert_stats(margin, ref.row_stats(mapped_codes, values, ntarget), exact_tops=True)

    pairs = unit_accumulator(codes, units, values, ncells).pairs()
    table_map = i64(mapping)
    margin_pairs = reduce_pairs(table_map[pairs[0]], *pairs[1:], ntarget)
    unit_margin = pair_stats(margin_pairs[0], *margin_pairs[2:], ntarget)
    assert_stats(unit_margin, ref.unit_stats(mapped_codes, units, values, ntarget), exact_tops=False)


def test_kernels_cells_imports_no_scanner_polars_or_pyarrow() -> None:
    """kernels/ stays pure (STYLE.md section 4): importing the cell kernels pulls in none of these."""
    code = ("import sys, kernels.cells; "
            "print(sorted(m for m in ('scanner', 'polars', 'pyarrow') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
                          timeout=120)
    assert proc.stdout.strip() == "[]"


@given(st.lists(st.tuples(st.integers(-1, 5), st.integers(0, 4), st.one_of(st.floats(-5, 50), st.just(math.nan))),
                max_size=60),
       st.lists(st.integers(-1, 7), min_size=6, max_size=6), st.booleans())
@settings(max_examples=300, deadline=None)
def test_remapped_pairs_equal_the_reference_one_to_one_or_merging(rows: list[tuple[int, int, float]],
                                                                  mapping: list[int], one_to_one: bool) -> None:
    if one_to_one:  # a layout change: distinct targets (or dropped)
        seen: set[int] = set()
        mapping = [t if t < 0 or (t not in seen and not seen.add(t)) else -1 for t in mapping]
    codes, units, values = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    pairs = reduce_pairs(*raw_pairs_input(codes, units, values), 6)
    got = cells.remap_pairs(pairs, i64(mapping), 8)
    assert_pairs(got, ref.remap_pairs(ref.unit_pairs(codes, units, values, 6), mapping))


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 9)), max_size=40), st.randoms())
@settings(max_examples=200, deadline=None)
def test_copy_blocks_moves_whole_blocks_in_block_order(rows: list[tuple[int, int]], rnd: random.Random) -> None:
    units = i64([u for _c, u in rows])
    bounds = sorted({0, len(rows), *(rnd.randrange(len(rows) + 1) for _ in range(3))})
    blocks = list(itertools.pairwise(bounds))
    rnd.shuffle(blocks)
    starts, ends = i64([a for a, _b in blocks]), i64([b for _a, b in blocks])
    labels = i64(list(range(len(blocks))))
    n = len(rows)
    out = [np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.float64), np.empty(n, np.int64),
           np.empty(n, np.int64), np.empty(n, np.int64)]
    ones = np.ones(n, np.int64)
    assert cells.copy_blocks(starts, ends, labels, units, units.astype(np.float64), ones, ones, ones * 0, *out) == n
    want = [(k, rows[i][1]) for k, (a, b) in enumerate(blocks) for i in range(a, b)]
    assert list(zip(out[0].tolist(), out[1].tolist(), strict=True)) == want
    assert out[2].tolist() == [float(u) for _k, u in want]


@given(st.lists(st.tuples(st.integers(-1, 40), st.integers(-3, 12)), max_size=60),
       st.lists(st.integers(-1, 9), max_size=12), st.integers(-3, 5), st.integers(1, 50),
       st.sampled_from([np.int32, np.int64]))
@settings(max_examples=300, deadline=None)
def test_add_codes_and_first_miss_equal_the_reference(rows: list[tuple[int, int]], lut: list[int], offset: int,
                                                      stride: int, dtype: type) -> None:
    cell = [c for c, _i in rows]
    idx = [i for _c, i in rows]
    got = i64(cell)
    want = list(cell)
    lut_a = i64(lut)
    assert cells.add_codes(got, np.array(idx, dtype=dtype), lut_a, offset, stride) == \
        ref.add_codes(want, idx, lut, offset, stride)
    assert got.tolist() == want
    assert cells.first_miss(np.array(idx, dtype=dtype), lut_a, offset) == ref.first_miss(idx, lut, offset)


def test_add_codes_builds_the_cell_code_of_several_dimensions() -> None:
    # region (dictionary indices into a per-batch lut: codes 1, 0, 2) x year (small integers from 2020,
    # codes 0-2, 2023 missing): an index outside the lut, a year below it and a -1 slot exclude their rows
    cell = np.zeros(6, np.int64)
    assert cells.add_codes(cell, np.array([0, 2, 1, 0, 7, 1], np.int32), i64([1, 0, 2]), 0, 3) == 1
    assert cell.tolist() == [3, 6, 0, 3, -1, 0]
    assert cells.add_codes(cell, np.array([2020, 2021, 2019, 2022, 2020, 2023], np.int32), i64([0, 1, 2, -1]),
                           2020, 1) == 2
    assert cell.tolist() == [3, 7, -1, 5, -1, -1]


@given(st.lists(st.integers(-2, 12), max_size=80), st.integers(0, 10), st.sampled_from([np.int32, np.int64]))
@settings(max_examples=200, deadline=None)
def test_used_slots_equal_the_reference(idx: list[int], size: int, dtype: type) -> None:
    assert cells.used_slots(np.array(idx, dtype=dtype), size).tolist() == ref.used_slots(idx, size)
