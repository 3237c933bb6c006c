"""Value added in gross exports: every decomposition of the field, one entry point.

Leontief/HIY (METHODS.md §2), Wang–Wei–Zhu (§9) and Koopman–Wang–Wei (§12.7) here;
Borin–Mancini source- and sink-based with perimeters and origin breakdown
(:mod:`mutualism.gvc.borin_mancini`, §11–§12.3); OECD TiVA, Miroudot–Ye and GVC participation
(:mod:`mutualism.gvc.tiva`, §12.4–§12.6). :func:`decomposition` is the one labelled entry
point (the CLI's ``mutualism decompose --method``): :data:`METHOD_OUTPUTS` lists each
method and its outputs.

The functional core works on plain arrays named after the notation of METHODS.md §1
(``A``, ``v``, ``Y``, ``E``…; ``G`` countries × ``N`` sectors, country-major, ``n = G·N``)
and never forms the global Leontief inverse ``B = (I − A)⁻¹`` unless a quantity needs all
of it (WWZ and KWW do, §9). Everything else goes through
:class:`~mutualism.gvc.leontief.LeontiefSolver`: one LU factorisation of ``I − A`` per year and
solves with thin right-hand sides (METHODS §1, "performance path"). Labelled wrappers
taking an :class:`~mutualism.io.mrio.MRIO` sit at the end of the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from . import borin_mancini as bm
from . import tiva
from .borin_mancini import BM_OUTPUTS, BM_SNK_STANDARD, BM_STANDARD, BM_TERMS, BREAKDOWNS  # noqa: F401
from ..core.errors import UnknownOptionError, check_option
from .exports import bilateral_exports, exporter_positions, gross_exports, pair_frame, sector_frame  # noqa: F401
from .leontief import (LeontiefSolver, diagonal_blocks, leontief_inverse, local_solve, place_in_blocks,
                       take_own_blocks)
from ..io.mrio import MRIO
from .tiva import MY_COLUMNS, MY_PERIMETERS, OECD_COLUMNS, PARTICIPATION_COLUMNS  # noqa: F401

WWZ_TERMS = (
    "DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2",
    "RDV_INT", "RDV_FIN", "RDV_FIN2",
    "OVA_FIN", "MVA_FIN", "OVA_INT", "MVA_INT",
    "DDC_FIN", "DDC_INT", "ODC", "MDC",
)
#: The nine Koopman–Wang–Wei (2014) terms (decompr's names) as sums of WWZ terms (§12.7,
#: WWZ 2013 table E2).
KWW_FROM_WWZ = {
    "DVA_FIN": ("DVA_FIN",), "DVA_INT": ("DVA_INT", "DVA_INTrexI1"), "DVA_INTrex": ("DVA_INTrexF", "DVA_INTrexI2"),
    "RDV_FIN": ("RDV_FIN", "RDV_FIN2"), "RDV_INT": ("RDV_INT",), "DDC": ("DDC_FIN", "DDC_INT"),
    "FVA_FIN": ("OVA_FIN", "MVA_FIN"), "FVA_INT": ("OVA_INT", "MVA_INT"), "FDC": ("ODC", "MDC"),
}
KWW_TERMS = tuple(KWW_FROM_WWZ)
#: KWW aggregates (exvatools' ``kww`` "standard" names).
KWW_STANDARD = ("DC", "DVA", "VAX", "REF", "DDC", "FC", "FVA", "FDC")

#: Every decomposition of bilateral gross exports and its outputs, the default first (CLI
#: ``--method``/``--output``; §9, §11, §12). ``gvc`` is the participation table (one row
#: per country-sector, §12.6).
METHOD_OUTPUTS = {
    "bm_src": BM_OUTPUTS,
    "bm_snk": BM_OUTPUTS,
    "wwz": ("terms",),
    "kww": ("terms", "standard"),
    "my": tuple(MY_COLUMNS),
    "oecd": tuple(OECD_COLUMNS),
    "gvc": ("standard",),
}
DECOMPOSITIONS = tuple(METHOD_OUTPUTS)
#: Every output name of any method (the CLI's ``--output`` choices; checked per method).
OUTPUTS = tuple(dict.fromkeys(o for outs in METHOD_OUTPUTS.values() for o in outs))
#: Methods that accept a bilateral (``partners``) or sector (``sectors``) perimeter (§12.1).
PERIMETER_METHODS = ("bm_src", "my")


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


# ----- KWW (§12.7) ---------------------------------------------------------------------------
def kww_terms(wwz_arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The nine KWW terms from the 16 WWZ terms, same shape (§12.7, :data:`KWW_FROM_WWZ`)."""
    return {name: sum(wwz_arrays[part] for part in parts) for name, parts in KWW_FROM_WWZ.items()}


def kww_standard(terms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """KWW aggregates (exvatools' names): ``VAX`` value added exports, ``REF`` reflection."""
    out = {"VAX": terms["DVA_FIN"] + terms["DVA_INT"] + terms["DVA_INTrex"],
           "REF": terms["RDV_FIN"] + terms["RDV_INT"], "DDC": terms["DDC"],
           "FVA": terms["FVA_FIN"] + terms["FVA_INT"], "FDC": terms["FDC"]}
    out["DVA"] = out["VAX"] + out["REF"]
    out["DC"] = out["DVA"] + out["DDC"]
    out["FC"] = out["FVA"] + out["FDC"]
    return {name: out[name] for name in KWW_STANDARD}


# ----- labelled wrappers -----------------------------------------------------------------------
def _labelled(mrio: MRIO, S: np.ndarray, arrays: dict[str, np.ndarray], method: str, **kwargs) -> pd.DataFrame:
    out = pair_frame(mrio, S, arrays, **kwargs)
    out.attrs.update(source=mrio.meta.get("source"), year=mrio.year, method=method)
    return out


def wwz_arrays(mrio: MRIO) -> dict[str, np.ndarray]:
    """The WWZ terms and ``texp`` of every exporter, ``(G, N, G)`` (§9; one explicit ``B``)."""
    B = leontief_inverse(mrio.A, where=mrio.describe())
    return wwz_terms(mrio.A, B, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.G)


def wwz(mrio: MRIO, exporters: Sequence[str] | None = None, *, arrays: dict | None = None) -> pd.DataFrame:
    """The 16-term WWZ decomposition of every bilateral sector export flow (METHODS.md §9).

    Returns one row per ``(exporter, exporter_sector, importer)`` with ``importer ≠
    exporter``, the 16 terms named as in ``decompr::wwz`` (:data:`WWZ_TERMS`) and ``texp``
    (gross exports ``E_{s→r}``, §1). For every exporting sector with ``x > 0`` the terms
    add up to ``texp``. The table's own sectors are used (aggregate first if needed).
    """
    S = exporter_positions(mrio, exporters)
    terms = wwz_arrays(mrio) if arrays is None else arrays
    return _labelled(mrio, S, {name: terms[name][S] for name in (*WWZ_TERMS, "texp")}, "WWZ 2013 (METHODS §9)")


def kww(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms", *,
        arrays: dict | None = None) -> pd.DataFrame:
    """Koopman–Wang–Wei (2014) by exporter, exporting sector and importer (METHODS §12.7).

    ``output="terms"``: ``EXGR`` and the nine terms :data:`KWW_TERMS` (decompr's names;
    sum over importers and sectors for KWW's country level, ``decompr::kww``);
    ``"standard"``: ``EXGR`` and :data:`KWW_STANDARD` (exvatools' ``kww`` names).
    ``arrays``: :func:`wwz_arrays` computed already (e.g. for several batches of exporters).
    """
    check_option("output", output, METHOD_OUTPUTS["kww"])
    S = exporter_positions(mrio, exporters)
    ww = wwz_arrays(mrio) if arrays is None else arrays
    terms = kww_terms(ww)
    arrays = terms if output == "terms" else kww_standard(terms)
    arrays = {"EXGR": ww["texp"][S], **{name: arr[S] for name, arr in arrays.items()}}
    return _labelled(mrio, S, arrays, f"KWW 2014 from WWZ, {output} (METHODS §12.7)")


def _perimeter(mrio: MRIO, partners: Sequence[str] | None, sectors: Sequence[str] | None) -> bm.Perimeter:
    return bm.perimeter_for(mrio.countries, mrio.sectors, partners, sectors, where=mrio.describe())


def borin_mancini(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms", *,
                  partners: Sequence[str] | None = None, sectors: Sequence[str] | None = None,
                  breakdown: str = "exporting", solver: LeontiefSolver | None = None) -> pd.DataFrame:
    """Borin–Mancini source-based decomposition, exporter perspective (METHODS.md §11, §12).

    Parameters
    ----------
    mrio : the closed table (its own sectors; aggregate first if needed).
    exporters : ISO3 codes of the exporting countries (default: all), in table order.
    output : ``"terms"``: ``EXGR`` and the twelve terms :data:`BM_TERMS` (exvatools'
        ``bm_src`` names); ``"standard"``: ``EXGR`` and :data:`BM_STANDARD` (aggregates and
        GVC participation, shares of ``EXGR``). See :data:`BM_OUTPUTS`.
    partners, sectors : the bilateral and sector perimeters of §12.1 (importers' ISO3
        codes; the exporter's sector codes); flows outside the perimeter are zero.
    breakdown : ``"exporting"`` (default) or ``"origin"``: the sector key is then
        ``origin_sector``, the sector where the value added was created (§12.2).

    Returns
    -------
    One row per ``(exporter, sector, importer)`` with ``importer ≠ exporter``. For every
    exporting sector with ``x > 0`` the terms add up to ``EXGR`` (country perimeter,
    exporting breakdown). Cost: one LU of ``I − A`` for all exporters (``bench/bench_gvc.py``).
    """
    check_option("output", output, BM_OUTPUTS)
    check_option("breakdown", breakdown, BREAKDOWNS)
    S = exporter_positions(mrio, exporters)
    perimeter = _perimeter(mrio, partners, sectors)
    terms = bm.bm_src_terms(mrio.A, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.G, S, where=mrio.describe(),
                            perimeter=perimeter, breakdown=breakdown, solver=solver)
    arrays = {"EXGR": terms["EXGR"]}
    if output == "terms":
        arrays.update((name, terms[name]) for name in BM_TERMS)
    else:
        standard = bm.bm_standard(terms)
        arrays.update((name, standard[name]) for name in BM_STANDARD)
    key = "origin_sector" if breakdown == "origin" else "exporter_sector"
    return _labelled(mrio, S, arrays, f"Borin-Mancini source-based, exporter perspective, {output} (METHODS §11)",
                     sector_key=key)


def borin_mancini_sink(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms", *,
                       solver: LeontiefSolver | None = None) -> pd.DataFrame:
    """Borin–Mancini sink-based decomposition (METHODS §12.3; exvatools' ``bm_snk``).

    ``output="terms"``: ``EXGR``, the twelve terms and ``VAXIM`` (value added absorbed by
    the direct importer); ``"standard"``: ``EXGR`` and :data:`BM_SNK_STANDARD`.
    """
    check_option("output", output, BM_OUTPUTS)
    S = exporter_positions(mrio, exporters)
    terms = bm.bm_snk_terms(mrio.A, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.G, S, where=mrio.describe(), solver=solver)
    names = (*BM_TERMS, "VAXIM") if output == "terms" else BM_SNK_STANDARD
    arrays = terms if output == "terms" else bm.bm_snk_standard(terms)
    return _labelled(mrio, S, {"EXGR": terms["EXGR"], **{n: arrays[n] for n in names}},
                     f"Borin-Mancini sink-based, {output} (METHODS §12.3)")


def miroudot_ye(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms", *,
                partners: Sequence[str] | None = None, sectors: Sequence[str] | None = None,
                perimeter: str = "country", solver: LeontiefSolver | None = None) -> pd.DataFrame:
    """Miroudot & Ye (2021) source-based decomposition (METHODS §12.5; exvatools' ``my``).

    ``output``: ``"terms"`` (``DVA, DDC, FVA, FDC``), ``"standard"`` (with ``DC``, ``FC``)
    or ``"terms2"`` (``FDC`` split into ``FDC1``/``FDC2``; ``perimeter="world"`` only).
    ``perimeter="world"`` extracts every country's intermediate exports and admits no
    ``partners``/``sectors``.
    """
    check_option("output", output, MY_COLUMNS)
    check_option("perimeter", perimeter, MY_PERIMETERS)
    world = perimeter == "world"
    if world and (partners is not None or sectors is not None):
        raise UnknownOptionError("perimeter 'world' takes no partners or sectors (they define a country perimeter)")
    if output == "terms2" and not world:
        raise UnknownOptionError("output 'terms2' (FDC1, FDC2) is defined for perimeter 'world' only")
    S = exporter_positions(mrio, exporters)
    arrays = tiva.my_arrays(mrio.A, mrio.Y, mrio.v, mrio.Z, mrio.G, S, perimeter=_perimeter(mrio, partners, sectors),
                            world=world, where=mrio.describe(), solver=solver)
    if world:
        arrays["FDC"] = arrays["FDC1"] + arrays["FDC2"]
        arrays["DC"] = arrays["DVA"] + arrays["DDC"]
        arrays["FC"] = arrays["FVA"] + arrays["FDC"]
    return _labelled(mrio, S, {n: arrays[n] for n in MY_COLUMNS[output]},
                     f"Miroudot-Ye 2021, {perimeter} perimeter, {output} (METHODS §12.5)")


def oecd(mrio: MRIO, exporters: Sequence[str] | None = None, output: str = "terms", *,
         solver: LeontiefSolver | None = None) -> pd.DataFrame:
    """OECD TiVA decomposition and indicators (METHODS §12.4; exvatools' ``oecd``).

    One row per ``(exporter, exporter_sector, importer)`` **including** ``importer =
    exporter`` (domestic sales and final demand are TiVA indicators); ``output`` chooses
    the columns :data:`OECD_COLUMNS`. Where a column's sector or partner key means
    something else (value added by sector of origin, imports by partner of origin), §12.4
    says so. :func:`tiva_vectors` gives ``VA`` and ``PROD``.
    """
    check_option("output", output, OECD_COLUMNS)
    S = exporter_positions(mrio, exporters)
    arrays = tiva.oecd_arrays(mrio.A, mrio.Y, mrio.v, mrio.x, mrio.Z, mrio.va, mrio.G, S, where=mrio.describe(),
                                 solver=solver)
    return _labelled(mrio, S, {n: arrays[n] for n in OECD_COLUMNS[output]}, f"OECD TiVA, {output} (METHODS §12.4)",
                     own=True)


def tiva_vectors(mrio: MRIO, exporters: Sequence[str] | None = None) -> pd.DataFrame:
    """``VA`` (value added) and ``PROD`` (gross output) per country-sector (§12.4)."""
    S = exporter_positions(mrio, exporters)
    return sector_frame(mrio, S, tiva.oecd_vectors(mrio.va, mrio.x, mrio.G, S))


def gvc_participation(mrio: MRIO, exporters: Sequence[str] | None = None, *,
                      solver: LeontiefSolver | None = None) -> pd.DataFrame:
    """Backward (``VS``) and forward (``VS1``) GVC participation by country-sector (§12.6)."""
    S = exporter_positions(mrio, exporters)
    arrays = tiva.participation_arrays(mrio.A, mrio.Y, mrio.v, mrio.Z, mrio.G, S, where=mrio.describe(),
                                       solver=solver)
    out = sector_frame(mrio, S, {n: arrays[n] for n in PARTICIPATION_COLUMNS})
    out.attrs.update(source=mrio.meta.get("source"), year=mrio.year, method="GVC participation (METHODS §12.6)")
    return out


def decomposition(mrio: MRIO, method: str = "bm_src", *, exporters: Sequence[str] | None = None,
                  output: str | None = None, partners: Sequence[str] | None = None,
                  sectors: Sequence[str] | None = None, breakdown: str = "exporting",
                  perimeter: str = "country", shared: dict | None = None) -> pd.DataFrame:
    """Decompose gross exports with ``method`` of :data:`METHOD_OUTPUTS` (§9, §11, §12).

    ``output`` defaults to the method's first; ``partners``/``sectors`` (perimeters) apply
    to ``bm_src`` and ``my``, ``breakdown`` to ``bm_src``, ``perimeter`` to ``my``. Any
    other combination is refused in one line naming the option. ``shared`` (a dict, filled
    on the first call) keeps the LU of ``I − A`` or the WWZ arrays across calls for batches
    of exporters of the same table (:func:`write_decomposition`).
    """
    check_option("method", method, DECOMPOSITIONS)
    output = METHOD_OUTPUTS[method][0] if output is None else output
    if output not in METHOD_OUTPUTS[method]:
        raise UnknownOptionError(f"output {output!r} is not defined for method {method!r}; "
                                 f"give one of {', '.join(METHOD_OUTPUTS[method])}")
    if method not in PERIMETER_METHODS and (partners is not None or sectors is not None):
        raise UnknownOptionError(f"partners/sectors (a perimeter) apply to methods {', '.join(PERIMETER_METHODS)} "
                                 f"only, not {method!r}")
    check_option("breakdown", breakdown, BREAKDOWNS)
    if breakdown != "exporting" and method != "bm_src":
        raise UnknownOptionError(f"breakdown {breakdown!r} applies to method 'bm_src' only")
    check_option("perimeter", perimeter, MY_PERIMETERS)
    if perimeter != "country" and method != "my":
        raise UnknownOptionError(f"perimeter {perimeter!r} applies to method 'my' only")
    shared = {} if shared is None else shared
    if method in ("wwz", "kww"):
        if "wwz" not in shared:
            shared["wwz"] = wwz_arrays(mrio)
        arrays = shared["wwz"]
        return wwz(mrio, exporters, arrays=arrays) if method == "wwz" else kww(mrio, exporters, output, arrays=arrays)
    if "solver" not in shared:
        shared["solver"] = LeontiefSolver(mrio.A, "lu", where=mrio.describe())
    solver = shared["solver"]
    if method == "bm_src":
        return borin_mancini(mrio, exporters, output, partners=partners, sectors=sectors, breakdown=breakdown,
                             solver=solver)
    if method == "bm_snk":
        return borin_mancini_sink(mrio, exporters, output, solver=solver)
    if method == "my":
        return miroudot_ye(mrio, exporters, output, partners=partners, sectors=sectors, perimeter=perimeter,
                           solver=solver)
    if method == "oecd":
        return oecd(mrio, exporters, output, solver=solver)
    return gvc_participation(mrio, exporters, solver=solver)


def write_decomposition(mrio: MRIO, method: str, path: str | Path, *, exporters: Sequence[str] | None = None,
                        batch: int = 8, **options) -> int:
    """Write :func:`decomposition` to a parquet file, ``batch`` exporters at a time (§12).

    One LU of ``I − A`` (or one WWZ computation) serves every batch; each batch's rows are
    appended as a row group, so the rows of all exporters are never in memory together.
    Written to a temporary name and renamed. Returns the number of rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..core.fileio import atomic_write

    check_option("method", method, DECOMPOSITIONS)
    S = exporter_positions(mrio, exporters)
    codes = [mrio.countries[p] for p in S]
    shared: dict = {}
    rows = 0

    def write(tmp: str) -> None:
        nonlocal rows
        writer = None
        try:
            for start in range(0, len(codes), max(1, int(batch))):
                frame = decomposition(mrio, method, exporters=codes[start:start + batch], shared=shared, **options)
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
                rows += len(frame)
        finally:
            if writer is not None:
                writer.close()

    atomic_write(path, write)
    return rows


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
