"""The book: chapter parameters, failures named, a strict CI build and its HTML.

The CI build (params/ci.yml: a small synthetic world over five years) runs in ``make
test``; the WIOD 2013 build is marked slow and runs when ../shared is present.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mutualism import book
from mutualism.book import build
from mutualism.core.config import Params
from mutualism.core.errors import UnknownOptionError

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CHAPTER_NAMES = ["01_theory", "02_indices", "03_measurement", "04_baseline", "05_robustness",
                 "06_endogeneity", "07_heterogeneity", "08_mechanisms", "09_conclusions", "10_decompositions",
                 "11_wiod2013"]
#: Pages whose numbers do not come from the run (the theory; the appendix reads committed results).
NO_RUN_NUMBERS = ("01_theory", "11_wiod2013")


def parameters_cell(chapter: build.Chapter) -> dict:
    """Names and default values of a chapter's ``parameters`` cell, by executing it alone."""
    import jupytext

    notebook = jupytext.read(chapter.source)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{chapter.name}: exactly one cell tagged 'parameters'"
    namespace: dict = {}
    exec(cells[0].source, namespace)
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


def test_chapters_are_listed_in_order_and_selected_by_number_or_name():
    chapters = build.list_chapters()
    assert [c.name for c in chapters] == CHAPTER_NAMES
    assert [c.name for c in build.select_chapters(chapters, ["04", "02_indices", "04_baseline.py"])] == [
        "02_indices", "04_baseline"]
    with pytest.raises(UnknownOptionError, match="chapter '42' does not exist; chapters: 01_theory"):
        build.select_chapters(chapters, ["42"])


def test_table_of_contents_lists_every_chapter_and_front_matter_page():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert [f for f in files if f.startswith("notebooks/")] == [f"notebooks/{n}" for n in CHAPTER_NAMES]
    for f in [toc["root"], *files]:
        if not f.startswith("notebooks/"):
            assert (ROOT / f"{f}.md").exists(), f


def test_every_parameters_cell_holds_the_default_parameter_file():
    """The defaults live in Params; params/default.yml and every parameters cell (kept for
    papermill's --help-notebook) must equal them."""
    defaults = yaml.safe_load((ROOT / "params" / "default.yml").read_text())
    assert defaults == Params().as_dict()
    assert Params.from_mapping(defaults) == Params()
    for chapter in build.list_chapters():
        declared = parameters_cell(chapter)
        declared.pop("figures_dir", None)  # where the figure chapter writes its files
        assert declared == defaults, chapter.name


def test_parameter_files_are_valid_and_differ_only_where_intended():
    default = yaml.safe_load((ROOT / "params" / "default.yml").read_text())
    ci = build.read_parameters(ROOT / "params" / "ci.yml")
    assert {k for k in default if default[k] != ci[k]} == {"years", "bootstrap_reps"}
    wiod = yaml.safe_load((ROOT / "params" / "wiod2013.yml").read_text())
    assert (wiod["source"], wiod["concordance"], wiod["years"]) == ("pymrio", "wiod2013", "2002-2011")


def test_bad_parameter_file_is_rejected_naming_the_key(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("fva: wwz\nfvaa: leontief\n")
    with pytest.raises(UnknownOptionError, match=r"unknown parameter 'fvaa'; did you mean 'fva'\?"):
        build.read_parameters(bad)
    bad.write_text("itr: all\n")
    result = subprocess.run([sys.executable, "-m", "mutualism.cli", "book", "--params", str(bad),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "itr='all' is not valid; choose one of: 'routes5', 'vax'" in result.stderr


@pytest.mark.parametrize("injected,expected", [
    ({"fva": "foo"}, "UnknownOptionError: fva='foo' is not valid; choose one of: 'leontief', 'wwz'"),
    ({"year": 2010}, "UnknownOptionError: unknown parameter 'year'; did you mean 'years'?")])
def test_chapter_with_bad_parameter_fails_with_the_documented_message(tmp_path, injected, expected):
    theory = build.select_chapters(build.list_chapters(), ["01"])[0]
    with pytest.raises(build.ChapterFailed) as info:
        build.execute_chapter(theory, tmp_path / "01.ipynb", injected, cwd=ROOT)
    message = str(info.value)
    assert message.startswith("chapter 01_theory failed in cell")
    assert expected in message


def test_start_chapter_rejects_a_stray_injected_value_by_name():
    namespace = {**Params().as_dict(), "In": [], "_": 1, "figures_dir": "out", "yaml": yaml, "seeed": 3}
    with pytest.raises(UnknownOptionError, match="unknown parameter 'seeed'; did you mean 'seed'"):
        book.start_chapter(namespace)
    del namespace["seeed"]
    assert book.start_chapter(namespace) == Params()


def test_documented_papermill_pipeline_runs_a_chapter_directly(tmp_path):
    """`jupytext --to ipynb --output - CHAPTER | papermill - OUT -f PARAMS --cwd .` (book/running.md)."""
    bin_dir = Path(sys.executable).parent

    def run(params_file: Path) -> subprocess.CompletedProcess:
        command = (f"{bin_dir / 'jupytext'} --to ipynb --output - notebooks/01_theory.py | "
                   f"{bin_dir / 'papermill'} - {tmp_path / 'out.ipynb'} -f {params_file} --cwd . "
                   "--no-progress-bar")
        return subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True)

    assert run(ROOT / "params" / "ci.yml").returncode == 0
    outputs = json.dumps(json.loads((tmp_path / "out.ipynb").read_text())["cells"])
    assert "mutualism-banner" in outputs and "years 2012\\u20132016" in outputs
    bad = tmp_path / "bad.yml"
    bad.write_text("fva: foo\n")
    failed = run(bad)
    assert failed.returncode != 0
    assert "fva='foo' is not valid; choose one of: 'leontief', 'wwz'" in failed.stdout + failed.stderr


def test_strict_rendering_turns_a_broken_reference_into_an_error(tmp_path):
    import shutil

    root = tmp_path / "src"
    shutil.copytree(ROOT / "book", root / "book")
    shutil.copy2(ROOT / "_config.yml", root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n"
                                   "chapters:\n- file: book/glossary\n- file: book/references\n")
    (root / "book" / "intro.md").write_text("# Intro\n\nSee {term}`RH`.\n")
    build.render_html(root, tmp_path / "ok", strict=True)  # the control: a valid reference passes
    (root / "book" / "intro.md").write_text("# Intro\n\nSee {term}`no such term`.\n")
    build.render_html(root, tmp_path / "html", strict=False)  # a warning only
    with pytest.raises(Exception, match="exit status"):
        build.render_html(root, tmp_path / "html2", strict=True)


def test_source_tree_renders_strictly_without_execution(tmp_path):
    """`jupyter-book build . -W -n` on the repository: chapters read from their .py files."""
    build.render_html(ROOT, tmp_path / "html", strict=True)
    for name in CHAPTER_NAMES:
        assert (tmp_path / "html" / "notebooks" / f"{name}.html").exists()


def test_partial_build_reports_timing_and_lists_only_current_chapters(tmp_path, capsys):
    params = yaml.safe_load((ROOT / "params" / "ci.yml").read_text())
    params["cache_dir"] = str(tmp_path / "cache")
    params_file = tmp_path / "p.yml"
    params_file.write_text(yaml.safe_dump(params))
    index = build.build_book(params_file, out_dir=tmp_path / "_build", chapters=["01"], strict=True)
    out = capsys.readouterr().out
    assert re.search(r"^\[1/1\] 01_theory \.\.\. \d+\.\d s$", out, flags=re.M), out
    html = index.parent
    assert (html / "notebooks" / "01_theory.html").exists()
    assert not (html / "notebooks" / "02_indices.html").exists()  # never executed: not in the book
    assert "01_theory" in (tmp_path / "_build" / "executed" / "_toc.yml").read_text()
    # Executed with these parameters, the chapter is current; with others it is stale and
    # a later partial build leaves it out.
    notebook = tmp_path / "_build" / "executed" / "notebooks" / "01_theory.ipynb"
    chapter = build.select_chapters(build.list_chapters(), ["01"])[0]
    assert build._is_current(notebook, chapter, params) is True
    assert build._is_current(notebook, chapter, {**params, "seed": 7}) is False


# ----- helpers the chapters call ---------------------------------------------------------
def test_worked_example_satisfies_the_accounting_identities():
    import numpy as np

    ex = book.worked_example()
    m = ex.mrio
    np.testing.assert_allclose(ex.B.to_numpy() @ m.Y.sum(axis=1), m.x)         # §1: x = B·y
    np.testing.assert_allclose(ex.v_B.to_numpy(), 1.0)                         # v'B = 1'
    np.testing.assert_allclose(ex.vae.sum(axis=0).to_numpy(), ex.exports["E"].to_numpy())  # §2
    assert ex.wwz_gap < 1e-10                                                  # §9 adding-up
    ind, wwz_ind = ex.indices, ex.indices_wwz
    np.testing.assert_allclose(ind["theta_cr"], ind["IIR_rc"], rtol=1e-12)     # §3.2 identity
    np.testing.assert_allclose(ind["theta_rc"], ind["IIR_cr"], rtol=1e-12)
    assert (abs(wwz_ind["theta_cr"] - ind["theta_cr"]) > 1e-6).all()
    for _, row in ind.iterrows():                                              # §3.3 closed form
        if row["g_c"] * row["g_r"] < 0:
            assert row["XT"] == pytest.approx(0.5, abs=1e-14)
        else:
            assert row["XT"] > 0.5
    assert {np.sign(r["g_c"] * r["g_r"]) for _, r in ind.iterrows()} == {-1.0, 1.0}  # both cases shown


def test_levels_rank_lines_without_judging_a_trend():
    import pandas as pd

    data = pd.DataFrame({"index": ["RH"] * 3 + ["HD"] * 3, "group": ["A"] * 6, "year": [2003, 2001, 2002] * 2,
                         "median": [3.0, 1.0, float("nan"), 2.0, 5.0, 4.0]})
    out = book.levels(data)
    assert out.loc[("RH", "A")].to_dict() == {"first_year": 2001, "last_year": 2003, "level": 2.0}
    assert out.loc[("HD", "A"), "level"] == pytest.approx(11 / 3)
    assert "direction" not in out.columns  # trends are verdict.trend, never first vs last year


def test_coordination_floor_counts_cells_at_one_half():
    import numpy as np
    import pandas as pd

    from mutualism.gvc.indices import coordination

    g_c = np.array([0.1, -0.2, 0.3, 0.05, 0.0])
    g_r = np.array([-0.4, 0.1, 0.1, 0.05, 0.2])  # opposite, opposite, same sign, equal, one zero
    floor = book.coordination_floor(pd.DataFrame({"XT": coordination(g_c, g_r)}))
    assert floor == {"defined": 4, "at_floor": 3, "share": 0.75, "log_floor": pytest.approx(-0.693147, abs=1e-6)}


def test_quality_text_accounts_for_every_row():
    import pandas as pd

    quality = pd.DataFrame([{"variable": "XT", "rows": 100, "missing_zero_output": 5, "missing_undefined_XT": 3,
                             "missing_engine": 0, "missing_control": 2, "winsorised_low": 1, "winsorised_high": 4,
                             "nonpositive_before_log": 1, "usable": 89}]).set_index("variable")
    text = book.quality_text(quality, "XT")
    assert text.startswith("Of the 100 panel rows, 89 have a usable ln XT; the 11 others are missing: 5 for a zero")
    assert "2 for a missing control" in text and "1 for a non-positive value" in text and "engine" not in text


def test_banner_names_the_run_and_warns_on_synthetic_data():
    synthetic = book.banner(Params()).data
    assert "admonition warning mutualism-banner" in synthetic and "not</b> the paper's estimates" in synthetic
    assert Params().describe() in synthetic
    real = book.banner(Params(source="pymrio", data_path=str(ROOT))).data
    assert "admonition note" in real and "Illustrative" not in real
    theory = book.banner(Params(), numbers=False).data
    assert "computes nothing" in theory and "Illustrative" not in theory and Params().describe() in theory
    from mutualism.book import appendix

    meta = appendix.load()["metadata"]  # the real-data appendix: its banner names WIOD, not the run's data
    wiod = book.banner(Params(), committed={"title": "WIOD 2013", **meta}).data
    assert "Numbers from real tables: WIOD 2013" in wiod and "WIOD Release 2013" in wiod
    assert meta["commit"][:12] in wiod and meta["options"]["years"] in wiod and "Illustrative" not in wiod


# ----- the CI book ----------------------------------------------------------------------
# ``ci_book`` (the strict build of params/ci.yml) is a session fixture of tests/conftest.py,
# shared with tests/test_browser.py.


def page(build: Path, name: str) -> str:
    return (build / "html" / "notebooks" / f"{name}.html").read_text()


def test_ci_book_has_every_page_and_banner(ci_book):
    html = ci_book / "html"
    for name in ("index", "book/intro", "book/glossary", "book/references", "book/running"):
        assert (html / f"{name}.html").exists(), name
    for name in CHAPTER_NAMES:
        text = page(ci_book, name)
        assert text.count("mutualism-banner") == 1, name
        assert ("Numbers from real tables: WIOD 2013" if name == "11_wiod2013" else
                "This page computes nothing" if name in NO_RUN_NUMBERS
                else "Illustrative numbers from a synthetic world") in text, name
        assert "years 2012–2016" in text


def test_ci_book_cells_hold_no_error_and_parameters_are_hidden(ci_book):
    for name in CHAPTER_NAMES:
        notebook = json.loads((ci_book / "executed" / "notebooks" / f"{name}.ipynb").read_text())
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", name
                text = json.dumps(output)
                assert "Traceback" not in text, name
        assert "injected-parameters" not in page(ci_book, name)
        assert "bootstrap_reps = 49" not in page(ci_book, name)


#: Where each of the paper's tables is printed, its column headers (dependent variables,
#: in words) and the row labels it must have.
_IDX = ["ln RH (fusion)", "ln HD (interaction)", "ln XT (coordination)"]
_ITR = "ln ITR (industrial transfer)"
TABLES = {
    "table-1": ("04_baseline", _IDX * 2, [_ITR, "paper", "Controls", "Observations (N)", "R² (with fixed effects)"]),
    "table-1-lag": ("04_baseline", _IDX, ["ln ITR (industrial transfer, t−1)", "Observations (N)"]),
    "table-2": ("06_endogeneity", [_ITR, *_IDX],
                ["LAB (ln labour force)", _ITR, "Kleibergen–Paap rk LM (p-value)", "Kleibergen–Paap rk Wald F"]),
    "table-3": ("07_heterogeneity", _IDX, [_ITR, "ln ITR × D1 (high-income partner)", "Difference, this run",
                                           "Difference, paper"]),
    "table-4": ("07_heterogeneity", _IDX, [_ITR, "ln ITR × D2 (medium/high-tech industry)"]),
    "table-5": ("07_heterogeneity", _IDX, [_ITR, "ln ITR × D3 (after 2013)"]),
    "table-6": ("08_mechanisms", ["RVC (regional value-chain cooperation, per cent)", *_IDX],
                [_ITR, "RVC (regional value-chain cooperation, per cent)", "Indirect effect α1·φ2",
                 "Verdict, this run", "Verdict, paper"]),
    "table-7": ("08_mechanisms", ["INC (industrial agglomeration)", *_IDX],
                [_ITR, "INC (industrial agglomeration)", "Sobel z (heteroskedasticity-robust (HC1) s.e.)",
                 "Bootstrap 95% interval (resampling rows)"]),
}


def regression_table(build: Path, table_id: str):
    """(header cells, dependent-variable cells, row labels) of a rendered paper table."""
    from bs4 import BeautifulSoup

    chapter = TABLES[table_id][0]
    soup = BeautifulSoup(page(build, chapter), "html.parser")
    tables = soup.find_all("table", id=table_id)
    assert len(tables) == 1, f"{table_id} in {chapter}"
    rows = [[c.get_text(strip=True) for c in tr.find_all(["td", "th"])] for tr in tables[0].find_all("tr")]
    return rows[0], rows[1][1:], [r[0] for r in rows[2:]]


def test_ci_book_prints_tables_1_to_7_with_the_paper_layout(ci_book):
    for table_id, (_, dependents, labels) in TABLES.items():
        header, deps, row_labels = regression_table(ci_book, table_id)
        assert header == ["", *(f"({k + 1})" for k in range(len(dependents)))], table_id
        assert deps == dependents, table_id
        for label in labels:
            assert label in row_labels, (table_id, label)
    from bs4 import BeautifulSoup

    card = BeautifulSoup(page(ci_book, "09_conclusions"), "html.parser").find("table", id="scorecard")
    assert len(card.find_all("tr")) == 1 + 7 + 42 + 1  # header, a row per table, every published coefficient, foot


def test_ci_book_embeds_both_figures_and_saves_their_data(ci_book):
    import pandas as pd

    text = page(ci_book, "03_measurement")
    assert len(re.findall(r"<img [^>]*src=\"[^\"]+\.png\"", text)) == 2
    # Sphinx's smart quotes print the apostrophe of prose as ’
    assert "Figure 3.1" in text and re.search("the paper[’']s Figure 2", text) and "Figure 3.2" in text
    for stem in ("figure2", "figure3"):
        assert (ci_book / "html" / "_static" / "figures" / f"{stem}.png").stat().st_size > 10_000
        data = pd.read_csv(ci_book / "html" / "_static" / "figures" / f"{stem}.csv")
        assert list(data.columns) == ["index", "group", "year", "n", "mean", "median"]
        assert set(data["year"]) == set(range(2012, 2017)) and set(data["index"]) == {"RH", "HD", "XT"}


# ----- the real-data book ---------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "data" / "wiod2013").is_dir(), reason="shared WIOD 2013 data absent")
def test_wiod2013_book_builds_strictly(wiod_book):
    build = wiod_book  # conftest: the strict build of params/wiod2013.yml, shared with tests/test_claims.py
    for name in CHAPTER_NAMES[1:]:
        text = page(build, name)
        if name in NO_RUN_NUMBERS:
            continue
        assert "Numbers computed from real tables" in text and "pymrio tables" in text
        assert not re.search(r"Traceback|Illustrative numbers", text)
    for table_id in TABLES:
        if table_id == "table-5":  # WIOD 2013 ends in 2011: no year after 2013
            assert "could not be estimated on this run" in page(build, "07_heterogeneity")
            continue
        header, deps, _ = regression_table(build, table_id)
        assert deps == TABLES[table_id][1], table_id


#: What no page of the book may print: numbers in e-notation (``1.4e-14``, ``0.0e+00``), a
#: p-value of zero (``p = 0.0000``), and a setting printed as a quantity (``seed 2,023``, a
#: year with a thousands separator).
NUMBER_POLICY = {"scientific notation": re.compile(r"\b\d+(?:\.\d+)?[eE][-+−]?\d+\b"),
                 "p-value of zero": re.compile(r"\bp\s*[=<]\s*0\.0+(?![0-9]*[1-9])"),
                 "seed or year with a separator": re.compile(r"\b(?:seed\W{0,12})?\b(?:19|20)\d,\d{3}\b|seed\W{0,12}\d{1,3},\d{3}")}


def visible_text(html: str) -> str:
    """The text of a page's article as a reader sees it (no scripts, styles or images)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "img"]):
        hidden.decompose()
    return (soup.find("main") or soup).get_text(" ", strip=True)


def test_number_policy_of_every_chapter(ci_book):
    """No chapter prints e-notation, p = 0.000 or a seed with a thousands separator: gaps
    are said in words (``formatting.gap``), p-values below 0.001 as ``p < 0.001``."""
    from mutualism.report.formatting import gap, p_value

    assert gap(1.4e-14) == "zero to 13 decimal places" and gap(0.0) == "exactly zero" and gap(0.0042) == "0.0042"
    assert gap(0.00096) == "zero to 2 decimal places"  # it rounds to 0.001 at three
    assert p_value(1e-12) == "p < 0.001" and p_value(0.0342) == "p = 0.034"
    found = []
    for name in CHAPTER_NAMES:
        text = visible_text(page(ci_book, name))
        for what, pattern in NUMBER_POLICY.items():
            found += [f"{name}: {what}: …{text[max(0, m.start() - 60):m.end() + 20]}…" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)
    assert NUMBER_POLICY["seed or year with a separator"].search("seed 2,023")  # the pattern itself bites
    assert NUMBER_POLICY["p-value of zero"].search("(p = 0.0000;") and not NUMBER_POLICY["p-value of zero"].search("p = 0.003")
    assert NUMBER_POLICY["scientific notation"].search("gap is 1.4e-14.")


def test_ci_book_has_an_api_reference_of_every_module(ci_book):
    """book/api: one section per module of the library (generated, so a new module appears
    without editing the page), with its functions' signatures and numpy-style sections."""
    from bs4 import BeautifulSoup

    from mutualism.book.methods_page import api_modules

    soup = BeautifulSoup((ci_book / "html" / "book" / "api.html").read_text(), "html.parser")
    ids = {tag.get("id") for tag in soup.select("dt.sig[id]")}
    modules = api_modules()
    assert {"mutualism.core.verdict", "mutualism.report.tables", "mutualism.gvc.decompose"} <= set(modules)
    for module in modules:
        assert soup.find(id=f"module-{module}") is not None, module
    for name in ("mutualism.core.verdict.effect", "mutualism.report.tables.render", "mutualism.report.formatting.gap",
                 "mutualism.book.exercises.strip_solutions"):
        assert name in ids, name
    execute = soup.find(id="mutualism.book.build.execute_chapter").find_next("dd").get_text(" ", strip=True)
    assert "Parameters" in execute and "Returns" in execute  # napoleon turned the sections into fields
    assert "mutualism.book.RunResults" not in ids  # a re-export is documented where it is defined


def test_figures_are_numbered_by_their_chapter(ci_book):
    """Every figure caption of a chapter reads "Figure N.k" (N its chapter, k = 1, 2, … in
    order; "A.k" in the appendix), the paper's own number given in words beside it."""
    from bs4 import BeautifulSoup

    seen = 0
    for name in CHAPTER_NAMES:
        soup = BeautifulSoup(page(ci_book, name), "html.parser")
        captions = [c.get_text(" ", strip=True) for c in soup.select("figcaption")]
        captions += [b.get_text(strip=True) for b in soup.select("p > strong") if b.get_text().startswith("Figure")]
        chapter = "A" if name == "11_wiod2013" else str(int(name[:2]))
        numbers = [re.match(r"Figure (\S+?)[.:]?(?:\s|$)", c).group(1) for c in captions]
        assert numbers == [f"{chapter}.{k}" for k in range(1, len(numbers) + 1)], (name, captions)
        seen += len(numbers)
    assert seen >= 8


def test_every_displayed_equation_is_numbered(ci_book):
    """Each displayed equation of a chapter carries its number, (N.k), so that the text and
    a reader can point at it (MyST labels after the closing $$)."""
    from bs4 import BeautifulSoup

    numbered = 0
    for name in CHAPTER_NAMES:
        soup = BeautifulSoup(page(ci_book, name), "html.parser")
        for block in soup.select("div.math"):
            number = block.select_one("span.eqno")
            assert number is not None, (name, block.get_text()[:80])
            text = str(number.find(string=True) or "").strip()  # without the anchor link after it
            assert re.fullmatch(r"\((\d+\.)?\d+\)", text), (name, text)
            numbered += 1
    assert numbered >= 5
