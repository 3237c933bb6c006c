"""Figures 2 and 3: the plotted statistics against a brute-force computation, the files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mutualism.errors import MutualismError, UnknownOptionError  # noqa: E402
from mutualism.figures import (ALL_PARTNERS, INDICES, OKABE_ITO, figure2_data, figure3_data,  # noqa: E402
                               plot_indices, save_figure, summarise)

REGIONS = {"AAA": "Asia", "BBB": "Asia", "CCC": "Africa", "DDD": "Europe"}
NAMES = {"C4": "Food", "C9": "Machinery"}


@pytest.fixture
def indices() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = [(y, p, i) for y in (2010, 2011, 2012) for p in REGIONS for i in NAMES]
    frame = pd.DataFrame(rows, columns=["year", "partner", "industry"])
    for name in INDICES:
        frame[name] = rng.lognormal(size=len(frame))
    frame.loc[[1, 5, 6], "XT"] = np.nan  # undefined coordination cells
    return frame


def brute_force(frame: pd.DataFrame, group_of) -> dict:
    """(index, group, year) -> (n, mean, median) by explicit loops over the cells."""
    out = {}
    for name in INDICES:
        for _, row in frame.iterrows():
            out.setdefault((name, group_of(row), row["year"]), []).append(row[name])
    stats = {}
    for key, values in out.items():
        finite = np.array([v for v in values if not np.isnan(v)])
        stats[key] = (len(finite), finite.mean() if len(finite) else np.nan,
                      np.median(finite) if len(finite) else np.nan)
    return stats


def test_figure2_statistics_match_loops_and_skip_missing(indices):
    data = figure2_data(indices, REGIONS)
    expected = brute_force(indices, lambda r: REGIONS[r["partner"]])
    expected |= brute_force(indices, lambda r: ALL_PARTNERS)
    assert len(data) == len(expected)
    for row in data.itertuples():
        n, mean, median = expected[(row.index, row.group, row.year)]
        assert row.n == n
        assert row.mean == pytest.approx(mean) and row.median == pytest.approx(median)
    # The three missing XT cells are not counted: 2010 has 4 partners x 2 industries = 8 cells.
    all_xt = data[(data["index"] == "XT") & (data["group"] == ALL_PARTNERS)].set_index("year")["n"]
    assert all_xt.to_dict() == {2010: 5, 2011: 8, 2012: 8}


def test_figure3_groups_by_industry(indices):
    data = figure3_data(indices, NAMES)
    assert set(data["group"]) == {"C4 Food", "C9 Machinery"}
    expected = brute_force(indices, lambda r: f"{r['industry']} {NAMES[r['industry']]}")
    for row in data.itertuples():
        assert row.median == pytest.approx(expected[(row.index, row.group, row.year)][2])


def test_unknown_region_or_industry_is_named(indices):
    with pytest.raises(MutualismError, match="DDD"):
        figure2_data(indices, {k: v for k, v in REGIONS.items() if k != "DDD"})
    with pytest.raises(MutualismError, match="C9"):
        figure3_data(indices, {"C4": "Food"})
    with pytest.raises(MutualismError, match="RH"):
        summarise(indices.drop(columns="RH"), indices["partner"])


def test_plot_has_one_line_per_group_and_highlights_all_partners(indices):
    data = figure2_data(indices, REGIONS)
    fig = plot_indices(data, stat="mean", groups=["Asia", "Africa", "Europe", ALL_PARTNERS])
    try:
        assert len(fig.axes) == 3
        for ax, name in zip(fig.axes, INDICES):
            lines = ax.get_lines()
            assert [ln.get_label() for ln in lines] == [ALL_PARTNERS, "Asia", "Africa", "Europe"]
            assert lines[0].get_color() == OKABE_ITO[0] and lines[0].get_linewidth() > lines[1].get_linewidth()
            assert name in ax.get_ylabel() and ax.get_xlabel() == "year"
            plotted = lines[1].get_ydata()
            expected = data[(data["index"] == name) & (data["group"] == "Asia")]["mean"].to_numpy()
            np.testing.assert_allclose(plotted, expected)
        styles = {(ln.get_color(), str(ln.get_linestyle())) for ln in fig.axes[0].get_lines()}
        assert len(styles) == 4  # every line distinguishable by colour and dash
    finally:
        plt.close(fig)
    with pytest.raises(UnknownOptionError, match="stat"):
        plot_indices(data, stat="mode")


def test_save_writes_png_and_round_tripping_csv(indices, tmp_path):
    data = figure3_data(indices, NAMES)
    fig = plot_indices(data, highlight=None)
    png, csv = save_figure(fig, data, "figure3", tmp_path / "figs")
    plt.close(fig)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    back = pd.read_csv(csv)
    pd.testing.assert_frame_equal(back, data, check_dtype=False, rtol=1e-9)
