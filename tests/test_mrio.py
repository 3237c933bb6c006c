"""METHODS §1: accounting closure, validation errors, sector aggregation."""

from __future__ import annotations

import numpy as np
import pytest

from mutualism.core.errors import (MRIOBalanceError, MRIOShapeError, MRIOValueError, MutualismError,
                                   UnknownOptionError)
from mutualism.io.mrio import aggregate_sectors, build_mrio

from conftest import random_blocks, random_mrio

C3 = ["CHN", "PAK", "KEN"]
S2 = ["C4", "C5"]


def test_closure_identities_hold_to_machine_precision():
    m = random_mrio(G=4, N=3, K=2)
    # x solves the Leontief system built from the closed table's A (a linear solve, not the
    # row sums that define x), and total value added equals total final demand (GDP)
    assert np.allclose(np.linalg.solve(np.eye(m.n) - m.A, m.Y.sum(1)), m.x, rtol=1e-10)
    assert np.isclose(m.va.sum(), m.Y.sum(), rtol=1e-12)
    B = np.linalg.inv(np.eye(m.n) - m.A)
    assert np.allclose(m.v @ B, 1.0, atol=1e-12)  # v'B = 1'
    assert (m.A.sum(0) < 1).all()
    assert m.Y.shape == (m.n, m.G) and m.Y_detail.shape == (m.n, 2 * m.G)
    assert np.allclose(m.Y, m.Y_detail.reshape(m.n, m.G, 2).sum(2))


def test_arrays_are_read_only_and_labels_attached():
    m = random_mrio()
    with pytest.raises(ValueError):
        m.Z[0, 0] = 1.0
    assert m.label(4) == "PAK/C5"
    assert m.block("KEN") == slice(6, 9)
    assert list(m.frames()["Y"].columns) == list(m.countries)
    with pytest.raises(MRIOShapeError, match="'XXX' is not in the table"):
        m.block("XXX")


def test_zero_output_sector_has_zero_coefficients_not_nan():
    m = random_mrio(zero_sectors=(2, 7))
    assert m.zero_output.sum() == 2
    assert (m.A[:, [2, 7]] == 0).all() and (m.v[[2, 7]] == 0).all()
    assert np.isfinite(m.A).all() and np.isfinite(m.v).all()


def test_negative_row_sum_becomes_zero_output_and_is_recorded():
    Z, Y = random_blocks(G=3, N=2, K=1, negative_fd=False)
    Z[1, :] = 0
    Z[:, 1] = 0
    Y[1, :] = 0
    Y[1, 0] = -1e-9  # a rounding-size negative inventory change
    m = build_mrio(Z, Y, C3, S2, 2005, source="t")
    assert m.x[1] == 0 and m.zero_output[1]
    assert any("negative row sums" in d for d in m.meta["derived"])
    Y[1, 0] = -1e3  # far beyond tolerance: rejected, naming the row
    with pytest.raises(MRIOBalanceError, match="CHN/C5"):
        build_mrio(Z, Y, C3, S2, 2005, source="t")


@pytest.mark.parametrize("bad, message", [
    ("nan_z", r"src 2001: Z has 1 NaN/inf cells, e\.g\. \(PAK/C4, KEN/C5\)=nan"),
    ("inf_y", r"Y has 1 NaN/inf cells, e\.g\. \(CHN/C5, PAK/final\)=inf"),
    ("neg_z", r"Z must be non-negative but has 1 negative cells; most negative: \(KEN/C4, CHN/C4\)=-5"),
    ("shape", r"Z is 6×5, expected 6×6 \(3 countries × 2 sectors\)"),
    ("y_shape", r"Y is \(6, 2\), expected \(6, 3\)"),
    ("dup", r"duplicate countries labels: \['CHN'\]"),
])
def test_bad_input_raises_with_where_and_what(bad, message):
    Z, Y = random_blocks(G=3, N=2, K=1)
    countries = list(C3)
    if bad == "nan_z":
        Z[2, 5] = np.nan
    elif bad == "inf_y":
        Y[1, 1] = np.inf
    elif bad == "neg_z":
        Z[4, 0] = -5
    elif bad == "shape":
        Z = Z[:, :5]
    elif bad == "y_shape":
        Y = Y[:, :2]
    elif bad == "dup":
        countries[2] = "CHN"
    with pytest.raises(MutualismError, match=message):
        build_mrio(Z, Y, countries, S2, 2001, source="src")


def test_published_output_gap_check_and_report_modes():
    Z, Y = random_blocks(G=3, N=2, K=1, negative_fd=False)
    x_pub = Z.sum(1) + Y.sum(1)
    x_pub[3] *= 1.5  # PAK/C5 published output far from the row sum
    with pytest.raises(MRIOBalanceError, match=r"PAK/C5 gap=") as err:
        build_mrio(Z, Y, C3, S2, 2003, source="pub", x_published=x_pub)
    assert "pub 2003" in str(err.value)
    m = build_mrio(Z, Y, C3, S2, 2003, source="pub", x_published=x_pub, balance="report")
    assert m.meta["worst_gaps"][0]["where"] == "PAK/C5" and m.meta["balance_failures"]
    # a tiny gap (relative to the world, the table-wide clause) passes
    x_pub = Z.sum(1) + Y.sum(1)
    x_pub[3] += 1e-7 * x_pub.sum()
    assert build_mrio(Z, Y, C3, S2, 2003, source="pub", x_published=x_pub).meta["balance_failures"] == []
    with pytest.raises(UnknownOptionError, match="balance='strict' is not valid; choose one of: 'check', 'report'"):
        build_mrio(Z, Y, C3, S2, 2003, source="pub", balance="strict")
    neg = Z.sum(1) + Y.sum(1)
    neg[0] = -1
    with pytest.raises(MRIOValueError, match=r"x \(published\) must be non-negative.*CHN/C4"):
        build_mrio(Z, Y, C3, S2, 2003, source="pub", x_published=neg)


def test_aggregation_preserves_totals_and_identities():
    m = random_mrio(G=3, N=3, K=2)
    agg = aggregate_sectors(m, {"C4": "A", "C5": "B", "C6": "A"}, ["A", "B"], name="toy")
    assert agg.sectors == ("A", "B") and agg.n == 6
    for name in ("Z", "Y", "va", "x", "Y_detail"):
        assert np.isclose(getattr(agg, name).sum(), getattr(m, name).sum(), rtol=1e-13)
    # block (PAK,A)→(KEN,B) is the sum of its source cells
    assert np.isclose(agg.Z[2, 5], m.Z[3, 7] + m.Z[5, 7])
    S = np.kron(np.eye(3), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))  # C4, C6 → A; C5 → B
    np.testing.assert_allclose(agg.x, S @ m.x, rtol=1e-13)  # output of a group = its members' output
    assert any("toy" in d for d in agg.meta["derived"])
    with pytest.raises(MRIOShapeError, match=r"does not map sectors \['C6'\]"):
        aggregate_sectors(m, {"C4": "A", "C5": "B"}, ["A", "B"], name="toy")
    with pytest.raises(MRIOShapeError, match=r"target sectors \['C'\] receive no source"):
        aggregate_sectors(m, {"C4": "A", "C5": "B", "C6": "A"}, ["A", "B", "C"], name="toy")


def test_closure_is_applied_after_aggregation():
    """METHODS §1/§7: a raw sector with a negative row sum is summed with its sibling before
    the closure, so the aggregate closes exactly (closing first would add the clipped gap)."""
    Z, Y = random_blocks(G=3, N=3, K=2, negative_fd=False)
    Y[4, 1] = 0.0
    Y[4, 1] = -(Z[4].sum() + Y[4].sum()) - 2.0  # raw PAK/C5: row sum −2 (an inventory draw-down)
    raw = build_mrio(Z, Y, C3, ["C4", "C5", "C6"], 2011, source="t", fd_categories=["hh", "inv"], balance="report")
    assert raw.x[4] == 0
    agg = aggregate_sectors(raw, {"C4": "A", "C5": "A", "C6": "B"}, ["A", "B"], name="toy")
    S = np.kron(np.eye(3), np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))  # an independent aggregation
    Z_agg, Y_agg = S @ Z @ S.T, S @ Y.reshape(9, 3, 2).sum(axis=2)
    x_ind = np.maximum(Z_agg.sum(axis=1) + Y_agg.sum(axis=1), 0.0)
    np.testing.assert_allclose(agg.x, x_ind, rtol=1e-14)
    np.testing.assert_allclose(agg.va, x_ind - Z_agg.sum(axis=0), rtol=1e-12, atol=1e-9)
    assert agg.x[2] == pytest.approx(raw.x[3] + raw.x[4] - 2.0, rel=1e-14)  # PAK/A: the −2 stays in
    assert any("raw Z and Y summed" in d for d in agg.meta["derived"])


def test_zero_output_country_is_named_and_china_required():
    Z, Y = random_blocks(G=3, N=2, K=1, negative_fd=False)
    Z[2:4, :] = 0
    Y[2:4, :] = 0  # PAK sells nothing
    m = build_mrio(Z, Y, C3, S2, 2007, source="t", balance="report")
    assert m.zero_output_countries == ("PAK",) and m.report()["zero_output_countries"] == ["PAK"]
    m.require_output("CHN")
    with pytest.raises(MRIOValueError, match=r"t 2007: PAK has zero total output in 2007"):
        m.require_output("PAK")
