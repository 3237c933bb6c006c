"""Country facts shipped with the project: ``data/countries.csv`` (METHODS.md §6, §7).

One row per economy with an ISO3 code in ``country_converter`` 1.3.2 (Antarctic
territories excepted): name, the paper's four figure regions, Belt and Road membership
(the portal list of January 2020 and the classic 64 countries along the routes), the
World Bank high-income flag of one named vintage, the first year a China free-trade
agreement in goods was in force, the UN sub-region and capital coordinates. Sources and
compilation rules are in ``data/README.md``.

:func:`partner_set` turns the ``partners`` option (§7) into the partner countries present
in a table; :func:`compare_with_external` lists every disagreement between the compiled
table and the real files under ``shared/data/external`` (used by the tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import DataNotFoundError, UnknownOptionError
from .resources import read_csv

#: The paper's four blocks for the figures (§7), in display order.
REGIONS = ("Asia", "Africa", "Europe", "Americas & Oceania")
#: Members of ASEAN (for expanding the ASEAN–China agreement into country pairs).
ASEAN = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")
PARTNER_SETS = ("bri", "bri64")


def countries() -> pd.DataFrame:
    """The country table ``data/countries.csv`` (a copy; see the module docstring).

    Columns: ``iso3, name, region, bri_signatory, bri_year, bri64, high_income,
    high_income_vintage, fta_china_year, un_subregion, cap_lat, cap_lon``. Years are
    nullable integers: blank means unknown (``bri_year``) or none by 2020
    (``fta_china_year``).
    """
    table = read_csv("countries.csv").copy()
    for col in ("bri_year", "fta_china_year"):
        table[col] = table[col].astype("Int64")
    return table


def partner_set(option: str, available: Sequence[str], china: str = "CHN") -> list[str]:
    """The partner countries of option ``partners`` that a table contains (METHODS.md §7).

    Parameters
    ----------
    option : ``bri`` (signed a BRI cooperation document, portal list of Jan 2020),
        ``bri64`` (the 64 countries along the routes) or a comma-separated ISO3 list.
    available : the table's country codes; the result keeps their order.
    china : code of China, never a partner of itself.

    Raises
    ------
    UnknownOptionError
        An explicit list names codes that are not in the table (the message lists them
        and the table's countries), or names China itself.
    """
    available = [str(c) for c in available]
    table = countries().set_index("iso3")
    if option in PARTNER_SETS:
        column = "bri_signatory" if option == "bri" else "bri64"
        members = set(table.index[table[column] == 1])
        return [c for c in available if c in members and c != china]
    if not isinstance(option, str) or not re.fullmatch(r"\s*[A-Za-z]{3}(\s*,\s*[A-Za-z]{3})*\s*", option):
        raise UnknownOptionError(f"partners={option!r} is not valid; choose 'bri', 'bri64' or a comma-separated ISO3 list")
    wanted = list(dict.fromkeys(code.strip().upper() for code in option.split(",")))
    if china in wanted:
        raise UnknownOptionError(f"partners={option!r} lists China ({china}) itself; list its partners only")
    missing = [c for c in wanted if c not in available]
    if missing:
        raise UnknownOptionError(
            f"partners={option!r}: {', '.join(missing)} not in the table; it has {len(available)} countries: "
            + ", ".join(available)
        )
    chosen = set(wanted)
    return [c for c in available if c in chosen]


def region_of(iso3s: Iterable[str]) -> pd.Series:
    """The figure region (one of :data:`REGIONS`) of each code; NaN for ``ROW`` and unknown codes."""
    codes = [str(c) for c in iso3s]
    regions = countries().set_index("iso3")["region"]
    return pd.Series([regions.get(c, np.nan) for c in codes], index=pd.Index(codes, name="iso3"), name="region")


def vintage_fiscal_year(vintage: str) -> int:
    """The World Bank fiscal year of a vintage label such as ``"FY2013 (GNI 2011)"``."""
    m = re.match(r"FY(\d{4})", str(vintage))
    if not m:
        raise UnknownOptionError(f"high-income vintage {vintage!r} does not start with FYyyyy")
    return int(m.group(1))


# ----- comparison with the real files ---------------------------------------------------
def _read_external(shared_dir: Path, relative: str) -> pd.DataFrame:
    path = Path(shared_dir) / relative
    if not path.exists():
        raise DataNotFoundError(f"external file {path} not found")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _wto_fta_years(shared_dir: Path) -> dict[str, int]:
    """First entry-into-force year (goods) of a WTO-notified China FTA, by partner, up to 2020."""
    import country_converter as coco

    wto = _read_external(shared_dir, "data/external/fta/wto_rta_china.csv")
    wto = wto[wto["Type"].fillna("").str.contains("FTA") & wto["Status"].eq("In Force")]
    years: dict[str, int] = {}
    for _, row in wto.iterrows():
        year = pd.to_datetime(row["Date of Entry into Force (G)"]).year
        for name in str(row["Current signatories"]).split(";"):
            name = name.strip()
            if name == "China":
                continue
            codes = ASEAN if "ASEAN" in name else [coco.convert(name.replace(", China", ""), to="ISO3", not_found=None)]
            for code in codes:
                if code is None:
                    raise DataNotFoundError(f"wto_rta_china.csv: signatory {name!r} has no ISO3 code")
                years[code] = min(years.get(code, year), year)
    return {c: y for c, y in years.items() if y <= 2020}


def _desta_fta_years(shared_dir: Path) -> dict[str, int]:
    """First entry-into-force year of any DESTA China dyad (any agreement), up to 2020."""
    desta = _read_external(shared_dir, "data/external/fta/desta_v02_01_china_dyads.csv").dropna(subset=["entryforceyear"])
    first = desta.groupby("partner_iso3")["entryforceyear"].min()
    return {c: int(y) for c, y in first.items() if y <= 2020}


def _compare_years(field: str, ours: pd.Series, theirs: dict[str, int], source: str) -> list[dict]:
    rows = []
    for code in sorted(set(ours.dropna().index) | set(theirs)):
        mine = ours.get(code, pd.NA)
        mine = None if pd.isna(mine) else int(mine)
        if mine != theirs.get(code):
            rows.append({"field": field, "iso3": code, "ours": mine, "theirs": theirs.get(code), "source": source})
    return rows


def compare_with_external(shared_dir: str | Path) -> pd.DataFrame:
    """Every disagreement between ``data/countries.csv`` and the real files in ``shared_dir``.

    Checks BRI membership against the Belt and Road portal list (Jan 2020), the
    high-income flag against the World Bank's historical classification (OGHIST) at the
    table's vintage, the FTA year against the WTO RTA database (FTAs in goods, in force
    by 2020) and against DESTA (any agreement, first entry into force by 2020), and capital
    coordinates against CEPII's ``geo_cepii`` (more than 100 km apart). ``shared_dir`` is
    the folder holding ``data/external``.

    Returns
    -------
    DataFrame with columns ``field, iso3, ours, theirs, source`` (one row per disagreement;
    empty when everything agrees). Economies that a file does not cover are not compared.
    """
    shared_dir = Path(shared_dir)
    ours = countries().set_index("iso3")
    rows: list[dict] = []

    portal = set(_read_external(shared_dir, "data/external/countries/bri_portal_list_2020-01.csv")["iso3"].dropna())
    mine = set(ours.index[ours["bri_signatory"] == 1])
    rows += [{"field": "bri_signatory", "iso3": c, "ours": int(c in mine), "theirs": int(c in portal),
              "source": "bri_portal_list_2020-01.csv"} for c in sorted(mine ^ portal)]

    history = _read_external(shared_dir, "data/external/countries/wb_income_class_history_FY89-FY23.csv")
    vintages = ours["high_income_vintage"].unique()
    if len(vintages) != 1:
        raise UnknownOptionError(f"countries.csv mixes high-income vintages {list(vintages)}")
    fiscal_year = vintage_fiscal_year(vintages[0])
    wb = history[(history["wb_fiscal_year"] == fiscal_year) & history["income_group"].notna()]
    wb = wb.set_index("iso3")["high_income"].astype(int)
    common = wb.index.intersection(ours.index)
    differ = common[ours.loc[common, "high_income"].to_numpy() != wb.loc[common].to_numpy()]
    rows += [{"field": "high_income", "iso3": c, "ours": int(ours.at[c, "high_income"]), "theirs": int(wb[c]),
              "source": f"wb_income_class_history_FY89-FY23.csv FY{fiscal_year}"} for c in differ]

    rows += _compare_years("fta_china_year", ours["fta_china_year"], _wto_fta_years(shared_dir), "wto_rta_china.csv")
    rows += _compare_years("fta_china_year", ours["fta_china_year"], _desta_fta_years(shared_dir),
                           "desta_v02_01_china_dyads.csv")

    geo = _read_external(shared_dir, "data/external/cepii_geodist/geo_cepii.csv")
    geo = geo[geo["cap"] == 1].drop_duplicates("iso3")
    aliases = read_csv("country_code_aliases.csv").set_index("code")["iso3"]
    geo["iso3"] = geo["iso3"].replace(aliases.to_dict())
    geo = geo[geo["iso3"].isin(ours.index)].set_index("iso3")
    km = great_circle_km(ours.loc[geo.index, "cap_lat"], ours.loc[geo.index, "cap_lon"], geo["lat"], geo["lon"])
    rows += [{"field": "capital", "iso3": c, "ours": f"{ours.at[c, 'cap_lat']:.2f},{ours.at[c, 'cap_lon']:.2f}",
              "theirs": f"{geo.at[c, 'lat']:.2f},{geo.at[c, 'lon']:.2f} ({geo.at[c, 'city_en']}, {d:.0f} km)",
              "source": "geo_cepii.csv"} for c, d in km.items() if d > 100]
    return pd.DataFrame(rows, columns=["field", "iso3", "ours", "theirs", "source"])


def great_circle_km(lat1, lon1, lat2, lon2) -> pd.Series | np.ndarray:
    """Haversine distance in km on a sphere of radius 6371 km (arguments in degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))
