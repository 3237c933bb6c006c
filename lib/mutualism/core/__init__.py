"""Layer 1, the base: errors, lossless file writing, shipped reference data, run parameters
(every option's valid values), country facts, the cache, where tasks run, the paper's
published numbers, the verdict rules (METHODS §8) and the claims a chapter records.

Imports nothing from the layers above (tests/test_architecture.py).
"""
