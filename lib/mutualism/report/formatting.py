"""Numbers into display text, in one place (METHODS.md §8 reporting conventions).

Everything that turns an estimate into characters lives here and is used by the
tables (:mod:`mutualism.report.tables`), the book's sentences and the CLI: four decimals as in
the paper, significance stars, a coefficient with its standard error, the
Kleibergen–Paap cells, the small-sample note under a table. Results
(:mod:`mutualism.econometrics.results`) carry numbers only; this module reads their attributes and
imports nothing from estimation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.config import CLUSTER_VARIABLES
from ..core.verdict import SIGNIFICANCE_LEVELS as STAR_LEVELS  # the levels are decided in one place
from ..core.verdict import significance_class
STAR_NOTE = "*** p<0.01, ** p<0.05, * p<0.1."


#: Fewest and most decimals of a coefficient or standard error (the paper prints four).
DECIMALS = (4, 8)


def decimals_for(values, *, minimum: int = DECIMALS[0], maximum: int = DECIMALS[1]) -> int:
    """The fixed number of decimals for a set of coefficients and standard errors.

    The fewest decimals from ``minimum`` on at which every non-zero finite value shows at
    least two significant digits (so that nothing prints as ``0.0000``), at most
    ``maximum``. A table uses one such number for all its coefficients and standard errors.
    """
    finite = [abs(float(v)) for v in values if v is not None and np.isfinite(v) and v != 0]
    if not finite:
        return minimum
    smallest = min(finite)
    for d in range(minimum, maximum + 1):
        if smallest >= 10.0 ** (1 - d):
            return d
    return maximum


def number(value: float, decimals: int | None = None) -> str:
    """A coefficient or standard error in fixed decimals, never scientific notation.

    ``decimals`` defaults to :func:`decimals_for` of the value alone: four as in the paper,
    more for a value below 0.001 (``0.00038``). ``""`` for NaN.
    """
    if value is None or not np.isfinite(value):
        return ""
    d = decimals_for([value]) if decimals is None else decimals
    return f"{value:.{d}f}"


def integer(value) -> str:
    """A count with thousands separators (``4,845``); ``""`` for a missing count."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return f"{int(value):,}"


def stars(pvalue: float) -> str:
    """``***``, ``**``, ``*`` at the 1, 5 and 10 % levels (:data:`STAR_LEVELS`); ``""`` otherwise or NaN."""
    return significance_class(pvalue)


def markdown_stars(text: str) -> str:
    """Stars escaped for Markdown (never read as emphasis)."""
    return text.replace("*", "\\*")


def coefficient(result: Any, name: str, decimals: int | None = None) -> str:
    """``0.2850***``: the coefficient of ``name`` with its stars."""
    return f"{number(result.params[name], decimals)}{stars(float(result.pvalues[name]))}"


def estimate(result: Any, name: str, *, markdown: bool = False, se_label: str = "s.e. ") -> str:
    """``0.2850*** (s.e. 0.0054)``: coefficient, stars and standard error (Markdown-escaped stars),
    in the decimals of the smaller of the two."""
    d = decimals_for([result.params[name], result.std_errors[name]])
    text = f"{coefficient(result, name, d)} ({se_label}{number(result.std_errors[name], d)})"
    return markdown_stars(text) if markdown else text


# ----- variables in words -------------------------------------------------------------
#: What each model variable is, for table rows, headers and notes (METHODS.md §3–§6).
VARIABLE_WORDS = {
    "RH": "fusion", "HD": "interaction", "XT": "coordination", "ITR": "industrial transfer",
    "POL": "institutional distance", "ECO": "economic distance", "CUL": "cultural distance",
    "DIS": "distance × oil price", "GVC_P": "GVC participation", "GVC_D": "GVC position gap",
    "RCA_D": "comparative-advantage gap", "FTA": "free trade agreement", "LAB": "ln labour force",
    "RVC": "regional value-chain cooperation", "INC": "industrial agglomeration",
    "D1": "high-income partner", "D2": "medium/high-tech industry", "D3": "after 2013",
}
LAG_SUFFIX = "_lag1"


def short_label(name: str) -> str:
    """``lnITR`` → ``ln ITR``, ``lnITR x D1`` → ``ln ITR × D1``, ``lnITR_lag1`` → ``ln ITR (t−1)``."""
    if " x " in name:
        return " × ".join(short_label(part) for part in name.split(" x "))
    lag = name.endswith(LAG_SUFFIX)
    base = name.removesuffix(LAG_SUFFIX)
    text = f"ln {base[2:]}" if base.startswith("ln") and base[2:] in VARIABLE_WORDS else base
    return f"{text} (t−1)" if lag else text


def variable_label(name: str, scales: Any = None) -> str:
    """A model variable in words: ``ln ITR (industrial transfer)``, ``ln ITR × D1 (high-income
    partner)``, ``RVC (regional value-chain cooperation, per cent)`` when ``scales[name]`` is 100."""
    if " x " in name:
        treatment, dummy = name.split(" x ", 1)
        return f"{short_label(treatment)} × {dummy} ({VARIABLE_WORDS.get(dummy, dummy)})"
    base = name.removesuffix(LAG_SUFFIX)
    core = base[2:] if base.startswith("ln") and base[2:] in VARIABLE_WORDS else base
    words = VARIABLE_WORDS.get(core)
    unit = {100.0: "per cent"}.get(float((scales or {}).get(name, 1.0)), "")
    inner = ", ".join(filter(None, [words, unit, "t−1" if name.endswith(LAG_SUFFIX) else ""]))
    return f"{short_label(base)} ({inner})" if inner else short_label(name)


def scale_note(scales: Any) -> str:
    """What a rescaled variable means: ``RVC enters in per cent (the share × 100).``"""
    parts = [f"{short_label(v)} enters in per cent (the share × 100)" if float(f) == 100.0
             else f"{short_label(v)} enters multiplied by {f:g}" for v, f in (scales or {}).items()]
    return "; ".join(parts) + "." if parts else ""


def sample_note(loss: Any, *, limit: int = 8) -> str:
    """The estimation sample in words (METHODS.md §8): rows used, partners and cells lost to
    which variable, rows lacking each variable, controls omitted without restricting it."""
    if loss is None:
        return ""

    def names(variables) -> str:
        return ", ".join(short_label(v) for v in variables)

    def listed(items: list[str]) -> str:
        more = len(items) - limit
        return "; ".join(items[:limit]) + (f"; and {more} more" if more > 0 else "")

    text = [f"Sample: {integer(loss.used)} of {integer(loss.rows)} panel rows."]
    if loss.partners:
        text.append(f"Partners with no row left: {listed([f'{p} ({names(v)} missing)' for p, v in loss.partners.items()])}.")
    if loss.cells:
        text.append("Partner × industry cells with no row left: "
                    f"{listed([f'{p} {i} ({names(v)} missing)' for (p, i), v in loss.cells.items()])}.")
    if loss.by_variable:
        text.append("Rows lacking a variable: "
                    + ", ".join(f"{short_label(v)} {integer(n)}" for v, n in loss.by_variable.items()) + ".")
    if loss.omitted:
        text.append("Omitted controls (they do not restrict the sample): "
                    + ", ".join(f"{short_label(c)} ({why})" for c, why in loss.omitted.items()) + ".")
    return " ".join(text)


def gap(value: float) -> str:
    """A numerical discrepancy in words, without scientific notation: ``exactly zero``,
    ``zero to 13 decimal places`` (for 1.4e-14: the largest number of decimals at which it
    rounds to zero), or the number itself from 0.001 up (:func:`number`)."""
    value = abs(float(value))
    if not np.isfinite(value):
        return "undefined"
    if value == 0.0:
        return "exactly zero"
    if value >= 0.001:
        return number(value)
    places = int(np.floor(-np.log10(value)))
    while places > 0 and round(value, places) != 0.0:  # 0.00096 rounds to 0.001 at three places
        places -= 1
    return f"zero to {places} decimal places"


def p_value(p: float, *, spaced: bool = True) -> str:
    """``p = 0.034`` or ``p < 0.001``: three decimals, never ``p = 0.000`` (``spaced=False``:
    ``p=0.034``, ``p<0.001``)."""
    eq, lt = (" = ", " < ") if spaced else ("=", "<")
    if p is None or not np.isfinite(p):
        return f"p{eq}–"
    return f"p{lt}0.001" if p < 0.001 else f"p{eq}{p:.3f}"


def kp_lm(result: Any) -> str:
    """The Kleibergen–Paap rk LM cell of a table: ``12.34 (p<0.001)``, ``3.21 (p=0.073)``."""
    return f"{result.kp_lm:.2f} ({p_value(result.kp_lm_pvalue, spaced=False)})"


def kp_wald_f(result: Any) -> str:
    """The Kleibergen–Paap rk Wald F cell of a table: ``56.78``."""
    return f"{result.kp_wald_f:.2f}"


def conventions(result: Any) -> str:
    """The small-sample note of one estimated equation (standard errors, K, singletons)."""
    if result.cov_type == "robust":
        se = "heteroskedasticity-robust (HC1) standard errors, factor n/(n−K); p-values from t(n−K)"
    else:
        by = " × ".join(CLUSTER_VARIABLES[result.cov_type])
        se = (f"standard errors clustered by {by} ({result.n_clusters} clusters), factor G/(G−1)·(n−1)/(n−K); "
              "p-values from t(G−1)")
    single = ("singleton groups dropped iteratively" if result.singletons == "drop"
              else "singleton groups kept (as with explicit dummies)")
    return f"{se}; K counts the absorbed fixed effects; {single}."


COV_WORDS = {"robust": "heteroskedasticity-robust (HC1)", "cluster_partner": "partner-clustered",
             "cluster_partner_industry": "partner × industry-clustered"}


def mediation_note(med: Any) -> str:
    """What the indirect-effect rows of a mediation table rest on, and the verdict rule (METHODS.md §8)."""
    cov = COV_WORDS.get(med.mediator_equation.cov_type, med.mediator_equation.cov_type)
    boot = (f"{med.level:.0%} percentile bootstrap interval over {integer(med.bootstrap_reps)} resamples of the "
            f"{integer(med.n_units)} {med.bootstrap_unit} (the units the {cov} standard errors treat as "
            f"independent), seed {med.seed}" if med.bootstrap_reps else "no bootstrap interval (0 resamples)")
    form = ("the mediator enters in logs (ln M, as eq. 16 writes it)" if getattr(med, "form", "level") == "log"
            else "the mediator enters in levels (M, as Tables 6–7 label it)")
    return (f"Indirect effect α1·φ2 (α1: ln ITR on the mediator; φ2: the mediator on the index; φ1: ln ITR on "
            f"the index with the mediator); {form}. Sobel test with the {cov} standard errors of the "
            f"regressions; {boot}. Verdict (METHODS §8): mediation when α1·φ2 has the sign of φ1, masking when "
            "opposite; partial when |φ1| is below the β1 of Table 1 with controls, full when φ1 is not "
            "significant at 5 %; established only when α1 and φ2 are significant at 5 % and the bootstrap "
            "interval excludes zero, otherwise 'not established in this run'. The paper's verdict applies the "
            "same sign and size rules to its published coefficients and stars (it reports no interval).")


def heterogeneity_note(dummy: str = "D") -> str:
    """The rule behind the "Difference" rows of Tables 3–5 (METHODS.md §8)."""
    return (f"Difference: the effect of ln ITR is 'stronger' or 'weaker' in the group with {dummy} = 1 only when "
            f"the coefficient of ln ITR × {dummy} is significant at 5 % (stronger when it has the sign of the "
            "ln ITR coefficient), otherwise 'no detectable difference'; the paper's row applies the rule to its "
            "published stars (** or ***).")


def interval(low: float, high: float) -> str:
    """``[a, b]`` with :func:`number`, or ``not run`` when the interval is missing."""
    return f"[{number(low)}, {number(high)}]" if np.isfinite(low) else "not run"


def header(result: Any) -> list[str]:
    """The lines above an equation's coefficient table (estimator, N, R², effects, KP)."""
    lines = [f"{result.label}: {result.estimator}, dependent {result.dependent}",
             f"N = {integer(result.nobs)} (incomplete rows left out: {integer(result.n_dropped)}; singletons dropped: "
             f"{integer(result.n_singletons)}); R² (with FE) = {result.rsquared:.4f}; within R² = {result.rsquared_within:.4f}",
             f"fixed effects: {', '.join(result.effects) or 'none'} ({result.absorbed} absorbed parameters)"]
    if result.first_stage is not None:
        lines.append(f"instruments: {', '.join(result.instruments)} for {', '.join(result.endogenous)}; "
                     f"KP rk LM = {result.kp_lm:.2f} ({p_value(result.kp_lm_pvalue)}); "
                     f"KP rk Wald F = {result.kp_wald_f:.2f}")
    return lines


def summary(result: Any) -> str:
    """Plain-text summary of a regression (header, coefficient table, conventions) or of a
    mediation (its equations and the indirect effects)."""
    if hasattr(result, "outcome_equations"):
        return "\n\n".join([summary(result.mediator_equation),
                            *(summary(r) for r in result.outcome_equations.values()),
                            f"Indirect effects via {result.mediator}:",
                            result.effects.to_string(float_format=lambda v: f"{v:.4f}"), mediation_note(result)])
    return "\n".join([*header(result), result.coef_table().to_string(float_format=lambda v: f"{v:.4f}"),
                      conventions(result)])
