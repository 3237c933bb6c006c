"""mutualism: a living replication of Liu, Zhou & Zeng (2023) from raw MRIO tables.

The folders are the layers, lowest first (:data:`LAYERS`); a module imports only its own
layer or lower ones (docs/ARCHITECTURE.md, checked by tests/test_architecture.py):
:mod:`mutualism.core` (errors, files, parameters, cache, verdict rules), :mod:`mutualism.io`
(tables, readers, the synthetic world, controls), :mod:`mutualism.gvc` (Leontief, the
decompositions, the paper's indices), :mod:`mutualism.econometrics` (panel, estimators,
results, the paper's specification), :mod:`mutualism.report` (text, tables, figures),
:mod:`mutualism.book` (what the chapters call, the build) and :mod:`mutualism.cli` (the
``mutualism`` command). The specification is ``docs/METHODS.md``.
"""

from importlib.metadata import PackageNotFoundError, version

from .core.config import Params
from .core.errors import MutualismError
from .io.mrio import MRIO, build_mrio

try:
    __version__ = version("mutualism")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: The layers, lowest first: a subpackage of ``mutualism`` each, then the command line.
LAYERS = ("core", "io", "gvc", "econometrics", "report", "book", "cli")

__all__ = ["LAYERS", "MRIO", "MutualismError", "Params", "build_mrio", "__version__"]
