"""Readers, cache and the `validate` command (METHODS §1, §7) on real WIOD 2013 and toy systems."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pymrio
import pytest

from mutualism.core import resources
from mutualism.io import sources
from mutualism.cli import main
from mutualism.core.config import Params
from mutualism.core.errors import DataNotFoundError, MRIOShapeError, MRIOValueError, UnknownOptionError

from conftest import WIOD, needs_shared, random_blocks

WIOD_YEARS = list(range(1995, 2012))


def toy_iosystem(year=2010, seed=1):
    """A 3-country × 2-sector pymrio system with two final-demand categories."""
    Z, Y = random_blocks(G=3, N=2, K=2, seed=seed, negative_fd=False)
    idx = pd.MultiIndex.from_product([["CHN", "ROM", "RoW"], ["a", "b"]], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([["CHN", "ROM", "RoW"], ["hh", "inv"]], names=["region", "category"])
    x = pd.DataFrame({"indout": Z.sum(1) + Y.sum(1)}, index=idx)
    io = pymrio.IOSystem(Z=pd.DataFrame(Z, idx, idx), Y=pd.DataFrame(Y, idx, cols), x=x, name="toy")
    io.meta.change_meta("year", year)
    return io


@needs_shared
@pytest.mark.parametrize("year", WIOD_YEARS)
def test_every_wiod_year_loads_validates_and_aggregates(year):
    raw = sources.load_pymrio_folder(WIOD, year)  # balance="check": must pass METHODS §1
    assert raw.n == 1435 and raw.countries[-1] == "ROW" and "ROU" in raw.countries
    io = pymrio.load(WIOD / str(year))
    assert np.isclose(raw.Z.sum(), io.Z.to_numpy().sum(), rtol=1e-14)
    assert np.isclose(raw.Y.sum(), io.Y.to_numpy().sum(), rtol=1e-14)
    agg = sources.apply_concordance(raw, "wiod2013")
    assert agg.N == 22 and agg.sectors[2:10] == ("C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11")
    for name in ("Z", "Y", "Y_detail"):  # the raw blocks' totals survive aggregation
        assert np.isclose(getattr(agg, name).sum(), getattr(raw, name).sum(), rtol=1e-13), name
    # METHODS §1/§7: the closure is applied to the aggregate, checked against an independent
    # aggregation of pymrio's own Z and Y with pandas (raw rows summed, then clipped at 0)
    Z_agg, Y_agg = _independent_aggregate(io, year)
    x_ind = (Z_agg.sum(axis=1) + Y_agg.sum(axis=1)).clip(lower=0).to_numpy()
    np.testing.assert_allclose(agg.Z, Z_agg.to_numpy(), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(agg.x, x_ind, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(agg.va, x_ind - Z_agg.sum(axis=0).to_numpy(), rtol=1e-12, atol=1e-7)
    # WIOD's published output agrees with the row sums within METHODS §1's tolerances
    assert raw.meta["balance_failures"] == [] and "x" in raw.meta["published"]


def _independent_aggregate(io, year):
    """WIOD's raw Z and Y (destination totals) summed by the wiod2013 concordance with pandas,
    rows and columns in the order of the aggregated MRIO (country-major, Eora26 sector order)."""
    conc = pd.read_csv(resources.data_file("concordance_wiod2013.csv"))
    mapping = dict(zip(conc["source"], conc["target"]))
    order = [c for c in pd.read_csv(resources.data_file("sectors_eora26.csv"))["code"] if c in set(conc["target"])]
    regions = list(dict.fromkeys(io.Z.index.get_level_values(0)))
    regions = ["ROU" if r == "ROM" else "ROW" if r == "RoW" else r for r in regions]

    def relabel(index):
        return pd.MultiIndex.from_tuples([({"ROM": "ROU", "RoW": "ROW"}.get(r, r), mapping[s]) for r, s in index])

    Z = io.Z.copy()
    Z.index, Z.columns = relabel(Z.index), relabel(Z.columns)
    Z = Z.T.groupby(level=[0, 1]).sum().T.groupby(level=[0, 1]).sum()
    Y = io.Y.T.groupby(level=0).sum().T
    Y.index = relabel(Y.index)
    Y = Y.groupby(level=[0, 1]).sum()
    full = pd.MultiIndex.from_product([regions, order])
    return Z.reindex(index=full, columns=full), Y.reindex(index=full)


@needs_shared
def test_wiod_2011_closes_on_every_aggregated_cell_with_output():
    """METHODS §1/§7: x = Z·1 + Y·1 on every aggregated cell with x > 0; LUX C5 and C7 missed
    it by 1 and 2,631 when raw sectors were closed before summing (raw c5/c8 negative)."""
    raw = sources.load_pymrio_folder(WIOD, 2011)
    agg = sources.apply_concordance(raw, "wiod2013")
    positive = agg.x > 0
    rows = agg.Z.sum(axis=1) + agg.Y.sum(axis=1)
    gap = np.abs(agg.x - rows)[positive]
    assert gap.max() <= 1e-9 * agg.x[positive].max(), gap.max()
    lux = agg.countries.index("LUX") * agg.N
    for sector in ("C5", "C7"):
        k = lux + agg.sectors.index(sector)
        assert agg.x[k] > 0 and agg.x[k] == pytest.approx(rows[k], rel=1e-14)
    # the raw table had the negative row sums that broke the old order of operations
    raw_rows = raw.Z.sum(axis=1) + raw.Y.sum(axis=1)
    raw_lux = raw.countries.index("LUX") * raw.N
    assert raw_rows[raw_lux + raw.sectors.index("c5")] < 0 or raw_rows[raw_lux + raw.sectors.index("c8")] < 0


@needs_shared
def test_missing_year_lists_available_years():
    with pytest.raises(DataNotFoundError, match=r"no pymrio table for 2015; available years: \['1995', .*'2011'\]"):
        sources.load_year("pymrio", 2015, WIOD)


def test_unknown_source_lists_valid_ones():
    with pytest.raises(UnknownOptionError, match="source='eora' is not valid; choose one of: 'synthetic', 'eora26', 'pymrio'"):
        sources.load_year("eora", 2010, "x")


def test_from_pymrio_normalises_codes_and_compares_published_output():
    m = sources.from_pymrio(toy_iosystem(), source="toy")
    assert m.countries == ("CHN", "ROU", "ROW") and m.year == 2010
    assert m.Y_detail.shape == (6, 6) and m.fd_categories == ("hh", "inv")
    assert any("ROM" in d for d in m.meta["derived"])


def test_from_pymrio_label_mismatch_is_named():
    io = toy_iosystem()
    io.Y.index = pd.MultiIndex.from_tuples([("CHN", "a"), ("CHN", "b"), ("ROM", "a"), ("ROM", "b"), ("RoW", "a"),
                                            ("RoW", "zz")], names=["region", "sector"])
    with pytest.raises(MRIOShapeError, match=r"toy 2010: Y rows and Z rows have different labels.*'zz'"):
        sources.from_pymrio(io, source="toy")


def test_saved_folder_with_nan_fails_validation_with_location(tmp_path, capsys):
    io = toy_iosystem(year=2007)
    io.Z.iloc[1, 4] = np.nan
    io.save_all(tmp_path / "2007", table_format="parquet")
    with pytest.raises(MRIOValueError, match=r"Z has 1 NaN/inf cells, e\.g\. \(CHN/b, ROW/a\)"):
        sources.load_pymrio_folder(tmp_path, 2007)
    assert main(["validate", str(tmp_path), "--year", "2007"]) == 1
    assert "INVALID" in capsys.readouterr().out


@needs_shared
def test_validate_command_reports_real_table(capsys):
    assert main(["validate", str(WIOD), "--year", "2011", "--concordance", "wiod2013"]) == 0
    out = capsys.readouterr().out
    assert "41 countries × 22 sectors" in out and "zero-output sectors:" in out and "valid: all checks pass" in out


def test_cache_round_trip_and_invalidation(tmp_path):
    io = toy_iosystem(year=2012)
    io.save_all(tmp_path / "data" / "2012", table_format="parquet")
    cache = tmp_path / "cache"
    first = sources.load_year("pymrio", 2012, tmp_path / "data", cache_dir=cache)
    files = list((cache / "tables").glob("*.npz"))
    assert len(files) == 1 and not list((cache / "tables").glob("*.tmp"))
    second = sources.load_year("pymrio", 2012, tmp_path / "data", cache_dir=cache)
    assert "from_cache" in second.meta
    for name in ("Z", "Y", "va", "x", "Y_detail"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert second.countries == first.countries and second.fd_categories == first.fd_categories
    # touching a source file keeps its content, hence the entry (the key hashes content)
    z = tmp_path / "data" / "2012" / "Z.parquet"
    os.utime(z, ns=(z.stat().st_atime_ns, z.stat().st_mtime_ns + 10**9))
    assert "from_cache" in sources.load_year("pymrio", 2012, tmp_path / "data", cache_dir=cache).meta
    # a changed table is parsed again into a new entry
    changed = toy_iosystem(year=2012, seed=2)
    changed.save_all(tmp_path / "data" / "2012", table_format="parquet")
    third = sources.load_year("pymrio", 2012, tmp_path / "data", cache_dir=cache)
    assert "from_cache" not in third.meta and len(list((cache / "tables").glob("*.npz"))) == 2
    assert not np.array_equal(third.Z, first.Z)
    # another concordance is another entry as well
    k1 = sources.cache_key("pymrio", 2012, tmp_path / "data", concordance=None)
    k2 = sources.cache_key("pymrio", 2012, tmp_path / "data", concordance="wiod2013")
    assert k1 != k2


def test_interrupted_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.bin"

    def crash(tmp):
        with open(tmp, "wb") as fh:
            fh.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sources.atomic_write(target, crash)
    assert list(tmp_path.iterdir()) == []


def test_iter_years_is_lazy(tmp_path):
    for y in (2001, 2002):
        toy_iosystem(year=y, seed=y).save_all(tmp_path / str(y), table_format="parquet")
    it = sources.iter_years("pymrio", [2001, 2002, 2003], tmp_path)
    assert next(it).year == 2001 and next(it).year == 2002
    with pytest.raises(DataNotFoundError, match=r"available years: \['2001', '2002'\]"):
        next(it)


@pytest.mark.parametrize("changes, message", [
    ({"fva": "hiy"}, "fva='hiy' is not valid; choose one of: 'leontief', 'wwz'"),
    ({"itr": "routes4"}, "itr='routes4' is not valid"),
    ({"partners": "bri 64"}, "partners='bri 64' is not valid"),
    ({"winsor": 0.7}, "winsor=0.7 is not valid"),
    ({"years": "2020-2002"}, "the first year is after the last"),
    ({"source": "eora26"}, "data_path is required when source='eora26'"),
    ({"cov_type": "HC3"}, "cov_type='HC3' is not valid"),
])
def test_params_reject_invalid_values_by_name(changes, message):
    with pytest.raises(UnknownOptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Params(**changes)


def test_params_yaml_and_years(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("years: 2003-2005\npartners: PAK, KEN\nfva: wwz\n")
    p = Params.from_yaml(f)
    assert p.years == (2003, 2004, 2005) and p.load_years == (2002, 2003, 2004, 2005)
    assert p.partner_list == ["PAK", "KEN"] and "fva=wwz" in p.describe()
    f.write_text("yeras: 2003-2005\n")
    with pytest.raises(UnknownOptionError, match=r"unknown parameter 'yeras'; did you mean 'years'\?"):
        Params.from_yaml(f)


def test_eora26_layout_round_trip_through_the_loader(tmp_path):
    """The Eora26 path, tested without Eora: synth → Eora26 text files → pymrio → MRIO."""
    import zipfile

    from mutualism.io.synthetic import make_mrio, write_world

    write_world(tmp_path / "eora", size="small", years=[2012], seed=7, format="eora26")
    assert sources.detect_source(tmp_path / "eora") == "eora26"
    assert sources.eora26_years(tmp_path / "eora") == [2012]
    truth = make_mrio(2012, size="small", seed=7)
    loaded = sources.load_eora26(tmp_path / "eora", 2012)  # the fast (Arrow) reader
    via_pymrio = sources.load_eora26(tmp_path / "eora", 2012, reader="pymrio")
    for m in (loaded, via_pymrio):
        assert m.countries == truth.countries and m.sectors == truth.sectors  # C1…C26, ISO3
        assert m.fd_categories == truth.fd_categories and "va" in m.meta["published"]
    for name in ("Z", "Y", "va", "x", "Y_detail"):
        assert np.array_equal(getattr(loaded, name), getattr(truth, name)), name  # %.17g read back exactly
        # pandas' default float parser (inside pymrio) is accurate to about 1e-12 only
        assert np.allclose(getattr(via_pymrio, name), getattr(truth, name), rtol=1e-11, atol=1e-9), name
    # the discrepancy row and column are dropped, and what they held is recorded
    assert loaded.meta["eora_dropped"]["T row"] != 0 and via_pymrio.meta["eora_dropped"]
    # the same year from a zip, as Eora distributes it
    folder = tmp_path / "eora" / "2012"
    archive = tmp_path / "zipped" / "Eora26_2012_bp.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    from_zip = sources.load_year("eora26", 2012, tmp_path / "zipped")
    assert np.array_equal(from_zip.Z, loaded.Z)
    with pytest.raises(DataNotFoundError, match=r"no Eora26 bp table for 2013; available years: \[2012\]"):
        sources.load_year("eora26", 2013, tmp_path / "eora")


def test_synthetic_world_written_by_synth_is_read_back(tmp_path):
    from mutualism.io.synthetic import make_mrio

    assert main(["synth", "--size", "small", "--years", "2010-2011", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert sources.detect_source(tmp_path) == "pymrio"
    back = sources.load_year("synthetic", 2011, tmp_path)
    truth = make_mrio(2011, size="small", seed=3)
    assert np.allclose(back.Z, truth.Z, rtol=1e-14) and back.countries == truth.countries
