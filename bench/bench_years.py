"""End-to-end benchmark: 19 years of the `full` world's indices from Eora26 text files.

Writes the `full` synthetic world (190 regions × 26 sectors, n = 4940) for 2001–2020 in
Eora26's file layout (once; skipped when the files exist), then computes every index for
2002–2020 with a cold cache and prints where the time goes: parsing the text files
(`load`, summed over years) versus the algebra (`compute`), the wall time and the peak
resident memory of the worker processes.

    .venv/bin/python bench/bench_years.py --data /path/with/12GB/free [--jobs 2] [--reader pymrio|fast]

The data folder is large (about 570 MB a year): keep it outside the repository.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from mutualism.cli import Timer
from mutualism.core.config import Params
from mutualism.gvc.indices import compute_indices
from mutualism.io.sources import eora26_years
from mutualism.io.synthetic import write_world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder for the Eora26-layout files (outside the repo)")
    parser.add_argument("--years", default="2002-2020")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--itr", default="routes5", choices=["routes5", "vax"])
    args = parser.parse_args()

    data = Path(args.data)
    wanted = list(range(int(args.years[:4]) - 1, int(args.years[-4:]) + 1))
    missing = sorted(set(wanted) - set(eora26_years(data) if data.exists() else []))
    if missing:
        t0 = time.perf_counter()
        write_world(data, size="full", years=missing, seed=2023, format="eora26")
        print(f"setup: wrote {len(missing)} years of the full world in Eora26 layout in "
              f"{time.perf_counter() - t0:.0f} s (not part of the figures below)", flush=True)
    params = Params(source="eora26", data_path=str(data), years=args.years, itr=args.itr)

    cache = Path(tempfile.mkdtemp(prefix="mutualism-bench-cache-"))
    try:
        timer = Timer()
        t0 = time.perf_counter()
        table = compute_indices(params.with_(cache_dir=str(cache)), n_jobs=args.jobs, timer=timer, progress=False)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    years = len(params.load_years)
    print(f"indices for {len(params.years)} years ({years} tables loaded), itr={args.itr}, jobs={args.jobs}: "
          f"{len(table)} rows")
    print(f"wall {wall:.1f} s; summed over years: {timer.line()}")
    print(f"per year: parse {timer.spent['load'] / years:.1f} s, algebra {timer.spent['compute'] / years:.2f} s")
    print(f"peak RSS: main process {own:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()
