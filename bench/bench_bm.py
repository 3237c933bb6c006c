"""Borin–Mancini benchmark (METHODS.md §11): all exporters, as multiples of one LU.

Each table runs in a fresh subprocess (its peak RSS is its own):

- ``wiod`` — WIOD 2013, 2011 (n = 1435, 41 exporters; skipped if ``../shared`` is absent);
- ``full`` — the synthetic full world, ``mutualism.io.synthetic.make_mrio(2010, size="full")``
  (190 regions × 26 sectors, n = 4940).

In each process: one LU factorisation (``scipy.linalg.lu_factor`` of ``I − A``) and
``bm_src_terms`` for all exporters, interleaved, best of ``REPEATS`` (``bm_all_lu``: best
over best; ``bm_all_lu_median_pair``: median of each run over the LU just before it); the labelled
``borin_mancini`` once (``labelled_s``: the computation plus building the rows); and the
*before*: a per-exporter-inverse implementation (``(I − A^(s))⁻¹`` for each exporter, as
exvatools does) timed on a few exporters, each against an LU timed just before it, and
extrapolated to all. exvatools (R) is not installed here; the issue's figure
for it (~12 LU per WIOD exporter, ~500 LU for 41) is quoted, not measured. Run: ``nice .venv/bin/python bench/bench_bm.py`` (one table: ``--phase wiod``).
Figures are recorded in bench/README.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import peak_rss_mb, run_phases  # noqa: E402
import scipy.linalg

PHASES = ("wiod", "full")
SHARED = Path(__file__).resolve().parents[2] / "shared"
REPEATS = 3            # best of three (six on WIOD), LU and BM interleaved (the machine is shared)
BEFORE_EXPORTERS = 3   # exporters timed with the per-exporter inverse, then extrapolated
EXVATOOLS_LU = "~500 LU for 41 WIOD exporters (issue 11: ~0.45 s ≈ 12 LU per exporter, OpenBLAS)"


def time_lu(A: np.ndarray) -> float:
    """Seconds of ``scipy.linalg.lu_factor(I − A)``, factorised in place (one n×n buffer)."""
    n = A.shape[0]
    M = np.empty((n, n), order="F")
    np.negative(A, out=M)
    M[np.diag_indices(n)] += 1.0
    t0 = time.perf_counter()
    scipy.linalg.lu_factor(M, overwrite_a=True, check_finite=False)
    return time.perf_counter() - t0


def per_exporter_inverse(A, Y, v, x, Z, G, s, B, BY):
    """The *before*: exporter ``s``'s twelve terms with its own extraction inverse
    ``B^(s) = (I − A^(s))⁻¹`` (one n×n inverse per exporter); ``B`` and ``B·Y`` are shared."""
    from mutualism.gvc.decompose import bilateral_exports, diagonal_blocks, local_solve

    n = A.shape[0]
    N = n // G
    rows = slice(s * N, (s + 1) * N)
    A_s = np.array(A)
    keep = A_s[rows, rows].copy()
    A_s[rows, :] = 0.0
    A_s[rows, rows] = keep
    B_s = np.linalg.inv(np.eye(n) - A_s)
    vB_s = (v @ B_s)[rows]
    v_s = v[rows]
    A_diag = diagonal_blocks(A, G)
    L_ss = np.linalg.inv(np.eye(N) - A_diag[s])
    dl = v_s @ L_ss
    dv = v_s @ B[rows, rows]
    fx = vB_s - dl
    fb = (v @ B)[rows] - dv
    Y3 = Y.reshape(G, N, G)
    intermediate, final = bilateral_exports(Z, Y, G)
    E = (intermediate + final)[rows]
    A_sr = A[rows].reshape(N, G, N)
    LY = local_solve(A_diag, Y3)
    g = np.arange(G)
    LY_own = LY[g, :, g]
    LY_abroad = LY.sum(axis=2) - LY_own
    Ax = (A @ x).reshape(G, N) - np.einsum("rij,rj->ri", A_diag, x.reshape(G, N))
    LAx = local_solve(A_diag, Ax)
    ABY = (A @ BY[:, s]).reshape(G, N) - np.einsum("rij,rj->ri", A_diag, BY[:, s].reshape(G, N))
    ref2 = local_solve(A_diag, ABY)
    ref1 = LY[:, :, s]

    def via(w):
        return np.einsum("irj,rj->ir", A_sr, w)

    dl, dv, fx, fb = (a[:, None] for a in (dl, dv, fx, fb))
    return {"VAX1": dl * Y3[s], "VAX2": dl * via(LY_own), "VAX3": dl * via(LY_abroad - ref1),
            "VAX4": dl * via(LAx - ref2), "REF1": dl * via(ref1), "REF2": dl * via(ref2),
            "DDC": (dv - dl) * E, "FVA1": fx * Y3[s], "FVA2": fx * via(LY_own), "FVA3": fx * via(LY_abroad),
            "FVA4": fx * via(LAx), "FDC": (fb - fx) * E}


def run_phase(phase: str) -> dict:
    from mutualism.gvc import borin_mancini, decompose

    out: dict = {"phase": phase}
    if phase == "wiod":
        if not SHARED.exists():
            return {**out, "skipped": "../shared absent"}
        from mutualism.io.sources import load_pymrio_folder

        mrio = load_pymrio_folder(SHARED / "data" / "wiod2013", 2011)
        out["table"] = "WIOD 2013, 2011"
    else:
        from mutualism.io.synthetic import make_mrio

        mrio = make_mrio(2010, size="full")
        out["table"] = "synthetic full world, 2010"
    A, v, Y, x, Z, G = mrio.A, mrio.v, mrio.Y, mrio.x, mrio.Z, mrio.G
    out.update(n=mrio.n, exporters=G, rss_after_load_mb=round(peak_rss_mb()))

    terms = borin_mancini.bm_src_terms(A, Y, v, x, Z, G)   # first: the peak RSS of BM alone
    out["peak_rss_bm_mb"] = round(peak_rss_mb())
    lu_times, bm_times = [], []
    for _ in range(REPEATS if phase == "full" else 2 * REPEATS):
        lu_times.append(time_lu(A))
        t0 = time.perf_counter()
        terms = borin_mancini.bm_src_terms(A, Y, v, x, Z, G)
        bm_times.append(time.perf_counter() - t0)
    lu = min(lu_times)
    pairs = np.array(bm_times) / np.array(lu_times)      # each BM run against the LU just before it
    out.update(lu_s=lu, bm_all_s=min(bm_times), bm_all_lu=min(bm_times) / lu, bm_all_lu_median_pair=float(np.median(pairs)))
    total = sum(terms[name] for name in borin_mancini.BM_TERMS)
    positive = ~mrio.zero_output.reshape(G, mrio.N)
    out["max_adding_up_gap_rel"] = float(np.abs(total - terms["EXGR"])[positive].max() / np.abs(terms["EXGR"]).max())
    del terms, total
    t0 = time.perf_counter()
    frame = decompose.borin_mancini(mrio)
    out.update(labelled_s=time.perf_counter() - t0, rows=len(frame))
    del frame
    out["peak_rss_labelled_mb"] = round(peak_rss_mb())  # ... and after building the labelled rows too

    # before: one n×n inverse per exporter, on a few exporters, extrapolated to all; every
    # timing is divided by an LU timed just before it (the load of a shared machine drifts)
    lu_setup = time_lu(A)
    t0 = time.perf_counter()
    B = decompose.leontief_inverse(A)
    BY = B @ Y
    setup = time.perf_counter() - t0
    fast = borin_mancini.bm_src_terms(A, Y, v, x, Z, G, list(range(BEFORE_EXPORTERS)))
    per, per_lu = [], []
    for s in range(BEFORE_EXPORTERS):
        lu_s = time_lu(A)
        t0 = time.perf_counter()
        slow = per_exporter_inverse(A, Y, v, x, Z, G, s, B, BY)
        per.append(time.perf_counter() - t0)
        per_lu.append(per[-1] / lu_s)
        scale = np.abs(fast["EXGR"][s]).max()
        for name in borin_mancini.BM_TERMS:  # the before computes the same numbers
            gap = np.abs(np.where(np.arange(G) == s, 0.0, slow[name]) - fast[name][s]).max()
            assert gap <= 1e-9 * scale, (name, s, gap / scale)
    before_lu = setup / lu_setup + G * float(np.median(per_lu))
    out.update(before_per_exporter_s=float(np.median(per)), before_per_exporter_lu=float(np.median(per_lu)),
               before_all_s=setup + G * float(np.median(per)), before_all_lu=before_lu,
               speedup=before_lu / out["bm_all_lu"], exvatools=EXVATOOLS_LU)
    return out


def main() -> None:
    run_phases(__file__, __doc__.splitlines()[0], PHASES, run_phase)


if __name__ == "__main__":
    main()
