"""The HTML report: one self-contained page for an output checker.

Everything is in the one file: CSS and the filter script inline, image thumbnails as ``data:`` URIs, no
font, script, style sheet or image from anywhere else (the secure environments are offline). A
Content-Security-Policy in the page allows exactly its own style and script (by SHA-256 hash) and
``data:`` images, and no network at all, so even a piece of content that escaped escaping could not run.

The page: a header (profile, tool version, counts per verdict, findings per rule), filter controls (by
verdict, by rule, by free text; initial values can be given in the address: ``report.html#verdict=fail&
rule=TAB001&q=region``), the files in path order, each with its verdict colour and its findings (rule,
severity, location, masked message and evidence), then each rule's documentation, read from the rule
registry's docstrings (each finding links to its rule). Without JavaScript everything is shown and the
filters are absent. The JSON report (:func:`scanner.reporters.json.to_dict`) is embedded as a data block
(``<script type="application/json" id="sdcscan-report">``) for anyone who wants the data from the page.

Escaping: every piece of text goes through :func:`html.escape` (quotes too, so attribute values are
safe); the embedded JSON has ``<``, ``>`` and ``&`` written as ``\\u003c``-style escapes, so neither
``</script>`` nor ``<!--`` can occur inside it.

Thumbnails: an image (PNG, JPEG, GIF, BMP, WebP, TIFF) whose verdict is not pass gets a small thumbnail
(at most :data:`THUMBNAIL_SIZE` pixels on its longest side, :data:`MAX_THUMBNAIL_BYTES` encoded), when
the scanned paths are given (``roots``), Pillow is installed, and the file still has the content hash
the scan recorded. Otherwise the page says why there is none (SVG and PDF figures are never rendered).
A thumbnail is a downscaled copy of a figure that the checker must look at anyway; it is small enough
that text in the figure is not legible.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import json
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scanner.findings import VERDICT_ORDER, FileResult, Finding, ScanResult, Verdict
from scanner.reporters import RuleDoc, location_text, ordered_files, parent_paths, rule_docs, safe_text

__all__ = [
    "MAX_THUMBNAIL_BYTES",
    "MAX_THUMBNAIL_PIXELS",
    "MAX_THUMBNAIL_SOURCE_BYTES",
    "THUMBNAIL_KINDS",
    "THUMBNAIL_SIZE",
    "Thumbnail",
    "render",
    "script_json",
    "thumbnail",
]

THUMBNAIL_KINDS = frozenset({"png", "jpeg", "gif", "bmp", "webp", "tiff"})
"""Raster image kinds that get a thumbnail (vector figures and PDFs are not rendered)."""

THUMBNAIL_SIZE = 160
"""Longest side of a thumbnail in pixels: enough to recognise a figure, too small to read its text."""

MAX_THUMBNAIL_BYTES = 48 * 1024
"""Largest encoded thumbnail embedded (before base64); a larger one is left out."""

MAX_THUMBNAIL_SOURCE_BYTES = 64 * 1024 * 1024
"""Images larger than this on disk get no thumbnail (the report does not read big files again)."""

MAX_THUMBNAIL_PIXELS = 50_000_000
"""Images with more pixels get no thumbnail (a decompression bomb is not decoded; Pillow's own limit,
about 89 million pixels, is a bomb too)."""

_STYLE = """
:root{--fail:#b42318;--fail-bg:#fef3f2;--review:#b54708;--review-bg:#fffaeb;--pass:#067647;--pass-bg:#ecfdf3;
--info:#175cd3;--line:#d0d5dd;--muted:#475467;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#101828;line-height:1.4}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.1rem;margin:0}
.meta{color:var(--muted);margin:.2rem 0 1rem}
table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem}
.counts td,.counts th{border-bottom:1px solid var(--line)}.num{text-align:right}
.summary{display:flex;gap:2rem;flex-wrap:wrap;align-items:flex-start;margin-bottom:1rem}
.badge{display:inline-block;min-width:4.2em;text-align:center;font-weight:700;font-size:.8rem;border-radius:4px;
padding:.05rem .4rem;color:#fff}
.badge.fail{background:var(--fail)}.badge.review{background:var(--review)}.badge.pass{background:var(--pass)}
#filters{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:.5rem 0;
display:flex;gap:1rem;flex-wrap:wrap;align-items:center;z-index:1}
#filters input[type=search]{min-width:16rem}
#shown{color:var(--muted)}
.file{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;margin:.75rem 0;
padding:.5rem .75rem}
.file.fail{border-left-color:var(--fail);background:var(--fail-bg)}
.file.review{border-left-color:var(--review);background:var(--review-bg)}
.file.pass{border-left-color:var(--pass);background:var(--pass-bg)}
.file header{display:flex;gap:.75rem;align-items:baseline;flex-wrap:wrap}
.path{font-family:ui-monospace,monospace;font-weight:600;word-break:break-all}
.kind,.size,.note{color:var(--muted);font-size:.9rem}
.findings{width:100%;margin-top:.4rem;background:#fff}
.findings th{font-size:.8rem;color:var(--muted);border-bottom:1px solid var(--line)}
.findings td{border-bottom:1px solid #eaecf0;font-size:.9rem}
.sev{font-weight:600}.sev.block{color:var(--fail)}.sev.review{color:var(--review)}.sev.info{color:var(--info)}
.evidence{color:var(--muted);font-family:ui-monospace,monospace;font-size:.85rem}
figure{margin:.4rem 0}figure img{border:1px solid var(--line);background:#fff;image-rendering:auto}
figcaption{color:var(--muted);font-size:.8rem}
.rules details{border-top:1px solid var(--line);padding:.4rem 0}.rules summary{cursor:pointer}
.rules p{margin:.3rem 0 .3rem 1rem;max-width:60rem}
code{font-family:ui-monospace,monospace;font-size:.9em;background:#f2f4f7;padding:0 .2em;border-radius:3px}
[hidden]{display:none!important}
"""

_SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var files = Array.prototype.slice.call(document.querySelectorAll("section.file"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=verdict]"));
  var rule = document.getElementById("rule-filter");
  var text = document.getElementById("text-filter");
  var shown = document.getElementById("shown");
  function lower(s) { return (s || "").toLowerCase(); }
  function apply(save) {
    var verdicts = {};
    boxes.forEach(function (b) { verdicts[b.value] = b.checked; });
    var code = rule.value, q = lower(text.value.trim()), nFiles = 0, nRows = 0;
    files.forEach(function (sec) {
      var rows = Array.prototype.slice.call(sec.querySelectorAll("tr.finding"));
      var pathHit = q !== "" && lower(sec.getAttribute("data-path")).indexOf(q) >= 0;
      var any = false;
      rows.forEach(function (tr) {
        var hit = (code === "" || tr.getAttribute("data-rule") === code) &&
          (q === "" || pathHit || lower(tr.textContent).indexOf(q) >= 0);
        tr.hidden = !hit;
        if (hit) { any = true; }
      });
      var show = verdicts[sec.getAttribute("data-verdict")] === true &&
        (rows.length ? any : (code === "" && (q === "" || pathHit)));
      sec.hidden = !show;
      if (show) {
        nFiles += 1;
        rows.forEach(function (tr) { if (!tr.hidden) { nRows += 1; } });
      }
    });
    shown.textContent = nFiles + " of " + files.length + " files, " + nRows + " findings shown";
    if (save) {
      var p = new URLSearchParams();
      var on = boxes.filter(function (b) { return b.checked; });
      p.set("verdict", on.map(function (b) { return b.value; }).join(","));
      if (code !== "") { p.set("rule", code); }
      if (q !== "") { p.set("q", text.value.trim()); }
      try { history.replaceState(null, "", "#" + p.toString()); } catch (e) { /* file: URLs may refuse */ }
    }
  }
  var initial = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (initial.has("verdict")) {
    var wanted = initial.get("verdict").split(",");
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  }
  if (initial.has("rule")) {
    var r = initial.get("rule");
    if (Array.prototype.some.call(rule.options, function (o) { return o.value === r; })) { rule.value = r; }
  }
  if (initial.has("q")) { text.value = initial.get("q"); }
  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(true); }); });
  rule.addEventListener("change", function () { apply(true); });
  text.addEventListener("input", function () { apply(true); });
  form.hidden = false;
  apply(false);
  document.documentElement.setAttribute("data-filters", "ready");
})();
"""


def _h(value: object) -> str:
    """Escaped for HTML text and attribute values (quotes too)."""
    return html.escape(str(value), quote=True)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\\u`` escapes.

    JSON's own syntax has none of the three, so they can only occur inside strings, where the escape means
    the same character: the data is unchanged and ``</script>`` or ``<!--`` cannot occur in the text.
    U+2028 and U+2029 are escaped too (a JavaScript parser reading the block as code would choke on them).
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    value = float(n)
    units = ("KiB", "MiB", "GiB", "TiB")
    for i, unit in enumerate(units):
        value /= 1024
        if value < 1024 or i == len(units) - 1:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def _seconds(value: float) -> float:
    return value if math.isfinite(value) and value >= 0 else 0.0


# --- thumbnails ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Thumbnail:
    """A thumbnail as a ``data:`` URI, or None with the reason there is none."""

    data_uri: str | None
    note: str


def _locate(path: str, roots: Sequence[Path]) -> Path | None:
    """The file on disk a report path names: paths are relative to the parent of the root they came from."""
    parts = path.split("/")
    if not parts or any(p in ("", ".", "..") for p in parts):
        return None
    for root in roots:
        absolute = Path(os.path.abspath(root))  # as discovery names roots: symlink names kept
        if absolute.name != parts[0]:
            continue
        candidate = absolute.joinpath(*parts[1:])
        if candidate.is_file():
            return candidate
    return None


def _read_matching(file: FileResult, location: Path) -> bytes | None:
    """The file's bytes when they still hash to what the scan recorded (else None: it changed)."""
    from scanner.sources import format_digest, new_hasher

    with open(location, "rb") as handle:
        data = handle.read(MAX_THUMBNAIL_SOURCE_BYTES + 1)
    if len(data) > MAX_THUMBNAIL_SOURCE_BYTES:
        return None
    return data if format_digest(new_hasher(data)) == file.hash else None


def _encode(data: bytes) -> bytes | None:
    """A PNG (or JPEG, if smaller than the cap where the PNG is not) of at most THUMBNAIL_SIZE pixels."""
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit raises) on decompression bombs: both mean "too large".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_THUMBNAIL_PIXELS:
                    return None
                image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG: decode at a reduced scale
                frame = image.convert("RGBA")  # the first frame of a GIF or TIFF; palettes and modes unified
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            return None
    frame.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    png = io.BytesIO()
    frame.save(png, format="PNG", optimize=True)
    if png.tell() <= MAX_THUMBNAIL_BYTES:
        return png.getvalue()
    flat = Image.new("RGB", frame.size, (255, 255, 255))
    flat.paste(frame, mask=frame.getchannel("A"))
    jpeg = io.BytesIO()
    flat.save(jpeg, format="JPEG", quality=70)
    return jpeg.getvalue() if jpeg.tell() <= MAX_THUMBNAIL_BYTES else None


def thumbnail(file: FileResult, roots: Sequence[Path], *, in_archive: bool = False) -> Thumbnail | None:
    """The thumbnail of ``file`` for the report, a note saying why there is none, or None when the file
    is not a figure a person must look at (not an image, or its verdict is pass)."""
    if file.verdict is Verdict.PASS:
        return None
    if file.kind not in THUMBNAIL_KINDS:
        if file.kind in ("svg", "pdf", "postscript"):
            return Thumbnail(None, f"No thumbnail: {file.kind} figures are not rendered in the report.")
        return None
    if in_archive:
        return Thumbnail(None, "No thumbnail: the image is inside an archive.")
    if not roots:
        return Thumbnail(None, "No thumbnail: the report was made without the scanned paths.")
    if file.hash is None:
        return Thumbnail(None, "No thumbnail: the file's content was not read.")
    try:
        import PIL  # noqa: F401
    except ImportError:
        return Thumbnail(None, "No thumbnail: Pillow is not installed.")
    location = _locate(file.path, roots)
    if location is None:
        return Thumbnail(None, "No thumbnail: the file was not found under the scanned paths.")
    try:
        data = _read_matching(file, location)
    except OSError:
        return Thumbnail(None, "No thumbnail: the file could not be read again.")
    if data is None:
        return Thumbnail(None, "No thumbnail: the file is too large or has changed since it was scanned.")
    try:
        encoded = _encode(data)
    except Exception:  # any decoder failure, a bomb or a bad file: the page says so, the report is made
        return Thumbnail(None, "No thumbnail: the image could not be decoded.")
    if encoded is None:
        return Thumbnail(None, "No thumbnail: the image is too large to shrink into the report.")
    mime = "image/png" if encoded.startswith(b"\x89PNG") else "image/jpeg"
    return Thumbnail(f"data:{mime};base64,{base64.b64encode(encoded).decode('ascii')}", "Thumbnail")


# --- the page ------------------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Escaped docstring text with `backticked` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _h(text))


def _rule_section(doc: RuleDoc) -> str:
    paragraphs = []
    for head, text in doc.sections()[1:]:
        label = f"<strong>{_h(head)}:</strong> " if head else ""
        paragraphs.append(f"<p>{label}{_inline(text)}</p>")
    return (
        f'<details id="rule-{_h(doc.code)}"><summary><strong>{_h(doc.code)}</strong> {_h(doc.name)} '
        f'<span class="sev {_h(doc.severity.label)}">{_h(doc.severity.label)}</span> — {_inline(doc.summary)}'
        f"</summary>{''.join(paragraphs)}</details>"
    )


def _finding_row(finding: Finding, file_path: str, docs: dict[str, RuleDoc]) -> str:
    sev = finding.severity.label
    doc = docs.get(finding.rule)
    title = f' title="{_h(doc.summary)}"' if doc is not None else ""
    code = (
        f'<a href="#rule-{_h(finding.rule)}"{title}>{_h(finding.rule)}</a>' if doc is not None else _h(finding.rule)
    )
    evidence = finding.evidence.text
    return (
        f'<tr class="finding {_h(sev)}" data-rule="{_h(finding.rule)}" data-severity="{_h(sev)}">'
        f"<td>{code}<br>{_h(finding.name)}</td>"
        f'<td class="sev {_h(sev)}">{_h(sev)}</td>'
        f"<td>{_h(location_text(finding.location, file_path))}</td>"
        f"<td>{_h(safe_text(finding.message))}"
        + (f'<div class="evidence">{_h(evidence)}</div>' if evidence else "")
        + f'</td><td class="fp"><code>{_h(finding.fingerprint[:12])}</code></td></tr>'
    )


def _file_section(
    index: int, file: FileResult, findings: list[Finding], docs: dict[str, RuleDoc], thumb: Thumbnail | None
) -> str:
    verdict = file.verdict.value
    parts = [
        f'<section class="file {_h(verdict)}" id="file-{index}" data-verdict="{_h(verdict)}" '
        f'data-path="{_h(file.path)}">',
        f'<header><span class="badge {_h(verdict)}">{_h(verdict.upper())}</span>'
        f'<h2 class="path">{_h(file.path)}</h2><span class="kind">{_h(file.kind)}</span>'
        f'<span class="size">{_h(_size(file.bytes))}</span></header>',
    ]
    if thumb is not None:
        if thumb.data_uri is not None:
            parts.append(
                f'<figure><img class="thumbnail" src="{_h(thumb.data_uri)}" alt="{_h("Thumbnail of " + file.path)}">'
                "<figcaption>Thumbnail: look at the file itself before deciding.</figcaption></figure>"
            )
        else:
            parts.append(f'<p class="note thumbnail-note">{_h(thumb.note)}</p>')
    if findings:
        parts.append(
            '<table class="findings"><thead><tr><th>rule</th><th>severity</th><th>where</th>'
            "<th>message and evidence</th><th>fingerprint</th></tr></thead><tbody>"
        )
        parts.extend(_finding_row(f, file.path, docs) for f in findings)
        parts.append("</tbody></table>")
    elif file.verdict is not Verdict.PASS:
        parts.append('<p class="note">Verdict from its archive members (listed as its path followed by !member).</p>')
    parts.append("</section>")
    return "".join(parts)


def _summary(result: ScanResult, files: list[tuple[FileResult, list[Finding]]], docs: dict[str, RuleDoc]) -> str:
    counts = result.counts
    rows = []
    for verdict in reversed(VERDICT_ORDER):
        size = sum(f.bytes for f in result.files if f.verdict is verdict)
        rows.append(
            f'<tr><td><span class="badge {_h(verdict.value)}">{_h(verdict.value.upper())}</span></td>'
            f'<td class="num" id="count-{_h(verdict.value)}">{counts[verdict]}</td>'
            f'<td class="num">{_h(_size(size))}</td></tr>'
        )
    rows.append(
        f'<tr><th>total</th><th class="num">{len(result.files)}</th><th class="num">{_h(_size(result.total_bytes))}'
        "</th></tr>"
    )
    verdict_table = (
        '<table class="counts" id="verdict-counts"><thead><tr><th>verdict</th><th class="num">files</th>'
        f'<th class="num">bytes</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    per_rule: Counter[str] = Counter()
    per_rule_files: Counter[str] = Counter()
    names: dict[str, str] = {}
    for _, findings in files:
        for f in findings:
            per_rule[f.rule] += 1
            names.setdefault(f.rule, f.name)
        for code in {f.rule for f in findings}:
            per_rule_files[code] += 1
    rule_rows = []
    for code in sorted(per_rule):
        name = names[code]
        link = f'<a href="#rule-{_h(code)}">{_h(code)}</a>' if code in docs else _h(code)
        rule_rows.append(
            f"<tr><td>{link}</td><td>{_h(name)}</td><td class=\"num\">{per_rule[code]}</td>"
            f'<td class="num">{per_rule_files[code]}</td></tr>'
        )
    rule_table = (
        '<table class="counts" id="rule-counts"><thead><tr><th>rule</th><th>name</th><th class="num">findings</th>'
        f'<th class="num">files</th></tr></thead><tbody>{"".join(rule_rows)}</tbody></table>'
        if rule_rows
        else "<p>No findings.</p>"
    )
    return f'<div class="summary">{verdict_table}{rule_table}</div>'


def _filters(files: list[tuple[FileResult, list[Finding]]], counts: dict[Verdict, int]) -> str:
    codes = sorted({f.rule for _, findings in files for f in findings})
    # Pass files are hidden at first when there is anything else to look at; the boxes change that.
    hide_pass = any(counts[v] for v in (Verdict.REVIEW, Verdict.FAIL))
    boxes = "".join(
        f'<label><input type="checkbox" name="verdict" value="{_h(v.value)}"'
        f'{"" if (v is Verdict.PASS and hide_pass) else " checked"}> {_h(v.value)} ({counts[v]})</label>'
        for v in reversed(VERDICT_ORDER)
    )
    options = '<option value="">all rules</option>' + "".join(
        f'<option value="{_h(c)}">{_h(c)}</option>' for c in codes
    )
    return (
        f'<form id="filters" hidden><fieldset><legend>verdict</legend>{boxes}</fieldset>'
        f'<label>rule <select id="rule-filter">{options}</select></label>'
        '<label>text <input type="search" id="text-filter" placeholder="path, column, message..."></label>'
        '<span id="shown" aria-live="polite"></span></form>'
    )


def render(
    result: ScanResult,
    out: TextIO,
    *,
    color: bool | None = None,
    verbose: bool = False,
    roots: Sequence[Path] = (),
) -> None:
    """Write the HTML page to ``out``. ``color`` and ``verbose`` are ignored (the page holds everything);
    ``roots``, the scanned paths, allow thumbnails of images (see the module docstring)."""
    del color, verbose
    from scanner.reporters.json import to_dict

    files = ordered_files(result)
    docs = rule_docs()
    parents = parent_paths(result)
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(_STYLE)}; script-src {_csp_hash(_SCRIPT)}; "
        "base-uri 'none'; form-action 'none'"
    )
    counts = result.counts
    title = f"sdcscan report: {len(result.files)} files, {counts[Verdict.FAIL]} fail, {counts[Verdict.REVIEW]} review"
    sections = [
        _file_section(i, file, findings, docs, thumbnail(file, roots, in_archive=parents.get(file.path) is not None))
        for i, (file, findings) in enumerate(files)
    ]
    used = sorted({f.rule for _, findings in files for f in findings if f.rule in docs})
    errors = sorted(safe_text(e) for e in result.errors)
    error_block = (
        '<section class="errors" id="errors"><h2>Scan errors</h2><ul>'
        + "".join(f"<li>{_h(e)}</li>" for e in errors)
        + "</ul></section>"
        if errors
        else ""
    )
    page = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_h(csp)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="sdcscan {_h(result.tool_version)}">',
        f"<title>{_h(title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>sdcscan report</h1>",
        f'<p class="meta">profile {_h(result.profile)} · sdcscan {_h(result.tool_version)} · '
        f"{len(result.files)} files, {_h(_size(result.total_bytes))} scanned in {_seconds(result.seconds):.2f} s"
        f"{' · ' + str(len(errors)) + ' scan errors' if errors else ''}</p>",
        _summary(result, files, docs),
        "</header>",
        _filters(files, counts),
        error_block,
        '<main id="files">',
        *sections,
        "</main>" if files else "<p>No files scanned.</p></main>",
        '<section class="rules" id="rules"><h2>Rules</h2>',
        "".join(_rule_section(docs[code]) for code in used) if used else "<p>No rule made a finding.</p>",
        "</section>",
        f'<script type="application/json" id="sdcscan-report">{script_json(to_dict(result))}</script>',
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    out.write("\n".join(page))
    out.write("\n")
