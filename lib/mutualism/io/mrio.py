"""One year of a multi-regional input–output table, closed and validated (METHODS.md §1).

The :class:`MRIO` object is small and immutable: plain numpy arrays (read-only) plus the
country and sector labels, the year and a metadata record of what was published, what
was derived and how large the gaps were. Everything else in the library is a pure
function of these arrays; labels are attached only at the edges.

Build one with :func:`build_mrio` (from arrays), or through :mod:`mutualism.io.sources`
(pymrio systems, pymrio folders, Eora26 files, the synthetic world).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.errors import MRIOBalanceError, MRIOShapeError, MRIOValueError, check_option

BALANCE_MODES = ("check", "report")
_SHOW = 5  # how many offending cells an error message lists
#: The largest magnitude a cell of a table may have (METHODS §1). World output is below 1e20
#: in any currency unit; a larger cell is a damaged file or a unit error, and with cells up
#: to 1e100 no sum or product of §1–§6 can overflow (1e300 makes 1,351 indices NaN, and
#: 1.7e308 overflows the row sums to inf, which would switch the balance check off).
MAX_MAGNITUDE = 1e100


@dataclass(frozen=True, eq=False)
class MRIO:
    """One year of an MRIO table after accounting closure (METHODS.md §1).

    Attributes
    ----------
    Z : (n, n) intermediate transactions, rows/columns ordered country-major.
    Y : (n, G) final demand by destination country (sum over categories).
    va : (n,) value added, the column residual ``x − 1'Z``.
    x : (n,) gross output, the row sums ``Z·1 + Y·1`` (negative row sums set to 0).
    countries, sectors : labels; ``n = G·N``.
    year : the table's year.
    Y_detail : (n, G·K) final demand per destination and category, or ``None``.
    fd_categories : the K category labels of ``Y_detail``.
    meta : read-only record: source, price basis, unit, ``derived`` (list of what was
        computed rather than read), balance gaps, zero-output sectors...
    """

    Z: np.ndarray
    Y: np.ndarray
    va: np.ndarray
    x: np.ndarray
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    year: int
    Y_detail: np.ndarray | None = None
    fd_categories: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("Z", "Y", "va", "x", "Y_detail"):
            arr = getattr(self, name)
            if arr is not None:
                # Read-only float arrays that own their data cannot change under us: share
                # them (a 4940-sector Z is 195 MB); anything else is copied, then frozen.
                if not (isinstance(arr, np.ndarray) and arr.dtype == float and arr.flags.owndata
                        and not arr.flags.writeable):
                    arr = np.array(arr, dtype=float, copy=True)
                    arr.setflags(write=False)
                object.__setattr__(self, name, arr)
        object.__setattr__(self, "countries", tuple(str(c) for c in self.countries))
        object.__setattr__(self, "sectors", tuple(str(s) for s in self.sectors))
        object.__setattr__(self, "fd_categories", tuple(str(k) for k in self.fd_categories))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    # ----- sizes and labels -------------------------------------------------------
    @property
    def G(self) -> int:
        """Number of countries (regions)."""
        return len(self.countries)

    @property
    def N(self) -> int:
        """Number of sectors per country."""
        return len(self.sectors)

    @property
    def n(self) -> int:
        """Number of country-sectors, ``G·N``."""
        return self.G * self.N

    @cached_property
    def index(self) -> pd.MultiIndex:
        """Row/column labels ``(country, sector)`` of ``Z``."""
        return pd.MultiIndex.from_product([self.countries, self.sectors], names=["country", "sector"])

    def label(self, k: int) -> str:
        """``'country/sector'`` of flat position ``k`` (for messages)."""
        return f"{self.countries[k // self.N]}/{self.sectors[k % self.N]}"

    def country_pos(self, country: str) -> int:
        """Position of ``country``; raises a clear error listing the table's countries."""
        try:
            return self.countries.index(country)
        except ValueError:
            raise MRIOShapeError(
                f"{self.describe()}: country {country!r} is not in the table; it has "
                f"{self.G}: {', '.join(self.countries)}"
            ) from None

    def block(self, country: str | int) -> slice:
        """Slice of the ``N`` rows/columns of one country."""
        s = country if isinstance(country, int) else self.country_pos(country)
        return slice(s * self.N, (s + 1) * self.N)

    def describe(self) -> str:
        """Short provenance string used in error messages: ``source year``."""
        return f"{self.meta.get('source', 'table')} {self.year}"

    # ----- coefficients (METHODS §1) -----------------------------------------------
    @cached_property
    def zero_output(self) -> np.ndarray:
        """Boolean mask of country-sectors with ``x = 0``."""
        mask = self.x == 0
        mask.setflags(write=False)
        return mask

    @cached_property
    def A(self) -> np.ndarray:
        """Technical coefficients ``Z·diag(x)⁻¹``; zero columns where ``x = 0``."""
        inv_x = np.divide(1.0, self.x, out=np.zeros_like(self.x), where=self.x != 0)
        A = self.Z * inv_x[None, :]
        A.setflags(write=False)
        return A

    @cached_property
    def v(self) -> np.ndarray:
        """Value-added coefficients ``va / x``; zero where ``x = 0``."""
        v = np.divide(self.va, self.x, out=np.zeros_like(self.va), where=self.x != 0)
        v.setflags(write=False)
        return v

    @cached_property
    def zero_output_countries(self) -> tuple[str, ...]:
        """Countries whose total output ``Σ_i x_si`` is 0 in this year (METHODS §1)."""
        totals = self.x.reshape(self.G, self.N).sum(axis=1)
        return tuple(c for c, t in zip(self.countries, totals) if t == 0)

    def require_output(self, country: str) -> None:
        """Raise :class:`MRIOValueError` naming the year if ``country`` has zero total output."""
        if country in self.zero_output_countries:
            raise MRIOValueError(f"{self.describe()}: {country} has zero total output in {self.year} (every "
                                 f"sector's x = Z·1 + Y·1 is 0); no index of {country} can be computed for that year")

    # ----- labelled views ---------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame | pd.Series]:
        """The arrays as labelled pandas objects (``Z``, ``Y``, ``va``, ``x``)."""
        idx = self.index
        return {
            "Z": pd.DataFrame(self.Z, index=idx, columns=idx),
            "Y": pd.DataFrame(self.Y, index=idx, columns=pd.Index(self.countries, name="destination")),
            "va": pd.Series(self.va, index=idx, name="va"),
            "x": pd.Series(self.x, index=idx, name="x"),
        }

    def report(self) -> dict[str, Any]:
        """Short validation report (what ``mutualism validate`` prints)."""
        return {
            "source": self.meta.get("source"),
            "year": self.year,
            "countries": self.G,
            "sectors": self.N,
            "n": self.n,
            "total_output": float(self.x.sum()),
            "total_final_demand": float(self.Y.sum()),
            "total_value_added": float(self.va.sum()),
            "zero_output_sectors": int(self.zero_output.sum()),
            "zero_output_countries": list(self.zero_output_countries),
            "negative_final_demand_cells": int(((self.Y_detail if self.Y_detail is not None else self.Y) < 0).sum()),
            "negative_value_added_sectors": int((self.va < 0).sum()),
            "derived": list(self.meta.get("derived", [])),
            "worst_gaps": list(self.meta.get("worst_gaps", [])),
        }


# ----------------------------------------------------------------------------------
def _labels(countries: Sequence[str], sectors: Sequence[str]) -> list[str]:
    return [f"{c}/{s}" for c in countries for s in sectors]


def _check_finite(name: str, arr: np.ndarray, rows: list[str], cols: list[str] | None, where: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        pos = np.argwhere(bad.reshape(arr.shape[0], -1))[:_SHOW]
        cells = ", ".join(
            f"({rows[i]}, {cols[j] if cols is not None else '-'})={arr.reshape(arr.shape[0], -1)[i, j]}" for i, j in pos
        )
        raise MRIOValueError(f"{where}: {name} has {int(bad.sum())} NaN/inf cells, e.g. {cells}")


def _check_magnitude(name: str, arr: np.ndarray, rows: list[str], cols: list[str] | None, where: str) -> None:
    flat = np.abs(arr.reshape(arr.shape[0], -1))
    big = flat > MAX_MAGNITUDE
    if big.any():
        order = np.argsort(-flat, axis=None, kind="stable")[:_SHOW]
        cells = ", ".join(
            f"({rows[k // flat.shape[1]]}, {cols[k % flat.shape[1]] if cols is not None else '-'})"
            f"={arr.reshape(arr.shape[0], -1).flat[k]:.6g}" for k in order if flat.flat[k] > MAX_MAGNITUDE
        )
        raise MRIOValueError(f"{where}: {name} has {int(big.sum())} cells larger in magnitude than {MAX_MAGNITUDE:g} "
                             f"(a damaged cell or a unit error?), e.g. {cells}")


def _check_nonnegative(name: str, arr: np.ndarray, rows: list[str], cols: list[str] | None, where: str) -> None:
    neg = arr < 0
    if neg.any():
        flat = arr.reshape(arr.shape[0], -1)
        order = np.argsort(flat, axis=None)[:_SHOW]
        cells = ", ".join(
            f"({rows[k // flat.shape[1]]}, {cols[k % flat.shape[1]] if cols is not None else '-'})={flat.flat[k]:.6g}"
            for k in order
            if flat.flat[k] < 0
        )
        raise MRIOValueError(
            f"{where}: {name} must be non-negative but has {int(neg.sum())} negative cells; most negative: {cells}"
        )


def _failing_gaps(gap: np.ndarray, scale: np.ndarray, total: float, tol: float, atol: float) -> np.ndarray:
    """Mask of cells whose gap is large both for themselves and for the table (§1)."""
    return (np.abs(gap) > tol * np.maximum(scale, 1.0)) & (np.abs(gap) > atol * total)


def _worst(gap: np.ndarray, scale: np.ndarray, labels: list[str], what: str, k: int = _SHOW) -> list[dict]:
    rel = np.abs(gap) / np.maximum(scale, 1.0)
    order = np.argsort(-rel)[:k]
    return [
        {"what": what, "where": labels[i], "gap": float(gap[i]), "relative": float(rel[i])}
        for i in order
        if gap[i] != 0
    ]


def build_mrio(
    Z: np.ndarray,
    Y: np.ndarray,
    countries: Sequence[str],
    sectors: Sequence[str],
    year: int,
    *,
    source: str,
    fd_categories: Sequence[str] = (),
    x_published: np.ndarray | None = None,
    va_published: np.ndarray | None = None,
    balance: str = "check",
    balance_tol: float = 1e-3,
    balance_atol: float = 1e-5,
    meta: Mapping[str, Any] | None = None,
) -> MRIO:
    """Validate raw blocks, apply the accounting closure and return an :class:`MRIO`.

    Implements METHODS.md §1: shapes and labels, NaN/inf, non-negative ``Z`` and
    published ``x``; ``x = Z·1 + Y·1`` with negative row sums set to 0 (gap recorded);
    ``va = x − 1'Z``; comparison with published ``x`` / ``va`` under
    ``balance_tol``/``balance_atol``.

    Parameters
    ----------
    Z : (n, n) intermediate use.
    Y : (n, G·K) final demand, ``K = len(fd_categories)`` categories per destination,
        destination-major; with no categories, ``(n, G)``.
    countries, sectors : labels, ``n = G·N``.
    year : table year.
    source : name of the data source (appears in every error message).
    x_published, va_published : totals published by the source, for validation only.
    balance : ``"check"`` raises :class:`MRIOBalanceError` beyond tolerance;
        ``"report"`` only records the gaps in ``meta``.

    Raises
    ------
    MRIOShapeError, MRIOValueError, MRIOBalanceError
    """
    check_option("balance", balance, BALANCE_MODES)
    where = f"{source} {year}"
    countries, sectors = tuple(countries), tuple(sectors)
    G, N = len(countries), len(sectors)
    n = G * N
    labels = _labels(countries, sectors)
    for name, labs in (("countries", countries), ("sectors", sectors)):
        dup = pd.Index(labs)[pd.Index(labs).duplicated()]
        if len(dup):
            raise MRIOShapeError(f"{where}: duplicate {name} labels: {list(dup)[:_SHOW]}")
    Z = np.asarray(Z, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if Z.shape != (n, n):
        raise MRIOShapeError(f"{where}: Z is {Z.shape[0]}×{Z.shape[1] if Z.ndim > 1 else 1}, expected {n}×{n} "
                             f"({G} countries × {N} sectors)")
    K = max(len(fd_categories), 1)
    if Y.ndim != 2 or Y.shape != (n, G * K):
        raise MRIOShapeError(f"{where}: Y is {Y.shape}, expected ({n}, {G * K}) = n × (countries × {K} categories)")
    fd_labels = [f"{c}/{k}" for c in countries for k in (fd_categories or ["final"])]
    _check_finite("Z", Z, labels, labels, where)
    _check_finite("Y", Y, labels, fd_labels, where)
    _check_magnitude("Z", Z, labels, labels, where)
    _check_magnitude("Y", Y, labels, fd_labels, where)
    _check_nonnegative("Z", Z, labels, labels, where)
    for name, arr in (("x (published)", x_published), ("va (published)", va_published)):
        if arr is not None:
            arr = np.asarray(arr, dtype=float)
            if arr.shape != (n,):
                raise MRIOShapeError(f"{where}: {name} has shape {arr.shape}, expected ({n},)")
            _check_finite(name, arr[:, None], labels, None, where)
            _check_magnitude(name, arr[:, None], labels, None, where)
    if x_published is not None:
        _check_nonnegative("x (published)", np.asarray(x_published, float)[:, None], labels, None, where)

    Y_dest = Y.reshape(n, G, K).sum(axis=2) if K > 1 else Y
    x, va, row_sums = close(Z, Y_dest)
    negative_rows = row_sums < 0
    total = float(x.sum())
    if not (np.isfinite(total) and np.isfinite(va).all() and np.isfinite(row_sums).all()):  # pragma: no cover
        raise MRIOValueError(f"{where}: the row or column sums overflow (Σx={total:g}); the table's values are too "
                             "large for 64-bit floating point")

    derived = ["x = Z·1 + Y·1 (row sums)", "va = x − 1'Z (column residual)"]
    gaps: list[tuple[str, np.ndarray, np.ndarray]] = []
    if negative_rows.any():
        derived.append(f"x set to 0 for {int(negative_rows.sum())} sectors with negative row sums: "
                       + ", ".join(labels[i] for i in np.flatnonzero(negative_rows)[:_SHOW]))
        gaps.append(("negative row sum set to x=0", np.where(negative_rows, row_sums, 0.0), x))
    if x_published is not None:
        xp = np.asarray(x_published, float)
        gaps.append(("row sums − published x", row_sums.clip(min=0) - xp, np.maximum(xp, x)))
    if va_published is not None:
        gaps.append(("column residual − published va", va - np.asarray(va_published, float), x))

    worst: list[dict] = []
    failures: list[str] = []
    for what, gap, scale in gaps:
        worst += _worst(gap, scale, labels, what)
        fail = _failing_gaps(gap, scale, total, balance_tol, balance_atol)
        if fail.any():
            idx = np.flatnonzero(fail)
            idx = idx[np.argsort(-np.abs(gap[idx]))][:_SHOW]
            failures.append(
                f"{what}: {int(fail.sum())} country-sectors, worst "
                + ", ".join(f"{labels[i]} gap={gap[i]:.6g} (x={scale[i]:.6g})" for i in idx)
            )
    meta_out = {
        "source": source,
        "price": "unknown",
        "unit": "unknown",
        **(dict(meta) if meta else {}),
        "derived": derived + list((meta or {}).get("derived", [])),
        "published": [k for k, v in (("x", x_published), ("va", va_published)) if v is not None],
        "worst_gaps": sorted(worst, key=lambda d: -d["relative"])[:_SHOW],
        "balance_failures": failures,
        "balance_tol": balance_tol,
        "balance_atol": balance_atol,
    }
    if failures and balance == "check":
        raise MRIOBalanceError(
            f"{where}: table out of balance beyond tolerance (|gap| > {balance_tol:g}·max(x,1) and "
            f"> {balance_atol:g}·Σx, Σx={total:.6g}); " + "; ".join(failures)
            + ". Use balance='report' to load it anyway."
        )
    return MRIO(
        Z=Z, Y=Y_dest, va=va, x=x, countries=countries, sectors=sectors, year=int(year),
        Y_detail=Y if K > 1 else None, fd_categories=tuple(fd_categories), meta=meta_out,
    )


def close(Z: np.ndarray, Y_dest: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The accounting closure of METHODS §1: ``x = Z·1 + Y·1`` (negative row sums set to 0),
    ``va = x − 1'Z``; returns ``(x, va, row_sums)``."""
    row_sums = Z.sum(axis=1) + Y_dest.sum(axis=1)
    x = np.where(row_sums < 0, 0.0, row_sums)
    return x, x - Z.sum(axis=0), row_sums


def aggregate_sectors(mrio: MRIO, mapping: Mapping[str, str], targets: Sequence[str], *, name: str = "") -> MRIO:
    """Sum the raw ``Z`` and ``Y`` over sectors by a concordance, then close (METHODS.md §1, §7).

    The closure is applied to the aggregate, so ``x = Z·1 + Y·1`` holds exactly on every
    aggregated country-sector with ``x > 0`` (closing the raw sectors first and summing
    would not, wherever a raw sector had a negative row sum). The comparison with
    published totals stays the raw table's (``meta``, naming raw sectors).

    Parameters
    ----------
    mapping : source sector label → target sector label; must cover every sector.
    targets : target sectors in output order (each must receive at least one source).
    name : concordance name recorded in ``meta["derived"]``.
    """
    missing = [s for s in mrio.sectors if s not in mapping]
    if missing:
        raise MRIOShapeError(f"{mrio.describe()}: concordance {name!r} does not map sectors {missing[:_SHOW]}"
                             f"{' …' if len(missing) > _SHOW else ''}")
    targets = tuple(targets)
    unknown = sorted({mapping[s] for s in mrio.sectors} - set(targets))
    if unknown:
        raise MRIOShapeError(f"concordance {name!r} maps to unknown target sectors {unknown[:_SHOW]}")
    S = np.zeros((len(targets), mrio.N))
    for j, s in enumerate(mrio.sectors):
        S[targets.index(mapping[s]), j] = 1.0
    empty = [t for t, row in zip(targets, S) if not row.any()]
    if empty:
        raise MRIOShapeError(f"concordance {name!r}: target sectors {empty} receive no source sector")
    G = mrio.G

    def rows(M: np.ndarray) -> np.ndarray:  # aggregate the row dimension (country-major)
        return np.einsum("ts,gs...->gt...", S, M.reshape(G, mrio.N, *M.shape[1:])).reshape(G * len(targets), *M.shape[1:])

    Z = np.ascontiguousarray(rows(rows(mrio.Z).T).T)
    Y = rows(mrio.Y)
    x, va, row_sums = close(Z, Y)
    labels = _labels(mrio.countries, targets)
    derived = [f"raw table: {d}" if str(d).startswith("x set to 0 for") else d for d in mrio.meta.get("derived", [])]
    derived.append(f"sectors aggregated {mrio.N}→{len(targets)} by {name or 'concordance'} (raw Z and Y summed, "
                   "then x = Z·1 + Y·1 and va = x − 1'Z on the aggregate)")
    negative = np.flatnonzero(row_sums < 0)
    if negative.size:
        derived.append(f"x set to 0 for {negative.size} aggregated sectors with negative row sums: "
                       + ", ".join(labels[i] for i in negative[:_SHOW]))
    meta = dict(mrio.meta)
    meta["derived"] = derived
    meta["raw_sectors"] = list(mrio.sectors)
    return MRIO(
        Z=Z, Y=Y, va=va, x=x, countries=mrio.countries, sectors=targets,
        year=mrio.year, Y_detail=None if mrio.Y_detail is None else rows(mrio.Y_detail),
        fd_categories=mrio.fd_categories, meta=meta,
    )
