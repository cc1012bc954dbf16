"""Tables that mark confidentiality with flags: Eurostat's TSV, SDMX-CSV and JSON-stat.

Statistics offices do not always blank a confidential cell: they flag it. Eurostat's bulk TSV writes each
cell as its value and its flags (``412 p``, ``2 c``, ``: c``), SDMX-CSV gives every observation a
``CONF_STATUS`` (``F`` free, ``C`` confidential, ``D`` secondary ...) and an ``OBS_STATUS``/``OBS_FLAG``, and
JSON-stat a ``status`` per cell beside its ``value``. Read as plain text, ``2 c`` is no number and a table of
them passes: the count of 2 is never seen, nor that a cell marked confidential still prints its value.

Each reader here gives the table as rows of text cells with the flags taken off, so the table rules read the
numbers as in any CSV file, and lists the cells whose flag marks them confidential:

- a confidential cell without a value becomes the suppression mark ``x`` (the audit of recoverable
  suppression then asks whether the totals give it back);
- a confidential cell that still prints its value is listed in :attr:`Flagged` (TAB004 fails it: a value
  marked confidential must not leave).

Written by hand: the formats are small and fixed (Eurostat's TSV header ``dim1,dim2\\TIME_PERIOD``, SDMX-CSV's
column names, JSON-stat 2.0's ``id``/``size``/``dimension``/``value``/``status``); pyjstat and pandasdmx depend
on pandas and requests and read files from URLs.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["CONFIDENTIAL_MARK", "Flagged", "eurostat_tsv", "is_flagged_csv", "json_stat", "sdmx_csv"]

#: What a confidential cell without a value is written as: a suppression mark every table reader knows.
CONFIDENTIAL_MARK = "x"

# Eurostat's TSV header: the dimensions joined by commas, a backslash, then the column dimension
# ("freq,unit,geo\TIME_PERIOD", older files "unit,geo\time").
_EUROSTAT_HEADER = re.compile(r"^[\w.-]+(?:,[\w.-]+)*\\[\w.-]+\t")
# A Eurostat cell: a value (or ":" not available) and its flags ("412 p", "2 c", ": c", "3.5 bep", ":").
_EUROSTAT_CELL = re.compile(r"^\s*(:|[-+]?\d[\d.,]*(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*$")
# Eurostat's flag for confidential (its other flags: b break, d definition differs, e estimated, f forecast,
# n not significant, p provisional, r revised, s Eurostat estimate, u low reliability, z not applicable).
_EUROSTAT_CONFIDENTIAL = "c"

# SDMX-CSV's value column and the columns that flag an observation.
_VALUE_COLUMN = "OBS_VALUE"
_CONF_COLUMN = re.compile(r"(?i)conf_status|confidentiality(?:_status)?")
_FLAG_COLUMN = re.compile(r"(?i)obs_status|obs_flag|obs_flags|flags?")
# SDMX's CL_CONF_STATUS: F free and L free for internal use are the only codes that allow publication (A small
# counts, C confidential, D secondary set by the sender, G? / M / O / T dominance, N not for publication, S
# secondary set by the receiver).
_FREE_CONF = frozenset({"", "F", "L"})
# A flag column's mark of a confidential value: Eurostat's "c" (alone or among its other flag letters, "bc"), an
# upper-case "C", or a word. (Not any word with a "c" in it: "checked" is no flag of confidentiality.)
_CONFIDENTIAL_FLAG = re.compile(r"^(?:[bdefinprsuz]*c[bdefinprsuz]*|C|"
                                r"(?i:confidential|fortrolig|konfidentiell|luottamuksellinen))$")

# JSON-stat's status of a confidential cell.
_JSON_STAT_CONFIDENTIAL = re.compile(r"(?i)^(?:c|confidential|fortrolig|konfidentiell|luottamuksellinen|x)$")

#: Rows read from one flagged file at most (they are held in memory): a published cube is far smaller.
MAX_ROWS = 2_000_000


@dataclass(frozen=True, slots=True)
class Flagged:
    """A cell printed with a value although its flag marks it confidential: its data row (1-based), its
    column and the flag as written (value-free: the flag is a code, never the number)."""

    row: int
    column: str
    flag: str


def is_flagged_csv(head: str) -> bool:
    """Whether the first line of a delimited file is Eurostat TSV's or SDMX-CSV's header with a flag column."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if _EUROSTAT_HEADER.match(first):
        return True
    names = _split_header(first)
    return _VALUE_COLUMN in names and any(_CONF_COLUMN.fullmatch(n) or _FLAG_COLUMN.fullmatch(n) for n in names)


def _split_header(line: str) -> list[str]:
    delimiter = max(",;\t|", key=line.count)
    return [n.strip().strip('"') for n in line.split(delimiter)]


def eurostat_tsv(text: str) -> tuple[list[dict[str, Any]], list[Flagged]]:
    """The rows of a Eurostat TSV file (one column per dimension of the first field, then one per column of
    the header, each a value with its flags taken off) and its confidential cells that print a value."""
    from scanner.loaders.base import LoadError

    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not _EUROSTAT_HEADER.match(lines[0]):
        raise LoadError("Eurostat TSV without its 'dimensions\\TIME_PERIOD' header")
    head = lines[0].split("\t")
    row_dims, col_dim = head[0].rsplit("\\", 1)
    dims = [d.strip() for d in row_dims.split(",")]
    periods = [p.strip() or f"{col_dim} {k + 1}" for k, p in enumerate(head[1:])]
    if len(lines) > MAX_ROWS:
        raise LoadError(f"Eurostat TSV of {len(lines):,} rows, more than {MAX_ROWS:,}: not read")
    rows: list[dict[str, Any]] = []
    flagged: list[Flagged] = []
    for k, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        keys = fields[0].split(",")
        if len(keys) != len(dims) or len(fields) != len(head):
            raise LoadError(f"Eurostat TSV row {k} does not have the header's {len(dims)} dimensions and "
                            f"{len(periods)} columns")
        row: dict[str, Any] = dict(zip(dims, (x.strip() for x in keys), strict=True))
        for period, cell in zip(periods, fields[1:], strict=True):
            row[period] = _eurostat_value(cell, len(rows) + 1, period, flagged)
        rows.append(row)
    return rows, flagged


def _eurostat_value(cell: str, row: int, column: str, flagged: list[Flagged]) -> str:
    m = _EUROSTAT_CELL.match(cell)
    if m is None:
        return cell.strip()  # not a Eurostat cell: kept as written, the table analysis reads it as text
    value, flags = m.group(1), m.group(2)
    confidential = _EUROSTAT_CONFIDENTIAL in flags
    if value == ":":
        return CONFIDENTIAL_MARK if confidential else ":"
    if confidential:
        flagged.append(Flagged(row, column, flags))
    return value


def sdmx_csv(text: str) -> tuple[list[dict[str, Any]], list[Flagged]]:
    """The rows of an SDMX-CSV file (or any CSV with ``OBS_VALUE`` and a flag column): an empty value flagged
    confidential becomes the suppression mark, and a printed value flagged confidential is listed."""
    from scanner.loaders.base import LoadError

    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = [n.strip() for n in (reader.fieldnames or [])]
    if _VALUE_COLUMN not in names:
        raise LoadError("SDMX-CSV without its OBS_VALUE column")
    reader.fieldnames = names
    conf = [n for n in names if _CONF_COLUMN.fullmatch(n)]
    flags = [n for n in names if _FLAG_COLUMN.fullmatch(n)]
    rows: list[dict[str, Any]] = []
    flagged: list[Flagged] = []
    for record in itertools.islice(reader, MAX_ROWS + 1):
        if None in record:
            raise LoadError(f"SDMX-CSV row {len(rows) + 1} has more fields than its header")
        if len(rows) == MAX_ROWS:
            raise LoadError(f"SDMX-CSV of more than {MAX_ROWS:,} rows: not read")
        row = {n: (v or "").strip() for n, v in record.items()}
        marks = [row[n] for n in conf if row[n].upper() not in _FREE_CONF]
        marks += [row[n] for n in flags if _CONFIDENTIAL_FLAG.match(row[n])]
        if marks:
            if row[_VALUE_COLUMN] in ("", "NaN", "nan", "NA"):
                row[_VALUE_COLUMN] = CONFIDENTIAL_MARK
            else:
                flagged.append(Flagged(len(rows) + 1, _VALUE_COLUMN, marks[0]))
        for n in (*conf, *flags):
            del row[n]  # flags, not dimensions: read into the value above
        rows.append(row)
    return rows, flagged


def json_stat(data: Any) -> tuple[list[dict[str, Any]], list[Flagged], str] | None:
    """A JSON-stat dataset (2.0, ``"class": "dataset"``; or 1.x, one dataset under its name) as long rows
    (each dimension's category label, then ``value``), its confidential cells that print a value, and its
    label; None when ``data`` is no JSON-stat dataset."""
    from scanner.loaders.base import LoadError

    dataset = _dataset(data)
    if dataset is None:
        return None
    dimension = dataset["dimension"]
    ids = dataset.get("id") or dimension.get("id")
    sizes = dataset.get("size") or dimension.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise LoadError("JSON-stat dataset without matching 'id' and 'size'")
    axes: list[list[str]] = []
    names: list[str] = []
    for name, size in zip(ids, sizes, strict=True):
        axis = _categories(dimension.get(name), int(size))
        if axis is None:
            raise LoadError("JSON-stat dimension whose categories do not match its size")
        axes.append(axis)
        label = dimension[name].get("label") if isinstance(dimension.get(name), dict) else None
        names.append(str(label or name))
    total = 1
    for size in sizes:
        total *= int(size)
    if total > MAX_ROWS:
        raise LoadError(f"JSON-stat cube of {total:,} cells, more than {MAX_ROWS:,}: not read")
    values = _cells(dataset.get("value"), total)
    status = _cells(dataset.get("status"), total, fill=dataset.get("status")
                    if isinstance(dataset.get("status"), str) else None)
    if values is None or status is None:
        raise LoadError("JSON-stat 'value' or 'status' that does not fit the dataset's size")
    value_name = "value" if "value" not in names else "value (cell)"
    rows: list[dict[str, Any]] = []
    flagged: list[Flagged] = []
    for k, combo in enumerate(itertools.product(*axes)):
        value, mark = values[k], status[k]
        confidential = isinstance(mark, str) and bool(_JSON_STAT_CONFIDENTIAL.match(mark.strip()))
        if value is None:
            cell = CONFIDENTIAL_MARK if confidential else (str(mark).strip() if mark else None)
        else:
            cell = value
            if confidential:
                flagged.append(Flagged(k + 1, value_name, str(mark).strip()))
        rows.append({**dict(zip(names, combo, strict=True)), value_name: cell})
    return rows, flagged, str(dataset.get("label") or "")


def _dataset(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    if data.get("class") == "dataset" and isinstance(data.get("dimension"), dict) and "value" in data:
        return data
    if "class" not in data and len(data) == 1:  # JSON-stat 1.x: {"name": {"dimension": ..., "value": ...}}
        inner = next(iter(data.values()))
        if isinstance(inner, dict) and isinstance(inner.get("dimension"), dict) and "value" in inner \
                and isinstance(inner["dimension"].get("id"), list):
            return inner
    return None


def _categories(dim: Any, size: int) -> list[str] | None:
    """A dimension's category labels in index order (the ids where a category has no label)."""
    if not isinstance(dim, dict) or not isinstance(dim.get("category"), dict):
        return None
    category = dim["category"]
    index = category.get("index")
    labels = category.get("label") if isinstance(category.get("label"), dict) else {}
    if isinstance(index, list):
        ids = [str(i) for i in index]
    elif isinstance(index, dict):
        ids = [str(k) for k, _ in sorted(index.items(), key=lambda kv: kv[1])]
    elif labels and len(labels) == 1:
        ids = [str(next(iter(labels)))]
    else:
        return None
    if len(ids) != size:
        return None
    return [str(labels.get(i, i)) for i in ids]


def _cells(raw: Any, total: int, fill: Any = None) -> list[Any] | None:
    """A JSON-stat ``value`` or ``status``: a full array, a sparse object by cell index, or (status) one string
    for every cell; None when it does not fit."""
    if raw is None or isinstance(raw, str):
        return [fill] * total
    if isinstance(raw, list):
        return list(raw) if len(raw) == total else None
    if isinstance(raw, dict):
        out: list[Any] = [None] * total
        for key, value in raw.items():
            if not str(key).isdigit() or int(key) >= total:
                return None
            out[int(key)] = value
        return out
    return None
