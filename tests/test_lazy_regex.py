"""scanner.lazy_regex: module patterns compile on first use and then behave as compiled patterns."""
from __future__ import annotations

import pickle
import re

import pytest

from scanner.lazy_regex import LazyPattern, lazy_compile


def test_a_lazy_pattern_compiles_only_when_first_used() -> None:
    p = lazy_compile(r"(?P<n>\d+)\s*(persons?)", re.IGNORECASE)
    assert "_compiled" not in p.__dict__
    assert p.pattern == r"(?P<n>\d+)\s*(persons?)"  # reading the source does not compile it
    assert "_compiled" not in p.__dict__
    m = p.search("only 2 PERSONS")
    assert m is not None and m.group("n") == "2"
    assert "_compiled" in p.__dict__
    assert p.compiled is re.compile(r"(?P<n>\d+)\s*(persons?)", re.IGNORECASE)


@pytest.mark.parametrize("method,args", [
    ("match", ("12 persons",)), ("fullmatch", ("3 person",)), ("findall", ("1 person, 22 persons",)),
    ("sub", (r"\g<n>", "7 persons")), ("subn", ("x", "1 person 2 persons")), ("split", ("a 1 person b",)),
])
def test_every_method_answers_as_the_compiled_pattern(method: str, args: tuple[str, ...]) -> None:
    source = r"(?P<n>\d+)\s*(persons?)"
    lazy, real = lazy_compile(source), re.compile(source)
    got, want = getattr(lazy, method)(*args), getattr(real, method)(*args)
    if isinstance(want, re.Match):
        assert isinstance(got, re.Match) and got.span() == want.span()
    else:
        assert got == want
    assert [m.span() for m in lazy.finditer(args[-1])] == [m.span() for m in real.finditer(args[-1])]
    assert (lazy.groups, lazy.groupindex, lazy.flags) == (real.groups, real.groupindex, real.flags)


def test_a_lazy_pattern_pickles_and_a_bad_pattern_fails_when_used() -> None:
    p = lazy_compile(r"lopnr\d+", re.I)
    p.search("x")
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, LazyPattern) and q.search("LOPNR12") is not None
    bad = lazy_compile(r"(unclosed")
    with pytest.raises(re.error):
        bad.search("x")
    with pytest.raises(AttributeError):
        bad.__missing_dunder__  # noqa: B018


def test_every_module_level_pattern_of_the_package_compiles() -> None:
    """Every lazy pattern a module of the scanner holds compiles: a pattern that fails only on its first use would
    make each file that reaches it an internal error (a review) instead of a finding."""
    import importlib
    import pkgutil

    import scanner
    from scanner.lazy_regex import LazyPattern

    seen = 0
    for info in pkgutil.walk_packages(scanner.__path__, "scanner."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, LazyPattern):
                try:
                    assert isinstance(value.compiled, re.Pattern)
                except re.error as exc:  # pragma: no cover - the failure this test exists for
                    raise AssertionError(f"{info.name}.{name} does not compile: {exc}") from exc
                seen += 1
            elif isinstance(value, tuple):
                for item in value:
                    pattern = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                    if isinstance(pattern, LazyPattern):
                        assert isinstance(pattern.compiled, re.Pattern)
                        seen += 1
    assert seen > 300


def test_no_module_level_name_of_the_package_is_bound_twice() -> None:
    """A module-level pattern, constant or function defined twice in one module (a new ``_R_CALL`` far below an
    old one) silently replaces the first for every use above it: each file that reaches an old use becomes an
    internal error or a different answer. Each name is bound once."""
    import ast
    from collections import Counter
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    twice = []
    for path in sorted((root / "scanner").rglob("*.py")) + sorted((root / "kernels").rglob("*.py")):
        bound: Counter[str] = Counter()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                bound.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                bound[node.target.id] += 1
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                bound[node.name] += 1
        twice += [f"{path.relative_to(root)}: {name}" for name, n in bound.items() if n > 1]
    assert not twice, twice
