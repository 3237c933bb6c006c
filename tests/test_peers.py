"""Every decomposition equals the reference outputs of exvatools 0.9.0, decompr 6.8 and gvc
6.4 on WIOD 2013, 2011 (``../shared/data/peers/2011``; README and FILES.tsv there give each
file's exact call), term by term, to 1e-9 of the largest gross export flow.

The reference tables were built with gross output = row sums, as METHODS §1 closes every
table; they keep a sector whose row sum is negative (LUX c5 and c8: −1) as it is, where §1
sets its output to 0 — those zero-output sectors are excluded by name, never by a looser
tolerance. Codes are the library's (ROU, ROW), as in the files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import SHARED, WIOD, needs_shared
from mutualism.gvc import decompose

PEERS = SHARED / "data" / "peers" / "2011"
TOL = 1e-9
CHN_ONLY = ["CHN"]
#: exvatools' KWW term names → decompr's (README of the peers).
KWW_EXVATOOLS = {"VAX1": "DVA_FIN", "VAX2": "DVA_INT", "VAX3": "DVA_INTrex", "REF1": "RDV_FIN",
                 "REF2": "RDV_INT", "DDC": "DDC", "FVA1": "FVA_FIN", "FVA2": "FVA_INT", "FDC": "FDC"}

pytestmark = needs_shared


@pytest.fixture(scope="module")
def wiod():
    from mutualism.io.sources import load_pymrio_folder

    return load_pymrio_folder(WIOD, 2011)


@pytest.fixture(scope="module")
def zero_output(wiod) -> set[tuple[str, str]]:
    return {tuple(wiod.label(k).split("/")) for k in np.flatnonzero(wiod.zero_output)}


def reference(path: str) -> pd.DataFrame:
    frame = pd.read_csv(PEERS / path, keep_default_na=False)
    keys = [c for c in frame.columns if frame[c].dtype == object]
    return frame.set_index(keys).astype(float)


def assert_equal_to_reference(ours: pd.DataFrame, path: str, zero_output: set, *, rename=None,
                              keys=("exporter", "exporter_sector", "importer"), scale_column="EXGR") -> None:
    """Every reference column equals ours on every row, to ``TOL`` of the largest export flow."""
    ref = reference(path)
    if rename:
        ref = ref.rename(columns=rename)
    ours = ours.set_index(list(keys))
    assert ours.index.is_unique
    country, sector = ref.index.get_level_values(0), ref.index.get_level_values(1)
    keep = np.array([(c, s) not in zero_output for c, s in zip(country, sector)])
    ref = ref[keep]
    ours = ours.reindex(ref.index)
    # every reference row is one of ours, or a row that ours leaves out because it is zero
    # (a decomposition of exports has no importer = exporter rows)
    absent = ours.isna().all(axis=1)
    assert (ref[absent].abs().to_numpy() == 0).all(), f"{path}: rows missing from ours: {ref[absent].index[:3]}"
    ours, ref = ours[~absent], ref[~absent]
    scale = np.abs(ref[scale_column]).max() if scale_column in ref else np.abs(ref).to_numpy().max()
    missing = [c for c in ref.columns if c not in ours.columns]
    assert not missing, f"{path}: columns {missing} not computed"
    for column in ref.columns:
        gap = np.abs(ours[column].to_numpy() - ref[column].to_numpy())
        worst = int(np.argmax(gap))
        assert gap[worst] <= TOL * scale, (f"{path} {column}: {ours[column].iloc[worst]!r} vs "
                                           f"{ref[column].iloc[worst]!r} at {ref.index[worst]}")
    assert np.abs(ref.to_numpy()).max() > 0


def exvatools(name: str) -> str:
    return f"exvatools/exvadec_{name}.csv.gz"


# ----- the country perimeter of every source- and sink-based method, CHN and all exporters -----
@pytest.mark.parametrize("method, output", [("bm_src", "terms"), ("bm_src", "standard"), ("bm_snk", "terms"),
                                            ("bm_snk", "standard"), ("my", "terms"), ("my", "standard")])
@pytest.mark.parametrize("who", ["CHN", "all"])
def test_country_perimeter(wiod, zero_output, method, output, who):
    ours = decompose.decomposition(wiod, method, exporters=None if who == "all" else CHN_ONLY, output=output)
    assert_equal_to_reference(ours, exvatools(f"{method}_{output}_{who}"), zero_output)


# ----- Borin–Mancini source-based: bilateral, sector and sector × partner perimeters, origin --------
@pytest.mark.parametrize("suffix, partners, sectors", [
    ("partnerUSA", ["USA"], None), ("partnerRUS", ["RUS"], None),
    ("sector_c14", None, ["c14"]), ("partnerUSA_sector_c14", ["USA"], ["c14"])])
def test_bm_src_perimeters(wiod, zero_output, suffix, partners, sectors):
    ours = decompose.borin_mancini(wiod, CHN_ONLY, "terms", partners=partners, sectors=sectors)
    assert_equal_to_reference(ours, exvatools(f"bm_src_terms_CHN_{suffix}"), zero_output)
    outside = ours[~ours["importer"].isin(partners or ours["importer"])
                   | ~ours["exporter_sector"].isin(sectors or ours["exporter_sector"])]
    assert (outside.drop(columns=["exporter", "exporter_sector", "importer"]).to_numpy() == 0).all()


@pytest.mark.parametrize("output, suffix, partners", [
    ("terms", "", None), ("standard", "", None), ("standard", "_partnerUSA", ["USA"]),
    ("standard", "_partnerRUS", ["RUS"])])
def test_bm_src_origin_breakdown(wiod, zero_output, output, suffix, partners):
    ours = decompose.borin_mancini(wiod, CHN_ONLY, output, partners=partners, breakdown="origin")
    assert_equal_to_reference(ours, exvatools(f"bm_src_{output}_CHN{suffix}_bkdown_origin"), zero_output,
                              keys=("exporter", "origin_sector", "importer"))
    # by origin, DC + FC equals gross exports only after summing over sectors (README of the peers)
    if output == "standard":
        pair = ours.groupby("importer")[["DC", "FC", "EXGR"]].sum()
        np.testing.assert_allclose(pair["DC"] + pair["FC"], pair["EXGR"], rtol=1e-12, atol=1e-9)


# ----- KWW: exvatools (sector), decompr (country, and sector × importer) --------------------------
@pytest.fixture(scope="module")
def kww_terms(wiod):
    return decompose.kww(wiod)


@pytest.mark.parametrize("who", ["CHN", "all"])
def test_kww_sector_level_equals_exvatools(wiod, zero_output, kww_terms, who):
    ours = kww_terms if who == "all" else kww_terms[kww_terms["exporter"] == "CHN"]
    by_sector = ours.groupby(["exporter", "exporter_sector"], sort=False).sum(numeric_only=True).reset_index()
    by_sector["importer"] = "WLD"
    assert_equal_to_reference(by_sector, exvatools(f"kww_terms_{who}"), zero_output, rename=KWW_EXVATOOLS)
    standard = decompose.kww(wiod, None if who == "all" else CHN_ONLY, "standard")
    by_sector = standard.groupby(["exporter", "exporter_sector"], sort=False).sum(numeric_only=True).reset_index()
    by_sector["importer"] = "WLD"
    assert_equal_to_reference(by_sector, exvatools(f"kww_standard_{who}"), zero_output)


def test_kww_equals_decompr(wiod, zero_output, kww_terms):
    bilateral = kww_terms.rename(columns={"EXGR": "texp"})
    assert_equal_to_reference(bilateral, "decompr/wwz2kww_sector.csv.gz", zero_output, scale_column="texp")
    country = kww_terms.groupby("exporter", sort=False).sum(numeric_only=True).rename(
        columns={"EXGR": "E_total_exports"}).reset_index()
    # decompr's country level keeps the −1 of LUX's negative row sums in its exports: compare LUX apart
    ref = reference("decompr/kww.csv.gz")
    ours = country.set_index("exporter").loc[ref.index]
    scale = ref["E_total_exports"].max()
    for column in ref.columns:
        gap = np.abs(ours[column] - ref[column]).drop("LUX")
        assert gap.max() <= TOL * scale, column
    assert abs(ours.loc["LUX", "E_total_exports"] - ref.loc["LUX", "E_total_exports"]) <= 3


# ----- Miroudot–Ye -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs", [
    ("terms_CHN_partnerUSA", dict(partners=["USA"])), ("standard_CHN_partnerUSA", dict(partners=["USA"])),
    ("terms_CHN_partnerRUS", dict(partners=["RUS"])), ("standard_CHN_partnerRUS", dict(partners=["RUS"])),
    ("terms_CHN_sector_c14", dict(sectors=["c14"]))])
def test_miroudot_ye_perimeters(wiod, zero_output, name, kwargs):
    output = name.split("_")[0]
    ours = decompose.miroudot_ye(wiod, CHN_ONLY, output, **kwargs)
    assert_equal_to_reference(ours, exvatools(f"my_{name}"), zero_output)


@pytest.mark.parametrize("output", ["terms2", "standard"])
@pytest.mark.parametrize("who", ["CHN", "all"])
def test_miroudot_ye_world_perimeter(wiod, zero_output, output, who):
    ours = decompose.miroudot_ye(wiod, None if who == "all" else CHN_ONLY, output, perimeter="world")
    assert_equal_to_reference(ours, exvatools(f"my_{output}_{who}_perimWLD"), zero_output)
    assert (ours["FVA"] == 0).all()  # from the world's perspective all foreign value added crossed a border before


# ----- OECD TiVA ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("output", ["terms", "standard", "tiva"])
@pytest.mark.parametrize("who", ["CHN", "all"])
def test_oecd(wiod, zero_output, output, who):
    ours = decompose.oecd(wiod, None if who == "all" else CHN_ONLY, output)
    assert len(ours) == (wiod.G if who == "all" else 1) * wiod.N * wiod.G   # own country included
    assert_equal_to_reference(ours, exvatools(f"oecd_{output}_{who}"), zero_output)


@pytest.mark.parametrize("who", ["CHN", "all"])
def test_tiva_vectors(wiod, zero_output, who):
    ours = decompose.tiva_vectors(wiod, None if who == "all" else CHN_ONLY)
    ref = reference(f"exvatools/exvadec_oecd_tiva_{who}_vectors.csv.gz")
    ours = ours.set_index(["exporter", "exporter_sector"]).loc[ref.index]
    keep = np.array([key not in zero_output for key in ref.index])
    for column in ("VA", "PROD"):
        np.testing.assert_allclose(ours[column][keep], ref[column][keep], rtol=0, atol=TOL * ref["PROD"].max())


def test_final_demand_value_added_equals_decompr_leontief(wiod, zero_output):
    """OECD ``FD_VA`` is decompr's ``leontief(post = "final_demand")`` (VBY)."""
    ours = decompose.oecd(wiod, None, "tiva")[["exporter", "exporter_sector", "importer", "FD_VA"]]
    assert_equal_to_reference(ours.rename(columns={"FD_VA": "Final_Demand"}), "decompr/leontief_final_demand.csv.gz",
                              zero_output, scale_column="Final_Demand")


# ----- GVC participation (gvc package) ----------------------------------------------------------------------
def test_gvc_participation_equals_gvc_package(wiod, zero_output):
    ours = decompose.gvc_participation(wiod)
    for name, column, keys in (("i2e", "VS", ("exporter", "exporter_sector")),
                               ("e2r", "VS1", ("exporter", "exporter_sector"))):
        frame = ours[["exporter", "exporter_sector", column]].rename(columns={column: name})
        frame["importer"] = "WLD"
        ref = reference(f"gvc/{name}.csv.gz").reset_index()
        ref.columns = ["exporter", "exporter_sector", name]
        ref["importer"] = "WLD"
        path = PEERS / f"gvc/{name}.csv.gz"
        assert path.exists()
        joined = frame.merge(ref, on=["exporter", "exporter_sector", "importer"], suffixes=("", "_ref"))
        assert len(joined) == wiod.n
        keep = ~joined[["exporter", "exporter_sector"]].apply(tuple, axis=1).isin(zero_output)
        gap = np.abs(joined[name] - joined[f"{name}_ref"])[keep]
        assert gap.max() <= TOL * ours["E"].max(), name
    # backward participation is OECD's foreign content of exports; forward its GVCF summed by origin
    oecd = decompose.oecd(wiod, None, "standard")
    fc = oecd.groupby(["exporter", "exporter_sector"], sort=False)["FC"].sum().to_numpy()
    np.testing.assert_allclose(ours["VS"], fc, rtol=1e-12, atol=1e-9)
    gvcf = oecd.groupby("exporter", sort=False)["GVCF"].sum().to_numpy()
    np.testing.assert_allclose(ours.groupby("exporter", sort=False)["VS1"].sum(), gvcf, rtol=1e-12)
