"""Pair control variables of eq. 12 (METHODS.md §6): loaders of the real files and ``pair_controls``.

The real country-level files live in one folder (``shared/data/external`` in this project;
``Params.controls_path``). :func:`load_raw` reads them into a dict of tidy frames with a
fixed schema; :func:`mutualism.io.synthetic.make_controls` produces the same dict for the
synthetic world, so :func:`pair_controls` works on both. :func:`write_raw` writes such a
dict back in the real files' layout (the synthetic world is written this way).

Files, columns read and units (paths relative to the folder)
-------------------------------------------------------------
======== ========================================================= ==================================================
key      file                                                      columns kept (units)
======== ========================================================= ==================================================
wgi      ``wgi/wgi_estimates_1996_2022.csv``                       ``iso3, year, va_est, pv_est, ge_est, rq_est,
                                                                   rl_est, cc_est`` (WGI estimates, about −2.5…2.5;
                                                                   published for 1996, 1998, 2000, 2002–)
wdi      ``wdi/wdi_panel_1990_2022.csv``                           ``iso3, year, gdp_const2010usd`` (constant 2010
                                                                   US$), ``gdp_pc_const2015usd`` (constant 2015 US$,
                                                                   not used: another base year), ``labor_force_total``
                                                                   (persons), ``population_total`` (persons)
hofstede ``hofstede/hofstede_6d_2015-08-16.csv``                   ``iso3, pdi, idv, mas, uai`` (index points; countries
                                                                   only, regional groups dropped)
distance ``cepii_geodist/dist_cepii.csv``                          ``iso_o, iso_d, distcap`` (km, capital to capital)
oil      ``oil_price/crude_oil_annual_eia.csv``                    ``year, brent_usd_per_bbl, wti_usd_per_bbl``
                                                                   (nominal US$ per barrel, annual mean, EIA)
fta      ``fta/wto_rta_china.csv``                                 ``iso3, agreement, entry_into_force``: one row per
                                                                   China partner of an FTA in goods in force (WTO
                                                                   type containing "FTA", goods date), ASEAN expanded
income   ``countries/wb_income_class_history_FY89-FY23.csv``       ``iso3, wb_fiscal_year, income_group, high_income``
                                                                   (World Bank analytical classification, OGHIST)
======== ========================================================= ==================================================

Country codes are normalised to ISO3 by :mod:`mutualism.core.countries` (CEPII's ``ROM→ROU``,
``ZAR→COD``, ``TMP→TLS``, ``PAL→PSE``). CEPII's ``YUG`` (Serbia and
Montenegro, capital Belgrade) is read as Serbia, whose capital it shares; Montenegro has no
CEPII distance and its ``DIS`` is missing.

Every file is checked as it is read: a parser failure, a missing column, a duplicated key
row or text in a numeric column is an :class:`~mutualism.core.errors.InputFileError` naming the
file, the row (line number) and the column. Missing values are NaN and are counted, never
filled: ``pair_controls(...).attrs`` says which partners and years each variable lacks and
why (:func:`missing_by_variable`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.countries import WTO_DATE, aliases, countries, vintage_fiscal_year, wto_fta_agreements
from ..core.errors import DataNotFoundError, InputFileError, MutualismError, quote, reading
from ..core.fileio import atomic_write

WGI_ESTIMATES = ("va_est", "pv_est", "ge_est", "rq_est", "rl_est", "cc_est")
HOFSTEDE_DIMENSIONS = ("pdi", "idv", "mas", "uai")
CONTROLS = ("POL", "ECO", "CUL", "DIS", "FTA", "LAB", "D1")

FILES = {
    "wgi": "wgi/wgi_estimates_1996_2022.csv",
    "wdi": "wdi/wdi_panel_1990_2022.csv",
    "hofstede": "hofstede/hofstede_6d_2015-08-16.csv",
    "distance": "cepii_geodist/dist_cepii.csv",
    "oil": "oil_price/crude_oil_annual_eia.csv",
    "fta": "fta/wto_rta_china.csv",
    "income": "countries/wb_income_class_history_FY89-FY23.csv",
}
#: Columns of each frame returned by :func:`load_raw` (and by ``synthetic.make_controls``).
SCHEMA = {
    "wgi": ("iso3", "year", *WGI_ESTIMATES),
    "wdi": ("iso3", "year", "gdp_const2010usd", "gdp_pc_const2015usd", "labor_force_total", "population_total"),
    "hofstede": ("iso3", *HOFSTEDE_DIMENSIONS),
    "distance": ("iso_o", "iso_d", "distcap"),
    "oil": ("year", "brent_usd_per_bbl", "wti_usd_per_bbl"),
    "fta": ("iso3", "agreement", "entry_into_force"),
    "income": ("iso3", "wb_fiscal_year", "income_group", "high_income"),
}
#: CEPII's Serbia-and-Montenegro code, read as Serbia (same capital, Belgrade).
_CEPII_EXTRA = {"YUG": "SRB"}
#: Columns that identify a row of each file (a second row with the same key is an error).
KEYS = {"wgi": ("iso3", "year"), "wdi": ("iso3", "year"), "hofstede": ("iso3",), "distance": ("iso_o", "iso_d"),
        "oil": ("year",), "income": ("iso3", "wb_fiscal_year")}
#: Columns that must hold numbers (an empty cell is a missing value; text is an error).
NUMERIC = {"wgi": ("year", *WGI_ESTIMATES), "wdi": SCHEMA["wdi"][1:], "hofstede": HOFSTEDE_DIMENSIONS,
           "distance": ("distcap",), "oil": SCHEMA["oil"], "income": ("wb_fiscal_year", "high_income")}


# ----- loading ------------------------------------------------------------------------
def _read(folder: Path, key: str) -> pd.DataFrame:
    path = folder / FILES[key]
    if not path.exists():
        raise DataNotFoundError(f"control file for {key!r} not found: {path} (expected layout: {FILES})")
    with reading(path, what=f"control file {key!r}"):
        return pd.read_csv(path, keep_default_na=False, na_values=["", ".", ".."])


def _require(frame: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFileError(f"{where}: missing column(s) {missing}; it has {list(frame.columns)}")


def _check(frame: pd.DataFrame, key: str, where: str) -> pd.DataFrame:
    """Numeric columns as floats (text refused by row and column), key rows unique."""
    frame = frame.copy()
    for column in NUMERIC.get(key, ()):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = bad.to_numpy().nonzero()[0]
            raise InputFileError(f"{where}: line {frame.index[row[0]] + 2}, column {column!r}: "
                                 f"{quote(frame[column].iloc[row[0]])} "
                                 f"is not a number ({len(row)} such cell(s); leave a missing value empty)")
        frame[column] = values
    keys = list(KEYS.get(key, ()))
    if keys:
        dup = frame.duplicated(keys, keep=False)
        if dup.any():
            rows = dup.to_numpy().nonzero()[0]
            first = frame.iloc[rows[0]][keys].to_dict()
            same = rows[(frame.iloc[rows][keys] == frame.iloc[rows[0]][keys]).all(axis=1).to_numpy()]
            raise InputFileError(f"{where}: {int(frame.duplicated(keys).sum())} duplicated {keys} row(s), e.g. {first} "
                                 f"on lines {', '.join(str(frame.index[r] + 2) for r in same[:5])}")
    return frame


def load_raw(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read the real control files under ``path`` into frames with the fixed :data:`SCHEMA`.

    Parameters
    ----------
    path : folder in the layout of :data:`FILES` (``shared/data/external``, or a world
        written by ``mutualism synth``).

    Returns
    -------
    dict with keys ``wgi, wdi, hofstede, distance, oil, fta, income`` (see the module
    docstring for files, columns and units). Codes are ISO3; missing values are NaN.

    Raises
    ------
    DataNotFoundError
        A file is missing (the message gives the expected layout).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataNotFoundError(f"controls folder {folder} does not exist (expected layout: {FILES})")
    raw: dict[str, pd.DataFrame] = {}
    table = aliases()
    for key in ("wgi", "wdi", "oil", "income"):
        where = str(folder / FILES[key])
        frame = _read(folder, key)
        _require(frame, SCHEMA[key], where)
        raw[key] = _check(frame[list(SCHEMA[key])], key, where)
    where = str(folder / FILES["hofstede"])
    hof = _read(folder, "hofstede")
    _require(hof, ("is_country", *SCHEMA["hofstede"]), where)
    hof = hof.loc[(hof["is_country"] == 1) & hof["iso3"].notna(), list(SCHEMA["hofstede"])]
    raw["hofstede"] = _check(hof, "hofstede", where).reset_index(drop=True)
    where = str(folder / FILES["distance"])
    dist = _read(folder, "distance")
    _require(dist, SCHEMA["distance"], where)
    dist = _check(dist[list(SCHEMA["distance"])], "distance", where)
    cepii = aliases(_CEPII_EXTRA)
    dist["iso_o"] = dist["iso_o"].replace(cepii)
    dist["iso_d"] = dist["iso_d"].replace(cepii)
    raw["distance"] = dist
    raw["fta"] = wto_fta_agreements(_read(folder, "fta"), where=str(folder / FILES["fta"]))
    for key in ("wgi", "wdi", "income"):
        raw[key]["iso3"] = raw[key]["iso3"].replace(table)
    raw["oil"].attrs["file"] = str(folder / FILES["oil"])
    return raw


# ----- writing (the synthetic world's files) --------------------------------------------
def write_raw(raw: dict[str, pd.DataFrame], path: str | Path) -> list[Path]:
    """Write frames of :data:`SCHEMA` in the real files' layout, so :func:`load_raw` reads them.

    Only the columns :func:`load_raw` needs are written, under the real column names
    (the WTO file gets one agreement row per partner, type ``FTA``, status ``In Force``).
    Returns the files written.
    """
    folder = Path(path)
    names = countries().set_index("iso3")["name"]
    written = []

    def put(key: str, frame: pd.DataFrame) -> None:
        target = folder / FILES[key]
        atomic_write(target, lambda tmp: frame.to_csv(tmp, index=False))
        written.append(target)

    for key in ("wgi", "wdi"):
        frame = raw[key].copy()
        frame.insert(1, "country", frame["iso3"].map(names))
        put(key, frame)
    hof = raw["hofstede"].copy()
    put("hofstede", hof.assign(ctr=hof["iso3"], country=hof["iso3"].map(names), is_country=1)[
        ["ctr", "country", "iso3", "is_country", *HOFSTEDE_DIMENSIONS]])
    put("distance", raw["distance"])
    put("oil", raw["oil"])
    fta = raw["fta"]
    put("fta", pd.DataFrame({
        "RTA Name": fta["agreement"], "Type": "FTA", "Status": "In Force",
        WTO_DATE: pd.to_datetime(fta["entry_into_force"]).dt.strftime("%Y-%m-%d"),
        "Current signatories": "China; " + fta["iso3"].map(names),
    }))
    income = raw["income"].copy()
    income.insert(1, "country", income["iso3"].map(names))
    income.insert(3, "gni_data_year", income["wb_fiscal_year"] - 2)
    put("income", income)
    return written


# ----- the pair controls ---------------------------------------------------------------
def interpolate_years(frame: pd.DataFrame, columns: Sequence[str], years: Iterable[int]) -> tuple[pd.DataFrame, int]:
    """Country × year panel of ``columns`` on ``years``, filling unpublished years linearly.

    A year between two published years of the same country is interpolated linearly
    (WGI has no 1997, 1999, 2001: 2001 is the mean of 2000 and 2002); no value is
    extrapolated beyond the first or last published year. Returns the panel (indexed by
    ``iso3, year``) and the number of interpolated cells.
    """
    years = sorted(set(int(y) for y in years))
    published = frame.set_index(["iso3", "year"])[list(columns)].sort_index()
    span = range(min(years[0], int(frame["year"].min())), max(years[-1], int(frame["year"].max())) + 1)
    full = published.reindex(pd.MultiIndex.from_product([published.index.levels[0], span], names=["iso3", "year"]))
    filled = full.groupby(level="iso3", group_keys=False).apply(lambda g: g.interpolate(method="linear", limit_area="inside"))
    added = int((filled.notna() & full.isna()).loc[(slice(None), years), :].to_numpy().sum())
    return filled.loc[(slice(None), years), :], added


def cultural_scores(hofstede: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Hofstede scores of every country of ``data/countries.csv``, sub-region means for gaps.

    A country without a score on a dimension takes the mean score of the countries of its
    UN sub-region that have one (METHODS §6 ``CUL``); a sub-region without any stays NaN.
    Returns the scores (index ``iso3``) and ``{iso3: sub-region}`` of the imputed countries.
    """
    table = countries().set_index("iso3")
    scores = hofstede.groupby("iso3")[list(HOFSTEDE_DIMENSIONS)].mean().reindex(table.index)
    region = table["un_subregion"]
    region_mean = scores.groupby(region).transform("mean")
    imputed = scores.isna().any(axis=1) & region_mean.notna().any(axis=1)
    return scores.fillna(region_mean), {c: region[c] for c in scores.index[imputed]}


def pair_controls(raw: dict[str, pd.DataFrame], partners: Sequence[str], years: Iterable[int], china: str = "CHN",
                  *, income_vintage: str | None = None) -> pd.DataFrame:
    """The §6 controls for the pairs (China, ``r``), one row per partner and year.

    Parameters
    ----------
    raw : frames of :data:`SCHEMA` (:func:`load_raw` or ``synthetic.make_controls``).
    partners : partner ISO3 codes. years : years ``t``.
    china : ISO3 code of China.
    income_vintage : World Bank vintage for ``D1`` (default: the vintage named in
        ``data/countries.csv``, ``FY2013 (GNI 2011)``).

    Returns
    -------
    DataFrame
        Columns ``partner, year, POL, ECO, CUL, DIS, FTA, LAB, D1`` (METHODS §6), see Notes.

    Notes
    -----
    - ``POL`` mean over the six WGI estimates of ``|WGI_c − WGI_r|`` (unpublished years
      interpolated, see :func:`interpolate_years`);
    - ``ECO`` ``(gdppc_c − gdppc_r)² / (GDP_c·GDP_r)``, GDP in constant 2010 US$ and
      ``gdppc = GDP / population`` from the same file;
    - ``CUL`` Kogut–Singh ``(1/4) Σ_k (H_kc − H_kr)² / Var_k`` over pdi, idv, mas, uai,
      ``Var_k`` the sample variance (ddof 1) over all countries with a published score;
      countries without scores take their UN sub-region's mean (:func:`cultural_scores`);
    - ``DIS`` CEPII capital-to-capital distance (km) × Brent price of year ``t`` (US$/bbl);
    - ``FTA`` 1 if a China FTA in goods entered into force in or before ``t``, else 0;
    - ``LAB`` ln labour force of ``r`` in ``t``;
    - ``D1`` 1 if ``r`` is high income in ``income_vintage``, 0 if classified otherwise.

    Missing inputs give NaN, never 0. ``attrs["missing"]`` counts the missing values of each
    variable; ``attrs["interpolated_wgi"]`` the interpolated WGI cells used (pair-years ×
    estimates, China's and the partner's); ``attrs["imputed_culture"]`` the countries whose
    Hofstede scores are sub-region means; ``attrs["notes"]`` says the above in words.
    """
    years = sorted(set(int(y) for y in years))
    partners = [str(p) for p in partners]
    for key, columns in SCHEMA.items():
        if key not in raw:
            raise MutualismError(f"control data lack {key!r}; expected keys {list(SCHEMA)}")
        _require(raw[key], columns, f"control data {key!r}")
    pairs = pd.MultiIndex.from_product([partners, years], names=["partner", "year"])
    out = pd.DataFrame(index=pairs)
    r_idx = list(zip(pairs.get_level_values(0), pairs.get_level_values(1)))
    c_idx = [(china, y) for y in pairs.get_level_values(1)]

    def values(panel: pd.DataFrame, keys: list[tuple[str, int]]) -> np.ndarray:
        return panel.reindex(pd.MultiIndex.from_tuples(keys, names=panel.index.names)).to_numpy(float)

    wgi, interpolated = interpolate_years(raw["wgi"], WGI_ESTIMATES, years)
    wgi_r, wgi_c = values(wgi, r_idx), values(wgi, c_idx)
    published = raw["wgi"].set_index(["iso3", "year"])[list(WGI_ESTIMATES)]
    used = pd.MultiIndex.from_tuples(sorted(set(r_idx) | set(c_idx)), names=["iso3", "year"])
    interpolated_used = int((wgi.reindex(used).notna() & published.reindex(used).isna()).to_numpy().sum())
    out["POL"] = np.abs(wgi_c - wgi_r).mean(axis=1)  # NaN if any estimate is missing

    wdi = raw["wdi"].set_index(["iso3", "year"])
    gdp = wdi["gdp_const2010usd"].to_frame()
    gdp_r, gdp_c = values(gdp, r_idx)[:, 0], values(gdp, c_idx)[:, 0]
    pop = wdi["population_total"].to_frame()
    pc_r, pc_c = gdp_r / values(pop, r_idx)[:, 0], gdp_c / values(pop, c_idx)[:, 0]
    out["ECO"] = (pc_c - pc_r) ** 2 / (gdp_c * gdp_r)

    scores, imputed = cultural_scores(raw["hofstede"])
    variance = raw["hofstede"].groupby("iso3")[list(HOFSTEDE_DIMENSIONS)].mean().var(ddof=1)
    h_r = scores.reindex(pairs.get_level_values(0)).to_numpy(float)
    h_c = scores.reindex([china]).to_numpy(float)
    out["CUL"] = np.mean((h_c - h_r) ** 2 / variance.to_numpy(), axis=1)  # NaN if a score is missing

    dist = raw["distance"]
    distcap = dist[dist["iso_o"] == china].drop_duplicates("iso_d").set_index("iso_d")["distcap"]
    brent = raw["oil"].set_index("year")["brent_usd_per_bbl"]
    out["DIS"] = distcap.reindex(pairs.get_level_values(0)).to_numpy(float) * brent.reindex(years).reindex(
        pairs.get_level_values(1)).to_numpy(float)
    oil_file = raw["oil"].attrs.get("file", "the oil-price data")
    causes = {"DIS": {f"year {y} missing in {oil_file}": [(p, y) for p in partners]
                      for y in years if pd.isna(brent.get(y, np.nan))}}
    no_distance = [(p, y) for p in partners if pd.isna(distcap.get(p, np.nan)) for y in years]
    if no_distance:
        causes["DIS"][f"no capital-to-capital distance from {china}"] = no_distance

    first = pd.to_datetime(raw["fta"]["entry_into_force"]).dt.year.groupby(raw["fta"]["iso3"]).min()
    start = first.reindex(pairs.get_level_values(0)).to_numpy(float)
    out["FTA"] = np.where(np.isnan(start), 0.0, (pairs.get_level_values(1).to_numpy() >= start).astype(float))

    labour = wdi["labor_force_total"].to_frame()
    lab = values(labour, r_idx)[:, 0]
    out["LAB"] = np.log(np.where(lab > 0, lab, np.nan))

    vintage = income_vintage or countries()["high_income_vintage"].iloc[0]
    fiscal_year = vintage_fiscal_year(vintage)
    income = raw["income"]
    income = income[(income["wb_fiscal_year"] == fiscal_year) & income["income_group"].notna()]
    flag = income.drop_duplicates("iso3").set_index("iso3")["high_income"].astype(float)
    out["D1"] = flag.reindex(pairs.get_level_values(0)).to_numpy(float)

    result = out.reset_index()[["partner", "year", *CONTROLS]]
    missing = {v: int(result[v].isna().sum()) for v in CONTROLS}
    imputed_here = {c: imputed[c] for c in partners + [china] if c in imputed}
    result.attrs["missing"] = missing
    result.attrs["causes"] = causes
    result.attrs["missing_by_variable"] = missing_by_variable(result, CONTROLS, causes=causes)
    result.attrs["interpolated_wgi"] = interpolated_used
    result.attrs["imputed_culture"] = imputed_here
    result.attrs["income_vintage"] = vintage
    result.attrs["notes"] = (
        f"missing values per variable {missing}"
        + "".join(f"; {line}" for line in describe_missing(result.attrs["missing_by_variable"]))
        + f"; {interpolated_used} WGI estimate values (China's and partners', "
        f"over pair-years) linearly interpolated between published years ({interpolated} cells in the whole "
        f"panel); Hofstede scores imputed from UN sub-region means for {sorted(imputed_here)}; D1 from the "
        f"World Bank classification {vintage}; DIS uses Brent (US$/bbl, nominal)."
    )
    return result


def missing_by_variable(frame: pd.DataFrame, variables: Sequence[str], *, cells_per_pair: int | pd.Series = 1,
                        causes: dict[str, dict[str, list]] | None = None) -> pd.DataFrame:
    """Which partners and years each variable lacks, and how many cells that removes.

    Parameters
    ----------
    frame : one row per ``(partner, year)`` (or per ``(partner, industry, year)``: then each
        row is one cell) with the ``variables``.
    cells_per_pair : how many estimation cells one missing row stands for (the industries
        of a partner-year when ``frame`` has one row per pair).
    causes : ``{variable: {cause: [(partner, year), …] or a boolean mask of frame's rows}}``
        known reasons (e.g. a year the oil-price file lacks, zero output); the missing rows
        they cover are reported under that cause.

    Returns
    -------
    DataFrame with columns ``variable, cause, partners, years, cells``: one row per cause,
    then one per year missing for every partner (``partners = 'all'``), one per partner
    missing in every year (``years = 'all'``) and one for the remaining scattered
    partner-years. ``cells`` counts the cells removed (rows × ``cells_per_pair``). When
    ``frame`` has an ``industry`` column, ``partners`` names a partner only when it loses
    every industry it has, and the partner × industry cells (``MNG C10``) otherwise.
    """
    rows = []
    keyed = frame.assign(_cells=cells_per_pair)
    all_partners, all_years = sorted(keyed["partner"].unique()), sorted(keyed["year"].unique())

    industries = keyed.groupby("partner")["industry"].unique() if "industry" in keyed.columns else None

    def add(variable, cause, part, partners, years):
        if industries is not None and partners != "all":  # a partner that keeps industries: name the cells
            partners = _units(part, industries)
        rows.append({"variable": variable, "cause": cause, "partners": partners, "years": years,
                     "cells": int(part["_cells"].sum())})

    for var in variables:
        gone = keyed[keyed[var].isna()]
        for cause, pairs in (causes or {}).get(var, {}).items():
            if isinstance(pairs, pd.Series):  # a mask of the frame's rows
                hit = pairs.reindex(gone.index, fill_value=False).to_numpy(bool)
            else:                             # (partner, year) pairs
                hit = pd.MultiIndex.from_frame(gone[["partner", "year"]]).isin(pairs)
            if hit.any():
                part = gone[hit]
                add(var, cause, part, _span(part["partner"], all_partners), _span(part["year"], all_years))
                gone = gone[~hit]
        if gone.empty:
            continue
        per_year = gone.groupby("year")["partner"].nunique()
        for y in per_year.index[per_year == len(all_partners)]:
            add(var, "missing for every partner", gone[gone["year"] == y], "all", str(y))
        gone = gone[~gone["year"].isin(per_year.index[per_year == len(all_partners)])]
        per_partner = gone.groupby("partner")["year"].nunique()
        whole = per_partner.index[per_partner == len(all_years)]
        if len(whole):
            part = gone[gone["partner"].isin(whole)]
            add(var, "missing in every year", part, ", ".join(sorted(whole)), "all")
            gone = gone[~gone["partner"].isin(whole)]
        if not gone.empty:
            add(var, "missing partner-years", gone, _span(gone["partner"], all_partners), _span(gone["year"], all_years))
    return pd.DataFrame(rows, columns=["variable", "cause", "partners", "years", "cells"])


def _units(part: pd.DataFrame, industries: pd.Series, limit: int = 8) -> str:
    """The partners ``part`` removes (``EGY``: every industry it has), or the partner ×
    industry cells when it keeps some of its industries (``MNG C10``)."""
    units = []
    for partner, rows in part.groupby("partner", sort=True):
        lost = sorted(set(rows["industry"]))
        units += [partner] if set(lost) >= set(industries[partner]) else [f"{partner} {i}" for i in lost]
    return ", ".join(units[:limit]) + (f" … ({len(units)})" if len(units) > limit else "")


def _span(values: pd.Series, universe: Sequence) -> str:
    found = sorted(set(values))
    if len(found) == len(universe):
        return "all"
    shown = ", ".join(str(v) for v in found[:8])
    return shown + (f" … ({len(found)})" if len(found) > 8 else "")


def describe_missing(table: pd.DataFrame) -> list[str]:
    """One line per cause of :func:`missing_by_variable`, the variables it removes joined:
    ``DIS: year 2005 missing in <file> — removes partners all, years 2005 (96 cells)``."""
    if table.empty:
        return []
    grouped = table.groupby(["cause", "partners", "years", "cells"], sort=False)["variable"].apply(list)
    return [f"{', '.join(variables)}: {cause} — removes {_unit_words(partners)}, years {years} ({cells} cells"
            + (" each)" if len(variables) > 1 else ")")
            for (cause, partners, years, cells), variables in grouped.items()]


def _unit_words(partners: str) -> str:
    """``partners all``, ``partners EGY, ZAF``, ``cells MNG C10`` or ``partners EGY; cells MNG C10``."""
    import re

    units = [u.strip() for u in str(partners).split(",")]
    cells = [u for u in units if re.fullmatch(r"[^\s…()]+ [^\s…()]+", u)]
    whole = [u for u in units if u not in cells]
    if not cells:
        return f"partners {partners}"
    text = f"partner × industry cells {', '.join(cells)}"
    return f"partners {', '.join(whole)}; {text}" if whole else text


# ----- fresh copies when online (never called by the offline tests) ----------------------
#: Where each control file comes from, for users who rebuild the folder themselves.
DOWNLOAD_URLS = {
    "wgi": "https://www.worldbank.org/en/publication/worldwide-governance-indicators (bulk CSV; "
           "or download_worldbank())",
    "wdi": "https://databank.worldbank.org/source/world-development-indicators (NY.GDP.MKTP.KD, "
           "NY.GDP.PCAP.KD, SL.TLF.TOTL.IN, SP.POP.TOTL; or download_worldbank())",
    "hofstede": "https://geerthofstede.com/research-and-vsm/dimension-data-matrix/ (6 dimensions, 2015-08-16)",
    "distance": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=6 (GeoDist, dist_cepii)",
    "oil": "https://www.eia.gov/dnav/pet/hist/RBRTEA.htm (Brent) and .../RWTCA.htm (WTI), annual",
    "fta": "https://rtais.wto.org (export of all RTAs; the rows naming China kept)",
    "income": "https://datahelpdesk.worldbank.org/knowledgebase/articles/906519 (historical classification, "
              "OGHIST.xlsx, sheet 'Country Analytical History')",
}
_WB_SERIES = {
    "wgi": (3, {"VA.EST": "va_est", "PV.EST": "pv_est", "GE.EST": "ge_est", "RQ.EST": "rq_est",
                "RL.EST": "rl_est", "CC.EST": "cc_est"}),
    "wdi": (2, {"NY.GDP.MKTP.KD": "gdp_const2010usd", "NY.GDP.PCAP.KD": "gdp_pc_const2015usd",
                "SL.TLF.TOTL.IN": "labor_force_total", "SP.POP.TOTL": "population_total"}),
}


def from_worldbank_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A ``wbgapi.data.DataFrame(..., columns="series")`` result (index economy × time) as
    the :data:`SCHEMA` frame ``key`` ("wgi" or "wdi")."""
    _, series = _WB_SERIES[key]
    out = frame.reset_index()
    out = out.rename(columns={out.columns[0]: "iso3", out.columns[1]: "year", **series})
    out["year"] = pd.to_numeric(out["year"].astype(str).str.removeprefix("YR"))
    _require(out, SCHEMA[key], f"World Bank {key} download")
    return out[list(SCHEMA[key])].sort_values(["iso3", "year"]).reset_index(drop=True)


def download_worldbank(path: str | Path, years: Iterable[int] = range(1990, 2023)) -> list[Path]:
    """Download WGI and WDI through ``wbgapi`` into ``path`` in the :data:`FILES` layout.

    Needs the network and the optional dependency ``wbgapi``. Note that today's WDI
    publishes GDP in constant **2015** US$ under NY.GDP.MKTP.KD: the column keeps the
    name ``gdp_const2010usd`` the loader expects, but the base year is the release's —
    ``ECO`` (METHODS §6) only needs one base year for both of its terms.
    """
    import wbgapi as wb

    folder = Path(path)
    written = []
    for key, (db, series) in _WB_SERIES.items():
        frame = wb.data.DataFrame(list(series), economy="all", time=list(years), db=db, skipAggs=True,
                                  numericTimeKeys=True, labels=False, columns="series")
        table = from_worldbank_frame(frame, key)
        table.insert(1, "country", table["iso3"].map(countries().set_index("iso3")["name"]))
        target = folder / FILES[key]
        atomic_write(target, lambda tmp: table.to_csv(tmp, index=False))
        written.append(target)
    return written
