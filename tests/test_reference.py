"""The compiled country table (data/countries.csv) and partner sets (METHODS §6, §7).

The facts are checked against the real files under ../shared/data/external: every
disagreement is listed by ``reference.compare_with_external`` and must be one of the
exceptions documented in data/README.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mutualism.core import countries as reference  # the country facts (formerly mutualism.reference)
from mutualism.core.errors import UnknownOptionError

from conftest import SHARED, needs_shared

#: Documented in data/README.md ("Known disagreements with the external files").
DOCUMENTED_EXCEPTIONS = {
    # DESTA counts APTA (a partial-scope preferential agreement, WTO type PSA), early-harvest
    # programmes and CEPA's first tariff year; we follow the WTO's FTA entry-into-force dates.
    ("fta_china_year", "BGD"), ("fta_china_year", "IND"), ("fta_china_year", "KOR"),
    ("fta_china_year", "LAO"), ("fta_china_year", "LKA"), ("fta_china_year", "MNG"),
    ("fta_china_year", "PAK"), ("fta_china_year", "THA"), ("fta_china_year", "HKG"),
    ("fta_china_year", "MAC"),
    # geo_cepii: Sucre / Rangoon instead of the seat of government (La Paz, Nay Pyi Taw),
    # Terre Adélie for the French Southern Territories, and coordinate slips for Bogotá,
    # Conakry, Wellington and Apia.
    ("capital", "BOL"), ("capital", "MMR"), ("capital", "ATF"), ("capital", "COL"),
    ("capital", "GIN"), ("capital", "NZL"), ("capital", "WSM"),
}


def test_table_covers_the_world_with_one_region_each():
    table = reference.countries()
    assert table["iso3"].is_unique and len(table) == 246
    assert set(table["region"]) == set(reference.REGIONS)
    assert table.set_index("iso3").loc[["CHN", "TUR", "CYP", "RUS", "EGY", "USA", "AUS"], "region"].tolist() == [
        "Asia", "Asia", "Europe", "Europe", "Africa", "Americas & Oceania", "Americas & Oceania"]
    assert table["high_income_vintage"].nunique() == 1
    assert table[["cap_lat", "cap_lon"]].notna().all().all() and table["un_subregion"].notna().all()


def test_belt_and_road_sets_have_their_published_sizes():
    table = reference.countries().set_index("iso3")
    bri = table[table["bri_signatory"] == 1]
    # portal header: 138 countries, by continent Africa 44, Asia 37, Europe 27, Oceania 11, Americas 19
    assert len(bri) == 138 and bri["region"].value_counts().to_dict() == {
        "Africa": 44, "Asia": 37, "Americas & Oceania": 30, "Europe": 27}
    along = set(table.index[table["bri64"] == 1])
    assert len(along) == 64 and "CHN" not in along and table.at["CHN", "bri_signatory"] == 0
    # the 64 along the routes that had not signed by January 2020
    assert along - set(bri.index) == {"IND", "BTN", "ISR", "JOR", "SYR", "PSE", "TKM"}
    assert bri["bri_year"].dropna().between(2013, 2020).all()


def test_fta_years_are_the_entry_into_force_years():
    fta = reference.countries().set_index("iso3")["fta_china_year"]
    expected = {"PAK": 2007, "CHL": 2006, "NZL": 2008, "PER": 2010, "CRI": 2011, "ISL": 2014, "CHE": 2014,
                "KOR": 2015, "AUS": 2015, "GEO": 2018, "SGP": 2005, "VNM": 2005}
    assert {c: int(fta[c]) for c in expected} == expected
    assert fta[["MDV", "MUS", "IND", "USA"]].isna().all()  # no China FTA in force by 2020


@needs_shared
def test_every_disagreement_with_the_external_files_is_a_documented_exception():
    diff = reference.compare_with_external(SHARED)
    found = set(zip(diff["field"], diff["iso3"]))
    assert found == DOCUMENTED_EXCEPTIONS, diff.to_string()
    # membership of the BRI portal list and the high-income flag agree without exception
    assert not diff["field"].isin(["bri_signatory", "high_income"]).any()


@needs_shared
def test_comparison_reports_a_planted_disagreement(monkeypatch):
    table = reference.countries()
    table.loc[table["iso3"] == "ITA", "bri_signatory"] = 0
    table.loc[table["iso3"] == "KNA", "high_income"] = 0
    monkeypatch.setattr(reference, "countries", lambda: table)
    diff = reference.compare_with_external(SHARED)
    planted = diff[diff["field"].isin(["bri_signatory", "high_income"])]
    assert set(zip(planted["field"], planted["iso3"], planted["ours"], planted["theirs"])) == {
        ("bri_signatory", "ITA", 0, 1), ("high_income", "KNA", 0, 1)}


def test_partner_sets_keep_the_table_order_and_exclude_china():
    available = ["ROW", "USA", "PAK", "CHN", "IND", "KEN", "ITA", "TKM"]
    assert reference.partner_set("bri", available) == ["PAK", "KEN", "ITA"]
    assert reference.partner_set("bri64", available) == ["PAK", "IND", "TKM"]
    assert reference.partner_set("ken, pak", available) == ["PAK", "KEN"]


def test_explicit_partner_list_with_unknown_codes_names_them():
    with pytest.raises(UnknownOptionError, match=r"XYZ, DEU not in the table; it has 3 countries: CHN, PAK, ROW"):
        reference.partner_set("PAK,XYZ,DEU", ["CHN", "PAK", "ROW"])
    with pytest.raises(UnknownOptionError, match="China"):
        reference.partner_set("CHN,PAK", ["CHN", "PAK"])
    with pytest.raises(UnknownOptionError, match="bri64"):
        reference.partner_set("belt", ["CHN", "PAK"])


def test_region_of_gives_nan_for_the_rest_of_the_world():
    regions = reference.region_of(["CHN", "DEU", "ROW"])
    assert regions["CHN"] == "Asia" and regions["DEU"] == "Europe" and np.isnan(regions["ROW"])
    assert isinstance(regions, pd.Series)


def test_great_circle_distance_beijing_islamabad():
    # about 3,870 km between the two capitals (CEPII distcap CHN-PAK: 3,868 km)
    assert reference.great_circle_km(39.90, 116.41, 33.68, 73.05) == pytest.approx(3870, abs=40)


def test_typed_partner_codes_get_the_table_normalisation():
    available = ["CHN", "ROU", "IDN", "ROW"]
    assert reference.partner_set("rom, IDN", available) == ["ROU", "IDN"]  # ROM→ROU as for the table's labels
    assert reference.partner_set("IDN,idn,ROM,ROU", available) == ["ROU", "IDN"]
    assert reference.check_partners_option("IDN,IDN,ROM") == [
        "partners: codes read as ROM→ROU", "partners: IDN listed more than once; each is used once"]
    assert reference.check_partners_option("ROM,ROU") == [
        "partners: codes read as ROM→ROU", "partners: ROU listed more than once; each is used once"]
    assert reference.check_partners_option("bri") == [] and reference.parse_partner_list("pak , ken") == ["PAK", "KEN"]
    with pytest.raises(UnknownOptionError, match=r"partners='CHN' leaves no partner"):
        reference.check_partners_option("CHN")
    with pytest.raises(UnknownOptionError, match=r"partners='PAK;KEN' is not valid"):
        reference.parse_partner_list("PAK;KEN")
    with pytest.raises(UnknownOptionError, match=r"partners='bri64': none of the table's 2 countries"):
        reference.partner_set("bri64", ["CHN", "USA"])


def test_wto_agreements_expand_asean_and_skip_what_is_not_in_force():
    from mutualism.core.errors import InputFileError

    wto = pd.DataFrame({
        "RTA Name": ["ASEAN - China", "China - Chile", "China - Norway", "China - Peru", "China - Georgia"],
        "Type": ["FTA & EIA", "FTA", "", "FTA", "FTA"],
        "Status": ["In Force", "In Force", "Early announcement-Under negotiation", "In Force", "In Force"],
        reference.WTO_DATE: ["2005-01-01", "2006-10-01", None, None, "2018-01-01"],
        "Current signatories": ["China; ASEAN Free Trade Area (AFTA)", "Chile; China", "China; Norway",
                                "China; Peru", "China; Georgia"],
    })
    rows = reference.wto_fta_agreements(wto, where="wto.csv")
    assert sorted(rows["iso3"]) == sorted([*reference.ASEAN, "CHL", "GEO"])  # Peru has no goods date here
    assert reference.first_fta_years(rows) == {**{c: 2005 for c in reference.ASEAN}, "CHL": 2006, "GEO": 2018}
    assert reference.first_fta_years(rows, up_to=2010) == {**{c: 2005 for c in reference.ASEAN}, "CHL": 2006}
    wto.loc[1, reference.WTO_DATE] = "sometime in 2006"
    with pytest.raises(InputFileError, match=r"wto.csv: row 3, column 'Date of Entry into Force \(G\)': "
                                             r"'sometime in 2006' is not a date"):
        reference.wto_fta_agreements(wto, where="wto.csv")
