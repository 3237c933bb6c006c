"""Every claim the book records holds for the run that produced it (METHODS §8, issue 10).

The book is built under five parameter files: ``params/default.yml`` itself (the whole
default run takes about three minutes), ``params/ci.yml``, ``fva: wwz`` + ``itr: vax``,
``winsor: 0`` + ``cov_type: cluster_partner`` (``params/claims_*.yml``), and WIOD 2013 with
real controls (``params/wiod2013.yml``, when ``../shared`` exists). For each
build, every claim in ``<chapter>.claims.json`` is checked against that run's results:
the numbers it rests on are looked up again (by table, column and regressor; mediator and
outcome; figure, index and group), the verdict is recomputed with :mod:`mutualism.core.verdict`
and its label must equal the recorded one, and the recorded sentence must be displayed on
the chapter's page. Every page is then searched for placeholders, ``None``, ``nan`` and
counts such as "0 of the three" written as agreement.

One build per parameter file is shared by all tests (session fixtures; the CI and WIOD
builds are those of ``tests/test_book.py``). The two ``claims_*`` runs are built with the
CI book's cache and read what they share with it (tables, index variants, the multiverse)
from there; each executes and renders its chapters, so every claim still comes from its
own run's pages.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from mutualism import book
from mutualism.core import verdict
from mutualism.book.build import build_book as book_build
from mutualism.core.config import Params
from mutualism.econometrics.layout import TABLES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHAPTERS = ["03_measurement", "04_baseline", "05_robustness", "06_endogeneity", "07_heterogeneity",
            "08_mechanisms", "09_conclusions", "11_wiod2013"]
#: The runs checked: two shared with tests/test_book.py (conftest fixtures ``ci_book`` and
#: ``wiod_book``, full strict builds) and three built here, from ``params/default.yml`` and
#: ``params/claims_<name>.yml``.
RUNS = ["ci", "default", "wwz_vax", "nowinsor_cluster", "wiod2013"]
#: The runs on the CI run's data (``params/claims_*.yml`` change only its options): built
#: with the CI book's cache, so that they read its tables, its index variants and its
#: multiverse (the same multiverse: they change only options it spans) instead of
#: computing them again.
ON_CI_DATA = ("wwz_vax", "nowinsor_cluster")
#: The xdist group of a run that reads a session book's cache: that book's, so that it runs
#: on the book's worker, after it (tests/conftest.py; any other run: ``claims-<run>``).
RUN_GROUPS = {"ci": "ci_book", "wiod2013": "wiod_book", **{name: "ci_book" for name in ON_CI_DATA}}
WITH_CONTROLS = TABLES["1"].by_dependent("with_controls")
MEDIATING = ("partial mediation", "full mediation", "mediation, direct effect not reduced")


def _params_of(build: Path) -> Params:
    """The parameters a build ran with (the YAML file its fixture wrote beside it)."""
    files = sorted(build.parent.glob("*.yml"))
    assert len(files) == 1, files
    return Params.from_yaml(files[0])


@pytest.fixture(scope="session", params=RUNS)
def built(request, tmp_path_factory):
    """(build folder, Params) of one run. The default run has a fresh cache of its own; the
    runs on the CI run's data (:data:`ON_CI_DATA`) use the CI book's."""
    name = request.param
    if name == "ci":
        build = request.getfixturevalue("ci_book")
        return build, _params_of(build)
    if name == "wiod2013":
        build = request.getfixturevalue("wiod_book")
        return build, _params_of(build)
    out = tmp_path_factory.mktemp(f"claims-{name}")
    source = ROOT / "params" / ("default.yml" if name == "default" else f"claims_{name}.yml")
    values = yaml.safe_load(source.read_text()) or {}
    values["cache_dir"] = (_params_of(request.getfixturevalue("ci_book")).cache_dir if name in ON_CI_DATA
                           else str(out / "cache"))
    params_file = out / f"{name}.yml"
    params_file.write_text(yaml.safe_dump(values))
    book_build(params_file, out_dir=out / "_build", chapters=CHAPTERS, quiet=True)
    return out / "_build", Params.from_yaml(params_file)


@pytest.fixture(scope="session")
def paper_csv() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "paper_tables.csv", dtype={"stars": str}, keep_default_na=False)


# ----- looking the numbers up again, independently of the chapters' code -----------------
class Run:
    """A build's results and figure data, with the verdicts recomputed from them."""

    def __init__(self, build: Path, params: Params, paper: pd.DataFrame):
        self.build, self.params, self.paper_csv = build, params, paper
        self.results = book.run_results(params)

    def _tables(self, where):
        return self.results.paper if "variant" not in where else self.results.robustness[where["variant"]]

    def estimated(self, where) -> bool:
        return where["table"] in self._tables(where).tables

    def numbers(self, where):
        if "file" in where:  # a committed result file (the real-data appendix)
            frame = pd.read_csv(ROOT / where["file"])
            row = frame[(frame["column"] == where["column"]) & (frame["regressor"] == where["regressor"])].iloc[0]
            return float(row["coef"]), float(row["se"]), float(row["p"]), None
        col = self._tables(where).tables[where["table"]].columns[where["column"] - 1]
        r = where["regressor"]
        return float(col.params[r]), float(col.std_errors[r]), float(col.pvalues[r]), col

    def paper_row(self, table, column, regressor):
        p = self.paper_csv
        row = p[(p["table"].astype(str) == str(table).rstrip("L")) & (p["column"] == column)
                & (p["regressor"] == regressor)]
        assert len(row) == 1, (table, column, regressor)
        return row.iloc[0]

    def effect(self, where):
        coef, se, p, _ = self.numbers(where)
        return verdict.effect(coef, se, p)

    def agreement(self, where):
        coef, _, p, _ = self.numbers(where)
        row = self.paper_row(where["table"], where["column"], where["paper_regressor"])
        return verdict.agreement(coef, p, row["coef"], row["stars"])

    def heterogeneity(self, where):
        coef, se, p, col = self.numbers(where)
        return verdict.heterogeneity(coef, se, p, group=where["group"], base_coef=float(col.params["lnITR"]))

    def mediation(self, where):
        mediator, outcome = where["mediator"], where["outcome"]
        layout = next(t for t in TABLES.values() if t.mediator == mediator)
        key, col = layout.key, layout.column("outcomes", outcome)
        base_row = self.paper_row("1", WITH_CONTROLS[outcome], "lnITR")
        if where.get("paper"):
            a, f1, f2 = (self.paper_row(key, layout.groups["mediator"][0], "lnITR"), self.paper_row(key, col, "lnITR"),
                         self.paper_row(key, col, mediator))
            return verdict.paper_mediation(alpha1=a["coef"], alpha1_stars=a["stars"], phi2=f2["coef"],
                                           phi2_stars=f2["stars"], phi1=f1["coef"], phi1_stars=f1["stars"],
                                           baseline_beta1=base_row["coef"])
        med = self.results.paper.mediation[mediator]
        m = med.mediator_equation.dependent
        eq = med.outcome_equations[outcome]
        base = self.results.paper.tables["1"].columns[WITH_CONTROLS[outcome] - 1]
        row = med.effects.loc[outcome]
        return verdict.mediation(alpha1=med.mediator_equation.params["lnITR"],
                                 alpha1_p=med.mediator_equation.pvalues["lnITR"], phi2=eq.params[m],
                                 phi2_p=eq.pvalues[m], phi1=eq.params["lnITR"], phi1_p=eq.pvalues["lnITR"],
                                 baseline_beta1=base.params["lnITR"], ci_low=row["boot_low"],
                                 ci_high=row["boot_high"])

    def mediation_available(self, where) -> bool:
        return where["mediator"] in self.results.paper.mediation and "1" in self.results.paper.tables

    def trend(self, where):
        data = pd.read_csv(ROOT / where["file"] if "file" in where else self.build / "figures" / f"{where['figure']}.csv")
        line = data[(data["index"] == where["index"]) & (data["group"] == where["group"])].sort_values("year")
        assert len(line), where
        return verdict.trend(line["year"], line[where.get("stat", "median")])

    def instrument_strength(self, where):
        col = self._tables(where).tables[where["table"]].columns[where["column"] - 1]
        return verdict.instrument_strength(getattr(col, where["statistic"]))

    def among_top(self, where) -> bool:
        """Whether a line of a figure is among the ``top`` highest of its index by its mean over the years."""
        data = pd.read_csv(self.build / "figures" / f"{where['figure']}.csv")
        data = data[(data["index"] == where["index"]) & ~data["group"].isin(where.get("exclude", []))]
        means = data.groupby("group")[where["stat"]].mean()
        return where["group"] in means.nlargest(where["top"]).index

    def matches_paper(self, where) -> bool:
        mine, theirs = self.mediation(where), self.mediation({**where, "paper": True})
        return mine.label == theirs.label or (mine.label in MEDIATING and theirs.label in MEDIATING)

    def part_holds(self, where):
        """A condition of a finding (chapter 9): True/False, or None when it cannot be estimated."""
        if "figure" in where:
            return self.trend(where).label == "rose"
        if "mediator" in where:
            return self.matches_paper(where) if self.mediation_available(where) else None
        if not self.estimated(where):
            return None
        if "group" in where:
            return self.heterogeneity(where).label == f"stronger in {where['group']}"
        return self.effect(where).label == "positive"

    def share(self, where, findings):
        if "share_of" in where:
            flags = [self.effect(w).label == where["holds_when"] for w in where["share_of"]]
        elif "share_of_groups" in where:
            flags = [all(self.effect(w).label == where["holds_when"] for w in group)
                     for group in where["share_of_groups"]]
        elif "trend_share" in where:
            flags = [self.trend(w).label == where["holds_when"] for w in where["trend_share"]]
        elif "ranking" in where:
            flags = [self.among_top(w) for w in where["ranking"]]
        elif "mediation_match" in where:
            flags = [self.matches_paper(w) for w in where["mediation_match"]]
        elif "parts" in where:
            parts = [(p["holds"], self.part_holds(p["where"])) for p in where["parts"]]
            assert [a for a, _ in parts] == [b for _, b in parts], where
            flags = [b for _, b in parts if b is not None]
        elif "multiverse" in where:
            # recounted from the chapter's multiverse (cached for this run) without the
            # library's conclusion code: positive and p < 5 % in every specification's row
            from mutualism.book import multiverse

            table = multiverse.cached_multiverse(self.params, n_jobs=1, estimates=("baseline", "iv")).table
            rows = table[(table["estimate"] == where["multiverse"]) & (table["dependent"] == where["dependent"])]
            assert len(rows), where
            flags = [bool(c > 0 and p < 0.05) for c, p in zip(rows["coef"], rows["p"])]
        elif "policy" in where:
            return findings[where["finding"]]
        else:
            raise AssertionError(f"unknown share claim {where}")
        return verdict.share(flags, what="recomputed")

    def recompute(self, claim, findings):
        kind, where = claim["kind"], claim["where"]
        if kind == "Effect":
            return self.effect(where)
        if kind == "Agreement":
            return self.agreement(where)
        if kind == "Heterogeneity":
            return self.heterogeneity(where)
        if kind == "Mediation":
            return self.mediation(where)
        if kind == "Trend":
            return self.trend(where)
        if kind == "Share":
            return self.share(where, findings)
        if kind == "InstrumentStrength":
            return self.instrument_strength(where)
        raise AssertionError(f"unknown claim kind {kind}")


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _claims(build: Path, chapter: str) -> list[dict]:
    path = build / "executed" / "notebooks" / f"{chapter}.claims.json"
    return json.loads(path.read_text()) if path.exists() else []


def _displayed_markdown(build: Path, chapter: str) -> str:
    notebook = json.loads((build / "executed" / "notebooks" / f"{chapter}.ipynb").read_text())
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/markdown", "")
            texts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(texts)


def test_every_recorded_claim_holds_for_its_run(built, paper_csv):
    build, params = built
    run = Run(build, params, paper_csv)
    counts = {}
    for chapter in CHAPTERS:
        claims = _claims(build, chapter)
        shown = _displayed_markdown(build, chapter)
        findings: dict[int, verdict.Share] = {}
        for claim in claims:
            assert claim["chapter"] == chapter
            assert claim["label"] in claim["sentence"], claim
            assert claim["sentence"] in shown, (chapter, claim["sentence"][:120])
            again = run.recompute(claim, findings)
            assert again.label == claim["label"], (chapter, claim["where"], again.label, claim["label"])
            if claim["kind"] == "Share" and "parts" in claim["where"]:
                findings[claim["where"]["finding"]] = again
            if claim["kind"] != "Share":  # the numbers the verdict rests on are the run's
                mine = again.as_dict()
                for key, value in claim["verdict"].items():
                    assert _close(value, mine[key]), (chapter, claim["where"], key, value, mine[key])
        counts[chapter] = len(claims)
    # the chapters that state verdicts do record them, whenever their tables were estimated
    tables = run.results.paper.tables
    expected = {"03_measurement": True, "09_conclusions": True, "04_baseline": "1" in tables,
                "05_robustness": any("1" in v.tables for v in run.results.robustness.values()),
                "06_endogeneity": "2" in tables, "08_mechanisms": bool(run.results.paper.mediation)}
    for chapter, states_verdicts in expected.items():
        if states_verdicts:
            assert counts[chapter] > 0, chapter
    heterogeneity_tables = [k for k in ("3", "4", "5") if k in tables]
    assert counts["07_heterogeneity"] >= 3 * len(heterogeneity_tables)


#: Template prose that must never reach a page (issue 10, item 10).
BANNED = [r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"<NA>", r"TODO", r"FIXME", r"\{[a-z_]+\}",
          # a zero count written as agreement ("agrees on 0 of the three", "0 of 42 agree")
          r"\bagree\w*\b[^.\n]{0,80}\b0 of\b", r"(?<![\d,])\b0 of \d+\b[^.\n]{0,80}\bagree", r"\bon 0 of the\b",
          r"\(of fusion, interaction, coordination\)",
          r"significant at 5 % for: ", r"mediates the whole effect", r"relate changes in transfer",
          r"so transfer works more strongly",
          # unreadable numbers and code names (issue 10, item 9)
          r"\b(alpha1|phi1|phi2|sobel_se|sobel_p|boot_reps|boot_low|coef_run|sign_agrees)\b",
          r"\b\d{3,}\.0000\b", r"\d\.\d+e-\d\d", r"\(s\.e\. 0\.0000\)",
          # library warnings or progress bars printed into a page
          r"\b[A-Z]\w*Warning: ", r"site-packages"]


def _page_text(build: Path, chapter: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((build / "html" / "notebooks" / f"{chapter}.html").read_text(), "html.parser")
    main = soup.find("main") or soup
    for tag in main.select("div.cell_input, script, style, .math, .MathJax, math"):
        tag.decompose()
    return main.get_text(" ")


def test_no_page_holds_a_placeholder_or_template_prose(built):
    build, params = built
    for chapter in CHAPTERS:
        text = _page_text(build, chapter)
        for pattern in BANNED:
            found = re.search(pattern, text)
            assert found is None, (chapter, pattern, text[max(0, found.start() - 120): found.end() + 120])
        if params.winsor == 0:
            assert "comes from the winsorising" not in text, chapter


def test_elasticities_are_read_exactly(built):
    """Chapter 4 reads the largest with-controls coefficient of Table 1 as an elasticity. When
    Table 1 was estimated there is exactly one such claim, on the largest of the three
    coefficients; significant, it gives the size (1.1^β − 1)·100 % to the printed two
    decimals; not significant, it gives no size."""
    build, params = built
    found = [c for c in _claims(build, "04_baseline") if "largest of the three" in c["sentence"]]
    paper = book.run_results(params).paper
    if "1" not in paper.tables:
        assert not found
        return
    assert len(found) == 1, [c["sentence"][:80] for c in found]
    claim = found[0]
    table1 = paper.tables["1"]
    largest = max(float(table1.columns[n - 1].params["lnITR"]) for n in WITH_CONTROLS.values())
    assert claim["verdict"]["coef"] == pytest.approx(largest, rel=1e-12)
    match = re.search(r"a transfer 10 % larger goes with a ([\d.]+) %", claim["sentence"])
    if claim["verdict"]["significant"]:
        assert match, claim["sentence"]
        assert float(match.group(1)) == pytest.approx(abs(1.1 ** largest - 1) * 100, abs=0.006)
    else:
        assert match is None and "is not significant" in claim["sentence"], claim["sentence"]
