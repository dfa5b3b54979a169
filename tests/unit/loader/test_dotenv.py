""".env parsing as Compose v2 (compose-go dotenv) does it; each expectation was measured with docker-compose v2.40.3."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.errors import ConfigError
from pycompose.loader.dotenv import parse_dotenv, read_dotenv

OS_ENV = {"X": "os", "VAR_TO_BE_LOADED_FROM_OS_ENV": "fromos"}

# (name, .env text, parsed values, warnings) measured with docker-compose v2.40.3 `--env-file F config --environment`
# with OS environment X=os, VAR_TO_BE_LOADED_FROM_OS_ENV=fromos (the lookup); fixtures are compose-go's dotenv/fixtures
PARSED = [
    ('custom.format', 'FOO:BAR\nZOT:QIX', {'FOO': 'BAR', 'ZOT': 'QIX'}, []),
    ('equals.env',
     "export OPTION_A='postgres://localhost:5432/database?sslmode=disable'\n\n",
     {'OPTION_A': 'postgres://localhost:5432/database?sslmode=disable'},
     []),
    ('exported.env', "export OPTION_A=2\nexport OPTION_B='\\n'\n", {'OPTION_A': '2', 'OPTION_B': '\\n'}, []),
    ('inherited-multi-var.env',
     'foo=bar\nVAR_TO_BE_LOADED_FROM_OS_ENV\nbar=baz\n',
     {'foo': 'bar', 'VAR_TO_BE_LOADED_FROM_OS_ENV': 'fromos', 'bar': 'baz'},
     []),
    ('inherited-not-found.env', 'VARIABLE_NOT_FOUND\n', {}, []),
    ('inherited-single-var.env', 'VAR_TO_BE_LOADED_FROM_OS_ENV\n', {'VAR_TO_BE_LOADED_FROM_OS_ENV': 'fromos'}, []),
    ('plain.env',
     'OPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\n456 = ABC\nOPTION_F = \nOPTION_G=\n'
     'OPTION_H = my string # Inline comment\n',
     {'OPTION_A': '1', 'OPTION_B': '2', 'OPTION_C': '3', 'OPTION_D': '4', 'OPTION_E': '5', '456': 'ABC', 'OPTION_F': '',
      'OPTION_G': '', 'OPTION_H': 'my string'},
     []),
    ('quoted.env',
     'OPTION_A=\'1\'\nOPTION_B=\'2\'\nOPTION_C=\'\'\nOPTION_D=\'\\n\'\nOPTION_E="1"\nOPTION_F="2"\nOPTION_G=""\n'
     'OPTION_H="\\n"\nOPTION_I = "echo \'asd\'" # Inline comment\nOPTION_J = \'first line\nsecond line\nthird line\n'
     'and so on\'\nOPTION_K=\'Let\\\'s go!\'\nOPTION_Z = "last value"\n',
     {'OPTION_A': '1', 'OPTION_B': '2', 'OPTION_C': '', 'OPTION_D': '\\n', 'OPTION_E': '1', 'OPTION_F': '2',
      'OPTION_G': '', 'OPTION_H': '\n', 'OPTION_I': "echo 'asd'",
      'OPTION_J': 'first line\nsecond line\nthird line\nand so on', 'OPTION_K': "Let's go!", 'OPTION_Z': 'last value'},
     []),
    ('special.env',
     'VAR.WITH.DOTS=dots\nVAR_WITH_UNDERSCORES=underscores\nVAR-WITH-DASHES=dashes\n',
     {'VAR.WITH.DOTS': 'dots', 'VAR_WITH_UNDERSCORES': 'underscores', 'VAR-WITH-DASHES': 'dashes'},
     []),
    ('substitutions-default.env',
     'OPTION_A=${OPTION_A:-1}\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\n'
     'OPTION_E=${OPTION_NOT_DEFINED}\n',
     {'OPTION_A': '1', 'OPTION_B': '1', 'OPTION_C': '1', 'OPTION_D': '1_1', 'OPTION_E': ''},
     ['The "OPTION_NOT_DEFINED" variable is not set. Defaulting to a blank string.']),
    ('substitutions.env',
     'OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\n'
     'OPTION_E=${OPTION_NOT_DEFINED}\n',
     {'OPTION_A': '1', 'OPTION_B': '1', 'OPTION_C': '1', 'OPTION_D': '1_1', 'OPTION_E': ''},
     ['The "OPTION_NOT_DEFINED" variable is not set. Defaulting to a blank string.']),
    ('unquoted.env',
     'OPTION_A = "some quoted phrase"\nOPTION_B=first one with an unquoted phrase\n'
     'OPTION_C = then another one with an unquoted phrase\n'
     'OPTION_D = then another one with an unquoted phrase special è char\n'
     'OPTION_E = "then another one quoted phrase"\n',
     {'OPTION_A': 'some quoted phrase', 'OPTION_B': 'first one with an unquoted phrase',
      'OPTION_C': 'then another one with an unquoted phrase',
      'OPTION_D': 'then another one with an unquoted phrase special è char',
      'OPTION_E': 'then another one quoted phrase'},
     []),
    ('utf8-bom.env',
     '\ufeffOPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\n456 = ABC\nOPTION_F =\nOPTION_G=\n'
     'OPTION_H = my string # Inline comment\n',
     {'OPTION_A': '1', 'OPTION_B': '2', 'OPTION_C': '3', 'OPTION_D': '4', 'OPTION_E': '5', '456': 'ABC', 'OPTION_F': '',
      'OPTION_G': '', 'OPTION_H': 'my string'},
     []),
    ('lookup-wins',
     'X=file\nY=${X}\nZ=${Y}\nW=$$X\nV="\\$X"\n', {'X': 'file', 'Y': 'os', 'Z': 'os', 'W': '$X', 'V': '$X'}, []),
    ('earlier-keys', 'P=1\nQ=${P}2\nR="${Q}3"\nS=\'${Q}\'\n', {'P': '1', 'Q': '12', 'R': '123', 'S': '${Q}'}, []),
    ('comments',
     '  # c\nA=1 # c\n#B=2\nC="a # b"\nD=a#b\nE= #x\nF=x\t#tab\n',
     {'A': '1', 'C': 'a # b', 'D': 'a#b', 'E': '#x', 'F': 'x\t#tab'},
     []),
    ('after-quote', 'D="a"b\nE=2\n', {'D': 'a', 'E': '2'}, []),
    ('escapes',
     'E="q\\tq\\nq\\x41\\0101\\\\\\"\\a\\0\\01\\0777\\$X\\\'"\nF=\'s\\ts $X \\\' \\\\\'\n',
     {'E': 'q\tq\nq\\x41A\\"\x07\\\\1\\777$X\\\'', 'F': "s\\ts $X ' \\\\"},
     []),
    ('export',
     'export\tA=1\nexport B\n  C  =  spaced  \nD:  yaml\nexportE=1\n',
     {'A': '1', 'C': 'spaced', 'D': 'yaml', 'exportE': '1'},
     []),
    ('empty-key', '=v\n', {'': 'v'}, []),
    ('crlf', 'A=1\r\nB="2"\r\nC=\'3\'\r\n', {'A': '1', 'B': '2', 'C': '3'}, []),
    ('bare-earlier', 'K=1\nK\nX\nNOPE\n', {'K': '1', 'X': 'os'}, []),
    ('unicode-key', 'CLÉ=v\nüber=x\n', {'CLÉ': 'v', 'über': 'x'}, []),
    ('nested-default', 'A=${UNDEF:-${X}-d}\nB=${X:+set}\n', {'A': 'os-d', 'B': 'set'}, []),
    ('dollar-digit', 'A=$1 $ x$\n', {'A': '$1 $ x$'}, []),
    ('brackets', 'A[0]=x\n', {'A[0]': 'x'}, []),
    ('tabs', '\tA\t=\tv\t\n', {'A': 'v'}, []),
]
# (name, .env text, v2 error message) with the file named /x/.env
FAILURES = [
    ('invalid1.env',
     '# some comments\nfoo="\n  a\n  multine\n  value\n"\nINVALID LINE\nzot=qix',
     'failed to read /x/.env: line 7: key cannot contain a space'),
    ('space-key', 'A B=1\n', 'failed to read /x/.env: line 1: key cannot contain a space'),
    ('bad-char', 'A$=1\n', 'failed to read /x/.env: line 1: unexpected character "$" in variable name "A$=1"'),
    ('bad-char2',
     '\n\nOK=1\nAéç*=1\n', 'failed to read /x/.env: line 4: unexpected character "*" in variable name "Aéç*=1"'),
    ('unterminated',
     '\n\nA="unterminated\nB=1\n\n', 'failed to read /x/.env: line 6: unterminated quoted value "unterminated'),
    ('unterminated-single', "A='x\n", "failed to read /x/.env: line 2: unterminated quoted value 'x"),
    ('export-eof', 'A=1\nexport ', 'failed to read /x/.env: zero length string'),
    ('required', 'A="${X:-d} ${Q:?boom}"\n', 'failed to read /x/.env: required variable Q is missing a value: boom'),
    ('invalid-template', 'A=${\n', 'failed to read /x/.env: Invalid template: "${"'),
    ('multiline-lines', 'A="1\n2\n3"\nB C\n', 'failed to read /x/.env: line 4: key cannot contain a space'),
]


@pytest.mark.parametrize(("name", "text", "expected", "warnings"), PARSED, ids=[case[0] for case in PARSED])
def test_parses_as_v2(name, text, expected, warnings):
    seen: list[str] = []
    assert parse_dotenv(text, file="/x/.env", lookup=OS_ENV.get, warn=seen.append) == expected
    assert sorted(set(seen)) == warnings


@pytest.mark.parametrize(("name", "text", "message"), FAILURES, ids=[case[0] for case in FAILURES])
def test_fails_as_v2(name, text, message):
    with pytest.raises(ConfigError) as error:
        parse_dotenv(text, file="/x/.env", lookup=OS_ENV.get)
    assert str(error.value) == message


def test_lookup_wins_over_earlier_keys_and_bare_keys_fall_back_to_them():
    lookup = {"A": "outside"}.get
    assert parse_dotenv("A=inside\nB=${A}\nC=1\nC\nD\n", file="f", lookup=lookup) == {
        "A": "inside", "B": "outside", "C": "1",
    }


def test_warning_text_for_unset_variables():
    seen: list[str] = []
    parse_dotenv("A=${NOPE}\nB=$NOPE\n", file="f", lookup=lambda _: None, warn=seen.append)
    assert seen == ['The "NOPE" variable is not set. Defaulting to a blank string.'] * 2


def test_read_dotenv_strips_bom_and_names_absolute_path(tmp_path, monkeypatch):
    path = tmp_path / "a.env"
    path.write_bytes("\ufeffA=1\nB='two'\n".encode())
    assert read_dotenv(str(path), lookup=lambda _: None) == {"A": "1", "B": "two"}
    bad = tmp_path / "bad.env"
    bad.write_text("A B=1\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as error:
        read_dotenv("bad.env", lookup=lambda _: None)
    assert str(error.value) == f"failed to read {bad}: line 1: key cannot contain a space"


def test_read_dotenv_unreadable(tmp_path):
    with pytest.raises(ConfigError) as error:
        read_dotenv(str(tmp_path / "missing.env"), lookup=lambda _: None)
    assert str(error.value) == f"couldn't find env file: {tmp_path / 'missing.env'}"
    with pytest.raises(ConfigError) as error:
        read_dotenv(str(tmp_path), lookup=lambda _: None)
    assert str(error.value) == f"{tmp_path} is a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without permissions")
def test_read_dotenv_permission_denied(tmp_path):
    path = tmp_path / "secret.env"
    path.write_text("A=1\n")
    path.chmod(0)
    with pytest.raises(ConfigError):
        read_dotenv(str(path), lookup=lambda _: None)


_DOTENV_PIECES = [
    "A", "b", "=", ":", " ", "\t", "\n", "#", "'", '"', "\\", "$", "{", "}", "export ", "é", "1", "-", "\r",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DOTENV_PIECES), max_size=40).map("".join))
def test_any_text_parses_or_raises_a_config_error(text):
    try:
        values = parse_dotenv(text, file="f", lookup=OS_ENV.get)
    except ConfigError:
        return
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in values.items())
