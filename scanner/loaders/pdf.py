"""PDF documents: text and tables per page, comments, attached files, drawings and pictures.

The library is pypdf (BSD-3-Clause, pure Python). PyMuPDF is faster but AGPL-3.0, which would bind the
product's own licence; pdfminer.six (MIT) has the better layout analysis but is several times slower on
the text-only pages results are made of, and its layout is not needed: pypdf's ``layout`` extraction keeps
the columns of a printed table aligned by spaces, which :func:`scanner.loaders.texttables.find_tables`
reads as it reads a table pasted into a text note (a SAS ODS PDF's PROC FREQ tables, a Word report's
tables). A 24-page SAS ODS PDF reads in about 0.1 s.

Per page: the text (identifier scan), the tables found in it, and the page's drawing: the content stream's
path and XObject operators are read (with the transformation matrix, ``q``/``Q`` and forms one level deep)
to count marks of one shape (a scatter plot's points: matplotlib draws each with ``/M0 Do``, R and Stata
with four Bézier curves), its bars (filled axis-aligned rectangles from the value axis's 0, a bar chart's or
histogram's counts, read on the scale of the axis's tick labels as placed by pypdf's text visitor), and its
pictures (image XObjects of at least 64x64 pixels: their marks cannot be
read). Annotations with text (comments, notes) and attached files (the document's embedded files and file
attachment annotations) are read too. An encrypted PDF that does not open with the empty password is
FIL004; one that does (an owner password only restricts printing or copying) is read.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.lazy_regex import lazy_compile
from scanner.loaders.images import (
    MARK_SIZE,
    MIN_BARS,
    TICK_NUMBER,
    bar_heights,
    box_plot_outliers,
    stair_bars,
    whiskered_boxes,
)
from scanner.loaders.office import (
    MAX_ATTACHED_BYTES,
    UNIT_LABEL,
    Attached,
    DocTable,
    DocumentContent,
    Figure,
    HiddenBlock,
    MarkGroup,
    Place,
    TextBlock,
    is_regular,
    tiles,
)
from scanner.loaders.texttables import TextTable, find_tables, title_above

__all__ = ["read_pdf"]

log = logging.getLogger(__name__)

MAX_PAGES = 5_000
#: Content stream bytes of one page read for its drawing (a plot of a million points is still counted
#: as long as its stream is under this).
MAX_CONTENT_BYTES = 64 << 20
#: Pictures smaller than this (icons, bullets, logos at print size) are not figures.
MIN_PICTURE_PIXELS = 64
_ENCRYPTED = "encrypted PDF: its content cannot be inspected without the password"


#: Widest horizontal three-point line read as a legend's sample of a line (points; matplotlib's is 20).
_LEGEND_HANDLE = 40.0
#: Filled curved outlines (subpaths) on a page without text at which the page is taken for text drawn so.
MIN_OUTLINED_GLYPHS = 40


def read_pdf(path: Path) -> DocumentContent:
    """Read a PDF file. Never raises for a bad file: damage and limits are reasons in ``problems``."""
    out = DocumentContent()
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf logs repairs of damaged cross-reference tables as warnings; what matters reaches the report as a
    # problem, and the log must not fill stderr for every scanned PDF.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    out.encrypted.append(_ENCRYPTED)
                    return out
            except (FileNotDecryptedError, NotImplementedError, PdfReadError):
                out.encrypted.append(_ENCRYPTED)
                return out
        pages = reader.pages
        n = len(pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        out.problems.append(f"PDF could not be read ({type(exc).__name__})")
        return out
    producer = _producer(reader)
    _metadata(reader, out)
    _attachments(reader, out)
    if n > MAX_PAGES:
        out.problems.append(f"more than {MAX_PAGES:,} pages: the rest were not read")
    for k in range(min(n, MAX_PAGES)):
        try:
            page = pages[k]
        except Exception as exc:  # a damaged page tree: pypdf raises many types
            out.problems.append(f"page {k + 1} could not be read ({type(exc).__name__})")
            continue
        _page(reader, page, k + 1, producer, out)
    _across_pages(out)
    return out


#: Lines of a page's end and of the next page's start read together for a table split by the page break.
_JUNCTION_LINES = 12


def _across_pages(out: DocumentContent) -> None:
    """Tables split by a page break: the rows at the top of a page, under no header, continue the table at
    the bottom of the page before ("Number at risk ... Stage I, Stage II" | "Stage III, Stage IV"). The
    last block of one page and the first block of the next are read together; the rows that fall on the
    next page are added as a table of that page (the earlier page's rows are read already)."""
    texts = [t for t in out.texts if t.place.page is not None]
    for prev, cur in itertools.pairwise(texts):
        if cur.place.page != (prev.place.page or 0) + 1:
            continue
        tail = _last_block(prev.text)
        head = _first_block(cur.text)
        if not tail or not head or not all(_ROW_LIKE.search(x) for x in head):
            continue
        junction = "\n".join([*tail, *head])
        first_new = len(tail) + 1  # (lines are numbered from 1)
        for t in find_tables(junction):
            lines = list(t.lines) if t.lines else [t.data_line + i for i in range(len(t.rows))]
            if len(lines) != len(t.rows):
                continue
            rows = [r for r, line in zip(t.rows, lines, strict=True) if line >= first_new]
            if not rows or (len(rows) == len(t.rows) and t.data_line >= first_new):
                continue  # (a table of the new page alone is that page's own reading)
            header = None if all(n.startswith("column_") for n in t.names) else list(t.names)
            out.tables.append(DocTable(rows, cur.place.with_element("table continued from the page before"),
                                       "pdf-text", header=header))


def _last_block(text: str) -> list[str]:
    """The last lines of a page's text after its last blank line (up to ``_JUNCTION_LINES``)."""
    lines = text.replace("\r", "").rstrip().split("\n")
    block: list[str] = []
    for line in reversed(lines):
        if not line.strip():
            break
        block.insert(0, line)
    return block[-_JUNCTION_LINES:]


def _first_block(text: str) -> list[str]:
    """The first lines of a page's text before its first blank line (up to ``_JUNCTION_LINES``)."""
    block: list[str] = []
    for line in text.replace("\r", "").lstrip("\n").split("\n"):
        if not line.strip():
            break
        block.append(line)
    return block[:_JUNCTION_LINES]


# Producers of PDF charts (matplotlib, R's pdf and cairo devices, ggplot via svglite/cairo, Stata, SAS ODS Graphics).
_PLOTTER = lazy_compile(r"(?i)matplotlib|\bR\s+\d|\bR Graphics|cairo|ggplot|stata|ods graphics|plotly|bokeh")


def _producer(reader: Any) -> str | None:
    try:
        meta = reader.metadata or {}
        for key in ("/Creator", "/Producer"):
            value = meta.get(key)
            if value:
                return str(value)[:80]
    except Exception:  # damaged info dictionary
        return None
    return None


def _metadata(reader: Any, out: DocumentContent) -> None:
    try:
        meta = reader.metadata or {}
        texts = [str(v) for k, v in meta.items() if v and k not in ("/CreationDate", "/ModDate")]
    except Exception:  # damaged info dictionary: say so, the rest is read
        out.problems.append("PDF document information could not be read")
        return
    if texts:
        out.hidden.append(HiddenBlock("document-properties", Place(element="document information"), texts,
                                      numbers_matter=False))


def _attachments(reader: Any, out: DocumentContent) -> None:
    try:
        attached = reader.attachments
        names = list(attached.keys())
    except Exception as exc:  # a damaged name tree
        out.problems.append(f"the PDF's attached files could not be listed ({type(exc).__name__})")
        return
    for k, name in enumerate(names, start=1):
        try:
            contents = attached[name]
        except Exception as exc:  # one damaged attachment
            out.problems.append(f"attached file {k} could not be read ({type(exc).__name__})")
            continue
        for data in contents if isinstance(contents, list) else [contents]:
            size = len(data)
            out.attached.append(Attached(str(name), "attached file", size, Place(element=f"attachment {k}"),
                                         data if size <= MAX_ATTACHED_BYTES else None))


# A line of a table's row in layout text: words or numbers in columns (a gap of three spaces or more) with a
# number among them.
_ROW_LIKE = re.compile(r"\S {3,}\S.*\d|\d.* {3,}\S")
#: Blank lines the layout text may put between two rows of one table set with wide line spacing (a table drawn
#: with a row every 30 points comes out with 9 blank lines between its rows), when both rows have the same cells.
_WIDE_ROW_GAP = 15
_CELL = re.compile(r"\S+(?: {1,2}\S+)*")


def _cells_alike(a: str, b: str) -> bool:
    """Whether two lines of layout text are rows of one table: three cells or more each, as many, each cell
    overlapping the other's or starting within a dozen characters of it (a header's names over right-aligned
    numbers: "Earnings t-1 (DKK 1,000)" over "358.2")."""
    def spans(x: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _CELL.finditer(x.rstrip())]

    sa, sb = spans(a), spans(b)
    return len(sa) >= 3 and len(sa) == len(sb) and all(
        (x0 < y1 and y0 < x1) or abs(x0 - y0) <= 12 for (x0, x1), (y0, y1) in zip(sa, sb, strict=True))


# A line of column names set apart by gutters ("jan     feb     mar ..." over a chart's table of values).
_HEADER_LIKE = re.compile(r"^\s*[^\d\s]\S*(?: {3,}[^\d\s]\S*){2,}\s*$")


# Two column names run together by the layout text ("CountryExposed pregnancies", "casesPrevalence", "10
# 000Unexposed"): a lower-case letter or a digit directly before a capital.
_SQUASHED = re.compile(r"(?<=[a-zæøåäö0-9])(?=[A-ZÆØÅÄÖ][a-zæøåäö])")


def _unsquashed_headers(text: str) -> str:
    """The layout text with a table header's names that pypdf ran together set apart by a gutter: a header set
    in a narrower font than its columns' width leaves no space between the names ("CountryExposed pregnancies
    NTD casesPrevalence per 10 000"), and the column reader then cuts the rows below at the wrong places. Only
    a line of words right above a row of a table (a blank line between them at most; the row has two numbers
    between gutters at least) is touched."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        label = _LABEL_ON_NUMBER.match(line)
        if label is not None and sum(1 for c in _GUTTER.split(line[label.end():].strip()) if _VALUE.match(c)) >= 2:
            # a row's label run into its first number ("Plejefamilie3.104   2.211   1.489")
            lines[k] = f"{line[:label.end()]}   {line[label.end():]}"
            continue
        if not _SQUASHED.search(line) or not _HEADER_WORDS.match(line):
            continue
        below = next((x for x in lines[k + 1:k + 3] if x.strip()), "")
        if sum(1 for cell in _GUTTER.split(below.strip()) if _VALUE.match(cell)) >= 2:
            lines[k] = _SQUASHED.sub("   ", line)
    return "\n".join(lines)


# A row's label that runs into the number after it: letters (and dots) then a digit, no space between.
_LABEL_ON_NUMBER = re.compile(r"^\s*[^\W\d_][^\d\n]*?[^\W\d_.](?:\.)?(?=\d[\d.,]*(?: {2,}|$))")
# A header line: words, most of them without digits.
_HEADER_WORDS = re.compile(r"^\s*[^\W\d_][^\n]*[^\W\d_][^\n]*$")


def _caption_above(text: str, table: TextTable) -> str:
    """:func:`title_above`, and, when a page sets its caption far above the table (many blank lines of layout
    text between "Table B1: Displaced workers by region, all ages" and the header), the nearest line of text
    above those lines."""
    title = title_above(text, 1, table)
    if sum(1 for x in title.split("\n") if x.strip()) >= 2:
        return title
    lines = text.split("\n")
    top = table.data_line - 1 - len(title.split("\n"))
    far = next((lines[k] for k in range(top, max(-1, top - _CAPTION_REACH), -1) if 0 <= k < len(lines)
                and lines[k].strip()), None)
    return f"{far}\n{title}" if far is not None else title


#: Lines of layout text above a table's header searched for its caption.
_CAPTION_REACH = 40


def _compact(text: str) -> str:
    """Layout text with the blank line pypdf puts between the rows of a table removed (two or more blank
    lines still separate blocks, except up to three between two lines that both read as a table's rows, or its
    header and a row: a figure's table drawn with its rows far apart, a forest plot's "2/148   9/161   0,24
    (0,05–1,12)", a chart's months over its "Antal" row)."""
    lines = text.replace("\r", "").split("\n")
    out: list[str] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.strip():
            out.append(line)
            k += 1
            continue
        end = k
        while end < len(lines) and not lines[end].strip():
            end += 1
        gap = end - k
        before = out[-1] if out else ""
        after = lines[end] if end < len(lines) else ""
        rows = bool((_ROW_LIKE.search(before) or _HEADER_LIKE.match(before)) and _ROW_LIKE.search(after))
        if end == len(lines) or (k == 0 and gap == 1):
            out.extend(lines[k:end])  # (the text's end, or one blank line before its first)
        elif not ((gap <= 3 and rows) or (gap <= _WIDE_ROW_GAP and rows and _cells_alike(before, after))):
            out.extend(lines[k + 1:end])  # one blank line fewer: a block's end stays one
        k = end
    return "\n".join(out)


_GUTTER = re.compile(r" {2,}")
_VALUE = re.compile(r"^(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.,]\d+)?|[<>]\s*\d+|\.\.|x|-)$")


def _keyed_rows(text: str) -> list[TextTable]:
    """A chart's table of values under its categories, as a PDF's layout text gives it: a line of column names
    ("jan   feb   mar ..."), then rows of a label and as many values ("Antal   9   7   8 ..."), the names
    centred or left-aligned over right-aligned numbers (so the fixed-width reader cannot cut the columns),
    often a single row."""
    out: list[TextTable] = []
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        names = _GUTTER.split(lines[k].strip())
        if not _HEADER_LIKE.match(lines[k]) or len(names) < 3:
            k += 1
            continue
        rows: list[list[str]] = []
        j = k + 1
        while j < len(lines):
            label, _, rest = lines[j].strip().partition("  ")
            cells = _GUTTER.split(rest.strip()) if rest.strip() else []
            if not label or any(ch.isdigit() for ch in label) or len(cells) != len(names) \
                    or not all(_VALUE.match(c) for c in cells):
                break
            rows.append([label, *cells])
            j += 1
        if rows:
            out.append(TextTable(["", *names], rows, k + 2, "fixed-width", tuple(range(k + 2, j + 1))))
        k = max(j, k + 1)
    return out


def _printed_output(text: str) -> list[TextTable]:
    """The tables of a page of printed statistical output (a SAS listing, a Stata or SPSS log printed to PDF,
    ODS PDF in the listing style), read as the log reader reads them (a PROC FREQ crosstab's stacked
    statistics, PROC MEANS's classes); empty when the page is not such output or holds no table."""
    from scanner.loaders.printouts import OutputState, detect_log, parse_output
    from scanner.loaders.programs import Language

    language = detect_log(text, "").language
    if language not in (Language.SAS, Language.STATA, Language.SPSS):
        return []
    return [t.table for t in parse_output(text, 1, language, "", OutputState())]


# A cell that is only numbers: "2/61", "1,204", "0.91 (0.22–3.71)", "12.5 %".
_NUMBER_CELL = re.compile(r"^[-+]?[\d.,]+\s*(?:%|/\s*[\d.,]+|\(\s*[-\d.,]+\s*[-–,;]\s*[-\d.,]+\s*\))?$")


def _continued(tables: list[TextTable]) -> list[TextTable]:
    """Tables of a page with the blocks that continue the one above put back under it: a table split at a
    spacer row (a heading "BMI category" inside it) leaves a block whose first row, read as its header, is
    data ("Underweight (<18.5) | 2/61 | 1.02 (0.25–4.10)"), as wide as the table above."""
    out: list[TextTable] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev is not None and len(t.names) == len(prev.names) and all(n.startswith("column_") for n in t.names):
            # (a block whose first row is data read without a header: it continues the table above)
            lines = (*prev.lines, *t.lines) if prev.lines and t.lines else ()
            out[-1] = TextTable(prev.names, [*prev.rows, *t.rows], prev.data_line, prev.kind, lines, prev.dimensions)
        elif prev is not None and len(t.names) == len(prev.names) \
                and any(_NUMBER_CELL.match(n.strip()) for n in t.names[1:]):
            rows = [*prev.rows, list(t.names), *t.rows]
            lines = (*prev.lines, t.data_line - 1, *t.lines) if prev.lines and t.lines else ()
            out[-1] = TextTable(prev.names, rows, prev.data_line, prev.kind, lines, prev.dimensions)
        elif len(t.names) >= 2 and all(_NUMBER_CELL.match(n.strip()) for n in t.names[1:] if n.strip()) \
                and any(n.strip() for n in t.names[1:]) and not _time_points(t.names):
            # a first row of numbers is data, not a header (the header above it in other columns, or none)
            rows = [list(t.names), *t.rows]
            lines = (t.data_line - 1, *t.lines) if t.lines else ()
            out.append(TextTable([f"column_{k + 1}" for k in range(len(t.names))], rows, t.data_line - 1, t.kind,
                                 lines, t.dimensions))
        else:
            out.append(t)
    return out


def _time_points(names: list[str]) -> bool:
    """Whether a first row of numbers is an axis of time points (a risk table's "0 2 4 6 8 10" years over its
    "Number at risk" rows): four whole numbers or more, evenly spaced from 0 up. A header, not a row of counts."""
    values = [n.strip() for n in names if n.strip()]
    if len(values) < 4 or not all(v.isdigit() for v in values):
        return False
    numbers = [int(v) for v in values]
    steps = {b - a for a, b in itertools.pairwise(numbers)}
    return numbers[0] == 0 and len(steps) == 1 and steps.pop() > 0


def _page(reader: Any, page: Any, number: int, producer: str | None, out: DocumentContent) -> None:
    place = Place(page=number)
    text = ""
    tables_before = len(out.tables)
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts; the plain mode may still read the page
        try:
            text = page.extract_text()
        except Exception as exc:
            out.problems.append(f"the text of page {number} could not be extracted ({type(exc).__name__})")
    if text.strip():
        # (a thin or narrow space between digit groups, "1 012", as the table readers know it: a no-break space)
        text = _THIN_DIGIT_SPACE.sub("\u00a0", text)
        out.texts.append(TextBlock(text, place))
        printed = _printed_output(text)
        compact = _unsquashed_headers(_compact(text))
        found = _continued(list(find_tables(compact)))
        # (a chart's table of values under its categories, unless the table readers read those lines already)
        read = {line for t in found for line in (t.lines or range(t.data_line, t.data_line + len(t.rows)))}
        found.extend(t for t in _keyed_rows(compact) if not read.intersection(t.lines))
        for t in printed if printed else found:
            header = None if all(n.startswith("column_") for n in t.names) else t.names
            caption = "" if printed else _caption_above(compact, t)
            out.tables.append(DocTable(t.rows, place.with_element(f"table at text line {t.data_line}"),
                                       "pdf-text", header=header, caption=caption))
    _annotations(page, number, out)
    try:
        drawing = _Drawing(reader)
        drawing.run(page.get("/Resources"), page.get_contents(), 0)
    except _TooLarge:
        out.problems.append(f"the drawing of page {number} is larger than {MAX_CONTENT_BYTES:,} bytes: not read")
        return
    except Exception as exc:  # a damaged content stream: the page's drawing was not inspected
        out.problems.append(f"the drawing of page {number} could not be read ({type(exc).__name__})")
        return
    if not text.strip() and drawing.curved_fills >= MIN_OUTLINED_GLYPHS:
        # text converted to outlines (a PDF printed "as image" or with fonts outlined): no text layer to read,
        # whatever the page says
        out.problems.append(f"page {number} has no text layer but draws {drawing.curved_fills:,} filled curved "
                            "outlines (text converted to outlines?): its content cannot be read")
    groups = drawing.groups()
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    heights: list[float] = []
    bars = False  # bars on a baseline whose heights could not be read off the axis (a log axis, bars < 1 pt)
    if len(drawing.rects) >= MIN_BARS and _may_be_bars(drawing.rects):
        # a bar chart or histogram: its bars' lengths on the axis's scale. Its texts are then taken one by
        # one, so that numbers written on the bars are told from the axis's ticks (a page of tables, whose
        # cells are filled rectangles too, has no bars on an axis and keeps its lines)
        try:
            runs = _placed_texts(page)
        except Exception as exc:  # the drawing's texts could not be placed: its bars were not read
            out.problems.append(f"the chart on page {number} could not be read ({type(exc).__name__})")
            runs = []
        heights = _pdf_bar_heights(drawing.rects, runs)
        if heights or (runs and len(out.tables) == tables_before and _may_be_bars(drawing.rects, varied=True)):
            # (the values written on the bars, one text each, are counts the figure's rules read, heights or not;
            # without heights only on a page of no table, whose cells' backgrounds are filled rectangles too)
            labels = [r.text for r in runs]
            bars = True
    outliers = drawing.outliers()
    whiskered = whiskered_boxes(drawing.boxes, drawing.segments) if drawing.boxes and drawing.segments else 0
    lines = drawing.open_lines
    # a page that draws marks, bars or lines holds a figure: a spaghetti plot's lines, a swimmer plot's bars
    # (off any common baseline) beside labels that name single units
    units = len(drawing.rects) >= MIN_BARS and sum(1 for x in labels if UNIT_LABEL.match(x)) >= 2
    # a plotting library's page of filled shapes that are no bars (a tile map, a heatmap, a treemap): its
    # texts one by one, so that an area's name and the count written under it are apart from the others
    tiles = not heights and len(drawing.rects) >= MIN_BARS and bool(producer and _PLOTTER.search(producer))
    if tiles:
        try:
            placed = [r.text.strip() for r in _placed_texts(page)]
        except Exception as exc:  # the texts could not be placed: the lines stay
            out.problems.append(f"the chart on page {number} could not be read ({type(exc).__name__})")
            placed = []
        # only when the shapes are named areas with their numbers ("Læsø", "2"), three or more: a hexbin's or
        # a heatmap's colour bar and ticks keep the page's lines
        named = sum(1 for a, b in itertools.pairwise(placed)
                    if b.isdigit() and a and not any(ch.isdigit() for ch in a) and len(a) <= 40)
        tiles = named >= 3
        if tiles:
            labels = placed
    if groups or heights or bars or outliers or whiskered or lines >= 3 or units or tiles:
        fig = Figure(place.with_element("drawing"), "PDF drawing", producer=producer, marks=groups,
                     labels=labels, bar_heights=heights, outliers=outliers, lines=lines, whiskered=whiskered)
        out.figures.append(fig)
    for k, (w, h) in enumerate(drawing.pictures, start=1):
        out.figures.append(Figure(place.with_element(f"picture {k}"), "PDF picture", producer=producer,
                                  size=f"{w}x{h} px", readable=False))


def _annotations(page: Any, number: int, out: DocumentContent) -> None:
    try:
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        texts: list[str] = []
        for ref in annots or []:
            a = ref.get_object()
            subtype = a.get("/Subtype")
            if subtype in ("/Link", "/Widget", "/Popup"):
                continue
            contents = a.get("/Contents")
            if contents:
                texts.append(str(contents))
            if subtype == "/FileAttachment":
                spec = a.get("/FS")
                spec = spec.get_object() if spec is not None else None
                ef = spec.get("/EF") if spec is not None else None
                stream = (ef.get("/F") or ef.get("/UF")) if ef is not None else None
                if stream is not None:
                    data = stream.get_object().get_data()
                    out.attached.append(Attached(str(spec.get("/UF") or spec.get("/F") or "attachment"),
                                                 "attached file", len(data), Place(page=number, element="annotation"),
                                                 data if len(data) <= MAX_ATTACHED_BYTES else None))
    except Exception as exc:  # damaged annotations
        out.problems.append(f"the annotations of page {number} could not be read ({type(exc).__name__})")
        return
    if texts:
        out.hidden.append(HiddenBlock("comment", Place(page=number, element="annotations"), texts))


class _TooLarge(Exception):
    pass


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m x n for PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_FILL = _PAINT - {b"S", b"s"}
#: Filled rectangles kept per page for the bar reading (a heat map of more tiles is not a bar chart).
MAX_RECTS = 20_000


class _Drawing:
    """Marks of one shape in a page's drawing, their positions, the lines drawn, and the pictures."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.marks: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.kind: dict[str, str] = {}
        #: a mark's width and height on the page (a form's box, a path's extent)
        self.size: dict[str, tuple[float, float]] = {}
        self.lines: list[set[tuple[float, float]]] = []
        #: the drawn lines' points in order (their flat steps: a Kaplan-Meier curve's censoring marks sit on them)
        self.curves: list[list[tuple[float, float]]] = []
        self.handles: list[tuple[float, float, float]] = []  # legend samples of lines: (x0, x1, y)
        self.open_lines = 0  # data lines that do not close on themselves (a spaghetti plot's lines)
        self.pictures: list[tuple[int, int]] = []
        #: filled axis-aligned rectangles ``(left, right, bottom, top)``: a bar chart's or histogram's bars
        self.rects: list[tuple[float, float, float, float]] = []
        # for box plots: boxes drawn (filled or outlined), straight two-point segments, marks' centres
        self.boxes: list[tuple[float, float, float, float]] = []
        self.segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self.centres: list[tuple[float, float]] = []
        self.bytes = 0
        #: subpaths of filled paths with curves: glyphs drawn as outlines (a page without a text layer) are
        #: many of them
        self.curved_fills = 0

    def run(self, resources: Any, contents: Any, depth: int, ctm: tuple[float, ...] = _IDENTITY) -> None:
        from pypdf.generic import ContentStream

        if contents is None:
            return
        data = contents.get_data() if hasattr(contents, "get_data") else b""
        self.bytes += len(data)
        if self.bytes > MAX_CONTENT_BYTES:
            raise _TooLarge
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else {}
        stack: list[tuple[float, ...]] = []
        path: list[tuple[float, float]] = []
        curves = 0
        closed = False
        boxes = 0  # rectangles (``re``) in the current path
        moves = 0  # subpaths of the current path (a glyph's outline is one or more)
        uses: dict[str, int] = defaultdict(int)
        for operands, op in ContentStream(contents, self.reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop() if stack else _IDENTITY
            elif op == b"cm" and len(operands) == 6:
                ctm = _mul(tuple(float(v) for v in operands), ctm)
            elif op in (b"m", b"l") and len(operands) == 2:
                path.append(_apply(ctm, operands[0], operands[1]))
                moves += op == b"m"
            elif op in (b"c", b"v", b"y") and len(operands) >= 4:
                curves += 1
                path.append(_apply(ctm, operands[-2], operands[-1]))
            elif op == b"re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                path.extend([_apply(ctm, x, y), _apply(ctm, x + w, y + h)])
                closed = True
                boxes += 1
            elif op == b"h":
                closed = True
            elif op in _PAINT or op == b"n":
                if op != b"n" and path:
                    self.curved_fills += moves if curves and op in _FILL else 0
                    self._painted(path, curves, closed, op)
                    self._shapes(path, curves, boxes, op in _FILL)
                path, curves, closed, boxes, moves = [], 0, False, 0, 0
            elif op == b"Do" and operands:
                name = str(operands[0])
                xobj = xobjects.get(name) if xobjects else None
                xobj = xobj.get_object() if xobj is not None else None
                if xobj is None:
                    continue
                subtype = xobj.get("/Subtype")
                if subtype == "/Image":
                    w, h = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
                    if w >= MIN_PICTURE_PIXELS and h >= MIN_PICTURE_PIXELS:
                        self.pictures.append((w, h))
                elif subtype == "/Form":
                    key = f"form:{depth}:{name}"
                    self.marks[key].append((round(ctm[4], 2), round(ctm[5], 2)))
                    self.centres.append((ctm[4], ctm[5]))  # matplotlib draws a marker around its origin
                    self.kind[key] = "marker"
                    box = [float(v) for v in xobj.get("/BBox", ())][:4]
                    if len(box) == 4 and key not in self.size:
                        self.size[key] = (abs(box[2] - box[0]) * abs(ctm[0]), abs(box[3] - box[1]) * abs(ctm[3]))
                    uses[name] += 1
                    if uses[name] == 1 and depth < 3:
                        # a form drawn once is a figure placed on the page (LaTeX includes a plot so)
                        matrix = tuple(float(v) for v in xobj.get("/Matrix", _IDENTITY))
                        self.run(xobj.get("/Resources") or resources, xobj, depth + 1, _mul(matrix, ctm))

    def _painted(self, path: list[tuple[float, float]], curves: int, closed: bool, op: bytes) -> None:
        xs = [p[0] for p in path]
        ys = [p[1] for p in path]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if (closed or curves) and 0 < max(w, h) <= MARK_SIZE and len(path) <= 24:
            key = f"path:{w:.1f}:{h:.1f}:{len(path)}:{curves}:{op.decode('latin-1')}"
            self.marks[key].append((round(min(xs), 2), round(min(ys), 2)))
            self.size[key] = (w, h)
            self.kind[key] = "symbol" if curves == 0 else "circle"
            self.centres.append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
        elif len(path) >= 3 and not closed:
            if h == 0 and 0 < w <= _LEGEND_HANDLE:
                # a legend's sample of a line (matplotlib draws it as three points in a row): no data line;
                # a marker drawn on it is the legend's too
                self.handles.append((min(xs), max(xs), ys[0]))
                return
            self.lines.append({(round(x, 1), round(y, 1)) for x, y in path})
            if len(self.curves) < MAX_RECTS:
                self.curves.append(list(path))
            if path[0] != path[-1]:  # (an outline closed by returning to its start, a heatmap's cell, is no line)
                self.open_lines += 1
        if len(path) >= 6 and not curves and len(self.rects) < MAX_RECTS:
            # a step histogram's outline: its steps are bars (the page's y grows upwards, SVG's downwards)
            self.rects.extend((x0, x1, -bottom, -top) for x0, x1, top, bottom in stair_bars([(x, -y) for x, y in path]))

    def _shapes(self, path: list[tuple[float, float]], curves: int, boxes: int, filled: bool) -> None:
        """Keep the axis-aligned rectangles and straight segments a painted path draws: ``re`` boxes (two
        corners each), or one path of four corners (a fifth closing it: matplotlib fills a bar with ``m l l l h
        f`` and strokes a box plot's box with five points); a two-point path is a segment (a whisker). Filled
        rectangles are bars; any rectangle may be a box plot's box. At most :data:`MAX_RECTS` of each."""
        if curves:
            return
        if boxes and len(path) == 2 * boxes:
            found = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]))
                     for a, b in zip(path[0::2], path[1::2], strict=True)]
        elif not boxes and len(path) == 2:
            if len(self.segments) < MAX_RECTS:
                self.segments.append((path[0], path[1]))
            return
        elif not boxes and len(path) in (4, 5):
            xs = {round(x, 2) for x, _ in path}
            ys = {round(y, 2) for _, y in path}
            if len(xs) > 2 or len(ys) > 2:
                return  # not an axis-aligned rectangle
            found = [(min(xs), max(xs), min(ys), max(ys))]
        else:
            return
        if filled and len(self.rects) < MAX_RECTS:
            self.rects.extend(r for r in found if r[1] > r[0])
        if len(self.boxes) < MAX_RECTS:
            self.boxes.extend(found)

    def outliers(self) -> int:
        """Points drawn beyond a box plot's whiskers (:func:`scanner.loaders.images.box_plot_outliers`)."""
        if not (self.centres and self.boxes and self.segments):
            return 0
        return box_plot_outliers(self.boxes, self.segments, self.centres)

    def groups(self) -> list[MarkGroup]:
        from scanner.loaders.images import StepIndex, monotone

        out = []
        steps = StepIndex(self.curves)
        for key, pos in self.marks.items():
            if self.handles:
                # (a legend's markers sit on its sample lines: they mark no data)
                pos = [p for p in pos if not any(x0 - MARK_SIZE <= p[0] <= x1 and abs(p[1] - y) <= MARK_SIZE
                                                 for x0, x1, y in self.handles)]
            if len(pos) < 2:
                continue
            rounded = {(round(x, 1), round(y, 1)) for x, y in pos}
            # (on a line of the drawing, on a curve's flat steps as censoring marks on a Kaplan-Meier curve, or
            # on one rising or falling curve: as the SVG reader reads them)
            on_line = any(len(rounded & line) >= 0.8 * len(rounded) for line in self.lines) or steps.holds(pos) \
                or monotone(pos)
            size = self.size.get(key)
            out.append(MarkGroup(len(pos), len(rounded), self.kind[key], "drawing", regular=is_regular(pos),
                                 on_line=on_line, cells=size is not None and tiles(pos, *size)))
        out.sort(key=lambda m: -m.count)
        return out


def _may_be_bars(rects: list[tuple[float, float, float, float]], *, varied: bool = False) -> bool:
    """Whether some filled rectangles could be bars: at least :data:`MIN_BARS` of one thickness on one
    baseline (bottom, top, left or right edge), of two lengths or more. A table's cell backgrounds share
    their row's height: the page's texts are then not placed again (it costs a second text extraction).
    ``varied``: most of them of lengths of their own, as a histogram's bars are and a table's cells (a few
    heights of rows) are not."""
    # (baseline edge, thickness from index lo to hi, far edge): rects are (left, right, bottom, top)
    for edge, lo, hi, far in ((2, 0, 1, 3), (3, 0, 1, 2), (0, 2, 3, 1), (1, 2, 3, 0)):
        counts: dict[tuple[float, float], int] = defaultdict(int)
        lengths: dict[tuple[float, float], set[float]] = defaultdict(set)
        for r in rects:
            key = (round(r[edge]), round(r[hi] - r[lo]))
            counts[key] += 1
            lengths[key].add(round(abs(r[far] - r[edge]), 1))
        if any(n >= MIN_BARS and len(lengths[key]) >= (max(3, (n + 1) // 2) if varied else 2)
               for key, n in counts.items()):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Run:
    """A text drawn on the page: where it starts, its size, whether it runs upwards (a rotated axis label)."""

    text: str
    x: float
    y: float
    size: float
    upright: bool


def _placed_texts(page: Any) -> list[_Run]:
    """The page's texts one by one, with their places in page space, from pypdf's text visitor (which
    decodes the fonts; a content stream's strings are glyph codes)."""
    runs: list[_Run] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        t = text.strip()
        if not t:
            return
        m = _mul(tuple(float(v) for v in tm), tuple(float(v) for v in cm))
        scale = (m[0] ** 2 + m[1] ** 2) ** 0.5 * float(size or 1.0)
        if scale <= 0:
            return
        runs.append(_Run(t, m[4], m[5], scale, abs(m[1]) > abs(m[0])))

    page.extract_text(visitor_text=visit)
    # a minus sign drawn as its own glyph run before the digits (matplotlib's "−3") is part of the number
    merged: list[_Run] = []
    for r in runs:
        last = merged[-1] if merged else None
        if (last is not None and last.text in ("-", "\u2212") and not r.upright and not last.upright
                and abs(r.y - last.y) < 0.1 * r.size and 0 <= r.x - last.x <= 1.2 * r.size):
            merged[-1] = _Run(last.text + r.text, last.x, last.y, r.size, False)
        elif (last is not None and _DIGIT_GROUP_HEAD.match(last.text) and _DIGIT_GROUP.match(r.text)
              and not r.upright and not last.upright and abs(r.y - last.y) < 0.1 * r.size
              and 0 <= r.x - (last.x + len(last.text) * _DIGIT_EM * last.size) <= 0.5 * r.size):
            # a thousands group set apart by a thin space the font has no glyph for ("1 012" drawn as "1" and
            # "012", Norwegian typesetting): one number
            merged[-1] = _Run(f"{last.text}\u00a0{r.text}", last.x, last.y, r.size, False)
        else:
            merged.append(r)
    return merged


_THIN_DIGIT_SPACE = re.compile(r"(?<=\d)[\u2009\u202f\u2007](?=\d{3}(?!\d))")


# The head of a number whose next thousands group may come as a run of its own ("1", "12", "1 204"), and such a
# group ("012", "504,3").
_DIGIT_GROUP_HEAD = re.compile(r"^[-\u2212]?\d{1,3}(?:\u00a0\d{3})*$")
_DIGIT_GROUP = re.compile(r"^\d{3}(?:[.,]\d+)?$")


#: Width of a digit in ems, for grouping right-aligned labels: 0.556 in Helvetica, 0.636 in DejaVu Sans.
_DIGIT_EM = 0.6


def _axis_ticks(runs: list[_Run], axis: str) -> list[list[tuple[str, float]]]:
    """Candidate tick label sets of the ``axis`` ("y": the value axis of columns; "x": of horizontal bars),
    largest first: numbers in one column (right-aligned or rotated y labels) or on one line (x labels),
    each with its position along the axis."""
    # (across the axis, tolerance, start along it, label, font size if centred on the tick else 0)
    keyed: list[tuple[float, float, float, str, float]] = []
    for r in runs:
        if not TICK_NUMBER.match(r.text):
            continue
        if axis == "y" and not r.upright:  # right-aligned beside their ticks, the baseline a third below
            keyed.append((r.x + len(r.text) * _DIGIT_EM * r.size, 0.6 * r.size, r.y + 0.33 * r.size, r.text, 0.0))
        elif axis == "y":  # rotated: running upwards, centred on their ticks
            keyed.append((r.x, 0.3 * r.size, r.y, r.text, r.size))
        elif not r.upright:  # x labels: on one baseline, centred on their ticks
            keyed.append((r.y, 0.3 * r.size, r.x, r.text, r.size))
    keyed.sort()
    groups: list[list[tuple[str, float]]] = []
    start = 0
    for k in range(1, len(keyed) + 1):
        if k == len(keyed) or keyed[k][0] - keyed[k - 1][0] > keyed[k - 1][1]:
            group = keyed[start:k]
            if len({round(p, 1) for _, _, p, _, _ in group}) >= 3:
                labels = [label for *_, label, _ in group]
                starts = [p for _, _, p, _, _ in group]
                at = _centres(labels, starts, group[0][4]) if group[0][4] else starts
                if at is not None:
                    groups.append(list(zip(labels, at, strict=True)))
            start = k
    return sorted(groups, key=len, reverse=True)


def _centres(labels: list[str], starts: list[float], size: float) -> list[float] | None:
    """Where labels centred on their ticks are centred, from where they start: ``start + width / 2``.

    The widths of the font's glyphs are not known here (pypdf does not expose them for every font kind), so
    they are fitted: the ticks lie on a line, ``start + (digits * w_d + others * w_o) / 2 = a + b * value``,
    solved for the two glyph widths by least squares (a minus sign or a comma is narrower or wider than a
    digit). Labels of one length need no widths. None when the ticks are too few to test the fit (one more
    than its unknowns), or the widths found are not a glyph's (between 0.2 and 1 em)."""
    import numpy as np

    values = np.array([float(t.replace("\u2212", "-").replace(",", "")) for t in labels])
    digits = np.array([sum(ch.isdigit() for ch in t) for t in labels], dtype=float)
    others = np.array([len(t) for t in labels], dtype=float) - digits
    s = np.array(starts)
    features = [f for f in (digits, others) if np.ptp(f) > 0]
    if not features:
        return starts
    # start = a + b * value - sum(w_i * f_i) / 2
    design = np.column_stack([np.ones_like(values), values, *[-f / 2 for f in features]])
    if len(labels) <= design.shape[1]:
        return None
    coef, *_ = np.linalg.lstsq(design, s, rcond=None)
    widths = coef[2:]
    if any(not 0.2 * size <= w <= 1.0 * size for w in widths):
        return None
    return list(s + sum(w * f for w, f in zip(widths, features, strict=True)) / 2)


def _pdf_bar_heights(rects: list[tuple[float, float, float, float]], runs: list[_Run]) -> list[float]:
    """The bars' lengths on the value axis's scale (:func:`scanner.loaders.images.bar_heights`): columns on
    the y axis's ticks first, then horizontal bars on the x axis's.

    Only bars of counts are read: whole numbers, not all alike. A page of tables has filled rectangles too
    (cell backgrounds) and a column of row numbers that looks like an axis; its "bars" are all one row
    high, a fraction of a "unit"."""
    size = max((r.size for r in runs), default=10.0)
    across = [(bottom, top, left, right) for left, right, bottom, top in rects]
    for axis, bars in (("y", rects), ("x", across)):
        for ticks in _axis_ticks(runs, axis):
            heights = bar_heights(bars, ticks, slack=0.5 * size, tolerance=0.2 * size)
            if (len({round(h) for h in heights}) >= 2
                    and all(abs(h - round(h)) <= 0.05 for h in heights)):
                return heights
    return []


def _apply(m: tuple[float, ...], x: Any, y: Any) -> tuple[float, float]:
    x, y = float(x), float(y)
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
