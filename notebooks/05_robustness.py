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
# # Robustness

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
# The paper checks its baseline three ways (its §V.2): a different scale of the transfer
# measure, indices that set China's industry against the partner's whole economy, and the
# narrower list of 64 countries along the routes. Each check re-estimates the columns of
# Table 1 with controls; the paper reports that all three leave its conclusions intact
# without printing the estimates, so this chapter can compare signs and significance only
# with the paper's baseline.

# %% tags=["hide-input"]
from IPython.display import HTML, display

from mutualism.book import sentences
from mutualism.report import tables

results = book.run_results(params)

# %% [markdown]
# ## The three checks
#
# 1. **Transfer as a share of world output** (METHODS §4, `itr_scale: world_output_share`):
#    $ITR$ divided by world gross output of the year. With year fixed effects and logs,
#    dividing by a number common to all cells of a year only shifts the year effects, so
#    the elasticity of transfer cannot change; this check is informative only about the
#    implementation (and about winsorising, which is applied before the log and may cut
#    different cells).
# 2. **Cross-industry indices** (METHODS §8): every flow on the partner's side is summed
#    over all of its sectors before the ratios are formed, so $RH$, $HD$ and $XT$ measure
#    China's industry $i$ against the partner's whole economy.
# 3. **The 64 countries along the routes** (`partners: bri64`). The paper's 64 are the
#    71 countries of the 2018 Belt and Road trade report that are also among its 121
#    signatories. This run uses instead the classic list of 64 countries along the routes
#    (the State Information Centre's, `data/README.md`), which includes seven countries
#    that had not signed by January 2020 (India, Bhutan, Israel, Jordan, Syria, Palestine,
#    Turkmenistan): the two lists overlap but are not the same sample.

# %% tags=["remove-input"]
summary = book.robustness_summary(results)
display(HTML(tables.render_frame(summary, "Robustness of Table 1: the coefficient of ln ITR with controls",
                                 classes="robustness",
                                 note="Controls and year, partner and industry fixed effects as in Table 1; standard "
                                      "error in parentheses; *** p<0.01, ** p<0.05, * p<0.1.")))

# %% tags=["remove-input"]
book.say(sentences.robustness(results, {name: label for name, (label, _) in book.ROBUSTNESS.items()}))

# %% tags=["remove-input"]
book.say(sentences.rescaling_note(results, params.winsor))

# %% [markdown]
# ## Every option at once: the multiverse
#
# The three checks change one choice at a time. METHODS names more choices that a reader
# could reasonably make differently, and they can be combined: the foreign value added of
# the interaction index (`fva`: Leontief or WWZ, §3.2), the transfer measure (`itr`: the
# paper's five routes or all value-added exports, §4) and whose industry the transferred
# value added is booked to (`itr_attribution`: the industry that generates it or the one
# that exports it, §4), same-industry or cross-industry indices (§8), the winsorising
# fraction and robust or partner-clustered standard errors (§8). The multiverse estimates
# the columns of Table 1 with controls and the IV second stages of Table 2 under every
# combination of these six options on this run's data; the other options (partners,
# years, `itr_scale`, `mediator_form`) keep this run's values.
# `mutualism multiverse --params FILE --out DIR` writes the same estimates and the
# indirect effects of Tables 6–7 to `DIR/multiverse.csv`. Each
# index variant of each year is computed once and cached, the indirect effects there use
# the Sobel test without bootstrap, and this chapter reads the whole multiverse from the
# cache once it has been computed for these data: a run that changes only the options the
# multiverse spans (or the bootstrap replications) finds the same multiverse there.

# %% tags=["remove-input"]
from mutualism.report import figures
from mutualism.book import multiverse

universe = multiverse.cached_multiverse(params, n_jobs=2, scheduler=params.scheduler, estimates=("baseline", "iv"))
book.say(multiverse.grid_text(universe.table))
curve, curve_data = multiverse.specification_curve(universe.table, words=book.INDEX_WORDS)
display(figures.show_figure(
    curve, curve_data, "specification_curve", figures_dir,
    alt=multiverse.curve_alt_text(universe.table, book.INDEX_WORDS),
    caption=(f"<b>Figure 5.1.</b> Specification curve of the {universe.specifications} specifications: the "
             "coefficient of ln ITR (Table 1 with controls and fixed effects) sorted within each index, with its "
             "95 % interval (filled dots: significant at 5 %); below, the option values of each specification.")))

# %% tags=["remove-input"]
from mutualism.core import claims

lines = []
for what, parts, note in multiverse.conclusion_sentences(universe.table, book.INDEX_WORDS):
    for share, phrase, where in parts:
        claims.record(share, phrase, where=where)
    lines.append(f"- {what}, β1 > 0 and significant at 5 %: " + "; ".join(p for _, p, _ in parts) + ".")
    if note:
        lines.append("  " + note)
book.say("\n".join(lines))

# %% tags=["remove-input"]
display(HTML(multiverse.share_table(universe.table, words=book.INDEX_WORDS).to_html(classes="robustness")))
book.say("Specifications in which the coefficient of ln ITR (Table 1 with controls) is positive and significant "
         "at 5 %, over all specifications and among those with each option value.")
