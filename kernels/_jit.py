"""The one place that owns the kernels' compile options (STYLE.md section 4).

``cache=True`` keeps compiled machine code next to the module (``__pycache__``), so only the first run
on a machine pays the compile; ``nogil=True`` lets threads run kernels side by side; ``error_model=
"numpy"`` avoids Python's zero-division checks in the hot loops; no ``fastmath``: shares compared with a
threshold must be exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

__all__ = ["helper", "kernel"]

F = TypeVar("F", bound=Callable[..., Any])


def kernel(func: F) -> F:
    """Compile ``func`` with the project's options (lazily, on first call, per input types)."""
    return numba.njit(cache=True, nogil=True, error_model="numpy")(func)  # type: ignore[no-any-return]


def helper(func: F) -> F:
    """A small function called from kernels' hot loops, inlined into its callers at Numba's IR level.

    Measured here: a validator made of five small calls took 33 ns per candidate as separate compiled
    functions (each call goes through Numba's status-returning calling convention) and a few ns inlined.
    """
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(func)  # type: ignore[no-any-return]
