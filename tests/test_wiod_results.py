"""The committed real-data results (data/results_wiod2013/) are what the library computes.

``scripts/make_wiod_results.py`` produced Table 1 and the data of Figures 2–3 on WIOD 2013
(2002–2011, real controls) from ``../shared/data``; the appendix of the default book reads
them. This test recomputes them with the same function, in a fresh cache, and fails if any
committed number differs by more than 1e-8 relative (or any label, count or partner), so
a change of the library that moves a real-data number cannot pass unnoticed: re-run the
script and commit its output. It needs ``../shared`` (present in CI).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COMMITTED = ROOT / "data" / "results_wiod2013"

pytestmark = pytest.mark.skipif(not (SHARED / "data" / "wiod2013").is_dir(),
                                reason="../shared/data/wiod2013 is absent")


def _script():
    spec = importlib.util.spec_from_file_location("make_wiod_results", ROOT / "scripts" / "make_wiod_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def recomputed(tmp_path_factory):
    script = _script()
    return script.compute(script.wiod_params(tmp_path_factory.mktemp("wiod-cache")))


def _same(committed: pd.DataFrame, fresh: pd.DataFrame, name: str) -> None:
    assert list(committed.columns) == list(fresh.columns), name
    assert len(committed) == len(fresh), name
    fresh = fresh.reset_index(drop=True)
    for column in committed.columns:
        a, b = committed[column], fresh[column]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            a, b = a.to_numpy(float), b.to_numpy(float)
            both_nan = np.isnan(a) & np.isnan(b)
            close = np.isclose(a, b, rtol=1e-8, atol=0.0) | both_nan
            assert close.all(), (name, column, np.flatnonzero(~close)[:5], a[~close][:5], b[~close][:5])
        else:
            assert (a.astype(str).to_numpy() == b.astype(str).to_numpy()).all(), (name, column)


@pytest.mark.parametrize("name", ["table1", "partners", "figure2", "figure3"])
def test_committed_results_equal_a_fresh_computation(recomputed, name):
    committed = pd.read_csv(COMMITTED / f"{name}.csv")
    _same(committed, recomputed[name], name)


def test_metadata_names_the_data_options_and_commit():
    meta = json.loads((COMMITTED / "metadata.json").read_text())
    script = _script()
    params = script.wiod_params()
    assert meta["data_path"] == "../shared/data/wiod2013" and meta["controls_path"] == "../shared/data/external"
    expected = params.as_dict()
    for key in ("data_path", "controls_path", "cache_dir"):
        expected.pop(key)
    assert meta["options"] == json.loads(json.dumps(expected))
    assert len(meta["commit"]) == 40 and set(meta["files"]) == {"table1.csv", "partners.csv", "figure2.csv",
                                                                 "figure3.csv"}
