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
# # The indices, computed by hand

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
# This chapter defines every quantity the book estimates, in the notation of
# `docs/METHODS.md` (§1–§5, §9), and computes each one on a world small enough to print:
# China (CHN), one partner (PAK) and the rest of the world (ROW), each with two
# manufacturing sectors, textiles (C5) and machinery (C9). Every number below is computed
# by the `mutualism` library from the printed table, so a reader can check any of them
# with a calculator, and an instructor can change the table in
# `mutualism.book.EXAMPLE_TABLES` and rebuild.

# %% tags=["hide-input"]
import pandas as pd
from IPython.display import display

from mutualism.book import say, worked_example

pd.set_option("display.precision", 4)
ex = worked_example()
m = ex.mrio
ind = ex.indices

# %% [markdown]
# ## 1. The table and its accounting closure (METHODS §1)
#
# A multi-regional input–output table has three blocks. $Z$ holds intermediate sales
# between country-sectors (row: seller, column: buyer); $Y$ final sales, summed over
# final-demand categories, by the *country* of destination; value added $va$ closes each
# column. The library always derives gross output as the row sum, $x = Z\mathbf{1} +
# Y\mathbf{1}$, and value added as the column residual, $va = x - \mathbf{1}'Z$, so that
# every identity below holds exactly.

# %% tags=["hide-input"]
display(m.frames()["Z"].style.set_caption(f"Z: intermediate sales, {ex.year}"))
display(m.frames()["Y"].style.set_caption("Y: final sales by destination"))
display(pd.DataFrame({"va": m.va, "x": m.x}, index=m.index).T.style.set_caption("value added and gross output"))

# %% [markdown]
# ## 2. Coefficients and the Leontief inverse
#
# Input coefficients $A = Z\,\mathrm{diag}(x)^{-1}$ say how much of each input one unit of
# output needs; value-added coefficients are $v = va / x$. The global Leontief inverse
# $B = (I - A)^{-1}$ counts the output of every country-sector needed, directly and
# through all rounds of production, per unit of final output. Because value added and
# intermediate inputs exhaust each column, $v'B = \mathbf{1}'$: a unit of final output
# contains exactly one unit of value added, wherever it was added.

# %% tags=["hide-input"]
display(ex.A.style.format("{:.4f}").set_caption("A = Z diag(x)⁻¹"))
display(ex.B.style.format("{:.4f}").set_caption("B = (I − A)⁻¹"))
display(pd.DataFrame({"v": ex.v, "v'B": ex.v_B}).T.style.format("{:.4f}").set_caption("v and v'B"))

# %% [markdown]
# ## 3. Gross exports and the value added they carry (METHODS §2)
#
# Gross exports of sector $i$ of country $s$ to country $r \neq s$ are its intermediate
# sales to all sectors of $r$ plus its final sales to $r$:
# $E_{si\to r} = \sum_j Z_{si,rj} + Y_{si,r}$, and $E_{si} = \sum_{r\neq s} E_{si\to r}$.
# The matrix
#
# $$\mathit{VAE} = \mathrm{diag}(v)\, B\, \mathrm{diag}(E)$$
#
# splits each column $si$ (an exporting country-sector) by the country-sector $tj$ where
# the value was added. Its column sums are the gross exports. The diagonal blocks are
# domestic value added in exports ($\mathit{DVA}$); the off-diagonal blocks are foreign
# value added ($\mathit{FVA}_{tj\to si}$), the vertical specialisation of
# {cite:t}`hummels2001`.

# %% tags=["hide-input"]
display(ex.bilateral_exports.style.format("{:.0f}").set_caption("exports by destination (own country: 0)"))
display(ex.vae.style.format("{:.3f}").set_caption("VAE: value added (rows) in the gross exports of (columns)"))
display(ex.exports.style.format("{:.3f}").set_caption("per exporter: gross exports, DVA, FV"))

# %% tags=["remove-input"]
e = ex.exports
say(f"For instance, China's machinery exports {e.loc[('CHN', 'C9'), 'E']:.0f} units; "
    f"{e.loc[('CHN', 'C9'), 'DVA']:.3f} of them are Chinese value added and "
    f"{e.loc[('CHN', 'C9'), 'FV']:.3f} foreign value added, of which "
    f"{ex.vae.loc[('PAK', 'C9'), ('CHN', 'C9')]:.3f} was added by Pakistan's machinery sector. "
    f"The two parts add up to the gross exports: "
    f"{e.loc[('CHN', 'C9'), 'DVA'] + e.loc[('CHN', 'C9'), 'FV']:.3f}.")

# %% [markdown]
# ## 4. Fusion, $RH$ (METHODS §3.1; the paper's eqs. 1–5)
#
# Let $\Phi = \mathrm{diag}(v)\,B\,Z$: the value added of each country-sector embodied,
# through all rounds, in the intermediate inputs each country-sector buys. Between
# countries, $\Phi_{s,t} = v_s B_{s,t} x_t$. The paper uses this one flow in each
# direction, normalised once by the buyer's total input and once by the seller's output:
#
# | rate | formula | share of … |
# |---|---|---|
# | $IIR_{ci,ri}$ | $\Phi_{ci,ri}/x_{ri}$ | the partner industry's inputs that is Chinese value added |
# | $IDR_{ri,ci}$ | $\Phi_{ci,ri}/x_{ci}$ | China's output taken up by the partner industry |
# | $IIR_{ri,ci}$ | $\Phi_{ri,ci}/x_{ci}$ | China's inputs that is the partner's value added |
# | $IDR_{ci,ri}$ | $\Phi_{ri,ci}/x_{ri}$ | the partner's output taken up by China |
#
# and $RH = (IIR_{ci,ri} + IDR_{ri,ci} + IIR_{ri,ci} + IDR_{ci,ri})/4$.

# %% tags=["hide-input"]
display(ind[["IIR_cr", "IDR_rc", "IIR_rc", "IDR_cr", "RH"]].style.format("{:.5f}")
        .set_caption(f"fusion of China and PAK, {ex.year}"))

# %% tags=["remove-input"]
say(f"In textiles, {ind.loc['C5', 'IIR_cr']:.4f} of Pakistan's textile inputs is Chinese textile value added "
    f"and {ind.loc['C5', 'IIR_rc']:.4f} of China's is Pakistani. "
    f"Fusion averages the four rates, {ind.loc['C5', 'RH']:.4f} in textiles and "
    f"{ind.loc['C9', 'RH']:.4f} in machinery.")

# %% [markdown]
# ## 5. Interaction, $HD$ (METHODS §3.2; eqs. 6–8)
#
# Interaction is the share of each side's exports that is value added of the other:
# $\theta_{ci,ri} = \mathit{FVA}_{ri\to ci}/E_{ci}$,
# $\theta_{ri,ci} = \mathit{FVA}_{ci\to ri}/E_{ri}$ and
# $HD = (\theta_{ci,ri} + \theta_{ri,ci})/2$.
#
# ```{admonition} An identity the reader should know
# :class: note
# With the Leontief measure of foreign value added (option `fva: leontief`, the default),
# $\mathit{FVA}_{ri\to ci} = v_{ri} B_{ri,ci} E_{ci}$, so $\theta_{ci,ri} = v_{ri}B_{ri,ci}$,
# and $IIR_{ri,ci} = v_{ri}B_{ri,ci}x_{ci}/x_{ci}$ is the same number. Likewise
# $\theta_{ri,ci} = IIR_{ci,ri}$. Fusion and interaction therefore share two of their
# components by construction, which the regressions of later chapters inherit. Option
# `fva: wwz` replaces gross exports by their value-added-relevant part $E^*$ (final
# exports plus intermediates absorbed by the direct importer, METHODS §3.2), which
# breaks the identity.
# ```

# %% tags=["hide-input"]
comparison = pd.DataFrame({
    "theta_cr": ind["theta_cr"], "IIR_rc": ind["IIR_rc"], "theta_rc": ind["theta_rc"], "IIR_cr": ind["IIR_cr"],
    "HD (leontief)": ind["HD"], "theta_cr (wwz)": ex.indices_wwz["theta_cr"],
    "theta_rc (wwz)": ex.indices_wwz["theta_rc"], "HD (wwz)": ex.indices_wwz["HD"]})
display(comparison.style.format("{:.5f}").set_caption("interaction: the identity and the WWZ alternative"))

# %% tags=["remove-input"]
same = (ind["theta_cr"] - ind["IIR_rc"]).abs().max()
say(f"The largest difference between $\\theta_{{ci,ri}}$ and $IIR_{{ri,ci}}$ in this table is {same:.1e}, "
    f"rounding error. With `fva: wwz`, interaction in machinery becomes {ex.indices_wwz.loc['C9', 'HD']:.5f} "
    f"instead of {ind.loc['C9', 'HD']:.5f}.")

# %% [markdown]
# ## 6. Coordination, $XT$ (METHODS §3.3; eqs. 9–11)
#
# The quality parameter is domestic value added in exports, $DVA$ (the paper writes it
# $VAX$; this book keeps that name for the value-added exports of Johnson and Noguera,
# chapter 3), and its growth rate is $g = (DVA_t - DVA_{t-1})/DVA_{t-1}$; the table's
# columns `VAX_c`, `VAX_r` hold $DVA$ under the paper's name. The symbiosis degrees are the ratios
# $\delta_{cr} = g_c/g_r$ and $\delta_{rc} = g_r/g_c$, and the paper's index
# $XT = \tfrac12\left(1/|\delta_{cr}-1| + 1/|\delta_{rc}-1|\right)$ simplifies to
#
# $$XT = \frac{|g_c| + |g_r|}{2\,|g_c - g_r|},$$
#
# the form the library uses: it is defined when one rate is zero (then $XT = 1/2$) and
# undefined only when the two rates are equal. Three consequences are visible in the
# formula. Since $|g_c - g_r| \le |g_c| + |g_r|$, $XT$ is never below $1/2$. When the
# rates have opposite signs, the two sides are equal and $XT$ is exactly $1/2$, whatever
# their sizes: every pair in which one side's domestic value added in exports grows while
# the other's shrinks sits on this floor. When they have the same sign, $XT > 1/2$ and it
# grows without bound as the rates converge.

# %% tags=["hide-input"]
display(ind[["VAX_c", "VAX_r", "g_c", "g_r", "XT"]].style.format("{:.4f}")
        .set_caption(f"coordination, {ex.year} against {ex.year - 1}"))

# %% tags=["remove-input"]
def describe_xt(row):
    kind = "the same sign" if row["g_c"] * row["g_r"] > 0 else "opposite signs"
    return (f"China's rate is {row['g_c']:.4f} and Pakistan's {row['g_r']:.4f}, {kind}, "
            f"so $XT$ = {row['XT']:.4f}")


say(f"In textiles {describe_xt(ind.loc['C5'])}; in machinery {describe_xt(ind.loc['C9'])}.")

# %% [markdown]
# ## 7. Industrial transfer, $ITR$ (METHODS §4; eqs. 13–14)
#
# Transfer from $b$ to $a$ in industry $i$, $T_{b\leftarrow a}$, is value added of $a$'s
# industry $i$ that ends in $b$'s final demand. With $W_a = \mathrm{diag}(v_a)L_{aa}$ (the
# local inverse $L_{aa} = (I - A_{aa})^{-1}$) and third countries $d \notin \{a,b\}$, the
# paper counts five routes:
#
# | route | formula | path |
# |---|---|---|
# | `dva_fin` | $\mathrm{diag}(v_a)B_{aa}Y_{ab}$ | final goods $a\to b$ |
# | `dva_int` | $W_a A_{ab} B_{bb} Y_{bb}$ | intermediates $a\to b$, used for $b$'s own final demand |
# | `dva_intrex` | $W_a A_{ab} \sum_d B_{bd} Y_{db}$ | $a\to b\to d$, returning to $b$ as final goods |
# | `dva_int_third` | $\sum_d W_a A_{ad} B_{dd} Y_{db}$ | $a\to d$, final goods of $d$ to $b$ |
# | `dva_intrex_third` | $\sum_d W_a A_{ad} B_{db} Y_{bb}$ | $a\to d\to b$, used for $b$'s final demand |
#
# and $ITR_{i,r} = T_{c\leftarrow r}[i] + T_{r\leftarrow c}[i]$. Option `itr: vax` uses
# all value added of $a$ absorbed by $b$,
# $T_{b\leftarrow a} = \mathrm{diag}(v_a)\,[B\,Y_{\cdot b}]_a$ {cite:p}`johnson2012`.

# %% tags=["hide-input"]
routes = ["ITR_dva_fin", "ITR_dva_int", "ITR_dva_intrex", "ITR_dva_int_third", "ITR_dva_intrex_third", "ITR",
          "ITR_vax"]
display(ind[routes].style.format("{:.4f}").set_caption("transfer between China and PAK by route, both directions"))

# %% tags=["remove-input"]
share = ind["ITR"] / ind["ITR_vax"]
say(f"Final goods carry {ind.loc['C5', 'ITR_dva_fin'] / ind.loc['C5', 'ITR']:.1%} of the transfer in textiles "
    f"and {ind.loc['C9', 'ITR_dva_fin'] / ind.loc['C9', 'ITR']:.1%} in machinery. In this three-country world the "
    f"five routes capture {share['C5']:.2%} of bilateral value-added exports in textiles and {share['C9']:.2%} in "
    "machinery. With more than one third country, value added that travels through two third "
    "countries in turn (a → d → d′ → b) is in none of the five routes; chapter 3 reports the share the "
    "routes capture in the run's data.")

# %% [markdown]
# ## 8. Mechanism and control variables (METHODS §5–§6)
#
# Regional value chain cooperation is the two sides' value added in each other's exports
# as a share of their combined exports,
# $RVC = (\mathit{FVA}_{ri\to ci} + \mathit{FVA}_{ci\to ri})/(E_{ci} + E_{ri})$;
# agglomeration is their combined share of world value added in the industry,
# $INC = (va_{ci} + va_{ri})/\sum_s va_{si}$. The table also gives three controls:
# the partner's GVC participation $GVC\_P = (IV + FV)/E$ {cite:p}`koopman2010`, the gap
# in GVC position $POS = \ln(1 + IV/E) - \ln(1 + FV/E)$, and the gap in revealed
# comparative advantage {cite:p}`balassa1965`.

# %% tags=["hide-input"]
display(ind[["RVC", "INC", "IV_r", "FV_r", "GVC_P", "POS_c", "POS_r", "GVC_D", "RCA_c", "RCA_r", "RCA_D"]]
        .style.format("{:.4f}").set_caption("mechanism variables and table-based controls"))

# %% [markdown]
# ## 9. The 16-term decomposition of gross exports (METHODS §9)
#
# {cite:t}`wang2013` split each bilateral export flow $E_{s\to r}$ into sixteen parts:
# domestic value added absorbed abroad (`DVA_FIN`, `DVA_INT`, `DVA_INTrexI1`,
# `DVA_INTrexF`, `DVA_INTrexI2`), domestic value added that returns home (`RDV_INT`,
# `RDV_FIN`, `RDV_FIN2`), foreign value added of the importer (`MVA_FIN`, `MVA_INT`) and
# of third countries (`OVA_FIN`, `OVA_INT`), and pure double counting (`DDC_FIN`,
# `DDC_INT`, `MDC`, `ODC`). The names are those of the R package `decompr`
# {cite:p}`quast2015`, whose output the library reproduces. Each row below is one
# exporting country-sector and importer; `texp` is the gross flow.

# %% tags=["hide-input"]
display(ex.wwz.set_index(["exporter", "exporter_sector", "importer"]).T.style.format("{:.3f}")
        .set_caption("WWZ decomposition of every bilateral flow"))

# %% tags=["remove-input"]
row = ex.wwz.set_index(["exporter", "exporter_sector", "importer"]).loc[("CHN", "C9", "PAK")]
say(f"The sixteen terms add up to gross exports for every flow; the largest gap in this table is "
    f"{ex.wwz_gap:.1e}. For China's machinery exports to Pakistan ({row['texp']:.0f} units), "
    f"{row['DVA_FIN'] + row['DVA_INT'] + row['DVA_INTrexI1'] + row['DVA_INTrexF'] + row['DVA_INTrexI2']:.3f} "
    f"is Chinese value added absorbed abroad, "
    f"{row['RDV_INT'] + row['RDV_FIN'] + row['RDV_FIN2']:.3f} returns to China, "
    f"{row['MVA_FIN'] + row['MVA_INT'] + row['OVA_FIN'] + row['OVA_INT']:.3f} is foreign value added and "
    f"{row['DDC_FIN'] + row['DDC_INT'] + row['MDC'] + row['ODC']:.3f} is double counting.")

# %% [markdown]
# ## Exercises
#
# 1. From the printed $A$ and $v$, verify by hand one entry of $v'B = \mathbf{1}'$ using
#    the printed $B$: the six entries of a column of $\mathrm{diag}(v)B$ add up to one. Which
#    two of them are domestic value added?
# 2. Show from the formulas of sections 4 and 5 that the fusion rate $IIR_{ri,ci}$ and the interaction
#    share $\theta_{ci,ri}$ coincide when foreign value added is measured by the Leontief
#    decomposition, and explain why the WWZ measure breaks the equality.
# 3. Suppose the domestic value added in Pakistan's machinery exports had grown at exactly
#    China's rate. What would the coordination index be, and why does the library record
#    it as missing rather than as a very large number?
# 4. Edit `mutualism.book.EXAMPLE_TABLES` so that the rest of the world buys Pakistani
#    textiles made with Chinese inputs, then rebuild the chapter
#    (`mutualism book --chapters 02`). Which of the five transfer routes grows?
