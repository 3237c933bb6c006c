"""The multiverse: the paper's headline estimates under every combination of METHODS options.

One *specification* is a choice of the four index options of METHODS §3.2, §4 and §8
(``fva``, ``itr``, ``itr_attribution``, ``cross_industry``: 16 *index variants*) and the two
estimation options of §8 (``winsor`` ∈ :data:`WINSOR_GRID`, ``cov_type`` ∈
:data:`COV_TYPE_GRID`): 16 × 3 × 2 = 96 specifications. For each, :func:`run_multiverse`
reports

- ``baseline``: Table 1, columns 4–6 (``lnITR`` with controls and fixed effects, §8);
- ``iv``: the second stages of Table 2 (2SLS, ``LAB`` instrumenting ``lnITR``);
- ``indirect_RVC``, ``indirect_INC``: the indirect effects ``α1·φ2`` of Tables 6–7 with the
  Sobel standard error and p-value (the multiverse is bootstrap-free: ``bootstrap_reps=0``;
  the book's mechanisms chapter gives the bootstrap intervals of the run's own options).

Everything else (data, years, partners, ``itr_scale``, ``mediator_form``, seed) comes
from the run's :class:`~mutualism.core.config.Params`. The run's own ``winsor`` and
``cov_type`` are added to the grids if they are not in them, so the run's own
specification is always one of the multiverse; its rows equal Table 1 of
``mutualism estimate`` (same code: :func:`mutualism.econometrics.paper.run_paper`).

Reuse: the (year × index variant) tasks go through the per-year index cache of
:func:`mutualism.gvc.indices.compute_indices` (computed once, read back afterwards); the six
estimation variants of an index variant share its indices and controls. The tasks run in
this process, in joblib processes or on a Dask cluster (:mod:`mutualism.core.parallel`), in
batches (:func:`mutualism.core.parallel.run_batches`): the index variants of one year
together (the year's table read once per batch), the estimation tasks of one index
variant together; the results come back in task order, the same numbers on every backend.
The whole multiverse is cached too (:func:`cached_multiverse`), keyed by what it depends on
(:func:`multiverse_options`): a run that changes only options the multiverse spans reads
the multiverse of the run before. The option values come from :mod:`mutualism.core.config`
(one place); only the two estimation grids are defined here.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.config import FVA_OPTIONS, ITR_ATTRIBUTIONS, ITR_OPTIONS, Params

#: Index options (METHODS §3.2, §4, §8) and their values, from :mod:`mutualism.core.config`.
INDEX_OPTIONS: dict[str, tuple] = {"fva": FVA_OPTIONS, "itr": ITR_OPTIONS, "itr_attribution": ITR_ATTRIBUTIONS,
                                   "cross_industry": (False, True)}
#: Winsorising fractions of the multiverse (METHODS §8 ``winsor``).
WINSOR_GRID = (0.0, 0.01, 0.05)
#: Covariance estimators of the multiverse (METHODS §8 ``cov_type``).
COV_TYPE_GRID = ("robust", "cluster_partner")
#: Option columns of :func:`run_multiverse`'s table, named as the options.
OPTIONS = (*INDEX_OPTIONS, "winsor", "cov_type")
#: The estimates reported for every specification, and the table of the paper each comes from.
ESTIMATE_TABLES = {"baseline": "1", "iv": "2", "indirect_RVC": "6", "indirect_INC": "7"}
ESTIMATES = tuple(ESTIMATE_TABLES)
COLUMNS = (*OPTIONS, "estimate", "dependent", "coef", "se", "p", "ci_low", "ci_high", "n", "note")
TREATMENT = "lnITR"


@dataclass(frozen=True)
class IndexVariant:
    """One combination of the index options (METHODS §3.2, §4, §8)."""

    fva: str
    itr: str
    itr_attribution: str
    cross_industry: bool

    def params(self, base: Params) -> Params:
        """``base`` with this variant's index options (``cross_industry`` is not a parameter)."""
        return base.with_(fva=self.fva, itr=self.itr, itr_attribution=self.itr_attribution)


def index_variants() -> list[IndexVariant]:
    """Every combination of :data:`INDEX_OPTIONS` (16), in grid order."""
    return [IndexVariant(*values) for values in itertools.product(*INDEX_OPTIONS.values())]


def estimation_grid(params: Params) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """:data:`WINSOR_GRID` and :data:`COV_TYPE_GRID`, plus the run's own values if absent."""
    winsors = WINSOR_GRID + (() if float(params.winsor) in WINSOR_GRID else (float(params.winsor),))
    covs = COV_TYPE_GRID + (() if params.cov_type in COV_TYPE_GRID else (params.cov_type,))
    return winsors, covs


def default_specification(params: Params) -> dict[str, Any]:
    """The option values of the run itself (``cross_industry`` off)."""
    return {"fva": params.fva, "itr": params.itr, "itr_attribution": params.itr_attribution,
            "cross_industry": False, "winsor": float(params.winsor), "cov_type": params.cov_type}


# ----- tasks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _IndexTask:
    params: Params
    year: int
    variant: IndexVariant


def _index_task(task: _IndexTask, tables: dict | None = None) -> tuple[pd.DataFrame, float, float]:
    """Indices of one year under one variant, through the per-year cache of
    :func:`mutualism.gvc.indices.compute_indices` (returns frame, load s, compute s).
    ``tables``: the years already read in this batch (:func:`_index_batch`)."""
    from ..gvc import indices

    return indices.run_year(indices.YearTask(task.variant.params(task.params), task.year,
                                               task.variant.cross_industry), tables=tables)


def _index_batch(batch: list[_IndexTask]) -> list[tuple[pd.DataFrame, float, float]]:
    """:func:`_index_task` for each task of a batch (one year, :func:`variant_indices`): the
    year's table is read once for the batch, not once per variant."""
    tables: dict = {}
    return [_index_task(task, tables) for task in batch]


def _year_of(task: _IndexTask) -> int:
    return task.year


@dataclass(frozen=True)
class _EstimationTask:
    params: Params
    variant: IndexVariant
    winsor: float
    cov_types: tuple[str, ...]
    indices: pd.DataFrame
    pairs: pd.DataFrame
    estimates: tuple[str, ...] = ESTIMATES


def _paper_options(params: Params) -> dict[str, Any]:
    """Keyword arguments of :func:`mutualism.econometrics.paper.run_paper` for a run, as ``mutualism
    estimate`` passes them, but bootstrap-free."""
    return {"bootstrap_reps": 0, "seed": params.seed, "mediator_form": params.mediator_form}


def _estimate_task(task: _EstimationTask) -> list[dict[str, Any]]:
    """The estimates of :data:`ESTIMATES` for one index variant and winsorising fraction,
    under each covariance estimator; one row per (cov_type, estimate, dependent)."""
    from ..econometrics.panel import build_panel
    from ..econometrics.paper import run_paper

    panel = build_panel(task.indices, task.pairs, winsor=task.winsor, lag=True)
    rows = []
    for cov_type in task.cov_types:
        spec = {**asdict(task.variant), "winsor": task.winsor, "cov_type": cov_type}
        only = [ESTIMATE_TABLES[e] for e in task.estimates]
        results = run_paper(panel, cov_type=cov_type, only=only, **_paper_options(task.params))
        rows += [{**spec, **row} for row in _rows(results) if row["estimate"] in task.estimates]
    return rows


def _estimate_batch(batch: list[_EstimationTask]) -> list[list[dict[str, Any]]]:
    """:func:`_estimate_task` for each task of a batch (one index variant: its winsorising
    fractions share the indices and controls, which travel once with the batch)."""
    return [_estimate_task(task) for task in batch]


def _variant_of(task: _EstimationTask) -> IndexVariant:
    return task.variant


def _rows(results) -> list[dict[str, Any]]:
    """Rows of one specification from a :class:`~mutualism.econometrics.results.PaperResults`."""
    from ..econometrics.layout import TABLES
    from ..econometrics.panel import DEPENDENTS
    from ..econometrics.paper import MEDIATORS

    rows: list[dict[str, Any]] = []

    def missing(estimate: str, note: str) -> None:
        rows.extend({"estimate": estimate, "dependent": y, "coef": np.nan, "se": np.nan, "p": np.nan,
                     "ci_low": np.nan, "ci_high": np.nan, "n": pd.NA, "note": note} for y in DEPENDENTS)

    for estimate, key, group in (("baseline", "1", "with_controls"), ("iv", "2", "second_stage")):
        if key not in results.options.get("tables", ESTIMATE_TABLES.values()):
            continue
        if key not in results.tables:
            missing(estimate, f"table {key} not estimated: {results.failures.get(key, 'not run')}")
            continue
        for col in (results.tables[key].columns[c.number - 1] for c in TABLES[key].group(group)):
            ci = col.conf_int().loc[TREATMENT]
            rows.append({"estimate": estimate, "dependent": col.dependent, "coef": float(col.params[TREATMENT]),
                         "se": float(col.std_errors[TREATMENT]), "p": float(col.pvalues[TREATMENT]),
                         "ci_low": float(ci["lower"]), "ci_high": float(ci["upper"]), "n": int(col.nobs),
                         "note": ""})
    for key, mediator in MEDIATORS.items():
        estimate = f"indirect_{mediator}"
        if key not in results.options.get("tables", ESTIMATE_TABLES.values()):
            continue
        if mediator not in results.mediation:
            missing(estimate, f"table {key} not estimated: {results.failures.get(key, 'not run')}")
            continue
        med = results.mediation[mediator]
        for y, fx in med.effects.iterrows():
            half = 1.959963984540054 * fx["sobel_se"]
            rows.append({"estimate": estimate, "dependent": y, "coef": float(fx["indirect"]),
                         "se": float(fx["sobel_se"]), "p": float(fx["sobel_p"]),
                         "ci_low": float(fx["indirect"] - half), "ci_high": float(fx["indirect"] + half),
                         "n": int(med.mediator_equation.nobs), "note": "Sobel test (no bootstrap)"})
    return rows


# ----- the run ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Multiverse:
    """Result of :func:`run_multiverse`.

    ``table``: one row per specification × estimate × dependent variable (:data:`COLUMNS`).
    ``index_tasks``: (year × variant) tasks; ``index_computed``: those computed rather than
    read from the cache. ``seconds``: wall time of the index and estimation phases.
    """

    params: Params
    table: pd.DataFrame
    index_tasks: int
    index_computed: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def specifications(self) -> int:
        return int(self.table[list(OPTIONS)].drop_duplicates().shape[0])

    def default_rows(self) -> pd.DataFrame:
        """The rows of the run's own specification (:func:`default_specification`)."""
        spec = default_specification(self.params)
        mask = np.logical_and.reduce([self.table[k] == v for k, v in spec.items()])
        return self.table[mask].reset_index(drop=True)


def variant_indices(params: Params, variants: Sequence[IndexVariant] | None = None, *, n_jobs: int = 1,
                    scheduler: str | None = None, progress: bool = False
                    ) -> tuple[dict[IndexVariant, pd.DataFrame], int, int]:
    """The §10 indices of every variant for ``params.years`` (``XT`` joined across years).

    Returns the frames by variant, the number of (year × variant) tasks and the number of
    them computed (not read from the cache).
    """
    from ..gvc.indices import add_coordination
    from ..core.parallel import run_batches, shared_paths

    variants = list(index_variants() if variants is None else variants)
    scheduler = scheduler or params.scheduler
    base = shared_paths(params) if scheduler else params
    tasks = [_IndexTask(base, year, v) for v in variants for year in base.load_years]
    results = run_batches(_index_batch, tasks, key=_year_of, n_jobs=n_jobs, scheduler=scheduler,
                          progress="index variants (batches of a year)" if progress else None)
    frames: dict[IndexVariant, list[pd.DataFrame]] = {v: [] for v in variants}
    computed = 0
    for task, (frame, _, compute_s) in zip(tasks, results):
        frames[task.variant].append(frame)
        computed += compute_s > 0
    out = {}
    for v, parts in frames.items():
        joined = add_coordination(pd.concat(parts, ignore_index=True))
        out[v] = joined[joined["year"].isin(params.years)].reset_index(drop=True)
    return out, len(tasks), int(computed)


def run_multiverse(params: Params, *, n_jobs: int = 1, scheduler: str | None = None,
                   variants: Sequence[IndexVariant] | None = None, estimates: Sequence[str] = ESTIMATES,
                   progress: bool = False) -> Multiverse:
    """Estimate :data:`ESTIMATES` for every specification (see the module docstring).

    Parameters
    ----------
    params : the run (data, years, partners and the options outside the grid).
    n_jobs : joblib processes on this machine (when no scheduler).
    scheduler : dask.distributed scheduler address (default ``params.scheduler``); index
        and estimation tasks then run on its workers.
    variants : index variants (default: all 16 of :func:`index_variants`).
    estimates : which of :data:`ESTIMATES` to report (fewer: cheaper; the book's chapter
        shows the baseline and the IV only).
    progress : show progress bars.
    """
    from ..core.errors import check_option

    for e in estimates:
        check_option("estimate", e, ESTIMATES)
    from ..econometrics.panel import run_pair_controls
    from ..core.parallel import run_batches

    scheduler = scheduler or params.scheduler
    t0 = time.perf_counter()
    by_variant, n_tasks, n_computed = variant_indices(params, variants, n_jobs=n_jobs, scheduler=scheduler,
                                                      progress=progress)
    t1 = time.perf_counter()
    partners = sorted(set().union(*(set(f["partner"]) for f in by_variant.values())))
    pairs = run_pair_controls(params, partners)
    winsors, covs = estimation_grid(params)
    tasks = [_EstimationTask(params, v, w, covs, frame, pairs, tuple(estimates))
             for v, frame in by_variant.items() for w in winsors]
    parts = run_batches(_estimate_batch, tasks, key=_variant_of, n_jobs=n_jobs, scheduler=scheduler,
                        progress="estimation variants (batches of an index variant)" if progress else None)
    rows = [row for part in parts for row in part]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["n"] = table["n"].astype("Int64")
    table["cross_industry"] = table["cross_industry"].astype(bool)
    seconds = {"indices": t1 - t0, "estimation": time.perf_counter() - t1}
    return Multiverse(params, table, n_tasks, n_computed, seconds)


#: Params fields a multiverse does not depend on: the options it spans (its own grid sets
#: them), the bootstrap (the multiverse is bootstrap-free) and where things run.
_NOT_MULTIVERSE_OPTIONS = frozenset({*INDEX_OPTIONS, "winsor", "cov_type", "bootstrap_reps", "scheduler"})


def multiverse_options(params: Params) -> dict[str, Any]:
    """What a run's multiverse depends on: every option outside the grid, and the two
    estimation grids of :func:`estimation_grid` (a run's own ``winsor`` or ``cov_type``
    counts only when it widens them). Two runs that differ only in options the multiverse
    spans (``fva``, ``itr``, ``itr_attribution``, a ``winsor`` or ``cov_type`` of the
    grids) or in ``bootstrap_reps`` have the same multiverse."""
    winsors, covs = estimation_grid(params)
    options = {k: v for k, v in params.as_dict().items() if k not in _NOT_MULTIVERSE_OPTIONS}
    return {**options, "winsor_grid": list(winsors), "cov_type_grid": list(covs)}


def cached_multiverse(params: Params, *, n_jobs: int = 1, scheduler: str | None = None,
                      estimates: Sequence[str] = ESTIMATES) -> Multiverse:
    """:func:`run_multiverse` through :mod:`mutualism.core.cache` (the book's robustness chapter):
    the key covers :func:`multiverse_options` (so runs that differ only in options the
    multiverse spans share one computation), the estimates, the content of the run's input
    files, the reference data and the library source involved. The result carries this
    run's ``params`` (its :meth:`Multiverse.default_rows` are this run's specification)."""
    import dataclasses

    import joblib

    from ..core.cache import cached, data_digest, make_key, source_digest
    from .runs import input_digests

    key = make_key(params=multiverse_options(params), estimates=list(estimates), inputs=input_digests(params),
                   data=data_digest(), library=source_digest(__name__))
    path = Path(params.cache_dir) / "multiverse" / f"multiverse-{key}.joblib"
    result = cached(path, lambda: run_multiverse(params, n_jobs=n_jobs, scheduler=scheduler, estimates=estimates),
                    save=lambda value, tmp: joblib.dump(value, tmp), load=joblib.load)
    return dataclasses.replace(result, params=params)


def write(multiverse: Multiverse, out_dir: str | Path) -> Path:
    """Write ``multiverse.csv`` (full precision, atomically) into ``out_dir``."""
    from ..core.fileio import atomic_write

    path = Path(out_dir) / "multiverse.csv"
    atomic_write(path, lambda tmp: multiverse.table.to_csv(tmp, index=False, float_format="%.17g"))
    return path


def read(path: str | Path) -> pd.DataFrame:
    """Read a ``multiverse.csv`` back exactly (round-trip float parsing)."""
    table = pd.read_csv(path, float_precision="round_trip", keep_default_na=False,
                        na_values={c: [""] for c in ("coef", "se", "p", "ci_low", "ci_high", "n")})
    table["n"] = table["n"].astype("Int64")
    return table


# ----- conclusions and the specification curve ----------------------------------------------------
def conclusions(table: pd.DataFrame, *, level: float = 0.05) -> dict[str, Any]:
    """For each index, the share of specifications in which the paper's conclusion holds:
    ``β1 > 0`` and significant at ``level`` in the baseline (METHODS §8 verdict rules,
    :func:`mutualism.core.verdict.share`). A specification whose baseline could not be
    estimated counts as one where the conclusion does not hold (its ``note`` says why).
    """
    from ..core.verdict import effect, share

    baseline = table[table["estimate"] == "baseline"]
    out = {}
    for y, rows in baseline.groupby("dependent", sort=False):
        flags = [effect(c, s, p, level=level).label == "positive" for c, s, p in zip(rows["coef"], rows["se"], rows["p"])]
        out[y] = share(flags, what=f"β1 > 0 and significant at {level:.0%} for {y}")
    return out


def share_table(table: pd.DataFrame, *, estimate: str = "baseline", words: dict[str, str] | None = None,
                level: float = 0.05) -> pd.DataFrame:
    """``k of n``: in how many specifications ``estimate``'s coefficient is positive and
    significant at ``level`` (:func:`mutualism.core.verdict.share`), over all specifications and
    for each option value; one column per dependent variable."""
    from ..core.verdict import effect, share

    rows = table[table["estimate"] == estimate]
    rows = rows.assign(_holds=[effect(c, s_, p, level=level).label == "positive"
                               for c, s_, p in zip(rows["coef"], rows["se"], rows["p"])])
    groups = [("all specifications", rows)]
    groups += [(f"{opt} = {val}", rows[rows[opt].astype(str) == str(val)]) for opt in OPTIONS
               for val in _values(rows, opt)]
    out = {}
    for label, g in groups:
        out[label] = {(words or {}).get(y, y): _k_of_n(share(d["_holds"].tolist(), what=y))
                      for y, d in g.groupby("dependent", sort=False)}
    return pd.DataFrame.from_dict(out, orient="index")


def _k_of_n(s) -> str:
    return f"{s.holds} of {s.total}"


#: The estimates whose conclusion the robustness chapter states, with their words.
CONCLUSION_ESTIMATES = (("baseline", "Table 1 with controls"), ("iv", "The IV second stage (Table 2)"))


def conclusion_sentences(table: pd.DataFrame, words: dict[str, str] | None = None
                         ) -> list[tuple[str, list[tuple[Any, str, dict[str, Any]]], str]]:
    """For each estimate of :data:`CONCLUSION_ESTIMATES`: its words, one
    ``(Share, phrase, where)`` per index (``β1 > 0`` and significant at 5 %,
    :func:`conclusions`; ``where`` names the rows a claims check recounts), and a note on
    the specifications that could not be estimated ("" if none)."""
    words = words or {}
    out = []
    for estimate, what in CONCLUSION_ESTIMATES:
        rows = table[table["estimate"] == estimate]
        shares = conclusions(rows.assign(estimate="baseline"))
        parts = [(s, f"{s.label} of the specifications for {words.get(y, y)} ({s.holds} of {s.total}, "
                     f"{100 * s.share:.0f} %)" if s.total else f"{s.label} for {words.get(y, y)}",
                  {"multiverse": estimate, "dependent": y})
                 for y, s in shares.items()]
        failed = rows[rows["coef"].isna()]
        note = ""
        if len(failed):
            reasons = sorted(set(failed["note"]))
            n_specs = len(failed[list(OPTIONS)].drop_duplicates())
            note = (f"In {n_specs} specifications it could not be estimated and counts as not holding: "
                    f"{reasons[0]}" + (f" (and {len(reasons) - 1} other reasons)" if len(reasons) > 1 else "") + ".")
        out.append((what, parts, note))
    return out


def grid_text(table: pd.DataFrame) -> str:
    """Markdown: the option values of the specifications in ``table`` and their number."""
    values = {opt: _values(table, opt) for opt in OPTIONS}
    sizes = " × ".join(str(len(v)) for v in values.values())
    listed = "; ".join(f"`{opt}` ∈ {{{', '.join(str(x) for x in v)}}}" for opt, v in values.items())
    n = len(table[list(OPTIONS)].drop_duplicates())
    return f"The specifications: {listed}; {sizes} = {n} specifications."


def curve_data(table: pd.DataFrame, estimate: str = "baseline") -> pd.DataFrame:
    """Rows of ``estimate`` sorted by coefficient within each dependent variable, with the
    rank (0 = smallest) used as the x position of the specification curve."""
    data = table[table["estimate"] == estimate].copy()
    data = data.sort_values(["dependent", "coef"], kind="stable", na_position="last")
    data["rank"] = data.groupby("dependent", sort=False).cumcount()
    return data.reset_index(drop=True)


def specification_curve(table: pd.DataFrame, *, estimate: str = "baseline", words: dict[str, str] | None = None):
    """Specification curve: for each index (one panel), β1 of every specification sorted,
    with 95 % intervals (filled dots: significant at 5 %), and beneath it which option
    value each specification used. Returns the matplotlib figure and the plotted data
    (:func:`curve_data`); :func:`mutualism.report.figures.save_figure` writes PNG + CSV."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..econometrics.layout import TABLES
    from ..econometrics.panel import DEPENDENTS
    from ..econometrics.paper import MEDIATORS

    data = curve_data(table, estimate)
    present = set(data["dependent"])
    dependents = [y for y in DEPENDENTS if y in present] + sorted(present - set(DEPENDENTS))
    levels = [(opt, val) for opt in OPTIONS for val in _values(data, opt)]
    fig, axes = plt.subplots(2, len(dependents), figsize=(4.2 * len(dependents), 6.2), squeeze=False,
                             gridspec_kw={"height_ratios": [2.2, 1.6], "hspace": 0.08})
    for k, y in enumerate(dependents):
        d = data[data["dependent"] == y]
        top, bottom = axes[0, k], axes[1, k]
        sig = (d["p"] < 0.05).to_numpy()
        top.vlines(d["rank"], d["ci_low"], d["ci_high"], color="#999999", lw=0.8)
        top.scatter(d["rank"][sig], d["coef"][sig], s=12, color="#0072B2", label="significant at 5 %", zorder=3)
        top.scatter(d["rank"][~sig], d["coef"][~sig], s=12, facecolor="white", edgecolor="#D55E00",
                    label="not significant at 5 %", zorder=3)
        top.axhline(0, color="black", lw=0.8)
        top.set_title((words or {}).get(y, y))
        top.set_xticks([])
        if k == 0:
            top.set_ylabel("β1 (coefficient of ln ITR)")
            top.legend(loc="upper left", fontsize=7, frameon=False)
        for row, (opt, val) in enumerate(levels):
            on = (d[opt].astype(str) == str(val)).to_numpy()
            bottom.scatter(d["rank"][on], np.full(on.sum(), row), s=5, marker="s", color="#333333")
        bottom.set_yticks(range(len(levels)))
        bottom.set_yticklabels([f"{opt}={val}" for opt, val in levels] if k == 0 else [], fontsize=7)
        bottom.set_ylim(len(levels) - 0.5, -0.5)
        bottom.set_xlabel("specifications, sorted by β1")
        bottom.set_xlim(top.get_xlim())
    fig.subplots_adjust(left=0.2, right=0.98, top=0.94, bottom=0.08, wspace=0.12)
    return fig, data


def save_specification_curve(table: pd.DataFrame, out_dir: str | Path, *, stem: str = "specification_curve",
                             words: dict[str, str] | None = None) -> tuple[Path, Path]:
    """Write the specification curve as ``<stem>.png`` and its data as ``<stem>.csv``."""
    import matplotlib.pyplot as plt

    from ..report.figures import save_figure

    fig, data = specification_curve(table, words=words)
    try:
        return save_figure(fig, data, stem, out_dir)
    finally:
        plt.close(fig)


def curve_alt_text(table: pd.DataFrame, words: dict[str, str] | None = None) -> str:
    """Alt text of the specification curve, with the plotted ranges."""
    from ..econometrics.layout import TABLES
    from ..econometrics.panel import DEPENDENTS
    from ..econometrics.paper import MEDIATORS

    data = curve_data(table)
    parts = []
    for y in [d for d in DEPENDENTS if d in set(data["dependent"])]:
        d = data[data["dependent"] == y]
        ok = d.dropna(subset=["coef"])
        if ok.empty:
            continue
        parts.append(f"{(words or {}).get(y, y)}: {len(ok)} coefficients from {ok['coef'].min():.3g} to "
                     f"{ok['coef'].max():.3g}, {int((ok['p'] < 0.05).sum())} significant at 5 %")
    return ("Specification curve in three panels, one per index. Each panel plots the coefficient of ln ITR of "
            "every specification, sorted from smallest to largest, with a vertical 95 % interval; below it a grid "
            "marks which value of each option (fva, itr, itr_attribution, cross_industry, winsor, cov_type) the "
            "specification used. " + "; ".join(parts) + ".")


def _values(data: pd.DataFrame, option: str) -> list:
    """Values of ``option`` present in ``data``, in grid order (config's order, or sorted)."""
    present = list(dict.fromkeys(data[option].tolist()))
    order = list({**INDEX_OPTIONS, "winsor": WINSOR_GRID, "cov_type": COV_TYPE_GRID}.get(option, ()))
    return [v for v in order if v in present] + sorted((v for v in present if v not in order), key=str)
