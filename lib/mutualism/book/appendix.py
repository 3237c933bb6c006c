"""The real-data appendix: Table 1 and Figures 2–3 on WIOD 2013, read from committed files.

``scripts/make_wiod_results.py`` computes them from ``../shared/data/wiod2013`` and
``../shared/data/external`` and writes ``data/results_wiod2013/`` (``table1.csv``,
``figure2.csv``, ``figure3.csv``, ``metadata.json`` with the options and the commit);
``tests/test_wiod_results.py`` recomputes them. This module reads those files and turns
them into the appendix's table and sentences; every sign and trend it states is a verdict
of :mod:`mutualism.core.verdict`, recorded with :mod:`mutualism.core.claims` (METHODS §8). The
paper's coefficients come from :func:`mutualism.core.published.published`, the variables'
names from :func:`mutualism.report.formatting.variable_label`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.resources import source_tree
from ..core import claims, verdict
from ..core.published import published
from ..econometrics.models import TREATMENT
from ..econometrics.panel import CONTROLS
from ..report.formatting import number, variable_label
from .sentences import WORDS, trend_numbers

#: The committed result files, relative to the repository root.
RESULTS_DIR = Path("data") / "results_wiod2013"
#: Table 1's regressors in the order of its rows: ln ITR, then the controls of eq. 12.
REGRESSORS = (TREATMENT, *CONTROLS)


def results_dir(root: str | Path | None = None) -> Path:
    """``data/results_wiod2013`` of the source tree (default: this package's repository)."""
    return Path(root or source_tree()) / RESULTS_DIR


def load(root: str | Path | None = None) -> dict[str, Any]:
    """The committed results: ``table1``, ``partners``, ``figure2``, ``figure3`` (DataFrames) and ``metadata``."""
    folder = results_dir(root)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist; run scripts/make_wiod_results.py")
    out: dict[str, Any] = {name: pd.read_csv(folder / f"{name}.csv") for name in ("table1", "partners", "figure2",
                                                                                   "figure3")}
    out["metadata"] = json.loads((folder / "metadata.json").read_text())
    return out


def _cell(row) -> str:
    return f"{number(row.coef)}{verdict.significance_class(row.p)}<br>({number(row.se)})"


def table1_html(table1: pd.DataFrame) -> str:
    """Table 1 on WIOD 2013 as HTML: each coefficient with stars and standard error, the paper's
    coefficient of ln ITR beside it, N and R²."""
    from html import escape

    cols = sorted(table1["column"].unique())
    deps = [table1.loc[table1["column"] == c, "dependent"].iloc[0] for c in cols]
    head = "".join(f"<th>({c})</th>" for c in cols)
    rows = [f"<tr><th></th>{head}</tr>",
            "<tr><th>Dependent variable</th>" + "".join(f"<td>{escape(variable_label(d))}</td>"
                                                          for d in deps) + "</tr>"]
    order = [r for r in REGRESSORS if r in set(table1["regressor"])]
    for reg in order:
        cells = []
        for c in cols:
            row = table1[(table1["column"] == c) & (table1["regressor"] == reg)]
            cells.append(f"<td>{_cell(row.iloc[0])}</td>" if len(row) else "<td></td>")
        rows.append(f"<tr><th>{escape(variable_label(reg))}</th>{''.join(cells)}</tr>")
        if reg == TREATMENT:
            theirs = [published("1", c, TREATMENT) for c in cols]
            rows.append("<tr><th><i>paper (Eora, 2002–2020)</i></th>"
                        + "".join(f"<td><i>{p['coef']:.4f}{p['stars']}</i></td>" if p is not None else "<td></td>"
                                  for p in theirs) + "</tr>")
    first = table1.groupby("column").first()
    rows.append("<tr><th>Controls</th>" + "".join(f"<td>{first.loc[c, 'controls']}</td>" for c in cols) + "</tr>")
    rows.append("<tr><th>Observations (N)</th>" + "".join(f"<td>{int(first.loc[c, 'nobs']):,}</td>" for c in cols)
                + "</tr>")
    rows.append("<tr><th>R² (with fixed effects)</th>" + "".join(f"<td>{first.loc[c, 'r2']:.4f}</td>" for c in cols)
                + "</tr>")
    return f'<table class="regression" id="table-1-wiod2013">{"".join(rows)}</table>'


def table1_sentences(table1: pd.DataFrame, file: str) -> str:
    """The coefficient of ln ITR with controls per index, judged and compared with the paper."""
    lines = []
    for _, row in table1[(table1["regressor"] == TREATMENT) & (table1["controls"] == "yes")].iterrows():
        eff = verdict.effect(row["coef"], row["se"], row["p"])
        pub = published("1", int(row["column"]), TREATMENT)
        agree = verdict.agreement(row["coef"], row["p"], pub["coef"], pub["stars"])
        stars = agree.stars.replace("*", "\\*")
        text = (f"- **{WORDS[row['dependent']]}**: {number(row['coef'])}{stars} (s.e. {number(row['se'])}), {eff.label} at "
                f"5 %; the paper: {agree.paper_coef:.4f}{agree.paper_stars.replace('*', chr(92) + '*')} — "
                f"{agree.label}")
        where = {"file": file, "column": int(row["column"]), "regressor": "lnITR"}
        claims.record(eff, text, where=where)
        claims.record(agree, text, where={**where, "paper_regressor": "lnITR", "table": "1"})
        lines.append(text)
    return "\n".join(lines)


def trend_sentences(figure2: pd.DataFrame, group: str, file: str) -> str:
    """The trend (OLS slope on the year, 95 % interval) of each index for ``group``."""
    parts = []
    for index in ("RH", "HD", "XT"):
        line = figure2[(figure2["index"] == index) & (figure2["group"] == group)].sort_values("year")
        tr = verdict.trend(line["year"], line["median"])
        text = f"{WORDS[index]} {tr.label} ({trend_numbers(tr)}, {tr.first_year}–{tr.last_year})"
        claims.record(tr, text, where={"file": file, "index": index, "group": group, "stat": "median"})
        parts.append(text)
    return "; ".join(parts)
