"""Tables inside nested result files: JSON that is no list of records, YAML and TOML.

Analysis code saves results as nested structures: ``{"table": {"Hovedstaden": {"men": 12, "women": 2}}}``,
``celler: {Jämtlands län: {Män: 6, Kvinnor: 1}}`` in YAML, a list of records under a key, pandas' "split"
layout (``columns``, ``data``) inside a results file, a TOML ``[flow]`` of a cohort's selection
(``n_died_before_index = 2``). :func:`nested_tables` finds such tables anywhere in the structure and gives
them as text tables for the table rules, with how many of the structure's numbers they hold: a file whose
numbers are not all in a table read here is not fully inspected (the caller says so, FIL001 review).

Written by hand: no library finds tables in arbitrary nested data (pandas' ``json_normalize`` flattens one
given record path into columns, it does not find the tables).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.lazy_regex import lazy_compile
from scanner.loaders.texttables import TextTable, unique_names
from scanner.names import is_margin_label

__all__ = ["MAX_TABLES", "NestedTables", "nested_tables", "parse_nested"]

#: Tables read out of one file at most (a results file holds a few).
MAX_TABLES = 50
#: Rows of one table read at most.
_MAX_ROWS = 20_000

_SCALAR = (str, int, float, bool, type(None))
# The name of a mapping of counts by category ("tab_dx: {F20: 451, F23: 2}"), or of a cohort's selection
# steps ("[flow] n_identified = 3412, n_died_before_index = 2").
_COUNTS_NAME = lazy_compile(r"(?i)(?:^|[\W_])(?:tab\w*|tables?|tabel\w*|taulukko\w*|counts?|antal\w*|antall\w*|freq\w*|"
                            r"frekvens\w*|flow\w*|selection|selektion|udv(?:æ|ae)lgelse|urval|utvalg|cohort|kohort\w*|"
                            r"cells?|celler|fordeling\w*|f(?:ö|o)rdelning|distribution|attrition|exclusions?|"
                            r"eksklusion\w*|exkludering\w*|n_by\w*|by_\w+)(?:$|[\W_])")


# A field named as a count of units: "N", "n", "n_obs", "antall_hendelser", "antal_personer", "events", "lkm".
_COUNT_KEY = lazy_compile(r"(?i)^(?:n|n_\w+|no_of_\w+|antal\w*|antall\w*|number_of_\w+|count|events|lkm|"
                          r"lukumäärä\w*|cases|deaths)$")


# A mapping of a method's settings ("bootstrap: {n: 2}", "dominance: {n: 2, k: 0.85}", "sdc", "params").
_SETTINGS_NAME = lazy_compile(r"(?i)(?:^|[\W_])(?:bootstrap\w*|dominance|sdc|settings?|config\w*|params?|parameters|"
                              r"options?|args|arguments|hyper\w*|model_params|control|rules?)(?:$|[\W_])")


# Keys of settings, not of categories counted ("min_cell: 3", "round_to: 5", "seed", "dpi"): a mapping with one is
# a mapping of settings.
_SETTING_KEY = lazy_compile(r"(?i)(?:^|[\W_])(?:min|max|round\w*|threshold\w*|seed|dpi|width|height|size|digits|"
                            r"decimals|alpha|level|folds?|threads?|cores?|version|limit|cutoff|k|p|boot\w*|iter\w*|"
                            r"lags?|window|bins?|breaks|weight\w*|timeout|port|retries|workers?)(?:$|[\W_])")


# A model's fit and evaluation statistics: "auc", "roc_auc", "brier", "f1", "r2", "aic", "cv_auc_mean", "threshold".
_FIT_KEY = lazy_compile(r"(?i)(?:^|[\W_])(?:auc|roc|pr_auc|brier|precision|recall|f1|f_score|accuracy|acc|"
                        r"balanced_accuracy|rmse|mse|mae|mape|r2|r_squared|rsq|adj_r2|loglik|log_likelihood|ll|aic|"
                        r"bic|c_index|concordance|gini|ks|logloss|log_loss|specificity|sensitivity|ppv|npv|kappa|mcc|"
                        r"prevalence|threshold|calibration_slope|calibration_intercept|ece|deviance)(?:$|[\W_])")


def _numeric(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# A number written as a string ("2", "1 204", "<3"): counted as a number the tables must hold too.
_NUMBER_TEXT = lazy_compile(r"^\s*[<>≤≥]?\s*\d[\d.,\s\u00a0]*\s*$")


def _counted(node: object) -> int:
    """The numbers under count-named keys in a structure ("n_women": "2" in a file's description)."""
    if isinstance(node, dict):
        return sum(_numbers(v) if _COUNT_KEY.match(str(k)) else _counted(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(_counted(v) for v in node)
    return 0


# Keys of a results file's description, not of results: "meta", "projekt": "707123", "aar": 2021, "version".
_META_KEY = lazy_compile(r"(?i)^(?:_?meta(?:data)?|info|about|header|provenance|projekt\w*|project\w*|prosjekt\w*|"
                         r"hanke\w*|version|versjon|aar|år|ar|year|vuosi|dato|date|datum|created|updated|generated|"
                         r"kilde|källa|source|lähde|title|tittel|titel|otsikko)$")


def _numbers(node: object) -> int:
    """The numbers of a structure, at any depth (also those written as strings), but those of its description
    (a "meta" mapping, a project number, a year) and of its settings ("min_gruppe": 62337)."""
    if _numeric(node) or (isinstance(node, str) and _NUMBER_TEXT.match(node)):
        return 1
    if isinstance(node, dict):
        total = 0
        for k, v in node.items():
            if _META_KEY.match(str(k)):
                total += _counted(v)  # (a count in the description is a result all the same: "n_women": "2")
            elif not (isinstance(v, _SCALAR) and _SETTING_KEY.search(str(k))):
                total += _numbers(v)
        return total
    if isinstance(node, list):
        return sum(_numbers(v) for v in node)
    return 0


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


@dataclass
class NestedTables:
    """The tables found in a structure, each with the path of keys it sits under (structure, not values, as
    far as the file names its parts by keys), and the structure's numbers: all of them, and those in the
    tables."""

    tables: list[tuple[str, TextTable]]
    numbers: int
    read: int

    @property
    def complete(self) -> bool:
        """Whether every number of the structure is in a table read here."""
        return self.read >= self.numbers


def nested_tables(obj: object) -> NestedTables:
    """The tables in a parsed JSON, YAML or TOML structure (see the module docstring)."""
    cube = _jsonstat(obj)
    if cube is not None:
        return NestedTables([("(JSON-stat)", cube)], 1, 1)
    found: list[tuple[str, TextTable]] = []
    read = 0
    for path, table, numbers in _walk(obj, ()):
        if len(found) >= MAX_TABLES:
            break
        found.append((".".join(path) or "(top)", table))
        read += numbers
    return NestedTables(found, _numbers(obj), read)


def _jsonstat(obj: object) -> TextTable | None:
    """A JSON-stat 2.0 dataset (Statistics Norway's, Sweden's and Finland's APIs, PxWeb's JSON) as a long
    table of its cells: one column per dimension (its categories' labels), then the value; a cell without a
    value shows its status ("..", "c") as a suppressed cell. None for anything else; a dataset whose values
    do not fill its dimensions is no table either."""
    import itertools
    import math

    if not isinstance(obj, dict) or not isinstance(obj.get("dimension"), dict) or "value" not in obj \
            or not isinstance(obj.get("id"), list) or not isinstance(obj.get("size"), list):
        return None
    ids, sizes = [str(x) for x in obj["id"]], obj["size"]
    if len(ids) != len(sizes) or not all(isinstance(n, int) and n > 0 for n in sizes):
        return None
    labels: list[list[str]] = []
    for d, n in zip(ids, sizes, strict=True):
        category = (obj["dimension"].get(d) or {}).get("category") or {}
        index = category.get("index")
        codes = sorted(index, key=index.get) if isinstance(index, dict) else list(index) if isinstance(index, list) \
            else list((category.get("label") or {}).keys())
        if len(codes) != n:
            return None
        names = category.get("label") or {}
        labels.append([str(names.get(c, c)) for c in codes])
    cells = math.prod(sizes)
    if cells > _MAX_ROWS * 10:
        return None
    value, status = obj["value"], obj.get("status")

    def at(container: object, k: int) -> object:
        if isinstance(container, list):
            return container[k] if k < len(container) else None
        if isinstance(container, dict):
            return container.get(str(k))
        return container  # one status for every cell

    if isinstance(value, list) and len(value) != cells:
        return None
    rows = []
    for k, combo in enumerate(itertools.product(*labels)):
        v = at(value, k)
        shown = _text(v) if v is not None else (_text(at(status, k)) or "..")
        rows.append([*combo, shown])
    names = [str((obj["dimension"].get(d) or {}).get("label") or d) for d in ids]
    return TextTable(unique_names([*names, "value"]), rows, 1, "nested")


def _bounds_apart(record: dict[object, object]) -> dict[object, object]:
    """A record with each interval (a list of two numbers, the first not above the second: a confidence
    interval's bounds) as two fields, "KI95 (lower)" and "KI95 (upper)"; other values as they are."""
    if not any(isinstance(v, list) for v in record.values()):
        return record
    out: dict[object, object] = {}
    for k, v in record.items():
        if isinstance(v, list) and len(v) == 2 and all(_numeric(x) for x in v) and v[0] <= v[1]:
            out[f"{k} (lower)"], out[f"{k} (upper)"] = v
        else:
            out[k] = v
    return out


def _walk(node: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], TextTable, int]]:
    name = path[-1] if path else ""
    if isinstance(node, list):
        # (an interval per record, "KI95": [3.12, 16.66], read as its two bounds)
        records = [_bounds_apart(x) for x in node if isinstance(x, dict)]
        if len(node) >= 2 and len(records) == len(node) and all(
                all(isinstance(v, _SCALAR) for v in r.values()) for r in records):
            keys = list(dict.fromkeys(k for r in records for k in r))
            rows = [[_text(r.get(k)) for k in keys] for r in records[:_MAX_ROWS]]
            yield path, TextTable(unique_names([str(k) for k in keys]), rows, 1, "nested"), _numbers(records)
            return
        for i, x in enumerate(node):
            yield from _walk(x, (*path, str(i)))
        return
    if not isinstance(node, dict):
        return
    if {"columns", "data"} <= set(node) and isinstance(node["columns"], list) and isinstance(node["data"], list) \
            and node["data"] and all(isinstance(r, list) for r in node["data"]):
        # pandas' "split" layout (and SACRO's tables): columns, data, an optional index
        names = [_text(c) for c in node["columns"]]
        index = node.get("index")
        rows = [[_text(v) for v in r] for r in node["data"][:_MAX_ROWS]]
        if isinstance(index, list) and len(index) == len(node["data"]):
            names, rows = ["index", *names], [[_text(i), *r] for i, r in zip(index, rows, strict=False)]
        yield path, TextTable(unique_names(names), rows, 1, "nested"), _numbers(node)
        return
    rest = dict(node)
    # a list of records beside a mapping named as their total ("rader: [...]", "totalt: {menn: 104, ...}"):
    # one table, the total its last row
    totals = {k: v for k, v in node.items() if isinstance(v, dict) and v and is_margin_label(str(k))
              and all(isinstance(x, _SCALAR) for x in v.values())}
    for k, v in list(node.items()):
        records = v if isinstance(v, list) and len(v) >= 2 and all(
            isinstance(r, dict) and all(isinstance(x, _SCALAR) for x in r.values()) for r in v) else None
        total = next(((t, tv) for t, tv in totals.items() if records and set(tv) < set(records[0])), None)
        if records is None or total is None:
            continue
        keys = list(dict.fromkeys(c for r in records for c in r))
        label = next((c for c in keys if c not in total[1]), None)
        if label is None:
            continue
        rows = [[_text(r.get(c)) for c in keys] for r in records[:_MAX_ROWS]]
        rows.append([str(total[0]) if c == label else _text(total[1].get(c)) for c in keys])
        yield (*path, str(k)), TextTable(unique_names([str(c) for c in keys]), rows, 1, "nested"), \
            _numbers(records) + _numbers(total[1])
        rest.pop(k)
        rest.pop(total[0])
        totals.pop(total[0])
    inner = {k: v for k, v in rest.items() if isinstance(v, dict) and v
             and all(isinstance(x, _SCALAR) for x in v.values())}
    shared = [k for k in dict.fromkeys(c for v in inner.values() for c in v)
              if sum(1 for v in inner.values() if k in v) >= 2]
    if len(inner) >= 2 and shared:
        # a mapping of rows to mappings of columns ("Hovedstaden": {"men": 12, "women": 2}): a wide table
        columns = list(dict.fromkeys(c for v in inner.values() for c in v))
        rows = [[str(k), *(_text(v.get(c)) for c in columns)] for k, v in list(inner.items())[:_MAX_ROWS]]
        yield path, TextTable(unique_names([name or "label", *map(str, columns)]), rows, 1, "nested"), \
            _numbers(inner)
        for k in inner:
            rest.pop(k)
    numeric = {k: v for k, v in rest.items() if _numeric(v)}
    if len(numeric) >= 2 and _COUNTS_NAME.search(name) and not any(_SETTING_KEY.search(str(k)) for k in numeric):
        # a mapping of categories to counts, named as a table, counts or a selection ("tab_dx", "[flow]")
        rows = [[str(k), _text(v)] for k, v in numeric.items()]
        yield path, TextTable(unique_names([name, "n"]), rows, 1, "nested"), len(numeric)
        for k in numeric:
            rest.pop(k)
    counts = {k: v for k, v in rest.items() if _numeric(v) and _COUNT_KEY.match(str(k))}
    if counts and not any(_SETTING_KEY.search(str(k)) for k in rest) and not _SETTINGS_NAME.search(name):
        # whole-number fields named as counts beside the rest ("N": 265759, "antall_hendelser": 2650): the
        # sizes a results file states, each a count the table rules judge
        rows = [[str(k), _text(v)] for k, v in counts.items()]
        yield path, TextTable(unique_names([name or "field", "n"]), rows, 1, "nested"), len(counts)
        for k in counts:
            rest.pop(k)
    columns = {k: v for k, v in rest.items() if isinstance(v, list) and len(v) >= 2
               and all(isinstance(x, _SCALAR) and not isinstance(x, str) for x in v)}
    if len(columns) >= 2 and len({len(v) for v in columns.values()}) == 1:
        # a table written column by column ({"n_risk": [22617, ...], "cum_events": [1, 624, ...], "surv": [...]},
        # a survival curve's yearly numbers; pandas' orient="list"): one row per position
        names = list(columns)
        rows = [[_text(columns[c][i]) for c in names] for i in range(min(len(columns[names[0]]), _MAX_ROWS))]
        yield path, TextTable(unique_names([str(c) for c in names]), rows, 1, "nested"), \
            _numbers(list(columns.values()))
        for k in columns:
            rest.pop(k)
    stated = {k: v for k, v in rest.items() if _numeric(v) and not _META_KEY.match(str(k))}
    if stated and any(_FIT_KEY.search(str(k)) for k in stated) and not _SETTINGS_NAME.search(name) \
            and all(_FIT_KEY.search(str(k)) or _COUNT_KEY.match(str(k)) for k in stated):
        # a model's fit statistics stated one by one ("auc": 0.79, "brier": 0.15, "r2": 0.70; a classifier's
        # metrics.json), with its sizes ("n_test"): one record of the whole model, no group's; any other stray
        # number (a mean of a group whose size is not given) stays unread, for a person
        yield path, TextTable(unique_names([str(k) for k in stated]), [[_text(v) for v in stated.values()]], 1,
                              "nested"), len(stated)
    for k, v in rest.items():
        if isinstance(v, (dict, list)):
            yield from _walk(v, (*path, str(k)))


def parse_nested(text: str, suffix: str) -> object:
    """A YAML or TOML file's structure (``suffix`` ".yaml", ".yml" or ".toml"); ValueError when it does not
    parse."""
    if suffix == ".toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"not valid TOML ({exc})") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise ValueError("not valid YAML") from None
