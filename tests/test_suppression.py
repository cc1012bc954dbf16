"""scanner.suppression: the LP attacker audit and secondary suppression.

Hand cases first, with intervals worked out on paper (a lone suppression is recomputable; the 2x2
rectangle gives ``[a - min(a, d), a + min(b, c)]``; a 2x2x2 cube moves by one step t with alternating
signs), then hypothesis: ``audit`` against a plain dense LP written here (every cell a variable, every
equation, published cells fixed by their bounds, no component splitting), and ``protect`` on random
tables: every primary cell suppressed, wide enough, and no line left with a single suppressed cell.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from scanner.suppression import Audit, audit, protect

FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=100, deadline=None)


# --- helpers -----------------------------------------------------------------------------------------------


def with_margins(body: np.ndarray | list[Any]) -> np.ndarray:
    """The table with a margin appended on every axis (margins of margins included)."""
    table = np.asarray(body, dtype=np.float64)
    for axis in range(table.ndim):
        table = np.concatenate([table, table.sum(axis=axis, keepdims=True)], axis=axis)
    return table


def reference_intervals(values: np.ndarray, suppressed: np.ndarray, nonnegative: bool) -> tuple[np.ndarray, np.ndarray]:
    """The attacker's intervals by brute force: one dense LP over all cells and all equations per bound."""
    n = values.size
    ids = np.arange(n).reshape(values.shape)
    rows = []
    for axis in range(values.ndim):
        for line in np.moveaxis(ids, axis, -1).reshape(-1, values.shape[axis]):
            row = np.zeros(n)
            row[line[:-1]] = -1.0
            row[line[-1]] = 1.0
            rows.append(row)
    a_eq = np.array(rows)
    free = (0.0 if nonnegative else None, None)
    bounds = [free if s else (x, x) for x, s in zip(values.ravel(), suppressed.ravel(), strict=True)]
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    for j in np.flatnonzero(suppressed.ravel()):
        for sign, out in ((1.0, lo), (-1.0, hi)):
            cost = np.zeros(n)
            cost[j] = sign
            # Without presolve HiGHS tells "unbounded" from "infeasible" itself.
            res = linprog(cost, A_eq=a_eq, b_eq=np.zeros(len(rows)), bounds=bounds, method="highs",
                          options={"presolve": False})
            assert res.status in (0, 3), res.message
            out[j] = -sign * math.inf if res.status == 3 else res.x[j]
    return lo.reshape(values.shape), hi.reshape(values.shape)


def singleton_lines(mask: np.ndarray) -> int:
    """How many lines hold exactly one suppressed cell (each gives that cell away by subtraction)."""
    return sum(int(np.sum(mask.sum(axis=axis) == 1)) for axis in range(mask.ndim))


def assert_protected(values: np.ndarray, mask: np.ndarray, primary: np.ndarray, required: np.ndarray,
                     nonnegative: bool) -> Audit:
    result = audit(values, mask, nonnegative=nonnegative)
    bad = np.argwhere(result.unprotected(primary, required))
    assert len(bad) == 0, f"primary cells {bad.tolist()} too narrow: widths {result.width()[tuple(bad.T)]}"
    assert np.all(mask[primary])
    return result


# --- hand cases: audit -------------------------------------------------------------------------------------


def test_1d_lone_suppression_is_recomputable() -> None:
    values = with_margins([5, 1, 4])  # [5, 1, 4, 10]
    primary = np.array([False, True, False, False])
    result = audit(values, primary, nonnegative=True)
    assert result.lo[1] == 1.0 and result.hi[1] == 1.0
    assert result.width()[1] == 0.0
    assert np.isnan(result.lo[[0, 2, 3]]).all() and np.isnan(result.hi[[0, 2, 3]]).all()
    assert result.unprotected(primary, np.full(4, 3.0)).tolist() == [False, True, False, False]


def test_1d_body_cell_and_total_are_unbounded_above() -> None:
    values = with_margins([5, 1, 4])
    mask = np.array([False, True, False, True])
    nonneg = audit(values, mask, nonnegative=True)
    # x1 = total - 9: the total may be anything from 9 up, so x1 anything from 0 up.
    assert nonneg.lo.tolist()[1::2] == [0.0, 9.0]
    assert nonneg.hi[1] == math.inf and nonneg.hi[3] == math.inf
    free = audit(values, mask, nonnegative=False)
    assert free.lo[1] == -math.inf and free.hi[1] == math.inf


def test_2x2_rectangle_interval() -> None:
    a, b, c, d = 3.0, 5.0, 2.0, 7.0
    values = with_margins([[a, b], [c, d]])
    mask = np.zeros((3, 3), dtype=bool)
    mask[:2, :2] = True
    result = audit(values, mask, nonnegative=True)
    # a may fall until a or d hits 0, and rise until b or c does; likewise for the others.
    expected_lo = [[a - min(a, d), b - min(b, c)], [c - min(b, c), d - min(a, d)]]
    expected_hi = [[a + min(b, c), b + min(a, d)], [c + min(a, d), d + min(b, c)]]
    np.testing.assert_allclose(result.lo[:2, :2], expected_lo, atol=1e-9)
    np.testing.assert_allclose(result.hi[:2, :2], expected_hi, atol=1e-9)
    assert result.lo[0, 0] == 0.0 and result.hi[0, 0] == pytest.approx(5.0)
    assert np.isnan(result.lo[2, :]).all() and np.isnan(result.hi[:, 2]).all()


def test_without_nonnegativity_the_rectangle_is_unbounded() -> None:
    values = with_margins([[3, 5], [2, 7]])
    mask = np.zeros((3, 3), dtype=bool)
    mask[:2, :2] = True
    nonneg = audit(values, mask, nonnegative=True)
    free = audit(values, mask, nonnegative=False)
    assert np.isfinite(nonneg.width()[:2, :2]).all()
    assert (free.lo[:2, :2] == -math.inf).all() and (free.hi[:2, :2] == math.inf).all()
    # Where a cell is recomputable it stays so without the bounds: 0 width either way.
    lone = np.zeros((3, 3), dtype=bool)
    lone[0, 0] = lone[0, 1] = True  # column lines hold one suppressed cell each
    assert audit(values, lone, nonnegative=False).width()[0, :2].tolist() == [0.0, 0.0]


def test_audit_of_nothing_suppressed() -> None:
    values = with_margins([[3, 5], [2, 7]])
    result = audit(values, np.zeros((3, 3), dtype=bool), nonnegative=True)
    assert np.isnan(result.lo).all() and np.isnan(result.hi).all() and np.isnan(result.width()).all()
    primary = np.zeros((3, 3), dtype=bool)
    primary[1, 0] = True
    # A published primary cell is as unprotected as it gets.
    assert result.unprotected(primary, np.full((3, 3), 3.0)).tolist() == primary.tolist()


def test_margin_cell_alone_is_recomputable() -> None:
    values = with_margins([[1, 4, 6], [8, 3, 9]])  # row totals 11 and 20
    mask = np.zeros(values.shape, dtype=bool)
    mask[0, 3] = True
    result = audit(values, mask, nonnegative=True)
    assert result.lo[0, 3] == 11.0 and result.hi[0, 3] == 11.0


def test_3d_cube_interval() -> None:
    body = np.array([[[4, 7], [6, 3]], [[5, 2], [9, 8]]], dtype=np.float64)
    values = with_margins(body)
    mask = np.zeros(values.shape, dtype=bool)
    mask[:2, :2, :2] = True
    result = audit(values, mask, nonnegative=True)
    # With every margin published the cube moves as one: d = t * (-1)^(i+j+k). A cell falls until a
    # cell of its own parity hits 0 and rises until one of the other parity does.
    for cell in itertools.product(range(2), repeat=3):
        parity = sum(cell) % 2
        same = min(body[c] for c in itertools.product(range(2), repeat=3) if sum(c) % 2 == parity)
        other = min(body[c] for c in itertools.product(range(2), repeat=3) if sum(c) % 2 != parity)
        assert result.lo[cell] == pytest.approx(body[cell] - same, abs=1e-9), cell
        assert result.hi[cell] == pytest.approx(body[cell] + other, abs=1e-9), cell
    assert (result.lo[0, 0, 0], result.hi[0, 0, 0]) == pytest.approx((2.0, 9.0))
    assert np.isnan(result.lo[2]).all()


def test_audit_rejects_bad_tables() -> None:
    values = with_margins([[3, 5], [2, 7]])
    broken = values.copy()
    broken[0, 2] += 1.0
    with pytest.raises(ValueError, match="margins along axis"):
        audit(broken, np.zeros((3, 3), dtype=bool), nonnegative=True)
    with pytest.raises(ValueError, match="negative"):
        audit(with_margins([[3, -5], [2, 7]]), np.zeros((3, 3), dtype=bool), nonnegative=True)
    assert audit(with_margins([[3, -5], [2, 7]]), np.eye(3, dtype=bool), nonnegative=False).width()[0, 0] == 0.0
    with pytest.raises(ValueError, match="shape"):
        audit(values, np.zeros((2, 2), dtype=bool), nonnegative=True)
    with pytest.raises(ValueError, match="margin"):
        audit(np.array([4.0]), np.array([True]), nonnegative=True)


# --- hand cases: protect -----------------------------------------------------------------------------------


def test_1d_protect_adds_the_smallest_sufficient_partner() -> None:
    values = with_margins([5, 1, 4])
    primary = np.array([False, True, False, False])
    required = np.full(4, 3.0)
    mask = protect(values, primary, required, nonnegative=True)
    # 4 is the smallest interior value that can absorb a width of 3; the total stays published.
    assert mask.tolist() == [False, True, True, False]
    result = assert_protected(values, mask, primary, required, True)
    assert (result.lo[1], result.hi[1]) == pytest.approx((0.0, 5.0))


def test_1d_protect_widens_until_the_audit_passes() -> None:
    values = with_margins([5, 1, 4])
    primary = np.array([False, True, False, False])
    required = np.full(4, 6.0)
    # With 4 alone the width is 5 < 6: the LP audit asks for one cell more.
    mask = protect(values, primary, required, nonnegative=True)
    assert mask.tolist() == [True, True, True, False]
    result = assert_protected(values, mask, primary, required, True)
    assert (result.lo[1], result.hi[1]) == pytest.approx((0.0, 10.0))


def test_unavoidable_grand_total() -> None:
    values = with_margins([5, 1, 4])
    primary = np.array([False, True, False, False])
    required = np.full(4, 100.0)  # more than the total: only an unbounded interval will do
    mask = protect(values, primary, required, nonnegative=True)
    assert mask.all()
    assert audit(values, mask, nonnegative=True).hi[1] == math.inf


def test_2x2_protect_suppresses_the_rectangle() -> None:
    values = with_margins([[3, 5], [2, 7]])
    primary = np.zeros((3, 3), dtype=bool)
    primary[0, 0] = True
    required = np.full((3, 3), 3.0)
    mask = protect(values, primary, required, nonnegative=True)
    expected = np.zeros((3, 3), dtype=bool)
    expected[:2, :2] = True
    assert mask.tolist() == expected.tolist()
    result = assert_protected(values, mask, primary, required, True)
    assert (result.lo[0, 0], result.hi[0, 0]) == pytest.approx((0.0, 5.0))


def test_protect_margin_primary() -> None:
    values = with_margins([[1, 4, 6], [8, 3, 9]])  # row totals 11, 20; grand total 31
    primary = np.zeros(values.shape, dtype=bool)
    primary[0, 3] = True
    required = np.full(values.shape, 5.0)
    mask = protect(values, primary, required, nonnegative=True)
    # The cheapest hypercube: the other row total and column 1 (4 + 3 = 7 >= 5 of slack, 27 of value
    # suppressed, against 29 for column 0 and 35 for column 2).
    expected = np.zeros(values.shape, dtype=bool)
    expected[np.ix_([0, 1], [1, 3])] = True
    assert mask.tolist() == expected.tolist()
    result = assert_protected(values, mask, primary, required, True)
    # Row total and cell (0, 1) move together, against (1, 1) and the other row total.
    assert (result.lo[0, 3], result.hi[0, 3]) == pytest.approx((11.0 - 4.0, 11.0 + 3.0))
    assert not mask[2, 3]


def test_protect_3d_single_primary_gets_a_cube() -> None:
    rng = np.random.default_rng(7)
    body = rng.integers(5, 20, size=(3, 4, 3))
    body[1, 2, 0] = 1
    values = with_margins(body)
    primary = np.zeros(values.shape, dtype=bool)
    primary[1, 2, 0] = True
    required = np.full(values.shape, 3.0)
    mask = protect(values, primary, required, nonnegative=True)
    assert_protected(values, mask, primary, required, True)
    # The smallest pattern with no lone suppression on any line in 3-D: a 2x2x2 cube of body cells.
    idx = [np.flatnonzero(mask.any(axis=tuple(b for b in range(3) if b != a))) for a in range(3)]
    assert [len(i) for i in idx] == [2, 2, 2]
    assert mask.sum() == 8 and mask[np.ix_(*idx)].all()
    assert not mask[-1].any() and not mask[:, -1].any() and not mask[:, :, -1].any()


def test_protect_nothing_to_protect() -> None:
    values = with_margins([[3, 5], [2, 7]])
    mask = protect(values, np.zeros((3, 3), dtype=bool), np.zeros((3, 3)), nonnegative=True)
    assert not mask.any()


def test_protect_fallback_path_passes() -> None:
    values = with_margins([[3, 5, 1], [2, 7, 4], [6, 1, 9]])
    primary = np.zeros(values.shape, dtype=bool)
    primary[0, 2] = primary[2, 1] = True
    required = np.full(values.shape, 4.0)
    # max_rounds=0 skips the LP-guided rounds: closing the lines, whole lines if that is not enough.
    mask = protect(values, primary, required, nonnegative=True, max_rounds=0)
    assert_protected(values, mask, primary, required, True)
    assert singleton_lines(mask) == 0
    # In 1-D the partner 4 gives a width of 5 < 6; the fallback then suppresses the cell's line: everything.
    values = with_margins([5, 1, 4])
    primary = np.array([False, True, False, False])
    assert protect(values, primary, np.full(4, 6.0), nonnegative=True, max_rounds=0).all()


def test_protect_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    values = with_margins(rng.integers(0, 12, size=(4, 6)))
    primary = np.zeros(values.shape, dtype=bool)
    primary[0, 1] = primary[2, 4] = primary[3, 6] = True
    required = np.full(values.shape, 4.0)
    first = protect(values, primary, required, nonnegative=True)
    assert_protected(values, first, primary, required, True)
    assert protect(values, primary, required, nonnegative=True).tolist() == first.tolist()


def test_protect_rejects_nonpositive_requirements() -> None:
    values = with_margins([[3, 5], [2, 7]])
    primary = np.zeros((3, 3), dtype=bool)
    primary[0, 0] = True
    for bad in (0.0, -1.0, math.nan):
        required = np.full((3, 3), 3.0)
        required[0, 0] = bad
        with pytest.raises(ValueError, match="required"):
            protect(values, primary, required, nonnegative=True)


# --- hypothesis ----------------------------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn, max_dims: int = 3, max_levels: int = 5) -> np.ndarray:
    """A table with margins: 1..max_dims axes of 2..max_levels categories, small counts with many zeros."""
    dims = draw(st.integers(1, max_dims))
    shape = tuple(draw(st.lists(st.integers(2, max_levels), min_size=dims, max_size=dims)))
    cell = st.one_of(st.just(0), st.integers(0, 3), st.integers(0, 30))
    return with_margins(draw(arrays(np.int64, shape, elements=cell)))


@st.composite
def protection_cases(draw: st.DrawFn, max_dims: int = 3,
                     max_levels: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    values = draw(tables(max_dims, max_levels))
    primary = draw(arrays(np.bool_, values.shape, elements=st.booleans()))
    density = draw(st.sampled_from([0.05, 0.15, 0.4]))
    # Thin the drawn mask with a drawn seed: hypothesis shrinks the seed and density, not each cell.
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    primary &= rng.random(values.shape) < density
    if not draw(st.booleans()):  # half the cases: body cells only, as the count rules mostly give
        body = np.zeros(values.shape, dtype=bool)
        body[tuple(slice(0, n - 1) for n in values.shape)] = True
        primary &= body
    required = draw(arrays(np.float64, values.shape, elements=st.integers(1, 10).map(float)))
    return values, primary, required, draw(st.booleans())


def check_protect(case: tuple[np.ndarray, np.ndarray, np.ndarray, bool]) -> None:
    values, primary, required, nonnegative = case
    mask = protect(values, primary, required, nonnegative=nonnegative)
    assert_protected(values, mask, primary, required, nonnegative)
    assert singleton_lines(mask) == 0
    if not primary.any():
        assert not mask.any()


@FAST
@given(protection_cases())
def test_protect_passes_the_audit(case: tuple[np.ndarray, np.ndarray, np.ndarray, bool]) -> None:
    check_protect(case)


@pytest.mark.slow
@SLOW
@given(protection_cases(max_dims=4, max_levels=6))
def test_protect_passes_the_audit_large(case: tuple[np.ndarray, np.ndarray, np.ndarray, bool]) -> None:
    check_protect(case)


def check_audit(values: np.ndarray, seed: int, density: float, nonnegative: bool) -> None:
    suppressed = np.random.default_rng(seed).random(values.shape) < density
    result = audit(values, suppressed, nonnegative=nonnegative)
    lo, hi = reference_intervals(values, suppressed, nonnegative)
    np.testing.assert_allclose(result.lo, lo, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(result.hi, hi, atol=1e-6, equal_nan=True)
    assert np.array_equal(np.isnan(result.lo), ~suppressed)


@FAST
@given(tables(max_dims=3, max_levels=3), st.integers(0, 2**32 - 1), st.sampled_from([0.1, 0.3, 0.6, 1.0]),
       st.booleans())
def test_audit_matches_dense_reference(values: np.ndarray, seed: int, density: float, nonnegative: bool) -> None:
    check_audit(values, seed, density, nonnegative)


@pytest.mark.slow
@SLOW
@given(tables(max_dims=4, max_levels=3), st.integers(0, 2**32 - 1), st.sampled_from([0.1, 0.3, 0.6, 1.0]),
       st.booleans())
def test_audit_matches_dense_reference_large(values: np.ndarray, seed: int, density: float,
                                             nonnegative: bool) -> None:
    check_audit(values, seed, density, nonnegative)
