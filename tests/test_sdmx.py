"""Flagged statistics-office tables (scanner.loaders.sdmx): Eurostat TSV, SDMX-CSV and JSON-stat."""

from __future__ import annotations

import json

import pytest

from scanner.loaders.base import LoadError
from scanner.loaders.sdmx import CONFIDENTIAL_MARK, eurostat_tsv, is_flagged_csv, json_stat, sdmx_csv

TSV = ("unit,geo\\TIME_PERIOD\t2021 \t2022 \n"
       "NR,DK01\t19 \t17 p\n"
       "NR,DK05\t2 c\t: c\n"
       "NR,DK04\t: \t3.5 bep\n")


def test_eurostat_tsv_takes_the_flags_off_and_lists_printed_confidential_values() -> None:
    rows, flagged = eurostat_tsv(TSV)
    assert rows == [
        {"unit": "NR", "geo": "DK01", "2021": "19", "2022": "17"},
        {"unit": "NR", "geo": "DK05", "2021": "2", "2022": CONFIDENTIAL_MARK},
        {"unit": "NR", "geo": "DK04", "2021": ":", "2022": "3.5"},
    ]
    assert [(f.row, f.column, f.flag) for f in flagged] == [(2, "2021", "c")]


def test_eurostat_tsv_with_a_ragged_row_is_not_read() -> None:
    with pytest.raises(LoadError):
        eurostat_tsv(TSV + "NR\t4 \t5 \n")


@pytest.mark.parametrize(("head", "expected"), [
    ("freq,unit,geo\\TIME_PERIOD\t2020 \t2021\n", True),
    ("unit,geo\\time\t2020\n", True),
    ("DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE,CONF_STATUS\n", True),
    ("STRUCTURE;geo;OBS_VALUE;OBS_FLAG\n", True),
    ("region,sex,OBS_VALUE\n", False),  # no flag column: an ordinary CSV
    ("region,n,flag\n", False),
    ("C:\\data\\file\t2\n", False),
])
def test_flagged_headers(head: str, expected: bool) -> None:
    assert is_flagged_csv(head) is expected


def test_sdmx_csv_conf_status_and_obs_flag() -> None:
    text = ("STRUCTURE,geo,sex,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
            "x,DK01,F,12,,F\n"
            "x,DK02,F,,,C\n"
            "x,DK03,F,7,,D\n"
            "x,DK04,F,9,c,\n"
            "x,DK05,F,8,p,F\n")
    rows, flagged = sdmx_csv(text)
    assert [r["OBS_VALUE"] for r in rows] == ["12", CONFIDENTIAL_MARK, "7", "9", "8"]
    assert all("CONF_STATUS" not in r and "OBS_FLAG" not in r for r in rows)
    assert [(f.row, f.flag) for f in flagged] == [(3, "D"), (4, "c")]


def _cube(value: object, status: object = None, version2: bool = True) -> object:
    dims = {"sex": {"label": "Sex", "category": {"index": ["M", "F"], "label": {"M": "Men", "F": "Women"}}},
            "year": {"category": {"index": {"2023": 0}}}}
    body: dict[str, object] = {"id": ["sex", "year"], "size": [2, 1], "dimension": dims, "value": value}
    if status is not None:
        body["status"] = status
    if version2:
        return {"version": "2.0", "class": "dataset", "label": "Cases", **body}
    dims["id"], dims["size"] = body.pop("id"), body.pop("size")
    return {"cases": body}


@pytest.mark.parametrize("version2", [True, False])
def test_json_stat_rows_in_both_versions(version2: bool) -> None:
    cube = json_stat(_cube([41, None], {"1": "c"}, version2))
    assert cube is not None
    rows, flagged, _ = cube
    assert rows == [{"Sex": "Men", "year": "2023", "value": 41}, {"Sex": "Women", "year": "2023", "value": "x"}]
    assert flagged == []


def test_json_stat_sparse_values_and_a_printed_confidential_value() -> None:
    cube = json_stat(_cube({"0": 41, "1": 2}, ["", "C"]))
    assert cube is not None
    rows, flagged, label = cube
    assert [r["value"] for r in rows] == [41, 2]
    assert [(f.row, f.column, f.flag) for f in flagged] == [(2, "value", "C")]
    assert label == "Cases"


def test_json_stat_whose_values_do_not_fit_its_size_is_not_read() -> None:
    with pytest.raises(LoadError):
        json_stat(_cube([41, 38, 55]))


def test_other_json_is_no_json_stat() -> None:
    assert json_stat({"data": [{"a": 1}]}) is None
    assert json_stat(json.loads('{"class": "collection", "link": {}}')) is None


def test_a_flag_word_with_a_c_in_it_is_no_confidentiality_flag() -> None:
    """A flag column's words ("checked", "calculated") are not Eurostat's "c"; "bc" (break, confidential) is."""
    text = ("STRUCTURE,geo,OBS_VALUE,OBS_FLAG\n"
            "x,DK01,12,checked\n"
            "x,DK02,14,calculated\n"
            "x,DK03,9,bc\n")
    rows, flagged = sdmx_csv(text)
    assert [r["OBS_VALUE"] for r in rows] == ["12", "14", "9"]
    assert [(f.row, f.flag) for f in flagged] == [(3, "bc")]
