"""Leontief/HIY (METHODS §2) and WWZ (§9): accounting identities, brute force, WIOD 2011."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bruteforce
from conftest import WIOD, needs_shared
from mutualism.gvc import decompose
from mutualism.gvc.decompose import WWZ_TERMS, LeontiefSolver
from mutualism.core.errors import UnknownOptionError

ZERO = (4, 8)  # flat positions with no output: PAK/C5 and KEN/C6 of the 5 × 3 world


@pytest.fixture(scope="module")
def world():
    return bruteforce.small_world(G=5, N=3, seed=3, zero_sectors=ZERO)


def positive_output_rows(df: pd.DataFrame, mrio) -> pd.Series:
    """Rows whose exporting sector has x > 0 (zero-output sectors excluded by name, §1)."""
    zero = {mrio.label(k) for k in np.flatnonzero(mrio.zero_output)}
    return ~(df["exporter"] + "/" + df["exporter_sector"]).isin(zero)


def assert_terms_add_up(df: pd.DataFrame, mrio) -> None:
    keep = positive_output_rows(df, mrio)
    total = df.loc[keep, list(WWZ_TERMS)].sum(axis=1).to_numpy()
    texp = df.loc[keep, "texp"].to_numpy()
    bad = np.abs(total - texp) > 1e-9 * np.abs(texp)  # texp = 0 needs exactly 0
    assert not bad.any(), df.loc[keep][bad].head()


def test_wwz_terms_add_up_to_gross_exports_on_random_world(world):
    df = decompose.wwz(world)
    assert_terms_add_up(df, world)
    assert list(df.columns) == ["exporter", "exporter_sector", "importer", *WWZ_TERMS, "texp"]
    assert len(df) == world.G * world.N * (world.G - 1) and (df["exporter"] != df["importer"]).all()
    assert (world.Y < 0).any() and world.zero_output.sum() == 2  # the fixture exercises both cases


def test_wwz_terms_equal_bruteforce_loops(world):
    fast = decompose.wwz_terms(world.A, decompose.leontief_inverse(world.A), world.Y, world.v, world.x, world.Z, world.G)
    slow = bruteforce.wwz(world.Z, world.Y, world.x, world.va, world.G)
    scale = np.abs(slow["texp"]).max()
    for name in (*WWZ_TERMS, "texp"):
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-10, atol=1e-10 * scale, err_msg=name)


@needs_shared
def test_wwz_terms_add_up_on_wiod_2011():
    from mutualism.io.sources import load_pymrio_folder

    mrio = load_pymrio_folder(WIOD, 2011)
    df = decompose.wwz(mrio)
    assert mrio.n == 1435 and len(df) == 41 * 35 * 40
    assert mrio.zero_output.sum() > 0  # WIOD has sectors without output: excluded by name
    assert_terms_add_up(df, mrio)
    # China's gross exports from the raw blocks: its rows of Z into other countries' columns
    # plus its final goods to other destinations (independent of bilateral_exports)
    c, owner = mrio.country_pos("CHN"), np.repeat(np.arange(mrio.G), mrio.N)
    rows = mrio.block("CHN")
    exports = mrio.Z[rows][:, owner != c].sum() + np.delete(mrio.Y[rows], c, axis=1).sum()
    assert df.loc[df["exporter"] == "CHN", "texp"].sum() == pytest.approx(exports, rel=1e-12)


@pytest.mark.parametrize("method", ["lu", "inverse"])
def test_value_added_in_exports_columns_add_up_to_gross_exports(world, method):
    solver = LeontiefSolver(world.A, method)
    E = decompose.gross_exports(world.Z, world.Y, world.G)
    vae = decompose.value_added_in_exports(solver, world.v, E, world.G, range(world.G))
    positive = ~world.zero_output
    np.testing.assert_allclose(vae.sum(axis=0)[positive], E[positive], rtol=1e-12)
    vB = solver.BT_times(world.v)
    np.testing.assert_allclose(vB[positive], 1.0, rtol=1e-12)  # v'B = 1'
    assert np.all(vB[world.zero_output] == 0)


def test_leontief_decomposition_matches_explicit_vae(world):
    ref = bruteforce.Table(world.Z, world.Y, world.x, world.va, world.G)
    frame = decompose.leontief_decomposition(world, ["PAK", "ROW"])
    for country in ("PAK", "ROW"):
        cols = ref.rows(world.country_pos(country))
        np.testing.assert_allclose(frame[country].to_numpy(), ref.VAE[:, cols], rtol=1e-10, atol=1e-12)
    summary = decompose.export_summary(world)
    np.testing.assert_allclose(summary["E"], ref.E, rtol=1e-12)
    np.testing.assert_allclose(summary["DVA"], [ref.dva(k // 3, k % 3) for k in range(world.n)], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(summary["FV"], [ref.fv(k // 3, k % 3) for k in range(world.n)], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(summary["E_final"] + summary["E_intermediate"], summary["E"], rtol=1e-14)


def test_lu_and_inverse_methods_agree(world):
    rng = np.random.default_rng(0)
    M = rng.normal(size=(world.n, 4))
    lu, inv = LeontiefSolver(world.A, "lu"), LeontiefSolver(world.A, "inverse")
    np.testing.assert_allclose(lu.B_times(M), inv.B_times(M), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(lu.BT_times(M), inv.BT_times(M), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(inv.B_times(np.eye(world.n)), np.linalg.inv(np.eye(world.n) - world.A), rtol=1e-12)
    with pytest.raises(UnknownOptionError, match="method"):
        LeontiefSolver(world.A, "qr")


def test_bilateral_exports_exclude_own_country(world):
    intermediate, final = decompose.bilateral_exports(world.Z, world.Y, world.G)
    pak, ken = world.block("PAK"), world.block("KEN")
    k = world.country_pos("KEN")
    np.testing.assert_allclose(intermediate[pak, k], world.Z[pak, ken].sum(axis=1))
    np.testing.assert_allclose(final[pak, k], world.Y[pak, k])
    assert not intermediate[pak, world.country_pos("PAK")].any() and not final[pak, world.country_pos("PAK")].any()


@pytest.mark.parametrize("method", ["lu", "inverse"])
def test_singular_system_raises_a_named_error(method):
    from mutualism.core.errors import MRIOValueError

    A = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.1, 0.2, 0.3]])  # I − A has two equal rows
    with pytest.raises(MRIOValueError, match="toy 2001: I − A is singular"):
        LeontiefSolver(A, method, where="toy 2001")
