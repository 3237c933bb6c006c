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
# # Mechanisms
#
# This chapter is being written; it will compute its results with the library.

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
winsor = 0.01
cov_type = "robust"
bootstrap_reps = 499
seed = 2023
cache_dir = ".cache/mutualism"
controls_path = None
synthetic_size = "small"
concordance = None

# %% tags=["remove-input"]
from mutualism import book

params = book.start_chapter(
    source=source, data_path=data_path, years=years, partners=partners, fva=fva, itr=itr,
    itr_scale=itr_scale, winsor=winsor, cov_type=cov_type, bootstrap_reps=bootstrap_reps,
    seed=seed, cache_dir=cache_dir, controls_path=controls_path,
    synthetic_size=synthetic_size, concordance=concordance,
)
