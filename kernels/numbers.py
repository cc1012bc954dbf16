"""Text columns read as whole numbers in one pass over Arrow's string buffers.

Why by hand: CSV columns arrive as strings (leading zeros and codes must survive the read). The identifier
scan needs to know whether a column is all whole numbers and, if so, their values. With Arrow compute that
takes five passes over the column (trim, compare with "", regular expression, if_else, cast), which was the
largest single cost of scanning a large CSV. This kernel does it in one pass over the offsets and bytes.

A value is whole when, after surrounding whitespace (ASCII whitespace and the no-break space U+00A0) is
trimmed, it is 1 to 18 ASCII digits. A value that is empty after trimming is treated as missing. The plain-
Python specification is ``tests/reference/numbers.py``; the tests hold both to the same results.
"""

from __future__ import annotations

import numpy as np

from kernels._jit import helper, kernel

__all__ = ["ALL_WHOLE", "NOT_WHOLE", "NO_VALUES", "parse_whole"]

ALL_WHOLE = 1
"""Every non-empty value is a whole number."""
NOT_WHOLE = 0
"""At least one non-empty value is not a whole number (``out`` is then not filled in)."""
NO_VALUES = -1
"""No value is non-empty."""

MAX_DIGITS = 18  # 10**18 - 1 fits in int64 with room to spare


@helper
def _is_space(b: np.uint8) -> bool:
    return b == 32 or (9 <= b <= 13)


@kernel
def parse_whole(offsets: np.ndarray, data: np.ndarray, valid: np.ndarray, out: np.ndarray,
                out_valid: np.ndarray) -> int:
    """Read string values ``data[offsets[i]:offsets[i+1]]`` (for ``valid[i]``) as whole numbers.

    Fills ``out[i]`` (the number, 0 where missing) and ``out_valid[i]`` (present and non-empty) and returns
    :data:`ALL_WHOLE`, :data:`NOT_WHOLE` (stops at the first value that is not whole) or :data:`NO_VALUES`.
    """
    n = offsets.shape[0] - 1
    seen = False
    for i in range(n):
        out[i] = 0
        out_valid[i] = False
        if not valid[i]:
            continue
        a = offsets[i]
        b = offsets[i + 1]
        # trim: ASCII whitespace and U+00A0 (C2 A0) on both ends
        while a < b:
            c = data[a]
            if _is_space(c):
                a += 1
            elif c == 0xC2 and a + 1 < b and data[a + 1] == 0xA0:
                a += 2
            else:
                break
        while b > a:
            c = data[b - 1]
            if _is_space(c):
                b -= 1
            elif c == 0xA0 and b - 2 >= a and data[b - 2] == 0xC2:
                b -= 2
            else:
                break
        if a == b:
            continue
        if b - a > MAX_DIGITS:
            return NOT_WHOLE
        v = np.int64(0)
        for k in range(a, b):
            d = data[k]
            if d < 48 or d > 57:
                return NOT_WHOLE
            v = v * 10 + (d - 48)
        out[i] = v
        out_valid[i] = True
        seen = True
    return ALL_WHOLE if seen else NO_VALUES
