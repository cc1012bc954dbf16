"""Walk the paths of a scan and classify each file by its content (magic bytes) before its extension.

The kind decides which loader reads a file and which rule families apply, so a wrong kind is a missed
check: a workbook renamed ``.csv``, an encrypted workbook named ``.xlsx`` (an OLE container, not a zip)
or a Stata log saved as ``.txt`` must still land with the right loader. Classification therefore looks
at the first :data:`HEAD_SIZE` bytes first and uses the file name only to settle what the bytes leave
open. It never reads more than that, except the central directory of a zip and the directory sectors of
an OLE compound file, and it never extracts or decompresses anything.

It imports only the standard library, because the CLI imports it on every run.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import itertools
import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from scanner.discover.kinds import HEAD_SIZE, FileKind
from scanner.lazy_regex import lazy_compile

# --------------------------------------------------------------------------------------------------
# Magic numbers

_SAS_MAGIC_HEAD = bytes(12) + b"\xc2\xea\x81"  # bytes 0-14; byte 15 is 0x60 (data set) or 0x63 (catalog)
_SAS_MAGIC_TAIL = b"\xb3\x14\x11\xcf\xbd\x92\x08\x00\x09\xc7\x31\x8c\x18\x1f\x10\x11"  # bytes 16-31
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XPT_V5 = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
_XPT_V8 = b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!"
_CPORT = b"**COMPRESSED** **COMPRESSED**"
_SIMPLE_MAGIC: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind.PDF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"GIF87a", FileKind.GIF),
    (b"GIF89a", FileKind.GIF),
    (b"II*\x00", FileKind.TIFF),
    (b"MM\x00*", FileKind.TIFF),
    (b"II+\x00", FileKind.TIFF),  # BigTIFF
    (b"MM\x00+", FileKind.TIFF),
    (b"\x28\xb5\x2f\xfd", FileKind.ZSTD),
    (b"7z\xbc\xaf\x27\x1c", FileKind.SEVENZ),
    (b"SQLite format 3\x00", FileKind.SQLITE),
    (b"ARROW1", FileKind.FEATHER),
    (b"\x89HDF\r\n\x1a\n", FileKind.HDF5),
    (b"MATLAB 5.0 MAT-file", FileKind.MAT),
    (b"MATLAB 7.3 MAT-file", FileKind.MAT),
    (_XPT_V5, FileKind.XPT),
    (_XPT_V8, FileKind.XPT),
    (_CPORT, FileKind.SAS_CPORT),
    (b"<stata_dta>", FileKind.DTA),  # format 117 and later
    (b"RDX2\n", FileKind.RDATA),
    (b"RDX3\n", FileKind.RDATA),
    (b"RDA2\n", FileKind.RDATA),
    (b"RDA3\n", FileKind.RDATA),
    (b"RDB2\n", FileKind.RDATA),
    (b"RDB3\n", FileKind.RDATA),
    (b"X\n\x00\x00\x00\x02", FileKind.RDATA),  # uncompressed saveRDS(), serialization v2
    (b"X\n\x00\x00\x00\x03", FileKind.RDATA),  # and v3
    (b"StataFileTM:", FileKind.STATA_GRAPH),  # Stata .gph (live or as-is)
    (b"%!PS", FileKind.POSTSCRIPT),
    (b"\xc5\xd0\xd3\xc6", FileKind.POSTSCRIPT),  # DOS EPS binary header
    (b"{\\rtf", FileKind.RTF),
)
# Four printable bytes could also start a text file ("PAR1,PAR2" as a CSV header): these count only in a
# file with a NUL byte in its head (every real one has) or with the matching extension.
_WEAK_MAGIC: tuple[tuple[bytes, FileKind, frozenset[str]], ...] = (
    (b"PAR1", FileKind.PARQUET, frozenset({".parquet", ".parq", ".pq"})),
    # PARE: encrypted footer (Parquet Modular Encryption). Still parquet: the loader reports it.
    (b"PARE", FileKind.PARQUET, frozenset({".parquet", ".encrypted"})),
    (b"FEA1", FileKind.FEATHER, frozenset({".feather"})),
    (b"$FL2", FileKind.SAV, frozenset({".sav"})),
    (b"$FL3", FileKind.SAV, frozenset({".zsav", ".sav"})),  # zlib-compressed .zsav
)
_BMP_DIB_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_BZIP2_BLOCK = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")  # block / end-of-stream magic

# --------------------------------------------------------------------------------------------------
# Extensions (lower case). Only used where the content leaves the kind open.

_CODE_EXT = frozenset(
    {
        ".sas", ".do", ".ado", ".mata", ".r", ".py", ".pyw", ".sps", ".sql", ".ipynb", ".rmd", ".qmd",
        ".jl", ".m", ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd", ".stan", ".pl", ".rb", ".js",
        ".ts", ".c", ".h", ".cpp", ".java", ".scala", ".go", ".rs", ".lua", ".f90", ".awk", ".rhistory",
    }
)  # fmt: skip
_DOC_EXT = frozenset({".md", ".markdown", ".rst", ".adoc", ".org", ".tex"})
_CSV_EXT = frozenset({".csv", ".tsv"})  # textual content with these names is a table, even one column
_WS_TABLE_EXT = frozenset({".dat", ".prn"})  # whitespace-aligned tables are common under these names
_LOG_EXT = frozenset({".log", ".lst", ".smcl", ".rout", ".out"})
# The first statement of a PC-Axis file (PX-Web writes CHARSET or AXIS-VERSION first).
_PX_START = lazy_compile(r'(?:CHARSET|AXIS-VERSION|CODEPAGE|LANGUAGE|MATRIX|DECIMALS|SUBJECT-CODE)(?:\[\w-+\])?\s*=')
_JSON_EXT = frozenset({".json", ".geojson", ".topojson", ".jsonl", ".ndjson"})
_HTML_EXT = frozenset({".html", ".htm", ".xhtml"})
_XML_EXT = frozenset({".xml", ".xsd", ".rdf", ".kml", ".gpx"})
_R_EXT = frozenset({".rds", ".rdata", ".rda"})
_OOXML_EXT: dict[str, FileKind] = {
    ".xlsx": FileKind.XLSX, ".xlsm": FileKind.XLSX, ".xltx": FileKind.XLSX, ".xltm": FileKind.XLSX,
    ".xlsb": FileKind.XLSB,
    ".docx": FileKind.DOCX, ".docm": FileKind.DOCX, ".dotx": FileKind.DOCX,
    ".pptx": FileKind.PPTX, ".pptm": FileKind.PPTX,
    ".ods": FileKind.ODS, ".odt": FileKind.ODT, ".odp": FileKind.ODP,
}  # fmt: skip
# Main part of each OOXML document type, as stored in the zip's name list.
_OOXML_PARTS: tuple[tuple[str, FileKind], ...] = (
    ("xl/workbook.xml", FileKind.XLSX),
    ("xl/workbook.bin", FileKind.XLSB),
    ("word/document.xml", FileKind.DOCX),
    ("ppt/presentation.xml", FileKind.PPTX),
)
_ODF_MIMETYPES: tuple[tuple[bytes, FileKind], ...] = (
    (b"application/vnd.oasis.opendocument.spreadsheet", FileKind.ODS),
    (b"application/vnd.oasis.opendocument.text", FileKind.ODT),
    (b"application/vnd.oasis.opendocument.presentation", FileKind.ODP),
)


def _suffix(name: str) -> str:
    """Lower-case extension; ``.Rout.save`` (R CMD check reference output) counts as ``.rout``."""
    lower = name.lower()
    if lower.endswith(".rout.save"):
        return ".rout"
    if lower.endswith(".rhistory"):  # R's command history: ".Rhistory" has no extension for splitext
        return ".rhistory"
    return os.path.splitext(lower)[1]


# --------------------------------------------------------------------------------------------------
# Classification

_Opener = Callable[[], contextlib.AbstractContextManager[BinaryIO]]


def classify(path: Path, head: bytes) -> FileKind:
    """Classify one file from its first bytes ``head`` (the first :data:`HEAD_SIZE` bytes, fewer if the
    file is shorter) and its name.

    ``path`` is opened again only for a zip (to read the central directory's name list) or an OLE
    compound file (to read its directory). If that fails the container kind itself is returned
    (:attr:`FileKind.ZIP`, :attr:`FileKind.OLE`), and the loader reports the damage.
    """
    p = Path(path)

    def opener() -> contextlib.AbstractContextManager[BinaryIO]:
        return open(p, "rb")  # the caller enters the context

    return _classify(p.name, head, opener)


def classify_content(
    name: str, head: bytes, opener: Callable[[], contextlib.AbstractContextManager[BinaryIO]]
) -> FileKind:
    """Classify bytes that are not a file of their own (an archive member) exactly as :func:`classify`
    classifies a file: ``name`` is only used for its extension, and ``opener`` gives a seekable stream of
    the whole content when a zip's or OLE file's directory must be read."""
    return _classify(name, head, opener)


def is_tar_header(head: bytes) -> bool:
    """Whether ``head`` starts with a tar member header (ustar magic, or a valid v7 header checksum)."""
    return _is_tar(head)


def _classify(name: str, head: bytes, opener: _Opener) -> FileKind:
    if not head:
        return FileKind.EMPTY
    ext = _suffix(name)
    kind = _classify_magic(head, ext, opener)
    if kind is not None:
        return kind
    text = _decode_text(head, truncated=len(head) >= HEAD_SIZE)
    if text is None:
        return FileKind.BINARY
    if ext in _R_EXT:  # ASCII saveRDS(ascii = TRUE) output
        return FileKind.RDATA
    return _classify_text(text, ext, truncated=len(head) >= HEAD_SIZE)


def _classify_magic(head: bytes, ext: str, opener: _Opener) -> FileKind | None:
    """Kind from fixed magic numbers, or None when the bytes carry none."""
    if head[:15] == _SAS_MAGIC_HEAD and head[16:32] == _SAS_MAGIC_TAIL:
        # Byte 15 tells a format catalog (0x63) from a data set (0x60); trust the extension if unusual.
        if head[15] == 0x63 or ext == ".sas7bcat":
            return FileKind.SAS7BCAT
        return FileKind.SAS7BDAT
    if head.startswith(_OLE_MAGIC):
        return _classify_ole(opener)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _classify_zip(head, ext, opener)
    compressed = _compression(head)
    if compressed is not None:
        # save() and saveRDS() compress by default: the name says it is an R object, not an archive.
        return FileKind.RDATA if ext in _R_EXT else compressed
    for magic, kind in _SIMPLE_MAGIC:
        if head.startswith(magic):
            return kind
    for magic, kind, exts in _WEAK_MAGIC:
        if head.startswith(magic) and (ext in exts or b"\x00" in head):
            return kind
    if _is_bmp(head):
        return FileKind.BMP
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return FileKind.WEBP
    if head[8:12] == b"DUCK" and (ext == ".duckdb" or b"\x00" in head):  # after an 8-byte checksum
        return FileKind.DUCKDB
    if _is_arrow_stream(head):
        return FileKind.FEATHER
    if _is_old_dta(head, ext):
        return FileKind.DTA
    if _is_por(head, ext):
        return FileKind.POR
    if _is_tar(head):
        return FileKind.TAR
    return None


def _is_arrow_stream(head: bytes) -> bool:
    """The Arrow IPC stream format (``.arrows``; ``pyarrow.ipc.new_stream``, R's ``write_ipc_stream``): a
    continuation marker, then the length of the schema message (a flatbuffer, 8-byte aligned)."""
    if len(head) < 16 or head[:4] != b"\xff\xff\xff\xff":
        return False
    length = int.from_bytes(head[4:8], "little")
    return 0 < length < 1 << 24 and length % 8 == 0


def _compression(head: bytes) -> FileKind | None:
    if head.startswith(b"\x1f\x8b\x08"):
        return FileKind.GZIP
    if head.startswith(b"\xfd7zXZ\x00"):
        return FileKind.XZ
    # "BZh" plus a digit is too weak on its own (text can start so): require the block magic after it.
    if head.startswith(b"BZh") and len(head) >= 10 and 0x31 <= head[3] <= 0x39 and head[4:10] in _BZIP2_BLOCK:
        return FileKind.BZIP2
    return None


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would catch a CSV whose header starts with "BMI,": require the zero reserved words and a
    # known DIB header size.
    if len(head) < 18 or not head.startswith(b"BM"):
        return False
    reserved, dib = head[6:10], struct.unpack_from("<I", head, 14)[0]
    return reserved == b"\x00\x00\x00\x00" and dib in _BMP_DIB_SIZES


def _is_old_dta(head: bytes, ext: str) -> bool:
    """Stata formats up to 115: release byte, byte order (1 = MSF, 2 = LSF), file type 1, a zero byte."""
    if len(head) < 4 or head[1] not in (1, 2) or head[2] != 1 or head[3] != 0:
        return False
    if 0x71 <= head[0] <= 0x73:  # 113-115 (Stata 8-13): specific enough on its own
        return True
    return 0x69 <= head[0] <= 0x70 and ext == ".dta"  # older releases: four bytes are too weak alone


def _is_por(head: bytes, ext: str) -> bool:
    # The 200-byte vanity header ("ASCII SPSS PORT FILE" in several character sets) and the 256-byte
    # character table come first, then the tag; the writer wraps lines at 80 columns, so allow for CRLFs.
    if b"SPSSPORT" not in head[:1024]:
        return False
    return ext == ".por" or b"SPSS PORT FILE" in head[:256]


def _is_tar(head: bytes) -> bool:
    if len(head) < 512:
        return False
    if head[257:262] == b"ustar":
        return True
    # Pre-POSIX (v7) tar has no magic: check the header checksum (sum of the header with the checksum
    # field read as spaces), stored as octal at offset 148.
    field = head[148:156].replace(b"\x00", b" ").strip()
    if not field or any(c not in b"01234567" for c in field):
        return False
    if head[0] == 0:  # an empty name is not a member header
        return False
    stored = int(field, 8)
    return stored == sum(head[:148]) + 8 * 0x20 + sum(head[156:512])


# ---- OLE compound files -----------------------------------------------------------------------

_OLE_FREESECT = 0xFFFFFFFF
_OLE_ENDOFCHAIN = 0xFFFFFFFE
_OLE_MAX_DIR_SECTORS = 64  # the streams we look for are children of the root, in the first sectors
_OLE_MAX_READS = 512  # bound on FAT/DIFAT sector reads for one file


def _classify_ole(opener: _Opener) -> FileKind:
    try:
        with opener() as f:
            names = _ole_stream_names(f)
    except (OSError, ValueError, struct.error):
        return FileKind.OLE
    if names is None:
        return FileKind.OLE
    if {"encryptioninfo", "encryptedpackage"} & names:
        return FileKind.OLE_ENCRYPTED
    if {"workbook", "book"} & names:
        return FileKind.XLS
    if "worddocument" in names:
        return FileKind.DOC
    if "powerpoint document" in names:
        return FileKind.PPT
    return FileKind.OLE


def _ole_stream_names(f: BinaryIO) -> set[str] | None:
    """Case-folded names of the storages and streams in a compound file's directory, or None.

    A minimal reader of [MS-CFB]: the header gives the sector size, the first directory sector and the
    first 109 FAT sector locations (the DIFAT); later FAT sectors are listed in a DIFAT sector chain. The
    directory is a chain of sectors in the FAT, each holding 128-byte entries whose first 64 bytes are the
    UTF-16LE name. Every loop is bounded, so a corrupt or hostile file cannot make this run long.
    """
    f.seek(0)
    hdr = f.read(512)
    if len(hdr) < 512 or not hdr.startswith(_OLE_MAGIC):
        return None
    shift = struct.unpack_from("<H", hdr, 0x1E)[0]
    if shift not in (9, 12):
        return None
    ssz = 1 << shift
    per_sector = ssz // 4
    dir_start: int = struct.unpack_from("<I", hdr, 0x30)[0]
    difat_next, n_difat = struct.unpack_from("<II", hdr, 0x44)
    difat: list[int] = list(struct.unpack_from("<109I", hdr, 0x4C))
    reads = 0

    def read_sector(sector: int) -> bytes:
        nonlocal reads
        reads += 1
        if reads > _OLE_MAX_READS or sector >= 0xFFFFFFFA:
            raise ValueError("OLE chain out of bounds")
        f.seek((sector + 1) * ssz)
        data = f.read(ssz)
        if len(data) < ssz:
            raise ValueError("OLE sector past end of file")
        return data

    def fat_sector_location(index: int) -> int:
        # Extend the DIFAT from its sector chain only as far as this index needs.
        nonlocal difat_next, n_difat
        while index >= len(difat) and difat_next not in (_OLE_ENDOFCHAIN, _OLE_FREESECT) and n_difat > 0:
            data = read_sector(difat_next)
            entries = struct.unpack_from(f"<{per_sector}I", data)
            difat.extend(entries[:-1])
            difat_next, n_difat = entries[-1], n_difat - 1
        if index >= len(difat):
            raise ValueError("FAT sector not listed")
        return difat[index]  # FREESECT here makes read_sector refuse it

    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(sector: int) -> int:
        index = sector // per_sector
        if index not in fat_cache:
            fat_cache[index] = struct.unpack_from(f"<{per_sector}I", read_sector(fat_sector_location(index)))
        return int(fat_cache[index][sector % per_sector])

    names: set[str] = set()
    sector, seen = int(dir_start), set[int]()
    while sector not in (_OLE_ENDOFCHAIN, _OLE_FREESECT) and len(seen) < _OLE_MAX_DIR_SECTORS:
        if sector in seen:  # a cycle in the chain
            break
        seen.add(sector)
        try:
            data = read_sector(sector)
        except ValueError:
            break  # keep what the readable sectors gave
        for off in range(0, ssz, 128):
            entry = data[off : off + 128]
            name_len, obj_type = struct.unpack_from("<HB", entry, 64)
            if obj_type in (1, 2, 5) and 2 <= name_len <= 64:
                names.add(entry[: name_len - 2].decode("utf-16-le", errors="replace").casefold())
        try:
            sector = next_sector(sector)
        except ValueError:
            break  # keep what the readable sectors gave
    return names


# ---- zip family ---------------------------------------------------------------------------------


def _classify_zip(head: bytes, ext: str, opener: _Opener) -> FileKind:
    # OpenDocument stores an uncompressed "mimetype" member first, so the local header in the head names
    # the document type without touching the central directory.
    if head[30:38] == b"mimetype":
        for mimetype, kind in _ODF_MIMETYPES:
            if head[38 : 38 + len(mimetype)] == mimetype:  # "-template" variants are the same kind
                return kind
    try:
        with opener() as f, zipfile.ZipFile(f) as zf:
            names = {n.replace("\\", "/").lower() for n in zf.namelist()}
    except Exception:  # any damage at all: the archive or office loader reads it and reports
        return _OOXML_EXT.get(ext, FileKind.ZIP)
    for part, kind in _OOXML_PARTS:
        if part in names:
            return kind
    # An OOXML name whose main part we did not find (a damaged or unusual writer): let the office loader
    # look at it and report, rather than unpack it as a plain archive.
    return _OOXML_EXT.get(ext, FileKind.ZIP)


# ---- text -----------------------------------------------------------------------------------------

# C0 controls and DEL, except tab, line ends, form feed (SAS listing pages), DOS EOF (0x1A) and ESC (ANSI
# colours in logs). C1 "controls" do not count: they are what latin-1 makes of the letters of a DOS or
# Mac code page (CP437 "Å" is 0x8F), while binary data is full of low bytes.
_BAD_CONTROL = lazy_compile(r"[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01  # random binary has ~9 % C0 control bytes; text has almost none


def _decode_text(head: bytes, *, truncated: bool) -> str | None:
    """The head decoded as text, or None when it is not text.

    UTF-8 (with or without a BOM; a multibyte character cut at the end of the head is fine) is tried
    first, then UTF-16 when a BOM says so, then cp1252 and latin-1. The legacy 8-bit decoders accept any
    byte, so a share of control characters decides there.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(
        codecs.BOM_UTF32_LE
    ):
        encoding = "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head[2:], final=not truncated)
        except UnicodeDecodeError:
            return None
        return text if _few_controls(text) else None
    if b"\x00" in head:
        return None
    data = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=not truncated)
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # cp1252 leaves five bytes undefined: DOS code pages use them
            text = data.decode("latin-1")
    return text if _few_controls(text) else None


def _few_controls(text: str) -> bool:
    if not text:
        return True
    return len(_BAD_CONTROL.findall(text)) <= _MAX_CONTROL_SHARE * len(text)


def _classify_text(text: str, ext: str, *, truncated: bool) -> FileKind:
    if ext in _CODE_EXT:
        return FileKind.CODE
    if ext in _DOC_EXT:
        # A markdown or LaTeX document is prose by the author's choice, even with pasted output in it
        # (lab notes): the text rules read it as a document.
        return FileKind.TEXT
    stripped = text.lstrip("\ufeff \t\r\n")
    if ext in _JSON_EXT and stripped[:1] in ("{", "["):
        return FileKind.JSON
    if _PX_START.match(stripped) and ("DATA=" in text or ext == ".px"):
        return FileKind.PX  # a PC-Axis cube: its keywords, then DATA
    markup = _markup_kind(stripped, ext)
    if markup is not None:
        return markup
    if stripped.startswith("#!"):
        return FileKind.CODE
    if ext in _CSV_EXT:
        return FileKind.CSV
    lines = _split_lines(text, truncated=truncated)
    if _looks_like_log(text):
        return FileKind.LOG
    if any(MARKDOWN_ALIGN.match(line) for line in lines[:400]):
        # a markdown pipe table (knitr::kable, gtsummary's as_kable(), pandas to_markdown()) saved from the
        # console, with the command above it: a note with a table in it, not a delimited file whose first
        # line is its header
        return FileKind.LOG if ext in _LOG_EXT else FileKind.TEXT
    if _looks_delimited(lines, ext, truncated=truncated, text=text):
        return FileKind.CSV
    if ext in _LOG_EXT:
        return FileKind.LOG
    return FileKind.TEXT


_PROLOG = lazy_compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S | re.I)
_FIRST_TAG = lazy_compile(r"<([A-Za-z_][\w.:-]*)(?=[\s/>])")
_CLOSING_TAG = lazy_compile(r"</[A-Za-z_][\w.:-]*\s*>|<[A-Za-z_][\w.:-]*[^<>]*/>")
_HTML_TAGS = frozenset(
    {"html", "head", "body", "table", "div", "p", "meta", "title", "link", "style", "script",
     # an HTML fragment saved as text (pandas' to_html() under a heading): "<h3>...</h3><table ...>"
     "h1", "h2", "h3", "h4", "h5", "h6", "span", "br", "hr", "ul", "ol", "li", "section", "article", "header",
     "footer", "main", "nav", "figure", "img", "pre", "center", "font", "b", "strong", "em", "caption"}
)
# An HTML table's cells: "<table ...>" then "<tr>" with "<td>"/"<th>" (no XML format names its elements so).
_HTML_TABLE_CELLS = lazy_compile(r"<table\b[^>]*>.*?<tr\b[^>]*>\s*<t[dh]\b", re.S | re.I)


def _markup_kind(stripped: str, ext: str) -> FileKind | None:
    """SVG, HTML or XML from the first element after an optional prolog, comments and doctype."""
    if ext in _HTML_EXT:
        return FileKind.HTML
    if not stripped.startswith("<"):
        return None
    window = stripped[:4096]
    prolog = _PROLOG.match(window)
    end = prolog.end() if prolog else 0
    doctype_html = re.search(r"<!DOCTYPE\s+html", window[:end], re.I) is not None
    tag = _FIRST_TAG.match(window, end)
    if tag is None:
        if doctype_html:
            return FileKind.HTML
        return FileKind.XML if window.startswith("<?xml") or ext in _XML_EXT else None
    local = tag.group(1).rsplit(":", 1)[-1].lower()
    if local == "svg":
        return FileKind.SVG
    if window.startswith("<?xml") and not doctype_html and local != "html":
        return FileKind.XML  # an XML export whose root is named like an HTML element (SAS's <TABLE>)
    if doctype_html or local in _HTML_TAGS or (not window.startswith("<?xml") and ext not in _XML_EXT
                                               and _HTML_TABLE_CELLS.search(window)):
        return FileKind.HTML
    if "<svg" in window[:1024] and ext == ".svg":
        return FileKind.SVG
    # "<DRAFT!>" or "<name@example.org>" at the top of a text file is not markup: an XML document has
    # a declaration, an XML name, or at least one well-formed closing tag early on.
    if window.startswith("<?xml") or ext in _XML_EXT or _CLOSING_TAG.search(window):
        return FileKind.XML
    return None


_LINE_BREAK = lazy_compile(r"\r\n|\r|\n")


def _split_lines(text: str, *, truncated: bool) -> list[str]:
    lines = _LINE_BREAK.split(text)
    if truncated and len(lines) > 1:
        lines.pop()  # the last line was cut by the head's end
    elif lines and lines[-1] == "":
        lines.pop()
    return lines


# Log and listing markers: (pattern, weight). A file is a log at a total weight of 3, so one strong
# marker suffices and weak ones must agree. Patterns are anchored at line starts: a table cell that
# happens to say "NOTE:" is not a log.
_LOG_THRESHOLD = 3
_M = re.M
_LOG_STRONG: tuple[re.Pattern[str], ...] = (
    lazy_compile(r"\A\s*\{smcl\}"),  # Stata SMCL log
    lazy_compile(r"^[\s\x0c\d]*The SAS System\b", _M),  # SAS log and listing page title
    lazy_compile(r"^\s*The [A-Z]+ Procedure\s*$", _M),  # SAS listing section heading
    lazy_compile(r"^NOTE: (?:SAS|The data set|There were|DATA statement used|PROCEDURE|Copyright)", _M),
    lazy_compile(r"^\s*(?:\{txt\})?(?:log type|opened on|closed on):\s", _M),  # Stata log header
    lazy_compile(r"^\s*name:\s+(?:\{res\})?<unnamed>", _M),
    lazy_compile(r"^end of do-file\s*$", _M),
    lazy_compile(r"^\s*___  ____  ____  ____  ____", _M),  # Stata banner
    lazy_compile(r"^R (?:version \d|Under development)", _M),  # R session banner
    lazy_compile(r"^R is free software and comes with ABSOLUTELY NO WARRANTY", _M),
    # pandas Series / DataFrame printout
    lazy_compile(r"^Name: [^\n]*, dtype: \w+\s*$|^dtype: \w+\s*$|^\[\d+ rows x \d+ columns\]\s*$", _M),
    lazy_compile(r"(?:\{(?:txt|res|com|err|inp)\}[^\n]*){2}"),  # SMCL tags without the {smcl} line
    # printed output saved as .txt/.out by hand or by a script (issue 11): headers only these tools print
    lazy_compile(r"^\s*Variable \|\s+Obs\s+Mean\s+Std\. [Dd]ev\.\s+Min\s+Max\s*$", _M),  # Stata summarize
    lazy_compile(r"^Summary for variables: \w+[^\n]*\n\s*(?:Group variable|by categories of): ", _M),  # tabstat
    lazy_compile(r"^\s*\S[^|\n]{0,40}\|\s+Freq\.\s+Percent\s+Cum\.\s*$", _M),  # Stata tabulate
    # Stata list: a box's top edge, then numbered rows between bars within a few lines ("1032. |  52  1 |")
    lazy_compile(r"^[ \t]*\+-{3,}[-+]*\+[ \t]*\n(?:[^\n]*\n){0,4}?[ \t]*\d+\.[ \t]+\|[^\n]*\|[ \t]*$", _M),
    lazy_compile(r"^[ \t]*Frequency[ \t]+Percent[ \t]+Valid Percent[ \t]+Cumulative Percent[ \t]*$", _M),  # SPSS
    lazy_compile(r"^[ \t]*(?:Case Processing Summary|Descriptive Statistics|[\w .]{1,60} Crosstabulation)[ \t]*$"
               r"(?=[\s\S]{0,2000}^[ \t]*(?:Valid|N|Total|Count)\b)", _M),  # SPSS table titles
    lazy_compile(r"^\s*(?:OLS|WLS|GLS|Logit|Probit|Poisson|GLM|QuantReg|MNLogit|Generalized Linear Model) "
               r"Regression Results\s*$|^\s*Generalized Linear Model Regression Results\s*$", _M),  # statsmodels
    lazy_compile(r"^'data\.frame':\s+\d+ obs\. of\s+\d+ variables?:\s*$|^# A tibble: [\d,]+ (?:x|×) \d+", _M),  # R
    lazy_compile(r"^Rows: [\d,]+[ \t]*\r?\nColumns: \d+[ \t]*\r?$", _M),  # dplyr's glimpse()
    lazy_compile(r"^[ \t]*Number of cases read:[ \t]+[\d,]+[ \t]+Number of cases listed:", _M),  # SPSS LIST
)
_SAS_STATEMENT = lazy_compile(
    r"^\d{1,6} {1,10}\+?(?:(?:data|proc|run|quit|set|%let|%macro|%mend|%put|%include|libname|filename|"
    r"options|ods|title\d?|footnote\d?|where|by|class|var|tables?|model|format|input|infile|datalines|cards|"
    r"keep|drop|length|label|retain|output|merge|if)\b|\*)",
    _M | re.I,
)
_STATA_ECHO = lazy_compile(r"^\. [A-Za-z_*/]", _M)  # ". summarize", ". * comment", ". /*"
_R_PROMPT = lazy_compile(r"^> [^\n]*(?:<-|\w\()", _M)  # "> fit <- lm(...)", "> summary(fit)"
#: One prompt is enough before a call only R makes, or a column taken with "$" (a quoted e-mail line is not
#: code): "> table(df$income)", "> summary(fit)".
R_STRONG_PROMPT = lazy_compile(r"^> [^\n]*(?:\w\$\w|\b(?:table|xtabs|ftable|addmargins|prop\.table|tapply|"
                             r"aggregate|summary|quantile|head|tail|str|glimpse|tabyl|count)\s*\()", _M)
_LOG_WEAK: tuple[tuple[re.Pattern[str], int, int], ...] = (
    # (pattern, minimum hits, weight)
    (lazy_compile(r"^NOTE: ", _M), 2, 2),
    (lazy_compile(r"^(?:ERROR|WARNING): ", _M), 1, 1),
    (_SAS_STATEMENT, 2, 2),
    (_STATA_ECHO, 3, 2),
    (_STATA_ECHO, 8, 1),  # many echoed commands on their own are enough
    (lazy_compile(r"^\s*-{3,}\+-{3,}", _M), 1, 1),  # Stata / SAS table rule
    (lazy_compile(r"^\x0c", _M), 1, 1),  # listing page break
    (lazy_compile(r"^\s*Obs {2,}\S", _M), 1, 1),  # PROC PRINT header
    (_R_PROMPT, 2, 2),  # with the single prompt below: two R commands make a transcript
    (R_STRONG_PROMPT, 1, 2),
    # one R command continued over lines: "> pop %>%" then "+   tabyl(aldgrp, koen) %>%"
    (lazy_compile(r"^> [^\n]*(?:%>%|\|>|<-|\w\(|,)[ \t]*\n\+ [^\n]*(?:\w\(|%>%|\|>)", _M), 1, 3),
    # Python and IPython consoles: ">>> df.head()", "In [3]: df.head()" / "Out[3]:"
    (lazy_compile(r"^>>> [^\n]*(?:\w\(|=|\.\w)", _M), 2, 3),
    # one prompt before a pandas or polars call is enough: ">>> df.loc[df.loen > 5e6, 'lopnr'].tolist()"
    (lazy_compile(r"^>>> [^\n]*(?:\.(?:loc|iloc)\[|\bpd\.|\bpl\.|\.(?:groupby|group_by|value_counts|tolist|"
                r"to_list|head|tail|describe|unique|crosstab|pivot_table|agg|sample|query|nlargest|nsmallest|"
                r"to_string|sort_values|filter|select)\()", _M), 1, 3),
    (lazy_compile(r"^In \[\d+\]: \S", _M), 2, 3),
    # one IPython cell with its output: "In [12]: ..." then "Out[12]:" within a few lines
    (lazy_compile(r"^In \[(\d+)\]: \S[^\n]*\n(?:[^\n]*\n){0,3}?Out\[\1\]:", _M), 1, 3),
    (lazy_compile(r"^Out\[\d+\]:", _M), 1, 1),
    (lazy_compile(r"^(?:Call:|Signif\. codes:|Residual standard error:|Coefficients:)", _M), 1, 1),
    # printed output saved as .txt/.out: R's vector print, Stata's counts after a command, SPSS commands,
    # Python's logging and pandas' frame footers
    (lazy_compile(r"^ *\[1\] \S", _M), 2, 1),
    (lazy_compile(r"^> [^\n]*\w\(", _M), 1, 1),
    (lazy_compile(r"^\(\d[\d,]* (?:observations? (?:deleted|created)|real changes? made|missing values? generated)\)",
                _M), 1, 2),
    (lazy_compile(r"^(?:GET FILE|FREQUENCIES|CROSSTABS|DESCRIPTIVES|REGRESSION|COMPUTE|RECODE|SELECT IF)\b", _M), 2, 2),
    (lazy_compile(r"^\s*(?:Valid|Missing)\s+\S.*\d", _M), 2, 1),  # SPSS frequency rows
    (lazy_compile(r"^(?:INFO|WARNING|DEBUG|ERROR|CRITICAL):[\w.]+:", _M), 2, 2),  # Python logging's default format
    # a time stamp and a level: Python's logging with asctime ("2024-04-05 08:11:02,114 INFO ..."; its comma
    # would otherwise make the file a CSV), log4j, loguru, R's logger and futile.logger
    (lazy_compile(r"^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?\]?\s*(?:[-|:]\s*)?\[?(?:INFO|WARNING|WARN|"
                  r"DEBUG|ERROR|CRITICAL|FATAL|TRACE|NOTICE)\b", _M), 2, 3),
    (lazy_compile(r"^\s*(?:count|mean|std|min|25%|50%|75%|max)\s+-?\d", _M), 6, 3),  # pandas describe()
    # R's Hmisc describe() ("n  missing distinct  Info  Mean") and skimr's skim() ("── Data Summary ──")
    (lazy_compile(r"^\s*n\s+missing\s+distinct\b", _M), 1, 2),
    (lazy_compile(r"^\W*Data Summary\s*\W*$|^\s*\d*\s*skim_variable\s+n_missing\b", _M), 1, 3),
)


def _looks_like_log(text: str) -> bool:
    """True when the text carries the markers of a statistics package's log, listing or printout."""
    if any(p.search(text) for p in _LOG_STRONG):
        return True
    score = 0
    for pattern, min_hits, weight in _LOG_WEAK:
        if sum(1 for _ in itertools.islice(pattern.finditer(text), min_hits)) >= min_hits:
            score += weight
            if score >= _LOG_THRESHOLD:
                return True
    return False


_DELIMITERS = (",", ";", "\t", "|")
# A markdown table's alignment row under its header: "|:---|:---:|", "---|---:"
MARKDOWN_ALIGN = lazy_compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_MAX_TITLE_LINES = 5  # StatBank, PxWeb and NZ.Stat exports put title and unit lines above the header
_MIN_CONSISTENT = 0.8  # share of body lines that must have the modal field count
_MAX_WORDS_PER_FIELD = 4.0  # prose split at commas gives long fields; table cells are short
_WS_TOKEN = lazy_compile(r'"(?:[^"]|"")*"|[^\s"]+')
_QUOTED_HEADER = lazy_compile(r'^\s*"[^"]*"(?:[ \t]+"[^"]*")+\s*$')
_SENTENCE_END = lazy_compile(r"[^\W\d_]{2}[.!?:][\"')\u201d]?\s*$")
_NUMBER = lazy_compile(r"^[-+]?(?:\d+[.,]?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$|^NA$|^\.$")


def _looks_delimited(lines: list[str], ext: str, *, truncated: bool, text: str) -> bool:
    """True when most lines split into the same number (>= 2) of fields on one delimiter."""
    rows = [ln for ln in lines if ln.strip()]
    if len(rows) < 2:
        # One line longer than the head (a very wide table): many delimiters and short fields.
        first = _LINE_BREAK.split(text, maxsplit=1)[0]
        if truncated and len(rows) <= 1 and len(first) >= HEAD_SIZE // 2:
            return any(
                first.count(d) >= 20 and _words_per_field(first.split(d)) <= _MAX_WORDS_PER_FIELD
                for d in _DELIMITERS
            )
        return False
    rows = rows[:400]
    # Program code is indented and its lists and dicts put one separator on every line; table rows are
    # not indented (a single leading space, as in NZ.Stat's blank row labels, is fine).
    # Prose wrapped at one comma a line would pass the count test: its lines end like sentences.
    sentences = sum(1 for r in rows if _SENTENCE_END.search(r)) > len(rows) // 2
    indented = sum(1 for r in rows if r.startswith(("  ", "\t")))
    spaces = sum(1 for r in rows if r.startswith("  "))
    for delim in _DELIMITERS:
        if not any(delim in r for r in rows):
            continue
        if (spaces if delim == "\t" else indented) > len(rows) // 2:
            continue
        if delim == "," and _aligned_with_decimal_commas(rows):
            continue
        try:
            parsed = list(csv.reader(rows, delimiter=delim))
        except csv.Error:
            continue
        if (
            _consistent([len(r) for r in parsed])
            and _words_per_field([c for r in parsed for c in r]) <= _MAX_WORDS_PER_FIELD
            and not sentences
        ):
            return True
    return _whitespace_table(rows, ext)


# A decimal comma (digits on both sides) and a gap of aligned columns.
_DECIMAL_COMMA = lazy_compile(r"\d,\d")
_ALIGNED_GAP = lazy_compile(r"\S {2,}\S")


def _aligned_with_decimal_commas(rows: list[str]) -> bool:
    """Whether the commas of the rows are decimal marks in columns aligned by spaces (a printed table with
    "0,182" under "Andel"): most rows with a comma have a gap of two spaces or more between fields, and in
    those nearly every comma has a digit on both sides (the notes around the table write commas in their
    sentences). Such a file does not split at its commas."""
    with_comma = [r for r in rows if "," in r]
    aligned = [r for r in with_comma if _ALIGNED_GAP.search(r)]
    if len(aligned) < 2 or len(aligned) < 0.6 * len(with_comma):
        return False
    commas = sum(r.count(",") for r in aligned)
    return sum(len(_DECIMAL_COMMA.findall(r)) for r in aligned) >= 0.9 * commas


def _consistent(counts: list[int]) -> bool:
    """Modal field count >= 2 on most lines, after up to five shorter title lines."""
    mode_count = collections.Counter(counts).most_common()
    top = max(n for _, n in mode_count)
    k = max(c for c, n in mode_count if n == top)  # ties: the wider layout is the table
    if k < 2:
        return False
    titles = 0
    while titles < min(_MAX_TITLE_LINES, len(counts)) and counts[titles] < k:
        titles += 1
    body = counts[titles:]
    return len(body) >= 2 and sum(c == k for c in body) >= _MIN_CONSISTENT * len(body)


def _words_per_field(fields: list[str]) -> float:
    filled = [f for f in fields if f.strip()]
    if not filled:
        return 0.0
    return sum(len(f.split()) for f in filled) / len(filled)


def _whitespace_table(rows: list[str], ext: str) -> bool:
    """R ``write.table`` output (quoted header, fields separated by spaces, optional row names), or a
    whitespace-aligned mostly numeric table under a .dat/.prn name."""
    if _QUOTED_HEADER.match(rows[0]):
        n = len(_WS_TOKEN.findall(rows[0]))
        body = rows[1:]
        ok = sum(len(_WS_TOKEN.findall(r)) in (n, n + 1) for r in body)
        return ok >= _MIN_CONSISTENT * len(body)
    if ext in _WS_TABLE_EXT:
        tokens = [_WS_TOKEN.findall(r) for r in rows]
        cells = [t for row in tokens for t in row]
        numeric = sum(1 for t in cells if _NUMBER.match(t))
        return _consistent([len(t) for t in tokens]) and numeric >= 0.5 * len(cells)
    return False


