"""PC-Axis files (``.px``) as a TablePart: the format Statistics Sweden, Norway, Finland and Denmark's PX-Web
publish and export cubes in, and that researchers' tables are sometimes written in.

A PX file is a list of ``KEYWORD[lang]("arg")=value;`` statements: ``STUB`` and ``HEADING`` name the row and
column variables, ``VALUES("var")`` their values, and ``DATA`` the cells, row by row (the stub variables'
combinations, the first slowest) and within a row the heading variables' combinations. Each cell becomes a
row of a long table (one column per variable, then the value), so the table rules judge every cell as in a
CSV file; ``TITLE`` and ``UNITS`` are the table's title (a money unit makes the cells amounts). Symbols in
place of numbers (``".."``, ``"-"``, ``"..."``) stay as written: suppressed cells. A file whose cells do
not fill its variables' combinations is a LoadError (FIL001 review), never a partial pass.

Written by hand: no maintained Python library reads PX files into Arrow (pyaxis depends on pandas and
requests, and reads files from URLs).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.formats.json_records import JsonRecordsSource, no_columns, read_limited
from scanner.sources import Source

__all__ = ["MAX_BYTES", "MAX_CELLS", "PxSource", "parse_px", "read_px"]

#: PX files larger than this are not parsed (FIL001 review): a published cube is far smaller.
MAX_BYTES = 64 << 20
#: Cells of one file read as rows of a long table.
MAX_CELLS = 2_000_000

# One statement: KEYWORD, an optional [language] and ("argument"), "=", the value up to the ";" that is not
# inside quotes.
_STATEMENT = re.compile(r'\s*([A-Z][A-Z0-9-]*)(?:\[([\w-]+)\])?(?:\("((?:[^"]|"")*)"\))?\s*=\s*((?:"[^"]*"|[^";])*);',
                        re.S)
_QUOTED = re.compile(r'"([^"]*)"')


def _strings(value: str) -> list[str]:
    """The quoted strings of a value; a string may be written in pieces across lines ("abc" "def")."""
    parts = re.split(r'"\s*,\s*"', value.strip())
    if len(parts) > 1:
        return [p.strip().strip('"') for p in parts]
    return ["".join(_QUOTED.findall(value))] if '"' in value else [value.strip()]


def parse_px(text: str) -> tuple[list[dict[str, Any]], str]:
    """The cells of a PX file as rows (one dict a cell: each variable's value, then the value under the
    file's unit), and its title; LoadError when the file is no complete PX cube."""
    from scanner.loaders.base import LoadError

    meta: dict[str, list[str]] = {}
    values: dict[str, list[str]] = {}
    value_units: dict[str, str] = {}  # UNITS("Personer (antal)")="antal": a content variable's values' units
    data = ""
    for m in _STATEMENT.finditer(text):
        key, lang, arg, value = m.group(1), m.group(2), m.group(3), m.group(4)
        if lang:
            continue  # another language's labels of the same cube
        if key == "DATA":
            data = value
        elif key == "VALUES" and arg is not None:
            values[arg] = _strings(value)
        elif key == "UNITS" and arg is not None:
            value_units[arg] = (_strings(value) or [""])[0]
        elif arg is None and key not in meta:
            meta[key] = _strings(value)
    stub, heading = meta.get("STUB", []), meta.get("HEADING", [])
    variables = [v for v in (*stub, *heading) if v]
    if not variables or not data or any(v not in values for v in variables):
        raise LoadError("PC-Axis file without STUB/HEADING variables, their VALUES or DATA")
    cells = re.findall(r'"[^"]*"|[^\s",;]+', data)
    expected = 1
    for v in variables:
        expected *= len(values[v])
    if expected > MAX_CELLS:
        raise LoadError(f"PC-Axis cube of {expected:,} cells, more than {MAX_CELLS:,}: not read")
    if len(cells) != expected:
        raise LoadError(f"PC-Axis DATA holds {len(cells):,} cells where its variables make {expected:,}")
    units = (meta.get("UNITS") or [""])[0].strip()
    value_name = units or (meta.get("CONTENTS") or ["value"])[0].strip() or "value"
    if value_name in variables:
        value_name = f"{value_name} (value)"
    rows = [{**dict(zip(variables, combo, strict=True)), value_name: cell.strip('"')}
            for combo, cell in zip(itertools.product(*(values[v] for v in variables)), cells, strict=True)]
    content = _content_variable(meta, values, value_units, variables)
    if content is not None:
        # the content variable's values are measures of their own (persons, a share of them in percent): one
        # column each, named by the value, as a wide table of the other variables
        rows = _by_content(rows, content, value_name, [v for v in variables if v != content])
        units = ""
    title = " ".join(x for x in ((meta.get("TITLE") or [""])[0], f"({units})" if units else "") if x)
    return rows, title


def _content_variable(meta: dict[str, list[str]], values: dict[str, list[str]], value_units: dict[str, str],
                      variables: list[str]) -> str | None:
    """The variable whose values are the cube's measures: ``CONTVARIABLE``, or the one variable whose values
    each have a unit of their own (``UNITS("Personer (antal)")="antal"``, ``UNITS("... (pct.)")="pct."``)."""
    named = (meta.get("CONTVARIABLE") or [""])[0].strip()
    if named in variables and len(values[named]) > 1:
        return named
    found = [v for v in variables if len(values[v]) > 1 and all(x in value_units for x in values[v])
             and len({value_units[x] for x in values[v]}) > 1]
    if len(found) == 1:
        return found[0]
    # a variable whose few values name measures, a count beside an amount or a share ("enhed": "Antal
    # virksomheder", "Eksport (1000 kr.)"), the file's UNITS naming both ("antal og 1000 kr.")
    found = [v for v in variables if 2 <= len(values[v]) <= 8 and any(_COUNT_VALUE.match(x) for x in values[v])
             and any(_UNIT_VALUE.search(x) for x in values[v] if not _COUNT_VALUE.match(x))]
    return found[0] if len(found) == 1 else None


# A measure's value that names a count ("Antal virksomheder", "Number of enterprises", "Lukumäärä") and one that
# names a unit of its own ("Eksport (1000 kr.)", "Andel (pct.)", "mio. kr.").
_COUNT_VALUE = re.compile(r"(?i)^\s*(?:antal|antall|antalet|number of|no\. of|count|lukumäärä|lkm)\b")
_UNIT_VALUE = re.compile(r"(?i)\((?:[^()]*\b(?:kr|dkk|sek|nok|eur|euro|pct|procent|prosent|%|mio|mill|tkr|"
                         r"1\.?000)\b[^()]*|[^()]*%)\)|\b(?:mio\.?|mill\.?|1000)\s*kr\b|\b(?:pct|procent|prosent)\b")


def _by_content(rows: list[dict[str, Any]], content: str, value_name: str, others: list[str]) -> list[dict[str, Any]]:
    """The long rows with the content variable's values spread into columns, one row per combination of the
    other variables (in the cube's order)."""
    wide: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[v] for v in others)
        out = wide.setdefault(key, {v: row[v] for v in others})
        out[row[content]] = row[value_name]
    return list(wide.values())


def _decode(data: bytes) -> str:
    """A PX file's text: UTF-8 when it decodes so, else the Windows code page most PX files are written in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class PxSource(JsonRecordsSource):
    """A PC-Axis file as a :class:`~scanner.loaders.base.TabularSource`: a long table of its cells."""

    def __init__(self, path: Path) -> None:  # (the parent's __init__ reads JSON)
        from scanner.loaders.base import TabularMeta

        self.path = Path(path)
        rows, title = parse_px(_decode(read_limited(self.path, MAX_BYTES, "PC-Axis")))
        self._build(rows, "px", "PC-Axis cells")
        self._meta = TabularMeta(format="px", notes=(f"{len(rows)} PC-Axis cells",), title=title)


@reader("pc-axis", FileKind.PX)
def read_px(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)
    return TablePart(kind, lambda: PxSource(path), no_columns("PC-Axis"))
