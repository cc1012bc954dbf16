"""Column-name vocabulary: which names announce keys, dimensions or counts.

Names are evidence, never proof: the table analysis and the MIC rules combine them with the values.
"""

from __future__ import annotations

import functools
import re

from scanner.lazy_regex import lazy_compile

__all__ = [
    "BARE_NAMES",
    "DIMENSION_WORDS",
    "MARGIN_LABELS",
    "PERSON_ATTRIBUTES",
    "identifier_kind",
    "is_margin_label",
    "name_tokens",
    "quasi_identifier_kind",
    "statistic_kind",
]

_TOKEN = lazy_compile(r"[a-zæøåäöüéß]+|\d+")
_CAMEL = lazy_compile(r"(?<=[a-zæøåäö])(?=[A-ZÆØÅÄÖ])")


def name_tokens(name: str) -> list[str]:
    """Lower-case word tokens of a column name: ``AgeGroup`` -> age, group; ``ant_trangbodde``."""
    spaced = _CAMEL.sub(" ", name)
    return _TOKEN.findall(spaced.lower())


#: Names of the cells of a statistical grid (INSPIRE "1kmN6192E650", SSB's "ssbid250m", Statistics Finland's
#: "grd_id"): areas a table is by, like municipalities.
GRID_WORDS = frozenset({"grd", "grid", "gridcell", "ruutu", "ruudut", "ruutuid", "rute", "ruter", "rutenett",
                        "rutid", "ruta", "rutor", "kvadrat", "kvadratnet", "ssbid", "ssbid250m", "ssbid1000m"})

# Name tokens that mark a dimension when the column is numeric (a year, an age, a region code...).
DIMENSION_WORDS = frozenset(
    [
        "year",
        "years",
        "yr",
        # (Finnish: vuosi, year; tilastovuosi, the statistics' year; kuukausi, month; ikä, age)
        "vuosi",
        "vuodet",
        "tilastovuosi",
        "kuukausi",
        "ikä",
        "ika",
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
        # the bounds of a life table's or a follow-up's intervals (interval_start, interval_end, tstart)
        "interval",
        "start",
        "end",
        "stop",
        "tstart",
        "tstop",
        # the registers' own short names: Statistics Denmark's KOM and BOPIKOM, Finland's kunta
        "kom",
        "bopkom",
        "bopikom",
        "kunta",
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
        "education",
        "educ",
        "uddannelse",
        "utbildning",
        "hfaudd",
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
) | GRID_WORDS


# Register keys of the Nordic statistics offices and their pseudonymised forms. Matched anywhere in the
# lower-cased name with non-letters (or the name's ends) on both sides: "pnr", "cpr_mor", "LopNr_PeOrgNr",
# "P0123_LopNr_PersonNr" (MONA's project-specific running numbers). Only names of keys: a word that is
# also an ordinary table dimension or count ("husstandstype", "toimipaikka_lkm", "bopikom" a municipality)
# is not here, whatever unit it is about.
NATIONAL_KEYS = lazy_compile(
    r"(?<![a-zæøåäö])("
    # persons: Denmark (PNR, CPR; spouse, parents, children in BEF: AEGTE_ID, E_FAELLE_ID, MOR_ID,
    # FAR_ID, BARN_ID), Sweden (personnummer, samordningsnummer; MONA's LopNr and every key built on it:
    # PeOrgLopNr, ArbStLopNr, CfarLopNr, FamLopNr, FastLopNr, LopNr_KontrollNr), Norway (fødselsnummer,
    # D-nummer, the løpenummer of a pseudonymised fnr), Finland (henkilötunnus, shnro: the pseudonymised
    # person number of Statistics Finland's research data)
    r"p\d{3,6}_lopnr\w*|[a-zæøåäö]*lopnr\w*|pnr\w*|cpr|cprnr|cpr_?nr|personnr|personnummer|person_?nummer|"
    r"pers_?nr|persnr|fnr|f_?nr|fodselsnummer|fødselsnummer|d_?nummer|hetu|henkilotunnus|henkilötunnus|sotu|"
    r"shnro\w*|ssn|social_?security\w*|samordningsnummer|løpenummer|lopenummer|løpenr|lopenr|lnr|"
    # (the Danish and Swedish running numbers of a pseudonymised person: "løbenr", "loebenr", "löpnummer")
    r"l(?:ø|oe|o)be_?nr|l(?:ø|oe|o)benummer|[a-zæøåäö]*l(?:ö|o)pnummer|"
    # (the pseudonymised person tokens of trusted research environments and the NHS number: "token_person_id",
    # "pseudo_id", "pseudo_patient_id", "nhs_number")
    r"(?:token|pseudo|pseudonym|hashed|encrypted)_?(?:person_?|patient_?|individual_?)?(?:id|key|token)|"
    r"nhs_?(?:number|no|nr|id)|chi_?(?:number|no)|"
    # (Statistics Norway's pseudonymised person key in project data: w19_0634_lnr)
    r"w\d{2}_\d{3,5}_lnr\w*|"
    # (biobanks' pseudonymised participant keys: FinnGen's FINNGENID, UK Biobank's eid)
    r"finngen_?id|fg_?id|eid|"
    r"aegte_?id|ægte_?id|[ce]_?f(æ|ae)lle_?id|mor_?id|far_?id|barn_?id|"
    # firms, legal units and workplaces: CVR, SE and P numbers, DST's ARBNR/LBNR (workplace) and ARBGNR
    # (employer); SCB's PeOrgNr, ArbStId, CFAR number, AstNr; Norway's org.nr and bedrifts- (establishment),
    # foretaks- and virksomhetsnummer; Finland's Y-tunnus (business ID) and toimipaikkatunnus (establishment)
    r"cvr|cvrnr|cvr_?nr|se_?nr|p_?nummer|orgnr|org_?nr|organisationsnummer|organisasjonsnummer|peorgnr|arbstid|"
    r"arbnr|lbnr|arbgnr\w*|cfarnr|cfar|astnr\w*|bedrifts?_?(nr|nummer|id)|foretaks?_?(nr|nummer|id)|"
    r"virksomhets_?(nr|nummer)|y_?tunnus|yritys_?tunnus|yritys_?id|toimipaikka_?(tunnus|id|nro|numero)|"
    # (Statistics Finland's pseudonymised employer and establishment keys in FOLK/työssäkäynti data: syrtun, stoimi;
    # the English names researchers give a firm's or a workplace's key)
    r"syrtun\w*|styrtun\w*|stoimi\w*|"
    # (a Danish GP practice's provider number in SSR: ydernr)
    r"yder_?nr|ydernummer|yder_?id|workplace_?(?:id|key|nr|no)|employer_?(?:id|key|nr|no)|firm_?(?:id|key)|"
    r"company_?(?:id|key)|establishment_?(?:id|key)|enterprise_?(?:id|key)|"
    # families, households, dwellings and addresses
    r"famid|fam_?id|fam_?nr|familie_?id|familie_?nr|familienummer|husstand_?id|husstands_?(id|nr|nummer)|"
    r"husstand_?nr|hh_?id|hush(å|a)lls?_?(id|nr)|hushold(nings)?_?(id|nr|nummer)|"
    r"asuntokunta_?(tunnus|id|nro|numero)|perhe_?(tunnus|id|nro|numero)|"
    r"bopaddr|adresse_?id|adresse_?nr|adressenummer|addr_?id|adr_?id|kom_?adr\w*|"
    # (Danish address keys in BEF and BBR: KVHX (municipality, road, house, floor, door), KVH, the dwelling's
    # BOPAEL_ID, DAR's adgangsadresse and enhedsadresse IDs, a building's BBR ID)
    r"kvhx|kvh|bop(?:æ|ae)l_?id|bopaels_?id|adgangs_?adresse_?id|enheds_?adresse_?id|bygnings?_?(?:id|nr|nummer)|"
    # properties and buildings: Sweden's fastighetsbeteckning, Denmark's matrikel, ejendoms- and BFE number,
    # Norway's gårds- and bruksnummer, Finland's kiinteistötunnus and building number (PRT)
    r"fastbet|fastighetsbeteckning|fastighets_?(id|nr|nyckel)|fastnyckel|matrikel_?(nr|nummer)|matr_?nr|"
    r"ejendoms_?(nr|nummer)|ejd_?nr|bfe_?(nr|nummer)|gnr_?bnr|kiinteist(ö|o)tunnus|kiinteist(ö|o)_?(tunnus|id)|"
    r"rakennustunnus|prt_?(tunnus|id)|"
    r"g(å|aa|a)rds_?(nr|nummer)|bruks_?(nr|nummer)|feste_?(nr|nummer)|seksjons_?(nr|nummer)|gnr|bnr|"
    r"matrikkel_?(nr|nummer)|eiendoms_?(nr|nummer|id)|"
    # cases and journals: police, court and agency case numbers ("diarienummer", "journalnummer", "sagsnummer",
    # "saksnummer", "asianumero"), and the individual and family IDs of genotype files (PLINK's IID, FID)
    r"diarie_?(nr|nummer)|diarienummer|journal_?(nr|nummer)|journalnummer|sags_?(nr|nummer)|sagsnummer|"
    r"saks_?(nr|nummer)|saksnummer|(ä|a)rende_?(nr|nummer)|(ä|a)rendenummer|asia_?(nro|numero)|asianumero|"
    r"case_?(nr|no|number)|iid|fid|"
    # herds and vessels, the units of agriculture and fisheries statistics: Denmark's CHR number of a herd
    # (chr_nr, besætningsnummer; a bare "CHR" is a chromosome in genetics), a fishing vessel's registration or ID
    # (fartøjsnummer, fartygs_id, vessel_id)
    r"chr_?nr|chr_?nummer|bes(æ|ae)tnings_?(nr|nummer)|fart(ø|oe|o)js?_?(id|nr|nummer)|fartygs?_?(id|nr|nummer)|"
    r"fart(ø|oe|o)y_?(id|nr|nummer)|vessel_?(id|nr|no|number|reg|registration)|imo_?(nr|number)"
    r")(?![a-zæøåäö])"
)
# Direct identifiers: names, contact details, exact birth dates.
DIRECT_IDENTIFIERS = lazy_compile(
    r"(?<![a-zæøåäö])("
    r"first_?name|last_?name|sur_?name|full_?name|given_?name|family_?name|fornavn|efternavn|etternavn|"
    r"förnamn|fornamn|efternamn|e_?mail|email_?address|mail_?address|phone|phone_?number|telefon\w*|"
    r"tlf|mobil|mobile|mobile_?phone|street\w*|address|adresse|adress|gatuadress|ip_?address|ip|birth_?date|"
    # (an address's parts: the house number and the road's name or code, "HUSNR", "vejnavn", "VEJKODE", "gatunamn")
    r"hus_?nr|husnummer|house_?(?:no|nr|number)|vej_?navn|vejnavn|vej_?kode|vejkode|gatu_?namn|gatunamn|"
    r"gate_?navn|gatenavn|katu_?osoite|katuosoite|"
    r"date_?of_?birth|dob|fødselsdato|fodselsdato|foedselsdato|født_?dato|fodt_?dato|fødselsdag|fodselsdag|"
    r"födelsedatum|fodelsedatum|födelsedag|fodelsedag|syntymäaika|syntymaaika|syntymäpäivä|syntymapaiva|"
    r"brthdt|credit_?card|cc|card_?number|iban|passport\w*"
    r")(?![a-zæøåäö])"
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


# A count of a key's values named after the key: Excel's "Count of pnr", "Distinct Count of lopnr", SAS's
# "N_pnr", "antal_pnr", "antal_unikke_pnr", "nunique_cvr".
_AGGREGATE_OF_KEY = lazy_compile(
    r"^(?:count|sum|number|antal|antall|antalet|lukum(?:ä|a)(?:ä|a)r(?:ä|a)|n|nobs|freq|distinct|unique|nunique|"
    r"n_?distinct|count_?distinct|distinct_?count)(?:_(?:of|af|av|unikke|unika|unike|unique|distinct|count|"
    r"count_of))*_+[a-zæøåäö]"
    # ... or after it: "cvr_antal", "lopnr_count", "pnr_n", "pnr_missing"
    r"|^[a-zæøåäö][\w]*?_(?:count|counts|antal|antall|antalet|n|nobs|freq|frekvens|distinct|unique|nunique|"
    r"missing|miss|total|sum)$"
    # ... or as Stata's table and collapse name a statistic of it: "N(pnr)", "count(lopnr)", "sum(cvr)"
    r"|^(?:n|count|sum|mean|freq|nunique|distinct)\(\w+\)$")


# Words that make a key's name a flag or a count of its status, not the key: "cpr_fejl", "pnr_ok", "lopnr_valid",
# "manglende adresse" (missing address). (Not "match": "lopnr_match" is the matched control's key.)
_KEY_STATUS_WORDS = frozenset({"fejl", "fel", "feil", "virhe", "error", "err", "flag", "flg", "ok", "valid", "gyldig",
                               "giltig", "ugyldig", "ogiltig", "invalid", "mangler", "manglende", "saknas", "saknad",
                               "puuttuu", "missing", "status", "dubletter", "dubbletter", "duplicates"})


# Words that make a contact channel's name a count of contacts by it: "email_konsultationer", "telefon_kontakter",
# "phone_calls", "antal_email".
_CONTACT_COUNT_WORDS = frozenset({
    "konsultation", "konsultationer", "konsultasjon", "konsultasjoner", "consultation",
    "consultations", "kontakter", "contacts", "samtale", "samtaler", "samtal",
    "calls", "call", "opkald", "henvendelser", "henvendelse", "visits", "ydelser", "ydelse", "tjenester",
    "antal", "antall", "count", "lkm", "share", "andel", "pct",
})
# ... and written into one word with the channel: "telefonkonsultationer", "emailkontakter".
_CONTACT_COUNT_STEMS = lazy_compile(r"konsultation|konsultasjon|consultation|kontakter|contacts|samtal|opkald|"
                                    r"henvendel")


@functools.lru_cache(maxsize=1 << 14)  # a pure function of a header; headers repeat across a delivery
def identifier_kind(name: str) -> str | None:
    """Which kind of key a column name announces: "register key", "direct identifier", "record key"."""
    lowered = name.strip().lower().replace(" ", "_").replace("-", "_").replace(".", "_")
    if _AGGREGATE_OF_KEY.match(lowered):
        return None  # "Count of pnr" (an Excel pivot table), "antal_pnr", "n_distinct_lopnr": counts of keys
    if _KEY_STATUS_WORDS.intersection(name_tokens(name)):
        return None  # "cpr_fejl" (a flag of a link error), "Ekskluderet (manglende adresse)": no key's values
    if NATIONAL_KEYS.search(lowered):
        return "register key"
    if DIRECT_IDENTIFIERS.search(lowered):
        if _CONTACT_COUNT_WORDS.intersection(name_tokens(name)) or _CONTACT_COUNT_STEMS.search(lowered):
            return None  # "email_konsultationer", "telefonkontakter": consultations by e-mail or phone, counted
        return "direct identifier"
    tokens = name_tokens(name)
    squashed = "".join(tokens)
    if GRID_WORDS.intersection(tokens):
        return None  # "grd_id", "kvadrat_id", "ssbid250m": a grid cell (an area), not a unit's key
    if "id" in tokens or squashed in GENERIC_IDS:
        return "record key"
    return None



# Quasi-identifiers: attributes that are harmless alone but single out a person in combination (Sweeney's
# date of birth + sex + postcode). Matched like the keys above, on the lower-cased name with separators as
# word boundaries. "person" kinds describe one person; "area" is as often a table dimension as a record's.
_QUASI_IDENTIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, lazy_compile(r"(?<![a-zæøåäö])(" + body + r")(?![a-zæøåäö])"))
    for kind, body in (
        ("birth date", r"birth_?date|birthdate|date_?of_?birth|dob|b_?date|brthdt|f(ø|o|oe)dselsdato|f(ø|o)dt_?dato|"
                       r"f(ø|o|oe)dselsdag|f(ø|o|oe)d_?dag|f(ö|o)delsedatum|f(ö|o)delsedag|syntym(ä|a)aika|"
                       r"syntym(ä|a)p(ä|a)iv(ä|a)|syntym(ä|a)pvm"),
        ("birth year", r"birth_?year|year_?of_?birth|yob|f(ø|o|oe)dsels(å|aa|a)r|f(ø|o|oe)de(å|aa|a)r|"
                       r"f(ø|o|oe)d_?(å|aa|a)r|f(ö|o)delse(å|a)r|syntym(ä|a)vuosi|birth_?cohort"),
        ("postcode", r"post_?code|postal_?code|postcode|post_?nr|postnummer|postinumero|postinro|zip|zip_?code|"
                     r"zipcode|plz"),
        ("sex", r"sex|gender|k(ø|o|oe)n|k(ö|o)n|kj(ø|o|oe)nn|sukupuoli"),
        ("age", r"age|alder|(å|a)lder|ika|ikä|age_?years|alder_?(å|aa|a)r"),
        ("area", r"kommune|kommun|kunta|municipality|bop(æ|ae)lskommune|bopikom|kom|komnr|kommunenr|kommunkod|"
                 r"parish|sogn|f(ö|o)rsamling|seurakunta|region|l(ä|a)n|fylke|maakunta|county|district|bydel|"
                 r"grunnkrets|deso|regso|postort|postdistrikt|town|city|by"),
    )
)
_MAX_ATTRIBUTE_WORDS = 4
#: Quasi-identifier kinds that describe a person (not a place): evidence that rows are people.
PERSON_ATTRIBUTES = frozenset({"birth date", "birth year", "postcode", "sex", "age"})


@functools.lru_cache(maxsize=1 << 14)  # a pure function of a header; headers repeat across a delivery
def quasi_identifier_kind(name: str) -> str | None:
    """The quasi-identifier a column name announces: "birth date", "birth year", "postcode", "sex", "age",
    "area", or None. Evidence only: a table of counts by age and sex has these columns too."""
    lowered = re.sub(r"[\s\-./()]+", "_", name.strip().lower()).strip("_")
    # A header of many words is a title or a description ("Befolkning, etter region, kjønn og år" over a
    # count column), not the name of one attribute.
    if not lowered or len(name_tokens(name)) > _MAX_ATTRIBUTE_WORDS:
        return None
    for kind, pattern in _QUASI_IDENTIFIERS:
        if pattern.search(lowered):
            return kind
    return None


# Summary statistics named in a column header. A column of minima, maxima or percentiles is an extreme
# (EXT rules), a column of means, deviations, shares or model estimates is not a count, whatever its
# values look like. Matched on the lower-cased name with separators as word boundaries.
_STAT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, lazy_compile(r"(?<![a-zæøåäö0-9])(" + body + r")(?![a-zæøåäö0-9])"))
    for kind, body in (
        # Published dominance: the share of the largest one or two units (concentration ratios).
        # ("top 1%", a percent sign right after the digit, is the top percent of the units, not one unit)
        ("dominance", r"cr[1-3]|top_?[1-3](?!_?%)_?(share|andel|pct)?|(andel|share|pct)_?(af_?|of_?|av_?)?"
                      r"((den|the|de|två|to|tva|two|[1-3])_?){0,2}(st(ø|oe|o|ö)rste?|st(ö|oe|o)rsta|largest|biggest|top)"
                      r"\w*|st(ø|oe|o|ö)rst\w*(_[a-zæøåäö]+){0,3}_andel\w*|suurimm\w*(_[a-zäö]+){0,3}_osuus|"
                      r"largest_?(unit|firm|company|contributor)?_?(share|pct)|dominans\w*|koncentration\w*"),
        ("min", r"min|minimum|mindste|laveste|l(ä|ae|a)gsta|minst|minsta|lavest|pienin|minimi|smallest|lowest"),
        # (Danish and Swedish letters also as written in ASCII names: ø/ö as "oe" or "o", ä as "ae" or "a")
        ("max", r"max|maximum|maks|maksimum|st(ø|oe|o)rste|h(ø|oe|o)jeste|h(ö|oe|o)gsta|st(ö|oe|o)rst|"
                r"h(ø|oe|o)yeste|st(ö|oe|o)rsta|suurin|maksimi|largest|highest"),
        ("percentile", r"p[0-9]{1,2}(\.[0-9])?|pct[0-9]{1,2}|q[13]|pctl|percentile?s?|percentil|persentil|"
                       r"quantile?s?|kvantil\w*|kvartil\w*|quartile?s?|median|medianen|mediaani|fraktil\w*|"
                       # (Finnish compounds: "Alakvartiili (P25)", "Yläkvartiili", "persentiili 90"; a decile,
                       # "desiili", is a class of units)
                       r"(ala|yl(ä|a))kvartiili\w*|persentiili\w*"),
        ("mean", r"mean|avg|average|gennemsnit\w*|gns|snit|snitt|gj_?snitt|medel\w*|gjennomsnitt\w*|keskiarvo"),
        ("spread", r"sd|std|stddev|stdev|std_?dev|st_?dev\w*|standard_?deviation|"
                   r"standardafvigelse|standardavvik\w*|spredning|variance|"
                   r"varians|iqr|se|stderr|std_?err\w*|std_?error|standard_?error|sem"),
        ("estimate", r"estimate|estimat|est|coef\w*|koef|koeff|koefficient\w*|koeffisient\w*|kerroin|kertoimet|fe|"
                     r"fixed_?effects?|beta|b|t|z|p|pval\w*|p_?value|pr|ci|lci|uci|ll|ul|"
                     # (odds and hazard ratios and their intervals in the Nordic languages: "vetosuhde",
                     # "oddskvot", "lv_alaraja", "ki_nedre")
                     r"vetosuhde|riskisuhde|hasardisuhde|oddskvot|oddsforhold|oddsratio|hasardkvot|riskkvot|"
                     r"lv_?(?:ala|yla)raja|luottamusv(?:ä|a)li\w*|ki_?(?:nedre|(?:ö|o)vre)|"
                     # (an interval's bound after its level: "95% KI, nedre", "95 % CI, upper", "95%_ci_lav")
                     r"\d{2}_?%?_?(?:ki|ci|kl|cl),?_?(?:nedre|(?:ø|oe|o)vre|lower|upper|lav|h(?:ø|oe|o)j|low|high)|"
                     r"(lower|upper)_?(\d{2}_?)?(ci|cl|bound|limit|conf\w*)|(ci|cl|conf\w*)_?(lower|upper|low|high)|lcl|ucl|"
                     # (a funnel plot's control limits: "lower95", "upper998", "95% nedre", "99,8% øvre")
                     r"(lower|upper|nedre|(ø|oe|o)vre)_?\d{2,3}|\d{2}([_,]\d)?_?%?_?(lower|upper|nedre|(ø|oe|o)vre)|"
                     r"conf\w*|df|sum_?sq|mean_?sq|f|f_?value|chi2|chisq|or|hr|rr|irr|aic|"
                     r"bic|loglik|r2|r_?squared|adj_?r2|statistic|wald|odds_?ratio|hazard_?ratio|"
                     # (SAS's tests: "Prob", "Pr > ChiSq", "Prob > |t|")
                     r"prob|pr_chi\w*|prob_chi\w*|prob_[tfz]|pr_[tfz]|"
                     # (SPSS's tests: "Asymptotic Significance (2-sided)", "Exact Sig. (1-sided)", "Sig."; its
                     # "Dependent Variable Encoding": the internal value of a category, no count)
                     r"asymptotic_significance\w*|exact_sig\w*|sig|significance|internal_value"),
        # ("andelsbolig", "andelsforening": a co-operative dwelling or society is no share)
        ("share", r"pct|percent\w*|procent\w*|prosent\w*|andel(?!s[a-zæøåäö]{3})\w*|osuus\w*|share|rate|ratio|prop|"
                  r"proportion|"
                  r"frequency_?pct|cum_?pct|cum|cumulative|kumulativ\w*|%|"
                  # (an allele's frequency among the chromosomes observed: PLINK's MAF beside NCHROBS)
                  r"maf|a1_?freq|alt_?freq\w*"),
    )
)


# The lowest line of a stacked header that makes its column a count.
COUNT_STAT_NAMES = frozenset({"n", "count", "frequency", "freq", "freq.", "antal", "antall", "lkm", "frekvens",
                              "number of nonmissing values", "number of observations"})


#: A header of counts with their percentage, "n (%)", alone or first before the rows' other statistics ("n (%) /
#: mean (SD)", "N (%) or median (IQR)": a Table 1 column whose "k (p)" cells are counts).
COUNT_WITH_PERCENT = lazy_compile(
    r"^\s*(n|antal|antall|antalet|count|no\.?|number|lkm|frekvens|freq\.?)\s*[(\[]\s*%\s*[)\]]\s*"
    r"(?:$|/|,|;|(?:or|eller|tai)\s)", re.IGNORECASE)


#: The words an "of which" part starts with: "Heraf kvinder", "Herav menn", "hvorav med ...", "Varav utrikes
#: födda", "Of which: women", "Josta naisia" (a pattern's alternatives, for the readers of columns and captions).
#: Words before a percentage that make it a bound ("over 85 %", "overstiger 90 %": a dominance rule as a note
#: words it), not a cell's share (a pattern's alternatives; the readers of table notes and of prose).
SHARE_BOUND_WORDS = (r"over|under|above|below|exceed\w*|overstiger|överstiger|overskrider|ylittä\w*|yli|alle|"
                     r"alitta\w*|more than|less than|at least|at most|mindst|højst|hoejst|minst|högst|hogst|høyst|"
                     r"mer enn|mindre enn|mer än|mindre än|enintään|vähintään|[<>≤≥]|=<|>=|<=")

OF_WHICH_WORDS = (r"heraf|herav|hvoraf|hvorav|varav|därav|darav|derav|of[\s_]+which|hereof|josta|joista|siitä|"
                  r"niistä")


# A group named by a letter after its word: "Treatment B", "Arm A", "Gruppe B", "Kohort C".
#: Words a lettered or numbered group follows: a trial's arms, study groups, sites ("Treatment B", "Arm 1").
LETTERED_GROUP_WORDS = frozenset({
    "treatment", "behandling", "behandlingsgruppe", "arm", "group", "gruppe", "grupp", "ryhmä", "cohort", "kohort",
    "site", "region", "type", "typ", "kategori", "category", "class", "klasse", "klass", "level", "niveau", "nivå",
    "dose", "dosis", "intervention", "trial", "study", "studie", "center", "centre", "hospital", "sygehus", "sjukhus",
    "skole", "school", "firm", "firma", "branche", "sector", "sektor", "område", "area", "zone"})
_LETTERED_GROUP = lazy_compile(r"(?i)(?<![\w])(" + "|".join(sorted(LETTERED_GROUP_WORDS)) + r")\s+[a-z](?![\w])")


@functools.lru_cache(maxsize=1 << 14)  # a pure function of a header; headers repeat across a delivery
def statistic_kind(name: str) -> str | None:
    """The summary statistic a column name announces: ``dominance``, ``min``, ``max``, ``percentile``,
    ``mean``, ``spread``, ``estimate``, ``share``, or None.

    ``dominance`` is checked first (``andel største virksomhed`` is a share of the largest unit, not a
    maximum), then the extremes, so ``max_pct`` reads as a maximum.
    """
    if COUNT_WITH_PERCENT.match(name):
        return None  # "n (%)", "n (%) / mean (SD)": counts with their percentage, as in a Table 1
    if " | " in name:
        # stacked headers (PROC TABULATE's "T&K-menot, 1000 EUR | N"): the lowest line names the statistic,
        # unless the lines together name the largest unit's share ("Største virk. | andel, pct.")
        whole = statistic_kind(name.replace(" | ", " "))
        if whole == "dominance":
            return whole
        last = name.rsplit(" | ", 1)[1].strip()
        if last.lower() in COUNT_STAT_NAMES:
            return None
        return statistic_kind(last) or whole
    # (a chapter's code after its name is no statistic: "Mielenterveyden häiriöt (F)", "Neoplasms (C00-D48)";
    # nor is the lowest or highest of classes: "Q1 (lowest)", "Kvintil 5 (højeste)" name an income quintile)
    bare = _SECTION_LETTER.sub("", _CHAPTER_CODE.sub("", name.strip()))
    # (an abbreviation with a slash is one word: "P/LP" is pathogenic/likely pathogenic, no p-value)
    bare = _SLASHED_ABBREVIATION.sub("", bare)
    # (a lettered group is no statistic: "Treatment B", "Behandling B (n = 18)" is an arm, not a coefficient B)
    bare = _LETTERED_GROUP.sub(r"\1", bare)
    # ("minst 1 dos", "mindst 2 besøg", "at least 3 visits": a condition on the units, no minimum)
    bare = _AT_LEAST.sub(" ", bare)
    # ("Antal elever med F", "Pupils with grade E": a grade, no F statistic)
    bare = _GRADE_LETTER.sub(lambda m: m.group(1) or m.group(2), bare)
    if _HIGHEST_EDUCATION.search(bare):
        return None  # "Højeste uddannelse | Grundskole": the classification highest completed education
    if _CLASS_OF_QUANTILES.match(bare):
        bare = _LOWEST_HIGHEST.sub("", bare)
    lowered = re.sub(r"[\s\-./()|>]+", "_", bare.lower()).strip("_")
    if not lowered:
        return None
    if _SHARE_WORD.search(lowered) and _LARGEST_WORD.search(lowered):
        return "dominance"  # "Andel af omsætning, største virksomhed", "Share of the two largest firms"
    for kind, pattern in _STAT_PATTERNS:
        if pattern.search(lowered):
            return kind
    return None


# A grade's letter after the word that names it: "med F", "betyget F", "with grade E", "karakteren F", "arvosana A".
_GRADE_LETTER = lazy_compile(r"(?i)(?<![\w])(med|with|utan|uden|uten|without|betyg(?:et)?|grade|karakter(?:en)?|"
                             r"arvosana(?:n)?)\s+[A-F][+-]?(?![\w])|"
                             # (a count or a share of a grade: "antal_F", "andel_F_procent", "Andel F i matematik")
                             r"(?<![^\W_])(antal|antall|andel|share|count|pct|procent|prosent|osuus|lkm|number|n)"
                             r"[\s_]+[A-F][+-]?(?![^\W_])")


# "At least" before a number: which units a column counts ("Antal vaccinerade minst 1 dos", "Andel med mindst 2
# indlæggelser", "vähintään 1 annos").
_AT_LEAST = lazy_compile(r"(?i)(?<![^\W_])(?:minst|mindst|at\s+least|vähintään|vahintaan)[\s_]+(?=\d)")


# An industry's section letter before its name: "B Kaivostoiminta ja louhinta", "F Construction", "J-N
# Företagstjänster" (NACE's B, F and P are no coefficient, F statistic or p-value).
_SECTION_LETTER = lazy_compile(r"^[A-U](?:\s*[-–]\s*[A-U])?\s+(?=[^\W\d_]{4,})(?!(?i:values?\b|stat|squared?\b))")


# The code of a classification's chapter after its name: ICD-10 "(F)", "(C00-D48)", "(J00–J99)", NACE "(C)".
_CHAPTER_CODE = lazy_compile(r"(?<=\S)\s*\([A-Z](?:\d{2})?(?:\s*[-–]\s*[A-Z]?\d{2})?\)\s*$")


_SLASHED_ABBREVIATION = lazy_compile(r"(?<=\b[A-Z])/(?=[A-Z]{1,3}\b)")
# The classification "highest completed education" (a Table 1's variable), no maximum.
_HIGHEST_EDUCATION = lazy_compile(r"(?i)^\s*(?:højeste|hojeste|høyeste|hoyeste|högsta|hogsta|highest|korkein)\s+"
                                  r"(?:fuldførte\s+|fullførte\s+|fullbordade\s+|avslutade\s+|completed\s+|"
                                  r"suoritettu\s+)?(?:uddannelse|utdanning|utbildning|education|level of education|"
                                  r"educational|qualification|degree|koulutus)")
# A class of a quantile scale (an income quintile), and the "(lowest)"/"(highest)" that tells its end.
_CLASS_OF_QUANTILES = lazy_compile(r"(?i)^\s*(?:q|d|quintile|quartile|decile|kvintil|kvartil|decil|kvintiili|"
                                   r"kvartiili|desiili)\s*\d{1,2}\b")
_LOWEST_HIGHEST = lazy_compile(r"(?i)\s*\((?:lowest|highest|laveste|højeste|hojeste|lavest|høyest|lägsta|högsta|"
                               r"lagsta|hogsta|alin|ylin|pienin|suurin)\)")


# A share and the largest unit(s) anywhere in one name: a published dominance share, whatever the word order
# ("Omsætningsandel for de 2 største", "share of turnover, largest firm"). "Højeste"/"highest" is not here:
# "Andel med højeste uddannelse" is the share of people with the highest education.
_SHARE_WORD = lazy_compile(r"andel|share|pct|percent|procent|prosent|osuus|%")
# ("top 1%" is the top percent of the units, "top 10" ten of them: no largest unit's share)
_LARGEST_WORD = lazy_compile(r"(?<![a-zæøåäö])(?:st(?:ø|oe|o|ö)rst\w*|largest|biggest|suurim\w*|suurin\w*|"
                             r"top_?[1-3]?(?!_?\d|_?%))(?![a-zæøåäö])")


# Labels of a table's margins (totals) in the Nordic languages and English.
MARGIN_LABELS = frozenset({
    "i alt", "ialt", "i alt i alt", "total", "totalt", "totals", "totalt antal", "yhteensä", "yhteensa", "alle",
    "alt", "sum", "summa", "samtliga", "samtlige", "all", "overall", "tot", "tot.", "total sum", "grand total",
    "hele landet", "riket", "hela riket", "koko maa", "landet i alt",
    # Excel's pivot tables in the Nordic languages: "Totalsumma", "Hovedtotal", "Totalsum", "Kokonaissumma"
    "totalsumma", "hovedtotal", "totalsum", "kokonaissumma",
    # SDMX's code for the total of a dimension (CL_SEX, CL_AGE ...: "_T"), Eurostat's "TOTAL"
    "_t",
})

# Margin labels: every word of the table analysis (MARGIN_LABELS) and the forms published tables use
# around them: "Total, both sexes", "I alt (antal)", "Alder i alt", "Hele landet", "All ages".
_MARGIN_WORDS = (r"i alt|ialt|total|totalt|totals|tot\.?|yhteensä|yhteensa|sum|summa|samtliga|samtlige|all|alle"
                 r"|alla|alt|overall|grand total|kaikki|\(all\)|totalsumma|hovedtotal|totalsum|kokonaissumma")
_MARGIN_FORM = lazy_compile(
    # (a total over a period: "I alt 2015-2020", "Total 2019")
    rf"^(?:(?:{_MARGIN_WORDS})(?:\s*[,(:;–-].*|\s+\d{{4}}(?:\s*[-–/]\s*\d{{2,4}})?"
    # (a total over a month or a quarter: "Summa oktober", "I alt 1. kvartal", "Total March 2023")
    r"|\s+(?:\d\.?\s*)?(?:januar[iy]?|februar[iy]?|mar(?:ts|s|ch)|april|ma[ij]|may|juni?e?|juli?y?|august[i]?|"
    r"september|o[ck]tober|november|december|kvartal|quarter|halvår|tammikuu|helmikuu|maaliskuu|"
    r"huhtikuu|toukokuu|kesäkuu|heinäkuu|elokuu|syyskuu|lokakuu|marraskuu|joulukuu)\w*(?:\s+\d{4})?)?"
    r"|.+\s(?:i alt|ialt|total|totalt|yhteensä|yhteensa|samtliga)"
    r"|(?:hele|hela|koko|whole|all) (?:landet|riket|maa|country|befolkningen|population)"
    r"|(?:alle|alla|all|both|begge|båda|kaikki|samtliga) (?:aldre|åldrar|ages|aldersgrupper|åldersgrupper|køn|kön"
    r"|kjønn|sexes|genders|regioner|regions|kommuner|municipalities|brancher|branscher|næringer|industries"
    r"|sektorer|sectors|uddannelser|utbildningar|år|years|ikäryhmät|sukupuolet)"
    # all of the units a table counts, with what qualifies them: "Alle barn med tiltak", "All patients"
    r"|(?:alle|alla|all|kaikki|samtliga) (?:barn|børn|children|personer|persons|people|patienter|pasienter|"
    r"patients|elever|pupils|students|virksomheder|foretak|företag|firms|enterprises|henkilöt|lapset|potilaat|"
    r"yritykset|ansatte|anställda|employees|husstande|hushåll|households|familier|familjer|families)"
    r"(?:\s(?!(?:andre|øvrige|other|others|övriga|andra|muut)\b).*)?)$",
    re.IGNORECASE,
)
_SPACES = lazy_compile(r"\s+")
# A margin word before what it is over: "i alt alle aldre", "total all ages", "totalt alla åldrar".
_MARGIN_OVER_ALL = lazy_compile(r"^(?:i alt|ialt|total|totalt|yhteensä|samtliga|summa|sum)\s+(?:alle|alla|all|kaikki)"
                                r"\s+\w+$")


# "Beg. Total" of a life table (those at risk when an interval begins), "Running total": not a margin.
_NOT_MARGIN_PREFIXES = ("beg.", "beg ", "beginning", "begin ", "start", "initial", "running", "cumulative")


@functools.lru_cache(maxsize=65_536)  # labels repeat on every row of a long table
def is_margin_label(text: str) -> bool:
    """Whether a row label or a column header names a margin (``I alt``, ``Total``, ``Yhteensä``, ...).

    Case and runs of whitespace do not matter. A blank label is not a margin here: whether it is depends
    on the rows around it (see the module docstring).
    """
    norm = _SPACES.sub(" ", text.strip()).casefold()
    if not norm or norm.startswith(_NOT_MARGIN_PREFIXES):
        return False
    if norm in MARGIN_LABELS or _MARGIN_FORM.match(norm) or _MARGIN_OVER_ALL.match(norm):
        return True
    # a variable's name with underscores for spaces: "i_alt_alle_aldre", "antal_i_alt", "totalt_alla_aldrar"
    spaced = norm.replace("_", " ").strip() if "_" in norm else ""
    return bool(spaced) and (spaced in MARGIN_LABELS or _MARGIN_FORM.match(spaced) is not None
                             or _MARGIN_OVER_ALL.match(spaced) is not None)
