"""Archives as containers: zip (incl. zip64), tar (plain, .tar.gz/.tgz, .tar.bz2, .tar.xz) and single-file
.gz, .bz2 and .xz, read with the standard library.

The reader yields each member as a :class:`~scanner.formats.Member` whose :class:`~scanner.sources.Source`
holds the decompressed bytes, hashed while they were decompressed. Nothing is ever extracted into the
scanned folder, and a member's name is never used as a filesystem path: members up to
``ArchiveLimits.memory_bytes`` stay in memory, larger ones are written, under a sanitised name, to the
private temporary directory the engine passes in (``ReadContext.spill_dir``). A member in memory reaches
the path-taking readers as an anonymous file in memory (:meth:`~scanner.sources.Source.to_file`), so it is
not written anywhere either.

Every limit is checked twice, because declared sizes lie: first against what the archive declares (a zip's
central directory, a tar header), then against the bytes actually decompressed, counted as they come (the
reading stops at the limit; it never reads on to find out how much more there is). A limit that concerns
the whole archive (total size, member count, nesting depth) stops the reading of the archive on disk and
everything nested in it; the engine reports that as FIL003. A zip member over the ratio limit is skipped
(the other members are read); a .gz/.bz2/.xz stream over it stops, as the stream is the whole archive.

How many times the archive's own bytes are read: a zip up to ``memory_bytes`` once (into memory, hashed on
the way); a larger zip twice (a sequential hashing pass, then the central directory and each member's
compressed bytes); tar and compressed streams once, sequentially, hashed on the same pass.
"""

from __future__ import annotations

import bz2
import collections
import contextlib
import gzip
import io
import lzma
import os
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from scanner.discover import HEAD_SIZE, FileKind, is_tar_header
from scanner.formats import ContainerPart, Member, Problem, ProblemKind, ReadContext, reader
from scanner.lazy_regex import lazy_compile
from scanner.sources import HashingReader, Source, SourceRef, format_digest, new_hasher, safe_file_name

__all__ = ["KINDS", "read_archive", "unsafe_member_name"]

KINDS = (FileKind.ZIP, FileKind.TAR, FileKind.GZIP, FileKind.BZIP2, FileKind.XZ)

_CHUNK = 1 << 20  # decompressed bytes per read: bounds the memory of one read, whatever a header declares
_MAX_HEADER_BYTES = 16 << 20  # tar bytes between two members (headers, long names, pax records)
_ZIP_ENCRYPTED = 0x1  # general purpose flag bit 0: the member is encrypted (ZipCrypto or AES)
_ZIP_STRONG_ENCRYPTION = 0x40  # bit 6: PKWARE strong encryption
_ZIP_AES = 99  # compression method of WinZip AES-encrypted members
# Names the single member of a .gz/.bz2/.xz gets: the archive's name without its compression suffix.
_COMPRESSED_SUFFIXES = {".gz": "", ".gzip": "", ".z": "", ".bz2": "", ".bzip2": "", ".xz": "", ".lzma": "",
                        ".tgz": ".tar", ".tbz": ".tar", ".tbz2": ".tar", ".txz": ".tar"}
_DRIVE = lazy_compile(r"^[A-Za-z]:")


class _LimitHit(Exception):
    """Reading stopped at a limit. ``whole`` says whether the limit concerns the whole archive."""

    def __init__(self, reason: str, *, whole: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.whole = whole


def _size(n: float) -> str:
    """Bytes for a message: ``4.0 GiB``. Never a long digit run (reports mask those as possible IDs)."""
    if n < 1024:
        return f"{int(n)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        n /= 1024
        if n < 1024 or unit == "PiB":
            break
    return f"{n:.1f} {unit}"


def _over_total(declared: int | None, ctx: ReadContext) -> str:
    """Why reading stops at the total-size limit, with the declared size when there is one."""
    budget = ctx.budget
    limit = _size(budget.limits.max_total_bytes)
    what = "decompresses to more than" if declared is None else f"declares {_size(declared)} uncompressed, more than"
    if budget.bytes_left >= budget.limits.max_total_bytes:
        return f"{what} the limit of {limit}"
    return f"{what} the {_size(budget.bytes_left)} left of the limit of {limit} for the whole archive"


def unsafe_member_name(name: str) -> bool:
    """Whether an archive member's name climbs out of the archive (``..``) or is absolute (``/etc/x``,
    ``C:\\x``): extracting it as named would write outside the target folder ("zip slip")."""
    n = name.replace("\\", "/")
    return n.startswith("/") or bool(_DRIVE.match(n)) or ".." in n.split("/")


# Two members of one name: extracting the archive keeps one of them, and a person looking at the extracted
# files does not see the other (each is scanned and reported under that name).
_DUPLICATE_NAME = Problem(ProblemKind.UNSAFE_NAME, "another member of the archive has the same name: extracting "
                          "it keeps only one of them, so a person checking the extracted files does not see the other")


def _name_problems(name: str) -> list[Problem]:
    if unsafe_member_name(name):
        return [Problem(ProblemKind.UNSAFE_NAME,
                        "member name points outside the archive (.. or an absolute path); it was read "
                        "without ever being used as a path")]
    return []


@reader("archive", *KINDS, container=True)
def read_archive(source: Source, kind: FileKind, ctx: ReadContext) -> ContainerPart:
    """The members of the archive in ``source``, lazily, in archive order."""
    part = ContainerPart(iter(()))
    if kind is FileKind.ZIP:
        part.members = _zip_members(source, ctx, part)
    else:
        part.members = _stream_members(source, kind, ctx, part)
    return part


# --------------------------------------------------------------------------------------------------
# Member bytes


def _extract(read: Callable[[int], bytes], ref: SourceRef, ctx: ReadContext, *,
             compressed: int | None) -> Source:
    """Read one member to its end through ``read``: count and hash the bytes, keep them in memory up to
    ``memory_bytes`` and spill the rest to a new file in the private temporary directory.

    Raises :class:`_LimitHit` as soon as the archive's total or the member's ratio (``compressed`` is its
    compressed size, when known) is exceeded; whatever was spilled is deleted then.
    """
    budget = ctx.budget
    limits = budget.limits
    hasher = new_hasher()
    size = 0
    chunks: list[bytes] = []
    spill: BinaryIO | None = None
    path = None
    try:
        while True:
            chunk = read(max(1, min(_CHUNK, budget.bytes_left - size + 1)))
            if not chunk:
                break
            size += len(chunk)
            if size > budget.bytes_left:
                raise _LimitHit(_over_total(None, ctx) + " (counted while decompressing)", whole=True)
            if (compressed is not None and size > limits.ratio_min_bytes
                    and size > limits.max_ratio * max(compressed, 1)):
                raise _LimitHit(f"decompresses at a ratio above {limits.max_ratio:g}:1 (a zip bomb?; counted "
                                "while decompressing)", whole=False)
            hasher.update(chunk)
            if spill is None and size <= limits.memory_bytes:
                chunks.append(chunk)
                continue
            if spill is None:
                path = ctx.spill_dir / safe_file_name(ref.name, ctx.next_serial())
                spill = open(path, "xb")  # noqa: SIM115  (closed below, also on error)
                for c in chunks:
                    spill.write(c)
                chunks = []
            spill.write(chunk)
    except BaseException:
        if spill is not None:
            spill.close()
        if path is not None:
            os.unlink(path)
        raise
    finally:
        budget.bytes_left -= size
    digest = format_digest(hasher)
    if spill is not None:
        spill.close()
        return Source(ref, path=path, digest=digest, size=size, owned=True)
    return Source(ref, data=b"".join(chunks), digest=digest, size=size)


# --------------------------------------------------------------------------------------------------
# zip

_ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, KeyError)


def _zip_members(source: Source, ctx: ReadContext, part: ContainerPart) -> Iterator[Member]:
    budget = ctx.budget
    limits = budget.limits
    # A zip is read from its end (the central directory): in memory when small, in one hashed pass.
    source.load(limits.memory_bytes)
    stream = source.open_seekable()
    try:
        try:
            zf = zipfile.ZipFile(stream)
        except (*_ZIP_DAMAGE, NotImplementedError):
            part.problems.append(Problem(ProblemKind.DAMAGED,
                                         "not a readable zip archive (damaged or truncated central directory)"))
            return
        with zf:
            part.comments.extend(c.decode("utf-8", errors="replace") for c in
                                 (zf.comment, *(i.comment for i in zf.infolist())) if c)
            infos = [i for i in zf.infolist() if not i.is_dir()]
            declared = sum(i.file_size for i in infos)
            if len(infos) > budget.members_left:
                budget.stop(f"more than {limits.max_members} members (the configured limit)")
            elif declared > budget.bytes_left:
                budget.stop(_over_total(declared, ctx))
            names = collections.Counter(i.filename for i in infos)
            encrypted = [i for i in infos if _zip_encrypted(i)]
            if infos and len(encrypted) == len(infos):
                part.problems.append(Problem(ProblemKind.ENCRYPTED,
                                             "every member of the archive is encrypted"))
            for index, info in enumerate(infos):
                if budget.stopped is not None:
                    part.problems.append(Problem(ProblemKind.LIMIT, f"not fully read: {budget.stopped}; "
                                                 f"{len(infos) - index} of {len(infos)} members not inspected"))
                    return
                budget.members_left -= 1
                member = _zip_member(zf, info, source, ctx)
                if names[info.filename] > 1:
                    member.problems.append(_DUPLICATE_NAME)
                yield member
    finally:
        stream.close()


def _zip_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & (_ZIP_ENCRYPTED | _ZIP_STRONG_ENCRYPTION)) or info.compress_type == _ZIP_AES


def _zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: Source, ctx: ReadContext) -> Member:
    budget = ctx.budget
    limits = budget.limits
    name = info.filename
    # The declared compressed size can lie too, but no member holds more compressed bytes than the archive.
    compressed = min(info.compress_size, archive.size)
    problems = _name_problems(name)
    if _zip_encrypted(info):
        problems.append(Problem(ProblemKind.ENCRYPTED,
                                "encrypted archive member: it cannot be read without the password"))
        return Member(name, 0, None, problems, encrypted=True)
    if info.file_size > budget.bytes_left:
        reason = _over_total(info.file_size, ctx)
        budget.stop(reason)
        problems.append(Problem(ProblemKind.LIMIT, f"not read: {reason}"))
        return Member(name, 0, None, problems)
    if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(compressed, 1):
        problems.append(Problem(ProblemKind.LIMIT, f"not read: declares {_size(info.file_size)} uncompressed, a "
                                                   f"compression ratio above {limits.max_ratio:g}:1 (a zip bomb?)"))
        return Member(name, 0, None, problems)
    try:
        with zf.open(info) as f:
            src = _extract(f.read, archive.ref.child(name), ctx, compressed=compressed)
    except _LimitHit as hit:
        if hit.whole:
            budget.stop(hit.reason)
        problems.append(Problem(ProblemKind.LIMIT, f"not read to the end: {hit.reason}"))
        return Member(name, 0, None, problems)
    except NotImplementedError:
        problems.append(Problem(ProblemKind.DAMAGED, "compressed with a method the scanner cannot read"))
        return Member(name, 0, None, problems)
    except _ZIP_DAMAGE:
        problems.append(Problem(ProblemKind.DAMAGED, "member data is damaged (bad checksum or truncated)"))
        return Member(name, 0, None, problems)
    return Member(name, src.size, src, problems)


# --------------------------------------------------------------------------------------------------
# tar and compressed streams


class _Limited(io.RawIOBase):
    """The decompressed stream, read in bounded pieces, with the stream-wide limits.

    ``raw`` counts the compressed bytes consumed (for the ratio); between two tar members at most
    :data:`_MAX_HEADER_BYTES` may pass (tarfile reads a pax header or long name whole, into memory).
    """

    def __init__(self, inner: BinaryIO, raw: HashingReader | None, ctx: ReadContext) -> None:
        super().__init__()
        self._inner = inner
        self._raw = raw
        self._limits = ctx.budget.limits
        self.out = 0
        self._phase_start: int | None = None  # set between tar members

    def readable(self) -> bool:
        return True

    def between_members(self) -> None:
        self._phase_start = self.out

    def in_member(self) -> None:
        self._phase_start = None

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")[:_CHUNK]
        n = self._inner.readinto(view) or 0  # type: ignore[attr-defined]
        self.out += n
        limits = self._limits
        if (self._raw is not None and self.out > limits.ratio_min_bytes
                and self.out > limits.max_ratio * max(self._raw.bytes_read, 1)):
            raise _LimitHit(f"decompresses at a ratio above {limits.max_ratio:g}:1 (a compression bomb?)",
                            whole=True)
        if self._phase_start is not None and self.out - self._phase_start > _MAX_HEADER_BYTES:
            raise _LimitHit(f"tar headers of more than {_size(_MAX_HEADER_BYTES)} between two members",
                            whole=True)
        return n


class _Prefixed(io.RawIOBase):
    """``head`` (bytes already read to look at the content) followed by the rest of ``stream``."""

    def __init__(self, head: bytes, stream: io.RawIOBase) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._stream.readinto(view) or 0


def _decompressed(kind: FileKind, raw: HashingReader) -> BinaryIO:
    if kind is FileKind.GZIP:
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind is FileKind.BZIP2:
        return bz2.BZ2File(raw)
    return lzma.LZMAFile(raw)


def _inner_name(name: str) -> str:
    """The single member's name: ``res.csv`` for ``res.csv.gz``, ``x.tar`` for ``x.tgz``."""
    lower = name.lower()
    for suffix, replacement in _COMPRESSED_SUFFIXES.items():
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _stream_damage(exc: BaseException) -> str:
    """A fixed, value-free reason (parser messages can quote the bytes they choked on)."""
    if isinstance(exc, EOFError):
        return "compressed data ends early (truncated)"
    if isinstance(exc, tarfile.TarError):
        return "not a readable tar archive (damaged header or truncated)"
    return "compressed data is damaged"


_STREAM_DAMAGE = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


def _stream_members(source: Source, kind: FileKind, ctx: ReadContext, part: ContainerPart) -> Iterator[Member]:
    raw = source.open()
    try:
        inner: BinaryIO = raw if kind is FileKind.TAR else _decompressed(kind, raw)
        stream = _Limited(inner, None if kind is FileKind.TAR else raw, ctx)
        try:
            head = _read_head(stream)
        except _LimitHit as hit:
            ctx.budget.stop(hit.reason)
            part.problems.append(Problem(ProblemKind.LIMIT, f"not read: {hit.reason}"))
            return
        except _STREAM_DAMAGE as exc:
            part.problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
            return
        prefixed = _Prefixed(head, stream)
        if kind is FileKind.TAR or is_tar_header(head):
            yield from _tar_members(prefixed, stream, source.ref, ctx, part)
        else:
            yield _single_member(prefixed, source.ref, ctx, part)
    finally:
        with contextlib.suppress(OSError):
            raw.drain()  # the rest of the file, so the digest covers all of it
        raw.close()


def _read_head(stream: io.RawIOBase) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _single_member(stream: io.RawIOBase, parent: SourceRef, ctx: ReadContext, part: ContainerPart) -> Member:
    budget = ctx.budget
    name = _inner_name(parent.name)
    budget.members_left -= 1
    try:
        src = _extract(stream.read, parent.child(name), ctx, compressed=None)
    except _LimitHit as hit:
        budget.stop(hit.reason)
        return Member(name, 0, None, [Problem(ProblemKind.LIMIT, f"not read to the end: {hit.reason}")])
    except _STREAM_DAMAGE as exc:
        part.problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
        return Member(name, 0, None, [Problem(ProblemKind.DAMAGED, _stream_damage(exc))])
    return Member(name, src.size, src)


def _tar_members(stream: io.RawIOBase, limited: _Limited, parent: SourceRef, ctx: ReadContext,
                 part: ContainerPart) -> Iterator[Member]:
    budget = ctx.budget
    limits = budget.limits
    try:
        limited.between_members()
        tf = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115  (a stream: members in order, no seeking)
    except _LimitHit as hit:
        budget.stop(hit.reason)
        part.problems.append(Problem(ProblemKind.LIMIT, f"not read: {hit.reason}"))
        return
    except _STREAM_DAMAGE as exc:
        part.problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
        return
    try:
        while True:
            if budget.stopped is not None:
                part.problems.append(Problem(ProblemKind.LIMIT, f"not fully read: {budget.stopped}; "
                                             "the rest of the archive was not inspected"))
                return
            try:
                limited.between_members()
                info = tf.next()
                limited.in_member()
            except _LimitHit as hit:
                budget.stop(hit.reason)
                continue
            except _STREAM_DAMAGE as exc:
                part.problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
                return
            if info is None:
                return
            if info.isdir():
                continue
            if budget.members_left <= 0:
                budget.stop(f"more than {limits.max_members} members (the configured limit)")
                continue
            budget.members_left -= 1
            problems = _name_problems(info.name)
            if info.issym() or info.islnk():
                problems.append(Problem(ProblemKind.NOT_FOLLOWED, "a link to another path: not followed"))
                yield Member(info.name, 0, None, problems)
                continue
            if not info.isreg():
                problems.append(Problem(ProblemKind.NOT_FOLLOWED, "a device, pipe or other special entry: not read"))
                yield Member(info.name, 0, None, problems)
                continue
            if info.size > budget.bytes_left:
                reason = _over_total(info.size, ctx)
                budget.stop(reason)
                problems.append(Problem(ProblemKind.LIMIT, f"not read: {reason}"))
                yield Member(info.name, 0, None, problems)
                continue
            member_file = tf.extractfile(info)
            if member_file is None:  # pragma: no cover - isreg() members always have a file object
                continue
            try:
                src = _extract(member_file.read, parent.child(info.name), ctx, compressed=None)
            except _LimitHit as hit:
                budget.stop(hit.reason)
                problems.append(Problem(ProblemKind.LIMIT, f"not read to the end: {hit.reason}"))
                yield Member(info.name, 0, None, problems)
                continue
            except _STREAM_DAMAGE as exc:
                problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
                part.problems.append(Problem(ProblemKind.DAMAGED, _stream_damage(exc)))
                yield Member(info.name, 0, None, problems)
                return
            yield Member(info.name, src.size, src, problems)
    finally:
        tf.close()
