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
# # Measuring mutualism

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
# This chapter computes the three indices of chapter 2 for China and every partner in
# the run, industry by industry and year by year, and draws them as the paper's
# Figures 2 (by region) and 3 (by industry). It ends with the sample and a report of
# every missing or trimmed value.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from mutualism.report import figures, tables
from mutualism.book import sentences
from mutualism.core.countries import REGIONS

results = book.run_results(params)
indices = results.indices
partners = sorted(indices["partner"].unique())
region = book.regions(partners)
names = book.industry_names()

# %% [markdown]
# ## The sample

# %% tags=["remove-input"]
by_region = {r: sum(1 for p in partners if region.get(p) == r) for r in REGIONS}
industries = sorted(indices["industry"].unique(), key=lambda c: int(c[1:]))
say_regions = ", ".join(f"{n} in {r}" for r, n in by_region.items() if n)
book.say(
    f"The run covers **{len(partners)} partner countries** ({say_regions}), "
    f"**{indices['year'].nunique()} years** ({indices['year'].min()}–{indices['year'].max()}) and "
    f"**{len(industries)} manufacturing industries** ({', '.join(industries)}): {len(indices):,} "
    "partner × industry × year cells. The paper's sample has 121 partners from Eora over 2002–2020 "
    "and the same eight industries."
)

# %% tags=["remove-input"]
if params.concordance:
    book.say(f"The table's sectors were mapped to the paper's eight manufacturing industries with the "
             f"`{params.concordance}` concordance (`data/concordance_{params.concordance}.csv`), and the whole "
             "system (intermediate flows, final demand, value added, output) was aggregated to that "
             "classification before any index was computed (METHODS §7):")
    display(HTML(tables.render_frame(book.concordance_table(params.concordance),
                                     f"Sectors of the table in each of the paper's eight industries ({params.concordance})",
                                     classes="concordance")))

# %% tags=["remove-input"]
countries = book.partner_table(partners)
display(HTML(tables.render_frame(countries, "The run's partner countries by region (METHODS §7)", classes="partners")))

# %% [markdown]
# ## Mutualism by region (the paper's Figure 2)
#
# Each line is the median, over the partner × industry cells of a region, of one index in
# one year; the black line takes all partners together. The median rather than the mean
# is plotted because the coordination index is unbounded when two growth rates nearly
# coincide (chapter 2, §6); the CSV saved with the figure holds both, and the count of
# cells behind each point.

# %% tags=["remove-input"] mystnb={"image": {"alt": "Figure 3.1: three panels (fusion, interaction, coordination), each with one line per region of the partners and a thicker black line for all partners, showing the yearly median of the index."}}
data2 = figures.figure2_data(indices, region)
groups2 = [figures.ALL_PARTNERS, *(r for r in REGIONS if by_region[r])]
fig2 = figures.plot_indices(data2, groups=groups2)
figures.save_figure(fig2, data2, "figure2", figures_dir)
plt.close(fig2)
display(fig2)

# %% [markdown]
# **Figure 3.1** (the paper's Figure 2). Fusion, interaction and coordination of China with its partners, by
# region: median over the partner × industry cells of each region and year; black: all
# partners.

# %% tags=["remove-input"]
trend_text, _ = sentences.overall_trends(data2, figures.ALL_PARTNERS)
book.say(f"For all partners together, {trend_text} {sentences.top_regions(data2, figures.ALL_PARTNERS)}")

# %% [markdown]
# ## Mutualism by industry (the paper's Figure 3)

# %% tags=["remove-input"] mystnb={"image": {"alt": "Figure 3.2: three panels (fusion, interaction, coordination), each with one line per manufacturing industry, showing the yearly median of the index over the partners."}}
data3 = figures.figure3_data(indices, names)
fig3 = figures.plot_indices(data3, groups=[f"{c} {names[c]}" for c in industries], highlight=None)
figures.save_figure(fig3, data3, "figure3", figures_dir)
plt.close(fig3)
display(fig3)

# %% [markdown]
# **Figure 3.2** (the paper's Figure 3). Fusion, interaction and coordination of China with its partners, by
# manufacturing industry: median over the partners in each year.

# %% tags=["remove-input"]
book.say(sentences.top_industries(data3, names) + " "
         + sentences.industry_trend_share(data3, "RH", [f"{c} {names[c]}" for c in industries]))

# %% [markdown]
# The figures' data are saved beside the book as
# <a href="../_static/figures/figure2.csv">figure2.csv</a> and
# <a href="../_static/figures/figure3.csv">figure3.csv</a> (columns: index, group, year,
# number of cells, mean, median), with the PNG files.
#
# ## Industrial transfer: how much the five routes capture

# %% tags=["remove-input"]
if params.itr == "routes5":
    captured = indices["ITR"].sum() / indices["ITR_vax"].sum()
    by_year = (indices.groupby("year")["ITR"].sum() / indices.groupby("year")["ITR_vax"].sum())
    book.say(
        f"Summed over the sample, the paper's five routes capture {captured:.1%} of bilateral value-added "
        f"exports (METHODS §4, option `itr: vax`), between {by_year.min():.1%} and {by_year.max():.1%} "
        "depending on the year; the rest is value added that reaches the absorbing country through more than "
        "one third country."
    )
    book.say(sentences.attribution_note(params.itr_attribution))
else:
    book.say("This run measures transfer by all bilateral value-added exports (`itr: vax`), so no route is "
             "left out.")

# %% [markdown]
# ## Data quality
#
# Every value missing from the estimation panel is counted by cause: a zero-output
# industry (its ratios are undefined, METHODS §1), an undefined coordination index
# (equal growth rates or non-positive domestic value added in exports the year before,
# §3.3), a partner-year without a control, or a non-positive value at the log. The
# report also counts the values cut by winsorising (§8).

# %% tags=["remove-input"]
quality = results.panel.quality
display(HTML(tables.render_frame(sentences.quality_table(quality), "Data quality of the estimation panel",
                                 classes="quality-report", index=True)))
book.say(sentences.quality_caption(results.params.winsor))
book.say(sentences.sample_losses(results.panel))

# %% tags=["remove-input"]
book.say(book.quality_text(quality, "XT") + " Partner-years without a control row: "
         f"{quality.attrs.get('partner_years_without_controls', 0)}.")
floor = book.coordination_floor(indices)
book.say(f"Of the {floor['defined']:,} defined coordination values, {floor['at_floor']:,} "
         f"({floor['share']:.1%}) equal exactly 1/2, the floor of the index, reached whenever the two growth rates "
         "have opposite signs (chapter 2, §6): the dependent variable ln XT has a mass point at "
         f"ln(1/2) = {floor['log_floor']:.4f}.")
if results.warnings:
    book.say("Warnings raised while computing this run's results:\n\n"
             + "\n".join(f"- `{w}`" for w in results.warnings))
else:
    book.say("No warning was raised while computing this run's results.")

# %% [markdown]
# ## Descriptive statistics of the model variables

# %% tags=["remove-input"]
display(HTML(tables.render_frame(results.panel.describe(), "Descriptive statistics of the model variables "
                                 "(after winsorising, before the estimation sample is drawn)", classes="describe",
                                 index=True)))
