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
# # Conclusions

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
# This chapter gathers what the run found, hypothesis by hypothesis, and sets every
# estimate beside the paper's. The appendices hold the replication scorecard, the
# methodological choices behind the numbers and how to produce them again.

# %% tags=["hide-input"]
import pandas as pd
from IPython.display import HTML, display

from mutualism.report import figures, tables
from mutualism.book import sentences

results = book.run_results(params)
paper = results.paper
card = tables.scorecard(paper)

# %% [markdown]
# ## What this run finds

# %% tags=["remove-input"]
data2 = figures.figure2_data(results.indices, book.regions(sorted(results.indices["partner"].unique())))
findings_text, shares = sentences.findings(results, data2, figures.ALL_PARTNERS)
book.say(
    "The paper's three findings (its concluding section), restated in our words, each marked by what this run "
    "shows: **supported** when every condition holds, **supported where testable** when every condition that "
    "this run can estimate holds and others cannot be estimated, **not supported** when one fails, **not testable "
    "in this run** when none can be estimated. Each condition is a verdict of METHODS §8: a trend is a slope "
    "whose 95 % interval excludes zero, an effect a coefficient significant at 5 %, a channel an established "
    "mediation, a difference between groups a significant term ln ITR × D.\n\n" + findings_text
)
if params.source == "synthetic":
    from mutualism.io.synthetic import design

    built = design(params.synthetic_size, params.seed)
    rates = [built.integration[p] for p in sorted(set(results.indices["partner"])) if p in built.integration]
    low, high = built.integration_range
    book.say(
        "These verdicts come from the synthetic world, which plants no regression coefficient: no value of "
        "$\\beta_1$, $\\alpha_1$ or $\\varphi_2$ is set anywhere in it, so there is no true coefficient for an "
        "estimate to recover. What it is built with is a structure: each Belt and Road partner's links with China "
        f"grow by the factor $1 + \\gamma_r (t - {built.integration_from})$ after {built.integration_from}, with "
        f"$\\gamma_r$ drawn between {low:.2f} and {high:.2f} (for this run's {len(rates)} partners, from "
        f"{min(rates):.3f} to {max(rates):.3f}), and sourcing falls with the distance between capitals to the power "
        f"{built.distance_exponent:.1f}. Whatever relation the verdicts find between transfer and the indices comes "
        "from that structure; they test the machinery on it, not the paper's claims about China and its partners."
        if rates else
        "These verdicts come from the synthetic world, which plants no regression coefficient; they test the "
        "machinery, not the paper's claims about China and its partners.")

# %% [markdown]
# ## The paper's policy implications
#
# The paper draws three groups of recommendations from its findings. We restate each and
# name the finding it rests on, with that finding's status in this run; a recommendation
# is only as strong as the evidence under it, and none of them is itself tested here.

# %% tags=["remove-input"]
book.say(sentences.policy(shares))

# %% [markdown]
# ## Agreement with the paper's coefficients

# %% tags=["remove-input"]
book.say(tables.scorecard_summary(card) + " " + sentences.opposite_signs(results, card))
if params.source == "synthetic":
    book.say("These numbers come from the synthetic world: agreement or disagreement with the paper here tests the "
             "machinery, not the paper's claims. Re-run the book on real tables (chapter *Re-running the book*) to "
             "test them.")

# %% [markdown]
# ## Limits
#
# The indices are accounting constructs, and two of them overlap by definition (with the
# Leontief measure, interaction repeats two of the four fusion rates; regional value
# chain cooperation is built from the same foreign-value-added flows as interaction), so
# correlations among them and with transfer are partly mechanical. Coordination is a
# ratio of growth rates with an unbounded right tail and a floor of one half, on which
# every pair with opposite-signed growth sits (chapter 3 counts them). The causal reading rests on an
# instrument whose exclusion restriction is doubtful, and the paper's Eora tables, for
# many Belt and Road countries, are themselves estimated from sparse statistics.
#
# ## Appendix A: the replication scorecard
#
# Every coefficient the paper prints (`data/paper_tables.csv`) beside this run's
# estimate, grouped by table. A coefficient agrees in sign when both have the same sign,
# and in stars when both fall in the same significance class (\*\*\*, \*\*, \* or none;
# \*\* against \*\*\* is a disagreement).

# %% tags=["remove-input"]
display(HTML(tables.render_scorecard(card, "html")))

# %% [markdown]
# ## Appendix B: the choices behind these numbers
#
# `docs/METHODS.md` pins down what the paper leaves open. The options of this run:

# %% tags=["remove-input"]
OPTION_NOTES = {
    "source": ("§1", "where the tables come from"),
    "years": ("§7", "estimation years (the year before is loaded for XT)"),
    "partners": ("§7", "partner countries"),
    "fva": ("§3.2", "foreign value added in interaction: Leontief/HIY, or WWZ value-added-relevant exports"),
    "itr": ("§4", "transfer: the paper's five routes, or all bilateral value-added exports"),
    "itr_scale": ("§4", "transfer in levels or as a share of world gross output"),
    "itr_attribution": ("§4", "transfer counts value added by the industry that generated it, or by the exporting "
                              "industry"),
    "mediator_form": ("§8", "mediator in levels (as Tables 6–7 label it) or in logs (as eq. 16 writes it)"),
    "winsor": ("§8", "winsorising fraction of each tail, pooled sample, before the logs"),
    "cov_type": ("§8", "standard errors: HC1, or clustered by partner or partner × industry"),
    "bootstrap_reps": ("§8", "bootstrap replications of the indirect effects (resampling the units of cov_type)"),
    "seed": ("§8", "random seed (synthetic world and bootstrap)"),
    "concordance": ("§7", "sector concordance applied before any index is computed"),
    "controls_path": ("§6", "real control data (none: the synthetic world's controls)"),
}
values = params.as_dict()
UNSET = {"data_path": "generated synthetic world", "concordance": "none (the table's own sectors)",
         "controls_path": "none (the synthetic world's controls)"}
# values as written in the parameter file: a seed or a count of replications is a setting, not a quantity
# (no thousands separator: "2023", not "2,023")
options = pd.DataFrame([{"option": k, "value": UNSET.get(k, "none") if values[k] is None else str(values[k]),
                         "METHODS": s, "meaning": m} for k, (s, m) in OPTION_NOTES.items()])
display(HTML(tables.render_frame(options, "The options of this run", classes="options")))
book.say(
    "Fixed conventions (METHODS §1, §3.3, §8): gross output is the row sum of the table and value added the column "
    "residual, so every decomposition adds up exactly; coordination uses the closed form "
    "(|g_c| + |g_r|) / (2|g_c − g_r|), undefined (and counted) when the two rates are equal; fixed effects are "
    "absorbed and standard errors computed as with explicit dummies; "
    + ("each table is estimated on one sample, the rows complete for all its variables (a control the fixed "
       "effects absorb does not restrict it); " if paper.options.get("common_sample") else
       "each column is estimated on the rows complete for its own variables; ")
    + ("singleton groups are dropped." if paper.options.get("singletons") == "drop" else
       "singleton groups are kept, as with explicit dummies.")
)

# %% [markdown]
# ## Appendix C: producing these numbers again
#
# The banner at the top of this page names every option of the run. Write them into a
# parameter file (the defaults are `params/default.yml`) and run
# `make book PARAMS=that-file.yml`; chapter *Re-running the book* lists every parameter
# and shows how to execute one chapter by hand with papermill. Results are cached under
# `cache_dir`, keyed by the parameters and the library's source, so a rebuild with the
# same options and code reuses them, and any change recomputes them.
