"""Independent references for METHODS §12 (tests only, small tables).

Written from the formulas of §12 with an explicit extraction inverse ``(I − A^x)⁻¹`` per
exporter and perimeter, explicit ``B``, ``L_rr`` and ``B^(s)·Y^(s)``, and loops over
exporters, importers and sectors. Shares no code with the library's algebra modules.
"""

from __future__ import annotations

import numpy as np

from bruteforce import Table

BM = ["VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC", "FVA1", "FVA2", "FVA3", "FVA4", "FDC"]


def extracted_A(t: Table, s: int, partners=None, sectors=None) -> np.ndarray:
    """``A`` without ``s``'s intermediate exports of ``sectors`` to ``partners`` (§12.1)."""
    A = t.A.copy()
    for r in range(t.G):
        if r == s or (partners is not None and r not in partners):
            continue
        for i in range(t.N):
            if sectors is None or i in sectors:
                A[t.k(s, i), t.rows(r)] = 0.0
    return A


def bm_src(Z, Y, x, va, G, s, *, partners=None, sectors=None, origin=False):
    """Borin–Mancini source-based terms of exporter ``s``, ``(N, G)`` each (§11, §12.1, §12.2)."""
    t = Table(Z, Y, x, va, G)
    N = t.N
    Bx = np.linalg.inv(np.eye(t.n) - extracted_A(t, s, partners, sectors))
    BY = [t.B @ Y[:, l] for l in range(G)]
    foreign = [q for q in range(G) if q != s]
    if origin:   # N×N matrices [o, i]
        dl = np.diag(t.vv(s)) @ Bx[t.rows(s), t.rows(s)]
        fx = sum(np.diag(t.vv(q)) @ Bx[t.rows(q), t.rows(s)] for q in foreign)
        ddc = np.diag(t.vv(s)) @ t.b(s, s) - dl
        fdc = sum(np.diag(t.vv(q)) @ t.b(q, s) for q in foreign) - fx
        apply = lambda c, h: c @ h  # noqa: E731
    else:
        u = np.ones(N)
        dl = u @ np.diag(t.vv(s)) @ Bx[t.rows(s), t.rows(s)]
        fx = sum(u @ np.diag(t.vv(q)) @ Bx[t.rows(q), t.rows(s)] for q in foreign)
        ddc = u @ np.diag(t.vv(s)) @ t.b(s, s) - dl
        fdc = sum(u @ np.diag(t.vv(q)) @ t.b(q, s) for q in foreign) - fx
        apply = lambda c, h: c * h  # noqa: E731
    out = {name: np.zeros((N, G)) for name in (*BM, "EXGR")}
    for r in foreign:
        if partners is not None and r not in partners:
            continue
        keep = np.array([sectors is None or i in sectors for i in range(N)], dtype=float)
        Asr, Lr = t.a(s, r), t.L[r]
        others = [j for j in range(G) if j != r]
        flows = {
            "VAX1": t.y(s, r), "VAX2": Asr @ Lr @ t.y(r, r),
            "VAX3": Asr @ Lr @ sum(t.y(r, j) for j in range(G) if j not in (r, s)),
            "VAX4": Asr @ Lr @ sum(t.a(r, j) @ sum(BY[l][t.rows(j)] for l in range(G) if l != s) for j in others),
            "REF1": Asr @ Lr @ t.y(r, s),
            "REF2": Asr @ Lr @ sum(t.a(r, j) @ BY[s][t.rows(j)] for j in others),
            "FVA1": t.y(s, r), "FVA2": Asr @ Lr @ t.y(r, r),
            "FVA3": Asr @ Lr @ sum(t.y(r, j) for j in others),
            "FVA4": Asr @ Lr @ sum(t.a(r, j) @ x[t.rows(j)] for j in others),
        }
        E = t.Ebil[t.rows(s), r] * keep
        coefficient = {"VAX": dl, "REF": dl, "FVA": fx}
        for name, flow in flows.items():
            out[name][:, r] = apply(coefficient[name[:3]], flow * keep)
        out["DDC"][:, r] = apply(ddc, E)
        out["FDC"][:, r] = apply(fdc, E)
        out["EXGR"][:, r] = E
    return out


def bm_snk(Z, Y, x, va, G, s):
    """Borin–Mancini sink-based terms and ``VAXIM`` of exporter ``s`` (§12.3)."""
    t = Table(Z, Y, x, va, G)
    N, n = t.N, t.n
    Bs = np.linalg.inv(np.eye(n) - extracted_A(t, s))
    Ys = Y.copy()
    for l in range(G):
        if l != s:
            Ys[t.rows(s), l] = 0.0
    Aoff = t.A.copy()
    for r in range(G):
        Aoff[t.rows(r), t.rows(r)] = 0.0
    Q = Aoff @ Bs @ Ys                                   # n × G
    Es = t.Ebil[t.rows(s)].sum(axis=1)
    q = Aoff @ Bs[:, t.rows(s)] @ Es
    u = np.ones(N)
    dv = u @ np.diag(t.vv(s)) @ t.b(s, s)
    fb = sum(u @ np.diag(t.vv(p)) @ t.b(p, s) for p in range(G) if p != s)
    out = {name: np.zeros((N, G)) for name in (*BM, "VAXIM", "EXGR")}
    for r in range(G):
        if r == s:
            continue
        AL = t.a(s, r) @ t.L[r]
        Qr = Q[t.rows(r)]
        terms = {
            "VAX1": dv * t.y(s, r), "VAX2": dv * (AL @ t.y(r, r)),
            "VAX3": dv * (AL @ sum(t.y(r, j) for j in range(G) if j not in (r, s))),
            "VAX4": dv * (AL @ sum(Qr[:, l] for l in range(G) if l != s)),
            "REF1": dv * (AL @ t.y(r, s)), "REF2": dv * (AL @ Qr[:, s]),
            "DDC": dv * (AL @ q[t.rows(r)]),
            "FVA1": fb * t.y(s, r), "FVA2": fb * (AL @ t.y(r, r)),
            "FVA3": fb * (AL @ sum(t.y(r, j) for j in range(G) if j != r)),
            "FVA4": fb * (AL @ Qr.sum(axis=1)), "FDC": fb * (AL @ q[t.rows(r)]),
        }
        terms["VAXIM"] = terms["VAX1"] + terms["VAX2"] + dv * (AL @ Qr[:, r])
        terms["EXGR"] = t.Ebil[t.rows(s), r]
        for name, value in terms.items():
            out[name][:, r] = value
    return out


def my_world_fdc1(Z, Y, x, va, G, s):
    """``FDC1`` of Miroudot–Ye's world perimeter for exporter ``s``, ``(N, G)`` (§12.5)."""
    t = Table(Z, Y, x, va, G)
    c = sum(t.vv(p) @ t.L[p] @ t.a(p, s) @ t.L[s] for p in range(G) if p != s)
    return c[:, None] * t.Ebil[t.rows(s)]


def oecd_gvc(Z, Y, x, va, G, s):
    """OECD ``GVCB[i, t]`` and ``GVCF[j, r]`` of exporter ``s`` and ``VS1`` by sector (§12.4, §12.6)."""
    t = Table(Z, Y, x, va, G)
    N = t.N
    gvcb, gvcf = np.zeros((N, G)), np.zeros((N, G))
    for p in range(G):
        if p == s:
            continue
        gvcb[:, p] = (t.vv(p) @ t.b(p, s)) * t.E[t.rows(s)]
        gvcf[:, p] = (t.vv(s) @ t.b(s, p)) * t.E[t.rows(p)]
    vs1 = np.array([t.v[t.k(s, i)] * sum(t.B[t.k(s, i), t.k(p, j)] * t.E[t.k(p, j)]
                                          for p in range(G) if p != s for j in range(N)) for i in range(N)])
    return gvcb, gvcf, vs1
