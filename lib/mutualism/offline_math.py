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
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .errors import MutualismError

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


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("config-inited", _use_local_copy)
    app.connect("build-finished", _copy_after_build)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
