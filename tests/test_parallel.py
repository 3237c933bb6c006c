"""Batches of tasks (mutualism.core.parallel.run_batches, issue 20): every task in exactly one
batch, a batch never mixes keys, groups split only to give each worker several batches,
and the results come back in task order on every backend."""

from __future__ import annotations

import itertools

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
