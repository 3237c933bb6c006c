"""The decompositions of METHODS §12 on a small random world with zero-output sectors and
negative final demand: the fast paths (one LU, Woodbury) equal explicit extraction
inverses per exporter (tests/bruteforce_gvc.py); accounting identities; cross-method
identities; the labelled layer and the CLI. Agreement with the peers on WIOD is
tests/test_peers.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bruteforce
import bruteforce_gvc as brute
from mutualism.gvc import borin_mancini, decompose, tiva
from mutualism.core.errors import MRIOShapeError, UnknownOptionError
from mutualism.gvc.extraction import Perimeter

ZERO = (4, 8)  # PAK/C5 and KEN/C6 of the 5 × 3 world have no output
KEYS = ["exporter", "exporter_sector", "importer"]


@pytest.fixture(scope="module")
def world():
    return bruteforce.small_world(G=5, N=3, seed=3, zero_sectors=ZERO)


def args(w):
    return w.Z, w.Y, w.x, w.va, w.G


def close(a, b, scale, name=""):
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-11 * scale, err_msg=name)


def positive(w, s):
    """Exporting sectors of ``s`` with output (zero-output sectors are excluded by name)."""
    return ~w.zero_output[s * w.N:(s + 1) * w.N]


@pytest.mark.parametrize("partners, sectors", [(None, None), ((2,), None), ((0, 3), None), (None, (1,)),
                                               ((4,), (0, 2))])
@pytest.mark.parametrize("origin", [False, True])
def test_bm_src_perimeters_equal_explicit_extraction(world, partners, sectors, origin):
    fast = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G,
                                      perimeter=Perimeter(partners, sectors),
                                      breakdown="origin" if origin else "exporting")
    scale = np.abs(fast["EXGR"]).max()
    exercised = 0
    for s in range(world.G):
        slow = brute.bm_src(*args(world), s, partners=partners, sectors=sectors, origin=origin)
        for name in (*brute.BM, "EXGR"):
            close(fast[name][s], slow[name], scale, f"{name} s={s}")
            exercised += np.abs(slow[name]).max() > 0
    assert exercised >= 12 * world.G - 10  # the terms are not trivially zero


def test_origin_breakdown_sums_to_the_exporting_breakdown(world):
    by_origin = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G, breakdown="origin")
    exporting = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G)
    scale = np.abs(exporting["EXGR"]).max()
    for name in borin_mancini.BM_TERMS:
        close(by_origin[name].sum(axis=1), exporting[name].sum(axis=1), scale, name)
        assert not np.allclose(by_origin[name], exporting[name])  # the keys really differ


def test_bm_snk_equals_explicit_extraction_and_adds_up(world):
    fast = borin_mancini.bm_snk_terms(world.A, world.Y, world.v, world.x, world.Z, world.G)
    scale = np.abs(fast["EXGR"]).max()
    for s in range(world.G):
        slow = brute.bm_snk(*args(world), s)
        for name in (*brute.BM, "VAXIM", "EXGR"):
            close(fast[name][s], slow[name], scale, f"{name} s={s}")
        total = sum(fast[name][s] for name in borin_mancini.BM_TERMS)
        keep = positive(world, s)
        close(total[keep], fast["EXGR"][s][keep], scale, "adding up")
    # source- and sink-based agree on DVA + DDC and on FVA + FDC per flow (BM 2023), not term by term
    src = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G)
    dom = ("VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC")
    close(sum(fast[n] for n in dom), sum(src[n] for n in dom), scale, "domestic")
    close(sum(fast[n] for n in brute.BM[7:]), sum(src[n] for n in brute.BM[7:]), scale, "foreign")
    assert not np.allclose(fast["VAX4"], src["VAX4"])


def test_miroudot_ye_is_borin_mancini_applied_to_the_gross_flow(world):
    for perimeter in (Perimeter(), Perimeter((1, 3)), Perimeter(None, (0,))):
        my = tiva.my_arrays(world.A, world.Y, world.v, world.Z, world.G, perimeter=perimeter)
        bm = borin_mancini.bm_src_terms(world.A, world.Y, world.v, world.x, world.Z, world.G, perimeter=perimeter)
        std = borin_mancini.bm_standard(bm)
        scale = np.abs(bm["EXGR"]).max()
        for name in ("DVA", "FVA", "DDC", "FDC", "EXGR"):
            close(my[name], std[name] if name in std else bm[name], scale, name)
    world_ = tiva.my_arrays(world.A, world.Y, world.v, world.Z, world.G, world=True)
    scale = np.abs(world_["EXGR"]).max()
    for s in range(world.G):
        close(world_["FDC1"][s], brute.my_world_fdc1(*args(world), s), scale, f"FDC1 s={s}")
    assert (world_["FVA"] == 0).all()
    # FDC1 + FDC2 is all the foreign content (§2's FV)
    oecd = tiva.oecd_arrays(world.A, world.Y, world.v, world.x, world.Z, world.va, world.G)
    close(world_["FDC1"] + world_["FDC2"], oecd["FC"], scale, "FDC = FC")


def test_oecd_identities_and_gvc_measures(world):
    o = tiva.oecd_arrays(world.A, world.Y, world.v, world.x, world.Z, world.va, world.G)
    vectors = tiva.oecd_vectors(world.va, world.x, world.G)
    scale = np.abs(o["EXGR"]).max()
    for s in range(world.G):
        keep = positive(world, s)
        close((o["DC"] + o["FC"])[s][keep], o["EXGR"][s][keep], scale, "DC + FC = EXGR")
        close((o["EXGR_DDC"] + o["EXGR_IDC"] + o["EXGR_RIM"])[s], o["DC"][s], scale, "DC split")
        gvcb, gvcf, _ = brute.oecd_gvc(*args(world), s)
        close(o["GVCB"][s], gvcb, scale, f"GVCB s={s}")
        close(o["GVCF"][s], gvcf, scale, f"GVCF s={s}")
        # GVCB summed over origin countries is the foreign content of s's total exports
        close(o["GVCB"][s].sum(axis=1), o["FC"][s].sum(axis=1), scale, "GVCB = FC")
        # imports mirror exports; domestic flows only in the own column
        close(o["IMGR"][s], o["EXGR"][:, :, s].T, scale, "IMGR")
        assert (np.delete(o["DOM"][s], s, axis=1) == 0).all()
    # value added of final demand: every country's GDP is absorbed somewhere
    close(o["FD_VA"].sum(axis=(1, 2))[world.x.reshape(world.G, -1).sum(axis=1) > 0],
          world.va.reshape(world.G, -1).sum(axis=1), np.abs(world.va).max(), "Σ FD_VA = GDP")
    np.testing.assert_array_equal(vectors["VA"], world.va.reshape(world.G, world.N))


def test_participation_equals_brute_force(world):
    p = tiva.participation_arrays(world.A, world.Y, world.v, world.Z, world.G)
    o = tiva.oecd_arrays(world.A, world.Y, world.v, world.x, world.Z, world.va, world.G)
    scale = np.abs(p["E"]).max()
    for s in range(world.G):
        _, _, vs1 = brute.oecd_gvc(*args(world), s)
        close(p["VS1"][s], vs1, scale, f"VS1 s={s}")
    close(p["VS"], o["FC"].sum(axis=2), scale, "VS = FC")
    exported = p["E"] != 0
    assert np.isnan(p["GVC_participation"][~exported]).all() and np.isfinite(p["GVC_participation"][exported]).all()


def test_kww_terms_add_up_and_map_wwz(world):
    frame = decompose.kww(world)
    assert list(frame.columns) == [*KEYS, "EXGR", *decompose.KWW_TERMS]
    zero = {world.label(k) for k in np.flatnonzero(world.zero_output)}
    keep = ~(frame["exporter"] + "/" + frame["exporter_sector"]).isin(zero)
    total = frame.loc[keep, list(decompose.KWW_TERMS)].sum(axis=1)
    np.testing.assert_allclose(total, frame.loc[keep, "EXGR"], rtol=1e-10, atol=1e-12)
    ww = decompose.wwz(world)
    np.testing.assert_allclose(frame["DVA_INTrex"], ww["DVA_INTrexF"] + ww["DVA_INTrexI2"], rtol=1e-14)
    std = decompose.kww(world, output="standard")
    np.testing.assert_allclose(std["DC"] + std["FC"], frame[list(decompose.KWW_TERMS)].sum(axis=1), rtol=1e-12)


# ----- the labelled layer ---------------------------------------------------------------------------------
def test_every_method_and_output_gives_labelled_rows(world):
    for method, outputs in decompose.METHOD_OUTPUTS.items():
        for output in outputs:
            kwargs = {"perimeter": "world"} if output == "terms2" else {}
            frame = decompose.decomposition(world, method, output=output, exporters=["KEN", "CHN"], **kwargs)
            assert set(frame.iloc[:, 0]) == {"CHN", "KEN"}, (method, output)
            assert frame.select_dtypes("number").shape[1] >= 1
            if method == "oecd":
                assert len(frame) == 2 * world.N * world.G   # own country included
            elif method != "gvc":
                assert len(frame) == 2 * world.N * (world.G - 1) and (frame["exporter"] != frame["importer"]).all()


def test_perimeter_options_by_code(world):
    frame = decompose.borin_mancini(world, ["CHN"], partners=["KEN"], sectors=["C5"])
    inside = (frame["importer"] == "KEN") & (frame["exporter_sector"] == "C5")
    numbers = frame.drop(columns=KEYS)
    assert (numbers[~inside].to_numpy() == 0).all() and (numbers[inside].abs().to_numpy() > 0).any()
    own = decompose.borin_mancini(world, ["CHN"], partners=["CHN"])      # a perimeter of nothing
    assert (own.drop(columns=KEYS).to_numpy() == 0).all()
    origin = decompose.borin_mancini(world, ["CHN"], breakdown="origin")
    assert list(origin.columns[:3]) == ["exporter", "origin_sector", "importer"]
    with pytest.raises(MRIOShapeError, match="sector C99 not in the table"):
        decompose.borin_mancini(world, ["CHN"], sectors=["C99"])
    with pytest.raises(UnknownOptionError, match="no partners or sectors"):
        decompose.miroudot_ye(world, perimeter="world", partners=["KEN"])
    with pytest.raises(UnknownOptionError, match="breakdown"):
        decompose.borin_mancini(world, breakdown="destination")


def test_decompose_command_for_every_method(world, tmp_path, capsys):
    from test_borin_mancini import write_pymrio

    from mutualism.cli import main
    from mutualism.io.sources import load_path

    write_pymrio(world, tmp_path / "data")
    data = str(tmp_path / "data")
    loaded = load_path(data, 2010)
    for method, extra in [("kww", []), ("bm_snk", ["--output", "standard"]), ("my", ["--perimeter", "world",
                          "--output", "terms2"]), ("oecd", ["--output", "tiva"]), ("gvc", []),
                          ("bm_src", ["--partners", "KEN,PAK", "--sectors", "C4", "--breakdown", "origin"])]:
        out = tmp_path / f"{method}.parquet"
        assert main(["decompose", "--method", method, "--mrio", data, "--year", "2010", "--exporters", "CHN",
                     "--out", str(out), *extra]) == 0, capsys.readouterr().err
        back = pd.read_parquet(out)
        options = dict(zip(extra[::2], extra[1::2]))
        expected = decompose.decomposition(
            loaded, method, exporters=["CHN"], output=options.get("--output"),
            partners=options["--partners"].split(",") if "--partners" in options else None,
            sectors=options["--sectors"].split(",") if "--sectors" in options else None,
            breakdown=options.get("--breakdown", "exporting"), perimeter=options.get("--perimeter", "country"))
        pd.testing.assert_frame_equal(back, expected, check_exact=False, rtol=1e-12, atol=1e-12)
    capsys.readouterr()
    assert main(["decompose", "--method", "oecd", "--partners", "KEN", "--mrio", data, "--year", "2010",
                 "--out", str(tmp_path / "x.parquet")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "partners" in err and not (tmp_path / "x.parquet").exists()
