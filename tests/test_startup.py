"""Start-up: what a small scan imports, when kernels compile, and where their cache lives.

No timing here (speed lives in benchmarks/): these tests check the mechanisms that make a small scan start
fast — modules a text file does not need stay unimported, small kernel calls run interpreted with the same
findings, large ones load Numba — and that the Numba cache works for a read-only install and after
``sdcscan warmup``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO

#: pydantic comes in with typer 0.29, which builds a TypeAdapter per option at parse time (pyproject pins <0.29)
HEAVY = ("scipy", "polars", "numba", "pydantic", "pandas")

#: Runs the CLI in-process, then prints (to stderr, after a marker) which heavy modules got imported and the
#: kernel compile counts.
_CLI_PROBE = """
import json, sys
from scanner import cli
sys.argv = ["sdcscan", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
from kernels import _jit
heavy = sorted(m for m in HEAVY if m in sys.modules)
sys.stderr.write("\\nPROBE " + json.dumps({"heavy": heavy, **_jit.compile_stats()}) + "\\n")
""".replace("HEAVY", repr(HEAVY))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SDCSCAN_INTERPRET_BYTES"}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def _probe(args: list[str], env: dict[str, str]) -> tuple[dict[str, object], dict[str, object]]:
    proc = subprocess.run([sys.executable, "-c", _CLI_PROBE, *args], capture_output=True, text=True, env=env,
                          timeout=600)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("PROBE ")]
    assert line, proc.stderr[-2000:]
    return json.loads(proc.stdout), json.loads(line[-1][6:])


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text("Kontrol af udtræk.\nPersonnummer 19880320-0016 fundet i rå data, ordre 20240601.\n"
                    "Beløb 1234,50 kr.\n", encoding="utf-8")
    return path


def _codes(report: dict[str, object]) -> list[tuple[str, int | None]]:
    files = report["files"]
    assert isinstance(files, list)
    return sorted((f["rule"], f["location"]["line"]) for entry in files for f in entry["findings"])


def test_text_scan_imports_no_scipy_polars_or_numba(note: Path) -> None:
    """`sdcscan scan` of a small text file finds its person number without importing SciPy, Polars or
    Numba: the identifier kernel runs interpreted (its own source), as its input is small."""
    report, probe = _probe(["scan", str(note), "--format", "json"], _env())
    assert ("PID001", 2) in _codes(report)
    assert probe["heavy"] == [], f"a small text file's scan imported {probe['heavy']}"


def test_table_scans_import_no_pandas(tmp_path: Path) -> None:
    """A CSV table, a markdown note with a table pasted into it and a log's printed table are read without
    pandas: pyarrow imports it (0.5 s, more than such a file's whole scan) the first time a process turns
    Python or NumPy values into Arrow, so those columns are built through Polars and read from buffers."""
    (tmp_path / "t.csv").write_text("region;koen;antal\nNord;M;12\nNord;K;2\nSyd;M;30\nSyd;K;41\n", encoding="utf-8")
    (tmp_path / "note.md").write_text("# Resultater\n\n| region | antal |\n|---|---|\n| Nord | 14 |\n| Syd | 1 |\n",
                                      encoding="utf-8")
    (tmp_path / "run.log").write_text(". tab region\n\n     region |      Freq.     Percent        Cum.\n"
                                      "------------+-----------------------------------\n"
                                      "       Nord |          2        4.00        4.00\n"
                                      "        Syd |         48       96.00      100.00\n"
                                      "------------+-----------------------------------\n"
                                      "      Total |         50      100.00\n", encoding="utf-8")
    report, probe = _probe(["scan", str(tmp_path), "--format", "json"], _env())
    assert {"t.csv", "note.md", "run.log"} <= {Path(f["path"]).name for f in report["files"]
                                              if any(x["rule"] == "TAB001" for x in f["findings"])}
    assert "pandas" not in probe["heavy"]


def test_large_calls_load_numba_with_the_same_findings(note: Path) -> None:
    """Above the interpreter's size limit the compiled kernel runs, and reports the same findings."""
    small, _ = _probe(["scan", str(note), "--format", "json"], _env())
    large, probe = _probe(["scan", str(note), "--format", "json"], _env(SDCSCAN_INTERPRET_BYTES="16"))
    assert "numba" in probe["heavy"]
    assert _codes(large) == _codes(small)


def _report_without_times(report: dict[str, object]) -> dict[str, object]:
    files = report["files"]
    assert isinstance(files, list)
    return {"files": [{k: v for k, v in f.items() if k != "seconds"} for f in files], "errors": report["errors"]}


def test_interpreted_and_compiled_scans_of_the_example_agree() -> None:
    """The bundled example (tables, a log, a note, microdata) scanned with small kernel calls interpreted,
    as a short scan runs, and with every call compiled: the same report."""
    interpreted, probe = _probe(["scan", str(EXAMPLE), "--format", "json"], _env())
    assert "numba" not in probe["heavy"]  # it was all interpreted
    compiled, probe = _probe(["scan", str(EXAMPLE), "--format", "json"], _env(SDCSCAN_INTERPRET_BYTES="0"))
    assert "numba" in probe["heavy"]
    assert _report_without_times(interpreted) == _report_without_times(compiled)


def test_importing_kernels_does_not_import_numba() -> None:
    code = ("import sys; from kernels import pid, cells, logscan; from kernels import _jit; "
            "before = 'numba' in sys.modules; _jit.compile_all(); "
            "import numba.core.registry as r; "
            "print(before, isinstance(pid.scan_bytes, r.CPUDispatcher), isinstance(pid._scan_span, r.CPUDispatcher))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True,
                          timeout=300)
    # before loading: no Numba; after: every kernel (and the callees compiled code resolves) a dispatcher
    assert proc.stdout.split() == ["False", "True", "True"]


def _as_unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them: drop its override)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only directory cannot be made read-only for us")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def test_read_only_install_caches_per_user(tmp_path: Path, note: Path) -> None:
    """A package installed read-only for many users: the kernel cache goes to the user's cache directory
    (seeded from the package's own cache, written at install time), and the package is left untouched."""
    from kernels import _jit
    from scanner import pid_scan

    # The install-time step: the identifier kernel compiled into the package's cache (as `sdcscan warmup`).
    _jit.compile_all()
    pid_scan.scan_text_file(note, ["se"])
    site = tmp_path / "site"
    for pkg in ("kernels", "scanner"):
        shutil.copytree(REPO / pkg, site / pkg, ignore=shutil.ignore_patterns("*.pyc"))
    for p in [site, *site.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "SDCSCAN_INTERPRET_BYTES")}
    env.update(HOME=str(home), PYTHONPATH=str(site), SDCSCAN_INTERPRET_BYTES="0", PYTHONDONTWRITEBYTECODE="1")
    code = ("import json, os, sys; from pathlib import Path; import kernels; from kernels import _jit; "
            "from scanner.pid_scan import scan_text_file; "
            "r = scan_text_file(Path(sys.argv[1]), ['se']); "
            "print(json.dumps({'codes': [d.kind.code for d in r.detections], 'kernels': kernels.__file__, "
            "'cache': str(_jit.cache_dir()), 'env': os.environ.get('NUMBA_CACHE_DIR'), **_jit.compile_stats()}))")
    before = sorted(str(p) for p in site.rglob("*"))
    try:
        proc = subprocess.run([*_as_unprivileged(), sys.executable, "-c", code, str(note)], capture_output=True,
                              text=True, env=env, cwd=home, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = json.loads(proc.stdout)
        assert out["kernels"].startswith(str(site))
        assert out["codes"] == ["PID001"]
        user_cache = home / ".cache" / "sdcscan" / "numba"
        assert out["env"] == out["cache"] == str(user_cache)
        assert list(user_cache.rglob("*.nbi")), "nothing cached in the user's cache directory"
        assert out["compiled"] == 0 and out["loaded"] >= 1, out  # seeded from the package's cache
        assert sorted(str(p) for p in site.rglob("*")) == before, "the read-only package was written to"
    finally:
        for p in [site, *site.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.mark.slow
def test_after_warmup_the_example_compiles_nothing(tmp_path: Path) -> None:
    """`sdcscan warmup` compiles every kernel signature that a scan and the tables of the bundled example
    use, and a large text's scan: afterwards a fresh process compiles nothing (everything loads from the
    cache)."""
    from scanner import synth

    big = tmp_path / "big.txt"
    text, _ = synth.document(400, 3, plant=dict.fromkeys(synth.KINDS, 2))
    big.write_text(text * (1 + (5 << 20) // len(text)), encoding="utf-8")  # several MiB: the block path
    # an empty cache of its own: what warm-up compiles is all there is (else other tests' compiles count)
    env = _env(SDCSCAN_INTERPRET_BYTES="0", NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    subprocess.run([sys.executable, "-m", "scanner.cli", "warmup"], env=env, check=True, capture_output=True,
                   timeout=1800)
    code = ("import json, sys; from kernels import _jit; from scanner import api; "
            "from scanner.config import load_config; from scanner.tables.compute import Stat, TableSpec; "
            "api.scan([sys.argv[1]], load_config(), jobs=1); "
            "data = sys.argv[1] + '/udtraek_personer.csv'; "
            "api.table(data, TableSpec(('region', 'koen'))); "
            "api.table(data, TableSpec(('region', 'alder'), value='aarsindkomst', stat=Stat.SUM), threads=1); "
            "api.table(data, TableSpec(('region',), value='aarsindkomst', unit='LopNr', stat=Stat.SUM)); "
            "api.scan([sys.argv[2]], load_config(), jobs=1); "
            "print(json.dumps(_jit.compile_stats()))")
    proc = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(big)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads(proc.stdout.splitlines()[-1])
    assert stats["compiled"] == 0 and stats["loaded"] > 0, stats


def test_loading_the_kernels_imports_no_scipy_linalg() -> None:
    """Loading Numba and running a compiled kernel does not import SciPy's linear algebra (Numba's NumPy
    registry imports scipy.linalg only to learn whether BLAS is there: kernels._jit refuses it for that
    import), and scipy.linalg still imports later in the same process."""
    code = ("import sys, numpy as np; from kernels import _jit, pid; from scanner.pid_scan import _keywords; "
            "_jit.compile_all(); buf = np.frombuffer(b'pnr 19880320-0016 ' * 4, np.uint8); "
            "kw, off, cls = _keywords(); pid.scan_bytes(buf, 0, len(buf), 48, kw, off, cls, 0); "
            "before = 'scipy.linalg' in sys.modules; import scipy.linalg; "
            "print(before, float(scipy.linalg.norm(np.ones(4))), _jit.numba_loaded())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True,
                          timeout=300)
    assert proc.stdout.split() == ["False", "2.0", "True"]


def test_no_kernel_needs_blas() -> None:
    """Without SciPy's BLAS Numba compiles np.dot, np.cov and np.linalg differently or not at all: no kernel
    may use them (see kernels._jit._load_numpy_registries)."""
    import ast

    needs_blas = {"dot", "vdot", "inner", "outer", "matmul", "cov", "corrcoef", "convolve", "correlate", "linalg"}
    for path in sorted((REPO / "kernels").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            numpy_name = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in ("np", "numpy")
            if numpy_name:
                assert node.attr not in needs_blas, f"{path.name}:{node.lineno} uses np.{node.attr}"
            assert not isinstance(node, ast.MatMult), f"{path.name}: the @ operator"
