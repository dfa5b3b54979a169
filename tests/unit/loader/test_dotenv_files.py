"""compose-go's dotenv fixtures give what Compose v2.40.3 printed for them (`config --environment`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.dotenv import parse_dotenv, read_dotenv

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "compose-go" / "dotenv" / "fixtures"
OS_ENV = {"VAR_TO_BE_LOADED_FROM_OS_ENV": "fromos", "OPTION_A": "osA"}

EXPECTED = {
    "custom.format": {"FOO": "BAR", "ZOT": "QIX"},
    "exported.env": {"OPTION_A": "2", "OPTION_B": "\\n"},
    "inherited-multi-var.env": {"foo": "bar", "VAR_TO_BE_LOADED_FROM_OS_ENV": "fromos", "bar": "baz"},
    "inherited-not-found.env": {},
    "plain.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "3", "OPTION_D": "4", "OPTION_E": "5", "456": "ABC",
                  "OPTION_F": "", "OPTION_G": "", "OPTION_H": "my string"},
    "quoted.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "", "OPTION_D": "\\n", "OPTION_E": "1",
                   "OPTION_F": "2", "OPTION_G": "", "OPTION_H": "\n", "OPTION_I": "echo 'asd'",
                   "OPTION_J": "first line\nsecond line\nthird line\nand so on", "OPTION_K": "Let's go!",
                   "OPTION_Z": "last value"},
    "special.env": {"VAR.WITH.DOTS": "dots", "VAR_WITH_UNDERSCORES": "underscores", "VAR-WITH-DASHES": "dashes"},
    # the OS environment wins in lookups inside the file, as in v2
    "substitutions.env": {"OPTION_A": "1", "OPTION_B": "osA", "OPTION_C": "osA", "OPTION_D": "osA_osA",
                          "OPTION_E": ""},
    "utf8-bom.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "3", "OPTION_D": "4", "OPTION_E": "5",
                     "456": "ABC", "OPTION_F": "", "OPTION_G": "", "OPTION_H": "my string"},
}


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/corpus is not present")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name):
    assert read_dotenv(str(FIXTURES / name), lookup=OS_ENV.get) == EXPECTED[name]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/corpus is not present")
def test_invalid_line_is_named():
    with pytest.raises(ConfigError) as error:
        read_dotenv(str(FIXTURES / "invalid1.env"), lookup=OS_ENV.get)
    assert str(error.value).endswith("invalid1.env: line 7: key cannot contain a space")


def test_earlier_keys_and_defaults_expand():
    text = 'A=1\nB="${A}-${MISSING:-dflt}"\nC=\'${A}\'\nD=x # comment\n'
    assert parse_dotenv(text, file="f", lookup=lambda key: None) == {"A": "1", "B": "1-dflt", "C": "${A}", "D": "x"}


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="failed to read"):
        read_dotenv(str(tmp_path / "missing.env"), lookup=lambda key: None)
