"""Where the reference data shipped with the project live (the top-level ``data/``).

``MUTUALISM_DATA_DIR`` overrides the location; by default it is the ``data/`` folder of
the source tree the package was installed from (``pip install -e .``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import DataNotFoundError


def source_tree() -> Path:
    """The source tree the package was installed from (``pip install -e .``): the folder
    holding ``lib/``, ``data/``, ``docs/``, ``notebooks/`` and the book's configuration."""
    return Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    """The folder holding the project's reference CSV files."""
    env = os.environ.get("MUTUALISM_DATA_DIR")
    path = Path(env) if env else source_tree() / "data"
    if not path.is_dir():
        raise DataNotFoundError(f"reference data folder {path} not found; set MUTUALISM_DATA_DIR")
    return path


def data_file(name: str) -> Path:
    """Path of one reference file under ``data/``; lists what exists when it is missing."""
    path = data_dir() / name
    if not path.exists():
        have = sorted(p.name for p in data_dir().iterdir())
        raise DataNotFoundError(f"reference file {name!r} not found in {data_dir()}; available: {have}")
    return path


@lru_cache(maxsize=None)
def read_csv(name: str) -> pd.DataFrame:
    """Read a reference CSV once (``keep_default_na=False`` so that ``NA`` = Namibia survives)."""
    from .errors import reading

    path = data_file(name)
    with reading(path):
        return pd.read_csv(path, keep_default_na=False, na_values=[""])


def sectors() -> pd.DataFrame:
    """The Eora26 sector table (code C1…C26, Eora26 label, name, manufacturing, tech intensity)."""
    return read_csv("sectors_eora26.csv").copy()


def concordance(name: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """A sector concordance ``data/concordance_<name>.csv`` as (mapping, target order).

    Columns ``source`` and ``target``; every source sector must be listed exactly once
    (METHODS §7: a duplicated source sector is an error naming it and its lines; a source
    sector of the table that is not listed is an error of
    :func:`mutualism.io.mrio.aggregate_sectors`). Targets are ordered as in the Eora26 sector
    table.
    """
    from .errors import InputFileError

    path = data_file(f"concordance_{name}.csv")
    table = read_csv(f"concordance_{name}.csv")
    missing = [c for c in ("source", "target") if c not in table.columns]
    if missing:
        raise InputFileError(f"{path}: missing column(s) {missing}; it has {list(table.columns)}")
    source, target = table["source"].astype(str), table["target"].astype(str)
    empty = table.index[table["source"].isna() | table["target"].isna()]
    if len(empty):
        raise InputFileError(f"{path}: line {empty[0] + 2} has an empty source or target")
    dup = source[source.duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        lines = ", ".join(str(i + 2) for i in dup.index[dup == first])
        raise InputFileError(f"{path}: source sector {first!r} is listed {int((dup == first).sum())} times "
                             f"(lines {lines}: targets {', '.join(target[dup.index[dup == first]])}); "
                             "each source sector must map to exactly one target")
    mapping = dict(zip(source, target))
    order = [c for c in sectors()["code"] if c in set(mapping.values())]
    unknown = sorted(set(mapping.values()) - set(order))
    if unknown:
        raise InputFileError(f"{path}: target sectors {unknown} are not Eora26 sectors (C1…C26)")
    return mapping, tuple(order)
