"""Country facts in one place (METHODS.md §6, §7): codes, aliases, partner sets, FTAs.

Everything the library knows about countries is read or derived here and nowhere else:

- ``data/countries.csv``: one row per economy with an ISO3 code in ``country_converter``
  1.3.2 (Antarctic territories excepted): name, the paper's four figure regions, Belt and
  Road membership (the portal list of January 2020 and the classic 64 countries along the
  routes), the World Bank high-income flag of one named vintage, the first year a China
  free-trade agreement in goods was in force, the UN sub-region and capital coordinates
  (sources and compilation rules in ``data/README.md``);
- ``data/country_code_aliases.csv``: legacy codes and their ISO3 (``ROM→ROU``,
  ``RoW→ROW``…), applied by :func:`normalise_codes` to table labels, control files *and*
  what the user types (``--partners …,ROM,…``);
- ``country_converter`` calls (names → ISO3, the UN member list of the full synthetic
  world);
- the WTO RTA export's parsing (:func:`wto_fta_agreements`, used by the controls and by
  :func:`compare_with_external`);
- the ``partners`` option (§7): :func:`parse_partner_list` (the one syntax of an explicit
  list), :func:`check_partners_option` and :func:`partner_set`.

:func:`compare_with_external` lists every disagreement between the compiled table and the
real files under ``shared/data/external`` (used by the tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import DataNotFoundError, InputFileError, UnknownOptionError
from .resources import read_csv

#: The paper's four blocks for the figures (§7), in display order.
REGIONS = ("Asia", "Africa", "Europe", "Americas & Oceania")
#: Members of ASEAN (for expanding the ASEAN–China agreement into country pairs).
ASEAN = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")
#: Named partner sets of option ``partners`` (§7); anything else is an explicit list.
PARTNER_SETS = ("bri", "bri64")
CHINA = "CHN"
#: The one syntax of an explicit partner list: three-letter codes separated by commas.
_PARTNER_LIST = re.compile(r"\s*[A-Za-z]{3}(\s*,\s*[A-Za-z]{3})*\s*")
#: The WTO RTA export's column holding the goods entry-into-force date.
WTO_DATE = "Date of Entry into Force (G)"
WTO_COLUMNS = ("RTA Name", "Type", "Status", WTO_DATE, "Current signatories")


# ----- codes ------------------------------------------------------------------------------
def aliases(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Legacy code → ISO3 from ``data/country_code_aliases.csv`` (plus ``extra``)."""
    table = read_csv("country_code_aliases.csv")
    return {**dict(zip(table["code"], table["iso3"])), **(extra or {})}


def normalise_codes(codes: Iterable[str], *, where: str = "country codes") -> tuple[list[str], dict[str, str]]:
    """Map legacy codes to ISO3 (:func:`aliases`); return the codes and the renames.

    Raises
    ------
    InputFileError
        Two codes become the same after normalisation (``where`` names the file/table).
    """
    table = aliases()
    codes = [str(c) for c in codes]
    renamed = {c: table[c] for c in codes if c in table}
    out = [renamed.get(c, c) for c in codes]
    if len(set(out)) != len(out):
        dup = sorted({c for c in out if out.count(c) > 1})
        raise InputFileError(f"{where}: country codes collide after normalisation {renamed}: {dup} appear twice")
    return out, renamed


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """The codes (already normalised) that are neither an ISO3 code of ``data/countries.csv``
    nor ``ROW``: a region of another classification, or a damaged label (``XXX``). They are
    in no partner set, so a reader names them (``meta["notes"]``) instead of letting a
    partner disappear in silence."""
    known = set(countries()["iso3"]) | {"ROW"}
    return [c for c in dict.fromkeys(str(c) for c in codes) if c not in known]


def unknown_codes_note(codes: Sequence[str], labels: Sequence[str], where: str) -> list[str]:
    """One note per unknown code of ``codes`` (:func:`unknown_codes`): the code, where it is
    (``where``, e.g. ``labels_T.txt``, and its rows, 1-based, in ``labels``)."""
    notes = []
    labels = [str(c) for c in labels]
    for code in unknown_codes(codes):
        rows = [k + 1 for k, c in enumerate(labels) if c == code]
        span = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}–{rows[-1]}"
        notes.append(f"{where}: country code {code!r} ({span}) is not an ISO3 code of data/countries.csv: it is in no "
                     "partner set (bri, bri64) and is kept as a region of its own")
    return notes


def iso3_from_names(names: Sequence[str], *, where: str) -> dict[str, str]:
    """ISO3 codes of country names through ``country_converter`` (every name must resolve)."""
    import country_converter as coco

    names = list(dict.fromkeys(str(n) for n in names))
    if not names:
        return {}
    found = coco.convert(names, to="ISO3", not_found=None)
    found = [found] if isinstance(found, str) or found is None else list(found)
    codes = dict(zip(names, found))
    unknown = [n for n, c in codes.items() if c is None]
    if unknown:
        raise InputFileError(f"{where}: names without an ISO3 code: {unknown}")
    return codes


def un_members() -> set[str]:
    """ISO3 codes of the UN member states (``country_converter``'s ``UNmember`` column)."""
    import country_converter as coco

    data = coco.CountryConverter().data
    return set(data.loc[data["UNmember"].notna(), "ISO3"])


# ----- FTAs (WTO RTA database) --------------------------------------------------------------
def wto_fta_agreements(wto: pd.DataFrame, *, where: str) -> pd.DataFrame:
    """One row per (partner, agreement) of China's FTAs in goods in force (§6 ``FTA``).

    Rows of the WTO export whose type contains ``FTA``, status ``In Force`` and with a goods
    entry-into-force date; the signatories (``;``-separated) other than China become ISO3
    codes, the ASEAN agreement is expanded to :data:`ASEAN`. Columns ``iso3, agreement,
    entry_into_force``.
    """
    missing = [c for c in WTO_COLUMNS if c not in wto.columns]
    if missing:
        raise InputFileError(f"{where}: missing column(s) {missing}; it has {list(wto.columns)}")
    wto = wto[wto["Type"].fillna("").astype(str).str.contains("FTA") & wto["Status"].eq("In Force")
              & wto[WTO_DATE].notna()]
    dates = pd.to_datetime(wto[WTO_DATE], errors="coerce")
    if dates.isna().any():
        bad = wto.index[dates.isna()][0]
        raise InputFileError(f"{where}: row {bad + 2}, column {WTO_DATE!r}: "
                             f"{_quote(wto.at[bad, WTO_DATE])} is not a date")
    signatories = [[n.strip() for n in str(s).split(";") if n.strip() and n.strip() != "China"]
                   for s in wto["Current signatories"]]
    plain = sorted({n for names in signatories for n in names if "ASEAN" not in n})
    codes = iso3_from_names([n.replace(", China", "") for n in plain], where=where)
    codes = {n: codes[n.replace(", China", "")] for n in plain}
    rows = [{"iso3": code, "agreement": name_of, "entry_into_force": pd.Timestamp(date)}
            for names, name_of, date in zip(signatories, wto["RTA Name"], dates)
            for n in names for code in (ASEAN if "ASEAN" in n else [codes[n]])]
    return pd.DataFrame(rows, columns=["iso3", "agreement", "entry_into_force"])


def first_fta_years(agreements: pd.DataFrame, *, up_to: int = 2020) -> dict[str, int]:
    """First entry-into-force year per partner (of :func:`wto_fta_agreements`), up to ``up_to``."""
    if agreements.empty:
        return {}
    first = pd.to_datetime(agreements["entry_into_force"]).dt.year.groupby(agreements["iso3"]).min()
    return {c: int(y) for c, y in first.items() if y <= up_to}


def _quote(value: object, limit: int = 80) -> str:
    from .errors import quote

    return quote(value, limit)


# ----- the country table ------------------------------------------------------------------------
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


def parse_partner_list(option: str) -> list[str]:
    """The codes of an explicit ``partners`` list, upper-cased, aliases applied, in order.

    Duplicates (also after normalisation, ``ROM,ROU``) are kept once; use
    :func:`check_partners_option` for the note saying so.

    Raises
    ------
    UnknownOptionError
        ``option`` is neither a named set nor a comma-separated list of three-letter codes.
    """
    if not isinstance(option, str) or not _PARTNER_LIST.fullmatch(option):
        raise UnknownOptionError(f"partners={option!r} is not valid; choose {' or '.join(map(repr, PARTNER_SETS))} "
                                 "or a comma-separated list of ISO3 codes (e.g. 'PAK,KAZ,RUS')")
    typed = [code.strip().upper() for code in option.split(",")]
    table = aliases()
    return list(dict.fromkeys(table.get(c, c) for c in typed))


def check_partners_option(option: str, china: str = CHINA) -> list[str]:
    """Validate option ``partners`` before any table is read; return notes for the user.

    A named set passes; an explicit list must parse (:func:`parse_partner_list`), must not
    name China and must leave at least one partner. Duplicated codes (``IDN,IDN``, or an
    alias and its ISO3 ``ROM,ROU``) and renamed aliases give a note, not an error.

    Raises
    ------
    UnknownOptionError
        Unparseable list, China listed, or an empty partner set (``partners='CHN'``).
    """
    if option in PARTNER_SETS:
        return []
    codes = parse_partner_list(option)
    typed = [code.strip().upper() for code in str(option).split(",")]
    if china in codes:
        rest = [c for c in codes if c != china]
        if not rest:
            raise UnknownOptionError(f"partners={option!r} leaves no partner: China ({china}) is not a partner of "
                                     "itself; list its partners (e.g. 'PAK,KAZ') or choose 'bri' or 'bri64'")
        raise UnknownOptionError(f"partners={option!r} lists China ({china}) itself; list its partners only")
    notes = []
    table = aliases()
    renamed = {c: table[c] for c in dict.fromkeys(typed) if c in table}
    if renamed:
        notes.append("partners: codes read as " + ", ".join(f"{a}→{b}" for a, b in renamed.items()))
    if len(codes) < len(typed):
        dup = sorted({table.get(c, c) for c in typed if [table.get(t, t) for t in typed].count(table.get(c, c)) > 1})
        notes.append(f"partners: {', '.join(dup)} listed more than once; each is used once")
    return notes


def partner_set(option: str, available: Sequence[str], china: str = CHINA) -> list[str]:
    """The partner countries of option ``partners`` that a table contains (METHODS.md §7).

    Parameters
    ----------
    option : ``bri`` (signed a BRI cooperation document, portal list of Jan 2020),
        ``bri64`` (the 64 countries along the routes) or a comma-separated ISO3 list
        (aliases such as ``ROM`` are read as their ISO3 code, duplicates kept once).
    available : the table's country codes (already normalised); the result keeps their order.
    china : code of China, never a partner of itself.

    Raises
    ------
    UnknownOptionError
        An explicit list names codes that are not in the table (the message lists them
        and the table's countries), names China itself, or the set is empty.
    """
    available = [str(c) for c in available]
    if option in PARTNER_SETS:
        table = countries().set_index("iso3")
        column = "bri_signatory" if option == "bri" else "bri64"
        members = set(table.index[table[column] == 1])
        chosen = [c for c in available if c in members and c != china]
        if not chosen:
            raise UnknownOptionError(f"partners={option!r}: none of the table's {len(available)} countries is in "
                                     f"the set ({', '.join(available[:10])}{' …' if len(available) > 10 else ''})")
        return chosen
    check_partners_option(option, china)
    wanted = parse_partner_list(option)
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
    relative = "data/external/fta/wto_rta_china.csv"
    wto = _read_external(shared_dir, relative)
    return first_fta_years(wto_fta_agreements(wto, where=str(Path(shared_dir) / relative)))


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
    geo["iso3"] = geo["iso3"].replace(aliases())
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
