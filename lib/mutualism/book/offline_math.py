"""Sphinx extension: the book's mathematics typeset by a copy of MathJax 3 shipped with it.

Without it every page loads MathJax from a CDN and, opened without internet, shows raw
TeX. The MathJax 3 distribution comes from the PyPI package ``django-static-mathjax``
(pinned in ``requirements-lock.txt``; its files sit under
``<site-packages>/mathjax/static/mathjax/es5/``). The extension

* points ``mathjax_path`` at ``_static/mathjax/tex-chtml.js`` (Sphinx writes the
  page-relative path, so nested pages find it too);
* copies the components MathJax loads on demand (TeX input and its extensions, the
  CommonHTML output with its web fonts, the menu and accessibility modules) into
  ``<html>/_static/mathjax/`` when the build finishes.

MathJax resolves ``[mathjax]`` (its components and fonts) from the folder of the script
it was loaded from, so nothing is requested from the internet; ``mathjax3_config`` is
left to MyST (which only chooses the HTML classes to typeset). Listed in ``_config.yml``
under ``sphinx.extra_extensions``.

The same extension holds the book's other page-level hooks:

* a script registered twice is written once (sphinx-thebe's ``const THEBE_JS_URL``
  twice is a JavaScript error on every page);
* the search page shows its snippets offline: a page opened from ``file://`` cannot
  ``fetch`` the others, so the text of every page is written to
  ``_static/search_snippets.js`` and the search page reads it from there;
* every page's footer, and ``{{ commit }}`` in a page's source (the citation page), name
  the commit of the source tree the book was built from (:func:`source_commit`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..core.resources import source_tree
from ..core.errors import MutualismError

#: Folder under the book's ``_static/`` that holds the MathJax copy.
STATIC_FOLDER = "mathjax"
#: The combined component the pages load: TeX input, CommonHTML output, menu.
ENTRY = "tex-chtml.js"
#: What the entry component loads lazily (TeX extensions such as ``boldsymbol``, the
#: CHTML fonts, the menu's accessibility explorer and its speech-rule engine).
COMPONENTS = (ENTRY, "input", "output/chtml", "output/chtml.js", "ui", "a11y", "adaptors", "sre")


def mathjax_source() -> Path:
    """The ``es5`` folder of MathJax 3 installed by ``django-static-mathjax``."""
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError:
        raise MutualismError("the book needs MathJax 3 from the package django-static-mathjax "
                             "(pip install -r requirements-lock.txt)") from None
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise MutualismError(f"MathJax 3 files not found: {root / ENTRY} is missing "
                             "(reinstall django-static-mathjax)")
    return root


def copy_mathjax(static_dir: str | Path) -> Path:
    """Copy the MathJax components into ``static_dir/mathjax``; returns the entry script."""
    source = mathjax_source()
    target = Path(static_dir) / STATIC_FOLDER
    for name in COMPONENTS:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dst)
    return target / ENTRY


def _use_local_copy(app: Any, config: Any) -> None:
    mathjax_source()  # fail at the start of the build, not after rendering every page
    config.mathjax_path = f"{STATIC_FOLDER}/{ENTRY}"


def _copy_after_build(app: Any, exception: Exception | None) -> None:
    if exception is None and getattr(app.builder, "format", None) == "html":
        copy_mathjax(Path(app.outdir) / "_static")


def _one_script_each(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop repeated scripts from a page: sphinx-thebe registers its inline configuration
    (``const THEBE_JS_URL = …``) once per reading pass, and a page that carries it twice
    stops with "Identifier 'THEBE_JS_URL' has already been declared" in the browser."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        name = getattr(script, "filename", script) or ""  # an inline script is registered as None or ""
        key = (str(name), tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def source_commit(root: str | Path | None = None) -> str:
    """``1a2b3c4d5e6f`` (the commit of the source tree), ``1a2b3c4d5e6f with uncommitted
    changes`` when the library, chapters or front matter differ from it, or ``unknown``
    outside a git checkout."""
    import subprocess

    root = Path(root) if root else source_tree()
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=20, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "lib", "notebooks", "book", "docs", "data",
                                "_config.yml", "_toc.yml"], cwd=root, capture_output=True, text=True, timeout=20,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{sha} with uncommitted changes" if dirty else sha


def _stamp_commit(app: Any, config: Any) -> None:
    commit = source_commit()
    options = dict(config.html_theme_options or {})
    footer = options.get("extra_footer", "") or ""
    options["extra_footer"] = (f"{footer} " if footer else "") + f"Built from commit {commit}."
    config.html_theme_options = options
    app._mutualism_commit = commit  # for the citation page (_commit_in_page)


#: The token of a page's source that becomes the commit (in prose and in code blocks alike).
COMMIT_TOKEN = "{{ commit }}"


def _commit_in_page(app: Any, docname: str, source: list[str]) -> None:
    if COMMIT_TOKEN in source[0]:
        source[0] = source[0].replace(COMMIT_TOKEN, getattr(app, "_mutualism_commit", None) or source_commit())


#: Script (in ``_static/``) that serves the search page's snippets from the pages' text.
SNIPPETS = "search_snippets.js"
_SNIPPET_SHIM = """
(function () {
  const texts = window.MUTUALISM_PAGES || {};
  const real = window.fetch ? window.fetch.bind(window) : null;
  const key = (url) => String(url).split('#')[0].split('?')[0].replace(/^(\\.\\/)+/, '');
  window.fetch = function (url, options) {
    const k = key(url);
    for (const name in texts) {
      if (k === name || k.endsWith('/' + name)) {
        const html = '<html><body><div role="main">' + texts[name] + '</div></body></html>';
        return Promise.resolve(new Response(html, {status: 200, headers: {'Content-Type': 'text/html'}}));
      }
    }
    return real ? real(url, options) : Promise.reject(new Error('no fetch'));
  };
})();
"""


def _page_text(html: str) -> str:
    """The escaped text of a page's main content (what a search snippet is cut from)."""
    import html as html_lib
    import re

    main = re.search(r'<main[^>]*>(.*?)</main>', html, flags=re.S)
    body = main.group(1) if main else html
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<img[^>]*>', " ", body)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    return html_lib.escape(re.sub(r"\s+", " ", text).strip())


def write_snippets(outdir: str | Path) -> Path:
    """Write ``_static/search_snippets.js``: the text of every page of the built book."""
    import json

    outdir = Path(outdir)
    pages = {}
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir)
        if rel.parts[0] in ("_static", "_sources") or rel.name in ("search.html", "genindex.html"):
            continue
        pages[rel.as_posix()] = _page_text(page.read_text(encoding="utf-8"))
    target = outdir / "_static" / SNIPPETS
    target.write_text("window.MUTUALISM_PAGES = " + json.dumps(pages) + ";\n" + _SNIPPET_SHIM, encoding="utf-8")
    return target


def _snippets_on_search_page(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename == "search" and getattr(app.builder, "format", None) == "html":
        app.add_js_file(SNIPPETS, priority=100)  # before searchtools.js, which fetches the pages


def _write_snippets_after_build(app: Any, exception: Exception | None) -> None:
    if exception is None and getattr(app.builder, "format", None) == "html":
        write_snippets(app.outdir)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("config-inited", _use_local_copy)
    app.connect("build-finished", _copy_after_build)
    app.connect("html-page-context", _one_script_each, priority=900)
    app.connect("html-page-context", _snippets_on_search_page)
    app.connect("build-finished", _write_snippets_after_build)
    app.connect("config-inited", _stamp_commit)
    app.connect("source-read", _commit_in_page)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
