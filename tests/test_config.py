"""Run parameters (config.Params): every value checked before any table is read, unknown
names rejected with the closest valid one, hashable, one place for the defaults."""

from __future__ import annotations

import pytest
import yaml

from mutualism.core.config import COV_TYPES, SOURCES, Params, parse_years
from mutualism.core.errors import UnknownOptionError


@pytest.mark.parametrize("changes,message", [
    ({"years": []}, "years=\\[\\] is empty"),
    ({"years": ""}, "years='' is not valid"),
    ({"years": True}, "years=True is not valid"),
    ({"years": [2010, True]}, "True is not a four-digit year"),
    ({"years": "2010-2005"}, "the first year is after the last"),
    ({"bootstrap_reps": True}, "bootstrap_reps=True is not valid; give a whole number"),
    ({"bootstrap_reps": 9.0}, "bootstrap_reps=9.0 is not valid"),
    ({"bootstrap_reps": -1}, "bootstrap_reps=-1 is not valid"),
    ({"seed": "abc"}, "seed='abc' is not valid"),
    ({"seed": 1.5}, "seed=1.5 is not valid"),
    ({"seed": -3}, "seed=-3 is not valid"),
    ({"seed": False}, "seed=False is not valid"),
    ({"winsor": True}, "winsor=True is not valid"),
    ({"winsor": 0.5}, "winsor=0.5 is not valid"),
    ({"cov_type": "hc3"}, "cov_type='hc3' is not valid; choose one of: " + ", ".join(repr(c) for c in COV_TYPES)),
    ({"source": "wiod"}, "source='wiod' is not valid; choose one of: " + ", ".join(repr(s) for s in SOURCES)),
    ({"concordance": "nace"}, "concordance='nace' is not valid; choose one of: 'eora26', 'wiod2013'"),
    ({"controls_path": "/no/such/folder"}, "controls_path='/no/such/folder' is not a folder"),
    ({"cache_dir": ""}, "cache_dir"),
])
def test_bad_values_are_rejected_naming_the_parameter(changes, message):
    with pytest.raises(UnknownOptionError, match=message):
        Params(**changes)


def test_years_are_parsed_sorted_and_distinct():
    assert parse_years("2002-2004") == (2002, 2003, 2004)
    assert parse_years("2005, 2002,2005") == (2002, 2005)
    assert parse_years([2004, 2002]) == (2002, 2004) and parse_years(2010) == (2010,)


def test_params_are_hashable_and_round_trip_through_as_dict():
    p = Params(years="2002,2005", fva="wwz")
    assert hash(p) == hash(Params(years=[2005, 2002], fva="wwz")) and len({p, Params(years="2002,2005", fva="wwz")}) == 1
    assert p.as_dict()["years"] == "2002,2005"  # not "2002-2005": the years in between are not the run's
    assert Params.from_mapping(p.as_dict()) == p
    assert Params.from_mapping(yaml.safe_load(yaml.safe_dump(Params().as_dict()))) == Params()


@pytest.mark.parametrize("mapping,message", [
    ({"year": 2010}, "unknown parameter 'year'; did you mean 'years'\\? Valid parameters: "),
    ({"cov": "robust"}, "unknown parameter 'cov'; did you mean 'cov_type'\\?"),
    ({"zzz": 1}, "unknown parameter 'zzz'\\. Valid parameters: "),
    ({"fvaa": 1, "yeers": 2}, "unknown parameter 'fvaa'; did you mean 'fva'\\? Also unknown: 'yeers'\\."),
])
def test_unknown_names_are_rejected_with_the_closest_valid_one(mapping, message):
    with pytest.raises(UnknownOptionError, match=message):
        Params.from_mapping(mapping)


def test_a_chapter_namespace_yields_its_parameters_and_rejects_strays():
    namespace = {**Params(fva="wwz").as_dict(), "figures_dir": "out", "In": ["x"], "Out": {}, "_oh": {}, "book": yaml}
    assert Params.from_namespace(namespace) == Params(fva="wwz")
    with pytest.raises(UnknownOptionError, match="unknown parameter 'bootstrap'; did you mean 'bootstrap_reps'"):
        Params.from_namespace({**namespace, "bootstrap": 9})


# ----- the fields' metadata: validation, the CLI flags and the catalogue (issue 19) ------------
from pathlib import Path  # noqa: E402

from mutualism import cli  # noqa: E402
from mutualism.book import methods_page  # noqa: E402
from mutualism.core import config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _subcommands() -> dict:
    parser = cli.build_parser()
    return next(a for a in parser._actions if a.dest == "command").choices


def test_every_field_has_an_option_whose_methods_section_exists():
    sections = set(methods_page.sections((ROOT / "docs" / "METHODS.md").read_text(encoding="utf-8")))
    opts = config.options()
    assert list(opts) == [f.name for f in config.fields(Params)]
    for name, option in opts.items():
        assert isinstance(option, config.Option), name
        assert option.section.startswith("§") and option.section[1:] in sections, (name, option.section)
        assert option.help and "\n" not in option.help, name
        assert (option.choices is None) != (option.values is None), name  # an enumeration or words, not both
        if option.choices is not None:  # every default is a valid value
            assert getattr(Params(), name) in option.choices, name


def test_the_option_tuples_are_the_choices_of_their_fields():
    opts = config.options()
    for name, values in [("source", config.SOURCES), ("fva", config.FVA_OPTIONS), ("itr", config.ITR_OPTIONS),
                         ("itr_scale", config.ITR_SCALES), ("itr_attribution", config.ITR_ATTRIBUTIONS),
                         ("mediator_form", config.MEDIATOR_FORMS), ("cov_type", config.COV_TYPES),
                         ("synthetic_size", config.SYNTHETIC_SIZES)]:
        assert opts[name].choices is values, name  # the same object: one list


@pytest.mark.parametrize("name", [n for n, o in config.options().items() if o.choices is not None])
def test_a_value_outside_the_choices_is_refused_naming_the_parameter(name):
    with pytest.raises(UnknownOptionError, match=f"^{name}='nope' is not valid; choose one of: ") as caught:
        Params(**{name: "nope"})
    assert caught.value.parameter == name


def test_every_command_named_by_an_option_is_a_subcommand():
    named = {c for o in config.options().values() for c in o.commands}
    assert named and named <= set(_subcommands())


#: Flags named like a field that mean something else there: the years of the world `synth`
#: writes (default: the years the default run loads), the layout `validate` reads (no
#: `synthetic`; default: guessed from the path), and `decompose`'s bilateral perimeter
#: (METHODS §12.1, not the estimation's partner set).
NOT_THE_FIELD = {("synth", "years"), ("validate", "source"), ("decompose", "partners")}


def test_each_subcommand_has_one_flag_per_exposed_field_with_its_choices_and_default():
    defaults = Params().as_dict()
    for command, parser in _subcommands().items():
        by_dest = {}
        for action in parser._actions:
            by_dest.setdefault(action.dest, []).append(action)
        exposed = {n: o for n, o in config.options().items() if command in o.commands}
        for name, option in exposed.items():
            [action] = by_dest[name]
            assert action.option_strings == [option.cli_flag(name)], (command, name)
            assert (None if action.choices is None else tuple(action.choices)) == option.choices, (command, name)
            expected = None if command in cli.FROM_FILE else defaults[name]
            assert action.default == expected, (command, name, action.default)
            assert f"METHODS {option.section}" in action.help, (command, name)
        # no other flag stands for a field: a run option is never typed by hand in cli.py
        assert {n for n in config.options() if n in by_dest} - set(exposed) == \
            {n for c, n in NOT_THE_FIELD if c == command}, command


def test_the_defaults_of_the_flags_build_the_default_params():
    for command in ("indices", "estimate"):
        args = cli.build_parser().parse_args([command, "--out", "x"])
        assert cli.params_from_args(args) == Params(), command


def test_itr_attribution_and_mediator_form_flags_reach_params():
    args = cli.build_parser().parse_args(["estimate", "--itr-attribution", "exporting", "--mediator-form", "log",
                                          "--winsor", "0.05", "--size", "full", "--out", "x"])
    params = cli.params_from_args(args)
    assert (params.itr_attribution, params.mediator_form, params.winsor, params.synthetic_size) == \
        ("exporting", "log", 0.05, "full")
    assert params.with_(itr_attribution="source", mediator_form="level", winsor=0.01, synthetic_size="small") == Params()
    indices = cli.params_from_args(cli.build_parser().parse_args(["indices", "--itr-attribution", "exporting",
                                                                  "--out", "x"]))
    assert indices == Params(itr_attribution="exporting")


def test_multiverse_flags_override_the_parameter_file_only_when_given(tmp_path):
    base = Params(fva="wwz", scheduler="tcp://10.0.0.5:8786")
    kept = cli.params_from_args(cli.build_parser().parse_args(["multiverse", "--params", "p.yml", "--out", "x"]), base)
    assert kept == base
    args = cli.build_parser().parse_args(["multiverse", "--params", "p.yml", "--scheduler", "tcp://h:1", "--out", "x"])
    assert cli.params_from_args(args, base) == base.with_(scheduler="tcp://h:1")


@pytest.mark.parametrize("argv,flag,valid", [
    (["estimate", "--itr-attribution", "importing"], "--itr-attribution", "'source', 'exporting'"),
    (["estimate", "--mediator-form", "ln"], "--mediator-form", "'level', 'log'"),
    (["indices", "--cov-type", "robust"], "--cov-type", None),  # indices takes no --cov-type
    (["estimate", "--winsor", "abc"], "--winsor", "0 ≤ w < 0.5"),
    (["estimate", "--bootstrap-reps", "2.5"], "--bootstrap-reps", "whole number"),
])
def test_a_bad_flag_is_one_usage_line_naming_it(capsys, tmp_path, argv, flag, valid):
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, "--out", str(tmp_path / "o.parquet")])
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    [line] = err.strip().splitlines()
    assert line.startswith("mutualism: error: ") and flag in line and (valid is None or valid in line), line
    assert not (tmp_path / "o.parquet").exists()


@pytest.mark.parametrize("argv,message", [
    (["--winsor", "0.7"], "--winsor: winsor=0.7 is not valid; give a fraction 0 ≤ winsor < 0.5"),
    (["--years", "2010-2005"], "--years: years='2010-2005': the first year is after the last"),
    (["--controls-path", "/no/such/folder"], "--controls-path: controls_path='/no/such/folder' is not a folder"),
    (["--concordance", "nace"], "--concordance: concordance='nace' is not valid; choose one of: "),
])
def test_a_value_params_refuses_is_one_line_naming_the_flag(capsys, tmp_path, argv, message):
    code = cli.main(["estimate", *argv, "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "est")])
    assert code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"mutualism: error: {message}"), line


def _table_between_markers(text: str) -> str:
    begin, end = (text.index(marker) for marker in config.TABLE_MARKERS)
    return text[begin + len(config.TABLE_MARKERS[0]):end].strip()


def test_the_catalogue_has_one_row_per_field_with_its_values_default_and_section():
    lines = config.options_table().splitlines()
    assert len(lines) == 2 + len(config.options())
    defaults = Params().as_dict()
    for line, (name, option) in zip(lines[2:], config.options().items()):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[0] == f"`{name}`" and cells[2] == f"`{config.plain(defaults[name])}`", line
        assert cells[3] == f"METHODS {option.section}" and cells[4] == option.help, line
        for choice in option.choices or ():
            assert f"`{choice}`" in cells[1], line
        assert (option.cli_flag(name) in cells[5]) == bool(option.commands), line


def test_the_readme_table_is_the_generated_one():
    """Regenerate with `.venv/bin/python scripts/options_table.py --write`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _table_between_markers(readme) == config.options_table().strip()
    assert config.with_options_table(readme) == readme


def test_the_running_page_gets_the_generated_table_when_the_book_is_built():
    source = [(ROOT / "book" / "running.md").read_text(encoding="utf-8")]
    assert "`itr_attribution`" not in source[0]  # not written by hand there
    methods_page._source_read(None, methods_page.RUNNING_PAGE, source)
    assert _table_between_markers(source[0]) == config.options_table().strip()


def test_a_text_without_the_markers_is_refused_in_one_line():
    with pytest.raises(config.MutualismError, match="README.md must hold the line '<!-- options table"):
        config.with_options_table("# no table here\n", where="README.md")
    with pytest.raises(config.MutualismError):
        config.with_options_table("\n".join(reversed(config.TABLE_MARKERS)), where="x")
