"""JSON records as a TablePart: an array of objects (``df.to_json(orient="records")``, ``jsonlite::toJSON(df)``),
newline-delimited JSON (one object per line), or one object holding such an array under a single key
(``{"data": [...]}``). Each object is a row, its keys the columns. pandas' other ``to_json`` layouts (split,
table, columns, index, values) and a dictionary of dictionaries of values (``{"Læsø": {"Mænd": 2}}``) are read
as the same rows.

A GeoJSON FeatureCollection is read as its features' properties (a point's coordinates as two columns), and a
d3 Sankey's ``{"nodes", "links"}`` as its links. Any other JSON (a nested dictionary of results, a Vega
specification) has no row layout this reader can trust: it is a LoadError, so the file stays FIL001 review.
Values that are objects or arrays become nested columns, named as not inspected (review), as for Parquet. The
file is parsed whole (the standard library's parser; records files are results, not registers): files above
:data:`MAX_BYTES` are not parsed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.lazy_regex import lazy_compile
from scanner.sources import Source, open_file

if TYPE_CHECKING:  # pyarrow is imported when a table is opened
    import pyarrow as pa

__all__ = ["MAX_BYTES", "JsonRecordsSource", "read_json_records", "read_limited"]

#: JSON files larger than this are not parsed (FIL001 review): a results file is far smaller.
MAX_BYTES = 256 << 20


_UNPARSED = object()


def _parsed(text: str) -> Any:
    """The text's JSON value, or ``_UNPARSED`` when it is no one JSON document (newline-delimited JSON is read by
    :func:`_records`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return _UNPARSED


def _json_stat(text: str, data: Any) -> tuple[list[dict[str, Any]], list[Any], str] | None:
    """A JSON-stat dataset's rows, flagged cells and label (:func:`scanner.loaders.sdmx.json_stat`), or None
    when the text is no JSON-stat dataset (tested on the text first: most JSON files are records)."""
    if data is _UNPARSED or '"dimension"' not in text or '"value"' not in text:
        return None
    from scanner.loaders.sdmx import json_stat

    return json_stat(data)


def _records(text: str, data: Any = _UNPARSED) -> list[dict[str, Any]]:
    """The rows of a JSON records file (``data``: its JSON value when parsed already), or LoadError saying why
    it has none."""
    from scanner.loaders.base import LoadError

    try:
        if data is _UNPARSED:
            data = json.loads(text)
    except json.JSONDecodeError:
        # newline-delimited JSON: one object per line
        rows = []
        for k, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise LoadError(f"not valid JSON (line {k} does not parse)") from None
        data = rows
    if isinstance(data, dict):
        data = _frame_layouts(data)
    if isinstance(data, list) and data and all(isinstance(r, list) for r in data) \
            and len({len(r) for r in data}) == 1 and not any(isinstance(v, (dict, list)) for r in data for v in r):
        data = [{f"column_{k + 1}": v for k, v in enumerate(r)} for r in data]  # orient="values"
    if isinstance(data, list) and len(data) >= _BARE_LIST_MIN and all(isinstance(v, _SCALAR) for v in data):
        data = [{"column_1": v} for v in data]  # a bare array of values (a list of keys, of counts)
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise LoadError("JSON that is not a list of records (objects with the same keys): its values cannot be "
                        "read as a table")
    return data


_SCALAR = (str, int, float, bool, type(None))


def _pairs_of_numbers(values: list[Any]) -> bool:
    """Every present value is a list of two numbers, the first not above the second (an interval)."""
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
        and v[0] <= v[1] for v in present)
# The name of a list of a box plot's outliers (matplotlib "fliers", R "out", "outliers", "extreme_values").
_OUTLIER_NAMES = lazy_compile(r"(?i)fliers|outliers?|out|extremes?|extreme[_ ]values|outlier[_ ]values")
#: A bare array of values is read as a column from this many values; a shorter one without a name could be
#: a few keys or a few settings, and stays FIL001 review.
_BARE_LIST_MIN = 20


def _grouped_keys(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Lists of values under several names, one at least a key's ({"dubblett_lopnr": [1048213, ...],
    "utvandrad_fore_index": [5830416, ...]}: the persons excluded, by reason), as one column of the values
    named by that key, beside the name each came under; None otherwise (lists of other values stay unread)."""
    from scanner.names import identifier_kind

    if len(data) < 2 or not all(isinstance(v, list) and v and all(isinstance(x, _SCALAR) for x in v)
                                for v in data.values()):
        return None
    keys = [k for k in data if identifier_kind(k) in ("register key", "direct identifier")]
    if not keys:
        return None
    return [{"group": name, keys[0]: x} for name, values in data.items() for x in values]


def _frame_layouts(data: dict[str, Any]) -> Any:
    """A data frame written by pandas ``to_json`` in its other layouts, as records: ``{"data": [...]}`` (one
    key; with ``"schema"``: orient="table"), orient="split" (``columns``, ``index``, ``data``), and a
    dictionary of dictionaries of values (orient="columns", pandas' default, when the inner keys are the
    row numbers "0", "1", ...; else orient="index", ``{"Læsø": {"Mænd": 2}}``, a row per outer key). Anything
    else is returned as it is (not a table)."""
    if data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        return _features(data["features"])
    if "vega" in str(data.get("$schema", "")):
        return _vega_values(data)
    if isinstance(data.get("links"), list) and isinstance(data.get("nodes"), list) \
            and data["links"] and all(isinstance(x, dict) for x in data["links"]):
        return _links(data["nodes"], data["links"])
    lists = [v for v in data.values() if isinstance(v, list)]
    if len(lists) == len(data) and len({len(v) for v in lists}) == 1 and len(lists[0]) >= 2 \
            and all(isinstance(x, _SCALAR) for v in lists for x in v):
        # a frame by columns (jsonlite's dataframe="columns", {"alder": [..], "koen": [..]}); one list of
        # values under one name ({"ids": [104233, ...]}) is a one-column table
        return [dict(zip(data, row, strict=True)) for row in zip(*lists, strict=True)]
    if len(data) == 1 and isinstance(next(iter(data.values())), list):
        return next(iter(data.values()))  # {"data": [...]}
    keyed = _grouped_keys(data)
    if keyed is not None:
        return keyed
    nested = [(k, v) for k, v in data.items() if not isinstance(v, _SCALAR)]
    if len(nested) == 1 and len(data) > 1:
        # the table under one key beside scalar metadata: {"title": ..., "unit": ..., "data": {...}}; a list
        # of values there keeps its name ({"project": "706123", "exclude_lopnr": [104233, ...]})
        name, inner = nested[0]
        if isinstance(inner, list) and inner and all(isinstance(x, _SCALAR) for x in inner):
            if _OUTLIER_NAMES.fullmatch(name.strip()):
                from scanner.loaders.base import LoadError

                # a box plot's statistics with the values beyond its whiskers (matplotlib's boxplot_stats
                # "fliers", R's boxplot.stats "out"): single units' own values, which no table rule reads
                raise LoadError(f"{len(inner):,} outlier value(s) listed under {name!r} beside summary "
                                "statistics: each is one unit's own value; a person must judge them")
            return [{name: x} for x in inner]
        return _frame_layouts(inner) if isinstance(inner, dict) else inner
    if set(data) == {"schema", "data"} and isinstance(data["data"], list):
        return data["data"]
    if {"columns", "data"} <= set(data) <= {"columns", "index", "data"} and isinstance(data["columns"], list) \
            and isinstance(data["data"], list) and all(isinstance(r, list) for r in data["data"]):
        names = [str(c) for c in data["columns"]]
        index = data.get("index")
        rows = [dict(zip(names, r, strict=False)) for r in data["data"]]
        if isinstance(index, list) and len(index) == len(rows) and index != list(range(len(rows))):
            rows = [{"index": i, **r} for i, r in zip(index, rows, strict=True)]
        return rows
    inner = list(data.values())
    if inner and all(isinstance(v, dict) and v and all(isinstance(x, _SCALAR) for x in v.values()) for v in inner):
        keys = list(dict.fromkeys(k for v in inner for k in v))
        if all(k.isdigit() for k in keys):  # orient="columns": outer keys are the columns
            return [{"index": k, **{c: data[c].get(k) for c in data}} for k in keys] \
                if keys != [str(i) for i in range(len(keys))] else [{c: data[c].get(k) for c in data} for k in keys]
        if len({frozenset(v) for v in inner}) > 1:
            return data  # sections of settings with their own keys ({"plot": {"dpi": 300}, "bootstrap": {"n": 2}})
        return [{"index": label, **values} for label, values in data.items()]  # orient="index"
    return data


_FENCED_SPEC = lazy_compile(r"^[ \t]*(?:```|~~~)[ \t]*\{?[ \t]*(?:vega-lite|vegalite|vega|json)\b[^\n]*\n"
                            r"(.*?)\n[ \t]*(?:```|~~~)", re.M | re.S)


def fenced_chart_tables(text: str, first_line: int = 1) -> list[tuple[int, list[str], list[list[str]]]]:
    """The inline data of the Vega and Vega-Lite specifications written into a markdown or Quarto text as
    fenced code blocks (```vega-lite ... ```): ``(line, column names, rows)`` of each one's records."""
    out: list[tuple[int, list[str], list[list[str]]]] = []
    for m in _FENCED_SPEC.finditer(text):
        try:
            spec = json.loads(m.group(1))
        except (json.JSONDecodeError, ValueError):
            continue
        if not isinstance(spec, dict) or "vega" not in str(spec.get("$schema", "")):
            continue
        records = _vega_values(spec)
        if not records:
            continue
        names = list(dict.fromkeys(k for r in records for k in r))
        rows = [[_text(r.get(k)) for k in names] for r in records]
        out.append((first_line + text.count("\n", 0, m.start(1)), [str(n) for n in names], rows))
    return out


def _vega_values(spec: dict[str, Any]) -> Any:
    """A Vega or Vega-Lite specification's inline data (``"data": {"values": [...]}``, Vega's ``"data": [{"name":
    ..., "values": [...]}]``, a layer's or a concatenation's own): the largest set of records, the chart's
    rows. None when it has none inline (a URL: the data are elsewhere)."""
    sets: list[list[Any]] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 8:
            return
        if isinstance(node, dict):
            values = node.get("values")
            if isinstance(values, list) and values and all(isinstance(r, dict) for r in values):
                sets.append(values)
            for v in node.values():
                if isinstance(v, dict | list):
                    walk(v, depth + 1)
        elif isinstance(node, list):
            for v in node:
                walk(v, depth + 1)

    walk({k: v for k, v in spec.items() if k in ("data", "datasets", "layer", "hconcat", "vconcat", "concat",
                                                 "spec")})
    return max(sets, key=len) if sets else None


def _features(features: list[Any]) -> Any:
    """A GeoJSON FeatureCollection (GDAL, QGIS, R sf, geopandas) as rows: each feature's properties, and a
    point's coordinates as ``geometry_x``/``geometry_y`` (a point may be one person's or firm's place; an
    area's outline is no value of the table). Features without properties of their own are no table."""
    rows: list[dict[str, Any]] = []
    for f in features:
        if not isinstance(f, dict) or not isinstance(f.get("properties") or {}, dict):
            return features
        row = dict(f.get("properties") or {})
        geometry = f.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            xy = geometry.get("coordinates")
            if isinstance(xy, list) and len(xy) >= 2 and all(isinstance(v, (int, float)) for v in xy[:2]):
                row["geometry_x"], row["geometry_y"] = xy[0], xy[1]
        rows.append(row)
    return _with_total_row(rows) if any(rows) else features


# A property of the whole area repeated on every feature: "omraade_i_alt", "total", "region_total".
_TOTAL_PROPERTY = re.compile(r"(?i)(?:^|_)(?:i_?alt|total|totalt|yhteensä|yhteensa|samlet|sum)(?:$|_)")
_CODE_PROPERTY = re.compile(r"(?i)(?:^|_)(?:id|nr|no|kode|kod|code|nummer|numero|fid|objectid)(?:$|_)|nummer$|kode$")


def _with_total_row(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The features' rows with the whole's total, repeated on every feature as a property ("omraade_i_alt":
    353 on each municipality), made a total row of the one count property beside it: the table's total, from
    which a suppressed feature's count is recomputed (353 less the others' 351 is Dragør's 2)."""
    if len(rows) < 3:
        return rows
    keys = [k for k in rows[0] if all(k in r for r in rows)]
    totals = [k for k in keys if _TOTAL_PROPERTY.search(k) and isinstance(rows[0][k], (int, float))
              and not isinstance(rows[0][k], bool) and all(r[k] == rows[0][k] for r in rows)]
    labels = [k for k in keys if all(isinstance(r[k], str) for r in rows) and not _CODE_PROPERTY.search(k)
              and any(not str(r[k]).strip().lstrip("<>≤").replace(".", "").isdigit() for r in rows)]
    counts = [k for k in keys if k not in totals and not _CODE_PROPERTY.search(k) and k not in labels
              and all(isinstance(r[k], (int, str)) and not isinstance(r[k], bool) for r in rows)
              and any(isinstance(r[k], int) for r in rows)]
    if len(totals) != 1 or len(counts) != 1 or not labels:
        return rows
    total = rows[0][totals[0]]
    published = [r[counts[0]] for r in rows if isinstance(r[counts[0]], int)]
    if sum(published) > total:
        return rows  # (not the total of this count)
    out = [{k: v for k, v in r.items() if k != totals[0]} for r in rows]
    out.append({labels[0]: "I alt", counts[0]: total})
    return out


def _links(nodes: list[Any], links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A d3 Sankey's ``{"nodes": [...], "links": [{"source": 0, "target": 3, "value": 2}]}`` as its links,
    the nodes named (a link's value is a count of the units that flow from one node to the other)."""
    def name(ref: Any) -> Any:
        if isinstance(ref, int) and 0 <= ref < len(nodes):
            node = nodes[ref]
            if isinstance(node, dict):
                return node.get("name", node.get("id", node.get("label", ref)))
            return node if isinstance(node, _SCALAR) else ref
        return ref

    return [{**link, "source": name(link.get("source")), "target": name(link.get("target"))} for link in links]


def read_limited(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of a records file read whole, or LoadError when it is larger than ``max_bytes`` (``what``
    names the format in the reason) or cannot be read."""
    from scanner.loaders.base import LoadError

    try:
        if path.stat().st_size > max_bytes:
            raise LoadError(f"{what} file larger than {max_bytes >> 20} MiB: not parsed")
        with open_file(path) as f:  # the file's shared mapping while it is scanned: no second read
            return f.read()
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None


class JsonRecordsSource:
    """A JSON records file as a :class:`~scanner.loaders.base.TabularSource`."""

    def __init__(self, path: Path) -> None:
        from scanner.loaders.base import LoadError

        self.path = Path(path)
        try:
            text = read_limited(self.path, MAX_BYTES, "JSON").decode("utf-8-sig", errors="strict")
        except UnicodeDecodeError:
            raise LoadError("JSON that is not UTF-8") from None
        data = _parsed(text)
        cube = _json_stat(text, data)
        if cube is not None:
            # a JSON-stat dataset: its cells as long rows, the confidential ones that print a value listed
            rows, flagged, label = cube
            self._build(rows, "json-stat", "JSON-stat cells")
            self._meta = dataclasses.replace(self._meta, title=label, flagged=tuple(flagged))
            return
        self._build(_records(text, data), "json", "JSON records")

    def _build(self, rows: list[dict[str, Any]], fmt: str, what: str) -> None:
        """The table of ``rows`` (one dict a row; every value as text, nested values not inspected)."""
        import pyarrow as pa

        from scanner.arrow_buffers import string_array
        from scanner.loaders.base import TabularMeta

        names: dict[str, None] = {}
        for r in rows:
            names.update(dict.fromkeys(str(k) for k in r))
        columns: dict[str, list[Any]] = {n: [] for n in names}
        for r in rows:
            for n in names:
                columns[n].append(r.get(n))
        arrays, nested = [], []
        for n, values in list(columns.items()):
            if _pairs_of_numbers(values):
                # an interval per row ("KI95": [3.12, 16.66], a confidence interval's bounds): two columns
                del columns[n]
                for k, side in enumerate(("lower", "upper")):
                    columns[f"{n} ({side})"] = [None if v is None else v[k] for v in values]
        for n, values in columns.items():
            if any(isinstance(v, (dict, list)) for v in values):
                nested.append(n)
                continue
            # every value as text, as a CSV file's cells: the table analysis decides what is a number
            arrays.append(string_array([None if v is None else _text(v) for v in values]))
        kept = [n for n in columns if n not in nested]
        self._table = pa.Table.from_arrays(arrays, names=kept) if kept else pa.table({})
        self._incomplete = [f"{len(nested)} nested field(s) (objects or arrays) not inspected"] if nested else []
        self._meta = TabularMeta(format=fmt, notes=(f"{len(rows)} {what}",))

    @property
    def meta(self) -> Any:
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        return self._table.schema

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        yield from self._table.to_batches(max_chunksize=batch_rows)

    def incomplete(self) -> tuple[str, ...]:
        return tuple(self._incomplete)


def _text(value: Any) -> str:
    """A JSON scalar as the text a CSV cell would hold (``true``, ``2``, ``2.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def no_columns(what: str) -> Callable[[], Any]:
    """The column stream of a records file: `sdcscan table` does not read microdata from ``what``."""

    def columns() -> Any:
        from scanner.loaders.base import LoadError

        raise LoadError(f"sdcscan table reads microdata from CSV, Parquet, Arrow and statistics files, not {what}")

    return columns


@reader("json records", FileKind.JSON)
def read_json_records(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)
    return TablePart(kind, lambda: JsonRecordsSource(path), no_columns("JSON"))
