"""sdcscan: statistical disclosure scanner for research output exports.

The library entry points live in :mod:`scanner.api`; the command line in :mod:`scanner.cli`.
"""

# The one place the version is written: pyproject.toml reads it from here (a constant, so that importing the
# package does not load importlib.metadata: 25 ms of every command's start).
__version__ = "0.1.0"

__all__ = ["__version__"]
