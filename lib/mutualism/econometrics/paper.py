"""The paper's specification (METHODS.md §8): which equations make Tables 1–7, on which
samples, with which controls, and how a table that cannot be estimated is reported.

:func:`run_paper` estimates every table of the paper on a :class:`~mutualism.econometrics.panel.Panel`
with the models of :mod:`mutualism.econometrics.models` and returns a
:class:`~mutualism.econometrics.results.PaperResults` of numbers; :mod:`mutualism.report.tables` lays them out.

* Estimation sample (§8): :func:`estimation_sample` — the rows with the table's variables
  and every control that enters; a control the fixed effects absorb does not restrict it;
  :func:`sample_loss` records which partners and cells were lost to which variable.
* Units: :data:`SCALES` (RVC in per cent); ``mediator_form`` ``level`` | ``log`` (§8).
* Verdicts (§8): Tables 3–5 carry :func:`mutualism.core.verdict.heterogeneity` of each
  interaction, Tables 6–7 :func:`mutualism.core.verdict.mediation` with the baseline β1 of
  Table 1 (with controls); beside each, the paper's own verdict from
  ``data/paper_tables.csv`` (:mod:`mutualism.core.published`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core import verdict
from ..core.config import COV_TYPES, MEDIATOR_FORMS
from ..core.errors import EstimationError, UnknownOptionError, check_option
from .fe import ABSORBED_TOL, EFFECTS, absorber, single_threaded
from .models import (INSTRUMENT, TREATMENT, fe_iv, fe_interaction, fe_ols, interaction_name, mediation,
                     with_interaction)
from .panel import CONTROLS, DEPENDENTS, LAG_SUFFIX, Panel
from ..core.published import published
from .results import MediationResult, PaperResults, RegressionTable, SampleLoss
from ..core.verdict import Heterogeneity, Mediation

TITLES = {
    "1": "Table 1 Baseline regressions",
    "1L": "Table 1 (lagged) Baseline regressions with regressors at t−1",
    "2": "Table 2 Instrumental-variable estimates",
    "3": "Table 3 Regional heterogeneity (D1: high-income partner)",
    "4": "Table 4 Industry heterogeneity (D2: medium/high-tech industry)",
    "5": "Table 5 Period heterogeneity (D3: after 2013)",
    "6": "Table 6 Mediation by regional value-chain cooperation (RVC)",
    "7": "Table 7 Mediation by industrial agglomeration (INC)",
}


#: Factors applied to a variable before it enters a regression, so that its coefficients
#: read in sensible units (METHODS.md §5: RVC is a share of gross exports of the order of
#: 1e-4; it enters in per cent). Tables say so in their note.
SCALES = {"RVC": 100.0}
MEDIATORS = {"6": "RVC", "7": "INC"}
#: The heterogeneity tables and the group each dummy marks with 1 (METHODS.md §6).
DUMMIES = {"3": "D1", "4": "D2", "5": "D3"}
#: The two sides of each heterogeneity dummy (METHODS §6): (D = 1, D = 0).
DUMMY_GROUPS = {"D1": ("high-income partners", "developing partners"),
                "D2": ("medium/high-tech industries", "low-tech industries"),
                "D3": ("the years after 2013", "2013 and before")}


def mediator_column(mediator: str, form: str) -> str:
    """The regressor of eq. 16: ``M`` (``form='level'``, as Tables 6–7 label it) or ``lnM`` (``'log'``)."""
    check_option("mediator_form", form, MEDIATOR_FORMS)
    return f"ln{mediator}" if form == "log" else mediator


def model_data(panel: Panel, mediator_form: str = "level") -> pd.DataFrame:
    """The panel's data (with lags) as it enters the models: :data:`SCALES` applied to the
    mediators in levels; with ``mediator_form='log'`` the columns ``lnRVC``, ``lnINC``
    (natural log of the positive values; a non-positive value is missing and counted in the
    table's sample note)."""
    check_option("mediator_form", mediator_form, MEDIATOR_FORMS)
    data = panel.lagged().data.copy()
    for m in MEDIATORS.values():
        if mediator_form == "log":
            data[f"ln{m}"] = np.log(data[m].where(data[m] > 0))
        else:
            data[m] = data[m] * SCALES.get(m, 1.0)
    return data


def _common(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.dropna(subset=list(dict.fromkeys(columns)))


def usable_controls(data: pd.DataFrame, controls: Sequence[str], effects: Sequence[str] = EFFECTS
                    ) -> tuple[list[str], dict[str, str]]:
    """Controls that vary within the effects on ``data``'s complete rows, and why others are omitted.

    Like Stata's "omitted because of collinearity": a control that is constant, or
    constant within the effects (e.g. ``FTA`` when no agreement changes status in the
    sample), cannot be estimated; :func:`run_paper` leaves it out and says so in the
    table note, while the reported regressors still raise :class:`EstimationError`.
    """
    sample = data.dropna(subset=list(controls)).reset_index(drop=True)
    if sample.empty:
        return list(controls), {}
    project = absorber(sample, effects)
    kept, omitted = [], {}
    for c in controls:
        values = sample[c].to_numpy(dtype=float)
        if np.ptp(values) == 0:
            omitted[c] = "no variation"
        elif np.linalg.norm(project(values)) <= ABSORBED_TOL * np.linalg.norm(values - values.mean()):
            omitted[c] = "absorbed by the fixed effects"
        else:
            kept.append(c)
    return kept, omitted


def estimation_sample(data: pd.DataFrame, columns: Sequence[str], controls: Sequence[str],
                      effects: Sequence[str] = EFFECTS) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """The estimation sample of METHODS.md §8 and the controls that enter.

    The rows where ``columns`` (the dependent variable(s), ``lnITR`` and the table's own
    variables) and every control that *enters* are present. A control that cannot enter —
    absorbed by the fixed effects or without variation (:func:`usable_controls`) on the
    rows complete for the others — is omitted and does not restrict the sample (e.g.
    ``lnCUL``, time-invariant, under partner effects). Omitting a control only adds rows,
    and a control that varies within the effects on some rows still does on more, so the
    loop ends after at most one pass per omitted control.

    Returns
    -------
    sample, kept controls, omitted controls with the reason
    """
    kept, omitted = list(controls), {}
    while True:
        sample = _common(data, [*columns, *kept])
        if sample.empty:
            return sample, kept, omitted
        kept_now, why = usable_controls(sample, kept, effects)
        if not why:
            return sample, kept, omitted
        omitted.update(why)
        kept = kept_now


def sample_loss(data: pd.DataFrame, sample: pd.DataFrame, variables: Sequence[str],
                omitted: Mapping[str, str] | None = None) -> SampleLoss:
    """What ``sample`` (a subset of ``data``'s rows, same index) lost, by variable (METHODS.md §8)."""
    variables = list(dict.fromkeys(v for v in variables if v in data.columns))
    missing = data[variables].isna()
    lost = ~data.index.isin(sample.index)

    def culprits(rows: pd.DataFrame) -> tuple[str, ...]:
        always = [v for v in variables if rows[v].all()]
        if always:
            return tuple(always)
        counts = rows.sum()
        return tuple(counts[counts > 0].sort_values(ascending=False, kind="stable").index)

    kept_partners = set(sample["partner"]) if "partner" in sample.columns else set()
    partners: dict[str, tuple[str, ...]] = {}
    cells: dict[tuple[str, str], tuple[str, ...]] = {}
    if "partner" in data.columns:
        for p, rows in missing[lost].groupby(data.loc[lost, "partner"], sort=True):
            if p not in kept_partners:
                partners[str(p)] = culprits(rows)
        if "industry" in data.columns:
            kept_cells = set(zip(sample["partner"], sample["industry"]))
            part = data.loc[lost, ["partner", "industry"]]
            for (p, i), rows in missing[lost].groupby([part["partner"], part["industry"]], sort=True):
                if p in kept_partners and (p, i) not in kept_cells:
                    cells[(str(p), str(i))] = culprits(rows)
    by_variable = {v: int(n) for v, n in missing.sum().items() if n > 0}
    return SampleLoss(rows=len(data), used=len(sample), by_variable=by_variable, partners=partners, cells=cells,
                      omitted=dict(omitted or {}))


def paper_mediation_verdicts(key: str, outcomes: Sequence[str] = DEPENDENTS) -> dict[str, Mediation]:
    """The paper's own verdict for each outcome of Table ``key`` (6 or 7) from its published
    coefficients and stars, with the baseline β1 of its Table 1 with controls."""
    mediator = MEDIATORS[key]
    alpha = published(key, 1, TREATMENT)
    out = {}
    for k, y in enumerate(outcomes):
        phi1, phi2, base = published(key, k + 2, TREATMENT), published(key, k + 2, mediator), published(1, k + 4, TREATMENT)
        if any(r is None for r in (alpha, phi1, phi2, base)):
            continue
        out[y] = verdict.paper_mediation(alpha1=alpha["coef"], alpha1_stars=alpha["stars"], phi2=phi2["coef"],
                                         phi2_stars=phi2["stars"], phi1=phi1["coef"], phi1_stars=phi1["stars"],
                                         baseline_beta1=base["coef"])
    return out


def heterogeneity_verdicts(columns: Sequence, dummy: str) -> dict[str, Heterogeneity]:
    """This run's verdict on ``lnITR × dummy`` for each column (METHODS.md §8), the main effect
    of the same column giving the direction of "stronger"."""
    name = interaction_name(dummy)
    return {c.dependent: verdict.heterogeneity(c.params[name], c.std_errors[name], c.pvalues[name],
                                               group=DUMMY_GROUPS[dummy][0], base_coef=c.params[TREATMENT])
            for c in columns}


def paper_heterogeneity_verdicts(key: str, outcomes: Sequence[str] = DEPENDENTS) -> dict[str, Heterogeneity]:
    """The paper's verdict on ``lnITR × D`` in Table ``key`` (3, 4 or 5), from its stars."""
    dummy = DUMMIES[key]
    out = {}
    for k, y in enumerate(outcomes):
        term, main = published(key, k + 1, interaction_name(dummy)), published(key, k + 1, TREATMENT)
        if term is not None and main is not None:
            out[y] = verdict.paper_heterogeneity(term["coef"], term["stars"], group=DUMMY_GROUPS[dummy][0],
                                                 base_coef=main["coef"])
    return out


@single_threaded
def run_paper(panel: Panel, *, cov_type: str = "robust", bootstrap_reps: int = 499, seed: int = 2023,
              singletons: str = "keep", common_sample: bool = True, only: Sequence[str] | None = None,
              mediator_form: str = "level") -> PaperResults:
    """Estimate every specification of the paper's Tables 1–7 on ``panel`` (METHODS.md §8).

    ``only`` restricts the run to some tables (keys of :data:`TITLES`, e.g. ``["1"]`` for
    a robustness panel's baseline). ``mediator_form`` (``level`` | ``log``) is the form of
    the mediator in Tables 6–7 (:func:`mediator_column`); RVC enters in per cent
    (:data:`SCALES`).

    With ``common_sample`` (default) each table uses the estimation sample of
    :func:`estimation_sample`: the rows complete for the table's variables and the
    controls that enter, so all its columns share one N (as in the paper; columns (1)–(6)
    of Table 1 share one sample). Controls that cannot be estimated are omitted and do not
    restrict the sample; the table's ``sample`` (:class:`SampleLoss`) records them and which
    partners and cells the sample lost to which variable. A table that cannot be estimated
    (e.g. ``D1`` constant in the sample) is recorded in ``failures`` with the reason; the
    others are still estimated. Tables 6–7 carry this run's mediation verdicts (with the
    β1 of Table 1 with controls as baseline) and the paper's own.
    """
    check_option("cov_type", cov_type, COV_TYPES)
    check_option("mediator_form", mediator_form, MEDIATOR_FORMS)
    selected = list(TITLES) if only is None else [str(k) for k in only]
    for key in selected:
        check_option("table", key, tuple(TITLES))
    if not isinstance(panel, Panel):
        raise UnknownOptionError("run_paper needs a mutualism.econometrics.panel.Panel (see build_panel)")
    data = model_data(panel, mediator_form)
    opts = dict(cov_type=cov_type, singletons=singletons)
    controls = list(CONTROLS)
    tables: dict[str, RegressionTable] = {}
    mediations: dict[str, MediationResult] = {}
    failures: dict[str, str] = {}
    headers = tuple(DEPENDENTS)
    itr_row = ((TREATMENT, TREATMENT),)

    def attempt(key: str, build) -> None:
        if key not in selected:
            return
        try:
            tables[key] = build()
        except EstimationError as exc:
            failures[key] = str(exc)

    def sample(columns: Sequence[str], candidates: Sequence[str]) -> tuple[pd.DataFrame, list[str], SampleLoss | None]:
        if not common_sample:
            kept, _ = usable_controls(data, candidates)
            return data, kept, None
        s, kept, omitted = estimation_sample(data, columns, candidates)
        return s, kept, sample_loss(data, s, [*columns, *kept], omitted)

    def table1() -> RegressionTable:
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT], controls)
        cols = [fe_ols(s, y, [TREATMENT], label=f"(1) {y}", controls=False, **opts) for y in DEPENDENTS]
        cols += [fe_ols(s, y, [TREATMENT, *ctl], label=f"(2) {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("1", TITLES["1"], tuple(cols), itr_row, headers=headers * 2, sample=loss)

    def table1_lag() -> RegressionTable:
        lagged = [f"{c}{LAG_SUFFIX}" for c in (TREATMENT, *controls)]
        s, ctl, loss = sample([*DEPENDENTS, lagged[0]], lagged[1:])
        cols = [fe_ols(s, y, [lagged[0], *ctl], label=f"lagged {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("1L", TITLES["1L"], tuple(cols), ((lagged[0], "lnITR (t−1)"),), headers=headers,
                               sample=loss)

    def table2() -> RegressionTable:
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, INSTRUMENT], controls)
        ivs = [fe_iv(s, y, TREATMENT, [INSTRUMENT], ctl, label=f"2SLS {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("2", TITLES["2"], (ivs[0].first_stage, *ivs),
                               ((INSTRUMENT, INSTRUMENT), (TREATMENT, TREATMENT)), headers=(TREATMENT, *DEPENDENTS),
                               note="Column (1): first stage; (2)–(4): second stages.", iv=ivs[0], sample=loss)

    def interaction_table(key: str, dummy: str) -> RegressionTable:
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, dummy], controls)
        s = with_interaction(s, dummy)
        cols = [fe_interaction(s, y, dummy, ctl, label=f"{y} x {dummy}", **opts) for y in DEPENDENTS]
        name = interaction_name(dummy)
        return RegressionTable(key, TITLES[key], tuple(cols), ((TREATMENT, TREATMENT), (name, name)), headers=headers,
                               sample=loss, heterogeneity=heterogeneity_verdicts(cols, dummy),
                               paper_heterogeneity=paper_heterogeneity_verdicts(key))

    def baseline() -> dict[str, float]:
        """β1 of Table 1 with controls, by outcome (estimated here when Table 1 is not selected)."""
        t1 = tables.get("1")
        if t1 is None:
            try:
                t1 = table1()
            except EstimationError:
                return {}
        return {c.dependent: float(c.params[TREATMENT]) for c in t1.columns if c.controls}

    def mediation_table(key: str, mediator: str) -> RegressionTable:
        column = mediator_column(mediator, mediator_form)
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, column], controls)
        med = mediation(s, column, DEPENDENTS, ctl, bootstrap_reps=bootstrap_reps, seed=seed, baseline=baseline(),
                        **opts)
        scale = SCALES.get(mediator, 1.0) if mediator_form == "level" else 1.0
        med = replace(med, paper_verdicts=paper_mediation_verdicts(key), form=mediator_form, scale=scale)
        mediations[mediator] = med
        return RegressionTable(key, TITLES[key], (med.mediator_equation, *med.outcome_equations.values()),
                               ((TREATMENT, TREATMENT), (column, column)), headers=(column, *DEPENDENTS),
                               mediation=med, sample=loss, scales={column: scale} if scale != 1.0 else {},
                               aliases={mediator: column} if column != mediator else {})

    attempt("1", table1)
    attempt("1L", table1_lag)
    attempt("2", table2)
    for key, dummy in DUMMIES.items():
        attempt(key, lambda key=key, dummy=dummy: interaction_table(key, dummy))
    for key, mediator in MEDIATORS.items():
        attempt(key, lambda key=key, mediator=mediator: mediation_table(key, mediator))
    options = {"cov_type": cov_type, "bootstrap_reps": bootstrap_reps, "seed": seed, "singletons": singletons,
               "common_sample": common_sample, "winsor": panel.winsor, "tables": selected,
               "mediator_form": mediator_form}
    return PaperResults(tables, mediations, failures, options,
                        {k: TITLES[k] for k in TITLES if k in selected})
