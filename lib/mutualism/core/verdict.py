"""Statistical verdicts: estimates in, a small frozen judgement out (METHODS.md §8).

Every sentence of the book that states a sign, a significance, an agreement with the
paper, a mediation, a heterogeneity or a trend is decided here, by one rule each:

* :func:`significance_class` — ``***``/``**``/``*`` at 1/5/10 % (the paper's stars);
* :func:`effect` — one coefficient: "positive", "negative" or "not significant";
* :func:`agreement` — this run against the paper: sign and significance class;
* :func:`mediation` — §8 (a) sign, (b) size, (c) evidence (both paths significant and the
  bootstrap interval excluding zero); :func:`paper_mediation` applies (a) and (b) to the
  paper's published coefficients and stars (it reports no interval);
* :func:`heterogeneity` — "stronger"/"weaker" only when ``lnITR × D`` is significant
  (:func:`paper_heterogeneity` for the paper's published coefficient and stars);
* :func:`trend` — OLS slope on the year with its interval, never first-vs-last year;
* :func:`instrument_strength` — the first-stage rk Wald F against the Stock–Yogo critical
  value and the rule-of-thumb 10;
* :func:`share` — in how many specifications (multiverse) a conclusion holds.

Pure functions of numbers; no formatting of prose and no import from estimation,
presentation, the book or the CLI. Each result has ``as_dict()`` (JSON-safe: NaN → None)
for the claims the chapters record.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterable

import numpy as np
from scipy import stats

SIGNIFICANCE_LEVELS = (0.01, 0.05, 0.10)   # *** ** *
STAR_CLASSES = ("***", "**", "*", "")
DEFAULT_LEVEL = 0.05
NOT_ESTABLISHED = "not established in this run"
NOT_ESTIMATED = "not estimated"


# ----- helpers ----------------------------------------------------------------------
def _float(value) -> float:
    """``value`` as a float; ``None`` becomes NaN."""
    return math.nan if value is None else float(value)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"verdict: level must lie in (0, 1), got {level!r}")
    return level


def _sign(value: float) -> int:
    """+1, −1, or 0 for zero and NaN."""
    return 0 if not math.isfinite(value) or value == 0 else (1 if value > 0 else -1)


def _significant(p: float, level: float) -> bool:
    return math.isfinite(p) and p < level


def _json(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


class _Verdict:
    def as_dict(self) -> dict:
        """The fields as a JSON-safe dict (numpy scalars → Python, NaN → None)."""
        return {k: _json(v) for k, v in asdict(self).items()}


def normalise_stars(stars) -> str:
    """A published stars cell as one of ``***``, ``**``, ``*``, ``""`` (None/NaN → ``""``)."""
    if stars is None or (isinstance(stars, float) and math.isnan(stars)):
        return ""
    text = str(stars).strip()
    if text not in STAR_CLASSES:
        raise ValueError(f"verdict: stars must be one of {STAR_CLASSES}, got {stars!r}")
    return text


# ----- significance ------------------------------------------------------------------
def significance_class(p: float) -> str:
    """``***`` (p < 0.01), ``**`` (p < 0.05), ``*`` (p < 0.10) or ``""``; NaN → ``""``."""
    p = _float(p)
    if not math.isfinite(p):
        return ""
    for level, mark in zip(SIGNIFICANCE_LEVELS, STAR_CLASSES):
        if p < level:
            return mark
    return ""


@dataclass(frozen=True)
class Effect(_Verdict):
    """One coefficient judged alone: its sign counts only when ``p < level``."""

    coef: float
    se: float
    p: float
    level: float
    sign: int
    significant: bool
    label: str      # "positive" | "negative" | "not significant" | "not estimated"


def effect(coef: float, se: float, p: float, *, level: float = DEFAULT_LEVEL) -> Effect:
    """Judge one coefficient (METHODS.md §8): "positive"/"negative" only if significant."""
    coef, se, p, level = _float(coef), _float(se), _float(p), _check_level(level)
    sig = _significant(p, level) and math.isfinite(coef)
    sign = _sign(coef)
    if not math.isfinite(coef):
        label = NOT_ESTIMATED
    elif sig and sign != 0:
        label = "positive" if sign > 0 else "negative"
    else:
        label = "not significant"
    return Effect(coef, se, p, level, sign, bool(sig), label)


# ----- agreement with the paper ------------------------------------------------------
@dataclass(frozen=True)
class Agreement(_Verdict):
    """This run's coefficient against the paper's: sign, and significance class (stars)."""

    coef: float
    p: float
    paper_coef: float
    paper_stars: str
    stars: str
    sign_agrees: bool
    stars_agree: bool
    agrees: bool
    label: str      # "agrees" | "same sign, different significance" | "opposite sign" | "not estimated"


def agreement(coef: float, p: float, paper_coef: float, paper_stars) -> Agreement:
    """Compare one estimate with the published one (METHODS.md §8).

    The sign agrees when both coefficients are non-zero with the same sign; the stars
    agree when the significance classes are equal (``***`` vs ``**`` disagree; neither
    significant at 10 % agrees). A coefficient this run did not estimate (NaN) agrees in
    nothing and is labelled "not estimated".
    """
    coef, p, paper_coef = _float(coef), _float(p), _float(paper_coef)
    paper_stars = normalise_stars(paper_stars)
    mine = significance_class(p)
    if not _finite(coef, paper_coef):
        return Agreement(coef, p, paper_coef, paper_stars, mine, False, False, False, NOT_ESTIMATED)
    sign_agrees = _sign(coef) != 0 and _sign(coef) == _sign(paper_coef)
    stars_agree = mine == paper_stars
    if not sign_agrees:
        label = "opposite sign"
    elif stars_agree:
        label = "agrees"
    else:
        label = "same sign, different significance"
    return Agreement(coef, p, paper_coef, paper_stars, mine, bool(sign_agrees), bool(stars_agree),
                     bool(sign_agrees and stars_agree), label)


# ----- mediation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Mediation(_Verdict):
    """METHODS.md §8 mechanism verdict: (a) sign, (b) size, (c) evidence.

    ``kind`` compares the sign of ``α1·φ2`` with that of ``φ1`` ("undetermined" when either
    is zero or NaN); ``size`` is "full" (``φ1`` not significant), "partial" (``|φ1|`` below
    ``|β1|`` of the baseline) or None (masking, undetermined, or ``φ1`` significant and not
    below the baseline); ``established`` is (c). ``basis`` says whether the evidence rests
    on this run's bootstrap interval or, for the paper, on its stars alone.
    """

    alpha1: float
    alpha1_p: float
    phi2: float
    phi2_p: float
    phi1: float
    phi1_p: float
    baseline_beta1: float
    indirect: float
    ci_low: float
    ci_high: float
    level: float
    kind: str            # "mediation" | "masking" | "undetermined"
    size: str | None     # "partial" | "full" | None
    established: bool
    basis: str           # "bootstrap interval" | "published stars"
    label: str           # "partial mediation" | "full mediation" | "mediation, direct effect not reduced"
    #                      | "mediation, size not assessed" (no baseline) | "masking" | "not established in this run"


def _excludes_zero(low: float, high: float) -> bool:
    """True when the closed interval ``[low, high]`` lies strictly on one side of zero."""
    return _finite(low, high) and (low > 0 or high < 0)


def _mediation_label(kind: str, size: str | None, established: bool, baseline: float) -> str:
    if not established or kind == "undetermined":
        return NOT_ESTABLISHED
    if kind == "masking":
        return "masking"
    if size is None:
        return "mediation, direct effect not reduced" if math.isfinite(baseline) else "mediation, size not assessed"
    return f"{size} mediation"


def _kind_and_size(indirect: float, phi1: float, phi1_significant: bool, baseline: float) -> tuple[str, str | None]:
    s_ind, s_phi = _sign(indirect), _sign(phi1)
    if s_ind == 0 or s_phi == 0:
        return "undetermined", None
    if s_ind != s_phi:
        return "masking", None
    if not phi1_significant:
        return "mediation", "full"
    if math.isfinite(baseline) and abs(phi1) < abs(baseline):
        return "mediation", "partial"
    return "mediation", None


def mediation(*, alpha1: float, alpha1_p: float, phi2: float, phi2_p: float, phi1: float, phi1_p: float,
              baseline_beta1: float, ci_low: float, ci_high: float, level: float = DEFAULT_LEVEL) -> Mediation:
    """This run's mechanism verdict (METHODS.md §8 (a)–(c)).

    (a) mediation when ``α1·φ2`` has the sign of ``φ1``, masking when opposite; (b) for
    mediation, ``φ1`` not significant at ``level`` is full mediation, ``|φ1| < |β1|`` (the
    baseline of Table 1 with controls) partial; (c) established only when ``α1`` and ``φ2``
    are significant at ``level`` and the bootstrap interval ``[ci_low, ci_high]`` excludes
    zero (an interval touching zero, or none, does not) — otherwise the label is "not
    established in this run", whatever the sign.
    """
    level = _check_level(level)
    a, ap, f2, f2p = _float(alpha1), _float(alpha1_p), _float(phi2), _float(phi2_p)
    f1, f1p, base = _float(phi1), _float(phi1_p), _float(baseline_beta1)
    lo, hi = _float(ci_low), _float(ci_high)
    indirect = a * f2
    kind, size = _kind_and_size(indirect, f1, _significant(f1p, level), base)
    established = (_significant(ap, level) and _significant(f2p, level) and _excludes_zero(lo, hi)
                   and kind != "undetermined")
    return Mediation(a, ap, f2, f2p, f1, f1p, base, indirect, lo, hi, level, kind, size, bool(established),
                     "bootstrap interval", _mediation_label(kind, size, established, base))


def paper_mediation(*, alpha1: float, alpha1_stars, phi2: float, phi2_stars, phi1: float, phi1_stars,
                    baseline_beta1: float) -> Mediation:
    """The paper's own verdict from its published coefficients and stars (METHODS.md §8 (a), (b)).

    The paper reports no interval for ``α1·φ2``, so evidence (c) rests on its stars alone:
    ``α1`` and ``φ2`` significant at 5 % (``**`` or ``***``). ``φ1`` counts as significant
    with ``**`` or ``***``. The p-value and interval fields are NaN; ``basis`` is
    "published stars".
    """
    at5 = ("***", "**")
    a_sig, f2_sig, f1_sig = (normalise_stars(s) in at5 for s in (alpha1_stars, phi2_stars, phi1_stars))
    a, f2, f1, base = _float(alpha1), _float(phi2), _float(phi1), _float(baseline_beta1)
    indirect = a * f2
    kind, size = _kind_and_size(indirect, f1, f1_sig, base)
    established = a_sig and f2_sig and kind != "undetermined"
    nan = math.nan
    return Mediation(a, nan, f2, nan, f1, nan, base, indirect, nan, nan, DEFAULT_LEVEL, kind, size,
                     bool(established), "published stars", _mediation_label(kind, size, established, base))


# ----- heterogeneity -----------------------------------------------------------------
@dataclass(frozen=True)
class Heterogeneity(_Verdict):
    """The coefficient of ``lnITR × D``: a difference only when significant (METHODS.md §8)."""

    coef: float
    se: float
    p: float
    group: str
    level: float
    base_sign: int
    label: str      # "stronger in <group>" | "weaker in <group>" | "no detectable difference" | "not estimated"


def heterogeneity(coef: float, se: float, p: float, *, group: str, level: float = DEFAULT_LEVEL,
                  base_coef: float = 1.0) -> Heterogeneity:
    """"stronger"/"weaker in <group>" only when ``p < level``, else "no detectable difference".

    "Stronger" means the effect of ``lnITR`` is larger in magnitude in ``group``: the
    interaction has the sign of the main effect ``base_coef`` (default positive, the
    paper's Table 1); "weaker" when the signs differ.
    """
    coef, se, p, level, base = _float(coef), _float(se), _float(p), _check_level(level), _float(base_coef)
    base_sign = _sign(base) or 1
    if not math.isfinite(coef):
        label = NOT_ESTIMATED
    elif _significant(p, level) and _sign(coef) != 0:
        label = f"{'stronger' if _sign(coef) == base_sign else 'weaker'} in {group}"
    else:
        label = "no detectable difference"
    return Heterogeneity(coef, se, p, str(group), level, base_sign, label)


def paper_heterogeneity(coef: float, stars, *, group: str, base_coef: float = 1.0) -> Heterogeneity:
    """The paper's own heterogeneity verdict from its published interaction coefficient and
    stars: a difference only with ``**`` or ``***`` (significant at 5 %); p and se are NaN."""
    coef, base = _float(coef), _float(base_coef)
    base_sign = _sign(base) or 1
    if not math.isfinite(coef):
        label = NOT_ESTIMATED
    elif normalise_stars(stars) in ("***", "**") and _sign(coef) != 0:
        label = f"{'stronger' if _sign(coef) == base_sign else 'weaker'} in {group}"
    else:
        label = "no detectable difference"
    return Heterogeneity(coef, math.nan, math.nan, str(group), DEFAULT_LEVEL, base_sign, label)


# ----- trends ------------------------------------------------------------------------
@dataclass(frozen=True)
class Trend(_Verdict):
    """OLS slope of a yearly series on the year, with its ``1 − level`` interval."""

    slope: float
    ci_low: float
    ci_high: float
    n_years: int
    first_year: int
    last_year: int
    level: float
    label: str      # "rose" | "fell" | "no clear trend"


def trend(years: Iterable[float], values: Iterable[float], *, level: float = DEFAULT_LEVEL) -> Trend:
    """"rose"/"fell" only when the slope's ``t(n − 2)`` interval excludes zero (METHODS.md §8).

    Years with a non-finite value are left out (``n_years`` counts the rest). Fewer than
    three years leave no degree of freedom for the interval: "no clear trend".
    """
    level = _check_level(level)
    x = np.asarray(list(years), dtype=float)
    y = np.asarray(list(values), dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"verdict.trend: {x.size} years but {y.size} values")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = int(x.size)
    first, last = (int(x.min()), int(x.max())) if n else (0, 0)
    if n < 2 or np.ptp(x) == 0:
        return Trend(math.nan, math.nan, math.nan, n, first, last, level, "no clear trend")
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    if n < 3:
        return Trend(slope, math.nan, math.nan, n, first, last, level, "no clear trend")
    resid = y - y.mean() - slope * xc
    se = math.sqrt(float(resid @ resid) / (n - 2) / float(xc @ xc))
    q = float(stats.t.ppf(1 - level / 2, n - 2))
    lo, hi = slope - q * se, slope + q * se
    label = "rose" if lo > 0 else "fell" if hi < 0 else "no clear trend"
    return Trend(slope, lo, hi, n, first, last, level, label)


# ----- instrument strength -----------------------------------------------------------
#: Stock–Yogo (2005) critical value of the first-stage F for a 10 % maximal size of a 5 %
#: Wald test, one endogenous regressor and one instrument.
STOCK_YOGO_10 = 16.38
#: The informal threshold of a strong first stage (Staiger and Stock 1997).
RULE_OF_THUMB_F = 10.0


@dataclass(frozen=True)
class InstrumentStrength(_Verdict):
    """The first stage of a 2SLS estimate judged by its Kleibergen–Paap rk Wald F; ``weak``
    when it is not above the rule of thumb (or not estimated: no evidence of strength)."""

    wald_f: float
    critical: float
    rule_of_thumb: float
    weak: bool
    label: str      # "above the Stock–Yogo value" | "above the rule-of-thumb 10 but below the Stock–Yogo value"
    #                 | "below the rule-of-thumb 10 and the Stock–Yogo value" | "not estimated"


def instrument_strength(wald_f: float, *, critical: float = STOCK_YOGO_10,
                        rule_of_thumb: float = RULE_OF_THUMB_F) -> InstrumentStrength:
    """"above the Stock–Yogo value" when ``wald_f > critical``; above the rule of thumb but
    below that value; or below both (METHODS.md §8). NaN is "not estimated"."""
    f, critical, rule = _float(wald_f), float(critical), float(rule_of_thumb)
    if not math.isfinite(f):
        label = NOT_ESTIMATED
    elif f > critical:
        label = "above the Stock–Yogo value"
    elif f > rule:
        label = f"above the rule-of-thumb {rule:g} but below the Stock–Yogo value"
    else:
        label = f"below the rule-of-thumb {rule:g} and the Stock–Yogo value"
    return InstrumentStrength(f, critical, rule, not (math.isfinite(f) and f > rule), label)


# ----- multiverse shares -------------------------------------------------------------
@dataclass(frozen=True)
class Share(_Verdict):
    """In how many of ``total`` specifications the conclusion ``what`` holds."""

    what: str
    holds: int
    total: int
    share: float    # NaN when total == 0
    label: str      # "holds in all" | "holds in none" | "holds in some" | "no specification"


def share(flags: Iterable[bool], *, what: str) -> Share:
    """Count the specifications in which ``what`` holds; ``flags`` must be booleans (no NaN)."""
    values = list(flags)
    bad = [v for v in values if not isinstance(v, (bool, np.bool_))]
    if bad:
        raise ValueError(f"verdict.share({what!r}): flags must be True/False, got {bad[0]!r}")
    holds, total = int(sum(bool(v) for v in values)), len(values)
    if total == 0:
        return Share(str(what), 0, 0, math.nan, "no specification")
    label = "holds in all" if holds == total else "holds in none" if holds == 0 else "holds in some"
    return Share(str(what), holds, total, holds / total, label)
