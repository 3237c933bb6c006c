"""The synthetic world (METHODS §1, §6, §7): determinism, accounting, structure, file layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest

from mutualism.io import controls, sources, synthetic
from mutualism.core import countries as reference
from mutualism.cli import main
from mutualism.core.errors import UnknownOptionError


@pytest.fixture(scope="module")
def years():
    return {y: synthetic.make_mrio(y) for y in (2001, 2013, 2020)}


def test_same_seed_same_arrays_other_seed_other_arrays():
    a, b = synthetic.make_mrio(2010, seed=7), synthetic.make_mrio(2010, seed=7)
    for name in ("Z", "Y_detail", "va", "x"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    c = synthetic.make_mrio(2010, seed=8)
    assert not np.allclose(a.Z, c.Z) and not np.allclose(a.Y_detail, c.Y_detail)
    assert a.countries == c.countries  # the small world's country list does not depend on the seed


def test_world_has_china_partners_in_every_region_other_economies_and_row():
    world = synthetic.world_countries("small")
    assert len(world) == 40 and world["iso3"].iloc[-1] == "ROW" and world["iso3"].is_unique
    partners = world[world["bri_signatory"] == 1]
    assert len(partners) == 32 and set(partners["region"]) == set(reference.REGIONS)
    assert {"USA", "DEU", "JPN", "IND"} <= set(world.loc[world["bri_signatory"] == 0, "iso3"])
    assert reference.partner_set("bri", world["iso3"]) == partners["iso3"].tolist()
    mrio = synthetic.make_mrio(2005)
    assert mrio.countries == tuple(world["iso3"]) and mrio.sectors == tuple(f"C{k}" for k in range(1, 27))
    assert mrio.fd_categories == synthetic.FD_CATEGORIES
    assert (mrio.meta["source"], mrio.meta["price"], mrio.meta["unit"]) == ("synthetic", "basic", "k USD (synthetic)")


def test_productive_and_balanced(years):
    for mrio in years.values():
        producing = mrio.x > 0
        column_sums = mrio.A.sum(axis=0)  # max column sum bounds the spectral radius of A
        assert column_sums.max() <= synthetic.MAX_INPUT_SHARE + 1e-9
        # the generator's x solves (I − A)x = y: it agrees with the closure's row sums, so the
        # designed input shares survive and value added is at least 20 % of output
        assert (mrio.va[producing] >= (1 - synthetic.MAX_INPUT_SHARE - 1e-9) * mrio.x[producing]).all()
        leontief = np.linalg.solve(np.eye(mrio.n) - mrio.A, mrio.Y.sum(axis=1))  # x = (I − A)⁻¹ y
        assert np.allclose(leontief, mrio.x, rtol=1e-9, atol=1e-9 * mrio.x.max())
        assert np.isclose(mrio.va.sum(), mrio.Y.sum(), rtol=1e-12)  # GDP = final demand
        detail = synthetic.value_added_detail(mrio)
        assert detail.shape == (6, mrio.n) and np.allclose(detail.sum(axis=0), mrio.va, rtol=1e-12, atol=1e-6)
        assert (detail[2] <= 0).all() and (detail[0] >= 0).all()  # subsidies negative, wages not


def test_zero_output_sectors_in_the_smallest_economies(years):
    mrio = years[2013]
    zero = np.flatnonzero(mrio.zero_output)
    assert len(zero) > 0
    assert not mrio.Z[zero, :].any() and not mrio.Z[:, zero].any() and not mrio.Y_detail[zero].any()
    owners = {mrio.countries[k // mrio.N] for k in zero}
    gdp = synthetic.world_countries().set_index("iso3")["gdp_2001_usd"].drop("ROW")
    assert owners <= set(gdp.nsmallest(5).index)
    assert {mrio.sectors[k % mrio.N] for k in zero} <= set(synthetic.ZERO_CANDIDATES)


def test_negative_final_demand_only_in_inventory_changes(years):
    mrio = years[2020]
    K = len(mrio.fd_categories)
    negative = np.argwhere(mrio.Y_detail < 0)
    assert len(negative) > 0
    assert set(negative[:, 1] % K) == {mrio.fd_categories.index("Changes in inventories P.52")}
    assert (mrio.x >= 0).all() and (mrio.Y.sum(axis=1) >= 0).all()


def _flows(mrio):
    """Bilateral gross flows s→r (intermediate + final), G × G."""
    G, N = mrio.G, mrio.N
    inter = mrio.Z.reshape(G, N, G, N).sum(axis=(1, 3))
    final = mrio.Y.reshape(G, N, G).sum(axis=1)
    return inter + final


def test_trade_decays_with_distance(years):
    mrio = years[2013]
    world = synthetic.world_countries().iloc[:-1]
    flows = _flows(mrio)[:-1, :-1]
    output = mrio.x.reshape(mrio.G, mrio.N).sum(axis=1)[:-1]
    lat, lon = world["cap_lat"].to_numpy(), world["cap_lon"].to_numpy()
    km = reference.great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    off = ~np.eye(len(world), dtype=bool) & (flows > 0)
    y = np.log(flows[off] / np.outer(output, output)[off])
    X = np.column_stack([np.ones(off.sum()), np.log(np.maximum(km[off], 300))])
    slope = np.linalg.lstsq(X, y, rcond=None)[0][1]
    assert slope < -0.5


def test_china_weight_and_partner_integration_rise(years):
    shares = {}
    for year, mrio in years.items():
        output = mrio.x.reshape(mrio.G, mrio.N).sum(axis=1)
        flows = _flows(mrio)
        np.fill_diagonal(flows, 0.0)
        c = mrio.country_pos("CHN")
        china_in_imports = flows[c] / flows.sum(axis=0)  # China's share of each country's imports
        shares[year] = (output[c] / output.sum(), pd.Series(china_in_imports, index=mrio.countries))
    assert shares[2020][0] > 2 * shares[2001][0]
    world = synthetic.world_countries().set_index("iso3")
    partners = world.index[world["bri_signatory"] == 1]
    others = [c for c in world.index[world["bri_signatory"] == 0] if c not in ("CHN", "ROW")]
    gain = np.log(shares[2020][1] / shares[2013][1])
    assert gain[partners].mean() > gain[others].mean() + 0.2


def test_full_world_dimensions():
    mrio = synthetic.make_mrio(2015, size="full")
    assert (mrio.G, mrio.N, mrio.n) == (190, 26, 4940) and mrio.countries[-1] == "ROW"
    assert mrio.A.sum(axis=0).max() <= synthetic.MAX_INPUT_SHARE + 1e-9 and mrio.zero_output.any()
    world = synthetic.world_countries("full")
    assert len(world) == 190 and not set(synthetic.FULL_EXCLUDED) & set(world["iso3"])


def test_invalid_options_are_named():
    with pytest.raises(UnknownOptionError, match="size"):
        synthetic.make_mrio(2010, size="medium")
    with pytest.raises(UnknownOptionError, match="1995"):
        synthetic.make_mrio(1980)
    with pytest.raises(UnknownOptionError, match="format"):
        synthetic.write_world("unused", years=[2010], format="csv")


@pytest.mark.filterwarnings("ignore::pandas.errors.PerformanceWarning")  # pymrio dropping the ROW labels
def test_eora26_layout_reads_back_with_pymrio(tmp_path):
    written = synthetic.write_world(tmp_path, years=[2012], format="eora26")
    names = {p.name for p in written if p.parent.name == "2012"}
    assert names == {f"Eora26_2012_bp_{k}.txt" for k in ("T", "FD", "VA", "Q", "QY")} | {
        f"labels_{k}.txt" for k in ("T", "FD", "VA", "Q")}
    mrio = synthetic.make_mrio(2012)
    io = pymrio.parse_eora26(tmp_path, year=2012, price="bp")
    # pymrio dropped the statistical-discrepancy row and column (code ROW); our region is RoW
    assert io.Z.shape == (mrio.n, mrio.n) and io.Y.shape == (mrio.n, mrio.G * 6)
    assert io.get_regions()[-1] == synthetic.EORA_REST_OF_WORLD and "ROW" not in set(io.get_regions())
    assert list(io.get_sectors()) == reference.read_csv("sectors_eora26.csv")["eora26_label"].tolist()
    # the files hold every bit (%.17g, read with the round-trip parser) ...
    folder = tmp_path / "2012"
    exact = {k: pd.read_csv(folder / f"Eora26_2012_bp_{k}.txt", sep="\t", header=None,
                            float_precision="round_trip").to_numpy() for k in ("T", "FD", "VA")}
    assert np.array_equal(exact["T"][:-1, :-1], mrio.Z) and np.array_equal(exact["FD"][:-1, :-6], mrio.Y_detail)
    assert np.array_equal(exact["VA"][:, :-1], synthetic.value_added_detail(mrio))
    # ... and pymrio's reader (pandas' default float parser) is within 1e-12 of them
    np.testing.assert_allclose(io.Z.to_numpy(), mrio.Z, rtol=1e-12, atol=0)
    np.testing.assert_allclose(io.Y.to_numpy(), mrio.Y_detail, rtol=1e-12, atol=0)
    np.testing.assert_allclose(io.VA.F.to_numpy(), synthetic.value_added_detail(mrio), rtol=1e-12, atol=0)
    # the discrepancy row and column carry equal amounts, so the rest still closes
    assert np.array_equal(exact["T"][-1, :-1], exact["T"][:-1, -1]) and exact["T"][-1, :-1].any()
    assert list(io.VA.F.index.get_level_values(1)) == list(synthetic.VA_CATEGORIES)
    # the library's Eora26 loader closes it back to the same table (discrepancies balanced)
    loaded = sources.load_eora26(tmp_path, 2012)
    assert loaded.countries == mrio.countries and loaded.sectors == mrio.sectors
    np.testing.assert_allclose(loaded.va, mrio.va, rtol=1e-12, atol=1e-6)
    assert not loaded.meta["balance_failures"]


def test_pymrio_layout_and_controls_read_back(tmp_path):
    assert main(["synth", "--years", "2009-2010", "--out", str(tmp_path), "--format", "pymrio"]) == 0
    for year in (2009, 2010):
        mrio = synthetic.make_mrio(year)
        loaded = sources.load_pymrio_folder(tmp_path, year, source="synthetic")
        assert np.array_equal(loaded.Z, mrio.Z) and np.array_equal(loaded.Y_detail, mrio.Y_detail)
        assert loaded.meta["va_published_from"] == "factor_inputs" and not loaded.meta["balance_failures"]
    raw = synthetic.make_controls(years=[2009, 2010])
    again = controls.load_raw(tmp_path / "controls")
    for key, frame in raw.items():
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), again[key].reset_index(drop=True),
                                      check_dtype=False, obj=key)

