"""SAS (sas7bdat, xpt), Stata (dta) and SPSS (sav, zsav, por) data files as a TabularSource for the file
scan.

These files are almost always microdata, so the scan feeds them to the same table analysis and
identifier search as CSV and Parquet. The reading is :class:`scanner.loaders.columns.StatReader`'s
(pyreadstat, chunked, dates converted, value labels not applied); this module only turns its polars
batches into Arrow record batches of every column. Strings are ``large_string`` (polars' Arrow form).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa

from scanner.loaders.base import LoadError, TabularMeta
from scanner.loaders.columns import DEFAULT_BATCH_ROWS, STAT_FORMATS, StatReader, detect_format

__all__ = ["StatsSource", "open_stats_file"]

# Arrow form of polars batches: large_string/large_list, the types pyarrow-based code expects most
# widely (polars' newest level would hand out string views).
_COMPAT = pl.CompatLevel.oldest()


class StatsSource:
    """A SAS/Stata/SPSS data file as a :class:`~scanner.loaders.base.TabularSource`.

    ``schema`` lists every column (file order) with the Arrow type of its polars dtype; ``batches()``
    streams all columns; ``incomplete()`` names what was not read exactly (values outside the date
    range, text decoded with a fallback encoding). A file that cannot be read raises LoadError.
    """

    def __init__(self, path: Path, fmt: str | None = None) -> None:
        self.path = Path(path)
        fmt = fmt or detect_format(self.path)
        if fmt not in STAT_FORMATS:
            raise LoadError(f"not a SAS, Stata or SPSS data file (detected: {fmt})")
        self._reader = StatReader(self.path, fmt)
        empty = pl.DataFrame(schema=self._reader.columns)
        self._schema = empty.to_arrow(compat_level=_COMPAT).schema

    @property
    def reader(self) -> StatReader:
        """The underlying microdata reader (for ``sdcscan table`` on the same file)."""
        return self._reader

    @property
    def meta(self) -> TabularMeta:
        """Format name (``sas7bdat``, ``xpt``, ``dta``, ``sav``, ``por``), text encoding, notes so far."""
        return TabularMeta(
            format=self._reader.format,
            encoding=self._reader.encoding,
            notes=self._reader.notes(),
            incomplete=self._reader.problems(),
        )

    @property
    def schema(self) -> pa.Schema:
        """Every column, in file order."""
        return self._schema

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        """Stream all columns as record batches of at most ``batch_rows`` rows (each call re-reads)."""
        if batch_rows < 1:
            raise ValueError("batch_rows must be positive")
        return self._stream(batch_rows)

    def _stream(self, batch_rows: int) -> Iterator[pa.RecordBatch]:
        names = self._schema.names
        if not names:
            return
        # Read in the reader's large chunks and cut them to batch_rows here: formats that cannot seek
        # (xpt, zsav, por) re-read the rows before each chunk, so small chunks would cost quadratic time.
        for frame in self._reader.batches(names, max(batch_rows, DEFAULT_BATCH_ROWS)):
            table = frame.to_arrow(compat_level=_COMPAT)
            if table.schema != self._schema:
                table = table.cast(self._schema)
            yield from table.to_batches(max_chunksize=batch_rows)

    def incomplete(self) -> tuple[str, ...]:
        """Value-free reasons why the file was not read exactly; empty for a good file."""
        return self._reader.problems()


def open_stats_file(path: Path) -> StatsSource:
    """Open a sas7bdat, xpt, dta, sav/zsav or por file for the file scan; LoadError if it cannot be read
    (damaged, encrypted, unsupported version or compression)."""
    return StatsSource(path)
