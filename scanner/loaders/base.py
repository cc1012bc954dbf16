"""Shared loader types: what a tabular loader hands to the rules, and how a loader says it failed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

__all__ = ["SUPPRESSION_MARKER", "LoadError", "TabularMeta", "TabularSource", "TextChunk"]

#: A cell that stands for a suppressed or missing number in published and released tables (match it with
#: ``fullmatch`` on the stripped cell): "<5", "n<3", "<=7", "[REDACTED]", "[R]", "[c]", "..", ":", "-",
#: "x", "*", "NA". The CSV loader uses it to tell header rows from data; the table analysis to tell a
#: numeric column with suppressed cells from a text column. Profiles add their own markers in rules.toml.
SUPPRESSION_MARKER = re.compile(
    r"(?:n\s*)?(?:<|>|≤|≥)\s*=?\s*\d+(?:[.,]\d+)?|\[?REDACTED\]?|\[[A-Za-z]{1,12}\]|\.{1,3}|:|-|–|\*+|x|X"
    r"|NA|N/A|n/a",
)


class LoadError(Exception):
    """A file could not be read (fully). ``reason`` is a short, value-free cause for FIL001.

    The message must never contain file content: it names the cause ("not valid UTF-8 or cp1252",
    "encrypted Parquet footer"), not the bytes.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TabularMeta:
    """How a tabular file was read. ``notes`` are value-free remarks (e.g. "2 title lines skipped").

    ``incomplete`` lists parts that could not be inspected (nested columns, rows with a wrong field
    count): the scan turns each into a FIL001 review finding, so a partial read is never a pass.
    """

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: int = 1
    skipped_lines: int = 0
    notes: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    #: first physical line of data (1-based) in the file, so row i of the data is line data_line + i
    data_line: int | None = None


class TabularSource(Protocol):
    """A table that can be streamed as Arrow record batches.

    ``schema`` is known before the first batch. ``batches()`` may be called more than once (each call
    streams the file again) and must yield batches that all match ``schema``. Problems found while
    streaming (ragged rows, undecodable bytes) are appended to ``incomplete()`` once the stream ends.
    """

    path: Path

    @property
    def meta(self) -> TabularMeta: ...

    @property
    def schema(self) -> pa.Schema: ...

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]: ...

    def incomplete(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class TextChunk:
    """A piece of a text file: decoded text and the 1-based line number of its first line."""

    text: str
    first_line: int
    byte_offset: int = 0
    encoding: str = "utf-8"
