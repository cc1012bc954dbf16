"""rules.toml loading: profiles, overrides, and errors that name the problem and suggest a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import ConfigError, load_config
from scanner.findings import Severity


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_profile_is_statistics_denmark() -> None:
    config = load_config()
    assert config.profile.name == "dst"
    assert config.profile.threshold == 3
    assert (config.profile.nk_n, config.profile.nk_k, config.profile.nk_inclusive) == (2, 0.85, False)
    assert config.profile.zeros_disclosive is False


def test_acro_profile_matches_acro_defaults() -> None:
    p = load_config(profile="acro").profile
    assert (p.threshold, p.nk_n, p.nk_k, p.nk_inclusive, p.p_percent) == (10, 2, 0.90, True, 0.10)


def test_config_is_frozen() -> None:
    config = load_config()
    with pytest.raises(AttributeError):
        config.profile.threshold = 1  # type: ignore[misc]


def test_site_file_overrides_and_extends(tmp_path: Path) -> None:
    site = write(tmp_path, """
[scan]
profile = "mysite"
[profiles.mysite]
extends = "dst"
description = "our site: threshold 5"
threshold = 5
[rules.TAB005]
ones_share = 0.7
[rules.MIC002]
severity = "review"
""")
    config = load_config(site)
    assert config.profile.name == "mysite" and config.profile.threshold == 5
    assert config.profile.nk_k == 0.85  # inherited from dst
    assert config.options("TAB005").ones_share == 0.7
    assert config.severity("MIC002") is Severity.REVIEW
    assert config.sources == ("default", str(site))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[scan]\nprofiel = 'dst'\n", "unknown key 'profiel' (did you mean 'profile'?)"),
        ("[rulez]\n", "unknown key 'rulez' (did you mean 'rules'?)"),
        ("[rules.TAB01]\nseverity = 'block'\n", "unknown rule code [rules.TAB01] (did you mean 'TAB001'?)"),
        ("[rules.TAB005]\nones_shar = 0.5\n", "unknown key 'ones_shar' (did you mean 'ones_share'?)"),
        ("[rules.TAB005]\nones_share = 'half'\n", "expected a number"),
        ("[rules.TAB005]\nones_share = 1.5\n", "ones_share must be a share between 0 and 1"),
        ("[rules.MIC001]\nseverity = 'fatal'\n", "unknown severity 'fatal'"),
        ("[profiles.dst]\nthreshold = 0\n", "threshold: must be at least 1"),
        ("[profiles.dst]\nnk_k = 85\n", "nk_k: a share between 0 and 1"),
        ("[profiles.x]\nextends = 'dts'\n", "extends unknown profile 'dts' (did you mean 'dst'?)"),
        ("[profiles.x]\nthreshold = 3\n", "profile 'x' lacks"),
        ("[rules.MIC002]\nextra_patterns = ['(']\n", "is not a regular expression"),
        ("not toml = = 1\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert needle in str(err.value)
    assert str(tmp_path / "site.toml") in str(err.value) or "TOML" in str(err.value)


def test_unknown_profile_suggests() -> None:
    with pytest.raises(ConfigError, match=r"unknown profile 'dts' \(did you mean 'dst'\?\)"):
        load_config(profile="dts")


def test_select_and_ignore_take_codes_and_prefixes() -> None:
    config = load_config(select=["TAB", "MIC002"], ignore=["TAB005"])
    assert config.enabled("TAB001") and config.enabled("MIC002")
    assert not config.enabled("TAB005") and not config.enabled("MIC001")
    with pytest.raises(ConfigError, match=r"unknown rule code or prefix 'TBA' \(did you mean 'TAB'\?\)"):
        load_config(select=["TBA"])


def test_disabled_rule(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[rules.TAB005]\nenabled = false\n"))
    assert not config.enabled("TAB005")


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read rules file"):
        load_config(tmp_path / "nope.toml")


def test_as_dict_shows_effective_values() -> None:
    shown = load_config(profile="acro", ignore=["TAB005"]).as_dict()
    assert shown["profile"]["threshold"] == 10
    assert shown["rules"]["TAB005"]["enabled"] is False
    assert shown["rules"]["TAB001"]["severity"] == "block"


def test_fail_closed_rules_run_whatever_is_selected(tmp_path: Path) -> None:
    """An unreadable, over-limit or encrypted file is never passed because of --select, --ignore or a rules
    file."""
    config = load_config(select=["TAB"], ignore=["FIL"])
    assert all(config.enabled(code) for code in ("FIL001", "FIL003", "FIL004"))
    assert not config.enabled("PID001")
    with pytest.raises(ConfigError, match="FIL001 cannot be ignored"):
        load_config(ignore=["FIL001"])
    with pytest.raises(ConfigError, match="FIL004 cannot be disabled"):
        load_config(write(tmp_path, "[rules.FIL004]\nenabled = false\n"))
    with pytest.raises(ConfigError, match="FIL001 cannot be disabled or set below review"):
        load_config(write(tmp_path, "[rules.FIL001]\nseverity = \"info\"\n"))


def test_a_file_that_cannot_be_read_is_review_under_any_selection(tmp_path: Path) -> None:
    from scanner import api
    from scanner.findings import Verdict

    bad = tmp_path / "export" / "broken.parquet"
    bad.parent.mkdir()
    bad.write_bytes(b"PAR1 not really parquet PAR1")
    result = api.scan([bad.parent], load_config(select=["TAB"]), jobs=1)
    assert [f.verdict for f in result.files] == [Verdict.REVIEW]
