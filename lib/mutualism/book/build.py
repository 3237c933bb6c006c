"""Build the book: papermill executes each chapter, Jupyter Book renders the results.

The chapters are jupytext *py-percent* files ``notebooks/NN_name.py``. :func:`build_book`

1. reads and validates the run parameters (a YAML file of :class:`~mutualism.core.config.Params`
   fields, e.g. ``params/default.yml``);
2. converts each chapter to a notebook and executes it with papermill, injecting those
   parameters (kernel ``python3``, working directory = the directory the build was started
   from, so relative paths in the YAML file resolve from there), one chapter after the
   other with its timing; a failing chapter stops the build with a
   :class:`ChapterFailed` naming the chapter, the cell and the error;
3. stages the executed notebooks with the book's front matter under ``<out>/executed/``
   and renders them with Jupyter Book 1.x (execution off) into ``<out>/html/``;
4. copies the figures (PNG + CSV of their data, written by the chapters into
   ``<out>/figures/``) to ``<out>/html/_static/figures/``.

A chapter can also be run on its own, without this module::

    jupytext --to ipynb --output - notebooks/04_baseline.py \\
      | papermill - out.ipynb -f params/ci.yml --cwd .

An executed chapter is kept by a later partial build when its fingerprint (chapter
source, parameters, library and reference-data digest of :mod:`mutualism.core.cache`) is unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from ..core.resources import source_tree
from ..core import claims
from ..core.config import Params
from ..core.errors import MutualismError, UnknownOptionError, check_option

#: Cell tags papermill uses; both cells are removed from the rendered pages (the banner
#: states the parameters in words).
PARAMETER_TAGS = ("parameters", "injected-parameters")
FRONT_MATTER = ("_config.yml", "_toc.yml", "book")
CHAPTER_FOLDER = "notebooks"
KERNEL = "python3"


class ChapterFailed(MutualismError):
    """A chapter raised an error while papermill executed it."""


@dataclass(frozen=True)
class Chapter:
    """One chapter: its jupytext source and its name (``04_baseline``)."""

    source: Path

    @property
    def name(self) -> str:
        return self.source.stem


def book_root() -> Path:
    """The source tree holding ``_config.yml``, ``_toc.yml``, ``book/`` and ``notebooks/``."""
    return source_tree()


def list_chapters(root: Path | None = None) -> list[Chapter]:
    """Every chapter ``notebooks/*.py`` of the book, in file-name order."""
    folder = (root or book_root()) / CHAPTER_FOLDER
    return [Chapter(p) for p in sorted(folder.glob("[0-9]*.py"))]


def select_chapters(available: Sequence[Chapter], wanted: Iterable[str] | None) -> list[Chapter]:
    """Chapters named by number (``04``), stem (``04_baseline``) or file name; all if ``None``."""
    if wanted is None:
        return list(available)
    chosen: list[Chapter] = []
    for token in wanted:
        key = Path(str(token)).stem
        match = [c for c in available if c.name == key or c.name.split("_", 1)[0] == key]
        if not match:
            names = ", ".join(c.name for c in available)
            raise UnknownOptionError(f"chapter {token!r} does not exist; chapters: {names}")
        chosen.extend(c for c in match if c not in chosen)
    return sorted(chosen, key=lambda c: c.name)


def read_parameters(params_file: str | Path) -> dict[str, Any]:
    """The YAML mapping of ``params_file``, validated by :class:`Params` (unknown keys and
    invalid values raise :class:`~mutualism.core.errors.UnknownOptionError` naming them)."""
    Params.from_yaml(params_file)
    return dict(yaml.safe_load(Path(params_file).read_text()) or {})


def _fingerprint(chapter: Chapter, parameters: dict[str, Any]) -> str:
    """Identity of an executed chapter: its source, the parameters, the library's source,
    the reference data and the content of the run's input files (:mod:`mutualism.core.cache`)."""
    from ..core.cache import data_digest, library_digest, make_key
    from .runs import input_digests

    params = Params.from_mapping(parameters)
    return make_key(chapter=hashlib.blake2b(chapter.source.read_bytes()).hexdigest(), parameters=parameters,
                    library=library_digest(), data=data_digest(), inputs=input_digests(params))


def execute_chapter(chapter: Chapter | str | Path, output: str | Path, parameters: dict[str, Any], *,
                    cwd: str | Path | None = None, figures_dir: str | Path | None = None) -> float:
    """Convert one chapter with jupytext and execute it with papermill.

    Parameters
    ----------
    chapter : the chapter (or the path of its ``.py`` source).
    output : path of the executed ``.ipynb``.
    parameters : values injected after the cell tagged ``parameters``.
    cwd : working directory of the kernel (default: the current one).
    figures_dir : where the chapter writes figures (injected only into chapters that
        declare a ``figures_dir`` parameter).

    Returns
    -------
    float : seconds spent.

    Raises
    ------
    ChapterFailed : a cell raised; the message names the chapter, the cell and the error.
    """
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    chapter = chapter if isinstance(chapter, Chapter) else Chapter(Path(chapter))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    notebook = jupytext.read(chapter.source)
    notebook.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, output)
    declared = papermill.inspect_notebook(str(output))
    injected = dict(parameters)
    if figures_dir is not None and "figures_dir" in declared:
        injected["figures_dir"] = str(figures_dir)
    t0 = time.perf_counter()
    try:
        with claims.collecting(claims.claims_path(output)):  # the chapter's claims file (mutualism.core.claims)
            papermill.execute_notebook(str(output), str(output), parameters=injected, kernel_name=KERNEL,
                                       cwd=str(cwd or Path.cwd()), progress_bar=False, log_output=False,
                                       extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as exc:
        raise ChapterFailed(f"chapter {chapter.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
                            f"(executed notebook with the traceback: {output})") from None
    executed = nbformat.read(output, as_version=4)
    for cell in executed.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if any(t in tags for t in PARAMETER_TAGS) and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    executed.metadata.setdefault("mutualism", {})["fingerprint"] = _fingerprint(chapter, parameters)
    nbformat.write(executed, output)
    return time.perf_counter() - t0


def _stage(root: Path, staging: Path, chapters_built: list[str]) -> None:
    """Copy the front matter into ``staging`` and write a table of contents listing only
    the chapters that have an executed notebook there."""
    for name in FRONT_MATTER:
        src = root / name
        dst = staging / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"]
                            if not c["file"].startswith(f"{CHAPTER_FOLDER}/")
                            or Path(c["file"]).name in chapters_built]
    toc["parts"] = [p for p in toc["parts"] if p["chapters"]]
    (staging / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


#: Editions of the exercises: with their solutions (the reader's book) or without (the
#: student edition, sphinx-exercise's ``hide_solutions``).
SOLUTIONS = ("show", "hide")


def student_edition(source: Path) -> str:
    """Prepare the executed notebooks under ``source`` for the student edition (in place):
    the solutions are left out of every notebook (:func:`mutualism.book.exercises.strip_solutions`),
    so that neither a page nor its ``.ipynb`` download holds one. Returns the edition's
    title, which every page shows (the book's title and "student edition")."""
    import nbformat

    from .exercises import STUDENT_EDITION, strip_solutions

    for path in sorted(source.rglob("*.ipynb")):
        if "_build" in path.relative_to(source).parts or ".ipynb_checkpoints" in path.parts:
            continue
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        strip_solutions(notebook)
        if nbformat.writes(notebook) != before:
            nbformat.write(notebook, path)
    title = (yaml.safe_load((source / "_config.yml").read_text()) or {}).get("title") or "The book"
    return f"{title} ({STUDENT_EDITION})"


def render_html(source: Path, html_dir: Path, *, strict: bool = False, solutions: str = "show") -> None:
    """Render a book folder (the staged build, or the source tree itself) with Jupyter
    Book 1.x into ``html_dir``; nothing is executed.

    ``strict`` turns Sphinx warnings into errors (``jupyter-book build -W -n --keep-going``);
    ``solutions="hide"`` leaves the solutions of the exercises out (:data:`SOLUTIONS`): of
    the notebooks under ``source`` too, which :func:`student_edition` changes in place.
    The mathematics is typeset by the copy of MathJax the book ships
    (:mod:`mutualism.book.offline_math`, listed in ``_config.yml``).
    """
    from jupyter_book.sphinx import build_sphinx

    check_option("solutions", solutions, SOLUTIONS)
    overrides: dict[str, Any] = {"external_toc_path": (source / "_toc.yml").as_posix(),
                                 "latex_individualpages": False, "hide_solutions": solutions == "hide"}
    if solutions == "hide":
        overrides["html_title"] = student_edition(source)
    if strict:
        overrides["nitpicky"] = True
    result = build_sphinx(source, html_dir, noconfig=True, path_config=str(source / "_config.yml"),
                          confoverrides=overrides, doctreedir=html_dir.parent / ".doctrees",
                          warningiserror=strict, keep_going=strict, freshenv=True, quiet=True)
    if result:
        raise MutualismError(f"Jupyter Book failed to render {source} (exit status {result}); "
                             "the Sphinx messages above name the page and the problem")


def build_book(params_file: str | Path = "params/default.yml", out_dir: str | Path = "_build",
               chapters: Iterable[str] | None = None, strict: bool = False, *,
               root: str | Path | None = None, quiet: bool = False, solutions: str = "show") -> Path:
    """Execute the chapters with the parameters of ``params_file`` and render the book.

    The new book is assembled beside the old one: the executed notebooks, the figures and
    the pages are written into staging folders next to ``executed/``, ``figures/`` and
    ``html/`` (:func:`mutualism.core.fileio.staged_dirs`) and swapped in together only when every
    chapter ran and the rendering succeeded. A failed or interrupted build (SIGINT, or the
    SIGTERM the CLI turns into an exception) leaves the previous complete book as it was.

    Parameters
    ----------
    params_file : YAML file of :class:`~mutualism.core.config.Params` fields.
    out_dir : build folder: ``executed/`` (staged notebooks), ``figures/``, ``html/``.
    chapters : names or numbers of the chapters to execute (default: all). Chapters not
        executed now stay in the book if an earlier build executed them with the same
        parameters and source; otherwise they are left out of the table of contents.
    strict : Sphinx warnings are errors.
    root : source tree of the book (default: this package's repository).
    quiet : no progress lines on standard output.
    solutions : ``show`` (default) or ``hide``: the student edition (:data:`SOLUTIONS`).

    Returns
    -------
    Path : the book's ``index.html``.
    """
    from contextlib import ExitStack

    from ..core.fileio import staged_dirs

    def log(text: str, end: str = "\n") -> None:
        if not quiet:
            print(text, end=end, file=sys.stdout, flush=True)

    check_option("solutions", solutions, SOLUTIONS)
    root = Path(root) if root else book_root()
    out = Path(out_dir).resolve()
    parameters = read_parameters(params_file)
    every = list_chapters(root)
    todo = select_chapters(every, chapters)
    log(f"book: {len(todo)} chapter(s) with {Params.from_mapping(parameters).describe()}")
    t_all = time.perf_counter()
    with ExitStack() as stack:  # executed, figures and html are swapped in together, signals held
        staging, figures, html = stack.enter_context(staged_dirs(out / "executed", out / "figures", out / "html"))
        for previous, new in ((out / "executed", staging), (out / "figures", figures)):
            if previous.is_dir():  # chapters not executed now may be kept (see _is_current)
                shutil.copytree(previous, new, dirs_exist_ok=True)
        for k, chapter in enumerate(todo, 1):
            log(f"[{k}/{len(todo)}] {chapter.name} ...", end=" ")
            notebook = staging / CHAPTER_FOLDER / f"{chapter.name}.ipynb"
            try:
                seconds = execute_chapter(chapter, notebook, parameters, figures_dir=figures)
            except ChapterFailed as failure:  # keep the notebook with the traceback; the staging goes
                kept = out / "failed" / notebook.name
                kept.parent.mkdir(parents=True, exist_ok=True)
                if notebook.exists():
                    shutil.copy2(notebook, kept)
                raise ChapterFailed(str(failure).replace(str(notebook), str(kept))
                                    + "; the previous book is unchanged") from None
            log(f"{seconds:.1f} s")
        executed = {c.name for c in todo}
        built = [c.name for c in every
                 if c.name in executed or _is_current(staging / CHAPTER_FOLDER / f"{c.name}.ipynb", c, parameters)]
        _stage(root, staging, built)
        t0 = time.perf_counter()
        render_html(staging, html, strict=strict, solutions=solutions)
        shutil.copytree(figures, html / "_static" / "figures", dirs_exist_ok=True)
        seconds = time.perf_counter() - t0
    log(f"rendered {len(built)} chapter(s) into {out / 'html'} in {seconds:.1f} s "
        f"(total {time.perf_counter() - t_all:.1f} s)")
    return out / "html" / "index.html"


def _is_current(path: Path, chapter: Chapter, parameters: dict[str, Any]) -> bool:
    """An executed notebook exists and was produced from this source with these parameters."""
    if not path.exists():
        return False
    import nbformat

    meta = nbformat.read(path, as_version=4).metadata.get("mutualism", {})
    return meta.get("fingerprint") == _fingerprint(chapter, parameters)
