"""Person and business numbers in files: the engine behind the PID rules.

The kernels (``kernels.pid``) find every identifier-shaped string whose date and check digits are valid.
Validity alone is weak evidence: one random 10-digit number in about 300 passes a Swedish personnummer's
Luhn and date checks, and one 8-digit number in eleven passes the CVR check. This module turns candidates
into detections with three more kinds of evidence, in this order:

1. the strength of the check itself (two Norwegian check digits and a Finnish check character are rare by
   chance; a CVR check or a Danish date without modulus 11 is not),
2. context: the canonical separator (``880320-0016``), words such as pnr/cpr/orgnr just before the number
   or in the column name (and words such as phone/amount that speak against it),
3. density: the share of same-shaped numbers that validate (a column or list of person numbers validates
   almost entirely; a log of order numbers or phone numbers at the chance rate).

A candidate is reported when its score (1 + 2) is high enough for the density of its shape (see
``_reported``). Every detection carries masked examples only: the digits never leave this module whole.

Numbers on a time grid are not person numbers, whatever their checks say: Unix timestamps one a day
(``1601510400`` reads as a CPR born 16-01-51) or one an hour, or any bare digit strings whose distinct
values all lie a multiple of a minute or more apart (``on_time_grid``). Person numbers never do: their
serial and check digits scatter them. A column named as a time (``timestamp``, ``epoch``, ``tid``,
``dato``...) is not read as person numbers either, unless its name also says it is one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scanner import masking
from scanner.findings import Severity
from scanner.lazy_regex import lazy_compile
from scanner.sources import shared_view, view_of

if TYPE_CHECKING:  # imported on use: a text file's scan does not need Arrow's compute functions
    import pyarrow as pa

__all__ = [
    "KINDS",
    "ColumnCandidates",
    "Detection",
    "Example",
    "IdentifierScan",
    "KindInfo",
    "TableIdentifierScanner",
    "scan_names",
    "scan_text_file",
]

# Bytes per chunk of a text file handed to one thread; files below twice this are scanned in one call.
CHUNK_BYTES = 16 << 20
# How many bytes before a candidate (same line only) are searched for context words.
CONTEXT_BYTES = 48
# Positions tested at once for the start of a candidate's digit run (kernels.pid._run_starts); buffers up
# to SMALL_BYTES are scanned one byte at a time (a small file's scan may run interpreted, where that is the
# cheaper way: see kernels/_jit.py).
RUN_BLOCK = 4096
SMALL_BYTES = 1 << 20
# Examples (masked) kept per detection.
MAX_EXAMPLES = 3

# Context bits (the kernels' values).
CTX_PERSON, CTX_BUSINESS, CTX_NEGATIVE = 1, 2, 4
FLAG_SEP, FLAG_PLUS, FLAG_STRICT = 1, 2, 4

#: Words that, just before a number or in a column name, say it is a person number (lower case, matched
#: as substrings: "pnr" also matches "lopnr" and "PersonNr").
PERSON_WORDS = (
    "pnr", "person", "cpr", "fnr", "fødsel", "fodsel", "foedsel", "hetu", "henkilö", "henkilo", "sotu",
    "ssn", "samordning", "d-nummer", "dnummer", "identitet", "idnr", "id-nr", "birth", "født", "född",
    "patient",
)
#: Words that say it is a business number.
BUSINESS_WORDS = (
    "orgnr", "org.nr", "org nr", "org-nr", "organisation", "organisasjon", "cvr", "^vat", "^moms",
    "y-tunnus", "ytunnus", "företag", "foretag", "^firm", "virksomhed", "company", "enterprise",
)
#: Words that say a number is something else (a phone, an account, an amount, a time, a version).
NEGATIVE_WORDS = (
    "^tel", "^phone", "^mobil", "^fax$", "^konto", "^account", "^iban$", "^bankgiro", "^plusgiro", "^ocr$",
    "^faktura", "^invoice", "^order", "^ordre", "^beløb", "^belopp", "^amount", "^sum$", "^total", "^kr$",
    "^sek$", "^dkk$", "^nok$", "^eur$", "^usd$", "^isbn", "^issn", "^doi$", "^version", "^build", "^pid$",
    "^port$", "^seed", "^time", "^date", "^dato", "^datum", "^size", "^bytes",
)

SHAPE_NAMES = ("d8", "d10", "d11", "d12", "6s4", "8s4", "6s5", "fi")
_SHAPE_WORDS = ("8-digit", "10-digit", "11-digit", "12-digit", "NNNNNN-NNNN", "NNNNNNNN-NNNN",
                "NNNNNN NNNNN", "NNNNNNCNNNQ")
#: Shapes written as bare digits (d8, d10, d11, d12): the ones a timestamp or a counter can take.
_BARE_SHAPES = (0, 1, 2, 3)

# A time grid: distinct values whose differences share a step of at least a minute (60 s: Unix seconds;
# also 100 for yyyymmddhhmm stamps). Five distinct person numbers share such a common divisor by chance
# with a probability of about 1e-6 (the chance that four random differences are all multiples of one d >= 60).
GRID_MIN_STEP = 60
GRID_MIN_VALUES = 5
# Near-constant steps (timestamps taken a few seconds late each day): every difference within 1 % of a
# whole multiple of the smallest; needs more values, as a tolerance is easier to meet by chance.
NEAR_GRID_MIN_VALUES = 8
NEAR_GRID_TOLERANCE = 0.01
# Name tokens of a column that holds times (lower case, whole tokens: "arbstid" is not "tid").
TIME_WORDS = frozenset({
    "timestamp", "timestamps", "epoch", "unix", "unixtime", "posix", "time", "times", "datetime", "tid",
    "tidpunkt", "tidspunkt", "tidsstempel", "tidsstämpel", "tidstempel", "klokkeslæt", "klockslag", "date",
    "dates", "dato", "datum", "ts", "aika", "aikaleima", "kellonaika", "paivamaara", "päivämäärä", "pvm",
    "seconds", "secs", "sec", "millis", "milliseconds", "sekunder", "sekunnit", "utc", "hour", "hours", "day",
    "days", "week", "weeks",
})


def on_time_grid(values: np.ndarray) -> bool:
    """Whether whole numbers lie on a time grid: their distinct values are a common step of at least a
    minute apart, or (with more values) near-constant multiples of their smallest difference."""
    distinct = np.unique(values)
    if len(distinct) < GRID_MIN_VALUES:
        return False
    diffs = np.diff(distinct)
    if int(np.gcd.reduce(diffs)) >= GRID_MIN_STEP:
        return True
    if len(distinct) < NEAR_GRID_MIN_VALUES:
        return False
    step = int(diffs.min())
    if step < GRID_MIN_STEP:
        return False
    ratio = diffs / step
    return bool(np.all(np.abs(ratio - np.round(ratio)) <= NEAR_GRID_TOLERANCE))


def named_as_time(name: str) -> bool:
    """A column name that says its values are times or dates (and says nothing of persons or firms)."""
    from scanner.names import name_tokens

    return any(t in TIME_WORDS for t in name_tokens(name)) and not name_context(name) & (CTX_PERSON | CTX_BUSINESS)


def _renumbered(line_of: Callable[[int], int], index: np.ndarray) -> Callable[[int], int]:
    """``line_of`` for candidates renumbered after a filter (``index[i]`` is candidate i's old number)."""
    return lambda i: line_of(int(index[i]))


def _off_grid(cands: np.ndarray) -> np.ndarray:
    """Candidates to keep: those of bare-digit shapes whose values lie on a time grid are dropped."""
    keep = np.ones(len(cands), dtype=np.bool_)
    for shape in _BARE_SHAPES:
        mine = cands[:, 3] == shape
        if np.count_nonzero(mine) >= GRID_MIN_VALUES and on_time_grid(cands[mine, 7]):
            keep &= ~mine
    return keep


@dataclass(frozen=True, slots=True)
class KindInfo:
    """One kind of identifier: its kernel bit, rule code, name and the evidence its check gives."""

    bit: int
    code: str
    label: str
    country: str
    person: bool
    #: 0: the check passes by chance often (CVR, a CPR without modulus 11); 1: Luhn or modulus 11;
    #: 2: two check digits or a check character
    strength: int


KINDS: tuple[KindInfo, ...] = (
    KindInfo(1, "PID001", "Swedish personnummer", "se", True, 1),
    KindInfo(2, "PID002", "Swedish samordningsnummer", "se", True, 1),
    KindInfo(4, "PID003", "Danish CPR number", "dk", True, 0),  # +1 when modulus 11 holds
    KindInfo(8, "PID004", "Norwegian fødselsnummer", "no", True, 1),  # +1 by the pre-2032 rule
    KindInfo(32, "PID005", "Finnish henkilötunnus", "fi", True, 2),
    KindInfo(16, "PID006", "Norwegian D-nummer", "no", True, 1),
    KindInfo(64, "PID010", "Swedish organisationsnummer", "se", False, 1),
    KindInfo(128, "PID011", "Danish CVR number", "dk", False, 0),
)
KIND_BY_CODE = {k.code: k for k in KINDS}


@dataclass(frozen=True, slots=True)
class Example:
    """Where one reported number is, and its masked form (``19xxxxxx-xx16``)."""

    masked: str
    line: int | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """Numbers of one kind reported in one place (a text file, or one column of a table)."""

    kind: KindInfo
    column: str | None
    count: int
    distinct: int
    severity: Severity
    basis: str
    examples: tuple[Example, ...]
    #: where the numbers were, when neither a column nor the text ("in the file's name")
    where: str = ""


@dataclass(slots=True)
class IdentifierScan:
    """The PID engine's result for one file: detections, and parts it could not inspect."""

    detections: list[Detection] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    #: candidate numbers (sorted, distinct) of columns read as times: a raw scan of the same file can pass
    #: them to :func:`scan_text_file` (``ignore``), which then does not report them from the bytes either.
    #: Never reported, printed or logged.
    cleared: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def of(self, code: str) -> list[Detection]:
        return [d for d in self.detections if d.kind.code == code]


# --- kernel plumbing --------------------------------------------------------------------------------

_KEYWORDS: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _keywords() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    global _KEYWORDS
    if _KEYWORDS is None:
        from kernels.pid import keyword_table

        _KEYWORDS = keyword_table({CTX_PERSON: PERSON_WORDS, CTX_BUSINESS: BUSINESS_WORDS,
                                   CTX_NEGATIVE: NEGATIVE_WORDS})
    return _KEYWORDS


@functools.lru_cache(maxsize=1 << 14)  # a pure function of a column name
def name_context(name: str) -> int:
    """Context bits a column name gives to every value in the column."""
    from scanner.names import NATIONAL_KEYS

    lowered = name.strip().lower()
    ctx = 0
    if _WORD_PATTERNS[CTX_PERSON].search(lowered):
        ctx |= CTX_PERSON
    if _WORD_PATTERNS[CTX_BUSINESS].search(lowered):
        ctx |= CTX_BUSINESS
    if not ctx and NATIONAL_KEYS.search(lowered.replace(" ", "_").replace("-", "_").replace(".", "_")):
        ctx |= CTX_PERSON
    if not ctx and _WORD_PATTERNS[CTX_NEGATIVE].search(lowered):
        ctx |= CTX_NEGATIVE
    return ctx


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """The context words as one pattern, their markers as in :func:`kernels.pid.keyword_table` (``^``: no
    letter before the word, ``$``: none after it)."""
    def one(w: str) -> str:
        body = re.escape(w.removeprefix("^").removesuffix("$"))
        return ("(?<![^\\W\\d_])" if w.startswith("^") else "") + body + ("(?![^\\W\\d_])" if w.endswith("$") else "")
    return re.compile("|".join(one(w) for w in words))


_WORD_PATTERNS = {bit: _word_pattern(words) for bit, words in
                  ((CTX_PERSON, PERSON_WORDS), (CTX_BUSINESS, BUSINESS_WORDS), (CTX_NEGATIVE, NEGATIVE_WORDS))}


# Six digits in a row: no shape is shorter (a 6+4 CPR starts with them).
_SIX_DIGITS = lazy_compile(rb"[0-9]{6}")


def _scan_buffer(buf: np.ndarray, threads: int) -> tuple[np.ndarray, np.ndarray]:
    from kernels.pid import N_SHAPES, scan_bytes

    n = buf.shape[0]
    if n <= SMALL_BYTES and _SIX_DIGITS.search(buf.tobytes()) is None:
        # a small text without six digits in a row (most published tables): no candidate and no shape to count,
        # found by one C search instead of the kernel's call (interpreted, before Numba is loaded)
        return np.empty((0, 8), np.int64), np.zeros(N_SHAPES, dtype=np.int64)
    kw, off, cls = _keywords()
    block = RUN_BLOCK if n > SMALL_BYTES else 0
    if threads <= 1 or n < 2 * CHUNK_BYTES:
        return scan_bytes(buf, 0, n, CONTEXT_BYTES, kw, off, cls, block)
    bounds = [*range(0, n, CHUNK_BYTES), n]
    # The kernel releases the GIL (nogil): threads share the mapped file without copying it, and a
    # candidate that straddles a chunk boundary belongs to the chunk it starts in (see scan_bytes).
    with ThreadPoolExecutor(max_workers=threads) as pool:
        parts = list(pool.map(lambda ab: scan_bytes(buf, ab[0], ab[1], CONTEXT_BYTES, kw, off, cls, block),
                              itertools.pairwise(bounds)))
    cands = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, 8), np.int64)
    counts = np.sum([p[1] for p in parts], axis=0)
    return cands, counts


# --- masking and description ------------------------------------------------------------------------


def _text_of(shape: int, flags: int, value: int) -> str:
    """The written form of a candidate, rebuilt from its shape and digits (only to be masked)."""
    if shape == 7:
        check, sign = value & 255, (value >> 8) & 255
        digits = f"{value >> 16:09d}"
        return f"{digits[:6]}{chr(sign)}{digits[6:]}{chr(check)}"
    width = (8, 10, 11, 12, 10, 12, 11)[shape]
    digits = f"{value:0{width}d}"
    if shape == 4:
        return f"{digits[:6]}{'+' if flags & FLAG_PLUS else '-'}{digits[6:]}"
    if shape == 5:
        return f"{digits[:8]}-{digits[8:]}"
    if shape == 6:
        return f"{digits[:6]} {digits[6:]}"
    return digits


def _basis(score: int, share: float, ctx_word: bool, sep: bool, strong_check: bool, *, dated: bool = True) -> str:
    # (a business number has no date: a CVR's or an organisationsnummer's check digit is all there is)
    parts = ["date and check digits valid" if dated else "check digit valid"]
    if strong_check:
        parts.append("a strong check (two check digits or a check character)")
    if sep:
        parts.append("written in its standard form")
    if ctx_word:
        parts.append("named as such nearby or in the column name")
    parts.append(f"{share:.0%} of same-shaped numbers here validate")
    return "; ".join(parts)


# --- assessment -------------------------------------------------------------------------------------


def _kind_scores(cands: np.ndarray, name_ctx: int) -> dict[int, np.ndarray]:
    """Per kind bit, each candidate's score (-9 where the candidate is not of that kind)."""
    kinds, flags, ctx = cands[:, 2], cands[:, 4], cands[:, 5] | name_ctx
    sep = (flags & FLAG_SEP) != 0
    strict = (flags & FLAG_STRICT) != 0
    out: dict[int, np.ndarray] = {}
    for info in KINDS:
        has = (kinds & info.bit) != 0
        score = np.full(len(cands), info.strength, dtype=np.int64)
        if info.bit in (4, 8, 16):  # CPR modulus 11, Norwegian first check digit by the old rule
            score += strict
        score += sep
        positive = (ctx & (CTX_PERSON if info.person else CTX_BUSINESS)) != 0
        # A named number is reported whatever its check's strength ("an 8-digit number that passes the
        # CVR check is a CVR only with context": with context, it is one).
        score += (3 if info.strength == 0 and not info.person else 2) * positive
        # A word of amounts, times or accounts nearby says a number is one of those, less so of a number in a
        # person number's own written form (ddmmyy-xxxx), which amounts and phone numbers never take.
        score -= np.where(sep, 1, 2) * (((ctx & CTX_NEGATIVE) != 0) & ~positive)
        out[info.bit] = np.where(has, score, -9)
    return out


#: The fewest same-shaped numbers that, validating at 80 % or more, are reported unnamed: five CVR-shaped numbers
#: validate together by chance once in 150,000 lists (0.09 ** 5); a list of five firms excluded from an
#: analysis is how such numbers are written.
DENSE_MIN = 5


def _reported(score: np.ndarray, share: np.ndarray, n_kind: np.ndarray, *, column: bool) -> np.ndarray:
    """Whether a candidate with ``score`` is reported, given the share of its shape that validates.

    Chance rates: about 0.4 % of random 10-digit runs pass a personnummer's checks, 8 % an
    organisationsnummer's, 9 % a CVR's, 4 % a CPR's date; so a share of 50 % is far beyond chance.
    In text a context word is local (it names this number); in a column the name applies to every value
    alike, so even a named column must validate well above chance (a ``LopNr`` column of running numbers
    holds a few valid-looking CPRs by chance, and they are not CPRs).
    """
    strong = score >= 3
    if column:
        strong &= share >= 0.2
    return (strong
            | ((score == 2) & (share >= (0.3 if column else 0.2)))
            | ((score == 1) & (share >= 0.5))
            | ((score <= 0) & (score > -9) & (share >= 0.8) & (n_kind >= DENSE_MIN)))


def assess(cands: np.ndarray, denominators: np.ndarray, name_ctx: int, countries: Sequence[str],
           column: str | None, *, per_shape: bool = True,
           line_of: Callable[[int], int] | None = None) -> list[Detection]:
    """Detections from candidates.

    ``denominators[i]`` is how many strings candidate i competed with: in text, the occurrences of its
    shape (``per_shape``: shares are counted per shape); in a column, the column's non-empty values
    (shares over all shapes). ``line_of(i)`` gives the line of candidate i for examples in text.
    """
    if len(cands) == 0:
        return []
    keep = _off_grid(cands)
    if not keep.all():
        # Timestamps and counters in a fixed step: not person numbers (see the module docstring).
        cands, denominators = cands[keep], denominators[keep]
        if len(cands) == 0:
            return []
        if line_of is not None:
            line_of = _renumbered(line_of, np.flatnonzero(keep))
    scores = _kind_scores(cands, name_ctx)
    shapes = cands[:, 3]

    def n_kind_of(has: np.ndarray) -> np.ndarray:
        # share of the candidate's shape (or of the column's values) that validates as this kind
        if not per_shape:
            return np.full(len(cands), int(np.count_nonzero(has)), dtype=np.int64)
        n_kind = np.zeros(len(cands), dtype=np.int64)
        for s in np.unique(shapes[has]):
            in_shape = shapes == s
            n_kind[in_shape] = int(np.count_nonzero(has & in_shape))
        return n_kind

    chosen = _choose_kinds(scores, n_kind_of, np.maximum(denominators, 1), countries, column=not per_shape)
    detections = []
    for info in KINDS:
        mine = np.flatnonzero(chosen == info.bit)
        if len(mine) == 0:
            continue
        sub = cands[mine]
        score = scores[info.bit][mine]
        best = int(mine[np.argmax(score)])
        n_kind_all = np.count_nonzero(scores[info.bit] > -9)
        share = n_kind_all / max(int(np.max(denominators[mine])), 1)
        severity, basis = _judged(info, int(score.max()), len(mine), sub[:, 5] | name_ctx, sub[:, 4], share)
        picks = sorted(([best] + [int(j) for j in mine[:MAX_EXAMPLES] if j != best])[:MAX_EXAMPLES])
        examples = tuple(
            Example(masking.identifier(_text_of(int(cands[i, 3]), int(cands[i, 4]), int(cands[i, 7]))),
                    line=line_of(i) if line_of is not None else None,
                    row=int(cands[i, 6]) + 1 if cands[i, 6] >= 0 else None)
            for i in picks
        )
        detections.append(Detection(kind=info, column=column, count=len(mine), distinct=len(np.unique(sub[:, 7])),
                                    severity=severity, basis=basis, examples=examples))
    return detections


def _choose_kinds(scores: dict[int, np.ndarray], n_kind_of: Callable[[np.ndarray], np.ndarray],
                  denominators: np.ndarray | int, countries: Sequence[str], *, column: bool) -> np.ndarray:
    """Per candidate, the bit of the kind it is reported as (0: none): of the kinds whose evidence is
    reported (:func:`_reported`, ``n_kind_of(has)`` the validating candidates a candidate's share counts),
    the higher score, then the profile's country order, then the order of KINDS."""
    rank = {c: i for i, c in enumerate(countries)}
    size = len(next(iter(scores.values())))
    best_key = np.full(size, -1, dtype=np.int64)
    chosen = np.zeros(size, dtype=np.int64)
    for pos, info in enumerate(KINDS):
        score = scores[info.bit]
        has = score > -9
        n_kind = n_kind_of(has)
        ok = has & _reported(score, n_kind / denominators, n_kind, column=column)
        key = score * 10_000 + (99 - rank.get(info.country, 99)) * 100 + (99 - pos)
        better = ok & (key > best_key)
        best_key = np.where(better, key, best_key)
        chosen = np.where(better, info.bit, chosen)
    return chosen


def _judged(info: KindInfo, top: int, count: int, ctx: np.ndarray, flags: np.ndarray,
            share: float) -> tuple[Severity, str]:
    """The severity and basis of a detection of ``info``: named, strong or several is a block; one or two
    numbers on weaker evidence, a person looks."""
    positive = bool(np.any((ctx & (CTX_PERSON if info.person else CTX_BUSINESS)) != 0))
    strong = top >= 3 or count >= 3 or positive
    basis = _basis(top, min(share, 1.0), positive, bool(np.any(flags & FLAG_SEP)),
                   info.strength >= 2 or (info.bit in (8, 16) and bool(np.any(flags & FLAG_STRICT))),
                   dated=info.person)
    return (Severity.BLOCK if strong else Severity.REVIEW), basis


def _buffer_lines(cands: np.ndarray, buf: np.ndarray) -> Callable[[int], int]:
    """1-based line of candidate i in ``buf`` (counts line breaks before it; only called for examples)."""
    return lambda i: 1 + int(np.count_nonzero(buf[: int(cands[i, 0])] == 10))


def _text_denominators(cands: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return counts[cands[:, 3]] if len(cands) else np.zeros(0, dtype=np.int64)


# --- text files ---------------------------------------------------------------------------------------


def _wide_encoding(head: bytes) -> str | None:
    """The codec of a UTF-16/UTF-32 file (digits are not single bytes there), else None."""
    from scanner.loaders.textio import sniff_bom

    bom = sniff_bom(head)
    if bom is not None and bom[0].startswith(("utf-16", "utf-32")):
        return bom[0]
    if len(head) >= 64 and head.count(0) > len(head) // 4:
        from scanner.loaders.textio import guess_encoding

        enc = guess_encoding(head, complete=False)
        if enc.startswith(("utf-16", "utf-32")):
            return enc
    return None


def _not_ignored(cands: np.ndarray, ignore: np.ndarray | None) -> np.ndarray:
    """Candidates to keep: bare-digit candidates whose number is in ``ignore`` are dropped."""
    if ignore is None or len(ignore) == 0 or len(cands) == 0:
        return np.ones(len(cands), dtype=np.bool_)
    bare = np.isin(cands[:, 3], _BARE_SHAPES)
    return ~(bare & np.isin(cands[:, 7], ignore))


def scan_text_file(path: Path, countries: Sequence[str], *, threads: int = 1,
                   ignore: np.ndarray | None = None) -> IdentifierScan:
    """Scan the raw bytes of a text file (mapped into memory, in parallel chunks for large files).

    ASCII-compatible encodings (UTF-8, the Windows and DOS code pages, Latin-1) are scanned as they
    are: digits and separators are the same bytes in all of them. UTF-16/32 files are decoded and
    re-encoded as UTF-8 chunk by chunk. ``ignore`` holds numbers a table's column scan read as times
    (:attr:`IdentifierScan.cleared`): in a CSV file's bytes they are the same cells again.
    """
    result = IdentifierScan()
    size = path.stat().st_size
    if size == 0:
        return result
    view = view_of(path)
    # The file's shared mapping while it is scanned (read once); else a mapping of its own for this scan.
    with contextlib.nullcontext(view) if view is not None else shared_view(path) as mapped:
        if mapped is None:
            raise OSError(f"cannot map {path.name}")
        buf = np.frombuffer(mapped.buffer, dtype=np.uint8)
        try:
            wide = _wide_encoding(bytes(buf[:4096]))
            if wide is not None:
                _scan_wide(path, wide, countries, result, ignore)
                return result
            cands, counts = _scan_buffer(buf, threads)
            cands = cands[_not_ignored(cands, ignore)]
            result.detections.extend(assess(cands, _text_denominators(cands, counts), 0, countries, None,
                                            line_of=_buffer_lines(cands, buf)))
        finally:
            del buf
    return result


def _scan_wide(path: Path, encoding: str, countries: Sequence[str], result: IdentifierScan,
               ignore: np.ndarray | None = None) -> None:
    from scanner.loaders.text import iter_text

    all_cands, total = [], np.zeros(8, dtype=np.int64)
    lines: list[np.ndarray] = []
    for chunk in iter_text(path, encoding=encoding):
        data = np.frombuffer(chunk.text.encode("utf-8"), dtype=np.uint8)
        cands, counts = _scan_buffer(data, 1)
        cands = cands[_not_ignored(cands, ignore)]
        total += counts
        if len(cands):
            # line of each candidate within the file, kept instead of the chunk's bytes
            nl = np.flatnonzero(data == 10)
            lines.append(chunk.first_line + np.searchsorted(nl, cands[:, 0]))
            all_cands.append(cands)
    if not all_cands:
        return
    cands = np.concatenate(all_cands)
    line_of = np.concatenate(lines)
    result.detections.extend(assess(cands, _text_denominators(cands, total), 0, countries, None,
                                    line_of=lambda i: int(line_of[i])))


def typed_in(detections: list[Detection], where: str, *, any_form: bool = False) -> list[Detection]:
    """Detections of person numbers in their standard form (date, separator, valid check digits: "210196-2264")
    in a place where such a number is typed by hand (a program, a cell comment, a defined name): block however
    few, with ``where`` added to the basis. ``any_form``: also without the separator ("2304781187"), for a
    comment or note typed by hand, whose few numbers are written on purpose (in a program or a log the same
    digits may be an amount or an id)."""
    form = "date and check digits valid" if any_form else "standard form"
    return [dataclasses.replace(d, severity=Severity.BLOCK, basis=f"{d.basis}; {where}")
            if d.kind.person and d.severity is Severity.REVIEW and form in d.basis else d
            for d in detections]


# A register key's name followed by a value: "LopNr 1048832", "pnr=55012", "CPR: 0101901234", "lopnr #20931".
_NAMED_VALUE = lazy_compile(r"(?<![^\W\d_])([^\W\d][\w.]{1,30}?)\s*(?:[:=#]|\bis\b|\ber\b|\bär\b)?\s*(\d{4,12})(?!\d)")


def named_key_values(texts: Iterable[str]) -> list[str]:
    """Evidence (value-free) of register keys written out by name in free text typed by hand (a cell comment,
    a Word comment, a note): "LopNr 1048832 exkluderad" names one person's key. The numbers are no person
    numbers the kernels validate (a running number has no check digit), so the key's name tells what they
    are. One line of evidence per key name."""
    from scanner.names import identifier_kind

    found: dict[str, int] = {}
    for text in texts:
        for m in _NAMED_VALUE.finditer(text):
            name = m.group(1).rstrip(".")
            if identifier_kind(name) == "register key":
                found[name] = found.get(name, 0) + 1
    return [f"a value of the register key {masking.mask_name(k)!r} written out ({n})" for k, n in found.items()]


def scan_names(names: Iterable[str], countries: Sequence[str]) -> list[Detection]:
    """Identifiers written in column names or title lines (one name per line)."""
    text = "\n".join(names).encode("utf-8", "surrogateescape")  # (a path of bytes that are not UTF-8)
    if not text:
        return []
    buf = np.frombuffer(text, dtype=np.uint8)
    cands, counts = _scan_buffer(buf, 1)
    return assess(cands, _text_denominators(cands, counts), 0, countries, None, line_of=_buffer_lines(cands, buf))


# --- tables -------------------------------------------------------------------------------------------


# Whole numbers of a column kept to test near-constant steps (the exact grid test sees every value).
GRID_SAMPLE = 65_536


@dataclass(slots=True)
class _Signature:
    """The candidates of a column that share kind bits, shape, flags and context: they score alike for every
    kind, so only their number, their values and their first few (for examples) are kept."""

    kinds: int
    shape: int
    flags: int
    ctx: int
    count: int = 0
    values: list[np.ndarray] = field(default_factory=list)
    #: (candidate number in the column, row, value) of the signature's first MAX_EXAMPLES candidates
    first: list[tuple[int, int, int]] = field(default_factory=list)


def _signatures(fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``fields`` (kinds, shape, flags, context per candidate), in lexicographic order,
    and each candidate's index among them: ``np.unique(fields, axis=0, return_inverse=True)``, computed on
    the four fields packed into one integer (20x faster on a million candidates) when they fit."""
    kinds, shape, flags, ctx = (fields[:, k] for k in range(4))
    if len(fields) and (fields.min() < 0 or kinds.max() >= 1 << 30 or fields[:, 1:].max() >= 1 << 8):
        keys, inverse = np.unique(fields, axis=0, return_inverse=True)
        return keys, inverse.reshape(-1)
    packed = (kinds << 24) | (shape << 16) | (flags << 8) | ctx
    unique, inverse = np.unique(packed, return_inverse=True)
    keys = np.stack([unique >> 24, (unique >> 16) & 0xFF, (unique >> 8) & 0xFF, unique & 0xFF], axis=1)
    return keys, inverse.reshape(-1)


class ColumnCandidates:
    """A column's identifier candidates, streamed batch by batch into bounded state per signature.

    :func:`assess` needs a column's candidates only through what candidates of one signature (kind bits,
    shape, flags, context) share: their scores, their number, their distinct values, the first of them.
    Keeping that instead of every candidate row (8 int64 fields) costs 8 bytes a candidate (its value, for
    the distinct count and the time-grid test) instead of 64, and no copy of a batch's candidates: a
    register extract with a person number on every row stays within memory. :meth:`detections` gives
    exactly what :func:`assess` gives for the concatenated candidates (a property test holds it to that).
    """

    __slots__ = ("seen", "sigs")

    def __init__(self) -> None:
        self.sigs: dict[tuple[int, int, int, int], _Signature] = {}
        self.seen = 0  # candidates so far: the order of the concatenated candidates

    def __bool__(self) -> bool:
        return self.seen > 0

    def add(self, cands: np.ndarray, row_offset: int = 0) -> None:
        """Fold a batch's candidates (kernel layout; rows relative to the batch, moved by ``row_offset``)."""
        n = len(cands)
        if n == 0:
            return
        keys, inverse = _signatures(cands[:, 2:6])
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
        for k, key in enumerate(keys.tolist()):
            idx = order[bounds[k]:bounds[k + 1]]
            sig = self.sigs.get((key[0], key[1], key[2], key[3]))
            if sig is None:
                sig = self.sigs[(key[0], key[1], key[2], key[3])] = _Signature(*key)
            sig.count += len(idx)
            sig.values.append(cands[idx, 7].astype(np.int64, copy=True))
            for i in idx[: MAX_EXAMPLES - len(sig.first)].tolist():
                sig.first.append((self.seen + i, int(cands[i, 6]) + row_offset, int(cands[i, 7])))
        self.seen += n

    def values(self) -> list[np.ndarray]:
        """Every candidate's number (a column cleared as times gives them to the raw-byte scan to skip)."""
        return [v for sig in self.sigs.values() for v in sig.values]

    def detections(self, denominator: int, name_ctx: int, countries: Sequence[str],
                   column: str | None) -> list[Detection]:
        """:func:`assess` of the column's candidates (``per_shape=False``; every candidate competed with
        the column's ``denominator`` non-empty values)."""
        sigs = list(self.sigs.values())
        for shape in _BARE_SHAPES:  # as _off_grid: a bare shape whose numbers lie on a time grid
            mine = [g for g in sigs if g.shape == shape]
            if sum(g.count for g in mine) >= GRID_MIN_VALUES and \
                    on_time_grid(np.concatenate([v for g in mine for v in g.values])):
                sigs = [g for g in sigs if g.shape != shape]
        if not sigs:
            return []
        pseudo = np.zeros((len(sigs), 8), dtype=np.int64)
        pseudo[:, 2] = [g.kinds for g in sigs]
        pseudo[:, 3] = [g.shape for g in sigs]
        pseudo[:, 4] = [g.flags for g in sigs]
        pseudo[:, 5] = [g.ctx for g in sigs]
        counts = np.array([g.count for g in sigs], dtype=np.int64)
        scores = _kind_scores(pseudo, name_ctx)
        chosen = _choose_kinds(scores, lambda has: np.full(len(sigs), int(counts[has].sum()), dtype=np.int64),
                               max(denominator, 1), countries, column=True)
        detections = []
        for info in KINDS:
            mine = np.flatnonzero(chosen == info.bit)
            if len(mine) == 0:
                continue
            score = scores[info.bit][mine]
            top = int(score.max())
            # the first candidate (in column order) of the best score
            best_sig = min((sigs[j] for j, sc in zip(mine.tolist(), score.tolist(), strict=True) if sc == top),
                           key=lambda g: g.first[0][0])
            best = (*best_sig.first[0], best_sig.shape, best_sig.flags)
            firsts = sorted((o, r, v, sigs[j].shape, sigs[j].flags) for j in mine.tolist()
                            for o, r, v in sigs[j].first)[:MAX_EXAMPLES]
            picks = sorted(([best] + [f for f in firsts if f[0] != best[0]])[:MAX_EXAMPLES])
            share = int(counts[scores[info.bit] > -9].sum()) / max(denominator, 1)
            count = int(counts[mine].sum())
            severity, basis = _judged(info, top, count, pseudo[mine, 5] | name_ctx, pseudo[mine, 4], share)
            examples = tuple(Example(masking.identifier(_text_of(shape, fl, value)),
                                     row=row + 1 if row >= 0 else None)
                             for _o, row, value, shape, fl in picks)
            distinct = len(np.unique(np.concatenate([v for j in mine.tolist() for v in sigs[j].values])))
            detections.append(Detection(kind=info, column=column, count=count, distinct=distinct,
                                        severity=severity, basis=basis, examples=examples))
        return detections


@dataclass(slots=True)
class _Column:
    name: str
    name_ctx: int
    cands: ColumnCandidates = field(default_factory=ColumnCandidates)
    values: int = 0
    #: every non-empty value is a whole number (integer columns, digit strings, whole floats)
    whole: bool = True
    anchor: int | None = None
    #: gcd of (value - anchor) over every value: a step every value lies on
    step: int = 0
    sample: list[np.ndarray] = field(default_factory=list)
    sampled: int = 0
    complete: bool = True

    def add_whole(self, ints: np.ndarray) -> None:
        """Fold a batch of the column's whole numbers into its time-grid state."""
        if len(ints) == 0:
            return
        anchor = int(ints[0]) if self.anchor is None else self.anchor
        self.fold(ints, anchor, int(np.gcd.reduce(np.abs(ints - anchor))))

    def fold(self, ints: np.ndarray, anchor: int, step: int) -> None:
        """Fold a batch of whole numbers whose gcd of ``|value - anchor|`` is ``step`` (the kernel's)."""
        if len(ints) == 0:
            return
        self.anchor = anchor
        self.step = int(np.gcd(self.step, step))
        room = GRID_SAMPLE - self.sampled
        if room > 0:
            self.sample.append(ints[:room].copy())
            self.sampled += min(room, len(ints))
        if len(ints) > room:
            self.complete = False

    def on_time_grid(self) -> bool:
        """Every value of the column on a grid of at least a minute, or (all values seen) near-constant
        steps: timestamps or a counter, not person numbers."""
        if not self.whole or not self.sample:
            return False
        values = np.concatenate(self.sample)
        if len(np.unique(values)) < GRID_MIN_VALUES:
            return False
        return self.step >= GRID_MIN_STEP or (self.complete and on_time_grid(values))


class TableIdentifierScanner:
    """Streams a table's record batches through the column kernels; ``finish()`` gives the result.

    String columns are scanned value by value (each value on its own); a string column whose values
    are all whole numbers, and integer columns, go through the integer kernel, which also reads
    numbers that lost their leading zero (a CPR stored as a number has 9 digits). Float columns holding
    whole numbers (SAS stores person numbers as doubles) are read as integers.
    """

    def __init__(self, countries: Sequence[str]) -> None:
        self.countries = tuple(countries)
        self._columns: dict[str, _Column] = {}
        self._rows = 0
        self.incomplete: list[str] = []

    def update(self, batch: pa.RecordBatch) -> None:
        for name, arr in zip(batch.schema.names, batch.columns, strict=True):
            col = self._columns.get(name)
            if col is None:
                col = self._columns[name] = _Column(name, name_context(name))
            cands, values, whole = _scan_array(arr, -1 if col.anchor is None else col.anchor)
            if cands is None:
                continue
            if whole is None:
                col.whole = col.whole and values == 0
            else:
                col.fold(*whole)
            col.cands.add(cands, self._rows)
            col.values += values
        self._rows += batch.num_rows

    def finish(self) -> IdentifierScan:
        result = IdentifierScan(incomplete=list(self.incomplete))
        result.detections.extend(scan_names(self._columns, self.countries))
        cleared: list[np.ndarray] = []
        for col in self._columns.values():
            if not col.cands:
                continue
            if named_as_time(col.name) or col.on_time_grid():
                # Timestamps, dates as numbers, counters in a fixed step: not person numbers.
                cleared.extend(col.cands.values())
                continue
            # in a column every value is one slot: the share is over the column's non-empty values
            result.detections.extend(col.cands.detections(col.values, col.name_ctx, self.countries, col.name))
        if cleared:
            result.cleared = np.unique(np.concatenate(cleared))
        return result


def _scan_array(arr: pa.Array | pa.ChunkedArray, anchor: int
                ) -> tuple[np.ndarray | None, int, tuple[np.ndarray, int, int] | None]:
    """Candidates of one column chunk, its number of non-empty values, and, when every non-empty value is a
    whole number, ``(values, anchor, step)`` for :meth:`_Column.fold` (``anchor`` is the column's first
    value, -1 when none was seen yet); candidates None for a type without numbers (dates, booleans,
    binary)."""
    import pyarrow as pa

    from kernels.numbers import NOT_WHOLE
    from kernels.pid import scan_ints, scan_strings, scan_whole_strings
    from scanner.arrow_buffers import float64_values, plain_array, string_buffers, validity

    buffers = string_buffers(arr)
    if buffers is not None:
        offsets, data, valid = buffers
        # digit strings (a CSV's numbers arrive as text) are read as numbers, scanned and folded in one pass
        ints = np.empty(len(valid), dtype=np.int64)
        status, cands, _counts, positive, present, anchor, step = scan_whole_strings(offsets, data, valid, anchor,
                                                                                     ints)
        if status != NOT_WHOLE:
            return cands, int(positive), (ints[:present], anchor, step)
        kw, off, cls = _keywords()
        cands, _counts, nonempty = scan_strings(offsets, data, valid, CONTEXT_BYTES, kw, off, cls)
        return cands, int(nonempty), None
    arr = plain_array(arr)
    t = arr.type
    if pa.types.is_integer(t):
        return _ints(arr.cast(pa.int64(), safe=False), anchor)
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        vals = float64_values(arr.cast(pa.float64(), safe=False))
        whole = np.isfinite(vals) & (vals == np.floor(vals)) & (np.abs(vals) < 1e13)
        ints = np.where(whole, vals, -1).astype(np.int64)
        present = validity(arr) & ~np.isnan(vals)
        valid = present & whole
        cands, _counts, positive = scan_ints(ints, valid)
        return cands, int(positive), _folded(ints[valid], anchor) if bool(np.all(whole[present])) else None
    return None, 0, None


def _folded(ints: np.ndarray, anchor: int) -> tuple[np.ndarray, int, int]:
    """``(values, anchor, step)`` of whole numbers (see :func:`_scan_array`)."""
    if len(ints) == 0:
        return ints, anchor, 0
    if anchor < 0:
        anchor = int(ints[0])
    return ints, anchor, int(np.gcd.reduce(np.abs(ints - anchor)))


def _ints(arr: pa.Array, anchor: int) -> tuple[np.ndarray, int, tuple[np.ndarray, int, int]]:
    from kernels.pid import scan_ints
    from scanner.arrow_buffers import int64_values, validity

    valid = validity(arr)
    vals = int64_values(arr)
    cands, _counts, positive = scan_ints(vals, valid)
    return cands, int(positive), _folded(vals[valid], anchor)
