"""Format readers, each registered for the :class:`~scanner.discover.FileKind` values it reads.

A reader turns a :class:`~scanner.sources.Source` into parts and never makes findings: what it could not
read it reports as value-free :class:`Problem` records, and the engine (``scanner.api``) hands those to the
FIL rules. Registration is explicit, like the rule families: a module decorates its reader with
:func:`reader`, and :func:`_load` below imports every format module by name (no package scanning, no entry
points). Adding a format is one new module and one line in :func:`_load`.

Registered formats: :mod:`~scanner.formats.archive` (zip, tar, gzip, bzip2, xz: a :class:`ContainerPart`
of members, each a Source the engine classifies and scans like a file); :mod:`~scanner.formats.delimited`
(CSV and other delimited text), :mod:`~scanner.formats.columnar` (Parquet),
:mod:`~scanner.formats.arrow_ipc` (Arrow IPC / Feather), :mod:`~scanner.formats.json_records` (JSON records),
:mod:`~scanner.formats.pcaxis` (PC-Axis cubes) and
:mod:`~scanner.formats.statfiles` (SAS, Stata, SPSS), each a :class:`TablePart` that ``sdcscan scan`` and
``sdcscan table`` both open (the choice of reader by file kind is made here and nowhere else). The parsing
itself lives in ``scanner.loaders``. Text, logs, programs, workbooks, documents and figures are still read
by their handlers in ``scanner.api`` from paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.discover import FileKind
from scanner.document import ContainerPart, Member, Problem, ProblemKind, TablePart
from scanner.sources import Source

__all__ = [
    "ArchiveLimits",
    "Budget",
    "ContainerPart",
    "Member",
    "Problem",
    "ProblemKind",
    "ReadContext",
    "ReaderSpec",
    "TablePart",
    "container_reader_for",
    "open_table",
    "reader",
    "reader_for",
    "readers",
    "table_kinds",
    "table_part",
]


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Limits on reading one archive, nested archives included (from ``[rules.FIL003]``)."""

    max_total_bytes: int  # uncompressed bytes read from one archive on disk, all nesting levels together
    max_ratio: float  # uncompressed / compressed, per member (zip) or per stream (gz, bz2, xz)
    ratio_min_bytes: int  # the ratio counts only above this many uncompressed bytes
    max_depth: int  # archives inside archives: "a.zip!b.zip!c.csv" is depth 2
    max_members: int  # members of one archive on disk, all nesting levels together
    memory_bytes: int = 16 << 20  # members up to this size stay in memory; larger ones are spilled


class Budget:
    """What is left of the limits while one archive on disk (and everything nested in it) is read.

    ``stop(reason)`` ends the reading of the whole tree: every reader checks :attr:`stopped` between
    members. The first reason wins.
    """

    __slots__ = ("bytes_left", "limits", "members_left", "stopped")

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.bytes_left = limits.max_total_bytes
        self.members_left = limits.max_members
        self.stopped: str | None = None

    def stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason


@dataclass(slots=True)
class ReadContext:
    """What a reader needs besides the source: the limits' budget and where it may spill large members.

    ``spill_dir`` is a private temporary directory outside the scanned tree; the engine creates it and
    removes it afterwards.
    """

    budget: Budget
    spill_dir: Path
    depth: int = 0  # of the archive being read: 0 for a file on disk
    _serial: list[int] = field(default_factory=lambda: [0])

    def next_serial(self) -> int:
        """A number unique within this context, for spill file names."""
        self._serial[0] += 1
        return self._serial[0]

    def nested(self) -> ReadContext:
        """The context for an archive inside the one being read (same budget and spill directory)."""
        return ReadContext(self.budget, self.spill_dir, self.depth + 1, self._serial)


# --------------------------------------------------------------------------------------------------
# The registry

ReadFunc = Callable[[Source, FileKind, "ReadContext | None"], Any]


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A registered reader: its name, the kinds it reads and the function. A ``container`` reader returns a
    :class:`ContainerPart` (and needs a :class:`ReadContext`); the others return the document's part."""

    name: str
    kinds: frozenset[FileKind]
    read: ReadFunc
    container: bool = False
    #: the kinds ``sdcscan table`` reads from this reader's TablePart (``columns()``), with the format name
    #: its MicrodataReader reports ("csv", "parquet", "dta")
    microdata: Mapping[FileKind, str] = field(default_factory=dict)
    #: file name extensions ("".parquet"") that name these kinds when the content does not (a damaged file)
    extensions: Mapping[str, FileKind] = field(default_factory=dict)


_READERS: dict[FileKind, ReaderSpec] = {}


def reader(name: str, *kinds: FileKind, container: bool = False, microdata: Mapping[FileKind, str] | None = None,
           extensions: Mapping[str, FileKind] | None = None) -> Callable[[ReadFunc], ReadFunc]:
    """Register ``func`` as the reader of ``kinds``; a kind read by two readers is a programming error.
    ``microdata`` and ``extensions``: see :class:`ReaderSpec`."""

    def register(func: ReadFunc) -> ReadFunc:
        spec = ReaderSpec(name, frozenset(kinds), func, container, dict(microdata or {}), dict(extensions or {}))
        for kind in kinds:
            if kind in _READERS:
                raise ValueError(f"{kind.value} files already have the reader {_READERS[kind].name}")
            _READERS[kind] = spec
        return func

    return register


def _load() -> None:
    """Import every format module (each registers its reader on import). The list is every format there is."""
    from scanner.formats import (  # noqa: F401  (explicit registration)
        archive,
        arrow_ipc,
        columnar,
        delimited,
        json_records,
        pcaxis,
        sqlite,
        statfiles,
        xml_records,
    )


def reader_for(kind: FileKind) -> ReaderSpec | None:
    """The reader registered for ``kind``, or None."""
    _load()
    return _READERS.get(kind)


def table_kinds() -> frozenset[FileKind]:
    """The kinds a registered reader reads as a table (:class:`TablePart`): every reader that is not a
    container's."""
    _load()
    return frozenset(kind for kind, spec in _READERS.items() if not spec.container)


def microdata_formats() -> dict[FileKind, str]:
    """The kinds ``sdcscan table`` reads, each with its format name (from the registered readers)."""
    _load()
    return {k: f for spec in _READERS.values() for k, f in spec.microdata.items()}


def microdata_extensions() -> dict[str, FileKind]:
    """File name extensions of the kinds ``sdcscan table`` reads (from the registered readers)."""
    _load()
    return {e: k for spec in _READERS.values() for e, k in spec.extensions.items()}


def container_reader_for(kind: FileKind) -> ReaderSpec | None:
    """The reader registered for ``kind`` when it reads a container (an archive), else None."""
    spec = reader_for(kind)
    return spec if spec is not None and spec.container else None


def table_part(source: Source, kind: FileKind) -> TablePart:
    """The table of ``source``, read by the reader registered for ``kind``; LoadError when no reader reads
    ``kind`` as a table."""
    from scanner.loaders.base import LoadError

    spec = reader_for(kind)
    part = spec.read(source, kind, None) if spec is not None and not spec.container else None
    if not isinstance(part, TablePart):
        raise LoadError(f"no table reader for {kind.value} files")
    return part


def open_table(path: Path) -> TablePart:
    """The table in the microdata file at ``path`` (``sdcscan table``): its kind by content, then extension
    (:func:`scanner.loaders.columns.detect_kind`), read by the registered reader."""
    from scanner.loaders.columns import detect_kind
    from scanner.sources import SourceRef

    path = Path(path)
    return table_part(Source(SourceRef(str(path)), path=path), detect_kind(path))


def file_path(source: Source) -> Path:
    """The path of a Source on disk, for readers whose libraries open files themselves (Arrow, polars,
    ReadStat); a member in memory is spilled by the engine before it reaches them."""
    from scanner.loaders.base import LoadError

    if source.path is None:
        raise LoadError("this format is read from a file, and the content was only in memory")
    return source.path


def readers() -> list[ReaderSpec]:
    """Every registered reader, by name."""
    _load()
    return sorted({id(s): s for s in _READERS.values()}.values(), key=lambda s: s.name)
