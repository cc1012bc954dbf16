"""What a scan finds: the kinds of file it tells apart, and one found file."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

HEAD_SIZE = 8192
"""Bytes read from the start of a file to classify it."""


class FileKind(enum.StrEnum):
    """What a file is, decided from its content first and its extension second."""

    CSV = "csv"  # delimited text table
    TEXT = "text"  # plain text, markdown, anything textual not otherwise classified
    LOG = "log"  # statistical software logs and listings (SAS, Stata, SMCL, R transcripts, printouts)
    CODE = "code"  # program code, by extension
    PARQUET = "parquet"
    ZIP = "zip"  # a zip that is not an office document
    XLSX = "xlsx"
    XLSB = "xlsb"
    DOCX = "docx"
    PPTX = "pptx"
    ODS = "ods"  # OpenDocument spreadsheet (LibreOffice)
    ODT = "odt"  # OpenDocument text
    ODP = "odp"  # OpenDocument presentation
    OLE = "ole"  # compound file that is none of the kinds below
    XLS = "xls"  # legacy BIFF workbook (OLE with a Workbook/Book stream)
    DOC = "doc"  # legacy Word document (OLE with a WordDocument stream)
    PPT = "ppt"  # legacy PowerPoint (OLE with a "PowerPoint Document" stream)
    OLE_ENCRYPTED = "ole-encrypted"  # password-protected OOXML document inside an OLE container
    PDF = "pdf"
    SVG = "svg"
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    TIFF = "tiff"
    BMP = "bmp"
    WEBP = "webp"
    STATA_GRAPH = "gph"  # Stata graph: a live graph keeps the data it plots (sersets)
    POSTSCRIPT = "postscript"  # PostScript / EPS figures (Stata and SAS can export them)
    RTF = "rtf"  # rich text (SAS ODS RTF output, Word exports)
    SAS7BDAT = "sas7bdat"
    SAS7BCAT = "sas7bcat"  # SAS format catalog
    XPT = "xpt"  # SAS transport, v5 or v8
    SAS_CPORT = "sas-cport"  # SAS PROC CPORT transport file: not the XPT format, no open reader exists
    DTA = "dta"
    SAV = "sav"  # SPSS system file, plain or zlib-compressed (.zsav)
    POR = "por"  # SPSS portable
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"
    ZSTD = "zstd"
    SEVENZ = "7z"
    TAR = "tar"
    RDATA = "rdata"  # R workspace or serialized object (.RData, .rda, .rds)
    SQLITE = "sqlite"
    DUCKDB = "duckdb"
    FEATHER = "feather"  # Arrow IPC file / Feather v1 and v2
    HDF5 = "hdf5"  # HDF5 (.h5, NetCDF-4)
    MAT = "mat"  # MATLAB .mat file (v5, and v7.3: HDF5 behind a MATLAB text header)
    HTML = "html"
    XML = "xml"
    JSON = "json"
    PX = "px"  # PC-Axis cube (PX-Web)
    EMPTY = "empty"  # zero bytes
    ENCRYPTED = "encrypted"  # an encrypted archive member: its content cannot be read or classified
    UNREAD = "unread"  # an archive member whose content was not read (a link, or over a limit)
    BINARY = "binary"  # anything else non-textual


@dataclass(frozen=True, slots=True)
class DiscoveredFile:
    """One file found by :func:`discover`.

    ``relpath`` is the POSIX path shown in reports: relative to the parent of the root argument, so
    scanning ``/data/export`` gives ``export/res.csv``; a file argument gives its file name. ``error`` is
    set when the file cannot be read, and is one of ``"permission denied"``, ``"symlink loop"``,
    ``"broken symlink"``, ``"not a regular file"`` or ``"I/O error: <errno name>"``; it never holds file
    content. A directory that cannot be listed, and a symlinked directory that would loop, are yielded as
    one entry each with ``kind`` :attr:`FileKind.BINARY` and the error set.

    ``hash`` is the content hash (``blake3:<hex>``, see :mod:`scanner.sources`) when the bytes read to
    classify the file were the whole file (at most :data:`HEAD_SIZE` bytes): a small file is then hashed
    without a read of its own. The scan hashes larger files itself.
    """

    path: Path
    relpath: str
    kind: FileKind
    size: int
    error: str | None = None
    hash: str | None = None

    def __post_init__(self) -> None:
        # A name of bytes that are not UTF-8 comes from the OS with surrogates ("tabel_\udcf8.csv"); reports,
        # fingerprints and JSON need text: the shown path spells such bytes as "\xf8" (``path`` keeps them)
        if any("\udc80" <= ch <= "\udcff" for ch in self.relpath):
            shown = self.relpath.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            object.__setattr__(self, "relpath", shown)


class DiscoveryError(Exception):
    """A path argument does not exist at all (a usage error, not a finding)."""


