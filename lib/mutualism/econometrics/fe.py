"""Fixed effects and the estimation sample (METHODS.md §8): complete cases, singleton
groups, variation and rank checks, and the projection off the effect dummies.

Year, partner and industry effects are removed by Frisch–Waugh–Lovell: every model
variable is projected off the effect dummies (one pivoted QR factorisation of the dummy
matrix of the estimation sample, reused across a table's equations on one sample).
Singleton groups are kept by default (``singletons='keep'``: they fit perfectly and count
in ``n`` and ``K``, as with explicit dummies); ``'drop'`` removes them iteratively, as
``reghdfe`` does, until no group of any effect has a single row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.linalg
from threadpoolctl import ThreadpoolController

from ..core.config import CLUSTER_VARIABLES, COV_TYPES
from ..core.errors import EstimationError, check_option
from .panel import Panel

EFFECTS = ("year", "partner", "industry")
SINGLETONS = ("keep", "drop")
ABSORBED_TOL = 1e-9

# The models multiply tall, thin matrices: BLAS threads only add contention (measured on
# 2 cores: tests/test_estimate.py took 43 s with OpenBLAS's threads, 24 s with one), so
# every estimator runs with one BLAS thread.
single_threaded = ThreadpoolController().wrap(limits=1, user_api="blas")


def frame_of(data: Panel | pd.DataFrame) -> pd.DataFrame:
    """The DataFrame of a :class:`~mutualism.econometrics.panel.Panel` (or the frame itself)."""
    return data.data if isinstance(data, Panel) else data


def drop_singletons(frame: pd.DataFrame, effects: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Drop rows alone in some effect group, pass after pass, until none is left (as
    ``reghdfe``): dropping one singleton can leave another group with one row.

    Returns the remaining rows and how many were dropped.
    """
    start = len(frame)
    while True:
        alone = np.zeros(len(frame), dtype=bool)
        for e in effects:
            alone |= frame.groupby(e, observed=True)[e].transform("size").to_numpy() == 1
        if not alone.any():
            return frame, start - len(frame)
        frame = frame.loc[~alone]


def effect_dummies(frame: pd.DataFrame, effects: Sequence[str]) -> np.ndarray:
    """Dummy matrix of the effects: all levels of the first, all but one of the others."""
    blocks = []
    for k, e in enumerate(effects):
        codes, levels = pd.factorize(frame[e], sort=True)
        block = np.zeros((len(frame), len(levels)))
        block[np.arange(len(frame)), codes] = 1.0
        blocks.append(block if k == 0 else block[:, 1:])
    return np.hstack(blocks) if blocks else np.ones((len(frame), 1))


class Absorber:
    """Projection off the effect dummies: ``M_D v = v − Q Q'v`` (pivoted QR, numerical rank)."""

    def __init__(self, dummies: np.ndarray) -> None:
        q, r, _ = scipy.linalg.qr(dummies, mode="economic", pivoting=True)
        diag = np.abs(np.diag(r))
        self.rank = int((diag > diag.max() * max(dummies.shape) * np.finfo(float).eps).sum()) if diag.size else 0
        self._q = q[:, : self.rank]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return values - self._q @ (self._q.T @ values)


_ABSORBERS: dict[bytes, Absorber] = {}


def absorber(sample: pd.DataFrame, effects: Sequence[str]) -> Absorber:
    """The projection for the effects of ``sample``, reused across the columns of a table.

    Keyed by the effects' codes of the sample rows, so a table's equations on one common
    sample factorise the dummy matrix once (a small cache; the key is exact, not a hash).
    """
    codes = [pd.factorize(sample[e], sort=True)[0] for e in effects]
    key = repr(tuple(effects)).encode() + b"".join(c.astype(np.int64).tobytes() for c in codes)
    if key not in _ABSORBERS:
        if len(_ABSORBERS) >= 2:
            _ABSORBERS.pop(next(iter(_ABSORBERS)))
        _ABSORBERS[key] = Absorber(effect_dummies(sample, effects))
    return _ABSORBERS[key]


@dataclass
class Prepared:
    """An estimation sample: its rows, the partialled columns, the absorbed rank, the
    counts of incomplete and singleton rows left out, and the cluster codes."""

    frame: pd.DataFrame
    tilde: pd.DataFrame          # partialled columns
    absorbed: int
    dropped: int
    singletons: int
    clusters: pd.Series | None
    n_clusters: int | None


def prepare(data: Panel | pd.DataFrame, columns: Sequence[str], dependent: str, regressors: Sequence[str],
             effects: Sequence[str], cov_type: str, singletons: str, instruments: Sequence[str] = ()) -> Prepared:
    """Complete cases, singleton handling, variation checks and FE partialling, with clear errors.

    For 2SLS ``regressors`` is ``[endogenous, *exogenous]``.
    """
    check_option("cov_type", cov_type, COV_TYPES)
    check_option("singletons", singletons, SINGLETONS)
    frame = frame_of(data)
    cluster_cols = CLUSTER_VARIABLES.get(cov_type, ())
    needed = list(dict.fromkeys([*columns, *effects, *cluster_cols]))
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise EstimationError(f"column(s) {absent} not in the data; available: {sorted(frame.columns)}")
    if frame[dependent].isna().all():
        raise EstimationError(f"outcome {dependent!r} is missing in all {len(frame)} rows")
    sample = frame[needed].dropna()
    dropped = len(frame) - len(sample)
    if sample.empty:
        worst = frame[list(columns)].isna().sum().idxmax()
        raise EstimationError(f"no complete observation for {dependent!r} on {list(regressors)}; "
                              f"{worst!r} is missing most often ({int(frame[worst].isna().sum())} of {len(frame)} rows)")
    n_single = 0
    if singletons == "drop" and effects:
        sample, n_single = drop_singletons(sample, effects)
    sample = sample.reset_index(drop=True)
    for c in columns:
        values = sample[c].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise EstimationError(f"{c!r} has infinite values in the estimation sample")
        if np.ptp(values) == 0:
            raise EstimationError(f"no variation in {c!r}: all {len(sample)} observations of the estimation "
                                  f"sample equal {values[0]:g}")
    project = absorber(sample, effects)
    raw = sample[list(columns)].to_numpy(dtype=float)
    tilde = pd.DataFrame(project(raw), columns=list(columns))
    centred = np.linalg.norm(raw - raw.mean(axis=0), axis=0)
    for c, after, before in zip(columns, np.linalg.norm(tilde.to_numpy(), axis=0), centred):
        if c != dependent and after <= ABSORBED_TOL * max(before, 1e-300):
            raise EstimationError(f"{c!r} has no variation within the fixed effects ({', '.join(effects)}): "
                                  "it is absorbed by them")
    _check_rank(tilde, list(regressors), effects)
    if instruments:  # first stage: excluded instruments and the included exogenous regressors
        _check_rank(tilde, [*regressors[1:], *instruments], effects)
    k = len(regressors) + project.rank
    if len(sample) <= k:
        raise EstimationError(f"{len(sample)} observations for {k} parameters ({dependent!r}): not estimable")
    clusters, n_clusters = None, None
    if cluster_cols:
        clusters = pd.Series(pd.factorize(pd.MultiIndex.from_frame(sample[list(cluster_cols)]))[0], name="cluster")
        n_clusters = int(clusters.nunique())
        if n_clusters < 2:
            raise EstimationError(f"cov_type={cov_type!r} needs at least 2 clusters; the sample has {n_clusters}")
    return Prepared(sample, tilde, project.rank, dropped, n_single, clusters, n_clusters)


def _check_rank(tilde: pd.DataFrame, names: list[str], effects: Sequence[str]) -> None:
    """Raise naming the first column that is a linear combination of earlier ones (after FE)."""
    if not names:
        return
    x = tilde[names].to_numpy()
    scale = np.linalg.norm(x, axis=0)
    x = x / np.where(scale > 0, scale, 1)
    s = np.linalg.svd(x, compute_uv=False)
    if s[-1] > 1e-10 * s[0]:
        return
    for j in range(1, len(names) + 1):
        s = np.linalg.svd(x[:, :j], compute_uv=False)
        if s[-1] <= 1e-10 * s[0]:
            raise EstimationError(f"singular design: {names[j - 1]!r} is a linear combination of "
                                  f"{names[: j - 1]} and the fixed effects ({', '.join(effects)})")
