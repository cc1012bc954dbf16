"""Scanning a workbook: every sheet's tables through the table rules, the package's hidden parts through
the DOC rules.

:func:`scan_workbook` is called by :func:`scanner.api.scan_file` for ``.xlsx``/``.xlsm``, ``.xls``,
``.xlsb`` and ``.ods`` files (and encrypted Office containers). It

1. reads the package structure (:mod:`scanner.loaders.ooxml` for OOXML, :mod:`scanner.loaders.ods` for
   OpenDocument; ``.xls`` and ``.xlsb`` have none read) after checking the sizes its zip declares, so a
   decompression bomb never reaches the values reader;
2. reads each sheet's used range (:mod:`scanner.loaders.workbook`), cuts it into tables and runs the
   TABLE rules (TAB, MIC, EXT) and the identifier rules (PID) on each, as on a CSV file: findings name the
   sheet, the sheet row and an A1 reference;
3. analyses each pivot cache's records as a table, and searches comments, defined names, validation
   lists, external-link and chart caches for numbers and identifiers;
4. builds :class:`~scanner.rules.documents.WorkbookFacts` and runs the DOC rules on them.

Whether hidden content "would be flagged" is decided by every content rule enabled in the rule
configuration, including those ``--select``/``--ignore`` leave out of the report, so the DOC verdicts do
not change with the selection. Only selected rules' findings are reported.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from scanner import masking
from scanner.discover import DiscoveredFile, FileKind
from scanner.engine import judge, rules_for
from scanner.findings import Finding, Severity
from scanner.loaders.base import LoadError, TabularSource
from scanner.loaders.model_output import model_sizes
from scanner.loaders.ods import inspect_ods
from scanner.loaders.ooxml import PackageStructure, SheetStructure, check_sizes, inspect_package
from scanner.loaders.prose import without_references
from scanner.loaders.workbook import (
    MAX_TABLES_PER_SHEET,
    Block,
    EncryptedWorkbook,
    SheetGrid,
    SheetInfo,
    SheetTable,
    SheetTableSource,
    block_text,
    column_letter,
    grid_text,
    open_workbook,
    sheet_tables,
    title_text,
)
from scanner.pid_scan import Detection, IdentifierScan, TableIdentifierScanner, named_key_values, scan_names, typed_in
from scanner.rules.context import FileFacts
from scanner.rules.documents import (
    EmbeddedFacts,
    HiddenTextFacts,
    PivotFacts,
    SheetFacts,
    WorkbookFacts,
)
from scanner.rules.models import ModelFacts
from scanner.rules.registry import Shape

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.document_scan import Embedded
    from scanner.loaders.texttables import TextTable
    from scanner.rules.registry import RuleSpec
    from scanner.table_model import TableModel

__all__ = ["cell_texts", "on_sheet", "scan_workbook"]

log = logging.getLogger(__name__)

#: What the structure pass cannot see in the formats it does not read (fail closed: a FIL001 review).
_NOT_INSPECTED = ("hidden rows and columns, comments, pivot caches, defined names, external links, "
                  "charts and embedded objects were not inspected in this format (only cell values and "
                  "sheet visibility were)")
ENCRYPTED = "encrypted (password-protected) workbook: its content cannot be inspected without the password"

Analyse = Callable[[TabularSource, "Config"], "TableModel"]


@dataclass(slots=True)
class _Judged:
    """Findings of the content rules for one part: those to report, and the worst of all of them."""

    report: list[Finding] = dataclasses.field(default_factory=list)
    worst: Severity | None = None
    rules: set[str] = dataclasses.field(default_factory=set)
    #: every finding above INFO, reported or not (DOC001/DOC004 judge from these)
    flagged: list[Finding] = dataclasses.field(default_factory=list)


def _worst(a: Severity | None, b: Severity) -> Severity:
    return b if a is None else max(a, b)


# Embedded files scanned as members of their own: OLE objects and packages (another workbook, a document).
# Macro projects and ActiveX controls stay DOC003 (code, not a file a reader reads); pictures too.
_MEMBER_KINDS = frozenset({"OLE object", "embedded package"})
MAX_MEMBER_BYTES = 64 << 20
#: Rows of a sheet read for model output (regression tables are short; a sheet of data is not one).
MAX_MODEL_ROWS = 2000


class _WorkbookScan:
    def __init__(self, entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                 analyse: Analyse) -> None:
        self.entry = entry
        self.config = config
        self.key = key
        self.facts = facts
        self.analyse = analyse
        self.path = entry.relpath
        self.findings: list[Finding] = []
        self.book = WorkbookFacts(entry.relpath, entry.kind.value)
        self.members: Embedded | None = None
        self.table_rules = rules_for(config, Shape.TABLE, selected=False)
        self.id_rules = rules_for(config, Shape.IDENTIFIERS, selected=False)
        self.model_rules = rules_for(config, Shape.MODEL)
        self.countries = config.profile.countries
        self.tables: list[SheetTable] = []  # every sheet's tables, for margins one publishes for another
        self.titles: dict[int, str] = {}  # each table's title rows (by id), which name the group it is of

    # -- running content rules ------------------------------------------------------------------------

    def _keep(self, findings: Iterable[Finding], judged: _Judged) -> None:
        for f in findings:
            if f.severity > Severity.INFO:
                judged.worst = _worst(judged.worst, f.severity)
                judged.rules.add(f.rule)
                judged.flagged.append(f)
            if self.config.enabled(f.rule):
                judged.report.append(f)

    def _table_findings(self, source: TabularSource, judged: _Judged) -> TableModel:
        model = self.analyse(source, self.config)
        self._keep(judge(model, self.table_rules, self.config, self.path, self.key), judged)
        return model

    def _models(self, grid: SheetGrid, judged: _Judged) -> None:
        """The MODEL rules over the sheet's text: a regression table's observations row (outreg2, esttab)."""
        if not self.model_rules:
            return
        sizes = model_sizes(grid_text(grid, MAX_MODEL_ROWS))
        if sizes:
            found = judge(ModelFacts(tuple(sizes)), self.model_rules, self.config, self.path, self.key)
            self._keep((_at_sheet(f, grid.sheet, self.key) for f in found), judged)

    def _notes(self, texts: Sequence[str], judged: _Judged) -> None:
        """The sheet's notes (cells that are no table: "Cellerne for Ærø er undertrykt; de udgør 2 personer")
        read as a note's sentences are: counts of persons or firms, shares of a stated group, dominance shares."""
        from scanner.loaders.prose import dominance_in_prose, shares_in_prose, units_in_prose
        from scanner.loaders.texttables import TextTableSource

        text = "\n".join(t for t in texts if t and any(ch.isdigit() for ch in t))
        if not text or not self.table_rules:
            return
        limit = self.config.profile.threshold
        for found in (units_in_prose(text, 1, set(), limit), shares_in_prose(text, 1, set(), limit),
                      dominance_in_prose(text, 1)):
            if found is not None:
                model = self.analyse(TextTableSource(Path(self.entry.path), found), self.config)
                self._keep((dataclasses.replace(f, location=dataclasses.replace(f.location, row=None, line=None))
                            for f in judge(model, self.table_rules, self.config, self.path, self.key)), judged)

    def _id_findings(self, scan: IdentifierScan, judged: _Judged) -> None:
        self._keep(judge(scan, self.id_rules, self.config, self.path, self.key), judged)
        self.facts.problems.extend(scan.incomplete)

    def _table_identifiers(self, source: TabularSource, row_of: Callable[[int], int] | None) -> IdentifierScan:
        scanner = TableIdentifierScanner(self.countries)
        for batch in source.batches():
            scanner.update(batch)
        scan = scanner.finish()
        if row_of is not None:
            scan.detections = [_rows_moved(d, row_of) for d in scan.detections]
        return scan

    # -- sheets ---------------------------------------------------------------------------------------

    def sheets(self, structure: Callable[[], PackageStructure | None]) -> PackageStructure | None:
        """Read and judge every sheet; return the package structure.

        The values reader releases the GIL, so reading overlaps the Python work: the first sheet is read
        while ``structure`` (a thread) reads the package, and sheet k+1 is read while sheet k is judged.
        At most two sheets' cells are held at once.
        """
        try:
            workbook = open_workbook(self.entry.path)
        except EncryptedWorkbook:
            self.facts.encrypted.append(ENCRYPTED)
            return structure()
        names = workbook.sheet_names

        def load(index: int) -> tuple[SheetInfo, SheetGrid] | LoadError:
            try:
                return workbook.load(index)
            except LoadError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdcscan-sheets") as reader:
            pending: dict[int, Future[tuple[SheetInfo, SheetGrid] | LoadError]] = {}
            if names:
                pending[0] = reader.submit(load, 0)
            package = structure()

            def layout_of(index: int) -> SheetStructure | None:
                return package.sheet(names[index]) if package is not None else None

            for index, name in enumerate(names):
                layout = layout_of(index)
                future = pending.pop(index, None)
                following = next((k for k in range(index + 1, len(names))
                                  if not (layout_of(k) is not None and layout_of(k).chart)), None)  # type: ignore[union-attr]
                if following is not None and following not in pending:
                    pending[following] = reader.submit(load, following)
                if layout is not None and layout.chart:
                    self.book.sheets.append(SheetFacts(name, layout.visibility, chart=True))
                    continue
                loaded = future.result() if future is not None else load(index)
                del future
                if isinstance(loaded, LoadError):
                    self.facts.problems.append(f"sheet '{masking.mask_name(name)}': {loaded.reason}")
                    visibility = layout.visibility if layout is not None else "visible"
                    self.book.sheets.append(SheetFacts(name, visibility, chart=True))
                    continue
                info, grid = loaded
                del loaded
                visibility = layout.visibility if layout is not None else info.visibility
                self._sheet(grid, visibility, layout)
        return package

    def _sheet(self, grid: SheetGrid, visibility: str, layout: SheetStructure | None) -> None:
        sheet = SheetFacts(grid.sheet, visibility, cells=grid.cells())
        hidden_rows, hidden_cols = _hidden_masks(grid, layout)
        if layout is not None and layout.all_rows_hidden:
            self.facts.problems.append(f"sheet '{masking.mask_name(grid.sheet)}' hides rows by default "
                                       "(zero height); which rows show was not determined")
        judged = _Judged()
        hidden_judged = _Judged()
        loose: list[str] = []
        notes: list[str] = []  # the lines of one-column blocks, read as notes beside the loose cells
        blocks = list(sheet_tables(grid))
        for k, (block, table) in enumerate(blocks):
            if table is None or k >= MAX_TABLES_PER_SHEET:
                loose.extend(block_text(grid, block))
                continue
            sheet.tables += 1
            self.tables.append(table)
            if len(table.names) == 1:
                # a block of notes under a table ("Kilde: ...", "Cellerne for Ærø ... udgør 2 personer"): its lines
                # are read as notes too (its identifiers are its table's)
                notes.extend(block_text(grid, block))
            part = _Judged()
            title = title_text(grid, table)
            self.titles[id(table)] = title
            source = SheetTableSource(self.entry.path, table, title=title,
                                      footer=_note_under(grid, block, blocks[k + 1:]))
            self._table_findings(source, part)
            part_ids = _Judged()
            self._id_findings(self._table_identifiers(source, table.sheet_row), part_ids)
            for f, moved_rows in [(f, False) for f in part.report] + [(f, True) for f in part_ids.report]:
                judged.report.append(on_sheet(f, table, self.key, rows_moved=moved_rows))
            # the worst of all content findings (reported or not) decides DOC001/DOC004
            for sub in (part, part_ids):
                if sub.worst is not None:
                    judged.worst = _worst(judged.worst, sub.worst)
                    judged.rules |= sub.rules
            if hidden_rows.any() or hidden_cols.any():
                self._hidden_hits(table, part, part_ids, hidden_rows, hidden_cols, grid, hidden_judged)
        if sheet.tables >= MAX_TABLES_PER_SHEET:
            self.facts.problems.append(f"sheet '{masking.mask_name(grid.sheet)}': more than "
                                       f"{MAX_TABLES_PER_SHEET} separate blocks; the rest were searched for "
                                       "identifiers only")
        if loose or notes:
            ids = _Judged()
            if loose:
                self._id_findings(_text_scan(loose, self.countries), ids)
            self._notes([*loose, *notes], ids)
            for f in ids.report:
                judged.report.append(_at_sheet(f, grid.sheet, self.key))
            if ids.worst is not None:
                judged.worst = _worst(judged.worst, ids.worst)
                judged.rules |= ids.rules
        self._models(grid, judged)
        sheet.flagged = judged.worst
        sheet.flagged_rules = tuple(sorted(judged.rules))
        _hidden_summary(sheet, grid, hidden_rows, hidden_cols)
        sheet.hidden_flagged = tuple(sorted(hidden_judged.rules))
        sheet.hidden_flagged_severity = hidden_judged.worst
        self.book.sheets.append(sheet)
        self.findings.extend(judged.report)

    def linked(self) -> None:
        """A suppressed cell whose row or column total another table of the workbook publishes (sheet 1 by
        region, sheet 2 by region and sex with ``<3``): the recoverable-suppression rule on the table with
        that margin added (:func:`~scanner.loaders.texttables.linked_tables`)."""
        from scanner.loaders.texttables import (
            LINKED_MAX_ROWS,
            TextTable,
            TextTableSource,
            band_differences,
            linked_tables,
            stacked_tables,
        )

        rules = [r for r in self.table_rules if r.code == "TAB004"]
        small = [t for t in self.tables if t.n_rows <= LINKED_MAX_ROWS]
        if len(small) < 2:
            return
        texts = [TextTable(list(t.names), cell_texts(t), t.data_row, "sheet") for t in small]
        # (only cells recomputed as small counts: another table's margin may be of other units, and a
        # review from it would be noise)
        # (each sheet's name and title rows name the area or group it is of: "Kommuner Sjælland")
        titles = [f"{t.sheet} {self.titles.get(id(t), '')}" for t in small]
        for k, _, found in linked_tables(texts, titles) if rules else ():
            # (with the table's title rows: "Nettoomsättning (mnkr)" says its cells are amounts)
            model = self.analyse(TextTableSource(Path(self.entry.path), found, title=self.titles.get(id(small[k]), "")),
                                 self.config)
            part = _Judged()
            self._keep(_blocking(judge(model, rules, self.config, self.path, self.key)), part)
            self.findings.extend(on_sheet(f, small[k], self.key, rows_moved=False) for f in part.report)
        # classes cut at other bounds on two sheets ("18-29 år" and "18-24 år"): their difference is a count
        small_rules = [r for r in self.table_rules if r.code == "TAB001"]
        for d in band_differences(texts, self.config.profile.threshold) if small_rules else ():
            model = self.analyse(TextTableSource(Path(self.entry.path), d.table), self.config)
            part = _Judged()
            self._keep(_blocking(judge(model, small_rules, self.config, self.path, self.key)), part)
            why = (f"Sheet '{masking.mask_name(small[d.other].sheet)}' cuts the classes at other bounds: "
                   f"{', '.join(d.how)} follow by subtraction.")
            found = [dataclasses.replace(f, location=dataclasses.replace(f.location, row=None))
                     if d.rows_are_classes else f for f in part.report]  # (a class recomputed is no row)
            self.findings.extend(dataclasses.replace(g, message=f"{g.message} {why}") for g in
                                 (on_sheet(f, small[d.k], self.key, rows_moved=False) for f in found))
        if small_rules:
            self._linked_counts(small, texts, small_rules)
        # sheets of one shape that add up to another sheet ("Män", "Kvinnor" and "Totalt")
        for stack in stacked_tables(texts, [t.sheet for t in small]) if rules else ():
            model = self.analyse(TextTableSource(Path(self.entry.path), stack.table), self.config)
            part = _Judged()
            self._keep(_blocking(judge(model, rules, self.config, self.path, self.key)), part)
            names = ", ".join(f"'{masking.mask_name(small[k].sheet)}'" for k in stack.parts)
            why = f"The sheets {names} add up to sheet '{masking.mask_name(small[stack.total].sheet)}'."
            for f in part.report:
                k, row = stack.origin[f.location.row - 1] if f.location.row else (stack.total, None)
                moved = dataclasses.replace(f, location=dataclasses.replace(f.location, row=None if row is None
                                                                             else row + 1),
                                            message=f"{f.message} {why}")
                self.findings.append(on_sheet(moved, small[k], self.key, rows_moved=False))

    def _linked_counts(self, small: list[SheetTable], texts: list[TextTable], rules: list[RuleSpec]) -> None:
        """Counts one sheet gives with another, judged by the small-cell rule (TAB001): shares beside their
        groups' sizes (``sized_shares``), a sheet that leaves a group out beside the sheet with it
        (``excluded_differences``), a hidden count whose share another sheet publishes (``filled_from_shares``),
        a sheet of sums beside the sheet of their means (``sums_and_means``)."""
        from scanner.loaders.texttables import (
            TextTableSource,
            excluded_differences,
            filled_from_shares,
            shown_where_small,
            sized_shares,
            subgroup_differences,
            sums_and_means,
        )

        def judged(table: TextTable) -> list[Finding]:
            model = self.analyse(TextTableSource(Path(self.entry.path), table), self.config)
            part = _Judged()
            self._keep(_blocking(judge(model, rules, self.config, self.path, self.key)), part)
            return [f for f in part.report if f.location.row is not None]

        def sheet(k: int) -> str:
            return masking.mask_name(small[k].sheet)

        for sized in sized_shares(texts):
            why = f"Its shares are of groups whose sizes sheet '{sheet(sized.source)}' gives."
            for f in judged(sized.table):
                row, column = sized.cell_of(f.location.row or 0, f.location.column or "", texts[sized.k].names) \
                    or (None, None)
                moved = dataclasses.replace(f, location=dataclasses.replace(f.location, row=row, column=column),
                                            message=f"{f.message} {why}")
                self.findings.append(on_sheet(moved, small[sized.k], self.key, rows_moved=False))
        # (the sheet's name or its title rows say a group is left out: "Med kjent diagnose" titled "... (ekskl.
        # ukjent diagnose)")
        for d in excluded_differences(texts, [f"{t.sheet} {self.titles.get(id(t), '')}" for t in small]):
            why = (f"This sheet leaves a group out of sheet '{sheet(d.other)}': the difference of the two is that "
                   "group's count.")
            self.findings.extend(on_sheet(dataclasses.replace(f, message=f"{f.message} {why}"), small[d.k], self.key,
                                          rows_moved=False) for f in judged(d.table))
        by_sheet = subgroup_differences(texts, [t.sheet for t in small])
        # (sheets named by their groups as captions name them: "Alle patienter" and "18 år og derover")
        by_sheet += [d for d in subgroup_differences(texts, [t.sheet for t in small], captions=True)
                     if not any(e.k == d.k and e.other == d.other for e in by_sheet)]
        # (sheets named "Tabel A", "Tabel B" whose titles name the groups: "(alle aldre)" and "16-64 år")
        by_title = [d for d in subgroup_differences(texts, [self.titles.get(id(t), "") for t in small], captions=True)
                    if not any(e.k == d.k and e.other == d.other for e in by_sheet)]
        for d in by_sheet + by_title:
            why = (f"This sheet is of one group and sheet '{sheet(d.other)}' of all: the difference of the two is the "
                   "other group's count.")
            self.findings.extend(on_sheet(dataclasses.replace(f, message=f"{f.message} {why}"), small[d.k], self.key,
                                          rows_moved=False) for f in judged(d.table))
        for k, src, marked, cells in shown_where_small(texts, self.config.profile.threshold, [t.sheet for t in small]):
            places = {(i + 1, marked.names[c]) for i, c in cells}
            why = f"Sheet '{sheet(src)}' marks this cell's group as too small to show."
            self.findings.extend(on_sheet(dataclasses.replace(f, message=f"{f.message} {why}"), small[k], self.key,
                                          rows_moved=False)
                                 for f in judged(marked) if (f.location.row, f.location.column) in places)
        for k, src, counts in sums_and_means(texts):
            why = f"Its sums over the means on sheet '{sheet(src)}' count the units of each cell."
            self.findings.extend(on_sheet(dataclasses.replace(f, message=f"{f.message} {why}"), small[k], self.key,
                                          rows_moved=False) for f in judged(counts))
        for k, src, table, cells in filled_from_shares(texts, self.config.profile.threshold):
            places = {(i + 1, table.names[c]) for i, c in cells}
            why = f"Recomputed from the group's size here and its share on sheet '{sheet(src)}'."
            self.findings.extend(on_sheet(dataclasses.replace(f, message=f"{f.message} {why}"), small[k], self.key,
                                          rows_moved=False)
                                 for f in judged(table) if (f.location.row, f.location.column) in places)

    def _hidden_hits(self, table: SheetTable, part: _Judged, part_ids: _Judged, hidden_rows: np.ndarray,
                     hidden_cols: np.ndarray, grid: SheetGrid, out: _Judged) -> None:
        """Add to ``out`` the content findings of ``table`` (reported or not) that point into hidden rows or
        columns; a finding about the whole table counts when the table has hidden rows or columns."""
        names = {masking.mask_name(n): n for n in table.names}
        first_grid_row = table.data_row - 1
        body = slice(first_grid_row, first_grid_row + table.n_rows)
        cols = slice(table.first_col - grid.col_offset, table.first_col - grid.col_offset + len(table.names))
        table_hidden = bool(hidden_rows[body].any() or hidden_cols[cols].any())
        for f, moved in [(f, False) for f in part.flagged] + [(f, True) for f in part_ids.flagged]:
            row = f.location.row
            col = names.get(f.location.column) if f.location.column is not None else None
            hit = False
            if row is not None:
                sheet_row = row if moved else table.sheet_row(row)
                hit = 0 <= sheet_row - 1 < len(hidden_rows) and bool(hidden_rows[sheet_row - 1])
            if col is not None:
                c = table.column_index(col)
                if c is not None:
                    gc = c - grid.col_offset
                    hit = hit or (0 <= gc < len(hidden_cols) and bool(hidden_cols[gc]))
            if row is None and col is None:
                hit = table_hidden
            if hit:
                out.worst = _worst(out.worst, f.severity)
                out.rules.add(f.rule)

    # -- pivot caches ---------------------------------------------------------------------------------

    def pivots(self, structure: PackageStructure) -> None:
        for cache in structure.pivot_caches:
            facts = PivotFacts(cache.index, len(cache.fields), len(cache.records or []), cache.source, cache.saved)
            where = f"[pivot cache {cache.index}]"
            if cache.saved and cache.records:
                names = _unique([f or f"field_{i + 1}" for i, f in enumerate(cache.fields)])
                width = len(names)
                columns = [pa.array([r[k] if k < len(r) else None for r in cache.records], pa.string())
                           for k in range(width)]
                table = SheetTable(where, names, columns, top_row=1, data_row=1, first_col=0,
                                   last_row=len(cache.records), header_rows=0, title_rows=0,
                                   notes=("pivot cache records",))
                source = SheetTableSource(self.entry.path, table)
                judged = _Judged()
                model = self._table_findings(source, judged)
                self._id_findings(self._table_identifiers(source, None), judged)
                facts.shape = model.shape.value
                facts.shape_reasons = tuple(model.shape_reasons)
                facts.flagged = judged.worst
                facts.flagged_rules = tuple(sorted(judged.rules))
                self.findings.extend(_at_sheet(f, where, self.key, record=True) for f in judged.report)
            elif cache.shared_items:
                self._hidden_text("pivot-cache-items", None, where, cache.shared_items,
                                  detail="distinct items kept by a cache without records", numbers_matter=False)
            self.book.pivots.append(facts)

    # -- hidden texts, charts, embedded ---------------------------------------------------------------

    def _hidden_text(self, kind: str, sheet: str | None, where: str, texts: Sequence[str], *, detail: str = "",
                     concern: str = "", numbers_matter: bool = True) -> None:
        texts = [t for t in texts if t]
        # (a person number typed into a comment or a name is blocked however few, with or without its separator)
        detections = typed_in(scan_names(texts, self.countries), f"in a {kind.replace('-', ' ')}",
                              any_form=True) if texts else []
        keys = named_key_values(texts) if numbers_matter else []
        evidence = tuple(_evidence(d) for d in detections) + tuple(keys)
        severity = Severity.BLOCK if keys else max((d.severity for d in detections), default=None)
        # (dates, years, names such as COVID-19 and references such as "avsnitt 2.3" are no data)
        numbers = sum(1 for t in texts if any(ch.isdigit() for ch in without_references(t))) if numbers_matter else 0
        if kind == "pivot-cache-items" and not evidence:
            return
        self.book.hidden_texts.append(HiddenTextFacts(kind, sheet, where, len(texts), numbers, detail, evidence,
                                                      severity, concern))

    def hidden(self, structure: PackageStructure) -> None:
        visible = {s.name for s in structure.sheets if s.visibility == "visible"}
        known = {s.name for s in structure.sheets}
        for h in structure.hidden_texts:
            concern = ""
            if h.kind == "external-link":
                concern = f"{len(h.texts):,} cell value(s) cached from another workbook"
            self._hidden_text(h.kind, h.sheet, h.where, h.texts, detail=h.detail, concern=concern,
                              numbers_matter=h.kind not in _IDENTIFIERS_ONLY)
        for chart in structure.charts:
            concerns = []
            if chart.literal_points:
                concerns.append(f"{chart.literal_points:,} data point(s) given as literals, in no cell")
            hidden = [r for r in chart.refs if r in known and r not in visible]
            foreign = [r for r in chart.refs if r not in known]
            if hidden:
                concerns.append(f"draws data from {len(hidden)} hidden sheet(s)")
            if foreign:
                concerns.append(f"draws data from {len(foreign)} sheet(s) not in this workbook")
            if concerns or chart.texts:
                self._hidden_text("chart-cache", None, chart.part.rsplit("/", 1)[-1], chart.texts,
                                  detail=f"{chart.points:,} cached point(s)", concern="; ".join(concerns),
                                  numbers_matter=False)
        for e in structure.embedded:
            data = self._member_bytes(e.part, e.size) if e.kind in _MEMBER_KINDS else None
            # taken: scanned as a member of its own (`book.xlsx!Microsoft_Word_Document.docx`), not DOC003's
            taken = data is not None and self.members is not None and self.members.take(e.part.rsplit("/", 1)[-1], data)
            self.book.embedded.append(EmbeddedFacts(e.part, e.kind, e.size, e.sheet, scanned=taken))

    def _member_bytes(self, part: str, declared: int) -> bytes | None:
        """An embedded file's bytes (at most MAX_MEMBER_BYTES, read with that cap whatever the zip declares),
        or None when it is larger or cannot be read (then DOC003 reports it)."""
        import zipfile

        if self.members is None or declared > MAX_MEMBER_BYTES:
            return None
        try:
            with zipfile.ZipFile(self.entry.path) as zf, zf.open(part) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
            return None
        return data if len(data) <= MAX_MEMBER_BYTES else None

    def charts(self, structure: PackageStructure) -> None:
        """Scatter and bubble charts: one mark per point, judged by the figure rules (FIG001) as a
        document's charts are."""
        from scanner.loaders.office import chart_marks
        from scanner.rules.documents import DocumentFacts
        from scanner.rules.figures import FigureFacts, MarkFacts

        figures = []
        for chart in structure.charts:
            marks = [MarkFacts(m.count, m.distinct, m.shape, m.element, m.regular, m.on_line, m.cells)
                     for m in chart_marks(chart.scatter)]
            if marks:
                figures.append(FigureFacts("chart", "Office chart", element=f"chart {chart.part.rsplit('/', 1)[-1]}",
                                           marks=marks))
        rules = [r for r in rules_for(self.config, Shape.DOCUMENT) if r.code.startswith("FIG")]
        if figures and rules:
            facts = DocumentFacts(self.path, self.entry.kind.value, figures=figures)
            self.findings.extend(judge(facts, rules, self.config, self.path, self.key))

    def workbook_rules(self) -> None:
        self.findings.extend(judge(self.book, rules_for(self.config, Shape.WORKBOOK), self.config, self.path, self.key))


def _blocking(findings: Iterable[Finding]) -> Iterator[Finding]:
    """The findings that block: of a table linked with another, only cells recomputed as small counts."""
    return (f for f in findings if f.severity >= Severity.BLOCK)


def cell_texts(table: SheetTable) -> list[list[str]]:
    """A sheet table's cells as text, as a reader sees them (410.0 as "410")."""
    columns = []
    for col in table.columns:
        values = col.to_pylist()
        columns.append(["" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
                        for v in values])
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append(name if k == 0 else f"{name}_{k + 1}")
    return out


def _evidence(d: Detection) -> str:
    examples = ", ".join(ex.masked for ex in d.examples)
    return f"{d.kind.label}: {d.count:,} found" + (f" ({examples})" if examples else "")


def _text_scan(texts: Sequence[str], countries: Sequence[str]) -> IdentifierScan:
    """Identifiers in loose cells (titles, notes): one cell per line; the line numbers are dropped because
    they are not sheet rows."""
    scan = IdentifierScan()
    for d in scan_names(texts, countries):
        scan.detections.append(dataclasses.replace(
            d, examples=tuple(dataclasses.replace(ex, line=None, row=None) for ex in d.examples)))
    return scan


def _rows_moved(d: Detection, row_of: Callable[[int], int]) -> Detection:
    return dataclasses.replace(d, examples=tuple(
        dataclasses.replace(ex, row=row_of(ex.row)) if ex.row is not None else ex for ex in d.examples))


def _rekey(f: Finding, key: bytes, *parts: str) -> str:
    # The rule's fingerprint did not know the sheet: two sheets with the same table must not collide.
    return masking.fingerprint(key, f.fingerprint, *parts)


def on_sheet(f: Finding, table: SheetTable, key: bytes, *, rows_moved: bool) -> Finding:
    """A table finding moved to its sheet: sheet name, sheet row, and an A1 reference in the message."""
    row = f.location.row
    names = {masking.mask_name(n): n for n in table.names}
    column = names.get(f.location.column) if f.location.column is not None else None
    if row is not None:
        body = table.body_row(row) if rows_moved else row
        sheet_row = row if rows_moved else table.sheet_row(row)
        ref = table.cell_ref(body, column) if body is not None else f"row {sheet_row}"
    elif column is not None:
        letter = column_letter(table.column_index(column) or 0)
        ref = f"{letter}{table.data_row}:{letter}{table.last_row}"
        sheet_row = None
    else:
        ref = table.range_a1
        sheet_row = None
    # sheet names are metadata, but a name can hold an identifier too (as a column name can)
    where = dataclasses.replace(f.location, sheet=masking.mask_name(table.sheet), row=sheet_row, line=None)
    message = f"{f.message} Sheet '{masking.mask_name(table.sheet)}', {ref}."
    anchor = f"{table.first_col}:{table.top_row}"
    return dataclasses.replace(f, location=where, message=message, fingerprint=_rekey(f, key, table.sheet, anchor))


def _at_sheet(f: Finding, sheet: str, key: bytes, *, record: bool = False) -> Finding:
    """A finding of a part without A1 references (loose cells, a pivot cache): named by the sheet only.
    In a pivot cache a row is a record number."""
    where = dataclasses.replace(f.location, sheet=masking.mask_name(sheet), line=None)
    message = f.message
    if record and f.location.row is not None:
        message = f"{message} Record {f.location.row} of the cache."
    return dataclasses.replace(f, location=where, message=message, fingerprint=_rekey(f, key, sheet))


#: Texts outside the cells searched for identifiers only (their numbers are no data: "Tabel 2", a version).
_IDENTIFIERS_ONLY = frozenset({"sheet-names", "document-properties"})

#: Blank rows a note may sit under its table and still be read as the table's note.
_NOTE_GAP_ROWS = 2


def _note_under(grid: SheetGrid, block: Block, rest: Sequence[tuple[Block, SheetTable | None]]) -> str:
    """The text of the blocks that are no table right under a table's block ("Note: Antal elever ...:
    Dansk oprindelse 51.203; ... Grønlandsk baggrund 38."), up to the next table."""
    lines: list[str] = []
    bottom = block.bottom
    for below, table in rest:
        # (a note of two lines, "Note: ..." over "Kilde: ...", is a one-column block the layout reads as a table)
        if (table is not None and below.right - below.left > 1) or below.top - bottom > _NOTE_GAP_ROWS:
            break
        lines.extend(block_text(grid, below))
        bottom = below.bottom
    return "\n".join(lines)


def _hidden_masks(grid: SheetGrid, layout: SheetStructure | None) -> tuple[np.ndarray, np.ndarray]:
    """Per grid row and grid column: hidden by the sheet's format."""
    rows = np.zeros(grid.n_rows, dtype=np.bool_)
    cols = np.zeros(grid.n_cols, dtype=np.bool_)
    if layout is None:
        return rows, cols
    idx = np.asarray([r - 1 for r in layout.hidden_rows if 0 < r <= grid.n_rows], dtype=np.int64)
    rows[idx] = True
    for lo, hi in layout.hidden_cols:
        a, b = max(lo - grid.col_offset, 0), min(hi - grid.col_offset + 1, grid.n_cols)
        if a < b:
            cols[a:b] = True
    return rows, cols


def _ranges(indices: np.ndarray, fmt: Callable[[int], str], limit: int = 4) -> str:
    parts: list[str] = []
    if not len(indices):
        return ""
    start = prev = int(indices[0])
    runs = []
    for i in indices[1:]:
        i = int(i)
        if i != prev + 1:
            runs.append((start, prev))
            start = i
        prev = i
    runs.append((start, prev))
    for a, b in runs[:limit]:
        parts.append(fmt(a) if a == b else f"{fmt(a)}-{fmt(b)}")
    if len(runs) > limit:
        parts.append(f"and {len(runs) - limit} more")
    return ", ".join(parts)


def _hidden_summary(sheet: SheetFacts, grid: SheetGrid, rows: np.ndarray, cols: np.ndarray) -> None:
    nb = grid.nonblank
    if not nb.size or not (rows.any() or cols.any()):
        return
    in_rows = nb[rows].any(axis=1)
    in_cols = nb[:, cols].any(axis=0)
    sheet.hidden_rows = int(in_rows.sum())
    sheet.hidden_cols = int(in_cols.sum())
    mask = np.zeros_like(nb)
    mask[rows, :] = True
    mask[:, cols] = True
    sheet.hidden_cells = int((nb & mask).sum())
    row_idx = np.flatnonzero(rows)[in_rows]
    col_idx = np.flatnonzero(cols)[in_cols]
    summary = []
    if len(row_idx):
        summary.append("rows " + _ranges(row_idx, lambda r: str(r + 1)))
    if len(col_idx):
        summary.append("columns " + _ranges(col_idx, lambda c: column_letter(c + grid.col_offset)))
    sheet.hidden_ranges = "; ".join(summary)


def scan_workbook(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                  analyse: Analyse, members: Embedded | None = None) -> list[Finding]:
    """All findings for the workbook ``entry``; problems (unreadable parts, formats whose structure is not
    read) go to ``facts.problems``, encryption to ``facts.encrypted`` (FIL004). ``analyse`` is the scan's
    table analysis. Embedded OLE objects and packages are offered to ``members``, for the engine to scan as
    members of their own; DOC003 reports those it does not take."""
    scan = _WorkbookScan(entry, config, key, facts, analyse)
    scan.members = members
    if entry.kind is FileKind.OLE_ENCRYPTED:
        facts.encrypted.append(ENCRYPTED)
        return []
    if entry.kind not in (FileKind.XLSX, FileKind.ODS):
        facts.problems.append(f"{entry.kind.value} workbook: {_NOT_INSPECTED}")
        scan.sheets(lambda: None)
        scan.linked()
        scan.workbook_rules()
        return scan.findings
    path = Path(entry.path)
    sizes = check_sizes(path)
    if sizes.values_unsafe:
        # The declared sizes are a bomb: the limits are findings, and the values reader never sees it.
        facts.problems.extend(sizes.problems)
        return scan.findings
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdcscan-ooxml") as pool:
        # The structure pass decompresses every sheet once more (hidden rows): it runs while the values
        # reader reads the first sheet. A part that decompresses past the limits although its declared
        # size did not (a lying central directory) is still caught here, after the reader saw it.
        future = pool.submit(inspect_package if entry.kind is FileKind.XLSX else inspect_ods, path)

        def structure() -> PackageStructure:
            return future.result()

        package = scan.sheets(structure)
        if package is None:
            package = future.result()
    facts.problems.extend(package.problems)
    scan.linked()
    scan.pivots(package)
    scan.hidden(package)
    scan.charts(package)
    scan.workbook_rules()
    return scan.findings
