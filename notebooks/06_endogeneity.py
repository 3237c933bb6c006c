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
# # Endogeneity: instrumental variables

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
from mutualism import book

params = book.start_chapter(globals())  # the parameters cell's values

# %% [markdown]
# Transfer and symbiosis may be determined together: industry pairs that already work
# closely attract more relocation, and shocks to a partner's industry move both. The
# paper instruments transfer with the partner's labour force (Table 2).

# %% tags=["hide-input"]
from mutualism.book import sentences

results = book.run_results(params)
paper = results.paper

# %% [markdown]
# ## The instrument and its assumptions
#
# The instrument is $LAB_{rt}$, the log of partner $r$'s labour force (World Bank). The
# relevance argument is that a larger labour force draws labour-intensive stages from
# China and so raises transfer. The exclusion argument is that labour can affect the
# symbiosis of an industry pair only through the transfer that links them, the
# "interface" of symbiosis theory (chapter 1). That restriction cannot be tested with one
# instrument and is open to doubt: the size of the labour force shapes the partner's
# output, wages and industrial structure, which enter the denominators of the indices
# directly. The 2SLS estimates use the controls and fixed effects of the baseline
# (METHODS §8); the first stage regresses $\ln ITR$ on $LAB$ and the same exogenous
# variables.
#
# With one endogenous regressor and one instrument, the Kleibergen–Paap rk Wald F equals
# the robust first-stage F, and the rk LM statistic tests whether the instrument is
# correlated with transfer at all {cite:p}`kleibergen2006`. A first-stage F above about
# 10 is the usual informal threshold for a strong instrument; the Stock–Yogo critical
# value for a 10 % maximal size distortion of a 5 % Wald test with one instrument is
# 16.38.

# %% [markdown]
# ## Table 2

# %% tags=["remove-input"]
book.show_table(paper, "2")

# %% tags=["remove-input"]
if "2" in paper.tables:
    book.say(f"{sentences.first_stage(results)} {sentences.instrument_strength(results)}")
    book.say(sentences.second_stage(results))
