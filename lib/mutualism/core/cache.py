"""One on-disk cache for every artefact the library keeps between runs (parsed tables,
indices per year, a run's results), so that a number is never served from stale inputs.

A cache entry is named by a key that covers everything the artefact depends on:

- the **options** that change it (passed by the caller);
- the **content** of every input file it reads (:func:`file_digest`: BLAKE2b of the
  bytes). A small side index (``<cache_dir>/digests.json``) maps a file's path, size,
  mtime, ctime and inode to its digest, so an unchanged file is not re-read on every
  run; the ctime is part of the identity because no program can set it back (``touch``
  and ``os.utime`` restore an mtime, not a ctime), and a file changed less than
  :data:`RACY_SECONDS` before it was hashed is never short-cut (the "racy" case);
- the **reference files** under ``data/`` (:func:`data_digest`, every CSV there);
- the **source of the library code** that computes it (:func:`source_digest`: the
  ``.py`` files of the named modules and of every ``mutualism`` module they import,
  found by parsing their imports — not ``__version__``).

Entries are written atomically (:func:`mutualism.core.fileio.atomic_write`) with a checksum
file beside them (``<entry>.b2``) and verified when read: an entry whose checksum does
not match, that has no checksum, or that cannot be loaded is reported in one line (a
:class:`CacheWarning`), deleted and recomputed — never fatal, never served.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import threading
import time
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from .fileio import atomic_write, atomic_write_text

T = TypeVar("T")
#: ``lib/mutualism``: library modules are named by their dotted path under it (``"gvc.indices"``).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
CHUNK = 1 << 20
RACY_SECONDS = 2.0
CHECKSUM_SUFFIX = ".b2"
_INDEX_NAME = "digests.json"
_lock = threading.Lock()


class CacheWarning(UserWarning):
    """A cache entry was damaged or incomplete; it was deleted and recomputed."""


# ----- digests --------------------------------------------------------------------------
def _blake2b(chunks: Iterable[bytes]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


def _read_chunks(path: Path) -> Iterable[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def content_digest(path: str | Path) -> str:
    """BLAKE2b (160 bit) of a file's bytes, read in 1 MiB chunks."""
    return _blake2b(_read_chunks(Path(path)))


_memory_index: dict[str, tuple[tuple[int, ...], str]] = {}


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


def _load_index(index_dir: Path | None) -> dict[str, Any]:
    if index_dir is None:
        return {}
    try:
        data = json.loads((Path(index_dir) / _INDEX_NAME).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def file_digest(path: str | Path, index_dir: str | Path | None = None) -> str:
    """The content digest of ``path``; the side index only saves re-reading a file whose
    size, mtime, ctime and inode are all unchanged since it was hashed (module doc)."""
    digests = files_digest([path], index_dir)
    return next(iter(digests.values()))


def files_digest(paths: Iterable[str | Path], index_dir: str | Path | None = None) -> dict[str, str]:
    """Content digests of several files, ``{resolved path: digest}``, through the side index."""
    stored = _load_index(index_dir)
    out: dict[str, str] = {}
    fresh: dict[str, list] = {}
    for p in paths:
        path = Path(p).resolve()
        name = str(path)
        stat = path.stat()
        ident = _identity(stat)
        known = _memory_index.get(name)
        entry = stored.get(name)
        if known is not None and known[0] == ident:
            out[name] = known[1]
            continue
        if isinstance(entry, list) and len(entry) == 2 and tuple(entry[0]) == ident:
            out[name] = entry[1]
            _memory_index[name] = (ident, entry[1])
            continue
        started = time.time_ns()
        digest = content_digest(path)
        out[name] = digest
        after = path.stat()
        if _identity(after) == ident and started - after.st_ctime_ns > RACY_SECONDS * 1e9:
            _memory_index[name] = (ident, digest)
            fresh[name] = [list(ident), digest]
    if fresh and index_dir is not None:
        with _lock:
            merged = {**_load_index(index_dir), **fresh}
            try:
                atomic_write_text(Path(index_dir) / _INDEX_NAME, json.dumps(merged, sort_keys=True))
            except OSError:  # a read-only cache folder: the digests are still correct, only slower
                pass
    return out


def data_digest() -> dict[str, str]:
    """Digest of every reference CSV under ``data/`` (``MUTUALISM_DATA_DIR``), by file name."""
    from .resources import data_dir

    return {p.name: content_digest(p) for p in sorted(data_dir().glob("*.csv"))}


def _name(module: str) -> str:
    """``"mutualism.gvc.indices"`` or ``"gvc.indices"`` -> ``"gvc.indices"``."""
    return module.removeprefix("mutualism.")


def _module_file(module: str) -> Path | None:
    """The file of library module ``module`` (a package's ``__init__.py``), or ``None``."""
    base = PACKAGE_DIR.joinpath(*_name(module).split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _read_source(module: str) -> bytes:
    """The source bytes of ``mutualism.<module>`` (a seam the tests use)."""
    path = _module_file(module)
    if path is None:
        raise ModuleNotFoundError(f"mutualism.{_name(module)} is not a module of the library")
    return path.read_bytes()


_parsed: dict[tuple[str, bytes], frozenset[str]] = {}


def _imports(module: str) -> frozenset[str]:
    """The ``mutualism`` modules ``module`` imports anywhere in its source (top level,
    inside functions, under ``TYPE_CHECKING`` too); parsed once per content."""
    module = _name(module)
    source = _read_source(module)
    key = (module, hashlib.blake2b(source, digest_size=16).digest())
    if key not in _parsed:
        _parsed[key] = _parse_imports(source, module)
    return _parsed[key]


def _parse_imports(source: bytes, module: str) -> frozenset[str]:
    """The library modules named by the imports of ``source``, the text of ``module``:
    relative imports resolved against its package, ``from package import name`` taken as
    the submodule ``package.name`` when there is one, else as the package."""
    path = _module_file(module)
    package = module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str, names: list[str]) -> None:
        subs = [f"{target}.{n}".lstrip(".") for n in names if _module_file(f"{target}.{n}".lstrip("."))]
        found.update(subs)
        if target and (len(subs) < len(names) or not names) and _module_file(target):
            found.add(target)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - (node.level - 1)] if node.level > 1 else parts
                add(".".join(parts + ([node.module] if node.module else [])), names)
            elif node.module == "mutualism" or (node.module or "").startswith("mutualism."):
                add(_name(node.module) if node.module != "mutualism" else "", names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("mutualism."):
                    add(_name(a.name), [])
    found.discard(module)
    return frozenset(found)


def module_closure(*modules: str) -> list[str]:
    """``modules`` and every ``mutualism`` module they import, transitively, sorted
    (dotted names under the package: ``"gvc.indices"``)."""
    seen: set[str] = set()
    todo = [_name(m) for m in modules]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(_imports(m) - seen)
    return sorted(seen)


def source_digest(*modules: str) -> str:
    """Digest of the source of ``modules`` (``__name__`` of the caller, or a dotted name
    under the package) and of every library module they import."""
    return _blake2b(m.encode() + b"\0" + _read_source(m) for m in module_closure(*modules))


def library_modules() -> tuple[str, ...]:
    """Every module of the library by dotted name under the package (packages by their
    ``__init__``; the package's own ``__init__`` left out), sorted."""
    names = []
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        if parts:
            names.append(".".join(parts))
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def _library_files() -> tuple[str, ...]:
    return library_modules()


def library_digest() -> str:
    """Digest of every module of the library."""
    return source_digest(*_library_files())


def make_key(**parts: Any) -> str:
    """A short hex key of a JSON-serialisable description (sorted keys)."""
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(blob.encode(), digest_size=12).hexdigest()


# ----- entries --------------------------------------------------------------------------
def _checksum_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def discard(path: str | Path, reason: str) -> None:
    """Report a bad entry in one line and delete it with its checksum."""
    path = Path(path)
    # warn_explicit with no source line: Python prints the warning on one line of stderr
    warnings.warn_explicit(f"cache entry {path} {reason}; deleted and recomputed", CacheWarning,
                           filename="mutualism.core.cache", lineno=0, module="mutualism.core.cache")
    _remove(path)
    _remove(_checksum_path(path))


def _remove(path: Path) -> None:
    """Delete a file, or a folder found where a cache file should be; one that cannot be
    removed is left (writing the new entry then fails, and says so: :func:`store`)."""
    try:
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def read_entry(path: str | Path, load: Callable[[str], T]) -> tuple[bool, T | None]:
    """``(True, value)`` for a verified entry, ``(False, None)`` when absent or bad (bad
    entries are reported and deleted)."""
    path = Path(path)
    if not path.exists():
        _remove(_checksum_path(path))
        return False, None
    if path.is_dir() or _checksum_path(path).is_dir():
        discard(path, "is a folder, not a file" if path.is_dir() else "has a folder for its checksum")
        return False, None
    try:
        expected = _checksum_path(path).read_text().strip()
    except OSError:
        discard(path, "has no checksum (an interrupted write?)")
        return False, None
    actual = content_digest(path)
    if actual != expected:
        discard(path, "does not match its checksum (damaged)")
        return False, None
    try:
        return True, load(str(path))
    except Exception as exc:  # noqa: BLE001 - any failure to load means: not servable
        discard(path, f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        return False, None


def write_entry(path: str | Path, save: Callable[[str], Any]) -> Path:
    """Write an entry atomically, then its checksum. Each file is replaced whole, so a reader
    sees a complete entry and a complete checksum; an interruption between the two leaves a
    checksum that does not match, and the entry is recomputed, never served."""
    path = Path(path)
    atomic_write(path, save)
    atomic_write_text(_checksum_path(path), content_digest(path) + "\n")
    return path


def store(path: str | Path, save: Callable[[str], Any]) -> bool:
    """:func:`write_entry`, but an entry the file system refuses (disk full, read-only cache
    folder) is reported in one line (a :class:`CacheWarning` naming the entry) and skipped:
    the value was computed and is used, it is only not kept. Returns whether it was kept."""
    from .errors import os_reason

    try:
        write_entry(path, save)
        return True
    except OSError as exc:
        for leftover in (Path(path), _checksum_path(Path(path))):  # never an entry without its checksum
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass
        reason = str(exc) if str(exc).startswith(str(path)) else f"{path}: {os_reason(exc)}"
        warnings.warn_explicit(f"cache entry {reason}; the result is used without being cached", CacheWarning,
                               filename="mutualism.core.cache", lineno=0, module="mutualism.core.cache")
        return False


def cached(path: str | Path, compute: Callable[[], T], *, save: Callable[[T, str], Any],
           load: Callable[[str], T]) -> T:
    """The verified entry at ``path`` or ``compute()`` written there (``path`` holds the key).

    ``save(value, tmp_path)`` writes a value, ``load(path)`` reads one back.
    """
    ok, value = read_entry(path, load)
    if ok:
        return value  # type: ignore[return-value]
    value = compute()
    store(path, lambda tmp: save(value, tmp))
    return value
