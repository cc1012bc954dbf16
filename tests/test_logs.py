"""Logs, listings, notebooks and program code (issue 11): the kernel against its reference, the readers
(SMCL, SAS listings, Stata, R, pandas, notebooks, programs), generated samples in every language with their
verdicts, and the real corpus logs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernels import logscan as kernel
from scanner import api
from scanner.config import load_config
from scanner.findings import Verdict
from scanner.loaders import printouts, programs
from scanner.loaders.printouts import OutputState, parse_output, read_log, read_notebook, strip_smcl
from scanner.loaders.programs import Language, Origin, embedded_tables, read_program
from tests.conftest import corpus_root
from tests.log_samples import PLAIN_NOTES, SAMPLES, Sample, knitted_md, r_levels
from tests.reference import logs as ref

# --- the kernel against its plain-Python specification ----------------------------------------------------

_FRAGMENTS = [
    b"if pnr = 1 then delete;", b"  where lopnr in (1023, 4471);", b"NOTE: There were 5 observations",
    b"      real time",
    b"12   data x;", b"13   datalines;", b". drop if lopnr==1234", b"> x <- data.frame(pnr = c(1,2))", b"+ y",
    b"df[df['cpr'] == '0101']", b"df.pnr.isin([1, 2])", b"inlist(pnr, 1, 2)", b"  1  2  3", b"", b"   ",
    b"\x0c1   The SAS System", b"MPRINT(X):  if a eq 5;", b"x %in% c(1)", b"a <> 3 b ^= 4 c ~= 'x'", b"\r",
    b"tibble(", b"cards4;", b"x == -1", b"\tin (1)", b"ANY(pnr, 5)", b"WARNING: x", b"SYMBOLGEN: y", b"ERROR 22-322: z",
    b"k\xc3\xb8n = 1", b"for (pnr in c(1, 2))", b". ", b">", b"> ", b"  2. tab x",
    # reversed comparisons, references and names on the right (issue 11, COD001 gaps)
    b"1234 == pnr", b"if 12345678 = cvr_nr;", b'"0101" == df.cpr', b"x == &id", b"pnr %in% ids", b'df[["cpr"]] == 1',
    b"1 = df$cpr", b"pnr == `id'", b"x1 = pnr", b"12.5 eq y", b"4 in pnr", b"1 <- pnr", b"1 <> df['pnr']",
    b"12   1234 = pnr", b"MPRINT(M):   2 = lopnr", b"datalines;  \r", b"   cards4 ;", b"x = $g", b"'a' ne b.c[",
    b"\x0b\n\x0b", b"a !=b", b"3==df[\"x", b"(1) == y",
    # Python and IPython consoles
    b">>> df[df.pnr == 1023]", b"... x", b">>>", b">>>x", b"In [3]: df.head()", b"   ...: y", b"In []: z", b"...",
    b"Out[3]: 5", b"  ...:",
    # negated lists and pandas' .ne()
    b"where pnr not in (1234, 5678);", b"WHERE PNR NOT IN (1)", b"x not eq 5", b"df.lopnr.ne(1234)", b"not in (1)",
    b" not in (2)", b"df[df.pnr.isin(ids)]", b"x.isin( ids)", b"x.isin(1", b"x.ISIN(y)",
]


def _kernel(data: bytes, mode: int, min_lines: int = 2, max_block: int = 1 << 20) -> tuple[list, list, list, int]:
    buf = np.frombuffer(data, dtype=np.uint8)
    words = kernel.words_of(buf)
    blocks, comps, marks = (np.empty((4, 6), np.int64), np.empty((4, 6), np.int64), np.empty((4, 3), np.int64))
    nb, nc, nm, n = kernel.scan_log(buf, words, 0, len(buf), mode, min_lines, max_block, blocks, comps, marks)
    if nb > 4 or nc > 4 or nm > 4:  # the caller's second run with room for all
        blocks, comps, marks = (np.empty((nb, 6), np.int64), np.empty((nc, 6), np.int64), np.empty((nm, 3), np.int64))
        nb, nc, nm, n = kernel.scan_log(buf, words, 0, len(buf), mode, min_lines, max_block, blocks, comps, marks)
    return ([tuple(r) for r in blocks[:nb].tolist()], [tuple(r) for r in comps[:nc].tolist()],
            [tuple(r) for r in marks[:nm].tolist()], n)


_SAS_LOG_HEAD = "1          The SAS System\n\nNOTE: Copyright (c) 2016 by SAS Institute Inc.\n"
MODES = [kernel.MODE_CODE, kernel.MODE_SAS, kernel.MODE_STATA, kernel.MODE_R, kernel.MODE_OUTPUT,
         kernel.MODE_PYTHON]


@pytest.mark.parametrize("mode", MODES)
def test_kernel_matches_reference_on_a_log(mode: int) -> None:
    data = b"\n".join(_FRAGMENTS) + b"\n"
    assert _kernel(data, mode) == tuple(ref.scan_log(data, mode, 2, 1 << 20))


def test_kernel_finds_each_comparison_form() -> None:
    data = (b"if pnr = 1 then delete;\nwhere lopnr in (1023, 4471);\ndrop if lopnr==1234\nfilter(pnr %in% c(1, 2))\n"
            b"df[df[\"cpr\"] == \"x\"]\ndf.cvr.isin([1])\nkeep if inlist(pnr, 11, 12)\nWHERE cvr_nr = 12345678\n"
            b"x = y + 1\nif alder >= 18;\n")
    _, comps, _, lines = _kernel(data, kernel.MODE_CODE)
    names = [(data[s:e].decode(), data[a:b].decode(), line) for s, e, a, b, line, _ in comps]
    assert names == [("pnr", "=", 0), ("lopnr", "in", 1), ("lopnr", "==", 2), ("pnr", "%in%", 3), ("cpr", "==", 4),
                     ("cvr", "isin(", 5), ("pnr", "inlist(", 6), ("cvr_nr", "=", 7)]
    assert lines == 10
    assert all(h == ref.name_hash(data[s:e]) for s, e, _, _, _, h in comps)


def test_kernel_finds_reversed_comparisons_and_references() -> None:
    data = (b"if 1234 = pnr then delete;\nWHERE 12345678 = cvr_nr\nx = df[\"0101\" == df.cpr]\nwhere pnr = &id;\n"
            b"drop if pnr==`id'\nfilter(pnr == id)\nx <- df[4471 == df$lopnr, ]\ny = 1 == df[\"pnr\"]\n"
            b"x1 = pnr\nz <- 2 + pnr\n")
    _, comps, _, _ = _kernel(data, kernel.MODE_CODE)
    found = [(data[s:e].decode(), data[a:b].decode(), line, s >= b) for s, e, a, b, line, _ in comps]
    assert found == [("pnr", "=", 0, True), ("cvr_nr", "=", 1, True), ("cpr", "==", 2, True), ("pnr", "=", 3, False),
                     ("pnr", "==", 4, False), ("pnr", "==", 5, False), ("lopnr", "==", 6, True),
                     ("y", "=", 7, False), ("pnr", "==", 7, True), ("z", "<-", 9, False)]
    assert _kernel(data, kernel.MODE_CODE)[1] == [tuple(c) for c in ref.scan_log(data, kernel.MODE_CODE, 2, 1 << 20)[1]]


def test_kernel_finds_line_ends_past_vertical_tabs() -> None:
    """The word-wise line-end search is exact: a byte after a LF (0x0B here) is never taken for one."""
    for shift in range(9):
        data = b"x" * shift + b"\n\x0b\x0bNOTE: a\n\x0b\n" + b"y" * 17 + b"\n"
        for mode in MODES:
            assert _kernel(data, mode)[3] == ref.scan_log(data, mode, 2, 1 << 20)[3] == 4


def test_reference_defined_in_an_earlier_part_of_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A macro variable defined far before its use, with the log cut into many kernel parts, is still
    followed (the definitions are searched in the whole file before the use, each byte once per name)."""
    filler = "".join(f"{k + 3:<11d}  x{k} = y{k} + 1;\n" for k in range(4000))
    text = (_SAS_LOG_HEAD + "1          %let id = 4471;\n2          %let aar = 2019;\n" + filler
            + "5000       data x; set bef; where aar = &aar; run;\n"
            + "5001       data z; set bef; where lopnr = &id.; run;\n")
    path = tmp_path / "far.log"
    path.write_text(text, encoding="latin-1")
    monkeypatch.setattr(programs, "PART_BYTES", 8192)
    found = [c for part in read_log(path, threads=2) for c in part.comparisons]
    assert [(c.name, c.line) for c in found] == [("lopnr", text.count("\n"))]


def test_kernel_classifies_sas_lines_and_marks_data() -> None:
    data = (b"1          The SAS System\nNOTE: hello\n      real time 1.0\n12         data x;\n13   datalines;\n"
            b"14   1 2\n15   ;\n\n Obs  x  y\n   1  2  3\n   2  3  4\n")
    blocks, _, marks, _ = _kernel(data, kernel.MODE_SAS)
    assert [(line, n) for _, _, line, n, _, _ in blocks] == [(8, 3)]  # the printed rows, not the NOTE's continuation
    start, end = blocks[0][:2]
    assert data[start:end].startswith(b" Obs")
    cmd_start, cmd_end = blocks[0][4:6]
    assert data[cmd_start:cmd_end].endswith(b"15   ;")
    assert [(data[s:e], line) for s, e, line in marks] == [(b"datalines;", 4)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=14), st.lists(st.binary(max_size=6), max_size=3),
       st.sampled_from(MODES), st.booleans(), st.integers(1, 3), st.integers(1, 64))
def test_kernel_matches_reference_random(parts: list[bytes], noise: list[bytes], mode: int, newline_end: bool,
                                         min_lines: int, max_block: int) -> None:
    data = b"\n".join(parts + noise) + (b"\n" if newline_end else b"")
    assert _kernel(data, mode, min_lines, max_block) == tuple(ref.scan_log(data, mode, min_lines, max_block))


@pytest.mark.parametrize("threads", [1, 2])
def test_scan_buffer_parts_join_blocks_and_number_lines(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    rng = random.Random(7)
    data = b"\n".join(rng.choice(_FRAGMENTS) for _ in range(3000)) + b"\n"
    buf = np.frombuffer(data, dtype=np.uint8)
    whole = programs.scan_buffer(buf, kernel.MODE_SAS, first_line=5)
    monkeypatch.setattr(programs, "PART_BYTES", 997)  # many parts, cut mid-block
    parted = programs.scan_buffer(buf, kernel.MODE_SAS, threads=threads, first_line=5)
    assert parted.lines == whole.lines == data.count(b"\n")
    assert np.array_equal(parted.comparisons, whole.comparisons)
    assert np.array_equal(parted.marks, whole.marks)
    # a block cut by a part boundary is joined again; a block under min_lines at a cut may be lost
    joined = {tuple(r[:3]) for r in parted.blocks.tolist()}
    assert {tuple(r[:3]) for r in whole.blocks.tolist()} <= joined | {(s, e, ln) for s, e, ln, *_ in
                                                                        whole.blocks.tolist() if e - s < 997}


# --- SMCL --------------------------------------------------------------------------------------------------


def test_smcl_markup_is_stripped() -> None:
    smcl = ("{smcl}\n{com}. tabulate region\n{txt}     region {c |}      Freq.\n{hline 12}{c +}{hline 11}\n"
            "{txt}{space 6}Nord {c |}{res}{col 20}120\n{ralign 12:right}|\n{res:22} clusters {bf:x}\n")
    text = strip_smcl(smcl)
    lines = text.split("\n")
    assert len(lines) == len(smcl.split("\n"))  # lines keep their numbers
    assert lines[1] == ". tabulate region"
    assert lines[2] == "     region |      Freq."
    assert lines[3] == "-" * 12 + "+" + "-" * 11
    assert lines[4] == "      Nord |" + " " * (19 - 12) + "120"
    assert lines[5] == "       right|"
    assert lines[6] == "22 clusters x"
    assert "{" not in text


def test_smcl_continued_lines_are_joined() -> None:
    # tabstat and table end a row's label with {...}: the row goes on in the next line
    smcl = ("{smcl}\n{com}. tabstat loen, by(kommune) statistics(n max)\n{txt}\n{ralign 8:kommune} {...}\n"
            "{c |}         N       Max\n{hline 9}{c +}{hline 20}\n{ralign 8:Fanø} {...}\n"
            "{c |}{res}        41    198400\n{txt}{ralign 8:Læsø} {...}\n{c |}{res}         2    105000\n"
            "{txt}\n{com}. log close\n")
    lines = strip_smcl(smcl).split("\n")
    assert lines[3] == " kommune |         N       Max"
    assert lines[5] == "    Fanø |        41    198400"
    assert lines[6] == "    Læsø |         2    105000"
    assert len(lines) == len(smcl.split("\n"))
    assert lines.index(". log close") == smcl.split("\n").index("{com}. log close")  # numbers after the table


def test_smcl_tabstat_with_continued_labels_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "tabstat.smcl"
    rows = "".join(f"{{txt}}{{ralign 8:{k}}} {{...}}\n{{c |}}{{res}}{n:>10}{m:>10}\n"
                   for k, n, m in (("Fanø", 41, 198400), ("Læsø", 2, 105000), ("Samsø", 17, 142000)))
    path.write_text("{smcl}\n{com}. tabstat loen, by(kommune) statistics(n max)\n{txt}\n"
                    "{ralign 8:kommune} {...}\n{c |}         N       Max\n{hline 9}{c +}{hline 20}\n" + rows
                    + "{txt}{hline 9}{c BT}{hline 20}\n", encoding="utf-8")
    rules = {f.rule for f in api.scan([path], load_config()).findings()}
    assert {"TAB001", "EXT001"} <= rules


@pytest.mark.parametrize("suffix", [".smcl", ".log"])
def test_table_under_a_top_rule_with_column_marks_is_checked(tmp_path: Path, suffix: str) -> None:
    """Stata 17's ``table`` draws a top rule with the column's T (``{c TT}``, "+" once stripped) above its
    header: the header and rows are under it, not above (a cell of 2 passed)."""
    rows = "".join(f"{{txt}}{{space 2}}{label:<17}{{c |}}{{res}}{n:>11}   {m}\n"
                   for label, n, m in (("0 Militärt arbete", 2, "0.912"), ("1 Chefer", 143, "0.884"),
                                       ("2 Specialistkomp", 611, "0.861"), ("Total", 756, "0.864")))
    smcl = ("{smcl}\n{com}. table ssyk1, statistic(frequency) statistic(mean phat)\n{res}\n"
            "{txt}{hline 21}{c TT}{hline 22}\n{txt}{space 21}{c |}  Frequency   Mean\n"
            "{txt}{hline 21}{c +}{hline 22}\n{txt}Yrke (SSYK 2012)     {c |}\n" + rows
            + "{txt}{hline 21}{c BT}{hline 22}\n\n{com}. log close\n")
    path = tmp_path / f"table{suffix}"
    path.write_text(smcl if suffix == ".smcl" else strip_smcl(smcl), encoding="utf-8")
    findings = [f for f in api.scan([path], load_config()).findings() if f.rule == "TAB001"]
    assert len(findings) == 1 and "Militärt" in findings[0].message


def test_smcl_log_tables_are_read(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.name == "stata_list_smcl.smcl")
    path = tmp_path / sample.name
    path.write_text(sample.content, encoding="utf-8")
    tables = [t for part in read_log(path) for t in part.tables]
    assert len(tables) == 1 and tables[0].origin is Origin.LISTING
    assert tables[0].table.names == ["alder", "koen", "indkomst"]
    assert len(tables[0].table.rows) == 8


@pytest.mark.parametrize(("top", "expect"), [(21, set()), (2, {"TAB001"})])
def test_proc_freq_right_aligned_label_with_spaces_is_one_label(tmp_path: Path, top: int, expect: set[str]) -> None:
    """PROC FREQ right-aligns a formatted level ("7 eller fler" under 0..6): the "7" that runs left across
    the gutter is part of the label, not a count (a safe table failed)."""
    levels = [("0", 41236), ("1", 18652), ("2", 20114), ("3", 6540), ("4", 1420), ("5", 311), ("6", 78),
              ("7 eller fler", top)]
    rows = "".join(f"{label:>32}{n:>13}\n" for label, n in levels)
    path = tmp_path / "freq.lst"
    path.write_text("                                 The FREQ Procedure\n\n"
                    "                      antal_barn    Frequency\n"
                    "                   ------------------------------\n" + rows, encoding="utf-8")
    assert {f.rule for f in api.scan([path], load_config()).findings()} & {"TAB001", "MIC001"} == expect


@pytest.mark.parametrize(("n", "expect"), [(412, {"TAB001"}), (4120, set())])
def test_r_shares_of_a_table_after_its_printed_size(tmp_path: Path, n: int, expect: set[str]) -> None:
    """prop.table(table(x)) after length(x) printed N: 0.5 % of 412 is 2 persons."""
    path = tmp_path / "andel.Rout"
    path.write_text(f"""> d <- readRDS("rehab.rds")
> length(d$fylke)
[1] {n}
> round(100 * prop.table(table(d$fylke)), 1)

          Agder        Akershus        Buskerud        Finnmark       Innlandet
           20.8            34.1            24.9             0.5            19.7
>
> proc.time()
   user  system elapsed
   0.61    0.09    0.77
""", encoding="utf-8")
    assert {f.rule for f in api.scan([path], load_config()).findings()} & {"TAB001"} == expect


# (a group of 24: its minimum and maximum are a review, once per table, as any group's: EXT001's review_any_size)
@pytest.mark.parametrize(("n", "expect"), [(2, {"TAB001", "EXT001"}), (24, {"EXT001"})])
def test_r_describe_by_group_reads_each_groups_table(tmp_path: Path, n: int, expect: set[str]) -> None:
    """psych::describeBy prints a table per group under "group: X": a group of 2 with its min and max."""
    head = "   vars   n     mean       sd   median  trimmed      mad    min    max  range  skew kurtosis      se"
    rule = "-" * 104
    path = tmp_path / "describe.txt"
    path.write_text(f"""> describeBy(d$inntekt, group = d$utdanning)

 Descriptive statistics by group
group: Bachelor
{head}
X1    1 418 616609.57 52036.80   613150 616624.40 54930.33 457300 779500 322200  0.02    -0.24 2545.20
{rule}
group: Doktorgrad
{head}
X1    1 {n:>3} 734800.00 51760.22   734800 734800.00 54263.16 698200 771400  73200  0.00    -2.75 36600.00
{rule}
""", encoding="utf-8")
    assert {f.rule for f in api.scan([path], load_config()).findings()} & {"TAB001", "EXT001"} == expect


@pytest.mark.parametrize(("n", "expect"), [(1, {"TAB001"}), (11, set())])
def test_sas_tabulate_box_with_money_over_its_n_columns(tmp_path: Path, n: int, expect: set[str]) -> None:
    """PROC TABULATE prints no procedure title; its box's columns end in N and Sum under "T&K-menot, 1000
    EUR" (money, and a "T" that read as a t statistic): N is still a count."""
    rule = "|" + "-" * 34 + ("+" + "-" * 9 + "+" + "-" * 13) * 2 + "|"
    rows = [("C Teollisuus", 612, "210,433", 288, "398,102"),
            ("D Sähkö-, kaasu- ja lämpöhuolto", 9, "3,118", n, "4,872"),
            ("F Rakentaminen", 74, "12,806", 31, "14,511")]
    body = "\n".join(f"|{a:<34}|{b:>8} |{c:>12} |{d:>8} |{e:>12} |\n{rule}" for a, b, c, d, e in rows)
    path = tmp_path / "tk.lst"
    path.write_text(f"""                                The SAS System

{"-" * 82}
|{"":34}|         10-49         |         50-249        |
|{"":34}|-----------------------+-----------------------|
|{"":34}|  T&K-menot, 1000 EUR  |  T&K-menot, 1000 EUR  |
|{"":34}|-----------------------+-----------------------|
|{"Toimiala (TOL 2008)":34}|    N    |     Sum     |    N    |     Sum     |
{rule}
{body}
""", encoding="utf-8")
    assert {f.rule for f in api.scan([path], load_config()).findings()} & {"TAB001"} == expect


@pytest.mark.parametrize(("n", "expect"), [(15830, set()), (2, {"TAB001"})])
def test_dplyr_count_of_a_coded_variable(tmp_path: Path, n: int, expect: set[str]) -> None:
    """count(x) prints x's codes beside n: the codes (0 and 1) are the dimension, n the counts."""
    path = tmp_path / "descriptives.txt"
    path.write_text(f"""> ch3 %>% count(parent_hf_before10)
# A tibble: 2 x 2
  parent_hf_before10     n
               <dbl> <int>
1                  0 25398
2                  1 {n:>5}
""", encoding="utf-8")
    assert {f.rule for f in api.scan([path], load_config()).findings()} & {"TAB001"} == expect


# --- SAS listings -------------------------------------------------------------------------------------------

_LISTING = """\
                    The SAS System                                  1
                                       10:21 Monday, March 4, 2024

    Obs    kommune    koen     n

      1    Aarhus      M      230
      2    Aarhus      K        2
\x0c                    The SAS System                                  2

                         The FREQ Procedure

                      Table of region by koen

                    region     koen

                    Frequency|
                    Percent  |M       |K       |  Total
                    ---------+--------+--------+
                    Nord     |     40 |      2 |     42
                             |  25.32 |   1.27 |  26.58
                    ---------+--------+--------+
                    Syd      |     55 |     61 |    116
                             |  34.81 |  38.61 |  73.42
                    ---------+--------+--------+
                    Total          95       63      158

                    The SAS System                                  3

                         The MEANS Procedure

                     Analysis Variable : indkomst

              N
  kommune   Obs     N          Mean       Minimum       Maximum
  ---------------------------------------------------------------
  Aarhus    230   230      412345.5        150000        850000
  Fanoe       2     2      412345.5        150002        849998
  ---------------------------------------------------------------
"""


def test_sas_listing_blocks() -> None:
    tables = parse_output(_LISTING, 1, Language.SAS, "", OutputState())
    printed, cross, means = tables
    assert printed.what == "SAS PROC PRINT" and printed.origin is Origin.LISTING
    assert printed.table.names == ["kommune", "koen", "n"]  # the Obs column is dropped
    assert printed.lines == (6, 7)
    assert cross.what == "SAS PROC FREQ" and cross.origin is Origin.TABULATION
    assert cross.table.names == ["region", "M", "K", "Total"]
    assert cross.table.rows == [["Nord", "40", "2", "42"], ["Syd", "55", "61", "116"], ["Total", "95", "63", "158"]]
    assert cross.lines == (19, 22, 25)  # the frequency line of each row: percentages are stacked under it
    assert means.what == "SAS PROC MEANS"
    assert means.table.names == ["kommune", "N Obs", "N", "Mean", "Minimum", "Maximum"]
    assert means.lines == (36, 37)


def test_sas_listing_verdict_locates_cells(tmp_path: Path) -> None:
    (tmp_path / "out.lst").write_text(_LISTING, encoding="utf-8")
    result = api.scan([tmp_path / "out.lst"], load_config(), jobs=1)
    found = {(f.rule, f.location.line) for f in result.files[0].findings}
    assert ("TAB001", 7) in found  # the PROC PRINT of an aggregate, row "Aarhus K 2"
    assert ("TAB001", 19) in found  # the cross-tabulation's cell Nord x K = 2
    assert ("EXT001", 37) in found  # minimum and maximum of a group of 2
    assert not any(rule == "LOG001" for rule, _ in found)  # the PROC PRINT is a table of counts


def test_model_procedures_are_not_read_as_tables() -> None:
    text = ("                    The SAS System                                  1\n\n"
            "                       The LOGISTIC Procedure\n\n"
            "Parameter    DF    Estimate       Error    Chi-Square    Pr > ChiSq\n\n"
            "Intercept     1     -5.1234      0.8765       34.1234        <.0001\n"
            "alder         1      0.0123      0.0045        7.4711        0.0063\n")
    assert parse_output(text, 1, Language.SAS, "", OutputState()) == []


# --- Stata, R, pandas --------------------------------------------------------------------------------------


def test_stata_two_way_tabulate_is_wide() -> None:
    text = ("           |         koen\n    region |         1          2 |     Total\n"
            "-----------+----------------------+----------\n      Nord |       400          1 |       401 \n"
            "       Syd |       550        610 |     1,160 \n-----------+----------------------+----------\n"
            "     Total |       950        611 |     1,561 \n")
    (table,) = parse_output(text, 10, Language.STATA, ". tabulate region koen", OutputState())
    assert table.table.names == ["region", "1", "2", "Total"]
    assert table.table.rows[0] == ["Nord", "400", "1", "401"]
    assert table.lines == (13, 14, 16) and table.what == "Stata tabulate"


def test_stata_list_box() -> None:
    text = ("     +--------------------+\n     | lopnr   alder  koen |\n     |--------------------|\n"
            "  1. | 10231     34     M |\n  2. | 10232     45     K |\n     +--------------------+\n")
    (table,) = parse_output(text, 1, Language.STATA, ". list lopnr alder koen in 1/2", OutputState())
    assert table.origin is Origin.LISTING and table.table.names == ["lopnr", "alder", "koen"]
    assert table.lines == (4, 5)


def test_stata_loop_commands_decide_their_output() -> None:
    text = ("  2.   tabulate region\n\n     region |      Freq.\n------------+-----------\n       Nord |        120\n"
            "        Syd |          2\n  3.   regress y x\n\n    y | Coefficient  Std. err.\n-----+----------------\n"
            "    x |   1.2   0.1\n")
    tables = parse_output(text, 1, Language.STATA, ". foreach v in a b {", OutputState())
    assert [(t.what, t.table.names) for t in tables] == [("Stata tabulate", ["region", "Freq."])]


def test_r_table_and_survfit_strata() -> None:
    (table,) = parse_output("\n Midt  Nord   Syd \n   87   120   340 \n", 1, Language.R, "> table(bef$region)",
                            OutputState())
    assert table.table.rows == [["Midt", "87"], ["Nord", "120"], ["Syd", "340"]]
    assert table.lines == (3, 3, 3)
    survfit = ("Call: survfit(formula = Surv(time, status) ~ x)\n\n                x=1 \n"
               " time n.risk n.event survival std.err lower 95% CI upper 95% CI\n"
               "   59     13       1    0.978  0.0266       0.9275            1\n"
               "  115     12       1    0.951  0.0478       0.8620            1\n")
    (life,) = parse_output(survfit, 1, Language.R, "> summary(fit)", OutputState())
    assert life.table.names == ["time", "n.risk", "n.event", "survival", "std.err", "lower 95% CI", "upper 95% CI"]
    assert life.origin is Origin.TABULATION


def test_pandas_series_and_describe() -> None:
    series = "region\nMidt       87\nNord      120\nSyd         2\nName: count, dtype: int64\n"
    (counts,) = parse_output(series, 1, Language.PYTHON, "df.region.value_counts()", OutputState())
    assert counts.table.names == ["region", "count"] and counts.lines == (2, 3, 4)
    described = ("              alder\ncount  4812.000000\nmean     45.123450\nstd      15.234560\nmin      18.000000\n"
                 "25%      33.000000\n50%      45.000000\n75%      58.000000\nmax      89.000000\n")
    (d,) = parse_output(described, 1, Language.PYTHON, "df.describe()", OutputState())
    assert d.table.names == ["variable", "count", "mean", "std", "min", "p25", "p50", "p75", "max"]
    assert d.table.rows[0][0] == "alder"


# --- notebooks ---------------------------------------------------------------------------------------------


def test_notebook_outputs_and_code(tmp_path: Path) -> None:
    doc = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1,
         "source": ["x = df[df.lopnr == 4471]\n", "x.head()"],
         "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {
             "text/html": "<table><thead><tr><th></th><th>lopnr</th><th>alder</th></tr></thead><tbody>"
                          "<tr><th>0</th><td>10231</td><td>34</td></tr><tr><th>1</th><td>10232</td><td>45</td></tr>"
                          "</tbody></table>",
             "text/plain": "   lopnr  alder\n0  10231     34\n1  10232     45"}}]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": "df.region.value_counts()",
         "outputs": [{"output_type": "stream", "name": "stdout",
                      "text": "region\nNord    120\nSyd       2\nName: count, dtype: int64\n"},
                     {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}]},
    ], "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    parts = list(read_notebook(path))
    comparisons = [c for p in parts for c in p.comparisons]
    tables = [t for p in parts for t in p.tables]
    problems = [x for p in parts for x in p.problems]
    raw = path.read_text(encoding="utf-8").split("\n")
    cell2 = next(i for i, line in enumerate(raw, 1) if '"cell_type": "code"' in line)
    assert [(c.name, c.operator, c.line) for c in comparisons] == [("lopnr", "==", cell2)]
    # (the HTML listing's index goes, as its printed text's does)
    assert [(t.origin, t.table.names) for t in tables] == [(Origin.LISTING, ["lopnr", "alder"]),
                                                          (Origin.TABULATION, ["region", "count"])]
    assert problems and "1 figure" in problems[0]
    result = api.scan([path], load_config(), jobs=1).files[0]
    assert {"COD001", "LOG001", "TAB001", "FIL001"} <= {f.rule for f in result.findings}


# --- programs ----------------------------------------------------------------------------------------------

_FLAGGED = [
    (Language.SAS, "if pnr=1 then delete;"), (Language.SAS, "where lopnr in (1023, 4471);"),
    (Language.SAS, "data x(where=(cpr ne '0101')); set y; run;"), (Language.SAS, "if lopnr in (1 2 3);"),
    (Language.STATA, "drop if lopnr==1234"), (Language.STATA, "keep if inlist(pnr, 11, 12)"),
    (Language.STATA, "replace x = 1 if id == 5"), (Language.R, "filter(df, pnr %in% c(101, 102))"),
    (Language.R, "df[df$cpr == \"x1\", ]"), (Language.R, "subset(df, lopnr == 4471L)"),
    (Language.PYTHON, "df[df.cpr == \"x\"]"), (Language.PYTHON, "df[df[\"pnr\"].isin([123, 456])]"),
    (Language.PYTHON, "if pnr in (1, 2): pass"), (Language.PYTHON, "df.query(\"lopnr == 1234\")"),
    (Language.SQL, "WHERE cvr_nr = 12345678"), (Language.SQL, "WHERE p.pnr IN (1, 2)"),
    (Language.SPSS, "SELECT IF (pnr = 1234)."), (Language.SPSS, "SELECT IF lopnr EQ 4471."),
    (Language.R, "pnr <- c(1023, 4471)"), (Language.PYTHON, "lopnr_list = [1023, 4471]"),
    # reversed: the literal first
    (Language.SAS, "if 1234 = pnr then delete;"), (Language.SQL, "SELECT * FROM f WHERE 12345678 = cvr_nr"),
    (Language.PYTHON, "x = df[\"A10231\" == df.cpr]"), (Language.R, "df[4471 == df$lopnr, ]"),
    (Language.STATA, "drop if 1234 == lopnr"), (Language.SAS, "where 'A1' ne cpr;"),
    (Language.PYTHON, "df[1023 != df[\"pnr\"]]"), (Language.SPSS, "SELECT IF (4471 = lopnr)."),
]
_CLEAN = [
    (Language.SAS, "pnr = 1;"), (Language.SAS, "if pnr = . then delete;"), (Language.SAS, "if cpr ne '' then output;"),
    (Language.SAS, "if dato = '01jan2020'd;"), (Language.SAS, "where pnr = \"&id\";"), (Language.SAS, "if aar = 2019;"),
    (Language.SAS, "format pnr $10.;"), (Language.STATA, "list pnr in 1/10"), (Language.STATA, "gen x = pnr"),
    (Language.STATA, "keep if country_id == 3"), (Language.STATA, "drop if pnr == 0"),
    (Language.R, "for (pnr in c(1, 2)) x"),
    (Language.R, "df[df$year == 2019, ]"), (Language.R, "pnr <- 5"), (Language.R, "is.na(pnr)"),
    (Language.R, "x <- c(1, 2)"), (Language.PYTHON, "pnr = 5"),
    (Language.PYTHON, "for pnr in [1, 2]: pass"), (Language.PYTHON, "f(pnr=1)"), (Language.PYTHON, "seed = 12345"),
    (Language.PYTHON, "df[df.pnr == -1]"), (Language.SQL, "ON p.pnr = x.pnr"),
    (Language.SQL, "WHERE pnr IN (SELECT pnr FROM c)"),
    (Language.SQL, "WHERE pnr = ?"), (Language.SQL, "UPDATE t SET x = 1"), (Language.SPSS, "COMPUTE pnr = 7."),
    (Language.SPSS, "SELECT IF (NOT MISSING(pnr))."), (Language.SAS, "if substr(pnr, 1, 2) = '19';"),
    (Language.SAS, "if 2019 = aar;"), (Language.SAS, "if '19' = substr(pnr, 1, 2);"), (Language.R, "x <- 1 == n_obs"),
    (Language.PYTHON, "y = 0 == df.pnr"), (Language.SAS, "%let pnr = 1234;"), (Language.R, "filter(pnr == id)"),
    (Language.STATA, "drop if pnr == `id'"), (Language.PYTHON, "df[df.pnr == other]"), (Language.SAS, "x = 5 + pnr;"),
    (Language.R, "d <- data.frame(start = c(0, 183), id = c(1, 1))"), (Language.PYTHON, "f(x, pnr=[1, 2])"),
]

# A key compared with a reference to a value the code gave before: (language, code, line of the finding or 0).
_REFERENCES = [
    (Language.SAS, "%let id = 1234;\ndata x; set y;\n  where pnr = &id;\nrun;\n", 3),
    (Language.SAS, "%let ids = 1023 4471;\nif lopnr in (&ids) then delete;\n", 2),
    (Language.SAS, "%let pnr=1234;\nif lopnr = \"&pnr.\" then delete;\n", 2),
    (Language.STATA, "local id 1234\ndrop if pnr==`id'\n", 2),
    (Language.STATA, "global ids = 4471\nkeep if lopnr == $ids\n", 2),
    (Language.R, "id <- 1234\nbef <- filter(bef, pnr == id)\n", 2),
    (Language.R, "ids <- c(1023,\n         4471)\nbef <- bef[bef$pnr %in% ids, ]\n", 3),
    (Language.PYTHON, "target = 1234\ndf = df[df.cpr == target]\n", 2),
    (Language.SAS, "%let yr = 2019;\nwhere aar = &yr;\n", 0),
    (Language.SAS, "%let id = &other;\nwhere pnr = &id;\n", 0),
    (Language.STATA, "local y 2019\nkeep if aar == `y'\n", 0),
    (Language.STATA, "local v pnr\nkeep if pnr == `w'\n", 0),
    (Language.R, "n <- nrow(bef)\nx <- bef$pnr == n\n", 0),
    (Language.R, "for (id in ids) print(pnr == id)\n", 0),
    (Language.PYTHON, "other = df.pnr.max()\nx = df[df.pnr == other]\n", 0),
]


@pytest.mark.parametrize(("language", "code", "line"), _REFERENCES)
def test_reference_to_a_literal_is_followed(language: Language, code: str, line: int) -> None:
    found = read_program(Path("x"), language, embedded=False, text=code).comparisons
    assert [c.line for c in found] == ([line] if line else []), found


@pytest.mark.parametrize(("language", "line"), _FLAGGED)
def test_hard_coded_identifier_is_found(language: Language, line: str) -> None:
    found = read_program(Path("x"), language, embedded=False, text=line).comparisons
    assert len(found) == 1 and found[0].line == 1, found
    assert found[0].literals >= 1


@pytest.mark.parametrize(("language", "line"), _CLEAN)
def test_clean_code_has_no_comparison(language: Language, line: str) -> None:
    assert read_program(Path("x"), language, embedded=False, text=line).comparisons == []


def test_embedded_data_in_each_language() -> None:
    cases = [
        (Language.SAS, "data p;\n input pnr $ alder @@;\n datalines;\nA1 34 A2 45\n;\nrun;\n", ["pnr", "alder"], 2),
        (Language.STATA, "input str4 pnr alder\n\"A1\" 34\n\"A2\" 45\nend\n", ["pnr", "alder"], 2),
        (Language.SPSS, "DATA LIST LIST / pnr (A4) alder (F3).\nBEGIN DATA\nA1 34\nA2 45\nEND DATA.\n",
         ["pnr", "alder"], 2),
        (Language.SQL, "INSERT INTO p (pnr, alder) VALUES ('A1', 34),\n ('A2', 45);", ["pnr", "alder"], 2),
        (Language.R, "t <- tribble(~pnr, ~alder, \"A1\", 34, \"A2\", 45)", ["pnr", "alder"], 2),
        (Language.R, "read.csv(text = \"pnr,alder\\nA1,34\\nA2,45\")", ["pnr", "alder"], 2),
        (Language.PYTHON, "rows = [{'pnr': 'A1', 'alder': 34}] * 1 + [{'pnr': 'A2', 'alder': 45}]", None, 0),
        (Language.PYTHON, "pd.DataFrame([['A1', 34], ['A2', 45]], columns=['pnr', 'alder'])", ["pnr", "alder"], 2),
        (Language.PYTHON, "pd.read_csv(io.StringIO('pnr,alder\\nA1,34\\nA2,45'))", ["pnr", "alder"], 2),
    ]
    for language, text, names, rows in cases:
        found = list(embedded_tables(text, 1, language))
        if names is None:
            assert found == [], (language, text)
            continue
        assert len(found) == 1, (language, text, found)
        assert found[0].table.names == names and len(found[0].table.rows) == rows, (language, text)
        assert found[0].origin is Origin.EMBEDDED


# --- generated samples: every language, safe and unsafe -------------------------------------------------------


def test_samples_cover_every_language_half_safe() -> None:
    tools = {s.tool for s in SAMPLES}
    assert tools == {"SAS", "Stata", "R", "Python", "SPSS", "SQL"}
    for tool in tools:
        mine = [s for s in SAMPLES if s.tool == tool]
        # (safe: passes, or is a review only for a minimum or maximum of a large group, EXT001's review_any_size)
        safe = [s for s in mine if s.expect == "pass" or (s.expect == "review" and s.rules == ("EXT001",))]
        assert len(mine) >= 10 and 2 * len(safe) >= len(mine), (tool, len(mine), len(safe))


@pytest.fixture(scope="module")
def scanned_samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, api.FileResult]:
    export = tmp_path_factory.mktemp("samples") / "export"
    export.mkdir()
    for sample in SAMPLES:
        (export / sample.name).write_text(sample.content, encoding="utf-8")
    result = api.scan([export], load_config(), jobs=1)
    return {Path(f.path).name: f for f in result.files}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_verdict(sample: Sample, scanned_samples: dict[str, api.FileResult]) -> None:
    result = scanned_samples[sample.name]
    found = [(f.rule, f.location.line, f.message) for f in result.findings]
    assert result.kind in ("log", "code", "html"), (sample.name, result.kind)
    assert result.verdict.value == sample.expect, found
    assert set(sample.rules) <= {f.rule for f in result.findings}, found
    assert all(f.rule != "FIL001" for f in result.findings), found


def test_output_saved_as_text_is_a_log_and_notes_stay_text(tmp_path: Path) -> None:
    """Discovery sniffs a .txt/.out file's head: printed output of SPSS, R, Stata and Python goes to the log
    reader, ``.Rhistory`` is R code, and plain notes stay text."""
    from scanner.discover import FileKind, discover

    outputs = [s for s in SAMPLES if s.name.endswith((".txt", ".out", "Rhistory"))]
    assert len(outputs) >= 8
    for sample in outputs:
        (tmp_path / sample.name).write_text(sample.content, encoding="utf-8")
    for name, text in PLAIN_NOTES:
        (tmp_path / name).write_text(text, encoding="utf-8")
    kinds = {e.path.name: e.kind for e in discover([tmp_path])}
    for sample in outputs:
        expected = FileKind.CODE if sample.name.endswith("Rhistory") else FileKind.LOG
        assert kinds[sample.name] is expected, (sample.name, kinds[sample.name])
    assert [kinds[name] for name, _ in PLAIN_NOTES] == [FileKind.TEXT] * len(PLAIN_NOTES)


def test_rendered_notebooks_are_told_from_documents() -> None:
    knitr = next(s for s in SAMPLES if s.name == "r_knitr_safe.html").content.encode()
    nbconvert = next(s for s in SAMPLES if s.name == "nb_export_safe.html").content.encode()
    quarto = b'<html><head><meta name="generator" content="quarto-1.4.550"></head><body></body></html>'
    page = (b'<!DOCTYPE html><html><head><meta name="generator" content="pandoc" /><title>Report</title></head>'
            b"<body><h1>Results</h1><p>Tables follow.</p><table><tr><td>1</td></tr></table><pre>x</pre></body></html>")
    assert printouts.is_rendered_notebook_html(knitr)
    assert printouts.is_rendered_notebook_html(nbconvert)
    assert printouts.is_rendered_notebook_html(quarto)
    assert not printouts.is_rendered_notebook_html(page)


def test_findings_never_quote_values(scanned_samples: dict[str, api.FileResult]) -> None:
    """Canary: no literal of a filter, no key and no embedded value reaches a message or evidence."""
    secrets = {"A10231", "A10232", "4471", "1023", "1234", "12345678", "A1", "10231"}
    for result in scanned_samples.values():
        for f in result.findings:
            if f.rule not in ("COD001", "COD002", "LOG001"):
                continue
            words = set(f.message.replace("'", " ").replace(",", " ").split()) | set(str(f.evidence).split())
            assert not words & secrets, (result.path, f.rule, f.message)


def test_a_log_is_streamed_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SMCL log larger than a streaming step, and a plain log cut into many kernel parts, give the same
    findings as when read whole."""
    sample = next(s for s in SAMPLES if s.name == "stata_tab_small.log")
    body = "\n".join([". display 1", "1"] * 5000) + "\n" + sample.content
    plain = tmp_path / "big.log"
    plain.write_text(body, encoding="utf-8")
    smcl = tmp_path / "big.smcl"
    smcl.write_text("{smcl}\n" + body, encoding="utf-8")
    whole = [(t.lines, t.table.names) for p in read_log(plain) for t in p.tables]
    monkeypatch.setattr(programs, "PART_BYTES", 4096)
    monkeypatch.setattr(printouts, "STREAM_BYTES", 8192)
    assert [(t.lines, t.table.names) for p in read_log(plain, threads=2) for t in p.tables] == whole
    assert [(tuple(n - 1 for n in t.lines), t.table.names) for p in read_log(smcl) for t in p.tables] == whole


def test_unreadable_log_is_a_review(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    result = api.scan([path], load_config(), jobs=1).files[0]
    assert result.verdict is Verdict.REVIEW and {f.rule for f in result.findings} == {"FIL001"}


# --- the real corpus ------------------------------------------------------------------------------------------

# The corpus logs (../shared/corpus/logs, see MANIFEST.tsv) and why each gets its verdict.
CORPUS_VERDICTS = {
    "california_eitc_master.smcl": ("fail", {"TAB006"}),  # summarize of a constant: sd 0, min = max
    "expat_analysis_sample.log": ("fail", {"TAB001"}),  # two-way tabulate with cells of 1, 2 and 3
    "expat_balance.log": ("pass", set()),  # tab year x foreign: large counts and zeros
    "expat_ceo_panel.log": ("pass", set()),
    "expat_regression.log": ("pass", set()),  # summarize and regressions
    "opensafely_longcovid_models.log": ("pass", set()),  # model output only
    "opensafely_longcovid_practice_summ.txt": ("fail", {"EXT002"}),  # describe(): max 2048 against a median of 8
    "pmean_hw02.log": ("pass", set()),  # NOTE lines; the listing went to ODS PDF
    "pmean_lecture02.log": ("pass", set()),
    "pmean_lecture03.log": ("pass", set()),
    "stad29_first.lst": ("fail", {"LOG001"}),  # PROC PRINT of 5 observations of x
    "stad29_freq.log": ("pass", set()),
    "stad29_freq.lst": ("pass", set()),  # PROC PRINT of a frequency table, counts 5-30
    "stad29_lenswear.log": ("pass", set()),
    "stad29_lenswear.lst": ("pass", set()),  # 2x3 crosstab, n=446, no cell under 3
    "stad29_regress.lst": ("fail", {"LOG001"}),  # UNIVARIATE extreme observations with Obs numbers
    "stad29_sepsis.lst": ("fail", {"LOG001", "MIC001"}),  # PROC PRINT of 106 patients
    "statistically_longer.txt": ("fail", {"TAB001"}),  # rep78 table: Poor = 2
    "statistically_summarize.txt": ("review", {"EXT001"}),  # the minimum and maximum of a car's price
    "statistically_table.txt": ("fail", {"TAB001"}),  # smallest cell 2
    "survival_cancer.Rout.save": ("fail", {"TAB001"}),  # life tables with n.event = 1
    "survival_jasa.Rout.save": ("fail", {"TAB001"}),  # survfit table with n.event = 1 (and a data.frame() of one
    # made-up subject, id = c(1, 1): COD002 review-worthy at most; its named argument is no COD001)
    "survival_ovarian.Rout.save": ("fail", {"TAB001", "LOG001"}),  # every event time; residuals per patient
    # program definitions, loops, graph export; a summarize of 21 bias analyses' PPVs (their minimum and maximum)
    "t1dm_qba_log.smcl": ("review", {"EXT001"}),
}


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_logs_get_verdicts_without_fil001() -> None:
    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    result = api.scan([root / "logs"], load_config(), jobs=1)
    logs = {Path(f.path).name: f for f in result.files if f.kind == "log"}
    assert set(logs) == set(CORPUS_VERDICTS), sorted(set(logs) ^ set(CORPUS_VERDICTS))
    for name, (verdict, rules) in CORPUS_VERDICTS.items():
        f = logs[name]
        got = {x.rule for x in f.findings}
        assert "FIL001" not in got, (name, [x.message for x in f.findings if x.rule == "FIL001"])
        assert f.verdict.value == verdict and rules <= got, (name, f.verdict, sorted(got))


def test_a_crash_while_reading_a_log_is_a_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: an error inside the log reader makes the file review (FIL001), never a pass."""
    sample = next(s for s in SAMPLES if s.name == "stata_tab_safe.log")
    (tmp_path / sample.name).write_text(sample.content, encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(printouts, "parse_output", broken)
    result = api.scan([tmp_path], load_config(), jobs=1).files[0]
    assert result.verdict is Verdict.REVIEW
    assert [f.rule for f in result.findings] == ["FIL001"] and "internal error" in result.findings[0].message


_STATA_TAB_STACKED = """\
. tab region sex, {opts}

           |          sex
    region |         1          2 |     Total
-----------+----------------------+----------
         1 |       120        131 |       251
           |     47.81      52.19 |    100.00
{extra1}-----------+----------------------+----------
         2 |         2         45 |        47
           |      4.26      95.74 |    100.00
{extra2}-----------+----------------------+----------
     Total |       122        176 |       298
           |     40.94      59.06 |    100.00
{extra3}"""


@pytest.mark.parametrize("opts", ["row", "row col"])
def test_a_stata_crosstab_with_stacked_percentages_is_read_by_its_frequencies(tmp_path: Path, opts: str) -> None:
    """`tab x y, row` prints a percentage line under each row of frequencies (its label cell empty, so the
    line starts with "|"): the table is still read, by its frequencies, and a cell of 2 fails."""
    col = "           |     10.00      20.00 |     15.00\n" if "col" in opts else ""
    text = _STATA_TAB_STACKED.format(opts=opts, extra1=col, extra2=col, extra3=col)
    path = tmp_path / "tab.log"
    path.write_text(text, encoding="utf-8")
    result = api.scan([path], load_config())
    hits = [f for f in result.files[0].findings if f.rule == "TAB001"]
    assert result.files[0].verdict is Verdict.FAIL
    line = text.splitlines().index("         2 |         2         45 |        47") + 1
    assert [f.location.line for f in hits] == [line]


_STATA_SUMMARIZE_DETAIL = """\
. summarize income, detail

                           income
-------------------------------------------------------------
      Percentiles      Smallest
 1%       102000              0
 5%       160000             12
10%       190000            150       Obs               4,452
25%       248000            480       Sum of wgt.       4,452

50%       305000                      Mean           312400.5
                        Largest       Std. dev.       98211.3
75%       370000        2350000
90%       441000        3900000       Variance       9.65e+09
95%       498000        8800000       Skewness       2.312442
99%       612000       1.43e+07       Kurtosis        12.1150
"""


def test_stata_summarize_detail_lists_the_smallest_and_largest_values(tmp_path: Path) -> None:
    """`summarize x, detail` prints the four smallest and four largest values beside the percentiles: single
    units' values (as SAS UNIVARIATE's extreme observations). In a group under 10 they are a listing
    (LOG001 block); in a large group they are its minimum and maximum, judged by EXT002 (here a maximum 23
    times the 99th percentile), and without an outlier a person judges them (LOG001 review). A plain
    `summarize` (n, mean, sd, min, max of a large group) is not."""
    path = tmp_path / "sum.log"
    path.write_text(_STATA_SUMMARIZE_DETAIL, encoding="utf-8")
    result = api.scan([path], load_config()).files[0]
    assert result.verdict is Verdict.FAIL
    outliers = [f for f in result.findings if f.rule == "EXT002"]
    assert len(outliers) == 1 and outliers[0].location.line == 6
    small = tmp_path / "small.log"
    small.write_text(_STATA_SUMMARIZE_DETAIL.replace("4,452", "7"), encoding="utf-8")
    result = api.scan([small], load_config()).files[0]
    hits = [f for f in result.findings if f.rule == "LOG001"]
    assert result.verdict is Verdict.FAIL and len(hits) == 1
    assert hits[0].location.line == 6 and "8 printed rows" in str(hits[0].evidence)
    assert "observation numbers" not in hits[0].message
    tame = tmp_path / "tame.log"
    tame.write_text(_STATA_SUMMARIZE_DETAIL.replace("1.43e+07", "640000").replace("8800000", "630000")
                    .replace("3900000", "625000").replace("2350000", "620000"), encoding="utf-8")
    tamed = api.scan([tame], load_config()).files[0]
    assert tamed.verdict is Verdict.REVIEW and {f.rule for f in tamed.findings} <= {"LOG001", "EXT001"}
    assert "LOG001" in {f.rule for f in tamed.findings}
    plain = tmp_path / "plain.log"
    plain.write_text(". summarize income\n\n    Variable |        Obs        Mean    Std. dev.       Min        Max\n"
                     "-------------+---------------------------------------------------------\n"
                     "      income |      4,452    312400.5     98211.3     102000     612000\n", encoding="utf-8")
    # (its minimum and maximum: a review by default, EXT001's review_any_size; no listing, no outlier)
    plain_result = api.scan([plain], load_config()).files[0]
    assert plain_result.verdict is Verdict.REVIEW and {f.rule for f in plain_result.findings} == {"EXT001"}


@pytest.mark.parametrize(("printout", "expect"), [
    # summary() of a subgroup: extremes without a group size
    ("   Min. 1st Qu.  Median    Mean 3rd Qu.    Max. \n 250000  262500  275000  280000  292500  310000 \n",
     {("EXT001", 4)}),
    # quantile(): 0% is the minimum and 100% the maximum; this one is 23 times the 99th percentile
    ("     0%       1%      50%      99%     100% \n      0   102000   305000   612000 14250000 \n",
     {("EXT001", 4), ("EXT002", 4)}),
])
def test_r_summary_and_quantile_in_a_log_are_tables_of_extremes(tmp_path: Path, printout: str,
                                                                 expect: set[tuple[str, int]]) -> None:
    path = tmp_path / "analysis.Rout"
    path.write_text(f"> x <- cohort$income[cohort$kommune == 'Laesoe']\n> summary(x)\n{printout}> 1 + 1\n[1] 2\n",
                    encoding="utf-8")
    result = api.scan([path], load_config()).files[0]
    assert {(f.rule, f.location.line) for f in result.findings} == expect


@pytest.mark.parametrize(("name", "text", "expect"), [
    ("put.log", "1          data _null_;\n2            set cohort(obs=3);\n3            put lopnr= alder= indkomst=;\n"
     "4          run;\n\nlopnr=104233 alder=40 indkomst=350000\nlopnr=118790 alder=39 indkomst=410000\n"
     "lopnr=220514 alder=38 indkomst=290000\nNOTE: There were 3 observations read from the data set WORK.COHORT.\n",
     {("LOG001", 6)}),
    ("display.log", ". forvalues i = 1/3 {\n  2.   display \"lopnr: \" lopnr[`i'] \"  income: \" income[`i']\n  3. }\n"
     "lopnr: 104233  income: 350000\nlopnr: 118790  income: 410000\nlopnr: 220514  income: 290000\n",
     {("LOG001", 4)}),
    # the same layout printing a count per year is a table, not a listing
    ("years.log", ". forvalues y = 2015/2018 {\n  2.   quietly count if aar == `y'\n"
     "  3.   display \"year=`y' n=\" r(N)\n  4. }\n"
     "year=2015 n=4452\nyear=2016 n=4480\nyear=2017 n=4501\nyear=2018 n=4533\n", set()),
])
def test_values_printed_as_name_value_lines_are_a_listing(tmp_path: Path, name: str, text: str,
                                                           expect: set[tuple[str, int]]) -> None:
    """SAS `put var=;` and a Stata `display` in a loop print one record per line as name=value pairs: with a
    register key among the names, the log lists observations (LOG001)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = api.scan([path], load_config()).files[0]
    assert {(f.rule, f.location.line) for f in result.findings} == expect


_SPSS_STACKED = """\
Region * Sex Crosstabulation

                                  Sex
                                  Female   Male    Total
Region  North  Count                  45      2       47
               % within Region     95.7%   4.3%   100.0%
        South  Count                  51     39       90
               % within Region     56.7%  43.3%   100.0%
Total          Count                  96     41      137
               % within Region     70.1%  29.9%   100.0%
"""


@pytest.mark.parametrize("name", ["crosstab.txt", "crosstab.out"])
def test_spss_crosstab_with_percentages_under_each_count_is_read_by_its_counts(tmp_path: Path, name: str) -> None:
    """SPSS stacks "% within Region" under each row's "Count": in one column the percentages made the counts
    read as shares, and the table passed. Its count rows are its cells (as a text note and as printed
    output); a cell of 2 is TAB001 at its line."""
    path = tmp_path / name
    path.write_text(_SPSS_STACKED, encoding="utf-8")
    result = api.scan([path], load_config()).files[0]
    assert {(f.rule, f.location.line) for f in result.findings} == {("TAB001", 5)}
    safe = tmp_path / f"safe_{name}"
    safe.write_text(_SPSS_STACKED.replace("      2       47", "     12       57"), encoding="utf-8")
    assert api.scan([safe], load_config()).files[0].verdict is Verdict.PASS


_KEYS = ["990298", "159298", "196033", "188994", "478596", "976084", "277297", "871720", "948258", "802263",
         "995310", "423104"]


@pytest.mark.parametrize(("name", "text", "expect"), [
    ("levelsof.log", ". levelsof lopnr if income > 1000000\n" + " ".join(_KEYS[:6]) + "\n" + " ".join(_KEYS[6:])
     + "\n\n. display 1\n1\n", {("LOG001", 2)}),
    ("unique.Rout", "> unique(cohort$lopnr[cohort$income > 1e6])\n [1] " + " ".join(_KEYS[:6]) + "\n [7] "
     + " ".join(_KEYS[6:]) + "\n> 1 + 1\n[1] 2\n", {("LOG001", 2)}),
    ("unique.log", ">>> df.loc[df.income > 1e6, 'lopnr'].unique()\narray([" + ", ".join(_KEYS[:6]) + ",\n       "
     + ", ".join(_KEYS[6:]) + "])\n", {("LOG001", 2)}),
    # levels of a variable that is no key, and a key's count, are not listings
    ("levels_safe.log", ". levelsof aar\n2015 2016 2017 2018 2019 2020\n2021 2022\n\n. count if lopnr < .\n  4,452\n",
     set()),
    ("codebook.log", ". codebook kommune\n\n" + "-" * 60 + "\nkommune" + " " * 40 + "Municipality\n" + "-" * 60
     + "\n\n                  Type: String (str9)\n\n         Unique values: 3       Missing \"\": 0/4,452\n\n"
     "            Tabulation: Freq.  Value\n                        1,534  \"Aarhus\"\n"
     "                        2,916  \"København\"\n                            2  \"Læsø\"\n", {("TAB001", 14)}),
])
def test_key_values_and_codebook_tabulations_in_logs(tmp_path: Path, name: str, text: str,
                                                     expect: set[tuple[str, int]]) -> None:
    """A key's values printed as a bare list by a command naming the key (Stata levelsof, R unique(),
    pandas unique()) are a listing (LOG001); Stata codebook's "Tabulation: Freq. Value" is a one-way table
    of counts (a 2 is TAB001)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = api.scan([path], load_config()).files[0]
    assert {(f.rule, f.location.line) for f in result.findings} == expect


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (21, Verdict.PASS)])
def test_knitted_markdown_output_is_read(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """A report knitted to markdown: R's output in fences, each line behind knitr's "## " (a markdown
    heading alone stays a heading)."""
    (tmp_path / "report.md").write_text(knitted_md(r_levels(small)), encoding="utf-8")
    (result,) = api.scan([tmp_path], load_config(), jobs=1).files
    assert result.verdict is verdict, [(f.rule, f.location.line, f.message) for f in result.findings]
    if verdict is Verdict.FAIL:
        assert {(f.rule, f.location.line) for f in result.findings} == {("TAB001", 16)}


def test_knitr_prefix_is_blanked_in_runs_only() -> None:
    from scanner.loaders.texttables import strip_output_prefix

    text = "## Results\nText\n##        \n##          1  2\n##   North 45 38\n\n### Sub\n## Methods\n"
    out = strip_output_prefix(text)
    assert out.split("\n") == ["## Results", "Text", "          ", "            1  2", "     North 45 38", "",
                               "### Sub", "## Methods", ""]


def test_note_with_stata_tabulate_of_wrapped_name_and_percentages() -> None:
    """A Stata ``tabulate x y, column`` pasted into a note: the row variable's name wrapped over two lines,
    the column levels and Total on the third, each row's percentages on an unlabelled line under it."""
    from scanner.loaders.texttables import find_tables

    text = ("within_own |\n"
            "er_manager |   (firstnm) foreign\n"
            "    _spell |         0          1 |     Total\n"
            "-----------+----------------------+----------\n"
            "         0 |   167,024      4,131 |   171,155 \n"
            "           |     59.93      30.45 |     58.56 \n"
            "-----------+----------------------+----------\n"
            "         1 |    67,036          2 |    67,038 \n"
            "           |     24.05       0.01 |     24.35 \n"
            "-----------+----------------------+----------\n"
            "     Total |   234,060      4,133 |   238,193 \n"
            "           |    100.00     100.00 |    100.00 \n")
    (table,) = find_tables(text, 10)
    assert table.names == ["_spell", "0", "1", "Total"]
    assert table.rows == [["0", "167,024", "4,131", "171,155"], ["1", "67,036", "2", "67,038"],
                          ["Total", "234,060", "4,133", "238,193"]]
    assert table.lines == (14, 17, 20)


def test_describe_percentiles_of_small_values_are_no_counts(tmp_path: Path) -> None:
    # pandas describe() of a variable of small values: its "25%" and "50%" rows are percentiles, not
    # shares that count 1 or 2 units
    path = tmp_path / "los.txt"
    path.write_text("count    14877204.0\nmean            4.1\nstd             6.9\nmin             0.0\n"
                    "25%             1.0\n50%             2.0\n75%             5.0\nmax            30.0\n"
                    "Name: los_days, dtype: float64\n", encoding="utf-8")
    (result,) = api.scan([path], load_config()).files
    assert not any(f.rule == "TAB001" for f in result.findings), [(f.rule, f.message) for f in result.findings]


def test_a_traceback_without_its_exception_line_in_reach_is_not_read(tmp_path: Path) -> None:
    # a cut log: the traceback's frames run on past what is read, and an indented line that looks like an
    # exception ("    KeyError: ...", a quoted source line) is no exception line
    frames = "".join(f'  File "job.py", line {k}, in step\n    x = lookup[row.lopnr]\n' for k in range(150))
    path = tmp_path / "cut.log"
    path.write_text("Traceback (most recent call last):\n" + frames + "    KeyError: 104233\n", encoding="utf-8")
    (result,) = api.scan([path], load_config()).files
    assert not any(f.rule == "LOG001" for f in result.findings), [(f.rule, f.message) for f in result.findings]


def test_html_tables_of_a_rendered_report_skip_footnote_marks() -> None:
    from scanner.loaders.printouts import Origin, html_tables

    # gt/gtsummary glue a footnote mark to the group size: "N = 25" then <sup>1</sup>, not "N = 251"
    fragment = ('<table><thead><tr><th>Karakteristika</th><th><strong>Kontroll</strong><br />N = 25<span '
                'class="gt_footnote_marks"><sup>1</sup></span></th></tr></thead><tbody><tr><td>Kvinne</td>'
                '<td>52%</td></tr><tr><td>Alder</td><td>25 (22, 28)</td></tr></tbody></table>')
    (table,) = html_tables(fragment, 1, Origin.OUTPUT, "printed data frame")
    assert table.table.names[1] == "Kontroll N = 25"


def test_html_tables_carry_a_multiindex_down_its_rows() -> None:
    from scanner.loaders.printouts import Origin, html_tables

    # pandas to_html of a crosstab by two index levels: the outer level spans its rows (rowspan)
    fragment = ('<table><thead><tr><th></th><th>tyollinen</th><th>0</th><th>1</th></tr>'
                '<tr><th>sukup</th><th>koulutus</th><th></th><th></th></tr></thead><tbody>'
                '<tr><th rowspan="2" valign="top">1</th><th>1</th><td>57230</td><td>45464</td></tr>'
                '<tr><th>2</th><td>123236</td><td>136721</td></tr>'
                '<tr><th rowspan="2" valign="top">2</th><th>1</th><td>59224</td><td>42244</td></tr>'
                '<tr><th>2</th><td>126916</td><td>127873</td></tr></tbody></table>')
    (table,) = html_tables(fragment, 1, Origin.OUTPUT, "printed data frame")
    assert table.table.names[:2] == ["sukup", "koulutus"] and table.table.dimensions == ("sukup", "koulutus")
    assert [r[:2] for r in table.table.rows] == [["1", "1"], ["1", "2"], ["2", "1"], ["2", "2"]]


def test_html_listing_of_rows_picked_from_a_large_frame() -> None:
    from scanner.loaders.printouts import Origin, html_tables

    # firm.nlargest(5, "omsaetning_tkr") as pandas renders it: the index says the rows were picked
    head = "<tr><th></th><th>branche</th><th>kom</th><th>omsaetning_tkr</th></tr>"
    body = "".join(f"<tr><th>{i}</th><td>107100</td><td>461</td><td>{v}</td></tr>"
                   for i, v in ((1042, 2960342), (4110, 1318280), (3652, 1150489)))
    (table,) = html_tables(f"<table><thead>{head}</thead><tbody>{body}</tbody></table>", 1, Origin.LISTING, "x")
    assert table.table.names == ["branche", "kom", "omsaetning_tkr"] and table.records == "picked"


def test_a_pandas_crosstab_with_text_levels_names_its_rows_by_the_index(tmp_path: Path) -> None:
    # pd.crosstab(df['maakunta'], df['koulutusaste']): the first line names the columns' variable, the second
    # the index's; a small cell is reported by the row's own label
    log = tmp_path / "istunto.log"
    log.write_text(
        "In [6]: pd.crosstab(df['maakunta'], df['koulutusaste'], margins=True)\n"
        "Out[6]: \n"
        "koulutusaste       Perusaste  Keskiaste  Tutkijakoulutus    All\n"
        "maakunta                                                       \n"
        "Uusimaa                11325      25042              845  37212\n"
        "Pirkanmaa               3793       8131              191  12115\n"
        "Keski-Pohjanmaa          612       1410                2   2024\n"
        "All                    15730      34583             1038  51351\n", encoding="utf-8")
    (result,) = api.scan([log], load_config(), jobs=1).files
    (finding,) = [f for f in result.findings if f.rule == "TAB001"]
    assert dict(finding.location.cell or ())["maakunta"] == "Keski-Pohjanmaa"


def test_a_groupby_header_over_its_index_names_is_no_crosstab(tmp_path: Path) -> None:
    # df.groupby([...]).agg(['count', 'mean', 'median']): the header is indented over the index, whose names
    # follow on the next line; the count is each group's size
    log = tmp_path / "groupby.log"
    log.write_text(
        ">>> df.groupby(['sukup', 'koulutus'])['tulot'].agg(['count', 'mean', 'median', 'std']).round(0)\n"
        "                 count     mean   median      std\n"
        "sukup koulutus                                   \n"
        "1     1         102694  66161.0  50090.0  56388.0\n"
        "      2         259957  81070.0  61080.0  70474.0\n"
        "2     1         101468  55124.0  41440.0  47890.0\n"
        "      2         254789  67614.0  51110.0  58249.0\n", encoding="utf-8")
    (result,) = api.scan([log], load_config(), jobs=1).files
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]


@pytest.mark.parametrize(("share", "verdict"), [("0.9", "review"), ("4.7", "pass")])
def test_a_notebooks_markdown_cells_are_read_as_prose(tmp_path: Path, share: str, verdict: str) -> None:
    """A markdown cell commenting a result: 0.9 % of the 212 patients aged 90 or older is 2 patients."""
    import json

    cells = [{"cell_type": "markdown", "metadata": {},
              "source": ["## Bleeding\n", "\n", f"Among the 212 patients aged 90 or older, {share} % had a major "
                         "bleed within one year.\n"]},
             {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["x = 1\n"], "outputs": []}]
    (tmp_path / "02_descriptives.ipynb").write_text(json.dumps(
        {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4,
         "nbformat_minor": 5}), encoding="utf-8")
    result = api.scan([tmp_path], load_config(), jobs=1).files[0]
    assert result.verdict.value == verdict, [(f.rule, f.message) for f in result.findings]


@pytest.mark.parametrize(("command", "verdict"), [
    ('print(as.data.frame(d[sample(nrow(d), 8), c("kon","fodelsear","kommun","dispink04")]))', "fail"),
    ('print(coef(glm(anst ~ kon + fodelsear, data = d, family = binomial)))', "pass"),
])
def test_r_print_of_sampled_rows_is_a_listing(tmp_path: Path, command: str, verdict: str) -> None:
    """A print of sampled rows of a data frame lists persons, though nrow() is inside the command (it was read as
    a model's output and skipped)."""
    rows = "\n".join(f"{7798 + 97 * k:>6} {1 + k % 2:>5} {1960 + 3 * k:>9} {('0180', '1480', '2281')[k % 3]:>6} "
                     f"{106620 + 15731 * k:>9}" for k in range(8))
    body = ("    kon fodelsear kommun dispink04\n" + rows) if verdict == "fail" else \
        "(Intercept)         kon   fodelsear\n -12.41203     0.21877     0.00612"
    path = tmp_path / "06_modell.Rout"
    path.write_text(f"> d <- read_sas('urval.sas7bdat')\n> {command}\n{body}\n> q()\n", encoding="utf-8")
    assert api.scan([path], load_config()).files[0].verdict.value == verdict
