"""Delimited text tables (CSV, semicolon/tab/pipe files, R ``write.table`` output) as Arrow batches.

Every column is read as ``pa.string()``: type inference belongs to the table analysis layer, which needs
the raw text to see suppression markers (``<5``, ``..``, ``[REDACTED]``) and decimal commas.

How a file is read:

1. The encoding comes from :func:`scanner.loaders.textio.detect_encoding` (or the caller), and the file
   is streamed as UTF-8: natively when it is valid UTF-8, else through a transcoding reader.
2. The layout is sniffed on the decoded head (>= 64 KiB): the delimiter, title lines above the header
   (StatBank and NZ.Stat exports), the header row(s) and where the data starts. ``csv.Sniffer`` is not
   used: it picks the wrong delimiter on several real exports (title lines with a different field
   count, decimal commas under a semicolon delimiter, quoted fields with commas in R output). Instead
   each candidate delimiter parses the head with the ``csv`` module (C speed, the same quoting rules
   as Arrow's parser: quotes are special only at the start of a field) and the one giving the most
   consistent field count wins.
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
import itertools
import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from scanner.loaders.base import SUPPRESSION_MARKER, LoadError, TabularMeta
from scanner.loaders.textio import Utf8Reader, decodes_cleanly, detect_encoding, stream_codec
from scanner.sources import open_file, view_of

__all__ = ["WHITESPACE", "CsvSource", "open_csv"]

log = logging.getLogger(__name__)

#: ``TabularMeta.delimiter`` for tables separated by runs of spaces/tabs (R ``write.table``).
WHITESPACE = "whitespace"

# Single-character candidates, in order of preference when two fit equally well.
_DELIMITERS = (",", ";", "\t", "|")
_QUOTE = '"'

# The head used for sniffing: at least this many bytes and line breaks, at most _HEAD_MAX bytes.
_HEAD_BYTES = 64 << 10
_HEAD_LINES = 20
_HEAD_MAX = 4 << 20
# Records of the head looked at for sniffing.
_SNIFF_RECORDS = 1000
# A delimiter is accepted when at least this share of records has the modal field count.
_MIN_CONSISTENCY = 0.6
# Without any delimiter, this share of records must be a single field for a one-column table.
_ONE_COLUMN_CONSISTENCY = 0.9
# Title lines above the header: at most this many.
_MAX_TITLE_LINES = 10
# Extra header rows below the first one: at most this many.
_MAX_EXTRA_HEADER_ROWS = 3
# A column is "mostly numeric" when this share of its non-empty sample values is numeric-like.
_NUMERIC_COLUMN_SHARE = 0.8
# Arrow block sizes. A record longer than a block cannot be parsed ("straddling object"): small blocks
# keep memory low (2 MiB: a batch is often cut from one of Arrow's without a copy), a longer record
# restarts the stream with the next size.
_BLOCK_SIZES = (2 << 20, 32 << 20, 256 << 20)

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_TEXT_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+)?(?:[.,]\d+)?(?:[eE][-+]?\d+)?\s*%?")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d|2100)")
# Whitespace-separated tokens: a quoted string (R escapes quotes as \" or "") or a bare word.
_WS_TOKEN = r'"(?:[^"\\]|\\.|"")*"|[^\s"]+'
_WS_LINE = re.compile(rf"\s*(?:(?:{_WS_TOKEN})(?:\s+|$))*\s*")
_WS_TOKENS = re.compile(_WS_TOKEN)


def open_csv(path: Path, *, encoding: str | None = None) -> CsvSource:
    """Open a delimited text table for streaming. Reads the head (and, for encoding detection, the
    whole file once); raises LoadError with a value-free reason when the file is not a readable table.
    """
    return CsvSource(path, encoding=encoding)


@dataclass(slots=True)
class _Record:
    """A parsed record of the head: its fields and the physical lines it spans (1-based)."""

    fields: list[str]
    first_line: int
    last_line: int

    @property
    def nonempty(self) -> int:
        return sum(1 for f in self.fields if f.strip())


@dataclass(slots=True)
class _Candidate:
    """How well one delimiter fits the head."""

    delimiter: str
    records: list[_Record]
    titles: int  # leading title records
    mode: int  # modal field count of the records after the titles
    consistency: float  # share of those records with the modal count
    overall: float  # the same share over all records, title lines included
    sloppy: float  # share of records with text after a closing quote (see _count_sloppy)


@dataclass(slots=True)
class _Layout:
    """Everything sniffed from the head that the streaming part needs."""

    delimiter: str
    names: list[str]
    header_rows: int
    skipped_lines: int
    data_line: int
    data_offset: int  # bytes into the UTF-8 stream where data rows begin
    notes: list[str] = field(default_factory=list)


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
        self._layout = _sniff(text, head, complete=complete)
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
        if footer_like and footer_like == ragged and footer_like <= _trailing_footer_lines(
                self._tail_text(), self._layout.delimiter):
            self._footer_lines = footer_like
            return ()
        self._footer_lines = 0
        return _ragged_reasons(ragged)

    @property
    def footer_lines(self) -> int:
        """Lines under the table recognised as its footer (source, notes) in the last completed stream."""
        return self._footer_lines

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

        def on_invalid(row: Any) -> str:
            # The row text is in ``row``: never store or log it, count only (and look at its shape).
            ragged[0] += 1
            if _is_footer_line(row.text or "", delimiter):
                ragged[1] += 1
            return "skip"

        names = self._layout.names
        read_options = pacsv.ReadOptions(column_names=names, block_size=block, use_threads=False)
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
                    tokens = _ws_split(line)
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
_FOOTER_START = re.compile(
    r"^\s*=?[\"']?\s*(?:[^\W\d_]|[*†‡§¹²³⁴⁵⁶⁷⁸⁹#]|\(\d{1,2}\)|\d{1,2}\)\s*[^\W\d_]"
    # a legend of the markers: '".." = not available', '- : nil', 'x = confidential'
    r"|(?:\.{1,3}|-|–|x|:)\s*[\"']?\s*[=:]\s*[^\W\d_])")
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
    return delimiter == "," and not any(_NUMBER.fullmatch(f.strip()) for f in fields[1:])


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


# -- sniffing ----------------------------------------------------------------------------------------


def _sniff(text: str, head: bytes, *, complete: bool) -> _Layout:
    """Work out the layout of the table from the decoded head ``text`` (``head`` is its UTF-8 bytes)."""
    if not text.strip():
        raise LoadError("not a delimited table: no content")
    candidates = [_parse_single(text, d, complete=complete) for d in _DELIMITERS]
    best = max((c for c in candidates if _viable(c)), key=_score, default=None)
    # Whitespace must do strictly better than every single character: a tab file whose values have no
    # spaces splits the same way under both, and then the tab is the delimiter.
    whitespace = _parse_whitespace(text, complete=complete)
    if _viable(whitespace) and (best is None or _quality(whitespace) > _quality(best)):
        best = whitespace
    notes: list[str] = []
    if best is None:
        # No delimiter splits the records consistently. If (nearly) every record is one field, it is a
        # one-column table; otherwise it is not a table.
        best = candidates[0]
        if best.mode != 1 or best.consistency < _ONE_COLUMN_CONSISTENCY:
            raise LoadError("not a delimited table: no consistent delimiter")
        notes.append("one column: no delimiter found")
    if complete and best.delimiter != WHITESPACE and best.records:
        line = _open_quote_line(text, best.records[-1].first_line, best.delimiter)
        if line is not None:
            raise LoadError(f"unterminated quoted field at line {line}")
    records = best.records[best.titles :]
    if not records:
        raise LoadError("not a delimited table: no header or data rows")
    skipped_lines = records[0].first_line - 1
    return _header_layout(best, records, skipped_lines, head, notes)


def _viable(c: _Candidate) -> bool:
    return c.mode >= 2 and c.consistency >= _MIN_CONSISTENCY


def _quality(c: _Candidate) -> float:
    return round(c.overall - c.sloppy, 2)


def _score(c: _Candidate) -> tuple[float, int, int]:
    """Rank candidates: consistency (over all records) less sloppy quoting, then more fields, then
    preference.

    Sloppy quoting (text after a closing quote) is what a wrong delimiter produces on quoted fields: a
    comma inside ``"[0,5)"`` in R output splits such a field. More fields breaks ties because a wrong
    delimiter that happens to be consistent (one comma in a text column of a tab file) splits less; a
    header row usually breaks decimal-comma lookalikes (``1,5;2,5`` under a ``x;y`` header).
    """
    return (_quality(c), c.mode, -_DELIMITERS.index(c.delimiter))


def _parse_single(text: str, delimiter: str, *, complete: bool) -> _Candidate:
    """Parse the head with one delimiter (blank lines skipped, as Arrow does)."""
    records: list[_Record] = []
    reader = _csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=_QUOTE,
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    last_line = 0
    try:
        for row in reader:
            first, last_line = last_line + 1, reader.line_num
            if row:
                records.append(_Record(row, first, last_line))
            if len(records) > _SNIFF_RECORDS:
                break
    except _csv.Error:
        complete = False  # an oversized field: use the records before it
    if not complete and records and len(records) <= _SNIFF_RECORDS:
        records.pop()  # the last record may be cut off by the end of the head
    last = records[-1].last_line if records else 0
    return _candidate(delimiter, records, _count_sloppy(text, delimiter, last))


def _count_sloppy(text: str, delimiter: str, lines: int) -> int:
    """Records in the first ``lines`` lines with text after a closing quote (``"1" "2013/2014"``).

    That is what a wrong delimiter produces on quoted fields; a strict parse reports it, while doubled
    quotes inside a quoted field (``"5"" screen"``) are fine. Python's reader resumes at the next line
    after an error, so one pass counts them all.
    """
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=_QUOTE, strict=True)
    sloppy = 0
    while reader.line_num < lines:
        try:
            next(reader)
        except StopIteration:
            break
        except _csv.Error as exc:
            sloppy += "expected after" in str(exc)
    return sloppy


def _parse_whitespace(text: str, *, complete: bool) -> _Candidate:
    """Parse the head as runs-of-whitespace separated tokens, one record per line."""
    records: list[_Record] = []
    lines = _TEXT_LINE_BREAK.split(text)
    if not complete:
        lines = lines[:-1]
    for number, line in enumerate(lines[: _SNIFF_RECORDS * 2], start=1):
        if not line.strip():
            continue
        tokens = _ws_split(line)
        records.append(_Record(tokens if tokens is not None else [line], number, number))
    return _candidate(WHITESPACE, records)


def _ws_split(line: str) -> list[str] | None:
    """Split a whitespace-separated line into unquoted tokens; None if a quote is unbalanced."""
    if _WS_LINE.fullmatch(line) is None:
        return None
    out = []
    for tok in _WS_TOKENS.findall(line):
        if tok.startswith(_QUOTE):
            tok = tok[1:-1].replace('\\"', '"').replace('""', '"')
        out.append(tok)
    return out


def _open_quote_line(text: str, line: int, delimiter: str) -> int | None:
    """The line of a record, at or after physical ``line``, whose quoted field is still open at the
    end of ``text``; None if there is none.

    The lenient parse used for sniffing (like Arrow's) silently takes everything after an unmatched
    quote as one value; a strict parse of the last records tells that case apart.
    """
    start = 0
    for _ in range(line - 1):
        m = _TEXT_LINE_BREAK.search(text, start)
        if m is None:
            return None
        start = m.end()
    reader = _csv.reader(
        io.StringIO(text[start:], newline=""), delimiter=delimiter, quotechar=_QUOTE, strict=True
    )
    consumed = 0
    try:
        for _ in reader:
            consumed = reader.line_num
    except _csv.Error as exc:
        # "unexpected end of data", not "',' expected after '\"'" (sloppy quoting, which we accept)
        return line + consumed if "end of data" in str(exc) else None
    return None


def _candidate(delimiter: str, records: list[_Record], sloppy: int = 0) -> _Candidate:
    titles = _count_titles(records)
    rest = records[titles:]
    if not rest:
        return _Candidate(delimiter, records, titles, 0, 0.0, 0.0, 0.0)
    counts = Counter(len(r.fields) for r in rest)
    mode = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    ok: float = counts[mode]
    if len(rest[0].fields) == mode - 1:
        # R write.table: the header lacks the row-name column. Half credit, so that a delimiter under
        # which the header fits exactly wins a tie.
        ok += 0.5
    # Title lines with the table's field count (StatBank's trailing ";;;;") count as consistent;
    # others count against the delimiter, so that one needing no title lines ranks first.
    overall = (ok + sum(1 for r in records[:titles] if len(r.fields) == mode)) / len(records)
    return _Candidate(delimiter, records, titles, mode, ok / len(rest), overall, min(1.0, sloppy / len(rest)))


def _count_titles(records: list[_Record]) -> int:
    """Leading records that are titles or units lines rather than the header.

    A title has its few non-empty cells at the start, the rest empty (``Fertility rates...;;;;``), and
    far fewer non-empty cells than the typical record: at most one, or under a third of typical.
    """
    if len(records) < 2:
        return 0
    typical = statistics.median_low(r.nonempty for r in records[:200])
    if typical < 2:
        return 0
    limit = max(1, typical // 3)
    titles = 0
    for rec in records[: _MAX_TITLE_LINES + 1]:
        filled = [bool(f.strip()) for f in rec.fields]
        n = sum(filled)
        is_prefix = all(filled[:n])
        if n > limit or not is_prefix or titles >= _MAX_TITLE_LINES:
            break
        titles += 1
    return min(titles, len(records) - 1)


def _header_layout(
    best: _Candidate, records: list[_Record], skipped_lines: int, head: bytes, notes: list[str]
) -> _Layout:
    """Decide header rows and column names for the records after the titles."""
    header = records[0]
    body = records[1:]
    ncols = best.mode
    if _looks_like_data(header.fields, body):
        # No header: what looked like title lines are sparse data rows (``Abkhazia,,,,``), so they are
        # read as data too rather than skipped unseen (fail closed).
        first = best.records[0].first_line
        notes.append("no header row: column names generated")
        return _Layout(
            delimiter=best.delimiter,
            names=[f"column_{i}" for i in range(1, ncols + 1)],
            header_rows=0,
            skipped_lines=first - 1,
            data_line=first,
            data_offset=_line_offset(head, first),
            notes=notes,
        )
    header_rows = [header.fields]
    last = header
    extra = 0
    while extra < _MAX_EXTRA_HEADER_ROWS and 1 + extra < len(records) - 1:
        row = records[1 + extra]
        if not _is_extra_header(row.fields, records[2 + extra :], previous_extra=extra > 0):
            break
        header_rows.append(row.fields)
        last = row
        extra += 1
    if extra:
        notes.append(f"{extra + 1} header rows combined into column names")
    names = _combine_names(header_rows)
    if names:
        names[0] = names[0].removeprefix("\ufeff")
    body = records[1 + extra :]
    if len(names) == ncols - 1 and _first_column_unique(body):
        names = ["row_name", *names]
        notes.append("header has one field fewer than the rows: first column named row_name (R row names)")
    elif len(names) < ncols:
        names += [""] * (ncols - len(names))
        notes.append("header has fewer fields than the data rows")
    elif len(names) > ncols:
        if any(n.strip() for n in names[ncols:]):
            notes.append("header has more fields than the data rows: extra header cells ignored")
        names = names[:ncols]
    data_line = body[0].first_line if body else last.last_line + 1
    return _Layout(
        delimiter=best.delimiter,
        names=_unique_names(names),
        header_rows=1 + extra,
        skipped_lines=skipped_lines,
        data_line=data_line,
        data_offset=_line_offset(head, last.last_line + 1),
        notes=notes,
    )


def _line_offset(head: bytes, line: int) -> int:
    """Byte offset in ``head`` where physical line ``line`` (1-based) starts."""
    if line <= 1:
        return 0
    for seen, m in enumerate(_LINE_BREAK.finditer(head), start=1):
        if seen == line - 1:
            return m.end()
    return len(head)


def _combine_names(rows: list[list[str]]) -> list[str]:
    """Join the non-empty parts of stacked header rows with " | " per column."""
    width = max(len(r) for r in rows)
    out = []
    for i in range(width):
        parts = [r[i] for r in rows if i < len(r) and r[i].strip()]
        out.append(" | ".join(parts))
    return out


def _unique_names(names: list[str]) -> list[str]:
    """Name empty cells ``column_<position>`` and make duplicates unique (``x``, ``x_2``, ...)."""
    filled = [n if n.strip() else f"column_{i}" for i, n in enumerate(names, start=1)]
    original = set(filled)
    out: list[str] = []
    seen: set[str] = set()
    for name in filled:
        candidate, k = name, 1
        # A generated name must not take one that another header cell has (``x``, ``x``, ``x_2``).
        while candidate in seen or (k > 1 and candidate in original):
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _first_column_unique(body: list[_Record]) -> bool:
    """True when the first fields of the sampled rows are all distinct (R row names are)."""
    values = [r.fields[0] for r in body if r.fields]
    return len(values) == len(set(values))


def _is_numeric(cell: str) -> bool:
    s = cell.strip()
    return bool(s) and _HAS_DIGIT.search(s) is not None and _NUMBER.fullmatch(s) is not None


def _is_numeric_like(cell: str) -> bool:
    """A number or a suppression/missing marker: what a statistics cell holds."""
    s = cell.strip()
    return _is_numeric(s) or SUPPRESSION_MARKER.fullmatch(s) is not None


def _is_number_like(cell: str) -> bool:
    """Digits with no letters (``90307 (100)``, ``2013/2014``) or a plain number."""
    s = cell.strip()
    return _is_numeric(s) or (_HAS_DIGIT.search(s) is not None and _HAS_LETTER.search(s) is None)


def _shape(cell: str) -> str:
    """The pattern of a cell: digit runs -> 9, letter runs -> a, spaces dropped."""
    s = re.sub(r"\s+", "", cell)
    s = re.sub(r"\d+", "9", s)
    return _HAS_LETTER.sub("a", s)


def _is_label_sequence(cells: list[str]) -> bool:
    """Years in increasing order, or consecutive integers: column labels, not data."""
    try:
        values = [int(c.strip()) for c in cells]
    except ValueError:
        return False
    increasing = all(b > a for a, b in itertools.pairwise(values))
    if len(values) >= 2 and increasing and all(_YEAR.fullmatch(c.strip()) for c in cells):
        return True
    return len(values) >= 3 and all(b - a == 1 for a, b in itertools.pairwise(values))


def _is_coded_like(cell: str, i: int, below: list[_Record]) -> bool:
    """Letters and digits written exactly like the column below (``K4228055`` over ``K5095077``,
    ``P1234_LopNr_107081``): a value such as a key, not a column name. A name is shaped differently from
    its values (``LopNr`` over numbers, ``pop2018`` over counts)."""
    s = cell.strip()
    if _HAS_DIGIT.search(s) is None or _HAS_LETTER.search(s) is None:
        return False
    column = [r.fields[i] for r in below[:200] if i < len(r.fields) and r.fields[i].strip()]
    return len(column) >= 3 and 5 * sum(_shape(v) == _shape(s) for v in column) >= 4 * len(column)


def _looks_like_data(first: list[str], below: list[_Record]) -> bool:
    """True when the first record is already data (no header): most of its fields are numbers (or
    coded values such as keys) with the same shape as the column below, and they are not a run of labels
    such as years."""
    cells = [(i, c) for i, c in enumerate(first) if c.strip()]
    if not cells:
        return False
    numbers = [(i, c) for i, c in cells if _is_number_like(c) or _is_coded_like(c, i, below)]
    if 2 * len(numbers) <= len(cells):
        return False
    if _is_label_sequence([c for _, c in numbers]):
        return False
    if not below:
        return True
    data_like = 0
    for i, cell in numbers:
        column = [r.fields[i] for r in below[:200] if i < len(r.fields) and r.fields[i].strip()]
        if not column:
            continue
        shapes = Counter(_shape(v) for v in column)
        if 5 * shapes[_shape(cell)] >= len(column):
            data_like += 1
    return 2 * data_like > len(cells)


def _is_extra_header(row: list[str], below: list[_Record], *, previous_extra: bool) -> bool:
    """True when ``row`` (just under the header) is another header row: it holds no number in the
    columns that are mostly numeric further down, and labels some of them (``0-49``) or, after an
    extra header row, is the index-name row pandas writes (``date,,,,``)."""
    sample = below[:200]
    if len(sample) < 2:
        return False
    numeric_columns = []
    for i in range(len(row)):
        values = [r.fields[i] for r in sample if i < len(r.fields) and r.fields[i].strip()]
        if len(values) >= 3 and sum(map(_is_numeric_like, values)) >= _NUMERIC_COLUMN_SHARE * len(values):
            numeric_columns.append(i)
    if not numeric_columns:
        return False
    cells = [row[i] for i in numeric_columns]
    if any(_is_numeric_like(c) for c in cells if c.strip()):
        return False
    if any(c.strip() for c in cells):
        return True
    return previous_extra and any(c.strip() for c in row)
