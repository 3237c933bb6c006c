"""The ``mutualism`` command line: thin argparse wrappers over the library.

Each subcommand has ``--help``. The flags of the run options (``--fva``, ``--itr-attribution``,
``--mediator-form``, …) are made from the :class:`~mutualism.core.config.Params` fields'
metadata (:func:`add_run_options`): their names, valid values, defaults and help are written
once, in :mod:`mutualism.core.config`. Every option and output path is checked before any table
is read (:func:`_preflight`). A usage error (an unknown flag, a value outside a flag's
choices) is one line, ``mutualism: error: argument --fva: invalid choice: …``, exit status 2.
Errors caused by input (:class:`~mutualism.core.errors.MutualismError`) are printed as one
line, ``mutualism: error: …``, without a traceback; the exit codes are
:data:`mutualism.core.errors.EXIT_CODES_HELP` (0 success, 1 ``validate`` found the table invalid,
2 bad input or usage, 3 internal error with its traceback, 130 SIGINT, 143
SIGTERM, 129 SIGHUP). SIGTERM and SIGHUP raise :class:`~mutualism.core.errors.Terminated`, so
staged folders and atomic writes clean up and the previous output stays complete (or the
new one, when the interrupt came after it was swapped in: the closing line says which).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from .core.errors import (EXIT_BUG, EXIT_CODES_HELP, EXIT_INPUT, EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM,
                          MutualismError, OutputError, Terminated, UnknownOptionError)


# Sections below that end with ``_EXTRA.append(_add_x)`` register further subcommands
# (estimate, book); the four core subcommands are listed in build_parser.
_EXTRA: list = []


class _Parser(argparse.ArgumentParser):
    """A usage error as one line naming the flag, instead of argparse's usage block and message."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"mutualism: error: {message} (see `{self.prog} --help`)\n")


#: Subcommands that read the run options from a parameter file (``--params``): a run-option
#: flag given there overrides the file's value (its default, ``None``, leaves the file's).
FROM_FILE = ("multiverse",)


def add_run_options(p, command: str) -> None:
    """Add to the parser ``p`` of ``command`` one flag per :class:`~mutualism.core.config.Params`
    field whose :class:`~mutualism.core.config.Option` lists ``command``: its flag, choices,
    default (the field's; ``None`` under :data:`FROM_FILE`), and its help with the METHODS section."""
    from .core.config import Params, options, plain

    defaults = Params().as_dict()
    for name, option in options().items():
        if command not in option.commands:
            continue
        default = None if command in FROM_FILE else defaults[name]
        shown = "the parameter file's" if command in FROM_FILE else plain(default)
        text = f"{option.help} (METHODS {option.section}; default: {shown})".replace("`", "").replace("%", "%%")
        flag = option.cli_flag(name)
        p.add_argument(flag, dest=name, default=default, choices=option.choices, type=_flag_type(option), help=text,
                       metavar=None if option.choices else flag.lstrip("-").upper().replace("-", "_"))


def _flag_type(option):
    """A flag's conversion: text, or a number refused in one line with the valid values."""
    if option.type is None:
        return str

    def convert(text: str):
        try:
            return option.type(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not valid; give {option.valid_values()}".replace("`", ""))
    convert.__name__ = option.type.__name__
    return convert


def params_from_args(args, base=None):
    """The :class:`~mutualism.core.config.Params` of a subcommand's run-option flags (the fields
    it does not take keep ``base``'s values, by default the defaults). A value a flag gave that
    ``Params`` refuses is one line naming the flag (``--winsor: winsor=0.7 is not valid; …``)."""
    from .core.config import Params, options

    given = {name: getattr(args, name) for name, option in options().items() if args.command in option.commands}
    if args.command in FROM_FILE:
        given = {name: value for name, value in given.items() if value is not None}
    try:
        return Params(**given) if base is None else base.with_(**given)
    except UnknownOptionError as error:
        name = getattr(error, "parameter", None)
        if name in given:
            raise UnknownOptionError(f"{options()[name].cli_flag(name)}: {error}") from None
        raise


class Timer:
    """Collects ``load X s, compute Y s, write Z s`` for the closing timing line."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.spent[phase] = self.spent.get(phase, 0.0) + time.perf_counter() - t0

    def line(self) -> str:
        return ", ".join(f"{k} {self.spent.get(k, 0.0):.2f} s" for k in ("load", "compute", "write"))


TABLE_SUFFIXES = (".parquet", ".csv", ".csv.gz")


def check_output(out: str, *, folder: bool = False, suffixes: Sequence[str] = (), option: str = "--out",
                 replaced_if: Sequence[str] = ()) -> None:
    """Refuse an output path before any computing: wrong extension, a file where a folder is
    written (or the reverse), or a location that cannot be written (read-only folder).

    ``replaced_if`` names entries that mark an earlier output of the same command: a folder
    that is replaced whole must be new, empty or hold one of them (so that ``--out .`` or
    ``--out ~/Documents`` is refused instead of replaced), and never the current folder.
    """
    path = Path(out)
    if replaced_if and path.is_dir():
        here = Path.cwd().resolve()
        if path.resolve() == here or path.resolve() in here.parents:
            raise OutputError(f"{option} {out!r} is the current folder or contains it; it would be replaced whole")
        if any(path.iterdir()) and not any((path / name).exists() for name in replaced_if):
            raise OutputError(f"{option} {out!r} exists and is not an earlier output of this command (it has no "
                              f"{' or '.join(replaced_if)}); it would be replaced whole: give a new folder")
    if suffixes and not path.name.endswith(tuple(suffixes)):
        raise OutputError(f"{option} {out!r}: use a {', '.join(suffixes[:-1])} or {suffixes[-1]} file name")
    if folder and path.exists() and not path.is_dir():
        raise OutputError(f"{option} {out!r} is a file; give a folder (it is replaced whole by the new output)")
    if not folder and path.is_dir():
        raise OutputError(f"{option} {out!r} is a folder; give a file name")
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{option} {out!r}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK) or not parent.stat().st_mode & 0o222:  # (root ignores modes)
        raise OutputError(f"{option} {out!r}: the folder {parent} is read-only")


def _write_table(df, out: str) -> None:
    """Write a DataFrame to ``.parquet``, ``.csv`` or ``.csv.gz`` (atomically)."""
    from .core.fileio import atomic_write

    check_output(out, suffixes=TABLE_SUFFIXES)
    path = Path(out)
    if path.suffix == ".parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, compression="gzip" if path.name.endswith(".gz") else None))


# ----- synth ------------------------------------------------------------------------
def _add_synth(sub) -> None:
    from .core.config import Params

    load = Params().load_years  # the tables the default run reads
    p = sub.add_parser("synth", help="write the synthetic world (tables and control data)",
                       description="Generate the deterministic synthetic world (METHODS §1, §6) and write it.")
    add_run_options(p, "synth")
    p.add_argument("--years", default=f"{load[0]}-{load[-1]}",
                   help=f"A-B or a comma list (default {load[0]}-{load[-1]}: the years the default run loads)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--format", choices=["pymrio", "eora26"], default="pymrio",
                   help="pymrio saved folders (default) or Eora26's text-file layout")
    p.set_defaults(func=_run_synth)


def _run_synth(args) -> int:
    from .core.config import parse_years
    from .io.synthetic import write_world

    written = write_world(args.out, size=args.synthetic_size, years=parse_years(args.years), seed=args.seed,
                          format=args.format)
    print(f"wrote {len(written)} files under {args.out} (the folder was replaced whole)")
    return 0


# ----- validate ---------------------------------------------------------------------
def _add_validate(sub) -> None:
    from .core.config import SOURCES

    p = sub.add_parser("validate", help="check one year of a table and print a report",
                       description="Load one year, apply METHODS §1's checks and print dimensions, totals, "
                                   "balance residuals, zero-output and negative-final-demand counts. "
                                   "Exits 1 on an invalid table.")
    p.add_argument("path", help="pymrio saved folder (or a folder of years), Eora26 folder/zip")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--source", choices=[s for s in SOURCES if s != "synthetic"], default=None,
                   help="default: guessed from the path")
    add_run_options(p, "validate")
    p.set_defaults(func=_run_validate)


def _run_validate(args) -> int:
    from .io.sources import validation_report

    ok, text = validation_report(args.path, args.year, source=args.source, concordance=args.concordance)
    print(text)
    return 0 if ok else 1


# ----- wwz --------------------------------------------------------------------------
def _add_wwz(sub) -> None:
    p = sub.add_parser("wwz", help="16-term Wang–Wei–Zhu decomposition of one year (METHODS §9); "
                                   "an alias of `decompose --method wwz`")
    p.add_argument("--mrio", required=True, help="pymrio saved folder or Eora26 folder")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True, help=".parquet or .csv.gz")
    add_run_options(p, "wwz")
    p.set_defaults(func=_run_wwz)


def _run_wwz(args) -> int:
    """`mutualism wwz`: an alias of `mutualism decompose --method wwz`."""
    args.method, args.exporters, args.output = "wwz", None, "terms"
    return _run_decompose(args)


# ----- decompose --------------------------------------------------------------------
def _add_decompose(sub) -> None:
    from .gvc.decompose import BREAKDOWNS, DECOMPOSITIONS, METHOD_OUTPUTS, MY_PERIMETERS, OUTPUTS

    outputs = "; ".join(f"{m}: {'|'.join(o)}" for m, o in METHOD_OUTPUTS.items())
    p = sub.add_parser("decompose", help="decompose one year's bilateral gross exports (METHODS §9, §11, §12)",
                       description="bm_src / bm_snk: Borin–Mancini source- and sink-based (§11, §12.3); wwz: the "
                                   "16 Wang–Wei–Zhu terms (§9); kww: Koopman–Wang–Wei (§12.7); my: Miroudot–Ye "
                                   "(§12.5); oecd: OECD TiVA (§12.4); gvc: backward/forward participation by "
                                   "country-sector (§12.6). One row per exporter, sector and importer. "
                                   f"Outputs by method — {outputs}.")
    p.add_argument("--method", choices=DECOMPOSITIONS, required=True)
    p.add_argument("--mrio", required=True, help="pymrio saved folder or Eora26 folder")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--exporters", default=None, help="comma-separated ISO3 codes (default: all countries)")
    p.add_argument("--output", choices=OUTPUTS, default=None, help="default: the method's first (see above)")
    p.add_argument("--partners", default=None,
                   help="bm_src, my: bilateral perimeter, comma-separated importers (§12.1)")
    p.add_argument("--sectors", default=None,
                   help="bm_src, my: sector perimeter, comma-separated sector codes of the table (§12.1)")
    p.add_argument("--breakdown", choices=BREAKDOWNS, default=BREAKDOWNS[0],
                   help="bm_src: key the terms by exporting sector or by sector of origin (§12.2)")
    p.add_argument("--perimeter", choices=MY_PERIMETERS, default=MY_PERIMETERS[0],
                   help="my: the exporting country (default) or the world (§12.5)")
    p.add_argument("--out", required=True, help=".parquet or .csv.gz")
    add_run_options(p, "decompose")
    p.set_defaults(func=_run_decompose)


def _code_list(option: str, value: str | None, example: str) -> list[str] | None:
    """A comma-separated list of codes, read as ``--partners`` is (aliases: ROM → ROU)."""
    from .core.countries import parse_partner_list

    if value is None:
        return None
    try:
        return parse_partner_list(value.replace(" ", ""))
    except UnknownOptionError:
        raise UnknownOptionError(f"{option} {value!r} is not valid; give a comma-separated list of "
                                 f"ISO3 codes (e.g. {example!r})") from None


def _run_decompose(args) -> int:
    from .gvc.decompose import decomposition, write_decomposition
    from .io.sources import load_path

    # checked before the table is read
    exporters = _code_list("--exporters", args.exporters, "CHN,DEU")
    partners = _code_list("--partners", getattr(args, "partners", None), "USA,RUS")
    sectors = None
    if getattr(args, "sectors", None) is not None:
        sectors = [c for c in args.sectors.replace(" ", "").split(",") if c]
        if not sectors:
            raise UnknownOptionError(f"--sectors {args.sectors!r} is empty; give sector codes of the table "
                                     "(e.g. 'c14' or 'C5,C6')")
    timer = Timer()
    with timer("load"):
        mrio = load_path(args.mrio, args.year, concordance=args.concordance)
    options = dict(exporters=exporters, output=args.output, partners=partners, sectors=sectors,
                   breakdown=getattr(args, "breakdown", "exporting"), perimeter=getattr(args, "perimeter", "country"))
    if str(args.out).endswith(".parquet"):   # streamed: a row group per batch of exporters
        check_output(args.out, suffixes=TABLE_SUFFIXES)
        with timer("compute and write"):
            write_decomposition(mrio, args.method, args.out, **options)
    else:
        with timer("compute"):
            table = decomposition(mrio, args.method, **options)
        with timer("write"):
            _write_table(table, args.out)
    print(timer.line(), file=sys.stderr)
    return 0


_EXTRA.append(_add_decompose)


# ----- indices ----------------------------------------------------------------------
def _add_indices(sub) -> None:
    p = sub.add_parser("indices", help="the paper's indices for a range of years (METHODS §2–§6, §10)")
    add_run_options(p, "indices")
    p.add_argument("--jobs", type=int, default=1, help="parallel years (joblib processes; without --scheduler)")
    p.add_argument("--cross-industry", action="store_true",
                   help="China's industry against the partner's whole economy (METHODS §8 robustness)")
    p.add_argument("--out", required=True, help=".parquet or .csv.gz")
    p.set_defaults(func=_run_indices)


def _run_indices(args) -> int:
    from .gvc.indices import compute_indices

    timer = Timer()
    params = params_from_args(args)
    _check_run(params)
    table = compute_indices(params, n_jobs=args.jobs, timer=timer, cross_industry=args.cross_industry)
    with timer("write"):
        _write_table(table, args.out)
    from .econometrics.panel import describe_zero_output

    for line in [*table.attrs.get("notes", []), *describe_zero_output(table)]:
        print(f"note: {line}", file=sys.stderr)
    print(timer.line(), file=sys.stderr)
    return 0


def _check_run(params) -> None:
    """Checks of a run's options that need no table: partners (notes printed), synthetic
    years, the controls of real data."""
    from .core.countries import check_partners_option

    for note in check_partners_option(params.partners):
        print(f"note: {note}", file=sys.stderr)
    if params.source == "synthetic" and params.data_path is None:
        from .io.synthetic import check_years

        check_years(params.load_years)
    elif params.data_path is not None:
        from .core.errors import DataNotFoundError
        from .io.sources import available_years

        have = available_years(params.source, params.data_path)
        missing = [y for y in params.load_years if have is not None and y not in have]
        if missing:
            raise DataNotFoundError(f"--path {params.data_path}: no table for {', '.join(map(str, missing))}; "
                                    f"available years: {have or 'none'} (years {params.years[0]}–{params.years[-1]} "
                                    f"also need {params.load_years[0]} for XT)")


# ----- estimate ---------------------------------------------------------------------
def _add_estimate(sub) -> None:
    p = sub.add_parser("estimate", help="the estimation panel and the paper's Tables 1-7 (METHODS §6-§8)",
                       description="Compute the indices, assemble the panel with the pair controls, estimate every "
                                   "specification of Tables 1-7 and write panel.parquet, quality.csv, "
                                   "table<k>.html/.md/.tex and scorecard.csv into OUT.")
    add_run_options(p, "estimate")
    p.add_argument("--jobs", type=int, default=1, help="parallel years (joblib processes; without --scheduler)")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=_run_estimate)


def _run_estimate(args) -> int:
    from .econometrics.paper import run_paper
    from .econometrics.panel import assemble
    from .core.fileio import atomic_write
    from .report.tables import scorecard, scorecard_summary, write_tables

    params = params_from_args(args)  # --controls-path: a folder, checked there
    out = Path(args.out)
    if params.controls_path is None and params.source != "synthetic":
        raise UnknownOptionError(f"--source {params.source} needs --controls-path (the folder of the real control "
                                 "files, e.g. ../shared/data/external)")
    _check_run(params)
    if params.controls_path is not None:
        from .io.controls import load_raw

        load_raw(params.controls_path)  # every control file checked before the indices are computed
    timer = Timer()
    panel = assemble(params, n_jobs=args.jobs, timer=timer)
    with timer("compute"):
        results = run_paper(panel, cov_type=params.cov_type, bootstrap_reps=params.bootstrap_reps, seed=params.seed,
                            mediator_form=params.mediator_form)
        card = scorecard(results)
    from .core.fileio import staged_dir
    from .econometrics.panel import describe_removals

    with timer("write"), staged_dir(out) as stage:  # the folder is swapped in whole, never half-written
        _write_table(panel.data, str(stage / "panel.parquet"))
        atomic_write(stage / "quality.csv", lambda tmp: panel.quality.to_csv(tmp))
        write_tables(results, stage)
        _write_table(card, str(stage / "scorecard.csv"))
        _write_table(panel.removals, str(stage / "removals.csv"))
    for key, message in results.failures.items():
        print(f"table {key} not estimated: {message}", file=sys.stderr)
    for line in describe_removals(panel):
        print(f"missing: {line}", file=sys.stderr)
    print(f"{params.describe()}\n{scorecard_summary(card)}\nwrote panel.parquet, quality.csv, removals.csv, "
          f"tables and scorecard.csv under {out}")
    print(timer.line(), file=sys.stderr)
    return 0


_EXTRA.append(_add_estimate)


# ----- multiverse -------------------------------------------------------------------
def _add_multiverse(sub) -> None:
    from .book.multiverse import ESTIMATES
    from .econometrics.layout import TABLES

    p = sub.add_parser("multiverse", help="Table 1 (with controls), the IV and the indirect effects under every "
                                          "combination of the METHODS options (96 specifications)",
                       description="For every combination of fva, itr, itr_attribution, cross_industry, winsor and "
                                   "cov_type (mutualism.book.multiverse), estimate Table 1 columns "
                                   f"{TABLES['1'].span('with_controls')}, the 2SLS second "
                                   "stages and the indirect effects on the data of a parameter file; write "
                                   "OUT/multiverse.csv (one row per specification, estimate and dependent variable) "
                                   "and the specification curve OUT/specification_curve.png/.csv. A run-option "
                                   "flag given overrides the parameter file's value.")
    p.add_argument("--params", required=True, help="parameter file (e.g. params/default.yml)")
    add_run_options(p, "multiverse")
    p.add_argument("--estimates", default=",".join(ESTIMATES),
                   help=f"comma-separated estimates to report, among {', '.join(ESTIMATES)} (default: all; "
                        "baseline is always needed: the conclusions and the specification curve read it)")
    p.add_argument("--jobs", type=int, default=1, help="joblib processes on this machine (without a scheduler)")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=_run_multiverse)


def _run_multiverse(args) -> int:
    from .core.config import Params
    from .book.multiverse import conclusions, run_multiverse, save_specification_curve, write

    params = params_from_args(args, Params.from_yaml(args.params))
    estimates = _multiverse_estimates(args.estimates)
    _check_run(params)
    result = run_multiverse(params, n_jobs=args.jobs, progress=True, estimates=estimates)
    path = write(result, args.out)
    save_specification_curve(result.table, args.out)
    lines = [f"{params.describe()}", f"{result.specifications} specifications; index tasks: {result.index_tasks} "
             f"({result.index_computed} computed, the others read from the cache)"]
    lines += [f"{s.what}: {s.holds} of {s.total}" for s in conclusions(result.table).values()]
    print("\n".join([*lines, f"wrote {path} and the specification curve (specification_curve.png/.csv)"]))
    print(f"indices {result.seconds['indices']:.2f} s, estimation {result.seconds['estimation']:.2f} s",
          file=sys.stderr)
    return 0


def _multiverse_estimates(text: str) -> tuple[str, ...]:
    """``--estimates``: known names, baseline among them (one-line errors naming the flag)."""
    from .book.multiverse import ESTIMATES
    from .core.errors import UnknownOptionError

    chosen = tuple(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in chosen if e not in ESTIMATES]
    if unknown or "baseline" not in chosen:
        what = f"unknown estimate(s) {', '.join(map(repr, unknown))}" if unknown else "baseline is missing"
        raise UnknownOptionError(f"--estimates {text!r}: {what}; give a comma-separated list of "
                                 f"{', '.join(ESTIMATES)} that includes baseline")
    return chosen


_EXTRA.append(_add_multiverse)


# ----- book -------------------------------------------------------------------------
def _add_book(sub) -> None:
    p = sub.add_parser("book", help="execute the chapters with papermill and render the book",
                       description="Execute every chapter (notebooks/*.py) with the parameters of a YAML file, "
                                   "then render the book with Jupyter Book into OUT/html.")
    p.add_argument("--params", default="params/default.yml", help="parameter file (default params/default.yml)")
    p.add_argument("--chapters", nargs="+", default=None, metavar="CHAPTER",
                   help="execute only these chapters (number or name, e.g. 04 or 04_baseline)")
    p.add_argument("--out", default="_build", help="build folder (default _build)")
    p.add_argument("--strict", action="store_true", help="treat Sphinx warnings as errors")
    p.add_argument("--solutions", choices=["show", "hide"], default="show",
                   help="show the solutions of the exercises (default) or hide them: the student edition")
    p.set_defaults(func=_run_book)


def _run_book(args) -> int:
    from .book.build import build_book

    from .core.fileio import read_yaml_mapping

    read_yaml_mapping(args.params, what="parameter file")  # syntax and shape checked before any chapter runs
    index = build_book(args.params, out_dir=args.out, chapters=args.chapters, strict=args.strict,
                       solutions=args.solutions)
    print(f"book: {index}")
    return 0


_EXTRA.append(_add_book)


# ----- main -------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="mutualism",
        description="Re-derive the indices and estimates of Liu, Zhou & Zeng (2023) from MRIO tables.",
    )
    parser.add_argument("--version", action="version", version=f"mutualism {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_synth, _add_validate, _add_wwz, _add_indices):
        add(sub)
    for extra in _EXTRA:
        extra(sub)
    for p in (parser, *sub.choices.values()):  # one shared statement of the exit codes
        p.epilog = EXIT_CODES_HELP
    return parser


#: Output options checked before any computing: command → (option attribute, folder?, suffixes,
#: entries marking an earlier output of a folder that is replaced whole).
_OUTPUTS = {"synth": ("out", True, (), ("controls",)), "wwz": ("out", False, TABLE_SUFFIXES, ()),
            "decompose": ("out", False, TABLE_SUFFIXES, ()), "indices": ("out", False, TABLE_SUFFIXES, ()),
            "estimate": ("out", True, (), ("scorecard.csv", "panel.parquet")), "multiverse": ("out", True, (), ())}


def _preflight(args) -> None:
    """Options every subcommand shares, and the output path, checked before any table is read."""
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UnknownOptionError(f"--jobs {jobs}: give the number of parallel processes, a whole number ≥ 1")
    seed = getattr(args, "seed", None)
    if seed is not None and seed < 0:
        raise UnknownOptionError(f"--seed {seed}: give a whole number ≥ 0")
    if args.command in _OUTPUTS:
        attribute, folder, suffixes, markers = _OUTPUTS[args.command]
        check_output(getattr(args, attribute), folder=folder, suffixes=suffixes, replaced_if=markers)
    if args.command == "synth":
        from .core.config import parse_years
        from .io.synthetic import check_years

        check_years(parse_years(args.years))


def _terminate(signum, frame) -> None:  # pragma: no cover - exercised through a subprocess
    raise Terminated(signum)


#: Signals the CLI turns into :class:`~mutualism.core.errors.Terminated` (SIGHUP as SIGTERM).
_TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _say(message: str) -> None:
    """Print a closing one-line message on stderr, after ending any progress bar's line."""
    try:
        from .core.parallel import close_progress

        close_progress()
    except Exception:  # pragma: no cover - progress bars are cosmetic
        pass
    try:
        print(message, file=sys.stderr, flush=True)
    except OSError:  # pragma: no cover - stderr itself cannot be written: nothing left to tell
        pass


def _interrupted(what: str, code: int) -> int:
    """The closing line of an interrupt: whether the new output was already swapped in whole
    (:data:`mutualism.core.fileio.SWAPPED`) or the previous one is unchanged."""
    from .core.fileio import SWAPPED

    done = SWAPPED[_swapped_before:]
    if done:
        _say(f"mutualism: {what} after the new output was complete: {', '.join(map(str, done))} replaced whole")
    else:
        _say(f"mutualism: {what}; the previous output is unchanged")
    return code


_swapped_before = 0

#: ASCII for the characters the messages use, where standard output or error cannot encode
#: them (``PYTHONIOENCODING=ascii``, a latin-1 terminal); anything else becomes ``\\uXXXX``.
_ASCII = {"—": "-", "–": "-", "−": "-", "→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "×": "x",
          "…": "...", "·": ".", "Σ": "sum ", "θ": "theta", "δ": "delta", "Φ": "Phi", "′": "'", "‘": "'",
          "’": "'", "“": '"', "”": '"', "⁻¹": "^-1", "¹": "1"}


def _ascii_fallback(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):  # pragma: no cover - only registered for encoding
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(_ASCII.get(ch, ch.encode("ascii", "backslashreplace").decode()) for ch in text), exc.end


class _Stdout:
    """Standard output for one run: a write the stream refuses (disk full, ``> /dev/full``, a
    closed pipe) becomes one :class:`~mutualism.core.errors.WriteError` naming the stream, and the
    stream is pointed at ``/dev/null`` so the interpreter's last flush cannot fail again."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._failed: OSError | None = None

    def _fail(self, exc: OSError):
        from .core.errors import WriteError, os_reason

        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real file descriptor (captured output)
            pass
        error = WriteError(f"standard output cannot be written ({os_reason(exc)})")
        error.errno = exc.errno
        self._failed = error  # raised again by flush(), should a caller swallow it (argparse does)
        return error

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise self._fail(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise self._fail(exc) from None
        if self._failed is not None:
            raise self._failed

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _encodable_streams() -> None:
    """Standard output and error never raise UnicodeEncodeError (an ASCII or latin-1 locale)."""
    import codecs

    try:
        codecs.lookup_error("mutualism-ascii")
    except LookupError:
        codecs.register_error("mutualism-ascii", _ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="mutualism-ascii")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot be reconfigured
                pass


def _signal_name(exc: BaseException) -> tuple[str, int]:
    signum = exc.args[0] if exc.args else signal.SIGTERM
    if getattr(signal, "SIGHUP", None) is not None and signum == signal.SIGHUP:
        return "hung up (SIGHUP)", EXIT_SIGHUP
    return "terminated (SIGTERM)", EXIT_SIGTERM


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see :data:`~mutualism.core.errors.EXIT_CODES_HELP`)."""
    global _swapped_before
    from .core.fileio import SWAPPED

    _swapped_before = len(SWAPPED)
    _encodable_streams()
    stdout = sys.stdout
    if stdout is not None:
        sys.stdout = _Stdout(stdout)
    try:
        return _main(argv)
    finally:
        sys.stdout = stdout


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help or a usage error: argparse has printed it
        try:
            sys.stdout.flush()
        except MutualismError as exc:
            _say(f"mutualism: error: {exc}")
            raise SystemExit(EXIT_INPUT) from None
        raise stop
    previous = {}
    in_main_thread = True
    try:
        for signum in _TERMINATING:
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, _terminate)
    except ValueError:  # not the main thread (an embedding application): keep its handler
        in_main_thread = False
    try:
        _preflight(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full disk behind `> file` is reported here, not at exit
        return code
    except MutualismError as exc:
        _say(f"mutualism: error: {exc}")
        return EXIT_INPUT
    except OSError as exc:  # the file system refused (disk full, permissions): not a bug
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        _say(f"mutualism: error: {exc.strerror or exc}{where}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return _interrupted("interrupted (SIGINT)", EXIT_SIGINT)
    except Terminated as exc:
        return _interrupted(*_signal_name(exc))
    except Exception:
        _say(traceback.format_exc().rstrip())
        print(f"mutualism: internal error in `{args.command}`: this is a bug, please report it with the "
              "traceback above", file=sys.stderr)
        return EXIT_BUG
    finally:
        if in_main_thread:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
