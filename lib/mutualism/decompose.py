"""Value added in gross exports: Leontief/HIY (METHODS.md §2) and Wang–Wei–Zhu (§9).

The functional core works on plain arrays named after the notation of METHODS.md §1
(``A``, ``v``, ``Y``, ``E``…; ``G`` countries × ``N`` sectors, country-major, ``n = G·N``)
and never forms the global Leontief inverse ``B = (I − A)⁻¹`` unless a quantity needs all
of it (the WWZ decomposition does, §9). Everything else goes through
:class:`LeontiefSolver`: one LU factorisation of ``I − A`` per year and solves with thin
right-hand sides, ``B·M`` and ``B'·M`` (METHODS §1, "performance path").
Labelled wrappers taking an :class:`~mutualism.mrio.MRIO` sit at the end of the module.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.linalg

from .errors import MRIOValueError, check_option
from .mrio import MRIO

METHODS = ("lu", "inverse")

WWZ_TERMS = (
    "DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2",
    "RDV_INT", "RDV_FIN", "RDV_FIN2",
    "OVA_FIN", "MVA_FIN", "OVA_INT", "MVA_INT",
    "DDC_FIN", "DDC_INT", "ODC", "MDC",
)


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

    Raises
    ------
    MRIOValueError
        ``I − A`` is singular (the table is not productive).
    """

    def __init__(self, A: np.ndarray, method: str = "lu", *, where: str = "table") -> None:
        check_option("method", method, METHODS)
        self.method = method
        self.n = A.shape[0]
        # LAPACK works on Fortran-ordered arrays: factorising the transpose (I − A)', whose
        # C-ordered buffer is Fortran-ordered, happens in place without a copy; products
        # with B then use the transposed solve (trans=1) and vice versa.
        transposed = _identity_minus(A).T
        singular = MRIOValueError(f"{where}: I − A is singular, the table is not productive "
                                  "(some column sums of A reach 1 on a closed loop)")
        if method == "lu":
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
        if self.method == "lu":
            return scipy.linalg.lu_solve(self._lu_T, M, trans=1, overwrite_b=overwrite, check_finite=False)
        return self._B @ M

    def BT_times(self, M: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        """``B'·M``, i.e. ``(M'·B)'``: row vectors times ``B`` (e.g. ``v'B``); ``overwrite`` as above."""
        if self.method == "lu":
            return scipy.linalg.lu_solve(self._lu_T, M, trans=0, overwrite_b=overwrite, check_finite=False)
        return self._B.T @ M


def _identity_minus(A: np.ndarray) -> np.ndarray:
    """A new C-ordered array ``I − A``."""
    out = np.negative(A, dtype=float)
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


# ----- exports (§1) ----------------------------------------------------------------------
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


# ----- Leontief / HIY value added in exports (§2) ------------------------------------------
def value_added_in_exports(solver: LeontiefSolver, v: np.ndarray, E: np.ndarray, G: int,
                           exporters: Sequence[int]) -> np.ndarray:
    """Columns of ``VAE = diag(v)·B·diag(E)`` for the exporters' sectors (§2).

    Returns ``(n, k·N)``: column ``(s, i)`` for ``s`` in ``exporters`` is the value added of
    every country-sector ``tj`` embodied in ``si``'s gross exports. Column sums equal ``E``
    for sectors with ``x > 0``. Cost: ``k·N`` solves.
    """
    N = v.shape[0] // G
    cols = np.concatenate([np.arange(s * N, (s + 1) * N) for s in exporters])
    unit = np.zeros((v.shape[0], cols.size))
    unit[cols, np.arange(cols.size)] = 1.0
    return v[:, None] * solver.B_times(unit) * E[cols][None, :]


def domestic_value_added_coefficients(solver: LeontiefSolver, v: np.ndarray, G: int,
                                      countries: Sequence[int]) -> np.ndarray:
    """``dv_s = u'·diag(v_s)·B_ss`` for the listed countries, ``(k, N)`` (§2, §9).

    One transposed solve per country: ``B'`` applied to ``v`` restricted to country ``s``.
    ``DVA_si = dv_s[i]·E_si``.
    """
    N = v.shape[0] // G
    placed = place_in_blocks(v.reshape(G, N)[list(countries)], G, countries)
    return take_own_blocks(solver.BT_times(placed), G, countries)


def leontief_dva_fva(solver: LeontiefSolver, v: np.ndarray, E: np.ndarray, G: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``DVA_si`` and ``FV_si = Σ_{t≠s} Σ_j FVA_{tj→si}`` for every country-sector (§2).

    ``G + 1`` transposed solves: ``dv_s`` for each country and ``v'B``.
    """
    dv = domestic_value_added_coefficients(solver, v, G, range(G)).reshape(-1)
    vB = solver.BT_times(v)
    return dv * E, (vB - dv) * E


# ----- WWZ (§9) ------------------------------------------------------------------------------
def wwz_terms(A: np.ndarray, B: np.ndarray, Y: np.ndarray, v: np.ndarray, x: np.ndarray,
              Z: np.ndarray, G: int) -> dict[str, np.ndarray]:
    """The 16 Wang–Wei–Zhu (2013) terms and ``texp`` as ``(G, N, G)`` arrays ``[s, i, r]``.

    METHODS.md §9: exporter country ``s``, exporting sector ``i``, importer ``r``; the
    ``s = r`` entries are zero. ``B`` is the explicit global inverse (the decomposition
    needs its diagonal blocks and its column blocks weighted by ``v``). After ``B`` the
    cost is ``O(n²)`` per term: every term is ``A_sr`` applied to an ``N``-vector that
    depends on ``r`` (or on the pair ``s, r``), built from ``B``, ``L`` and ``Y``.
    """
    n = A.shape[0]
    N = n // G
    g = np.arange(G)
    A4 = A.reshape(G, N, G, N)
    B4 = B.reshape(G, N, G, N)
    Y3 = Y.reshape(G, N, G)
    v2, x2 = v.reshape(G, N), x.reshape(G, N)

    B_diag = B4[g, :, g, :]                                   # B_rr
    A_diag = A4[g, :, g, :]
    Y_own = Y3[g, :, g]                                       # Y_tt
    Y_final_exports = Y3.sum(axis=2) - Y_own                  # Σ_{u≠t} Y_tu
    intermediate, final = bilateral_exports(Z, Y, G)
    texp = (intermediate + final).reshape(G, N, G)
    E_total = texp.sum(axis=2)                                # E_r*

    dv = np.einsum("gi,gij->gj", v2, B_diag)                  # u'·diag(v_s)·B_ss
    dl = np.linalg.solve(np.swapaxes(np.eye(N) - A_diag, 1, 2), v2[..., None])[..., 0]  # u'·diag(v_s)·L_ss
    VB = np.einsum("tj,tjsi->tsi", v2, B4)                    # [t, s, i] = u'·diag(v_t)·B_ts
    VB_rs = VB.transpose(1, 2, 0)                             # [s, i, r] = importer's share
    VB_other = VB.sum(axis=0)[:, :, None] - VB[g, g, :][:, :, None] - VB_rs   # Σ_{t∉{s,r}}

    BY_own = np.einsum("rjtk,tk->rtj", B4, Y_own)             # [r, t] = B_rt·Y_tt
    BY_fx = np.einsum("rjtk,tk->rtj", B4, Y_final_exports)    # [r, t] = B_rt·Σ_{u≠t} Y_tu
    BY = (B @ Y).reshape(G, N, G).transpose(0, 2, 1)          # [r, s] = Σ_t B_rt·Y_ts
    BrrY = np.einsum("rjk,rks->rsj", B_diag, Y3)              # [r, s] = B_rr·Y_rs
    BrrYrow = np.einsum("rjk,rk->rj", B_diag, Y3.sum(axis=2))  # B_rr·Σ_t Y_rt
    BY_own_rr = BY_own[g, g]                                  # B_rr·Y_rr
    LY_own = local_solve(A_diag, Y_own)                       # L_rr·Y_rr
    LE = local_solve(A_diag, E_total)                         # L_rr·E_r*

    def via_A(w: np.ndarray) -> np.ndarray:
        """``[s, i, r] = (A_sr · w)_i`` for ``w`` given per importer ``[r, j]`` or per pair ``[s, r, j]``."""
        if w.ndim == 2:
            return np.einsum("sirj,rj->sir", A4, w)
        return np.einsum("sirj,srj->sir", A4, w)

    def pair(w_rs: np.ndarray) -> np.ndarray:  # [r, s, j] → [s, r, j]
        return w_rs.transpose(1, 0, 2)

    rdv_fin2 = pair(BY - BrrY - BY_own)                       # Σ_{t∉{s,r}} B_rt·Y_ts
    rex_i1 = BY_own.sum(axis=1)[None, :, :] - BY_own_rr[None] - pair(BY_own)
    rex_f = (BrrYrow - BY_own_rr)[None] - pair(BrrY)
    rex_i2 = (BY_fx.sum(axis=1)[None] - BY_fx[g, g][None] - pair(BY_fx)) - rdv_fin2
    A_LY, A_LE = via_A(LY_own), via_A(LE)
    dl3, dv3 = dl[:, :, None], dv[:, :, None]
    terms = {
        "DVA_FIN": dv3 * Y3,
        "DVA_INT": dl3 * via_A(BY_own_rr),
        "DVA_INTrexI1": dl3 * via_A(rex_i1),
        "DVA_INTrexF": dl3 * via_A(rex_f),
        "DVA_INTrexI2": dl3 * via_A(rex_i2),
        "RDV_INT": dl3 * via_A(pair(BY_own)),
        "RDV_FIN": dl3 * via_A(pair(BrrY)),
        "RDV_FIN2": dl3 * via_A(rdv_fin2),
        "OVA_FIN": VB_other * Y3,
        "MVA_FIN": VB_rs * Y3,
        "OVA_INT": VB_other * A_LY,
        "MVA_INT": VB_rs * A_LY,
        "DDC_FIN": dl3 * via_A(pair(BY_fx)),
        "DDC_INT": (dv3 - dl3) * via_A(x2),
        "ODC": VB_other * A_LE,
        "MDC": VB_rs * A_LE,
    }
    for arr in terms.values():
        arr[g, :, g] = 0.0
    terms["texp"] = texp
    return terms


# ----- labelled wrappers -----------------------------------------------------------------------
def wwz(mrio: MRIO) -> pd.DataFrame:
    """The 16-term WWZ decomposition of every bilateral sector export flow (METHODS.md §9).

    Returns one row per ``(exporter, exporter_sector, importer)`` with ``importer ≠
    exporter``, the 16 terms named as in ``decompr::wwz`` (:data:`WWZ_TERMS`) and ``texp``
    (gross exports ``E_{s→r}``, §1). For every exporting sector with ``x > 0`` the terms
    add up to ``texp``. The table's own sectors are used (aggregate first if needed).
    """
    G, N = mrio.G, mrio.N
    B = leontief_inverse(mrio.A, where=mrio.describe())
    terms = wwz_terms(mrio.A, B, mrio.Y, mrio.v, mrio.x, mrio.Z, G)
    del B
    s, i, r = np.meshgrid(np.arange(G), np.arange(N), np.arange(G), indexing="ij")
    keep = (s != r).reshape(-1)
    countries = np.asarray(mrio.countries, dtype=object)
    frame = {
        "exporter": countries[s.reshape(-1)[keep]],
        "exporter_sector": np.asarray(mrio.sectors, dtype=object)[i.reshape(-1)[keep]],
        "importer": countries[r.reshape(-1)[keep]],
    }
    for name in (*WWZ_TERMS, "texp"):
        frame[name] = terms[name].reshape(-1)[keep]
    out = pd.DataFrame(frame)
    out.attrs.update(source=mrio.meta.get("source"), year=mrio.year, method="WWZ 2013 (METHODS §9)")
    return out


def leontief_decomposition(mrio: MRIO, exporters: Sequence[str] | None = None, *, method: str = "lu"
                           ) -> pd.DataFrame:
    """Value added in gross exports by origin (METHODS.md §2, ``decompr::leontief``).

    Returns the ``VAE`` columns of the requested exporting countries (default: all) as a
    DataFrame: rows ``(country, sector)`` of origin, columns ``(exporter, exporter_sector)``.
    ``DVA`` is the exporter's own row block, ``FVA`` the others. Column sums are the gross
    exports of each exporting sector.
    """
    positions = list(range(mrio.G)) if exporters is None else [mrio.country_pos(c) for c in exporters]
    solver = LeontiefSolver(mrio.A, method, where=mrio.describe())
    E = gross_exports(mrio.Z, mrio.Y, mrio.G)
    vae = value_added_in_exports(solver, mrio.v, E, mrio.G, positions)
    cols = pd.MultiIndex.from_product([[mrio.countries[p] for p in positions], mrio.sectors],
                                      names=["exporter", "exporter_sector"])
    return pd.DataFrame(vae, index=mrio.index, columns=cols)


def export_summary(mrio: MRIO, *, method: str = "lu") -> pd.DataFrame:
    """Per country-sector: gross, final and intermediate exports, ``DVA`` and ``FV`` (§1–§2)."""
    intermediate, final = bilateral_exports(mrio.Z, mrio.Y, mrio.G)
    E = intermediate.sum(axis=1) + final.sum(axis=1)
    dva, fv = leontief_dva_fva(LeontiefSolver(mrio.A, method, where=mrio.describe()), mrio.v, E, mrio.G)
    return pd.DataFrame({"E": E, "E_final": final.sum(axis=1), "E_intermediate": intermediate.sum(axis=1),
                         "DVA": dva, "FV": fv, "x": mrio.x}, index=mrio.index)
