"""kernels.numbers against its plain-Python twin (tests/reference/numbers.py) and Arrow's own reading."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernels.numbers import ALL_WHOLE, NO_VALUES, NOT_WHOLE, parse_whole
from tests.reference import numbers as ref


def _run(values: list[str | None], *, large: bool = False, sliced: int = 0) -> tuple[int, list[int | None]]:
    arr = pa.array(["pad"] * sliced + values, pa.large_string() if large else pa.string()).slice(sliced)
    buffers = arr.buffers()
    dtype = np.int64 if large else np.int32
    offsets = np.frombuffer(buffers[1], dtype=dtype)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    out = np.empty(len(arr), np.int64)
    present = np.empty(len(arr), np.bool_)
    status = parse_whole(offsets, data, valid, out, present)
    if status != ALL_WHOLE:
        return status, []
    return status, [int(v) if p else None for v, p in zip(out, present, strict=True)]


@pytest.mark.parametrize(("values", "status", "expected"), [
    (["1", "0023", " 45 ", None, ""], ALL_WHOLE, [1, 23, 45, None, None]),
    (["12\u00a0", "\u00a07"], ALL_WHOLE, [12, 7]),
    (["1", "-2"], NOT_WHOLE, []),
    (["1", "2.0"], NOT_WHOLE, []),
    (["1", "1 000"], NOT_WHOLE, []),
    (["999999999999999999"], ALL_WHOLE, [999999999999999999]),
    (["1000000000000000000"], NOT_WHOLE, []),  # 19 digits
    (["", "  ", None], NO_VALUES, []),
    ([], NO_VALUES, []),
    (["\u0661\u0662"], NOT_WHOLE, []),  # Arabic-Indic digits are not ASCII digits
])
def test_examples(values: list[str | None], status: int, expected: list[int | None]) -> None:
    assert _run(values) == (status, expected)
    assert ref.parse_whole(values) == (status, expected)


_cell = st.one_of(
    st.none(),
    st.integers(0, 10**19).map(str),
    st.integers(0, 10**6).map(lambda v: f"  {v:07d}\t"),
    st.sampled_from(["", " ", "\u00a0", "-1", "1.5", "1e3", "x", "12 3", "\u00a012\u00a0", "0"]),
    st.text(alphabet="0123456789 \t\u00a0-.", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_cell, max_size=40), st.booleans(), st.integers(0, 3))
def test_kernel_equals_reference(values: list[str | None], large: bool, sliced: int) -> None:
    assert _run(values, large=large, sliced=sliced) == ref.parse_whole(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10**17).map(str), st.sampled_from(["", " 12 ", "a", "-3"])),
                max_size=30))
def test_agrees_with_arrow_compute(values: list[str | None]) -> None:
    """On ASCII text the kernel reads what Arrow's trim + regex + cast pipeline read before it."""
    arr = pa.array(values, pa.string())
    stripped = pc.utf8_trim_whitespace(arr)
    nonempty = pc.filter(stripped, pc.not_equal(stripped, ""))
    status, got = _run(values)
    if len(nonempty) == 0:
        assert status == NO_VALUES
    elif not pc.all(pc.match_substring_regex(nonempty, r"^[0-9]{1,18}$")).as_py():
        assert status == NOT_WHOLE
    else:
        expected = pc.if_else(pc.equal(stripped, ""), None, stripped).cast(pa.int64()).to_pylist()
        assert (status, got) == (ALL_WHOLE, expected)


# --- scan_whole_strings: parse_whole, scan_ints and the grid step in one pass ------------------------------


def _fused(values: list[str | None], anchor: int, *, sliced: int = 0) -> tuple:
    from kernels.pid import scan_whole_strings

    arr = pa.array(["pad"] * sliced + values, pa.string()).slice(sliced)
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    ints = np.empty(len(arr), np.int64)
    return scan_whole_strings(offsets, data, valid, anchor, ints), ints


def _gcd_step(numbers: list[int], anchor: int) -> int:
    step = 0
    for v in numbers:
        step = math.gcd(step, abs(v - anchor))
    return step


_id_cell = st.one_of(
    _cell,
    st.sampled_from(["8803200016", "2903959587", "47729084", " 0101901234 ", "12345678901", "200001010007"]),
    st.integers(10**6, 10**12).map(str),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_id_cell, max_size=40), st.integers(-1, 10**12), st.integers(0, 3))
def test_fused_scan_equals_its_parts(values: list[str | None], anchor: int, sliced: int) -> None:
    """scan_whole_strings reads what ref.parse_whole reads, finds what ref.scan_ints finds in those numbers
    (rows of the column, not of the numbers), and folds their gcd step around the anchor."""
    from tests.reference import pid as ref_pid

    (status, cands, counts, positive, present, got_anchor, step), ints = _fused(values, anchor, sliced=sliced)
    ref_status, numbers = ref.parse_whole(values)
    assert status == ref_status
    if status == NOT_WHOLE:
        return
    found, ref_counts, ref_positive = ref_pid.scan_ints(numbers if numbers else [None] * len(values))
    assert [(int(r[6]), int(r[2]), int(r[3]), int(r[4])) for r in cands] == found
    assert [int(c) for c in counts] == ref_counts
    assert int(positive) == ref_positive
    seen = [v for v in numbers if v is not None]
    assert list(ints[:present]) == seen
    expected_anchor = anchor if anchor >= 0 else (seen[0] if seen else anchor)
    assert got_anchor == expected_anchor
    assert step == _gcd_step(seen, expected_anchor)


def test_fused_scan_examples() -> None:
    (status, cands, _, positive, present, anchor, step), _ints = _fused(["60", " 120", None, "", "180"], -1)
    assert (status, len(cands), positive, present, anchor, step) == (ALL_WHOLE, 0, 3, 3, 60, 60)
    (status, cands, _, _, _, _, _), _ = _fused(["8803200016", "x"], -1)
    assert status == NOT_WHOLE and len(cands) == 0
    (status, cands, _, positive, present, anchor, step), _ = _fused(["0", "8803200016"], 5)
    assert (status, positive, present, anchor, step) == (ALL_WHOLE, 1, 2, 5, 1)
    assert [int(r[6]) for r in cands] == [1] and int(cands[0][7]) == 8803200016
    assert _fused([None, " "], -1)[0][0] == NO_VALUES
