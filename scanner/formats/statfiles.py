"""SAS (sas7bdat, xpt), Stata (dta) and SPSS (sav, zsav, por) data files as a TablePart, read with
pyreadstat (:class:`scanner.loaders.columns.StatReader`; :class:`scanner.loaders.stats.StatsSource` gives its
batches to the scan). ReadStat opens the file itself: the scan's mapping cannot be handed to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.sources import Source

if TYPE_CHECKING:  # the loaders are imported when a table is opened
    from scanner.loaders.base import TabularSource
    from scanner.loaders.columns import MicrodataReader

__all__ = ["FORMAT_OF", "read_stat_file"]

#: The pyreadstat format of each kind.
FORMAT_OF = {FileKind.SAS7BDAT: "sas7bdat", FileKind.XPT: "xpt", FileKind.DTA: "dta", FileKind.SAV: "sav",
             FileKind.POR: "por"}


@reader("SAS, Stata and SPSS data", *FORMAT_OF, microdata=FORMAT_OF,
        extensions={".sas7bdat": FileKind.SAS7BDAT, ".xpt": FileKind.XPT, ".xport": FileKind.XPT,
                    ".dta": FileKind.DTA, ".sav": FileKind.SAV, ".zsav": FileKind.SAV, ".por": FileKind.POR})
def read_stat_file(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)
    fmt = FORMAT_OF[kind]

    def rows() -> TabularSource:
        from scanner.loaders.stats import StatsSource

        return StatsSource(path, fmt)

    def columns() -> MicrodataReader:
        from scanner.loaders.columns import StatReader

        return StatReader(path, fmt)

    return TablePart(kind, rows, columns)
