"""The paper's specification (METHODS.md §8): which equations make Tables 1–7, on which
samples, with which controls, and how a table that cannot be estimated is reported.

:func:`run_paper` estimates every table of the paper on a :class:`~mutualism.econometrics.panel.Panel`
with the models of :mod:`mutualism.econometrics.models` and returns a
:class:`~mutualism.econometrics.results.PaperResults` of numbers; :mod:`mutualism.report.tables` lays them out.

* Estimation sample (§8): :func:`estimation_sample` — the rows with the table's variables
  and every control that enters; a control the fixed effects absorb does not restrict it;
  :func:`sample_loss` records which partners and cells were lost to which variable.
* Layout: the columns of every table come from :data:`mutualism.econometrics.layout.TABLES`
  (dependent variable, treatment, controls, estimator, column groups).
* Units: :data:`SCALES` (RVC in per cent); ``mediator_form`` ``level`` | ``log`` (§8).
* Verdicts (§8), computed once here and stored on the results (:func:`judge`): every table
  carries the :func:`mutualism.core.verdict.effect` of each reported coefficient and its
  :func:`~mutualism.core.verdict.agreement` with the paper; Tables 3–5 the
  :func:`~mutualism.core.verdict.heterogeneity` of each interaction, Table 2 the
  :func:`~mutualism.core.verdict.instrument_strength` of its first stage, Tables 6–7
  :func:`~mutualism.core.verdict.mediation` with the baseline β1 of Table 1 (with controls);
  beside each, the paper's own verdict from ``data/paper_tables.csv``
  (:func:`mutualism.core.published.published`).
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
from .layout import TABLES
from .models import INSTRUMENT, TREATMENT, fe_iv, fe_interaction, fe_ols, interaction_name, mediation, with_interaction
from .panel import CONTROLS, DEPENDENTS, LAG_SUFFIX, Panel
from ..core.published import iv_diagnostics, published
from .results import MediationResult, PaperResults, RegressionTable, SampleLoss
from ..core.verdict import Heterogeneity, Mediation

#: The title of every table, in the paper's order (from the layout).
TITLES = {key: layout.title for key, layout in TABLES.items()}


#: Factors applied to a variable before it enters a regression, so that its coefficients
#: read in sensible units (METHODS.md §5: RVC is a share of gross exports of the order of
#: 1e-4; it enters in per cent). Tables say so in their note.
SCALES = {"RVC": 100.0}
#: The mediation tables and their mediator, the heterogeneity tables and their dummy (from the layout).
MEDIATORS = {key: layout.mediator for key, layout in TABLES.items() if layout.mediator}
DUMMIES = {key: layout.dummy for key, layout in TABLES.items() if layout.dummy}
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


def paper_mediation_verdicts(key: str) -> dict[str, Mediation]:
    """The paper's own verdict for each outcome of Table ``key`` (6 or 7) from its published
    coefficients and stars, with the baseline β1 of its Table 1 with controls (an outcome
    the paper does not report in full is left out)."""
    layout, table1 = TABLES[key], TABLES["1"]
    mediator = layout.mediator
    alpha = published(key, layout.group("mediator")[0].number, TREATMENT)
    out = {}
    for c in layout.group("outcomes"):
        y = c.dependent
        phi1, phi2 = published(key, c.number, TREATMENT), published(key, c.number, mediator)
        base = published("1", table1.column("with_controls", y), TREATMENT)
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


def paper_heterogeneity_verdicts(key: str) -> dict[str, Heterogeneity]:
    """The paper's verdict on ``lnITR × D`` in Table ``key`` (3, 4 or 5), from its stars."""
    dummy = DUMMIES[key]
    out = {}
    for c in TABLES[key].group("outcomes"):
        term, main = published(key, c.number, interaction_name(dummy)), published(key, c.number, TREATMENT)
        if term is not None and main is not None:
            out[c.dependent] = verdict.paper_heterogeneity(term["coef"], term["stars"], group=DUMMY_GROUPS[dummy][0],
                                                           base_coef=main["coef"])
    return out


def paper_iv_diagnostics() -> dict[str, float]:
    """The Kleibergen–Paap rk LM and Wald F the paper reports for Table 2 (the note of its
    first-stage row, :func:`mutualism.core.published.iv_diagnostics`)."""
    first = TABLES["2"].group("first_stage")[0]
    return iv_diagnostics(published("2", first.number, first.treatment))


def judge(table: RegressionTable) -> RegressionTable:
    """``table`` with its verdicts (METHODS.md §8), the one place they are computed:

    * ``verdicts[(column, regressor)]``: :func:`mutualism.core.verdict.effect` of every
      reported regressor (``table.rows``) of every column that has it;
    * ``agreements[(column, regressor)]``: :func:`~mutualism.core.verdict.agreement` with the
      paper's coefficient of the same cell (same table, column, dependent variable and, under
      the paper's name, regressor), where the paper reports one;
    * Tables 3–5: ``heterogeneity`` (:func:`heterogeneity_verdicts`) and ``paper_heterogeneity``;
    * a table with an ``iv``: ``strength`` (:func:`~mutualism.core.verdict.instrument_strength`
      of its rk Wald F).
    """
    verdicts, agreements = {}, {}
    for number, col in enumerate(table.columns, 1):
        for name, _ in table.rows:
            if name not in col.params.index:
                continue
            coef, p = col.params[name], col.pvalues[name]
            verdicts[(number, name)] = verdict.effect(coef, col.std_errors[name], p)
            row = published(table.key, number, table.paper_name(name))
            if row is not None and row["dependent"] == table.paper_name(col.dependent):
                agreements[(number, name)] = verdict.agreement(coef, p, row["coef"], row["stars"])
    extra: dict = {}
    dummy = TABLES[table.key].dummy if table.key in TABLES else None
    if dummy is not None:
        extra.update(heterogeneity=heterogeneity_verdicts(table.columns, dummy),
                     paper_heterogeneity=paper_heterogeneity_verdicts(table.key))
    if table.iv is not None:
        extra["strength"] = verdict.instrument_strength(table.iv.kp_wald_f)
    return replace(table, verdicts=verdicts, agreements=agreements, **extra)


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
    def attempt(key: str, build) -> None:
        if key not in selected:
            return
        try:
            tables[key] = judge(build())
        except EstimationError as exc:
            failures[key] = str(exc)

    def sample(columns: Sequence[str], candidates: Sequence[str]) -> tuple[pd.DataFrame, list[str], SampleLoss | None]:
        if not common_sample:
            kept, _ = usable_controls(data, candidates)
            return data, kept, None
        s, kept, omitted = estimation_sample(data, columns, candidates)
        return s, kept, sample_loss(data, s, [*columns, *kept], omitted)

    def rows(key: str, aliases: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
        names = [(aliases or {}).get(r, r) for r in TABLES[key].regressors]
        return tuple((n, n) for n in names)

    def headers(key: str, aliases: Mapping[str, str] | None = None) -> tuple[str, ...]:
        return tuple((aliases or {}).get(c.dependent, c.dependent) for c in TABLES[key].columns)

    def table1() -> RegressionTable:
        layout = TABLES["1"]
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT], controls)

        def column(c) -> object:
            if c.controls:
                return fe_ols(s, c.dependent, [c.treatment, *ctl], label=f"(2) {c.dependent}", **opts)
            return fe_ols(s, c.dependent, [c.treatment], label=f"(1) {c.dependent}", controls=False, **opts)

        return RegressionTable("1", layout.title, tuple(column(c) for c in layout.columns), rows("1"),
                               headers=headers("1"), sample=loss)

    def table1_lag() -> RegressionTable:
        layout = TABLES["1L"]
        lagged = layout.regressors[0]
        s, ctl, loss = sample([*DEPENDENTS, lagged], [f"{c}{LAG_SUFFIX}" for c in controls])
        cols = [fe_ols(s, c.dependent, [c.treatment, *ctl], label=f"lagged {c.dependent}", **opts)
                for c in layout.columns]
        return RegressionTable("1L", layout.title, tuple(cols), ((lagged, "lnITR (t−1)"),), headers=headers("1L"),
                               sample=loss)

    def table2() -> RegressionTable:
        layout = TABLES["2"]
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, INSTRUMENT], controls)
        ivs = [fe_iv(s, c.dependent, c.treatment, [INSTRUMENT], ctl, label=f"2SLS {c.dependent}", **opts)
               for c in layout.group("second_stage")]
        note = f"Column {layout.span('first_stage')}: first stage; {layout.span('second_stage')}: second stages."
        return RegressionTable("2", layout.title, (ivs[0].first_stage, *ivs), rows("2"), headers=headers("2"),
                               note=note, iv=ivs[0], sample=loss)

    def interaction_table(key: str, dummy: str) -> RegressionTable:
        layout = TABLES[key]
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, dummy], controls)
        s = with_interaction(s, dummy)
        cols = [fe_interaction(s, c.dependent, dummy, ctl, label=f"{c.dependent} x {dummy}", **opts)
                for c in layout.columns]
        return RegressionTable(key, layout.title, tuple(cols), rows(key), headers=headers(key), sample=loss)

    def baseline() -> dict[str, float]:
        """β1 of Table 1 with controls, by outcome (estimated here when Table 1 is not selected)."""
        t1 = tables.get("1")
        if t1 is None:
            try:
                t1 = table1()
            except EstimationError:
                return {}
        return {c.dependent: float(t1.columns[c.number - 1].params[TREATMENT])
                for c in TABLES["1"].group("with_controls")}

    def mediation_table(key: str, mediator: str) -> RegressionTable:
        layout = TABLES[key]
        column = mediator_column(mediator, mediator_form)
        aliases = {mediator: column} if column != mediator else {}
        s, ctl, loss = sample([*DEPENDENTS, TREATMENT, column], controls)
        outcomes = [c.dependent for c in layout.group("outcomes")]
        med = mediation(s, column, outcomes, ctl, bootstrap_reps=bootstrap_reps, seed=seed, baseline=baseline(),
                        **opts)
        scale = SCALES.get(mediator, 1.0) if mediator_form == "level" else 1.0
        med = replace(med, paper_verdicts=paper_mediation_verdicts(key), form=mediator_form, scale=scale)
        mediations[mediator] = med
        return RegressionTable(key, layout.title, (med.mediator_equation, *med.outcome_equations.values()),
                               rows(key, aliases), headers=headers(key, aliases), mediation=med, sample=loss,
                               scales={column: scale} if scale != 1.0 else {}, aliases=aliases)

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
