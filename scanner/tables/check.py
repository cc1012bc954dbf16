"""``--check``: read a table a researcher exported and match it cell by cell against the recomputed one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from scanner.lazy_regex import lazy_compile
from scanner.tables.compute import TableError
from scanner.tables.model import CellTable, Exported, display
from scanner.tables.writers import stat_column

if TYPE_CHECKING:
    from scanner.config import Config

def read_exported(path: Path, table: CellTable, config: Config, *, column: str | None = None) -> Exported:
    """Read a table a researcher exported and match its cells to the recomputed ones.

    Two layouts are read. Long: a column per ``--by`` dimension and one column of numbers (named with
    ``column``, or the only other column, or one named count, n, antal, value, total, sum, mean). Wide:
    the levels of one ``--by`` dimension are the headers (``region;M;K;I alt``), possibly with a total
    column and a total row, the other dimensions are columns (matched by name, else by their values).
    Labels match case- and whitespace-insensitively; margin labels (``Total``, ``I alt``, ``Yhteensä``,
    empty...) stand for the margin.
    """
    from scanner.loaders.base import SUPPRESSION_MARKER, LoadError
    from scanner.loaders.csv import open_csv

    try:
        source = open_csv(path)
        import pyarrow as pa

        batches = list(source.batches())
        frame = pl.from_arrow(pa.Table.from_batches(batches, schema=source.schema))
    except LoadError as exc:
        raise TableError(f"cannot read the exported table {path.name}: {exc.reason}") from None
    assert isinstance(frame, pl.DataFrame)
    frame = frame.select(pl.all().cast(pl.String, strict=False))
    by = table.spec.by
    levels = [_level_index(lv) for lv in table.ext.cells.labels]
    names = {_norm_text(c): c for c in frame.columns}
    row_cols: dict[int, str] = {d: names[_norm_text(dim)] for d, dim in enumerate(by) if _norm_text(dim) in names}
    notes: list[str] = []
    header_dim = -1
    if len(row_cols) == len(by):
        value_col = _value_column(frame, list(row_cols.values()), table, path.name, column)
        cells: list[tuple[int | None, str]] = [(None, value_col)]
    else:
        if column is not None:
            absent = ", ".join(repr(by[d]) for d in range(len(by)) if d not in row_cols)
            raise TableError(f"--check-column names the number column of a long export; {path.name} is missing "
                             f"the --by column(s) {absent}")
        header_dim, cells = _wide_headers(frame, row_cols, levels, by, path.name)
        row_cols = _wide_row_columns(frame, row_cols, header_dim, {c for _, c in cells}, levels, by, path.name)
        ignored = [c for c in frame.columns if c not in row_cols.values() and c not in {c for _, c in cells}]
        if ignored:
            notes.append(f"{len(ignored)} columns of the export match no level of {by[header_dim]!r} and were not read")
    shape = table.ext.shape
    n = table.size
    row = np.zeros(n, dtype=np.int64)
    suppressed = np.zeros(n, dtype=bool)
    value = np.full(n, np.nan)
    unmatched: list[int] = []
    markers = {m.strip() for m in config.profile.suppression_markers}
    unreadable = 0
    order = [row_cols[d] for d in sorted(row_cols)]
    dims_in_rows = sorted(row_cols)
    for i, rec in enumerate(frame.select(order + [c for _, c in cells]).iter_rows(), start=1):
        coords: list[int | None] = [None] * len(by)
        for d, label in zip(dims_in_rows, rec[: len(order)], strict=True):
            coords[d] = _match_level(label, levels[d])
        if any(coords[d] is None for d in dims_in_rows):
            unmatched.append(i)
            continue
        for (header_level, _), cell in zip(cells, rec[len(order):], strict=True):
            full = list(coords)
            if header_level is not None:
                full[header_dim] = header_level
            flat = int(np.ravel_multi_index(tuple(int(c) for c in full), shape))  # type: ignore[arg-type]
            row[flat] = i
            text = "" if cell is None else str(cell).strip()
            # an empty cell hides its number as a marker does (it publishes nothing a rule could pass)
            if not text or text in markers or SUPPRESSION_MARKER.fullmatch(text):
                suppressed[flat] = True
                continue
            try:
                value[flat] = _export_number(text)
            except ValueError:
                unreadable += 1
                suppressed[flat] = True  # not a number we can check: treated as hidden
    if unreadable:
        notes.append(f"{unreadable} exported cells are neither numbers nor suppression markers")
    if unmatched:
        notes.append(f"{len(unmatched)} exported rows match no cell of the data")
    return Exported(path.name, row, suppressed, value, unmatched, notes)


def _value_column(frame: pl.DataFrame, by_cols: list[str], table: CellTable, name: str, column: str | None) -> str:
    """The column of numbers of a long export."""
    rest = [c for c in frame.columns if c not in by_cols]
    if column is not None:
        if column not in frame.columns:
            raise TableError(f"the exported table {name} has no column {column!r}")
        return column
    wanted = {stat_column(table.spec).lower(), "count", "n", "antal", "value", "total", "sum", "mean"}
    named = [c for c in rest if c.strip().lower() in wanted]
    if len(rest) == 1:
        return rest[0]
    if len(named) == 1:
        return named[0]
    raise TableError(f"cannot tell which column of {name} holds the numbers "
                     f"({', '.join(repr(c) for c in rest)}): name it with --check-column")


def _wide_headers(frame: pl.DataFrame, row_cols: dict[int, str], levels: list[dict[str, int]],
                  by: Sequence[str], name: str) -> tuple[int, list[tuple[int | None, str]]]:
    """The dimension whose levels are the headers of a wide export, and its cells: (level, column) pairs
    (the level of a total column is the margin)."""
    free = [c for c in frame.columns if c not in row_cols.values()]
    missing = [d for d in range(len(by)) if d not in row_cols]
    matches = {d: [c for c in free if _norm_text(c) in levels[d]] for d in missing}
    best = max(len(m) for m in matches.values())
    top = [d for d in missing if len(matches[d]) == best]
    if best == 0 or len(top) > 1:
        which = ", ".join(repr(by[d]) for d in missing)
        raise TableError(f"the exported table {name} has no column for {which}, and its headers "
                         f"{'match none of its levels' if best == 0 else 'match the levels of several of them'} "
                         f"(columns: {', '.join(repr(c) for c in frame.columns)})")
    dim = top[0]
    cells: list[tuple[int | None, str]] = []
    for c in free:
        level = _match_level(c, levels[dim], blank_is_margin=False)
        if level is not None:
            cells.append((level, c))
    return dim, cells


def _wide_row_columns(frame: pl.DataFrame, row_cols: dict[int, str], header_dim: int, header_cols: set[str],
                      levels: list[dict[str, int]], by: Sequence[str], name: str) -> dict[int, str]:
    """The label columns of a wide export: those named as a dimension, and for a dimension named by no
    column the free column whose labels match its levels best (at least half of them)."""
    out = dict(row_cols)
    for d in range(len(by)):
        if d in out or d == header_dim:
            continue
        best, share = None, 0.0
        for c in frame.columns:
            if c in header_cols or c in out.values():
                continue
            labels = [v for v in frame.get_column(c).to_list() if v is not None and str(v).strip()]
            if not labels:
                continue
            hit = sum(_match_level(v, levels[d]) is not None for v in labels) / len(labels)
            if hit > share:
                best, share = c, hit
        if best is None or share < 0.5:
            raise TableError(f"the exported table {name} has no column for {by[d]!r} (columns: "
                             f"{', '.join(repr(c) for c in frame.columns)})")
        out[d] = best
    return out


def _level_index(levels: Sequence[Any]) -> dict[str, int]:
    """Normalised label -> index of a dimension's levels (the margin is ``len(levels)``)."""
    return {_norm_label(display(v)): i for i, v in enumerate(levels)}


def _match_level(label: Any, index: dict[str, int], *, blank_is_margin: bool = True) -> int | None:
    """The level a printed label stands for: a level, the margin (a margin label, or blank), or None.

    A level wins over a margin word, so a category really called "All" stays itself.
    """
    norm = _norm_label(label)
    if norm in index:
        return index[norm]
    from scanner.names import is_margin_label

    if (norm == "" and blank_is_margin) or (norm and is_margin_label(norm)):
        return len(index)
    return None


_DIGIT_GROUP = lazy_compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


def _export_number(text: str) -> float:
    """A number as an exported table prints it ("12 345", "18,5"); ValueError when it is none."""
    return float(_DIGIT_GROUP.sub("", text).replace(",", "."))


def _norm_text(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _norm_label(value: Any) -> str:
    """A label compared across files: case and runs of whitespace ignored, "2011.0" read as "2011"."""
    if value is None:
        return ""
    text = _norm_text(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and "." in text else text
