"""The file layouts of OECD ICIO and EXIOBASE 3: readers, and synthetic tables written in them
(METHODS.md §1, §7).

Researchers now work with OECD ICIO (2023 release: 81 economies — 76 countries, the rest
of the world and the split halves of China and Mexico — × 45 industries, one CSV per
year, ``n ≈ 3,465`` after pymrio merges the splits) and EXIOBASE 3 (49 regions × 200
products, ``n = 9,800``, a folder of tab-separated pymrio text files). Both are read
with pymrio's own parsers (``pymrio.parse_oecd``, ``pymrio.parse_exiobase3``) and closed
as every table is (§1): ``x = Z·1 + Y·1``, the published output and value added only
checked. The writers produce synthetic tables of the real sizes in the real layouts, so
the readers and the large-table benchmarks run without the (non-redistributable or
very large) originals.

- :func:`sized_world` — a productive random table of any size (``Z``, ``Y`` by category,
  value added), deterministic in its seed.
- :func:`write_icio` / :func:`read_icio` — ``ICIO2023_<year>.csv``.
- :func:`write_exiobase` / :func:`read_exiobase` — ``A.txt``, ``Y.txt``, ``x.txt`` and a
  ``satellite`` extension whose value-added rows are EXIOBASE's.
- :data:`READERS` — the readers by layout; :func:`mutualism.io.sources.load_path` closes what
  they read as every table (§1).
- :func:`detect_layout` — which of the two a path holds (``None``: neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataNotFoundError, InputFileError, MRIOShapeError, reading
from ..core.fileio import atomic_write_text

#: The 76 countries of OECD ICIO 2023 and the rest of the world, in the release's order.
ICIO_COUNTRIES = (
    "AUS", "AUT", "BEL", "CAN", "CHL", "COL", "CRI", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL",
    "IRL", "ISR", "ITA", "JPN", "KOR", "LVA", "LTU", "LUX", "MEX", "NLD", "NZL", "NOR", "POL", "PRT", "SVK", "SVN",
    "ESP", "SWE", "CHE", "TUR", "GBR", "USA", "ARG", "BGD", "BLR", "BRA", "BRN", "BGR", "KHM", "CMR", "CHN", "CIV",
    "HRV", "CYP", "EGY", "HKG", "IND", "IDN", "JOR", "KAZ", "LAO", "MYS", "MLT", "MAR", "MMR", "NGA", "PAK", "PER",
    "PHL", "ROU", "RUS", "SAU", "SEN", "SGP", "ZAF", "TWN", "THA", "TUN", "UKR", "VNM", "ROW",
)
#: The split halves of China and Mexico that the ICIO files carry and pymrio merges.
ICIO_SPLITS = ("CN1", "CN2", "MX1", "MX2")
#: The 45 industries of OECD ICIO 2023 (ISIC Rev. 4).
ICIO_INDUSTRIES = (
    "A01_02", "A03", "B05_06", "B07_08", "B09", "C10T12", "C13T15", "C16", "C17_18", "C19", "C20", "C21", "C22",
    "C23", "C24", "C25", "C26", "C27", "C28", "C29", "C30", "C31T33", "D", "E", "F", "G", "H49", "H50", "H51", "H52",
    "H53", "I", "J58T60", "J61", "J62_63", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T",
)
#: ICIO's final-demand categories and value-added rows.
ICIO_FINAL_DEMAND = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
ICIO_VALUE_ADDED = ("TLS", "VA")
#: The 49 regions of EXIOBASE 3 (ISO2 codes; WA, WE, WF, WL, WM are rest-of-world regions).
EXIOBASE_REGIONS = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "GB", "US", "JP", "CN", "CA", "KR", "BR", "IN", "MX", "RU", "AU",
    "CH", "TR", "TW", "NO", "ID", "ZA", "WA", "WL", "WE", "WF", "WM",
)
EXIOBASE_PRODUCTS = tuple(f"Product {k:03d}" for k in range(1, 201))
EXIOBASE_FINAL_DEMAND = (
    "Final consumption expenditure by households", "Final consumption expenditure by non-profit organisations "
    "serving households (NPISH)", "Final consumption expenditure by government", "Gross fixed capital formation",
    "Changes in inventories", "Changes in valuables", "Exports: Total (fob)")
#: The value-added rows of EXIOBASE's ``satellite`` extension (the rest are physical accounts).
EXIOBASE_VALUE_ADDED = (
    "Taxes less subsidies on products purchased: Total", "Other net taxes on production",
    "Compensation of employees; wages, salaries, & employers' social contributions: Low-skilled",
    "Compensation of employees; wages, salaries, & employers' social contributions: Medium-skilled",
    "Compensation of employees; wages, salaries, & employers' social contributions: High-skilled",
    "Operating surplus: Consumption of fixed capital", "Operating surplus: Rents on land",
    "Operating surplus: Royalties on resources", "Operating surplus: Remaining net operating surplus")
#: Layouts :func:`detect_layout` recognises, and the source name of their tables.
LAYOUTS = {"icio": "OECD ICIO", "exiobase": "EXIOBASE 3"}


@dataclass(frozen=True)
class SizedWorld:
    """A synthetic table: ``Z (n,n)``, ``Y (n, G·K)`` (destination-major), ``va (m, n)``
    split in ``m`` value-added rows; labels of regions, sectors, categories and rows."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    categories: tuple[str, ...]
    va_rows: tuple[str, ...]
    year: int
    Z: np.ndarray
    Y: np.ndarray
    va: np.ndarray

    @property
    def x(self) -> np.ndarray:
        return self.Z.sum(axis=1) + self.Y.sum(axis=1)


def sized_world(regions: Sequence[str], sectors: Sequence[str], categories: Sequence[str], va_rows: Sequence[str],
                year: int = 2020, *, seed: int = 2023, home_bias: float = 6.0) -> SizedWorld:
    """A productive random table of ``len(regions) × len(sectors)`` (deterministic in ``seed``).

    Column sums of ``A`` are drawn in ``(0.3, 0.65)``, each input column spread over all
    country-sectors with a home bias; final demand is positive with a home bias; output is
    ``x = (I − A)⁻¹·Y·1`` (one solve), ``Z = A·diag(x)``, and value added is the column
    residual split over ``va_rows``, so the table is closed exactly (§1). A few sectors of
    the last region get no output (real tables have them).
    """
    rng = np.random.default_rng([seed, year, len(regions), len(sectors)])
    G, N = len(regions), len(sectors)
    n, K = G * N, len(categories)
    size = rng.lognormal(0.0, 1.0, G)                                  # region sizes
    weight = (rng.random((n, n)) + 0.05) * np.repeat(size, N)[:, None]
    own = np.kron(np.eye(G), np.ones((N, N))).astype(bool)
    weight[own] *= home_bias
    A = weight / weight.sum(axis=0) * rng.uniform(0.3, 0.65, n)
    dest = np.repeat(size, K)[None, :] * rng.random((n, G * K))
    dest.reshape(G, N, G, K)[np.arange(G), :, np.arange(G), :] *= home_bias * 4
    Y = dest * np.repeat(size, N)[:, None] * 10.0
    zero = (G - 1) * N + np.arange(min(3, N))                          # no output here
    A[:, zero] = 0.0
    A[zero, :] = 0.0
    Y[zero, :] = 0.0
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    Z = A * x[None, :]
    residual = x - Z.sum(axis=0)
    shares = rng.dirichlet(np.ones(len(va_rows)), n).T
    return SizedWorld(tuple(regions), tuple(sectors), tuple(categories), tuple(va_rows), year, Z, Y,
                      shares * residual[None, :])


def icio_world(year: int = 2020, *, seed: int = 2023, countries: Sequence[str] = ICIO_COUNTRIES,
               industries: Sequence[str] = ICIO_INDUSTRIES, splits: Sequence[str] = ICIO_SPLITS) -> SizedWorld:
    """A synthetic world in OECD ICIO 2023's classification: 81 economies × 45 industries
    by default (``splits`` are written as separate economies, as the release does)."""
    return sized_world((*countries, *splits), industries, ICIO_FINAL_DEMAND, ICIO_VALUE_ADDED, year, seed=seed)


def exiobase_world(year: int = 2020, *, seed: int = 2023, regions: Sequence[str] = EXIOBASE_REGIONS,
                   products: Sequence[str] = EXIOBASE_PRODUCTS) -> SizedWorld:
    """A synthetic world in EXIOBASE 3's classification: 49 regions × 200 products by default."""
    return sized_world(regions, products, EXIOBASE_FINAL_DEMAND, EXIOBASE_VALUE_ADDED, year, seed=seed)


# ----- OECD ICIO -------------------------------------------------------------------------
def icio_file(folder: str | Path, year: int) -> Path:
    return Path(folder) / f"ICIO2023_{year}.csv"


def write_icio(world: SizedWorld, folder: str | Path) -> Path:
    """Write ``ICIO2023_<year>.csv`` as the release lays it out: rows ``CTY_IND``, then
    ``TLS``, ``VA`` and ``OUT``; columns ``CTY_IND``, final demand ``CTY_CAT`` (split
    economies have no final-demand columns) and ``OUT``. Written to a temporary name and
    renamed."""
    G, N = len(world.regions), len(world.sectors)
    labels = [f"{c}_{s}" for c in world.regions for s in world.sectors]
    with_fd = [c for c in world.regions if c not in ICIO_SPLITS]
    fd_cols = [f"{c}_{k}" for c in with_fd for k in world.categories]
    Y4 = world.Y.reshape(G * N, G, len(world.categories))
    keep = [p for p, c in enumerate(world.regions) if c not in ICIO_SPLITS]
    splits = [p for p, c in enumerate(world.regions) if c in ICIO_SPLITS]
    Y = Y4[:, keep].copy()
    for p in splits:   # final demand of a split half is that of its country
        parent = world.regions.index("CHN" if world.regions[p].startswith("CN") else "MEX")
        Y[:, keep.index(parent)] += Y4[:, p]
    Y = Y.reshape(G * N, -1)
    x = world.x
    body = np.hstack([world.Z, Y, x[:, None]])
    va = np.hstack([world.va, np.zeros((len(world.va_rows), Y.shape[1] + 1))])
    out = np.concatenate([x, Y.sum(axis=0), [np.nan]])[None, :]
    frame = pd.DataFrame(np.vstack([body, va, out]), index=[*labels, *world.va_rows, "OUT"],
                         columns=[*labels, *fd_cols, "OUT"])
    frame.iloc[-1, -1] = x.sum()
    path = icio_file(folder, world.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, frame.to_csv(float_format="%.17g", index_label="V1"))
    return path


def _check_icio_cells(path: Path, year: int) -> None:
    """Refuse empty or non-numeric cells (pymrio's parser fills them with 0, §1)."""
    import pyarrow.csv as pacsv

    with reading(path, year, "OECD ICIO file"):
        table = pacsv.read_csv(path)
    for j, column in enumerate(table.column_names[1:], start=1):
        col = table.column(j)
        if col.null_count:
            rows = np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))
            label = table.column(0)[int(rows[0])].as_py()
            raise InputFileError(f"{path} (year {year}): {col.null_count} empty cell(s) in column {column!r}, first on "
                                 f"row {label!r} (line {int(rows[0]) + 2}); a missing value is not 0: fill it")
        if not _numeric(col.type):
            raise InputFileError(f"{path} (year {year}): column {column!r} holds text, not numbers")


def _numeric(dtype) -> bool:
    import pyarrow.types as pat

    return pat.is_integer(dtype) or pat.is_floating(dtype) or pat.is_null(dtype)


def read_icio(path: str | Path, year: int):
    """One year of OECD ICIO as a pymrio system (a ``ICIO20YY_<year>.csv`` file, or the
    folder holding it) and the metadata of where it came from.

    Parsed by ``pymrio.parse_oecd`` (which merges CN1/CN2 into CHN and MX1/MX2 into MEX,
    and reads ``TLS + VA`` as the ``factor_inputs`` extension, the published value added);
    empty cells are refused first, since that parser fills them with 0.
    """
    import pymrio

    path = Path(path)
    file = path if path.is_file() else next(iter(sorted(path.glob(f"ICIO20*_{year}.csv"))), None)
    if file is None:
        raise DataNotFoundError(f"{path}: no OECD ICIO file for {year} (ICIO20YY_{year}.csv)")
    _check_icio_cells(file, year)
    with reading(file, year, "OECD ICIO file"):
        io = pymrio.parse_oecd(file)
    return io, {"file": str(file)}


# ----- EXIOBASE 3 ---------------------------------------------------------------------------
def write_exiobase(world: SizedWorld, folder: str | Path) -> Path:
    """Write an EXIOBASE 3 folder as the release lays it out (pymrio text files): ``A``,
    ``Y``, ``x``, ``unit`` and a ``satellite`` extension (``F``: the value-added rows and
    one physical row). ``Z`` is not shipped, as in the release."""
    import pymrio

    G, N = len(world.regions), len(world.sectors)
    idx = pd.MultiIndex.from_product([world.regions, world.sectors], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([world.regions, world.categories], names=["region", "category"])
    x = world.x
    A = np.divide(world.Z, x[None, :], out=np.zeros_like(world.Z), where=x[None, :] != 0)
    F = np.vstack([world.va, 0.01 * x[None, :]])
    stressors = pd.Index([*world.va_rows, "CO2 - combustion - air"], name="stressor")
    satellite = {"name": "satellite", "F": pd.DataFrame(F, index=stressors, columns=idx),
                 "unit": pd.DataFrame({"unit": ["M.EUR"] * len(world.va_rows) + ["kg"]}, index=stressors)}
    io = pymrio.IOSystem(A=pd.DataFrame(A, idx, idx), Y=pd.DataFrame(world.Y, idx, cols),
                         x=pd.DataFrame({"indout": x}, index=idx), unit=pd.DataFrame({"unit": "M.EUR"}, index=idx),
                         satellite=satellite, name="EXIOBASE", version="synthetic 3.8 layout")
    io.meta.change_meta("year", world.year)
    folder = Path(folder)
    io.save_all(folder, table_format="txt")
    return folder


def iso3_of_iso2(regions) -> dict[str, str]:
    """ISO2 → ISO3 for the regions that are ISO2 codes (country_converter); the others
    (EXIOBASE's rest-of-world regions WA, WE, WF, WL, WM) are left out of the mapping."""
    import logging

    import country_converter as coco

    regions = list(regions)
    logger = logging.getLogger("country_converter")
    level = logger.level
    logger.setLevel(logging.ERROR)   # the rest-of-world regions are no ISO2 codes: the readers name them
    try:
        converted = np.atleast_1d(coco.convert(regions, src="ISO2", to="ISO3", not_found=None))
    finally:
        logger.setLevel(level)
    return {r: a for r, a in zip(regions, converted) if isinstance(a, str) and len(a) == 3 and a != r}


def read_exiobase(path: str | Path, year: int | None = None):
    """One year of EXIOBASE 3 as a pymrio system (an unpacked ``IOT_<year>_…`` folder, or its
    zip archive), with ``Z`` and the metadata of where it came from.

    Parsed by ``pymrio.parse_exiobase3``; ``Z = A·diag(x)`` (the release ships ``A`` and
    ``x``; the published ``x`` is then checked against the row sums, §1); region codes are
    mapped ISO2 → ISO3 (country_converter); the five rest-of-world regions (WA, WE, WF, WL,
    WM) keep their codes (the reader names them in the notes); the ``satellite`` rows of
    value added become the ``factor_inputs`` extension, the published value added.
    """
    import pymrio

    path = Path(path)
    if not path.exists():
        raise DataNotFoundError(f"EXIOBASE path {path} does not exist")
    with reading(path, year, "EXIOBASE 3 folder"):
        io = pymrio.parse_exiobase3(path)
    if io.A is None or io.x is None or io.Y is None:
        raise MRIOShapeError(f"{path}: an EXIOBASE 3 folder holds A, x and Y; found "
                             f"{', '.join(n for n in ('A', 'x', 'Y', 'Z') if getattr(io, n) is not None) or 'none'}")
    saved = io.meta.metadata.get("year") if io.meta is not None else None
    if year is not None and saved is not None and int(saved) != int(year):
        raise DataNotFoundError(f"{path}: holds year {saved}, not {year}")
    io.Z = io.A * io.x.iloc[:, 0].to_numpy()[None, :]
    io.rename_regions(iso3_of_iso2(dict.fromkeys(io.A.index.get_level_values(0))))
    sat = getattr(io, "satellite", None)
    if sat is not None and sat.F is not None:
        rows = [r for r in sat.F.index if str(r).startswith(("Taxes less subsidies", "Other net taxes",
                                                             "Compensation of employees", "Operating surplus"))]
        if rows:
            io.factor_inputs = pymrio.Extension(name="factor_inputs", F=sat.F.loc[rows])
    return io, {"exiobase_folder": str(path), "derived": ["Z = A·diag(x) (EXIOBASE ships A and x)"]}


def detect_layout(path: str | Path) -> str | None:
    """``"icio"`` for an ``ICIO20YY_*.csv`` file or a folder of them, ``"exiobase"`` for a
    pymrio folder holding ``A`` and ``x`` but no ``Z`` (EXIOBASE 3), else ``None``."""
    path = Path(path)
    if path.is_file():
        return "icio" if path.name.startswith("ICIO20") and path.suffix.lower() == ".csv" else None
    if not path.is_dir():
        return None
    if any(path.glob("ICIO20*_*.csv")):
        return "icio"
    params = path / "file_parameters.json"
    if params.is_file():
        import json

        try:
            files = json.loads(params.read_text()).get("files", {})
        except (OSError, ValueError):
            return None
        if "A" in files and "x" in files and "Z" not in files:
            return "exiobase"
    return None


#: layout → reader ``(path, year) -> (pymrio.IOSystem, metadata)``.
READERS = {"icio": read_icio, "exiobase": read_exiobase}
