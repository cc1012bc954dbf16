"""Which cells of a table built from microdata break each cell rule, and the protection each one needs.

One function per cell rule (TAB001 small cells, TAB002 (n,k) dominance, TAB003 p %, TAB006 equal
contributions), each a pure function of the table's cell statistics, the rule's options and the profile.
Two readers use them and neither depends on the other: the TAB rules (:mod:`scanner.rules.tables`) report
the flagged cells, and ``sdcscan table`` (:mod:`scanner.tables.build`) suppresses them (primary) and
protects them (secondary, with the widths computed here) for every cell rule, enabled or not, so that
``--ignore TAB001`` hides the small cells' findings and never publishes the cells. Results are memoised
on the table (:attr:`~scanner.tables.model.CellTable.cache`) by rule, options and profile: the same
question gets the same answer without a second computation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scanner.settings import Profile
    from scanner.tables.model import CellFlags, CellTable

__all__ = ["CELL_RULES", "cell_flags", "equal_contributions", "primary_cells", "top_n"]

#: A magnitude cell that is suppressed keeps at least this share of its value as uncertainty even when its
#: rule asks for less (a suppressed cell must never be exactly recoverable).
MIN_RELATIVE_WIDTH = 1e-6


def _flags(table: CellTable, fail: np.ndarray, review: np.ndarray, required: np.ndarray) -> CellFlags:
    """Fail and review cells with the width each keeps when suppressed (never below the floor)."""
    from scanner.tables.model import CellFlags

    values = np.abs(table.published_values())
    floor = np.maximum(values * MIN_RELATIVE_WIDTH, 1.0 if not table.magnitude else 1e-9)
    required = np.where(fail | review, np.maximum(np.nan_to_num(required, nan=0.0), floor), 0.0)
    return CellFlags(fail, review & ~fail, required)


def counts_units(table: CellTable, options: Any) -> bool:
    """Whether TAB001 counts distinct units (its option ``table_count = "units"``, in a table by unit)."""
    return getattr(options, "table_count", "units") == "units" and table.spec.per_unit


def top_n(table: CellTable, n: int) -> np.ndarray:
    """The sum of the ``n`` (1 or 2) largest contributions of every cell."""
    top = np.nan_to_num(table.stats.top1, nan=0.0)
    if n >= 2:
        top = top + np.nan_to_num(table.stats.top2, nan=0.0)
    return top


def small_cells(table: CellTable, options: Any, profile: Profile) -> CellFlags:
    """TAB001: cells with fewer observations (units, with ``--unit``) than the threshold."""
    n = table.n(units=counts_units(table, options))
    fail = (n > 0) & (n < profile.threshold)
    if profile.zeros_disclosive:
        fail |= n == 0
    if table.magnitude:
        # a suppressed small magnitude cell must stay uncertain by p % of its value
        required = profile.p_percent * np.abs(table.stats.total)
    else:
        # a suppressed small count must stay compatible with a safe one: width of the threshold
        required = np.full(table.size, float(profile.threshold))
    return _flags(table, fail, np.zeros(table.size, dtype=bool), required)


def dominance(table: CellTable, options: Any, profile: Profile) -> CellFlags | None:
    """TAB002: cells whose largest ``nk_n`` contributions hold more than ``nk_k`` of the total (ACRO's
    share: top-n sum / sum, so a tie at k is decided the same way); negative contributions are review."""
    if not table.magnitude:
        return None
    stats = table.stats
    negative = stats.negative > 0
    top = top_n(table, profile.nk_n)
    total = stats.total
    with np.errstate(divide="ignore", invalid="ignore"):
        share = top / total
    defined = (stats.nvalid > 0) & (total > 0) & ~negative
    over = share >= profile.nk_k if profile.nk_inclusive else share > profile.nk_k
    fail = defined & over
    required = top / profile.nk_k - total  # the upper protection level of the (n,k) rule
    review_need = profile.p_percent * np.abs(total)
    return _flags(table, fail, negative, np.where(fail, required, review_need))


def p_percent(table: CellTable, options: Any, profile: Profile) -> CellFlags | None:
    """TAB003: cells where the total without the two largest contributions is under p % of the largest."""
    if not table.magnitude:
        return None
    stats = table.stats
    negative = stats.negative > 0
    top1 = np.nan_to_num(stats.top1, nan=0.0)
    remainder = stats.total - top_n(table, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = remainder / top1
    fail = (stats.nvalid > 0) & (top1 > 0) & ~negative & (ratio < profile.p_percent)
    if profile.p_percent_zero_fails:
        # ACRO's behaviour, followed under its profile: an all-zero cell fails (0 < p).
        fail |= (stats.nvalid > 0) & (stats.total == 0) & (top1 == 0) & ~negative
    required = profile.p_percent * top1 - remainder  # the upper protection level of the p % rule
    return _flags(table, fail, negative, np.where(fail, required, profile.p_percent * np.abs(stats.total)))


def equal_contributions(table: CellTable) -> tuple[np.ndarray, np.ndarray]:
    """The cells of a built table whose (two or more) contributions are all equal, and the width a
    suppressed one must keep: at least one contribution (the common value, or, for a cell of zeros, the
    table's mean contribution), so that nobody can tell the cell's contributors are all alike."""
    stats = table.stats
    n = stats.nvalid.astype(np.float64)
    if not table.magnitude:
        return np.zeros(table.size, dtype=bool), np.zeros(table.size, dtype=np.float64)
    top1 = np.nan_to_num(stats.top1, nan=np.inf)
    top2 = np.nan_to_num(stats.top2, nan=-np.inf)
    # Every contribution is at most top1, so total == n * top1 leaves no room for a different one (whatever
    # the signs); top1 == top2 is the same fact for the two largest, and keeps rounding honest.
    with np.errstate(invalid="ignore", over="ignore"):
        equal = (stats.nvalid >= 2) & (top1 == top2) & np.isclose(stats.total, n * top1, rtol=1e-12, atol=0.0)
    grand = table.size - 1  # the last cell of the extended table is the grand total (all margins)
    typical = abs(float(stats.total[grand])) / max(float(stats.nvalid[grand]), 1.0)
    common = np.abs(np.where(equal, np.nan_to_num(stats.top1, nan=0.0), 0.0))
    # never exactly recoverable: at least a millionth of the cell's value, as every rule's floor (_flags)
    floor = np.maximum(np.abs(stats.total) * MIN_RELATIVE_WIDTH, 1e-9)
    required = np.where(equal, np.maximum(np.where(common > 0, common, typical), floor), 0.0)
    return equal, required


def _class_disclosure(table: CellTable, options: Any, profile: Profile) -> CellFlags | None:
    """TAB006: cells whose (two or more) contributions all have one value."""
    if not table.magnitude:
        return None
    equal, required = equal_contributions(table)
    return _flags(table, equal, np.zeros_like(equal), required)


#: The cell rules and their analyzers. A rule returns None when it does not apply to the table (the
#: dominance rules on a table of counts).
CELL_RULES: Mapping[str, Callable[[CellTable, Any, Profile], CellFlags | None]] = {
    "TAB001": small_cells,
    "TAB002": dominance,
    "TAB003": p_percent,
    "TAB006": _class_disclosure,
}


def cell_flags(table: CellTable, code: str, options: Any, profile: Profile) -> CellFlags | None:
    """The cells of ``table`` that cell rule ``code`` flags under ``options`` and ``profile`` (memoised)."""
    key = ("cell_flags", code, options, profile)
    if key not in table.cache:
        table.cache[key] = CELL_RULES[code](table, options, profile)
    return table.cache[key]


def flags_by_rule(table: CellTable, options: Mapping[str, Any], profile: Profile) -> dict[str, CellFlags]:
    """Every cell rule's flags for the rules in ``options`` (code -> that rule's options), in code order;
    rules that do not apply to the table are left out."""
    out = {}
    for code in sorted(CELL_RULES):
        if code in options:
            flags = cell_flags(table, code, options[code], profile)
            if flags is not None:
                out[code] = flags
    return out


def primary_cells(table: CellTable, options: Mapping[str, Any], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """The cells any cell rule flags (fail or review), and the widest protection any of them demands.

    Cells whose contributions are all equal (class disclosure, TAB006) are primary whatever the
    configuration says of TAB006: a suppressed all-zero cell that the margins give back would tell every
    contributor's value.
    """
    primary, required = equal_contributions(table)
    primary = primary.copy()
    for flags in flags_by_rule(table, options, profile).values():
        hit = flags.fail | flags.review
        primary |= hit
        required = np.maximum(required, np.where(hit, flags.required, 0.0))
    return primary, required
