"""The HTML report: self-contained, escaped, filterable, with rule explanations and thumbnails, rendered in
headless Chromium (Debian's `chromium`; the browser tests skip when it is absent, CI installs it).

Also here: no identifier reaches any report format (console, JSON, SARIF, HTML, ACRO) from a real scan of
files holding person numbers and a LopNr listing.
"""

from __future__ import annotations

import base64
import dataclasses
import html.parser
import io
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Location, ScanResult, Severity, Verdict
from scanner.reporters import Format, doc_text, render
from scanner.reporters import html as html_reporter
from scanner.reporters import json as json_reporter
from scanner.rules.registry import get_rule
from tests.conftest import EXAMPLE, REPO
from tests.test_canary import CANARIES, plant
from tests.test_reporters import archive_result, check_golden, finding, sample_result

HOSTILE_DIR = "<script>alert(1)<"  # with the file "script>.csv" below it, the path holds "</script>"
PWN = "document.documentElement.setAttribute('data-pwned','1')"
PAYLOADS = [
    "<script>alert(1)</script>",
    f"<script>{PWN}</script>",
    f'"><img src=x onerror="{PWN}">',
    f"'><svg onload={PWN}>",
    "</script><!--<script>",
    "&amp; & &lt; Ærø ø 北京 \u2028 \u2029",
]


def to_html(result: ScanResult, roots: list[Path] | None = None) -> str:
    out = io.StringIO()
    render(result, Format.HTML, out, roots=roots or [])
    return out.getvalue()


class Page(html.parser.HTMLParser):
    """The elements of a page: tag, attributes, and the text of script elements."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def hostile_result() -> ScanResult:
    """Files and findings whose path, column, sheet, labels, message and evidence carry markup."""
    files = []
    for i, payload in enumerate(PAYLOADS):
        path = f"export/{i}{payload}.csv"
        files.append(FileResult(path, "csv", 100 + i, (
            finding("TAB001", "small-cell", Severity.BLOCK,
                    Location(path, row=i + 1, column=payload, sheet=payload, cell=((payload, payload),)),
                    f"Cell {payload} has fewer than 3 observations", f"count 1-2 {payload}"),
            finding("LOG001", "observation-listing", Severity.REVIEW, Location(path, line=i + 1),
                    payload, payload),
        )))
    files.append(FileResult(f"export/{HOSTILE_DIR}/script>.csv", "csv", 7, ()))
    return ScanResult("0.1.0", "dst", tuple(files), 0.1, errors=(PAYLOADS[0],))


# --- escaping and structure ----------------------------------------------------------------------------


def test_hostile_names_and_labels_are_escaped() -> None:
    result = hostile_result()
    text = to_html(result)
    page = Page(text)
    # Exactly our two script elements: the JSON data block and the filter script.
    assert [attrs.get("type") for attrs in page.tags("script")] == ["application/json", None]
    assert page.tags("img") == [] and page.tags("svg") == [] and page.tags("iframe") == []
    assert not [(tag, k) for tag, attrs in page.elements for k in attrs if k.startswith("on")]
    for payload in PAYLOADS[:5]:
        assert payload not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Every finding is a row, every file a section, with the raw path as its (escaped) attribute value.
    rows = [a for a in page.tags("tr") if "finding" in (a.get("class") or "")]
    assert len(rows) == sum(len(f.findings) for f in result.files)
    paths = [a["data-path"] for a in page.tags("section") if "file" in (a.get("class") or "")]
    assert paths == sorted(f.path for f in result.files)


def test_embedded_json_is_the_json_report_and_cannot_close_the_script() -> None:
    result = hostile_result()
    page = Page(to_html(result))
    data = page.scripts[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\u2028" not in data and "\u2029" not in data
    assert json.loads(data) == json.loads(json.dumps(json_reporter.to_dict(result)))


def test_script_json_escapes() -> None:
    text = html_reporter.script_json({"a": "</script><!-- & \u2028"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_self_contained_with_a_strict_content_security_policy() -> None:
    text = to_html(sample_result())
    page = Page(text)
    csp = next(a["content"] for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "img-src data:" in csp
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None
    import base64 as b64
    import hashlib

    def digest(source: str) -> str:
        return "'sha256-" + b64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"

    assert f"style-src {digest(style.group(1))}" in csp
    assert f"script-src {digest(page.scripts[1])}" in csp
    # No resource from anywhere else: no src/href that is not a fragment or a data: URI.
    for _, attrs in page.elements:
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(key)
            assert value is None or value.startswith(("#", "data:image/")), (key, value)
    assert "http://" not in text.replace("http-equiv", "") and "https://" not in text
    assert "@import" not in text and "url(" not in text


def test_rule_explanations_come_from_the_docstrings() -> None:
    result = sample_result()
    page = Page(to_html(result))
    details = {a["id"] for a in page.tags("details")}
    used = {f.rule for file in result.files for f in file.findings}
    assert details == {f"rule-{code}" for code in used}
    text = to_html(result)
    for code in used:
        spec = get_rule(code)
        assert f'<a href="#rule-{code}" title="{html_reporter._h(doc_text(spec.summary))}">{code}</a>' in text
        why = next(p for p in doc_text(spec.doc).split("\n\n") if p.startswith("Why it is disclosive: "))
        sentence = " ".join(line.strip() for line in why.splitlines())[len("Why it is disclosive: "):]
        assert html_reporter._inline(sentence) in text, code


def test_counts_summary_and_verdict_colours() -> None:
    result = sample_result()
    text = to_html(result)
    counts = result.counts
    for verdict in Verdict:
        assert f'<td class="num" id="count-{verdict.value}">{counts[verdict]}</td>' in text
    page = Page(text)
    sections = [a for a in page.tags("section") if "file" in (a.get("class") or "")]
    for attrs, file in zip(sections, sorted(result.files, key=lambda f: f.path), strict=True):
        assert attrs["class"] == f"file {file.verdict.value}" and attrs["data-verdict"] == file.verdict.value


def test_archive_members_and_empty_result() -> None:
    text = to_html(archive_result())
    assert "Verdict from its archive members" in text
    empty = to_html(ScanResult("0.1.0", "dst", (), 0.0))
    assert "No files scanned." in empty and "No rule made a finding." in empty


def test_golden() -> None:
    # The page for the sample result, with the rules' documentation cut out: it is the registry's text
    # (checked above), and a docstring edit must not need a new golden file.
    text = to_html(sample_result())
    text = re.sub(r'<section class="rules" id="rules">.*?</section>', '<section class="rules" id="rules"></section>',
                  text, flags=re.S)
    text = re.sub(r'(<a href="#rule-[A-Z]{3}\d{3}") title="[^"]*"', r"\1", text)
    text = re.sub(r"(Content-Security-Policy\" content=\")[^\"]*", r"\1", text)  # hashes follow the inline code
    check_golden("sample.html", text)


@pytest.mark.parametrize("fmt", [Format.HTML, Format.ACRO])
def test_deterministic_whatever_the_order_of_files_and_findings(fmt: Format, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # ACRO's timestamps
    result = ScanResult("0.1.0", "dst", (*sample_result().files, *archive_result().files), 0.3)
    rng = random.Random(11)
    files = [dataclasses.replace(f, findings=tuple(rng.sample(f.findings, len(f.findings)))) for f in result.files]
    rng.shuffle(files)
    first, second = io.StringIO(), io.StringIO()
    render(result, fmt, first)
    render(dataclasses.replace(result, files=tuple(files)), fmt, second)
    assert first.getvalue() == second.getvalue()


# --- thumbnails ----------------------------------------------------------------------------------------


@pytest.fixture
def figures(tmp_path: Path) -> Path:
    pil = pytest.importorskip("PIL.Image", reason="Pillow is in the test extra")
    root = tmp_path / "export"
    root.mkdir()
    image = pil.linear_gradient("L").resize((1200, 800)).convert("RGB")
    image.save(root / "figure.png")
    image.save(root / "photo.jpg", quality=90)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (root / "plot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>1</text></svg>', encoding="utf-8")
    return root


def thumbs(text: str) -> dict[str, str]:
    """Each file section's thumbnail data URI or note, by path."""
    out: dict[str, str] = {}
    for match in re.finditer(r'<section class="file [a-z]+" id="file-\d+" data-verdict="[a-z]+" data-path="([^"]*)">'
                             r'(.*?)</section>', text, re.S):
        body = match.group(2)
        img = re.search(r'<img class="thumbnail" src="([^"]+)"', body)
        note = re.search(r'<p class="note thumbnail-note">([^<]*)</p>', body)
        if img:
            out[match.group(1)] = img.group(1)
        elif note:
            out[match.group(1)] = note.group(1)
    return out


def test_thumbnails_of_images_a_person_must_look_at(figures: Path) -> None:
    from PIL import Image

    result = api.scan([figures], load_config(None))
    assert {f.path: f.verdict for f in result.files}["export/figure.png"] is Verdict.REVIEW
    found = thumbs(to_html(result, [figures]))
    for name in ("export/figure.png", "export/photo.jpg"):
        uri = found[name]
        assert uri.startswith("data:image/")
        data = base64.b64decode(uri.split(",", 1)[1])
        assert len(data) <= html_reporter.MAX_THUMBNAIL_BYTES
        with Image.open(io.BytesIO(data)) as thumb:
            assert max(thumb.size) == html_reporter.THUMBNAIL_SIZE and thumb.size[0] > thumb.size[1]
    assert found["export/broken.png"] == "No thumbnail: the image could not be decoded."
    # an SVG is read (its marks, text and metadata): it is not among the files a person must look at unless
    # a rule says so, and an SVG is never rendered into the report
    verdicts = {f.path: f.verdict for f in result.files}
    if verdicts["export/plot.svg"] is Verdict.PASS:
        assert "export/plot.svg" not in found
    else:
        assert found["export/plot.svg"] == "No thumbnail: svg figures are not rendered in the report."
    # Without the scanned paths (a caller that does not pass them) the page says so.
    assert thumbs(to_html(result))["export/figure.png"] == (
        "No thumbnail: the report was made without the scanned paths.")


def test_no_thumbnail_of_a_file_changed_since_the_scan(figures: Path) -> None:
    from PIL import Image

    result = api.scan([figures], load_config(None))
    Image.new("RGB", (50, 50), (255, 0, 0)).save(figures / "figure.png")
    found = thumbs(to_html(result, [figures]))
    assert found["export/figure.png"] == "No thumbnail: the file is too large or has changed since it was scanned."
    assert found["export/photo.jpg"].startswith("data:image/")


def test_no_thumbnail_without_pillow_or_beyond_the_limits(figures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = api.scan([figures], load_config(None))
    monkeypatch.setattr(html_reporter, "MAX_THUMBNAIL_PIXELS", 1000)
    assert thumbs(to_html(result, [figures]))["export/figure.png"] == (
        "No thumbnail: the image is too large to shrink into the report.")
    from PIL import Image

    monkeypatch.setattr(html_reporter, "MAX_THUMBNAIL_PIXELS", 10**9)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # 1200 x 800 is now a bomb to Pillow
    assert thumbs(to_html(result, [figures]))["export/figure.png"] == (
        "No thumbnail: the image is too large to shrink into the report.")
    monkeypatch.setattr(html_reporter, "MAX_THUMBNAIL_SOURCE_BYTES", 100)
    assert thumbs(to_html(result, [figures]))["export/figure.png"] == (
        "No thumbnail: the file is too large or has changed since it was scanned.")
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL now raises ImportError
    assert thumbs(to_html(result, [figures]))["export/figure.png"] == "No thumbnail: Pillow is not installed."


def test_pass_files_and_non_images_get_no_thumbnail_note() -> None:
    text = to_html(sample_result(), [REPO])
    assert "thumbnail" not in text.split("<main", 1)[1].split("</main>", 1)[0]


# --- no identifier in any format ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def identifiers_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, Path, list[str]]:
    root = tmp_path_factory.mktemp("ids") / "export"
    root.mkdir()
    plant(root)
    shutil.copy(EXAMPLE / "udtraek_personer.csv", root / "udtraek_personer.csv")
    lines = (EXAMPLE / "udtraek_personer.csv").read_text(encoding="utf-8").splitlines()[1:]
    lopnr = [line.split(";")[0] for line in lines]
    return api.scan([root], load_config(None)), root, lopnr


@pytest.mark.parametrize("fmt", list(Format))
def test_no_identifier_in_any_format(fmt: Format, identifiers_scan: tuple[ScanResult, Path, list[str]]) -> None:
    result, root, lopnr = identifiers_scan
    codes = {f.rule for f in result.findings()}
    assert {"MIC002", "PID001"} <= codes  # the identifiers were found...
    out = io.StringIO()
    render(result, fmt, out, roots=[root], color=False, verbose=True)
    data = out.getvalue().encode("utf-8")
    for value in [*CANARIES, *lopnr]:  # ...and no format repeats one
        assert value.encode() not in data, f"{value} leaked into the {fmt} report"
    # JSON-escaped forms would hide a leak from a byte search: decode the formats that are JSON.
    if fmt in (Format.JSON, Format.SARIF, Format.ACRO):
        flat = json.dumps(json.loads(data), ensure_ascii=True)
        assert not any(value in flat for value in [*CANARIES, *lopnr])


# --- headless Chromium -----------------------------------------------------------------------------------


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    return exe


def run_chromium(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def dom(exe: str, tmp_path: Path, page: Path, fragment: str = "") -> Page:
    proc = run_chromium(exe, tmp_path / "profile", "--dump-dom", page.as_uri() + fragment)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "</html>" in proc.stdout
    return Page(proc.stdout)


def visible_rows(page: Page) -> tuple[list[str], list[tuple[str, bool]]]:
    """(paths of shown file sections, (rule, shown) of every finding row) from a dumped DOM."""
    sections = [a for a in page.tags("section") if "file" in (a.get("class") or "")]
    rows = [a for a in page.tags("tr") if "finding" in (a.get("class") or "")]
    return ([str(a["data-path"]) for a in sections if "hidden" not in a],
            [(str(a["data-rule"]), "hidden" not in a) for a in rows])


@pytest.fixture
def hostile_page(tmp_path: Path) -> tuple[Path, ScanResult]:
    result = ScanResult("0.1.0", "dst", (*hostile_result().files, *sample_result().files), 0.3)
    page = tmp_path / "report.html"
    page.write_text(to_html(result), encoding="utf-8")
    return page, result


def test_chromium_renders_hostile_report_without_running_injected_code(
    tmp_path: Path, hostile_page: tuple[Path, ScanResult]
) -> None:
    exe = chromium()
    page, result = hostile_page
    loaded = dom(exe, tmp_path, page)
    root = loaded.tags("html")[0]
    assert root.get("data-filters") == "ready"  # our script ran (its CSP hash is right)...
    assert "data-pwned" not in root  # ...and nothing injected did
    assert [a.get("type") for a in loaded.tags("script")] == ["application/json", None]
    assert loaded.tags("img") == [] and loaded.tags("svg") == []
    shown, rows = visible_rows(loaded)
    assert len(rows) == sum(len(f.findings) for f in result.files)
    # Default filters: every file but the pass ones (there are fails and reviews to look at).
    assert shown == sorted(f.path for f in result.files if f.verdict is not Verdict.PASS)
    assert all(visible for _, visible in rows)


def test_chromium_filters_by_verdict_rule_and_text(tmp_path: Path, hostile_page: tuple[Path, ScanResult]) -> None:
    exe = chromium()
    page, result = hostile_page
    fails = sorted(f.path for f in result.files if f.verdict is Verdict.FAIL)
    shown, rows = visible_rows(dom(exe, tmp_path, page, "#verdict=fail"))
    assert shown == fails
    shown, rows = visible_rows(dom(exe, tmp_path, page, "#verdict=fail,review,pass&rule=LOG001"))
    assert shown == sorted(f.path for f in result.files if any(x.rule == "LOG001" for x in f.findings))
    assert {rule for rule, visible in rows if visible} == {"LOG001"}
    shown, rows = visible_rows(dom(exe, tmp_path, page, "#verdict=fail,review,pass&q=tabel1"))
    assert shown == ["export/tabel.xlsx"]  # the sheet name is in that file's rows only


def test_chromium_screenshot(tmp_path: Path, hostile_page: tuple[Path, ScanResult]) -> None:
    exe = chromium()
    page, _ = hostile_page
    shot = tmp_path / "report.png"
    proc = run_chromium(exe, tmp_path / "profile", "--window-size=1280,1400", f"--screenshot={shot}", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    image_module = pytest.importorskip("PIL.Image", reason="Pillow checks the screenshot's pixels")
    with image_module.open(shot) as image:
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    # The page's own style applied (CSP allowed it by hash): the fail badge's red is on screen.
    assert (0xB4, 0x23, 0x18) in colours
    assert len(colours) > 50


def test_cli_format_html_and_acro(tmp_path: Path) -> None:
    outputs: dict[str, Any] = {}
    for fmt in ("html", "acro"):
        out = tmp_path / f"report.{fmt}"
        proc = subprocess.run(
            [sys.executable, "-m", "scanner.cli", "scan", str(EXAMPLE), "--format", fmt, "-o", str(out), "-q"],
            capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
        )
        assert proc.returncode == 1, proc.stderr
        outputs[fmt] = out.read_text(encoding="utf-8")
    page = Page(outputs["html"])
    assert any(a.get("data-path") == "export-request/udtraek_personer.csv" for a in page.tags("section"))
    acro = json.loads(outputs["acro"])
    assert acro["results"]["export-request/udtraek_personer.csv"]["status"] == "fail"
