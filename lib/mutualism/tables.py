"""Paper-style regression tables and the replication scorecard (METHODS.md §8).

Tables are laid out like the paper's Tables 1–7: columns ``(1)…(k)`` headed by the
dependent variable; for each reported regressor the coefficient with significance stars
(``***``/``**``/``*`` at 1/5/10 %) and its standard error in parentheses below; then
extra lines (KP statistics, indirect effects), "Controls" yes/no, fixed effects, N and
R² (including the fixed effects). Each is rendered to HTML (``<table class="regtable"
id="table-k">`` with a caption), Markdown and LaTeX (booktabs).

The scorecard sets every row of ``data/paper_tables.csv`` beside this run's estimate.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import formatting
from .errors import MutualismError, check_option
from .formatting import STAR_NOTE, number, stars
from .resources import read_csv

if TYPE_CHECKING:  # pragma: no cover
    from .results import PaperResults, RegressionTable

FORMATS = ("html", "markdown", "latex")
SCORECARD_RUN_COLUMNS = ("coef_run", "se_run", "stars_run", "n_run", "r2_run", "sign_agrees", "signif_agrees",
                         "ratio")


def table_id(key: str) -> str:
    """HTML id and file stem: ``table-1``, ``table-1-lag`` (files ``table1``, ``table1_lag``)."""
    return "table-1-lag" if key == "1L" else f"table-{key}"


def file_stem(key: str) -> str:
    return "table1_lag" if key == "1L" else f"table{key}"


def grid(table: RegressionTable) -> tuple[list[str], list[list[str]], str]:
    """Header cells, body rows (label + one cell per column) and the note of ``table``."""
    cols = table.columns
    header = ["", *(f"({k + 1})" for k in range(len(cols)))]
    body = [["", *(table.headers or tuple(c.dependent for c in cols))]]
    for name, label in table.rows:
        coef_row, se_row = [label], [""]
        for c in cols:
            if name in c.params.index:
                coef_row.append(formatting.coefficient(c, name))
                se_row.append(f"({number(c.std_errors[name])})")
            else:
                coef_row.append("")
                se_row.append("")
        body += [coef_row, se_row]
    for label, cells in extra_rows(table):
        body.append([label, *cells])
    body.append(["Controls", *("yes" if c.controls else "no" for c in cols)])
    body.append(["Year / industry / partner FE", *("yes" if c.effects else "no" for c in cols)])
    body.append(["N", *(str(c.nobs) for c in cols)])
    body.append(["R²", *(f"{c.rsquared:.4f}" for c in cols)])
    conventions = dict.fromkeys(formatting.conventions(c) for c in cols)
    notes = [formatting.mediation_note(table.mediation) if table.mediation is not None else "", table.note]
    note = " ".join(filter(None, [STAR_NOTE, "Standard errors in parentheses:", *conventions, *notes]))
    return header, body, note


def extra_rows(table: RegressionTable) -> list[tuple[str, tuple[str, ...]]]:
    """The lines below the coefficients: the KP statistics of a 2SLS table (first column)
    and the indirect effects of a mediation table (one cell per outcome column)."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    blank = ("",) * (len(table.columns) - 1)
    if table.iv is not None:
        rows += [("KP rk LM", (formatting.kp_lm(table.iv), *blank)), ("KP rk Wald F", (formatting.kp_wald_f(table.iv), *blank))]
    if table.mediation is not None:
        fx = table.mediation.effects
        rows += [("α1·φ2 (indirect)", ("", *(number(v) for v in fx["indirect"]))),
                 ("Sobel z", ("", *(f"{v:.2f}" for v in fx["sobel_z"]))),
                 ("bootstrap 95% CI", ("", *(formatting.interval(a, b) for a, b in zip(fx["boot_low"], fx["boot_high"])))),
                 ("verdict", ("", *fx["verdict"]))]
    return rows


def to_html(table: RegressionTable) -> str:
    """``<table class="regtable" id="table-k">`` with caption, header, body and a note row."""
    header, body, note = grid(table)
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    rows = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body)
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
    from .fileio import atomic_write

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


def paper_tables() -> pd.DataFrame:
    """The paper's published coefficients (``data/paper_tables.csv``), stars as strings."""
    paper = read_csv("paper_tables.csv").copy()
    paper["stars"] = paper["stars"].fillna("").astype(str)
    return paper


def scorecard(results: PaperResults, paper: pd.DataFrame | None = None) -> pd.DataFrame:
    """This run's estimate beside every published coefficient.

    Returns the columns of ``paper_tables.csv`` plus ``coef_run, se_run, stars_run,
    n_run, r2_run`` and

    * ``sign_agrees`` — the two coefficients have the same sign;
    * ``signif_agrees`` — both are significant at the 10 % level (any star) or neither is
      (compare ``stars`` with ``stars_run`` for the level);
    * ``ratio`` — ``coef_run / coef``.

    Rows of a table that could not be estimated have missing run values (and ``<NA>``
    agreement).

    Raises
    ------
    MutualismError
        A row names a dependent variable or regressor that the run's column does not have
        (a layout mismatch, not a data problem).
    """
    paper = paper_tables() if paper is None else paper.copy()
    paper["stars"] = paper["stars"].fillna("").astype(str)
    runs = []
    for row in paper.itertuples(index=False):
        key = str(row.table)
        if key not in results.tables:
            runs.append({"coef_run": np.nan, "se_run": np.nan, "stars_run": pd.NA, "n_run": pd.NA, "r2_run": np.nan})
            continue
        columns = results.tables[key].columns
        if not 1 <= int(row.column) <= len(columns):
            raise MutualismError(f"paper_tables.csv: table {key} has no column {row.column} in this run")
        res = columns[int(row.column) - 1]
        if res.dependent != row.dependent or row.regressor not in res.params.index:
            raise MutualismError(f"paper_tables.csv: table {key} column {row.column} is {row.dependent} on "
                                 f"{row.regressor}; this run's column is {res.dependent} on {list(res.params.index)}")
        runs.append({"coef_run": float(res.params[row.regressor]), "se_run": float(res.std_errors[row.regressor]),
                     "stars_run": stars(float(res.pvalues[row.regressor])), "n_run": res.nobs,
                     "r2_run": res.rsquared})
    run = pd.DataFrame(runs, index=paper.index)
    out = pd.concat([paper, run], axis=1)
    present = out["coef_run"].notna()
    out["sign_agrees"] = pd.Series(np.sign(out["coef_run"]) == np.sign(out["coef"]), dtype="boolean").where(present)
    out["signif_agrees"] = pd.Series((out["stars"] != "") == (out["stars_run"].fillna("") != ""),
                                     dtype="boolean").where(present)
    out["ratio"] = out["coef_run"] / out["coef"]
    out["n_run"] = out["n_run"].astype("Int64")
    return out


def scorecard_summary(card: pd.DataFrame) -> str:
    """One line: how many published coefficients agree in sign and in significance."""
    done = card["coef_run"].notna()
    return (f"{int(done.sum())} of {len(card)} published coefficients estimated; sign agrees for "
            f"{int(card['sign_agrees'].fillna(False).sum())}, significance (10 % level) agrees for "
            f"{int(card['signif_agrees'].fillna(False).sum())}.")


def render_scorecard(card: pd.DataFrame, fmt: str = "html") -> str:
    """The scorecard for the book (``html``) or a report (``markdown``), with its summary line."""
    check_option("fmt", fmt, ("html", "markdown"))
    shown = card[["table", "column", "dependent", "regressor", "coef", "stars", "coef_run", "stars_run", "se",
                  "se_run", "n", "n_run", "r2", "r2_run", "sign_agrees", "signif_agrees", "ratio"]]
    if fmt == "markdown":
        return shown.to_markdown(index=False, floatfmt=".4f") + "\n\n" + scorecard_summary(card) + "\n"
    table = shown.to_html(index=False, float_format=number, na_rep="–", classes="scorecard",
                          table_id="scorecard")
    return f"{table}\n<p>{html.escape(scorecard_summary(card))}</p>"
