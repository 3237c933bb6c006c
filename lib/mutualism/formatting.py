"""Numbers into display text, in one place (METHODS.md §8 reporting conventions).

Everything that turns an estimate into characters lives here and is used by the
tables (:mod:`mutualism.tables`), the book's sentences and the CLI: four decimals as in
the paper, significance stars, a coefficient with its standard error, the
Kleibergen–Paap cells, the small-sample note under a table. Results
(:mod:`mutualism.results`) carry numbers only; this module reads their attributes and
imports nothing from estimation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .config import CLUSTER_VARIABLES

#: Significance levels of the stars ``***``, ``**``, ``*`` (the paper's convention).
STAR_LEVELS = (0.01, 0.05, 0.10)
STAR_NOTE = "*** p<0.01, ** p<0.05, * p<0.1."


def number(value: float) -> str:
    """Four decimals as in the paper; three significant digits in scientific notation below 0.001."""
    if not np.isfinite(value):
        return ""
    return f"{value:.2e}" if 0 < abs(value) < 0.001 else f"{value:.4f}"


def stars(pvalue: float) -> str:
    """``***``, ``**``, ``*`` at the 1, 5 and 10 % levels (:data:`STAR_LEVELS`); ``""`` otherwise or NaN."""
    if not np.isfinite(pvalue):
        return ""
    return next(("*" * (len(STAR_LEVELS) - k) for k, level in enumerate(STAR_LEVELS) if pvalue < level), "")


def markdown_stars(text: str) -> str:
    """Stars escaped for Markdown (never read as emphasis)."""
    return text.replace("*", "\\*")


def coefficient(result: Any, name: str) -> str:
    """``0.2850***``: the coefficient of ``name`` with its stars."""
    return f"{number(result.params[name])}{stars(float(result.pvalues[name]))}"


def estimate(result: Any, name: str, *, markdown: bool = False, se_label: str = "s.e. ") -> str:
    """``0.2850*** (s.e. 0.0054)``: coefficient, stars and standard error (Markdown-escaped stars)."""
    text = f"{coefficient(result, name)} ({se_label}{number(result.std_errors[name])})"
    return markdown_stars(text) if markdown else text


def kp_lm(result: Any) -> str:
    """The Kleibergen–Paap rk LM cell of a table: ``12.34 (p=0.000)``."""
    return f"{result.kp_lm:.2f} (p={result.kp_lm_pvalue:.3f})"


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


def mediation_note(med: Any) -> str:
    """What the indirect-effect rows of a mediation table rest on."""
    return (f"Indirect effect α1·φ2; Sobel test with {med.mediator_equation.cov_type} standard errors; "
            f"{med.level:.0%} percentile bootstrap interval over {med.bootstrap_reps} resamples of partners "
            f"(clusters), seed {med.seed}; verdict 'mediation' when α1·φ2 has the sign of φ1, 'masking' otherwise.")


def interval(low: float, high: float) -> str:
    """``[a, b]`` with :func:`number`, or ``not run`` when the interval is missing."""
    return f"[{number(low)}, {number(high)}]" if np.isfinite(low) else "not run"


def header(result: Any) -> list[str]:
    """The lines above an equation's coefficient table (estimator, N, R², effects, KP)."""
    lines = [f"{result.label}: {result.estimator}, dependent {result.dependent}",
             f"N = {result.nobs} (incomplete rows left out: {result.n_dropped}; singletons dropped: "
             f"{result.n_singletons}); R² (with FE) = {result.rsquared:.4f}; within R² = {result.rsquared_within:.4f}",
             f"fixed effects: {', '.join(result.effects) or 'none'} ({result.absorbed} absorbed parameters)"]
    if result.first_stage is not None:
        lines.append(f"instruments: {', '.join(result.instruments)} for {', '.join(result.endogenous)}; "
                     f"KP rk LM = {result.kp_lm:.2f} (p = {result.kp_lm_pvalue:.4f}); "
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
