"""What a reader hands to the engine: the parts of a document.

A format reader (:mod:`scanner.formats`) turns a :class:`~scanner.sources.Source` into parts and never makes
findings; the engine analyses each part and runs the rules on what the analysis found. The parts:

- :class:`TablePart`: a table (a CSV file, a Parquet or SAS/Stata/SPSS data set): its rows as Arrow record
  batches for the table analysis and the identifier kernels (``rows()``), and, for ``sdcscan table``, its
  columns typed and streamed a few at a time (``columns()``). Both are opened on demand and read the file
  from its start: the scan reads the rows once (``scanner.sources.shared_view``), ``sdcscan table`` reads
  the columns it tabulates.
- :class:`ContainerPart`: an archive's members, each a Source of its own that the engine classifies and
  scans like a file.

Problems are value-free: a reader says what it could not read, never what the content was.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner.discover import FileKind
from scanner.sources import Source

if TYPE_CHECKING:
    from scanner.loaders.base import TabularSource
    from scanner.loaders.columns import MicrodataReader

__all__ = ["ContainerPart", "Member", "Problem", "ProblemKind", "TablePart"]


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
    #: text the archive carries beside its members (a zip's comment and its members' comments), complete
    #: once :attr:`members` is exhausted: scanned for identifiers
    comments: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TablePart:
    """A table in a file: ``rows()`` opens its rows as Arrow batches (a
    :class:`~scanner.loaders.base.TabularSource`: every column, as the file writes it, for the table
    analysis and the identifier scan); ``columns()`` opens its columns for streaming a few at a time with
    stable types (a :class:`~scanner.loaders.columns.MicrodataReader`, for ``sdcscan table``). Either raises
    :class:`~scanner.loaders.base.LoadError` with a value-free reason when the file cannot be read."""

    kind: FileKind
    rows: Callable[[], TabularSource]
    columns: Callable[[], MicrodataReader]
