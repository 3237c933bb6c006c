"""Borin–Mancini decompositions of bilateral gross exports (METHODS.md §11, §12).

Source-based, exporter perspective (``bm_src``, §11), with the perimeters of §12.1
(bilateral partner, exporting sector, sector × partner) and the breakdown by the sector
where the value added originates (§12.2); and sink-based (``bm_snk``, §12.3), which
counts domestic value added the *last* time it leaves the exporter and adds ``VAXIM``,
the value added absorbed by the direct importer.

The array core returns ``(k, N, G)`` arrays ``[q, i, r]`` for exporter ``exporters[q]``,
sector ``i`` (exporting, or origin under ``breakdown="origin"``) and importer ``r``. Every
term is a coefficient of the exporter (a row vector over its sectors, or an ``N×N``
matrix for the origin breakdown) applied to an ``N``-vector per importer ("the flow
vectors", :func:`flow_vectors`). Cost: one LU of ``I − A``; the exporters' column blocks
``B_{·s}`` from it in chunks (:func:`mutualism.gvc.extraction.column_blocks`); a Woodbury
factor per exporter for the extraction inverse (:mod:`mutualism.gvc.extraction`); and
``O(n²)`` products per exporter — never an ``n×n`` inverse per exporter.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..core.errors import MRIOShapeError, check_option
from .exports import bilateral_exports
from .extraction import Perimeter, column_blocks, extraction
from .leontief import LeontiefSolver, diagonal_blocks, local_solve

#: The twelve Borin–Mancini terms (exvatools' names), source- and sink-based alike.
BM_TERMS = ("VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC", "FVA1", "FVA2", "FVA3", "FVA4", "FDC")
#: The aggregates and GVC participation of the source-based ``standard`` output (§11), in
#: exvatools' order, then the shares of ``EXGR``.
BM_STANDARD = ("DC", "DVA", "VAX", "DAVAX", "REF", "DDC", "FC", "FVA", "FDC", "GVC", "GVCB", "GVCF",
               "GVCB_share", "GVCF_share", "GVC_share")
#: The aggregates of the sink-based ``standard`` output (§12.3; exvatools' names).
BM_SNK_STANDARD = ("DC", "DVA", "VAX", "VAXIM", "REF", "DDC", "FC", "FVA", "FDC")
#: Borin–Mancini outputs (exvatools' ``output``): the twelve terms, or the aggregates.
BM_OUTPUTS = ("terms", "standard")
#: Sector key of the terms: the exporting sector (default) or the sector of origin (§12.2).
BREAKDOWNS = ("exporting", "origin")

#: term → (coefficient, flow vector): ``term[i, r] = coefficient · flow[·, r]`` (§11).
_SRC_RECIPE = {
    "VAX1": ("dl", "Y"), "VAX2": ("dl", "own"), "VAX3": ("dl", "third"), "VAX4": ("dl", "vax4"),
    "REF1": ("dl", "ref1"), "REF2": ("dl", "ref2"), "DDC": ("ddc", "E"),
    "FVA1": ("fx", "Y"), "FVA2": ("fx", "own"), "FVA3": ("fx", "abroad"), "FVA4": ("fx", "fva4"),
    "FDC": ("fdc", "E"),
}


# ----- the flow vectors (§11) --------------------------------------------------------------
def flow_vectors(A: np.ndarray, Y: np.ndarray, x: np.ndarray, Z: np.ndarray, G: int, S: np.ndarray,
                 BY_S: np.ndarray) -> dict[str, np.ndarray]:
    """The ``N``-vectors per importer to which the source-based coefficients apply, ``(k, N, G)``.

    ``Y`` = ``Y_sr``; ``own`` = ``A_sr L_rr Y_rr``; ``third`` = ``A_sr L_rr Σ_{j∉{r,s}} Y_rj``;
    ``abroad`` = ``A_sr L_rr Σ_{j≠r} Y_rj``; ``ref1`` = ``A_sr L_rr Y_rs``; ``ref2`` =
    ``A_sr L_rr Σ_{j≠r} A_rj [BY_s]_j``; ``vax4`` = ``A_sr L_rr Σ_{j≠r} A_rj Σ_{l≠s} [BY_l]_j``;
    ``fva4`` = ``A_sr L_rr Σ_{j≠r} A_rj x_j``; ``E`` = ``E_{s→r}``. ``BY_S`` is ``B·Y_{·s}``
    for the exporters, ``(n, k)``. Entries with ``r = s`` are zero.
    """
    n = A.shape[0]
    N = n // G
    g = np.arange(G)
    k = S.size
    A4 = A.reshape(G, N, G, N)
    A_S = A4 if k == G and np.array_equal(S, g) else A4[S]       # [q, i, r, j] = A_{si,rj}
    A_diag = diagonal_blocks(A, G)
    Y3 = Y.reshape(G, N, G)
    intermediate, final = bilateral_exports(Z, Y, G)

    LY = local_solve(A_diag, Y3)                                  # [r, :, l] = L_rr·Y_rl
    LY_own = LY[g, :, g]                                          # L_rr·Y_rr
    LY_abroad = LY.sum(axis=2) - LY_own                           # L_rr·Σ_{j≠r} Y_rj
    Ax = (A @ x).reshape(G, N) - np.einsum("rij,rj->ri", A_diag, x.reshape(G, N))
    LAx = local_solve(A_diag, Ax)                                 # L_rr·Σ_{j≠r} A_rj·x_j
    ABY = (A @ BY_S).reshape(G, N, k) - np.einsum("rij,rjq->riq", A_diag, BY_S.reshape(G, N, k))
    ref2 = local_solve(A_diag, ABY).transpose(2, 0, 1)            # [q, r] = L_rr·Σ_{j≠r} A_rj·[BY_s]_j
    ref1 = LY[:, :, S].transpose(2, 0, 1)                         # [q, r] = L_rr·Y_rs

    def via_A(w: np.ndarray) -> np.ndarray:
        """``[q, i, r] = (A_sr·w)_i`` for ``w`` per importer ``[r, j]`` or per pair ``[q, r, j]``."""
        if w.ndim == 2:
            return np.einsum("sirj,rj->sir", A_S, w)
        return np.einsum("sirj,srj->sir", A_S, w)

    out = {
        "Y": Y3[S].copy(),
        "own": via_A(LY_own),
        "third": via_A(LY_abroad[None] - ref1),
        "abroad": via_A(LY_abroad),
        "ref1": via_A(ref1),
        "ref2": via_A(ref2),
        "vax4": via_A(LAx[None] - ref2),
        "fva4": via_A(LAx),
        "E": (intermediate + final).reshape(G, N, G)[S],
    }
    q = np.arange(k)
    for arr in out.values():
        arr[q, :, S] = 0.0
    return out


# ----- coefficients (§11, §12.1, §12.2) -------------------------------------------------------
def src_coefficients(A: np.ndarray, v: np.ndarray, G: int, s: int, B_s: np.ndarray,
                     perimeter: Perimeter = Perimeter(), breakdown: str = "exporting") -> dict[str, np.ndarray]:
    """The exporter's source-based coefficients ``dl, fx, ddc, fdc`` (§11, §12.1, §12.2).

    ``breakdown="exporting"``: row vectors over ``s``'s exporting sectors,
    ``dl = v_s'B^x_ss``, ``fx = Σ_{t≠s} v_t'B^x_ts``, ``ddc = v_s'B_ss − dl``,
    ``fdc = Σ_{t≠s} v_t'B_ts − fx``. ``"origin"``: the ``N×N`` matrices whose column sums
    are those vectors, ``[o, i]`` = value added of origin sector ``o`` (of ``s``, or of all
    foreign countries) per unit of ``si``'s exports. ``B^x`` is the extraction inverse of
    ``perimeter`` (:func:`mutualism.gvc.extraction.extraction`).
    """
    n = A.shape[0]
    N = n // G
    own = slice(s * N, (s + 1) * N)
    ext = extraction(A, B_s, s, G, perimeter)
    if breakdown == "exporting":
        dv = v[own] @ B_s[own]
        w = v @ B_s
        dl = ext.row_times(dv)
        fx = ext.row_times(w) - dl
        return {"dl": dl, "fx": fx, "ddc": dv - dl, "fdc": (w - dv) - fx}
    VB = (v[:, None] * B_s).reshape(G, N, N)
    VBx = (v[:, None] * ext.columns(B_s)).reshape(G, N, N)
    dl, fx = VBx[s], VBx.sum(axis=0) - VBx[s]
    return {"dl": dl, "fx": fx, "ddc": VB[s] - dl, "fdc": (VB.sum(axis=0) - VB[s]) - fx}


def bm_src_coefficients(A: np.ndarray, v: np.ndarray, G: int, exporters: Sequence[int], B_ss: np.ndarray,
                        vB: np.ndarray) -> dict[str, np.ndarray]:
    """Closed form of the country-perimeter vectors ``dl, dv, fx, fb``, ``(k, N)`` (§11).

    ``B_ss`` are the exporters' diagonal blocks of ``B`` and ``vB = v'B``. By Woodbury with
    ``K = A_{s,−s}·B_{−s,s}`` and ``I + K = (I − A_ss)·B_ss``:
    ``fx_s = ((v'B)_s·B_ss⁻¹ − v_s')·L_ss``; ``fb_s = (v'B)_s − dv_s``. Kept as the
    cross-check of the general :func:`src_coefficients` (tests).
    """
    N = A.shape[0] // G
    S = np.asarray(exporters, dtype=int)
    v_s = v.reshape(G, N)[S]
    w = vB.reshape(G, N)[S]
    I_minus_T = np.swapaxes(np.eye(N) - diagonal_blocks(A, G)[S], 1, 2)
    dl = np.linalg.solve(I_minus_T, v_s[..., None])[..., 0]
    dv = np.einsum("si,sij->sj", v_s, B_ss)
    w_Binv = np.linalg.solve(np.swapaxes(B_ss, 1, 2), w[..., None])[..., 0]
    fx = np.linalg.solve(I_minus_T, (w_Binv - v_s)[..., None])[..., 0]
    return {"dl": dl, "dv": dv, "fx": fx, "fb": w - dv}


def exporter_diagonal_blocks(solver: LeontiefSolver, G: int, exporters: Sequence[int], *,
                             max_bytes: int = 64 * 2**20) -> np.ndarray:
    """``B_ss`` for the listed countries, ``(k, N, N)``, from their column blocks (§1)."""
    N = solver.n // G
    return np.stack([B_s[s * N:(s + 1) * N] for s, B_s in column_blocks(solver, G, exporters, max_bytes=max_bytes)])


def _apply(coefficient: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """``[o|i, r]``: a row vector times each column elementwise, or a matrix times it."""
    return coefficient[:, None] * flow if coefficient.ndim == 1 else coefficient @ flow


# ----- source-based (§11, §12.1, §12.2) --------------------------------------------------------
def bm_src_terms(A: np.ndarray, Y: np.ndarray, v: np.ndarray, x: np.ndarray, Z: np.ndarray, G: int,
                 exporters: Sequence[int] | None = None, *, solver: LeontiefSolver | None = None,
                 where: str = "table", perimeter: Perimeter = Perimeter(),
                 breakdown: str = "exporting") -> dict[str, np.ndarray]:
    """The twelve source-based terms and ``EXGR`` as ``(k, N, G)`` arrays (§11, §12).

    ``exporters`` default to all ``G`` countries. ``perimeter`` (§12.1) chooses which of
    the exporter's intermediate exports are extracted; flows outside it (other importers,
    other exporting sectors) are zero, ``EXGR`` included. ``breakdown="origin"`` indexes
    the terms by the sector of origin of the value added (§12.2); ``EXGR`` stays by
    exporting sector. With the country perimeter and exporting breakdown the terms add up
    to ``EXGR`` for every sector with ``x > 0``.
    """
    check_option("breakdown", breakdown, BREAKDOWNS)
    n = A.shape[0]
    N = n // G
    S = np.arange(G) if exporters is None else np.asarray(exporters, dtype=int)
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    BY_S = solver.B_times(np.asfortranarray(Y[:, S]), overwrite=True)
    flows = flow_vectors(A, Y, x, Z, G, S, BY_S)
    if not perimeter.is_country:
        for q, s in enumerate(S):
            inside = perimeter.sector_mask(N)[:, None] & perimeter.importer_mask(int(s), G)[None, :]
            for arr in flows.values():
                arr[q] *= inside
    out = {name: np.zeros((S.size, N, G)) for name in BM_TERMS}
    position = {int(s): q for q, s in enumerate(S)}
    for s, B_s in column_blocks(solver, G, S):
        q = position[s]
        coef = src_coefficients(A, v, G, s, B_s, perimeter, breakdown)
        for name, (c, f) in _SRC_RECIPE.items():
            out[name][q] = _apply(coef[c], flows[f][q])
    out["EXGR"] = flows["E"]
    return out


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
    out["DDC"], out["FDC"] = terms["DDC"], terms["FDC"]
    E = terms["EXGR"]
    for name in ("GVCB", "GVCF", "GVC"):
        share = np.full(E.shape, np.nan)
        np.divide(out[name], E, out=share, where=E != 0)
        out[f"{name}_share"] = share
    return out


# ----- sink-based (§12.3) ------------------------------------------------------------------------
def bm_snk_terms(A: np.ndarray, Y: np.ndarray, v: np.ndarray, x: np.ndarray, Z: np.ndarray, G: int,
                 exporters: Sequence[int] | None = None, *, solver: LeontiefSolver | None = None,
                 where: str = "table") -> dict[str, np.ndarray]:
    """The twelve sink-based terms, ``VAXIM`` and ``EXGR`` as ``(k, N, G)`` arrays (§12.3).

    Domestic value added is valued with ``dv_s = v_s'B_ss`` and foreign with
    ``fb_s = Σ_{t≠s} v_t'B_ts``; the re-export and double-counting flows go through the
    extraction inverse ``B^(s)`` of the country perimeter applied to ``Y^(s)`` (``Y``
    without ``s``'s final exports): ``Q = A_off·B^(s)·Y^(s)``, obtained per exporter from
    ``B·Y`` and ``B_{·s}`` by Woodbury, and ``q = A_off·B^(s)_{·s}·E_s*``.
    """
    n = A.shape[0]
    N = n // G
    S = np.arange(G) if exporters is None else np.asarray(exporters, dtype=int)
    solver = LeontiefSolver(A, "lu", where=where) if solver is None else solver
    BY = solver.B_times(np.array(Y, dtype=float, order="F"), overwrite=True)          # n × G
    flows = flow_vectors(A, Y, x, Z, G, S, BY[:, S])
    A4 = A.reshape(G, N, G, N)
    A_diag = diagonal_blocks(A, G)
    L_local = np.linalg.inv(np.eye(N) - A_diag)                                      # (G, N, N)
    AoffBY = (BY - Y) - np.einsum("rij,rjl->ril", A_diag, BY.reshape(G, N, G)).reshape(n, G)
    E_total = flows["E"].sum(axis=2)                                                 # (k, N)
    out = {name: np.zeros((S.size, N, G)) for name in (*BM_TERMS, "VAXIM")}
    position = {int(s): q for q, s in enumerate(S)}
    g = np.arange(G)
    for s, B_s in column_blocks(solver, G, S):
        q = position[s]
        own = slice(s * N, (s + 1) * N)
        B_ss = B_s[own]
        dv = v[own] @ B_ss
        fb = v @ B_s - dv
        # A_off·B_{·s} = (B_{·s} − I_{·s}) − [A_rr·B_rs]_r  (A·B = B − I)
        AoffB = B_s - np.eye(n, N, -s * N) - np.einsum("rij,rjk->rik", A_diag, B_s.reshape(G, N, N)).reshape(n, N)
        M = (np.eye(N) - A_diag[s]) @ B_ss                                           # I + A_{s,−s}B_{−s,s}
        Y_exports = Y[own].copy()
        Y_exports[:, s] = 0.0
        T = (BY[own] - Y[own]) - A_diag[s] @ BY[own] + Y_exports                     # A_{s,−s}(BY)_{−s} + Y_s,exp
        Q = AoffBY - AoffB @ np.linalg.solve(M, T)                                   # A_off·B^(s)·Y^(s), n × G
        d = AoffB @ np.linalg.solve(M, E_total[q])                                   # A_off·B^(s)_{·s}·E_s*
        LQ = np.einsum("rij,rjl->ril", L_local, Q.reshape(G, N, G))                  # [r, :, l] = L_rr·Q_rl
        Ld = np.einsum("rij,rj->ri", L_local, d.reshape(G, N))
        LQ_all = LQ.sum(axis=2)

        def via_A(w: np.ndarray) -> np.ndarray:
            """``[i, r] = (A_sr·w_r)_i`` for ``w`` given as ``[r, j]``."""
            h = np.einsum("irj,rj->ir", A4[s], w)
            h[:, s] = 0.0
            return h

        Yq, own_f, third, abroad, ref1 = (flows[f][q] for f in ("Y", "own", "third", "abroad", "ref1"))
        vax4 = via_A(LQ_all - LQ[:, :, s])
        ref2 = via_A(LQ[:, :, s])
        fva4 = via_A(LQ_all)
        dc = via_A(Ld)
        vaxim3 = via_A(LQ[g, :, g])
        terms = {"VAX1": (dv, Yq), "VAX2": (dv, own_f), "VAX3": (dv, third), "VAX4": (dv, vax4),
                 "REF1": (dv, ref1), "REF2": (dv, ref2), "DDC": (dv, dc),
                 "FVA1": (fb, Yq), "FVA2": (fb, own_f), "FVA3": (fb, abroad), "FVA4": (fb, fva4),
                 "FDC": (fb, dc)}
        for name, (c, f) in terms.items():
            out[name][q] = c[:, None] * f
        out["VAXIM"][q] = dv[:, None] * (Yq + own_f + vaxim3)
    out["EXGR"] = flows["E"]
    return out


def bm_snk_standard(terms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Aggregates of the sink-based terms (§12.3, exvatools' ``bm_snk`` "standard")."""
    out = {"VAX": terms["VAX1"] + terms["VAX2"] + terms["VAX3"] + terms["VAX4"],
           "REF": terms["REF1"] + terms["REF2"], "DDC": terms["DDC"], "VAXIM": terms["VAXIM"],
           "FVA": terms["FVA1"] + terms["FVA2"] + terms["FVA3"] + terms["FVA4"], "FDC": terms["FDC"]}
    out["DVA"] = out["VAX"] + out["REF"]
    out["DC"] = out["DVA"] + out["DDC"]
    out["FC"] = out["FVA"] + out["FDC"]
    return {name: out[name] for name in BM_SNK_STANDARD}


def perimeter_for(countries: Sequence[str], sectors: Sequence[str], partners: Sequence[str] | None,
                  exporting_sectors: Sequence[str] | None, where: str = "table") -> Perimeter:
    """A :class:`~mutualism.gvc.extraction.Perimeter` from country and sector codes (§12.1)."""
    def positions(codes, labels, what):
        index = {c: p for p, c in enumerate(labels)}
        unknown = [c for c in codes if c not in index]
        if unknown:
            raise MRIOShapeError(f"{where}: {what} {', '.join(map(str, unknown))} not in the table "
                                 f"(it has {', '.join(map(str, labels[:8]))}{'…' if len(labels) > 8 else ''})")
        return tuple(sorted({index[c] for c in codes}))

    return Perimeter(None if partners is None else positions(partners, list(countries), "partner"),
                     None if exporting_sectors is None else positions(exporting_sectors, list(sectors), "sector"))
