"""Independent Borin–Mancini reference (METHODS.md §11) for the tests only (small tables).

Written straight from the table of §11 with an explicit extraction inverse
``B^(s) = (I − A^(s))⁻¹`` per exporter ``s`` (``A^(s)`` is ``A`` with ``s``'s intermediate
exports set to 0), the explicit global inverse ``B``, explicit local inverses ``L_rr`` and
Python loops over exporters, importers and the countries ``j`` of every sum. It shares no
code with :mod:`mutualism.gvc.decompose` or :mod:`mutualism.gvc.leontief`.
"""

from __future__ import annotations

import numpy as np

from bruteforce import Table

NAMES = ["VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC", "FVA1", "FVA2", "FVA3", "FVA4", "FDC"]


def extraction_inverse(t: Table, s: int) -> np.ndarray:
    """``B^(s)``: the inverse of ``I − A`` with the blocks ``A_sj``, ``j ≠ s``, removed."""
    A_s = t.A.copy()
    for j in range(t.G):
        if j != s:
            A_s[t.rows(s), t.rows(j)] = 0.0
    return np.linalg.inv(np.eye(t.n) - A_s)


def bm_src(Z, Y, x, va, G):
    """dict name → array ``[s, i, r]`` (zeros for ``s = r``), plus ``EXGR``, ``dl, dv, fx, fb``."""
    t = Table(Z, Y, x, va, G)
    N = t.N
    out = {name: np.zeros((G, N, G)) for name in NAMES}
    coef = {name: np.zeros((G, N)) for name in ("dl", "dv", "fx", "fb")}
    u = np.ones(N)
    BY = [t.B @ Y[:, l] for l in range(G)]                 # output needed for final demand of l
    for s in range(G):
        Bs = extraction_inverse(t, s)
        dl = u @ np.diag(t.vv(s)) @ t.L[s]
        dv = u @ np.diag(t.vv(s)) @ t.b(s, s)
        fx = sum(u @ np.diag(t.vv(q)) @ Bs[t.rows(q), t.rows(s)] for q in range(G) if q != s)
        fb = sum(u @ np.diag(t.vv(q)) @ t.b(q, s) for q in range(G) if q != s)
        coef["dl"][s], coef["dv"][s], coef["fx"][s], coef["fb"][s] = dl, dv, fx, fb
        for r in range(G):
            if r == s:
                continue
            Asr, Lr = t.a(s, r), t.L[r]
            E_sr = t.Ebil[t.rows(s), r]
            others = [j for j in range(G) if j != r]
            vax3 = sum(t.y(r, j) for j in range(G) if j not in (r, s))
            vax4 = sum(t.a(r, j) @ sum(BY[l][t.rows(j)] for l in range(G) if l != s) for j in others)
            ref2 = sum(t.a(r, j) @ BY[s][t.rows(j)] for j in others)
            fva3 = sum(t.y(r, j) for j in others)
            fva4 = sum(t.a(r, j) @ x[t.rows(j)] for j in others)
            terms = {
                "VAX1": dl * t.y(s, r),
                "VAX2": dl * (Asr @ Lr @ t.y(r, r)),
                "VAX3": dl * (Asr @ Lr @ vax3),
                "VAX4": dl * (Asr @ Lr @ vax4),
                "REF1": dl * (Asr @ Lr @ t.y(r, s)),
                "REF2": dl * (Asr @ Lr @ ref2),
                "DDC": (dv - dl) * E_sr,
                "FVA1": fx * t.y(s, r),
                "FVA2": fx * (Asr @ Lr @ t.y(r, r)),
                "FVA3": fx * (Asr @ Lr @ fva3),
                "FVA4": fx * (Asr @ Lr @ fva4),
                "FDC": (fb - fx) * E_sr,
            }
            for name, value in terms.items():
                out[name][s, :, r] = value
    out["EXGR"] = t.Ebil.reshape(G, N, G)
    out.update(coef)
    return out
