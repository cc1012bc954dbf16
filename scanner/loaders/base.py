"""Shared loader types: what a tabular loader hands to the rules, and how a loader says it failed."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from scanner.lazy_regex import lazy_compile

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SUPPRESSION_MARKER", "LoadError", "SharedStream", "TabularMeta", "TabularSource", "TextChunk"]

#: A cell that stands for a suppressed or missing number in published and released tables (match it with
#: ``fullmatch`` on the stripped cell): "<5", "n<3", "<=7", "[REDACTED]", "[R]", "[c]", "..", ":", "-",
#: "x", "*", "NA". The CSV loader uses it to tell header rows from data; the table analysis to tell a
#: numeric column with suppressed cells from a text column. Profiles add their own markers in rules.toml.
SUPPRESSION_MARKER = lazy_compile(
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
    #: the title lines above the header, as read (value-bearing: for the analysis, never for a report)
    title: str = ""
    #: columns known to be dimensions (grouped by in the command that printed the table)
    dimensions: tuple[str, ...] = ()
    #: columns known to hold counts of units, whatever their names say (a confusion matrix's predicted
    #: classes: "andel", a housing type, is also Danish for a share)
    counts: tuple[str, ...] = ()
    #: the decimal mark the program that printed the table writes, when the reader knows it ("" otherwise)
    decimal: str = ""
    #: cells printed with a value although the file's own flag marks them confidential
    #: (:class:`scanner.loaders.sdmx.Flagged`: row, column, flag; Eurostat's "2 c", SDMX's CONF_STATUS "C")
    flagged: tuple[Any, ...] = ()


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


class SharedStream:
    """A :class:`TabularSource` whose first stream is shared: one parse of the file serves the table
    analysis (which reads only a sample) and a consumer that needs every row (the identifier scan).

    Every batch the first ``batches()`` call pulls from the file goes to ``consume`` once, in file order,
    whether or not the analysis keeps it; when the analysis stops early, :meth:`finish` feeds the rest of
    the same stream to ``consume``. Later ``batches()`` calls stream the file again (a rule that needs
    every row reads it itself). Everything else is the wrapped source's.
    """

    def __init__(self, source: TabularSource, consume: Callable[[pa.RecordBatch], None], *,
                 background: bool = False, depth: int = 4) -> None:
        self._source = source
        self._first: Iterator[pa.RecordBatch] | None = None
        self._started = False
        self.path = source.path
        # background: ``consume`` runs on one worker thread, in batch order, while the next batch is parsed
        # (the identifier kernels release the GIL; Arrow's parser does too). At most ``depth`` batches wait.
        self._pool: ThreadPoolExecutor | None = None
        self._pending: collections.deque[Future[None]] = collections.deque()
        self._depth = depth
        self._call = consume
        # With background: when the analysis stops at its sample, the rest of the first stream is parsed
        # and consumed by a feeder thread while the analysis works on the sample (Arrow's parser, Polars
        # and the kernels release the GIL); finish() joins it.
        self._feeder: Future[None] | None = None
        self._feeder_error: BaseException | None = None
        self._stopping = False
        if background:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdcscan-consume")

    def _consume(self, batch: pa.RecordBatch) -> None:
        if self._pool is None:
            self._call(batch)
            return
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()  # re-raises the consumer's error here
        self._pending.append(self._pool.submit(self._call, batch))

    def _drain(self) -> None:
        if self._pool is None:
            return
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            for f in self._pending:
                f.cancel()
            self._pending.clear()
            self._pool.shutdown(wait=True)
            self._pool = None

    @property
    def meta(self) -> TabularMeta:
        return self._source.meta

    @property
    def schema(self) -> pa.Schema:
        return self._source.schema

    def incomplete(self) -> tuple[str, ...]:
        return self._source.incomplete()

    @property
    def footer_text(self) -> str:
        """The wrapped source's footer (a CSV's notes under the table), if it reads one. While a feeder
        reads the rest of the file the answer waits for it: a footer is known only at the stream's end,
        and the answer must not depend on how far the feeder has come."""
        self._join_feeder()
        return str(getattr(self._source, "footer_text", ""))

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        if self._started:
            return self._source.batches(batch_rows)
        self._started = True
        self._first = iter(self._source.batches(batch_rows))
        return self._tapped(self._first)

    def _tapped(self, stream: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # Not a `yield from`: closing this generator (the analysis stops at its sample) must leave the
        # file's stream open for finish().
        try:
            for batch in stream:
                self._consume(batch)
                yield batch
        except GeneratorExit:
            if self._pool is not None and self._first is stream:
                feeder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdcscan-feed")
                self._feeder = feeder.submit(self._feed, stream)
                feeder.shutdown(wait=False)  # the thread ends with the stream
            raise

    def _feed(self, stream: Iterator[pa.RecordBatch]) -> None:
        for batch in stream:
            if self._stopping:
                return
            self._consume(batch)

    def _join_feeder(self) -> None:
        """Wait for the feeder (if one runs); its error is raised here, and again by every later call (the rest
        of the file was not read: finish() must not report it read)."""
        if self._feeder_error is not None:
            raise self._feeder_error
        feeder, self._feeder = self._feeder, None
        if feeder is not None:
            try:
                feeder.result()
            except BaseException as exc:
                self._feeder_error = exc
                raise

    def close(self) -> None:
        """Stop without reading further (after an error elsewhere): the file's stream is closed and the
        worker thread ends; a consumer's error is not raised again."""
        self._stopping = True
        with contextlib.suppress(Exception):
            self._join_feeder()
        stream, self._first = self._first, None
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        with contextlib.suppress(Exception):
            self._drain()

    def finish(self) -> None:
        """Feed the rest of the first stream (all of the file when nothing read it yet) to ``consume``."""
        if not self._started:
            self._started = True
            self._first = iter(self._source.batches())
        try:
            self._join_feeder()
        except BaseException:
            self.close()
            raise
        stream, self._first = self._first, None
        try:
            for batch in stream or ():
                self._consume(batch)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
            self._drain()


@dataclass(frozen=True, slots=True)
class TextChunk:
    """A piece of a text file: decoded text and the 1-based line number of its first line."""

    text: str
    first_line: int
    byte_offset: int = 0
    encoding: str = "utf-8"
    #: a program's text (its comments may name keys; its code is read by the CODE rules)
    program: bool = False
