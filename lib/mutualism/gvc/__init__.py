"""Layer 3, the algebra: Leontief inverses as operators, gross exports, extraction
inverses, the Borin–Mancini, WWZ, KWW, OECD and Miroudot–Ye decompositions (METHODS §2,
§9, §11, §12) and the paper's indices (§3–§6, §10).

Imports :mod:`mutualism.io` and :mod:`mutualism.core`, never the estimation, the
presentation, the book or the command line.
"""
