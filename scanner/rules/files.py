"""FIL: files as such — what cannot be inspected goes to a person (fail closed)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.rules.context import FileFacts, RuleContext
from scanner.rules.registry import Shape, rule


@rule("FIL001", "unscannable-file", Severity.REVIEW, (Shape.FILE,))
def unscannable_file(ctx: RuleContext, facts: FileFacts) -> Iterator[Finding]:
    """A file, or part of one, that the scanner could not read or fully inspect.

    What it flags: files that could not be opened, decoded or parsed; kinds the scanner has no reader or
    rules for yet (logs, program code, images, office documents, statistical-package files); parts of a
    file that were skipped (rows with a wrong number of fields, nested columns).

    Why it is disclosive: the scanner fails closed. A file it could not inspect may hold anything, so it
    is never passed: a person must look at it.

    Example: an encrypted workbook (`pass_protected.xlsx`), a Parquet file with an encrypted footer, a
    SAS log before the LOG rules exist.

    Options: severity only.

    References: Statistics Denmark, rules for sending results home ("files that cannot be inspected go
    to a person"); STYLE.md section 8.
    """
    for problem in facts.problems:
        yield ctx.finding(
            f"Could not be fully inspected: {problem}. A person must check this file.",
            masking.note(problem),
            identity=problem,
        )
