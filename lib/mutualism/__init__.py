"""mutualism: a living replication of Liu, Zhou & Zeng (2023) from raw MRIO tables.

Modules, one per concept: :mod:`mrio` (the table object, closure and validation),
:mod:`sources` (readers and caches), :mod:`synthetic` (the default synthetic world),
:mod:`reference` and :mod:`controls` (country facts and control variables),
:mod:`decompose` (Leontief and WWZ decompositions), :mod:`indices` (the paper's
indices), :mod:`panel`; estimation: :mod:`fe`, :mod:`models`, :mod:`results`,
:mod:`paper`; presentation: :mod:`formatting`, :mod:`tables`, :mod:`figures`; the book
and :mod:`cli`.
The specification is ``METHODS.md`` (shipped as ``docs/METHODS.md``).
"""

from importlib.metadata import PackageNotFoundError, version

from .config import Params
from .errors import MutualismError
from .mrio import MRIO, build_mrio

try:
    __version__ = version("mutualism")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["MRIO", "MutualismError", "Params", "build_mrio", "__version__"]
