"""Batches of tasks (mutualism.core.parallel.run_batches, issue 20): every task in exactly one
batch, a batch never mixes keys, groups split only to give each worker several batches,
and the results come back in task order on every backend."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

from mutualism.core.errors import MutualismError
from mutualism.core.parallel import BATCHES_PER_WORKER, plan_batches, run_batches


def _tasks(years: int, variants: int) -> list[tuple[int, int]]:
    """(year, variant) in the multiverse's order: variant-major, so a year's tasks are apart."""
    return [(2000 + y, v) for v in range(variants) for y in range(years)]


def _check_partition(plan: list[list[int]], keys: list) -> None:
    flat = sorted(itertools.chain.from_iterable(plan))
    assert flat == list(range(len(keys)))                      # each task exactly once
    for batch in plan:
        assert batch == sorted(batch) and len({keys[i] for i in batch}) == 1   # one key, task order


@pytest.mark.parametrize("years, variants, workers, expected", [
    (11, 16, 1, 11),     # WIOD 2002–2011 + 2001, one process: one batch a year, nothing to balance
    (11, 16, 2, 11),     # 11 years ≥ 4 × 2: still one batch a year (the year read once per batch)
    (20, 16, 2, 20),     # the book's default years
    (3, 16, 2, 9),       # 3 years < 8: each year split in ceil(8 / 3) = 3 runs of 5–6 variants
    (3, 3, 2, 9),        # a group is never split below one task
    (1, 16, 4, 16),      # one year, 4 workers: 16 runs of one variant
    (2, 5, 3, 10),       # ceil(12 / 2) = 6 runs wanted, 5 tasks a year
])
def test_one_batch_per_key_split_only_below_k_batches_per_worker(years, variants, workers, expected):
    tasks = _tasks(years, variants)
    keys = [year for year, _ in tasks]
    plan = plan_batches(keys, workers)
    _check_partition(plan, keys)
    assert len(plan) == expected
    # batches in the order the keys first appear; a split group's runs differ by at most one task
    # runs dealt round-robin: the first run of every key (in first-seen order), then the second…
    order = list(dict.fromkeys(keys))
    batch_keys = [keys[b[0]] for b in plan]
    run_of = [batch_keys[:i].count(k) for i, k in enumerate(batch_keys)]
    assert [(r, order.index(k)) for r, k in zip(run_of, batch_keys)] == sorted(
        (r, order.index(k)) for r, k in zip(run_of, batch_keys))
    assert batch_keys[:len(order)] == order[:len(plan)]
    for year in set(keys):
        sizes = [len(b) for b in plan if keys[b[0]] == year]
        assert max(sizes) - min(sizes) <= 1
    if workers > 1:
        assert len(plan) >= min(len(tasks), BATCHES_PER_WORKER * workers)


def _square_batch(batch: list[tuple[int, int]]) -> list[tuple[tuple[int, int], int, tuple]]:
    """Each task's own result, the size of its batch and the batch's tasks (module level:
    picklable for joblib and Dask)."""
    return [(task, task[0] * 100 + task[1] ** 2, tuple(batch)) for task in batch]


def _year(task: tuple[int, int]) -> int:
    return task[0]


def _short_batch(batch: list) -> list:
    return batch[:-1]


def _check_run(results, tasks, workers) -> None:
    assert [r[0] for r in results] == tasks                              # task order
    assert [r[1] for r in results] == [y * 100 + v ** 2 for y, v in tasks]   # each task's own result
    batches = {r[2] for r in results}
    keys = [year for year, _ in tasks]
    expected = {tuple(tasks[i] for i in b) for b in plan_batches(keys, workers)}
    assert batches == expected                                           # the planned batches ran


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_results_in_task_order_and_the_planned_batches_on_local_backends(n_jobs):
    tasks = _tasks(3, 5)
    results = run_batches(_square_batch, tasks, key=_year, n_jobs=n_jobs)
    _check_run(results, tasks, n_jobs)
    assert len({r[2] for r in results}) == (3 if n_jobs == 1 else 9)


def test_results_in_task_order_on_a_dask_cluster_planned_for_its_threads():
    from distributed import LocalCluster

    tasks = _tasks(3, 5)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        results = run_batches(_square_batch, tasks, key=_year, scheduler=cluster.scheduler_address)
    _check_run(results, tasks, 2)


def test_a_batch_function_that_loses_a_result_is_an_error():
    with pytest.raises(MutualismError, match="_short_batch returned 2 results for a batch of 3 tasks"):
        run_batches(_short_batch, _tasks(2, 3), key=_year)
    with pytest.raises(MutualismError, match="n_jobs=0"):
        run_batches(_square_batch, _tasks(2, 3), key=_year, n_jobs=0)


# ----- threads (issue 19): the cores split between workers, kernels independent of their number -----
def _threads_here(_task) -> int:
    from mutualism.gvc.blocked import task_threads

    return task_threads()


def test_a_plain_process_uses_every_blas_thread_and_joblib_workers_split_the_cores():
    from threadpoolctl import threadpool_limits

    from mutualism.core.parallel import run_tasks, worker_threads
    from mutualism.gvc.blocked import one_blas_thread, task_threads

    cores = os.cpu_count() or 1
    assert run_tasks(_threads_here, [0, 1]) == [task_threads()] * 2     # n_jobs=1: this process's threads
    with threadpool_limits(limits=2, user_api="blas"):
        assert task_threads() == 2
    with one_blas_thread():
        assert task_threads() == 1
    assert worker_threads(2) == max(1, cores // 2) and worker_threads(-1) == 1 and worker_threads(1) == cores
    assert run_tasks(_threads_here, list(range(4)), n_jobs=2) == [worker_threads(2)] * 4


def _leontief_like(n: int, seed: int) -> np.ndarray:
    """``I − A`` of a random productive table, Fortran-ordered (what the solver factorises)."""
    rng = np.random.default_rng(seed)
    return np.asfortranarray(np.eye(n) - rng.random((n, n)) * (0.9 / n))


@pytest.mark.parametrize("n", [1, 7, 2 * 256 + 37])
def test_blocked_lu_and_solves_equal_scipy_and_are_the_same_bits_for_any_thread_count(n):
    """Several panels and row blocks (the last ones short) with the look-ahead at n = 549;
    1, 2 and 3 threads give the same bits; SciPy's LU and solves to 1e-13."""
    import scipy.linalg

    from mutualism.gvc import blocked

    M = _leontief_like(n, seed=n)
    rhs = np.asfortranarray(np.random.default_rng(1).standard_normal((n, 37)))
    if n > 100:
        assert n > 2 * blocked.NB and n % blocked.NB
    ref_lu, ref_piv = scipy.linalg.lu_factor(M)
    runs = []
    for threads in (1, 2, 3):
        lu, piv = blocked.lu_factor(M.copy(order="F"), threads)
        runs.append((lu, piv, blocked.lu_solve((lu, piv), rhs.copy(order="F"), trans=0, threads=threads),
                     blocked.lu_solve((lu, piv), rhs.copy(order="F"), trans=1, threads=threads)))
    for later in runs[1:]:
        for a, b in zip(runs[0], later):
            np.testing.assert_array_equal(a, b)
    lu, piv, x, xt = runs[0]
    np.testing.assert_array_equal(piv, ref_piv)                                   # same pivots as LAPACK
    np.testing.assert_allclose(lu, ref_lu, rtol=0, atol=1e-14)
    np.testing.assert_allclose(M @ x, rhs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(M.T @ xt, rhs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x, scipy.linalg.lu_solve((ref_lu, ref_piv), rhs), rtol=1e-13, atol=1e-14)
    one = rhs[:, 0].copy()
    assert blocked.lu_solve((lu, piv), one, threads=2) is one                    # a vector, in place
    # alone, a column is not rounded as among others (BLAS edge kernels): why the blocks are fixed
    np.testing.assert_allclose(one, x[:, 0], rtol=1e-13, atol=1e-14)


def test_blocked_solver_refuses_a_singular_table_and_a_c_ordered_right_hand_side():
    from mutualism.core.errors import MRIOValueError
    from mutualism.gvc import blocked
    from mutualism.gvc.leontief import LeontiefSolver

    A = np.zeros((300, 300))
    A[:, 5] = 0.0
    A[5, 5] = 1.0                         # sector 5 needs all of its own output: I − A singular
    with pytest.raises(MRIOValueError, match="singular"):
        LeontiefSolver(A, where="test", threads=2)
    lu = blocked.lu_factor(_leontief_like(10, 0), 1)
    with pytest.raises(ValueError, match="Fortran"):
        blocked.lu_solve(lu, np.ones((10, 3)), threads=1)


def test_the_solver_with_threads_copies_what_it_may_not_overwrite():
    from mutualism.gvc.leontief import LeontiefSolver

    A = np.eye(600) - _leontief_like(600, 3)
    M = np.random.default_rng(2).random((600, 40))             # C-ordered: solved in a copy
    before = M.copy()
    fast, plain = LeontiefSolver(A, threads=2), LeontiefSolver(A)
    np.testing.assert_allclose(fast.B_times(M), plain.B_times(M), rtol=1e-13)
    np.testing.assert_allclose(fast.BT_times(M, overwrite=True), plain.BT_times(M), rtol=1e-13)
    np.testing.assert_array_equal(M, before)
    F = np.asfortranarray(M)
    assert fast.B_times(F, overwrite=True) is F                 # Fortran-ordered and allowed: in place
    # a Fortran-ordered A (as a table read back from the .npz cache can be) factorises the same
    np.testing.assert_array_equal(LeontiefSolver(np.asfortranarray(A), threads=2).B_times(M), fast.B_times(M))
