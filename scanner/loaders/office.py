"""Documents read into parts: visible text, tables, hidden content, attached files and figures.

Word (``.docx``), PowerPoint (``.pptx``), OpenDocument text and presentations (``.odt``, ``.odp``) and RTF
are read here; PDF in :mod:`scanner.loaders.pdf`, HTML in :mod:`scanner.loaders.html_doc`, figures (SVG,
raster images, chart data) in :mod:`scanner.loaders.images`. Every reader returns a
:class:`DocumentContent`; it reads, it makes no findings (:mod:`scanner.document_scan` judges the parts).

What a person sees and what travels with the file are both read:

* visible text (paragraphs, headers, footers, footnotes, slide text) as :class:`TextBlock` parts, for the
  identifier scan;
* tables as :class:`DocTable` parts (rows of cell text), which get the same table analysis and TAB/MIC/EXT
  rules as a CSV file, located by table index (Word has no pages until it is laid out), slide or page;
* tracked deletions (the deleted text is still in the file), comments, speaker notes, hidden text, hidden
  slides and document properties as :class:`HiddenBlock` parts (DOC005);
* embedded objects, attached files and pictures as :class:`Attached` parts (DOC003; pictures and SVGs are
  also read as figures, FIG002);
* charts drawn from data as :class:`Figure` parts (FIG001 on scatter charts).

Office packages are zips read through :mod:`scanner.loaders.ooxml`'s bounded, counted part reader: every
XML part is streamed with ``iterparse`` after its prolog was checked (a DTD is refused, so no entity is
ever expanded), and decompressed sizes and ratios are bounded. A part that cannot be read is a value-free
reason in :attr:`DocumentContent.problems` (FIL001): a document is never passed on a partial read.
"""

from __future__ import annotations

import collections
import itertools
import posixpath
import re
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from scanner.lazy_regex import lazy_compile

# The OOXML package reader (bounded, counted streaming; DTDs refused) is the workbook structure reader's:
# one reader for every OOXML and ODF zip.
from scanner.loaders.ooxml import (
    CategorySeries,
    PackageLimitError,
    PackageLimits,
    PackageStructure,
    ScatterSeries,
    _local,
    _Package,
    _relationships,
    property_texts,
)

__all__ = [
    "Attached",
    "DataSet",
    "DocTable",
    "DocumentContent",
    "Figure",
    "HiddenBlock",
    "MarkGroup",
    "Place",
    "TextBlock",
    "read_office",
    "read_rtf",
]

#: Attached files and pictures up to this size are kept in memory to be read as figures or files.
MAX_ATTACHED_BYTES = 64 << 20
#: Cells of one row taken from a repeated ODF cell (``number-columns-repeated`` pads rows to 16,384).
_MAX_REPEAT = 64


@dataclass(frozen=True, slots=True)
class Place:
    """Where a part is in a document; every field value-free. ``element`` names the part ("table 2",
    "comment 3", "paragraph 14", an SVG group id); ``page`` a PDF page, ``slide`` a slide number."""

    page: int | None = None
    slide: int | None = None
    element: str | None = None

    def describe(self) -> str:
        parts = []
        if self.slide is not None:
            parts.append(f"slide {self.slide}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.element:
            parts.append(self.element)
        return ", ".join(parts)

    def with_element(self, element: str | None) -> Place:
        return Place(self.page, self.slide, element)


@dataclass(slots=True)
class TextBlock:
    """Visible text (a paragraph, a page's text, a slide's text)."""

    text: str
    place: Place


@dataclass(slots=True)
class DocTable:
    """A table: rows of cell text, the first row its header when it holds no bare number."""

    rows: list[list[str]]
    place: Place
    source: str  # "word", "slide", "odf", "rtf", "html", "pdf-text", "figure-labels"...
    #: column names when the reader already told them from the rows (a table found in text)
    header: list[str] | None = None
    #: the text right above the table (its caption, "Table 2. Diagnoses (N = 150)"): a title for the table
    #: analysis, which reads a whole's size out of it
    caption: str = ""


@dataclass(slots=True)
class HiddenBlock:
    """Content a reader of the document does not see: ``kind`` is one of tracked-deletion, comment,
    speaker-notes, hidden-text, hidden-slide, document-properties, html-comment, annotation.
    ``numbers_matter``: numbers in it are a concern (False for properties: dates and versions)."""

    kind: str
    place: Place
    texts: list[str]
    numbers_matter: bool = True


@dataclass(slots=True)
class Attached:
    """A file inside the document: an OLE object, an embedded package, an attached file, a picture.
    ``data`` holds its bytes when it is at most :data:`MAX_ATTACHED_BYTES` (pictures are read as
    figures); ``name`` may be chosen by the author (masked when printed)."""

    name: str
    kind: str
    size: int
    place: Place
    data: bytes | None = None


#: A figure's text that says each mark is one unit: "hver prik er en elev", "varje punkt är en person", "each dot
#: is a patient", "one point per firm", "jokainen piste on yksi henkilö", "each point represents a pupil".
EACH_MARK_A_UNIT = lazy_compile(
    r"(?i)\b(?:hver|hvert|varje|each|every|jokainen|one)\s+(?:prik|punkt|point|dot|marker|mark|piste|circle|"
    r"cirkel|sirkel|pallo)\w*\s+(?:er|är|is|represents?|viser|visar|on|=|per|angiver|markerer)?\s*"
    r"(?:(?:en|ett|et|one|a|an|yksi|én|ét)\s+)?(?:elev|person|patient|pasient|pupil|student|individ|firm|"
    r"virksomhed|virksomhet|f(?:ö|o)retag|company|household|husstand|hushåll|oppilas|henkilö|potilas|yritys|"
    r"respondent|child|barn|deltager|deltagare|participant)")

#: A label naming one unit by its number ("Patient 1", "Person 12", "ID 17", "Pt. 3", "Firm #4", "Subject 8"): a
#: figure labelled so draws a bar, line or mark per unit (a swimmer plot).
UNIT_LABEL = lazy_compile(r"(?i)^\s*(?:patient|pt\.?|person|subject|participant|respondent|individ|case|id|"
                         r"resident|asukas|potilas|henkilö|beboer|boende|"
                         r"firm|virksomhed|virksomhet|f(?:ö|o)retag|company|yritys|bedrift|lopnr|pnr|"
                         # (firms named by what they are: "Værft A", "Shipyard B", "Apotek C", "Plant 2")
                         r"v(?:æ|ae)rft|verft|varv|shipyard|plant|fabrik|fabrikk|factory|apotek|pharmacy|"
                         r"butik|butikk|store|hotel|rederi|mine|gruva|kaivos)\s*#?\s*"
                         # (a number, or a capital letter after a unit's word: "Virksomhed A", "Firm B"; a
                         # note in brackets after it: "Asukas 3 (87 v, N)")
                         r"(?:\d{1,6}|(?-i:[A-Z]))(?:\s*\([^()]{0,40}\))?\s*$")


@dataclass(slots=True)
class MarkGroup:
    """Marks of one shape drawn in one group of a figure: scatter points, markers of a series.

    ``regular`` the positions lie on a regular grid of x with few marks per x (a series over time or
    categories: aggregates); ``on_line`` a line of the same group runs through them (a line chart with
    markers). ``distinct`` counts distinct positions."""

    count: int
    distinct: int
    shape: str  # "circle", "marker", "path", "rect", "chart point", "plotly marker"...
    element: str  # value-free: where the group is ("group 12", "PathCollection_1", "series 2")
    regular: bool = False
    on_line: bool = False
    #: the marks tile a lattice (a hexbin's or a heatmap's cells): a 2-D histogram, not one mark per unit
    cells: bool = False
    #: every mark carries a name of its own in words (a plotly point's hover text "Frederiksberg"): areas or
    #: groups as likely as units
    named: bool = False


@dataclass(slots=True)
class DataSet:
    """Data a figure carries besides what it draws: a plotly trace, a bokeh data source, a vega data set,
    data-* attributes, text chunks of an image, metadata.

    ``columns`` (name -> cell texts, equal lengths) when the data is columnar; ``texts`` free text (image
    metadata, SVG ``<desc>``) otherwise. ``unit_values`` says why the values are one per unit (a histogram or
    box plot that carries its raw values, bins computed by the viewer), empty when they are not.
    ``unreadable`` is a value-free reason when the data could not be decoded (fail closed)."""

    where: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    unit_values: str = ""
    unreadable: str = ""
    #: metadata (an image's text chunks): only identifiers and data-like text matter, not a version number
    metadata: bool = False
    #: the marks an interactive chart draws from this data (scatter points), if it draws marks
    marks: MarkGroup | None = None
    #: the lines it draws, one per value of the field that splits them (vega's detail or color on a line mark)
    lines: int = 0
    #: the name the chart shows for this data in its legend or tooltip (a plotly trace's "name": "patient 12")
    label: str = ""


@dataclass(slots=True)
class Figure:
    """A figure: an SVG or raster image, a PDF page's drawing, a chart part, an interactive HTML chart.

    ``readable`` is False when its marks cannot be read (a raster image): a person must look.
    ``labels`` are the texts printed on it (axis labels, ``n=2`` on a bar) for the table analysis."""

    place: Place
    format: str  # "SVG", "PNG", "JPEG", "PDF drawing", "plotly", "chart"...
    producer: str | None = None
    size: str | None = None  # "1200x800 px"
    readable: bool = True
    marks: list[MarkGroup] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    data: list[DataSet] = field(default_factory=list)
    #: heights of the bars drawn on one baseline (a histogram, a bar chart), in the y axis's units, when
    #: the axis's tick labels give its scale
    bar_heights: list[float] = field(default_factory=list)
    #: points drawn beyond a box plot's whiskers (its outliers: each one unit's value)
    outliers: int = 0
    #: boxes drawn with whiskers (a box plot's groups: each draws its quartiles and its extremes)
    whiskered: int = 0
    #: data lines of three points or more (not axes, ticks, grid or legend): a line per series
    lines: int = 0


@dataclass(slots=True)
class DocumentContent:
    """Everything a document reader found. ``problems`` (FIL001), ``limits`` (FIL003) and ``encrypted``
    (FIL004) are value-free reasons."""

    texts: list[TextBlock] = field(default_factory=list)
    tables: list[DocTable] = field(default_factory=list)
    hidden: list[HiddenBlock] = field(default_factory=list)
    attached: list[Attached] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    encrypted: list[str] = field(default_factory=list)

    def extend(self, other: DocumentContent) -> None:
        self.texts.extend(other.texts)
        self.tables.extend(other.tables)
        self.hidden.extend(other.hidden)
        self.attached.extend(other.attached)
        self.figures.extend(other.figures)
        self.problems.extend(other.problems)
        self.limits.extend(other.limits)
        self.encrypted.extend(other.encrypted)


def _norm(text: str) -> str:
    # (a thin or narrow space between a number's digit groups, "1 012" in Nordic typesetting, is a space too)
    return re.sub(r"[ \t\u00a0\u2009\u202f\u2007]+", " ", text).strip()


_NUMBER = lazy_compile(r"^[-+\u2212]?(?:\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)(?:[.,]\d+)?%?$")


def cell_text(lines: list[str]) -> str:
    """A table cell from its paragraphs and line breaks. Numbers stacked on two or more lines (SAS ODS PROC
    FREQ's Frequency, Percent, Row Pct and Col Pct in one cell, the frequency first as its legend orders
    them; a mean over its standard deviation) are read as the first, the cell's count or estimate; any
    other cell is its lines joined by spaces."""
    first = stacked_number("\n".join(lines))
    return first if first is not None else _norm(" ".join(lines))


def stacked_number(text: str) -> str | None:
    """The first of two or more numbers stacked on lines of ``text`` (see :func:`cell_text`); None when
    ``text`` is not such a stack."""
    parts = [p for p in (_norm(x) for x in text.split("\n")) if p]
    if len(parts) >= 2 and all(_NUMBER.match(p) for p in parts):
        return parts[0]
    return None


def square(rows: list[list[str]]) -> list[list[str]]:
    """Rows padded to the widest row (merged cells leave rows short)."""
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


# -- OOXML: Word and PowerPoint -----------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _val_on(el: Element) -> bool:
    """A Word toggle property (``<w:vanish/>``, ``<w:vanish w:val="0"/>``)."""
    val = el.get(f"{{{_W_NS}}}val", "1")
    return val not in ("0", "false", "off")


class _WordBody:
    """Paragraphs, tables, tracked changes and hidden runs of one WordprocessingML part, streamed."""

    def __init__(self, out: DocumentContent, where: str, table_base: int, *, main: bool) -> None:
        self.out = out
        self.where = where  # "" for the body, "header 1", "footnotes"...
        self.main = main
        self.tables_seen = table_base
        self.paragraphs = 0
        self.stack: list[str] = []
        self.run: list[str] = []
        self.run_hidden = False
        self.para: list[str] = []
        self.para_deleted: list[str] = []
        self.para_hidden: list[str] = []
        self.cells: list[list[str]] = []  # per open table cell: its paragraphs
        self.recent: list[str] = []  # the last paragraphs outside tables (a table's caption)
        self.tables: list[tuple[int, list[list[str]]]] = []  # open tables: (index, rows)
        self.row: list[list[str]] = []  # per open table: the row being read
        # the same before the tracked changes (deleted runs kept, inserted ones left out): a "2" replaced by
        # "<3" in a cell is still in the file, and the table as it was is judged too
        self.para_before: list[str] = []
        self.cells_before: list[list[str]] = []
        self.tables_before: list[list[list[str]]] = []
        self.row_before: list[list[str]] = []
        self.changed: list[bool] = []  # per open table: a cell of it has tracked changes

    def place(self) -> Place:
        element = f"table {self.tables[0][0]}" if self.tables else f"paragraph {self.paragraphs + 1}"
        if self.where:
            element = f"{self.where}, {element}"
        return Place(element=element)

    def start(self, tag: str, el: Element) -> None:
        self.stack.append(tag)
        if tag == "r":
            self.run = []
            self.run_hidden = False
        elif tag == "tbl":
            self.tables_seen += 1
            self.tables.append((self.tables_seen, []))
            self.row.append([])
            self.tables_before.append([])
            self.row_before.append([])
            self.changed.append(False)
        elif tag == "tr" and self.tables:
            self.row[-1] = []
            self.row_before[-1] = []
        elif tag == "tc":
            self.cells.append([])
            self.cells_before.append([])

    def end(self, tag: str, el: Element) -> None:
        self.stack.pop()
        if tag == "t" or tag == "delText":
            if el.text:
                self.run.append(el.text)
        elif tag in ("tab", "ptab") and "r" in self.stack[-3:]:
            self.run.append("\t")
        elif tag in ("br", "cr") and "r" in self.stack[-3:]:
            self.run.append("\n")
        elif tag == "vanish" and len(self.stack) >= 2 and self.stack[-1] == "rPr" and self.stack[-2] == "r":
            self.run_hidden = _val_on(el)
        elif tag == "r":
            text = "".join(self.run)
            if text:
                inserted = "ins" in self.stack or "moveTo" in self.stack
                if "del" in self.stack or "moveFrom" in self.stack:
                    self.para_deleted.append(text)
                elif self.run_hidden:
                    self.para_hidden.append(text)
                else:
                    self.para.append(text)
                if not inserted:
                    self.para_before.append(text)
                if (inserted or "del" in self.stack or "moveFrom" in self.stack) and self.changed:
                    self.changed[-1] = True
            self.run = []
            el.clear()
        elif tag == "p":
            self._paragraph()
            el.clear()
        elif tag == "tc" and self.cells:
            cell = self.cells.pop()
            before = self.cells_before.pop() if self.cells_before else cell
            span = 1
            for child in el.iter():
                if _local(child.tag) == "gridSpan":
                    try:
                        span = max(1, min(int(child.get(f"{{{_W_NS}}}val", "1")), _MAX_REPEAT))
                    except ValueError:
                        span = 1
                    break
            if self.row:
                self.row[-1].append(cell_text(cell))
                self.row[-1].extend([""] * (span - 1))
                self.row_before[-1].append(cell_text(before))
                self.row_before[-1].extend([""] * (span - 1))
            el.clear()
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append(self.row[-1])
            self.row[-1] = []
            self.tables_before[-1].append(self.row_before[-1])
            self.row_before[-1] = []
            el.clear()
        elif tag == "tbl" and self.tables:
            index, rows = self.tables.pop()
            self.row.pop()
            rows_before = self.tables_before.pop()
            self.row_before.pop()
            changed = self.changed.pop()
            element = f"table {index}" if not self.where else f"{self.where}, table {index}"
            if rows:
                caption = "\n".join(self.recent) if not self.tables else ""
                self.out.tables.append(DocTable(square(rows), Place(element=element), "word", caption=caption))
                if changed and rows_before and rows_before != rows:
                    self.out.tables.append(DocTable(square(rows_before),
                                                    Place(element=f"{element} before its tracked changes"), "word",
                                                    caption=caption))
                if not self.tables:
                    self.recent = []
                if self.cells:  # a nested table: its text belongs to the outer cell too
                    self.cells[-1].extend(" ".join(r) for r in rows)
            el.clear()

    def _paragraph(self) -> None:
        place = self.place()
        text = "".join(self.para)
        if self.cells_before:
            self.cells_before[-1].append("".join(self.para_before))
        self.para_before = []
        if self.para_deleted:
            self.out.hidden.append(HiddenBlock("tracked-deletion", place, ["".join(self.para_deleted)]))
        if self.para_hidden:
            self.out.hidden.append(HiddenBlock("hidden-text", place, ["".join(self.para_hidden)]))
        self.para, self.para_deleted, self.para_hidden = [], [], []
        if self.cells:
            self.cells[-1].append(text)
        elif text.strip():
            self.paragraphs += 1
            self.out.texts.append(TextBlock(text, place))
            self.recent = [*self.recent[-(CAPTION_PARAGRAPHS - 1):], text]


#: Paragraphs right above a table read as its caption.
CAPTION_PARAGRAPHS = 2


def _word_part(pkg: _Package, part: str, out: DocumentContent, where: str, table_base: int, *,
               main: bool = False) -> int:
    body = _WordBody(out, where, table_base, main=main)
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            body.start(tag, el)
        else:
            body.end(tag, el)
    return body.tables_seen


def _word_comments(pkg: _Package, part: str, out: DocumentContent) -> None:
    k = 0
    for _, el in pkg.iterparse(part):
        if _local(el.tag) == "comment":
            k += 1
            text = "\n".join(_norm("".join(p.itertext())) for p in el.iter() if _local(p.tag) == "p")
            out.hidden.append(HiddenBlock("comment", Place(element=f"comment {k}"), [text]))
            el.clear()


def _properties(pkg: _Package, out: DocumentContent) -> None:
    """Document properties (title, author, company, custom properties): searched for identifiers."""
    texts = property_texts(pkg)
    if texts:
        out.hidden.append(HiddenBlock("document-properties", Place(element="document properties"), texts,
                                      numbers_matter=False))


def _attached(pkg: _Package, part: str, kind: str, place: Place) -> Attached:
    size = pkg.names[part].file_size
    data = None
    if size <= MAX_ATTACHED_BYTES:
        data = b"".join(pkg.stream(part, MAX_ATTACHED_BYTES))
    return Attached(posixpath.basename(part), kind, size, place, data)


def _embedded_kind(part: str) -> str:
    lower = part.lower()
    if "/embeddings/" in lower and lower.endswith(".bin"):
        return "OLE object"
    if "/embeddings/" in lower:
        return "embedded package"
    if "/activex/" in lower:
        return "ActiveX control"
    if lower.endswith("vbaproject.bin"):
        return "macro project"
    return "picture"


def _chart_figure(pkg: _Package, part: str, place: Place) -> Figure:
    """A DrawingML chart part: its texts and, for scatter and bubble charts, its points as marks."""
    labels: list[str] = []
    scatter = ScatterSeries()
    categories = CategorySeries()
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        scatter.feed(event, tag, el)
        categories.feed(event, tag, el)
        if event == "end" and tag == "t" and el.text:
            labels.append(el.text)
    columns = categories.columns()
    # the values a bar, line or pie chart draws, as cached in the chart (a table the table rules read)
    data = [DataSet("chart values", columns=columns)] if columns and len(columns) >= 2 else []
    return Figure(place, "chart", producer="Office chart", marks=chart_marks(scatter.series), labels=labels,
                  data=data)


def chart_marks(series: Sequence[tuple[Sequence[float], int]]) -> list[MarkGroup]:
    """The marks of a chart's scatter and bubble series (x values, points): one group per series. A series
    whose x values lie on a regular grid, each once, is a series over time or categories; one with an x
    twice (persons of the same age) is a scatter of units."""
    return [MarkGroup(n, len(set(xs)) if xs else n, "chart point", f"series {k}",
                      regular=bool(xs) and len(set(xs)) == len(xs) and is_regular([(v, 0.0) for v in xs]))
            for k, (xs, n) in enumerate(series, start=1) if n]


def is_regular(points: list[tuple[float, float]]) -> bool:
    """Positions on a regular grid of x with few marks per x: a series over time or categories (dates
    with a month's 28-31 days and gaps of whole steps count as regular), not units scattered by value; or
    on such a grid of y (a forest or coefficient plot: one estimate per category down the axis)."""
    return _regular_x(points) or _regular_x([(y, x) for x, y in points])


def tiles(points: list[tuple[float, float]], width: float, height: float) -> bool:
    """Marks of ``width`` x ``height`` that tile a lattice: every x and y on a grid of one step each (a hexbin's
    alternate rows offset by half a cell), the marks as wide and high as those steps (cells that touch,
    where a scatter of whole-number data leaves space between its markers), and several marks per column and
    row."""
    xs = sorted({round(x, 1) for x, _ in points})
    ys = sorted({round(y, 1) for _, y in points})
    if len(xs) < 3 or len(ys) < 3 or len(points) < 2 * max(len(xs), len(ys)):
        return False
    steps = []
    for values, size in ((xs, width), (ys, height)):
        diffs = [b - a for a, b in itertools.pairwise(values)]
        step = min(diffs)
        if step <= 0 or any(abs(d / step - round(d / step)) > 0.1 for d in diffs) or size < 0.9 * step:
            return False
        steps.append(step)
    return True


def _regular_x(points: list[tuple[float, float]]) -> bool:
    xs = sorted({round(x, 2) for x, _ in points})
    if len(xs) < 3 or len(points) > 4 * len(xs):
        return False
    diffs = [b - a for a, b in itertools.pairwise(xs)]
    step = sorted(diffs)[len(diffs) // 2]
    if step <= 0:
        return False
    off = 0
    for d in diffs:
        m = round(d / step)
        if m < 1 or abs(d - m * step) > 0.12 * step:
            off += 1
    if off > max(1, len(diffs) // 20):
        return False
    # A series fills its grid (a year or a category at nearly every step) with as many marks at each x (one
    # per series); persons at whole-year ages leave many ages empty and pile up unevenly at the others.
    unit = min(d for d in diffs if d > 0.5 * step)
    slots = round((xs[-1] - xs[0]) / unit) + 1
    per_x = collections.Counter(round(x, 2) for x, _ in points)
    modal = collections.Counter(per_x.values()).most_common(1)[0][1]
    return len(xs) >= _GRID_FILL * slots and modal >= _EVEN_MARKS * len(xs)


#: Share of a grid's steps a series has a mark at, and share of its x values with the usual number of marks.
_GRID_FILL = 0.75
_EVEN_MARKS = 0.9


def _docx(pkg: _Package, out: DocumentContent) -> None:
    main = pkg.find("word/document.xml")
    if main is None:
        for target, kind, _ in _relationships(pkg, "").values():
            if kind == "officeDocument" and pkg.find(target):
                main = pkg.find(target)
    if main is None:
        raise PackageLimitError("no document part in the package")
    tables = _word_part(pkg, main, out, "", 0, main=True)
    rels = _relationships(pkg, main)
    headers = footers = 0
    seen: set[str] = {main}
    for target, kind, external in sorted(rels.values()):
        part = pkg.find(target)
        if external or part is None or part in seen:
            continue
        seen.add(part)
        if kind == "header":
            headers += 1
            tables = _guard(out, f"header {headers}", _word_part, pkg, part, out, f"header {headers}", tables) \
                or tables
        elif kind == "footer":
            footers += 1
            tables = _guard(out, f"footer {footers}", _word_part, pkg, part, out, f"footer {footers}", tables) \
                or tables
        elif kind in ("footnotes", "endnotes"):
            tables = _guard(out, kind, _word_part, pkg, part, out, kind, tables) or tables
        elif kind == "comments":
            _guard(out, "comments", _word_comments, pkg, part, out)
        elif kind == "aFChunk":
            # an imported chunk (altChunk): HTML, text or another document that Word shows in the body
            _guard(out, "an imported chunk", _alt_chunk, pkg, part, out)
        elif kind == "chart":
            _chart_into(pkg, part, Place(element=f"chart {posixpath.basename(part)}"), out)
        elif kind in ("oleObject", "package", "image", "video", "audio", "media"):
            # (a picture in the body: read as a figure, or a problem when it cannot be)
            _guard(out, "an embedded file", lambda n=part, kd=kind: out.attached.append(
                _attached(pkg, n, _embedded_kind(n) if kd != "image" else "picture",
                          Place(element=posixpath.basename(n)))))
        else:
            seen.discard(part)  # any other part: listed by folder below when it is an embedded file
    # Charts, embeddings and pictures reached through other parts (headers, charts) are listed by folder.
    _package_files(pkg, out, "word/", seen)


def _alt_chunk(pkg: _Package, part: str, out: DocumentContent) -> None:
    """A Word altChunk: HTML or plain text is read as the body's content; anything else (an RTF or a Word
    document) goes to the embedded files."""
    from scanner.loaders.html_doc import html_content

    lower = part.lower()
    if lower.endswith((".htm", ".html", ".mht", ".xhtml", ".txt")):
        raw = pkg.read(part)
        text = raw.decode("utf-8", errors="replace")
        if lower.endswith(".txt"):
            out.texts.append(TextBlock(text, Place(element=posixpath.basename(part))))
            return
        chunk = html_content(text)
        for t in chunk.tables:
            t.place = Place(element=f"{posixpath.basename(part)}, {t.place.element or 'table'}")
        out.extend(chunk)
    else:
        out.attached.append(_attached(pkg, part, _embedded_kind(part), Place(element=posixpath.basename(part))))


def _chart_into(pkg: _Package, part: str, place: Place, out: DocumentContent) -> None:
    fig = _guard(out, "a chart", _chart_figure, pkg, part, place)
    if fig is not None:
        out.figures.append(fig)


def _package_files(pkg: _Package, out: DocumentContent, root: str, seen: set[str],
                   place_of: Callable[[str], Place] | None = None) -> None:
    for name in sorted(pkg.names):
        lower = name.lower()
        if name in seen or name.endswith("/") or not lower.startswith(root):
            continue
        place = place_of(name) if place_of is not None else Place(element=posixpath.basename(name))
        if "/embeddings/" in lower or "/activex/" in lower or lower.endswith("vbaproject.bin") \
                or "/media/" in lower:
            _guard(out, "an embedded file", lambda n=name, p=place: out.attached.append(
                _attached(pkg, n, _embedded_kind(n), p)))
        elif "/charts/" in lower and posixpath.basename(lower).startswith("chart") and lower.endswith(".xml") \
                and "/_rels/" not in lower:
            _chart_into(pkg, name, place, out)


_P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SKIP_PLACEHOLDERS = frozenset({"sldNum", "sldImg", "dt", "hdr", "ftr"})


def _drawing_text(pkg: _Package, part: str, place: Place, out: DocumentContent, *, table_base: int = 0,
                  into: list[str] | None = None, placeholders: bool = True) -> tuple[int, bool]:
    """Text and tables of a slide or notes part (DrawingML). Text goes to ``into`` when given (notes),
    else to visible text blocks. Returns the tables seen and whether the slide is hidden. Without
    ``placeholders`` (a slide layout or master), the text of placeholder shapes is left out: the slides
    replace it ("Click to edit Master title style")."""
    hidden = False
    paragraphs: list[str] = []
    para: list[str] = []
    shape: list[str] = []
    skip_shape = False
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    cell: list[str] = []
    depth_tc = 0
    n_tables = table_base
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "sld" and el.get("show") in ("0", "false"):
                hidden = True
            elif tag == "sp":
                shape, skip_shape = [], False
            elif tag == "ph" and (el.get("type") in _SKIP_PLACEHOLDERS or not placeholders):
                skip_shape = True
            elif tag == "tbl":
                tables.append([])
            elif tag == "tr":
                rows = []
            elif tag == "tc":
                depth_tc += 1
                cell = []
            continue
        if tag == "t" and el.text:
            para.append(el.text)
        elif tag == "br":
            para.append("\n")
        elif tag == "p" and _local(el.tag) == "p" and el.tag.startswith("{http://schemas.openxmlformats.org/drawingml"):
            text = "".join(para)
            para = []
            if depth_tc:
                cell.append(text)
            else:
                shape.append(text)
        elif tag == "tc":
            depth_tc -= 1
            if el.get("hMerge") in ("1", "true") or el.get("vMerge") in ("1", "true"):
                rows.append("")
            else:
                rows.append(cell_text(cell))
            el.clear()
        elif tag == "tr" and tables:
            tables[-1].append(rows)
        elif tag == "tbl" and tables:
            n_tables += 1
            got = tables.pop()
            if got:
                # (the slide's text above it, its title first: the table's caption, "De fem største eksportører")
                caption = "\n".join(p for p in paragraphs[-CAPTION_PARAGRAPHS:] if p.strip())
                out.tables.append(DocTable(square(got), place.with_element(f"table {n_tables}"), "slide",
                                           caption=caption))
        elif tag in ("sp", "graphicFrame"):
            if not skip_shape:
                paragraphs.extend(p for p in shape if p.strip())
            shape, skip_shape = [], False
            el.clear()
    if into is not None:
        into.extend(paragraphs)
    elif paragraphs:
        out.texts.append(TextBlock("\n".join(paragraphs), place))
    return n_tables, hidden


def _pptx(pkg: _Package, out: DocumentContent) -> None:
    main = pkg.find("ppt/presentation.xml")
    if main is None:
        raise PackageLimitError("no presentation part in the package")
    rels = _relationships(pkg, main)
    order: list[str] = []
    for _, el in pkg.iterparse(main):
        if _local(el.tag) == "sldId":
            target = rels.get(el.get(f"{{{_R_NS}}}id", ""), ("", "", False))[0]
            part = pkg.find(target) if target else None
            if part is not None:
                order.append(part)
    seen: set[str] = {main}
    slide_of: dict[str, int] = {}
    for k, part in enumerate(order, start=1):
        seen.add(part)
        place = Place(slide=k)
        before = len(out.texts)
        got = _guard(out, f"slide {k}", _drawing_text, pkg, part, place, out)
        if got is not None and got[1]:
            # a hidden slide: what it shows is not shown, but it leaves with the file
            texts = [t.text for t in out.texts[before:]]
            del out.texts[before:]
            out.hidden.append(HiddenBlock("hidden-slide", place.with_element("hidden slide"), texts or [""]))
        for target, kind, external in _relationships(pkg, part).values():
            found = pkg.find(target)
            if external or found is None:
                continue
            slide_of.setdefault(found, k)
            if kind == "notesSlide":
                seen.add(found)
                notes: list[str] = []
                _guard(out, f"notes of slide {k}", _drawing_text, pkg, found, place, out, into=notes)
                if any(n.strip() for n in notes):
                    out.hidden.append(HiddenBlock("speaker-notes", place.with_element("speaker notes"), notes))
            elif kind in ("comments", "comment") or "omment" in kind:
                seen.add(found)
                texts: list[str] = []
                for _, c in pkg.iterparse(found):
                    if _local(c.tag) in ("text", "t") and c.text:
                        texts.append(c.text)
                if texts:
                    out.hidden.append(HiddenBlock("comment", place.with_element("comments"), texts))
            elif kind == "chart":
                seen.add(found)
                _chart_into(pkg, found, place.with_element(f"chart {posixpath.basename(found)}"), out)
            elif kind in ("slideLayout", "slideMaster") and found not in seen:
                # a table or text box on a slide's layout (or its master) shows on every slide made from it
                seen.add(found)
                layout = place.with_element("slide layout" if kind == "slideLayout" else "slide master")
                _guard(out, f"the layout of slide {k}", _drawing_text, pkg, found, layout, out, placeholders=False)
                masters = [t for t, kd, ext in _relationships(pkg, found).values() if kd == "slideMaster" and not ext]
                for master in (m for t in masters if (m := pkg.find(t)) is not None and m not in seen):
                    seen.add(master)
                    _guard(out, f"the master of slide {k}", _drawing_text, pkg, master,
                           place.with_element("slide master"), out, placeholders=False)
            elif kind in ("oleObject", "package", "image", "video", "audio", "media"):
                seen.add(found)
                _guard(out, "an embedded file", lambda n=found, p=place, kd=kind: out.attached.append(
                    _attached(pkg, n, _embedded_kind(n) if kd != "image" else "picture", p)))

    def place_of(name: str) -> Place:
        return Place(slide=slide_of.get(name), element=posixpath.basename(name))

    _package_files(pkg, out, "ppt/", seen, place_of)


def _guard(out: DocumentContent, what: str, func: Callable[..., object], *args: object, **kw: object) -> object:
    """Run one part's reading; a damaged or refused part is a problem, and the others go on."""
    try:
        return func(*args, **kw)
    except PackageLimitError as exc:
        out.problems.append(exc.reason)
        out.limits.append(exc.reason)
    except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
        out.problems.append(f"{what} could not be read ({type(exc).__name__})")
    return None


# -- OpenDocument text and presentations ---------------------------------------------------------------

_ODF_SKIP_INLINE = frozenset({"annotation", "note-citation", "tracked-changes", "annotation-end"})


def _odf_text(el: Element) -> str:
    """The text of an ODF paragraph: spaces (``text:s``), tabs and line breaks; annotations and tracked
    changes left out (they are read on their own)."""
    out: list[str] = [el.text or ""]
    for child in el:
        tag = _local(child.tag)
        if tag == "s":
            try:
                out.append(" " * min(int(child.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c", "1")), 64))
            except ValueError:
                out.append(" ")
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        elif tag not in _ODF_SKIP_INLINE:
            out.append(_odf_text(child))
        out.append(child.tail or "")
    return "".join(out)


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_PRES_NS = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _odf(pkg: _Package, out: DocumentContent) -> None:
    manifest = pkg.find("META-INF/manifest.xml")
    if manifest is not None:
        for _, el in pkg.iterparse(manifest):
            if _local(el.tag) == "encryption-data":
                out.encrypted.append("encrypted (password-protected) OpenDocument file: its content cannot be "
                                     "inspected without the password")
                return
    content = pkg.find("content.xml")
    if content is None:
        raise PackageLimitError("no content part in the package")
    stack: list[str] = []
    slide = 0
    paragraphs = 0
    n_tables = 0
    tables: list[tuple[int, list[list[str]]]] = []
    row: list[list[str]] = []
    cells: list[list[str]] = []
    annotation: list[str] = []
    deletion: list[str] = []
    notes: list[str] = []
    slide_text: list[str] = []
    hidden_text: list[str] = []
    recent: list[str] = []  # the paragraphs since the last table (the next table's caption)

    def place(element: str | None = None) -> Place:
        return Place(slide=slide or None, element=element)

    for event, el in pkg.iterparse(content, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            stack.append(tag)
            if tag == "page":
                slide += 1
                slide_text, notes = [], []
            elif tag == "table":
                n_tables += 1
                tables.append((n_tables, []))
                row.append([])
            elif tag == "table-row":
                if row:
                    row[-1] = []
            elif tag in ("table-cell", "covered-table-cell"):
                cells.append([])
            continue
        stack.pop()
        if tag in ("p", "h"):
            text = _odf_text(el)
            if "annotation" in stack:
                annotation.append(text)
            elif "deletion" in stack:
                deletion.append(text)
            elif "notes" in stack:
                notes.append(text)
            elif cells:
                cells[-1].append(text)
            elif "hidden-paragraph" in stack or (tag == "p" and el.get(f"{{{_TEXT_NS}}}is-hidden") == "true"):
                hidden_text.append(text)
            elif slide:
                slide_text.append(text)
            elif text.strip():
                paragraphs += 1
                out.texts.append(TextBlock(text, place(f"paragraph {paragraphs}")))
                recent.append(text)
            el.clear()
        elif tag == "annotation":
            number = sum(h.kind == "comment" for h in out.hidden) + 1
            out.hidden.append(HiddenBlock("comment", place(f"comment {number}"), ["\n".join(annotation)]))
            annotation = []
        elif tag == "changed-region":
            if deletion:
                out.hidden.append(HiddenBlock("tracked-deletion", place("tracked changes"), ["\n".join(deletion)]))
            deletion = []
        elif tag == "section" and el.get(f"{{{_TEXT_NS}}}display") == "none":
            texts = [_odf_text(p) for p in el.iter() if _local(p.tag) in ("p", "h")]
            out.hidden.append(HiddenBlock("hidden-text", place("hidden section"), texts))
        elif tag in ("table-cell", "covered-table-cell") and cells:
            cell = cell_text(cells.pop())
            try:
                repeat = int(el.get(f"{{{_TABLE_NS}}}number-columns-repeated", "1"))
            except ValueError:
                repeat = 1
            if row:
                row[-1].extend([cell] * max(1, min(repeat, _MAX_REPEAT if cell else 1)))
            el.clear()
        elif tag == "table-row" and tables:
            r = row[-1]
            while r and not r[-1]:
                r.pop()
            if r:
                tables[-1][1].append(r)
            row[-1] = []
            el.clear()
        elif tag == "table" and tables:
            index, rows = tables.pop()
            row.pop()
            if rows:
                # (the paragraphs right above the table, since the one before: its caption, "Tabell 2. Därav
                # flickor"; on a slide its text so far)
                above = slide_text if slide else recent
                caption = "\n".join(p for p in above[-CAPTION_PARAGRAPHS:] if p.strip()) if not tables else ""
                out.tables.append(DocTable(square(rows), place(f"table {index}"), "odf", caption=caption))
                if not tables:
                    recent = []
                if cells:
                    cells[-1].extend(" ".join(r) for r in rows)
        elif tag == "page":
            if any(t.strip() for t in slide_text):
                out.texts.append(TextBlock("\n".join(slide_text), place()))
            if any(n.strip() for n in notes):
                out.hidden.append(HiddenBlock("speaker-notes", place("speaker notes"), notes))
            el.clear()
    if hidden_text:
        out.hidden.append(HiddenBlock("hidden-text", Place(element="hidden paragraphs"), hidden_text))
    meta = pkg.find("meta.xml")
    if meta is not None:
        texts = [el.text.strip() for _, el in pkg.iterparse(meta) if el.text and el.text.strip() and len(el) == 0]
        if texts:
            out.hidden.append(HiddenBlock("document-properties", Place(element="document properties"), texts,
                                          numbers_matter=False))
    for name in sorted(pkg.names):
        lower = name.lower()
        base = posixpath.basename(lower)
        if name.endswith("/"):
            continue
        if lower.startswith("pictures/") or lower.startswith("media/"):
            _guard(out, "a picture", lambda n=name: out.attached.append(
                _attached(pkg, n, "picture", Place(element=posixpath.basename(n)))))
        elif lower.startswith("object ") and base == "content.xml":
            _guard(out, "an embedded object", lambda n=name: out.attached.append(
                _attached(pkg, n, "embedded object", Place(element=posixpath.dirname(n)))))
        elif lower.startswith("objectreplacements/"):
            continue  # the picture of an embedded object, drawn in its place
        elif (base.endswith((".bin", ".ole")) or lower.startswith("object ")) \
                and base not in ("styles.xml", "meta.xml", "settings.xml"):
            _guard(out, "an embedded object", lambda n=name: out.attached.append(
                _attached(pkg, n, "OLE object", Place(element=posixpath.dirname(n) or n))))


# -- entry points ------------------------------------------------------------------------------------


def _links_and_custom_xml(pkg: _Package, out: DocumentContent) -> None:
    """Text a reader never sees but the file carries: the addresses of hyperlinks and other external
    targets (every part's relationships), and custom XML data parts (``customXml/item1.xml``: data bound to
    content controls, or anything a tool stored there). Read for identifiers (DOC005)."""
    targets: list[str] = []
    for name in sorted(pkg.names):
        if not name.endswith(".rels"):
            continue
        for _, el in pkg.iterparse(name):
            if _local(el.tag) == "Relationship" and el.get("TargetMode", "") == "External":
                targets.append(urllib.parse.unquote(el.get("Target", "")))
    if targets:
        out.hidden.append(HiddenBlock("link-target", Place(element="link targets"), targets, numbers_matter=False))
    for name in sorted(pkg.names):
        lower = name.lower()
        if lower.startswith("customxml/") and lower.endswith(".xml") and "/_rels/" not in lower \
                and not posixpath.basename(lower).startswith("itemprops"):
            texts = [t.strip() for _, el in pkg.iterparse(name) for t in (el.text, el.tail) if t and t.strip()]
            texts += [v for _, el in pkg.iterparse(name) for v in el.attrib.values() if any(c.isdigit() for c in v)]
            if texts:
                out.hidden.append(HiddenBlock("custom-xml", Place(element=posixpath.basename(name)), texts,
                                              numbers_matter=False))


def read_office(path: Path, kind: str, limits: PackageLimits | None = None) -> DocumentContent:
    """Read a ``docx``, ``pptx``, ``odt`` or ``odp`` package. Never raises for a bad package: damage,
    refusals and limits are reasons in ``problems`` (and ``limits``)."""
    out = DocumentContent()
    limits = limits or PackageLimits()
    structure = PackageStructure()  # the package reader records into it; the reasons are copied below
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = _Package(zf, limits, structure)
            for name, info in pkg.names.items():
                try:
                    pkg.check_declared(name, limits.max_part_bytes)
                except PackageLimitError as exc:
                    raise PackageLimitError(exc.reason) from None
                if info.flag_bits & 0x1:
                    out.encrypted.append("an encrypted zip entry: the document cannot be read without the password")
                    return out
            if kind in ("docx",):
                _docx(pkg, out)
                _guard(out, "document properties", _properties, pkg, out)
                _guard(out, "links and custom data", _links_and_custom_xml, pkg, out)
            elif kind == "pptx":
                _pptx(pkg, out)
                _guard(out, "document properties", _properties, pkg, out)
                _guard(out, "links and custom data", _links_and_custom_xml, pkg, out)
            else:
                _odf(pkg, out)
    except PackageLimitError as exc:
        out.problems.append(exc.reason)
        out.limits.append(exc.reason)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError) as exc:
        out.problems.append(f"document package could not be read ({type(exc).__name__})")
    except SyntaxError as exc:
        out.problems.append(f"document XML could not be parsed ({type(exc).__name__})")
    return out


# -- RTF -----------------------------------------------------------------------------------------------

_RTF_TOKEN = lazy_compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])"
                        rb"|([^\\{}\r\n]+)|[\r\n]+")
# Destinations whose content is not text a reader sees.
_RTF_SKIP = frozenset({
    "fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl",
    "themedata", "colorschememapping", "datastore", "latentstyles", "pgdsctbl", "mmathPr", "fldinst",
    "filetbl", "revtbl", "wgrffmtfilter", "pnseclvl", "listpicture", "fchars", "lchars", "bkmkstart", "bkmkend",
    "atnid", "atnauthor", "atndate", "atnref", "atrfstart", "atrfend", "protusertbl", "defchp", "defpap",
    "shpinst", "nonshppict", "blipuid", "objclass", "objname", "result", "passwordhash", "docvar",
})
_RTF_INFO = frozenset({"title", "subject", "author", "operator", "keywords", "comment", "doccomm", "company",
                       "manager", "category", "hlinkbase"})


@dataclass(slots=True)
class _RtfGroup:
    skip: bool = False
    hidden: bool = False
    deleted: bool = False
    kind: str = ""  # "annotation", "info", "info-group", "pict", "object"
    uc: int = 1


class _RtfReader:
    """The state of one RTF read: paragraphs, table rows, hidden destinations."""

    def __init__(self, codepage: str) -> None:
        self.codepage = codepage
        self.out = DocumentContent()
        self.groups = [_RtfGroup()]
        self.para: list[str] = []
        self.cell: list[str] = []
        self.row: list[str] = []
        self.rows: list[list[str]] = []
        self.intbl = False
        self.paragraphs = 0
        self.tables = 0
        self.hidden: dict[str, list[str]] = {"hidden-text": [], "tracked-deletion": [], "comment": []}
        self.info: list[str] = []
        self.dest: list[str] = []  # text of the open comment or information field
        self.pict_bytes = 0
        self.object_bytes = 0
        self.unbalanced = False

    def emit(self, text: str) -> None:
        g = self.groups[-1]
        if g.skip or g.kind in ("pict", "object", "info-group"):
            return
        if g.kind in ("annotation", "info"):
            self.dest.append(text)
        elif g.deleted:
            self.hidden["tracked-deletion"].append(text)
        elif g.hidden:
            self.hidden["hidden-text"].append(text)
        else:
            self.para.append(text)

    def end_table(self) -> None:
        if self.rows:
            self.tables += 1
            caption = "\n".join(t.text for t in self.out.texts[-CAPTION_PARAGRAPHS:])
            self.out.tables.append(DocTable(square(self.rows), Place(element=f"table {self.tables}"), "rtf",
                                            caption=caption))
        self.rows = []

    def paragraph(self) -> None:
        line = "".join(self.para)
        self.para.clear()
        if self.intbl:
            self.cell.append(line)
            return
        self.end_table()
        if line.strip():
            self.paragraphs += 1
            self.out.texts.append(TextBlock(line, Place(element=f"paragraph {self.paragraphs}")))

    def open_group(self) -> None:
        g = self.groups[-1]
        self.groups.append(_RtfGroup(g.skip, g.hidden, g.deleted, g.kind, g.uc))

    def close_group(self) -> None:
        if len(self.groups) == 1:
            self.unbalanced = True
            return
        closed = self.groups.pop()
        parent = self.groups[-1]
        if closed.kind == "annotation" and parent.kind != "annotation":
            self.hidden["comment"].append("".join(self.dest))
            self.dest.clear()
        elif closed.kind == "info" and parent.kind != "info":
            if self.dest:
                self.info.append("".join(self.dest))
            self.dest.clear()

    def word(self, w: str, num: int | None) -> None:
        g = self.groups[-1]
        if w in _RTF_SKIP:
            g.skip = True
        elif w == "info":
            g.kind, g.skip = "info-group", False
        elif w in _RTF_INFO and g.kind in ("info-group", "info"):
            g.kind, g.skip = "info", False
            self.dest.clear()
        elif w == "annotation":
            g.kind, g.skip = "annotation", False
            self.dest.clear()
        elif w == "pict":
            g.kind = "pict"
        elif w in ("object", "objdata"):
            g.kind = "object"
        elif w == "v":
            g.hidden = num != 0
        elif w == "deleted":
            g.deleted = num != 0
        elif w == "uc" and num is not None:
            g.uc = max(0, num)
        elif g.skip:
            return
        elif w in ("par", "sect", "page"):
            if g.kind in ("annotation", "info"):
                self.dest.append("\n")
            else:
                self.paragraph()
        elif w == "pard":
            self.intbl = False
        elif w == "intbl":
            self.intbl = True
        elif w == "cell" or w == "nestcell":
            self.cell.append("".join(self.para))
            self.para.clear()
            self.row.append(cell_text(self.cell))
            self.cell = []
        elif w == "row" or w == "nestrow":
            if self.row:
                self.rows.append(self.row)
            self.row = []
        elif w == "line":
            self.emit("\n")
        elif w == "tab":
            self.emit("\t")
        elif w in ("emdash", "endash"):
            self.emit("-")
        elif w in ("lquote", "rquote"):
            self.emit("'")
        elif w in ("ldblquote", "rdblquote"):
            self.emit('"')

    def finish(self) -> DocumentContent:
        out = self.out
        if "".join(self.para).strip():
            self.intbl = False
            self.paragraph()
        self.end_table()
        if self.unbalanced or len(self.groups) != 1:
            out.problems.append("RTF groups are not balanced: the file is damaged or cut off")
        names = {"comment": "comments", "tracked-deletion": "tracked changes", "hidden-text": "hidden text"}
        for kind, texts in self.hidden.items():
            texts = [t for t in texts if t.strip()]
            if texts:
                out.hidden.append(HiddenBlock(kind, Place(element=names[kind]), ["".join(texts)]))
        if self.info:
            out.hidden.append(HiddenBlock("document-properties", Place(element="document information"), self.info,
                                          numbers_matter=False))
        if self.pict_bytes:
            out.attached.append(Attached("pictures", "picture", self.pict_bytes, Place(element="pictures")))
        if self.object_bytes:
            out.attached.append(Attached("objects", "OLE object", self.object_bytes,
                                         Place(element="embedded objects")))
        return out


def read_rtf(path: Path, max_bytes: int = 512 << 20) -> DocumentContent:
    """Read an RTF file: paragraphs, tables (``\\trowd ... \\cell ... \\row``), comments (annotations),
    hidden (``\\v``) and deleted (``\\deleted``) text, document information, pictures and embedded objects."""
    size = path.stat().st_size
    if size > max_bytes:
        out = DocumentContent()
        out.problems.append(f"RTF file larger than {max_bytes:,} bytes: not read")
        return out
    data = path.read_bytes()
    codepage = "cp1252"
    m = re.search(rb"\\ansicpg(\d+)", data[:4096])
    if m:
        try:
            "".encode(f"cp{int(m.group(1))}")
            codepage = f"cp{int(m.group(1))}"
        except LookupError:
            pass
    r = _RtfReader(codepage)
    skip_chars = 0
    pos = 0
    n = len(data)
    while pos < n:
        tok = _RTF_TOKEN.match(data, pos)
        if tok is None:
            pos += 1
            continue
        pos = tok.end()
        word, num, hexbyte, symbol, brace, text = tok.groups()
        if brace is not None:
            skip_chars = 0
            if brace == b"{":
                r.open_group()
            else:
                r.close_group()
            continue
        g = r.groups[-1]
        if word is not None:
            w = word.decode("ascii")
            value = int(num) if num is not None else None
            if w == "bin" and value:
                # raw binary data (a picture or an object) follows: skip it
                pos += value
                if g.kind == "pict":
                    r.pict_bytes += value
                else:
                    r.object_bytes += value
                continue
            if w == "u" and value is not None:
                r.emit(chr(value % 0x10000))
                skip_chars = g.uc
                continue
            r.word(w, value)
            continue
        if skip_chars:
            if text is not None and len(text) > skip_chars:
                text = text[skip_chars:]
                skip_chars = 0
            else:
                skip_chars -= 1 if text is None else len(text)
                skip_chars = max(skip_chars, 0)
                continue
        if hexbyte is not None:
            if g.kind == "pict":
                continue
            r.emit(bytes([int(hexbyte, 16)]).decode(codepage, errors="replace"))
        elif symbol is not None:
            s = symbol.decode("latin-1")
            if s == "*":
                g.skip = True  # an ignorable destination, unless a known one resets it
            elif s in "\\{}":
                r.emit(s)
            elif s == "~":
                r.emit("\u00a0")
            elif s == "_":
                r.emit("-")
        elif text is not None:
            if g.kind == "pict":
                r.pict_bytes += len(text) // 2
            elif g.kind == "object":
                r.object_bytes += len(text) // 2
            else:
                r.emit(text.decode(codepage, errors="replace"))
    return r.finish()


def iter_paragraph_lines(blocks: list[TextBlock]) -> Iterator[tuple[int, TextBlock]]:
    """Each text block with the 1-based line its text starts on when the blocks are joined by newlines."""
    line = 1
    for b in blocks:
        yield line, b
        line += b.text.count("\n") + 1
