"""Build the book: papermill executes each chapter, Jupyter Book renders the results.

The chapters are jupytext *py-percent* files ``notebooks/NN_name.py``. :func:`build_book`

1. reads and validates the run parameters (a YAML file of :class:`~mutualism.config.Params`
   fields, e.g. ``params/default.yml``);
2. converts each chapter to a notebook and executes it with papermill, injecting those
   parameters (kernel ``python3``, working directory = the directory the build was started
   from, so relative paths in the YAML file resolve from there), one chapter after the
   other with its timing; a failing chapter stops the build with a
   :class:`ChapterFailed` naming the chapter, the cell and the error; each chapter's
   claims (:mod:`mutualism.claims`) are written beside its executed notebook as
   ``<chapter>.claims.json``;
3. stages the executed notebooks with the book's front matter under ``<out>/executed/``
   and renders them with Jupyter Book 1.x (execution off) into ``<out>/html/``;
4. copies the figures (PNG + CSV of their data, written by the chapters into
   ``<out>/figures/``) to ``<out>/html/_static/figures/``.

A chapter can also be run on its own, without this module::

    jupytext --to ipynb --output - notebooks/04_baseline.py \\
      | papermill - out.ipynb -f params/ci.yml --cwd .

The rest of the module is what the chapters call, so that they hold narrative and
library calls only: :func:`start_chapter` (validates the parameters, shows the
:func:`banner`), :func:`say` (a computed sentence), :func:`worked_example` (chapter 2),
:func:`run_results` (indices, panel and every table of a run, cached under
``cache_dir`` so the chapters share one computation) and the small functions that turn
estimates into sentences compared with ``data/paper_tables.csv``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import yaml

from . import claims
from .config import Params
from .errors import MutualismError, UnknownOptionError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import PaperResults
    from .mrio import MRIO
    from .panel import Panel

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
    return Path(__file__).resolve().parents[2]


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
    invalid values raise :class:`~mutualism.errors.UnknownOptionError` naming them)."""
    Params.from_yaml(params_file)
    return dict(yaml.safe_load(Path(params_file).read_text()) or {})


def _fingerprint(chapter: Chapter, parameters: dict[str, Any]) -> str:
    """Identity of an executed chapter: its source, the parameters and the library's source."""
    blob = (chapter.source.read_bytes() + yaml.safe_dump(parameters, sort_keys=True).encode()
            + _source_digest().encode())
    return hashlib.sha256(blob).hexdigest()[:16]


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
        with claims.collecting(claims.claims_path(output)):  # the chapter's claims file (mutualism.claims)
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


def render_html(source: Path, html_dir: Path, *, strict: bool = False) -> None:
    """Render a book folder (the staged build, or the source tree itself) with Jupyter
    Book 1.x into ``html_dir``; nothing is executed.

    ``strict`` turns Sphinx warnings into errors (``jupyter-book build -W -n --keep-going``).
    """
    from jupyter_book.sphinx import build_sphinx

    overrides: dict[str, Any] = {"external_toc_path": (source / "_toc.yml").as_posix(),
                                 "latex_individualpages": False}
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
               root: str | Path | None = None, quiet: bool = False) -> Path:
    """Execute the chapters with the parameters of ``params_file`` and render the book.

    Parameters
    ----------
    params_file : YAML file of :class:`~mutualism.config.Params` fields.
    out_dir : build folder: ``executed/`` (staged notebooks), ``figures/``, ``html/``.
    chapters : names or numbers of the chapters to execute (default: all). Chapters not
        executed now stay in the book if an earlier build executed them with the same
        parameters and source; otherwise they are left out of the table of contents.
    strict : Sphinx warnings are errors.
    root : source tree of the book (default: this package's repository).
    quiet : no progress lines on standard output.

    Returns
    -------
    Path : the book's ``index.html``.
    """
    def log(text: str, end: str = "\n") -> None:
        if not quiet:
            print(text, end=end, file=sys.stdout, flush=True)

    root = Path(root) if root else book_root()
    out = Path(out_dir).resolve()
    parameters = read_parameters(params_file)
    staging, figures = out / "executed", out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    every = list_chapters(root)
    todo = select_chapters(every, chapters)
    log(f"book: {len(todo)} chapter(s) with {Params.from_mapping(parameters).describe()}")
    t_all = time.perf_counter()
    for k, chapter in enumerate(todo, 1):
        log(f"[{k}/{len(todo)}] {chapter.name} ...", end=" ")
        seconds = execute_chapter(chapter, staging / CHAPTER_FOLDER / f"{chapter.name}.ipynb", parameters,
                                  figures_dir=figures)
        log(f"{seconds:.1f} s")
    executed = {c.name for c in todo}
    built = [c.name for c in every
             if c.name in executed or _is_current(staging / CHAPTER_FOLDER / f"{c.name}.ipynb", c, parameters)]
    _stage(root, staging, built)
    t0 = time.perf_counter()
    render_html(staging, out / "html", strict=strict)
    shutil.copytree(figures, out / "html" / "_static" / "figures", dirs_exist_ok=True)
    log(f"rendered {len(built)} chapter(s) into {out / 'html'} in {time.perf_counter() - t0:.1f} s "
        f"(total {time.perf_counter() - t_all:.1f} s)")
    return out / "html" / "index.html"


def _is_current(path: Path, chapter: Chapter, parameters: dict[str, Any]) -> bool:
    """An executed notebook exists and was produced from this source with these parameters."""
    if not path.exists():
        return False
    import nbformat

    meta = nbformat.read(path, as_version=4).metadata.get("mutualism", {})
    return meta.get("fingerprint") == _fingerprint(chapter, parameters)


# ----- helpers the chapters call ---------------------------------------------------------
def banner(params: Params, *, numbers: bool = True):
    """The admonition at the top of every page: which data and options produced its numbers.

    On the synthetic world it warns that the numbers are illustrative, not the paper's.
    A page without numbers (``numbers=False``, the theory chapter) only names the run.
    """
    from html import escape

    from IPython.display import HTML

    if not numbers:
        kind, title = "note", "This edition of the book"
        note = "This page computes nothing; the numbers of the other chapters come from this run:"
    elif params.source == "synthetic":
        kind, title = "warning", "Illustrative numbers from a synthetic world"
        note = ("The numbers on this page were computed from the project's synthetic world, not from "
                "the Eora tables the paper used. They show the method at work; they are <b>not</b> "
                "the paper's estimates and say nothing about China and the Belt and Road countries.")
    else:
        kind, title = "note", "Numbers computed from real tables"
        note = (f"Every number on this page was computed from the {escape(params.source)} tables named below; "
                "where a result differs from the paper the text says so.")
    return HTML(f'<div class="admonition {kind} mutualism-banner"><p class="admonition-title">{title}</p>'
                f"<p>{note}</p><p><code>{escape(params.describe())}</code></p></div>")


def start_chapter(namespace: Mapping[str, Any], *, numbers: bool = True) -> Params:
    """Validate a chapter's parameters and show the banner (``numbers``: see :func:`banner`).

    ``namespace`` is the chapter's ``globals()`` after its papermill ``parameters`` cell
    (and any injected cell): every :class:`~mutualism.config.Params` field found there is
    taken. Raises :class:`~mutualism.errors.UnknownOptionError` naming an invalid parameter
    and its valid values (so a bad papermill parameter stops the chapter at its first cell).
    """
    from IPython.display import display

    names = {f.name for f in fields(Params)} - {"extra"}
    params = Params.from_mapping({k: v for k, v in namespace.items() if k in names})
    display(banner(params, numbers=numbers))
    return params


#: Plain-English names of the three mutualism indices (levels and logs), for the prose.
INDEX_WORDS = {"RH": "fusion", "HD": "interaction", "XT": "coordination",
               "lnRH": "fusion", "lnHD": "interaction", "lnXT": "coordination"}
#: Stock–Yogo (2005) critical value of the first-stage F for a 10 % maximal IV size,
#: one endogenous regressor and one instrument.
STOCK_YOGO_10 = 16.38


def paper_iv_diagnostics() -> dict[str, float]:
    """The Kleibergen–Paap rk LM and Wald F the paper reports for Table 2, read from the
    note of the first-stage row of ``data/paper_tables.csv``."""
    import re

    from .tables import paper_tables

    paper = paper_tables()
    note = paper.loc[(paper["table"] == 2) & (paper["column"] == 1), "note"].iloc[0]
    lm = re.search(r"KP rk LM ([\d.]+)", note)
    wald = re.search(r"Wald F ([\d.]+)", note)
    return {"kp_lm": float(lm.group(1)) if lm else float("nan"),
            "wald_f": float(wald.group(1)) if wald else float("nan")}


def say(text: str) -> None:
    """Display a computed sentence (Markdown rendered in the book)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


# ----- chapter 2: a table small enough to print ------------------------------------------
#: The teaching table of chapter 2: China, one partner (PAK) and the rest of the world,
#: two sectors (C5 textiles, C9 machinery), two consecutive years (the second is the one
#: shown; the first gives the growth rates of the coordination index). Rows and columns
#: of ``Z`` are CHN.C5, CHN.C9, PAK.C5, PAK.C9, ROW.C5, ROW.C9; columns of ``Y`` are the
#: destinations CHN, PAK, ROW.
EXAMPLE_COUNTRIES = ("CHN", "PAK", "ROW")
EXAMPLE_SECTORS = ("C5", "C9")
EXAMPLE_TABLES = {
    2019: (
        [[36, 9, 9, 2, 19, 5], [7, 52, 3, 7, 14, 27], [5, 1, 18, 2, 4, 1],
         [1, 2, 2, 7, 1, 2], [9, 4, 3, 1, 48, 10], [5, 22, 2, 5, 12, 85]],
        [[92, 12, 57], [104, 15, 74], [4, 35, 9], [2, 21, 3], [29, 7, 195], [47, 10, 290]],
    ),
    2020: (
        [[40, 10, 12, 3, 20, 5], [8, 60, 4, 10, 15, 30], [6, 1, 20, 2, 4, 1],
         [1, 3, 2, 8, 1, 2], [10, 4, 3, 1, 50, 10], [5, 25, 2, 6, 12, 90]],
        [[100, 15, 60], [120, 20, 80], [5, 40, 10], [2, 25, 3], [30, 8, 200], [50, 12, 300]],
    ),
}


@dataclass(frozen=True, eq=False)
class WorkedExample:
    """Every quantity of METHODS §1–§5 and §9 on the teaching table, labelled.

    ``tables`` holds the two years' :class:`~mutualism.mrio.MRIO`; ``mrio`` is the later
    one. Matrices are DataFrames labelled ``(country, sector)``.
    """

    tables: dict[int, MRIO]
    mrio: MRIO
    A: pd.DataFrame
    B: pd.DataFrame
    v: pd.Series
    v_B: pd.Series
    exports: pd.DataFrame
    bilateral_exports: pd.DataFrame
    vae: pd.DataFrame
    wwz: pd.DataFrame
    wwz_gap: float
    indices: pd.DataFrame
    indices_wwz: pd.DataFrame

    @property
    def year(self) -> int:
        return self.mrio.year


def worked_example() -> WorkedExample:
    """Compute chapter 2's worked example with the library (METHODS §1–§5, §9)."""
    import numpy as np
    import pandas as pd

    from .decompose import WWZ_TERMS, bilateral_exports, export_summary, leontief_decomposition, leontief_inverse, wwz
    from .indices import add_coordination, year_indices
    from .mrio import build_mrio

    tables = {year: build_mrio(np.array(Z, float), np.array(Y, float), EXAMPLE_COUNTRIES, EXAMPLE_SECTORS, year,
                               source="worked example") for year, (Z, Y) in EXAMPLE_TABLES.items()}
    mrio = tables[max(tables)]
    index = mrio.index
    A = pd.DataFrame(mrio.A, index=index, columns=index)
    B = pd.DataFrame(leontief_inverse(mrio.A), index=index, columns=index)
    v = pd.Series(mrio.v, index=index, name="v")
    intermediate, final = bilateral_exports(mrio.Z, mrio.Y, mrio.G)
    bilateral = pd.concat({"intermediate": pd.DataFrame(intermediate, index=index, columns=list(mrio.countries)),
                           "final": pd.DataFrame(final, index=index, columns=list(mrio.countries))}, axis=1)
    decomposition = wwz(mrio)
    gap = float((decomposition[list(WWZ_TERMS)].sum(axis=1) - decomposition["texp"]).abs().max())

    def indices(fva: str):
        frames = [year_indices(t, ["PAK"], industries=list(EXAMPLE_SECTORS), fva=fva) for t in tables.values()]
        out = add_coordination(pd.concat(frames, ignore_index=True))
        return out[out["year"] == mrio.year].set_index("industry")

    return WorkedExample(tables=tables, mrio=mrio, A=A, B=B, v=v, v_B=v @ B, exports=export_summary(mrio),
                         bilateral_exports=bilateral, vae=leontief_decomposition(mrio), wwz=decomposition,
                         wwz_gap=gap, indices=indices("leontief"), indices_wwz=indices("wwz"))


# ----- chapters 3–9: the run's results, computed once and cached ------------------------------
@dataclass(frozen=True, eq=False)
class RunResults:
    """What chapters 3–9 show for one run: the §10 indices, the §8 panel, every
    specification of Tables 1–7 and the robustness variants of Table 1."""

    params: Params
    indices: pd.DataFrame
    panel: Panel
    paper: PaperResults
    robustness: dict[str, PaperResults]
    warnings: tuple[str, ...] = ()


#: Robustness variants of METHODS §8 (the paper's §V.2), by name: a description and the
#: change of parameters (``cross_industry`` is an option of the indices, not a parameter).
ROBUSTNESS = {
    "world_output_share": ("transfer as a share of world gross output (itr_scale=world_output_share)",
                           {"itr_scale": "world_output_share"}),
    "cross_industry": ("cross-industry indices: China's industry against the partner's whole economy", {}),
    "bri64": ("the 64 countries along the routes (partners=bri64)", {"partners": "bri64"}),
}


def _source_digest() -> str:
    """Digest of the library's source files: a cache made by other code is never reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cached(params: Params, kind: str, compute):
    """``compute()`` through a pickle under ``params.cache_dir/book`` keyed by the
    parameters, ``kind`` and the library source."""
    import joblib

    from .fileio import atomic_write

    key = hashlib.sha256(json.dumps([params.as_dict(), kind, _source_digest()], sort_keys=True,
                                    default=str).encode()).hexdigest()[:24]
    path = Path(params.cache_dir) / "book" / f"{kind}-{key}.joblib"
    if path.exists():
        try:
            return joblib.load(path)
        except Exception:  # unreadable entry (interrupted write of an older version): recompute
            path.unlink(missing_ok=True)
    value = compute()
    atomic_write(path, lambda tmp: joblib.dump(value, tmp))
    return value


def _panel(params: Params, cross_industry: bool = False):
    """The §8 panel of a run (with ``cross_industry``: from the cross-industry indices)."""
    from .panel import assemble

    return assemble(params, cross_industry=cross_industry, progress=False)


def _compute_results(params: Params) -> RunResults:
    """Compute everything; progress bars are silenced and warnings kept (chapter 3 lists them)."""
    import contextlib
    import io
    import warnings

    from .paper import run_paper
    from .indices import compute_indices

    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm's display, not the numbers
        indices = compute_indices(params, progress=False)
        panel = _panel(params)
        paper = run_paper(panel, cov_type=params.cov_type, bootstrap_reps=params.bootstrap_reps, seed=params.seed)
        robustness = {}
        for name, (_, changes) in ROBUSTNESS.items():
            variant = params.with_(**changes)
            variant_panel = _panel(variant, cross_industry=name == "cross_industry")
            robustness[name] = run_paper(variant_panel, cov_type=params.cov_type, bootstrap_reps=0,
                                         seed=params.seed, only=["1"])
    messages = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return RunResults(params, indices, panel, paper, robustness, messages)


def run_results(params: Params) -> RunResults:
    """Indices, panel, Tables 1–7 and the robustness variants of a run (cached on disk
    under ``params.cache_dir``, so the chapters share one computation)."""
    return _cached(params, "results", lambda: _compute_results(params))


def trends(data, stat: str = "median"):
    """First- and last-year value, change and mean level of each line of a figure
    (:func:`mutualism.figures.figure2_data` / ``figure3_data``), one row per (index, group)."""
    ordered = data.dropna(subset=[stat]).sort_values("year")
    grouped = ordered.groupby(["index", "group"], sort=False)
    out = grouped.agg(first_year=("year", "first"), first=(stat, "first"), last_year=("year", "last"),
                      last=(stat, "last"), level=(stat, "mean"))
    out["change"] = out["last"] - out["first"]
    out["direction"] = ["rose" if c > 0 else "fell" if c < 0 else "did not change" for c in out["change"]]
    return out


def regions(partners) -> dict[str, str]:
    """Figure region of each partner (METHODS §7), from :mod:`mutualism.reference`."""
    from .reference import region_of

    return region_of(partners).dropna().to_dict()


def industry_names() -> dict[str, str]:
    """Names of the Eora26 sector codes (``C9`` → ``Electrical equipment and machinery``)."""
    from .resources import sectors

    table = sectors()
    return dict(zip(table["code"], table["name"]))


# ----- reading estimates into sentences ------------------------------------------------------
def paper_value(table: int | str, column: int, regressor: str):
    """The paper's published row (``data/paper_tables.csv``) for one coefficient."""
    from .tables import paper_tables

    paper = paper_tables()
    row = paper[(paper["table"].astype(str) == str(table)) & (paper["column"] == column)
                & (paper["regressor"] == regressor)]
    if len(row) != 1:
        raise MutualismError(f"paper_tables.csv has no single row for table {table}, column {column}, {regressor}")
    return row.iloc[0]


def estimate_text(result, regressor: str) -> str:
    """Markdown ``0.2850*** (s.e. 0.0054)``: a coefficient with its stars and standard error."""
    from .formatting import estimate

    return estimate(result, regressor, markdown=True)


def compare_text(result, table: int | str, column: int, regressor: str) -> str:
    """This run's coefficient set against the paper's, with the agreement in words."""
    from .formatting import markdown_stars, number, stars as star_text

    paper = paper_value(table, column, regressor)
    coef, stars = float(result.params[regressor]), star_text(float(result.pvalues[regressor]))
    same_sign = (coef > 0) == (paper["coef"] > 0)
    same_significance = (stars != "") == (paper["stars"] != "")
    if not same_sign:
        agreement = "**the opposite sign** of the paper's"
    elif same_significance:
        agreement = "same sign; " + ("both significant at 10 %" if stars else "neither significant at 10 %")
    else:
        only = "this run's" if stars else "the paper's"
        agreement = f"same sign, but only {only} is significant"
    return (f"{estimate_text(result, regressor)}, against the paper's "
            f"{number(paper['coef'])}{markdown_stars(paper['stars'])} "
            f"({agreement})")


def show_table(paper, key: str) -> None:
    """Display Table ``key`` of a :class:`~mutualism.results.PaperResults` (or why it
    could not be estimated)."""
    from IPython.display import HTML, display

    from .tables import render, render_failure

    if key in paper.tables:
        display(HTML(render(paper.tables[key], "html")))
    else:
        display(HTML(render_failure(key, paper.failures.get(key, "not run"), "html", paper.titles.get(key))))


def robustness_summary(results: RunResults):
    """The with-controls columns of Table 1 (coefficient of ln ITR) for the baseline and
    each robustness variant: one row per specification, one column per index, plus N."""
    import pandas as pd

    from .formatting import estimate

    rows = {}
    specs = {"baseline": ("this run's options", results.paper),
             **{name: (label, results.robustness[name]) for name, (label, _) in ROBUSTNESS.items()}}
    for name, (label, paper) in specs.items():
        row: dict[str, Any] = {"specification": label}
        if "1" in paper.tables:
            for column in paper.tables["1"].columns[3:]:
                row[column.dependent] = estimate(column, "lnITR", se_label="")
            row["N"] = paper.tables["1"].columns[3].nobs
        else:
            row["not estimated"] = paper.failures.get("1", "not run")
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


WORDS = {"lnRH": "fusion", "lnHD": "interaction", "lnXT": "coordination"}
#: The two sides of each heterogeneity dummy (METHODS §6): (D = 1, D = 0).
DUMMY_GROUPS = {"D1": ("high-income partners", "developing partners"),
                "D2": ("medium/high-tech industries", "low-tech industries"),
                "D3": ("the years after 2013", "2013 and before")}
#: The paper's mediation verdicts (its §VI): RVC masks the effect on fusion and mediates
#: the other two; INC mediates all three.
PAPER_VERDICTS = {"RVC": {"lnRH": "masking", "lnHD": "mediation", "lnXT": "mediation"},
                  "INC": {"lnRH": "mediation", "lnHD": "mediation", "lnXT": "mediation"}}


def heterogeneity_text(paper, key: str, dummy: str) -> str:
    """Markdown: each interaction coefficient of Table ``key`` against the paper's, with
    the elasticities on both sides of ``dummy``."""
    if key not in paper.tables:
        return f"Table {key} could not be estimated on this run: {paper.failures.get(key, 'not run')}"
    name = f"lnITR x {dummy}"
    yes, no = DUMMY_GROUPS[dummy]
    lines, agree = [], 0
    for k, col in enumerate(paper.tables[key].columns):
        published = paper_value(key, k + 1, name)
        beta1, beta2 = col.params["lnITR"], col.params[name]
        lines.append(f"- **{WORDS[col.dependent]}**: interaction {compare_text(col, key, k + 1, name)}; the "
                     f"elasticity is {beta1:.4f} for {no} and {beta1 + beta2:.4f} for {yes}, so transfer works "
                     f"more strongly for {yes if beta2 > 0 else no} in this run.")
        agree += int((beta2 > 0) == (published["coef"] > 0) and col.pvalues[name] < 0.1)
    return ("\n".join(lines) + f"\n\nThe interaction has the paper's sign and is significant at 10 % in {agree} "
            "of the three columns.")


def mediation_text(paper, key: str, mediator: str) -> str:
    """Markdown: the mediation effects of Table ``key`` (``α1``, ``φ2``, the indirect
    effect, Sobel test, bootstrap interval, verdict) against the paper's verdicts."""
    if mediator not in paper.mediation:
        return f"Table {key} could not be estimated on this run: {paper.failures.get(key, 'not run')}"
    med = paper.mediation[mediator]
    lines = [f"Transfer → {mediator}: $\\alpha_1$ = {compare_text(med.mediator_equation, key, 1, 'lnITR')}."]
    agree = 0
    for k, (outcome, row) in enumerate(med.effects.iterrows()):
        expected = PAPER_VERDICTS[mediator][outcome]
        agree += int(row["verdict"] == expected)
        covers = row["boot_low"] <= 0 <= row["boot_high"]
        interval = (f"bootstrap 95 % interval [{row['boot_low']:.4g}, {row['boot_high']:.4g}] over "
                    f"{row['boot_reps']} resamples, which {'includes' if covers else 'excludes'} zero"
                    if row["boot_reps"] > 0 else "no bootstrap (bootstrap_reps = 0)")
        lines.append(
            f"- **{WORDS[outcome]}**: $\\varphi_2$ = "
            f"{compare_text(med.outcome_equations[outcome], key, k + 2, mediator)}; "
            f"indirect effect $\\alpha_1\\varphi_2$ = {row['indirect']:.4g} against $\\varphi_1$ = {row['phi1']:.4f}: "
            f"**{row['verdict']}** (the paper: {expected}). Sobel z = {row['sobel_z']:.2f} "
            f"(p = {row['sobel_p']:.4f}); {interval}."
            + (f" {'Neither test rejects' if row['boot_reps'] > 0 else 'The Sobel test does not reject'} a zero "
               "indirect effect at 5 %, so the verdict rests on its sign alone."
               if row["sobel_p"] >= 0.05 and (covers or row["boot_reps"] == 0) else ""))
    return "\n".join(lines) + f"\n\nThe verdict agrees with the paper's for {agree} of the three indices."


def positive_at_5(table) -> list[str]:
    """Indices (in words) whose ``lnITR`` coefficient is positive and significant at 5 %
    in the given columns."""
    return [WORDS[c.dependent] for c in table if c.dependent in WORDS
            and c.params["lnITR"] > 0 and c.pvalues["lnITR"] < 0.05]


#: Causes of a missing value in the panel's quality report (METHODS §1, §3.3, §6, §8).
MISSING_CAUSES = {"missing_zero_output": "a zero-output industry", "missing_undefined_XT": "an undefined index "
                  "(equal growth rates, or non-positive domestic value added in exports the year before)",
                  "missing_engine": "another gap in the indices", "missing_control": "a missing control",
                  "nonpositive_before_log": "a non-positive value at the log"}


def quality_text(quality, variable: str) -> str:
    """Markdown: how many panel rows of ``variable`` are usable and why the others are not."""
    from .panel import model_name

    row = quality.loc[variable]
    causes = [f"{int(row[c]):,} for {text}" for c, text in MISSING_CAUSES.items() if c in row and row[c] > 0]
    lost = int(row["rows"]) - int(row["usable"])
    return (f"Of the {int(row['rows']):,} panel rows, {int(row['usable']):,} have a usable "
            f"{model_name(variable)}; the {lost:,} others are missing"
            + (f": {'; '.join(causes)}." if causes else ".")
            + f" Winsorising cut {int(row['winsorised_low']):,} low and {int(row['winsorised_high']):,} high values.")


def partner_table(partners):
    """The run's partners by region (METHODS §7): region, number, ISO3 codes, and how many
    are high-income (the ``D1`` dummy)."""
    import pandas as pd

    from .reference import countries

    facts = countries().set_index("iso3").reindex(list(partners))
    rows = []
    for region, group in facts.groupby("region", sort=False):
        rows.append({"region": region, "partners": len(group), "high-income": int(group["high_income"].sum()),
                     "ISO3 codes": ", ".join(sorted(group.index))})
    return pd.DataFrame(rows)


def concordance_table(name: str):
    """The sectors of a source classification mapped to each of the paper's eight
    manufacturing industries by concordance ``name`` (METHODS §7)."""
    import pandas as pd

    from .config import MANUFACTURING
    from .resources import concordance

    mapping, _ = concordance(name)
    names = industry_names()
    rows = [{"industry": f"{code} {names[code]}",
             "source sectors": ", ".join(sorted((s for s, t in mapping.items() if t == code),
                                                key=lambda s: (len(s), s)))}
            for code in MANUFACTURING]
    return pd.DataFrame(rows)


def coordination_floor(indices) -> dict[str, float]:
    """How many defined ``XT`` values sit on the index's floor 1/2 (opposite-signed growth
    rates, METHODS §3.3): counts, share and ``ln(1/2)``."""
    import numpy as np

    xt = indices["XT"].dropna().to_numpy()
    at_floor = int(np.isclose(xt, 0.5, rtol=0, atol=1e-12).sum())
    return {"defined": int(xt.size), "at_floor": at_floor, "share": at_floor / xt.size if xt.size else float("nan"),
            "log_floor": float(np.log(0.5))}
