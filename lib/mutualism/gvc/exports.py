"""Gross exports and the labelled rows of every export decomposition (METHODS.md §1, §12).

``bilateral_exports``/``gross_exports`` are the array core (``E_{si→r}``, §1); the frame
helpers turn ``(k, N, G)`` arrays ``[exporter, sector, importer]`` into one row per
``(exporter, sector, importer)`` for :mod:`mutualism.gvc.decompose`,
:mod:`mutualism.gvc.borin_mancini` and :mod:`mutualism.gvc.tiva`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..core.errors import MRIOShapeError
from ..io.mrio import MRIO

def bilateral_exports(Z: np.ndarray, Y: np.ndarray, G: int) -> tuple[np.ndarray, np.ndarray]:
    """Intermediate and final exports by destination, each ``(n, G)`` (§1).

    ``[s·, r]`` holds ``Σ_j Z_{si,rj}`` and ``Y_{si,r}`` for ``r ≠ s``; the own-country
    column of each row block is zero. Gross exports ``E_{si→r}`` are their sum.
    """
    n = Z.shape[0]
    N = n // G
    intermediate = Z.reshape(n, G, N).sum(axis=2)
    final = np.array(Y, dtype=float, copy=True)
    g = np.arange(G)
    intermediate.reshape(G, N, G)[g, :, g] = 0.0
    final.reshape(G, N, G)[g, :, g] = 0.0
    return intermediate, final


def gross_exports(Z: np.ndarray, Y: np.ndarray, G: int) -> np.ndarray:
    """Total gross exports ``E_si = Σ_{r≠s} E_{si→r}`` (§1), an ``n``-vector."""
    intermediate, final = bilateral_exports(Z, Y, G)
    return intermediate.sum(axis=1) + final.sum(axis=1)


def pair_frame(mrio: MRIO, exporters: np.ndarray, arrays: dict[str, np.ndarray], *, own: bool = False,
               sector_key: str = "exporter_sector") -> pd.DataFrame:
    """One row per ``(exporter, sector, importer)`` from ``(k, N, G)`` arrays.

    ``own=False`` drops the rows with ``importer = exporter`` (a decomposition of exports
    has none); ``own=True`` keeps them (TiVA indicators such as domestic final demand).
    """
    G, N = mrio.G, mrio.N
    s, i, r = np.meshgrid(np.asarray(exporters, dtype=int), np.arange(N), np.arange(G), indexing="ij")
    keep = np.ones(s.size, dtype=bool) if own else (s != r).reshape(-1)
    countries = np.asarray(mrio.countries, dtype=object)
    frame = {
        "exporter": countries[s.reshape(-1)[keep]],
        sector_key: np.asarray(mrio.sectors, dtype=object)[i.reshape(-1)[keep]],
        "importer": countries[r.reshape(-1)[keep]],
    }
    for name, arr in arrays.items():
        frame[name] = arr.reshape(-1)[keep]
    return pd.DataFrame(frame)


def sector_frame(mrio: MRIO, exporters: np.ndarray, arrays: dict[str, np.ndarray], *,
                 keys: tuple[str, str] = ("exporter", "exporter_sector")) -> pd.DataFrame:
    """One row per ``(country, sector)`` from ``(k, N)`` arrays."""
    s, i = np.meshgrid(np.asarray(exporters, dtype=int), np.arange(mrio.N), indexing="ij")
    frame = {keys[0]: np.asarray(mrio.countries, dtype=object)[s.reshape(-1)],
             keys[1]: np.asarray(mrio.sectors, dtype=object)[i.reshape(-1)]}
    frame.update((name, arr.reshape(-1)) for name, arr in arrays.items())
    return pd.DataFrame(frame)


def exporter_positions(mrio: MRIO, exporters: Sequence[str] | None) -> np.ndarray:
    """Table positions of ``exporters`` (default: all), sorted, each once."""
    if exporters is None:
        return np.arange(mrio.G)
    positions = [mrio.country_pos(c) for c in exporters]   # raises naming the unknown country
    if not positions:
        raise MRIOShapeError(f"{mrio.describe()}: the exporter list is empty")
    return np.asarray(sorted(set(positions)), dtype=int)
