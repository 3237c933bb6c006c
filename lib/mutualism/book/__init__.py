"""Layer 6, the book: what the chapters call (:mod:`.chapter`, re-exported here so that a
chapter needs only ``from mutualism import book``), a run's cached results (:mod:`.runs`),
the sentences that state a verdict (:mod:`.sentences`, :mod:`.prose`), the worked example,
the multiverse, the real-data appendix, and the build (:mod:`.build`, papermill +
jupyter-book, with the Sphinx extensions :mod:`.methods_page` and :mod:`.offline_math`).

Imports every layer below it, never the command line.
"""

from .chapter import *  # noqa: F401,F403
from .chapter import __all__  # noqa: F401
