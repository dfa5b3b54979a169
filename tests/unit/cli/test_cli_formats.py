"""`--format` of ps, volumes, images and ls: v2's bytes for containers built as literals (no engine)."""

from __future__ import annotations

import json

import pytest

from pycompose.api.transfer import VolumeSummary, split_copy_argument
from pycompose.cli.commands.ps import (
    HEADERS,
    _format_text,
    container_context,
    ellipsis,
    human_duration,
)
from pycompose.cli.commands.volumes import HEADERS as VOLUME_HEADERS
from pycompose.cli.commands.volumes import TABLE_FORMAT as VOLUME_TABLE
from pycompose.cli.commands.volumes import volume_context
from pycompose.cli.main import run
from pycompose.observed import ObservedContainer, ObservedMount, PortBinding
from pycompose.presentation.go_format import header_context, render, tabwriter
from pycompose.presentation.go_template import TemplateError


def container(name: str, command: str, *, ports=(), mounts=()) -> ObservedContainer:
    return ObservedContainer(
        id="a71623213937" + "0" * 52, name=name, state="running", image="busybox:latest", command=command,
        created=0, status="Up 6 minutes", ports=ports, mounts=mounts, network_names=("cf-p1_default",),
        labels={"com.docker.compose.project": "cf-p1", "com.docker.compose.service": name.split("-")[2], "a": "b"},
    )


NEWLINE = container("cf-p1-nl-1", "sh -c 'echo a\nsleep 3600'")
QUOTES = container("cf-p1-web-1", "sh -c 'echo \"hi there\"; sleep 3600'",
                   ports=(PortBinding(80, "tcp", "127.0.0.1", 32768),),
                   mounts=(ObservedMount("volume", "cf-p1_data", "/data"),))


def ps(format_: str, *containers: ObservedContainer, no_trunc: bool = False) -> str:
    rows = [container_context(c, no_trunc) for c in containers]
    return render(_format_text(format_), rows, header_context(HEADERS))


def test_a_command_with_a_newline_or_quotes_keeps_the_table_aligned():
    lines = ps("table {{.Name}}\\t{{.Command}}\\t{{.Service}}", NEWLINE, QUOTES).splitlines()
    assert lines == [
        "NAME          COMMAND                   SERVICE",
        "cf-p1-nl-1    \"sh -c 'echo a\\nsleep…\"   nl",
        "cf-p1-web-1   \"sh -c 'echo \\\"hi the…\"   web",
    ]


def test_json_escapes_inner_quotes_and_newlines_as_v2():
    first, second = ps("json", NEWLINE, QUOTES).splitlines()
    assert json.loads(first)["Command"] == "\"sh -c 'echo a\\nsleep…\""
    assert '"Command":"\\"sh -c \'echo \\\\\\"hi the…\\""' in second
    assert '"Ports":"127.0.0.1:32768-\\u003e80/tcp"' in second
    assert '"Publishers":[{"URL":"127.0.0.1","TargetPort":80,"PublishedPort":32768,"Protocol":"tcp"}]' in second
    assert list(json.loads(second)) == sorted(json.loads(second))


def test_no_trunc_quotes_the_whole_command():
    assert ps("{{.Command}}", QUOTES, no_trunc=True) == '"sh -c \'echo \\"hi there\\"; sleep 3600\'"\n'


def test_templates_see_v2s_fields():
    assert ps("{{.Name}} {{.State}} {{.Label \"a\"}} {{.LocalVolumes}} {{.Mounts}}", QUOTES) == \
        "cf-p1-web-1 running b 1 cf-p1_data\n"
    assert ps("table {{.Service}}\\t{{.Ports}}", NEWLINE, QUOTES) == (
        "SERVICE   PORTS\nnl        \nweb       127.0.0.1:32768->80/tcp\n")


def test_a_table_header_shows_no_value_for_fields_without_a_header():
    assert ps("table {{.Health}}\\t{{.Name}}", QUOTES).splitlines()[0] == "<no value>   NAME"


def test_a_table_without_rows_still_has_its_header():
    assert ps("table") == "NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n"


def test_raw_format_is_a_block_per_container():
    text = ps("raw", QUOTES)
    assert text.startswith("container_id: a71623213937\nimage: busybox:latest\n")
    assert text.endswith("ports: 127.0.0.1:32768->80/tcp\n\n")


def test_a_bad_template_is_refused_before_any_output():
    with pytest.raises(TemplateError) as caught:
        ps("{{.Foo}}", QUOTES)
    assert str(caught.value) == ('template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate '
                                 "field Foo in type *formatter.ContainerContext")
    with pytest.raises(TemplateError, match=r"^template parsing error: template: :1: unclosed action$"):
        ps("{{.Name", QUOTES)


def test_only_spaces_around_the_format_are_trimmed():
    assert ps("  {{.Name}}\t ", QUOTES) == "cf-p1-web-1\t\n"


@pytest.mark.parametrize(("seconds", "text"), [
    (0.5, "Less than a second"), (1, "1 second"), (59, "59 seconds"), (60, "About a minute"), (119, "About a minute"),
    (419, "6 minutes"), (3599, "59 minutes"), (5399, "About an hour"), (5400, "2 hours"), (47 * 3600, "47 hours"),
    (3 * 86400, "3 days"), (20 * 86400, "2 weeks"), (90 * 86400, "3 months"), (800 * 86400, "2 years"),
])
def test_human_duration_is_go_units(seconds: float, text: str):
    assert human_duration(seconds) == text


@pytest.mark.parametrize(("text", "width", "cut"), [
    ("short", 20, "short"), ("a" * 20, 20, "a" * 20), ("a" * 21, 20, "a" * 19 + "…"), ("日本語日本語", 5, "日本…"),
])
def test_ellipsis_counts_display_columns(text: str, width: int, cut: str):
    assert ellipsis(text, width) == cut


def test_tabwriter_aligns_column_blocks_like_go():
    assert tabwriter("a\tbb\tc\nccc\td\n") == "a         bb        c\nccc       d\n"
    # a line without a tab ends the block: the lines after it are aligned on their own
    assert tabwriter("a\tb\nno tabs\nlonger-cell-here\tx\n") == (
        "a         b\nno tabs\nlonger-cell-here   x\n")
    assert tabwriter("x\t\n") == "x         \n"


def test_volumes_table_json_and_templates():
    volume = VolumeSummary(name="cf-p1_data", driver="local", scope="local",
                           mountpoint="/var/lib/docker/volumes/cf-p1_data/_data", labels={"a": "b"})
    header = header_context(VOLUME_HEADERS)
    assert render(VOLUME_TABLE, [volume_context(volume)], header) == "DRIVER    VOLUME NAME\nlocal     cf-p1_data\n"
    assert render("json", [volume_context(volume)], header) == (
        '{"Availability":"N/A","Driver":"local","Group":"N/A","Labels":"a=b","Links":"N/A",'
        '"Mountpoint":"/var/lib/docker/volumes/cf-p1_data/_data","Name":"cf-p1_data","Scope":"local","Size":"N/A",'
        '"Status":"N/A"}\n')
    assert render('{{.Name}} {{.Label "a"}}', [volume_context(volume)], header) == "cf-p1_data b\n"
    assert render(VOLUME_TABLE, [], header) == "DRIVER    VOLUME NAME\n"


@pytest.mark.parametrize("command", [["images"], ["ls"]])
def test_images_and_ls_take_only_table_or_json(command, capsys):
    assert run([*command, "--format", "table {{.ID}}\\t"]) == 1
    assert capsys.readouterr().err.strip().endswith(
        'format value "table {{.ID}}\\\\t" could not be parsed: parsing failed')


@pytest.mark.parametrize(("argument", "split"), [
    ("web:/tmp", ("web", "/tmp")), ("/abs:path", ("", "/abs:path")), ("./file:name", ("", "./file:name")),
    ("local", ("", "local")), ("-", ("", "-")), ("web:", ("web", "")),
])
def test_cp_arguments_split_as_v2(argument: str, split: tuple[str, str]):
    assert split_copy_argument(argument) == split


def test_ports_are_grouped_and_ordered_as_dockers_cli_does():
    """docker's `DisplayablePorts`: exposed ports and same-number publications grouped into ranges per protocol
    (and address) in the order the groups began, other host mappings last (v2 on the key06 scenario)."""
    ports = (
        PortBinding(53, "udp", "127.0.0.1", 32771), PortBinding(7000, "tcp"), PortBinding(0, "udp"),
        PortBinding(7001, "udp"), PortBinding(7002, "udp"), PortBinding(80, "tcp", "127.0.0.1", 18336),
        PortBinding(8080, "tcp", "0.0.0.0", 8080), PortBinding(8081, "tcp", "0.0.0.0", 8081),
        PortBinding(8080, "tcp", "::", 8080),
    )
    row = container_context(container("cf-p1-web-1", "x", ports=ports), False)
    assert render(_format_text("{{.Ports}}"), [row], header_context(HEADERS)) == (
        # 7001 ends the udp group that 0 began (printed at once); the groups still open follow in creation order
        "0/udp, 7001-7002/udp, 7000/tcp, 0.0.0.0:8080-8081->8080-8081/tcp, [::]:8080->8080/tcp, "
        "127.0.0.1:32771->53/udp, 127.0.0.1:18336->80/tcp\n")
