"""Layer 5, the presentation: numbers turned into text, paper-style tables, figures and
diagrams. Formats results; computes no estimate.

Imports the layers below it.
"""
