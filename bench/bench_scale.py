"""Tables of OECD ICIO and EXIOBASE size on one machine, in multiples of one LU (issue 20).

Two synthetic worlds in the releases' classifications (``mutualism.io.layouts``): OECD ICIO
2023 (81 economies × 45 industries; the split halves of China and Mexico are kept as
economies here, n = 3,645) and EXIOBASE 3 (49 regions × 200 products, n = 9,800). Each
phase runs in a fresh subprocess, so its peak RSS is its own:

- ``<table>_make`` builds the world (one solve of ``x = (I − A)⁻¹·Y·1``) and saves
  ``Z, Y, va`` to ``$TMPDIR/mutualism-scale/<table>.npz``;
- ``<table>_bm_src``, ``<table>_wwz``: the decomposition for all exporters, streamed to
  parquet a batch of exporters at a time (``decompose.write_decomposition``);
- ``<table>_indices``: the paper's indices of one year (``indices.year_indices``; China
  and every other region as partners, the first eight sectors as the industries).

Every timed phase first times one LU of ``I − A`` of the same table in the same process
(``lu_s``) and reports its own time as a multiple of it. Goals (issue 20): each
decomposition ≤ 8 LU, peak RSS ≤ 6 GB at n = 9,800. Run:
``nice .venv/bin/python bench/bench_scale.py`` (one phase: ``--phase icio_bm_src``).
Figures are recorded in bench/README.md.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import peak_rss_mb, run_phases  # noqa: E402
from bench_bm import time_lu  # noqa: E402

TABLES = ("icio", "exiobase")
STEPS = ("make", "bm_src", "wwz", "indices")
PHASES = tuple(f"{t}_{s}" for t in TABLES for s in STEPS)
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "mutualism-scale"


def world(table: str):
    from mutualism.io import layouts

    return layouts.icio_world(2020) if table == "icio" else layouts.exiobase_world(2020)


def load(table: str):
    """The saved world as an MRIO (closed as every table, METHODS §1)."""
    from mutualism.io.mrio import build_mrio

    data = np.load(WORK / f"{table}.npz", allow_pickle=False)
    from mutualism.io.layouts import iso3_of_iso2

    regions, sectors = [str(r) for r in data["regions"]], [str(s) for s in data["sectors"]]
    regions = [iso3_of_iso2(regions).get(r, r) for r in regions]   # as the EXIOBASE reader does
    K = int(data["K"])
    return build_mrio(data["Z"], data["Y"].reshape(len(data["Z"]), len(regions), K).sum(axis=2), regions, sectors,
                      2020, source=f"synthetic {table}", va_published=data["va"])


def run_phase(phase: str) -> dict:
    table, step = phase.split("_", 1)
    out: dict = {"phase": phase}
    if step == "make":
        WORK.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        w = world(table)
        np.savez(WORK / f"{table}.npz", Z=w.Z, Y=w.Y, va=w.va.sum(axis=0), regions=np.array(w.regions),
                 sectors=np.array(w.sectors), K=len(w.categories))
        out.update(n=w.Z.shape[0], regions=len(w.regions), sectors=len(w.sectors), make_s=time.perf_counter() - t0,
                   peak_rss_mb=round(peak_rss_mb()))
        return out
    mrio = load(table)
    out.update(n=mrio.n, rss_after_load_mb=round(peak_rss_mb()))
    lu = time_lu(mrio.A)
    out["lu_s"] = lu
    t0 = time.perf_counter()
    if step == "indices":
        from mutualism.gvc.indices import year_indices

        partners = [c for c in mrio.countries if c not in ("CHN", "CN1", "CN2")]
        frame = year_indices(mrio, partners, industries=list(mrio.sectors[:8]))
        out["rows"] = len(frame)
    else:
        from mutualism.gvc.decompose import write_decomposition

        path = WORK / f"{phase}.parquet"
        out["rows"] = write_decomposition(mrio, step, path, batch=8)
        out["parquet_mb"] = round(path.stat().st_size / 2**20)
        path.unlink()
    seconds = time.perf_counter() - t0
    out.update(seconds=seconds, lu=seconds / lu, peak_rss_mb=round(peak_rss_mb()))
    return out


def main() -> None:
    run_phases(__file__, __doc__.splitlines()[0], PHASES, run_phase)


if __name__ == "__main__":
    main()
