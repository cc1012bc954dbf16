"""Delimited text tables (CSV; semicolon, tab and pipe files; R ``write.table`` output) as a TablePart.

One reader for ``sdcscan scan`` and ``sdcscan table``: the dialect comes from one sniffer
(:mod:`scanner.loaders.dialect`) and the rows from one Arrow stream (:class:`scanner.loaders.csv.CsvSource`);
``sdcscan table`` streams typed columns on top of the same layout (:class:`scanner.loaders.columns.CsvReader`,
with a polars fast path for plain UTF-8 files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.sources import Source

if TYPE_CHECKING:  # the loaders are imported when a table is opened
    from scanner.loaders.base import TabularSource
    from scanner.loaders.columns import MicrodataReader

__all__ = ["read_delimited"]


@reader("delimited text", FileKind.CSV, microdata={FileKind.CSV: "csv"},
        extensions=dict.fromkeys((".csv", ".tsv", ".tab", ".txt", ".dat"), FileKind.CSV))
def read_delimited(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)

    def rows() -> TabularSource:
        from scanner.loaders.csv import open_csv

        return open_csv(path)

    def columns() -> MicrodataReader:
        from scanner.loaders.columns import CsvReader

        return CsvReader(path)

    return TablePart(kind, rows, columns)
