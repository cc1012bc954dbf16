"""The package layout keeps the promises of DESIGN.md and STYLE.md section 11."""

from __future__ import annotations

import ast
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scanner", "kernels")


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_name_is_used_for_two_jobs() -> None:
    """`identifiers.py` beside `rules/identifiers.py` was two jobs under one name: every module name is unique."""
    names = collections.defaultdict(list)
    for path in _modules():
        if path.name != "__init__.py":
            names[path.name].append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_kernels_import_nothing_from_scanner() -> None:
    """Kernels are pure functions over buffers: NumPy in, NumPy out, no engine behind them."""
    offenders = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.split(".")[0] == "scanner")
                 for p in (ROOT / "kernels").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_discovery_and_the_reader_registry_import_only_the_standard_library_and_sources() -> None:
    """The CLI imports discovery on every run: it must not pull polars, pyarrow, numba or the rules in."""
    allowed_roots = {"scanner"}
    for path in sorted((ROOT / "scanner" / "discover").glob("*.py")):
        third_party = {m for m in _imports(path) if m.split(".")[0] not in allowed_roots
                       and m.split(".")[0] not in sys.stdlib_module_names and m != "__future__"}
        ours = {m for m in _imports(path) if m.split(".")[0] == "scanner"}
        assert third_party == set(), path
        # scanner.lazy_regex imports only `re` (checked below)
        assert all(m.startswith(("scanner.discover", "scanner.sources", "scanner.lazy_regex")) for m in ours), \
            (path, ours)
    assert _imports(ROOT / "scanner" / "lazy_regex.py") <= {"__future__", "re", "typing"}


def test_rules_and_analyzers_never_import_the_engine_or_the_configuration_loader() -> None:
    """Imports point one way (cli -> api -> engine -> rules -> analysis): a rule that imported the config
    loader or the table builder would close a cycle (the config loader imports the rules)."""
    forbidden = ("scanner.config", "scanner.api", "scanner.engine", "scanner.cli", "scanner.batch",
                 "scanner.tables.build", "scanner.tables.check", "scanner.tables.writers", "scanner.tables.compute")
    offenders = {}
    for pkg in ("rules", "analysis"):
        for path in sorted((ROOT / "scanner" / pkg).glob("*.py")):
            bad = sorted(m for m in _imports(path) if m.startswith(forbidden))
            if bad:
                offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_format_readers_import_their_parsers_only_when_a_file_is_opened() -> None:
    """The registry and its format modules are loaded to choose a reader: at import they see only the
    standard library, discovery, sources and the part types (the parsers pull pyarrow, polars, ReadStat)."""
    allowed = ("scanner.discover", "scanner.sources", "scanner.document", "scanner.formats", "scanner.lazy_regex")
    for path in sorted((ROOT / "scanner" / "formats").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set()
        for node in tree.body:  # module level only: imports inside functions run when a file is opened
            if isinstance(node, ast.Import):
                top |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(node.module)
        third_party = {m for m in top if m.split(".")[0] not in sys.stdlib_module_names and m != "__future__"
                       and m.split(".")[0] != "scanner"}
        ours = {m for m in top if m.split(".")[0] == "scanner"}
        assert third_party == set(), path
        assert all(m.startswith(allowed) for m in ours), (path, ours)


def test_no_module_defines_a_top_level_name_twice() -> None:
    # a second assignment of a module-level name silently replaces the first for every function that reads it
    # (ruff flags functions and imports defined twice, not assignments)
    twice = {}
    for path in _modules():
        names: collections.Counter[str] = collections.Counter()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names[node.target.id] += 1
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names[node.name] += 1
        repeated = sorted(n for n, c in names.items() if c > 1 and n not in ("__all__", "log"))
        if repeated:
            twice[str(path.relative_to(ROOT))] = repeated
    assert not twice
