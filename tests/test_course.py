"""The course text: exercises with computed solutions, the student edition, the worked
example from a file, the METHODS page and its links, a build that replaces the book whole."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from mutualism.book import methods_page
from mutualism.core.errors import InputFileError, MutualismError

ROOT = Path(__file__).resolve().parents[1]
COURSE_CHAPTERS = ("02_indices", "10_decompositions")


def exercises(chapter: str) -> dict[str, dict]:
    """Label → {solution, computed} for the exercises of a chapter source: an exercise is a
    ``{exercise}`` directive with a label, its solution a code cell calling
    ``mutualism.book.exercises.solution(label, …)`` with a value computed in the chapter."""
    import jupytext

    notebook = jupytext.read(ROOT / "notebooks" / f"{chapter}.py")
    found: dict[str, dict] = {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for label in re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", cell.source):
                found[label] = {"solution": False, "computed": False}
        else:
            for label in re.findall(r'solution\("([\w-]+)"', cell.source):
                found[label]["solution"] = True
                found[label]["computed"] = "{" in cell.source.split(f'solution("{label}"', 1)[1]  # f-string fields
    return found


def test_solution_markdown_is_a_dropdown_solution_directive():
    from mutualism.book.exercises import solution_markdown

    text = solution_markdown("ex-a", "It is `x` = 1.\n")
    assert text == ":::{solution} ex-a\n:class: dropdown\n\nIt is `x` = 1.\n:::\n"
    with pytest.raises(ValueError, match="label"):
        solution_markdown("bad label", "x")
    with pytest.raises(ValueError, match="':::'"):
        solution_markdown("ex-a", "a\n::: b")


def test_at_least_eight_exercises_each_with_a_computed_solution():
    every = {f"{c}:{k}": v for c in COURSE_CHAPTERS for k, v in exercises(c).items()}
    assert len(every) >= 8, sorted(every)
    for label, facts in every.items():
        assert facts["solution"], f"{label} has no solution"
        assert facts["computed"], f"{label}: the solution is not computed by a code cell"
    sources = {c: (ROOT / "notebooks" / f"{c}.py").read_text() for c in COURSE_CHAPTERS}
    assert "DVA_FIN" in sources["02_indices"].split("ex-wwz", 1)[1]  # an exercise on WWZ
    assert "VAX" in sources["10_decompositions"].split("## Exercises", 1)[1]  # and on Borin–Mancini
    assert "EXAMPLE_TABLES`" not in sources["02_indices"].split("## Exercises", 1)[1].split("write_example")[0]


def test_example_tables_round_trip_and_bad_files_are_named(tmp_path):
    from mutualism.book.worked_example import (EXAMPLE_TABLES, read_example_tables, worked_example,
                                               write_example_tables)

    path = write_example_tables(tmp_path / "mine.yml")
    assert read_example_tables(path) == {y: (list(map(list, Z)), list(map(list, Y)))
                                         for y, (Z, Y) in EXAMPLE_TABLES.items()}
    default, from_file = worked_example(), worked_example(path)
    assert (default.indices["ITR"] == from_file.indices["ITR"]).all()
    # The student's change (exercise 4) goes through the file, and changes the routes.
    data = yaml.safe_load(path.read_text())
    data[2020]["Z"][1][3] *= 2
    path.write_text(yaml.safe_dump(data))
    changed = worked_example(path)
    assert changed.mrio.Z[1, 3] == 2 * default.mrio.Z[1, 3]
    assert changed.indices.loc["C9", "ITR_dva_int"] > default.indices.loc["C9", "ITR_dva_int"]
    data[2019]["Y"][4][2] = -1
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputFileError, match=r"mine.yml: year 2019, Y\[5\]\[3\] = -1 is not a number ≥ 0"):
        read_example_tables(path)
    path.write_text("2019: {Z: [], Y: []}\n2021: {Z: [], Y: []}\n")
    with pytest.raises(InputFileError, match="consecutive"):
        read_example_tables(path)


def test_written_example_tables_carry_their_labels(tmp_path):
    """The YAML a student edits names every row and column (``rows``, ``Y_columns`` and a
    comment per row), and a file whose labels are out of order is refused by name."""
    from mutualism.book.worked_example import read_example_tables, row_labels, write_example_tables

    path = write_example_tables(tmp_path / "mine.yml")
    text = path.read_text()
    data = yaml.safe_load(text)
    labels = row_labels()
    assert labels[:2] == ["CHN.C5", "CHN.C9"] and len(labels) == 6
    for year, entry in data.items():
        assert entry["rows"] == labels and entry["Y_columns"] == ["CHN", "PAK", "ROW"], year
    z_lines = [line for line in text.splitlines() if line.startswith("  - [") and line.count(",") == 5]
    assert [line.rsplit("# ", 1)[1] for line in z_lines] == labels * 2  # each row of Z says whose it is
    data[2020]["rows"] = list(reversed(labels))
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputFileError, match="year 2020, rows must be CHN.C5, CHN.C9"):
        read_example_tables(path)
    for entry in data.values():  # labels are optional: a file of Z and Y alone still reads
        entry.pop("rows"), entry.pop("Y_columns")
    path.write_text(yaml.safe_dump(data))
    assert set(read_example_tables(path)) == {2019, 2020}


def test_exercise_table_solution_follows_the_edited_table(tmp_path):
    """Chapter 2 built on a student's file (``example_table``) with the entry of exercise 2.4
    doubled: its solution names the edited entry and reports the change from the book's
    table, not a second doubling of the student's."""
    import json

    from mutualism.book.build import execute_chapter
    from mutualism.book.worked_example import EXAMPLE_TABLES, worked_example, write_example_tables

    path = write_example_tables(tmp_path / "mine.yml")
    data = yaml.safe_load(path.read_text())
    k, j = data[2020]["rows"].index("CHN.C9"), data[2020]["rows"].index("PAK.C9")
    before = data[2020]["Z"][k][j]
    data[2020]["Z"][k][j] = 2 * before
    path.write_text(yaml.safe_dump(data))
    parameters = yaml.safe_load((ROOT / "params" / "ci.yml").read_text())
    parameters.update(example_table=str(path), cache_dir=str(tmp_path / "cache"))
    out = tmp_path / "02_indices.ipynb"
    execute_chapter(ROOT / "notebooks" / "02_indices.py", out, parameters, cwd=ROOT, figures_dir=tmp_path / "fig")
    cells = json.loads(out.read_text())["cells"]
    text = next("".join(o["data"]["text/markdown"]) for c in cells for o in c.get("outputs", [])
                if "{solution} ex-table" in "".join(o.get("data", {}).get("text/markdown", "")))
    assert f"Z CHN.C9 → PAK.C9 from {before:,} to {2 * before:,}" in text
    assert f"= {2 * before} (the book's table has {before})" in text
    default, edited = worked_example(), worked_example(path)
    grown = edited.indices.loc["C9", "ITR_dva_int"] - default.indices.loc["C9", "ITR_dva_int"]
    assert grown > 0 and f"`dva_int` {grown:+.4f}" in text  # the change from the book's table
    assert EXAMPLE_TABLES[2020][0][k][j] == before


def test_example_table_is_a_validated_parameter(tmp_path):
    from mutualism.core.config import Params
    from mutualism.core.errors import UnknownOptionError

    with pytest.raises(UnknownOptionError, match="example_table='nowhere.yml' is not a file"):
        Params(example_table="nowhere.yml")
    defaults = yaml.safe_load((ROOT / "params" / "default.yml").read_text())
    assert defaults["example_table"] is None


def test_methods_page_labels_every_section_and_links_resolve_to_them():
    text = methods_page.methods_file().read_text()
    numbered = methods_page.sections(text)
    assert {"1", "2", "3.1", "3.2", "3.3", "4", "9", "11"} <= set(numbered)
    labelled = methods_page.labelled(text)
    for section in numbered:
        assert f"({methods_page.label(section)})=" in labelled
    known = set(numbered)
    assert methods_page.target("3.2", known) == "methods-3-2"
    assert methods_page.target("1.4", known) == "methods-1"  # no heading of its own: the section
    assert methods_page.target("42", known) is None
    refs = []
    pieces = methods_page._link_nodes("see METHODS §1–§5, §9 and METHODS §3.2; not §7", known,
                                      lambda ref, t: refs.append((ref, t)) or ref)
    assert refs == [("methods-1", "§1"), ("methods-5", "§5"), ("methods-9", "§9"), ("methods-3-2", "§3.2")]
    assert pieces is not None


# ----- the built book (session fixture of conftest.py) -------------------------------------
def test_ci_book_carries_exercises_solutions_figures_and_method_links(ci_book):
    from bs4 import BeautifulSoup

    html = ci_book / "html"
    solutions = 0
    for chapter in COURSE_CHAPTERS:
        soup = BeautifulSoup((html / "notebooks" / f"{chapter}.html").read_text(), "html.parser")
        solutions += len(soup.select(".solution"))
        assert soup.select(".exercise"), chapter
    assert solutions >= 8
    figures = [f for c in ("01_theory", "02_indices", "10_decompositions")
               for f in BeautifulSoup((html / "notebooks" / f"{c}.html").read_text(), "html.parser")
               .select("figure.mutualism-figure")]
    assert len(figures) >= 6
    for figure in figures:
        image, caption = figure.find("img"), figure.find("figcaption")
        assert len(image["alt"]) > 60 and caption.get_text(strip=True).startswith("Figure")
    for stem in ("wwz_example", "wwz_run_china", "bm_wwz_example", "bm_wwz_run", "transfer_routes", "mechanism"):
        assert (html / "_static" / "figures" / f"{stem}.png").stat().st_size > 5_000, stem
        assert (html / "_static" / "figures" / f"{stem}.csv").stat().st_size > 50, stem
    chapter2 = (html / "notebooks" / "02_indices.html").read_text()
    assert re.search(r'href="\.\./book/methods\.html#methods-3-2"', chapter2)
    assert (html / "book" / "methods.html").exists() and "id=\"methods-11\"" in (html / "book" / "methods.html").read_text()
    assert not re.search(r"<h2>\s*\d+\.\d+\.\s+\d+\.", chapter2)  # no double numbering


def test_student_edition_hides_every_solution(ci_book, tmp_path):
    from bs4 import BeautifulSoup

    from mutualism.book.build import render_html

    source = tmp_path / "src"
    shutil.copytree(ci_book / "executed", source)
    render_html(source, tmp_path / "student", strict=True, solutions="hide")
    for chapter in COURSE_CHAPTERS:
        shown = BeautifulSoup((ci_book / "html" / "notebooks" / f"{chapter}.html").read_text(), "html.parser")
        hidden = BeautifulSoup((tmp_path / "student" / "notebooks" / f"{chapter}.html").read_text(), "html.parser")
        assert len(hidden.select(".exercise")) == len(shown.select(".exercise")) > 0
        assert not hidden.select(".solution")
        texts = [s.get_text(" ", strip=True) for s in shown.select(".solution")]
        student = hidden.get_text(" ", strip=True)
        download = (tmp_path / "student" / "_sources" / "notebooks" / f"{chapter}.ipynb").read_text()
        for text in texts:  # no sentence of any solution survives, on the page or in its notebook
            body = text.split("Solution", 1)[-1].strip()[:80]
            assert body and body not in student, body
            words = body.split()[:6]  # the notebook holds the code that spells it out: no f-string of it
            assert " ".join(words) not in download, words
        assert "{solution}" not in download and 'solution("' not in download
        reader_download = (ci_book / "html" / "_sources" / "notebooks" / f"{chapter}.ipynb").read_text()
        assert "{solution}" in reader_download  # the reader's edition keeps them
        # nothing of a removed display is left in its place, and the page says which edition it is
        assert "IPython.core.display" not in student
        assert "Student edition." in student and "student edition" in hidden.title.get_text()
        assert "student edition" not in shown.title.get_text() and "Student edition." not in shown.get_text()
    for page in (tmp_path / "student").rglob("*.html"):  # every page of the edition says so
        if "_static" in page.parts or 'http-equiv="Refresh"' in page.read_text()[:500]:
            continue
        title = BeautifulSoup(page.read_text(), "html.parser").title
        assert title and "(student edition)" in title.get_text(), page.name


def test_strip_solutions_keeps_exercises_and_is_idempotent():
    import nbformat

    from mutualism.book.exercises import STUDENT_NOTE, solution_markdown, strip_solutions

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter"),
                nbformat.v4.new_markdown_cell("## Exercises\n\n```{exercise} One\n:label: ex-one\nWhy?\n```"),
                nbformat.v4.new_code_cell('solution("ex-one", f"{x}")'),
                nbformat.v4.new_code_cell("y = 1")]
    nb.cells[2].outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": solution_markdown("ex-one", "Because xyzzy-plugh."), "text/plain": "<IPython.core.display.Markdown object>"})]
    nb.cells[3].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    assert strip_solutions(nb) == ["ex-one"]
    text = nbformat.writes(nb)
    assert "xyzzy" not in text and "solution(" not in text and "Markdown object" not in text
    assert "remove-cell" in nb.cells[2].metadata["tags"] and nb.cells[3].outputs  # other cells untouched
    assert nb.cells[1].source.startswith("## Exercises\n\n" + STUDENT_NOTE) and "{exercise} One" in nb.cells[1].source
    assert strip_solutions(nb) == [] and nbformat.writes(nb) == text


def test_failed_build_leaves_the_previous_book(tmp_path):
    from mutualism.book.build import ChapterFailed, build_book

    root = tmp_path / "src"
    (root / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "book", root / "book")
    shutil.copy2(ROOT / "notebooks" / "01_theory.py", root / "notebooks" / "01_theory.py")
    params = yaml.safe_load((ROOT / "params" / "ci.yml").read_text())
    params["cache_dir"] = str(tmp_path / "cache")
    params_file = tmp_path / "p.yml"
    params_file.write_text(yaml.safe_dump(params))
    out = tmp_path / "_build"
    index = build_book(params_file, out_dir=out, root=root, quiet=True)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()
              and p.parts[len(out.parts)] in ("html", "executed", "figures")}
    assert index.exists() and any(k.parts[0] == "executed" for k in before)
    source = root / "notebooks" / "01_theory.py"
    source.write_text(source.read_text() + '\n# %%\nraise RuntimeError("planted failure")\n')
    with pytest.raises(ChapterFailed, match="planted failure.*previous book is unchanged"):
        build_book(params_file, out_dir=out, root=root, quiet=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()
             and p.parts[len(out.parts)] in ("html", "executed", "figures")}
    assert after == before  # every file of the previous book, byte for byte
    assert (out / "failed" / "01_theory.ipynb").exists()  # the traceback is kept
    assert not [p for p in out.iterdir() if p.name.endswith(".staging")]


def test_methods_page_leaves_the_developer_notes_out():
    """How a quantity is computed and what it costs stays in docs/METHODS.md, between
    developer markers, and out of the reader's page; a note left open is an error."""
    text = methods_page.methods_file().read_text()
    opened, closed = methods_page.DEVELOPER_NOTE
    assert text.count(opened) == text.count(closed) >= 5
    page = methods_page.for_readers(text)
    for phrase in ("Cost:", "*Computation", "Woodbury", opened, closed):      # notes for developers
        assert phrase in text and phrase not in page, phrase
    for phrase in ("scratch implementation", "must reproduce", "fixture"):     # no developer talk at all
        assert phrase not in text, phrase
    assert not re.search(r"(?<![`\w])\d(?:\.\d+)?e-\d+(?![`\w])", page)     # e-notation only as typed options
    assert methods_page.sections(page) == methods_page.sections(text)   # no heading is lost
    with pytest.raises(MutualismError, match="not closed"):
        methods_page.for_readers(f"## 1. A\n{opened}\ntext\n")
