"""Layer 2, the data: one year of a table (:mod:`.mrio`, METHODS §1), its readers
(:mod:`.sources`, :mod:`.layouts`), the synthetic world and the control variables (§6).

Imports only :mod:`mutualism.core`.
"""
