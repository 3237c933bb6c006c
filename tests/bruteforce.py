"""Independent reference implementation for the tests only (small tables).

Written straight from METHODS.md with the explicit global inverse ``B = (I − A)⁻¹``, the
explicit local inverses ``L_ss``, full ``n×n`` matrices (``Φ = diag(v)·B·Z``,
``VAE = diag(v)·B·diag(E)``) and plain Python loops over countries, sectors and routes.
It shares no code with :mod:`mutualism.gvc.decompose` or :mod:`mutualism.gvc.indices`.
"""

from __future__ import annotations

import math

import numpy as np

NAN = float("nan")


def div(a: float, b: float) -> float:
    return NAN if b == 0 or math.isnan(b) else a / b


class Table:
    """Explicit matrices and per-block accessors of a closed table (METHODS §1)."""

    def __init__(self, Z, Y, x, va, G):
        self.G, self.n = G, Z.shape[0]
        self.N = self.n // G
        n = self.n
        self.Z, self.Y, self.x, self.va = Z, Y, x, va
        self.A = np.zeros((n, n))
        self.v = np.zeros(n)
        for j in range(n):
            if x[j] != 0:
                self.A[:, j] = Z[:, j] / x[j]
                self.v[j] = va[j] / x[j]
        self.B = np.linalg.inv(np.eye(n) - self.A)
        self.L = [np.linalg.inv(np.eye(self.N) - self.a(s, s)) for s in range(G)]
        # bilateral gross exports E_{si→r} and totals (§1)
        self.Ebil = np.zeros((n, G))
        for s in range(G):
            for r in range(G):
                if r != s:
                    self.Ebil[self.rows(s), r] = Z[self.rows(s), self.rows(r)].sum(axis=1) + Y[self.rows(s), r]
        self.E = self.Ebil.sum(axis=1)
        self.Phi = np.diag(self.v) @ self.B @ Z                 # §3.1
        self.VAE = np.diag(self.v) @ self.B @ np.diag(self.E)   # §2

    def rows(self, s):
        return slice(s * self.N, (s + 1) * self.N)

    def k(self, s, i):
        return s * self.N + i

    def a(self, s, t):
        return self.A[self.rows(s), self.rows(t)]

    def b(self, s, t):
        return self.B[self.rows(s), self.rows(t)]

    def y(self, s, t):
        return self.Y[self.rows(s), t]

    def vv(self, s):
        return self.v[self.rows(s)]

    # §2
    def dva(self, s, i):
        return sum(self.VAE[self.k(s, j), self.k(s, i)] for j in range(self.N))

    def fv(self, s, i):
        return sum(self.VAE[self.k(t, j), self.k(s, i)] for t in range(self.G) if t != s for j in range(self.N))

    # §3.2 (wwz option)
    def e_star(self, s, i):
        total = 0.0
        for d in range(self.G):
            if d != s:
                total += self.Y[self.k(s, i), d] + (self.a(s, d) @ self.L[d] @ self.y(d, d))[i]
        return total

    # §4: T_{b←a}, five routes and vax, N-vectors over a's industries
    def routes(self, a, b):
        W = np.diag(self.vv(a)) @ self.L[a]
        third = [d for d in range(self.G) if d not in (a, b)]
        r1 = np.diag(self.vv(a)) @ self.b(a, a) @ self.y(a, b)
        r2 = W @ self.a(a, b) @ self.b(b, b) @ self.y(b, b)
        r3 = W @ self.a(a, b) @ sum(self.b(b, d) @ self.y(d, b) for d in third)
        r4 = sum(W @ self.a(a, d) @ self.b(d, d) @ self.y(d, b) for d in third)
        r5 = sum(W @ self.a(a, d) @ self.b(d, b) @ self.y(b, b) for d in third)
        vax = self.vv(a) * (self.B @ self.Y[:, b])[self.rows(a)]
        return [r1, r2, r3, r4, r5], vax

    def omitted_routes(self, a, b):
        """Σ_{d∉{a,b}} Σ_{k∉{a,b,d}} W_a·A_ak·B_kd·Y_db: a→k→…→d→b through two third countries."""
        W = np.diag(self.vv(a)) @ self.L[a]
        third = [d for d in range(self.G) if d not in (a, b)]
        return sum(W @ self.a(a, k) @ self.b(k, d) @ self.y(d, b) for d in third for k in third if k != d)

    # §6
    def iv(self, s, i):
        total = 0.0
        for d in range(self.G):
            if d == s:
                continue
            for j in range(self.N):
                e_not_s = sum(self.Ebil[self.k(d, j), t] for t in range(self.G) if t not in (d, s))
                total += self.B[self.k(s, i), self.k(d, j)] * e_not_s
        return self.v[self.k(s, i)] * total

    def rca(self, s, sectors):
        """Balassa index of country s on the sum over `sectors` of gross exports."""
        E2 = self.E.reshape(self.G, self.N)
        return div(div(sum(E2[s, j] for j in sectors), E2[s].sum()), div(sum(E2[:, j].sum() for j in sectors), E2.sum()))


def pos(iv, fv, e):
    a, b = div(iv, e), div(fv, e)
    if math.isnan(a) or math.isnan(b) or a <= -1 or b <= -1:
        return NAN
    return math.log(1 + a) - math.log(1 + b)


def indices(Z, Y, x, va, G, china, partners, industries, *, fva="leontief", cross_industry=False):
    """dict[(partner position, industry position)] → dict of §10 values (no g, XT)."""
    t = Table(Z, Y, x, va, G)
    N = t.N
    c = china
    out = {}
    for r in partners:
        to_c_routes, to_c_vax = t.routes(r, c)
        to_r_routes, to_r_vax = t.routes(c, r)
        for i in industries:
            r_sectors = list(range(N)) if cross_industry else [i]
            ci = t.k(c, i)
            rj = [t.k(r, j) for j in r_sectors]
            x_r = sum(x[k] for k in rj)
            E_r = sum(t.E[k] for k in rj)
            phi_cr = sum(t.Phi[ci, k] for k in rj)
            phi_rc = sum(t.Phi[k, ci] for k in rj)
            row = {
                "IIR_cr": div(phi_cr, x_r), "IDR_rc": div(phi_cr, x[ci]),
                "IIR_rc": div(phi_rc, x[ci]), "IDR_cr": div(phi_rc, x_r),
            }
            row["RH"] = (row["IIR_cr"] + row["IDR_rc"] + row["IIR_rc"] + row["IDR_cr"]) / 4
            fva_r_c = sum(t.VAE[k, ci] for k in rj)
            fva_c_r = sum(t.VAE[ci, k] for k in rj)
            if fva == "wwz":
                num_cr = sum(t.v[k] * t.B[k, ci] for k in rj) * t.e_star(c, i)
                num_rc = sum(t.v[ci] * t.B[ci, k] * t.e_star(r, j) for k, j in zip(rj, r_sectors))
            else:
                num_cr, num_rc = fva_r_c, fva_c_r
            row["theta_cr"] = div(num_cr, t.E[ci])
            row["theta_rc"] = div(num_rc, E_r)
            row["HD"] = (row["theta_cr"] + row["theta_rc"]) / 2
            row["VAX_c"] = t.dva(c, i)
            row["VAX_r"] = sum(t.dva(r, j) for j in r_sectors)
            names = ["ITR_dva_fin", "ITR_dva_int", "ITR_dva_intrex", "ITR_dva_int_third", "ITR_dva_intrex_third"]
            for m, name in enumerate(names):
                row[name] = to_r_routes[m][i] + sum(to_c_routes[m][j] for j in r_sectors)
            row["ITR_vax"] = to_r_vax[i] + sum(to_c_vax[j] for j in r_sectors)
            row["omitted"] = t.omitted_routes(c, r)[i] + sum(t.omitted_routes(r, c)[j] for j in r_sectors)
            row["RVC"] = div(fva_r_c + fva_c_r, t.E[ci] + E_r)
            va_world = va.sum() if cross_industry else sum(va[t.k(s, i)] for s in range(G))
            row["INC"] = div(va[ci] + sum(va[k] for k in rj), va_world)
            iv_r = sum(t.iv(r, j) for j in r_sectors)
            fv_r = sum(t.fv(r, j) for j in r_sectors)
            row["IV_r"], row["FV_r"] = iv_r, fv_r
            row["GVC_P"] = div(iv_r + fv_r, E_r)
            row["POS_c"] = pos(t.iv(c, i), t.fv(c, i), t.E[ci])
            row["POS_r"] = pos(iv_r, fv_r, E_r)
            row["GVC_D"] = abs(row["POS_c"] - row["POS_r"])
            row["RCA_c"] = t.rca(c, [i])
            row["RCA_r"] = t.rca(r, r_sectors)
            row["RCA_D"] = abs(row["RCA_c"] - row["RCA_r"])
            row["E_c"], row["E_r"], row["x_c"], row["x_r"] = t.E[ci], E_r, x[ci], x_r
            if x[ci] == 0 or x_r == 0:  # a cell without output carries no ratio (METHODS §1)
                flows = {"VAX_c", "VAX_r", *names, "ITR_vax", "omitted", "IV_r", "FV_r", "x_c", "x_r"}
                row.update({k: NAN for k in row if k not in flows | {"E_c", "E_r"}})
                row["E_c"] = NAN if x[ci] == 0 else row["E_c"]
                row["E_r"] = NAN if x_r == 0 else row["E_r"]
            out[(r, i)] = row
    return out


def wwz(Z, Y, x, va, G):
    """The 16 WWZ terms of METHODS §9 by loops: dict name → array [s, i, r] (zeros for s = r)."""
    t = Table(Z, Y, x, va, G)
    N = t.N
    names = ["DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2", "RDV_INT", "RDV_FIN",
             "RDV_FIN2", "OVA_FIN", "MVA_FIN", "OVA_INT", "MVA_INT", "DDC_FIN", "DDC_INT", "ODC", "MDC"]
    out = {name: np.zeros((G, N, G)) for name in names}
    E_star = [sum(t.Ebil[t.rows(r), k] for k in range(G)) for r in range(G)]
    u = np.ones(N)
    for s in range(G):
        dv = u @ np.diag(t.vv(s)) @ t.b(s, s)
        dl = u @ np.diag(t.vv(s)) @ t.L[s]
        for r in range(G):
            if r == s:
                continue
            T = [q for q in range(G) if q not in (s, r)]
            ova = sum(u @ np.diag(t.vv(q)) @ t.b(q, s) for q in T)
            mva = u @ np.diag(t.vv(r)) @ t.b(r, s)
            Asr = t.a(s, r)
            terms = {
                "DVA_FIN": dv * t.y(s, r),
                "DVA_INT": dl * (Asr @ t.b(r, r) @ t.y(r, r)),
                "DVA_INTrexI1": dl * (Asr @ sum(t.b(r, q) @ t.y(q, q) for q in T)),
                "DVA_INTrexF": dl * (Asr @ t.b(r, r) @ sum(t.y(r, q) for q in T)),
                "DVA_INTrexI2": dl * (Asr @ sum(t.b(r, q) @ sum(t.y(q, w) for w in range(G) if w not in (s, q))
                                                for q in T)),
                "RDV_INT": dl * (Asr @ t.b(r, s) @ t.y(s, s)),
                "RDV_FIN": dl * (Asr @ t.b(r, r) @ t.y(r, s)),
                "RDV_FIN2": dl * (Asr @ sum(t.b(r, q) @ t.y(q, s) for q in T)),
                "OVA_FIN": ova * t.y(s, r),
                "MVA_FIN": mva * t.y(s, r),
                "OVA_INT": ova * (Asr @ t.L[r] @ t.y(r, r)),
                "MVA_INT": mva * (Asr @ t.L[r] @ t.y(r, r)),
                "DDC_FIN": dl * (Asr @ t.b(r, s) @ sum(t.y(s, q) for q in range(G) if q != s)),
                "DDC_INT": (dv - dl) * (Asr @ x[t.rows(r)]),
                "ODC": ova * (Asr @ t.L[r] @ E_star[r]),
                "MDC": mva * (Asr @ t.L[r] @ E_star[r]),
            }
            for name, value in terms.items():
                out[name][s, :, r] = value
    out["texp"] = t.Ebil.reshape(G, N, G)
    return out


def small_world(G=5, N=3, seed=3, zero_sectors=(4, 8), negative_fd=True, year=2010):
    """A small productive random world with zero-output sectors and, optionally, negative
    final demand in some (sector, destination) cells (net inventory draw-downs)."""
    from conftest import random_blocks
    from mutualism.io.mrio import build_mrio

    Z, Y = random_blocks(G, N, 2, seed, zero_sectors, negative_fd=False)
    if negative_fd:
        rng = np.random.default_rng(seed + 100)
        rows = [k for k in rng.choice(G * N, 4, replace=False) if k not in zero_sectors]
        for k in rows:
            d = int(rng.integers(0, G))
            Y[k, 2 * d: 2 * d + 2] = -0.05 * Y[k, 2 * d: 2 * d + 2]
    countries = ["CHN", "PAK", "KEN", "ROW", "DEU", "RUS", "EGY", "BRA"][:G]
    return build_mrio(Z, Y, countries, [f"C{4 + j}" for j in range(N)], year, source="random",
                      fd_categories=["hh", "inv"])
