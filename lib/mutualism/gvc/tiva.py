"""OECD TiVA indicators, Miroudot–Ye and GVC participation (METHODS.md §12.4–§12.6).

- :func:`oecd_arrays`: the OECD (2019) decomposition of gross exports (``EXGR_DDC``,
  ``EXGR_IDC``, ``EXGR_RIM``, ``EXGR_FVA``), its aggregates and backward/forward GVC
  measures (``GVCB`` = ``DEXFVAP``, ``GVCF`` = ``FEXDVAP``) and the TiVA indicators of
  trade and of value added in final demand (``FD_VA``, ``DXD_DVA``, ``FFD_DVA``,
  ``DFD_FVA``…), by exporter, sector and partner (own country included).
- :func:`my_arrays`: Miroudot & Ye (2021) source-based decomposition (``DVA``, ``DDC``,
  ``FVA``, ``FDC``) with the country, bilateral, sector and world perimeters; the world
  perimeter splits ``FDC`` into ``FDC1`` and ``FDC2``.
- :func:`participation_arrays`: vertical specialisation ``VS`` (backward) and ``VS1``
  (forward) by country-sector (Hummels–Ishii–Yi; Koopman et al. 2010).

All from one LU of ``I − A``, the exporters' column blocks ``B_{·s}`` and thin solves.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .borin_mancini import src_coefficients
from .exports import bilateral_exports
from .extraction import Perimeter, column_blocks
from .leontief import LeontiefSolver, diagonal_blocks, place_in_blocks

#: OECD outputs (exvatools' ``output`` of ``method = "oecd"``) and their columns (§12.4).
OECD_COLUMNS = {
    "terms": ("EXGR", "EXGR_DDC", "EXGR_IDC", "EXGR_RIM", "EXGR_FVA"),
    "standard": ("EXGR", "DC", "DVA", "VAX", "REF", "DDC", "FC", "GVC", "GVCB", "GVCF"),
    "tiva": ("EXGR", "EXGR_FNL", "EXGR_INT", "IMGR", "IMGR_FNL", "IMGR_INT", "DOM", "DOM_FNL", "DOM_INT",
             "BALGR", "EXGR_DVA", "EXGR_DDC", "EXGR_IDC", "EXGR_RIM", "REF", "FD_VA", "DXD_DVA", "FFD_DVA",
             "DFD_FVA", "BALVAFD", "EXGR_FVA", "DEXFVAP", "FEXDVAP"),
}
#: Vector-valued TiVA indicators, one per country-sector: value added and output.
OECD_VECTORS = ("VA", "PROD")
#: Miroudot–Ye outputs and their columns (§12.5); ``terms2`` needs the world perimeter.
MY_COLUMNS = {
    "terms": ("EXGR", "DVA", "DDC", "FVA", "FDC"),
    "standard": ("EXGR", "DC", "DVA", "DDC", "FC", "FVA", "FDC"),
    "terms2": ("EXGR", "DVA", "DDC", "FVA", "FDC1", "FDC2"),
}
#: Perimeters of the source-based decompositions: the exporting country, or the world (§12.5).
MY_PERIMETERS = ("country", "world")
#: Columns of the GVC participation table (§12.6).
PARTICIPATION_COLUMNS = ("E", "VS", "VS1", "VS_share", "VS1_share", "GVC_participation")


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(whole), np.nan)
    np.divide(part, whole, out=out, where=whole != 0)
    return out


# ----- OECD (§12.4) -------------------------------------------------------------------------
def oecd_arrays(A: np.ndarray, Y: np.ndarray, v: np.ndarray, x: np.ndarray, Z: np.ndarray, va: np.ndarray, G: int,
                exporters: Sequence[int] | None = None, *, solver: LeontiefSolver | None = None,
                where: str = "table") -> dict[str, np.ndarray]:
    """Every OECD column as ``(k, N, G)`` arrays ``[q, i, r]`` (own country ``r = s``
    included) (§12.4; the vectors ``VA``, ``PROD`` are :func:`oecd_vectors`).

    The sector key is the exporting sector, except where §12.4 says otherwise: ``FD_VA``,
    ``DXD_DVA``, ``FFD_DVA`` and ``VAX`` are by sector of origin × country of final
    demand; ``IMGR*`` and ``DFD_FVA`` by the partner's sector, the partner being the
    country of origin of the imports; ``GVCB[s, i, t]`` is the value added of ``t`` in
    ``s``'s sector-``i`` exports; ``GVCF[s, j, r]`` the value added of ``s`` in ``r``'s
    sector-``j`` exports.
    """
    n = A.shape[0]
    N = n // G
    g = np.arange(G)
    S = g if exporters is None else np.asarray(exporters, dtype=int)
    k = S.size
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    intermediate, final = bilateral_exports(Z, Y, G)
    EX = (intermediate + final).reshape(G, N, G)
    E_total = EX.sum(axis=2)                                        # (G, N)
    VBY = (v[:, None] * solver.B_times(np.array(Y, dtype=float, order="F"), overwrite=True)).reshape(G, N, G)
    vsB = solver.BT_times(place_in_blocks(v.reshape(G, N)[S], G, S))           # column q: (v_s masked)'B
    Z_by_country = Z.reshape(n, G, N).sum(axis=2).reshape(G, N, G)
    Y3 = Y.reshape(G, N, G)
    L_local = np.linalg.inv(np.eye(N) - diagonal_blocks(A, G)[S])

    out = {name: np.zeros((k, N, G)) for name in OECD_COLUMNS["tiva"] + ("DC", "DVA", "VAX", "DDC", "FC",
                                                                           "GVC", "GVCB", "GVCF")}
    for q, s in enumerate(S):
        E = EX[s]
        out["EXGR"][q] = E
        out["EXGR_FNL"][q], out["EXGR_INT"][q] = final.reshape(G, N, G)[s], intermediate.reshape(G, N, G)[s]
        out["IMGR"][q] = EX[:, :, s].T                               # [i, r] = E_{ri→s}
        out["IMGR_FNL"][q] = final.reshape(G, N, G)[:, :, s].T
        out["IMGR_INT"][q] = intermediate.reshape(G, N, G)[:, :, s].T
        out["DOM_FNL"][q][:, s], out["DOM_INT"][q][:, s] = Y3[s, :, s], Z_by_country[s, :, s]
        out["FD_VA"][q] = VBY[s]
        out["DXD_DVA"][q][:, s] = VBY[s, :, s]
        out["FFD_DVA"][q] = VBY[s]
        out["FFD_DVA"][q][:, s] = 0.0
        out["DFD_FVA"][q] = VBY[:, :, s].T                           # [i, r] = v_ri·[B·Y_{·s}]_ri
        out["DFD_FVA"][q][:, s] = 0.0
        f = vsB[:, q].reshape(G, N) * E_total                        # [r, j] = v_s'B_{s,rj}·E_rj*
        out["GVCF"][q] = f.T
        out["GVCF"][q][:, s] = 0.0
        out["DVA"][q] = (v.reshape(G, N)[s] @ L_local[q])[:, None] * E
        out["EXGR_DDC"][q] = (v.reshape(G, N)[s] * np.diagonal(L_local[q]))[:, None] * E
    for s, B_s in column_blocks(solver, G, S):
        q = int(np.flatnonzero(S == s)[0])
        own = slice(s * N, (s + 1) * N)
        dv = v[own] @ B_s[own]
        VB = (v[:, None] * B_s).reshape(G, N, N).sum(axis=1)         # [t, i] = v_t'B_{t,si}
        fb = VB.sum(axis=0) - dv
        E = EX[s]
        out["DC"][q], out["FC"][q] = dv[:, None] * E, fb[:, None] * E
        out["GVCB"][q] = VB.T * E_total[s][:, None]
        out["GVCB"][q][:, s] = 0.0
    out["DOM"] = out["DOM_FNL"] + out["DOM_INT"]
    out["BALGR"] = out["EXGR"] - out["IMGR"]
    out["EXGR_DVA"] = out["DC"]
    out["EXGR_IDC"] = out["DVA"] - out["EXGR_DDC"]
    out["DDC"] = out["EXGR_RIM"] = out["DC"] - out["DVA"]
    out["EXGR_FVA"] = out["FC"]
    out["VAX"] = out["FFD_DVA"]
    out["REF"] = out["DVA"] - out["VAX"]
    out["BALVAFD"] = out["FFD_DVA"] - out["DFD_FVA"]
    out["DEXFVAP"], out["FEXDVAP"] = out["GVCB"], out["GVCF"]
    out["GVC"] = out["GVCB"] + out["GVCF"]
    return out


def oecd_vectors(va: np.ndarray, x: np.ndarray, G: int, exporters: Sequence[int] | None = None
                 ) -> dict[str, np.ndarray]:
    """The vector-valued TiVA indicators :data:`OECD_VECTORS`, ``(k, N)``: value added and output."""
    N = x.shape[0] // G
    S = np.arange(G) if exporters is None else np.asarray(exporters, dtype=int)
    return dict(zip(OECD_VECTORS, (va.reshape(G, N)[S], x.reshape(G, N)[S])))


# ----- Miroudot–Ye (§12.5) ------------------------------------------------------------------
def my_arrays(A: np.ndarray, Y: np.ndarray, v: np.ndarray, Z: np.ndarray, G: int,
              exporters: Sequence[int] | None = None, *, perimeter: Perimeter = Perimeter(),
              world: bool = False, solver: LeontiefSolver | None = None,
              where: str = "table") -> dict[str, np.ndarray]:
    """Miroudot–Ye terms as ``(k, N, G)`` arrays by exporting sector and importer (§12.5).

    ``DVA = v_s'B^x_ss # E``, ``DDC = v_s'(B_ss − B^x_ss) # E``, ``FVA = Σ_{t≠s}
    v_t'B^x_ts # E``, ``FDC = Σ_{t≠s} v_t'(B_ts − B^x_ts) # E`` with ``B^x`` the extraction
    inverse of ``perimeter`` — the Borin–Mancini coefficients of §11/§12.1 applied to the
    gross flow. ``world=True``: every country's intermediate exports are extracted,
    ``B^x`` is block-diagonal (``L``), so ``FVA = 0`` and ``FDC = FDC1 + FDC2`` with
    ``FDC1 = Σ_{t≠s} v_t'L_tt A_ts L_ss # E`` (foreign value added that crossed one border
    before reaching ``s``) and ``FDC2`` the rest.
    """
    n = A.shape[0]
    N = n // G
    S = np.arange(G) if exporters is None else np.asarray(exporters, dtype=int)
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    intermediate, final = bilateral_exports(Z, Y, G)
    EX = (intermediate + final).reshape(G, N, G)
    names = MY_COLUMNS["terms2"] if world else MY_COLUMNS["standard"]
    out = {name: np.zeros((S.size, N, G)) for name in names}
    if world:
        A_diag = diagonal_blocks(A, G)
        L_local = np.linalg.inv(np.eye(N) - A_diag)
        dl_all = np.einsum("ti,tij->tj", v.reshape(G, N), L_local).reshape(n)           # v_t'L_tt
        dlA = (dl_all @ A).reshape(G, N) - np.einsum("ti,tij->tj", dl_all.reshape(G, N), A_diag)
    for s, B_s in column_blocks(solver, G, S):
        q = int(np.flatnonzero(S == s)[0])
        inside = perimeter.sector_mask(N)[:, None] & perimeter.importer_mask(s, G)[None, :]
        E = EX[s] * inside
        if world:
            own = slice(s * N, (s + 1) * N)
            dv = v[own] @ B_s[own]
            dl = v[own] @ L_local[s]
            fb = v @ B_s - dv
            fdc1 = dlA[s] @ L_local[s]
            coef = {"DVA": dl, "DDC": dv - dl, "FVA": np.zeros(N), "FDC1": fdc1, "FDC2": fb - fdc1}
        else:
            c = src_coefficients(A, v, G, s, B_s, perimeter)
            coef = {"DVA": c["dl"], "DDC": c["ddc"], "FVA": c["fx"], "FDC": c["fdc"]}
        for name, vec in coef.items():
            out[name][q] = vec[:, None] * E
        out["EXGR"][q] = E
    if not world:
        out["DC"] = out["DVA"] + out["DDC"]
        out["FC"] = out["FVA"] + out["FDC"]
    return out


# ----- GVC participation (§12.6) ------------------------------------------------------------
def participation_arrays(A: np.ndarray, Y: np.ndarray, v: np.ndarray, Z: np.ndarray, G: int,
                         exporters: Sequence[int] | None = None, *, solver: LeontiefSolver | None = None,
                         where: str = "table") -> dict[str, np.ndarray]:
    """Backward and forward vertical specialisation by country-sector, ``(k, N)`` (§12.6).

    ``VS_si = Σ_{t≠s} v_t'B_{t,si} · E_si`` — foreign value added in ``si``'s gross exports
    (backward; ``gvc::i2e``); ``VS1_si = v_si · Σ_{r≠s} Σ_j B_{si,rj} E_rj`` — ``si``'s
    value added in other countries' gross exports (forward; ``gvc::e2r``). Shares are of
    ``E_si``; ``GVC_participation = (VS + VS1) / E`` (Koopman et al. 2010), NaN where
    ``E = 0``.
    """
    n = A.shape[0]
    N = n // G
    S = np.arange(G) if exporters is None else np.asarray(exporters, dtype=int)
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    intermediate, final = bilateral_exports(Z, Y, G)
    E = intermediate.sum(axis=1) + final.sum(axis=1)
    BE = solver.B_times(E)
    out = {name: np.zeros((S.size, N)) for name in ("E", "VS", "VS1")}
    for s, B_s in column_blocks(solver, G, S):
        q = int(np.flatnonzero(S == s)[0])
        own = slice(s * N, (s + 1) * N)
        B_ss = B_s[own]
        fb = v @ B_s - v[own] @ B_ss
        out["E"][q] = E[own]
        out["VS"][q] = fb * E[own]
        out["VS1"][q] = v[own] * (BE[own] - B_ss @ E[own])
    out["VS_share"] = _share(out["VS"], out["E"])
    out["VS1_share"] = _share(out["VS1"], out["E"])
    out["GVC_participation"] = _share(out["VS"] + out["VS1"], out["E"])
    return out
