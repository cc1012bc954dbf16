"""Timestamps are not person numbers (issue 10 item 14), and person numbers never look like timestamps.

``1601510400`` (2020-10-01 00:00 UTC) passes a CPR's date check (16-01-51); a column of one timestamp a day
validated almost entirely and was reported as CPR numbers. The engine now leaves out numbers on a time grid
and columns named as times; these tests show the grid test cannot hide real numbers.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from scanner import synth
from scanner.pid_scan import TableIdentifierScanner, named_as_time, on_time_grid

START = 1_601_510_400
COUNTRIES = ("dk", "se", "no", "fi")


@pytest.mark.parametrize("step", [60, 3_600, 86_400, 604_800])
def test_timestamps_in_a_fixed_step_are_on_a_grid(step: int) -> None:
    assert on_time_grid(np.arange(START, START + 40 * step, step, dtype=np.int64))


def test_irregular_whole_days_and_late_seconds_are_on_a_grid() -> None:
    rng = random.Random(1)
    days = np.cumsum([rng.choice([1, 1, 2, 3, 7]) for _ in range(40)]) * 86_400 + START
    assert on_time_grid(days)
    late = np.array([START + 86_400 * d + rng.randint(0, 40) for d in range(40)], dtype=np.int64)
    assert on_time_grid(late)


@pytest.mark.parametrize("kind", ["dk_cpr", "se_pnr", "no_fnr", "se_orgnr", "dk_cvr"])
def test_person_and_business_numbers_are_never_on_a_grid(kind: str) -> None:
    """Sets of 5, 8 and 40 real-form numbers, 300 of each: none passes for a time grid (the chance is about
    1e-6 per set for the exact grid, far less for the near one)."""
    for size in (5, 8, 40):
        for seed in range(300):
            values = [int(v) for _, v in synth.samples(kind, size, seed=seed * 97 + size)
                      if v.isdigit()]
            if len(set(values)) >= 5:
                assert not on_time_grid(np.array(values, dtype=np.int64)), (kind, size, seed)


def test_a_handful_of_numbers_is_too_few_to_call_a_grid() -> None:
    assert not on_time_grid(np.array([START, START + 86_400, START + 2 * 86_400, START + 3 * 86_400]))


@pytest.mark.parametrize(("name", "timelike"), [
    ("timestamp", True), ("tid_unix", True), ("epoch_ms", True), ("week_start", True), ("tidpunkt", True),
    ("dato", True), ("event_time", True), ("ArbStId", False), ("arbstid", False), ("cpr", False),
    ("birth_date", False), ("timestamp_cpr", False), ("fødselsdato", False), ("value", False),
])
def test_time_names(name: str, timelike: bool) -> None:
    assert named_as_time(name) is timelike


def _scan(columns: dict[str, list[int]]) -> set[tuple[str, str | None]]:
    scanner = TableIdentifierScanner(COUNTRIES)
    scanner.update(pa.RecordBatch.from_pydict(columns))
    return {(d.kind.code, d.column) for d in scanner.finish().detections}


def test_a_column_of_daily_timestamps_is_not_cpr_numbers() -> None:
    stamps = [START + 86_400 * d for d in range(60)]
    assert _scan({"bucket": stamps}) == set()  # on the grid, whatever the name
    assert _scan({"cpr": stamps}) == set()  # a day apart to the second: not CPR numbers, even so named
    late = [START + 86_400 * d + (d * 37) % 50 for d in range(60)]
    assert _scan({"timestamp": late}) == set()  # near-constant steps, and named as a time


def test_the_grid_sees_every_value_of_a_column() -> None:
    """A grid in the first batch does not clear a column whose later values leave it."""
    scanner = TableIdentifierScanner(COUNTRIES)
    scanner.update(pa.RecordBatch.from_pydict({"v": [START + 86_400 * d for d in range(30)]}))
    cprs = [int(v) for _, v in synth.samples("dk_cpr", 30, seed=9, forms=["d10"])]
    scanner.update(pa.RecordBatch.from_pydict({"v": cprs}))
    assert any(d.kind.code == "PID003" for d in scanner.finish().detections)


def test_real_cpr_columns_are_still_reported_beside_timestamps() -> None:
    cprs = sorted(int(v) for _, v in synth.samples("dk_cpr", 40, seed=5, forms=["d10"]))
    found = _scan({"timestamp": [START + 86_400 * d for d in range(40)], "id_cpr": cprs, "x": cprs})
    assert ("PID003", "id_cpr") in found and ("PID003", "x") in found
    assert not any(column == "timestamp" for _, column in found)


def test_numbers_cleared_in_a_column_are_not_reported_from_the_raw_bytes(tmp_path: Path) -> None:
    """Event times at irregular seconds in a column named as a time: the column scan clears them, and a raw
    scan of the same CSV given ``ignore=cleared`` does not report them either (the raw scan cannot see the
    column name). Real CPR numbers elsewhere in the bytes are still reported."""
    from scanner.pid_scan import scan_text_file

    rng = random.Random(4)
    times = sorted(START + rng.randrange(0, 86_400 * 120) for _ in range(80))
    path = tmp_path / "events.csv"
    path.write_text("event_time,ward\n" + "".join(f"{t},{rng.choice('ABC')}\n" for t in times), encoding="utf-8")
    scanner = TableIdentifierScanner(COUNTRIES)
    scanner.update(pa.RecordBatch.from_pydict({"event_time": times, "ward": ["A"] * len(times)}))
    column_scan = scanner.finish()
    assert not column_scan.detections and len(column_scan.cleared) > 0
    assert scan_text_file(path, COUNTRIES).of("PID003"), "without ignore the bytes read as CPR numbers"
    assert not scan_text_file(path, COUNTRIES, ignore=column_scan.cleared).detections
    cprs = [v for _, v in synth.samples("dk_cpr", 12, seed=21, forms=["d10"])]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("".join(f"note cpr {c}\n" for c in cprs))
    assert scan_text_file(path, COUNTRIES, ignore=column_scan.cleared).of("PID003")
