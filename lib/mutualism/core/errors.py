"""Exceptions raised by the library, and the command line's exit codes.

Every error caused by input — a file, a parameter, an option, an output path — is a
:class:`MutualismError` whose message says *what* is wrong and *where*: the file, the year
and, where known, the row/column or the parameter (METHODS.md §1, "Validation"). The CLI
prints it as one line without a traceback and exits 2. All derive from
:class:`MutualismError`, itself a :class:`ValueError`, so callers can catch the whole
family at once.

:func:`reading` translates what the parsers raise (Arrow, pandas, numpy, zipfile, YAML,
the file system) into :class:`InputFileError` / :class:`DataNotFoundError` naming the
file and year, quoting at most :data:`QUOTE_LIMIT` characters of the offending content.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: Exit codes of the ``mutualism`` command (documented in every ``--help`` and the README).
EXIT_OK = 0           # success; `validate`: the table is valid
EXIT_INVALID = 1      # `validate` found the table invalid
EXIT_INPUT = 2        # bad input or usage (files, parameters, options; argparse's usage errors)
EXIT_BUG = 3          # unexpected internal error: a bug to report (traceback kept)
EXIT_SIGINT = 130     # interrupted (Ctrl-C)
EXIT_SIGTERM = 143    # terminated (SIGTERM)
EXIT_SIGHUP = 129     # hung up (SIGHUP: the terminal closed); handled like SIGTERM
EXIT_CODES_HELP = (
    "exit status: 0 success (validate: table valid); 1 validate found the table invalid; "
    "2 bad input or usage (a file, parameter or option; the message names it); "
    "3 unexpected internal error (a bug: please report it with the traceback); "
    "129 hung up (SIGHUP); 130 interrupted (SIGINT); 143 terminated (SIGTERM). An interrupted "
    "or failed run leaves the previous output complete (or, interrupted after it was "
    "swapped in, the new one: the message says which) and no partial file."
)
#: How many characters of file content an error message quotes.
QUOTE_LIMIT = 80


class MutualismError(ValueError):
    """Base class of every error the library raises on bad input."""


class MRIOShapeError(MutualismError):
    """Blocks of a table have inconsistent shapes, or labels differ between files."""


class MRIOValueError(MutualismError):
    """A table holds NaN/inf, or a negative entry where none is allowed (Z, x), or China
    has no output in a year."""


class MRIOBalanceError(MutualismError):
    """Published totals and the accounting closure disagree beyond tolerance (§1)."""


class DataNotFoundError(MutualismError, FileNotFoundError):
    """A requested year, file or folder is missing; the message lists what exists."""


class InputFileError(MutualismError):
    """A file exists but cannot be read as what it should be (the message names the file,
    the year and the row/column where known)."""


class UnknownOptionError(MutualismError):
    """An option (source name, partner set, method switch...) has an invalid value."""


class OutputError(MutualismError):
    """An output path cannot be written (bad extension, a file where a folder is needed,
    a read-only folder); raised before any computing."""


class WriteError(OutputError, OSError):
    """A file could not be written (disk full, quota, an I/O error); the message names the
    file and says that the previous version, if any, is unchanged. Also an :class:`OSError`
    (``errno`` kept), so callers that tolerate an unwritable cache still catch it."""


def os_reason(exc: OSError) -> str:
    """What the file system said, in words (``No space left on device``), for one-line messages."""
    import os

    if exc.errno:
        return os.strerror(exc.errno)
    return shorten(exc.strerror or str(exc)) or type(exc).__name__


class EstimationError(MutualismError):
    """A model cannot be estimated on the data given (no variation, singular design...)."""


class Terminated(BaseException):
    """Raised by the CLI's SIGTERM and SIGHUP handlers (``args[0]``: the signal number) so
    that ``finally`` blocks, :func:`staged_dir` and atomic writes clean up before the
    process exits 143 (129 for SIGHUP) (not an :class:`Exception`, so ``except Exception``
    does not swallow it)."""


def check_option(name: str, value: object, valid: tuple | list | set) -> None:
    """Raise :class:`UnknownOptionError` unless ``value`` is one of ``valid``.

    The message names the option and lists its valid values, so a typo in a papermill
    parameter or a CLI flag is explained where it happens.
    """
    if value not in valid:
        choices = ", ".join(repr(v) for v in valid)
        raise UnknownOptionError(f"{name}={value!r} is not valid; choose one of: {choices}")


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of a piece of file content, cut to ``limit`` characters (``…`` and the length)."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text):,} characters)"


def shorten(message: str, limit: int = QUOTE_LIMIT) -> str:
    """A parser's message on one line, every quoted or trailing piece of content cut to ``limit``.

    Arrow ends its messages with the offending row (``Expected 1041 columns, got 520:
    0.1\\t0.2…``), Python's float conversion quotes the whole cell or row; both can be
    megabytes long.
    """
    text = " ".join(str(message).split())
    text = re.sub(r"'([^']{%d,})'" % (limit + 1), lambda m: quote(m.group(1), limit), text)
    head, sep, tail = text.partition(": ")
    if sep and len(tail) > 2 * limit and ": " in tail:  # "CSV parse error: Expected …: <row>"
        first, _, row = tail.partition(": ")
        return f"{head}: {first}: {quote(row, limit)}"
    return text if len(text) <= 4 * limit else text[: 4 * limit] + "…"


def _parser_errors() -> tuple[type[BaseException], ...]:
    import zipfile
    import zlib

    errors: list[type[BaseException]] = [ValueError, KeyError, IndexError, OSError, zipfile.BadZipFile,
                                         UnicodeDecodeError, EOFError, zlib.error]
    try:
        import yaml

        errors.append(yaml.YAMLError)
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyarrow

        errors.append(pyarrow.lib.ArrowException)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def where(path: str | Path, year: int | None = None) -> str:
    """``file`` or ``file (year Y)`` for messages."""
    return f"{path}" + (f" (year {year})" if year is not None else "")


@contextmanager
def reading(path: str | Path, year: int | None = None, what: str = "") -> Iterator[None]:
    """Translate what a parser raises while reading ``path`` into one-line library errors.

    A :class:`MutualismError` passes unchanged; a missing file becomes
    :class:`DataNotFoundError`, anything else a parser raises (Arrow, pandas, numpy,
    ``zipfile``, YAML, decoding) :class:`InputFileError` naming the file, the year and
    ``what`` was being read, the parser's message shortened by :func:`shorten`.
    """
    try:
        yield
    except MutualismError:
        raise
    except FileNotFoundError as exc:
        missing = exc.filename or path
        raise DataNotFoundError(f"{where(path, year)}: {what + ': ' if what else ''}file {missing} not found") from None
    except _parser_errors() as exc:
        kind = type(exc).__name__
        raise InputFileError(f"{where(path, year)}: {what + ': ' if what else ''}cannot be read "
                             f"({kind}: {shorten(str(exc))})") from None
