"""Run parameters shared by the CLI, the chapters and the caches (METHODS.md §3–§8 options).

One :class:`Params` object names every option that changes a number. The book's
chapters read it from a YAML file (``params/default.yml``) through papermill; the CLI
builds it from flags. Invalid values raise :class:`~mutualism.core.errors.UnknownOptionError`
naming the parameter and its valid values.

Each field of :class:`Params` carries an :class:`Option` in its metadata: its valid values
(one of the option tuples below, or a check for values that are not an enumeration), its
METHODS section, a one-line help and the ``mutualism`` subcommands that take it as a flag.
From it come the validation of :class:`Params`, the flags of the command line
(:mod:`mutualism.cli`) and the option catalogue (:func:`options_table`: the README's table,
``scripts/options_table.py``, and the book's page on re-running, at build time).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable

from .countries import PARTNER_SETS, check_partners_option, parse_partner_list  # country facts
from .errors import MutualismError, UnknownOptionError, check_option

SOURCES = ("synthetic", "eora26", "pymrio")
FVA_OPTIONS = ("leontief", "wwz")
ITR_OPTIONS = ("routes5", "vax")
ITR_SCALES = ("level", "world_output_share")
ITR_ATTRIBUTIONS = ("source", "exporting")
MEDIATOR_FORMS = ("level", "log")
COV_TYPES = ("robust", "cluster_partner", "cluster_partner_industry")
#: The variables each clustered ``cov_type`` clusters by (METHODS §8).
CLUSTER_VARIABLES = {"cluster_partner": ("partner",), "cluster_partner_industry": ("partner", "industry")}
SYNTHETIC_SIZES = ("small", "full")
MANUFACTURING = ("C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11")
#: Parameters a chapter may declare besides the :class:`Params` fields (set by the book's build).
CHAPTER_PARAMETERS = ("figures_dir",)
#: Value types a papermill cell injects (what :meth:`Params.from_namespace` inspects).
_PLAIN = (str, int, float, bool, type(None), list, dict, tuple)


def parse_years(spec: str | int | list | tuple) -> tuple[int, ...]:
    """``"2002-2020"``, ``"2002,2005"``, ``2010`` or a list → sorted tuple of distinct years.

    Raises :class:`~mutualism.core.errors.UnknownOptionError` for an empty list, a ``bool`` or
    anything that is not a four-digit year.
    """
    if isinstance(spec, bool) or spec is None:
        raise UnknownOptionError(f"years={spec!r} is not valid; write 'A-B' (e.g. '2002-2020') or 'Y1,Y2,...'")
    if isinstance(spec, int):
        spec = [spec]
    if isinstance(spec, (list, tuple)):
        if not spec:
            raise UnknownOptionError("years=[] is empty; give at least one year (e.g. '2002-2020')")
        bad = [y for y in spec if isinstance(y, bool) or not isinstance(y, int) or not 1000 <= y <= 9999]
        if bad:
            raise UnknownOptionError(f"years={list(spec)!r}: {bad[0]!r} is not a four-digit year")
        return tuple(sorted(set(spec)))
    text = str(spec).strip()
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a > b:
            raise UnknownOptionError(f"years={spec!r}: the first year is after the last")
        return tuple(range(a, b + 1))
    if re.fullmatch(r"\d{4}(\s*,\s*\d{4})*", text):
        return tuple(sorted({int(t) for t in text.split(",")}))
    raise UnknownOptionError(f"years={spec!r} is not valid; write 'A-B' (e.g. '2002-2020') or 'Y1,Y2,...'")


def _whole_number(name: str, value: Any) -> None:
    """A non-negative ``int`` (``True`` and ``2.0`` are not)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UnknownOptionError(f"{name}={value!r} is not valid; give a whole number ≥ 0")


def suggest(name: str, valid: Any) -> str:
    """``"; did you mean 'years'?"`` for the closest valid name, or ``""``."""
    text = str(name)
    prefixed = sorted(v for v in valid if v.startswith(text) or text.startswith(v))
    close = prefixed[:1] if len(prefixed) == 1 else difflib.get_close_matches(text, sorted(valid), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown(names: list[str], known: set[str]) -> UnknownOptionError:
    first = names[0]
    also = f" Also unknown: {', '.join(map(repr, names[1:]))}." if len(names) > 1 else ""
    return UnknownOptionError(f"unknown parameter {first!r}{suggest(first, known) or '.'}{also} "
                              f"Valid parameters: {', '.join(sorted(known))}")


# ----- checks of the values that are not an enumeration ------------------------------------
# Each takes the parameter's name and value, raises UnknownOptionError naming the parameter,
# and returns the value to store (``years`` is normalised to a sorted tuple).
def _check_years(name: str, value: Any) -> tuple[int, ...]:
    return parse_years(value)


def _check_partners(name: str, value: Any) -> Any:
    check_partners_option(value)  # syntax, China, empty set (aliases/duplicates: notes)
    return value


def _check_fraction(name: str, value: Any) -> Any:
    if isinstance(value, bool) or not (isinstance(value, (int, float)) and 0 <= float(value) < 0.5):
        raise UnknownOptionError(f"{name}={value!r} is not valid; give a fraction 0 ≤ {name} < 0.5 (e.g. 0.01)")
    return value


def _check_whole(name: str, value: Any) -> Any:
    _whole_number(name, value)
    return value


def _text_or_null(name: str, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise UnknownOptionError(f"{name}={value!r} is not valid; give a path or name as text, or null")


def _check_data_path(name: str, value: Any) -> Any:
    _text_or_null(name, value)
    if value and not Path(value).exists():
        raise UnknownOptionError(f"{name}={value!r} does not exist")
    return value


def _check_folder(name: str, value: Any) -> Any:
    _text_or_null(name, value)
    if value is not None and not Path(value).is_dir():
        raise UnknownOptionError(f"{name}={value!r} is not a folder")
    return value


def _check_cache_dir(name: str, value: Any) -> Any:
    if value is None:
        raise UnknownOptionError(f"{name} is required (a folder for the on-disk cache)")
    if not (isinstance(value, str) and value.strip()):
        raise UnknownOptionError(f"{name}={value!r} is not valid; give a folder as text")
    return value


def _check_concordance(name: str, value: Any) -> Any:
    _text_or_null(name, value)
    if value is not None:
        from .resources import data_dir

        names = sorted(p.stem.removeprefix("concordance_") for p in data_dir().glob("concordance_*.csv"))
        check_option(name, value, tuple(names))
    return value


def _check_scheduler(name: str, value: Any) -> Any:
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise UnknownOptionError(f"{name}={value!r} is not valid; give a Dask scheduler address "
                                 "such as 'tcp://10.0.0.5:8786', or null to compute on this machine")
    return value


def _check_file(name: str, value: Any) -> Any:
    if value is not None and not Path(str(value)).is_file():
        raise UnknownOptionError(f"{name}={value!r} is not a file; give a YAML file of the "
                                 "worked example's tables, or null for the book's own")
    return value


@dataclass(frozen=True)
class Option:
    """What one :class:`Params` field accepts and where it is explained (its field metadata).

    Attributes
    ----------
    section : str
        The METHODS.md section that defines it (``"§4"``).
    help : str
        One line: what it changes.
    choices : tuple or None
        Its valid values when they are an enumeration (one of the option tuples of this module).
    values : str or None
        The valid values in words (Markdown) when they are not an enumeration.
    check : callable or None
        ``check(name, value) -> value`` for values that are not an enumeration: raises
        :class:`~mutualism.core.errors.UnknownOptionError` naming the parameter, returns the
        value to store.
    commands : tuple of str
        The ``mutualism`` subcommands that take it as a flag.
    flag : str or None
        That flag, when it is not ``--`` and the name with dashes (``data_path``: ``--path``).
    type : callable or None
        What the flag's text is converted to (``int``, ``float``; ``None``: kept as text).
    """

    section: str
    help: str
    choices: tuple | None = None
    values: str | None = None
    check: Callable[[str, Any], Any] | None = None
    commands: tuple[str, ...] = ()
    flag: str | None = None
    type: Callable[[str], Any] | None = None

    def cli_flag(self, name: str) -> str:
        """The command-line flag of the parameter ``name``."""
        return self.flag or "--" + name.replace("_", "-")

    def valid_values(self) -> str:
        """The valid values as Markdown (the catalogue's column)."""
        return ", ".join(f"`{c}`" for c in self.choices) if self.choices is not None else str(self.values)

    def validate(self, name: str, value: Any) -> Any:
        """The value to store, or :class:`~mutualism.core.errors.UnknownOptionError` naming ``name``."""
        if self.choices is not None:
            check_option(name, value, self.choices)
        return self.check(name, value) if self.check is not None else value


#: Key of the :class:`Option` in a field's metadata.
OPTION = "option"
#: The subcommands that compute the indices from a run's options, and ``estimate``.
_RUN = ("indices", "estimate")


def _option(default: Any, section: str, help: str, **option: Any) -> Any:
    return field(default=default, metadata={OPTION: Option(section, help, **option)})


_FOLDER_OR_NULL = "a folder, or `null`"
_WHOLE = "a whole number ≥ 0"


@dataclass(frozen=True)
class Params:
    """Every option of a run. What each field accepts, its METHODS section and its help are
    its :class:`Option` (:func:`options`); :func:`options_table` lists them."""

    source: str = _option("synthetic", "§1", "where the MRIO tables come from", choices=SOURCES, commands=_RUN)
    data_path: str | None = _option(
        None, "§1", "folder of the tables (null: the generated synthetic world; for `synthetic`, a world "
        "written by `mutualism synth`)", values=_FOLDER_OR_NULL, check=_check_data_path, commands=_RUN, flag="--path")
    years: tuple[int, ...] = _option(
        tuple(range(2002, 2021)), "§7", "estimation years; the year before the first is loaded too (XT, §3.3)",
        values="`A-B` or `Y1,Y2,…`", check=_check_years, commands=_RUN)
    partners: str = _option("bri", "§7", "partner countries of China",
                            values=", ".join(f"`{s}`" for s in PARTNER_SETS) + " or a comma-separated ISO3 list",
                            check=_check_partners, commands=_RUN)
    fva: str = _option("leontief", "§3.2", "foreign value added in the interaction index", choices=FVA_OPTIONS,
                       commands=_RUN)
    itr: str = _option("routes5", "§4", "industrial transfer: the paper's five routes, or all value-added exports",
                       choices=ITR_OPTIONS, commands=_RUN)
    itr_scale: str = _option("level", "§4", "industrial transfer in levels, or as a share of world output",
                             choices=ITR_SCALES, commands=_RUN)
    itr_attribution: str = _option(
        "source", "§4", "the industry a route's transfer is credited to: where the value added is generated, or "
        "the exporting industry", choices=ITR_ATTRIBUTIONS, commands=_RUN)
    mediator_form: str = _option("level", "§8", "the mediators of Tables 6–7 in levels (as the tables label "
                                 "them) or in logs (as eq. 16 writes them)", choices=MEDIATOR_FORMS,
                                 commands=("estimate",))
    winsor: float = _option(0.01, "§8", "winsorising fraction of each tail", values="a fraction 0 ≤ w < 0.5",
                            check=_check_fraction, commands=("estimate",), type=float)
    cov_type: str = _option("robust", "§8", "standard errors: robust (HC1), or clustered by partner or by "
                            "partner × industry", choices=COV_TYPES, commands=("estimate",))
    bootstrap_reps: int = _option(499, "§8", "bootstrap replications of the indirect effects", values=_WHOLE,
                                  check=_check_whole, commands=("estimate",), type=int)
    seed: int = _option(2023, "§8", "seed of the synthetic world and of the bootstrap", values=_WHOLE,
                        check=_check_whole, commands=("synth", *_RUN), type=int)
    cache_dir: str = _option(".cache/mutualism", "§10", "on-disk cache of parsed tables and indices (deleting "
                             "it is always safe)", values="a folder", check=_check_cache_dir, commands=_RUN)
    controls_path: str | None = _option(None, "§6", "folder of the real control files (null: synthetic controls)",
                                        values=_FOLDER_OR_NULL, check=_check_folder, commands=("estimate",))
    synthetic_size: str = _option("small", "§1", "size of the synthetic world", choices=SYNTHETIC_SIZES,
                                  commands=("synth", *_RUN), flag="--size")
    concordance: str | None = _option(
        None, "§7", "sector concordance applied to the tables before anything is computed",
        values="`N` of a file `data/concordance_N.csv` (e.g. `wiod2013`), or `null`", check=_check_concordance,
        commands=("validate", "wwz", "decompose", *_RUN))
    scheduler: str | None = _option(
        None, "§10", "dask.distributed scheduler that runs the index tasks (null: this machine); its workers "
        "must see the tables, the control files and the cache at the same absolute paths; changes no number",
        values="an address (`tcp://host:port`), or `null`", check=_check_scheduler,
        commands=(*_RUN, "multiverse"))
    example_table: str | None = _option(None, "§3", "chapter 2's worked example read from a YAML file of its two "
                                        "years' `Z` and `Y` (null: the book's own table)",
                                        values="a YAML file, or `null`", check=_check_file)

    def __post_init__(self) -> None:
        for f in fields(self):  # in field order; each value checked by its Option
            try:
                value = f.metadata[OPTION].validate(f.name, getattr(self, f.name))
            except UnknownOptionError as error:
                raise _naming(f.name, error) from None
            object.__setattr__(self, f.name, value)
        if self.source != "synthetic" and not self.data_path:
            raise _naming("data_path", UnknownOptionError(f"data_path is required when source={self.source!r}"))

    @property
    def load_years(self) -> tuple[int, ...]:
        """Years of tables to load: the estimation years plus the year before (XT, §3.3)."""
        return tuple(range(self.years[0] - 1, self.years[-1] + 1))

    @property
    def partner_list(self) -> list[str] | None:
        """Explicit ISO3 list, or ``None`` when ``partners`` names a set."""
        if self.partners in PARTNER_SETS:
            return None
        return parse_partner_list(self.partners)  # aliases applied (ROM → ROU), duplicates once

    def with_(self, **changes: Any) -> "Params":
        """A copy with some options changed (validated again)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The fields as plain values (``years`` as ``"A-B"``, or ``"Y1,Y2,…"`` when not
        consecutive), accepted back by :meth:`from_mapping`."""
        d = asdict(self)
        consecutive = self.years == tuple(range(self.years[0], self.years[-1] + 1))
        d["years"] = f"{self.years[0]}-{self.years[-1]}" if consecutive else ",".join(map(str, self.years))
        return d

    def describe(self) -> str:
        """One line naming the data and options (the book's banner)."""
        data = (f"synthetic world ({self.synthetic_size}, seed {self.seed})" if self.source == "synthetic"
                else f"{self.source} tables at {self.data_path}")
        return (f"data: {data}; years {self.years[0]}–{self.years[-1]}; partners {self.partners}; "
                f"fva={self.fva}; itr={self.itr}; itr_scale={self.itr_scale}; "
                f"itr_attribution={self.itr_attribution}; winsor={self.winsor}; cov_type={self.cov_type}; "
                f"mediator_form={self.mediator_form}")

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any]) -> "Params":
        """Build from a dict (YAML, papermill), rejecting an unknown key by name with the
        closest valid one (``unknown parameter 'year'; did you mean 'years'?``)."""
        if not isinstance(mapping, dict):
            raise UnknownOptionError(f"parameters must be a mapping of names to values, not {type(mapping).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise _unknown(unknown, known)
        return cls(**mapping)

    @classmethod
    def from_namespace(cls, namespace: dict[str, Any], *, allowed: tuple[str, ...] = CHAPTER_PARAMETERS) -> "Params":
        """Build from a chapter's ``globals()`` after its papermill cells.

        Every field found there is taken. A plain value (text, number, bool, None, list,
        dict) under a name that is neither a field nor in ``allowed`` — what papermill's
        ``-p year 2010`` injects — is rejected like an unknown key of :meth:`from_mapping`.
        Names starting with ``_`` and IPython's ``In``/``Out`` are not parameters.
        """
        known = {f.name for f in fields(cls)}
        strays = sorted(k for k, v in namespace.items()
                        if k not in known and k not in allowed and not k.startswith("_") and k not in ("In", "Out")
                        and type(v) in _PLAIN)
        if strays:
            raise _unknown(strays, known)
        return cls(**{k: v for k, v in namespace.items() if k in known})

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Params":
        """Read a parameter file such as ``params/default.yml`` (paths in it are relative
        to the working directory, the repository root for ``make book``)."""
        from .fileio import read_yaml_mapping

        path = Path(path)
        if not path.exists():
            raise UnknownOptionError(f"parameter file {str(path)!r} does not exist")
        data = read_yaml_mapping(path, what="parameter file")  # syntax error: file, line; a list: refused
        return cls.from_mapping(data)


def _naming(name: str, error: UnknownOptionError) -> UnknownOptionError:
    """``error`` with the parameter it is about (``error.parameter``: the CLI names its flag)."""
    error.parameter = name
    return error


def options() -> dict[str, Option]:
    """Every :class:`Params` field and its :class:`Option`, in field order."""
    return {f.name: f.metadata[OPTION] for f in fields(Params)}


def plain(value: Any) -> str:
    """A default as a parameter file writes it (``None`` → ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def options_table() -> str:
    """The option catalogue as a Markdown table: key, valid values, default, METHODS section,
    meaning, and the flag with the subcommands that take it."""
    defaults = Params().as_dict()
    rows = ["| key | values | default | defined in | meaning | flag (subcommands) |", "|---|---|---|---|---|---|"]
    for name, option in options().items():
        flag = (f"`{option.cli_flag(name)}` ({', '.join(option.commands)})" if option.commands else "—")
        cells = [f"`{name}`", option.valid_values(), f"`{plain(defaults[name])}`", f"METHODS {option.section}",
                 option.help, flag]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


#: The lines between which a Markdown file holds the generated :func:`options_table`
#: (README.md; book/running.md, filled when the book is built).
TABLE_MARKERS = ("<!-- options table: generated from lib/mutualism/core/config.py by scripts/options_table.py -->",
                 "<!-- end of the options table -->")


def with_options_table(text: str, where: str = "the text") -> str:
    """``text`` with the lines between :data:`TABLE_MARKERS` replaced by :func:`options_table`."""
    lines = text.splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.strip() in TABLE_MARKERS]
    if [lines[i].strip() for i in found] != list(TABLE_MARKERS):
        raise MutualismError(f"{where} must hold the line {TABLE_MARKERS[0]!r}, then the line "
                             f"{TABLE_MARKERS[1]!r}, once each")
    begin, end = found
    return "".join([*lines[:begin + 1], "\n", options_table(), "\n", *lines[end:]])
