"""Tests for scanner.loaders.textio (encoding detection) and scanner.loaders.csv (delimited tables).

Generated fixtures are written to tmp_path by the tests themselves. The real-world corpus is read where
it lies (``../shared/corpus`` next to the repository, or ``$SDCSCAN_CORPUS``) and never copied.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.loaders import textio
from scanner.loaders.base import LoadError, TabularSource
from scanner.loaders.csv import WHITESPACE, CsvSource, open_csv
from scanner.loaders.textio import Utf8Reader, detect_encoding, guess_encoding

REPO = Path(__file__).resolve().parents[1]


def corpus_root() -> Path:
    """The corpus root: $SDCSCAN_CORPUS, else ../shared/corpus relative to the repository root."""
    env = os.environ.get("SDCSCAN_CORPUS")
    return Path(env) if env else REPO.parent / "shared" / "corpus"


def corpus_file(kind: str, name: str) -> Path:
    path = corpus_root() / kind / name
    if not path.is_file():
        pytest.skip(f"corpus file {kind}/{name} not found under {corpus_root()} (set SDCSCAN_CORPUS)")
    return path


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def read_all(src: CsvSource, batch_rows: int = 65536) -> pa.Table:
    batches = list(src.batches(batch_rows))
    return pa.Table.from_batches(batches, schema=src.schema)


def column(src: CsvSource, name: str) -> list[str]:
    return read_all(src).column(name).to_pylist()


# -- textio: encoding detection ----------------------------------------------------------------------


class TestDetectEncoding:
    def test_plain_ascii_is_utf8(self, tmp_path: Path) -> None:
        assert detect_encoding(write(tmp_path, "a.csv", b"a,b\n1,2\n")) == "utf-8"

    def test_empty_file_is_utf8(self, tmp_path: Path) -> None:
        assert detect_encoding(write(tmp_path, "e.csv", b"")) == "utf-8"

    def test_utf8_with_danish_letters(self, tmp_path: Path) -> None:
        assert detect_encoding(write(tmp_path, "a.csv", "OMRÅDE;KØN\nÆrø;1\n")) == "utf-8"

    def test_utf8_bom(self, tmp_path: Path) -> None:
        assert detect_encoding(write(tmp_path, "a.csv", codecs.BOM_UTF8 + b"a,b\n")) == "utf-8-sig"

    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_bom(self, tmp_path: Path, codec: str) -> None:
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        path = write(tmp_path, "a.txt", bom + "Väsby\tÖ\n".encode(codec))
        assert detect_encoding(path) == "utf-16"

    def test_utf32_bom_is_not_mistaken_for_utf16(self, tmp_path: Path) -> None:
        path = write(tmp_path, "a.txt", "a;b\n1;2\n".encode("utf-32"))
        assert detect_encoding(path) == "utf-32"

    def test_utf16_without_bom_from_nul_pattern(self, tmp_path: Path) -> None:
        path = write(tmp_path, "a.txt", "region;pop\nVäsby;45543\n".encode("utf-16-le"))
        assert detect_encoding(path) == "utf-16-le"

    def test_binary_nul_content_is_a_load_error(self, tmp_path: Path) -> None:
        rng = random.Random(7)  # NULs at random positions: no UTF-16/32 code unit pattern
        blob = bytes(0 if rng.random() < 0.3 else rng.randrange(1, 256) for _ in range(4000))
        path = write(tmp_path, "a.bin", blob)
        with pytest.raises(LoadError, match="NUL"):
            detect_encoding(path)

    def test_cp1252_byte_far_into_the_file_is_caught(self, tmp_path: Path) -> None:
        # 30,000 ASCII lines (> 1 MiB, past the sample) then one cp1252 byte: a head sample would say UTF-8.
        lines = [f"{i},{i * 7},row number {i:08d} of the first part" for i in range(30_000)]
        body = ("\n".join(lines) + "\n").encode("ascii")
        assert len(body) > 1 << 20
        path = write(tmp_path, "late.csv", b"id,n,label\n" + body + "30000,0,V\xe4sby\n".encode("latin-1"))
        assert detect_encoding(path) == "cp1252"

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(parts=st.lists(st.one_of(st.binary(max_size=6), st.sampled_from([b"\xc3", b"\xa5", b"\xe2\x82", b"ab"])),
                          max_size=12),
           chunk=st.integers(min_value=1, max_value=5))
    def test_decodes_cleanly_agrees_with_a_whole_decode(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        parts: list[bytes], chunk: int) -> None:
        # chunks of ASCII are skipped without decoding: never one after a chunk that ends inside a sequence
        monkeypatch.setattr(textio, "CHUNK_BYTES", chunk)
        data = b"".join(parts)
        path = write(tmp_path, "d.bin", data)
        for codec in ("utf-8", "cp1252"):
            try:
                data.decode(codec)
                whole = True
            except UnicodeDecodeError:
                whole = False
            assert textio.decodes_cleanly(path, codec) is whole, (data, codec)

    def test_an_ascii_chunk_after_a_cut_sequence_is_still_decoded(self, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(textio, "CHUNK_BYTES", 4)
        # "\xc3" cut off, then ASCII, then "\xa5": a decoder that skipped the ASCII would read "\xc3\xa5" ("å")
        assert not textio.decodes_cleanly(write(tmp_path, "a.csv", b"abc\xc3abcd\xa5xyz"), "utf-8")
        assert textio.decodes_cleanly(write(tmp_path, "b.csv", b"abc\xc3\xa5bcdefgh"), "utf-8")

    def test_cp1252_scb_style(self, tmp_path: Path) -> None:
        path = write(tmp_path, "scb.csv", '"region","2017"\r\n"0117 Österåker",44130\r\n', "cp1252")
        assert detect_encoding(path) == "cp1252"

    def test_cp1252_typographic_quotes_stay_cp1252(self, tmp_path: Path) -> None:
        path = write(tmp_path, "q.txt", "Er sagte „Hallo“ – und ging.\n", "cp1252")
        assert detect_encoding(path) == "cp1252"

    def test_dos_code_page_with_byte_undefined_in_cp1252(self, tmp_path: Path) -> None:
        path = write(tmp_path, "aid.csv", "country,1960\r\nÅland,\r\nCuraçao,1.5\r\n", "cp850")
        assert b"\x8f" in path.read_bytes()
        assert detect_encoding(path) == "cp850"

    def test_dos_code_page_without_undefined_bytes(self, tmp_path: Path) -> None:
        # ä (0x84) and ö (0x94) are defined in cp1252 (as „ and ”) but sit inside words: DOS text.
        path = write(tmp_path, "dos.txt", "Upplands Väsby\nJärfälla\nTäby\nÖrebro län\n", "cp850")
        assert detect_encoding(path) == "cp850"

    def test_latin1_fallback(self, tmp_path: Path) -> None:
        # 0x81 rules out cp1252; "MÄNNER" in latin-1 reads as box drawing inside a word in cp850.
        data = "MÄNNER;FRAUEN\n".encode("latin-1") * 5 + b"x\x81y\n"
        assert detect_encoding(write(tmp_path, "l1.txt", data)) == "latin-1"

    def test_guess_encoding_tolerates_a_cut_character_in_a_head(self) -> None:
        data = "Österå".encode()
        assert guess_encoding(data[:-1], complete=False) == "utf-8"
        assert guess_encoding(data[:-1], complete=True) != "utf-8"

    def test_utf8_reader_transcodes(self, tmp_path: Path) -> None:
        path = write(tmp_path, "a.txt", "Åland\n", "cp850")
        with Utf8Reader(path, "cp850") as r:
            assert r.read() == "Åland\n".encode()


# -- csv: synthetic fixtures -------------------------------------------------------------------------


def test_csv_source_satisfies_protocol(tmp_path: Path) -> None:
    src: TabularSource = open_csv(write(tmp_path, "a.csv", "a,b\n1,2\n"))
    assert src.meta.format == "csv"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_delimiter_with_quotes_and_embedded_newlines(
    tmp_path: Path, delimiter: str, newline: str
) -> None:
    d = delimiter
    rows = [
        ["id", "name", "note"],
        ["1", f"Smith{d} John", f'says "hi"{newline}twice'],
        ["2", "Ærø", ""],
        ["3", "plain", f"multi{newline}line{newline}value{d}with delimiter"],
        ["4", "x", "y"],
    ]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=d, lineterminator=newline, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    path = write(tmp_path, "t.csv", buf.getvalue())

    src = open_csv(path)
    assert src.meta.delimiter == d
    assert src.schema.names == ["id", "name", "note"]
    assert all(f.type == pa.string() for f in src.schema)
    table = read_all(src)
    assert table.to_pylist() == [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert src.meta.data_line == 2
    assert src.incomplete() == ()


def test_quoted_newline_in_header_moves_data_line(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", '"first\nname",age\r\nAnna,5\r\nBo,7\r\n')
    src = open_csv(path)
    assert src.schema.names == ["first\nname", "age"]
    assert src.meta.data_line == 3
    assert column(src, "age") == ["5", "7"]


def test_bom_is_stripped_from_first_name(tmp_path: Path) -> None:
    path = write(
        tmp_path, "b.csv", codecs.BOM_UTF8 + "TID;ALDER;KØN;INDHOLD\r\n2021Q2;0 år;Mænd;31649\r\n".encode()
    )
    src = open_csv(path)
    assert src.meta.encoding == "utf-8-sig"
    assert src.schema.names == ["TID", "ALDER", "KØN", "INDHOLD"]
    assert column(src, "ALDER") == ["0 år"]


def test_explicit_utf8_on_a_bom_file_still_strips_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "b.csv", codecs.BOM_UTF8 + b"a,b\n1,2\n")
    assert open_csv(path, encoding="utf-8").schema.names == ["a", "b"]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "u16.txt", "region\tpop\r\nVäsby\t45543\r\nÖsteråker\t44130\r\n".encode("utf-16"))
    src = open_csv(path)
    assert src.meta.encoding == "utf-16"
    assert src.meta.delimiter == "\t"
    assert column(src, "region") == ["Väsby", "Österåker"]


def test_cp1252_value_far_into_the_file_decodes(tmp_path: Path) -> None:
    lines = "".join(f"{i};{i % 97};kommune {i:06d}\r\n" for i in range(60_000))
    data = ("id;n;name\r\n" + lines).encode("ascii") + "60000;1;Österåker\r\n".encode("cp1252")
    assert len(data) > 1 << 20
    src = open_csv(write(tmp_path, "late.csv", data))
    assert src.meta.encoding == "cp1252"
    names = column(src, "name")
    assert len(names) == 60_001
    assert names[-1] == "Österåker"
    assert src.incomplete() == ()


def test_dos_code_page_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "aid.csv", "country,1960,1961\r\nÅland,,\r\nSt. Barthélemy,1.2,3\r\n", "cp850")
    src = open_csv(path)
    assert src.meta.encoding == "cp850"
    assert column(src, "country") == ["Åland", "St. Barthélemy"]


def test_explicit_wrong_encoding_replaces_and_reports(tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", "a;b\nVäsby;1\n", "cp1252")
    src = open_csv(path, encoding="utf-8")
    assert column(src, "a") == ["V\ufffdsby"]
    assert any("replaced" in r for r in src.incomplete())
    assert any("replaced" in r for r in src.meta.incomplete)


def test_bom_file_with_a_bad_byte_is_read_with_replacement_and_reported(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + "a;b\nÆrø;1\n".encode() + "Väsby;2\n".encode("cp1252")
    src = open_csv(write(tmp_path, "bad.csv", data))
    assert src.meta.encoding == "utf-8-sig"
    assert column(src, "a") == ["Ærø", "V\ufffdsby"]
    assert src.incomplete() == (
        "bytes not valid in utf-8-sig were replaced by U+FFFD; values containing them are not exact",
    )


def test_statbank_title_lines_and_empty_header_cell(tmp_path: Path) -> None:
    text = (
        "Fertility rates by age and time;;;;\r\n"
        "Units: per 1,000 women;;;;\r\n"
        ";1973;1974;1975;1976\r\n"
        "Total fertility rate;1917;1896,8;1918,8;1747,2\r\n"
        "15 years;1,5;2;2,2;1\r\n"
    )
    src = open_csv(write(tmp_path, "asfr.csv", text))
    assert src.meta.delimiter == ";"
    assert src.meta.skipped_lines == 2
    assert src.meta.header_rows == 1
    assert src.meta.data_line == 4
    assert src.schema.names == ["column_1", "1973", "1974", "1975", "1976"]
    table = read_all(src)
    assert table.column("column_1").to_pylist() == ["Total fertility rate", "15 years"]
    assert table.column("1974").to_pylist() == ["1896,8", "2"]  # decimal commas stay text


@pytest.mark.parametrize(("text", "names", "first"), [
    # R's write.csv(table(region, sex)): the column levels over the row labels, nothing over the labels
    ('"","1","2"\n"North",45,38\n"South",2,51\n', ["column_1", "1", "2"], ["North", "45", "38"]),
    # tabout: a tab table with levels and Total
    ("\t1\t2\tTotal\nNorth\t45\t38\t83\nSouth\t2\t51\t53\n", ["column_1", "1", "2", "Total"],
     ["North", "45", "38", "83"]),
    # the column variable's name spanning, its levels and Total under it, a units row under them
    ("\tSex\t\t\nRegion\t1\t2\tTotal\n\tNo.\tNo.\tNo.\nNorth\t45\t38\t83\nSouth\t2\t51\t53\nTotal\t47\t89\t136\n",
     ["Region", "Sex | 1 | No.", "2 | No.", "Total | No."], ["North", "45", "38", "83"]),
    # rows that start with a number are data, not levels over labels
    (",1,2\n3,45,38\n4,2,51\n", None, None),
])
def test_numeric_column_levels_make_a_header(tmp_path: Path, text: str, names: list[str] | None,
                                             first: list[str] | None) -> None:
    src = open_csv(write(tmp_path, "t.csv", text))
    if names is None:
        assert src.meta.header_rows == 0 or "3" not in src.schema.names
        return
    assert src.schema.names == names
    table = read_all(src)
    assert [table.column(n).to_pylist()[0] for n in names] == first


def test_nz_title_line_quoted_with_commas(tmp_path: Path) -> None:
    text = (
        '"Live births by area, regional councils, and age of mother (Annual-Dec)",,,,\r\n'
        ",,1991,1992,1993\r\n"
        "Northland Region,Under 20 years,263,240,228\r\n"
        " ,20 - 24 years,644,652,619\r\n"
    )
    src = open_csv(write(tmp_path, "nz.csv", text))
    assert src.meta.skipped_lines == 1
    assert src.schema.names == ["column_1", "column_2", "1991", "1992", "1993"]
    assert column(src, "column_2") == ["Under 20 years", "20 - 24 years"]


def test_title_line_without_delimiters(tmp_path: Path) -> None:
    text = "Table 3. Population\n\nregion|men|women\nNorth|10|12\nSouth|7|9\n"
    src = open_csv(write(tmp_path, "t.csv", text))
    assert src.meta.delimiter == "|"
    assert src.meta.skipped_lines == 2  # the title and the blank line under it
    assert src.meta.data_line == 4
    assert src.schema.names == ["region", "men", "women"]


def test_duplicate_and_empty_names(tmp_path: Path) -> None:
    text = "x,long_covid,long_covid,,long_covid_2,long_covid\n1,2,3,4,5,6\n7,8,9,10,11,12\n"
    src = open_csv(write(tmp_path, "d.csv", text))
    assert src.schema.names == ["x", "long_covid", "long_covid_3", "column_4", "long_covid_2", "long_covid_4"]
    assert len(set(src.schema.names)) == 6


def test_two_header_rows_and_index_name_row(tmp_path: Path) -> None:
    text = (
        ",long_covid,long_covid,population,population\n"
        "age_group,0-49,50+,0-49,50+\n"
        "date,,,,\n"
        "2020-11-02,0.0,,14839551.0,\n"
        "2020-11-09,3.0,5.0,14839000.0,2577618.0\n"
        "2020-11-16,,7.0,14838000.0,2577000.0\n"
    )
    src = open_csv(write(tmp_path, "agr.csv", text))
    assert src.meta.header_rows == 3
    assert src.meta.data_line == 4
    assert src.schema.names == [
        "age_group | date",
        "long_covid | 0-49",
        "long_covid | 50+",
        "population | 0-49",
        "population | 50+",
    ]
    assert read_all(src).num_rows == 3


def test_data_row_with_suppressed_cells_is_not_a_header(tmp_path: Path) -> None:
    text = "region,count,rate\nNorth,[REDACTED],<5\nSouth,12,3.5\nEast,40,1.0\nWest,33,2.0\n"
    src = open_csv(write(tmp_path, "s.csv", text))
    assert src.meta.header_rows == 1
    assert column(src, "count") == ["[REDACTED]", "12", "40", "33"]


def test_headerless_numeric_file(tmp_path: Path) -> None:
    text = "1,2.5,3\n2,3.1,4\n3,0.2,9\n"
    src = open_csv(write(tmp_path, "n.csv", text))
    assert src.meta.header_rows == 0
    assert src.meta.data_line == 1
    assert src.schema.names == ["column_1", "column_2", "column_3"]
    assert column(src, "column_2") == ["2.5", "3.1", "0.2"]


def test_headerless_sparse_first_rows_are_data_not_titles(tmp_path: Path) -> None:
    text = "Abkhazia,,,\nAaland,,,\nAfghanistan,1.77,3.51,1.68\nAlbania,2.5,1.1,0.4\nAlgeria,0.1,0.2,0.3\n"
    src = open_csv(write(tmp_path, "sparse.csv", text))
    assert src.meta.header_rows == 0
    assert src.meta.skipped_lines == 0
    assert column(src, "column_1") == ["Abkhazia", "Aaland", "Afghanistan", "Albania", "Algeria"]


def test_year_header_is_a_header(tmp_path: Path) -> None:
    text = "Kommune,2006,2007,2008\nAabenraa,60044,60189,60392\nAalborg,194149,195145,196292\n"
    src = open_csv(write(tmp_path, "y.csv", text))
    assert src.meta.header_rows == 1
    assert src.schema.names == ["Kommune", "2006", "2007", "2008"]


def test_ragged_rows_are_counted_not_fatal(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n16\n" + "".join(
        f"{i},0,0\n" for i in range(17, 22)
    )
    src = open_csv(write(tmp_path, "r.csv", text))
    assert column(src, "a") == ["1", "6", "13", "17", "18", "19", "20", "21"]
    assert src.incomplete() == (
        "3 rows had a different number of fields than the header and were not inspected",
    )
    # A second stream recounts rather than accumulating.
    assert read_all(src).num_rows == 8
    assert len(src.incomplete()) == 1


def test_r_write_table_whitespace_with_row_names(tmp_path: Path) -> None:
    text = (
        '"EpiYear" "Age_5y" "Dx_Observed" "note"\r\n'
        '"1" "2013/2014" "[0,5)" 96 "a \\"quoted\\" word"\r\n'
        '"2" "2013/2014" "[5,10)" 7 NA\r\n'
        '"3" "2014/2015" "[0,5)"   4\t"x y"\r\n'
    )
    src = open_csv(write(tmp_path, "deaths.txt", text))
    assert src.meta.delimiter == WHITESPACE
    assert src.schema.names == ["row_name", "EpiYear", "Age_5y", "Dx_Observed", "note"]
    table = read_all(src)
    assert table.column("row_name").to_pylist() == ["1", "2", "3"]
    assert table.column("Age_5y").to_pylist() == ["[0,5)", "[5,10)", "[0,5)"]
    assert table.column("note").to_pylist() == ['a "quoted" word', "NA", "x y"]
    assert src.incomplete() == ()


@pytest.mark.parametrize(("text", "names"), [
    # numbers with space thousands separators, and a footer with as many words as the rows have
    # whitespace-separated pieces: the whitespace split is consistent, its pieces still hold the semicolons
    ("Yrkesgrupp;Antal;Medellön (kr);Median (kr)\nUndersköterskor;41230;29 812,4;29 500,0\n"
     "Sjuksköterskor;22110;38 441,9;37 900,0\nBarnmorskor;2;44 120,0;44 120,0\n"
     "Källa: Lönestrukturstatistiken, Gotland\n", ["Yrkesgrupp", "Antal", "Medellön (kr)", "Median (kr)"]),
    # decimal commas, a footnote with a comma: the comma split is as consistent, its fields hold semicolons
    ("Diagnos;Andel av befolkningen (%)\nDiabetes typ 2;5,1\nKOL;2,0\nMS;0,2\nALS;0,1\nTotalt;100,0\n\n"
     "N = 8 412 300 (hela befolkningen 18+ år, 2020)\n", ["Diagnos", "Andel av befolkningen (%)"]),
])
def test_semicolon_files_that_other_splits_fit_as_well(tmp_path: Path, text: str, names: list[str]) -> None:
    src = open_csv(write(tmp_path, "tabel.csv", text))
    assert src.meta.delimiter == ";"
    assert src.schema.names == names


def test_whitespace_ragged_and_unbalanced_quotes_counted(tmp_path: Path) -> None:
    text = 'a b c\n1 2 3\n4 5\n"6 7 8\n9 10 11\n'
    src = open_csv(write(tmp_path, "w.txt", text))
    assert src.meta.delimiter == WHITESPACE
    assert column(src, "a") == ["1", "9"]
    assert src.incomplete() == (
        "2 rows had a different number of fields than the header and were not inspected",
    )


def test_trailing_delimiter_column_is_kept_and_named(tmp_path: Path) -> None:
    text = "\ufeffState Name,Year,MW,\r\nAlabama,1960,1, \r\nAlabama,1961,1,\r\nWyoming,2019,7.25,"
    src = open_csv(write(tmp_path, "mw.csv", text))
    assert src.schema.names == ["State Name", "Year", "MW", "column_4"]
    table = read_all(src)
    assert table.column("column_4").to_pylist() == [" ", "", ""]
    assert table.column("MW").to_pylist()[-1] == "7.25"  # last line has no line break


def test_values_are_raw_text_never_null(tmp_path: Path) -> None:
    text = 'code;value\n"A";4,3\n"B";NA\n"C";\n"";..\n0101;<5\n'
    src = open_csv(write(tmp_path, "s.csv", text))
    table = read_all(src)
    assert table.column("value").to_pylist() == ["4,3", "NA", "", "..", "<5"]
    assert table.column("code").to_pylist() == ["A", "B", "C", "", "0101"]
    assert table.column("value").null_count == 0


def test_batch_rows_and_repeat_streaming(tmp_path: Path) -> None:
    text = "n,sq\n" + "".join(f"{i},{i * i}\n" for i in range(1000))
    src = open_csv(write(tmp_path, "b.csv", text))
    sizes = [b.num_rows for b in src.batches(batch_rows=300)]
    assert sizes == [300, 300, 300, 100]
    assert all(b.schema == src.schema for b in src.batches(batch_rows=300))
    assert column(src, "n") == [str(i) for i in range(1000)]


def test_header_only_file_has_schema_and_no_rows(tmp_path: Path) -> None:
    src = open_csv(write(tmp_path, "h.csv", "region;men;women\r\n\r\n"))
    assert src.schema.names == ["region", "men", "women"]
    assert list(src.batches()) == []


def test_blank_lines_between_rows_are_skipped(tmp_path: Path) -> None:
    src = open_csv(write(tmp_path, "bl.txt", "cons\t==1\t90307 (100)\n\nage\t==2\t5 ( 1)\n\n"))
    assert src.meta.header_rows == 0
    assert read_all(src).num_rows == 2


def test_record_longer_than_a_block_restarts_without_duplicates(tmp_path: Path) -> None:
    # 1 MiB Arrow blocks first; a 3 MiB record forces a restart with larger blocks after rows were
    # already yielded: they must not be yielded twice.
    head = "".join(f"{i},short\n" for i in range(200_000))
    text = "n,text\n" + head + "200000," + "x" * (3 << 20) + "\n200001,end\n"
    src = open_csv(write(tmp_path, "long.csv", text))
    seen = [v for b in src.batches(batch_rows=10_000) for v in b.column("n").to_pylist()]
    assert seen == [str(i) for i in range(200_002)]
    assert src.incomplete() == ()


def test_blank_line_under_the_header(tmp_path: Path) -> None:
    src = open_csv(write(tmp_path, "b.csv", "a;b\r\n\r\n1;2\r\n3;4\r\n"))
    assert src.meta.data_line == 3
    assert column(src, "a") == ["1", "3"]


def test_utf16_without_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "u.txt", "kommune\tantal\nTårnby\t42\nÆrø\t6\n".encode("utf-16-le"))
    src = open_csv(path)
    assert src.meta.encoding == "utf-16-le"
    assert column(src, "kommune") == ["Tårnby", "Ærø"]


def test_one_column_table(tmp_path: Path) -> None:
    src = open_csv(write(tmp_path, "one.csv", "count\n5\n7\n12\n"))
    assert src.schema.names == ["count"]
    assert column(src, "count") == ["5", "7", "12"]
    assert any("one column" in n for n in src.meta.notes)


# -- errors carry no content -------------------------------------------------------------------------

SECRET = "190101-1234 Karin Svensson"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (f'id,name\n1,"{SECRET}\n2,x\n'.encode(), "unterminated quoted field at line 2"),
        (
            (
                f"{SECRET} is a person, with some text\nand another line of prose\n"
                f"third: {SECRET}; x, y, z, w\nfourth line, here, and there\nno commas here\n"
                "a | pipe, and; semicolon\n"
            ).encode(),
            "not a delimited table",
        ),
        (b"   \n\n  \n", "not a delimited table"),
    ],
)
def test_load_errors_are_value_free(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.csv", data)
    with pytest.raises(LoadError) as info:
        open_csv(path)
    assert info.value.reason.startswith(reason)
    assert SECRET not in str(info.value)
    assert "Karin" not in info.value.reason


def test_ragged_reason_is_value_free(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", f"a,b\n1,2\n{SECRET},x,y\n")
    src = open_csv(path)
    read_all(src)
    assert src.incomplete()
    assert all("Karin" not in r and "1234" not in r for r in src.incomplete())


# -- property: what the csv module writes, we read back ---------------------------------------------

_TEXT = st.text(alphabet='abcäöÅ XY,;|"\n\r.-', min_size=0, max_size=12).map(lambda s: "v" + s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ncols=st.integers(min_value=2, max_value=5),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_roundtrip_property(
    tmp_path: Path, ncols: int, data: st.DataObject, delimiter: str, newline: str
) -> None:
    rows = data.draw(st.lists(st.lists(_TEXT, min_size=ncols, max_size=ncols), min_size=3, max_size=12))
    header = [f"col{i}" for i in range(ncols)]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_NONNUMERIC).writerows(
        [header, *rows]
    )
    path = write(tmp_path, "p.csv", buf.getvalue())
    src = open_csv(path)
    assert src.meta.delimiter == delimiter
    assert src.schema.names == header
    assert read_all(src, batch_rows=4).to_pylist() == [dict(zip(header, r, strict=True)) for r in rows]


# -- large file streams --------------------------------------------------------------------------------


@pytest.mark.slow
def test_large_file_streams_with_bounded_arrow_memory(tmp_path: Path) -> None:
    # The same rows in a file and in one twice as large: the Arrow memory the stream holds at its peak is
    # Arrow's read-ahead of blocks and batches, which does not grow with the file. (Its level depends on how
    # fast the consumer is beside the reader threads: about 90 MiB on two idle cores, more when the machine is
    # busy; what is tested is that it stays flat and far below the file.)
    line = "".join(f"{i % 10},kommune {i % 99},{i * 37 % 100000},x\n" for i in range(10_000))
    peaks = []
    for copies in (1000, 2000):  # ~ 210 MB and ~ 420 MB, 10 and 20 million rows
        path = tmp_path / f"big{copies}.csv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("a,b,c,d\n")
            for _ in range(copies):
                fh.write(line)
        gc.collect()
        # (Arrow's memory pool is shared by the whole test process: only what this stream adds is counted)
        base = pa.total_allocated_bytes()
        rows = 0
        peak = 0
        for batch in open_csv(path).batches(batch_rows=65536):
            assert batch.num_rows <= 65536
            rows += batch.num_rows
            peak = max(peak, pa.total_allocated_bytes() - base)
            del batch
        assert rows == 10_000 * copies
        peaks.append(peak)
        size = path.stat().st_size
        path.unlink()
    small, large = peaks
    assert large < 1.25 * small + (32 << 20), peaks  # (no growth with the file)
    assert large < size // 3, peaks  # (a third of the larger file at most: no copy of it)


# -- the real-world corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """What we know about one corpus file, from reading it with head/cat -A."""

    name: str
    delimiter: str
    encoding: str
    rows: int
    names: tuple[str, ...]  # the first len(names) column names
    ncols: int
    header_rows: int = 1
    skipped: int = 0
    values: tuple[tuple[str, str], ...] = ()  # (column, a value that must occur in it)
    kind: str = "csv"


CORPUS = [
    Expect(
        "california_eitc_mw_lw_data.csv",
        ",",
        "utf-8-sig",
        36567,
        ("State Name", "State Fips", "Year", "Quarter", "Month", "MW", "column_7"),
        7,
        values=(("State Name", "Wyoming"), ("MW", "7.25"), ("column_7", " ")),
    ),
    Expect(
        "cpop_dk_ASFR.csv",
        ";",
        "utf-8",
        38,
        ("column_1", "1973", "1974"),
        48,
        skipped=2,
        values=(
            ("column_1", "Total fertility rate"),
            ("column_1", "Net Reproduction Rate"),
            ("1973", "1917"),
        ),
    ),
    Expect(
        "cpop_dk_DeathsDenmark_Epiyear.txt",
        WHITESPACE,
        "utf-8",
        147,
        (
            "row_name",
            "EpiYear",
            "Age_5y",
            "Dx_forecast_Women",
            "Dx_forecast_Men",
            "Dx_Observed_Women",
            "Dx_Observed_Men",
            "Error_Women",
            "Error_Men",
        ),
        9,
        values=(("row_name", "147"), ("Age_5y", "[0,5)"), ("Age_5y", "[100,Inf)"), ("EpiYear", "2019/2020")),
    ),
    Expect(
        "cpop_dk_PopQ3_Denmark.csv",
        ",",
        "utf-8",
        212,
        ("Sex", "Age", "2008Q3"),
        14,
        values=(("Age", "105 years"), ("Sex", "Women")),
    ),
    Expect(
        "dst_FOLK1A_bom.csv",
        ";",
        "utf-8-sig",
        222,
        ("TID", "ALDER", "KØN", "INDHOLD"),
        4,
        values=(("INDHOLD", "31649"), ("ALDER", "110 years")),
    ),
    Expect(
        "dst_FOLK1A_municipality.csv",
        ";",
        "utf-8",
        31200,
        ("OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"),
        5,
        values=(("OMRÅDE", "000"), ("TID", "2008K1")),
    ),
    Expect(
        "ide_dk_befolkingPerKommune.csv",
        ",",
        "utf-8",
        2780,
        ("Kommune", "1979", "1980"),
        28,
        values=(("Kommune", "Vordingborg"), ("1980", "-20")),
    ),
    Expect(
        "ide_dk_befolkning.csv",
        ",",
        "utf-8",
        99,
        ("Kommune", "2006", "2007"),
        11,
        values=(("Kommune", "Ærø"), ("Kommune", "Christiansø"), ("2006", "95")),
    ),
    Expect(
        "intro-stata_aid.csv",
        ",",
        "cp850",
        275,
        ("Aid received per person (current US$)", "1960", "1961"),
        52,
        values=(
            ("Aid received per person (current US$)", "Åland"),
            ("Aid received per person (current US$)", "Curaçao"),
            ("Aid received per person (current US$)", "St. Barthélemy"),
        ),
    ),
    Expect(
        "opensafely_longcovid_age_group_rate.csv",
        ",",
        "utf-8",
        18,
        ("age_group | date", "long_covid | 0-49", "long_covid | 50-59", "long_covid | 60-69"),
        16,
        header_rows=3,
        values=(("age_group | date", "2020-11-02"), ("Crude rate per 100,000 population | 80+", "")),
    ),
    Expect(
        "opensafely_longcovid_all_long_covid_codes_redacted.csv",
        ",",
        "utf-8",
        18,
        ("code", "term", "Total records", "%"),
        4,
        values=(("Total records", "[REDACTED]"),),
    ),
    Expect(
        "opensafely_longcovid_counts_table.csv",
        ",",
        "utf-8",
        35,
        ("Attribute", "Category", "No long COVID", "Long COVID", "Rate per 100,000", "%"),
        6,
        values=(("Category", "COVID positive"),),
    ),
    Expect(
        "pmean_gardasil.csv",
        ",",
        "utf-8",
        1413,
        (
            "Age",
            "AgeGroup",
            "Race",
            "Shots",
            "Completed",
            "InsuranceType",
            "MedAssist",
            "Location",
            "LocationType",
            "PracticeType",
        ),
        10,
    ),
    Expect(
        "pyreadstat_sample.csv",
        ",",
        "utf-8-sig",
        5,
        ("mychar", "mynum", "mydate", "dtime", "mylabl", "myord", "mytime"),
        7,
        values=(("mynum", "-1000.3"), ("mydate", "")),
    ),
    Expect(
        "ssb_befolkning.csv",
        ";",
        "utf-8",
        3807,
        ("Region", "Alder", "Tid", "value"),
        4,
        values=(("Region", "0101"), ("Alder", "F65+")),
    ),
    Expect(
        "ssb_kommunedata.csv",
        ",",
        "utf-8",
        894,
        ("tid", "region", "kjonn", "bruttoinnt"),
        9,
        values=(("region", "5054"),),
    ),
    Expect(
        "ssb_sykemelding.csv",
        ";",
        "utf-8",
        16,
        ("NACE2007", "value"),
        2,
        values=(("value", "4,3"), ("value", "NA"), ("NACE2007", "R-U")),
    ),
    Expect(
        "stathelp_befolkning.csv",
        ",",
        "cp1252",
        290,
        ("region", "2017"),
        2,
        values=(
            ("region", "0115 Vallentuna"),
            ("region", "0117 Österåker"),
            ("region", "0114 Upplands Väsby"),
        ),
    ),
    Expect(
        "stathelp_countypop.csv",
        ",",
        "cp1252",
        21,
        ("region", "2018"),
        2,
        values=(("region", "04 Södermanland county"),),
    ),
    Expect(
        "stathelp_population2018.csv",
        ";",
        "utf-8-sig",
        290,
        ("municipality_code", "municipality_name", "pop2018"),
        3,
        values=(("municipality_name", "Upplands Väsby"), ("municipality_name", "Kiruna")),
    ),
    Expect(
        "statsnz_TABLECODE7501_subnational_population.csv",
        ",",
        "utf-8",
        5760,
        ("Area", "Age", "Year at 30 June", "Sex", "Value", "Flags"),
        6,
        values=(("Area", "Canterbury region"), ("Flags", "")),
    ),
    Expect(
        "statsnz_VSB356401.csv",
        ",",
        "utf-8",
        127,
        ("column_1", "column_2", "1991", "1992"),
        27,
        skipped=1,
        values=(("column_1", "Northland Region"), ("column_2", "20 - 24 years")),
    ),
    Expect(
        "t1dm_qba_corrected_table.csv",
        "\t",
        "utf-8",
        21,
        ("algoname", "corr_ppv_med74", "corr_sen_med74"),
        23,
        values=(("algoname", "3f"),),
    ),
    Expect(
        "t1dm_qba_uncorrected.csv",
        "\t",
        "utf-8",
        21,
        (
            "algonumber",
            "algoname",
            "algo",
            "algo_text",
            "tp",
            "fp",
            "fn",
            "tn",
            "total",
            "algo_ppv",
            "algo_sen",
        ),
        11,
        values=(("tp", "909"),),
    ),
    Expect(
        "opensafely_absrisk_basetable1.txt",
        "\t",
        "utf-8",
        91,
        ("column_1", "column_2", "column_3", "column_4"),
        4,
        header_rows=0,
        kind="logs",
        values=(("column_1", "cons"), ("column_1", "obese40")),
    ),
    Expect(
        "opensafely_absrisk_X_covid_outcomes_by_at_risk.out",
        "\t",
        "utf-8",
        34,
        ("age", "atrisk", "natrisk", "ncoviddeath", "rr_coviddeath"),
        15,
        kind="logs",
        values=(("ncoviddeath", "<5"), ("ncoviddeath", "[R]")),
    ),
    Expect(
        "opensafely_absrisk_AL004_cox_regression_FUP_summaries.out",
        "\t",
        "utf-8",
        144,
        ("wave", "outcome", "exposure", "expcat", "child", "p25", "p50", "p75", "total"),
        9,
        kind="logs",
        values=(("outcome", "covidadmission"),),
    ),
]


def independent_row_count(path: Path, e: Expect) -> int:
    """Count data rows with the standard library, knowing the answer's delimiter and encoding."""
    text = path.read_text(encoding=e.encoding)
    above = e.skipped + e.header_rows
    if e.delimiter == WHITESPACE:
        lines = [ln for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()]
        return len(lines) - above
    records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=e.delimiter) if r]
    return len(records) - above


@pytest.mark.corpus
def test_corpus_expectations_cover_every_csv_file() -> None:
    folder = corpus_root() / "csv"
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {corpus_root()} (set SDCSCAN_CORPUS)")
    expected = {e.name for e in CORPUS if e.kind == "csv"}
    assert {p.name for p in folder.iterdir() if p.is_file()} == expected


@pytest.mark.corpus
@pytest.mark.parametrize("e", CORPUS, ids=[e.name for e in CORPUS])
def test_corpus_file(e: Expect) -> None:
    path = corpus_file(e.kind, e.name)
    src = open_csv(path)
    meta = src.meta
    assert meta.delimiter == e.delimiter, e.name
    assert meta.encoding == e.encoding, e.name
    assert meta.header_rows == e.header_rows, e.name
    assert meta.skipped_lines == e.skipped, e.name
    assert meta.data_line == e.skipped + e.header_rows + 1, e.name
    assert len(src.schema) == e.ncols
    assert tuple(src.schema.names[: len(e.names)]) == e.names
    assert len(set(src.schema.names)) == len(src.schema.names)
    table = read_all(src)
    assert table.num_rows == e.rows
    assert table.num_rows == independent_row_count(path, e)
    assert src.incomplete() == ()
    for name, value in e.values:
        assert value in table.column(name).to_pylist(), (e.name, name)


def test_a_markdown_table_saved_as_text_has_its_header_and_no_alignment_row(tmp_path: Path) -> None:
    from scanner.loaders.csv import open_csv

    path = tmp_path / "freq.txt"
    path.write_text("Table 2. Diagnoses by age group\n\n| Age group | Diabetes | Asthma |\n"
                    "|-----------|---------:|:------:|\n"
                    "| 0-17      |        1 |     45 |\n| 18-64     |      230 |    310 |\n", encoding="utf-8")
    src = open_csv(path)
    # the empty fields outside the edge pipes get generated names
    assert src.schema.names[1:4] == ["Age group", "Diabetes", "Asthma"]
    rows = [r for b in src.batches() for r in b.to_pylist()]
    assert len(rows) == 2 and src.meta.data_line == 5
    assert any("rule line" in n for n in src.meta.notes)


def test_tables_of_different_widths_without_a_blank_line_are_not_one_column(tmp_path: Path) -> None:
    from scanner import api
    from scanner.config import load_config
    from scanner.findings import Verdict

    # a 3-column table, then a 2-column one right under it: no delimiter is consistent; each block of
    # lines with one number of fields is a table of its own, the second starting where the count changes
    path = tmp_path / "two.csv"
    path.write_text("Region;Mænd;Kvinder\nHovedstaden;1200;1310\nSjælland;800;790\nSyddanmark;950;1002\n"
                    "Region;Antal\nHovedstaden;2\nSjælland;1411\n", encoding="utf-8")
    (result,) = api.scan([path], load_config()).files
    assert result.verdict is Verdict.FAIL
    assert [f.location.line for f in result.findings if f.rule == "TAB001"] == [6]


def test_a_labelled_source_note_with_the_delimiter_in_it_is_a_footer(tmp_path: Path) -> None:
    from scanner import api
    from scanner.config import load_config
    from scanner.findings import Verdict

    path = tmp_path / "slutenvard.csv"
    path.write_text("Län;Cirkulation;Tumörer;Totalt\nStockholms län;161 583;120 954;282 537\n"
                    "Uppsala län;31 210;22 871;54 081\nSkåne län;98 004;70 410;168 414\n"
                    "Källa: Patientregistret, Socialstyrelsen; egna beräkningar i MONA.\n", encoding="utf-8")
    (result,) = api.scan([path], load_config()).files
    assert result.verdict is Verdict.PASS, [(f.rule, f.message) for f in result.findings]
