"""Delimited text tables (CSV, semicolon/tab/pipe files, R ``write.table`` output) as Arrow batches.

Every column is read as ``pa.string()``: type inference belongs to the table analysis layer, which needs
the raw text to see suppression markers (``<5``, ``..``, ``[REDACTED]``) and decimal commas.

How a file is read:

1. The encoding comes from :func:`scanner.loaders.textio.detect_encoding` (or the caller), and the file
   is streamed as UTF-8: natively when it is valid UTF-8, else through a transcoding reader.
2. The layout is sniffed on the decoded head (>= 64 KiB) by :func:`scanner.loaders.dialect.sniff`: the
   delimiter, title lines above the header, the header row(s) and where the data starts.
3. Data rows stream through ``pyarrow.csv.open_csv`` from the byte offset where the data starts, with
   explicit column names. (``ReadOptions.skip_rows`` is not used: it counts physical lines, not
   records, so a quoted newline in a title or header line would shift it.) Rows with the wrong number
   of fields are counted, never stored, and reported by :meth:`CsvSource.incomplete`. Whitespace-
   separated files (R ``write.table`` defaults) are tokenised line by line in Python, also streaming.

No exception message, note or log line carries file content: reasons are counts, line numbers and
fixed phrases.
"""

from __future__ import annotations

import codecs
import csv as _csv
import io
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError, TabularMeta
from scanner.loaders.dialect import QUOTE as _QUOTE
from scanner.loaders.dialect import WHITESPACE, is_number, sniff, ws_split
from scanner.loaders.textio import Utf8Reader, decodes_cleanly, detect_encoding, stream_codec
from scanner.sources import open_file, view_of

__all__ = ["WHITESPACE", "CsvSource", "open_csv"]

log = logging.getLogger(__name__)

# The head used for sniffing: at least this many bytes and line breaks, at most _HEAD_MAX bytes.
_HEAD_BYTES = 64 << 10
_HEAD_LINES = 20
_HEAD_MAX = 4 << 20
# Arrow block sizes. A record longer than a block cannot be parsed ("straddling object"): small blocks
# keep memory low (2 MiB: a batch is often cut from one of Arrow's without a copy), a longer record
# restarts the stream with the next size.
_BLOCK_SIZES = (2 << 20, 32 << 20, 256 << 20)

_LINE_BREAK = lazy_compile(rb"\r\n|\r|\n")
_TEXT_LINE_BREAK = lazy_compile(r"\r\n|\r|\n")


def open_csv(path: Path, *, encoding: str | None = None) -> CsvSource:
    """Open a delimited text table for streaming. Reads the head (and, for encoding detection, the
    whole file once); raises LoadError with a value-free reason when the file is not a readable table.
    """
    return CsvSource(path, encoding=encoding)


class CsvSource:
    """A delimited text table streamed as Arrow record batches of ``pa.string()`` columns.

    Implements :class:`scanner.loaders.base.TabularSource`. Build it with :func:`open_csv`.
    """

    path: Path

    def __init__(self, path: Path, *, encoding: str | None = None) -> None:
        self.path = Path(path)
        self._static_incomplete: list[str] = []
        self._stream_incomplete: tuple[str, ...] = ()
        self._footer_lines = 0
        self._footer_text = ""
        try:
            self._open(encoding)
        except OSError as exc:
            raise LoadError(f"cannot read file ({type(exc).__name__})") from None

    def _open(self, encoding: str | None) -> None:
        """Detect the encoding, sniff the layout and build ``meta`` and ``schema``."""
        if self.path.stat().st_size == 0:
            raise LoadError("empty file")

        enc = encoding or detect_encoding(self.path)
        # detect_encoding guarantees a clean decode except for BOM codecs; explicit encodings are the
        # caller's guess. Check those, and fall back to replacement characters (reported) if needed.
        self._errors = "strict"
        if (encoding is not None or codecs.lookup(enc).name in ("utf-8-sig", "utf-16", "utf-32")) and (
            not decodes_cleanly(self.path, enc)
        ):
            self._errors = "replace"
            self._static_incomplete.append(
                f"bytes not valid in {enc} were replaced by U+FFFD; values containing them are not exact"
            )
        with open_file(self.path) as fh:
            self._codec, self._skip = stream_codec(enc, fh.read(4))
        self._encoding = enc

        head, complete = self._read_head()
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:  # only a character cut at the end of a partial head
            text = head[: exc.start].decode("utf-8")
        self._layout = sniff(text, head, complete=complete)
        notes = list(self._layout.notes)
        if self._layout.skipped_lines:
            n = self._layout.skipped_lines
            notes.append(f"{n} {'line' if n == 1 else 'lines'} above the header skipped (title lines)")
        self._meta = TabularMeta(
            format="csv",
            encoding=enc,
            delimiter=self._layout.delimiter,
            header_rows=self._layout.header_rows,
            skipped_lines=self._layout.skipped_lines,
            notes=tuple(notes),
            incomplete=tuple(self._static_incomplete),
            data_line=self._layout.data_line,
            title="\n".join(text.split("\n")[:self._layout.skipped_lines])[:4096],
        )
        self._schema = pa.schema([pa.field(n, pa.string()) for n in self._layout.names])
        log.debug(
            "csv %s: delimiter %r, %d columns, %d header rows, %d skipped lines, encoding %s",
            self.path,
            self._layout.delimiter,
            len(self._layout.names),
            self._layout.header_rows,
            self._layout.skipped_lines,
            enc,
        )

    # -- TabularSource -------------------------------------------------------------------------------

    @property
    def meta(self) -> TabularMeta:
        """How the file was read (encoding, delimiter, header rows, skipped title lines, first data line)."""
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        """All columns, in file order, as ``pa.string()``."""
        return self._schema

    def incomplete(self) -> tuple[str, ...]:
        """Value-free reasons why the last completed stream was not a full read (plus decoding issues
        known up front). Empty when everything was read."""
        return tuple(self._static_incomplete) + self._stream_incomplete

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        """Stream the data rows as record batches of at most ``batch_rows`` rows (each call re-reads
        the file). Rows with a wrong field count are skipped and counted in :meth:`incomplete`."""
        if batch_rows < 1:
            raise ValueError("batch_rows must be positive")
        if self._layout.delimiter == WHITESPACE:
            return self._whitespace_batches(batch_rows)
        if self._layout.excel_text:
            return (_unwrapped(b) for b in self._arrow_batches(batch_rows))
        return self._arrow_batches(batch_rows)

    # -- reading -------------------------------------------------------------------------------------

    def _open_utf8(self) -> Any:
        """The file as a UTF-8 byte stream positioned after any BOM: native, or transcoded."""
        if self._codec == "utf-8" and self._errors == "strict":
            view = view_of(self.path)
            # the file's shared mapping while it is scanned (read once), else Arrow's own reader
            f = pa.BufferReader(pa.py_buffer(view.buffer)) if view is not None else pa.OSFile(str(self.path))
            f.seek(self._skip)
            return f
        return io.BufferedReader(Utf8Reader(self.path, self._codec, errors=self._errors, skip=self._skip))

    def _read_head(self) -> tuple[bytes, bool]:
        """The first >= 64 KiB of the UTF-8 stream, extended until it holds enough line breaks."""
        stream = self._open_utf8()
        try:
            head = b""
            while True:
                want = _HEAD_BYTES if not head else len(head)
                data = stream.read(want)
                head += data
                if len(data) < want:  # both stream kinds return short reads only at the end
                    return head, True
                enough_lines = head.count(b"\n") + head.count(b"\r") >= 2 * _HEAD_LINES
                if len(head) >= _HEAD_MAX or (len(head) >= _HEAD_BYTES and enough_lines):
                    return head, False
        finally:
            stream.close()

    def _skip_to_data(self, stream: Any) -> bool:
        """Advance ``stream`` to the first data byte; False when there is no data after the header."""
        offset = self._layout.data_offset
        if isinstance(stream, pa.NativeFile):
            stream.seek(self._skip + offset)
            return bool(stream.tell() < stream.size())
        while offset > 0:
            got = len(stream.read(min(offset, 1 << 20)))
            if not got:
                return False
            offset -= got
        return bool(stream.peek(1))

    def _arrow_batches(self, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """Stream through Arrow; on a record longer than the block size, start again with larger
        blocks and skip the rows already yielded (small blocks keep memory low for normal files)."""
        self._stream_incomplete = ()
        yielded = 0
        for attempt, block in enumerate(_BLOCK_SIZES):
            ragged = [0, 0]
            try:
                for batch in self._arrow_attempt(block, batch_rows, yielded, ragged):
                    yielded += batch.num_rows
                    yield batch
            except _RecordTooLong:
                if attempt + 1 == len(_BLOCK_SIZES):
                    raise LoadError(
                        f"a record longer than {block >> 20} MiB after data row {yielded}"
                    ) from None
                log.debug(
                    "csv %s: a record is longer than %d bytes, retrying with larger blocks", self.path, block
                )
                continue
            self._stream_incomplete = self._judge_ragged(ragged[0], ragged[1])
            return

    def _judge_ragged(self, ragged: int, footer_like: int) -> tuple[str, ...]:
        """Ragged rows that are the table's footer (source line, notes under it) are part of a published
        table; any other ragged row was not inspected and makes the read incomplete.

        A footer-like row is only accepted as a footer when it sits at the end of the file: the tail is
        read again (at most 64 KiB) and its last lines must all be footer-like or blank.
        """
        if footer_like and footer_like == ragged:
            tail = self._tail_text()
            if footer_like <= _trailing_footer_lines(tail, self._layout.delimiter):
                self._footer_lines = footer_like
                lines = [x for x in _TEXT_LINE_BREAK.split(tail) if x.strip()]
                self._footer_text = "\n".join(lines[-footer_like:])
                return ()
        self._footer_lines = 0
        self._footer_text = ""
        return _ragged_reasons(ragged)

    @property
    def footer_lines(self) -> int:
        """Lines under the table recognised as its footer (source, notes) in the last completed stream."""
        return self._footer_lines

    @property
    def footer_text(self) -> str:
        """The footer's lines (``N = 4``, ``Kilde: ...``) as read: value-bearing, for the analysis (a group
        size a note states), never for a report."""
        return self._footer_text

    def _tail_text(self) -> str:
        stream = self._open_utf8()
        try:
            if isinstance(stream, pa.NativeFile):
                size = stream.size()
                stream.seek(max(self._skip, size - _TAIL_BYTES))
                data = stream.read()
            else:
                data = b""
                while chunk := stream.read(1 << 20):
                    data = (data + chunk)[-_TAIL_BYTES:]
        finally:
            stream.close()
        return data.decode("utf-8", errors="replace")

    def _arrow_attempt(
        self, block: int, batch_rows: int, skip_rows: int, ragged: list[int]
    ) -> Iterator[pa.RecordBatch]:
        """One pass of Arrow's streaming reader from the data offset. ``ragged[0]`` counts bad rows."""

        delimiter = self._layout.delimiter

        lock = threading.Lock()

        def on_invalid(row: Any) -> str:
            # The row text is in ``row``: never store or log it, count only (and look at its shape).
            # Arrow's parser threads may call this at once, hence the lock.
            footer = _is_footer_line(row.text or "", delimiter)
            with lock:
                ragged[0] += 1
                ragged[1] += footer
            return "skip"

        names = self._layout.names
        # Arrow parses and converts blocks on its CPU pool (batches still come in file order): the parse is
        # most of a large CSV's scan, about twice as fast on two cores.
        read_options = pacsv.ReadOptions(column_names=names, block_size=block, use_threads=True)
        parse_options = pacsv.ParseOptions(
            delimiter=self._layout.delimiter,
            quote_char=_QUOTE,
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=True,
            invalid_row_handler=on_invalid,
        )
        convert_options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        )
        rows = 0
        stream = self._open_utf8()
        reader = None
        try:
            if not self._skip_to_data(stream):
                return
            try:
                reader = pacsv.open_csv(
                    stream,
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
                for batch in _rebatch(_skip_rows(reader, skip_rows), batch_rows, self._schema):
                    rows += batch.num_rows
                    yield batch
            except pa.ArrowInvalid as exc:
                # Arrow's message may quote the row: keep only what kind of error it was.
                message = str(exc)
                if rows == 0 and skip_rows == 0 and message.startswith("Empty CSV file"):
                    return  # only blank lines after the header
                if "straddl" in message:
                    raise _RecordTooLong from None
                raise LoadError(
                    f"CSV parse error after data row {skip_rows + rows} "
                    f"(data starts at line {self._layout.data_line})"
                ) from None
            except UnicodeDecodeError:
                raise LoadError(
                    f"bytes not valid {self._encoding} after data row {skip_rows + rows}"
                ) from None
            except (pa.ArrowException, OSError) as exc:
                raise LoadError(
                    f"CSV read error after data row {skip_rows + rows} ({type(exc).__name__})"
                ) from None
        finally:
            if reader is not None:
                reader.close()
            stream.close()

    def _whitespace_batches(self, batch_rows: int) -> Iterator[pa.RecordBatch]:
        ncols = len(self._layout.names)
        self._stream_incomplete = ()
        ragged = 0
        footer_like = 0
        raw = self._open_utf8()
        if isinstance(raw, pa.NativeFile):
            raw.close()
            raw = io.BufferedReader(Utf8Reader(self.path, "utf-8", skip=self._skip))
        try:
            if not self._skip_to_data(raw):
                return
            with io.TextIOWrapper(raw, encoding="utf-8", newline=None) as lines:
                columns: list[list[str]] = [[] for _ in range(ncols)]
                for line in lines:
                    if not line.strip():
                        continue
                    tokens = ws_split(line)
                    if tokens is not None and len(tokens) > ncols > 1 \
                            and not any(is_number(t) for t in tokens[:len(tokens) - ncols + 1]):
                        # a row label of several words ("I alt", "Region Hovedstaden") before the columns
                        tokens = [" ".join(tokens[:len(tokens) - ncols + 1]), *tokens[len(tokens) - ncols + 1:]]
                    if tokens is None or len(tokens) != ncols:
                        ragged += 1
                        footer_like += _is_footer_line(line, WHITESPACE)
                        continue
                    for col, tok in zip(columns, tokens, strict=True):
                        col.append(tok)
                    if len(columns[0]) >= batch_rows:
                        yield _batch(columns, self._schema)
                        columns = [[] for _ in range(ncols)]
                if columns[0]:
                    yield _batch(columns, self._schema)
        finally:
            raw.close()
        self._stream_incomplete = self._judge_ragged(ragged, footer_like)


def _unwrapped(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with each cell written ``="..."`` (Excel's text formula, esttab's CSV) read as its text."""
    import pyarrow.compute as pc

    return pa.RecordBatch.from_arrays(
        [pc.replace_substring_regex(col, pattern=r'^\s*="([^"]*)"\s*$', replacement=r"\1") for col in batch.columns],
        schema=batch.schema)


def _batch(columns: list[list[str]], schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns], schema=schema)


def _rebatch(reader: Any, batch_rows: int, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Re-cut Arrow's block-sized batches into batches of exactly ``batch_rows`` (the last: fewer).

    Rows are copied only where an output batch spans two of Arrow's batches; a batch cut from inside one
    of Arrow's is a zero-copy slice.
    """
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        if batch.num_rows == 0:
            continue
        pending.append(batch)
        count += batch.num_rows
        while count >= batch_rows:
            head = pending[0]
            if head.num_rows >= batch_rows:
                yield head.slice(0, batch_rows)
                rest = head.slice(batch_rows)
            else:
                # the first batch_rows rows of several batches: copy only those rows
                take, need = [], batch_rows
                while need:
                    part = pending[0]
                    if part.num_rows <= need:
                        take.append(part)
                        need -= part.num_rows
                        pending.pop(0)
                    else:
                        take.append(part.slice(0, need))
                        pending[0] = part.slice(need)
                        need = 0
                yield pa.Table.from_batches(take, schema=schema).combine_chunks().to_batches()[0]
                count -= batch_rows
                continue
            pending[0] = rest
            if rest.num_rows == 0:
                pending.pop(0)
            count -= batch_rows
    if count:
        yield pa.Table.from_batches(pending, schema=schema).combine_chunks().to_batches()[0]


# Footers under published tables: "Kilde: Danmarks Statistik", "Source: ...", "Note: ...", "*) ...",
# "Anm.: ...", "¹ Foreløbige tal", esttab's Excel-safe '="t statistics in parentheses"'. Recognised by
# shape: one non-empty field that starts with a letter or a footnote mark, not by a word list, so any
# language's footer is covered.
_FOOTER_START = lazy_compile(
    r"^\s*=?[\"']?\s*(?:[^\W\d_]|[*†‡§¹²³⁴⁵⁶⁷⁸⁹#]|\(\d{1,2}\)|\d{1,2}\)\s*[^\W\d_]"
    # a legend of the markers: '".." = not available', '- : nil', 'x = confidential', '<5: 1-4 indlæggelser',
    # '"..  Tieto suojattu (...)"' (the marker, then what it means)
    r"|(?:\.{1,3}|-|–|x|:|n?\s*[<>≤≥]\s*\d+)\s*[\"']?\s*[=:]\s*(?:[^\W\d_]|\d+\s*[-–]\s*\d+\s+[^\W\d_])"
    r"|\.{2,3}\s+[^\W\d_]{2,})")
_TAIL_BYTES = 64 << 10


def _is_footer_line(text: str, delimiter: str) -> bool:
    """A line with one non-empty field that reads as prose or a footnote, not as a data row."""
    stripped = text.strip()
    if not stripped or not _FOOTER_START.match(stripped):
        return False
    if delimiter == WHITESPACE:
        fields = [stripped]
    else:
        fields = [f for f in next(_csv.reader([stripped], delimiter=delimiter)) if f.strip()]
    if len(fields) == 1:
        return True
    # A footer in a comma file splits at its commas ("Source: Statistics Denmark, table FOLK1A"): still
    # prose when no later field is a bare number.
    # So is a labelled note in any file ("Källa: Patientregistret; egna beräkningar", "Note: ...; ..."):
    # a word and a colon first, and no later field a bare number.
    # So is a sentence that holds the delimiter ("Nuller er strukturelle (...); mandlig brystkræft er ikke
    # medtaget."): words in every field, a first field of several words, and no field a number.
    sentence = len(fields[0].split()) >= 3 and all(_WORDY.search(f) for f in fields)
    return (delimiter == "," or _NOTE_LABEL.match(stripped) is not None or sentence) \
        and not any(is_number(f.strip()) for f in fields[1:])


# A field with a word in it (two letters or more).
_WORDY = lazy_compile(r"[^\W\d_]{2,}")


# A note's label: "Källa:", "Kilde:", "Source:", "Note:", "Anm.:", "Lähde:".
_NOTE_LABEL = lazy_compile(r"^[\"']?[^\W\d_][^\W\d_ .]{1,20}\.?:\s")


def _trailing_footer_lines(tail: str, delimiter: str) -> int:
    """How many footer-like lines end ``tail`` (blank lines between them are skipped)."""
    count = 0
    for line in reversed(_TEXT_LINE_BREAK.split(tail)):
        if not line.strip():
            continue
        if not _is_footer_line(line, delimiter):
            break
        count += 1
    return count


def _ragged_reasons(ragged: int) -> tuple[str, ...]:
    if not ragged:
        return ()
    if ragged == 1:
        return ("1 row had a different number of fields than the header and was not inspected",)
    return (f"{ragged} rows had a different number of fields than the header and were not inspected",)


class _RecordTooLong(Exception):
    """Arrow met a record longer than its block size."""


def _skip_rows(reader: Any, n: int) -> Iterator[pa.RecordBatch]:
    """Arrow's batches without their first ``n`` rows."""
    for batch in reader:
        if n >= batch.num_rows:
            n -= batch.num_rows
            continue
        if n:
            batch = batch.slice(n)
            n = 0
        yield batch


