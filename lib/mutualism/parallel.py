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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from .errors import MutualismError

T = TypeVar("T")
R = TypeVar("R")


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
    if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise MutualismError(f"n_jobs={n_jobs!r} is not valid; give a whole number ≥ 1 (or -1: all cores)")
    if scheduler:
        return _run_dask(func, tasks, scheduler, progress, timeout)
    from tqdm.std import tqdm

    # A progress bar only on a terminal (disable=None): never in a notebook's output.
    disable = True if progress is None or len(tasks) < 2 else None
    if n_jobs == 1:
        return [func(t) for t in tqdm(tasks, desc=progress, disable=disable)]
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(func)(t) for t in tasks)
    return list(tqdm(results, total=len(tasks), desc=progress, disable=disable))


def _run_dask(func, tasks: list, scheduler: str, progress: str | None, timeout: float) -> list:
    from distributed import Client

    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"scheduler={scheduler!r}: no Dask scheduler answers there within {timeout:g} s "
                             f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers "
                             "with `dask worker ADDRESS`") from None
    try:
        if not client.scheduler_info().get("workers"):
            client.wait_for_workers(1, timeout=timeout)
        futures = client.map(func, tasks, pure=False)
        if progress is not None and len(futures) > 1:
            from distributed import as_completed
            from tqdm.std import tqdm

            for _ in tqdm(as_completed(futures, loop=client.loop), total=len(futures), desc=progress, disable=None):
                pass
        return client.gather(futures)
    except TimeoutError:
        raise SchedulerError(f"scheduler={scheduler!r} has no worker (waited {timeout:g} s); start one with "
                             f"`dask worker {scheduler}`") from None
    finally:
        client.close()
