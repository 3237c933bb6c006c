"""Solutions of the book's exercises, computed in the chapter and shown as a
sphinx-exercise ``solution`` (a dropdown under its exercise).

A chapter states an exercise in Markdown (``{exercise}`` with a ``:label:``) and, in the
code cell after it, computes the answer with the library and displays it with
:func:`solution`. The student edition (``mutualism book --solutions hide``) leaves every
answer out: :func:`strip_solutions` empties the code cells that compute a solution in the
executed notebooks before they are rendered (so neither the pages nor the ``.ipynb``
downloads carry one), sphinx-exercise's ``hide_solutions`` drops any solution directive
left, and :data:`STUDENT_NOTE` says on the page that this is the student edition.
"""

from __future__ import annotations

import re
from typing import Any

_LABEL = re.compile(r"^[A-Za-z][\w-]*$")
_DIRECTIVE = re.compile(r"^:::\{solution\}\s+([\w-]+)", re.M)
#: Key of the output metadata that marks a displayed solution (``{"solution": label}``).
METADATA_KEY = "mutualism"
#: Name of the edition without solutions, as the pages say it.
STUDENT_EDITION = "student edition"
#: Markdown cell put before a chapter's first exercise in the student edition.
STUDENT_NOTE = (":::{note}\n**Student edition.** The solutions of the exercises are left out of this edition of "
                "the book, and out of its notebooks; the reader's edition (`make book`) shows them under each "
                "exercise.\n:::\n")
#: Source of a code cell whose solution was left out (``{labels}``: the exercises).
STRIPPED_SOURCE = "# The solution of {labels} is left out of the student edition."


def solution_markdown(label: str, text: str) -> str:
    """The MyST of a solution to exercise ``label`` (a colon fence, so that the computed
    ``text`` may hold code spans and back-tick fences of its own)."""
    if not _LABEL.match(label):
        raise ValueError(f"exercise label {label!r} is not a valid label (letters, digits, '-' and '_')")
    if re.search(r"^:::", text, flags=re.M):
        raise ValueError(f"solution of {label!r}: a line starting with ':::' would close the directive")
    return f":::{{solution}} {label}\n:class: dropdown\n\n{text.strip()}\n:::\n"


def solution(label: str, text: str) -> None:
    """Display the solution of exercise ``label`` (Markdown rendered as MyST by the book),
    marked in the output's metadata so that the student edition can leave it out."""
    from IPython.display import Markdown, display

    display(Markdown(solution_markdown(label, text)), metadata={METADATA_KEY: {"solution": label}})


def solution_labels(cell: Any) -> list[str]:
    """The exercises whose solution an executed code cell displays (by the output's
    metadata, or by the solution directive in its Markdown)."""
    labels: list[str] = []
    for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
        marked = (output.get("metadata") or {}).get(METADATA_KEY, {}).get("solution")
        text = (output.get("data") or {}).get("text/markdown", "")
        found = [marked] if marked else _DIRECTIVE.findall(text if isinstance(text, str) else "".join(text))
        labels += [label for label in found if label not in labels]
    return labels


def strip_solutions(notebook: Any) -> list[str]:
    """Leave the solutions out of an executed notebook (in place) for the student edition.

    Each code cell that displays a solution keeps a one-line comment instead of its code
    (which spells out the answer) and loses its outputs; it is tagged ``remove-cell``. A
    :data:`STUDENT_NOTE` cell goes before the first exercise. Idempotent. Returns the
    labels of the solutions removed.
    """
    removed: list[str] = []
    for cell in notebook.cells:
        labels = solution_labels(cell)
        if not labels:
            continue
        removed += labels
        cell["source"] = STRIPPED_SOURCE.format(labels=", ".join(labels))
        cell["outputs"] = []
        cell["execution_count"] = None
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "remove-cell" not in tags:
            tags.append("remove-cell")
    if any(STUDENT_NOTE in "".join(c.get("source", "")) for c in notebook.cells):
        return removed
    first = next((c for c in notebook.cells
                  if c.get("cell_type") == "markdown" and "{exercise}" in "".join(c.get("source", ""))), None)
    if first is not None:  # under the heading of the exercises, or before the first one
        source = "".join(first["source"])
        before, fence, after = source.partition("```{exercise}")
        lines = before.rstrip("\n").split("\n")
        if lines and lines[-1].startswith("#"):
            first["source"] = "\n".join(lines) + "\n\n" + STUDENT_NOTE + "\n" + fence + after
        else:
            first["source"] = before + STUDENT_NOTE + "\n" + fence + after
    return removed
