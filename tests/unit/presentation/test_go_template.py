"""Go's text/template as the docker CLI's `--format` uses it: outputs and error messages measured on v2.40.3."""

from __future__ import annotations

import pytest

from pycompose.presentation.go_template import (
    HEADER_FUNCTIONS,
    NO_VALUE,
    GoMap,
    GoMethod,
    GoStruct,
    TemplateError,
    format_value,
    go_quote,
    parse,
)

LABELS = {"a": "b"}
CONTAINER = GoStruct(
    "*formatter.ContainerContext",
    {
        "Name": "cf-p1-web-1",
        "State": "running",
        "ExitCode": 0,
        "Health": "",
        "Publishers": [GoStruct("api.PortPublisher", {"URL": "127.0.0.1", "TargetPort": 80, "PublishedPort": 32768,
                                                      "Protocol": "tcp"})],
        "Label": GoMethod(lambda name: LABELS.get(name, ""), ("string",)),
    },
)


def render(text: str, data=CONTAINER) -> str:
    return parse(text).execute(data)


def error_of(text: str, data=CONTAINER) -> str:
    with pytest.raises(TemplateError) as caught:
        parse(text).execute(data)
    return str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("{{.Name}} {{.State}}", "cf-p1-web-1 running"),
    ("plain text", "plain text"),
    ("", ""),
    ("{{ .Name | upper }}", "CF-P1-WEB-1"),
    ('{{.Name | printf "%s-%d" .ExitCode}}', "%!s(int=0)-%!d(string=cf-p1-web-1)"),
    ('{{.Label "a"}}|{{.Label "zz"}}', "b|"),
    ("{{len .Name}}", "11"),
    ("{{/* a comment */}}a", "a"),
    ("{{- /* trimmed comment */ -}}  a", "a"),
    ("x  {{- .Name -}}  y", "xcf-p1-web-1y"),
    ("{{ .Name -}} \n\t x", "cf-p1-web-1x"),
    ("a \n {{- .State}}", "arunning"),
    ('{{printf "%v|%q|%5s|%-5s|%x" .Publishers .Name "ab" "ab" .Name}}',
     '[{127.0.0.1 80 32768 tcp}]|"cf-p1-web-1"|   ab|ab   |63662d70312d7765622d31'),
    ("{{range .Publishers}}{{.URL}}:{{.PublishedPort}} {{end}}", "127.0.0.1:32768 "),
    ('{{print 1 2 "a" "b" 3}}', "1 2ab3"),
    ("{{println .Name}}", "cf-p1-web-1\n"),
    ('{{truncate .Name 3}}|{{pad .Name 1 2}}|{{title "hello wORLD"}}|{{split .Name "-"}}|'
     '{{join (split .Name "-") "+"}}',
     "cf-| cf-p1-web-1  |Hello WORLD|[cf p1 web 1]|cf+p1+web+1"),
    ('{{json (split .Name "-")}}', '["cf","p1","web","1"]'),
    ('{{range $i, $p := split .Name "-"}}{{$i}}={{$p}};{{else}}none{{end}}', "0=cf;1=p1;2=web;3=1;"),
    ("{{with .Health}}h={{.}}{{else}}nohealth{{end}}", "nohealth"),
    ("{{with .State}}s={{.}}{{end}}", "s=running"),
    ("{{1.5}} {{1e6}} {{0x10}} {{true}} {{'a'}} {{1_000}} {{-3}}", "1.5 1e+06 16 true 97 1000 -3"),
    ('{{.Name | len | printf "%03d"}}', "011"),
    ("{{(index .Publishers 0).URL}}", "127.0.0.1"),
    ("{{.Publishers}}", "[{127.0.0.1 80 32768 tcp}]"),
    ("{{json .Publishers}}", '[{"URL":"127.0.0.1","TargetPort":80,"PublishedPort":32768,"Protocol":"tcp"}]'),
    ('{{json "a<b>&c"}}', '"a<b>&c"'),
    ("{{`raw \\t string`}}", "raw \\t string"),
    ('{{"esc\\t\\"q\\"\\u00e9"}}', 'esc\t"q"é'),
    ("{{$x := .Name}}{{$x}}", "cf-p1-web-1"),
    ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
    ("{{$.Name}}{{range .Publishers}}{{$.State}}{{end}}", "cf-p1-web-1running"),
    ("{{if eq .State \"running\"}}up{{else if eq .State \"exited\"}}down{{else}}?{{end}}", "up"),
    ('{{if eq .State "exited" "running"}}one of{{end}}', "one of"),
    ('{{if ne .ExitCode 0}}failed{{else}}ok{{end}}', "ok"),
    ("{{if and .Name .Health}}both{{else}}not both{{end}}", "not both"),
    ("{{or .Health .State}}", "running"),
    ("{{and .Name .State}}", "running"),
    ("{{not .Health}}", "true"),
    ("{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 3 2}} {{lt \"a\" \"b\"}}", "true true false true true"),
    ("{{range 3}}{{.}}{{end}}", "012"),
    ("{{range $i, $e := split \"a,b,c\" \",\"}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}", "ac"),
    ("{{range split \"a,b,c\" \",\"}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"),
    ('{{range split "" ","}}[{{.}}]{{end}}', "[]"),
    ("{{slice .Name 0 5}}", "cf-p1"),
    ('{{index (split .Name "-") 2}}', "web"),
    ('{{html "<a&\'>"}}', "&lt;a&amp;&#39;&gt;"),
    ('{{urlquery "a b&c"}}', "a+b%26c"),
    ('{{js "it\'s"}}', "it\\'s"),
    ('{{define "row"}}[{{.}}]{{end}}{{template "row" .State}}', "[running]"),
    ('{{block "b" .Name}}<{{.}}>{{end}}', "<cf-p1-web-1>"),
    ("{{lower \"ABC\"}}{{upper \"def\"}}", "abcDEF"),
    ('{{pad "" 2 2}}|', "|"),
    ('{{truncate "abc" 10}}', "abc"),
    ("{{printf \"%5.2f|%t|%c|%%|%d\" 3.14159 true 65 -4}}", " 3.14|true|A|%|-4"),
    ('{{printf "%s"}}', "%!s(MISSING)"),
    ('{{printf "%s" "a" "b"}}', "a%!(EXTRA string=b)"),
    ("{{.Missing}}", "<no value>"),
])
def test_renders_like_go(text: str, expected: str) -> None:
    data = CONTAINER if "Missing" not in text else {"Present": "x"}
    assert render(text, data) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("{{.Name", "template: :1: unclosed action"),
    ("{{.Name}", "template: :1: bad character U+007D '}'"),
    ("{{foo .Name}}", 'template: :1: function "foo" not defined'),
    ("{{if .Name}}x", "template: :1: unexpected EOF"),
    ("{{end}}", "template: :1: unexpected {{end}}"),
    ("{{else}}", "template: :1: unexpected {{else}}"),
    ('{{"abc}}', "template: :1: unterminated quoted string"),
    ("{{`abc}}", "template: :1: unterminated raw quoted string"),
    ("{{ $x := .Name }}{{$x}}{{$y}}", 'template: :1: undefined variable "$y"'),
    ("  {{-.Name}}", 'template: :1: bad number syntax: "-.N"'),
    ("{{/* open", "template: :1: unclosed comment"),
    ("{{/* c */ .Name}}", "template: :1: comment ends before closing delimiter"),
    ("{{(.Name}}", "template: :1: unclosed left paren"),
    ("{{.Name)}}", "template: :1: unexpected right paren"),
    ("a\nb\n{{.Name", "template: :3: unclosed action"),
    ("{{break}}", "template: :1: {{break}} outside {{range}}"),
])
def test_parse_errors_carry_gos_message(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse(text)
    assert str(caught.value) == message
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(("text", "message"), [
    ("{{.Foo}}", 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type '
                 "*formatter.ContainerContext"),
    ("{{upper .ExitCode}}", 'template: :1:8: executing "" at <.ExitCode>: wrong type for value; expected string; '
                            "got int"),
    ("{{upper 3}}", 'template: :1:8: executing "" at <3>: expected string; found 3'),
    ("{{index .Publishers 5}}", 'template: :1:2: executing "" at <index .Publishers 5>: error calling index: '
                                "index out of range: 5"),
    ("{{.Label}}", 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0'),
    ("{{.Name.Foo}}", 'template: :1:7: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type string'),
    ('{{eq .ExitCode "a"}}', 'template: :1:2: executing "" at <eq .ExitCode "a">: error calling eq: '
                             "incompatible types for comparison"),
    ("{{lt .Name 3}}", 'template: :1:2: executing "" at <lt .Name 3>: error calling lt: '
                       "incompatible types for comparison"),
    ('{{index (split .Name "-") 9}}', 'template: :1:2: executing "" at <index (split .Name "-") 9>: error calling '
                                      "index: index out of range: 9"),
    ("{{1.5}} {{1e6}} {{0x10}} {{true}} {{nil}}", 'template: :1:36: executing "" at <nil>: nil is not a command'),
    ("x\n  {{.Foo}}", 'template: :2:4: executing "" at <.Foo>: can\'t evaluate field Foo in type '
                      "*formatter.ContainerContext"),
    ("{{upper .Name .Name}}", 'template: :1:2: executing "" at <upper>: wrong number of args for upper: want 1 got 2'),
])
def test_execution_errors_carry_gos_message(text: str, message: str) -> None:
    assert error_of(text) == message


def test_execute_partial_keeps_what_came_before_the_error() -> None:
    assert parse("a{{.Foo}}b").execute_partial(CONTAINER) == "a"


def test_header_functions_leave_column_names_intact() -> None:
    header = GoMap({"Name": "NAME"}, {"Label": GoMethod(lambda n: n, ("string",))})
    text = parse('{{upper .Name}}|{{json .Name}}|{{pad .Name 1 1}}|{{.Other}}|{{.Label "x"}}')
    assert text.execute_partial(header, functions=HEADER_FUNCTIONS) == "NAME|NAME| NAME |<no value>|x"


@pytest.mark.parametrize(("value", "shown"), [
    (None, "<nil>"), (NO_VALUE, "<no value>"), (True, "true"), (3, "3"), (0.5, "0.5"), (1234567.0, "1.234567e+06"),
    (100000.0, "100000"), (0.00001, "1e-05"), (["a", 1], "[a 1]"), ({"b": 1, "a": "x"}, "map[a:x b:1]"),
    (GoStruct("t", {"A": 1, "B": "x"}), "{1 x}"),
])
def test_values_print_as_gos_percent_v(value, shown: str) -> None:
    assert format_value(value) == shown


@pytest.mark.parametrize(("text", "quoted"), [
    ("plain", '"plain"'), ('say "hi"', '"say \\"hi\\""'), ("a\nb\tc\\", '"a\\nb\\tc\\\\"'), ("é…", '"é…"'),
    ("\x01\x7f", '"\\x01\\x7f"'),
])
def test_go_quote_is_strconv_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


def test_a_struct_with_its_own_json_keeps_it() -> None:
    data = GoStruct("t", {"A": "<"}, json='{"A":"\\u003c"}')
    assert render("{{json .}}", data) == '{"A":"\\u003c"}'
    assert render("{{json .A}}", data) == '"<"'


def test_extra_functions_can_be_added() -> None:
    from pycompose.presentation.go_template import DOCKER_FUNCTIONS

    twice = {"twice": type(DOCKER_FUNCTIONS["upper"])(lambda s: s * 2, ("string",))}
    assert parse("{{twice .Name}}", functions=twice).execute({"Name": "ab"}) == "abab"
