"""Exceptions raised by the library.

Every error says *what* is wrong and *where*: the data source, the year, and the
offending row/column labels with their magnitudes (METHODS.md §1, "Validation").
All derive from :class:`MutualismError`, itself a :class:`ValueError`, so callers can
catch the whole family at once.
"""

from __future__ import annotations


class MutualismError(ValueError):
    """Base class of every error the library raises on bad input."""


class MRIOShapeError(MutualismError):
    """Blocks of a table have inconsistent shapes, or labels differ between files."""


class MRIOValueError(MutualismError):
    """A table holds NaN/inf, or a negative entry where none is allowed (Z, x)."""


class MRIOBalanceError(MutualismError):
    """Published totals and the accounting closure disagree beyond tolerance (§1)."""


class DataNotFoundError(MutualismError, FileNotFoundError):
    """A requested year, file or folder is missing; the message lists what exists."""


class UnknownOptionError(MutualismError):
    """An option (source name, partner set, method switch...) has an invalid value."""


class EstimationError(MutualismError):
    """A model cannot be estimated on the data given (no variation, singular design...)."""


def check_option(name: str, value: object, valid: tuple | list | set) -> None:
    """Raise :class:`UnknownOptionError` unless ``value`` is one of ``valid``.

    The message names the option and lists its valid values, so a typo in a papermill
    parameter or a CLI flag is explained where it happens.
    """
    if value not in valid:
        choices = ", ".join(repr(v) for v in valid)
        raise UnknownOptionError(f"{name}={value!r} is not valid; choose one of: {choices}")
