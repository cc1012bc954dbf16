"""Loaders: one module per format. They yield Arrow record batches, text chunks or a document model;
they never produce findings. A loader that cannot read a file raises :class:`LoadError` with a reason.
"""

from scanner.loaders.base import LoadError, TabularMeta, TabularSource, TextChunk

__all__ = ["LoadError", "TabularMeta", "TabularSource", "TextChunk"]
