"""Suppressed cells that another file of the same delivery gives away.

A researcher exports the tables of one study together, in one folder: a table by region beside a table by
region and sex with one cell suppressed; the same table twice, once suppressed by hand and once by a
program, with different cells hidden; a workbook of totals beside a CSV of the details. Each file alone
passes TAB004, since its own totals do not pin the hidden cell. An output checker who reads the folder
puts them side by side, and the cell is one subtraction away. Statistics Denmark's rules ask that a
suppressed cell cannot be recomputed from the other results sent home, not only from its own table.

After every file has been scanned, :func:`link_delivery` reads the small tables of each folder again (CSV
files, workbook sheets of ``.xlsx`` and ``.ods`` files, the tables of notes and reports: markdown, text,
LaTeX, Word, OpenDocument, PDF, HTML; files of at most :data:`LINK_MAX_BYTES`) and, as sources only, what
else the files beside them publish: a SAS, Stata or R log's and a notebook's printed frames, the counts
sentences give ("350 hos mænd og 151 hos kvinder", "412 deltagere, som alle indgår"), and the values a bar
chart (SVG) prints on its bars. It links them (:mod:`scanner.loaders.texttables`):

* margins another table publishes (``linked_tables``: a total column or row, a descriptive table's "n (%)",
  counts in thousands to the person, any column its published rows add up to), and twins with other cells
  hidden (``filled_from_twin``, in another language too);
* tables that add up to another (``stacked_tables``), classes cut at other bounds (``band_differences``),
  a table that leaves a group out beside the table with it (``excluded_differences``), cumulative counts a
  year apart (``cumulative_differences``);
* shares beside their groups' sizes (``sized_shares``), a hidden count whose share another table publishes
  (``filled_from_shares``), sums beside their means (``sums_and_means``), and a value published where another
  table marks its group as too small (``shown_where_small``).

TAB004 (and TAB001 for counts a pair of tables gives) runs on each table with the other's numbers added;
only blocking findings are kept. A cell it can now recompute is reported in the file that hides (or shows) it,
naming the file that gives it away; that other file (not a source only) gets a review finding, "its numbers
complete a cell of ...": safe alone, it may not leave beside the first as it is. A table file that fails on
its own gives nothing away here: it does not leave as it is (a folder often holds the unsafe first version
beside the suppressed one; once the first is fixed or removed, a new scan links what is left); a note, report
or log gives its totals whatever else makes it fail. Tables of one workbook or document are linked by its
own scan; here only pairs of two files are judged.

This is a second read of those small files (the single-pass engine reads each file once for its own
verdict); a delivery folder's tables are small, and only folders with two or more table files are read.
A folder inside an archive is a delivery too: the archive's scan keeps its small members' bytes in memory
(at most 64 MiB) and links them the same way (``scanner.api``); an archive is not linked with the files
beside it.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner import masking
from scanner.discover import DiscoveredFile, FileKind
from scanner.findings import FileResult, Finding, Location, Severity, Verdict
from scanner.rules.registry import Shape
from scanner.sources import SourceRef

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.loaders.base import TabularSource
    from scanner.loaders.texttables import TextTable
    from scanner.rules.registry import RuleSpec
    from scanner.table_model import TableModel

    Analyse = Callable[[TabularSource, Config], TableModel]

__all__ = ["LINK_MAX_BYTES", "LINK_MAX_TABLES", "delivery_findings", "link_delivery", "linkable", "with_findings"]

log = logging.getLogger(__name__)

#: Files larger than this are no published table of a delivery (a data file is checked on its own).
LINK_MAX_BYTES = 1 << 20
#: Tables of one folder compared with each other (pairs grow with the square).
LINK_MAX_TABLES = 200
_KINDS = frozenset({FileKind.CSV, FileKind.XLSX, FileKind.ODS})
# Notes and reports whose tables may publish a margin (read as sources only).
_SOURCE_KINDS = frozenset({FileKind.DOCX, FileKind.ODT, FileKind.PDF, FileKind.TEXT, FileKind.SVG, FileKind.HTML,
                           FileKind.LOG})


@dataclass(frozen=True, slots=True)
class _Table:
    """One small table of a delivery folder: its file, and how a finding on it is placed in the file."""

    entry: DiscoveredFile
    text: TextTable
    place: Callable[[Finding], Finding]
    source_only: bool = False  # a note's or report's table: it gives numbers, findings are not placed in it
    sheet: str = ""  # a workbook's table: its sheet's name (which group it is of: "Piger", "I alt")


def _csv_tables(entry: DiscoveredFile) -> list[_Table]:
    from scanner.loaders.csv import open_csv
    from scanner.loaders.texttables import LINKED_MAX_ROWS, TextTable

    source = open_csv(entry.path)
    names = [f.name for f in source.schema]
    rows: list[list[str]] = []
    for batch in source.batches():
        columns = [["" if v is None else v for v in batch.column(k).to_pylist()] for k in range(len(names))]
        rows.extend(list(r) for r in zip(*columns, strict=True))
        if len(rows) > LINKED_MAX_ROWS:
            return []
    if len(names) < 2 or not rows:  # (a totals file of one row is a margin too)
        return []
    # rows are the scan's data rows, so a finding's row is the row the file's own findings use
    return [_Table(entry, TextTable(names, rows, source.meta.data_line or 2, "csv"), lambda f: f)]


def _workbook_tables(entry: DiscoveredFile, key: bytes) -> list[_Table]:
    from scanner.loaders.base import LoadError
    from scanner.loaders.ods import inspect_ods
    from scanner.loaders.ooxml import inspect_package
    from scanner.loaders.texttables import LINKED_MAX_ROWS, TextTable
    from scanner.loaders.workbook import open_workbook, sheet_tables
    from scanner.workbook_scan import cell_texts, on_sheet

    workbook = open_workbook(entry.path)
    package = inspect_package(entry.path) if entry.kind is FileKind.XLSX else inspect_ods(entry.path)
    out: list[_Table] = []
    for index, name in enumerate(workbook.sheet_names):
        layout = package.sheet(name)
        if layout is not None and layout.chart:
            continue  # a chart sheet holds no cells (its reader would only complain)
        try:
            _, grid = workbook.load(index)
        except LoadError:
            continue  # the file's own scan reports the sheet it could not read
        for _, table in sheet_tables(grid):
            if table is None or table.n_rows > LINKED_MAX_ROWS or table.n_rows < 1:
                continue
            text = TextTable(list(table.names), cell_texts(table), table.data_row, "sheet")
            out.append(_Table(entry, text, lambda f, t=table: on_sheet(f, t, key, rows_moved=False), sheet=name))
    return out


def _document_tables(entry: DiscoveredFile, key: bytes) -> list[_Table]:
    """The tables of a note, a report, a log or a notebook (Word, OpenDocument, PDF, HTML, markdown or text;
    a SAS, Stata or R log; a Jupyter notebook's outputs), the counts its sentences give and the values a
    chart prints on its bars: they may publish the total another file's table leaves out ("Region Nordjylland
    | 350 | 151" in the notes to the checker, "350 hos mænd og 151 hos kvinder", a notebook's printed frame).
    A report's own tables (a markdown or LaTeX table, a Word or HTML table) may also hide a cell the other file
    gives: a finding is placed in them (its line, or its table and row). Sentences, a log's printouts and a
    chart's values are read as sources only (their own scan judges them)."""
    from scanner.document_scan import placed_in, read_document, table_of
    from scanner.loaders.texttables import LINKED_MAX_ROWS, figure_margins, find_tables, prose_margins

    out: list[_Table] = []
    sources: list[TextTable] = []
    if entry.kind is FileKind.TEXT:
        from scanner.loaders.text import iter_text

        text = "".join(chunk.text for chunk in iter_text(entry.path))
        out = [_Table(entry, t, functools.partial(_at_line, table=t)) for t in find_tables(text)]
        sources = prose_margins([text])
    elif entry.kind in (FileKind.LOG, FileKind.CODE):
        from scanner.loaders.printouts import read_log, read_notebook

        path = Path(entry.path)
        parts = read_notebook(path, code=False, embedded=False) if entry.relpath.lower().endswith(".ipynb") \
            else read_log(path, code=False, embedded=False)
        sources = [listed.table for part in parts for listed in part.tables]
    else:
        content = read_document(entry)
        out = [_Table(entry, t, functools.partial(placed_in, place=d.place, key=key)) for d in content.tables
               if (t := table_of(d.rows, d.header, d.source)) is not None]
        sources = prose_margins(b.text for b in content.texts)  # "350 hos mænd og 151 hos kvinder"
        # a bar chart's values printed on its bars ("Kainuu 47"), in the order the chart writes its texts
        sources.extend(t for figure in content.figures for t in figure_margins(figure.labels))
    out.extend(_Table(entry, t, _nowhere, source_only=True) for t in sources)
    return [t for t in out if 1 <= len(t.text.rows) <= LINKED_MAX_ROWS]


def _at_line(f: Finding, table: TextTable) -> Finding:
    """A finding on a text file's table at the line of its row (a text file has lines, not rows)."""
    row = f.location.row
    if row is None or not 1 <= row <= len(table.rows):
        return f
    line = table.lines[row - 1] if table.lines else table.data_line + row - 1
    return dataclasses.replace(f, location=dataclasses.replace(f.location, line=line, row=None))


def _nowhere(f: Finding) -> Finding:  # pragma: no cover - a source-only table is never a finding's place
    raise AssertionError("a finding placed in a source-only table")



def _tables(entry: DiscoveredFile, key: bytes) -> list[_Table]:
    """The small tables of one file; none when it cannot be read (its own scan says why)."""
    from scanner.loaders.base import LoadError

    try:
        if entry.kind is FileKind.CSV:
            return _csv_tables(entry)
        if entry.kind in (FileKind.XLSX, FileKind.ODS):
            return _workbook_tables(entry, key)
        return _document_tables(entry, key)
    except (LoadError, OSError, ValueError) as exc:
        log.debug("delivery: %s not read for linking (%s)", entry.relpath, type(exc).__name__)
        return []


def _name(entry: DiscoveredFile) -> str:
    """The file's own name, as the researcher wrote it: an archive member's (``b.csv`` of ``a.zip!dir/b.csv``),
    not the name of the copy it is read from."""
    return SourceRef.parse(entry.relpath).name


def _folder(entry: DiscoveredFile) -> tuple[str, ...]:
    """The folder a file lies in: on disk, or inside an archive (``a.zip!dir/``; members of one archive
    folder are one delivery)."""
    ref = SourceRef.parse(entry.relpath)
    if not ref.members:
        return (str(entry.path.parent),)
    return (ref.path, *ref.members[:-1], ref.members[-1].replace("\\", "/").rpartition("/")[0])


def linkable(entry: DiscoveredFile) -> bool:
    """Whether ``entry`` is read by the delivery pass: a small table file, or a note, report, log or notebook
    beside one."""
    source = entry.kind in _SOURCE_KINDS or (entry.kind is FileKind.CODE and entry.relpath.lower().endswith(".ipynb"))
    return (entry.kind in _KINDS or source) and not entry.error and 0 < entry.size <= LINK_MAX_BYTES


def _folders(entries: Iterable[DiscoveredFile]) -> dict[tuple[str, ...], list[DiscoveredFile]]:
    by_folder: dict[tuple[str, ...], list[DiscoveredFile]] = defaultdict(list)
    for e in entries:
        if linkable(e):
            by_folder[_folder(e)].append(e)
    # (a folder needs a file whose table may hide a cell, and another file to read beside it)
    return {folder: files for folder, files in by_folder.items()
            if len(files) >= 2 and any(e.kind not in (FileKind.LOG, FileKind.CODE) for e in files)}


def _where(f: Finding) -> tuple[object, ...]:
    loc = f.location
    return (f.rule, loc.sheet, loc.row, loc.column, loc.cell)


def _shown(entry: DiscoveredFile, config: Config) -> str:
    """The other file's name as a finding shows it: masked when it holds a person or business number."""
    return _shown_name(_name(entry), config)


def _shown_name(name: str, config: Config) -> str:
    from scanner.pid_scan import scan_names

    return masking.mask_path(name) if scan_names([name], config.profile.countries) else name


def _linked_findings(tables: Sequence[_Table], config: Config, key: bytes, analyse: Analyse,
                     failed: frozenset[str]) -> dict[str, list[Finding]]:
    """The blocking findings (TAB004, and TAB001 for counts a pair of tables gives) on each table with the
    numbers of another file (one not in ``failed``) added, by the path of the file that hides the cell."""
    from scanner.engine import judge, rules_for
    from scanner.loaders.texttables import (
        LINKED_TOTAL,
        TextTable,
        TextTableSource,
        band_differences,
        cumulative_differences,
        excluded_differences,
        filled_from_shares,
        linked_tables,
        omitted_from_total,
        shown_where_small,
        sized_shares,
        stacked_tables,
        subgroup_differences,
        sums_and_means,
    )

    rules = [r for r in rules_for(config, Shape.TABLE) if r.code == "TAB004"]
    small = [r for r in rules_for(config, Shape.TABLE) if r.code == "TAB001"]
    out: dict[str, list[Finding]] = defaultdict(list)
    texts = [t.text for t in tables]
    titles = [f"{_name(t.entry)} {t.sheet}" for t in tables]

    def pair(k: int, src: int) -> tuple[_Table, str, _Table] | None:
        """The table that hides a cell and the name of the other file, when the two are judged together: not
        one file's own tables (its own scan links them), and not beside a table of a file that fails on its own
        (it does not leave: an unsafe version beside its suppressed one; once it is fixed, a new scan links the
        fix)."""
        mine, other = tables[k], tables[src]
        # (a note's sentences, a log's printouts, a chart's values give their totals whatever else makes the
        # file fail: they are no earlier version of the table, and the request holds them)
        if mine.source_only or mine.entry.path == other.entry.path \
                or (other.entry.relpath in failed and not other.source_only):
            return None
        return mine, _shown(other.entry, config), other

    def judged(mine: _Table, table: TextTable, which: Sequence[RuleSpec]) -> list[Finding]:
        """The blocking findings of ``which`` on ``table`` (a cell that is no small count or "not audited" with
        another file's numbers: another file's table of the same labels may describe other units)."""
        model = analyse(TextTableSource(mine.entry.path, table), config)
        return [f for f in judge(model, which, config, mine.entry.relpath, key) if f.severity >= Severity.BLOCK]

    # (the other file of each pair: (its path, its sheet) -> the files whose cells it completes, and how many)
    completes: dict[tuple[str, str], dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))

    def report(mine: _Table, f: Finding, why: str, other: _Table | None = None) -> None:
        placed = mine.place(f)
        out[mine.entry.relpath].append(dataclasses.replace(placed, message=f"{placed.message} {why}"))
        # (not when this file fails on its own: it does not leave as it is, and its fix is scanned with the other)
        if other is not None and not other.source_only and mine.entry.relpath not in failed:
            completes[other.entry.relpath, other.sheet][mine.entry.relpath].append(placed)

    # classes cut at other bounds in two files ("18-29 år" beside "18-24 år"): the difference is a count too
    for d in band_differences(texts, config.profile.threshold) if small else ():
        if (linked := pair(d.k, d.other)) is None:
            continue
        mine, name, other = linked
        why = f"The classes of '{name}' are cut at other bounds: {', '.join(d.how)} follow by subtraction."
        for f in judged(mine, d.table, small):
            if f.location.row is not None:
                if d.rows_are_classes:  # (a class recomputed is no row of the file)
                    f = dataclasses.replace(f, location=dataclasses.replace(f.location, row=None))
                report(mine, f, why, other)
    # a table with a group left out beside the table with it: the difference is the group's own table; and
    # cumulative counts a year apart: the difference is each cell's new cases of the later year
    differences = (
        (excluded_differences, "This table leaves a group out of the table of '{}': the difference of the two is "
                               "that group's count."),
        (cumulative_differences, "This table's cumulative counts and those of '{}', a year earlier, differ by each "
                                 "cell's new count of this year."),
        (subgroup_differences, "This table is of one group and '{}' of all: the difference of the two is the other "
                               "group's count."),
    )
    # an area's parts with some left out beside the area's total in another file: the rows left out, counted
    for d in omitted_from_total(texts, titles) if small else ():
        if (linked := pair(d.k, d.other)) is None:
            continue
        mine, name, other = linked
        for f in judged(mine, d.table, small):
            report(mine, dataclasses.replace(f, location=dataclasses.replace(f.location, row=None)),
                   f"The total of this table's area in '{name}' exceeds the sum of the rows shown: the rows "
                   "left out hold that many.", other)
    for linker, why_text in differences if small else ():
        # (a table of one group is named by its group: a file's name without its type, "tabell1_män", beside
        # "tabell2_totalt")
        found = subgroup_differences(texts, [Path(_name(t.entry)).stem for t in tables], captions=True) \
            if linker is subgroup_differences else linker(texts, [_name(t.entry) for t in tables])
        for d in found:
            if (linked := pair(d.k, d.other)) is None:
                continue
            mine, name, other = linked
            for f in judged(mine, d.table, small):
                if f.location.row is not None:
                    report(mine, f, why_text.format(name), other)
    # tables of one shape in several files, one the sum of the others (a file per sex beside the total's)
    for stack in stacked_tables(texts, [_name(t.entry) for t in tables]):
        members = [tables[k] for k in (*stack.parts, stack.total)]
        if len({t.entry.path for t in members}) < 2 or any(t.entry.relpath in failed for t in members):
            continue  # one file's own sheets (its own scan stacks them), or a file that does not leave
        model = analyse(TextTableSource(members[0].entry.path, stack.table), config)
        names = ", ".join(f"'{_shown(tables[k].entry, config)}'" for k in stack.parts)
        why = f"The tables of {names} add up to the table of '{_shown(tables[stack.total].entry, config)}'."
        for path in sorted({t.entry.relpath for t in members}):
            # judged once per file, so that each finding's fingerprint is its own file's
            for f in judge(model, rules, config, path, key):
                if f.location.row is None:
                    continue  # "not audited" or a summary line: the files' own audits stand
                k, row = stack.origin[f.location.row - 1]
                mine = tables[k]
                if mine.entry.relpath != path or mine.source_only:
                    continue
                report(mine, dataclasses.replace(f, location=dataclasses.replace(f.location, row=row + 1)), why)
    # a table of shares beside its groups' sizes (causes in % by hospital; reoperations by hospital)
    for sized in sized_shares(texts) if small else ():
        if (linked := pair(sized.k, sized.source)) is None:
            continue
        mine, name, other = linked
        why = f"Its shares are of groups whose sizes '{name}', another file of the same folder, gives."
        for f in judged(mine, sized.table, small):
            if f.location.row is not None:
                # (a cell not found again, its column's name masked, is kept at no row: never lose a finding)
                row, column = sized.cell_of(f.location.row, f.location.column or "", mine.text.names) or (None, None)
                report(mine, dataclasses.replace(f, location=dataclasses.replace(f.location, row=row, column=column)),
                       why, other)
    def report_cells(k: int, src: int, table: TextTable, cells: Iterable[tuple[int, int]], why_text: str) -> None:
        """The findings of ``table`` (file ``k`` with file ``src``'s numbers) at ``cells``, with ``why_text``
        naming the other file."""
        if (linked := pair(k, src)) is None:
            return
        mine, name, other = linked
        places = {(i + 1, table.names[c]) for i, c in cells}
        for f in judged(mine, table, small):
            if (f.location.row, f.location.column) in places:
                report(mine, f, why_text.format(name), other)

    # a hidden count beside its group's size, whose share another file publishes (5.3 % of 38 is 2)
    for k, src, found, cells in filled_from_shares(texts, config.profile.threshold) if small else ():
        report_cells(k, src, found, cells,
                     "Recomputed from the group's size here and its share in '{}', another file of the same folder.")
    # sums of an amount beside its means (total and mean income by municipality and education): their ratio
    # is each cell's number of units
    for k, src, counts in sums_and_means(texts) if small else ():
        if (linked := pair(k, src)) is None:
            continue
        mine, name, other = linked
        why = f"Its sums over the means in '{name}', another file of the same folder, count the units of each cell."
        for f in judged(mine, counts, small):
            if f.location.row is not None:
                report(mine, f, why, other)
    # a cell another file marks as a group too small to show ("<3"), published here
    for k, src, marked, cells in shown_where_small(texts, config.profile.threshold, titles) if small else ():
        report_cells(k, src, marked, cells, "'{}', another file of the same folder, marks this cell's group as too "
                                            "small to show.")
    # margins and twins: another file's totals, or the same table with other cells hidden
    for k, src, found in linked_tables(texts, titles):
        if (linked := pair(k, src)) is None:
            continue
        mine, name, other = linked
        found_small: list[Finding] = []
        if small and found.names[-1] == LINKED_TOTAL and found.names[-1] not in mine.text.names \
                and _totals_hold_their_rows(found):
            # the other file's counts as the rows' sizes: a table of shares gives its counts (4,3 % of 47)
            sized_rows = TextTable([*found.names[:-1], "N"], found.rows, found.data_line, found.kind, found.lines)
            found_small = judged(mine, sized_rows, small)
        for f in (*judged(mine, found, rules), *found_small):
            report(mine, f, f"Read beside '{name}', another file of the same folder, whose numbers pin it.", other)
    # the other file of a pair completes the cell too: it may leave only without the other (review)
    for (path, sheet), by_file in completes.items():
        for where, found in by_file.items():
            out[path].append(_completing(found[0], path, sheet, where, len(found), config, key))
    return out


def _totals_hold_their_rows(table: TextTable) -> bool:
    """Whether each row's linked total (the last column) is at least every whole count the row publishes: the
    other file's number is then possibly the row's size. A "total" below a published count of its row is of
    other units (a figure's "Finland: 2" beside a table of 141, 962 and 296 Finnish pregnancies)."""
    for row in table.rows:
        total = _whole(row[-1]) if row else None
        if total is None:
            continue
        cells = [x for c in row[1:-1] if (x := _whole(c)) is not None]
        if cells and total < max(cells):
            return False
    return True


def _whole(cell: str) -> int | None:
    """A cell's whole number ("1 204", "1.204", "962"), else None (a decimal "12,5" or text)."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if re.search(r"[.,]\d{1,2}$", text):
        return None
    digits = text.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() else None


def _completing(first: Finding, path: str, sheet: str, where: str, cells: int, config: Config, key: bytes) -> Finding:
    """The finding in the other file of a pair: its numbers complete ``cells`` cells of the file ``where``
    (``first`` is the first of them, as found there). The file is safe alone, the pair is not: it is held for a
    person (review), who releases it only with the other file fixed or withheld, never beside it as it is."""
    shown = _shown_name(Path(where).name, config)
    more = f" and {cells - 1} more" if cells > 1 else ""
    sheet_shown = masking.mask_name(sheet) if sheet else None
    return dataclasses.replace(
        first,
        severity=min(first.severity, Severity.REVIEW),
        location=Location(path=path, sheet=sheet_shown, cell=(("completes", shown),)),
        message=f"Its numbers complete a cell of '{shown}', another file of the same folder{more}: {first.message}",
        fingerprint=masking.fingerprint(key, first.rule, path, sheet, "completes", where),
        accepted=None,
    )


def _not_linked(entry: DiscoveredFile, config: Config, key: bytes, error: str) -> list[Finding]:
    """FIL001 for a file of a folder whose tables could not be read side by side (an internal error): whether
    another file of the folder gives its cells away was not checked."""
    from scanner.engine import judge, rules_for
    from scanner.rules.context import FileFacts

    facts = FileFacts(entry.relpath, entry.kind.value, entry.size)
    facts.problems.append(f"its tables could not be read beside the other files of its folder (internal error: "
                          f"{error}): whether another file gives its cells away was not checked")
    return list(judge(facts, rules_for(config, Shape.FILE), config, entry.relpath, key))


def delivery_findings(entries: Sequence[DiscoveredFile], results: Sequence[FileResult], config: Config,
                      key: bytes, analyse: Analyse) -> dict[str, list[Finding]]:
    """The cross-file findings of ``entries`` (module docstring), by the relpath of the file they are in,
    without those its own scan (``results``) already made at the same place. ``analyse`` is the scan's
    table analysis (:func:`scanner.api.analyse_table`)."""
    if not (config.enabled("TAB004") or config.enabled("TAB001")):
        return {}
    added: dict[str, list[Finding]] = defaultdict(list)
    failed = frozenset(r.path for r in results if r.verdict is Verdict.FAIL)
    for files in _folders(entries).values():
        try:
            tables: list[_Table] = []
            for e in sorted(files, key=lambda e: e.relpath):
                if len(tables) >= LINK_MAX_TABLES:
                    log.info("delivery: a folder has more than %d tables; the rest are not linked", LINK_MAX_TABLES)
                    break
                tables.extend(_tables(e, key))
            if len(tables) < 2:
                continue
            for path, found in _linked_findings(tables, config, key, analyse, failed).items():
                added[path].extend(found)
        except Exception as exc:  # (fail closed: the folder's files were not read side by side, a person does)
            log.warning("delivery: linking the tables of a folder failed (%s)", type(exc).__name__)
            for e in files:
                added[e.relpath].extend(_not_linked(e, config, key, type(exc).__name__))
    own = {r.path: r for r in results}
    out: dict[str, list[Finding]] = {}
    for path, extra in added.items():
        seen = {_where(f) for f in own[path].findings} if path in own else set()
        new = []
        for f in extra:
            if _where(f) not in seen:
                seen.add(_where(f))
                new.append(f)
        if new:
            out[path] = new
    return out


def with_findings(result: FileResult, extra: Sequence[Finding]) -> FileResult:
    """``result`` with ``extra`` findings added (those at a place it has a finding of the rule already left
    out), in report order."""
    seen = {_where(f) for f in result.findings}
    new = [f for f in extra if _where(f) not in seen]
    if not new:
        return result
    return dataclasses.replace(result, findings=tuple(sorted((*result.findings, *new), key=Finding.sort_key)))


def link_delivery(entries: Sequence[DiscoveredFile], results: Sequence[FileResult], config: Config,
                  key: bytes, analyse: Analyse) -> list[FileResult]:
    """``results`` with the cross-file findings of :func:`delivery_findings` added; the others unchanged."""
    added = delivery_findings(entries, results, config, key, analyse)
    return [with_findings(r, added[r.path]) if r.path in added else r for r in results]
