"""Extraction inverses without one inverse per exporter (METHODS.md §1, §11, §12).

The source-based decompositions (Borin–Mancini, Miroudot–Ye) count value added the first
time it crosses a *perimeter*: the exporter's intermediate exports are extracted from
``A`` — all of them (country perimeter), those to some partners (bilateral), those of
some of the exporter's sectors (sector), or both — and the value added is traced through
``B^x = (I − A^x)⁻¹``. Peers invert an ``n×n`` matrix per exporter. Here ``A^x`` differs
from ``A`` only in the rows ``R`` of the exporter's extracted sectors, ``A^x = A − P_R·W``
(``W`` holds the removed entries), so by the Woodbury identity

    ``B^x = B − B_{·R}·(I + W·B_{·R})⁻¹·W·B``

and everything a decomposition needs of ``B^x`` — its column block ``B^x_{·s}`` and row
vectors times it — follows from the exporter's column block ``B_{·s}`` of the global
inverse (one LU of ``I − A`` for the whole table) and one ``|R|×|R|`` solve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from .leontief import LeontiefSolver


@dataclass(frozen=True)
class Perimeter:
    """Which of the exporter's intermediate exports are extracted (METHODS §12.1).

    ``partners``: positions of the importing countries (``None``: every other country, the
    country perimeter); ``sectors``: positions of the exporter's sectors (``None``: all).
    ``Perimeter()`` is Borin–Mancini's and Miroudot–Ye's default country perimeter.
    """

    partners: tuple[int, ...] | None = None
    sectors: tuple[int, ...] | None = None

    @property
    def is_country(self) -> bool:
        return self.partners is None and self.sectors is None

    def rows(self, N: int) -> np.ndarray:
        """Positions (within the exporter's ``N`` sectors) of the extracted rows ``R``."""
        return np.arange(N) if self.sectors is None else np.asarray(self.sectors, dtype=int)

    def importer_mask(self, s: int, G: int) -> np.ndarray:
        """``(G,)`` booleans: importers inside the perimeter (never ``s`` itself)."""
        mask = np.ones(G, dtype=bool) if self.partners is None else np.isin(np.arange(G), self.partners)
        mask[s] = False
        return mask

    def sector_mask(self, N: int) -> np.ndarray:
        mask = np.zeros(N, dtype=bool)
        mask[self.rows(N)] = True
        return mask


def column_blocks(solver: LeontiefSolver, G: int, exporters: Sequence[int], *,
                  max_bytes: int = 64 * 2**20) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(s, B_{·s})`` for each exporter, ``B_{·s}`` the ``n×N`` column block of ``B``.

    Solves ``B·[unit columns]`` for a chunk of exporters at a time (at most ``max_bytes`` of
    right-hand sides), so all ``G`` exporters cost one LU plus ``n`` solves — about the
    price of the explicit inverse — without ever holding an ``n×n`` result.
    """
    n = solver.n
    N = n // G
    countries = np.asarray(exporters, dtype=int)
    per = max(1, int(max_bytes // (8 * n * N)))
    for start in range(0, countries.size, per):
        chunk = countries[start:start + per]
        rhs = np.zeros((n, chunk.size * N), order="F")
        rows = (chunk[:, None] * N + np.arange(N)).reshape(-1)
        rhs[rows, np.arange(rows.size)] = 1.0
        sol = solver.B_times(rhs, overwrite=True)
        for q, s in enumerate(chunk):
            yield int(s), sol[:, q * N:(q + 1) * N]


@dataclass(frozen=True)
class Extraction:
    """``B^x_{·s} = B_{·s} − B_{·s}[:, R]·X`` for one exporter and perimeter (§12.1).

    ``R`` are the extracted rows (positions within ``s``'s sectors) and
    ``X = (I + W·B_{·R})⁻¹·W·B_{·s}`` (``|R|×N``). For any row vector ``u``,
    ``u'·B^x_{·s} = u'·B_{·s} − (u'·B_{·s})[R]·X``.
    """

    s: int
    R: np.ndarray
    X: np.ndarray

    def row_times(self, uB_s: np.ndarray) -> np.ndarray:
        """``u'·B^x_{·s}`` from ``u'·B_{·s}`` (an ``N``-vector, or ``(m, N)`` rows)."""
        return uB_s - uB_s[..., self.R] @ self.X

    def columns(self, B_s: np.ndarray) -> np.ndarray:
        """The column block ``B^x_{·s}`` itself (``n×N``)."""
        return B_s - B_s[:, self.R] @ self.X


def extraction(A: np.ndarray, B_s: np.ndarray, s: int, G: int, perimeter: Perimeter = Perimeter()) -> Extraction:
    """The Woodbury factors of ``B^x`` for exporter ``s`` from its column block ``B_{·s}``.

    ``W·B_{·s} = Σ_{p} A_{s_R,p}·B_{p,s}`` over the perimeter's partners ``p``. With every
    partner (country and sector perimeters) it needs no off-diagonal block of ``B``:
    ``A·B = B − I`` gives ``A_{s,−s}·B_{−s,s} = B_ss − I − A_ss·B_ss``. For the country
    perimeter ``I + W·B_{·R} = (I − A_ss)·B_ss``, the factor of METHODS §11. A perimeter
    whose only partner is the exporter itself extracts nothing: ``B^x = B``.
    """
    n = A.shape[0]
    N = n // G
    R = perimeter.rows(N)
    own = slice(s * N, (s + 1) * N)
    if perimeter.partners is None:
        B_ss = B_s[own]
        WB = (B_ss - np.eye(N) - A[own, own] @ B_ss)[R]                        # |R| × N
    else:
        WB = np.zeros((R.size, N))
        for p in perimeter.partners:
            if p != s:
                WB += A[s * N + R, p * N:(p + 1) * N] @ B_s[p * N:(p + 1) * N]
    M = np.eye(R.size) + WB[:, R]
    return Extraction(s, R, np.linalg.solve(M, WB))
