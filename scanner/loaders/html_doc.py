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
import re
from html.parser import HTMLParser
from pathlib import Path

from scanner.loaders.images import chart_data, read_image, read_svg
from scanner.loaders.office import DocTable, DocumentContent, HiddenBlock, Place, TextBlock, square

__all__ = ["read_html"]

MAX_HTML_BYTES = 512 << 20
_MAX_SPAN = 64
_DATA_URI = re.compile(r"^data:image/(png|jpeg|jpg|gif|svg\+xml|webp|bmp|tiff)(;base64)?,", re.I)
_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
                    "pre", "blockquote", "dd", "dt", "caption", "header", "footer", "hr"})
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "title"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = DocumentContent()
        self.skip = 0
        self.script: list[str] | None = None
        self.script_type = ""
        self.text: list[str] = []
        self.tables: list[tuple[int, list[list[str]]]] = []
        self.rows: list[list[str]] = []  # per open table: the open row
        self.cells: list[list[str]] = []
        self.spans: list[int] = []
        self.n_tables = 0
        self.scripts = 0
        self.images = 0
        self.svg: list[str] | None = None
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.svg is not None:
            self.svg.append(self.get_starttag_text() or "")
            if tag == "svg":
                self.svg_depth += 1
            return
        if tag == "svg":
            self.svg = [self.get_starttag_text() or ""]
            self.svg_depth = 1
            return
        if tag in _SKIP:
            self.skip += 1
            if tag == "script":
                self.script = []
                self.script_type = a.get("type", "").lower()
            return
        if tag in _BLOCK:
            self.text.append("\n")
        if tag == "table":
            self.n_tables += 1
            self.tables.append((self.n_tables, []))
            self.rows.append([])
        elif tag == "tr" and self.tables:
            self.rows[-1] = []
        elif tag in ("td", "th") and self.tables:
            self.cells.append([])
            try:
                self.spans.append(max(1, min(int(a.get("colspan", "1") or 1), _MAX_SPAN)))
            except ValueError:
                self.spans.append(1)
        elif tag == "img":
            self._image(a.get("src", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.svg is not None:
            self.svg.append(self.get_starttag_text() or "")
            return
        if tag == "img":
            self._image(dict(attrs).get("src") or "")
        elif tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.svg is not None:
            self.svg.append(f"</{tag}>")
            if tag == "svg":
                self.svg_depth -= 1
                if self.svg_depth == 0:
                    self.images += 1
                    self.out.extend(read_svg("".join(self.svg).encode("utf-8"),
                                             Place(element=f"inline svg {self.images}")))
                    self.svg = None
            return
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            if tag == "script" and self.script is not None:
                self.scripts += 1
                self.out_script("".join(self.script))
                self.script = None
            return
        if tag in ("td", "th") and self.cells:
            cell = re.sub(r"\s+", " ", "".join(self.cells.pop())).strip()
            span = self.spans.pop() if self.spans else 1
            if self.rows:
                self.rows[-1].append(cell)
                self.rows[-1].extend([""] * (span - 1))
            if self.cells:
                self.cells[-1].append(" " + cell)
        elif tag == "tr" and self.tables:
            if self.rows[-1]:
                self.tables[-1][1].append(self.rows[-1])
            self.rows[-1] = []
        elif tag == "table" and self.tables:
            index, rows = self.tables.pop()
            self.rows.pop()
            if rows:
                self.out.tables.append(DocTable(square(rows), Place(element=f"table {index}"), "html"))
        if tag in _BLOCK:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.svg is not None:
            self.svg.append(data.replace("&", "&amp;").replace("<", "&lt;"))
            return
        if self.script is not None:
            self.script.append(data)
            return
        if self.skip:
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
        found = chart_data(text, f"script {self.scripts}")
        if found:
            from scanner.loaders.office import Figure

            self.out.figures.append(Figure(Place(element=f"script {self.scripts}"), "interactive chart",
                                           producer=_producer(text), data=found))

    def _image(self, src: str) -> None:
        m = _DATA_URI.match(src)
        if not m:
            return
        self.images += 1
        place = Place(element=f"image {self.images}")
        payload = src[m.end():]
        try:
            raw = base64.b64decode(payload) if m.group(2) else payload.encode("utf-8")
        except (binascii.Error, ValueError):
            self.out.problems.append(f"embedded image {self.images} could not be decoded")
            return
        kind = m.group(1).lower()
        if kind.startswith("svg"):
            self.out.extend(read_svg(raw, place))
        else:
            self.out.extend(read_image(raw, "jpeg" if kind == "jpg" else kind, place))


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
