"""Counts written in sentences: a group's size (``(n = 2)``) and counts of persons or firms (``2 patients
died``), read out of a note's or a document's prose as small tables of counts for the table rules.

Regular expressions, written here because no library reads counts out of prose; each number needs a
marker (``n =``, a noun for units) and words that make it a label, a bound or a range are left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from scanner.lazy_regex import lazy_compile
from scanner.loaders.texttables import TextTable
from scanner.names import SHARE_BOUND_WORDS

__all__ = ["group_sizes_in_prose", "shares_in_prose", "unit_counts", "units_in_prose", "without_references"]


# Numbers in a note that are no data: dates ("2023-02-21", "14.03.2023", "1.3.2023"), years ("i 2021"), digits
# that are part of a name ("COVID-19", "ICD-10", "SARS-CoV-2"), and references to a part of a report ("se
# metodbilaga avsnitt 2.3", "tabel 3", "side 12", "Appendix B2").
_NOT_DATA = lazy_compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
                         r"|(?<![\d.,])(?:19|20)\d{2}(?!\d|[.,]\d)|\b[A-Za-zÆØÅÄÖæøåäö]+-\d+(?:-\d+)?\b"
                         r"|(?i:\b(?:avsnitt|afsnit|section|sektion|kapitel|kapittel|chapter|luku|bilaga|bilag|"
                         r"vedlegg|appendix|liite|tabel|tabell|table|taulukko|figur|figure|kuvio|side|sida|page|"
                         r"sivu|s\.|p\.|pp\.)\s*[A-Z]?\d+(?:\.\d+)*\b)")


def without_references(text: str) -> str:
    """``text`` with the numbers that are no data blanked (dates, years, names with digits, references to
    sections, tables, pages): what is left are numbers a note may give away."""
    return _NOT_DATA.sub(" ", text)


# A group's size written in prose: "(n = 2)", "N: 14", "n=1 289".
_PROSE_N = lazy_compile(r"(?<![\w.=<>≤≥])[nN]\s*[=:]\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)(?![\w.,]\d)")


# A dominance rule's parameters around an "n": "the (n, k) rule with n=2, k=85", "dominance (85 %, n=2)":
# the n is the number of largest units the rule adds up, no group's size.
_RULE_BEFORE = lazy_compile(r"(?i)(?:domin\w*|\(n\s*,\s*k\)|\bk\s*=\s*\d+\s*%?\s*,|\(\s*\d{1,3}(?:[.,]\d+)?\s*%\s*,)"
                            r"[^.\n]{0,30}$")
_RULE_AFTER = lazy_compile(r"^\s*,?\s*(?:and\s+|og\s+|och\s+)?k\s*=\s*\d")


def _rule_parameter(text: str, m: re.Match[str]) -> bool:
    """Whether the "n = ..." at ``m`` is a dominance rule's parameter (see :data:`_RULE_BEFORE`)."""
    return bool(_RULE_BEFORE.search(text[max(0, m.start() - 40):m.start()])
                or _RULE_AFTER.match(text[m.end():m.end() + 20]))


#: Group sizes in prose kept whole per chunk; beyond this only the ones under the threshold are kept (a
#: text of thousands of "n = ..." is judged by its small ones, in bounded time).
_PROSE_MAX_ROWS = 1000


# A count's name, a colon and the groups with their sizes: "Antal personer: kandidat 27, ph.d. 2", "Number of
# patients: Region A 45; Region B 2".
_SIZE_LIST = lazy_compile(r"(?i)(?<![\w])(?:antal|antall|number of|no\. of|lukumäärä)\s+[^\W\d_]+\s*:\s*"
                          r"((?:[^,;:\n\d]{2,40}?\s\d+(?:[ .,]\d{3})*\s*[,;]\s*)+[^,;:\n\d]{2,40}?\s"
                          r"\d+(?:[ .,]\d{3})*)(?![\d.,]*\d)")
_LISTED_SIZE = lazy_compile(r"\s(\d+(?:[ .,]\d{3})*)\s*(?:[,;]|$)")


def group_sizes_in_prose(text: str, first_line: int, skip: set[int], threshold: int) -> TextTable | None:
    """Group sizes written in the sentences of a note ("among women in Læsø (n = 2) the mean income was
    ..."), as a table of counts (label, n) for the table rules: a small n published in prose is a small
    cell, whatever else the sentence says of the group. Lines in ``skip`` belong to tables read already."""
    found: list[tuple[int, str]] = []
    line, pos = first_line, 0
    for m in _PROSE_N.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        if line not in skip and not _rule_parameter(text, m):
            found.append((line, m.group(1)))
    if ":" in text:
        # a list of the groups' sizes after a count's name: "Antal personer: professionsbachelor 1611,
        # master/diplom 203, kandidat 27, ph.d. 2"
        # (also on a table's line: a LaTeX table's note row, "\\multicolumn{4}{l}{Antal personer: ...}")
        for m in _SIZE_LIST.finditer(text):
            at = first_line + text.count("\n", 0, m.start())
            found.extend((at, x.group(1)) for x in _LISTED_SIZE.finditer(m.group(1)))
        found.sort()
    if not found:
        return None
    values = [v if v.isdigit() else re.sub(r"[ ,.\u00a0]", "", v) for _, v in found]
    keep = range(len(found)) if len(found) <= _PROSE_MAX_ROWS else \
        [k for k, v in enumerate(values) if int(v) < threshold]
    rows = [[f"group {k + 1}", values[k]] for k in keep]
    lines = [found[k][0] for k in keep]
    if not rows:
        return None
    return TextTable(["label", "n"], rows, lines[0], "prose", tuple(lines))


# A count of units written in prose: "2 patients died", "only two firms", "1 person was excluded", "tre
# personer", "kun to kvinder". Words for one (Danish "en", English "one") are left out: "one person can have
# several diagnoses" is how methods are described, not a count; "to" counts before a Nordic noun only.
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "tre": 3, "fire": 4, "fem": 5, "två": 2, "fyra": 4, "to": 2,
                 # Finnish "kaksi naista" (two women), "yksi potilas"; only before a Nordic noun (below)
                 "kaksi": 2, "yksi": 1, "kolme": 3,
                 # Danish "én" and "ét", one with its accent: a count ("Én virksomhed ønskede ikke at deltage"),
                 # not the article "en"; only before a Nordic noun
                 "én": 1, "ét": 1}
_NORDIC_NOUNS = (r"patienter|personer|individer|borgere|børn|mænd|kvinder|dødsfald|tilfælde|elever|virksomheder|"
                 r"firmaer|ansatte|beboere|kvinnor|män|barn|företag|dödsfall|fall|anställda|invånare|"
                 r"modtagere|mottagare|donorer|mødre|mödrar|fædre|fäder|spædbørn|spädbarn|nyfødte|nyfödda|voksne|"
                 r"vuxna|overlevende|brugere|användare|ofre|offer|indsatte|intagna|tvillinger|tvillingar|"
                 r"søskende|syskon|indvandrere|invandrare|flygtninge|flyktingar|"
                 r"pensionister|pensionärer|læger|läkare|sygeplejersker|sjuksköterskor|lærere|lärare|ansøgere|"
                 r"sökande|klienter|medlemmer|medlemmar|kunder|deltagere|deltagare|respondenter|studerende|"
                 r"studenter|soldater|fanger|fångar|selvmord|självmord|observationer|observasjoner|fødsler|"
                 r"födslar|rederier|rederiene|kvinner|menn|gutter|jenter|pojkar|flickor|drenge|piger|"
                 # firms and other economic units (Norwegian "foretak" is its own plural)
                 r"foretak|virksomheter|bedrifter|selskaper|selskaber|enheder|enheter|arbejdsgivere|arbeidsgivere|"
                 r"arbetsgivare|producenter|produsenter|eksportører|exportörer|gårde|gårder|gårdar|"
                 # the singular a count of one takes ("kun 1 kvinde", "Én virksomhed", "1 elev")
                 r"kvinde|kvinna|kvinne|mand|mann|virksomhed|virksomhet|bedrift|elev|pasient|patient|borger|indbygger|person|"
                 r"innbygger|invånare|respondent|deltager|deltaker|deltagare|modtager|mottager|mottagare|"
                 # definite plurals ("de 12 patienterna", "de 8 deltakerne", "av de 14 fallen")
                 r"patienterna|patienterne|pasientene|personerna|personerne|personene|kvinnorna|kvinderne|"
                 r"kvinnene|männen|mændene|mennene|barnen|børnene|barna|eleverna|eleverne|elevene|fallen|"
                 r"tilfællene|tilfellene|deltakerne|deltagerne|deltagarna|virksomhederne|virksomhetene|"
                 r"företagen|foretakene|ansatte|anställda|deltakere|pasienter|tilfeller|dødsfall|"
                 # persons named by their age ("2 alle 25-vuotiasta", "3 15-åringar", "2 65-årige")
                 r"\d{1,3}(?:[-–]\d{1,3})?[-–]vuotia(?:sta|at|ita)|\d{1,3}[-–]?åringar|\d{1,3}[-–]?åringer|"
                 r"\d{1,3}[-–]?årige|"
                 # the unemployed in Finnish ("kaksi työtöntä", "työttömät")
                 r"työtöntä|työttömät|työttömiä|"
                 # young people ("7 unge", "12 unga", "9 nuorta") and Norwegian nynorsk plurals ("personar")
                 r"unge|unga|ungdommer|ungdomar|ungdomer|nuorta|nuoret|personar|deltakarar|pasientar|elevar|"
                 r"brukarar|mottakarar|innbyggjarar|"
                 # the employed and the unemployed as registers name them, and stillbirths ("endast två
                 # förvärvsarbetande", "kun 2 dødfødsler")
                 r"förvärvsarbetande|forvarvsarbetande|sysselsatta|sysselsatte|beskæftigede|beskaeftigede|"
                 r"lønmodtagere|löntagare|lønnstakere|arbetslösa|arbeidsledige|dødfødsler|dødfødte|"
                 r"dödfödda|dödfödslar|dødfødde|"
                 # sales and properties counted ("endast två småhus såldes", "kun 2 ejendomshandler")
                 r"småhus|fritidshus|fastigheter|försäljningar|forsaljningar|transaktioner|ejendomshandler|"
                 r"bolighandler|boligsalg|"
                 # (persons named by where they were born: "syriskfødte", "utrikes födda", "norskfødte")
                 r"\w+fødte|\w+födda|\w+fødde|"
                 # Finnish, in the partitive a numeral takes ("2 henkilöä", "3 potilasta") and the plural
                 r"henkilöä|henkilöt|henkilöitä|potilasta|potilaat|potilaita|lasta|lapset|lapsia|naista|naiset|"
                 r"miestä|miehet|yritystä|yritykset|yrityksiä|työntekijää|työntekijät|tapausta|tapaukset|"
                 r"kuolemaa|kuolemat|asiakasta|asiakkaat|opiskelijaa|oppilasta|vastaajaa|"
                 # (and the cases a figure is based on: "perustuu 2 henkilöön", "2 yritykseen")
                 r"henkilöön|henkilön|henkilöllä|yritykseen|yrityksen|potilaaseen|tapaukseen|"
                 # (the elative of a group a share is of: "Tornion 9 potilaasta 11,1 % kuoli")
                 r"potilaasta|henkilöstä|lapsesta|naisesta|miehestä|yrityksestä|asukkaasta|työntekijästä|"
                 r"opiskelijasta|vastaajasta|tapauksesta")
#: Danish and Norwegian "to" (two) is read before a Nordic noun only ("kun to kvinder"): in English it is a
#: preposition ("referred to patients").
_NORDIC_ONLY = frozenset({"to", "kaksi", "yksi", "kolme", "én", "ét"})
# (matched whole, not looked up in a set: some of the nouns are patterns, "75-vuotiasta", "syriskfødte")
_NORDIC_NOUN = lazy_compile(r"(?:" + _NORDIC_NOUNS + r")", re.IGNORECASE)
_UNIT_NOUNS = (r"patients?|persons?|people|individuals?|subjects?|participants?|respondents?|children|child|"
               r"boys?|girls?|men|women|man|woman|cases?|deaths?|births?|firms?|companies|company|enterprises?|"
               r"businesses|employees?|workers?|students?|pupils?|residents?|recipients?|donors?|mothers?|"
               r"fathers?|infants?|newborns?|neonates?|adults?|survivors?|users?|victims?|inmates?|prisoners?|"
               r"twins?|siblings?|pairs?|immigrants?|refugees?|pensioners?|retirees?|veterans?|"
               r"soldiers?|nurses?|doctors?|physicians?|teachers?|applicants?|claimants?|clients?|customers?|"
               r"members?|owners?|farmers?|suicides?|observations?|deliveries|" + _NORDIC_NOUNS)
_GAP = r"(?:[ \t]+|[ \t]*\r?\n[ \t]*)"
_PROSE_UNITS = lazy_compile(
    # (a sentence wrapped at the page's edge breaks a line between the number and its noun)
    r"(?<![\w.,/<>≤≥=+-])(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")" + _GAP + r"((?!\d)\w+" + _GAP + r")?("
    + _UNIT_NOUNS + r")\b"
    r"(?![-/]|[ \t]+(?:per|each|in each|households?|husstande?|hushåll|or more|eller flere|or fewer|at a time)\b)",
    re.IGNORECASE)
# Words before the number that make it a label, a bound or a range, not a count: "Table 2 patients", "with 2
# children", "more than 2 persons", "aged 1 year", "cells of 1 or 2 persons".
# A ratio after a number and its noun: "1 case : 4 controls", "1 case/5 kontroller".
_RATIO_AFTER = lazy_compile(r"[ \t]*[:/][ \t]*\d")
_NOT_A_COUNT_BEFORE = lazy_compile(r"(?:table|figure|fig\.|model|step|group|panel|appendix|section|chapter|wave|"
                                 # (a kind or a stage: "diabetes type 1 hos voksne", "grad 2", "stage 1 patients")
                                 r"type|typ|tyyppi|grad|grade|stage|stadie|stadium|fase|phase|"
                                 r"tabel|tabell|taulukko|kuvio|kuva|bilaga|bilag|vedlegg|liite|figur|with|med|than|"
                                 r"end|än|least|mindst|minst|up to|op til|aged?|"
                                 r"under|over|below|above|≥|<|>|≤|per|every|hver|each|top|first|last|or|eller|to|til|till|-|–|"
                                 # ("the largest two firms": how a dominance rule is worded)
                                 r"largest|biggest|smallest|st(?:ø|o|ö)rste|största|storsta|mindste|minsta)\s*$",
                                 re.IGNORECASE)


# A superlative between the number and its noun: "the two largest firms", "de to største virksomheder".
_SUPERLATIVE = lazy_compile(r"(?i)largest|biggest|smallest|highest|lowest|st(ø|o|ö)rste|st(ö|o)rsta|mindste|"
                            r"minsta|suurin(ta)?|pienin(tä)?|leading|dominant")
# Deaths counted by their verb: "2 died", "døde 2", "2 dog", "kuoli 2" (a small count of deaths is one whatever
# the noun: "Of the 14 patients ..., 2 died within 90 days").
_DEATHS = lazy_compile(r"(?i)(?<![\w.,/<>≤≥=+-])(\d{1,2})[ \t]+(?:of them[ \t]+|af dem[ \t]+|av dem[ \t]+)?"
                       r"(?:died|døde|dog|dödde|avled|avlidit|omkom|omkommet|kuoli|kuolivat)\b"
                       r"|\b(?:died|døde|dog|dödde|avled|avlidit|omkom|omkommet|kuoli|kuolivat)[ \t]+(\d{1,2})\b"
                       r"(?![ \t]*(?:år|years?|dage|days?|dagar|døgn|vuotta|päivää|måneder|months?|%|pct|procent))")


# A count of a group's units written before the group ("kun 1 af de 9 virksomheder", "2 of the 14 patients",
# "1 av de 12 eleverna"): the first number counts units, whatever stands between it and the noun.
_PART_OF_GROUP = lazy_compile(
    r"(?<![\w.,/<>≤≥=+-])(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")[ \t]+(?:af|av|of|out of|ud af|ut av)[ \t]+"
    r"(?:de|the|dem|those|disse|dessa|these|alle|all)?[ \t]*(\d{1,3}(?:[ ,.\u00a0]\d{3})*|\d+)" + _GAP
    + r"(?:\w+" + _GAP + r")?(?:" + _UNIT_NOUNS + r")\b", re.IGNORECASE)


# A group and the part of it named after "of whom" ("47 nurses, of whom 45 were women"; "47 sygeplejersker, heraf
# 45 kvinder"): the rest (2 men) is a count too.
_OF_WHOM = lazy_compile(
    r"(?<![\w.,/<>≤≥=+-])(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)" + _GAP + r"(?:[\w-]+" + _GAP + r")?(?:" + _UNIT_NOUNS
    + r")\b[^.,;\n]{0,60}?,?" + _GAP + r"(?:of whom|of which|heraf|hvoraf|herav|hvorav|varav|därav|joista)" + _GAP
    + r"(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)\b", re.IGNORECASE)


# A group named first and the few of it who did something: "Av 9 kvinnelige ambulansearbeidere med langtidsfravær
# i 2019 fikk 2 innvilget uføretrygd", "Of the 14 workers, 2 moved", "Af de 12 patienter døde 1".
_OF_GROUP_VERB = lazy_compile(
    r"(?i)(?<![\w-])(?:av|af|of|blant|blandt|bland|among)[ \t]+(?:de|the|dei|disse|dessa|these)?[ \t]*"
    r"(\d{1,3}(?:[ ,.\u00a0]\d{3})*)[ \t]+[^.;:!?\n]{1,90}?,?[ \t]+"
    r"(?:fikk|fik|fick|got|received|had|hadde|havde|hade|var|were|was|ble|blev|blei|blevo|døde|dog|died|døydde|"
    r"moved|flyttede|flyttet|flyttade|developed|udviklede|utviklet|utvecklade|fick|sai|saivat|kuoli|kuolivat)"
    r"[ \t]+(?:kun[ \t]+|only[ \t]+|bara[ \t]+|endast[ \t]+|vain[ \t]+)?(\d{1,2}|to|two|två|én|kaksi|yksi)"
    r"(?![\w.,%])(?![ \t]*(?:%|pct|procent|prosent|percent|år|years?|dage|dagar|days?|kr|mio|mill))")


# All of a group but a few: "samtliga utom 2", "alle undtagen én", "all but two", "kaikki paitsi kaksi".
_ALL_BUT = lazy_compile(r"(?i)(?<![\w-])(?:samtliga|alla|alle|all|kaikki)[ \t]+(?:utom|undtagen|unntatt|but|except|"
                        r"paitsi)[ \t]+(\d{1,2}|två|tva|to|two|kaksi|en|én|ett|ein|one|yksi)(?![\w.,%])")
_ONE_WORDS = {"en": 1, "én": 1, "ett": 1, "ein": 1, "one": 1, "yksi": 1}


def _of_group_verb(m: re.Match[str]) -> int:
    """The few of a group ``_OF_GROUP_VERB`` found, when no more than the group (else 0)."""
    group = int(re.sub(r"[ ,.\u00a0]", "", m.group(1)))
    few = _numeral(m.group(2))
    return few if 0 < few <= group else 0


# One unit's own share of a whole ("én patient alene stod for 62 af afsnittets 68 bæltefikseringer", "one patient
# accounted for 62 of the 68 restraints"): a count of one unit, with its own value.
_ONE_UNIT_SHARE = lazy_compile(
    r"(?<![\w])(?:én|en|ett|one|a single|yksi|ein)[ \t]+(?:[\w-]+[ \t]+)?(?:" + _UNIT_NOUNS + r")[ \t]+"
    r"(?:\w+[ \t]+){0,3}?(?:stod for|stod för|sto for|accounted for|was responsible for|stood for|had|havde|hadde|"
    r"hade|vastasi)[ \t]+(?:\w+[ \t]+){0,2}?\d[\d ,.]*[ \t]+(?:af|of|av|ud af|out of)[ \t]+"
    # (the verb first, as Danish and Norwegian put it after an adverbial: "stod én patient alene for 62 af")
    r"|(?<![\w])(?:stod|sto|stood)[ \t]+(?:én|en|ett|one|a single)[ \t]+(?:" + _UNIT_NOUNS + r")[ \t]+"
    r"(?:alene|alone|ensam|ensamt)[ \t]+(?:for|för)[ \t]+\d[\d ,.]*[ \t]+(?:af|of|av)[ \t]+", re.IGNORECASE)


# The only one of a kind ("den eneste kvinde dømt for brandstiftelse", "the only woman convicted"): a count of 1.
# (Not Swedish "man", a pronoun: "det enda man kan göra".)
# A count after its name and a colon or equals sign: "Antal kvinder i Dragør med F20-diagnose i 2018: 1", "Number of
# women with the diagnosis: 2", "Antall personer = 2"; and "only 2" of a group ("boede kun 2 på Bornholm").
NAMED_COUNT = lazy_compile(r"(?i)(?<![\w])(?:antal|antall|antalet|number of|count of|lukumäärä|lkm)\b"
                            # (not a number of years, days or kroner: "Antal år: 2")
                            r"(?![ \t]+(?:år|aar|dage|døgn|dygn|timer|uger|veckor|måneder|månader|gange|ganger|gånger|"
                            r"years?|days?|hours?|weeks?|months?|times|kr|kroner|kronor|episodes?|visits?|besøg))"
                            r"[^:=\n]{0,100}?"
                            # (a comparison is a condition, no count: "with >=1 dispensing", "n<=2")
                            r"(?<![<>!=≤≥])[:=](?!=)[ \t]*(\d{1,2})(?![\d.,]*\d)(?![ \u00a0]\d{3})"
                            r"(?![ \t]*(?:%|pct|procent|prosent|percent|år|years?|kr|dkk|sek|nok|eur|mio|mill))")
_ONLY_N = lazy_compile(r"(?i)(?<![\w])(?:kun|only|endast|bara|bare|vain|ainoastaan)[ \t]+(\d{1,2}|to|två|two|kaksi)"
                       r"(?![\d.,]*\d)(?![ \t]*(?:%|pct|procent|prosent|percent|år|years?|gange|times|dage|days|"
                       r"uger|weeks|måneder|months|timer|hours|kr|mio))")
_UNIT_BEFORE = lazy_compile(r"(?i)(?<![\w])(?:" + _UNIT_NOUNS + r")(?![\w])")
_THE_ONLY = lazy_compile(r"(?<![\w])(?:den eneste|det eneste|den enda|den ende|den einaste|the only|the single|"
                         r"ainoa|ainut)[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:kvinde|kvinna|kvinne|mand|mann|woman|"
                         r"nainen|mies|pige|dreng|girl|boy|child|barn|patient|pasient|potilas|person|individual|"
                         r"virksomhed|företaget|foretaket|firm|company|employer|employee|"
                         # (groups of persons a register defines: "Den eneste kvindelige efterkommer, der blev dømt")
                         r"efterkommer|etterkommer|indvandrer|innvandrer|invandrare|immigrant|descendant|flygtning|"
                         r"flyktning|flykting|refugee|elev|student|pupil|borger|beboer|resident|deltager|deltaker|"
                         r"deltagare|participant|respondent|ansat|anställd|medarbejder|medarbetare|mor|moder|mother|"
                         r"far|fader|father|søn|son|datter|dotter|daughter|offer|victim|fange|fånge|prisoner|inmate|"
                         r"dømte|domfældte|dömda|tiltalte|åtalade|sigtede|misstänkta|pensionist|pensionär|pensioner|"
                         r"modtager|mottager|mottagare|recipient|"
                         # (a user of a drug or a service: "Den eneste DOAK-bruger", "the only insulin user")
                         r"[\w-]*bruger|[\w-]*bruker|[\w-]*brukare|[\w-]*användare|[\w-]*anvandare|[\w-]*user)\b",
                         re.IGNORECASE)


# Nouns of one unit, for the counts of one written as a word.
_ONE_NOUNS = (r"patient|person|individual|child|boy|girl|man|woman|case|death|birth|firm|company|employee|student|"
              r"pupil|resident|pair|mother|father|infant|participant|respondent|victim|suicide|observation|"
              r"kvinde|kvinne|kvinna|mand|mann|barn|pige|jente|flicka|dreng|gutt|pojke|pasient|tilfælde|tilfelle|"
              r"fall|dødsfald|dødsfall|dödsfall|fødsel|födsel|virksomhed|bedrift|företag|foretak|elev|deltager|"
              r"deltaker|deltagare|selvmord|självmord|tvillingpar|tvilling|observasjon|observation|tapaus|"
              r"potilas|henkilö|lapsi|nainen|mies|yritys")
# A count of one written as a word where it counts: "Only one child", "Kun én kvinde", "Bare ett barn", "et
# enkelt tilfælde", "We identified one case" (not "one person can have several records": methods' wording).
_ONE_UNIT = lazy_compile(
    r"(?<![\w])(?:(?:only|just|merely|kun|bare|endast|bara|blott|vain|ainoastaan|ainoastaan)[ \t]+"
    r"(?:one|én|ét|en|et|ett|ei|eitt|yksi|a single|a)"
    r"|(?:et|ett|en|ei|eitt|a)[ \t]+(?:enkelt|enkel|enda|eneste|einaste|single)"
    r"|(?:identified|found|observed|registered|recorded|diagnosed|fandt|fant|hittade|identificerede|"
    r"identifiserte|identifierade|registrerede|registrerte|registrerade|havde|hadde|hade|had)[ \t]+(?:only[ \t]+)?"
    r"(?:one|én|ett|ét|ei|eitt|a single))"
    r"[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:" + _ONE_NOUNS + r")(?:en|et|n|t|a)?\b"
    # one person by an exact age: "a 102-year-old woman", "en 102-årig kvinna", "ein 97 år gammal mann"
    r"|(?<![\w])(?:a|an|one|en|ett|et|ei|eitt|én|ét)[ \t]+\d{1,3}(?:[- ]?(?:year|yr)s?[- ]old|[- ]?årig[ae]?|"
    r"[- ]?åring(?:en)?|[- ]?vuotias|[ \t]+år[ \t]+gam(?:mal|mel))[ \t]+(?:[\w-]+[ \t]+){0,1}?"
    r"(?:" + _ONE_NOUNS + r")(?:en|et|n|t|a)?\b", re.IGNORECASE)
# One of a group named before it: "én av dem hadde HADS-A over kasusgrensen", "one of them died", "en af dem",
# "yksi heistä": a count of 1 (with the group's others, what the sentence says of the one).
_ONE_OF_THEM = lazy_compile(r"(?<![\w])(?:én|ét|en|et|ett|ei|eitt|one|only one|yksi)[ \t]+(?:af|av|of)[ \t]+"
                            r"(?:dem|them)\b"
                            r"|(?<![\w])yksi[ \t]+(?:heistä|niistä)\b", re.IGNORECASE)
# The rest of a group stated before its part: "Of the 14 cases, 12 were men", "Av de 14 fallen var 12 män",
# "431 children were born alive. Of these, 429 died": the group less the part (2) is a count too.
_OF_THE = (r"(?:of the|of these|of those|of them|of all|among the|among these|af de|af disse|af dem|blandt de|"
           r"blandt disse|av de|av disse|av dem|blant de|blant disse|bland de|bland dessa|av dessa|heraf|herav|"
           r"varav|därav|joista)")
_REST_NAMED = lazy_compile(
    r"(?<![\w])" + _OF_THE + r"[ \t]+(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)[ \t]+(?:[\w-]+[ \t]+){0,4}?"
    r"(?:" + _UNIT_NOUNS + r")?[^.;:\n\d]{0,60}?(?<![\w.,])(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)(?![\d.,]*[ \t]*"
    r"(?:%|pct|procent|prosent|percent|år|years?|dage|days?|dagar|døgn|måneder|months?|kr|dkk|sek|nok|mio|"
    r"mill|\d))", re.IGNORECASE)
_REST_OF_BEFORE = lazy_compile(
    r"(?:^|[.;:][ \t]+|\n)" + _OF_THE + r",?[ \t]+(?:[\w-]+[ \t]+){0,2}?(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)"
    r"(?![\d.,]*[ \t]*(?:%|pct|procent|prosent|percent|år|years?|dage|days?|dagar|måneder|months?|kr))",
    re.IGNORECASE)


def _number(text: str) -> int:
    return int(re.sub(r"[ ,.\u00a0]", "", text))


def _rest_of_before(text: str, m: re.Match[str]) -> int:
    """The group the sentence before states ("431 children ...") less the part after "Of these" (429)."""
    before = [g for g in _UNIT_COUNT.finditer(text[max(0, m.start() - 300):m.start()])]
    if not before:
        return 0
    whole, part = _number(before[-1].group(1)), _number(m.group(1))
    return whole - part if part < whole else 0


def _rest_of_group(m: re.Match[str]) -> int:
    """The first number of ``m`` (a group) less its second (a part of it), or 0."""
    whole, part = _number(m.group(1)), _number(m.group(2))
    return whole - part if part < whole else 0


# ... and without the noun after it, the group named just before ("9 virksomheder ...; kun 1 af de 9
# eksporterer"): the second number must stand before a unit noun earlier in the text (up to a sentence back).
_PART_OF_NAMED = lazy_compile(
    r"(?<![\w.,/<>≤≥=+-])(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")[ \t]+(?:af|av|of|out of|ud af|ut av)[ \t]+"
    r"(?:de|the|dem|those|disse|dessa|these|alle|all)?[ \t]*(\d{1,6})\b(?![ \t]*[%.,]?\d)", re.IGNORECASE)


# Finnish puts a numeral's modifiers between it and the noun in the partitive: "kaksi 75 vuotta täyttänyttä
# naista" (two women aged 75 or over), "kolme pientä yritystä".
_FINNISH_UNITS = lazy_compile(
    r"(?<![\w.,/<>≤≥=+-])(\d{1,2}|kaksi|kolme|yksi)(?![ \t\u00a0]\d{3}\b)[ \t]+(?:[\w-]+[ \t]+){1,3}?"
    r"(?:henkilöä|potilasta|lasta|naista|"
    r"miestä|yritystä|työntekijää|tapausta|kuolemaa|asiakasta|opiskelijaa|oppilasta|vastaajaa|tyttöä|poikaa|"
    r"äitiä|isää|vanhusta|eläkeläistä)\b", re.IGNORECASE)


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence around ``at`` begins (after a full stop, a blank line or a bracket), at most 150
    characters back."""
    return max(text.rfind("\n\n", 0, at), text.rfind(". ", 0, at), text.rfind("(", 0, at), at - 150, 0)


def _numeral(word: str) -> int:
    """A number written in digits or as a word ("2", "kaksi"); 0 for another word."""
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 0)


def _named_before(text: str, end: int, n: str) -> bool:
    """Whether ``n`` units are named before ``end`` ("9 virksomheder"), within 200 characters."""
    window = text[max(0, end - 200):end]
    return any(m.group(1).replace(" ", "") == n for m in _UNIT_COUNT.finditer(window))


# Markdown's emphasis around words: "**to**", "__2__", "*kun*" (never across lines; a lone "*" or a name's "_"
# stays).
_EMPHASIS = lazy_compile(r"(\*\*|__)(?=\S)([^\n]+?)(?<=\S)\1|(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


def without_emphasis(text: str) -> str:
    """``text`` with markdown's emphasis markers removed from around words, and LaTeX's thin spaces inside a number
    closed ("2\\,481" is 2481, not 2 and 481); lines and their numbers kept."""
    if "\\" in text:
        text = _LATEX_DIGIT_SPACE.sub("", text)
    if "*" not in text and "__" not in text:
        return text
    return _EMPHASIS.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), text)


# LaTeX's spacing between the digit groups of a number: "2\,481", "12\;345", "1{,}204".
_LATEX_DIGIT_SPACE = lazy_compile(r"(?<=\d)(?:\\[,;:! ]|\{,\}|~)(?=\d{3}(?!\d))")


# A bound on the units' share after them: "to virksomheder med over 85 % af omsætningen", "two firms with more than
# 85 %" (how a dominance rule, or its check, is worded).
_SHARE_BOUND_AFTER = lazy_compile(r"(?i)[ \t]+(?:med|with|som|joilla|jotka|who|that)[ \t]+(?:(?:har|have|has|hold|"
                                  r"holds|står[ \t]+for|account[ \t]+for)[ \t]+)?(?:over|mere[ \t]+end|mer[ \t]+enn|"
                                  r"mer[ \t]+än|more[ \t]+than|above|at[ \t]+least|mindst|minst|yli)[ \t]+"
                                  r"\d{1,3}(?:[.,]\d+)?[ \t]*(?:%|pct|procent|prosent|percent)")


def units_in_prose(text: str, first_line: int, skip: set[int], threshold: int) -> TextTable | None:
    """Counts of persons or firms under the threshold written in a note's sentences ("2 patients died within
    30 days"), as a table of counts that TAB001 reports for review: a number before such a noun is often a
    count, but it can be a category ("families with 2 children") a person must tell apart."""
    rows: list[list[str]] = []
    lines: list[int] = []
    line, pos = first_line, 0
    for m in _PROSE_UNITS.finditer(text):
        word = m.group(1).lower()
        if word in _NORDIC_ONLY and _NORDIC_NOUN.fullmatch(m.group(3)) is None:
            continue
        if word in ("én", "ét") and m.group(2):
            continue  # (the accented one only right before its noun: "én for kvinder" is one table for women)
        if _RATIO_AFTER.match(text, m.end()):
            continue  # a ratio, no count: "1 case : 4 kontroller" (a matching design)
        if m.group(2) and _SUPERLATIVE.fullmatch(m.group(2).strip()):
            continue  # "the two largest firms": how a dominance rule is worded, not a count of firms
        if _SHARE_BOUND_AFTER.match(text, m.end()):
            continue  # "ingen landsdel har to virksomheder med over 85 %": the dominance rule checked, no count
        value = int(word) if word.isdigit() else _NUMBER_WORDS[word]
        if not 0 < value < threshold \
                or _NOT_A_COUNT_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        line += text.count("\n", pos, m.start())
        pos = m.start()
        if line in skip or len(rows) >= _PROSE_MAX_ROWS:
            continue
        rows.append([f"group {len(rows) + 1}", str(value)])
        lines.append(line)
    # counts of a group ("1 af de 9 virksomheder"; the group named before: "9 virksomheder ... 1 af de 9") and
    # deaths by their verb ("døde 2"): a line that gave a count above gives none again
    counted = ((_PART_OF_GROUP, lambda m: _numeral(m.group(1))),
               (_FINNISH_UNITS, lambda m: _numeral(m.group(1))),
               (_PART_OF_NAMED, lambda m: _numeral(m.group(1)) if _named_before(text, m.start(), m.group(2)) else 0),
               (_DEATHS, lambda m: int(m.group(1) or m.group(2))),
               (_OF_WHOM, _rest_of_group),
               (_ONE_UNIT_SHARE, lambda m: 1),
               (_THE_ONLY, lambda m: 1),
               (_ONE_UNIT, lambda m: 1),
               (_ONE_OF_THEM, lambda m: 1),
               (NAMED_COUNT, lambda m: int(m.group(1))),
               # ("boede kun 2 på Bornholm": of the persons named before it in the sentence; "only two markets"
               # of a method counts no units)
               (_ONLY_N, lambda m: _numeral(m.group(1)) if _UNIT_BEFORE.search(
                   text, _sentence_start(text, m.start()), m.start()) else 0),
               (_REST_NAMED, _rest_of_group),
               (_OF_GROUP_VERB, _of_group_verb),
               # ("samtliga utom 2 var i arbete": the 2 left out of all, counted)
               (_ALL_BUT, lambda m: _ONE_WORDS.get(m.group(1).lower(), 0) or _numeral(m.group(1))),
               (_REST_OF_BEFORE, lambda m: _rest_of_before(text, m)),
               # ("de to raffinaderier havde tilsammen en værditilvækst på 3,1 mia. kr.": two units' own total)
               (_COMBINED_VALUE, lambda m: 0 if _COMBINED_NOT_UNITS.match(m.group(0)) else 2))
    for pattern, value_of in counted:
        line, pos = first_line, 0
        for m in pattern.finditer(text):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            if line in skip or line in lines or len(rows) >= _PROSE_MAX_ROWS:
                continue
            value = value_of(m)
            if 0 < value < threshold:
                rows.append([f"group {len(rows) + 1}", str(value)])
                lines.append(line)
    # a file that is one number, bare or after its label ("2", "Tvillingefødsler, Fanø 2021: 2"): a result, and what
    # it counts is not said; under the threshold a person must look
    bare = _BARE_RESULT.match(text)
    if bare is not None and not rows and first_line == 1 and not _NOT_A_RESULT.search(bare.group("label") or ""):
        value = int(bare.group("n"))
        if 0 < value < threshold:
            rows.append(["result", str(value)])
            lines.append(first_line + text.count("\n", 0, bare.start("n")))
    for line, value in _unnumbered_part(text, first_line):
        if line not in skip and line not in lines and 0 < value < threshold and len(rows) < _PROSE_MAX_ROWS:
            rows.append([f"group {len(rows) + 1}", str(value)])
            lines.append(line)
    return TextTable(["label", "n"], rows, lines[0], "prose-units", tuple(lines)) if rows else None


# Two units named by any plural noun and their value together, in one sentence: "de to raffinaderier havde
# tilsammen en værditilvækst på 3,1 mia. kr.", "the two smelters together emitted 1.2 Mt", "båda bruken hade
# sammanlagt 812 anställda".
_COMBINED_VALUE = lazy_compile(
    r"(?i)(?<![\w.,])(?:"
    # each language's "two" with its own "together" ("to" is Danish or Norwegian only beside "tilsammen")
    r"(?:2|to|begge)[ \t]+(?:[^\W\d_]+[ \t]+)?[^\W\d_]{4,}[^.;!?\n]{0,80}?(?<![\w-])(?:tilsammen|til[ \t]+sammen|"
    r"samlet|sammenlagt)|"
    r"(?:2|två|tva|båda|bada)[ \t]+(?:[^\W\d_]+[ \t]+)?[^\W\d_]{4,}[^.;!?\n]{0,80}?(?<![\w-])(?:sammanlagt|"
    r"tillsammans|totalt)|"
    r"(?:2|two|both)[ \t]+(?:[^\W\d_]+[ \t]+)?[^\W\d_]{4,}[^.;!?\n]{0,80}?(?<![\w-])(?:together|combined|"
    r"in[ \t]+total)|"
    r"(?:2|kaksi|molemmat)[ \t]+(?:[^\W\d_]+[ \t]+)?[^\W\d_]{4,}[^.;!?\n]{0,80}?(?<![\w-])(?:yhteensä|yhteensa)"
    r")(?![\w-])[^.;!?\n]{0,50}?\d")
# (what two of is no pair of units: "the two models together explain", "de to perioder tilsammen")
_COMBINED_NOT_UNITS = lazy_compile(
    r"(?i)^(?:2|to|two|två|tva|kaksi|both|begge|båda|bada|molemmat)[ \t]+(?:"
    # ("de to største anlæg stod tilsammen for 41 %": how a dominance share is worded, judged as one)
    r"(?:st(?:ø|o)rste|st(?:ö|o)rsta|largest|biggest|suurimma\w*|mindste|minsta|smallest)\b|(?:[^\W\d_]+[ \t]+)?"
    r"(?:models?|modell\w*|periods?|period\w*|years?|år\w*|groups?|grupp\w*|samples?|regions?|tables?|tabel\w*|"
    r"figures?|variables?|waves?|methods?|estimates?|registers?|regist\w*|cohorts?|kohort\w*|datasets?|"
    r"countries|lande\w*|länder\w*|sexes|køn\w*|kön\w*|ryhmä\w*|vuo\w*|mall\w*|metod\w*|kommuner\w*|"
    r"municipalities|sectors?|sektor\w*|industries|branche\w*|brancher\w*)\b)")


# A text that is one number, alone or after a label and a colon: "2", "n = 2", "Tvillingefødsler, Fanø 2021: 2".
_BARE_RESULT = lazy_compile(r"^\s*(?:(?P<label>[^\n:=]{1,80}?)\s*[:=]\s*)?(?P<n>\d{1,2})\s*$")
# Labels of a number that counts no units: a version, a page, a step.
_NOT_A_RESULT = lazy_compile(r"(?i)\b(?:version|ver|v|page|side|sida|step|trin|steg|table|tabel|tabell|figure|"
                             r"figur|chapter|kapitel|release|build|seed|level|niveau|nivå|exit|status|code|kode)\b")


# A group's size before the list of its parts: "Exkluderade, n = 189:", "Excluded (n = 1 204):".
_PARTS_HEAD = lazy_compile(r"(?i)^(?P<label>.*?)[,(\s]\s*n\s*=\s*(?P<n>\d{1,3}(?:[ \u00a0.,]\d{3})+|\d+)\)?\s*:\s*$")
# One part of it on a line of its own, indented or as a bullet: "  Demensdiagnos före index, n = 187".
_PART_LINE = lazy_compile(r"^(?:[ \t]+|[ \t]*[-•*–][ \t]+)(?P<label>\S.*?)(?:[,(\s]\s*n\s*=\s*"
                          r"(?P<n>\d{1,3}(?:[ \u00a0.,]\d{3})+|\d+)\)?)?\s*$")


def _unnumbered_part(text: str, first_line: int) -> Iterator[tuple[int, int]]:
    """The one part of a listed group printed without its count (a flow chart's "Exkluderade, n = 189:" over
    "Demensdiagnos före index, n = 187" and "Utvandrade före index"): the group's size less the others' counts
    (189 - 187: two emigrated), at the line of that part."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        head = _PARTS_HEAD.match(line)
        if head is None:
            continue
        parts: list[tuple[int, int | None]] = []
        for j in range(k + 1, min(len(lines), k + 12)):
            part = _PART_LINE.match(lines[j])
            if part is None:
                break
            number = part.group("n")
            parts.append((j, int(re.sub(r"[ ,.\u00a0]", "", number)) if number else None))
        missing = [j for j, n in parts if n is None]
        if len(parts) >= 2 and len(missing) == 1:
            rest = int(re.sub(r"[ ,.\u00a0]", "", head.group("n"))) - sum(n for _, n in parts if n is not None)
            if rest > 0:
                yield first_line + missing[0], rest


# A flowchart's node with its number of units (mermaid ``B["Kendt mor og far<br/>n = 6.307"]``, graphviz
# ``b [label="Known parents\nn = 6307"]``), and its edges (``A --> B``, ``a -> b``).
_FLOW_NODE = lazy_compile(r'(?m)(?:^|[\s;>|-])([A-Za-z_][\w]*)\s*(?:\[\s*label\s*=\s*"|[\[({]+"?)([^"\]\)}]*?)'
                          r'(?:(?<=\\n)|\b)n\s*=\s*(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+)\b')
_FLOW_EDGE = lazy_compile(r"([A-Za-z_]\w*)(?:\s*[\[({][^\]\)}]*[\])}])?\s*(?:-->|==>|-\.->|->)(?:\|[^|]*\|)?\s*"
                          r"([A-Za-z_]\w*)")
_FLOWCHART = lazy_compile(r"(?m)^\s*(?:flowchart|graph)\s+(?:TD|TB|BT|LR|RL)\b|^\s*(?:strict\s+)?digraph\b")


def flowchart_steps(text: str, first_line: int, threshold: int) -> TextTable | None:
    """The units a flowchart's step leaves out (a cohort's selection as a mermaid or graphviz diagram: "n =
    6.307" --> "n = 6.305" excludes 2 persons): each edge whose target has fewer units than its source
    publishes the difference, a count like any other."""
    if not _FLOWCHART.search(text):
        return None
    sizes: dict[str, int] = {}
    rows: list[list[str]] = []
    lines: list[int] = []
    for m in _FLOW_NODE.finditer(text):
        n = int(re.sub(r"[.,\u00a0\u202f ]", "", m.group(3)))
        if m.group(1) not in sizes and 0 < n < threshold and len(rows) < _PROSE_MAX_ROWS:
            # a box of the flowchart that counts fewer units than the threshold ("Missing dispensing data n=2")
            rows.append([f"flowchart box {m.group(1)}", str(n)])
            lines.append(first_line + text.count("\n", 0, m.start()))
        sizes.setdefault(m.group(1), n)
    for m in _FLOW_EDGE.finditer(text):
        a, b = sizes.get(m.group(1)), sizes.get(m.group(2))
        if a is None or b is None or not 0 < a - b < threshold or len(rows) >= _PROSE_MAX_ROWS:
            continue
        rows.append([f"flowchart step {m.group(1)} -> {m.group(2)}", str(a - b)])
        lines.append(first_line + text.count("\n", 0, m.start()))
    return TextTable(["label", "n"], rows, lines[0], "flowchart", tuple(lines)) if rows else None


# SAS PROC FREQ's line under a table in a report (RTF, PDF, HTML): "Frequency Missing = 2".
_FREQUENCY_MISSING = lazy_compile(r"(?im)^[ \t]*Frequency Missing[ \t]*=[ \t]*(\d{1,3}(?:,\d{3})+|\d+)[ \t]*$")


def frequency_missing(text: str, first_line: int) -> TextTable | None:
    """PROC FREQ's ``Frequency Missing = 1`` under a table of a report: the missing category's count, a cell
    like the table's others (a log's are read with the log)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    for m in _FREQUENCY_MISSING.finditer(text):
        if len(rows) >= _PROSE_MAX_ROWS:
            break
        line = first_line + text.count("\n", 0, m.start())
        rows.append([f"missing (line {line})", m.group(1).replace(",", "")])
        lines.append(line)
    return TextTable(["missing", "Frequency"], rows, lines[0], "sas-missing", tuple(lines)) if rows else None


# A line of a list of keys: one whole number of 5 to 12 digits alone ("1251670").
_KEY_LINE = lazy_compile(r"^\s*\d{5,12}\s*$")
_KEY_LIST_MIN = 10
_NAMED_KEY_LIST_MIN = 5
_KEY_LINES = lazy_compile(r"(?m)^[ \t]*\d{5,12}[ \t]*$")


# A Swedish property designation alone on a line: "Sorsele Ammarnäs 1:23", "Storuman Gunnarn 6:136" (municipality,
# district, block:unit), the key of Lantmäteriet's property register.
_DESIGNATION_LINE = lazy_compile(r"^\s*[A-ZÅÄÖ][\w-]+(?:[ \t]+[A-ZÅÄÖ]?[\w-]+){1,3}[ \t]+\d{1,5}:\d{1,5}\s*$")


def designation_list(text: str, first_line: int) -> TextTable | None:
    """A text that is a list of property designations, one a line (comments and blank lines beside them): a
    column of register keys, five at least, as :func:`key_list` reads numbers."""
    if ":" not in text:
        return None
    values: list[str] = []
    lines: list[int] = []
    for k, line in enumerate(text.split("\n")):
        if _DESIGNATION_LINE.match(line):
            values.append(line.strip())
            lines.append(first_line + k)
        elif line.strip() and not line.lstrip().startswith(("#", "%", "//", "*", "--")):
            return None
    if len(values) < _NAMED_KEY_LIST_MIN or len(set(values)) < 0.9 * len(values):
        return None
    return TextTable(["fastighetsbeteckning"], [[v] for v in values], lines[0], "key-list", tuple(lines))


def key_list(text: str, first_line: int) -> TextTable | None:
    """A text that is a list of numbers, one per line (with a comment or a heading above: "# LopNr som
    exkluderats ur analysen"): a column of register keys, named by the key its other lines name (else
    ``value``), for the identifier rules. None unless at least ten lines are such numbers (five under a heading
    that names a key), mostly distinct, and every other line is a comment or blank."""
    from scanner.names import identifier_kind

    if not _KEY_LINES.search(text):
        return None  # (most texts: one scan of the text instead of a loop over its lines)
    values: list[str] = []
    lines: list[int] = []
    words: list[str] = []
    for k, line in enumerate(text.split("\n")):
        if _KEY_LINE.match(line):
            values.append(line.strip())
            lines.append(first_line + k)
        elif line.strip():
            if len(words) > 200 or (values and not line.lstrip().startswith(("#", "%", "//", "*", "--"))):
                return None  # prose or a table around the numbers: not a list of keys
            words += re.findall(r"[^\W\d_]+", line)
    name = next((w for w in words if identifier_kind(w) is not None), "value")
    # (a list its heading names as keys, "CVR-numre der udelukkes:", is one from five lines)
    least = _NAMED_KEY_LIST_MIN if name != "value" else _KEY_LIST_MIN
    if len(values) < least or len(set(values)) < 0.9 * len(values):
        return None
    return TextTable([name], [[v] for v in values], lines[0], "key-list", tuple(lines))


# A list item that ends in a count: "- Excluded: emigrated before index date: **2**", "* Study population = 82,992",
# "1. Udelukket pga. manglende uddannelse: 311 (n = 311)".
_LIST_COUNT = lazy_compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+(.*?\S)\s*[:=]\s*(?:n\s*=\s*)?"
                           r"(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)\s*(?:\([^)]*\))?\s*$", re.IGNORECASE)
# Words of a cohort's selection in such a list: the counts are of persons, surely.
_SELECTION = lazy_compile(r"(?i)exclu|eksklu|exklu|udelukke|uteslut|utesteng|poissulje|removed|dropped|lost to follow|"
                          r"emigr|udvandr|utvandr|population|cohort|kohort|persons|patients|personer|patienter|"
                          r"participants|deltagere|deltagare|individuals|individer|henkilö|potilaat")
# Labels of a list of settings, not of counts: "- Threads: 2", "- Seed: 20240601", "- Stata version: 17".
_SETTING = lazy_compile(r"(?i)\b(?:threads?|cores?|cpus?|seed|versions?|draws|iterations?|reps|replications|"
                        r"bootstraps?|folds?|lags?|digits|decimals|ram|gb|mb|memory|knots|degrees?|order|level|"
                        r"page|pages|chapter|table|tabel|figure|figur|step|trin|steg|wave|bølge|round|runde|"
                        r"release|year|år|vuosi|month|day|port|priority|timeout|workers?|jobs?)\b")
_LIST_MIN_ITEMS = 3
# The same items without a bullet, as a flowchart's box lists them under its heading ("Exkluderade (n = 9 905)"
# over "Ålder < 65 år: 9 512", "Utvandrade före index: 1"): read only under a heading of a selection.
_PLAIN_LIST_COUNT = lazy_compile(r"^\s*([^\W\d][^:=\n]{1,80}?)\s*:\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)\s*$")


def listed_counts(text: str, first_line: int, skip: set[int], threshold: int) -> TextTable | None:
    """Counts ending the items of a list (a cohort's selection in a README: "- Persons aged 65+ ...: 84,512",
    "- Excluded: emigrated before index date: 2"), three items or more in a row, one of them of 100 units or
    more (a population's steps, not a list of settings): the small ones as counts. Sure when the list speaks of
    a selection or of persons ("Excluded", "population"); else a person checks (review)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    block: list[tuple[int, str, int]] = []
    sure = False

    def close() -> None:
        if len(block) >= _LIST_MIN_ITEMS and any(v >= 100 for _, _, v in block):
            for at, label, value in block:
                if 0 < value < threshold and at not in skip and len(rows) < _PROSE_MAX_ROWS:
                    rows.append([label[:60], str(value)])
                    lines.append(at)
        block.clear()

    heading = ""  # the last line before the list that is no item of it
    for k, raw in enumerate(text.split("\n")):
        m = _LIST_COUNT.match(raw.replace("**", "").replace("__", ""))
        plain = m is None and bool(_SELECTION.search(heading))
        if plain:
            m = _PLAIN_LIST_COUNT.match(raw)
        if m is None:
            close()
            heading = raw
            continue
        # (a setting names the item; under a selection's heading only its first word: "Ålder < 65 år: 9 512")
        if _SETTING.match(m.group(1)) if plain else _SETTING.search(m.group(1)):
            close()
            continue
        block.append((first_line + k, m.group(1), int(re.sub(r"[ ,.\u00a0]", "", m.group(2)))))
        sure = sure or bool(_SELECTION.search(m.group(1)))
    close()
    if not rows:
        return None
    return TextTable(["label", "n"], rows, lines[0], "prose" if sure else "prose-units", tuple(lines))


def parallel_counts(text: str, first_line: int, skip: set[int], threshold: int) -> TextTable | None:
    """Counts of one thing in several groups on lines of their own, each label the same words but for the
    group ("Ebsteins anomali blandt lithium-eksponerede: 2" over "Ebsteins anomali blandt ueksponerede: 118",
    a slide's lines): a breakdown's cells, the small ones a person checks (review)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    block: list[tuple[int, str, int]] = []

    def close() -> None:
        words = [b[1].lower().split() for b in block]
        shared = 0
        while words and all(len(w) > shared + 1 for w in words) and len({tuple(w[:shared + 1]) for w in words}) == 1:
            shared += 1
        # (one count of a population's size, 100 or more: no list of settings or of files)
        if len(block) >= 2 and shared >= 2 and len(words[0][0]) >= 3 and any(v >= 100 for _, _, v in block) \
                and not any(_SETTING.search(b[1]) for b in block):
            for at, label, value in block:
                if 0 < value < threshold and at not in skip and len(rows) < _PROSE_MAX_ROWS:
                    rows.append([label[:60], str(value)])
                    lines.append(at)
        block.clear()

    for k, raw in enumerate(text.split("\n")):
        m = _PLAIN_LIST_COUNT.match(raw.replace("**", "").replace("__", ""))
        if m is None:
            close()
            continue
        value = re.sub(r"[ ,.\u00a0]", "", m.group(2))
        if len(value) == 4 and 1900 <= int(value) <= 2100:
            close()  # a year ("Data: 2021")
            continue
        block.append((first_line + k, m.group(1), int(value)))
    close()
    if not rows:
        return None
    return TextTable(["label", "n"], rows, lines[0], "prose-units", tuple(lines))


# A rate per 1,000 or 100,000 in a sentence: "25,0 per 100 000 personår", "111.5 per 100,000 inhabitants".
_PROSE_RATE = lazy_compile(r"(?i)(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s*(?:per|pr\.?|/)\s*"
                           r"(100[ .,\u00a0]?000|10[ .,\u00a0]?000|1[ .,\u00a0]?000)\b")
# The population or person-time it is of in the same sentence: "beregnet på 4 000 personår", "of 1,794 residents",
# "befolkning 3 724", "population of 4,000".
_PROSE_BASE = lazy_compile(r"(?i)(?<![\d.,])(\d{1,3}(?:[ .,\u00a0]\d{3})+|\d{2,7})\s*(?:person[- ]?år|"
                           r"person[- ]?years?|personår|henkilövuotta|indbyggere|innbyggere|invånare|inhabitants|"
                           r"residents|personer|"
                           r"persons|people|barn|children|asukasta)\b|(?:population|befolkning|befolkningen|folketal|"
                           r"väestö)\D{0,12}?(\d{1,3}(?:[ .,\u00a0]\d{3})+|\d{2,7})")


def rates_in_prose(text: str, first_line: int, threshold: int) -> TextTable | None:
    """A rate per 1,000 or 100,000 written in a sentence with the population or person-time it is of ("25,0 per
    100 000 personår, beregnet på 4 000 personår"): rate x base is the number of events (1 case), a small
    count a person checks (review) when it is a whole number under the threshold within the rate's rounding."""
    import math

    rows: list[list[str]] = []
    lines: list[int] = []
    line_starts = [0]
    for k, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(k + 1)
    for sentence in re.finditer(r"[^.!?]*(?:[.!?](?=\s|$)|$)", text.replace("\n", " ")):
        body = sentence.group(0)
        rate = _PROSE_RATE.search(body)
        if rate is None:
            continue
        # (not the rate's own base: "per 100 000 personår")
        bases = [m for m in _PROSE_BASE.finditer(body) if m.end() <= rate.start() or m.start() >= rate.end()]
        sizes = {int(re.sub(r"\D", "", m.group(1) or m.group(2))) for m in bases}
        if len(sizes) != 1:
            continue
        size = sizes.pop()
        value = rate.group(1).replace(",", ".")
        per = int(re.sub(r"\D", "", rate.group(2)))
        half = 0.5 * 10 ** -(len(value.split(".")[1]) if "." in value else 0)
        lo = math.ceil((float(value) - half) * size / per - 1e-9)
        hi = math.floor((float(value) + half) * size / per + 1e-9)
        if lo == hi and 0 < lo < threshold:
            at = first_line + sum(1 for s in line_starts if s <= sentence.start()) - 1
            rows.append([f"events behind a rate (line {at})", str(lo)])
            lines.append(at)
    if not rows:
        return None
    return TextTable(["label", "n"], rows, lines[0], "prose-units", tuple(lines))


# The share of the largest unit(s) written in a sentence: "Den største virksomhed står for 90 pct. af
# omsætningen", "the largest firm accounts for 91% of turnover", "de två största företagen har 88 procent".
_LARGEST = (r"(?:st(?:ø|oe|o|ö)rste?|största|storsta|largest|biggest|dominant|dominerende|dominerande)")
_FIRM_NOUNS = (r"(?:\w*(?:virksomhed|virksomhet|selskap|bedrift|foretak|rederi|kæde|kjede|kedja|produsent|"
               r"eksportør|aktør)\w*|"
               r"virksomhed(?:er)?|firma(?:er)?|firms?|compan(?:y|ies)|enterprises?|f(?:ö|o)retag(?:en|et)?|"
               r"exporters?|eksportører|eksportorer|exportörer|exportorer|importers?|manufacturers?|"
               r"producent(?:er)?|producers?|employers?|arbejdsgiver(?:e)?|selskab(?:er)?|units?|enheder|enheter|"
               r"aktør(?:er)?|players?|koncern(?:er)?|"
               # (plants, farms and vessels: the units of energy, environment, agriculture and fisheries statistics)
               r"anl(?:æ|ae|ä|a)g\w*|\w*(?:værk|vaerk|verk|fabrik|fabrikk)(?:et|en|er|erne|ene)?|plants?|installations?|"
               r"facilit(?:y|ies)|slagteri\w*|slakteri\w*|mejeri\w*|meieri\w*|g(?:å|aa|a)rd(?:e|en|ene|ar|arna)?|"
               r"farms?|bedrift(?:er|en|ene)?|fart(?:ø|oe|o)j\w*|fart(?:ø|oe|o)y\w*|fartyg\w*|vessels?|skib\w*)")
_PROSE_DOMINANCE = lazy_compile(
    # (an abbreviation's full stop does not end the sentence: "står for ca. 88 pct.")
    r"\b(?:(two|to|två|2)\s+)?" + _LARGEST + r"\s+(?:\w+\s+){0,2}?" + _FIRM_NOUNS
    + r"\b(?:[^.%\n]|(?<=ca)\.|(?<=omkr)\.|(?<=approx)\.|(?<=appr)\.|(?<=ung)\.){0,80}?"
    r"(\d{1,3}(?:[.,]\d+)?)[\s~]*\\?(?:%|pct\.?|procent|percent|prosent|per cent)", re.IGNORECASE)


# The share of one unit written as one ("Ett företag svarar för 90 % av omsättningen", "ett foretak står alene for
# 89 prosent", "en enda parallellimportör (Orifarm) stod för 91 %", "one person holds about 91 % of the wealth",
# "yksi yritys vastaa 91 prosenttia"): the largest unit's share (a sentence about one unit of many with a small
# share is no dominance, and TAB002 judges the share against its limit).
_ONE_OF_UNITS = (r"(?:one|a[ \t]+single|single|ett[ \t]+enda|en[ \t]+enda|ett[ \t]+enkelt|en[ \t]+enkelt|"
             r"en[ \t]+enskild|ett[ \t]+enskilt|"
             r"(?:é|e)n[ \t]+enkelt|(?:é|e)t[ \t]+enkelt|ett|et|én|ét|eitt|ei|yksi|yksittäinen|yksittainen)")
_PROSE_ONE_DOMINANCE = lazy_compile(
    r"(?<![\w-])" + _ONE_OF_UNITS + r"[ \t]+(?:\w+[ \t]+)?(?:" + _FIRM_NOUNS[3:-1]
    + r"|\w*import(?:ø|ö|oe|o)r\w*|\w*export(?:ø|ö|oe|o)r\w*|\w*eksport(?:ø|oe|o)r\w*|persons?|personer|people|"
    r"household|husstand|hushåll|hushold|henkilö|yritys|yhtiö|tehdas|tila|alus)\b"
    r"(?:[^.%\n]|(?<=ca)\.|(?<=omkr)\.|(?<=approx)\.|(?<=appr)\.|(?<=ung)\.|(?<=mill)\.|(?<=mio)\.){0,90}?"
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)[\s~]*\\?(?:%|pct\.?|procent|percent|prosent|per cent)", re.IGNORECASE)


# A bound before the share ("de to største virksomheders andel overstiger 90 %": the rule a note states, no share).
_SHARE_BOUND_BEFORE = lazy_compile(r"(?<![\w-])(?:" + SHARE_BOUND_WORDS + r")\W*$", re.IGNORECASE)
# A verb that gives a unit's share of a total: "svarar för", "står for", "tegner sig for", "accounts for", "vastaa".
_SHARE_VERB = (r"(?:svarar|svarade|stod|står|star|tegner|tegnede|accounts?|accounted|vastaa|vastasi|vastaavat|"
               r"holds?|held|represents?|represented|representerer|representerar|utgör|udgør|utgjorde|udgjorde)")
_PERCENT = r"[ \t~]*\\?(?:%|pct\.?|procent|prosent|percent|per cent|prosenttia)"
# One unit's share, the unit named or made one by its words ("gruvbolaget, som ensamt svarar för 91 %", "Capio S:t
# Görans sjukhus svarar för 91 %", "yksi vuokranantaja (Kemijärven Vuokratalot Oy) vastaa 91 %", "Nordisk Pharma A/S
# står for 88 pct."): a firm in its definite singular or by its legal form, a named hospital, or any noun after a
# word for one, then the verb of a share.
_ONE_NAMED_UNIT = (
    r"(?:\w*bolaget|\w*sjukhuset|\w*sykehuset|\w*sygehuset|f(?:ö|o)retaget|foretaket|virksomheden|virksomheten|"
    r"selskabet|selskapet|koncernen|konsernet|"
    r"yhtiö|the company|the firm|the enterprise|the employer|"
    # (the richest person of a group: "den rikeste innbyggeren", "the richest resident")
    r"(?:den|det|the)[ \t]+(?:rikeste|rigeste|rikaste|richest|wealthiest)[ \t]+[^\W\d_][\w-]*|"
    r"[A-ZÅÄÖÆØ][\w:&'-]*(?:[ \t]+(?:[A-ZÅÄÖÆØ][\w:&'-]*|och|og|&|i|de|of))*[ \t]+"
    r"(?:sjukhus|sykehus|sygehus|lasarett|hospital|AB|Oyj|Oy|A/S|ApS|ASA|AS|Ltd|GmbH|Inc|plc|S\.A))")
_PROSE_NAMED_UNIT_SHARE = lazy_compile(
    r"(?<![\w-])(?:" + _ONE_NAMED_UNIT + r"|(?:" + _ONE_OF_UNITS + r")[ \t]+(?!(?:flertal|fåtal|fleretal|"
    r"majority|minority|third|quarter|fifth|tredjedel|fjerdedel|femtedel)\b)[^\W\d_][\w-]*"
    # (an adjective before the noun: "ét enkelt langvarigt forløb", "ett enskilt stort bolag")
    r"(?:[ \t]+(?!(?:som|der|which|that|joka|mikä|ensamt|alene|alone|alena|yksin)\b)[^\W\d_][\w-]*)?)"
    r"(?:[ \t]*\([^()\n]{0,90}\))?"
    # (a clause between the unit and its verb: ", som ensamt", ", der alene", ", joka yksin")
    r"(?:,?[ \t]+(?:som|der|which|that|joka|mikä)\b)?(?:[ \t]+(?:ensamt|ensam|alene|alone|alena|yksin|by itself))?"
    r"[ \t]+" + _SHARE_VERB + r"\b[^.%\n\d]{0,40}?(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)" + _PERCENT)


# The same with the verb first, as Nordic word order puts it after a place or a time ("I Modalen står én person for
# 91 %", "I Frederikshavn Kommune står ét apotek (Frederikshavn Svane Apotek) for 91 %", "står den rikeste
# innbyggeren alene for om lag 91 %"): a word for one (or the article of one) or a superlative, then the unit.
_PROSE_VERB_FIRST_SHARE = lazy_compile(
    r"(?<![\w-])(?:står|stod|svarar|svarer|svarade|tegner|tegnede)[ \t]+"
    r"(?:(?:én|ét|en|et|ett|ei|eitt|one|a|an)[ \t]+(?:enkelt[ \t]+|enda[ \t]+|eneste[ \t]+|single[ \t]+|"
    r"enskild[ \t]+|enskilt[ \t]+)?"
    r"(?!(?:flertal|fåtal|fleretal|majority|minority|tredjedel|fjerdedel|femtedel|del|andel)\b)[^\W\d_][\w-]*|"
    r"(?:den|det|the)[ \t]+(?:" + _LARGEST[3:-1] + r"|rikeste|rigeste|rikaste|richest)[ \t]+[^\W\d_][\w-]*)"
    r"(?:[ \t]*\([^()\n]{0,90}\))?(?:[ \t]+(?:alene|ensamt|ensam|alena|alone|by itself))?[ \t]+(?:for|för)\b"
    r"[^.%\n\d]{0,40}?(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)" + _PERCENT, re.IGNORECASE)


def dominance_in_prose(text: str, first_line: int) -> TextTable | None:
    """Shares of the largest one or two units written in a note's sentences ("the largest firm accounts for
    91 % of turnover"), as a table of such shares for the dominance rule (TAB002)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    found = [(m.start(), "2" if m.group(1) else "1", m.group(2)) for m in _PROSE_DOMINANCE.finditer(text)
             if not _SHARE_BOUND_BEFORE.search(text, max(m.start(), m.start(2) - 30), m.start(2))]
    found += [(m.start(), "1", m.group(1)) for m in _PROSE_ONE_DOMINANCE.finditer(text)
              if not any(m.start() <= at < m.end() for at, _, _ in found)]
    for pattern in (_PROSE_NAMED_UNIT_SHARE, _PROSE_VERB_FIRST_SHARE):
        found += [(m.start(), "1", m.group(1)) for m in pattern.finditer(text)
                  if not any(abs(at - m.start()) <= 200 and share == m.group(1) for at, _, share in found)]
    for at, units, share in sorted(found)[:_PROSE_MAX_ROWS]:
        rows.append([units, share.replace(",", ".")])
        lines.append(first_line + text.count("\n", 0, at))
    if not rows:
        return None
    # one table per number of units: the column's name says how many units its shares are of
    one = [[f"sentence {k + 1}", r[1]] for k, r in enumerate(rows) if r[0] == "1"]
    two = [[f"sentence {k + 1}", r[1]] for k, r in enumerate(rows) if r[0] == "2"]
    if two and not one:
        return TextTable(["label", "Share of the two largest units (%)"], two, lines[0], "prose-dominance",
                         tuple(n for n, r in zip(lines, rows, strict=True) if r[0] == "2"))
    return TextTable(["label", "Share of the largest unit (%)"], one or two, lines[0], "prose-dominance",
                     tuple(n for n, r in zip(lines, rows, strict=True) if r[0] == "1") if one else tuple(lines))


# The extremes of a group written in a sentence: "the highest income was DKK 2.3 million", "Den eldste deltakeren
# var 103 år", "medianlønnen var 312.000 kr.", "moderens alder mellem 19 og 41 år".
_EXTREME_WORD = (r"(?:highest|lowest|oldest|youngest|largest|smallest|maximum|minimum|median|percentile|"
                 r"h(?:ø|o|ö)(?:j|y|g)este?|h(?:ö|o)gsta|laveste|lägsta|lagsta|(?:æ|ä|a|e)ldste?|äldsta|yngste|"
                 r"yngsta|st(?:ø|ö)rste|största|mindste|minsta|korkein|matalin|vanhin|nuorin|\w*median\w*|"
                 r"\w*percentil\w*|\d{1,2}-percentil\w*|"
                 # (the short forms before their number: "min 23, max 61", "maks: 61")
                 r"(?:min|max|maks)(?=[ \t]*[:=]?[ \t]*-?\d))")
_PROSE_EXTREME = lazy_compile(
    r"(?<![\w-])" + _EXTREME_WORD + r"\b[^.;\n\d]{0,60}?(?<![\w.,])(-?\d{1,3}(?:[ .,\u00a0]\d{3})*(?:[.,]\d+)?)"
    r"(?![\d.,]*[ \t~\\]*(?:%|pct|procent|prosent|percent))"
    r"|(?:between|mellem|mellan|mellom|välillä)[ \t]+(\d{1,3}(?:[.,]\d+)?)[ \t]+(?:and|og|och|ja)[ \t]+"
    r"(\d{1,3}(?:[.,]\d+)?)", re.IGNORECASE)
# A group's size written before its extremes: "Among the 5 self-employed mink farmers", "I Vardø deltok 8
# personer", "For de 7 virksomheder", "Blandt de 6 fødsler", "bland de 4 kvinnliga styrelseordförandena".
_SMALL_GROUP = lazy_compile(
    r"(?:(?:among|of|for|in|blandt|blant|bland|av|af|for|för|blant)[ \t]+(?:the|de|dei|disse|dessa|these)[ \t]+"
    r"(\d{1,2})[ \t]+(?!\d)[\w-]+)|(?<![\w.,/])(\d{1,2})[ \t]+(?:(?!\d)[\w-]+[ \t]+)?(?:" + _UNIT_NOUNS + r")\b"
    # (a group's size in brackets after its name: "Ahvenanmaa (n=4): min 23, max 61")
    r"|\(\s*n\s*=\s*(\d{1,2})\s*\)",
    re.IGNORECASE)


#: A group stated in a sentence under this size whose extremes the text gives is read (EXT001's review_below).
EXTREME_REVIEW_BELOW = 10


# A method's number of neighbours, no group: "gennemsnit af de 5 nærmeste observationer" (a percentile averaged
# over the observations around it, how statistics offices publish them safely), "the 5 nearest neighbours".
_NEAREST = lazy_compile(r"(?i)\b(?:n(?:æ|ae|ä|a)rmeste|n(?:ä|a)rmaste|nearest|closest|l(?:ä|a)hint(?:ä|a)|"
                        r"l(?:ä|a)himm(?:ä|a)n|neighbou?rs?|naboer|grannar)\b")


def extremes_in_prose(text: str, first_line: int, review_below: int = EXTREME_REVIEW_BELOW) -> TextTable | None:
    """Extremes of a small group written in sentences ("Among the 5 self-employed mink farmers ..., the highest
    income was DKK 2.3 million"): the group's size stated in the sentence or the one before, under
    ``review_below``, and a highest, lowest, oldest, median or percentile value, or a range ("between 19 and 41
    years"), after it. As a table of group size and maximum that EXT001 judges (block under the threshold, else
    review)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 0
    previous = ""
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = text[start:end]
        begin, start = start, end
        if "|" in sentence or "&" in sentence:
            previous = ""  # (nor is a group in its rows, "Övriga skolenheter (3 enheter)", the next sentence's)
            continue  # a table's rows (a pipe or LaTeX table): its own readers judge them
        window = previous + " " + sentence
        previous = sentence
        # (not a bound: "at least 3 firms", "over 80 år")
        sizes = [int(g) for m in _SMALL_GROUP.finditer(window) for g in m.groups() if g
                 and not _NOT_A_COUNT_BEFORE.search(window, max(0, m.start() - 20), m.start())
                 and not _NEAREST.search(m.group(0))]
        sizes = [n for n in sizes if 0 < n < review_below]
        if not sizes:
            continue
        for m in _PROSE_EXTREME.finditer(sentence):
            value = m.group(1) or m.group(3)
            line = first_line + text.count("\n", 0, begin + m.start())
            if value is None or line in lines or len(rows) >= _PROSE_MAX_ROWS:
                continue
            rows.append([f"sentence {len(rows) + 1}", str(sizes[-1]), re.sub(r"[ .,\u00a0](?=\d{3}\b)", "", value)
                         .replace(",", ".")])
            lines.append(line)
    return TextTable(["label", "N", "Maximum"], rows, lines[0], "prose-extremes", tuple(lines)) if rows else None


# A number of units of any size: "150 patienter", "of 1,204 firms", "12 345 personer".
# (a line break may fall between the number and its noun: "Of the 14 displaced\nworkers")
_UNIT_COUNT = lazy_compile(r"(?<![\w.,/])(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)(?:[ \t]*\n[ \t]*|[ \t]+)"
                         # (a compound's prefix joined by a hyphen: "BPA-modtagere", "§85-modtagere")
                         r"(\w+(?:-\w+)?(?:[ \t]*\n[ \t]*|[ \t]+))?(?:[\w§]+-)?(?:" + _UNIT_NOUNS + r")\b",
                         re.IGNORECASE)


def unit_counts(text: str) -> list[int]:
    """The numbers of persons or firms ``text`` states (a title's "blandt 150 patienter"), in order; not a
    bound ("values based on fewer than 3 persons are suppressed": the rule, no group's size)."""
    return [int(re.sub(r"[ ,.\u00a0]", "", m.group(1))) for m in _UNIT_COUNT.finditer(text)
            if not _NOT_A_COUNT_BEFORE.search(text, max(0, m.start() - 20), m.start())
            # ("de 2 største virksomheder": how a dominance rule is worded, no group's size)
            and not (m.group(2) and _SUPERLATIVE.fullmatch(m.group(2).strip()))]


# A percentage in a sentence: "2.1%", "2,1 %", "14 pct.", "5 procent", "3 per cent"; not a confidence level
# ("95% CI") nor a relative change ("6% higher").
_PROSE_PERCENT = lazy_compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d+)?)[ \t\u00a0]*(?:%|pct\.?|procent|prosent|per[ \t]?cent|percent)"
    r"(?![ \t]*(?:CI|KI|konfidens|confidence|higher|lower|more|less|fewer|increase|decrease|reduction|"
    r"h(?:ø|o|ö)jere|lavere|h(?:ö|o)gre|l(?:ä|a)gre|st(?:ø|o|ö)rre|mindre|flere|f(?:æ|ä|a)rre|of the (?:variance|"
    r"variation)))", re.IGNORECASE)
# The end of a sentence (not a decimal point: "2.1%").
_SENTENCE_END = lazy_compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅÄÖ(])|\n[ \t]*\n|"
                             # (a numbered point on a line of its own: "1) Af de 48 ...", "2. Gennemsnitsalderen")
                             r"(?<=[.!?:;])[ \t]*\n[ \t]*(?=\d{1,2}[.)][ \t])")


def shares_in_prose(text: str, first_line: int, skip: set[int], threshold: int) -> TextTable | None:
    """Percentages of a group whose size the same sentence states ("Among the 47 patients diagnosed ...,
    five-year survival was 2.1%": one survivor), as a table of the counts they give (label, n) that TAB001
    reports for review: which group a percentage is of is the sentence's to say, and a person must read it.
    Only sentences that state one size (of at least the threshold) are read."""
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 0
    carried: int | None = None  # the size the paragraph's last sentence with one stated ("Af disse var 7,1 % ...")
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = text[start:end]
        begin, start = start, end
        if re.search(r"\n[ \t]*\n", sentence):
            carried = None  # a new paragraph: the size stated before is no longer the group's
        stated = sorted([(m.end(), int(re.sub(r"[ ,.\u00a0]", "", m.group(1)))) for m in _UNIT_COUNT.finditer(sentence)]
                        + [(m.end(), int(re.sub(r"[ ,.\u00a0]", "", m.group(1)))) for m in _PROSE_N.finditer(sentence)])
        sizes = {n for _, n in stated}  # ("(N = 25)", "47 patients")
        if len(sizes) > 1:
            # several groups, each with its size and then its share ("Ward 3 (n=41) 12.2%, Ward 7 (n=5) 40.0%"):
            # each percentage is of the size stated last before it
            carried = None
            for m in _PROSE_PERCENT.finditer(sentence):
                before = [n for at, n in stated if at <= m.start()]
                count = _share_count(m.group(1), before[-1], threshold) if before else None
                line = first_line + text.count("\n", 0, begin + m.start())
                if count is not None and line not in skip and len(rows) < _PROSE_MAX_ROWS:
                    rows.append([f"share {len(rows) + 1}", str(count)])
                    lines.append(line)
            continue
        if not sizes:
            if carried is None:
                continue
            sizes = {carried}  # a share of the group the sentence before sized ("I alt var der 14 ... Af disse")
        (size,) = sizes
        carried = size
        if size < threshold:
            continue
        percents = list(_PROSE_PERCENT.finditer(sentence))
        for m in percents:
            count = _share_count(m.group(1), size, threshold)
            if count is None and len(percents) == 1:
                # the one share of the group splits it in two: its rest is a count too ("Af de 48 personer ...
                # var 95,8 % i beskæftigelse": 2 were not)
                count = _share_count(_rest_of_percent(m.group(1)), size, threshold)
            line = first_line + text.count("\n", 0, begin + m.start())
            if count is None or line in skip or len(rows) >= _PROSE_MAX_ROWS:
                continue
            rows.append([f"share {len(rows) + 1}", str(count)])
            lines.append(line)
    return TextTable(["label", "n"], rows, lines[0], "prose-shares", tuple(lines)) if rows else None


def _rest_of_percent(written: str) -> str:
    """100 minus a percentage, written with as many decimals ("95,8" -> "4.2")."""
    text = written.replace(",", ".")
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return f"{max(100 - float(text), 0):.{decimals}f}"


def _share_count(written: str, size: int, threshold: int) -> int | None:
    """The count a percentage as written ("40,0") of ``size`` units is, when every count its rounding allows
    is at least 1 and under the threshold; else None. A size under the threshold is itself the small cell."""
    if size < threshold:
        return None
    written = written.replace(",", ".")
    decimals = len(written.split(".", 1)[1]) if "." in written else 0
    pct, half = float(written), 0.5 * 10 ** -decimals
    lo = max(math.ceil((pct - half) / 100 * size - 1e-9), 1)
    hi = math.floor((pct + half) / 100 * size + 1e-9)
    return hi if pct > 0 and lo <= hi and hi < threshold else None
