"""Every bad input of issue 9 is refused with one line naming what and where; nothing is lost.

Each test runs the command line (in-process through ``cli.main`` where possible, a
subprocess where signals are needed) on small worlds written by ``mutualism synth`` and
asserts: the exit code (errors.EXIT_*), that the message names the file / year / parameter,
that no traceback is printed, and that no existing file changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mutualism import cli
from mutualism.core import errors
from mutualism.core.fileio import atomic_write_text, umask_mode

from conftest import REPO, WIOD, needs_shared

YEAR = 2004


# ----- helpers ---------------------------------------------------------------------------------
def snapshot(folder: Path) -> dict[str, str]:
    """Content hash of every file under ``folder`` (and nothing else there)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def one_error(err: str) -> str:
    """The single ``mutualism: error:`` line of stderr (progress bars and notes aside)."""
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("mutualism: error:")]
    assert len(lines) == 1, err
    assert len(lines[0]) < 1200, lines[0]  # never a 22 kB row
    return lines[0]


def expect_error(capsys, pattern: str, *argv, code: int = errors.EXIT_INPUT, watch: Path | None = None) -> str:
    before = snapshot(watch) if watch is not None else None
    got, out, err = run(capsys, *argv)
    assert got == code, (out, err)
    line = one_error(err)
    assert pd.Series([line]).str.contains(pattern, regex=True).iloc[0], line
    if watch is not None:
        assert snapshot(watch) == before
    return line


def expect_invalid(capsys, pattern: str, path: Path, year: int = YEAR) -> str:
    """``validate`` on a broken table: exit 1 and one INVALID line naming file and year."""
    before = snapshot(path if path.is_dir() else path.parent)
    got, out, err = run(capsys, "validate", path, "--year", year)
    assert got == errors.EXIT_INVALID, (out, err)
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("INVALID: ") and len(lines[0]) < 1200, out
    assert pd.Series([lines[0]]).str.contains(pattern, regex=True).iloc[0], lines[0]
    assert snapshot(path if path.is_dir() else path.parent) == before
    return lines[0]


def refused_by_validate_and_indices(capsys, pattern: str, pymrio_copy: Path, tmp_path: Path) -> None:
    """A broken 2005 pymrio table: ``validate`` calls it invalid and ``indices`` refuses it,
    both with the same one-line message, and no output file is written."""
    expect_invalid(capsys, pattern, pymrio_copy, year=2005)
    out = tmp_path / "i.parquet"
    expect_error(capsys, pattern, "indices", "--source", "pymrio", "--path", pymrio_copy, "--years", "2005",
                 "--partners", "PAK", "--cache-dir", tmp_path / "c", "--out", out, watch=pymrio_copy)
    assert not out.exists()


@pytest.fixture(scope="module")
def eora_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("eora") / "world"
    assert cli.main(["synth", "--size", "small", "--years", "2004-2005", "--format", "eora26", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def pymrio_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pymrio") / "world"
    assert cli.main(["synth", "--size", "small", "--years", "2003-2005", "--out", str(out)]) == 0
    return out


@pytest.fixture
def eora_year(eora_world, tmp_path) -> Path:
    """A private copy of the Eora26 world's 2004 folder (the faults are planted in it)."""
    target = tmp_path / "eora" / str(YEAR)
    shutil.copytree(eora_world / str(YEAR), target)
    return target


def stem(name: str) -> str:
    return f"Eora26_{YEAR}_bp_{name}.txt"


# ----- Eora26 text and zip -----------------------------------------------------------------------
def test_t_file_cut_mid_row(capsys, eora_year):
    t = eora_year / stem("T")
    size = t.stat().st_size
    with open(t, "r+b") as fh:
        fh.truncate(size // 2)
    expect_invalid(capsys, rf"Eora26 {YEAR} .*{stem('T')}: line \d+ has \d+ columns, line 1 has 1041 "
                           r"\(the file ends mid-row: truncated\?\)", eora_year.parent)


def test_t_file_empty(capsys, eora_year, tmp_path):
    (eora_year / stem("T")).write_bytes(b"")
    expect_invalid(capsys, rf"Eora26 {YEAR} .*{stem('T')} is empty", eora_year.parent)
    # the same table given to a computing command is bad input (exit 2), refused in one line
    expect_error(capsys, rf"Eora26 {YEAR} .*{stem('T')} is empty", "wwz", "--mrio", eora_year.parent, "--year", YEAR,
                 "--out", tmp_path / "wwz.parquet", watch=eora_year.parent)
    assert not (tmp_path / "wwz.parquet").exists()


def test_text_in_a_numeric_cell(capsys, eora_year):
    fd = eora_year / stem("FD")
    lines = fd.read_text().splitlines(keepends=True)
    cells = lines[9].split("\t")
    cells[4] = "n/a"
    lines[9] = "\t".join(cells)
    fd.write_text("".join(lines))
    expect_invalid(capsys, rf"Eora26 {YEAR} .*{stem('FD')}: line 10, column 5: 'n/a' is not a number", eora_year.parent)


def test_commas_for_tabs_quote_at_most_80_characters(capsys, eora_year):
    fd = eora_year / stem("FD")
    fd.write_text(fd.read_text().replace("\t", ","))
    line = expect_invalid(capsys, rf"{stem('FD')}: line 1, column 1: '.{{80}}'… \([\d,]+ characters\) is not a "
                                  r"number \(the file is not tab-separated\?\)", eora_year.parent)
    assert len(line) < 400


def test_ragged_row(capsys, eora_year):
    fd = eora_year / stem("FD")
    lines = fd.read_text().splitlines(keepends=True)
    lines[99] = lines[99].split("\t", 1)[1]  # one cell fewer on line 100
    fd.write_text("".join(lines))
    expect_invalid(capsys, rf"{stem('FD')}: line 100 has 245 columns, line 1 has 246$", eora_year.parent)


@pytest.mark.parametrize("name", [stem("FD"), stem("VA"), "labels_T.txt"])
def test_missing_block_or_labels_file(capsys, eora_year, name):
    (eora_year / name).unlink()
    expect_invalid(capsys, rf"Eora26 {YEAR}: {name} not found in .*{YEAR}", eora_year.parent)


def test_labels_at_the_top_level_above_year_folders_are_found(capsys, eora_year):
    for label in eora_year.glob("labels_*.txt"):
        label.rename(eora_year.parent / label.name)
    code, out, _ = run(capsys, "validate", eora_year.parent, "--year", YEAR)
    assert code == errors.EXIT_OK and out.strip().endswith("valid: all checks pass")


def test_a_zip_that_is_not_a_zip(capsys, tmp_path):
    fake = tmp_path / f"Eora26_{YEAR}_bp.zip"
    fake.write_bytes(b"this is not a zip archive\n" * 10)
    expect_invalid(capsys, rf"{fake} \(year {YEAR}\): not a zip archive", fake)


# ----- pymrio folders ---------------------------------------------------------------------------
@pytest.fixture
def pymrio_copy(pymrio_world, tmp_path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(pymrio_world, target, ignore=shutil.ignore_patterns("controls"))
    return target


def test_y_parquet_missing(capsys, pymrio_copy):
    (pymrio_copy / str(YEAR) / "Y.parquet").unlink()
    expect_invalid(capsys, rf"{pymrio_copy / str(YEAR) / 'Y.parquet'} \(year {YEAR}\): block 'Y' listed in .* "
                           r"is missing", pymrio_copy)


def test_z_parquet_truncated(capsys, pymrio_copy):
    z = pymrio_copy / str(YEAR) / "Z.parquet"
    with open(z, "r+b") as fh:
        fh.truncate(z.stat().st_size // 3)
    expect_invalid(capsys, rf"{z} \(year {YEAR}\): block 'Z': cannot be read \(ArrowInvalid: .*Parquet",
                   pymrio_copy)


def _rewrite(folder: Path, country: str) -> None:
    """Give ``country`` zero output in the pymrio folder: its rows of Z and Y are zero, its
    published output 0 and its published value added the (negative) column residual."""
    import pymrio

    io = pymrio.load_all(folder)
    rows = io.Z.index.get_level_values(0) == country
    io.Z.loc[rows, :] = 0.0
    io.Y.loc[rows, :] = 0.0
    io.x.loc[rows, :] = 0.0
    F = io.factor_inputs.F  # published value added = the new column residuals (every buyer of CHN changed)
    residual = io.x.iloc[:, 0].to_numpy() - io.Z.sum(axis=0).to_numpy()
    F.iloc[0, :] = residual - F.iloc[1:, :].sum(axis=0).to_numpy()
    io.save_all(folder, table_format="parquet")


def test_china_with_zero_output_is_an_error_naming_the_year(capsys, pymrio_copy, tmp_path):
    _rewrite(pymrio_copy / "2004", "CHN")
    out = tmp_path / "indices.parquet"
    expect_error(capsys, r"CHN has zero total output in 2004", "indices", "--source", "pymrio", "--path", pymrio_copy,
                 "--years", "2004", "--partners", "PAK", "--cache-dir", tmp_path / "cache", "--out", out)
    assert not out.exists()
    code, text, _ = run(capsys, "validate", pymrio_copy, "--year", 2004)  # China without output is invalid
    assert code == errors.EXIT_INVALID and text.strip().splitlines()[-1] == (
        "INVALID: synthetic_2004 2004: CHN has zero total output in 2004 (every sector's x = Z·1 + Y·1 is 0); no "
        "index of CHN can be computed for that year")


def test_partner_with_zero_output_has_missing_cells_counted_in_the_summary(capsys, pymrio_copy, tmp_path):
    _rewrite(pymrio_copy / "2005", "PAK")
    out = tmp_path / "indices.parquet"
    code, _, err = run(capsys, "indices", "--source", "pymrio", "--path", pymrio_copy, "--years", "2005",
                       "--partners", "PAK,KAZ", "--cache-dir", tmp_path / "cache", "--out", out)
    assert code == errors.EXIT_OK, err
    table = pd.read_parquet(out)
    pak = table[table["partner"] == "PAK"]
    assert len(pak) == 8 and pak[["RH", "HD", "XT", "ITR", "GVC_P"]].isna().all().all()  # NaN, never 0
    assert table.loc[table["partner"] == "KAZ", ["RH", "HD", "ITR"]].notna().all().all()
    assert "note: zero output of partner (whole economy): PAK 2005 — 8 cells missing (NaN, not 0)" in err


# ----- options and parameters (checked before any table is read) ----------------------------------
def test_duplicate_partners_are_used_once_with_a_note(capsys, tmp_path):
    out = tmp_path / "i.parquet"
    code, _, err = run(capsys, "indices", "--years", "2005", "--partners", "IDN,IDN", "--cache-dir", tmp_path / "c",
                       "--out", out)
    assert code == errors.EXIT_OK
    assert "note: partners: IDN listed more than once; each is used once" in err
    table = pd.read_parquet(out)
    assert set(table["partner"]) == {"IDN"} and len(table) == 8


def test_empty_partner_set_is_an_error(capsys, tmp_path):
    expect_error(capsys, r"partners='CHN' leaves no partner", "indices", "--years", "2005", "--partners", "CHN",
                 "--cache-dir", tmp_path / "c", "--out", tmp_path / "i.parquet")
    assert not (tmp_path / "c").exists()  # refused before any table was read


@needs_shared
def test_legacy_partner_code_is_normalised_like_the_table(capsys, tmp_path):
    out = tmp_path / "i.parquet"
    code, _, err = run(capsys, "indices", "--source", "pymrio", "--path", WIOD, "--years", "2011",
                       "--concordance", "wiod2013", "--partners", "ROM,IDN", "--cache-dir", tmp_path / "c",
                       "--out", out)
    assert code == errors.EXIT_OK, err
    assert "note: partners: codes read as ROM→ROU" in err
    assert set(pd.read_parquet(out)["partner"]) == {"ROU", "IDN"}


@pytest.mark.parametrize("argv, pattern", [
    (["indices", "--years", "2005", "--jobs", "0"], r"--jobs 0: give the number of parallel processes"),
    (["indices", "--years", "2005", "--seed", "-1"], r"--seed -1: give a whole number ≥ 0"),
    (["indices", "--years", "2040-2041"], r"years: 2039 is outside the synthetic world's 1995–2030"),
    (["synth", "--years", "1990-1991"], r"years: 1990 is outside the synthetic world's 1995–2030"),
    (["estimate", "--source", "pymrio", "--path", ".", "--years", "2005"], r"--source pymrio needs --controls-path"),
])
def test_bad_options_are_refused_before_any_computing(capsys, tmp_path, argv, pattern):
    out = tmp_path / ("w" if argv[0] in ("synth", "estimate") else "i.parquet")
    t0 = time.perf_counter()
    expect_error(capsys, pattern, *argv, "--out", out, *(["--cache-dir", tmp_path / "c"] if argv[0] != "synth" else []))
    assert time.perf_counter() - t0 < 5 and not out.exists() and not (tmp_path / "c").exists()


def test_a_year_the_data_folder_lacks_is_refused_before_any_table_is_read(capsys, pymrio_world, tmp_path):
    expect_error(capsys, r"--path .*world: no table for 2006, 2007; available years: \[2003, 2004, 2005\] \(years "
                         r"2005–2007 also need 2004 for XT\)", "indices", "--source", "pymrio", "--path", pymrio_world,
                 "--years", "2005-2007", "--cache-dir", tmp_path / "c", "--out", tmp_path / "i.parquet")
    assert not (tmp_path / "c").exists()


def test_output_extension_checked_first(capsys, tmp_path):
    expect_error(capsys, r"--out '.*i\.txt': use a \.parquet, \.csv or \.csv\.gz file name", "indices", "--years",
                 "2005", "--cache-dir", tmp_path / "c", "--out", tmp_path / "i.txt")
    assert not (tmp_path / "c").exists()


def test_a_folder_that_would_be_replaced_must_be_an_earlier_output(capsys, tmp_path, monkeypatch):
    (tmp_path / "thesis.tex").write_text("years of work\n")
    monkeypatch.chdir(tmp_path)
    expect_error(capsys, r"--out '\.' is the current folder or contains it", "synth", "--years", "2004", "--out", ".",
                 watch=tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("notes\n")
    expect_error(capsys, r"--out '.*docs' exists and is not an earlier output of this command \(it has no "
                         r"controls\)", "synth", "--years", "2004", "--out", docs, watch=tmp_path)


def test_output_that_is_a_file_or_read_only(capsys, tmp_path):
    existing = tmp_path / "report.txt"
    existing.write_text("keep me\n")
    expect_error(capsys, r"--out '.*report\.txt' is a file; give a folder", "synth", "--years", "2004",
                 "--out", existing, watch=tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "old.parquet").write_text("previous\n")
    locked.chmod(0o555)
    try:
        expect_error(capsys, r"the folder .*locked is read-only", "indices", "--years", "2005", "--cache-dir",
                     tmp_path / "c", "--out", locked / "old.parquet", watch=locked)
    finally:
        locked.chmod(0o755)
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("text, pattern", [
    ("years: 2004-2005\npartners: [bri\n", r"params\.yml: YAML syntax error at line 3, column 1"),
    ("- synthetic\n- 2004\n", r"params\.yml: holds a list .* not a mapping"),
])
def test_parameter_file_errors_name_the_file_and_line(capsys, tmp_path, text, pattern):
    params = tmp_path / "params.yml"
    params.write_text(text)
    expect_error(capsys, pattern, "book", "--params", params, "--out", tmp_path / "build", watch=tmp_path)
    assert not (tmp_path / "build").exists()


# ----- control files ----------------------------------------------------------------------------
@pytest.fixture
def controls_copy(pymrio_world, tmp_path) -> Path:
    target = tmp_path / "controls"
    shutil.copytree(pymrio_world / "controls", target)
    return target


def _estimate(path, controls, out, cache, years="2004-2005"):
    return ["estimate", "--source", "synthetic", "--path", path, "--controls-path", controls, "--years", years,
            "--bootstrap-reps", "0", "--cache-dir", cache, "--out", out]


@pytest.mark.parametrize("fault, pattern", [
    ("missing column", r"wdi_panel_1990_2022\.csv: missing column\(s\) \['labor_force_total'\]"),
    ("duplicate row", r"wdi_panel_1990_2022\.csv: 1 duplicated \['iso3', 'year'\] row\(s\), e\.g\. "
                      r"\{'iso3': '\w{3}', 'year': \d{4}\} on lines 2, \d+"),
    ("n/a", r"wdi_panel_1990_2022\.csv: line 4, column 'population_total': 'n/a' is not a number"),
])
def test_control_file_faults_name_file_line_and_column(capsys, pymrio_world, controls_copy, tmp_path, fault, pattern):
    wdi = controls_copy / "wdi" / "wdi_panel_1990_2022.csv"
    frame = pd.read_csv(wdi)
    if fault == "missing column":
        frame = frame.drop(columns="labor_force_total")
    elif fault == "duplicate row":
        frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    else:
        frame["population_total"] = frame["population_total"].astype(object)
        frame.loc[2, "population_total"] = "n/a"
    frame.to_csv(wdi, index=False)
    expect_error(capsys, pattern, *_estimate(pymrio_world, controls_copy, tmp_path / "est", tmp_path / "c"),
                 watch=controls_copy)
    assert not (tmp_path / "c").exists() and not (tmp_path / "est").exists()  # before any index was computed


def test_concordance_with_a_duplicated_source_sector(capsys, eora_world, tmp_path, monkeypatch):
    from mutualism.core import resources

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    conc = pd.read_csv(data / "concordance_eora26.csv")
    dup = pd.concat([conc, conc.iloc[[4]].assign(target="C9")], ignore_index=True)
    dup.to_csv(data / "concordance_dup.csv", index=False)
    monkeypatch.setenv("MUTUALISM_DATA_DIR", str(data))
    resources.read_csv.cache_clear()
    try:
        source = conc.iloc[4]["source"]
        expect_error(capsys, rf"concordance_dup\.csv: source sector '{source}' is listed 2 times \(lines 6, "
                             rf"{len(conc) + 2}: targets C5, C9\); each source sector must map to exactly one target",
                     "validate", eora_world, "--year", YEAR, "--concordance", "dup", watch=eora_world)
    finally:
        resources.read_csv.cache_clear()


# ----- estimate: missing controls reported, folder swapped in whole ------------------------------
def test_missing_oil_year_is_reported_and_a_failed_write_keeps_the_old_folder(capsys, pymrio_world, controls_copy,
                                                                               tmp_path, monkeypatch):
    oil = controls_copy / "oil_price" / "crude_oil_annual_eia.csv"
    frame = pd.read_csv(oil)
    frame[frame["year"] != 2005].to_csv(oil, index=False)
    out, cache = tmp_path / "est", tmp_path / "cache"
    out.mkdir()
    (out / "notes.txt").write_text("not an estimate folder\n")
    expect_error(capsys, r"--out '.*est' exists and is not an earlier output of this command \(it has no "
                         r"scorecard\.csv or panel\.parquet\)", *_estimate(pymrio_world, controls_copy, out, cache),
                 watch=out)
    (out / "scorecard.csv").write_text("from an earlier run\n")
    (out / "from_an_earlier_run.txt").write_text("earlier\n")
    code, text, err = run(capsys, *_estimate(pymrio_world, controls_copy, out, cache))
    assert code == errors.EXIT_OK, err
    assert f"missing: DIS: year 2005 missing in {oil} — removes partners all, years 2005 (" in err
    written = snapshot(out)
    assert "panel.parquet" in written and "from_an_earlier_run.txt" not in written  # swapped in whole
    removals = pd.read_csv(out / "removals.csv", dtype=str)
    dis = removals[(removals["variable"] == "DIS") & removals["cause"].str.contains("year 2005 missing")]
    panel = pd.read_parquet(out / "panel.parquet")
    assert dis["years"].tolist() == ["2005"] and int(dis["cells"].iloc[0]) == int((panel["year"] == 2005).sum())
    assert panel.loc[panel["year"] == 2005, "lnDIS"].isna().all() and panel.loc[panel["year"] == 2004, "lnDIS"].notna().any()
    assert (out / "panel.parquet").stat().st_mode & 0o777 == umask_mode()

    import mutualism.report.tables

    def fail_midway(results, folder):
        (Path(folder) / "table1.md").write_text("half\n")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(mutualism.report.tables, "write_tables", fail_midway)
    code = cli.main([str(a) for a in _estimate(pymrio_world, controls_copy, out, cache)])
    _, err = capsys.readouterr()
    assert code == errors.EXIT_BUG and "this is a bug, please report it" in err and "Traceback" in err
    assert snapshot(out) == written  # the previous complete output, nothing of the failed run
    assert not [p for p in tmp_path.iterdir() if ".staging" in p.name or ".old." in p.name]


# ----- nothing lost when synth is killed ---------------------------------------------------------
def test_sigterm_during_synth_leaves_the_existing_world_valid_and_complete(eora_world, tmp_path):
    world = tmp_path / "world"
    shutil.copytree(eora_world, world)
    before = snapshot(world)
    command = [sys.executable, "-m", "mutualism.cli", "synth", "--size", "small", "--years", "2004-2005",
               "--format", "eora26", "--seed", "7", "--out", str(world)]
    codes = []
    for delay in (0.0, 0.6, 1.5):  # after the staging folder appears: generating, writing 2004, writing 2005
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})
        deadline = time.monotonic() + 60
        while not any(".staging" in p.name for p in tmp_path.iterdir()) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        codes.append(proc.returncode)
        assert "Traceback" not in err
        if proc.returncode == errors.EXIT_SIGTERM:
            assert err.strip().splitlines()[-1] == "mutualism: terminated (SIGTERM); the previous output is unchanged"
            assert snapshot(world) == before
        else:  # finished before the signal: the new world, complete. A signal that arrives
            # after main() has returned (and put back the default handlers) while the
            # interpreter exits ends the process as SIGTERM does any program (-15)
            assert proc.returncode in (0, -signal.SIGTERM) and set(snapshot(world)) == set(before), err
            before = snapshot(world)
        assert not [p for p in tmp_path.iterdir() if p.name != "world"]  # no staging or half-swapped folder
    assert errors.EXIT_SIGTERM in codes
    code, out = cli.main(["validate", str(world), "--year", "2005"]), None
    assert code == errors.EXIT_OK


def test_files_get_the_umask_permissions(tmp_path, eora_world):
    target = atomic_write_text(tmp_path / "a.txt", "x")
    assert target.stat().st_mode & 0o777 == umask_mode() == 0o666 & ~_umask()
    modes = {p.stat().st_mode & 0o777 for p in eora_world.rglob("*") if p.is_file()}
    assert modes == {umask_mode()}  # every file of a synth world, not 0600
    assert eora_world.stat().st_mode & 0o777 == umask_mode(0o777)


def test_interrupt_prints_one_line_and_exits_130(capsys, tmp_path, monkeypatch):
    import mutualism.io.synthetic

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mutualism.io.synthetic, "make_mrio", interrupted)
    world = tmp_path / "world"
    (world / "controls").mkdir(parents=True)
    (world / "keep.txt").write_text("previous world\n")
    code, out, err = run(capsys, "synth", "--years", "2004", "--out", world)
    assert code == errors.EXIT_SIGINT
    assert err.strip() == "mutualism: interrupted (SIGINT); the previous output is unchanged"
    assert snapshot(world) == {"keep.txt": hashlib.sha256(b"previous world\n").hexdigest()}
    assert [p.name for p in tmp_path.iterdir()] == ["world"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_help_documents_the_exit_codes(capsys):
    for argv in (["--help"], ["indices", "--help"], ["validate", "--help"]):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        assert stop.value.code == 0
        assert "130 interrupted (SIGINT); 143 terminated (SIGTERM)" in " ".join(capsys.readouterr().out.split())


# ===== round 3 (issue 17) ========================================================================
def _negative_row_sums(folder: Path, *cells: str) -> None:
    """Give each ``country/sector`` a small negative row sum (a negative inventory change a
    little larger than its sales, as rounded tables have), published ``x`` 0 and published
    value added matching the column residual."""
    import pymrio

    io = pymrio.load_all(folder)
    for cell in cells:
        country, sector = cell.split("/")
        row = (io.Z.index.get_level_values(0) == country) & (io.Z.index.get_level_values(1) == sector)
        sales = io.Z.loc[row].sum(axis=1).iloc[0] + io.Y.loc[row].sum(axis=1).iloc[0]
        inventories = [k for k in io.Y.columns if k[0] == country][-1]
        io.Y.loc[row, inventories] -= sales * 1.000001
        io.x.loc[row, :] = 0.0
    x = (io.Z.sum(axis=1) + io.Y.sum(axis=1)).clip(lower=0).to_numpy()
    F = io.factor_inputs.F
    F.iloc[0, :] = x - io.Z.sum(axis=0).to_numpy() - F.iloc[1:, :].sum(axis=0).to_numpy()
    io.save_all(folder, table_format="parquet")


def test_a_small_negative_row_sum_gives_missing_ratios_and_leaves_the_panel(capsys, pymrio_copy, tmp_path):
    from mutualism.econometrics.panel import build_panel

    _negative_row_sums(pymrio_copy / "2005", "PAK/C5", "CHN/C6")
    code, text, _ = run(capsys, "validate", pymrio_copy, "--year", 2005)
    assert code == errors.EXIT_OK and "x set to 0 for 2 sectors with negative row sums: CHN/C6, PAK/C5" in text
    out = tmp_path / "indices.parquet"
    code, _, err = run(capsys, "indices", "--source", "pymrio", "--path", pymrio_copy, "--years", "2005",
                       "--partners", "PAK,KAZ", "--cache-dir", tmp_path / "cache", "--out", out)
    assert code == errors.EXIT_OK, err
    table = pd.read_parquet(out).set_index(["partner", "industry"])
    zero = [("PAK", "C5"), ("PAK", "C6"), ("KAZ", "C6")]  # PAK's C5 and China's C6 have no output
    ratios = ["HD", "theta_cr", "theta_rc", "GVC_P", "RCA_c", "RCA_r", "RCA_D", "XT", "g_c", "g_r", "RH", "RVC",
              "INC", "POS_r", "GVC_D"]
    assert table.loc[zero, ratios].isna().all().all()  # NaN, never 0
    assert table.loc[("PAK", "C5"), "E_r"] != table.loc[("PAK", "C5"), "E_r"]  # no exports without output
    assert table.loc[[("PAK", "C6"), ("KAZ", "C6")], "E_c"].isna().all()
    others = table.drop(index=zero)
    assert others[ratios].notna().all().all() and (others["E_r"] > 0).all()
    assert "note: zero output of China industries: KAZ 2005, PAK 2005 — 2 cells missing (NaN, not 0)" in err
    assert "note: zero output of partner industries: PAK 2005 — 1 cells missing (NaN, not 0)" in err
    controls = pd.DataFrame({"partner": ["PAK", "KAZ"], "year": 2005, **{k: 1.0 for k in
                            ("POL", "ECO", "CUL", "DIS", "FTA", "LAB", "D1")}})
    panel = build_panel(table.reset_index(), controls, winsor=0.0)
    cells = panel.data.set_index(["partner", "industry"])
    assert cells.loc[zero, ["lnHD", "lnXT", "lnRH", "lnGVC_P", "lnRCA_D"]].isna().all().all()  # out of the panel
    quality = panel.quality
    assert quality.loc["HD", "missing_zero_output"] == 3 and quality.loc["XT", "missing_zero_output"] == 3


@pytest.mark.parametrize("values", [["1e300"], ["1.7e308", "1.7e308"]])
def test_a_huge_cell_is_refused_and_never_switches_the_balance_check_off(capsys, eora_year, tmp_path, values):
    t = eora_year / stem("T")
    lines = t.read_text().splitlines(keepends=True)
    cells = lines[9].rstrip("\n").split("\t")
    cells[4:4 + len(values)] = values  # 1.7e308 + 1.7e308 overflows the row sum to inf
    lines[9] = "\t".join(cells) + "\n"
    t.write_text("".join(lines))
    pattern = (rf"Eora26 {YEAR} .*{stem('T')}: line 10, column 5: {re.escape(f'{float(values[0]):g}')} "
               rf"is larger in magnitude than 1e\+100 .*; {len(values)} such cells$")
    expect_invalid(capsys, pattern, eora_year.parent)
    out = tmp_path / "wwz.parquet"
    expect_error(capsys, pattern, "wwz", "--mrio", eora_year.parent, "--year", YEAR, "--out", out,
                 watch=eora_year.parent)
    assert not out.exists()


def test_a_huge_cell_of_a_pymrio_table_is_named_by_its_labels(capsys, pymrio_copy, tmp_path):
    import pymrio

    folder = pymrio_copy / "2005"
    io = pymrio.load_all(folder)
    io.Z.iloc[3, 7] = io.Z.iloc[3, 8] = 1.7e308
    io.save_all(folder, table_format="parquet")
    r, c = io.Z.index[3], io.Z.columns[7]
    pattern = (rf"2005: Z has 2 cells larger in magnitude than 1e\+100 .*e\.g\. \({r[0]}/{r[1]}, "
               rf"{c[0]}/{c[1]}\)=1\.7e\+308")
    refused_by_validate_and_indices(capsys, pattern, pymrio_copy, tmp_path)


def test_an_all_zero_year_is_invalid(capsys, eora_world, eora_year, tmp_path):
    for block in ("T", "FD", "VA"):
        path = eora_year / stem(block)
        rows = path.read_text().splitlines()
        path.write_text("".join("\t".join("0" for _ in row.split("\t")) + "\n" for row in rows))
    code, out, err = run(capsys, "validate", eora_year.parent, "--year", YEAR)
    assert code == errors.EXIT_INVALID, (out, err)
    last = out.strip().splitlines()[-1]
    assert last == (f"INVALID: Eora26 {YEAR}: every row of Z and Y sums to 0 or less: no output at all in {YEAR} "
                    "(an empty or zeroed year)")
    assert "valid: all checks pass" not in out and "warning" not in out
    shutil.copytree(eora_world / str(YEAR + 1), eora_year.parent / str(YEAR + 1))
    out = tmp_path / "i.parquet"
    expect_error(capsys, rf"Eora26 {YEAR}: CHN has zero total output in {YEAR}", "indices", "--source", "eora26",
                 "--path", eora_year.parent, "--years", YEAR + 1, "--partners", "PAK", "--cache-dir", tmp_path / "c",
                 "--out", out, watch=eora_year.parent)
    assert not out.exists()


def test_nan_in_published_value_added_is_refused_not_summed_as_zero(capsys, pymrio_copy, tmp_path):
    import pymrio

    folder = pymrio_copy / "2005"
    io = pymrio.load_all(folder)
    F = io.factor_inputs.F
    F.iloc[2, 11] = float("nan")
    io.save_all(folder, table_format="parquet")
    row, (country, sector) = F.index[2], F.columns[11]
    pattern = (rf"2005: the published value added \(factor_inputs\.F, .*2005/factor_inputs/F\.\*\) has 1 NaN/inf "
               rf"cells, e\.g\. \({re.escape(repr(row))}, {country}/{sector}\)=nan; a missing published value is not 0")
    refused_by_validate_and_indices(capsys, pattern, pymrio_copy, tmp_path)


def test_an_unknown_country_code_in_the_labels_is_named(capsys, eora_world, tmp_path):
    world = tmp_path / "eora"
    shutil.copytree(eora_world, world, ignore=shutil.ignore_patterns("controls"))
    for labels in world.glob("*/labels_*.txt"):
        labels.write_text(labels.read_text().replace("\tPAK\t", "\tXXX\t"))
    rows = [k + 1 for k, line in enumerate((world / str(YEAR) / "labels_T.txt").read_text().splitlines())
            if line.split("\t")[1] == "XXX"]
    note = (rf"labels_T\.txt: country code 'XXX' \(rows {rows[0]}–{rows[-1]}\) is not an ISO3 code of "
            r"data/countries\.csv: it is in no partner set \(bri, bri64\)")
    code, out, _ = run(capsys, "validate", world, "--year", YEAR)
    assert code == errors.EXIT_OK and out.strip().endswith("valid: all checks pass")
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and re.search(rf"^warning: Eora26 {YEAR} \({world}\): {note}", warnings[0]), out
    table = tmp_path / "i.parquet"
    code, _, err = run(capsys, "indices", "--source", "eora26", "--path", world, "--years", YEAR + 1,
                       "--cache-dir", tmp_path / "c", "--out", table)
    assert code == errors.EXIT_OK, err
    notes = [line for line in err.splitlines() if "XXX" in line]
    assert len(notes) == 1 and re.search(rf"^note: Eora26 {YEAR}, {YEAR + 1} \({world}\): {note}", notes[0]), err
    assert "PAK" not in set(pd.read_parquet(table)["partner"])  # gone from bri, but named above
    code, _, err = run(capsys, "indices", "--source", "eora26", "--path", world, "--years", YEAR + 1,
                       "--cache-dir", tmp_path / "c", "--out", table)  # from the cache: still named
    assert code == errors.EXIT_OK and len([line for line in err.splitlines() if "XXX" in line]) == 1


# ----- a signal at every step of a staged swap (synth, estimate, book) ---------------------------
SWAP_STEPS = ("staged", "aside", "renamed", "cleaned")  # fileio.staged_dirs calls its hook after each


def _signal_at(monkeypatch, step: str, signame: str) -> None:
    """Send ``signame`` to this process when the swap reaches ``step`` (held during the swap)."""
    from mutualism.core import fileio

    def hook(name, target):
        if name == step:
            os.kill(os.getpid(), getattr(signal, signame))

    monkeypatch.setattr(fileio, "_swap_hook", hook)


_EXIT = {"SIGINT": (errors.EXIT_SIGINT, "interrupted (SIGINT)"), "SIGTERM": (errors.EXIT_SIGTERM, "terminated (SIGTERM)"),
         "SIGHUP": (errors.EXIT_SIGHUP, "hung up (SIGHUP)")}


def _check_interrupted(err: str, code: int, signame: str, step: str, folders: list[Path]) -> bool:
    """The exit code and the one closing line; returns whether the new output was complete."""
    expected, what = _EXIT[signame]
    assert code == expected, err
    last = err.strip().splitlines()[-1]
    if step == "staged":  # before the swap: the previous output
        assert last == f"mutualism: {what}; the previous output is unchanged", err
        return False
    assert last == (f"mutualism: {what} after the new output was complete: {', '.join(map(str, folders))} "
                    "replaced whole"), err
    return True


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".staging" in p.name or ".old." in p.name)


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_signal_at_each_step_of_the_synth_swap(capsys, monkeypatch, eora_world, tmp_path, step, signame):
    world = tmp_path / "world"
    shutil.copytree(eora_world, world)  # the previous output: Eora26 layout, 2004-2005
    before = snapshot(world)
    _signal_at(monkeypatch, step, signame)
    code, _, err = run(capsys, "synth", "--years", "2004", "--out", world)  # the new one: pymrio, 2004
    if _check_interrupted(err, code, signame, step, [world]):
        assert (world / "2004" / "file_parameters.json").is_file() and not (world / "2005").exists()
        assert cli.main(["validate", str(world), "--year", "2004"]) == errors.EXIT_OK
    else:
        assert snapshot(world) == before
    assert _leftovers(tmp_path) == []
    capsys.readouterr()


def test_sighup_in_a_subprocess_is_handled_like_sigterm(eora_world, tmp_path):
    world = tmp_path / "world"
    shutil.copytree(eora_world, world)
    before = snapshot(world)
    for step in ("staged", "aside"):  # a real SIGHUP, before and during the swap
        script = ("import os, signal, sys\nfrom mutualism import cli\nfrom mutualism.core import fileio\n"
                  f"fileio._swap_hook = lambda name, target: name == {step!r} and os.kill(os.getpid(), signal.SIGHUP)\n"
                  f"sys.exit(cli.main(['synth', '--years', '2004', '--seed', '5', '--out', {str(world)!r}]))\n")
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert proc.returncode == errors.EXIT_SIGHUP and "Traceback" not in proc.stderr
        _check_interrupted(proc.stderr, proc.returncode, "SIGHUP", step, [world])
        assert (snapshot(world) == before) == (step == "staged") and _leftovers(tmp_path) == []


def test_leftovers_of_a_killed_swap_are_cleaned_by_the_next_run(capsys, monkeypatch, eora_world, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that no longer runs
    world = tmp_path / "world"
    shutil.copytree(eora_world, world)
    before = snapshot(world)
    (tmp_path / f".world.{dead.pid}.abc123.staging" / "2004").mkdir(parents=True)  # killed while staging
    world.rename(tmp_path / f".world.old.{dead.pid}")  # killed between the two renames: only the old copy is left
    _signal_at(monkeypatch, "staged", "SIGTERM")
    code, _, err = run(capsys, "synth", "--years", "2004", "--out", world)
    _check_interrupted(err, code, "SIGTERM", "staged", [world])
    assert snapshot(world) == before and _leftovers(tmp_path) == []  # the previous output put back whole
    shutil.copytree(world, tmp_path / f".world.old.{dead.pid}")  # killed after the swap, before the clean-up
    monkeypatch.undo()
    assert run(capsys, "synth", "--years", "2004", "--out", world)[0] == errors.EXIT_OK
    assert _leftovers(tmp_path) == [] and (world / "2004" / "file_parameters.json").is_file()


@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_signal_at_each_step_of_the_estimate_swap(capsys, monkeypatch, tmp_path, step):
    out, cache = tmp_path / "est", tmp_path / "cache"
    argv = ["estimate", "--years", "2004-2005", "--bootstrap-reps", "0", "--cache-dir", cache, "--out", out]
    assert run(capsys, *argv)[0] == errors.EXIT_OK
    (out / "scorecard.csv").write_text("an earlier run\n")  # tell the previous output from the new one
    before = snapshot(out)
    _signal_at(monkeypatch, step, "SIGTERM")
    code, _, err = run(capsys, *argv)
    if _check_interrupted(err, code, "SIGTERM", step, [out]):
        assert (out / "scorecard.csv").read_text() != "an earlier run\n" and (out / "panel.parquet").is_file()
    else:
        assert snapshot(out) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_signal_at_each_step_of_the_book_swap(capsys, monkeypatch, tmp_path, step):
    """The book's executed/, figures/ and html/ are swapped in together (chapters and Sphinx stubbed)."""
    import nbformat

    from mutualism.book import build

    def execute(chapter, notebook, parameters, figures_dir=None):
        Path(notebook).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), str(notebook))
        (Path(figures_dir) / "figure.png").write_text(f"figure of run {len(runs)}\n")
        return 0.0

    def render(source, html, strict=False, solutions="show"):
        (Path(html) / "index.html").write_text(f"book of run {len(runs)}\n")

    monkeypatch.setattr(build, "execute_chapter", execute)
    monkeypatch.setattr(build, "render_html", render)
    monkeypatch.setattr(build, "_stage", lambda root, staging, built: None)
    out = tmp_path / "_build"
    argv = ["book", "--params", REPO / "params" / "default.yml", "--chapters", "01", "--out", out]
    runs = [1]
    assert run(capsys, *argv)[0] == errors.EXIT_OK
    before = snapshot(out)
    runs.append(2)
    _signal_at(monkeypatch, step, "SIGINT")
    code, _, err = run(capsys, *argv)
    folders = [out / "executed", out / "figures", out / "html"]
    if _check_interrupted(err, code, "SIGINT", step, folders):
        assert (out / "html" / "index.html").read_text() == "book of run 2\n"
        assert (out / "figures" / "figure.png").read_text() == "figure of run 2\n"
    else:
        assert snapshot(out) == before
    assert _leftovers(out) == [] and sorted(p.name for p in out.iterdir()) == ["executed", "figures", "html"]


# ----- disk full, stdout that cannot take the text ------------------------------------------------
def _disk_full_under(monkeypatch, folder: Path) -> list[str]:
    """Every table, parquet or npz written under ``folder`` fails with ENOSPC after a few bytes
    (a full disk); returns the list of the files that failed."""
    import errno

    import numpy as np

    failed: list[str] = []

    def faulty(original, position=1):
        def write(*args, **kwargs):
            target = args[position] if len(args) > position else kwargs.get("path", kwargs.get("file"))
            name = str(getattr(target, "name", target))
            if not name.startswith(str(folder)):
                return original(*args, **kwargs)
            failed.append(name)
            with open(name, "ab") as fh:
                fh.write(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")
        return write

    monkeypatch.setattr(pd.DataFrame, "to_parquet", faulty(pd.DataFrame.to_parquet))
    monkeypatch.setattr(pd.DataFrame, "to_csv", faulty(pd.DataFrame.to_csv))
    monkeypatch.setattr(np, "savez", faulty(np.savez, position=0))
    return failed


def test_disk_full_on_out_names_the_file_and_keeps_the_previous_one(capsys, monkeypatch, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    out = folder / "indices.parquet"
    out.write_bytes(b"the previous table\n")
    failed = _disk_full_under(monkeypatch, folder)
    expect_error(capsys, rf"^mutualism: error: {re.escape(str(out))}: cannot be written \(No space left on device\); "
                         r"the previous file is unchanged$", "indices", "--years", "2005", "--partners", "PAK",
                 "--cache-dir", tmp_path / "cache", "--out", out, watch=folder)
    assert len(failed) == 1 and sorted(p.name for p in folder.iterdir()) == ["indices.parquet"]  # no temporary file


def test_disk_full_on_the_cache_dir_is_one_warning_and_the_result_is_written(capsys, monkeypatch, recwarn, tmp_path):
    from mutualism.core.cache import CacheWarning

    cache, out = tmp_path / "cache", tmp_path / "i.parquet"
    failed = _disk_full_under(monkeypatch, cache)
    code, _, err = run(capsys, "indices", "--years", "2005", "--partners", "PAK", "--cache-dir", cache, "--out", out)
    assert code == errors.EXIT_OK and out.is_file() and len(pd.read_parquet(out)) == 8
    lines = [str(w.message) for w in recwarn if issubclass(w.category, CacheWarning)]  # one stderr line each
    assert failed and len(lines) == len(failed), err
    assert {Path(name).suffix for name in failed} == {".tmp"} and len(failed) == 4  # 2 tables (npz), 2 years' indices
    for line in lines:
        assert re.search(rf"^cache entry {re.escape(str(cache))}/(indices|tables)/\S+\.(parquet|npz): cannot be written \(No space "
                         r"left on device\); nothing was written; the result is used without being cached$", line), line
    assert not [p for p in cache.rglob("*") if p.is_file() and p.name != "digests.json"]  # no half entry kept
    monkeypatch.undo()  # space again: the next run computes and keeps them
    assert run(capsys, "indices", "--years", "2005", "--partners", "PAK", "--cache-dir", cache, "--out", out)[0] == 0
    assert len(list(cache.rglob("*.b2"))) == len(failed)


@pytest.mark.parametrize("argv", [["validate", "{world}", "--year", "2004"], ["--help"]])
def test_stdout_on_a_full_disk_is_one_line_naming_the_stream(pymrio_world, argv):
    command = [sys.executable, "-m", "mutualism.cli", *[a.format(world=pymrio_world) for a in argv]]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == errors.EXIT_INPUT
    assert proc.stderr.strip() == "mutualism: error: standard output cannot be written (No space left on device)"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_stdout_in_ascii_or_latin1_never_raises(pymrio_world, tmp_path, encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C", "PYTHONWARNINGS": "ignore"}
    validate = subprocess.run([sys.executable, "-m", "mutualism.cli", "validate", str(pymrio_world), "--year", "2004"],
                              capture_output=True, env=env, timeout=120)
    assert validate.returncode == errors.EXIT_OK and b"Traceback" not in validate.stderr
    text = validate.stdout.decode(encoding)  # encodable: it was written
    assert "40 countries x 26 sectors" in text if encoding == "ascii" else "40 countries × 26 sectors" in text
    assert "va = x - 1'Z" in text and text.strip().endswith("valid: all checks pass")
    bad = subprocess.run([sys.executable, "-m", "mutualism.cli", "indices", "--years", "2040-2041", "--cache-dir",
                          str(tmp_path / "c"), "--out", str(tmp_path / "i.parquet")], capture_output=True, env=env,
                         timeout=120)
    assert bad.returncode == errors.EXIT_INPUT and b"Traceback" not in bad.stderr
    line = bad.stderr.decode(encoding).strip()  # the en dash of "1995–2030" written as "-"
    assert line.startswith("mutualism: error: years: 2039 is outside the synthetic world's 1995-2030"), line


# ----- a folder where a file is expected, a stray file list, a key given twice ------------------
def _folder_for(path: Path) -> None:
    path.unlink()
    (path / "inside.txt").parent.mkdir()
    (path / "inside.txt").write_text("a folder where a file should be\n")


def test_a_folder_for_z_parquet_is_named_as_a_folder(capsys, pymrio_copy):
    z = pymrio_copy / str(YEAR) / "Z.parquet"
    _folder_for(z)
    expect_invalid(capsys, rf"^INVALID: {re.escape(str(z))} \(year {YEAR}\): block 'Z' listed in .*file_parameters\.json "
                           r"is a folder, not a file$", pymrio_copy)


@pytest.mark.parametrize("name", [stem("T"), "labels_T.txt"])
def test_a_folder_for_an_eora_file_is_named_as_a_folder(capsys, eora_year, tmp_path, name):
    _folder_for(eora_year / name)
    pattern = rf"Eora26 {YEAR}: {re.escape(str(eora_year / name))} is a folder, not a file$"
    expect_invalid(capsys, pattern, eora_year.parent)
    expect_error(capsys, pattern, "wwz", "--mrio", eora_year.parent, "--year", YEAR, "--out", tmp_path / "w.parquet",
                 watch=eora_year.parent)


@pytest.mark.parametrize("command", ["book", "multiverse"])
def test_a_folder_given_as_params_is_named_as_a_folder(capsys, tmp_path, command):
    folder = tmp_path / "params"
    folder.mkdir()
    expect_error(capsys, rf"parameter file '{re.escape(str(folder))}' is a folder, not a file", command, "--params",
                 folder, "--out", tmp_path / "out", watch=tmp_path)
    assert not (tmp_path / "out").exists()


def test_a_stray_file_parameters_json_is_named(capsys, pymrio_copy, tmp_path):
    stray = pymrio_copy / "file_parameters.json"
    shutil.copy(pymrio_copy / str(YEAR) / "file_parameters.json", stray)  # copied one level too high
    pattern = (rf"{re.escape(str(stray))}: a stray pymrio file list at the top of a folder of years \(2003, 2004, "
               rf"2005\); remove it, or give the year's folder")
    expect_error(capsys, pattern, "validate", pymrio_copy, "--year", YEAR, watch=pymrio_copy)
    expect_error(capsys, pattern, "indices", "--source", "pymrio", "--path", pymrio_copy, "--years", "2005",
                 "--partners", "PAK", "--cache-dir", tmp_path / "c", "--out", tmp_path / "i.parquet", watch=pymrio_copy)
    stray.unlink()
    listed = pymrio_copy / str(YEAR) / "file_parameters.json"
    listed.write_text("[1, 2]\n")  # not pymrio's: another program's file of that name
    expect_invalid(capsys, rf"{re.escape(str(listed))} \(year {YEAR}\): not a pymrio file list .*; a stray "
                           r"file_parameters\.json\?$", pymrio_copy)


def test_a_cache_entry_that_is_a_folder_is_recomputed(capsys, recwarn, tmp_path):
    from mutualism.core.cache import CacheWarning

    cache, out = tmp_path / "cache", tmp_path / "i.parquet"
    argv = ["indices", "--years", "2005", "--partners", "PAK", "--cache-dir", cache, "--out", out]
    assert run(capsys, *argv)[0] == errors.EXIT_OK
    first = pd.read_parquet(out)
    entries = sorted(cache.glob("indices/*.parquet")) + sorted(cache.glob("tables/*.npz"))[:1]
    (entries[0].parent / (entries[0].name + ".b2")).unlink()
    for entry in entries:
        entry.unlink()
        (entry / "junk").mkdir(parents=True)  # a folder where the entry should be
    (entries[1].parent / (entries[1].name + ".b2")).unlink()
    (entries[1].parent / (entries[1].name + ".b2")).mkdir()  # and one whose checksum is a folder
    code, _, err = run(capsys, *argv)
    assert code == errors.EXIT_OK, err
    pd.testing.assert_frame_equal(pd.read_parquet(out), first)
    messages = [str(w.message) for w in recwarn if issubclass(w.category, CacheWarning)]
    assert any(re.fullmatch(rf"cache entry {re.escape(str(entries[0]))} is a folder, not a file; deleted and "
                            r"recomputed", m) for m in messages), messages
    assert all(entry.is_file() and Path(str(entry) + ".b2").is_file() for entry in entries)


def test_a_parameter_given_twice_is_refused(capsys, tmp_path):
    params = tmp_path / "params.yml"
    params.write_text("years: 2002-2020\npartners: bri\nyears: 2010\n")  # YAML would keep 2010 silently
    for command in ("book", "multiverse"):
        expect_error(capsys, rf"parameter file {re.escape(str(params))}: line 3, column 1: 'years' is given twice "
                             r"\(first on line 1\); give each parameter once$", command, "--params", params,
                     "--out", tmp_path / "out", watch=tmp_path)
    from mutualism.core.config import Params

    with pytest.raises(errors.InputFileError, match="'years' is given twice"):
        Params.from_yaml(params)


def test_disk_full_while_an_estimate_folder_is_staged_names_the_file_and_keeps_the_folder(capsys, monkeypatch,
                                                                                          tmp_path):
    out, cache = tmp_path / "est", tmp_path / "cache"
    argv = ["estimate", "--years", "2004-2005", "--bootstrap-reps", "0", "--cache-dir", cache, "--out", out]
    assert run(capsys, *argv)[0] == errors.EXIT_OK
    before = snapshot(out)
    _disk_full_under(monkeypatch, tmp_path / ".est.")  # the staging folder beside est/
    expect_error(capsys, rf"^mutualism: error: {re.escape(str(out / 'panel.parquet'))}: cannot be written \(No space "
                         rf"left on device\); {re.escape(str(out))} is unchanged$", *argv, watch=out)
    assert snapshot(out) == before and _leftovers(tmp_path) == []


def test_an_unknown_country_code_of_a_pymrio_table_is_named(capsys, pymrio_copy):
    import pymrio

    folder = pymrio_copy / str(YEAR)
    io = pymrio.load_all(folder)
    io.rename_regions({"PAK": "XXX"})
    io.save_all(folder, table_format="parquet")
    code, out, _ = run(capsys, "validate", pymrio_copy, "--year", YEAR)
    assert code == errors.EXIT_OK and out.strip().endswith("valid: all checks pass")
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: synthetic_{YEAR} {YEAR}: region labels of Z ({folder / 'Z'}.*): country code 'XXX' "
                        "(rows 677–702) is not an ISO3 code of data/countries.csv: it is in no partner set (bri, bri64) "
                        "and is kept as a region of its own"], out


def test_disk_full_while_a_synth_world_is_staged_names_the_file(capsys, monkeypatch, pymrio_world, tmp_path):
    world = tmp_path / "world"
    shutil.copytree(pymrio_world, world)
    before = snapshot(world)
    _disk_full_under(monkeypatch, tmp_path / ".world.")  # the staging folder beside world/
    expect_error(capsys, rf"^mutualism: error: {re.escape(str(world))}/\S+: cannot be written \(No space left on "
                         rf"device\); {re.escape(str(world))} is unchanged$", "synth", "--years", "2004", "--out", world,
                 watch=world)
    assert snapshot(world) == before and _leftovers(tmp_path) == []
