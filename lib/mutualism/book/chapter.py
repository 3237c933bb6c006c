"""What the chapters call: the banner, a computed sentence, a table, and the run.

Every chapter imports this one module (``from mutualism import book``) and calls
:func:`start_chapter` first (it validates the papermill parameters and shows the
:func:`banner`), then :func:`run_results` for the run's numbers, :func:`say` for a
computed sentence and :func:`show_table` for a paper table. The rest of this namespace
re-exports what the chapters use from the modules that own it: :mod:`mutualism.book.runs`
(the run and its cache), :mod:`mutualism.book.prose` (sentences and small tables),
:mod:`mutualism.book.worked_example` (chapter 2). Building the whole book is
:mod:`mutualism.book.build`.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.config import Params
from ..report.formatting import gap, p_value  # noqa: F401
from .prose import (INDEX_WORDS, MISSING_CAUSES, concordance_table, coordination_floor,  # noqa: F401
                    industry_names, partner_table, quality_text, regions,
                    robustness_summary, levels)
from .runs import ROBUSTNESS, RunResults, run_results  # noqa: F401
from .worked_example import (EXAMPLE_COUNTRIES, EXAMPLE_SECTORS, EXAMPLE_TABLES, WorkedExample,  # noqa: F401
                             worked_example)

__all__ = ["banner", "say", "show_table", "start_chapter",
           # re-exported for the chapters
           "INDEX_WORDS", "MISSING_CAUSES", "concordance_table", "coordination_floor",
           "industry_names", "partner_table", "quality_text",
           "regions", "robustness_summary", "levels", "ROBUSTNESS", "RunResults", "run_results", "EXAMPLE_COUNTRIES",
           "EXAMPLE_SECTORS", "EXAMPLE_TABLES", "WorkedExample", "worked_example", "p_value", "gap"]


def banner(params: Params, *, numbers: bool = True, committed: Mapping[str, Any] | None = None):
    """The admonition at the top of every page: which data and options produced its numbers.

    On the synthetic world it warns that the numbers are illustrative, not the paper's.
    A page without numbers (``numbers=False``, the theory chapter) only names the run. A
    page that reads committed results (``committed``: their ``metadata.json``, the real-data
    appendix) names the data, the script and the commit that produced them, then the run of
    the other chapters.
    """
    from html import escape

    from IPython.display import HTML

    if committed is not None:
        kind, title = "note", f"Numbers from real tables: {escape(str(committed.get('title', 'committed results')))}"
        note = (f"The numbers on this page were computed from {escape(str(committed['data']))}, years "
                f"{escape(str(committed['options']['years']))}, by <code>{escape(str(committed['script']))}</code> "
                f"at commit <code>{escape(str(committed['commit'])[:12])}</code>, and are read from files committed "
                "with the book; nothing on this page comes from the run of the other chapters, which is:")
    elif not numbers:
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


def start_chapter(namespace: Mapping[str, Any], *, numbers: bool = True,
                  committed: Mapping[str, Any] | None = None) -> Params:
    """Validate a chapter's parameters and show the banner (``numbers``, ``committed``: see :func:`banner`).

    ``namespace`` is the chapter's ``globals()`` after its papermill ``parameters`` cell
    (and any injected cell): every :class:`~mutualism.core.config.Params` field found there is
    taken, and a plain value the injected cell set that is not a field (``year=2010``
    for ``years``) is rejected by name with the closest valid one
    (:meth:`~mutualism.core.config.Params.from_namespace`). Raises
    :class:`~mutualism.core.errors.UnknownOptionError`, so a bad papermill parameter stops the
    chapter at its first cell.
    """
    from IPython.display import display

    params = Params.from_namespace(namespace)
    display(banner(params, numbers=numbers, committed=committed))
    return params


def say(text: str) -> None:
    """Display a computed sentence (Markdown rendered in the book)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_table(paper, key: str) -> None:
    """Display Table ``key`` of a :class:`~mutualism.econometrics.results.PaperResults` (or why it
    could not be estimated)."""
    from IPython.display import HTML, display

    from ..report.tables import render, render_failure

    if key in paper.tables:
        display(HTML(render(paper.tables[key], "html")))
    else:
        display(HTML(render_failure(key, paper.failures.get(key, "not run"), "html", paper.titles.get(key))))
