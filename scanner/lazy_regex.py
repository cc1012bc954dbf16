"""Regular expressions compiled on their first use.

The scanner's modules hold a few hundred patterns (column names in five languages, log and program
syntax); compiling them all at import took about 0.18 s of every process's start, most of it for
patterns the files of that scan never use (a text file's scan needs none of the column-name
vocabulary). ``re`` has no lazy form and no third-party library does only this, hence the few lines
here. A ``LazyPattern`` has the ``re.Pattern`` methods; the first one looked up compiles the
pattern and binds all of them on the instance, so later calls cost what a compiled pattern's do.
Pass ``pattern.compiled`` where a real ``re.Pattern`` is needed (``re.sub(p, ...)``).
"""
from __future__ import annotations

import re
from typing import Any

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class LazyPattern:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[Any]:
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = re.compile(self.pattern, self._flags)
            self.__dict__["_compiled"] = compiled
            for name in _METHODS:
                self.__dict__[name] = getattr(compiled, name)
        return compiled

    def __getattr__(self, name: str) -> Any:
        # Only called for names not yet bound on the instance: the first use, or an attribute
        # such as ``groups``, ``groupindex`` or ``flags``.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self._flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def lazy_compile(pattern: Any, flags: int = 0) -> LazyPattern:
    """A pattern that compiles on first use (module-level patterns)."""
    return LazyPattern(pattern, flags)
