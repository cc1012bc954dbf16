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
with four Bézier curves), and its pictures (image XObjects of at least 64x64 pixels: their marks cannot be
read). Annotations with text (comments, notes) and attached files (the document's embedded files and file
attachment annotations) are read too. An encrypted PDF that does not open with the empty password is
FIL004; one that does (an owner password only restricts printing or copying) is read.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from scanner.loaders.images import MARK_SIZE
from scanner.loaders.office import (
    MAX_ATTACHED_BYTES,
    Attached,
    DocTable,
    DocumentContent,
    Figure,
    HiddenBlock,
    MarkGroup,
    Place,
    TextBlock,
    is_regular,
)
from scanner.loaders.texttables import find_tables

__all__ = ["read_pdf"]

log = logging.getLogger(__name__)

MAX_PAGES = 5_000
#: Content stream bytes of one page read for its drawing (a plot of a million points is still counted
#: as long as its stream is under this).
MAX_CONTENT_BYTES = 64 << 20
#: Pictures smaller than this (icons, bullets, logos at print size) are not figures.
MIN_PICTURE_PIXELS = 64
_ENCRYPTED = "encrypted PDF: its content cannot be inspected without the password"


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
    return out


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


def _compact(text: str) -> str:
    """Layout text with the blank line pypdf puts between the rows of a table removed (two or more blank
    lines still separate blocks)."""
    text = re.sub(r"\n[ \t]*\n(?=[^\n]*\S)", "\n", text.replace("\r", ""))
    return text


def _page(reader: Any, page: Any, number: int, producer: str | None, out: DocumentContent) -> None:
    place = Place(page=number)
    text = ""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts; the plain mode may still read the page
        try:
            text = page.extract_text()
        except Exception as exc:
            out.problems.append(f"the text of page {number} could not be extracted ({type(exc).__name__})")
    if text.strip():
        out.texts.append(TextBlock(text, place))
        for t in find_tables(_compact(text)):
            header = None if all(n.startswith("column_") for n in t.names) else t.names
            out.tables.append(DocTable(t.rows, place.with_element(f"table at text line {t.data_line}"),
                                       "pdf-text", header=header))
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
    groups = drawing.groups()
    if groups:
        fig = Figure(place.with_element("drawing"), "PDF drawing", producer=producer, marks=groups,
                     labels=[line.strip() for line in text.splitlines() if line.strip()])
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


class _Drawing:
    """Marks of one shape in a page's drawing, their positions, the lines drawn, and the pictures."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.marks: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.kind: dict[str, str] = {}
        self.lines: list[set[tuple[float, float]]] = []
        self.pictures: list[tuple[int, int]] = []
        self.bytes = 0

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
            elif op in (b"c", b"v", b"y") and len(operands) >= 4:
                curves += 1
                path.append(_apply(ctm, operands[-2], operands[-1]))
            elif op == b"re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                path.extend([_apply(ctm, x, y), _apply(ctm, x + w, y + h)])
                closed = True
            elif op == b"h":
                closed = True
            elif op in _PAINT or op == b"n":
                if op != b"n" and path:
                    self._painted(path, curves, closed, op)
                path, curves, closed = [], 0, False
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
                    self.kind[key] = "marker"
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
            self.kind[key] = "symbol" if curves == 0 else "circle"
        elif len(path) >= 3 and not closed:
            self.lines.append({(round(x, 1), round(y, 1)) for x, y in path})

    def groups(self) -> list[MarkGroup]:
        out = []
        for key, pos in self.marks.items():
            if len(pos) < 2:
                continue
            rounded = {(round(x, 1), round(y, 1)) for x, y in pos}
            on_line = any(len(rounded & line) >= 0.8 * len(rounded) for line in self.lines)
            out.append(MarkGroup(len(pos), len(rounded), self.kind[key], "drawing", regular=is_regular(pos),
                                 on_line=on_line))
        out.sort(key=lambda m: -m.count)
        return out


def _apply(m: tuple[float, ...], x: Any, y: Any) -> tuple[float, float]:
    x, y = float(x), float(y)
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
