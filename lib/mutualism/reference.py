"""Former name of :mod:`mutualism.countries`, kept so that older imports keep working.

Every country fact now lives in :mod:`mutualism.countries`; this module only re-exports it.
"""

from .countries import *  # noqa: F401,F403
