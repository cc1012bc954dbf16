"""Delimited text tables (CSV; semicolon, tab and pipe files; R ``write.table`` output) as a TablePart.

One reader for ``sdcscan scan`` and ``sdcscan table``: the dialect comes from one sniffer
(:mod:`scanner.loaders.dialect`) and the rows from one Arrow stream (:class:`scanner.loaders.csv.CsvSource`);
``sdcscan table`` streams typed columns on top of the same layout (:class:`scanner.loaders.columns.CsvReader`,
with a polars fast path for plain UTF-8 files).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.formats.json_records import JsonRecordsSource, read_limited
from scanner.sources import Source, open_file

if TYPE_CHECKING:  # the loaders are imported when a table is opened
    from scanner.loaders.base import TabularSource
    from scanner.loaders.columns import MicrodataReader

__all__ = ["FlaggedSource", "read_delimited"]

#: Flagged tables (Eurostat TSV, SDMX-CSV) larger than this are not parsed (FIL001 review): they are read
#: whole, and a published cube is far smaller.
FLAGGED_MAX_BYTES = 64 << 20


@reader("delimited text", FileKind.CSV, microdata={FileKind.CSV: "csv"},
        extensions=dict.fromkeys((".csv", ".tsv", ".tab", ".txt", ".dat"), FileKind.CSV))
def read_delimited(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)

    def rows() -> TabularSource:
        from scanner.loaders.csv import open_csv

        if _flagged_header(path):
            return FlaggedSource(path)
        return open_csv(path)

    def columns() -> MicrodataReader:
        from scanner.loaders.columns import CsvReader

        return CsvReader(path)

    return TablePart(kind, rows, columns)


def _flagged_header(path: Path) -> bool:
    """Whether the file starts with Eurostat TSV's or SDMX-CSV's header (its cells carry flags)."""
    from scanner.loaders.sdmx import is_flagged_csv

    try:
        with open_file(path) as f:  # the file's shared mapping while it is scanned: no second read
            head = f.read(4096)
    except OSError:
        return False  # the CSV reader says why it cannot be read
    return (b"\\" in head or b"OBS_VALUE" in head) and is_flagged_csv(_decode(head))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class FlaggedSource(JsonRecordsSource):
    """A Eurostat TSV or SDMX-CSV file as a :class:`~scanner.loaders.base.TabularSource`: its cells with their
    flags taken off (:mod:`scanner.loaders.sdmx`), the confidential cells that print a value in ``meta``."""

    def __init__(self, path: Path) -> None:  # (the parent's __init__ reads JSON)
        import dataclasses

        from scanner.loaders.sdmx import eurostat_tsv, sdmx_csv

        self.path = Path(path)
        text = _decode(read_limited(self.path, FLAGGED_MAX_BYTES, "flagged table"))
        eurostat = "\\" in text.split("\n", 1)[0]
        rows, flagged = eurostat_tsv(text) if eurostat else sdmx_csv(text)
        fmt = "eurostat-tsv" if eurostat else "sdmx-csv"
        self._build(rows, fmt, "Eurostat TSV rows" if eurostat else "SDMX-CSV observations")
        self._meta = dataclasses.replace(self._meta, flagged=tuple(flagged), data_line=2)
