"""The paper's indices for China and each partner, industry by industry (METHODS.md §3–§6, §10).

:func:`pair_indices` is the array core for one year: one LU factorisation of ``I − A``
and a few hundred thin solves (:class:`~mutualism.gvc.decompose.LeontiefSolver`), never the
explicit inverse, in three steps — the table in country blocks (``_arrange``, §1), two
batched solves (``_solve``: ``_normal_solves``, ``_transposed_solves``), then one function
per quantity (``_fusion`` §3.1, ``_interaction`` §3.2, ``_vax`` §3.3, ``_itr`` §4 with
``_routes_to_partner``/``_routes_to_china``, ``_rvc`` and ``_inc`` §5, ``_participation``,
``_position``, ``_rca`` §6). :func:`year_indices` labels it; :func:`add_coordination` joins
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
    t = _arrange(A, v, Z, Y, x, va, G, china=china, partners=partners, industries=industries,
                 cross_industry=cross_industry)
    with one_blas_thread():
        s = _solve(t, LeontiefSolver(A, method, where=where, threads=threads), itr=itr,
                   itr_attribution=itr_attribution)
        out: dict[str, np.ndarray] = {}
        out.update(_fusion(t, s))
        out.update(_interaction(t, s, fva))
        out["RVC"] = _rvc(t, s)
        out.update(_vax(t, s))
        out["INC"] = _inc(t)
        out.update(_itr(t, s, itr))
        out.update(_participation(t, s))
        out.update(_position(t, s))
        out.update(_rca(t))
        out.update(_flows(t))
    return out


# ----- step 1: the year's table by country block (§1) ---------------------------------------------
@dataclass(frozen=True)
class _Table:
    """One year's arrays in country blocks (§1) and who is compared: China ``c``, the
    partners ``rs`` (``P``), the industries ``ind`` (``K``); ``EX`` holds ``E_{si→r}`` (``n × G``)."""

    A: np.ndarray
    A_diag: np.ndarray              # (G, N, N): A_ss
    Y3: np.ndarray                  # (G, N, G): [s, i, r] = Y_{si,r}
    v2: np.ndarray                  # (G, N)
    x2: np.ndarray
    va2: np.ndarray
    final: np.ndarray               # (n, G): final exports Y_{si,r}, r ≠ s
    EX: np.ndarray                  # (n, G): gross exports E_{si→r}
    E2: np.ndarray                  # (G, N): E_si
    c: int
    rs: np.ndarray
    ind: np.ndarray
    cross_industry: bool

    @property
    def G(self) -> int:
        return self.Y3.shape[0]

    @property
    def N(self) -> int:
        return self.Y3.shape[1]

    @property
    def n(self) -> int:
        return self.G * self.N

    @property
    def P(self) -> int:
        return self.rs.size

    @property
    def K(self) -> int:
        return self.ind.size

    @property
    def own(self) -> np.ndarray:
        """China first, then the partners: the countries ``s`` of ``IV_s``, ``dv_s`` (§2, §6)."""
        return np.concatenate([[self.c], self.rs])

    @property
    def cb(self) -> slice:
        """China's rows."""
        return slice(self.c * self.N, (self.c + 1) * self.N)

    def on_r(self, arr: np.ndarray) -> np.ndarray:
        """``(P, K, N)`` over ``r``'s sector ``j`` → ``(P, K)``: ``j = i``, or ``Σ_j`` when cross-industry."""
        return arr.sum(axis=2) if self.cross_industry else arr[:, np.arange(self.K), self.ind]

    def on_r_vec(self, arr: np.ndarray) -> np.ndarray:
        """``(P, N)`` → ``(P, K)`` (as :meth:`on_r`)."""
        return self.on_r(np.broadcast_to(arr[:, None, :], (self.P, self.K, self.N)))

    def china(self, arr2: np.ndarray) -> np.ndarray:
        """China's industries of a ``(G, N)`` array, ``(K,)``."""
        return arr2[self.c, self.ind]

    @property
    def E_r(self) -> np.ndarray:
        """Partners' exports ``E_ri`` (or ``Σ_j E_rj``), ``(P, K)``."""
        return self.on_r_vec(self.E2[self.rs])

    @property
    def x_r(self) -> np.ndarray:
        return self.on_r_vec(self.x2[self.rs])


def _arrange(A, v, Z, Y, x, va, G, *, china, partners, industries, cross_industry) -> _Table:
    """The arrays of :func:`pair_indices` in country blocks, with gross exports by destination (§1)."""
    N = Z.shape[0] // G
    intermediate, final = bilateral_exports(Z, Y, G)
    EX = intermediate + final
    return _Table(A=A, A_diag=diagonal_blocks(A, G), Y3=Y.reshape(G, N, G), v2=v.reshape(G, N), x2=x.reshape(G, N),
                  va2=va.reshape(G, N), final=final, EX=EX, E2=EX.sum(axis=1).reshape(G, N), c=int(china),
                  rs=np.asarray(partners, dtype=int), ind=np.asarray(industries, dtype=int),
                  cross_industry=cross_industry)


# ----- step 2: two batched solves (§1, performance path) ------------------------------------------
@dataclass(frozen=True)
class _Solved:
    """What the two solves give. ``B_col_c[r, j, i] = B_{rj,ci}``, ``B_row_c[i, r, j] = B_{ci,rj}``,
    ``BY[a, i, b] = (B·Y_{·b})_{ai}``; ``IV``, ``dv`` (``dv_s = u'·diag(v_s)·B_ss``) and ``dl``
    (``u'·diag(v_s)·L_ss``) of China and the partners, ``(1+P, N)``; ``vB = v'B``, ``(G, N)``.
    Under ``routes5`` also ``KD[d, :, t] = B_dt·Y_tt``, ``kc[d] = B_dd·Y_dc`` and
    ``H[d, :, k] = ((W_c A_cd)_{k·}·B_dd)'`` (route 4); ``exporting`` is ``(dl, dv)`` under that
    attribution, else ``None``."""

    B_col_c: np.ndarray
    B_row_c: np.ndarray
    BY: np.ndarray
    IV_own: np.ndarray
    dv_own: np.ndarray
    dl_own: np.ndarray
    vB: np.ndarray
    B_cr: np.ndarray                # [p, k, j] = B_{ci,rj}
    B_rc: np.ndarray                # [p, k, j] = B_{rj,ci}
    KD: np.ndarray | None = None
    kc: np.ndarray | None = None
    H: np.ndarray | None = None
    exporting: tuple[np.ndarray, np.ndarray] | None = None


def _layout(widths: dict[str, int]) -> tuple[dict[str, int], int]:
    """First column of each named group of right-hand sides, and their total."""
    starts = dict(zip(widths, np.cumsum([0, *widths.values()])))
    return {k: int(v) for k, v in starts.items()}, int(sum(widths.values()))


def _normal_solves(t: _Table, solver: LeontiefSolver, itr: str) -> dict[str, np.ndarray]:
    """``B·M`` for ``B_{·,c·}``, the ``IV_s`` right-hand sides ``E^{(−s)}`` (§6), ``B·Y`` (§4)
    and, under ``routes5``, ``Y_tt`` and ``Y_dc`` placed in blocks (routes 1–5, §4).

    The right-hand sides are filled in place in one Fortran-ordered buffer, which the solve
    overwrites (no concatenation copies, no copy inside LAPACK's wrapper).
    """
    G, N, c, own, g = t.G, t.N, t.c, t.own, np.arange(t.G)
    widths = {"unit": N, "iv": own.size, "Y": G, **({"Y_own": G, "Y_to_c": G} if itr == "routes5" else {})}
    at, total = _layout(widths)
    rhs = np.zeros((t.n, total), order="F")
    rhs[t.cb, :N] = np.eye(N)
    E = t.E2.reshape(t.n)
    rhs[:, at["iv"]:at["iv"] + own.size] = E[:, None] - t.EX[:, own]       # E^{(−s)}
    rhs[_own_blocks(own, N, at["iv"])] = 0.0                               # d ≠ s
    rhs[:, at["Y"]:at["Y"] + G] = t.Y3.reshape(t.n, G)
    if itr == "routes5":
        rhs[_own_blocks(g, N, at["Y_own"])] = t.Y3[g, :, g]               # Y_tt in block t
        rhs[_own_blocks(g, N, at["Y_to_c"])] = t.Y3[:, :, c]              # Y_dc in block d
    sol = solver.B_times(rhs, overwrite=True)
    out = {"B_col_c": sol[:, :N].reshape(G, N, N),
           "IV_own": t.v2[own] * sol[_own_blocks(own, N, at["iv"])],
           "BY": sol[:, at["Y"]:at["Y"] + G].reshape(G, N, G)}
    if itr == "routes5":
        out["KD"] = sol[:, at["Y_own"]:at["Y_own"] + G].reshape(G, N, G)
        out["kc"] = sol[_own_blocks(g, N, at["Y_to_c"])]
    return out


def _transposed_solves(t: _Table, solver: LeontiefSolver, itr: str, itr_attribution: str) -> dict[str, np.ndarray]:
    """``B'·M`` for ``B_{c·,·}``, ``dv_s`` (§2, §3.3), ``v'B`` (§2, §6) and, under ``routes5``,
    ``(W_c A_cd)_{k·}·B_dd`` for China's ``K`` industries and every third country ``d``
    (route 4 of ``c → r``, §4); ``dl_s`` for the ``exporting`` attribution (§4, §9)."""
    G, N, K, c, own, ind = t.G, t.N, t.K, t.c, t.own, t.ind
    dl_own = np.linalg.solve(np.swapaxes(np.eye(N) - t.A_diag[own], 1, 2), t.v2[own][..., None])[..., 0]
    widths = {"unit": N, "dv": own.size, "v": 1, **({"route4": G * K} if itr == "routes5" else {})}
    at, total = _layout(widths)
    rhs = np.zeros((t.n, total), order="F")
    rhs[t.cb, :N] = np.eye(N)
    rhs[_own_blocks(own, N, at["dv"])] = t.v2[own]                        # v_s in block s
    rhs[:, at["v"]] = t.v2.reshape(t.n)
    if itr == "routes5":
        if itr_attribution == "source":
            W_c_A = t.v2[c][:, None] * local_solve(t.A_diag[[c]], t.A[t.cb, :][None])[0]   # W_c·A_{c,·}, (N, n)
        else:
            W_c_A = dl_own[0][:, None] * t.A[t.cb, :]                                     # diag(dl_c)·A_{c,·}
        left = W_c_A[ind].reshape(K, G, N).transpose(1, 0, 2).copy()   # [d, k, j] = (W_c A_cd)_{k,j}
        left[c] = 0.0                                                   # d ≠ c
        route4 = _own_blocks(np.repeat(np.arange(G), K), N, at["route4"])  # column (d, k) holds block d
        rhs[route4] = left.reshape(G * K, N)
    sol = solver.BT_times(rhs, overwrite=True)
    out = {"B_row_c": sol[:, :N].T.reshape(N, G, N), "dv_own": sol[_own_blocks(own, N, at["dv"])],
           "vB": sol[:, at["v"]].reshape(G, N), "dl_own": dl_own}
    if itr == "routes5":
        out["H"] = sol[route4].reshape(G, K, N).transpose(0, 2, 1)   # [d, j, k] = ((W_c A_cd)_k·B_dd)_j
    return out


def _solve(t: _Table, solver: LeontiefSolver, *, itr: str, itr_attribution: str) -> _Solved:
    """Both solves, and ``B_{ci,rj}``, ``B_{rj,ci}`` for the pairs compared (§3.1, §3.2)."""
    normal = _normal_solves(t, solver, itr)
    transposed = _transposed_solves(t, solver, itr, itr_attribution)
    B_cr = transposed["B_row_c"][t.ind][:, t.rs, :].transpose(1, 0, 2)
    B_rc = normal["B_col_c"][t.rs][:, :, t.ind].transpose(0, 2, 1)
    exporting = None if itr_attribution == "source" else (transposed["dl_own"], transposed["dv_own"])
    return _Solved(B_cr=B_cr, B_rc=B_rc, exporting=exporting, **normal, **transposed)


# ----- step 3: one function per quantity (§2–§6) ---------------------------------------------------
def _from_c(t: _Table, s: _Solved, weight: np.ndarray) -> np.ndarray:
    """``Σ_j v_ci·B_{ci,rj}·w_rj`` (``j = i`` or all of ``r``'s sectors): China's ``ci`` value
    added in ``r``'s quantity ``w`` (``(P, N)``), e.g. ``Φ_{ci,r}`` with ``w = x_r`` (§2, §3.1)."""
    return t.on_r(t.china(t.v2)[None, :, None] * s.B_cr * weight[:, None, :])


def _from_r(t: _Table, s: _Solved) -> np.ndarray:
    """``Σ_j v_rj·B_{rj,ci}``: ``r``'s value added per unit of ``ci``'s output, ``(P, K)`` (§2, §3.1)."""
    return t.on_r(t.v2[t.rs][:, None, :] * s.B_rc)


def _fusion(t: _Table, s: _Solved) -> dict[str, np.ndarray]:
    """Fusion ``RH`` and its four terms ``IIR``, ``IDR`` from ``Φ = diag(v)·B·Z`` (§3.1, eqs. 1–5)."""
    x_c, x_r = t.china(t.x2)[None, :], t.x_r
    phi_cr = _from_c(t, s, t.x2[t.rs])                     # Φ_{ci,r·}
    phi_rc = _from_r(t, s) * x_c                           # Φ_{r·,ci}
    out = {"IIR_cr": ratio(phi_cr, x_r), "IDR_rc": ratio(phi_cr, x_c),
           "IIR_rc": ratio(phi_rc, x_c), "IDR_cr": ratio(phi_rc, x_r)}
    out["RH"] = (out["IIR_cr"] + out["IDR_rc"] + out["IIR_rc"] + out["IDR_cr"]) / 4
    return out


def _fva(t: _Table, s: _Solved) -> tuple[np.ndarray, np.ndarray]:
    """``FVA_{r→ci}`` and ``FVA_{ci→r}``: each side's value added in the other's exports (§2)."""
    return _from_r(t, s) * t.china(t.E2)[None, :], _from_c(t, s, t.E2[t.rs])


def _wwz_exports(t: _Table) -> np.ndarray:
    """``E*_si = Σ_{d≠s} (Y_{si,d} + [A_sd·L_dd·Y_dd]_i)``: value-added-relevant exports, ``(G, N)`` (§3.2)."""
    g = np.arange(t.G)
    L_Y_own = local_solve(t.A_diag, t.Y3[g, :, g]).reshape(t.n)                 # L_dd·Y_dd
    A_LY = t.A @ L_Y_own - np.einsum("gij,gj->gi", t.A_diag, L_Y_own.reshape(t.G, t.N)).reshape(t.n)
    return (t.final.sum(axis=1) + A_LY).reshape(t.G, t.N)


def _interaction(t: _Table, s: _Solved, fva: str) -> dict[str, np.ndarray]:
    """Interaction ``HD`` and ``θ`` (§3.2, eqs. 6–8), ``FVA`` of §2 or ``FVA^wwz`` (``fva``)."""
    if fva == "wwz":
        E_star = _wwz_exports(t)
        num_rc, num_cr = _from_r(t, s) * t.china(E_star)[None, :], _from_c(t, s, E_star[t.rs])
    else:
        num_rc, num_cr = _fva(t, s)
    out = {"theta_cr": ratio(num_rc, t.china(t.E2)[None, :]), "theta_rc": ratio(num_cr, t.E_r)}
    out["HD"] = (out["theta_cr"] + out["theta_rc"]) / 2
    return out


def _rvc(t: _Table, s: _Solved) -> np.ndarray:
    """``RVC = (FVA_{r→ci} + FVA_{ci→r}) / (E_ci + E_r)`` with §2's FVA (§5, eq. 17)."""
    fva_r_to_c, fva_c_to_r = _fva(t, s)
    return ratio(fva_r_to_c + fva_c_to_r, t.china(t.E2)[None, :] + t.E_r)


def _vax(t: _Table, s: _Solved) -> dict[str, np.ndarray]:
    """``VAX_s = DVA_s = dv_s·E_s`` for China's industries and the partners (§3.3, §2)."""
    DVA_own = s.dv_own * t.E2[t.own]
    return {"VAX_c": np.broadcast_to(DVA_own[0, t.ind], (t.P, t.K)).copy(), "VAX_r": t.on_r_vec(DVA_own[1:])}


def _inc(t: _Table) -> np.ndarray:
    """``INC = (va_ci + va_r) / Σ_s va_si`` (world value added of industry ``i``, of all when cross-industry; §5)."""
    world_va = t.va2.sum() if t.cross_industry else t.va2[:, t.ind].sum(axis=0)
    return ratio(t.china(t.va2)[None, :] + t.on_r_vec(t.va2[t.rs]), world_va)


def _itr(t: _Table, s: _Solved, itr: str) -> dict[str, np.ndarray]:
    """``ITR_vax = diag(v_a)·[B·Y_{·b}]_a`` both ways, the five routes under ``routes5``
    (NaN otherwise: not computed) and ``ITR`` = their sum or ``ITR_vax`` (§4, eqs. 13–14)."""
    c, rs = t.c, t.rs
    out = {"ITR_vax": (t.china(t.v2)[:, None] * s.BY[c][:, rs][t.ind]).T + t.on_r_vec(t.v2[rs] * s.BY[rs, :, c])}
    if itr == "routes5":
        for name, to_r, to_c in zip(ROUTES, _routes_to_partner(t, s), _routes_to_china(t, s)):
            out[name] = to_r + t.on_r_vec(to_c)
        out["ITR"] = sum(out[name] for name in ROUTES)
    else:
        for name in ROUTES:
            out[name] = np.full((t.P, t.K), np.nan)
        out["ITR"] = out["ITR_vax"].copy()
    return out


def _foreign_va(t: _Table, s: _Solved) -> np.ndarray:
    """``FV_s = (v'B − dv_s)_s·E_s``: foreign value added in ``s``'s exports, China and the partners (§2)."""
    return (s.vB[t.own] - s.dv_own) * t.E2[t.own]


def _participation(t: _Table, s: _Solved) -> dict[str, np.ndarray]:
    """``IV_r``, ``FV_r`` and ``GVC_P = (IV_r + FV_r) / E_r`` (§6, Koopman et al. 2010)."""
    IV_r, FV_r = t.on_r_vec(s.IV_own[1:]), t.on_r_vec(_foreign_va(t, s)[1:])
    return {"IV_r": IV_r, "FV_r": FV_r, "GVC_P": ratio(IV_r + FV_r, t.E_r)}


def _position(t: _Table, s: _Solved) -> dict[str, np.ndarray]:
    """``POS = ln(1 + IV/E) − ln(1 + FV/E)`` of ``ci`` and ``r``, ``GVC_D = |POS_c − POS_r|`` (§6)."""
    FV_own, E_c, E_r = _foreign_va(t, s), t.china(t.E2), t.E_r
    IV_r, FV_r = t.on_r_vec(s.IV_own[1:]), t.on_r_vec(FV_own[1:])
    pos_c = (_log1p_share(ratio(s.IV_own[0, t.ind], E_c)) - _log1p_share(ratio(FV_own[0, t.ind], E_c)))
    out = {"POS_c": np.broadcast_to(pos_c, (t.P, t.K)).copy(),
           "POS_r": _log1p_share(ratio(IV_r, E_r)) - _log1p_share(ratio(FV_r, E_r))}
    out["GVC_D"] = np.abs(out["POS_c"] - out["POS_r"])
    return out


def _rca(t: _Table) -> dict[str, np.ndarray]:
    """Balassa ``RCA`` on gross exports of ``ci`` and ``r`` (whole economy: 1), ``RCA_D = |RCA_c − RCA_r|`` (§6)."""
    E2, E_c, E_r = t.E2, t.china(t.E2), t.E_r
    world_E = E2.sum()
    rca_c = ratio(ratio(E_c, E2[t.c].sum()), ratio(E2[:, t.ind].sum(axis=0), world_E))
    world_E_agg = world_E if t.cross_industry else E2[:, t.ind].sum(axis=0)[None, :]
    out = {"RCA_c": np.broadcast_to(rca_c, (t.P, t.K)).copy(),
           "RCA_r": ratio(ratio(E_r, E2[t.rs].sum(axis=1)[:, None]), ratio(world_E_agg, world_E))}
    out["RCA_D"] = np.abs(out["RCA_c"] - out["RCA_r"])
    return out


def _flows(t: _Table) -> dict[str, np.ndarray]:
    """Exports ``E`` and output ``x`` of both sides, ``(P, K)`` (§10)."""
    return {"E_c": np.broadcast_to(t.china(t.E2), (t.P, t.K)).copy(), "E_r": t.E_r,
            "x_c": np.broadcast_to(t.china(t.x2), (t.P, t.K)).copy(), "x_r": t.x_r}


def _own_blocks(countries: np.ndarray, N: int, first_column: int) -> tuple[np.ndarray, np.ndarray]:
    """Index of the rows of ``countries[q]`` in column ``first_column + q`` (shape ``(k, N)``)."""
    countries = np.asarray(countries, dtype=int)
    rows = countries[:, None] * N + np.arange(N)[None, :]
    cols = first_column + np.arange(countries.size)[:, None]
    return rows, np.broadcast_to(cols, rows.shape)


# ----- the five routes of §4 ---------------------------------------------------------------------
def _W_c(t: _Table, s: _Solved, z: np.ndarray) -> np.ndarray:
    """``W_c·z = diag(v_c)·L_cc·z`` (``dl_c ∘ z`` under ``exporting``), ``z (N, P)`` → ``(P, K)`` (§4)."""
    if s.exporting is not None:
        return (s.exporting[0][0][:, None] * z)[t.ind].T
    return (t.v2[t.c][:, None] * local_solve(t.A_diag[[t.c]], z[None])[0])[t.ind].T


def _W_r(t: _Table, s: _Solved, z: np.ndarray) -> np.ndarray:
    """``W_r·z_r = diag(v_r)·L_rr·z_r`` (``dl_r ∘ z_r`` under ``exporting``), ``z (P, N)`` (§4)."""
    if s.exporting is not None:
        return s.exporting[0][1:] * z
    return t.v2[t.rs] * local_solve(t.A_diag[t.rs], z)


def _A_cr(t: _Table, z: np.ndarray) -> np.ndarray:
    """``A_{c,r}·z_r`` for each partner, ``z (P, N)`` → ``(N, P)``."""
    return np.einsum("ipj,pj->ip", t.A[t.cb, :].reshape(t.N, t.G, t.N)[:, t.rs, :], z)


def _A_rc(t: _Table, z: np.ndarray) -> np.ndarray:
    """``A_{r,c}·z`` for each partner, ``z (N,)`` → ``(P, N)``."""
    return t.A[:, t.cb].reshape(t.G, t.N, t.N)[t.rs] @ z


def _routes_to_partner(t: _Table, s: _Solved) -> list[np.ndarray]:
    """``T_{r←c}`` of routes 1–5 for China's industries, each ``(P, K)`` (§4, ``a = c``, ``b = r``)."""
    c, rs, g = t.c, t.rs, np.arange(t.G)
    Y_cr = t.Y3[c][:, rs]                                                         # (N, P)
    kd = s.KD[g, :, g]                                                            # B_tt·Y_tt
    B_rc_Y_cr = np.einsum("pji,ip->pj", s.B_col_c[rs], Y_cr)                      # B_rc·Y_cr
    rex_r = s.BY[rs, :, rs] - kd[rs] - B_rc_Y_cr                                  # Σ_{d∉{c,r}} B_rd·Y_dr
    M4 = np.einsum("djk,djp->dkp", s.H, t.Y3[:, :, rs])                           # [d, k, p]
    route4 = M4.sum(axis=0) - M4[rs, :, np.arange(rs.size)].T                     # d ∉ {c, r} (H_c = 0)
    third = (t.A[t.cb, :] @ s.KD[:, :, rs].reshape(t.n, rs.size) - t.A[t.cb, t.cb] @ s.KD[c][:, rs]
             - _A_cr(t, kd[rs]))
    if s.exporting is None:
        final = (t.v2[c][:, None] * (s.B_row_c[:, c, :] @ Y_cr))[t.ind].T        # diag(v_c)·B_cc·Y_cr
    else:
        final = (s.exporting[1][0][:, None] * Y_cr)[t.ind].T                      # dv_c ∘ Y_cr
    return [final, _W_c(t, s, _A_cr(t, kd[rs])), _W_c(t, s, _A_cr(t, rex_r)), route4.T, _W_c(t, s, third)]


def _routes_to_china(t: _Table, s: _Solved) -> list[np.ndarray]:
    """``T_{c←r}`` of routes 1–5 over each partner's ``N`` sectors, each ``(P, N)`` (§4, ``a = r``, ``b = c``)."""
    c, rs, N, g = t.c, t.rs, t.N, np.arange(t.G)
    kd, KD, kc = s.KD[g, :, g], s.KD, s.kc
    A_r_c, A_rr = t.A[:, t.cb].reshape(t.G, N, N)[rs], t.A_diag[rs]               # [p, j, i] = A_{rj,ci}
    B_cr_Y_rc = np.einsum("ipj,pj->pi", s.B_row_c[:, rs, :], t.Y3[rs, :, c])      # B_cr·Y_rc
    rex_c = s.BY[c, :, c][None, :] - kd[c][None, :] - B_cr_Y_rc                   # Σ_{d∉{r,c}} B_cd·Y_dc
    A_kc = (t.A @ kc.reshape(t.n)).reshape(t.G, N)
    A_KDc = (t.A @ KD[:, :, c].reshape(t.n)).reshape(t.G, N)
    final = t.v2[rs] * kc[rs] if s.exporting is None else s.exporting[1][1:] * t.Y3[rs, :, c]
    return [
        final,
        _W_r(t, s, _A_rc(t, kd[c])),
        _W_r(t, s, np.einsum("pji,pi->pj", A_r_c, rex_c)),
        _W_r(t, s, A_kc[rs] - np.einsum("pij,pj->pi", A_rr, kc[rs]) - _A_rc(t, kc[c])),
        _W_r(t, s, A_KDc[rs] - np.einsum("pij,pj->pi", A_rr, KD[rs, :, c]) - _A_rc(t, KD[c, :, c])),
    ]


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
