"""TAB: tables — small cells, dominance, recoverable suppression and tables that are microdata in disguise.

Two inputs: a table file found by ``sdcscan scan`` (:class:`~scanner.table_model.TableModel`, counts as
published), and the cells of a table built from microdata by ``sdcscan table``
(:class:`~scanner.tables.model.CellTable`, with row and unit counts, totals and the two largest contributions
of every cell, margins included)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scanner import masking
from scanner.analysis.cell_flags import cell_flags, counts_units, primary_cells
from scanner.analysis.published_cells import MAX_ITEMISED, MAX_LABELS, CellScan, splits_rows
from scanner.analysis.published_cells import plain_label as _label
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.names import OF_WHICH_WORDS, SHARE_BOUND_WORDS
from scanner.rules.context import RuleContext
from scanner.rules.extremes import Group, group_layout, iter_groups
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    import polars as pl

    from scanner.table_model import ColumnInfo, TableModel

if TYPE_CHECKING:
    from scanner.tables.model import CellFlags, CellTable

__all__ = ["MostlyOnesOptions", "SmallCellOptions"]

@dataclass(frozen=True, slots=True)
class SmallCellOptions:
    """TAB001 options (see rules.toml). The threshold itself comes from the profile."""

    count_words: tuple[str, ...] = ()
    not_count_words: tuple[str, ...] = ()
    #: in a table built with a unit column: count distinct "units" (persons, firms) or "rows"
    table_count: str = "units"

    def __post_init__(self) -> None:
        if self.table_count not in ("units", "rows"):
            raise ValueError('table_count must be "units" or "rows"')


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


def _count_columns_note(counts: list[ColumnInfo]) -> str:
    names = ", ".join(repr(masking.mask_name(c.name)) for c in counts[:5])
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    return names + more


@rule("TAB001", "small-cell", Severity.BLOCK, (Shape.TABLE, Shape.CELLS), SmallCellOptions, needs=("published-cells",))
def small_cell(ctx: RuleContext, table: TableModel | CellTable) -> Iterator[Finding]:
    """A table cell with fewer observations than the profile's threshold.

    What it flags: every count below the threshold (3 at Statistics Denmark and SCB, 10 under the ACRO
    defaults) in a column the table analysis identified as counts, at the table's lowest level. Zeros are
    flagged only where the profile says zeros are disclosive. A count published as a share of a group's
    size is one too: `n = 4` beside `pct_women = 25.0` is one woman; every whole count the rounded share
    allows must be under the threshold (0.1 % of 1,500 is 1 or 2). A frequency table's percentages of
    the column total, rates, cumulative shares and shares of an amount are not read so.

    Why it is disclosive: a cell of 1 or 2 lets the researcher, or anyone who knows one of the units, learn
    something about a person or firm (with two units, each learns the other's value).

    Example: `Christiansø;Women;99 years;1` in a population table.

    In a table built from microdata (`sdcscan table`), every cell is checked, margins included; with
    `--unit` the observations are distinct units (a firm with six rows is one observation).

    Options: `count_words` and `not_count_words` decide which whole-number columns hold counts;
    `table_count` ("units" or "rows") what `sdcscan table --unit` counts. The threshold and zero handling
    come from the profile (`threshold`, `zeros_disclosive`).

    References: Statistics Denmark, rules for sending results home (at least 3 observations per cell);
    ACRO/SACRO rules of thumb (threshold 10); Hundepool et al., Statistical Disclosure Control (2012),
    ch. 5.
    """
    from scanner.table_model import TableModel, TableShape

    if not isinstance(table, TableModel):
        yield from _small_cells(ctx, table)
        return
    if table.shape is TableShape.MICRODATA:
        return
    profile = ctx.profile
    yield from _unsure_columns(ctx, table)
    scan: CellScan = ctx.fact("published-cells")
    rule_text = f"fewer than {profile.threshold} observations"
    # counts of units read out of sentences ("2 patients died") may be categories: a person decides
    prose = Severity.REVIEW if table.meta.format in ("text-prose-units-table", "text-prose-shares-table",
                                                     "text-dropped-table") else None
    shares = table.meta.format == "text-prose-shares-table"
    dropped = table.meta.format == "text-dropped-table"
    for cell in scan.itemised:
        where = ", ".join(f"{k}={v}" for k, v in cell.labels) or f"row {cell.row}"
        what = "an empty cell, which this profile treats as disclosive" if cell.zero else rule_text
        derived = ""
        if cell.ddd_users:
            what = (f"users that the doses per 1,000 inhabitants per day in column "
                    f"{masking.mask_name(cell.ddd_users)!r} times the population in column "
                    f"{masking.mask_name(cell.size_column)!r}, over this column's doses per user, give back, and "
                    f"they count {rule_text}")
            derived = ", DDD/1000/day x population x 365 / DDD per user"
        elif cell.known_values:
            what = (f"statistics of the group's known values, and the group's size in {cell.size_in} (its "
                    f"unknown values) counts {rule_text}: each statistic is of that many units")
            derived = ", stated size - unknown"
        elif cell.top_group:
            what = (f"a statistic of the top {cell.top_group} % of the group, and {cell.top_group} % of the group's "
                    f"size in column {masking.mask_name(cell.size_column)!r} counts {rule_text}: the statistic "
                    "is those units' own")
            derived = ", top x % x size"
        elif cell.total_over_mean:
            what = (f"a hidden count that the row's total in column {masking.mask_name(cell.size_column)!r} over "
                    f"its mean per unit in column {masking.mask_name(cell.total_over_mean)!r} gives back, and it "
                    f"counts {rule_text}")
            derived = ", total / mean"
        elif cell.size_column or cell.size_in:
            where_size = f"column {masking.mask_name(cell.size_column)!r}" if cell.size_column else cell.size_in
            what = f"a share of the group's size in {where_size} that counts {rule_text}"
            derived = ", share x size"
            if cell.indicator_mean and cell.binary_sd and not cell.unsure:
                what = (f"a mean between 0 and 1 beside the group's size in {where_size}, and its standard "
                        f"deviation in column {masking.mask_name(cell.binary_sd)!r} is a 0/1 variable's, "
                        f"sqrt(p (1 - p)): the variable is an indicator, and the mean x size counts {rule_text}")
                derived = ", mean x size"
            elif cell.indicator_mean and not cell.unsure:
                what = (f"a mean between 0 and 1 beside the group's size in {where_size}, a whole count over that "
                        f"size on every row: the variable is an indicator (0/1), and the mean x size counts "
                        f"{rule_text}")
                derived = ", mean x size"
            elif cell.indicator_mean:
                what = (f"a mean between 0 and 1 beside the group's size in {where_size}: if the variable is an "
                        f"indicator (0/1) the mean is the share of the group with it, and counts {rule_text}; "
                        "a person must check what the variable is")
                derived = ", mean x size"
            if cell.hidden_category:
                what = (f"a suppressed category of its variable that the group's size in {where_size} minus the "
                        f"variable's other categories gives back, and it counts {rule_text}")
                derived = ", size - the other categories"
            elif cell.hidden_share:
                what = (f"a suppressed share that 100 % minus the row's other shares gives back, and of the "
                        f"group's size in {where_size} it counts {rule_text}")
                derived = ", (100 % - the other shares) x size"
            elif cell.complement:
                what = (f"a share of the group's size in {where_size} whose rest (100 % minus the share: the "
                        f"group's other units) counts {rule_text}")
                derived = ", (100 % - share) x size"
        elif cell.flow:
            what = (f"a hidden flow that its node's published inflows and outflows give back (what flows in "
                    f"flows out), and it counts {rule_text}")
            derived = ", node's inflow - its other outflows"
        elif cell.window_sum:
            what = (f"a moving average whose window's sum (the window's length x the average) is a count of units "
                    f"that counts {rule_text}")
            derived = ", window x average"
        elif cell.moving_average:
            what = (f"a hidden count that the moving average in column {masking.mask_name(cell.moving_average)!r} "
                    f"and the published counts in its window give back, and it counts {rule_text}")
            derived = ", window x average - the other counts"
        elif cell.change_column:
            what = (f"a hidden count that the other period and the change in column "
                    f"{masking.mask_name(cell.change_column)!r} give back, and it counts {rule_text}")
            derived = ", other period x change"
        elif cell.at_risk_step:
            what = ("a fall of the numbers at risk from the time point before (the patients who died or were "
                    f"censored in between) that counts {rule_text}")
            derived = ", step of the numbers at risk"
        elif cell.excluded:
            what = (f"a step of a selection written as a negative number (the units it excluded, the first row "
                    f"plus the steps giving the last) that counts {rule_text}")
            derived = ", selection's step"
        elif cell.exits:
            what = (f"a fall from the count before it (the row above, or the wave before) in a closed cohort (the "
                    f"persons who left it) that counts {rule_text}")
            derived = ", closed cohort's step"
        elif cell.cumulative:
            what = f"a step of its cumulative counts from the row above that counts {rule_text}"
            derived = ", cumulative step"
        elif cell.subset_of:
            what = (f"the rest of the total in column {masking.mask_name(cell.subset_of)!r} (the total minus this "
                    f"'of which' part) that counts {rule_text}")
            derived = ", total minus its part"
        elif cell.of_which_columns:
            what = (f"a total whose 'of which' columns beside it leave {rule_text} (the total less its parts: the "
                    "units in none of them" + (", unless the parts overlap; a person must check)" if cell.unsure
                                               else ")"))
            derived = ", total minus its 'of which' columns"
        elif cell.of_which_rows:
            what = (f"a count whose 'of which' rows under it leave {rule_text} (the row less its parts: the units "
                    "in none of them)")
            derived = ", row minus its 'of which' rows"
        elif cell.gap:
            what = (f"a total that exceeds the sum of its cells by {rule_text}: a category left out of the table "
                    "(missing, other) holds a small count" + (", unless the total is not their sum; a person "
                                                             "must check" if cell.unsure else ""))
            derived = ", total minus cells"
        message = f"Cell ({where}) in column {masking.mask_name(cell.column)!r} has {what}."
        if cell.stated:
            place = (f"The header of column {masking.mask_name(cell.column)!r}" if cell.row == 0 else
                     f"The label of row ({where})")
            message = (f"{place} states a group size with {rule_text}: the size is a small cell, and every "
                       "figure of the group (a median, a mean, a share) is of that many units.")
            derived = ", stated group size"
        if shares:
            message = (f"A sentence gives a percentage of a group whose size it or the sentence before it states, and "
                       f"the percentage counts {rule_text} (the share times the size is a count of units), unless it "
                       "is of another group. A person must check.")
            derived = ", a percentage of a size stated in the text"
        elif dropped:
            message = (f"The log shows a step of the data's selection that removed {rule_text} (a command's "
                       "deleted observations, or the difference of two counts it printed): the removed are units "
                       "with what the condition says about them, unless the condition is technical (duplicates). "
                       "A person must check.")
            derived = ", removed by a selection step"
        elif prose is not None:
            message = (f"The text gives a count of persons or firms under the threshold ({rule_text}), unless the "
                       "number names a category (families with 2 children). A person must check.")
            derived = ", written in a sentence"
        yield ctx.finding(
            message,
            masking.evidence(f"count {masking.count_band(0 if cell.zero else 1, profile.threshold)}{derived} "
                             f"(threshold {profile.threshold}, profile {profile.name})"),
            row=cell.row or None,
            column=cell.column if prose is None else None,
            cell=cell.labels or None if prose is None else None,
            identity=f"row{cell.row}" if not cell.labels or prose is not None else "",
            severity=prose or (Severity.REVIEW if cell.unsure else None),
        )
    rest = scan.small - len(scan.itemised)
    if rest > 0:
        columns = (f"count columns: {_count_columns_note(table.counts)}" if table.counts else
                   "counts derived from the table's other numbers, as the listed cells say")
        yield ctx.finding(
            f"{rest:,} more cells have {rule_text} (only the first {len(scan.itemised)} are listed); {columns}.",
            masking.note(f"{scan.small:,} small cells of {scan.cells:,} count cells"),
            identity="more",
        )


def _unsure_columns(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """Review, not pass, when a column whose reading was unsure (a code or counts?) holds values that
    would be small cells if it holds counts (DESIGN: an unsure reading that could hide a risk)."""
    from scanner.table_model import ColumnKind

    profile = ctx.profile
    for col in table.columns:
        if col.unreadable and not col.embedded and (col.is_count or col.count_named) \
                and col.kind is ColumnKind.NUMERIC:
            # (a column of counts written in text, "2 (1.3%)", holds statistics too: "52.3 (10.2)")
            yield ctx.finding(
                f"Column {masking.mask_name(col.name)!r} holds counts, and {col.unreadable:,} of its cells "
                f"{'has' if col.unreadable == 1 else 'have'} digits but could not be read as numbers (a range, "
                "an approximate or flagged count); a small count may be written there. A person must check.",
                masking.note(f"unreadable cells in a count column (in the {table.n_sample_rows:,} rows read "
                             f"for the analysis); threshold {profile.threshold}"),
                column=col.name, severity=Severity.REVIEW, identity="unreadable",
            )
        if not col.unsure or col.is_count or col.kind is not ColumnKind.NUMERIC:
            continue
        values = table.sample.get_column(col.name).drop_nulls()
        if values.dtype.is_float():
            values = values.drop_nans()
        small = int(((values > 0) & (values < profile.threshold)).sum())
        if not small:
            continue
        yield ctx.finding(
            f"Column {masking.mask_name(col.name)!r} was {col.unsure}; it holds {small:,} value(s) under the "
            f"threshold, which are small cells if the column holds counts. A person must check.",
            masking.note(f"unsure column reading; threshold {profile.threshold}, profile {profile.name}"),
            column=col.name, severity=Severity.REVIEW, identity="unsure",
        )


@rule("TAB005", "mostly-ones", Severity.BLOCK, (Shape.TABLE, Shape.CELLS), MostlyOnesOptions,
      needs=("published-cells",))
def mostly_ones(ctx: RuleContext, table: TableModel | CellTable) -> Iterator[Finding]:
    """A "table" whose count cells are mostly 1: microdata in disguise.

    What it flags: tables where at least `ones_share` of the count cells equal 1 (with at least
    `min_cells` cells).

    Why it is disclosive: a frequency table built over so many dimensions that most cells hold one person
    is a list of persons with their attributes. Statistics Denmark names it explicitly as microdata.

    Example: a crosstab of `age x municipality x diagnosis x year` where 80 % of cells are 1.

    Options: `ones_share`, `min_cells`.

    References: Statistics Denmark, rules for sending results home ("a table whose cells are mostly 1").
    """
    from scanner.table_model import TableModel, TableShape

    if isinstance(table, TableModel) and (table.shape is TableShape.MICRODATA or not table.counts
                                          or table.meta.format.startswith("text-prose")):
        return  # (numbers read out of sentences are no table of cells)
    opts: MostlyOnesOptions = ctx.options
    if not isinstance(table, TableModel):
        yield from _mostly_ones_cells(ctx, table, opts)
        return
    scan: CellScan = ctx.fact("published-cells")
    if scan.cells >= opts.min_cells and scan.ones >= opts.ones_share * scan.cells:
        share = round(100 * scan.ones / scan.cells)
        yield ctx.finding(
            f"{share} % of the table's {scan.cells:,} count cells are 1: this is microdata in table form.",
            masking.note(f"{scan.ones:,} of {scan.cells:,} count cells equal 1; count columns: "
                         f"{_count_columns_note(table.counts)}"),
            identity="ones",
        )


# --- tables built from microdata (`sdcscan table`) ---------------------------------------------------


def _report(ctx: RuleContext, table: CellTable, flags: CellFlags,
            describe: Callable[[int], tuple[str, str]], review_text: str) -> Iterator[Finding]:
    """Findings for the flagged cells: every cell of a built table, or the published cells of a checked one.

    ``describe(flat)`` gives the message tail and the evidence text (both from masked parts only).
    """
    hit = flags.fail | flags.review
    if table.exported is not None:
        hit &= table.exported.published
    cells = np.flatnonzero(hit)
    for flat in cells[:MAX_ITEMISED]:
        where = ", ".join(f"{k}={v}" for k, v in table.cell(int(flat)))
        row = int(table.exported.row[flat]) if table.exported is not None else None
        if flags.fail[flat]:
            what, ev = describe(int(flat))
            yield ctx.finding(f"Cell ({where}) {what}.", masking.evidence(ev), row=row,
                              cell=table.cell(int(flat)))
        else:
            yield ctx.finding(f"Cell ({where}) {review_text}.", masking.note("negative contributions"), row=row,
                              cell=table.cell(int(flat)), severity=Severity.REVIEW)
    rest = len(cells) - MAX_ITEMISED
    if rest > 0:
        yield ctx.finding(f"{rest:,} more cells break this rule (only the first {MAX_ITEMISED} are listed).",
                          masking.note(f"{len(cells):,} of {table.size:,} cells"), identity="more")


_NEGATIVE = ("has negative contributions: the dominance rules assume non-negative values, so a person must "
             "judge it")


def _small_cells(ctx: RuleContext, table: CellTable) -> Iterator[Finding]:
    profile = ctx.profile
    units = counts_units(table, ctx.options)
    n = table.n(units=units)
    flags = cell_flags(table, "TAB001", ctx.options, profile)
    if flags is None:  # never: TAB001 applies to every table
        return
    noun = "units" if units else "observations"

    def describe(flat: int) -> tuple[str, str]:
        band = masking.count_band(float(n[flat]), profile.threshold)
        if n[flat] == 0:
            return ("is empty, which this profile treats as disclosive",
                    f"count 0 (profile {profile.name})")
        return (f"has fewer than {profile.threshold} {noun}",
                f"{noun} {band} (threshold {profile.threshold}, profile {profile.name})")

    yield from _report(ctx, table, flags, describe, "")


def _mostly_ones_cells(ctx: RuleContext, table: CellTable, opts: MostlyOnesOptions) -> Iterator[Finding]:
    interior = ~table.ext.is_margin()
    n = table.n()[interior]
    present = n[n > 0]
    ones = int((present == 1).sum())
    if present.size >= opts.min_cells and ones >= opts.ones_share * present.size:
        share = round(100 * ones / present.size)
        yield ctx.finding(
            f"{share} % of the table's {present.size:,} non-empty cells hold one unit: this is microdata in "
            "table form (tabulate fewer or coarser dimensions).",
            masking.note(f"{ones:,} of {present.size:,} non-empty cells hold 1"),
            identity="ones",
        )


@rule("TAB002", "dominant-contributors", Severity.BLOCK, (Shape.TABLE, Shape.CELLS))
def dominant_contributors(ctx: RuleContext, table: TableModel | CellTable) -> Iterator[Finding]:
    """A cell whose largest n contributors make up more than k of its value: the (n,k) dominance rule.

    What it flags: in `sdcscan scan`, a published column with the share of the largest one or two units (`CR1`,
    `CR2`, `andel største virksomhed`, `Kahden suurimman osuus`, `top2_share`) above the profile's k: the cell
    beside it is dominated (a share of the three largest above k is `review`, as the rule's n is 2). The share
    is read as percent when the name says so (`%`, `pct.`) or the values do (`91,3 %`, any value above 1), else
    as a fraction (`0.934`). A published table of firms' magnitudes (turnover, wages, employees beside the
    number of firms) without such a share is `review`: dominance cannot be checked from its cells, only with the
    microdata (`sdcscan table ... --check`). Such a table that publishes the largest units' own values beside
    each total (`stoerste;naeststoerste`) is checked on them: a dominated cell is `block`; otherwise `review`,
    as each of those values is one firm's own. In a table of sums or means (`sdcscan table --value ... --stat
    sum|mean`), every cell (margins included) where the largest `nk_n` contributions (1 or 2) make up more than
    `nk_k` of the cell total. The boundary is the profile's: Statistics Denmark and SCB fail a cell at a share
    above 85 % (`nk_inclusive = false`), ACRO at a share of 90 % or more (`nk_inclusive = true`). With `--unit`,
    a contribution is a unit's sum within the cell (a firm with several rows is one contributor; ACRO counts
    rows, which lets a firm with six rows pass as six contributors). A cell with a negative contribution is
    `review`: the rule assumes non-negative values.

    Why it is disclosive: when one or two firms dominate a cell, the published total is close to their own
    value, and the second-largest firm can subtract its own value to estimate the largest one's.

    Example: turnover by region x industry where one firm has 91 % of a cell's turnover.

    Options: none beyond severity; n, k and the boundary come from the profile (`nk_n`, `nk_k`,
    `nk_inclusive`).

    References: Statistics Denmark, rules for sending results home (dominance, 85 %); Hundepool et al.,
    Statistical Disclosure Control (2012), 4.2.2; ACRO `safe_nk_n`/`safe_nk_k`.
    """
    from scanner.table_model import TableModel

    if isinstance(table, TableModel):
        yield from _published_dominance(ctx, table)
        return
    profile = ctx.profile
    flags = cell_flags(table, "TAB002", ctx.options, profile)
    if flags is None:
        return
    sign = ">=" if profile.nk_inclusive else ">"
    pct = f"{profile.nk_k * 100:g} %"
    bound = "at least" if profile.nk_inclusive else "more than"

    def describe(flat: int) -> tuple[str, str]:
        return (f"is dominated: its largest {profile.nk_n} contributors hold {bound} {pct} of its value",
                f"top-{profile.nk_n} share {sign} {pct} (profile {profile.name})")

    yield from _report(ctx, table, flags, describe, _NEGATIVE)


_CR_DIGIT = lazy_compile(r"(?:cr|top|k)[_ ]?([1-9])", re.IGNORECASE)
_TWO_WORDS = lazy_compile(r"\b(two|to|två|kaksi|kahden|2)\b", re.IGNORECASE)


def _dominance_n(name: str) -> int:
    """How many units a published concentration share covers: CR2 -> 2, "andel største" -> 1."""
    m = _CR_DIGIT.search(name)
    if m:
        return int(m.group(1))
    return 2 if _TWO_WORDS.search(name) else 1


# A share as a table prints it: "91,3", "0.934", "91,3 %", "91.3%".
_SHARE_TEXT = lazy_compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(%?)\s*$")
_PERCENT_NAME = lazy_compile(r"%|(?<![a-zæøåäö])(pct|procent|prosent|percent|prosentti|pst)(?![a-zæøåäö])",
                           re.IGNORECASE)


def _share_values(table: TableModel, col: ColumnInfo, frame: pl.DataFrame) -> pl.Series:
    """A dominance column's values as numbers: parsed by the table analysis, or, when the table printed
    them with a percent sign ("91,3 %") and they stayed text, read here (other text is null)."""
    import polars as pl

    from scanner.table_model import ColumnKind

    values = frame.get_column(col.name)
    if col.kind is ColumnKind.NUMERIC:
        return values.cast(pl.Float64)
    text = values.cast(pl.String).str.strip_chars()
    number = text.str.extract(_SHARE_TEXT.pattern, 1).str.replace(",", ".").cast(pl.Float64, strict=False)
    return number


def _percent_scale(table: TableModel, col: ColumnInfo) -> float:
    """100 when a dominance column holds percentages, 1 when it holds fractions.

    The name decides when it says so ("CR2 (%)", "andel (pct.)"), then the values: a percent sign, or any
    value above 1. A column of fractions never exceeds 1; a column of percentages whose every share is at
    most 1 % has no dominant cell either way.
    """
    import polars as pl

    from scanner.table_model import ColumnKind

    if _PERCENT_NAME.search(col.name):
        return 100.0
    sample = table.sample.get_column(col.name)
    if col.kind is not ColumnKind.NUMERIC:
        if bool(sample.cast(pl.String).str.contains("%").any()):
            return 100.0
        sample = _share_values(table, col, table.sample)
    top = sample.drop_nulls().cast(pl.Float64).max()
    return 100.0 if isinstance(top, (int, float)) and top > 1.0 else 1.0


def _amounts(table: TableModel, col: ColumnInfo) -> bool:
    """A column named like the largest unit's share ("top1") that holds amounts, not shares: numbers over 100
    (``summarise(top1 = max(oms))``: the largest firm's own turnover)."""
    from scanner.table_model import ColumnKind

    if col.kind is not ColumnKind.NUMERIC or _PERCENT_NAME.search(col.name):
        return False
    top = table.sample.get_column(col.name).drop_nulls().cast(float).max()
    return isinstance(top, (int, float)) and top > 100.0


def _row_cell(table: TableModel, rec: dict[str, object], row: int, skip: object = None
              ) -> tuple[tuple[tuple[str, str], ...], str]:
    """A row's masked (dimension, label) pairs (at most :data:`MAX_LABELS`, without ``skip``) and the text that
    names it in a message ("region=Nord, koen=K", else "row 4")."""
    labels = tuple((masking.mask_name(d.name), masking.mask_label(_label(rec[d.name])))
                   for d in table.dimensions[:MAX_LABELS] if d is not skip)
    return labels, ", ".join(f"{k}={v}" for k, v in labels) or f"row {row}"


_YES = frozenset({"ja", "yes", "y", "j", "kyllä", "kylla", "x", "*", "1", "true", "sand", "sant"})
_NO = frozenset({"nej", "nei", "no", "n", "ei", "0", "false", "falsk", "-", ""})


# A name saying a rule is met: "overholdt", "opfyldt", "uppfylld", "oppfylt", "täytetty", "complied", "ok".
_COMPLIED = lazy_compile(r"(?i)overhold|opfyld|uppfyll|oppfyl|täyty|tayty|complie|complian|satisf|\bok\b|"
                         r"godkend|godkänd|godkjent|passed|\bsafe\b")


def _yes_no(values: pl.Series) -> bool:
    """Whether a text column holds only yes/no flags ("Ja"/"Nej", "Yes"/"No", "Kyllä"/"Ei", "X"), one yes at
    least."""
    words = {str(v).strip().lower() for v in values.to_list() if v is not None}
    return bool(words & _YES) and words <= _YES | _NO


def _dominance_flagged(ctx: RuleContext, table: TableModel, flags: list[ColumnInfo]) -> Iterator[Finding]:
    """Rows that the table's own dominance column marks as dominated ("Dominans (två största > 85 %)": Ja)
    while it publishes their values: the researcher's check found the cell unsafe, and it was printed."""
    from scanner.table_model import ColumnKind

    values = [c for c in table.measures if c.kind is ColumnKind.NUMERIC and not c.count_named]
    for col in flags:
        # a column that says the rule is met ("dominansregel_overholdt", "P2 ok"): its "nej" marks a dominated cell
        marks = _NO - {"", "-"} if _COMPLIED.search(col.name) else _YES
        frame = table.sample.with_row_index("__row")
        itemised = 0
        for rec in frame.iter_rows(named=True):
            flag = rec[col.name]
            if flag is None or str(flag).strip().lower() not in marks:
                continue
            if not any(rec[v.name] is not None for v in values):
                continue  # its values are suppressed: the flag says why
            itemised += 1
            if itemised > MAX_ITEMISED:
                continue
            row = int(rec["__row"]) + 1
            labels, where = _row_cell(table, rec, row, col)
            yield ctx.finding(
                f"Cell ({where}) is dominated by the table's own account: column {masking.mask_name(col.name)!r} "
                "marks it, yet its values are published.",
                masking.note(f"marked as dominated (profile {ctx.profile.name})"),
                row=row, column=col.name, cell=labels or None, identity="" if labels else f"flag{row}",
            )


def _published_dominance(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """TAB002 in `sdcscan scan`: a published share of the largest units above the profile's k."""
    from scanner.names import statistic_kind
    from scanner.table_model import ColumnKind, TableShape

    if table.shape is TableShape.MICRODATA:
        return
    profile = ctx.profile
    columns = [c for c in table.columns if c.statistic == "dominance" and c.non_null
               and c.kind in (ColumnKind.NUMERIC, ColumnKind.TEXT) and not _amounts(table, c)]
    named = {c.name: c.name for c in columns}
    title = (table.meta.title or "").strip().split("\n")[-1]
    if not columns and title and statistic_kind(title) == "dominance":
        # a table of concentration shares by two dimensions under a title that says so ("Tabel 2.
        # Koncentration (CR1, pct.) efter branche og region"): every value column holds them
        # (a column named by a size class, "250+ ansatte", holds shares too when its values are not whole)
        columns = [c for c in table.measures if c.kind is ColumnKind.NUMERIC and (not c.count_named or not c.integral)
                   and c.non_null and not _amounts(table, c) and c.statistic in (None, "share", "dominance")]
        named = {c.name: title for c in columns}
    flags = [c for c in columns if c.kind is ColumnKind.TEXT and _yes_no(table.sample.get_column(c.name))]
    yield from _dominance_flagged(ctx, table, flags)
    dominated = False
    for col in columns:
        if col in flags:
            continue
        n = _dominance_n(named[col.name])
        # A share written in percent (0-100) or as a fraction (0-1).
        scale = 100.0 if _PERCENT_NAME.search(named[col.name]) else _percent_scale(table, col)
        sign = ">=" if profile.nk_inclusive else ">"
        itemised = 0
        for offset, frame in table.frames():
            shares = _share_values(table, col, frame) / scale
            over = (shares >= profile.nk_k) if profile.nk_inclusive else (shares > profile.nk_k)
            hits = frame.with_row_index("__row").filter(over.fill_null(False))
            for rec in hits.iter_rows(named=True):
                itemised += 1
                dominated = True
                if itemised > MAX_ITEMISED:
                    continue
                row = offset + int(rec["__row"]) + 1
                labels, where = _row_cell(table, rec, row, col)
                severity = Severity.REVIEW if n > profile.nk_n else None
                why = ("its largest units hold" if n > profile.nk_n else
                       "its largest unit holds" if n == 1 else f"its largest {n} hold")
                yield ctx.finding(
                    f"Cell ({where}) is dominated: column {masking.mask_name(col.name)!r} publishes that "
                    f"{why} {'at least' if profile.nk_inclusive else 'more than'} "
                    f"{profile.nk_k * 100:g} % of its value"
                    + (f" (a share of the largest {n}; the rule's n is {profile.nk_n})" if n > profile.nk_n
                       else "") + ".",
                    masking.note(f"top-{n} share {sign} {profile.nk_k * 100:g} % (profile {profile.name})"),
                    row=row, column=col.name, cell=labels or None, severity=severity,
                    identity="" if labels else f"row{row}",
                )
        if itemised > MAX_ITEMISED:
            yield ctx.finding(f"{itemised - MAX_ITEMISED:,} more dominated cells in column "
                              f"{masking.mask_name(col.name)!r}.",
                              masking.note(f"{itemised:,} dominated cells"), column=col.name, identity="more")
    if not columns:
        largest = list(_largest_of_sums(ctx, table)) or list(_dominance_rows(ctx, table))
        yield from largest
        if not largest:
            yield from _unchecked_firm_magnitudes(ctx, table)
        return
    # (a share of the largest unit alone: a share of the two largest times the total is their sum, which the rule
    # below k accepts)
    numeric_shares = [c for c in columns if c not in flags and c.kind is ColumnKind.NUMERIC
                      and _dominance_n(named[c.name]) == 1 and not _TOP_PERCENT_NAME.search(named[c.name])
                      and _LARGEST_UNIT_NAME.search(named[c.name])]
    totals = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c not in columns and _is_magnitude(c)
              and not c.is_count]
    if numeric_shares and totals and not dominated:
        # the share of the largest unit beside the cell's total: share x total is that unit's own value, dominated
        # or not (19,269.5 x 73.7 % is one firm's exports)
        yield ctx.finding(
            f"The table publishes the share of the largest unit in {masking.mask_name(numeric_shares[0].name)!r} "
            f"beside the cells' totals in {masking.mask_name(totals[0].name)!r}: their product is the largest "
            f"unit's own value. No cell is dominated (largest {profile.nk_n} above {profile.nk_k * 100:g} %), but "
            "a person must check that one firm's value may be published.",
            masking.note(f"largest unit's value = share x total (profile {profile.name})"),
            column=numeric_shares[0].name, severity=Severity.REVIEW, identity="share-times-total",
        )


# A share named as the largest unit's: "Største virksomheds andel", "CR1", "Suurimman yrityksen osuus" (a bare
# "top1" is as often the top 1 % of a distribution: "top_top1_income_share").
_LARGEST_UNIT_NAME = lazy_compile(r"(?i)st(?:ø|oe|o|ö)rst|största|storsta|largest|biggest|suurimm|suurin|"
                                  r"(?<![a-z])cr[_ ]?1(?![0-9])")
# The share of a top percent of units, no one unit's: "top_top10_income_share", "top 10 %", "top1pct".
_TOP_PERCENT_NAME = lazy_compile(r"(?i)top[_ ]?(?:\d{2,}|\d+[_ ]?(?:%|pct|percent|procent|prosent))")


def _dominance_rows(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A long table whose label column names its measures, the share of the largest units among them
    (``branche;region;maal;vaerdi`` with "Største virksomheds andel (pct.)" rows): those rows' values are
    dominance shares, checked against the profile's k like a column of them."""
    import polars as pl

    from scanner.names import statistic_kind
    from scanner.table_model import ColumnKind

    values = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.role.value == "measure"]
    if not values or not table.sample_complete:
        return
    for label in table.dimensions:
        if label.kind is not ColumnKind.TEXT or not 2 <= label.distinct <= 30:
            continue
        labels = table.sample.get_column(label.name).to_list()
        names = [v for v in dict.fromkeys(labels) if isinstance(v, str) and statistic_kind(v) == "dominance"]
        if not names:
            continue
        profile = ctx.profile
        rows = table.sample.with_row_index("__row").filter(pl.col(label.name).is_in(names))
        for rec in rows.iter_rows(named=True):
            name = str(rec[label.name])
            n = _dominance_n(name)
            for col in values:
                share = rec[col.name]
                if share is None:
                    continue
                share = float(share) / (100.0 if _PERCENT_NAME.search(name) or share > 1.0 else 1.0)
                if not (share >= profile.nk_k if profile.nk_inclusive else share > profile.nk_k):
                    continue
                row = int(rec["__row"]) + 1
                cell, where = _row_cell(table, rec, row, label)
                yield ctx.finding(
                    f"Cell ({where}) is dominated: its row {masking.mask_label(name)!r} publishes that its largest "
                    f"{'unit holds' if n == 1 else f'{n} hold'} {'at least' if profile.nk_inclusive else 'more than'} "
                    f"{profile.nk_k * 100:g} % of its value.",
                    masking.note(f"top-{n} share above {profile.nk_k * 100:g} % (profile {profile.name})"),
                    row=row, column=col.name, cell=cell or None,
                    severity=Severity.REVIEW if n > profile.nk_n else None,
                    identity="dominance-row" + ("" if cell else f"row{row}"),
                )
        return


# A column of a group's sum ("sum", "Sum", "Summa", "Total"): beside its maximum, the largest unit's share.
_SUM_NAME = lazy_compile(r"^\s*(?:sum|summa|summe|total|i\s*alt|ialt)\b", re.IGNORECASE)


def _largest_of_sums(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A table of statistics per group that publishes a variable's sum and its maximum (Stata ``tabstat,
    stat(n sum max)``, SAS PROC MEANS ``Sum Maximum``, ``branche;N;sum;max``): the maximum is the largest
    unit's own value, so max / sum is its share of the cell, checked against the (n, k) rule's k (one unit
    above k dominates whatever the second holds). Only sums and maxima that cannot be negative are read."""
    from scanner.rules.extremes import summary_layout

    layout = summary_layout(table)
    if layout is None or layout.long:
        return
    from scanner.table_model import ColumnKind

    sums = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and _SUM_NAME.match(c.name)]
    if not sums or not any(c.name.kind == "max" for c in layout.columns):
        return
    sum_names = {c.name for c in sums}
    profile = ctx.profile
    itemised = 0
    for group in iter_groups(table, layout, values=sums):
        for top in group.of("max", ""):
            total = next((s for s in group.stats if s.column in sum_names and s.value), None)
            if total is None or total.value is None or top.value is None or top.value < 0 or total.value <= 0 \
                    or top.value > total.value or any((m.value or 0) < 0 for m in group.of("min", top.stem)):
                continue
            share = top.value / total.value
            if not (share >= profile.nk_k if profile.nk_inclusive else share > profile.nk_k):
                continue
            itemised += 1
            if itemised > MAX_ITEMISED:
                continue
            labels = tuple((masking.mask_name(k), masking.mask_label(v)) for k, v in group.labels[:MAX_LABELS])
            where = ", ".join(f"{k}={v}" for k, v in labels) or f"row {group.row}"
            yield ctx.finding(
                f"Cell ({where}) is dominated: its published maximum ({masking.mask_name(top.column)!r}), the "
                f"largest unit's own value, is {'at least' if profile.nk_inclusive else 'more than'} "
                f"{profile.nk_k * 100:g} % of its sum in {masking.mask_name(total.column)!r}.",
                masking.note(f"largest unit's share {'>=' if profile.nk_inclusive else '>'} "
                             f"{profile.nk_k * 100:g} % (profile {profile.name})"),
                row=top.row, column=total.column, cell=labels or None,
                identity="largest-of-sum" + ("" if labels else f"row{group.row}"),
            )
    if itemised > MAX_ITEMISED:
        yield ctx.finding(f"{itemised - MAX_ITEMISED:,} more cells whose maximum dominates their sum.",
                          masking.note(f"{itemised:,} dominated cells"), identity="largest-of-sum-more")


# A count of firms (workplaces, establishments): the units of business statistics.
_FIRM_WORDS = lazy_compile(
    r"(?<![a-zæøåäö])(virksomhed\w*|firma\w*|firms?|enterprises?|compan(y|ies)|business(es)?|f(ö|o)retag\w*|"
    r"bedrift\w*|yritys\w*|yrityk\w*|toimipaik\w*|arbejdssted\w*|arbetsst(ä|a)ll\w*|workplaces?|"
    r"establishments?|selskab\w*|selskap\w*|cvr\w*|juridiske enheder|units?_of_activity|foretak\w*|"
    r"rederi\w*|koncern\w*|arbeidssted\w*|arbeidsgiver\w*|arbejdsgiver\w*|arbetsgivar\w*|employers?|"
    r"banker|banks|pengeinstitut\w*|forsikringsselskab\w*|apotek\w*|butikker|stores?|"
    # (firms named by what they do: "Antal eksportører", "exporters", "importörer")
    r"eksport(?:ø|oe|o)r\w*|export(?:ö|oe|o|e)r\w*|import(?:ø|oe|ö|o|e)r\w*)(?![a-zæøåäö])",
    re.IGNORECASE)


# Columns of the largest and the second-largest unit's value: "største", "stoerste", "largest", "max",
# "top1"; "næststørste", "naeststoerste", "second largest", "top2".
_SECOND_WORD = lazy_compile(r"(n(æ|ae|a|ä)st\w*|second|2nd|toiseksi|top_?2)", re.IGNORECASE)
_FIRST_WORD = lazy_compile(r"(?<![a-zæøåäö])(st(ø|oe|o|ö)rst\w*|largest|biggest|max(imum)?|maks(imum)?|suurin\w*"
                           r"|top_?1)(?![a-zæøåäö])", re.IGNORECASE)


def _published_top_values(ctx: RuleContext, table: TableModel, magnitudes: list[ColumnInfo]) -> Iterator[Finding]:
    """Firms' magnitudes published with the largest (and second-largest) unit's own value beside each cell's
    total (``omsaetning;stoerste;naeststoerste``): the dominance rule checked on them, (top1 + top2) /
    total above k is a dominated cell."""
    second = next((c for c in magnitudes if _SECOND_WORD.search(c.name)), None)
    first = next((c for c in magnitudes if c is not second and _FIRST_WORD.search(c.name)), None)
    totals = [c for c in magnitudes if c is not first and c is not second and c.statistic is None]
    if first is None or not totals:
        return
    total = totals[0]
    profile = ctx.profile
    n = 2 if second is not None and profile.nk_n >= 2 else 1
    for offset, frame in table.frames():
        top = frame.get_column(first.name).cast(float)
        if n == 2:
            top = top + frame.get_column(second.name).cast(float).fill_null(0.0)
        share = top / frame.get_column(total.name).cast(float)
        over = (share >= profile.nk_k) if profile.nk_inclusive else (share > profile.nk_k)
        for k in over.fill_null(False).arg_true().to_list():
            row = offset + k + 1
            rec = frame.row(k, named=True)
            labels, where = _row_cell(table, rec, row)
            yield ctx.finding(
                f"Cell ({where}) is dominated: the published value{'s' if n == 2 else ''} of its largest "
                f"{'two units' if n == 2 else 'unit'} ({masking.mask_name(first.name)!r}"
                + (f", {masking.mask_name(second.name)!r}" if n == 2 else "")
                + f") make up more than {profile.nk_k * 100:g} % of its total in {masking.mask_name(total.name)!r}.",
                masking.note(f"top-{n} share above {profile.nk_k * 100:g} % (profile {profile.name})"),
                row=row, column=total.name, cell=labels or None, identity="" if labels else f"row{row}",
            )


# A concentration ratio of the largest units: "cr4", "CR4 (%)", "cr_3", "koncentrationsgrad (4 største)".
_CONCENTRATION_RATIO = lazy_compile(r"(?i)(?:^|[\W_])cr[_\s-]?\d{1,2}(?:$|[\W_])|concentration[\s_]+ratio|"
                                    r"koncentrationsgrad|koncentrationskvot|keskittymisaste")


def _ratios_clear(table: TableModel, ratios: list[ColumnInfo], k: float) -> bool:
    """Whether every row of the table has a concentration ratio at most ``k`` (as a share 0-1, or 0-100 when a
    value is above 1), or none published (suppressed): no cell's largest two units can hold more than k."""
    import polars as pl

    frame = table.sample
    ok = None
    for col in ratios:
        values = frame.get_column(col.name).cast(pl.Float64, strict=False).fill_nan(None)
        present = values.drop_nulls()
        scale = 100.0 if present.len() and present.max() > 1 else 1.0
        row_ok = (values / scale <= k).fill_null(True)
        ok = row_ok if ok is None else ok | row_ok
    return ok is not None and bool(ok.all())


# A Herfindahl-Hirschman index of a cell's units ("hhi_beskaeftigelse", "Herfindahl", "HHI (0-10 000)").
_HHI = lazy_compile(r"(?i)(?:^|[\W_])hhi(?:$|[\W_])|herfindahl")


def _concentration_bounds(ctx: RuleContext, table: TableModel, hhi: ColumnInfo) -> tuple[list[Finding], bool]:
    """What a published Herfindahl index says of each cell's largest units: the index (the sum of squared
    shares) is never above the largest share, so an index above k is a cell whose largest unit holds more than
    k (block); and two shares whose squares add up to at most the index add up to at most sqrt(2 x index), so
    an index under k^2 / 2 on every row proves that no cell is dominated (for the rule on one unit, under k^2).
    Returns the findings and whether every row was proven safe. An index above 100 is on the 0-10,000 scale;
    one between 1 and 100 could be on either, and proves nothing."""
    import math

    from scanner.analysis.published_cells import half_unit

    profile = ctx.profile
    k = profile.nk_k
    found: list[Finding] = []
    cleared = True
    for offset, frame in table.frames():
        raw = frame.get_column(hhi.name).cast(float)
        present = raw.drop_nulls().drop_nans()
        if present.len() == 0 or present.min() < 0 or present.max() > 10_000 or 1 < present.max() <= 100:
            return [], False  # (0-100 or 0-10,000 points: a person reads the scale)
        scale = 1.0 if present.max() <= 1 else 10_000.0
        half = half_unit(present) / scale
        for i, value in enumerate(raw.to_list()):
            if value is None or math.isnan(value):
                continue  # (suppressed or not given: the index says nothing of the cell, and shows nothing)
            h = value / scale
            if h - half > k or (profile.nk_inclusive and h - half >= k):
                row = offset + i + 1
                labels, where = _row_cell(table, frame.row(i, named=True), row)
                found.append(ctx.finding(
                    f"Cell ({where}) is dominated: its concentration index in {masking.mask_name(hhi.name)!r} is "
                    f"above {k * 100:g} %, and the index is never above the largest unit's share, so one unit "
                    f"holds more than {k * 100:g} % of the cell.",
                    masking.note(f"Herfindahl index above {k * 100:g} % (profile {profile.name})"),
                    row=row, column=hhi.name, cell=labels or None, identity="" if labels else f"row{row}"))
            elif math.sqrt(min(profile.nk_n, 2) * (h + half)) >= k:
                cleared = False
    return found, cleared


# A count of observations beside the number of firms ("Observationer": firm-years of a panel): no magnitude of
# the firms, whose largest could dominate it.
_OBSERVATIONS = lazy_compile(r"(?i)^\s*(?:n|obs\.?|observation(?:s|er)?|observasjoner|havainnot|havaintoja|"
                             r"antal observationer|number of observations|firm[- ]years|firmaår|virksomhedsår|"
                             r"företagsår)\s*$")


def _unchecked_firm_magnitudes(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A published table of firms' magnitudes (turnover, wages, employees summed over the firms of each
    cell, beside the number of firms) without the share of the largest units: the dominance rule cannot be
    checked from its cells, so a person must (review), with the microdata."""
    from scanner.table_model import ColumnKind, Role

    firms = [c for c in table.columns if c.is_count and _FIRM_WORDS.search(c.name)
             and not _SERVICES_TO_FIRMS.search(c.name) and not _industry_level(c.name)]
    if not firms:
        return
    magnitudes = [c for c in table.columns if c.role is Role.MEASURE and c.kind is ColumnKind.NUMERIC
                  and c not in firms and not (c.is_count and _FIRMS_HAVING.search(c.name))
                  and not (c.is_count and _OBSERVATIONS.match(c.name))
                  and not _part_of_the_firms(table, c, firms[0])
                  and (c.statistic not in ("share", "dominance", "estimate", "spread", "percentile")
                                          or (c.statistic == "dominance" and _amounts(table, c)))
                  and c.non_null]
    # (a concentration ratio, CR4: the four largest units' share, never below the two largest units' share, so a
    # ratio at most k on a row proves that cell undominated; it is no magnitude summed over the firms)
    ratios = [c for c in magnitudes if _CONCENTRATION_RATIO.search(c.name)]
    magnitudes = [c for c in magnitudes if c not in ratios]
    if not magnitudes or (ratios and _ratios_clear(table, ratios, ctx.profile.nk_k)):
        return
    profile = ctx.profile
    published = list(_published_top_values(ctx, table, magnitudes))
    if published:
        yield from published
        return
    hhi = [c for c in magnitudes if _HHI.search(c.name)]
    if len(hhi) == 1:
        found, cleared = _concentration_bounds(ctx, table, hhi[0])
        if found or (cleared and len(magnitudes) <= 2):  # (the index is of the one magnitude beside it)
            yield from found
            return
    stated = _stated_top_share(table, profile.nk_k * 100, profile.nk_inclusive)
    if stated is not None:
        yield ctx.finding(
            f"A note of the table states that the largest unit(s) hold {stated:g} % of a cell's value: the cell "
            f"is dominated (largest {profile.nk_n} above {profile.nk_k * 100:g} %), and its published total is "
            "close to that firm's own value.",
            masking.note(f"top share stated in a note above {profile.nk_k * 100:g} % (profile {profile.name})"),
            column=magnitudes[0].name, identity="dominance-stated-in-note",
        )
        return
    tops = [c for c in magnitudes if _SECOND_WORD.search(c.name) or _FIRST_WORD.search(c.name)]
    if tops and len(tops) < len(magnitudes):
        # The top values were checked and dominate no cell; they are still each one firm's own value.
        names = ", ".join(repr(masking.mask_name(c.name)) for c in tops[:2])
        second = any(_SECOND_WORD.search(c.name) for c in tops)
        checked = ("They dominate no cell" if second or profile.nk_n < 2 else
                   "The largest unit dominates no cell alone, the two largest cannot be checked without the "
                   "second-largest's value")
        yield ctx.finding(
            f"The table publishes the largest units' own values ({names}) beside the firms' totals. {checked} "
            f"(largest {profile.nk_n} above {profile.nk_k * 100:g} %), but each is one firm's value: a person "
            "must check that it may be published.",
            masking.note(f"largest units' own values published (profile {profile.name})"),
            column=tops[0].name, severity=Severity.REVIEW, identity="published-top-values",
        )
        return
    names = ", ".join(repr(masking.mask_name(c.name)) for c in magnitudes[:4])
    yield ctx.finding(
        f"The table publishes magnitudes of firms ({names}, beside the number of firms in "
        f"{masking.mask_name(firms[0].name)!r}) but not the share of the largest units: the dominance rule "
        f"(largest {profile.nk_n} above {profile.nk_k * 100:g} %) cannot be checked from its cells. A person "
        "must check it with the microdata (`sdcscan table --value ... --unit ... --check` this file).",
        masking.note(f"dominance not verifiable from the published table (profile {profile.name})"),
        column=magnitudes[0].name, severity=Severity.REVIEW, identity="unchecked-magnitudes",
    )


# An industry named after the firms it serves ("J-N Företagstjänster m.m.", "Business services",
# "Yrityspalvelut"), and a column that is an industry's level in a wide table ("J-N ...", "C Industri"): the
# employed in it are persons, not firms.
_SERVICES_TO_FIRMS = lazy_compile(r"(?i)(?:f(?:ö|o)retags|virksomheds|yritys|business|bedrifts|foretaks)"
                                  r"[\s-]*(?:tj(?:ä|a)nst|service|palvelu|tjeneste)")
_INDUSTRY_LEVEL = lazy_compile(r"^\s*[A-U](?:\s*-\s*[A-U])?\s+(?=[^\W\d_])")


def _industry_level(name: str) -> bool:
    """Whether a column is an industry's level ("C Industri", "J-N Företagstjänster m.m."), not a count named
    with a letter ("N firms", "N virksomheder": the number of firms)."""
    m = _INDUSTRY_LEVEL.match(name)
    return m is not None and _FIRM_WORDS.match(name[m.end():]) is None


# A count of the firms that have something ("heraf med vareeksport", "varav med FoU", "joilla vientiä", "with
# exports"): a number of firms beside their total, not a magnitude summed over them.
def _part_of_the_firms(table: TableModel, col: ColumnInfo, firms: ColumnInfo) -> bool:
    """Whether ``col`` is an "of which" column of the firms ("heraf_modtog_kompensation", "varav med export"):
    whole numbers, never more than the firms of the row. A count of firms, not an amount summed over them."""
    if not _OF_WHICH.match(col.name) or not col.integral:
        return False
    frame = table.sample
    part = frame.get_column(col.name).cast(float)
    whole = frame.get_column(firms.name).cast(float)
    both = part.is_not_null() & whole.is_not_null() & part.is_not_nan() & whole.is_not_nan()
    return bool(both.any()) and bool((part.filter(both) <= whole.filter(both)).all())


_OF_WHICH = lazy_compile(r"(?i)^\s*(?:" + OF_WHICH_WORDS + r")(?![^\W_])")
_FIRMS_HAVING = lazy_compile(r"(?i)^\s*(?:(?:" + OF_WHICH_WORDS + r")\b[\s,:]*)?"
                             r"(?:med|with|having|joilla|som har|der har)\b")


# A note's statement of the largest units' share of a cell: "suurimman yrityksen osuus liikevaihdosta 89 %",
# "the largest firm accounts for 91 % of turnover", "de to største virksomheders andel: 88,5 pct.". The share is
# the first percentage in the same clause after the words for the largest unit(s).
_TOP_SHARE_STATED = lazy_compile(
    r"(?:largest|biggest|top[- ]?[12]\b|største|storste|största|storsta|suurimm\w*|isoimm\w*)"
    r"([^.;:\n%]{0,80}?)(\d{1,3}(?:[.,]\d+)?)\s*(?:%|pct\b|procent|prosent|prosenttia|per ?cent)",
    re.IGNORECASE)
# Words before the number that make it a bound (the rule's own statement, "over 85 %", "under 85 %"), not a
# cell's share.
_SHARE_BOUND = lazy_compile(r"(?:" + SHARE_BOUND_WORDS + r")\W*$", re.IGNORECASE)


def _stated_top_share(table: TableModel, k_pct: float, inclusive: bool) -> float | None:
    """The largest share of a cell a table's note states for its largest unit(s), when it breaks the rule
    (above ``k_pct``, or at it when ``inclusive``); None when no note states one. Bounds ("over 85 %", the
    rule as a note describes it) and rule parameters ("(85 %, n=2)") are no cell's share."""
    texts = [str(getattr(table.source, "footer_text", "") or ""), table.meta.title or ""]
    worst: float | None = None
    for text in texts:
        for m in _TOP_SHARE_STATED.finditer(text):
            if _SHARE_BOUND.search(m.group(1)):
                continue
            value = float(m.group(2).replace(",", "."))
            if value <= 100 and (value > k_pct or (inclusive and value >= k_pct)):
                worst = value if worst is None else max(worst, value)
    return worst


# Names of magnitude columns (money, values): a sum or mean of 0 over several units tells each unit's value.
_MAGNITUDE_NAME = lazy_compile(
    r"(?<![a-zæøåäö])(kr|dkk|sek|nok|eur|euro|euroa|gbp|usd|tkr|mkr|mio|mill|mn|beløb|belopp|amount|"
    r"omsætning|omsättning|omsetning|turnover|liikevaihto|revenue|sales|income|indkomst|inkomst|inntekt|"
    r"tulot|export|exports|eksport|vienti|import|imports|investment\w*|investering\w*|expenditure\w*|"
    r"udgift\w*|utgift\w*|kostnad\w*|cost\w*|subsid\w*|tilskud\w*|tilskott\w*|tilskudd\w*|"
    r"wage\w*|salary|salaries|løn\w*|lön\w*|lønn\w*|palk\w*|formue|förmögenhet|wealth|ydelse\w*|"
    r"benefit\w*|spending|rd|r_d|value_added|værdi|värde|verdi|arvo)(?![a-zæøåäö])",
    re.IGNORECASE,
)
# Quantities that can be negative (results, changes, net positions): a sum or mean of 0 does not say that
# every contributor has 0.
_SIGNED_NAME = lazy_compile(
    r"(?<![a-zæøåäö])(result\w*|resultat\w*|profit\w*|overskud\w*|underskud\w*|overskott\w*|overskudd\w*|"
    r"loss\w*|tab|netto\w*|net|change\w*|ændring\w*|endring\w*|förändring\w*|muutos\w*|growth|vækst|"
    r"tillväxt|vekst|balance|saldo|diff\w*|gevinst\w*|ebit\w*|nettoformue|nettoförmögenhet)(?![a-zæøåäö])",
    re.IGNORECASE,
)


def _is_magnitude(col: ColumnInfo) -> bool:
    """A published magnitude column that cannot be negative: money, values, or a non-integral measure
    that is no statistic other than a mean (a count, share, spread or extreme is not one)."""
    from scanner.table_model import ColumnKind, Role

    if col.role is not Role.MEASURE or col.kind is not ColumnKind.NUMERIC or col.count_named:
        return False
    if col.statistic not in (None, "mean") or not col.non_negative:
        return False
    name = col_key(col.name)
    if _SIGNED_NAME.search(name) or _RATE_OF_COUNTS.search(col.name) or _PROBABILITY_NAME.search(col.name):
        return False
    return col.statistic == "mean" or not col.integral or bool(_MAGNITUDE_NAME.search(name))


# A probability of events (a life table's "Survival", "Failure", "Conditional Probability of Failure", a
# cumulative incidence, "Overlevelse"): 0 is no event so far (the first interval's failure), an empty count
# cell, not a magnitude every unit shares.
_PROBABILITY_NAME = lazy_compile(
    r"(?i)(?<![^\W_])(?:surviv\w*|failure|probabilit\w*|prob|hazard|cum(?:ulative)?[\s_]*(?:inc\w*|haz\w*)|"
    r"overlevelse\w*|overlevnad\w*|overlevelsessannsynlighet|sannsynlighet|sannolikhet|sandsynlighed|"
    r"eloonjää\w*|todennäköisyys|incidence|kaplan[\s_-]*meier|km[\s_]*estimate)(?![^\W_])")


# A rate of counts per population ("lagforda_vald_per1000", "Deaths per 100 000", "promille"): a rate of 0
# is an empty count cell, which the rules allow, not a magnitude every unit shares.
_RATE_OF_COUNTS = lazy_compile(r"(?i)per[\s_]*(?:1[\s_.,]?000|10[\s_.,]?000|100[\s_.,]?000|100\b|capita)|"
                               r"pr\.?[\s_]*1[\s_.]?000|promille|‰|per[\s_]*mille|(?:^|[\W_])rate(?:$|[\W_])|"
                               r"\bincidens|\bincidence|ilmaantuvuus")


@rule("TAB006", "class-disclosure", Severity.BLOCK, (Shape.TABLE, Shape.CELLS))
def class_disclosure(ctx: RuleContext, table: TableModel | CellTable) -> Iterator[Finding]:
    """A magnitude cell whose contributors all have the same value: each one's value is published.

    What it flags: in `sdcscan scan`, a published table that gives the number of contributors per cell
    (`Antal virksomheder`, `n`, `N Obs`, `_FREQ_`) and, in a cell of two or more contributors, a sum or
    mean of a magnitude that cannot be negative equal to 0 (every firm exported nothing; a rounded 0 tells
    that every one is under the rounding unit), a standard deviation or variance of 0, or a minimum equal
    to its maximum (of the same variable), in wide or long layout (a `_STAT_` column with `STD` = 0).
    Quantities that can be negative (results, changes, net wealth) are not read as all-zero.

    In a table built from microdata (`sdcscan table --value`), every cell (margins included) of two or
    more contributions (units with `--unit`: a unit's contribution is its sum within the cell) that are
    all equal: the total is the number of contributions times the largest one. Such a cell is suppressed
    like any other primary cell, and must stay uncertain by at least one contribution (the common value,
    or for a cell of zeros the table's mean contribution) in the safe table. A cell of one contributor is
    TAB001's (a small cell), whatever its value.

    Why it is disclosive: when all contributors share one value, the cell tells each of them their
    neighbours' values exactly: the 12 firms of an industry learn that each of the others had no export.
    Frequency tables are not judged here: an empty count cell is allowed at Statistics Denmark.

    Example: `B Råstofindvinding;12;0,0` as `branche;antal virksomheder;eksport (mio. kr.)`.

    Options: none beyond severity. Under the `acro` profile an all-zero cell also fails the p % rule
    (TAB003, `p_percent_zero_fails`), as ACRO reports it.

    References: Hundepool et al., Statistical Disclosure Control (2012), 4.2 (class or group disclosure)
    and 5.2 (attribute disclosure); Statistics Denmark, rules for sending results home (business data);
    ACRO (a p % rule failure on an all-zero cell).
    """
    from scanner.table_model import TableModel

    if not isinstance(table, TableModel):
        yield from _equal_contributions(ctx, table)
        return
    if any(c.statistic == "estimate" for c in table.columns):
        return  # a model's estimates: a coefficient and standard error of 0 is its reference category
    layout = group_layout(table)
    if layout is None or not layout.gives_sizes:
        return  # without the number of contributors a 0 may be one unit's value (TAB001, EXT001 judge it)
    sizes = {c.info.name for c in layout.columns if c.name.kind == "size"}
    magnitudes = [c for c in table.columns if c.name not in sizes and _is_magnitude(c)]
    if magnitudes and table.sample_complete and _row_percentages(table, sizes):
        magnitudes = []  # percentages of each row's units ("Home 93.6, Care home 0, ..."): a 0 % is an empty cell
    if not layout.long and not magnitudes and not any(c.name.kind in ("sd", "variance", "min", "max")
                                                      for c in layout.columns):
        return  # nothing that could show a common value (a frequency table with its counts)
    itemised = 0
    for group in iter_groups(table, layout, values=magnitudes):
        why, n = _common_value(group)
        if not why or n is None:
            continue
        itemised += 1
        if itemised > MAX_ITEMISED:
            continue
        where = ", ".join(f"{k}={v}" for k, v in group.labels) or f"row {group.row}"
        column = next((s.column for s in group.stats if s.kind == "size" and s.value is not None), None)
        yield ctx.finding(
            f"Cell ({where}) has several contributors who all have the same value ({'; '.join(why[:3])}): "
            "each one's value is published.",
            masking.note(f"{masking.count_band(n, ctx.profile.threshold)} contributors, one common value"),
            row=group.row, column=column, cell=group.labels or None,
            identity="" if group.labels else f"row{group.row}",
        )
    if itemised > MAX_ITEMISED:
        yield ctx.finding(f"{itemised - MAX_ITEMISED:,} more cells whose contributors share one value.",
                          masking.note(f"{itemised:,} cells"), identity="more")


def _row_percentages(table: TableModel, sizes: set[str]) -> bool:
    """Whether the table's numeric columns other than its sizes and totals split each row into 100 %
    (``Home 93.6 | Care home 0 | Other hospital 6.4 | Died 0 | N 47``)."""
    from scanner.names import is_margin_label
    from scanner.table_model import ColumnKind, Role

    names = [c.name for c in table.columns if c.kind is ColumnKind.NUMERIC and c.role is not Role.DIMENSION
             and c.name not in sizes and not is_margin_label(c.name)]
    return len(names) >= 2 and splits_rows(table.sample, names)


def _common_value(group: Group) -> tuple[list[str], float | None]:
    """Why a published group's contributors (two or more) all have one value, and how many they are."""
    why: list[str] = []
    sizes: list[float] = []

    def several(stem: str) -> bool:
        n = group.size(stem)
        if n is not None and n >= 2:
            sizes.append(n)
            return True
        return False

    # values of both signs, or spread around the mean: a mean or sum of 0 is no common value (OLS residuals'
    # mean, -0.0000 beside a standard deviation of 0.71 and a negative p1)
    signed = any(s.value is not None and s.value < 0 for s in group.stats) or any(
        s.kind in ("sd", "variance") and s.value is not None and s.value > 0 for s in group.stats)
    for s in group.stats:
        if s.value != 0 or (s.kind == "value" and signed):
            continue
        # A magnitude that cannot be negative sums (or averages) to 0 only when every contribution is 0;
        # a standard deviation or variance is 0 only when all values are equal, whatever their sign.
        if (s.kind == "value" and several("")) or (s.kind in ("sd", "variance") and several(s.stem)):
            why.append(f"{masking.mask_name(s.column)!r} is 0")
    minima, maxima = group.of("min", ""), group.of("max", "")
    for lo in minima:
        # The minimum and the maximum of one variable: the same stem, or the only pair in the row.
        pair = [hi for hi in maxima if hi.stem == lo.stem] or (maxima if len(minima) == len(maxima) == 1 else [])
        if any(hi.value == lo.value for hi in pair) and several(lo.stem):
            why.append("its minimum equals its maximum")
            break
    return why, (min(sizes) if sizes else None)


def _equal_contributions(ctx: RuleContext, table: CellTable) -> Iterator[Finding]:
    """TAB006 on a built table: cells whose (two or more) contributions are all the same value."""
    flags = cell_flags(table, "TAB006", ctx.options, ctx.profile)
    if flags is None:
        return
    n = table.stats.nvalid
    noun = "units" if table.spec.per_unit else "contributions"

    def describe(flat: int) -> tuple[str, str]:
        return (f"has {noun} that all have the same value: the cell tells each one's value",
                f"{masking.count_band(float(n[flat]), ctx.profile.threshold)} {noun}, all equal")

    yield from _report(ctx, table, flags, describe, "")


def col_key(name: str) -> str:
    """A column name lower-cased with separators as underscores, for word patterns."""
    return re.sub(r"[\s\-./()]+", "_", name.strip().lower()).strip("_")


@rule("TAB003", "p-percent", Severity.BLOCK, (Shape.CELLS,))
def p_percent(ctx: RuleContext, table: CellTable) -> Iterator[Finding]:
    """A cell where the second-largest contributor could estimate the largest to within p %: the p % rule.

    What it flags: in a table of sums or means, every cell (margins included) where the value left after
    removing the two largest contributions is less than `p_percent` of the largest one
    ((total - x1 - x2) < p * x1). With `--unit` the contributions are per unit. A cell with a negative
    contribution is `review`. A cell whose contributions are all zero passes (there is nothing to estimate;
    it is class disclosure, TAB006) unless the profile says `p_percent_zero_fails`, as `acro` does to
    follow ACRO, which fails it.

    Why it is disclosive: the second-largest contributor knows its own value x2; subtracting it from the
    published total leaves x1 plus the small remainder, an estimate of the largest contributor's value
    within p %.

    Example: three firms with 900, 80 and 5 in a cell: 5 < 10 % of 900.

    Options: none beyond severity; p comes from the profile (`p_percent`, 10 % in every profile shipped).

    References: Hundepool et al., Statistical Disclosure Control (2012), 4.2.3; ACRO `safe_pratio_p`.
    """
    profile = ctx.profile
    flags = cell_flags(table, "TAB003", ctx.options, profile)
    if flags is None:
        return
    pct = f"{profile.p_percent * 100:g} %"

    def describe(flat: int) -> tuple[str, str]:
        return (f"fails the p % rule: without its two largest contributions less than {pct} of the largest "
                "remains", f"remainder < {pct} of the largest contribution (profile {profile.name})")

    yield from _report(ctx, table, flags, describe, _NEGATIVE)


@rule("TAB004", "recoverable-suppression", Severity.BLOCK, (Shape.TABLE, Shape.CELLS), needs=("published-audit",))
def recoverable_suppression(ctx: RuleContext, table: TableModel | CellTable) -> Iterator[Finding]:
    """A suppressed cell that can be recomputed, or narrowed too far, from the published cells.

    What it flags: every cell hidden in a published table (`n<3`, `..`, `x`, `-`, `*`, `<5`, empty, or
    left out) whose feasible interval — the range an attacker gets by linear programming over the table's
    additive equations (every margin is the sum of its cells) with the published cells fixed and
    non-negative values — is narrower than the protection it needs.

    In `sdcscan scan`, any exported table with margins (`I alt`, `Total`, `Totalt`, `Yhteensä`, `Alle`,
    `Sum`, `Summa`, `Samtliga`, `All`, `Overall`, `Tot.`, an empty label in a total row or column), in
    long layout (`region;sex;n` with `I alt` rows) or wide layout (`Region;Mænd;Kvinder;I alt` with a
    total column and/or an `I alt` row): the cube is rebuilt from the file, only the margins present
    and adding up are equations (a rounded table, or a `Total` row of means, is not audited as sums),
    and a count cell is flagged when its interval is narrower than the profile's threshold (a cell
    recomputed as exactly 0 only where zeros are disclosive), a magnitude cell when it is narrower than
    p % of its value. A count whose interval lies wholly at or above the threshold is `review` (it is not
    a small count; a person judges why it was hidden). A table too large to audit in bounded time is
    `review` ("not audited").

    In a scan of a folder, the small tables of its files are also read side by side (`scanner.delivery`):
    a suppressed cell that another file of the folder gives away (it publishes the missing row or column
    total, or the same table with other cells suppressed, and every number both publish agrees) is
    flagged in the file that hides it, naming the other file. A file that fails on its own is not used.

    With `sdcscan table DATA --by ... --check EXPORTED.csv`, every cell that breaks a TAB rule and is
    hidden in the exported table (suppressed or left out) is audited against the rule's protection: the
    threshold for a small count, p % of the value for a small magnitude cell, the (n,k) and p % rules'
    protection levels for dominated cells.

    Why it is disclosive: "n<3" in a row whose total and other cells are published is one subtraction
    away from the number it hides.

    Example: `A;1;5 / A;2;n<3 / A;Total;7`: the hidden cell is 2.

    Options: none beyond severity; the threshold, zeros and p come from the profile.

    References: Statistics Denmark, rules for sending results home (suppressed cells must not be
    recomputable from totals); Hundepool et al., Statistical Disclosure Control (2012), 4.3 (audit);
    tau-Argus secondary suppression.
    """
    from scanner.table_model import TableModel

    if isinstance(table, TableModel):
        yield from _recoverable_in_published(ctx, table)
        return
    exported = table.exported
    if exported is None:
        return
    from scanner.suppression import audit

    primary, required = primary_cells(table, table.rule_options, ctx.profile)
    hidden = ~exported.published
    targets = primary & hidden
    if not targets.any():
        return
    shape = table.ext.shape
    values = table.published_values().reshape(shape)
    result = audit(values, hidden.reshape(shape), nonnegative=table.nonnegative())
    width = result.width().reshape(-1)
    weak = targets & (width < required * (1 - 1e-9))
    cells = np.flatnonzero(weak)
    for flat in cells[:MAX_ITEMISED]:
        where = ", ".join(f"{k}={v}" for k, v in table.cell(int(flat)))
        exact = width[flat] <= 1e-9 * max(1.0, abs(float(values.reshape(-1)[flat])))
        how = "can be recomputed exactly" if exact else "can be narrowed below the protection its rule needs"
        row = int(exported.row[flat]) or None
        yield ctx.finding(
            f"Suppressed cell ({where}) {how} from the published cells and totals.",
            masking.note("exactly recoverable" if exact else "feasible interval narrower than required"),
            row=row, cell=table.cell(int(flat)),
        )
    rest = len(cells) - MAX_ITEMISED
    if rest > 0:
        yield ctx.finding(f"{rest:,} more suppressed cells can be recomputed or narrowed.",
                          masking.note(f"{len(cells):,} unprotected cells"), identity="more")


def _recoverable_in_published(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """TAB004 in `sdcscan scan`: report the audit of the table's suppressed cells against its own totals
    (:mod:`scanner.published`, computed by the engine)."""
    from scanner.published import Exposure, PublishedAudit

    flagged = table.meta.flagged
    for cell in flagged[:MAX_ITEMISED]:
        # the file's own flag says the value is confidential (Eurostat "2 c", SDMX CONF_STATUS "C"): printed
        # beside it, the value is not suppressed at all
        col = masking.mask_name(cell.column)
        yield ctx.finding(
            f"Cell in column {col!r} (row {cell.row}) prints its value although its flag {cell.flag!r} marks it "
            "confidential: a value flagged confidential must be left out, not published beside its flag.",
            masking.note(f"confidential flag {cell.flag!r} on a printed value"),
            row=cell.row, column=cell.column, identity=f"flagged:{cell.row}:{cell.column}",
        )
    if len(flagged) > MAX_ITEMISED:
        yield ctx.finding(f"{len(flagged) - MAX_ITEMISED:,} more cells print a value flagged confidential.",
                          masking.note(f"{len(flagged):,} flagged values printed"), identity="flagged-more")
    profile = ctx.profile
    result: PublishedAudit = ctx.fact("published-audit")
    for cell in result.exposed[:MAX_ITEMISED]:
        labels = tuple((masking.mask_name(k), masking.mask_label(v)) for k, v in cell.labels[:MAX_LABELS])
        where = ", ".join(f"{k}={v}" for k, v in labels) or (f"row {cell.row}" if cell.row else "a cell")
        what = "Suppressed cell" if not cell.absent else "Cell left out of the table"
        col = masking.mask_name(cell.column)
        tail = ""
        if cell.exposure is Exposure.EXACT:
            how, ev = "can be recomputed exactly", "exactly recoverable"
        elif cell.exposure is Exposure.NARROW:
            need = (f"the threshold of {profile.threshold}" if cell.count
                    else f"{profile.p_percent * 100:g} % of its value")
            how, ev = f"can be narrowed to an interval narrower than {need}", "feasible interval narrower than required"
        else:
            how = f"can be recomputed, or narrowed below the threshold of {profile.threshold},"
            tail = "; it is not a small count, so a person must judge why it was hidden"
            ev = f"recoverable, not a small count (threshold {profile.threshold})"
        yield ctx.finding(
            f"{what} ({where}) in column {col!r} {how} from the published cells and totals{tail}.",
            masking.note(f"{ev}; profile {profile.name}"),
            row=cell.row, column=cell.column, cell=labels or None,
            severity=Severity.REVIEW if cell.exposure is Exposure.NOT_SMALL else None,
            identity="" if labels else f"row{cell.row}",
        )
    rest = len(result.exposed) - MAX_ITEMISED
    if rest > 0:
        yield ctx.finding(f"{rest:,} more suppressed cells can be recomputed or narrowed (only the first "
                          f"{MAX_ITEMISED} are listed).", masking.note(f"{len(result.exposed):,} unprotected cells"),
                          identity="more")
    for reason in result.not_audited:
        yield ctx.finding(
            "The table has suppressed cells beside totals but was not audited for recomputable suppression "
            f"({reason}); a person must check that no suppressed cell can be recomputed.",
            masking.note(f"not audited: {reason}"),
            severity=Severity.REVIEW, identity=f"not-audited:{reason}",
        )
