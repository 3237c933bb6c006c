"""The paper's Figures 2 and 3: the three mutualism indices over time (METHODS.md §3, §7).

Figure 2 groups the (partner, industry) cells of the §10 index table by the partner's
region (Asia, Africa, Europe, Americas & Oceania) and adds the line of all partners;
Figure 3 groups them by manufacturing industry. Each line is a yearly summary statistic
of the cells in the group, the median by default: ``XT`` is unbounded when two growth
rates coincide (§3.3), so a mean would follow a handful of cells. The data behind every
line (count of cells, mean and median) are returned with the figure and saved as CSV
beside its PNG.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies) and every line also has its own dash pattern and marker, so the figures
remain readable in greyscale print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from .errors import MutualismError, check_option

INDICES = ("RH", "HD", "XT")
AXIS_LABELS = {
    "RH": "fusion RH\n(mean of four value-added shares)",
    "HD": "interaction HD\n(foreign value added, share of exports)",
    "XT": "coordination XT\n(index, dimensionless)",
}
TITLES = {"RH": "Fusion", "HD": "Interaction", "XT": "Coordination"}
ALL_PARTNERS = "All partners"
STATS = ("median", "mean")
#: Okabe & Ito (2008) colour-blind-safe palette, black first.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (6, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def summarise(indices: pd.DataFrame, groups: pd.Series, *, indices_used: Sequence[str] = INDICES) -> pd.DataFrame:
    """Yearly count, mean and median of each index by group (missing cells skipped).

    Parameters
    ----------
    indices : the §10 table (``year`` and the index columns).
    groups : group label of each row of ``indices`` (same index).
    indices_used : index columns to summarise.

    Returns
    -------
    DataFrame with columns ``index, group, year, n, mean, median`` (``n`` counts the
    non-missing cells; a group-year with none has ``n = 0`` and NaN statistics).
    """
    missing = [c for c in ("year", *indices_used) if c not in indices.columns]
    if missing:
        raise MutualismError(f"index table lacks column(s) {missing}; has {list(indices.columns)}")
    long = (indices.assign(group=groups.to_numpy())
            .melt(id_vars=["year", "group"], value_vars=list(indices_used), var_name="index"))
    stats = (long.groupby(["index", "group", "year"], sort=False)["value"]
             .agg(n="count", mean="mean", median="median").reset_index())
    stats["index"] = pd.Categorical(stats["index"], categories=list(indices_used), ordered=True)
    stats = stats.sort_values(["index", "group", "year"], kind="stable").reset_index(drop=True)
    return stats.astype({"index": str})


def figure2_data(indices: pd.DataFrame, regions: Mapping[str, str]) -> pd.DataFrame:
    """Data of Figure 2: each index by the partner's region, plus all partners.

    ``regions`` maps every partner ISO3 code of ``indices`` to its region; a partner
    without a region raises :class:`~mutualism.errors.MutualismError` naming it.
    """
    unknown = sorted(set(indices["partner"]) - set(regions))
    if unknown:
        raise MutualismError(f"no region for partner(s) {unknown}; give every partner a region")
    by_region = summarise(indices, indices["partner"].map(regions))
    overall = summarise(indices, pd.Series(ALL_PARTNERS, index=indices.index))
    return pd.concat([overall, by_region], ignore_index=True)


def figure3_data(indices: pd.DataFrame, industry_names: Mapping[str, str]) -> pd.DataFrame:
    """Data of Figure 3: each index by manufacturing industry (``industry_names`` maps the
    sector codes, e.g. ``C9`` → ``Electrical equipment and machinery``)."""
    unknown = sorted(set(indices["industry"]) - set(industry_names))
    if unknown:
        raise MutualismError(f"no name for industry code(s) {unknown}")
    labels = indices["industry"].map(lambda code: f"{code} {industry_names[code]}")
    return summarise(indices, labels)


def plot_indices(data: pd.DataFrame, *, stat: str = "median", groups: Sequence[str] | None = None,
                 highlight: str | None = ALL_PARTNERS, title: str | None = None):
    """Three panels (RH, HD, XT) of one line per group over the years.

    Parameters
    ----------
    data : output of :func:`figure2_data` or :func:`figure3_data`.
    stat : ``median`` or ``mean`` of the cells in each group-year.
    groups : line order (default: order of appearance); at most eight lines.
    highlight : group drawn thicker, in black (the all-partner line of Figure 2).
    title : figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    check_option("stat", stat, STATS)
    groups = list(groups) if groups is not None else list(dict.fromkeys(data["group"]))
    if len(groups) > len(OKABE_ITO):
        raise MutualismError(f"{len(groups)} groups to draw; at most {len(OKABE_ITO)} are readable")
    if highlight in groups:  # the highlighted line takes black, the others the palette's colours
        groups = [highlight] + [g for g in groups if g != highlight]
    palette = OKABE_ITO if highlight in groups else OKABE_ITO[1:] + OKABE_ITO[:1]
    fig, axes = plt.subplots(1, len(INDICES), figsize=(12, 4.2), layout="constrained")
    for ax, name in zip(axes, INDICES):
        panel = data[data["index"] == name]
        for k, group in enumerate(groups):
            line = panel[panel["group"] == group]
            thick = group == highlight
            ax.plot(line["year"], line[stat], label=group, color=palette[k], linestyle=DASHES[k % len(DASHES)],
                    marker=MARKERS[k % len(MARKERS)], markersize=3.5, linewidth=2.6 if thick else 1.4,
                    zorder=3 if thick else 2)
        ax.set_title(TITLES[name])
        ax.set_xlabel("year")
        ax.set_ylabel(f"{stat} of {AXIS_LABELS[name]}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.grid(True, color="0.88", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(groups) if len(groups) <= 5 else 2, frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def save_figure(fig, data: pd.DataFrame, stem: str, out_dir: str | Path, *, dpi: int = 200) -> tuple[Path, Path]:
    """Write ``<stem>.png`` and the plotted data as ``<stem>.csv`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, csv = out / f"{stem}.png", out / f"{stem}.csv"
    fig.savefig(png, dpi=dpi)
    data.to_csv(csv, index=False, float_format="%.10g")
    return png, csv
