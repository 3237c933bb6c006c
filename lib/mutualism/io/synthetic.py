"""The default data: a deterministic synthetic world shaped like Eora26 (METHODS.md §1, §6, §7).

Real ISO3 codes, names and capitals (``data/countries.csv``), the 26 Eora26 sectors
``C1``…``C26``, Eora26's six final-demand categories and six value-added rows, years
2001–2020. Everything is a function of ``(size, seed, year)``.

Sizes
-----
``small``: 40 regions — China, 32 Belt and Road signatories spread over the four regions
(:data:`SMALL_PARTNERS`), six non-partner economies (USA, DEU, JPN, GBR, IND, BRA) and the
rest of the world ``ROW``; n = 1040. The country list does not depend on the seed.
``full``: 189 countries + ``ROW`` = 190 regions × 26 sectors, n = 4940 (for benchmarks).
Eora26 has 189 countries × 26 sectors plus one statistical-discrepancy row, n = 4915; our
MRIO object needs a full country × sector grid, so the rest of the world is a 26-sector
region (25 rows more than Eora26). The 189 are the 193 UN member states plus Taiwan, Hong
Kong, Macao and Palestine, minus the eight smallest by population (Tuvalu, Nauru, Palau,
San Marino, Liechtenstein, Monaco, Marshall Islands, St Kitts and Nevis), whose economies
are part of ``ROW``.

Construction (one year)
-----------------------
1. GDP paths (current US$): 2001 levels (rough real values for the large economies and
   every country of the small world, log-normal draws for the rest), country growth rates
   around 4.5 % with a 2009 and a 2020 world recession; China's grow 13–17 % a year until
   2011 and slow to 8 % by 2019, so its weight in the world rises.
2. Technology ``T_r`` (N × N per buying country): a shared input structure with country
   noise; every column sums to at most :data:`MAX_INPUT_SHARE` (0.8), so ``A`` is
   productive by construction.
3. Sourcing shares ``S[s, r, i]`` (share of buyer ``r``'s purchases of product ``i`` that
   come from ``s``; Σ_s = 1): a domestic share falling with openness (small economies
   and goods are more open; services hardly traded), imports split by a gravity rule —
   supplier size × comparative advantage × distance^−1.1 between capitals (great circle;
   ``ROW`` at 7,000 km from everyone) × a persistent pair effect. China–partner links of
   Belt and Road signatories are strengthened by ``1 + γ_r·(t − 2013)`` after 2013
   (``γ_r`` between 0.04 and 0.12): partner integration with China rises after 2013.
4. In the smallest economies (the smallest eighth of the countries by 2001 GDP, at least
   three) one to three sectors produce nothing (drawn from C2, C10, C12, C24, C26, sectors
   that are often empty in Eora26): their rows and columns are zero.
5. ``A[si, rj] = S[s, r, i] · T_r[i, j]``; final demand by destination ``r`` and category
   ``k`` is ``F_r · w_rk · c_rk[i] · S[s, r, i]`` (``F_r`` = GDP in k USD); inventory changes
   are a signed fraction (−6 % … +10 %) of the other final demand of each cell, so some
   cells are negative; ``x`` solves ``(I − A)x = Y·1`` (GMRES on the structured
   operator, residual 1e-14), ``Z = A·diag(x)``, and :func:`mutualism.io.mrio.build_mrio`
   closes the table (``x`` = row sums, ``va`` = column residual).

The world is *plausible*, not calibrated: nothing in it plants a regression coefficient.
Any relation between industrial transfer and the mutualism indices comes only from the
structure above (sizes, distance, rising China links).

Control data (:func:`make_controls`) follow the same GDP paths and use the real facts of
``data/countries.csv`` (FTA years, high-income flags); WGI, Hofstede, population, labour
force and the oil price are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse.linalg import LinearOperator, gmres

from ..core.config import SYNTHETIC_SIZES
from ..core.errors import MutualismError, UnknownOptionError, check_option
from ..core.fileio import atomic_write
from .mrio import MRIO, build_mrio
from ..core.countries import countries, great_circle_km, un_members, vintage_fiscal_year
from ..core.resources import sectors as sector_table

SIZES = SYNTHETIC_SIZES  # the valid values live in config.py
FORMATS = ("pymrio", "eora26")
ROW = "ROW"
FIRST_YEAR, LAST_YEAR = 1995, 2030  # years with GDP paths; the sample is 2001–2020
BASE_YEAR = 2001
MAX_INPUT_SHARE = 0.8
#: Eora26's final-demand categories, in Eora's order.
FD_CATEGORIES = (
    "Household final consumption P.3h", "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g", "Gross fixed capital formation P.51",
    "Changes in inventories P.52", "Acquisitions less disposals of valuables P.53",
)
#: Eora26's value-added (primary input) rows, in Eora's order.
VA_CATEGORIES = (
    "Compensation of employees D.1", "Taxes on production D.29", "Subsidies on production D.39",
    "Net operating surplus B.2n", "Net mixed income B.3n", "Consumption of fixed capital K.1",
)
SMALL_PARTNERS = (
    "PAK", "KAZ", "VNM", "THA", "MYS", "SGP", "IDN", "SAU", "TUR", "KOR", "MNG", "LAO",  # Asia
    "EGY", "KEN", "NGA", "ETH", "ZAF", "AGO", "RWA",                                      # Africa
    "RUS", "POL", "HUN", "CZE", "SRB", "GRC", "ITA", "BLR",                               # Europe
    "CHL", "PER", "NZL", "ECU", "FJI",                                                    # Americas & Oceania
)
SMALL_OTHERS = ("USA", "DEU", "JPN", "GBR", "IND", "BRA")
FULL_EXCLUDED = ("TUV", "NRU", "PLW", "SMR", "LIE", "MCO", "MHL", "KNA")
FULL_ADDED = ("TWN", "HKG", "MAC", "PSE")
#: Rough 2001 GDP (current US$ bn, rounded) of the large economies and of every country of
#: the small world; the other countries of the full world get log-normal draws.
GDP_2001_BN = {"USA": 10600, "JPN": 4300, "DEU": 1950, "GBR": 1650, "FRA": 1380, "CHN": 1340, "ITA": 1170,
               "CAN": 740, "MEX": 720, "ESP": 630, "BRA": 560, "KOR": 530, "IND": 490, "NLD": 430, "AUS": 380,
               "RUS": 310, "ARG": 270, "TUR": 200, "POL": 190, "SAU": 185, "IDN": 160, "GRC": 130, "THA": 120,
               "ZAF": 120, "EGY": 97, "MYS": 93, "SGP": 90, "PAK": 72, "NGA": 70, "CHL": 69, "CZE": 63, "HUN": 53,
               "PER": 53, "NZL": 53, "VNM": 33, "ECU": 24, "KAZ": 22, "KEN": 13, "SRB": 12, "BLR": 12, "AGO": 9,
               "ETH": 8, "LAO": 1.7, "RWA": 1.7, "FJI": 1.7, "MNG": 1.1}
ZERO_CANDIDATES = ("C2", "C10", "C12", "C24", "C26")
ROW_DISTANCE_KM = 7000.0
#: Belt and Road partners' links with China grow by ``1 + γ_r·(t − INTEGRATION_FROM)`` after
#: that year, ``γ_r`` drawn uniformly in :data:`INTEGRATION_RANGE` (0 for other countries).
INTEGRATION_FROM = 2013
INTEGRATION_RANGE = (0.04, 0.12)
#: Exponent of the distance between capitals in the gravity rule of the sourcing shares.
DISTANCE_EXPONENT = -1.1
#: GDP of ROW relative to the countries of the world (the real 2001 ratio is about 0.37 for
#: the small world's 39 countries and 0.02 for the full world's 189).
ROW_GDP_SHARE = {"small": 0.37, "full": 0.02}


# ----- the countries --------------------------------------------------------------------
def _country_codes(size: str) -> list[str]:
    check_option("size", size, SIZES)
    if size == "small":
        return sorted(("CHN", *SMALL_PARTNERS, *SMALL_OTHERS))
    members = un_members() | set(FULL_ADDED)
    codes = sorted(members - set(FULL_EXCLUDED))
    if len(codes) != 189:
        raise MutualismError(f"full synthetic world: expected 189 countries, the rule gives {len(codes)}")
    return codes


def world_countries(size: str = "small", seed: int = 2023) -> pd.DataFrame:
    """The regions of the synthetic world, ``ROW`` last (see the module docstring).

    Returns
    -------
    DataFrame
        Columns ``iso3``, ``name``, ``region``, ``bri_signatory``, ``bri64``, ``cap_lat``,
        ``cap_lon``, ``gdp_2001_usd`` (the world's 2001 GDP level, US$; ``ROW`` has no
        region, flags 0 and no capital).
    """
    world = _world(size, seed)
    table = countries().set_index("iso3")
    codes = list(world.codes[:-1])
    out = table.loc[codes, ["name", "region", "bri_signatory", "bri64", "cap_lat", "cap_lon"]].reset_index()
    row = {"iso3": ROW, "name": "Rest of the world", "region": np.nan, "bri_signatory": 0, "bri64": 0,
           "cap_lat": np.nan, "cap_lon": np.nan}
    out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    out["gdp_2001_usd"] = world.gdp[:, BASE_YEAR - FIRST_YEAR]
    return out


# ----- persistent structure of a world ---------------------------------------------------
@dataclass(frozen=True)
class _World:
    """Everything about a world that does not change from year to year."""

    codes: tuple[str, ...]
    gdp: np.ndarray            # (G, years) GDP, US$, FIRST_YEAR…LAST_YEAR
    population: np.ndarray     # (G, years) persons
    distance: np.ndarray       # (G, G) km between capitals
    technology: np.ndarray     # (G, N, N) input coefficients of each buying country
    advantage: np.ndarray      # (G, N) comparative advantage of suppliers
    pair_effect: np.ndarray    # (G, G) persistent bilateral trade affinity
    openness: np.ndarray       # (G,)
    zero: np.ndarray           # (G, N) zero-output sectors
    integration: np.ndarray    # (G,) post-2013 growth of China links (0 for non-partners)
    fd_weights: np.ndarray     # (G, K) final demand by category (inventories: see below)
    fd_mix: np.ndarray         # (G, K, N) product composition of each category
    va_shares: np.ndarray      # (G, N, 5) comp, taxes, subsidies(<0), mixed income, CFC


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *keys])


def _tradability() -> np.ndarray:
    """Share of a product that can be imported, by sector C1…C26: goods 1, services little."""
    trade = np.full(26, 0.12)
    trade[:12] = 1.0                      # C1…C12 agriculture, mining, manufacturing, recycling
    trade[[12, 13]] = 0.05                # utilities, construction
    trade[[18, 20]] = 0.3                 # transport, financial & business services
    trade[25] = 0.6                       # re-export & re-import
    return trade


def _gdp_paths(codes: Sequence[str], rng: np.random.Generator, row_share: float) -> np.ndarray:
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    G = len(codes)
    level = np.exp(rng.normal(np.log(8e9), 1.5, G)).clip(2e8, 2.5e11)
    for k, code in enumerate(codes):
        if code in GDP_2001_BN:
            level[k] = GDP_2001_BN[code] * 1e9
        if code == ROW:
            level[k] = row_share * level[:k].sum()
    trend = rng.normal(0.045, 0.015, G)
    shock = rng.normal(0.0, 0.02, (G, len(years)))
    world = np.where(years == 2009, -0.06, 0.0) + np.where(years == 2020, -0.05, 0.0)
    growth = trend[:, None] + shock + world[None, :]
    if "CHN" in codes:  # nominal US$ growth: fast in the 2000s, slowing after 2012
        china = np.interp(years, [1995, 2007, 2011, 2015, 2019, 2021], [0.13, 0.17, 0.16, 0.09, 0.08, 0.05])
        growth[list(codes).index("CHN")] = china + np.where(years == 2020, -0.05, 0.0) + shock[0] * 0.3
    log_path = np.cumsum(np.log1p(growth), axis=1)
    log_path -= log_path[:, [BASE_YEAR - FIRST_YEAR]]
    return level[:, None] * np.exp(log_path)


@lru_cache(maxsize=4)
def _world(size: str, seed: int) -> _World:
    codes = (*_country_codes(size), ROW)
    G, N, K = len(codes), 26, len(FD_CATEGORIES)
    rng = _rng(seed, 0)
    table = countries().set_index("iso3")
    gdp = _gdp_paths(codes, rng, ROW_GDP_SHARE[size])
    per_capita = np.exp(rng.normal(np.log(6000), 1.1, G)).clip(400, 90000)
    if "CHN" in codes:
        per_capita[codes.index("CHN")] = 1050.0
    population = gdp / per_capita[:, None] * np.exp(-0.01 * (np.arange(gdp.shape[1]) - (BASE_YEAR - FIRST_YEAR)))

    lat = table.reindex(list(codes))["cap_lat"].to_numpy(float)
    lon = table.reindex(list(codes))["cap_lon"].to_numpy(float)
    distance = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    distance = np.where(np.isnan(distance), ROW_DISTANCE_KM, np.maximum(distance, 300.0))
    np.fill_diagonal(distance, 0.0)

    base = rng.uniform(0, 1, (N, N)) ** 3 + 0.6 * np.eye(N)
    base[[2, 6, 12, 18, 20], :] += 0.25   # mining, chemicals, utilities, transport, business services feed all
    base /= base.sum(axis=0, keepdims=True)
    technology = base[None] * rng.lognormal(0.0, 0.3, (G, N, N))
    column_share = (rng.uniform(0.35, 0.7, N)[None, :] * rng.uniform(0.85, 1.15, (G, N))).clip(max=MAX_INPUT_SHARE)
    technology *= (column_share / technology.sum(axis=1))[:, None, :]

    advantage = rng.lognormal(0.0, 0.8, (G, N))
    if "CHN" in codes:
        advantage[codes.index("CHN"), 3:11] *= 2.5  # China's manufacturing
    pair_effect = rng.lognormal(0.0, 0.5, (G, G))
    size_2001 = gdp[:, BASE_YEAR - FIRST_YEAR]
    openness = (0.55 / (1.0 + (size_2001 / 1e11) ** 0.3)).clip(0.08, 0.6)

    zero = np.zeros((G, N), dtype=bool)
    small = np.argsort(size_2001[:-1])[: max(3, (G - 1) // 8)]
    candidates = [int(c[1:]) - 1 for c in ZERO_CANDIDATES]
    for g in small:
        zero[g, rng.choice(candidates, size=rng.integers(1, 4), replace=False)] = True
    technology = np.where(zero[:, None, :], 0.0, technology)  # zero-output sectors buy no inputs

    bri = table.reindex(list(codes))["bri_signatory"].fillna(0).to_numpy(bool)
    integration = np.where(bri, rng.uniform(*INTEGRATION_RANGE, G), 0.0)

    fd_weights = np.array([0.58, 0.02, 0.16, 0.23, 0.0, 0.01]) * rng.uniform(0.85, 1.15, (G, K))
    fd_weights /= fd_weights.sum(axis=1, keepdims=True)
    mix = np.full((K, N), 0.2)
    mix[0, [0, 3, 4, 16, 17, 18, 19, 20, 22]] += [1.5, 3.0, 1.0, 2.0, 1.5, 1.0, 0.8, 2.0, 2.0]  # households
    mix[1, 22] += 5.0                                                                        # NPISH
    mix[2, [21, 22]] += [6.0, 4.0]                                                            # government
    mix[3, [7, 8, 9, 13]] += [1.0, 3.0, 2.0, 6.0]                                             # GFCF
    mix[5, [7, 10]] += [2.0, 4.0]                                                            # valuables
    fd_mix = mix[None] * rng.lognormal(0.0, 0.3, (G, K, N))
    fd_mix /= fd_mix.sum(axis=2, keepdims=True)

    va_shares = np.stack([rng.uniform(0.35, 0.6, (G, N)), rng.uniform(0.02, 0.08, (G, N)),
                          -rng.uniform(0.0, 0.03, (G, N)), rng.uniform(0.03, 0.15, (G, N)),
                          rng.uniform(0.08, 0.18, (G, N))], axis=2)
    return _World(codes=codes, gdp=gdp, population=population, distance=distance, technology=technology,
                  advantage=advantage, pair_effect=pair_effect, openness=openness, zero=zero,
                  integration=integration, fd_weights=fd_weights, fd_mix=fd_mix, va_shares=va_shares)


# ----- one year -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Design:
    """What a synthetic world is built with (for the book to state): no regression
    coefficient is planted; Belt and Road partners' links with China grow after
    ``integration_from`` at the rates ``integration`` (partner → γ_r, drawn in
    ``integration_range``); sourcing falls with distance to the power ``distance_exponent``."""

    size: str
    seed: int
    planted_coefficients: tuple[str, ...]
    integration_from: int
    integration_range: tuple[float, float]
    integration: dict[str, float]
    distance_exponent: float


def design(size: str = "small", seed: int = 2023) -> Design:
    """The :class:`Design` of the world of ``size`` and ``seed`` (the values it was built with)."""
    world = _world(size, int(seed))
    rates = {c: float(g) for c, g in zip(world.codes, world.integration) if g > 0}
    return Design(size=size, seed=int(seed), planted_coefficients=(), integration_from=INTEGRATION_FROM,
                  integration_range=tuple(map(float, INTEGRATION_RANGE)), integration=rates,
                  distance_exponent=DISTANCE_EXPONENT)


def check_years(years: Iterable[int]) -> None:
    """Raise :class:`UnknownOptionError` naming the first year outside the synthetic world's
    range (checked by the CLI before anything is computed)."""
    for year in years:
        _year_index(year)


def _year_index(year: int) -> int:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise UnknownOptionError(f"years: {year} is outside the synthetic world's {FIRST_YEAR}–{LAST_YEAR}")
    return int(year) - FIRST_YEAR


def _sourcing(world: _World, year: int, rng: np.random.Generator) -> np.ndarray:
    """``S[s, r, i]``: share of buyer ``r``'s purchases of product ``i`` supplied by ``s``."""
    G, N = world.advantage.shape
    gdp = world.gdp[:, _year_index(year)]
    supply = gdp[:, None] * world.advantage * ~world.zero                      # (s, i)
    with np.errstate(divide="ignore"):
        gravity = world.pair_effect * world.distance ** DISTANCE_EXPONENT * rng.lognormal(0.0, 0.05, (G, G))
    np.fill_diagonal(gravity, 0.0)
    if "CHN" in world.codes:
        c = world.codes.index("CHN")
        boost = 1.0 + world.integration * max(0, int(year) - INTEGRATION_FROM)
        gravity[c, :] *= boost
        gravity[:, c] *= boost
    imports = supply[:, None, :] * gravity[:, :, None]                        # (s, r, i)
    imports /= imports.sum(axis=0, keepdims=True)
    domestic = 1.0 - np.clip(world.openness[:, None] * _tradability()[None, :] * 1.5, 0.0, 0.95)
    domestic = np.where(world.zero, 0.0, domestic)                             # (r, i)
    shares = imports * (1.0 - domestic)[None, :, :]
    shares[np.arange(G), np.arange(G), :] = domestic
    return shares


def make_mrio(year: int, *, size: str = "small", seed: int = 2023) -> MRIO:
    """One year of the synthetic world as a closed, validated :class:`~mutualism.io.mrio.MRIO`.

    Parameters
    ----------
    year : 1995–2030 (the sample uses 2001–2020).
    size : ``small`` (40 regions, n = 1040) or ``full`` (190 regions, n = 4940).
    seed : the same ``(size, seed, year)`` always gives identical arrays.

    Returns
    -------
    MRIO with Eora26's six final-demand categories (``Y_detail``), sectors ``C1``…``C26``,
    ``meta`` source ``synthetic``, price ``basic``, unit ``k USD (synthetic)``.
    """
    check_option("size", size, SIZES)
    world = _world(size, int(seed))
    G, N = world.advantage.shape
    K = len(FD_CATEGORIES)
    rng = _rng(seed, 1, int(year))
    shares = _sourcing(world, year, rng)
    T = world.technology

    final = world.gdp[:, _year_index(year)] / 1000.0                              # k USD
    demand = final[:, None, None] * world.fd_weights[:, :, None] * world.fd_mix    # (r, k, i)
    Y = np.einsum("rki,sri->sirk", demand, shares)                                 # (s, i, r, k)
    inventory = 4
    Y[..., inventory] = Y.sum(axis=3) * rng.uniform(-0.06, 0.10, (G, N, G))
    Y = Y.reshape(G * N, G * K)

    def leontief(v: np.ndarray) -> np.ndarray:  # (I − A)·v with A[si, rj] = S[s,r,i]·T[r,i,j]
        inputs = np.einsum("rij,rj->ri", T, v.reshape(G, N))
        return v - np.einsum("sri,ri->si", shares, inputs).ravel()

    total_final = Y.sum(axis=1)
    op = LinearOperator((G * N, G * N), matvec=leontief, dtype=float)
    x, info = gmres(op, total_final, x0=total_final, rtol=1e-14, atol=0.0, restart=60, maxiter=200)
    if info != 0:
        raise MutualismError(f"synthetic {size} {year}: Leontief solve did not converge (gmres info={info})")
    x = np.where(world.zero.ravel(), 0.0, x)  # exact zeros where nothing is produced
    Z = np.einsum("sri,rij->sirj", shares, T * x.reshape(G, 1, N)).reshape(G * N, G * N)
    meta = {"price": "basic", "unit": "k USD (synthetic)", "size": size, "seed": int(seed),
            "description": f"synthetic Eora26-shaped world ({size}, seed {seed})"}
    return build_mrio(Z, Y, world.codes, [f"C{k}" for k in range(1, N + 1)], int(year), source="synthetic",
                      fd_categories=FD_CATEGORIES, meta=meta)


def value_added_detail(mrio: MRIO, *, seed: int = 2023) -> np.ndarray:
    """Eora26's six value-added rows (``VA_CATEGORIES``) of a synthetic year, summing to ``va``.

    Compensation, taxes on production, subsidies (negative), mixed income and consumption of
    fixed capital are fixed shares of value added per country-sector; net operating surplus is
    the remainder, so the six rows add up to ``mrio.va`` (to rounding).
    """
    world = _world(mrio.meta.get("size", "small"), int(seed))
    shares = world.va_shares.reshape(mrio.n, 5)
    parts = shares * mrio.va[:, None]
    surplus = mrio.va - parts.sum(axis=1)
    return np.stack([parts[:, 0], parts[:, 1], parts[:, 2], surplus, parts[:, 3], parts[:, 4]])


# ----- controls ------------------------------------------------------------------------------
def make_controls(*, size: str = "small", seed: int = 2023, years: Iterable[int] = range(2001, 2021)
                  ) -> dict[str, pd.DataFrame]:
    """Country-level control data of the synthetic world, in :data:`mutualism.io.controls.SCHEMA`.

    Same frames as :func:`mutualism.io.controls.load_raw` returns for the real files, so
    :func:`mutualism.io.controls.pair_controls` works on both. GDP (constant 2010 US$ column)
    follows the world's GDP paths; population and labour force are synthetic; WGI
    estimates (published, like the real WGI, for every year but 1997, 1999 and 2001) and
    Hofstede scores (missing for about a quarter of the countries, which then take their
    UN sub-region's mean) are persistent random draws; distances are great-circle
    distances between the capitals of ``data/countries.csv`` (100 km within a country);
    the oil price is a synthetic series; FTA entry years and the high-income flag (for
    every fiscal year) are the real facts of ``data/countries.csv``.
    """
    from .controls import SCHEMA, WGI_ESTIMATES

    check_option("size", size, SIZES)
    world = _world(size, int(seed))
    years = sorted(set(int(y) for y in years))
    for y in years:
        _year_index(y)
    rng = _rng(seed, 2)
    codes = list(world.codes[:-1])
    G = len(codes)
    table = countries().set_index("iso3").loc[codes]
    cols = [y - FIRST_YEAR for y in years]

    wgi_years = [y for y in range(min(years[0], 1996), years[-1] + 1) if y >= 2002 or y % 2 == 0]
    level = rng.normal(0.0, 0.9, (G, 1, 1)) + rng.normal(0.0, 0.3, (G, 1, len(WGI_ESTIMATES)))
    drift = np.cumsum(rng.normal(0.0, 0.05, (G, len(wgi_years), len(WGI_ESTIMATES))), axis=1)
    wgi_values = (level + drift).clip(-2.5, 2.5).reshape(G * len(wgi_years), -1)
    wgi = pd.DataFrame(wgi_values, columns=list(WGI_ESTIMATES))
    wgi.insert(0, "year", np.tile(wgi_years, G))
    wgi.insert(0, "iso3", np.repeat(codes, len(wgi_years)))

    gdp = world.gdp[:-1][:, cols]
    population = world.population[:-1][:, cols]
    # The participation rate drifts by country and year (a random walk over the whole
    # synthetic range, its own RNG stream), so the labour force — Table 2's instrument —
    # varies within partners beyond GDP: without it ln LAB is ln GDP plus partner and year
    # effects, collinear with the fixed effects unless winsorising perturbs it.
    participation = np.exp(np.cumsum(_rng(seed, 4).normal(0.0, 0.02, (G, world.population.shape[1])), axis=1))
    labour = (population * rng.uniform(0.38, 0.55, (G, 1)) * (1 + 0.002 * np.arange(len(years)))[None, :]
              * participation[:, cols])
    wdi = pd.DataFrame({"iso3": np.repeat(codes, len(years)), "year": np.tile(years, G),
                        "gdp_const2010usd": gdp.ravel(), "gdp_pc_const2015usd": (1.1 * gdp / population).ravel(),
                        "labor_force_total": labour.ravel(), "population_total": population.ravel()})

    scores = rng.uniform(10, 100, (G, 4)).round()
    has = rng.uniform(size=G) > 0.25
    if "CHN" in codes:
        has[codes.index("CHN")] = True
    hofstede = pd.DataFrame(scores[has], columns=["pdi", "idv", "mas", "uai"])
    hofstede.insert(0, "iso3", np.asarray(codes)[has])

    km = np.where(np.eye(G, dtype=bool), 100.0, world.distance[:-1, :-1])
    distance = pd.DataFrame({"iso_o": np.repeat(codes, G), "iso_d": np.tile(codes, G), "distcap": km.ravel()})

    oil_years = np.arange(years[0], years[-1] + 1)
    brent = 25.0 * np.exp(np.cumsum(np.r_[0.0, rng.normal(0.06, 0.25, len(oil_years) - 1)]))
    oil = pd.DataFrame({"year": oil_years, "brent_usd_per_bbl": brent.round(2),
                        "wti_usd_per_bbl": (brent * rng.uniform(0.9, 1.05, len(oil_years))).round(2)})

    with_fta = table[table["fta_china_year"].notna()]
    fta = pd.DataFrame({"iso3": with_fta.index, "agreement": "China - " + with_fta["name"],
                        "entry_into_force": pd.to_datetime(with_fta["fta_china_year"].astype(int).astype(str) + "-01-01")})

    fiscal = sorted({y + 2 for y in years} | {vintage_fiscal_year(table["high_income_vintage"].iloc[0])})
    per_capita = (world.gdp[:-1] / world.population[:-1])[:, BASE_YEAR - FIRST_YEAR]
    group = np.where(table["high_income"] == 1, "H",
                     np.select([per_capita < 1000, per_capita < 4000], ["L", "LM"], "UM"))
    income = pd.DataFrame({"iso3": np.repeat(codes, len(fiscal)), "wb_fiscal_year": np.tile(fiscal, G),
                           "income_group": np.repeat(group, len(fiscal)),
                           "high_income": np.repeat((group == "H").astype(float), len(fiscal))})
    raw = {"wgi": wgi, "wdi": wdi, "hofstede": hofstede, "distance": distance, "oil": oil, "fta": fta, "income": income}
    return {key: raw[key][list(columns)] for key, columns in SCHEMA.items()}


# ----- writing -------------------------------------------------------------------------------
def write_world(out: str | Path, *, size: str = "small", years: Iterable[int] = range(2001, 2021), seed: int = 2023,
                format: str = "pymrio") -> list[Path]:
    """Write the synthetic world for ``years`` under ``out`` and return the files written.

    ``format="pymrio"``: one pymrio saved folder per year, ``out/<year>/`` (parquet; ``Z``,
    ``Y`` by region × Eora26 category, ``x``, and the value-added extension
    ``factor_inputs`` with Eora26's six rows) — readable by
    :func:`mutualism.io.sources.load_pymrio_folder`. ``format="eora26"``: Eora26's text layout
    ``out/<year>/Eora26_<year>_bp_{T,FD,VA,Q,QY}.txt`` plus ``labels_{T,FD,VA,Q}.txt``
    (:func:`write_eora26`), readable by ``pymrio.parse_eora26(out, year=<year>, price="bp")``.
    Both write the control data under ``out/controls/`` in the real files' layout
    (:func:`mutualism.io.controls.write_raw`).

    The world is assembled in a folder beside ``out`` and swapped in whole
    (:func:`mutualism.core.fileio.staged_dir`): ``out`` is replaced by the new world, and a
    failure or an interrupt (SIGINT, SIGTERM) leaves the previous ``out`` exactly as it was.
    Options are checked before anything is generated.
    """
    from .controls import write_raw
    from ..core.fileio import staged_dir

    check_option("format", format, FORMATS)
    check_option("size", size, SIZES)
    out = Path(out)
    years = sorted(set(int(y) for y in years))
    if not years:
        raise UnknownOptionError("years: no year given")
    check_years(years)
    written: list[Path] = []
    with staged_dir(out) as stage:
        for year in years:
            mrio = make_mrio(year, size=size, seed=seed)
            folder = stage / str(year)
            if format == "eora26":
                written += write_eora26(mrio, folder, seed=seed)
            else:
                written += _write_pymrio(mrio, folder, seed=seed)
        written += write_raw(make_controls(size=size, seed=seed, years=years), stage / "controls")
    return [out / p.relative_to(stage) for p in written]


def _write_pymrio(mrio: MRIO, folder: Path, *, seed: int) -> list[Path]:
    import pymrio

    idx = pd.MultiIndex.from_product([mrio.countries, mrio.sectors], names=["region", "sector"])
    fd_cols = pd.MultiIndex.from_product([mrio.countries, mrio.fd_categories], names=["region", "category"])
    va = pd.DataFrame(value_added_detail(mrio, seed=seed), index=pd.Index(VA_CATEGORIES, name="inputtype"), columns=idx)
    unit = pd.DataFrame({"unit": mrio.meta["unit"]}, index=idx)
    io = pymrio.IOSystem(
        Z=pd.DataFrame(mrio.Z, index=idx, columns=idx), Y=pd.DataFrame(mrio.Y_detail, index=idx, columns=fd_cols),
        x=pd.DataFrame({"indout": mrio.x}, index=idx), unit=unit, name=f"synthetic_{mrio.year}",
        factor_inputs={"name": "factor_inputs", "F": va,
                       "unit": pd.DataFrame({"unit": mrio.meta["unit"]}, index=va.index)},
    )
    io.meta.change_meta("year", mrio.year, log=False)
    io.meta.change_meta("price", mrio.meta["price"], log=False)
    io.meta.change_meta("description", mrio.meta["description"], log=False)
    io.save_all(folder, table_format="parquet")
    return sorted(p for p in folder.rglob("*") if p.is_file())


#: Eora's code and sector of its statistical-discrepancy row and column (dropped by pymrio).
EORA_DISCREPANCY = ("ROW", "TOTAL")
#: How the rest-of-the-world region is coded in Eora26 files: Eora reserves ``ROW`` for the
#: discrepancies, so our region is ``RoW`` (mapped back to ``ROW`` by data/country_code_aliases.csv).
EORA_REST_OF_WORLD = "RoW"


def write_eora26(mrio: MRIO, folder: str | Path, *, seed: int = 2023, price: str = "bp") -> list[Path]:
    """Write one year in Eora26's file layout so that ``pymrio.parse_eora26`` reads it back.

    Files (tab-separated, no header, numbers as ``%.17g`` so they read back bit for bit):
    ``Eora26_<year>_<price>_T.txt`` (``Z``), ``_FD.txt`` (final demand, six categories per
    region), ``_VA.txt`` (the six value-added rows), ``_Q.txt`` and ``_QY.txt`` (one satellite
    row, employment in thousand persons), and ``labels_T.txt``, ``labels_FD.txt``,
    ``labels_VA.txt``, ``labels_Q.txt`` (columns: full name, code, system, item).

    As in Eora26 the last row and column, code ``ROW`` and sector ``TOTAL``, hold statistical
    discrepancies; pymrio drops them. We put a small discrepancy ``ε_k`` (≈1e-4 of output,
    either sign) both in the row and in the column of every country-sector, so that the
    table without them is exactly ``mrio``: row sums and the VA block still close. Our
    rest-of-the-world region is coded ``RoW`` (see :data:`EORA_REST_OF_WORLD`). Sector
    labels are Eora26's names (``data/sectors_eora26.csv``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = countries().set_index("iso3")["name"]
    codes = [EORA_REST_OF_WORLD if c == ROW else c for c in mrio.countries]
    full = [("Rest of the World" if c == ROW else names.get(c, c)) for c in mrio.countries]
    eora_sectors = sector_table().set_index("code").loc[list(mrio.sectors), "eora26_label"].tolist()
    n = mrio.n
    rng = _rng(seed, 3, mrio.year)
    eps = rng.normal(0.0, 1e-4, n) * mrio.x

    T = np.zeros((n + 1, n + 1))
    T[:n, :n] = mrio.Z
    T[:n, n] = eps
    T[n, :n] = eps
    FD = np.zeros((n + 1, (mrio.G + 1) * len(mrio.fd_categories)))
    FD[:n, : mrio.G * len(mrio.fd_categories)] = mrio.Y_detail
    VA = np.zeros((len(VA_CATEGORIES), n + 1))
    VA[:, :n] = value_added_detail(mrio, seed=seed)
    world = _world(mrio.meta.get("size", "small"), int(seed))
    per_capita = world.gdp[:, _year_index(mrio.year)] / world.population[:, _year_index(mrio.year)]
    wage = np.repeat(0.6 * per_capita / 1000.0, mrio.N)  # k USD per worker
    Q = np.zeros((1, n + 1))
    Q[0, :n] = VA[0, :n] / wage / 1000.0               # thousand persons
    QY = np.zeros((1, FD.shape[1]))

    labels_T = pd.DataFrame([(f, c, "Industries", s) for f, c in zip(full, codes) for s in eora_sectors]
                            + [("Statistical Discrepancies", EORA_DISCREPANCY[0], "Industries", EORA_DISCREPANCY[1])])
    labels_FD = pd.DataFrame([(f, c, "Final Demand", k) for f, c in zip(full, codes) for k in mrio.fd_categories]
                             + [("Statistical Discrepancies", EORA_DISCREPANCY[0], "Final Demand", k)
                                for k in mrio.fd_categories])
    labels_VA = pd.DataFrame([("Primary input", v) for v in VA_CATEGORIES])
    labels_Q = pd.DataFrame([("Employment (1000 persons)", "Synthetic")])
    stem = f"Eora26_{mrio.year}_{price}"
    files = {f"{stem}_T.txt": T, f"{stem}_FD.txt": FD, f"{stem}_VA.txt": VA, f"{stem}_Q.txt": Q, f"{stem}_QY.txt": QY}
    written = []
    for name, array in files.items():  # each file written to a temporary name and renamed
        atomic_write(folder / name, lambda tmp, array=array: np.savetxt(tmp, array, fmt="%.17g", delimiter="\t"))
        written.append(folder / name)
    for name, frame in (("labels_T.txt", labels_T), ("labels_FD.txt", labels_FD), ("labels_VA.txt", labels_VA),
                        ("labels_Q.txt", labels_Q)):
        atomic_write(folder / name, lambda tmp, frame=frame: frame.to_csv(tmp, sep="\t", header=False, index=False))
        written.append(folder / name)
    return written
