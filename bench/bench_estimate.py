"""Estimation benchmark (METHODS.md §8): every specification of Tables 1–7 on a panel of
the paper's size (121 partners × 8 industries × 19 years = 18 392 rows; the paper's N is
17 630), with the default 499 mediation bootstrap replications.

The panel is random (planted log-linear relations, fixed effects), built through
:func:`mutualism.econometrics.panel.build_panel` like a real run. Run:
``.venv/bin/python bench/bench_estimate.py`` (``--reps N`` to change the bootstrap size).
Best of ``--repeats`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from mutualism.econometrics.paper import run_paper
from mutualism.econometrics.panel import build_panel


def paper_sized_panel(seed: int = 2023, partners: int = 121, years: range = range(2002, 2021)):
    rng = np.random.default_rng(seed)
    codes = [f"P{p:03d}" for p in range(partners)]
    ind = pd.MultiIndex.from_product([list(years), codes, [f"C{i}" for i in range(4, 12)]],
                                     names=["year", "partner", "industry"]).to_frame(index=False)
    n = len(ind)
    fe = ind["partner"].map(dict(zip(codes, rng.normal(size=partners)))) + 0.05 * (ind["year"] - years[0])
    ctl = pd.MultiIndex.from_product([codes, list(years)], names=["partner", "year"]).to_frame(index=False)
    ctl["LAB"] = ctl["partner"].map(dict(zip(codes, rng.normal(15, 1, partners)))) + 0.05 * rng.normal(size=len(ctl))
    for col in ("POL", "ECO", "CUL", "DIS"):
        ctl[col] = rng.lognormal(size=len(ctl))
    ctl["FTA"] = (ctl["year"] >= ctl["partner"].map(dict(zip(codes, rng.integers(2000, 2030, partners))))).astype(float)
    ctl["D1"] = ctl["partner"].isin(codes[::4]).astype(float)
    lab = ind.merge(ctl, on=["partner", "year"])["LAB"]
    ln_itr = 0.4 * (lab - 15) + fe + rng.normal(size=n)
    ind["ITR"] = np.exp(ln_itr)
    for var, beta in {"RH": 0.29, "HD": 0.06, "XT": 0.03}.items():
        ind[var] = np.exp(beta * ln_itr + fe + 0.3 * rng.normal(size=n) - 3)
    ind["RVC"] = 0.01 * ln_itr + 0.05 * rng.normal(size=n) + 0.2
    ind["INC"] = 0.2 * ln_itr + rng.normal(size=n)
    for var in ("GVC_P", "GVC_D", "RCA_D"):
        ind[var] = rng.lognormal(size=n)
    return build_panel(ind, ctl, lag=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=499)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    panel = paper_sized_panel()
    print(f"panel: {len(panel.data)} rows, build_panel {time.perf_counter() - t0:.2f} s")
    for label, reps in (("Tables 1-5 (no bootstrap)", 0), (f"Tables 1-7, {args.reps} bootstrap reps", args.reps)):
        best = np.inf
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            results = run_paper(panel, bootstrap_reps=reps, only=None if reps else ["1", "1L", "2", "3", "4", "5"])
            best = min(best, time.perf_counter() - t0)
        print(f"{label}: {best:.2f} s (best of {args.repeats}); failures: {dict(results.failures) or 'none'}")
