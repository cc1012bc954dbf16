"""SQLite databases read as containers of tables (scanner.formats.sqlite)."""

from __future__ import annotations

import random
import sqlite3
import zipfile
from pathlib import Path

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Verdict


def _db(path: Path, *, persons: int = 300, small: bool = True, view: bool = True) -> Path:
    rng = random.Random(2)
    with sqlite3.connect(path) as con:
        con.execute("create table persons(lopnr integer, age integer, sex text, kommune integer, income real)")
        con.executemany("insert into persons values(?,?,?,?,?)",
                        [(rng.randint(100000, 999999), rng.randint(20, 80), rng.choice("MK"),
                          rng.choice([101, 147, 751]), rng.random() * 5e5) for _ in range(persons)])
        con.execute("create table counts(region text, n integer)")
        con.executemany("insert into counts values(?,?)", [("Nord", 120), ("Syd", 2 if small else 200)])
        if view:
            con.execute("create view excluded as select * from persons where lopnr = 104233")
    con.close()
    return path


def _safe_db(path: Path) -> Path:
    with sqlite3.connect(path) as con:
        con.execute('create table "counts by region"(region text, n integer, "mean income" real)')
        con.executemany("insert into \"counts by region\" values(?,?,?)",
                        [("Nord", 120, 312000.5), ("Syd", 200, 298000.1), ("Øst", 310, 305000.0)])
    con.close()
    return path


def _scan(*paths: Path) -> dict[str, FileResult]:
    result = api.scan(list(paths), load_config(), jobs=1)
    return {f.path.rsplit("/", 1)[-1]: f for f in result.files}


def test_tables_and_views_are_members(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    _db(export / "study.sqlite")
    before = sorted(p.name for p in export.iterdir())
    files = _scan(export)
    assert files["study.sqlite"].verdict is Verdict.FAIL
    persons = files["study.sqlite!persons"]
    assert {"MIC001", "MIC002"} <= {f.rule for f in persons.findings}
    assert {f.rule for f in files["study.sqlite!counts"].findings} == {"TAB001"}
    assert {f.rule for f in files["study.sqlite!excluded.sql"].findings} == {"COD001"}
    # read-only and immutable: no journal, no lock file, nothing written beside the database
    assert sorted(p.name for p in export.iterdir()) == before


def test_database_of_aggregates_passes(tmp_path: Path) -> None:
    files = _scan(_safe_db(tmp_path / "safe.db"))
    assert files["safe.db"].verdict is Verdict.PASS, files
    assert files["safe.db!counts by region"].verdict is Verdict.PASS


def test_database_in_a_zip_is_read_in_memory(tmp_path: Path) -> None:
    db = _db(tmp_path / "study.sqlite", view=False)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(db, "data/study.sqlite")
    db.unlink()
    files = _scan(archive)
    assert files["export.zip"].verdict is Verdict.FAIL
    assert "MIC002" in {f.rule for f in files["study.sqlite!persons"].findings}


def test_damaged_database_goes_to_review(tmp_path: Path) -> None:
    damaged = tmp_path / "broken.sqlite"
    data = bytearray(_db(tmp_path / "src.sqlite").read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page
    damaged.write_bytes(bytes(data))
    (tmp_path / "src.sqlite").unlink()
    files = _scan(damaged)
    assert files["broken.sqlite"].verdict is not Verdict.PASS
    assert "FIL001" in {f.rule for f in files["broken.sqlite"].findings}


def _gpkg(path: Path, rows: list[tuple[str, int, float, float]], *, points: bool) -> Path:
    """A GeoPackage as GDAL writes one: its own tables, a layer with the feature number "fid" and a geometry
    (GeoPackage header, then well-known binary: a point, or a polygon)."""
    import struct

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT, min_x REAL, min_y REAL, max_x REAL,"
                " max_y REAL)")
    con.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT)")
    con.execute("CREATE TABLE gpkg_spatial_ref_sys (srs_id INTEGER, organization TEXT)")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('layer', 'geom')")
    con.execute("INSERT INTO gpkg_contents VALUES ('layer', 'features', 441000, 6120000, 712000, 6390000)")
    con.execute("CREATE TABLE layer (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, sogn TEXT, husstande INTEGER)")
    for name, n, x, y in rows:
        header = b"GP\x00\x01" + struct.pack("<i", 25832)
        wkb = struct.pack("<BIdd", 1, 1, x, y) if points else struct.pack("<BII", 1, 3, 0)
        con.execute("INSERT INTO layer (geom, sogn, husstande) VALUES (?, ?, ?)", (header + wkb, name, n))
    con.commit()
    con.close()
    return path


def test_a_geopackage_layer_without_its_feature_numbers_and_with_its_points(tmp_path: Path) -> None:
    """Probe WB: GeoPackage's feature number "fid" (1..24) failed a safe layer of parishes as a register key, its
    geometry read as hex text was a "CVR number", and gpkg_contents' bounding box was an extreme: the layer is
    read without the fid, its points as x and y, and the GeoPackage's own tables are no members."""
    rows = [(f"Sogn {k}", 230 + 17 * k, 600000.0 + 1000 * k, 6200000.0 + 500 * k) for k in range(24)]
    safe = _scan(_gpkg(tmp_path / "sogne.gpkg", rows, points=False))
    assert all(f.verdict is Verdict.PASS for f in safe.values()), {p: f.findings for p, f in safe.items()}
    assert not any("gpkg_" in p for p in safe)
    import struct

    from scanner.formats.sqlite import _gpkg_point

    # a point without an envelope (flags 0), then with one of 32 bytes (flags 0b10): GeoPackage header, then WKB
    wkb = struct.pack("<BIdd", 1, 1, 600123.5, 6200456.25)
    assert _gpkg_point(b"GP\x00\x00" + struct.pack("<i", 25832) + wkb) == (600123.5, 6200456.25)
    assert _gpkg_point(b"GP\x00\x02" + struct.pack("<i", 25832) + b"\x00" * 32 + wkb) == (600123.5, 6200456.25)
    assert _gpkg_point(b"GP\x00\x00" + struct.pack("<i", 25832) + struct.pack("<BII", 1, 3, 0)) is None


def test_a_geopackage_layer_keyed_by_the_units_own_numbers_keeps_them(tmp_path: Path) -> None:
    """A layer whose primary key is no feature number 1..n but the units' own key (lopnr made the FID) keeps it as a
    column: the key rules see it (MIC002), and the dwellings' points are x and y."""
    import struct

    path = tmp_path / "boliger.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT)")
    con.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT)")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('boliger', 'geom')")
    con.execute("CREATE TABLE boliger (lopnr INTEGER PRIMARY KEY, geom BLOB, personer INTEGER)")
    rng = random.Random(5)
    for k in rng.sample(range(1_000_000, 9_999_999), 200):
        point = b"GP\x00\x01" + struct.pack("<i", 25832) + struct.pack("<BIdd", 1, 1, rng.uniform(6e5, 7e5),
                                                                        rng.uniform(6.1e6, 6.4e6))
        con.execute("INSERT INTO boliger VALUES (?, ?, ?)", (k, point, rng.randrange(1, 7)))
    con.commit()
    con.close()
    files = _scan(path)
    assert files["boliger.gpkg"].verdict is Verdict.FAIL
    assert any(f.rule == "MIC002" and f.location.column == "lopnr" for f in files["boliger.gpkg!boliger"].findings)
