"""TAB: tables — small cells and tables that are microdata in disguise."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from scanner import masking
from scanner.config import Profile
from scanner.findings import Finding, Severity
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule
from scanner.table_model import ColumnInfo, TableModel, TableShape

__all__ = ["CellScan", "MostlyOnesOptions", "SmallCellOptions", "scan_cells"]

# At most this many TAB001 findings per file are itemised; the rest are summed up in one finding, so a
# 30,000-row table with 250 small cells gives a readable report.
MAX_ITEMISED = 100
# Dimension labels shown per cell.
MAX_LABELS = 6


@dataclass(frozen=True, slots=True)
class SmallCellOptions:
    """TAB001 options (see rules.toml). The threshold itself comes from the profile."""

    count_words: tuple[str, ...] = ()
    not_count_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MostlyOnesOptions:
    """TAB005 options (see rules.toml)."""

    ones_share: float = 0.5
    min_cells: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.ones_share <= 1:
            raise ValueError("ones_share must be a share between 0 and 1")
        if self.min_cells < 1:
            raise ValueError("min_cells must be at least 1")


@dataclass(slots=True)
class SmallCell:
    row: int
    column: str
    zero: bool
    labels: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class CellScan:
    """One pass over every count cell of a table: small cells (itemised up to a cap) and totals."""

    cells: int = 0
    ones: int = 0
    small: int = 0
    itemised: list[SmallCell] = field(default_factory=list)
    per_column_cells: dict[str, int] = field(default_factory=dict)


def _is_small(values: pl.Expr, profile: Profile) -> pl.Expr:
    small = (values > 0) & (values < profile.threshold)
    if profile.zeros_disclosive:
        small = small | (values == 0)
    return small


def scan_cells(table: TableModel, profile: Profile) -> CellScan:
    """Stream every row once and collect what TAB001 and TAB005 need (memoised on the table)."""
    cache_key = ("cells", profile.threshold, profile.zeros_disclosive)
    cached = table.cache.get(cache_key)
    if isinstance(cached, CellScan):
        return cached
    result = CellScan()
    counts = table.counts
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
                labels = tuple((masking.mask_name(d), masking.mask_label(_label(rec[d]))) for d in dims)
                result.itemised.append(SmallCell(offset + int(rec["__row"]) + 1, col.name,
                                                 rec[col.name] == 0, labels))
    table.cache[cache_key] = result
    return result


def _label(value: object) -> object:
    """A dimension value as the table shows it: numeric codes were parsed as floats (2011.0 -> 2011)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _count_columns_note(counts: list[ColumnInfo]) -> str:
    names = ", ".join(repr(masking.mask_name(c.name)) for c in counts[:5])
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    return names + more


@rule("TAB001", "small-cell", Severity.BLOCK, (Shape.TABLE,), SmallCellOptions)
def small_cell(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A table cell with fewer observations than the profile's threshold.

    What it flags: every count below the threshold (3 at Statistics Denmark and SCB, 10 under the ACRO
    defaults) in a column the table analysis identified as counts, at the table's lowest level. Zeros are
    flagged only where the profile says zeros are disclosive.

    Why it is disclosive: a cell of 1 or 2 lets the researcher, or anyone who knows one of the units, learn
    something about a person or firm (with two units, each learns the other's value).

    Example: `Christiansø;Women;99 years;1` in a population table.

    Options: `count_words` and `not_count_words` decide which whole-number columns hold counts. The
    threshold and zero handling come from the profile (`threshold`, `zeros_disclosive`).

    References: Statistics Denmark, rules for sending results home (at least 3 observations per cell);
    ACRO/SACRO rules of thumb (threshold 10); Hundepool et al., Statistical Disclosure Control (2012),
    ch. 5.
    """
    if table.shape is TableShape.MICRODATA or not table.counts:
        return
    profile = ctx.profile
    scan = scan_cells(table, profile)
    rule_text = f"fewer than {profile.threshold} observations"
    for cell in scan.itemised:
        where = ", ".join(f"{k}={v}" for k, v in cell.labels) or f"row {cell.row}"
        what = "an empty cell, which this profile treats as disclosive" if cell.zero else rule_text
        yield ctx.finding(
            f"Cell ({where}) in column {masking.mask_name(cell.column)!r} has {what}.",
            masking.evidence(f"count {masking.count_band(0 if cell.zero else 1, profile.threshold)} "
                             f"(threshold {profile.threshold}, profile {profile.name})"),
            row=cell.row,
            column=cell.column,
            cell=cell.labels or None,
            identity=f"row{cell.row}" if not cell.labels else "",
        )
    rest = scan.small - len(scan.itemised)
    if rest > 0:
        yield ctx.finding(
            f"{rest:,} more cells have {rule_text} (only the first {len(scan.itemised)} are listed); "
            f"count columns: {_count_columns_note(table.counts)}.",
            masking.note(f"{scan.small:,} small cells of {scan.cells:,} count cells"),
            identity="more",
        )


@rule("TAB005", "mostly-ones", Severity.BLOCK, (Shape.TABLE,), MostlyOnesOptions)
def mostly_ones(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A "table" whose count cells are mostly 1: microdata in disguise.

    What it flags: tables where at least `ones_share` of the count cells equal 1 (with at least
    `min_cells` cells).

    Why it is disclosive: a frequency table built over so many dimensions that most cells hold one person
    is a list of persons with their attributes. Statistics Denmark names it explicitly as microdata.

    Example: a crosstab of `age x municipality x diagnosis x year` where 80 % of cells are 1.

    Options: `ones_share`, `min_cells`.

    References: Statistics Denmark, rules for sending results home ("a table whose cells are mostly 1").
    """
    if table.shape is TableShape.MICRODATA or not table.counts:
        return
    opts: MostlyOnesOptions = ctx.options
    scan = scan_cells(table, ctx.profile)
    if scan.cells >= opts.min_cells and scan.ones >= opts.ones_share * scan.cells:
        share = round(100 * scan.ones / scan.cells)
        yield ctx.finding(
            f"{share} % of the table's {scan.cells:,} count cells are 1: this is microdata in table form.",
            masking.note(f"{scan.ones:,} of {scan.cells:,} count cells equal 1; count columns: "
                         f"{_count_columns_note(table.counts)}"),
            identity="ones",
        )
