"""The claims a chapter makes, recorded beside the executed notebook (METHODS §8).

Every sentence of the book that states a sign, a significance, a trend, an agreement
with the paper or a verdict on a mechanism is produced from a verdict object of
:mod:`mutualism.core.verdict` and passed through :func:`record`, which

1. checks that the sentence states the verdict's label (``"positive"``, ``"partial
   mediation"``, ``"no clear trend"``, …) verbatim, so the words cannot drift from the
   rule that produced them;
2. appends ``{chapter, kind, label, sentence, where, verdict}`` to the chapter's claims
   file, ``where`` naming the numbers the verdict rests on (table, column, regressor;
   mediator and outcome; figure, index and group) so a test can look them up in the
   run's results and recompute the verdict independently.

The claims file is named by the environment variable :data:`ENV` (the book's build sets
it to ``<executed notebook>.claims.json`` for each chapter, see
:func:`claims_path`); a chapter executed by hand without it keeps its claims in memory
(:func:`recorded`). The file is rewritten atomically after each claim, so an interrupted
chapter leaves the claims made so far.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import MutualismError

#: Environment variable naming the claims file of the chapter being executed.
ENV = "MUTUALISM_CLAIMS_FILE"
#: Suffix of the claims file beside an executed notebook ``NN_name.ipynb``.
SUFFIX = ".claims.json"

_memory: list[dict[str, Any]] = []


class ClaimError(MutualismError):
    """A sentence does not state the label of the verdict it was recorded with."""


def claims_path(notebook: str | Path) -> Path:
    """The claims file of an executed notebook: ``04_baseline.ipynb`` → ``04_baseline.claims.json``."""
    notebook = Path(notebook)
    return notebook.with_name(notebook.stem + SUFFIX)


@contextlib.contextmanager
def collecting(path: str | Path) -> Iterator[Path]:
    """Within the block, chapters executed (in kernels started here) write their claims to
    ``path``; an older file there is removed first. The previous value of :data:`ENV` is
    restored afterwards."""
    path = Path(path).resolve()
    path.unlink(missing_ok=True)
    before = os.environ.get(ENV)
    os.environ[ENV] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def _plain(value: Any) -> Any:
    """JSON-safe copy: NaN/inf as ``None``, numpy scalars as Python numbers, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _label(verdict: Any) -> tuple[str, dict[str, Any]]:
    data = verdict.as_dict() if hasattr(verdict, "as_dict") else dict(verdict)
    if "label" not in data:
        raise ClaimError(f"{type(verdict).__name__} has no label; record() needs a verdict object")
    return str(data["label"]), data


def record(verdict: Any, sentence: str, *, where: Mapping[str, Any], chapter: str | None = None) -> str:
    """Record that ``sentence`` states ``verdict`` and return the sentence (for display).

    Parameters
    ----------
    verdict : an object of :mod:`mutualism.core.verdict` (anything with ``as_dict()`` holding
        ``label``).
    sentence : the Markdown sentence shown on the page; it must contain the label.
    where : where the verdict's numbers live in the run's results, e.g.
        ``{"table": "1", "column": 4, "regressor": "lnITR"}`` (see ``tests/test_claims.py``).
    chapter : the chapter's name (default: the claims file's stem, or ``"unknown"``).

    Raises
    ------
    ClaimError : the sentence does not contain the verdict's label.
    """
    label, data = _label(verdict)
    if label not in sentence:
        raise ClaimError(f"the sentence does not state the verdict {label!r}: {sentence[:200]!r}")
    target = os.environ.get(ENV)
    if chapter is None:
        chapter = Path(target).name[: -len(SUFFIX)] if target and target.endswith(SUFFIX) else "unknown"
    entry = _plain({"chapter": chapter, "kind": type(verdict).__name__, "label": label, "sentence": sentence,
                    "where": dict(where), "verdict": data})
    _memory.append(entry)
    if target:
        from .fileio import atomic_write

        path = Path(target)
        existing = json.loads(path.read_text()) if path.exists() else []
        existing.append(entry)
        text = json.dumps(existing, indent=1, ensure_ascii=False)
        atomic_write(path, lambda tmp: Path(tmp).write_text(text))
    return sentence


def recorded() -> list[dict[str, Any]]:
    """Claims recorded in this process (a copy)."""
    return [dict(c) for c in _memory]


def load(path: str | Path) -> list[dict[str, Any]]:
    """The claims of one executed chapter (an empty list if it made none)."""
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else []
