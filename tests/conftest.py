"""Shared fixtures: small random tables and the location of ../shared."""

from __future__ import annotations

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

    try:
        from mutualism.book.build import build_book
    except ImportError:  # before the build orchestration moved out of mutualism.book
        from mutualism.book import build_book

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
