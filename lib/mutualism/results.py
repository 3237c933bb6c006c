"""Frozen results of the estimators and of the paper's specification (METHODS.md §8).

Numbers only: coefficients, standard errors, p-values, sample sizes, diagnostics and
the options that produced them. Turning them into text (stars, four decimals, the
small-sample note, tables) is the job of :mod:`mutualism.formatting` and
:mod:`mutualism.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd
from scipy import stats


@dataclass(frozen=True, eq=False)
class RegressionResult:
    """One estimated equation (METHODS.md §8), labelled by regressor name.

    ``params``, ``std_errors``, ``pvalues`` are Series over the reported regressors (the
    effects are absorbed and not reported). ``first_stage`` and the ``kp_*`` fields are
    set for 2SLS. ``cov_type``, ``n_clusters`` and ``singletons`` are the small-sample
    conventions (:func:`mutualism.formatting.conventions` states them in words).
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
    boot_reps, verdict`` (``mediation`` when ``α1·φ2`` has the sign of ``φ1``, else
    ``masking``). ``level``, ``bootstrap_reps`` and ``seed`` are the bootstrap's options.
    """

    mediator: str
    mediator_equation: RegressionResult
    outcome_equations: Mapping[str, RegressionResult]
    effects: pd.DataFrame
    level: float = 0.95
    bootstrap_reps: int = 0
    seed: int | None = None


@dataclass(frozen=True, eq=False)
class RegressionTable:
    """Columns of one of the paper's tables, ready for :mod:`mutualism.tables`.

    ``rows`` are the regressors shown (in order, with display labels). ``iv`` is the
    2SLS result whose Kleibergen–Paap statistics the table reports (Table 2);
    ``mediation`` the mediation whose indirect effects it reports (Tables 6–7).
    """

    key: str
    title: str
    columns: tuple[RegressionResult, ...]
    rows: tuple[tuple[str, str], ...]
    headers: tuple[str, ...] = ()
    note: str = ""
    iv: RegressionResult | None = None
    mediation: MediationResult | None = None


@dataclass(frozen=True, eq=False)
class PaperResults:
    """Every specification of Tables 1–7 (plus the lagged Table 1) for one panel.

    ``tables`` maps ``"1"``, ``"1L"``, ``"2"``…``"7"`` to :class:`RegressionTable`;
    ``mediation`` maps ``"RVC"``/``"INC"`` to :class:`MediationResult`; ``failures`` maps
    a table key to the :class:`~mutualism.errors.EstimationError` message that stopped it;
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
