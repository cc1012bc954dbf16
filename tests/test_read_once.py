"""Every byte of a file is read once per scan (DESIGN.md, "the engine").

The instrument counts what reaches the process from the scanned file, by every route a reader can take:
- Python opens of the file (``builtins.open``/``io.open``) and the bytes read through them;
- memory mappings of the file (``mmap.mmap``) and their size;
- the kernel's count of bytes read by ``read()`` system calls of the whole process (``/proc/self/io``
  ``rchar``), which sees C readers (Arrow's file reader, ReadStat) that bypass Python. It also counts the
  process' own reads (imports, the rules file), so each measure follows a warm-up scan of a small file of
  the same kind, and the file is large enough that a second pass over it would stand out.
Pages of a mapping are read by page faults, which ``rchar`` does not see: the mapping's size is what the
scan read from it, once, whichever consumers (encoding check, parser, identifier kernel, hash) then look at
those pages in memory.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import mmap
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.discover import discover

pytestmark = pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")


@dataclass
class Reads:
    opens: int = 0
    python_bytes: int = 0
    mapped_bytes: int = 0
    syscall_bytes: int = 0

    def total(self) -> int:
        return self.python_bytes + self.mapped_bytes + self.syscall_bytes


def _rchar() -> int:
    with io.FileIO("/proc/self/io") as fh:
        for line in fh.read().decode().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


class _Counting(io.RawIOBase):
    def __init__(self, raw: io.FileIO, reads: Reads) -> None:
        super().__init__()
        self.raw, self.reads = raw, reads

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(b) or 0
        self.reads.python_bytes += n
        return n

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def fileno(self) -> int:
        return self.raw.fileno()

    def close(self) -> None:
        self.raw.close()
        super().close()


@pytest.fixture
def count_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:  # type: ignore[valid-type]
    config = load_config()

    def scan(path: Path, warm: Path) -> Reads:
        for entry in discover([warm]):  # imports, kernel caches and the rules file, read before measuring
            api.scan_entry(entry, config, threads=1)
        target = os.path.realpath(path)
        reads = Reads()
        real_open, real_mmap = builtins.open, mmap.mmap
        # Python reads are counted twice by rchar (they are read() calls too): take them out at the end.

        def counting_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(file, (str, os.PathLike)) and "r" in mode and os.path.realpath(file) == target:
                reads.opens += 1
                buffered = io.BufferedReader(_Counting(io.FileIO(file, "rb"), reads))
                return buffered if "b" in mode else io.TextIOWrapper(buffered, *args, **kwargs)
            return real_open(file, mode, *args, **kwargs)

        class CountingMmap(real_mmap):  # type: ignore[misc, valid-type]
            def __new__(cls, fileno, length, *args, **kwargs):  # type: ignore[no-untyped-def]
                m = real_mmap.__new__(cls, fileno, length, *args, **kwargs)
                with contextlib.suppress(OSError):
                    if os.path.realpath(f"/proc/self/fd/{fileno}") == target:
                        reads.mapped_bytes += len(m)
                return m

        monkeypatch.setattr(builtins, "open", counting_open)
        monkeypatch.setattr(io, "open", counting_open)
        monkeypatch.setattr(mmap, "mmap", CountingMmap)
        (entry,) = list(discover([path]))  # classification reads the head: before the scan, as a batch does
        before = _rchar()
        results = api.scan_entry(entry, config, threads=1)
        reads.syscall_bytes = max(0, _rchar() - before - reads.python_bytes)
        monkeypatch.undo()
        assert results[0].hash is not None, "the content hash is taken on the scan's read"
        return reads

    yield scan


def _csv(path: Path, rows: int) -> Path:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("region;sex;age;n\n")
        for i in range(rows):
            fh.write(f"R{i % 50};{i % 2};{i % 90};{rnd.randint(3, 500)}\n")
    return path


def _note(path: Path, lines: int) -> Path:
    path.write_text("".join(f"Line {i}: the model was fitted again with 12 covariates.\n" for i in range(lines)),
                    encoding="utf-8")
    return path


def _sas_log(path: Path, lines: int) -> Path:
    body = "".join(f"NOTE: The data set WORK.T{i} has 1200 observations and 4 variables.\n" for i in range(lines))
    path.write_text("1    data work.a; set b; run;\n" + body, encoding="utf-8")
    return path


def _parquet(path: Path, rows: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(3)
    pq.write_table(pa.table({"region": [f"R{i % 40}" for i in range(rows)],
                             "turnover": [rnd.random() * 1e6 for _ in range(rows)]}), path, compression="none")
    return path


@pytest.mark.parametrize(("kind", "make", "size"), [
    ("csv", _csv, 250_000),  # more rows than the analysis samples: rules that need every row stream it again
    ("txt", _note, 60_000),
    ("log", _sas_log, 60_000),
    ("parquet", _parquet, 300_000),
])
def test_text_csv_and_parquet_files_are_read_once(tmp_path: Path, count_reads, kind: str, make, size: int) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / f"big.{kind}", size)
    warm = make(tmp_path / f"warm.{kind}", 2_000)
    file_size = path.stat().st_size
    assert file_size > 2 << 20
    reads = count_reads(path, warm)
    # One mapping of the whole file; nothing read again through Python or a C reader. The small slack is
    # the process' own reads during the scan (a lazily imported module), far below a second pass.
    assert reads.mapped_bytes == file_size, reads
    assert reads.python_bytes == 0, reads
    assert reads.syscall_bytes < file_size // 4, reads


def test_a_second_read_is_seen(tmp_path: Path, count_reads, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The instrument is not blind: a hash taken by a pass of its own (as before the shared mapping) shows."""
    from scanner import sources

    path = _note(tmp_path / "big.txt", 60_000)
    warm = _note(tmp_path / "warm.txt", 2_000)
    monkeypatch.setattr(sources.FileView, "digest", lambda self: sources.hash_file(self.path))
    reads = count_reads(path, warm)
    assert reads.total() >= 2 * path.stat().st_size, reads


@pytest.mark.parametrize("suffix", [".xpt", ".dta", ".sav"])
def test_stat_files_are_read_by_readstat_and_hashed_once_more(tmp_path: Path, count_reads, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """SAS, Stata and SPSS files are read by ReadStat (pyreadstat), which takes a path and reads the file
    itself: that read, plus the shared mapping the content hash (and the transport-file check) read, is
    two reads, and not more. (A stat file with more rows than the analysis samples that is not microdata
    is streamed by ReadStat again for the rules that need every row: not covered here.)"""
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    rnd = random.Random(5)
    frame = pd.DataFrame({"region": [f"R{i % 30}" for i in range(120_000)],
                          "turnover": [rnd.random() * 1e6 for _ in range(120_000)]})
    # pyreadstat writes SAS transport files, not sas7bdat (read by the same ReadStat path)
    writer = {".xpt": pyreadstat.write_xport, ".dta": pyreadstat.write_dta, ".sav": pyreadstat.write_sav}[suffix]
    path, warm = tmp_path / f"big{suffix}", tmp_path / f"warm{suffix}"
    writer(frame, path)
    writer(frame.head(500), warm)
    reads = count_reads(path, warm)
    assert reads.total() <= 2.25 * path.stat().st_size, reads
