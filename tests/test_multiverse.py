"""The multiverse (issue 13): grid, reuse of the index variants, agreement with `mutualism
estimate`, and the same numbers on a Dask cluster as on this machine."""

from __future__ import annotations

import functools
import itertools
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from mutualism.core import cache as cache_module
from mutualism import cli
from mutualism.core import config
from mutualism.gvc import indices
from mutualism.book import multiverse
from mutualism.core.config import Params
from mutualism.gvc.indices import compute_indices
from mutualism.econometrics.panel import assemble
from mutualism.econometrics.layout import TABLES
from mutualism.econometrics.paper import run_paper

BIN = Path(sys.executable).parent
YEARS = "2011-2012"          # 2010 is loaded too (XT): 3 tables per variant


def _params(cache: Path, **changes) -> Params:
    return Params(years=YEARS, cache_dir=str(cache), bootstrap_reps=0, **changes)


def _write_params(path: Path, params: Params) -> Path:
    data = params.as_dict()
    data.pop("extra", None)
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("multiverse-cache")


@pytest.fixture(scope="module")
def first_run(cache):
    """The whole multiverse once, in this process, counting the index computations."""
    calls = []
    original = indices.year_indices

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(indices, "year_indices", spy)
        # cache keys cover the library's source; other work on the source tree during the test
        # must not change them between the two runs (a snapshot of each file at first read)
        mp.setattr(cache_module, "_read_source", functools.lru_cache(maxsize=None)(cache_module._read_source))
        result = multiverse.run_multiverse(_params(cache))
        first = len(calls)
        again = multiverse.variant_indices(_params(cache))
    return result, again, first, len(calls) - first


def test_grid_is_the_product_of_the_config_options():
    variants = multiverse.index_variants()
    assert len(variants) == len(config.FVA_OPTIONS) * len(config.ITR_OPTIONS) * len(config.ITR_ATTRIBUTIONS) * 2 == 16
    assert {(v.fva, v.itr, v.itr_attribution, v.cross_industry) for v in variants} == set(itertools.product(
        config.FVA_OPTIONS, config.ITR_OPTIONS, config.ITR_ATTRIBUTIONS, (False, True)))
    assert multiverse.estimation_grid(Params()) == (multiverse.WINSOR_GRID, multiverse.COV_TYPE_GRID)
    # the run's own options outside the grid are added, so the run is always one specification
    winsors, covs = multiverse.estimation_grid(Params(winsor=0.02, cov_type="cluster_partner_industry"))
    assert winsors[-1] == 0.02 and covs[-1] == "cluster_partner_industry"


def test_each_index_variant_is_computed_once_and_reused(first_run):
    result, again, first, second = first_run
    load_years = len(_params(Path(".")).load_years)
    assert first == load_years * 16 == result.index_tasks
    assert result.index_computed == first
    frames, tasks, computed = again
    assert second == 0 and computed == 0 and tasks == first    # second run: every variant from the cache
    assert len(frames) == 16
    # the variants really differ: each option changes some coefficient
    base = result.table[result.table["estimate"] == "baseline"]
    for option in multiverse.INDEX_OPTIONS:
        spread = base.groupby([o for o in multiverse.OPTIONS if o != option] + ["dependent"])["coef"].nunique()
        assert (spread > 1).any(), option


def test_index_variants_run_in_batches_of_a_year_that_read_the_year_once(tmp_path):
    from mutualism.core import parallel
    from mutualism.io import sources

    variants = multiverse.index_variants()[:4]
    params = _params(tmp_path / "batched")
    reads, batches = [], []
    original_read, original_batch = sources.load_year, multiverse._index_batch

    def read(source, year, *args, **kwargs):
        reads.append(year)
        return original_read(source, year, *args, **kwargs)

    def batch(tasks):
        batches.append([(t.year, t.variant) for t in tasks])
        return original_batch(tasks)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sources, "load_year", read)
        mp.setattr(multiverse, "_index_batch", batch)
        frames, n_tasks, computed = multiverse.variant_indices(params, variants)
    years = params.load_years
    assert n_tasks == computed == len(years) * len(variants)
    # one batch per year (one process: nothing to balance), holding that year's variants in grid order
    assert batches == [[(y, v) for v in variants] for y in years]
    assert reads == list(years)                 # each table read once, not once per variant
    # the same numbers as one task at a time, each reading its table itself (another fresh cache)
    alone = {v: [] for v in variants}
    for v in variants:
        for y in years:
            alone[v].append(multiverse._index_task(multiverse._IndexTask(_params(tmp_path / "alone"), y, v))[0])
    for v in variants:
        expected = indices.add_coordination(pd.concat(alone[v], ignore_index=True))
        expected = expected[expected["year"].isin(params.years)].reset_index(drop=True)
        pd.testing.assert_frame_equal(frames[v], expected, check_exact=True)
    # two joblib workers: 3 years < 4 × 2 batches, so each year's variants are split in runs of 1–2
    plan = parallel.plan_batches([y for _ in variants for y in years], 2)
    assert len(plan) == 9 and sorted(len(b) for b in plan) == [1] * 6 + [2] * 3
    two, _, _ = multiverse.variant_indices(_params(tmp_path / "two"), variants, n_jobs=2)
    for v in variants:
        pd.testing.assert_frame_equal(two[v], frames[v], check_exact=False, rtol=1e-12, atol=0)


def test_one_row_per_specification_estimate_and_dependent(first_run):
    table = first_run[0].table
    assert list(table.columns) == list(multiverse.COLUMNS)
    assert first_run[0].specifications == 96
    assert len(table) == 96 * len(multiverse.ESTIMATES) * 3
    assert not table.duplicated([*multiverse.OPTIONS, "estimate", "dependent"]).any()
    # a row without an estimate says why; every estimated row has a finite interval around coef
    missing = table["coef"].isna()
    assert (table.loc[missing, "note"].str.len() > 0).all()
    ok = table[~missing]
    assert ((ok["ci_low"] < ok["coef"]) & (ok["coef"] < ok["ci_high"])).all()
    assert ok["n"].gt(0).all()
    # the covariance estimator changes standard errors, never coefficients
    key = [o for o in multiverse.OPTIONS if o != "cov_type"] + ["estimate", "dependent"]
    wide = ok.pivot_table(index=key, columns="cov_type", values="coef")
    np.testing.assert_allclose(wide["robust"], wide["cluster_partner"], rtol=1e-12)


def test_default_rows_equal_table_1_of_mutualism_estimate(first_run, cache, tmp_path):
    params = _params(cache)
    rows = first_run[0].default_rows()
    baseline = rows[rows["estimate"] == "baseline"].set_index("dependent")
    # the library path `mutualism estimate` runs
    results = run_paper(assemble(params, progress=False), cov_type=params.cov_type, bootstrap_reps=0, seed=params.seed)
    with_controls = TABLES["1"].groups["with_controls"]
    for col in (results.tables["1"].columns[n - 1] for n in with_controls):
        row = baseline.loc[col.dependent]
        assert (row["coef"], row["se"], row["p"], row["n"]) == (
            col.params["lnITR"], col.std_errors["lnITR"], col.pvalues["lnITR"], col.nobs)
    # the command itself (scorecard.csv holds Table 1 at full precision)
    assert cli.main(["estimate", "--years", YEARS, "--cache-dir", str(cache), "--bootstrap-reps", "0",
                     "--out", str(tmp_path / "est")]) == 0
    card = pd.read_csv(tmp_path / "est" / "scorecard.csv", float_precision="round_trip")
    card = card[(card["table"].astype(str) == "1") & card["column"].isin(with_controls)].set_index("dependent")
    for y in ("lnRH", "lnHD", "lnXT"):
        assert (baseline.loc[y, "coef"], baseline.loc[y, "se"], baseline.loc[y, "n"]) == (
            card.loc[y, "coef_run"], card.loc[y, "se_run"], card.loc[y, "n_run"])
    # multiverse.csv reads back exactly
    written = multiverse.read(multiverse.write(first_run[0], tmp_path / "mv"))
    pd.testing.assert_frame_equal(written, first_run[0].table, check_dtype=False, check_exact=True)


def test_a_subset_of_estimates_gives_the_same_rows(first_run, cache):
    variant = multiverse.index_variants()[5]
    part = multiverse.run_multiverse(_params(cache), variants=[variant], estimates=("baseline",))
    full = first_run[0].table
    mask = (full[list(multiverse.INDEX_OPTIONS)] == [variant.fva, variant.itr, variant.itr_attribution,
                                                     variant.cross_industry]).all(axis=1)
    expected = full[mask & (full["estimate"] == "baseline")].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.table, expected, check_exact=True)
    with pytest.raises(Exception, match="estimate"):
        multiverse.run_multiverse(_params(cache), variants=[variant], estimates=("table9",))


def test_a_run_that_changes_only_spanned_options_has_the_same_multiverse(first_run, cache):
    """The multiverse depends on the options it spans only through its grid: a run with the
    other fva, itr, itr_attribution, a winsor and cov_type of the grid and no bootstrap
    estimates the same rows, to the bit, and so shares the cached multiverse."""
    other = _params(cache, fva="wwz", itr="vax", itr_attribution="exporting", winsor=0.0,
                    cov_type="cluster_partner").with_(bootstrap_reps=99)
    assert multiverse.multiverse_options(other) == multiverse.multiverse_options(_params(cache))
    variant = multiverse.index_variants()[9]
    part = multiverse.run_multiverse(other, variants=[variant], estimates=("baseline",))
    full = first_run[0].table
    mask = (full[list(multiverse.INDEX_OPTIONS)] == [variant.fva, variant.itr, variant.itr_attribution,
                                                     variant.cross_industry]).all(axis=1)
    pd.testing.assert_frame_equal(part.table, full[mask & (full["estimate"] == "baseline")].reset_index(drop=True),
                                  check_exact=True)
    # a winsor outside the grid widens it, and any option outside the grid is part of the key
    for changed in (_params(cache, winsor=0.02), _params(cache, itr_scale="world_output_share"),
                    _params(cache, partners="bri64"), _params(cache).with_(years="2011-2013")):
        assert multiverse.multiverse_options(changed) != multiverse.multiverse_options(_params(cache))


def test_the_cached_multiverse_is_shared_and_carries_the_callers_options(tmp_path, monkeypatch):
    """One computation for two runs that differ only in spanned options; each gets back its
    own params, so its default rows are its own specification (the computation is replaced
    by a stand-in table here: the rows' equality is the test above)."""
    calls = []

    def fake(params, **kwargs):
        calls.append(params)
        rows = [{**dict(zip(multiverse.INDEX_OPTIONS, (v.fva, v.itr, v.itr_attribution, v.cross_industry))),
                 "winsor": w, "cov_type": c, "estimate": "baseline", "dependent": "RVC", "coef": float(k)}
                for k, (v, w, c) in enumerate((v, w, c) for v in multiverse.index_variants()
                                               for w in multiverse.WINSOR_GRID for c in multiverse.COV_TYPE_GRID)]
        return multiverse.Multiverse(params, pd.DataFrame(rows, columns=list(multiverse.COLUMNS)), 0, 0)

    monkeypatch.setattr(multiverse, "run_multiverse", fake)
    first = multiverse.cached_multiverse(_params(tmp_path), estimates=("baseline",))
    second_params = _params(tmp_path, fva="wwz", winsor=0.05, cov_type="cluster_partner").with_(bootstrap_reps=7)
    second = multiverse.cached_multiverse(second_params, estimates=("baseline",))
    assert len(calls) == 1 and second.params == second_params
    pd.testing.assert_frame_equal(first.table, second.table)
    mine = second.default_rows()
    assert len(mine) == 1 and (mine["fva"].iloc[0], mine["winsor"].iloc[0], mine["cov_type"].iloc[0]) == \
        ("wwz", 0.05, "cluster_partner")
    assert first.default_rows()["coef"].iloc[0] != mine["coef"].iloc[0]
    multiverse.cached_multiverse(_params(tmp_path, winsor=0.02), estimates=("baseline",))
    assert len(calls) == 2  # outside the grid: a multiverse of its own


def test_conclusions_count_positive_significant_baselines(first_run):
    table = first_run[0].table
    shares = multiverse.conclusions(table)
    base = table[table["estimate"] == "baseline"]
    for y, s in shares.items():
        rows = base[base["dependent"] == y]
        assert s.total == 96
        assert s.holds == int(((rows["coef"] > 0) & (rows["p"] < 0.05)).sum())


def test_specification_curve_writes_png_and_its_data(first_run, tmp_path):
    png, csv = multiverse.save_specification_curve(first_run[0].table, tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pd.read_csv(csv)
    assert len(data) == 96 * 3
    for _, d in data.groupby("dependent"):
        assert d.sort_values("rank")["coef"].is_monotonic_increasing


# ----- scale-out ---------------------------------------------------------------------------------
def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if pd.api.types.is_float_dtype(a[c]):
            np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-10, atol=0, equal_nan=True)
        else:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), c


@pytest.mark.slow  # a Dask cluster (run by CI; `make test-fast` leaves it out)
def test_a_local_dask_cluster_gives_the_local_result(first_run, tmp_path):
    from distributed import LocalCluster

    variants = multiverse.index_variants()[:3]
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = multiverse.run_multiverse(_params(tmp_path / "cache"), variants=variants,
                                           scheduler=cluster.scheduler_address)
        remote_indices = compute_indices(_params(tmp_path / "cache2"), scheduler=cluster.scheduler_address,
                                         progress=False)
    assert remote.index_computed == remote.index_tasks == 3 * 3   # computed on the workers (fresh cache)
    local = first_run[0].table
    local = local[np.logical_or.reduce([(local[list(multiverse.INDEX_OPTIONS)] == list(
        (v.fva, v.itr, v.itr_attribution, v.cross_industry))).all(axis=1) for v in variants])].reset_index(drop=True)
    _assert_same(remote.table, local)
    _assert_same(remote_indices, compute_indices(_params(tmp_path / "cache3"), progress=False))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # a Dask cluster (run by CI; `make test-fast` leaves it out)
def test_cli_against_dask_scheduler_and_worker_commands(first_run, cache, tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    elsewhere = tmp_path / "worker-cwd"          # workers start elsewhere: paths must be absolute
    elsewhere.mkdir()
    procs = []
    try:
        procs.append(subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                       "--no-dashboard"], cwd=elsewhere, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                       "--no-dashboard"], cwd=elsewhere, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        fresh = tmp_path / "fresh-cache"
        done = subprocess.run([str(BIN / "mutualism"), "indices", "--years", YEARS, "--cache-dir", str(fresh),
                               "--scheduler", address, "--out", str(tmp_path / "ix.parquet")],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert len(list((fresh / "indices").glob("*.parquet"))) == 3      # written by the worker
        _assert_same(pd.read_parquet(tmp_path / "ix.parquet"),
                     compute_indices(_params(tmp_path / "local-cache"), progress=False))
        # the multiverse command: the worker reads the index variants from the shared cache
        params_file = _write_params(tmp_path / "p.yml", _params(cache))
        # (the baselines only: the other estimates take the same road, and this run's
        # first_run compares them all across backends in this process)
        done = subprocess.run([str(BIN / "mutualism"), "multiverse", "--params", str(params_file),
                               "--scheduler", address, "--estimates", "baseline", "--out", str(tmp_path / "mv")],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        full = first_run[0].table
        _assert_same(multiverse.read(tmp_path / "mv" / "multiverse.csv"),
                     full[full["estimate"] == "baseline"].reset_index(drop=True))
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.parametrize("given, problem", [("baseline,table9", "unknown estimate(s) 'table9'"),
                                             ("iv", "baseline is missing")])
def test_multiverse_estimates_flag_names_a_bad_value(tmp_path, capsys, given, problem):
    params_file = _write_params(tmp_path / "p.yml", _params(tmp_path / "cache"))
    code = cli.main(["multiverse", "--params", str(params_file), "--estimates", given, "--out", str(tmp_path / "mv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and f"--estimates {given!r}: {problem}" in err[0], err
    assert not (tmp_path / "mv").exists() and not (tmp_path / "cache").exists()  # refused before any work


def test_an_unreachable_scheduler_is_named():
    from mutualism.core.parallel import SchedulerError, run_tasks

    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.perf_counter()
    with pytest.raises(SchedulerError, match=address.replace(".", r"\.")):
        run_tasks(abs, [1, -2], scheduler=address, timeout=2)
    assert time.perf_counter() - t0 < 30


def test_run_tasks_keeps_task_order_on_every_local_backend():
    from mutualism.core.errors import MutualismError
    from mutualism.core.parallel import run_tasks

    tasks = [-5, 3, -1, 4, -2]
    assert run_tasks(abs, tasks) == run_tasks(abs, tasks, n_jobs=2) == [5, 3, 1, 4, 2]
    with pytest.raises(MutualismError, match="n_jobs=0"):
        run_tasks(abs, tasks, n_jobs=0)
