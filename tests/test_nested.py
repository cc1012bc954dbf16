"""scanner.loaders.nested: the tables inside nested result files (JSON that is no list of records, YAML, TOML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import Verdict
from scanner.loaders.nested import nested_tables, parse_nested


def test_a_mapping_of_rows_to_mappings_of_columns_is_a_wide_table() -> None:
    found = nested_tables({"model": {"n": 15432}, "table": {"Hovedstaden": {"men": 12, "women": 2},
                                                          "Sjælland": {"men": 30, "women": 41}}})
    (model_path, model), (path, table) = found.tables
    assert path == "table" and table.names == ["table", "men", "women"]
    assert table.rows == [["Hovedstaden", "12", "2"], ["Sjælland", "30", "41"]]
    # (a field named as a count, the model's n, is a count the table rules judge: every number read)
    assert model_path == "model" and model.rows == [["n", "15432"]]
    assert found.numbers == 5 and found.read == 5 and found.complete


def test_a_count_named_field_among_settings_is_a_setting() -> None:
    assert nested_tables({"bootstrap": {"n": 2, "seed": 20240301}}).tables == []
    assert nested_tables({"dominance": {"n": 2}}).tables == []
    assert not nested_tables({"model": {"formula": "y ~ x", "n": 2, "dpi": 300}}).complete


def test_records_with_a_total_beside_them_and_a_split_layout() -> None:
    obj = {"rader": [{"land": "Iran", "menn": 41, "kvinner": 22}, {"land": "Eritrea", "menn": 6, "kvinner": "<3"}],
           "totalt": {"menn": 47, "kvinner": 25},
           "acro": {"outputs": [{"columns": ["a", "b"], "index": ["x", "y"], "data": [[1, 2], [3, 4]]}]}}
    found = nested_tables(obj)
    assert found.complete
    records, split = (t for _, t in found.tables)
    assert records.rows[-1] == ["totalt", "47", "25"]
    assert split.names == ["index", "a", "b"] and split.rows[0] == ["x", "1", "2"]


def test_a_mapping_named_as_counts_but_not_a_mapping_of_settings() -> None:
    assert nested_tables({"tab_dx": {"F20": 451, "F23": 2}}).tables[0][1].rows == [["F20", "451"], ["F23", "2"]]
    assert nested_tables({"tables": {"min_cell": 3, "round_to": 1}}).tables == []
    assert nested_tables({"plot": {"dpi": 300, "width": 8}}).tables == []


def test_toml_and_yaml_parse_and_bad_input_is_a_value_error() -> None:
    assert parse_nested("[flow]\nn_identified = 3412\nn_died = 2\n", ".toml") == {
        "flow": {"n_identified": 3412, "n_died": 2}}
    assert parse_nested("a:\n  b: 1\n", ".yaml") == {"a": {"b": 1}}
    with pytest.raises(ValueError):
        parse_nested("[flow\nx = 1", ".toml")
    with pytest.raises(ValueError):
        parse_nested("a: [1, 2\n", ".yml")


def _scan(path: Path) -> api.FileResult:
    (result,) = api.scan([path], load_config()).files
    return result


def test_a_nested_json_whose_numbers_are_all_in_tables_is_judged_by_them(tmp_path: Path) -> None:
    safe = tmp_path / "safe.json"
    safe.write_text('{"table": {"Hovedstaden": {"men": 12, "women": 21}, "Sjælland": {"men": 30, "women": 41}}}')
    assert _scan(safe).verdict is Verdict.PASS
    small = tmp_path / "small.json"
    small.write_text('{"table": {"Hovedstaden": {"men": 12, "women": 2}, "Sjælland": {"men": 30, "women": 41}}}')
    result = _scan(small)
    assert result.verdict is Verdict.FAIL and any(f.rule == "TAB001" for f in result.findings)
    # a number outside any table: the file is not fully inspected (review), never a pass
    partial = tmp_path / "partial.json"
    partial.write_text('{"settings": {"x": {"deep": [1, [2, 3]]}}, "table": {"A": {"n": 12, "m": 21},'
                       ' "B": {"n": 30, "m": 41}}}')
    result = _scan(partial)
    assert result.verdict is Verdict.REVIEW and any(f.rule == "FIL001" for f in result.findings)


def test_two_tables_of_one_json_file_recompute_a_hidden_cell(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text('{"table1_by_age": {"18-29": 311, "30-49": 688, "70+": 45},'
                    ' "table2_age_by_dx": {"18-29": {"F32": 210, "F33": 101}, "30-49": {"F32": 401, "F33": 287},'
                    ' "70+": {"F32": 43, "F33": "<3"}}}')
    result = _scan(path)
    assert result.verdict is Verdict.FAIL and any(f.rule == "TAB004" for f in result.findings)


def test_yaml_and_toml_results_files(tmp_path: Path) -> None:
    yaml_file = tmp_path / "celler.yaml"
    yaml_file.write_text("celler:\n  Jämtlands län: {Män: 6, Kvinnor: 1, Totalt: 7}\n"
                         "  Västernorrland: {Män: 14, Kvinnor: 12, Totalt: 26}\n", encoding="utf-8")
    assert _scan(yaml_file).verdict is Verdict.FAIL
    toml_file = tmp_path / "cohort.toml"
    toml_file.write_text("[flow]\nn_identified = 3412\nn_not_resident = 41\nn_died_before_index = 2\n"
                         "n_final = 3369\n")
    assert _scan(toml_file).verdict is Verdict.FAIL
    settings = tmp_path / "params.yaml"
    settings.write_text("model:\n  seed: 2024\n  n_boot: 1000\ntables:\n  min_cell: 3\n  round_to: 1\n")
    assert _scan(settings).verdict is Verdict.PASS


def test_a_number_written_as_a_string_outside_the_tables_leaves_the_file_not_fully_inspected() -> None:
    found = nested_tables({"meta": {"n_women": "2", "label": "Kvinder"},
                           "table": {"A": {"n": 12, "m": 21}, "B": {"n": 30, "m": 41}}})
    assert found.numbers == 5 and found.read == 4 and not found.complete


def test_a_results_files_description_and_settings_are_no_results() -> None:
    """A "meta" mapping, a project number, a year and a setting ("min_gruppe") describe the file: its results are
    all read when its tables are."""
    rows = [{"kommune": "Oslo", "antall": 561234}, {"kommune": "Bergen", "antall": 236118}]
    assert nested_tables({"meta": {"tittel": "Inntekt", "aar": 2021, "min_gruppe": 62337}, "kommuner": rows}).complete
    assert nested_tables({"projekt": "707123", "aar": 2022, "celler": rows}).complete
    assert not nested_tables({"projekt": "707123", "gjennomsnitt": 412.5, "celler": rows}).complete


def test_a_models_metrics_and_columns_written_as_lists_are_read() -> None:
    """Probe VF and VB: a classifier's metrics.json (fit statistics and its sizes, one by one) and a survival
    curve written column by column are read whole; a stray mean beside them is not (above)."""
    metrics = {"model": "LGBMClassifier", "threshold": 0.35, "n_train": 329884, "n_test": 82504,
               "test": {"auc": 0.7922, "brier": 0.1499, "f1": 0.5807}, "cv_auc_mean": 0.7893, "cv_auc_sd": 0.0016}
    found = nested_tables(metrics)
    assert found.complete
    assert any("n_test" in t.names for _, t in found.tables)
    curve = {"strata": {"Män": {"n_risk": [22617, 21581, 20898], "cum_events": [12, 624, 951],
                                "surv": [1.0, 0.9722, 0.9574]}}}
    found = nested_tables(curve)
    assert found.complete
    (_, table), = found.tables
    assert table.names == ["n_risk", "cum_events", "surv"] and table.rows[1] == ["21581", "624", "0.9722"]
    assert not nested_tables({"projekt": "707123", "gjennomsnitt": 412.5, "auc": 0.71}).complete
