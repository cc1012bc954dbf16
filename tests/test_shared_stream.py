"""SharedStream: one parse of a table file serves the analysis (a sample) and a consumer of every row.

With ``background`` the rest of the file is read by a feeder thread while the analysis works on its sample;
these tests pin what must not change with that: every batch reaches the consumer once and in order,
errors of the parser or the consumer are raised by ``finish()``, ``close()`` stops the feeder, and the
footer is the same whenever it is asked for. The whole scan is compared with and without the background
path on a CSV file large enough to take it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from scanner import api
from scanner.config import load_config
from scanner.discover import discover
from scanner.loaders.base import SharedStream, TabularMeta

SCHEMA = pa.schema([("k", pa.int64())])


class FakeSource:
    """``n`` batches of one row each (the row's value is its batch number); a footer known at the end."""

    def __init__(self, n: int, *, fail_at: int | None = None, slow: float = 0.0) -> None:
        self.path = Path("fake.csv")
        self.n, self.fail_at, self.slow = n, fail_at, slow
        self.footer = ""
        self.closed = 0

    @property
    def meta(self) -> TabularMeta:
        return TabularMeta(format="csv")

    @property
    def schema(self) -> pa.Schema:
        return SCHEMA

    @property
    def footer_text(self) -> str:
        return self.footer

    def incomplete(self) -> tuple[str, ...]:
        return ()

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        try:
            for i in range(self.n):
                if i == self.fail_at:
                    raise ValueError(f"bad row in batch {i}")
                if self.slow:
                    time.sleep(self.slow)
                yield pa.RecordBatch.from_pydict({"k": [i]}, schema=SCHEMA)
            self.footer = "Kilde: test"
        finally:
            self.closed += 1


def _sample(shared: SharedStream, rows: int) -> list[int]:
    """What the analysis does: read the first ``rows`` batches, then close its stream."""
    stream = shared.batches()
    got = []
    for batch in stream:
        got.append(batch.column(0)[0].as_py())
        if len(got) == rows:
            break
    stream.close()  # type: ignore[attr-defined]
    return got


@pytest.mark.parametrize("background", [False, True])
def test_every_batch_reaches_the_consumer_once_in_order(background: bool) -> None:
    seen: list[int] = []
    shared = SharedStream(FakeSource(50), lambda b: seen.append(b.column(0)[0].as_py()), background=background)
    assert _sample(shared, 5) == [0, 1, 2, 3, 4]
    shared.finish()
    assert seen == list(range(50))
    shared.close()


def test_the_feeder_reads_on_while_the_analysis_works() -> None:
    seen: list[int] = []
    source = FakeSource(40, slow=0.002)
    shared = SharedStream(source, lambda b: seen.append(b.column(0)[0].as_py()), background=True)
    _sample(shared, 2)
    deadline = time.monotonic() + 10
    while len(seen) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)  # no finish() yet: only a thread of the stream's own can have read the rest
    assert seen == list(range(40))
    shared.finish()
    assert source.closed == 1


@pytest.mark.parametrize("background", [False, True])
def test_a_parse_error_after_the_sample_is_raised_by_finish(background: bool) -> None:
    shared = SharedStream(FakeSource(30, fail_at=20), lambda b: None, background=background)
    _sample(shared, 3)
    with pytest.raises(ValueError, match="batch 20"):
        shared.finish()
    shared.close()


@pytest.mark.parametrize("background", [False, True])
def test_a_consumer_error_after_the_sample_is_raised_by_finish(background: bool) -> None:
    def consume(batch: pa.RecordBatch) -> None:
        if batch.column(0)[0].as_py() == 17:
            raise RuntimeError("kernel failed")

    shared = SharedStream(FakeSource(30), consume, background=background)
    _sample(shared, 3)
    with pytest.raises(RuntimeError, match="kernel failed"):
        shared.finish()
    shared.close()


def test_close_stops_the_feeder_and_raises_nothing() -> None:
    seen: list[int] = []
    source = FakeSource(10_000, slow=0.001)
    shared = SharedStream(source, lambda b: seen.append(b.column(0)[0].as_py()), background=True)
    _sample(shared, 2)
    shared.close()
    assert len(seen) < 10_000 and source.closed == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("sdcscan-feed") and t.is_alive()]


def test_the_footer_does_not_depend_on_the_feeders_progress() -> None:
    source = FakeSource(60, slow=0.002)
    shared = SharedStream(source, lambda b: None, background=True)
    _sample(shared, 2)
    assert shared.footer_text == "Kilde: test"  # asked at once: waits for the end of the stream
    shared.finish()


def test_a_large_csv_scans_the_same_with_and_without_the_background_reader(tmp_path: Path) -> None:
    # above the background threshold (4 MiB) and the sample (200,000 rows): the feeder path is taken
    root = tmp_path / "export"
    root.mkdir()
    lines = ["lopnr;region;koen;alder;indkomst"]
    lines += [f"{1000000 + i};{i % 5};{i % 2 + 1};{20 + i % 60};{(i * 7919) % 900000}" for i in range(260_000)]
    lines[123_456] = "1234567;2;1;44;0101901234"  # a CPR-shaped value late in the file, after the sample
    (root / "udtraek.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config()
    (entry,) = list(discover([root]))
    one = api.scan_entry(entry, config, threads=1)
    two = api.scan_entry(entry, config, threads=2)
    assert [(f.rule, f.message, f.severity) for r in one for f in r.findings] == \
        [(f.rule, f.message, f.severity) for r in two for f in r.findings]
    assert [r.verdict for r in one] == [r.verdict for r in two]
    assert one[0].hash == two[0].hash


def test_a_feeder_error_seen_by_a_rule_is_raised_by_finish_too() -> None:
    """A parse error first met while a rule asks for the footer must not be lost: finish() raises it again
    (the rest of the file was not read)."""
    shared = SharedStream(FakeSource(30, fail_at=20), lambda b: None, background=True)
    _sample(shared, 3)
    with pytest.raises(ValueError, match="batch 20"):
        _ = shared.footer_text
    with pytest.raises(ValueError, match="batch 20"):
        shared.finish()
    shared.close()
