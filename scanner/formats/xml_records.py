"""XML data exports as a TablePart: a root element whose children are records and whose grandchildren (or
the records' attributes) are the fields. SAS's XML engine (``libname out xml``) writes
``<TABLE><CLASS><Name>..</Name><Age>..</Age></CLASS>...</TABLE>``; R's and Python's XML writers, SPSS and
many register extracts write the same shape (``<rows><row id="1" n="2"/></rows>``, ``<dataset><record>``).

The records are the most common element name among the root's children (a ``<metadata>`` beside them is not a
row); each record's leaf children and attributes are its columns, read as text like a CSV file's cells. Any
other XML (a document, a configuration, a record with nested structure) has no row layout to trust: a
LoadError, so the file stays FIL001 review. A file with a DTD is not parsed (entity expansion), nor one
above :data:`MAX_BYTES`. Written by hand on the standard library's parser: no library reads XML records
into Arrow, and pandas' ``read_xml`` (lxml) is no dependency here.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.formats.json_records import JsonRecordsSource, no_columns, read_limited
from scanner.sources import Source

__all__ = ["MAX_BYTES", "XmlRecordsSource", "read_xml_records"]

#: XML files larger than this are not parsed (FIL001 review): a results export is far smaller.
MAX_BYTES = 256 << 20
#: Share of the root's children that must be records of one name.
_RECORD_SHARE = 0.8


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def records(data: bytes) -> list[dict[str, Any]]:
    """The rows of an XML records file, or LoadError saying why it has none."""
    from scanner.loaders.base import LoadError

    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise LoadError("XML with a document type declaration: not parsed (entities could expand)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise LoadError(f"not well-formed XML (line {exc.position[0]})") from None
    children = list(root)
    names = collections.Counter(_local(c.tag) for c in children)
    if not names:
        raise LoadError("XML without records (the root element has no children)")
    name, count = names.most_common(1)[0]
    if count < 2 or count < _RECORD_SHARE * len(children):
        raise LoadError("XML that is not a list of records (elements of one name under the root)")
    rows: list[dict[str, Any]] = []
    for rec in children:
        if _local(rec.tag) != name:
            continue
        row: dict[str, Any] = {_local(k): v for k, v in rec.attrib.items()}
        for field in rec:
            if len(field):
                raise LoadError("XML records with nested elements: their values cannot be read as a table")
            row[_local(field.tag)] = (field.text or "").strip() or None
        if not row and (rec.text or "").strip():
            row[name] = rec.text.strip()  # <id>104233</id> under <ids>: a list of values
        rows.append(row)
    if not any(rows):
        raise LoadError("XML records without fields")
    return rows


class XmlRecordsSource(JsonRecordsSource):
    """An XML records file as a :class:`~scanner.loaders.base.TabularSource` (the JSON records table)."""

    def __init__(self, path: Path) -> None:  # (the parent's __init__ reads JSON)
        self.path = Path(path)
        self._build(records(read_limited(self.path, MAX_BYTES, "XML")), "xml", "XML records")


@reader("xml records", FileKind.XML)
def read_xml_records(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)
    return TablePart(kind, lambda: XmlRecordsSource(path), no_columns("XML"))
