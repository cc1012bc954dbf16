"""The one place that owns the kernels' compile options (STYLE.md section 4), and when they compile.

Options: ``cache=True`` keeps compiled machine code on disk, so only the first run on a machine pays the
compile; ``nogil=True`` lets threads run kernels side by side; ``error_model="numpy"`` avoids Python's
zero-division checks in the hot loops; no ``fastmath``: shares compared with a threshold must be exact.

When: importing a kernel module does not import Numba. A kernel is a :class:`LazyKernel` until the first
call that needs machine code; then every kernel of every loaded kernel module becomes a Numba dispatcher at
once (module globals are rebound, so compiled callers see compiled callees) and compiles, or loads from the
cache, only the signatures that are called. Numba's start-up alone (its import, its target and typing
registries) costs 0.4-0.8 s, more than a small file's whole scan, so a process that has not
loaded Numba yet runs small calls in the interpreter: the kernels' own Python source, which CI tests with
``NUMBA_DISABLE_JIT=1`` against the same plain-Python references as the compiled code. A call is small when
its array arguments (inputs and preallocated outputs) take at most ``SDCSCAN_INTERPRET_BYTES`` (default
1 MiB; 0: always compile); the interpreter (about 4 MB/s on identifier text) is used until the process has
spent ``INTERPRET_SECONDS`` in it, about what loading Numba and a scan's cached kernels costs, and then
Numba is loaded for good.

Cache location: Numba writes next to the module (``kernels/__pycache__``) when it can. When the package is
installed read-only for many users and ``NUMBA_CACHE_DIR`` is not set, Numba would fall back to its own
user-wide directory; we choose it explicitly instead, ``$XDG_CACHE_HOME/sdcscan/numba`` (else
``~/.cache/sdcscan/numba``), and seed it from the package's own cache (written by ``sdcscan warmup`` at
install time), so a user's first scan loads machine code instead of compiling it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "LazyKernel",
    "cache_dir",
    "compile_all",
    "compile_stats",
    "helper",
    "interpreted",
    "kernel",
    "numba_loaded",
]

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
_HELPER_OPTIONS: dict[str, Any] = {**_OPTIONS, "inline": "always"}

#: The largest call (bytes of its array arguments) run in the interpreter (``SDCSCAN_INTERPRET_BYTES``).
INTERPRET_BYTES = 1 << 20
#: Interpreter time a process may spend before it loads Numba instead: what switching costs (rent until the
#: rent paid equals the price). Measured here: Numba's import and registries 0.24 s, then loading a table
#: scan's kernels from the cache 0.36 s (a scan of 1,000 small tables interprets for 0.37 s in all, and
#: with the 0.25 s once used here paid both: 0.5 ms a file more).
INTERPRET_SECONDS = 0.6

_lock = threading.RLock()
_local = threading.local()
_registry: list[LazyKernel] = []
_dispatchers: list[Any] = []  # every kernel as a Numba dispatcher, once Numba is loaded
_loaded = False
_interpreted_seconds = 0.0


def _budget() -> int:
    raw = os.environ.get("SDCSCAN_INTERPRET_BYTES")
    if raw is None or not raw.strip():
        return INTERPRET_BYTES
    try:
        return max(int(raw), 0)
    except ValueError:
        return INTERPRET_BYTES


def _work(args: tuple[Any, ...]) -> int:
    """The bytes of a call's array arguments (the interpreter's cost grows with them)."""
    return sum(int(getattr(a, "nbytes", 0) or 0) for a in args)


class LazyKernel:
    """A kernel before Numba is loaded: called at top level it either interprets (small inputs, Numba not
    loaded) or loads Numba, turns every kernel into a dispatcher and calls the compiled one."""

    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self._dispatcher: Callable[..., Any] | None = None
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any) -> Any:
        d = self._dispatcher
        if d is not None:
            return d(*args)
        if getattr(_local, "depth", 0) > 0:  # inside an interpreted kernel: stay interpreted
            return self.py_func(*args)
        if _jit_disabled():  # NUMBA_DISABLE_JIT=1: every call interpreted, never a dispatcher
            return _interpret(self.py_func, args)
        if _interpret_this(_work(args)):
            started = time.perf_counter()
            try:
                return _interpret(self.py_func, args)
            finally:
                _spent(time.perf_counter() - started)
        return self.compiled()(*args)

    def compiled(self) -> Callable[..., Any]:
        """The Numba dispatcher (loads Numba and creates every kernel's dispatcher on first use); the
        Python function itself with ``NUMBA_DISABLE_JIT=1``."""
        if self._dispatcher is None:
            compile_all()
        return self._dispatcher if self._dispatcher is not None else self.py_func

    def __getattr__(self, name: str) -> Any:
        # Dispatcher attributes (signatures, stats, py_func...) are the compiled kernel's; dunders are not
        # forwarded, so introspection (inspect, copy, pickle probes) never loads Numba.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"<LazyKernel {self.py_func.__module__}.{self.py_func.__qualname__}>"


def _jit_disabled() -> bool:
    return os.environ.get("NUMBA_DISABLE_JIT", "0").strip() not in ("", "0")


def _interpret_this(work: int) -> bool:
    return not _loaded and work <= _budget() and _interpreted_seconds < INTERPRET_SECONDS


def _spent(seconds: float) -> None:
    global _interpreted_seconds
    with _lock:
        _interpreted_seconds += seconds


def _interpret(func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Run a kernel's Python source. Integer overflow wraps silently, as in the compiled kernel (hashes
    multiply on purpose), instead of NumPy's warning for scalars."""
    import numpy as np

    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    try:
        if depth:
            return func(*args)
        with np.errstate(over="ignore"):
            return func(*args)
    finally:
        _local.depth = depth


def interpreted(func: Callable[..., Any], *args: Any) -> Any:
    """Run a kernel's Python source whatever the budget (tests compare it with the compiled kernel).

    Callees that are still lazy are interpreted too; once Numba is loaded they are compiled dispatchers.
    """
    py = getattr(func, "py_func", func)
    return _interpret(py, args)


def _make(func: F, options: dict[str, Any]) -> F:
    if _loaded:
        import numba

        dispatcher = numba.njit(**options)(func)
        with _lock:
            _dispatchers.append(dispatcher)
        return dispatcher  # type: ignore[no-any-return]
    lazy = LazyKernel(func, options)
    with _lock:
        _registry.append(lazy)
    return lazy  # type: ignore[return-value]


def kernel(func: F) -> F:
    """A kernel, compiled with the project's options on first compiled call, per input types."""
    return _make(func, _OPTIONS)


def helper(func: F) -> F:
    """A small function called from kernels' hot loops, inlined into its callers at Numba's IR level.

    Measured here: a validator made of five small calls took 33 ns per candidate as separate compiled
    functions (each call goes through Numba's status-returning calling convention) and a few ns inlined.
    """
    return _make(func, _HELPER_OPTIONS)


def numba_loaded() -> bool:
    """Whether this process has turned its kernels into Numba dispatchers."""
    return _loaded


def compile_all() -> None:
    """Load Numba and make every registered kernel a dispatcher (compiling stays per signature, on call).

    With ``NUMBA_DISABLE_JIT=1`` kernels stay interpreted (CI's run of the kernels' Python source)."""
    global _loaded
    if _loaded or _jit_disabled():
        return
    with _lock:
        if _loaded:
            return
        _choose_cache_dir()
        import numba

        _load_numpy_registries()
        for lazy in _registry:
            lazy._dispatcher = numba.njit(**lazy.options)(lazy.py_func)
            _dispatchers.append(lazy._dispatcher)
        # Rebind module globals (also names imported from another kernel module), so that Numba, compiling
        # a caller, resolves its callees to dispatchers and inlines the helpers.
        namespaces = {id(lazy.py_func.__globals__): lazy.py_func.__globals__ for lazy in _registry}
        for ns in namespaces.values():
            for name, value in list(ns.items()):
                if isinstance(value, LazyKernel):
                    ns[name] = value._dispatcher
        _loaded = True


class _RefuseImport:
    """A meta-path finder that refuses ``name`` (and its submodules) to imports made by one thread."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if threading.get_ident() == self.thread and (fullname == self.name or fullname.startswith(self.name + ".")):
            raise ModuleNotFoundError(f"{fullname} is not loaded for the kernels", name=fullname)
        return None


def _load_numpy_registries() -> None:
    """Import Numba's NumPy implementations (its first compile or cache load would) without SciPy's linear
    algebra, unless the process has already imported it.

    ``numba.np.arraymath`` imports ``scipy.linalg`` at its import only to learn whether BLAS is there
    (``_HAVE_BLAS``): 0.13 s of every process that loads the kernels, a sixth of a whole scan of a 400 MB
    log. No kernel calls ``np.dot``, ``np.cov`` or ``np.linalg`` (``tests/test_startup.py`` checks the
    source), and without BLAS Numba only uses its own loop for those. SciPy is refused on this thread alone
    and only for this import; a later ``import scipy.linalg`` (the suppression's LP solver) works as ever.
    """
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        return
    finder = _RefuseImport("scipy")
    sys.meta_path.insert(0, finder)
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        sys.meta_path.remove(finder)


def compile_stats() -> dict[str, int]:
    """Signatures compiled in this process and loaded from the cache, over every kernel (0 before Numba)."""
    compiled = loaded = 0
    if not _loaded:
        return {"compiled": 0, "loaded": 0}
    for dispatcher in _dispatchers:
        stats = getattr(dispatcher, "stats", None)
        if stats is None:
            continue
        compiled += sum(stats.cache_misses.values())
        loaded += sum(stats.cache_hits.values())
    return {"compiled": compiled, "loaded": loaded}


# --- where the cache lives ------------------------------------------------------------------------


def _package_cache() -> Path:
    return Path(__file__).resolve().parent / "__pycache__"


def _writable(path: Path) -> bool:
    probe = path if path.exists() else path.parent
    return os.access(probe, os.W_OK | os.X_OK)


def cache_dir() -> Path:
    """Where compiled kernels are kept for this user: ``NUMBA_CACHE_DIR`` when set, the package's
    ``__pycache__`` when writable, else the per-user ``sdcscan/numba`` cache directory."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return Path(env)
    tree = _package_cache()
    if _writable(tree):
        return tree
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sdcscan" / "numba"


def _choose_cache_dir() -> None:
    """Set ``NUMBA_CACHE_DIR`` to the per-user directory when the package cannot hold the cache (read-only
    install) and the user has not chosen one; copy in what the package's own cache already holds."""
    if os.environ.get("NUMBA_CACHE_DIR") or _writable(_package_cache()):
        return
    user = cache_dir()
    os.environ["NUMBA_CACHE_DIR"] = str(user)  # before Numba reads its config; worker processes inherit it
    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:  # Numba imported by someone else first: its config is already read
        numba_config.CACHE_DIR = str(user)  # type: ignore[attr-defined]
    with contextlib.suppress(OSError, ImportError, AttributeError):
        _seed(_package_cache(), user)


def _seed(tree: Path, user: Path) -> None:
    """Copy the package's cached kernels (index ``.nbi`` and code ``.nbc`` files) into the user's cache,
    where Numba looks for this source directory; files the user already has are kept unless older."""
    if not tree.is_dir():
        return
    from numba.core.caching import _CacheLocator

    target = user / _CacheLocator.get_suitable_cache_subpath(str(Path(__file__).resolve()))
    files = [p for p in tree.iterdir() if p.suffix in (".nbi", ".nbc")]
    if not files:
        return
    target.mkdir(parents=True, exist_ok=True)
    for src in _index_last(files):
        dst = target / src.name
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
            tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
            shutil.copy2(src, tmp)
            os.replace(tmp, dst)  # atomic: another worker may be loading the same file


def _index_last(files: list[Path]) -> Iterator[Path]:
    """Code files before index files: an index never points at code not yet copied."""
    yield from (p for p in files if p.suffix == ".nbc")
    yield from (p for p in files if p.suffix == ".nbi")
