"""Every export decomposition for all exporters of WIOD 2013, 2011, in multiples of one LU.

One phase per method, each in a fresh subprocess (its peak RSS is its own): the labelled
call a user makes (``mutualism.gvc.decompose``) for all 41 exporters, rows included, best of
``REPEATS`` interleaved with an LU factorisation of ``I − A`` of the same table (n = 1435)
timed just before each run. Printed per method: ``lu_s``, ``method_s`` (best), ``lu`` (best
over best), ``lu_median_pair`` (median of each run over the LU before it), ``rows`` and
``peak_rss_mb``. Goal (issue 16): each method ≤ 8 LU. Run:
``nice .venv/bin/python bench/bench_gvc.py`` (one method: ``--phase bm_snk``); figures are
recorded in bench/README.md. Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import peak_rss_mb, run_phases  # noqa: E402
from bench_bm import time_lu  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPEATS = 3
#: phase → (method, keyword arguments of mutualism.gvc.decompose.decomposition)
CALLS = {
    "bm_src": ("bm_src", {"output": "terms"}),
    "bm_src_standard": ("bm_src", {"output": "standard"}),
    "bm_src_origin": ("bm_src", {"breakdown": "origin"}),
    "bm_src_partner": ("bm_src", {"partners": ["USA"]}),
    "bm_src_sector": ("bm_src", {"sectors": ["c14"]}),
    "bm_snk": ("bm_snk", {"output": "terms"}),
    "wwz": ("wwz", {}),
    "kww": ("kww", {"output": "terms"}),
    "my": ("my", {"output": "standard"}),
    "my_world": ("my", {"output": "terms2", "perimeter": "world"}),
    "oecd_tiva": ("oecd", {"output": "tiva"}),
    "gvc": ("gvc", {}),
}


def run_phase(phase: str) -> dict:
    from mutualism.gvc.decompose import decomposition
    from mutualism.io.sources import load_pymrio_folder

    out: dict = {"phase": phase}
    if not SHARED.exists():
        return {**out, "skipped": "../shared absent"}
    mrio = load_pymrio_folder(SHARED / "data" / "wiod2013", 2011)
    method, kwargs = CALLS[phase]
    decomposition(mrio, method, **kwargs)        # warm-up; also the peak RSS of the method
    lu_times, times = [], []
    for _ in range(REPEATS):
        lu_times.append(time_lu(mrio.A))
        t0 = time.perf_counter()
        frame = decomposition(mrio, method, **kwargs)
        times.append(time.perf_counter() - t0)
    pairs = np.array(times) / np.array(lu_times)
    out.update(n=mrio.n, exporters=mrio.G, lu_s=min(lu_times), method_s=min(times), lu=min(times) / min(lu_times),
               lu_median_pair=float(np.median(pairs)), rows=len(frame), peak_rss_mb=round(peak_rss_mb()))
    return out


def main() -> None:
    run_phases(__file__, __doc__.splitlines()[0], tuple(CALLS), run_phase)


if __name__ == "__main__":
    main()
