"""EXT: extremes — minima, maxima and percentiles that show one unit's value.

Both rules read a published table of statistics per group (`region;n;mean;p50;p90;max`, a SAS PROC MEANS
or Stata tabstat export, an R `summarise()` result): the table analysis names each column's statistic
(:attr:`~scanner.table_model.ColumnInfo.statistic`) and which columns hold counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule
from scanner.table_model import ColumnInfo, ColumnKind, Role, TableModel, TableShape

__all__ = ["OutlierOptions", "group_size_column", "row_labels"]

# A row of a published table is named by at most this many dimension labels in a finding.
_MAX_LABELS = 6
# At most this many findings per rule and file are itemised.
_MAX_ITEMISED = 100
_EXTREMES = ("min", "max", "percentile")


def group_size_column(table: TableModel) -> ColumnInfo | None:
    """The column giving each row's number of observations: the first count named as such (`n`, `N Obs`,
    `antal`, `firms`). An unnamed whole-number column is not taken for a group size."""
    named = [c for c in table.columns if c.is_count and c.role is Role.MEASURE and c.count_named]
    return named[0] if named else None


def row_labels(table: TableModel, row: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """A row's dimension labels, masked, for a finding's location."""
    dims = [c.name for c in table.dimensions][:_MAX_LABELS]
    return tuple((masking.mask_name(d), masking.mask_label(_plain(row.get(d)))) for d in dims)


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_model_output(table: TableModel) -> bool:
    return any(c.statistic == "estimate" for c in table.columns)


def _extreme_columns(table: TableModel) -> list[ColumnInfo]:
    return [c for c in table.columns
            if c.statistic in _EXTREMES and c.kind is ColumnKind.NUMERIC and c.non_null]


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return None


@rule("EXT001", "extreme-from-small-group", Severity.BLOCK, (Shape.TABLE,))
def extreme_from_small_group(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A minimum, maximum or percentile of a group with fewer observations than the threshold.

    What it flags: a published table of statistics per group with min, max, median or percentile columns
    (`Maks.`, `Laveste timeløn`, `p90`, `Mediaani`), in a row whose group size (the count column of the
    same row: `n`, `N Obs`, `antal`) is under the profile's threshold: `block`. When the table gives no
    group size at all, every such column is `review`: nobody can tell whether a group is small. Regression
    output is not read here.

    Why it is disclosive: the minimum and the maximum are always one unit's value, and a median or
    percentile of one or two observations is one of them (or their mean): a group under the threshold
    shows a person's or a firm's own value.

    Example: `Christiansø;2;301.200;288.100;314.300` as `kommune;n;mean;min;max`.

    Options: none beyond severity; the threshold comes from the profile.

    References: Statistics Denmark, rules for sending results home (minimum, maximum and percentiles may
    not be based on fewer than 3 observations); ONS/ACRO statistical barriers (min and max are single
    observations); Hundepool et al., Statistical Disclosure Control (2012), 4.4.
    """
    if table.shape is not TableShape.AGGREGATE or _is_model_output(table):
        return
    extremes = _extreme_columns(table)
    if not extremes:
        return
    profile = ctx.profile
    size = group_size_column(table)
    names = ", ".join(repr(masking.mask_name(c.name)) for c in extremes[:5])
    if size is None:
        yield ctx.finding(
            f"Column(s) {names} hold minima, maxima or percentiles per group, but the table does not give "
            f"the groups' sizes: a group with fewer than {profile.threshold} observations would show a "
            f"unit's own value. A person must check the group sizes.",
            masking.note(f"{len(extremes)} extreme column(s), no group-size column"),
            column=extremes[0].name, severity=Severity.REVIEW, identity="no-group-size",
        )
        return
    itemised = 0
    for offset, frame in table.frames():
        for i, row in enumerate(frame.iter_rows(named=True)):
            n = _number(row.get(size.name))
            if n is None or n <= 0 or n >= profile.threshold:
                continue
            shown = [c for c in extremes if _number(row.get(c.name)) is not None]
            if not shown:
                continue
            itemised += 1
            if itemised > _MAX_ITEMISED:
                continue
            labels = row_labels(table, row)
            where = ", ".join(f"{k}={v}" for k, v in labels) or f"row {offset + i + 1}"
            cols = ", ".join(repr(masking.mask_name(c.name)) for c in shown[:5])
            yield ctx.finding(
                f"Group ({where}) has fewer than {profile.threshold} observations, and its {cols} "
                f"show a unit's own value.",
                masking.evidence(f"group size {masking.count_band(1, profile.threshold)} in column "
                                 f"{masking.mask_name(size.name)!r} (threshold {profile.threshold}, "
                                 f"profile {profile.name})"),
                row=offset + i + 1, column=shown[0].name, cell=labels or None,
                identity="" if labels else f"row{offset + i + 1}",
            )
    if itemised > _MAX_ITEMISED:
        yield ctx.finding(f"{itemised - _MAX_ITEMISED:,} more small groups show extremes.",
                          masking.note(f"{itemised:,} small groups with extremes"), identity="more")


@dataclass(frozen=True, slots=True)
class OutlierOptions:
    """EXT002 options (see rules.toml)."""

    #: a maximum at least this many times the group's highest published upper percentile (p90 to p99)
    percentile_ratio: float = 5.0
    #: ... or, without such a percentile, at least this many times its median or mean
    centre_ratio: float = 50.0

    def __post_init__(self) -> None:
        if self.percentile_ratio <= 1 or self.centre_ratio <= 1:
            raise ValueError("percentile_ratio and centre_ratio must be greater than 1")


def _upper_percentile(c: ColumnInfo) -> float | None:
    """The level of a percentile column named p90..p99 (or q90..., 90th percentile)."""
    digits = "".join(ch for ch in c.name if ch.isdigit())
    if c.statistic == "percentile" and digits.isdigit() and 90 <= int(digits[:2] or 0) <= 99:
        return float(digits[:2])
    return None


@rule("EXT002", "outlying-extreme", Severity.BLOCK, (Shape.TABLE,), OutlierOptions)
def outlying_extreme(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A published maximum far above the rest of its group: one unit's outlying value.

    What it flags: in a table of statistics per group, a maximum at least `percentile_ratio` times the
    group's highest published upper percentile (p90 to p99), or, when no such percentile is published,
    at least `centre_ratio` times its median or mean. Large groups are no protection here.

    Why it is disclosive: an outlier is recognisable: the largest fortune of a municipality or the
    highest wage of an industry belongs to someone people can name, and the table prints their value.

    Example: `London;820;31.425;27.309;65.568;22.150.000` as `region;n;mean;p50;p90;max`.

    Options: `percentile_ratio` (default 5), `centre_ratio` (default 50).

    References: Statistics Denmark, rules for sending results home (extremes from outliers); Hundepool et
    al., Statistical Disclosure Control (2012), 4.4; Eurostat, Guidelines for the checking of output
    based on microdata research (2015), maxima and minima.
    """
    if table.shape is not TableShape.AGGREGATE or _is_model_output(table):
        return
    opts: OutlierOptions = ctx.options
    maxima = [c for c in _extreme_columns(table) if c.statistic == "max"]
    if not maxima:
        return
    uppers = sorted(((lvl, c) for c in table.columns if (lvl := _upper_percentile(c)) is not None),
                    key=lambda t: t[0])
    centres = [c for c in table.columns if c.statistic == "mean"
               or (c.statistic == "percentile" and ("50" in c.name or "median" in c.name.lower()
                                                   or "mediaan" in c.name.lower()))]
    if not uppers and not centres:
        return
    ref_cols = [uppers[-1][1]] if uppers else centres
    ratio = opts.percentile_ratio if uppers else opts.centre_ratio
    what = "its highest published upper percentile" if uppers else "its median or mean"
    itemised = 0
    for offset, frame in table.frames():
        for i, row in enumerate(frame.iter_rows(named=True)):
            refs = [v for c in ref_cols if (v := _number(row.get(c.name))) is not None and v > 0]
            if not refs:
                continue
            ref = max(refs)
            for col in maxima:
                top = _number(row.get(col.name))
                if top is None or top < ratio * ref:
                    continue
                itemised += 1
                if itemised > _MAX_ITEMISED:
                    continue
                labels = row_labels(table, row)
                where = ", ".join(f"{k}={v}" for k, v in labels) or f"row {offset + i + 1}"
                yield ctx.finding(
                    f"The maximum in column {masking.mask_name(col.name)!r} of group ({where}) is at least "
                    f"{ratio:g} times {what}: an outlier, one unit's value.",
                    masking.note(f"maximum / reference >= {ratio:g}"),
                    row=offset + i + 1, column=col.name, cell=labels or None,
                    identity="" if labels else f"row{offset + i + 1}",
                )
    if itemised > _MAX_ITEMISED:
        yield ctx.finding(f"{itemised - _MAX_ITEMISED:,} more outlying maxima.",
                          masking.note(f"{itemised:,} outlying maxima"), identity="more")

