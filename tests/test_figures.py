"""Figures 2 and 3: the plotted statistics against a brute-force computation, the files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mutualism.core.errors import MutualismError, UnknownOptionError  # noqa: E402
from mutualism.report.figures import (ALL_PARTNERS, INDICES, OKABE_ITO, figure2_data, figure3_data,  # noqa: E402
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


# ----- decompositions and schematics -------------------------------------------------------
@pytest.fixture(scope="module")
def wwz_example():
    from mutualism.gvc.decompose import wwz
    from mutualism.io.mrio import build_mrio

    rng = np.random.default_rng(3)
    Z = rng.uniform(1, 10, (6, 6))
    Y = rng.uniform(20, 60, (6, 3))
    return wwz(build_mrio(Z, Y, ["CHN", "PAK", "ROW"], ["C5", "C9"], 2020, source="random"))


def test_decomposition_groups_sum_the_terms_and_add_up(wwz_example):
    from mutualism.gvc.decompose import WWZ_TERMS
    from mutualism.report.figures import WWZ_GROUPS, decomposition_groups

    assert sorted(t for names in WWZ_GROUPS.values() for t in names) == sorted(WWZ_TERMS)  # a partition
    data = decomposition_groups(wwz_example, ["exporter", "importer"])
    assert len(data) == 6
    for row in data.itertuples():
        flows = wwz_example[(wwz_example["exporter"] == row.exporter) & (wwz_example["importer"] == row.importer)]
        for group, names in WWZ_GROUPS.items():  # brute force: loop over rows and terms
            expected = sum(float(r[t]) for _, r in flows.iterrows() for t in names)
            assert getattr(row, group) == pytest.approx(expected, rel=1e-12)
        assert abs(row.gap) < 1e-9 * row.texp  # the 16 terms add up to gross exports
    shares = data[[f"share_{g}" for g in WWZ_GROUPS]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, rtol=1e-12)
    with pytest.raises(MutualismError, match="DVA_FIN"):
        decomposition_groups(wwz_example.drop(columns="DVA_FIN"), ["exporter"])


def test_decomposition_plot_stacks_the_shares(wwz_example):
    from mutualism.report.figures import WWZ_GROUPS, decomposition_groups, plot_decomposition

    data = decomposition_groups(wwz_example, ["exporter"])
    fig = plot_decomposition(data, "exporter", title="t")
    try:
        ax = fig.axes[0]
        bars = ax.patches
        assert len(bars) == len(data) * len(WWZ_GROUPS)
        widths = np.array([b.get_width() for b in bars]).reshape(len(WWZ_GROUPS), len(data))
        np.testing.assert_allclose(widths.T, data[[f"share_{g}" for g in WWZ_GROUPS]].to_numpy())
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert labels[0].startswith("DVA: domestic value added") and len(labels) == 5
    finally:
        plt.close(fig)


def test_transfer_route_schematic_matches_the_routes_of_the_indices():
    from mutualism.report.diagrams import TRANSFER_ROUTES, transfer_routes
    from mutualism.gvc.indices import ROUTES

    assert [f"ITR_{name}" for name in TRANSFER_ROUTES] == list(ROUTES)
    fig, data = transfer_routes()
    try:
        assert [ax.get_title().split("\n")[0] for ax in fig.axes[:5]] == list(TRANSFER_ROUTES)
        for name, legs in data.groupby("route"):
            legs = legs.sort_values("step")
            assert legs["from"].iloc[0] == "a" and legs["to"].iloc[-1] == "b", name  # from source to destination
            assert (legs["to"].to_numpy()[:-1] == legs["from"].to_numpy()[1:]).all(), name  # a connected path
            formula = TRANSFER_ROUTES[name][1]
            assert ("d" in set(legs["from"]) | set(legs["to"])) == ("_d" in formula or "d}" in formula), name
            # final goods on the last leg exactly when the formula ends in final demand of b bought abroad
            assert (legs["goods"].iloc[-1] == "final") == (not formula.rstrip("$").endswith("Y_{bb}")), name
    finally:
        plt.close(fig)


def test_mechanism_diagram_draws_every_arrow_of_the_model():
    from mutualism.report.diagrams import MECHANISM_EDGES, mechanism

    fig, data = mechanism()
    try:
        assert len(data) == len(MECHANISM_EDGES) == 5
        arrows = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
        assert len(arrows) == 5
        assert set(data["from"]) == {"ln ITR", "RVC", "INC"} and set(data["coefficient"]) >= {"α1", "φ2"}
    finally:
        plt.close(fig)
