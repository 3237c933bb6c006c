"""The PDF edition of the book (`make pdf`): the executed chapters of a build rendered by
Sphinx's LaTeX builder and typeset by latexmk with XeLaTeX (Debian's TeX Live:
``texlive-xetex``, ``texlive-latex-extra``, ``latexmk``; ``make pdf`` installs them when
missing and it can).

    .venv/bin/python scripts/make_pdf.py [BUILD]     # BUILD: a `make book` folder (default _build)

It reads ``BUILD/executed/`` (written by ``make book``; nothing is executed again) and
writes ``BUILD/pdf/mutualism.pdf``; the LaTeX sources stay in ``BUILD/latex/``. Exit status
2 with one line when the executed book or the TeX programs are missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

#: Programs the PDF needs (Debian packages texlive-xetex and latexmk).
TEX_PROGRAMS = ("xelatex", "latexmk")
PDF_NAME = "mutualism.pdf"


def missing_tex() -> list[str]:
    """The TeX programs not on PATH."""
    return [p for p in TEX_PROGRAMS if shutil.which(p) is None]


def make_pdf(build: str | Path = "_build", *, quiet: bool = True) -> Path:
    """Render ``build/executed`` to LaTeX and typeset it; returns the PDF's path."""
    from jupyter_book.sphinx import build_sphinx

    from mutualism.core.errors import MutualismError

    build = Path(build).resolve()
    source = build / "executed"
    if not (source / "_config.yml").is_file():
        raise MutualismError(f"{source} holds no executed book: run `make book` first")
    if missing_tex():
        raise MutualismError(f"the PDF needs {', '.join(missing_tex())} (Debian: apt-get install texlive-xetex "
                             "texlive-latex-extra latexmk)")
    latex = build / "latex"
    if latex.exists():
        shutil.rmtree(latex)
    overrides = {"external_toc_path": (source / "_toc.yml").as_posix(), "latex_engine": "xelatex",
                 "latex_individualpages": False,
                 "latex_documents": [("book/intro", "mutualism.tex", "Mutualism: a living replication",
                                      "the mutualism project", "manual", True)]}
    status = build_sphinx(source, latex, noconfig=True, path_config=str(source / "_config.yml"),
                          confoverrides=overrides, doctreedir=build / ".doctrees-latex", builder="latex",
                          freshenv=True, quiet=quiet)
    if status:
        raise MutualismError(f"Sphinx's LaTeX builder failed on {source} (exit status {status})")
    run = subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "mutualism.tex"],
                         cwd=latex, capture_output=True, text=True)
    produced = latex / "mutualism.pdf"
    if run.returncode != 0 or not produced.is_file():
        tail = "\n".join((run.stdout + run.stderr).splitlines()[-25:])
        raise MutualismError(f"latexmk failed in {latex} (see mutualism.log there):\n{tail}")
    out = build / "pdf"
    out.mkdir(exist_ok=True)
    target = out / PDF_NAME
    shutil.copy2(produced, target)
    return target


def main(argv: list[str] | None = None) -> int:
    from mutualism.core.errors import MutualismError

    args = sys.argv[1:] if argv is None else argv
    try:
        pdf = make_pdf(args[0] if args else "_build")
    except MutualismError as exc:
        print(f"make_pdf: error: {exc}", file=sys.stderr)
        return 2
    print(f"pdf: {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
