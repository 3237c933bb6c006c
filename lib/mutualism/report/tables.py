"""Paper-style regression tables and the replication scorecard (METHODS.md §8).

Tables are laid out like the paper's Tables 1–7: columns ``(1)…(k)`` headed by the
dependent variable; for each reported regressor the coefficient with significance stars
(``***``/``**``/``*`` at 1/5/10 %) and its standard error in parentheses below; then
extra lines (KP statistics, indirect effects), "Controls" yes/no, fixed effects, N and
R² (including the fixed effects). Each is rendered to HTML (``<table class="regtable"
id="table-k">`` with a caption), Markdown and LaTeX (booktabs).

The scorecard sets every row of ``data/paper_tables.csv`` beside this run's estimate and
its stored agreement verdict. The paper's cells come from the one lookup
:func:`mutualism.core.published.published` (``None``: not reported, the cell stays empty).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import formatting
from ..core.errors import MutualismError, check_option
from .formatting import STAR_NOTE, decimals_for, integer, number, stars, variable_label
from ..core.published import paper_tables, published
from ..econometrics.paper import paper_iv_diagnostics

if TYPE_CHECKING:  # pragma: no cover
    from ..econometrics.results import PaperResults, RegressionTable

FORMATS = ("html", "markdown", "latex")
SCORECARD_RUN_COLUMNS = ("coef_run", "se_run", "stars_run", "n_run", "r2_run", "sign_agrees", "stars_agree",
                         "agrees", "agreement")
PAPER_ROW = "paper"
PAPER_NOTE = ("Rows 'paper': the published coefficient with stars and, below it, its standard error (or the "
              "statistic, N and R²) of Liu, Zhou & Zeng (2023) for the same cell (data/paper_tables.csv).")
PAPER_UNITS_NOTE = ("The paper's coefficients and standard errors are converted to this run's units: {units}, "
                    "where the paper uses the share itself; stars and R² do not depend on the unit.")
#: Label of the row under a "paper" row that holds the published standard errors.
PAPER_SE_ROW = ""


def table_id(key: str) -> str:
    """HTML id and file stem: ``table-1``, ``table-1-lag`` (files ``table1``, ``table1_lag``)."""
    return "table-1-lag" if key == "1L" else f"table-{key}"


def file_stem(key: str) -> str:
    return "table1_lag" if key == "1L" else f"table{key}"


def _published_row(table: RegressionTable, column: int, dependent: str, name: str) -> pd.Series | None:
    """The paper's row of the same cell (same dependent variable), or None."""
    row = published(table.key, column, table.paper_name(name))
    return None if row is None or row["dependent"] != table.paper_name(dependent) else row


def paper_factor(table: RegressionTable, dependent: str, name: str) -> float:
    """The factor that puts the paper's coefficient (and standard error) of ``name`` on
    ``dependent`` into this run's units: the paper's variables are unscaled, this run's
    are multiplied by ``table.scales`` (RVC in per cent, :data:`mutualism.econometrics.paper.SCALES`),
    so a scaled dependent multiplies the coefficient and a scaled regressor divides it."""
    scales = table.scales or {}
    return float(scales.get(dependent, 1.0)) / float(scales.get(name, 1.0))


def _published_cells(table: RegressionTable, column: int, dependent: str, name: str) -> tuple[str, str]:
    """The paper's coefficient with stars and its standard error in parentheses, in this
    run's units (:func:`paper_factor`); empty when the paper does not report the cell."""
    row = _published_row(table, column, dependent, name)
    if row is None:
        return "", ""
    factor = paper_factor(table, dependent, name)
    coef, se = float(row["coef"]) * factor, float(row["se"]) * factor
    d = max(0, 4 - round(np.log10(factor)))  # the published four decimals, shifted with the unit
    se_text = f"({number(se, d)})" if np.isfinite(se) else ""
    return f"{number(coef, d)}{row['stars']}", se_text


def _published_sample(table: RegressionTable, column: int) -> tuple[str, str]:
    """The paper's N and R² of ``column`` (from the first of its regressors the paper reports), or empty."""
    rows = (published(table.key, column, table.paper_name(name)) for name, _ in table.rows)
    row = next((r for r in rows if r is not None), None)
    if row is None:
        return "", ""
    n, r2 = row["n"], row["r2"]
    return (integer(int(n)) if pd.notna(n) else ""), (f"{float(r2):.4f}" if pd.notna(r2) else "")


def table_decimals(table: RegressionTable) -> int:
    """One fixed number of decimals for every coefficient and standard error of ``table``
    (:func:`~mutualism.report.formatting.decimals_for`)."""
    values = [v for name, _ in table.rows for c in table.columns if name in c.params.index
              for v in (c.params[name], c.std_errors[name])]
    return decimals_for(values)


def grid(table: RegressionTable) -> tuple[list[str], list[list[str]], str]:
    """Header cells, body rows (label + one cell per column) and the note of ``table``.

    Under each regressor's coefficient (with stars) and standard error comes a row
    "paper" with the published coefficient of the same cell, when the paper reports one.
    Coefficients and standard errors share one number of decimals (:func:`table_decimals`);
    variables are named in words; counts are integers.
    """
    cols = table.columns
    d = table_decimals(table)
    header = ["", *(f"({k + 1})" for k in range(len(cols)))]
    dependents = table.headers or tuple(c.dependent for c in cols)
    body = [["Dependent variable", *(variable_label(h, table.scales) for h in dependents)]]
    converted = False
    for name, _ in table.rows:
        coef_row, se_row = [variable_label(name, table.scales)], [""]
        paper_row, paper_se = [PAPER_ROW], [PAPER_SE_ROW]
        for k, c in enumerate(cols):
            present = name in c.params.index
            coef_row.append(formatting.coefficient(c, name, d) if present else "")
            se_row.append(f"({number(c.std_errors[name], d)})" if present else "")
            theirs = _published_cells(table, k + 1, c.dependent, name) if present else ("", "")
            converted |= bool(theirs[0]) and paper_factor(table, c.dependent, name) != 1.0
            paper_row.append(theirs[0])
            paper_se.append(theirs[1])
        body += [coef_row, se_row]
        if any(paper_row[1:]):
            body += [paper_row, paper_se]
    for label, cells in extra_rows(table):
        body.append([label, *cells])
    body.append(["Controls", *("yes" if c.controls else "no" for c in cols)])
    body.append(["Year, industry and partner fixed effects", *("yes" if c.effects else "no" for c in cols)])
    samples = [_published_sample(table, k + 1) for k in range(len(cols))]
    body.append(["Observations (N)", *(integer(c.nobs) for c in cols)])
    if any(n for n, _ in samples):
        body.append([PAPER_ROW, *(n for n, _ in samples)])
    body.append(["R² (with fixed effects)", *(f"{c.rsquared:.4f}" for c in cols)])
    if any(r2 for _, r2 in samples):
        body.append([PAPER_ROW, *(r2 for _, r2 in samples)])
    conventions = dict.fromkeys(formatting.conventions(c) for c in cols)
    has_paper = any(row[0] == PAPER_ROW for row in body)
    dummy = next((n.split(" x ", 1)[1] for n, _ in table.rows if " x " in n), "D")
    notes = [formatting.scale_note(table.scales),
             formatting.heterogeneity_note(dummy) if table.heterogeneity else "",
             formatting.mediation_note(table.mediation) if table.mediation is not None else "", table.note,
             formatting.sample_note(table.sample), PAPER_NOTE if has_paper else "",
             PAPER_UNITS_NOTE.format(units=formatting.scale_note(table.scales).rstrip(".")) if converted else ""]
    note = " ".join(filter(None, [STAR_NOTE, "Standard errors in parentheses:", *conventions, *notes]))
    return header, body, note


def extra_rows(table: RegressionTable) -> list[tuple[str, tuple[str, ...]]]:
    """The lines below the coefficients: the KP statistics of a 2SLS table (first column),
    the heterogeneity verdicts of an interaction table (this run's and the paper's) and,
    for a mediation table, the indirect effect, Sobel z, bootstrap interval and the
    verdicts of this run and of the paper (METHODS.md §8; one cell per outcome column)."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    blank = ("",) * (len(table.columns) - 1)
    if table.iv is not None:
        theirs = paper_iv_diagnostics()
        rows += [("Kleibergen–Paap rk LM (p-value)", (formatting.kp_lm(table.iv), *blank))]
        if np.isfinite(theirs["kp_lm"]):
            rows.append((PAPER_ROW, (f"{theirs['kp_lm']:.2f}", *blank)))
        rows.append(("Kleibergen–Paap rk Wald F", (formatting.kp_wald_f(table.iv), *blank)))
        if np.isfinite(theirs["wald_f"]):
            rows.append((PAPER_ROW, (f"{theirs['wald_f']:.2f}", *blank)))
    if table.heterogeneity:
        ys = [c.dependent for c in table.columns]
        rows += [("Difference, this run", tuple(table.heterogeneity[y].label if y in table.heterogeneity else ""
                                                for y in ys)),
                 ("Difference, paper", tuple(table.paper_heterogeneity[y].label if y in table.paper_heterogeneity
                                             else "not reported" for y in ys))]
    med = table.mediation
    if med is not None:
        fx = med.effects
        d = decimals_for([*fx["indirect"], *fx["boot_low"], *fx["boot_high"]])
        cov = formatting.COV_WORDS.get(med.mediator_equation.cov_type, "")
        unit = f"resampling {med.bootstrap_unit}"
        outcomes = list(fx.index)
        rows += [("Indirect effect α1·φ2", ("", *(number(v, d) for v in fx["indirect"]))),
                 (f"Sobel z ({cov} s.e.)", ("", *(f"{v:.2f}" for v in fx["sobel_z"]))),
                 (f"Bootstrap {med.level:.0%} interval ({unit})",
                  ("", *(f"[{number(a, d)}, {number(b, d)}]" if np.isfinite(a) else "not run"
                         for a, b in zip(fx["boot_low"], fx["boot_high"])))),
                 ("Verdict, this run", ("", *(med.verdicts[y].label if y in med.verdicts else "" for y in outcomes))),
                 ("Verdict, paper", ("", *(med.paper_verdicts[y].label if y in med.paper_verdicts else "not reported"
                                           for y in outcomes)))]
    return rows


_NUMERIC = re.compile(r"^[\s\d.,()\[\]*+\-−–]+$")


def _td(text: str, position: int) -> str:
    """One body cell: numbers (coefficients, errors, intervals) never break across lines
    (class ``num``); words (labels, verdicts) wrap, so that a table fits the page."""
    kind = "label" if position == 0 else "num" if _NUMERIC.match(text or "0") else "words"
    return f'<td class="{kind}">{html.escape(text)}</td>'


def to_html(table: RegressionTable) -> str:
    """``<table class="regtable" id="table-k">`` with caption, header, body and a note row."""
    header, body, note = grid(table)
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    lines, previous = [], ""
    for row in body:
        paper_line = row[0] == PAPER_ROW or (row[0] == PAPER_SE_ROW and previous == PAPER_ROW)
        lines.append(("<tr class=\"paper\">" if paper_line else "<tr>")
                     + "".join(_td(c, k) for k, c in enumerate(row)) + "</tr>")
        previous = row[0]
    rows = "\n".join(lines)
    return (f'<table class="regtable" id="{table_id(table.key)}">\n<caption>{esc(table.title)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n"
            f'<tfoot><tr><td colspan="{len(header)}">{esc(note)}</td></tr></tfoot>\n</table>')


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def to_markdown(table: RegressionTable) -> str:
    """A pipe table under a bold title, with the note below."""
    header, body, note = grid(table)
    lines = [f"**{table.title}**", "", "| " + " | ".join(header) + " |",
             "|" + "|".join([":---", *["---:"] * (len(header) - 1)]) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
    return "\n".join([*lines, "", _md_cell(note), ""])


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
_LATEX_UNICODE = {"×": r"$\times$", "−": "-", "–": "--", "²": r"$^2$", "α1": r"$\alpha_1$", "φ2": r"$\varphi_2$",
                  "α": r"$\alpha$", "φ": r"$\varphi$", "·": r"$\cdot$", "≤": r"$\leq$"}


def latex_escape(text: str) -> str:
    """Escape LaTeX specials and map the few non-ASCII symbols the tables use."""
    out = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)
    for key, value in _LATEX_UNICODE.items():
        out = out.replace(key, value)
    return out.replace("*", r"$^{*}$").replace(r"$^{*}$$^{*}$", r"$^{**}$").replace(r"$^{**}$$^{*}$", r"$^{***}$")


def to_latex(table: RegressionTable) -> str:
    """A ``table`` environment with a booktabs ``tabular`` and the note as a footnote row."""
    header, body, note = grid(table)
    ncol = len(header)
    rows = [" & ".join(latex_escape(c) for c in row) + r" \\" for row in body]
    label = table_id(table.key)
    return "\n".join([r"\begin{table}[htbp]", r"\centering", rf"\caption{{{latex_escape(table.title)}}}",
                      rf"\label{{{label}}}", rf"\begin{{tabular}}{{l{'c' * (ncol - 1)}}}", r"\toprule",
                      " & ".join(latex_escape(h) for h in header) + r" \\", r"\midrule", *rows, r"\bottomrule",
                      rf"\multicolumn{{{ncol}}}{{p{{0.9\linewidth}}}}{{\footnotesize {latex_escape(note)}}} \\",
                      r"\end{tabular}", r"\end{table}", ""])


def render(table: RegressionTable, fmt: str = "html") -> str:
    """Render ``table`` as ``html``, ``markdown`` or ``latex``."""
    check_option("fmt", fmt, FORMATS)
    return {"html": to_html, "markdown": to_markdown, "latex": to_latex}[fmt](table)


def render_failure(key: str, message: str, fmt: str = "html", title: str | None = None) -> str:
    """What a table that could not be estimated shows instead (its title and the reason)."""
    check_option("fmt", fmt, FORMATS)
    title = title or f"Table {key}"
    text = f"not estimated: {message}"
    if fmt == "html":
        return (f'<table class="regtable" id="{table_id(key)}"><caption>{html.escape(title)}</caption>'
                f"<tbody><tr><td>{html.escape(text)}</td></tr></tbody></table>")
    if fmt == "markdown":
        return f"**{title}**\n\n{_md_cell(text)}\n"
    return f"% {title}\n% {text}\n"


def write_tables(results: PaperResults, out_dir: str | Path) -> list[Path]:
    """Write every table as ``table<k>.html/.md/.tex`` (``table1_lag.*`` for the lagged Table 1)."""
    from ..core.fileio import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, title in results.titles.items():
        for fmt, ext in (("html", "html"), ("markdown", "md"), ("latex", "tex")):
            text = (render(results.tables[key], fmt) if key in results.tables
                    else render_failure(key, results.failures.get(key, "not run"), fmt, title))
            path = out / f"{file_stem(key)}.{ext}"
            atomic_write(path, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
            written.append(path)
    return written


# ----- scorecard --------------------------------------------------------------------
def render_all(results: PaperResults, fmt: str = "html") -> str:
    """Every table of ``results`` (or why it could not be estimated), in the paper's order."""
    return "\n".join(render(results.tables[k], fmt) if k in results.tables
                     else render_failure(k, results.failures.get(k, "not run"), fmt, title)
                     for k, title in results.titles.items())


def scorecard(results: PaperResults) -> pd.DataFrame:
    """This run's estimate beside every published coefficient (METHODS.md §8 agreement).

    Returns the columns of ``paper_tables.csv`` plus ``coef_run, se_run, stars_run,
    n_run, r2_run`` and, from the :func:`mutualism.core.verdict.agreement` stored on the
    run's table (``RegressionTable.agreements``, computed once by
    :func:`mutualism.econometrics.paper.judge`),

    * ``sign_agrees`` — both coefficients have the same (non-zero) sign;
    * ``stars_agree`` — the same significance class (``***``, ``**``, ``*`` or none; ``***``
      vs ``**`` disagree);
    * ``agrees`` — both; ``agreement`` — the verdict's label.

    Rows of a table that could not be estimated have missing run values and ``<NA>``
    agreement (they are not among the rows compared).

    Raises
    ------
    MutualismError
        A row names a dependent variable or regressor that the run's column does not have
        (a layout mismatch, not a data problem).
    """
    paper = paper_tables()
    runs = []
    for row in paper.itertuples(index=False):
        key = str(row.table)
        if key not in results.tables:
            runs.append({"coef_run": np.nan, "se_run": np.nan, "stars_run": pd.NA, "n_run": pd.NA, "r2_run": np.nan,
                         "sign_agrees": pd.NA, "stars_agree": pd.NA, "agrees": pd.NA, "agreement": "not estimated"})
            continue
        table = results.tables[key]
        columns = table.columns
        if not 1 <= int(row.column) <= len(columns):
            raise MutualismError(f"paper_tables.csv: table {key} has no column {row.column} in this run")
        res = columns[int(row.column) - 1]
        dependent = table.aliases.get(row.dependent, row.dependent)
        regressor = table.aliases.get(row.regressor, row.regressor)
        agree = table.agreements.get((int(row.column), regressor))
        if res.dependent != dependent or regressor not in res.params.index or agree is None:
            raise MutualismError(f"paper_tables.csv: table {key} column {row.column} is {row.dependent} on "
                                 f"{row.regressor}; this run's column is {res.dependent} on {list(res.params.index)}")
        runs.append({"coef_run": float(res.params[regressor]), "se_run": float(res.std_errors[regressor]),
                     "stars_run": agree.stars, "n_run": res.nobs, "r2_run": res.rsquared,
                     "sign_agrees": agree.sign_agrees, "stars_agree": agree.stars_agree, "agrees": agree.agrees,
                     "agreement": agree.label})
    run = pd.DataFrame(runs, index=paper.index)
    for col in ("sign_agrees", "stars_agree", "agrees"):
        run[col] = run[col].astype("boolean")
    out = pd.concat([paper, run], axis=1)
    out["n_run"] = out["n_run"].astype("Int64")
    return out


def agreement_counts(card: pd.DataFrame) -> dict[str, int]:
    """Rows compared (estimated in this run), and how many agree in sign, in stars and in both."""
    done = card["coef_run"].notna()
    return {"compared": int(done.sum()), "rows": len(card),
            "sign": int(card.loc[done, "sign_agrees"].astype(bool).sum()),
            "stars": int(card.loc[done, "stars_agree"].astype(bool).sum()),
            "both": int(card.loc[done, "agrees"].astype(bool).sum())}


def _count(k: int, n: int) -> str:
    return f"none of the {n}" if k == 0 and n > 0 else f"{k} of {n}"


def scorecard_summary(card: pd.DataFrame) -> str:
    """The headline: how many of the compared coefficients agree in sign and stars."""
    c = agreement_counts(card)
    text = (f"{_count(c['both'], c['compared'])} published coefficients compared agree in sign and stars "
            f"(the same significance class: ***, **, * or none); {_count(c['sign'], c['compared'])} agree in sign.")
    if c["compared"] < c["rows"]:
        text += f" {c['rows'] - c['compared']} of the {c['rows']} were not estimated in this run."
    return text


_MARK = {True: "✓", False: "✗"}


def _scorecard_rows(card: pd.DataFrame, titles, scales) -> list[tuple[str, list[list[str]]]]:
    """(group title, rows) per table, in the card's order."""
    groups = []
    for key, part in card.groupby(card["table"].astype(str), sort=False):
        units = scales.get(key, {})
        values = [v for v in [*part["coef_run"], *part["coef"]] if pd.notna(v)]
        d = decimals_for(values)
        c = agreement_counts(part)
        title = titles.get(key, f"Table {key}")
        head = (f"{title}: {_count(c['both'], c['compared'])} agree in sign and stars" if c["compared"]
                else f"{title}: not estimated in this run")
        rows = []
        for r in part.itertuples(index=False):
            run = "" if pd.isna(r.coef_run) else f"{number(r.coef_run, d)}{r.stars_run}"
            factor = float(units.get(r.dependent, 1.0)) / float(units.get(r.regressor, 1.0))
            paper_d = max(0, 4 - round(np.log10(factor)))
            rows.append([f"({r.column})", variable_label(r.dependent, units), variable_label(r.regressor, units),
                         f"{number(float(r.coef) * factor, paper_d)}{r.stars}",
                         run or "not estimated",
                         "–" if pd.isna(r.sign_agrees) else _MARK[bool(r.sign_agrees)],
                         "–" if pd.isna(r.stars_agree) else _MARK[bool(r.stars_agree)]])
        groups.append((head, rows))
    return groups


SCORECARD_HEADER = ("Column", "Dependent variable", "Regressor", "Paper", "This run", "Sign agrees", "Stars agree")


def render_scorecard(card: pd.DataFrame, fmt: str = "html", titles=None, scales=None) -> str:
    """The scorecard grouped by table, with its headline (``html`` or ``markdown``).

    One line per published coefficient: the paper's coefficient and stars, this run's, and
    ✓/✗ for the sign and for the significance class (:func:`mutualism.core.verdict.agreement`).
    ``titles`` maps a table key to its title (default: the keys); ``scales`` a table key to
    its :attr:`~mutualism.econometrics.results.RegressionTable.scales` (RVC in per cent), for the labels.
    """
    check_option("fmt", fmt, ("html", "markdown"))
    groups = _scorecard_rows(card, dict(titles or {}), dict(scales or {}))
    headline = scorecard_summary(card)
    used = {v: f for units in dict(scales or {}).values() for v, f in (units or {}).items()
            if v in set(card["dependent"]) | set(card["regressor"])}
    if used:
        headline += " " + PAPER_UNITS_NOTE.format(units=formatting.scale_note(used).rstrip("."))
    caption = "Replication scorecard: this run against the paper's published coefficients"
    if fmt == "markdown":
        lines = [f"**{caption}**", "", headline, "", "| " + " | ".join(SCORECARD_HEADER) + " |",
                 "|" + "|".join([":---"] * 3 + ["---:"] * 2 + [":---:"] * 2) + "|"]
        for head, rows in groups:
            lines.append(f"| **{_md_cell(head)}** |" + " |" * (len(SCORECARD_HEADER) - 1))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
        return "\n".join([*lines, "", _md_cell(STAR_NOTE), ""])
    esc = html.escape
    body = []
    for head, rows in groups:
        body.append(f'<tr class="group"><th colspan="{len(SCORECARD_HEADER)}">{esc(head)}</th></tr>')
        body += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows]
    thead = "".join(f"<th>{esc(h)}</th>" for h in SCORECARD_HEADER)
    return (f'<table class="scorecard" id="scorecard">\n<caption>{esc(caption)}</caption>\n'
            f"<thead><tr>{thead}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n"
            f'<tfoot><tr><td colspan="{len(SCORECARD_HEADER)}">{esc(headline)} {esc(STAR_NOTE)}</td></tr></tfoot>'
            "\n</table>")


# ----- any small table, captioned ----------------------------------------------------
def _cell(value, decimals: int) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return integer(value)
    if isinstance(value, (float, np.floating)):
        return number(float(value), decimals)
    return str(value)


def frame_cells(frame: pd.DataFrame, *, index: bool = False, labels=None) -> tuple[list[str], list[list[str]]]:
    """Header and body cells of ``frame`` under the number policy of :mod:`mutualism.report.formatting`.

    Booleans print as yes/no, missing values as "–", integers (and float columns whose
    values are all whole numbers, such as counts) with thousands separators, other floats in
    one fixed number of decimals per column (:func:`~mutualism.report.formatting.decimals_for`).
    ``labels`` renames columns (and the index name).
    """
    labels = dict(labels or {})
    shown = frame.reset_index() if index else frame
    header = [labels.get(str(c), str(c)) for c in shown.columns]
    columns = []
    for c in shown.columns:
        values = list(shown[c])
        floats = [float(v) for v in values if isinstance(v, (float, np.floating)) and np.isfinite(v)]
        whole = bool(floats) and all(v == int(v) for v in floats) and all(abs(v) < 1e15 for v in floats)
        d = decimals_for(floats)
        columns.append([integer(v) if whole and isinstance(v, (float, np.floating)) and np.isfinite(v) else _cell(v, d)
                        for v in values])
    body = [list(row) for row in zip(*columns)] if columns else []
    return header, body


def render_frame(frame: pd.DataFrame, caption: str, fmt: str = "html", *, table_id: str | None = None,
                 classes: str = "", index: bool = False, labels=None, note: str = "") -> str:
    """A small table (sample, data quality, descriptives, robustness, options…) with a
    caption and optional note, its cells formatted by :func:`frame_cells` (no "None", no
    ``4712.0000``)."""
    check_option("fmt", fmt, ("html", "markdown"))
    header, body = frame_cells(frame, index=index, labels=labels)
    if fmt == "markdown":
        lines = [f"**{_md_cell(caption)}**", "", "| " + " | ".join(_md_cell(h) for h in header) + " |",
                 "|" + "|".join(["---"] * len(header)) + "|"]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
        return "\n".join([*lines, *(["", _md_cell(note)] if note else []), ""])
    esc = html.escape
    ident = f' id="{esc(table_id)}"' if table_id else ""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    rows = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body)
    foot = f'<tfoot><tr><td colspan="{len(header)}">{esc(note)}</td></tr></tfoot>\n' if note else ""
    return (f'<table class="{esc(" ".join(filter(None, ["frame", classes])))}"{ident}>\n<caption>{esc(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n{foot}</table>")


def mediation_frame(med) -> pd.DataFrame:
    """The indirect effects of one mediation (METHODS.md §8), one row per index, columns in words."""
    fx = med.effects
    d = decimals_for([*fx["indirect"], *fx["sobel_se"], *fx["boot_low"], *fx["boot_high"]])
    rows = []
    for y, r in fx.iterrows():
        rows.append({"Index": variable_label(y), "α1": r["alpha1"], "φ1": r["phi1"], "φ2": r["phi2"],
                     "Indirect effect α1·φ2": r["indirect"], "Sobel s.e.": r["sobel_se"], "Sobel z": f"{r['sobel_z']:.2f}",
                     "Sobel p": formatting.p_value(float(r["sobel_p"]), spaced=False).removeprefix("p").removeprefix("="),
                     f"Bootstrap {med.level:.0%} interval": (f"[{number(r['boot_low'], d)}, {number(r['boot_high'], d)}]"
                                                            if np.isfinite(r["boot_low"]) else "not run"),
                     "Verdict, this run": med.verdicts[y].label,
                     "Verdict, paper": med.paper_verdicts[y].label if y in med.paper_verdicts else "not reported"})
    return pd.DataFrame(rows)


def render_mediation(med, fmt: str = "html") -> str:
    """The indirect-effect table of one mediation, captioned, in words (instead of the raw
    ``MediationResult.effects``)."""
    mediator = med.mediator_equation.dependent
    caption = f"Indirect effects of ln ITR through {variable_label(mediator, {mediator: med.scale})}"
    return render_frame(mediation_frame(med), caption, fmt, table_id=f"mediation-{mediator.lower()}",
                        classes="mediation", note=formatting.mediation_note(med))


def sample_loss_frame(loss) -> pd.DataFrame:
    """What an estimation sample lost (a :class:`~mutualism.econometrics.results.SampleLoss`), one row per
    partner or partner × industry cell left with no row and per variable lacking in some
    rows, in words (METHODS.md §8; for chapter 3's sample table)."""
    rows = [{"Lost": f"partner {p}", "Missing": ", ".join(formatting.short_label(v) for v in vs)}
            for p, vs in loss.partners.items()]
    rows += [{"Lost": f"cell {p} × {i}", "Missing": ", ".join(formatting.short_label(v) for v in vs)}
             for (p, i), vs in loss.cells.items()]
    rows += [{"Lost": f"{integer(n)} rows", "Missing": formatting.short_label(v)} for v, n in loss.by_variable.items()]
    rows += [{"Lost": "nothing (omitted control)", "Missing": f"{formatting.short_label(c)}: {why}"}
             for c, why in loss.omitted.items()]
    return pd.DataFrame(rows, columns=["Lost", "Missing"])
