"""Plain-Python specification of ``kernels.logscan``: line classes, output blocks and comparisons.

Written for reading, not speed: each line is classified from its start with string tests, and each
comparison is found by walking the line's operators. ``tests/test_logs.py`` holds the kernel to the same
results on hand-written and random inputs.
"""

from __future__ import annotations

import re

from kernels.logscan import (
    CLASS_BLANK,
    CLASS_CODE,
    CLASS_MESSAGE,
    CLASS_OUTPUT,
    HASH_MASK,
    MODE_CODE,
    MODE_OUTPUT,
    MODE_PYTHON,
    MODE_R,
    MODE_SAS,
    MODE_STATA,
)

Block = tuple[int, int, int, int, int, int]
Comparison = tuple[int, int, int, int, int, int]
Mark = tuple[int, int, int]

_NAME_START = {*range(65, 91), *range(97, 123), 95, *range(128, 256)}
_NAME = _NAME_START | set(range(48, 58))
_DIGITS = set(range(48, 58))
_BLANK = {32, 9}


def name_hash(name: bytes) -> int:
    """Two polynomial hashes of the lower-cased ASCII bytes (each byte + 1) modulo 2**31 - 1 and 2147483629,
    the first in the high 31 bits."""
    h1 = h2 = 0
    for b in name:
        c = (b + 32 if 65 <= b <= 90 else b) + 1
        h1 = (h1 * 1000003 + c) % 2147483647
        h2 = (h2 * 999983 + c) % 2147483629
    return ((h1 << 31) | h2) & HASH_MASK


def classify(line: bytes, mode: int, prev: int) -> int:
    """The class of one line (without its LF)."""
    if not line.strip(b" \t\r\x0c"):
        return CLASS_BLANK
    if mode == MODE_CODE:
        return CLASS_CODE
    if mode == MODE_OUTPUT:
        return CLASS_OUTPUT
    if mode == MODE_SAS:
        if line[:1].isdigit():
            rest = line.lstrip(b"0123456789")
            return CLASS_CODE if rest.startswith(b" ") else CLASS_OUTPUT
        for word in (b"NOTE", b"WARNING", b"ERROR", b"INFO"):
            if line.startswith(word):
                after = line[len(word):]
                if after.startswith(b":") or (after.startswith(b" ") and after[1:2].isdigit()):
                    return CLASS_MESSAGE
        if line.startswith(b"MPRINT("):
            return CLASS_CODE
        if line.startswith((b"MLOGIC(", b"MACROGEN(", b"SYMBOLGEN:")):
            return CLASS_MESSAGE
        if line[:1] in (b" ", b"\t") and prev == CLASS_MESSAGE:
            return CLASS_MESSAGE
        return CLASS_OUTPUT
    nxt = line[1:2]
    if mode == MODE_STATA:
        if line.startswith(b".") and nxt in (b" ", b"", b"\r"):
            return CLASS_CODE
        if line.startswith(b"> ") and prev == CLASS_CODE:
            return CLASS_CODE
        return CLASS_OUTPUT
    if mode == MODE_R:
        if line.startswith(b">") and nxt in (b" ", b"", b"\r"):
            return CLASS_CODE
        if line.startswith(b"+ ") and prev == CLASS_CODE:
            return CLASS_CODE
        return CLASS_OUTPUT
    if mode == MODE_PYTHON:
        after = line[3:4]
        if line.startswith(b">>>") and after in (b" ", b"", b"\r"):
            return CLASS_CODE
        if line.startswith(b"...") and after in (b" ", b"", b"\r") and prev == CLASS_CODE:
            return CLASS_CODE
        if re.match(rb"In \[\d+\]:", line):
            return CLASS_CODE
        if line.lstrip(b" \t\r\x0c").startswith(b"...:") and prev == CLASS_CODE:
            return CLASS_CODE
        return CLASS_OUTPUT
    return CLASS_OUTPUT


def _skip_blank(line: bytes, p: int) -> int:
    while p < len(line) and line[p] in _BLANK:
        p += 1
    return p


def _literal_start(line: bytes, q: int) -> bool:
    """A literal, a list of literals, or a macro reference (``&x``, `` `x' ``, ``$x``) starts at ``q``."""
    if q >= len(line):
        return False
    if line[q] in _DIGITS or line[q:q + 1] in (b'"', b"'", b"(", b"[", b"{", b"&", b"`", b"$"):
        return True
    return line[q:q + 2] in (b"c(", b"C(")


def _literal_end(line: bytes, p: int) -> bool:
    """The text before ``p`` ends (blanks aside) with a closing quote or a number that ends no name."""
    left = line[:p].rstrip(b" \t")
    if not left:
        return False
    if left[-1:] in (b'"', b"'"):
        return True
    if left[-1] not in _DIGITS:
        return False
    number = left.rstrip(b"0123456789.")
    return not number or number[-1] not in _NAME


def _name_after(line: bytes, q: int) -> tuple[int, int]:
    """The span of the last part of the name starting at ``q`` (``df.cpr``, ``df$cpr``, ``df["cpr"]``)."""
    if q >= len(line) or line[q] not in _NAME_START:
        return q, q
    s = q
    r = q
    while r < len(line) and line[r] in _NAME:
        r += 1
    while r + 1 < len(line):
        if line[r] in (46, 36) and line[r + 1] in _NAME_START:
            s = r = r + 1
            while r < len(line) and line[r] in _NAME:
                r += 1
            continue
        if line[r] == 91:
            k = r + 2 if line[r + 1] == 91 else r + 1
            if k < len(line) and line[k] in (34, 39):
                a = e = k + 1
                while e < len(line) and line[e] in _NAME:
                    e += 1
                if a < e < len(line) and line[e] == line[k] and line[a] in _NAME_START:
                    return a, e
        break
    return s, r


def code_start(line: bytes, mode: int) -> int:
    """Where a code line's code starts: after a SAS log's line number or ``MPRINT(NAME):`` and blanks."""
    if mode != MODE_SAS:
        return 0
    p = 0
    if line[:1].isdigit():
        p = len(line) - len(line.lstrip(b"0123456789"))
    elif line.startswith(b"MPRINT("):
        close = line.find(b")")
        p = len(line) if close < 0 else close + 1
        if line[p:p + 1] == b":":
            p += 1
    return _skip_blank(line, p)


def _name_before(line: bytes, p: int) -> int:
    a = p
    while a > 0 and line[a - 1] in _NAME:
        a -= 1
    if a == p or line[a] not in _NAME_START:
        return p
    return a


def _operand_end(line: bytes, p: int) -> int:
    q = p
    while q > 0 and line[q - 1] in _BLANK:
        q -= 1
    k = q
    if k > 1 and line[k - 1] == 41:  # the ")" of pl.col("pnr")
        k -= 1
    else:
        while k > 0 and k > q - 2 and line[k - 1] == 93:
            k -= 1
    if 0 < k < q and line[k - 1] in (34, 39):
        return k - 1
    return q


def _word_op(line: bytes, p: int) -> bool:
    word = line[p:p + 2].lower()
    return word in (b"eq", b"ne", b"in") and (p + 2 >= len(line) or line[p + 2] not in _NAME)


_DATA_WORDS = (b"datalines", b"datalines4", b"cards", b"cards4", b"lines", b"lines4")


def comparisons(line: bytes, base: int, line_no: int, marks: list[Mark] | None = None) -> list[Comparison]:
    """Names compared with, or listed against, a literal in one code line starting at byte ``base``; data
    statements (``datalines;``, ``data.frame(``...) are appended to ``marks``."""
    found: list[Comparison] = []
    marks = [] if marks is None else marks

    def record(s: int, e: int, os_: int, oe: int) -> None:
        found.append((base + s, base + e, base + os_, base + oe, line_no, name_hash(line[s:e])))

    p = 0
    n = len(line)
    while p < n:
        b = line[p]
        op_len = 0
        if b == 61:
            if p > 0 and line[p - 1] in b"=<>!^~:":
                p += 1
                continue
            op_len = 2 if line[p + 1:p + 2] == b"=" else 1
        elif b in _BLANK:
            if p + 3 < n and (line[p + 1] | 32) in (101, 110, 105) and _word_op(line, p + 1):
                p += 1
                op_len = 2
        elif line[p:p + 2] in (b"!=", b"^=", b"~=", b"<>", b"<-"):
            op_len = 2
        elif b == 37 and p + 3 < n and line[p + 1:p + 3].lower() == b"in" and line[p + 3] == 37:
            op_len = 4
        elif b == 40 and p > 0:
            a = _name_before(line, p)
            word = line[a:p].lower()
            if a < p and (word in (b"tibble", b"tribble") or (
                    a > 5 and line[a - 5:a].lower() == b"data." and word in (b"frame", b"table"))):
                marks.append((base + a, base + p + 1, line_no))
            if a < p and a > 1 and line[a - 1] == 46 and word in (b"isin", b"is_in", b"eq", b"ne"):
                q = _skip_blank(line, p + 1)
                if _literal_start(line, q) or (word in (b"isin", b"is_in") and q < n and line[q] in _NAME_START):
                    e = _operand_end(line, a - 1)
                    s = _name_before(line, e)
                    if s < e:
                        record(s, e, a, p + 1)
            elif a < p and (a == 0 or line[a - 1] != 46) and word in (b"inlist", b"any"):
                q = _skip_blank(line, p + 1)
                s = q
                while q < n and line[q] in _NAME:
                    q += 1
                if s < q and line[s] in _NAME_START:
                    q2 = _skip_blank(line, q)
                    if q2 < n and line[q2] == 44:
                        q3 = _skip_blank(line, q2 + 1)
                        if q3 < n and (line[q3] in _DIGITS or line[q3] in (34, 39)):
                            record(s, q, a, p + 1)
            p += 1
            continue
        if op_len == 0:
            p += 1
            continue
        q = _skip_blank(line, p + op_len)
        op = line[p:p + op_len]
        named = q < n and line[q] in _NAME_START and (op in (b"==", b"!=") or op.lower() == b"%in%")
        done = False
        if _literal_start(line, q) or named:
            e = _operand_end(line, p)
            s = _name_before(line, e)
            if s < e and op_len == 2 and b in _BLANK and line[s:e].lower() == b"not":
                e = _operand_end(line, s)  # "pnr not in (...)"
                s = _name_before(line, e)
            if s < e:
                record(s, e, p, p + op_len)
                done = True
        if not done and op_len <= 2 and op != b"<-" and op.lower() != b"in" and _literal_end(line, p):
            s, e = _name_after(line, q)
            if s < e:
                record(s, e, p, p + op_len)
        p += op_len
    # a SAS DATALINES statement ends its line (the data start on the next one)
    body = line.rstrip(b" \t\r")
    if body.endswith(b";"):
        e = len(body[:-1].rstrip(b" \t"))
        a = _name_before(line, e)
        if a < e and line[a:e].lower() in _DATA_WORDS:
            marks.append((base + a, base + len(body), line_no))
    return found


def scan_log(data: bytes, mode: int, min_lines: int,
             max_block: int) -> tuple[list[Block], list[Comparison], list[Mark], int]:
    """Blocks, comparisons, data statements and the number of lines, as ``kernels.logscan.scan_log`` over the
    whole of ``data``."""
    if not data:
        return [], [], [], 0
    blocks: list[Block] = []
    comps: list[Comparison] = []
    marks: list[Mark] = []
    prev = CLASS_BLANK
    open_block: list[int] | None = None  # start, end, line, lines, cmd_start, cmd_end
    code_run = (-1, -1)
    pos = 0
    lines = data.split(b"\n")
    if lines and lines[-1] == b"" and data.endswith(b"\n"):
        lines.pop()
    for number, line in enumerate(lines):
        start, end = pos, pos + len(line)
        pos = end + 1
        cls = classify(line, mode, prev)
        if cls == CLASS_OUTPUT:
            if open_block is None:
                open_block = [start, end, number, 0, *code_run]
            open_block[1] = end
            open_block[3] += 1
        elif cls == CLASS_BLANK:
            if open_block is not None and open_block[1] - open_block[0] >= max_block:
                if open_block[3] >= min_lines:
                    blocks.append(tuple(open_block))  # type: ignore[arg-type]
                open_block = None
        else:
            if open_block is not None:
                if open_block[3] >= min_lines:
                    blocks.append(tuple(open_block))  # type: ignore[arg-type]
                open_block = None
            if cls == CLASS_CODE:
                code_run = (start if prev != CLASS_CODE else code_run[0], end)
                skip = code_start(line, mode)
                comps.extend(comparisons(line[skip:], start + skip, number, marks))
        prev = cls
    if open_block is not None and open_block[3] >= min_lines:
        blocks.append(tuple(open_block))  # type: ignore[arg-type]
    return blocks, comps, marks, len(lines)
