"""Engine benchmarks (METHODS.md §1 performance path, §9 WWZ, §10 indices).

Each measurement runs in a fresh subprocess so that its peak RSS is its own:

- ``lu`` — one LU factorisation of ``I − A`` and one explicit inverse at the full size;
- ``indices-vax`` / ``indices-routes5`` — all indices of one year (every BRI-sized partner
  set, the eight industries), as a ratio to an LU factorisation timed in the same process;
- ``indices-path-vax`` / ``indices-path-routes5`` — the same year the way
  ``compute_indices`` computes it (``indices.run_year``'s compute seconds, its cache entry
  removed before each run), with the threads this process gives a task;
- ``wwz-wiod`` — the full WWZ decomposition of WIOD 2013, 2011 (if ``../shared`` exists);
- ``wwz-full`` — the full WWZ decomposition of the full-size world.

The full-size world is the synthetic ``full`` world when :mod:`mutualism.io.synthetic` is
available, otherwise a random productive table of the same size (190 countries × 26
sectors, n = 4940); the output says which. Run: ``.venv/bin/python bench/bench_engine.py``
(or one phase: ``--phase indices-vax``). Figures are recorded in bench/README.md.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import peak_rss_mb, run_phases  # noqa: E402

PHASES = ("lu", "indices-vax", "indices-routes5", "indices-path-vax", "indices-path-routes5", "wwz-wiod", "wwz-full")
SHARED = Path(__file__).resolve().parents[2] / "shared"
G_FULL, N_FULL, SEED = 190, 26, 2023
REPEATS = 3  # the machine is shared: every time is the best of three runs in one process


def full_world():
    """The synthetic full world if its module exists, else a random table of that size."""
    from mutualism.io.mrio import build_mrio

    try:
        from mutualism.io.synthetic import make_mrio

        return make_mrio(2011, size="full", seed=SEED), "synthetic full world (2011)"
    except ImportError:
        pass
    rng = np.random.default_rng(SEED)
    G, N = G_FULL, N_FULL
    n = G * N
    Z = rng.uniform(0.0, 1.0, (n, n))
    Z *= rng.uniform(0.0, 1.0, (1, n))                       # sector-specific input intensity
    Z.reshape(G, N, G, N)[np.arange(G), :, np.arange(G), :] *= 40.0   # home bias
    Y = rng.uniform(0.0, 1.0, (n, G)) * 0.4 * n
    Y.reshape(G, N, G)[np.arange(G), :, np.arange(G)] *= 60.0
    countries = ["CHN"] + [f"K{k:03d}" for k in range(G - 2)] + ["ROW"]
    mrio = build_mrio(Z, Y, countries, [f"C{j + 1}" for j in range(N)], 2011, source="random")
    return mrio, f"random productive table {G}×{N} (synthetic module not available)"


def partners(mrio, table: str) -> list[str]:
    """The BRI partners in the synthetic world; 120 countries of a random table (the
    paper's order of magnitude)."""
    if table.startswith("synthetic"):
        from mutualism.core.countries import partner_set

        return [p for p in partner_set("bri", list(mrio.countries), china="CHN") if p != "CHN"]
    return [c for c in mrio.countries if c not in ("CHN", "ROW")][:120]


def time_lu(mrio) -> float:
    from mutualism.gvc.decompose import LeontiefSolver

    t0 = time.perf_counter()
    LeontiefSolver(mrio.A, "lu")
    return time.perf_counter() - t0


def time_path(mrio, itr: str, cache: str) -> float:
    """Compute seconds of one year through ``indices.run_year`` (what ``compute_indices``
    runs per year), the table handed over and the year's cache entry removed first."""
    from mutualism.core.config import Params
    from mutualism.gvc import indices

    p = Params(source="synthetic", synthetic_size="full", seed=SEED, years=[mrio.year], itr=itr, cache_dir=cache)
    task = indices.YearTask(p, mrio.year, False)
    indices.year_cache_file(task).unlink(missing_ok=True)
    tables = {(p.source, task.year, p.data_path, p.synthetic_size, p.seed, p.concordance, p.cache_dir): mrio}
    frame, load_s, compute_s = indices.run_year(task, tables)
    assert load_s < 0.05 and len(frame), "the table was read again: run_year's table key changed"
    return compute_s


def run_phase(phase: str) -> dict:
    import os
    import tempfile

    from mutualism.gvc import decompose, indices

    out: dict = {"phase": phase, "load_before": os.getloadavg()[0]}
    if phase == "wwz-wiod":
        if not SHARED.exists():
            return {**out, "skipped": "../shared absent"}
        from mutualism.io.sources import load_pymrio_folder

        mrio = load_pymrio_folder(SHARED / "data" / "wiod2013", 2011)
        out["table"] = "WIOD 2013, 2011 (n = 1435)"
    else:
        mrio, out["table"] = full_world()
    mrio.A, mrio.v  # formed once, outside the timings
    out["n"] = mrio.n
    out["rss_after_load_mb"] = round(peak_rss_mb())
    tracemalloc.start()
    if phase == "lu":
        out["lu_s"] = min(time_lu(mrio) for _ in range(REPEATS))
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            decompose.leontief_inverse(mrio.A)
            times.append(time.perf_counter() - t0)
        out["inverse_s"] = min(times)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            out["lu_1thread_s"] = min(time_lu(mrio) for _ in range(REPEATS))
        try:
            from mutualism.gvc import blocked
        except ImportError:  # a library before the blocked kernels
            blocked = None
        if blocked is not None:
            from mutualism.gvc.leontief import LeontiefSolver

            out["threads"] = blocked.task_threads()
            for threads in (out["threads"], 1):
                best = []
                for _ in range(REPEATS):
                    t0 = time.perf_counter()
                    LeontiefSolver(mrio.A, "lu", threads=threads)
                    best.append(time.perf_counter() - t0)
                out[f"blocked_lu_{threads}thread_s"] = min(best)
    elif phase.startswith("indices-path"):
        itr = phase.split("-")[-1]
        lu_times, times = [], []
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as cache:
            for _ in range(REPEATS):  # interleaved, so both see the same load on a shared machine
                lu_times.append(time_lu(mrio))
                times.append(time_path(mrio, itr, cache))
        out["lu_s"], out["indices_s"] = min(lu_times), min(times)
        out["ratio_to_lu"] = out["indices_s"] / out["lu_s"]
    elif phase.startswith("indices"):
        who = partners(mrio, out["table"])
        itr = phase.split("-")[1]
        lu_times, times = [], []
        for _ in range(REPEATS):  # interleaved, so both see the same load on a shared machine
            lu_times.append(time_lu(mrio))
            t0 = time.perf_counter()
            frame = indices.year_indices(mrio, who, itr=itr)
            times.append(time.perf_counter() - t0)
        out["lu_s"], out["indices_s"] = min(lu_times), min(times)
        out["ratio_to_lu"] = out["indices_s"] / out["lu_s"]
        out["partners"], out["rows"] = len(who), len(frame)
    else:
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            frame = decompose.wwz(mrio)
            times.append(time.perf_counter() - t0)
        out["wwz_s"] = min(times)
        out["rows"] = len(frame)
    out["load_after"] = os.getloadavg()[0]
    out["numpy_peak_during_compute_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
    out["peak_rss_mb"] = round(peak_rss_mb())
    return out


def main() -> None:
    run_phases(__file__, __doc__.splitlines()[0], PHASES, run_phase)


if __name__ == "__main__":
    main()
