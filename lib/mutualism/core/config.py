"""Run parameters shared by the CLI, the chapters and the caches (METHODS.md §3–§8 options).

One :class:`Params` object names every option that changes a number. The book's
chapters read it from a YAML file (``params/default.yml``) through papermill; the CLI
builds it from flags. Invalid values raise :class:`~mutualism.core.errors.UnknownOptionError`
naming the parameter and its valid values.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from .countries import PARTNER_SETS, check_partners_option, parse_partner_list  # country facts
from .errors import UnknownOptionError, check_option

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


@dataclass(frozen=True)
class Params:
    """Every option of a run (METHODS.md names in brackets).

    source : synthetic | eora26 | pymrio — where the MRIO tables come from.
    data_path : folder of the tables (None: the generated synthetic world).
    years : estimation years (§7); the year before the first is loaded for XT.
    partners : bri | bri64 | comma-separated ISO3 list (§7 ``partners``).
    fva : leontief | wwz (§3.2). itr : routes5 | vax (§4). itr_scale : level |
    world_output_share (§4). itr_attribution : source | exporting (§4).
    mediator_form : level | log (§8). winsor : winsorising fraction, 0 ≤ w < 0.5 (§8).
    cov_type : robust (HC1) | cluster_partner | cluster_partner_industry (§8).
    bootstrap_reps : bootstrap replications for mediation (§8). seed : RNG seed.
    cache_dir : on-disk cache of parsed tables and indices.
    controls_path : folder of real control files (None: synthetic controls).
    synthetic_size : small | full. concordance : sector concordance name or None.
    scheduler : address of a dask.distributed scheduler (``tcp://host:port``) that runs the
    per-year index tasks (None: this machine; see :mod:`mutualism.core.parallel`). It changes
    where numbers are computed, never a number.
    example_table : YAML file with the two years' ``Z`` and ``Y`` of chapter 2's worked
    example (None: the book's own table; :mod:`mutualism.book.worked_example`).
    """

    source: str = "synthetic"
    data_path: str | None = None
    years: tuple[int, ...] = tuple(range(2002, 2021))
    partners: str = "bri"
    fva: str = "leontief"
    itr: str = "routes5"
    itr_scale: str = "level"
    itr_attribution: str = "source"
    mediator_form: str = "level"
    winsor: float = 0.01
    cov_type: str = "robust"
    bootstrap_reps: int = 499
    seed: int = 2023
    cache_dir: str = ".cache/mutualism"
    controls_path: str | None = None
    synthetic_size: str = "small"
    concordance: str | None = None
    scheduler: str | None = None
    example_table: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", parse_years(self.years))
        check_option("source", self.source, SOURCES)
        check_option("fva", self.fva, FVA_OPTIONS)
        check_option("itr", self.itr, ITR_OPTIONS)
        check_option("itr_scale", self.itr_scale, ITR_SCALES)
        check_option("itr_attribution", self.itr_attribution, ITR_ATTRIBUTIONS)
        check_option("mediator_form", self.mediator_form, MEDIATOR_FORMS)
        check_option("cov_type", self.cov_type, COV_TYPES)
        check_option("synthetic_size", self.synthetic_size, SYNTHETIC_SIZES)
        if self.scheduler is not None and not (isinstance(self.scheduler, str) and self.scheduler.strip()):
            raise UnknownOptionError(f"scheduler={self.scheduler!r} is not valid; give a Dask scheduler address "
                                     "such as 'tcp://10.0.0.5:8786', or null to compute on this machine")
        check_partners_option(self.partners)  # syntax, China, empty set (aliases/duplicates: notes)
        if isinstance(self.winsor, bool) or not (isinstance(self.winsor, (int, float)) and 0 <= float(self.winsor) < 0.5):
            raise UnknownOptionError(f"winsor={self.winsor!r} is not valid; give a fraction 0 ≤ winsor < 0.5 (e.g. 0.01)")
        _whole_number("bootstrap_reps", self.bootstrap_reps)
        _whole_number("seed", self.seed)
        for name in ("data_path", "cache_dir", "controls_path", "concordance"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise UnknownOptionError(f"{name}={value!r} is not valid; give a path or name as text, or null")
        if not self.cache_dir:
            raise UnknownOptionError("cache_dir is required (a folder for the on-disk cache)")
        if self.concordance is not None:
            from .resources import data_dir

            names = sorted(p.stem.removeprefix("concordance_") for p in data_dir().glob("concordance_*.csv"))
            check_option("concordance", self.concordance, tuple(names))
        if self.controls_path is not None and not Path(self.controls_path).is_dir():
            raise UnknownOptionError(f"controls_path={self.controls_path!r} is not a folder")
        if self.source != "synthetic" and not self.data_path:
            raise UnknownOptionError(f"data_path is required when source={self.source!r}")
        if self.example_table is not None and not Path(str(self.example_table)).is_file():
            raise UnknownOptionError(f"example_table={self.example_table!r} is not a file; give a YAML file of the "
                                     "worked example's tables, or null for the book's own")
        if self.data_path and not Path(self.data_path).exists():
            raise UnknownOptionError(f"data_path={self.data_path!r} does not exist")

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
