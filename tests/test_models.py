"""2SLS standard errors by hand, Kleibergen–Paap against linearmodels, and multi-pass
singleton dropping (METHODS.md §8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.iv import IV2SLS

from mutualism.econometrics.fe import drop_singletons
from mutualism.econometrics.models import fe_iv, fe_ols

EFFECTS = ["year", "partner", "industry"]


def simulate(seed: int = 7, partners: int = 20, industries: int = 4, years: int = 5) -> pd.DataFrame:
    """Effects, an endogenous x instrumented by z1, z2 (heteroskedastic errors)."""
    rng = np.random.default_rng(seed)
    frame = pd.MultiIndex.from_product([[f"P{p:02d}" for p in range(partners)], [f"C{i}" for i in range(industries)],
                                        range(2010, 2010 + years)], names=["partner", "industry", "year"]
                                       ).to_frame(index=False)
    n = len(frame)
    fe = (rng.normal(size=partners)[frame["partner"].str[1:].astype(int)]
          + rng.normal(size=industries)[frame["industry"].str[1:].astype(int)] + 0.2 * (frame["year"] - 2010))
    frame["z1"], frame["z2"], frame["w"] = rng.normal(size=(3, n))
    u = rng.normal(size=n)
    frame["x"] = 0.7 * frame["z1"] - 0.4 * frame["z2"] + 0.3 * frame["w"] + fe + u + rng.normal(size=n)
    frame["y"] = 0.5 * frame["x"] + 0.2 * frame["w"] + fe + u + rng.normal(size=n) * np.exp(0.4 * frame["w"])
    return frame


def dummy_matrix(frame: pd.DataFrame) -> np.ndarray:
    d = pd.get_dummies(frame[EFFECTS].astype(str), drop_first=True, dtype=float).to_numpy()
    return np.column_stack([np.ones(len(frame)), d])


@pytest.mark.parametrize("cov_type", ["robust", "cluster_partner"])
def test_2sls_standard_errors_equal_the_textbook_formula_with_explicit_dummies(cov_type):
    frame = simulate()
    res = fe_iv(frame, "y", "x", ["z1", "z2"], ["w"], cov_type=cov_type)
    D = dummy_matrix(frame)
    X = np.column_stack([frame["x"], frame["w"], D])
    Z = np.column_stack([frame["z1"], frame["z2"], frame["w"], D])
    y = frame["y"].to_numpy()
    X_hat = Z @ np.linalg.lstsq(Z, X, rcond=None)[0]            # P_Z X
    bread = np.linalg.inv(X_hat.T @ X_hat)
    beta = bread @ X_hat.T @ y
    u = y - X @ beta                                            # structural residual
    n, k = X.shape
    scores = X_hat * u[:, None]
    if cov_type == "robust":
        meat, factor = scores.T @ scores, n / (n - k)
    else:
        groups = pd.factorize(frame["partner"])[0]
        summed = np.zeros((groups.max() + 1, k))
        np.add.at(summed, groups, scores)
        g = summed.shape[0]
        meat, factor = summed.T @ summed, g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(factor * bread @ meat @ bread))
    np.testing.assert_allclose(res.params[["x", "w"]], beta[:2], rtol=1e-9)
    np.testing.assert_allclose(res.std_errors[["x", "w"]], se[:2], rtol=1e-8)


@pytest.mark.parametrize("cov_type", ["robust", "cluster_partner"])
def test_kleibergen_paap_agrees_with_linearmodels_first_stage(cov_type):
    """linearmodels 7.1 ``IVResults.first_stage.kleibergen_paap`` (rk LM) and
    ``kleibergen_paap_f`` on the partialled data; its F uses ``n − L − k_exog`` where ours
    also counts the absorbed effects in ``K`` (the explicit-dummy convention)."""
    frame = simulate(11)
    res = fe_iv(frame, "y", "x", ["z1", "z2"], ["w"], cov_type=cov_type)
    D = dummy_matrix(frame)

    def partial(col: str) -> np.ndarray:
        v = frame[col].to_numpy()
        return v - D @ np.linalg.lstsq(D, v, rcond=None)[0]

    data = pd.DataFrame({c: partial(c) for c in ("y", "x", "z1", "z2", "w")})
    options = ({"cov_type": "robust"} if cov_type == "robust" else
               {"cov_type": "clustered", "clusters": pd.Series(pd.factorize(frame["partner"])[0])})
    first = IV2SLS(data["y"], data[["w"]], data[["x"]], data[["z1", "z2"]]).fit(**options).first_stage
    n, L, k_exog = len(frame), 2, 1
    K = L + k_exog + np.linalg.matrix_rank(D)
    assert res.kp_lm == pytest.approx(first.kleibergen_paap.stat, rel=1e-8)
    assert res.kp_wald_f == pytest.approx(first.kleibergen_paap_f * (n - K) / (n - L - k_exog), rel=1e-8)


def test_singletons_are_dropped_pass_after_pass():
    """Dropping partner C leaves industry j with one row; dropping it leaves partner D
    with one row: three passes, as reghdfe does."""
    rows = [("A", "i", 2010), ("A", "i", 2011), ("B", "i", 2010), ("B", "i", 2011),
            ("C", "j", 2010), ("D", "j", 2011), ("D", "i", 2010)]
    frame = pd.DataFrame(rows, columns=["partner", "industry", "year"])
    kept, dropped = drop_singletons(frame, EFFECTS)
    assert kept.index.tolist() == [0, 1, 2, 3] and dropped == 3
    one_pass = np.zeros(len(frame), bool)
    for e in EFFECTS:
        one_pass |= frame.groupby(e)[e].transform("size").to_numpy() == 1
    assert one_pass.sum() == 1  # a single pass would have dropped C only


def test_fe_ols_with_dropped_singletons_equals_ols_on_the_brute_force_sample():
    frame = simulate(3, partners=12)
    extra = pd.DataFrame({"partner": ["LONE1", "LONE2"], "industry": ["C0", "NEW"], "year": [2010, 2010],
                          "z1": 0.0, "z2": 0.0, "w": [0.1, -0.2], "x": [1.0, 2.0], "y": [3.0, -1.0]})
    frame = pd.concat([frame, extra], ignore_index=True)
    res = fe_ols(frame, "y", ["x", "w"], singletons="drop")
    kept, dropped = drop_singletons(frame, EFFECTS)
    assert res.n_singletons == dropped == 2 and res.nobs == len(kept)
    ref = fe_ols(kept, "y", ["x", "w"])
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-10)
