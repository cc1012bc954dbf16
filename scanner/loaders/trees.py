"""Decision trees printed as text: R rpart's ``print(fit)`` and scikit-learn's ``export_text(show_weights=True)``.

A tree's nodes are groups of units with their counts: rpart prints each node's ``n`` (and, for a classification
tree, its ``loss``: the units not of the node's class), scikit-learn each leaf's class weights (counts of units
unless the fit was weighted). A node of 2 units, or a leaf with 1 unit of the other class, is a small cell like
any other: the conditions on the path to it say who they are. These printouts are no columns a table reader
aligns, so they are parsed here, line by line, into tables of nodes whose count columns are marked as counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.lazy_regex import lazy_compile
from scanner.loaders.texttables import TextTable

# rpart's legend over its nodes: "node), split, n, loss, yval, (yprob)" (classification) or "node), split, n,
# deviance, yval" (regression).
_RPART_HEADER = lazy_compile(r"^\s*node\),\s*split,\s*n,\s*(\w+)")
# "15) ant_sygedage>=361.5 2 0 1 (0.00000 1.00000) *", "2) alder< 52.5 120 3456.7 12.3"
_RPART_NODE = lazy_compile(r"^\s*(\d+)\)\s+(.+?)\s+(\d+)\s+([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s+(\S+)"
                           r"(?:\s+\(([^)]*)\))?\s*(\*)?\s*$")
# scikit-learn's export_text: "|   |--- age <= 74.50", "|   |   |--- weights: [0.00, 2.00] class: 1"
_SK_LINE = lazy_compile(r"^((?:\|   |    )*)\|--- (.*)$")
# (and a leaf written with its size and class counts: "samples: 2, value: [0, 2], class: 1")
_SK_WEIGHTS = lazy_compile(r"^(?:samples:\s*\d+,?\s*)?(?:weights|value):\s*\[([^\]]*)\],?\s*class:\s*(.*)$")
_WHOLE = lazy_compile(r"^\d+(?:\.0+)?$")


def tree_tables(text: str, first_line: int) -> Iterator[TextTable]:
    """The printed trees in ``text`` (lines numbered from ``first_line``) as tables of their nodes."""
    if "node)" in text:
        yield from _rpart_tables(text, first_line)
    if "|--- " in text:
        yield from _sklearn_tables(text, first_line)


def _rpart_tables(text: str, first_line: int) -> Iterator[TextTable]:
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        m = _RPART_HEADER.match(lines[k])
        k += 1
        if m is None:
            continue
        second = m.group(1).lower()  # "loss" (classification) or "deviance" (regression)
        rows: list[list[str]] = []
        at: list[int] = []
        while k < len(lines) and (not lines[k].strip() or lines[k].lstrip().startswith("*")
                                  or _RPART_NODE.match(lines[k])):
            node = _RPART_NODE.match(lines[k])
            if node is not None:
                label = f"{node.group(1)}) {node.group(2)}" + (" (leaf)" if node.group(7) else "")
                rows.append([label, node.group(3), node.group(4) if second == "loss" else ""])
                at.append(first_line + k)
            k += 1
        if len(rows) >= 2:
            counts = ("n", "loss") if second == "loss" else ("n",)
            names = ["node", "n", "loss" if second == "loss" else "deviance"]
            yield TextTable(names, rows, at[0], "rpart-tree", tuple(at), ("node",), counts)


def _sklearn_tables(text: str, first_line: int) -> Iterator[TextTable]:
    lines = text.split("\n")
    path: list[str] = []
    rows: list[list[str]] = []
    at: list[int] = []
    width = 0

    def flush() -> Iterator[TextTable]:
        if len(rows) >= 2 and width:
            names = ["leaf", *(f"class weight {j + 1}" for j in range(width))]
            whole = all(_WHOLE.match(v) for r in rows for v in r[1:])
            yield TextTable(names, [list(r) for r in rows], at[0], "sklearn-tree", tuple(at), ("leaf",),
                            tuple(names[1:]) if whole else ())

    for k, line in enumerate(lines):
        m = _SK_LINE.match(line.rstrip())
        if m is None:
            if line.strip() and rows:
                yield from flush()
                rows, at, path, width = [], [], [], 0
            continue
        depth = len(m.group(1)) // 4
        body = m.group(2).strip()
        weights = _SK_WEIGHTS.match(body)
        if weights is None:
            path[depth:] = [body]
            continue
        values = [v.strip() for v in weights.group(1).split(",") if v.strip()]
        if width and len(values) != width:
            continue
        width = len(values)
        rows.append([" & ".join(path[:depth]) or "root", *(re.sub(r"\.0+$", "", v) for v in values)])
        at.append(first_line + k)
    yield from flush()
