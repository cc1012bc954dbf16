"""A column's identifier candidates kept by signature give exactly what the full assessment gives."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.pid_scan import (
    CTX_BUSINESS,
    CTX_NEGATIVE,
    CTX_PERSON,
    FLAG_PLUS,
    FLAG_SEP,
    FLAG_STRICT,
    ColumnCandidates,
    assess,
)

_BITS = st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128, 1 | 4, 64 | 128, 4 | 128, 8 | 16, 1 | 64])
_FLAGS = st.sampled_from([0, FLAG_SEP, FLAG_STRICT, FLAG_SEP | FLAG_STRICT, FLAG_PLUS | FLAG_SEP])
_CTX = st.sampled_from([0, 0, CTX_PERSON, CTX_BUSINESS, CTX_NEGATIVE, CTX_PERSON | CTX_NEGATIVE])


@st.composite
def _candidates(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(0, 60))
    grid = draw(st.booleans())  # values of a bare shape on a minute grid (timestamps): dropped by both
    rows = []
    row = 0
    for i in range(n):
        row += draw(st.integers(0, 3))
        shape = draw(st.sampled_from([0, 1, 1, 2, 4, 5]))
        width = (8, 10, 11, 12, 10, 12, 11)[shape]
        value = 1_600_000_000 + 60 * i if grid and shape == 1 else draw(st.integers(0, 10**width - 1))
        rows.append([0, 0, draw(_BITS), shape, draw(_FLAGS), draw(_CTX), row, value])
    return np.array(rows, dtype=np.int64).reshape(-1, 8)


@given(_candidates(), st.lists(st.integers(0, 60), max_size=4), st.integers(1, 200),
       st.sampled_from([0, CTX_PERSON, CTX_BUSINESS, CTX_NEGATIVE]),
       st.sampled_from([("se", "dk"), ("dk", "no", "fi")]))
@settings(max_examples=400, deadline=None)
def test_signatures_give_the_same_detections_as_every_candidate(cands: np.ndarray, cuts: list[int], values: int,
                                                                 name_ctx: int, countries: tuple[str, ...]) -> None:
    denominator = max(values, len(cands))
    want = assess(cands, np.full(len(cands), denominator, dtype=np.int64), name_ctx, countries, "col",
                  per_shape=False)
    acc = ColumnCandidates()
    bounds = sorted({0, len(cands), *(c for c in cuts if c <= len(cands))})
    for a, b in itertools.pairwise(bounds):
        part = cands[a:b].copy()
        offset = int(part[0, 6]) if len(part) else 0
        part[:, 6] -= offset  # rows relative to the batch, as the kernels give them
        acc.add(part, offset)
    assert acc.detections(denominator, name_ctx, countries, "col") == want
    kept = sorted(np.concatenate(acc.values()).tolist()) if acc else []
    assert kept == sorted(cands[:, 7].tolist())


def test_a_column_of_person_numbers_gives_the_same_detection_both_ways() -> None:
    """A case the comparison must hold on with detections in it (the property test's columns often have
    none): 40 named, separated person numbers in two batches, and a few weaker candidates."""
    rng = np.random.default_rng(7)
    rows = [[0, 0, 1, 4, FLAG_SEP, CTX_PERSON, r, int(rng.integers(10**9, 10**10))] for r in range(40)]
    rows += [[0, 0, 128, 0, 0, 0, 40 + r, int(rng.integers(10**7, 10**8))] for r in range(3)]
    cands = np.array(rows, dtype=np.int64)
    want = assess(cands, np.full(len(cands), 50, dtype=np.int64), 0, ("se", "dk"), "col", per_shape=False)
    assert [d.kind.code for d in want] == ["PID001"] and want[0].count == 40
    acc = ColumnCandidates()
    acc.add(cands[:25])
    part = cands[25:].copy()
    part[:, 6] -= 25
    acc.add(part, 25)
    assert acc.detections(50, 0, ("se", "dk"), "col") == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 4, 8, 64, 68, 128, 1 << 29, 1 << 31]), st.integers(0, 300),
                          st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=60))
def test_packed_signatures_are_numpys_unique_rows(rows: list[tuple[int, int, int, int]]) -> None:
    """The packed grouping of candidates gives np.unique(axis=0)'s rows and inverse, also where a field is
    too wide to pack (it falls back)."""
    from scanner.pid_scan import _signatures

    fields = np.asarray(rows, dtype=np.int64)
    keys, inverse = np.unique(fields, axis=0, return_inverse=True)
    got_keys, got_inverse = _signatures(fields)
    assert np.array_equal(got_keys, keys) and np.array_equal(got_inverse, inverse.reshape(-1))
