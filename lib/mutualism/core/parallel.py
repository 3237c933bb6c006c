"""Where independent tasks run: in this process, in joblib processes, or on a Dask cluster.

The per-year index computations (METHODS §3–§6, one LU factorisation each) and the
multiverse's index variants are independent tasks. :func:`run_tasks` maps a picklable
module-level function over them and returns the results *in task order*, so that every
backend gives the same numbers:

- ``scheduler=None, n_jobs=1``: a plain loop in this process (a test can spy on it);
- ``scheduler=None, n_jobs>1``: joblib (loky) worker processes on this machine;
- ``scheduler="tcp://host:port"``: the tasks are submitted to a running
  ``dask.distributed`` scheduler (``dask scheduler`` and ``dask worker`` commands, or a
  ``LocalCluster``'s address) and gathered back.

Shared file system
------------------
A Dask worker computes a task where it runs, so it must see the same files: the tables
(``data_path``), the caches (``cache_dir``) and the control files (``controls_path``) at
the *same absolute path* on every worker, i.e. on a shared file system (NFS, a cluster's
scratch). :func:`shared_paths` turns the relative paths of a parameter file into absolute
ones before the tasks leave this process. The synthetic world needs no files: each worker
generates its tables from ``synthetic_size`` and ``seed``. Workers must run the same
version of ``mutualism`` (same environment).

Threads
-------
A task gets the cores of its process: :func:`mutualism.gvc.blocked.task_threads` is the
BLAS thread count the process was started with — every core in a plain process (``n_jobs=1``), the cores split
between joblib's workers (``cores // n_jobs`` each, set by :func:`run_tasks`; 1 on a
2-core machine with ``n_jobs=2``) and 1 in a Dask worker (the nanny sets
``OPENBLAS_NUM_THREADS=1``; each worker thread runs one task). The index computation
spends them on a fixed split of its LU and solves (:mod:`mutualism.gvc.blocked`), so its
numbers do not depend on how many there are.

Batches
-------
A task that costs little beside what it shares with its neighbours (the multiverse's 16
index variants of one year all read that year's table; METHODS §3–§6) is better sent in a
*batch*: :func:`run_batches` groups the tasks by a key (e.g. the year), one batch per
group, and splits groups only when there are fewer of them than
:data:`BATCHES_PER_WORKER` × workers, so that every worker gets several batches (the last
wave stays short) and each batch's work outweighs its overhead (sending it, importing
the library in a fresh worker, reading the year). The batch function returns one result
per task; :func:`run_batches` puts them back in task order, so the numbers do not depend
on the backend or on the batches (:func:`plan_batches`, tested in ``tests/test_parallel.py``).
"""

from __future__ import annotations

import math
import os
import weakref
from pathlib import Path
from typing import Any, Callable, Hashable, Sequence, TypeVar

from .errors import MutualismError

T = TypeVar("T")
R = TypeVar("R")
#: Batches per worker that :func:`plan_batches` aims at when it has to split groups.
BATCHES_PER_WORKER = 4


class SchedulerError(MutualismError):
    """The Dask scheduler cannot be reached, or a task failed on a worker."""


def shared_paths(params):
    """``params`` with ``data_path``, ``cache_dir`` and ``controls_path`` made absolute
    (resolved here, so that workers started elsewhere find the same files)."""
    changes: dict[str, Any] = {}
    for name in ("data_path", "cache_dir", "controls_path"):
        value = getattr(params, name)
        if value:
            changes[name] = str(Path(value).resolve())
    return params.with_(**changes) if changes else params


def worker_threads(n_jobs: int) -> int:
    """BLAS threads of each of ``n_jobs`` joblib workers: the cores split between them."""
    cores = os.cpu_count() or 1
    workers = cores if n_jobs == -1 else max(1, n_jobs)
    return max(1, cores // workers)


def _check_n_jobs(n_jobs) -> None:
    if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise MutualismError(f"n_jobs={n_jobs!r} is not valid; give a whole number ≥ 1 (or -1: all cores)")


def run_tasks(func: Callable[[T], R], tasks: Sequence[T], *, n_jobs: int = 1, scheduler: str | None = None,
              progress: str | None = None, timeout: float = 30.0) -> list[R]:
    """``[func(t) for t in tasks]`` on the chosen backend, results in task order.

    Parameters
    ----------
    func : a module-level function (picklable by reference).
    tasks : picklable arguments, one per task.
    n_jobs : joblib processes when ``scheduler`` is ``None`` (1: this process).
    scheduler : address of a ``dask.distributed`` scheduler, e.g. ``tcp://10.0.0.5:8786``.
    progress : label of a progress bar (``None``: silent).
    timeout : seconds to wait for the scheduler to answer.

    Raises
    ------
    SchedulerError
        The scheduler does not answer at ``scheduler`` within ``timeout`` seconds.
    """
    tasks = list(tasks)
    _check_n_jobs(n_jobs)
    if scheduler:
        with _connected(scheduler, timeout) as client:
            return _map_dask(client, func, tasks, progress)
    return _map_local(func, tasks, n_jobs, progress)


def plan_batches(keys: Sequence[Hashable], workers: int, *, per_worker: int = BATCHES_PER_WORKER
                 ) -> list[list[int]]:
    """Positions of the tasks in each batch: one batch per key (in the order keys first
    appear, positions ascending), each group split into near-equal runs when there are
    fewer groups than ``per_worker × workers`` (never for one worker: nothing to balance).

    Split runs are dealt round-robin — the first run of every key, then the second… — so
    that the workers start on different keys: the first run of a year reads (and caches)
    its table before the next run of that year is likely to start. Every position appears
    in exactly one batch.
    """
    groups: dict[Hashable, list[int]] = {}
    for position, key in enumerate(keys):
        groups.setdefault(key, []).append(position)
    target = per_worker * workers if workers > 1 else 1
    pieces = max(1, math.ceil(target / max(len(groups), 1)))
    runs: list[list[list[int]]] = []
    for members in groups.values():
        k = min(pieces, len(members))
        size, extra = divmod(len(members), k)
        start, split = 0, []
        for i in range(k):
            stop = start + size + (i < extra)
            split.append(members[start:stop])
            start = stop
        runs.append(split)
    return [split[i] for i in range(pieces) for split in runs if i < len(split)]


def run_batches(func: Callable[[list[T]], list[R]], tasks: Sequence[T], *, key: Callable[[T], Hashable],
                n_jobs: int = 1, scheduler: str | None = None, per_worker: int = BATCHES_PER_WORKER,
                progress: str | None = None, timeout: float = 30.0) -> list[R]:
    """Like :func:`run_tasks`, but ``func`` takes a *batch* (a list of tasks sharing
    ``key``, :func:`plan_batches` for the backend's number of workers) and returns one
    result per task of it; the results come back in task order.

    The workers: 1 in this process, ``n_jobs`` joblib processes (-1: the cores), or the
    threads of the Dask cluster's workers when the batches are planned.
    """
    tasks = list(tasks)
    _check_n_jobs(n_jobs)
    keys = [key(t) for t in tasks]
    if scheduler:
        with _connected(scheduler, timeout) as client:
            plan = plan_batches(keys, _dask_threads(client), per_worker=per_worker)
            parts = _map_dask(client, func, [[tasks[i] for i in b] for b in plan], progress)
    else:
        workers = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
        plan = plan_batches(keys, workers, per_worker=per_worker)
        parts = _map_local(func, [[tasks[i] for i in b] for b in plan], n_jobs, progress)
    results: list[Any] = [None] * len(tasks)
    for positions, part in zip(plan, parts):
        part = list(part)
        if len(part) != len(positions):
            raise MutualismError(f"{getattr(func, '__name__', func)!s} returned {len(part)} results for a batch of "
                                 f"{len(positions)} tasks")
        for i, r in zip(positions, part):
            results[i] = r
    return results


#: The progress bars this module has open (closed by :func:`close_progress`).
_BARS: weakref.WeakSet = weakref.WeakSet()


def _progress(iterable, *, total: int, desc: str | None, disable: bool | None):
    """A tqdm bar over ``iterable``, remembered so that :func:`close_progress` can end it."""
    from tqdm.std import tqdm

    bar = tqdm(iterable, total=total, desc=desc, disable=disable)
    _BARS.add(bar)
    return bar


def close_progress() -> None:
    """End the line of every progress bar still open (before a closing message on stderr)."""
    for bar in list(_BARS):
        bar.close()


def _map_local(func, tasks: list, n_jobs: int, progress: str | None) -> list:
    # A progress bar only on a terminal (disable=None): never in a notebook's output.
    disable = True if progress is None or len(tasks) < 2 else None
    if n_jobs == 1:
        return [func(t) for t in _progress(tasks, total=len(tasks), desc=progress, disable=disable)]
    from joblib import Parallel, delayed, parallel_config

    with parallel_config(backend="loky", inner_max_num_threads=worker_threads(n_jobs)):
        results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(func)(t) for t in tasks)
        return list(_progress(results, total=len(tasks), desc=progress, disable=disable))


class _connected:
    """A ``distributed.Client`` of ``scheduler`` with at least one worker, closed on exit."""

    def __init__(self, scheduler: str, timeout: float):
        self.scheduler, self.timeout = scheduler, timeout

    def __enter__(self):
        from distributed import Client

        scheduler, timeout = self.scheduler, self.timeout
        try:
            self.client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"scheduler={scheduler!r}: no Dask scheduler answers there within {timeout:g} s "
                                 f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers "
                                 "with `dask worker ADDRESS`") from None
        try:
            if not self.client.scheduler_info().get("workers"):
                self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            self.client.close()
            raise SchedulerError(f"scheduler={scheduler!r} has no worker (waited {timeout:g} s); start one with "
                                 f"`dask worker {scheduler}`") from None
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()


def _dask_threads(client) -> int:
    """Threads of the cluster's workers (each runs one task at a time)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def _map_dask(client, func, tasks: list, progress: str | None) -> list:
    futures = client.map(func, tasks, pure=False)
    if progress is not None and len(futures) > 1:
        from distributed import as_completed

        for _ in _progress(as_completed(futures, loop=client.loop), total=len(futures), desc=progress, disable=None):
            pass
    return client.gather(futures)
