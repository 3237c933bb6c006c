"""The one cache (mutualism.core.cache): keys follow the content of the inputs, the reference
data and the library source; damaged entries are reported, deleted and recomputed."""

from __future__ import annotations

import os
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutualism.core import cache
from mutualism.book import runs
from mutualism.core.config import Params
from mutualism.gvc.indices import year_cache_file, YearTask, compute_indices
from mutualism.io.sources import cache_key, load_year
from mutualism.io.synthetic import write_world

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pymrio_world(tmp_path_factory) -> Path:
    """The small synthetic world for 2011–2012 as pymrio saved folders."""
    out = tmp_path_factory.mktemp("world") / "pymrio"
    write_world(out, years=[2011, 2012], format="pymrio")
    return out


@pytest.fixture(scope="module")
def eora_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world") / "eora"
    write_world(out, years=[2011], format="eora26")
    return out


def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` by ``new`` (same length) and put the mtime back."""
    assert len(old) == len(new)
    stat = path.stat()
    data = path.read_bytes()
    assert old in data
    time.sleep(0.05)  # a later ctime tick than the one the digest was recorded with
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_file_digest_follows_content_even_when_size_and_mtime_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)  # record digests at once (no racy window)
    monkeypatch.setattr(cache, "_memory_index", {})
    f = tmp_path / "table.txt"
    f.write_bytes(b"1.25\t2.50\n")
    index = tmp_path / "cache"
    first = cache.file_digest(f, index)
    assert (index / "digests.json").exists() and cache.file_digest(f, index) == first
    _edit_keeping_size_and_mtime(f, b"2.50", b"2.51")
    assert cache.file_digest(f, index) == cache.content_digest(f) != first
    monkeypatch.setattr(cache, "_memory_index", {})  # a new process: only the side index
    assert cache.file_digest(f, index) == cache.content_digest(f)


def test_table_cache_serves_an_edit_that_keeps_size_and_mtime_fresh(eora_world, tmp_path):
    store = tmp_path / "cache"
    before = load_year("eora26", 2011, eora_world, cache_dir=store)
    assert load_year("eora26", 2011, eora_world, cache_dir=store).meta.get("from_cache")
    t_file = eora_world / "2011" / "Eora26_2011_bp_T.txt"
    first_value = t_file.read_bytes().split(b"\t", 1)[0]
    at = first_value.index(b".") + 4  # the fourth decimal: a change far above rounding
    edited = first_value[:at] + str((int(first_value[at:at + 1]) + 1) % 10).encode() + first_value[at + 1:]
    _edit_keeping_size_and_mtime(t_file, first_value, edited)
    after = load_year("eora26", 2011, eora_world, cache_dir=store)
    fresh = load_year("eora26", 2011, eora_world)
    np.testing.assert_array_equal(after.Z, fresh.Z)
    assert after.Z[0, 0] != before.Z[0, 0]


def test_replacing_a_year_by_another_recomputes_indices_and_results(pymrio_world, tmp_path):
    """The issue's repro: 2012's Z/Y/x replaced by 2011's, same cache_dir → new numbers."""
    world = tmp_path / "world"
    shutil.copytree(pymrio_world, world)
    params = Params(source="pymrio", data_path=str(world), years=[2012], cache_dir=str(tmp_path / "cache"),
                    bootstrap_reps=0)
    before = compute_indices(params, progress=False)
    key_before = runs.results_key(params)
    for name in ("Z.parquet", "Y.parquet", "x.parquet", "factor_inputs/F.parquet"):
        target = world / "2012" / name
        stat = target.stat()
        shutil.copyfile(world / "2011" / name, target)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = compute_indices(params, progress=False)
    fresh = compute_indices(params.with_(cache_dir=str(tmp_path / "fresh")), progress=False)
    pd.testing.assert_frame_equal(after, fresh)
    assert not np.allclose(after["RH"], before["RH"])
    assert runs.results_key(params) != key_before


def test_an_edit_of_the_reference_data_changes_every_key(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("MUTUALISM_DATA_DIR", str(data))
    params = Params(years=[2012], cache_dir=str(tmp_path / "cache"))
    keys = (cache_key("synthetic", 2012), year_cache_file(YearTask(params, 2012, False)), runs.results_key(params))
    with open(data / "countries.csv", "a") as fh:
        fh.write("\n")
    again = (cache_key("synthetic", 2012), year_cache_file(YearTask(params, 2012, False)), runs.results_key(params))
    assert all(a != b for a, b in zip(keys, again))


def test_an_edit_of_the_library_source_changes_the_keys_that_depend_on_it(tmp_path, monkeypatch):
    params = Params(years=[2012], cache_dir=str(tmp_path / "cache"))
    read = cache._read_source

    def keys():
        return (cache_key("synthetic", 2012), year_cache_file(YearTask(params, 2012, False)), runs.results_key(params))

    before = keys()
    monkeypatch.setattr(cache, "_read_source", lambda m: read(m) + (b"\n# edited\n" if m == "gvc.indices" else b""))
    edited = keys()
    assert edited[0] == before[0]  # parsing a table does not use the indices' code
    assert edited[1] != before[1] and edited[2] != before[2]
    monkeypatch.setattr(cache, "_read_source", lambda m: read(m) + (b"\n# edited\n" if m == "gvc.leontief" else b""))
    assert keys()[1] != before[1]  # a module the indices import counts too
    assert "gvc.leontief" in cache.module_closure("gvc.indices") and not any(m.startswith("book") for m in cache.module_closure("gvc.indices"))


@pytest.mark.parametrize("damage", ["truncate", "no checksum", "other values"])
def test_a_damaged_table_entry_is_reported_in_one_line_and_recomputed(tmp_path, damage):
    store = tmp_path / "cache"
    good = load_year("synthetic", 2012, cache_dir=store)
    (entry,) = (store / "tables").glob("*.npz")
    if damage == "truncate":
        entry.write_bytes(entry.read_bytes()[:100])
    elif damage == "no checksum":
        Path(str(entry) + cache.CHECKSUM_SUFFIX).unlink()
    else:
        with np.load(entry) as d:
            arrays = {k: d[k] for k in d.files}
        arrays["Z"] = arrays["Z"] * 2
        with open(entry, "wb") as fh:
            np.savez(fh, **arrays)
    with pytest.warns(cache.CacheWarning) as caught:
        again = load_year("synthetic", 2012, cache_dir=store)
    (w,) = caught
    message = str(w.message)
    assert str(entry) in message and "recomputed" in message
    printed = warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line)
    assert printed.count("\n") == 1  # what stderr shows: one line
    np.testing.assert_array_equal(again.Z, good.Z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rewritten entry is served silently
        assert load_year("synthetic", 2012, cache_dir=store).meta.get("from_cache")


def test_a_damaged_indices_entry_is_never_served(tmp_path):
    params = Params(years=[2012], cache_dir=str(tmp_path / "cache"))
    good = compute_indices(params, progress=False)
    entry = year_cache_file(YearTask(params, 2012, False))
    frame = pd.read_parquet(entry)
    frame["RH"] = frame["RH"] + 1.0  # a valid parquet with other values
    frame.to_parquet(entry, index=False)
    with pytest.warns(cache.CacheWarning, match="does not match its checksum"):
        again = compute_indices(params, progress=False)
    pd.testing.assert_frame_equal(again, good)
    entry.write_bytes(entry.read_bytes()[:50])
    Path(str(entry) + cache.CHECKSUM_SUFFIX).write_text(cache.content_digest(entry))  # checksum of the damage
    with pytest.warns(cache.CacheWarning, match="cannot be read"):
        pd.testing.assert_frame_equal(compute_indices(params, progress=False), good)


def test_results_key_follows_the_parameters(tmp_path):
    params = Params(years=[2012], cache_dir=str(tmp_path))
    assert runs.results_key(params) == runs.results_key(Params(years=[2012], cache_dir=str(tmp_path)))
    assert runs.results_key(params) != runs.results_key(params.with_(winsor=0.05))
    assert runs.results_key(Params(years=[2010, 2012])) != runs.results_key(Params(years="2010-2012"))


def test_parallel_years_give_the_numbers_of_one_process(tmp_path):
    params = Params(years="2011-2013", bootstrap_reps=0)
    one = compute_indices(params.with_(cache_dir=str(tmp_path / "one")), n_jobs=1, progress=False)
    two = compute_indices(params.with_(cache_dir=str(tmp_path / "two")), n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(one, two, check_exact=False, rtol=1e-12, atol=0)
    assert one.attrs["missing"] == two.attrs["missing"]


def test_a_truncated_results_entry_is_recomputed_not_fatal(tmp_path):
    """The run results go through the same cache.cached (joblib entries)."""
    import joblib

    calls = []

    def compute():
        calls.append(1)
        return {"value": np.arange(5.0)}

    path = tmp_path / "results" / "results-key.joblib"
    options = dict(save=lambda value, tmp: joblib.dump(value, tmp), load=joblib.load)
    first = cache.cached(path, compute, **options)
    assert cache.cached(path, compute, **options)["value"].tolist() == first["value"].tolist() and len(calls) == 1
    path.write_bytes(path.read_bytes()[:20])
    with pytest.warns(cache.CacheWarning, match="does not match its checksum"):
        again = cache.cached(path, compute, **options)
    assert again["value"].tolist() == first["value"].tolist() and len(calls) == 2


def test_run_results_follow_a_replaced_year(pymrio_world, tmp_path):
    """The chapters' cached results (runs.run_results) after 2012's tables are replaced by
    2011's in the same folder and cache: the new numbers, not the old ones."""
    world = tmp_path / "world"
    shutil.copytree(pymrio_world, world)
    params = Params(source="pymrio", data_path=str(world), controls_path=str(world / "controls"), years=[2012],
                    cache_dir=str(tmp_path / "cache"), bootstrap_reps=0)
    before = runs.run_results(params)
    assert runs.run_results(params).paper.column(1, 1).params.equals(before.paper.column(1, 1).params)
    for name in ("Z.parquet", "Y.parquet", "x.parquet", "factor_inputs/F.parquet"):
        target = world / "2012" / name
        stat = target.stat()
        shutil.copyfile(world / "2011" / name, target)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = runs.run_results(params)
    fresh = compute_indices(params.with_(cache_dir=str(tmp_path / "fresh")), progress=False)
    pd.testing.assert_frame_equal(after.indices, fresh)
    assert not np.allclose(after.indices["RH"], before.indices["RH"])
    assert not np.allclose(after.panel.data["lnRH"], before.panel.data["lnRH"], equal_nan=True)
    # 2012 is now 2011 again: no growth, so XT (and every table that needs it) is gone
    assert after.indices["XT"].isna().all() and not before.indices["XT"].isna().all()
    assert "1" in before.paper.tables and "1" in after.paper.failures
