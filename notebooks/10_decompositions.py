# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Decompositions compared

# %% tags=["parameters"]
# Run parameters (the values of params/default.yml); `mutualism book` and papermill inject
# the values of another parameter file after this cell.
source = "synthetic"
data_path = None
years = "2002-2020"
partners = "bri"
fva = "leontief"
itr = "routes5"
itr_scale = "level"
itr_attribution = "source"
mediator_form = "level"
winsor = 0.01
cov_type = "robust"
bootstrap_reps = 499
seed = 2023
cache_dir = ".cache/mutualism"
controls_path = None
synthetic_size = "small"
concordance = None
scheduler = None
example_table = None
figures_dir = "_build/figures"  # where the figures (PNG + CSV) are written

# %% tags=["remove-input"]
from mutualism import book

params = book.start_chapter(globals())  # the parameters cell's values

# %% [markdown]
# A country's gross exports are not its contribution to world demand: they contain value
# added by other countries, and intermediate goods that cross borders several times are
# counted once per crossing. Three decompositions answer "whose value added is in these
# exports, and how much of it is counted twice?", each with its own conventions. This
# chapter puts them side by side, first on the worked example of chapter 2, small enough
# to check, then on this run's tables:
#
# - the **Leontief** or HIY decomposition of value added in exports ({cite:t}`hummels2001`,
#   METHODS §2), which the indices of the paper use;
# - the 16-term **WWZ** decomposition of {cite:t}`wang2013` (METHODS §9);
# - the **Borin–Mancini** source-based decomposition in the exporter perspective
#   (METHODS §11), the one its authors and current software recommend.
#
# All three start from the same table and the same global Leontief inverse
# $B = (I - A)^{-1}$; they differ in how they *attribute* a value that crosses several
# borders, and in the perspective from which a bilateral flow is judged.

# %% tags=["hide-input"]
import numpy as np
import pandas as pd
from IPython.display import display

from mutualism.report import figures
from mutualism.core.config import MANUFACTURING
from mutualism.core.countries import partner_set
from mutualism.gvc.decompose import BM_TERMS, WWZ_TERMS, borin_mancini, wwz
from mutualism.io.sources import load_year

pd.set_option("display.precision", 3)
ex = book.worked_example(params.example_table)
m = ex.mrio
bm = borin_mancini(m)
bm_std = borin_mancini(m, output="standard")
key = ["exporter", "exporter_sector", "importer"]
w_groups = figures.decomposition_groups(ex.wwz, key, groups=figures.WWZ_GROUPS, total="texp").set_index(key)
b_groups = figures.decomposition_groups(bm, key, groups=figures.BM_GROUPS, total="EXGR").set_index(key)

# %% [markdown]
# ## Leontief: where was the value added?
#
# The Leontief decomposition multiplies each country-sector's gross exports $E_{si}$ by
# the value added, per unit of final output, of every country-sector upstream:
# $\mathit{VAE} = \mathrm{diag}(v)\,B\,\mathrm{diag}(E)$. It answers *where* the value in
# the exports was created, and nothing else: it does not ask where the exports are
# absorbed, so value added that comes back home, or that is counted again when an
# intermediate good crosses a second border, stays inside the domestic part. Its two
# numbers per exporter are $\mathit{DVA}_{si}$ (the exporter's own block) and
# $\mathit{FV}_{si}$ (everything else), and they add up to $E_{si}$ exactly.

# %% tags=["hide-input"]
display(ex.exports[["E", "DVA", "FV"]].style.format("{:.3f}")
        .set_caption(f"Leontief decomposition of each country-sector's gross exports, worked example {ex.year}"))

# %% [markdown]
# ## WWZ: where is it absorbed, and what is counted twice?
#
# WWZ split each *bilateral* flow $E_{s\to r}$ further, by where the value is finally
# absorbed and by whether it is counted again later. Its sixteen terms fall into five
# groups: domestic value added absorbed abroad ($\mathit{DVA}$, five terms), domestic
# value added that returns home ($\mathit{RDV}$, three), domestic double counting
# ($\mathit{DDC}$, two), foreign value added ($\mathit{FVA}$: of the importer and of third
# countries, four) and foreign double counting ($\mathit{FDC}$, two). The figure shows
# the five groups of every flow of the worked example as shares of the flow.

# %% tags=["remove-input"]
flows = ex.wwz.assign(flow=ex.wwz["exporter"] + " " + ex.wwz["exporter_sector"] + " → " + ex.wwz["importer"])
data_wwz = figures.decomposition_groups(flows, ["flow"])
display(figures.show_figure(
    figures.plot_decomposition(data_wwz, "flow"), data_wwz, "wwz_example", figures_dir,
    alt=("Stacked horizontal bars, one per bilateral export flow of the worked example (exporter, sector, "
         "importer), each split into the shares of domestic value added absorbed abroad, returned domestic value "
         "added, domestic double counting, foreign value added and foreign double counting."),
    caption=(f"<b>Figure 10.1.</b> The WWZ decomposition of every bilateral flow of the worked example "
             f"({ex.year}), its sixteen terms summed in five groups, as shares of the flow.")))

# %% tags=["remove-input"]
low = data_wwz.loc[data_wwz["share_DVA"].idxmin()]
high = data_wwz.loc[data_wwz["share_DVA"].idxmax()]
book.say(f"Domestic value added absorbed abroad ranges from {low['share_DVA']:.1%} of the flow "
         f"({low['flow']}) to {high['share_DVA']:.1%} ({high['flow']}). Pakistan's flows carry the largest "
         f"foreign shares: {data_wwz.loc[data_wwz['flow'].str.startswith('PAK'), 'share_FVA'].max():.1%} of "
         "one of its flows is foreign value added, against at most "
         f"{data_wwz.loc[data_wwz['flow'].str.startswith('CHN'), 'share_FVA'].max():.1%} for China's."
         if data_wwz.loc[data_wwz['flow'].str.startswith('PAK'), 'share_FVA'].max()
         > data_wwz.loc[data_wwz['flow'].str.startswith('CHN'), 'share_FVA'].max() else
         f"Domestic value added absorbed abroad ranges from {low['share_DVA']:.1%} ({low['flow']}) to "
         f"{high['share_DVA']:.1%} ({high['flow']}).")

# %% [markdown]
# ## Borin–Mancini: counted the first time it leaves
#
# Borin and Mancini keep WWZ's questions but change two conventions. Value added is
# attributed to a flow the **first** time it leaves its country of origin (the
# *source-based* view): whatever is exported again later is double counting of that
# first crossing. And the exporting country is looked at **as a whole** (the *exporter
# perspective*): the domestic value added of a flow is computed with the exporter's
# local inverse $L_{ss}$, which ignores value that has already left $s$ and come back.
# Its twelve terms group the same way: $\mathit{VAX}$ (four terms: absorbed abroad),
# $\mathit{REF}$ (two: reflected back home), $\mathit{DDC}$, $\mathit{FVA}$ (four) and
# $\mathit{FDC}$.

# %% tags=["hide-input"]
display(bm.set_index(key)[["EXGR", *BM_TERMS]].T.style.format("{:.3f}")
        .set_caption("Borin–Mancini terms of every bilateral flow of the worked example"))

# %% [markdown]
# ## Three answers to one question
#
# **Domestic value added.** All three agree on the domestic *content* of a flow, once
# double counting is added back: the Leontief domestic value added of a flow
# ($\mathit{DVA}_{si}$ scaled to the flow) equals WWZ's $\mathit{DVA} + \mathit{RDV} +
# \mathit{DDC}$ and Borin–Mancini's $\mathit{VAX} + \mathit{REF} + \mathit{DDC}$. What
# differs is where the line between value added and double counting is drawn, and so
# what "domestic value added in exports" means in a sentence.

# %% tags=["remove-input"]
E = w_groups["texp"]
dv = ex.exports["DVA"] / ex.exports["E"]  # Leontief domestic share of each exporting sector
leontief = pd.Series([dv[(s, i)] for s, i, _ in w_groups.index], index=w_groups.index) * E
gap_wwz = (w_groups[["DVA", "RDV", "DDC"]].sum(axis=1) - leontief).abs().max()
gap_bm = (b_groups[["DVA", "RDV", "DDC"]].sum(axis=1) - leontief).abs().max()
gap_fv = (b_groups[["FVA", "FDC"]].sum(axis=1) - w_groups[["FVA", "FDC"]].sum(axis=1)).abs().max()
book.say(f"On the worked example the largest gap between the Leontief domestic value added of a flow and WWZ's "
         f"three domestic groups is {book.gap(gap_wwz)}, and between it and Borin–Mancini's {book.gap(gap_bm)}; the "
         f"largest gap between the foreign parts ($\\mathit{{FVA}} + \\mathit{{FDC}}$) of the two decompositions is "
         f"{book.gap(gap_fv)}.")

# %% [markdown]
# **Double counting.** Where WWZ and Borin–Mancini part is the split of that content.
# The figure sets the five groups of the two decompositions side by side, for each
# exporter's flows summed over its sectors and importers.

# %% tags=["remove-input"]
long = figures.compare_decompositions(ex.wwz, bm, ["exporter"])
display(figures.show_figure(
    figures.plot_comparison(long, facet="exporter"), long, "bm_wwz_example", figures_dir,
    alt=("Grouped bars in three panels, China, Pakistan and the rest of the world: for each of the five groups "
         "(domestic value added absorbed abroad, returned, domestic double counting, foreign value added, "
         "foreign double counting) one bar for WWZ and one for Borin–Mancini, as shares of gross exports."),
    caption=("<b>Figure 10.2.</b> WWZ and Borin–Mancini on the worked example: each exporter's gross exports "
             "split into the same five groups by the two decompositions, as shares of its gross exports.")))

# %% tags=["remove-input"]
pivot = long.pivot_table(index=["exporter", "group"], columns="method", values="value")
diff = (pivot["Borin–Mancini"] - pivot["WWZ"]).unstack("group")
same_domestic = float(diff[["DVA", "RDV", "DDC"]].abs().max().max())
flow_ddc = (b_groups["DDC"] - w_groups["DDC"]).abs()
worst = flow_ddc.idxmax()
agree = "coincide in this table" if same_domestic < 1e-9 * float(E.sum()) else "differ"
book.say(
    f"Summed over each exporter's sectors and importers, the domestic groups of the two decompositions {agree} "
    f"(largest gap {book.gap(same_domestic)}), but flow by flow they do not: for "
    f"{worst[0]} {worst[1]} → {worst[2]}, WWZ count {w_groups.loc[worst, 'DDC']:.3f} of domestic double counting "
    f"and Borin–Mancini {b_groups.loc[worst, 'DDC']:.3f}. WWZ assign a repeat count to the flow on which the value "
    "crosses a border *again*; Borin–Mancini assign the value added to the flow on which it leaves *first*, so "
    "the same units move between flows.")
fdc_w, fdc_b = pivot.loc[("CHN", "FDC"), "WWZ"], pivot.loc[("CHN", "FDC"), "Borin–Mancini"]
book.say(
    f"The foreign groups differ even in total: China's foreign double counting is {fdc_w:.3f} under WWZ and "
    f"{fdc_b:.3f} under Borin–Mancini, and its foreign value added {pivot.loc[('CHN', 'FVA'), 'WWZ']:.3f} and "
    f"{pivot.loc[('CHN', 'FVA'), 'Borin–Mancini']:.3f}. WWZ judge foreign value added flow by flow (a bilateral "
    "perspective); Borin–Mancini count it once for the whole exporting country"
    + (", so part of what WWZ call foreign double counting is foreign value added for Borin–Mancini."
       if fdc_b < fdc_w else "."))

# %% [markdown]
# **Participation in global value chains.** Borin–Mancini's *standard* output measures
# how much of a flow takes part in a value chain, i.e. crosses more than one border:
# backward participation $\mathit{GVCB} = \mathit{FVA} + \mathit{FDC} + \mathit{DDC}$
# (imported content and everything counted twice) and forward participation
# $\mathit{GVCF} = \mathit{VAX}_3 + \mathit{VAX}_4 + \mathit{REF}$ (domestic value added
# that the importer exports again). Their sum is everything but the value added that
# is absorbed by the direct importer in one crossing,
# $\mathit{GVC} = E - \mathit{DAVAX}$. The index $\mathit{GVC\_P}$ of chapter 2
# ({cite:t}`koopman2010`) measures participation with the Leontief split instead, and
# for the exporting country as a whole.

# %% tags=["hide-input"]
gvc = bm_std.groupby(["exporter", "exporter_sector"])[["EXGR", "DAVAX", "GVCB", "GVCF", "GVC"]].sum()
gvc["GVC share"] = gvc["GVC"] / gvc["EXGR"]
display(gvc.style.format("{:.3f}").set_caption("Borin–Mancini GVC participation of each exporting sector, "
                                               "summed over importers"))

# %% tags=["remove-input"]
top = gvc["GVC share"].idxmax()
book.say(f"In the worked example the most chain-bound exports are those of {top[0]} {top[1]}: "
         f"{gvc.loc[top, 'GVC share']:.1%} of them cross more than one border. By construction "
         f"$\\mathit{{GVC}} = E - \\mathit{{DAVAX}}$; the largest gap in this table is "
         f"{book.gap((gvc['GVC'] - (gvc['EXGR'] - gvc['DAVAX'])).abs().max())}.")

# %% [markdown]
# ## The rest of the toolkit
#
# WWZ and Borin–Mancini are two members of a family. The library computes the others
# from the same table, each named and keyed as the software that introduced it
# (METHODS §12), and checks each against that software's own output on WIOD 2013:
#
# - **KWW** ({cite:t}`koopman2014`, METHODS §12.7) split a country's *total* exports into
#   nine terms; WWZ's sixteen terms sum to them, so KWW is WWZ read at the country level.
# - **Borin–Mancini sink-based** ({cite:t}`borin2023`, §12.3) counts domestic value added the *last* time it
#   leaves the exporter, so that value added exports can be read by where they end up:
#   its $\mathit{VAXIM}$ is the domestic value added absorbed by the direct importer.
# - **Miroudot–Ye** ({cite:t}`miroudot2021`, §12.5) use Borin–Mancini's extraction but apply it to the gross flow
#   without following it to absorption, and add a *world* perimeter: from the world's point
#   of view, foreign value added has always crossed a border before, so it is all double
#   counting.
# - **OECD TiVA** ({cite:t}`oecd2019tiva`, §12.4) values exports with the Leontief coefficients and splits the
#   domestic part into the exporting sector's own value added, other domestic sectors'
#   and re-imported value added; its $\mathit{GVCB}$ and $\mathit{GVCF}$ measure backward
#   and forward participation by country of origin.
#
# The table splits each exporter's gross exports of the worked example into the same four
# parts under each method: domestic value added counted as value added, domestic double
# counting, foreign value added and foreign double counting (where a method has no such
# split the part is empty).

# %% tags=["hide-input"]
from mutualism.gvc import decompose

PARTS = ("domestic value added", "domestic double counting", "foreign value added", "foreign double counting")
methods = {
    "Leontief (§2)": (ex.exports.groupby(level=0)[["DVA"]].sum(), None, ex.exports.groupby(level=0)[["FV"]].sum(),
                      None),
}


def parts(frame, dva, ddc, fva, fdc):
    """Each exporter's totals of four groups of columns (None: the method has no such part)."""
    total = frame.groupby("exporter", sort=False).sum(numeric_only=True)
    return tuple(None if cols is None else total[list(cols)].sum(axis=1).to_frame() for cols in (dva, ddc, fva, fdc))


kww = decompose.kww(m)
snk = decompose.borin_mancini_sink(m)
my_country = decompose.miroudot_ye(m)
my_world = decompose.miroudot_ye(m, output="terms2", perimeter="world")
oecd = decompose.oecd(m, output="standard")
methods["WWZ (§9)"] = parts(ex.wwz, figures.WWZ_GROUPS["DVA"] + figures.WWZ_GROUPS["RDV"],
                            figures.WWZ_GROUPS["DDC"], figures.WWZ_GROUPS["FVA"], figures.WWZ_GROUPS["FDC"])
methods["KWW (§12.7)"] = parts(kww, ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT"), ("DDC",),
                               ("FVA_FIN", "FVA_INT"), ("FDC",))
methods["Borin–Mancini source (§11)"] = parts(bm, BM_TERMS[:6], ("DDC",), BM_TERMS[7:11], ("FDC",))
methods["Borin–Mancini sink (§12.3)"] = parts(snk, BM_TERMS[:6], ("DDC",), BM_TERMS[7:11], ("FDC",))
methods["Miroudot–Ye, country (§12.5)"] = parts(my_country, ("DVA",), ("DDC",), ("FVA",), ("FDC",))
methods["Miroudot–Ye, world (§12.5)"] = parts(my_world, ("DVA",), ("DDC",), ("FVA",), ("FDC1", "FDC2"))
methods["OECD TiVA (§12.4)"] = parts(oecd, ("DVA",), ("DDC",), ("FC",), None)
exports = ex.exports.groupby(level=0)["E"].sum()
toolkit = pd.concat({(country, method): pd.Series(
    {part: (np.nan if frame is None else float(frame.iloc[:, 0].get(country, 0.0)) / exports[country])
     for part, frame in zip(PARTS, frames)}) for country in exports.index for method, frames in methods.items()},
    axis=1).T
toolkit.index.names = ["exporter", "method"]
display(toolkit.style.format("{:.2%}", na_rep="").set_caption(
    f"Each exporter's gross exports in the worked example ({ex.year}) split by every method, as shares of its "
    "gross exports (empty: the method has no such part)"))

# %% tags=["remove-input"]
domestic = toolkit["domestic value added"] + toolkit["domestic double counting"].fillna(0)
spread = float(domestic.groupby(level="exporter").agg(lambda d: d.max() - d.min()).max())
digits = int(min(15, np.floor(-np.log10(max(spread, 1e-16)))))
china = toolkit.loc["CHN"]
split = china.dropna(subset=["foreign double counting"])["foreign double counting"]


def named(value: float) -> str:
    """The methods whose share equals ``value`` to the precision shown."""
    return " and ".join(split.index[(split - value).abs() < 5e-5])


ddc = china["domestic double counting"].dropna()
ddc_same = float(ddc.max() - ddc.min()) < 5e-5
book.say(f"Every method finds the same domestic content of each exporter's exports (value added plus domestic "
         f"double counting): the shares agree to {digits} decimal places. "
         + (f"For China they also agree on domestic double counting ({ddc.iloc[0]:.2%} of its exports under every "
            "method that has the term); " if ddc_same else
            f"For China, domestic double counting ranges from {ddc.min():.2%} ({ddc.idxmin()}) to {ddc.max():.2%} "
            f"({ddc.idxmax()}); ")
         + f"they part on the foreign side: China's foreign double counting is {split.min():.2%} of its exports "
           f"under {named(split.min())} and {split.max():.2%} under {named(split.max())}, and its foreign value "
           "added moves the other way.")
fw = toolkit.xs("Miroudot–Ye, world (§12.5)", level="method")["foreign value added"]
book.say("Under Miroudot–Ye's world perimeter every exporter's foreign value added is "
         + ("zero" if (fw == 0).all() else "not zero (a bug: METHODS §12.5 makes it zero)")
         + ", as the argument above requires: it has all crossed a border before.")

# %% [markdown]
# **Perimeters and origins.** A source-based decomposition answers "counted the first time
# it crosses *which* border?". The default perimeter is the exporting country; a
# *bilateral* perimeter looks only at the exports to one partner, a *sector* perimeter
# only at one exporting sector (METHODS §12.1). What is double counting for China as a
# whole can be value added for China's exports to one partner: value that leaves China
# towards another country first and reaches the partner later was not yet counted on the
# way to that partner. The breakdown by *origin* (§12.2) keys the same terms by the sector
# that created the value added instead of the sector that exports it.

# %% tags=["hide-input"]
partner = [c for c in m.countries if c != "CHN"][0]
country_perimeter = bm[(bm["exporter"] == "CHN") & (bm["importer"] == partner)]
bilateral = decompose.borin_mancini(m, ["CHN"], partners=[partner])
bilateral = bilateral[bilateral["importer"] == partner]
by_origin = decompose.borin_mancini(m, ["CHN"], output="standard", breakdown="origin")
perimeters = pd.DataFrame({
    "country perimeter": country_perimeter.set_index("exporter_sector")[["VAX1", "VAX4", "REF2", "DDC"]].sum(),
    f"bilateral perimeter (CHN → {partner})": bilateral.set_index("exporter_sector")[
        ["VAX1", "VAX4", "REF2", "DDC"]].sum()})
display(perimeters.style.format("{:.4f}").set_caption(
    f"Borin–Mancini terms of China's exports to {partner} ({ex.year}) under two perimeters"))
display(by_origin.groupby("origin_sector")[["DVA", "VAX", "DDC", "FVA"]].sum().style.format("{:.3f}").set_caption(
    "China's Borin–Mancini aggregates keyed by the sector where the value added originates"))

# %% tags=["remove-input"]
ddc_country, ddc_bilateral = perimeters.loc["DDC"]
book.say(f"For China's exports to {partner} the domestic double counting is {ddc_country:.4f} under the country "
         f"perimeter and {ddc_bilateral:.4f} under the bilateral one"
         + (": narrowing the perimeter turns part of it into value added." if ddc_bilateral < ddc_country else
            (": the same, because none of China's value added reaches the partner through another country's "
             "exports in this table." if ddc_bilateral == ddc_country else ".")))

# %% [markdown]
# ## On this run's tables
#
# The same comparison on the tables of the run, for the last estimation year: China's
# gross exports to all the run's partners together, and the partners' exports to China,
# by manufacturing industry (the paper's eight, METHODS §7).

# %% tags=["hide-input"]
year = params.years[-1]
table = load_year(params.source, year, params.data_path, size=params.synthetic_size, seed=params.seed,
                  concordance=params.concordance, cache_dir=params.cache_dir)
partners = (partner_set(params.partners, list(table.countries)) if params.partner_list is None
            else [p for p in params.partner_list if p in table.countries and p != "CHN"])
names = book.industry_names()
run_wwz = wwz(table)
run_bm = borin_mancini(table, exporters=["CHN", *[c for c in table.countries if c in partners]])


def direction(frame, exporter_is_china: bool):
    """Rows of China's exports to the partners (or the partners' to China), manufacturing only."""
    if exporter_is_china:
        keep = (frame["exporter"] == "CHN") & frame["importer"].isin(partners)
    else:
        keep = frame["exporter"].isin(partners) & (frame["importer"] == "CHN")
    rows = frame[keep & frame["exporter_sector"].isin(MANUFACTURING)]
    return rows.assign(industry=rows["exporter_sector"].map(lambda c: f"{c} {names[c]}"))


china_wwz = figures.decomposition_groups(direction(run_wwz, True), ["industry"])
order = [f"{c} {names[c]}" for c in MANUFACTURING]
china_wwz = china_wwz.set_index("industry").reindex(order).reset_index()

# %% tags=["remove-input"]
display(figures.show_figure(
    figures.plot_decomposition(china_wwz, "industry"), china_wwz, "wwz_run_china", figures_dir,
    alt=("Stacked horizontal bars, one per manufacturing industry, of China's gross exports to the run's partners "
         f"in {year}, split by the WWZ decomposition into domestic value added absorbed abroad, returned domestic "
         "value added, domestic double counting, foreign value added and foreign double counting."),
    caption=(f"<b>Figure 10.3.</b> The WWZ decomposition of China's gross exports to the {len(partners)} partners "
             f"of the run, by manufacturing industry, {year} ({table.describe()}).")))

# %% tags=["remove-input"]
rows = []
for label, china_exports in (("China → partners", True), ("partners → China", False)):
    long_run = figures.compare_decompositions(direction(run_wwz, china_exports), direction(run_bm, china_exports),
                                              ["industry"])
    rows.append(long_run.assign(direction=label))
run_long = pd.concat(rows, ignore_index=True)
summed = run_long.groupby(["direction", "method", "group"], sort=False)["value"].sum()
summary = pd.concat({"value": summed, "share": summed / summed.groupby(["direction", "method"]).transform("sum")},
                    axis=1).reset_index()
display(figures.show_figure(
    figures.plot_comparison(summary, facet="direction"), summary, "bm_wwz_run", figures_dir,
    alt=("Grouped bars in two panels, China's exports to the partners and the partners' exports to China: for "
         "each of the five groups one bar for WWZ and one for Borin–Mancini, as shares of gross exports."),
    caption=(f"<b>Figure 10.4.</b> WWZ and Borin–Mancini on this run's tables ({year}): manufacturing exports "
             "between China and its partners in each direction, split into the five groups.")))

# %% tags=["remove-input"]
s = summary.set_index(["direction", "method", "group"])["share"]
text = []
for label in ("China → partners", "partners → China"):
    text.append(f"For {label}, domestic value added absorbed abroad is {s[(label, 'WWZ', 'DVA')]:.1%} of gross "
                f"exports under WWZ and {s[(label, 'Borin–Mancini', 'DVA')]:.1%} under Borin–Mancini; domestic "
                f"double counting {s[(label, 'WWZ', 'DDC')]:.2%} and {s[(label, 'Borin–Mancini', 'DDC')]:.2%}; "
                f"foreign double counting {s[(label, 'WWZ', 'FDC')]:.2%} and "
                f"{s[(label, 'Borin–Mancini', 'FDC')]:.2%}.")
book.say(" ".join(text) + " The indices of this book use the Leontief split (METHODS §2–§3), which both "
         "decompositions refine; option `fva: wwz` replaces the interaction index's gross exports by the "
         "value-added-relevant part of WWZ (chapter 2, section 2.5).")

# %% [markdown]
# ## Why they differ
#
# The three decompositions share the same accounting: every unit of a flow is either
# value added of some country or a repeat count of value already counted. Leontief stops
# at *where* value was added. WWZ follow each bilateral flow to the place it is finally
# absorbed, and call a repeat count *double counting* of the flow on which it crosses
# again. Borin–Mancini count the value at the first crossing out of its country of origin
# and look at the exporting country as a whole. For one bilateral flow the two
# conventions move value between "value added" and "double counting" and between the
# domestic and the foreign side; for a country's exports as a whole the question is
# whether the moves cancel.

# %% tags=["remove-input"]
china_w = run_wwz[run_wwz["exporter"] == "CHN"]
china_b = run_bm[run_bm["exporter"] == "CHN"]
totals = {group: (float(china_w[list(figures.WWZ_GROUPS[group])].to_numpy().sum()),
                  float(china_b[list(figures.BM_GROUPS[group])].to_numpy().sum())) for group in figures.WWZ_GROUPS}
scale = float(china_w["texp"].sum())
equal = [g for g, (a, b) in totals.items() if abs(a - b) <= 1e-9 * scale]
book.say(f"On this run's {year} table, for all of China's exports to every importer, the two decompositions give "
         + ("the same " + ", ".join(equal) if equal else "different values in every group")
         + (" (equal to within a billionth of China's gross exports), while " + ", ".join(
             f"{g} differs ({a:,.1f} under WWZ, {b:,.1f} under Borin–Mancini)"
             for g, (a, b) in totals.items() if g not in equal) if len(equal) < len(totals) else "")
         + ". A sentence that reports \"domestic value added in exports\" should therefore say which decomposition, "
         "and at which level of aggregation, it uses.")

# %% [markdown]
# ## Exercises
#
# ```{exercise} The domestic content, three ways
# :label: ex-dc-three
# For China's machinery exports to Pakistan, compute the Leontief domestic value added
# of the flow (the domestic share $\mathit{DVA}_{si}/E_{si}$ of China's machinery exports
# times the flow), WWZ's $\mathit{DVA} + \mathit{RDV} + \mathit{DDC}$ and Borin–Mancini's
# $\mathit{VAX} + \mathit{REF} + \mathit{DDC}$.
# ```

# %% tags=["remove-input"]
from mutualism.book.exercises import solution

f = ("CHN", "C9", "PAK")
share = ex.exports.loc[("CHN", "C9"), "DVA"] / ex.exports.loc[("CHN", "C9"), "E"]
solution("ex-dc-three",
         f"The domestic share is {ex.exports.loc[('CHN', 'C9'), 'DVA']:.3f} / {ex.exports.loc[('CHN', 'C9'), 'E']:.0f} "
         f"= {share:.4f}; times the flow of {w_groups.loc[f, 'texp']:.0f} it gives {share * w_groups.loc[f, 'texp']:.4f}. "
         f"WWZ: {w_groups.loc[f, 'DVA']:.4f} + {w_groups.loc[f, 'RDV']:.4f} + {w_groups.loc[f, 'DDC']:.4f} = "
         f"{w_groups.loc[f, ['DVA', 'RDV', 'DDC']].sum():.4f}. Borin–Mancini: {b_groups.loc[f, 'DVA']:.4f} + "
         f"{b_groups.loc[f, 'RDV']:.4f} + {b_groups.loc[f, 'DDC']:.4f} = {b_groups.loc[f, ['DVA', 'RDV', 'DDC']].sum():.4f}. "
         "The three agree: the decompositions split the same domestic content differently.")

# %% [markdown]
# ```{exercise} Where the double counting goes
# :label: ex-ddc
# For China's textile exports to the rest of the world, which decomposition reports more
# domestic value added absorbed abroad, and which more domestic double counting? Explain
# the difference from how each of the two computes the domestic double counting of a flow.
# ```

# %% tags=["remove-input"]
f = ("CHN", "C5", "ROW")
d_dva = b_groups.loc[f, "DVA"] - w_groups.loc[f, "DVA"]
d_ddc = b_groups.loc[f, "DDC"] - w_groups.loc[f, "DDC"]
china_c5 = [("CHN", "C5"), ("CHN", "C9")]
dv_c5 = float((ex.v[china_c5] * ex.B.loc[china_c5, ("CHN", "C5")]).sum())
bm_rate = b_groups.loc[f, "DDC"] / b_groups.loc[f, "EXGR"]
solution("ex-ddc",
         f"Borin–Mancini report {b_groups.loc[f, 'DVA']:.4f} of value added absorbed abroad and "
         f"{b_groups.loc[f, 'DDC']:.4f} of domestic double counting; WWZ {w_groups.loc[f, 'DVA']:.4f} and "
         f"{w_groups.loc[f, 'DDC']:.4f}. The differences, {d_dva:+.4f} and {d_ddc:+.4f}, "
         + ("cancel" if abs(d_dva + d_ddc) < 1e-9 else f"add up to {d_dva + d_ddc:+.4f}")
         + ": the same domestic content is split differently. Borin–Mancini's domestic double counting is the same "
         f"fraction of every unit the sector exports, whatever the importer: $dv_s - dl_s$, here {bm_rate:.4f} "
         f"(with $dv_s$ = {dv_c5:.4f}), the value added that has already left China once, through an earlier "
         "flow, and come back. WWZ's depends on the importer: it is the Chinese value added that the importer's "
         "production sends back to China to be exported again ($A_{sr}B_{rs}$ in `DDC_FIN`, $A_{sr}x_r$ in "
         f"`DDC_INT`), {w_groups.loc[f, 'DDC'] / w_groups.loc[f, 'texp']:.4f} of this flow. Where WWZ's share is "
         "lower, the difference is counted as value added absorbed abroad, and the reverse.")

# %% [markdown]
# ```{exercise} Participation in value chains
# :label: ex-gvc
# From the twelve Borin–Mancini terms of China's machinery exports to Pakistan, compute
# backward participation $\mathit{GVCB}$, forward participation $\mathit{GVCF}$ and their
# sum, and check that the sum equals $E - \mathit{DAVAX}$.
# ```

# %% tags=["remove-input"]
t_ = bm.set_index(key).loc[("CHN", "C9", "PAK")]
gvcb = t_[["FVA1", "FVA2", "FVA3", "FVA4", "FDC", "DDC"]].sum()
gvcf = t_[["VAX3", "VAX4", "REF1", "REF2"]].sum()
davax = t_["VAX1"] + t_["VAX2"]
solution("ex-gvc",
         f"$\\mathit{{GVCB}} = \\mathit{{FVA}}_1 + … + \\mathit{{FVA}}_4 + \\mathit{{FDC}} + \\mathit{{DDC}}$ = {gvcb:.4f}; "
         f"$\\mathit{{GVCF}} = \\mathit{{VAX}}_3 + \\mathit{{VAX}}_4 + \\mathit{{REF}}_1 + \\mathit{{REF}}_2$ = {gvcf:.4f}; "
         f"their sum {gvcb + gvcf:.4f}. $E - \\mathit{{DAVAX}}$ = {t_['EXGR']:.0f} − ({t_['VAX1']:.4f} + {t_['VAX2']:.4f}) = "
         f"{t_['EXGR'] - davax:.4f}; the library's standard output gives "
         f"{bm_std.set_index(key).loc[('CHN', 'C9', 'PAK'), 'GVC']:.4f}, "
         f"{bm_std.set_index(key).loc[('CHN', 'C9', 'PAK'), 'GVC_share']:.1%} of the flow.")

# %% [markdown]
# ```{exercise} The run's industries
# :label: ex-run
# In this run's tables, which of China's manufacturing industries has the largest share
# of foreign value added in its exports to the partners under WWZ? Does Borin–Mancini
# rank the industries the same way?
# ```

# %% tags=["remove-input"]
china_bm = figures.decomposition_groups(direction(run_bm, True), ["industry"], groups=figures.BM_GROUPS, total="EXGR")
rank_w = china_wwz.set_index("industry")["share_FVA"].sort_values(ascending=False)
rank_b = china_bm.set_index("industry")["share_FVA"].reindex(rank_w.index)
same_order = list(rank_b.sort_values(ascending=False).index) == list(rank_w.index)
solution("ex-run",
         f"Under WWZ the largest foreign share is in {rank_w.index[0]}, {rank_w.iloc[0]:.1%} of its exports to the "
         f"partners in {year} (the smallest: {rank_w.index[-1]}, {rank_w.iloc[-1]:.1%}). Borin–Mancini give "
         f"{rank_b.iloc[0]:.1%} for the same industry and "
         + ("rank the eight industries in the same order." if same_order else
            ("put the same industry first but order the others differently." if rank_b.idxmax() == rank_w.index[0]
             else f"a different order, led by {rank_b.idxmax()} ({rank_b.max():.1%})."))
         + " Since the foreign content $\\mathit{FVA} + \\mathit{FDC}$ of a flow is the same under both, the "
         "two foreign shares of an industry differ exactly by the difference of its two foreign double countings.")

