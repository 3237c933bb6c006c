"""Sentences and small tables the chapters show, computed from a run's numbers
(METHODS.md §3, §6–§8 for the quantities they describe).

Each function reads results (:mod:`mutualism.econometrics.results`, :mod:`mutualism.book.runs`) and the
paper's published values (``data/paper_tables.csv``) and returns Markdown or a small
DataFrame; the digits come from :mod:`mutualism.report.formatting`. Judgements of a statistic
(sign, significance, agreement, mediation, trend) belong to :mod:`mutualism.core.verdict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..report.formatting import VARIABLE_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from .runs import RunResults

#: Plain-English names of the three mutualism indices (levels and logs), for the prose
#: (the words of :data:`mutualism.report.formatting.VARIABLE_WORDS`).
INDEX_WORDS = {f"{prefix}{index}": VARIABLE_WORDS[index] for prefix in ("", "ln") for index in ("RH", "HD", "XT")}


def levels(data, stat: str = "median"):
    """Mean level over the years of each line of a figure (:func:`mutualism.report.figures.figure2_data`
    / ``figure3_data``), with its first and last year, one row per (index, group): for
    rankings only. Whether a line rose or fell is :func:`mutualism.core.verdict.trend` (the OLS
    slope with its interval), never a comparison of the end points (METHODS §8)."""
    ordered = data.dropna(subset=[stat]).sort_values("year")
    grouped = ordered.groupby(["index", "group"], sort=False)
    return grouped.agg(first_year=("year", "first"), last_year=("year", "last"), level=(stat, "mean"))


def regions(partners) -> dict[str, str]:
    """Figure region of each partner (METHODS §7), from :mod:`mutualism.core.countries`."""
    from ..core.countries import region_of

    return region_of(partners).dropna().to_dict()


def industry_names() -> dict[str, str]:
    """Names of the Eora26 sector codes (``C9`` → ``Electrical equipment and machinery``)."""
    from ..core.resources import sectors

    table = sectors()
    return dict(zip(table["code"], table["name"]))


# ----- reading estimates into sentences ------------------------------------------------------
def robustness_summary(results: RunResults):
    """The with-controls columns of Table 1 (coefficient of ln ITR) for the baseline and
    each robustness variant: one row per specification, one column per index, plus N."""
    import pandas as pd

    from ..econometrics.layout import TABLES
    from ..report.formatting import estimate, integer, variable_label
    from .runs import ROBUSTNESS

    with_controls = TABLES["1"].group("with_controls")
    rows = []
    specs = {"baseline": ("baseline (this run's options)", results.paper),
             **{name: (label, results.robustness[name]) for name, (label, _) in ROBUSTNESS.items()}}
    for name, (label, paper) in specs.items():
        row: dict[str, Any] = {"specification": label}
        if "1" in paper.tables:
            columns = [paper.tables["1"].columns[c.number - 1] for c in with_controls]
            for column in columns:
                row[variable_label(column.dependent)] = estimate(column, "lnITR", se_label="")
            row["N"] = integer(columns[0].nobs)
        else:
            row["note"] = "not estimated: " + paper.failures.get("1", "not run")
        rows.append(row)
    return pd.DataFrame(rows).fillna("–")


#: Causes of a missing value in the panel's quality report (METHODS §1, §3.3, §6, §8).
MISSING_CAUSES = {"missing_zero_output": "a zero-output industry", "missing_undefined_XT": "an undefined index "
                  "(equal growth rates, or non-positive domestic value added in exports the year before)",
                  "missing_engine": "another gap in the indices", "missing_control": "a missing control",
                  "nonpositive_before_log": "a non-positive value at the log"}


def quality_text(quality, variable: str) -> str:
    """Markdown: how many panel rows of ``variable`` are usable and why the others are not."""
    from ..econometrics.panel import model_name

    row = quality.loc[variable]
    causes = [f"{int(row[c]):,} for {text}" for c, text in MISSING_CAUSES.items() if c in row and row[c] > 0]
    lost = int(row["rows"]) - int(row["usable"])
    low, high = int(row["winsorised_low"]), int(row["winsorised_high"])
    name = model_name(variable).replace("ln", "ln ", 1) if model_name(variable).startswith("ln") else model_name(variable)
    return (f"Of the {int(row['rows']):,} panel rows, {int(row['usable']):,} have a usable "
            f"{name}; " + ((f"the {lost:,} others are missing" if lost > 1 else "the other is missing")
                           + (f": {'; '.join(causes)}." if causes else ".") if lost else "none is missing.")
            + (f" Winsorising cut {low:,} low and {high:,} high values." if low or high else
               " Winsorising cut no value."))


def partner_table(partners):
    """The run's partners by region (METHODS §7): region, number, ISO3 codes, and how many
    are high-income (the ``D1`` dummy)."""
    import pandas as pd

    from ..core.countries import countries

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

    from ..core.config import MANUFACTURING
    from ..core.resources import concordance

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
