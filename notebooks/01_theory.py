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
# # Theory: symbiosis, industrial transfer and two hypotheses

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

params = book.start_chapter(globals(), numbers=False)  # the parameters cell's values

# %% [markdown]
# This chapter states the argument the rest of the book tests.

# %% [markdown]
# ## From biology to industries
#
# *Symbiosis* entered economics from biology as a name for lasting material ties between
# economic units. In the framework the paper builds on {cite:p}`yuan1998`, a symbiotic
# system has four parts: the **units** that live together (here, an industry of China and
# the same industry of a partner country), the **mode** of their relation, the
# **interface** through which they exchange (trade, investment, the relocation of
# production stages) and the **environment** around them (institutions, distance,
# policy). Among the modes, *mutualism* (互惠共生) is the one in which every unit depends on
# the others and every unit gains; parasitism and commensalism are the one-sided
# alternatives.
#
# Two literatures carry the metaphor into industry. Industrial ecology treats a group of
# plants that trade by-products, energy and knowledge as an ecosystem
# {cite:p}`frosch1989,chertow2000`; its unit is the firm or the industrial park and its
# measure is physical. Industrial economics instead reads symbiosis as a state of the
# division of labour: as production is cut into ever finer value modules, modules of the
# same industry and of linked industries end up *fused*, *interacting* and *coordinated*
# {cite:p}`hu2008`. The paper takes the second view and applies it across borders: the
# units are a Chinese manufacturing industry and the same industry in a Belt and Road
# partner, and the bonds between them are flows of value added through global value
# chains.
#
# ## Three dimensions of industrial symbiosis
#
# The paper asks of each industry pair three separate questions, and answers each with an
# index built from trade in value added (chapter 2 gives the formulas).
#
# | dimension | what it asks | how the paper measures it | index |
# |---|---|---|---|
# | **fusion** (融合性) | Do the two industries complement each other in production, each supplying inputs the other uses and absorbing output the other makes? | four input and demand rates of value added embodied in intermediate inputs, averaged | {term}`RH` |
# | **interaction** (互动性) | Are the two linked both ways along the chain, each exporting value the other added? | the two foreign-value-added shares of exports, averaged | {term}`HD` |
# | **coordination** (协调性) | Do the two develop in step, or does one grow at the other's expense? | how close the growth rates of the two sides' domestic value added in exports are | {term}`XT` |
#
# *Fusion* looks at complementarity in value creation. When production stages are placed
# where their comparative advantage lies, each side buys more of the other's
# intermediates and, to feed those purchases, expands its own production; mutual
# dependence on the input side and on the demand side rises together. An index of fusion
# therefore needs both directions and both sides of the market, which is why it averages
# four ratios.
#
# *Interaction* looks at the two-way gains of vertical specialisation. Countries that
# specialise in stages of a product and trade the intermediates become linked upstream and
# downstream {cite:p}`hummels2001`. The theory of gradient transfer adds a dynamic story:
# an upstream country moves some stages *down* the gradient to a less developed partner,
# which gains technology and services along with the stages, while the upstream country
# frees resources for higher stages; joint research and reverse flows move *up* the
# gradient. Both ends profit, and the footprint of the link is value added of each side
# inside the other's exports.
#
# *Coordination* looks at the division of labour as a whole: whether transfer lets both
# industries upgrade in step. Symbiosis theory calls an attribute that expresses a unit's
# nature its *quality parameter* (质参量) and the ratio of two units' relative changes in
# it the *symbiosis degree* (共生度). A degree of one in both directions, each side
# growing at the same rate, is the ideal of symmetric mutualism. The paper takes domestic
# value added in exports as the quality parameter and turns the distance of the degree
# from one into an index that is larger the more synchronised the two sides are.
#
# ## Hypothesis 1: transfer raises symbiosis
#
# Industrial transfer (产业转移) is, in value-added terms, the value added of one side's
# industry that ends up in the other side's final demand, in either direction (chapter 2
# lists the five routes). Each dimension offers a channel through which more transfer
# should mean more symbiosis: more intermediate trade deepens mutual input and demand
# dependence (fusion); relocating stages along the gradient builds upstream and downstream
# links that pay both sides (interaction); and an orderly reallocation of stages lets the
# exporter of a stage upgrade at home while the receiver upgrades by joining the new
# division of labour (coordination). The paper adds that the Belt and Road's stated
# principles of joint consultation and shared benefit should favour balanced rather than
# lopsided relocation.
#
# ```{admonition} Hypothesis 1 (H1)
# :class: important
# Industrial transfer between China and a Belt and Road partner raises the mutualism of
# their industries: its fusion, its interaction and its coordination.
# ```
#
# The test is the sign of $\beta_1$ in a regression of each index (in logs) on the log of
# transfer with year, partner and industry fixed effects (chapter 4), its robustness to
# other measures and samples (chapter 5) and to instrumenting transfer (chapter 6), and
# how it varies with the partner's income, the industry's technology and the period
# (chapter 7).
#
# ## Hypothesis 2: two mechanisms
#
# Why would transfer raise symbiosis? The paper proposes two intermediate steps.
#
# 1. **Regional value chain cooperation** (区域价值链合作). Transfer reorganises product,
#    industry and service chains across the region according to each country's comparative
#    advantage, so that more of each side's exports carries value added of the other. A
#    denser regional chain in turn moves factors both ways, draws in supporting services
#    and encourages cross-industry complementarity, the stuff of fusion, interaction and
#    coordination. The mediator is {term}`RVC`, the two sides' value added in each other's
#    exports as a share of their combined exports.
# 2. **Industrial agglomeration** (产业集聚). New economic geography predicts that transfer
#    separates headquarters from production {cite:p}`duranton2005` and concentrates
#    production stages where markets and suppliers are, a concentration that feeds on
#    itself through market access and cost linkages {cite:p}`krugman1991`. Clusters of
#    linked industries are where firms interact, fuse and coordinate
#    {cite:p}`ellison1997`. The mediator is {term}`INC`, the pair's share of world value
#    added in the industry.
#
# The test has three steps (chapter 8): the mediator is regressed on transfer,
# $M = \alpha_1 \ln \mathit{ITR} + \dots$; each index on transfer and the mediator,
# $\ln Y = \varphi_1 \ln \mathit{ITR} + \varphi_2 M + \dots$; and the indirect effect
# $\alpha_1 \varphi_2$ is compared in sign with the direct effect $\varphi_1$.

# %% tags=["remove-input"]
from IPython.display import display

from mutualism.report import diagrams, figures

fig, edges = diagrams.mechanism()
display(figures.show_figure(
    fig, edges, "mechanism", figures_dir,
    alt=("Diagram of the model: industrial transfer (ln ITR) points directly to mutualism (fusion, interaction, "
         "coordination) with coefficient phi 1, and indirectly through two mediators, regional value chain "
         "cooperation (RVC) and industrial agglomeration (INC), with coefficients alpha 1 into each mediator and "
         "phi 2 out of it."),
    caption=("<b>Figure 1.1.</b> The mechanism model of the paper: the direct effect of transfer on the three "
             "indices (H1) and the indirect effects through the two mediators (H2).")))

# %% [markdown]
# If $\alpha_1\varphi_2$ has the sign of $\varphi_1$ the mediator carries part of the
# effect (mediation, 中介效应); if the signs differ the mediator hides part of it (masking,
# 遮掩效应). Chapter 8 reports both, with a Sobel test {cite:p}`sobel1982` and bootstrap
# intervals.
#
# ```{admonition} Hypothesis 2 (H2)
# :class: important
# Industrial transfer raises mutualism mainly through deeper regional value chain
# cooperation and through higher industrial agglomeration.
# ```
#
# ## The upgrading perspective
#
# A companion essay {cite:p}`qiu2016` looks at the same initiative from China's side,
# through the theory of industrial upgrading in global value chains. Its building blocks
# are worth setting out, because they make explicit what "mutual" benefit would have to
# overcome.
#
# - **The chain and its governance.** {cite:t}`gereffi1999` describes a value chain by its
#   input–output structure, its geography, its governance and its institutional setting.
#   Governance, the power of lead firms to decide what is produced, how, when and in what
#   quantity, ranges from arm's-length markets through modular, relational and captive
#   networks to hierarchy inside one firm, with explicit coordination and power asymmetry
#   increasing along that scale {cite:p}`gereffi2005`.
# - **Four kinds of upgrading** {cite:p}`humphrey2002`: *process* (producing more
#   efficiently), *product* (more sophisticated goods), *functional* (taking on design,
#   marketing or branding and shedding low-value tasks) and *inter-chain* (using skills
#   learned in one chain to enter another of higher value). Clusters inserted in
#   quasi-hierarchical chains led by foreign buyers upgrade process and product quickly but
#   are held back from functional upgrading; market-based and network chains allow more
#   but are harder for developing-country clusters to enter.
# - **High road and low road.** A cluster can compete on cheap labour, lax standards and
#   wasteful use of resources, or on technology, product and process improvement and
#   higher value added; the first road leads to immiserising growth unless the cluster
#   moves to the second {cite:p}`kaplinsky2000`.
#
# The essay's argument is that the Belt and Road gives Chinese clusters room to upgrade
# in two ways. First, partners that are earlier in industrialisation can absorb the
# low-value stages and surplus capacity (steel, aluminium, cement, flat glass, ships)
# that their infrastructure needs; China's clusters can then concentrate labour, capital
# and attention on research, design, marketing and brands, the high-value ends of the
# chain. Second, the partners' markets let Chinese firms apply, as lead firms, what they
# learned as suppliers in chains led by others: the route from quasi-hierarchy to
# functional and inter-chain upgrading. Overseas industrial parks are the vehicle for
# both. The partners, for their part, acquire technology that is advanced relative to
# their own at low cost, a latecomer advantage that would make the relocation a gain for
# both sides.
#
# The two texts meet at the question this book computes. The essay predicts China's
# *upgrading*; the paper asks whether the relation is *reciprocal*. In the indices, the
# essay's story has testable footprints: China's domestic value added in exports should
# grow, and value added of China should take a larger place in partners' exports
# (interaction through {term}`HD`); whether partners upgrade in step is exactly what
# coordination ({term}`XT`) measures. The upgrading view also suggests where reciprocity
# may fail: if the stages moved out are the low-value ones, fusion within the same
# industry may weaken even while interaction strengthens, and heterogeneity by the
# partner's income and by the industry's technology (chapter 7) is where that would show.
#
# ## What the evidence can and cannot show
#
# The indices are accounting measures computed from input–output tables, so they inherit
# the tables' assumptions: one technology per country-sector, proportional use of imports
# and, in Eora, heavy estimation for countries with poor statistics. The regressions
# compare partner × industry cells after removing what is common to a partner, to an
# industry and to a year (additive fixed effects, no pair effects), so they use the
# differences between cells in a year as well as the changes over time. Read causally they rest on the instrument of chapter 6, the partner's labour
# force, which must move symbiosis only through transfer, an exclusion restriction the
# reader may find strong, since the size of a labour force shapes an economy's whole
# industrial structure. Two further cautions follow from the definitions and are shown in
# chapter 2: with the default Leontief measure of foreign value added each of the two
# interaction shares equals one of the four fusion rates (the two input rates), so fusion
# and interaction share two components by construction; and the coordination index is unbounded when the two
# growth rates coincide and equals exactly one half whenever they have opposite signs, so
# its distribution has a mass point at its floor and a long right tail that logs and
# winsorising only partly tame.
#
# ## The paper's vocabulary
#
# The paper and the essay use a vocabulary with no settled English translation. The book
# uses the English terms in the last column throughout.
#
# | Chinese | pinyin | literal sense | this book |
# |---|---|---|---|
# | 共生 | gòngshēng | living together | symbiosis |
# | 互惠共生 | hùhuì gòngshēng | reciprocal-benefit symbiosis | mutualism |
# | 产业共生 | chǎnyè gòngshēng | industrial symbiosis | industrial symbiosis |
# | 共生单元 | gòngshēng dānyuán | symbiotic unit | unit (an industry of one country) |
# | 共生界面 | gòngshēng jièmiàn | symbiotic interface | interface (the channel of exchange) |
# | 共生环境 | gòngshēng huánjìng | symbiotic environment | environment |
# | 质参量 | zhì cānliàng | quality parameter | quality parameter (domestic value added in exports) |
# | 共生度 | gòngshēng dù | degree of symbiosis | symbiosis degree ($\delta$) |
# | 融合性 | rónghéxìng | degree of fusing together | fusion ({term}`RH`) |
# | 互动性 | hùdòngxìng | degree of mutual movement | interaction ({term}`HD`) |
# | 协调性 | xiétiáoxìng | degree of harmonisation | coordination ({term}`XT`) |
# | 投入率 | tóurù lǜ | input rate | input rate (IIR) |
# | 需求率 | xūqiú lǜ | demand rate | demand rate (IDR) |
# | 产业转移 | chǎnyè zhuǎnyí | industry shifting | industrial transfer ({term}`ITR`) |
# | 梯度转移 | tīdù zhuǎnyí | gradient shifting | gradient transfer |
# | 增加值贸易 | zēngjiāzhí màoyì | value-added trade | trade in value added |
# | 国内增加值 / 国外增加值 | guónèi / guówài zēngjiāzhí | domestic / foreign value added | {term}`DVA` / {term}`FVA` |
# | 全球价值链 | quánqiú jiàzhíliàn | global value chain | global value chain (GVC) |
# | 区域价值链合作 | qūyù jiàzhíliàn hézuò | regional value chain cooperation | regional value chain cooperation ({term}`RVC`) |
# | 产业集聚 | chǎnyè jíjù | industry gathering | industrial agglomeration ({term}`INC`) |
# | 产业集群升级 | chǎnyè jíqún shēngjí | industry cluster upgrading | cluster upgrading (the essay) |
# | 中介效应 | zhōngjiè xiàoyìng | intermediary effect | mediation |
# | 遮掩效应 | zhēyǎn xiàoyìng | covering effect | masking (suppression) |
# | 一带一路 | Yí Dài Yí Lù | one belt, one road | Belt and Road ({term}`BRI`) |
# | 沿线国家 | yánxiàn guójiā | countries along the line | partner countries |
# | 人类命运共同体 | rénlèi mìngyùn gòngtóngtǐ | community of common destiny of humankind | community with a shared future |
# | 缩尾 | suōwěi | shrinking the tails | {term}`winsorising <Winsorising>` |
