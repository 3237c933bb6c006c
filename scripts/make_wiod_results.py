"""Table 1 and the data of Figures 2–3 on WIOD 2013 (2002–2011, real controls), for the
real-data appendix of the default book.

Reads the tables in place (``../shared/data/wiod2013``, pymrio folders) and the control
files (``../shared/data/external``) with the options of ``params/wiod2013.yml``, and writes
small result files under ``data/results_wiod2013/``:

- ``table1.csv`` — every coefficient of the six columns of Table 1 (column, dependent,
  regressor, coefficient, standard error, p-value, N, R²);
- ``partners.csv`` — the partner countries of the run and their figure region;
- ``figure2.csv``, ``figure3.csv`` — the lines of Figures 2 and 3 (index, group, year,
  number of cells, mean, median), as :mod:`mutualism.report.figures` computes them;
- ``metadata.json`` — the data folders, the options, the commit of the library
  (``git rev-parse HEAD``, and whether the tree had uncommitted changes) and the date.

Usage (from the repository root)::

    .venv/bin/python scripts/make_wiod_results.py            # writes data/results_wiod2013/
    .venv/bin/python scripts/make_wiod_results.py --out DIR  # elsewhere

``tests/test_wiod_results.py`` recomputes the numbers with :func:`compute` and compares
them with the committed files (relative tolerance 1e-8).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "data" / "results_wiod2013"
#: Columns of ``table1.csv``.
TABLE1_COLUMNS = ["column", "dependent", "controls", "regressor", "coef", "se", "p", "nobs", "r2"]


def wiod_params(cache_dir: str | Path | None = None):
    """The options of ``params/wiod2013.yml`` with the shared data folders, without bootstrap
    (Table 1 has no indirect effect)."""
    from mutualism.core.config import Params

    values = yaml.safe_load((ROOT / "params" / "wiod2013.yml").read_text())
    values["data_path"] = str(SHARED / "data" / "wiod2013")
    values["controls_path"] = str(SHARED / "data" / "external")
    values["bootstrap_reps"] = 0
    if cache_dir is not None:
        values["cache_dir"] = str(cache_dir)
    return Params.from_mapping(values)


def compute(params) -> dict[str, pd.DataFrame]:
    """Table 1 and the two figures' data of one run (DataFrames named as the files)."""
    from mutualism.report import figures
    from mutualism.core.countries import region_of
    from mutualism.gvc.indices import compute_indices
    from mutualism.econometrics.panel import assemble
    from mutualism.econometrics.paper import run_paper
    from mutualism.core.resources import sectors

    indices = compute_indices(params, progress=False)
    panel = assemble(params, progress=False, indices=indices)
    paper = run_paper(panel, cov_type=params.cov_type, bootstrap_reps=0, seed=params.seed, only=["1"])
    if "1" not in paper.tables:
        raise RuntimeError(f"Table 1 could not be estimated on WIOD 2013: {paper.failures.get('1')}")
    rows = []
    for k, col in enumerate(paper.tables["1"].columns, 1):
        for name in col.params.index:
            rows.append({"column": k, "dependent": col.dependent, "controls": "yes" if k > 3 else "no",
                         "regressor": name, "coef": float(col.params[name]), "se": float(col.std_errors[name]),
                         "p": float(col.pvalues[name]), "nobs": int(col.nobs), "r2": float(col.rsquared)})
    partners = sorted(indices["partner"].unique())
    regions = region_of(partners).dropna().to_dict()
    table = sectors()
    names = dict(zip(table["code"], table["name"]))
    partners_frame = pd.DataFrame({"partner": partners, "region": [regions.get(p, "") for p in partners]})
    return {"table1": pd.DataFrame(rows, columns=TABLE1_COLUMNS), "partners": partners_frame,
            "figure2": figures.figure2_data(indices, regions).reset_index(drop=True),
            "figure3": figures.figure3_data(indices, names).reset_index(drop=True)}


def git_commit() -> tuple[str, list[str]]:
    """The commit of the source tree and the library or script files with uncommitted changes."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    status = subprocess.run(["git", "status", "--porcelain", "--", "lib", "scripts", "data"], cwd=ROOT,
                            capture_output=True, text=True).stdout.splitlines()
    dirty = sorted(line[3:] for line in status if line[3:] and not line[3:].startswith("data/results_wiod2013"))
    return head or "unknown", dirty


def write(results: dict[str, pd.DataFrame], params, out: Path) -> list[Path]:
    """Write the result files and their metadata (each through a temporary name)."""
    from mutualism.core.fileio import atomic_write

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in results.items():
        path = out / f"{name}.csv"
        atomic_write(path, lambda tmp, frame=frame: frame.to_csv(tmp, index=False, float_format="%.17g"))
        written.append(path)
    commit, dirty = git_commit()
    options = params.as_dict()
    for key in ("data_path", "controls_path", "cache_dir"):
        options.pop(key, None)
    meta = {"data": "WIOD Release 2013 world input-output tables (pymrio folders), 41 regions, 35 industries "
                    "mapped to the paper's eight manufacturing industries (data/concordance_wiod2013.csv)",
            "data_path": "../shared/data/wiod2013", "controls_path": "../shared/data/external",
            "options": options, "commit": commit, "uncommitted_changes": dirty,
            "produced": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "script": "scripts/make_wiod_results.py", "files": [p.name for p in written]}
    path = out / "metadata.json"
    text = json.dumps(meta, indent=1)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text + "\n"))
    return [*written, path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default data/results_wiod2013)")
    parser.add_argument("--cache-dir", default=None, help="cache folder (default: the parameter file's)")
    args = parser.parse_args(argv)
    if not (SHARED / "data" / "wiod2013").is_dir():
        print(f"make_wiod_results: {SHARED / 'data' / 'wiod2013'} does not exist", file=sys.stderr)
        return 2
    params = wiod_params(args.cache_dir)
    for path in write(compute(params), params, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
