"""Shared fixtures (small random tables, the location of ../shared, the two session books)
and how the suite is spread over the machine's cores.

``make test`` runs pytest with ``-n 2 --dist loadgroup --no-loadscope-reorder``
(pytest-xdist). Every test is given an ``xdist_group``: the tests that read the CI book
(``ci_book``), those of the WIOD book (``wiod_book``), each run of test_claims.py (the
group its ``RUN_GROUPS`` names), and otherwise its file; the heaviest groups are listed
first (:data:`HEAVY_FIRST`). Each worker's BLAS gets one thread (the two workers share
two cores); tests that compare thread counts set their own limits.

pytest is pinned below 9.2 (requirements-lock.txt, pyproject.toml): pytest 9.2 keeps a
node id in ``_id`` while pytest-xdist 3.8 still groups by rewriting ``_nodeid``, so every
group was split across the workers and each worker built every book (24 min on two
workers, as long as one process). ``tests/test_architecture.py`` checks on a small suite
that a group stays on one worker. ``TEST_JOBS=0`` runs the suite in this process.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mutualism.io.mrio import build_mrio

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WIOD = SHARED / "data" / "wiod2013"
EXTERNAL = SHARED / "data" / "external"

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared is absent (never in CI)")


def random_blocks(G: int = 4, N: int = 3, K: int = 2, seed: int = 0, zero_sectors=(), negative_fd: bool = True):
    """Raw blocks of a productive random table: Z (n×n), Y (n×G·K).

    ``zero_sectors`` are flat positions given no output at all (row and column zero).
    """
    rng = np.random.default_rng(seed)
    n = G * N
    Z = rng.uniform(0, 1, (n, n)) * rng.binomial(1, 0.8, (n, n))
    Y = rng.uniform(0.5, 3.0, (n, G * K)) * n
    if negative_fd:
        Y[rng.integers(0, n, 3), K - 1] *= -0.01  # small inventory draw-downs (last category)
    for k in zero_sectors:
        Z[k, :] = 0
        Z[:, k] = 0
        Y[k, :] = 0
    return Z, Y


def random_mrio(G: int = 4, N: int = 3, K: int = 2, seed: int = 0, zero_sectors=(), negative_fd: bool = True, year=2010):
    Z, Y = random_blocks(G, N, K, seed, zero_sectors, negative_fd)
    countries = ["CHN", "PAK", "KEN", "ROW", "DEU", "RUS", "EGY", "BRA"][:G]
    return build_mrio(Z, Y, countries, [f"C{4 + j}" for j in range(N)], year, source="random",
                      fd_categories=[f"fd{k}" for k in range(K)])


# ----- the CI book, built once per session (tests/test_book.py, tests/test_browser.py) -----
@pytest.fixture(scope="session")
def ci_book(tmp_path_factory) -> Path:
    """Build the whole book strictly on params/ci.yml, with a fresh cache; returns the
    build folder (``html/``, ``executed/``, ``figures/``)."""
    import yaml

    from mutualism.book.build import build_book

    out = tmp_path_factory.mktemp("book")
    params = yaml.safe_load((REPO / "params" / "ci.yml").read_text())
    params["cache_dir"] = str(out / "cache")
    params_file = out / "ci.yml"
    params_file.write_text(yaml.safe_dump(params))
    build_book(params_file, out_dir=out / "_build", strict=True, quiet=True)
    return out / "_build"


# ----- the WIOD 2013 book, built once per session (tests/test_book.py, tests/test_claims.py) -----
@pytest.fixture(scope="session")
def wiod_book(tmp_path_factory) -> Path:
    """Build the whole book strictly on params/wiod2013.yml with the shared tables and controls
    and a fresh cache (skipped when ../shared/data/wiod2013 is absent); returns the build folder."""
    import yaml

    from mutualism.book.build import build_book

    if not WIOD.is_dir():
        pytest.skip("../shared/data/wiod2013 is absent")
    out = tmp_path_factory.mktemp("wiod-book")
    params = yaml.safe_load((REPO / "params" / "wiod2013.yml").read_text())
    params.update(data_path=str(WIOD), controls_path=str(EXTERNAL), cache_dir=str(out / "cache"))
    params_file = out / "wiod2013.yml"
    params_file.write_text(yaml.safe_dump(params))
    build_book(params_file, out_dir=out / "_build", strict=True, quiet=True)
    return out / "_build"


# ----- spreading the suite over the cores (pytest-xdist, ``--dist loadgroup``) ----------------
#: Groups sent to the workers first (each takes minutes: whole book builds or a cluster).
#: xdist hands each worker one group at the start, then the next whenever no more than two
#: of its tests are left: the CI book (with the two claims runs on its data and cache,
#: tests/test_claims.py) goes to one worker, the default run and then the WIOD book to the
#: other, and the rest to whichever is free.
HEAVY_FIRST = ("ci_book", "claims-default", "wiod_book", "test_multiverse.py", "test_wiod_results.py",
               "test_faults.py", "test_parallel.py")


def _group(item) -> str:
    """The xdist group of a test: its session book, its test_claims run, or its file."""
    names = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    run = callspec.params.get("built") if callspec is not None else None
    if run is not None:  # a run of test_claims.py: the group its module gives it
        return getattr(item.module, "RUN_GROUPS", {}).get(run, f"claims-{run}")
    if "ci_book" in names:
        return "ci_book"
    if "wiod_book" in names:
        return "wiod_book"
    return item.path.name


@pytest.hookimpl(tryfirst=True)  # before xdist's worker hook, which reads the marks
def pytest_collection_modifyitems(config, items):
    rank = {g: i for i, g in enumerate(HEAVY_FIRST)}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    # heaviest groups first, the rest in file order (a stable sort keeps each file's order)
    items.sort(key=lambda item: rank.get(_group(item), len(rank)))


def pytest_configure(config):
    import signal

    # execnet's workers ignore SIGINT, and so does a pytest started in the background by a
    # shell without job control (`make test &`); the fault tests send one to their own
    # process and expect Python's KeyboardInterrupt, as in a terminal
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if os.environ.get("PYTEST_XDIST_WORKER"):  # two workers on two cores: one BLAS thread each
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"  # for the chapters' kernels and the CLI's subprocesses
        from threadpoolctl import threadpool_limits

        config._blas_limits = threadpool_limits(1)  # kept for the session
