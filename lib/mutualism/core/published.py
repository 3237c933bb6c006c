"""The paper's published coefficients (``data/paper_tables.csv``; METHODS.md §8).

One row per reported coefficient of Tables 1–7: table, column, dependent, regressor,
coefficient, standard error, stars, controls, N, R² and a note. Read here once for the
specification (the paper's own mediation verdicts, :mod:`mutualism.econometrics.paper`) and the
presentation (the "paper" rows of each table and the scorecard, :mod:`mutualism.report.tables`).
"""

from __future__ import annotations

import pandas as pd

from .errors import MutualismError
from .resources import read_csv

PAPER_FILE = "paper_tables.csv"


def paper_tables() -> pd.DataFrame:
    """The published coefficients, stars as strings (``""`` when none)."""
    paper = read_csv(PAPER_FILE).copy()
    paper["stars"] = paper["stars"].fillna("").astype(str)
    return paper


def published(table: str | int, column: int, regressor: str, paper: pd.DataFrame | None = None) -> pd.Series | None:
    """The published row of ``regressor`` in ``table``'s column ``column`` (None when not reported).

    Raises
    ------
    MutualismError
        More than one row matches (a malformed ``paper_tables.csv``).
    """
    paper = paper_tables() if paper is None else paper
    hit = paper[(paper["table"].astype(str) == str(table)) & (paper["column"] == int(column))
                & (paper["regressor"] == regressor)]
    if len(hit) > 1:
        raise MutualismError(f"{PAPER_FILE}: {len(hit)} rows for table {table}, column {column}, {regressor}")
    return None if hit.empty else hit.iloc[0]


def iv_diagnostics(paper: pd.DataFrame | None = None) -> dict[str, float]:
    """The Kleibergen–Paap rk LM and Wald F the paper reports for Table 2 (from the note of
    its first-stage row): ``{"kp_lm": …, "wald_f": …}``, NaN when the note lacks one."""
    import re

    paper = paper_tables() if paper is None else paper
    rows = paper.loc[(paper["table"].astype(str) == "2") & (paper["column"] == 1), "note"]
    note = str(rows.iloc[0]) if len(rows) else ""
    lm, wald = re.search(r"KP rk LM ([\d.]+)", note), re.search(r"Wald F ([\d.]+)", note)
    return {"kp_lm": float(lm.group(1)) if lm else float("nan"),
            "wald_f": float(wald.group(1)) if wald else float("nan")}
