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
