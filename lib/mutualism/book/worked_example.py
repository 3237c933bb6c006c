"""Chapter 2's worked example: a table small enough to print, every quantity of
METHODS.md §1–§5 and §9 computed on it with the library and labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..io.mrio import MRIO

#: The teaching table of chapter 2: China, one partner (PAK) and the rest of the world,
#: two sectors (C5 textiles, C9 machinery), two consecutive years (the second is the one
#: shown; the first gives the growth rates of the coordination index). Rows and columns
#: of ``Z`` are CHN.C5, CHN.C9, PAK.C5, PAK.C9, ROW.C5, ROW.C9; columns of ``Y`` are the
#: destinations CHN, PAK, ROW.
EXAMPLE_COUNTRIES = ("CHN", "PAK", "ROW")
EXAMPLE_SECTORS = ("C5", "C9")
EXAMPLE_TABLES = {
    2019: (
        [[36, 9, 9, 2, 19, 5], [7, 52, 3, 7, 14, 27], [5, 1, 18, 2, 4, 1],
         [1, 2, 2, 7, 1, 2], [9, 4, 3, 1, 48, 10], [5, 22, 2, 5, 12, 85]],
        [[92, 12, 57], [104, 15, 74], [4, 35, 9], [2, 21, 3], [29, 7, 195], [47, 10, 290]],
    ),
    2020: (
        [[40, 10, 12, 3, 20, 5], [8, 60, 4, 10, 15, 30], [6, 1, 20, 2, 4, 1],
         [1, 3, 2, 8, 1, 2], [10, 4, 3, 1, 50, 10], [5, 25, 2, 6, 12, 90]],
        [[100, 15, 60], [120, 20, 80], [5, 40, 10], [2, 25, 3], [30, 8, 200], [50, 12, 300]],
    ),
}


@dataclass(frozen=True, eq=False)
class WorkedExample:
    """Every quantity of METHODS §1–§5 and §9 on the teaching table, labelled.

    ``tables`` holds the two years' :class:`~mutualism.io.mrio.MRIO`; ``mrio`` is the later
    one. Matrices are DataFrames labelled ``(country, sector)``.
    """

    tables: dict[int, MRIO]
    mrio: MRIO
    A: pd.DataFrame
    B: pd.DataFrame
    v: pd.Series
    v_B: pd.Series
    exports: pd.DataFrame
    bilateral_exports: pd.DataFrame
    vae: pd.DataFrame
    wwz: pd.DataFrame
    wwz_gap: float
    indices: pd.DataFrame
    indices_wwz: pd.DataFrame

    @property
    def year(self) -> int:
        return self.mrio.year


def read_example_tables(path: str | Path) -> dict[int, tuple[list, list]]:
    """The worked example's tables from a YAML file (chapter parameter ``example_table``).

    The file maps two consecutive years to ``Z`` (6 × 6: rows and columns CHN.C5, CHN.C9,
    PAK.C5, PAK.C9, ROW.C5, ROW.C9) and ``Y`` (6 × 3: destinations CHN, PAK, ROW), all
    numbers ≥ 0, as :func:`write_example_tables` writes them::

        2019:
          Z: [[36, 9, 9, 2, 19, 5], ...]
          Y: [[92, 12, 57], ...]
        2020: ...

    Raises :class:`~mutualism.core.errors.InputFileError` naming the file, the year, the block
    and the row or entry at fault.
    """
    import math

    import yaml

    from ..core.errors import InputFileError

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path}: cannot read the example tables ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or len(data) != 2:
        raise InputFileError(f"{path}: give exactly two years, each with Z and Y (found "
                             f"{list(data) if isinstance(data, dict) else type(data).__name__})")
    years = sorted(data)
    if not all(isinstance(y, int) for y in years) or years[1] != years[0] + 1:
        raise InputFileError(f"{path}: the two years must be consecutive whole years, not {years}")
    n, g = len(EXAMPLE_COUNTRIES) * len(EXAMPLE_SECTORS), len(EXAMPLE_COUNTRIES)
    tables = {}
    for year in years:
        entry = data[year]
        if not isinstance(entry, dict) or not {"Z", "Y"} <= set(entry) or set(entry) - {"Z", "Y", *LABEL_KEYS}:
            raise InputFileError(f"{path}: year {year} needs the keys Z and Y (and, optionally, the labels "
                                 f"{' and '.join(LABEL_KEYS)}), found {sorted(entry) if isinstance(entry, dict) else entry!r}")
        for key, expected in LABEL_KEYS.items():  # labels, when given, must be the example's own order
            if key in entry and list(map(str, entry[key] or [])) != list(expected()):
                raise InputFileError(f"{path}: year {year}, {key} must be {', '.join(expected())} (the order of "
                                     f"the rows and columns), not {entry[key]!r}")
        for block, columns in (("Z", n), ("Y", g)):
            rows = entry[block]
            if not isinstance(rows, list) or len(rows) != n:
                raise InputFileError(f"{path}: year {year}, {block} needs {n} rows, has "
                                     f"{len(rows) if isinstance(rows, list) else 'none'}")
            for k, row in enumerate(rows):
                if not isinstance(row, list) or len(row) != columns:
                    raise InputFileError(f"{path}: year {year}, {block} row {k + 1} needs {columns} numbers")
                for j, value in enumerate(row):
                    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                            or value < 0:
                        raise InputFileError(f"{path}: year {year}, {block}[{k + 1}][{j + 1}] = {value!r} is not a "
                                             "number ≥ 0")
        tables[year] = (entry["Z"], entry["Y"])
    return tables


def row_labels() -> list[str]:
    """``CHN.C5``, ``CHN.C9``, …: the rows of ``Z`` and ``Y`` and the columns of ``Z``."""
    return [f"{c}.{s}" for c in EXAMPLE_COUNTRIES for s in EXAMPLE_SECTORS]


def destination_labels() -> list[str]:
    """``CHN``, ``PAK``, ``ROW``: the columns of ``Y`` (final demand by destination)."""
    return list(EXAMPLE_COUNTRIES)


#: Optional label keys of a year in the YAML file (checked against the example's order).
LABEL_KEYS = {"rows": row_labels, "Y_columns": destination_labels}


def write_example_tables(path: str | Path, tables: dict | None = None) -> Path:
    """Write ``tables`` (default: the book's :data:`EXAMPLE_TABLES`) as the YAML file
    :func:`read_example_tables` reads: a starting point for a table of one's own.

    Each year carries its labels, ``rows`` (the rows of ``Z`` and ``Y`` and the columns of
    ``Z``) and ``Y_columns`` (the destinations), and every row of ``Z`` and ``Y`` is
    followed by a comment naming it, so an entry can be found by name (``CHN.C9`` selling
    to ``PAK.C9``)."""
    from ..core.fileio import atomic_write

    tables = EXAMPLE_TABLES if tables is None else tables
    rows, destinations = row_labels(), destination_labels()

    def numbers(row) -> str:
        return "[" + ", ".join(str(int(v)) if float(v).is_integer() else repr(float(v)) for v in row) + "]"

    lines = ["# The worked example of chapter 2 (mutualism.book.worked_example): two consecutive years.",
             "# Z: intermediate sales of the row's country.sector to the column's (columns in the order of rows);",
             "# Y: final demand for the row's output, by destination (Y_columns). Every number >= 0."]
    for year in sorted(tables):
        Z, Y = tables[year]
        lines += [f"{int(year)}:", f"  rows: [{', '.join(rows)}]", f"  Y_columns: [{', '.join(destinations)}]",
                  f"  Z:  # columns: {' '.join(rows)}"]
        lines += [f"  - {numbers(r)}  # {label}" for r, label in zip(Z, rows)]
        lines.append(f"  Y:  # columns: {' '.join(destinations)}")
        lines += [f"  - {numbers(r)}  # {label}" for r, label in zip(Y, rows)]
    text = "\n".join(lines) + "\n"
    atomic_write(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return Path(path)


def worked_example(tables: dict | str | Path | None = None) -> WorkedExample:
    """Compute chapter 2's worked example with the library (METHODS §1–§5, §9).

    ``tables``: the two years' ``(Z, Y)`` (default :data:`EXAMPLE_TABLES`), or the path of
    a YAML file of them (:func:`read_example_tables`; the chapter parameter
    ``example_table``).
    """
    import numpy as np
    import pandas as pd

    if tables is None:
        tables_in = EXAMPLE_TABLES
    elif isinstance(tables, (str, Path)):
        tables_in = read_example_tables(tables)
    else:
        tables_in = tables

    from ..gvc.decompose import (WWZ_TERMS, bilateral_exports, export_summary, leontief_decomposition,
                                 leontief_inverse, wwz)
    from ..gvc.indices import add_coordination, year_indices
    from ..io.mrio import build_mrio

    tables = {year: build_mrio(np.array(Z, float), np.array(Y, float), EXAMPLE_COUNTRIES, EXAMPLE_SECTORS, year,
                               source="worked example") for year, (Z, Y) in tables_in.items()}
    mrio = tables[max(tables)]
    index = mrio.index
    A = pd.DataFrame(mrio.A, index=index, columns=index)
    B = pd.DataFrame(leontief_inverse(mrio.A), index=index, columns=index)
    v = pd.Series(mrio.v, index=index, name="v")
    intermediate, final = bilateral_exports(mrio.Z, mrio.Y, mrio.G)
    bilateral = pd.concat({"intermediate": pd.DataFrame(intermediate, index=index, columns=list(mrio.countries)),
                           "final": pd.DataFrame(final, index=index, columns=list(mrio.countries))}, axis=1)
    decomposition = wwz(mrio)
    gap = float((decomposition[list(WWZ_TERMS)].sum(axis=1) - decomposition["texp"]).abs().max())

    def indices(fva: str):
        frames = [year_indices(t, ["PAK"], industries=list(EXAMPLE_SECTORS), fva=fva) for t in tables.values()]
        out = add_coordination(pd.concat(frames, ignore_index=True))
        return out[out["year"] == mrio.year].set_index("industry")

    return WorkedExample(tables=tables, mrio=mrio, A=A, B=B, v=v, v_B=v @ B, exports=export_summary(mrio),
                         bilateral_exports=bilateral, vae=leontief_decomposition(mrio), wwz=decomposition,
                         wwz_gap=gap, indices=indices("leontief"), indices_wwz=indices("wwz"))
