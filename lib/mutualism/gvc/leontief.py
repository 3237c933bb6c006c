"""The global and local Leontief inverses as operators (METHODS.md §1, "performance path").

Pure functions over numpy arrays named after the notation of METHODS §1 (``A`` the
technical coefficients, ``G`` countries × ``N`` sectors, country-major, ``n = G·N``).
:class:`LeontiefSolver` holds one LU factorisation of ``I − A`` and applies ``B = (I − A)⁻¹``
and ``B'`` to thin matrices; the block helpers pick, place and invert ``N×N`` country blocks
(``A_ss``, ``L_ss = (I − A_ss)⁻¹``). Used by :mod:`mutualism.gvc.decompose` (§2, §9, §11) and
:mod:`mutualism.gvc.indices` (§3–§6).
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import scipy.linalg

from ..core.errors import MRIOValueError, check_option
from . import blocked

#: Ways of applying ``B``: one LU factorisation (default) or the explicit inverse.
SOLVERS = ("lu", "inverse")


# ----- the global Leontief inverse as an operator (§1) ----------------------------------
class LeontiefSolver:
    """Products of ``B = (I − A)⁻¹`` with thin matrices (METHODS.md §1).

    Parameters
    ----------
    A : (n, n) technical coefficients.
    method : ``"lu"`` (default): one LAPACK LU factorisation; ``B·M`` and ``B'·M`` are
        triangular solves, BLAS-3 when ``M`` has many columns. ``"inverse"``: the explicit
        inverse, then matrix products — the textbook route, kept for comparison.
    where : provenance for error messages (e.g. ``"WIOD2013 2011"``).
    threads : ``None`` (default): SciPy's LU and solves with the process's BLAS threads.
        A number: the LU and the solves of :mod:`mutualism.gvc.blocked` on that many
        threads, one BLAS thread per call on blocks fixed by the sizes — the same numbers
        to the bit for any thread count (``lu`` only).

    Raises
    ------
    MRIOValueError
        ``I − A`` is singular (the table is not productive).
    """

    def __init__(self, A: np.ndarray, method: str = "lu", *, where: str = "table", threads: int | None = None) -> None:
        check_option("method", method, SOLVERS)
        self.method = method
        self.n = A.shape[0]
        self.threads = threads if method == "lu" else None
        # LAPACK works on Fortran-ordered arrays: factorising the transpose (I − A)', whose
        # C-ordered buffer is Fortran-ordered, happens in place without a copy; products
        # with B then use the transposed solve (trans=1) and vice versa.
        transposed = _identity_minus(A).T
        singular = MRIOValueError(f"{where}: I − A is singular, the table is not productive "
                                  "(some column sums of A reach 1 on a closed loop)")
        if method == "lu" and self.threads is not None:
            self._lu_T = blocked.lu_factor(transposed, self.threads)
            if not np.all(np.diagonal(self._lu_T[0])):
                raise singular
        elif method == "lu":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
                self._lu_T = scipy.linalg.lu_factor(transposed, overwrite_a=True, check_finite=False)
            if not np.all(np.diagonal(self._lu_T[0])):
                raise singular
        else:
            try:
                self._B = scipy.linalg.inv(transposed, overwrite_a=True, check_finite=False).T
            except np.linalg.LinAlgError:
                raise singular from None

    def B_times(self, M: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        """``B·M`` (columns of ``B`` combined by the columns of ``M``).

        ``overwrite=True`` with a Fortran-ordered ``M`` solves in place (no copy of ``M``).
        """
        if self.threads is not None:
            return blocked.lu_solve(self._lu_T, _solvable(M, overwrite), trans=1, threads=self.threads)
        if self.method == "lu":
            return scipy.linalg.lu_solve(self._lu_T, M, trans=1, overwrite_b=overwrite, check_finite=False)
        return self._B @ M

    def BT_times(self, M: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        """``B'·M``, i.e. ``(M'·B)'``: row vectors times ``B`` (e.g. ``v'B``); ``overwrite`` as above."""
        if self.threads is not None:
            return blocked.lu_solve(self._lu_T, _solvable(M, overwrite), trans=0, threads=self.threads)
        if self.method == "lu":
            return scipy.linalg.lu_solve(self._lu_T, M, trans=0, overwrite_b=overwrite, check_finite=False)
        return self._B.T @ M


def _solvable(M: np.ndarray, overwrite: bool) -> np.ndarray:
    """``M`` itself when it may be overwritten and is Fortran-ordered float64, else a Fortran-ordered copy."""
    if overwrite and M.dtype == np.float64 and M.flags.f_contiguous and M.flags.writeable:
        return M
    return np.array(M, dtype=float, order="F")


def _identity_minus(A: np.ndarray) -> np.ndarray:
    """A new C-ordered array ``I − A``."""
    out = np.negative(A, dtype=float, order="C")
    out.flat[:: A.shape[0] + 1] += 1.0
    return out


def leontief_inverse(A: np.ndarray, *, where: str = "table") -> np.ndarray:
    """The explicit global Leontief inverse ``B = (I − A)⁻¹`` (§1; only WWZ needs it).

    Inverts ``(I − A)'`` in place and returns the C-ordered transpose of the result, so no
    ``n×n`` copy is made (see :class:`LeontiefSolver`, which raises on a singular system).
    """
    return LeontiefSolver(A, "inverse", where=where)._B


# ----- block helpers ---------------------------------------------------------------------
def diagonal_blocks(M: np.ndarray, G: int) -> np.ndarray:
    """The ``G`` diagonal ``N×N`` blocks ``M_ss`` of an ``n×n`` matrix, shape ``(G, N, N)``."""
    N = M.shape[0] // G
    g = np.arange(G)
    return M.reshape(G, N, G, N)[g, :, g, :]


def local_solve(A_blocks: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``L_ss · rhs_s`` for stacked countries, ``L_ss = (I − A_ss)⁻¹`` (§1 local inverse).

    ``A_blocks`` is ``(k, N, N)``; ``rhs`` is ``(k, N)`` or ``(k, N, m)``.
    """
    N = A_blocks.shape[-1]
    I_minus = np.eye(N) - A_blocks
    if rhs.ndim == 2:
        return np.linalg.solve(I_minus, rhs[..., None])[..., 0]
    return np.linalg.solve(I_minus, rhs)


def place_in_blocks(blocks: np.ndarray, G: int, countries: Sequence[int]) -> np.ndarray:
    """An ``n × k`` matrix whose column ``q`` holds ``blocks[q]`` (an ``N``-vector) in the
    rows of country ``countries[q]`` and zeros elsewhere (block-diagonal placement)."""
    k, N = blocks.shape
    out = np.zeros((G, N, k))
    out[np.asarray(countries, dtype=int), :, np.arange(k)] = blocks
    return out.reshape(G * N, k)


def take_own_blocks(M: np.ndarray, G: int, countries: Sequence[int]) -> np.ndarray:
    """Inverse of :func:`place_in_blocks`: row ``q`` = rows of ``countries[q]`` of column ``q``."""
    N = M.shape[0] // G
    k = M.shape[1]
    return M.reshape(G, N, k)[np.asarray(countries, dtype=int), :, np.arange(k)]
