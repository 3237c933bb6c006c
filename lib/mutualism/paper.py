"""The paper's specification (METHODS.md §8): which equations make Tables 1–7, on which
samples, with which controls, and how a table that cannot be estimated is reported.

:func:`run_paper` estimates every table of the paper on a :class:`~mutualism.panel.Panel`
with the models of :mod:`mutualism.models` and returns a
:class:`~mutualism.results.PaperResults` of numbers; :mod:`mutualism.tables` lays them out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from .config import COV_TYPES
from .errors import EstimationError, UnknownOptionError, check_option
from .fe import ABSORBED_TOL, EFFECTS, absorber, single_threaded
from .models import INSTRUMENT, TREATMENT, fe_iv, fe_interaction, fe_ols, interaction_name, mediation, with_interaction
from .panel import CONTROLS, DEPENDENTS, LAG_SUFFIX, Panel
from .results import MediationResult, PaperResults, RegressionTable

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


@single_threaded
def run_paper(panel: Panel, *, cov_type: str = "robust", bootstrap_reps: int = 499, seed: int = 2023,
              singletons: str = "keep", common_sample: bool = True, only: Sequence[str] | None = None
              ) -> PaperResults:
    """Estimate every specification of the paper's Tables 1–7 on ``panel`` (METHODS.md §8).

    ``only`` restricts the run to some tables (keys of :data:`TITLES`, e.g. ``["1"]`` for
    a robustness panel's baseline).

    With ``common_sample`` (default) each table uses the rows complete for every variable
    of that table, so all its columns share one N (as in the paper). Controls that cannot
    be estimated on a table's sample are omitted and named in its note
    (:func:`usable_controls`). A table that cannot be estimated (e.g. ``D1`` constant in
    the sample) is recorded in ``failures`` with the reason; the others are still estimated.
    """
    check_option("cov_type", cov_type, COV_TYPES)
    selected = list(TITLES) if only is None else [str(k) for k in only]
    for key in selected:
        check_option("table", key, tuple(TITLES))
    if not isinstance(panel, Panel):
        raise UnknownOptionError("run_paper needs a mutualism.panel.Panel (see build_panel)")
    data = panel.lagged().data
    opts = dict(cov_type=cov_type, singletons=singletons)
    controls = list(CONTROLS)
    tables: dict[str, RegressionTable] = {}
    mediations: dict[str, MediationResult] = {}
    failures: dict[str, str] = {}
    headers = tuple(DEPENDENTS)
    itr_row = ((TREATMENT, TREATMENT),)

    omitted: dict[str, str] = {}

    def attempt(key: str, build) -> None:
        if key not in selected:
            return
        omitted.clear()
        try:
            table = build()
        except EstimationError as exc:
            failures[key] = str(exc)
            return
        if omitted:
            text = "Omitted controls: " + ", ".join(f"{c} ({why})" for c, why in omitted.items()) + "."
            table = replace(table, note=" ".join(filter(None, [table.note, text])))
        tables[key] = table

    def sample(columns: Sequence[str]) -> pd.DataFrame:
        return _common(data, columns) if common_sample else data

    def screened(frame: pd.DataFrame, candidates: Sequence[str]) -> list[str]:
        kept, why = usable_controls(frame, candidates)
        omitted.update(why)
        return kept

    def table1() -> RegressionTable:
        s = sample([*DEPENDENTS, TREATMENT, *controls])
        ctl = screened(s, controls)
        cols = [fe_ols(s, y, [TREATMENT], label=f"(1) {y}", controls=False, **opts) for y in DEPENDENTS]
        cols += [fe_ols(s, y, [TREATMENT, *ctl], label=f"(2) {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("1", TITLES["1"], tuple(cols), itr_row, headers=headers * 2)

    def table1_lag() -> RegressionTable:
        lagged = [f"{c}{LAG_SUFFIX}" for c in (TREATMENT, *controls)]
        s = sample([*DEPENDENTS, *lagged])
        regs = [lagged[0], *screened(s, lagged[1:])]
        cols = [fe_ols(s, y, regs, label=f"lagged {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("1L", TITLES["1L"], tuple(cols), ((lagged[0], "lnITR (t−1)"),), headers=headers)

    def table2() -> RegressionTable:
        s = sample([*DEPENDENTS, TREATMENT, INSTRUMENT, *controls])
        ctl = screened(s, controls)
        ivs = [fe_iv(s, y, TREATMENT, [INSTRUMENT], ctl, label=f"2SLS {y}", **opts) for y in DEPENDENTS]
        return RegressionTable("2", TITLES["2"], (ivs[0].first_stage, *ivs),
                               ((INSTRUMENT, INSTRUMENT), (TREATMENT, TREATMENT)), headers=(TREATMENT, *DEPENDENTS),
                               note="Column (1): first stage; (2)–(4): second stages.", iv=ivs[0])

    def interaction_table(key: str, dummy: str) -> RegressionTable:
        s = with_interaction(sample([*DEPENDENTS, TREATMENT, dummy, *controls]), dummy)
        ctl = screened(s, controls)
        cols = [fe_interaction(s, y, dummy, ctl, label=f"{y} x {dummy}", **opts) for y in DEPENDENTS]
        name = interaction_name(dummy)
        return RegressionTable(key, TITLES[key], tuple(cols), ((TREATMENT, TREATMENT), (name, name)), headers=headers)

    def mediation_table(key: str, mediator: str) -> RegressionTable:
        s = sample([*DEPENDENTS, TREATMENT, mediator, *controls])
        med = mediation(s, mediator, DEPENDENTS, screened(s, controls), bootstrap_reps=bootstrap_reps, seed=seed,
                        **opts)
        mediations[mediator] = med
        return RegressionTable(key, TITLES[key], (med.mediator_equation, *med.outcome_equations.values()),
                               ((TREATMENT, TREATMENT), (mediator, mediator)), headers=(mediator, *DEPENDENTS),
                               mediation=med)

    attempt("1", table1)
    attempt("1L", table1_lag)
    attempt("2", table2)
    for key, dummy in (("3", "D1"), ("4", "D2"), ("5", "D3")):
        attempt(key, lambda key=key, dummy=dummy: interaction_table(key, dummy))
    for key, mediator in (("6", "RVC"), ("7", "INC")):
        attempt(key, lambda key=key, mediator=mediator: mediation_table(key, mediator))
    options = {"cov_type": cov_type, "bootstrap_reps": bootstrap_reps, "seed": seed, "singletons": singletons,
               "common_sample": common_sample, "winsor": panel.winsor, "tables": selected}
    return PaperResults(tables, mediations, failures, options,
                        {k: TITLES[k] for k in TITLES if k in selected})
