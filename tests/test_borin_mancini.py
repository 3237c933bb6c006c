"""Borin–Mancini source-based decomposition, exporter perspective (METHODS §11).

Properties: the twelve terms add up to gross exports; the fast path equals an explicit
extraction inverse per exporter (tests/bruteforce_bm.py); the identities that tie it to
§2 (Leontief DVA and FV), §9 (WWZ's domestic terms) and Johnson–Noguera value-added
exports; the aggregates; the CLI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bruteforce
import bruteforce_bm
from conftest import WIOD, needs_shared
from mutualism.gvc import borin_mancini, decompose
from mutualism.gvc.decompose import BM_STANDARD, BM_TERMS, WWZ_TERMS
from mutualism.core.errors import MRIOShapeError, UnknownOptionError

ZERO = (4, 8)  # flat positions with no output: PAK/C5 and KEN/C6 of the 5 × 3 world
KEYS = ["exporter", "exporter_sector", "importer"]
WWZ_DOMESTIC = ("DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2",
                "RDV_INT", "RDV_FIN", "RDV_FIN2", "DDC_FIN", "DDC_INT")
WWZ_FOREIGN = ("OVA_FIN", "MVA_FIN", "OVA_INT", "MVA_INT", "ODC", "MDC")


@pytest.fixture(scope="module")
def world():
    return bruteforce.small_world(G=5, N=3, seed=3, zero_sectors=ZERO)


@pytest.fixture(scope="module")
def wiod():
    from mutualism.io.sources import load_pymrio_folder

    return load_pymrio_folder(WIOD, 2011)


def positive_output_rows(df: pd.DataFrame, mrio) -> np.ndarray:
    """Rows whose exporting sector has x > 0 (zero-output sectors excluded by name, §1)."""
    zero = {mrio.label(k) for k in np.flatnonzero(mrio.zero_output)}
    return ~(df["exporter"] + "/" + df["exporter_sector"]).isin(zero).to_numpy()


def assert_terms_add_up(df: pd.DataFrame, mrio) -> None:
    keep = positive_output_rows(df, mrio)
    total = df.loc[keep, list(BM_TERMS)].sum(axis=1).to_numpy()
    exgr = df.loc[keep, "EXGR"].to_numpy()
    gap = np.abs(total - exgr)
    assert gap.max() <= 1e-10 * np.abs(exgr).max(), df.loc[keep].iloc[[int(np.argmax(gap))]]
    assert np.all(gap <= 1e-9 * np.abs(exgr) + 1e-13 * np.abs(exgr).max())  # small flows close too


def identities(mrio, df: pd.DataFrame) -> dict[str, float]:
    """Worst gaps of the §11 identities, each divided by the largest gross export flow."""
    G, N = mrio.G, mrio.N
    scale = np.abs(df["EXGR"]).max()
    keep = positive_output_rows(df, mrio)
    ww = decompose.wwz(mrio).set_index(KEYS).loc[pd.MultiIndex.from_frame(df[KEYS])]
    dom = df[["VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC"]].sum(axis=1).to_numpy()
    foreign = df[["FVA1", "FVA2", "FVA3", "FVA4", "FDC"]].sum(axis=1).to_numpy()
    out = {"DVA+DDC = WWZ domestic": np.abs(dom - ww[list(WWZ_DOMESTIC)].sum(axis=1).to_numpy())[keep].max(),
           "FVA+FDC = WWZ foreign": np.abs(foreign - ww[list(WWZ_FOREIGN)].sum(axis=1).to_numpy())[keep].max()}
    # §2: Leontief DVA and FV of each exporting country-sector (sums over importers)
    summary = decompose.export_summary(mrio)
    by_sector = df.assign(dom=dom, foreign=foreign).groupby(["exporter", "exporter_sector"], sort=False)[
        ["dom", "foreign"]].sum()
    ref = summary.loc[by_sector.index]
    positive = ref["x"].to_numpy() > 0
    out["DVA+DDC = Leontief DVA"] = np.abs(by_sector["dom"] - ref["DVA"]).to_numpy()[positive].max()
    out["FVA+FDC = Leontief FV"] = np.abs(by_sector["foreign"] - ref["FV"]).to_numpy()[positive].max()
    # Johnson–Noguera value-added exports: Σ_{r≠s} u'·diag(v_s)·[B·Y_{·r}]_s, with B·Y by solves
    BY = decompose.LeontiefSolver(mrio.A).B_times(np.array(mrio.Y)).reshape(G, N, G)
    vax = df[["VAX1", "VAX2", "VAX3", "VAX4"]].sum(axis=1).groupby(df["exporter"], sort=False).sum()
    jn = []
    for c in vax.index:
        s = mrio.country_pos(c)
        jn.append(sum(mrio.v[mrio.block(s)] @ BY[s, :, r] for r in range(G) if r != s))
    out["VAX = Johnson-Noguera"] = np.abs(vax.to_numpy() - np.array(jn)).max()
    return {k: v / scale for k, v in out.items()}


# ----- random table with zero-output sectors and negative final demand ----------------------------
def test_terms_add_up_to_gross_exports_on_random_world(world):
    df = decompose.borin_mancini(world)
    assert (world.Y < 0).any() and world.zero_output.sum() == 2  # the fixture exercises both cases
    assert list(df.columns) == [*KEYS, "EXGR", *BM_TERMS]
    assert len(df) == world.G * world.N * (world.G - 1) and (df["exporter"] != df["importer"]).all()
    assert_terms_add_up(df, world)
    # the same row order and gross exports as WWZ's texp
    ww = decompose.wwz(world)
    assert df[KEYS].equals(ww[KEYS]) and np.array_equal(df["EXGR"], ww["texp"])


def test_fast_path_equals_explicit_extraction_inverse(world):
    fast = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G)
    slow = bruteforce_bm.bm_src(world.Z, world.Y, world.x, world.va, world.G)
    scale = np.abs(slow["EXGR"]).max()
    for name in (*BM_TERMS, "EXGR"):
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-10, atol=1e-10 * scale, err_msg=name)
        assert np.abs(slow[name]).max() > 0, name  # every term is exercised
    # the row vectors themselves, zero-output sectors included (Woodbury is exact everywhere)
    B_ss = borin_mancini.exporter_diagonal_blocks(decompose.LeontiefSolver(world.A), world.G, range(world.G))
    coef = borin_mancini.bm_src_coefficients(world.A, world.v, world.G, range(world.G), B_ss,
                                         np.linalg.solve((np.eye(world.n) - world.A).T, world.v))
    for name in ("dl", "dv", "fx", "fb"):
        np.testing.assert_allclose(coef[name], slow[name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_exporter_subset_and_inverse_solver_give_the_same_rows(world):
    full = decompose.borin_mancini(world)
    sub = decompose.borin_mancini(world, ["KEN", "CHN"])
    assert list(sub["exporter"].unique()) == ["CHN", "KEN"]  # table order
    expected = full[full["exporter"].isin(["CHN", "KEN"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(sub, expected, rtol=1e-12, atol=1e-12 * full["EXGR"].abs().max())
    inverse = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G, [2],
                                     solver=decompose.LeontiefSolver(world.A, "inverse"))
    lu = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G, [2])
    for name in BM_TERMS:
        np.testing.assert_allclose(inverse[name], lu[name], rtol=1e-11, atol=1e-12, err_msg=name)


def test_woodbury_form_of_methods_section_11(world):
    """§11's ``u' − u'·(I + A_{s,−s}B_{−s,s})⁻¹·A_{s,−s}B_{−s,s}`` with the explicit B equals
    ``fx_s + dl_s`` from the extraction inverse on every sector with x > 0. On a zero-output
    sector it gives 1 instead of 0 (it assumes ``v'B = u'``), harmless there because that
    sector exports nothing; the library uses the exact form ``(v'B)_s·B_ss⁻¹·L_ss``."""
    slow = bruteforce_bm.bm_src(world.Z, world.Y, world.x, world.va, world.G)
    B = np.linalg.inv(np.eye(world.n) - world.A)
    N, u = world.N, np.ones(world.N)
    for s in range(world.G):
        own = np.arange(s * N, (s + 1) * N)
        rest = np.setdiff1d(np.arange(world.n), own)
        K = world.A[np.ix_(own, rest)] @ B[np.ix_(rest, own)]
        methods = u - u @ np.linalg.solve(np.eye(N) + K, K)
        truth = slow["fx"][s] + slow["dl"][s]
        positive = ~world.zero_output[own]
        np.testing.assert_allclose(methods[positive], truth[positive], rtol=1e-12)
        assert np.all(methods[~positive] == pytest.approx(1.0)) and np.all(truth[~positive] == 0)


def test_identities_with_leontief_wwz_and_johnson_noguera(world):
    gaps = identities(world, decompose.borin_mancini(world))
    assert max(gaps.values()) <= 1e-10, gaps


def test_standard_output_aggregates_and_participation(world):
    terms = decompose.borin_mancini(world)
    std = decompose.borin_mancini(world, output="standard")
    assert list(std.columns) == [*KEYS, "EXGR", *BM_STANDARD]
    t = {name: terms[name].to_numpy() for name in (*BM_TERMS, "EXGR")}
    keep = positive_output_rows(std, world)
    tol = 1e-12 * np.abs(t["EXGR"]).max()
    np.testing.assert_allclose(std["VAX"], t["VAX1"] + t["VAX2"] + t["VAX3"] + t["VAX4"], atol=tol)
    np.testing.assert_allclose(std["FC"], t["FVA1"] + t["FVA2"] + t["FVA3"] + t["FVA4"] + t["FDC"], atol=tol)
    np.testing.assert_allclose((std["DC"] + std["FC"])[keep], t["EXGR"][keep], atol=1e-10 * np.abs(t["EXGR"]).max())
    np.testing.assert_allclose(std["GVC"][keep], (t["EXGR"] - std["DAVAX"])[keep], atol=1e-10 * np.abs(t["EXGR"]).max())
    np.testing.assert_allclose(std["GVCB"], std["FC"] + t["DDC"], atol=tol)
    exported = t["EXGR"] != 0
    np.testing.assert_allclose(std["GVC_share"][exported], (std["GVC"] / std["EXGR"])[exported], rtol=1e-14)
    assert (~exported).any() and std.loc[~exported, ["GVCB_share", "GVCF_share", "GVC_share"]].isna().all().all()


def test_bad_options_and_exporters_raise_named_errors(world):
    with pytest.raises(UnknownOptionError, match="output"):
        decompose.borin_mancini(world, output="tiva")
    with pytest.raises(UnknownOptionError, match="method"):
        decompose.decomposition(world, "vax")
    with pytest.raises(UnknownOptionError, match="not defined for method 'wwz'"):
        decompose.decomposition(world, "wwz", output="standard")
    with pytest.raises(UnknownOptionError, match="perimeter"):
        decompose.decomposition(world, "oecd", partners=["CHN"])
    with pytest.raises(UnknownOptionError, match="breakdown 'origin' applies to method 'bm_src' only"):
        decompose.decomposition(world, "my", breakdown="origin")
    with pytest.raises(UnknownOptionError, match="terms2"):
        decompose.decomposition(world, "my", output="terms2")
    with pytest.raises(MRIOShapeError, match="partner XXX not in the table"):
        decompose.decomposition(world, "bm_src", partners=["XXX"])
    with pytest.raises(MRIOShapeError, match="'FRA' is not in the table"):
        decompose.borin_mancini(world, ["CHN", "FRA"])
    ww = decompose.decomposition(world, "wwz", exporters=["ROW"])
    assert set(ww["exporter"]) == {"ROW"} and list(ww.columns) == [*KEYS, *WWZ_TERMS, "texp"]


# ----- WIOD 2013, 2011 ---------------------------------------------------------------------------
@needs_shared
def test_terms_add_up_and_identities_hold_on_wiod_2011(wiod):
    df = decompose.borin_mancini(wiod)
    assert wiod.n == 1435 and len(df) == 41 * 35 * 40
    assert wiod.zero_output.sum() > 0  # WIOD has sectors without output: excluded by name
    assert_terms_add_up(df, wiod)
    gaps = identities(wiod, df)
    assert max(gaps.values()) <= 1e-10, gaps


# ----- CLI ---------------------------------------------------------------------------------------------
def write_pymrio(mrio, folder):
    import pymrio

    idx = pd.MultiIndex.from_product([mrio.countries, mrio.sectors], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([mrio.countries, mrio.fd_categories], names=["region", "category"])
    io = pymrio.IOSystem(Z=pd.DataFrame(mrio.Z, idx, idx), Y=pd.DataFrame(mrio.Y_detail, idx, cols),
                         x=pd.DataFrame({"indout": mrio.x}, index=idx), name="random")
    io.meta.change_meta("year", mrio.year)
    io.save_all(folder / str(mrio.year), table_format="parquet")


def test_decompose_command_writes_both_methods(world, tmp_path, capsys):
    from mutualism.cli import main
    from mutualism.io.sources import load_path

    write_pymrio(world, tmp_path / "data")
    data = str(tmp_path / "data")
    loaded = load_path(data, 2010)
    out = tmp_path / "bm.csv.gz"
    assert main(["decompose", "--method", "bm_src", "--mrio", data, "--year", "2010", "--exporters", "KEN,CHN",
                 "--output", "standard", "--out", str(out)]) == 0
    assert "load" in (err := capsys.readouterr().err) and "compute" in err and "write" in err
    back = pd.read_csv(out, keep_default_na=False, na_values=[""])
    expected = decompose.borin_mancini(loaded, ["CHN", "KEN"], output="standard")
    pd.testing.assert_frame_equal(back, expected, check_exact=False, rtol=1e-12, atol=1e-12)
    # terms to parquet, and `wwz` stays an alias of `decompose --method wwz`
    assert main(["decompose", "--method", "bm_src", "--mrio", data, "--year", "2010", "--out",
                 str(tmp_path / "t.parquet")]) == 0
    assert_terms_add_up(pd.read_parquet(tmp_path / "t.parquet"), loaded)
    assert main(["wwz", "--mrio", data, "--year", "2010", "--out", str(tmp_path / "a.parquet")]) == 0
    assert main(["decompose", "--method", "wwz", "--mrio", data, "--year", "2010", "--out",
                 str(tmp_path / "b.parquet")]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet"))
    capsys.readouterr()
    assert main(["decompose", "--method", "wwz", "--output", "standard", "--mrio", data, "--year", "2010",
                 "--out", str(tmp_path / "c.parquet")]) == 2
    assert "terms" in capsys.readouterr().err and not (tmp_path / "c.parquet").exists()
    try:  # argparse rejects a method outside DECOMPOSITIONS (exit status 2, as a usage error)
        code = main(["decompose", "--method", "vax", "--mrio", data, "--year", "2010", "--out", str(out)])
    except SystemExit as exc:
        code = exc.code
    assert code == 2 and "vax" in capsys.readouterr().err


def test_decompose_exporters_take_aliases_and_refuse_bad_lists(world, tmp_path, capsys):
    """``--exporters`` reads codes as ``--partners`` does: an alias the table was renamed
    from (ROM → ROU on WIOD) names the same exporter; a malformed list is refused in one
    line naming the option, before any output is written."""
    from mutualism.cli import main
    from mutualism.io.sources import load_path

    write_pymrio(world, tmp_path / "data")
    data = str(tmp_path / "data")
    loaded = load_path(data, 2010)
    out = tmp_path / "bm.parquet"
    assert main(["decompose", "--method", "bm_src", "--mrio", data, "--year", "2010", "--exporters", "ken, chn",
                 "--out", str(out)]) == 0
    assert sorted(pd.read_parquet(out)["exporter"].unique()) == ["CHN", "KEN"]
    capsys.readouterr()
    bad = tmp_path / "bad.parquet"
    assert main(["decompose", "--method", "bm_src", "--mrio", data, "--year", "2010", "--exporters", "CHN,X1",
                 "--out", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "--exporters" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not bad.exists() and "KEN" in loaded.countries


@needs_shared
def test_decompose_exporters_alias_on_wiod(tmp_path):
    from mutualism.cli import main

    out = tmp_path / "rom.csv.gz"
    assert main(["decompose", "--method", "bm_src", "--mrio", str(WIOD), "--year", "2011",
                 "--exporters", "ROM", "--output", "standard", "--out", str(out)]) == 0
    assert set(pd.read_csv(out)["exporter"]) == {"ROU"}
