"""rules.toml -> one frozen, validated configuration object.

The package's default ``rules.toml`` is merged with an optional site file; every key is checked against
the known settings, profiles and the registered rules' option models. A typo is an error that names the
key and suggests the closest known name, never a silent default.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.rules.registry import RuleSpec

from scanner.findings import Severity
from scanner.settings import Profile, RuleSettings

__all__ = ["FAIL_CLOSED", "Config", "ConfigError", "Profile", "RuleSettings", "ScanSettings", "load_config"]


#: Rules that say a file was not fully inspected (unreadable, over an archive limit, encrypted). They run
#: whatever --select/--ignore say, and a rules file cannot disable them or lower them below review: without
#: them such a file would pass unread.
FAIL_CLOSED = frozenset({"FIL001", "FIL003", "FIL004"})


class ConfigError(Exception):
    """The configuration is invalid; the message names the file, the key and a likely fix."""


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """Scan-wide settings from the ``[scan]`` table."""

    profile: str
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    sample_rows: int
    max_table_bytes: int


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration of a scan. Build it with :func:`load_config`."""

    scan: ScanSettings
    profile: Profile
    profiles: Mapping[str, Profile]
    rules: Mapping[str, RuleSettings]
    sources: tuple[str, ...]

    def enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs: enabled in its table and selected, not ignored. The fail-closed
        rules (:data:`FAIL_CLOSED`) always run: `--select TAB` must not let an unreadable file pass."""
        settings = self.rules.get(code)
        if settings is None or not settings.enabled:
            return False
        if code in FAIL_CLOSED:
            return True
        return _matches(code, self.scan.select) and not _matches(code, self.scan.ignore)

    def options(self, code: str) -> Any:
        return self.rules[code].options

    def severity(self, code: str) -> Severity:
        return self.rules[code].severity

    def as_dict(self) -> dict[str, Any]:
        """A plain mapping of the effective configuration (for ``sdcscan config show``)."""
        rules: dict[str, Any] = {}
        for code, rs in sorted(self.rules.items()):
            entry: dict[str, Any] = {"severity": rs.severity.label, "enabled": self.enabled(code)}
            entry.update(_plain(dataclasses.asdict(rs.options)))
            rules[code] = entry
        return {
            "sources": list(self.sources),
            "scan": _plain(dataclasses.asdict(self.scan)),
            "profile": _plain(dataclasses.asdict(self.profile)),
            "profiles": sorted(self.profiles),
            "rules": rules,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _matches(code: str, selectors: Iterable[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _default_text() -> str:
    return resources.files("scanner").joinpath("default_rules.toml").read_text(encoding="utf-8")


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


_TOP_KEYS = ("scan", "profiles", "rules")
_COUNTRIES = ("se", "dk", "no", "fi")
_PROFILE_KEYS = (*(f.name for f in dataclasses.fields(Profile) if f.name != "name"), "extends")
_SCAN_KEYS = tuple(f.name for f in dataclasses.fields(ScanSettings))


def _check_keys(table: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, known)}")


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """Check ``value`` against a type hint of an options field; convert lists to tuples."""
    origin = typing.get_origin(hint)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        item = args[0] if args else Any
        return tuple(_coerce(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        errors = []
        for arg in typing.get_args(hint):
            if arg is type(None) and value is None:
                return None
            try:
                return _coerce(value, arg, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[-1] if errors else f"{where}: invalid value {value!r}")
    if hint is Any:
        return value
    raise ConfigError(f"{where}: unsupported option type {hint!r}")


def _build_profile(name: str, raw: Mapping[str, Any], all_raw: Mapping[str, Any], where: str,
                   seen: tuple[str, ...] = ()) -> Profile:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: profile {name!r} must be a table")
    _check_keys(raw, _PROFILE_KEYS, f"{where} [profiles.{name}]")
    merged: dict[str, Any] = {}
    parent = raw.get("extends")
    if parent is not None:
        if parent in seen:
            raise ConfigError(f"{where}: profile {name!r} extends itself through {parent!r}")
        if parent not in all_raw:
            raise ConfigError(f"{where}: profile {name!r} extends unknown profile {parent!r}"
                              f"{_suggest(str(parent), all_raw)}")
        base = _build_profile(parent, all_raw[parent], all_raw, where, (*seen, name))
        merged = {f.name: getattr(base, f.name) for f in dataclasses.fields(Profile)}
    merged.update({k: v for k, v in raw.items() if k != "extends"})
    merged["name"] = name
    missing = [f.name for f in dataclasses.fields(Profile) if f.name not in merged
               and f.default is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where}: profile {name!r} lacks {', '.join(missing)}")
    hints = typing.get_type_hints(Profile)
    values = {k: _coerce(merged[k], hints[k], f"{where} [profiles.{name}].{k}") for k in hints if k in merged}
    profile = Profile(**values)
    if profile.threshold < 1:
        raise ConfigError(f"{where} [profiles.{name}].threshold: must be at least 1")
    if not 0 < profile.nk_k <= 1:
        raise ConfigError(f"{where} [profiles.{name}].nk_k: a share between 0 and 1 (0.85 = 85 %)")
    if profile.nk_n < 1:
        raise ConfigError(f"{where} [profiles.{name}].nk_n: must be at least 1")
    if not 0 < profile.p_percent < 1:
        raise ConfigError(f"{where} [profiles.{name}].p_percent: a share between 0 and 1 (0.10 = 10 %)")
    unknown = [c for c in profile.countries if c not in _COUNTRIES]
    if unknown:
        raise ConfigError(f"{where} [profiles.{name}].countries: unknown {unknown[0]!r}"
                          f"{_suggest(unknown[0], _COUNTRIES)} (one of {', '.join(_COUNTRIES)})")
    return profile


def _build_rule(spec: RuleSpec, raw: Mapping[str, Any], where: str) -> RuleSettings:
    opt_fields = {f.name: f for f in dataclasses.fields(spec.options)}
    _check_keys(raw, ("severity", "enabled", *opt_fields), f"{where} [rules.{spec.code}]")
    severity = spec.severity
    if "severity" in raw:
        try:
            severity = Severity.parse(str(raw["severity"]))
        except ValueError as exc:
            raise ConfigError(f"{where} [rules.{spec.code}].severity: {exc}") from None
    enabled = _coerce(raw.get("enabled", True), bool, f"{where} [rules.{spec.code}].enabled")
    if spec.code in FAIL_CLOSED and (not enabled or severity < Severity.REVIEW):
        raise ConfigError(f"{where} [rules.{spec.code}]: {spec.code} cannot be disabled or set below review: "
                          "a file that could not be fully inspected must never pass")
    hints = typing.get_type_hints(spec.options)
    values = {k: _coerce(v, hints[k], f"{where} [rules.{spec.code}].{k}")
              for k, v in raw.items() if k in opt_fields}
    try:
        options = spec.options(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where} [rules.{spec.code}]: {exc}") from None
    return RuleSettings(spec.code, severity, enabled, options)


def _check_selectors(selectors: Sequence[str], codes: Sequence[str], what: str) -> tuple[str, ...]:
    out = []
    families = sorted({c[:3] for c in codes})
    for sel in selectors:
        s = sel.strip().upper()
        if not s:
            continue
        if s != "ALL" and not any(c.startswith(s) for c in codes):
            raise ConfigError(f"{what}: unknown rule code or prefix {sel!r}"
                              f"{_suggest(s, [*codes, *families])}")
        out.append(s)
    return tuple(out)


def load_config(
    rules_file: Path | str | None = None,
    *,
    profile: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_ignore: Sequence[str] = (),
) -> Config:
    """Load the default ``rules.toml``, overlay ``rules_file`` and the given overrides, and validate."""
    raw = _parse(_default_text(), "rules.toml (default)")
    sources = ["default"]
    where = "rules.toml"
    if rules_file is not None:
        path = Path(rules_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read rules file: {exc.strerror or exc}") from None
        site = _parse(text, str(path))
        _check_keys(site, _TOP_KEYS, str(path))
        raw = _merge(raw, site)
        sources.append(str(path))
        where = str(path)
    _check_keys(raw, _TOP_KEYS, where)

    from scanner.rules.registry import all_rules  # here, not at the top: importing the rules is not free

    specs = {s.code: s for s in all_rules()}
    scan_raw = dict(raw.get("scan", {}))
    _check_keys(scan_raw, _SCAN_KEYS, f"{where} [scan]")
    if profile is not None:
        scan_raw["profile"] = profile
    if select is not None:
        scan_raw["select"] = list(select)
    if ignore is not None:
        scan_raw["ignore"] = list(ignore)
    scan_raw["ignore"] = [*scan_raw.get("ignore", []), *extend_ignore]
    hints = typing.get_type_hints(ScanSettings)
    missing = [k for k in hints if k not in scan_raw]
    if missing:
        raise ConfigError(f"{where} [scan]: missing {', '.join(missing)}")
    scan_vals = {k: _coerce(scan_raw[k], hints[k], f"{where} [scan].{k}") for k in hints}
    scan_vals["select"] = _check_selectors(scan_vals["select"], list(specs), "--select / [scan].select")
    scan_vals["ignore"] = _check_selectors(scan_vals["ignore"], list(specs), "--ignore / [scan].ignore")
    named = sorted(set(scan_vals["ignore"]) & FAIL_CLOSED)
    if named:
        raise ConfigError(f"--ignore / [scan].ignore: {named[0]} cannot be ignored: a file that could not be "
                          "fully inspected must never pass")
    scan = ScanSettings(**scan_vals)

    profiles_raw = raw.get("profiles", {})
    profiles = {name: _build_profile(name, p, profiles_raw, where) for name, p in profiles_raw.items()}
    if scan.profile not in profiles:
        raise ConfigError(f"unknown profile {scan.profile!r}{_suggest(scan.profile, profiles)}; "
                          f"known: {', '.join(sorted(profiles))}")

    rules_raw = raw.get("rules", {})
    for code in rules_raw:
        if code not in specs:
            raise ConfigError(f"{where}: unknown rule code [rules.{code}]{_suggest(code, specs)}")
    rules = {code: _build_rule(spec, rules_raw.get(code, {}), where) for code, spec in specs.items()}
    return Config(scan, profiles[scan.profile], profiles, rules, tuple(sources))
