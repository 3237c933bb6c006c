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

from ..core.errors import MutualismError, check_option

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
    without a region raises :class:`~mutualism.core.errors.MutualismError` naming it.
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
    return legible(fig)


#: Width (CSS pixels) of the book's column of text in a 1280 px window, which a figure wider
#: than it is scaled down to (measured in Chromium; tests/test_browser.py measures it again).
COLUMN_PX = 688
#: The smallest text a figure may show on the page, in CSS pixels.
MIN_TEXT_PX = 9.0
#: PNG text keys :func:`save_figure` writes: the smallest font (points) and the width (inches).
SMALLEST_TEXT_KEY, WIDTH_KEY = "mutualism:smallest_text_pt", "mutualism:width_in"


def smallest_text_pt(fig) -> float:
    """The size (points) of the smallest visible, non-empty text of ``fig``."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels get their text when drawn
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes)) if sizes else float("inf")


def legible(fig, *, column_px: float = COLUMN_PX, min_px: float = MIN_TEXT_PX):
    """Enlarge every text of ``fig`` that would be smaller than ``min_px`` CSS pixels once the
    figure is scaled to a column of ``column_px`` (a multi-panel figure 12 inches wide shows
    a 10-point label at 8 px). Returns ``fig``; its layout engine makes room on the next draw."""
    from matplotlib.text import Text

    width_in = float(fig.get_figwidth())
    floor_pt = min_px * 72.0 * width_in / column_px  # points that make min_px at this scale
    fig.canvas.draw()  # tick labels get their text when drawn
    ticks = set()
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = [*axis.get_ticklabels(), *axis.get_ticklabels(minor=True)]
            ticks.update(map(id, labels))
            if any(t.get_fontsize() < floor_pt for t in labels):  # through the axis: new ticks inherit it
                ax.tick_params(axis=name, which="both", labelsize=floor_pt)
    for text in fig.findobj(Text):
        if id(text) not in ticks and text.get_text().strip() and text.get_fontsize() < floor_pt:
            text.set_fontsize(floor_pt)
    return fig


def save_figure(fig, data: pd.DataFrame, stem: str, out_dir: str | Path, *, dpi: int = 200) -> tuple[Path, Path]:
    """Write ``<stem>.png`` and the plotted data as ``<stem>.csv`` into ``out_dir``.

    The figure's text is made :func:`legible` first; the PNG records its smallest font and
    its width (:data:`SMALLEST_TEXT_KEY`, :data:`WIDTH_KEY`) for the book's checks."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, csv = out / f"{stem}.png", out / f"{stem}.csv"
    legible(fig)
    fig.savefig(png, dpi=dpi, metadata={SMALLEST_TEXT_KEY: f"{smallest_text_pt(fig):.3f}",
                                        WIDTH_KEY: f"{fig.get_figwidth():.3f}"})
    data.to_csv(csv, index=False, float_format="%.10g")
    return png, csv


# ----- decompositions of gross exports (METHODS §2, §9, §11) ----------------------------------
#: WWZ's sixteen terms (METHODS §9) in five groups, in the order they are stacked.
WWZ_GROUPS = {
    "DVA": ("DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2"),
    "RDV": ("RDV_INT", "RDV_FIN", "RDV_FIN2"),
    "DDC": ("DDC_FIN", "DDC_INT"),
    "FVA": ("MVA_FIN", "MVA_INT", "OVA_FIN", "OVA_INT"),
    "FDC": ("MDC", "ODC"),
}
#: Borin–Mancini's twelve terms (METHODS §11, exvatools' names) in the same five groups.
BM_GROUPS = {
    "DVA": ("VAX1", "VAX2", "VAX3", "VAX4"),
    "RDV": ("REF1", "REF2"),
    "DDC": ("DDC",),
    "FVA": ("FVA1", "FVA2", "FVA3", "FVA4"),
    "FDC": ("FDC",),
}
GROUP_LABELS = {
    "DVA": "domestic value added absorbed abroad",
    "RDV": "domestic value added that returns home",
    "DDC": "domestic double counting",
    "FVA": "foreign value added",
    "FDC": "foreign double counting",
}
GROUP_COLOURS = dict(zip(WWZ_GROUPS, (OKABE_ITO[4], OKABE_ITO[2], OKABE_ITO[6], OKABE_ITO[1], OKABE_ITO[7])))
GROUP_HATCHES = dict(zip(WWZ_GROUPS, ("", "//", "xx", "..", "\\\\")))


def decomposition_groups(terms: pd.DataFrame, by: Sequence[str], *, groups: Mapping[str, Sequence[str]] = WWZ_GROUPS,
                         total: str = "texp") -> pd.DataFrame:
    """Terms of a decomposition summed over the rows sharing ``by``, with the five group
    sums (``DVA``, ``RDV``, ``DDC``, ``FVA``, ``FDC``), their shares of gross exports
    (``share_<group>``) and the adding-up gap ``gap = total − Σ groups``.

    ``terms`` is :func:`mutualism.gvc.decompose.wwz` output (``groups=WWZ_GROUPS``, total
    ``texp``) or Borin–Mancini's (``BM_GROUPS``, total ``EXGR``); terms are additive over
    exporting sectors and importers, so any grouping keeps the adding-up.
    """
    needed = [t for names in groups.values() for t in names] + [total, *by]
    missing = [c for c in needed if c not in terms.columns]
    if missing:
        raise MutualismError(f"decomposition lacks column(s) {missing}; has {list(terms.columns)}")
    summed = terms.groupby(list(by), sort=False)[[t for names in groups.values() for t in names] + [total]].sum()
    for group, names in groups.items():
        summed[group] = summed[list(names)].sum(axis=1)
    summed["gap"] = summed[total] - summed[list(groups)].sum(axis=1)
    for group in groups:
        summed[f"share_{group}"] = summed[group] / summed[total].where(summed[total] != 0)
    return summed.reset_index()


def plot_decomposition(data: pd.DataFrame, label: str, *, shares: bool = True, title: str | None = None,
                       xlabel: str | None = None):
    """Horizontal stacked bars, one per row of ``data`` (:func:`decomposition_groups`),
    split into the five groups DVA / RDV / DDC / FVA / FDC (colour and hatch).

    ``label`` names the column labelling the bars; ``shares`` stacks shares of gross
    exports (each bar sums to one) instead of levels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    groups = [g for g in WWZ_GROUPS if g in data.columns]
    values = data[[f"share_{g}" if shares else g for g in groups]].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(7.4, 0.4 * len(data) + 1.9), layout="constrained")
    left = np.zeros(len(data))
    positions = np.arange(len(data))[::-1]
    for k, group in enumerate(groups):
        ax.barh(positions, values[:, k], left=left, color=GROUP_COLOURS[group], hatch=GROUP_HATCHES[group],
                edgecolor="white", linewidth=0.6, label=f"{group}: {GROUP_LABELS[group]}")
        left += values[:, k]
    ax.set_yticks(positions, data[label].astype(str))
    ax.set_xlabel(xlabel or ("share of gross exports" if shares else "value (units of the table)"))
    if shares:
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="x", color="0.88", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)
    if title:
        ax.set_title(title)
    return fig


def compare_decompositions(wwz_terms: pd.DataFrame, bm_terms: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """WWZ (METHODS §9) against Borin–Mancini (§11) group by group, in long form: one row
    per ``by`` value, group and method, with the value and its share of gross exports.

    Both decompositions must describe the same flows (the same gross exports, checked to
    1e-9 of their size); a difference raises :class:`MutualismError` naming the flow.
    """
    import numpy as np

    w = decomposition_groups(wwz_terms, by, groups=WWZ_GROUPS, total="texp").set_index(list(by))
    b = decomposition_groups(bm_terms, by, groups=BM_GROUPS, total="EXGR").set_index(list(by)).reindex(w.index)
    off = ~np.isclose(w["texp"], b["EXGR"], rtol=1e-9, atol=1e-9 * max(float(w["texp"].abs().max()), 1.0))
    if off.any():
        raise MutualismError(f"WWZ and Borin–Mancini describe different gross exports for {list(w.index[off])[:3]}")
    rows = []
    for method, frame in (("WWZ", w), ("Borin–Mancini", b)):
        for group in WWZ_GROUPS:
            part = frame[[group, f"share_{group}"]].rename(columns={group: "value", f"share_{group}": "share"})
            rows.append(part.assign(group=group, method=method).reset_index())
    out = pd.concat(rows, ignore_index=True)
    return out[[*by, "group", "method", "value", "share"]]


def plot_comparison(long: pd.DataFrame, *, facet: str | None = None, shares: bool = True, title: str | None = None):
    """Grouped bars (seaborn): each of the five groups under WWZ and under Borin–Mancini,
    one panel per value of ``facet`` (e.g. the exporter) if given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    panels = list(dict.fromkeys(long[facet])) if facet else [None]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels) + 0.8, 4.0), layout="constrained",
                             sharey=True, squeeze=False)
    y = "share" if shares else "value"
    for ax, panel in zip(axes[0], panels):
        part = long if panel is None else long[long[facet] == panel]
        sns.barplot(data=part, x="group", y=y, hue="method", order=list(WWZ_GROUPS), errorbar=None,
                    estimator="sum", palette=[OKABE_ITO[4], OKABE_ITO[5]], ax=ax, legend=ax is axes[0][0])
        for bars, hatch in zip(ax.containers, ("", "//")):
            for bar in bars:
                bar.set_hatch(hatch)
                bar.set_edgecolor("white")
            # the small groups are unreadable next to DVA without their values
            ax.bar_label(bars, fmt=(lambda v: f"{v:.1%}") if shares else "%.3g", fontsize=6.5, rotation=90,
                         padding=2)
        ax.margins(y=0.14)  # room for the value labels above the tallest bars
        ax.set_xlabel("")
        ax.set_ylabel("share of gross exports" if shares else "value (units of the table)")
        if panel is not None:
            ax.set_title(str(panel))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, axis="y", color="0.88", linewidth=0.6)
        ax.set_axisbelow(True)
        if shares:
            ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    legend = axes[0][0].get_legend()
    if legend is not None:
        legend.set_title("")
        legend.set_frame_on(False)
    if title:
        fig.suptitle(title)
    return fig


def figure_html(png: str | Path, *, alt: str, caption: str, name: str, csv: str | Path | None = None,
                static_prefix: str = "../_static/figures") -> str:
    """A ``<figure>`` for a chapter's output: the PNG embedded (so the page needs no other
    file), its ``alt`` text, a numbered ``caption`` (plain text or inline HTML, no TeX) and
    links to the PNG and CSV the build copies under ``_static/figures/``."""
    import base64
    from html import escape

    png = Path(png)
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    links = [f'<a href="{static_prefix}/{png.name}">PNG</a>']
    if csv is not None:
        links.append(f'<a href="{static_prefix}/{Path(csv).name}">data (CSV)</a>')
    return (f'<figure class="mutualism-figure" id="{escape(name)}">'
            f'<img src="data:image/png;base64,{data}" alt="{escape(alt, quote=True)}" style="max-width:100%">'
            f'<figcaption>{caption} <span class="figure-files">({" · ".join(links)})</span></figcaption></figure>')


def show_figure(fig, data: pd.DataFrame, stem: str, out_dir: str | Path, *, alt: str, caption: str,
                dpi: int = 150):
    """Save ``fig`` (PNG) and ``data`` (CSV) with :func:`save_figure`, close the figure and
    return the IPython HTML of :func:`figure_html` for the chapter to display."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML

    png, csv = save_figure(fig, data, stem, out_dir, dpi=dpi)
    plt.close(fig)
    return HTML(figure_html(png, alt=alt, caption=caption, name=f"figure-{stem}", csv=csv))
