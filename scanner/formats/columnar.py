"""Parquet files as a TablePart: Arrow batches of every column for the scan
(:class:`scanner.loaders.parquet.ParquetSource`), typed column batches for ``sdcscan table``
(:class:`scanner.loaders.columns.ParquetReader`, with text ``--by`` columns as dictionary codes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.sources import Source

if TYPE_CHECKING:  # the loaders are imported when a table is opened
    from scanner.loaders.base import TabularSource
    from scanner.loaders.columns import MicrodataReader

__all__ = ["read_parquet"]


@reader("parquet", FileKind.PARQUET, microdata={FileKind.PARQUET: "parquet"},
        extensions=dict.fromkeys((".parquet", ".parq", ".pq"), FileKind.PARQUET))
def read_parquet(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)

    def rows() -> TabularSource:
        from scanner.loaders.parquet import open_parquet

        return open_parquet(path)

    def columns() -> MicrodataReader:
        from scanner.loaders.columns import ParquetReader

        return ParquetReader(path)

    return TablePart(kind, rows, columns)
