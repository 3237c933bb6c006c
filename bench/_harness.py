"""Shared harness of the benchmark scripts: one phase per fresh subprocess.

Each phase runs in its own Python process so that its peak RSS is its own; the parent
prints one line of figures per phase (or the child's error). Benchmarks print figures as
multiples of one LU factorisation timed in the same process; they are not tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from typing import Callable, Sequence


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phases(script: str, description: str, phases: Sequence[str], run_phase: Callable[[str], dict]) -> None:
    """``--phase P`` runs one phase here and prints its JSON; without it, every phase runs
    in a subprocess of ``script`` and its figures are printed on one line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--phase", choices=phases, default=None, help="run one phase in this process")
    args, _ = parser.parse_known_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase)), flush=True)
        return
    for phase in phases:
        done = subprocess.run([sys.executable, script, "--phase", phase], capture_output=True, text=True)
        if done.returncode:
            print(f"{phase}: failed\n{done.stderr[-2000:]}", flush=True)
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(" | ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()),
              flush=True)
