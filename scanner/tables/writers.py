"""The safe table and the cells report: what ``sdcscan table`` writes."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from scanner.tables.compute import Stat, TableError, TableSpec
from scanner.tables.model import CellTable, TableResult, display

if TYPE_CHECKING:
    from scanner.findings import Finding

def published_numbers(table: CellTable) -> np.ndarray:
    """The number each cell shows: its count, sum or mean (NaN for a mean of no values)."""
    stats = table.stats
    if table.stat is Stat.SUM:
        return stats.total.astype(np.float64)
    if table.stat is Stat.MEAN:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(stats.nvalid > 0, stats.total / np.maximum(stats.nvalid, 1), np.nan)
    return table.n().astype(np.float64)


def stat_column(spec: TableSpec) -> str:
    """The name of the number column of the safe table."""
    if spec.stat is Stat.COUNT:
        return "count"
    return f"{spec.value}_{spec.stat.value}" if spec.stat is Stat.MEAN else str(spec.value)


def label_columns(table: CellTable) -> dict[str, list[str]]:
    """The ``--by`` columns of the published table as text ("Total" on margins), in C order of cells."""
    shape = table.ext.shape
    idx = np.unravel_index(np.arange(table.size), shape)
    out: dict[str, list[str]] = {}
    for dim, (name, levels) in enumerate(zip(table.spec.by, table.ext.cells.labels, strict=True)):
        text = [str(display(v)) for v in levels] + ["Total"]
        out[name] = [text[i] for i in idx[dim].tolist()]
    return out


def safe_frame(result: TableResult, *, numeric: bool = False) -> pl.DataFrame:
    """The safe table: one row per published cell, suppressed numbers replaced by the profile's marker.

    ``numeric``: keep the number column numeric (null where suppressed) and add a ``suppressed`` column
    with the marker, for typed formats (Parquet).
    """
    table = result.table
    numbers = published_numbers(table)
    hidden = result.suppressed > 0
    frame = pl.DataFrame(label_columns(table))
    name = stat_column(table.spec)
    values = pl.Series(name, numbers, dtype=pl.Float64, nan_to_null=True)
    finite = values.drop_nulls()
    if table.stat is Stat.COUNT or (table.stat is Stat.SUM and finite.len() and bool((finite == finite.round(0)).all())
                                    and bool((finite.abs() < 2**53).all())):
        values = values.cast(pl.Int64)  # whole numbers print without ".0"
    values = values.scatter(np.flatnonzero(hidden), None) if hidden.any() else values
    if numeric:
        flag = pl.Series("suppressed", [result.marker if h else None for h in hidden.tolist()], dtype=pl.String)
        return frame.with_columns(values, flag)
    text = values.cast(pl.String)
    if hidden.any():
        text = text.scatter(np.flatnonzero(hidden), result.marker)
    return frame.with_columns(text.alias(name))


def write_safe_table(result: TableResult, out: Path) -> None:
    """Write the safe table as CSV, Parquet or Excel (by the extension of ``out``)."""
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        safe_frame(result, numeric=True).write_parquet(out)
    elif suffix == ".xlsx":
        safe_frame(result).write_excel(out, worksheet="table", autofit=True)
    elif suffix in (".csv", ".txt", ""):
        safe_frame(result).write_csv(out)
    else:
        raise TableError(f"cannot write {out.name}: use .csv, .parquet or .xlsx")


def cells_json(result: TableResult) -> dict[str, Any]:
    """The per-cell result as a JSON-ready dict (schema_version 1). Labels are masked like findings."""
    from scanner import masking

    table = result.table
    stats = table.stats
    rules = result.rules
    codes = sorted(rules)
    status = {0: None, 1: "primary", 2: "secondary"}

    # Column by column (numpy to lists once; each dimension's labels masked once per level), then one
    # dict per cell: per-cell numpy indexing and masking were most of the time on large tables.
    n = table.size
    grids = np.unravel_index(np.arange(n), table.ext.shape)
    dims = []
    for dim, levels, idx in zip(table.spec.by, table.ext.cells.labels, grids, strict=True):
        shown = [None if lv is None else _json_label(masking.mask_label(display(lv)), display(lv))
                 for lv in levels] + [None]
        dims.append((dim, [shown[i] for i in idx.tolist()]))
    count = stats.count.tolist()
    units = stats.units.tolist()
    if table.spec.value is not None:
        def floats(a: np.ndarray) -> list[float | None]:
            return [None if math.isnan(x) else x for x in a.astype(np.float64).tolist()]
        total, top1, top2 = floats(stats.total), floats(stats.top1), floats(stats.top2)
    else:
        total = top1 = top2 = [None] * n
    hits = np.stack([rules[c] for c in codes]) if codes else np.zeros((0, n), dtype=bool)
    cell_rules: list[list[str]] = [[] for _ in range(n)]
    for k, code in enumerate(codes):
        for flat in np.flatnonzero(hits[k]).tolist():
            cell_rules[flat].append(code)
    suppressed = [status[x] for x in result.suppressed.tolist()]
    out_cells = [{
        "key": {dim: labels[flat] for dim, labels in dims},
        "count": count[flat],
        "units": units[flat],
        "total": total[flat],
        "top1": top1[flat],
        "top2": top2[flat],
        "rules": cell_rules[flat],
        "suppressed": suppressed[flat],
    } for flat in range(n)]
    return {
        "schema_version": 1,
        "profile": result.profile,
        "by": list(table.spec.by),
        "value": table.spec.value,
        "unit": table.spec.unit,
        "stat": table.spec.stat.value,
        "cells": out_cells,
        "findings": [_finding_json(f) for f in result.findings],
        "notes": [masking.note(n).text for n in result.notes],
    }


def _json_label(masked: str, raw: Any) -> Any:
    # keep numbers as numbers unless masking changed them
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return masked
    return raw if masked == str(raw) else masked


def _finding_json(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {"rule": f.rule, "name": f.name, "severity": f.severity.label,
            "location": {"path": loc.path, "row": loc.row,
                         "cell": {k: v for k, v in loc.cell} if loc.cell else None},
            "message": f.message, "evidence": f.evidence.text, "fingerprint": f.fingerprint}


