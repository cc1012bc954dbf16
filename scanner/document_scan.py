"""Scanning a document or a figure: its text, tables, hidden content, attached files, figures and the data
they carry.

:func:`scan_document` is called by :func:`scanner.api.scan_file` for Word, PowerPoint and OpenDocument
text and presentation files, PDF, HTML, RTF, SVG and raster images. It

1. reads the file into parts (:mod:`scanner.loaders.office`, :mod:`scanner.loaders.pdf`,
   :mod:`scanner.loaders.html_doc`, :mod:`scanner.loaders.images`): unreadable parts, limits and
   encryption go to the file's facts (FIL001, FIL003, FIL004), so a partial read is never a pass;
2. searches all visible text for person and business numbers (PID), located at the page, slide or
   paragraph of the first one found;
3. runs the table, microdata and identifier rules on every table (a Word table, a table on a slide, a
   table recovered from a PDF page's text, an HTML ``<table>``), findings located at the table's page or
   slide, the table (``element``) and its row;
4. judges what the reader does not see (tracked deletions, comments, notes, hidden text) for DOC005,
   reads pictures and attached SVGs as figures, lists other embedded objects for DOC003;
5. reads each figure's marks (FIG001), the counts printed on it (``n=2``: a small table through the table
   rules) and the data it carries (FIG002: judged as a table by every enabled content rule, reported or
   not, as the workbook scan judges hidden sheets).
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from scanner import masking
from scanner.discover import DiscoveredFile, FileKind, classify_content
from scanner.engine import judge, rules_for
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import TabularSource
from scanner.loaders.dialect import is_levels_row, is_number
from scanner.loaders.images import COUNT_AXIS, DENSITY_AXIS, NOT_COUNT_AXIS, count_value_labels
from scanner.loaders.model_output import is_regression_text, model_sizes
from scanner.loaders.office import (
    EACH_MARK_A_UNIT,
    UNIT_LABEL,
    Attached,
    DataSet,
    DocTable,
    DocumentContent,
    Figure,
    Place,
    TextBlock,
    read_office,
    read_rtf,
)
from scanner.loaders.prose import (
    dominance_in_prose,
    extremes_in_prose,
    frequency_missing,
    group_sizes_in_prose,
    listed_counts,
    parallel_counts,
    rates_in_prose,
    shares_in_prose,
    units_in_prose,
    without_references,
)
from scanner.loaders.texttables import TextTable, TextTableSource, find_tables, is_header_row, unique_names
from scanner.pid_scan import Detection, IdentifierScan, TableIdentifierScanner, named_key_values, scan_names, typed_in
from scanner.rules.context import FileFacts
from scanner.rules.documents import DocumentFacts, EmbeddedFacts, HiddenTextFacts
from scanner.rules.figures import STATED_SIZE, DataFacts, FigureFacts, MarkFacts
from scanner.rules.models import ModelFacts
from scanner.rules.registry import Shape

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.table_model import TableModel

__all__ = ["DOCUMENT_KINDS", "Embedded", "scan_document", "table_of"]

Analyse = Callable[[TabularSource, "Config"], "TableModel"]


class Embedded(Protocol):
    """Where a document's embedded and attached files go to be scanned as members (the engine's
    collector): ``take`` returns False for a file no reader reads, which DOC003 then reports."""

    def take(self, name: str, data: bytes) -> bool: ...

_RASTER = {FileKind.PNG: "png", FileKind.JPEG: "jpeg", FileKind.GIF: "gif", FileKind.TIFF: "tiff",
           FileKind.BMP: "bmp", FileKind.WEBP: "webp"}
#: The kinds this module reads.
DOCUMENT_KINDS = frozenset({FileKind.DOCX, FileKind.PPTX, FileKind.ODT, FileKind.ODP, FileKind.PDF, FileKind.HTML,
                            FileKind.RTF, FileKind.SVG, FileKind.STATA_GRAPH, *_RASTER})
_BARE_NUMBER = lazy_compile(r"^[-+\u2212]?\d[\d.,\u00a0 ]*%?$")
# The header of a column of events over group sizes: "Events/N", "händelser/N", "hendelser/N", "n/N".
_EVENTS_OF_N = lazy_compile(r"(?i)\b(?:events?|h(?:æ|ä|e)ndelser|tapahtumat|cases|deaths|d(?:ø|ö)de|n)\s*/\s*n\b")
_FRACTION_LABEL = lazy_compile(r"^\s*(\d{1,7})\s*/\s*(\d{1,7})\s*$")
# A unit named with its events over its size: "Lycksele lasarett: 1/11", "Kiruna sjukhus (2/12)".
_NAMED_FRACTION = lazy_compile(r"^\s*([^\W\d_][^:()\n]{1,80}?)\s*(?::|\()\s*(\d{1,7})\s*/\s*(\d{1,7})\s*\)?\s*$")
# A count with its percentage on a figure's slice or bar: "2 (0,3 %)", "1 412 (52.4%)".
_COUNT_SHARE_LABEL = lazy_compile(r"^\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)\s*\(\s*\d+(?:[.,]\d+)?\s*%\s*\)\s*$")
# A count printed on a figure: "n=2", "N = 1,413", "(n: 5)", "(n=1 388)" (a space between groups of digits).
# A count written on a figure: "n=2", and the observed of a funnel plot or an SMR bar ("O=1", "obs = 2", "deaths: 2").
_N_LABEL = lazy_compile(r"(?<![\w.])(?:[nN]|O|[Oo]bs|OBS|[Oo]bserved|[Ee]vents?|[Cc]ases?|[Dd]eaths?|[Dd]øde|[Dd]öda|"
                        r"[Dd]ødsfald|[Dd]ödsfall|[Hh]ændelser|[Hh]ändelser)\s*[=:]\s*"
                        r"(\d{1,3}(?: \d{3})+(?!\d)|\d[\d,.\u00a0]*\d|\d)")


def _count_bars(fig: Figure) -> list[str]:
    """The heights of a histogram's or bar chart's bars as counts, when they are counts: every height a
    whole number on the y axis's scale, and no label naming a mean, rate, share or density. A bar of height
    1 or 2 is a cell of 1 or 2 observations (a histogram's thin tail), even with no number written on it."""
    heights = fig.bar_heights
    if not heights or any(abs(h - round(h)) > 0.05 for h in heights):
        return []
    if any(DENSITY_AXIS.search(x.lower()) for x in fig.labels):
        return []
    # an axis named as counts ("Antal elever", "Count") says what the bars are, whatever the other axis or
    # the title says ("Gennemsnitlig karakter" is the variable binned, not the bars' measure)
    named = any(COUNT_AXIS.match(x.strip().lower()) and not NOT_COUNT_AXIS.search(x.lower()) for x in fig.labels)
    if not named and any(NOT_COUNT_AXIS.search(x.lower()) for x in fig.labels):
        return []
    return [str(round(h)) for h in heights]


_NUMBER = lazy_compile(r"\d+(?:[.,]\d+)?")
_DELIMS = (";", "\t", ",", "|")


@dataclass(slots=True)
class _Judged:
    """Content findings of one part: those to report, and the worst of all (reported or not)."""

    report: list[Finding] = dataclasses.field(default_factory=list)
    worst: Severity | None = None
    rules: set[str] = dataclasses.field(default_factory=set)

    def keep(self, findings: Iterable[Finding], config: Config) -> None:
        for f in findings:
            if f.severity > Severity.INFO:
                self.worst = f.severity if self.worst is None else max(self.worst, f.severity)
                self.rules.add(f.rule)
            if config.enabled(f.rule):
                self.report.append(f)


def _evidence(d: Detection) -> str:
    examples = ", ".join(ex.masked for ex in d.examples)
    return f"{d.kind.label}: {d.count:,} found" + (f" ({examples})" if examples else "")


def placed_in(f: Finding, place: Place, key: bytes) -> Finding:
    """A finding on one of a document's tables at its place in the document (page, slide, table, row)."""
    return _placed(f, place, key)


def _placed(f: Finding, place: Place, key: bytes, *, keep_row: bool = True) -> Finding:
    """A content finding moved to its place in the document: page, slide, element; the row of a table."""
    element = masking.mask_name(place.element) if place.element else None
    where = dataclasses.replace(f.location, page=place.page, slide=place.slide, element=element, line=None,
                                row=f.location.row if keep_row else None)
    text = place.describe()
    if keep_row and f.location.row is not None:
        text = f"{text}, row {f.location.row}" if text else f"row {f.location.row}"
    message = f"{f.message} {masking.mask_name(text[0].upper() + text[1:])}." if text else f.message
    fp = masking.fingerprint(key, f.fingerprint, str(place.page or ""), str(place.slide or ""), place.element or "")
    return dataclasses.replace(f, location=where, message=message, fingerprint=fp)


def table_of(rows: list[list[str]], header: list[str] | None, kind: str) -> TextTable | None:
    """A table part's rows as a text table: the first row is the header when it names the columns
    (:func:`scanner.loaders.texttables.is_header_row`; and a row follows)."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if header is None:
        if len(rows) >= 2 and is_header_row(rows[0], rows[1:]):
            header, rows = rows[0], rows[1:]
            if len(rows) >= 3 and (is_levels_row(rows[0]) or _names_over_levels(header, rows[0], rows[1])):
                # a second header row: the column variable's levels and Total under its name ("Region 1 2
                # Total" under "Sex")
                header = [" | ".join(" ".join(x.split()) for x in (h, c) if x.strip()) for h, c in zip(
                    header + [""] * (len(rows[0]) - len(header)), rows[0], strict=False)]
                rows = rows[1:]
            stacked = 0
            while stacked < 2 and len(rows) > stacked + 1 and _stacked_header_row(rows[stacked]):
                stacked += 1
            if stacked and len(header) >= 3 and any(is_number(c.strip()) for c in rows[stacked][1:]):
                # a header three rows deep (Stata collect to Word: "Kjønn" over "Mann / Kvinne / Total" over
                # "Frekvens / Gj.snitt inntekt"): each upper label spans the blanks right of it
                width = max(len(header), *(len(r) for r in rows[:stacked]))
                levels = [_spanned(r + [""] * (width - len(r))) for r in [header, *rows[:stacked - 1]]]
                levels.append(rows[stacked - 1] + [""] * (width - len(rows[stacked - 1])))
                header = [" | ".join(" ".join(level[k].split()) for level in levels if level[k].strip())
                          for k in range(width)]
                rows = rows[stacked:]
        else:
            header = [f"column_{k + 1}" for k in range(max((len(r) for r in rows), default=0))]
    if not rows or not header:
        return None
    if _FREQ_LEGEND.search(" ".join(header[0].split())):
        # SAS PROC FREQ's legend over the row labels ("Frequency / Percent / Row Pct / Col Pct"): the cells
        # are the frequencies (their first number), whatever the levels' names look like ("E10 Type 1")
        header = [header[0], *(f"{h.strip()} | Frequency" if h.strip() else h for h in header[1:])]
        rows = _unstacked_freq_cells(header[0], rows)
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows]
    return TextTable(unique_names([h.strip() for h in header]), body, 1, kind)


# The legend SAS PROC FREQ prints over a crosstab's row labels, the frequency first ("Frequency Percent Row Pct
# Col Pct", "Frekvens Procent Radprocent", "Antal"), after the table's title when the two share a cell.
_FREQ_LEGEND = lazy_compile(r"(?i)(?:^|\|\s*)(?:frequency|frekvens|frekvenser|antal|antall|frekvenssi)"
                            r"(?:\s+(?:percent|procent|prosent|prosentti|row pct|col pct|radprocent|kolumnprocent|"
                            r"radprosent|kolonneprosent|rivi-%|sarake-%)\b.*)?$")


# The statistics a PROC FREQ legend names, one line each in a stacked cell.
_FREQ_STAT = lazy_compile(r"(?i)\b(?:frequency|frekvens|frekvenser|antal|antall|frekvenssi|percent|procent|prosent|"
                          r"prosentti|row pct|col pct|radprocent|kolumnprocent|radprosent|kolonneprosent|rivi-%|"
                          r"sarake-%)")
# A percentage as PROC FREQ prints it: two decimals ("22,10", "1.14"), never a frequency.
_FREQ_PERCENT = lazy_compile(r"\d{1,3}[.,]\d{2}")


def _unstacked_freq_cells(legend: str, rows: list[list[str]]) -> list[list[str]]:
    """A PROC FREQ crosstab whose stacked cells (frequency over its percentages) a PDF's text gives a line
    each: the frequencies' line has no row label, the label sits on a percentage's line ("      4120  5877" over
    "Stockholms län  22,10  31,53  18640"). The percentages are dropped and each level's lines joined, so
    each row holds its level's frequencies. Rows that are not so stacked are left as they are."""
    if len(_FREQ_STAT.findall(" ".join(legend.split()))) < 2 or all(r[0].strip() for r in rows if r):
        return rows
    lines = [[r[0], *("" if _FREQ_PERCENT.fullmatch(c.strip()) else c for c in r[1:])] for r in rows]
    lines = [r for r in lines if any(c.strip() for c in r)]

    def apart(a: list[str], b: list[str]) -> bool:
        return not any(x.strip() and y.strip() for x, y in zip(a[1:], b[1:], strict=False))

    def joined(a: list[str], b: list[str]) -> list[str]:
        return [x if x.strip() else y for x, y in zip(a, b, strict=False)]

    out: list[list[str]] = []
    k = 0
    while k < len(lines):
        row = lines[k]
        if not row[0].strip():
            if k + 1 < len(lines) and lines[k + 1][0].strip() and apart(row, lines[k + 1]):
                lines[k + 1] = joined(lines[k + 1], row)  # the frequencies' line above its label
                k += 1
                continue
            if out and out[-1][0].strip() and apart(out[-1], row):
                out[-1] = joined(out[-1], row)
                k += 1
                continue
        out.append(row)
        k += 1
    return out


def _stacked_header_row(row: list[str]) -> bool:
    """A row of column names under the header, no data: no digit in it (a Table 1's "54.1 (12.3)" is data), and
    names in most of its cells, or its first cell blank and two names or more (not a group's heading row, "Kön"
    over its levels)."""
    cells = [c.strip() for c in row]
    named = [c for c in cells if c]
    if not named or any(ch.isdigit() for c in named for ch in c):
        return False
    return len(named) >= 0.8 * len(cells) or (not cells[0] and len(named) >= 2)


def _spanned(header: list[str]) -> list[str]:
    """A header row's labels carried right over the blanks after them (a merged cell spans its columns); the
    first column, the rows' labels, keeps its own."""
    out = list(header)
    for k in range(2, len(out)):
        if not out[k].strip() and out[k - 1].strip():
            out[k] = out[k - 1]
    return out


def _names_over_levels(header: list[str], levels: list[str], data: list[str]) -> bool:
    """A header row naming the row and column variables over a row of the column variable's levels (SAS
    ODS PROC FREQ in RTF or Word: "region | hfaudd_grp | | |" over "Frequency | Grundskole | Gymnasial |
    ... | Total"; "Under 18 | 18-29 | 67+"): the names fill at most two cells, no level is a plain number,
    and the row below has numbers under them."""
    named = [c for c in header if c.strip()]
    cells = levels[1:]
    return (0 < len(named) <= 2 and len(named) < len(header) / 2 and len(cells) >= 2
            and all(c.strip() and not _NUMBER.fullmatch(c.strip().replace(" ", "")) for c in cells)
            and sum(1 for c in data[1:] if _NUMBER.fullmatch(c.strip().replace(" ", ""))) >= len(cells) / 2)


def _tab_blocks(text: str) -> list[list[list[str]]]:
    """Runs of three or more lines with the same number of tabs (one at least): a table typed with tabs,
    each line split at them."""
    out: list[list[list[str]]] = []
    run: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.count("\t") >= 1 and (not run or line.count("\t") == run[0].count("\t")):
            run.append(line)
            continue
        if len(run) >= 3:
            out.append([[c.strip() for c in x.split("\t")] for x in run])
        run = [line] if line.count("\t") >= 1 else []
    return out


def _delimited(text: str) -> list[list[str]] | None:
    """Rows of text delimited by one character (``pnr;income`` records written into a comment)."""
    lines = [x for x in text.splitlines() if x.strip()]
    if len(lines) < 3:
        return None
    for d in _DELIMS:
        counts = {x.count(d) for x in lines}
        if len(counts) == 1 and min(counts) >= 1:
            return [[c.strip() for c in x.split(d)] for x in lines]
    return None


class _DocumentScan:
    def __init__(self, entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                 analyse: Analyse) -> None:
        self.entry = entry
        self.config = config
        self.key = key
        self.facts = facts
        self.analyse = analyse
        self.path = entry.relpath
        self.countries = config.profile.countries
        self.table_rules = rules_for(config, Shape.TABLE, selected=False)
        self.id_rules = rules_for(config, Shape.IDENTIFIERS, selected=False)
        self.model_rules = rules_for(config, Shape.MODEL)
        self.findings: list[Finding] = []
        self.doc = DocumentFacts(entry.relpath, entry.kind.value)
        self.prose: list[str] = []  # the visible text's blocks (their counts are margins of its tables)
        self.members: Embedded | None = None

    # -- content rules ------------------------------------------------------------------------------

    def _ids(self, scan: IdentifierScan, judged: _Judged) -> None:
        judged.keep(judge(scan, self.id_rules, self.config, self.path, self.key), self.config)
        self.facts.problems.extend(scan.incomplete)

    def _table(self, table: TextTable, judged: _Judged, *, identifiers: bool = True, title: str = "") -> TableModel:
        source = TextTableSource(Path(self.entry.path), table, title=title)
        model = self.analyse(source, self.config)
        judged.keep(judge(model, self.table_rules, self.config, self.path, self.key), self.config)
        if identifiers and self.id_rules:
            scanner = TableIdentifierScanner(self.countries)
            for batch in source.batches():
                scanner.update(batch)
            self._ids(scanner.finish(), judged)
        return model

    # -- parts --------------------------------------------------------------------------------------

    def _models(self, text: str, place: Place, *, regression: bool = False) -> None:
        """The MODEL rules over the model sizes a text or a table of the document prints (``regression``: the
        document's text says the table is a regression table)."""
        if not self.model_rules:
            return
        sizes = model_sizes(text, regression=regression)
        if sizes:
            found = judge(ModelFacts(tuple(dataclasses.replace(m, line=None) for m in sizes)), self.model_rules,
                          self.config, self.path, self.key)
            self.findings.extend(_placed(f, place, self.key) for f in found)

    def _prose(self, block: TextBlock) -> None:
        """Counts in the block's sentences: a group's size (``(n = 2)``), counts of persons (``two patients
        died``, review), as tables of counts for the table rules."""
        if not self.table_rules:
            return
        threshold = self.config.profile.threshold
        for table in (group_sizes_in_prose(block.text, 1, set(), threshold),
                      units_in_prose(block.text, 1, set(), threshold), shares_in_prose(block.text, 1, set(), threshold),
                      dominance_in_prose(block.text, 1), frequency_missing(block.text, 1),
                      extremes_in_prose(block.text, 1), listed_counts(block.text, 1, set(), threshold),
                      parallel_counts(block.text, 1, set(), threshold), rates_in_prose(block.text, 1, threshold)):
            if table is None:
                continue
            judged = _Judged()
            self._table(table, judged, identifiers=False)
            self.findings.extend(_placed(f, block.place, self.key, keep_row=False) for f in judged.report)

    def _typed_tables(self, block: TextBlock) -> None:
        """Tables typed into a document's text with tabs or aligned with spaces (a text box on a slide, a
        Word paragraph per row): read as the text readers read a note's tables. (A PDF's page text has its
        own reading: its tables come with the page.)"""
        tabbed = _tab_blocks(block.text)
        found_tables = [(rows[1:], rows[0]) if is_header_row(rows[0], rows[1:]) else (rows, None) for rows in tabbed]
        if not tabbed:
            found_tables = [([list(r) for r in t.rows], None if all(n.startswith("column_") for n in t.names)
                             else t.names) for t in find_tables(block.text)]
        for rows, header in found_tables:
            table = table_of(rows, header, "typed")
            if table is None:
                continue
            judged = _Judged()
            self._table(table, judged)
            self.findings.extend(_placed(f, block.place.with_element(block.place.element or "typed table"),
                                         self.key) for f in judged.report)

    def texts(self, blocks: list[TextBlock]) -> None:
        """Identifiers in all visible text, located at the block of the first one found; model sizes."""
        blocks = [b for b in blocks if b.text.strip()]
        self.prose = [b.text for b in blocks]
        for b in blocks:
            self._models(b.text, b.place)
            self._prose(b)
        if self.table_rules:
            # (a Word table typed as a paragraph per row: the paragraphs of one slide or document together)
            for _, group in itertools.groupby([b for b in blocks if b.place.page is None], key=lambda b: b.place.slide):
                joined = list(group)
                text = "\n".join(b.text for b in joined)
                if "\t" in text or "  " in text:
                    self._typed_tables(TextBlock(text, joined[0].place.with_element(None)))
        if not blocks or not self.id_rules:
            return
        starts: list[int] = []
        line = 1
        for b in blocks:
            starts.append(line)
            line += b.text.count("\n") + 1
        place_of: dict[str, Place] = {}
        scan = IdentifierScan()
        for d in scan_names([b.text for b in blocks], self.countries):
            first = d.examples[0].line if d.examples and d.examples[0].line is not None else 1
            place_of[d.kind.code] = blocks[max(0, bisect.bisect_right(starts, first) - 1)].place
            scan.detections.append(dataclasses.replace(d, examples=tuple(
                dataclasses.replace(ex, line=None, row=None) for ex in d.examples)))
        judged = _Judged()
        self._ids(scan, judged)
        self.findings.extend(_placed(f, place_of.get(f.rule, Place()), self.key) for f in judged.report)

    def tables(self, tables: list[DocTable]) -> None:
        read: list[tuple[TextTable, DocTable]] = []
        # (a Word or RTF table's notes, "Standard errors in parentheses", "*** p<0.01", are paragraphs of the
        # document's text, not cells)
        regression = any(is_regression_text(p) for p in self.prose)
        for t in tables:
            if t.source != "pdf-text":  # (a PDF's table is in its page's text too)
                self._models("\n".join("  ".join(r) for r in [*([t.header] if t.header else []), *t.rows]),
                             t.place, regression=regression or is_regression_text(t.caption))
            table = table_of(t.rows, t.header, t.source)
            if table is None:
                continue
            read.append((table, t))
            judged = _Judged()
            # A table recovered from a PDF page's text is in the page's text too: its identifiers are found
            # there (once).
            self._table(table, judged, identifiers=t.source != "pdf-text", title=t.caption)
            self.findings.extend(_placed(f, t.place, self.key) for f in judged.report)
        self._linked(read)

    def _linked(self, read: list[tuple[TextTable, DocTable]]) -> None:
        """A suppressed cell whose row or column total another table of the document publishes ("Table 2. Men
        167" beside "Table 3" by sex and age with "<3"): the recoverable-suppression rule on the table with that
        margin added, as in a workbook (:func:`~scanner.loaders.texttables.linked_tables`). The document's
        sentences that publish counts ("350 hos mænd og 151 hos kvinder") are margins too."""
        from scanner.loaders.base import SUPPRESSION_MARKER
        from scanner.loaders.texttables import LINKED_MAX_ROWS, linked_tables, prose_margins

        rules = [r for r in self.table_rules if r.code == "TAB004"]
        small = [(t, d) for t, d in read if len(t.rows) <= LINKED_MAX_ROWS]
        self._group_differences(small)
        if not rules or not small:
            return
        prose = prose_margins(self.prose) if any(SUPPRESSION_MARKER.fullmatch(c.strip()) for t, _ in small
                                                 for r in t.rows for c in r[1:]) else []
        if len(small) + len(prose) < 2:
            return
        # (a sentence's counts come after the tables: they are sources only, never a table with a hidden cell)
        titles = [d.caption or "" for _, d in small] + [""] * len(prose)
        for k, _, found in linked_tables([*(t for t, _ in small), *prose], titles):
            if k >= len(small):
                continue
            # (with the table's caption: "Nettoomsättning (mnkr)" says its cells are amounts)
            model = self.analyse(TextTableSource(Path(self.entry.path), found, title=small[k][1].caption or ""),
                                 self.config)
            judged = _Judged()
            # (only cells recomputed as small counts: another table's margin may be of other units)
            judged.keep((f for f in judge(model, rules, self.config, self.path, self.key)
                         if f.severity >= Severity.BLOCK), self.config)
            self.findings.extend(_placed(f, small[k][1].place, self.key) for f in judged.report)

    def _group_differences(self, small: list[tuple[TextTable, DocTable]]) -> None:
        """Tables of one group beside the table of all, told apart by their captions ("Tabel B2. Personer med
        sclerose født i Danmark" beside "Tabel B1. Alle personer med sclerose", "20–64 år" beside "16–64 år"),
        and a table that leaves a group out beside the table with it: their difference is the other group's
        count (9 - 8 is 1 born abroad), through the small-cell rule (:func:`scanner.api.linked_group_findings`)."""
        from scanner.api import linked_group_findings

        rules = [r for r in self.table_rules if r.code == "TAB001"]
        if not rules or len(small) < 2:
            return
        for d, f in linked_group_findings([t for t, _ in small], [doc.caption or "" for _, doc in small], rules,
                                          self.config, self.path, self.key, Path(self.entry.path)):
            self.findings.append(_placed(f, small[d.k][1].place, self.key))

    def hidden(self, content: DocumentContent) -> None:
        shown: set[str] | None = None  # the numbers the visible text and tables print (read when needed)
        for h in content.hidden:
            texts = [t for t in h.texts if t and t.strip()]
            if not texts:
                continue
            # (a person number typed into a comment, a note or a property is blocked however few, with or
            # without its separator, as in a workbook's cell comments)
            where = f"in a {h.kind.replace('-', ' ')}"
            detections = typed_in(scan_names(texts, self.countries), where, any_form=True) if self.id_rules else []
            keys = named_key_values(texts) if self.id_rules and h.numbers_matter else []
            evidence = tuple(_evidence(d) for d in detections) + tuple(keys)
            severity = Severity.BLOCK if keys else max((d.severity for d in detections), default=None)
            numbers = 0
            if h.numbers_matter and any(ch.isdigit() for t in texts for ch in t):
                # (a comment whose numbers the document prints anyway, "samme dag i 2019", adds none)
                shown = _visible_numbers(content) if shown is None else shown
                numbers = sum(1 for t in texts if set(_NUMBER_TOKEN.findall(without_references(t))) - shown)
            if not numbers and not evidence and not h.numbers_matter:
                continue
            concern = ""
            if h.numbers_matter and not evidence and any(ch.isdigit() for t in texts for ch in t):
                # a hidden sentence that counts units ("kun blev fundet 2 tilfælde"), whatever the visible text
                # prints: the numbers may be the same digits ("Tabel 2"), the count is the hidden text's own
                joined, limit = "\n".join(texts), self.config.profile.threshold
                if units_in_prose(joined, 1, set(), limit) is not None \
                        or shares_in_prose(joined, 1, set(), limit) is not None:
                    concern = f"it gives a count of persons or firms under the threshold of {limit}"
            self.doc.hidden_texts.append(HiddenTextFacts(
                h.kind, None, h.place.element or "", len(texts), numbers, "", evidence, severity,
                concern=concern, page=h.place.page, slide=h.place.slide, document=True))

    def attached(self, content: DocumentContent) -> None:
        for a in content.attached:
            scanned = False
            if a.data is not None:
                scanned = self._attached_figure(a, content)
                if not scanned and self.members is not None:
                    scanned = self.members.take(a.name, a.data)  # scanned as a member of the document
            elif a.kind == "picture":
                what = f"{a.size:,} bytes" if a.size else "size unknown"
                self.facts.problems.append(f"{a.place.describe() or 'a picture'}: a picture ({what}) whose "
                                           "content was not read; a person must look at it")
                scanned = True
            self.doc.embedded.append(EmbeddedFacts(a.name, a.kind, a.size, None, scanned, a.place.page,
                                                   a.place.slide))

    def _attached_figure(self, a: Attached, content: DocumentContent) -> bool:
        """Read an attached picture or SVG as a figure (its metadata, its marks); True when it was read."""
        from scanner.loaders.images import read_image, read_svg

        assert a.data is not None
        kind = classify_content(a.name, a.data[:8192], lambda: _BytesOpener(a.data))
        place = a.place.with_element(a.place.element or a.name)
        if kind in _RASTER:
            sub = read_image(a.data, _RASTER[kind], place)
        elif kind is FileKind.SVG:
            sub = read_svg(a.data, place)
        elif a.kind == "picture":
            ext = a.name.rsplit(".", 1)[-1].upper() if "." in a.name else "unknown format"
            self.facts.problems.append(f"{place.describe()}: a picture ({ext}, {a.size:,} bytes) whose content "
                                       "was not read; a person must look at it")
            return True
        else:
            return False
        content.figures.extend(sub.figures)
        self.facts.problems.extend(sub.problems)
        return True

    def figures(self, figures: list[Figure]) -> None:
        unreadable: list[str] = []
        for fig in figures:
            place = fig.place
            if not fig.readable:
                where = place.describe()
                made = f", made by {fig.producer}" if fig.producer else ""
                size = f", {fig.size}" if fig.size else ""
                noun = "" if fig.format.startswith("Stata") else " image"  # (a Stata graph's drawing)
                unreadable.append(f"{where + ': ' if where else ''}{fig.format}{noun}{size}{made}")
            facts = FigureFacts(fig.format, fig.producer, fig.size, place.page, place.slide, place.element,
                                [MarkFacts(m.count, m.distinct, m.shape, m.element, m.regular, m.on_line, m.cells,
                                           m.named)
                                 for m in fig.marks], outliers=fig.outliers, lines=fig.lines,
                                unit_labels=len({x.strip().lower() for x in fig.labels if UNIT_LABEL.match(x)}),
                                stated_units=any(EACH_MARK_A_UNIT.search(x) for x in fig.labels),
                                whiskered=fig.whiskered,
                                size_labels=[x for x in fig.labels if STATED_SIZE.search(x)][:50])
            self._labels(fig)
            for ds in fig.data:
                self.doc.data.append(self._data(ds, place))
                facts.lines = max(facts.lines, ds.lines)
                if ds.marks is not None:
                    m = ds.marks
                    facts.marks.append(MarkFacts(m.count, m.distinct, m.shape, m.element, m.regular, m.on_line,
                                                 m.cells, m.named))
            self.doc.figures.append(facts)
        if unreadable:
            # one finding per file: a slide deck of screenshots is one thing for a person to look at
            listed = "; ".join(unreadable[:4]) + (f"; and {len(unreadable) - 4} more" if len(unreadable) > 4 else "")
            what = ("its marks cannot be read (a raster image)" if len(unreadable) == 1 else
                    f"{len(unreadable)} raster images whose marks cannot be read")
            if all(f.format.startswith("Stata") for f in figures if not f.readable):
                what = "its drawing is not decoded (Stata's own format)"
            self.facts.problems.append(f"{listed}: {what}; a person must check that they show no single units "
                                       "or small counts")

    def _labels(self, fig: Figure) -> None:
        """Counts printed on a figure (``n=2`` on a bar, in a legend) as a table through the table rules."""
        rows = []
        for label in fig.labels:
            for m in _N_LABEL.finditer(label):
                rest = (label[:m.start()] + label[m.end():]).strip(" ()[],;:") or f"label {len(rows) + 1}"
                rows.append([rest, m.group(1).replace(" ", "")])
        if any(_EVENTS_OF_N.search(x) for x in fig.labels):
            # a forest plot's column of events/N per subgroup ("2/17" under "händelser/N"): both are counts
            for label in fig.labels:
                m = _FRACTION_LABEL.match(label)
                if m is not None:
                    rows.append([f"events {len(rows) + 1}", m.group(1)])
                    rows.append([f"group size {len(rows) + 1}", m.group(2)])
        named = [m for m in map(_NAMED_FRACTION.match, fig.labels) if m is not None]
        if len(named) >= 3 and all(int(m.group(2)) <= int(m.group(3)) for m in named) \
                and max(int(m.group(3)) for m in named) > 12:
            # each point named with its events over its size ("Lycksele lasarett: 1/11", a funnel plot's
            # hospitals): both are counts (not dates: sizes above 12, never below the events)
            for name, events, size in dict.fromkeys((m.group(1).strip(), m.group(2), m.group(3)) for m in named):
                rows.append([f"{name} events", events])
                rows.append([f"{name} size", size])
        for label in fig.labels:
            # a count with its share written on a slice or a bar ("2 (0,3 %)", "412 (52.4%)")
            m = _COUNT_SHARE_LABEL.match(label)
            if m is not None:
                rows.append([f"count label {len(rows) + 1}", re.sub(r"[ ,.\u00a0]", "", m.group(1))])
        sizes = len(rows)
        values = count_value_labels(fig.labels)
        rows.extend([f"value label {k}", v] for k, v in enumerate(values, start=1))
        rows.extend([f"at risk {k}", v] for k, v in enumerate(_at_risk_numbers(fig.labels), start=1))
        rows.extend(_unit_counts(fig.labels, n_labels_read=True))
        named = _named_counts(fig.labels)
        if says_counts(fig.labels) or _FLOW_WORD.search(" ".join(fig.labels[:400])):
            rows.extend(named)
            rows.extend(_colon_counts(fig.labels))
        elif named:
            # whole numbers beside names on a figure that does not say what they are (a tile map's "Ærø",
            # "2" under a title of births): counts, or rounded rates and means; a person checks the small ones
            self._figure_table(fig, named, unsure=True)
        bars = _count_bars(fig)
        if sizes + len(values) < len(bars):
            # the bars' heights, unless every bar has its count or its group's size written on it (then the
            # bars may be means of those groups): a title's or a legend's "N = 801" says nothing of a
            # histogram's tail bar of 1, nor do labels on some bars ("<3") of the others
            rows.extend([f"bar {k}", v] for k, v in enumerate(bars, start=1))
        if rows:
            self._figure_table(fig, rows)

    def _figure_table(self, fig: Figure, rows: list[list[str]], *, unsure: bool = False) -> None:
        """Counts printed on ``fig`` (a label, a count), through the table rules; ``unsure`` when the figure
        does not say they are counts (a finding is then for a person: review)."""
        # (the labels are the figure's categories and the numbers its counts: a list of counts, however its labels
        # repeat, never rows of units; a label read twice, an axis's "–" of split ranges, is numbered apart)
        seen = collections.Counter(r[0] for r in rows)
        rows = [[f"{r[0]} ({k})" if seen[r[0]] > 1 else r[0], *r[1:]] for k, r in enumerate(rows, start=1)]
        table = TextTable(unique_names(["label", "n"]), rows, 1, "figure-labels", dimensions=("label",), counts=("n",))
        judged = _Judged()
        self._table(table, judged, identifiers=False)
        place = fig.place.with_element(f"{fig.place.element + ': ' if fig.place.element else ''}counts shown "
                                       "on the figure")
        for f in judged.report:
            if unsure and f.severity > Severity.REVIEW:
                f = dataclasses.replace(f, severity=Severity.REVIEW, message=f"{f.message} The figure does not "
                                        "say its numbers are counts: a person checks.")
            self.findings.append(_placed(f, place, self.key))

    def _data(self, ds: DataSet, place: Place) -> DataFacts:
        d = DataFacts(ds.where, place.page, place.slide, place.element, metadata=ds.metadata,
                      unit_values=ds.unit_values, unreadable=ds.unreadable)
        judged = _Judged()
        at = place.with_element(ds.where)
        if ds.columns:
            names = list(ds.columns)
            n = max(len(v) for v in ds.columns.values())
            rows = [[ds.columns[c][i] if i < len(ds.columns[c]) else "" for c in names] for i in range(n)]
            d.records, d.columns = n, len(names)
            model = self._table(TextTable(unique_names(names), rows, 1, "figure-data"), judged)
            d.shape = model.shape.value
        if ds.texts:
            text = "\n".join(ds.texts)
            d.numbers = len(_NUMBER.findall(text))
            detections = scan_names(ds.texts, self.countries) if self.id_rules else []
            d.identifiers = tuple(_evidence(x) for x in detections)
            d.identifier_severity = max((x.severity for x in detections), default=None)
            found = [table_of(t.rows, t.names, "figure-metadata") for t in find_tables(text)]
            rows = _delimited(text)
            if rows is not None:
                found.append(table_of(rows, None, "figure-metadata"))
            for table in found:
                if table is not None:
                    d.tables += 1
                    self._table(table, judged, identifiers=False)
            # counts of units in the marks' tooltips ("Ledig → Uddannelse: 2 personer", "Mining: 2 firms"): what
            # the figure shows, judged as its labels are (no data of its own beyond them)
            counted = _unit_counts(ds.texts)
            if counted:
                self._table(TextTable(unique_names(["label", "n"]), counted, 1, "figure-labels"), judged,
                            identifiers=False)
        d.flagged = judged.worst
        d.flagged_rules = tuple(sorted(judged.rules))
        self.findings.extend(_placed(f, at, self.key) for f in judged.report)
        return d

    def document_rules(self) -> None:
        self.findings.extend(judge(self.doc, rules_for(self.config, Shape.DOCUMENT), self.config, self.path, self.key))


# A count of units in a label or a tooltip: "Mining: 2 firms", "Læsø (2 personer)", "1 case".
# (the upper end of a range is a class, no count: "Kvadrater med 1-2 personer er vist som '<3'")
_UNIT_COUNT = lazy_compile(
    r"(?<![\w.,\-–])(\d{1,9})\s+(?:firms?|compan(?:y|ies)|persons?|people|patients?|cases?|deaths?|"
    r"individuals?|observations?|virksomhed(?:er)?|personer|patienter|tilf(?:æ|ae)lde|d(?:ø|oe)dsfald|"
    r"f(?:ö|o)retag|fall|d(?:ö|o)da|individer)\b", re.IGNORECASE)
_COUNT_WORD = lazy_compile(r"(?i)\b(?:cases|counts?|number|antal|antall|antalet|lukumäärä|lkm|anzahl|n\s*=|persons|"
                         r"personer|patients|patienter|firms|virksomheder|foretak|företag|tilf(?:æ|ae)lde|fall|"
                         r"tilfeller|deaths|d(?:ø|oe)dsfald|dødsfall|dödsfall|incidence|recipients|mottakere|"
                         r"mottagare|modtagere|elever|students|births|f(?:ø|oe)dsler|(?:levende)?f(?:ø|oe)dte|(?:levande)?f(?:ö|o)dda|f(?:ö|o)dslar|"
                         r"syntyneet|elävänä syntyneet|admissions|indl(?:æ|ae)ggelser|indlagte|inl(?:ä|a)ggningar|"
                         r"innleggelser|avlidna|d(?:ø|oe)de|d(?:ö|o)da|kuolleet)\b")


# A count named by its key in a tooltip's lines ("tid: 3.2 år<br>n.risk: 2<br>n.event: 0", plotly's hover text of
# a survival curve; "antal: 2"): the key, a colon or "=", a whole number.
_KEYED_COUNT = lazy_compile(
    r"(?i)(?:^|<br\s*/?>|[;,|]\s*|\n)\s*(n\.risk|n\.event|n\.censor|n\.at\.risk|number at risk|at risk|n|antal|antall|"
    r"antalet|lukumäärä|lkm|count|events?|cases|deaths|personer|persons|patients|patienter|firms|virksomheder|"
    r"företag|elever|students|d(?:ø|oe)dsfald|d(?:ö|o)dsfall|h(?:æ|ae|ä|a)ndelser)\s*[:=]\s*(\d{1,9})(?![\d.,])")


def _unit_counts(labels: Sequence[str], *, n_labels_read: bool = False) -> list[list[str]]:
    """Counts of units written in a figure's labels and tooltips ("Mining: 2 firms", "n.risk: 2").
    ``n_labels_read``: the labels' "n=2", "events: 3" are read already (:data:`_N_LABEL`), not again."""
    rows = []
    for label in labels:
        for m in _UNIT_COUNT.finditer(label):
            rest = (label[:m.start()] + label[m.end():]).strip(" ()[],;:") or f"label {len(rows) + 1}"
            rows.append([rest, m.group(1)])
        if ":" in label or "=" in label:
            rows.extend([f"{m.group(1)} {len(rows) + 1}", m.group(2)] for m in _KEYED_COUNT.finditer(label)
                        if not (n_labels_read and _N_LABEL.match(label, m.start(1))))
    return rows


def _named_counts(labels: Sequence[str]) -> list[list[str]]:
    """A name, then a whole number, label after label (a map's areas with their counts: "Ærø", "4",
    "Fanø", "1"), three pairs or more (whatever the figure says they are: see :func:`says_counts`)."""
    rows = []
    for a, b in itertools.pairwise(labels):
        if _WHOLE.match(b.strip()) and not any(ch.isdigit() for ch in a) and 0 < len(a.strip()) <= 40:
            rows.append([a.strip(), b.strip()])
    return rows if len(rows) >= 3 else []


# A flow chart of a study's population (CONSORT, STROBE): its boxes count the persons excluded and kept.
_FLOW_WORD = lazy_compile(r"(?i)\b(?:excluded|exclusions?|included|eligible|ekskluderet|ekskludert|ekskluderte|"
                          r"exkluderade|exkluderades|inkluderade|inkluderet|inkludert|poissuljettu|mukaan otettu|"
                          r"study population|studiepopulation|studiepopulasjon|studiepopulationen|tutkimusjoukko)\b")
# A box's line of a flow chart or a list of counts: a name, a colon, a whole number (its thousands apart by a
# space), a unit's noun after it at most ("avliden samma dag som utskrivning: 2", "Studiepopulation: 48 212 personer").
_COLON_COUNT = lazy_compile(r"^\s*([^\W\d][^:\n]{1,80}?)\s*:\s*(\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+|\d{1,9})"
                            r"(?:\s+[^\W\d_]{2,20})?\s*$")


def _colon_counts(labels: Sequence[str]) -> list[list[str]]:
    """Counts written after a colon, label by label, three or more on the figure (a flow chart's boxes)."""
    rows = [[m.group(1).strip(), re.sub(r"\s", "", m.group(2))] for m in map(_COLON_COUNT.match, labels) if m]
    return rows if len(rows) >= 3 else []


def says_counts(labels: Sequence[str]) -> bool:
    """Whether a figure's texts say it shows counts ("Antal", "cases", "Fødsler")."""
    return any(_COUNT_WORD.search(x) for x in labels)


# The row title of a survival plot's table of numbers at risk: "Number at risk", "No. at risk", "At risk",
# "Antal i risiko", "Antal at risk", "n.risk".
_AT_RISK = lazy_compile(r"(?i)\bat\s*risk\b|\bi\s+risiko\b|\bi\s+risk\b|\bn\.risk\b|\brisikopopulation|"
                        r"\briskiss[äa]\b|\briskijoukko|\bunder\s+risk\b")
_WHOLE = lazy_compile(r"^\d{1,9}$")
_CELL_GAP = lazy_compile(r"\s{2,}")
_THOUSANDS_SPACE = lazy_compile(r"^(\d{1,3})[ \u00a0\u2009\u202f](\d{3})$")
# A cell of a table of numbers at risk: "8", or survminer's "8 (2)" (at risk, and events or a percentage).
_RISK_CELL = lazy_compile(r"^(\d{1,9})(?:\s*\(\s*\d{1,9}(?:[.,]\d+)?\s*%?\s*\))?$")


def _at_risk_numbers(labels: Sequence[str]) -> list[str]:
    """The numbers at risk printed under a survival curve, in the order the figure writes its texts: after the
    "at risk" title, each stratum's run of whole numbers that never grows (persons leave the risk set;
    an axis's tick labels grow), a stratum's name between runs."""
    # A PDF's text comes a line at a time ("Kotona      3 421      2 654      903"): cells are apart by runs of
    # spaces, a number's thousands by one space.
    labels = [_THOUSANDS_SPACE.sub(r"\1\2", part) for label in labels
              for part in (_CELL_GAP.split(label.strip()) if _CELL_GAP.search(label.strip()) else [label])]
    out: list[str] = []
    k = 0
    while k < len(labels):
        if not _AT_RISK.search(labels[k]):
            k += 1
            continue
        k += 1
        while k < len(labels) and not _AT_RISK.search(labels[k]):
            run: list[str] = []
            while k < len(labels) and (m := _RISK_CELL.match(labels[k].strip())) and (
                    not run or int(m.group(1)) <= int(run[-1])):
                run.append(m.group(1))
                k += 1
            if len(run) >= 2:
                out.extend(run)
            elif not run and len(labels[k]) > 30:
                break  # a title or a note: the table of numbers at risk is over
            else:
                k += 1 if not run else 0
    return out


class _BytesOpener:
    """A context manager giving a seekable stream of bytes (for classify_content)."""

    def __init__(self, data: bytes) -> None:
        import io

        self.stream = io.BytesIO(data)

    def __enter__(self) -> object:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def read_document(entry: DiscoveredFile) -> DocumentContent:
    """The parts of the document or figure ``entry`` (by its kind)."""
    path = Path(entry.path)
    kind = entry.kind
    if kind in (FileKind.DOCX, FileKind.PPTX, FileKind.ODT, FileKind.ODP):
        return read_office(path, kind.value)
    if kind is FileKind.PDF:
        from scanner.loaders.pdf import read_pdf

        return read_pdf(path)
    if kind is FileKind.HTML:
        from scanner.loaders.html_doc import read_html

        return read_html(path)
    if kind is FileKind.RTF:
        return read_rtf(path)
    if kind is FileKind.STATA_GRAPH:
        from scanner.loaders.stata_graph import read_stata_graph

        return read_stata_graph(path)
    from scanner.loaders.images import read_image, read_svg

    if kind is FileKind.SVG:
        return read_svg(path)
    return read_image(path, _RASTER[kind])


def scan_document_figures(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                          analyse: Analyse) -> list[Finding]:
    """The figures of a document whose text and tables another reader reads (a rendered notebook's HTML: its
    plotly charts, inline SVGs, pictures and widget data): findings for them, and their problems."""
    return scan_figures(entry, config, key, facts, analyse, read_document(entry))


def scan_figures(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts, analyse: Analyse,
                 content: DocumentContent) -> list[Finding]:
    """Findings for the figures, tables and attached files of ``content``, read by another reader than
    the document's text: a rendered notebook's figures, the images and HTML tables written into a Markdown
    note."""
    facts.problems.extend(content.problems)
    scan = _DocumentScan(entry, config, key, facts, analyse)
    scan.tables(content.tables)
    scan.attached(content)
    scan.figures(content.figures)
    scan.document_rules()  # (over the figures' facts: the text and tables are not in them)
    return scan.findings


def scan_document(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                  analyse: Analyse, members: Embedded | None = None) -> list[Finding]:
    """All findings for the document or figure ``entry``; unreadable parts go to ``facts.problems``
    (FIL001: limits and refused XML too), encryption to ``facts.encrypted`` (FIL004). ``analyse``
    is the scan's table analysis. When ``members`` is a list, the files embedded in or attached to the
    document (other than pictures, read here as figures) are offered to it, for the engine to scan as
    members of their own; DOC003 reports those it does not take."""
    content = read_document(entry)
    facts.problems.extend(content.problems)
    facts.encrypted.extend(content.encrypted)
    scan = _DocumentScan(entry, config, key, facts, analyse)
    scan.members = members
    scan.texts(content.texts)
    scan.tables(content.tables)
    scan.hidden(content)
    scan.attached(content)
    scan.figures(content.figures)
    scan.document_rules()
    return scan.findings


# A number as a document prints it: "2019", "12,5", "1.234".
_NUMBER_TOKEN = lazy_compile(r"\d+(?:[.,]\d+)*")


# A number that names a part of the document, no value: "Tabell 2", "Figure 3", "Model 2", "Bilag 1".
_PART_NUMBER = lazy_compile(r"(?i)\b(?:tabel|tabell|table|taulukko|figur|figure|fig\.|kuvio|model|modell|panel|"
                            r"bilag|bilaga|vedlegg|liite|appendix|kapitel|kapittel|chapter|luku|afsnit|avsnitt|"
                            r"section|step|trin|steg)\s*\d+")


def _visible_numbers(content: DocumentContent) -> set[str]:
    """Every number the document's visible text, tables and captions print, but those that name a part of it
    ("Tabell 2": a deleted count of 2 is not shown by it)."""
    out: set[str] = set()
    for block in content.texts:
        out.update(_NUMBER_TOKEN.findall(_PART_NUMBER.sub(" ", block.text)))
    for table in content.tables:
        for row in (*table.rows, *([table.header] if table.header else [])):
            for cell in row:
                out.update(_NUMBER_TOKEN.findall(cell or ""))
        out.update(_NUMBER_TOKEN.findall(_PART_NUMBER.sub(" ", table.caption or "")))
    return out
