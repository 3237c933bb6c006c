"""A run's results for chapters 3–9, computed once and cached (METHODS.md §7–§8).

:func:`run_results` computes the §10 indices, the §8 panel, every specification of
Tables 1–7 and the robustness variants of Table 1 (the paper's §V.2) for one
:class:`~mutualism.core.config.Params`, through :mod:`mutualism.core.cache`: the key covers the
parameters, the content of the run's input files (tables and control files), the
reference data and the source of the library code involved, so the chapters share one
computation and an edit of any of those recomputes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.config import Params

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..econometrics.panel import Panel
    from ..econometrics.results import PaperResults

@dataclass(frozen=True, eq=False)
class RunResults:
    """What chapters 3–9 show for one run: the §10 indices, the §8 panel, every
    specification of Tables 1–7 and the robustness variants of Table 1."""

    params: Params
    indices: pd.DataFrame
    panel: Panel
    paper: PaperResults
    robustness: dict[str, PaperResults]
    warnings: tuple[str, ...] = ()


#: Robustness variants of METHODS §8 (the paper's §V.2), by name: a description and the
#: change of parameters (``cross_industry`` is an option of the indices, not a parameter).
ROBUSTNESS = {
    "world_output_share": ("transfer as a share of world gross output (itr_scale=world_output_share)",
                           {"itr_scale": "world_output_share"}),
    "cross_industry": ("cross-industry indices: China's industry against the partner's whole economy", {}),
    "bri64": ("the 64 countries along the routes (partners=bri64)", {"partners": "bri64"}),
}


def input_files(params: Params) -> list[Path]:
    """Every file a run reads besides the reference data: the tables of ``params.load_years``
    and the control files under ``params.controls_path``."""
    from ..io.sources import input_files as table_files

    files = [f for year in params.load_years for f in table_files(params.source, params.data_path, year)]
    if params.controls_path:
        files += sorted(p for p in Path(params.controls_path).rglob("*") if p.is_file())
    return files


def input_digests(params: Params) -> dict[str, str]:
    """Content digests of :func:`input_files` (through the side index of ``params.cache_dir``)."""
    from ..core.cache import files_digest

    return files_digest(input_files(params), params.cache_dir)


def results_key(params: Params) -> str:
    """The cache key of a run's results (see the module doc)."""
    from ..core.cache import data_digest, make_key, source_digest

    return make_key(params=params.as_dict(), inputs=input_digests(params), data=data_digest(),
                    library=source_digest(__name__))


def _compute_results(params: Params) -> RunResults:
    """Compute everything once; progress bars are silenced and warnings kept (chapter 3 lists them)."""
    import contextlib
    import io
    import warnings

    from ..gvc.indices import compute_indices
    from ..econometrics.panel import assemble
    from ..econometrics.paper import run_paper

    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        indices = compute_indices(params, progress=False)
        panel = assemble(params, indices=indices, progress=False)
        paper = run_paper(panel, cov_type=params.cov_type, bootstrap_reps=params.bootstrap_reps, seed=params.seed,
                          mediator_form=params.mediator_form)
        robustness = {}
        for name, (_, changes) in ROBUSTNESS.items():
            variant = params.with_(**changes)
            variant_panel = assemble(variant, cross_industry=name == "cross_industry", progress=False)
            robustness[name] = run_paper(variant_panel, cov_type=params.cov_type, bootstrap_reps=0,
                                         seed=params.seed, only=["1"])
    messages = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return RunResults(params, indices, panel, paper, robustness, messages)


def run_results(params: Params) -> RunResults:
    """Indices, panel, Tables 1–7 and the robustness variants of a run, cached on disk
    under ``params.cache_dir/results`` (see the module doc)."""
    import joblib

    from ..core.cache import cached

    path = Path(params.cache_dir) / "results" / f"results-{results_key(params)}.joblib"
    return cached(path, lambda: _compute_results(params), save=lambda value, tmp: joblib.dump(value, tmp),
                  load=joblib.load)
