"""The nightly batch (``sdcscan batch``): :mod:`.run` walks the projects and drives a run, :mod:`.executors`
scans files on workers (in this process, local processes or Dask distributed), :mod:`.state` keeps results
and approvals in SQLite."""

from scanner.batch.executors import WORKER_DIED, BatchError, FileOutcome, FileTask, Job, scan_task
from scanner.batch.run import (
    BatchProgress,
    BatchSummary,
    LogProgress,
    ProjectSummary,
    ReportPermissions,
    approve,
    config_hash,
    report_name,
    run_batch,
)

__all__ = [
    "WORKER_DIED",
    "BatchError",
    "BatchProgress",
    "BatchSummary",
    "FileOutcome",
    "FileTask",
    "Job",
    "LogProgress",
    "ProjectSummary",
    "ReportPermissions",
    "approve",
    "config_hash",
    "report_name",
    "run_batch",
    "scan_task",
]
