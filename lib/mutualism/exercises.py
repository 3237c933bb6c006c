"""Solutions of the book's exercises, computed in the chapter and shown as a
sphinx-exercise ``solution`` (a dropdown under its exercise).

A chapter states an exercise in Markdown (``{exercise}`` with a ``:label:``) and, in the
code cell after it, computes the answer with the library and displays it with
:func:`solution`. The student edition (``mutualism book --solutions hide``, i.e.
sphinx-exercise's ``hide_solutions``) drops every solution directive, so nothing of the
answer reaches its pages.
"""

from __future__ import annotations

import re

_LABEL = re.compile(r"^[A-Za-z][\w-]*$")


def solution_markdown(label: str, text: str) -> str:
    """The MyST of a solution to exercise ``label`` (a colon fence, so that the computed
    ``text`` may hold code spans and back-tick fences of its own)."""
    if not _LABEL.match(label):
        raise ValueError(f"exercise label {label!r} is not a valid label (letters, digits, '-' and '_')")
    if re.search(r"^:::", text, flags=re.M):
        raise ValueError(f"solution of {label!r}: a line starting with ':::' would close the directive")
    return f":::{{solution}} {label}\n:class: dropdown\n\n{text.strip()}\n:::\n"


def solution(label: str, text: str) -> None:
    """Display the solution of exercise ``label`` (Markdown rendered as MyST by the book)."""
    from IPython.display import Markdown, display

    display(Markdown(solution_markdown(label, text)))
