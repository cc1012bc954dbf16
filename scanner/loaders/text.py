"""Plain text files (logs, listings, transcripts) as decoded chunks that end on line boundaries.

Chunks are cut on raw bytes, after the last line break in what has been read, so a chunk never ends
mid-line or mid-character and its byte offset in the file is exact. Memory stays at about two chunks,
except for a single line longer than a chunk, which is kept whole up to ``max_line_bytes``: a longer
line is a limit (DESIGN "fail closed": limits are findings) and raises LoadError rather than being cut
where an identifier could straddle the cut unnoticed.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterator
from pathlib import Path

from scanner.loaders.base import LoadError, TextChunk
from scanner.loaders.textio import detect_encoding, guess_encoding, stream_codec
from scanner.sources import open_file

__all__ = ["iter_text", "read_text_head"]

log = logging.getLogger(__name__)

#: Default cap on a single line, in bytes (see the module docstring).
MAX_LINE_BYTES = 64 << 20


def iter_text(
    path: Path,
    *,
    chunk_bytes: int = 4 << 20,
    encoding: str | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[TextChunk]:
    """Yield the decoded text of ``path`` in chunks of about ``chunk_bytes`` raw bytes.

    Each chunk holds whole lines (the last one may lack a line break at the end of the file), with
    universal newlines translated to ``"\\n"``, its 1-based first line number and the byte offset of
    its first byte. ``encoding`` defaults to :func:`detect_encoding` (one extra streaming pass). A BOM
    is skipped (the first chunk then starts at its byte offset).

    Raises LoadError when a line is longer than ``max_line_bytes`` or when the bytes are not valid in
    the encoding (only possible with an explicit encoding or a BOM codec; the reason names the byte
    offset, not the bytes).
    """
    if chunk_bytes < 1:
        raise ValueError("chunk_bytes must be positive")
    try:
        enc = encoding or detect_encoding(path)
        fh = open_file(path)  # closed by the with block below
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    with fh:
        codec, skip = stream_codec(enc, fh.read(4))
        fh.seek(skip)
        newline, cr = "\n".encode(codec), "\r".encode(codec)
        unit = len(newline)  # 1 for ASCII-compatible codecs, 2 for UTF-16, 4 for UTF-32
        limit = max(max_line_bytes, chunk_bytes)
        offset, line = skip, 1
        buf = bytearray()
        eof = False
        while True:
            if not eof:
                data = fh.read(chunk_bytes)
                eof = not data
                buf += data
            if not buf:
                return
            cut = len(buf) if eof else _last_break(buf, newline, cr, unit)
            if cut == 0:
                if len(buf) > limit:
                    raise LoadError(f"line {line} is longer than {limit} bytes")
                continue
            piece = bytes(buf[:cut])
            del buf[:cut]
            try:
                text = piece.decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(f"bytes not valid {enc} at byte offset {offset + exc.start}") from None
            text = _universal_newlines(text)
            yield TextChunk(text=text, first_line=line, byte_offset=offset, encoding=enc)
            line += text.count("\n")
            offset += cut


def read_text_head(path: Path, max_bytes: int = 65536) -> str:
    """The first ``max_bytes`` of ``path`` decoded (encoding guessed from those bytes only), with
    universal newlines. A character cut at the end is dropped; undecodable bytes become U+FFFD, which
    is fine for a classifier but is not how a scan reads the file (use :func:`iter_text` for that).
    """
    with open_file(path) as fh:
        head = fh.read(max_bytes)
        complete = not fh.read(1)
    enc = guess_encoding(head, complete=complete)
    codec, skip = stream_codec(enc, head)
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head[skip:], final=complete)
    return _universal_newlines(text)


def _last_break(buf: bytearray, newline: bytes, cr: bytes, unit: int) -> int:
    """Position just after the last line break in ``buf`` (aligned to the code unit), or 0.

    Prefer the last LF (which also ends a CRLF). Without any LF, use the last CR that is not the
    final code unit: a CR at the very end may be the first half of a CRLF split across reads.
    """
    end = len(buf)
    while (i := buf.rfind(newline, 0, end)) >= 0:
        if i % unit == 0:
            return i + unit
        end = i + len(newline) - 1
    end = len(buf) - unit
    while (i := buf.rfind(cr, 0, end)) >= 0:
        if i % unit == 0:
            return i + unit
        end = i + len(cr) - 1
    return 0


def _universal_newlines(text: str) -> str:
    """Translate CRLF and CR line ends to LF, as Python's text mode does."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
