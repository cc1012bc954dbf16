"""Format readers, each registered for the :class:`~scanner.discover.FileKind` values it reads.

A reader turns a :class:`~scanner.sources.Source` into parts and never makes findings: what it could not
read it reports as value-free :class:`Problem` records, and the engine (``scanner.api``) hands those to the
FIL rules. Registration is explicit, like the rule families: a module decorates its reader with
:func:`reader`, and :func:`_load` below imports every format module by name (no package scanning, no entry
points). Adding a format is one new module and one line in :func:`_load`.

Today the one registered format is :mod:`scanner.formats.archive` (zip, tar, gzip, bzip2, xz), whose part
is a :class:`ContainerPart`: the archive's members, each a Source of its own that the engine classifies
and scans like a file. Tables, text and workbooks are still read by ``scanner.loaders`` from paths.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.discover import FileKind
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
    "reader",
    "reader_for",
    "readers",
]


class ProblemKind(enum.Enum):
    """Why part of a container was not read (or was read with a caveat); the engine maps each to a rule."""

    DAMAGED = "damaged"  # FIL001: cannot be parsed or decompressed
    LIMIT = "limit"  # FIL003: a size, ratio, count or depth limit stopped the reading
    UNSAFE_NAME = "unsafe-name"  # FIL003: a member name with `..` or an absolute path (never followed)
    NOT_FOLLOWED = "not-followed"  # FIL003: a link or device entry (never followed)
    ENCRYPTED = "encrypted"  # FIL004


@dataclass(frozen=True, slots=True)
class Problem:
    """A value-free reason: it never holds content, and member names go in locations, not here."""

    kind: ProblemKind
    reason: str


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


@dataclass(slots=True)
class Member:
    """One member of a container. ``source`` is None when its content was not read (``problems`` say
    why, with the declared size where it matters); ``size`` is the bytes read, so 0 then. ``name`` is the
    name as stored: display only, never a path."""

    name: str
    size: int
    source: Source | None
    problems: list[Problem] = field(default_factory=list)
    encrypted: bool = False


@dataclass(slots=True)
class ContainerPart:
    """An archive's members, read lazily and in archive order. ``problems`` concern the archive as a
    whole and are complete once :attr:`members` is exhausted."""

    members: Iterator[Member]
    problems: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# The registry

ReadFunc = Callable[[Source, FileKind, ReadContext], Any]


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A registered reader: its name, the kinds it reads and the function."""

    name: str
    kinds: frozenset[FileKind]
    read: ReadFunc


_READERS: dict[FileKind, ReaderSpec] = {}


def reader(name: str, *kinds: FileKind) -> Callable[[ReadFunc], ReadFunc]:
    """Register ``func`` as the reader of ``kinds``; a kind read by two readers is a programming error."""

    def register(func: ReadFunc) -> ReadFunc:
        spec = ReaderSpec(name, frozenset(kinds), func)
        for kind in kinds:
            if kind in _READERS:
                raise ValueError(f"{kind.value} files already have the reader {_READERS[kind].name}")
            _READERS[kind] = spec
        return func

    return register


def _load() -> None:
    """Import every format module (each registers its reader on import). The list is every format there is."""
    from scanner.formats import archive  # noqa: F401  (explicit registration)


def reader_for(kind: FileKind) -> ReaderSpec | None:
    """The reader registered for ``kind``, or None."""
    _load()
    return _READERS.get(kind)


def readers() -> list[ReaderSpec]:
    """Every registered reader, by name."""
    _load()
    return sorted({id(s): s for s in _READERS.values()}.values(), key=lambda s: s.name)
