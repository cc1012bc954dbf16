"""Stata graph files (.gph): a live graph keeps the data it plots; an as-is graph is a drawing only."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.discover import FileKind, classify_content
from scanner.findings import Verdict


def _gph(path: Path, kind: str, command: str, family: str, series: list[str]) -> Path:
    """The text header Stata's ``graph save`` writes (ado/base/_/_gs_wrfilehdr.ado), the series names of its
    sersets, then binary serset data."""
    lines = [f"StataFileTM:00001:01000:{kind}:                       :", "00005:00005:",
             "*! classname: twowaygraph_g", f"*! family: {family}", f"*! command: {command}",
             "*! command_date:  5 Dec 2026", "*! command_time: 10:11:12", "*! datafile: /data/projekt/pop.dta",
             "*! datafile_date:  1 Dec 2026 09:00", "*! scheme: s2color", "*! naturallywhite: 1",
             "*! xsize: 5.5", "*! ysize: 4", "*! end", "<BeginItem> serset K600001"]
    for name in series:
        lines += ["<BeginSeries>", f".name = `\"{name}\"'", ".type.set numeric", "<EndSeries>"]
    lines.append("<BeginSersetData>")
    path.write_bytes("\n".join(lines).encode() + b"\nsersetreadwrite\x00\x02\x00\x00\x00" + bytes(range(256)))
    return path


def _scan(path: Path) -> tuple[Verdict, set[str], list[str]]:
    result = api.scan([path], load_config(), jobs=1).files[0]
    return result.verdict, {f.rule for f in result.findings}, [f.message for f in result.findings]


def test_classified_by_content() -> None:
    head = b"StataFileTM:00001:01000:LiveGPH:                       :\n"
    assert classify_content("graph.gph", head, None) is FileKind.STATA_GRAPH  # type: ignore[arg-type]
    assert classify_content("graph.bin", head, None) is FileKind.STATA_GRAPH  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["twoway (scatter income age)", "histogram income, frequency",
                                     "twoway (scatter income age) (lfit income age)", "kdensity income"])
def test_live_graph_of_a_unit_level_plot_is_blocked(tmp_path: Path, command: str) -> None:
    verdict, rules, messages = _scan(_gph(tmp_path / "g.gph", "LiveGPH", command, "twoway", ["income", "age"]))
    assert verdict is Verdict.FAIL and "FIG002" in rules, messages
    assert any("one value per observation" in m for m in messages)


def test_live_graph_of_aggregates_goes_to_review(tmp_path: Path) -> None:
    verdict, rules, messages = _scan(_gph(tmp_path / "g.gph", "LiveGPH", "bar (mean) income, over(region)", "bar",
                                          ["income", "region"]))
    assert verdict is Verdict.REVIEW and rules == {"FIG002", "FIL001"}, messages


def test_as_is_graph_goes_to_review(tmp_path: Path) -> None:
    verdict, rules, messages = _scan(_gph(tmp_path / "g.gph", "AsIsGPH", "twoway (scatter income age)", "twoway",
                                          []))
    assert verdict is Verdict.REVIEW and rules == {"FIL001"}, messages
    assert not any("raster" in m for m in messages)


def test_datafile_path_is_not_repeated(tmp_path: Path) -> None:
    """The header names the data file on the server; findings do not quote the header."""
    _, _, messages = _scan(_gph(tmp_path / "g.gph", "LiveGPH", "scatter income age", "twoway", ["income"]))
    assert not any("/data/projekt" in m for m in messages)
