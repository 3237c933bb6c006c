"""The paper's indices for China and each partner, industry by industry (METHODS.md §3–§6, §10).

:func:`pair_indices` is the array core for one year: one LU factorisation of ``I − A``
and a few hundred thin solves (:class:`~mutualism.gvc.decompose.LeontiefSolver`), never the
explicit inverse. :func:`year_indices` labels it; :func:`add_coordination` joins
consecutive years for ``XT`` (§3.3); :func:`compute_indices` runs a range of years in
parallel with an on-disk cache. Ratios with a zero denominator are NaN (never 0) and
:func:`missing_report` counts them per variable.

Which thin solves each block of indices needs (``c`` China, ``P`` partners, ``K`` industries,
``G`` countries, ``N`` sectors; METHODS §1):

- ``B_{c·,·}`` (``N`` transposed solves) and ``B_{·,c·}`` (``N`` solves) give every
  ``B_{ci,rj}`` and ``B_{rj,ci}``: the Φ terms of RH, θ (HD) and RVC (§3.1, §3.2, §5).
- ``dv_s = u'·diag(v_s)·B_ss`` for ``c`` and the partners (``P+1`` transposed solves) and
  ``v'B`` (one) give ``DVA = VAX`` and ``FV`` (§2, §3.3, §6).
- ``IV_s`` (§6): one solve per country ``s ∈ {c} ∪ partners`` with right-hand side
  ``E^{(−s)}`` (exports to countries other than ``s``), rows of ``s`` kept.
- ``B·Y`` (``G`` solves): the value-added exports ``ITR_vax`` and route 3 (§4).
- Routes (``itr="routes5"``): ``B·Y_own`` with ``Y_tt`` placed in block ``t`` (``G``
  solves; routes 2, 3, 5), ``B·Y_{·c}`` placed block by block (``G`` solves; ``B_dd·Y_dc``
  for route 1 and route 4 of ``r → c``). Route 4 of ``c → r``,
  ``Σ_d W_c·A_cd·B_dd·Y_dr``, needs a diagonal block of ``B`` for every third country
  ``d`` and every partner ``r``: done by transposition, ``(W_c A_cd)_{i·}·B_dd`` for China's
  ``K`` industries and each ``d`` (``K·(G−1)`` transposed solves, independent of the
  number of partners; the direct way would take ``G·P`` solves), then ``·Y_dr`` for all
  partners at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..core.config import FVA_OPTIONS, ITR_ATTRIBUTIONS, ITR_OPTIONS, ITR_SCALES, MANUFACTURING, Params
from ..core.errors import MRIOShapeError, check_option
from .blocked import one_blas_thread, task_threads
from .exports import bilateral_exports
from .leontief import LeontiefSolver, diagonal_blocks, local_solve
from ..io.mrio import MRIO

CHINA = "CHN"
ROUTES = ("ITR_dva_fin", "ITR_dva_int", "ITR_dva_intrex", "ITR_dva_int_third", "ITR_dva_intrex_third")
COLUMNS = (
    "year", "partner", "industry",
    "IIR_cr", "IDR_rc", "IIR_rc", "IDR_cr", "RH",
    "theta_cr", "theta_rc", "HD",
    "VAX_c", "VAX_r", "g_c", "g_r", "XT",
    "ITR", *ROUTES, "ITR_vax",
    "RVC", "INC", "IV_r", "FV_r", "GVC_P", "POS_c", "POS_r", "GVC_D", "RCA_c", "RCA_r", "RCA_D",
    "E_c", "E_r", "x_c", "x_r",
)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` with NaN (never 0, never an error) where the denominator is 0."""
    num, den = np.broadcast_arrays(np.asarray(numerator, float), np.asarray(denominator, float))
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _log1p_share(share: np.ndarray) -> np.ndarray:
    """``ln(1 + share)``, NaN where ``1 + share ≤ 0`` or the share is missing."""
    out = np.full(share.shape, np.nan)
    ok = np.isfinite(share) & (share > -1)
    out[ok] = np.log1p(share[ok])
    return out


# ----- one year: the array core ---------------------------------------------------------------
def pair_indices(A: np.ndarray, v: np.ndarray, Z: np.ndarray, Y: np.ndarray, x: np.ndarray, va: np.ndarray,
                 G: int, *, china: int,
                 partners: Sequence[int], industries: Sequence[int], fva: str = "leontief",
                 itr: str = "routes5", itr_attribution: str = "source", cross_industry: bool = False,
                 method: str = "lu",
                 where: str = "table", threads: int | None = None) -> dict[str, np.ndarray]:
    """All indices of one year except the growth-based ones, as ``(P, K)`` arrays (§3–§6).

    Parameters
    ----------
    A, v : technical and value-added coefficients (§1).
    Z, Y, x, va : the closed table (§1).
    G : number of countries. china : position of China ``c``. partners : positions of the
        partners ``r`` (``P``). industries : sector positions ``i`` (``K``).
    fva : ``leontief`` (§2) or ``wwz`` (value-added-relevant exports ``E*``) for θ (§3.2).
    itr : ``routes5`` computes the five routes of §4 (and ``ITR_vax``); ``vax`` computes
        only the value-added exports ``ITR_vax`` (the route columns are NaN: not computed).
    itr_attribution : ``source`` (default): a route's value added is indexed by the industry
        of ``a`` that *generates* it, ``diag(v_a)·L_aa·M`` (route 1 ``diag(v_a)·B_aa·Y_ab``);
        ``exporting`` (§4, WWZ's bookkeeping): by the industry of ``a`` whose *exports*
        embody it, ``(u'·diag(v_a)·L_aa)ᵀ ∘ M`` (route 1 ``(u'·diag(v_a)·B_aa)ᵀ ∘ Y_ab``),
        so routes 1 and 2 equal WWZ's ``DVA_FIN`` and ``DVA_INT`` (§9). ``ITR_vax`` is
        always by source industry (§4 defines the exporting bookkeeping for the routes).
    cross_industry : ``False``: China's industry ``i`` against partner's industry ``i``.
        ``True`` (METHODS §8 robustness): China's industry ``i`` against ``r``'s whole
        economy — every flow and stock on ``r``'s side is summed over ``r``'s ``N`` sectors
        *before* the ratios are formed: ``Φ_{ci,r} = Σ_j Φ_{ci,rj}``, ``x_r = Σ_j x_rj``,
        ``FVA_{r→ci} = Σ_j FVA_{rj→ci}``, ``FVA_{ci→r} = Σ_j FVA_{ci→rj}``, ``E_r = Σ_j E_rj``,
        ``VAX_r = Σ_j DVA_rj``, ``T_{c←r} = Σ_j T_{c←r}[j]``, ``va_r = Σ_j va_rj``, ``IV_r``,
        ``FV_r`` summed likewise. Denominators that are world totals use the same
        aggregate: ``INC = (va_ci + va_r) / Σ_s Σ_j va_sj`` (world value added, all
        sectors) and ``RCA_r = (E_r / E_r) / (Σ_s E_s / Σ_s E_s) = 1``.
    method : ``lu`` (default, thin solves) or ``inverse`` (explicit ``B``, for comparison).
    where : provenance (source and year) for error messages.
    threads : threads of the LU and the solves (default: :func:`~mutualism.gvc.blocked.task_threads`,
        the cores of this process). Every BLAS call runs on one thread and the LU and the
        solves are split in blocks fixed by the sizes (:mod:`mutualism.gvc.blocked`), so
        the numbers are the same to the bit for any ``threads`` (and any ``n_jobs``).

    Notes
    -----
    ``IV_s`` is computed for China as for the partners (§6 with ``s = c``: China's value
    added in other countries' exports to countries other than China); ``POS_c`` uses it.
    The five routes of §4 miss exactly one family of paths:
    ``ITR_vax − ITR_routes5 = Σ_{d∉{a,b}} Σ_{k∉{a,b,d}} W_a·A_ak·B_kd·Y_db`` summed over both
    directions — value added that passes through two different third countries before
    ``d``'s final goods reach ``b`` (from ``B_ab = L_aa·Σ_{k≠a} A_ak·B_kb``). With ``Y ≥ 0``
    it is non-negative, so ``vax ≥ routes5``.

    Returns
    -------
    dict of ``(P, K)`` arrays keyed by the METHODS §10 column names (without ``year``,
    ``partner``, ``industry``, ``g_c``, ``g_r``, ``XT``; ``ITR`` is the sum of the routes or
    ``ITR_vax`` according to ``itr``, unscaled).
    """
    check_option("fva", fva, FVA_OPTIONS)
    check_option("itr", itr, ITR_OPTIONS)
    check_option("itr_attribution", itr_attribution, ITR_ATTRIBUTIONS)
    if threads is None:
        threads = task_threads()
    with one_blas_thread():
        return _pair_indices(A, v, Z, Y, x, va, G, china=china, partners=partners, industries=industries, fva=fva,
                             itr=itr, itr_attribution=itr_attribution, cross_industry=cross_industry, method=method,
                             where=where, threads=threads)


def _pair_indices(A, v, Z, Y, x, va, G, *, china, partners, industries, fva, itr, itr_attribution, cross_industry,
                  method, where, threads):
    n = Z.shape[0]
    N = n // G
    c = int(china)
    rs = np.asarray(partners, dtype=int)
    ind = np.asarray(industries, dtype=int)
    P, K = rs.size, ind.size
    g = np.arange(G)
    solver = LeontiefSolver(A, method, where=where, threads=threads)

    Y3 = Y.reshape(G, N, G)
    v2, x2, va2 = v.reshape(G, N), x.reshape(G, N), va.reshape(G, N)
    A_diag = diagonal_blocks(A, G)
    intermediate, final = bilateral_exports(Z, Y, G)
    EX = intermediate + final                       # E_{si→r}, (n, G)
    E = EX.sum(axis=1)
    E2 = E.reshape(G, N)
    cb = slice(c * N, (c + 1) * N)
    own = np.concatenate([[c], rs])                 # China first, then the partners

    # Right-hand sides are filled in place in one Fortran-ordered buffer per direction and
    # overwritten by the solve (no concatenation copies, no copy inside LAPACK's wrapper).
    # --- normal solves: B_{·,c·}, IV right-hand sides, B·Y [, Y_tt and Y_dc placed] ---------
    widths = {"unit": N, "iv": own.size, "Y": G, **({"Y_own": G, "Y_to_c": G} if itr == "routes5" else {})}
    at = dict(zip(widths, np.cumsum([0, *widths.values()])))
    rhs = np.zeros((n, sum(widths.values())), order="F")
    rhs[cb, :N] = np.eye(N)
    iv = slice(at["iv"], at["iv"] + own.size)
    rhs[:, iv] = E[:, None] - EX[:, own]                               # E^{(−s)}
    rhs[_own_blocks(own, N, at["iv"])] = 0.0                           # d ≠ s
    rhs[:, at["Y"]:at["Y"] + G] = Y
    if itr == "routes5":
        rhs[_own_blocks(g, N, at["Y_own"])] = Y3[g, :, g]              # Y_tt in block t
        rhs[_own_blocks(g, N, at["Y_to_c"])] = Y3[:, :, c]             # Y_dc in block d
    sol = solver.B_times(rhs, overwrite=True)
    B_col_c = sol[:, :N].reshape(G, N, N)           # [r, j, i] = B_{rj,ci}
    IV_own = v2[own] * sol[_own_blocks(own, N, at["iv"])]             # (1+P, N)
    BY = sol[:, at["Y"]:at["Y"] + G].reshape(G, N, G)                  # [a, i, b] = (B·Y_{·b})_{ai}

    # --- transposed solves: B_{c·,·}, dv_s, v'B [, route 4 of c → r] ---------------------------
    # dl_s = u'·diag(v_s)·L_ss for China and the partners (§4 `exporting`, §9)
    dl_own = np.linalg.solve(np.swapaxes(np.eye(N) - A_diag[own], 1, 2), v2[own][..., None])[..., 0]
    if itr_attribution == "source":
        W_c_A = v2[c][:, None] * local_solve(A_diag[[c]], A[cb, :][None])[0]   # W_c·A_{c,·}, (N, n)
    else:
        W_c_A = dl_own[0][:, None] * A[cb, :]                                   # diag(dl_c)·A_{c,·}
    widths_t = {"unit": N, "dv": own.size, "v": 1, **({"route4": G * K} if itr == "routes5" else {})}
    at_t = dict(zip(widths_t, np.cumsum([0, *widths_t.values()])))
    rhs_t = np.zeros((n, sum(widths_t.values())), order="F")
    rhs_t[cb, :N] = np.eye(N)
    rhs_t[_own_blocks(own, N, at_t["dv"])] = v2[own]                    # v_s in block s
    rhs_t[:, at_t["v"]] = v
    if itr == "routes5":
        left = W_c_A[ind].reshape(K, G, N).transpose(1, 0, 2).copy()   # [d, k, j] = (W_c A_cd)_{k,j}
        left[c] = 0.0                                                   # d ≠ c
        route4 = _own_blocks(np.repeat(g, K), N, at_t["route4"])       # column (d, k) holds block d
        rhs_t[route4] = left.reshape(G * K, N)
    sol_t = solver.BT_times(rhs_t, overwrite=True)
    B_row_c = sol_t[:, :N].T.reshape(N, G, N)       # [i, r, j] = B_{ci,rj}
    dv_own = sol_t[_own_blocks(own, N, at_t["dv"])]                    # (1+P, N)
    vB = sol_t[:, at_t["v"]].reshape(G, N)

    DVA_own = dv_own * E2[own]
    FV_own = (vB[own] - dv_own) * E2[own]

    # --- aggregation on r's side (same industry, or r's whole economy) ------------------------
    def on_r(arr: np.ndarray) -> np.ndarray:
        """(P, K, N) over r's sector j → (P, K): j = i, or Σ_j when cross_industry."""
        return arr.sum(axis=2) if cross_industry else arr[:, np.arange(K), ind]

    def on_r_vec(arr: np.ndarray) -> np.ndarray:
        """(P, N) → (P, K)."""
        return on_r(np.broadcast_to(arr[:, None, :], (P, K, N)))

    B_cr = B_row_c[ind][:, rs, :].transpose(1, 0, 2)    # [p, k, j] = B_{ci,rj}
    B_rc = B_col_c[rs][:, :, ind].transpose(0, 2, 1)    # [p, k, j] = B_{rj,ci}
    v_c, x_c, E_c, va_c = v2[c, ind], x2[c, ind], E2[c, ind], va2[c, ind]
    v_r, x_r_s, E_r_s = v2[rs], x2[rs], E2[rs]
    x_r, E_r = on_r_vec(x_r_s), on_r_vec(E_r_s)

    # RH (§3.1)
    phi_cr = on_r(v_c[None, :, None] * B_cr * x_r_s[:, None, :])   # Φ_{ci,r·}
    phi_rc = on_r(v_r[:, None, :] * B_rc) * x_c[None, :]            # Φ_{r·,ci}
    out: dict[str, np.ndarray] = {
        "IIR_cr": ratio(phi_cr, x_r), "IDR_rc": ratio(phi_cr, x_c[None, :]),
        "IIR_rc": ratio(phi_rc, x_c[None, :]), "IDR_cr": ratio(phi_rc, x_r),
    }
    out["RH"] = (out["IIR_cr"] + out["IDR_rc"] + out["IIR_rc"] + out["IDR_cr"]) / 4

    # HD (§3.2) and RVC (§5)
    vB_rc = on_r(v_r[:, None, :] * B_rc)            # Σ_j v_rj B_{rj,ci}
    fva_r_to_c = vB_rc * E_c[None, :]
    fva_c_to_r = on_r(v_c[None, :, None] * B_cr * E_r_s[:, None, :])
    if fva == "wwz":
        L_Y_own = local_solve(A_diag, Y3[g, :, g]).reshape(n)        # L_dd·Y_dd
        A_LY = A @ L_Y_own - np.einsum("gij,gj->gi", A_diag, L_Y_own.reshape(G, N)).reshape(n)
        E_star = (final.sum(axis=1) + A_LY).reshape(G, N)            # E*_si
        theta_num_rc = vB_rc * E_star[c, ind][None, :]
        theta_num_cr = on_r(v_c[None, :, None] * B_cr * E_star[rs][:, None, :])
    else:
        theta_num_rc, theta_num_cr = fva_r_to_c, fva_c_to_r
    out["theta_cr"] = ratio(theta_num_rc, E_c[None, :])
    out["theta_rc"] = ratio(theta_num_cr, E_r)
    out["HD"] = (out["theta_cr"] + out["theta_rc"]) / 2
    out["RVC"] = ratio(fva_r_to_c + fva_c_to_r, E_c[None, :] + E_r)

    # VAX (§3.3), INC (§5)
    out["VAX_c"] = np.broadcast_to(DVA_own[0, ind], (P, K)).copy()
    out["VAX_r"] = on_r_vec(DVA_own[1:])
    world_va = va2.sum() if cross_industry else va2[:, ind].sum(axis=0)
    out["INC"] = ratio(va_c[None, :] + on_r_vec(va2[rs]), world_va)

    # ITR (§4)
    BY_c_r = BY[c][:, rs]                           # (B·Y_{·r})_c, (N, P)
    out["ITR_vax"] = (v_c[:, None] * BY_c_r[ind]).T + on_r_vec(v_r * BY[rs, :, c])
    if itr == "routes5":
        KD = sol[:, at["Y_own"]:at["Y_own"] + G].reshape(G, N, G)         # [d, j, t] = (B_dt·Y_tt)_j
        kc = sol[_own_blocks(g, N, at["Y_to_c"])]                           # B_dd·Y_dc
        H = sol_t[route4].reshape(G, K, N).transpose(0, 2, 1)              # [d, j, k] = ((W_c A_cd)_k·B_dd)_j
        exporting = None if itr_attribution == "source" else (dl_own, dv_own)
        routes = _routes(A, A_diag, v2, Y3, BY, B_row_c, B_col_c, KD, kc, H, c=c, rs=rs, ind=ind,
                         exporting=exporting)
        for name, (to_r, to_c) in zip(ROUTES, routes):
            out[name] = to_r + on_r_vec(to_c)
        out["ITR"] = sum(out[name] for name in ROUTES)
    else:
        for name in ROUTES:
            out[name] = np.full((P, K), np.nan)
        out["ITR"] = out["ITR_vax"].copy()

    # GVC participation and position, RCA (§6)
    IV_r, FV_r = on_r_vec(IV_own[1:]), on_r_vec(FV_own[1:])
    out["IV_r"], out["FV_r"] = IV_r, FV_r
    out["GVC_P"] = ratio(IV_r + FV_r, E_r)
    pos_c = (_log1p_share(ratio(IV_own[0, ind], E_c)) - _log1p_share(ratio(FV_own[0, ind], E_c)))
    out["POS_c"] = np.broadcast_to(pos_c, (P, K)).copy()
    out["POS_r"] = _log1p_share(ratio(IV_r, E_r)) - _log1p_share(ratio(FV_r, E_r))
    out["GVC_D"] = np.abs(out["POS_c"] - out["POS_r"])
    world_E = E2.sum()
    rca_c = ratio(ratio(E_c, E2[c].sum()), ratio(E2[:, ind].sum(axis=0), world_E))
    out["RCA_c"] = np.broadcast_to(rca_c, (P, K)).copy()
    world_E_agg = world_E if cross_industry else E2[:, ind].sum(axis=0)[None, :]
    out["RCA_r"] = ratio(ratio(E_r, E_r_s.sum(axis=1)[:, None]), ratio(world_E_agg, world_E))
    out["RCA_D"] = np.abs(out["RCA_c"] - out["RCA_r"])
    out["E_c"] = np.broadcast_to(E_c, (P, K)).copy()
    out["E_r"], out["x_c"], out["x_r"] = E_r, np.broadcast_to(x_c, (P, K)).copy(), x_r
    return out


def _own_blocks(countries: np.ndarray, N: int, first_column: int) -> tuple[np.ndarray, np.ndarray]:
    """Index of the rows of ``countries[q]`` in column ``first_column + q`` (shape ``(k, N)``)."""
    countries = np.asarray(countries, dtype=int)
    rows = countries[:, None] * N + np.arange(N)[None, :]
    cols = first_column + np.arange(countries.size)[:, None]
    return rows, np.broadcast_to(cols, rows.shape)


def _routes(A, A_diag, v2, Y3, BY, B_row_c, B_col_c, KD, kc, H, *, c, rs, ind, exporting=None):
    """The five ITR routes of METHODS §4 in both directions.

    Returns five pairs ``(to_r, to_c)``: ``to_r`` is ``T_{r←c}`` for China's industries,
    ``(P, K)``; ``to_c`` is ``T_{c←r}`` over each partner's ``N`` sectors, ``(P, N)``.
    ``KD[d, :, t] = B_dt·Y_tt``, ``kc[d] = B_dd·Y_dc``, ``H[d, :, k] = ((W_c A_cd)_{k·}·B_dd)'``.
    ``exporting``: ``None`` for the ``source`` attribution, else ``(dl, dv)`` of China and the
    partners (``(1+P, N)`` each): each ``W_a·M`` becomes ``dl_a ∘ M`` and route 1
    ``dv_a ∘ Y_ab`` (§4; ``H`` must then be built from ``diag(dl_c)·A_cd``).
    """
    G, N, _ = Y3.shape
    n = G * N
    g = np.arange(G)
    cb = slice(c * N, (c + 1) * N)
    kd = KD[g, :, g]                                # B_tt·Y_tt
    A_c_row = A[cb, :].reshape(N, G, N)             # [i, r, j] = A_{ci,rj}
    A_r_c = A[:, cb].reshape(G, N, N)[rs]           # [p, j, i] = A_{rj,ci}
    A_rr = A_diag[rs]

    def W_c(z: np.ndarray) -> np.ndarray:           # diag(v_c)·L_cc·z, z (N, P) → (P, K)
        if exporting is not None:                   # dl_c ∘ z
            return (exporting[0][0][:, None] * z)[ind].T
        return (v2[c][:, None] * local_solve(A_diag[[c]], z[None])[0])[ind].T

    def W_r(z: np.ndarray) -> np.ndarray:           # diag(v_r)·L_rr·z_r, z (P, N)
        if exporting is not None:                   # dl_r ∘ z_r
            return exporting[0][1:] * z
        return v2[rs] * local_solve(A_rr, z)

    def A_cr(z: np.ndarray) -> np.ndarray:          # A_{c,r}·z_r, z (P, N) → (N, P)
        return np.einsum("ipj,pj->ip", A_c_row[:, rs, :], z)

    def A_rc(z: np.ndarray) -> np.ndarray:          # A_{r,c}·z, z (N,) → (P, N)
        return A_r_c @ z

    # China → partner r (rows: China's industries)
    B_cc_Y_cr = B_row_c[:, c, :] @ Y3[c][:, rs]                              # (N, P)
    B_rc_Y_cr = np.einsum("pji,ip->pj", B_col_c[rs], Y3[c][:, rs])           # B_rc·Y_cr
    rex_r = BY[rs, :, rs] - kd[rs] - B_rc_Y_cr                               # Σ_{d∉{c,r}} B_rd·Y_dr
    M4 = np.einsum("djk,djp->dkp", H, Y3[:, :, rs])                          # [d, k, p]
    route4_r = M4.sum(axis=0) - M4[rs, :, np.arange(rs.size)].T              # d ∉ {c, r} (H_c = 0)
    third_r = (A[cb, :] @ KD[:, :, rs].reshape(n, rs.size) - A[cb, cb] @ KD[c][:, rs] - A_cr(kd[rs]))
    to_r = [
        (v2[c][:, None] * B_cc_Y_cr)[ind].T if exporting is None else (exporting[1][0][:, None] * Y3[c][:, rs])[ind].T,
        W_c(A_cr(kd[rs])),
        W_c(A_cr(rex_r)),
        route4_r.T,
        W_c(third_r),
    ]
    # partner r → China (rows: r's sectors)
    B_cr_Y_rc = np.einsum("ipj,pj->pi", B_row_c[:, rs, :], Y3[rs, :, c])     # B_cr·Y_rc
    rex_c = BY[c, :, c][None, :] - kd[c][None, :] - B_cr_Y_rc                # Σ_{d∉{r,c}} B_cd·Y_dc
    A_kc = (A @ kc.reshape(n)).reshape(G, N)
    A_KDc = (A @ KD[:, :, c].reshape(n)).reshape(G, N)
    to_c = [
        v2[rs] * kc[rs] if exporting is None else exporting[1][1:] * Y3[rs, :, c],
        W_r(A_rc(kd[c])),
        W_r(np.einsum("pji,pi->pj", A_r_c, rex_c)),
        W_r(A_kc[rs] - np.einsum("pij,pj->pi", A_rr, kc[rs]) - A_rc(kc[c])),
        W_r(A_KDc[rs] - np.einsum("pij,pj->pi", A_rr, KD[rs, :, c]) - A_rc(KD[c, :, c])),
    ]
    return list(zip(to_r, to_c))


# ----- one year: labelled -------------------------------------------------------------------------
def year_indices(mrio: MRIO, partners: Sequence[str], *, china: str = CHINA, industries: Sequence[str] | None = None,
                 fva: str = "leontief", itr: str = "routes5", itr_attribution: str = "source",
                 itr_scale: str = "level",
                 cross_industry: bool = False, method: str = "lu", threads: int | None = None) -> pd.DataFrame:
    """The §10 indices of one year, one row per (partner, industry) (METHODS.md §3–§6).

    Everything except ``g_c, g_r, XT``, which need the previous year (:func:`add_coordination`).
    ``industries`` defaults to the paper's eight (``C4``…``C11``) present in the table.
    ``itr_scale="world_output_share"`` divides ``ITR``, its routes and ``ITR_vax`` by world
    gross output ``Σx`` of the year (§4). See :func:`pair_indices` for the other options.

    Raises
    ------
    MRIOShapeError
        China or a partner is not in the table, a partner is China, or an industry is missing.
    """
    check_option("itr_scale", itr_scale, ITR_SCALES)
    c = mrio.country_pos(china)
    mrio.require_output(china)  # China without output: an error naming the year (METHODS §1)
    partners = list(partners)
    if china in partners:
        raise MRIOShapeError(f"{mrio.describe()}: the partner list contains China ({china})")
    rs = [mrio.country_pos(p) for p in partners]
    if industries is None:
        industries = [s for s in MANUFACTURING if s in mrio.sectors]
        if not industries:
            raise MRIOShapeError(f"{mrio.describe()}: none of the manufacturing industries {MANUFACTURING} is a "
                                 f"sector of the table ({', '.join(mrio.sectors[:6])}, …); apply a concordance first")
    missing = [s for s in industries if s not in mrio.sectors]
    if missing:
        raise MRIOShapeError(f"{mrio.describe()}: industries {missing} are not sectors of the table")
    ind = [mrio.sectors.index(s) for s in industries]
    arrays = pair_indices(mrio.A, mrio.v, mrio.Z, mrio.Y, mrio.x, mrio.va, mrio.G, china=c, partners=rs, industries=ind,
                          fva=fva, itr=itr, itr_attribution=itr_attribution, cross_industry=cross_industry,
                          method=method, where=mrio.describe(), threads=threads)
    if itr_scale == "world_output_share":
        world_output = float(mrio.x.sum())
        for name in ("ITR", *ROUTES, "ITR_vax"):
            arrays[name] = arrays[name] / world_output
    P, K = len(rs), len(ind)
    frame: dict[str, Any] = {
        "year": np.full(P * K, mrio.year, dtype=int),
        "partner": np.repeat(np.asarray(partners, dtype=object), K),
        "industry": np.tile(np.asarray(industries, dtype=object), P),
    }
    frame.update({name: arrays[name].reshape(-1) for name in COLUMNS if name in arrays})
    out = mask_zero_output(pd.DataFrame(frame))
    silent = [p for p in partners if p in mrio.zero_output_countries]
    if silent:  # a partner without any output: every value of its cells is missing, its flows too
        keep = {"year", "partner", "industry", "E_c", "x_c", "x_r"}
        out.loc[out["partner"].isin(silent), [col for col in out.columns if col not in keep]] = np.nan
    out.attrs["notes"] = list(mrio.meta.get("notes", []))  # e.g. a country code no partner set knows
    return out


#: Flows of §10 that stay as the table gives them in a cell with zero output; every other
#: column (a ratio, or a quantity formed from one) is missing there (METHODS §1).
FLOW_COLUMNS = ("VAX_c", "VAX_r", "ITR", *ROUTES, "ITR_vax", "IV_r", "FV_r", "x_c", "x_r")


def mask_zero_output(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells whose China industry or partner industry (whole economy when cross-industry)
    has ``x = 0`` get NaN in every ratio, and ``E`` is NaN on the side without output (METHODS §1).

    A sector with a (small) negative row sum has ``x`` set to 0 but keeps non-zero sales, so
    its exports and every ratio over them (``theta``, ``HD``, ``GVC_P``, ``RCA``…) would be
    numbers, 0 or of the wrong sign; a zero-output cell carries no index: it leaves the
    panel and is counted as zero output (:func:`mutualism.econometrics.panel.zero_output_cells`).
    """
    zero_c = (frame["x_c"] == 0).to_numpy()
    zero_r = (frame["x_r"] == 0).to_numpy()
    zero = zero_c | zero_r
    if zero.any():
        keys = {"year", "partner", "industry", "E_c", "E_r"}
        ratios = [col for col in frame.columns if col not in keys and col not in FLOW_COLUMNS]
        frame.loc[zero, ratios] = np.nan
        frame.loc[zero_c, "E_c"] = np.nan
        frame.loc[zero_r, "E_r"] = np.nan
    return frame


# ----- XT across years (§3.3) --------------------------------------------------------------------
def growth_rate(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """``g = (VAX_t − VAX_{t−1}) / VAX_{t−1}``; NaN where ``VAX_{t−1} ≤ 0`` or missing (§3.3)."""
    current, previous = np.asarray(current, float), np.asarray(previous, float)
    out = np.full(np.broadcast(current, previous).shape, np.nan)
    ok = previous > 0
    out[ok] = (current[ok] - previous[ok]) / previous[ok]
    return out


def coordination(g_c: np.ndarray, g_r: np.ndarray) -> np.ndarray:
    """``XT = (|g_c| + |g_r|) / (2·|g_c − g_r|)`` (METHODS §3.3, closed form of eqs. 9–11).

    Finite when one rate is zero (``1/2``); NaN when ``g_c = g_r`` (both zero included) or
    either rate is missing.
    """
    g_c, g_r = np.asarray(g_c, float), np.asarray(g_r, float)
    return ratio(np.abs(g_c) + np.abs(g_r), 2 * np.abs(g_c - g_r))


def add_coordination(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``g_c``, ``g_r``, ``XT`` by joining each (partner, industry) with its previous year.

    Rows without a previous-year row get NaN growth rates (and XT), counted by
    :func:`missing_report`.
    """
    keys = ["partner", "industry"]
    prev = frame[["year", *keys, "VAX_c", "VAX_r"]].copy()
    prev["year"] += 1
    joined = frame.merge(prev, on=["year", *keys], how="left", suffixes=("", "_prev"))
    out = frame.copy()
    out["g_c"] = growth_rate(joined["VAX_c"].to_numpy(), joined["VAX_c_prev"].to_numpy())
    out["g_r"] = growth_rate(joined["VAX_r"].to_numpy(), joined["VAX_r_prev"].to_numpy())
    if "x_c" in out.columns and "x_r" in out.columns:  # no growth rate for a cell without output (§1)
        no_output = ((out["x_c"] == 0) | (out["x_r"] == 0)).to_numpy()
        out.loc[no_output, ["g_c", "g_r"]] = np.nan
    out["XT"] = coordination(out["g_c"].to_numpy(), out["g_r"].to_numpy())
    return out[[c for c in COLUMNS if c in out.columns]]


def missing_report(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing (NaN) cells per variable: ``variable, missing, share`` (never filled with 0)."""
    values = frame.drop(columns=["year", "partner", "industry"], errors="ignore")
    counts = values.isna().sum()
    return pd.DataFrame({"variable": counts.index, "missing": counts.to_numpy(),
                         "share": counts.to_numpy() / max(len(frame), 1)}).reset_index(drop=True)


# ----- many years, cached ---------------------------------------------------------------------------
@dataclass(frozen=True)
class YearTask:
    params: Params
    year: int
    cross_industry: bool


def _partners(params: Params, available: Sequence[str]) -> list[str]:
    from ..core.countries import partner_set  # aliases and duplicates of an explicit list handled there

    return partner_set(params.partners, list(available), china=CHINA)


#: Params fields that do not change one year's indices (they act on the panel, the
#: estimation or where things run); every other field is part of the indices' cache key.
_NOT_INDEX_OPTIONS = frozenset({"years", "winsor", "cov_type", "bootstrap_reps", "cache_dir", "controls_path",
                                "scheduler", "mediator_form", "example_table", "extra"})


def year_cache_file(task: YearTask) -> Path:
    """The cache entry of one year's indices (:mod:`mutualism.core.cache`): keyed by the parsed
    table's key (content of its files), the options, the reference data (named partner sets
    come from ``data/countries.csv``) and the source of this module and what it imports."""
    from ..core.cache import data_digest, make_key, source_digest
    from ..io.sources import cache_key

    p = task.params
    table_key = cache_key(p.source, task.year, p.data_path, cache_dir=p.cache_dir, size=p.synthetic_size,
                          seed=p.seed, concordance=p.concordance, balance="check")
    options = {k: v for k, v in p.as_dict().items() if k not in _NOT_INDEX_OPTIONS}
    key = make_key(table=table_key, options=options, cross_industry=task.cross_industry, data=data_digest(),
                   library=source_digest(__name__))
    return Path(p.cache_dir) / "indices" / f"{task.year}-{key}.parquet"


def run_year(task: YearTask, tables: dict | None = None) -> tuple[pd.DataFrame, float, float]:
    """Indices of one year through the parquet cache; returns (frame, load s, compute s).
    ``tables``: the tables read so far by a batch of tasks (the multiverse's variants of
    one year share one read), keyed by everything :func:`~mutualism.io.sources.load_year` reads.

    Computed on the cores of this process (:func:`~mutualism.gvc.blocked.task_threads`:
    all of them when ``n_jobs=1``, the worker's share otherwise), the same numbers to the
    bit whatever their number (:func:`pair_indices`): the indices that difference nearly
    equal numbers (``g``, ``XT``, ``GVC_D``) do not depend on ``n_jobs`` or the scheduler.
    """
    import time

    from ..core.cache import read_entry, store
    from ..io.sources import load_year

    cache = year_cache_file(task)
    ok, cached = read_entry(cache, pd.read_parquet)
    if ok:
        return cached, 0.0, 0.0
    p = task.params
    t0 = time.perf_counter()
    read = (p.source, task.year, p.data_path, p.synthetic_size, p.seed, p.concordance, p.cache_dir)
    mrio = None if tables is None else tables.get(read)
    if mrio is None:
        mrio = load_year(p.source, task.year, p.data_path, size=p.synthetic_size, seed=p.seed,
                         concordance=p.concordance, cache_dir=Path(p.cache_dir))
        if tables is not None:
            tables[read] = mrio
    t1 = time.perf_counter()
    frame = year_indices(mrio, _partners(p, mrio.countries), fva=p.fva, itr=p.itr,
                         itr_attribution=p.itr_attribution, itr_scale=p.itr_scale,
                         cross_industry=task.cross_industry)
    t2 = time.perf_counter()
    store(cache, lambda tmp: frame.to_parquet(tmp, index=False))
    return frame, t1 - t0, t2 - t1


def _merge_year_notes(frames: Sequence[pd.DataFrame]) -> list[str]:
    """The tables' notes of every year (``attrs["notes"]``), one line for the same note in
    several years: ``Eora26 2004, 2005 (path): labels_T.txt: country code 'XXX' …``."""
    years: dict[str, list[int]] = {}
    for frame in frames:
        year = int(frame["year"].iloc[0]) if len(frame) else None
        for note in frame.attrs.get("notes", []):
            key = note.replace(f" {year}", " {years}", 1) if year is not None else note
            years.setdefault(key, []).append(year)
    return [key.replace("{years}", ", ".join(str(y) for y in sorted(set(ys)) if y is not None))
            for key, ys in years.items()]


def compute_indices(params: Params, n_jobs: int = 1, timer: Callable | None = None, progress: bool = True,
                    cross_industry: bool = False, scheduler: str | None = None) -> pd.DataFrame:
    """The §10 indices for ``params.years`` (one row per year, partner, industry).

    Loads ``params.load_years`` (the year before the first is needed for ``XT``), one
    joblib process per year (``n_jobs``), each year's result cached as parquet under
    ``params.cache_dir/indices`` (:mod:`mutualism.core.cache`: keyed by the content of the input
    table, the options, the reference data and the library source; verified when read). ``timer`` (:class:`mutualism.cli.Timer`) receives the
    summed per-year ``load`` and ``compute`` times. ``df.attrs["missing"]`` holds
    :func:`missing_report` as a dict. ``scheduler`` (default ``params.scheduler``): the
    address of a dask.distributed scheduler that runs the years instead of joblib; its
    workers must see the tables and the cache at the same absolute paths
    (:mod:`mutualism.core.parallel`).
    """
    from ..core.parallel import run_tasks, shared_paths

    scheduler = scheduler or params.scheduler
    if scheduler:
        params = shared_paths(params)
    tasks = [YearTask(params, year, cross_industry) for year in params.load_years]
    results = run_tasks(run_year, tasks, n_jobs=n_jobs, scheduler=scheduler, progress="indices" if progress else None)
    frames = []
    for frame, load_s, compute_s in results:
        frames.append(frame)
        if timer is not None:
            timer.spent["load"] = timer.spent.get("load", 0.0) + load_s
            timer.spent["compute"] = timer.spent.get("compute", 0.0) + compute_s
    out = add_coordination(pd.concat(frames, ignore_index=True))
    out = out[out["year"].isin(params.years)].reset_index(drop=True)
    out.attrs["missing"] = missing_report(out).set_index("variable")["missing"].to_dict()
    out.attrs["notes"] = _merge_year_notes(frames)
    out.attrs["params"] = params.describe() + (" (cross-industry)" if cross_industry else "")
    return out
