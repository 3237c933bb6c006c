"""Sentences and small tables the chapters show, computed from a run's numbers
(METHODS.md §3, §6–§8 for the quantities they describe).

Each function reads results (:mod:`mutualism.results`, :mod:`mutualism.runs`) and the
paper's published values (``data/paper_tables.csv``) and returns Markdown or a small
DataFrame; the digits come from :mod:`mutualism.formatting`. Judgements of a statistic
(sign, significance, agreement, mediation, trend) belong to :mod:`mutualism.verdict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import MutualismError

if TYPE_CHECKING:  # pragma: no cover
    from .runs import RunResults

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


def robustness_summary(results: RunResults):
    """The with-controls columns of Table 1 (coefficient of ln ITR) for the baseline and
    each robustness variant: one row per specification, one column per index, plus N."""
    import pandas as pd

    from .formatting import estimate
    from .runs import ROBUSTNESS

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


#: The chapters' older name of :data:`INDEX_WORDS` (the same mapping, not a copy).
WORDS = INDEX_WORDS
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
