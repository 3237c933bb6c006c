"""Value added in gross exports: Leontief/HIY (METHODS.md §2), Wang–Wei–Zhu (§9) and
Borin–Mancini source-based, exporter perspective (§11).

The functional core works on plain arrays named after the notation of METHODS.md §1
(``A``, ``v``, ``Y``, ``E``…; ``G`` countries × ``N`` sectors, country-major, ``n = G·N``)
and never forms the global Leontief inverse ``B = (I − A)⁻¹`` unless a quantity needs all
of it (the WWZ decomposition does, §9). Everything else goes through
:class:`~mutualism.leontief.LeontiefSolver`: one LU factorisation of ``I − A`` per year and
solves with thin right-hand sides, ``B·M`` and ``B'·M`` (METHODS §1, "performance path");
Borin–Mancini needs the diagonal blocks ``B_ss`` of its exporters, obtained from the same
factorisation in chunks of columns (:func:`bm_src_terms`).
Labelled wrappers taking an :class:`~mutualism.mrio.MRIO` sit at the end of the module.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .errors import MRIOShapeError, UnknownOptionError, check_option
from .leontief import (SOLVERS, LeontiefSolver, diagonal_blocks, leontief_inverse, local_solve,  # noqa: F401
                       place_in_blocks, take_own_blocks)
from .mrio import MRIO

METHODS = SOLVERS  # kept for existing imports: the solver methods of LeontiefSolver

WWZ_TERMS = (
    "DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2",
    "RDV_INT", "RDV_FIN", "RDV_FIN2",
    "OVA_FIN", "MVA_FIN", "OVA_INT", "MVA_INT",
    "DDC_FIN", "DDC_INT", "ODC", "MDC",
)

#: Decompositions of bilateral gross exports the library computes (CLI ``--method``).
DECOMPOSITIONS = ("wwz", "bm_src")
#: Borin–Mancini outputs (exvatools' ``output``): the twelve terms, or aggregates and GVC.
BM_OUTPUTS = ("terms", "standard")
#: The twelve Borin–Mancini source-based terms, exporter perspective (§11, exvatools' names).
BM_TERMS = ("VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC", "FVA1", "FVA2", "FVA3", "FVA4", "FDC")
#: The aggregates and GVC participation of ``output="standard"`` (§11); ``*_share`` = ``/ EXGR``.
BM_STANDARD = ("DAVAX", "VAX", "REF", "DVA", "DC", "FVA", "FC", "GVCB", "GVCF", "GVC",
               "GVCB_share", "GVCF_share", "GVC_share")


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


# ----- Borin–Mancini, source-based, exporter perspective (§11) -----------------------------------
def exporter_diagonal_blocks(solver: LeontiefSolver, G: int, exporters: Sequence[int], *,
                             max_bytes: int = 64 * 2**20) -> np.ndarray:
    """``B_ss`` for the listed countries, ``(k, N, N)`` (§1, §11).

    Solves ``B·[unit columns of s]`` (the column block ``B_{·s}`` that WWZ takes from the
    explicit inverse) for a chunk of countries at a time, at most ``max_bytes`` of
    right-hand sides, and keeps the diagonal block: all ``G`` countries cost one LU plus
    ``n`` solves (about the price of the explicit inverse) without ever holding an ``n×n``
    result.
    """
    n = solver.n
    N = n // G
    countries = np.asarray(exporters, dtype=int)
    out = np.empty((countries.size, N, N))
    per = max(1, int(max_bytes // (8 * n * N)))
    for start in range(0, countries.size, per):
        chunk = countries[start:start + per]
        rhs = np.zeros((n, chunk.size * N), order="F")
        rows = (chunk[:, None] * N + np.arange(N)).reshape(-1)
        rhs[rows, np.arange(rows.size)] = 1.0
        sol = solver.B_times(rhs, overwrite=True)
        for q, s in enumerate(chunk):
            out[start + q] = sol[s * N:(s + 1) * N, q * N:(q + 1) * N]
    return out


def bm_src_coefficients(A: np.ndarray, v: np.ndarray, G: int, exporters: Sequence[int], B_ss: np.ndarray,
                        vB: np.ndarray) -> dict[str, np.ndarray]:
    """Row vectors over each exporter's sectors, ``(k, N)``: ``dl, dv, fx, fb`` (§11).

    ``B_ss`` are the exporters' diagonal blocks of ``B`` and ``vB = v'B`` (an ``n``-vector).
    ``fx_s + dl_s`` is the ``s`` block of ``v'B^(s)``, ``B^(s)`` the inverse with ``s``'s
    intermediate exports extracted. Only ``N`` rows of ``A`` change, and by Woodbury with
    ``K = A_{s,−s}·B_{−s,s}``: ``(v'B^(s))_s = (v'B)_s·(I + K)⁻¹``; since ``B = I + A·B``,
    ``I + K = I + (B_ss − I) − A_ss·B_ss = (I − A_ss)·B_ss``, so
    ``(v'B^(s))_s = (v'B)_s · B_ss⁻¹ · L_ss`` and
    ``fx_s = ((v'B)_s·B_ss⁻¹ − v_s')·L_ss`` — one ``N×N`` solve with ``B_ss`` and one with
    ``I − A_ss`` per exporter (no ``n×n`` inverse). ``B_ss`` is invertible (it is the inverse
    of a Schur complement of ``I − A``). ``fb_s = (v'B)_s − dv_s``.
    """
    N = A.shape[0] // G
    S = np.asarray(exporters, dtype=int)
    v_s = v.reshape(G, N)[S]
    w = vB.reshape(G, N)[S]                                    # (v'B)_s; 1 where x > 0, 0 where x = 0
    I_minus_T = np.swapaxes(np.eye(N) - diagonal_blocks(A, G)[S], 1, 2)
    dl = np.linalg.solve(I_minus_T, v_s[..., None])[..., 0]   # v_s'·L_ss
    dv = np.einsum("si,sij->sj", v_s, B_ss)                    # v_s'·B_ss
    w_Binv = np.linalg.solve(np.swapaxes(B_ss, 1, 2), w[..., None])[..., 0]
    fx = np.linalg.solve(I_minus_T, (w_Binv - v_s)[..., None])[..., 0]
    return {"dl": dl, "dv": dv, "fx": fx, "fb": w - dv}


def bm_src_terms(A: np.ndarray, Y: np.ndarray, v: np.ndarray, x: np.ndarray, Z: np.ndarray, G: int,
                 exporters: Sequence[int] | None = None, *, solver: LeontiefSolver | None = None,
                 where: str = "table") -> dict[str, np.ndarray]:
    """The twelve Borin–Mancini source-based terms (exporter perspective) and ``EXGR`` (§11).

    Returns ``(k, N, G)`` arrays ``[q, i, r]`` for exporter ``exporters[q]`` (default: all
    ``G``), exporting sector ``i`` and importer ``r``, keyed by :data:`BM_TERMS` and
    ``"EXGR"`` (``E_{s→r}`` from ``Z`` and ``Y`` as in :func:`wwz`); ``r = s`` entries are 0.
    For every exporting sector with ``x > 0`` the terms add up to ``EXGR``.

    Cost: one LU of ``I − A`` (``solver``, built if not given), the column blocks ``B_{·s}``
    of the exporters in chunks (:func:`exporter_diagonal_blocks`), ``k`` solves for
    ``B·Y_{·s}``, one transposed solve for ``v'B``, ``N×N`` solves per country and products
    of ``A``'s exporter rows with ``N``-vectors per importer (``O(n²)`` each).
    """
    n = A.shape[0]
    N = n // G
    g = np.arange(G)
    S = g if exporters is None else np.asarray(exporters, dtype=int)
    k = S.size
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    coef = bm_src_coefficients(A, v, G, S, exporter_diagonal_blocks(solver, G, S), solver.BT_times(v))

    A4 = A.reshape(G, N, G, N)
    A_S = A4 if k == G and np.array_equal(S, g) else A4[S]       # [q, i, r, j] = A_{si,rj}
    A_diag = diagonal_blocks(A, G)
    Y3 = Y.reshape(G, N, G)
    intermediate, final = bilateral_exports(Z, Y, G)
    EXGR = (intermediate + final).reshape(G, N, G)[S]

    # N-vectors of importer r (per r, or per pair [q, r]) to which A_sr is applied
    LY = local_solve(A_diag, Y3)                                  # [r, :, l] = L_rr·Y_rl
    LY_own = LY[g, :, g]                                          # L_rr·Y_rr
    LY_abroad = LY.sum(axis=2) - LY_own                           # L_rr·Σ_{j≠r} Y_rj
    Ax = (A @ x).reshape(G, N) - np.einsum("rij,rj->ri", A_diag, x.reshape(G, N))
    LAx = local_solve(A_diag, Ax)                                 # L_rr·Σ_{j≠r} A_rj·x_j
    BY_S = solver.B_times(np.asfortranarray(Y[:, S]), overwrite=True)        # B·Y_{·s}, (n, k)
    ABY = (A @ BY_S).reshape(G, N, k) - np.einsum("rij,rjq->riq", A_diag, BY_S.reshape(G, N, k))
    ref2 = local_solve(A_diag, ABY).transpose(2, 0, 1)            # [q, r] = L_rr·Σ_{j≠r} A_rj·[BY_s]_j
    ref1 = LY[:, :, S].transpose(2, 0, 1)                         # [q, r] = L_rr·Y_rs

    def via_A(w: np.ndarray) -> np.ndarray:
        """``[q, i, r] = (A_sr·w)_i`` for ``w`` per importer ``[r, j]`` or per pair ``[q, r, j]``."""
        if w.ndim == 2:
            return np.einsum("sirj,rj->sir", A_S, w)
        return np.einsum("sirj,srj->sir", A_S, w)

    dl, dv, fx, fb = (coef[name][:, :, None] for name in ("dl", "dv", "fx", "fb"))
    Y_S = Y3[S]
    A_LY_own = via_A(LY_own)
    terms = {
        "VAX1": dl * Y_S,
        "VAX2": dl * A_LY_own,
        "VAX3": dl * via_A(LY_abroad[None] - ref1),
        "VAX4": dl * via_A(LAx[None] - ref2),
        "REF1": dl * via_A(ref1),
        "REF2": dl * via_A(ref2),
        "DDC": (dv - dl) * EXGR,
        "FVA1": fx * Y_S,
        "FVA2": fx * A_LY_own,
        "FVA3": fx * via_A(LY_abroad),
        "FVA4": fx * via_A(LAx),
        "FDC": (fb - fx) * EXGR,
    }
    q = np.arange(k)
    for arr in terms.values():
        arr[q, :, S] = 0.0
    terms["EXGR"] = EXGR
    return terms


def bm_standard(terms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Aggregates and GVC participation from the twelve terms (§11, exvatools' "standard").

    Shares are of ``EXGR`` and NaN (never 0) where ``EXGR = 0``.
    """
    out = {"DAVAX": terms["VAX1"] + terms["VAX2"]}
    out["VAX"] = out["DAVAX"] + terms["VAX3"] + terms["VAX4"]
    out["REF"] = terms["REF1"] + terms["REF2"]
    out["DVA"] = out["VAX"] + out["REF"]
    out["DC"] = out["DVA"] + terms["DDC"]
    out["FVA"] = terms["FVA1"] + terms["FVA2"] + terms["FVA3"] + terms["FVA4"]
    out["FC"] = out["FVA"] + terms["FDC"]
    out["GVCB"] = out["FC"] + terms["DDC"]
    out["GVCF"] = terms["VAX3"] + terms["VAX4"] + out["REF"]
    out["GVC"] = out["GVCB"] + out["GVCF"]
    E = terms["EXGR"]
    for name in ("GVCB", "GVCF", "GVC"):
        share = np.full(E.shape, np.nan)
        np.divide(out[name], E, out=share, where=E != 0)
        out[f"{name}_share"] = share
    return out


# ----- labelled wrappers -----------------------------------------------------------------------
def wwz(mrio: MRIO) -> pd.DataFrame:
    """The 16-term WWZ decomposition of every bilateral sector export flow (METHODS.md §9).

    Returns one row per ``(exporter, exporter_sector, importer)`` with ``importer ≠
    exporter``, the 16 terms named as in ``decompr::wwz`` (:data:`WWZ_TERMS`) and ``texp``
    (gross exports ``E_{s→r}``, §1). For every exporting sector with ``x > 0`` the terms
    add up to ``texp``. The table's own sectors are used (aggregate first if needed).
    """
    B = leontief_inverse(mrio.A, where=mrio.describe())
    terms = wwz_terms(mrio.A, B, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.G)
    del B
    out = _pair_frame(mrio, np.arange(mrio.G), {name: terms[name] for name in (*WWZ_TERMS, "texp")})
    out.attrs.update(source=mrio.meta.get("source"), year=mrio.year, method="WWZ 2013 (METHODS §9)")
    return out


def _pair_frame(mrio: MRIO, exporters: np.ndarray, arrays: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per ``(exporter, exporter_sector, importer ≠ exporter)`` from ``(k, N, G)`` arrays."""
    G, N = mrio.G, mrio.N
    s, i, r = np.meshgrid(np.asarray(exporters, dtype=int), np.arange(N), np.arange(G), indexing="ij")
    keep = (s != r).reshape(-1)
    countries = np.asarray(mrio.countries, dtype=object)
    frame = {
        "exporter": countries[s.reshape(-1)[keep]],
        "exporter_sector": np.asarray(mrio.sectors, dtype=object)[i.reshape(-1)[keep]],
        "importer": countries[r.reshape(-1)[keep]],
    }
    for name, arr in arrays.items():
        frame[name] = arr.reshape(-1)[keep]
    return pd.DataFrame(frame)


def _exporter_positions(mrio: MRIO, exporters: Sequence[str] | None) -> np.ndarray:
    if exporters is None:
        return np.arange(mrio.G)
    positions = [mrio.country_pos(c) for c in exporters]   # raises naming the unknown country
    if not positions:
        raise MRIOShapeError(f"{mrio.describe()}: the exporter list is empty")
    return np.asarray(sorted(set(positions)), dtype=int)


def borin_mancini(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms") -> pd.DataFrame:
    """Borin–Mancini source-based decomposition, exporter perspective (METHODS.md §11).

    Parameters
    ----------
    mrio : the closed table (its own sectors; aggregate first if needed).
    exporters : ISO3 codes of the exporting countries (default: all), in table order.
    output : ``"terms"``: ``EXGR`` and the twelve terms :data:`BM_TERMS` (exvatools'
        ``bm_src`` names); ``"standard"``: ``EXGR`` and :data:`BM_STANDARD` (aggregates and
        GVC participation, shares of ``EXGR``). See :data:`BM_OUTPUTS`.

    Returns
    -------
    One row per ``(exporter, exporter_sector, importer)`` with ``importer ≠ exporter``, as
    :func:`wwz` writes them. For every exporting sector with ``x > 0`` the terms add up to
    ``EXGR``. Cost: a few LU factorisations of ``I − A`` for all exporters
    (:func:`bm_src_terms`; ``bench/bench_bm.py``).
    """
    check_option("output", output, BM_OUTPUTS)
    S = _exporter_positions(mrio, exporters)
    terms = bm_src_terms(mrio.A, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.G, S, where=mrio.describe())
    arrays = {"EXGR": terms["EXGR"]}
    if output == "terms":
        arrays.update((name, terms[name]) for name in BM_TERMS)
    else:
        standard = bm_standard(terms)
        arrays.update((name, standard[name]) for name in BM_STANDARD)
    out = _pair_frame(mrio, S, arrays)
    out.attrs.update(source=mrio.meta.get("source"), year=mrio.year,
                     method=f"Borin-Mancini source-based, exporter perspective, {output} (METHODS §11)")
    return out


def decomposition(mrio: MRIO, method: str = "bm_src", *, exporters: Sequence[str] | None = None,
                  output: str = "terms") -> pd.DataFrame:
    """Decompose bilateral gross exports with ``method`` in :data:`DECOMPOSITIONS` (§9, §11).

    ``wwz``: :func:`wwz` (16 terms and ``texp``), rows of ``exporters`` only; it has no
    ``standard`` output. ``bm_src``: :func:`borin_mancini`.
    """
    check_option("method", method, DECOMPOSITIONS)
    check_option("output", output, BM_OUTPUTS)
    if method == "bm_src":
        return borin_mancini(mrio, exporters, output)
    if output != "terms":
        raise UnknownOptionError(f"output {output!r} is defined for method 'bm_src' only; method 'wwz' writes its terms")
    table = wwz(mrio)
    if exporters is not None:
        keep = np.asarray(mrio.countries, dtype=object)[_exporter_positions(mrio, exporters)]
        attrs = dict(table.attrs)
        table = table[table["exporter"].isin(keep)].reset_index(drop=True)
        table.attrs.update(attrs)
    return table


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
