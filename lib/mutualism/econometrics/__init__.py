"""Layer 4, the estimation: the panel (METHODS §6–§8), fixed effects and the sample,
FE-OLS, FE-2SLS, interactions, mediation, frozen results that carry numbers only, and
the paper's specification.

Imports the layers below it.
"""
