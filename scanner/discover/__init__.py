"""Find the files of a scan and tell what each one is: walking (:mod:`.walk`) and classification by content,
magic bytes before the extension (:mod:`.classify`); the kinds and the found file are in :mod:`.kinds`.

These are the package's public names; everything here imports only the standard library (the CLI imports it
on every run).
"""

from scanner.discover.classify import classify, classify_content, is_tar_header
from scanner.discover.kinds import HEAD_SIZE, DiscoveredFile, DiscoveryError, FileKind
from scanner.discover.walk import discover

__all__ = [
    "HEAD_SIZE",
    "DiscoveredFile",
    "DiscoveryError",
    "FileKind",
    "classify",
    "classify_content",
    "discover",
    "is_tar_header",
]
