"""The paper's published coefficients (``data/paper_tables.csv``; METHODS.md §8).

One row per reported coefficient of Tables 1–7: table, column, dependent, regressor,
coefficient, standard error, stars, controls, N, R² and a note. :func:`published` is the
one lookup of a row, for every reader: the specification (the paper's own verdicts and
this run's agreement with it, :mod:`mutualism.econometrics.paper`), the presentation (the
"paper" rows of each table, :mod:`mutualism.report.tables`) and the book's sentences and
appendix. A coefficient the paper does not report is ``None``, never an error: each reader
leaves the paper's side out (or says "not reported"). :func:`paper_tables` is the whole
table, for the scorecard, which lists every row.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable

import pandas as pd

from .errors import MutualismError
from .resources import read_csv

PAPER_FILE = "paper_tables.csv"


def paper_tables() -> pd.DataFrame:
    """The published coefficients, stars as strings (``""`` when none)."""
    paper = read_csv(PAPER_FILE).copy()
    paper["stars"] = paper["stars"].fillna("").astype(str)
    return paper


def published(table: str | int, column: int, regressor: str) -> pd.Series | None:
    """The published row of ``regressor`` in column ``column`` (1-based, as printed) of
    Table ``table`` (``1``…``7``; the key of a table the paper does not print, such as the
    lagged ``"1L"``, finds nothing), or ``None`` when the paper does not report it.

    Raises
    ------
    MutualismError
        More than one row matches (a malformed ``paper_tables.csv``).
    """
    hits = _rows_by_key(paper_tables).get((str(table), int(column), regressor), [])
    if len(hits) > 1:
        raise MutualismError(f"{PAPER_FILE}: {len(hits)} rows for table {table}, column {column}, {regressor}")
    return hits[0].copy() if hits else None


@lru_cache(maxsize=2)
def _rows_by_key(source: Callable[[], pd.DataFrame]) -> dict[tuple[str, int, str], list[pd.Series]]:
    """The rows of ``source()`` by (table, column, regressor), built once per source (the
    lookup is on the hot path of every judged table: 2 ms a filter of the whole frame)."""
    index: dict[tuple[str, int, str], list[pd.Series]] = {}
    for _, row in source().iterrows():
        index.setdefault((str(row["table"]), int(row["column"]), row["regressor"]), []).append(row)
    return index


def iv_diagnostics(row: pd.Series | None) -> dict[str, float]:
    """The Kleibergen–Paap rk LM and Wald F the paper reports in the note of a published
    row (its first-stage row of Table 2): ``{"kp_lm": …, "wald_f": …}``, NaN when the note
    lacks one or the row is ``None``."""
    note = "" if row is None else str(row["note"])
    lm, wald = re.search(r"KP rk LM ([\d.]+)", note), re.search(r"Wald F ([\d.]+)", note)
    return {"kp_lm": float(lm.group(1)) if lm else math.nan, "wald_f": float(wald.group(1)) if wald else math.nan}
