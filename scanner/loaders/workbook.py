"""Workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``): the cells of every sheet as table parts.

A sheet is a grid, not a table: a title in A1, a table under it, a second table beside it or below a blank
row, a note at the bottom. The used range of each sheet is read into Arrow string columns and cut into
blocks at fully blank rows and columns (recursively, as an XY cut: blank rows first, then blank columns
inside each band, and again inside each piece). Each block with at least two rows becomes a
:class:`SheetTable`: title rows at its top and its header row(s) are found with the same rules as a CSV
file's (``scanner.loaders.csv``), and its body is a :class:`SheetTableSource` that gets the same table
analysis and TAB/MIC/EXT/PID rules as a CSV. Findings name the sheet and an A1 reference.

Reader: fastexcel (Rust, calamine underneath, Arrow out) rather than python-calamine. Measured on a
generated 12 MB workbook (200,001 rows x 8 columns, one sheet, 2 cores shared): fastexcel 1.04 s to an
Arrow record batch of strings; python-calamine 1.37 s to Python lists (``to_python``) and 1.28 s to
iterate the rows, before any Arrow array is built from those objects. Both parse the same XML with the
same crate, so the difference is the Python objects per cell that fastexcel never makes. All cells are
read as strings (``dtypes="string"``), as a CSV arrives: the table analysis then parses numbers the one
way it parses every table. fastexcel writes a float with at most nine decimals (``0.123456789``; a value
under 5e-10 becomes ``0``), which changes no count and no disclosure decision.

The structure of the package (hidden sheets, hidden rows, pivot caches, comments...) is read by
:mod:`scanner.loaders.ooxml`; this module only reads values, and never makes findings.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError, TabularMeta

# The CSV loader's header rules (title lines, header detection, stacked header rows, unique names), so a
# table's header is found the same way in a sheet as in a CSV file. They are private there; see the
# report of issue 12 (a public ``header_layout(rows)`` in csv.py would remove this import of private names).
from scanner.loaders.dialect import Candidate, Record, count_titles, header_layout

__all__ = [
    "Block",
    "EncryptedWorkbook",
    "SheetGrid",
    "SheetInfo",
    "SheetTable",
    "SheetTableSource",
    "Workbook",
    "column_letter",
    "find_blocks",
    "open_workbook",
    "sheet_tables",
]

log = logging.getLogger(__name__)

#: Rows of a block read to find its title and header rows (the CSV loader reads a head the same way).
HEAD_ROWS = 200
#: Depth of the XY cut: bands, pieces of bands, bands of pieces... Real sheets need two or three.
MAX_CUT_DEPTH = 6
#: A sheet with more blocks than this is a grid of scattered cells, not tables: the rest are still read
#: for identifiers, and the table analysis is skipped for them with a FIL001 note (fail closed).
MAX_TABLES_PER_SHEET = 200


class EncryptedWorkbook(LoadError):
    """A password-protected workbook: its cells cannot be read without the password."""


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """A sheet as the workbook lists it. ``visibility`` is ``visible``, ``hidden`` or ``veryHidden``."""

    name: str
    index: int
    visibility: str


@dataclass(slots=True)
class SheetGrid:
    """A sheet's used range as string columns. Grid row ``r`` is sheet row ``r + 1`` (1-based, as Excel
    numbers rows); grid column ``c`` is sheet column ``col_offset + c`` (0-based: 0 is column A)."""

    sheet: str
    columns: list[pa.Array]
    col_offset: int
    nonblank: np.ndarray  # (rows, columns) bool: the cell holds something

    @property
    def n_rows(self) -> int:
        return int(self.nonblank.shape[0])

    @property
    def n_cols(self) -> int:
        return int(self.nonblank.shape[1])

    def cells(self) -> int:
        """Non-empty cells."""
        return int(self.nonblank.sum())


@dataclass(frozen=True, slots=True)
class Block:
    """A rectangle of the grid bounded by blank rows and columns: ``[top, bottom)`` x ``[left, right)``."""

    top: int
    bottom: int
    left: int
    right: int


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index (0 -> ``A``, 27 -> ``AB``)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """An A1 range from 1-based rows and 0-based columns (``B3:D7``; a single cell as ``B3``)."""
    start = f"{column_letter(first_col)}{first_row}"
    end = f"{column_letter(last_col)}{last_row}"
    return start if start == end else f"{start}:{end}"


@dataclass(frozen=True, slots=True)
class SheetTable:
    """One table of a sheet: column names, the body as string columns, and where it lies.

    ``data_row`` is the sheet row (1-based) of the first body row, so body row ``i`` (1-based, as the table
    rules number rows) is sheet row ``data_row + i - 1``. ``first_col`` is the 0-based sheet column of the
    first table column. ``top_row`` is the first sheet row of the block (a title or the header).
    """

    sheet: str
    names: list[str]
    columns: list[pa.Array]
    top_row: int
    data_row: int
    first_col: int
    last_row: int
    header_rows: int
    title_rows: int
    notes: tuple[str, ...] = ()
    #: sheet row of each body row when the body is not one run of rows (a table continued below blank
    #: rows); None when body row i is sheet row ``data_row + i - 1``
    row_map: np.ndarray | None = None
    #: the table column's offset from ``first_col`` when the columns are not the sheet's in order (statistics
    #: unstacked into columns of their own: :func:`unstack_statistics`); None when column i is at offset i
    col_map: tuple[int, ...] | None = None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def range_a1(self) -> str:
        """The block's range, titles and header included (``A3:F120``)."""
        return a1_range(self.top_row, self.first_col, self.last_row, self.first_col + self._offset(len(self.names) - 1))

    def sheet_row(self, row: int) -> int:
        """The sheet row of 1-based body row ``row``."""
        if self.row_map is not None and 1 <= row <= len(self.row_map):
            return int(self.row_map[row - 1])
        return self.data_row + row - 1

    def body_row(self, sheet_row: int) -> int | None:
        """The 1-based body row at ``sheet_row``, or None when that row is not in the body."""
        if self.row_map is not None:
            k = int(np.searchsorted(self.row_map, sheet_row))
            return k + 1 if k < len(self.row_map) and int(self.row_map[k]) == sheet_row else None
        k = sheet_row - self.data_row + 1
        return k if 1 <= k <= self.n_rows else None

    def cell_ref(self, row: int, column: str | None) -> str:
        """A1 reference of 1-based body row ``row`` in column ``column`` (the table's whole row if None)."""
        r = self.sheet_row(row)
        if column is not None and column in self.names:
            return f"{column_letter(self.column_index(column) or 0)}{r}"
        return a1_range(r, self.first_col, r, self.first_col + self._offset(len(self.names) - 1))

    def _offset(self, index: int) -> int:
        return self.col_map[index] if self.col_map is not None else index

    def column_index(self, column: str) -> int | None:
        """The 0-based sheet column of table column ``column``."""
        return self.first_col + self._offset(self.names.index(column)) if column in self.names else None


class SheetTableSource:
    """A :class:`~scanner.loaders.base.TabularSource` over one table of a sheet: string columns, and float64
    for a column whose every cell is a number (see :func:`typed_column`)."""

    def __init__(self, path: Path, table: SheetTable, *, title: str = "", footer: str = "") -> None:
        self.path = path
        self.table = table
        #: the note under the table (its rows' group sizes, a source line), as the CSV reader keeps its footer
        self.footer_text = footer
        self._schema = pa.schema([pa.field(n, c.type) for n, c in zip(table.names, table.columns, strict=True)])
        notes = [f"sheet table at {table.range_a1}"]
        if table.title_rows:
            notes.append(f"{table.title_rows} title row(s) above the header skipped")
        self._meta = TabularMeta(format="sheet", header_rows=table.header_rows, skipped_lines=table.title_rows,
                                 data_line=table.data_row, notes=(*notes, *table.notes), title=title)

    @property
    def meta(self) -> TabularMeta:
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        return self._schema

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        n = self.table.n_rows
        for start in range(0, n, batch_rows):
            cols = [c.slice(start, batch_rows) for c in self.table.columns]
            yield pa.RecordBatch.from_arrays(cols, schema=self._schema)

    def incomplete(self) -> tuple[str, ...]:
        return ()


def _reason(exc: BaseException) -> str:
    """A value-free reason for a reader error (calamine's messages can quote paths and cell text)."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "password-protected workbook"
    return f"workbook could not be read ({type(exc).__name__})"


class Workbook:
    """A workbook opened with fastexcel: its sheets and, per sheet, the used range as a :class:`SheetGrid`."""

    def __init__(self, path: Path) -> None:
        import fastexcel

        self.path = path
        try:
            # fastexcel tells the format by the file's extension; a file without one (an archive member in
            # memory, /proc/self/fd/N) is given as bytes, whose format it tells by their content
            self._reader = fastexcel.read_excel(str(path) if path.suffix else path.read_bytes())
            names = list(self._reader.sheet_names)
        except Exception as exc:  # fastexcel raises its own hierarchy (CalamineError, ...) and OSError
            reason = _reason(exc)
            if reason.startswith("password"):
                raise EncryptedWorkbook(reason) from None
            raise LoadError(reason) from None
        self.sheet_names = names

    def load(self, index: int) -> tuple[SheetInfo, SheetGrid]:
        """Sheet ``index`` (its visibility as the reader sees it) and its used range as string columns,
        from row 1 (blank leading rows kept, so grid rows map to sheet rows) and from its first used column.
        LoadError when the sheet cannot be read."""
        name = self.sheet_names[index]
        try:
            handle = self._reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string",
                                             whitespace_as_null=True)
            visibility = _VISIBILITY.get(str(handle.visible).lower(), "visible")
            batch = handle.to_arrow()
            offsets = [c.absolute_index for c in handle.available_columns()]
        except Exception as exc:
            raise LoadError(f"sheet could not be read ({type(exc).__name__})") from None
        columns = [_unstacked(_as_string(batch.column(i))) for i in range(batch.num_columns)]
        col_offset = offsets[0] if offsets else 0
        if offsets and offsets != list(range(col_offset, col_offset + len(offsets))):
            raise LoadError("sheet columns are not contiguous")  # never seen; would misplace every reference
        if columns:
            nonblank = np.column_stack([_nonblank(c) for c in columns])
        else:
            nonblank = np.zeros((batch.num_rows, 0), dtype=np.bool_)
        return SheetInfo(name, index, visibility), SheetGrid(name, columns, col_offset, nonblank)

_VISIBILITY = {"visible": "visible", "hidden": "hidden", "veryhidden": "veryHidden"}


def _as_string(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type):
        return arr
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    return arr.cast(pa.string())


def _unstacked(arr: pa.Array) -> pa.Array:
    """``arr`` with each cell of numbers stacked on lines (SAS ODS EXCEL's PROC FREQ crosstab: Frequency,
    Percent, Row Pct and Col Pct in one wrapped cell) replaced by its first number, the count."""
    import pyarrow.compute as pc

    from scanner.loaders.office import stacked_number

    if arr.null_count == len(arr) or not pc.any(pc.match_substring(arr, "\n")).as_py():
        return arr
    values = arr.to_pylist()
    out = [(stacked_number(v) or v) if v is not None and "\n" in v else v for v in values]
    return pa.array(out, pa.string())


def _nonblank(arr: pa.Array) -> np.ndarray:
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=np.bool_)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)


def open_workbook(path: Path) -> Workbook:
    """Open a workbook of any kind fastexcel reads (xlsx, xlsm, xls, xlsb, ods).

    Raises :class:`EncryptedWorkbook` for a password-protected file and LoadError for a damaged one.
    """
    return Workbook(path)


# -- blocks ---------------------------------------------------------------------------------------------


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` runs of True in a 1-d bool array."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)][::2]


def _cut(nonblank: np.ndarray, top: int, bottom: int, left: int, right: int, depth: int, out: list[Block]) -> None:
    """XY cut of ``[top, bottom) x [left, right)``: blank rows, then blank columns inside each band, again
    inside each piece, until a piece no longer splits."""
    sub = nonblank[top:bottom, left:right]
    for r0, r1 in _runs(sub.any(axis=1)):
        band = sub[r0:r1]
        for c0, c1 in _runs(band.any(axis=0)):
            block = Block(top + r0, top + r1, left + c0, left + c1)
            whole = (r0, r1, c0, c1) == (0, bottom - top, 0, right - left)
            if whole or depth >= MAX_CUT_DEPTH:
                out.append(block)
            else:
                _cut(nonblank, block.top, block.bottom, block.left, block.right, depth + 1, out)


def find_blocks(nonblank: np.ndarray) -> list[Block]:
    """Rectangles of ``nonblank`` separated by fully blank rows or columns, in reading order (top to
    bottom, then left to right). Each is tight: its first and last rows and columns hold a cell."""
    out: list[Block] = []
    if nonblank.size:
        _cut(nonblank, 0, nonblank.shape[0], 0, nonblank.shape[1], 0, out)
    return out


def _head_records(grid: SheetGrid, block: Block, rows: int) -> list[Record]:
    end = min(block.bottom, block.top + rows)
    cols = [grid.columns[c].slice(block.top, end - block.top).to_pylist() for c in range(block.left, block.right)]
    records = []
    for k in range(end - block.top):
        fields = [(col[k] or "") for col in cols]
        line = block.top + k + 1  # sheet row
        records.append(Record(fields, line, line))
    return records


def block_table(grid: SheetGrid, block: Block) -> SheetTable | None:
    """The table in ``block``: title rows, header row(s) and body, or None for a block of one row (a title
    or a note) or a block with a header and no body."""
    if block.bottom - block.top < 2:
        return None
    width = block.right - block.left
    records = _head_records(grid, block, HEAD_ROWS)
    titles = count_titles(records)
    rest = records[titles:]
    if len(rest) < 2:
        return None
    best = Candidate(",", records, titles, width, 1.0, 1.0, 0.0)
    layout = header_layout(best, rest, titles, b"", [])
    names = layout.names[:width] + [f"column_{i}" for i in range(len(layout.names) + 1, width + 1)]
    data_row = layout.data_line
    body_top = data_row - 1  # grid row of the first body row
    if body_top >= block.bottom:
        return None
    columns = [typed_column(grid.columns[c].slice(body_top, block.bottom - body_top))
               for c in range(block.left, block.right)]
    return SheetTable(
        sheet=grid.sheet,
        names=names,
        columns=columns,
        top_row=block.top + 1,
        data_row=data_row,
        first_col=grid.col_offset + block.left,
        last_row=block.bottom,
        header_rows=layout.header_rows,
        title_rows=titles,
        notes=tuple(layout.notes),
    )


_LEADING_ZERO = r"^[-+]?0\d"


def typed_column(arr: pa.Array) -> pa.Array:
    """A body column as float64 when every cell holds a number as the reader writes a numeric cell
    (``12``, ``2.5``, ``-3.25``, ``1e-05``), else unchanged. The table analysis then need not parse the
    column as text, which is most of its cost on a large sheet; a column with a suppression marker, a
    label, a thousands separator or a code with a leading zero (``0101``) stays text and is read as a
    CSV's is."""
    import pyarrow.compute as pc

    if arr.null_count == len(arr):
        return arr
    try:
        # Arrow's parser stops at the first cell that is not a number: a text column costs one cell.
        typed = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return arr
    if pc.any(pc.match_substring_regex(arr, _LEADING_ZERO)).as_py() or not pc.all(
            pc.is_finite(typed.drop_null())).as_py():
        return arr  # codes with leading zeros; "nan"/"inf" written as text
    return typed


def grid_text(grid: SheetGrid, max_rows: int) -> str:
    """The sheet's first ``max_rows`` rows as text, cells separated by tabs, one line per sheet row (line
    ``r`` is sheet row ``r``): for readers of printed output (a regression table pasted into a sheet)."""
    n = min(grid.n_rows, max_rows)
    columns = [c.slice(0, n).to_pylist() for c in grid.columns]
    return "\n".join("\t".join(col[r] or "" for col in columns) for r in range(n))


#: Sheet rows above a table's header read as its title ("Table 2. Diagnoses (N = 150)" a blank row above).
TITLE_ROWS = 4


def title_text(grid: SheetGrid, table: SheetTable) -> str:
    """The text of the sheet rows above ``table``'s header (its title rows and up to :data:`TITLE_ROWS` rows
    above its block), cells separated by tabs."""
    end = table.data_row - 1 - table.header_rows  # grid row of the first header row
    start = max(0, min(table.top_row - 1, end) - TITLE_ROWS)
    if end <= start:
        return ""
    columns = [c.slice(start, end - start).to_pylist() for c in grid.columns]
    return "\n".join("\t".join(col[r] or "" for col in columns) for r in range(end - start))


def block_text(grid: SheetGrid, block: Block) -> list[str]:
    """The non-empty cells of a block, one per item (for the identifier search of notes and titles)."""
    out: list[str] = []
    for c in range(block.left, block.right):
        values = grid.columns[c].slice(block.top, block.bottom - block.top)
        out.extend(v for v in values.to_pylist() if v)
    return out


#: Last body rows of a table compared with the first row of a band below it (see _continues).
_CONTINUATION_ROWS = 5
_NUMBER_CELL = lazy_compile(r"[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?%?")


def _row_pattern(grid: SheetGrid, row: int, left: int, right: int) -> tuple[str, ...]:
    """Per cell of a row: empty, number or text (to tell a table's continuation from a new table)."""
    out = []
    for c in range(left, right):
        v = grid.columns[c][row].as_py()
        out.append("" if v is None else "9" if _NUMBER_CELL.fullmatch(v.strip()) else "a")
    return tuple(out)


def _continues(grid: SheetGrid, table: SheetTable, block: Block, left: int, right: int) -> bool:
    """Whether ``block`` (a band under blank rows) continues ``table``: it lies within the table's columns
    and its first row has the same cells (empty, number, text) as one of the table's last rows (the row
    just above the gap is often a group label: "Age group" over its rows). A new table starts with a
    title or a header, which differ from the data rows above it."""
    if block.left < left or block.right > right:
        return False
    first = _row_pattern(grid, block.top, left, right)
    if not any(first):
        return False
    for k in range(min(_CONTINUATION_ROWS, table.n_rows)):
        row = table.sheet_row(table.n_rows - k) - 1  # grid row of one of the last body rows
        if _row_pattern(grid, row, left, right) == first:
            return True
    return False


def _extend(table: SheetTable, grid: SheetGrid, block: Block, left: int, right: int) -> SheetTable:
    """``table`` with the rows of ``block`` appended (the blank rows between are not part of the body)."""
    rows = table.row_map if table.row_map is not None else np.arange(table.data_row, table.last_row + 1)
    row_map = np.concatenate([rows, np.arange(block.top + 1, block.bottom + 1)]).astype(np.int64)
    take = pa.array(row_map - 1)
    columns = [typed_column(grid.columns[c].take(take)) for c in range(left, right)]
    return dataclasses.replace(table, columns=columns, last_row=block.bottom, row_map=row_map)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unstack_statistics(table: SheetTable) -> SheetTable | None:
    """A table whose first column stacks each group's statistics under the group's label (Stata's ``collect
    export`` and ``table (year) (reform), statistic(frequency) statistic(mean y)``: a row "2007" alone, then
    "Frequency" and "Mean (employed)" rows of numbers) as one row per group, a column per value column and
    statistic ("No | Frequency", "No | Mean (employed)"). None when the table is not stacked so: every group
    must have the same statistics, at least two groups, and each statistic row's label must name a statistic
    (a frequency or count, a mean, a share ...). Read so, a frequency of 2 is a small count and the repeated
    statistic names are no unit rows."""
    from scanner.names import COUNT_STAT_NAMES, statistic_kind

    if len(table.names) < 2 or table.n_rows < 6:
        return None
    labels = [_cell_text(v) for v in table.columns[0].to_pylist()]
    rest = [c.to_pylist() for c in table.columns[1:]]

    def is_stat(label: str | None) -> bool:
        text = (label or "").strip()
        return bool(text) and (text.lower() in COUNT_STAT_NAMES or statistic_kind(text) is not None)

    groups: list[tuple[str, int, list[int]]] = []  # (label, body row of the label, body rows of its statistics)
    stub = table.names[0]
    if " | " in stub and is_stat(labels[0]):
        # the first group's label read as the header's last line ("Year | 2005-2006" over "Frequency")
        stub, first = stub.rsplit(" | ", 1)
        groups.append((first.strip(), -1, []))
    for k, label in enumerate(labels):
        alone = all(col[k] is None or str(col[k]).strip() == "" for col in rest)
        if label and label.strip() and alone and not is_stat(label):
            groups.append((label.strip(), k, []))
        elif is_stat(label) and groups and not alone:
            groups[-1][2].append(k)
        elif label is None and alone:
            continue  # a blank row between groups
        else:
            return None
    if groups and not groups[0][2]:
        groups = groups[1:]  # the stub's name on a row of its own above the groups ("Year")
    if len(groups) < 2 or any(not rows for _, _, rows in groups):
        return None
    stats = [labels[k].strip() for k in groups[0][2]]  # type: ignore[union-attr]
    if len(stats) < 2 or len(set(stats)) != len(stats) \
            or any([labels[k].strip() for k in rows] != stats for _, _, rows in groups):  # type: ignore[union-attr]
        return None
    names = [stub] + [f"{name} | {stat}" for name in table.names[1:] for stat in stats]
    body = [[label] + [_cell_text(col[k]) for col in rest for k in rows] for label, _, rows in groups]
    columns = [pa.array([r[c] for r in body], pa.string()) for c in range(len(names))]
    sheet_row = (table.row_map if table.row_map is not None else
                 np.arange(table.data_row, table.data_row + table.n_rows))
    row_map = np.array([sheet_row[rows[0]] for _, _, rows in groups], dtype=np.int64)
    col_map = (0, *(1 + j for j in range(len(table.names) - 1) for _ in stats))
    return dataclasses.replace(table, names=names, columns=columns, row_map=row_map, col_map=col_map,
                               notes=(*table.notes, "statistics stacked under each group read as one row a group"))


def _unstacked_table(table: SheetTable | None) -> SheetTable | None:
    return (unstack_statistics(table) or table) if table is not None else None


def sheet_tables(grid: SheetGrid) -> Iterator[tuple[Block, SheetTable | None]]:
    """Every block of the sheet with its table (None for a block that is a title or a note).

    A band under blank rows that continues the table above it (a spacer row inside a table) is added to
    that table instead of becoming a headerless table of its own.
    """
    pending: tuple[Block, SheetTable, int, int] | None = None
    nb = grid.nonblank
    if not nb.size:
        return
    for r0, r1 in _runs(nb.any(axis=1)):
        cols = _runs(nb[r0:r1].any(axis=0))
        band = Block(r0, r1, cols[0][0], cols[-1][1])
        if pending is not None:
            first, table, left, right = pending
            if _continues(grid, table, band, left, right):
                pending = (first, _extend(table, grid, band, left, right), left, right)
                continue
            yield first, table
            pending = None
        blocks: list[Block] = []
        _cut(nb, band.top, band.bottom, band.left, band.right, 0, blocks)
        tables = [(b, _unstacked_table(block_table(grid, b))) for b in blocks]
        if len(tables) == 1 and tables[0][1] is not None:
            b, t = tables[0]
            assert t is not None
            pending = (b, t, b.left, b.right)
            continue
        yield from tables
    if pending is not None:
        yield pending[0], pending[1]
