"""One test per verdict rule of METHODS.md §8 and its edge cases (mutualism.core.verdict)."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy import stats

from mutualism.core import verdict as v

NAN = float("nan")


# ----- significance classes ----------------------------------------------------------
@pytest.mark.parametrize("p, cls", [(0.0, "***"), (0.0099, "***"), (0.01, "**"), (0.049, "**"), (0.05, "*"),
                                    (0.0999, "*"), (0.1, ""), (0.7, ""), (NAN, ""), (None, "")])
def test_significance_class_boundaries_are_strict(p, cls):
    assert v.significance_class(p) == cls


# ----- one effect --------------------------------------------------------------------
def test_effect_sign_counts_only_when_significant():
    assert v.effect(0.3, 0.1, 0.003).label == "positive"
    assert v.effect(-0.3, 0.1, 0.003).label == "negative"
    weak = v.effect(0.3, 0.2, 0.12)
    assert weak.label == "not significant" and weak.sign == 1 and not weak.significant
    assert v.effect(0.3, 0.1, 0.03, level=0.01).label == "not significant"


def test_effect_nan_is_not_estimated_and_zero_has_no_sign():
    nan = v.effect(NAN, NAN, NAN)
    assert nan.label == "not estimated" and nan.sign == 0 and not nan.significant
    assert v.effect(0.0, 0.1, 0.0).sign == 0
    with pytest.raises(ValueError, match="level"):
        v.effect(1, 1, 0.5, level=1.5)


# ----- agreement with the paper ------------------------------------------------------
def test_agreement_same_sign_same_class():
    a = v.agreement(0.29, 0.001, 0.2872, "***")
    assert (a.sign_agrees, a.stars_agree, a.agrees, a.label) == (True, True, True, "agrees")


def test_agreement_three_vs_two_stars_disagree():
    a = v.agreement(0.29, 0.02, 0.2872, "***")
    assert a.stars == "**" and a.sign_agrees and not a.stars_agree and not a.agrees
    assert a.label == "same sign, different significance"


def test_agreement_opposite_signs_even_when_both_significant():
    a = v.agreement(-0.0011, 0.001, 0.0056, "***")
    assert not a.sign_agrees and a.stars_agree and not a.agrees and a.label == "opposite sign"


def test_agreement_insignificant_on_both_sides_agrees_in_stars():
    a = v.agreement(0.01, 0.4, 0.02, "")
    assert a.stars == "" and a.stars_agree and a.agrees
    assert v.agreement(0.01, 0.4, 0.02, None).agrees  # an empty CSV cell
    assert v.agreement(0.01, 0.4, 0.02, NAN).agrees


def test_agreement_nan_estimate_agrees_in_nothing():
    a = v.agreement(NAN, NAN, 0.2872, "***")
    assert (a.sign_agrees, a.stars_agree, a.agrees, a.label) == (False, False, False, "not estimated")


def test_agreement_rejects_unknown_stars():
    with pytest.raises(ValueError, match="stars"):
        v.agreement(0.1, 0.01, 0.1, "****")


# ----- mediation ---------------------------------------------------------------------
BASE = dict(alpha1=0.0106, alpha1_p=1e-6, phi2=0.8918, phi2_p=1e-6, phi1=0.0517, phi1_p=1e-6,
            baseline_beta1=0.0612, ci_low=0.004, ci_high=0.015)


def test_partial_mediation():
    m = v.mediation(**BASE)
    assert (m.kind, m.size, m.established, m.label) == ("mediation", "partial", True, "partial mediation")
    assert m.indirect == pytest.approx(0.0106 * 0.8918)


def test_full_mediation_when_phi1_is_not_significant():
    m = v.mediation(**{**BASE, "phi1": 0.004, "phi1_p": 0.4})
    assert (m.size, m.label) == ("full", "full mediation")


def test_phi1_not_below_the_baseline_is_neither_partial_nor_full():
    m = v.mediation(**{**BASE, "phi1": 0.07})
    assert m.kind == "mediation" and m.size is None and m.label == "mediation, direct effect not reduced"
    no_base = v.mediation(**{**BASE, "baseline_beta1": NAN})
    assert no_base.size is None and no_base.label == "mediation, size not assessed"
    assert v.mediation(**{**BASE, "baseline_beta1": NAN, "phi1_p": 0.3}).label == "full mediation"


def test_masking_when_the_indirect_effect_opposes_phi1():
    m = v.mediation(**{**BASE, "phi2": -1.9377, "phi1": 0.3055, "baseline_beta1": 0.2850,
                       "ci_low": -0.03, "ci_high": -0.01})
    assert (m.kind, m.size, m.established, m.label) == ("masking", None, True, "masking")


def test_mediation_interval_covering_or_touching_zero_is_not_established():
    for lo, hi in ((-0.04894, 0.08677), (0.0, 0.02), (-0.02, 0.0)):
        m = v.mediation(**{**BASE, "ci_low": lo, "ci_high": hi})
        assert m.kind == "mediation" and not m.established and m.label == "not established in this run"


def test_mediation_with_an_insignificant_path_is_not_established():
    for path in ("alpha1_p", "phi2_p"):
        m = v.mediation(**{**BASE, path: 0.06})
        assert not m.established and m.label == "not established in this run"


def test_mediation_without_a_bootstrap_or_with_nan_is_not_established():
    assert v.mediation(**{**BASE, "ci_low": NAN, "ci_high": NAN}).label == "not established in this run"
    m = v.mediation(**{**BASE, "alpha1": NAN})
    assert m.kind == "undetermined" and not m.established and m.label == "not established in this run"


def test_paper_verdict_is_partial_mediation_for_table7():
    """The paper's Table 7: φ1 stays 0.2722***, below the baseline 0.2850 — partial, not full."""
    m = v.paper_mediation(alpha1=0.1982, alpha1_stars="***", phi2=0.0644, phi2_stars="***", phi1=0.2722,
                          phi1_stars="***", baseline_beta1=0.2850)
    assert (m.label, m.basis, m.established) == ("partial mediation", "published stars", True)
    assert math.isnan(m.ci_low) and math.isnan(m.alpha1_p)
    masked = v.paper_mediation(alpha1=0.0106, alpha1_stars="***", phi2=-1.9377, phi2_stars="***", phi1=0.3055,
                               phi1_stars="***", baseline_beta1=0.2850)
    assert masked.label == "masking"
    weak = v.paper_mediation(alpha1=0.1, alpha1_stars="*", phi2=0.1, phi2_stars="***", phi1=0.2,
                             phi1_stars="***", baseline_beta1=0.3)
    assert weak.label == "not established in this run"


# ----- heterogeneity -----------------------------------------------------------------
def test_heterogeneity_insignificant_is_no_detectable_difference():
    h = v.heterogeneity(-0.0011, 0.0044, 0.80, group="high-tech industries")
    assert h.label == "no detectable difference"


def test_heterogeneity_significant_interaction_names_the_group():
    assert v.heterogeneity(0.0259, 0.002, 1e-9, group="high-income partners").label == \
        "stronger in high-income partners"
    assert v.heterogeneity(-0.0206, 0.0069, 0.003, group="high-income partners").label == \
        "weaker in high-income partners"
    # a negative main effect: a negative interaction makes it stronger in magnitude
    assert v.heterogeneity(-0.02, 0.005, 0.001, group="g", base_coef=-0.3).label == "stronger in g"
    assert v.heterogeneity(0.02, 0.01, 0.03, group="g", level=0.01).label == "no detectable difference"
    assert v.heterogeneity(NAN, NAN, NAN, group="g").label == "not estimated"


def test_paper_heterogeneity_reads_the_published_stars():
    assert v.paper_heterogeneity(0.0259, "***", group="g").label == "stronger in g"
    assert v.paper_heterogeneity(-0.0206, "***", group="g", base_coef=0.2878).label == "weaker in g"
    assert v.paper_heterogeneity(0.0056, "*", group="g").label == "no detectable difference"  # 10 % only
    assert math.isnan(v.paper_heterogeneity(0.0056, "**", group="g").p)


# ----- trends ------------------------------------------------------------------------
def test_trend_from_a_swinging_series_is_no_clear_trend_despite_first_and_last_year():
    years = list(range(2002, 2021))
    swing = [0.5, 1.9, 0.6, 1.8, 0.5, 1.9, 0.7, 1.7, 0.5, 1.9, 0.6, 1.8, 0.5, 1.9, 0.6, 1.8, 0.5, 1.9, 1.2]
    t = v.trend(years, swing)
    assert swing[-1] > swing[0] and t.ci_low < 0 < t.ci_high and t.label == "no clear trend"
    assert (t.n_years, t.first_year, t.last_year) == (19, 2002, 2020)


def test_trend_slope_and_interval_equal_scipy_linregress():
    rng = np.random.default_rng(1)
    years = np.arange(2002, 2021)
    values = 0.02 * (years - 2002) + rng.normal(scale=0.05, size=years.size)
    t = v.trend(years, values)
    ref = stats.linregress(years, values)
    q = stats.t.ppf(0.975, years.size - 2)
    assert t.slope == pytest.approx(ref.slope)
    assert (t.ci_low, t.ci_high) == pytest.approx((ref.slope - q * ref.stderr, ref.slope + q * ref.stderr))
    assert t.label == "rose"
    assert v.trend(years, -values).label == "fell"


def test_trend_edge_cases():
    assert v.trend([2002, 2003], [1.0, 2.0]).label == "no clear trend"          # no degree of freedom
    assert v.trend([2002, 2003, 2004], [1.0, 1.0, 1.0]).label == "no clear trend"  # flat: slope 0, se 0
    assert v.trend([2002, 2003, 2004], [1.0, 2.0, 3.0]).label == "rose"          # exact line: se 0
    t = v.trend([2002, 2003, 2004, 2005], [1.0, NAN, 2.0, 3.0])
    assert t.n_years == 3
    assert v.trend([], []).label == "no clear trend"
    with pytest.raises(ValueError, match="years"):
        v.trend([2002, 2003], [1.0])


# ----- shares ------------------------------------------------------------------------
def test_share_counts_and_rejects_non_booleans():
    s = v.share([True, False, True, np.bool_(True)], what="β1 > 0 and significant")
    assert (s.holds, s.total, s.share, s.label) == (3, 4, 0.75, "holds in some")
    assert v.share([True] * 3, what="x").label == "holds in all"
    assert v.share([False], what="x").label == "holds in none"
    empty = v.share([], what="x")
    assert empty.total == 0 and math.isnan(empty.share)
    with pytest.raises(ValueError, match="True/False"):
        v.share([True, NAN], what="x")


# ----- objects -----------------------------------------------------------------------
def test_results_are_frozen_and_as_dict_is_json_safe():
    m = v.mediation(**{**BASE, "ci_low": NAN, "ci_high": NAN})
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.label = "x"  # type: ignore[misc]
    d = m.as_dict()
    assert d["ci_low"] is None and d["label"] == "not established in this run"
    json.dumps(d, allow_nan=False)
    for obj in (v.effect(np.float64(0.2), 0.1, 0.01), v.agreement(0.1, 0.01, 0.1, "***"),
                v.heterogeneity(0.1, 0.1, 0.5, group="g"), v.trend([1, 2, 3], [1, 2, 4]),
                v.share([True], what="x")):
        json.dumps(obj.as_dict(), allow_nan=False)
