"""The count cells of a published table (a file found by ``sdcscan scan``), read once for TAB001 and TAB005.

One pass over every row of the table's count columns collects what both rules report: how many count
cells there are, how many hold 1, and which are under the profile's threshold (itemised up to a cap, with
their dimension labels masked). The engine computes it at most once per table, and only when an enabled
rule needs it (:mod:`scanner.engine`); the rules read the result and compute nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner import masking

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    import polars as pl

    from scanner.settings import Profile
    from scanner.table_model import TableModel

__all__ = ["MAX_ITEMISED", "MAX_LABELS", "CellScan", "SmallCell", "plain_label", "scan_cells"]

#: At most this many cells are itemised per table; the rest are counted (a 30,000-row table with 250 small
#: cells gives a readable report).
MAX_ITEMISED = 100
#: Dimension labels kept per cell.
MAX_LABELS = 6


@dataclass(frozen=True, slots=True)
class SmallCell:
    """A count under the threshold: its 1-based data row, column, whether it is a zero, masked labels."""

    row: int
    column: str
    zero: bool
    labels: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class CellScan:
    """Every count cell of a table: how many, how many are 1, the small ones (itemised up to a cap)."""

    cells: int = 0
    ones: int = 0
    small: int = 0
    itemised: list[SmallCell] = field(default_factory=list)
    per_column_cells: dict[str, int] = field(default_factory=dict)


def plain_label(value: object) -> object:
    """A dimension value as the table shows it: numeric codes were parsed as floats (2011.0 -> 2011)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_small(values: pl.Expr, profile: Profile) -> pl.Expr:
    small = (values > 0) & (values < profile.threshold)
    if profile.zeros_disclosive:
        small = small | (values == 0)
    return small


def scan_cells(table: TableModel, profile: Profile) -> CellScan:
    """Stream every row of ``table`` once and collect its count cells. A table read as microdata, or without
    count columns, has no count cells (and is not read at all)."""
    from scanner.table_model import TableShape

    result = CellScan()
    counts = table.counts
    if table.shape is TableShape.MICRODATA or not counts:
        return result
    import polars as pl

    dims = [c.name for c in table.dimensions][:MAX_LABELS]
    for offset, frame in table.frames():
        for col in counts:
            values = frame.get_column(col.name)
            present = values.drop_nulls().drop_nans()
            result.cells += present.len()
            result.per_column_cells[col.name] = result.per_column_cells.get(col.name, 0) + present.len()
            result.ones += int((present == 1).sum())
            idx = frame.with_row_index("__row").filter(_is_small(pl.col(col.name), profile))
            result.small += idx.height
            room = MAX_ITEMISED - len(result.itemised)
            for rec in idx.head(max(room, 0)).iter_rows(named=True):
                labels = tuple((masking.mask_name(d), masking.mask_label(plain_label(rec[d]))) for d in dims)
                result.itemised.append(SmallCell(offset + int(rec["__row"]) + 1, col.name,
                                                 rec[col.name] == 0, labels))
    return result
