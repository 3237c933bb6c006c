"""The paper's indices (METHODS §3–§6, §10) against an independent brute force, closed forms
for XT, the route decomposition of ITR, missing values, and the cached multi-year driver."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bruteforce
from conftest import WIOD, needs_shared
from mutualism.gvc import indices
from mutualism.core.config import Params
from mutualism.core.errors import MRIOShapeError, UnknownOptionError
from mutualism.gvc.indices import COLUMNS, ROUTES

PARTNERS = ["PAK", "KEN", "ROW", "DEU"]
INDUSTRIES = ["C4", "C5", "C6"]
ZERO = (4, 8, 13)  # PAK/C5, KEN/C6, DEU/C5 have no output


@pytest.fixture(scope="module")
def world():
    return bruteforce.small_world(G=5, N=3, seed=3, zero_sectors=ZERO)


def reference(mrio, **options) -> dict:
    return bruteforce.indices(mrio.Z, mrio.Y, mrio.x, mrio.va, mrio.G, mrio.country_pos("CHN"),
                              [mrio.country_pos(p) for p in PARTNERS], range(mrio.N), **options)


def assert_matches(frame: pd.DataFrame, ref: dict, mrio, columns) -> None:
    for name in columns:
        fast = frame[name].to_numpy()
        slow = np.array([ref[(mrio.country_pos(p), mrio.sectors.index(i))][name]
                         for p, i in zip(frame["partner"], frame["industry"])])
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow), err_msg=f"{name}: NaN pattern")
        ok = ~np.isnan(slow)
        scale = np.abs(slow[ok]).max() if ok.any() else 1.0
        np.testing.assert_allclose(fast[ok], slow[ok], rtol=1e-10, atol=1e-10 * scale, err_msg=name)


@pytest.mark.parametrize("cross_industry", [False, True])
@pytest.mark.parametrize("itr", ["routes5", "vax"])
@pytest.mark.parametrize("fva", ["leontief", "wwz"])
def test_every_index_equals_bruteforce(world, fva, itr, cross_industry):
    frame = indices.year_indices(world, PARTNERS, industries=INDUSTRIES, fva=fva, itr=itr,
                                 cross_industry=cross_industry)
    ref = reference(world, fva=fva, cross_industry=cross_industry)
    assert (world.Y < 0).any() and world.zero_output.sum() == len(ZERO)  # both edge cases present
    assert len(frame) == len(PARTNERS) * len(INDUSTRIES)
    assert set(COLUMNS) - set(frame.columns) == {"g_c", "g_r", "XT"}
    computed = [c for c in frame.columns if c not in ("year", "partner", "industry", "ITR", *ROUTES)]
    assert_matches(frame, ref, world, computed)
    if itr == "routes5":
        assert_matches(frame, ref, world, ROUTES)
        np.testing.assert_allclose(frame["ITR"], frame[list(ROUTES)].sum(axis=1), rtol=1e-14)
    else:
        assert frame[list(ROUTES)].isna().all().all()  # not computed under itr="vax"
        np.testing.assert_array_equal(frame["ITR"], frame["ITR_vax"])


def test_lu_and_inverse_methods_agree(world):
    lu = indices.year_indices(world, PARTNERS, industries=INDUSTRIES, fva="wwz", method="lu")
    inv = indices.year_indices(world, PARTNERS, industries=INDUSTRIES, fva="wwz", method="inverse")
    pd.testing.assert_frame_equal(lu, inv, rtol=1e-11, atol=1e-14)


def test_leontief_theta_equals_iir_and_world_output_scaling(world):
    level = indices.year_indices(world, PARTNERS, industries=INDUSTRIES)
    positive = level["E_c"] > 0
    np.testing.assert_allclose(level.loc[positive, "theta_cr"], level.loc[positive, "IIR_rc"], rtol=1e-12)  # §3.2
    share = indices.year_indices(world, PARTNERS, industries=INDUSTRIES, itr_scale="world_output_share")
    for name in ("ITR", *ROUTES, "ITR_vax"):
        np.testing.assert_allclose(share[name], level[name] / world.x.sum(), rtol=1e-14)
    pd.testing.assert_series_equal(share["RH"], level["RH"])


def test_vax_captures_all_routes_and_the_gap_is_the_omitted_path():
    mrio = bruteforce.small_world(G=5, N=3, seed=11, zero_sectors=(4,), negative_fd=False)
    frame = indices.year_indices(mrio, PARTNERS, industries=INDUSTRIES)
    assert (mrio.Y >= 0).all()
    assert (frame["ITR_vax"] >= frame["ITR"] * (1 - 1e-14)).all()
    ref = reference(mrio)
    omitted = np.array([ref[(mrio.country_pos(p), mrio.sectors.index(i))]["omitted"]
                        for p, i in zip(frame["partner"], frame["industry"])])
    assert (omitted > 0).all()
    np.testing.assert_allclose(frame["ITR_vax"] - frame["ITR"], omitted, rtol=1e-9, atol=1e-12 * frame["ITR_vax"].max())


def test_zero_output_sectors_give_nan_and_are_counted(world):
    frame = indices.year_indices(world, PARTNERS, industries=INDUSTRIES)
    pak_c5 = frame[(frame["partner"] == "PAK") & (frame["industry"] == "C5")].iloc[0]
    for name in ("IIR_cr", "IDR_cr", "theta_rc", "RH", "HD", "GVC_P", "POS_r", "GVC_D"):
        assert np.isnan(pak_c5[name]), name
    assert pak_c5["x_r"] == 0 and pak_c5["VAX_r"] == 0  # flows are 0, ratios over them are missing
    assert np.isfinite(frame.loc[frame["industry"] == "C4", ["RH", "HD", "RVC", "GVC_P"]]).all().all()
    report = indices.missing_report(frame).set_index("variable")
    assert report.loc["RH", "missing"] == 3 and report.loc["RH", "missing"] == frame["RH"].isna().sum()
    # every ratio of a cell without output is missing, even one whose denominator is the other side's x
    assert report.loc["IDR_rc", "missing"] == 3 and report.loc["ITR", "missing"] == 0
    assert (report["missing"] == frame.drop(
        columns=["year", "partner", "industry"]).isna().sum().to_numpy()).all()


def test_cross_industry_sums_the_partner_side(world):
    same = indices.year_indices(world, PARTNERS, industries=INDUSTRIES)
    cross = indices.year_indices(world, PARTNERS, industries=INDUSTRIES, cross_industry=True)
    by_partner = same.groupby("partner", sort=False)
    np.testing.assert_allclose(cross["x_r"], np.repeat(by_partner["x_r"].sum().to_numpy(), 3))
    np.testing.assert_allclose(cross["VAX_r"], np.repeat(by_partner["VAX_r"].sum().to_numpy(), 3))
    np.testing.assert_allclose(cross["RCA_r"], 1.0)
    assert cross["RH"].notna().all()  # r's whole economy has output even where sector i has none


def test_xt_closed_form_and_edge_cases():
    g_c = np.array([0.0, 0.1, 0.2, 0.0, -0.3, 0.05])
    g_r = np.array([0.4, 0.1, -0.1, 0.0, 0.2, 0.15])
    xt = indices.coordination(g_c, g_r)
    assert xt[0] == 0.5  # one growth rate zero: the limit 1/2
    assert np.isnan(xt[1]) and np.isnan(xt[3])  # equal growth rates (both zero included)
    generic = slice(4, 6)
    d_cr, d_rc = g_c[generic] / g_r[generic], g_r[generic] / g_c[generic]
    np.testing.assert_allclose(xt[generic], (1 / np.abs(d_cr - 1) + 1 / np.abs(d_rc - 1)) / 2, rtol=1e-14)  # eq. 11
    np.testing.assert_allclose(xt[2], (0.2 + 0.1) / (2 * 0.3))
    g = indices.growth_rate(np.array([1.1, 2.0, 3.0, 1.0]), np.array([1.0, 0.0, -1.0, np.nan]))
    assert g[0] == pytest.approx(0.1) and np.isnan(g[1:]).all()  # VAX_{t−1} ≤ 0 or missing → NaN


def test_add_coordination_joins_consecutive_years():
    frame = pd.DataFrame({
        "year": [2001, 2001, 2002, 2002, 2003],
        "partner": ["PAK", "KEN", "PAK", "KEN", "PAK"],
        "industry": ["C4"] * 5,
        "VAX_c": [1.0, 1.0, 1.5, 1.2, 2.25],
        "VAX_r": [2.0, -1.0, 2.0, 1.0, 3.0],
    })
    out = indices.add_coordination(frame).set_index(["year", "partner"])
    assert out.loc[(2002, "PAK"), "XT"] == pytest.approx(0.5)  # g_r = 0
    assert np.isnan(out.loc[(2002, "KEN"), "XT"])  # previous VAX_r ≤ 0
    assert np.isnan(out.loc[(2003, "PAK"), "XT"])  # g_c = g_r = 0.5
    assert np.isnan(out.loc[(2001, "PAK"), "g_c"])  # no previous year loaded
    assert list(out.reset_index().columns) == [c for c in COLUMNS if c in out.reset_index().columns]


def test_bad_input_raises_named_errors(world):
    with pytest.raises(MRIOShapeError, match="XYZ"):
        indices.year_indices(world, ["XYZ"], industries=INDUSTRIES)
    with pytest.raises(MRIOShapeError, match="China"):
        indices.year_indices(world, ["CHN", "PAK"], industries=INDUSTRIES)
    with pytest.raises(MRIOShapeError, match="C26"):
        indices.year_indices(world, PARTNERS, industries=["C26"])
    with pytest.raises(UnknownOptionError, match="fva"):
        indices.year_indices(world, PARTNERS, industries=INDUSTRIES, fva="koopman")


def test_compute_indices_caches_years_and_adds_xt(tmp_path, monkeypatch):
    from mutualism.io import sources

    worlds = {year: bruteforce.small_world(seed=year, zero_sectors=(4,), year=year) for year in (2009, 2010, 2011)}
    loads = []

    def fake_load_year(source, year, path=None, **kwargs):
        loads.append(year)
        return worlds[year]

    monkeypatch.setattr(sources, "load_year", fake_load_year)
    params = Params(source="synthetic", years="2010-2011", partners="PAK,KEN,ROW", cache_dir=str(tmp_path))
    out = indices.compute_indices(params, progress=False)
    assert sorted(loads) == [2009, 2010, 2011]
    assert list(out.columns) == list(COLUMNS) and set(out["year"]) == {2010, 2011}
    assert len(out) == 2 * 3 * 3  # years × partners × industries (C4–C6 present)
    one = indices.year_indices(worlds[2011], ["PAK", "KEN", "ROW"])
    prev = indices.year_indices(worlds[2010], ["PAK", "KEN", "ROW"])
    got = out[out["year"] == 2011].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.drop(columns=["g_c", "g_r", "XT"]), one[got.columns.drop(["g_c", "g_r", "XT"])])
    g_c = (one["VAX_c"] - prev["VAX_c"]) / prev["VAX_c"]
    g_r = (one["VAX_r"] - prev["VAX_r"]) / prev["VAX_r"]
    np.testing.assert_allclose(got["XT"], (g_c.abs() + g_r.abs()) / (2 * (g_c - g_r).abs()), rtol=1e-12)
    assert out.attrs["missing"]["XT"] == out["XT"].isna().sum()
    assert len(list((tmp_path / "indices").glob("*.parquet"))) == 3
    again = indices.compute_indices(params, progress=False)  # served from the cache
    assert sorted(loads) == [2009, 2010, 2011]
    pd.testing.assert_frame_equal(again, out)
    indices.compute_indices(params.with_(fva="wwz"), progress=False)  # another option: new entries
    assert len(list((tmp_path / "indices").glob("*.parquet"))) == 6


@needs_shared
def test_wiod_2011_lu_and_inverse_agree_on_real_data():
    from mutualism.io.sources import load_pymrio_folder

    mrio = load_pymrio_folder(WIOD, 2011, concordance="wiod2013")
    partners = ["RUS", "IDN", "TUR", "POL", "IND"]
    lu = indices.year_indices(mrio, partners)
    inv = indices.year_indices(mrio, partners, method="inverse")
    assert len(lu) == 5 * 8 and list(lu["industry"].unique()) == [f"C{k}" for k in range(4, 12)]
    pd.testing.assert_frame_equal(lu, inv, rtol=1e-9, atol=0)
    assert lu.drop(columns=["year", "partner", "industry"]).notna().all().all()  # every WIOD cell is defined
    assert (lu["RH"] > 0).all() and (lu["ITR"] > 0).all() and (lu["GVC_P"] > 0).all()


# ----- the same numbers whatever the threads, n_jobs or scheduler (issue 19) -------------------------
@pytest.fixture(scope="module")
def synthetic_small():
    from mutualism.io.synthetic import make_mrio

    return make_mrio(2012, size="small", seed=2023)


@pytest.mark.parametrize("itr, fva, cross_industry", [("routes5", "leontief", False), ("vax", "wwz", True),
                                                      ("routes5", "wwz", False)])
def test_the_indices_are_the_same_bits_on_one_two_or_three_threads(synthetic_small, itr, fva, cross_industry):
    """The small synthetic world (n = 1040): five panels with the look-ahead in the LU and
    in each triangular solve, so the threads really split the work. One thread (a joblib
    worker's share on two cores), two (every core of this machine, as with n_jobs=1) and
    three give the same frame to the bit; SciPy's multi-threaded LU would not."""
    from threadpoolctl import threadpool_limits

    from mutualism.gvc import blocked

    world = synthetic_small
    partners = indices._partners(Params(), world.countries)
    assert world.n > 4 * blocked.NB
    options = dict(itr=itr, fva=fva, cross_industry=cross_industry)
    with threadpool_limits(limits=1, user_api="blas"):
        assert blocked.task_threads() == 1
        one = indices.year_indices(world, partners, **options)
    with threadpool_limits(limits=2, user_api="blas"):
        assert blocked.task_threads() == 2
        two = indices.year_indices(world, partners, **options)
    three = indices.year_indices(world, partners, threads=3, **options)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    pd.testing.assert_frame_equal(one, three, check_exact=True)
    assert one[["RH", "HD", "ITR", "GVC_D"]].notna().mean().min() > 0.9   # numbers, not NaN, compared


def test_n_jobs_and_a_dask_cluster_give_the_numbers_of_one_process_to_the_bit(tmp_path):
    """``XT``, ``g`` and ``GVC_D`` difference nearly equal numbers: any rounding that depends
    on where a year runs would show in them."""
    from distributed import LocalCluster

    params = Params(years="2012-2013", bootstrap_reps=0)
    one = indices.compute_indices(params.with_(cache_dir=str(tmp_path / "one")), n_jobs=1, progress=False)
    two = indices.compute_indices(params.with_(cache_dir=str(tmp_path / "two")), n_jobs=2, progress=False)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        dask = indices.compute_indices(params.with_(cache_dir=str(tmp_path / "dask")), progress=False,
                                       scheduler=cluster.scheduler_address)
    assert one["XT"].notna().sum() > 0.9 * len(one)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    pd.testing.assert_frame_equal(one, dask, check_exact=True)
