"""Estimators (METHODS.md §8) against independent computations and planted truths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from mutualism.core.errors import EstimationError
from mutualism.report.formatting import conventions, summary
from mutualism.econometrics.models import fe_interaction, fe_iv, fe_ols, kleibergen_paap, mediation

EFFECTS = ["year", "partner", "industry"]


def simulate(seed: int, partners: int = 24, industries: int = 4, years: int = 6, *, beta: float = 0.3,
             interaction: float = -0.2, alpha1: float = 0.5, phi2: float = 0.4, heteroskedastic: bool = True):
    """Panel with effects, an endogenous lnITR instrumented by LAB, an interaction and a mediator."""
    rng = np.random.default_rng(seed)
    frame = pd.MultiIndex.from_product(
        [[f"P{p:02d}" for p in range(partners)], [f"C{i + 4}" for i in range(industries)], range(2010, 2010 + years)],
        names=["partner", "industry", "year"]).to_frame(index=False)
    n = len(frame)
    p_code = frame["partner"].str[1:].astype(int).to_numpy()
    i_code = frame["industry"].str[1:].astype(int).to_numpy()
    fe = rng.normal(size=partners)[p_code] + 0.5 * rng.normal(size=10)[i_code - 4] + 0.1 * (frame["year"] - 2010)
    frame["LAB"] = rng.normal(size=n) + 0.3 * fe
    frame["lnPOL"] = rng.normal(size=n)
    frame["FTA"] = (rng.random(n) < 0.3).astype(float)
    confounder = rng.normal(size=n)
    frame["lnITR"] = 0.8 * frame["LAB"] + 0.3 * frame["lnPOL"] + fe + confounder + rng.normal(size=n)
    frame["D1"] = (p_code % 3 == 0).astype(float)
    scale = np.exp(0.3 * frame["lnPOL"]) if heteroskedastic else 1.0
    frame["RVC"] = alpha1 * frame["lnITR"] + 0.2 * frame["lnPOL"] + fe + rng.normal(size=n) * scale
    frame["lnRH"] = (beta * frame["lnITR"] + 0.1 * frame["lnPOL"] - 0.2 * frame["FTA"] + fe + confounder
                     + rng.normal(size=n) * scale)
    frame["lnHD"] = (beta * frame["lnITR"] + interaction * frame["lnITR"] * frame["D1"] + 0.1 * frame["lnPOL"]
                     + fe + rng.normal(size=n) * scale)
    frame["lnXT"] = (beta * frame["lnITR"] + phi2 * frame["RVC"] + 0.1 * frame["lnPOL"] + fe
                     + rng.normal(size=n) * scale)
    return frame


def dummies(frame: pd.DataFrame, exog: list[str]) -> pd.DataFrame:
    d = pd.get_dummies(frame[EFFECTS].astype(str), drop_first=True, dtype=float)
    return sm.add_constant(pd.concat([frame[exog], d], axis=1))


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    frame = simulate(11)
    frame.loc[[3, 50], "lnRH"] = np.nan  # incomplete rows are left out and counted
    return frame


@pytest.mark.parametrize("cov_type,cluster", [("robust", None), ("cluster_partner", ["partner"]),
                                              ("cluster_partner_industry", ["partner", "industry"])])
def test_fe_ols_equals_statsmodels_with_explicit_dummies(panel, cov_type, cluster):
    regs = ["lnITR", "lnPOL", "FTA"]
    res = fe_ols(panel, "lnRH", regs, cov_type=cov_type)
    sample = panel.dropna(subset=["lnRH"]).reset_index(drop=True)
    model = sm.OLS(sample["lnRH"], dummies(sample, regs))
    if cluster is None:
        ref = model.fit(cov_type="HC1")
    else:
        groups = pd.factorize(pd.MultiIndex.from_frame(sample[cluster]))[0]
        ref = model.fit(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": True, "df_correction": True})
        assert res.n_clusters == len(np.unique(groups)) and res.df_inference == res.n_clusters - 1
    np.testing.assert_allclose(res.params[regs], ref.params[regs], rtol=1e-8)
    np.testing.assert_allclose(res.std_errors[regs], ref.bse[regs], rtol=1e-8)
    assert res.nobs == len(sample) and res.n_dropped == 2
    assert res.rsquared == pytest.approx(ref.rsquared, rel=1e-10)
    assert res.absorbed + len(regs) == ref.df_model + 1


def test_2sls_equals_two_steps_by_hand(panel):
    sample = panel.dropna(subset=["lnRH"]).reset_index(drop=True)
    res = fe_iv(sample, "lnRH", "lnITR", ["LAB"], ["lnPOL", "FTA"])
    w = dummies(sample, ["lnPOL", "FTA"]).to_numpy()
    first = np.column_stack([sample["LAB"], w])
    fitted = first @ np.linalg.lstsq(first, sample["lnITR"].to_numpy(), rcond=None)[0]
    second = np.column_stack([fitted, w])
    coef = np.linalg.lstsq(second, sample["lnRH"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(res.params[["lnITR", "lnPOL", "FTA"]], coef[[0, 2, 3]], rtol=1e-8)
    # structural residual R² (with effects): y − Xβ − Wγ with the actual lnITR
    resid = sample["lnRH"].to_numpy() - np.column_stack([sample["lnITR"], w]) @ coef
    tss = ((sample["lnRH"] - sample["lnRH"].mean()) ** 2).sum()
    assert res.rsquared == pytest.approx(1 - resid @ resid / tss, rel=1e-8)
    # the first stage is reported on the same sample
    assert res.first_stage.nobs == res.nobs and res.first_stage.dependent == "lnITR"


@pytest.mark.parametrize("cov_type,cluster", [("robust", None), ("cluster_partner", ["partner"])])
def test_rk_wald_f_is_the_squared_robust_t_of_the_single_instrument(panel, cov_type, cluster):
    res = fe_iv(panel, "lnHD", "lnITR", ["LAB"], ["lnPOL"], cov_type=cov_type)
    sample = panel.dropna(subset=["lnHD"]).reset_index(drop=True)
    model = sm.OLS(sample["lnITR"], dummies(sample, ["LAB", "lnPOL"]))
    ref = (model.fit(cov_type="HC1") if cluster is None else
           model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(sample["partner"])[0]}))
    assert res.kp_wald_f == pytest.approx(ref.tvalues["LAB"] ** 2, rel=1e-8)
    assert res.first_stage.tstats["LAB"] ** 2 == pytest.approx(res.kp_wald_f, rel=1e-8)


@pytest.mark.parametrize("clustered", [False, True])
def test_kp_lm_equals_the_auxiliary_regression_score_test(panel, clustered):
    """Independent route: Wooldridge's n − SSR from regressing 1 on the scores z̃·x̃ (two instruments)."""
    frame = panel.assign(LAB2=panel["LAB"] ** 2 + np.random.default_rng(0).normal(size=len(panel)))
    res = fe_iv(frame, "lnXT", "lnITR", ["LAB", "LAB2"], ["lnPOL"],
                cov_type="cluster_partner" if clustered else "robust")
    w = dummies(frame, ["lnPOL"])
    x_t = sm.OLS(frame["lnITR"], w).fit().resid.to_numpy()
    z_t = np.column_stack([sm.OLS(frame[z], w).fit().resid for z in ("LAB", "LAB2")])
    scores = z_t * x_t[:, None]
    if clustered:
        scores = pd.DataFrame(scores).groupby(frame["partner"].to_numpy()).sum().to_numpy()
    aux = sm.OLS(np.ones(len(scores)), scores).fit()
    assert res.kp_lm == pytest.approx(len(scores) - aux.ssr, rel=1e-8)
    assert 0 <= res.kp_lm_pvalue <= 1


def test_kp_statistics_of_a_closed_form_case():
    """One instrument, nothing partialled: LM = (Σzx)²/Σz²x² and F = π̂²/V̂_HC1(π̂) in closed form."""
    rng = np.random.default_rng(5)
    z = rng.normal(size=400)
    x = 0.3 * z + rng.normal(size=400)
    lm, p, f = kleibergen_paap(x, z[:, None], dof=1)
    assert lm == pytest.approx((z @ x) ** 2 / np.sum(z**2 * x**2), rel=1e-12)
    pi = (z @ x) / (z @ z)
    e = x - pi * z
    var = 400 / 399 * np.sum(z**2 * e**2) / (z @ z) ** 2
    assert f == pytest.approx(pi**2 / var, rel=1e-12)


def _covers(result, name: str, truth: float) -> bool:
    ci = result.conf_int().loc[name]
    return bool(ci["lower"] <= truth <= ci["upper"])


def test_planted_coefficients_are_covered_at_the_nominal_rate():
    """200 seeded panels: 95% CIs of the interaction, the IV slope and both mediation paths cover the truth."""
    hits = {"interaction": 0, "iv": 0, "alpha1": 0, "phi2": 0, "ols_biased": 0}
    reps = 200
    for seed in range(reps):
        f = simulate(1000 + seed, partners=16, industries=3, years=5)
        inter = fe_interaction(f, "lnHD", "D1", ["lnPOL"])
        hits["interaction"] += _covers(inter, "lnITR x D1", -0.2)
        iv = fe_iv(f, "lnRH", "lnITR", ["LAB"], ["lnPOL", "FTA"])
        hits["iv"] += _covers(iv, "lnITR", 0.3)
        hits["ols_biased"] += _covers(fe_ols(f, "lnRH", ["lnITR", "lnPOL", "FTA"]), "lnITR", 0.3)
        med = fe_ols(f, "RVC", ["lnITR", "lnPOL"])
        out = fe_ols(f, "lnXT", ["lnITR", "RVC", "lnPOL"])
        hits["alpha1"] += _covers(med, "lnITR", 0.5)
        hits["phi2"] += _covers(out, "RVC", 0.4)
    rates = {k: v / reps for k, v in hits.items()}
    for key in ("interaction", "iv", "alpha1", "phi2"):
        assert 0.92 <= rates[key] <= 0.98, rates
    assert rates["ols_biased"] < 0.2, rates  # the confounded OLS does not: the test can fail


def test_mediation_effects_sobel_bootstrap_and_verdicts():
    f = simulate(3, partners=30, alpha1=0.5, phi2=-0.4)
    res = mediation(f, "RVC", ["lnXT", "lnRH"], ["lnPOL"], bootstrap_reps=99, seed=1)
    row = res.effects.loc["lnXT"]
    a = res.mediator_equation.params["lnITR"]
    p2 = res.outcome_equations["lnXT"].params["RVC"]
    assert row["indirect"] == pytest.approx(a * p2) and row["alpha1"] == a
    se = np.sqrt(a**2 * res.outcome_equations["lnXT"].std_errors["RVC"] ** 2
                 + p2**2 * res.mediator_equation.std_errors["lnITR"] ** 2)
    assert row["sobel_se"] == pytest.approx(se)
    assert res.verdicts["lnXT"].kind == "masking" and row["phi1"] > 0 > row["indirect"]  # planted α1·φ2 = −0.2 vs φ1 = 0.3
    assert res.verdicts["lnXT"].label == "masking"  # paths significant, interval below 0
    assert res.verdicts["lnXT"].indirect == row["indirect"] and res.verdicts["lnXT"].ci_low == row["boot_low"]
    assert "verdict" not in res.effects.columns and "kind" not in res.effects.columns  # numbers only; verdicts once
    assert row["boot_low"] < -0.2 < row["boot_high"] and row["boot_reps"] == 99
    assert res.verdicts["lnRH"].kind in ("mediation", "masking")
    assert res.bootstrap_unit == "rows" and res.n_units == len(f)  # robust: rows, as the Sobel SEs
    again = mediation(f, "RVC", ["lnXT", "lnRH"], ["lnPOL"], bootstrap_reps=99, seed=1)
    pd.testing.assert_frame_equal(res.effects, again.effects)  # seeded
    positive = mediation(simulate(3, partners=30, phi2=0.4), "RVC", ["lnXT"], ["lnPOL"], bootstrap_reps=0)
    assert positive.verdicts["lnXT"].kind == "mediation"
    assert np.isnan(positive.effects.loc["lnXT", "boot_low"])
    assert positive.verdicts["lnXT"].label == "not established in this run"  # no interval, no evidence
    assert "RVC" in summary(res) and f"99 resamples of the {len(f)} rows" in summary(res)


def test_singletons_can_be_dropped(panel):
    extra = panel.iloc[[0]].assign(partner="LONE", lnRH=5.0)
    frame = pd.concat([panel, extra], ignore_index=True)
    kept = fe_ols(frame, "lnRH", ["lnITR", "lnPOL"])
    dropped = fe_ols(frame, "lnRH", ["lnITR", "lnPOL"], singletons="drop")
    assert dropped.n_singletons == 1 and dropped.nobs == kept.nobs - 1
    np.testing.assert_allclose(dropped.params, kept.params, rtol=1e-9)  # a singleton is fitted exactly
    assert "dropped iteratively" in conventions(dropped) and "kept" in conventions(kept)


def test_bad_input_raises_clear_errors(panel):
    with pytest.raises(EstimationError, match="no variation in 'flat'"):
        fe_ols(panel.assign(flat=1.0), "lnRH", ["lnITR", "flat"])
    with pytest.raises(EstimationError, match="'D1' has no variation within the fixed effects"):
        fe_ols(panel, "lnRH", ["lnITR", "D1"])
    with pytest.raises(EstimationError, match="singular design: 'twice'"):
        fe_ols(panel.assign(twice=2 * panel["lnITR"] - panel["lnPOL"]), "lnRH", ["lnITR", "lnPOL", "twice"])
    with pytest.raises(EstimationError, match="outcome 'lnRH' is missing in all"):
        fe_ols(panel.assign(lnRH=np.nan), "lnRH", ["lnITR"])
    with pytest.raises(EstimationError, match="not in the data"):
        fe_ols(panel, "lnRH", ["lnFOO"])
    with pytest.raises(EstimationError, match="singular design: 'LAB'"):
        fe_iv(panel.assign(LAB=panel["lnPOL"]), "lnRH", "lnITR", ["LAB"], ["lnPOL"])


@pytest.mark.parametrize("effects", [["year", "partner", "industry"], ["year", "industry"]])
def test_bootstrap_draw_equals_fe_ols_on_the_resampled_partners(effects):
    from mutualism.econometrics.models import _bootstrap_indirect

    f = simulate(8, partners=12)
    draws = _bootstrap_indirect(f, "lnITR", "RVC", ["lnXT", "lnHD"], ["lnPOL", "FTA"], effects, reps=2, seed=42)
    partners = sorted(f["partner"].unique())
    rng = np.random.default_rng(42)
    for b in range(2):
        pick = rng.integers(0, len(partners), len(partners))
        boot = pd.concat([f[f["partner"] == partners[g]].assign(partner=f"B{k}") for k, g in enumerate(pick)],
                         ignore_index=True)
        alpha1 = fe_ols(boot, "RVC", ["lnITR", "lnPOL", "FTA"], effects=effects).params["lnITR"]
        for j, y in enumerate(["lnXT", "lnHD"]):
            phi2 = fe_ols(boot, y, ["lnITR", "RVC", "lnPOL", "FTA"], effects=effects).params["RVC"]
            assert draws[b, j] == pytest.approx(alpha1 * phi2, rel=1e-8)


def test_bootstrap_units_follow_the_cov_type():
    from mutualism.econometrics.models import bootstrap_units

    f = simulate(8, partners=6)
    rows = bootstrap_units(f, "robust")
    partners = bootstrap_units(f, "cluster_partner")
    cells = bootstrap_units(f, "cluster_partner_industry")
    assert sorted(rows) == list(range(len(f)))
    for codes, keys in ((partners, ["partner"]), (cells, ["partner", "industry"])):
        same_code = codes[:, None] == codes[None, :]
        same_key = np.logical_and.reduce([f[k].to_numpy()[:, None] == f[k].to_numpy()[None, :] for k in keys])
        assert (same_code == same_key).all()
    assert partners.max() + 1 == 6 and cells.max() + 1 == 6 * 4


@pytest.mark.parametrize("cov_type", ["robust", "cluster_partner", "cluster_partner_industry"])
@pytest.mark.parametrize("effects", [["year", "partner", "industry"], ["year", "industry"]])
def test_bootstrap_draw_equals_fe_ols_on_the_drawn_units(cov_type, effects):
    """Each draw takes whole units of the cov_type (rows, partners, cells) G times with replacement."""
    from mutualism.econometrics.models import _bootstrap_indirect, bootstrap_counts, bootstrap_units

    f = simulate(8, partners=12)
    units = bootstrap_units(f, cov_type)
    draws = _bootstrap_indirect(f, "lnITR", "RVC", ["lnXT", "lnHD"], ["lnPOL", "FTA"], effects, reps=2, seed=42,
                                units=units)
    rng = np.random.default_rng(42)
    for b in range(2):
        counts = bootstrap_counts(rng, units.max() + 1)
        assert counts.sum() == units.max() + 1
        weights = counts[units]
        if cov_type == "cluster_partner":  # whole partners: one weight per partner
            assert (f.assign(w=weights).groupby("partner")["w"].nunique() == 1).all()
        boot = f.loc[np.repeat(f.index.to_numpy(), weights)].reset_index(drop=True)
        alpha1 = fe_ols(boot, "RVC", ["lnITR", "lnPOL", "FTA"], effects=effects).params["lnITR"]
        for j, y in enumerate(["lnXT", "lnHD"]):
            phi2 = fe_ols(boot, y, ["lnITR", "RVC", "lnPOL", "FTA"], effects=effects).params["RVC"]
            assert draws[b, j] == pytest.approx(alpha1 * phi2, rel=1e-8)


def test_mediation_resamples_partners_under_partner_clustering():
    f = simulate(3, partners=30, phi2=-0.4)
    res = mediation(f, "RVC", ["lnXT"], ["lnPOL"], cov_type="cluster_partner", bootstrap_reps=49, seed=2)
    assert res.bootstrap_unit == "partners" and res.n_units == 30
    clustered_a = fe_ols(f, "RVC", ["lnITR", "lnPOL"], cov_type="cluster_partner")
    clustered_y = fe_ols(f, "lnXT", ["lnITR", "RVC", "lnPOL"], cov_type="cluster_partner")
    a, p2 = clustered_a.params["lnITR"], clustered_y.params["RVC"]
    sobel = np.sqrt(a**2 * clustered_y.std_errors["RVC"] ** 2 + p2**2 * clustered_a.std_errors["lnITR"] ** 2)
    assert res.effects.loc["lnXT", "sobel_se"] == pytest.approx(sobel)  # Sobel with the clustered SEs
    cells = mediation(f, "RVC", ["lnXT"], ["lnPOL"], cov_type="cluster_partner_industry", bootstrap_reps=9, seed=2)
    assert cells.bootstrap_unit == "partner × industry cells" and cells.n_units == 30 * 4


@pytest.mark.parametrize("cov_type", ["robust", "cluster_partner", "cluster_partner_industry"])
@pytest.mark.parametrize("singletons", ["keep", "drop"])
def test_the_numpy_engine_gives_the_numbers_of_linearmodels(panel, cov_type, singletons):
    """``engine="numpy"`` (the default, the normal equations of the module doc) against
    ``engine="linearmodels"`` (IV2SLS, debiased, extra_df): OLS with and without controls,
    an interaction, 2SLS with its first stage, and an outcome equation with a mediator —
    coefficients, standard errors, p-values and R² to 1e-12."""
    frame = panel.drop(index=[0, 1, 2, 7])  # some unbalanced cells (singletons to drop)

    def fits(engine):
        opts = dict(cov_type=cov_type, singletons=singletons, engine=engine)
        iv = fe_iv(frame, "lnRH", "lnITR", ["LAB"], ["lnPOL", "FTA"], **opts)
        return [fe_ols(frame, "lnRH", ["lnITR"], **opts), fe_ols(frame, "lnRH", ["lnITR", "lnPOL", "FTA"], **opts),
                fe_interaction(frame, "lnHD", "D1", ["lnPOL"], **opts), iv, iv.first_stage,
                fe_ols(frame, "lnXT", ["lnITR", "RVC", "lnPOL"], **opts)]

    for mine, theirs in zip(fits("numpy"), fits("linearmodels"), strict=True):
        for a, b in ((mine.params, theirs.params), (mine.std_errors, theirs.std_errors),
                     (mine.pvalues, theirs.pvalues)):
            assert list(a.index) == list(b.index)
            np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12, atol=1e-15)
        assert mine.rsquared == pytest.approx(theirs.rsquared, rel=1e-12)
        assert (mine.nobs, mine.df_inference) == (theirs.nobs, theirs.df_inference)
    with pytest.raises(Exception, match="engine"):
        fe_ols(frame, "lnRH", ["lnITR"], engine="stata")
