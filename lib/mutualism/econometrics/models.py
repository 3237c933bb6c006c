"""Estimators of the paper's models (METHODS.md §8): FE-OLS, FE-2SLS with Kleibergen–Paap
statistics, interaction models, mediation with a partner-cluster bootstrap.

Small-sample conventions
------------------------
The effects are absorbed by :mod:`mutualism.econometrics.fe`, and the model is fitted to the
partialled data by its normal equations (``engine="numpy"``), or by
:class:`linearmodels.iv.IV2SLS` with ``debiased=True`` and ``extra_df`` = the rank of the
dummy matrix (``engine="linearmodels"``, the same numbers). Coefficients, residuals and
the robust and clustered covariances are then *identical* to those of the regression with
explicit dummies (Stata ``regress y x i.year i.partner i.industry, vce(robust|cluster)``;
statsmodels OLS with dummies, ``HC1`` / ``cluster``):

* ``robust`` — HC1: ``n / (n − K)``, ``K`` = regressors + rank of the dummies (the
  constant is in the dummies' span);
* ``cluster_partner`` / ``cluster_partner_industry`` — ``G/(G−1) · (n−1)/(n−K)``, with
  the absorbed effects counted in ``K`` even when nested in the clusters (the
  explicit-dummy convention; ``xtreg``/``reghdfe`` would not count nested effects).

p-values use ``t(n − K)`` (robust) or ``t(G − 1)`` (clustered). ``rsquared`` is the R² of
the model *including* the fixed effects (``1 − SSR/TSS``, TSS about the mean of the
sample), the number ``regress`` with dummies prints and the size the paper reports
(0.68–0.98); ``rsquared_within`` is ``1 − SSR/TSS`` of the partialled outcome. For 2SLS
the residual is the structural one, ``y − Xβ``.

Kleibergen–Paap statistics (one endogenous regressor)
------------------------------------------------------
Computed here on the data partialled of the effects and of the included exogenous
regressors (Frisch–Waugh). linearmodels 7.1 computes them too
(``IVResults.first_stage.kleibergen_paap`` and ``.kleibergen_paap_f``, following
``ranktest``): its rk LM equals ours, and its rk Wald F equals ours times
``(n − L − k_exog)/(n − K)``, since ours also counts the absorbed effects in ``K``
(``tests/test_models.py`` checks both). With one endogenous regressor ``x`` and ``L``
excluded instruments ``Z`` the rank-0 null is ``π = 0`` in ``x̃ = Z̃π + e``, and the KP
rk statistics reduce to

* rk Wald F = ``π̂' V̂(π̂)⁻¹ π̂ / L``, with ``V̂`` the covariance of the chosen ``cov_type``
  *including its small-sample factor* (``K`` counts the effects, as in ``ivreghdfe`` with
  absorbed degrees of freedom). It therefore equals the robust first-stage F of the
  excluded instruments, and with ``L = 1`` the squared robust t of the instrument;
* rk LM = ``s̄' Ŝ⁻¹ s̄`` with scores ``s_i = z̃_i x̃_i`` evaluated under the null and
  ``Ŝ = Σ s_i s_i'`` (or sums of cluster scores), no small-sample factor, ``χ²(L)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.linalg
from scipy import stats

from ..core.config import CLUSTER_VARIABLES
from ..core.errors import EstimationError, check_option
from ..core import verdict
from .fe import EFFECTS, Prepared, effect_dummies, frame_of, prepare, single_threaded
from .panel import CONTROLS, DEPENDENTS, LAG_SUFFIX, Panel
from .results import MediationResult, RegressionResult

TREATMENT = "lnITR"
INSTRUMENT = "LAB"


def interaction_name(dummy: str, treatment: str = TREATMENT) -> str:
    """Column name of ``treatment × dummy`` (as in the paper: ``lnITR x D1``)."""
    return f"{treatment} x {dummy}"


#: How a model on the partialled data is fitted: ``numpy`` (default: the 2SLS/OLS normal
#: equations and the covariances of the module doc, a few small matrix products) or
#: ``linearmodels`` (:class:`linearmodels.iv.IV2SLS` with ``debiased=True`` and
#: ``extra_df``, the reference; 15–20 ms of data handling per fit, which the multiverse's
#: thousands of fits felt). Both give the same numbers (``tests/test_estimate.py``).
ENGINES = ("numpy", "linearmodels")


@dataclass(frozen=True)
class _Fitted:
    """Coefficients and standard errors of a fit, labelled by regressor."""

    params: pd.Series
    std_errors: pd.Series


def _fit(prep: Prepared, dependent: str, exog: Sequence[str], endog: Sequence[str], instruments: Sequence[str],
         cov_type: str, engine: str = "numpy") -> _Fitted:
    check_option("engine", engine, ENGINES)
    if engine == "linearmodels":
        return _fit_linearmodels(prep, dependent, exog, endog, instruments)
    t = prep.tilde
    names = [*exog, *endog]
    y = t[dependent].to_numpy()
    X = t[names].to_numpy()
    if endog:  # the first-stage fitted values P_Z X, Z = [exog, instruments]
        Z = t[[*exog, *instruments]].to_numpy()
        X_hat = Z @ scipy.linalg.lstsq(Z, X, lapack_driver="gelsy")[0]
    else:
        X_hat = X
    bread = np.linalg.inv(X_hat.T @ X_hat)
    beta = bread @ (X_hat.T @ y)
    scores = X_hat * (y - X @ beta)[:, None]           # structural residual y − Xβ
    n, k = X.shape
    dof = n - k - prep.absorbed
    if prep.clusters is None:
        meat, factor = scores.T @ scores, n / dof
    else:
        codes = prep.clusters.to_numpy()
        summed = np.zeros((prep.n_clusters, k))
        np.add.at(summed, codes, scores)
        g = prep.n_clusters
        meat, factor = summed.T @ summed, g / (g - 1) * (n - 1) / dof
    cov = factor * bread @ meat @ bread
    return _Fitted(pd.Series(beta, index=names), pd.Series(np.sqrt(np.diag(cov)), index=names))


def _fit_linearmodels(prep: Prepared, dependent: str, exog: Sequence[str], endog: Sequence[str],
                      instruments: Sequence[str]) -> _Fitted:
    from linearmodels.iv import IV2SLS

    t = prep.tilde
    kwargs: dict = {"debiased": True, "extra_df": prep.absorbed}
    if prep.clusters is not None:
        kwargs.update(cov_type="clustered", clusters=prep.clusters)
    else:
        kwargs["cov_type"] = "robust"
    model = IV2SLS(t[dependent], t[list(exog)] if exog else None,
                   t[list(endog)] if endog else None, t[list(instruments)] if instruments else None)
    fitted = model.fit(**kwargs)
    return _Fitted(fitted.params, fitted.std_errors)


def _result(prep: Prepared, fitted, *, label: str, dependent: str, estimator: str, order: Sequence[str],
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
                            singletons=singletons, **extra)


@single_threaded
def fe_ols(data: Panel | pd.DataFrame, dependent: str, regressors: Sequence[str], *,
           effects: Sequence[str] = EFFECTS, cov_type: str = "robust", singletons: str = "keep",
           label: str | None = None, controls: bool | None = None, engine: str = "numpy") -> RegressionResult:
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
        :data:`~mutualism.econometrics.panel.CONTROLS` is included").
    engine : numpy | linearmodels (:data:`ENGINES`: the same numbers, the second as a check).

    Raises
    ------
    EstimationError
        All-missing outcome, no variation in a regressor, a regressor absorbed by the
        effects, a singular design, too few observations.
    """
    regressors = list(regressors)
    prep = prepare(data, [dependent, *regressors], dependent, regressors, effects, cov_type, singletons)
    fitted = _fit(prep, dependent, regressors, (), (), cov_type, engine)
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
          singletons: str = "keep", label: str | None = None, engine: str = "numpy") -> RegressionResult:
    """Fixed-effects 2SLS (METHODS.md §8 "IV"): ``endogenous`` instrumented by ``instruments``.

    The result carries the first stage (a :class:`RegressionResult` of ``endogenous`` on
    the instruments and ``exogenous``, same sample and effects) and the Kleibergen–Paap
    rk LM and rk Wald F statistics. Raises :class:`EstimationError` as :func:`fe_ols`;
    ``engine`` as there.
    """
    exogenous, instruments = list(exogenous), list(instruments)
    columns = [dependent, endogenous, *exogenous, *instruments]
    prep = prepare(data, columns, dependent, [endogenous, *exogenous], effects, cov_type, singletons,
                    instruments=instruments)
    fitted = _fit(prep, dependent, exogenous, [endogenous], instruments, cov_type, engine)
    first_fit = _fit(prep, endogenous, [*instruments, *exogenous], (), (), cov_type, engine)
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
    frame = frame_of(data)
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


#: What the bootstrap of the indirect effect resamples under each ``cov_type`` (METHODS.md §8):
#: the same units as the standard errors' dependence.
BOOTSTRAP_UNITS = {"robust": "rows", "cluster_partner": "partners", "cluster_partner_industry": "partner × industry cells"}


def bootstrap_units(frame: pd.DataFrame, cov_type: str) -> np.ndarray:
    """Code ``0…G−1`` of the resampled unit of every row of ``frame`` (METHODS.md §8).

    ``robust``: each row is a unit; ``cluster_partner``: the partner; ``cluster_partner_industry``:
    the partner × industry cell (codes in sorted order of the cluster variables).
    """
    check_option("cov_type", cov_type, tuple(BOOTSTRAP_UNITS))
    columns = CLUSTER_VARIABLES.get(cov_type, ())
    if not columns:
        return np.arange(len(frame))
    return pd.factorize(pd.MultiIndex.from_frame(frame[list(columns)]), sort=True)[0]


def bootstrap_counts(rng: np.random.Generator, n_units: int) -> np.ndarray:
    """How often each of ``n_units`` units is drawn in one resample of ``n_units`` with replacement."""
    return np.bincount(rng.integers(0, n_units, n_units), minlength=n_units)


def _unit_draws(block: np.ndarray, units: np.ndarray, unit_partner: np.ndarray, correct: bool,
                rng: np.random.Generator, reps: int):
    """Moment matrices ``B'WB`` (less the within-partner correction when ``correct``) of
    ``reps`` draws of groups of rows, from each unit's precomputed ``B_u'B_u``."""
    n_units = len(unit_partner)
    order = np.argsort(units, kind="stable")
    bounds = np.searchsorted(units[order], np.arange(n_units + 1))
    moments = np.stack([block[order[a:b]].T @ block[order[a:b]] for a, b in zip(bounds[:-1], bounds[1:])])
    unit_sums = np.zeros((n_units, block.shape[1]))
    np.add.at(unit_sums, units, block)
    unit_rows = np.bincount(units, minlength=n_units).astype(float)
    n_part = int(unit_partner.max()) + 1
    for _ in range(reps):
        counts = bootstrap_counts(rng, n_units).astype(float)
        total = np.tensordot(counts, moments, axes=1)
        if correct:
            part_sums = np.zeros((n_part, block.shape[1]))
            np.add.at(part_sums, unit_partner, counts[:, None] * unit_sums)
            part_weight = np.bincount(unit_partner, weights=counts * unit_rows, minlength=n_part)
            drawn = part_weight > 0
            total = total - (part_sums[drawn] / part_weight[drawn][:, None]).T @ part_sums[drawn]
        yield total


def _row_draws(dense: np.ndarray, codes: Sequence[np.ndarray], partner: np.ndarray | None,
               rng: np.random.Generator, reps: int):
    """Moment matrices of ``reps`` draws of rows, with the dummies kept sparse.

    The regressors are ``[dense, D]``: ``dense`` (targets, controls, and the constant without
    partner effects) and the dummies ``D`` of the other effects, one block per ``codes``
    array with its first level dropped (as :func:`~mutualism.econometrics.fe.effect_dummies`). With the
    draw counts ``w``, ``B'WB`` is built from ``dense' W dense`` (the only dense product),
    weighted sums of ``dense`` by level (``D'W dense``) and weighted level counts
    (``D'WD``); with ``partner`` the within-partner correction ``Σ_p S_p S_p'/W_p`` is
    subtracted, ``S_p`` and ``W_p`` the weighted sums and weight of partner ``p``. Same
    draws as :func:`bootstrap_counts`, in order; exact (a dummy never needs centring: the
    correction is invariant to per-partner shifts of a column).
    """
    import scipy.sparse

    n, q = dense.shape
    levels = [int(c.max()) + 1 for c in codes]
    onehot = [scipy.sparse.csr_matrix((np.ones(n), (c, np.arange(n))), shape=(L, n)) for c, L in zip(codes, levels)]
    widths = [L - 1 for L in levels]
    offsets = np.cumsum([q, *widths])
    m = int(offsets[-1])
    if partner is not None:
        n_part = int(partner.max()) + 1
        by_partner = scipy.sparse.csr_matrix((np.ones(n), (partner, np.arange(n))), shape=(n_part, n))
    for _ in range(reps):
        w = bootstrap_counts(rng, n).astype(float)
        wx = dense * w[:, None]
        total = np.empty((m, m))
        total[:q, :q] = wx.T @ dense
        for e, (c, L) in enumerate(zip(codes, levels)):
            a, b = offsets[e], offsets[e + 1]
            total[a:b, :q] = (onehot[e] @ wx)[1:]
            total[:q, a:b] = total[a:b, :q].T
            for f in range(e, len(codes)):
                fa, fb, lf = offsets[f], offsets[f + 1], levels[f]
                cross = np.bincount(c * lf + codes[f], weights=w, minlength=L * lf).reshape(L, lf)[1:, 1:]
                total[a:b, fa:fb] = cross
                total[fa:fb, a:b] = cross.T
        if partner is not None:
            mass = np.bincount(partner, weights=w, minlength=n_part)
            sums = np.hstack([by_partner @ wx, *(np.bincount(partner * L + c, weights=w, minlength=n_part * L)
                                                 .reshape(n_part, L)[:, 1:] for c, L in zip(codes, levels))])
            drawn = mass > 0
            total -= (sums[drawn] / mass[drawn][:, None]).T @ sums[drawn]
        yield total


def _bootstrap_indirect(frame: pd.DataFrame, treatment: str, mediator: str, outcomes: Sequence[str],
                        controls: Sequence[str], effects: Sequence[str], reps: int, seed: int,
                        units: np.ndarray | None = None) -> np.ndarray:
    """Indirect effects ``α1·φ2`` (reps × outcomes) on bootstrap resamples of ``units``.

    ``units`` (default: the partner of each row) are the codes of :func:`bootstrap_units`;
    every draw takes as many units as there are, with replacement
    (:func:`bootstrap_counts`), and fits the equations on the drawn rows, a unit drawn
    ``c`` times entering ``c`` times. A drawn partner keeps its partner effect, which for a
    partner drawn whole is the same as giving each copy its own effect.

    Point estimates by Frisch–Waugh on weighted cross-products: with ``w`` the draw count
    of each row's unit, ``B = [targets, other effects' dummies, controls]`` and ``P`` the
    partner indicator, the within-partner moments are ``B'WB − Σ_p S_p S_p'/W_p`` with
    ``S_p`` and ``W_p`` the weighted column sums and weight of partner ``p`` (the columns are
    first centred on their unweighted partner means, which leaves these moments unchanged
    and keeps them accurate; for partner units the correction is then zero). The other
    effects and controls are projected out on the moments (least squares on the small Gram
    matrix) and ``α1`` and ``(φ1, φ2)`` read off the residual moments. Exact (the tests
    compare a draw with :func:`fe_ols` on the resampled data); per-unit moments are
    precomputed when units are groups of rows (:func:`_unit_draws`), and row draws are
    use sparse dummies (:func:`_row_draws`).
    """
    rng = np.random.default_rng(seed)
    within = "partner" in effects
    partner = pd.factorize(frame["partner"], sort=True)[0] if "partner" in frame.columns else np.zeros(len(frame), int)
    units = partner if units is None else np.asarray(units)
    n_units = int(units.max()) + 1 if units.size else 0
    others = [e for e in effects if e != "partner"]
    other_dummies = effect_dummies(frame, others)[:, 1:] if others else np.empty((len(frame), 0))
    targets = frame[[treatment, mediator, *outcomes]].to_numpy(dtype=float)
    block = np.hstack([targets, other_dummies, frame[list(controls)].to_numpy(dtype=float)])
    if within:
        n_part = int(partner.max()) + 1
        sums = np.zeros((n_part, block.shape[1]))
        np.add.at(sums, partner, block)
        block = block - (sums / np.bincount(partner, minlength=n_part)[:, None])[partner]
    else:
        block = np.hstack([block, np.ones((len(frame), 1))])
    unit_partner = np.zeros(n_units, dtype=int)
    unit_partner[units] = partner
    if within and np.any(unit_partner[units] != partner):
        raise EstimationError("bootstrap units must lie within partners when partner effects are absorbed")
    k = targets.shape[1]
    out = np.full((reps, len(outcomes)), np.nan)
    if n_units == len(frame):  # rows: the dummies stay sparse (the targets come first in both layouts)
        dense = np.hstack([targets, frame[list(controls)].to_numpy(dtype=float)])
        if within:
            means = np.zeros((n_part, dense.shape[1]))
            np.add.at(means, partner, dense)
            dense = dense - (means / np.bincount(partner, minlength=n_part)[:, None])[partner]
        else:
            dense = np.hstack([dense, np.ones((len(frame), 1))])
        codes = [pd.factorize(frame[e], sort=True)[0] for e in others]
        draws = _row_draws(dense, codes, partner if within else None, rng, reps)
    else:
        draws = _unit_draws(block, units, unit_partner, within and not np.array_equal(units, partner), rng, reps)
    for b, total in enumerate(draws):
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
              level: float = 0.95, baseline: Mapping[str, float] | None = None) -> MediationResult:
    """Mediation analysis of METHODS.md §8 (eqs. 15–16) on one common sample.

    All equations use the rows complete for the treatment, the mediator, the controls and
    every outcome, so that ``α1`` and ``φ2`` come from the same observations (the paper
    reports one N per table). Sobel: ``se = sqrt(α1²·se(φ2)² + φ2²·se(α1)²)`` with the
    ``cov_type`` standard errors of the regressions. Bootstrap: percentile interval of
    ``α1·φ2`` over ``bootstrap_reps`` resamples drawn with ``seed`` of the units that
    ``cov_type`` treats as independent (:data:`BOOTSTRAP_UNITS`: rows, partners or
    partner × industry cells). ``verdicts[y]`` is :func:`mutualism.core.verdict.mediation` at
    5 % with ``baseline[y]`` (the β1 of Table 1 with controls; NaN when not given), computed
    here once; ``effects`` holds the numbers only.
    """
    frame = frame_of(data)
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
    units = bootstrap_units(common, cov_type) if "partner" in common.columns else np.arange(len(common))
    n_units = int(units.max()) + 1
    boot = (_bootstrap_indirect(common, treatment, mediator, outcomes, controls, effects, bootstrap_reps, seed,
                                units) if bootstrap_reps > 0 else np.empty((0, len(outcomes))))
    alpha1, se_a = med_eq.params[treatment], med_eq.std_errors[treatment]
    rows, verdicts = [], {}
    for k, (y, eq) in enumerate(out_eqs.items()):
        phi1, phi2, se_p = eq.params[treatment], eq.params[mediator], eq.std_errors[mediator]
        indirect = alpha1 * phi2
        sobel_se = float(np.sqrt(alpha1**2 * se_p**2 + phi2**2 * se_a**2))
        z = indirect / sobel_se
        draws = boot[:, k][np.isfinite(boot[:, k])] if boot.size else np.empty(0)
        lo, hi = (np.quantile(draws, [(1 - level) / 2, (1 + level) / 2]) if draws.size else (np.nan, np.nan))
        verdicts[y] = verdict.mediation(alpha1=alpha1, alpha1_p=med_eq.pvalues[treatment], phi2=phi2,
                                        phi2_p=eq.pvalues[mediator], phi1=phi1, phi1_p=eq.pvalues[treatment],
                                        baseline_beta1=(baseline or {}).get(y, np.nan), ci_low=lo, ci_high=hi)
        rows.append({"outcome": y, "alpha1": alpha1, "phi1": phi1, "phi2": phi2, "indirect": indirect,
                     "sobel_se": sobel_se, "sobel_z": z, "sobel_p": float(2 * stats.norm.sf(abs(z))),
                     "boot_low": lo, "boot_high": hi, "boot_reps": int(draws.size)})
    return MediationResult(mediator, med_eq, out_eqs, pd.DataFrame(rows).set_index("outcome"), level=level,
                           bootstrap_reps=bootstrap_reps, seed=seed, bootstrap_unit=BOOTSTRAP_UNITS[cov_type],
                           n_units=n_units, verdicts=verdicts)
