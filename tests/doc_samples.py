"""Generators of documents and figures for the tests: Word, PowerPoint, OpenDocument, RTF, HTML and PDF
files written from their specifications (no office suite needed), and figures from real matplotlib.

The person numbers are synthetic: valid Danish CPR numbers from :mod:`scanner.synth`."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def cprs(n: int, seed: int = 7) -> list[str]:
    """``n`` valid synthetic Danish CPR numbers written DDMMYY-SSSS."""
    import random

    from scanner.synth import generate, render

    rng = random.Random(seed)
    return [render("dk_cpr", generate("dk_cpr", rng, strict=True), "6s4") for _ in range(n)]


def _zip(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{escape(target)}"/>' for i, t, target in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{body}</Relationships>'


# -- Word ---------------------------------------------------------------------------------------------


def w_par(text: str, *, hidden: bool = False) -> str:
    props = "<w:rPr><w:vanish/></w:rPr>" if hidden else ""
    return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def w_table(rows: list[list[str]]) -> str:
    body = "".join("<w:tr>" + "".join(f"<w:tc>{w_par(c)}</w:tc>" for c in r) + "</w:tr>" for r in rows)
    return f"<w:tbl>{body}</w:tbl>"


def w_deleted(text: str) -> str:
    return (f'<w:p><w:del w:id="1" w:author="A"><w:r><w:delText xml:space="preserve">{escape(text)}</w:delText>'
            f'</w:r></w:del><w:r><w:t>Kept text.</w:t></w:r></w:p>')


def make_docx(path: Path, body: str, *, comments: list[str] = (), extra: dict[str, str | bytes] | None = None,
              rels: list[tuple[str, str, str]] = ()) -> Path:
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W} {R}><w:body>{body}</w:body></w:document>'
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "_rels/.rels": _rels([("rId1", "officeDocument", "word/document.xml")]),
        "word/document.xml": doc,
    }
    doc_rels = list(rels)
    if comments:
        body_c = "".join(f'<w:comment w:id="{k}" w:author="A">{w_par(c)}</w:comment>' for k, c in enumerate(comments))
        parts["word/comments.xml"] = f'<?xml version="1.0"?><w:comments {W}>{body_c}</w:comments>'
        doc_rels.append(("rIdC", "comments", "comments.xml"))
    parts["word/_rels/document.xml.rels"] = _rels(doc_rels)
    parts.update(extra or {})
    return _zip(path, parts)


def chart_xml(points: list[tuple[float, float]], kind: str = "scatterChart") -> str:
    xs = "".join(f'<c:pt idx="{i}"><c:v>{x}</c:v></c:pt>' for i, (x, _) in enumerate(points))
    ys = "".join(f'<c:pt idx="{i}"><c:v>{y}</c:v></c:pt>' for i, (_, y) in enumerate(points))
    return (f'<?xml version="1.0"?><c:chartSpace {C} {A}><c:chart><c:plotArea><c:{kind}><c:ser>'
            f'<c:xVal><c:numRef><c:numCache>{xs}</c:numCache></c:numRef></c:xVal>'
            f'<c:yVal><c:numRef><c:numCache>{ys}</c:numCache></c:numRef></c:yVal>'
            f'</c:ser></c:{kind}></c:plotArea></c:chart></c:chartSpace>')


def bar_chart_xml(series: str, bars: list[tuple[str, int]]) -> str:
    """A column chart with its cache only (no workbook): one series named ``series`` over categories."""
    cats = "".join(f'<c:pt idx="{i}"><c:v>{escape(c)}</c:v></c:pt>' for i, (c, _) in enumerate(bars))
    vals = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, (_, v) in enumerate(bars))
    return (f'<?xml version="1.0"?><c:chartSpace {C} {A}><c:chart><c:plotArea><c:barChart><c:ser>'
            f'<c:idx val="0"/><c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{escape(series)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$9</c:f><c:strCache>{cats}</c:strCache></c:strRef></c:cat>'
            f'<c:val><c:numRef><c:f>Sheet1!$B$2:$B$9</c:f><c:numCache>{vals}</c:numCache></c:numRef></c:val>'
            f'</c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>')


# -- PowerPoint ---------------------------------------------------------------------------------------


def _sp(text: str) -> str:
    return (f'<p:sp><p:txBody><a:p><a:r><a:t>{escape(text)}</a:t></a:r></a:p></p:txBody></p:sp>')


def _slide_table(rows: list[list[str]]) -> str:
    body = "".join("<a:tr>" + "".join(f"<a:tc><a:txBody><a:p><a:r><a:t>{escape(c)}</a:t></a:r></a:p></a:txBody>"
                                      "</a:tc>" for c in r) + "</a:tr>" for r in rows)
    return (f"<p:graphicFrame><a:graphic><a:graphicData><a:tbl>{body}</a:tbl></a:graphicData></a:graphic>"
            "</p:graphicFrame>")


def make_pptx(path: Path, slides: list[dict[str, object]], layout_table: list[list[str]] | None = None) -> Path:
    """``slides``: dicts with ``texts`` (list), optional ``table`` (rows), ``notes`` (text), ``hidden``;
    ``layout_table``: a table on the slide layout every slide is made from (with a title placeholder)."""
    ids = "".join(f'<p:sldId id="{256 + k}" r:id="rId{k + 1}"/>' for k in range(len(slides)))
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "_rels/.rels": _rels([("rId1", "officeDocument", "ppt/presentation.xml")]),
        "ppt/presentation.xml": f'<?xml version="1.0"?><p:presentation {P} {R}><p:sldIdLst>{ids}</p:sldIdLst>'
                                '</p:presentation>',
        "ppt/_rels/presentation.xml.rels": _rels([(f"rId{k + 1}", "slide", f"slides/slide{k + 1}.xml")
                                                  for k in range(len(slides))]),
    }
    for k, s in enumerate(slides, start=1):
        shapes = "".join(_sp(t) for t in s.get("texts", []))  # type: ignore[attr-defined]
        if "table" in s:
            shapes += _slide_table(s["table"])  # type: ignore[arg-type]
        show = ' show="0"' if s.get("hidden") else ""
        parts[f"ppt/slides/slide{k}.xml"] = (f'<?xml version="1.0"?><p:sld {P} {A} {R}{show}><p:cSld><p:spTree>'
                                             f'{shapes}</p:spTree></p:cSld></p:sld>')
        rels = []
        if "notes" in s:
            number = ('<p:sp><p:nvSpPr><p:nvPr><p:ph type="sldNum"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r>'
                      f'<a:t>{k}</a:t></a:r></a:p></p:txBody></p:sp>')
            parts[f"ppt/notesSlides/notesSlide{k}.xml"] = (
                f'<?xml version="1.0"?><p:notes {P} {A}><p:cSld><p:spTree>{number}{_sp(str(s["notes"]))}'
                '</p:spTree></p:cSld></p:notes>')
            rels.append(("rIdN", "notesSlide", f"../notesSlides/notesSlide{k}.xml"))
        if layout_table is not None:
            rels.append(("rIdL", "slideLayout", "../slideLayouts/slideLayout1.xml"))
        parts[f"ppt/slides/_rels/slide{k}.xml.rels"] = _rels(rels)
    if layout_table is not None:
        title = ('<p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r>'
                 '<a:t>Click to edit Master title style</a:t></a:r></a:p></p:txBody></p:sp>')
        parts["ppt/slideLayouts/slideLayout1.xml"] = (
            f'<?xml version="1.0"?><p:sldLayout {P} {A} {R}><p:cSld><p:spTree>{title}{_slide_table(layout_table)}'
            '</p:spTree></p:cSld></p:sldLayout>')
    return _zip(path, parts)


# -- OpenDocument -------------------------------------------------------------------------------------

_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
           'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def odf_table(rows: list[list[str]]) -> str:
    body = "".join("<table:table-row>" + "".join(
        f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in r) + "</table:table-row>"
                   for r in rows)
    return f'<table:table table:name="T1">{body}</table:table>'


def make_odf(path: Path, body: str, *, presentation: bool = False) -> Path:
    mime = "application/vnd.oasis.opendocument." + ("presentation" if presentation else "text")
    office = "office:presentation" if presentation else "office:text"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}><office:body>'
               f'<{office}>{body}</{office}></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mime)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


# -- RTF ----------------------------------------------------------------------------------------------


def rtf_table(rows: list[list[str]]) -> str:
    out = []
    for r in rows:
        cells = "".join(rf"\cellx{1500 * (k + 1)}" for k in range(len(r)))
        out.append(r"\trowd" + cells + r"\pard\intbl " + "".join(f"{c}\\cell " for c in r) + r"\row")
    return "".join(out) + r"\pard"


def make_rtf(path: Path, body: str) -> Path:
    path.write_text(r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}{\info{\title Results}}" + body + "}",
                    encoding="latin-1")
    return path


# -- HTML ---------------------------------------------------------------------------------------------


def html_table(rows: list[list[str]]) -> str:
    head = "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in rows[0]) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<table>{head}{body}</table>"


def plotly_html(traces: list[dict[str, object]]) -> str:
    data = json.dumps(traces)
    return ('<html><head><meta charset="utf-8"><script type="text/javascript">/* plotly.js */</script></head>'
            '<body><div id="p1" class="plotly-graph-div"></div><script type="text/javascript">'
            f'window.PLOTLYENV=window.PLOTLYENV || {{}}; if (document.getElementById("p1")) {{ Plotly.newPlot('
            f'"p1", {data}, {{"template": {{}}}}, {{"responsive": true}}) }};</script></body></html>')


# -- PDF ----------------------------------------------------------------------------------------------


def _pdf_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(path: Path, pages: list[list[tuple[float, float, str]]], *, drawings: list[str] | None = None) -> Path:
    """A PDF whose pages hold text at positions (Helvetica 10 pt) and optional raw drawing operators."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * k} 0 R" for k in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for k, texts in enumerate(pages):
        ops = [f"BT /F1 10 Tf 1 0 0 1 {x} {y} Tm ({_pdf_text(t)}) Tj ET" for x, y, t in texts]
        if drawings and k < len(drawings):
            ops.append(drawings[k])
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * k} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def table_page(rows: list[list[str]], top: float = 700, left: float = 72, width: float = 110) -> list[
        tuple[float, float, str]]:
    return [(left + width * c, top - 16 * r, text) for r, row in enumerate(rows) for c, text in enumerate(row)]


# -- raster images ------------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def make_png(path: Path, texts: dict[str, str] | None = None, *, compressed: bool = False, software: str = "") -> Path:
    """A 4x3 grey PNG with text chunks (tEXt, or zTXt when ``compressed``)."""
    raw = b"".join(b"\x00" + b"\x80" * 4 for _ in range(3))
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 0, 0, 0, 0))]
    if software:
        chunks.append(_chunk(b"tEXt", b"Software\x00" + software.encode("latin-1")))
    for k, v in (texts or {}).items():
        if compressed:
            chunks.append(_chunk(b"zTXt", k.encode("latin-1") + b"\x00\x00" + zlib.compress(v.encode("latin-1"))))
        else:
            chunks.append(_chunk(b"tEXt", k.encode("latin-1") + b"\x00" + v.encode("latin-1")))
    chunks.append(_chunk(b"IDAT", zlib.compress(raw)))
    chunks.append(_chunk(b"IEND", b""))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(chunks))
    return path
