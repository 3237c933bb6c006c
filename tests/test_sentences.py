"""Sentences that state verdicts (mutualism.book.sentences) and the claims they record (mutualism.core.claims).

Small hand-made results stand in for a run: each test plants numbers whose verdict is known
(a significant positive coefficient, an insignificant term, a masking channel, a flat
series, a weak instrument) and checks the sentence states exactly that label and records it.
The hand-made tables get their verdicts as a run's do, from ``paper.judge``: the sentences
read them, they never decide a coefficient's verdict themselves.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mutualism.core import claims, verdict
from mutualism.book import sentences
from mutualism.econometrics.paper import judge
from mutualism.econometrics.results import RegressionTable


def column(dependent, **coefs):
    """A regression column: ``name=(coef, se, p)``."""
    names = list(coefs)
    return SimpleNamespace(dependent=dependent, nobs=1234, params=pd.Series({n: coefs[n][0] for n in names}),
                           std_errors=pd.Series({n: coefs[n][1] for n in names}),
                           pvalues=pd.Series({n: coefs[n][2] for n in names}), controls=True)


def results_with(tables, failures=None, mediation=None):
    paper = SimpleNamespace(tables=tables, failures=failures or {}, mediation=mediation or {})
    return SimpleNamespace(paper=paper, robustness={})


def table(key, *cols, iv=None):
    """Table ``key`` of hand-made columns, every coefficient a reported row, judged as run_paper judges."""
    names = tuple(dict.fromkeys(n for c in cols for n in c.params.index))
    return judge(RegressionTable(key, f"Table {key}", tuple(cols), tuple((n, n) for n in names), iv=iv))


@pytest.fixture()
def claims_file(tmp_path):
    with claims.collecting(tmp_path / "04_baseline.claims.json") as path:
        yield path


def test_elasticity_is_exact_not_ten_times_beta():
    assert sentences.elasticity_percent(0.6125) == pytest.approx((1.1**0.6125 - 1) * 100)
    assert sentences.elasticity_percent(0.607) == pytest.approx(5.956, abs=1e-3)  # the issue: 5.96 %, not 6.07 %
    assert sentences.elasticity_percent(-0.5) < 0


def test_record_refuses_a_sentence_that_does_not_state_the_verdict(claims_file):
    v = verdict.effect(0.3, 0.01, 0.001)
    with pytest.raises(claims.ClaimError, match="does not state the verdict 'positive'"):
        claims.record(v, "transfer raises fusion", where={})
    assert not claims_file.exists()


def test_record_writes_the_claims_file_named_by_the_build(claims_file):
    v = verdict.effect(0.3, 0.01, 0.001)
    claims.record(v, "fusion: positive at 5 %", where={"table": "1", "column": 4, "regressor": "lnITR"})
    claims.record(verdict.effect(0.3, 0.2, 0.2), "coordination: not significant at 5 %", where={"x": 1})
    saved = json.loads(claims_file.read_text())
    assert [c["label"] for c in saved] == ["positive", "not significant"]
    assert saved[0]["chapter"] == "04_baseline" and saved[0]["where"]["column"] == 4
    assert saved[0]["verdict"]["coef"] == 0.3 and saved[0]["kind"] == "Effect"


def test_collecting_restores_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(claims.ENV, raising=False)
    with claims.collecting(tmp_path / "a.claims.json"):
        assert claims.ENV in __import__("os").environ
    assert claims.ENV not in __import__("os").environ


def test_baseline_states_support_only_where_significant(claims_file):
    cols = [column(d, lnITR=(0.3, 0.01, 0.001)) for d in ("lnRH", "lnHD", "lnXT")]
    cols += [column("lnRH", lnITR=(0.3, 0.01, 0.001)), column("lnHD", lnITR=(0.06, 0.01, 0.001)),
             column("lnXT", lnITR=(0.02, 0.05, 0.70))]
    text = sentences.baseline(results_with({"1": table("1", *cols)}))
    assert "coordination**, without controls" in text
    assert "0.0200 (s.e. 0.0500), not significant at 5 %" in text
    assert "holds in some of the three indices (2 of 3: fusion and interaction)" in text
    assert "0 of" not in text
    saved = json.loads(claims_file.read_text())
    share = [c for c in saved if c["kind"] == "Share"]
    assert len(share) == 1 and share[0]["verdict"]["holds"] == 2
    agreements = [c for c in saved if c["kind"] == "Agreement"]
    assert [c["label"] for c in agreements][-1] == "same sign, different significance"  # *** in the paper


def test_heterogeneity_says_no_detectable_difference_for_an_insignificant_term(claims_file):
    cols = [column(d, **{"lnITR": (0.3, 0.01, 0.001), "lnITR x D2": (-0.0011, 0.0044, 0.80)})
            for d in ("lnRH", "lnHD", "lnXT")]
    text = sentences.heterogeneity(results_with({"4": table("4", *cols)}), "4", "D2")
    assert text.count("no detectable difference") == 3
    assert "more strongly" not in text and "interaction -0" not in text
    assert "the term ln ITR × D2" in text


def test_heterogeneity_says_stronger_for_a_significant_term(claims_file):
    cols = [column(d, **{"lnITR": (0.3, 0.01, 0.001), "lnITR x D1": (0.05, 0.01, 0.0001)})
            for d in ("lnRH", "lnHD", "lnXT")]
    text = sentences.heterogeneity(results_with({"3": table("3", *cols)}), "3", "D1")
    assert text.count("stronger in high-income partners") == 3
    assert "0.3500 for high-income partners" in text


def test_trends_come_from_the_slope_not_the_end_points(claims_file):
    years = np.arange(2002, 2021)
    swings = 1.2 + 0.7 * np.sin(years)  # between 0.5 and 1.9, no trend
    swings[0], swings[-1] = 0.5, 1.9    # first and last year far apart
    data = pd.DataFrame({"index": "XT", "group": "All partners", "year": years, "median": swings})
    text, tr = sentences.trend_sentence(data, "XT", "All partners", figure="figure2")
    assert tr.label == "no clear trend" and "coordination no clear trend" in text
    rising = data.assign(median=0.01 * (years - 2000) + 0.001 * np.cos(years))
    _, tr = sentences.trend_sentence(rising, "XT", "All partners", figure="figure2")
    assert tr.label == "rose"


def test_rescaling_note_does_not_blame_winsorising_when_there_is_none():
    cols = [column(d, lnITR=(0.3, 0.01, 0.001)) for d in ("lnRH", "lnHD", "lnXT") * 2]
    res = results_with({"1": table("1", *cols)})
    res.robustness = {"world_output_share": SimpleNamespace(tables={"1": table("1", *cols)})}
    assert "comes from the winsorising" not in sentences.rescaling_note(res, 0)
    assert "comes from the winsorising" in sentences.rescaling_note(res, 0.01)


def test_paper_mediation_is_partial_not_full():
    for outcome in ("lnRH", "lnHD", "lnXT"):
        assert sentences.paper_mediation_verdict("INC", outcome).label == "partial mediation"
    assert sentences.paper_mediation_verdict("RVC", "lnRH").label == "masking"
    text = sentences.paper_partial_mediation("INC")
    assert "0.2722\\*\\*\\*" in text and "0.0553\\*\\*\\*" in text and "0.0203\\*\\*\\*" in text
    assert "whole" not in text


def test_findings_mark_untestable_parts(claims_file):
    cols = [column(d, lnITR=(0.3, 0.01, 0.001)) for d in ("lnRH", "lnHD", "lnXT") * 2]
    res = results_with({"1": table("1", *cols)}, failures={"5": "no year after 2013"})
    years = np.arange(2002, 2012)
    fig = pd.concat([pd.DataFrame({"index": i, "group": "All partners", "year": years,
                                   "median": 0.1 * (years - 2000)}) for i in ("RH", "HD", "XT")])
    text, shares = sentences.findings(res, fig, "All partners")
    assert shares[1].label == "holds in all" and "— **supported**" in text.splitlines()[0]
    assert shares[3].label == "no specification" and "**not testable in this run**" in text.splitlines()[2]
    assert "**supported where testable**" in text.splitlines()[1]  # the channels cannot be estimated
    assert "finding 2, supported where testable" in sentences.policy(shares)


def test_sentences_state_the_stored_verdict_not_one_of_their_own(claims_file):
    """A verdict stored on the table is what the sentence states and records: planting a different
    (stored) verdict than the numbers would give shows the sentence does not decide it again."""
    import dataclasses

    cols = [column(d, lnITR=(0.3, 0.01, 0.001)) for d in ("lnRH", "lnHD", "lnXT") * 2]
    t = table("1", *cols)
    stored = dict(t.verdicts)
    stored[(4, "lnITR")] = verdict.effect(-0.3, 0.01, 0.001)  # what the results say, whatever the columns hold
    res = results_with({"1": dataclasses.replace(t, verdicts=stored)})
    text = sentences.baseline(res)
    assert "-0.3000\\*\\*\\* (s.e. 0.0100), negative at 5 %" in text
    saved = json.loads(claims_file.read_text())
    assert [c["label"] for c in saved if c["where"] == {"table": "1", "column": 4, "regressor": "lnITR"}
            and c["kind"] == "Effect"] == ["negative"]


def test_top_industries_share_the_pairs_and_record_the_ranking(claims_file):
    names = {"C5": "Textiles", "C9": "Electrical", "C4": "Food", "C6": "Wood"}
    years = np.arange(2010, 2015)
    levels = {"RH": {"C9": 4, "C5": 3, "C4": 2, "C6": 1},     # both of the paper's two on top
              "HD": {"C9": 1, "C5": 3, "C4": 4, "C6": 2},     # only C5, ranked 2
              "XT": {"C9": 1, "C5": 2, "C4": 4, "C6": 3}}     # neither
    data = pd.DataFrame([{"index": i, "group": f"{c} {names[c]}", "year": y, "median": v + 0.01 * (y - 2010)}
                         for i, by in levels.items() for c, v in by.items() for y in years])
    text = sentences.top_industries(data, names)
    assert "holds in some of the 6 pairs of one of them and one index (3 of 6)" in text
    assert "both are the top two here on fusion" in text and "on interaction only C5 is among the top two (ranked 2)" in text
    assert "on coordination neither is" in text and "for fusion, C9 Electrical and C5 Textiles" in text
    saved = json.loads(claims_file.read_text())
    assert len(saved) == 1 and saved[0]["kind"] == "Share" and saved[0]["verdict"]["holds"] == 3
    pairs = saved[0]["where"]["ranking"]
    assert len(pairs) == 6 and {p["top"] for p in pairs} == {2} and {p["figure"] for p in pairs} == {"figure3"}
    none = data.assign(median=np.where(data["group"].str.startswith(("C5", "C9")), 0.0, data["median"]))
    assert "holds in none of the 6 pairs" in sentences.top_industries(none, names)
    assert "neither is among the top two on any index" in sentences.top_industries(none, names)


def _table2(wald_f):
    first = column("lnITR", LAB=(0.04, 0.002, 1e-9))
    iv = SimpleNamespace(**vars(column("lnRH", lnITR=(0.2, 0.04, 1e-5))), kp_lm=12.5, kp_lm_pvalue=0.0004,
                         kp_wald_f=wald_f)
    return table("2", first, iv, iv, iv, iv=iv)


@pytest.mark.parametrize("wald_f, label, weak", [
    (300.0, "above the Stock–Yogo value", False),
    (16.38, "above the rule-of-thumb 10 but below the Stock–Yogo value", False),   # the critical value is not above it
    (10.0, "below the rule-of-thumb 10 and the Stock–Yogo value", True),
    (0.95, "below the rule-of-thumb 10 and the Stock–Yogo value", True)])
def test_instrument_strength_is_the_stored_verdict_and_warns_when_weak(claims_file, wald_f, label, weak):
    t = _table2(wald_f)
    assert t.strength == verdict.instrument_strength(wald_f) and t.strength.label == label
    text = sentences.instrument_strength(results_with({"2": t}))
    assert f"rk Wald F is {wald_f:.2f} (the paper: 265.38), {label} 16.38." in text
    assert "the paper reports 263.67" in text and "(p < 0.001; " in text
    assert ("With an instrument this weak" in text) is weak
    saved = json.loads(claims_file.read_text())
    assert saved[-1]["kind"] == "InstrumentStrength" and saved[-1]["label"] == label
    assert saved[-1]["where"] == {"table": "2", "column": 2, "statistic": "kp_wald_f"}


def test_top_regions_leave_out_all_partners_and_record_the_ranking(claims_file):
    """The line of all partners is above every region and is left out of the ranking;
    Asia first on two of the three indices is a share of 2 of 3, recorded with the
    exclusion the check of tests/test_claims.py applies."""
    years = np.arange(2010, 2015)
    levels = {"RH": {"All partners": 9, "Asia": 4, "Europe": 3, "Africa": 1},
              "HD": {"All partners": 9, "Asia": 2, "Europe": 5, "Africa": 1},
              "XT": {"All partners": 9, "Asia": 6, "Europe": 3, "Africa": 4}}
    data = pd.DataFrame([{"index": i, "group": g, "year": y, "median": v + 0.01 * (y - 2010)}
                         for i, by in levels.items() for g, v in by.items() for y in years])
    text = sentences.top_regions(data, "All partners")
    assert "Asia for fusion, Europe for interaction and Asia for coordination" in text
    assert "(2 of 3: fusion and coordination)" in text and "All partners for" not in text
    saved = json.loads(claims_file.read_text())
    assert len(saved) == 1 and saved[0]["kind"] == "Share" and saved[0]["verdict"]["holds"] == 2
    ranking = saved[0]["where"]["ranking"]
    assert [(p["index"], p["group"], p["top"], p["exclude"]) for p in ranking] == \
        [(i, "Asia", 1, ["All partners"]) for i in ("RH", "HD", "XT")]
