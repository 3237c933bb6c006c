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
# # Baseline estimates

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
# Does more industrial transfer go with more mutualism? This chapter estimates the
# paper's equation (12) for each of the three indices, without and with controls
# (Table 1), and with every regressor lagged one year.

# %% tags=["hide-input"]
from mutualism.book import sentences

results = book.run_results(params)
paper = results.paper

# %% [markdown]
# ## The model
#
# For partner $r$, industry $i$ and year $t$ (METHODS §8):
#
# $$\ln Y_{irt} = \beta_1 \ln ITR_{irt} + \beta_2' \ln D_{rt} + \beta_3' Z_{irt}
#   + \varphi_t + \lambda_r + \eta_i + \varepsilon_{irt},
#   \qquad Y \in \{RH, HD, XT\},$$ (eq-baseline)
#
# where $\ln D = (\ln POL, \ln ECO, \ln CUL, \ln DIS)$ are the institutional, economic and
# cultural distances between China and $r$ and the geographic one ($DIS$: distance × oil price), and
# $Z = (\ln GVC\_P, \ln GVC\_D, \ln RCA\_D, FTA)$ the partner's participation in global
# value chains, the gap in GVC position, the gap in revealed comparative advantage and a
# free-trade-agreement dummy. Year, partner and industry fixed effects are absorbed.
# Because both sides are in logs, $\beta_1$ is an elasticity: the percentage change of
# the index that goes with a one per cent larger transfer. Hypothesis 1 predicts
# $\beta_1 > 0$ for all three indices.

# %% [markdown]
# ## Table 1

# %% tags=["remove-input"]
book.show_table(paper, "1")

# %% tags=["remove-input"]
book.say(sentences.baseline(results))
book.say(sentences.largest_elasticity(results))
book.say(sentences.attribution_comparison(results))

# %% tags=["remove-input"]
if params.fva == "leontief":
    book.say("```{note}\nThis run measures foreign value added with the Leontief decomposition (`fva: leontief`), "
             "so the interaction index averages two shares that are also two of the four fusion rates (chapter 2, "
             "§5): the regressions of ln RH and ln HD are not independent tests of Hypothesis 1. Option `fva: wwz` "
             "measures interaction on value-added-relevant exports and removes the overlap.\n```")
else:
    book.say("```{note}\nThis run measures interaction on value-added-relevant exports (`fva: wwz`), so the "
             "interaction index shares no component with the fusion index (chapter 2, §5).\n```")

# %% [markdown]
# ## Regressors lagged one year
#
# Reverse causality (more symbiotic industry pairs attracting more transfer) would bias
# $\beta_1$ upward. The paper's first answer is to lag transfer and every control by one
# year, so that the regressors are predetermined relative to this year's shocks to the
# index. The lagged specification loses the first year of the sample.

# %% tags=["remove-input"]
book.show_table(paper, "1L")

# %% tags=["remove-input"]
book.say(sentences.lagged(results))
