"""Sentences of chapters 3–9 that state a verdict, each recorded as a claim (METHODS §8).

Every function here reads numbers from a run's results (``book.run_results``), takes the
verdicts of :mod:`mutualism.core.verdict` that the results carry (computed once when the
tables were estimated, :func:`mutualism.econometrics.paper.judge`; only the verdicts about
the sentences' own collections — shares, trends of a figure, rankings — are decided here),
writes a Markdown sentence that states the verdict's label and records it with
:func:`mutualism.core.claims.record`, naming where the numbers live (``where``) so that
``tests/test_claims.py`` can recompute the verdict from the run. Columns are found through
the layout of the paper's tables (:data:`mutualism.econometrics.layout.TABLES`); the
paper's published values through :func:`mutualism.core.published.published`.

Words: the three indices are *fusion* (RH), *interaction* (HD) and *coordination* (XT);
the term ``ln ITR × D`` is called "the term ln ITR × D1" (never "interaction", which is
the index); DVA names domestic value added in exports, the quality parameter of the
coordination index (VAX is reserved for Johnson–Noguera value-added exports).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Sequence

from ..core import claims, verdict
from ..core.published import published
from ..econometrics.layout import TABLES as LAYOUT
from ..econometrics.models import BOOTSTRAP_UNITS, interaction_name
from ..econometrics.paper import DUMMY_GROUPS, MEDIATORS, paper_iv_diagnostics, paper_mediation_verdicts
from .prose import INDEX_WORDS

#: Plain names of the dependent variables (the one mapping of :mod:`mutualism.book.prose`).
WORDS = INDEX_WORDS


def with_controls() -> dict[str, int]:
    """The with-controls columns of Table 1 by dependent variable (from the layout)."""
    return LAYOUT["1"].by_dependent("with_controls")


# ----- numbers -----------------------------------------------------------------------
def num(value: float) -> str:
    """A coefficient or standard error in fixed decimals (:func:`mutualism.report.formatting.number`)."""
    from ..report.formatting import number

    return number(float(value)) or "–"


def stars_md(p: float) -> str:
    """The significance class of ``p``, escaped for Markdown."""
    return verdict.significance_class(p).replace("*", "\\*")


def estimate_md(coef: float, se: float, p: float) -> str:
    """``0.2850*** (s.e. 0.0054)`` in Markdown."""
    return f"{num(coef)}{stars_md(p)} (s.e. {num(se)})"


def elasticity_percent(beta: float, change: float = 0.10) -> float:
    """Exact percentage change of the index for a ``change`` larger transfer:
    ``((1 + change)^β − 1) · 100`` (log–log model)."""
    return ((1.0 + change) ** float(beta) - 1.0) * 100.0


def p_text(p: float) -> str:
    """``p = 0.034``, or ``p < 0.001`` (never ``p = 0.000``)."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def count_word(n: int) -> str:
    """``three`` for 3 (small counts in words), else the digits."""
    return {2: "two", 3: "three", 4: "four"}.get(n, str(n))


def listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


# ----- reading the run ----------------------------------------------------------------
def paper_n() -> int:
    """The paper's number of observations (Table 1 with controls, ``data/paper_tables.csv``)."""
    return int(published("1", LAYOUT["1"].group("with_controls")[0].number, "lnITR")["n"])


def paper_signs(table: str, cols: Sequence[int], regressor: str) -> str:
    """The paper's coefficients of ``regressor`` in some columns, each with its index and stars."""
    parts = []
    for col in cols:
        row = published(table, col, regressor)
        if row is not None:
            parts.append(f"{WORDS.get(row['dependent'], row['dependent'])} {num(row['coef'])}"
                         f"{_paper_stars(row).replace('*', chr(92) + '*')}")
    return "; ".join(parts)


def _paper_stars(row: Mapping[str, Any]) -> str:
    return verdict.normalise_stars(row.get("stars"))


def _results_of(results, variant: str | None):
    return results.paper if variant is None else results.robustness[variant]


def _table(results, table: str, variant: str | None = None):
    return _results_of(results, variant).tables[table]


def column(results, table: str, col: int, *, variant: str | None = None):
    """Column ``col`` (1-based) of ``table``, or None when the table was not estimated."""
    paper = _results_of(results, variant)
    return paper.tables[table].columns[col - 1] if table in paper.tables else None


def coefficient(results, table: str, col: int, regressor: str, *, variant: str | None = None):
    """(coef, se, p) of one coefficient of the run."""
    c = column(results, table, col, variant=variant)
    return float(c.params[regressor]), float(c.std_errors[regressor]), float(c.pvalues[regressor])


def where(table: str, col: int, regressor: str, variant: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"table": table, "column": col, "regressor": regressor}
    if variant:
        out["variant"] = variant
    return out


def judged(results, table: str, col: int, regressor: str, *, variant: str | None = None) -> verdict.Effect:
    """The stored :class:`~mutualism.core.verdict.Effect` of one coefficient of the run."""
    return _table(results, table, variant).verdicts[(col, regressor)]


def compared(results, table: str, col: int, regressor: str, *, variant: str | None = None
             ) -> verdict.Agreement | None:
    """The stored agreement of one coefficient with the paper's (same table, column and
    cell), or None when the paper does not report it."""
    return _table(results, table, variant).agreements.get((col, regressor))


def _paper_factor(results, table: str, col: int, regressor: str, variant: str | None) -> float:
    """The factor that puts the paper's coefficient into this run's units (``tables.paper_factor``:
    a variable this run rescales, such as RVC in per cent, is unscaled in the paper)."""
    from ..report.tables import paper_factor

    paper = _results_of(results, variant)
    if table not in paper.tables:
        return 1.0
    return paper_factor(paper.tables[table], paper.tables[table].columns[col - 1].dependent, regressor)


# ----- one coefficient against the paper ---------------------------------------------
def coefficient_sentence(results, table: str, col: int, regressor: str, *, lead: str,
                         variant: str | None = None, with_agreement: bool = True) -> tuple[str, verdict.Effect]:
    """``lead: 0.2850*** (s.e. 0.0054), positive at 5 %; the paper: 0.2850***, agrees``;
    both (stored) verdicts recorded."""
    eff = judged(results, table, col, regressor, variant=variant)
    text = f"{lead}: {estimate_md(eff.coef, eff.se, eff.p)}, {eff.label} at 5 %"
    agree = compared(results, table, col, regressor, variant=variant) if with_agreement else None
    if agree is not None:
        factor = _paper_factor(results, table, col, regressor, variant)  # RVC in per cent here, a share there
        shown = num(agree.paper_coef * factor) if factor != 1.0 else num(agree.paper_coef)
        text += (f"; the paper: {shown}{agree.paper_stars.replace('*', chr(92) + '*')}"
                 + (" (converted to this run's units)" if factor != 1.0 else "") + f" — {agree.label}")
    loc = where(table, col, regressor, variant)
    claims.record(eff, text, where=loc)
    if agree is not None:
        claims.record(agree, text, where={**loc, "paper_regressor": _table(results, table, variant).paper_name(regressor)})
    return text, eff


def hypothesis_share(effects: Mapping[str, verdict.Effect], wheres: Mapping[str, Mapping[str, Any]], *,
                     what: str, subject: str) -> tuple[str, verdict.Share]:
    """``subject`` holds in all/some/none of the three indices, from ``Effect`` labels."""
    flags = {dep: e.label == "positive" for dep, e in effects.items()}
    sh = verdict.share(flags.values(), what=what)
    held = [WORDS[d] for d, ok in flags.items() if ok]
    detail = f" ({sh.holds} of {sh.total}: {listing(held)})" if 0 < sh.holds < sh.total else ""
    text = f"{subject} {sh.label} of the {count_word(sh.total)} indices{detail}"
    claims.record(sh, text, where={"share_of": [dict(w) for w in wheres.values()], "holds_when": "positive"})
    return text, sh


# ----- chapter 4 ----------------------------------------------------------------------
def baseline(results) -> str:
    """Table 1: each coefficient of ln ITR against the paper's, and Hypothesis 1."""
    if "1" not in results.paper.tables:
        return f"Table 1 could not be estimated on this run: {results.paper.failures.get('1', 'not run')}"
    layout = LAYOUT["1"]
    lines, effects, wheres = [], {}, {}
    for dep, col in with_controls().items():
        without, _ = coefficient_sentence(results, "1", layout.column("without_controls", dep), "lnITR",
                                          lead="without controls")
        with_, eff = coefficient_sentence(results, "1", col, "lnITR", lead="with controls")
        lines.append(f"- **{WORDS[dep]}**, {without}; {with_}.")
        effects[dep], wheres[dep] = eff, where("1", col, "lnITR")
    nobs = column(results, "1", layout.group("with_controls")[0].number).nobs
    h1, share = hypothesis_share(effects, wheres, what="positive elasticity at 5 % with controls",
                                 subject="With controls, a positive elasticity significant at 5 %")
    paper_side = ("as in the paper, where it holds for all three" if share.label == "holds in all"
                  else "whereas in the paper it holds for all three")
    return (f"The coefficient of ln ITR (N = {nobs:,}; the paper has {paper_n():,}):\n\n" + "\n".join(lines)
            + f"\n\n{h1}: {paper_side}. Hypothesis 1 predicts it for every index.")


def largest_elasticity(results) -> str:
    """The largest with-controls elasticity, read exactly: ``(1.1^β − 1)·100 %``."""
    if "1" not in results.paper.tables:
        return ""
    best = max(with_controls().items(), key=lambda kv: coefficient(results, "1", kv[1], "lnITR")[0])
    dep, col = best
    eff = judged(results, "1", col, "lnITR")
    coef = eff.coef
    pct = elasticity_percent(coef)
    if not eff.significant:
        text = (f"The largest of the three elasticities, for {WORDS[dep]} ({num(coef)}), is not significant at 5 %: "
                "this run gives no reliable size of the effect.")
        claims.record(eff, text, where=where("1", col, "lnITR"))
        return text
    text = (f"Read as an elasticity, the largest of the three effects ({WORDS[dep]}, {num(coef)}, {eff.label} at 5 %) "
            f"means that a transfer 10 % larger goes with a {abs(pct):.2f} % {'higher' if pct > 0 else 'lower'} "
            f"{WORDS[dep]} index (exactly (1.1^β − 1)·100 %, since both sides are in logs).")
    claims.record(eff, text, where=where("1", col, "lnITR"))
    return text


def lagged(results) -> str:
    """Table 1 with regressors at t−1."""
    if "1L" not in results.paper.tables:
        return f"The lagged specification could not be estimated: {results.paper.failures.get('1L', 'not run')}"
    cols = results.paper.tables["1L"].columns
    name = cols[0].params.index[0]
    lines, effects, wheres = [], {}, {}
    for k, c in enumerate(cols):
        text, eff = coefficient_sentence(results, "1L", k + 1, name, lead=f"**{WORDS[c.dependent]}**",
                                         with_agreement=False)
        lines.append(f"- {text}.")
        effects[c.dependent], wheres[c.dependent] = eff, where("1L", k + 1, name)
    h, share = hypothesis_share(effects, wheres, what="positive lagged elasticity at 5 %",
                                subject="A positive lagged elasticity significant at 5 %")
    return ("With every regressor at $t-1$, the coefficient of ln ITR at $t-1$:\n\n" + "\n".join(lines)
            + f"\n\n{h}; the paper reports all three positive and significant.")


# ----- chapter 5 ----------------------------------------------------------------------
def robustness(results, variants: Mapping[str, str]) -> str:
    """Each robustness variant of Table 1 (with controls): signs at 5 % and whether every index keeps a
    positive effect. ``variants`` maps a variant's name to its description."""
    lines, held_flags, wheres = [], [], []
    for name, label in variants.items():
        paper = results.robustness[name]
        if "1" not in paper.tables:
            lines.append(f"- {label}: not estimated ({paper.failures.get('1', 'not run')}).")
            continue
        parts, ok = [], True
        for dep, col in with_controls().items():
            eff = judged(results, "1", col, "lnITR", variant=name)
            part = f"{WORDS[dep]} {estimate_md(eff.coef, eff.se, eff.p)}, {eff.label}"
            claims.record(eff, part, where=where("1", col, "lnITR", name))
            parts.append(part)
            ok = ok and eff.label == "positive"
            wheres.append(where("1", col, "lnITR", name))
        held_flags.append(ok)
        nobs = column(results, "1", LAYOUT["1"].group("with_controls")[0].number, variant=name).nobs
        lines.append(f"- {label} (N = {nobs:,}): " + "; ".join(parts) + ".")
    sh = verdict.share(held_flags, what="a positive effect at 5 % on every index")
    detail = f" ({sh.holds} of {sh.total})" if 0 < sh.holds < sh.total else ""
    summary = (f"A positive effect significant at 5 % on every index {sh.label} of the checks estimated here"
               f"{detail}; the paper states that all three checks keep its conclusions.")
    claims.record(sh, summary, where={"share_of_groups": [[where("1", c, "lnITR", n)
                                                           for c in with_controls().values()]
                                                          for n in variants if "1" in results.robustness[n].tables],
                                      "holds_when": "positive"})
    return "\n".join(lines) + "\n\n" + summary


def rescaling_note(results, winsor: float) -> str:
    """How far dividing transfer by world output moves the elasticities, and why."""
    base, scaled = results.paper, results.robustness["world_output_share"]
    if "1" not in base.tables or "1" not in scaled.tables:
        return ""
    gap = max(abs(base.tables["1"].columns[c - 1].params["lnITR"] - scaled.tables["1"].columns[c - 1].params["lnITR"])
              for c in with_controls().values())
    text = (f"Rescaling by world output moves the elasticities by at most {num(gap)}. The year effects absorb a "
            "divisor common to all cells of a year, so in exact arithmetic the elasticity cannot change")
    if winsor > 0:
        return text + ("; a difference beyond rounding comes from the winsorising, which cuts the rescaled variable "
                       "at percentiles of the panel pooled over years and so may cut other cells.")
    return text + "; with no winsorising (`winsor: 0`) what remains is floating-point rounding."


# ----- chapter 6 ----------------------------------------------------------------------
def second_stage(results) -> str:
    """Table 2, second stage: each coefficient against the paper's and against OLS."""
    if "2" not in results.paper.tables:
        return f"Table 2 could not be estimated on this run: {results.paper.failures.get('2', 'not run')}"
    lines, effects, wheres = [], {}, {}
    second = LAYOUT["2"].by_dependent("second_stage")
    for dep, col in second.items():
        text, eff = coefficient_sentence(results, "2", col, "lnITR", lead=f"**{WORDS[dep]}**")
        ols = (f"; OLS with controls gave {num(coefficient(results, '1', with_controls()[dep], 'lnITR')[0])}"
               if "1" in results.paper.tables else "")
        lines.append(f"- {text}{ols}.")
        effects[dep], wheres[dep] = eff, where("2", col, "lnITR")
    h, _ = hypothesis_share(effects, wheres, what="positive instrumented effect at 5 %",
                            subject="Instrumented, a positive effect significant at 5 %")
    return ("Second stage, coefficient of ln ITR:\n\n" + "\n".join(lines)
            + f"\n\n{h}; the paper's second stages: " + paper_signs("2", tuple(second.values()), "lnITR") + ".")


def first_stage(results) -> str:
    if "2" not in results.paper.tables:
        return ""
    first = LAYOUT["2"].group("first_stage")[0]
    text, _ = coefficient_sentence(results, "2", first.number, first.treatment,
                                   lead="First stage, the coefficient of the labour force")
    return text + "."


def instrument_strength(results) -> str:
    """Table 2's Kleibergen–Paap statistics beside the paper's, and the strength of the
    instrument (the stored :func:`mutualism.core.verdict.instrument_strength`, recorded); with a
    weak instrument, the warning that the second stage is no evidence either way."""
    if "2" not in results.paper.tables:
        return ""
    from ..report.formatting import p_value

    table = results.paper.tables["2"]
    iv, strength = table.iv, table.strength
    theirs = paper_iv_diagnostics()
    if strength.label == verdict.NOT_ESTIMATED:
        text = (f"The Kleibergen–Paap statistics could not be computed on this run (the paper reports an rk LM of "
                f"{theirs['kp_lm']:.2f} and an rk Wald F of {theirs['wald_f']:.2f}): the strength of the instrument "
                f"is {strength.label}.")
    else:
        text = (f"The Kleibergen–Paap rk LM statistic is {iv.kp_lm:.2f} ({p_value(iv.kp_lm_pvalue)}; the paper "
                f"reports {theirs['kp_lm']:.2f}) and the rk Wald F is {iv.kp_wald_f:.2f} (the paper: "
                f"{theirs['wald_f']:.2f}), {strength.label} {strength.critical}.")
    if strength.weak:
        text += (" With an instrument this weak, 2SLS estimates are biased towards OLS and their tests are unreliable: "
                 "the second stage below should not be read as evidence either way.")
    column_of_iv = next(k for k, c in enumerate(table.columns, 1) if c is iv)
    claims.record(strength, text, where={"table": "2", "column": column_of_iv, "statistic": "kp_wald_f"})
    return text


# ----- chapter 7 ----------------------------------------------------------------------
def heterogeneity(results, key: str, dummy: str) -> str:
    """Table ``key``: the term ln ITR × ``dummy`` per index, judged by :func:`verdict.heterogeneity`."""
    if key not in results.paper.tables:
        return f"Table {key} could not be estimated on this run: {results.paper.failures.get(key, 'not run')}"
    name = interaction_name(dummy)
    yes, no = DUMMY_GROUPS[dummy]
    table = results.paper.tables[key]
    lines = []
    for k, col in enumerate(table.columns):
        het = table.heterogeneity[col.dependent]
        coef, se, p = het.coef, het.se, het.p
        beta1 = float(col.params["lnITR"])
        agree = table.agreements.get((k + 1, name))
        paper_text = (f"; the paper: {num(agree.paper_coef)}{agree.paper_stars.replace('*', chr(92) + '*')} — "
                      f"{agree.label}" if agree is not None else "")
        text = (f"- **{WORDS[col.dependent]}**: the term ln ITR × {dummy} is {estimate_md(coef, se, p)} "
                f"({p_text(p)}): {het.label}"
                + (f" (the elasticity is {num(beta1)} for {no} and {num(beta1 + coef)} for {yes})"
                   if het.label != "no detectable difference" else f" between {yes} and {no} at the 5 % level")
                + f"{paper_text}.")
        loc = where(key, k + 1, name)
        claims.record(het, text, where={**loc, "group": yes, "base_regressor": "lnITR"})
        if agree is not None:
            claims.record(agree, text, where={**loc, "paper_regressor": name})
        lines.append(text)
    return "\n".join(lines)


def heterogeneity_verdicts(results, key: str, dummy: str) -> dict[str, verdict.Heterogeneity]:
    """The stored heterogeneity verdict of each index in Table ``key`` (no sentence)."""
    if key not in results.paper.tables:
        return {}
    return dict(results.paper.tables[key].heterogeneity)


# ----- chapter 8 ----------------------------------------------------------------------
#: Where Tables 6 and 7 live, by mediator (from the layout).
MEDIATION_TABLES = {mediator: key for key, mediator in MEDIATORS.items()}


def mediation_verdicts(results, mediator: str) -> dict[str, verdict.Mediation]:
    """This run's stored verdict for each outcome of the mediation by ``mediator`` (METHODS §8
    (a)–(c), with the baseline β1 of Table 1: none when Table 1 was not estimated)."""
    paper = results.paper
    if mediator not in paper.mediation or "1" not in paper.tables:
        return {}
    return dict(paper.mediation[mediator].verdicts)


def paper_mediation_verdict(mediator: str, outcome: str) -> verdict.Mediation:
    """The paper's own verdict from its published Tables 1, 6, 7 (METHODS §8 (a), (b); stars
    for (c)): :func:`mutualism.econometrics.paper.paper_mediation_verdicts`, the one rule."""
    return paper_mediation_verdicts(MEDIATION_TABLES[mediator])[outcome]


def mediation(results, mediator: str, cov_type: str) -> str:
    """Table 6 or 7 in words: α1, then per index φ2, the indirect effect, its two tests
    reconciled, this run's verdict and the paper's beside it."""
    key = MEDIATION_TABLES[mediator]
    paper = results.paper
    if mediator not in paper.mediation:
        return f"Table {key} could not be estimated on this run: {paper.failures.get(key, 'not run')}"
    med = paper.mediation[mediator]
    m_name = med.mediator_equation.dependent
    alpha_text, _ = coefficient_sentence(results, key, LAYOUT[key].group("mediator")[0].number, "lnITR",
                                         lead=f"Transfer → {m_name}, $\\alpha_1$")
    lines = [alpha_text + "."]
    verdicts = mediation_verdicts(results, mediator)
    reps = int(med.effects["boot_reps"].max()) if len(med.effects) else 0
    for k, (outcome, v) in enumerate(verdicts.items()):
        row = med.effects.loc[outcome]
        theirs = med.paper_verdicts[outcome]
        if reps > 0 and math.isfinite(v.ci_low):
            covers = not (v.ci_low > 0 or v.ci_high < 0)
            unit = getattr(med, "bootstrap_unit", None) or BOOTSTRAP_UNITS[cov_type]
            interval = (f"bootstrap 95 % interval [{num(v.ci_low)}, {num(v.ci_high)}] over {int(row['boot_reps'])} "
                        f"resamples of {unit}, which {'includes' if covers else 'excludes'} zero")
        else:
            covers = True
            interval = "no bootstrap interval (bootstrap_reps = 0)"
        sobel_rejects = float(row["sobel_p"]) < 0.05
        reconcile = ""
        if sobel_rejects and covers:
            reconcile = (" The Sobel test rejects a zero indirect effect but the bootstrap interval does not: the "
                         "Sobel test assumes a normal product α1·φ2 and uses the standard errors of each path, "
                         "while the interval resamples the data; the verdict follows the interval (METHODS §8).")
        elif not sobel_rejects and not covers:
            reconcile = (" The bootstrap interval excludes zero while the Sobel test does not reject it; both are "
                         "reported, and the verdict also requires both paths significant at 5 %.")
        text = (f"- **{WORDS[outcome]}**: $\\varphi_2$ = {estimate_md(v.phi2, float(med.outcome_equations[outcome].std_errors[m_name]), v.phi2_p)}, "
                f"$\\varphi_1$ = {num(v.phi1)} against the baseline {num(v.baseline_beta1)}; indirect effect "
                f"$\\alpha_1\\varphi_2$ = {num(v.indirect)}, Sobel z = {float(row['sobel_z']):.2f} "
                f"({p_text(float(row['sobel_p']))}), {interval}. Verdict: **{v.label}**; the paper's "
                f"coefficients read as {theirs.label}.{reconcile}")
        claims.record(v, text, where={"mediator": mediator, "outcome": outcome})
        claims.record(theirs, text, where={"mediator": mediator, "outcome": outcome, "paper": True})
        lines.append(text)
    return "\n".join(lines)


#: Labels that count as mediation in the paper's direction.
MEDIATING = ("partial mediation", "full mediation", "mediation, direct effect not reduced")


def channels_summary(results) -> str:
    """Which channels this run establishes, against the paper's."""
    parts, flags, wheres = [], [], []
    for mediator in ("RVC", "INC"):
        for outcome, v in mediation_verdicts(results, mediator).items():
            theirs = results.paper.mediation[mediator].paper_verdicts[outcome]
            same = v.label == theirs.label or (v.label in MEDIATING and theirs.label in MEDIATING)
            flags.append(same)
            wheres.append({"mediator": mediator, "outcome": outcome})
            parts.append(f"{mediator} for {WORDS[outcome]}: {v.label} (the paper: {theirs.label})")
    if not parts:
        return "Neither mediation table could be estimated on this run."
    sh = verdict.share(flags, what="this run's verdict matches the paper's")
    detail = f" ({sh.holds} of {sh.total})" if 0 < sh.holds < sh.total else ""
    text = (f"In this run: " + "; ".join(parts) + f". The paper's verdict is reproduced: {sh.label} of the "
            f"{sh.total} channel–index pairs{detail}.")
    claims.record(sh, text, where={"mediation_match": wheres})
    return text


# ----- chapter 3: trends ----------------------------------------------------------------
def trend_numbers(tr: verdict.Trend) -> str:
    """``slope 0.0012 a year, 95 % interval [0.0005, 0.0019]`` in fixed decimals."""
    from ..report.formatting import decimals_for, number

    d = decimals_for([tr.slope, tr.ci_low, tr.ci_high])
    return (f"slope {number(tr.slope, d)} a year, 95 % interval [{number(tr.ci_low, d)}, "
            f"{number(tr.ci_high, d)}]")


def trend_of(data, index: str, group: str, stat: str = "median") -> verdict.Trend:
    """The trend of one line of a figure (:func:`mutualism.report.figures.figure2_data` format)."""
    line = data[(data["index"] == index) & (data["group"] == group)].sort_values("year")
    return verdict.trend(line["year"], line[stat])


def trend_sentence(data, index: str, group: str, *, figure: str, stat: str = "median") -> tuple[str, verdict.Trend]:
    tr = trend_of(data, index, group, stat)
    if math.isfinite(tr.ci_low):
        detail = f"{trend_numbers(tr)}, {tr.first_year}–{tr.last_year}"
    else:
        detail = f"{tr.n_years} years: too few for an interval"
    text = f"{WORDS[index]} {tr.label} ({detail})"
    claims.record(tr, text, where={"figure": figure, "index": index, "group": group, "stat": stat})
    return text, tr


def overall_trends(data, group: str, *, figure: str = "figure2") -> tuple[str, dict[str, verdict.Trend]]:
    """Sentence on the three lines of ``group`` (the paper reports all three rising)."""
    texts, trends = [], {}
    for index in ("RH", "HD", "XT"):
        t, tr = trend_sentence(data, index, group, figure=figure)
        texts.append(t)
        trends[index] = tr
    sh = verdict.share([t.label == "rose" for t in trends.values()], what="the index rose")
    detail = f" ({sh.holds} of {sh.total})" if 0 < sh.holds < sh.total else ""
    summary = (f"A rising trend (OLS slope on the year whose 95 % interval excludes zero) {sh.label} of the three "
               f"indices{detail}; the paper reports all three rising.")
    claims.record(sh, summary, where={"trend_share": [{"figure": figure, "index": i, "group": group,
                                                        "stat": "median"} for i in trends],
                                      "holds_when": "rose"})
    return "; ".join(texts) + ". " + summary, trends


def industry_trend_share(data, index: str, groups: Iterable[str], *, figure: str = "figure3") -> str:
    """In how many industries ``index`` rose (by :func:`verdict.trend`)."""
    groups = list(groups)
    flags = [trend_of(data, index, g).label == "rose" for g in groups]
    sh = verdict.share(flags, what=f"{WORDS[index]} rose")
    detail = f" ({sh.holds} of {sh.total})" if 0 < sh.holds < sh.total else ""
    text = f"A rising trend of {WORDS[index]} {sh.label} of the {sh.total} industries{detail}."
    claims.record(sh, text, where={"trend_share": [{"figure": figure, "index": index, "group": g, "stat": "median"}
                                                   for g in groups], "holds_when": "rose"})
    return text


#: The region the paper reports first on all three indices (its Figure 2: China's neighbours
#: in East and Southeast Asia).
PAPER_TOP_REGION = "Asia"


def top_regions(data, all_partners: str, *, figure: str = "figure2") -> str:
    """The region with the highest average median of each index (the lines of ``figure``
    other than ``all_partners``, :func:`mutualism.book.prose.levels`), and whether it is
    the paper's (:data:`PAPER_TOP_REGION`): a share over the three indices
    (:func:`verdict.share`), recorded."""
    indices = ("RH", "HD", "XT")
    top = {i: groups[0] for i, groups in _top_groups(data, indices, 1, exclude=[all_partners]).items()}
    sh = verdict.share([top[i] == PAPER_TOP_REGION for i in indices],
                       what=f"{PAPER_TOP_REGION} first among the regions on an index")
    first = [WORDS[i] for i in indices if top[i] == PAPER_TOP_REGION]
    count = f" ({sh.holds} of {sh.total}: {listing(first)})" if 0 < sh.holds < sh.total else ""
    text = (f"Averaged over the years, the region with the highest median is {top['RH']} for {WORDS['RH']}, "
            f"{top['HD']} for {WORDS['HD']} and {top['XT']} for {WORDS['XT']}. The paper reports its neighbours in "
            f"East and Southeast Asia first on all three; here {PAPER_TOP_REGION}'s first place {sh.label} of the "
            f"{sh.total} indices{count}.")
    claims.record(sh, text, where=_ranking_where(figure, [(i, PAPER_TOP_REGION) for i in indices], 1,
                                                 exclude=[all_partners]))
    return text


def _top_groups(data, indices: Sequence[str], top: int, *, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """The ``top`` lines (groups) of each index with the highest average median over the
    years (:func:`mutualism.book.prose.levels`), best first, ``exclude`` left out."""
    from .prose import levels

    ranked = levels(data)
    if exclude:
        ranked = ranked.drop(index=list(exclude), level="group")
    return {i: ranked.xs(i, level="index")["level"].nlargest(top).index.tolist() for i in indices}


def _ranking_where(figure: str, pairs: Sequence[tuple[str, str]], top: int, *, exclude: Sequence[str] = ()) -> dict:
    """Where a ranking claim rests: for each (index, group), the figure's line and its
    place among the ``top`` (the check of tests/test_claims.py recounts it)."""
    extra = {"exclude": list(exclude)} if exclude else {}
    return {"ranking": [{"figure": figure, "index": i, "group": g, "stat": "median", "top": top, **extra}
                        for i, g in pairs], "holds_when": "among the top"}


#: The two industries the paper singles out as the most symbiotic (its Figure 3): electrical
#: equipment and machinery, textiles and clothing.
PAPER_TOP_INDUSTRIES = ("C9", "C5")


def top_industries(data, names: Mapping[str, str], *, figure: str = "figure3") -> str:
    """The two industries with the highest average median of each index (the lines of
    ``figure``, :func:`mutualism.book.prose.levels`), and whether the paper's two
    (:data:`PAPER_TOP_INDUSTRIES`) are among them: a share over the (industry, index) pairs
    (:func:`verdict.share`), recorded."""
    indices, top = ("RH", "HD", "XT"), len(PAPER_TOP_INDUSTRIES)
    best = _top_groups(data, indices, top)
    paper_top = [f"{c} {names[c]}" for c in PAPER_TOP_INDUSTRIES]
    shared = {i: [g for g in paper_top if g in best[i]] for i in indices}
    sh = verdict.share([g in best[i] for i in indices for g in paper_top],
                       what="one of the paper's most symbiotic industries among this run's top two of an index")
    both = [WORDS[i] for i in indices if len(shared[i]) == len(paper_top)]
    one = {i: shared[i][0] for i in indices if len(shared[i]) == 1}
    neither = [WORDS[i] for i in indices if not shared[i]]
    if len(neither) == len(indices):
        detail = "neither is among the top two on any index"
    else:
        parts = []
        if both:
            parts.append("both are the top two here on all three indices" if len(both) == len(indices) else
                         f"both are the top two here on {listing(both)}")
        parts += [f"on {WORDS[i]} only {g.split(' ', 1)[0]} is among the top two (ranked {best[i].index(g) + 1})"
                  for i, g in one.items()]
        if neither:
            parts.append(f"on {listing(neither)} neither is")
        detail = "; ".join(parts)
    count = f" ({sh.holds} of {sh.total})" if 0 < sh.holds < sh.total else ""
    text = ("The two industries with the highest average median are "
            + "; ".join(f"for {WORDS[i]}, {best[i][0]} and {best[i][1]}" for i in indices)
            + ". The paper singles out electrical equipment and machinery (C9) and textiles (C5) as the most symbiotic "
            f"industries: a place among this run's top two {sh.label} of the {sh.total} pairs of one of them and one "
            f"index{count}; {detail}.")
    claims.record(sh, text, where=_ranking_where(figure, [(i, g) for i in indices for g in paper_top], top))
    return text


# ----- chapter 9: the paper's findings and policy implications ----------------------------
#: Status of a finding from the share of its testable parts that hold in this run.
def status(share: verdict.Share, untestable: int = 0) -> str:
    """``supported`` (every condition holds), ``supported where testable`` (every testable
    condition holds, ``untestable`` others could not be estimated), ``not supported`` (one
    fails) or ``not testable in this run`` (none could be estimated)."""
    if share.label == "holds in all":
        return "supported where testable" if untestable else "supported"
    return "not testable in this run" if share.label == "no specification" else "not supported"


#: Status of each finding as :func:`findings` last printed it (read by :func:`policy`).
_STATUS: dict[int, str] = {}


def _finding(number: int, restated: str, parts: Sequence[tuple[str, bool | None, Mapping[str, Any]]],
             untestable: Sequence[str] = ()) -> tuple[str, verdict.Share]:
    """One finding: the paper's claim in our words, then its status from its testable parts.

    ``parts``: (what, holds or None when not estimable, where) per condition."""
    testable = [(w, h, loc) for w, h, loc in parts if h is not None]
    sh = verdict.share([bool(h) for _, h, _ in testable], what=f"finding {number}")
    st = status(sh, len(parts) - len(testable) + len(untestable))
    held = [w for w, h, _ in testable if h]
    failed = [w for w, h, _ in testable if not h]
    missing = [w for w, h, _ in parts if h is None] + list(untestable)
    reason = []
    if testable:
        reason.append(f"its {count_word(sh.total)} testable conditions: the run's evidence {sh.label}")
    else:
        reason.append(f"{sh.label} of this run can test it")
    if held and failed:
        reason.append(f"holds: {listing(held)}; does not hold: {listing(failed)}")
    elif failed:
        reason.append(f"does not hold: {listing(failed)}")
    if missing:
        reason.append(f"cannot be estimated on this run: {listing(missing)}")
    text = f"{number}. {restated} — **{st}** ({'; '.join(reason)})."
    claims.record(sh, text, where={"finding": number, "parts": [{"what": w, "holds": h, "where": dict(loc)}
                                                                for w, h, loc in parts]})
    _STATUS[number] = st
    return text, sh


def findings(results, figure2, all_partners: str) -> tuple[str, dict[int, verdict.Share]]:
    """The paper's three findings (its section VII), restated and marked from this run's verdicts."""
    out: dict[int, verdict.Share] = {}
    texts = []
    # 1. levels and trends
    parts = []
    for index in ("RH", "HD", "XT"):
        tr = trend_of(figure2, index, all_partners)
        parts.append((f"{WORDS[index]} rose", tr.label == "rose",
                      {"figure": "figure2", "index": index, "group": all_partners, "stat": "median"}))
    t, out[1] = _finding(1, "Mutualism between China's manufacturing and its partners' grew over the period, with "
                            "large gaps between industries (highest in electrical equipment and machinery and in "
                            "textiles and clothing) and between regions (highest with the neighbours in East and "
                            "Southeast Asia); only the rise over time is a testable condition here, the rankings "
                            "are described in chapter 3", parts)
    texts.append(t)
    # 2. transfer raises mutualism, through value chains and agglomeration
    parts = []
    for dep, col in with_controls().items():
        if "1" in results.paper.tables:
            e = judged(results, "1", col, "lnITR")
            parts.append((f"a positive effect on {WORDS[dep]}", e.label == "positive", where("1", col, "lnITR")))
        else:
            parts.append((f"a positive effect on {WORDS[dep]}", None, where("1", col, "lnITR")))
    for mediator, name in (("RVC", "value-chain cooperation"), ("INC", "agglomeration")):
        verdicts = mediation_verdicts(results, mediator)
        for outcome in ("lnRH", "lnHD", "lnXT"):
            theirs = paper_mediation_verdict(mediator, outcome)
            loc = {"mediator": mediator, "outcome": outcome}
            what = f"{name} {'masking' if theirs.label == 'masking' else 'mediating'} for {WORDS[outcome]}"
            if outcome not in verdicts:
                parts.append((what, None, loc))
                continue
            v = verdicts[outcome]
            parts.append((what, v.label == theirs.label or (v.label in MEDIATING and theirs.label in MEDIATING), loc))
    t, out[2] = _finding(2, "Transfer between China and its partners raises the mutualism of their industries, "
                            "and does so mainly by deepening regional value-chain cooperation and by concentrating "
                            "the industry's value added in the pair; the value-chain channel is uneven (in the "
                            "paper it works against fusion while it supports the other two indices)", parts)
    texts.append(t)
    # 3. heterogeneity
    parts = []
    for key, dummy, deps in (("3", "D1", ("lnHD", "lnXT")), ("4", "D2", ("lnHD", "lnXT")),
                             ("5", "D3", ("lnRH", "lnHD", "lnXT"))):
        verdicts = heterogeneity_verdicts(results, key, dummy)
        group = DUMMY_GROUPS[dummy][0]
        for dep in deps:
            loc = {**where(key, LAYOUT[key].column("outcomes", dep), interaction_name(dummy)), "group": group,
                   "base_regressor": "lnITR"}
            holds = None if dep not in verdicts else verdicts[dep].label == f"stronger in {group}"
            parts.append((f"stronger {WORDS[dep]} effect in {group}", holds, loc))
    t, out[3] = _finding(3, "The effect differs by region, industry and period: transfer does more for interaction "
                            "and coordination with high-income partners and in medium- and high-technology "
                            "industries, and since the initiative was announced it does more for all three "
                            "indices", parts)
    texts.append(t)
    return "\n".join(texts), out


def policy(shares: Mapping[int, verdict.Share], statuses: Mapping[int, str] | None = None) -> str:
    """The paper's three groups of policy implications, in our words, with the status of
    the findings each rests on (``statuses``: those :func:`findings` printed)."""
    statuses = {**_STATUS, **dict(statuses or {})}
    items = [
        ("Strengthen the links along the chain, so that transferred industries fuse, interact and move together "
         "with their hosts: wider and deeper free-trade agreements, easier investment, more cultural and political "
         "exchange and better infrastructure, and Chinese capacity that goes abroad as part of a regional division "
         "of labour.", (2,)),
        ("Move in stages: first the industries where the pair is already most symbiotic (electrical equipment and "
         "machinery, textiles and clothing), joint work in medium- and high-technology industries, and the "
         "neighbours in East and Southeast Asia before spreading outwards.", (1, 3)),
        ("Let transferred industries integrate across borders and cluster locally: chains led by Chinese firms "
         "extended into partner countries, better services for overseas investment and cooperation parks, and "
         "suppliers that move together with their buyers.", (2,)),
    ]
    lines = []
    for k, (text, rests_on) in enumerate(items, 1):
        marks = "; ".join(f"finding {n}, {statuses.get(n, status(shares[n]))} ({shares[n].label} of its testable "
                          "conditions)" for n in rests_on if n in shares)
        line = f"{k}. {text} *Rests on* {marks}."
        for n in rests_on:
            if n in shares:
                claims.record(shares[n], line, where={"finding": n, "policy": k})
        lines.append(line)
    return "\n".join(lines)


def mediator_form_note(results, form: str) -> str:
    """Which form of the mediator this run uses, its unit, and the paper's ambiguity (METHODS §8)."""
    used = ("in levels, as Tables 6–7 label the regressor (`mediator_form: level`)"
            if form == "level" else "in logs, $\\ln M$, as eq. 16 writes it (`mediator_form: log`)")
    units = []
    for mediator, med in results.paper.mediation.items():
        scale = float(getattr(med, "scale", 1.0) or 1.0)
        if form == "log":
            units.append(f"$\\varphi_2$ of {mediator} is the change of the log index for a 1 % larger {mediator}")
        elif scale == 100.0:
            units.append(f"{mediator} enters in per cent, so its $\\varphi_2$ is the change of the log index for one "
                         "percentage point more (the paper's coefficient is per unit of the share, 100 times larger)")
        else:
            units.append(f"{mediator} enters in its own units (scale {scale:g})")
    return ("```{note}\nThe paper is ambiguous about the mediator's form: its eq. 16 enters $\\ln M$, while Tables "
            f"6–7 label the regressor $M$. This run enters the mediator {used}; the other reading is option "
            "`mediator_form`. " + ("; ".join(units) + "." if units else "") + "\n```")


def paper_partial_mediation(mediator: str) -> str:
    """What the paper's own coefficients say about the size of mediation (partial vs full)."""
    key = MEDIATION_TABLES[mediator]
    parts = []
    for outcome, col in LAYOUT[key].by_dependent("outcomes").items():
        theirs = paper_mediation_verdict(mediator, outcome)
        phi1 = published(key, col, "lnITR")
        text = (f"{WORDS[outcome]}: $\\varphi_1$ = {num(phi1['coef'])}{_paper_stars(phi1).replace('*', chr(92) + '*')} "
                f"against $\\beta_1$ = {num(theirs.baseline_beta1)}, {theirs.label}")
        claims.record(theirs, text, where={"mediator": mediator, "outcome": outcome, "paper": True})
        parts.append(text)
    return (f"By the paper's own numbers (Tables 1 and {key}), the direct effect of transfer stays significant once "
            f"{mediator} is added: " + "; ".join(parts) + ". A channel that leaves a significant direct effect "
            "mediates part of the effect, not all of it.")


# ----- chapter 3: sample losses and bookkeeping -----------------------------------------
def sample_losses(panel) -> str:
    """Which variable removed which partners, years or cells from the panel (the panel's
    removals report), or that none did."""
    removals = getattr(panel, "removals", None)
    if removals is None or len(removals) == 0:
        return "No model variable is missing for a whole partner or year: no partner leaves the sample."
    from ..econometrics.panel import describe_removals

    return ("Where the sample loses cells, by variable and cause (a control that the fixed effects absorb "
            "does not shrink the estimation sample, METHODS §8):\n\n"
            + "\n".join(f"- {line}" for line in describe_removals(panel)))


def attribution_note(attribution: str) -> str:
    """The two bookkeepings of DVA_FIN (METHODS §4): which one transfer uses in this run."""
    used = ("`itr_attribution: source`: each route counts the value added by the industry of the exporting country "
            "that generated it" if attribution == "source" else
            "`itr_attribution: exporting`: each route counts the value added, from all of the exporting country's "
            "industries, embodied in the exports of industry *i*")
    return ("```{note}\nTwo bookkeepings of domestic value added in final-goods exports (DVA_FIN) appear in this "
            "book. The WWZ decomposition of chapter 2 assigns it to the *exporting* sector. The paper defines "
            "transfer in words only (its eqs. 13–14 name the five routes, with no matrix formula), as the value added "
            "produced by what industry *i* of country *a* exports, within the WWZ framework it cites: that is the "
            "exporting-sector reading, `itr_attribution: exporting`. The book's default is `source`, the value added "
            "that industry *i* itself generates, because that is what the fusion and interaction indices count "
            "(their shares are $v_{ri}B_{ri,ci}$, value added generated in industry *i*, METHODS §3): with it both "
            "sides of eq. (12) count the same value added. "
            f"This run's transfer uses {used} (METHODS §4). The two agree when summed over a "
            "country's industries, not industry by industry; option `itr_attribution` switches between them, and "
            "chapter 4 shows how much Table 1 moves when it does.\n```")


#: Readable headers of the panel's data-quality report (columns of ``Panel.quality``).
QUALITY_HEADERS = {"rows": "panel rows", "usable": "usable", "missing_zero_output": "missing: zero output",
                   "missing_undefined_XT": "missing: coordination undefined",
                   "missing_engine": "missing: other gap in the indices", "missing_control": "missing: control",
                   "nonpositive_before_log": "dropped at the log (not positive)",
                   "winsorised_low": "winsorised, low tail", "winsorised_high": "winsorised, high tail"}


def quality_table(quality):
    """The data-quality report with readable headers, whole numbers, one row per variable."""
    shown = [c for c in QUALITY_HEADERS if c in quality.columns]
    table = quality[shown].astype("int64").rename(columns=QUALITY_HEADERS)
    table.index.name = "variable"
    return table


def quality_caption(winsor: float) -> str:
    """Caption of the data-quality table."""
    trim = (f"values cut by winsorising at the {winsor:.0%} and {1 - winsor:.0%} points of the pooled panel"
            if winsor > 0 else "no winsorising in this run (`winsor: 0`)")
    return ("**Data quality.** For each variable of the panel: the rows, how many are usable, and why the others "
            "are missing: China's or the partner's industry has zero output (METHODS §1); the coordination index "
            "is undefined because the two growth rates are equal or domestic value added in exports (DVA) was not "
            "positive the year before (§3.3); another gap in the indices; a partner-year without that control "
            f"(§6); a value that is not positive where the model takes its log (§8); and the {trim}.")


# ----- chapter 4: how much the DVA_FIN bookkeeping moves Table 1 ---------------------------
def _attribution_table1(params):
    """Table 1 of ``params`` (no bootstrap), cached beside the run's results."""
    import contextlib
    import io
    import warnings

    import joblib

    from ..core.cache import cached
    from .runs import results_key

    def compute():
        from ..gvc.indices import compute_indices
        from ..econometrics.panel import assemble
        from ..econometrics.paper import run_paper

        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            indices = compute_indices(params, progress=False)
            panel = assemble(params, indices=indices, progress=False)
            return run_paper(panel, cov_type=params.cov_type, bootstrap_reps=0, seed=params.seed, only=["1"])

    from pathlib import Path

    path = Path(params.cache_dir) / "results" / f"table1-{results_key(params)}.joblib"
    return cached(path, compute, save=lambda value, tmp: joblib.dump(value, tmp), load=joblib.load)


def attribution_comparison(results) -> str:
    """Table 1 (with controls) under the other ``itr_attribution`` (METHODS §4), beside this run's."""
    params = results.params
    other = "exporting" if params.itr_attribution == "source" else "source"
    variant = _attribution_table1(params.with_(itr_attribution=other, bootstrap_reps=0))
    if "1" not in results.paper.tables or "1" not in variant.tables:
        return (f"Table 1 could not be estimated under `itr_attribution: {other}`: "
                f"{variant.failures.get('1', 'not run')}")
    parts, gaps = [], []
    first = LAYOUT["1"].group("with_controls")[0].number
    for dep, col in with_controls().items():
        mine = results.paper.tables["1"].columns[col - 1]
        theirs = variant.tables["1"].columns[col - 1]
        a, b = float(mine.params["lnITR"]), float(theirs.params["lnITR"])
        gaps.append(abs(a - b))
        parts.append(f"{WORDS[dep]} {num(b)}{stars_md(float(theirs.pvalues['lnITR']))} against "
                     f"{num(a)}{stars_md(float(mine.pvalues['lnITR']))}")
    return (f"How much the bookkeeping of domestic value added in final-goods exports matters (chapter 3 explains "
            f"the two readings of the paper): with `itr_attribution: {other}` instead of "
            f"`{params.itr_attribution}` (every other option unchanged), the elasticities of Table 1 with controls "
            f"are " + "; ".join(parts) + f" (N = {variant.tables['1'].columns[first - 1].nobs:,} against "
            f"{results.paper.tables['1'].columns[first - 1].nobs:,}); the largest change is {num(max(gaps))}.")


def opposite_signs(results, card) -> str:
    """The published coefficients whose sign this run reverses, in words (each an Agreement claim)."""
    lines = []
    for row in card[card["coef_run"].notna()].itertuples():
        key = str(row.table)
        table = results.paper.tables[key]
        regressor = table.aliases.get(row.regressor, row.regressor)
        agree = compared(results, key, int(row.column), regressor)
        if agree is None or agree.label != "opposite sign":
            continue
        dep = table.columns[int(row.column) - 1].dependent
        shown = regressor.replace(" x ", " × ").replace("lnITR", "ln ITR")
        text = (f"Table {key}, column ({row.column}), {WORDS.get(dep, dep)} on {shown}: {num(agree.coef)} against the paper's "
                f"{num(agree.paper_coef)}, opposite sign")
        claims.record(agree, text, where={**where(key, int(row.column), regressor), "paper_regressor": row.regressor})
        lines.append(f"- {text}")
    if not lines:
        return "No estimated coefficient has the opposite sign of the paper's."
    return "Coefficients with **the opposite sign** of the paper's:\n\n" + "\n".join(lines)
