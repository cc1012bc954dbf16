"""The structure of an OpenDocument spreadsheet (``.ods``), read from the package itself.

The cell values come from :mod:`scanner.loaders.workbook` (fastexcel reads ``.ods`` too); this module reads
what a values reader does not show and a person opening the file may not see, into the same
:class:`~scanner.loaders.ooxml.PackageStructure` the OOXML reader fills, so the workbook scan judges both
alike:

* sheets hidden by their table style (``table:display="false"``);
* rows and columns hidden (``table:visibility="collapse"``) or filtered out (``"filter"``), repeats counted
  (``table:number-rows-repeated``, ``table:number-columns-repeated``);
* comments (``office:annotation`` in a cell), with the cell's A1 reference;
* named expressions that hold a constant, and lists of data validations;
* charts (``Object N/content.xml``): the data they keep in their own local table and the sheets their
  series refer to;
* embedded objects (OLE objects, other documents), macros (``Basic/``, ``Scripts/``) and pictures.

An ODF package is a zip of XML parts like an OOXML one: it is read with the OOXML reader's bounded, counted
streams, and every part is parsed only after its prolog was checked (a DTD is refused, never expanded).
Every limit hit, refused part or damaged part is a value-free reason in ``problems`` (fail closed).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element

# The OOXML package reader (bounded, counted streaming; DTDs refused): one reader for every OOXML and ODF zip.
from scanner.loaders.ooxml import (
    ChartCache,
    EmbeddedPart,
    HiddenText,
    PackageLimitError,
    PackageLimits,
    PackageStructure,
    SheetStructure,
    _local,
    _Package,
    _safe_iterparse,
)
from scanner.loaders.workbook import column_letter

__all__ = ["inspect_ods"]

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_CHART = "urn:oasis:names:tc:opendocument:xmlns:chart:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _attr(el: Element, ns: str, name: str, default: str = "") -> str:
    return el.get(f"{{{ns}}}{name}", default)


def _repeat(el: Element, name: str) -> int:
    try:
        return max(1, int(_attr(el, _TABLE, name, "1")))
    except ValueError:
        return 1


def _text(el: Element) -> str:
    """The text of an element and its descendants, paragraphs on lines of their own."""
    lines = []
    for p in el.iter():
        if _local(p.tag) in ("p", "h"):
            lines.append("".join(p.itertext()))
    return "\n".join(lines) if lines else "".join(el.itertext())


# A named expression or validation that refers to cells ("$Ark1.$A$1:$B$9", "[.A1]"), not a constant.
_CELL_REFERENCE = re.compile(r"\$?[\w .'-]*\.\$?[A-Z]{1,3}\$?\d+|\[[^\]]*\.[A-Z]{1,3}\d+[^\]]*\]")
# A validation's list of allowed values: of:cell-content-is-in-list("a";"b") or (1;2;3).
_IN_LIST = re.compile(r"cell-content-is-in-list\((.*)\)\s*$", re.DOTALL)


class _Content:
    """The state of one pass over ``content.xml``."""

    def __init__(self, pkg: _Package, out: PackageStructure) -> None:
        self.pkg = pkg
        self.out = out
        self.hidden_styles: set[str] = set()
        self.sheet: SheetStructure | None = None
        self.row = 0  # sheet rows seen in the current sheet (1-based number of the last one)
        self.col = 0  # the next cell's 0-based column in the current row
        self.column = 0  # columns declared in the current sheet
        self.filled = False  # the current row holds a value or text
        self.objects: list[tuple[str, str | None]] = []  # (part folder, sheet) of the objects drawn

    def start(self, tag: str, el: Element) -> None:
        if tag == "table" and _attr(el, _TABLE, "name"):
            name = _attr(el, _TABLE, "name")
            hidden = _attr(el, _TABLE, "style-name") in self.hidden_styles
            self.sheet = SheetStructure(name, len(self.out.sheets), "hidden" if hidden else "visible",
                                        part="content.xml")
            self.out.sheets.append(self.sheet)
            self.row = self.col = self.column = 0
        elif tag == "table-row" and self.sheet is not None:
            self.col = 0
            self.filled = False

    def end(self, tag: str, el: Element) -> None:
        if tag == "style" and _attr(el, _STYLE, "family") == "table":
            for child in el:
                if _local(child.tag) == "table-properties" and _attr(child, _TABLE, "display") == "false":
                    self.hidden_styles.add(_attr(el, _STYLE, "name"))
            el.clear()
        elif self.sheet is None:
            self._outside(tag, el)
        elif tag == "table-column":
            n = _repeat(el, "number-columns-repeated")
            if _attr(el, _TABLE, "visibility", "visible") != "visible":
                self.sheet.hidden_cols.append((self.column, self.column + n - 1))
            self.column += n
            el.clear()
        elif tag in ("table-cell", "covered-table-cell"):
            n = _repeat(el, "number-columns-repeated")
            self.filled |= bool(el.get(f"{{{_OFFICE}}}value-type")) or any(
                _local(c.tag) == "p" and "".join(c.itertext()).strip() for c in el)
            for child in el:
                if _local(child.tag) == "annotation":
                    where = f"{column_letter(self.col)}{self.row + 1}"
                    self.out.hidden_texts.append(HiddenText("comment", self.sheet.name, where, (_text(child),)))
            self.col += n
            el.clear()
        elif tag == "table-row":
            n = _repeat(el, "number-rows-repeated")
            # (LibreOffice writes the empty rows to the end of a sheet as one repeated row: hiding them
            # hides nothing)
            if _attr(el, _TABLE, "visibility", "visible") != "visible" and self.filled:
                limit = self.pkg.limits.max_hidden_rows - len(self.sheet.hidden_rows)
                if limit < n:
                    raise PackageLimitError(f"sheet hides more than {self.pkg.limits.max_hidden_rows:,} rows")
                self.sheet.hidden_rows.extend(range(self.row + 1, self.row + n + 1))
            self.row += n
            el.clear()
        elif tag == "table" and _attr(el, _TABLE, "name") == self.sheet.name:
            self.sheet = None
            el.clear()
        elif tag == "frame":
            self._frame(el)
            el.clear()

    def _frame(self, el: Element) -> None:
        """A drawing frame on a sheet: a chart, an embedded object or a picture."""
        sheet = self.sheet.name if self.sheet is not None else None
        for child in el:
            kind = _local(child.tag)
            href = _attr(child, _XLINK, "href").removeprefix("./")
            if kind in ("object", "object-ole") and href:
                self.objects.append((href.rstrip("/"), sheet))

    def _outside(self, tag: str, el: Element) -> None:
        """Parts of the spreadsheet outside its sheets: named expressions and data validations."""
        if tag == "named-expression":
            expression = _attr(el, _TABLE, "expression")
            if expression and not _CELL_REFERENCE.search(expression):
                self.out.hidden_texts.append(HiddenText("defined-name", None, _attr(el, _TABLE, "name"),
                                                        (expression,)))
            el.clear()
        elif tag == "content-validation":
            listed = _IN_LIST.search(_attr(el, _TABLE, "condition"))
            if listed and not _CELL_REFERENCE.search(listed.group(1)):
                self.out.hidden_texts.append(HiddenText("data-validation", None, _attr(el, _TABLE, "name"),
                                                        (listed.group(1),)))
            el.clear()
        elif tag == "frame":
            self._frame(el)
            el.clear()


def _chart(pkg: _Package, part: str, out: PackageStructure) -> bool:
    """The data a chart object keeps in its own local table, and the sheets its series refer to; False when
    the object is no chart."""
    points = 0
    texts: list[str] = []
    refs: set[str] = set()
    chart = False
    for _, el in pkg.iterparse(part):
        tag = _local(el.tag)
        if tag == "chart":
            chart = True
        if tag in ("plot-area", "series", "categories", "domain"):
            for address in (_attr(el, _TABLE, "cell-range-address"), _attr(el, _CHART, "values-cell-range-address")):
                for ref in address.split():
                    sheet = ref.split(".", 1)[0].strip("$'") if "." in ref else ""
                    if sheet and sheet != "local-table":
                        refs.add(sheet)
        elif tag == "table-cell":
            text = _text(el).strip()
            if text:
                texts.append(text)
                if el.get(f"{{{_OFFICE}}}value") is not None:
                    points += 1
            el.clear()
    if chart:
        out.charts.append(ChartCache(part, points, tuple(sorted(refs)), 0, tuple(texts)))
    return chart


def _parts(pkg: _Package, out: PackageStructure, objects: list[tuple[str, str | None]]) -> None:
    """Charts, embedded objects, macros and pictures stored in the package."""
    drawn = dict(objects)
    seen: set[str] = set()
    for name in sorted(pkg.names):
        if name.endswith("/"):
            continue
        lower = name.lower()
        folder = posixpath.dirname(name)
        size = pkg.names[name].file_size
        if lower.startswith(("basic/", "scripts/")):
            out.embedded.append(EmbeddedPart(name, "macro project", size))
        elif lower.startswith("pictures/") or lower.startswith("media/"):
            out.embedded.append(EmbeddedPart(name, "picture", size))
        elif lower.startswith("objectreplacements/"):
            continue  # the picture of an embedded object, drawn in its place
        elif lower.startswith("object ") and posixpath.basename(lower) == "content.xml":
            if folder not in seen:
                seen.add(folder)
                try:
                    chart = _chart(pkg, name, out)
                except (SyntaxError, PackageLimitError) as exc:
                    out.problems.append(f"embedded object {folder} could not be inspected ({type(exc).__name__})")
                    continue
                if not chart:
                    out.embedded.append(EmbeddedPart(name, "embedded package", size, drawn.get(folder)))
        elif lower.startswith("object ") and posixpath.basename(lower) not in ("styles.xml", "meta.xml",
                                                                                 "settings.xml"):
            out.embedded.append(EmbeddedPart(name, "OLE object", size, drawn.get(folder)))


def inspect_ods(path: Path | BinaryIO, limits: PackageLimits | None = None) -> PackageStructure:
    """Read the structure of the OpenDocument spreadsheet at ``path``. Never raises for a bad package:
    damage, refusals and limits are reasons in ``problems``."""
    limits = limits or PackageLimits()
    out = PackageStructure()
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = _Package(zf, limits, out)
            for name in pkg.names:
                pkg.check_declared(name, limits.max_part_bytes)
            manifest = pkg.find("META-INF/manifest.xml")
            if manifest is not None and any(_local(el.tag) == "encryption-data"
                                             for _, el in pkg.iterparse(manifest)):
                out.problems.append("encrypted (password-protected) spreadsheet: its content cannot be inspected")
                return out
            content = pkg.find("content.xml")
            if content is None:
                raise PackageLimitError("no content part in the package")
            state = _Content(pkg, out)
            for event, el in _safe_iterparse(pkg.stream(content, limits.max_part_bytes), content,
                                             ("start", "end")):
                tag = _local(el.tag)
                if event == "start":
                    state.start(tag, el)
                else:
                    state.end(tag, el)
            _parts(pkg, out, state.objects)
    except PackageLimitError as exc:
        out.problems.append(exc.reason)
        out.limits.append(exc.reason)
        out.values_unsafe = True
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError) as exc:
        out.problems.append(f"spreadsheet package could not be read ({type(exc).__name__})")
    except SyntaxError as exc:  # ParseError: damaged XML (the message quotes no content, but keep it out)
        out.problems.append(f"spreadsheet XML could not be parsed ({type(exc).__name__})")
    return out
