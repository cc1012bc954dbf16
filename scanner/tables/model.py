"""The checked table: every published cell's statistics, what the rules flagged, the exported table."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from scanner.tables.compute import Stat, TableError, TableSpec
from scanner.tables.margins import ExtendedCells

if TYPE_CHECKING:
    from kernels.cells import CellStats
    from scanner.config import Config
    from scanner.findings import Finding

def load_profile_check(config: Config) -> None:
    """The table engine tracks the two largest contributions: n of the (n,k) rule must be 1 or 2."""
    if config.profile.nk_n not in (1, 2):
        raise TableError(f"profile {config.profile.name!r} has nk_n = {config.profile.nk_n}; the table engine "
                         "supports the (1,k) and (2,k) dominance rules")


# --- checking ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class CellFlags:
    """What one rule found over the published cells (flat arrays over the extended table)."""

    fail: np.ndarray  # bool: the cell breaks the rule
    review: np.ndarray  # bool: the rule cannot decide (negative contributions): a person must look
    required: np.ndarray  # float64: the width the attacker's interval must keep if the cell is suppressed


@dataclass(slots=True)
class Exported:
    """A table a researcher made, matched against the recomputed cells (``--check``)."""

    path: str
    #: per extended cell: the 1-based data row of the exported table that shows it, 0 when absent
    row: np.ndarray
    #: per extended cell: shown with a suppression marker
    suppressed: np.ndarray
    #: per extended cell: the published number (NaN when absent or suppressed)
    value: np.ndarray
    #: exported rows whose key is no cell of the data (1-based data rows)
    unmatched: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def published(self) -> np.ndarray:
        return (self.row > 0) & ~self.suppressed


@dataclass(slots=True)
class CellTable:
    """The input of the TAB rules for a table built from microdata: every published cell's statistics.

    ``rule_options`` holds the cell rules' options from the configuration (rule code -> options, for every
    cell rule the configuration has, enabled or not): :mod:`scanner.analysis.cell_flags` reads them to say
    which cells each rule flags. ``cache`` memoises analyses (pure functions of the table) by question.
    """

    ext: ExtendedCells
    path: str
    stat: Stat
    rule_options: dict[str, Any] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)
    exported: Exported | None = None

    @property
    def spec(self) -> TableSpec:
        return self.ext.cells.spec

    @property
    def stats(self) -> CellStats:
        return self.ext.stats

    @property
    def size(self) -> int:
        return int(self.ext.stats.count.shape[0])

    def n(self, *, units: bool = True) -> np.ndarray:
        """Observations per cell: distinct units when the table has a unit column (and ``units``), else rows."""
        return self.stats.units if (units and self.spec.per_unit) else self.stats.count

    @property
    def magnitude(self) -> bool:
        """Whether the published numbers are magnitudes (sums, means) rather than counts."""
        return self.stat is not Stat.COUNT

    def published_values(self, *, units: bool = True) -> np.ndarray:
        """The additive numbers an attacker works with: counts, or sums (a mean times its count is a sum)."""
        if self.magnitude:
            return self.stats.total.astype(np.float64)
        return self.n(units=units).astype(np.float64)

    def nonnegative(self) -> bool:
        return not self.magnitude or not bool((self.stats.negative > 0).any())

    def cell(self, flat: int) -> tuple[tuple[str, str], ...]:
        """The masked (dimension, label) pairs of a cell; a margin reads "Total"."""
        from scanner import masking

        return tuple((masking.mask_name(dim), "Total" if label is None else masking.mask_label(display(label)))
                     for dim, label in zip(self.spec.by, self.ext.key(flat), strict=True))


def display(value: Any) -> Any:
    """A level as a table shows it: a numeric code read as a float (SAS, CSV) prints as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Suppressed(enum.IntEnum):
    """How a cell is published in the safe table."""

    NO = 0
    PRIMARY = 1
    SECONDARY = 2


@dataclass(slots=True)
class TableResult:
    """The outcome of ``sdcscan table``: every published cell, its rules and suppression, and findings."""

    table: CellTable
    suppressed: np.ndarray  # int8 per extended cell, a Suppressed value
    findings: tuple[Finding, ...]
    profile: str
    marker: str
    seconds: float
    notes: list[str] = field(default_factory=list)
    #: rule code -> the cells it flags (fail or review), for every cell rule that applies to the table
    rules: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def safe(self) -> bool:
        """Whether the suppressed table may be published: no finding above info remains for it."""
        from scanner.findings import Severity

        return self.table.exported is None and all(f.severity < Severity.BLOCK for f in self.findings)

