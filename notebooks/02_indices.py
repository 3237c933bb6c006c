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
figures_dir = "_build/figures"  # where the figures (PNG + CSV) are written

# %% tags=["remove-input"]
from mutualism import book

params = book.start_chapter(globals())  # the parameters cell's values

# %% [markdown]
# This chapter defines every quantity the book estimates, in the notation of
# `docs/METHODS.md` (§1–§5, §9), and computes each one on a world small enough to print:
# China (CHN), one partner (PAK) and the rest of the world (ROW), each with two
# manufacturing sectors, textiles (C5) and machinery (C9). Every number below is computed
# by the `mutualism` library from the printed table, so a reader can check any of them
# with a calculator. A different table can be given without touching the library, as a
# file passed with the chapter parameter `example_table` (exercise 4 shows how).

# %% tags=["hide-input"]
import pandas as pd
from IPython.display import display

from mutualism.book import say, worked_example

pd.set_option("display.precision", 4)
ex = worked_example(params.example_table)  # the book's table, or the file of parameter example_table
m = ex.mrio
ind = ex.indices

# %% [markdown]
# ## The table and its accounting closure (METHODS §1)
#
# A multi-regional input–output table has three blocks. $Z$ holds intermediate sales
# between country-sectors (row: seller, column: buyer); $Y$ final sales, summed over
# final-demand categories, by the *country* of destination; value added $va$ closes each
# column. The library always derives gross output as the row sum, $x = Z\mathbf{1} +
# Y\mathbf{1}$, and value added as the column residual, $va = x - \mathbf{1}'Z$, so that
# every identity below holds exactly.

# %% tags=["hide-input"]
display(m.frames()["Z"].style.format("{:.0f}").set_caption(f"Z: intermediate sales, {ex.year}"))
display(m.frames()["Y"].style.format("{:.0f}").set_caption(f"Y: final sales by destination, {ex.year}"))
display(pd.DataFrame({"va": m.va, "x": m.x}, index=m.index).T.style.format("{:.0f}").set_caption("value added and gross output"))

# %% [markdown]
# ## Coefficients and the Leontief inverse
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
# The *local* inverse of each country, $L_{ss} = (I - A_{ss})^{-1}$, uses only its
# domestic coefficients; the transfer routes and the WWZ terms below need it.

# %% tags=["hide-input"]
import numpy as np

from mutualism.gvc.leontief import diagonal_blocks, local_solve

N = len(m.sectors)
local = local_solve(diagonal_blocks(m.A, m.G), np.broadcast_to(np.eye(N), (m.G, N, N)).copy())
display(pd.concat({country: pd.DataFrame(local[k], index=list(m.sectors), columns=list(m.sectors))
                   for k, country in enumerate(m.countries)}, axis=1)
        .style.format("{:.4f}").set_caption("L_ss = (I − A_ss)⁻¹ of each country s (columns: s, sector)"))

# %% [markdown]
# ## Gross exports and the value added they carry (METHODS §2)
#
# Gross exports of sector $i$ of country $s$ to country $r \neq s$ are its intermediate
# sales to all sectors of $r$ plus its final sales to $r$:
# $E_{si\to r} = \sum_j Z_{si,rj} + Y_{si,r}$, and $E_{si} = \sum_{r\neq s} E_{si\to r}$.
# The matrix
#
# $$\mathit{VAE} = \mathrm{diag}(v)\, B\, \mathrm{diag}(E)$$ (eq-vae)
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
# ## Fusion, $\mathit{RH}$ (METHODS §3.1; the paper's eqs. 1–5)
#
# Let $\Phi = \mathrm{diag}(v)\,B\,Z$: the value added of each country-sector embodied,
# through all rounds, in the intermediate inputs each country-sector buys. Between
# countries, $\Phi_{s,t} = v_s B_{s,t} x_t$. The paper uses this one flow in each
# direction, normalised once by the buyer's total input and once by the seller's output:
#
# | rate | formula | share of … |
# |---|---|---|
# | $\mathit{IIR}_{ci,ri}$ | $\Phi_{ci,ri}/x_{ri}$ | the partner industry's inputs that is Chinese value added |
# | $\mathit{IDR}_{ri,ci}$ | $\Phi_{ci,ri}/x_{ci}$ | China's output taken up by the partner industry |
# | $\mathit{IIR}_{ri,ci}$ | $\Phi_{ri,ci}/x_{ci}$ | China's inputs that is the partner's value added |
# | $\mathit{IDR}_{ci,ri}$ | $\Phi_{ri,ci}/x_{ri}$ | the partner's output taken up by China |
#
# and $\mathit{RH} = (\mathit{IIR}_{ci,ri} + \mathit{IDR}_{ri,ci} + \mathit{IIR}_{ri,ci} + \mathit{IDR}_{ci,ri})/4$.

# %% tags=["hide-input"]
display(ind[["IIR_cr", "IDR_rc", "IIR_rc", "IDR_cr", "RH"]].style.format("{:.5f}")
        .set_caption(f"fusion of China and PAK, {ex.year}"))

# %% tags=["remove-input"]
say(f"In textiles, {ind.loc['C5', 'IIR_cr']:.4f} of Pakistan's textile inputs is Chinese textile value added "
    f"and {ind.loc['C5', 'IIR_rc']:.4f} of China's is Pakistani. "
    f"Fusion averages the four rates, {ind.loc['C5', 'RH']:.4f} in textiles and "
    f"{ind.loc['C9', 'RH']:.4f} in machinery.")

# %% [markdown]
# ## Interaction, $\mathit{HD}$ (METHODS §3.2; eqs. 6–8)
#
# Interaction is the share of each side's exports that is value added of the other:
# $\theta_{ci,ri} = \mathit{FVA}_{ri\to ci}/E_{ci}$,
# $\theta_{ri,ci} = \mathit{FVA}_{ci\to ri}/E_{ri}$ and
# $\mathit{HD} = (\theta_{ci,ri} + \theta_{ri,ci})/2$.
#
# ```{admonition} An identity the reader should know
# :class: note
# With the Leontief measure of foreign value added (option `fva: leontief`, the default),
# $\mathit{FVA}_{ri\to ci} = v_{ri} B_{ri,ci} E_{ci}$, so $\theta_{ci,ri} = v_{ri}B_{ri,ci}$,
# and $\mathit{IIR}_{ri,ci} = v_{ri}B_{ri,ci}x_{ci}/x_{ci}$ is the same number. Likewise
# $\theta_{ri,ci} = \mathit{IIR}_{ci,ri}$. Fusion and interaction therefore share two of their
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
say(f"The largest difference between $\\theta_{{ci,ri}}$ and $\\mathit{{IIR}}_{{ri,ci}}$ in this table is {book.gap(same)}: "
    f"the two are one number, up to rounding error. With `fva: wwz`, interaction in machinery becomes {ex.indices_wwz.loc['C9', 'HD']:.5f} "
    f"instead of {ind.loc['C9', 'HD']:.5f}.")

# %% [markdown]
# ## Coordination, $\mathit{XT}$ (METHODS §3.3; eqs. 9–11)
#
# The quality parameter is domestic value added in exports, $\mathit{DVA}$ (the paper writes it
# $\mathit{VAX}$; this book keeps that name for the value-added exports of Johnson and Noguera,
# chapter 3), and its growth rate is $g = (\mathit{DVA}_t - \mathit{DVA}_{t-1})/\mathit{DVA}_{t-1}$; the table's
# columns `VAX_c`, `VAX_r` hold $\mathit{DVA}$ under the paper's name. The symbiosis degrees are the ratios
# $\delta_{cr} = g_c/g_r$ and $\delta_{rc} = g_r/g_c$, and the paper's index
# $\mathit{XT} = \tfrac12\left(1/|\delta_{cr}-1| + 1/|\delta_{rc}-1|\right)$ simplifies to
#
# $$\mathit{XT} = \frac{|g_c| + |g_r|}{2\,|g_c - g_r|},$$ (eq-xt)
#
# the form the library uses: it is defined when one rate is zero (then $\mathit{XT} = 1/2$) and
# undefined only when the two rates are equal. Three consequences are visible in the
# formula. Since $|g_c - g_r| \le |g_c| + |g_r|$, $\mathit{XT}$ is never below $1/2$. When the
# rates have opposite signs, the two sides are equal and $\mathit{XT}$ is exactly $1/2$, whatever
# their sizes: every pair in which one side's domestic value added in exports grows while
# the other's shrinks sits on this floor. When they have the same sign, $\mathit{XT} > 1/2$ and it
# grows without bound as the rates converge.

# %% tags=["hide-input"]
previous = ex.tables[ex.year - 1]
display(previous.frames()["Z"].style.format("{:.0f}").set_caption(f"Z of the previous year, {ex.year - 1}"))
display(previous.frames()["Y"].style.format("{:.0f}").set_caption(f"Y of the previous year, {ex.year - 1}"))
from mutualism.gvc.decompose import export_summary

dva_before = export_summary(previous)["DVA"]
display(pd.DataFrame({f"DVA {ex.year - 1}": dva_before, f"DVA {ex.year}": ex.exports["DVA"]}).T
        .style.format("{:.4f}").set_caption("domestic value added in exports, both years (Leontief, METHODS §2)"))
display(ind[["VAX_c", "VAX_r", "g_c", "g_r", "XT"]].style.format("{:.4f}")
        .set_caption(f"coordination, {ex.year} against {ex.year - 1}"))

# %% tags=["remove-input"]
def describe_xt(row):
    kind = "the same sign" if row["g_c"] * row["g_r"] > 0 else "opposite signs"
    return (f"China's rate is {row['g_c']:.4f} and Pakistan's {row['g_r']:.4f}, {kind}, "
            f"so $\\mathit{{XT}}$ = {row['XT']:.4f}")


say(f"In textiles {describe_xt(ind.loc['C5'])}; in machinery {describe_xt(ind.loc['C9'])}.")

# %% [markdown]
# ## Industrial transfer, $\mathit{ITR}$ (METHODS §4; eqs. 13–14)
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
# and $\mathit{ITR}_{i,r} = T_{c\leftarrow r}[i] + T_{r\leftarrow c}[i]$. Option `itr: vax` uses
# all value added of $a$ absorbed by $b$,
# $T_{b\leftarrow a} = \mathrm{diag}(v_a)\,[B\,Y_{\cdot b}]_a$ {cite:p}`johnson2012`.


# %% tags=["remove-input"]
from mutualism.report import diagrams, figures

fig, legs = diagrams.transfer_routes()
display(figures.show_figure(
    fig, legs, "transfer_routes", figures_dir,
    alt=("Five small diagrams, one per route of industrial transfer from a source country a to a destination b, "
         "with a third country d: final goods a to b; intermediates a to b used in b's own final goods; "
         "intermediates a to b to d returning to b as final goods; intermediates a to d, final goods d to b; "
         "intermediates a to d to b used in b's final goods. Dashed arrows carry intermediates, solid arrows "
         "final goods."),
    caption=("<b>Figure 2.1.</b> The five routes by which value added of a's industry reaches b's final demand "
             "(the paper's appendix), with the leg order numbered and each route's formula.")))
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
# ```{note}
# Two bookkeepings of domestic value added in final-goods exports appear on this page.
# The route `dva_fin` above, with the default `itr_attribution: source`, counts the value
# added *generated in* industry $i$ of the exporter, whatever sector exports it; the WWZ
# term `DVA_FIN` of the next section counts the value added, from all the exporter's
# industries, *embodied in the exports of* sector $i$. The two agree summed over the
# exporter's industries, not industry by industry. The paper's definition of transfer
# reads the second way; option `itr_attribution: exporting` computes the routes so
# (METHODS §4), and chapter 4 shows how much the choice moves Table 1.
# ```

# %% [markdown]
# ## Mechanism and control variables (METHODS §5–§6)
#
# Regional value chain cooperation is the two sides' value added in each other's exports
# as a share of their combined exports,
# $\mathit{RVC} = (\mathit{FVA}_{ri\to ci} + \mathit{FVA}_{ci\to ri})/(E_{ci} + E_{ri})$;
# agglomeration is their combined share of world value added in the industry,
# $\mathit{INC} = (va_{ci} + va_{ri})/\sum_s va_{si}$. The table also gives three controls:
# the partner's GVC participation $\mathit{GVC\_P} = (\mathit{IV} + \mathit{FV})/E$ {cite:p}`koopman2010`, the gap
# in GVC position $\mathit{POS} = \ln(1 + \mathit{IV}/E) - \ln(1 + \mathit{FV}/E)$, and the gap in revealed
# comparative advantage {cite:p}`balassa1965`.

# %% tags=["hide-input"]
display(ind[["RVC", "INC", "IV_r", "FV_r", "GVC_P", "POS_c", "POS_r", "GVC_D", "RCA_c", "RCA_r", "RCA_D"]]
        .style.format("{:.4f}").set_caption("mechanism variables and table-based controls"))

# %% [markdown]
# ## The 16-term decomposition of gross exports (METHODS §9)
#
# {cite:t}`wang2013` split each bilateral export flow $E_{s\to r}$ into sixteen parts:
# domestic value added absorbed abroad (`DVA_FIN`, `DVA_INT`, `DVA_INTrexI1`,
# `DVA_INTrexF`, `DVA_INTrexI2`), domestic value added that returns home (`RDV_INT`,
# `RDV_FIN`, `RDV_FIN2`), foreign value added of the importer (`MVA_FIN`, `MVA_INT`) and
# of third countries (`OVA_FIN`, `OVA_INT`), and pure double counting (`DDC_FIN`,
# `DDC_INT`, `MDC`, `ODC`). The names are those of the R package `decompr`
# {cite:p}`quast2015`, whose output the library reproduces. Each row below is one
# exporting country-sector and importer; `texp` is the gross flow. Chapter 10 draws these
# terms, compares them with the Leontief split of section 2.3 and with the Borin–Mancini
# decomposition, and explains where they differ.

# %% tags=["hide-input"]
display(ex.wwz.set_index(["exporter", "exporter_sector", "importer"]).T.style.format("{:.3f}")
        .set_caption("WWZ decomposition of every bilateral flow"))

# %% [markdown]
# Each term of China's machinery exports to Pakistan ($s$ = CHN, $r$ = PAK, $t$ = ROW,
# the only third country) beside its formula (METHODS §9): $dv_s = u'\mathrm{diag}(v_s)B_{ss}$
# and $dl_s = u'\mathrm{diag}(v_s)L_{ss}$ are row vectors over China's sectors, and
# $a \# b$ is the element of their product for the exporting sector, here machinery. With
# one third country the sums of METHODS §9 over $t \notin \{s, r\}$ and
# $u \notin \{s, t\}$ have one term each ($t$ = ROW, $u$ = PAK).

# %% tags=["remove-input"]
formulas = {
    "DVA_FIN": r"dv_s \# Y_{sr}", "DVA_INT": r"dl_s \# (A_{sr} B_{rr} Y_{rr})",
    "DVA_INTrexI1": r"dl_s \# (A_{sr} B_{rt} Y_{tt})", "DVA_INTrexF": r"dl_s \# (A_{sr} B_{rr} Y_{rt})",
    "DVA_INTrexI2": r"dl_s \# (A_{sr} B_{rt} Y_{tr})", "RDV_INT": r"dl_s \# (A_{sr} B_{rs} Y_{ss})",
    "RDV_FIN": r"dl_s \# (A_{sr} B_{rr} Y_{rs})", "RDV_FIN2": r"dl_s \# (A_{sr} B_{rt} Y_{ts})",
    "OVA_FIN": r"(u'\mathrm{diag}(v_t) B_{ts}) \# Y_{sr}", "MVA_FIN": r"(u'\mathrm{diag}(v_r) B_{rs}) \# Y_{sr}",
    "OVA_INT": r"(u'\mathrm{diag}(v_t) B_{ts}) \# (A_{sr} L_{rr} Y_{rr})",
    "MVA_INT": r"(u'\mathrm{diag}(v_r) B_{rs}) \# (A_{sr} L_{rr} Y_{rr})",
    "DDC_FIN": r"dl_s \# (A_{sr} B_{rs} (Y_{sr} + Y_{st}))", "DDC_INT": r"(dv_s - dl_s) \# (A_{sr} x_r)",
    "ODC": r"(u'\mathrm{diag}(v_t) B_{ts}) \# (A_{sr} L_{rr} E_{r*})",
    "MDC": r"(u'\mathrm{diag}(v_r) B_{rs}) \# (A_{sr} L_{rr} E_{r*})",
}
flow = ex.wwz.set_index(["exporter", "exporter_sector", "importer"]).loc[("CHN", "C9", "PAK")]
lines = ["| term | formula | value |", "|---|---|---|"]
lines += [f"| `{name}` | ${formula}$ | {flow[name]:.4f} |" for name, formula in formulas.items()]
lines.append(f"| sum | $E_{{s\\to r}}$ | {flow[list(formulas)].sum():.4f} (gross flow {flow['texp']:.0f}) |")
say("\n".join(lines))

# %% tags=["remove-input"]
row = ex.wwz.set_index(["exporter", "exporter_sector", "importer"]).loc[("CHN", "C9", "PAK")]
say(f"The sixteen terms add up to gross exports for every flow; the largest gap in this table is "
    f"{book.gap(ex.wwz_gap)}. For China's machinery exports to Pakistan ({row['texp']:.0f} units), "
    f"{row['DVA_FIN'] + row['DVA_INT'] + row['DVA_INTrexI1'] + row['DVA_INTrexF'] + row['DVA_INTrexI2']:.3f} "
    f"is Chinese value added absorbed abroad, "
    f"{row['RDV_INT'] + row['RDV_FIN'] + row['RDV_FIN2']:.3f} returns to China, "
    f"{row['MVA_FIN'] + row['MVA_INT'] + row['OVA_FIN'] + row['OVA_INT']:.3f} is foreign value added and "
    f"{row['DDC_FIN'] + row['DDC_INT'] + row['MDC'] + row['ODC']:.3f} is double counting.")

# %% [markdown]
# ## Exercises
#
# ```{exercise} Value added per unit of final output
# :label: ex-vb
# From the printed $v$ and $B$, add up the six entries of the column of
# $\mathrm{diag}(v)B$ that belongs to China's machinery sector. What do you get, and
# which two of the six entries are Chinese (domestic) value added?
# ```

# %% tags=["remove-input"]
from mutualism.book.exercises import solution

column = ex.v * ex.B[("CHN", "C9")]
solution("ex-vb",
         f"The six entries are " + ", ".join(f"{column[k]:.4f} ({k[0]} {k[1]})" for k in column.index)
         + f"; they add up to {column.sum():.6f}, i.e. one: a unit of final output contains one unit of value "
         f"added. The domestic part is the CHN rows, {column[('CHN', 'C5')]:.4f} + {column[('CHN', 'C9')]:.4f} = "
         f"{column[('CHN', 'C5')] + column[('CHN', 'C9')]:.4f}.")

# %% [markdown]
# ```{exercise} Fusion and interaction share components
# :label: ex-identity
# Show from the formulas of the fusion and interaction sections that the fusion rate
# $\mathit{IIR}_{ri,ci}$ and the interaction share $\theta_{ci,ri}$ coincide when foreign
# value added is measured by the Leontief decomposition, and check it on machinery.
# Why does `fva: wwz` break the equality?
# ```

# %% tags=["remove-input"]
solution("ex-identity",
         f"$\\theta_{{ci,ri}} = v_{{ri}}B_{{ri,ci}}E_{{ci}}/E_{{ci}} = v_{{ri}}B_{{ri,ci}}$ and "
         f"$\\mathit{{IIR}}_{{ri,ci}} = v_{{ri}}B_{{ri,ci}}x_{{ci}}/x_{{ci}}$: the exports and the output cancel. In "
         f"machinery both are {ind.loc['C9', 'theta_cr']:.6f} (difference "
         f"{book.gap(ind.loc['C9', 'theta_cr'] - ind.loc['C9', 'IIR_rc'])}). With `fva: wwz` the numerator is "
         f"computed on the value-added-relevant exports $E^*$ instead of $E$, so the cancellation fails: "
         f"$\\theta_{{ci,ri}}$ becomes {ex.indices_wwz.loc['C9', 'theta_cr']:.6f}.")

# %% [markdown]
# ```{exercise} Equal growth rates
# :label: ex-equal
# Suppose the domestic value added in Pakistan's machinery exports had grown at exactly
# China's rate. What would the coordination index be, and why does the library record
# it as missing rather than as a very large number?
# ```

# %% tags=["remove-input"]
from mutualism.gvc.indices import coordination

g = float(ind.loc["C9", "g_c"])
same = coordination(np.array([g]), np.array([g]))[0]
near = coordination(np.array([g]), np.array([g * 1.001]))[0]
solution("ex-equal",
         f"With $g_c = g_r = {g:.4f}$ the denominator $2|g_c - g_r|$ is zero and $\\mathit{{XT}}$ is undefined: the "
         f"library returns {same} (missing). It grows without bound as the rates converge: a Pakistani rate only "
         f"0.1 % above China's already gives $\\mathit{{XT}}$ = {near:,.1f}. A finite stand-in would be an arbitrary "
         "number that the regressions would treat as data.")

# %% [markdown]
# ```{exercise} A table of your own
# :label: ex-table
# China's machinery sector doubles its intermediate sales to Pakistan's machinery
# sector, $Z_{\mathrm{CHN.C9},\,\mathrm{PAK.C9}}$, in the second year.
# Which of the five routes of transfer between China and Pakistan in machinery grows,
# and by how much? To see the whole chapter on the changed table, write the book's table
# to a file with `mutualism.book.worked_example.write_example_tables("my_table.yml")`, change
# the entry (in the second year's `Z`, the row commented `CHN.C9`, the column `PAK.C9`
# of the list `rows`) and rebuild with the parameter `example_table: my_table.yml` (in a
# copy of `params/default.yml`, or `papermill … -p example_table my_table.yml`): the
# solution then compares your table with the book's.
# ```

# %% tags=["remove-input"]
from mutualism.gvc.indices import year_indices
from mutualism.io.mrio import build_mrio
from mutualism.book.worked_example import row_labels

i, j = m.index.get_loc(("CHN", "C9")), m.index.get_loc(("PAK", "C9"))
route_names = ["ITR_dva_fin", "ITR_dva_int", "ITR_dva_intrex", "ITR_dva_int_third", "ITR_dva_intrex_third"]
book_table = worked_example() if params.example_table else ex  # the book's own table
own_change = not np.array_equal(book_table.mrio.Z, m.Z) or not np.array_equal(book_table.mrio.Y, m.Y)
if own_change:  # built on the reader's table: compare it with the book's, as it was edited
    base, changed = book_table.mrio, m
    before_routes = book_table.indices.loc["C9"]
else:           # the book's table: double the entry here
    Z2 = m.Z.copy()
    Z2[i, j] *= 2
    base = m
    changed = build_mrio(Z2, m.Y.copy(), list(m.countries), list(m.sectors), ex.year, source="exercise")
    before_routes = ind.loc["C9"]
Z2 = changed.Z
names = row_labels()  # as the YAML file names them (CHN.C9)
edits = [(f"Z {names[r]} → {names[c]}", base.Z[r, c], Z2[r, c]) for r, c in zip(*np.nonzero(base.Z != Z2))]
edits += [(f"Y {names[r]} → {base.countries[c]}", base.Y[r, c], changed.Y[r, c])
          for r, c in zip(*np.nonzero(base.Y != changed.Y))]
after = year_indices(changed, ["PAK"], industries=["C9"]).set_index("industry").loc["C9"]
growth = {r: after[r] - before_routes[r] for r in route_names}
grew = [r for r in route_names if growth[r] > 1e-12]
fell = [r for r in route_names if growth[r] < -1e-12]
largest = max(route_names, key=lambda r: growth[r])
va_change = changed.va[j] - base.va[j]
edit_text = "; ".join(f"{where} from {x:,.0f} to {y:,.0f}" for where, x, y in edits) or "none"
solution("ex-table",
         (f"Your table (parameter `example_table`) differs from the book's in these entries of the second "
          f"year: {edit_text}. " if own_change else "")
         + f"With $Z_{{\\mathrm{{CHN.C9,PAK.C9}}}}$ = {Z2[i, j]:.0f} (the book's table has "
         f"{book_table.mrio.Z[i, j]:.0f}) the routes of machinery transfer change by "
         + ", ".join(f"`{r[4:]}` {growth[r]:+.4f}" for r in route_names)
         + f". The largest increase is `{largest[4:]}`, "
         + ("intermediates from China used in Pakistan's production for its own final demand. "
            if largest == "ITR_dva_int" else ". ")
         + (f"{', '.join(f'`{r[4:]}`' for r in fell)} fall"
            + (" a little" if max(-growth[r] for r in fell) < growth[largest] else "")
            + ": the table stays closed (METHODS §1), so Pakistan's machinery sector, whose output is unchanged, now "
            f"has {-va_change:.0f} units less value added ({va_change:+.0f}), and China's machinery output is larger, "
            "which changes every coefficient of both columns. " if fell and not own_change else
            f"{', '.join(f'`{r[4:]}`' for r in fell)} fall. " if fell else "")
         + "Final demand of the rest of the world for Pakistani goods would not enter any route: transfer between "
         "China and Pakistan counts only value added that ends in China's or Pakistan's final demand.")

# %% [markdown]
# ```{exercise} One WWZ term by hand
# :label: ex-wwz
# Compute $\mathit{DVA\_FIN}$ of China's machinery exports to Pakistan from the printed
# $v$, $B$ and $Y$: $dv_s \# Y_{sr}$, with $dv_s = u'\mathrm{diag}(v_s)B_{ss}$. Why is
# it the Leontief domestic value added of the final part of the flow?
# ```

# %% tags=["remove-input"]
china = [("CHN", "C5"), ("CHN", "C9")]
dv_c9 = float((ex.v[china] * ex.B.loc[china, ("CHN", "C9")]).sum())
y = float(m.frames()["Y"].loc[("CHN", "C9"), "PAK"])
solution("ex-wwz",
         f"$dv_s$ for machinery is $v_{{C5}}B_{{C5,C9}} + v_{{C9}}B_{{C9,C9}}$ = {dv_c9:.4f}, and $Y_{{sr}}$ = {y:.0f}, "
         f"so $\\mathit{{DVA\\_FIN}}$ = {dv_c9 * y:.4f}; the library's value is {flow['DVA_FIN']:.4f}. Final goods are "
         "absorbed by the importer and never cross another border, so the Leontief domestic share of China's "
         "machinery exports applies to them unchanged.")

