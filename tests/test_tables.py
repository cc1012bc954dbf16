"""``sdcscan table``: cell statistics, margins, rules per profile, suppression, safe-table output, --check."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scanner.analysis.cell_flags import flags_by_rule
from scanner.cli import app
from scanner.config import load_config
from scanner.suppression import audit
from scanner.tables.build import build_table
from scanner.tables.compute import Stat, TableError, TableSpec, _Dimension, compute_cells
from scanner.tables.writers import cells_json, safe_frame


def _firms(tmp_path: Path, rows: list[tuple[str, str, int, float]], name: str = "firms.parquet") -> Path:
    frame = pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "firm": pl.Int64,
                                       "turnover": pl.Float64}, orient="row")
    path = tmp_path / name
    if path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def _python_cells(frame: pl.DataFrame, by: list[str], value: str, unit: str | None) -> dict[tuple, dict]:
    """Statistics per interior cell, the obvious way (rows grouped in Python)."""
    out: dict[tuple, dict] = {}
    per: dict[tuple, dict] = {}
    for rec in frame.iter_rows(named=True):
        key = tuple(rec[b] for b in by)
        if any(k is None for k in key):
            continue
        cell = out.setdefault(key, {"count": 0, "contrib": {}})
        cell["count"] += 1
        who = rec[unit] if unit else len(cell["contrib"])
        v = rec[value]
        cell["contrib"][who] = cell["contrib"].get(who, 0.0) + (0.0 if v is None or math.isnan(v) else v)
    for key, cell in out.items():
        vals = sorted(cell["contrib"].values(), reverse=True)
        per[key] = {"count": cell["count"], "units": len(vals), "total": math.fsum(vals),
                    "top1": vals[0], "top2": vals[1] if len(vals) > 1 else math.nan}
    return per


def _index(cells, key: tuple) -> int:
    idx = tuple(levels.index(k) for levels, k in zip(cells.labels, key, strict=True))
    return int(np.ravel_multi_index(idx, cells.shape))


@pytest.mark.parametrize("unit", [None, "firm"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_cells_match_a_python_groupby(tmp_path: Path, unit: str | None, suffix: str) -> None:
    rng = np.random.default_rng(7)
    n = 3000
    rows = [(f"R{rng.integers(0, 5)}", f"I{rng.integers(0, 12)}", int(rng.integers(0, 400)),
             float(rng.integers(1, 1000))) for _ in range(n)]
    path = _firms(tmp_path, rows, "f" + suffix)
    spec = TableSpec(("region", "industry"), value="turnover", unit=unit, stat=Stat.SUM)
    cells = compute_cells(path, spec, batch_rows=700)  # several batches: levels appear late
    expected = _python_cells(pl.read_parquet(path) if suffix == ".parquet" else pl.read_csv(path),
                             ["region", "industry"], "turnover", unit)
    assert cells.labels[0] == sorted({r[0] for r in rows})
    assert cells.rows == n
    for key, want in expected.items():
        i = _index(cells, key)
        assert cells.count[i] == want["count"], key
        assert cells.units[i] == want["units"], key
        assert cells.total[i] == pytest.approx(want["total"], rel=1e-12), key
        assert cells.top1[i] == pytest.approx(want["top1"], rel=1e-12), key
        if math.isnan(want["top2"]):
            assert math.isnan(cells.top2[i])
        else:
            assert cells.top2[i] == pytest.approx(want["top2"], rel=1e-12), key


def test_unit_spanning_cells_is_one_contributor_in_the_margin(tmp_path: Path) -> None:
    # firm 1 has rows in two industries of R1: in the R1 margin its rows are one contribution of 150
    rows = [("R1", "A", 1, 100.0), ("R1", "B", 1, 50.0), ("R1", "A", 2, 60.0), ("R1", "B", 3, 40.0)]
    path = _firms(tmp_path, rows)
    result = build_table(path, TableSpec(("region", "industry"), value="turnover", unit="firm", stat=Stat.SUM),
                         load_config(profile="dst"))
    data = cells_json(result)
    margin = next(c for c in data["cells"] if c["key"] == {"region": "R1", "industry": None})
    assert margin["count"] == 4 and margin["units"] == 3
    assert margin["top1"] == 150.0 and margin["top2"] == 60.0 and margin["total"] == 250.0
    grand = next(c for c in data["cells"] if c["key"] == {"region": None, "industry": None})
    assert grand["units"] == 3


def test_rows_with_missing_keys_are_left_out_and_noted(tmp_path: Path) -> None:
    rows = [("R1", "A", i, 10.0) for i in range(5)] + [(None, "A", 9, 1.0)]
    path = _firms(tmp_path, rows)  # type: ignore[arg-type]
    cells = compute_cells(path, TableSpec(("region", "industry")))
    assert cells.rows == 6 and cells.rows_missing_key == 1
    assert int(cells.count.sum()) == 5
    assert any("missing" in n for n in cells.notes)


def _shares(tmp_path: Path, values: list[float], profile: str) -> set[str]:
    """Rules a single cell (plus a safe neighbour) breaks under ``profile``."""
    rows = [("R1", "A", i, v) for i, v in enumerate(values)]
    rows += [("R1", "B", 100 + i, 10.0) for i in range(20)]
    result = build_table(_firms(tmp_path, rows), TableSpec(("region", "industry"), value="turnover",
                                                          stat=Stat.SUM), load_config(profile=profile))
    data = cells_json(result)
    cell = next(c for c in data["cells"] if c["key"] == {"region": "R1", "industry": "A"})
    return set(cell["rules"])


def test_dominance_boundary_is_the_profiles(tmp_path: Path) -> None:
    # top-2 share exactly 85 %: DST fails only above 85 %; 90 % exactly: ACRO fails at >= 90 %
    at_85 = [50.0, 35.0] + [1.0] * 15  # 85 / 100
    assert "TAB002" not in _shares(tmp_path, at_85, "dst")
    above = [50.0, 36.0] + [1.0] * 14  # 86 / 100
    assert "TAB002" in _shares(tmp_path, above, "dst")
    at_90 = [45.0, 45.0] + [1.0] * 10  # 90 / 100
    assert "TAB002" in _shares(tmp_path, at_90, "acro")
    assert "TAB002" not in _shares(tmp_path, [45.0, 44.0] + [1.0] * 11, "acro")


def test_p_percent_rule(tmp_path: Path) -> None:
    # 900, 80, 5 x 3: remainder 15 < 10 % of 900 -> fails; with 20 x 5 = 100 >= 90 passes
    assert "TAB003" in _shares(tmp_path, [900.0, 80.0, 5.0, 5.0, 5.0], "dst")
    assert "TAB003" not in _shares(tmp_path, [900.0, 80.0] + [20.0] * 5, "dst")


def test_all_zero_cell_is_class_disclosure_not_dominance(tmp_path: Path) -> None:
    # Twelve contributors of 0: each learns the others' values (TAB006); no share is dominant. Under acro
    # the p % rule fails too, as in ACRO.
    assert _shares(tmp_path, [0.0] * 12, "dst") == {"TAB006"}
    assert _shares(tmp_path, [0.0] * 12, "acro") == {"TAB003", "TAB006"}


def test_negative_contributions_are_review_and_suppressed(tmp_path: Path) -> None:
    rows = [("R1", "A", i, 100.0) for i in range(10)] + [("R1", "A", 99, -5.0)]
    rows += [("R1", "B", 100 + i, 10.0) for i in range(20)] + [("R2", "A", 200 + i, 7.0) for i in range(20)]
    rows += [("R2", "B", 300 + i, 9.0) for i in range(20)]
    result = build_table(_firms(tmp_path, rows), TableSpec(("region", "industry"), value="turnover",
                                                          stat=Stat.SUM), load_config(profile="dst"))
    review = [f for f in result.findings if f.severity.label == "review"]
    assert review and {f.rule for f in review} <= {"TAB002", "TAB003"}
    assert all(dict(f.location.cell or ())["industry"] in ("A", "Total") for f in review)
    data = cells_json(result)
    cell = next(c for c in data["cells"] if c["key"] == {"region": "R1", "industry": "A"})
    assert cell["suppressed"] == "primary"


def _microdata(tmp_path: Path, seed: int = 3, n: int = 4000) -> Path:
    rng = np.random.default_rng(seed)
    region = rng.integers(0, 6, n)
    industry = np.minimum(rng.zipf(1.6, n), 15)
    frame = pl.DataFrame({
        "region": [f"R{r}" for r in region],
        "industry": industry.astype(np.int64),
        "firm": rng.integers(0, 900, n),
        "turnover": np.round(rng.lognormal(5, 1.5, n), 2),
    })
    path = tmp_path / "micro.parquet"
    frame.write_parquet(path)
    return path


@pytest.mark.parametrize(("profile", "unit", "stat"), [("dst", None, Stat.COUNT), ("dst", "firm", Stat.SUM),
                                                        ("acro", None, Stat.SUM), ("scb", "firm", Stat.MEAN)])
def test_suppression_passes_the_attacker_audit(tmp_path: Path, profile: str, unit: str | None, stat: Stat) -> None:
    path = _microdata(tmp_path)
    value = None if stat is Stat.COUNT else "turnover"
    config = load_config(profile=profile)
    result = build_table(path, TableSpec(("region", "industry"), value=value, unit=unit, stat=stat), config)
    table = result.table
    primary = np.zeros(table.size, dtype=bool)
    required = np.zeros(table.size)
    for flags in flags_by_rule(table, table.rule_options, config.profile).values():
        hit = flags.fail | flags.review
        primary |= hit
        required = np.maximum(required, np.where(hit, flags.required, 0.0))
    assert primary.any(), "the fixture must have cells to suppress"
    hidden = result.suppressed > 0
    assert (hidden >= primary).all()
    shape = table.ext.shape
    width = audit(table.published_values().reshape(shape), hidden.reshape(shape),
                  nonnegative=table.nonnegative()).width().reshape(-1)
    assert (width[primary] >= required[primary] * (1 - 1e-6)).all()
    # every suppressed cell shows the marker in the safe table, every other one its number
    frame = safe_frame(result)
    col = frame.columns[-1]
    shown = frame.get_column(col).to_list()
    assert all((s == result.marker) == h for s, h in zip(shown, hidden.tolist(), strict=True))


def test_ignoring_a_cell_rule_does_not_publish_its_cells(tmp_path: Path) -> None:
    """`--ignore TAB001` drops TAB001's findings, never its suppression: small cells stay hidden."""
    path = _microdata(tmp_path)
    spec = TableSpec(("region", "industry"))
    full = build_table(path, spec, load_config(profile="dst"))
    ignored = build_table(path, spec, load_config(profile="dst", ignore=["TAB001"]))
    small = full.rules["TAB001"]
    assert small.any(), "the fixture must have small cells"
    assert (ignored.suppressed[small] > 0).all()
    assert (ignored.suppressed == full.suppressed).all()
    assert not any(f.rule == "TAB001" for f in ignored.findings)
    assert any(f.rule == "TAB001" for f in full.findings)
    assert any("TAB001 is not enabled" in note for note in ignored.notes)


def test_unknown_column_names_the_closest(tmp_path: Path) -> None:
    path = _microdata(tmp_path)
    with pytest.raises(KeyError, match="did you mean 'region'"):
        compute_cells(path, TableSpec(("regoin",)))


def test_spec_validation() -> None:
    with pytest.raises(TableError, match="needs a --value"):
        TableSpec(("a",), stat=Stat.SUM)
    with pytest.raises(TableError, match="also a --by"):
        TableSpec(("a", "b"), value="b", stat=Stat.SUM)


runner = CliRunner()


def test_cli_writes_a_safe_table_and_json(tmp_path: Path) -> None:
    path = _microdata(tmp_path)
    out = tmp_path / "safe.csv"
    res = runner.invoke(app, ["table", str(path), "--by", "region,industry", "--value", "turnover",
                              "--unit", "firm", "--out", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema_version"] == 1 and data["by"] == ["region", "industry"] and data["profile"] == "dst"
    assert {"key", "count", "units", "total", "top1", "top2", "rules", "suppressed"} <= set(data["cells"][0])
    safe = pl.read_csv(out, infer_schema=False)
    assert safe.columns == ["region", "industry", "turnover"]
    assert (safe.get_column("turnover") == "n<3").sum() == sum(c["suppressed"] is not None for c in data["cells"])
    assert sum(c["suppressed"] == "secondary" for c in data["cells"]) > 0


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_cli_typed_outputs(tmp_path: Path, suffix: str) -> None:
    path = _microdata(tmp_path)
    out = tmp_path / f"safe{suffix}"
    res = runner.invoke(app, ["table", str(path), "--by", "region", "--by", "industry", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert out.exists() and out.stat().st_size > 0
    if suffix == ".parquet":
        frame = pl.read_parquet(out)
        assert frame.schema["count"] == pl.Int64
        assert frame.filter(pl.col("suppressed").is_not_null()).get_column("count").null_count() > 0


def test_check_finds_published_small_cells_and_recoverable_suppression(tmp_path: Path) -> None:
    rows = [("R1", "A", i, 1.0) for i in range(2)] + [("R1", "B", 10 + i, 1.0) for i in range(5)]
    rows += [("R2", "A", 20 + i, 1.0) for i in range(6)] + [("R2", "B", 30 + i, 1.0) for i in range(7)]
    data = _firms(tmp_path, rows)
    exported = tmp_path / "export.csv"
    # R1/A (2 units) is suppressed, but its row total and column total are published: recoverable
    exported.write_text("region,industry,n\nR1,A,n<3\nR1,B,5\nR1,Total,7\nR2,A,6\nR2,B,7\nTotal,A,8\n",
                        encoding="utf-8")
    res = runner.invoke(app, ["table", str(data), "--by", "region,industry", "--check", str(exported),
                              "--format", "json"])
    assert res.exit_code == 1, res.output
    found = json.loads(res.stdout)["findings"]
    assert [f["rule"] for f in found] == ["TAB004"]
    assert found[0]["location"]["row"] == 1 and found[0]["location"]["path"] == "export.csv"
    # a published small cell is TAB001 at its row
    exported.write_text("region,industry,n\nR1,A,2\nR1,B,5\n", encoding="utf-8")
    res = runner.invoke(app, ["table", str(data), "--by", "region,industry", "--check", str(exported),
                              "--format", "json"])
    assert res.exit_code == 1
    found = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["location"]["row"], f["severity"]) for f in found] == [("TAB001", 1, "block")]
    # suppressed with a hidden row total: safe
    exported.write_text("region,industry,n\nR1,A,n<3\nR1,B,n<3\nR2,A,6\nR2,B,7\n", encoding="utf-8")
    res = runner.invoke(app, ["table", str(data), "--by", "region,industry", "--check", str(exported)])
    assert res.exit_code == 0, res.output


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    path = _microdata(tmp_path)
    res = runner.invoke(app, ["table", str(path), "--by", "nope"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["table", str(path), "--by", "region", "--out", str(path)])
    assert res.exit_code == 2 and "overwrite" in res.output


def test_a_table_by_a_person_key_is_microdata(tmp_path: Path) -> None:
    rows = [(f"P{i % 40}", "A", i, 1.0) for i in range(200)]
    frame = pl.DataFrame(rows, schema={"pnr": pl.String, "industry": pl.String, "firm": pl.Int64,
                                       "turnover": pl.Float64}, orient="row")
    path = tmp_path / "p.parquet"
    frame.write_parquet(path)
    out = tmp_path / "safe.csv"
    res = runner.invoke(app, ["table", str(path), "--by", "pnr,industry", "--out", str(out), "--format", "json"])
    assert res.exit_code == 1
    found = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in found] == [("MIC002", "block")]
    assert not out.exists()


def test_growing_levels_stay_within_the_cell_limit(tmp_path: Path) -> None:
    # 3 dims whose levels arrive late: the capacities must not exceed max_cells while levels fit
    rng = np.random.default_rng(5)
    n = 4000
    frame = pl.DataFrame({"a": rng.integers(0, 15, n), "b": rng.integers(0, 15, n), "c": rng.integers(0, 15, n)})
    frame = frame.sort("a")  # new levels of a appear batch after batch
    path = tmp_path / "g.parquet"
    frame.write_parquet(path)
    cells = compute_cells(path, TableSpec(("a", "b", "c")), batch_rows=300, max_cells=4000)
    assert cells.shape == (15, 15, 15) and int(cells.count.sum()) == n
    with pytest.raises(TableError, match="more than"):
        compute_cells(path, TableSpec(("a", "b", "c")), batch_rows=300, max_cells=3000)


def test_reports_mask_identifier_like_labels(tmp_path: Path) -> None:
    # a label that is a person number must not appear in the JSON or console report
    pnr = "1903241316"
    rows = [(pnr if i < 2 else "Nord", "A", i, 5.0) for i in range(30)]
    path = _firms(tmp_path, rows)
    for fmt in ("json", "console"):
        res = runner.invoke(app, ["table", str(path), "--by", "region,industry", "--format", fmt, "-v"])
        assert res.exit_code == 0, res.output
        assert pnr not in res.output and "xxxxxxxx16" in res.output


def test_date_dimensions_and_nested_columns(tmp_path: Path) -> None:
    import datetime as dt

    frame = pl.DataFrame({
        "day": [dt.date(2020, 1, 1 + i % 3) for i in range(30)],
        "tags": [[i, i + 1] for i in range(30)],
    })
    path = tmp_path / "d.parquet"
    frame.write_parquet(path)
    cells = compute_cells(path, TableSpec(("day",)))
    assert cells.labels == [["2020-01-01", "2020-01-02", "2020-01-03"]]
    assert cells.count.tolist() == [10, 10, 10]
    with pytest.raises(TableError, match="lists or structures"):
        compute_cells(path, TableSpec(("tags",)))


# --- --check: wide exports (one dimension's levels as headers) -------------------------------------------------


def _check_data(tmp_path: Path) -> Path:
    """R1/A holds 2 firms (a small cell); every other cell is safe."""
    rows = [("R1", "A", i, 1.0) for i in range(2)] + [("R1", "B", 10 + i, 1.0) for i in range(5)]
    rows += [("R2", "A", 20 + i, 1.0) for i in range(6)] + [("R2", "B", 30 + i, 1.0) for i in range(7)]
    return _firms(tmp_path, rows)


def _check(tmp_path: Path, text: str, *extra: str) -> tuple[int, list[dict]]:
    exported = tmp_path / "export.csv"
    exported.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["table", str(_check_data(tmp_path)), "--by", "region,industry", "--check",
                              str(exported), "--format", "json", *extra])
    found = json.loads(res.stdout)["findings"] if res.exit_code in (0, 1) else []
    return res.exit_code, found


@pytest.mark.parametrize("text", [
    # the usual wide layout: a total column and a total row
    "region;A;B;I alt\nR1;n<3;5;7\nR2;6;7;13\nI alt;8;12;20\n",
    # headers in another case and spacing, Finnish total column, no total row
    "Region;a; b ;Yhteensä\nr1;..;5;7\nr2;6;7;13\n",
    # the row dimension under another name: matched by its labels
    "Område,A,B,Total\nR1,x,5,7\nR2,6,7,13\n",
    # the other dimension as headers, with a total row only
    "industry;R1;R2\nA;n<3;6\nB;5;7\nTotalt;7;13\n",
])
def test_check_reads_wide_exports(tmp_path: Path, text: str) -> None:
    code, found = _check(tmp_path, text)
    assert code == 1
    assert [(f["rule"], f["location"]["row"], f["location"]["cell"]) for f in found] == [
        ("TAB004", 1, {"region": "R1", "industry": "A"})]


def test_check_wide_export_with_a_published_small_cell(tmp_path: Path) -> None:
    code, found = _check(tmp_path, "region;A;B;I alt\nR1;2;5;7\nR2;6;7;13\n")
    assert code == 1
    assert [(f["rule"], f["location"]["row"], f["location"]["cell"]) for f in found] == [
        ("TAB001", 1, {"region": "R1", "industry": "A"})]


def test_check_wide_export_protected(tmp_path: Path) -> None:
    # R1's total is hidden too: nothing gives R1/A away; an empty cell is hidden as a marker is
    code, found = _check(tmp_path, "region;A;B;I alt\nR1;n<3;;\nR2;6;7;13\n")
    assert code == 0 and found == []


def test_check_wide_and_long_exports_agree(tmp_path: Path) -> None:
    long_code, long_found = _check(tmp_path, "region,industry,n\nR1,A,n<3\nR1,B,5\nR1,Total,7\nR2,A,6\nR2,B,7\n")
    wide_code, wide_found = _check(tmp_path, "region,A,B,Total\nR1,n<3,5,7\nR2,6,7,\n")
    assert long_code == wide_code == 1
    assert [f["location"]["cell"] for f in long_found] == [f["location"]["cell"] for f in wide_found]


def test_check_refuses_a_wide_export_it_cannot_match(tmp_path: Path) -> None:
    exported = tmp_path / "export.csv"
    exported.write_text("x;y;z\n1;2;3\n", encoding="utf-8")
    res = runner.invoke(app, ["table", str(_check_data(tmp_path)), "--by", "region,industry", "--check",
                              str(exported)])
    assert res.exit_code == 2 and "match none of its levels" in res.output
    exported.write_text("region;A;B\nR1;n<3;5\n", encoding="utf-8")
    res = runner.invoke(app, ["table", str(_check_data(tmp_path)), "--by", "region,industry", "--check",
                              str(exported), "--check-column", "A"])
    assert res.exit_code == 2 and "long export" in res.output


_VALUE = st.one_of(st.none(), st.integers(-5, 40), st.integers(-(2**40), 2**40))


def _in_range(values: list[int | None], dtype: pl.DataType) -> list[int | None]:
    """Drawn integers brought into ``dtype``'s range (UInt16 wraps, Int32 clips)."""
    if dtype == pl.UInt16:
        return [None if v is None else v % 65536 for v in values]
    if dtype == pl.Int32:
        return [None if v is None else max(min(v, 2**31 - 1), -(2**31)) for v in values]
    return values


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=1, max_size=30), min_size=1, max_size=5),
       st.sampled_from([pl.Int64, pl.Int32, pl.UInt16]))
def test_integer_dimension_codes_match_the_general_encoding(batches: list[list[int | None]],
                                                            dtype: pl.DataType) -> None:
    """Integer levels coded by table lookup get the codes and levels the hash-map encoding gives them."""
    fast, slow = _Dimension("d", dtype), _Dimension("d", dtype)
    for values in batches:
        values = _in_range(values, dtype)
        column = pl.Series("d", values, dtype=dtype)
        assert fast.encode(column).tolist() == slow.encode_by_map(column).tolist()
        assert fast.levels == slow.levels


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=1, max_size=30), min_size=1, max_size=5),
       st.sampled_from([pl.Int64, pl.Int32, pl.UInt16, pl.String]))
def test_dimension_lookups_give_the_codes_of_the_general_encoding(batches: list[list[int | None]],
                                                                  dtype: pl.DataType) -> None:
    """``lookup`` (what the cell-code kernel reads: raw values or indices, a table, an offset) gives every row
    the code and every batch the levels that the hash-map encoding gives them, as cell codes built by
    ``add_codes`` show."""
    from kernels.cells import add_codes

    fast, slow = _Dimension("d", dtype), _Dimension("d", dtype)
    for values in batches:
        values = _in_range(values, dtype)
        column = pl.Series("d", [None if v is None else (str(v) if dtype == pl.String else v) for v in values],
                           dtype=dtype)
        idx, lut, offset = fast.lookup(column)
        cell = np.zeros(column.len(), dtype=np.int64)
        add_codes(cell, idx, lut, offset, 1)
        assert cell.tolist() == slow.encode_by_map(column).tolist()
        assert fast.levels == slow.levels



def test_cell_rules_are_pure_their_order_and_their_findings_change_nothing(tmp_path: Path) -> None:
    """The suppression reads the analysis, not what a rule left behind: running the cell rules, in any
    order or not at all, leaves the table and what it flags unchanged."""
    from scanner.analysis.cell_flags import CELL_RULES, cell_flags, primary_cells
    from scanner.rules.context import RuleContext
    from scanner.rules.registry import get_rule

    path = _microdata(tmp_path)
    config = load_config(profile="dst")
    result = build_table(path, TableSpec(("region", "industry"), value="turnover", unit="firm", stat=Stat.SUM), config)
    table = result.table
    before = primary_cells(table, table.rule_options, config.profile)
    for code in reversed(sorted(CELL_RULES)):
        spec = get_rule(code)
        list(spec.func(RuleContext(spec, config.rules[code], config.profile, "t", b"k" * 32), table))
    after = primary_cells(table, table.rule_options, config.profile)
    assert all((a == b).all() for a, b in zip(before, after, strict=True))
    # the same question, a fresh table: the memo only saves work
    fresh = dataclasses.replace(table, cache={})
    for code in CELL_RULES:
        got, want = cell_flags(fresh, code, config.rules[code].options, config.profile), \
            cell_flags(table, code, config.rules[code].options, config.profile)
        assert (got is None) == (want is None)
        if got is not None and want is not None:
            assert (got.fail == want.fail).all() and (got.review == want.review).all()
            assert np.allclose(got.required, want.required)


_LABELS = st.one_of(st.none(), st.sampled_from(["Nord", "Syd", "Øst", "Vest", "", "I alt"]))


@given(st.lists(st.tuples(_LABELS, st.sampled_from(["A", "B", None]), st.integers(1, 4),
                          st.one_of(st.none(), st.floats(-10, 100))), min_size=1, max_size=40),
       st.integers(1, 7), st.booleans(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_parquet_text_dimensions_read_as_dictionary_codes_give_the_same_cells(
        tmp_path_factory: pytest.TempPathFactory, rows: list, group: int, extra_labels: bool, per_unit: bool) -> None:
    """The Parquet path that maps dictionary pages to level codes equals the general one (polars strings):
    nulls, row groups with different dictionaries, dictionary entries no row uses."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.loaders.columns import ParquetReader

    region = [r[0] for r in rows]
    if extra_labels:  # a dictionary that holds a label no row has
        values = pa.array(["Ubrugt", *sorted({v for v in region if v is not None})])
        region_arr = pa.DictionaryArray.from_arrays(
            pa.array([None if v is None else values.to_pylist().index(v) for v in region], pa.int32()), values)
    else:
        region_arr = pa.array(region, pa.string())
    table = pa.table({"region": region_arr, "sex": pa.array([r[1] for r in rows], pa.string()),
                      "firm": pa.array([r[2] for r in rows], pa.int64()),
                      "value": pa.array([r[3] for r in rows], pa.float64()),
                      # a timestamp in ms: both paths must read it as the reader's type (its labels are text)
                      "when": pa.array([r[2] * 86_400_000 for r in rows], pa.timestamp("ms"))})
    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    pq.write_table(table, path, row_group_size=group)
    spec = TableSpec(("region", "sex", "when"), value="value", unit="firm" if per_unit else None, stat=Stat.SUM)
    coded = compute_cells(path, spec, threads=1, batch_rows=3)
    original = ParquetReader.text_columns
    try:
        ParquetReader.text_columns = lambda self, names: []  # type: ignore[method-assign]
        general = compute_cells(path, spec, threads=1, batch_rows=3)
    finally:
        ParquetReader.text_columns = original  # type: ignore[method-assign]
    assert coded.labels == general.labels
    assert (coded.rows, coded.rows_missing_key) == (general.rows, general.rows_missing_key)
    for name in ("count", "units", "nvalid", "negative", "total", "top1", "top2"):
        np.testing.assert_array_equal(getattr(coded.stats, name), getattr(general.stats, name), err_msg=name)


def test_parquet_row_groups_read_in_parallel_come_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row groups read on several threads give the rows of the one-stream read, in file order, with the same
    dictionary columns; row groups above the limit are streamed in batches instead."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.loaders import columns as columns_module
    from scanner.loaders.columns import ParquetReader

    n = 10_000
    table = pa.table({"region": pa.array([f"R{(i * 7) % 13}" for i in range(n)]),
                      "year": pa.array([2015 + i % 9 for i in range(n)], pa.int32()),
                      "value": pa.array([float(i) for i in range(n)])})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=700)

    def read(threads: int) -> pa.Table:
        reader = ParquetReader(path)
        batches = list(reader.coded_batches(["region", "year", "value"], ["region"], 500, threads))
        assert all(b.num_rows <= 500 for b in batches)
        assert all(pa.types.is_dictionary(b.schema.field("region").type) for b in batches)
        return pa.Table.from_batches(batches)

    one, two = read(1), read(2)
    assert one.num_rows == two.num_rows == n
    for name in ("region", "year", "value"):
        assert one.column(name).to_pylist() == two.column(name).to_pylist() == table.column(name).to_pylist()
    monkeypatch.setattr(columns_module, "_PARALLEL_GROUP_ROWS", 100)  # groups too large: the batch stream
    assert read(2).column("value").to_pylist() == table.column("value").to_pylist()


def test_read_ahead_keeps_order_raises_in_place_and_closes_the_stream() -> None:
    from scanner.tables.compute import _read_ahead

    closed: list[bool] = []

    def items(fail_at: int | None) -> Iterator[int]:
        try:
            for i in range(6):
                if i == fail_at:
                    raise ValueError("bad batch")
                yield i
        finally:
            closed.append(True)

    assert list(_read_ahead(items(None))) == list(range(6))
    got: list[int] = []
    with pytest.raises(ValueError, match="bad batch"):
        for i in _read_ahead(items(3)):
            got.append(i)
    assert got == [0, 1, 2]
    stream = _read_ahead(items(None))
    assert next(stream) == 0
    stream.close()  # the consumer stops early: the source is closed, no thread left reading
    assert closed == [True, True, True]
