"""scanner.formats.pcaxis: PC-Axis cubes (PX-Web's ``.px`` files) read as long tables of their cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.discover import FileKind
from scanner.findings import Verdict
from scanner.formats.pcaxis import parse_px
from scanner.loaders.base import LoadError

PX = '''CHARSET="ANSI";
AXIS-VERSION="2010";
DECIMALS=0;
MATRIX="SF0101X";
TITLE="Personer med sjukersättning efter kommun, kön och ålder, 2022";
TITLE[en]="Persons with sickness compensation";
CONTENTS="Personer med sjukersättning";
UNITS="antal";
STUB="region","kön";
HEADING="ålder";
VALUES("region")="2460 Vännäs","2463 Åsele";
VALUES("kön")="män","kvinnor";
VALUES("ålder")="19-29 år","30-49 år",
"50-64 år";
DATA=
6 24 71
8 31 96
4 19 58
{small} 11 33
;
'''


def test_cells_are_rows_of_the_variables_in_order() -> None:
    rows, title = parse_px(PX.format(small=1))
    assert len(rows) == 12 and title.startswith("Personer med sjukersättning") and title.endswith("(antal)")
    assert rows[0] == {"region": "2460 Vännäs", "kön": "män", "ålder": "19-29 år", "antal": "6"}
    assert rows[9] == {"region": "2463 Åsele", "kön": "kvinnor", "ålder": "19-29 år", "antal": "1"}
    assert rows[11]["ålder"] == "50-64 år" and rows[11]["antal"] == "33"


def test_suppression_symbols_stay_as_written() -> None:
    rows, _ = parse_px(PX.format(small='".."'))
    assert rows[9]["antal"] == ".."


def test_a_cube_whose_cells_do_not_fill_its_variables_is_refused() -> None:
    with pytest.raises(LoadError, match="DATA holds 11 cells"):
        parse_px(PX.format(small=1).replace(" 11 33", " 33"))
    with pytest.raises(LoadError):
        parse_px('TITLE="x";\nDATA=\n1 2;\n')


def test_a_px_file_is_scanned_as_a_table(tmp_path: Path) -> None:
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "sjukersattning.px").write_text(PX.format(small=1), encoding="cp1252")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "sjukersattning.px").write_text(PX.format(small=5), encoding="cp1252")
    unsafe = api.scan([tmp_path / "u"], load_config(), jobs=1).files[0]
    assert unsafe.kind == FileKind.PX.value and unsafe.verdict is Verdict.FAIL
    assert {f.rule for f in unsafe.findings} == {"TAB001"}
    assert api.scan([tmp_path / "s"], load_config(), jobs=1).files[0].verdict is Verdict.PASS


CONTENT_PX = '''CHARSET="ANSI";
MATRIX="BESK_LOL";
TITLE="30-64-årige og beskæftigelsesfrekvens efter oprindelsesland og enhed, Lolland Kommune, november 2022";
UNITS="antal";
STUB="oprindelsesland";
HEADING="enhed";
VALUES("oprindelsesland")="Danmark","Tyrkiet","Polen","Island";
VALUES("enhed")="Personer (antal)","Beskæftigelsesfrekvens (pct.)";
UNITS("Personer (antal)")="antal";
UNITS("Beskæftigelsesfrekvens (pct.)")="pct.";
DATA=
18412 76.3
214 58.9
387 81.4
{n} 85.7;
'''


def test_a_content_variable_with_units_per_value_becomes_columns() -> None:
    rows, title = parse_px(CONTENT_PX.format(n=7))
    assert rows[-1] == {"oprindelsesland": "Island", "Personer (antal)": "7", "Beskæftigelsesfrekvens (pct.)": "85.7"}
    assert "(antal)" not in title  # the cube's unit is no unit of the share column


def test_a_share_of_a_small_count_in_another_content_column(tmp_path: Path) -> None:
    # 85.7 % of 7 persons employed: 1 person is not
    small = tmp_path / "small" / "besk.px"
    small.parent.mkdir()
    small.write_text(CONTENT_PX.format(n=7), encoding="cp1252")
    large = tmp_path / "large" / "besk.px"
    large.parent.mkdir()
    large.write_text(CONTENT_PX.format(n=70).replace("85.7", "85.7"), encoding="cp1252")
    config = load_config()
    (r,) = api.scan([small], config).files
    assert r.verdict is Verdict.FAIL and any(f.rule == "TAB001" for f in r.findings)
    (r,) = api.scan([large], config).files
    assert r.verdict is Verdict.PASS


def test_a_variable_naming_a_count_and_an_amount_becomes_columns(tmp_path: Path) -> None:
    """Probe WE: the heading variable "enhed" names its values' measures ("Antal virksomheder", "Eksport (1000 kr.)"),
    with no CONTVARIABLE and one UNITS for both: its count is a column of counts (a firm count of 2 passed)."""
    px = '''CHARSET="ANSI";
DECIMALS=0;
MATRIX="UHVKN8";
TITLE="Eksport efter varekode, land og enhed (2022)";
CONTENTS="Eksport af varer";
UNITS="antal og 1000 kr.";
STUB="varekode","land";
HEADING="enhed";
VALUES("varekode")="30043100 Insulin, doseret","85023100 Vindkraftgeneratoraggregater";
VALUES("land")="Japan","Tyskland","USA";
VALUES("enhed")="Antal virksomheder","Eksport (1000 kr.)";
DATA=
2 1210347
14 2250012
9 1890455
11 3021844
23 5012775
17 4410938
;
'''
    rows, _ = parse_px(px)
    assert rows[0] == {"varekode": "30043100 Insulin, doseret", "land": "Japan", "Antal virksomheder": "2",
                       "Eksport (1000 kr.)": "1210347"}
    path = tmp_path / "eksport_kn8_land.px"
    path.write_text(px, encoding="latin-1")
    result = api.scan([path], load_config(), jobs=1).files[0]
    small = [f for f in result.findings if f.rule == "TAB001"]
    assert result.verdict is Verdict.FAIL and [f.location.column for f in small] == ["Antal virksomheder"]
