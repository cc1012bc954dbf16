"""Tests for scanner.loaders.columns (streaming readers of selected columns, for ``sdcscan table``) and
scanner.loaders.stats (SAS/Stata/SPSS data files as a TabularSource, for ``sdcscan scan``).

Fixtures are generated into tmp_path: Parquet and CSV with polars, a ``;``-separated cp1252 CSV with
decimal commas by hand, XPT/DTA/SAV/ZSAV/POR with pyreadstat's writers. sas7bdat cannot be written, so
its tests read the real-world corpus where it lies (``../shared/corpus`` or ``$SDCSCAN_CORPUS``) and skip
with a reason when it is absent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyreadstat
import pytest
from polars.testing import assert_frame_equal

from scanner.loaders import columns as column_readers
from scanner.loaders.base import LoadError
from scanner.loaders.columns import (
    ColumnError,
    ColumnTypeError,
    CsvReader,
    ParquetReader,
    StatReader,
)
from scanner.loaders.stats import StatsSource, open_stats_file
from tests.conftest import corpus_root


def open_microdata(path: Path):
    """The reader ``sdcscan table`` uses for ``path`` (the format registry's table part)."""
    from scanner.formats import open_table

    return open_table(path).columns()

N_ROWS = 60
# Rows 0-24 of "late" are missing: with batch_rows=7 the first batches hold only nulls in it.
LATE_FROM = 25
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland", "Ærø Ø")
# POR files are written in a 7-bit character set by ReadStat: the same labels without Danish letters.
REGIONS_ASCII = ("Hovedstaden", "Sjaelland", "Syddanmark", "Midtjylland", "Nordjylland", "AEroe OE")
NUMERIC = ("industry", "turnover", "late")


def base_frame(regions: tuple[str, ...] = REGIONS) -> pl.DataFrame:
    """The microdata every generated file holds: labels with Danish letters, codes with leading zeros,
    an integer, a float, and a float column that is missing in the first rows."""
    rng = random.Random(20240607)
    rows = range(N_ROWS)
    return pl.DataFrame(
        {
            "region": [regions[i % len(regions)] for i in rows],
            "industry": [10 + (i * 7) % 13 for i in rows],
            "turnover": [round(rng.uniform(0, 1e6), 2) for _ in rows],
            "firm_id": [f"{(i * 7919) % 100_000:08d}" for i in rows],
            "late": [None if i < LATE_FROM else round(i * 1.5, 1) for i in rows],
        },
        schema={
            "region": pl.String,
            "industry": pl.Int64,
            "turnover": pl.Float64,
            "firm_id": pl.String,
            "late": pl.Float64,
        },
    )


def canaries(frame: pl.DataFrame) -> set[str]:
    """Cell texts that must never appear in an error message or note: every text value of three or more
    characters (shorter ones occur in any sentence) and the turnover amounts as written."""
    out: set[str] = set()
    for column in frame.columns:
        series = frame.get_column(column)
        if series.dtype == pl.String:
            out.update(v for v in series.to_list() if v is not None and len(v) >= 3)
    if "turnover" in frame.columns:
        out.update(f"{v:.2f}" for v in frame.get_column("turnover").to_list())
    return out


@dataclass(frozen=True)
class Case:
    """A generated file and the frame its reader must return (names and dtypes as the reader gives)."""

    fmt: str
    path: Path
    expected: pl.DataFrame


def _stat_expected(frame: pl.DataFrame) -> pl.DataFrame:
    # pyreadstat writes every number as a double (SAS, SPSS, and Stata for int64 columns).
    return frame.with_columns(pl.col(NUMERIC).cast(pl.Float64))


def write_parquet(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.parquet"
    frame.write_parquet(path, row_group_size=16)
    return Case("parquet", path, frame)


def write_csv(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.csv"
    frame.write_csv(path)
    return Case("csv", path, frame)


def write_csv_cp1252(tmp: Path) -> Case:
    """A Danish Excel-style export: ``;`` delimiter, decimal commas, cp1252."""
    frame = base_frame()
    lines = ["region;industry;turnover;firm_id;late"]
    for row in frame.iter_rows():
        region, industry, turnover, firm_id, late = row
        late_text = "" if late is None else str(late).replace(".", ",")
        lines.append(f"{region};{industry};{str(turnover).replace('.', ',')};{firm_id};{late_text}")
    path = tmp / "firms_cp1252.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return Case("csv", path, frame)


def _pandas(frame: pl.DataFrame) -> pd.DataFrame:
    return frame.to_pandas()


def write_xpt(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.xpt"
    pyreadstat.write_xport(_pandas(frame), path)
    return Case("xpt", path, _stat_expected(frame))


def write_dta(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.dta"
    pyreadstat.write_dta(_pandas(frame), path)
    return Case("dta", path, _stat_expected(frame))


def write_sav(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.sav"
    pyreadstat.write_sav(_pandas(frame), path)
    return Case("sav", path, _stat_expected(frame))


def write_zsav(tmp: Path) -> Case:
    frame = base_frame()
    path = tmp / "firms.zsav"
    pyreadstat.write_sav(_pandas(frame), path, compress=True)
    return Case("sav", path, _stat_expected(frame))


def write_por(tmp: Path) -> Case:
    frame = base_frame(REGIONS_ASCII)
    path = tmp / "firms.por"
    pyreadstat.write_por(_pandas(frame), path)
    # The portable format keeps names in upper case.
    expected = _stat_expected(frame).rename(str.upper)
    return Case("por", path, expected)


def sas7bdat_case(tmp: Path) -> Case:
    """The corpus's pyreadstat sample: 5 rows, a string, numbers, a date, a datetime and a time, with
    one row missing in the date columns. Expected values come from pyreadstat's own full read."""
    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    path = root / "sas" / "pyreadstat_sample.sas7bdat"
    frame, _ = pyreadstat.read_sas7bdat(str(path), output_format="polars")
    # Time formats are durations here (SAS TIME values may exceed a day); pyreadstat gives times of day.
    expected = frame.with_columns(
        (pl.col("mytime").cast(pl.Int64) // 1000).cast(pl.Duration("us")),
        pl.col("dtime").cast(pl.Datetime("us")),
    )
    return Case("sas7bdat", path, expected)


WRITERS: dict[str, Callable[[Path], Case]] = {
    "parquet": write_parquet,
    "csv": write_csv,
    "csv-cp1252": write_csv_cp1252,
    "xpt": write_xpt,
    "dta": write_dta,
    "sav": write_sav,
    "zsav": write_zsav,
    "por": write_por,
}
GENERATED = list(WRITERS)
ALL_KINDS = [*GENERATED, pytest.param("sas7bdat", marks=pytest.mark.corpus)]


def make_case(kind: str, tmp: Path) -> Case:
    return sas7bdat_case(tmp) if kind == "sas7bdat" else WRITERS[kind](tmp)


def read_all(reader: column_readers.MicrodataReader, columns: list[str], batch_rows: int) -> list[pl.DataFrame]:
    return list(reader.batches(columns, batch_rows))


def name(case: Case, column: str) -> str:
    """A base column's name in the case's file (upper case in POR files)."""
    return column.upper() if case.fmt == "por" else column


# -- every format --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_columns_and_dtypes_known_up_front(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    assert reader.format == case.fmt
    assert reader.columns == dict(case.expected.schema)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_selected_columns_only_in_requested_order(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    wanted = list(reversed(case.expected.columns))[:3]
    batches = read_all(reader, wanted, 4)
    assert batches, "no batches"
    for batch in batches:
        assert batch.columns == wanted
    assert_frame_equal(pl.concat(batches), case.expected.select(wanted))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_dtypes_stable_across_small_batches(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    columns = case.expected.columns
    batches = read_all(reader, columns, 1 if kind == "sas7bdat" else 7)
    want = {c: reader.columns[c] for c in columns}
    assert [b.height for b in batches[:-1]] == [batches[0].height] * (len(batches) - 1)
    assert sum(b.height for b in batches) == case.expected.height
    for batch in batches:
        assert dict(batch.schema) == want
    # Some batch has a column that is missing in every row, and still has the column's dtype.
    all_null = [(i, c) for i, b in enumerate(batches) for c in columns if b.get_column(c).null_count() == b.height]
    assert all_null, "the fixture must have a batch where a column is all missing"
    if kind != "sas7bdat":
        assert (0, name(case, "late")) in all_null


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_batches_concatenate_to_the_whole_file(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    columns = case.expected.columns
    whole = read_all(reader, columns, 10**6)
    assert len(whole) == 1
    small = pl.concat(read_all(reader, columns, 3))
    assert_frame_equal(small, whole[0])
    assert_frame_equal(whole[0], case.expected)
    assert reader.problems() == ()  # type: ignore[attr-defined]
    notes = " | ".join(reader.notes())
    assert not any(c in notes for c in canaries(case.expected))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_unknown_column_suggests_the_closest(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    real = case.expected.columns[1]
    typo = real[:-1] + ("x" if real[-1] != "x" else "y")
    with pytest.raises(ColumnError) as info:
        reader.batches([case.expected.columns[0], typo])
    err = info.value
    assert isinstance(err, KeyError)
    assert err.missing == (typo,)
    assert f"did you mean {real!r}" in str(err)
    for column in case.expected.columns:
        assert repr(column) in str(err)


@pytest.mark.parametrize(
    "kind", [k for k in GENERATED if k != "por"] + [pytest.param("sas7bdat", marks=pytest.mark.corpus)]
)
def test_unknown_column_case_only(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    reader = open_microdata(case.path)
    first = case.expected.columns[0]
    with pytest.raises(ColumnError, match=f"did you mean {first!r}"):
        reader.batches([first.swapcase()])


def _consume(path: Path) -> None:
    reader = open_microdata(path)
    for _ in reader.batches(list(reader.columns), 16):
        pass


def _truncated(case: Case, tmp: Path) -> Path:
    data = case.path.read_bytes()
    cut = len(data) // 2 + 1
    if case.fmt == "xpt" and cut % 80 == 0:
        cut += 1
    out = tmp / f"truncated{case.path.suffix}"
    out.write_bytes(data[:cut])
    return out


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k not in ("csv", "csv-cp1252")])
def test_truncated_file_raises_load_error(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    broken = _truncated(case, tmp_path)
    with pytest.raises(LoadError) as info:
        _consume(broken)
    message = str(info.value)
    assert info.value.reason == message
    assert not any(c in message for c in canaries(case.expected))


def test_truncated_csv_inside_a_quoted_field_raises_load_error(tmp_path: Path) -> None:
    # A CSV cut at a row boundary is a valid, shorter CSV; cut inside a quoted field it is not.
    path = tmp_path / "notes.csv"
    path.write_text('id,comment\n1,"Sjælland, ""kort"" note"\n2,"Ærø Ø og\nflere linjer', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        _consume(path)
    assert "Sjælland" not in str(info.value)
    assert "Ærø" not in str(info.value)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xpt", ".dta", ".sav", ".zsav", ".por", ".sas7bdat"])
def test_random_bytes_with_the_right_extension_raise_load_error(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(random.Random(suffix).randbytes(6000))
    with pytest.raises(LoadError):
        _consume(path)


# -- dispatch and the column request -------------------------------------------------------------------


def test_content_beats_extension(tmp_path: Path) -> None:
    case = write_parquet(tmp_path)
    disguised = tmp_path / "firms.dat"
    disguised.write_bytes(case.path.read_bytes())
    assert isinstance(open_microdata(disguised), ParquetReader)
    sav = write_sav(tmp_path)
    renamed = tmp_path / "firms.bin"
    renamed.write_bytes(sav.path.read_bytes())
    reader = open_microdata(renamed)
    assert isinstance(reader, StatReader)
    assert reader.format == "sav"


def test_empty_and_unknown_files_raise_load_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="empty file"):
        open_microdata(empty)
    png = tmp_path / "figure.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(LoadError, match="not a microdata file"):
        open_microdata(png)


def test_bad_column_requests(tmp_path: Path) -> None:
    reader = open_microdata(write_parquet(tmp_path).path)
    with pytest.raises(TypeError):
        reader.batches("region")
    with pytest.raises(ValueError, match="more than once"):
        reader.batches(["region", "region"])
    with pytest.raises(ValueError, match="no columns"):
        reader.batches([])
    with pytest.raises(ValueError, match="batch_rows"):
        reader.batches(["region"], 0)


def test_num_rows(tmp_path: Path) -> None:
    assert open_microdata(write_parquet(tmp_path).path).num_rows == N_ROWS
    assert open_microdata(write_dta(tmp_path).path).num_rows == N_ROWS
    assert open_microdata(write_sav(tmp_path).path).num_rows == N_ROWS
    assert open_microdata(write_xpt(tmp_path).path).num_rows is None  # transport files do not record it
    assert open_microdata(write_csv(tmp_path).path).num_rows is None


# -- Parquet -------------------------------------------------------------------------------------------


def test_parquet_path_is_not_a_pattern_nor_a_partition(tmp_path: Path) -> None:
    folder = tmp_path / "year=2020"
    folder.mkdir()
    path = folder / "part[1].parquet"
    base_frame().write_parquet(path)
    reader = open_microdata(path)
    assert list(reader.columns) == base_frame().columns  # no "year" column from the folder name
    assert sum(b.height for b in reader.batches(["region"])) == N_ROWS


# -- CSV -----------------------------------------------------------------------------------------------


def test_csv_cp1252_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    case = write_csv_cp1252(tmp_path)
    reader = open_microdata(case.path)
    assert reader.columns["turnover"] == pl.Float64
    assert reader.columns["late"] == pl.Float64
    assert reader.columns["firm_id"] == pl.String  # codes with leading zeros stay text
    (frame,) = reader.batches(["region", "turnover"])
    assert frame.get_column("region").to_list()[:6] == list(REGIONS)
    assert frame.get_column("turnover").to_list() == case.expected.get_column("turnover").to_list()
    notes = " | ".join(reader.notes())
    assert "Arrow CSV reader: encoding cp1252" in notes
    assert "2 column(s) with decimal commas" in notes


def test_csv_missing_tokens_and_codes(tmp_path: Path) -> None:
    path = tmp_path / "kommuner.csv"
    path.write_text("kommune,antal,andel,navn\n0101,5,0.5,NA\n0147,NA,.,København\n0151,.,1.25,\n", encoding="utf-8")
    reader = open_microdata(path)
    assert reader.columns == {"kommune": pl.String, "antal": pl.Int64, "andel": pl.Float64, "navn": pl.String}
    (frame,) = reader.batches(["kommune", "antal", "andel", "navn"])
    assert frame.to_dict(as_series=False) == {
        "kommune": ["0101", "0147", "0151"],
        "antal": [5, None, None],
        "andel": [0.5, None, 1.25],
        "navn": ["NA", "København", None],  # a text column keeps NA as written; an empty cell is null
    }


def test_csv_title_lines_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "statbank.csv"
    path.write_text(
        "Virksomheder efter region\nregion;antal\n" + "".join(f"{r};{i}\n" for i, r in enumerate(REGIONS)),
        encoding="utf-8",
    )
    reader = open_microdata(path)
    (frame,) = reader.batches(["antal", "region"])
    assert frame.to_dict(as_series=False) == {"antal": list(range(6)), "region": list(REGIONS)}
    assert not any("Arrow" in n for n in reader.notes())  # streamed by polars


def test_csv_bom_and_crlf_stream_through_polars(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "region,antal\r\nSjælland,3\r\nÆrø Ø,4\r\n".encode())
    reader = open_microdata(path)
    assert list(reader.columns) == ["region", "antal"]  # the BOM is not part of the first name
    (frame,) = reader.batches(["region", "antal"])
    assert frame.to_dict(as_series=False) == {"region": ["Sjælland", "Ærø Ø"], "antal": [3, 4]}
    assert not any("Arrow" in n for n in reader.notes())


def test_csv_type_drift_raises_and_the_column_becomes_text(tmp_path: Path) -> None:
    path = tmp_path / "drift.csv"
    values = [str(i) for i in range(1500)]
    values[1234] = "oplyses ikke"
    path.write_text("id,x\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)), encoding="utf-8")
    reader = CsvReader(path, infer_rows=1000)
    assert reader.columns["x"] == pl.Int64
    stream = reader.batches(["x"], 1000)
    first = next(stream)
    assert first.get_column("x").dtype == pl.Int64
    with pytest.raises(ColumnTypeError) as info:
        next(stream)
    err = info.value
    assert isinstance(err, LoadError)
    assert err.column == "x"
    assert "1 value(s) in data rows 1001-1500" in str(err)
    assert "oplyses" not in str(err)
    assert reader.columns["x"] == pl.String
    again = pl.concat(list(reader.batches(["x"], 1000)))
    assert again.get_column("x").to_list() == values


def test_csv_blank_lines_are_not_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("a,b\n1,x\n\n2,y\r\n\r\n3,z\n\n", encoding="utf-8")
    reader = open_microdata(path)
    (frame,) = reader.batches(["a", "b"])
    assert frame.to_dict(as_series=False) == {"a": [1, 2, 3], "b": ["x", "y", "z"]}
    assert any("blank lines" in n for n in reader.notes())


def _big_csv(path: Path, rows: int, blank_after: int | None = None) -> int:
    """Write ``rows`` rows; with ``blank_after``, an empty line after that many rows, whose byte offset
    is returned."""
    header = "id,region,value\n"
    lines = [f"{i},{REGIONS[i % 6]},{i * 0.5}\n" for i in range(rows)]
    offset = -1
    if blank_after is not None:
        offset = len((header + "".join(lines[:blank_after])).encode("utf-8"))
        lines.insert(blank_after, "\n")
    path.write_text(header + "".join(lines), encoding="utf-8")
    return offset


def test_csv_blank_line_deep_inside_before_the_first_batch(tmp_path: Path) -> None:
    # Beyond the first and last MiB, the blank line is found while streaming; nothing was yielded yet,
    # so the Arrow reader takes over and the blank line is not a row.
    path = tmp_path / "deep.csv"
    blank = _big_csv(path, 120_000, blank_after=60_000)
    assert 1 << 20 < blank < path.stat().st_size - (1 << 20)
    reader = open_microdata(path)
    assert not any("Arrow" in n for n in reader.notes())
    frames = list(reader.batches(["id", "value"], 200_000))
    ids = pl.concat(frames).get_column("id")
    assert ids.to_list() == list(range(120_000))
    assert any("blank lines in the data" in n for n in reader.notes())


def test_csv_blank_line_after_yielded_batches_raises(tmp_path: Path) -> None:
    path = tmp_path / "deep.csv"
    _big_csv(path, 120_000, blank_after=60_000)
    reader = open_microdata(path)
    seen = 0
    with pytest.raises(LoadError, match="blank lines in the data"):
        for frame in reader.batches(["id"], 10_000):
            seen += frame.height
    assert 0 < seen <= 60_000  # every row before the batch holding the blank line


def test_csv_empty_requested_cells_without_blank_lines_are_rows(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,c\n1,x,p\n,,q\n3,z,r\n", encoding="utf-8")
    reader = open_microdata(path)
    (frame,) = reader.batches(["a", "b"])
    assert frame.to_dict(as_series=False) == {"a": [1, None, 3], "b": ["x", None, "z"]}


def test_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    small = tmp_path / "ragged.csv"
    small.write_text("a,b\n1,x\n2,y,extra\n3,z\n", encoding="utf-8")
    reader = open_microdata(small)
    (frame,) = reader.batches(["a", "b"])
    assert frame.get_column("a").to_list() == [1, 3]  # skipped by the Arrow reader after polars failed
    assert "1 row had a different number of fields than the header and was not inspected" in reader.notes()

    big = tmp_path / "ragged_late.csv"
    _big_csv(big, 50_000)
    with big.open("a", encoding="utf-8") as fh:
        fh.write("50000,Sjælland,1.0,surplus\n")
    # (The type inference reads only the first 1000 rows, so the row is met while streaming.) polars
    # parses only the requested columns: the row is read by its leading fields.
    assert sum(f.height for f in CsvReader(big, infer_rows=1000).batches(["id"], 10_000)) == 50_001
    # Reading every column, or with check_fields, the extra field is found. polars parses ahead of the
    # batches it hands out, so it may fail before the first batch: then the Arrow reader takes over and
    # skips and counts the row; after a batch was yielded, LoadError. Either way the row is not read.
    for reader, columns in (
        (CsvReader(big, infer_rows=1000), ["id", "region", "value"]),
        (CsvReader(big, infer_rows=1000, check_fields=True), ["id"]),
    ):
        rows = 0
        try:
            for frame in reader.batches(columns, 10_000):
                rows += frame.height
        except LoadError as exc:
            assert "more fields than the header" in str(exc)
            assert "Sjælland" not in str(exc)
            assert rows < 50_000
        else:
            assert rows == 50_000
            assert "1 row had a different number of fields than the header and was not inspected" in reader.notes()


def test_csv_random_bytes_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(LoadError, match="not a delimited text file"):
        open_microdata(path)


# -- SAS, Stata, SPSS -----------------------------------------------------------------------------------


def _dated_frame() -> pd.DataFrame:
    days = [dt.date(1959, 12, 31) + dt.timedelta(days=400 * i) for i in range(30)]
    stamps = [dt.datetime(1960, 1, 1, 0, 0, 1) + dt.timedelta(seconds=987_654 * i, microseconds=0) for i in range(30)]
    frame = pd.DataFrame({"day": pd.Series(days, dtype=object), "stamp": stamps, "n": [float(i) for i in range(30)]})
    frame.loc[3, "day"] = None
    frame.loc[4, "stamp"] = pd.NaT
    return frame


@pytest.mark.parametrize(
    ("suffix", "writer"),
    [
        (".xpt", pyreadstat.write_xport),
        (".dta", pyreadstat.write_dta),
        (".sav", pyreadstat.write_sav),
        (".por", pyreadstat.write_por),
    ],
)
def test_dates_and_datetimes(suffix: str, writer: Callable[..., None], tmp_path: Path) -> None:
    source = _dated_frame()
    path = tmp_path / f"dated{suffix}"
    writer(source, path)
    reader = open_microdata(path)
    columns = list(reader.columns)
    day, stamp = columns[0], columns[1]
    assert reader.columns[day] == pl.Date
    assert reader.columns[stamp] == pl.Datetime("us")
    frame = pl.concat(list(reader.batches([day, stamp], 4)))
    expected_days = [None if pd.isna(d) else d for d in source["day"]]
    expected_stamps = [None if pd.isna(s) else s.to_pydatetime() for s in source["stamp"]]
    assert frame.get_column(day).to_list() == expected_days
    assert frame.get_column(stamp).to_list() == expected_stamps
    assert any("date/time column(s) converted" in n for n in reader.notes())


def test_value_labels_are_not_applied(tmp_path: Path) -> None:
    path = tmp_path / "labelled.sav"
    frame = pd.DataFrame({"sex": [1.0, 2.0, 2.0, 1.0], "kommune": [101.0, 147.0, 101.0, 151.0]})
    pyreadstat.write_sav(frame, path, variable_value_labels={"sex": {1: "Mand", 2: "Kvinde"}})
    reader = open_microdata(path)
    (out,) = reader.batches(["sex", "kommune"])
    assert out.get_column("sex").to_list() == [1.0, 2.0, 2.0, 1.0]
    assert "value labels not applied: columns hold the codes" in reader.notes()


def test_many_columns_are_read_in_smaller_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With a small cell budget each pyreadstat call reads fewer rows than batch_rows. For a transport
    # file (no row count) the end is found by asking for one row more: exact multiples must not lose or
    # repeat a row.
    frame = pd.DataFrame({f"v{i}": [float(r * 10 + i) for r in range(40)] for i in range(10)})
    for suffix, writer in ((".xpt", pyreadstat.write_xport), (".sav", pyreadstat.write_sav)):
        path = tmp_path / f"wide{suffix}"
        writer(frame, path)
        for budget in (100, 80, 70):  # 10, 8 and 7 rows per call for 10 columns
            monkeypatch.setattr(column_readers, "_STAT_CELLS_PER_CHUNK", budget)
            reader = open_microdata(path)
            batches = list(reader.batches(list(reader.columns), 1000))
            assert max(b.height for b in batches) == budget // 10
            assert_frame_equal(pl.concat(batches), pl.from_pandas(frame), check_dtypes=False)


def test_text_in_a_wrong_declared_encoding_falls_back_to_cp1252(tmp_path: Path) -> None:
    # An SPSS file that declares UTF-8 but holds a cp1252 string (same length, so the layout holds).
    good = tmp_path / "utf8.sav"
    pyreadstat.write_sav(pd.DataFrame({"region": ["Sjælland", "Fyn"], "n": [1.0, 2.0]}), good)
    data = good.read_bytes()
    assert data.count("Sjælland".encode()) == 1
    bad = tmp_path / "mixed.sav"
    bad.write_bytes(data.replace("Sjælland".encode(), "Sjælland ".encode("cp1252")))
    with pytest.raises(pyreadstat.ReadstatError):
        pyreadstat.read_sav(str(bad))
    reader = open_microdata(bad)
    (frame,) = reader.batches(["region", "n"])
    assert frame.get_column("region").to_list() == ["Sjælland", "Fyn"]
    problem = "text not valid in the file's declared encoding: read as WINDOWS-1252"
    assert reader.problems() == (problem,)  # type: ignore[attr-defined]
    source = open_stats_file(bad)
    assert sum(b.num_rows for b in source.batches()) == 2
    assert source.incomplete() == (problem,)
    assert source.meta.encoding == "WINDOWS-1252"


def test_xport_with_two_data_sets_is_refused(tmp_path: Path) -> None:
    # ReadStat would read the second data set's header records as rows of the first.
    one, two = tmp_path / "one.xpt", tmp_path / "two.xpt"
    pyreadstat.write_xport(pd.DataFrame({"a": [1.0, 2.0]}), one, file_format_version=5, table_name="ONE")
    pyreadstat.write_xport(pd.DataFrame({"b": [3.0, 4.0, 5.0]}), two, file_format_version=5, table_name="TWO")
    second = two.read_bytes()
    member = second.index(b"HEADER RECORD*******MEMBER  HEADER RECORD")
    both = tmp_path / "both.xpt"
    both.write_bytes(one.read_bytes() + second[member:])
    with pytest.raises(LoadError, match="holds 2 data sets"):
        open_microdata(both)


@pytest.mark.corpus
def test_stata_storage_types(corpus: Path) -> None:
    reader = open_microdata(corpus / "stata" / "haven_types.dta")
    _, meta = pyreadstat.read_dta(str(corpus / "stata" / "haven_types.dta"), metadataonly=True)
    storage = {"int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "float": pl.Float32, "double": pl.Float64}
    for column, readstat_type in meta.readstat_variable_types.items():
        display = meta.original_variable_types[column]
        if display.startswith("%td"):
            assert reader.columns[column] == pl.Date
        elif display.startswith("%tc"):
            assert reader.columns[column] == pl.Datetime("us")
        elif readstat_type == "string":
            assert reader.columns[column] == pl.String
        else:
            assert reader.columns[column] == storage[readstat_type], column
    assert set(reader.columns.values()) >= {pl.Int8, pl.Int16, pl.Int32, pl.Float32, pl.Float64, pl.String}


@pytest.mark.corpus
@pytest.mark.parametrize(
    "relpath",
    ["sas/haven_datetime.sas7bdat", "sas/pyreadstat_sample.sas7bdat", "stata/pyreadstat_sample.dta",
     "spss/pyreadstat_sample.sav", "spss/haven_datetime.sav", "sas/pyreadstat_dates_xpt_v8.xpt"],
)  # fmt: skip
def test_corpus_dates_match_pyreadstat(relpath: str, corpus: Path) -> None:
    path = corpus / relpath
    reference, _ = _READ_FUNCTIONS[path.suffix](str(path), output_format="polars")
    reader = open_microdata(path)
    frame = pl.concat(list(reader.batches(list(reader.columns), 2)))
    compared = 0
    for column, dtype in reader.columns.items():
        ref = reference.get_column(column)
        if (dtype == pl.Date or isinstance(dtype, pl.Datetime)) and ref.dtype.is_temporal() and ref.dtype != pl.Time:
            # As microseconds since 1970: the corpus has a datetime in the year 201416, beyond Python's.
            ours = frame.get_column(column).cast(pl.Datetime("us")).cast(pl.Int64).to_list()
            assert ours == ref.cast(pl.Datetime("us")).cast(pl.Int64).to_list()
            compared += 1
        elif isinstance(dtype, pl.Duration) and ref.dtype == pl.Time:
            ours = frame.get_column(column).dt.total_microseconds().to_list()
            theirs = (ref.cast(pl.Int64) // 1000).to_list()  # nanoseconds since midnight -> microseconds
            assert ours == theirs
            compared += 1
    assert compared >= 1


# -- open_stats_file (the file scan) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["xpt", "dta", "sav", "zsav", "por", pytest.param("sas7bdat", marks=pytest.mark.corpus)]
)
def test_stats_source_schema_matches_batches(kind: str, tmp_path: Path) -> None:
    case = make_case(kind, tmp_path)
    source = open_stats_file(case.path)
    assert source.meta.format == case.fmt
    assert source.schema.names == case.expected.columns
    batches = list(source.batches(4))
    assert all(b.num_rows <= 4 for b in batches)
    for batch in batches:
        assert batch.schema == source.schema
    table = pa.Table.from_batches(batches, schema=source.schema)
    assert table.num_rows == case.expected.height
    assert source.incomplete() == ()
    assert source.meta.incomplete == ()
    strings = [f.type for f in source.schema if pa.types.is_large_string(f.type)]
    assert strings, "string columns are large_string"
    back = pl.from_arrow(table)
    assert isinstance(back, pl.DataFrame)
    assert_frame_equal(back, case.expected)


def test_stats_source_refuses_other_formats(tmp_path: Path) -> None:
    case = write_parquet(tmp_path)
    with pytest.raises(LoadError, match="not a SAS, Stata or SPSS data file"):
        open_stats_file(case.path)
    assert isinstance(open_stats_file(write_dta(tmp_path).path), StatsSource)


def _corpus_stat_files() -> list[Path]:
    root = corpus_root()
    if root is None:
        return []
    suffixes = {".sas7bdat", ".xpt", ".dta", ".sav", ".zsav", ".por"}
    return sorted(p for kind in ("sas", "stata", "spss") for p in (root / kind).glob("*") if p.suffix in suffixes)


_READ_FUNCTIONS: dict[str, Callable[..., tuple[pl.DataFrame, object]]] = {
    ".sas7bdat": pyreadstat.read_sas7bdat,
    ".xpt": pyreadstat.read_xport,
    ".dta": pyreadstat.read_dta,
    ".sav": pyreadstat.read_sav,
    ".zsav": pyreadstat.read_sav,
    ".por": pyreadstat.read_por,
}


def _reference_rows(path: Path) -> int:
    fn = _READ_FUNCTIONS[path.suffix]
    _, meta = fn(str(path), metadataonly=True)
    if isinstance(meta.number_rows, int) and meta.number_rows >= 0:
        return int(meta.number_rows)
    frame, _ = fn(str(path), output_format="polars")  # transport and portable files: count by reading
    return int(frame.height)


@pytest.mark.corpus
def test_corpus_stat_files_read_completely_or_raise_load_error() -> None:
    files = _corpus_stat_files()
    if not files:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    read = refused = 0
    for path in files:
        try:
            source = open_stats_file(path)
            rows = 0
            for batch in source.batches(100):
                assert batch.schema == source.schema, path.name
                rows += batch.num_rows
        except LoadError:
            refused += 1
            continue
        assert rows == _reference_rows(path), path.name
        reader = open_microdata(path)
        if reader.num_rows is not None:
            assert reader.num_rows == rows, path.name
        read += 1
    assert read >= 40  # every SAS/Stata/SPSS data file in the corpus is readable today
    assert read + refused == len(files)


def test_load_error_reasons_never_quote_values(tmp_path: Path) -> None:
    # A string that is also a plausible error phrase: it must not come back in any reason.
    frame = pd.DataFrame({"s": ["Invalid file secret 0101", "x"], "n": [1.0, 2.0]})
    for suffix, writer in ((".dta", pyreadstat.write_dta), (".sav", pyreadstat.write_sav)):
        path = tmp_path / f"s{suffix}"
        writer(frame, path)
        data = path.read_bytes()
        broken = tmp_path / f"broken{suffix}"
        broken.write_bytes(data[: len(data) // 2])
        with pytest.raises(LoadError) as info:
            _consume(broken)
        assert "secret" not in str(info.value)
        assert "0101" not in str(info.value)


def test_table_kinds_come_from_the_format_registry() -> None:
    """`sdcscan table`'s kinds and extensions are the registered readers' (one module per format)."""
    from scanner.discover import FileKind
    from scanner.formats import microdata_extensions, microdata_formats, readers

    formats = microdata_formats()
    assert formats == {FileKind.CSV: "csv", FileKind.PARQUET: "parquet", FileKind.FEATHER: "arrow",
                       FileKind.SAS7BDAT: "sas7bdat", FileKind.XPT: "xpt", FileKind.DTA: "dta", FileKind.SAV: "sav",
                       FileKind.POR: "por"}
    assert set(microdata_extensions().values()) <= set(formats)
    for spec in readers():
        assert set(spec.microdata) <= spec.kinds and set(spec.extensions.values()) <= spec.kinds, spec.name


def test_truncated_parquet_is_damaged_not_encrypted(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner import api
    from scanner.config import load_config
    from scanner.findings import Verdict

    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"region": ["Nord", "Syd"], "antal": [200, 300]}), whole)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[:-40])
    (result,) = api.scan([cut], load_config(), jobs=1).files
    assert result.verdict is Verdict.REVIEW
    (fil,) = [f for f in result.findings if f.rule == "FIL001"]
    assert "truncated" in fil.message and "encrypted" not in fil.message


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_a_crosstab_saved_as_a_data_set_is_judged_as_a_table(suffix: str, tmp_path: Path) -> None:
    """A Stata or SPSS file that is a crosstab (sex x age group, a count named lkm) is read as a table: no MIC001
    review for the file format, and its small cell is TAB001's; a data set of persons still gets MIC001."""
    from scanner import api
    from scanner.config import load_config

    write = pyreadstat.write_dta if suffix == ".dta" else pyreadstat.write_sav
    groups = ["18-24", "25-34", "35-49", "50-64", "65+"]
    safe = pd.DataFrame({"kunta": [k for k in ("Inari", "Kemi", "Tornio") for _ in groups],
                         "ikaryhma": groups * 3, "lkm": [40 + 7 * k for k in range(15)]})
    unsafe = safe.assign(lkm=[1 if k == 14 else 40 + 7 * k for k in range(15)])
    rng = random.Random(3)
    persons = pd.DataFrame({"ika": [rng.randrange(18, 90) for _ in range(60)],
                            "kunta": [rng.choice(["Inari", "Kemi", "Tornio"]) for _ in range(60)],
                            "tulot": [rng.randrange(9000, 90000) for _ in range(60)],
                            "lkm_lapsia": [rng.randrange(0, 4) for _ in range(60)]})
    for name, frame in (("safe", safe), ("unsafe", unsafe), ("persons", persons)):
        write(frame, tmp_path / f"{name}{suffix}")
    result = api.scan([tmp_path], load_config(), jobs=1)
    rules = {Path(f.path).stem: {x.rule for x in f.findings} for f in result.files}
    assert rules["safe"] == set()
    assert rules["unsafe"] == {"TAB001"}
    assert "MIC001" in rules["persons"]
