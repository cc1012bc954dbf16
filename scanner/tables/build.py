"""``sdcscan table``: build the table, run the cell rules on every cell, suppress (primary, then secondary)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scanner.analysis.cell_flags import CELL_RULES, flags_by_rule, primary_cells
from scanner.tables.check import read_exported
from scanner.tables.compute import TableSpec, compute_cells
from scanner.tables.margins import extend
from scanner.tables.model import CellTable, Suppressed, TableResult, load_profile_check

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.findings import Finding

# --- building and checking ---------------------------------------------------------------------------


def build_table(path: Path | str, spec: TableSpec, config: Config | None = None, *,
                threads: int | None = None, check: Path | str | None = None,
                display_path: str | None = None, check_column: str | None = None) -> TableResult:
    """Build the table of ``spec`` from the microdata at ``path``: margins, rules, suppression.

    Without ``check``: primary suppression of every cell a TAB rule flags, then secondary suppression
    proven by the LP audit; findings of suppressed cells become info (the safe table hides them).
    With ``check``: the exported table at that path is matched cell by cell against the recomputed one and
    its published cells and suppression pattern are checked (findings point at the exported file).
    """
    import dataclasses

    from scanner import masking
    from scanner.config import load_config
    from scanner.engine import judge
    from scanner.findings import Severity
    from scanner.rules.registry import Shape, all_rules

    started = time.perf_counter()
    config = load_config() if config is None else config
    load_profile_check(config)
    cells = compute_cells(path, spec, threads=threads)
    ext = extend(cells)
    shown = display_path or Path(path).name
    # Every cell rule the configuration has, enabled or not: the cells it flags are what suppression
    # protects, and `--ignore TAB001` must not publish small cells.
    options = {code: settings.options for code, settings in config.rules.items() if code in CELL_RULES}
    table = CellTable(ext, shown, spec.stat, rule_options=options)
    notes = list(cells.notes)
    where = shown
    if check is not None:
        table.exported = read_exported(Path(check), table, config, column=check_column)
        where = table.exported.path
        notes += table.exported.notes
    key = masking.fingerprint_key()
    findings: list[Finding] = _identifier_dimensions(table, config, key, where)
    flagged = flags_by_rule(table, options, config.profile)
    cell_rules = [s for s in all_rules() if Shape.CELLS in s.shapes and s.code in config.rules]
    findings.extend(judge(table, [s for s in cell_rules if config.enabled(s.code)], config, where, key))
    for rule_spec in cell_rules:
        if config.enabled(rule_spec.code):
            continue
        if rule_spec.code in flagged and check is None:
            hit = flagged[rule_spec.code]
            if bool((hit.fail | hit.review).any()):
                notes.append(f"{rule_spec.code} is not enabled: its findings are not reported, but the cells it "
                             "flags are suppressed")
    if table.exported is not None:
        for row in table.exported.unmatched[:20]:
            notes.append(f"exported row {row} matches no cell of the data")
        suppressed = np.where(table.exported.suppressed, Suppressed.PRIMARY, Suppressed.NO).astype(np.int8)
    else:
        suppressed = _suppress(table, config)
        # Every cell a per-cell rule flags is suppressed (primary): the safe table hides it, so its finding
        # is information. Review findings stay (a person must judge them), as do table-wide ones (TAB005).
        findings = [dataclasses.replace(f, severity=Severity.INFO, message=f.message + " Suppressed in the safe table.")
                    if f.rule in flagged and f.severity >= Severity.BLOCK else f for f in findings]
    findings.sort(key=lambda f: f.sort_key())
    marker = config.profile.suppression_markers[0] if config.profile.suppression_markers else ".."
    rules = {code: f.fail | f.review for code, f in flagged.items()}
    return TableResult(table, suppressed, tuple(findings), config.profile.name, marker,
                       time.perf_counter() - started, notes, rules)


def _identifier_dimensions(table: CellTable, config: Config, key: bytes, where: str) -> list[Finding]:
    """MIC002 for a ``--by`` column named as a person, firm or address key: a table by it lists units.

    Its cells may all be large enough (five rows per person), so the cell rules would pass it; the name
    says what the labels are, and the safe table would print every one of them.
    """
    from scanner import masking
    from scanner.names import identifier_kind
    from scanner.rules.context import RuleContext
    from scanner.rules.registry import get_rule

    if not config.enabled("MIC002"):
        return []
    spec = get_rule("MIC002")
    ctx = RuleContext(spec, config.rules["MIC002"], config.profile, where, key)
    out = []
    for name, levels in zip(table.spec.by, table.ext.cells.labels, strict=True):
        kind = identifier_kind(name)
        if kind in ("register key", "direct identifier"):
            out.append(ctx.finding(
                f"--by column {masking.mask_name(name)!r} is a {kind}: a table by it lists persons or firms "
                "(microdata), whatever its cell counts.",
                masking.note(f"{kind}, {len(levels):,} levels"),
                column=name, identity="by",
            ))
    return out


def _suppress(table: CellTable, config: Config) -> np.ndarray:
    """Primary suppression of every cell a cell rule flags, then secondary suppression that passes the LP
    audit."""
    from scanner.suppression import protect

    primary, required = primary_cells(table, table.rule_options, config.profile)
    out = np.zeros(table.size, dtype=np.int8)
    if not primary.any():
        return out
    shape = table.ext.shape
    mask = protect(table.published_values().reshape(shape), primary.reshape(shape), required.reshape(shape),
                   nonnegative=table.nonnegative()).reshape(-1)
    out[mask] = Suppressed.SECONDARY
    out[primary] = Suppressed.PRIMARY
    return out


