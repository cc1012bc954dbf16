"""MIC003 unique-quasi-identifiers and the MIC001 bare key lists: the pieces of the decision, one by one.

The case files (tests/rules/cases/MIC00*.toml) show whole files pass or fail; these tests pin down why:
which dates are exact, which columns a fill leaves out, which names are keys, and that no message quotes a
protected value.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from scanner import api
from scanner.config import load_config
from scanner.loaders.csv import open_csv
from scanner.names import identifier_kind, quasi_identifier_kind
from scanner.rules import microdata
from scanner.table_model import ColumnInfo, ColumnKind, TableModel


def _model(tmp_path: Path, text: str, name: str = "t.csv") -> TableModel:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return api.analyse_table(open_csv(path), load_config())


def _text_column(values: list[str]) -> tuple[pl.Series, ColumnInfo]:
    return pl.Series("d", values, dtype=pl.String), ColumnInfo(name="d", index=0, kind=ColumnKind.TEXT)


# --- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (["1950-02-01", "2001-12-13"], [dt.date(1950, 2, 1), dt.date(2001, 12, 13)]),
        (["01-02-1950", "13-12-2001"], [dt.date(1950, 2, 1), dt.date(2001, 12, 13)]),
        (["1.2.1950", "13.12.2001"], [dt.date(1950, 2, 1), dt.date(2001, 12, 13)]),
        (["01FEB1950", "13DEC2001"], [dt.date(1950, 2, 1), dt.date(2001, 12, 13)]),
        (["1950-02-01 08:15:00", "2001-12-13T23:59:59Z"], [dt.date(1950, 2, 1), dt.date(2001, 12, 13)]),
    ],
)
def test_day_precision_dates_in_the_forms_tools_write(written: list[str], expected: list[dt.date]) -> None:
    raw, col = _text_column(written)
    dates = microdata._as_dates(raw, col)
    assert dates is not None and dates.to_list() == expected


def test_text_that_is_not_dates_is_not_read_as_dates() -> None:
    raw, col = _text_column(["Nord", "Syd", "2020", "1-2", "Øst"])
    assert microdata._as_dates(raw, col) is None


def test_register_dates_written_as_yyyymmdd_numbers() -> None:
    col = ColumnInfo(name="foed_dag", index=0, kind=ColumnKind.NUMERIC, integral=True, non_null=3)
    dates = microdata._as_dates(pl.Series("foed_dag", [19560312.0, 19801231.0, 20010101.0]), col)
    assert dates is not None and dates.to_list()[0] == dt.date(1956, 3, 12)
    counts = pl.Series("n", [19560312.0, 19801399.0, 20010101.0])  # 13th month: not all dates
    assert microdata._as_dates(counts, col) is None


def _days(days: list[int]) -> pl.Series:
    return pl.Series([dt.date(2020, 1, 1) + dt.timedelta(days=d) for d in days])


def test_birth_dates_are_exact_and_series_are_not() -> None:
    rng = random.Random(3)
    births = pl.Series([dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(27_000)) for _ in range(200)])
    assert microdata._exact_dates(births)
    assert not microdata._exact_dates(_days(list(range(60))))  # daily
    assert not microdata._exact_dates(_days([7 * w for w in range(30)]))  # weekly
    assert not microdata._exact_dates(_days([7 * w for w in range(30) if w % 3]))  # weekly with gaps
    monthly = pl.Series([dt.date(2018 + m // 12, m % 12 + 1, 1) for m in range(36)])
    assert not microdata._exact_dates(monthly)
    assert not microdata._exact_dates(births.head(4))  # too few to say


# --- fill of the cross product -----------------------------------------------------------------------------


def test_fill_of_a_complete_crosstab_is_one() -> None:
    frame = pl.DataFrame({"region": [r for r in "ABCDE" for _ in range(6)],
                          "sex": [s for _ in range(5) for s in "MK" for _ in range(3)],
                          "year": [y for _ in range(10) for y in (2020, 2021, 2022)]})
    kept, fill, product = microdata._fill(frame)
    assert sorted(kept) == ["region", "sex", "year"] and fill == pytest.approx(1.0) and product == pytest.approx(30)


def test_fill_leaves_out_determined_and_unique_columns() -> None:
    # Municipalities nested in regions, a code one-to-one with its label, a unique value column: one
    # dimension (municipality) crossed with sex, filled completely.
    kommuner = [f"K{i}" for i in range(12)]
    rows = [(k, f"R{i % 3}", 100 + i, s) for i, k in enumerate(kommuner) for s in "MK"]
    frame = pl.DataFrame({"kommune": [r[0] for r in rows], "region": [r[1] for r in rows],
                          "kode": [r[2] for r in rows], "sex": [r[3] for r in rows],
                          "unique": list(range(len(rows)))})
    kept, fill, _ = microdata._fill(frame)
    assert "region" not in kept and "unique" not in kept and len({"kommune", "kode"} & set(kept)) == 1
    assert fill == pytest.approx(1.0)


def test_fill_of_person_records_is_small() -> None:
    rng = random.Random(5)
    frame = pl.DataFrame({"sex": [rng.choice("MK") for _ in range(300)],
                          "age": [rng.randint(18, 90) for _ in range(300)],
                          "postnr": [rng.choice(range(1000, 1030)) for _ in range(300)]})
    _kept, fill, _ = microdata._fill(frame)
    assert fill < 0.1


# --- coupling with the table analysis ------------------------------------------------------------------


def test_a_count_column_is_recognised_by_its_name(tmp_path: Path) -> None:
    """MIC001 and MIC003 read "named as counts" from the analysis's reason: if that wording changes, this
    test, not a silent change of verdicts, says so."""
    model = _model(tmp_path, "region;antal;vaerdi_x\n" + "".join(f"R{i};{10 + i};{i * 7}\n" for i in range(25)))
    assert microdata._named_count(model.column("antal"))
    assert not microdata._named_count(model.column("vaerdi_x"))


def test_a_birth_date_named_column_is_a_quasi_identifier_though_a_direct_identifier(tmp_path: Path) -> None:
    rng = random.Random(8)
    lines = ["fodelsedatum,kon,kommun,inkomst"]
    for _ in range(40):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
        town = rng.choice(["Lund", "Umeå"])
        lines.append(f"{born.isoformat()},{rng.choice('12')},{town},{rng.randint(150, 900) * 1000}")
    model = _model(tmp_path, "\n".join(lines) + "\n")
    quasi = {q.col.name: q for q in microdata._quasi_identifiers(model, 16)}
    assert quasi["fodelsedatum"].exact_dates and quasi["fodelsedatum"].kind == "birth date"
    assert "inkomst" not in quasi


# --- whole files: what the rule says, and what it must not say -------------------------------------------


def _findings(folder: Path, code: str) -> list[object]:
    result = api.scan([folder], load_config(select=[code]), jobs=1)
    return [f for f in result.findings() if f.rule == code]


def test_messages_never_quote_dates_postcodes_or_keys(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    rng = random.Random(11)
    born = [dt.date(1931, 1, 1) + dt.timedelta(days=rng.randrange(25_000)) for _ in range(50)]
    postcodes = [f"{rng.randint(100, 984)} {rng.randint(10, 99)}" for _ in range(50)]
    lines = ["fodelsedatum;kon;postnummer;kommun"] + [
        f"{b.strftime('%d.%m.%Y')};{rng.choice('MK')};{p};{rng.choice(['Lund', 'Umeå', 'Kiruna'])}"
        for b, p in zip(born, postcodes, strict=True)]
    (export / "kohort.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = rng.sample(range(10_000_000, 99_999_999), 40)
    (export / "urval.txt").write_text("\n".join(map(str, keys)) + "\n", encoding="utf-8")
    found = _findings(export, "MIC003") + _findings(export, "MIC001")
    assert {(f.rule, f.location.path) for f in found} == {("MIC003", "export/kohort.csv"),  # type: ignore[attr-defined]
                                                        ("MIC001", "export/urval.txt")}
    text = " ".join(f"{f.message} {f.evidence}" for f in found)  # type: ignore[attr-defined]
    for b in born:
        assert b.strftime("%d.%m.%Y") not in text and b.isoformat() not in text
    for p in postcodes:
        assert p not in text
    for k in keys:
        assert str(k) not in text


def test_only_the_first_columns_are_measured(tmp_path: Path) -> None:
    """``max_columns`` bounds the work on a wide file of many label columns."""
    header = ",".join(f"c{i}" for i in range(30))
    rows = [",".join(f"v{(r * 7 + i) % 5}" for i in range(30)) for r in range(40)]
    model = _model(tmp_path, header + "\n" + "\n".join(rows) + "\n")
    assert len(microdata._quasi_identifiers(model, 16)) == 16


def test_a_headerless_csv_of_letter_and_digit_keys_has_no_header(tmp_path: Path) -> None:
    """The first key is data, not a column name (which would put a raw key into every message)."""
    rng = random.Random(12)
    keys = [f"K{k}" for k in rng.sample(range(1_000_000, 9_999_999), 40)]
    path = tmp_path / "udvalg.csv"
    path.write_text("\n".join(keys) + "\n", encoding="utf-8")
    source = open_csv(path)
    assert source.meta.header_rows == 0 and source.schema.names == ["column_1"]
    assert sum(b.num_rows for b in source.batches()) == 40
    named = tmp_path / "named.csv"
    named.write_text("LopNr\n" + "\n".join(keys) + "\n", encoding="utf-8")
    assert open_csv(named).schema.names == ["LopNr"]


# --- key vocabulary -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "LopNr", "PeOrgLopNr", "ArbStLopNr", "CfarLopNr", "FamLopNr", "FastLopNr", "LopNr_KontrollNr", "Fam_Id",
    "P0456_LopNr_PersonNr", "PNR", "ARBNR", "LBNR", "ARBGNR", "CVRNR", "CFARNR", "FAMILIE_ID", "C_FAMILIE_ID",
    "AEGTE_ID", "E_FAELLE_ID", "MOR_ID", "FAR_ID", "BARN_ID", "ADRESSE_ID", "husstand_id", "AJO_ARBNR_SENR",
    "fnr-løpenummer", "løpenummer", "org.nr", "bedriftsnr", "foretaksnummer", "hushold-id", "shnro", "ytunnus",
    "Y-tunnus", "yritystunnus", "toimipaikkatunnus", "asuntokunta-id", "perhe-id", "AstNr_LISA",
])
def test_register_keys_of_the_nordic_offices(name: str) -> None:
    assert identifier_kind(name) == "register key"


@pytest.mark.parametrize("name", [
    "husstandstype", "familietype", "husholdningstype", "perhetyyppi", "asuntokuntakoko", "toimipaikka_lkm",
    "BOPIKOM", "OPGIKOM", "kommune", "region", "antal", "personer", "husstande", "arbetstid", "bedrift",
])
def test_dimensions_and_counts_named_after_units_are_not_keys(name: str) -> None:
    assert identifier_kind(name) is None


@pytest.mark.parametrize(("name", "kind"), [
    ("fødselsdato", "birth date"), ("syntymaaika", "birth date"), ("dob", "birth date"),
    ("fodelsear", "birth year"), ("postnr", "postcode"), ("Postinumero", "postcode"), ("ZIP", "postcode"),
    ("køn", "sex"), ("kjonn", "sex"), ("sukupuoli", "sex"), ("alder", "age"), ("ika", "age"),
    ("kommune", "area"), ("kunta", "area"), ("indkomst", None), ("antal", None),
    ("07459: Befolkning, etter region, kjønn og år", None),
])
def test_quasi_identifier_names(name: str, kind: str | None) -> None:
    assert quasi_identifier_kind(name) == kind
