"""The layout of the paper's Tables 1–7 as data (METHODS.md §8): the one place that says
which columns a table has, in which order, and which of them form a group.

Each :class:`TableLayout` lists its columns (:class:`Column`: number as printed, dependent
variable, the regressor whose coefficient the column is about, controls yes/no,
estimator), the regressors the paper reports, and named groups of columns:

======  ==========================================================================
table   groups
======  ==========================================================================
1       ``without_controls`` (1)–(3), ``with_controls`` (4)–(6)
1L      ``with_controls`` (1)–(3), every regressor at t−1
2       ``first_stage`` (1), ``second_stage`` (2)–(4)
3–5     ``outcomes`` (1)–(3), each with the term ``lnITR × D``
6–7     ``mediator`` (1), ``outcomes`` (2)–(4) with the mediator
======  ==========================================================================

:func:`mutualism.econometrics.paper.run_paper` builds its columns from this layout, the
paper's own verdicts read ``data/paper_tables.csv`` through it, and every other reader
(sentences, the robustness summary, the multiverse, the CLI's help) asks it for a column
instead of counting (``TABLES["1"].column("with_controls", "lnRH")`` is 4).
``tests/test_tables.py`` checks it against ``data/paper_tables.csv`` and against a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .models import INSTRUMENT, TREATMENT, interaction_name
from .panel import DEPENDENTS, LAG_SUFFIX


@dataclass(frozen=True)
class Column:
    """One column of a table: ``number`` (1-based, as printed), ``dependent``, ``treatment``
    (the regressor the column is about: ``lnITR``; the instrument ``LAB`` in the first stage;
    ``lnITR_lag1`` in the lagged table), ``controls`` (the controls of eq. 12 enter) and
    ``estimator`` (``FE-OLS`` or ``FE-2SLS``, as :class:`~mutualism.econometrics.results.RegressionResult`
    names it)."""

    number: int
    dependent: str
    treatment: str
    controls: bool
    estimator: str = "FE-OLS"


@dataclass(frozen=True, eq=False)
class TableLayout:
    """One of the paper's tables: ``key`` (``"1"``, ``"1L"``, ``"2"``…``"7"``), ``title``,
    ``columns`` in order, ``regressors`` the paper reports (its names), ``groups`` (name →
    column numbers), and the heterogeneity ``dummy`` (Tables 3–5) or ``mediator`` (6–7)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    regressors: tuple[str, ...]
    groups: Mapping[str, tuple[int, ...]]
    dummy: str | None = None
    mediator: str | None = None

    def group(self, name: str) -> tuple[Column, ...]:
        """The columns of group ``name``, in order (KeyError naming the groups for another name)."""
        if name not in self.groups:
            raise KeyError(f"table {self.key} has no column group {name!r}; it has {sorted(self.groups)}")
        return tuple(self.columns[n - 1] for n in self.groups[name])

    def by_dependent(self, name: str) -> dict[str, int]:
        """``{dependent: column number}`` of group ``name``."""
        return {c.dependent: c.number for c in self.group(name)}

    def column(self, name: str, dependent: str) -> int:
        """The number of the column of group ``name`` whose dependent variable is ``dependent``."""
        return self.by_dependent(name)[dependent]

    def span(self, name: str) -> str:
        """The columns of group ``name`` as printed: ``(4)–(6)``, or ``(1)`` for one column."""
        numbers = self.groups[name]
        return f"({numbers[0]})" if len(numbers) == 1 else f"({numbers[0]})–({numbers[-1]})"


def _columns(dependents, treatment: str, controls: bool, start: int = 1, estimator: str = "FE-OLS"):
    return tuple(Column(start + k, y, treatment, controls, estimator) for k, y in enumerate(dependents))


def _numbers(columns) -> tuple[int, ...]:
    return tuple(c.number for c in columns)


def _table1() -> TableLayout:
    without, with_ = _columns(DEPENDENTS, TREATMENT, False), _columns(DEPENDENTS, TREATMENT, True, 4)
    return TableLayout("1", "Table 1 Baseline regressions", without + with_, (TREATMENT,),
                       {"without_controls": _numbers(without), "with_controls": _numbers(with_)})


def _table1_lagged() -> TableLayout:
    lagged = f"{TREATMENT}{LAG_SUFFIX}"
    cols = _columns(DEPENDENTS, lagged, True)
    return TableLayout("1L", "Table 1 (lagged) Baseline regressions with regressors at t−1", cols, (lagged,),
                       {"with_controls": _numbers(cols)})


def _table2() -> TableLayout:
    first = Column(1, TREATMENT, INSTRUMENT, True)
    second = _columns(DEPENDENTS, TREATMENT, True, 2, "FE-2SLS")
    return TableLayout("2", "Table 2 Instrumental-variable estimates", (first, *second), (INSTRUMENT, TREATMENT),
                       {"first_stage": (1,), "second_stage": _numbers(second)})


def _heterogeneity(key: str, dummy: str, title: str) -> TableLayout:
    cols = _columns(DEPENDENTS, TREATMENT, True)
    return TableLayout(key, title, cols, (TREATMENT, interaction_name(dummy)), {"outcomes": _numbers(cols)},
                       dummy=dummy)


def _mediation(key: str, mediator: str, title: str) -> TableLayout:
    outcomes = _columns(DEPENDENTS, TREATMENT, True, 2)
    return TableLayout(key, title, (Column(1, mediator, TREATMENT, True), *outcomes), (TREATMENT, mediator),
                       {"mediator": (1,), "outcomes": _numbers(outcomes)}, mediator=mediator)


#: Every table of the paper (plus the lagged Table 1), in the paper's order.
TABLES: dict[str, TableLayout] = {t.key: t for t in (
    _table1(), _table1_lagged(), _table2(),
    _heterogeneity("3", "D1", "Table 3 Regional heterogeneity (D1: high-income partner)"),
    _heterogeneity("4", "D2", "Table 4 Industry heterogeneity (D2: medium/high-tech industry)"),
    _heterogeneity("5", "D3", "Table 5 Period heterogeneity (D3: after 2013)"),
    _mediation("6", "RVC", "Table 6 Mediation by regional value-chain cooperation (RVC)"),
    _mediation("7", "INC", "Table 7 Mediation by industrial agglomeration (INC)"),
)}
