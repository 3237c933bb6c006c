"""run_paper's layout, the table renderers and the replication scorecard (METHODS.md §8)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mutualism.core.errors import MutualismError
from mutualism.report.formatting import stars
from mutualism.econometrics.paper import run_paper
from mutualism.econometrics.panel import build_panel
from mutualism.report.tables import (SCORECARD_RUN_COLUMNS, grid, paper_tables, render, render_all, render_scorecard, scorecard,
                              write_tables)

BETA = {"RH": 0.29, "HD": 0.06, "XT": 0.03}


def simulated_panel(seed: int = 4, partners: int = 18, high_income: bool = True):
    """Indices and controls with lnY = β·lnITR + effects + noise planted (β of the paper's Table 1)."""
    rng = np.random.default_rng(seed)
    codes = [f"P{p:02d}" for p in range(partners)]
    ind = pd.MultiIndex.from_product([range(2008, 2018), codes, [f"C{i}" for i in range(4, 12)]],
                                     names=["year", "partner", "industry"]).to_frame(index=False)
    n = len(ind)
    pfe = dict(zip(codes, rng.normal(size=partners)))
    fe = ind["partner"].map(pfe) + 0.05 * (ind["year"] - 2008)
    lab = dict(zip(codes, rng.normal(15, 1, size=partners)))
    ctl = pd.MultiIndex.from_product([codes, range(2008, 2018)], names=["partner", "year"]).to_frame(index=False)
    ctl["LAB"] = ctl["partner"].map(lab) + 0.05 * rng.normal(size=len(ctl))
    for col in ("POL", "ECO", "CUL", "DIS"):
        ctl[col] = rng.lognormal(size=len(ctl))
    ctl["FTA"] = (rng.random(len(ctl)) < 0.2).astype(float)
    ctl["D1"] = ctl["partner"].isin(codes[:5]).astype(float) if high_income else 0.0
    lab_row = ind.merge(ctl, on=["partner", "year"])["LAB"]
    ln_itr = 0.5 * (lab_row - 15) + fe + rng.normal(size=n)
    ind["ITR"] = np.exp(ln_itr)
    for var, beta in BETA.items():
        ind[var] = np.exp(beta * ln_itr + fe + 0.3 * rng.normal(size=n) - 3)
    ind["RVC"] = 0.01 * ln_itr + 0.05 * rng.normal(size=n) + 0.2
    ind["INC"] = 0.2 * ln_itr + rng.normal(size=n)
    for var in ("GVC_P", "GVC_D", "RCA_D"):
        ind[var] = rng.lognormal(size=n)
    return build_panel(ind, ctl, winsor=0.01, lag=True)


@pytest.fixture(scope="module")
def results():
    return run_paper(simulated_panel(), bootstrap_reps=19, seed=7)


def test_run_paper_layout_and_planted_baseline(results):
    widths = {k: len(t.columns) for k, t in results.tables.items()}
    assert widths == {"1": 6, "1L": 3, "2": 4, "3": 3, "4": 3, "5": 3, "6": 4, "7": 4} and not results.failures
    t1 = results.tables["1"]
    assert [c.controls for c in t1.columns] == [False] * 3 + [True] * 3
    assert len({c.nobs for c in t1.columns}) == 1  # common sample within a table
    for k, var in enumerate(BETA):
        ci = results.column(1, 4 + k).conf_int().loc["lnITR"]
        assert ci["lower"] - 0.02 < BETA[var] < ci["upper"] + 0.02
    assert results.column(2, 1).dependent == "lnITR" and "LAB" in results.column(2, 1).params
    assert results.column(2, 2).kp_wald_f == pytest.approx(results.column(2, 1).tstats["LAB"] ** 2)
    assert "lnITR x D2" in results.column(4, 3).params
    assert set(results.mediation) == {"RVC", "INC"}


def test_a_table_that_cannot_be_estimated_is_reported_not_fatal():
    res = run_paper(simulated_panel(high_income=False), bootstrap_reps=0)
    assert "3" not in res.tables and "D1" in res.failures["3"]
    assert "1" in res.tables and "7" in res.tables
    only = run_paper(simulated_panel(), only=["1", "4"])
    assert set(only.tables) == {"1", "4"} and not only.mediation
    with pytest.raises(MutualismError, match="table='8'"):
        run_paper(simulated_panel(), only=["8"])


def _plain(html: str) -> str:
    """The HTML of a table without the classes of its cells and rows."""
    return re.sub(r'<(td|tr) class="[\w ]+">', r"<\1>", html)


def test_html_cells_say_what_may_wrap(results):
    """Numbers (coefficients, errors, intervals, counts) are cells of class ``num`` (never
    broken across lines by the book's CSS); labels and verdicts may wrap; paper rows are
    marked."""
    html = render(results.tables["6"], "html")
    cells = re.findall(r'<td class="(\w+)">([^<]*)</td>', html)
    assert cells and {kind for kind, _ in cells} == {"label", "num", "words"}
    for kind, text in cells:
        if kind == "num":
            assert not re.search(r"[A-Za-z]", text), text
        if kind == "words":
            assert re.search(r"[A-Za-z]", text), text
    assert ("num", "0.2872***") not in cells  # Table 6 has no Table 1 cell
    assert ("words", "partial mediation") in cells or ("words", "not established in this run") in cells
    assert html.count('<tr class="paper">') == 2 * 2 + 2  # coefficient and s.e. of ln ITR and RVC, N, R²


def test_paper_rows_show_se_n_r2_in_this_runs_units(results):
    """Under each published coefficient its standard error; under N and R² the paper's; a
    rescaled variable (RVC in per cent here, the share in the paper) converts the paper's
    coefficient and standard error, so both rows are in one unit."""
    paper = paper_tables()
    _, body, note = grid(results.tables["1"])
    rows = [row for row in body]
    k = next(i for i, r in enumerate(rows) if r[0] == "paper")
    first = paper[(paper["table"].astype(str) == "1") & (paper["column"] == 1)].iloc[0]
    assert rows[k][1] == f"{first['coef']:.4f}{first['stars']}" and rows[k + 1][1] == f"({first['se']:.4f})"
    n_at = next(i for i, r in enumerate(rows) if r[0] == "Observations (N)")
    assert rows[n_at + 1] == ["paper", *[f"{int(first['n']):,}"] * 6]
    r2_at = next(i for i, r in enumerate(rows) if r[0] == "R² (with fixed effects)")
    assert rows[r2_at + 1][0] == "paper" and rows[r2_at + 1][1] == f"{first['r2']:.4f}"
    assert "converted" not in note  # Table 1 has no rescaled variable
    table6 = results.tables["6"]
    assert table6.scales == {"RVC": 100.0}
    _, body6, note6 = grid(table6)
    alpha = paper[(paper["table"].astype(str) == "6") & (paper["column"] == 1)].iloc[0]
    phi2 = paper[(paper["table"].astype(str) == "6") & (paper["column"] == 2) & (paper["regressor"] == "RVC")].iloc[0]
    at = [i for i, r in enumerate(body6) if r[0] == "paper"]
    assert float(body6[at[0]][1].rstrip("*")) == pytest.approx(alpha["coef"] * 100)  # RVC on ln ITR: × 100
    assert float(body6[at[0] + 1][1].strip("()")) == pytest.approx(alpha["se"] * 100)
    assert float(body6[at[1]][2].rstrip("*")) == pytest.approx(phi2["coef"] / 100)  # ln RH on RVC: ÷ 100
    assert body6[at[1]][2].endswith(phi2["stars"]) and "converted to this run's units" in note6


def test_html_markdown_latex_layout(results):
    t1 = results.tables["1"]
    html = _plain(render(t1, "html"))
    assert re.search(r'<table class="regtable" id="table-1">\s*<caption>Table 1 ', html)
    assert all(f"<th>({k})</th>" in html for k in range(1, 7))
    coef = results.column(1, 1).params["lnITR"]
    assert f"{coef:.4f}{stars(results.column(1, 1).pvalues['lnITR'])}" in html
    assert f"({results.column(1, 1).std_errors['lnITR']:.4f})" in html
    for label in ("Controls", "Observations (N)", "R² (with fixed effects)", "Year, industry and partner fixed effects",
                  "ln ITR (industrial transfer)", "paper"):
        assert f"<td>{label}</td>" in html
    assert f"<td>{results.column(1, 1).nobs:,}</td>" in html
    assert html.count("<td>no</td>") == 3 and html.count("<td>yes</td>") == 3 + 6
    assert "<td>0.2872***</td>" in html  # the paper's coefficient under this run's
    md = render(results.tables["3"], "markdown")
    assert md.startswith("**Table 3") and "ln ITR × D1 (high-income partner)" in md and md.count("\n|") >= 10
    assert "lnITR x D1" not in md and "| paper | -0.0206\\*\\*\\* |" in md
    tex = render(results.tables["2"], "latex")
    assert r"\begin{tabular}{lcccc}" in tex and r"Kleibergen--Paap rk Wald F" in tex and "\\label{table-2}" in tex
    t2 = render(results.tables["2"], "markdown")
    assert "| paper | 263.67 |" in t2 and "| paper | 265.38 |" in t2  # the paper's KP statistics under ours
    assert "_" not in tex.replace(r"\_", "")  # every underscore escaped
    assert render_all(results).count('class="regtable"') == 8 and html in _plain(render_all(results))
    med = _plain(render(results.tables["6"], "html"))
    assert "<td>Verdict, this run</td>" in med and "<td>Verdict, paper</td>" in med
    assert "RVC (regional value-chain cooperation, per cent)" in med and "RVC enters in per cent" in med
    for text in (render_all(results, "markdown"), render_all(results)):
        assert "None" not in text and not re.search(r"\de-\d", text)
        for cell in re.findall(r"-?\d+\.\d+", text):  # no non-zero value printed as zero
            assert float(cell) != 0 or cell.strip("-0.") == "", cell


def test_number_format():
    from mutualism.report.formatting import number

    from mutualism.report.formatting import decimals_for, integer

    assert number(0.28721) == "0.2872" and number(-1.93771) == "-1.9377" and number(0.0) == "0.0000"
    assert number(0.000381) == "0.00038" and number(2.15e-4) == "0.00021" and number(np.nan) == ""
    assert decimals_for([137.59, 0.0215, 0.0015]) == 4 and decimals_for([0.0215, 0.00015]) == 5
    assert decimals_for([]) == 4 and decimals_for([1e-12]) == 8
    assert number(0.2872, 5) == "0.28720" and integer(4845) == "4,845" and integer(None) == ""


def test_write_tables_files(results, tmp_path):
    written = write_tables(results, tmp_path)
    names = {p.name for p in written}
    for k in range(1, 8):
        assert {f"table{k}.html", f"table{k}.md", f"table{k}.tex"} <= names
    assert "table1_lag.html" in names and all(p.stat().st_size > 100 for p in written)


def test_scorecard_columns_and_agreement_logic(results):
    card = scorecard(results)
    paper = paper_tables()
    assert list(card.columns) == [*paper.columns, *SCORECARD_RUN_COLUMNS] and len(card) == len(paper)
    row = card[(card.table == 3) & (card.regressor == "lnITR x D1") & (card.column == 2)].iloc[0]
    res = results.column(3, 2)
    assert row["coef_run"] == res.params["lnITR x D1"] and row["n_run"] == res.nobs
    # the agreement columns are the verdicts stored on the run's tables, and each is the sign and
    # the significance class (*** vs ** disagree) of this run's coefficient against the paper's
    for r in card.itertuples():
        t = results.tables[str(r.table)]
        agree = t.agreements[(r.column, t.aliases.get(r.regressor, r.regressor))]
        assert (r.sign_agrees, r.stars_agree, r.agrees, r.agreement) == (agree.sign_agrees, agree.stars_agree,
                                                                         agree.agrees, agree.label)
        assert r.sign_agrees == (r.coef_run * r.coef > 0) and r.stars_agree == (r.stars_run == r.stars)
        assert r.agrees == (r.sign_agrees and r.stars_agree)


def test_scorecard_counts_equal_a_brute_force_count(results):
    from mutualism.report.tables import agreement_counts, scorecard_summary

    card = scorecard(results)
    both = sign = 0
    for r in paper_tables().itertuples():
        res = results.column(r.table, r.column)
        coef, p = res.params[r.regressor], res.pvalues[r.regressor]
        cls = "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""
        same_sign = coef * r.coef > 0
        sign += same_sign
        both += same_sign and cls == r.stars
    counts = agreement_counts(card)
    assert (counts["compared"], counts["sign"], counts["both"]) == (42, sign, both)
    assert scorecard_summary(card).startswith(f"{both} of 42 published coefficients compared agree in sign and stars")
    html = render_scorecard(card, titles=results.titles, scales={k: t.scales for k, t in results.tables.items()})
    assert "RVC (regional value-chain cooperation, per cent)" in html
    assert html.count("✓") + html.count("✗") == 2 * 42 and "True" not in html and "<th>ratio" not in html
    assert html.count('class="group"') == 7 and "Table 1 Baseline regressions: " in html
    for key in ("1", "2", "3", "4", "5", "6", "7"):
        part = card[card.table.astype(str) == key]
        k = int(part["agrees"].sum())
        count = f"{k} of {len(part)}" if k else f"none of the {len(part)}"
        assert f"{results.titles[key]}: {count} agree in sign and stars" in html
    md = render_scorecard(card, "markdown", results.titles)
    assert both == 0 or f"{both} of 42" in md


def test_scorecard_marks_missing_tables_and_rejects_layout_mismatch(results):
    res = run_paper(simulated_panel(high_income=False), bootstrap_reps=0)
    card = scorecard(res)
    t3 = card[card.table == 3]
    assert t3["coef_run"].isna().all() and t3["sign_agrees"].isna().all()
    assert (t3["agreement"] == "not estimated").all()
    assert "6 of the 42 were not estimated" in render_scorecard(card)

def test_scorecard_rejects_a_published_row_the_layout_does_not_have(results, monkeypatch):
    import mutualism.report.tables as tables

    bad = paper_tables().iloc[:1].assign(regressor="lnFOO")
    monkeypatch.setattr(tables, "paper_tables", lambda: bad)
    with pytest.raises(MutualismError, match="lnFOO"):
        scorecard(results)


def test_published_is_the_one_lookup_and_a_missing_row_is_none(monkeypatch):
    import mutualism.core.published as pub

    row = pub.published(1, 1, "lnITR")
    assert row["coef"] == pytest.approx(0.2872) and row["stars"] == "***" and row["dependent"] == "lnRH"
    assert pub.published("6", 2, "RVC")["coef"] == pytest.approx(-1.9377)
    assert pub.published(1, 9, "lnITR") is None and pub.published("1L", 1, "lnITR_lag1") is None
    assert pub.published(3, 1, "lnFOO") is None
    assert pub.iv_diagnostics(pub.published(2, 1, "LAB")) == {"kp_lm": 263.67, "wald_f": 265.38}
    assert all(np.isnan(v) for v in pub.iv_diagnostics(None).values())
    twice = pd.concat([pub.paper_tables().iloc[:1]] * 2)
    monkeypatch.setattr(pub, "paper_tables", lambda: twice)
    with pytest.raises(MutualismError, match="2 rows for table 1, column 1, lnITR"):
        pub.published(1, 1, "lnITR")


def test_the_layout_is_where_the_paper_prints_and_where_the_run_estimates(results):
    """Every published row sits where the layout puts it (column, dependent variable, controls, a
    reported regressor) and each table's columns are the paper's; run_paper builds its columns
    from the layout (dependent, controls, estimator, the treatment among the regressors)."""
    from mutualism.econometrics.layout import TABLES

    paper = paper_tables()
    for r in paper.itertuples():
        col = TABLES[str(r.table)].columns[r.column - 1]
        assert (col.number, col.dependent, col.controls) == (r.column, r.dependent, r.controls == "yes"), r
        assert r.regressor in TABLES[str(r.table)].regressors, r
    assert set(paper["table"].astype(str)) == set(TABLES) - {"1L"}
    for key, layout in TABLES.items():
        if key != "1L":
            assert paper.loc[paper["table"].astype(str) == key, "column"].max() == len(layout.columns), key
        assert sorted(n for g in layout.groups.values() for n in g) == list(range(1, len(layout.columns) + 1))
        t = results.tables[key]
        assert t.title == layout.title and len(t.columns) == len(layout.columns)
        for res, col in zip(t.columns, layout.columns):
            assert res.dependent == t.aliases.get(col.dependent, col.dependent), (key, col)
            assert (res.controls, res.estimator) == (col.controls, col.estimator), (key, col)
            assert col.treatment in res.params.index, (key, col)
        assert [name for name, _ in t.rows] == [t.aliases.get(r, r) for r in layout.regressors]
    assert TABLES["1"].by_dependent("with_controls") == {"lnRH": 4, "lnHD": 5, "lnXT": 6}
    assert TABLES["1"].span("without_controls") == "(1)–(3)" and TABLES["2"].span("first_stage") == "(1)"
    assert results.tables["2"].note == "Column (1): first stage; (2)–(4): second stages."
    with pytest.raises(KeyError, match="with_controls"):
        TABLES["2"].group("with_controls")


def test_verdicts_are_computed_once_and_stored_on_the_tables(results):
    """judge(): each reported coefficient's Effect and, where the paper reports the cell, its Agreement,
    recomputed here from the numbers and the published row; Table 2 carries the strength of its
    instrument; the lagged table, which the paper does not print, no agreement."""
    from mutualism.core import verdict
    from mutualism.core.published import published

    compared = 0
    for key, t in results.tables.items():
        for k, c in enumerate(t.columns, 1):
            for name, _ in t.rows:
                if name not in c.params.index:
                    assert (k, name) not in t.verdicts
                    continue
                assert t.verdicts[(k, name)] == verdict.effect(c.params[name], c.std_errors[name], c.pvalues[name])
                row = published(key, k, t.paper_name(name))
                if row is None:
                    assert (k, name) not in t.agreements
                else:
                    compared += 1
                    assert t.agreements[(k, name)] == verdict.agreement(c.params[name], c.pvalues[name], row["coef"],
                                                                        row["stars"])
    assert compared == len(paper_tables()) and not results.tables["1L"].agreements
    assert results.tables["2"].strength == verdict.instrument_strength(results.column(2, 2).kp_wald_f)
    assert all(results.tables[k].strength is None for k in results.tables if k != "2")


def test_absorbed_control_is_omitted_and_named_in_the_note():
    panel = simulated_panel(seed=9)
    data = panel.data.assign(FTA=(panel.data["partner"] < "P03").astype(float))  # constant within partner
    res = run_paper(type(panel)(data, panel.quality, panel.winsor, panel.tech_industries), bootstrap_reps=0)
    assert not res.failures
    assert res.tables["1"].sample.omitted == {"FTA": "absorbed by the fixed effects"}
    assert "FTA" not in res.column(1, 4).params and "lnPOL" in res.column(1, 4).params
    assert "Omitted controls (they do not restrict the sample): FTA (absorbed by the fixed effects)" in \
        render(res.tables["1"], "html")


def _absorbed_by_effects(frame: pd.DataFrame, column: str) -> bool:
    """Brute force: ``column`` lies in the span of explicit year, partner and industry dummies."""
    rows = frame.dropna(subset=[column])
    d = pd.get_dummies(rows[["year", "partner", "industry"]].astype(str), dtype=float).to_numpy()
    y = rows[column].to_numpy()
    resid = y - d @ np.linalg.lstsq(d, y, rcond=None)[0]
    return bool(np.linalg.norm(resid) <= 1e-8 * max(np.linalg.norm(y - y.mean()), 1e-300))


def test_table1_shares_the_intersection_sample_and_names_what_it_lost():
    """METHODS §8: rows with the outcomes, lnITR and every control that enters; an absorbed control
    (CUL, time-invariant, missing for one partner) does not shrink it; a varying one (POL) does."""
    from mutualism.econometrics.models import fe_ols
    from mutualism.econometrics.panel import CONTROLS, DEPENDENTS

    panel = simulated_panel(seed=6)
    data = panel.data.copy()
    cul = {p: k + 1.0 for k, p in enumerate(sorted(data["partner"].unique()))}
    data["lnCUL"] = data["partner"].map(cul).where(data["partner"] != "P02")  # P02 has no CUL at all
    data.loc[data["partner"] == "P05", "lnGVC_P"] = np.nan                    # P05 lost to a varying control
    data.loc[(data["partner"] == "P07") & (data["year"] == 2010), "lnPOL"] = np.nan
    data.loc[(data["partner"] == "P08") & (data["industry"] == "C6"), "lnRH"] = np.nan  # a cell lost to lnRH
    res = run_paper(type(panel)(data, panel.quality, panel.winsor, panel.tech_industries), only=["1"],
                    bootstrap_reps=0)
    entering = [c for c in CONTROLS if not _absorbed_by_effects(data, c)]
    assert "lnCUL" not in entering and "lnPOL" in entering
    expected = data.dropna(subset=[*DEPENDENTS, "lnITR", *entering])
    t1 = res.tables["1"]
    assert {c.nobs for c in t1.columns} == {len(expected)}
    assert "P02" in set(expected["partner"]) and "P05" not in set(expected["partner"])
    hand = fe_ols(expected, "lnHD", ["lnITR", *entering])
    np.testing.assert_allclose(res.column(1, 5).params.to_numpy(), hand.params.to_numpy(), rtol=1e-10)
    loss = t1.sample
    assert loss.used == len(expected) and loss.rows == len(data)
    assert loss.partners == {"P05": ("lnGVC_P",)} and loss.cells == {("P08", "C6"): ("lnRH",)}
    assert loss.by_variable["lnPOL"] == int(data["lnPOL"].isna().sum()) and "lnCUL" not in loss.by_variable
    assert loss.omitted == {"lnCUL": "absorbed by the fixed effects"}
    note = render(t1, "markdown")
    assert "P05 (ln GVC_P missing)" in note and "P08 C6 (ln RH missing)" in note
    from mutualism.report.tables import sample_loss_frame

    frame = sample_loss_frame(loss)
    assert frame.iloc[0].tolist() == ["partner P05", "ln GVC_P"] and frame.iloc[1].tolist() == ["cell P08 × C6", "ln RH"]
    assert frame.iloc[-1].tolist() == ["nothing (omitted control)", "ln CUL: absorbed by the fixed effects"]


def test_mediator_form_log_equals_a_hand_regression_on_log_m():
    import statsmodels.api as sm

    panel = simulated_panel(seed=3)
    res = run_paper(panel, only=["7"], bootstrap_reps=0, mediator_form="log")
    data = panel.lagged().data
    rows = data.assign(lnINC=np.log(data["INC"].where(data["INC"] > 0)))
    rows = rows.dropna(subset=["lnRH", "lnHD", "lnXT", "lnITR", "lnINC", *CONTROLS_OF(rows)])
    dummies = pd.get_dummies(rows[["year", "partner", "industry"]].astype(str), drop_first=True, dtype=float)
    x = sm.add_constant(pd.concat([rows[["lnITR", "lnINC", *CONTROLS_OF(rows)]], dummies], axis=1))
    hand = sm.OLS(rows["lnXT"], x).fit(cov_type="HC1")
    col = res.column(7, 4)
    assert col.nobs == len(rows) and "lnINC" in col.params
    assert col.params["lnINC"] == pytest.approx(hand.params["lnINC"], rel=1e-8)
    assert col.std_errors["lnINC"] == pytest.approx(hand.bse["lnINC"], rel=1e-6)
    assert res.tables["7"].aliases == {"INC": "lnINC"} and res.mediation["INC"].form == "log"
    assert "ln INC (industrial agglomeration)" in render(res.tables["7"], "markdown")
    card = scorecard(res)  # the paper's "INC" rows are matched to this run's lnINC
    t7 = card[card.table == 7]
    assert t7["coef_run"].notna().all() and card[card.table != 7]["coef_run"].isna().all()
    assert t7.loc[t7.regressor == "INC", "coef_run"].tolist() == [res.column(7, k).params["lnINC"] for k in (2, 3, 4)]
    with pytest.raises(MutualismError, match="mediator_form"):
        run_paper(panel, only=["7"], mediator_form="sqrt")


def CONTROLS_OF(frame: pd.DataFrame) -> list[str]:
    """The controls of eq. 12 that vary within the effects in ``frame`` (all of them in the simulation)."""
    from mutualism.econometrics.panel import CONTROLS

    return [c for c in CONTROLS if not _absorbed_by_effects(frame, c)]


def test_rvc_enters_in_per_cent_and_tables_6_7_carry_both_verdicts(results):
    from mutualism.econometrics.models import fe_ols

    t6 = results.tables["6"]
    assert t6.scales == {"RVC": 100.0} and results.mediation["RVC"].scale == 100.0
    ctl = [c for c in t6.columns[0].params.index if c != "lnITR"]
    data = results.tables["6"].columns[0]
    share = fe_ols(simulated_panel().lagged().data.dropna(subset=["lnRH", "lnHD", "lnXT", "lnITR", "RVC", *ctl]),
                   "RVC", ["lnITR", *ctl])
    assert data.params["lnITR"] == pytest.approx(100 * share.params["lnITR"], rel=1e-9)
    for key, mediator in (("6", "RVC"), ("7", "INC")):
        med = results.mediation[mediator]
        for k, y in enumerate(["lnRH", "lnHD", "lnXT"]):
            v = med.verdicts[y]
            assert v.baseline_beta1 == results.column(1, 4 + k).params["lnITR"]
            assert v.phi1 == results.column(key, k + 2).params["lnITR"]
            assert (v.indirect, v.ci_low, v.ci_high) == tuple(med.effects.loc[y, ["indirect", "boot_low", "boot_high"]])
    assert {v.label for v in results.mediation["INC"].paper_verdicts.values()} == {"partial mediation"}
    assert results.mediation["RVC"].paper_verdicts["lnRH"].label == "masking"


def test_cli_estimate_writes_panel_tables_and_scorecard(tmp_path, monkeypatch, capsys):
    import mutualism.econometrics.panel
    from mutualism.cli import main

    panel = simulated_panel(seed=5)
    seen = {}

    def fake_assemble(params, n_jobs=1, **kwargs):
        seen["params"] = params
        return panel

    monkeypatch.setattr(mutualism.econometrics.panel, "assemble", fake_assemble)
    code = main(["estimate", "--years", "2008-2017", "--out", str(tmp_path), "--bootstrap-reps", "5",
                 "--cov-type", "cluster_partner", "--winsor", "0.02"])
    assert code == 0
    assert seen["params"].cov_type == "cluster_partner" and seen["params"].winsor == 0.02
    written = pd.read_parquet(tmp_path / "panel.parquet")
    assert len(written) == len(panel.data) and {"RH_raw", "RH", "lnRH", "lnITR_lag1"} <= set(written.columns)
    card = pd.read_csv(tmp_path / "scorecard.csv")
    assert list(card.columns) == [*paper_tables().columns, *SCORECARD_RUN_COLUMNS]
    assert "agree in sign and stars" in capsys.readouterr().out
    assert "clustered by partner" in (tmp_path / "table1.html").read_text()
    for k in range(1, 8):
        assert (tmp_path / f"table{k}.tex").exists() and (tmp_path / f"table{k}.md").exists()
    assert main(["estimate", "--out", str(tmp_path), "--winsor", "0.7"]) == 2  # named option error


def test_render_frame_formats_counts_booleans_missing_and_small_numbers():
    from mutualism.report.tables import render_frame

    frame = pd.DataFrame({"variable": ["lnRH", "RVC"], "count": [4712.0, 4864.0], "mean": [0.2872, 0.000098],
                          "flag": [True, False], "note": [None, "x"]})
    html = render_frame(frame, "Descriptive statistics", table_id="describe", note="Logs are natural logs.")
    assert "<caption>Descriptive statistics</caption>" in html and 'id="describe"' in html
    assert "<td>4,712</td>" in html and "4712.0" not in html
    assert "<td>0.287200</td>" in html and "<td>0.000098</td>" in html  # one decimals per column, no e-05
    assert "<td>yes</td>" in html and "<td>–</td>" in html and "None" not in html and "True" not in html
    md = render_frame(frame, "Descriptive statistics", "markdown", labels={"count": "Observations"})
    assert md.startswith("**Descriptive statistics**") and "| Observations |" in md


def test_render_mediation_is_in_words(results):
    from mutualism.report.tables import render_mediation

    html = render_mediation(results.mediation["RVC"])
    for code in ("alpha1", "phi1", "sobel_se", "boot_reps", "boot_low", "None"):
        assert code not in html
    assert "Indirect effects of ln ITR through RVC (regional value-chain cooperation, per cent)" in html
    assert html.count("<tr>") == 1 + 3 + 1 and "Verdict, paper" in html and "partial mediation" in html


def test_heterogeneity_rows_follow_the_verdict_rule(results):
    from mutualism.core import verdict

    for key, dummy, group in (("3", "D1", "high-income partners"), ("4", "D2", "medium/high-tech industries")):
        t = results.tables[key]
        for c in t.columns:
            term = f"lnITR x {dummy}"
            expected = ("no detectable difference" if c.pvalues[term] >= 0.05 else
                        f"{'stronger' if c.params[term] * c.params['lnITR'] > 0 else 'weaker'} in {group}")
            assert t.heterogeneity[c.dependent].label == expected
        md = render(t, "markdown")
        assert "| Difference, this run |" in md and "| Difference, paper |" in md
    paper3 = results.tables["3"].paper_heterogeneity
    assert paper3["lnRH"].label == "weaker in high-income partners"     # −0.0206*** against 0.2878
    assert paper3["lnHD"].label == "stronger in high-income partners"
    assert results.tables["5"].paper_heterogeneity["lnRH"].label == "no detectable difference"  # 0.0056*
    assert isinstance(paper3["lnXT"], verdict.Heterogeneity)
