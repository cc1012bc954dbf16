"""sdcscan: statistical disclosure scanner for research output exports.

The library entry points live in :mod:`scanner.api`; the command line in :mod:`scanner.cli`.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("sdcscan")
except _metadata.PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
