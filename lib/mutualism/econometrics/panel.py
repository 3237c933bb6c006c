"""The estimation panel (METHODS.md §6–§8): indices + pair controls → logged, winsorised panel.

One row per (partner, industry, year). :func:`build_panel` merges the §10 indices with
the §6 pair controls, adds the dummies ``D2`` (medium/high-tech industry) and ``D3``
(year after 2013), winsorises every continuous variable at ``winsor`` / ``1 − winsor`` of
its pooled distribution, takes logs, optionally adds regressors lagged one year within
partner × industry, and records in a data-quality report why every missing value of every
variable is missing. :func:`assemble` runs the whole chain from :class:`~mutualism.core.config.Params`.

Column conventions of :attr:`Panel.data`
-----------------------------------------
``X_raw`` is the value delivered by the indices engine or the controls (before
winsorising); ``X`` is the winsorised value (for logged variables: the value whose log is
taken); ``lnX`` its natural log. ``RVC``, ``INC``, ``LAB`` (already a log), ``FTA`` and the
dummies ``D1``–``D3`` enter the models in levels. Lagged regressors are named
``<column>_lag1`` (value of the same partner × industry in year ``t − 1``; missing when
that year is not in the panel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Sequence

import numpy as np
import pandas as pd

from ..core.errors import EstimationError, UnknownOptionError

if TYPE_CHECKING:  # pragma: no cover
    from ..core.config import Params

KEYS = ("partner", "industry", "year")
INDEX_VARIABLES = ("RH", "HD", "XT", "ITR", "RVC", "INC", "GVC_P", "GVC_D", "RCA_D")
CONTROL_VARIABLES = ("POL", "ECO", "CUL", "DIS", "FTA", "LAB", "D1")
LOGGED = ("RH", "HD", "XT", "ITR", "POL", "ECO", "CUL", "DIS", "GVC_P", "GVC_D", "RCA_D")
#: Continuous variables that are winsorised (all but the dummies and FTA).
CONTINUOUS = LOGGED + ("RVC", "INC", "LAB")
LEVELS = ("RVC", "INC", "LAB", "FTA", "D1", "D2", "D3")
#: Controls of eq. 12 (§8): lnD = (lnPOL, lnECO, lnCUL, lnDIS) and Z = (lnGVC_P, lnGVC_D, lnRCA_D, FTA).
CONTROLS = ("lnPOL", "lnECO", "lnCUL", "lnDIS", "lnGVC_P", "lnGVC_D", "lnRCA_D", "FTA")
DEPENDENTS = ("lnRH", "lnHD", "lnXT")
LAG_SUFFIX = "_lag1"


def model_name(variable: str) -> str:
    """Name of ``variable`` as it enters a model: ``lnX`` for logged variables, else ``X``."""
    return f"ln{variable}" if variable in LOGGED else variable


class Sample(NamedTuple):
    """A complete-case estimation sample and how many panel rows it left out."""

    data: pd.DataFrame
    dropped: int


@dataclass(frozen=True)
class Panel:
    """The estimation panel (METHODS.md §8) and its data-quality report.

    Attributes
    ----------
    data : DataFrame
        One row per partner × industry × year (columns: see the module docstring).
    quality : DataFrame
        One row per variable: panel rows, missing values by cause, values cut by the
        winsorising, non-positive values dropped before the log, usable values.
    winsor : float
        Winsorising fraction used.
    tech_industries : tuple of str
        Industries coded ``D2 = 1``.
    removals : DataFrame
        Which partners and years each variable removes from the estimation sample and how
        many cells (``variable, cause, partners, years, cells``; see
        :func:`mutualism.io.controls.missing_by_variable`), with the known causes: zero
        output (China's or the partner's industry), a year missing in the oil-price file,
        a partner without a distance. Empty when nothing is missing.
    """

    data: pd.DataFrame
    quality: pd.DataFrame
    winsor: float
    tech_industries: tuple[str, ...]
    removals: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def has_lags(self) -> bool:
        return f"lnITR{LAG_SUFFIX}" in self.data.columns

    def lagged(self) -> "Panel":
        """The same panel with regressors lagged one year (no-op when already present)."""
        if self.has_lags:
            return self
        return Panel(_add_lags(self.data), self.quality, self.winsor, self.tech_industries, self.removals)

    def sample(self, dependent: str, regressors: Sequence[str]) -> Sample:
        """Rows with ``dependent`` and every regressor present (and the count left out).

        Raises
        ------
        EstimationError
            A requested column is not in the panel (the message lists what is).
        """
        columns = [dependent, *regressors]
        missing = [c for c in columns if c not in self.data.columns]
        if missing:
            raise EstimationError(f"panel has no column(s) {missing}; available: {sorted(self.data.columns)}")
        keep = list(dict.fromkeys([*KEYS, *columns]))
        complete = self.data[keep].dropna()
        return Sample(complete.reset_index(drop=True), len(self.data) - len(complete))

    def describe(self) -> pd.DataFrame:
        """Descriptive statistics (count, mean, sd, min, max) of the model variables."""
        cols = [c for c in self.data.columns if c.startswith("ln") and not c.endswith(LAG_SUFFIX)]
        cols += [c for c in LEVELS if c in self.data.columns]
        return self.data[cols].describe().T[["count", "mean", "std", "min", "max"]]


def winsor_bounds(values: pd.Series, fraction: float) -> tuple[float, float]:
    """Lower and upper cut of :func:`winsorise` (order statistics, ``inverted_cdf``).

    Order-statistic quantiles make winsorising commute exactly with any increasing
    transformation such as the log (METHODS.md §8); interpolated quantiles would not.
    """
    finite = values.dropna().to_numpy(dtype=float)
    if fraction == 0 or finite.size == 0:
        return -np.inf, np.inf
    low = float(np.quantile(finite, fraction, method="inverted_cdf"))
    high = float(np.quantile(finite, 1 - fraction, method="inverted_cdf"))
    return low, high


def winsorise(values: pd.Series, fraction: float, *, positive_only: bool = False) -> pd.Series:
    """Clip ``values`` at the ``fraction`` and ``1 − fraction`` quantiles of its pooled sample.

    With ``positive_only`` (variables that are logged afterwards) the quantiles are taken
    over the positive values and only those are clipped, so that a non-positive value is
    never lifted into the loggable range: it stays and is dropped (and counted) at the log.
    """
    values = values.astype(float)
    eligible = values > 0 if positive_only else values.notna()
    low, high = winsor_bounds(values[eligible], fraction)
    out = values.copy()
    out[eligible] = values[eligible].clip(low, high)
    return out


def build_panel(indices: pd.DataFrame, controls: pd.DataFrame, *, winsor: float = 0.01,
                tech_industries: Sequence[str] = ("C7", "C9", "C10"), lag: bool = False) -> Panel:
    """Build the estimation panel of METHODS.md §8 from §10 indices and §6 pair controls.

    Parameters
    ----------
    indices : DataFrame
        One row per (year, partner, industry) with at least ``RH, HD, XT, ITR, RVC, INC,
        GVC_P, GVC_D, RCA_D`` (``x_c``/``x_r`` when present separate zero-output cells from
        other missing values in the report).
    controls : DataFrame
        One row per (partner, year) with ``POL, ECO, CUL, DIS, FTA, LAB, D1``.
    winsor : float
        Winsorising fraction (0 disables), applied to the pooled panel of each continuous
        variable (METHODS.md §8).
    tech_industries : sequence of str
        Industries coded ``D2 = 1`` (§6; default C7, C9, C10).
    lag : bool
        Add regressors lagged one year within partner × industry (``<name>_lag1``).

    Returns
    -------
    Panel

    Raises
    ------
    EstimationError
        Missing columns, duplicated keys, or an invalid ``winsor``.
    """
    if not 0 <= winsor < 0.5:
        raise EstimationError(f"winsor={winsor!r}: give a fraction 0 ≤ winsor < 0.5")
    _require(indices, ("year", "partner", "industry", *INDEX_VARIABLES), "indices")
    _require(controls, ("partner", "year", *CONTROL_VARIABLES), "controls")
    for frame, keys, name in ((indices, list(KEYS), "indices"), (controls, ["partner", "year"], "controls")):
        dup = frame.duplicated(keys)
        if dup.any():
            raise EstimationError(f"{name} has {int(dup.sum())} duplicated {keys} rows, e.g. "
                                  f"{frame.loc[dup, keys].iloc[0].to_dict()}")

    extra = [c for c in ("x_c", "x_r") if c in indices.columns]
    base = indices[[*KEYS, *INDEX_VARIABLES, *extra]].copy()
    base["year"] = base["year"].astype(int)
    ctrl = controls[["partner", "year", *CONTROL_VARIABLES]].copy()
    ctrl["year"] = ctrl["year"].astype(int)
    ctrl["_has_control_row"] = True
    data = base.merge(ctrl, on=["partner", "year"], how="left", validate="many_to_one")
    no_row = data.pop("_has_control_row").isna()
    data["D2"] = data["industry"].isin(tuple(tech_industries)).astype(float)
    data["D3"] = (data["year"] > 2013).astype(float)

    zero_output = pd.Series(False, index=data.index)
    for col in extra:
        zero_output |= data[col].fillna(1.0) <= 0
    report = []
    for var in (*INDEX_VARIABLES, *CONTROL_VARIABLES):
        raw = data[var].astype(float)
        data[f"{var}_raw"] = raw
        missing = raw.isna()
        row = {"variable": var, "rows": len(data), "missing_zero_output": 0, "missing_undefined_XT": 0,
               "missing_engine": 0, "missing_control": 0, "winsorised_low": 0, "winsorised_high": 0,
               "nonpositive_before_log": 0}
        if var in INDEX_VARIABLES:
            row["missing_zero_output"] = int((missing & zero_output).sum())
            rest = int((missing & ~zero_output).sum())
            row["missing_undefined_XT" if var == "XT" else "missing_engine"] = rest
        else:
            row["missing_control"] = int(missing.sum())
        if var in CONTINUOUS:
            wins = winsorise(raw, winsor, positive_only=var in LOGGED)
            row["winsorised_low"] = int((wins > raw).sum())
            row["winsorised_high"] = int((wins < raw).sum())
            data[var] = wins
        if var in LOGGED:
            positive = data[var] > 0
            row["nonpositive_before_log"] = int((data[var].notna() & ~positive).sum())
            data[f"ln{var}"] = np.log(data[var].where(positive))
        row["usable"] = int(data[model_name(var)].notna().sum())
        report.append(row)
    quality = pd.DataFrame(report).set_index("variable")
    quality.attrs["partner_years_without_controls"] = int(no_row.sum())
    quality.attrs["note"] = (
        "missing_zero_output: China's or the partner's industry has zero output; missing_undefined_XT: "
        "g_c = g_r or VAX(t-1) <= 0 (METHODS §3.3); missing_engine: other NaN from the indices engine; "
        "missing_control: partner-year without that control; nonpositive_before_log: dropped at the log; "
        f"winsorised at {winsor:g}/{1 - winsor:g} of the pooled panel (order statistics).")

    removals = _removals(data, zero_output, controls.attrs.get("causes", {}))
    quality.attrs["removals"] = removals
    ordered = [*KEYS, *sorted(set(data.columns) - set(KEYS))]
    data = data[ordered].sort_values(list(KEYS)).reset_index(drop=True)
    if lag:
        data = _add_lags(data)
    return Panel(data, quality, float(winsor), tuple(tech_industries), removals)


def _removals(data: pd.DataFrame, zero_output: pd.Series, control_causes: dict) -> pd.DataFrame:
    """:func:`mutualism.io.controls.missing_by_variable` on the panel's cells (model variables)."""
    from ..io.controls import missing_by_variable

    variables = (*INDEX_VARIABLES, *CONTROL_VARIABLES)
    cells = data[["partner", "industry", "year"]].assign(**{v: data[model_name(v)] for v in variables})
    causes = {v: {"zero output (China's or the partner's industry)": zero_output} for v in INDEX_VARIABLES
              if zero_output.any()}
    for var, found in control_causes.items():
        causes.setdefault(var, {}).update(found)
    table = missing_by_variable(cells, variables, causes=causes)
    return table


def zero_output_cells(indices: pd.DataFrame) -> pd.DataFrame:
    """Cells of an indices table (§10) whose partner or China has zero output in the year.

    Returns one row per (year, partner): ``year, partner, who, cells`` with ``who`` either
    ``partner (whole economy)`` (every industry of the partner has ``x_r = 0``: the indices
    engine sets all its cells to NaN), ``partner industries`` or ``China industries``
    (``x = 0`` for some industries: their ratios are NaN), and ``cells`` the number of cells.
    """
    rows = []
    if indices.empty or "x_r" not in indices.columns:
        return pd.DataFrame(rows, columns=["year", "partner", "who", "cells"])
    for (year, partner), group in indices.groupby(["year", "partner"], sort=True):
        zero_r = (group["x_r"].fillna(1.0) <= 0)
        zero_c = (group["x_c"].fillna(1.0) <= 0) & ~zero_r
        if zero_r.all():
            rows.append({"year": year, "partner": partner, "who": "partner (whole economy)", "cells": len(group)})
            continue
        if zero_r.any():
            rows.append({"year": year, "partner": partner, "who": "partner industries", "cells": int(zero_r.sum())})
        if zero_c.any():
            rows.append({"year": year, "partner": partner, "who": "China industries", "cells": int(zero_c.sum())})
    return pd.DataFrame(rows, columns=["year", "partner", "who", "cells"])


def describe_zero_output(indices: pd.DataFrame) -> list[str]:
    """Lines for the CLI summary: which partners/years have zero output and how many cells
    that leaves missing (:func:`zero_output_cells`)."""
    table = zero_output_cells(indices)
    lines = []
    for who, part in table.groupby("who", sort=False):
        pairs = ", ".join(f"{p} {y}" for p, y in zip(part["partner"], part["year"]))
        if len(part) > 8:
            pairs = ", ".join(f"{p} {y}" for p, y in zip(part["partner"][:8], part["year"][:8])) + f" … ({len(part)})"
        lines.append(f"zero output of {who}: {pairs} — {int(part['cells'].sum())} cells missing (NaN, not 0)")
    return lines


def describe_removals(panel: Panel) -> list[str]:
    """One line per row of :attr:`Panel.removals` (the CLI summary and the book's data-quality
    section): ``DIS: year 2005 missing in <file> — removes partners all, years 2005 (256 cells)``."""
    from ..io.controls import describe_missing

    return describe_missing(panel.removals)


#: Columns lagged for the lagged specification (regressors of eq. 12 and the instrument).
LAGGED_COLUMNS = ("lnITR", *CONTROLS, "LAB", "RVC", "INC")


def _add_lags(data: pd.DataFrame) -> pd.DataFrame:
    """Add ``<col>_lag1``: the value of the same partner × industry in year ``t − 1``."""
    previous = data[["partner", "industry", "year", *LAGGED_COLUMNS]].copy()
    previous["year"] = previous["year"] + 1
    previous = previous.rename(columns={c: c + LAG_SUFFIX for c in LAGGED_COLUMNS})
    return data.merge(previous, on=["partner", "industry", "year"], how="left", validate="one_to_one")


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise EstimationError(f"{name} lacks column(s) {missing}; it has {list(frame.columns)}")


def assemble(params: "Params", n_jobs: int = 1, *, lag: bool = True, cross_industry: bool = False,
             timer=None, progress: bool = True, indices: pd.DataFrame | None = None) -> Panel:
    """Indices (§3–§5, §10) and pair controls (§6) for a run, assembled into a :class:`Panel`.

    Synthetic runs (``params.controls_path`` unset and ``source='synthetic'``) use the
    synthetic world's controls; otherwise the real control files under
    ``params.controls_path``. ``cross_industry`` selects the robustness indices of §8
    (China's industry against the partner's whole economy); ``timer`` and ``progress``
    are passed to :func:`mutualism.gvc.indices.compute_indices`; ``indices`` (already computed
    with these ``params`` and ``cross_industry``) are used instead of computing them again.
    """
    from ..gvc.indices import compute_indices

    if params.controls_path is None and params.source != "synthetic":  # before any table is read
        raise UnknownOptionError(f"source={params.source!r} needs controls_path (the folder of the real control "
                                 "files, e.g. ../shared/data/external)")
    if indices is None:
        indices = compute_indices(params, n_jobs=n_jobs, timer=timer, progress=progress,
                                  cross_industry=cross_industry)
    pairs = run_pair_controls(params, sorted(indices["partner"].unique()))
    return build_panel(indices, pairs, winsor=params.winsor, lag=lag)


def run_pair_controls(params: "Params", partners: Sequence[str]) -> pd.DataFrame:
    """The §6 pair controls of a run for ``partners`` and ``params.years``: the synthetic
    world's (``controls_path`` unset) or the real control files'."""
    from ..io import controls as controls_module

    if params.controls_path is None:
        from ..io.synthetic import make_controls

        raw = make_controls(size=params.synthetic_size, seed=params.seed, years=params.load_years)
    else:
        raw = controls_module.load_raw(params.controls_path)
    return controls_module.pair_controls(raw, list(partners), params.years)
