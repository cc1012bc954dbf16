"""FIL: files as such — what cannot be inspected goes to a person (fail closed).

FIL003's options are the archive reader's limits: the engine (``scanner.api``) passes them to
:mod:`scanner.formats.archive`, whose value-free problems come back here as :class:`FileFacts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.rules.context import FileFacts, RuleContext
from scanner.rules.registry import Shape, rule


@rule("FIL001", "unscannable-file", Severity.REVIEW, (Shape.FILE,))
def unscannable_file(ctx: RuleContext, facts: FileFacts) -> Iterator[Finding]:
    """A file, or part of one, that the scanner could not read or fully inspect.

    What it flags: files that could not be opened, decoded or parsed; kinds the scanner has no reader or
    rules for yet (images, PDF and Word documents, SAS catalogs); parts of a file that were skipped (rows
    with a wrong number of fields, nested columns, figures in a notebook's outputs); damaged or truncated
    archives and archive members.

    Why it is disclosive: the scanner fails closed. A file it could not inspect may hold anything, so it
    is never passed: a person must look at it.

    Example: an encrypted workbook (`pass_protected.xlsx`), a Parquet file with an encrypted footer, a
    notebook whose JSON does not parse.

    Options: severity only.

    References: Statistics Denmark, rules for sending results home ("files that cannot be inspected go
    to a person"); STYLE.md section 8.
    """
    for problem in facts.problems:
        yield ctx.finding(
            f"Could not be fully inspected: {problem}. A person must check this file.",
            masking.note(problem),
            identity=problem,
        )


@dataclass(frozen=True, slots=True)
class ArchiveLimitOptions:
    """FIL003 options (see rules.toml): the limits on reading one archive, nested archives included."""

    max_total_bytes: int = 4 << 30
    max_ratio: float = 100.0
    ratio_min_bytes: int = 16 << 20
    max_depth: int = 3
    max_members: int = 10_000

    def __post_init__(self) -> None:
        for name in ("max_total_bytes", "ratio_min_bytes", "max_members"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_ratio < 1:
            raise ValueError("max_ratio must be at least 1 (uncompressed bytes per compressed byte)")
        if self.max_depth < 1:
            raise ValueError("max_depth must be at least 1 (members of the archive itself are depth 1)")


@rule("FIL003", "archive-limit", Severity.REVIEW, (Shape.FILE,), ArchiveLimitOptions)
def archive_limit(ctx: RuleContext, facts: FileFacts) -> Iterator[Finding]:
    """An archive, or a member of one, that was not fully read because of a safety limit or its structure.

    What it flags: an archive (zip, tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, .gz, .bz2, .xz) whose reading
    stopped at a limit: more uncompressed bytes than `max_total_bytes` (declared or actually decompressed:
    declared sizes lie, so bytes are counted as they come), a member or stream that decompresses at more
    than `max_ratio` to 1, archives nested more than `max_depth` deep, more than `max_members` members.
    A limit that concerns the whole archive stops the reading of the archive and everything nested in it;
    the members not read are named as not inspected. Also flags members whose name contains `..` or is
    absolute (such a member is read, but its name is never used as a path), and links and device entries
    in a tar (never followed).

    Why it is disclosive: what was not read was not checked, and the scanner fails closed: a person must
    look. A zip bomb (a small file that expands to terabytes, or 42.zip's nested layers) must stop the
    scan of that archive, not the machine; a member named `../../x` is how a crafted archive writes
    outside the folder it is unpacked into.

    Example: `export.zip` holding `tables.zip` holding `2020.zip` holding `region.zip` (depth 4 with the
    default `max_depth` 3); a `.gz` of 10 MB that expands to 10 GB of zeros; a member `../notes.txt`.

    Options: `max_total_bytes` (4 GiB: uncompressed bytes read from one archive on disk, all nesting
    levels together), `max_ratio` (100) and `ratio_min_bytes` (16 MiB: the ratio counts only above this
    many uncompressed bytes, so small, very compressible files pass), `max_depth` (3: `a.zip!b.zip!c.csv`
    is depth 2), `max_members` (10000, all nesting levels together).

    References: STYLE.md section 8 (limits are findings); Apache POI's ZipSecureFile (minimum inflate
    ratio 1 %); D. Fifield, "A better zip bomb" (USENIX WOOT 2019); Snyk, "Zip Slip" (2018).
    """
    for reason in facts.limits:
        yield ctx.finding(
            f"{reason[:1].upper()}{reason[1:]}. A person must check this file.",
            masking.note(reason),
            identity=reason,
        )


@rule("FIL004", "encrypted-file", Severity.REVIEW, (Shape.FILE,))
def encrypted_file(ctx: RuleContext, facts: FileFacts) -> Iterator[Finding]:
    """An encrypted file: a password-protected workbook, an encrypted archive member, an encrypted archive.

    What it flags: password-protected Office workbooks (an OLE container holding EncryptionInfo), zip
    members encrypted with a password (ZipCrypto, WinZip AES or PKWARE strong encryption), each as a
    finding on the member's own entry, and the archive itself when every member is encrypted.

    Why it is disclosive: encrypted content cannot be inspected, and encryption is a way to move data past
    a check. The scanner fails closed: a person must ask for the content unencrypted or look at it.

    Example: `results.zip` made with `zip -e` or 7-Zip's "encrypt" option; `tables.xlsx` saved with
    "Encrypt with password".

    Options: severity only.

    References: APPNOTE.TXT (PKWARE zip specification) 4.4.4, general purpose bit 0 and bit 6; WinZip AES
    (compression method 99); STYLE.md section 8.
    """
    for reason in facts.encrypted:
        yield ctx.finding(
            f"Encrypted: {reason}. A person must check this file.",
            masking.note(reason),
            identity=reason,
        )
