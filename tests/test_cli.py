"""The command line as a user runs it: exit codes 0/1/2, streams, formats, and the example's report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, REPO

GOLDEN = Path(__file__).parent / "golden" / "example_scan.json"


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env=full_env, timeout=300, check=False)


def normalise(report: dict[str, Any]) -> dict[str, Any]:
    report["tool"]["version"] = "X"
    report["summary"]["seconds"] = 0
    for f in report["files"]:
        f["seconds"] = 0
    return report


def test_example_scan_matches_golden_report() -> None:
    proc = run("scan", str(EXAMPLE), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = normalise(json.loads(proc.stdout))
    if os.environ.get("SDCSCAN_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert report == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_example_verdicts_are_what_the_readme_says() -> None:
    proc = run("scan", str(EXAMPLE), "--format", "json")
    verdicts = {f["path"]: (f["verdict"], sorted({x["rule"] for x in f["findings"]}))
                for f in json.loads(proc.stdout)["files"]}
    assert verdicts == {
        "export-request/README.md": ("pass", []),
        "export-request/analyse.log": ("pass", []),
        "export-request/analysedata_uden_id.csv": ("fail", ["MIC001"]),
        "export-request/notat.txt": ("pass", []),
        "export-request/tab1_beskaeftigede_region_koen_alder.csv": ("pass", []),
        "export-request/tab2_diagnoser_region.csv": ("fail", ["TAB001"]),
        "export-request/tab3_virksomheder_branche_aar.csv": ("pass", []),
        "export-request/tab4_timeloen_branche_koen.parquet": ("pass", []),
        "export-request/udtraek_personer.csv": ("fail", ["MIC001", "MIC002"]),
    }


def test_clean_folder_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("region,n\nNord,10\nSyd,12\n", encoding="utf-8")
    proc = run("scan", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 pass" in proc.stdout


def test_fail_on_block_ignores_review_findings(tmp_path: Path) -> None:
    # a generic record key compared with a literal is a review (COD001), not a block
    (tmp_path / "a.do").write_text("replace x = 1 if id == 5\n")
    assert run("scan", str(tmp_path)).returncode == 1
    assert run("scan", str(tmp_path), "--fail-on", "block").returncode == 0
    assert run("scan", str(tmp_path), "--exit-zero").returncode == 0


def test_select_and_ignore(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("region,n\nNord,1\nSyd,12\n", encoding="utf-8")
    assert run("scan", str(tmp_path), "--ignore", "TAB001").returncode == 0
    assert run("scan", str(tmp_path), "--select", "TAB").returncode == 1
    proc = run("scan", str(tmp_path), "--select", "TAB01")
    assert proc.returncode == 2 and "did you mean 'TAB001'" in proc.stderr


def test_profile_changes_the_threshold(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("region,n\nNord,5\nSyd,12\n", encoding="utf-8")
    assert run("scan", str(tmp_path)).returncode == 0
    proc = run("scan", str(tmp_path), "--profile", "acro", "--format", "json")
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["files"][0]["findings"]
    assert [(f["rule"], f["location"]["row"]) for f in findings] == [("TAB001", 1)]


def test_usage_and_config_errors_exit_two(tmp_path: Path) -> None:
    missing = run("scan", str(tmp_path / "does-not-exist"))
    assert missing.returncode == 2 and "does-not-exist" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run("scan", str(empty))
    assert none.returncode == 2 and "no files" in none.stderr
    assert run("scan", str(EXAMPLE), "--profile", "dts").returncode == 2
    assert run("scan", str(EXAMPLE), "--format", "yaml").returncode == 2
    assert run("scan").returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[scan]\nprofiel = 'dst'\n")
    proc = run("scan", str(EXAMPLE), "--rules", str(bad))
    assert proc.returncode == 2 and "did you mean 'profile'" in proc.stderr


def test_results_to_stdout_and_report_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = run("scan", str(EXAMPLE), "--format", "json", "--output", str(out))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert json.loads(out.read_text())["summary"]["files"] == 9
    assert "report written" in proc.stderr


def test_never_writes_into_a_scanned_folder(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("region,n\nNord,10\nSyd,12\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run("scan", str(tmp_path), "--output", str(tmp_path / "report.json"))
    assert proc.returncode == 2 and "inside a scanned folder" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    proc = run("scan", str(EXAMPLE))
    assert "scanning" not in proc.stderr and "\x1b[" not in proc.stderr + proc.stdout


def test_rule_docs_and_config_show() -> None:
    doc = run("rule", "TAB001")
    assert doc.returncode == 0 and "Why it is disclosive" in doc.stdout
    assert run("rule", "TAB01").returncode == 2
    listing = run("rule")
    for code in ("FIL001", "MIC001", "MIC002", "TAB001", "TAB005"):
        assert code in listing.stdout
    shown = json.loads(run("config", "show", "--profile", "acro").stdout)
    assert shown["profile"]["threshold"] == 10


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_unreadable_files_do_not_stop_the_scan(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "ok.csv").write_text("region,n\nNord,10\nSyd,12\n", encoding="utf-8")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1" + b"\x00" * 20)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    proc = run("scan", str(tmp_path), "--format", fmt)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "broken.parquet" in proc.stdout
    assert "ok.csv" in proc.stdout or fmt == "console"  # the console lists only files with findings


def test_run_leaves_with_the_commands_code_without_the_interpreters_teardown(monkeypatch: pytest.MonkeyPatch,
                                                                              capsys: pytest.CaptureFixture[str],
                                                                              tmp_path: Path) -> None:
    """The console script flushes its output and exits with the command's own code through os._exit (native
    thread pools torn down at exit can abort a finished scan); batch and approve exit the usual way."""
    from scanner import cli

    left: list[int] = []

    class Left(Exception):
        pass

    def fake_exit(code: int) -> None:
        left.append(code)
        raise Left

    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    monkeypatch.setattr(cli.sys, "argv", ["sdcscan", "version"])
    with pytest.raises(Left):
        cli.run()
    assert left == [0] and "sdcscan" in capsys.readouterr().out
    (tmp_path / "t.csv").write_text("region;antal\nNord;2\nSyd;40\n", encoding="utf-8")
    monkeypatch.setattr(cli.sys, "argv", ["sdcscan", "scan", str(tmp_path), "-q"])
    with pytest.raises(Left):
        cli.run()
    assert left[-1] == 1
    monkeypatch.setattr(cli.sys, "argv", ["sdcscan", "batch", "--help"])
    with pytest.raises(SystemExit) as exc:
        cli.run()
    assert exc.value.code == 0 and len(left) == 2
