"""Plain-Python specification of :mod:`kernels.numbers` (the tests hold the kernel to it)."""

from __future__ import annotations

import re

ALL_WHOLE, NOT_WHOLE, NO_VALUES = 1, 0, -1
_WHOLE = re.compile(r"[0-9]{1,18}")
_TRIM = " \t\n\v\f\r\u00a0"


def parse_whole(values: list[str | None]) -> tuple[int, list[int | None]]:
    """The status and, when it is ``ALL_WHOLE``, the values (None where missing or empty); else ``[]``."""
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        s = v.strip(_TRIM)
        if not s:
            out.append(None)
            continue
        if not _WHOLE.fullmatch(s):
            return NOT_WHOLE, []
        out.append(int(s))
    if all(x is None for x in out):
        return NO_VALUES, []
    return ALL_WHOLE, out
