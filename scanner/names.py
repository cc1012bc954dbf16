"""Column-name vocabulary: which names announce keys, dimensions or counts.

Names are evidence, never proof: the table analysis and the MIC rules combine them with the values.
"""

from __future__ import annotations

import re

__all__ = ["BARE_NAMES", "DIMENSION_WORDS", "identifier_kind", "name_tokens"]

_TOKEN = re.compile(r"[a-zæøåäöüéß]+|\d+")
_CAMEL = re.compile(r"(?<=[a-zæøåäö])(?=[A-ZÆØÅÄÖ])")


def name_tokens(name: str) -> list[str]:
    """Lower-case word tokens of a column name: ``AgeGroup`` -> age, group; ``ant_trangbodde``."""
    spaced = _CAMEL.sub(" ", name)
    return _TOKEN.findall(spaced.lower())


# Name tokens that mark a dimension when the column is numeric (a year, an age, a region code...).
DIMENSION_WORDS = frozenset(
    [
        "year",
        "years",
        "yr",
        "aar",
        "år",
        "ar",
        "tid",
        "time",
        "period",
        "periode",
        "date",
        "dato",
        "datum",
        "quarter",
        "kvartal",
        "qtr",
        "month",
        "måned",
        "maaned",
        "manad",
        "månad",
        "mnd",
        "week",
        "uge",
        "vecka",
        "uke",
        "day",
        "dag",
        "age",
        "ages",
        "alder",
        "ålder",
        "agegroup",
        "aldersgruppe",
        "agegrp",
        "sex",
        "gender",
        "kon",
        "køn",
        "kön",
        "kjonn",
        "kjønn",
        "koen",
        "region",
        "regions",
        "kommune",
        "kommun",
        "kommunenr",
        "komnr",
        "municipality",
        "county",
        "lan",
        "län",
        "amt",
        "landsdel",
        "area",
        "område",
        "omrade",
        "omr",
        "fylke",
        "province",
        "state",
        "fips",
        "country",
        "land",
        "code",
        "kode",
        "kod",
        "koder",
        "codes",
        "nace",
        "sic",
        "isco",
        "disco",
        "nuts",
        "sector",
        "sektor",
        "industry",
        "branche",
        "bransch",
        "naering",
        "næring",
        "class",
        "klasse",
        "klass",
        "group",
        "gruppe",
        "grupp",
        "grp",
        "category",
        "kategori",
        "cat",
        "level",
        "niveau",
        "status",
        "type",
        "typ",
        "wave",
        "round",
        "visit",
        "arm",
        "cohort",
        "stratum",
        "strata",
        "cluster",
        "decile",
        "quintile",
        "quartile",
        "percentile",
        "bin",
        "band",
        "nr",
        "no",
        "num",
        "id",
    ]
)


# Register keys of the Nordic statistics offices and their pseudonymised forms. Matched anywhere in the
# lower-cased name with non-letters (or the name's ends) on both sides: "pnr", "cpr_mor", "LopNr_PeOrgNr",
# "P0123_LopNr_PersonNr" (MONA's project-specific running numbers).
NATIONAL_KEYS = re.compile(
    r"(?<![a-zæøå])("
    r"p\d{3,6}_lopnr\w*|lopnr\w*|\w*_lopnr|pnr|cpr|cprnr|cpr_?nr|personnr|personnummer|person_?nummer|"
    r"pers_?nr|persnr|fnr|f_?nr|fodselsnummer|fødselsnummer|d_?nummer|hetu|henkilotunnus|sotu|"
    r"ssn|social_?security\w*|samordningsnummer|cvr|cvrnr|cvr_?nr|se_?nr|orgnr|org_?nr|"
    r"organisationsnummer|organisasjonsnummer|peorgnr|arbstid|arbnr|lbnr|cfarnr|cfar|famid|fam_?id|"
    r"bopaddr|adresse_?id|addr_?id|kom_?adr\w*|familie_?id|husstand_?id|hh_?id"
    r")(?![a-zæøå])"
)
# Direct identifiers: names, contact details, exact birth dates.
DIRECT_IDENTIFIERS = re.compile(
    r"(?<![a-zæøå])("
    r"first_?name|last_?name|sur_?name|full_?name|given_?name|family_?name|fornavn|efternavn|etternavn|"
    r"förnamn|fornamn|efternamn|e_?mail|email_?address|mail_?address|phone|phone_?number|telefon\w*|"
    r"tlf|mobil|mobile|mobile_?phone|street\w*|address|adresse|adress|gatuadress|ip_?address|ip|birth_?date|"
    r"date_?of_?birth|dob|fødselsdato|fodselsdato|födelsedatum|fodelsedatum|brthdt|credit_?card|cc|"
    r"card_?number|iban|passport\w*"
    r")(?![a-zæøå])"
)
# Generic record keys: an `id` word, or well-known subject keys.
GENERIC_IDS = frozenset(
    {
        "usubjid",
        "subjid",
        "idcode",
        "idnr",
        "pid",
        "respondentid",
        "responseid",
        "caseid",
        "patientid",
        "personid",
        "recordid",
        "hhid",
        "firmid",
    }
)
BARE_NAMES = frozenset({"name", "navn", "namn", "nimi"})


def identifier_kind(name: str) -> str | None:
    """Which kind of key a column name announces: "register key", "direct identifier", "record key"."""
    lowered = name.strip().lower().replace(" ", "_").replace("-", "_").replace(".", "_")
    if NATIONAL_KEYS.search(lowered):
        return "register key"
    if DIRECT_IDENTIFIERS.search(lowered):
        return "direct identifier"
    tokens = name_tokens(name)
    squashed = "".join(tokens)
    if "id" in tokens or squashed in GENERIC_IDS:
        return "record key"
    return None
