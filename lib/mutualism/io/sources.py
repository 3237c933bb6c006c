"""Readers of MRIO tables, the year iterator and the on-disk cache (METHODS.md §1, §7).

Real data enters through pymrio: any ``pymrio.IOSystem`` (Eora26, WIOD, OECD ICIO,
EXIOBASE parsers), a pymrio saved folder (the WIOD 2013 fixture), or an Eora26 folder or
zip for one year. Every path ends in :func:`mutualism.io.mrio.build_mrio`, so every table is
closed and validated the same way. Country codes are normalised to ISO3 by
:mod:`mutualism.core.countries` (``ROM→ROU``, ``RoW→ROW``…) and the renames are recorded in
``meta``; sectors are mapped by a concordance under ``data/`` before anything else.
Whatever a parser raises on a bad file (Arrow, pandas, zipfile, a missing file) is
translated into a one-line :class:`~mutualism.core.errors.MutualismError` naming the file, the
year and, where known, the row and column (:func:`mutualism.core.errors.reading`).

Parsed years are cached as ``.npz`` files through :mod:`mutualism.core.cache`: the key covers
the options, the content of the source files, the reference data and the readers'
source; entries are written atomically, verified when read and recomputed when damaged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from ..core.fileio import atomic_write  # noqa: F401  (re-exported: older callers import it from here)
from ..core.config import SOURCES
from ..core.countries import normalise_codes, unknown_codes_note
from ..core.errors import (DataNotFoundError, InputFileError, MRIOShapeError, MRIOValueError, MutualismError,
                           check_option, quote, reading)
from .layouts import LAYOUTS, READERS, detect_layout
from .mrio import MAX_MAGNITUDE, MRIO, aggregate_sectors, build_mrio
from ..core.resources import concordance as read_concordance

CHINA = "CHN"  # the country every index is about (METHODS §3): a table where it has no output is invalid
_EORA_FILE = re.compile(r"Eora26_(\d{4})_(bp|pp)(_T\.txt|\.zip)$")


# ----- small utilities ---------------------------------------------------------------
def _ordered_unique(values: Iterable) -> list:
    return list(dict.fromkeys(values))


# ----- from pymrio ------------------------------------------------------------------
def _meta_get(io, key: str):
    """A field of pymrio's metadata record (``year``, ``price``, ``name``...), or None."""
    meta = getattr(io, "meta", None)
    return getattr(meta, "_content", {}).get(key) if meta is not None else None


def _published_value_added(io, where: str = "pymrio", folder: str | None = None) -> tuple[np.ndarray | None, str | None]:
    """Sum of a value-added extension (``factor_inputs`` or ``VA``), if the system has one.

    A NaN/inf cell of its ``F`` is refused naming the row and the column (pandas would sum
    it as 0, as if the published value were known), as the Eora26 reader refuses one in VA.
    """
    from ..core.errors import MRIOValueError

    for name in ("factor_inputs", "VA"):
        ext = getattr(io, name, None)
        if ext is not None and getattr(ext, "F", None) is not None:
            F = ext.F
            origin = f", {Path(folder) / name / 'F'}.*" if folder else ""
            values = F.to_numpy(float)
            bad = ~np.isfinite(values)
            if bad.any():
                cells = ", ".join(f"({F.index[i]!r}, {'/'.join(map(str, np.atleast_1d(F.columns[j])))})={values[i, j]}"
                                  for i, j in np.argwhere(bad)[:5])
                raise MRIOValueError(f"{where}: the published value added ({name}.F{origin}) has {int(bad.sum())} NaN/inf "
                                     f"cells, e.g. {cells}; a missing published value is not 0: fill it or remove "
                                     f"the {name} extension")
            return F.sum(axis=0), name
    return None, None


def from_pymrio(
    io,
    year: int | None = None,
    *,
    source: str = "pymrio",
    concordance: str | None = None,
    balance: str = "check",
    balance_tol: float = 1e-3,
    balance_atol: float = 1e-5,
    meta: dict | None = None,
) -> MRIO:
    """Build an :class:`MRIO` from a ``pymrio.IOSystem`` (METHODS.md §1, §7).

    Uses ``io.Z`` and ``io.Y`` (columns ``(region, category)``), compares ``io.x`` (if
    present) with the row sums and a value-added extension (``factor_inputs`` or ``VA``)
    with the column residual. Labels must agree between the blocks; ``Z`` must be a full
    country × sector grid in country-major order.

    Parameters
    ----------
    io : pymrio.IOSystem
    year : the table year (default: ``io.meta.year``).
    source : name used in messages and metadata.
    concordance : name of ``data/concordance_<name>.csv`` to aggregate sectors with.
    balance, balance_tol, balance_atol : see :func:`mutualism.io.mrio.build_mrio`.
    """
    if io.Z is None or io.Y is None:
        raise MRIOShapeError(f"{source}: the pymrio system has no Z or Y (calc_system results only?)")
    if year is None:
        year = _meta_get(io, "year")
        if year is None:
            raise MRIOShapeError(f"{source}: the year is not recorded in the system; pass year=")
    year = int(year)
    where = f"{source} {year}"
    Z, Y = io.Z, io.Y
    if not Z.index.equals(Z.columns):
        diff = [(a, b) for a, b in zip(Z.index, Z.columns) if a != b][:5]
        raise MRIOShapeError(f"{where}: Z row and column labels differ (first differences {diff}; "
                             f"{len(Z.index)} rows, {len(Z.columns)} columns)")
    if not Y.index.equals(Z.index):
        diff = [(a, b) for a, b in zip(Y.index, Z.index) if a != b][:5]
        raise MRIOShapeError(f"{where}: Y rows and Z rows have different labels (first differences {diff}; "
                             f"Y {len(Y.index)} rows, Z {len(Z.index)} rows)")
    if Z.index.nlevels != 2:
        raise MRIOShapeError(f"{where}: Z index must be (region, sector), has {Z.index.nlevels} levels")
    countries = _ordered_unique(Z.index.get_level_values(0))
    sectors = _ordered_unique(Z.index.get_level_values(1))
    expected = pd.MultiIndex.from_product([countries, sectors])
    if not Z.index.equals(expected):
        raise MRIOShapeError(f"{where}: Z is not a full country-major grid of {len(countries)} regions × "
                             f"{len(sectors)} sectors ({len(Z.index)} rows)")
    y_regions = _ordered_unique(Y.columns.get_level_values(0))
    extra = sorted(set(y_regions) - set(countries))
    if extra:
        raise MRIOShapeError(f"{where}: final demand has destination regions {extra} that are not in Z")
    categories = _ordered_unique(Y.columns.get_level_values(1)) if Y.columns.nlevels > 1 else ["final"]
    if Y.columns.nlevels > 1:
        full_cols = pd.MultiIndex.from_product([countries, categories])
        missing = [c for c in full_cols if c not in Y.columns]
        if missing:
            raise MRIOShapeError(f"{where}: Y lacks {len(missing)} (region, category) columns, e.g. {missing[:5]}")
        Y = Y.reindex(columns=full_cols)
    else:
        Y = Y.reindex(columns=countries)
    x_pub = None
    if getattr(io, "x", None) is not None:
        if not io.x.index.equals(Z.index):
            raise MRIOShapeError(f"{where}: x rows and Z rows have different labels")
        x_pub = io.x.iloc[:, 0].to_numpy(float)
    va_pub, va_name = _published_value_added(io, where, (meta or {}).get("folder"))
    if va_pub is not None:
        if not va_pub.index.equals(Z.columns):
            raise MRIOShapeError(f"{where}: the {va_name} extension's columns differ from Z's columns")
        va_pub = va_pub.to_numpy(float)
    iso, renamed = normalise_codes(countries, where=where)
    info = {"source": source, **(meta or {})}
    if renamed:
        info["derived"] = list(info.get("derived", [])) + [f"country codes renamed {renamed}"]
    folder = info.get("folder")
    notes = unknown_codes_note(iso, Z.index.get_level_values(0), f"{where}: region labels of Z"
                               + (f" ({Path(folder) / 'Z'}.*)" if folder else ""))
    if notes:
        info["notes"] = list(info.get("notes", [])) + notes
    info.setdefault("price", _meta_get(io, "price") or "unknown")
    info.setdefault("description", _meta_get(io, "description"))
    if va_name:
        info["va_published_from"] = va_name
    mrio = build_mrio(
        Z.to_numpy(float), Y.to_numpy(float), iso, sectors, year, source=source, fd_categories=categories,
        x_published=x_pub, va_published=va_pub, balance=balance, balance_tol=balance_tol,
        balance_atol=balance_atol, meta=info,
    )
    return apply_concordance(mrio, concordance)


def apply_concordance(mrio: MRIO, name: str | None) -> MRIO:
    """Aggregate sectors by ``data/concordance_<name>.csv`` (no-op for ``None``)."""
    if not name:
        return mrio
    mapping, targets = read_concordance(name)
    return aggregate_sectors(mrio, mapping, targets, name=name)


# ----- pymrio saved folders -----------------------------------------------------------
def _year_folder(path: Path, year: int) -> Path:
    """``path`` itself if it is a pymrio folder, else ``path/<year>``; clear error if absent."""
    sub = path / str(year)
    if (path / "file_parameters.json").exists():
        years = sorted(p.name for p in path.iterdir() if p.name.isdigit() and (p / "file_parameters.json").exists())
        if years:  # both a table here and tables of years below: which one is meant?
            raise InputFileError(f"{path / 'file_parameters.json'}: a stray pymrio file list at the top of a folder "
                                 f"of years ({', '.join(years[:5])}{' …' if len(years) > 5 else ''}); remove it, or "
                                 f"give the year's folder ({sub})")
        return path
    if (sub / "file_parameters.json").exists():
        return sub
    if not path.exists():
        raise DataNotFoundError(f"folder {path} does not exist")
    years = sorted(p.name for p in path.iterdir() if (p / "file_parameters.json").exists())
    raise DataNotFoundError(f"{path}: no pymrio table for {year}; available years: {years or 'none'}")


def load_pymrio_folder(path: str | Path, year: int, *, source: str | None = None, **kwargs: Any) -> MRIO:
    """Load a pymrio saved folder (``IOSystem.save_all``) for one year.

    ``path`` is either the year's folder or a folder of year sub-folders (as in the
    WIOD 2013 fixture ``wiod2013/<year>/``). Keyword arguments go to :func:`from_pymrio`.
    """
    import pymrio

    folder = _year_folder(Path(path), year)
    _check_pymrio_files(folder, year)
    with reading(folder, year, "pymrio saved folder"):
        io = pymrio.load_all(folder)
    name = source or _meta_get(io, "name") or folder.parent.name
    saved_year = _meta_get(io, "year")
    if saved_year is not None and int(saved_year) != int(year):
        raise DataNotFoundError(f"{folder}: holds year {saved_year}, not {year}")
    meta = {"folder": str(folder), **(kwargs.pop("meta", None) or {})}
    return from_pymrio(io, year, source=str(name), meta=meta, **kwargs)


def _check_pymrio_files(folder: Path, year: int) -> None:
    """Every file a pymrio folder's ``file_parameters.json`` lists exists and is readable
    (for parquet: its footer), so a missing or truncated block is named before pymrio reads."""
    import json as _json

    import pyarrow.parquet as pq

    for params_file in [folder / "file_parameters.json", *sorted(folder.glob("*/file_parameters.json"))]:
        if params_file.is_dir():
            raise InputFileError(f"{params_file} (year {year}): a folder where pymrio's file list is expected")
        with reading(params_file, year, "pymrio file list"):
            listed = _json.loads(params_file.read_text())
        if not (isinstance(listed, dict) and isinstance(listed.get("files", {}), dict)
                and all(isinstance(spec, dict) for spec in listed.get("files", {}).values())):
            raise InputFileError(f"{params_file} (year {year}): not a pymrio file list (a JSON object whose 'files' "
                                 f"maps each block to its file name); a stray file_parameters.json?")
        for block, spec in listed.get("files", {}).items():
            target = params_file.parent / str(spec.get("name", ""))
            if target.is_dir():
                raise InputFileError(f"{target} (year {year}): block {block!r} listed in {params_file} is a folder, "
                                     "not a file")
            if not target.is_file():
                raise DataNotFoundError(f"{target} (year {year}): block {block!r} listed in {params_file} is missing")
            if target.suffix == ".parquet":
                with reading(target, year, f"block {block!r}"):
                    pq.read_metadata(target)


def available_years(source: str, path: str | Path) -> list[int] | None:
    """Years a data folder holds (``None`` when the path is a single year or a zip), so a run
    can refuse a missing year before any table is read."""
    path = Path(path)
    if not path.is_dir():
        return None
    if source == "eora26":
        return eora26_years(path)
    if (path / "file_parameters.json").exists():
        return None
    return sorted(int(p.name) for p in path.iterdir() if p.name.isdigit() and (p / "file_parameters.json").exists())


# ----- Eora26 -------------------------------------------------------------------------
def eora26_years(path: str | Path) -> list[int]:
    """Years available in an Eora26 folder (zips, unpacked files or year sub-folders)."""
    path = Path(path)
    found = set()
    for p in path.rglob("Eora26_*"):
        m = _EORA_FILE.search(p.name)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


EORA_READERS = ("fast", "pymrio")
_EORA_DISCREPANCY = "ROW"  # Eora26's code of the statistical-discrepancy row and column


def load_eora26(path: str | Path, year: int, *, price: str = "bp", concordance: str | None = "eora26",
                reader: str = "fast", **kwargs: Any) -> MRIO:
    """Load one year of Eora26 from a folder, a year sub-folder or a zip.

    ``reader="fast"`` (default) parses the tab-separated blocks with Arrow's
    multi-threaded CSV reader (about 10× faster than pandas on Eora26's 570 MB ``T``
    file); ``reader="pymrio"`` goes through ``pymrio.parse_eora26``. Both drop Eora's
    statistical-discrepancy row and column (code ``ROW``); the fast reader records the
    exact amounts dropped from each block in ``meta["eora_dropped"]``, pymrio's history
    lines are recorded otherwise. The ``VA`` block's column sums are the published value
    added compared with the column residual (METHODS §1). Eora's sector names are mapped
    to ``C1``…``C26`` by ``data/concordance_eora26.csv``.
    """
    check_option("reader", reader, EORA_READERS)
    path = Path(path)
    if not path.exists():
        raise DataNotFoundError(f"Eora26 path {path} does not exist")
    if path.suffix != ".zip" and year not in eora26_years(path):
        raise DataNotFoundError(f"{path}: no Eora26 {price} table for {year}; available years: {eora26_years(path)}")
    if reader == "fast":
        return apply_concordance(_read_eora26_fast(path, year, price, **kwargs), concordance)
    import warnings

    import pymrio

    with warnings.catch_warnings():  # pymrio's own drop on an unsorted index; harmless here
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        with reading(path, year, "Eora26 (pymrio reader)"):
            io = pymrio.parse_eora26(path, year=year, price=price)
    dropped = [h for h in (_meta_get(io, "history") or []) if "Rest of the World" in str(h)]
    meta = {"price": price, "unit": "000 USD", "eora_dropped": [str(d) for d in dropped],
            "derived": ["Eora26 statistical-discrepancy row/column (ROW) dropped by pymrio"]}
    return from_pymrio(io, year, source="Eora26", concordance=concordance, meta=meta, **kwargs)


def _eora26_opener(path: Path, year: int, price: str) -> Callable[[str], Any]:
    """``open(name)`` for the files of one Eora26 year: a zip (labels possibly in
    ``indices.zip`` beside it, as Eora ships them) or a folder / year sub-folder."""
    import zipfile

    if path.suffix != ".zip":
        folder = path / str(year) if (path / str(year)).is_dir() else path
        zips = [p for p in folder.glob(f"Eora26_{year}_{price}*.zip")]
        if not (folder / f"Eora26_{year}_{price}_T.txt").exists() and zips:
            path = zips[0]
        else:
            def open_file(name: str):
                # labels may sit once at the top level, above the year sub-folders
                for candidate in (folder / name, path / name):
                    if candidate.is_file():
                        return open(candidate, "rb")
                    if candidate.is_dir():
                        raise InputFileError(f"Eora26 {year}: {candidate} is a folder, not a file")
                places = " or ".join(dict.fromkeys(str(f) for f in (folder, path)))
                raise DataNotFoundError(f"Eora26 {year}: {name} not found in {places}")

            return open_file
    archives = []
    for archive_path in (path, path.parent / "indices.zip"):
        if archive_path == path or archive_path.exists():
            with reading(archive_path, year, "Eora26 zip"):
                if not zipfile.is_zipfile(archive_path):
                    raise InputFileError(f"{archive_path} (year {year}): not a zip archive")
                archives.append(zipfile.ZipFile(archive_path))

    def open_member(name: str):
        for archive in archives:
            if name in archive.namelist():
                return archive.open(name)
        raise DataNotFoundError(f"{path} (year {year}): {name} is in neither the zip nor an indices.zip beside it")

    return open_member


def _read_eora_block(open_file: Callable[[str], Any], name: str, where: str = "Eora26") -> np.ndarray:
    """One tab-separated numeric block as a float64 array (Arrow's CSV reader).

    A parse failure (empty file, a row cut short or ragged, text in a number, commas for
    tabs) is an :class:`InputFileError` naming the file, the year, the line and the column.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    with open_file(name) as fh, reading(f"{where}: {name}"):
        try:
            table = pacsv.read_csv(fh, read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                                                      block_size=1 << 26),
                                   parse_options=pacsv.ParseOptions(delimiter="\t"),
                                   convert_options=pacsv.ConvertOptions(null_values=[""]))  # 'n/a' is text
        except pa.ArrowInvalid as exc:
            raise _locate_parse_error(open_file, name, where, exc) from None
    columns = [c for c in table.columns if c.null_count < len(c)]  # a trailing tab gives an empty column
    out = np.empty((table.num_rows, len(columns)))
    for j, column in enumerate(columns):  # column by column: no second full-size temporary
        if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
            raise _non_numeric(column, j, name, where)
        if column.null_count:
            row = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
            raise InputFileError(f"{where}: {name}: line {row + 1}, column {j + 1} is empty (a number is expected)")
        out[:, j] = column.to_numpy()
    big = np.abs(out) > MAX_MAGNITUDE  # (NaN compares False: the NaN check of build_mrio names it)
    if big.any():
        row, col = (int(k) for k in np.argwhere(big)[0])
        raise MRIOValueError(f"{where}: {name}: line {row + 1}, column {col + 1}: {out[row, col]:g} is larger in "
                             f"magnitude than {MAX_MAGNITUDE:g} (a damaged cell or a unit error?); {int(big.sum())} "
                             "such cells")
    return out


def _non_numeric(column, j: int, name: str, where: str) -> InputFileError:
    """The first cell of a text column that is not a number, by line and column."""
    values = column.to_pandas()
    bad = pd.to_numeric(values, errors="coerce").isna() & values.notna()
    row = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
    hint = " (the file is not tab-separated?)" if "," in str(values.iloc[row]) else ""
    return InputFileError(f"{where}: {name}: line {row + 1}, column {j + 1}: {quote(values.iloc[row])} is not a "
                          f"number{hint}")


def _locate_parse_error(open_file: Callable[[str], Any], name: str, where: str, exc: Exception) -> InputFileError:
    """Arrow does not say which line broke; find it (only on this error path)."""
    text = str(exc)
    if "Empty CSV" in text:
        return InputFileError(f"{where}: {name} is empty")
    expected, first_line = None, 0
    with open_file(name) as fh:
        for number, line in enumerate(fh, start=1):
            fields = line.rstrip(b"\r\n").count(b"\t") + 1
            if expected is None:
                expected, first_line = fields, number
            elif fields != expected:
                cut = " (the file ends mid-row: truncated?)" if not line.endswith(b"\n") else ""
                return InputFileError(f"{where}: {name}: line {number} has {fields} columns, line {first_line} has "
                                      f"{expected}{cut}")
    from ..core.errors import shorten

    return InputFileError(f"{where}: {name}: cannot be parsed ({shorten(text)})")


def _read_eora26_fast(path: Path, year: int, price: str, **kwargs: Any) -> MRIO:
    open_file = _eora26_opener(path, year, price)
    where = f"Eora26 {year} ({path})"

    def labels(name: str) -> pd.DataFrame:
        with open_file(name) as fh, reading(f"{where}: {name}"):
            frame = pd.read_csv(fh, sep="\t", header=None, dtype=str, keep_default_na=False)
        if frame.shape[1] < 4:
            raise InputFileError(f"{where}: {name} has {frame.shape[1]} tab-separated columns, Eora's labels have 4 "
                                 f"(full name, code, system, item); first line {quote(frame.iloc[0, 0])}")
        return frame

    lab_t, lab_fd = labels("labels_T.txt"), labels("labels_FD.txt")
    stem = f"Eora26_{year}_{price}"
    T, FD, VA = (_read_eora_block(open_file, f"{stem}_{b}.txt", where) for b in ("T", "FD", "VA"))
    n_all, k_all = len(lab_t), len(lab_fd)
    for block, arr, shape in (("T", T, (n_all, n_all)), ("FD", FD, (n_all, k_all)), ("VA", VA, (len(VA), n_all))):
        if arr.shape != shape:
            raise MRIOShapeError(f"{where}: {stem}_{block}.txt is {arr.shape[0]}×{arr.shape[1]}, the labels say "
                                 f"{shape[0]}×{shape[1]}")
    keep = (lab_t[1] != _EORA_DISCREPANCY).to_numpy()
    keep_fd = (lab_fd[1] != _EORA_DISCREPANCY).to_numpy()
    dropped = {"T row": float(T[~keep].sum()), "T column": float(T[keep][:, ~keep].sum()),
               "FD row": float(FD[~keep].sum()), "FD column": float(FD[keep][:, ~keep_fd].sum()),
               "VA column": float(VA[:, ~keep].sum())}
    codes, sectors = lab_t.loc[keep, 1].tolist(), lab_t.loc[keep, 3].tolist()
    countries = _ordered_unique(codes)
    sector_list = _ordered_unique(sectors)
    if [(c, s) for c, s in zip(codes, sectors)] != [(c, s) for c in countries for s in sector_list]:
        raise MRIOShapeError(f"{where}: labels_T.txt is not a full country × sector grid "
                             f"({len(countries)} countries, {len(sector_list)} sectors, {len(codes)} rows)")
    fd_codes, fd_cats = lab_fd.loc[keep_fd, 1].tolist(), lab_fd.loc[keep_fd, 3].tolist()
    categories = _ordered_unique(fd_cats)
    if [(c, k) for c, k in zip(fd_codes, fd_cats)] != [(c, k) for c in countries for k in categories]:
        raise MRIOShapeError(f"{where}: labels_FD.txt does not list {len(categories)} categories for each of "
                             f"the {len(countries)} countries of labels_T.txt, in the same order")
    iso, renamed = normalise_codes(countries, where=f"{where}: labels_T.txt")
    derived = [f"Eora26 statistical-discrepancy row/column ({_EORA_DISCREPANCY}) dropped"]
    if renamed:
        derived.append(f"country codes renamed {renamed}")
    meta = {"price": price, "unit": "000 USD", "eora_dropped": dropped, "derived": derived}
    notes = unknown_codes_note(iso, lab_t[1].tolist(), f"{where}: labels_T.txt")
    if notes:
        meta["notes"] = notes
    Z, Y = T[np.ix_(keep, keep)], FD[np.ix_(keep, keep_fd)]
    del T  # the full block with the discrepancy row/column is no longer needed
    for block in (Z, Y):
        block.setflags(write=False)  # private to this reader: the MRIO shares it without a copy
    return build_mrio(Z, Y, iso, sector_list, year, source="Eora26", fd_categories=categories,
                      va_published=VA[:, keep].sum(axis=0), meta=meta, **kwargs)


# ----- dispatch, cache, iteration --------------------------------------------------
def detect_source(path: str | Path) -> str:
    """``eora26`` if the path holds Eora26 files, ``pymrio`` if it holds saved pymrio folders."""
    path = Path(path)
    if not path.exists():
        raise DataNotFoundError(f"path {path} does not exist")
    if path.suffix == ".zip" or eora26_years(path):
        return "eora26"
    if (path / "file_parameters.json").exists() or any((p / "file_parameters.json").exists() for p in path.iterdir()
                                                         if p.is_dir()):
        return "pymrio"
    raise DataNotFoundError(f"{path}: neither Eora26 files (Eora26_YYYY_bp_T.txt or .zip) nor pymrio saved folders")


def input_files(source: str, path: str | Path | None, year: int) -> list[Path]:
    """The files a parsed year is read from (none for the generated synthetic world)."""
    if path is None:
        return []
    path = Path(path).resolve()
    if source == "eora26":
        return sorted(p for p in ([path] if path.is_file() else path.rglob("*"))
                      if p.is_file() and (str(year) in p.name or p.name.startswith(("labels", "indices"))))
    if source == "pymrio":
        folder = _year_folder(path, year)
        return sorted(p for p in folder.rglob("*") if p.is_file())
    return sorted(p for p in path.rglob("*") if p.is_file() and str(year) in str(p.relative_to(path)))


def cache_key(source: str, year: int, path: str | Path | None = None, *, cache_dir: str | Path | None = None,
              **options: Any) -> str:
    """Key of a parsed year (:mod:`mutualism.core.cache`): the options, the *content* of every
    source file (``cache_dir`` holds the side index of digests), the reference data and the
    source of the readers."""
    from ..core.cache import data_digest, files_digest, make_key, source_digest

    check_option("source", source, SOURCES)
    p = Path(path).resolve() if path else None
    files = input_files(source, p, year)
    digests = files_digest(files, cache_dir)
    named = sorted((str(f.relative_to(p)) if p is not None and p.is_dir() else f.name, digests[str(f.resolve())])
                   for f in files)
    return make_key(source=source, year=year, path=str(p), files=named, options=options, data=data_digest(),
                    library=source_digest(__name__))


def _save_npz(mrio: MRIO, path: str) -> None:
    arrays = {k: getattr(mrio, k) for k in ("Z", "Y", "va", "x")}
    if mrio.Y_detail is not None:
        arrays["Y_detail"] = mrio.Y_detail
    header = {"countries": mrio.countries, "sectors": mrio.sectors, "year": mrio.year,
              "fd_categories": mrio.fd_categories, "meta": dict(mrio.meta)}
    arrays["header"] = np.frombuffer(json.dumps(header, default=str).encode(), dtype=np.uint8)

    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _load_npz(path: str) -> MRIO:
    with np.load(path) as data:
        header = json.loads(data["header"].tobytes().decode())
        return MRIO(Z=data["Z"], Y=data["Y"], va=data["va"], x=data["x"],
                    Y_detail=data["Y_detail"] if "Y_detail" in data.files else None,
                    countries=header["countries"], sectors=header["sectors"], year=header["year"],
                    fd_categories=header["fd_categories"], meta={**header["meta"], "from_cache": str(path)})


def load_year(
    source: str,
    year: int,
    path: str | Path | None = None,
    *,
    size: str = "small",
    seed: int = 2023,
    concordance: str | None = None,
    balance: str = "check",
    cache_dir: str | Path | None = None,
) -> MRIO:
    """One year of a table from any source, through the disk cache when ``cache_dir`` is set.

    Parameters
    ----------
    source : ``synthetic`` (generated, or read from ``path`` if a world was written by
        ``mutualism synth``), ``eora26`` or ``pymrio``.
    year : the table year; a missing year raises :class:`DataNotFoundError` listing the
        available ones.
    path : data folder (or Eora26 zip).
    size, seed : synthetic world options.
    concordance : sector concordance name under ``data/`` (``eora26`` is applied to Eora
        tables by default).
    balance : ``check`` or ``report`` (METHODS §1).
    cache_dir : folder of the ``.npz`` cache (``None``: no cache), see :mod:`mutualism.core.cache`.
    """
    from ..core.cache import cached

    check_option("source", source, SOURCES)
    options = {"size": size, "seed": seed, "concordance": concordance, "balance": balance}

    def compute() -> MRIO:
        return _load_uncached(source, year, path, size=size, seed=seed, concordance=concordance, balance=balance)

    if cache_dir is None:
        return compute()
    key = cache_key(source, year, path, cache_dir=cache_dir, **options)
    return cached(Path(cache_dir) / "tables" / f"{source}-{year}-{key}.npz", compute, save=_save_npz, load=_load_npz)


def _load_uncached(source: str, year: int, path, *, size: str, seed: int, concordance, balance: str) -> MRIO:
    if source == "synthetic" and path is None:
        from .synthetic import make_mrio

        return apply_concordance(make_mrio(year, size=size, seed=seed), concordance)
    if path is None:
        raise DataNotFoundError(f"source {source!r} needs a data path")
    if source == "eora26":
        return load_eora26(path, year, concordance=concordance or "eora26", balance=balance)
    return load_pymrio_folder(path, year, source=None if source == "pymrio" else source,
                              concordance=concordance, balance=balance)


def iter_years(source: str, years: Iterable[int], path: str | Path | None = None, **kwargs: Any) -> Iterator[MRIO]:
    """Yield one :class:`MRIO` per year, loading each only when asked (never all at once)."""
    for year in years:
        yield load_year(source, year, path, **kwargs)


def load_path(path: str | Path, year: int, *, source: str | None = None, concordance: str | None = None,
              balance: str = "check") -> MRIO:
    """Load a year from a path whose kind is detected when not given: an OECD ICIO file or
    folder, an EXIOBASE 3 folder (:mod:`mutualism.io.layouts`), Eora26 or pymrio saved folders."""
    layout = detect_layout(path) if source is None else (source if source in LAYOUTS else None)
    if layout is not None:
        io, meta = READERS[layout](path, year)
        return from_pymrio(io, year, source=LAYOUTS[layout], meta=meta, concordance=concordance, balance=balance)
    source = source or detect_source(path)
    return load_year(source, year, path, concordance=concordance, balance=balance)


def validation_report(path: str | Path, year: int, *, source: str | None = None,
                      concordance: str | None = None) -> tuple[bool, str]:
    """Text report for ``mutualism validate``: ``(valid, text)``.

    Loads with ``balance="report"`` so the gaps are listed even when they fail; any
    other error in the table's files (unreadable, shape, NaN, negative Z/x, China without
    output) makes it invalid. What is not the table — a path or year that does not exist,
    a bad concordance — raises (the CLI's exit 2, not "invalid").
    """
    source = source or (detect_layout(path) or detect_source(path))
    if source == "eora26" and Path(path).suffix != ".zip" and year not in eora26_years(path):
        raise DataNotFoundError(f"{path}: no Eora26 table for {year}; available years: {eora26_years(path)}")
    if source == "pymrio":
        _year_folder(Path(path), year)
    if concordance:
        read_concordance(concordance)
    try:
        mrio = load_path(path, year, source=source, concordance=concordance, balance="report")
    except MutualismError as exc:
        return False, f"INVALID: {exc}"
    rep = mrio.report()
    lines = [
        f"{rep['source']} {rep['year']}: {rep['countries']} countries × {rep['sectors']} sectors = {rep['n']}",
        f"total output {rep['total_output']:.6g}; final demand {rep['total_final_demand']:.6g}; "
        f"value added {rep['total_value_added']:.6g}",
        f"zero-output sectors: {rep['zero_output_sectors']}; zero-output countries: "
        f"{', '.join(rep['zero_output_countries']) or 'none'}; negative final-demand cells: "
        f"{rep['negative_final_demand_cells']}; negative value added: {rep['negative_value_added_sectors']}",
        "derived: " + "; ".join(rep["derived"]),
        "largest relative gaps against published totals:" if rep["worst_gaps"] else "no published totals to compare",
    ]
    lines += [f"  {g['what']}: {g['where']} gap {g['gap']:.6g} (relative {g['relative']:.3g})" for g in rep["worst_gaps"]]
    lines += [f"warning: {note}" for note in mrio.meta.get("notes", [])]
    failures = mrio.meta.get("balance_failures", [])
    invalid = []  # what no index can be computed from (METHODS §1)
    if rep["total_output"] == 0:
        invalid.append(f"{mrio.describe()}: every row of Z and Y sums to 0 or less: no output at all in {year} "
                       "(an empty or zeroed year)")
    elif CHINA in rep["zero_output_countries"]:
        try:
            mrio.require_output(CHINA)
        except MutualismError as exc:
            invalid.append(str(exc))
    others = [c for c in rep["zero_output_countries"] if c != CHINA]
    if others and not rep["total_output"] == 0:
        lines.append(f"warning: {len(others)} countries have zero total output in {year}: "
                     f"{', '.join(others)} (their indices are missing)")
    lines += [f"INVALID: {problem}" for problem in invalid]
    if failures:
        lines.append("INVALID (balance): " + "; ".join(failures))
    if not invalid and not failures:
        lines.append("valid: all checks pass")
    return not failures and not invalid, "\n".join(lines)
