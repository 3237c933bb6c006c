"""METHODS §4 option ``itr_attribution``: ``source`` (default) or ``exporting``.

Properties: under ``exporting`` the routes equal an independent brute force (explicit
inverses, loops); routes 1 and 2 of ``a → b`` equal WWZ's ``DVA_FIN`` and ``DVA_INT`` (§9),
sector by sector and direction by direction; ``source`` is unchanged; the option is part of
the per-year cache key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bruteforce
from conftest import WIOD, needs_shared
from mutualism.gvc import decompose, indices
from mutualism.core.config import Params
from mutualism.core.errors import UnknownOptionError
from mutualism.gvc.indices import ROUTES

PARTNERS = ["PAK", "KEN", "ROW", "DEU"]
ZERO = (4, 8, 13)  # PAK/C5, KEN/C6, DEU/C5 have no output


@pytest.fixture(scope="module")
def world():
    return bruteforce.small_world(G=5, N=3, seed=3, zero_sectors=ZERO)


def exporting_routes(t: bruteforce.Table, a: int, b: int) -> list[np.ndarray]:
    """The five routes of §4 under ``exporting``, N-vectors over a's exporting sector, by loops."""
    u = np.ones(t.N)
    dl = u @ np.diag(t.vv(a)) @ t.L[a]
    dv = u @ np.diag(t.vv(a)) @ t.b(a, a)
    third = [d for d in range(t.G) if d not in (a, b)]
    return [
        dv * t.y(a, b),
        dl * (t.a(a, b) @ t.b(b, b) @ t.y(b, b)),
        dl * (t.a(a, b) @ sum(t.b(b, d) @ t.y(d, b) for d in third)),
        dl * sum(t.a(a, d) @ t.b(d, d) @ t.y(d, b) for d in third),
        dl * sum(t.a(a, d) @ t.b(d, b) @ t.y(b, b) for d in third),
    ]


def both_directions(mrio, partners, industries, **options) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each route split into China → partner and partner → China, ``(P, K)`` each.

    A route column is ``to_r[i] + to_c[i]`` (same industry) or ``to_r[i] + Σ_j to_c[j]``
    (``cross_industry``). With every sector as an industry the two runs identify both
    terms: ``d_i = Σ_j to_c[j] − to_c[i]``, ``Σ_i d_i = (N − 1)·Σ_j to_c[j]``.
    """
    same = indices.year_indices(mrio, partners, industries=industries, **options)
    cross = indices.year_indices(mrio, partners, industries=industries, cross_industry=True, **options)
    P, K = len(partners), len(industries)
    out = {}
    for name in ROUTES:
        f = same[name].to_numpy().reshape(P, K)
        d = cross[name].to_numpy().reshape(P, K) - f
        to_c = d.sum(axis=1, keepdims=True) / (K - 1) - d
        out[name] = (f - to_c, to_c)
    return out


def assert_routes_1_2_are_wwz(mrio, partners) -> None:
    sectors = list(mrio.sectors)
    routes = both_directions(mrio, partners, sectors, itr_attribution="exporting")
    ww = decompose.wwz(mrio).set_index(["exporter", "exporter_sector", "importer"])
    scale = ww["texp"].abs().max()
    for route, term in (("ITR_dva_fin", "DVA_FIN"), ("ITR_dva_int", "DVA_INT")):
        to_r, to_c = routes[route]
        china_to_r = np.array([[ww.loc[("CHN", i, p), term] for i in sectors] for p in partners])
        r_to_china = np.array([[ww.loc[(p, i, "CHN"), term] for i in sectors] for p in partners])
        np.testing.assert_allclose(to_r, china_to_r, rtol=0, atol=1e-10 * scale, err_msg=f"{route} CHN→r")
        np.testing.assert_allclose(to_c, r_to_china, rtol=0, atol=1e-10 * scale, err_msg=f"{route} r→CHN")
        assert np.abs(china_to_r).max() > 1e-3 * scale and np.abs(r_to_china).max() > 1e-3 * scale


def test_routes_1_and_2_equal_wwz_dva_fin_and_dva_int(world):
    assert (world.Y < 0).any() and world.zero_output.sum() == len(ZERO)  # both edge cases present
    assert_routes_1_2_are_wwz(world, PARTNERS)


@needs_shared
def test_routes_1_and_2_equal_wwz_on_wiod_2011():
    from mutualism.io.sources import load_pymrio_folder

    mrio = load_pymrio_folder(WIOD, 2011)
    assert mrio.zero_output.sum() > 0
    assert_routes_1_2_are_wwz(mrio, ["RUS", "IDN", "DEU", "USA", "ROW"])


@pytest.mark.parametrize("cross_industry", [False, True])
def test_exporting_routes_equal_bruteforce(world, cross_industry):
    industries = ["C4", "C5", "C6"]
    frame = indices.year_indices(world, PARTNERS, industries=industries, itr_attribution="exporting",
                                 cross_industry=cross_industry)
    t = bruteforce.Table(world.Z, world.Y, world.x, world.va, world.G)
    c = world.country_pos("CHN")
    expected = []
    for p in PARTNERS:
        r = world.country_pos(p)
        to_r, to_c = exporting_routes(t, c, r), exporting_routes(t, r, c)
        for i in range(len(industries)):
            r_sectors = range(world.N) if cross_industry else [i]
            expected.append([to_r[m][i] + sum(to_c[m][j] for j in r_sectors) for m in range(5)])
    expected = np.array(expected)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(frame[list(ROUTES)].to_numpy(), expected, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(frame["ITR"], expected.sum(axis=1), rtol=1e-10, atol=1e-10 * scale)


def test_source_attribution_is_the_default_and_unchanged(world):
    industries = ["C4", "C5", "C6"]
    default = indices.year_indices(world, PARTNERS, industries=industries)
    source = indices.year_indices(world, PARTNERS, industries=industries, itr_attribution="source")
    exporting = indices.year_indices(world, PARTNERS, industries=industries, itr_attribution="exporting")
    pd.testing.assert_frame_equal(default, source)
    ref = bruteforce.indices(world.Z, world.Y, world.x, world.va, world.G, world.country_pos("CHN"),
                             [world.country_pos(p) for p in PARTNERS], range(world.N))
    slow = np.array([[ref[(world.country_pos(p), world.sectors.index(i))][name] for name in ROUTES]
                     for p, i in zip(source["partner"], source["industry"])])
    np.testing.assert_allclose(source[list(ROUTES)].to_numpy(), slow, rtol=1e-10, atol=1e-10 * np.abs(slow).max())
    # only the routes move: everything else, ITR_vax included, is the same number
    others = [col for col in source.columns if col not in ("ITR", *ROUTES)]
    pd.testing.assert_frame_equal(exporting[others], source[others])
    assert not np.allclose(exporting[list(ROUTES)], source[list(ROUTES)])
    # summed over all of a country's industries both book the same flows: u'·diag(v_a)·L_aa·M = dl_a·M
    assert industries == list(world.sectors)
    per_partner = [frame.groupby("partner", sort=False)[list(ROUTES)].sum().to_numpy() for frame in (exporting, source)]
    np.testing.assert_allclose(*per_partner, rtol=1e-10, atol=1e-10 * np.abs(per_partner[1]).max())
    with pytest.raises(UnknownOptionError, match="itr_attribution"):
        indices.year_indices(world, PARTNERS, industries=industries, itr_attribution="importing")


def test_itr_attribution_is_part_of_the_cache_key(tmp_path, monkeypatch):
    from mutualism.io import sources

    worlds = {year: bruteforce.small_world(seed=year, zero_sectors=(4,), year=year) for year in (2010, 2011)}
    monkeypatch.setattr(sources, "load_year", lambda source, year, path=None, **kwargs: worlds[year])
    params = Params(source="synthetic", years="2011", partners="PAK,KEN,ROW", cache_dir=str(tmp_path))
    source = indices.compute_indices(params, progress=False)
    exporting = indices.compute_indices(params.with_(itr_attribution="exporting"), progress=False)
    direct = indices.year_indices(worlds[2011], ["PAK", "KEN", "ROW"], itr_attribution="exporting")
    np.testing.assert_allclose(exporting[list(ROUTES)], direct[list(ROUTES)], rtol=1e-12)
    assert not np.allclose(exporting[list(ROUTES)], source[list(ROUTES)])
    again = indices.compute_indices(params, progress=False)  # the source entry is still served
    pd.testing.assert_frame_equal(again, source)
