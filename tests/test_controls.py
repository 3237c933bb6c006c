"""Pair controls of METHODS §6 on the real files in ../shared/data/external, recomputed by hand
from the CSVs, and on the synthetic world's controls through the same function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mutualism.io import controls
from mutualism.core import countries as reference
from mutualism.core.errors import DataNotFoundError, MutualismError

from conftest import EXTERNAL, needs_shared

PARTNERS = ["PAK", "KOR", "GEO", "ARE", "MNE", "KAZ", "ROU", "USA", "SRB"]
YEARS = list(range(2001, 2021))


def csv(relative: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(EXTERNAL / relative, keep_default_na=False, na_values=["", "."], **kwargs)


@pytest.fixture(scope="module")
def raw():
    return controls.load_raw(EXTERNAL)


@pytest.fixture(scope="module")
def table(raw):
    return controls.pair_controls(raw, PARTNERS, YEARS).set_index(["partner", "year"])



@needs_shared
def test_raw_frames_have_the_fixed_schema(raw):
    assert set(raw) == set(controls.SCHEMA)
    for key, columns in controls.SCHEMA.items():
        assert tuple(raw[key].columns) == columns, key
    assert "ROM" not in set(raw["distance"]["iso_o"]) and "ROU" in set(raw["distance"]["iso_o"])
    assert not raw["hofstede"]["iso3"].isna().any()


@needs_shared
def test_dis_is_capital_distance_times_brent(table):
    dist = csv("cepii_geodist/dist_cepii.csv")
    oil = csv("oil_price/crude_oil_annual_eia.csv").set_index("year")["brent_usd_per_bbl"]
    distcap = dist.query("iso_o == 'CHN' and iso_d == 'PAK'")["distcap"].item()
    for year in (2002, 2011, 2020):
        assert table.at[("PAK", year), "DIS"] == pytest.approx(distcap * oil[year], rel=1e-12)
    # Romania is ROM in CEPII: found through the alias
    rom = dist.query("iso_o == 'CHN' and iso_d == 'ROM'")["distcap"].item()
    assert table.at[("ROU", 2015), "DIS"] == pytest.approx(rom * oil[2015], rel=1e-12)
    assert np.isnan(table.at[("MNE", 2015), "DIS"])  # no CEPII code for Montenegro


@needs_shared
def test_pol_by_hand_including_an_interpolated_year(table):
    wgi = csv("wgi/wgi_estimates_1996_2022.csv").set_index(["iso3", "year"])[list(controls.WGI_ESTIMATES)]
    hand = (wgi.loc[("CHN", 2010)] - wgi.loc[("KOR", 2010)]).abs().mean()
    assert table.at[("KOR", 2010), "POL"] == pytest.approx(hand, rel=1e-12)
    mid = {c: (wgi.loc[(c, 2000)] + wgi.loc[(c, 2002)]) / 2 for c in ("CHN", "KOR")}  # WGI has no 2001
    assert table.at[("KOR", 2001), "POL"] == pytest.approx((mid["CHN"] - mid["KOR"]).abs().mean(), rel=1e-12)


@needs_shared
def test_eco_and_lab_by_hand(table):
    wdi = csv("wdi/wdi_panel_1990_2022.csv").set_index(["iso3", "year"])
    c, r = wdi.loc[("CHN", 2015)], wdi.loc[("PAK", 2015)]
    pc_c, pc_r = c.gdp_const2010usd / c.population_total, r.gdp_const2010usd / r.population_total
    assert table.at[("PAK", 2015), "ECO"] == pytest.approx((pc_c - pc_r) ** 2 / (c.gdp_const2010usd * r.gdp_const2010usd),
                                                           rel=1e-12)
    assert table.at[("PAK", 2015), "LAB"] == pytest.approx(np.log(r.labor_force_total), rel=1e-14)
    assert np.isnan(table.at[("ARE", 2020), "ECO"])  # ARE has no 2010-US$ GDP for 2020


@needs_shared
def test_cul_kogut_singh_by_hand_with_subregion_imputation(raw, table):
    hof = csv("hofstede/hofstede_6d_2015-08-16.csv").query("is_country == 1").set_index("iso3")
    dims = list(controls.HOFSTEDE_DIMENSIONS)
    var = hof[dims].var(ddof=1)
    hand = (((hof.loc["CHN", dims] - hof.loc["KOR", dims]) ** 2) / var).mean()
    assert table.at[("KOR", 2010), "CUL"] == pytest.approx(hand, rel=1e-12)
    # Georgia has no scores: the mean of Western Asia countries with scores
    regions = reference.countries().set_index("iso3")["un_subregion"]
    west_asia = hof[hof.index.map(regions.get) == "Western Asia"][dims].mean()
    assert table.at[("GEO", 2010), "CUL"] == pytest.approx((((hof.loc["CHN", dims] - west_asia) ** 2) / var).mean())
    assert np.isnan(table.at[("KAZ", 2010), "CUL"])  # no Central Asian country has scores
    # symmetric, and zero for a country against itself
    swapped = controls.pair_controls(raw, ["CHN"], [2010], china="KOR")
    assert swapped["CUL"].item() == pytest.approx(table.at[("KOR", 2010), "CUL"], rel=1e-14)
    same = controls.pair_controls(raw, ["CHN"], [2010])
    assert same[["POL", "ECO", "CUL"]].to_numpy().tolist() == [[0.0, 0.0, 0.0]]


@needs_shared
def test_fta_switches_on_in_the_entry_into_force_year(table):
    fta = table["FTA"].unstack("year")
    for partner, year in (("PAK", 2007), ("KOR", 2015), ("GEO", 2018)):
        assert fta.loc[partner, year - 1] == 0 and fta.loc[partner, year:].eq(1).all(), partner
    assert fta.loc[["USA", "ROU", "SRB"]].eq(0).all().all()  # Serbia's FTA is of 2024


@needs_shared
def test_d1_is_the_named_vintage_and_agrees_with_the_country_table(raw):
    table = reference.countries().set_index("iso3")
    partners = [c for c in table.index if c != "CHN"]
    d1 = controls.pair_controls(raw, partners, [2010]).set_index("partner")["D1"].dropna()
    assert (d1 == table.loc[d1.index, "high_income"]).all() and len(d1) > 200
    assert d1["KOR"] == 1 and d1["PAK"] == 0 and d1["KNA"] == 1 and d1["LVA"] == 0


@needs_shared
def test_missing_values_stay_nan_and_are_counted(table):
    attrs = table.attrs
    counts = table[list(controls.CONTROLS)].isna().sum().to_dict()
    assert attrs["missing"] == counts
    assert counts["DIS"] == 20 and counts["CUL"] == 20 and counts["ECO"] == 1 and counts["FTA"] == 0
    assert attrs["interpolated_wgi"] > 0 and "GEO" in attrs["imputed_culture"]


@needs_shared
def test_written_layout_reads_back_identically(raw, tmp_path):
    files = controls.write_raw(raw, tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in files} == set(controls.FILES.values())
    again = controls.load_raw(tmp_path)
    for key in controls.SCHEMA:
        left = raw[key].sort_values(list(raw[key].columns[:2])).reset_index(drop=True)
        right = again[key].sort_values(list(again[key].columns[:2])).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=key)


def test_missing_file_and_missing_key_are_named(tmp_path):
    with pytest.raises(DataNotFoundError, match="wgi_estimates"):
        controls.load_raw(tmp_path)
    with pytest.raises(MutualismError, match="'wgi'"):
        controls.pair_controls({}, ["PAK"], [2010])


def test_synthetic_controls_go_through_the_same_function():
    from mutualism.io import synthetic

    years = list(range(2001, 2021))
    raw = synthetic.make_controls(size="small", seed=5, years=years)
    assert {k: tuple(v.columns) for k, v in raw.items()} == controls.SCHEMA
    world = synthetic.world_countries("small", 5)
    partners = reference.partner_set("bri", world["iso3"])
    table = controls.pair_controls(raw, partners, years)
    assert len(table) == len(partners) * len(years)
    assert table.attrs["missing"] == table[list(controls.CONTROLS)].isna().sum().to_dict()
    assert table[["POL", "ECO", "DIS", "FTA", "LAB", "D1"]].notna().all().all()
    # DIS: great-circle distance between the compiled capitals × the synthetic Brent price
    caps = reference.countries().set_index("iso3")
    km = reference.great_circle_km(caps.at["CHN", "cap_lat"], caps.at["CHN", "cap_lon"],
                                   caps.at["PAK", "cap_lat"], caps.at["PAK", "cap_lon"])
    brent = raw["oil"].set_index("year")["brent_usd_per_bbl"]
    pak = table[table["partner"] == "PAK"].set_index("year")
    np.testing.assert_allclose(pak["DIS"], km * brent.loc[years].to_numpy(), rtol=1e-12)
    # the real FTA years and income flags of data/countries.csv
    assert pak.loc[2006, "FTA"] == 0 and pak.loc[2007, "FTA"] == 1
    assert (table.groupby("partner")["D1"].first() == caps.loc[partners, "high_income"]).all()
    # WGI is published with the real gaps (no 2001), which are interpolated and counted
    assert 2001 not in set(raw["wgi"]["year"]) and table.attrs["interpolated_wgi"] > 0


def test_worldbank_download_frame_is_reshaped_into_the_loader_schema():
    """The shape wbgapi returns (economy × time rows, series columns), without the network."""
    from mutualism.io.controls import SCHEMA, from_worldbank_frame

    idx = pd.MultiIndex.from_tuples([("PAK", "YR2003"), ("CHN", 2002)], names=["economy", "time"])
    frame = pd.DataFrame({"NY.GDP.MKTP.KD": [1.0, 2.0], "NY.GDP.PCAP.KD": [3.0, 4.0],
                          "SL.TLF.TOTL.IN": [5.0, 6.0], "SP.POP.TOTL": [7.0, np.nan]}, index=idx)
    out = from_worldbank_frame(frame, "wdi")
    assert list(out.columns) == list(SCHEMA["wdi"])
    assert out.iloc[0].tolist()[:3] == ["CHN", 2002, 2.0] and np.isnan(out.iloc[0]["population_total"])
    assert out.iloc[1]["year"] == 2003 and out.iloc[1]["labor_force_total"] == 5.0
