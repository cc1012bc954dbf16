"""Walk the paths of a scan, in a deterministic order, classifying each file as it is found.

:func:`discover` walks the arguments and yields one :class:`DiscoveredFile` per file, in a deterministic
order. A file that cannot be read is not skipped: it is yielded with :attr:`DiscoveredFile.error` set so
the scan can report it (fail closed). This module only reads; it writes nothing anywhere.

It imports only the standard library (and :mod:`scanner.sources`, which does too), because the CLI
imports it on every run.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import logging
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from scanner.discover.classify import classify_content
from scanner.discover.kinds import HEAD_SIZE, DiscoveredFile, DiscoveryError, FileKind
from scanner.sources import format_digest, new_hasher

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# Walking


def discover(
    paths: Sequence[Path | str], *, follow_symlinks: bool = True, exclude: Sequence[str] = ()
) -> Iterator[DiscoveredFile]:
    """Yield every file under ``paths``, classified, in a deterministic order.

    Roots come in argument order; within a root, entries are sorted by ``relpath``. Root arguments are
    always followed if they are symlinks (they were named on purpose). Below a root, symlinks are followed
    when ``follow_symlinks`` is true; a symlinked directory whose target was already visited in this root
    (a loop, or a second way into the same directory) is yielded once as an error entry instead of being
    walked again. With ``follow_symlinks`` false a symlink is yielded as ``"not a regular file"`` (or
    ``"broken symlink"``), never read.

    ``exclude`` holds glob patterns (:mod:`fnmatch`, ``*`` also matches ``/``) tested against each
    entry's ``relpath``, its path below the root, and its own name, so ``".git"``, ``"__pycache__"``,
    ``"*.tmp"`` and ``"export/scratch/*"`` all work; an excluded directory is not entered. Root
    arguments themselves are never excluded.

    Raises :class:`DiscoveryError` at call time, before anything is yielded, when an argument does not
    exist. Unreadable files and directories, FIFOs, sockets and devices are yielded with ``error`` set
    (devices and FIFOs are never opened).
    """
    if isinstance(paths, (str, bytes, os.PathLike)):  # a lone path would be walked character by character
        raise TypeError("discover() takes a sequence of paths, not a single path")
    roots: list[tuple[Path, os.stat_result | str]] = []
    for raw in paths:
        root = Path(os.path.abspath(os.fspath(raw)))  # keep symlink names: reports show what was asked
        lst: os.stat_result | str
        try:
            lst = os.lstat(root)
        except (FileNotFoundError, NotADirectoryError):
            raise DiscoveryError(f"path does not exist: {os.fspath(raw)}") from None
        except OSError as exc:  # e.g. a parent we may not search: reported as an entry, not a usage error
            lst = error_text(exc)
        roots.append((root, lst))
    walker = _Walker(follow_symlinks=follow_symlinks, exclude=exclude)
    return walker.walk_roots(roots)


def exclude_pattern(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression for the ``--exclude`` globs (:mod:`fnmatch`; ``*`` also matches ``/``)."""
    pats = [p.rstrip("/") for p in patterns if p.rstrip("/")]
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in pats)) if pats else None


def excluded(rx: re.Pattern[str] | None, relpath: str, below_root: str, name: str) -> bool:
    """Whether an entry is excluded: its relpath, its path below the root or its own name matches."""
    return rx is not None and bool(rx.match(relpath) or rx.match(below_root) or rx.match(name))


def error_text(exc: OSError) -> str:
    """The fixed error vocabulary of :class:`DiscoveredFile`: never a path or file content."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    name = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else "unknown"
    return f"I/O error: {name}"


@dataclass(slots=True)
class _Plan:
    """What to do with one directory entry, decided when its parent is listed."""

    key: str  # sort key: the name, plus "/" for a directory that will be walked (see _Walker.walk_dir)
    path: Path
    relpath: str
    action: Literal["file", "dir", "error"]
    error: str | None = None
    below: str = ""  # path below the root, for excludes inside a walked directory
    dev_ino: tuple[int, int] = (0, 0)  # of a directory that will be walked


class _Walker:
    def __init__(self, *, follow_symlinks: bool, exclude: Sequence[str]) -> None:
        self.follow = follow_symlinks
        self.exclude = exclude_pattern(exclude)
        self.visited: set[tuple[int, int]] = set()

    def excluded(self, relpath: str, below_root: str, name: str) -> bool:
        return excluded(self.exclude, relpath, below_root, name)

    def walk_roots(self, roots: list[tuple[Path, os.stat_result | str]]) -> Iterator[DiscoveredFile]:
        for root, lst in roots:
            self.visited = set()  # per root: overlapping roots are each walked in full
            count = 0
            for found in self.walk_root(root, lst):
                count += 1
                yield found
            logger.debug("discovered %d entries under %s", count, root.name)

    def walk_root(self, root: Path, lst: os.stat_result | str) -> Iterator[DiscoveredFile]:
        name = root.name
        if isinstance(lst, str):  # the argument could not even be stat'ed
            yield DiscoveredFile(root, name, FileKind.BINARY, 0, lst)
            return
        st = lst
        if stat.S_ISLNK(lst.st_mode):
            try:
                st = os.stat(root)
            except (FileNotFoundError, NotADirectoryError):
                yield DiscoveredFile(root, name, FileKind.BINARY, 0, "broken symlink")
                return
            except OSError as exc:
                yield DiscoveredFile(root, name, FileKind.BINARY, 0, error_text(exc))
                return
        if stat.S_ISDIR(st.st_mode):
            dev_ino = (st.st_dev, st.st_ino)
            self.visited.add(dev_ino)
            yield from self.walk_dir(root, name, "", (dev_ino,))
        elif stat.S_ISREG(st.st_mode):
            yield self.read_file(root, name)
        else:
            yield DiscoveredFile(root, name, FileKind.BINARY, 0, "not a regular file")

    def walk_dir(
        self, directory: Path, relpath: str, below_root: str, ancestors: tuple[tuple[int, int], ...]
    ) -> Iterator[DiscoveredFile]:
        """Yield the entries under ``directory`` in relpath order.

        Entries are processed sorted by name, with "/" appended to the names of directories that will be
        walked: that makes this depth-first walk yield exactly the relpath string order ("a.txt" before
        "a/b.csv", as '.' < '/'). A directory that yields a single error entry instead sorts by its bare
        name, so whether a subdirectory can be listed is probed when its parent is listed.
        """
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:  # the root itself, or a directory that changed since it was probed
            yield DiscoveredFile(directory, relpath, FileKind.BINARY, 0, error_text(exc))
            return
        plans: list[_Plan] = []
        links: list[tuple[os.DirEntry[str], str, str]] = []
        for entry in entries:
            rel = f"{relpath}/{entry.name}" if relpath else entry.name
            below = f"{below_root}/{entry.name}" if below_root else entry.name
            if self.excluded(rel, below, entry.name):
                continue
            try:
                is_link = entry.is_symlink()
            except OSError as exc:
                plans.append(_Plan(entry.name, Path(entry.path), rel, "error", error_text(exc)))
                continue
            if is_link:
                links.append((entry, rel, below))
            else:
                plans.append(self.plan_real(entry, rel, below, ancestors))
        # Symlinks are planned after the real subdirectories are claimed: a link to a sibling directory
        # is a second way in, and the real path wins.
        plans.extend(self.plan_link(entry, rel, below) for entry, rel, below in links)
        plans.sort(key=lambda p: p.key)
        for plan in plans:
            if plan.action == "error":
                yield DiscoveredFile(plan.path, plan.relpath, FileKind.BINARY, 0, plan.error)
            elif plan.action == "file":
                yield self.read_file(plan.path, plan.relpath)
            else:
                yield from self.walk_dir(plan.path, plan.relpath, plan.below, (*ancestors, plan.dev_ino))

    def plan_dir(self, path: Path, rel: str, below: str, name: str, dev_ino: tuple[int, int]) -> _Plan:
        try:
            with os.scandir(path):
                pass  # probe only: the listing is read when the walk gets here, to keep memory flat
        except OSError as exc:
            return _Plan(name, path, rel, "error", error_text(exc))
        self.visited.add(dev_ino)
        return _Plan(name + "/", path, rel, "dir", below=below, dev_ino=dev_ino)

    def plan_real(
        self, entry: os.DirEntry[str], rel: str, below: str, ancestors: tuple[tuple[int, int], ...]
    ) -> _Plan:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                dev_ino = (st.st_dev, st.st_ino)
                if dev_ino in ancestors:  # a bind mount looping back
                    return _Plan(entry.name, path, rel, "error", "symlink loop")
                # A real directory is walked even if a symlink elsewhere led into it first, so a real
                # path always gets its entries; only symlinked directories are deduplicated.
                return self.plan_dir(path, rel, below, entry.name, dev_ino)
            if entry.is_file(follow_symlinks=False):
                return _Plan(entry.name, path, rel, "file")
        except OSError as exc:
            return _Plan(entry.name, path, rel, "error", error_text(exc))
        return _Plan(entry.name, path, rel, "error", "not a regular file")  # FIFO, socket, device

    def plan_link(self, entry: os.DirEntry[str], rel: str, below: str) -> _Plan:
        path = Path(entry.path)
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return _Plan(entry.name, path, rel, "error", "broken symlink")
        except OSError as exc:
            return _Plan(entry.name, path, rel, "error", error_text(exc))
        if not self.follow:
            return _Plan(entry.name, path, rel, "error", "not a regular file")
        if stat.S_ISDIR(st.st_mode):
            dev_ino = (st.st_dev, st.st_ino)
            if dev_ino in self.visited:  # an ancestor (a loop) or a directory already walked or claimed
                return _Plan(entry.name, path, rel, "error", "symlink loop")
            return self.plan_dir(path, rel, below, entry.name, dev_ino)
        if stat.S_ISREG(st.st_mode):
            return _Plan(entry.name, path, rel, "file")
        return _Plan(entry.name, path, rel, "error", "not a regular file")

    def read_file(self, path: Path, relpath: str) -> DiscoveredFile:
        """Open read-only, read the head and classify.

        The open is non-blocking and fstat must then say "regular file", so a file swapped for a FIFO
        after the listing cannot hang the scan.
        """
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            if isinstance(exc, FileNotFoundError) and os.path.islink(path):
                return DiscoveredFile(path, relpath, FileKind.BINARY, 0, "broken symlink")
            return DiscoveredFile(path, relpath, FileKind.BINARY, 0, error_text(exc))
        with os.fdopen(fd, "rb") as f:
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    return DiscoveredFile(path, relpath, FileKind.BINARY, 0, "not a regular file")
                head = f.read(HEAD_SIZE)
            except OSError as exc:
                return DiscoveredFile(path, relpath, FileKind.BINARY, 0, error_text(exc))

            def opener() -> contextlib.AbstractContextManager[BinaryIO]:
                return contextlib.nullcontext(f)

            kind = classify_content(path.name, head, opener)
        # The head was the whole file: hash it now, so a small file gets no read of its own for that.
        digest = format_digest(new_hasher(head)) if len(head) == st.st_size else None
        return DiscoveredFile(path, relpath, kind, st.st_size, None, digest)
