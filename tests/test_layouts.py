"""OECD ICIO and EXIOBASE 3 layouts (mutualism.io.layouts): a small synthetic instance of each
is written in the release's layout, read back through pymrio's own parser and
``sources.load_path``, and equals the table it was written from; the decompositions run on
it; the streamed parquet writer equals the in-memory frame. The full sizes (81 × 45 and
49 × 200) are exercised by bench/bench_scale.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mutualism.gvc import decompose
from mutualism.io import layouts
from mutualism.core.errors import InputFileError
from mutualism.io.sources import load_path

ICIO_SMALL = ("AUS", "CHN", "MEX", "PAK", "KAZ", "ROW")
EXIO_SMALL = ("AT", "CN", "US", "RU", "WA")


@pytest.fixture(scope="module")
def icio(tmp_path_factory):
    world = layouts.icio_world(2019, countries=ICIO_SMALL)
    folder = tmp_path_factory.mktemp("icio")
    return world, layouts.write_icio(world, folder)


@pytest.fixture(scope="module")
def exio(tmp_path_factory):
    world = layouts.exiobase_world(2018, regions=EXIO_SMALL)
    return world, layouts.write_exiobase(world, tmp_path_factory.mktemp("exio") / "IOT_2018_pxp")


def test_icio_layout_reads_back_with_the_splits_merged(icio):
    world, path = icio
    assert path.name == "ICIO2023_2019.csv" and layouts.detect_layout(path) == "icio"
    assert layouts.detect_layout(path.parent) == "icio"
    header = path.read_text().splitlines()[0].split(",")
    assert "CN1_C26" in header and "CHN_HFCE" in header and header[-1] == "OUT"   # the release's layout
    m = load_path(path.parent, 2019)
    # pymrio's parser sorts the labels (pandas Index.difference)
    assert m.countries == tuple(sorted(ICIO_SMALL)) and m.sectors == tuple(sorted(layouts.ICIO_INDUSTRIES))
    assert m.meta["source"] == "OECD ICIO"
    # China's rows and columns are CHN + CN1 + CN2 of the written table (pymrio merges them)
    G, N = len(world.regions), len(world.sectors)
    order = np.argsort(world.sectors)
    Z4 = world.Z.reshape(G, N, G, N)[:, order][:, :, :, order]
    china = [world.regions.index(c) for c in ("CHN", "CN1", "CN2")]
    mexico = [world.regions.index(c) for c in ("MEX", "MX1", "MX2")]
    aus = world.regions.index("AUS")
    c, a = m.country_pos("CHN"), m.country_pos("AUS")
    got = m.Z.reshape(m.G, N, m.G, N)
    np.testing.assert_allclose(got[c, :, a, :], Z4[china][:, :, aus, :].sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(got[a, :, c, :], Z4[aus][:, china, :].sum(axis=1), rtol=1e-14)
    np.testing.assert_allclose(m.Z.sum(), world.Z.sum(), rtol=1e-14)
    assert mexico  # the splits of Mexico are in the file too
    # closed by §1, checked against the published output and TLS + VA: no gap beyond rounding
    np.testing.assert_allclose(m.x.sum(), world.x.sum(), rtol=1e-13)
    assert all(g["relative"] < 1e-12 for g in m.meta["worst_gaps"])


def test_icio_empty_cell_is_refused_naming_it(icio, tmp_path):
    _, path = icio
    lines = path.read_text().splitlines()
    cells = lines[5].split(",")
    cells[7] = ""
    lines[5] = ",".join(cells)
    bad = tmp_path / "ICIO2023_2019.csv"
    bad.write_text("\n".join(lines) + "\n")
    header = lines[0].split(",")
    with pytest.raises(InputFileError, match=rf"empty cell\(s\) in column '{header[7]}', first on row "
                                             rf"'{cells[0]}' \(line 6\)"):
        load_path(bad, 2019)


def test_exiobase_layout_reads_back_in_iso3(exio):
    world, folder = exio
    assert layouts.detect_layout(folder) == "exiobase"
    assert (folder / "A.txt").exists() and not (folder / "Z.txt").exists()      # as the release: no Z
    m = load_path(folder, 2018)
    assert m.countries == ("AUT", "CHN", "USA", "RUS", "WA") and m.N == 200
    assert any("'WA'" in note for note in m.meta["notes"])                       # a rest-of-world region, named
    np.testing.assert_allclose(m.Z, world.Z, rtol=1e-12, atol=1e-9 * world.Z.max())
    np.testing.assert_allclose(m.x, world.x, rtol=1e-12, atol=1e-9 * world.x.max())
    assert m.meta["va_published_from"] == "factor_inputs"
    assert m.zero_output.sum() == 3                                              # WA's first three products


def test_decompositions_run_on_both_layouts_and_stream_to_parquet(icio, exio, tmp_path):
    for path, year in ((icio[1].parent, 2019), (exio[1], 2018)):
        m = load_path(path, year)
        frame = decompose.borin_mancini(m)
        zero = {m.label(k) for k in np.flatnonzero(m.zero_output)}
        keep = ~(frame["exporter"] + "/" + frame["exporter_sector"]).isin(zero)
        total = frame.loc[keep, list(decompose.BM_TERMS)].sum(axis=1)
        np.testing.assert_allclose(total, frame.loc[keep, "EXGR"], rtol=1e-9, atol=1e-9 * frame["EXGR"].max())
        for method in ("bm_src", "wwz"):
            out = tmp_path / f"{method}_{year}.parquet"
            rows = decompose.write_decomposition(m, method, out, batch=2)
            expected = decompose.decomposition(m, method)
            back = pd.read_parquet(out)
            assert rows == len(expected) and pq_row_groups(out) == -(-m.G // 2)   # one row group per batch
            pd.testing.assert_frame_equal(back, expected, check_exact=False, rtol=1e-13, atol=1e-13)


def pq_row_groups(path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).num_row_groups


def test_decompose_command_reads_an_icio_file(icio, tmp_path, capsys):
    from mutualism.cli import main

    _, path = icio
    out = tmp_path / "gvc.csv.gz"
    assert main(["decompose", "--method", "gvc", "--mrio", str(path), "--year", "2019", "--out", str(out)]) == 0
    back = pd.read_csv(out, keep_default_na=False)
    assert len(back) == len(ICIO_SMALL) * 45 and set(back["exporter"]) == set(ICIO_SMALL)
    assert main(["validate", str(path), "--year", "2019"]) == 0
    assert "OECD ICIO 2019" in capsys.readouterr().out
