"""Writing files so that nothing is lost: temporary name + rename, whole-folder swaps.

Every writer of the library (CLI outputs, caches, the synthetic world, the book build)
goes through these helpers, so a failure, SIGINT or SIGTERM leaves either the previous
complete output or the new complete one, never a partial file. Files get the permissions
the process umask gives (``mkstemp`` alone would create them 0600).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "read_yaml_mapping", "staged_dir",
           "umask_mode"]


def umask_mode(base: int = 0o666) -> int:
    """The mode a new file gets under the current umask (``base & ~umask``)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def atomic_write(path: str | Path, write: Callable[[str], Any]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``.

    The temporary file lives in the target folder, so the rename is atomic: readers see
    either the old file or the complete new one, never a partial write. The file gets
    the umask's permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


@contextmanager
def staged_dir(target: str | Path) -> Iterator[Path]:
    """Assemble a multi-file output in a sibling folder and swap it in whole.

    Yields an empty staging folder beside ``target``; when the block ends without an
    exception, the old ``target`` (if any) is moved aside, the staging folder renamed onto
    ``target`` and the old one deleted. On an exception (including KeyboardInterrupt and
    the SystemExit a SIGTERM handler raises) the staging folder is removed and ``target``
    is left exactly as it was.
    """
    target = Path(target).absolute()  # "out/." and "." get a real name and parent
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".staging"))
    os.chmod(staging, umask_mode(0o777))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    with _signals_deferred():  # SIGINT/SIGTERM wait until both renames are done
        if target.exists():
            old = target.parent / f".{target.name}.old.{os.getpid()}"
            if old.exists():
                shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        try:
            os.replace(staging, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the duration of the block (main thread, POSIX); a signal
    that arrives meanwhile is delivered when the block ends."""
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def read_yaml_mapping(path: str | Path, *, what: str = "YAML file") -> dict:
    """Read a YAML file that must hold a mapping (a parameter file), with one-line errors.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InputFileError
        A YAML syntax error (the message names the file, the line and the column) or a
        document that is not a mapping (a list, a scalar).
    """
    import yaml

    from .errors import DataNotFoundError, InputFileError, quote

    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{what} {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputFileError(f"{what} {path}: YAML syntax error at {at}{problem}") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{what} {path}: not UTF-8 text (byte {exc.start})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputFileError(f"{what} {path}: holds a {type(data).__name__} ({quote(data)}), not a mapping of "
                             "parameter names to values (write `name: value` lines)")
    return data
