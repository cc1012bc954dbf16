"""Plain-Python twin of ``kernels/pid.py``: the specification the Numba kernels are tested against.

Written for clarity, not speed: validators take strings, the scanner walks bytes one candidate at a time.
Both implementations must agree exactly on every input (tests/test_kernels_pid.py, with hypothesis).

Shapes (how the digits are written) and what each can be:

====== ======================== ===========================================================
shape  written as               validated as
====== ======================== ===========================================================
d8     ``12345678``             Danish CVR
d10    ``8803200016``           Swedish personnummer / samordningsnummer / organisationsnummer,
                                Danish CPR
d11    ``01017012345``          Norwegian fødselsnummer / D-nummer
d12    ``198803200016``         Swedish personnummer with century, ``16`` + organisationsnummer,
                                ``SE`` + organisationsnummer + ``01`` (VAT number)
6s4    ``880320-0016``          as d10 (``+`` only Swedish personnummer), Finnish HETU with a
                                numeric check character and century sign ``-`` or ``+``
8s4    ``19880320-0016``        as d12 (no VAT form)
6s5    ``010170 12345``         as d11 (separator space or ``-``)
fi     ``131052-308T``          Finnish henkilötunnus (century signs ``+ - Y X W V U A B C D E F``)
====== ======================== ===========================================================

Candidates are found at digit boundaries (the byte before and after is not an ASCII digit), not word
boundaries: ``pnr_198803200016`` and ``id=8803200016;`` hold candidates. A digit run that is the
fraction of a decimal (after ``.`` and a digit; a comma is a field separator as often as a decimal mark,
so it does not count) or is followed by ``.`` and a digit (an amount such as ``1234567890.50``) is not a
candidate, nor is one with an ASCII letter right before and right after it (a piece of a token such as
a hex hash ``a3f4911106260d``). A Finnish check letter must not be followed by a letter or digit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

# Kind bits (the same values as kernels.pid).
SE_PNR = 1
SE_SAMNR = 2
DK_CPR = 4
NO_FNR = 8
NO_DNR = 16
FI_HETU = 32
SE_ORGNR = 64
DK_CVR = 128

# Flag bits.
FLAG_SEP = 1  # written with the separator of its canonical form (6s4, 8s4, 6s5, fi)
FLAG_PLUS = 2  # Swedish '+' separator (aged 100 or more)
FLAG_STRICT = 4  # Danish CPR passes modulus 11; Norwegian first check digit by the pre-2032 rule

# Context bits.
CTX_PERSON = 1
CTX_BUSINESS = 2
CTX_NEGATIVE = 4

SHAPES = ("d8", "d10", "d11", "d12", "6s4", "8s4", "6s5", "fi")
D8, D10, D11, D12, S6S4, S8S4, S6S5, SFI = range(8)

FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FI_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
              "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}

#: How far before a candidate (same line only) context words are looked for, in bytes.
CONTEXT_BYTES = 48

#: Context words (lower case, matched as substrings of the lower-cased ASCII bytes before a candidate).
PERSON_WORDS = (
    "pnr", "person", "cpr", "fnr", "fødsel", "fodsel", "foedsel", "hetu", "henkilö", "henkilo", "sotu",
    "ssn", "samordning", "d-nummer", "dnummer", "identitet", "idnr", "id-nr", "birth", "født", "född",
    "patient",
)
BUSINESS_WORDS = (
    "orgnr", "org.nr", "org nr", "org-nr", "organisation", "organisasjon", "cvr", "^vat", "^moms",
    "y-tunnus", "ytunnus", "företag", "foretag", "^firm", "virksomhed", "company", "enterprise",
)
NEGATIVE_WORDS = (
    "^tel", "^phone", "^mobil", "^fax$", "^konto", "^account", "^iban$", "^bankgiro", "^plusgiro", "^ocr$",
    "^faktura", "^invoice", "^order", "^ordre", "^beløb", "^belopp", "^amount", "^sum$", "^total", "^kr$",
    "^sek$", "^dkk$", "^nok$", "^eur$", "^usd$", "^isbn", "^issn", "^doi$", "^version", "^build", "^pid$",
    "^port$", "^seed", "^time", "^date", "^dato", "^datum", "^size", "^bytes",
)


def _digits(s: str) -> list[int]:
    return [ord(c) - 48 for c in s]


def date_ok(year: int, month: int, day: int) -> bool:
    """A real calendar date (``year`` is a full year)."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def date_ok_yy(yy: int, month: int, day: int) -> bool:
    """A real date in some century: 29 February is allowed when ``yy`` is divisible by 4 (2000 was)."""
    return date_ok(2000 + yy, month, day)


def luhn(s: str) -> bool:
    """The Luhn (mod 10) check over a digit string, weights 2,1,2,1,... from the left for 10 digits."""
    total = 0
    for i, d in enumerate(_digits(s)):
        v = d * 2 if (len(s) - i) % 2 == 0 else d
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def swedish_person(s: str) -> int:
    """Kinds of a Swedish personnummer (10 or 12 digits, no separator): SE_PNR, SE_SAMNR or 0."""
    if len(s) == 12:
        year = int(s[:4])
        if not 1800 <= year <= 2099:
            return 0
        ten = s[2:]
    elif len(s) == 10:
        year = -1
        ten = s
    else:
        return 0
    if not luhn(ten):
        return 0
    yy, month, day = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    kinds = 0
    for d, kind in ((day, SE_PNR), (day - 60, SE_SAMNR)):
        ok = date_ok(year, month, d) if year >= 0 else date_ok_yy(yy, month, d)
        if ok:
            kinds |= kind
    return kinds


def swedish_org(s: str) -> bool:
    """A Swedish organisationsnummer: 10 digits, third digit >= 2, Luhn."""
    return len(s) == 10 and int(s[2]) >= 2 and luhn(s)


def cpr_year(yy: int, seventh: int) -> int:
    """The full birth year of a Danish CPR from its two-digit year and its 7th digit (CPR office table)."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


def danish_cpr(s: str) -> tuple[bool, bool]:
    """(valid date, passes modulus 11) for a 10-digit Danish CPR. Modulus 11 is not required since 2007."""
    if len(s) != 10:
        return False, False
    d = _digits(s)
    day, month, yy = int(s[0:2]), int(s[2:4]), int(s[4:6])
    if not date_ok(cpr_year(yy, d[6]), month, day):
        return False, False
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return True, sum(w * x for w, x in zip(weights, d, strict=True)) % 11 == 0


def danish_cvr(s: str) -> bool:
    """A Danish CVR number: 8 digits, first not 0, weights 2,7,6,5,4,3,2,1, modulus 11."""
    if len(s) != 8 or s[0] == "0":
        return False
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    return sum(w * x for w, x in zip(weights, _digits(s), strict=True)) % 11 == 0


def norwegian(s: str) -> tuple[int, bool]:
    """(kind, strict) for an 11-digit Norwegian fødselsnummer (NO_FNR) or D-nummer (NO_DNR).

    The first check digit is accepted by the rule for numbers issued from 2032 (weighted sum mod 11 in
    0..3); ``strict`` says it also meets the older rule (remainder 0). The second check digit is exact.
    """
    if len(s) != 11:
        return 0, False
    d = _digits(s)
    day, month, yy = int(s[0:2]), int(s[2:4]), int(s[4:6])
    kind = NO_FNR
    if day > 40:
        day -= 40
        kind = NO_DNR
    if not date_ok_yy(yy, month, day):
        return 0, False
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    r1 = sum(w * x for w, x in zip(w1, d[:10], strict=True)) % 11
    r2 = sum(w * x for w, x in zip(w2, d, strict=True)) % 11
    if r1 > 3 or r2 != 0:
        return 0, False
    return kind, r1 == 0


def finnish(s: str) -> bool:
    """A Finnish henkilötunnus ``DDMMYYCZZZQ``: century sign, individual number 002-999, mod-31 check."""
    if len(s) != 11 or s[6] not in FI_CENTURY:
        return False
    body = s[:6] + s[7:10]
    if not body.isascii() or not body.isdigit():
        return False
    day, month, yy = int(s[0:2]), int(s[2:4]), int(s[4:6])
    if not date_ok(FI_CENTURY[s[6]] + yy, month, day) or int(s[7:10]) < 2:
        return False
    return FI_CHECK[int(body) % 31] == s[10]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One identifier-shaped string that validates as at least one kind."""

    start: int
    end: int
    kinds: int
    shape: int
    flags: int
    ctx: int


def _isdigit(b: int) -> bool:
    return 48 <= b <= 57


def _isalnum(b: int) -> bool:
    return _isdigit(b) or 65 <= b <= 90 or 97 <= b <= 122


def _lower(b: int) -> int:
    return b + 32 if 65 <= b <= 90 else b


def _isalpha(b: int) -> bool:
    return 65 <= b <= 90 or 97 <= b <= 122


def _vat_prefix(buf: bytes, start: int, lo: int, prefixes: tuple[bytes, ...]) -> bool:
    """Two letters in ``prefixes`` right before ``start`` (not before ``lo``), not preceded by a letter."""
    if start - 2 < lo:
        return False
    if bytes(_lower(b) for b in buf[start - 2:start]) not in prefixes:
        return False
    return start - 3 < lo or not _isalpha(buf[start - 3])


def _letter(b: int) -> bool:
    return (chr(b).isascii() and chr(b).isalpha()) or b >= 128


def _word_at(window: bytes, word: str, letter_before: bool) -> bool:
    """Whether ``word`` (``^``: starting a word, ``$``: ending one) is in ``window``; ``letter_before``:
    the byte before the window is a letter."""
    raw = word.removeprefix("^").removesuffix("$").encode("utf-8")
    at = window.find(raw)
    while at >= 0:
        before = window[at - 1] if at > 0 else None
        after = window[at + len(raw)] if at + len(raw) < len(window) else None
        start_ok = not word.startswith("^") or not (letter_before if before is None else _letter(before))
        end_ok = not word.endswith("$") or after is None or not _letter(after)
        if start_ok and end_ok:
            return True
        at = window.find(raw, at + 1)
    return False


def context(buf: bytes, start: int) -> int:
    """Context bits from the words in the ``CONTEXT_BYTES`` before ``start`` on the same line."""
    lo = max(0, start - CONTEXT_BYTES)
    nl = buf.rfind(b"\n", lo, start)
    if nl >= 0:
        lo = nl + 1
    window = bytes(_lower(b) for b in buf[lo:start])
    ctx = 0
    for words, bit in ((PERSON_WORDS, CTX_PERSON), (BUSINESS_WORDS, CTX_BUSINESS), (NEGATIVE_WORDS, CTX_NEGATIVE)):
        if any(_word_at(window, w, lo > 0 and _letter(buf[lo - 1])) for w in words):
            ctx |= bit
    # A VAT prefix right before the digits ("DK12345678", "SE556...01") names a business number; the
    # two letters must start a word ("license8803200016" is not one).
    if _vat_prefix(buf, start, lo, (b"dk", b"se")):
        ctx |= CTX_BUSINESS
    return ctx


def validate(shape: int, text: str, sep: str, vat_prefix: bool) -> tuple[int, int]:
    """(kinds, flags) of a candidate of ``shape``; ``text`` has the digits (and FI sign/check) only."""
    kinds = flags = 0
    if shape in (S6S4, S8S4, S6S5, SFI):
        flags |= FLAG_SEP
    if shape == D8:
        if danish_cvr(text):
            kinds |= DK_CVR
    elif shape in (D10, S6S4):
        if sep != "+" or shape == D10:
            kinds |= swedish_person(text)
            if swedish_org(text):
                kinds |= SE_ORGNR
            ok, strict = danish_cpr(text)
            if ok:
                kinds |= DK_CPR
                if strict:
                    flags |= FLAG_STRICT
        else:
            kinds |= swedish_person(text)
            flags |= FLAG_PLUS
        if shape == S6S4 and finnish(text[:6] + sep + text[6:9] + text[9]):
            kinds |= FI_HETU
    elif shape in (D12, S8S4):
        kinds |= swedish_person(text)
        if text[:2] == "16" and swedish_org(text[2:]):
            kinds |= SE_ORGNR
        if shape == D12 and vat_prefix and text[10:] == "01" and swedish_org(text[:10]):
            kinds |= SE_ORGNR
    elif shape in (D11, S6S5):
        kind, strict = norwegian(text)
        kinds |= kind
        if kind and strict:
            flags |= FLAG_STRICT
    elif shape == SFI:
        if finnish(text):
            kinds |= FI_HETU
    return kinds, flags


def scan(buf: bytes) -> tuple[list[Candidate], list[int]]:
    """Every candidate in ``buf`` and the number of occurrences of each shape (valid or not)."""
    n = len(buf)
    out: list[Candidate] = []
    counts = [0] * len(SHAPES)
    i = 0
    while i < n:
        if not _isdigit(buf[i]) or (i > 0 and _isdigit(buf[i - 1])):
            i += 1
            continue
        j = i
        while j < n and _isdigit(buf[j]):
            j += 1
        run = j - i
        if i >= 2 and buf[i - 1] == 0x2E and _isdigit(buf[i - 2]):  # fraction digits of a decimal
            i = j
            continue
        shape, end, sep = -1, j, ""

        def digits_at(p: int, k: int) -> bool:
            return p + k <= n and all(_isdigit(b) for b in buf[p:p + k]) and (p + k == n or not _isdigit(buf[p + k]))

        if run == 6 and j < n:
            c = chr(buf[j])
            if c in "-+" and digits_at(j + 1, 4):
                shape, end, sep = S6S4, j + 5, c
            elif c in " -" and digits_at(j + 1, 5):
                shape, end, sep = S6S5, j + 6, c
            elif (c in FI_CENTURY and j + 5 <= n and all(_isdigit(b) for b in buf[j + 1:j + 4])
                  and chr(buf[j + 4]) in FI_CHECK and (j + 5 == n or not _isalnum(buf[j + 5]))):
                shape, end, sep = SFI, j + 5, c
        elif run == 8:
            if j < n and buf[j] == 0x2D and digits_at(j + 1, 4):
                shape, end, sep = S8S4, j + 5, "-"
            else:
                shape = D8
        elif run == 10:
            shape = D10
        elif run == 11:
            shape = D11
        elif run == 12:
            shape = D12
        if shape < 0:
            i = j
            continue
        if end + 1 < n and buf[end] == 0x2E and _isdigit(buf[end + 1]):  # integer part of a decimal
            i = end
            continue
        if i >= 1 and _isalpha(buf[i - 1]) and end < n and _isalpha(buf[end]):  # inside a token (a hex hash)
            i = end
            continue
        counts[shape] += 1
        raw = buf[i:end].decode("ascii")
        if shape == SFI:
            text = raw
        else:
            text = raw.replace(sep, "") if sep else raw
        vat = _vat_prefix(buf, i, 0, (b"se",))
        kinds, flags = validate(shape, text, sep, vat)
        # the numeric check character of a HETU must not be followed by a letter either
        if shape == S6S4 and kinds & FI_HETU and end < n and _isalnum(buf[end]):
            kinds &= ~FI_HETU
        if kinds:
            out.append(Candidate(i, end, kinds, shape, flags, context(buf, i)))
        i = end
    return out, counts


def scan_values(values: list[str | None]) -> tuple[list[tuple[int, Candidate]], list[int], int]:
    """A string column: each value scanned on its own; (row, candidate) pairs, shape counts, non-empty."""
    found: list[tuple[int, Candidate]] = []
    counts = [0] * len(SHAPES)
    nonempty = 0
    for row, value in enumerate(values):
        if value is None or value == "":
            continue
        nonempty += 1
        cands, c = scan(value.encode("utf-8"))
        found.extend((row, cand) for cand in cands)
        counts = [a + b for a, b in zip(counts, c, strict=True)]
    return found, counts, nonempty


def scan_ints(values: list[int | None]) -> tuple[list[tuple[int, int, int, int]], list[int], int]:
    """An integer column: (row, kinds, shape, flags), shape counts, positive values.

    A number stored as a number lost its leading zeros: 7 to 10 digits are read as d10 (zero-padded; a
    Swedish number of a year ending in 00 loses two or three), 10 or 11 as d11, 8 as d8 and 12 as d12.
    """
    found: list[tuple[int, int, int, int]] = []
    counts = [0] * len(SHAPES)
    positive = 0
    for row, v in enumerate(values):
        if v is None or v <= 0:
            continue
        positive += 1
        if v >= 10**12:
            continue
        for shape, width, lo, hi in ((D8, 8, 10**7, 10**8), (D10, 10, 10**6, 10**10),
                                     (D11, 11, 10**9, 10**11), (D12, 12, 10**11, 10**12)):
            if lo <= v < hi:
                counts[shape] += 1
                kinds, flags = validate(shape, str(v).zfill(width), "", False)
                if kinds:
                    found.append((row, kinds, shape, flags))
    return found, counts, positive
