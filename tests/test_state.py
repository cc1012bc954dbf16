"""The batch state database: results round-trip, a new state is private, anything that is not an intact
sdcscan state is refused (never silently replaced), one batch at a time, approvals need a finding."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from scanner import masking
from scanner.batch.state import (
    SCHEMA_VERSION,
    State,
    StateBusy,
    StateError,
    StatKey,
    results_from_json,
    results_to_json,
)
from scanner.findings import FileResult, Finding, Location, Severity, Verdict

HASH = "blake3:" + "ab" * 32


def _finding(path: str, rule: str = "TAB001", *, member: str | None = None, fp: str = "0f" * 16) -> Finding:
    where = Location(path, row=3, column="antal", cell=(("kom", "Aarhus"), ("køn", "K")), member=member)
    return Finding(rule, "small-cell", Severity.BLOCK, where, "Cell has fewer than 3 observations.",
                   masking.evidence("1-2 observations"), fp)


def _results() -> list[FileResult]:
    archive = FileResult("p1/a.zip", "zip", 300, (), 0.5, HASH, members_verdict=Verdict.FAIL)
    member = FileResult("p1/a.zip!dir/t.csv", "csv", 120, (_finding("p1/a.zip", member="dir/t.csv"),), 0.25,
                        "blake3:" + "cd" * 32)
    return [archive, member]


def _put(state: State, path: str = "/data/p1/a.zip", results: list[FileResult] | None = None) -> None:
    state.put(path=path, root="/data", project="p1", relpath="p1/a.zip", stat=StatKey(300, 1, 2, 3),
              results=results or _results(), config_hash="c", tool_version="0.1.0", run_id=1)


def test_results_round_trip_through_json() -> None:
    results = _results()
    back = results_from_json(results_to_json(results))
    assert back == results
    assert back[0].verdict is Verdict.FAIL  # the archive's verdict includes its member's
    assert back[1].findings[0].location.cell == (("kom", "Aarhus"), ("køn", "K"))
    assert back[1].findings[0].location.member == "dir/t.csv"


def test_stored_evidence_is_masked_again_when_read(tmp_path: Path) -> None:
    # A state edited by hand cannot put a person number into a report: evidence is re-masked on the way out.
    text = results_to_json(_results()).replace("1-2 observations", "pnr 198803200016")
    finding = results_from_json(text)[1].findings[0]
    assert "198803200016" not in finding.evidence.text
    assert finding.evidence.text.endswith("16")


def test_new_state_is_private_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite"
    with State.open(path) as state:
        _put(state)
        assert state.count_files() == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with State.open(path, create=False) as state:  # reopened: the history is there
        assert state.results(["/data/p1/a.zip"])["/data/p1/a.zip"] == _results()


def test_missing_state_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no such state"):
        State.open(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    garbage = b"this is a spreadsheet, not a database\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StateError, match="not an sdcscan state database"):
        State.open(path)
    assert path.read_bytes() == garbage


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.touch()
    with pytest.raises(StateError, match="empty"):
        State.open(path)
    assert path.stat().st_size == 0


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE files (path TEXT)")
    conn.execute("INSERT INTO files VALUES ('x')")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="another application"):
        State.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT path FROM files").fetchall() == [("x",)]
    conn.close()


def test_a_damaged_state_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with State.open(path) as state:
        for i in range(300):  # enough pages that damage lands inside the tables
            _put(state, f"/data/p1/{i}.zip")
    size = path.stat().st_size
    with open(path, "r+b") as f:  # overwrite the middle of the file with garbage (keep the header)
        f.seek(size // 2)
        f.write(bytes(range(256)) * 32)
    with pytest.raises(StateError, match="corrupt"):
        State.open(path)


def test_a_state_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    State.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="newer sdcscan"):
        State.open(path)


def test_second_locked_open_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first = State.open(path, lock=True)
    with pytest.raises(StateBusy, match=rf"another sdcscan batch is running on .*pid {os.getpid()}"):
        State.open(path, lock=True)
    # Reading (approve) does not need the batch lock.
    State.open(path).close()
    first.close()
    State.open(path, lock=True).close()


def test_approval_needs_a_known_finding_and_a_reason(tmp_path: Path) -> None:
    with State.open(tmp_path / "state.sqlite") as state:
        _put(state)
        with pytest.raises(StateError, match="no finding with fingerprint"):
            state.approve("ee" * 16, reason="fine")
        with pytest.raises(StateError, match="needs a reason"):
            state.approve("0f" * 16, reason="  ")
        [approval] = state.approve("0f" * 16, reason="published in the annual report", who="checker1")
        assert (approval.rule, approval.path, approval.who) == ("TAB001", "/data/p1/a.zip", "checker1")
        assert approval.file_hash == HASH  # bound to the content of the file on disk (the archive)
        assert state.approvals()[("0f" * 16, HASH)].reason == "published in the annual report"


def test_approval_of_a_file_that_could_not_be_read_is_refused(tmp_path: Path) -> None:
    unread = [FileResult("p1/x.csv", "binary", 0, (_finding("p1/x.csv", "FIL001", fp="aa" * 16),), 0.0, None)]
    with State.open(tmp_path / "state.sqlite") as state:
        _put(state, "/data/p1/x.csv", unread)
        with pytest.raises(StateError, match="could not be read"):
            state.approve("aa" * 16, reason="looked at it")


def test_forget_removes_rows_and_their_findings(tmp_path: Path) -> None:
    with State.open(tmp_path / "state.sqlite") as state:
        _put(state)
        assert state.locate("0f" * 16)
        assert state.forget(["/data/p1/a.zip"]) == 1
        assert state.count_files() == 0
        assert state.locate("0f" * 16) == []
