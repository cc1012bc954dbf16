"""An Arrow string column as the NumPy buffers the kernels read: offsets, bytes and validity.

Kept apart so that every caller (the identifier scan of table columns, the table analysis) hands the
kernels the same zero-copy view: a dictionary column is decoded, a string view is cast to offsets + data.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["float64_values", "int64_values", "plain_array", "string_array", "string_buffers", "validity"]


def validity(arr: pa.Array) -> np.ndarray:
    """Which values are present (not null), as a bool array."""
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=np.bool_)
    bits = arr.buffers()[0]
    if bits is None:  # (a null-type column: no validity buffer, every value null)
        return np.zeros(len(arr), dtype=np.bool_)
    # (the bitmap unpacked here: ``to_numpy`` of a boolean array imports pandas the first time)
    unpacked = np.unpackbits(np.frombuffer(bits, dtype=np.uint8), bitorder="little")
    return unpacked[arr.offset:arr.offset + len(arr)].astype(np.bool_)


def int64_values(arr: pa.Array) -> np.ndarray:
    """An int64 column's values as a NumPy array (read-only), nulls as 0, read from its data buffer:
    ``fill_null(0)`` and ``to_numpy`` import pandas the first time a process calls them (0.5 s)."""
    data = arr.buffers()[1]
    vals = np.frombuffer(data, dtype=np.int64, count=arr.offset + len(arr))[arr.offset:]
    if arr.null_count == 0:
        return vals
    vals = vals.copy()
    vals[~validity(arr)] = 0
    return vals


def float64_values(arr: pa.Array) -> np.ndarray:
    """A float64 column's values as a NumPy array, nulls as NaN, read from its data buffer (``to_numpy``
    imports pandas the first time a process calls it)."""
    data = arr.buffers()[1]
    vals = np.frombuffer(data, dtype=np.float64, count=arr.offset + len(arr))[arr.offset:]
    if arr.null_count == 0:
        return vals
    vals = vals.copy()
    vals[~validity(arr)] = np.nan
    return vals


def string_array(values: list[str | None]) -> pa.Array:
    """Python strings (or None) as an Arrow string array, built through Polars: ``pa.array`` of Python objects
    imports pandas the first time a process calls it (0.5 s, more than a small file's whole scan)."""
    import polars as pl

    return pl.Series(values, dtype=pl.String).to_arrow(compat_level=pl.CompatLevel.oldest()).cast(pa.string())


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
