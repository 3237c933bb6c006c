"""The multiverse (issue 13): 96 specifications, 16 index variants per year.

Phases (each in a fresh subprocess, a fresh temporary cache: the index variants are
computed, not read back):

- ``tasks`` — what one task costs and carries (:func:`phase_tasks`): the cache key, the
  year read from the ``.npz`` cache, one index variant, an estimation task, the bytes a
  task travels, a fresh worker's first task, a LocalCluster's start.
- ``small`` — the small synthetic world (n = 1040), the book's default years 2002–2020
  (2001 loaded for XT): 20 × 16 = 320 index tasks and 96 × 4 estimates, four ways: one
  process, ``--jobs 2`` (joblib), a ``LocalCluster`` (dask.distributed) of 1 and of 2 worker
  processes (:data:`MODES`). The tables are compared with the one-process table (1e-10
  relative); the load average is printed before and after each way.
- ``wiod`` — WIOD 2013, 2002–2011 (params/wiod2013.yml, 11 × 16 = 176 index tasks), the
  same four ways (skipped when ``../shared/data/wiod2013`` is absent).
- ``full`` — the cost of one (year × variant) task at Eora26 size: one index variant
  (``routes5``, the most expensive) and ``vax`` on the full synthetic world (n = 4940),
  as multiples of one LU factorisation timed in the same process, and from them the wall
  time of the full Eora26 multiverse (20 × 16 tasks at n ≈ 4915) on W workers.

Every time is also printed as a multiple of one LU factorisation of the same size measured
in the same process. Run: ``nice .venv/bin/python bench/bench_multiverse.py [--phase P]``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PHASES = ("tasks", "small", "wiod", "full")
#: Eora26 per-year costs measured by bench_years.py (bench/README.md): parsing the text files
#: of one year (Arrow reader, one process) and the cost of one index computation on a table of
#: that size is measured here on the synthetic full world.
EORA_PARSE_S = 5.5
EORA_YEARS = 20          # 2002–2020 estimated, 2001 loaded for XT
TARGET_S = 600.0


def _lu_seconds(A) -> float:
    from mutualism.gvc.leontief import LeontiefSolver

    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        LeontiefSolver(A, "lu")
        best = min(best, time.perf_counter() - t0)
    return best


#: The ways of running the multiverse that are compared (issue 20: 1 vs 2 workers).
MODES = ("1 process", "--jobs 2", "LocalCluster 1 worker", "LocalCluster 2 workers")


def _ways(params, modes=MODES) -> dict:
    """The multiverse in each of ``modes``, each with a fresh cache; the tables compared
    with the one-process table (1e-10 relative); the load average before and after each."""
    import os

    import numpy as np
    from distributed import LocalCluster

    from mutualism.book.multiverse import run_multiverse
    from mutualism.io.sources import load_year

    mrio = load_year(params.source, params.years[-1], params.data_path, size=params.synthetic_size,
                     seed=params.seed, concordance=params.concordance)
    lu = _lu_seconds(mrio.A)
    out: dict = {"n": int(mrio.A.shape[0]), "lu_s": lu}
    tables = {}
    for mode in modes:
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="bench-mv-") as cache:
            run = params.with_(cache_dir=cache)
            t0 = time.perf_counter()
            if mode.startswith("LocalCluster"):
                workers = int(mode.split()[1])
                with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as c:
                    t_up = time.perf_counter() - t0
                    result = run_multiverse(run, scheduler=c.scheduler_address)
            else:
                t_up = 0.0
                result = run_multiverse(run, n_jobs=2 if mode == "--jobs 2" else 1)
            wall = time.perf_counter() - t0
        tables[mode] = result.table
        out[mode] = {"wall_s": wall, "cluster_start_s": t_up, "indices_s": result.seconds["indices"],
                     "estimation_s": result.seconds["estimation"], "tasks": result.index_tasks,
                     "specifications": result.specifications, "wall_lu": wall / lu,
                     "indices_lu": result.seconds["indices"] / lu, "estimation_lu": result.seconds["estimation"] / lu,
                     "load_before": load_before, "load_after": os.getloadavg()[0]}
    ref = tables[modes[0]]       # the first way run (1 process unless --mode chose others)
    for mode, table in tables.items():
        num = [c for c in ("coef", "se", "p") if c in table]
        a, b = ref[num].to_numpy(float), table[num].to_numpy(float)
        same = np.allclose(a, b, rtol=1e-10, atol=0, equal_nan=True)
        out[mode]["equal_to_1_process"] = bool(same)
    return out


def _chosen_modes() -> tuple[str, ...]:
    """``--mode`` options (repeatable; default: every way of :data:`MODES`)."""
    chosen = [sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--mode"]
    return tuple(m for m in MODES if m in chosen) or MODES


def phase_small() -> dict:
    from mutualism.core.config import Params

    return _ways(Params(bootstrap_reps=0), _chosen_modes())


def phase_wiod() -> dict:
    from mutualism.core.config import Params

    if not (SHARED / "data" / "wiod2013").exists():
        return {"skipped": "../shared/data/wiod2013 not found"}
    import os

    os.chdir(ROOT)  # params/wiod2013.yml's paths are relative to the repository root
    return _ways(Params.from_yaml(ROOT / "params" / "wiod2013.yml"), _chosen_modes())


def _best(func, repeat: int = 5) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def _timed_estimations(task, repeat: int = 3) -> float:
    """Best of ``repeat`` runs of one estimation task after a warm-up run, where this runs."""
    from mutualism.book.multiverse import _estimate_task

    _estimate_task(task)
    return _best(lambda: _estimate_task(task), repeat)


def phase_tasks() -> dict:
    """What one task of the multiverse costs and what it carries (WIOD 2013 if present, else
    the small synthetic world), as multiples of one LU of the same table: the cache key
    (data and source digests), reading the year from the ``.npz`` cache, one index variant,
    writing its parquet entry, an estimation task, the bytes a task and its result travel,
    a worker's first task (imports), and starting a LocalCluster and a Client."""
    import os
    import pickle

    from threadpoolctl import threadpool_limits

    from mutualism.core import cache as cache_module
    from mutualism.gvc import indices
    from mutualism.book import multiverse
    from mutualism.core.config import Params
    from mutualism.econometrics.panel import run_pair_controls
    from mutualism.io.sources import load_year

    os.chdir(ROOT)
    wiod = (SHARED / "data" / "wiod2013").exists()
    base = Params.from_yaml(ROOT / "params" / "wiod2013.yml") if wiod else Params(bootstrap_reps=0)
    out: dict = {"data": "wiod2013" if wiod else "small synthetic", "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-mv-tasks-") as cache:
        p = base.with_(cache_dir=cache)
        year = p.years[-1]
        t0 = time.perf_counter()
        mrio = load_year(p.source, year, p.data_path, size=p.synthetic_size, seed=p.seed,
                         concordance=p.concordance, cache_dir=cache)
        out["parse_year_s"] = time.perf_counter() - t0
        with threadpool_limits(limits=1, user_api="blas"):
            lu = _lu_seconds(mrio.A)
        out.update(n=int(mrio.A.shape[0]), lu_1thread_s=lu)
        task = indices.YearTask(p, year, False)
        parts = {
            "data_digest": lambda: cache_module.data_digest(),
            "source_digest_indices": lambda: cache_module.source_digest("gvc.indices"),
            "cache_key_of_a_task": lambda: indices.year_cache_file(task),
            "npz_load": lambda: load_year(p.source, year, p.data_path, size=p.synthetic_size, seed=p.seed,
                                          concordance=p.concordance, cache_dir=cache),
        }
        for name, func in parts.items():
            out[f"{name}_lu"] = _best(func) / lu
        partners = indices._partners(p, mrio.countries)
        with threadpool_limits(limits=1, user_api="blas"):
            for itr in ("routes5", "vax"):
                out[f"index_{itr}_lu"] = _best(lambda: indices.year_indices(mrio, partners, itr=itr), 3) / lu
        frame = indices.year_indices(mrio, partners)
        out["parquet_write_lu"] = _best(lambda: frame.to_parquet(Path(cache) / "x.parquet", index=False)) / lu
        itask = multiverse._IndexTask(p, year, multiverse.index_variants()[0])
        out["index_task_bytes"] = len(pickle.dumps(itask))
        out["index_result_bytes"] = len(pickle.dumps(multiverse._index_task(itask)))
        by_variant, _, _ = multiverse.variant_indices(p, multiverse.index_variants()[:1])
        v, ix = next(iter(by_variant.items()))
        pairs = run_pair_controls(p, sorted(set(ix["partner"])))
        winsors, covs = multiverse.estimation_grid(p)
        etask = multiverse._EstimationTask(p, v, winsors[0], covs, ix, pairs)
        blob = pickle.dumps(etask)
        out["estimation_task_bytes"] = len(blob)
        out["estimation_task_unpickle_lu"] = _best(lambda: pickle.loads(blob)) / lu
        out["estimation_task_lu"] = _best(lambda: multiverse._estimate_task(etask), 3) / lu
        # a worker's first estimation task: a fresh interpreter imports the estimators
        code = ("import pickle, sys, time; t0 = time.perf_counter(); import mutualism.book.multiverse as m; "
                "task = pickle.load(open(sys.argv[1], 'rb')); m._estimate_task(task); t1 = time.perf_counter(); "
                "m._estimate_task(task); print(t1 - t0, time.perf_counter() - t1)")
        with open(Path(cache) / "task.pkl", "wb") as fh:
            fh.write(blob)
        done = subprocess.run([sys.executable, "-c", code, str(Path(cache) / "task.pkl")], capture_output=True,
                              text=True, check=True)
        first, second = map(float, done.stdout.split())
        out["fresh_process_first_estimation_lu"] = first / lu
        out["fresh_process_second_estimation_lu"] = second / lu
        # the same estimation task with the allocator setting a Dask nanny gives its workers
        trim = subprocess.run([sys.executable, "-c", code, str(Path(cache) / "task.pkl")], capture_output=True,
                              text=True, check=True, env={**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"})
        out["fresh_process_second_estimation_malloc_trim_lu"] = float(trim.stdout.split()[1]) / lu
        from joblib.externals.loky import get_reusable_executor

        executor = get_reusable_executor(max_workers=1)          # one loky worker, as joblib's
        out["estimation_in_loky_worker_lu"] = executor.submit(_timed_estimations, etask).result() / lu
        executor.shutdown()
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        out["localcluster_2_start_lu"] = (time.perf_counter() - t0) / lu
        t0 = time.perf_counter()
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            client.wait_for_workers(2)
            out["client_connect_lu"] = (time.perf_counter() - t0) / lu
            t0 = time.perf_counter()
            client.gather(client.map(abs, range(-100, 0), pure=False))
            out["dask_100_empty_tasks_lu"] = (time.perf_counter() - t0) / lu
            out["estimation_in_dask_worker_lu"] = client.submit(_timed_estimations, etask).result() / lu
    out["load_after"] = os.getloadavg()[0]
    return out


def phase_full() -> dict:
    from mutualism.gvc.indices import _partners, year_indices
    from mutualism.core.config import Params
    from mutualism.io.synthetic import make_mrio

    from mutualism.io.sources import load_year

    mrio = make_mrio(2011, size="full", seed=2023)
    partners = _partners(Params(synthetic_size="full"), mrio.countries)
    out: dict = {"n": int(mrio.A.shape[0]), "partners": len(partners)}
    with tempfile.TemporaryDirectory(prefix="bench-mv-npz-") as cache:   # a task reads its year from the cache
        load_year("synthetic", 2011, size="full", cache_dir=cache)
        t0 = time.perf_counter()
        load_year("synthetic", 2011, size="full", cache_dir=cache)
        out["npz_load_s"] = time.perf_counter() - t0
    lu = []
    for itr in ("routes5", "vax"):
        lu.append(_lu_seconds(mrio.A))
        t0 = time.perf_counter()
        year_indices(mrio, partners, itr=itr)
        out[f"index_{itr}_s"] = time.perf_counter() - t0
    lu.append(_lu_seconds(mrio.A))
    out["lu_s"] = min(lu)
    for itr in ("routes5", "vax"):
        out[f"index_{itr}_lu"] = out[f"index_{itr}_s"] / out["lu_s"]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def eora_estimate(full: dict, small: dict | None) -> list[dict]:
    """Wall time of the Eora26 multiverse on W workers, from measured per-task costs.

    Work: each of the 20 tables parsed once (EORA_PARSE_S, bench_years.py) and written to
    the ``.npz`` cache on the shared file system; 20 × 16 index tasks, each reading its
    year from that cache (``npz_load_s``) and computing one variant (half ``routes5``,
    half ``vax``: the ``itr`` option; ``fva``, ``itr_attribution`` and ``cross_industry``
    change little of the cost); 96 specifications estimated, at the small world's measured
    seconds per specification scaled by the panel's rows (121 partners instead of 32:
    ×3.8; the estimators are linear in rows). Perfect scaling over W workers, plus one
    year's parse and one routes5 task for the last wave.
    """
    per_task = full["npz_load_s"] + (full["index_routes5_s"] + full["index_vax_s"]) / 2
    est_per_spec = 1.0
    if small and "1 process" in small:
        est_per_spec = small["1 process"]["estimation_s"] / small["1 process"]["specifications"] * 3.8
    work = EORA_YEARS * EORA_PARSE_S + EORA_YEARS * 16 * per_task + 96 * est_per_spec
    rows = []
    for workers in (1, 2, 3, 4, 6, 8, 16):
        wall = work / workers + EORA_PARSE_S + full["npz_load_s"] + full["index_routes5_s"]
        rows.append({"workers": workers, "wall_s": wall, "under_10_min": wall < TARGET_S, "work_s": work,
                     "per_task_s": per_task, "estimation_per_spec_s": est_per_spec})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--mode", action="append", choices=MODES, default=[],
                        help="ways of running the multiverse (repeatable; default: all)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # internal: one phase, JSON out
    args = parser.parse_args()
    if args.json:
        print(json.dumps(globals()[f"phase_{args.phase}"]()))
        return
    results = {}
    for phase in ([args.phase] if args.phase else PHASES):
        modes = [arg for m in args.mode for arg in ("--mode", m)]
        done = subprocess.run([sys.executable, __file__, "--phase", phase, "--json", *modes], capture_output=True,
                              text=True)
        if done.returncode:
            print(f"{phase}: failed\n{done.stderr[-2000:]}")
            continue
        results[phase] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\n--- {phase} ---")
        print(json.dumps(results[phase], indent=1))
    if "full" in results:
        print("\n--- Eora26 multiverse on W workers (estimated from the measured per-task costs) ---")
        for row in eora_estimate(results["full"], results.get("small")):
            print(f"{row['workers']:>3} workers: {row['wall_s']:7.0f} s  {'< 10 min' if row['under_10_min'] else ''}")


if __name__ == "__main__":
    main()
