"""run_paper's layout, the table renderers and the replication scorecard (METHODS.md §8)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mutualism.errors import MutualismError
from mutualism.formatting import stars
from mutualism.paper import run_paper
from mutualism.panel import build_panel
from mutualism.tables import (SCORECARD_RUN_COLUMNS, paper_tables, render, render_all, render_scorecard, scorecard,
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


def test_html_markdown_latex_layout(results):
    t1 = results.tables["1"]
    html = render(t1, "html")
    assert re.search(r'<table class="regtable" id="table-1">\s*<caption>Table 1 ', html)
    assert all(f"<th>({k})</th>" in html for k in range(1, 7))
    coef = results.column(1, 1).params["lnITR"]
    assert f"{coef:.4f}{stars(results.column(1, 1).pvalues['lnITR'])}" in html
    assert f"({results.column(1, 1).std_errors['lnITR']:.4f})" in html
    for label in ("Controls", "N", "R²", "Year / industry / partner FE"):
        assert f"<td>{label}</td>" in html
    assert html.count("<td>no</td>") == 3 and html.count("<td>yes</td>") == 3 + 6
    md = render(results.tables["3"], "markdown")
    assert md.startswith("**Table 3") and "lnITR x D1" in md and md.count("\n|") >= 10
    tex = render(results.tables["2"], "latex")
    assert r"\begin{tabular}{lcccc}" in tex and r"KP rk Wald F" in tex and "\\label{table-2}" in tex
    assert "_" not in tex.replace(r"\_", "")  # every underscore escaped
    assert render_all(results).count('class="regtable"') == 8 and html in render_all(results)
    med = render(results.tables["6"], "html")
    assert "verdict" in med and ("masking" in med or "mediation" in med)


def test_number_format():
    from mutualism.formatting import number

    assert number(0.28721) == "0.2872" and number(-1.93771) == "-1.9377" and number(0.0) == "0.0000"
    assert number(0.000381) == "3.81e-04" and number(np.nan) == ""


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
    assert row["ratio"] == pytest.approx(row["coef_run"] / 0.0259)
    # agreement logic on a hand-made pair of rows
    fake = paper.iloc[:2].copy()
    fake["coef"] = [0.5, -0.5]
    fake["stars"] = ["***", ""]
    card2 = scorecard(results, fake)
    own = results.column(1, 1)
    run_sign = np.sign(own.params["lnITR"])
    assert card2["sign_agrees"].tolist() == [run_sign > 0, run_sign < 0]
    significant = stars(own.pvalues["lnITR"]) != ""
    assert card2.loc[0, "signif_agrees"] == significant and card2.loc[1, "signif_agrees"] == (not significant)
    assert "scorecard" in render_scorecard(card) and "published coefficients" in render_scorecard(card, "markdown")


def test_scorecard_marks_missing_tables_and_rejects_layout_mismatch(results):
    res = run_paper(simulated_panel(high_income=False), bootstrap_reps=0)
    card = scorecard(res)
    t3 = card[card.table == 3]
    assert t3["coef_run"].isna().all() and t3["sign_agrees"].isna().all()
    bad = paper_tables().iloc[:1].assign(regressor="lnFOO")
    with pytest.raises(MutualismError, match="lnFOO"):
        scorecard(results, bad)


def test_absorbed_control_is_omitted_and_named_in_the_note():
    panel = simulated_panel(seed=9)
    data = panel.data.assign(FTA=(panel.data["partner"] < "P03").astype(float))  # constant within partner
    res = run_paper(type(panel)(data, panel.quality, panel.winsor, panel.tech_industries), bootstrap_reps=0)
    assert not res.failures
    assert "Omitted controls: FTA (absorbed by the fixed effects)" in res.tables["1"].note
    assert "FTA" not in res.column(1, 4).params and "lnPOL" in res.column(1, 4).params
    assert "Omitted controls: FTA" in render(res.tables["1"], "html")


def test_cli_estimate_writes_panel_tables_and_scorecard(tmp_path, monkeypatch, capsys):
    import mutualism.panel
    from mutualism.cli import main

    panel = simulated_panel(seed=5)
    seen = {}

    def fake_assemble(params, n_jobs=1, **kwargs):
        seen["params"] = params
        return panel

    monkeypatch.setattr(mutualism.panel, "assemble", fake_assemble)
    code = main(["estimate", "--years", "2008-2017", "--out", str(tmp_path), "--bootstrap-reps", "5",
                 "--cov-type", "cluster_partner", "--winsor", "0.02"])
    assert code == 0
    assert seen["params"].cov_type == "cluster_partner" and seen["params"].winsor == 0.02
    written = pd.read_parquet(tmp_path / "panel.parquet")
    assert len(written) == len(panel.data) and {"RH_raw", "RH", "lnRH", "lnITR_lag1"} <= set(written.columns)
    card = pd.read_csv(tmp_path / "scorecard.csv")
    assert list(card.columns) == [*paper_tables().columns, *SCORECARD_RUN_COLUMNS]
    assert "clustered by partner" in (tmp_path / "table1.html").read_text()
    for k in range(1, 8):
        assert (tmp_path / f"table{k}.tex").exists() and (tmp_path / f"table{k}.md").exists()
    assert "published coefficients" in capsys.readouterr().out
    assert main(["estimate", "--out", str(tmp_path), "--winsor", "0.7"]) == 2  # named option error
