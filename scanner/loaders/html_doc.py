"""HTML documents: text, tables, comments, embedded images and the data of interactive charts.

Read with the standard library's ``html.parser`` (no network, no script runs, no entity beyond HTML's
own): ``<table>`` elements become table parts (nested tables each their own; ``colspan`` keeps columns
aligned), visible text outside scripts and styles becomes text blocks, HTML comments hidden blocks, and
scripts are searched for plotly, bokeh and vega/altair data (:func:`scanner.loaders.images.chart_data`).
Images embedded as ``data:`` URIs and inline ``<svg>`` are read as figures.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from scanner.lazy_regex import lazy_compile
from scanner.loaders.images import chart_data, read_image, read_svg
from scanner.loaders.office import (
    CAPTION_PARAGRAPHS,
    Attached,
    DocTable,
    DocumentContent,
    HiddenBlock,
    Place,
    TextBlock,
    cell_text,
    square,
)

__all__ = ["embedded_images", "read_html"]

MAX_HTML_BYTES = 512 << 20
_MAX_SPAN = 64
# A data URI of anything but an image: a table or document put into the page for download.
_DATA_FILE_URI = lazy_compile(r"^data:((?!image/)[\w.+-]+/[\w.+-]+)(?:;[\w=.-]+)*?(;base64)?,", re.I)
_DATA_SUFFIX = {"text/csv": ".csv", "text/plain": ".txt", "application/json": ".json", "text/html": ".html",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                "application/vnd.ms-excel": ".xls", "application/pdf": ".pdf", "application/zip": ".zip",
                "text/tab-separated-values": ".tsv", "application/x-parquet": ".parquet"}
_DATA_URI = lazy_compile(r"^data:image/(png|jpeg|jpg|gif|svg\+xml|webp|bmp|tiff)(;base64)?,", re.I)
_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
                    "pre", "blockquote", "dd", "dt", "caption", "header", "footer", "hr"})
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "title"})


_TAG_NAME = lazy_compile(r"<\s*([^\s/>]+)")


def _written_name(start: str | None, tag: str) -> str:
    """A start tag's element name as written (``clipPath``), from its text."""
    m = _TAG_NAME.match(start or "")
    return m.group(1) if m is not None else tag


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_SPAN))
    except ValueError:
        return 1


_BR = "\x00"  # a <br> inside a cell (the source's own line breaks are only white space)


def _header_names(heads: list[list[str]], width: int) -> list[str]:
    """Column names from a table's header rows: each column's labels from top to bottom joined with " | "
    ("koen | 1"); a title row (one label over the whole table: "Table of region by koen") names no column."""
    rows = [r + [""] * (width - len(r)) for r in heads]
    rows = [r for r in rows if not (width > 2 and r[0] and not any(r[1:]))] or rows
    names = []
    for k in range(width):
        parts: list[str] = []
        for r in rows:
            if r[k] and r[k] not in parts:
                parts.append(r[k])
        names.append(" | ".join(parts))
    return names


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = DocumentContent()
        self.skip = 0
        self.script: list[str] | None = None
        self.script_type = ""
        self.script_widget = False
        self.text: list[str] = []
        self.tables: list[tuple[int, list[list[str]]]] = []
        self.rows: list[list[str]] = []  # per open table: the open row
        self.cells: list[list[str]] = []
        self.spans: list[tuple[int, int]] = []  # per open cell: (colspan, rowspan)
        # per open table: its header rows (<thead>, or leading rows of <th> cells), whether a <thead> is open
        # or the rows so far are all headers, the columns a cell above still covers (column -> rows left),
        # and whether the open row holds only <th> cells
        self.heads: list[list[list[str]]] = []
        self.in_head: list[bool] = []
        self.leading: list[bool] = []
        self.carry: list[dict[int, int]] = []
        self.all_th: list[bool] = []
        self.n_tables = 0
        self.text_at: list[int] = []  # per open table: where the text stood at its start (for its caption)
        self.scripts = 0
        self.images = 0
        self.files = 0
        self.sup = 0
        self.svg: list[str] | None = None
        self.svg_depth = 0
        # the open elements of an inline SVG as written: the parser lower-cases tag names, and an end tag
        # written back as "</clippath>" would not close "<clipPath>" for the XML parser
        self.svg_open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.svg is not None:
            self.svg.append(self.get_starttag_text() or "")
            self.svg_open.append(_written_name(self.get_starttag_text(), tag))
            if tag == "svg":
                self.svg_depth += 1
            return
        if tag == "svg":
            self.svg = [self.get_starttag_text() or ""]
            self.svg_open = [_written_name(self.get_starttag_text(), tag)]
            self.svg_depth = 1
            return
        if tag == "br":
            # HTML 4's void <br> (SAS ODS HTML stacks a crosstab cell's frequency and percentages so): the
            # same line break as XHTML's <br/>
            self.handle_startendtag(tag, attrs)
            return
        if tag in _SKIP:
            self.skip += 1
            if tag == "script":
                self.script = []
                self.script_type = a.get("type", "").lower()
                # an htmlwidget's data (DT, plotly, leaflet); its sizing policy beside it is layout, no data
                self.script_widget = "data-for" in a and self.script_type != "application/htmlwidget-sizing"
            return
        if tag in _BLOCK:
            self.text.append("\n")
        if tag == "table":
            self.n_tables += 1
            self.text_at.append(len(self.text))
            self.tables.append((self.n_tables, []))
            self.rows.append([])
            self.heads.append([])
            self.in_head.append(False)
            self.leading.append(True)
            self.carry.append({})
            self.all_th.append(True)
        elif tag == "thead" and self.tables:
            self.in_head[-1] = True
        elif tag in ("tbody", "tfoot") and self.tables:
            self.in_head[-1] = False
        elif tag == "tr" and self.tables:
            self.rows[-1] = []
            self.all_th[-1] = True
        elif tag in ("td", "th") and self.tables:
            self.cells.append([])
            if tag == "td":
                self.all_th[-1] = False
            self.spans.append((_span(a.get("colspan")), _span(a.get("rowspan"))))
        elif tag == "img":
            self._image(a.get("src", ""))
        elif tag == "sup" and self.cells:
            self.sup += 1  # a footnote mark in a cell ("N = 2" then <sup>1</sup>: not "N = 21")
        elif tag in ("a", "object", "embed", "iframe", "source"):
            self._data_file(a.get("href") or a.get("data") or a.get("src") or "", a.get("download", ""))

    def _data_file(self, uri: str, name: str) -> None:
        """A file written into the page as a data URI that is no image (a download link's
        ``data:text/csv;base64,...``): attached, so that the engine scans it as a file of its own."""
        m = _DATA_FILE_URI.match(uri)
        if m is None:
            return
        self.files += 1
        payload = uri[m.end():]
        try:
            raw = base64.b64decode(re.sub(r"\s+", "", payload)) if m.group(2) else \
                urllib.parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            self.out.problems.append(f"embedded file {self.files} could not be decoded")
            return
        suffix = _DATA_SUFFIX.get(m.group(1).lower(), ".bin")
        label = name if name and "/" not in name and "\\" not in name else f"embedded file {self.files}{suffix}"
        self.out.attached.append(Attached(label, "attached file", len(raw), Place(element=f"embedded file "
                                                                                        f"{self.files}"), raw))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.svg is not None:
            self.svg.append(self.get_starttag_text() or "")
            return
        if tag == "img":
            self._image(dict(attrs).get("src") or "")
        elif tag == "br":
            if self.cells:
                self.cells[-1].append(_BR)  # a line break inside a cell: stacked values (see cell_text)
            else:
                self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.svg is not None:
            written = tag
            for k in range(len(self.svg_open) - 1, -1, -1):  # the element it closes, as written
                if self.svg_open[k].lower() == tag:
                    written = self.svg_open[k]
                    del self.svg_open[k:]
                    break
            self.svg.append(f"</{written}>")
            if tag == "svg":
                self.svg_depth -= 1
                if self.svg_depth == 0:
                    self.images += 1
                    self.out.extend(read_svg("".join(self.svg).encode("utf-8"),
                                             Place(element=f"inline svg {self.images}")))
                    self.svg = None
            return
        if tag == "sup" and self.sup:
            self.sup -= 1
            return
        if tag in ("td", "th"):
            self.sup = 0  # (a mark left open ends with its cell)
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            if tag == "script" and self.script is not None:
                self.scripts += 1
                self.out_script("".join(self.script))
                self.script = None
            return
        if tag in ("td", "th") and self.cells:
            cell = cell_text(re.sub(r"[\r\n]+", " ", "".join(self.cells.pop())).split(_BR))
            span, down = self.spans.pop() if self.spans else (1, 1)
            if self.rows:
                row, carry = self.rows[-1], self.carry[-1]
                self._covered(row, carry)
                if down > 1:
                    for k in range(len(row), len(row) + span):
                        carry[k] = down - 1
                row.append(cell)
                row.extend([""] * (span - 1))
            if self.cells:
                self.cells[-1].append(" " + cell)
        elif tag == "tr" and self.tables:
            row = self.rows[-1]
            self._covered(row, self.carry[-1], to_end=True)
            if any(row):
                if (self.in_head[-1] or (self.leading[-1] and self.all_th[-1])) and not self.tables[-1][1]:
                    self.heads[-1].append(row)
                else:
                    self.leading[-1] = False
                    self.tables[-1][1].append(row)
            self.rows[-1] = []
        elif tag == "table" and self.tables:
            at = self.text_at.pop() if self.text_at else len(self.text)
            before = [x.strip() for x in "".join(self.text[:at])[-2000:].split("\n") if x.strip()]
            inside = " ".join("".join(self.text[at:]).split())  # a <caption>, outside the cells
            caption = "\n".join([*before[-CAPTION_PARAGRAPHS:], *([inside] if inside else [])])
            index, rows = self.tables.pop()
            self.rows.pop()
            heads = self.heads.pop()
            self.in_head.pop()
            self.leading.pop()
            self.carry.pop()
            self.all_th.pop()
            if rows:
                width = max(len(r) for r in [*rows, *heads])
                header = _header_names(heads, width) if heads else None
                self.out.tables.append(DocTable(square(rows), Place(element=f"table {index}"), "html",
                                                header=header, caption=caption))
            elif heads:
                self.out.tables.append(DocTable(square(heads), Place(element=f"table {index}"), "html",
                                                caption=caption))
        if tag in _BLOCK:
            self.text.append("\n")

    @staticmethod
    def _covered(row: list[str], carry: dict[int, int], *, to_end: bool = False) -> None:
        """Fill the columns a cell of a row above still covers (``rowspan``), at the row's next column (or, at
        the row's end, every one left)."""
        while carry.get(len(row), 0) > 0 or (to_end and any(k >= len(row) and n > 0 for k, n in carry.items())):
            k = len(row)
            if carry.get(k, 0) > 0:
                carry[k] -= 1
            row.append("")
        if to_end:
            for k in [k for k, n in carry.items() if n <= 0]:
                del carry[k]

    def handle_data(self, data: str) -> None:
        if self.svg is not None:
            self.svg.append(data.replace("&", "&amp;").replace("<", "&lt;"))
            return
        if self.script is not None:
            self.script.append(data)
            return
        if self.skip or self.sup:
            return
        if self.cells:
            self.cells[-1].append(data)
        else:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        if data.strip() and self.svg is None:
            self.out.hidden.append(HiddenBlock("html-comment", Place(element="HTML comment"), [data.strip()],
                                               numbers_matter=False))

    def out_script(self, text: str) -> None:
        if not text.strip():
            return
        widget = self.script_widget
        table = _dt_widget(text) if widget else None
        if table is not None:
            header, rows = table
            self.out.tables.append(DocTable(rows, Place(element=f"script {self.scripts}: data table"), "html",
                                            header=header))
            return
        found = chart_data(text, f"script {self.scripts}")
        if found:
            from scanner.loaders.office import Figure

            # (the traces' names are the chart's legend: "patient 1" .. "patient 40" name one unit a trace)
            self.out.figures.append(Figure(Place(element=f"script {self.scripts}"), "interactive chart",
                                           producer=_producer(text), data=found,
                                           labels=[d.label for d in found if d.label]))
        elif self.script_type in ("application/json", "application/ld+json", "text/json") \
                and (records := _json_records(text)) is not None:
            # data for the page's own script (a chart drawn from it): its records are a table
            header, rows = records
            self.out.tables.append(DocTable(rows, Place(element=f"script {self.scripts}: JSON data"), "html",
                                            header=header))
        elif widget:
            self.out.problems.append(f"script {self.scripts}: an interactive widget's data (htmlwidget) could not "
                                     "be read")

    def _image(self, src: str) -> None:
        if not _DATA_URI.match(src):
            return
        self.images += 1
        _data_image(src, Place(element=f"image {self.images}"), self.out)


def _data_image(src: str, place: Place, out: DocumentContent) -> None:
    """An image written into the document as a data URI (``data:image/png;base64,...``), read into ``out``:
    an SVG's marks, a raster image as unreadable (a person must look)."""
    m = _DATA_URI.match(src)
    if m is None:
        return
    payload = src[m.end():]
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", payload)) if m.group(2) else payload.encode("utf-8")
    except (binascii.Error, ValueError):
        out.problems.append(f"{place.element or 'embedded image'} could not be decoded")
        return
    kind = m.group(1).lower()
    if kind.startswith("svg"):
        out.extend(read_svg(raw, place))
    else:
        out.extend(read_image(raw, "jpeg" if kind == "jpg" else kind, place))


# An image in a note's text: a data URI (markdown's ![](data:...), an <img src="data:...">) or an inline SVG.
_TEXT_DATA_URI = lazy_compile(r"data:image/(?:png|jpeg|jpg|gif|svg\+xml|webp|bmp|tiff)(?:;base64)?,[A-Za-z0-9+/=%\s]*",
                            re.I)
_INLINE_SVG = lazy_compile(r"<svg\b.*?</svg\s*>", re.I | re.S)


def embedded_images(text: str) -> tuple[DocumentContent, str]:
    """The images written into a note's text (Markdown, a text file): data URIs and inline SVGs, read as
    figures; and the text without them (their base64 or markup is no prose). Raster images are figures that
    cannot be read: a person must look, never a pass."""
    out = DocumentContent()
    lowered = text.lower()
    if "data:image/" not in text and "<svg" not in lowered and "<table" not in lowered:
        return out, text
    k = 0

    def uri(m: re.Match[str]) -> str:
        nonlocal k
        k += 1
        _data_image(m.group(0), Place(element=f"embedded image {k}"), out)
        return ""

    def svg(m: re.Match[str]) -> str:
        nonlocal k
        k += 1
        out.extend(read_svg(m.group(0).encode("utf-8"), Place(element=f"inline svg {k}")))
        return "\n" * m.group(0).count("\n")  # (line numbers of the text below stay right)

    def table(m: re.Match[str]) -> str:
        # an HTML table written into the note (knitr::kable(format = "html"), gt's as_raw_html()): read as
        # the HTML reader reads it
        reader = _Reader()
        reader.feed(m.group(0))
        reader.close()
        for t in reader.out.tables:
            out.tables.append(dataclasses.replace(t, place=Place(element=f"html table {len(out.tables) + 1}")))
        return "\n" * m.group(0).count("\n")

    rest = _INLINE_SVG.sub(svg, _TEXT_DATA_URI.sub(uri, text))
    if "<table" in rest.lower():
        rest = _INLINE_TABLE.sub(table, rest)
    return out, rest


_INLINE_TABLE = lazy_compile(r"<table\b.*?</table\s*>", re.I | re.S)


def _json_records(text: str) -> tuple[list[str], list[list[str]]] | None:
    """A JSON list of records with the same keys (``[{"region": "Nord", "n": 12}, ...]``) or an object of
    equally long arrays (``{"region": [...], "n": [...]}``) as a table's header and rows; else None."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and "data" in data and isinstance(data["data"], list):
        data = data["data"]
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        keys = list(data[0])
        if not keys or any(list(r) != keys for r in data):
            return None
        return [str(k) for k in keys], [["" if r[k] is None else str(r[k]) for k in keys] for r in data]
    if isinstance(data, dict) and data and all(isinstance(v, list) for v in data.values()):
        n = len(next(iter(data.values())))
        if not n or any(len(v) != n for v in data.values()):
            return None
        cols = list(data.values())
        return [str(k) for k in data], [["" if c[i] is None else str(c[i]) for c in cols] for i in range(n)]
    return None


def _dt_widget(text: str) -> tuple[list[str], list[list[str]]] | None:
    """The table an R DT::datatable() widget carries: its data column by column (``x.data``) under the
    header cells of its ``x.container``; None when the JSON is not such a widget."""
    import json

    try:
        spec = json.loads(text)
    except ValueError:
        return None
    x = spec.get("x") if isinstance(spec, dict) else None
    data = x.get("data") if isinstance(x, dict) else None
    if not isinstance(data, list) or not data or not all(isinstance(c, list) for c in data):
        return None
    n = len(data[0])
    if not n or any(len(c) != n for c in data):
        return None
    container = x.get("container") if isinstance(x.get("container"), str) else ""
    names = [re.sub(r"<[^>]*>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", container, re.S)]
    if len(names) != len(data):
        names = [f"column_{k + 1}" for k in range(len(data))]
    rows = [["" if c[i] is None else str(c[i]) for c in data] for i in range(n)]
    return names, rows


def _producer(script: str) -> str | None:
    for word, name in (("Plotly", "plotly"), ("Bokeh", "bokeh"), ("vegaEmbed", "vega"), ("vega", "vega")):
        if word in script:
            return name
    return None


def read_html(path: Path) -> DocumentContent:
    """Read an HTML file (UTF-8, or the charset it declares; undecodable bytes are replaced and noted)."""
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        out = DocumentContent()
        out.problems.append(f"HTML file larger than {MAX_HTML_BYTES:,} bytes: not read")
        return out
    raw = path.read_bytes()
    encoding = "utf-8"
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", raw[:4096], re.I)
    if m:
        encoding = m.group(1).decode("ascii").lower()
    try:
        text = raw.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("cp1252", errors="replace")
    return html_content(text)


def html_content(text: str) -> DocumentContent:
    """The content of an HTML document already decoded (a file, or a part of another document: a Word
    file's imported HTML chunk)."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    body = re.sub(r"[ \t\u00a0]+", " ", "".join(reader.text))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    if paragraphs:
        reader.out.texts.append(TextBlock("\n".join(paragraphs), Place()))
    if reader.tables:
        reader.out.problems.append("a table is not closed: the HTML is cut off")
    return reader.out
