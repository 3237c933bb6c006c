"""Frozen results of the estimators and of the paper's specification (METHODS.md §8).

Numbers only: coefficients, standard errors, p-values, sample sizes, diagnostics and
the options that produced them. Turning them into text (stars, four decimals, the
small-sample note, tables) is the job of :mod:`mutualism.report.formatting` and
:mod:`mutualism.report.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd
from scipy import stats


@dataclass(frozen=True, eq=False)
class RegressionResult:
    """One estimated equation (METHODS.md §8), labelled by regressor name.

    ``params``, ``std_errors``, ``pvalues`` are Series over the reported regressors (the
    effects are absorbed and not reported). ``first_stage`` and the ``kp_*`` fields are
    set for 2SLS. ``cov_type``, ``n_clusters`` and ``singletons`` are the small-sample
    conventions (:func:`mutualism.report.formatting.conventions` states them in words).
    """

    label: str
    dependent: str
    estimator: str
    params: pd.Series
    std_errors: pd.Series
    pvalues: pd.Series
    nobs: int
    rsquared: float
    rsquared_within: float
    df_inference: int
    absorbed: int
    cov_type: str
    n_clusters: int | None
    n_dropped: int
    n_singletons: int
    effects: tuple[str, ...]
    controls: bool
    singletons: str = "keep"
    endogenous: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    first_stage: "RegressionResult | None" = None
    kp_lm: float | None = None
    kp_lm_pvalue: float | None = None
    kp_wald_f: float | None = None

    @property
    def tstats(self) -> pd.Series:
        return self.params / self.std_errors

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals from ``t(df_inference)``."""
        q = stats.t.ppf(0.5 + level / 2, self.df_inference)
        return pd.DataFrame({"lower": self.params - q * self.std_errors, "upper": self.params + q * self.std_errors})

    def coef_table(self) -> pd.DataFrame:
        """Coefficient, standard error, t, p and the 95 % interval of each regressor."""
        ci = self.conf_int()
        return pd.DataFrame({"coef": self.params, "std err": self.std_errors, "t": self.tstats,
                             "p": self.pvalues, "[0.025": ci["lower"], "0.975]": ci["upper"]})


@dataclass(frozen=True, eq=False)
class MediationResult:
    """Mediation by ``mediator`` (METHODS.md §8, eqs. 15–16).

    ``mediator_equation``: ``M = α1·lnITR + …``; ``outcome_equations[y]``:
    ``y = φ1·lnITR + φ2·M + …``; ``effects``: one row per outcome with ``alpha1, phi1,
    phi2, indirect (= α1·φ2), sobel_se, sobel_z, sobel_p, boot_low, boot_high,
    boot_reps`` (numbers; the verdict is ``verdicts[y]``, METHODS.md §8 (a)–(c)).
    ``level``, ``bootstrap_reps`` and ``seed`` are the bootstrap's options;
    ``bootstrap_unit`` what it resampled ("rows", "partners", "partner × industry cells",
    following ``cov_type``) and ``n_units`` how many there are. ``verdicts[y]`` is this
    run's :class:`mutualism.core.verdict.Mediation` for outcome ``y``; ``paper_verdicts[y]`` the
    paper's own (:func:`mutualism.core.verdict.paper_mediation`, set by ``run_paper``).
    ``form`` is ``level`` or ``log`` (the mediator as Tables 6–7 label it, or ``lnM``) and
    ``scale`` the factor the mediator was multiplied by before estimation (RVC in per cent:
    100).
    """

    mediator: str
    mediator_equation: RegressionResult
    outcome_equations: Mapping[str, RegressionResult]
    effects: pd.DataFrame
    level: float = 0.95
    bootstrap_reps: int = 0
    seed: int | None = None
    bootstrap_unit: str = "partners"
    n_units: int | None = None
    verdicts: Mapping[str, Any] = field(default_factory=dict)
    paper_verdicts: Mapping[str, Any] = field(default_factory=dict)
    form: str = "level"
    scale: float = 1.0


@dataclass(frozen=True, eq=False)
class SampleLoss:
    """Which panel rows a table's estimation sample lost, and to which variable (METHODS.md §8).

    ``rows`` panel rows, ``used`` rows in the sample (before any singleton dropping);
    ``by_variable[v]`` how many panel rows lack ``v`` (a row may lack several);
    ``partners[p]`` the variables lacking in every row of a partner left with no row
    (or, when no single variable is, those lacking in any of its rows);
    ``cells[(p, i)]`` the same for partner × industry cells left with no row whose partner
    kept rows; ``omitted[c]`` why a control was left out (absorbed by the fixed effects, no
    variation) — such a control does not restrict the sample.
    """

    rows: int
    used: int
    by_variable: Mapping[str, int]
    partners: Mapping[str, tuple[str, ...]]
    cells: Mapping[tuple[str, str], tuple[str, ...]]
    omitted: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class RegressionTable:
    """Columns of one of the paper's tables, ready for :mod:`mutualism.report.tables`.

    ``rows`` are the regressors shown (in order, with display labels). ``iv`` is the
    2SLS result whose Kleibergen–Paap statistics the table reports (Table 2);
    ``mediation`` the mediation whose indirect effects it reports (Tables 6–7).
    ``sample`` what the estimation sample lost and why (:class:`SampleLoss`; None without a
    common sample); ``scales[v]`` the factor variable ``v`` was multiplied by before
    estimation (RVC in per cent: 100); ``aliases[paper_name]`` this run's name of a
    variable the paper names differently (``RVC`` → ``lnRVC`` with ``mediator_form=log``).
    Verdicts (METHODS.md §8, computed once by :func:`mutualism.econometrics.paper.judge`
    when the table is built; readers never recompute them): ``verdicts[(column, regressor)]``
    the :class:`mutualism.core.verdict.Effect` of every reported coefficient (column 1-based,
    regressor as this run names it); ``agreements[(column, regressor)]`` its
    :class:`~mutualism.core.verdict.Agreement` with the paper's published coefficient of the same
    cell (only the cells the paper reports); ``heterogeneity[y]`` / ``paper_heterogeneity[y]``
    (Tables 3–5): this run's and the paper's :class:`~mutualism.core.verdict.Heterogeneity` of the
    ``lnITR × D`` term for outcome ``y``; ``strength`` (Table 2): the
    :class:`~mutualism.core.verdict.InstrumentStrength` of ``iv``'s first stage.
    """

    key: str
    title: str
    columns: tuple[RegressionResult, ...]
    rows: tuple[tuple[str, str], ...]
    headers: tuple[str, ...] = ()
    note: str = ""
    iv: RegressionResult | None = None
    mediation: MediationResult | None = None
    sample: SampleLoss | None = None
    scales: Mapping[str, float] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    heterogeneity: Mapping[str, Any] = field(default_factory=dict)
    paper_heterogeneity: Mapping[str, Any] = field(default_factory=dict)
    verdicts: Mapping[tuple[int, str], Any] = field(default_factory=dict)
    agreements: Mapping[tuple[int, str], Any] = field(default_factory=dict)
    strength: Any = None

    def paper_name(self, name: str) -> str:
        """The paper's name of this run's variable ``name`` (the inverse of ``aliases``)."""
        return next((paper for paper, run in self.aliases.items() if run == name), name)


@dataclass(frozen=True, eq=False)
class PaperResults:
    """Every specification of Tables 1–7 (plus the lagged Table 1) for one panel.

    ``tables`` maps ``"1"``, ``"1L"``, ``"2"``…``"7"`` to :class:`RegressionTable`;
    ``mediation`` maps ``"RVC"``/``"INC"`` to :class:`MediationResult`; ``failures`` maps
    a table key to the :class:`~mutualism.core.errors.EstimationError` message that stopped it;
    ``titles`` is the title of every table attempted, in the paper's order.
    """

    tables: Mapping[str, RegressionTable]
    mediation: Mapping[str, MediationResult]
    failures: Mapping[str, str]
    options: Mapping[str, object] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)

    def column(self, table: int | str, column: int) -> RegressionResult:
        """Column ``column`` (1-based, as printed) of table ``table``."""
        return self.tables[str(table)].columns[column - 1]
