"""JSON records (the format plug-in :mod:`scanner.formats.json_records`): arrays of objects, newline-delimited
JSON, ``{"data": [...]}`` and pandas' other to_json layouts are tables; any other JSON stays FIL001 review,
its text still searched for identifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner import api, formats
from scanner.config import load_config
from scanner.discover import FileKind
from scanner.findings import Verdict

ROWS_SMALL = [{"region": "Nord", "n": 120}, {"region": "Syd", "n": 2}, {"region": "Midt", "n": 340}]
ROWS_SAFE = [{"region": "Nord", "n": 120}, {"region": "Syd", "n": 87}, {"region": "Midt", "n": 340}]
PERSONS = [{"lopnr": 104000 + k, "alder": 20 + k % 60, "indkomst": 200000 + 1000 * k} for k in range(60)]


def _scan(path: Path) -> api.FileResult:
    (result,) = api.scan([path], load_config(), jobs=1).files
    return result


def test_registered() -> None:
    spec = formats.reader_for(FileKind.JSON)
    assert spec is not None and spec.name == "json records"


@pytest.mark.parametrize("layout", ["array", "ndjson", "wrapped"])
@pytest.mark.parametrize(("rows", "verdict", "rule"), [(ROWS_SMALL, Verdict.FAIL, "TAB001"),
                                                       (ROWS_SAFE, Verdict.PASS, None),
                                                       (PERSONS, Verdict.FAIL, "MIC002")],
                         ids=["small-cell", "safe", "persons"])
def test_records_are_tables(tmp_path: Path, layout: str, rows: list[dict[str, object]], verdict: Verdict,
                            rule: str | None) -> None:
    text = {"array": json.dumps(rows), "ndjson": "\n".join(json.dumps(r) for r in rows) + "\n",
            "wrapped": json.dumps({"data": rows})}[layout]
    path = tmp_path / ("t.jsonl" if layout == "ndjson" else "t.json")
    path.write_text(text, encoding="utf-8")
    result = _scan(path)
    assert result.kind == "json"
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]
    if rule is not None:
        assert rule in {f.rule for f in result.findings}


def test_other_json_is_reviewed_and_searched_for_identifiers(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"results": {"region": {"Nord": {"2020": 120, "2021": 2}}}, "models": [],
                                "note": "cpr 0101801234"}))
    result = _scan(path)
    assert result.verdict is Verdict.FAIL
    rules = {f.rule for f in result.findings}
    assert "FIL001" in rules and any(r.startswith("PID") for r in rules)
    # the number is masked in every finding
    assert all("0101801234" not in f.message for f in result.findings)


@pytest.mark.parametrize(("text", "reason"), [('{"a": [1, 2', "not valid JSON"),
                                              ('[{"region": "Nord", "n": 3, "detail": {"a": 1}}, '
                                               '{"region": "Syd", "n": 4, "detail": {"a": 2}}]', "nested field")])
def test_broken_and_nested_are_reviewed(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    result = _scan(path)
    assert result.verdict is Verdict.REVIEW
    assert any(reason in f.message for f in result.findings if f.rule == "FIL001")


@pytest.mark.parametrize("orient", ["split", "table", "columns", "index", "values"])
@pytest.mark.parametrize(("counts", "verdict"), [([120, 2, 340], Verdict.FAIL), ([120, 87, 340], Verdict.PASS)],
                         ids=["small-cell", "safe"])
def test_pandas_layouts_are_tables(tmp_path: Path, orient: str, counts: list[int], verdict: Verdict) -> None:
    """Every layout of pandas' ``to_json`` is the same table (the index as a column where it holds labels)."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"Mænd": counts, "Kvinder": [98, 77, 301]}, index=["Nord", "Syd", "Midt"])
    if orient in ("columns", "values"):
        frame = frame.reset_index().rename(columns={"index": "region"})
    path = tmp_path / "t.json"
    path.write_text(frame.to_json(orient=orient, force_ascii=False), encoding="utf-8")
    result = _scan(path)
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]
    assert "FIL001" not in {f.rule for f in result.findings}


def test_a_dictionary_of_dictionaries_under_metadata_is_a_table(tmp_path: Path) -> None:
    data = {"Aarhus": {"Mænd": 88, "Kvinder": 51}, "Samsø": {"Mænd": 4, "Kvinder": 2}}
    path = tmp_path / "hjertestop.json"
    path.write_text(json.dumps({"title": "Hjertestop efter kommune og køn", "unit": "personer", "data": data},
                               ensure_ascii=False), encoding="utf-8")
    result = _scan(path)
    assert result.verdict is Verdict.FAIL and "TAB001" in {f.rule for f in result.findings}


def test_frames_by_columns_and_bare_lists_of_values_are_tables(tmp_path: Path) -> None:
    import json

    from scanner import api
    from scanner.config import load_config
    from scanner.findings import Verdict

    keys = [4400000000 + 7919 * k for k in range(60)]
    cases = {
        "ids.json": ({"ids": keys}, Verdict.FAIL),  # a list of keys under one name
        "bare.json": (keys, Verdict.FAIL),  # a bare array of keys
        "cols.json": ({"region": ["Nord", "Syd", "Øst"], "antal": [120, 2, 300]}, Verdict.FAIL),  # by columns
        "cols_ok.json": ({"region": ["Nord", "Syd", "Øst"], "antal": [120, 200, 300]}, Verdict.PASS),
    }
    for name, (data, verdict) in cases.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        (result,) = api.scan([tmp_path / name], load_config(), jobs=1).files
        assert result.verdict is verdict, (name, [(f.rule, f.message) for f in result.findings])


def _feature(props: dict[str, object], geometry: dict[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _square(x: int, y: int) -> dict[str, object]:
    ring = [[x, y], [x + 1000, y], [x + 1000, y + 1000], [x, y + 1000], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(("small", "verdict"), [(1, Verdict.FAIL), (14, Verdict.PASS)])
def test_geojson_areas_are_a_table_of_their_properties(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """GDAL's GeoJSON of 1 km grid cells with counts: one row per cell, the counts are cells of a table."""
    counts = [5, 12, small, 33, 8, 21]
    features = [_feature({"kvadrat": f"1kmN619{k}E650", "befolkning": 100 + k, "tilflyttere_2021": n},
                         _square(650000, 6190000 + 1000 * k)) for k, n in enumerate(counts)]
    path = tmp_path / "tilflyttere_1km.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "tilflyttere_1km",
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                                "features": features}), encoding="utf-8")
    f = _scan(path)
    assert f.verdict is verdict, f.findings
    assert {x.rule for x in f.findings} == ({"TAB001"} if verdict is Verdict.FAIL else set())


def test_geojson_points_of_persons_are_microdata(tmp_path: Path) -> None:
    """A point layer with each mover's sex, age group and moving distance: one row per person, even with
    the coordinates jittered."""
    import random

    rng = random.Random(3)
    features = [_feature({"ar": 2021, "kon": rng.choice("MK"), "aldersgrupp": rng.choice(["18-29", "30-49", "65+"]),
                          "fran_kommun": rng.choice(["Vindeln", "Robertsfors", "Vännäs"]),
                          "flyttavstand_km": round(rng.uniform(2, 90), 1)},
                         {"type": "Point",
                          "coordinates": [758000 + rng.uniform(0, 9000), 7084000 + rng.uniform(0, 9000)]})
                for _ in range(60)]
    path = tmp_path / "flyttare_punkter.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    f = _scan(path)
    assert f.verdict is Verdict.FAIL and "MIC001" in {x.rule for x in f.findings}, f.findings


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (12, Verdict.PASS)])
def test_d3_sankey_links_are_counts(tmp_path: Path, small: int, verdict: Verdict) -> None:
    nodes = [{"name": "Studieforberedende (2013)"}, {"name": "Yrkesfag (2013)"}, {"name": "Arbeid (2016)"},
             {"name": "Universitet/høyskole (2016)"}]
    links = [{"source": 0, "target": 2, "value": 41}, {"source": 0, "target": 3, "value": 88},
             {"source": 1, "target": 2, "value": 65}, {"source": 1, "target": 3, "value": small}]
    path = tmp_path / "sankey.json"
    path.write_text(json.dumps({"nodes": nodes, "links": links}), encoding="utf-8")
    f = _scan(path)
    assert f.verdict is verdict, f.findings
