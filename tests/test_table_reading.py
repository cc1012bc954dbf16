"""How numbers, column roles and tables in text are read: the readings that decide whether a cell is checked.

Each case names the layout a real tool writes and what the reading must be; a wrong reading is a missed
small cell (a false pass) or a safe table failed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from scanner.config import load_config
from scanner.loaders.csv import open_csv
from scanner.loaders.texttables import find_tables
from scanner.names import statistic_kind
from scanner.table_model import ColumnInfo, ColumnKind, Role, TableModel, analyse
from scanner.table_model import _classify_text_numbers as classify
from scanner.table_model import _Locale as Locale
from scanner.table_model import _parse_numbers as parse_numbers


def _read(values: list[str], locale: Locale | None = None) -> list[float | None]:
    series = pl.Series("v", values)
    is_num, info = classify(series, frozenset(), locale)
    assert is_num, f"{values} should read as numbers"
    col = ColumnInfo(name="v", index=0, kind=ColumnKind.NUMERIC,
                     decimal_comma=bool(info.get("decimal_comma")),
                     thousands=info.get("thousands") if isinstance(info.get("thousands"), str) else None,
                     embedded=bool(info.get("embedded")))
    return parse_numbers(series, col).to_list()


@pytest.mark.parametrize(
    ("values", "locale", "expected"),
    [
        # Danish: dots group thousands. Whole numbers of at most three digits beside "50.285" settle it.
        (["50.285", "32.114", "2", "18.900"], Locale(), [50285, 32114, 2, 18900]),
        # ... and so does the file's decimal comma elsewhere, without any small whole number.
        (["50.285", "32.114"], Locale(comma=True), [50285, 32114]),
        (["1.234.567", "2"], Locale(), [1234567, 2]),
        (["1.234,5", "18,5"], Locale(), [1234.5, 18.5]),
        # Swedish: spaces and no-break spaces group thousands.
        (["12 345", "9\u00a0876", "2", "1 234 567"], Locale(), [12345, 9876, 2, 1234567]),
        # English: commas group thousands.
        (["12,345", "9,876", "2"], Locale(), [12345, 9876, 2]),
        (["1,234.5", "0.5"], Locale(), [1234.5, 0.5]),
        # Decimals stay decimals.
        (["0.123", "0.456"], Locale(), [0.123, 0.456]),
        (["18,5", "25", "30"], Locale(), [18.5, 25, 30]),
        (["12.345", "0.5"], Locale(), [12.345, 0.5]),
        # A comma with three digits in a decimal-comma file is a decimal.
        (["12,345", "13,5"], Locale(comma=True), [12.345, 13.5]),
    ],
)
def test_numbers_read_in_the_files_locale(values: list[str], locale: Locale, expected: list[float]) -> None:
    assert _read(values, locale) == pytest.approx(expected)


def test_undecided_three_digit_groups_are_read_as_thousands_and_say_so() -> None:
    _, info = classify(pl.Series("v", ["50.285", "32.114"]), frozenset(), Locale())
    assert info["thousands"] == "."
    assert "thousands" in str(info["unsure"])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["300", "2 (0.7)", "160 (53.3%)", "52.3 (10.2)"], [300, 2, 160, None]),
        (["n=28", "1/98", "35 (36%)", "45 [30, 60]"], [28, 1, 35, None]),
    ],
)
def test_counts_inside_text_cells(values: list[str], expected: list[float | None]) -> None:
    assert _read(values) == expected


def test_text_that_only_mentions_numbers_is_not_counts() -> None:
    is_num, _ = classify(pl.Series("v", ["see note 2", "approx. 40", "n/a", "Denmark"]), frozenset(), Locale())
    assert not is_num


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Std. Error", "spread"), ("Pr(>|t|)", "estimate"), ("p95", "percentile"), ("Maks.", "max"),
     ("andel største virksomhed", "dominance"), ("CR2", "dominance"), ("Mean Sq", "mean"), ("n (%)", None),
     ("Antal", None), ("2018Q3", None), ("I alt", None), ("Percent", "share"),
     # Danish and Swedish letters as written in ASCII names (ø as oe or o, ä as ae or a)
     ("andel_stoerste_pct", "dominance"), ("andel_storste", "dominance"), ("storsta_andel", "dominance"),
     ("hoejeste", "max"), ("laegsta", "min"),
     # a share and the largest unit(s) in any order; "St. Dev." (stargazer) is a standard deviation
     ("Andel af omsætning, største virksomhed", "dominance"), ("Omsætningsandel for de 2 største", "dominance"),
     ("Share of the two largest firms", "dominance"), ("Desktop share", "share"), ("St. Dev.", "spread")],
)
def test_statistic_names(name: str, kind: str | None) -> None:
    assert statistic_kind(name) == kind


def _model(tmp_path: Path, text: str, name: str = "t.csv") -> TableModel:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    config = load_config()
    mic, tab = config.options("MIC001"), config.options("TAB001")
    return analyse(open_csv(path), sample_rows=10_000, suppression_markers=config.profile.suppression_markers,
                   count_words=tab.count_words, not_count_words=tab.not_count_words, min_rows=mic.min_rows,
                   repeated_key_share=mic.repeated_key_share, duplicate_row_share=mic.duplicate_row_share)


def test_counts_with_all_different_values_are_not_codes(tmp_path: Path) -> None:
    model = _model(tmp_path, "Region;Mænd;Kvinder\nNord;1523;1687\nSyd;812;845\nØst;934;2\n")
    assert [c.name for c in model.counts] == ["Mænd", "Kvinder"]


def test_a_code_beside_its_labels_in_order_is_a_dimension(tmp_path: Path) -> None:
    model = _model(tmp_path, "Land,Lbl,Persons\nAlabama,1,1523\nAlaska,2,812\nArizona,4,934\n")
    assert model.column("Lbl").role is Role.DIMENSION
    assert model.column("Lbl").unsure  # a checker is asked when such a column holds small values
    assert [c.name for c in model.counts] == ["Persons"]


def test_counts_in_ascending_order_that_add_up_to_their_total_row_are_counts_not_codes(tmp_path: Path) -> None:
    """Sorted by size, a count column beside its labels looks like a code; its total row says otherwise."""
    model = _model(tmp_path, "Kommune;Mænd;Kvinder\nLæsø;2;7\nFanø;150;160\nSamsø;210;190\nI alt;362;357\n")
    assert [c.name for c in model.counts] == ["Mænd", "Kvinder"]
    assert not model.column("Mænd").unsure
    # without the total row the same column is still read as a code (and a checker is asked: unsure)
    model = _model(tmp_path, "Kommune;Mænd;Kvinder\nLæsø;2;7\nFanø;150;160\nSamsø;210;190\n")
    assert model.column("Mænd").unsure


def test_wide_category_headers_hold_cells(tmp_path: Path) -> None:
    model = _model(tmp_path, "Område;0-17 år;18-64 år;65 år og derover;I alt\nA;10;20;30;60\nB;11;21;1;33\n")
    assert [c.name for c in model.counts] == ["0-17 år", "18-64 år", "65 år og derover", "I alt"]


def test_model_output_is_not_counts(tmp_path: Path) -> None:
    model = _model(tmp_path, "term,estimate,std.error,statistic,p.value,N\n(Intercept),1.2,0.4,2.7,0.007,250\n"
                             "age,0.02,0.01,2.0,0.047,250\n")
    assert [c.name for c in model.counts] == ["N"]


def test_single_letter_headers_are_categories_without_model_output(tmp_path: Path) -> None:
    model = _model(tmp_path, "Group;A;B;P\nx;10;2;30\ny;9;21;31\nz;12;2;1\n")
    assert [c.name for c in model.counts] == ["A", "B", "P"]


def test_r_row_names_are_not_a_dimension(tmp_path: Path) -> None:
    rows = "".join(f'"{i}",{20 + i % 50},"{"MK"[i % 2]}",{1000 * i + 7}\n' for i in range(1, 61))
    model = _model(tmp_path, '"","age","sex","income"\n' + rows)
    assert model.column("column_1").role is Role.OTHER


def test_pipe_table_and_aligned_columns_are_found() -> None:
    text = ("# Note\n\n| Region | n |\n|---|--:|\n| A | 12 |\n| B | 2 |\n\nprose here\n\n"
            "Diagnosis    Patients\nAsthma            120\nCOPD                1\n")
    tables = list(find_tables(text, first_line=10))
    assert [(t.kind, t.names, t.data_line) for t in tables] == [
        ("pipe", ["Region", "n"], 14), ("fixed-width", ["Diagnosis", "Patients"], 20)]
    assert tables[0].rows == [["A", "12"], ["B", "2"]]


def test_stata_listing_header_joins_its_rows_across_the_rule() -> None:
    text = ("        gap |      Freq.     Percent\n------------+----------------------\n"
            "          0 |    454,943       99.16\n          1 |          1        0.00\n")
    (table,) = find_tables(text)
    assert table.names == ["gap", "Freq.", "Percent"]
    assert table.rows[1] == ["1", "1", "0.00"]


def test_printed_data_frames_are_found() -> None:
    r_print = ("       region aar2019 aar2020\n1 Hovedstaden     128     197\n2    Sjælland      32       2\n"
               "3  Syddanmark     224     142\n")
    (table,) = find_tables(r_print)
    assert table.names == ["column_1", "region", "aar2019", "aar2020"]
    assert table.rows[1] == ["2", "Sjælland", "32", "2"]
    tibble = ("# A tibble: 3 x 2\n  region      n\n  <chr>   <int>\n1 Nord      120\n2 Syd         2\n"
              "3 Øst        45\n")
    (table,) = find_tables(tibble)
    assert table.names == ["column_1", "region", "n"]
    assert [r[2] for r in table.rows] == ["120", "2", "45"]


def test_aligned_columns_that_do_not_line_up_are_split_on_wide_gaps() -> None:
    text = "Name\tCount\nAlpha\t12\nBeta gamma\t2\nDelta\t40\n"
    (table,) = find_tables(text)
    assert table.names == ["Name", "Count"]


def test_prose_is_not_a_table() -> None:
    text = "We used data from 2015  to 2020.\nThe results  are robust  to this.\nSee  the appendix  for 3 more.\n"
    assert not [t for t in find_tables(text) if t.kind == "pipe"]
    assert len(list(find_tables("One line  with  spaces 2\nand nothing more\n"))) == 0


def test_compound_code_names_are_dimensions(tmp_path: Path) -> None:
    model = _model(tmp_path, "Region;Regionskode;Antal\nHovedstaden;1;1523\nMidtjylland;4;812\nNordjylland;5;934\n"
                             "Sjælland;2;455\nSyddanmark;3;470\n")
    assert model.column("Regionskode").role is Role.DIMENSION
    assert [c.name for c in model.counts] == ["Antal"]


def test_two_header_rows_name_the_categories_of_a_dimension(tmp_path: Path) -> None:
    # SPSS crosstab export: "Kjønn" over "Menn", "Kvinner", "Total"; a dimension word in the upper row
    # does not make the category column a dimension.
    model = _model(tmp_path, '"","","Kjønn","",""\n"","","Menn","Kvinner","Total"\n'
                             '"Næring","Industri","878","654","1532"\n"","Varehandel","27","2","29"\n'
                             '"Total","","905","656","1561"\n')
    assert [c.name for c in model.counts] == ["Kjønn | Menn", "Kvinner", "Total"]


def test_years_behind_a_prefix_are_periods(tmp_path: Path) -> None:
    model = _model(tmp_path, "region,X2019,X2020,X2021\nNord,128,197,243\nSyd,32,114,2\nØst,224,142,134\n")
    assert [c.name for c in model.counts] == ["X2019", "X2020", "X2021"]
    single = _model(tmp_path, "kom2007;navn;antal\n101;København;500\n147;Frederiksberg;300\n")
    assert not single.column("kom2007").period_header


def test_a_data_frame_printed_under_its_command_keeps_its_header() -> None:
    """R, Python and IPython print a data frame right under the command that printed it: the prompt line
    is not part of the table, so the header is read (and MIC002 sees the key column by its name)."""
    from scanner.loaders.texttables import find_tables

    frame = ("  lopnr alder koen indkomst\n1 10234    34    1   312000\n2 10891    57    2   289500\n"
             "3 12033    41    1   455100\n")
    for prompt in ("> head(cohort)\n", ">>> df.head()\n", "In [4]: df.head()\n", ""):
        tables = list(find_tables(prompt + frame, 1))
        assert len(tables) == 1, prompt
        assert tables[0].names[1:] == ["lopnr", "alder", "koen", "indkomst"], prompt
        assert tables[0].data_line == (3 if prompt else 2)


def test_crosstabs_printed_with_a_line_naming_the_row_dimensions_are_read() -> None:
    """pandas prints the index name on its own line under the columns' name and labels; R's ftable prints
    the row dimensions' names under the column labels (years). Both are tables of counts."""
    from scanner.loaders.texttables import find_tables

    pandas = ">>> pd.crosstab(df.sex, df.region)\nregion  Nord  Syd  Øst\nsex                   \n" \
             "F         45    2   67\nM         51   39   70\n"
    (table,) = find_tables(pandas, 1)
    assert table.names == ["sex", "Nord", "Syd", "Øst"] and table.rows[0] == ["F", "45", "2", "67"]
    assert table.data_line == 4
    ftable = "           year 2019 2020\nsex region               \nF   Nord          20   25\n" \
             "    Syd            1   30\nM   Nord          22   19\n    Syd           40   33\n"
    (table,) = find_tables(ftable, 1)
    assert table.names == ["sex", "region", "2019", "2020"]
    assert table.rows[1] == ["", "Syd", "1", "30"] and table.data_line == 3


def test_a_table_under_title_lines_and_a_summary_row_are_read() -> None:
    """SPSS prints titles and the column variable's name above a crosstab; R's summary() prints one row of
    statistics under their names. Both are tables (TAB001 and EXT001 read them)."""
    from scanner.loaders.texttables import find_tables

    spss = ("Region * Sex Crosstabulation\nCount\n                 Sex\n                 Female   Male   Total\n"
            "Region  North       45      2      47\n        South       51     39      90\n"
            "Total               96     41     137\n")
    (table,) = find_tables(spss, 1)
    assert table.names[2:] == ["Female", "Male", "Total"] and table.rows[0][2:] == ["45", "2", "47"]
    assert table.data_line == 5
    summary = ("> summary(x)\n   Min. 1st Qu.  Median    Mean 3rd Qu.    Max. \n"
               " 410000  432500  455000  455000  477500  500000 \n")
    (table,) = find_tables(summary, 1)
    assert table.names == ["Min.", "1st Qu.", "Median", "Mean", "3rd Qu.", "Max."] and table.data_line == 3
    # two lines of prose with a number are no table
    assert list(find_tables("The minimum was low.\nIt was 12 in 2019 and 14 in 2020.\n", 1)) == []


@pytest.mark.parametrize(("first", "below", "header"), [
    (["", "1", "2", "Total"], [["North", "45", "38", "83"], ["South", "2", "51", "53"]], True),  # sex coded 1/2
    (["", "1", "2"], [["North", "45", "38"], ["South", "12", "51"]], True),
    (["region", "men", "women"], [["North", "45", "38"], ["South", "2", "51"]], True),
    (["", "38", "45"], [["North", "45", "38"], ["South", "2", "51"]], True),  # increasing: a header by form
    (["", "45", "38"], [["North", "4", "3"], ["South", "2", "51"]], False),  # not increasing: a row of cells
    (["", "1", "2"], [["1", "45", "38"], ["2", "2", "51"]], False),  # rows without labels: data
    (["North", "45", "38"], [["South", "2", "51"], ["West", "9", "9"]], False),
    (["", "1", "2"], [["North", "45", "38"]], False),  # one row below: too little to tell
])
def test_numeric_column_levels_are_a_header(first: list[str], below: list[list[str]], header: bool) -> None:
    from scanner.loaders.texttables import is_header_row

    assert is_header_row(first, below) is header


def test_pipe_table_with_numeric_levels_reads_its_header() -> None:
    (t,) = find_tables("|        | 1  | 2  | Total |\n|--------|----|----|-------|\n| North  | 45 | 38 | 83    |\n"
                       "| South  | 2  | 51 | 53    |\n")
    assert t.names == ["column_1", "1", "2", "Total"]
    assert t.rows == [["North", "45", "38", "83"], ["South", "2", "51", "53"]]


SURVMINER = """Kaplan-Meier estimate, overall survival

Number at risk
Strata      0     12     24     36
sex=1     120     98     45     {a}
sex=2      60     40     10      6

Time in months
"""


@pytest.mark.parametrize(("small", "expected"), [(2, ["120", "98", "45", "2", "60", "40", "10", "6"]),
                                                 (12, ["120", "98", "45", "12", "60", "40", "10", "6"])])
def test_risk_table_under_a_survival_plot(small: int, expected: list[str]) -> None:
    (t,) = [t for t in find_tables(SURVMINER.format(a=small), 10) if t.kind == "risk-table"]
    assert [r[1] for r in t.rows] == expected  # the time axis (0 12 24 36) is not counts
    assert t.rows[0][0] == "sex=1 (1)"
    assert t.lines == (14, 14, 14, 14, 15, 15, 15, 15)


@pytest.mark.parametrize(("small", "expected"), [(2, ["5", "3", "2", "1", "0"]), (1400, None)])
def test_danish_risk_table_with_numbered_strata(small: int, expected: list[str] | None) -> None:
    # "Antal i risiko" (Danish, Norwegian); a stratum named "Type 1" keeps its number in its label
    text = f"Antal i risiko\nType 1 3000 2588 2258 1946 {small}\nType 2   5 3 2 1 0\n"
    (t,) = [t for t in find_tables(text) if t.kind == "risk-table"]
    assert t.rows[0] == ["Type 1 (1)", "3000"]
    assert [r[1] for r in t.rows if r[0].startswith("Type 2")] == ["5", "3", "2", "1", "0"]
    assert [r[1] for r in t.rows if r[0].startswith("Type 1")][-1] == str(small)


def test_risk_in_prose_is_not_a_risk_table() -> None:
    text = "The population at risk was 120 in 2019 and 98 in 2020, and 2 of them moved.\n"
    assert not [t for t in find_tables(text) if t.kind == "risk-table"]


def test_risk_table_in_a_pdf_figure(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scanner import api
    from scanner.findings import Verdict

    for small, verdict in ((2, Verdict.FAIL), (21, Verdict.PASS)):
        fig, (ax, ax2) = plt.subplots(2, 1, gridspec_kw={"height_ratios": [4, 1]})
        ax.step([0, 12, 24, 36, 48], [1, 0.8, 0.6, 0.5, 0.4], where="post")
        ax2.axis("off")
        ax2.text(-5, 0.5, "Number at risk")
        for x, n in zip(range(0, 60, 12), [120, 98, 45, 30, small], strict=True):
            ax2.text(x, 0.1, str(n))
        path = tmp_path / f"km{small}.pdf"
        fig.savefig(path)
        plt.close(fig)
        (result,) = api.scan([path], load_config(), jobs=1).files
        assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]


def test_linked_margin_from_a_total_column_of_a_wider_table() -> None:
    from scanner.loaders.texttables import TextTable, linked_margins

    # sheet 1 hides a cell as "x" (with a note row under it); sheet 2 gives each institution's total beside
    # a percentage: the total column is the margin that recomputes the hidden cell
    first = TextTable(["Institution", "Drenge", "Piger"],
                      [["Aarhus", "188", "231"], ["Ærø", "x", "5"], ["Tønder", "73", "88"],
                       ["x: færre end 3 elever", "", ""]], 3, "sheet")
    second = TextTable(["Institution", "I alt", "Gennemførelsesprocent"],
                       [["Aarhus", "419", "88.9"], ["Ærø", "6", "91.1"], ["Tønder", "161", "74.2"]], 3, "sheet")
    ((k, _, linked),) = linked_margins([first, second])
    assert k == 0
    assert linked.names[-1] == "I alt (linked table)"
    assert [r[-1] for r in linked.rows[:3]] == ["419", "6", "161"]


def test_a_report_with_a_units_line_under_its_header_and_a_source_note() -> None:
    from scanner.loaders.texttables import find_tables

    text = ("TABEL 7. LØNSUM EFTER BRANCHE, REGION SJÆLLAND 2022\n" + "=" * 80 + "\n"
            "Branche                          Virksomheder        Lønsum     Største virk.\n"
            "                                        antal      mio. kr.       andel, pct.\n" + "-" * 80 + "\n"
            "Landbrug, skovbrug og fiskeri            2.011       2.411,2               3,1\n"
            "Råstofindvinding                            11         101,4              89,6\n"
            "Industri                                 1.120      10.233,7               9,8\n" + "-" * 80 + "\n"
            "Kilde: Egne beregninger på FIRM og e-Indkomst.\n")
    (table,) = find_tables(text, 1)
    assert table.names == ["Branche", "Virksomheder | antal", "Lønsum | mio. kr.", "Største virk. | andel, pct."]
    assert table.rows[1] == ["Råstofindvinding", "11", "101,4", "89,6"]


def test_a_seven_digit_number_grouped_by_spaces_is_one_cell_under_a_header_split_at_its_space() -> None:
    """Swedish groups of three: "2 114 724" in a column of six-digit numbers leaves a one-character gutter
    after its "2", and the header "Barn 0–17 år" one at its space: one column, not a column of a "2"."""
    from scanner.loaders.texttables import find_tables

    text = ("Kommungrupp                               Barn 0–17 år       Trångbodda, %\n"
            "Storstäder                                     612 408                  24,1\n"
            "Större städer                                  701 225                  17,8\n"
            "Pendlingskommuner                              402 977                  13,2\n"
            "Landsbygdskommuner                             398 114                   9,6\n"
            "Riket                                        2 114 724                  17,4\n")
    (table,) = list(find_tables(text))
    assert table.names == ["Kommungrupp", "Barn 0–17 år", "Trångbodda, %"]
    assert [r[1] for r in table.rows][-1] == "2 114 724"
    # two named columns of numbers stay two ("n" over its counts, "pct" over its shares)
    two = "Gruppe    n   pct\nA         2   918\nB         4   512\nC         3   101\n"
    (other,) = list(find_tables(two))
    assert other.names == ["Gruppe", "n", "pct"]
