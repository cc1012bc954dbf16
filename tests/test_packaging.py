"""The installed packages are ours, and a scan that needs no kernel does not import Numba."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE, REPO


def test_installed_kernels_package_is_sdcscans() -> None:
    import kernels

    assert getattr(kernels, "SDCSCAN_KERNELS", False), (
        f"the importable 'kernels' package ({kernels.__file__}) is not sdcscan's: another distribution "
        "named 'kernels' shadows it; uninstall it (pip uninstall kernels) and reinstall sdcscan")
    assert Path(kernels.__file__).resolve().is_relative_to(REPO), kernels.__file__


def test_installed_scanner_package_is_this_checkout() -> None:
    import scanner

    assert Path(scanner.__file__).resolve().is_relative_to(REPO), scanner.__file__


def test_default_rules_ship_with_the_package() -> None:
    from importlib import resources

    text = resources.files("scanner").joinpath("default_rules.toml").read_text(encoding="utf-8")
    assert text == (REPO / "rules.toml").read_text(encoding="utf-8")


def test_scan_without_kernel_rules_does_not_import_numba() -> None:
    """A scan that needs no kernel (here: only the table and file rules over tables and a note) starts
    without Numba. A log is left out: its printed tables are found by the log kernel."""
    files = [str(p) for p in sorted(EXAMPLE.iterdir()) if p.suffix in {".csv", ".parquet", ".txt"}]
    assert len(files) >= 5
    code = ("import sys; from scanner import api; from scanner.config import load_config; "
            "api.scan(sys.argv[1:], load_config(ignore=['PID']), jobs=1); "
            "print('numba' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True,
                          check=True, timeout=300)
    assert proc.stdout.strip() == "False"


def test_a_log_with_its_rules_off_is_read_without_numba() -> None:
    """With the identifier, log, code and table rules off, nothing needs a log's output blocks: the log is
    not opened by the kernel."""
    code = ("import sys; from scanner import api; from scanner.config import load_config; "
            "api.scan(sys.argv[1:], load_config(ignore=['PID', 'LOG', 'COD', 'TAB', 'MIC', 'EXT']), jobs=1); "
            "print('numba' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(EXAMPLE / "analyse.log")], capture_output=True,
                          text=True, check=True, timeout=300)
    assert proc.stdout.strip() == "False"


def test_example_is_reproducible(tmp_path: Path) -> None:
    """The committed example equals what scripts/make_example.py writes (Parquet compared by content)."""
    import pyarrow.parquet as pq

    subprocess.run([sys.executable, str(REPO / "scripts" / "make_example.py"), str(tmp_path)], check=True,
                   capture_output=True, timeout=300)
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in EXAMPLE.iterdir() if p.name != "README.md")
    assert made == committed
    for name in made:
        if name.endswith(".parquet"):
            assert pq.read_table(tmp_path / name).equals(pq.read_table(EXAMPLE / name)), name
        else:
            assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_the_distribution_includes_every_package_of_the_source_tree() -> None:
    """A package left out of pyproject.toml works in the editable install and breaks every wheel install (a
    batch server's read-only site-packages): the configured patterns must cover every package."""
    import fnmatch
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = sorted(".".join(p.parent.relative_to(REPO).parts) for root in ("scanner", "kernels")
                      for p in (REPO / root).rglob("__init__.py"))
    assert len(packages) >= 10
    missing = [p for p in packages if not any(fnmatch.fnmatchcase(p, pat) for pat in include)]
    assert missing == []
    assert not any(fnmatch.fnmatchcase("tests", pat) or fnmatch.fnmatchcase("benchmarks", pat) for pat in include)


def test_the_version_is_written_once() -> None:
    import tomllib

    import scanner

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in config["project"]["dynamic"] and "version" not in config["project"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "scanner.__version__"}
    assert scanner.__version__.count(".") == 2
