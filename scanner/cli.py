"""The ``sdcscan`` command line: parse arguments, call :mod:`scanner.api`, render, exit 0/1/2.

Exit codes (ruff/uv convention): 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage,
configuration or internal error. Every exception is mapped here: an uncaught one would exit 1 and read as
"findings". Results go to stdout (or ``--output``), progress and logs to stderr.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from scanner import __version__
from scanner.findings import FileResult, ScanResult, Severity

if TYPE_CHECKING:
    from rich.progress import TaskID

    from scanner.config import Config

__all__ = ["app", "main"]

log = logging.getLogger("scanner")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="sdcscan",
    help="Statistical disclosure scanner: decides whether research outputs may leave a secure environment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


class OutputFormat(enum.StrEnum):
    CONSOLE = "console"
    JSON = "json"


class ReportFormat(enum.StrEnum):
    """``scan --format``: every renderer of a ScanResult (scanner.reporters.Format)."""

    CONSOLE = "console"
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"
    ACRO = "acro"


class FailOn(enum.StrEnum):
    INFO = "info"
    REVIEW = "review"
    BLOCK = "block"


def _fail(message: str) -> NoReturn:
    typer.echo(f"sdcscan: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sdcscan: %(levelname)s: %(message)s"))
    root = logging.getLogger("scanner")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _load_config(rules: Path | None, profile: str | None, select: list[str] | None,
                 ignore: list[str] | None) -> Config:
    from scanner.config import ConfigError, load_config

    try:
        return load_config(rules, profile=profile, select=_split(select), ignore=_split(ignore))
    except ConfigError as exc:
        _fail(str(exc))


class _ProgressBar:
    """A rich progress bar on stderr (files and bytes); only drawn when stderr is a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        # Two tasks: files (n/N) and bytes (a bar). transient=True: the bar disappears when done.
        self._progress = Progress(
            TextColumn("{task.description:>5}"), BarColumn(), TaskProgressColumn(show_speed=False),
            TextColumn("{task.completed:.0f}/{task.total:.0f}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )
        self._files: TaskID | None = None
        self._bytes: TaskID | None = None

    def start(self, files: int, total_bytes: int) -> None:
        self._progress.start()
        self._files = self._progress.add_task("files", total=files)
        self._bytes = self._progress.add_task("bytes", total=max(total_bytes, 1))

    def advance(self, result: FileResult) -> None:
        self.advance_bytes(result.bytes)

    def advance_bytes(self, nbytes: int) -> None:
        """One more file of ``nbytes`` done."""
        if self._files is not None and self._bytes is not None:
            self._progress.update(self._files, advance=1)
            self._progress.update(self._bytes, advance=nbytes)

    def stop(self) -> None:
        self._progress.stop()


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def _emit(text: str, output: Path | None) -> None:
    """The report to stdout, or to ``output`` (exit 2 when it cannot be written)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _exit_code(result: ScanResult, fail_on: FailOn, exit_zero: bool) -> int:
    if exit_zero:
        return EXIT_OK
    threshold = Severity.parse(fail_on.value)
    worst = result.worst()
    return EXIT_FINDINGS if worst is not None and worst >= threshold else EXIT_OK


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to scan.", show_default=False)],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format (acro: ACRO/SACRO-Viewer "
                                                                     "results.json).")] = ReportFormat.CONSOLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    profile: Annotated[str | None, typer.Option(help="Rule profile: dst, scb, acro, opensafely...")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Site rules file (TOML).")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on findings at or above this.")] = FailOn.REVIEW,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")] = False,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob patterns of paths to skip.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the report.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail (-vv: debug).")] = 0,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Never draw a progress bar.")] = False,
) -> None:
    """Scan files and folders of an export request; give each file a verdict (pass, review, fail)."""
    from scanner import api
    from scanner.discover import DiscoveryError
    from scanner.reporters import Format, render

    _setup_logging(verbose, quiet)
    config = _load_config(rules, profile, select, ignore)
    if output is not None and any(_inside(output, p) for p in paths if p.is_dir()):
        _fail(f"refusing to write the report to {output}: it is inside a scanned folder "
              "(the scanner never writes into what it scans)")
    bar = _ProgressBar() if (sys.stderr.isatty() and not no_progress and not quiet) else None
    try:
        result = api.scan(paths, config, jobs=jobs, exclude=_split(exclude) or (), progress=bar)
    except (DiscoveryError, api.ScanError) as exc:
        _fail(str(exc))
    finally:
        if bar is not None:
            bar.stop()
    buffer = io.StringIO()
    # Colour only on a terminal (the StringIO is not one, so say it here); NO_COLOR is honoured by rich.
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    render(result, Format(fmt.value), buffer, color=color, verbose=verbose > 0, roots=paths)
    _emit(buffer.getvalue(), output)
    if output is not None and not quiet:
        counts = ", ".join(f"{n} {v.value}" for v, n in result.counts.items())
        typer.echo(f"sdcscan: report written to {output} ({len(result.files)} files: {counts})", err=True)
    raise typer.Exit(_exit_code(result, fail_on, exit_zero))


class StatChoice(enum.StrEnum):
    COUNT = "count"
    SUM = "sum"
    MEAN = "mean"


@app.command("table")
def table_cmd(
    data: Annotated[Path, typer.Argument(
        help="Microdata: CSV, Parquet, Arrow/Feather, SAS (.sas7bdat, .xpt), Stata, SPSS.", show_default=False)],
    by: Annotated[list[str], typer.Option("--by", help="Dimension columns (comma-separated).", show_default=False)],
    value: Annotated[str | None, typer.Option("--value", help="Numeric column to sum (dominance rules).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit id column (person, firm): contributions "
                                                            "and counts per unit.")] = None,
    stat: Annotated[StatChoice | None, typer.Option("--stat", help="What each cell shows (default: sum with "
                                                                   "--value, else count).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the safe table (.csv, .parquet, .xlsx).")] = None,
    check: Annotated[Path | None, typer.Option("--check", help="Check this exported table (CSV) against the "
                                                               "microdata instead of building one.")] = None,
    check_column: Annotated[str | None, typer.Option("--check-column", help="The number column of the "
                                                                            "exported table.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format (json: every cell).")]
    = OutputFormat.CONSOLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    profile: Annotated[str | None, typer.Option(help="Rule profile: dst, scb, acro, opensafely...")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Site rules file (TOML).")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to run.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to skip.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on findings at or above this.")] = FailOn.REVIEW,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")] = False,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Kernel threads (default: all cores).")]
    = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the report.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail.")] = 0,
) -> None:
    """Build a safe table from microdata (margins, per-cell rules, suppression), or check an exported one."""
    from scanner.loaders.base import LoadError
    from scanner.tables.build import build_table
    from scanner.tables.compute import Stat, TableError, TableSpec
    from scanner.tables.writers import cells_json, write_safe_table

    _setup_logging(verbose, quiet)
    config = _load_config(rules, profile, select, ignore)
    dims = _split(by) or []
    chosen = Stat(stat.value) if stat is not None else (Stat.SUM if value else Stat.COUNT)
    for target, what in ((out, "--out"), (output, "--output")):
        if target is not None and target.exists() and any(
                target.resolve() == p.resolve() for p in (data, check) if p is not None and p.exists()):
            _fail(f"{what} {target} would overwrite an input file")
    try:
        spec = TableSpec(tuple(dims), value=value, unit=unit, stat=chosen)
        result = build_table(data, spec, config, threads=threads, check=check, check_column=check_column)
    except (TableError, LoadError, KeyError) as exc:
        reason = exc.reason if isinstance(exc, LoadError) else (exc.args[0] if exc.args else str(exc))
        _fail(f"{data.name}: {reason}")
    except FileNotFoundError as exc:
        _fail(f"no such file: {exc.filename or data}")
    if out is not None:
        if not result.safe:
            typer.echo(f"sdcscan: not writing {out}: the table is not safe to publish (see the findings)", err=True)
        else:
            try:
                write_safe_table(result, out)
            except TableError as exc:
                _fail(str(exc))
            except OSError as exc:
                _fail(f"cannot write {out}: {exc.strerror or exc}")
            if not quiet:
                typer.echo(f"sdcscan: safe table written to {out}", err=True)
    buffer = io.StringIO()
    if fmt is OutputFormat.JSON:
        import orjson

        # orjson: the per-cell report of a large table is tens of thousands of dicts (json.dumps took
        # longer than computing the cells); NaN never reaches it (cells_json writes null).
        buffer.write(orjson.dumps(cells_json(result), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")
    else:
        from scanner.reporters.table_console import render_summary

        render_summary(result, buffer, verbose=verbose > 0)
    _emit(buffer.getvalue(), output)
    threshold = Severity.parse(fail_on.value)
    worst = max((f.severity for f in result.findings), default=None)
    failed = worst is not None and worst >= threshold
    raise typer.Exit(EXIT_FINDINGS if failed and not exit_zero else EXIT_OK)


@app.command("rule")
def rule_cmd(
    code: Annotated[str | None, typer.Argument(help="Rule code (e.g. TAB001); all rules if omitted.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.CONSOLE,
) -> None:
    """Explain a rule (its documentation), or list every rule."""
    from scanner.rules.registry import all_rules

    specs = all_rules()
    if code is None:
        if fmt is OutputFormat.JSON:
            typer.echo(json.dumps([{"code": s.code, "name": s.name, "severity": s.severity.label,
                                    "summary": s.summary} for s in specs], indent=2, ensure_ascii=False))
        else:
            for s in specs:
                typer.echo(f"{s.code}  {s.name:<24} {s.severity.label:<7} {s.summary}")
        return
    wanted = code.strip().upper()
    match = [s for s in specs if s.code == wanted]
    if not match:
        import difflib

        close = difflib.get_close_matches(wanted, [s.code for s in specs], n=1)
        _fail(f"unknown rule {code!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    s = match[0]
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps({"code": s.code, "name": s.name, "severity": s.severity.label,
                               "shapes": sorted(x.value for x in s.shapes), "doc": s.doc},
                              indent=2, ensure_ascii=False))
    else:
        typer.echo(f"{s.code} {s.name} (default severity: {s.severity.label})\n\n{s.doc}")


@config_app.command("show")
def config_show(
    profile: Annotated[str | None, typer.Option(help="Rule profile.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Site rules file (TOML).")] = None,
    select: Annotated[list[str] | None, typer.Option()] = None,
    ignore: Annotated[list[str] | None, typer.Option()] = None,
) -> None:
    """Print the effective configuration (defaults + site file + options) as JSON."""
    config = _load_config(rules, profile, select, ignore)
    typer.echo(json.dumps(config.as_dict(), indent=2, ensure_ascii=False))


class _BatchBar:
    """The scan's progress bar, fed by the batch (files read and their bytes)."""

    def __init__(self) -> None:
        self._bar = _ProgressBar()

    def start(self, files: int, total_bytes: int) -> None:
        self._bar.start(files, total_bytes)

    def advance(self, nbytes: int) -> None:
        self._bar.advance_bytes(nbytes)

    def stop(self) -> None:
        self._bar.stop()


def _report_formats(values: list[str] | None) -> list[str]:
    from scanner.reporters import Format

    names = _split(values) or [Format.JSON.value]
    known = [f.value for f in Format]
    for name in names:
        if name not in known:
            _fail(f"--formats: unknown report format {name!r} (one of: {', '.join(known)})")
    return list(dict.fromkeys(names))


def _octal_mode(text: str) -> int:
    try:
        mode = int(text, 8)
    except ValueError:
        _fail(f"--report-mode {text!r}: expected an octal file mode such as 0640")
    if not 0 <= mode <= 0o777:
        _fail(f"--report-mode {text!r}: only permission bits (0000 to 0777)")
    if mode & 0o002:
        _fail(f"--report-mode {text!r}: reports must not be writable by everyone")
    return mode


@app.command("batch")
def batch_cmd(
    roots: Annotated[list[Path], typer.Argument(help="Folders of project folders.", show_default=False)],
    state: Annotated[Path, typer.Option("--state", help="The state database (SQLite), outside the roots.",
                                        show_default=False)],
    reports: Annotated[Path, typer.Option("--reports", show_default=False,
                                          help="Folder for the reports (DIR/<project>/, DIR/summary.json), "
                                               "outside the roots.")],
    projects: Annotated[str, typer.Option("--projects", help="Glob of project folders under each root.")] = "*",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="local:N (a Dask LocalCluster of N workers), tcp://HOST:PORT (a Dask scheduler), "
                            "or serial; default: worker processes on this machine.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (no --scheduler).")]
    = None,
    formats: Annotated[list[str] | None, typer.Option("--formats", help="Report formats per project "
                                                                        "(comma-separated; default json).")] = None,
    report_mode: Annotated[str, typer.Option("--report-mode", help="Octal mode of the report files.")] = "0640",
    report_group: Annotated[str | None, typer.Option(
        "--report-group", help="Group of the report files; {project} is replaced by the project's name.")] = None,
    profile: Annotated[str | None, typer.Option(help="Rule profile: dst, scb, acro, opensafely...")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Site rules file (TOML).")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob patterns of paths to skip.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on findings at or above this.")] = FailOn.REVIEW,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail (-vv: debug).")] = 0,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar (log lines instead).")]
    = False,
) -> None:
    """The nightly scan of every project folder: incremental (a state database), parallel, or on Dask."""
    from scanner.batch import BatchError, LogProgress, ReportPermissions, run_batch
    from scanner.batch.state import StateError
    from scanner.reporters import Format

    _setup_logging(verbose, quiet)
    config = _load_config(rules, profile, select, ignore)
    chosen = [Format(f) for f in _report_formats(formats)]
    permissions = ReportPermissions(_octal_mode(report_mode), report_group)
    progress: Any = None
    if not quiet:
        progress = _BatchBar() if sys.stderr.isatty() and not no_progress else LogProgress()
    try:
        summary = run_batch(roots, config, state, reports, projects, scheduler, jobs=jobs, formats=chosen,
                            permissions=permissions, exclude=_split(exclude) or (), progress=progress)
    except (BatchError, StateError) as exc:
        _fail(str(exc))
    sys.stdout.write(summary.table())
    sys.stdout.flush()
    for error in summary.errors:
        typer.echo(f"sdcscan: error: {error}", err=True)
    if not quiet:
        typer.echo(f"sdcscan: reports in {reports}, summary in {reports / 'summary.json'} "
                   f"({summary.seconds:.1f} s)", err=True)
    if summary.errors:
        raise typer.Exit(EXIT_ERROR)
    if exit_zero:
        raise typer.Exit(EXIT_OK)
    worst = summary.worst
    raise typer.Exit(EXIT_FINDINGS if worst is not None and worst >= Severity.parse(fail_on.value) else EXIT_OK)


@app.command("approve")
def approve_cmd(
    fingerprint: Annotated[str, typer.Argument(help="The finding's fingerprint (from a batch report).",
                                               show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why the finding is acceptable.", show_default=False)],
    state: Annotated[Path, typer.Option("--state", help="The batch's state database.", show_default=False)],
) -> None:
    """Accept a finding (stored with who and when in the state): it no longer fails its file in later batch
    reports, until the file's content changes."""
    from scanner.batch import approve
    from scanner.batch.state import StateError

    try:
        done = approve(state, fingerprint, reason)
    except StateError as exc:
        _fail(str(exc))
    for a in done:
        typer.echo(f"accepted {a.fingerprint} ({a.rule} in {a.path}) by {a.who} at {a.at}: holds until the file "
                   "changes")


@app.command()
def warmup(
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Kernel threads to warm (default: all "
                                                                        "cores).")] = None,
) -> None:
    """Compile every kernel into the Numba cache (run once after installing; `make install` does)."""
    from scanner.warmup import warm

    report = warm(threads=threads)
    typer.echo(f"sdcscan: kernels ready in {report.seconds:.1f} s: {report.compiled} compiled, {report.loaded} "
               f"loaded from the cache ({report.cache_dir})", err=True)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes: under a minute (the CI smoke run).")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON to FILE.")] = None,
    directory: Annotated[Path | None, typer.Option("--dir", help="Where the workload is generated and kept "
                                                                 "(default: the user's cache folder).")] = None,
    threads: Annotated[str | None, typer.Option("--threads", help="sdcscan's thread counts, comma-separated "
                                                                  "(default: 1, 2, 4... all cores).")] = None,
    rows: Annotated[str | None, typer.Option("--rows", help="Table sizes in rows, comma-separated.")] = None,
    text_mb: Annotated[int | None, typer.Option("--text-mb", min=1, help="Identifier text size in MiB.")] = None,
    files: Annotated[int | None, typer.Option("--files", min=1, help="Number of small files.")] = None,
    repeat: Annotated[int | None, typer.Option("--repeat", min=1, help="Timed runs per measurement "
                                                                       "(median).")] = None,
    no_peers: Annotated[bool, typer.Option("--no-peers", help="Run sdcscan only.")] = False,
) -> None:
    """Benchmark this machine: sdcscan's engines at 1..N threads beside DuckDB, Polars and ripgrep."""
    from scanner.bench import BenchConfig, MiB, render, run_bench

    try:
        sizes = {"table_rows": tuple(int(r.replace("_", "")) for r in rows.split(",")) if rows else None,
                 "text_bytes": text_mb * MiB if text_mb else None, "files": files, "repeat": repeat,
                 "threads": tuple(int(t) for t in threads.split(",")) if threads else None}
    except ValueError:
        _fail("--rows and --threads take whole numbers separated by commas")
    if any(t < 1 for t in sizes["threads"] or ()) or any(r < 1 for r in sizes["table_rows"] or ()):
        _fail("--rows and --threads must be at least 1")
    options = {k: v for k, v in sizes.items() if v is not None}
    config = BenchConfig.quick(**options) if quick else BenchConfig(**options)
    config = BenchConfig(**{**{f: getattr(config, f) for f in config.__slots__},  # type: ignore[attr-defined]
                            "peers": not no_peers, "directory": directory})
    try:
        report = run_bench(config, progress=lambda msg: typer.echo(f"sdcscan bench: {msg}", err=True))
    except (OSError, RuntimeError) as exc:
        _fail(str(exc))
    typer.echo("\n".join(render(report)))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {json_out}: {exc.strerror or exc}")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"sdcscan {__version__}")


def main() -> None:
    """Console-script entry point: run the app and map every outcome to exit code 0, 1 or 2."""
    try:
        # standalone_mode=False: typer.Exit comes back as a return value and other errors as exceptions,
        # so every outcome is mapped to 0/1/2 here rather than by click's defaults (Abort exits 1).
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc != EXIT_OK:
            sys.exit(rc if rc in (EXIT_FINDINGS, EXIT_ERROR) else EXIT_ERROR)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit as exc:
        sys.exit(exc.code if exc.code in (EXIT_OK, EXIT_FINDINGS) else EXIT_ERROR)
    except KeyboardInterrupt:
        typer.echo("sdcscan: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        typer.echo("sdcscan: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, bad value
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"sdcscan: error: {exc}", err=True)
        code = getattr(exc, "exit_code", EXIT_ERROR)
        sys.exit(EXIT_OK if code == 0 else EXIT_ERROR)
    except Exception as exc:
        # Type only: a message could carry data from a file.
        typer.echo(f"sdcscan: internal error ({type(exc).__name__}); rerun with -vv and report it", err=True)
        if os.environ.get("SDCSCAN_DEBUG"):
            raise
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)


#: Commands that keep state (the SQLite history) or run Dask: they leave through the interpreter's own exit.
_STATEFUL = frozenset({"batch", "approve"})


def run() -> NoReturn:
    """Console-script entry point: :func:`main`, then leave without the interpreter's teardown once the
    report is written and the streams flushed. Arrow's and Parquet's native thread pools can abort the
    process while being torn down at exit ("terminate called without an active exception", SIGABRT; seen
    here once in a few hundred scans, apache/arrow#34314 and #39862): a finished scan must exit with its
    own code. Every temporary directory is removed in a ``finally`` before this point."""
    try:
        main()
        code = EXIT_OK
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_ERROR)
    if _STATEFUL & set(sys.argv[1:2]):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # (a closed pipe: nothing more can be written anyway)
            stream.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
