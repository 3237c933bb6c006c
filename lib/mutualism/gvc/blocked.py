"""LU factorisation and solves in fixed blocks on a pool of threads (METHODS.md §1, performance path).

Multi-threaded OpenBLAS splits a product among its threads, and where the split falls
changes how some entries are rounded: an update ``C − L·U`` (``1244 × 1244 × 256``)
differs in 4 187 entries between one and two threads, a solve with 701 right-hand sides
in 1–2 columns, so ``scipy.linalg.lu_factor``/``lu_solve`` — and every index computed
from them — depend on the thread count in their last digits (``bench/README.md``). Here
every BLAS and LAPACK call runs on **one** thread, on blocks fixed by the sizes alone
(:data:`NB`); the ``threads`` only decide which block runs where, so the result is the
same to the bit for any number of threads.

- :func:`lu_factor` — right-looking blocked LU with partial pivoting (LAPACK's ``dgetrf``
  order): each panel of ``NB`` columns is factorised by one ``dgetrf`` call; the columns
  to its right are updated block by block (row swaps, ``dtrsm``, ``dgemm``), the next
  panel's block first so that it is factorised while the other threads update the rest
  (look-ahead of one panel). The swaps of later panels reach the ``L`` columns of earlier
  ones at the end (swaps are exact: the same bits as applying them at once).
- :func:`lu_solve` — ``dgetrs``'s order, each triangle by blocked substitution: a panel's
  diagonal block solved for every right-hand side at once, then the rows still to solve
  updated row block by row block (each block of the triangle read once; OpenBLAS's own
  multi-threaded solve splits the right-hand sides, and a column at the edge of a split
  is rounded differently).

Both work in place on Fortran-ordered float64 arrays and call the BLAS/LAPACK that SciPy
ships through ``scipy.linalg.cython_blas``/``cython_lapack`` (``ctypes`` releases the GIL
during a call; in-place calls on sub-blocks need the leading dimension, which SciPy's
Python wrappers do not take without copying).
"""

from __future__ import annotations

import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator, Sequence

import numpy as np

#: Width of a panel, of a column block of the LU's trailing update and of a row block of
#: the solves' updates.
NB = 256

_P = ctypes.c_void_p


@lru_cache(maxsize=None)
def _kernel(module: str, name: str, nargs: int) -> Callable:
    """The BLAS/LAPACK routine ``name`` of SciPy's ``cython_blas``/``cython_lapack``
    (Fortran calling convention: every argument by pointer)."""
    import importlib

    capsule = importlib.import_module(f"scipy.linalg.{module}").__pyx_capi__[name]
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = ctypes.c_void_p
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    pointer = api.PyCapsule_GetPointer(capsule, api.PyCapsule_GetName(capsule))
    return ctypes.CFUNCTYPE(None, *([_P] * nargs))(pointer)


def _i(value: int):
    return ctypes.byref(ctypes.c_int(int(value)))


def _d(value: float):
    return ctypes.byref(ctypes.c_double(value))


def _c(flag: bytes):
    return ctypes.c_char_p(flag)


class _Matrix:
    """Pointers into a Fortran-ordered float64 array (element ``(i, j)`` of leading dimension ``ld``)."""

    def __init__(self, a: np.ndarray):
        if a.dtype != np.float64 or not a.flags.f_contiguous or a.ndim != 2:
            raise ValueError("a Fortran-ordered 2-D float64 array is needed")
        self.a, self.base, self.ld = a, a.ctypes.data, max(1, a.shape[0])

    def at(self, i: int, j: int) -> _P:
        return _P(self.base + 8 * (i + j * self.ld))


@lru_cache(maxsize=1)
def _controller():
    """The BLAS libraries of the process (NumPy's and SciPy's, loaded first so that both are seen)."""
    import scipy.linalg  # noqa: F401
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Every BLAS library of the process on one thread inside the block (threadpoolctl; the
    limit is process-wide, so other Python threads see it too)."""
    with _controller().limit(limits=1, user_api="blas"):
        yield


def task_threads() -> int:
    """Threads one task may use in this process: the smallest thread count of the
    process's BLAS libraries (threadpoolctl; inside a ``threadpool_limits`` block, its
    limit), at least 1 — all cores in a plain process, ``cores // n_jobs`` in a joblib
    worker (:func:`mutualism.core.parallel.run_tasks`), 1 in a Dask worker."""
    counts = [int(lib.num_threads or 1) for lib in _controller().lib_controllers if lib.user_api == "blas"]
    return max(1, min(counts) if counts else (os.cpu_count() or 1))


class _Queue:
    """Items handed out one at a time to whichever thread asks (fixed items, any order)."""

    def __init__(self, items: Sequence):
        self._items, self._next, self._lock = list(items), 0, threading.Lock()

    def drain(self, work: Callable) -> None:
        while True:
            with self._lock:
                if self._next >= len(self._items):
                    return
                item = self._items[self._next]
                self._next += 1
            work(item)


class _Pool:
    """``threads − 1`` helper threads; the calling thread is the last worker."""

    def __init__(self, threads: int):
        self.helpers = max(1, int(threads)) - 1
        self._executor = ThreadPoolExecutor(self.helpers) if self.helpers else None

    def start(self, queue: _Queue, work: Callable) -> list:
        return [self._executor.submit(queue.drain, work) for _ in range(self.helpers)]

    @staticmethod
    def finish(queue: _Queue, work: Callable, started: list) -> None:
        queue.drain(work)
        for future in started:
            future.result()

    def run(self, items: Sequence, work: Callable) -> None:
        queue = _Queue(items)
        self.finish(queue, work, self.start(queue, work))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()


def _blocks(start: int, stop: int, width: int) -> list[tuple[int, int]]:
    return [(j, min(width, stop - j)) for j in range(start, stop, width)]


def lu_factor(a: np.ndarray, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """LU factorisation with partial pivoting of the square Fortran-ordered ``a``, in place.

    Returns ``(lu, piv)`` as :func:`scipy.linalg.lu_factor` (``piv`` 0-based), the same
    to the bit for any ``threads ≥ 1``. A zero pivot is left on the diagonal (as LAPACK).
    """
    m = _Matrix(a)
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError("a square matrix is needed")
    piv = np.zeros(max(n, 1), dtype=np.int32)  # 1-based, LAPACK's
    ipiv = piv.ctypes.data_as(_P)
    getrf, laswp = _kernel("cython_lapack", "dgetrf", 6), _kernel("cython_lapack", "dlaswp", 7)
    trsm, gemm = _kernel("cython_blas", "dtrsm", 11), _kernel("cython_blas", "dgemm", 13)
    panels = _blocks(0, n, NB)

    def factor_panel(k: int, jb: int) -> None:
        local = np.zeros(jb, dtype=np.int32)
        info = ctypes.c_int(0)
        getrf(_i(n - k), _i(jb), m.at(k, k), _i(n), local.ctypes.data_as(_P), ctypes.byref(info))
        if info.value < 0:
            raise ValueError(f"dgetrf: argument {-info.value} is invalid")
        piv[k:k + jb] = local + k

    def update(k: int, jb: int, block: tuple[int, int]) -> None:
        """Columns ``block`` after panel ``k``: its swaps, ``U_12 = L_11⁻¹ A_12``, ``A_22 −= L_21 U_12``."""
        j, w = block
        laswp(_i(w), m.at(0, j), _i(n), _i(k + 1), _i(k + jb), ipiv, _i(1))
        trsm(_c(b"L"), _c(b"L"), _c(b"N"), _c(b"U"), _i(jb), _i(w), _d(1.0), m.at(k, k), _i(n), m.at(k, j), _i(n))
        rows = n - k - jb
        if rows:
            gemm(_c(b"N"), _c(b"N"), _i(rows), _i(w), _i(jb), _d(-1.0), m.at(k + jb, k), _i(n), m.at(k, j), _i(n),
                 _d(1.0), m.at(k + jb, j), _i(n))

    def later_swaps(panel: tuple[int, int]) -> None:
        k, jb = panel
        if k + jb < n:
            laswp(_i(jb), m.at(0, k), _i(n), _i(k + jb + 1), _i(n), ipiv, _i(1))

    pool = _Pool(threads)
    try:
        with one_blas_thread():
            if panels:
                factor_panel(*panels[0])
            for s, (k, jb) in enumerate(panels[:-1]):
                nxt, rest = panels[s + 1], panels[s + 2:]
                work = lambda block, k=k, jb=jb: update(k, jb, block)  # noqa: E731
                queue = _Queue(rest)
                started = pool.start(queue, work)
                work(nxt)                      # the next panel's columns first,
                factor_panel(*nxt)             # factorised while the helpers update the rest
                pool.finish(queue, work, started)
            pool.run(panels, later_swaps)
    finally:
        pool.close()
    return a, piv[:n] - 1


def lu_solve(lu_and_piv: tuple[np.ndarray, np.ndarray], b: np.ndarray, *, trans: int = 0,
             threads: int = 1) -> np.ndarray:
    """``A⁻¹·b`` (``trans=0``) or ``A'⁻¹·b`` (``trans=1``) from :func:`lu_factor`'s output,
    in place on the Fortran-ordered float64 ``b`` (one or two dimensions); returns ``b``.

    LAPACK's ``dgetrs`` order — the row swaps, then ``L`` and ``U`` (``U'`` and ``L'``, then
    the swaps backwards, for ``trans=1``) — each triangle solved by :func:`_triangular_solve`:
    the same to the bit for any ``threads ≥ 1``.
    """
    lu, piv = lu_and_piv
    n = lu.shape[0]
    rhs = b.reshape(n, -1, order="F")
    if rhs.size and not np.shares_memory(rhs, b):
        raise ValueError("b must be Fortran-ordered")
    T, X = _Matrix(np.asfortranarray(lu)), _Matrix(rhs)
    if n == 0 or rhs.shape[1] == 0:
        return b
    laswp = _kernel("cython_lapack", "dlaswp", 7)
    ipiv = np.ascontiguousarray(piv, dtype=np.int32) + 1
    k = rhs.shape[1]

    def swaps(direction: int) -> None:
        laswp(_i(k), X.at(0, 0), _i(n), _i(1), _i(n), ipiv.ctypes.data_as(_P), _i(direction))

    pool = _Pool(threads)
    try:
        with one_blas_thread():
            if trans:
                _triangular_solve(T, X, k, pool, upper=True, transposed=True, unit=False)     # U'
                _triangular_solve(T, X, k, pool, upper=False, transposed=True, unit=True)     # L'
                swaps(-1)
            else:
                swaps(1)
                _triangular_solve(T, X, k, pool, upper=False, transposed=False, unit=True)    # L
                _triangular_solve(T, X, k, pool, upper=True, transposed=False, unit=False)    # U
    finally:
        pool.close()
    return b


def _triangular_solve(T: _Matrix, X: _Matrix, k: int, pool: _Pool, *, upper: bool, transposed: bool,
                      unit: bool) -> None:
    """``X ← op(T)⁻¹·X`` for the triangle of ``T`` (``upper``: ``U``, else ``L``; ``op`` the
    transpose when ``transposed``), ``X`` with ``k`` columns.

    Blocked substitution over panels of :data:`NB` rows: the panel's diagonal block by one
    ``dtrsm`` on all ``k`` columns, then every row block of :data:`NB` still to solve updated
    by one ``dgemm`` (``X_R −= op(T)_{R,I}·X_I``) — the next panel's block first, its
    ``dtrsm`` while the helpers update the rest. Each block of the triangle is read by one
    call, and every call's shape is fixed by ``n``, ``k`` and ``NB``.
    """
    n = T.ld
    trsm, gemm = _kernel("cython_blas", "dtrsm", 11), _kernel("cython_blas", "dgemm", 13)
    forward = upper == transposed                     # op(T) lower: from the first row down
    panels = _blocks(0, n, NB) if forward else _blocks(0, n, NB)[::-1]
    uplo, op, diag = _c(b"U" if upper else b"L"), _c(b"T" if transposed else b"N"), _c(b"U" if unit else b"N")

    def solve_diagonal(panel: tuple[int, int]) -> None:
        i, h = panel
        trsm(_c(b"L"), uplo, op, diag, _i(h), _i(k), _d(1.0), T.at(i, i), _i(n), X.at(i, 0), _i(n))

    def update(i: int, h: int, rows: tuple[int, int]) -> None:
        r, m = rows
        block = T.at(i, r) if transposed else T.at(r, i)                 # op(T)_{R,I}
        gemm(op, _c(b"N"), _i(m), _i(k), _i(h), _d(-1.0), block, _i(n), X.at(i, 0), _i(n), _d(1.0), X.at(r, 0), _i(n))

    solve_diagonal(panels[0])
    for s, (i, h) in enumerate(panels[:-1]):
        nxt, rest = panels[s + 1], panels[s + 2:]
        work = lambda rows, i=i, h=h: update(i, h, rows)  # noqa: E731
        queue = _Queue(rest)
        started = pool.start(queue, work)
        work(nxt)
        solve_diagonal(nxt)
        pool.finish(queue, work, started)
