"""SQLite databases as containers of tables: each table a member (``db.sqlite!persons``) read as a table.

A database in an export request holds whatever its tables hold (unit records in most cases), so each
table is scanned as a file of its own: its rows are streamed out of SQLite (the standard library's
``sqlite3``, opened read-only and immutable: nothing is written beside the file, no journal, no lock) into
an Arrow IPC member in the archive reader's private temporary directory, which the table analysis, the
identifier scan and every table rule then read like a Feather file. Values keep SQLite's text form (a
column may mix types: the analysis parses numbers out of text, as for a CSV file). A view's or trigger's
SQL is a member of its own (``v.sql``), read as program code. Limits are the archive reader's: total bytes
and member count.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from scanner.discover import FileKind
from scanner.document import ContainerPart, Member, Problem, ProblemKind
from scanner.formats import ReadContext, reader
from scanner.sources import Source, safe_file_name

__all__ = ["read_sqlite"]

#: Rows fetched from SQLite and written as one Arrow record batch.
_BATCH_ROWS = 50_000


def _connect(source: Source) -> sqlite3.Connection:
    """A read-only connection that writes nothing: the file opened ``immutable`` (no journal, no locks), a
    member in memory deserialized into a private in-memory database."""
    if source.path is not None:
        uri = Path(source.path).resolve().as_uri() + "?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        con = sqlite3.connect(":memory:", check_same_thread=False)
        con.deserialize(source.data or b"")
    con.execute("PRAGMA query_only = ON")
    return con


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@reader("sqlite", FileKind.SQLITE, container=True)
def read_sqlite(source: Source, kind: FileKind, ctx: ReadContext | None) -> ContainerPart:
    """The tables of a SQLite database as members (each an Arrow IPC file in ``ctx.spill_dir``)."""
    assert ctx is not None, "a container reader needs a ReadContext"
    part = ContainerPart(iter(()))
    try:
        con = _connect(source)
        objects = con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') "
                              "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    except (sqlite3.Error, OSError, ValueError) as exc:
        part.problems.append(Problem(ProblemKind.DAMAGED, f"not a readable SQLite database ({type(exc).__name__})"))
        return part
    geometry = _geopackage_layers(con)
    if geometry is not None:
        # a GeoPackage: its own tables (gpkg_contents, gpkg_spatial_ref_sys ...) and spatial indexes describe the
        # layers; the layers are the data
        objects = [o for o in objects if not o[1].lower().startswith(("gpkg_", "rtree_"))]
    part.members = _members(con, objects, source, ctx, part, geometry or {})
    return part


def _geopackage_layers(con: sqlite3.Connection) -> dict[str, str] | None:
    """A GeoPackage's feature tables and their geometry columns (``gpkg_geometry_columns``); None when the
    database is no GeoPackage."""
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents'").fetchone():
            return None
        return {t: c for t, c in con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")}
    except sqlite3.Error:
        return {}


def _gpkg_point(blob: object) -> tuple[float, float] | None:
    """A GeoPackage geometry's point (its header, then well-known binary): the x and y of a point; None for any
    other geometry (a parish's polygon is an area, no unit's place)."""
    import struct

    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    envelope = (0, 32, 48, 48, 64)[(flags >> 1) & 7] if (flags >> 1) & 7 <= 4 else 0
    wkb = blob[8 + envelope:]
    if len(wkb) < 21:
        return None
    order = "<" if wkb[0] == 1 else ">"
    kind = struct.unpack(order + "I", wkb[1:5])[0]
    if kind % 1000 != 1:
        return None
    x, y = struct.unpack(order + "dd", wkb[5:21])
    return x, y


def _members(con: sqlite3.Connection, objects: list[tuple[str, str, str | None]], source: Source,
             ctx: ReadContext, part: ContainerPart, geometry: dict[str, str]) -> Iterator[Member]:
    """Each table as an Arrow member; each view and trigger as a member of SQL code (``v.sql``: a view's
    ``WHERE lopnr = 104233`` is a literal key in code)."""
    budget = ctx.budget
    try:
        for kind, name, sql in objects:
            if kind != "table":
                budget.members_left -= 1
                code = (sql or "").encode("utf-8")
                yield Member(f"{name}.sql", len(code), Source(source.ref.child(f"{name}.sql"), data=code))
                continue
            if budget.stopped is not None:
                yield Member(name, 0, None, [Problem(ProblemKind.LIMIT, f"not read: {budget.stopped}")])
                continue
            if budget.members_left <= 0:
                budget.stop(f"more than {budget.limits.max_members:,} members (the configured limit)")
                yield Member(name, 0, None, [Problem(ProblemKind.LIMIT, f"not read: {budget.stopped}")])
                continue
            budget.members_left -= 1
            yield _table_member(con, name, source, ctx, part, geometry.get(name))
    finally:
        con.close()


def _table_member(con: sqlite3.Connection, name: str, source: Source, ctx: ReadContext,
                  part: ContainerPart, geometry: str | None = None) -> Member:
    """One table as an Arrow member. A GeoPackage layer (``geometry``: its geometry column) is read without its
    feature number (the "fid" primary key, 1, 2, 3 ... of the layer, no unit's key) and with its points as their
    x and y (a layer of dwellings' points is the dwellings' places); other geometries are left out."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    budget = ctx.budget
    ref = source.ref.child(name)
    path = ctx.spill_dir / safe_file_name(name + ".arrow", ctx.next_serial())
    try:
        cursor = con.execute(f"SELECT * FROM {_quote(name)}")
        names = [d[0] for d in cursor.description]
        keep = list(range(len(names)))
        at = -1
        if geometry is not None:
            # (the feature number only: a primary key numbering the rows 1..n; a key of the units' own, lopnr made
            # the layer's FID, stays a column for the key rules)
            key = {r[1] for r in con.execute(f"PRAGMA table_info({_quote(name)})") if r[5] == 1
                   and con.execute(f"SELECT MIN({_quote(r[1])}) = 1 AND MAX({_quote(r[1])}) = COUNT(*) "
                                   f"FROM {_quote(name)}").fetchone()[0] == 1}
            at = names.index(geometry) if geometry in names else -1
            keep = [k for k in keep if names[k] not in key and k != at]
        fields = [names[k] or f"column_{k + 1}" for k in keep] + (["x", "y"] if at >= 0 else [])
        schema = pa.schema([pa.field(n, pa.string()) for n in fields])
        with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema) as writer:
            while rows := cursor.fetchmany(_BATCH_ROWS):
                columns = [pa.array([_text(r[k]) for r in rows], pa.string()) for k in keep]
                if at >= 0:
                    points = [_gpkg_point(r[at]) for r in rows]
                    columns += [pa.array([None if p is None else repr(p[i]) for p in points], pa.string())
                                for i in (0, 1)]
                writer.write_batch(pa.record_batch(columns, schema=schema))
                if sink.tell() > budget.bytes_left:
                    raise _OverBudget
    except _OverBudget:
        with contextlib.suppress(OSError):
            path.unlink()
        budget.stop("the tables read exceed the limit of uncompressed bytes for the whole archive")
        return Member(name, 0, None, [Problem(ProblemKind.LIMIT, f"not read to the end: {budget.stopped}")])
    except (sqlite3.Error, pa.ArrowException, OSError) as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        return Member(name, 0, None, [Problem(ProblemKind.DAMAGED, f"table could not be read ({type(exc).__name__})")])
    size = path.stat().st_size
    budget.bytes_left -= size
    return Member(name, size, Source(ref, path=path, size=size, owned=True))


class _OverBudget(Exception):
    pass
