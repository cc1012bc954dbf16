"""An Arrow string column as the NumPy buffers the kernels read: offsets, bytes and validity.

Kept apart so that every caller (the identifier scan of table columns, the table analysis) hands the
kernels the same zero-copy view: a dictionary column is decoded, a string view is cast to offsets + data.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["plain_array", "string_buffers", "validity"]


def validity(arr: pa.Array) -> np.ndarray:
    """Which values are present (not null), as a bool array."""
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=np.bool_)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)


def plain_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array of plain values: chunks combined, a dictionary column decoded."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def string_buffers(arr: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(offsets int64, data uint8, valid bool)`` of a string column (None for any other type): value
    ``i`` is ``data[offsets[i]:offsets[i + 1]]`` where ``valid[i]``."""
    arr = plain_array(arr)
    t = arr.type
    if pa.types.is_string_view(t):  # views have no offsets buffer: cast to offsets + data
        arr = arr.cast(pa.large_string())
        t = arr.type
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return None
    buffers = arr.buffers()
    offset_type = np.int64 if pa.types.is_large_string(t) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=offset_type)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data, validity(arr)
