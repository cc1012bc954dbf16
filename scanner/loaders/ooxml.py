"""The structure of an OOXML workbook package (``.xlsx``, ``.xlsm``), read from the zip itself.

The cell values come from :mod:`scanner.loaders.workbook`; this module reads what a values reader does
not show and a person opening the file may not see: which sheets are hidden or very hidden, which rows
and columns are hidden, the source rows a pivot table keeps in its cache, comments and notes, defined
names that hold constants, cached values of external links and charts, lists of data validations, and
embedded objects (OLE objects, other files, macros, pictures). It reads; it makes no findings.

Safety, because the package comes from outside the scanner's control:

* every XML part is parsed with ``xml.etree.ElementTree.iterparse`` (expat) only after its prolog was
  checked: a part with a document type declaration is refused and never parsed, so no entity (``<!ENTITY
  lol "&lol;&lol;...">``, an external entity) is ever expanded; OOXML parts never carry a DTD;
* decompressed sizes are bounded per part and in total, and so is the compression ratio, by the declared
  sizes before anything is read and by counting while streaming (a lying header does not help);
* the rows of a worksheet part (``sheetData``, the bulk of a workbook) are not parsed into elements: the
  decompressed bytes are searched for row tags that hide a row, and only the parts before and after
  ``sheetData`` (columns, validations, objects) are parsed. That keeps the structure pass well under the
  cost of reading the values.

Every limit hit, refused part or damaged part is a value-free reason in :attr:`PackageStructure.problems`
(limits and refusals also in ``limits``), so the scan fails closed.
"""

from __future__ import annotations

import contextlib
import io
import logging
import posixpath
import re
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, iterparse

from scanner.lazy_regex import lazy_compile

__all__ = [
    "ChartCache",
    "EmbeddedPart",
    "HiddenText",
    "PackageLimits",
    "PackageStructure",
    "PivotCache",
    "SheetStructure",
    "check_sizes",
    "inspect_package",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PackageLimits:
    """Bounds on what one package may make the scanner decompress and hold.

    The defaults let a 1 GB (compressed) workbook through: sheet XML compresses 5-20 times; a ratio of
    200 over 16 MiB is a zip bomb, not a spreadsheet.
    """

    max_part_bytes: int = 4 << 30  # one decompressed part (a worksheet's XML)
    max_total_bytes: int = 16 << 30  # all parts together
    max_meta_part_bytes: int = 256 << 20  # a part parsed into elements (comments, pivot caches, charts...)
    max_ratio: float = 200.0
    ratio_floor: int = 16 << 20  # the ratio applies to parts larger than this
    max_pivot_records: int = 2_000_000
    max_hidden_rows: int = 5_000_000


class PackageLimitError(Exception):
    """A part breaks a limit or is refused (DTD); ``reason`` is value-free."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class SheetStructure:
    """One sheet as the package describes it."""

    name: str
    index: int
    visibility: str  # visible, hidden, veryHidden
    chart: bool = False  # a chart sheet (no cells)
    part: str | None = None
    #: sheet rows (1-based) hidden by a row tag (hidden="1", or a zero height)
    hidden_rows: list[int] = field(default_factory=list)
    #: every row without its own height is hidden (sheetFormatPr zeroHeight="1")
    all_rows_hidden: bool = False
    #: hidden columns as 0-based inclusive ranges
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    #: the first used cell of the sheet, from <dimension ref>, as (row 1-based, column 0-based), if present
    dimension: str | None = None
    #: formula cells without a stored value (written by a program that does not calculate formulas)
    uncached_formulas: int = 0


@dataclass(frozen=True, slots=True)
class HiddenText:
    """Content stored in the package but not in any cell: a comment, a note, a defined name's constant, an
    external link's cached cells, a data-validation list. ``texts`` holds the content for the analysis;
    it is never printed. ``where`` is value-free (sheet and cell reference, or the name of a name).
    """

    kind: str  # comment, threaded-comment, defined-name, external-link, data-validation, chart-cache
    sheet: str | None
    where: str
    texts: tuple[str, ...]
    detail: str = ""  # value-free remark (e.g. "refers to a hidden sheet")


@dataclass(slots=True)
class PivotCache:
    """A pivot cache: its fields, the source it came from, and its saved records (the source rows)."""

    index: int
    part: str
    fields: list[str]
    source: str  # value-free: "worksheet range", "external data", "consolidation", "scenario", ...
    saved: bool  # records are stored (saveData is not "0") and a records part exists
    records: list[list[str | None]] | None = None  # row-major, decoded shared items
    truncated: bool = False
    shared_items: list[str] = field(default_factory=list)  # distinct values kept in the definition


@dataclass(frozen=True, slots=True)
class ChartCache:
    """The cached data of one chart part: point counts, what the series refer to, literal data."""

    part: str
    points: int
    refs: tuple[str, ...]  # sheet names the series refer to ("[1]..." for another workbook)
    literal_points: int  # points given as literals (numLit/strLit): data in no cell
    texts: tuple[str, ...]  # cached values (for the identifier search; never printed)
    #: each scatter or bubble series: its cached x values and its number of points (one mark per point)
    scatter: tuple[tuple[tuple[float, ...], int], ...] = ()


@dataclass(frozen=True, slots=True)
class EmbeddedPart:
    """A file inside the package that is not part of the workbook's own XML."""

    part: str
    kind: str  # "OLE object", "embedded package", "ActiveX control", "macro project", "picture"
    size: int
    sheet: str | None = None


@dataclass(slots=True)
class PackageStructure:
    """Everything :func:`inspect_package` found."""

    sheets: list[SheetStructure] = field(default_factory=list)
    hidden_texts: list[HiddenText] = field(default_factory=list)
    pivot_caches: list[PivotCache] = field(default_factory=list)
    charts: list[ChartCache] = field(default_factory=list)
    embedded: list[EmbeddedPart] = field(default_factory=list)
    #: value-free reasons a part could not be inspected (damaged XML, refused DTD, limits)
    problems: list[str] = field(default_factory=list)
    #: the subset of problems that are limits or refusals (bombs), not damage
    limits: list[str] = field(default_factory=list)
    #: a limit or refusal that makes reading the cell values unsafe
    values_unsafe: bool = False

    def sheet(self, name: str) -> SheetStructure | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


# -- safe XML -------------------------------------------------------------------------------------------

_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOCTYPE = lazy_compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PROLOG_SCAN = 64 << 10


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Package:
    """The zip with bounded, counted reads."""

    def __init__(self, zf: zipfile.ZipFile, limits: PackageLimits, out: PackageStructure) -> None:
        self.zf = zf
        self.limits = limits
        self.out = out
        self.names = {i.filename: i for i in zf.infolist()}
        self.lower = {n.lower(): n for n in self.names}
        self.total = 0

    def find(self, name: str) -> str | None:
        return self.lower.get(name.lower().lstrip("/"))

    def check_declared(self, name: str, limit: int) -> None:
        info = self.names[name]
        if info.file_size > limit:
            raise PackageLimitError(f"part {name} declares {info.file_size:,} bytes, over the limit of {limit:,}")
        if info.file_size > self.limits.ratio_floor and info.file_size > self.limits.max_ratio * max(
                1, info.compress_size):
            raise PackageLimitError(f"part {name} expands {info.file_size / max(1, info.compress_size):,.0f} "
                                    "times: a decompression bomb")

    def stream(self, name: str, limit: int, chunk: int = 1 << 20) -> Iterator[bytes]:
        """The decompressed bytes of ``name`` in chunks, counted against the part and total limits."""
        self.check_declared(name, limit)
        seen = 0
        with self.zf.open(name) as fh:
            while True:
                data = fh.read(chunk)
                if not data:
                    return
                seen += len(data)
                self.total += len(data)
                if seen > limit:
                    raise PackageLimitError(f"part {name} decompresses past the limit of {limit:,} bytes")
                if self.total > self.limits.max_total_bytes:
                    raise PackageLimitError(f"package decompresses past the limit of "
                                            f"{self.limits.max_total_bytes:,} bytes")
                yield data

    def read(self, name: str) -> bytes:
        return b"".join(self.stream(name, self.limits.max_meta_part_bytes))

    def iterparse(self, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
        """Parse a part as a stream of elements, after refusing a DTD in its prolog."""
        return _safe_iterparse(self.stream(name, self.limits.max_meta_part_bytes), name, events)


class _ChunkReader(io.RawIOBase):
    """A file-like object over an iterator of byte chunks (for iterparse)."""

    def __init__(self, first: bytes, rest: Iterator[bytes]) -> None:
        self._buf = first
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            try:
                self._buf = next(self._rest)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _check_prolog(data: bytes, name: str) -> None:
    """Refuse a document type declaration before the first element (where a DTD must stand)."""
    end = 0
    while True:
        start = data.find(b"<", end)
        if start < 0 or start + 1 >= len(data):
            return
        nxt = data[start + 1 : start + 2]
        if nxt == b"?":
            end = data.find(b"?>", start)
            if end < 0:
                return
        elif data.startswith(b"<!--", start):
            end = data.find(b"-->", start)
            if end < 0:
                return
        elif nxt == b"!":
            if _DOCTYPE.match(data, start):
                raise PackageLimitError(f"part {name} declares a DTD (entities are refused, never expanded)")
            return
        else:
            return  # the root element: no DTD can follow


def _safe_iterparse(chunks: Iterator[bytes], name: str,
                    events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    head = b""
    for data in chunks:
        head += data
        if len(head) >= _PROLOG_SCAN:
            break
    _check_prolog(head[:_PROLOG_SCAN], name)
    if _DOCTYPE.search(head[:_PROLOG_SCAN]):
        # A declaration after the root cannot be valid XML; expat would reject it, but say why.
        raise PackageLimitError(f"part {name} holds a DTD declaration (refused)")
    yield from iterparse(io.BufferedReader(_ChunkReader(head, chunks)), events=events)


# -- relationships ----------------------------------------------------------------------------------


def _rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(pkg: _Package, part: str) -> dict[str, tuple[str, str, bool]]:
    """rId -> (target part, type suffix, external) for ``part``."""
    rels = pkg.find(_rels_path(part))
    out: dict[str, tuple[str, str, bool]] = {}
    if rels is None:
        return out
    folder = posixpath.dirname(part)
    for _, el in pkg.iterparse(rels):
        if _local(el.tag) != "Relationship":
            continue
        target = el.get("Target", "")
        external = el.get("TargetMode", "") == "External"
        kind = el.get("Type", "").rsplit("/", 1)[-1]
        if not external:
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
        out[el.get("Id", "")] = (target, kind, external)
    return out


# -- workbook ---------------------------------------------------------------------------------------


_Rels = dict[str, tuple[str, str, bool]]


def _workbook(pkg: _Package, out: PackageStructure) -> tuple[_Rels, list[tuple[str, str]]]:
    """Sheets, defined names and pivot caches from the workbook part; its relationships."""
    main = pkg.find("xl/workbook.xml")
    if main is None:
        # The main part may be named otherwise: the package relationships say where it is.
        for target, kind, _ in _relationships(pkg, "").values():
            if kind == "officeDocument" and pkg.find(target):
                main = pkg.find(target)
                break
    if main is None:
        raise PackageLimitError("no workbook part in the package")
    rels = _relationships(pkg, main)
    pivot_ids: list[tuple[str, str]] = []
    index = 0
    for _, el in pkg.iterparse(main):
        tag = _local(el.tag)
        if tag == "sheet":
            rid = el.get(f"{{{_NS_R}}}id", "")
            target, kind, _ = rels.get(rid, ("", "", False))
            out.sheets.append(SheetStructure(
                name=el.get("name", f"sheet {index + 1}"), index=index,
                visibility=el.get("state", "visible"), chart=kind == "chartsheet",
                part=pkg.find(target) if target else None))
            index += 1
        elif tag == "definedName":
            _defined_name(el, out)
        elif tag == "pivotCache":
            pivot_ids.append((el.get("cacheId", ""), el.get(f"{{{_NS_R}}}id", "")))
        if tag in ("sheet", "definedName", "pivotCache"):
            el.clear()
    return rels, pivot_ids


_REFERENCE = lazy_compile(
    r"^=?\s*(?:'(?:[^']|'')+'|\[\d+\][^!]*|[^!'\"{}]+)?!?\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?$")
_CONSTANT = lazy_compile(r'^=?\s*(?:[-+]?\d[\d.,eE+-]*%?|"(?:[^"]|"")*"|\{.*\}|TRUE|FALSE)\s*$', re.S | re.I)


def _defined_name(el: Element, out: PackageStructure) -> None:
    name = el.get("name", "")
    value = (el.text or "").strip()
    if name.lower().startswith(("_xlnm.", "_xlfn.", "_xlws.")) or not value:
        return  # print areas, filter ranges, future-function markers: references the application made
    if _CONSTANT.match(value):
        out.hidden_texts.append(HiddenText("defined-name", None, name, (value,),
                                           "hidden name" if el.get("hidden") in ("1", "true") else ""))


# -- worksheets -------------------------------------------------------------------------------------

_SHEETDATA_OPEN = lazy_compile(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_CLOSE = lazy_compile(rb"</(?:\w+:)?sheetData\s*>")
_ROW_TAG = lazy_compile(rb"<(?:\w+:)?row\b[^>]*>")
_ROW_NUMBER = lazy_compile(rb'\br="(\d+)"')
_HIDES_ROW = lazy_compile(rb'\bhidden="(?:1|true)"|\bht="0(?:\.0*)?"')
_OUTSIDE_LIMIT = 64 << 20  # bytes kept from before and after sheetData (columns, validations, objects)


def _scan_worksheet(pkg: _Package, sheet: SheetStructure, sheet_rels: dict[str, tuple[str, str, bool]],
                    out: PackageStructure) -> None:
    """Hidden rows from the row tags of sheetData; everything else from the XML around it."""
    assert sheet.part is not None
    head = bytearray()
    tail = bytearray()
    state = 0  # 0 before sheetData, 1 inside, 2 after
    carry = b""
    next_row = 1  # a row tag without r="" is the row after the previous one
    seam = b""  # the end of the previous chunk's cells, for a formula cell cut by the chunk boundary
    for data in pkg.stream(sheet.part, pkg.limits.max_part_bytes):
        if state == 2:
            tail += data
            if len(tail) > _OUTSIDE_LIMIT:
                raise PackageLimitError(f"part {sheet.part}: too much XML after the cells")
            continue
        buf = carry + data
        carry = b""
        if state == 0:
            m = _SHEETDATA_OPEN.search(buf)
            if m is None:
                # keep a possible partial tag for the next chunk
                cut = buf.rfind(b"<")
                head += buf[:cut] if cut >= 0 else buf
                carry = buf[cut:] if cut >= 0 else b""
                if len(head) > _OUTSIDE_LIMIT:
                    raise PackageLimitError(f"part {sheet.part}: too much XML before the cells")
                continue
            head += buf[: m.start()]
            if m.group(1) == b"/":  # <sheetData/>: no cells
                state = 2
                tail += buf[m.end():]
                continue
            state = 1
            buf = buf[m.end():]
        # inside sheetData: find the end, then hidden rows in what precedes it
        end = _sheetdata_close(buf)
        body = buf if end is None else buf[: end.start()]
        if end is None:
            # a tag cut by the chunk boundary is finished in the next chunk
            cut = body.rfind(b"<")
            if cut >= 0 and body.find(b">", cut) < 0:
                carry = body[cut:]
                body = body[:cut]
        next_row = _hidden_rows(body, sheet, next_row, pkg.limits.max_hidden_rows, out)
        sheet.uncached_formulas += _uncached_formulas(seam, body)
        seam = body[-_SEAM:]
        if end is not None:
            state = 2
            tail += buf[end.end():]
    if state == 0:
        head += carry
    _sheet_outside(bytes(head) + b"<sheetData/>" + bytes(tail) if state else bytes(head), sheet, sheet_rels, pkg, out)


# A formula cell closed right after its formula, or with an empty <v>: no value is stored. Excel and
# LibreOffice always store the value they calculated; openpyxl (and other writers that do not calculate)
# leave it out, and then no values reader can tell what the cell shows.
_UNCACHED_FORMULA = lazy_compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_SEAM = 256


def _uncached_formulas(seam: bytes, body: bytes) -> int:
    """Formula cells without a stored value in ``body``, and the one cut by the boundary between the
    previous chunk (ending in ``seam``) and ``body``."""
    found = len(_UNCACHED_FORMULA.findall(body))
    if seam:
        joined = seam + body[:_SEAM]
        found += sum(1 for m in _UNCACHED_FORMULA.finditer(joined) if m.start() < len(seam) < m.end())
    return found


def _sheetdata_close(buf: bytes) -> re.Match[bytes] | None:
    """The closing sheetData tag. A literal search first: the regex alone would stop at every "</" of
    every cell, and this runs over all of a sheet's XML."""
    pos = buf.find(b"sheetData")
    while pos >= 0:
        start = buf.rfind(b"<", max(0, pos - 16), pos)
        if start >= 0:
            m = _SHEETDATA_CLOSE.match(buf, start)
            if m is not None:
                return m
        pos = buf.find(b"sheetData", pos + 1)
    return None


def _hidden_rows(body: bytes, sheet: SheetStructure, next_row: int, limit: int, out: PackageStructure) -> int:
    """Record rows whose tag hides them; return the row number a following untagged row gets.

    Row tags are found only where a hiding attribute occurs (bytes.find is fast over the cell XML); the
    row number of an untagged row is unknown then, which writers never produce together with hidden rows.
    """
    pos = 0
    last = next_row
    finder = _HidingFinder(body)
    while True:
        hit = finder.next(pos)
        if hit < 0:
            break
        start = body.rfind(b"<", 0, hit)
        tag_end = body.find(b">", hit)
        if start >= 0 and tag_end >= 0:
            m = _ROW_TAG.match(body, start, tag_end + 1)
            if m is not None and _HIDES_ROW.search(m.group(0)):
                r = _ROW_NUMBER.search(m.group(0))
                if r is not None:
                    last = int(r.group(1))
                    if len(sheet.hidden_rows) < limit:
                        sheet.hidden_rows.append(last)
                    elif len(sheet.hidden_rows) == limit:
                        out.problems.append(f"sheet {sheet.name}: more than {limit:,} hidden rows; "
                                            "the rest were not located")
                        sheet.hidden_rows.append(-1)
        pos = (tag_end if tag_end >= 0 else hit) + 1
    return last + 1


class _HidingFinder:
    """Positions of the two attributes that hide a row, each searched once per occurrence: a search that
    restarted both at every hit would rescan the rest of the chunk for the rarer one every time."""

    _PATTERNS = (b'hidden="', b' ht="0')

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.next_at = [body.find(p) for p in self._PATTERNS]

    def next(self, pos: int) -> int:
        for k, pattern in enumerate(self._PATTERNS):
            if 0 <= self.next_at[k] < pos:
                self.next_at[k] = self.body.find(pattern, pos)
        found = [p for p in self.next_at if p >= 0]
        return min(found) if found else -1


# The elements of a sheet's printed header and footer.
_HEADER_FOOTER = frozenset({"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"})


def _sheet_outside(xml: bytes, sheet: SheetStructure, rels: dict[str, tuple[str, str, bool]], pkg: _Package,
                   out: PackageStructure) -> None:
    """Columns, default row height, data validations and objects: the worksheet XML outside sheetData."""
    validations: list[tuple[str, str]] = []
    headers: list[str] = []
    for _, el in _safe_iterparse(iter([xml]), sheet.part or "", ("end",)):
        tag = _local(el.tag)
        if tag in _HEADER_FOOTER and el.text and el.text.strip():
            headers.append(el.text)  # the printed page's header and footer ("&L&"Arial"Patient 0101801234")
        elif tag == "col":
            hidden = el.get("hidden") in ("1", "true")
            width = el.get("width")
            if hidden or (width is not None and _is_zero(width)):
                try:
                    sheet.hidden_cols.append((int(el.get("min", "1")) - 1, int(el.get("max", "1")) - 1))
                except ValueError:
                    out.problems.append(f"sheet {sheet.name}: a column range could not be read")
        elif tag == "sheetFormatPr" and el.get("zeroHeight") in ("1", "true"):
            sheet.all_rows_hidden = True
        elif tag == "dimension":
            sheet.dimension = el.get("ref")
        elif tag == "dataValidation":
            kind = el.get("type", "")
            sqref = el.get("sqref", "")
            formula = ""
            for child in el.iter():
                if _local(child.tag) in ("formula1", "f") and child.text:
                    formula = child.text
                    break
            if not sqref:  # x14 validations keep the range in <xm:sqref>
                for child in el.iter():
                    if _local(child.tag) == "sqref" and child.text:
                        sqref = child.text
            if kind == "list" and formula.strip().startswith('"'):
                validations.append((sqref.split(" ")[0], formula.strip().strip('"')))
            el.clear()
    for ref, items in validations:
        values = tuple(v.strip() for v in items.split(",") if v.strip())
        out.hidden_texts.append(HiddenText("data-validation", sheet.name, ref, values,
                                           f"list of {len(values)} item(s)"))
    if headers:
        out.hidden_texts.append(HiddenText("page-header", sheet.name, "page header and footer", tuple(headers)))
    links = tuple(urllib.parse.unquote(target) for target, _, external in rels.values() if external)
    if links:
        out.hidden_texts.append(HiddenText("link-target", sheet.name, "hyperlink addresses", links))
    for target, kind, external in rels.values():
        if external:
            continue
        part = pkg.find(target)
        if part is None:
            continue
        if kind in ("oleObject", "package", "control", "activeXControlBinary"):
            out.embedded.append(_embedded(pkg, part, sheet.name))
        elif kind == "comments":
            _comments(pkg, part, sheet.name, out)
        elif kind == "threadedComment":
            _threaded_comments(pkg, part, sheet.name, out)
        elif kind == "drawing":
            _drawing(pkg, part, sheet.name, out)


def _is_zero(text: str) -> bool:
    try:
        return float(text) == 0.0
    except ValueError:
        return False


_EMBED_KINDS = {
    "oleObject": "OLE object",
    "package": "embedded package",
    "control": "ActiveX control",
    "activeXControlBinary": "ActiveX control",
    "image": "picture",
    "vbaProject": "macro project",
}


def _embedded(pkg: _Package, part: str, sheet: str | None, kind: str | None = None) -> EmbeddedPart:
    lower = part.lower()
    if kind is None:
        if "/embeddings/" in lower and lower.endswith(".bin"):
            kind = "OLE object"
        elif "/embeddings/" in lower:
            kind = "embedded package"
        elif "/activex/" in lower:
            kind = "ActiveX control"
        elif lower.endswith("vbaproject.bin"):
            kind = "macro project"
        else:
            kind = "picture"
    return EmbeddedPart(part, kind, pkg.names[part].file_size, sheet)


def _text_of(el: Element) -> str:
    return "".join(t for t in el.itertext())


def _comments(pkg: _Package, part: str, sheet: str, out: PackageStructure) -> None:
    for _, el in pkg.iterparse(part):
        if _local(el.tag) == "comment":
            out.hidden_texts.append(HiddenText("comment", sheet, el.get("ref", ""), (_text_of(el),)))
            el.clear()


def _threaded_comments(pkg: _Package, part: str, sheet: str, out: PackageStructure) -> None:
    for _, el in pkg.iterparse(part):
        if _local(el.tag) == "threadedComment":
            texts = tuple(_text_of(c) for c in el if _local(c.tag) == "text")
            out.hidden_texts.append(HiddenText("threaded-comment", sheet, el.get("ref", ""), texts))
            el.clear()


def _drawing(pkg: _Package, part: str, sheet: str | None, out: PackageStructure) -> None:
    """Charts, pictures and embedded objects placed on a sheet (through its drawing part)."""
    for target, kind, external in _relationships(pkg, part).values():
        found = pkg.find(target)
        if external or found is None:
            continue
        if kind == "chart":
            _chart(pkg, found, out)
        elif kind in _EMBED_KINDS:
            out.embedded.append(_embedded(pkg, found, sheet, _EMBED_KINDS[kind]))


_SERIES_DATA = frozenset({"cat", "val", "xVal", "yVal", "bubbleSize", "tx"})
_SHEET_OF_REF = lazy_compile(r"^\(?\s*(?:'((?:[^']|'')+)'|([^!'(]+))!")


class ScatterSeries:
    """The scatter and bubble series of a DrawingML chart part, read from its parse events (fed one by one,
    beside whatever else the caller reads in the same pass): each series' cached x values and its number
    of points (y values), one mark per point."""

    def __init__(self) -> None:
        self.series: list[tuple[tuple[float, ...], int]] = []
        self._depth = 0  # inside a scatterChart or bubbleChart
        self._axis = ""  # "x" inside a series' xVal, "y" inside its yVal
        self._xs: list[float] = []
        self._ys = 0

    def feed(self, event: str, tag: str, el: Element) -> None:
        if tag in ("scatterChart", "bubbleChart"):
            self._depth += 1 if event == "start" else -1
        elif tag in ("xVal", "yVal"):
            self._axis = tag[0] if event == "start" else ""
        elif event == "start":
            if tag == "ser":
                self._xs, self._ys = [], 0
        elif tag == "ser" and self._depth:
            self.series.append((tuple(self._xs), self._ys))
        elif tag == "v" and self._depth and self._axis and el.text is not None:
            if self._axis == "x":
                with contextlib.suppress(ValueError):
                    self._xs.append(float(el.text))
            else:
                self._ys += 1


class CategorySeries:
    """The category series of a DrawingML chart part (bar, column, line, area, pie, doughnut, radar), read
    from its parse events like :class:`ScatterSeries`: each series' name and its cached categories and
    values, by point index. What a bar chart of counts shows, readable without its workbook (a chart
    pasted into a report often carries no workbook, only this cache)."""

    _CHARTS = frozenset({"barChart", "bar3DChart", "lineChart", "line3DChart", "areaChart", "area3DChart",
                         "pieChart", "pie3DChart", "doughnutChart", "radarChart", "ofPieChart"})

    def __init__(self) -> None:
        self.series: list[tuple[str, dict[int, str], dict[int, str]]] = []
        self._depth = 0
        self._part = ""  # "tx", "cat" or "val" inside a series
        self._name = ""
        self._cats: dict[int, str] = {}
        self._vals: dict[int, str] = {}
        self._idx = -1

    def feed(self, event: str, tag: str, el: Element) -> None:
        if tag in self._CHARTS:
            self._depth += 1 if event == "start" else -1
            return
        if not self._depth:
            return
        if tag in ("tx", "cat", "val"):
            self._part = tag if event == "start" else ""
        elif tag == "ser":
            if event == "start":
                self._name, self._cats, self._vals = "", {}, {}
            else:
                self.series.append((self._name, self._cats, self._vals))
        elif tag == "pt" and event == "start":
            try:
                self._idx = int(el.get("idx", "-1"))
            except ValueError:
                self._idx = -1
        elif tag == "v" and event == "end" and el.text is not None and self._part:
            if self._part == "tx":
                self._name = el.text.strip()
            elif self._part == "cat" and self._idx >= 0:
                self._cats.setdefault(self._idx, el.text.strip())
            elif self._part == "val" and self._idx >= 0:
                self._vals.setdefault(self._idx, el.text.strip())

    def columns(self) -> dict[str, list[str]]:
        """The series as a table: the categories, then one column of values per series."""
        if not self.series:
            return {}
        points = sorted({i for _, cats, vals in self.series for i in (*cats, *vals)})
        if not points:
            return {}
        cats = next((c for _, c, _ in self.series if c), {})
        out = {"category": [cats.get(i, str(i + 1)) for i in points]}
        for k, (name, _, vals) in enumerate(self.series, start=1):
            out[name or f"series {k}"] = [vals.get(i, "") for i in points]
        return out


def _chart(pkg: _Package, part: str, out: PackageStructure) -> None:
    if any(c.part == part for c in out.charts):
        return
    points = literal = 0
    refs: set[str] = set()
    texts: list[str] = []
    in_literal = 0
    scatter = ScatterSeries()
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        if tag in ("numLit", "strLit"):
            in_literal += 1 if event == "start" else -1
        scatter.feed(event, tag, el)
        if event != "end":
            continue
        if tag == "f" and el.text:
            m = _SHEET_OF_REF.match(el.text.strip())
            if m:
                refs.add((m.group(1) or m.group(2) or "").replace("''", "'").strip())
        elif tag == "pt":
            points += 1
            literal += 1 if in_literal else 0
            v = next((c.text for c in el if _local(c.tag) == "v"), None)
            if v:
                texts.append(v)
            el.clear()
    out.charts.append(ChartCache(part, points, tuple(sorted(refs)), literal, tuple(texts), tuple(scatter.series)))


# -- pivot caches -----------------------------------------------------------------------------------


def _pivot_cache(pkg: _Package, index: int, part: str, out: PackageStructure) -> None:
    fields: list[str] = []
    shared: list[list[str | None]] = []
    source = "unknown source"
    save_data = True
    current: list[str | None] | None = None
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "pivotCacheDefinition":
                save_data = el.get("saveData", "1") not in ("0", "false")
            elif tag == "cacheSource":
                source = {"worksheet": "worksheet range", "external": "external data",
                          "consolidation": "consolidation ranges", "scenario": "scenarios"}.get(
                    el.get("type", ""), "unknown source")
            elif tag == "cacheField":
                fields.append(el.get("name", f"field {len(fields) + 1}"))
                current = []
            continue
        if tag == "sharedItems" and current is not None:
            shared.append(current)
            current = None
        elif current is not None and tag in ("s", "n", "d", "b", "e"):
            current.append(el.get("v"))
        elif current is not None and tag == "m":
            current.append(None)
        elif tag == "cacheField":
            if current is not None:  # a field without sharedItems
                shared.append(current)
                current = None
            el.clear()
    while len(shared) < len(fields):
        shared.append([])
    cache = PivotCache(index, part, fields, source, False,
                       shared_items=[v for items in shared for v in items if v])
    records_part = None
    for target, kind, external in _relationships(pkg, part).values():
        if kind == "pivotCacheRecords" and not external:
            records_part = pkg.find(target)
    if save_data and records_part is not None:
        cache.saved = True
        cache.records = []
        _pivot_records(pkg, records_part, shared, cache, out)
    out.pivot_caches.append(cache)


def _pivot_records(pkg: _Package, part: str, shared: list[list[str | None]], cache: PivotCache,
                   out: PackageStructure) -> None:
    assert cache.records is not None
    row: list[str | None] | None = None
    for event, el in pkg.iterparse(part, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "r":
                row = []
            continue
        if tag == "r" and row is not None:
            if len(cache.records) >= pkg.limits.max_pivot_records:
                cache.truncated = True
                out.problems.append(f"pivot cache {cache.index}: more than {pkg.limits.max_pivot_records:,} "
                                    "records; the rest were not inspected")
                return
            cache.records.append(row)
            row = None
            el.clear()
        elif row is not None:
            k = len(row)
            if tag == "x":
                try:
                    items = shared[k] if k < len(shared) else []
                    i = int(el.get("v", "-1"))
                    row.append(items[i] if 0 <= i < len(items) else None)
                except ValueError:
                    row.append(None)
            elif tag in ("s", "n", "d", "b", "e"):
                row.append(el.get("v"))
            elif tag == "m":
                row.append(None)


# -- external links ---------------------------------------------------------------------------------


def _external_link(pkg: _Package, part: str, out: PackageStructure) -> None:
    values: list[str] = []
    for _, el in pkg.iterparse(part):
        if _local(el.tag) == "v" and el.text:
            values.append(el.text)
        elif _local(el.tag) == "cell":
            el.clear()
    if values:
        out.hidden_texts.append(HiddenText("external-link", None, posixpath.basename(part), tuple(values),
                                           f"{len(values)} cached cell(s) from another workbook"))


# -- entry point ------------------------------------------------------------------------------------


def check_sizes(path: Path | BinaryIO, limits: PackageLimits | None = None) -> PackageStructure:
    """Only the declared sizes and ratios of the parts (the central directory): whether reading the
    package's values is safe. Cheap; :func:`inspect_package` repeats it and then reads the parts."""
    return inspect_package(path, limits, sizes_only=True)


def inspect_package(path: Path | BinaryIO, limits: PackageLimits | None = None, *,
                    sizes_only: bool = False) -> PackageStructure:
    """Read the structure of the workbook package at ``path``. Never raises for a bad package: damage,
    refusals and limits are reasons in ``problems``."""
    limits = limits or PackageLimits()
    out = PackageStructure()
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = _Package(zf, limits, out)
            _inspect(pkg, out, sizes_only=sizes_only)
    except PackageLimitError as exc:
        out.problems.append(exc.reason)
        out.limits.append(exc.reason)
        out.values_unsafe = True
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError) as exc:
        out.problems.append(f"workbook package could not be read ({type(exc).__name__})")
    except SyntaxError as exc:  # ParseError: damaged XML (the message quotes no content, but keep it out)
        out.problems.append(f"workbook XML could not be parsed ({type(exc).__name__})")
    return out


def property_texts(pkg: _Package) -> list[str]:
    """The texts of an Office package's document properties (title, subject, author, company, custom
    properties): what a reader sees in the file's properties, searched for identifiers."""
    texts: list[str] = []
    for name in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
        part = pkg.find(name)
        if part is None:
            continue
        for _, el in pkg.iterparse(part):
            if el.text and el.text.strip() and len(el) == 0:
                texts.append(el.text.strip())
    return texts


def _properties(pkg: _Package, out: PackageStructure) -> None:
    """The workbook's document properties as one hidden text (:func:`property_texts`)."""
    texts = property_texts(pkg)
    if texts:
        out.hidden_texts.append(HiddenText("document-properties", None, "", tuple(texts)))


def _guard(out: PackageStructure, what: str, func: object, *args: object) -> None:
    """Run one part's inspection; a damaged or refused part is a problem, and the others go on."""
    try:
        func(*args)  # type: ignore[operator]
    except PackageLimitError as exc:
        out.problems.append(exc.reason)
        out.limits.append(exc.reason)
    except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
        out.problems.append(f"{what} could not be inspected ({type(exc).__name__})")


def _inspect(pkg: _Package, out: PackageStructure, *, sizes_only: bool = False) -> None:
    # Sizes first: a bomb in a sheet would also reach the values reader, which has no such limits.
    for name in pkg.names:
        try:
            pkg.check_declared(name, pkg.limits.max_part_bytes)
        except PackageLimitError as exc:
            out.problems.append(exc.reason)
            out.limits.append(exc.reason)
            out.values_unsafe = True
    if sum(i.file_size for i in pkg.names.values()) > pkg.limits.max_total_bytes:
        reason = f"package declares more than {pkg.limits.max_total_bytes:,} bytes in total"
        out.problems.append(reason)
        out.limits.append(reason)
        out.values_unsafe = True
    if out.values_unsafe or sizes_only:
        return
    rels, pivot_ids = _workbook(pkg, out)
    # names and properties a reader sees outside the cells: an identifier typed there leaves with the file
    names = tuple(s.name for s in out.sheets if s.name)
    if names:
        out.hidden_texts.append(HiddenText("sheet-names", None, "", names))
    _guard(out, "document properties", _properties, pkg, out)
    for sheet in out.sheets:
        if sheet.part is None or sheet.chart:
            if sheet.part is not None:
                sheet_rels = _relationships(pkg, sheet.part)
                for target, kind, external in sheet_rels.values():
                    if kind == "drawing" and not external and pkg.find(target):
                        _guard(out, f"sheet {sheet.name}", _drawing, pkg, pkg.find(target), sheet.name, out)
            continue
        sheet_rels = _relationships(pkg, sheet.part)
        _guard(out, f"sheet {sheet.name}", _scan_worksheet, pkg, sheet, sheet_rels, out)
        if sheet.uncached_formulas:
            out.problems.append(
                f"sheet {sheet.name}: {sheet.uncached_formulas:,} formula cell(s) without a stored value (the file "
                "was written by a program that does not calculate formulas), so what they show cannot be "
                "inspected; open and save the file in a spreadsheet program and scan it again")
    for k, (_cache_id, rid) in enumerate(pivot_ids, start=1):
        target = rels.get(rid, ("", "", False))[0]
        part = pkg.find(target) if target else None
        if part is not None:
            _guard(out, f"pivot cache {k}", _pivot_cache, pkg, k, part, out)
    for target, kind, external in rels.values():
        part = pkg.find(target)
        if external or part is None:
            continue
        if kind == "externalLink":
            _guard(out, "an external link", _external_link, pkg, part, out)
        elif kind == "vbaProject":
            out.embedded.append(_embedded(pkg, part, None, "macro project"))
    # Files in the package's embedding folders that no relationship led to are still inside the file.
    listed = {e.part for e in out.embedded}
    for name in pkg.names:
        lower = name.lower()
        if name in listed or name.endswith("/"):
            continue
        if "/embeddings/" in lower or ("/activex/" in lower and lower.endswith(".bin")) \
                or lower.endswith("vbaproject.bin"):
            out.embedded.append(_embedded(pkg, name, None))
        elif "/media/" in lower:
            out.embedded.append(_embedded(pkg, name, None, "picture"))
    log.debug("package: %d sheets, %d hidden texts, %d pivot caches, %d charts, %d embedded",
              len(out.sheets), len(out.hidden_texts), len(out.pivot_caches), len(out.charts), len(out.embedded))
