"""Run every benchmark script in bench/ (``make bench``); each prints its own figures.

Benchmarks are not tests: they measure and print, and their figures are recorded by hand
in bench/README.md together with the command that produced them.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    only = set(sys.argv[1:])
    for script in sorted(here.glob("bench_*.py")):
        if only and script.stem not in only:
            continue
        print(f"\n=== {script.name} ===", flush=True)
        runpy.run_path(str(script), run_name="__main__")
