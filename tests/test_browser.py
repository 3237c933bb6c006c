"""Every page of the CI book opened in headless Chromium with the network off.

The pages must read offline: MathJax (shipped inside the book) typesets every formula,
no raw TeX delimiter is left in the visible text, every image loads, no page shows a
traceback, and no page asks for anything outside the book. The browser is Debian's
``chromium`` (``make test`` installs it when it is missing and it can), driven by
playwright without a browser download of its own. Locally the test skips, saying why,
when no browser can be started; with ``CI`` set it fails instead.

Screenshots of a few pages are written to ``<build>/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SCREENSHOTS = ("notebooks/02_indices.html", "notebooks/10_decompositions.html", "notebooks/01_theory.html")
#: Raw TeX delimiters that MathJax removes when it typesets.
RAW_TEX = (r"\(", r"\)", r"\[", r"\]", "$$")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(f"browser test skipped: {reason} (install it with `apt-get install -y chromium`; "
                "`make test` does this when run as root)")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium executable on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (requirements-lock.txt)")
    with sync_playwright() as driver:
        try:
            instance = driver.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - the browser cannot start here
            _unavailable(f"chromium at {executable} does not start ({type(exc).__name__}: {str(exc)[:200]})")
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def offline_page(browser):
    """A page in a context without network: every request that is not a local file is
    aborted and recorded."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked = blocked  # type: ignore[attr-defined]
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(f"{page.url.rsplit('/html/', 1)[-1]}: {error}"))
    yield page
    context.close()


def pages(html: Path) -> list[Path]:
    skip = {"search.html", "genindex.html"}
    return sorted(p for p in html.rglob("*.html") if p.name not in skip and "_static" not in p.parts)


#: What the browser reports of a page once MathJax has finished.
PAGE_REPORT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const main = document.querySelector('main') || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll('script, style, pre, code, mjx-container, .highlight').forEach(e => e.remove());
  const images = Array.from(document.images).map(i => ({src: i.currentSrc.slice(0, 120), ok: i.complete && i.naturalWidth > 0, alt: i.alt}));
  return {
    mathjax: !!(window.MathJax && MathJax.startup && MathJax.startup.document),
    sources: document.querySelectorAll('.math').length,
    rendered: document.querySelectorAll('mjx-container').length,
    errors: document.querySelectorAll('mjx-merror').length,
    text: clone.textContent,
    images: images,
    tracebacks: document.querySelectorAll('.output.traceback, .output.error').length,
  };
}"""


def test_every_page_renders_offline(ci_book, offline_page):
    page = offline_page
    html = ci_book / "html"
    problems: list[str] = []
    shots = ci_book / "screenshots"
    shots.mkdir(exist_ok=True)
    checked_math = 0
    for path in pages(html):
        name = path.relative_to(html).as_posix()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => document.readyState === 'complete'")
        report = page.evaluate(PAGE_REPORT)
        if report["sources"]:
            checked_math += 1
            if not report["mathjax"]:
                problems.append(f"{name}: MathJax did not start")
            if report["rendered"] < report["sources"]:
                problems.append(f"{name}: {report['rendered']} typeset formulas for {report['sources']} in the source")
        if report["errors"]:
            problems.append(f"{name}: {report['errors']} TeX errors (mjx-merror)")
        for delimiter in RAW_TEX:
            if delimiter in report["text"]:
                at = report["text"].index(delimiter)
                problems.append(f"{name}: raw TeX {delimiter!r} in the text: "
                                f"{report['text'][max(0, at - 60):at + 60]!r}")
        for image in report["images"]:
            if not image["ok"]:
                problems.append(f"{name}: image {image['src']} did not load")
            if not image["alt"] or re.fullmatch(r"[0-9a-f]{16,}\S*", image["alt"]):
                problems.append(f"{name}: image {image['src']} has no meaningful alt text ({image['alt']!r})")
        if report["tracebacks"] or "Traceback (most recent call last)" in report["text"]:
            problems.append(f"{name}: shows a traceback")
        if name in SCREENSHOTS:
            page.screenshot(path=str(shots / (Path(name).stem + ".png")), full_page=False)
    assert not page.blocked, f"pages asked for resources outside the book: {sorted(set(page.blocked))[:10]}"
    assert not page.js_errors, "JavaScript errors (e.g. a script registered twice):\n" + "\n".join(page.js_errors[:10])
    assert checked_math >= 3, f"only {checked_math} pages with mathematics: the check did not run"
    assert not problems, "\n".join(problems)


def test_no_page_references_a_remote_script_style_or_image(ci_book):
    """Static check of the same property, readable without a browser."""
    remote = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)=\"(https?:)?//", re.I)
    found = []
    for path in pages(ci_book / "html"):
        for match in remote.finditer(path.read_text(encoding="utf-8")):
            found.append(f"{path.name}: {match.group(0)[:100]}")
    assert not found, found
    entry = ci_book / "html" / "_static" / "mathjax" / "tex-chtml.js"
    assert entry.stat().st_size > 500_000  # the MathJax 3 component, not a stub
    assert (ci_book / "html" / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


#: Every table of a page: its width, how far it reaches, the box that would clip or scroll
#: it (the nearest ancestor whose overflow is not visible) and the smallest text in it.
TABLE_REPORT = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  const r = t.getBoundingClientRect();
  let box = t.parentElement;
  while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') { box = box.parentElement; }
  const clip = box && box !== document.body ? box : null;
  const sizes = Array.from(t.querySelectorAll('td, th')).filter(c => c.textContent.trim())
    .map(c => parseFloat(getComputedStyle(c).fontSize));
  return {name: t.id || t.className || '(table)', cls: t.className, right: r.right, width: r.width,
          scroll: clip ? clip.scrollWidth : 0, client: clip ? clip.clientWidth : 0,
          boxRight: clip ? clip.getBoundingClientRect().right : window.innerWidth,
          viewport: document.documentElement.clientWidth, smallest: sizes.length ? Math.min(...sizes) : 99};
})"""
#: Widths of the issue's reading test: a laptop and a desktop screen.
VIEWPORTS = (1280, 1920)
#: The smallest text size (CSS pixels) a table may use.
MIN_TEXT_PX = 9.0


@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_table_is_clipped(ci_book, browser, width):
    """At 1280 and 1920 px every table of every page (the regression tables 1–7, the
    appendix's Table 1, the book's small tables and the worked example's matrices) fits the
    column of text: nothing reaches past its clipping box or the window, no box needs a
    sideways scroll bar to show it, and no cell's text is below 9 px."""
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    problems, regression = [], 0
    try:
        for path in pages(ci_book / "html"):
            name = path.relative_to(ci_book / "html").as_posix()
            if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8")[:2000]:
                continue  # index.html only forwards to the first page
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("() => document.readyState === 'complete'")
            for t in page.evaluate(TABLE_REPORT):
                regression += "regtable" in t["cls"] or "regression" in t["cls"]
                where = f"{name} at {width} px: table {t['name']}"
                if t["scroll"] > t["client"] + 1:
                    problems.append(f"{where} needs {t['scroll']} px in a box of {t['client']} px")
                if t["right"] > min(t["boxRight"], t["viewport"]) + 1:
                    problems.append(f"{where} reaches {t['right']:.0f} px, past {min(t['boxRight'], t['viewport']):.0f}")
                if t["smallest"] < MIN_TEXT_PX:
                    problems.append(f"{where} has {t['smallest']:.1f} px text")
    finally:
        context.close()
    assert regression >= 9, f"only {regression} regression tables found: the check did not see Tables 1–7"
    assert not problems, "\n".join(problems)


def test_figure_text_is_legible_on_the_page(ci_book, browser):
    """Every figure the book saves (Figures 2–3, the decompositions, the diagrams) shows its
    smallest text at 9 px or more once the page scales it into the column of text at
    1280 px (the column measured here, the font and width read from the PNG)."""
    from PIL import Image

    from mutualism.report.figures import MIN_TEXT_PX, SMALLEST_TEXT_KEY, WIDTH_KEY

    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto((ci_book / "html" / "notebooks" / "03_measurement.html").as_uri(), wait_until="load")
        column = page.evaluate("() => (document.querySelector('main article') || document.querySelector('main')).clientWidth")
    finally:
        context.close()
    figures = sorted((ci_book / "html" / "_static" / "figures").glob("*.png"))
    assert len(figures) >= 6 and column > 300
    small = []
    for png in figures:
        with Image.open(png) as image:
            meta, natural = image.text, image.width
        assert SMALLEST_TEXT_KEY in meta and WIDTH_KEY in meta, png.name
        shown = min(natural, column)  # a wider image is scaled down to the column
        px = float(meta[SMALLEST_TEXT_KEY]) / 72 * shown / float(meta[WIDTH_KEY])
        if px < MIN_TEXT_PX - 0.05:
            small.append(f"{png.name}: smallest text {px:.1f} px in a {column} px column")
    assert not small, "\n".join(small)


def test_search_shows_snippets_offline(ci_book, offline_page):
    """The search page, opened from file:// with the network off, lists matching pages with
    a snippet of their text (served by _static/search_snippets.js, since the page cannot
    fetch the others)."""
    page = offline_page
    url = (ci_book / "html" / "search.html").as_uri() + "?q=coordination"
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('#search-results li p.context').length > 0",
                           timeout=20_000)
    snippets = page.evaluate("() => Array.from(document.querySelectorAll('#search-results li p.context'))"
                             ".map(p => p.textContent)")
    assert snippets and any("coordination" in s.lower() for s in snippets), snippets[:3]


def test_every_page_names_its_commit_and_the_book_says_how_to_cite(ci_book):
    """The footer of every page names the commit the book was built from; the citation page
    gives it in its BibTeX entry (computed at build time, not typed)."""
    from mutualism.book.offline_math import source_commit

    commit = source_commit()
    if (Path(__file__).resolve().parents[1] / ".git").exists():  # a checkout (not an exported tree)
        assert commit != "unknown" and commit.split()[0].isalnum()
    for path in pages(ci_book / "html"):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in text[:500]:
            continue
        assert f"Built from commit {commit.split()[0]}" in text, path.name
    cite = (ci_book / "html" / "book" / "cite.html").read_text(encoding="utf-8")
    assert f"version = {{{commit}}}" in cite.replace("&quot;", '"') or f"{{{commit}}}" in cite
    assert "{{ commit }}" not in cite and "liu2023" in cite
