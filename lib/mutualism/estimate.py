"""Estimators of the paper's models (METHODS.md §8): FE-OLS, FE-2SLS with Kleibergen–Paap
statistics, interaction models, mediation; and :func:`run_paper`, every specification of
Tables 1–7.

Fixed effects and small-sample conventions
------------------------------------------
Year, partner and industry effects are removed by Frisch–Waugh–Lovell: every model
variable is projected off the effect dummies (one QR factorisation of the dummy matrix
of the estimation sample), and :class:`linearmodels.iv.IV2SLS` is fitted to the
partialled data with ``debiased=True`` and ``extra_df`` = the rank of the dummy matrix.
Coefficients, residuals and the robust and clustered covariances are then *identical* to
those of the regression with explicit dummies (Stata ``regress y x i.year i.partner
i.industry, vce(robust|cluster)``; statsmodels OLS with dummies, ``HC1`` / ``cluster``):

* ``robust`` — HC1: ``n / (n − K)``, ``K`` = regressors + rank of the dummies (the
  constant is in the dummies' span);
* ``cluster_partner`` / ``cluster_partner_industry`` — ``G/(G−1) · (n−1)/(n−K)``, with
  the absorbed effects counted in ``K`` even when nested in the clusters (the
  explicit-dummy convention; ``xtreg``/``reghdfe`` would not count nested effects).

p-values use ``t(n − K)`` (robust) or ``t(G − 1)`` (clustered). Singleton groups are kept
by default (``singletons='keep'``: they fit perfectly and count in ``n`` and ``K``, as with
explicit dummies); ``'drop'`` removes them iteratively, as ``reghdfe`` does.

``rsquared`` is the R² of the model *including* the fixed effects (``1 − SSR/TSS``,
TSS about the mean of the sample), the number ``regress`` with dummies prints and the
size the paper reports (0.68–0.98); ``rsquared_within`` is ``1 − SSR/TSS`` of the
partialled outcome. For 2SLS the residual is the structural one, ``y − Xβ``.

Kleibergen–Paap statistics (one endogenous regressor)
------------------------------------------------------
No Python library computes them; they are computed here on the data partialled of the
effects and of the included exogenous regressors (Frisch–Waugh). With one endogenous
regressor ``x`` and ``L`` excluded instruments ``Z`` the rank-0 null is ``π = 0`` in
``x̃ = Z̃π + e``, and the KP rk statistics reduce to

* rk Wald F = ``π̂' V̂(π̂)⁻¹ π̂ / L``, with ``V̂`` the covariance of the chosen ``cov_type``
  *including its small-sample factor* (``K`` counts the effects, as in ``ivreghdfe`` with
  absorbed degrees of freedom). It therefore equals the robust first-stage F of the
  excluded instruments, and with ``L = 1`` the squared robust t of the instrument;
* rk LM = ``s̄' Ŝ⁻¹ s̄`` with scores ``s_i = z̃_i x̃_i`` evaluated under the null and
  ``Ŝ = Σ s_i s_i'`` (or sums of cluster scores), no small-sample factor, ``χ²(L)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.linalg
from scipy import stats
from threadpoolctl import ThreadpoolController

from .config import COV_TYPES
from .errors import EstimationError, UnknownOptionError, check_option
from .panel import CONTROLS, DEPENDENTS, LAG_SUFFIX, Panel

EFFECTS = ("year", "partner", "industry")
SINGLETONS = ("keep", "drop")
TREATMENT = "lnITR"
INSTRUMENT = "LAB"
_CLUSTERS = {"cluster_partner": ("partner",), "cluster_partner_industry": ("partner", "industry")}
_ABSORBED_TOL = 1e-9

# The models multiply tall, thin matrices: BLAS threads only add contention (measured on
# 2 cores: tests/test_estimate.py took 43 s with OpenBLAS's threads, 24 s with one), so
# every estimator runs with one BLAS thread.
single_threaded = ThreadpoolController().wrap(limits=1, user_api="blas")


def interaction_name(dummy: str, treatment: str = TREATMENT) -> str:
    """Column name of ``treatment × dummy`` (as in the paper: ``lnITR x D1``)."""
    return f"{treatment} x {dummy}"


def stars(pvalue: float) -> str:
    """``***``, ``**``, ``*`` at the 1, 5 and 10 % levels (the paper's convention)."""
    if not np.isfinite(pvalue):
        return ""
    return "***" if pvalue < 0.01 else "**" if pvalue < 0.05 else "*" if pvalue < 0.1 else ""


# ----- results ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RegressionResult:
    """One estimated equation (METHODS.md §8), labelled by regressor name.

    ``params``, ``std_errors``, ``pvalues`` are Series over the reported regressors (the
    effects are absorbed and not reported). ``first_stage`` and the ``kp_*`` fields are
    set for 2SLS. ``conventions`` is the small-sample note printed under each table.
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
    conventions: str
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

    def stars(self, name: str) -> str:
        return stars(float(self.pvalues[name]))

    def coef_table(self) -> pd.DataFrame:
        ci = self.conf_int()
        return pd.DataFrame({"coef": self.params, "std err": self.std_errors, "t": self.tstats,
                             "p": self.pvalues, "[0.025": ci["lower"], "0.975]": ci["upper"]})

    def _header(self) -> list[str]:
        lines = [f"{self.label}: {self.estimator}, dependent {self.dependent}",
                 f"N = {self.nobs} (incomplete rows left out: {self.n_dropped}; singletons dropped: "
                 f"{self.n_singletons}); R² (with FE) = {self.rsquared:.4f}; within R² = {self.rsquared_within:.4f}",
                 f"fixed effects: {', '.join(self.effects) or 'none'} ({self.absorbed} absorbed parameters)"]
        if self.first_stage is not None:
            lines.append(f"instruments: {', '.join(self.instruments)} for {', '.join(self.endogenous)}; "
                         f"KP rk LM = {self.kp_lm:.2f} (p = {self.kp_lm_pvalue:.4f}); KP rk Wald F = {self.kp_wald_f:.2f}")
        return lines

    def summary(self) -> str:
        """Plain-text summary: header, coefficient table, conventions."""
        return "\n".join([*self._header(), self.coef_table().to_string(float_format=lambda v: f"{v:.4f}"),
                          self.conventions])

    def _repr_html_(self) -> str:
        head = "<br>".join(self._header())
        table = self.coef_table().to_html(float_format=lambda v: f"{v:.4f}", classes="coef-table")
        return f"<div><p>{head}</p>{table}<p><small>{self.conventions}</small></p></div>"


# ----- data preparation -------------------------------------------------------------
def _frame(data: Panel | pd.DataFrame) -> pd.DataFrame:
    return data.data if isinstance(data, Panel) else data


def _drop_singletons(frame: pd.DataFrame, effects: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Iteratively drop rows alone in some effect group (as ``reghdfe``)."""
    start = len(frame)
    while True:
        alone = np.zeros(len(frame), dtype=bool)
        for e in effects:
            alone |= frame.groupby(e, observed=True)[e].transform("size").to_numpy() == 1
        if not alone.any():
            return frame, start - len(frame)
        frame = frame.loc[~alone]


def effect_dummies(frame: pd.DataFrame, effects: Sequence[str]) -> np.ndarray:
    """Dummy matrix of the effects: all levels of the first, all but one of the others."""
    blocks = []
    for k, e in enumerate(effects):
        codes, levels = pd.factorize(frame[e], sort=True)
        block = np.zeros((len(frame), len(levels)))
        block[np.arange(len(frame)), codes] = 1.0
        blocks.append(block if k == 0 else block[:, 1:])
    return np.hstack(blocks) if blocks else np.ones((len(frame), 1))


class _Absorber:
    """Projection off the effect dummies: ``M_D v = v − Q Q'v`` (pivoted QR, numerical rank)."""

    def __init__(self, dummies: np.ndarray) -> None:
        q, r, _ = scipy.linalg.qr(dummies, mode="economic", pivoting=True)
        diag = np.abs(np.diag(r))
        self.rank = int((diag > diag.max() * max(dummies.shape) * np.finfo(float).eps).sum()) if diag.size else 0
        self._q = q[:, : self.rank]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return values - self._q @ (self._q.T @ values)


_ABSORBERS: dict[bytes, _Absorber] = {}


def _absorber(sample: pd.DataFrame, effects: Sequence[str]) -> _Absorber:
    """The projection for the effects of ``sample``, reused across the columns of a table.

    Keyed by the effects' codes of the sample rows, so a table's equations on one common
    sample factorise the dummy matrix once (a small cache; the key is exact, not a hash).
    """
    codes = [pd.factorize(sample[e], sort=True)[0] for e in effects]
    key = repr(tuple(effects)).encode() + b"".join(c.astype(np.int64).tobytes() for c in codes)
    if key not in _ABSORBERS:
        if len(_ABSORBERS) >= 2:
            _ABSORBERS.pop(next(iter(_ABSORBERS)))
        _ABSORBERS[key] = _Absorber(effect_dummies(sample, effects))
    return _ABSORBERS[key]


@dataclass
class _Prepared:
    frame: pd.DataFrame
    tilde: pd.DataFrame          # partialled columns
    absorbed: int
    dropped: int
    singletons: int
    clusters: pd.Series | None
    n_clusters: int | None


def _prepare(data: Panel | pd.DataFrame, columns: Sequence[str], dependent: str, regressors: Sequence[str],
             effects: Sequence[str], cov_type: str, singletons: str, instruments: Sequence[str] = ()) -> _Prepared:
    """Complete cases, singleton handling, variation checks and FE partialling, with clear errors.

    For 2SLS ``regressors`` is ``[endogenous, *exogenous]``.
    """
    check_option("cov_type", cov_type, COV_TYPES)
    check_option("singletons", singletons, SINGLETONS)
    frame = _frame(data)
    cluster_cols = _CLUSTERS.get(cov_type, ())
    needed = list(dict.fromkeys([*columns, *effects, *cluster_cols]))
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise EstimationError(f"column(s) {absent} not in the data; available: {sorted(frame.columns)}")
    if frame[dependent].isna().all():
        raise EstimationError(f"outcome {dependent!r} is missing in all {len(frame)} rows")
    sample = frame[needed].dropna()
    dropped = len(frame) - len(sample)
    if sample.empty:
        worst = frame[list(columns)].isna().sum().idxmax()
        raise EstimationError(f"no complete observation for {dependent!r} on {list(regressors)}; "
                              f"{worst!r} is missing most often ({int(frame[worst].isna().sum())} of {len(frame)} rows)")
    n_single = 0
    if singletons == "drop" and effects:
        sample, n_single = _drop_singletons(sample, effects)
    sample = sample.reset_index(drop=True)
    for c in columns:
        values = sample[c].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise EstimationError(f"{c!r} has infinite values in the estimation sample")
        if np.ptp(values) == 0:
            raise EstimationError(f"no variation in {c!r}: all {len(sample)} observations of the estimation "
                                  f"sample equal {values[0]:g}")
    absorber = _absorber(sample, effects)
    raw = sample[list(columns)].to_numpy(dtype=float)
    tilde = pd.DataFrame(absorber(raw), columns=list(columns))
    centred = np.linalg.norm(raw - raw.mean(axis=0), axis=0)
    for c, after, before in zip(columns, np.linalg.norm(tilde.to_numpy(), axis=0), centred):
        if c != dependent and after <= _ABSORBED_TOL * max(before, 1e-300):
            raise EstimationError(f"{c!r} has no variation within the fixed effects ({', '.join(effects)}): "
                                  "it is absorbed by them")
    _check_rank(tilde, list(regressors), effects)
    if instruments:  # first stage: excluded instruments and the included exogenous regressors
        _check_rank(tilde, [*regressors[1:], *instruments], effects)
    k = len(regressors) + absorber.rank
    if len(sample) <= k:
        raise EstimationError(f"{len(sample)} observations for {k} parameters ({dependent!r}): not estimable")
    clusters, n_clusters = None, None
    if cluster_cols:
        clusters = pd.Series(pd.factorize(pd.MultiIndex.from_frame(sample[list(cluster_cols)]))[0], name="cluster")
        n_clusters = int(clusters.nunique())
        if n_clusters < 2:
            raise EstimationError(f"cov_type={cov_type!r} needs at least 2 clusters; the sample has {n_clusters}")
    return _Prepared(sample, tilde, absorber.rank, dropped, n_single, clusters, n_clusters)


def _check_rank(tilde: pd.DataFrame, names: list[str], effects: Sequence[str]) -> None:
    """Raise naming the first column that is a linear combination of earlier ones (after FE)."""
    if not names:
        return
    x = tilde[names].to_numpy()
    scale = np.linalg.norm(x, axis=0)
    x = x / np.where(scale > 0, scale, 1)
    s = np.linalg.svd(x, compute_uv=False)
    if s[-1] > 1e-10 * s[0]:
        return
    for j in range(1, len(names) + 1):
        s = np.linalg.svd(x[:, :j], compute_uv=False)
        if s[-1] <= 1e-10 * s[0]:
            raise EstimationError(f"singular design: {names[j - 1]!r} is a linear combination of "
                                  f"{names[: j - 1]} and the fixed effects ({', '.join(effects)})")


def _conventions(cov_type: str, n_clusters: int | None, singletons: str) -> str:
    if cov_type == "robust":
        se = "heteroskedasticity-robust (HC1) standard errors, factor n/(n−K); p-values from t(n−K)"
    else:
        by = " × ".join(_CLUSTERS[cov_type])
        se = (f"standard errors clustered by {by} ({n_clusters} clusters), factor G/(G−1)·(n−1)/(n−K); "
              "p-values from t(G−1)")
    single = "singleton groups dropped iteratively" if singletons == "drop" else \
        "singleton groups kept (as with explicit dummies)"
    return f"{se}; K counts the absorbed fixed effects; {single}."


def _fit(prep: _Prepared, dependent: str, exog: Sequence[str], endog: Sequence[str], instruments: Sequence[str],
         cov_type: str):
    from linearmodels.iv import IV2SLS

    t = prep.tilde
    kwargs: dict = {"debiased": True, "extra_df": prep.absorbed}
    if prep.clusters is not None:
        kwargs.update(cov_type="clustered", clusters=prep.clusters)
    else:
        kwargs["cov_type"] = "robust"
    model = IV2SLS(t[dependent], t[list(exog)] if exog else None,
                   t[list(endog)] if endog else None, t[list(instruments)] if instruments else None)
    return model.fit(**kwargs)


def _result(prep: _Prepared, fitted, *, label: str, dependent: str, estimator: str, order: Sequence[str],
            cov_type: str, singletons: str, effects: Sequence[str], controls: bool, **extra) -> RegressionResult:
    params = fitted.params[list(order)]
    se = fitted.std_errors[list(order)]
    df = prep.n_clusters - 1 if prep.n_clusters else len(prep.frame) - len(order) - prep.absorbed
    pvalues = pd.Series(2 * stats.t.sf(np.abs(params / se), df), index=params.index)
    x_tilde = prep.tilde[list(order)].to_numpy()
    resid = prep.tilde[dependent].to_numpy() - x_tilde @ params.to_numpy()
    y = prep.frame[dependent].to_numpy(dtype=float)
    ssr = float(resid @ resid)
    r2 = 1 - ssr / float(((y - y.mean()) ** 2).sum())
    y_t = prep.tilde[dependent].to_numpy()
    r2_within = 1 - ssr / float(y_t @ y_t)
    return RegressionResult(label=label, dependent=dependent, estimator=estimator, params=params.rename("coef"),
                            std_errors=se.rename("std_err"), pvalues=pvalues.rename("pvalue"), nobs=len(prep.frame),
                            rsquared=r2, rsquared_within=r2_within, df_inference=int(df), absorbed=prep.absorbed,
                            cov_type=cov_type, n_clusters=prep.n_clusters, n_dropped=prep.dropped,
                            n_singletons=prep.singletons, effects=tuple(effects), controls=controls,
                            conventions=_conventions(cov_type, prep.n_clusters, singletons), **extra)


# ----- estimators -------------------------------------------------------------------
@single_threaded
def fe_ols(data: Panel | pd.DataFrame, dependent: str, regressors: Sequence[str], *,
           effects: Sequence[str] = EFFECTS, cov_type: str = "robust", singletons: str = "keep",
           label: str | None = None, controls: bool | None = None) -> RegressionResult:
    """Fixed-effects OLS of eq. 12 (METHODS.md §8).

    Parameters
    ----------
    data : Panel or DataFrame
        Needs ``dependent``, ``regressors`` and the ``effects`` columns; incomplete rows
        are left out and counted (``n_dropped``).
    regressors : sequence of str
        Reported regressors (the effects are absorbed).
    effects : sequence of str
        Fixed-effect columns (default year, partner, industry).
    cov_type : robust | cluster_partner | cluster_partner_industry
    singletons : keep | drop
    label, controls : labels for tables (``controls`` defaults to "any regressor of
        :data:`~mutualism.panel.CONTROLS` is included").

    Raises
    ------
    EstimationError
        All-missing outcome, no variation in a regressor, a regressor absorbed by the
        effects, a singular design, too few observations.
    """
    regressors = list(regressors)
    prep = _prepare(data, [dependent, *regressors], dependent, regressors, effects, cov_type, singletons)
    fitted = _fit(prep, dependent, regressors, (), (), cov_type)
    return _result(prep, fitted, label=label or f"FE-OLS {dependent}", dependent=dependent, estimator="FE-OLS",
                   order=regressors, cov_type=cov_type, singletons=singletons, effects=effects,
                   controls=_has_controls(regressors) if controls is None else controls)


def _has_controls(regressors: Sequence[str]) -> bool:
    return any(r.removesuffix(LAG_SUFFIX) in CONTROLS for r in regressors)


def kleibergen_paap(endogenous: np.ndarray, instruments: np.ndarray, *, dof: int,
                    clusters: np.ndarray | None = None) -> tuple[float, float, float]:
    """KP rk LM (with p-value) and rk Wald F for one endogenous regressor (see module doc).

    Parameters
    ----------
    endogenous : (n,) array
        The endogenous regressor partialled of the effects and included exogenous regressors.
    instruments : (n, L) array
        The excluded instruments, partialled the same way.
    dof : int
        ``K`` of the first stage (its regressors plus absorbed effects), for the
        small-sample factor of the Wald statistic.
    clusters : (n,) array of cluster codes, optional

    Returns
    -------
    lm, lm_pvalue, wald_f
    """
    x = np.asarray(endogenous, dtype=float).reshape(-1)
    z = np.asarray(instruments, dtype=float).reshape(len(x), -1)
    n, n_instr = z.shape
    zz_inv = np.linalg.inv(z.T @ z)
    pi = zz_inv @ (z.T @ x)
    fitted_scores = z * (x - z @ pi)[:, None]
    null_scores = z * x[:, None]
    if clusters is None:
        meat_wald, meat_lm = fitted_scores.T @ fitted_scores, null_scores.T @ null_scores
        factor = n / (n - dof)
    else:
        codes = pd.factorize(np.asarray(clusters))[0]
        g = codes.max() + 1
        sum_fitted = np.zeros((g, n_instr))
        np.add.at(sum_fitted, codes, fitted_scores)
        sum_null = np.zeros((g, n_instr))
        np.add.at(sum_null, codes, null_scores)
        meat_wald, meat_lm = sum_fitted.T @ sum_fitted, sum_null.T @ sum_null
        factor = g / (g - 1) * (n - 1) / (n - dof)
    cov_pi = factor * zz_inv @ meat_wald @ zz_inv
    wald_f = float(pi @ np.linalg.solve(cov_pi, pi)) / n_instr
    score = null_scores.sum(axis=0)
    lm = float(score @ np.linalg.solve(meat_lm, score))
    return lm, float(stats.chi2.sf(lm, n_instr)), wald_f


@single_threaded
def fe_iv(data: Panel | pd.DataFrame, dependent: str, endogenous: str, instruments: Sequence[str],
          exogenous: Sequence[str] = (), *, effects: Sequence[str] = EFFECTS, cov_type: str = "robust",
          singletons: str = "keep", label: str | None = None) -> RegressionResult:
    """Fixed-effects 2SLS (METHODS.md §8 "IV"): ``endogenous`` instrumented by ``instruments``.

    The result carries the first stage (a :class:`RegressionResult` of ``endogenous`` on
    the instruments and ``exogenous``, same sample and effects) and the Kleibergen–Paap
    rk LM and rk Wald F statistics. Raises :class:`EstimationError` as :func:`fe_ols`.
    """
    exogenous, instruments = list(exogenous), list(instruments)
    columns = [dependent, endogenous, *exogenous, *instruments]
    prep = _prepare(data, columns, dependent, [endogenous, *exogenous], effects, cov_type, singletons,
                    instruments=instruments)
    fitted = _fit(prep, dependent, exogenous, [endogenous], instruments, cov_type)
    first_fit = _fit(prep, endogenous, [*instruments, *exogenous], (), (), cov_type)
    first = _result(prep, first_fit, label=f"first stage {endogenous}", dependent=endogenous, estimator="FE-OLS",
                    order=[*instruments, *exogenous], cov_type=cov_type, singletons=singletons, effects=effects,
                    controls=_has_controls(exogenous))
    exog_tilde = prep.tilde[exogenous].to_numpy()

    def off_exog(v: np.ndarray) -> np.ndarray:
        if not exogenous:
            return v
        coef, *_ = scipy.linalg.lstsq(exog_tilde, v)
        return v - exog_tilde @ coef

    lm, lm_p, wald_f = kleibergen_paap(off_exog(prep.tilde[endogenous].to_numpy()),
                                       off_exog(prep.tilde[instruments].to_numpy()),
                                       dof=len(instruments) + len(exogenous) + prep.absorbed,
                                       clusters=None if prep.clusters is None else prep.clusters.to_numpy())
    return _result(prep, fitted, label=label or f"FE-2SLS {dependent}", dependent=dependent, estimator="FE-2SLS",
                   order=[endogenous, *exogenous], cov_type=cov_type, singletons=singletons, effects=effects,
                   controls=_has_controls(exogenous), endogenous=(endogenous,), instruments=tuple(instruments),
                   first_stage=first, kp_lm=lm, kp_lm_pvalue=lm_p, kp_wald_f=wald_f)


def with_interaction(data: Panel | pd.DataFrame, dummy: str, treatment: str = TREATMENT) -> pd.DataFrame:
    """The data with the column ``"<treatment> x <dummy>"`` added (METHODS.md §8 heterogeneity)."""
    frame = _frame(data)
    for c in (treatment, dummy):
        if c not in frame.columns:
            raise EstimationError(f"column {c!r} not in the data; available: {sorted(frame.columns)}")
    return frame.assign(**{interaction_name(dummy, treatment): frame[treatment] * frame[dummy]})


def fe_interaction(data: Panel | pd.DataFrame, dependent: str, dummy: str, controls: Sequence[str] = CONTROLS, *,
                   treatment: str = TREATMENT, **options) -> RegressionResult:
    """``lnY = β1·lnITR + β2·(lnITR × D) + controls + effects`` (METHODS.md §8).

    The main effect of ``D`` is not included: ``D1`` is constant within partner, ``D2``
    within industry and ``D3`` within year, so the default effects absorb it.
    """
    frame = with_interaction(data, dummy, treatment)
    return fe_ols(frame, dependent, [treatment, interaction_name(dummy, treatment), *controls], **options)


# ----- mediation --------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MediationResult:
    """Mediation by ``mediator`` (METHODS.md §8, eqs. 15–16).

    ``mediator_equation``: ``M = α1·lnITR + …``; ``outcome_equations[y]``:
    ``y = φ1·lnITR + φ2·M + …``; ``effects``: one row per outcome with ``alpha1, phi1,
    phi2, indirect (= α1·φ2), sobel_se, sobel_z, sobel_p, boot_low, boot_high,
    boot_reps, verdict`` (``mediation`` when ``α1·φ2`` has the sign of ``φ1``, else
    ``masking``).
    """

    mediator: str
    mediator_equation: RegressionResult
    outcome_equations: Mapping[str, RegressionResult]
    effects: pd.DataFrame
    bootstrap_note: str

    def summary(self) -> str:
        return "\n\n".join([self.mediator_equation.summary(),
                            *(r.summary() for r in self.outcome_equations.values()),
                            f"Indirect effects via {self.mediator}:",
                            self.effects.to_string(float_format=lambda v: f"{v:.4f}"), self.bootstrap_note])

    def _repr_html_(self) -> str:
        return (f"<div><h4>Mediation by {self.mediator}</h4>"
                f"{self.effects.to_html(float_format=lambda v: f'{v:.4f}')}<p><small>{self.bootstrap_note}</small></p>"
                f"{self.mediator_equation._repr_html_()}"
                f"{''.join(r._repr_html_() for r in self.outcome_equations.values())}</div>")


def _bootstrap_indirect(frame: pd.DataFrame, treatment: str, mediator: str, outcomes: Sequence[str],
                        controls: Sequence[str], effects: Sequence[str], reps: int, seed: int) -> np.ndarray:
    """Indirect effects ``α1·φ2`` (reps × outcomes) on partner-cluster bootstrap samples.

    Each draw resamples partners with replacement; a partner drawn twice enters as two
    partners (its own effects). Point estimates by Frisch–Waugh on cross-products:
    demeaning within partner is a per-partner operation, so each partner's block
    ``B_p = [targets, other effects' dummies, controls]`` (demeaned within the partner) is
    the same in every draw, and a draw's moment matrix is the sum of the drawn partners'
    ``B_p'B_p``. The other effects and controls are then projected out on the moments
    (least squares on the small Gram matrix), and ``α1`` and ``(φ1, φ2)`` are read off the
    residual moments. Exact (the test compares a draw with :func:`fe_ols` on the
    resampled data); a draw costs a sum of small matrices, not a regression on n rows.
    """
    rng = np.random.default_rng(seed)
    groups = [np.asarray(ix) for ix in frame.groupby("partner", sort=True).indices.values()]
    others = [e for e in effects if e != "partner"]
    other_dummies = effect_dummies(frame, others)[:, 1:] if others else np.empty((len(frame), 0))
    targets = frame[[treatment, mediator, *outcomes]].to_numpy(dtype=float)
    block = np.hstack([targets, other_dummies, frame[list(controls)].to_numpy(dtype=float)])
    if "partner" not in effects:
        block = np.hstack([block, np.ones((len(frame), 1))])
    moments = []
    for g in groups:
        part = block[g] - block[g].mean(axis=0) if "partner" in effects else block[g]
        moments.append(part.T @ part)
    moments = np.stack(moments)
    k = targets.shape[1]
    out = np.full((reps, len(outcomes)), np.nan)
    for b in range(reps):
        total = moments[rng.integers(0, len(groups), len(groups))].sum(axis=0)
        s_yy, s_yw, s_ww = total[:k, :k], total[:k, k:], total[k:, k:]
        resid = s_yy - s_yw @ scipy.linalg.lstsq(s_ww, s_yw.T, lapack_driver="gelsy")[0] if s_ww.size else s_yy
        if resid[0, 0] <= 1e-12 * max(s_yy[0, 0], 1e-300):
            continue
        alpha1 = resid[0, 1] / resid[0, 0]
        phi = np.linalg.solve(resid[:2, :2], resid[:2, 2:])
        out[b] = alpha1 * phi[1]
    return out


@single_threaded
def mediation(data: Panel | pd.DataFrame, mediator: str, outcomes: Sequence[str] = DEPENDENTS,
              controls: Sequence[str] = CONTROLS, *, treatment: str = TREATMENT, effects: Sequence[str] = EFFECTS,
              cov_type: str = "robust", singletons: str = "keep", bootstrap_reps: int = 499, seed: int = 2023,
              level: float = 0.95) -> MediationResult:
    """Mediation analysis of METHODS.md §8 (eqs. 15–16) on one common sample.

    All equations use the rows complete for the treatment, the mediator, the controls and
    every outcome, so that ``α1`` and ``φ2`` come from the same observations (the paper
    reports one N per table). Sobel: ``se = sqrt(α1²·se(φ2)² + φ2²·se(α1)²)`` with the
    ``cov_type`` standard errors. Bootstrap: percentile interval of ``α1·φ2`` over
    ``bootstrap_reps`` partner-cluster resamples drawn with ``seed``.
    """
    frame = _frame(data)
    controls, outcomes = list(controls), list(outcomes)
    needed = list(dict.fromkeys([treatment, mediator, *controls, *outcomes, *effects]))
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise EstimationError(f"column(s) {absent} not in the data; available: {sorted(frame.columns)}")
    common = frame.dropna(subset=needed)
    if common.empty:
        raise EstimationError(f"mediation by {mediator!r}: no row has {needed} all present")
    options = dict(effects=effects, cov_type=cov_type, singletons=singletons)
    med_eq = fe_ols(common, mediator, [treatment, *controls], label=f"mediator {mediator}", **options)
    out_eqs = {y: fe_ols(common, y, [treatment, mediator, *controls], label=f"{y} with mediator {mediator}",
                         **options) for y in outcomes}
    boot = (_bootstrap_indirect(common, treatment, mediator, outcomes, controls, effects, bootstrap_reps, seed)
            if bootstrap_reps > 0 and "partner" in common.columns else np.empty((0, len(outcomes))))
    alpha1, se_a = med_eq.params[treatment], med_eq.std_errors[treatment]
    rows = []
    for k, (y, eq) in enumerate(out_eqs.items()):
        phi1, phi2, se_p = eq.params[treatment], eq.params[mediator], eq.std_errors[mediator]
        indirect = alpha1 * phi2
        sobel_se = float(np.sqrt(alpha1**2 * se_p**2 + phi2**2 * se_a**2))
        z = indirect / sobel_se
        draws = boot[:, k][np.isfinite(boot[:, k])] if boot.size else np.empty(0)
        lo, hi = (np.quantile(draws, [(1 - level) / 2, (1 + level) / 2]) if draws.size else (np.nan, np.nan))
        rows.append({"outcome": y, "alpha1": alpha1, "phi1": phi1, "phi2": phi2, "indirect": indirect,
                     "sobel_se": sobel_se, "sobel_z": z, "sobel_p": float(2 * stats.norm.sf(abs(z))),
                     "boot_low": lo, "boot_high": hi, "boot_reps": int(draws.size),
                     "verdict": "mediation" if np.sign(indirect) == np.sign(phi1) else "masking"})
    note = (f"Indirect effect α1·φ2; Sobel test with {med_eq.cov_type} standard errors; {level:.0%} percentile "
            f"bootstrap interval over {bootstrap_reps} resamples of partners (clusters), seed {seed}; "
            "verdict 'mediation' when α1·φ2 has the sign of φ1, 'masking' otherwise.")
    return MediationResult(mediator, med_eq, out_eqs, pd.DataFrame(rows).set_index("outcome"), note)


# ----- the paper's specifications ---------------------------------------------------
@dataclass(frozen=True, eq=False)
class RegressionTable:
    """Columns of one of the paper's tables, ready for :mod:`mutualism.tables`.

    ``rows`` are the regressors shown (in order, with display labels); ``extra_rows`` are
    further lines (KP statistics, indirect effects) as one string per column.
    """

    key: str
    title: str
    columns: tuple[RegressionResult, ...]
    rows: tuple[tuple[str, str], ...]
    extra_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    headers: tuple[str, ...] = ()
    note: str = ""

    def _repr_html_(self) -> str:
        from .tables import to_html

        return to_html(self)


@dataclass(frozen=True, eq=False)
class PaperResults:
    """Every specification of Tables 1–7 (plus the lagged Table 1) for one panel.

    ``tables`` maps ``"1"``, ``"1L"``, ``"2"``…``"7"`` to :class:`RegressionTable`;
    ``mediation`` maps ``"RVC"``/``"INC"`` to :class:`MediationResult`; ``failures`` maps
    a table key to the :class:`EstimationError` message that stopped it.
    """

    tables: Mapping[str, RegressionTable]
    mediation: Mapping[str, MediationResult]
    failures: Mapping[str, str]
    options: Mapping[str, object] = field(default_factory=dict)

    def column(self, table: int | str, column: int) -> RegressionResult:
        """Column ``column`` (1-based, as printed) of table ``table``."""
        return self.tables[str(table)].columns[column - 1]

    def _repr_html_(self) -> str:
        from .tables import render, render_failure

        return "\n".join(render(self.tables[k]) if k in self.tables else render_failure(k, self.failures[k])
                         for k in TITLES if k in self.tables or k in self.failures)


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
    absorber = _absorber(sample, effects)
    kept, omitted = [], {}
    for c in controls:
        values = sample[c].to_numpy(dtype=float)
        if np.ptp(values) == 0:
            omitted[c] = "no variation"
        elif np.linalg.norm(absorber(values)) <= _ABSORBED_TOL * np.linalg.norm(values - values.mean()):
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
        first = ivs[0].first_stage
        kp = (("KP rk LM", (f"{first_kp(ivs[0], 'lm')}", "", "", "")),
              ("KP rk Wald F", (f"{first_kp(ivs[0], 'f')}", "", "", "")))
        return RegressionTable("2", TITLES["2"], (first, *ivs), ((INSTRUMENT, INSTRUMENT), (TREATMENT, TREATMENT)),
                               extra_rows=kp, headers=(TREATMENT, *DEPENDENTS),
                               note="Column (1): first stage; (2)–(4): second stages.")

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
        fx = med.effects
        from .tables import number

        extra = (("α1·φ2 (indirect)", ("", *(number(v) for v in fx["indirect"]))),
                 ("Sobel z", ("", *(f"{v:.2f}" for v in fx["sobel_z"]))),
                 ("bootstrap 95% CI", ("", *(f"[{number(a)}, {number(b)}]" if np.isfinite(a) else "not run"
                                             for a, b in zip(fx["boot_low"], fx["boot_high"])))),
                 ("verdict", ("", *fx["verdict"])))
        return RegressionTable(key, TITLES[key], (med.mediator_equation, *med.outcome_equations.values()),
                               ((TREATMENT, TREATMENT), (mediator, mediator)), extra_rows=extra,
                               headers=(mediator, *DEPENDENTS), note=med.bootstrap_note)

    attempt("1", table1)
    attempt("1L", table1_lag)
    attempt("2", table2)
    for key, dummy in (("3", "D1"), ("4", "D2"), ("5", "D3")):
        attempt(key, lambda key=key, dummy=dummy: interaction_table(key, dummy))
    for key, mediator in (("6", "RVC"), ("7", "INC")):
        attempt(key, lambda key=key, mediator=mediator: mediation_table(key, mediator))
    options = {"cov_type": cov_type, "bootstrap_reps": bootstrap_reps, "seed": seed, "singletons": singletons,
               "common_sample": common_sample, "winsor": panel.winsor, "tables": selected}
    return PaperResults(tables, mediations, failures, options)


def first_kp(result: RegressionResult, which: str) -> str:
    """``KP rk LM`` (``which='lm'``, with p-value) or ``rk Wald F`` (``'f'``) formatted for a table."""
    if which == "lm":
        return f"{result.kp_lm:.2f} (p={result.kp_lm_pvalue:.3f})"
    return f"{result.kp_wald_f:.2f}"
