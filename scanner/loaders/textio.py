"""Encoding detection and decoding helpers shared by the text and CSV loaders.

The files we see come out of statistics offices and research environments: UTF-8 (with or without a
BOM), Windows-1252 exports (Statistics Sweden PxWeb), the odd DOS code page file (Gapminder/Stata
teaching data with ``Åland`` as byte 0x8F) and, rarely, UTF-16 from Excel's "Unicode text". The rules
here are deterministic and cheap, in this order:

1. a byte order mark decides (``utf-8-sig``, ``utf-32``, ``utf-16``);
2. a sample with many NUL bytes is UTF-16/32 without a BOM, or not text at all;
3. a streaming check of the *whole* file against UTF-8 (a cp1252 byte on line 30,000 must be caught,
   so sampling the head is not enough; this is one sequential read, which the scan pays anyway);
4. otherwise a legacy single-byte code page: cp1252 when none of its five undefined bytes occurs,
   the DOS code page cp850 when the high bytes read as letters there and not in the alternative,
   else latin-1, which decodes every byte.

Why not charset-normalizer: it is probabilistic (language models over sampled chunks), markedly slower
on large files, and it may change its answer between versions. We need a guarantee that the chosen
codec decodes the whole file (fail closed) and we only ever choose among five codecs, so the simple
rules above plus a small plausibility score between code pages are both faster and reproducible.

Nothing here ever puts file content into a log line or an exception message.
"""

from __future__ import annotations

import codecs
import io
import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError
from scanner.sources import open_file

__all__ = [
    "CHUNK_BYTES",
    "Utf8Reader",
    "decodes_cleanly",
    "detect_encoding",
    "guess_encoding",
    "sniff_bom",
    "stream_codec",
]

log = logging.getLogger(__name__)

#: Read size for whole-file passes.
CHUNK_BYTES = 4 << 20

# Byte order marks, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Bytes that cp1252 leaves undefined (Python's cp1252 codec refuses them). Real files that contain
# them are almost always in a DOS code page, where they are letters (ü ì Å É Ø in cp850).
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)

# A sample with at least this share of NUL bytes is not 8-bit text.
_NUL_SHARE = 0.10

# How many high-byte occurrences (with their neighbours) the code page score looks at.
_MAX_SCORED = 20_000

_HIGH_BYTE = lazy_compile(rb"[\x80-\xff]")


def sniff_bom(head: bytes) -> tuple[str, int] | None:
    """Return ``(codec, bom_length)`` when ``head`` starts with a byte order mark, else None."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    return None


def stream_codec(encoding: str, head: bytes) -> tuple[str, int]:
    """Map ``encoding`` to a BOM-less codec for streaming, and the number of BOM bytes to skip.

    ``utf-16``/``utf-32`` (BOM codecs) become the endian-specific codec named by the BOM, so a stream
    can start mid-file; ``utf-8-sig`` becomes ``utf-8`` with the BOM skipped. Other codecs are
    returned unchanged (a stray UTF-8 BOM under an explicit ``utf-8`` is skipped too).
    """
    name = codecs.lookup(encoding).name
    bom = sniff_bom(head)
    if name in ("utf-8", "utf-8-sig"):
        skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        return "utf-8", skip
    if name == "utf-16":
        if head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16-be", 2
        return "utf-16-le", 2 if head.startswith(codecs.BOM_UTF16_LE) else 0
    if name == "utf-32":
        if head.startswith(codecs.BOM_UTF32_BE):
            return "utf-32-be", 4
        return "utf-32-le", 4 if head.startswith(codecs.BOM_UTF32_LE) else 0
    if bom is not None and name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        # An explicit endian codec on a file with a matching BOM: skip the BOM character.
        return name, bom[1] if bom[0] in ("utf-16", "utf-32") else 0
    return name, 0


_ASCII_SUPERSETS = frozenset({"utf-8", "cp1252", "iso8859-1", "iso8859-15", "cp850", "cp865", "mac-roman"})


def decodes_cleanly(path: Path, encoding: str) -> bool:
    """True when the whole file decodes under ``encoding`` without errors (one streaming pass)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    # ASCII bytes decode as themselves in these codecs: a chunk of ASCII alone, with no partial sequence
    # pending from the chunk before, needs no decoding (bytes.isascii is several times faster than a decode)
    ascii_superset = codecs.lookup(encoding).name in _ASCII_SUPERSETS
    try:
        with open_file(path) as fh:
            while chunk := fh.read(CHUNK_BYTES):
                if ascii_superset and chunk.isascii() and not decoder.getstate()[0]:
                    continue
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """Return the Python codec name that decodes ``path``: see the module docstring for the order.

    ``sample_bytes`` bounds the sample used for the BOM and NUL checks; the UTF-8 and code page checks
    read the whole file, streaming in :data:`CHUNK_BYTES` pieces. The result is guaranteed to decode
    the whole file, except for BOM codecs (the BOM is trusted; callers decode those with care).

    Raises LoadError when the file looks like UTF-16/32 without a BOM (many NUL bytes) but decodes
    as neither, i.e. when it is not text.
    """
    with open_file(path) as fh:
        sample = fh.read(max(sample_bytes, 4))
    bom = sniff_bom(sample)
    if bom is not None:
        return bom[0]
    if not sample:
        return "utf-8"
    if sample.count(0) >= _NUL_SHARE * len(sample):
        for codec in _wide_candidates(sample):
            if decodes_cleanly(path, codec):
                return codec
        raise LoadError("binary content: NUL bytes, and not UTF-16/32 text")
    if decodes_cleanly(path, "utf-8"):
        return "utf-8"
    undefined = False
    contexts: list[tuple[int, int, int]] = []
    with open_file(path) as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if not undefined:
                undefined = any(bytes((b,)) in chunk for b in _CP1252_UNDEFINED)
            if len(contexts) < _MAX_SCORED:
                contexts.extend(_high_byte_contexts(chunk, _MAX_SCORED - len(contexts)))
    codec = _choose_code_page(contexts, cp1252_possible=not undefined)
    log.debug("encoding of %s: not UTF-8, chose %s from %d high bytes", path, codec, len(contexts))
    return codec


def guess_encoding(data: bytes, *, complete: bool) -> str:
    """Guess the codec of a byte string (a file head, for classifiers): the same rules as
    :func:`detect_encoding` applied to ``data`` only. ``complete`` says whether ``data`` is the whole
    file (otherwise a multi-byte character cut at the end is not held against UTF-8).
    """
    bom = sniff_bom(data)
    if bom is not None:
        return bom[0]
    if data and data.count(0) >= _NUL_SHARE * len(data):
        for codec in _wide_candidates(data):
            try:
                codecs.getincrementaldecoder(codec)().decode(data, final=complete)
            except UnicodeDecodeError:
                continue
            return codec
        raise LoadError("binary content: NUL bytes, and not UTF-16/32 text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    undefined = any(bytes((b,)) in data for b in _CP1252_UNDEFINED)
    return _choose_code_page(_high_byte_contexts(data, _MAX_SCORED), cp1252_possible=not undefined)


def _wide_candidates(sample: bytes) -> list[str]:
    """UTF-32/16 codecs whose NUL pattern fits the sample (mostly-ASCII text: the high bytes of each
    code unit are NUL)."""
    n = len(sample) - len(sample) % 4
    if n < 4:
        return []
    columns = [sample[i:n:4].count(0) / (n // 4) for i in range(4)]
    out: list[str] = []
    if columns[1] > 0.9 and columns[2] > 0.9 and columns[3] > 0.9:
        out.append("utf-32-le")
    if columns[0] > 0.9 and columns[1] > 0.9 and columns[2] > 0.9:
        out.append("utf-32-be")
    even = (columns[0] + columns[2]) / 2
    odd = (columns[1] + columns[3]) / 2
    if odd > 0.5 > even:
        out.append("utf-16-le")
    if even > 0.5 > odd:
        out.append("utf-16-be")
    return out


def _high_byte_contexts(data: bytes, limit: int) -> list[tuple[int, int, int]]:
    """``(previous, byte, next)`` for the first ``limit`` bytes >= 0x80 (0x20 stands in at the edges)."""
    out: list[tuple[int, int, int]] = []
    last = len(data) - 1
    for m in _HIGH_BYTE.finditer(data):
        i = m.start()
        out.append((data[i - 1] if i > 0 else 0x20, data[i], data[i + 1] if i < last else 0x20))
        if len(out) >= limit:
            break
    return out


def _char_class(ch: str) -> str:
    """Coarse class of a decoded character: L letter, B box drawing, S space, C control, P other."""
    if ch.isalpha():
        return "L"
    if "\u2500" <= ch <= "\u259f":
        return "B"
    if ch.isspace():
        return "S"
    if ch == "\ufffd" or unicodedata.category(ch).startswith("C"):
        return "C"
    return "P"


def _plausibility(codec: str, contexts: Sequence[tuple[int, int, int]]) -> int:
    """How many high bytes read as plausible text under ``codec``.

    A letter is plausible next to another letter (inside a word: ``Åland``, ``Väsby``); punctuation,
    symbols and box drawing are plausible unless they sit between two letters (``V„sby`` is cp850
    read as cp1252); control characters never are (latin-1 reads 0x80-0x9F as C1 controls).
    """
    table = bytes(range(256)).decode(codec, errors="replace")
    score = 0
    for prev, byte, nxt in contexts:
        cls = _char_class(table[byte])
        if cls == "C":
            continue
        p, n = _char_class(table[prev]), _char_class(table[nxt])
        if cls == "L":
            score += p == "L" or n == "L"
        else:
            score += not (p == "L" and n == "L")
    return score


def _choose_code_page(contexts: Sequence[tuple[int, int, int]], *, cp1252_possible: bool) -> str:
    """Pick cp1252, cp850 or latin-1 for a file that is not UTF-8 (see the module docstring).

    cp1252 wins ties (it is by far the most common legacy encoding here); cp850 must read clearly
    better than the alternative and read at least half of the high bytes as plausible text.
    """
    cp850 = _plausibility("cp850", contexts)
    if cp1252_possible:
        return (
            "cp850" if cp850 > _plausibility("cp1252", contexts) and 2 * cp850 >= len(contexts) else "cp1252"
        )
    return "cp850" if cp850 > _plausibility("latin-1", contexts) and 2 * cp850 >= len(contexts) else "latin-1"


class Utf8Reader(io.RawIOBase):
    """A binary stream that reads a file in ``codec`` and yields its text as UTF-8 bytes.

    Used to hand non-UTF-8 files (and UTF-8 files with bad bytes, under ``errors="replace"``) to
    parsers that only take UTF-8, such as Arrow's CSV reader, while streaming. ``skip`` raw bytes
    (a BOM) are skipped first. Close it (or use it as a context manager) to close the file.
    """

    def __init__(self, path: Path, codec: str, *, errors: str = "strict", skip: int = 0) -> None:
        super().__init__()
        self._raw = open_file(path)  # closed in close()
        self._raw.seek(skip)
        self._decoder = codecs.getincrementaldecoder(codec)(errors=errors)
        self._buf = b""
        self._pos = 0
        self._eof = False

    def readable(self) -> bool:
        """Always True: this is a read-only stream."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with the next UTF-8 bytes; 0 at the end of the file."""
        while self._pos >= len(self._buf):
            if self._eof:
                return 0
            chunk = self._raw.read(1 << 20)
            if chunk:
                text = self._decoder.decode(chunk)
            else:
                self._eof = True
                text = self._decoder.decode(b"", final=True)
            self._buf = text.encode("utf-8")
            self._pos = 0
        n = min(len(buffer), len(self._buf) - self._pos)
        buffer[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        """Close the underlying file."""
        if not self.closed:
            self._raw.close()
        super().close()
