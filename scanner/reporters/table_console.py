"""Console summary of ``sdcscan table``: the table's size, what was suppressed and why, the findings.

Only counts, rule codes and masked cell labels are printed: never a cell's statistics.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from scanner.findings import Severity

if TYPE_CHECKING:
    from scanner.tables.model import TableResult

__all__ = ["render_summary"]

#: Findings printed without -v (the rest are counted).
SHOWN = 25


def render_summary(result: TableResult, out: TextIO, *, verbose: bool = False) -> None:
    """Write a plain-text summary of ``result`` to ``out``."""
    table = result.table
    spec = table.spec
    cells = table.ext.cells
    dims = " x ".join(f"{name} ({len(levels)})" for name, levels in zip(spec.by, cells.labels, strict=True))
    mode = f"per unit ({spec.unit})" if spec.per_unit else "per row"
    measure = f"{spec.stat.value} of {spec.value}" if spec.value and spec.stat.value != "count" else "count"
    out.write(f"table: {dims}; {measure}, contributions {mode}; profile {result.profile}\n")
    out.write(f"  {cells.rows:,} rows read, {table.size:,} cells with margins, {result.seconds:.2f} s\n")
    by_rule = {code: int(mask.sum()) for code, mask in result.rules.items() if mask.any()}
    if table.exported is None:
        primary = int((result.suppressed == 1).sum())
        secondary = int((result.suppressed == 2).sum())
        rules = ", ".join(f"{code} {n:,}" for code, n in sorted(by_rule.items())) or "none"
        audit = "; the LP audit passed for every primary cell" if primary else ""
        out.write(f"  suppressed: {primary:,} primary ({rules}), {secondary:,} secondary "
                  f"(marker {result.marker!r}){audit}\n")
    else:
        exp = table.exported
        shown = int(exp.published.sum())
        hidden = int(((exp.row > 0) & exp.suppressed).sum())
        out.write(f"  checked {exp.path}: {shown:,} published cells, {hidden:,} suppressed, "
                  f"{int((exp.row == 0).sum()):,} cells not in the export\n")
    for note in result.notes:
        out.write(f"  note: {note}\n")
    counts = Counter(f.severity for f in result.findings)
    out.write("findings: " + (", ".join(f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)) or "none")
              + "\n")
    listed = sorted(result.findings, key=lambda f: (-f.severity, f.sort_key()))
    limit = len(listed) if verbose else SHOWN
    for f in listed[:limit]:
        where = f"row {f.location.row}: " if f.location.row else ""
        out.write(f"  {f.severity.label:<6} {f.rule} {where}{f.message} [{f.evidence.text}]\n")
    if len(listed) > limit:
        out.write(f"  ... {len(listed) - limit} more (use -v to list all, --format json for every cell)\n")
    if table.exported is None and not result.safe:
        worst = max((f.severity for f in result.findings), default=Severity.INFO)
        out.write(f"the table is not safe to publish ({worst.label} findings remain)\n")
