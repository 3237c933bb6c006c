"""Writing files so that nothing is lost: temporary name + rename, whole-folder swaps.

Every writer of the library (CLI outputs, caches, the synthetic world, the book build)
goes through these helpers, so a failure, SIGINT or SIGTERM leaves either the previous
complete output or the new complete one, never a partial file. Files get the permissions
the process umask gives (``mkstemp`` alone would create them 0600).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "read_yaml_mapping", "staged_dir",
           "staged_dirs", "umask_mode"]


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
    from .errors import WriteError, os_reason

    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        write(tmp)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    except OSError as exc:  # disk full, quota, I/O error: one line naming the file, not the temporary one
        if isinstance(exc, WriteError):
            raise
        error = WriteError(f"{path}: cannot be written ({os_reason(exc)}); "
                           f"{'the previous file is unchanged' if path.is_file() else 'nothing was written'}")
        error.errno = exc.errno
        raise error from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


#: Signals held while a staged folder is swapped in (and while a staging folder is made or
#: removed): SIGINT, SIGTERM and SIGHUP (POSIX) arriving meanwhile are delivered when it is done.
HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
#: Every folder this process has swapped in whole (:func:`staged_dirs`), in order: the CLI
#: tells an interrupt that came after the new output was complete from one that came before.
SWAPPED: list[Path] = []
#: Test seam: called with the name of each step of a swap (``staged``, ``aside``, ``renamed``,
#: ``cleaned``) and the target; the fault tests send a signal there.
_swap_hook: Callable[[str, Path], None] | None = None


def _step(name: str, target: Path) -> None:
    if _swap_hook is not None:
        _swap_hook(name, target)


@contextmanager
def staged_dir(target: str | Path) -> Iterator[Path]:
    """Assemble a multi-file output in a sibling folder and swap it in whole.

    Yields an empty staging folder beside ``target``; when the block ends without an
    exception, the old ``target`` (if any) is moved aside, the staging folder renamed onto
    ``target`` and the old one deleted, with SIGINT, SIGTERM and SIGHUP held until all of
    it is done: an interrupt either comes before the swap (the old ``target`` is whole) or
    is delivered after it (the new one is complete; it is listed in :data:`SWAPPED`). On
    an exception (including KeyboardInterrupt and the exception a SIGTERM handler raises)
    the staging folder is removed and ``target`` is left exactly as it was. What a killed
    process left (``.<name>.<pid>.*.staging``, ``.<name>.old.<pid>``) is cleaned up by the
    next swap of the same target; a previous output found only aside is put back first.
    """
    with staged_dirs(target) as (stage,):
        yield stage


@contextmanager
def staged_dirs(*targets: str | Path) -> Iterator[list[Path]]:
    """:func:`staged_dir` for several folders swapped in together (the book: ``executed``,
    ``figures``, ``html``), all under one hold of the signals."""
    paths = [Path(t).absolute() for t in targets]  # "out/." and "." get a real name and parent
    pid = os.getpid()
    stagings: list[Path] = []
    with _signals_deferred():
        for target in paths:
            target.parent.mkdir(parents=True, exist_ok=True)
            _clean_stale(target)
            staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{pid}.", suffix=".staging"))
            os.chmod(staging, umask_mode(0o777))
            stagings.append(staging)
    try:
        yield stagings
        for target in paths:
            _step("staged", target)
    except BaseException as exc:
        with _signals_deferred():
            for staging in stagings:
                shutil.rmtree(staging, ignore_errors=True)
        from .errors import WriteError

        if isinstance(exc, WriteError) and any(str(s) in str(exc) for s in stagings):  # name the output, not its staging
            text = str(exc)
            for target, staging in zip(paths, stagings):
                text = text.replace(str(staging), str(target))
            error = WriteError(text.replace("; nothing was written", "") + f"; {', '.join(map(str, paths))} "
                               f"{'is' if len(paths) == 1 else 'are'} unchanged")
            error.errno = exc.errno
            raise error from None
        from .errors import MutualismError, os_reason

        if isinstance(exc, OSError) and not isinstance(exc, MutualismError):  # a writer outside atomic_write
            name = str(exc.filename) if exc.filename else ""
            for target, staging in zip(paths, stagings):
                name = name.replace(str(staging), str(target))
            error = WriteError(f"{name or ', '.join(map(str, paths))}: cannot be written ({os_reason(exc)}); "
                               f"{', '.join(map(str, paths))} {'is' if len(paths) == 1 else 'are'} unchanged")
            error.errno = exc.errno
            raise error from None
        raise
    with _signals_deferred():  # SIGINT/SIGTERM/SIGHUP wait until every rename and the clean-up are done
        done: list[tuple[Path, Path, Path | None]] = []
        try:
            for target, staging in zip(paths, stagings):
                old = None
                if target.exists() or target.is_symlink():
                    old = target.parent / f".{target.name}.old.{pid}"
                    if old.exists():
                        shutil.rmtree(old, ignore_errors=True)
                    os.replace(target, old)
                    _step("aside", target)
                os.replace(staging, target)
                done.append((target, staging, old))
                _step("renamed", target)
        except BaseException:
            for target, staging, old in reversed(done):  # undo: every target as it was
                os.replace(target, staging)
                if old is not None:
                    os.replace(old, target)
            for target in paths[len(done):]:
                old = target.parent / f".{target.name}.old.{pid}"
                if old.exists() and not target.exists():
                    os.replace(old, target)
            for staging in stagings:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        SWAPPED.extend(paths)
        for target, _, old in done:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            _step("cleaned", target)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists (another user's process)
        return True
    return True


def _clean_stale(target: Path) -> None:
    """Remove what a killed earlier swap of ``target`` left beside it: its staging folders
    and, once ``target`` is back, its old copy. A previous output that only exists aside
    (killed between the two renames) is renamed back onto ``target`` first. Only leftovers
    of processes that no longer run are touched."""
    import re

    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(?:old\.(\d+)|(\d+)\..*\.staging)$")
    try:
        siblings = sorted(target.parent.iterdir())
    except OSError:
        return
    for path in siblings:
        m = pattern.match(path.name)
        if not m or _alive(int(m.group(1) or m.group(2))):
            continue
        if m.group(1) and not (target.exists() or target.is_symlink()):
            os.replace(path, target)  # the previous complete output, put back
        else:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP for the duration of the block (main thread); a signal
    that arrives meanwhile is delivered, to the handler it would have met, when the block ends.

    The handlers are swapped at the Python level, not masked with ``pthread_sigmask``: a
    mask holds a signal for the calling thread only, and the kernel hands a process signal
    to any thread that does not block it (BLAS and Arrow start several), whose arrival
    would still raise in the main thread in the middle of the swap.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous: dict[int, Any] = {}
    for signum in HELD_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, lambda number, frame: pending.append(number))
        except (ValueError, OSError):  # pragma: no cover - a signal this platform cannot catch
            pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


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
    if path.is_dir():
        raise InputFileError(f"{what} {str(path)!r} is a folder, not a file (give the YAML file in it)")
    if not path.is_file():
        raise DataNotFoundError(f"{what} {str(path)!r} does not exist")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except _DuplicateKey as exc:
        raise InputFileError(f"{what} {path}: line {exc.line}, column {exc.column}: {exc.key!r} is given twice (first "
                             f"on line {exc.first}); give each parameter once") from None
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


def _unique_key_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """YAML's safe loader, but a mapping that gives a key twice is refused (YAML keeps the
        last one silently: ``years: 2002-2020`` then ``years: 2010`` would run 2010)."""

        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the safe loader refuses it itself
                    continue
                if first is not None:
                    raise _DuplicateKey(key, key_node.start_mark, first)
                seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    return Loader


class _DuplicateKey(Exception):
    def __init__(self, key, mark, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.column, self.first = key, mark.line + 1, mark.column + 1, first


class _LazyLoader:
    """Built on first use, so that importing this module does not import YAML."""

    loader = None

    def __call__(self, stream):
        if _LazyLoader.loader is None:
            _LazyLoader.loader = _unique_key_loader()
        return _LazyLoader.loader(stream)


_UniqueKeyLoader = _LazyLoader()
