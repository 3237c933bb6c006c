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
# # Appendix: Table 1 and Figures 2–3 on real tables

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

# %% tags=["remove-input"]
from mutualism.book import appendix
from mutualism import book

# this page reads committed results (data/results_wiod2013), whatever the run: the banner names them
params = book.start_chapter(globals(), committed={"title": "WIOD 2013", **appendix.load()["metadata"]})

# %% [markdown]
# The chapters before this one compute their numbers from the run named in their banner,
# by default the synthetic world. This appendix shows the paper's baseline (Table 1) and
# its descriptive figures (Figures 2 and 3) on real input–output tables instead: the WIOD
# 2013 release, 2002–2011, with the real country-level controls. The numbers are not
# computed while the book is built; they are read from small result files committed in
# the repository (`data/results_wiod2013/`), produced by `scripts/make_wiod_results.py`
# from the tables in place, and a test (`tests/test_wiod_results.py`) recomputes them
# wherever the tables are available and fails if a committed number differs.
#
# WIOD is not the paper's data: it covers 40 countries and the rest of the world, so only
# the Belt and Road signatories among them are partners here (listed below), over ten
# years that end before the initiative was announced. What follows is a second,
# independent look at the paper's questions on a different and much smaller sample, not
# a replication of its numbers.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from mutualism.book import appendix, sentences
from mutualism.econometrics.layout import TABLES
from mutualism.report import figures

res = appendix.load()
meta = res["metadata"]

# %% [markdown]
# ## The data, the options and the commit

# %% tags=["remove-input"]
opts = meta["options"]
book.say(
    f"**Data:** {meta['data']}, read from `{meta['data_path']}`; controls from `{meta['controls_path']}`. "
    f"**Options:** years {opts['years']}, partners `{opts['partners']}`, `fva: {opts['fva']}`, `itr: {opts['itr']}`, "
    f"`itr_scale: {opts['itr_scale']}`, `itr_attribution: {opts['itr_attribution']}`, `winsor: {opts['winsor']}`, "
    f"`cov_type: {opts['cov_type']}`, concordance `{opts['concordance']}` (the other options of "
    f"`params/wiod2013.yml`; no bootstrap, which Table 1 does not use). **Produced** on {meta['produced']} by "
    f"`{meta['script']}` at commit `{meta['commit'][:12]}`"
    + (f" of a working tree with uncommitted changes to {', '.join(f'`{f}`' for f in meta['uncommitted_changes'])}."
       if meta["uncommitted_changes"] else ".")
)

# %% tags=["remove-input"]
by_region = res["partners"].groupby("region")["partner"].apply(lambda s: ", ".join(sorted(s)))
book.say(f"**Partners ({len(res['partners'])}):** "
         + "; ".join(f"{region}: {codes}" for region, codes in by_region.items()) + ".")

# %% [markdown]
# ## Table 1 on WIOD 2013

# %% tags=["remove-input"]
display(HTML(appendix.table1_html(res["table1"])))
t1 = res["table1"]
n = int(t1["nobs"].iloc[0])
book.say(
    f"**Table 1 on WIOD 2013.** Baseline regressions of eq. (12), {n:,} partner × industry × year cells; columns "
    f"{TABLES['1'].span('without_controls')} without controls, {TABLES['1'].span('with_controls')} with them; year, "
    "partner and industry fixed effects; standard errors in "
    "parentheses (heteroskedasticity-robust, HC1); \\*\\*\\* p<0.01, \\*\\* p<0.05, \\* p<0.1. The italic row is "
    f"the paper's coefficient on Eora (N = {sentences.paper_n():,}). A control missing from a column could not be "
    "estimated on this sample (constant, or absorbed by the fixed effects)."
)
book.say("The coefficient of ln ITR with controls:\n\n"
         + appendix.table1_sentences(t1, (appendix.RESULTS_DIR / "table1.csv").as_posix()))

# %% [markdown]
# ## Mutualism by region on WIOD 2013 (the paper's Figure 2)

# %% tags=["remove-input"]
data2 = res["figure2"]
groups2 = [figures.ALL_PARTNERS, *sorted(g for g in data2["group"].unique() if g != figures.ALL_PARTNERS)]
fig2 = figures.plot_indices(data2, groups=groups2)
plt.close(fig2)
display(fig2)

# %% [markdown]
# **Figure A.1** (the paper's Figure 2, on WIOD 2013). Fusion, interaction and coordination of China with its WIOD
# partners, by region: median over the partner × industry cells of each region and year;
# black: all partners.

# %% tags=["remove-input"]
book.say("For all partners together, "
         + appendix.trend_sentences(data2, figures.ALL_PARTNERS, (appendix.RESULTS_DIR / "figure2.csv").as_posix())
         + ". A trend is the OLS slope of the yearly median on the year; the index rose or fell only when the 95 % "
         "interval of the slope excludes zero (METHODS §8).")

# %% [markdown]
# ## Mutualism by industry on WIOD 2013 (the paper's Figure 3)

# %% tags=["remove-input"]
data3 = res["figure3"]
groups3 = sorted(data3["group"].unique(), key=lambda g: int(g.split()[0][1:]))
fig3 = figures.plot_indices(data3, groups=groups3, highlight=None)
plt.close(fig3)
display(fig3)

# %% [markdown]
# **Figure A.2** (the paper's Figure 3, on WIOD 2013). Fusion, interaction and coordination of China with its WIOD
# partners, by manufacturing industry: median over the partners in each year.
