"""Parquet: streamed row groups as Arrow record batches, flat columns only.

Nested columns (struct, list, map) are not inspected by the table rules yet; they are dropped from the
batches and named in ``incomplete()`` so the file is reviewed, never passed unread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.loaders.base import LoadError, TabularMeta
from scanner.sources import view_of

__all__ = ["ParquetSource", "is_flat", "open_parquet"]


def is_flat(t: pa.DataType) -> bool:
    """A column type the table rules read: not nested (struct, list, map) nor a union."""
    if pa.types.is_dictionary(t):
        return is_flat(t.value_type)
    return not (pa.types.is_nested(t) or pa.types.is_union(t))


def _reason(exc: BaseException, path: Path | None = None) -> str:
    text = str(exc).lower()
    if "encrypt" in text or ("footer" in text and "magic" in text and _tail(path) == b"PARE"):
        return "encrypted Parquet file (no key): content cannot be inspected"
    if "footer" in text and "magic" in text:
        return "damaged or truncated Parquet file (its footer is missing)"
    if "magic" in text or "not a parquet" in text:
        return "not a valid Parquet file (bad magic bytes)"
    return f"Parquet file could not be read ({type(exc).__name__})"


def _tail(path: Path | None) -> bytes:
    """The last four bytes of ``path`` ("PAR1" ends a Parquet file, "PARE" one whose footer is encrypted)."""
    if path is None:
        return b""
    try:
        with open(path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            return fh.read(4)
    except OSError:
        return b""


class ParquetSource:
    """A Parquet file as a :class:`~scanner.loaders.base.TabularSource`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            pf = pq.ParquetFile(_input(path))
            full = pf.schema_arrow
        except Exception as exc:  # pyarrow raises several types (ArrowInvalid, OSError, ...)
            raise LoadError(_reason(exc, path)) from None
        self._columns = [f.name for f in full if is_flat(f.type)]
        nested = [f.name for f in full if not is_flat(f.type)]
        self._schema = pa.schema([full.field(n) for n in self._columns])
        self._incomplete: list[str] = []
        if nested:
            self._incomplete.append(f"{len(nested)} nested column(s) (struct/list/map) not inspected")
        self._meta = TabularMeta(format="parquet", notes=(f"{pf.metadata.num_rows} rows",))
        self._num_rows = pf.metadata.num_rows
        pf.close()

    @property
    def meta(self) -> TabularMeta:
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        return self._schema

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        """Stream the flat columns batch by batch."""
        if not self._columns:
            return
        try:
            with pq.ParquetFile(_input(self.path)) as pf:
                yield from pf.iter_batches(batch_size=batch_rows, columns=self._columns)
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(_reason(exc, self.path)) from None

    def incomplete(self) -> tuple[str, ...]:
        return tuple(self._incomplete)


def _input(path: Path) -> Any:
    """The file's shared mapping while it is scanned (its bytes read once), else its path."""
    view = view_of(path)
    return pa.BufferReader(pa.py_buffer(view.buffer)) if view is not None else path


def open_parquet(path: Path) -> ParquetSource:
    """Open ``path`` as Parquet; LoadError if the footer cannot be read (damaged, encrypted)."""
    return ParquetSource(path)
