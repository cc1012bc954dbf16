"""PID: person and business numbers — no identifier may leave, even alone and de-identified elsewhere.

All PID rules read one shared :class:`~scanner.pid_scan.IdentifierScan` of the file (the kernels run
once per file); each rule reports the detections of its own kind. How a candidate becomes a detection
(check digits, context words, density) is described in :mod:`scanner.pid_scan`.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.pid_scan import KIND_BY_CODE, IdentifierScan
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

__all__: list[str] = []


def _report(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    info = KIND_BY_CODE[ctx.spec.code]
    for det in scan.of(ctx.spec.code):
        where = det.where or (f"in column '{masking.mask_name(det.column)}'" if det.column is not None
                              else "in the text")
        first = det.examples[0] if det.examples else None
        places = ", ".join(
            f"{ex.masked} ({'line ' + str(ex.line) if ex.line is not None else 'row ' + str(ex.row)})"
            if ex.line is not None or ex.row is not None else ex.masked
            for ex in det.examples
        )
        yield ctx.finding(
            f"{info.label}: {det.count:,} found ({det.distinct:,} distinct) {where}; {det.basis}.",
            masking.evidence(f"{info.label}: {places}"),
            line=first.line if first else None,
            row=first.row if first else None,
            column=det.column,
            severity=det.severity,
            identity=f"{det.column or ''}",
        )


@rule("PID001", "swedish-personnummer", Severity.BLOCK, (Shape.IDENTIFIERS,))
def swedish_personnummer(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Swedish personnummer (personal identity numbers) in any file.

    What it flags: `YYMMDD-NNNN`, `YYMMDD+NNNN` (aged 100+), `YYMMDDNNNN`, `YYYYMMDDNNNN` and
    `YYYYMMDD-NNNN` with a real birth date and a valid Luhn check digit, found at digit boundaries
    (`pnr_198803200016` counts) in text, logs, code, CSV and Parquet (also as integers). A number is
    reported when the evidence is strong enough: written in its standard form, named by a nearby word
    (pnr, personnummer, LopNr...) or its column name, or most same-shaped numbers in the file or column
    validate. Dates, phone numbers and amounts that pass the checks by chance are not reported.

    Why it is disclosive: a person number identifies a person directly. Statistics Denmark's and
    Statistics Sweden's rules forbid sending home any identifier, even a bare list of keys.

    Example: a log line `deleted pnr=19880320-0016`; a column `PersonNr` of 10-digit numbers.

    Options: severity only. A detection of fewer than 3 numbers without strong evidence is `review`.

    References: Skatteverket, "Personnummer" (SKV 704); Statistics Denmark, rules for sending results
    home (microdata in any form).
    """
    yield from _report(ctx, scan)


@rule("PID002", "swedish-samordningsnummer", Severity.BLOCK, (Shape.IDENTIFIERS,))
def swedish_samordningsnummer(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Swedish samordningsnummer (coordination numbers: birth day + 60) in any file.

    What it flags: personnummer-shaped numbers whose day is 61-91 (day + 60), with a valid Luhn check
    digit, in the same forms and under the same evidence rules as PID001.

    Why it is disclosive: a coordination number identifies a person who is or was not registered in
    Sweden, exactly like a personnummer.

    Example: `samordningsnr 701063-2391`.

    Options: severity only.

    References: Skatteverket, "Samordningsnummer"; SFS 1991:481 section 18 a.
    """
    yield from _report(ctx, scan)


@rule("PID003", "danish-cpr", Severity.BLOCK, (Shape.IDENTIFIERS,))
def danish_cpr(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Danish CPR numbers in any file.

    What it flags: `DDMMYY-SSSS` and `DDMMYYSSSS` with a real birth date, the century read from the 7th
    digit. Modulus 11 is scored, not required: numbers issued since 2007 need not pass it. Because a date
    alone is weak evidence, a CPR is reported when it is named (cpr, personnummer...), written with its
    hyphen and checks out, or when most same-shaped numbers in the file or column are valid CPRs.

    Why it is disclosive: the CPR number identifies a person directly; Statistics Denmark counts any
    person number as microdata, even alone.

    Example: `cpr: 211062-5629`; a column `CPR_MOR`.

    Options: severity only.

    References: CPR-kontoret, "Personnummeret i CPR" (modulus 11 control, 2008); Statistics Denmark,
    rules for sending results home.
    """
    yield from _report(ctx, scan)


@rule("PID004", "norwegian-fodselsnummer", Severity.BLOCK, (Shape.IDENTIFIERS,))
def norwegian_fodselsnummer(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Norwegian fødselsnummer (11-digit national identity numbers) in any file.

    What it flags: `DDMMYYIIIKK` and `DDMMYY IIIKK` with a real birth date and both check digits valid,
    the first by the rule in use until 2032 or by the rule for numbers issued from 2032 (remainder 0-3).

    Why it is disclosive: the fødselsnummer identifies a person directly.

    Example: `fnr 15108695088`.

    Options: severity only.

    References: Skatteetaten, "Fødselsnummer" and "Nytt fødselsnummer fra 2032".
    """
    yield from _report(ctx, scan)


@rule("PID005", "finnish-henkilotunnus", Severity.BLOCK, (Shape.IDENTIFIERS,))
def finnish_henkilotunnus(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Finnish henkilötunnus (personal identity codes) in any file.

    What it flags: `DDMMYYCZZZQ` with a real birth date, a century sign (`+`, `-`, `Y X W V U` for the
    1900s and `A B C D E F` for the 2000s, as in use since 2023), an individual number 002-999 and a valid
    mod-31 check character.

    Why it is disclosive: the henkilötunnus identifies a person directly.

    Example: `hetu 131052-308T`.

    Options: severity only.

    References: Digital and Population Data Services Agency (DVV), "Personal identity code"; Finnish
    Government Decree 128/2010 as amended in 2022.
    """
    yield from _report(ctx, scan)


@rule("PID006", "norwegian-d-nummer", Severity.BLOCK, (Shape.IDENTIFIERS,))
def norwegian_d_nummer(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Norwegian D-nummer (identity numbers of people not registered as residents: day + 40).

    What it flags: fødselsnummer-shaped numbers whose day is 41-71, with both check digits valid, in the
    same forms and under the same evidence rules as PID004.

    Why it is disclosive: a D-nummer identifies a person directly.

    Example: `d-nummer 41018012345`-shaped values in a column `dnr`.

    Options: severity only.

    References: Skatteetaten, "D-nummer".
    """
    yield from _report(ctx, scan)


@rule("PID010", "swedish-organisationsnummer", Severity.BLOCK, (Shape.IDENTIFIERS,))
def swedish_organisationsnummer(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Swedish organisationsnummer (legal-entity numbers) in any file.

    What it flags: `NNNNNN-NNNN`, `NNNNNNNNNN`, `16NNNNNNNNNN` and the VAT form `SE` + number + `01`,
    with third digit 2 or more and a valid Luhn check digit. One random 10-digit number in about twelve
    passes these checks, so a number is reported only when named (orgnr, organisationsnummer, företag...)
    or when most numbers of its shape validate.

    Why it is disclosive: Statistics Denmark and Statistics Sweden treat firm identifiers like person
    numbers: a firm-level result keyed by its number is microdata about that firm.

    Example: a column `PeOrgNr`; `orgnr 556036-0793` in a log.

    Options: severity only.

    References: Bolagsverket, "Organisationsnummer"; Statistics Denmark, rules for sending results home
    (CVR numbers and workplace codes).
    """
    yield from _report(ctx, scan)


@rule("PID011", "danish-cvr", Severity.BLOCK, (Shape.IDENTIFIERS,))
def danish_cvr(ctx: RuleContext, scan: IdentifierScan) -> Iterator[Finding]:
    """Danish CVR numbers (business register numbers) in any file.

    What it flags: 8-digit numbers with a valid modulus-11 check (weights 2,7,6,5,4,3,2,1), also as
    `DK12345678`. One 8-digit number in eleven passes (so does one date `YYYYMMDD` in eleven), so a CVR is
    reported only when named (cvr, firma, virksomhed, a `DK` prefix or the column name), or when at
    least 80 % of the 8-digit numbers in a column or file validate (a list of CVR numbers).

    Why it is disclosive: Statistics Denmark counts CVR numbers, workplace and address codes as
    microdata, even alone.

    Example: a column `cvrnr`; `DK13585628` in a note.

    Options: severity only.

    References: Erhvervsstyrelsen, "CVR-nummer" (modulus 11); Statistics Denmark, rules for sending
    results home.
    """
    yield from _report(ctx, scan)
