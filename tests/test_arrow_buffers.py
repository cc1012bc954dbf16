"""scanner.arrow_buffers: Arrow columns read from their buffers, compared with pyarrow's own conversions."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.arrow_buffers import float64_values, int64_values, string_array, validity

_INTS = st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), max_size=200)
_FLOATS = st.lists(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=True)), max_size=200)


@settings(deadline=None)  # (the first pa.array of a process imports pandas)
@given(_INTS, st.integers(0, 50), st.integers(0, 50))
def test_int64_values_and_validity_match_pyarrow_on_slices(values: list[int | None], start: int, length: int) -> None:
    arr = pa.array(values, pa.int64()).slice(min(start, len(values)), length)
    expected_valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    assert np.array_equal(validity(arr), expected_valid)
    assert int64_values(arr).tolist() == [0 if v is None else v for v in arr.to_pylist()]


@settings(deadline=None)
@given(_FLOATS, st.integers(0, 50), st.integers(0, 50))
def test_float64_values_match_pyarrow_on_slices(values: list[float | None], start: int, length: int) -> None:
    arr = pa.array(values, pa.float64()).slice(min(start, len(values)), length)
    got = float64_values(arr).tolist()
    for g, v in zip(got, arr.to_pylist(), strict=True):
        assert (v is None and math.isnan(g)) or g == v


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=100))
def test_string_array_equals_pyarrows(values: list[str | None]) -> None:
    got = string_array(values)
    assert got.type == pa.string()
    assert got.to_pylist() == values
