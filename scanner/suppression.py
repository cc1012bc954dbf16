"""Secondary cell suppression for tables with margins, and the linear-programming attacker audit.

A table built by ``sdcscan table`` is a d-dimensional array with every margin: along each axis the last
index holds the sum over that axis, so a 3x4 table is stored with shape ``(4, 5)``, ``values[3, 4]`` is
the grand total, ``values[i, 4]`` the row totals and ``values[3, j]`` the column totals. Every *line* (a
1-D slice along one axis, at any indices of the other axes, margins included) is one additive equation:
its last cell equals the sum of the others.

Cells that break a disclosure rule are suppressed (primary suppression). That alone protects nothing when
a suppressed cell can be recomputed from the published cells of one of its lines, or narrowed down by
combining several lines. The attacker model (Hundepool et al., *Statistical Disclosure Control*, 2012,
ch. 4.3; Fischetti & Salazar-Gonzalez, 2000) knows every published cell, every additive equation and,
for counts and magnitudes, that no cell is negative. For each suppressed cell the attacker solves two
linear programs, min and max of the cell subject to those constraints, and gets its feasible interval
``[lo, hi]``. A primary cell is protected when ``hi - lo`` reaches the width its rule requires (the
threshold for a small count, ``p * x1 - (x - x1 - x2)`` for the p% rule, ...: the caller computes it).

:func:`audit` computes those intervals; :func:`protect` adds secondary suppressions until every primary
cell passes the audit. The search is a heuristic in the spirit of tau-Argus's hypercube and modular
methods (de Wolf): close every line that holds exactly one suppressed cell with the cheapest partner,
audit with the LPs, widen the lines of the primaries that are still too narrow, repeat; as a last resort
suppress whole lines, and ultimately the whole table (which leaves the attacker only non-negativity, so
every interval is unbounded). Correctness first, information loss second.

The LPs are written in the deviations ``d = x - values`` of the suppressed cells: the true table is
feasible, so the equations are homogeneous (``A d = 0``) and the bounds are ``d >= -values`` (or free).
Only equations that contain a suppressed cell constrain anything, and cells that share no equation, even
through other suppressed cells, cannot influence each other: the suppressed cells are split into
connected components and each component's LPs are solved on their own (scipy's HiGHS, sparse matrices).
Counts are integers, but the LP relaxation is the standard, conservative audit.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

__all__ = ["Audit", "audit", "certify_cubes", "complete", "protect"]

log = logging.getLogger(__name__)

#: A primary cell passes :meth:`Audit.unprotected` when its width reaches ``required * (1 - _AUDIT_RTOL)``:
#: HiGHS solves to a feasibility tolerance of 1e-7, so an exact width may come back a hair short.
_AUDIT_RTOL = 1e-7
#: :func:`protect` certifies with a tighter tolerance than the audit, so that what it returns passes
#: :func:`audit` even when the audit's LP lands a little below the widths seen during the search.
_PROTECT_RTOL = 1e-9
#: LP optima this close to the true value (relative to it, at least 1) are the true value: without the
#: snap a recomputable cell would show a width of 1e-12 instead of 0.
_SNAP = 1e-9
#: Margins must equal the sum of their line to this relative precision (floating-point sums differ in
#: the last digits depending on the order of addition; a misplaced margin differs in the first).
_ADDITIVE_RTOL = 1e-9

Cell = tuple[int, ...]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: == on arrays has no single truth value
class Audit:
    """Feasible intervals of the suppressed cells, as an attacker who solves the LPs finds them.

    ``lo`` and ``hi`` have the table's shape: NaN where a cell is published, ``-inf``/``inf`` where the
    attacker cannot bound the cell from below/above, and ``lo == hi == value`` where a suppressed cell
    can be recomputed.
    """

    lo: np.ndarray
    hi: np.ndarray

    def width(self) -> np.ndarray:
        """``hi - lo`` per cell: NaN where published, 0 where recomputable, inf where unbounded."""
        width: np.ndarray = self.hi - self.lo
        return width

    def unprotected(self, primary: np.ndarray, required: np.ndarray) -> np.ndarray:
        """Bool mask of the primary cells whose interval is narrower than ``required``.

        A published primary cell (NaN width) is unprotected. The comparison allows the LP solver's
        tolerance: ``width < required * (1 - 1e-7)`` fails.
        """
        primary = np.asarray(primary, dtype=bool)
        required = np.asarray(required, dtype=np.float64)
        with np.errstate(invalid="ignore"):  # NaN widths compare False: published, hence unprotected
            wide = self.width() >= required * (1.0 - _AUDIT_RTOL)
        return primary & ~wide


def audit(values: np.ndarray, suppressed: np.ndarray, *, nonnegative: bool, targets: np.ndarray | None = None,
          strict: bool = True) -> Audit:
    """Feasible interval ``[lo, hi]`` of every suppressed cell, given the published ones.

    ``values`` is the full table with margins (see the module docstring), ``suppressed`` a bool mask of
    the same shape. With ``nonnegative`` every cell is known to be >= 0; otherwise cells are free, and
    an interval is either a single point or unbounded. Raises ``ValueError`` when the margins do not add
    up, the shapes differ, or ``nonnegative`` is claimed for a table with negative cells.

    ``targets`` (a bool mask) limits the LPs to those suppressed cells: every suppressed cell stays an
    unknown of the attacker, but only the targets get an interval (NaN elsewhere). ``strict=False`` skips
    the additivity check: for a table read from a published file, whose fully published lines may differ
    by rounding (they are no part of the LPs); the caller must make the lines that hold a suppressed
    cell add up (:func:`complete`).
    """
    v = _validated(values, nonnegative, strict=strict)
    mask = _mask(suppressed, v.shape, "suppressed")
    wanted = None if targets is None else _mask(targets, v.shape, "targets").reshape(-1)
    lo = np.full(v.shape, np.nan)
    hi = np.full(v.shape, np.nan)
    start = time.perf_counter()
    system = _System(v, mask, nonnegative)
    lps = 0
    for comp in system.components():
        for j in range(comp.size):
            if wanted is not None and not wanted[comp.cells[j]]:
                continue
            lo_d, hi_d = comp.interval(j)
            cell = np.unravel_index(comp.cells[j], v.shape)
            lo[cell] = v[cell] + lo_d
            hi[cell] = v[cell] + hi_d
        lps += comp.lps
    log.debug("audit: %d suppressed cells, %d components, %d LPs, %.3f s", int(mask.sum()),
              system.n_components, lps, time.perf_counter() - start)
    return Audit(lo=lo, hi=hi)


def protect(values: np.ndarray, primary: np.ndarray, required: np.ndarray, *, nonnegative: bool,
            max_rounds: int = 50) -> np.ndarray:
    """Primary plus secondary suppressions such that every primary cell passes :func:`audit`.

    ``primary`` marks the cells that must not be disclosed (margins allowed), ``required`` the interval
    width each of them needs (> 0; ignored elsewhere). Returns a new bool mask ``M`` with ``M >= primary``
    and ``audit(values, M).unprotected(primary, required)`` all False. The search prefers few, small,
    interior cells and avoids the grand total; when ``max_rounds`` rounds of the heuristic do not get
    there it suppresses whole lines, and in the end the whole table, which certainly passes.
    """
    v = _validated(values, nonnegative)
    prim = _mask(primary, v.shape, "primary")
    req = np.asarray(required, dtype=np.float64)
    if req.shape != v.shape:
        raise ValueError(f"required has shape {req.shape}, the table {v.shape}")
    if not np.all(req[prim] > 0):  # NaN fails too
        raise ValueError("required must be > 0 for every primary cell")
    start = time.perf_counter()
    pattern = _Pattern(v, prim, req, nonnegative)
    # Suppressing one more cell turns a published constant into a variable, which only relaxes the
    # attacker's LPs: a cell once protected stays protected, so each round audits only the rest.
    # Most primaries are protected by a hypercube of suppressed cells, which certifies itself without
    # any LP; the LP rounds below handle the rest (margins of margins, widths no cube reaches).
    passed = _hypercubes(pattern, prim, req)
    log.debug("protect: %d of %d primary cells certified by hypercubes", int(passed.sum()), int(prim.sum()))
    failing = prim
    for rounds in range(1, max_rounds + 1):
        pattern.close_lines()
        failing = _failing(v, pattern.mask, prim & ~passed, req, nonnegative)
        passed |= prim & ~failing
        if not failing.any():
            log.debug("protect: %d primary, %d secondary cells after %d rounds, %.3f s", int(prim.sum()),
                      int(pattern.mask.sum() - prim.sum()), rounds, time.perf_counter() - start)
            return pattern.mask.copy()
        if not _widen_all(pattern, failing, req):
            break
    log.info("protect: heuristic did not converge; suppressing whole lines through %d cells", int(failing.sum()))
    return _fallback(pattern, v, prim & ~passed, req, nonnegative)


# --- hypercubes ---------------------------------------------------------------------------------------------

#: Alternative levels tried per dimension when a hypercube is chosen for a primary cell.
CUBE_CANDIDATES = 6
#: When no cube of the cheapest candidates gives the width, all cubes are tried if there are at most this many.
CUBE_MAX_COMBINATIONS = 50_000


def _hypercubes(pattern: _Pattern, primary: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Protect primaries with hypercubes (Repsilber's method; Hundepool et al. 2012, 4.4.3); return those certified.

    For a cell p and one alternative level a_j on each axis, the 2^d corners of the cube are crossed by
    every additive line in exactly two corners or none. On an axis where p is interior, a_j is another
    interior cell of the line and the two corners move in opposite directions (their sum is kept); on an
    axis where p is the margin, a_j is a cell below it and the two move together (margin = sum of cells
    is kept). So adding t to the corners of p's sign and -t to the others keeps every published cell.
    With values >= 0, t ranges over [-min(p's sign), +min(other sign)] (unbounded above when no corner
    has the other sign): the feasible interval of p is at least that wide, whatever else is suppressed
    (more unknowns only widen it). So a cube whose width bound meets the requirement certifies p without
    solving an LP. Among the cubes built from
    the CUBE_CANDIDATES cheapest levels per axis, the one adding the least value is taken.
    """
    v = pattern.values
    shape = v.shape
    strides = np.array([int(np.prod(shape[a + 1 :])) for a in range(v.ndim)], dtype=np.int64)
    passed = np.zeros(shape, dtype=bool)
    cells = np.argwhere(primary)
    # largest requirement first: they need the biggest partners, which smaller ones can then share
    order = np.argsort(-required[primary], kind="stable")
    for cell in cells[order]:
        cell_t = tuple(int(c) for c in cell)
        need = float(required[cell_t])
        base = int(np.dot(cell, strides))
        axes = list(range(v.ndim))
        margin_axes = np.array([cell[a] == shape[a] - 1 for a in axes])
        best_corners = None
        for limit in (CUBE_CANDIDATES, None):
            best_corners = _best_cube(pattern, cell, need, base, strides, margin_axes, limit)
            if best_corners is not None:
                break
        if best_corners is None:
            continue
        for flat in best_corners.tolist():
            pattern.suppress(tuple(int(i) for i in np.unravel_index(flat, shape)), need)
        passed[cell_t] = True
    return passed


def _best_cube(pattern: _Pattern, cell: np.ndarray, need: float, base: int, strides: np.ndarray,
               margin_axes: np.ndarray, limit: int | None) -> np.ndarray | None:
    """The corners (flat indices) of the cheapest cube through ``cell`` that gives ``need``, or None.

    ``limit`` alternatives per axis (the cheapest), or all of them (when their product stays small).
    """
    shape = pattern.values.shape
    flat_v = pattern.values.reshape(-1)
    flat_mask = pattern.mask.reshape(-1)
    choices = []
    for a in range(len(shape)):
        # a margin axis pairs the margin with one cell below it (both move the same way); an interior
        # axis pairs the cell with another one of its line (they move opposite ways)
        alt = np.array([i for i in range(shape[a] - 1) if i != cell[a]], dtype=np.int64)
        if alt.size == 0:
            return None
        line = base + (alt - cell[a]) * strides[a]
        # already suppressed cells are free; then cells large enough to give slack; then small ones
        key = np.where(flat_mask[line], -1.0, np.where(flat_v[line] >= need, flat_v[line], flat_v[line] + 1e300))
        order = np.argsort(key, kind="stable")
        choices.append(alt[order if limit is None else order[:limit]] - cell[a])
    if limit is None and math.prod(len(c) for c in choices) > CUBE_MAX_COMBINATIONS:
        return None
    m = len(shape)
    grids = np.stack([g.reshape(-1) for g in np.meshgrid(*choices, indexing="ij")], axis=1)  # (n, m)
    bits = ((np.arange(1 << m)[:, None] >> np.arange(m)[None, :]) & 1).astype(np.int64)  # (2^m, m)
    corners = base + (grids[:, None, :] * bits[None, :, :] * strides[None, None, :]).sum(axis=2)  # (n, 2^m)
    vals = flat_v[corners]
    even = (bits[:, ~margin_axes].sum(axis=1) % 2) == 0
    if pattern.nonnegative and (~even).any():
        width = vals[:, even].min(axis=1) + vals[:, ~even].min(axis=1)
    else:
        # no corner moves against the cell (the grand total) or nothing bounds a move: unbounded
        width = np.full(len(grids), np.inf)
    ok = width >= need * (1 + 1e-9)
    if not ok.any():
        return None
    new_value = np.where(flat_mask[corners], 0.0, vals).sum(axis=1)
    new_cells = (~flat_mask[corners]).sum(axis=1)
    cost = np.where(ok, new_value + 1e-6 * new_cells, np.inf)
    return corners[int(np.argmin(cost))]


# --- auditing a published table ----------------------------------------------------------------------


def complete(values: np.ndarray, unknown: np.ndarray, *, nonnegative: bool) -> np.ndarray | None:
    """A table that keeps every known cell and adds up on every line holding an unknown one, or None.

    A table read from a published file has suppressed cells and perhaps missing margins (``unknown``);
    :func:`audit` works in deviations from a feasible table, so it needs values for them. Any feasible
    completion will do (the attacker's intervals are properties of the feasible set, not of the point):
    one LP finds one. None means that no completion exists (with ``nonnegative``, none without negative
    cells): the published numbers are not the sums their margins claim, so they are no additive table.
    Lines without an unknown cell are not looked at.
    """
    v = np.asarray(values, dtype=np.float64).copy()
    mask = _mask(unknown, v.shape, "unknown")
    if v.ndim < 1 or min(v.shape) < 2:
        raise ValueError(f"a table needs at least one category and a margin on every axis, got shape {v.shape}")
    cells = np.flatnonzero(mask)
    if len(cells) == 0:
        return v
    v[mask] = 0.0
    if not np.all(np.isfinite(v)):
        raise ValueError("table values must be finite")
    used, a = _line_system(v.shape, cells)
    # residual of every line over the known cells: margin - sum(body), in the line ids of _line_system
    residual = np.concatenate([
        (np.moveaxis(v, axis, -1)[..., -1] - np.moveaxis(v, axis, -1)[..., :-1].sum(axis=-1)).reshape(-1)
        for axis in range(v.ndim)
    ])
    bounds = (0.0, None) if nonnegative else (None, None)
    res = linprog(np.zeros(len(cells)), A_eq=a, b_eq=-residual[used], bounds=bounds, method="highs")
    if res.status == 2:
        return None
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"completion LP failed: {res.message}")
    x = np.asarray(res.x, dtype=np.float64)
    # HiGHS returns vertices up to its tolerance: snap what is an integer within it (counts).
    near = np.round(x)
    x = np.where(np.abs(x - near) <= _SNAP * np.maximum(1.0, np.abs(near)), near, x)
    if nonnegative:
        x = np.maximum(x, 0.0)
    v.flat[cells] = x
    return v


def certify_cubes(values: np.ndarray, suppressed: np.ndarray, targets: np.ndarray, required: np.ndarray, *,
                  nonnegative: bool, alternatives: int = CUBE_CANDIDATES) -> np.ndarray:
    """Bool mask: the target cells whose interval a hypercube of suppressed cells proves wide enough.

    The certificate of :func:`_hypercubes`, for an audit: through a target p, pick on every axis another
    suppressed cell of p's line (another body cell: the two move in opposite directions; the line's
    margin, or a body cell when p is the margin: they move together). When every corner of the cube is
    suppressed, adding t to the corners of p's sign and -t to the others keeps every published cell, so
    p's interval is at least ``min(p's sign) + min(other sign)`` wide (unbounded without an opposite
    corner, or without ``nonnegative``). ``values`` must be a feasible table (:func:`complete`). Tries the
    ``alternatives`` largest partners per axis; a cell it cannot certify needs the LPs of :func:`audit`.
    """
    v = np.asarray(values, dtype=np.float64)
    mask = _mask(suppressed, v.shape, "suppressed")
    want = _mask(targets, v.shape, "targets") & mask
    req = np.asarray(required, dtype=np.float64)
    if req.shape != v.shape:
        raise ValueError(f"required has shape {req.shape}, the table {v.shape}")
    d = v.ndim
    last = [n - 1 for n in v.shape]
    out = np.zeros(v.shape, dtype=bool)
    bits = ((np.arange(1 << d)[:, None] >> np.arange(d)[None, :]) & 1).astype(bool)  # (2^d, d)
    # cap the cubes tried per cell: alternatives ** d grows fast with the dimensions
    per_axis = max(1, min(alternatives, int(4096 ** (1.0 / d))))
    for cell in np.argwhere(want):
        p = tuple(int(i) for i in cell)
        choices: list[np.ndarray] = []
        for a in range(d):
            line = [(*p[:a], i, *p[a + 1 :]) for i in range(v.shape[a])]
            alt = [i for i in range(v.shape[a]) if i != p[a] and mask[line[i]]]
            if not alt:
                break
            # a margin partner gives an unbounded move on that axis; then the largest values give slack
            alt.sort(key=lambda i: (i != last[a], -v[line[i]]))
            choices.append(np.array(alt[:per_axis], dtype=np.int64))
        else:
            grid = np.stack([g.reshape(-1) for g in np.meshgrid(*choices, indexing="ij")], axis=1)  # (n, d)
            base = np.array(p, dtype=np.int64)
            coords = np.where(bits[None, :, :], grid[:, None, :], base[None, None, :])  # (n, 2^d, d)
            corners = np.ravel_multi_index(tuple(coords[..., a] for a in range(d)), v.shape)
            usable = mask.reshape(-1)[corners].all(axis=1)
            if not usable.any():
                continue
            if not nonnegative:
                out[p] = True  # the move is unbounded both ways
                continue
            # the sign flips along an axis where both p and its partner are body cells
            body_pair = (grid != np.array(last)[None, :]) & (base != np.array(last))[None, :]  # (n, d)
            flips = (bits[None, :, :] & body_pair[:, None, :]).sum(axis=2) % 2 == 1  # (n, 2^d)
            vals = v.reshape(-1)[corners]
            same = np.where(~flips, vals, np.inf).min(axis=1)
            other = np.where(flips, vals, np.inf).min(axis=1)
            width = np.where(usable, same + other, -np.inf)
            out[p] = bool(width.max() >= req[p] * (1 - 1e-9))
    return out


# --- input checks ------------------------------------------------------------------------------------------


def _validated(values: np.ndarray, nonnegative: bool, *, strict: bool = True) -> np.ndarray:
    """The table as float64, after checking its shape, finiteness, sign and (``strict``) additivity."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim < 1 or min(v.shape) < 2:
        raise ValueError(f"a table needs at least one category and a margin on every axis, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("table values must be finite")
    if nonnegative and np.any(v < 0):
        raise ValueError("nonnegative=True but the table has negative cells")
    for axis in range(v.ndim if strict else 0):
        lines = np.moveaxis(v, axis, 0)
        body = lines[:-1]
        scale = np.maximum(np.abs(body).sum(axis=0), 1.0)
        if np.any(np.abs(body.sum(axis=0) - lines[-1]) > _ADDITIVE_RTOL * scale):
            # No values in the message: the table may hold protected counts.
            raise ValueError(f"the margins along axis {axis} are not the sums of their lines")
    return v


def _mask(mask: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    m = np.asarray(mask)
    if m.shape != shape:
        raise ValueError(f"{name} has shape {m.shape}, the table {shape}")
    return m.astype(bool)


# --- the LPs -----------------------------------------------------------------------------------------------


class _Component:
    """The attacker's LPs over one connected group of suppressed cells.

    Variables are the deviations ``d`` of the group's cells from their true values; ``seen_lo``/``seen_hi``
    hold the smallest and largest deviation of each cell over every feasible point met so far (the true
    table, ``d = 0``, and every LP optimum). They bound the true interval from inside, which lets
    :meth:`certify` skip the LPs of cells already seen to move far enough.
    """

    __slots__ = ("a", "bounds", "cells", "lower", "lps", "nonnegative", "seen_hi", "seen_lo", "size", "values")

    def __init__(self, a: sparse.csr_array, cells: np.ndarray, values: np.ndarray, nonnegative: bool) -> None:
        self.a = a
        self.cells = cells
        self.values = values
        self.size = len(cells)
        self.nonnegative = nonnegative
        self.lower = -values if nonnegative else np.full(self.size, -np.inf)
        self.bounds = np.column_stack([self.lower, np.full(self.size, np.inf)])
        self.seen_lo = np.zeros(self.size)
        self.seen_hi = np.zeros(self.size)
        self.lps = 0

    def _minimise(self, cost: np.ndarray) -> np.ndarray | None:
        """An optimal deviation vector for ``min cost @ d``, or None when the minimum is unbounded."""
        self.lps += 1
        m = self.a.shape[0]
        res = linprog(cost, A_eq=self.a, b_eq=np.zeros(m), bounds=self.bounds, method="highs")
        if res.status == 4:
            # HiGHS's presolve may answer "unbounded or infeasible"; d = 0 is feasible, so it is unbounded
            # if a ray exists. Otherwise it was some other numerical trouble: once more without presolve.
            if self._has_ray(cost):
                return None
            res = linprog(cost, A_eq=self.a, b_eq=np.zeros(m), bounds=self.bounds, method="highs",
                          options={"presolve": False})
        if res.status == 3:
            return None
        if res.status != 0 or res.x is None:
            # Fail closed: an audit that could not be computed must not read as "protected".
            raise RuntimeError(f"suppression audit LP failed: {res.message}")
        x = np.asarray(res.x, dtype=np.float64)
        np.minimum(self.seen_lo, x, out=self.seen_lo)
        np.maximum(self.seen_hi, x, out=self.seen_hi)
        return x

    def _has_ray(self, cost: np.ndarray) -> bool:
        """Whether ``min cost @ d`` is unbounded: a direction r with A r = 0, r >= 0 on bounded cells, cost r < 0.

        This is a feasibility problem (zero objective), so HiGHS answers it without the
        unbounded-or-infeasible ambiguity of the original LP.
        """
        self.lps += 1
        a = sparse.vstack([self.a, sparse.csr_array(cost.reshape(1, -1))], format="csr")
        b = np.zeros(a.shape[0])
        b[-1] = -1.0
        lower = np.where(np.isfinite(self.lower), 0.0, -np.inf)
        bounds = np.column_stack([lower, np.full(self.size, np.inf)])
        res = linprog(np.zeros(self.size), A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if res.status not in (0, 2):
            raise RuntimeError(f"suppression audit LP failed: {res.message}")
        return bool(res.status == 0)

    def _unit(self, j: int, sign: float) -> np.ndarray:
        cost = np.zeros(self.size)
        cost[j] = sign
        return cost

    def _snap(self, j: int, d: float) -> float:
        return 0.0 if abs(d) <= _SNAP * max(1.0, abs(self.values[j])) else d

    def upper(self, j: int) -> float:
        """Largest feasible deviation of cell ``j`` (inf when unbounded)."""
        x = self._minimise(self._unit(j, -1.0))
        # The true table is feasible, so the optimum is >= 0; clip the solver's noise.
        return math.inf if x is None else max(self._snap(j, float(x[j])), 0.0)

    def lower_dev(self, j: int) -> float:
        """Smallest feasible deviation of cell ``j`` (-inf when unbounded)."""
        if not self.nonnegative:
            # Without bounds the feasible set {A d = 0} is a subspace, symmetric about 0: one LP suffices.
            return -self.upper(j)
        if self.seen_lo[j] <= self.lower[j]:
            return float(self.lower[j])  # a feasible point already sits on the bound x >= 0
        x = self._minimise(self._unit(j, 1.0))
        if x is None:
            return -math.inf
        return min(max(self._snap(j, float(x[j])), float(self.lower[j])), 0.0)

    def interval(self, j: int) -> tuple[float, float]:
        """Exact feasible interval of cell ``j``'s deviation."""
        hi = self.upper(j)
        if not self.nonnegative:
            return (-math.inf, math.inf) if math.isinf(hi) else (0.0, 0.0)
        return self.lower_dev(j), hi

    def certify(self, targets: np.ndarray, need: np.ndarray) -> np.ndarray:
        """Bool array over ``targets``: True where the cell's interval is narrower than ``need``.

        Solves only the LPs it must: first two LPs pushing all open targets up and down together (their
        optima spread many cells at once), then per cell the max and, if still short, the min.
        """
        short = self.seen_hi[targets] - self.seen_lo[targets] < need
        if short.sum() > 1:
            cost = np.zeros(self.size)
            cost[targets[short]] = 1.0 / need[short]  # scaled so that large requirements do not dominate
            self._minimise(-cost)
            self._minimise(cost)
        failing = np.zeros(len(targets), dtype=bool)
        for k in np.argsort(-need, kind="stable"):
            j = int(targets[k])
            if self.seen_hi[j] - self.seen_lo[j] >= need[k]:
                continue
            hi = self.upper(j)
            if math.isinf(hi) or self.seen_hi[j] - self.seen_lo[j] >= need[k]:
                continue
            failing[k] = hi - self.lower_dev(j) < need[k]
        return failing


class _System:
    """The additive equations that involve at least one suppressed cell, split into components."""

    def __init__(self, values: np.ndarray, mask: np.ndarray, nonnegative: bool) -> None:
        self.values = values
        self.nonnegative = nonnegative
        self.cells = np.flatnonzero(mask)
        self.a = _equations(values.shape, self.cells)
        m, n = self.a.shape
        if n == 0:
            self.n_components = 0
            self.row_labels = self.col_labels = np.zeros(0, dtype=np.int64)
            return
        # Bipartite graph equations <-> cells; every cell lies on d equations, so no cell is isolated.
        graph = sparse.block_array([[None, self.a], [self.a.T, None]], format="csr")
        self.n_components, labels = connected_components(graph, directed=False)
        self.row_labels = labels[:m]
        self.col_labels = labels[m:]

    def components(self) -> Iterator[_Component]:
        """The LPs of each connected component, one after the other."""
        if self.n_components == 0:
            return
        row_order = np.argsort(self.row_labels, kind="stable")
        col_order = np.argsort(self.col_labels, kind="stable")
        a = self.a[row_order][:, col_order].tocsr()
        row_ends = np.searchsorted(self.row_labels[row_order], np.arange(self.n_components), side="right")
        col_ends = np.searchsorted(self.col_labels[col_order], np.arange(self.n_components), side="right")
        flat_values = self.values.reshape(-1)
        r0 = c0 = 0
        for r1, c1 in zip(row_ends, col_ends, strict=True):
            cells = self.cells[col_order[c0:c1]]
            sub = sparse.csr_array(a[r0:r1, c0:c1])
            yield _Component(sub, cells, flat_values[cells], self.nonnegative)
            r0, c0 = r1, c1


def _equations(shape: tuple[int, ...], cells: np.ndarray) -> sparse.csr_array:
    """Sparse matrix (lines that hold a suppressed cell) x (suppressed cells) of the additive equations.

    Line ``margin - sum(body) = 0`` gives the margin coefficient +1 and every body cell -1.
    """
    return _line_system(shape, cells)[1]


def _line_system(shape: tuple[int, ...], cells: np.ndarray) -> tuple[np.ndarray, sparse.csr_array]:
    """The ids of the lines that hold one of ``cells`` (axis by axis, C order of the other axes) and
    their equations over ``cells`` (see :func:`_equations`)."""
    n = len(cells)
    idx = np.unravel_index(cells, shape)
    rows, data = [], []
    offset = 0
    for axis in range(len(shape)):
        other_shape = shape[:axis] + shape[axis + 1 :]
        other = tuple(idx[b] for b in range(len(shape)) if b != axis)
        line = np.ravel_multi_index(other, other_shape) if other else np.zeros(n, dtype=np.int64)
        rows.append(line + offset)
        data.append(np.where(idx[axis] == shape[axis] - 1, 1.0, -1.0))
        offset += math.prod(other_shape)
    cols = np.tile(np.arange(n), len(shape))
    used, row = np.unique(np.concatenate(rows), return_inverse=True)
    return used, sparse.csr_array(sparse.coo_array((np.concatenate(data), (row, cols)), shape=(len(used), n)))


def _failing(values: np.ndarray, mask: np.ndarray, primary: np.ndarray, required: np.ndarray,
             nonnegative: bool) -> np.ndarray:
    """Bool mask of the cells of ``primary`` whose interval under ``mask`` is narrower than required."""
    failing: np.ndarray = primary & ~mask
    is_primary = primary.reshape(-1)
    req = required.reshape(-1)
    for comp in _System(values, mask, nonnegative).components():
        local = np.flatnonzero(is_primary[comp.cells])
        if len(local) == 0:
            continue
        short = comp.certify(local, req[comp.cells[local]] * (1.0 - _PROTECT_RTOL))
        failing.flat[comp.cells[local[short]]] = True
    return failing


# --- the search --------------------------------------------------------------------------------------------


class _Pattern:
    """A suppression mask under construction, with the count of suppressed cells on every line.

    ``need[c]`` is the interval width the cell's suppression serves: the requirement of a primary cell,
    inherited by the partners chosen for it, so that a partner with enough value is preferred.
    """

    def __init__(self, values: np.ndarray, primary: np.ndarray, required: np.ndarray, nonnegative: bool) -> None:
        self.values = values
        self.nonnegative = nonnegative
        self.shape = values.shape
        self.last = tuple(s - 1 for s in self.shape)
        self.mask = primary.copy()
        self.need = np.where(primary, required, 0.0)
        # counts[a][other indices] = suppressed cells on the line along axis a (0-d array for 1-D tables).
        self.counts = [np.array(self.mask.sum(axis=a), dtype=np.int64) for a in range(values.ndim)]

    def line(self, cell: Cell, axis: int) -> list[Cell]:
        """Every cell of the line through ``cell`` along ``axis``."""
        return [(*cell[:axis], i, *cell[axis + 1 :]) for i in range(self.shape[axis])]

    def suppress(self, cell: Cell, need: float) -> None:
        """Suppress ``cell`` (if not yet), serving an interval width of ``need``."""
        self.need[cell] = max(self.need[cell], need)
        if self.mask[cell]:
            return
        self.mask[cell] = True
        for axis, counts in enumerate(self.counts):
            counts[cell[:axis] + cell[axis + 1 :]] += 1

    def cost(self, cell: Cell, need: float) -> tuple[int, int, int, int, float, Cell]:
        """Sort key of a candidate partner: smaller is better.

        In order: never the grand total if anything else will do; margins after interior cells (a margin
        says more to users and sits on more published lines); a value that can absorb the needed slack
        (with non-negative cells a partner below ``need`` cannot move down far enough); the change in
        lines left with a single suppressed cell (each costs one more suppression later, each one closed
        saves one); then the smallest value (information loss), then position for determinism.
        """
        margins = sum(i == last for i, last in zip(cell, self.last, strict=True))
        value = float(self.values[cell])
        short = int(self.nonnegative and value < need)
        opened = 0
        for axis, counts in enumerate(self.counts):
            n = counts[cell[:axis] + cell[axis + 1 :]]
            opened += int(n == 0) - int(n == 1)
        return int(margins == len(self.shape)), margins, short, opened, value, cell

    def best(self, candidates: list[Cell], need: float) -> Cell | None:
        """The cheapest unsuppressed cell among ``candidates``."""
        open_cells = [c for c in candidates if not self.mask[c]]
        return min(open_cells, key=lambda c: self.cost(c, need)) if open_cells else None

    def close_lines(self) -> None:
        """Suppress partners until no line holds exactly one suppressed cell.

        A line with one suppressed cell gives it away by subtraction: margin minus the published cells.
        """
        while True:
            changed = False
            for axis, counts in enumerate(self.counts):
                for other in np.argwhere(counts == 1):
                    other_t = tuple(int(i) for i in other)
                    if counts[other_t] != 1:  # closed meanwhile by a partner chosen for another line
                        continue
                    probe = (*other_t[:axis], 0, *other_t[axis:])
                    cells = self.line(probe, axis)
                    lone = next(c for c in cells if self.mask[c])
                    partner = self.best(cells, float(self.need[lone]))
                    assert partner is not None  # a line has >= 2 cells, only one suppressed
                    self.suppress(partner, float(self.need[lone]))
                    changed = True
            if not changed:
                return

    def widen(self, cell: Cell, need: float) -> Cell | None:
        """Suppress one more cell to widen ``cell``'s interval: on its own lines if any is left open.

        When every line through ``cell`` is fully suppressed, the search moves outwards through the
        suppressed cells on those lines (breadth first). Returns the cell suppressed, or None.
        """
        seen = {cell}
        frontier = [cell]
        while frontier:
            candidates: list[Cell] = []
            nxt: list[Cell] = []
            for s in frontier:
                for axis in range(len(self.shape)):
                    for c in self.line(s, axis):
                        if not self.mask[c]:
                            candidates.append(c)
                        elif c not in seen:
                            seen.add(c)
                            nxt.append(c)
            partner = self.best(candidates, need)
            if partner is not None:
                self.suppress(partner, need)
                return partner
            frontier = nxt
        return None


def _widen_all(pattern: _Pattern, failing: np.ndarray, required: np.ndarray) -> bool:
    """One suppression more for each failing primary cell; False when none could be added.

    A failing cell that shares a line with a cell just added this round waits for the next audit: that
    cell may already widen it, and adding one per cell regardless suppresses more than needed.
    """
    touched: set[tuple[int, Cell]] = set()  # (axis, cell of the line at index 0 on that axis)
    added = False
    for idx in np.argwhere(failing):
        cell = tuple(int(i) for i in idx)
        keys = {(a, (*cell[:a], 0, *cell[a + 1 :])) for a in range(len(cell))}
        if keys & touched:
            continue
        partner = pattern.widen(cell, float(required[cell]))
        if partner is None:
            continue
        added = True
        touched |= {(a, (*partner[:a], 0, *partner[a + 1 :])) for a in range(len(partner))}
    return added


def _fallback(pattern: _Pattern, values: np.ndarray, primary: np.ndarray, required: np.ndarray,
              nonnegative: bool) -> np.ndarray:
    """Suppress whole lines through the failing cells of ``primary`` until they pass, else the whole table.

    With every cell suppressed (grand total included) the attacker has only the equations and x >= 0:
    raising any body cell together with every margin above it stays feasible, so every interval is
    unbounded above and every requirement is met.
    """
    todo = primary.copy()
    while True:
        pattern.close_lines()
        if pattern.mask.all():
            return pattern.mask.copy()
        failing = _failing(values, pattern.mask, todo, required, nonnegative)
        if not failing.any():
            return pattern.mask.copy()
        todo = failing  # the others passed, and stay protected as the mask grows
        before = int(pattern.mask.sum())
        for idx in np.argwhere(failing):
            cell = tuple(int(i) for i in idx)
            for axis in range(len(cell)):
                for c in pattern.line(cell, axis):
                    pattern.suppress(c, float(required[cell]))
        pattern.close_lines()
        if int(pattern.mask.sum()) == before:
            log.warning("protect: suppressing the whole table (%d cells)", pattern.mask.size)
            return np.ones(values.shape, dtype=bool)
