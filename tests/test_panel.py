"""Panel assembly (METHODS.md §6–§8): winsorising, logs, dummies, lags, quality report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mutualism.core.errors import EstimationError
from mutualism.econometrics.panel import CONTROLS, build_panel, winsorise

PARTNERS = ("AAA", "BBB", "CCC")
INDUSTRIES = ("C4", "C7", "C9")
YEARS = (2012, 2013, 2014, 2015)


def _frames(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([YEARS, PARTNERS, INDUSTRIES], names=["year", "partner", "industry"])
    ind = idx.to_frame(index=False)
    for col in ("RH", "HD", "XT", "ITR", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D"):
        ind[col] = rng.lognormal(size=len(ind))
    ind["x_c"] = 10.0
    ind["x_r"] = 5.0
    ctl = pd.MultiIndex.from_product([PARTNERS, YEARS], names=["partner", "year"]).to_frame(index=False)
    for col in ("POL", "ECO", "CUL", "DIS"):
        ctl[col] = rng.lognormal(size=len(ctl))
    ctl["FTA"] = (ctl["year"] > 2013).astype(float)
    ctl["LAB"] = rng.normal(15, 1, size=len(ctl))
    ctl["D1"] = (ctl["partner"] == "AAA").astype(float)
    return ind, ctl


def test_logs_dummies_and_one_row_per_cell():
    ind, ctl = _frames()
    panel = build_panel(ind, ctl, winsor=0.0)
    d = panel.data
    assert len(d) == len(ind) and not d.duplicated(["partner", "industry", "year"]).any()
    row = d[(d.partner == "BBB") & (d.industry == "C7") & (d.year == 2014)].iloc[0]
    src = ind[(ind.partner == "BBB") & (ind.industry == "C7") & (ind.year == 2014)].iloc[0]
    assert row["lnRH"] == pytest.approx(np.log(src["RH"]), rel=1e-14)
    assert row["RVC"] == src["RVC"] and row["D2"] == 1 and row["D3"] == 1 and row["D1"] == 0
    c4 = d[(d.industry == "C4") & (d.year == 2013)]
    assert (c4["D2"] == 0).all() and (c4["D3"] == 0).all()
    for col in CONTROLS:
        assert col in d.columns


def test_winsorising_commutes_with_log_and_clips_the_planned_count():
    pieces = [_frames(k) for k in range(10)]  # distinct draws, so no ties at the cuts
    rich = pd.concat([ind.assign(year=ind.year + 10 * k) for k, (ind, _) in enumerate(pieces)], ignore_index=True)
    ctl_rich = pd.concat([ctl.assign(year=ctl.year + 10 * k) for k, (_, ctl) in enumerate(pieces)],
                         ignore_index=True)
    panel = build_panel(rich, ctl_rich, winsor=0.05)
    n = len(rich)
    # winsorise then log == log then winsorise (order-statistic quantiles)
    np.testing.assert_allclose(panel.data.sort_values(["year", "partner", "industry"])["lnHD"].to_numpy(),
                               winsorise(np.log(rich["HD"]), 0.05).to_numpy(), rtol=1e-13)
    q = panel.quality.loc["HD"]
    below = int(np.ceil(0.05 * n)) - 1      # values strictly below the cut order statistic
    above = n - int(np.ceil(0.95 * n))      # values strictly above the upper one
    assert (q["winsorised_low"], q["winsorised_high"]) == (below, above)
    assert panel.data["HD"].min() == rich["HD"].nsmallest(below + 1).iloc[-1]
    assert panel.data["HD"].max() == rich["HD"].nlargest(above + 1).iloc[-1]
    assert (panel.data["HD"] == panel.data["HD"].min()).sum() == below + 1
    # raw values are kept beside the winsorised ones
    assert panel.data["HD_raw"].max() == rich["HD"].max() > panel.data["HD"].max()


def test_nonpositive_and_missing_values_are_counted_by_cause():
    ind, ctl = _frames(2)
    ind.loc[0, "RH"] = 0.0                       # non-positive before the log
    ind.loc[1, "HD"] = -1.0                      # non-positive, must not be winsorised upward
    ind.loc[2, ["XT", "x_r"]] = [np.nan, 0.0]   # zero output
    ind.loc[3, "XT"] = np.nan                    # undefined XT (g_c = g_r)
    ind.loc[4, "RVC"] = np.nan                   # other engine NaN
    ctl = ctl[~((ctl.partner == "CCC") & (ctl.year == 2015))]  # missing partner-year of controls
    panel = build_panel(ind, ctl, winsor=0.1)
    q = panel.quality
    assert q.loc["RH", "nonpositive_before_log"] == 1 and np.isnan(panel.data["lnRH"]).sum() == 1
    assert q.loc["HD", "nonpositive_before_log"] == 1
    assert panel.data["HD"].min() == -1.0
    assert q.loc["XT", "missing_zero_output"] == 1 and q.loc["XT", "missing_undefined_XT"] == 1
    assert q.loc["RVC", "missing_engine"] == 1
    assert q.loc["POL", "missing_control"] == len(INDUSTRIES)
    assert q.attrs["partner_years_without_controls"] == len(INDUSTRIES)
    assert q.loc["XT", "usable"] == len(ind) - 2
    sample = panel.sample("lnRH", ["lnITR", "lnPOL"])
    assert sample.dropped == 1 + len(INDUSTRIES) and len(sample.data) == len(ind) - sample.dropped


def test_lags_are_within_partner_industry_by_calendar_year():
    ind, ctl = _frames(3)
    ind = ind[~((ind.partner == "AAA") & (ind.industry == "C4") & (ind.year == 2013))]  # a gap
    panel = build_panel(ind, ctl, winsor=0.0, lag=True)
    d = panel.data.set_index(["partner", "industry", "year"])
    assert d.loc[("BBB", "C9", 2015), "lnITR_lag1"] == d.loc[("BBB", "C9", 2014), "lnITR"]
    assert d.loc[("CCC", "C7", 2013), "lnPOL_lag1"] == d.loc[("CCC", "C7", 2012), "lnPOL"]
    assert np.isnan(d.loc[("BBB", "C9", 2012), "lnITR_lag1"])
    assert np.isnan(d.loc[("AAA", "C4", 2014), "lnITR_lag1"])  # t-1 absent: not the 2012 value
    assert panel.has_lags and build_panel(ind, ctl).lagged().has_lags


def test_bad_input_is_named():
    ind, ctl = _frames()
    with pytest.raises(EstimationError, match="RCA_D"):
        build_panel(ind.drop(columns="RCA_D"), ctl)
    with pytest.raises(EstimationError, match="duplicated"):
        build_panel(pd.concat([ind, ind.iloc[:1]]), ctl)
    with pytest.raises(EstimationError, match="no column"):
        build_panel(ind, ctl).sample("lnFOO", ["lnITR"])


def test_assemble_synthetic_run_end_to_end(tmp_path):
    """Indices engine + synthetic controls → panel (needs the controls and synthetic modules)."""
    from mutualism.core.config import Params
    from mutualism.gvc.indices import compute_indices
    from mutualism.econometrics.panel import assemble

    params = Params(years="2003-2005", cache_dir=str(tmp_path))
    panel = assemble(params, progress=False)
    indices = compute_indices(params, progress=False)
    assert len(panel.data) == len(indices)
    assert set(panel.data["year"]) == {2003, 2004, 2005} and panel.has_lags
    assert (panel.quality["rows"] == len(indices)).all()
    assert panel.quality.loc["XT", "usable"] <= len(indices) - indices["XT"].isna().sum()


def test_removals_say_which_variable_removed_which_partners_and_years():
    ind, ctl = _frames(3)
    zero = (ind["partner"] == "BBB") & (ind["year"] == 2013)
    ind.loc[zero, "x_r"] = 0.0
    ind.loc[zero, ["RH", "HD", "XT", "ITR", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D"]] = np.nan
    ctl.loc[ctl["year"] == 2014, "DIS"] = np.nan
    ctl.attrs["causes"] = {"DIS": {"year 2014 missing in oil.csv": [(p, 2014) for p in PARTNERS]}}
    ctl.loc[ctl["partner"] == "CCC", "CUL"] = np.nan
    ctl.loc[(ctl["partner"] == "AAA") & (ctl["year"] == 2015), "POL"] = np.nan
    panel = build_panel(ind, ctl, winsor=0.0)
    got = {(r.variable, r.cause, r.partners, r.years, r.cells) for r in panel.removals.itertuples()}
    K = len(INDUSTRIES)
    zero_rows = {(v, "zero output (China's or the partner's industry)", "BBB", "2013", K)
                 for v in ("RH", "HD", "XT", "ITR", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D")}
    assert got == zero_rows | {
        ("DIS", "year 2014 missing in oil.csv", "all", "2014", len(PARTNERS) * K),
        ("CUL", "missing in every year", "CCC", "all", len(YEARS) * K),
        ("POL", "missing partner-years", "AAA", "2015", K),
    }
    # the counts are the cells the complete-case sample loses to each variable alone
    for r in panel.removals.itertuples():
        column = f"ln{r.variable}" if f"ln{r.variable}" in panel.data else r.variable
        assert panel.data[column].isna().sum() == panel.removals.loc[panel.removals["variable"] == r.variable,
                                                                     "cells"].sum()


def test_removals_name_the_cell_when_a_partner_keeps_other_industries():
    """A zero-output industry of one partner removes that partner × industry cell, not the
    partner: the report and its sentence say so (chapter 3 said "removes partners MNG")."""
    from mutualism.io.controls import describe_missing

    ind, ctl = _frames(3)
    one = (ind["partner"] == "BBB") & (ind["industry"] == INDUSTRIES[0])
    ind.loc[one, "x_r"] = 0.0
    ind.loc[one, ["RH", "HD", "XT", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D"]] = np.nan
    everything = ind["partner"] == "CCC"
    ind.loc[everything, "x_r"] = 0.0
    ind.loc[everything, ["RH", "HD", "XT", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D"]] = np.nan
    panel = build_panel(ind, ctl, winsor=0.0)
    rh = panel.removals[panel.removals["variable"] == "RH"]
    assert list(rh["partners"]) == [f"BBB {INDUSTRIES[0]}, CCC"]
    line = next(t for t in describe_missing(panel.removals) if t.startswith("RH"))
    assert f"removes partners CCC; partner × industry cells BBB {INDUSTRIES[0]}, years all" in line
    assert "removes partners BBB" not in line
